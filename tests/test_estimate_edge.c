/* Tests of the estimates (SPEC 6) on degenerate cohorts and in
 * single-group mode.
 *
 * Degenerate cohorts are cut from the worked examples' expected analysis
 * datasets (one treated child, no comparison group, no care leavers, no SDQ
 * scores): every row of expected/estimates.csv must still be written, in
 * its order, with n and events filled; a row whose inputs the cut did not
 * touch must keep R's numbers (expected/estimates.csv), and every other one
 * must be empty with the reason in `method`.  A six-child cohort checks the
 * boundary cases against R literals.  Single-group mode (comparison = none)
 * must give the treated rows only, in the same relative order, with the
 * mixed model as group treated, term years (R: lme4 at its exact REML
 * optimum), both through ll_estimate_all and through `lleval evaluate`. */
#include "analysis_csv.h"
#include "testutil.h"

#include "lleval/estimate.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAXKIDS 2000
#define MAXROWS 128

/* ---- the expected analysis and estimates of the worked examples -------- */

/* The SPEC 6 cohort of an expected analysis.csv; "matched_all_treated":
 * every eligible treated child of the matched example, as a run with
 * comparison = none takes them. */
static size_t load_analysis(const char *design, ll_est_child *out)
{
    char path[256];
    int all_treated = !strcmp(design, "matched_all_treated");
    snprintf(path, sizeof path, "fixtures/examples/%s/expected/analysis.csv",
             all_treated ? "matched" : design);
    return tu_load_analysis(path, out, MAXKIDS, all_treated ? TU_ALL_ELIGIBLE_TREATED : TU_COHORT);
}

/* One row of an expected estimates.csv (made by R). */
typedef struct want_row {
    char key[4][48];
    long n, events; /* events -1 when empty */
    double v[6];    /* estimate std.error statistic p.value conf.low conf.high */
} want_row;

/* Reads an estimates.csv (ours or R's; method, the last column, may be
 * quoted: it is not read). */
static size_t read_estimates(const char *path, want_row *out)
{
    char line[4096], *v[MAXF];
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert(fgets(line, sizeof line, f) != NULL);
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_uint_lt(n, MAXROWS);
        tu_csv_fields(line, v, 13);
        want_row *w = &out[n++];
        for (int k = 0; k < 4; k++)
            snprintf(w->key[k], sizeof w->key[k], "%s", v[k]);
        w->n = atol(v[4]);
        w->events = *v[5] ? atol(v[5]) : -1;
        for (int k = 0; k < 6; k++)
            w->v[k] = tu_num(v[6 + k]);
    }
    fclose(f);
    return n;
}

static size_t load_expected(const char *design, want_row *out)
{
    char path[256];
    snprintf(path, sizeof path, "fixtures/examples/%s/expected/estimates.csv", design);
    return read_estimates(path, out);
}

static void row_numbers(const ll_estimate *r, double *g)
{
    g[0] = r->estimate;
    g[1] = r->std_error;
    g[2] = r->statistic;
    g[3] = r->p_value;
    g[4] = r->conf_low;
    g[5] = r->conf_high;
}

/* SPEC 6 agreement: relative 1e-6; p-values absolute 1e-8; empty = empty. */
static void agree(const char *what, int k, double got, double want)
{
    if (isnan(want)) {
        ck_assert_msg(isnan(got), "%s col %d: got %.17g, want empty", what, k, got);
        return;
    }
    ck_assert_msg(!isnan(got), "%s col %d: got empty, want %.17g", what, k, want);
    double rel = fabs(got - want) / fmax(fabs(want), 1e-300);
    int ok = rel <= 1e-6 || fabs(got - want) <= 1e-12 || (k == 3 && fabs(got - want) <= 1e-8) ||
             (isinf(want) && got == want);
    ck_assert_msg(ok, "%s col %d: got %.17g, want %.17g (rel %.3g)", what, k, got, want, rel);
}

static const char *WHAT(const ll_estimate *r)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s,%s,%s,%s", r->outcome, r->estimand, r->group, r->term);
    return buf;
}

static int same_key(const ll_estimate *r, const want_row *w)
{
    return !strcmp(r->outcome, w->key[0]) && !strcmp(r->estimand, w->key[1]) &&
           !strcmp(r->group, w->key[2]) && !strcmp(r->term, w->key[3]);
}

