/* Tests of the cost-avoidance module (SPEC 7): deflator arithmetic, unit
 * cost resolution, the deterministic model against hand arithmetic, the
 * Monte Carlo (seeded, draw order, degenerate ranges), type-7 quantiles
 * against R, the triangular inverse CDF, switching values, the tornado and
 * secure/costs.csv. */
#include "testutil.h"
#include "analysis_csv.h"

#include "lleval/costs.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------------- */

static const ll_costs_row *find_row(const ll_costs_result *r, const char *component,
                                    const char *item)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].component, component) == 0 &&
            strcmp(r->rows[i].item, item) == 0)
            return &r->rows[i];
    ck_abort_msg("no row %s/%s", component, item);
    return NULL;
}

static int has_component(const ll_costs_result *r, const char *component)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].component, component) == 0)
            return 1;
    return 0;
}

/* The CSV text of r; caller frees. */
static char *csv_text(const ll_costs_result *r, size_t *len)
{
    char *buf = NULL;
    FILE *fp = open_memstream(&buf, len);
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(ll_costs_write_csv(fp, r, NULL), LL_OK);
    fclose(fp);
    return buf;
}

static ll_costs_effect eff(double estimate, double se)
{
    ll_costs_effect e = {estimate, se, NAN, NAN, NAN, 10, 10, 1, 0};
    return e;
}

/* The worked example of the hand test: every money value at base-year
 * (2023-24) prices, so that D(base)/D(price year) = 1. */
static void hand_params(ll_costs_params *p)
{
    ll_costs_params_init(p);
    p->base_year = "2023-24";
    p->horizon_years = 3;
    p->discount_rate = 0.25;
    p->persistence = 0.5;
    p->attribution = 0.8;
    p->optimism_bias = 0.25;
    static const double v[LL_COST_N] = {300, 800, 800, 4000, 0, 0, 0, 0, 3000, 1000};
    for (int i = 0; i < LL_COST_N; i++) {
        p->item[i].value = v[i];
        p->item[i].price_year = "2023-24";
        p->item[i].source = "test value";
    }
}

static void hand_effects(ll_costs_effects *e)
{
    memset(e, 0, sizeof *e);
    e->has_comparison = 1;
    e->n_treated = 10;
    e->n_leavers = 4;
    e->n_comparison = 10;
    e->moves = eff(0.5, 0.2);
    for (int g = 0; g < LL_PG_N; g++)
        e->weeks[g] = eff(0, 0);
    e->weeks[LL_PG_FOSTER] = eff(2, 1.5);
    e->weeks[LL_PG_RESIDENTIAL] = eff(1, 0.5);
    e->homeless = eff(0.25, 0.1);
    /* independent components (the crude module's diagonal Sigma) */
    e->placement_computable = 1;
    for (int k = 0; k < LL_COSTS_NCOMP; k++) {
        const ll_costs_effect *x = k == 0 ? &e->moves : &e->weeks[k - 1];
        e->cov[k][k] = x->std_error * x->std_error;
    }
}

/* The result of ll_costs_compute on p and e with mc_draws draws, which
 * must succeed (caller frees). */
static ll_costs_result *computed(ll_costs_params *p, const ll_costs_effects *e, long mc_draws)
{
    ll_costs_result *r = NULL;
    p->mc_draws = mc_draws;
    ck_assert_int_eq(ll_costs_compute(&r, p, e, NULL), LL_OK);
    return r;
}

/* ---- deflator and unit costs ----------------------------------------------- */

static const char *const TEST_YEARS[] = {"2013-14", "2009-10", "2024-25"};
static const double TEST_D[] = {90, 80, 120};

START_TEST(deflator_arithmetic)
{
    ll_costs_deflator *d = NULL;
    ck_assert_int_eq(ll_costs_deflator_from_arrays(&d, 3, TEST_YEARS, TEST_D, "test", NULL),
                     LL_OK);
    /* sorted by year; the latest is the default base year */
    ck_assert_str_eq(ll_costs_deflator_year(d, 0), "2009-10");
    ck_assert_str_eq(ll_costs_deflator_latest(d), "2024-25");
    double v;
    /* 224 x 120 / 80 = 336 */
    ck_assert_int_eq(ll_costs_uprate(&v, d, 224, "2009-10", "2024-25", NULL), LL_OK);
    ck_assert_rel(v, 336.0, 1e-15);
    /* 700 x 120 / 90 = 2800 / 3 = 933.333... */
    ck_assert_int_eq(ll_costs_uprate(&v, d, 700, "2013-14", "2024-25", NULL), LL_OK);
    ck_assert_rel(v, 2800.0 / 3.0, 1e-15);
    /* deflating backwards: 336 x 80 / 120 = 224 */
    ck_assert_int_eq(ll_costs_uprate(&v, d, 336, "2024-25", "2009-10", NULL), LL_OK);
    ck_assert_rel(v, 224.0, 1e-15);
    ll_costs_deflator_free(d);
}
END_TEST

START_TEST(missing_price_year_is_an_error)
{
    ll_costs_deflator *d = NULL;
    ll_error err;
    ll_error_clear(&err);
    ck_assert_int_eq(ll_costs_deflator_from_arrays(&d, 3, TEST_YEARS, TEST_D, NULL, NULL),
                     LL_OK);
    double v = 0;
    ck_assert_int_eq(ll_costs_uprate(&v, d, 100, "2005-06", "2024-25", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "2005-06"));
    ck_assert(isnan(v));
    ck_assert_int_eq(ll_costs_uprate(&v, d, 100, "2013/14", "2024-25", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "2013/14"));
    ck_assert(!ll_costs_is_financial_year("2013-15"));
    ck_assert(ll_costs_is_financial_year("1999-00"));

    /* through the unit-cost resolution: the message names the item and year */
    ll_costs_params p;
    ll_costs_unit_cost items[LL_COST_N];
    ll_costs_params_init(&p);
    p.item[LL_COST_WEEKLY_FOSTER].price_year = "2005-06";
    ck_assert_int_eq(ll_costs_units_resolve(items, &p, d, "2024-25", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "2005-06"));
    ck_assert_ptr_nonnull(strstr(err.msg, "weekly_foster"));
    /* a default price year (2010-11 for homelessness_cost) missing from the table */
    ll_costs_params_init(&p);
    ck_assert_int_eq(ll_costs_units_resolve(items, &p, d, "2024-25", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "2010-11"));
    ck_assert_ptr_nonnull(strstr(err.msg, "homelessness_cost"));
    /* a base year missing from the table */
    ck_assert_int_eq(ll_costs_units_resolve(items, &p, d, "2030-31", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "2030-31"));
    ll_costs_deflator_free(d);
}
END_TEST

START_TEST(value_without_price_year_is_an_error)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_result *r = NULL;
    ll_error err;
    ll_costs_params_init(&p);
    hand_effects(&e);
    p.item[LL_COST_MOVE].value = 300;
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_EINPUT);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(err.msg, "cost_per_move_price_year"));
    /* a zero needs no price year; a programme cost is at base-year prices */
    ll_costs_params_init(&p);
    p.item[LL_COST_MOVE].value = 0;
    p.item[LL_COST_PROGRAMME].value = 1500;
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_OK);
    ck_assert_double_eq(r->items[LL_COST_PROGRAMME].uprated, 1500);
    ck_assert_double_eq(r->items[LL_COST_MOVE].uprated, 0);
    ck_assert_str_eq(r->items[LL_COST_MOVE].source, "");
    ll_costs_result_free(r);
}
END_TEST

