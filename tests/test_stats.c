/* Tests of the elementary statistics (include/lleval/stats.h) against R.
 * Every reference value is a literal computed in R 4.2.2 with the call in
 * the comment next to it; the explicit example's estimates.csv rows
 * (stable_12m, homeless_ever) are copied in as literals too.  Agreement:
 * relative 1e-6 (the SPEC's tolerance; most values agree to 1e-13), p-values
 * absolute 1e-8 as well. */
#include "lleval/stats.h"

#include "testutil.h"

#define REL 1e-6
#define PABS 1e-8

/* Relative 1e-6 and, for p-values, also absolute 1e-8. */
#define ck_p(got, want)                                                        \
    do {                                                                       \
        ck_assert_abs(got, want, PABS);                                        \
        ck_assert_rel(got, want, REL);                                         \
    } while (0)

/* ---------------------------------------------------------------- */
/* Descriptive statistics                                            */

static const double PI8[8] = {3, 1, 4, 1, 5, 9, 2, 6};

START_TEST(test_mean_var_sd)
{
    double v;
    /* x <- c(3,1,4,1,5,9,2,6); mean(x); var(x); sd(x)
     * y <- c(0.1,0.2,0.3); mean(y) = 0.20000000000000001; sd(y) = 0.099999999999999992
     * n = 1: mean is the value.  Rows: statistic, data, n, R's value, tolerance. */
    static const double y[3] = {0.1, 0.2, 0.3};
    static const struct {
        int (*stat)(double *, const double *, size_t, ll_error *);
        const double *x;
        size_t n;
        double want, rel;
    } cases[] = {{ll_stats_mean, PI8, 8, 3.875, 1e-15},
                 {ll_stats_var, PI8, 8, 7.5535714285714288, 1e-14},
                 {ll_stats_sd, PI8, 8, 2.7483761439387129, 1e-14},
                 {ll_stats_mean, y, 3, 0.20000000000000001, 1e-15},
                 {ll_stats_sd, y, 3, 0.099999999999999992, 1e-14},
                 {ll_stats_mean, y, 1, 0.1, 1e-15}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ck_assert_int_eq(cases[k].stat(&v, cases[k].x, cases[k].n, NULL), 0);
        ck_assert_rel(v, cases[k].want, cases[k].rel);
    }
    /* var needs 2 values (R gives NA) */
    ll_error err;
    ck_assert_int_eq(ll_stats_var(&v, y, 1, &err), LL_EDOM);
    ck_assert_int_eq(err.code, LL_EDOM);
    ck_assert(isnan(v));
    ck_assert_int_eq(ll_stats_mean(&v, y, 0, NULL), LL_EDOM);
    ck_assert(isnan(v));
    const double bad[2] = {1, NAN};
    ck_assert_int_eq(ll_stats_mean(&v, bad, 2, NULL), LL_EINPUT);
}
END_TEST

