/* Tests of the adjusted and subgroup rows of estimates.csv (SPEC 6):
 * an 80-child cohort against R literals (fixtures/aipw/small_cohort.R,
 * which writes fixtures/aipw/small_cohort.csv and computes the rows with
 * glm, lm, predict, prop.test and anova), and small or degenerate cohorts
 * on which every row is written with its reason and nothing crashes. */
#include "testutil.h"

#include "lleval/estimate.h"

#include <stdio.h>
#include <string.h>

#ifdef LL_SOURCE_DIR
#define FIXTURE LL_SOURCE_DIR "/fixtures/aipw/small_cohort.csv"
#else
#define FIXTURE "fixtures/aipw/small_cohort.csv"
#endif
#define REL 1e-6
#define MAXK 100

static void blank(ll_est_child *c)
{
    memset(c, 0, sizeof *c);
    c->stable_12m = c->placements_after = NAN;
    for (int k = 0; k < 4; k++)
        c->sdq[k] = NAN;
    c->identity_improved = c->connections_before = c->connections_after = NAN;
    c->homeless_ever = c->homeless_time = c->homeless_event = NAN;
    for (int g = 0; g < LL_PG_N; g++)
        c->weeks_after[g] = c->weeks_before[g] = NAN;
}

static size_t load_cohort(ll_est_child *kids)
{
    FILE *f = fopen(FIXTURE, "r");
    ck_assert_msg(f != NULL, "cannot open %s", FIXTURE);
    char line[512];
    ck_assert(fgets(line, sizeof line, f) != NULL);
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < MAXK) {
        double v[14];
        char *s = line;
        for (int j = 0; j < 14; j++) {
            char *end;
            v[j] = strtod(s, &end);
            ck_assert(end != s);
            s = end + 1;
        }
        ll_est_child *c = &kids[n++];
        blank(c);
        c->treated = (int)v[0];
        c->age_years = v[1];
        c->male = v[2];
        c->ethnic_group = (ll_ethnic_group)(int)v[3];
        c->uasc = v[4];
        c->years_in_care = v[5];
        c->prior_placements = v[6];
        c->years_in_placement = v[7];
        c->placements_before = v[8];
        c->placement_group = (ll_placement_group)(int)v[9];
        c->legal_group = (ll_legal_group)(int)v[10];
        c->cin_n1 = v[11];
        c->stable_12m = v[12];
        c->placements_after = v[13];
    }
    fclose(f);
    return n;
}

static const ll_estimate *find(const ll_estimates *t, const char *outcome, const char *estimand,
                               const char *term)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->rows[i].outcome, outcome) && !strcmp(t->rows[i].estimand, estimand) &&
            !strcmp(t->rows[i].term, term))
            return &t->rows[i];
    ck_abort_msg("no row %s,%s,%s", outcome, estimand, term);
    return NULL;
}

START_TEST(small_cohort_against_r)
{
    static ll_est_child kids[MAXK];
    size_t n = load_cohort(kids);
    ck_assert_uint_eq(n, 80);
    ll_est_options opt = {1, LL_SDQ_CARER};
    ll_estimates *t = NULL;
    ck_assert_int_eq(ll_estimate_all(&t, kids, n, &opt, NULL), LL_OK);
    ck_assert_uint_eq(t->n, 98);
    const ll_estimate *r = find(t, "stable_12m", "adjusted_risk_difference", "");
    ck_assert_int_eq(r->n, 80);
    ck_assert_rel(r->estimate, 0.11196534475041009, REL);
    ck_assert_rel(r->std_error, 0.13914199316237033, REL);
    ck_assert_rel(r->p_value, 0.42100201703201839, REL);
    ck_assert_rel(r->conf_low, -0.16074795058495417, REL);
    ck_assert_rel(r->conf_high, 0.38467864008577435, REL);
    ck_assert(strstr(r->method, "effective sample size") != NULL);
    r = find(t, "stable_12m", "adjusted_e_value", "point");
    ck_assert_rel(r->estimate, 1.6943828536389922, REL);
    r = find(t, "stable_12m", "adjusted_e_value", "ci_limit");
    ck_assert(r->estimate == 1.0); /* the interval contains 0 */
    r = find(t, "placements", "adjusted_difference", "after");
    ck_assert_int_eq(r->n, 80);
    ck_assert_int_lt(r->events, 0);
    ck_assert_rel(r->estimate, -0.48856287580615587, REL);
    ck_assert_rel(r->std_error, 0.33137694847093713, REL);
    ck_assert_rel(r->p_value, 0.14038959485743113, REL);
    /* the tests of interaction and of one subgroup: statistic and p */
    static const struct {
        const char *estimand, *term;
        double statistic, p_value;
    } tests[] = {
        {"interaction", "age", 2.4168560809695947, 0.12003562148713219},
        {"interaction", "placement", 2.0542744456959099, 0.56121859475536817},
        {"subgroup_risk_difference", "sex:male", 0.017786561264822153, 0.89390372181572175},
    };
    for (size_t k = 0; k < sizeof tests / sizeof tests[0]; k++) {
        r = find(t, "stable_12m", tests[k].estimand, tests[k].term);
        ck_assert_rel(r->statistic, tests[k].statistic, REL);
        ck_assert_rel(r->p_value, tests[k].p_value, REL);
    }
    /* no child is on "other" legal status: the level's row is empty */
    r = find(t, "stable_12m", "subgroup_risk_difference", "legal:other");
    ck_assert_int_eq(r->n, 0);
    ck_assert(isnan(r->estimate) && strstr(r->method, "not computable") != NULL);
    ll_estimates_free(t);
}
END_TEST