/* A row with no number must say why. */
static void empty_with_reason(const ll_estimate *r)
{
    double g[6];
    row_numbers(r, g);
    for (int k = 0; k < 6; k++)
        ck_assert_msg(isnan(g[k]), "%s: col %d is %.17g, want empty", WHAT(r), k, g[k]);
    ck_assert_msg(strncmp(r->method, "not computable", 14) == 0, "%s: method '%s'", WHAT(r),
                  r->method);
}

static void same_as_r(const ll_estimate *r, const want_row *w)
{
    ck_assert_msg(r->n == w->n, "%s: n %ld, want %ld", WHAT(r), r->n, w->n);
    ck_assert_msg(r->events == w->events, "%s: events %ld, want %ld", WHAT(r), r->events, w->events);
    double g[6];
    row_numbers(r, g);
    for (int k = 0; k < 6; k++)
        agree(WHAT(r), k, g[k], w->v[k]);
}

static ll_estimates *estimate(const ll_est_child *c, size_t n, int has_comparison)
{
    ll_est_options opt = {has_comparison, LL_SDQ_CARER};
    ll_estimates *t = NULL;
    ll_error err = {0};
    ck_assert_msg(ll_estimate_all(&t, c, n, &opt, &err) == LL_OK, "%s", err.msg);
    return t;
}

/* Every row of the expected file, in its order: a row for which untouched()
 * says its inputs were not cut keeps R's numbers; any other is empty with a
 * reason.  n and events are checked by the caller where the cut fixes them. */
static void rows_as_expected(const ll_estimates *t, const want_row *w, size_t nw,
                             int (*untouched)(const want_row *))
{
    ck_assert_uint_eq(t->n, nw);
    for (size_t i = 0; i < nw; i++) {
        const ll_estimate *r = &t->rows[i];
        ck_assert_msg(same_key(r, &w[i]), "row %zu is %s, want %s,%s,%s,%s", i, WHAT(r), w[i].key[0],
                      w[i].key[1], w[i].key[2], w[i].key[3]);
        ck_assert_msg(r->method[0] != '\0', "%s: no method", WHAT(r));
        if (untouched(&w[i]))
            same_as_r(r, &w[i]);
        else
            empty_with_reason(r);
    }
}

static const ll_estimate *find(const ll_estimates *t, const char *outcome, const char *estimand,
                               const char *group, const char *term)
{
    for (size_t i = 0; i < t->n; i++) {
        const ll_estimate *r = &t->rows[i];
        if (!strcmp(r->outcome, outcome) && !strcmp(r->estimand, estimand) &&
            !strcmp(r->group, group) && !strcmp(r->term, term))
            return r;
    }
    ck_abort_msg("no row %s,%s,%s,%s", outcome, estimand, group, term);
    return NULL;
}

static ll_est_child g_kids[MAXKIDS];
static want_row g_want[MAXROWS];

/* ---- degenerate cohorts ------------------------------------------------- */

static int comparison_only(const want_row *w)
{
    return !strcmp(w->key[2], "comparison");
}

static int treated_only(const want_row *w)
{
    return !strcmp(w->key[2], "treated");
}

/* The worked examples: the tests below run once for each (Check's loop
 * tests, _i the index). */
#define N_DESIGNS 2
static const char *const DESIGNS[N_DESIGNS] = {"explicit", "matched"};

/* One treated child and the whole comparison group of each design. */
START_TEST(one_treated_child)
{
    size_t n = load_analysis(DESIGNS[_i], g_kids), m = 0, nw = load_expected(DESIGNS[_i], g_want);
    int kept = 0;
    for (size_t i = 0; i < n; i++) { /* the first treated child with a stable_12m */
        int keep = !g_kids[i].treated || (!kept && !isnan(g_kids[i].stable_12m));
        kept |= keep && g_kids[i].treated;
        if (keep)
            g_kids[m++] = g_kids[i];
    }
    ck_assert_int_eq(kept, 1);
    ll_estimates *t = estimate(g_kids, m, 1);
    rows_as_expected(t, g_want, nw, comparison_only);
    /* n and events still filled: the contrasts count the one child */
    const ll_estimate *pc = find(t, "stable_12m", "proportion", "comparison", "");
    const ll_estimate *pt = find(t, "stable_12m", "proportion", "treated", "");
    const ll_estimate *rd = find(t, "stable_12m", "risk_difference", "treated-comparison", "");
    ck_assert_int_eq(pt->n, 1);
    ck_assert_int_eq(rd->n, pc->n + 1);
    ck_assert_int_eq(rd->events, pc->events + pt->events);
    ck_assert_int_eq(find(t, "stable_12m", "mde", "treated-comparison", "")->n, pc->n + 1);
    ck_assert_int_eq(find(t, "stable_12m", "adjusted_odds_ratio", "treated-comparison", "")->n,
                     pc->n + 1);
    ll_estimates_free(t);
}
END_TEST