START_TEST(test_median_quantile)
{
    double v, q[7];
    /* median(c(3,1,4,1,5,9,2,6)) = 3.5 ; median(c(7,1,3,1,2)) = 2 */
    ck_assert_int_eq(ll_stats_median(&v, PI8, 8, NULL), 0);
    ck_assert_rel(v, 3.5, 1e-15);
    const double odd[5] = {7, 1, 3, 1, 2};
    ck_assert_int_eq(ll_stats_median(&v, odd, 5, NULL), 0);
    ck_assert_rel(v, 2, 1e-15);
    ck_assert_rel(odd[0], 7, 0); /* input not modified */
    /* quantile(x, c(0,.1,.25,.5,.75,.9,1), type=7) */
    const double probs[7] = {0, .1, .25, .5, .75, .9, 1};
    const double want[7] = {1, 1, 1.75, 3.5, 5.25, 6.8999999999999995, 9};
    ck_assert_int_eq(ll_stats_quantiles(q, PI8, 8, probs, 7, NULL), 0);
    for (int i = 0; i < 7; i++)
        ck_assert_rel(q[i], want[i], 1e-14);
    /* quantile((1:10) * 1.5, 1/3) = 6 */
    double s[10];
    for (int i = 0; i < 10; i++)
        s[i] = (i + 1) * 1.5;
    ck_assert_int_eq(ll_stats_quantile_sorted(&v, s, 10, 1.0 / 3, NULL), 0);
    ck_assert_rel(v, 6, 1e-14);
    ck_assert_int_eq(ll_stats_quantile(&v, s, 10, 1.0 / 3, NULL), 0);
    ck_assert_rel(v, 6, 1e-14);
    /* n = 1: quantile(5, c(0, .37, 1)) = 5 5 5 */
    const double five = 5;
    ck_assert_int_eq(ll_stats_quantile(&v, &five, 1, 0.37, NULL), 0);
    ck_assert_rel(v, 5, 0);
    /* ties: quantile(c(2,2,2,2,5), c(.25,.5,.75)) = 2 2 2 */
    const double ties[5] = {2, 5, 2, 2, 2};
    const double quart[3] = {0.25, 0.5, 0.75};
    double qu[3];
    ck_assert_int_eq(ll_stats_quantiles(qu, ties, 5, quart, 3, NULL), 0);
    ck_assert_rel(qu[0], 2, 0);
    ck_assert_rel(qu[1], 2, 0);
    ck_assert_rel(qu[2], 2, 0);
    ck_assert_int_eq(ll_stats_quantiles(qu, PI8, 8, quart, 3, NULL), 0);
    ck_assert_rel(qu[0], 1.75, 1e-15);
    ck_assert_rel(qu[2], 5.25, 1e-15);
    /* errors */
    ck_assert_int_eq(ll_stats_quantile(&v, PI8, 8, 1.5, NULL), LL_EINPUT);
    ck_assert_int_eq(ll_stats_quantile(&v, PI8, 0, 0.5, NULL), LL_EDOM);
    ck_assert(isnan(v));
    ck_assert_int_eq(ll_stats_median(&v, PI8, 0, NULL), LL_EDOM);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Proportions                                                       */

static void check_ci(const ll_stats_ci *c, double est, double lo, double hi)
{
    ck_assert_rel(c->estimate, est, REL);
    ck_assert_rel(c->conf_low, lo, REL);
    ck_assert_rel(c->conf_high, hi, REL);
}

START_TEST(test_wilson)
{
    ll_stats_ci c;
    /* c(x/n, prop.test(x, n, correct=FALSE)$conf.int) */
    ck_assert_int_eq(ll_stats_wilson(&c, 3, 7, 0.95, NULL), 0);
    check_ci(&c, 0.42857142857142855, 0.1582198552514697, 0.74954163547234265);
    /* prop.test(62, 75, correct=FALSE) (also the example's identity_improved row) */
    ck_assert_int_eq(ll_stats_wilson(&c, 62, 75, 0.95, NULL), 0);
    check_ci(&c, 0.82666666666666666, 0.72569188559480613, 0.8958085373164274);
    /* zero events: prop.test(0, 27, correct=FALSE) (example band row): lower exactly 0 */
    ck_assert_int_eq(ll_stats_wilson(&c, 0, 27, 0.95, NULL), 0);
    ck_assert(c.estimate == 0 && c.conf_low == 0);
    ck_assert_rel(c.conf_high, 0.12455502974186704, REL);
    /* x = n: prop.test(10, 10, correct=FALSE): upper exactly 1 */
    ck_assert_int_eq(ll_stats_wilson(&c, 10, 10, 0.95, NULL), 0);
    ck_assert(c.estimate == 1 && c.conf_high == 1);
    ck_assert_rel(c.conf_low, 0.72246720013711085, REL);
    /* n = 1: prop.test(0, 1, correct=FALSE); prop.test(1, 1, correct=FALSE) */
    ck_assert_int_eq(ll_stats_wilson(&c, 0, 1, 0.95, NULL), 0);
    check_ci(&c, 0, 0, 0.79345068562276255);
    ck_assert_int_eq(ll_stats_wilson(&c, 1, 1, 0.95, NULL), 0);
    check_ci(&c, 1, 0.2065493143772375, 1);
    /* prop.test(3, 7, correct=FALSE, conf.level=.9)$conf.int */
    ck_assert_int_eq(ll_stats_wilson(&c, 3, 7, 0.9, NULL), 0);
    check_ci(&c, 3.0 / 7, 0.18644319036395615, 0.71052290898640702);
    /* errors */
    ll_error err;
    ck_assert_int_eq(ll_stats_wilson(&c, 0, 0, 0.95, &err), LL_EDOM);
    ck_assert(isnan(c.estimate) && isnan(c.conf_low));
    ck_assert_int_eq(ll_stats_wilson(&c, 8, 7, 0.95, &err), LL_EINPUT);
    ck_assert_int_eq(ll_stats_wilson(&c, -1, 7, 0.95, &err), LL_EINPUT);
    ck_assert_int_eq(ll_stats_wilson(&c, 3, 7, 1.0, &err), LL_EINPUT);
}
END_TEST

/* Reference: d <- p1 - p2; a, b the two prop.test(x, n, correct=FALSE)$conf.int;
 * pt <- prop.test(c(xt,xc), c(nt,nc), correct=FALSE);
 * c(d, pt$statistic, pt$p.value, d - sqrt((p1-a[1])^2 + (b[2]-p2)^2),
 *   d + sqrt((a[2]-p1)^2 + (p2-b[1])^2)) */
static void check_prop2(long xt, long nt, long xc, long nc, double level, const double w[5])
{
    ll_stats_prop2 p;
    ck_assert_int_eq(ll_stats_prop2_compute(&p, xt, nt, xc, nc, level, NULL), 0);
    ck_assert_rel(p.p_t, (double)xt / nt, 1e-15);
    ck_assert_rel(p.p_c, (double)xc / nc, 1e-15);
    if (w[0] == 0)
        ck_assert_abs(p.estimate, 0, 1e-15);
    else
        ck_assert_rel(p.estimate, w[0], REL);
    if (w[1] == 0)
        ck_assert_abs(p.statistic, 0, 1e-15);
    else
        ck_assert_rel(p.statistic, w[1], REL);
    ck_p(p.p_value, w[2]);
    ck_assert_rel(p.conf_low, w[3], REL);
    ck_assert_rel(p.conf_high, w[4], REL);
}

START_TEST(test_prop2)
{
    /* zero events in one group: (0/10, 5/12) */
    static const double zero[5] = {-0.41666666666666669, 5.3921568627450993, 0.02022745370857704,
                                   -0.68048868745045021, -0.060387487420910879};
    check_prop2(0, 10, 5, 12, 0.95, zero);
    /* all events in one group: (10/10, 3/8) */
    static const double all[5] = {0.625, 8.6538461538461533, 0.0032637169016702361,
                                  0.20197532742900326, 0.86315571417640258};
    check_prop2(10, 10, 3, 8, 0.95, all);
    /* identical groups: (5/10, 5/10) */
    static const double same[5] = {0, 0, 1, -0.37251362381991421, 0.37251362381991421};
    check_prop2(5, 10, 5, 10, 0.95, same);
    /* n = 1 per group: (1/1, 0/1) */
    static const double one[5] = {1, 2, 0.15729920705028447, -0.12210872068194178, 1};
    check_prop2(1, 1, 0, 1, 0.95, one);
    /* large: (300/1000, 200/1000) */
    static const double big[5] = {0.099999999999999978, 26.666666666666668,
                                  2.4175638811190194e-07, 0.062142701225258036,
                                  0.13749988174186997};
    check_prop2(300, 1000, 200, 1000, 0.95, big);
    /* level 0.9: (3/7, 1/9), conf.level = .9 in both Wilson intervals */
    static const double l90[5] = {0.31746031746031744, 2.1164021164021163, 0.1457285332020406,
                                  -0.042007819325340312, 0.61221245328062524};
    check_prop2(3, 7, 1, 9, 0.9, l90);
}
END_TEST

START_TEST(test_risk_ratio)
{
    ll_stats_ci c;
    /* r <- (xt/nt)/(xc/nc); s <- sqrt(1/xt-1/nt+1/xc-1/nc); c(r, exp(log(r) + c(-1,1)*1.959964*s)) */
    /* all events in the treated group: (10/10, 5/10) */
    ck_assert_int_eq(ll_stats_risk_ratio(&c, 10, 10, 5, 10, LL_STATS_Z_RR, NULL), 0);
    check_ci(&c, 2, 1.0761094149932262, 3.7170941395631019);
    /* every child in both groups: (10/10, 8/8): RR 1, zero width */
    ck_assert_int_eq(ll_stats_risk_ratio(&c, 10, 10, 8, 8, LL_STATS_Z_RR, NULL), 0);
    check_ci(&c, 1, 1, 1);
    /* the multiplier qnorm(.975): (3/7, 1/9) with z = qnorm(.975) */
    ck_assert_int_eq(ll_stats_risk_ratio(&c, 3, 7, 1, 9, 1.959963984540054, NULL), 0);
    check_ci(&c, 3.8571428571428572, 0.50342084246255081, 29.552910339652644);
    /* zero events: not computable */
    ck_assert_int_eq(ll_stats_risk_ratio(&c, 0, 10, 5, 10, LL_STATS_Z_RR, NULL), LL_EDOM);
    ck_assert(isnan(c.estimate));
    ck_assert_int_eq(ll_stats_risk_ratio(&c, 5, 10, 0, 10, LL_STATS_Z_RR, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_risk_ratio(&c, 5, 10, 1, 0, LL_STATS_Z_RR, NULL), LL_EINPUT);
    ck_assert_int_eq(ll_stats_risk_ratio(&c, 5, 10, 3, 10, 0, NULL), LL_EINPUT);
}
END_TEST

START_TEST(test_evalue)
{
    double e;
    /* ev <- function(r){ r <- max(r, 1/r); r + sqrt(r*(r-1)) }: ev(0.2), ev(1), ev(3) */
    static const double point[][2] = {{0.2, 9.4721359549995796}, {1, 1}, {3, 5.4494897427831779}};
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(ll_stats_evalue(&e, point[k][0], NULL), 0);
        ck_assert_rel(e, point[k][1], REL);
    }
    /* interval below 1: ev(0.5) for (0.2, 0.5); above 1: ev(3) for (3, 8);
     * containing 1, or ending at 1: exactly 1.  Rows: lo, hi, e, tolerance. */
    static const double ci[][4] = {{0.2, 0.5, 3.4142135623730949, REL},
                                   {3, 8, 5.4494897427831779, REL},
                                   {0.7, 1.3, 1, 0},
                                   {1, 2, 1, 0}};
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(ll_stats_evalue_ci(&e, ci[k][0], ci[k][1], NULL), 0);
        ck_assert_rel(e, ci[k][2], ci[k][3]);
    }
    /* not computable */
    ck_assert_int_eq(ll_stats_evalue(&e, 0, NULL), LL_EDOM);
    ck_assert(isnan(e));
    ck_assert_int_eq(ll_stats_evalue(&e, INFINITY, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_evalue_ci(&e, 2, 1, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_evalue_ci(&e, 0, 1, NULL), LL_EDOM);
}
END_TEST

/* Reference: fisher15(xt, nt, xc, nc): R 4.2's fisher.test 2 x 2 code
 * (stats:::fisher.test, copied) with every uniroot(..., tol = 1e-15),
 * returning c(estimate, p.value, conf.int); the p-value is fisher.test's own:
 * p.value of fisher.test(matrix(c(xt, nt-xt, xc, nc-xc), 2)). */
static void check_fisher(long xt, long nt, long xc, long nc, double level, const double w[4])
{
    ll_stats_fisher f;
    ck_assert_int_eq(ll_stats_fisher_compute(&f, xt, nt, xc, nc, level, NULL), 0);
    if (isinf(w[0]) || w[0] == 0)
        ck_assert(f.estimate == w[0]);
    else
        ck_assert_rel(f.estimate, w[0], REL);
    ck_p(f.p_value, w[1]);
    if (w[2] == 0)
        ck_assert(f.conf_low == 0);
    else
        ck_assert_rel(f.conf_low, w[2], REL);
    if (isinf(w[3]))
        ck_assert(isinf(f.conf_high) && f.conf_high > 0);
    else
        ck_assert_rel(f.conf_high, w[3], REL);
}

START_TEST(test_fisher)
{
    /* a 0 cell: fisher15(0, 5, 3, 7): estimate 0, lower limit 0 */
    static const double zero[4] = {0, 0.20454545454545472, 0, 3.1819413202165223};
    check_fisher(0, 5, 3, 7, 0.95, zero);
    /* x = n (a 0 cell in the treated non-events): fisher15(10, 10, 5, 10): Inf */
    static const double full[4] = {INFINITY, 0.032507739938080517, 1.195426117132748, INFINITY};
    check_fisher(10, 10, 5, 10, 0.95, full);
    /* identical groups: fisher15(5, 10, 5, 10): MLE exactly 1 (mnhyper(1) == x), p 1 */
    static const double same[4] = {1, 1, 0.12591482400347193, 7.9418766449010603};
    check_fisher(5, 10, 5, 10, 0.95, same);
    /* n = 1 per group: fisher15(1, 1, 0, 1) */
    static const double one[4] = {INFINITY, 1, 0.025641025641025727, INFINITY};
    check_fisher(1, 1, 0, 1, 0.95, one);
    /* larger table: fisher15(120, 300, 80, 310) */
    static const double big[4] = {1.9145967691193815, 0.00020588646096017212,
                                  1.3401951845979503, 2.7450333867065506};
    check_fisher(120, 300, 80, 310, 0.95, big);
    /* lopsided: fisher15(2, 40, 15, 35) and with conf.level = .9 */
    static const double lop[4] = {0.072735289111864679, 0.00016812487985575099,
                                  0.0073658143967023793, 0.3599122488617712};
    check_fisher(2, 40, 15, 35, 0.95, lop);
    static const double lop90[4] = {0.072735289111864679, 0.00016812487985575099,
                                    0.010887684657567141, 0.29780842071333846};
    check_fisher(2, 40, 15, 35, 0.9, lop90);
    /* p-value 1 through the 1 + 1e-7 rule: fisher15(3, 8, 4, 9) */
    static const double p1[4] = {0.76281856201091502, 1, 0.070093423504370464,
                                 7.5511788764992582};
    check_fisher(3, 8, 4, 9, 0.95, p1);
}
END_TEST

/* The tables neither the two-proportion comparison nor Fisher's test
 * computes: nobody / everybody has the event, an empty group (an empty
 * margin: R's fisher.test gives 0, (0, Inf), p 1 -- not computable here);
 * and counts above their n. */
START_TEST(test_prop2_fisher_not_computable)
{
    static const long edom[3][4] = {{0, 5, 0, 7}, {5, 5, 7, 7}, {0, 0, 3, 7}};
    ll_stats_prop2 p;
    ll_stats_fisher f;
    for (int k = 0; k < 3; k++) {
        const long *t = edom[k];
        ck_assert_int_eq(ll_stats_prop2_compute(&p, t[0], t[1], t[2], t[3], 0.95, NULL), LL_EDOM);
        ck_assert(isnan(p.estimate) && isnan(p.p_value));
        ck_assert_int_eq(ll_stats_fisher_compute(&f, t[0], t[1], t[2], t[3], 0.95, NULL), LL_EDOM);
        ck_assert(isnan(f.estimate) && isnan(f.p_value));
    }
    ck_assert_int_eq(ll_stats_prop2_compute(&p, 6, 5, 3, 7, 0.95, NULL), LL_EINPUT);
    ck_assert_int_eq(ll_stats_fisher_compute(&f, 3, 2, 3, 7, 0.95, NULL), LL_EINPUT);
}
END_TEST

START_TEST(test_mde)
{
    double d;
    /* pc <- xc/nc; f <- function(d) { p1 <- pc + d; pb <- (nt*p1 + nc*pc)/(nt+nc);
     *   d - (qnorm(.975)*sqrt(pb*(1-pb)*(1/nt+1/nc)) + qnorm(.8)*sqrt(p1*(1-p1)/nt + pc*(1-pc)/nc)) }
     * uniroot(f, c(0, 1 - pc), tol = 1e-15)$root */
    /* rows nt, xc, nc, root; the last: zero comparison events, f(0) = 0,
     * the root above 0: uniroot(f, c(1e-9, 1), tol = 1e-15) */
    static const struct {
        long nt, xc, nc;
        double d;
    } roots[] = {{10, 7, 14, 0.48718794481235494},
                 {200, 150, 180, 0.092975498189569239},
                 {1000, 1, 1000, 0.0094452784830517736},
                 {5, 1, 5, 0.77293024887444473},
                 {50, 0, 50, 0.14239668879962772}};
    for (int k = 0; k < 5; k++) {
        ck_assert_int_eq(ll_stats_mde(&d, roots[k].nt, roots[k].xc, roots[k].nc, 0.95, 0.8, NULL),
                         0);
        ck_assert_rel(d, roots[k].d, REL);
    }
    /* no root below 1 - pc: f(1 - pc) < 0 for (nt, xc, nc) = (2, 1, 2) (-0.646),
     * (3, 2, 3) (-0.492) and (1, 0, 1) (-0.386) */
    ck_assert_int_eq(ll_stats_mde(&d, 2, 1, 2, 0.95, 0.8, NULL), LL_EDOM);
    ck_assert(isnan(d));
    ck_assert_int_eq(ll_stats_mde(&d, 3, 2, 3, 0.95, 0.8, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_mde(&d, 1, 0, 1, 0.95, 0.8, NULL), LL_EDOM);
    /* every comparison child has the event; an empty group; bad power */
    ck_assert_int_eq(ll_stats_mde(&d, 20, 10, 10, 0.95, 0.8, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_mde(&d, 0, 3, 10, 0.95, 0.8, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_mde(&d, 10, 3, 10, 0.95, 1.0, NULL), LL_EINPUT);
}
END_TEST

/* The explicit example's expected estimates.csv, rows stable_12m and
 * homeless_ever (x and n from the file: 42/55 vs 29/53 and 1/10 vs 7/14):
 * the proportions (treated, comparison), risk_difference, risk_ratio (its
 * p.value is risk_difference's), e_value point and ci_limit (with the
 * tolerance of the latter: exactly 1 when the interval contains 1), and
 * odds_ratio at full precision. */
static const struct binary_rows {
    long xt, nt, xc, nc;
    double prop_t[3], prop_c[3], rd[5], rr[3], ev_point, ev_ci, ev_ci_rel, fisher[4];
} BINARY_ROWS[2] = {
    {42, 55, 29, 53,
     {0.76363636363636367, 0.63651633810832275, 0.85633344130266809},
     {0.54716981132075471, 0.41453975487105804, 0.67342420847077755},
     {0.21646655231560896, 5.6154406574815825, 0.017802904001033668, 0.037302734288738731, 0.37827965463344537},
     {1.3956112852664577, 1.0488258272234068, 1.8570584447938225},
     2.1386587765458756, 1.2751216261845382, REL,
     {2.6487636457134491, 0.025353915090964185, 1.0901196900722083, 6.6769447043197037}},
    {1, 10, 7, 14,
     {0.10000000000000001, 0.017876213095072892, 0.40415002679523837},
     {0.5, 0.26799202452413634, 0.7320079754758636},
     {-0.40000000000000002, 4.2000000000000002, 0.040423979336908653, -0.64611382947736762, -0.017462499244906504},
     {0.20000000000000001, 0.028978545844686267, 1.3803315119531687},
     9.4721359549995796, 1, 0,
     {0.12148056208057893, 0.079075857511717002, 0.0022240363825324545, 1.3143468066764514}},
};

START_TEST(test_example_binary_rows)
{
    for (int k = 0; k < 2; k++) {
        const struct binary_rows *w = &BINARY_ROWS[k];
        ll_stats_ci c;
        double e;
        ck_assert_int_eq(ll_stats_wilson(&c, w->xt, w->nt, 0.95, NULL), 0);
        check_ci(&c, w->prop_t[0], w->prop_t[1], w->prop_t[2]);
        ck_assert_int_eq(ll_stats_wilson(&c, w->xc, w->nc, 0.95, NULL), 0);
        check_ci(&c, w->prop_c[0], w->prop_c[1], w->prop_c[2]);
        check_prop2(w->xt, w->nt, w->xc, w->nc, 0.95, w->rd);
        ck_assert_int_eq(ll_stats_risk_ratio(&c, w->xt, w->nt, w->xc, w->nc, LL_STATS_Z_RR, NULL),
                         0);
        check_ci(&c, w->rr[0], w->rr[1], w->rr[2]);
        ck_assert_int_eq(ll_stats_evalue(&e, c.estimate, NULL), 0);
        ck_assert_rel(e, w->ev_point, REL);
        ck_assert_int_eq(ll_stats_evalue_ci(&e, c.conf_low, c.conf_high, NULL), 0);
        ck_assert_rel(e, w->ev_ci, w->ev_ci_rel);
        check_fisher(w->xt, w->nt, w->xc, w->nc, 0.95, w->fisher);
    }
    /* stable_12m,mde */
    double d;
    ck_assert_int_eq(ll_stats_mde(&d, 55, 29, 53, 0.95, 0.8, NULL), 0);
    ck_assert_rel(d, 0.25019038174924696, REL);
}
END_TEST

/* ---------------------------------------------------------------- */
/* t tests                                                           */

/* Reference: r <- t.test(...); c(estimate (difference), r$stderr, r$statistic,
 * r$parameter, r$p.value, r$conf.int) */
static void check_t(const ll_stats_ttest *t, const double w[7])
{
    if (w[0] == 0)
        ck_assert_abs(t->estimate, 0, 1e-15);
    else
        ck_assert_rel(t->estimate, w[0], REL);
    ck_assert_rel(t->std_error, w[1], REL);
    if (w[2] == 0)
        ck_assert_abs(t->statistic, 0, 1e-15);
    else
        ck_assert_rel(t->statistic, w[2], REL);
    ck_assert_rel(t->df, w[3], REL);
    ck_p(t->p_value, w[4]);
    ck_assert_rel(t->conf_low, w[5], REL);
    ck_assert_rel(t->conf_high, w[6], REL);
}

static const double X1[6] = {1.2, 3.4, 2.2, 5.1, 0.3, 2.8};

START_TEST(test_ttest_one)
{
    ll_stats_ttest t;
    /* t.test(c(1.2, 3.4, 2.2, 5.1, 0.3, 2.8)) */
    static const double w1[7] = {2.5, 0.68992753242641358, 3.6235689728278029, 5,
                                 0.015162576303845239, 0.7264848172392776, 4.2735151827607227};
    ck_assert_int_eq(ll_stats_ttest_one(&t, X1, 6, 0.95, NULL), 0);
    check_t(&t, w1);
    /* t.test(same, conf.level = .9) */
    static const double w90[7] = {2.5, 0.68992753242641358, 3.6235689728278029, 5,
                                  0.015162576303845239, 1.1097626480664893, 3.8902373519335107};
    ck_assert_int_eq(ll_stats_ttest_one(&t, X1, 6, 0.9, NULL), 0);
    check_t(&t, w90);
    /* n = 2: t.test(c(1, 3)) */
    static const double w2[7] = {2, 1, 2, 1, 0.29516723530086642, -10.706204736174694,
                                 14.706204736174694};
    const double x2[2] = {1, 3};
    ck_assert_int_eq(ll_stats_ttest_one(&t, x2, 2, 0.95, NULL), 0);
    check_t(&t, w2);
    /* ties: t.test(c(1,1,2,2,2,3,7)) */
    static const double wt[7] = {2.5714285714285716, 0.78246079643595157, 3.2863353450309969, 6,
                                 0.016689984315831446, 0.65681597557311067, 4.4860411672840321};
    const double x3[7] = {1, 1, 2, 2, 2, 3, 7};
    ck_assert_int_eq(ll_stats_ttest_one(&t, x3, 7, 0.95, NULL), 0);
    check_t(&t, wt);
    /* a tiny p-value: t.test(c(100.001, 100.002, 99.999, 100.000, 100.003)) */
    static const double wb[7] = {100.001, 0.00070710678118690931, 141422.77045079952, 4,
                                 1.4999400010030674e-20, 99.999036756838521, 100.00296324316149};
    const double x4[5] = {100.001, 100.002, 99.999, 100.000, 100.003};
    ck_assert_int_eq(ll_stats_ttest_one(&t, x4, 5, 0.95, NULL), 0);
    check_t(&t, wb);
    /* negative mean: t.test(c(-2.5, -1, -3.25, 0.5)) */
    static const double wn[7] = {-1.5625, 0.8315084184781294, -1.8791150700070722, 3,
                                 0.15683227011591278, -4.2087308941980224, 1.0837308941980219};
    const double x5[4] = {-2.5, -1, -3.25, 0.5};
    ck_assert_int_eq(ll_stats_ttest_one(&t, x5, 4, 0.95, NULL), 0);
    check_t(&t, wn);
    /* constant data (R: "data are essentially constant", or NaN for zeros), n < 2 */
    const double k3[3] = {2, 2, 2}, z3[3] = {0, 0, 0};
    ck_assert_int_eq(ll_stats_ttest_one(&t, k3, 3, 0.95, NULL), LL_EDOM);
    ck_assert(isnan(t.estimate) && isnan(t.p_value));
    ck_assert_int_eq(ll_stats_ttest_one(&t, z3, 3, 0.95, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_ttest_one(&t, X1, 1, 0.95, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_ttest_one(&t, X1, 0, 0.95, NULL), LL_EDOM);
}
END_TEST

static const double PA[8] = {5, 7, 3, 9, 4, 6, 8, 2};
static const double PB[8] = {4, 7, 1, 6, 4, 7, 5, 1};

START_TEST(test_ttest_paired)
{
    ll_stats_ttest t;
    /* a <- c(5,7,3,9,4,6,8,2); b <- c(4,7,1,6,4,7,5,1); t.test(a, b, paired=TRUE) */
    static const double w[7] = {1.125, 0.51538820320220757, 2.1828206253269968, 7,
                                 0.065367938002771214, -0.093699444276769947, 2.3436994442767705};
    ck_assert_int_eq(ll_stats_ttest_paired(&t, PA, PB, 8, 0.95, NULL), 0);
    check_t(&t, w);
    /* identical pairs: every difference 0 (R gives NaN) */
    ck_assert_int_eq(ll_stats_ttest_paired(&t, PA, PA, 8, 0.95, NULL), LL_EDOM);
    /* one pair */
    ck_assert_int_eq(ll_stats_ttest_paired(&t, PA, PB, 1, 0.95, NULL), LL_EDOM);
}
END_TEST

START_TEST(test_ttest_welch)
{
    ll_stats_ttest t;
    /* t.test(c(1.2,3.4,2.2,5.1,0.3,2.8), c(4.1,3.3,6.2,5.0)) */
    static const double w[7] = {-2.1500000000000004, 0.92924700699006835, -2.3137012912896897,
                                7.8185329804753101, 0.05012789822019461, -4.3015354635831704,
                                0.0015354635831697941};
    const double y[4] = {4.1, 3.3, 6.2, 5.0};
    ck_assert_int_eq(ll_stats_ttest_welch(&t, X1, 6, y, 4, 0.95, NULL), 0);
    check_t(&t, w);
    /* identical groups: t.test(a, a) */
    static const double ws[7] = {0, 1.2247448713915889, 0, 13.999999999999998, 1,
                                 -2.6268164962562821, 2.6268164962562821};
    ck_assert_int_eq(ll_stats_ttest_welch(&t, PA, 8, PA, 8, 0.95, NULL), 0);
    check_t(&t, ws);
    /* one constant group: t.test(c(1,1,1), c(2,3,4)) */
    static const double wk[7] = {-2, 0.57735026918962573, -3.4641016151377548, 2,
                                 0.074179900227448525, -4.4841377117503294, 0.48413771175032977};
    const double k3[3] = {1, 1, 1}, y3[3] = {2, 3, 4};
    ck_assert_int_eq(ll_stats_ttest_welch(&t, k3, 3, y3, 3, 0.95, NULL), 0);
    check_t(&t, wk);
    /* t.test(a, b, conf.level = .99) */
    static const double w99[7] = {1.125, 1.2091540726592998, 0.93040252308440796,
                                  13.990575662568652, 0.36793965052823197, -2.474832924422965,
                                  4.7248329244229641};
    ck_assert_int_eq(ll_stats_ttest_welch(&t, PA, 8, PB, 8, 0.99, NULL), 0);
    check_t(&t, w99);
    /* both constant; a group of one */
    const double k2[2] = {5, 5};
    ck_assert_int_eq(ll_stats_ttest_welch(&t, k3, 3, k2, 2, 0.95, NULL), LL_EDOM);
    ck_assert(isnan(t.statistic));
    ck_assert_int_eq(ll_stats_ttest_welch(&t, PA, 8, PB, 1, 0.95, NULL), LL_EDOM);
    ck_assert_int_eq(ll_stats_ttest_welch(&t, PA, 8, PB, 8, 0, NULL), LL_EINPUT);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Wilcoxon signed-rank                                              */

/* r <- wilcox.test(x, y, paired=TRUE, exact=FALSE, correct=TRUE); c(r$statistic, r$p.value) */
static void check_wilcoxon(const double *x, const double *y, size_t n, double v, double p,
                           size_t used)
{
    ll_stats_wilcoxon w;
    ck_assert_int_eq(ll_stats_wilcoxon_paired(&w, x, y, n, NULL), 0);
    ck_assert_rel(w.statistic, v, 1e-15);
    ck_p(w.p_value, p);
    ck_assert_uint_eq(w.n, used);
}

START_TEST(test_wilcoxon)
{
    /* ties and zeros: wx <- c(10,12,9,15,11,14,13,8,10,16); wy <- c(8,12,10,11,9,10,13,9,7,12) */
    const double wx[10] = {10, 12, 9, 15, 11, 14, 13, 8, 10, 16};
    const double wy[10] = {8, 12, 10, 11, 9, 10, 13, 9, 7, 12};
    check_wilcoxon(wx, wy, 10, 33, 0.040805364066966089, 8);
    /* all positive, no ties: (c(5,6,7,8,9), rep(1,5)) */
    const double a[5] = {5, 6, 7, 8, 9}, ones[5] = {1, 1, 1, 1, 1};
    check_wilcoxon(a, ones, 5, 15, 0.059058229090536735, 5);
    /* a single non-zero difference: (c(3,2,2), c(1,2,2)): z corrected to 0, p 1 */
    const double b[3] = {3, 2, 2}, c[3] = {1, 2, 2};
    check_wilcoxon(b, c, 3, 1, 1, 1);
    /* symmetric, z = 0 so no correction: (c(1,-1,2,-2), rep(0,4)) */
    const double s[4] = {1, -1, 2, -2}, zeros[4] = {0, 0, 0, 0};
    check_wilcoxon(s, zeros, 4, 5, 1, 4);
    /* all negative: (c(1,2,3,1.5,2), c(2,4,3,3,5)) */
    const double d[5] = {1, 2, 3, 1.5, 2}, e[5] = {2, 4, 3, 3, 5};
    check_wilcoxon(d, e, 5, 0, 0.10034824646229079, 4);
    /* many ties, small p: set.seed(1); u <- round(rnorm(60, 3, 2)); v <- round(rnorm(60, 0, 2)) */
    static const double u[60] = {2, 3, 1, 6, 4, 1, 4, 4, 4, 2, 6, 4, 2, -1, 5, 3, 3, 5, 5, 4,
                                 5, 5, 3, -1, 4, 3, 3, 0, 2, 4, 6, 3, 4, 3, 0, 2, 2, 3, 5, 5,
                                 3, 2, 4, 4, 2, 2, 4, 5, 3, 5, 4, 2, 4, 1, 6, 7, 2, 1, 4, 3};
    static const double v[60] = {5, 0, 1, 0, -1, 0, -4, 3, 0, 4, 1, -1, 1, -2, -3, 1, -1, 0, 0, -1,
                                 -1, 0, 2, -3, 1, 1, 2, -1, 1, 1, -1, 2, 2, 1, 3, 1, -3, -1, -2, -1,
                                 -1, 0, -2, 0, -1, 4, 1, 2, 1, 3, -1, -1, 3, -1, 0, -1, -1, -1, 1, 0};
    ll_stats_wilcoxon w;
    ck_assert_int_eq(ll_stats_wilcoxon_paired(&w, u, v, 60, NULL), 0);
    ck_assert_rel(w.statistic, 1676, 1e-15);
    ck_p(w.p_value, 2.135999989946918e-09);
    /* every difference zero */
    ck_assert_int_eq(ll_stats_wilcoxon_paired(&w, wx, wx, 10, NULL), LL_EDOM);
    ck_assert(isnan(w.statistic) && isnan(w.p_value));
    ck_assert_int_eq(ll_stats_wilcoxon_paired(&w, wx, wy, 0, NULL), LL_EDOM);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Balance                                                           */

/* The moments, SMD and variance ratio of two groups as balance computes
 * them (compare/balance.c): one column, continuous or binary. */
static void smd_of(double got[7], const double *t, size_t nt, const double *c, size_t nc,
                   int binary)
{
    unsigned char bin = (unsigned char)binary;
    double mt, vt, mc, vc;
    ll_stats_col_moments(&mt, &vt, NULL, t, nt, 1, &bin, 0);
    ll_stats_col_moments(&mc, &vc, NULL, c, nc, 1, &bin, 0);
    double den = sqrt((vt + vc) / 2);
    double out[7] = {mt, mc, vt, vc, den, ll_stats_smd_value(mt - mc, den),
                     ll_stats_var_ratio_value(vt, vc)};
    memcpy(got, out, sizeof out);
}

START_TEST(test_smd)
{
    /* smd <- function(t, c, bin=FALSE) { vt <- if (bin) mean(t)*(1-mean(t)) else var(t);
     *   vc <- likewise; den <- sqrt((vt+vc)/2);
     *   c(mean(t), mean(c), vt, vc, den, (mean(t)-mean(c))/den, vt/vc) } */
    const double st[5] = {14.2, 15.1, 16.8, 13.9, 17.3};
    const double sc[7] = {15.0, 16.2, 14.1, 15.5, 16.9, 17.8, 15.2};
    static const double wc[7] = {15.460000000000001, 15.814285714285713, 2.3330000000000015,
                                 1.5580952380952382, 1.3948288852212731, -0.25399941027856549,
                                 1.4973410757946219};
    double got[7];
    smd_of(got, st, 5, sc, 7, 0);
    for (int i = 0; i < 7; i++)
        ck_assert_rel(got[i], wc[i], 1e-12);
    /* binary: smd(c(1,0,1,1,0,1), c(0,0,1,0,0,1,0,0), TRUE) */
    const double bt[6] = {1, 0, 1, 1, 0, 1}, bc[8] = {0, 0, 1, 0, 0, 1, 0, 0};
    static const double wb[7] = {0.66666666666666663, 0.25, 0.22222222222222224, 0.1875,
                                 0.45261585380000896, 0.92057461789832329, 1.1851851851851853};
    smd_of(got, bt, 6, bc, 8, 1);
    for (int i = 0; i < 7; i++)
        ck_assert_rel(got[i], wb[i], 1e-12);
    /* binary, comparison constant: smd(c(1,0,1), c(0,0,0,0), TRUE): ratio Inf */
    const double b3[3] = {1, 0, 1}, b0[4] = {0, 0, 0, 0};
    smd_of(got, b3, 3, b0, 4, 1);
    ck_assert_rel(got[4], 0.33333333333333337, 1e-12);
    ck_assert_rel(got[5], 1.9999999999999998, 1e-12);
    ck_assert(isinf(got[6]) && got[6] > 0);
    /* the 'after' SMD on the 'before' denominator:
     * (mean(c(14.2,15.1,16.0)) - mean(c(15.5,16.2,14.9))) / smd(st, sc)[5] */
    const double at[3] = {14.2, 15.1, 16.0}, ac[3] = {15.5, 16.2, 14.9};
    double m[2], v[2];
    ll_stats_col_moments(&m[0], &v[0], NULL, at, 3, 1, NULL, 0);
    ll_stats_col_moments(&m[1], &v[1], NULL, ac, 3, 1, NULL, 0);
    ck_assert_rel(ll_stats_smd_value(m[0] - m[1], 1.3948288852212731), -0.31067132171168821,
                  1e-12);
    /* R: both constant at the same value: (0 - 0) / 0 is NaN; at different
     * values (1 - 0) / 0 is Inf and (0 - 1) / 0 -Inf; var ratio 0 / 0 NaN */
    smd_of(got, b0, 4, b0, 4, 1);
    ck_assert(isnan(got[5]) && isnan(got[6]));
    const double one = 1, zero = 0;
    smd_of(got, &one, 1, &zero, 1, 1);
    ck_assert(isinf(got[5]) && got[5] > 0);
    ck_assert(isinf(ll_stats_smd_value(-1, 0)) && ll_stats_smd_value(-1, 0) < 0);
    ck_assert(isnan(ll_stats_smd_value(NAN, 1)));
    /* one continuous value: var(14.2) is NA */
    smd_of(got, st, 1, sc, 7, 0);
    ck_assert(isnan(got[2]) && isnan(got[4]) && isnan(got[5]));
    /* NA values left out: mean(c(1, NA, 3), na.rm = TRUE) = 2, var 2, 2 used;
     * two columns at once, row-major */
    const double x2[6] = {1, 10, NAN, 20, 3, NAN};
    double mm[2], vv[2];
    size_t used[2];
    ll_stats_col_moments(mm, vv, used, x2, 3, 2, NULL, 1);
    ck_assert_rel(mm[0], 2, 1e-15);
    ck_assert_rel(vv[0], 2, 1e-15);
    ck_assert_uint_eq(used[0], 2);
    ck_assert_rel(mm[1], 15, 1e-15);
    ck_assert_rel(vv[1], 50, 1e-15);
    ck_assert_uint_eq(used[1], 2);
    ll_stats_col_moments(mm, vv, used, x2, 0, 2, NULL, 1);
    ck_assert(isnan(mm[0]) && isnan(vv[0]) && used[0] == 0);
}
END_TEST

/* The Monte Carlo percentiles of the costs (moved here with
 * q7, which ll_stats_quantile_sorted replaces). */
static double q7(const double *x, size_t n, double p)
{
    double v;
    ll_stats_quantile_sorted(&v, x, n, p, NULL);
    return v;
}

START_TEST(quantile_type7_matches_r)
{
    /* R: x <- c(3.2,1.5,7.7,2.2,9.1,4.4,6.0,0.3,5.5,8.8,2.9)
     *    quantile(x, c(.05,.5,.95), type=7)  # 0.9 4.4 8.95 */
    double x[] = {0.3, 1.5, 2.2, 2.9, 3.2, 4.4, 5.5, 6.0, 7.7, 8.8, 9.1};
    ck_assert_double_eq(q7(x, 11, 0.05), 0.90000000000000002);
    ck_assert_double_eq(q7(x, 11, 0.5), 4.4000000000000004);
    ck_assert_double_eq(q7(x, 11, 0.95), 8.9499999999999993);
    /* R: quantile(c(1,2,2,2,3), c(.05,.5,.95), type=7)  # 1.2 2 2.8 */
    double z[] = {1, 2, 2, 2, 3};
    ck_assert_double_eq(q7(z, 5, 0.05), 1.2);
    ck_assert_double_eq(q7(z, 5, 0.5), 2);
    ck_assert_double_eq(q7(z, 5, 0.95), 2.7999999999999998);
    /* R: y <- sin(1:1000); quantile(y, c(.05,.5,.95), type=7)
     *    -0.986706662047102 1.5072176666048407e-05 0.98670222829340226 */
    double *y = malloc(1000 * sizeof *y);
    for (int i = 0; i < 1000; i++)
        y[i] = sin(i + 1.0);
    for (int i = 1; i < 1000; i++) /* insertion sort: no library in the way */
        for (int j = i; j > 0 && y[j - 1] > y[j]; j--) {
            double t = y[j];
            y[j] = y[j - 1];
            y[j - 1] = t;
        }
    ck_assert_rel(q7(y, 1000, 0.05), -0.986706662047102, 1e-14);
    ck_assert_rel(q7(y, 1000, 0.5), 1.5072176666048407e-05, 1e-10);
    ck_assert_rel(q7(y, 1000, 0.95), 0.98670222829340226, 1e-14);
    free(y);
    double one = 7;
    ck_assert_double_eq(q7(&one, 1, 0.95), 7);
    ck_assert(isnan(q7(NULL, 0, 0.5)));
}
END_TEST

/* quantile(x, p, type = 7) in place: R's own arithmetic, x reordered.
 * R: quantile(c(3.1, 1.2, 2.7, 1.2, 9.9, 0.4), c(.05, .25, .5, .75, .95)) =
 *    0.6, 1.2, 1.95, 3.0, 8.2 (print(..., digits = 17): the literals below,
 *    equal to R's bit for bit) */
START_TEST(test_quantiles_inplace)
{
    double x[6] = {3.1, 1.2, 2.7, 1.2, 9.9, 0.4};
    const double probs[5] = {.05, .25, .5, .75, .95};
    const double want[5] = {0.60000000000000009, 1.2, 1.9500000000000002, 3,
                            8.2000000000000011};
    double q[5];
    ck_assert_int_eq(ll_stats_quantiles_inplace(q, x, 6, probs, 5, NULL), 0);
    for (int i = 0; i < 5; i++)
        ck_assert_msg(q[i] == want[i], "p %g: %.17g, want %.17g", probs[i], q[i], want[i]);
    double one = 7;
    ck_assert_int_eq(ll_stats_quantiles_inplace(q, &one, 1, probs, 5, NULL), 0);
    ck_assert(q[0] == 7 && q[4] == 7);
    ck_assert_int_eq(ll_stats_quantiles_inplace(q, x, 0, probs, 1, NULL), LL_EDOM);
    ck_assert(isnan(q[0]));
}
END_TEST

/* sqrt(c' Sigma c).  R: cc <- c(2, -1, 0.5); S <- matrix(c(0.04, 0.01, 0,
 * 0.01, 0.09, -0.02, 0, -0.02, 0.25), 3); sqrt(drop(t(cc) %*% S %*% cc)) */
START_TEST(test_lincomb_se)
{
    const double c[3] = {2, -1, 0.5};
    const double S[9] = {0.04, 0.01, 0, 0.01, 0.09, -0.02, 0, -0.02, 0.25};
    const double neg[1] = {-1e-18}, one[1] = {1};
    ck_assert_rel(ll_stats_lincomb_se(c, S, 3), 0.54083269131959832, 1e-14);
    /* a rounding-negative variance is 0 */
    ck_assert_abs(ll_stats_lincomb_se(one, neg, 1), 0, 0);
}
END_TEST

/* The crude effects of the costs module: mean and SE of one sample with
 * NaNs left out, and the unpooled difference of two.  R:
 *   x <- na.omit(c(1, 2, NA, 4, 7.5)); z <- c(3, 0.5, 2, 2.25)
 *   mean(x); var(x); sqrt(var(x) / 4); t.test(x, z)$stderr
 *   b <- na.omit(c(1, 0, 1, NA, 1)); p <- mean(b); p * (1 - p); sqrt(p * (1 - p) / 4) */
START_TEST(test_mean_se_diff)
{
    const double x[5] = {1, 2, NAN, 4, 7.5}, z[4] = {3, 0.5, 2, 2.25}, b[5] = {1, 0, 1, NAN, 1};
    ll_stats_mean_se mx, mz, mb, one;
    double d, se;
    ll_stats_mean_se_of(&mx, x, 5, 0);
    ck_assert_uint_eq(mx.n, 4);
    ck_assert_rel(mx.mean, 3.625, 1e-15);
    ck_assert_rel(mx.var, 8.2291666666666661, 1e-14);
    ck_assert_rel(mx.se, 1.4343262065048754, 1e-14);
    ll_stats_mean_se_of(&mz, z, 4, 0);
    ck_assert_int_eq(ll_stats_mean_diff(&d, &se, &mx, &mz), 0);
    ck_assert_rel(d, 1.6875, 1e-14);
    ck_assert_rel(se, 1.5270989653588269, 1e-14);
    ll_stats_mean_se_of(&mb, b, 5, 1);
    ck_assert_uint_eq(mb.n, 4);
    ck_assert_rel(mb.mean, 0.75, 1e-15);
    ck_assert_rel(mb.var, 0.1875, 1e-15);
    ck_assert_rel(mb.se, 0.21650635094610965, 1e-14);
    /* one value: a mean, no SE, no difference */
    ll_stats_mean_se_of(&one, x + 3, 1, 0);
    ck_assert_rel(one.mean, 4, 0);
    ck_assert(isnan(one.var) && isnan(one.se));
    ck_assert_int_eq(ll_stats_mean_diff(&d, &se, &mx, &one), LL_EDOM);
    ck_assert(isnan(d) && isnan(se));
    /* no value at all */
    ll_stats_mean_se_of(&one, x + 2, 1, 0);
    ck_assert_uint_eq(one.n, 0);
    ck_assert(isnan(one.mean));
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {
        test_mean_var_sd, test_median_quantile, test_wilson, test_prop2, test_risk_ratio,
        test_evalue, test_fisher, test_prop2_fisher_not_computable, test_mde, test_example_binary_rows, test_ttest_one,
        test_ttest_paired, test_ttest_welch, test_wilcoxon, test_smd, test_quantiles_inplace,
        quantile_type7_matches_r, test_mean_se_diff, test_lincomb_se, NULL};
    return tu_suite("stats", tests, 0);
}
