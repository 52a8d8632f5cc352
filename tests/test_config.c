/* Tests of the run configuration (SPEC 2.5, the [costs] keys of SPEC 7):
 * defaults, overrides with their provenance, and the errors for unknown
 * sections and keys and wrongly typed values. */
#include "testutil.h"

#include "lleval/config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The entry of section.key, or fails the test. */
static ll_config_entry entry(const ll_config *cfg, const char *section, const char *key)
{
    ll_config_entry e;
    for (size_t i = 0; i < ll_config_n_keys(); i++) {
        ll_config_entry_get(&e, cfg, i);
        if (!strcmp(e.section, section) && !strcmp(e.key, key))
            return e;
    }
    ck_abort_msg("no key [%s] %s", section, key);
    return e;
}

static void expect_value(const ll_config *cfg, const char *section, const char *key,
                         const char *value, const char *source)
{
    ll_config_entry e = entry(cfg, section, key);
    ck_assert_msg(!strcmp(e.value, value), "[%s] %s = '%s', want '%s'", section, key, e.value,
                  value);
    ck_assert_msg(!strcmp(e.source, source), "[%s] %s from '%s', want '%s'", section, key,
                  e.source, source);
}

/* Each entry of the NULL-terminated list, written as `lleval config`
 * prints it, with its section: "[section] key = value ; source". */
static void expect_values(const ll_config *cfg, const char *const *want)
{
    for (size_t i = 0; want[i] != NULL; i++) {
        char section[32], key[64], value[256];
        const char *w = want[i], *eq = strstr(w, " = "), *semi = strrchr(w, ';');
        ck_assert_msg(sscanf(w, "[%31[^]]] %63s", section, key) == 2 && eq && semi &&
                          semi >= eq + 3 && semi[1] == ' ',
                      "bad expectation '%s'", w);
        int n = (int)(semi - (eq + 3));
        while (n > 0 && eq[3 + n - 1] == ' ')
            n--;
        snprintf(value, sizeof value, "%.*s", n, eq + 3);
        expect_value(cfg, section, key, value, semi + 2);
    }
}

START_TEST(defaults)
{
    ll_config c;
    ll_config_init(&c);
    /* the SPEC 2.5 table */
    ck_assert_int_eq(c.cohort.index, LL_INDEX_START);
    ck_assert_rel(c.cohort.max_age, 16, 0);
    ck_assert_rel(c.cohort.max_years_in_care, 3, 0);
    ck_assert_uint_eq(c.cohort.excluded_placement_groups,
                      (1u << LL_PG_ADOPTION) | (1u << LL_PG_PARENTS));
    ck_assert_uint_eq(c.cohort.excluded_legal_status,
                      (1u << ll_config_ls_index("E1")) | (1u << ll_config_ls_index("D1")));
    ck_assert_int_eq(c.cohort.leavers, LL_LEAVERS_EXCLUDE);
    ck_assert_int_eq(c.cohort.sdq_source, LL_SDQ_OC2);
    ck_assert_uint_eq(c.cohort.homeless_accom,
                      (1u << ('S' - 'A')) | (1u << ('V' - 'A')) | (1u << ('W' - 'A')));
    ck_assert_int_eq(c.analysis.comparison, LL_COMPARISON_AUTO);
    ck_assert_rel(c.analysis.caliper, 0.2, 0);
    ck_assert_int_eq(c.analysis.ratio, 1);
    ck_assert_int_eq(c.analysis.exact, LL_EXACT_LA);
    ck_assert_int_eq(c.report.min_cell, 5);
    ck_assert_int_eq(c.report.rounding, 5);
    ck_assert_int_eq(c.report.min_n, 10);
    /* the SPEC 7 table */
    ck_assert_rel(c.costs.item[LL_COST_MOVE].value, 224, 0);
    ck_assert_str_eq(c.costs.item[LL_COST_MOVE].price_year, "2009-10");
    ck_assert_rel(c.costs.item[LL_COST_WEEKLY_FOSTER].value, 700, 0);
    ck_assert_rel(c.costs.item[LL_COST_WEEKLY_KINSHIP].value, 700, 0);
    ck_assert_rel(c.costs.item[LL_COST_WEEKLY_RESIDENTIAL].value, 2995, 0);
    ck_assert_str_eq(c.costs.item[LL_COST_WEEKLY_RESIDENTIAL].price_year, "2013-14");
    ck_assert_int_eq(c.costs.item[LL_COST_WEEKLY_OTHER].has_value, 1);
    ck_assert_rel(c.costs.item[LL_COST_WEEKLY_OTHER].value + 1, 1, 0);
    ck_assert_str_eq(c.costs.item[LL_COST_WEEKLY_OTHER].price_year, "");
    ck_assert_rel(c.costs.item[LL_COST_HOMELESSNESS].value, 2501, 0);
    ck_assert_str_eq(c.costs.item[LL_COST_HOMELESSNESS].price_year, "2010-11");
    ck_assert_int_eq(c.costs.item[LL_COST_PROGRAMME].has_value, 0);
    ck_assert_str_eq(c.costs.base_year, "");
    ck_assert_int_eq(c.costs.horizon_years, 3);
    ck_assert_rel(c.costs.persistence, 1, 0);
    ck_assert_rel(c.costs.discount_rate, 0.035, 0);
    ck_assert_rel(c.costs.attribution, 1, 0);
    ck_assert_rel(c.costs.optimism_bias + 1, 1, 0);
    ck_assert_int_eq(c.costs.mc_draws, 10000);
    ck_assert_uint_eq(c.costs.seed, 1);
    ck_assert_rel(c.costs.cost_range, 0.25, 0);
    /* as printed */
    expect_values(&c, (const char *const[]){
        "[cohort] excluded_legal_status = D1,E1 ; default",
        "[cohort] homeless_accom = S,V,W ; default",
        "[analysis] caliper = 0.2 ; default",
        "[costs] programme_cost_per_child = none ; default",
        "[costs] base_year = latest ; default",
        "[costs] weekly_adoption_price_year = none ; default",
        NULL});
    ck_assert_str_eq(ll_cost_key(LL_COST_WEEKLY_SEMI_INDEPENDENT), "weekly_semi_independent");
}
END_TEST

