/* Tests of the estimates (SPEC 6).  The reference is R's output on the
 * worked examples: fixtures/examples/<design>/expected/estimates.csv was
 * made by R (stats, survival, lme4) from expected/analysis.csv, so feeding
 * that analysis dataset to ll_estimate_all must give every number of it,
 * within SPEC 6's tolerances.  Degenerate cohorts must give every row,
 * with reasons, and never crash. */
#include "analysis_csv.h"
#include "testutil.h"

#include "lleval/estimate.h"

#include <stdio.h>
#include <string.h>

/* Agreement per SPEC 6: relative 1e-6; p-values absolute 1e-8 or
 * relative 1e-6; an empty cell must be empty. */
static void agree(const char *what, int k, double got, double want, int is_p)
{
    if (isnan(want)) {
        ck_assert_msg(isnan(got), "%s col %d: got %.17g, want empty", what, k, got);
        return;
    }
    ck_assert_msg(!isnan(got), "%s col %d: got empty, want %.17g", what, k, want);
    double rel = fabs(got - want) / fmax(fabs(want), 1e-300);
    int ok = rel <= 1e-6 || fabs(got - want) <= 1e-12 || (is_p && fabs(got - want) <= 1e-8);
    ck_assert_msg(ok, "%s col %d: got %.17g, want %.17g (rel %.3g)", what, k, got, want, rel);
}

static void check_design(const char *dir)
{
    static ll_est_child kids[2000];
    char path[256];
    snprintf(path, sizeof path, "fixtures/examples/%s/expected/analysis.csv", dir);
    size_t n = tu_load_analysis(path, kids, 2000, TU_COHORT);
    ck_assert(n > 50);
    ll_est_options opt = {1, LL_SDQ_CARER};
    ll_estimates *t = NULL;
    ck_assert_int_eq(ll_estimate_all(&t, kids, n, &opt, NULL), LL_OK);
    snprintf(path, sizeof path, "fixtures/examples/%s/expected/estimates.csv", dir);
    FILE *f = fopen(path, "r");
    ck_assert(f != NULL);
    char line[4096], *v[MAXF];
    ck_assert(fgets(line, sizeof line, f) != NULL);
    size_t i = 0;
    while (fgets(line, sizeof line, f)) {
        tu_csv_fields(line, v, 13);
        ck_assert_msg(i < t->n, "%s: fewer rows than expected", dir);
        const ll_estimate *r = &t->rows[i++];
        char what[200];
        snprintf(what, sizeof what, "%s %s,%s,%s,%s", dir, v[0], v[1], v[2], v[3]);
        ck_assert_msg(!strcmp(r->outcome, v[0]) && !strcmp(r->estimand, v[1]) &&
                          !strcmp(r->group, v[2]) && !strcmp(r->term, v[3]),
                      "%s: row %zu is %s,%s,%s,%s", what, i, r->outcome, r->estimand, r->group,
                      r->term);
        ck_assert_msg(r->n == atol(v[4]), "%s: n %ld, want %s", what, r->n, v[4]);
        ck_assert_msg(*v[5] ? r->events == atol(v[5]) : r->events < 0, "%s: events %ld, want '%s'",
                      what, r->events, v[5]);
        double got[6] = {r->estimate, r->std_error, r->statistic, r->p_value, r->conf_low,
                         r->conf_high};
        for (int k = 0; k < 6; k++)
            agree(what, 6 + k, got[k], tu_num(v[6 + k]), k == 3);
    }
    ck_assert_uint_eq(i, t->n);
    fclose(f);
    ll_estimates_free(t);
}

START_TEST(explicit_matches_r)
{
    check_design("explicit");
}
END_TEST

START_TEST(matched_matches_r)
{
    check_design("matched");
}
END_TEST

/* A cohort of one treated child and nothing else: every treated row is
 * written with a reason, nothing crashes. */