/* The treated children of a worked example in g_kids (their number) and
 * R's estimates in g_want (*nw rows). */
static size_t load_treated(const char *design, size_t *nw)
{
    size_t n = load_analysis(design, g_kids), m = 0;
    *nw = load_expected(design, g_want);
    for (size_t i = 0; i < n; i++)
        if (g_kids[i].treated)
            g_kids[m++] = g_kids[i];
    return m;
}

/* A design with a comparison group that came out empty (has_comparison on,
 * no comparison child): the treated rows keep R's numbers. */
START_TEST(no_comparison_group)
{
    size_t nw, m = load_treated(DESIGNS[_i], &nw);
    ll_estimates *t = estimate(g_kids, m, 1);
    rows_as_expected(t, g_want, nw, treated_only);
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->rows[i].group, "comparison"))
            ck_assert_msg(t->rows[i].n == 0, "%s: n %ld", WHAT(&t->rows[i]), t->rows[i].n);
    const ll_estimate *pt = find(t, "stable_12m", "proportion", "treated", "");
    const ll_estimate *rd = find(t, "stable_12m", "risk_difference", "treated-comparison", "");
    ck_assert_int_eq(rd->n, pt->n);
    ck_assert_int_eq(rd->events, pt->events);
    ll_estimates_free(t);
}
END_TEST

static int not_homeless(const want_row *w)
{
    return strcmp(w->key[0], "homeless_ever") && strcmp(w->key[0], "homelessness");
}

/* No care leaver at all: the homelessness rows are empty with n 0. */
START_TEST(no_care_leavers)
{
    size_t n = load_analysis(DESIGNS[_i], g_kids), nw = load_expected(DESIGNS[_i], g_want);
    for (size_t i = 0; i < n; i++)
        g_kids[i].homeless_ever = g_kids[i].homeless_time = g_kids[i].homeless_event = NAN;
    ll_estimates *t = estimate(g_kids, n, 1);
    rows_as_expected(t, g_want, nw, not_homeless);
    for (size_t i = 0; i < t->n; i++)
        if (!not_homeless(&g_want[i])) {
            ck_assert_msg(t->rows[i].n == 0, "%s: n %ld", WHAT(&t->rows[i]), t->rows[i].n);
            ck_assert_msg(t->rows[i].events == 0, "%s: events %ld", WHAT(&t->rows[i]),
                          t->rows[i].events);
        }
    ll_estimates_free(t);
}
END_TEST

static int not_sdq(const want_row *w)
{
    return strcmp(w->key[0], "sdq") != 0;
}

/* No SDQ score at all: every sdq row is empty; means have n 0, band shares
 * n 0 and events 0, the mixed model 0 children. */
START_TEST(no_sdq_scores)
{
    size_t n = load_analysis(DESIGNS[_i], g_kids), nw = load_expected(DESIGNS[_i], g_want);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            g_kids[i].sdq[k] = NAN;
    ll_estimates *t = estimate(g_kids, n, 1);
    rows_as_expected(t, g_want, nw, not_sdq);
    for (size_t i = 0; i < t->n; i++)
        if (!not_sdq(&g_want[i])) {
            const ll_estimate *r = &t->rows[i];
            ck_assert_msg(r->n == 0, "%s: n %ld", WHAT(r), r->n);
            ck_assert_msg(r->events == (strcmp(r->estimand, "band_proportion") ? -1 : 0),
                          "%s: events %ld", WHAT(r), r->events);
        }
    ll_estimates_free(t);
}
END_TEST