/* Every new row is present, has n/events and a reason when empty. */
static void check_rows(const ll_estimates *t, size_t expect_rows)
{
    ck_assert_uint_eq(t->n, expect_rows);
    for (size_t i = 0; i < t->n; i++) {
        const ll_estimate *r = &t->rows[i];
        ck_assert_msg(r->method[0] != '\0', "row %zu has no method", i);
        if (isnan(r->estimate) && isnan(r->statistic))
            ck_assert_msg(strstr(r->method, "not computable") != NULL, "row %zu %s %s: %s", i,
                          r->estimand, r->term, r->method);
    }
}

/* Cohorts cut from the 80 children: tiny groups, a constant outcome in the
 * comparison rows, more coefficients than rows. */
START_TEST(small_and_degenerate_cohorts)
{
    static ll_est_child kids[MAXK], cut[MAXK];
    size_t n = load_cohort(kids);
    ll_est_options opt = {1, LL_SDQ_CARER};
    ll_estimates *t = NULL;
    /* sizes: (treated, comparison) */
    const size_t sizes[][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {3, 1}, {2, 2}, {5, 5}, {8, 8}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t m = 0;
        for (size_t i = 0; i < sizes[s][0]; i++)
            cut[m++] = kids[i];
        for (size_t i = 0; i < sizes[s][1]; i++)
            cut[m++] = kids[36 + i];
        ck_assert_int_eq(ll_estimate_all(&t, cut, m, &opt, NULL), LL_OK);
        check_rows(t, 98);
        const ll_estimate *r = find(t, "stable_12m", "adjusted_risk_difference", "");
        ck_assert_int_eq(r->n, (long)m);
        if (sizes[s][0] < 2 || sizes[s][1] < 2)
            ck_assert(strstr(r->method, "fewer than 2") != NULL);
        if (s == 5) /* 4 rows, 21 covariates: n - p - q < 1 */
            ck_assert_msg(strstr(r->method, "n - p - q") != NULL || strstr(r->method, "constant"),
                          "%s", r->method);
        ll_estimates_free(t);
    }
    /* every comparison child stable: the binary outcome model cannot be
     * fitted; the placements one can */
    memcpy(cut, kids, n * sizeof *cut);
    for (size_t i = 36; i < n; i++)
        cut[i].stable_12m = 1;
    ck_assert_int_eq(ll_estimate_all(&t, cut, n, &opt, NULL), LL_OK);
    check_rows(t, 98);
    const ll_estimate *r = find(t, "stable_12m", "adjusted_risk_difference", "");
    ck_assert(strstr(r->method, "constant over the comparison rows") != NULL);
    ck_assert(isnan(find(t, "stable_12m", "adjusted_e_value", "point")->estimate));
    ck_assert(!isnan(find(t, "placements", "adjusted_difference", "after")->estimate));
    ll_estimates_free(t);
    /* stable_12m unknown for everyone: n 0 on every new row */
    for (size_t i = 0; i < n; i++)
        cut[i].stable_12m = NAN;
    ck_assert_int_eq(ll_estimate_all(&t, cut, n, &opt, NULL), LL_OK);
    check_rows(t, 98);
    ck_assert_int_eq(find(t, "stable_12m", "interaction", "sex")->n, 0);
    ck_assert_int_eq(find(t, "stable_12m", "adjusted_risk_difference", "")->n, 0);
    ll_estimates_free(t);
    /* one sex only: the sex interaction has fewer than two levels */
    memcpy(cut, kids, n * sizeof *cut);
    for (size_t i = 0; i < n; i++)
        cut[i].male = 1;
    ck_assert_int_eq(ll_estimate_all(&t, cut, n, &opt, NULL), LL_OK);
    ck_assert(strstr(find(t, "stable_12m", "interaction", "sex")->method, "two levels") != NULL);
    ck_assert(!isnan(find(t, "stable_12m", "adjusted_risk_difference", "")->estimate));
    ll_estimates_free(t);
    /* comparison = none: none of the new rows */
    opt.has_comparison = 0;
    ck_assert_int_eq(ll_estimate_all(&t, kids, n, &opt, NULL), LL_OK);
    for (size_t i = 0; i < t->n; i++)
        ck_assert(strstr(t->rows[i].estimand, "adjusted_") != t->rows[i].estimand &&
                  strcmp(t->rows[i].estimand, "subgroup_risk_difference") &&
                  strcmp(t->rows[i].estimand, "interaction"));
    ll_estimates_free(t);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {small_cohort_against_r, small_and_degenerate_cohorts, NULL};
    return tu_suite("adjusted", tests, 60);
}