START_TEST(defaults_and_data_files_agree)
{
    /* the built-in defaults are the SPEC 7 table */
    ll_costs_deflator *d = NULL, *f = NULL;
    ck_assert_int_eq(ll_costs_deflator_builtin(&d, NULL), LL_OK);
    ll_costs_params p;
    ll_costs_unit_cost a[LL_COST_N], b[LL_COST_N];
    ll_costs_params_init(&p);
    const char *base = ll_costs_deflator_latest(d);
    ck_assert_int_eq(ll_costs_units_resolve(a, &p, d, base, NULL), LL_OK);
    static const double want[LL_COSTS_NUNIT] = {224, 700, 700, 2995, 0, 0, 0, 0, 2501};
    static const char *const year[LL_COSTS_NUNIT] = {
        "2009-10", "2013-14", "2013-14", "2013-14", "", "", "", "", "2010-11"};
    for (int i = 0; i < LL_COSTS_NUNIT; i++) {
        ck_assert_double_eq(a[i].value, want[i]);
        ck_assert_str_eq(a[i].price_year, year[i]);
    }
    ck_assert(strstr(a[LL_COST_MOVE].source, "GMCA Unit Cost Database SS2.5"));
    ck_assert(strstr(a[LL_COST_WEEKLY_KINSHIP].source, "assumption"));
    ck_assert(!a[LL_COST_PROGRAMME].given);
    /* uprating uses the table: value x D(base) / D(price year) */
    double dp, db;
    ck_assert_int_eq(ll_costs_deflator_lookup(&dp, d, "2009-10", NULL), LL_OK);
    ck_assert_int_eq(ll_costs_deflator_lookup(&db, d, base, NULL), LL_OK);
    ck_assert_rel(a[LL_COST_MOVE].uprated, 224 * db / dp, 1e-15);

    /* data/gdp_deflator.csv holds the built-in table */
    ck_assert_int_eq(ll_costs_deflator_read(&f, "data/gdp_deflator.csv", NULL), LL_OK);
    ck_assert_uint_eq(ll_costs_deflator_size(f), ll_costs_deflator_size(d));
    for (size_t k = 0; k < ll_costs_deflator_size(d); k++) {
        ck_assert_str_eq(ll_costs_deflator_year(f, k), ll_costs_deflator_year(d, k));
        ck_assert_double_eq(ll_costs_deflator_value(f, k), ll_costs_deflator_value(d, k));
        ck_assert_str_eq(ll_costs_deflator_source(f, k), ll_costs_deflator_source(d, k));
    }
    /* data/unit_costs.csv and its fixture copy hold the built-in defaults */
    const char *files[] = {"data/unit_costs.csv", "fixtures/unit_costs.csv"};
    for (int k = 0; k < 2; k++) {
        p.unit_costs_file = files[k];
        ck_assert_int_eq(ll_costs_units_resolve(b, &p, d, base, NULL), LL_OK);
        for (int i = 0; i < LL_COST_N; i++) {
            ck_assert_int_eq(b[i].given, a[i].given);
            if (a[i].given)
                ck_assert_double_eq(b[i].uprated, a[i].uprated);
            ck_assert_str_eq(b[i].price_year, a[i].price_year);
            ck_assert_str_eq(b[i].source, a[i].source);
        }
    }
    ll_costs_deflator_free(d);
    ll_costs_deflator_free(f);
}
END_TEST