/* Nothing at all, and one treated child alone, with a comparison design:
 * all 79 rows, in the expected order, each empty with a reason. */
static int nothing(const want_row *w)
{
    (void)w;
    return 0;
}

START_TEST(empty_and_single_child_cohorts)
{
    size_t nw = load_expected("matched", g_want);
    ll_estimates *t = estimate(NULL, 0, 1);
    rows_as_expected(t, g_want, nw, nothing);
    for (size_t i = 0; i < t->n; i++)
        ck_assert_int_eq(t->rows[i].n, 0);
    ll_estimates_free(t);
    size_t n = load_analysis("matched", g_kids);
    for (size_t i = 0; i < n; i++)
        if (g_kids[i].treated && !isnan(g_kids[i].homeless_time) && !isnan(g_kids[i].sdq[0])) {
            t = estimate(&g_kids[i], 1, 1);
            rows_as_expected(t, g_want, nw, nothing);
            ck_assert_int_eq(find(t, "homelessness", "km_survival", "treated", "age18")->n, 1);
            ck_assert_int_eq(find(t, "homelessness", "log_rank", "treated-comparison", "")->n, 1);
            ck_assert_int_eq(find(t, "sdq", "mixed_model", "treated-comparison", "years")->n, 1);
            ll_estimates_free(t);
            return;
        }
    ck_abort_msg("no treated care leaver with a baseline SDQ in the example");
}
END_TEST

/* ---- six children against R --------------------------------------------- */

static ll_est_child kid(int treated, double stable, double homeless, double htime, double hevent,
                        double pb, double pa, double sdq0, double sdq1, double identity, double cb,
                        double ca)
{
    ll_est_child c;
    memset(&c, 0, sizeof c);
    c.treated = treated;
    c.age_years = 10 + pb;
    c.stable_12m = stable;
    c.homeless_ever = homeless;
    c.homeless_time = htime;
    c.homeless_event = hevent;
    c.placements_before = pb;
    c.placements_after = pa;
    c.sdq[0] = sdq0;
    c.sdq[1] = sdq1;
    c.sdq[2] = c.sdq[3] = NAN;
    c.identity_improved = identity;
    c.connections_before = cb;
    c.connections_after = ca;
    return c;
}

static void r_row(const ll_estimate *r, double est, double se, double stat, double p, double lo,
                  double hi)
{
    double want[6] = {est, se, stat, p, lo, hi}, g[6];
    row_numbers(r, g);
    for (int k = 0; k < 6; k++)
        agree(WHAT(r), k, g[k], want[k]);
}

/* Every treated child stable (no contrast), no comparison child homeless
 * (no risk ratio, an infinite odds ratio, a hazard ratio with a group
 * without events), constant data (no t statistic), one-child SDQ cells, a
 * Kaplan-Meier age after the group's last time.  R references
 * (stats 4.x, survival):
 *   prop.test(3, 3, correct=FALSE)$conf.int               0.43850296824495466 1
 *   prop.test(c(2,0), c(3,3), correct=FALSE)              X-squared 3, p 0.083264516663550558
 *   fisher.test(matrix(c(2,1,0,3), 2)) with its uniroot calls at tol = 1e-15 (SPEC 6;
 *     environment(ft) <- list2env(list(uniroot = function(f, i, ...)
 *       stats::uniroot(f, i, ..., tol = 1e-15)), parent = environment(fisher.test)))
 *                                                         Inf, p 0.39999999999999986, CI 0.20314400741878391 Inf
 *   t.test(c(1,2,1))                                      1.3333333333333333 0.33333333333333331 4 0.05719095841793663 -0.10088424324982062 2.767550909916487
 *   t.test(c(1,2,1), c(1,1,1), paired=TRUE)               0.33333333333333331 0.33333333333333331 1 0.42264973081037427 -1.1008842432498205 1.7675509099164872
 *   t.test(c(1,1,1), c(0,1,2), paired=TRUE)               0 0.57735026918962573 0 1 -2.4841377117503298 2.4841377117503298
 *   t.test(c(0,1,0), c(1,0,-1))                           0.33333333333333331 0.66666666666666663 0.5 0.64945017801319471 -1.7152192864754414 2.3818859531421079
 *   t.test(c(10,12))                                      11 1 11 0.057715876752608947 -1.7062047361746941 23.706204736174694
 *   prop.test(0, 2, correct=FALSE)$conf.int               0 0.6576197724933468
 *   wilcox.test(c(9,10,5), c(3,4,5), paired=TRUE, exact=FALSE, correct=TRUE)  V 3, p 0.34577858615116025
 *   d <- data.frame(time=c(18,19,20,18,19,21), event=c(1,0,1,0,0,0), g=rep(c("t","c"), each=3))
 *   summary(survfit(Surv(time, event) ~ g, d), times=18:21)   t: S(18) 0.66666666666666663 se 0.27216552697590868
 *       lower 0.29950713035902232 upper 1; S(20) 0, se NaN; c: S 1, se 0, CI 1 1 up to 21
 *   survdiff(Surv(time, event) ~ g, d)                    chisq 2, p 0.15729920705028447 */