START_TEST(override_with_provenance)
{
    ll_config c;
    ll_error err = {0};
    ll_config_init(&c);
    const char *ini = "; a comment\n"
                      "[cohort]\n"
                      "max_age = 18\n"
                      "index = FGC\n"
                      "excluded_placement_groups =\n"
                      "excluded_legal_status = e1 , V4\n"
                      "sdq_source = items:T\n"
                      "\n"
                      "[Costs]\n"
                      "programme_cost_per_child = 1500.5\n"
                      "weekly_other = 120 ; inline comment\n"
                      "weekly_other_price_year = 2019-20\n"
                      "base_year = 2022-23\n";
    ck_assert_msg(ll_config_parse_string(&c, ini, "run.ini", &err) == LL_OK, "%s", err.msg);
    ck_assert_rel(c.cohort.max_age, 18, 0);
    ck_assert_int_eq(c.cohort.index, LL_INDEX_FGC);
    ck_assert_uint_eq(c.cohort.excluded_placement_groups, 0);
    ck_assert_int_eq(c.cohort.sdq_source, LL_SDQ_ITEMS_T);
    ck_assert_int_eq(c.costs.item[LL_COST_PROGRAMME].has_value, 1);
    ck_assert_rel(c.costs.item[LL_COST_PROGRAMME].value, 1500.5, 0);
    expect_values(&c, (const char *const[]){
        "[cohort] max_age = 18 ; run.ini:3",
        "[cohort] index = fgc ; run.ini:4",
        "[cohort] excluded_placement_groups = ; run.ini:5",
        "[cohort] excluded_legal_status = E1,V4 ; run.ini:6",
        "[costs] weekly_other = 120 ; run.ini:11",
        "[costs] weekly_other_price_year = 2019-20 ; run.ini:12",
        "[costs] base_year = 2022-23 ; run.ini:13",
        "[cohort] max_years_in_care = 3 ; default",
        NULL});

    /* what `lleval config` prints reads back to the same values */
    char path[] = "/tmp/lleval-config-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_int_eq(ll_config_write(f, &c, &err), LL_OK);
    fclose(f);
    ll_config back;
    ll_config_init(&back);
    ck_assert_msg(ll_config_load(&back, path, &err) == LL_OK, "%s", err.msg);
    for (size_t i = 0; i < ll_config_n_keys(); i++) {
        ll_config_entry a, b;
        ll_config_entry_get(&a, &c, i);
        ll_config_entry_get(&b, &back, i);
        ck_assert_str_eq(a.value, b.value);
        ck_assert(strncmp(b.source, path, strlen(path)) == 0);
    }
    unlink(path);
    ck_assert_int_eq(ll_config_load(&back, path, &err), LL_EIO);

    /* a long provenance still reads back (it moves to a line of its own) */
    char name[300];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    ll_config_init(&back);
    ck_assert_int_eq(ll_config_parse_string(&back, "[costs]\nweekly_kinship_source = GMCA "
                     "Unit Cost Database SS2.0, LA foster care (kinship carers paid at LA "
                     "foster rates: an assumption)\n", name, &err), LL_OK);
    char text[16384];
    f = fmemopen(text, sizeof text, "w");
    ck_assert_int_eq(ll_config_write(f, &back, &err), LL_OK);
    fclose(f);
    ll_config again;
    ll_config_init(&again);
    ck_assert_msg(ll_config_parse_string(&again, text, "again", &err) == LL_OK, "%s", err.msg);
    ck_assert_str_eq(again.costs.item[LL_COST_WEEKLY_KINSHIP].source,
                     back.costs.item[LL_COST_WEEKLY_KINSHIP].source);
}
END_TEST