/* Writes text to a fresh temporary file named in path; returns path. */
static const char *temp_csv(char *path, const char *text)
{
    strcpy(path, "/tmp/test_costs_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

START_TEST(unit_costs_file_overrides)
{
    char path[64];
    ll_costs_deflator *d = NULL;
    ll_costs_params p;
    ll_costs_unit_cost c[LL_COST_N];
    ll_error err;
    ck_assert_int_eq(ll_costs_deflator_from_arrays(&d, 3, TEST_YEARS, TEST_D, NULL, NULL),
                     LL_OK);
    ll_costs_params_init(&p);
    p.unit_costs_file = temp_csv(path,
        "\xEF\xBB\xBFItem,Value,Price_Year,Source\r\n"
        "weekly_foster,810,2024-25,\"Our LA, 2024 rates\"\r\n"
        "weekly_other,90,2013-14,\r\n"
        "programme_cost_per_child,2000,2013-14,programme budget\r\n"
        "homelessness_cost,2501,2013-14,moved year\r\n"
        "cost_per_move,224,2009-10,\r\n");
    /* a [costs] key beats the file */
    p.item[LL_COST_WEEKLY_OTHER].value = 45;
    p.item[LL_COST_WEEKLY_OTHER].price_year = "2009-10";
    ck_assert_int_eq(ll_costs_units_resolve(c, &p, d, "2024-25", &err), LL_OK);
    ck_assert_double_eq(c[LL_COST_WEEKLY_FOSTER].uprated, 810);
    ck_assert_str_eq(c[LL_COST_WEEKLY_FOSTER].source, "Our LA, 2024 rates");
    ck_assert_rel(c[LL_COST_WEEKLY_OTHER].uprated, 45 * 120 / 80.0, 1e-15);
    ck_assert_str_eq(c[LL_COST_WEEKLY_OTHER].source, "user-supplied");
    ck_assert_rel(c[LL_COST_PROGRAMME].uprated, 2000 * 120 / 90.0, 1e-15);
    ck_assert_rel(c[LL_COST_HOMELESSNESS].uprated, 2501 * 120 / 90.0, 1e-15);
    ck_assert_rel(c[LL_COST_MOVE].uprated, 336, 1e-15);
    /* kinship kept its default */
    ck_assert_rel(c[LL_COST_WEEKLY_KINSHIP].uprated, 2800.0 / 3.0, 1e-15);
    unlink(path);

    p.unit_costs_file = temp_csv(path, "item,value\nweekly_fostr,1\n");
    ck_assert_int_eq(ll_costs_units_resolve(c, &p, d, "2024-25", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "weekly_fostr"));
    unlink(path);
    p.unit_costs_file = temp_csv(path, "item,value,price_year\nweekly_foster,1,2013-14\n"
                                       "weekly_foster,2,2013-14\n");
    ck_assert_int_eq(ll_costs_units_resolve(c, &p, d, "2024-25", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "twice"));
    unlink(path);
    p.unit_costs_file = temp_csv(path, "item,price_year\nweekly_foster,2013-14\n");
    ck_assert_int_eq(ll_costs_units_resolve(c, &p, d, "2024-25", &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "value"));
    unlink(path);
    p.unit_costs_file = "/nonexistent/unit_costs.csv";
    ck_assert_int_eq(ll_costs_units_resolve(c, &p, d, "2024-25", &err), LL_EIO);
    ll_costs_deflator_free(d);
}
END_TEST

/* ---- effects ------------------------------------------------------------------ */

START_TEST(effects_from_arrays)
{
    /* R:
     *   t_pa <- c(1,2,1,3,1); c_pa <- c(2,2,3,1,4,2,3)
     *   mean(c_pa) - mean(t_pa)                      # 0.82857142857142829
     *   sqrt(var(t_pa)/5 + var(c_pa)/7)              # 0.54410883265088372 (= t.test()$stderr)
     *   t_w <- c(10.5,52,0,30,12.25); c_w <- c(52,40,52,20,0,52,44.5)
     *   mean(c_w) - mean(t_w); t.test(c_w, t_w)$stderr  # 16.264285714285716 11.856792880664063
     *   pt <- mean(c(0,1,0)); pc <- mean(c(1,1,0,0,1))
     *   pc - pt; sqrt(pt*(1-pt)/3 + pc*(1-pc)/5)     # 0.26666666666666666 0.3493910045694853 */
    double t_pa[] = {1, 2, 1, 3, 1, NAN}, c_pa[] = {2, 2, 3, 1, 4, 2, 3};
    double t_w[] = {10.5, 52, 0, 30, 12.25, NAN}, c_w[] = {52, 40, 52, 20, 0, 52, 44.5};
    double t_0[] = {0, 0, 0, 0, 0, NAN}, c_0[] = {0, 0, 0, 0, 0, 0, 0};
    double t_h[] = {0, 1, 0, NAN, NAN, NAN}, c_h[] = {1, 1, 0, 0, 1, NAN, NAN};
    ll_costs_arm t = {6, t_pa, {t_w}, t_h}, c = {7, c_pa, {c_w}, c_h};
    for (int g = 1; g < LL_PG_N; g++) {
        t.weeks_after[g] = t_0;
        c.weeks_after[g] = c_0;
    }
    ll_costs_effects e;
    ck_assert_int_eq(ll_costs_effects_compute(&e, &t, &c, NULL), LL_OK);
    ck_assert_uint_eq(e.n_treated, 6);
    ck_assert_uint_eq(e.n_leavers, 3);
    ck_assert(e.moves.computable);
    ck_assert_uint_eq(e.moves.n_t, 5);
    ck_assert_rel(e.moves.estimate, 0.82857142857142829, 1e-14);
    ck_assert_rel(e.moves.std_error, 0.54410883265088372, 1e-14);
    ck_assert_rel(e.weeks[LL_PG_FOSTER].estimate, 16.264285714285716, 1e-14);
    ck_assert_rel(e.weeks[LL_PG_FOSTER].std_error, 11.856792880664063, 1e-14);
    ck_assert_double_eq(e.weeks[LL_PG_OTHER].estimate, 0);
    ck_assert_double_eq(e.weeks[LL_PG_OTHER].std_error, 0);
    ck_assert_rel(e.homeless.estimate, 0.26666666666666666, 1e-14);
    ck_assert_rel(e.homeless.std_error, 0.3493910045694853, 1e-14);

    /* a group with one care leaver: not computable */
    double c_h1[] = {1, NAN, NAN, NAN, NAN, NAN, NAN};
    c.homeless_ever = c_h1;
    ck_assert_int_eq(ll_costs_effects_compute(&e, &t, &c, NULL), LL_OK);
    ck_assert(!e.homeless.computable);
    ck_assert(isnan(e.homeless.estimate));

    /* homeless_ever must be 0, 1 or NA */
    double c_bad[] = {2, 0, 0, 0, 0, 0, 0};
    c.homeless_ever = c_bad;
    ck_assert_int_eq(ll_costs_effects_compute(&e, &t, &c, NULL), LL_EINPUT);

    /* single group: treated means only; R: mean(t_pa) 1.6, sd(t_pa)/sqrt(5) 0.4 */
    ck_assert_int_eq(ll_costs_effects_compute(&e, &t, NULL, NULL), LL_OK);
    ck_assert(!e.has_comparison);
    ck_assert(!e.moves.computable);
    ck_assert_rel(e.moves.mean_t, 1.6, 1e-15);
    ck_assert_rel(e.moves.se_t, 0.39999999999999997, 1e-14);
}
END_TEST

/* ---- the deterministic model ---------------------------------------------------- */

/* By hand, with N = 10, L = 4, moves 0.5, weeks foster 2, residential 1,
 * homeless 0.25; cost_per_move 300, weekly_foster 800, weekly_residential
 * 4000, homelessness_cost 3000, programme 1000 per child; H = 3, r = 0.25,
 * persistence 0.5, attribution 0.8, optimism bias 0.25:
 *   A = 0.5*300 + 2*800 + 1*4000            = 150 + 1600 + 4000 = 5750
 *   F = 1 + 0.5/1.25 + 0.25/1.5625          = 1 + 0.4 + 0.16   = 1.56
 *   years: 10*5750 = 57500; *0.4 = 23000; *0.16 = 9200   (sum 89700)
 *   saving_placements = 10 * 5750 * 1.56    = 89700
 *     of which moves 10*1.56*150 = 2340, foster 10*1.56*1600 = 24960,
 *     residential 10*1.56*4000 = 62400
 *   saving_homeless = 4 * 0.25 * 3000       = 3000
 *   gross = 89700 + 3000                    = 92700
 *   adjusted = 92700 * 0.8 * 0.75           = 55620  (adjustment -37080)
 *   programme = 10 * 1000                   = 10000
 *   net = 55620 - 10000                     = 45620
 *   benefit per £1 = 55620 / 10000          = 5.562
 *   switching moves: (10000/0.6 - 10*1.56*5600 - 3000) / (10*1.56*300)
 *                  = (50000/3 - 90360) / 4680 = -221080/14040 = -15.746438746438746
 *   switching programme cost: 55620 / 10    = 5562 */
static void hand_inputs(ll_costs_inputs *in)
{
    *in = (ll_costs_inputs){
        .n_treated = 10, .n_leavers = 4, .d_moves = 0.5, .d_homeless = 0.25,
        .d_weeks = {[LL_PG_FOSTER] = 2, [LL_PG_RESIDENTIAL] = 1},
        .unit = {[LL_COST_MOVE] = 300, [LL_COST_WEEKLY_FOSTER] = 800,
                 [LL_COST_WEEKLY_KINSHIP] = 800, [LL_COST_WEEKLY_RESIDENTIAL] = 4000,
                 [LL_COST_HOMELESSNESS] = 3000},
        .programme_cost_per_child = 1000, .horizon_years = 3, .discount_rate = 0.25,
        .persistence = 0.5, .attribution = 0.8, .optimism_bias = 0.25};
}

START_TEST(model_by_hand)
{
    ll_costs_inputs in;
    ll_costs_model m;
    hand_inputs(&in);
    ll_costs_model_eval(&m, &in);
    ck_assert_rel(m.annual_saving, 5750, 1e-15);
    ck_assert_rel(m.pv_factor, 1.56, 1e-15);
    ck_assert_rel(m.saving_moves, 2340, 1e-14);
    ck_assert_rel(m.saving_weeks[LL_PG_FOSTER], 24960, 1e-14);
    ck_assert_rel(m.saving_weeks[LL_PG_RESIDENTIAL], 62400, 1e-14);
    ck_assert_rel(m.saving_placements, 89700, 1e-14);
    ck_assert_rel(m.saving_homeless, 3000, 1e-15);
    ck_assert_rel(m.gross, 92700, 1e-14);
    ck_assert_rel(m.adjusted, 55620, 1e-14);
    ck_assert_rel(m.programme_cost, 10000, 1e-15);
    ck_assert_rel(m.net, 45620, 1e-14);
    ck_assert_rel(m.benefit_per_pound, 5.562, 1e-14);
    ck_assert_rel(ll_costs_switch_moves(&in), -15.746438746438746, 1e-13);
    ck_assert_rel(ll_costs_switch_programme_cost(&in), 5562, 1e-14);

    /* defaults: persistence 1, r = 0.035 -> F = 1 + 1/1.035 + 1/1.035^2
     * = 1 + 0.96618357487922701 + 0.93351070036640291 = 2.8996942752456299 */
    in.persistence = 1;
    in.discount_rate = 0.035;
    ll_costs_model_eval(&m, &in);
    ck_assert_rel(m.pv_factor, 2.8996942752456299, 1e-14);
    /* persistence 0: year 0 only (0^0 = 1) */
    in.persistence = 0;
    ll_costs_model_eval(&m, &in);
    ck_assert_rel(m.pv_factor, 1, 1e-15);
}
END_TEST

START_TEST(switching_values_give_zero_net)
{
    ll_costs_inputs in;
    ll_costs_model m;
    hand_inputs(&in);
    in.discount_rate = 0.035;
    in.persistence = 0.8;
    in.programme_cost_per_child = 25000; /* a positive switching value for moves */
    double sm = ll_costs_switch_moves(&in);
    double sp = ll_costs_switch_programme_cost(&in);
    ll_costs_inputs a = in, b = in;
    a.d_moves = sm;
    ll_costs_model_eval(&m, &a);
    ck_assert_abs(m.net, 0, 1e-9 * m.programme_cost);
    b.programme_cost_per_child = sp;
    ll_costs_model_eval(&m, &b);
    ck_assert_abs(m.net, 0, 1e-9 * m.programme_cost);
    ck_assert(sm > 0);
    /* nothing to scale: no programme cost */
    in.programme_cost_per_child = NAN;
    ck_assert(isnan(ll_costs_switch_moves(&in)));
}
END_TEST

START_TEST(compute_rows_by_hand)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_result *r = NULL;
    ll_error err;
    hand_params(&p);
    hand_effects(&e);
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_OK);
    ck_assert_str_eq(r->base_year, "2023-24");
    ck_assert_rel(find_row(r, "unit_cost", "cost_per_move")->estimate, 300, 1e-15);
    ck_assert_rel(find_row(r, "unit_cost", "cost_per_move")->low, 225, 1e-15);
    ck_assert_rel(find_row(r, "unit_cost", "cost_per_move")->high, 375, 1e-15);
    ck_assert_rel(find_row(r, "model", "gross")->estimate, 92700, 1e-14);
    ck_assert_rel(find_row(r, "model", "saving_year_0")->estimate, 57500, 1e-14);
    ck_assert_rel(find_row(r, "model", "saving_year_1")->estimate, 23000, 1e-14);
    ck_assert_rel(find_row(r, "model", "saving_year_2")->estimate, 9200, 1e-14);
    ck_assert_rel(find_row(r, "model", "adjustment")->estimate, -37080, 1e-14);
    ck_assert_rel(find_row(r, "model", "net")->estimate, 45620, 1e-14);
    ck_assert_rel(find_row(r, "model", "benefit_per_pound")->estimate, 5.562, 1e-14);
    ck_assert_rel(find_row(r, "summary", "net")->estimate, 45620, 1e-14);
    ck_assert_rel(find_row(r, "switching_value", "moves")->estimate,
                  -15.746438746438746, 1e-13);
    ck_assert_rel(find_row(r, "switching_value", "programme_cost_per_child")->estimate,
                  5562, 1e-14);
    const ll_costs_row *m = find_row(r, "effect", "moves");
    /* R: qnorm(0.975) = 1.959963984540054, not 1.96 */
    ck_assert_rel(m->low, 0.5 - 1.959963984540054 * 0.2, 1e-15);
    ck_assert_rel(m->high, 0.5 + 1.959963984540054 * 0.2, 1e-15);
    /* 5th <= median <= 95th */
    const ll_costs_row *s = find_row(r, "summary", "net_median");
    ck_assert(s->low <= s->estimate && s->estimate <= s->high);
    ck_assert(r->share_net_positive > 0.5 && r->share_net_positive <= 1);
    ll_costs_result_free(r);
}
END_TEST