START_TEST(six_children_against_r)
{
    ll_est_child c[6] = {
        kid(1, 1, 1, 18, 1, 1, 1, 10, 9, 1, 3, 9),
        kid(1, 1, 0, 19, 0, 1, 2, 12, NAN, 1, 4, 10),
        kid(1, 1, 1, 20, 1, 1, 1, NAN, NAN, 0, 5, 5),
        kid(0, 1, 0, 18, 0, 0, 1, 14, 15, NAN, NAN, NAN),
        kid(0, 1, 0, 19, 0, 1, 1, NAN, NAN, NAN, NAN, NAN),
        kid(0, 1, 0, 21, 0, 2, 1, NAN, NAN, NAN, NAN, NAN),
    };
    ll_estimates *t = estimate(c, 6, 1);
    size_t nw = load_expected("matched", g_want);
    ck_assert_uint_eq(t->n, nw);
    for (size_t i = 0; i < nw; i++)
        ck_assert_msg(same_key(&t->rows[i], &g_want[i]), "row %zu is %s", i, WHAT(&t->rows[i]));
    const double X = NAN;
    /* stable_12m: every child has the event */
    r_row(find(t, "stable_12m", "proportion", "treated", ""), 1, X, X, X, 0.43850296824495466, 1);
    const char *every[] = {"risk_difference", "risk_ratio", "odds_ratio", "adjusted_odds_ratio",
                           "mde"};
    for (int k = 0; k < 5; k++) {
        const ll_estimate *r = find(t, "stable_12m", every[k], "treated-comparison", "");
        empty_with_reason(r);
        ck_assert_int_eq(r->n, 6);
        ck_assert_int_eq(r->events, 6);
    }
    /* homeless_ever: no comparison child homeless */
    r_row(find(t, "homeless_ever", "proportion", "comparison", ""), 0, X, X, X, 0,
          0.56149703175504539);
    const ll_estimate *rd = find(t, "homeless_ever", "risk_difference", "treated-comparison", "");
    ck_assert_rel(rd->estimate, 2.0 / 3.0, 1e-12);
    ck_assert_rel(rd->statistic, 3, 1e-9);
    ck_assert_rel(rd->p_value, 0.083264516663550558, 1e-9);
    empty_with_reason(find(t, "homeless_ever", "risk_ratio", "treated-comparison", ""));
    empty_with_reason(find(t, "homeless_ever", "e_value", "treated-comparison", "point"));
    empty_with_reason(find(t, "homeless_ever", "e_value", "treated-comparison", "ci_limit"));
    r_row(find(t, "homeless_ever", "odds_ratio", "treated-comparison", ""), INFINITY, X, X,
          0.39999999999999986, 0.20314400741878391, INFINITY);
    /* placements: constant before (treated) and after (comparison) */
    empty_with_reason(find(t, "placements", "mean", "treated", "before"));
    r_row(find(t, "placements", "mean", "treated", "after"), 1.3333333333333333,
          0.33333333333333331, 4, 0.05719095841793663, -0.10088424324982062, 2.767550909916487);
    r_row(find(t, "placements", "mean_change", "treated", ""), 0.33333333333333331,
          0.33333333333333331, 1, 0.42264973081037427, -1.1008842432498205, 1.7675509099164872);
    empty_with_reason(find(t, "placements", "mean", "comparison", "after"));
    r_row(find(t, "placements", "mean_change", "comparison", ""), 0, 0.57735026918962573, 0, 1,
          -2.4841377117503298, 2.4841377117503298);
    r_row(find(t, "placements", "difference_in_differences", "treated-comparison", ""),
          0.33333333333333331, 0.66666666666666663, 0.5, 0.64945017801319471, -1.7152192864754414,
          2.3818859531421079);
    /* sdq: two treated baselines, one of everything else */
    r_row(find(t, "sdq", "mean", "treated", "baseline"), 11, 1, 11, 0.057715876752608947,
          -1.7062047361746941, 23.706204736174694);
    const ll_estimate *r = find(t, "sdq", "mean", "treated", "year1");
    empty_with_reason(r);
    ck_assert_int_eq(r->n, 1);
    empty_with_reason(find(t, "sdq", "mean_change", "treated", "year1"));
    empty_with_reason(find(t, "sdq", "difference_in_differences", "treated-comparison", "year1"));
    r = find(t, "sdq", "mixed_model", "treated-comparison", "years:treated");
    empty_with_reason(r);
    ck_assert_int_eq(r->n, 3);
    r_row(find(t, "sdq", "band_proportion", "treated", "normal@baseline"), 1, X, X, X,
          0.3423802275066532, 1);
    r = find(t, "sdq", "band_proportion", "treated", "high@baseline");
    r_row(r, 0, X, X, X, 0, 0.6576197724933468);
    ck_assert_int_eq(r->events, 0);
    r = find(t, "sdq", "band_proportion", "comparison", "borderline@year1"); /* 15 */
    empty_with_reason(r);
    ck_assert_int_eq(r->n, 1);
    ck_assert_int_eq(r->events, 1);
    /* connections */
    r_row(find(t, "connections", "mean", "treated", "before"), 4, 0.57735026918962573,
          6.9282032302755097, 0.020204102886728754, 1.5158622882496702, 6.4841377117503303);
    r_row(find(t, "connections", "median", "treated", "after"), 9, X, X, X, X, X);
    r_row(find(t, "connections", "wilcoxon_signed_rank", "treated", ""), X, X, 3,
          0.34577858615116025, X, X);
    /* homelessness */
    r = find(t, "homelessness", "km_survival", "treated", "age18");
    r_row(r, 0.66666666666666663, 0.27216552697590868, X, X, 0.29950713035902232, 1);
    ck_assert_int_eq(r->n, 3);
    ck_assert_int_eq(r->events, 1);
    r = find(t, "homelessness", "km_survival", "treated", "age20");
    ck_assert_msg(r->estimate == 0.0, "S(20) %g", r->estimate);
    ck_assert_int_eq(r->events, 2);
    empty_with_reason(find(t, "homelessness", "km_survival", "treated", "age21"));
    r_row(find(t, "homelessness", "km_survival", "comparison", "age21"), 1, 0, X, X, 1, 1);
    r = find(t, "homelessness", "log_rank", "treated-comparison", "");
    r_row(r, X, X, 2, 0.15729920705028447, X, X);
    ck_assert_int_eq(r->n, 6);
    ck_assert_int_eq(r->events, 2);
    r = find(t, "homelessness", "hazard_ratio", "treated-comparison", "");
    empty_with_reason(r);
    ck_assert_int_eq(r->n, 6);
    ck_assert_int_eq(r->events, 2);
    ll_estimates_free(t);
}
END_TEST