START_TEST(single_child)
{
    ll_est_child c;
    memset(&c, 0, sizeof c);
    c.treated = 1;
    c.stable_12m = 1;
    c.placements_after = 1;
    c.sdq[0] = 15;
    c.sdq[1] = c.sdq[2] = c.sdq[3] = NAN;
    c.identity_improved = 1;
    c.connections_before = 3;
    c.connections_after = 9;
    c.homeless_ever = c.homeless_time = c.homeless_event = NAN;
    ll_est_options opt = {0, LL_SDQ_CARER};
    ll_estimates *t = NULL;
    ck_assert_int_eq(ll_estimate_all(&t, &c, 1, &opt, NULL), LL_OK);
    ck_assert_uint_eq(t->n, 35);
    for (size_t i = 0; i < t->n; i++) {
        ck_assert_str_eq(t->rows[i].group, "treated");
        ck_assert_msg(t->rows[i].method[0] != '\0', "row %zu has no method", i);
    }
    /* a t statistic needs 2 children: the mean row is empty with a reason */
    ck_assert_str_eq(t->rows[2].estimand, "mean");
    ck_assert(isnan(t->rows[2].estimate));
    ck_assert(strstr(t->rows[2].method, "not computable") != NULL);
    ll_estimates_free(t);
}
END_TEST

/* No children at all, with and without a comparison group. */
/* Every row carries its typed key, and the names map both ways; a name
 * SPEC 6 does not list is _OTHER, never a wrong key. */
START_TEST(typed_keys)
{
    ll_est_key k = ll_est_key_of("sdq", "mixed_model", "treated-comparison");
    ck_assert_int_eq(k.outcome, LL_OUTCOME_SDQ);
    ck_assert_int_eq(k.estimand, LL_ESTIMAND_MIXED_MODEL);
    ck_assert_int_eq(k.group, LL_EGROUP_CONTRAST);
    k = ll_est_key_of("stable_12m", "relative_risk", "girls");
    ck_assert_int_eq(k.outcome, LL_OUTCOME_STABLE_12M);
    ck_assert_int_eq(k.estimand, LL_ESTIMAND_OTHER);
    ck_assert_int_eq(ll_est_key_of("stable_12m", "adjusted_risk_difference", NULL).estimand,
                     LL_ESTIMAND_ADJUSTED_RISK_DIFFERENCE);
    ck_assert_int_eq(k.group, LL_EGROUP_OTHER);
    ck_assert_str_eq(ll_estimand_name(LL_ESTIMAND_HAZARD_RATIO), "hazard_ratio");
    ck_assert_str_eq(ll_outcome_name(LL_OUTCOME_OTHER), "");
    ll_est_child kids[4];
    memset(kids, 0, sizeof kids);
    for (int i = 0; i < 4; i++) {
        kids[i].treated = i < 2;
        kids[i].stable_12m = i % 2;
        kids[i].homeless_time = kids[i].homeless_event = kids[i].homeless_ever = NAN;
        for (int t = 0; t < 4; t++)
            kids[i].sdq[t] = NAN;
    }
    ll_est_options opt = {1, LL_SDQ_CARER};
    ll_estimates *t = NULL;
    ck_assert_int_eq(ll_estimate_all(&t, kids, 4, &opt, NULL), LL_OK);
    for (size_t i = 0; i < t->n; i++) {
        const ll_estimate *r = &t->rows[i];
        ck_assert_str_eq(ll_outcome_name(r->key.outcome), r->outcome);
        ck_assert_str_eq(ll_estimand_name(r->key.estimand), r->estimand);
        ck_assert_str_eq(ll_egroup_name(r->key.group), r->group);
    }
    /* the summary: 2 + 2 children, no care leaver, no curve */
    ck_assert_uint_eq(t->summary.n[0], 2);
    ck_assert_uint_eq(t->summary.n[1], 2);
    ck_assert_uint_eq(t->summary.leavers[0], 0);
    ck_assert_uint_eq(t->summary.km[0].n, 0);
    ck_assert_int_eq(t->summary.km[0].risk_at[0], -1);
    ll_estimates_free(t);
}
END_TEST