START_TEST(tornado_by_hand)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_result *r = NULL;
    hand_params(&p);
    hand_effects(&e);
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    /* persistence 0: F = 1, net = 0.6 (57500 + 3000) - 10000 = 26300;
     * persistence 1: F = 1 + 0.8 + 0.64 = 2.44,
     *   net = 0.6 (10*5750*2.44 + 3000) - 10000 = 0.6 * 143300 - 10000 = 75980 */
    const ll_costs_row *t = find_row(r, "tornado", "persistence");
    ck_assert_rel(t->low, 26300, 1e-14);
    ck_assert_rel(t->high, 75980, 1e-14);
    ck_assert_rel(t->estimate, 49680, 1e-14);
    /* cost_per_move 225 to 375: swing 0.6 * 10 * 1.56 * 0.5 * 150 = 702 */
    ck_assert_rel(find_row(r, "tornado", "cost_per_move")->estimate, 702, 1e-12);
    /* programme cost 750 to 1250 per child: net 48120 and 43120 */
    t = find_row(r, "tornado", "programme_cost_per_child");
    ck_assert_rel(t->low, 48120, 1e-14);
    ck_assert_rel(t->high, 43120, 1e-14);
    /* sorted by swing, largest first */
    for (int k = 1; k < LL_COSTS_NTORNADO; k++)
        ck_assert(r->tornado[k - 1].swing >= r->tornado[k].swing);
    size_t first = 0;
    while (strcmp(r->rows[first].component, "tornado") != 0)
        first++;
    ck_assert_str_eq(r->rows[first].item, r->tornado[0].input);
    ck_assert_uint_eq(r->n_rows - first, LL_COSTS_NTORNADO);
    ll_costs_result_free(r);
}
END_TEST

/* ---- Monte Carlo ---------------------------------------------------------------- */

START_TEST(monte_carlo_reproducible)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_result *a = NULL, *b = NULL, *c = NULL;
    ll_costs_params_init(&p);
    p.item[LL_COST_PROGRAMME].value = 4000;
    hand_effects(&e);
    ck_assert_int_eq(ll_costs_compute(&a, &p, &e, NULL), LL_OK);
    ck_assert_int_eq(ll_costs_compute(&b, &p, &e, NULL), LL_OK);
    size_t la, lb, lc;
    char *ta = csv_text(a, &la), *tb = csv_text(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(ta, tb, la) == 0);
    p.seed = 2;
    ck_assert_int_eq(ll_costs_compute(&c, &p, &e, NULL), LL_OK);
    char *tc = csv_text(c, &lc);
    ck_assert(la != lc || memcmp(ta, tc, la) != 0);
    ck_assert_double_ne(a->net.median, c->net.median);
    free(ta);
    free(tb);
    free(tc);
    ll_costs_result_free(a);
    ll_costs_result_free(b);
    ll_costs_result_free(c);
}
END_TEST

START_TEST(monte_carlo_without_spread)
{
    ll_costs_params p;
    ll_costs_effects e;
    hand_params(&p);
    hand_effects(&e);
    p.cost_range = 0;
    e.moves.std_error = 0;
    for (int g = 0; g < LL_PG_N; g++)
        e.weeks[g].std_error = 0;
    e.homeless.std_error = 0;
    memset(e.cov, 0, sizeof e.cov);
    ll_costs_result *r = computed(&p, &e, 2000);
    ck_assert_rel(r->gross.median, 92700, 1e-14);
    ck_assert_rel(r->net.median, r->net.deterministic, 1e-14);
    ck_assert_rel(r->net.p05, 45620, 1e-14);
    ck_assert_rel(r->net.p95, 45620, 1e-14);
    ck_assert_rel(r->benefit_per_pound.median, 5.562, 1e-14);
    ck_assert_double_eq(r->share_net_positive, 1);
    ll_costs_result_free(r);
}
END_TEST