/* ---- single-group mode -------------------------------------------------- */

/* R, the treated children of each example's SPEC 6 cohort (reference
 * fixtures/examples/<design>/expected/analysis.csv), at the exact REML
 * optimum:
 *   long <- stack sdq_0..sdq_3 with years = 0..3, non-NA only
 *   lmod <- lFormula(sdq ~ years + (1 | child), long, REML = TRUE)
 *   devfun <- do.call(mkLmerDevfun, lmod); opt <- optimize(devfun, c(0, 50), tol = 1e-13)
 *   fit <- mkMerMod(environment(devfun), list(par = opt$minimum, fval = opt$objective,
 *                   conv = 0, feval = NA, message = ""), lmod$reTrms, fr = lmod$fr)
 *   summary(fit)$coefficients["years", ]; z = est/se; p = 2 pnorm(-|z|); est -/+ qnorm(.975) se */
static const double LMM1[2][6] = {
    /* explicit, 66 children */
    {-1.1236788661048038, 0.2158443038133353, -5.205969517159807, 1.9298632644102718e-07,
     -1.5467259278470624, -0.70063180436254524},
    /* matched, 67 children */
    {-1.4339686973312833, 0.3017001255536671, -4.7529602273108953, 2.004597928889631e-06,
     -2.025290077547683, -0.8426473171148835},
};
static const long LMM1_N[2] = {66, 67};