/* The Kaplan-Meier curve and numbers at risk the report draws, against R:
 *   library(survival); t <- c(17,18,18,19,20,21,22,18.5); e <- c(0,1,0,1,0,0,1,1)
 *   f <- survfit(Surv(t, e) ~ 1); f$time; f$n.risk; f$n.event; f$surv
 *   summary(f, times = 18:21)$n.risk   # 7 4 3 2
 * The comparison group (one care leaver, censored at 22) has its own curve;
 * without a comparison group it is not computed. */
START_TEST(summary_curves_match_r)
{
    const double t[8] = {17, 18, 18, 19, 20, 21, 22, 18.5}, e[8] = {0, 1, 0, 1, 0, 0, 1, 1};
    ll_est_child kids[9];
    memset(kids, 0, sizeof kids);
    for (int i = 0; i < 9; i++) {
        kids[i].treated = i < 8;
        kids[i].homeless_time = i < 8 ? t[i] : 22;
        kids[i].homeless_event = i < 8 ? e[i] : 0;
        for (int k = 0; k < 4; k++)
            kids[i].sdq[k] = NAN;
        kids[i].sdq[2] = i == 3 ? 12 : NAN;
    }
    ll_est_options opt = {1, LL_SDQ_CARER};
    ll_est_summary s;
    ck_assert_int_eq(ll_estimate_summary(&s, kids, 9, &opt, NULL), LL_OK);
    const double time[7] = {17, 18, 18.5, 19, 20, 21, 22};
    const size_t risk[7] = {8, 7, 5, 4, 3, 2, 1}, ev[7] = {0, 1, 1, 1, 0, 0, 1};
    const double surv[7] = {1, 0.85714285714285710, 0.68571428571428572, 0.51428571428571423,
                            0.51428571428571423, 0.51428571428571423, 0};
    ck_assert_uint_eq(s.km[0].n, 8);
    ck_assert_uint_eq(s.km[0].n_times, 7);
    for (int k = 0; k < 7; k++) {
        ck_assert_rel(s.km[0].time[k], time[k], 1e-15);
        ck_assert_uint_eq(s.km[0].n_risk[k], risk[k]);
        ck_assert_uint_eq(s.km[0].n_event[k], ev[k]);
        ck_assert_abs(s.km[0].surv[k], surv[k], 1e-15);
    }
    const long at[LL_KM_N_AGES] = {7, 4, 3, 2};
    for (int k = 0; k < LL_KM_N_AGES; k++)
        ck_assert_int_eq(s.km[0].risk_at[k], at[k]);
    ck_assert_uint_eq(s.leavers[0], 8);
    ck_assert_uint_eq(s.leaver_events[0], 4);
    ck_assert_uint_eq(s.sdq_children[0], 1);
    ck_assert_uint_eq(s.km[1].n, 1);
    ck_assert_int_eq(s.km[1].risk_at[3], 1); /* at risk at 21, censored at 22 */
    ll_est_summary_clear(&s);
    opt.has_comparison = 0;
    ck_assert_int_eq(ll_estimate_summary(&s, kids, 9, &opt, NULL), LL_OK);
    ck_assert_uint_eq(s.n[1], 0);
    ck_assert_uint_eq(s.km[1].n, 0);
    ck_assert_ptr_null(s.km[1].time);
    ll_est_summary_clear(&s);
    ll_est_summary_clear(NULL);
}
END_TEST

START_TEST(empty_cohort)
{
    ll_estimates *t = NULL;
    ll_est_options opt = {1, LL_SDQ_CARER};
    ck_assert_int_eq(ll_estimate_all(&t, NULL, 0, &opt, NULL), LL_OK);
    ck_assert_uint_eq(t->n, 98);
    for (size_t i = 0; i < t->n; i++)
        ck_assert(isnan(t->rows[i].estimate));
    ll_estimates_free(t);
    opt.has_comparison = 0;
    ck_assert_int_eq(ll_estimate_all(&t, NULL, 0, &opt, NULL), LL_OK);
    ck_assert_uint_eq(t->n, 35);
    ll_estimates_free(t);
}
END_TEST

TU_MAKE_SUITE("estimate", 60, explicit_matches_r, matched_matches_r, single_child, empty_cohort,
              typed_keys, summary_curves_match_r)