/* Runs the model with one Monte Carlo draw from seed; u gets the 19
 * uniforms that draw uses, from MT19937 with that seed, in draw order. */
static void one_draw(ll_costs_result **r, ll_costs_params *p, const ll_costs_effects *e,
                     unsigned long seed, double u[19])
{
    p->mc_draws = 1;
    p->seed = seed;
    ck_assert_int_eq(ll_costs_compute(r, p, e, NULL), LL_OK);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, seed);
    for (int k = 0; k < 19; k++)
        u[k] = gsl_rng_uniform_pos(g);
    gsl_rng_free(g);
}

/* One draw, recomputed here from the documented order of the uniforms. */
START_TEST(monte_carlo_draw_order)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_result *r = NULL;
    hand_params(&p);
    hand_effects(&e);
    double u[19];
    one_draw(&r, &p, &e, 7, u);
    /* u[0] moves; u[1..7] weeks by group; u[8] homeless; u[9..17] unit costs
     * in table order; u[18] programme cost */
    double dm = 0.5 + 0.2 * gsl_cdf_ugaussian_Pinv(u[0]);
    double wf = 2 + 1.5 * gsl_cdf_ugaussian_Pinv(u[1]);
    double wr = 1 + 0.5 * gsl_cdf_ugaussian_Pinv(u[3]);
    double dh = 0.25 + 0.1 * gsl_cdf_ugaussian_Pinv(u[8]);
    double cm = ll_costs_triangular_inv(u[9], 225, 300, 375);
    double cf = ll_costs_triangular_inv(u[10], 600, 800, 1000);
    double cr = ll_costs_triangular_inv(u[12], 3000, 4000, 5000);
    double ch = ll_costs_triangular_inv(u[17], 2250, 3000, 3750);
    double pc = ll_costs_triangular_inv(u[18], 750, 1000, 1250);
    double gross = 10 * (dm * cm + wf * cf + wr * cr) * 1.56 + 4 * dh * ch;
    double net = gross * 0.6 - 10 * pc;
    ck_assert_rel(r->gross.median, gross, 1e-13);
    ck_assert_rel(r->gross.p05, gross, 1e-13);
    ck_assert_rel(r->net.median, net, 1e-12);
    ck_assert_rel(r->benefit_per_pound.median, gross * 0.6 / (10 * pc), 1e-13);
    ll_costs_result_free(r);
}
END_TEST

/* ---- numerical pieces ---------------------------------------------------------- */

START_TEST(triangular_inverse)
{
    /* symmetric on [0, 2], mode 1: F(x) = x^2/2 below the mode */
    ck_assert_rel(ll_costs_triangular_inv(0.5, 0, 1, 2), 1, 1e-15);
    ck_assert_rel(ll_costs_triangular_inv(0.125, 0, 1, 2), 0.5, 1e-15);   /* sqrt(0.125*2*1) */
    ck_assert_rel(ll_costs_triangular_inv(0.875, 0, 1, 2), 1.5, 1e-15);   /* 2 - sqrt(0.125*2*1) */
    /* skewed on [0, 4], mode 1: F(mode) = 1/4 */
    ck_assert_rel(ll_costs_triangular_inv(0.25, 0, 1, 4), 1, 1e-15);
    ck_assert_rel(ll_costs_triangular_inv(0.04, 0, 1, 4), 0.4, 1e-14);   /* sqrt(0.04*4*1) */
    /* 4 - sqrt(0.36*4*3) = 4 - sqrt(4.32) = 1.921539030917347 */
    ck_assert_rel(ll_costs_triangular_inv(0.64, 0, 1, 4), 1.921539030917347, 1e-14);
    ck_assert_double_eq(ll_costs_triangular_inv(0.0, 0, 1, 4), 0);
    ck_assert_double_eq(ll_costs_triangular_inv(1.0, 0, 1, 4), 4);
    /* a degenerate range is the value */
    ck_assert_double_eq(ll_costs_triangular_inv(0.3, 5, 5, 5), 5);
}
END_TEST


/* ---- whole outputs -------------------------------------------------------------- */

START_TEST(without_programme_cost)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_params_init(&p);
    hand_effects(&e);
    ll_costs_result *r = computed(&p, &e, 500);
    ck_assert(!r->has_programme_cost);
    const char *empty[][2] = {{"model", "net"}, {"model", "benefit_per_pound"},
                              {"model", "programme_cost"}, {"summary", "net"},
                              {"summary", "benefit_per_pound"},
                              {"summary", "share_net_positive"},
                              {"switching_value", "moves"},
                              {"switching_value", "programme_cost_per_child"},
                              {"unit_cost", "programme_cost_per_child"}};
    for (size_t k = 0; k < sizeof empty / sizeof empty[0]; k++) {
        const ll_costs_row *w = find_row(r, empty[k][0], empty[k][1]);
        ck_assert_msg(isnan(w->estimate), "%s/%s", empty[k][0], empty[k][1]);
        ck_assert_ptr_nonnull(strstr(w->note, "programme_cost_per_child not given"));
    }
    ck_assert(isfinite(find_row(r, "summary", "gross")->estimate));
    ck_assert(isfinite(find_row(r, "summary", "gross")->low));
    /* the gross draws do not depend on whether a programme cost is given */
    ll_costs_result *q = NULL;
    p.item[LL_COST_PROGRAMME].value = 1000;
    ck_assert_int_eq(ll_costs_compute(&q, &p, &e, NULL), LL_OK);
    ck_assert_double_eq(q->gross.median, r->gross.median);
    ll_costs_result_free(q);
    ll_costs_result_free(r);
}
END_TEST

START_TEST(single_group_observed_cost)
{
    /* treated only: placements_after 1,2,1,3,1 (NA for the sixth); foster
     * weeks 10.5,52,0,30,12.25 (mean 20.95); every other group 0.
     * Unit costs overridden at base-year prices: cost_per_move 300,
     * weekly_foster 800.
     *   new placements per child = 1.6 - 1 = 0.6 -> 0.6 * 300 = 180
     *   foster = 20.95 * 800 = 16760; per child 180 + 16760 = 16940
     *   total = 3 * 300 + 104.75 * 800 = 900 + 83800 = 84700 */
    double t_pa[] = {1, 2, 1, 3, 1, NAN}, t_w[] = {10.5, 52, 0, 30, 12.25, NAN};
    double t_0[] = {0, 0, 0, 0, 0, NAN}, t_h[] = {NAN, NAN, NAN, NAN, NAN, NAN};
    ll_costs_arm t = {6, t_pa, {t_w}, t_h};
    for (int g = 1; g < LL_PG_N; g++)
        t.weeks_after[g] = t_0;
    ll_costs_effects e;
    ck_assert_int_eq(ll_costs_effects_compute(&e, &t, NULL, NULL), LL_OK);
    ll_costs_params p;
    hand_params(&p);
    ll_costs_result *r = NULL;
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    ck_assert(!r->has_comparison);
    ck_assert_rel(find_row(r, "observed", "new_placements")->estimate, 0.6, 1e-14);
    ck_assert_rel(find_row(r, "observed", "cost_per_child")->estimate, 16940, 1e-14);
    ck_assert_rel(find_row(r, "observed", "cost_total")->estimate, 84700, 1e-14);
    ck_assert_rel(r->observed_total, 84700, 1e-14);
    ck_assert(!has_component(r, "model"));
    ck_assert(!has_component(r, "summary"));
    ck_assert(!has_component(r, "effect"));
    ck_assert(!has_component(r, "tornado"));
    ck_assert(strstr(find_row(r, "observed", "no_counterfactual")->note, "comparison = none"));
    ll_costs_result_free(r);
}
END_TEST