/* Parses ini and expects LL_EINPUT with every one of the words in msg. */
static void expect_error(const char *ini, const char *w1, const char *w2, const char *w3)
{
    ll_config c;
    ll_error err = {0};
    ll_config_init(&c);
    ck_assert_int_eq(ll_config_parse_string(&c, ini, "bad.ini", &err), LL_EINPUT);
    const char *w[] = {w1, w2, w3};
    for (int i = 0; i < 3; i++)
        ck_assert_msg(!w[i] || strstr(err.msg, w[i]), "'%s' lacks '%s'", err.msg, w[i]);
}

/* The [report] keys of SPEC 2.5 within their bounds. */
START_TEST(report_keys)
{
    ll_config c;
    ll_error err = {0};
    ll_config_init(&c);
    ck_assert_msg(ll_config_parse_string(&c, "[report]\nmin_cell = 10\nrounding = 1\nmin_n = 20\n",
                                         "ok.ini", &err) == LL_OK, "%s", err.msg);
    ck_assert_int_eq(c.report.min_cell, 10);
    ck_assert_int_eq(c.report.rounding, 1);
    ck_assert_int_eq(c.report.min_n, 20);
}
END_TEST

START_TEST(unknown_key_or_section)
{
    expect_error("[cohort]\nmax_age = 15\nmax_agee = 15\n", "bad.ini:3", "max_agee", "[cohort]");
    expect_error("[cohort]\nratio = 2\n", "bad.ini:2", "ratio", "cohort");
    expect_error("\n[matching]\n", "bad.ini:2", "[matching]", NULL);
    expect_error("index = start\n", "bad.ini:1", "index", "outside");
    expect_error("[cohort]\nmax_age = 15\nmax_age = 14\n", "bad.ini:3", "twice", "line 2");
    expect_error("[cohort\n", "bad.ini:1", "syntax", NULL);
}
END_TEST