/* The single-group table must be the expected file's treated rows, in the
 * same relative order, with the two mixed_model rows replaced by one (group
 * treated, term years) at their place. */
static void single_group_rows(const ll_estimates *t, const want_row *w, size_t nw, int d)
{
    size_t i = 0;
    int lmm_done = 0;
    for (size_t k = 0; k < nw; k++) {
        if (!strcmp(w[k].key[1], "mixed_model")) {
            if (lmm_done++)
                continue;
            ck_assert_uint_lt(i, t->n);
            const ll_estimate *r = &t->rows[i++];
            ck_assert_msg(!strcmp(r->outcome, "sdq") && !strcmp(r->estimand, "mixed_model") &&
                              !strcmp(r->group, "treated") && !strcmp(r->term, "years"),
                          "row %zu is %s, want sdq,mixed_model,treated,years", i - 1, WHAT(r));
            ck_assert_int_eq(r->n, LMM1_N[d]);
            ck_assert_int_eq(r->events, -1);
            r_row(r, LMM1[d][0], LMM1[d][1], LMM1[d][2], LMM1[d][3], LMM1[d][4], LMM1[d][5]);
            continue;
        }
        if (strcmp(w[k].key[2], "treated"))
            continue;
        ck_assert_uint_lt(i, t->n);
        const ll_estimate *r = &t->rows[i++];
        ck_assert_msg(same_key(r, &w[k]), "row %zu is %s, want %s,%s,%s,%s", i - 1, WHAT(r),
                      w[k].key[0], w[k].key[1], w[k].key[2], w[k].key[3]);
        same_as_r(r, &w[k]);
    }
    ck_assert_uint_eq(i, t->n);
    ck_assert_int_eq(lmm_done, 2);
    for (size_t k = 0; k < t->n; k++)
        ck_assert_str_eq(t->rows[k].group, "treated");
}

START_TEST(single_group_treated_rows)
{
    size_t nw, m = load_treated(DESIGNS[_i], &nw);
    ll_estimates *t = estimate(g_kids, m, 0);
    single_group_rows(t, g_want, nw, _i);
    ll_estimates_free(t);
    /* comparison children given to a single-group run are ignored */
    t = estimate(g_kids, load_analysis(DESIGNS[_i], g_kids), 0);
    single_group_rows(t, g_want, nw, _i);
    ll_estimates_free(t);
}
END_TEST

/* ---- the same through `lleval evaluate` --------------------------------- */

static void run(const char *cmd, const char *log)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s >>'%s' 2>&1", cmd, log);
    int rc = system(buf);
    ck_assert_msg(rc == 0, "'%s' failed (status %d); see %s", cmd, rc, log);
}

/* `comparison = none` on each example (the explicit one has a
 * comparison.csv, which `none` sets aside). */