START_TEST(csv_format)
{
    ll_costs_params p;
    ll_costs_effects e;
    hand_params(&p);
    hand_effects(&e);
    ll_costs_result *r = computed(&p, &e, 100);
    size_t len;
    char *text = csv_text(r, &len);
    const char *header = "component,item,estimate,std.error,low,high,unit,price_year,source,note\n";
    ck_assert(strncmp(text, header, strlen(header)) == 0);
    /* integers in full, empty cells for what is not given */
    ck_assert_ptr_nonnull(strstr(text, "\nmodel,n_treated,10,,,,children,"));
    ck_assert_ptr_nonnull(strstr(text, "\nparameter,mc_draws,100,,,,draws,"));
    /* other numbers read back to the same double */
    const char *g = strstr(text, "\nmodel,gross,");
    ck_assert_ptr_nonnull(g);
    ck_assert(strtod(g + strlen("\nmodel,gross,"), NULL) == r->model.gross);
    const char *m = strstr(text, "\neffect,moves,0.5,0.2,");
    ck_assert_ptr_nonnull(m);
    char *end;
    double lo = strtod(m + strlen("\neffect,moves,0.5,0.2,"), &end);
    ck_assert(lo == 0.5 - gsl_cdf_ugaussian_Pinv(0.975) * 0.2 && *end == ',');
    /* one line per row plus the header */
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    ck_assert_uint_eq(lines, r->n_rows + 1);
    free(text);
    /* quoting of a source with a comma and a quote */
    hand_params(&p);
    p.item[LL_COST_WEEKLY_FOSTER].source = "LA \"A\", 2024";
    p.mc_draws = 10;
    ll_costs_result_free(r);
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    text = csv_text(r, &len);
    ck_assert_ptr_nonnull(strstr(text, ",\"LA \"\"A\"\", 2024\","));
    free(text);
    ll_costs_result_free(r);
}
END_TEST

/* Nothing crashes on an empty or tiny cohort: effects that cannot be
 * computed count as 0 and say so. */
START_TEST(degenerate_cohort)
{
    ll_costs_arm none = {0, NULL, {NULL}, NULL};
    double one_pa[] = {2}, one_w[] = {52}, one_h[] = {NAN};
    ll_costs_arm one = {1, one_pa, {one_w, one_w, one_w, one_w, one_w, one_w, one_w}, one_h};
    ll_costs_effects e;
    ll_costs_params p;
    ll_costs_result *r = NULL;
    ll_costs_params_init(&p);
    p.mc_draws = 50;
    p.item[LL_COST_PROGRAMME].value = 1000;
    ck_assert_int_eq(ll_costs_effects_compute(&e, &none, &none, NULL), LL_OK);
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    /* SPEC 7: placement effects not computable -> A, gross, ... empty */
    ck_assert(!r->placement_computable);
    ck_assert(isnan(r->model.gross) && isnan(r->model.net));
    ck_assert(isnan(r->model.benefit_per_pound));
    ck_assert(isnan(r->switch_programme_cost));
    ck_assert(strstr(find_row(r, "effect", "moves")->note, "not computable"));
    ck_assert(strstr(find_row(r, "model", "gross")->note, "not computable"));
    ll_costs_result_free(r);
    ck_assert_int_eq(ll_costs_effects_compute(&e, &one, &one, NULL), LL_OK);
    ck_assert(!e.moves.computable);
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    ck_assert(isnan(r->model.gross) && isnan(r->net.median));
    ck_assert(isnan(r->share_net_positive));
    /* the programme cost does not rest on the effects */
    ck_assert_rel(r->model.programme_cost, 1000, 1e-15);
    ll_costs_result_free(r);
    ck_assert_int_eq(ll_costs_effects_compute(&e, &none, NULL, NULL), LL_OK);
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    ck_assert(isnan(find_row(r, "observed", "cost_per_child")->estimate));
    ll_costs_result_free(r);
}
END_TEST

/* ---- placement effects on the worked examples (R literals) ------------------- */

/* R: Rscript fixtures/costs/costs_reference.R (glm/lm/predict with SPEC 6/7's
 * formulas on fixtures/examples/<design>/expected/analysis.csv). */
typedef struct example_ref {
    const char *name;
    size_t n_fitted, n1, N, L;
    double delta[LL_COSTS_NCOMP], se[LL_COSTS_NCOMP];
    double sigma[LL_COSTS_NCOMP][LL_COSTS_NCOMP];
    double A, seA, crude, homeless, se_homeless, gross, net;
} example_ref;

static const example_ref EXAMPLES[2] = {
    {"explicit", 148, 72, 87, 10,
     {0.12028516918644348, 4.7310350713581597, 0.082179778332937659, -3.6206039082788868, 0,
      -0.5714285714285714, -0.06003883999922538, -1.5969086804449977},
     {0.14952853630114948, 2.9452504611336603, 2.231918482759061, 1.6091709222810127, 0,
      0.46274266570564149, 0.10831103691775835, 1.2168246344399478},
     {{0.02235878316836418, -0.045815752653865206, -0.016615246465989237,
       -0.0091523438063928139, 0, 0.014446511698231045, 0.0044148589936369147,
       -0.0039649240578961643},
      {-0.045815752653865206, 8.6745002788080399, -1.4877846088232172, -2.0940636358044484, 0,
       -0.034109536334263134, -0.099880160928640757, -0.98070200141522135},
      {-0.016615246465989237, -1.4877846088232172, 4.9814601136815098, -0.026476376681035037, 0,
       0.07971668100970733, 0.016770305814772766, -0.31576790560682116},
      {-0.0091523438063928139, -2.0940636358044484, -0.026476376681035037, 2.5894310571147252,
       0, -0.05581438070565329, 0.020000930447907204, -0.17386041319124912},
      {0, 0, 0, 0, 0, 0, 0, 0},
      {0.014446511698231045, -0.034109536334263134, 0.07971668100970733, -0.05581438070565329,
       0, 0.21413077466436306, -0.0032026576718116799, 0.0073531970739044994},
      {0.0044148589936369147, -0.099880160928640757, 0.016770305814772766,
       0.020000930447907204, 0, -0.0032026576718116799, 0.011731280718200012,
       0.0095463540150653534},
      {-0.0039649240578961643, -0.98070200141522135, -0.31576790560682116,
       -0.17386041319124912, 0, 0.0073531970739044994, 0.0095463540150653534,
       1.4806621909799127}},
     -10114.436717637625, 5895.8001663377408, -8643.7969924812005, 0.40000000000000002,
     0.16388149028228557, -2541599.3595297183, -2976599.3595297183},
    {"matched", 156, 77, 96, 8,
     {0.45326094362386271, -0.031408397921428022, -0.77411715563277539, 1.4668812441129664,
      0.042324897388130354, 0, -0.44299172453800784, -0.69866752108031926},
     {0.25024948882196024, 3.8205856234332698, 1.6986818176857075, 3.1581014478792055,
      0.067420025284389201, 0, 0.64237231835399422, 0.82664787823969943},
     {{0.062624806655652399, -0.64805309408010403, 0.086050314900173688, 0.63548805763211458,
       0.0074515157670479197, 0, -0.0015963496943839836, -0.096561505450392118},
      {-0.64805309408010403, 14.596874505984987, -1.7466081900411317, -9.1846870222545984,
       -0.097320594795540338, 0, -0.023032157184987349, 0.97086019410565294},
      {0.086050314900173688, -1.7466081900411317, 2.8855199177360191, 0.45611883909881451,
       0.017324458322797765, 0, -0.24869083479450851, -0.04516859389903858},
      {0.63548805763211458, -9.1846870222545984, 0.45611883909881451, 9.9736047550967335,
       0.10630518995175926, 0, -0.054118445467704737, -1.316494536576247},
      {0.0074515157670479197, -0.097320594795540338, 0.017324458322797765,
       0.10630518995175926, 0.0045454598093476791, 0, 0.0016141599535263486,
       -0.0084678850200667153},
      {0, 0, 0, 0, 0, 0, 0, 0},
      {-0.0015963496943839836, -0.023032157184987349, -0.24869083479450851,
       -0.054118445467704737, 0.0016141599535263486, 0, 0.41264219538748526,
       0.0054542771032925217},
      {-0.096561505450392118, 0.97086019410565294, -0.04516859389903858, -1.316494536576247,
       -0.0084678850200667153, 0, 0.0054542771032925217, 0.68334671459819696}},
     5278.5302613402419, 10454.21185208777, 3241.1169300861866, 0.075000000000000011,
     0.15600814615482958, 1470888.5021298355, 990888.50212983554}};