START_TEST(wrong_type)
{
    expect_error("[cohort]\nmax_age = sixteen\n", "bad.ini:2", "max_age", "sixteen");
    expect_error("[analysis]\nratio = 1.5\n", "bad.ini:2", "ratio", "integer");
    expect_error("[analysis]\ncaliper = 0\n", "caliper", NULL, NULL);
    expect_error("[analysis]\ncomparison = matched\n", "comparison", "explicit", NULL);
    expect_error("[cohort]\nexcluded_placement_groups = foster,hospital\n", "hospital",
                 "placement groups", NULL);
    expect_error("[cohort]\nexcluded_legal_status = E1,,D1\n", "excluded_legal_status", NULL,
                 NULL);
    expect_error("[cohort]\nhomeless_accom = S,A\n", "homeless_accom", "ACCOM", NULL);
    expect_error("[costs]\ncost_per_move_price_year = 2009-11\n", "price_year", "YYYY-YY", NULL);
    expect_error("[costs]\nweekly_foster = none\n", "weekly_foster", NULL, NULL);
    expect_error("[costs]\nweekly_foster = -1\n", "weekly_foster", NULL, NULL);
    expect_error("[report]\nmin_cell = 5x\n", "min_cell", NULL, NULL);
    /* SPEC 2.5 (issue 22): at least 5; 0 used to switch disclosure control off. */
    expect_error("[report]\nmin_cell = 0\n", "bad.ini:2", "from 5 to",
                 "disclosure control cannot be switched off");
    expect_error("[report]\nmin_cell = 4\n", "min_cell", "from 5", NULL);
    /* SPEC 8: min_cell below 5 is refused; rounding from 1 to min_cell */
    expect_error("[report]\nmin_cell = 3\n", "bad.ini:2", "min_cell", "always withheld");
    expect_error("[report]\nmin_cell = 0\n", "bad.ini:2", "from 5", NULL);
    expect_error("[report]\nrounding = 0\n", "bad.ini:2", "rounding", NULL);
    expect_error("[report]\nmin_cell = 6\nrounding = 10\n", "bad.ini:3", "rounding = 10",
                 "min_cell = 6");
    expect_error("[report]\nmin_n = 0\n", "bad.ini:2", "min_n", NULL);
    char longline[400];
    snprintf(longline, sizeof longline, "[costs]\ncost_per_move_source = %0300d\n", 0);
    expect_error(longline, "bad.ini:2", "longer than 196", NULL);
}
END_TEST

/* The configuration table is the one place of each bound: the costs
 * module asks it, so a value the file accepts is never refused later. */
START_TEST(one_table_of_bounds)
{
    double lo, hi;
    int open_hi;
    ck_assert_int_eq(ll_config_key_range(&lo, &hi, &open_hi, "costs", "mc_draws"), LL_OK);
    ck_assert(lo == 1 && hi == 10000000 && !open_hi);
    ck_assert_int_eq(ll_config_key_range(&lo, &hi, &open_hi, "costs", "optimism_bias"), LL_OK);
    ck_assert(lo == 0 && hi == 1 && open_hi);
    ck_assert_int_eq(ll_config_key_range(&lo, &hi, &open_hi, "costs", "seedling"), LL_EINPUT);
    ck_assert_int_eq(ll_config_key_range(&lo, &hi, &open_hi, "analysis", "exact"), LL_EINPUT);
    expect_error("[costs]\nmc_draws = 10000001\n", "bad.ini:2", "mc_draws", NULL);
    ll_config c;
    ll_config_init(&c);
    ck_assert_int_eq(ll_config_parse_string(&c, "[costs]\nmc_draws = 10000000\n", "ok.ini", NULL),
                     LL_OK);
}
END_TEST

/* A cost given without its price year or source does not borrow the
 * built-in value's (issue 22): they are shown as not given. */
START_TEST(cost_without_its_price_year)
{
    ll_config c;
    ll_error err = {0};
    ll_config_init(&c);
    ck_assert_int_eq(ll_config_parse_string(&c, "[report]\nmin_cell = 5\n[costs]\n"
                                                "weekly_foster = 800\n"
                                                "weekly_residential = 3000\n"
                                                "weekly_residential_price_year = 2020-21\n",
                                            "my.ini", &err), LL_OK);
    expect_value(&c, "costs", "weekly_foster_price_year", "none",
                 "not given with the value on my.ini:4");
    expect_value(&c, "costs", "weekly_foster_source", "",
                 "not given with the value on my.ini:4");
    expect_value(&c, "costs", "weekly_residential_price_year", "2020-21", "my.ini:6");
    expect_value(&c, "costs", "weekly_residential_source", "",
                 "not given with the value on my.ini:5");
    /* Untouched items keep the built-in value with its year and source. */
    expect_value(&c, "costs", "weekly_kinship_price_year", "2013-14", "default");
    ck_assert_int_eq(c.report.min_cell, 5);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {
        defaults, override_with_provenance, unknown_key_or_section, wrong_type,
        one_table_of_bounds, cost_without_its_price_year, report_keys, NULL};
    return tu_suite("config", tests, 0);
}