START_TEST(single_group_end_to_end)
{
    char dir[64], cmd[4096], db[128], log[128], cfg[128], path[256];
    snprintf(dir, sizeof dir, "/tmp/lleval-estedge-XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(db, sizeof db, "%s/ex.db", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    snprintf(cfg, sizeof cfg, "%s/none.ini", dir);
    FILE *f = fopen(cfg, "w");
    ck_assert(f != NULL);
    fputs("[analysis]\ncomparison = none\n", f);
    fclose(f);
    for (int y = 2016; y <= 2024; y++) {
        snprintf(cmd, sizeof cmd, "'%s' ingest --db %s --la LA --year %d "
                                  "fixtures/examples/%s/input/903/%d/*.csv",
                 tu_lleval_path(), db, y, DESIGNS[_i], y);
        run(cmd, log);
    }
    snprintf(cmd, sizeof cmd, "'%s' ingest --db %s --la LA fixtures/examples/%s/input/*.csv",
             tu_lleval_path(), db, DESIGNS[_i]);
    run(cmd, log);
    snprintf(cmd, sizeof cmd, "'%s' evaluate --db %s --config %s --out %s/out", tu_lleval_path(),
             db, cfg, dir);
    run(cmd, log);
    snprintf(path, sizeof path, "%s/out/secure/estimates.csv", dir);
    static want_row got[MAXROWS];
    size_t ng = read_estimates(path, got), nw = load_expected(DESIGNS[_i], g_want);
    /* rebuild an ll_estimates view of the file to reuse the check */
    ll_estimates t = {.rows = calloc(ng, sizeof(ll_estimate)), .n = ng, .cap = ng};
    for (size_t i = 0; i < ng; i++) {
        ll_estimate *r = &t.rows[i];
        _Static_assert(sizeof r->outcome == sizeof got[i].key[0], "key size");
        memcpy(r->outcome, got[i].key[0], sizeof r->outcome);
        memcpy(r->estimand, got[i].key[1], sizeof r->estimand);
        memcpy(r->group, got[i].key[2], sizeof r->group);
        memcpy(r->term, got[i].key[3], sizeof r->term);
        r->n = got[i].n;
        r->events = got[i].events;
        r->estimate = got[i].v[0];
        r->std_error = got[i].v[1];
        r->statistic = got[i].v[2];
        r->p_value = got[i].v[3];
        r->conf_low = got[i].v[4];
        r->conf_high = got[i].v[5];
    }
    if (_i == 0) {
        /* explicit: the cohort is the same eligible treated children */
        single_group_rows(&t, g_want, nw, _i);
    } else {
        /* matched: without matching every eligible treated child is in
         * the cohort, not only the matched ones, so R's rows do not
         * apply: the file must be ll_estimate_all's own single-group
         * table of those children (to 1e-13: under valgrind this
         * process's libm may differ from lleval's in the last bit) */
        size_t n = load_analysis("matched_all_treated", g_kids);
        ll_estimates *e = estimate(g_kids, n, 0);
        ck_assert_uint_eq(e->n, t.n);
        for (size_t i = 0; i < t.n; i++) {
            const ll_estimate *a = &t.rows[i], *b = &e->rows[i];
            ck_assert_msg(!strcmp(a->outcome, b->outcome) && !strcmp(a->estimand, b->estimand) &&
                              !strcmp(a->group, "treated") && !strcmp(a->term, b->term) &&
                              a->n == b->n && a->events == b->events,
                          "row %zu differs", i);
            double x[6], y[6];
            row_numbers(a, x);
            row_numbers(b, y);
            for (int k = 0; k < 6; k++)
                ck_assert_msg(x[k] == y[k] || (isnan(x[k]) && isnan(y[k])) ||
                                  fabs(x[k] - y[k]) <= 1e-13 * fabs(y[k]),
                              "row %zu col %d: file %.17g, library %.17g", i, k, x[k], y[k]);
        }
        ck_assert_int_eq(find(e, "stable_12m", "proportion", "treated", "")->n,
                         find(&t, "stable_12m", "proportion", "treated", "")->n);
        ll_estimates_free(e);
    }
    free(t.rows);
    /* no comparison outputs in a single-group run */
    snprintf(path, sizeof path, "%s/out/secure/matches.csv", dir);
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/out/secure/sample_sizes.csv", dir);
    ck_assert_int_ne(access(path, F_OK), 0);
    tu_remove_tree(dir);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("estimate_edge");
    const TTest *const degenerate_tests[] = {empty_and_single_child_cohorts,
                                             six_children_against_r, NULL},
                       *const per_design_tests[] = {one_treated_child, no_comparison_group,
                                                    no_care_leavers, no_sdq_scores, NULL},
                       *const single_group_tests[] = {single_group_treated_rows,
                                                      single_group_end_to_end, NULL};
    TCase *tc = tu_tcase(s, "degenerate", degenerate_tests, 60);
    tu_add_loop_tests(tc, per_design_tests, N_DESIGNS);
    tc = tu_tcase(s, "single_group", (const TTest *const[]){NULL}, 300);
    tu_add_loop_tests(tc, single_group_tests, N_DESIGNS);
    return s;
}