/* The unit costs at base-year prices: 300 a move, 900 a week in
 * foster or kinship care, 4000 residential, 0 otherwise; homelessness 2501;
 * programme 5000 per child; the default horizon, discount and persistence. */
static void example_params(ll_costs_params *p)
{
    ll_costs_params_init(p);
    p->base_year = "2023-24";
    p->mc_draws = 200;
    static const double v[LL_COST_N] = {300, 900, 900, 4000, 0, 0, 0, 0, 2501, 5000};
    for (int i = 0; i < LL_COST_N; i++) {
        p->item[i].value = v[i];
        p->item[i].price_year = "2023-24";
    }
}

static const ll_costs_effect *comp(const ll_costs_effects *e, int k)
{
    return k == 0 ? &e->moves : &e->weeks[k - 1];
}

/* The analysis cohort of worked example name (fixtures/examples/NAME/
 * expected/analysis.csv), at most 400 children, *n of them; caller frees. */
static ll_est_child *example_cohort(const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/examples/%s/expected/analysis.csv", LL_SOURCE_DIR,
             name);
    ll_est_child *kids = calloc(400, sizeof *kids);
    ck_assert_ptr_nonnull(kids);
    *n = tu_load_analysis(path, kids, 400, TU_COHORT);
    return kids;
}

START_TEST(placement_effects_match_r)
{
    const example_ref *x = &EXAMPLES[_i];
    size_t n;
    ll_est_child *kids = example_cohort(x->name, &n);
    ll_costs_effects e;
    ll_error err;
    ck_assert_int_eq(ll_costs_effects_from_cohort(&e, kids, n, 1, &err), LL_OK);
    ck_assert(e.adjusted && e.placement_computable);
    ck_assert_uint_eq(e.n_fitted, x->n_fitted);
    ck_assert_uint_eq(e.n_fitted_treated, x->n1);
    ck_assert_uint_eq(e.n_treated, x->N);
    ck_assert_uint_eq(e.n_leavers, x->L);
    for (int k = 0; k < LL_COSTS_NCOMP; k++) {
        const ll_costs_effect *c = comp(&e, k);
        ck_assert(c->computable);
        if (x->se[k] == 0) { /* 0 for every fitted row */
            ck_assert(c->zero);
            ck_assert_double_eq(c->estimate, 0);
            ck_assert_double_eq(c->std_error, 0);
        } else {
            ck_assert_rel(c->estimate, x->delta[k], 1e-6);
            ck_assert_rel(c->std_error, x->se[k], 1e-6);
        }
        for (int l = 0; l < LL_COSTS_NCOMP; l++)
            ck_assert_abs(e.cov[k][l], x->sigma[k][l], 1e-6 * x->se[k] * x->se[l] + 1e-300);
    }
    ck_assert_rel(e.homeless.estimate, x->homeless, 1e-12);
    ck_assert_rel(e.homeless.std_error, x->se_homeless, 1e-12);

    ll_costs_params p;
    ll_costs_result *r = NULL;
    example_params(&p);
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_OK);
    ck_assert_rel(r->model.annual_saving, x->A, 1e-6);
    ck_assert_rel(r->annual_saving_se, x->seA, 1e-6);
    ck_assert_rel(r->annual_saving_crude, x->crude, 1e-12);
    ck_assert_rel(r->model.gross, x->gross, 1e-6);
    ck_assert_rel(r->model.net, x->net, 1e-6);
    const ll_costs_row *w = find_row(r, "model", "annual_saving_per_child");
    ck_assert_rel(w->estimate, x->A, 1e-6);
    ck_assert_rel(w->std_error, x->seA, 1e-6);
    /* R: qnorm(0.975) = 1.959963984540054 */
    ck_assert_rel(w->high - w->estimate, 1.959963984540054 * x->seA, 1e-6);
    ck_assert_rel(find_row(r, "effect", "weeks_residential")->estimate, x->delta[3], 1e-6);
    ck_assert_rel(find_row(r, "effect", "weeks_residential")->std_error, x->se[3], 1e-6);
    /* the tornado's placement-effects input: A -/+ z SE(A), net moving by
     * N F z SE(A) each way (attribution 1, no optimism bias) */
    double F = 1 + 1 / 1.035 + 1 / (1.035 * 1.035);
    const ll_costs_row *t = find_row(r, "tornado", "placement_effects");
    ck_assert_rel(t->estimate, 2 * (double)x->N * F * 1.959963984540054 * x->seA, 1e-6);
    ck_assert_rel(t->high - x->net, (double)x->N * F * 1.959963984540054 * x->seA, 1e-6);
    ll_costs_result_free(r);
    free(kids);
}
END_TEST

/* The same seed gives a byte-identical costs.csv from the adjusted effects. */
START_TEST(example_csv_reproducible)
{
    size_t n;
    ll_est_child *kids = example_cohort("explicit", &n);
    ll_costs_effects e;
    ll_costs_params p;
    ll_costs_result *a = NULL, *b = NULL;
    example_params(&p);
    ck_assert_int_eq(ll_costs_effects_from_cohort(&e, kids, n, 1, NULL), LL_OK);
    ck_assert_int_eq(ll_costs_compute(&a, &p, &e, NULL), LL_OK);
    ck_assert_int_eq(ll_costs_effects_from_cohort(&e, kids, n, 1, NULL), LL_OK);
    ck_assert_int_eq(ll_costs_compute(&b, &p, &e, NULL), LL_OK);
    size_t la, lb;
    char *ta = csv_text(a, &la), *tb = csv_text(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(ta, tb, la) == 0);
    ck_assert_ptr_nonnull(strstr(ta, "\neffect,weeks_semi_independent,0,0,"));
    free(ta);
    free(tb);
    ll_costs_result_free(a);
    ll_costs_result_free(b);
    free(kids);
}
END_TEST

/* Without enough rows the placement effects are not computable: A and all
 * built on it are empty with the reason, and nothing crashes. */
START_TEST(placement_effects_not_computable)
{
    size_t n;
    ll_est_child *kids = example_cohort("explicit", &n);
    /* one comparison child: the first treated rows and one comparison row */
    size_t m = 0, nc = 0;
    for (size_t i = 0; i < n; i++)
        if (kids[i].treated || (nc++ == 0 && !isnan(kids[i].placements_after)))
            kids[m++] = kids[i];
    ll_costs_effects e;
    ll_costs_params p;
    ll_costs_result *r = NULL;
    example_params(&p);
    ck_assert_int_eq(ll_costs_effects_from_cohort(&e, kids, m, 1, NULL), LL_OK);
    ck_assert(!e.placement_computable);
    ck_assert_ptr_nonnull(strstr(e.placement_why, "fewer than 2"));
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    const char *empty[][2] = {{"model", "annual_saving_per_child"}, {"model", "gross"},
                              {"model", "adjusted"}, {"model", "net"},
                              {"model", "benefit_per_pound"}, {"summary", "gross"},
                              {"summary", "net_median"}, {"switching_value", "moves"},
                              {"switching_value", "programme_cost_per_child"},
                              {"effect", "moves"}, {"tornado", "placement_effects"}};
    for (size_t k = 0; k < sizeof empty / sizeof empty[0]; k++) {
        const ll_costs_row *w = find_row(r, empty[k][0], empty[k][1]);
        ck_assert_msg(isnan(w->estimate), "%s/%s", empty[k][0], empty[k][1]);
        ck_assert_msg(strstr(w->note, "fewer than 2") != NULL, "%s/%s: %s", empty[k][0],
                      empty[k][1], w->note);
    }
    ck_assert(isnan(r->gross.median) && isnan(r->share_net_positive));
    ll_costs_result_free(r);
    /* no rows at all */
    ck_assert_int_eq(ll_costs_effects_from_cohort(&e, kids, 0, 1, NULL), LL_OK);
    ck_assert(!e.placement_computable);
    /* single group: the treated means, no placement effects */
    ck_assert_int_eq(ll_costs_effects_from_cohort(&e, kids, m, 0, NULL), LL_OK);
    ck_assert(!e.has_comparison && !e.placement_computable);
    ck_assert(isfinite(e.moves.mean_t));
    free(kids);
}
END_TEST

/* A joint draw: Delta + S z with S the symmetric square root of Sigma,
 * here for a 2 x 2 block (moves, weeks_foster) by the closed form
 * sqrt(M) = (M + sqrt(det M) I) / sqrt(tr M + 2 sqrt(det M)). */
START_TEST(monte_carlo_joint_draw)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_result *r = NULL;
    hand_params(&p);
    hand_effects(&e);
    memset(e.cov, 0, sizeof e.cov);
    e.weeks[LL_PG_RESIDENTIAL] = eff(1, 0);
    double a = 0.04, b = 2.25, c = -0.27; /* correlation -0.9 */
    e.cov[0][0] = a, e.cov[1][1] = b, e.cov[0][1] = e.cov[1][0] = c;
    double u[19];
    one_draw(&r, &p, &e, 11, u);
    double s = sqrt(a * b - c * c), t = sqrt(a + b + 2 * s);
    double z0 = gsl_cdf_ugaussian_Pinv(u[0]), z1 = gsl_cdf_ugaussian_Pinv(u[1]);
    double dm = 0.5 + ((a + s) * z0 + c * z1) / t;
    double wf = 2 + (c * z0 + (b + s) * z1) / t;
    double dh = 0.25 + 0.1 * gsl_cdf_ugaussian_Pinv(u[8]);
    double cm = ll_costs_triangular_inv(u[9], 225, 300, 375);
    double cf = ll_costs_triangular_inv(u[10], 600, 800, 1000);
    double cr = ll_costs_triangular_inv(u[12], 3000, 4000, 5000);
    double ch = ll_costs_triangular_inv(u[17], 2250, 3000, 3750);
    double gross = 10 * (dm * cm + wf * cf + 1 * cr) * 1.56 + 4 * dh * ch;
    ck_assert_rel(r->gross.median, gross, 1e-12);
    /* SE(A) = sqrt(c' Sigma c) = sqrt(300^2 a + 800^2 b + 2 300 800 c) */
    ck_assert_rel(r->annual_saving_se, sqrt(90000 * a + 640000 * b + 480000 * c), 1e-14);
    ll_costs_result_free(r);
    /* a negative eigenvalue (not positive semi-definite) is clipped to 0:
     * Sigma = [[1, 2], [2, 1]] has eigenvalues 3 and -1, S = 3^0.5 v v' with
     * v = (1, 1)/sqrt(2): both components move by sqrt(3)/2 (z0 + z1) */
    hand_effects(&e);
    memset(e.cov, 0, sizeof e.cov);
    e.weeks[LL_PG_RESIDENTIAL] = eff(1, 0);
    e.cov[0][0] = e.cov[1][1] = 1, e.cov[0][1] = e.cov[1][0] = 2;
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, NULL), LL_OK);
    dm = 0.5 + sqrt(3) / 2 * (z0 + z1);
    wf = 2 + sqrt(3) / 2 * (z0 + z1);
    gross = 10 * (dm * cm + wf * cf + 1 * cr) * 1.56 + 4 * dh * ch;
    ck_assert_rel(r->gross.median, gross, 1e-12);
    ll_costs_result_free(r);
}
END_TEST

START_TEST(bad_parameters)
{
    ll_costs_params p;
    ll_costs_effects e;
    ll_costs_result *r = NULL;
    ll_error err;
    hand_effects(&e);
    ll_costs_params_init(&p);
    p.discount_rate = -0.1;
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "discount_rate"));
    ll_costs_params_init(&p);
    p.horizon_years = 0;
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "horizon_years"));
    ll_costs_params_init(&p);
    p.item[LL_COST_PROGRAMME].value = -5;
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "programme_cost_per_child"));
    ll_costs_params_init(&p);
    p.base_year = "2099-00";
    ck_assert_int_eq(ll_costs_compute(&r, &p, &e, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "2099-00"));
    ck_assert_ptr_null(r);
    ck_assert_int_eq(ll_costs_item_find("weekly_residential"), LL_COST_WEEKLY_RESIDENTIAL);
    ck_assert_int_eq(ll_costs_item_find("nope"), -1);
    for (int i = 0; i < LL_COST_N; i++) /* the same keys as lleval/config.h */
        ck_assert_int_eq(ll_costs_item_find(ll_cost_key(i)), i);
    ll_costs_result_free(NULL);
    ll_costs_deflator_free(NULL);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {
        deflator_arithmetic, missing_price_year_is_an_error,
        value_without_price_year_is_an_error, defaults_and_data_files_agree,
        unit_costs_file_overrides, effects_from_arrays, model_by_hand,
        switching_values_give_zero_net, compute_rows_by_hand, tornado_by_hand,
        monte_carlo_reproducible, monte_carlo_without_spread, monte_carlo_draw_order,
        triangular_inverse, without_programme_cost, single_group_observed_cost, csv_format,
        degenerate_cohort, bad_parameters, monte_carlo_joint_draw, example_csv_reproducible,
        placement_effects_not_computable, NULL};
    Suite *s = tu_suite("costs", tests, 120);
    TCase *tc = tcase_create("placement_effects_match_r");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, placement_effects_match_r, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
