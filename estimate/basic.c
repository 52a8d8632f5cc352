/* Rows computed by the basic estimators of the statistics library:
 * proportions, binary contrasts, t-based rows, medians, Wilcoxon.  Each
 * row is either filled or says why it cannot be computed. */
#include "estimate_internal.h"

#include "lleval/stats.h"

#include <math.h>
#include <string.h>

static void not_computable(ll_estimate *r, const char *why)
{
    est_method(r, "not computable: %s", why);
}

void est_proportion(ll_estimate *r, long x, long n, const char *method)
{
    ll_stats_ci ci;
    r->n = n;
    r->events = x;
    if (n < 2) {
        not_computable(r, "fewer than 2 children with the outcome");
        return;
    }
    if (ll_stats_wilson(&ci, x, n, 0.95, NULL) != LL_OK) {
        not_computable(r, "Wilson interval undefined");
        return;
    }
    r->estimate = ci.estimate;
    r->conf_low = ci.conf_low;
    r->conf_high = ci.conf_high;
    est_method(r, "%s", method);
}

const char *est_binary_why(const est_two *b)
{
    if (b->nt < 2 || b->nc < 2)
        return "not computable: fewer than 2 children with the outcome in a group";
    if (b->xt + b->xc == 0)
        return "not computable: no child in either group has the event";
    if (b->xt + b->xc == b->nt + b->nc)
        return "not computable: every child in both groups has the event";
    return NULL;
}

static void risk_difference(ll_estimate *r, const est_two *b)
{
    ll_stats_prop2 p;
    if (ll_stats_prop2_compute(&p, b->xt, b->nt, b->xc, b->nc, 0.95, NULL) != LL_OK) {
        not_computable(r, "the two-sample test is undefined");
        return;
    }
    est_set(r, p.estimate, r->std_error, p.statistic, p.p_value, p.conf_low, p.conf_high);
    est_method(r, "p_t - p_c; Newcombe hybrid score CI (method 10) from Wilson intervals; "
                  "X-squared and p from prop.test(c(x_t,x_c), c(n_t,n_c), correct=FALSE)");
}

/* Risk ratio and its two E-values; rr[0] the ratio, rr[1..2] E-values. */
static void risk_ratio(ll_estimate *rr, ll_estimate *ep, ll_estimate *ec, const est_two *b,
                       double p_value)
{
    ll_stats_ci ci;
    double e1, e2;
    if (b->xt == 0 || b->xc == 0 ||
        ll_stats_risk_ratio(&ci, b->xt, b->nt, b->xc, b->nc, LL_STATS_Z_RR, NULL) != LL_OK ||
        ll_stats_evalue(&e1, ci.estimate, NULL) != LL_OK ||
        ll_stats_evalue_ci(&e2, ci.conf_low, ci.conf_high, NULL) != LL_OK) {
        const char *why = "a group has no events, so the risk ratio is 0 or infinite";
        not_computable(rr, why);
        not_computable(ep, why);
        not_computable(ec, why);
        return;
    }
    est_set(rr, ci.estimate, rr->std_error, rr->statistic, p_value, ci.conf_low, ci.conf_high);
    est_method(rr, "p_t / p_c; CI exp(log RR +/- 1.959964 sqrt(1/x_t - 1/n_t + 1/x_c - 1/n_c)); "
                   "p from prop.test as risk_difference");
    ep->estimate = e1;
    est_method(ep, "E-value of the risk ratio (VanderWeele & Ding 2017): RR* + sqrt(RR*(RR*-1)), "
                   "RR* = max(RR, 1/RR)");
    ec->estimate = e2;
    est_method(ec, "E-value of the confidence limit nearer 1 (1 when the interval contains 1)");
}

static void odds_ratio(ll_estimate *r, const est_two *b)
{
    ll_stats_fisher f;
    if (ll_stats_fisher_compute(&f, b->xt, b->nt, b->xc, b->nc, 0.95, NULL) != LL_OK) {
        not_computable(r, "Fisher's exact test is undefined");
        return;
    }
    est_set(r, f.estimate, r->std_error, r->statistic, f.p_value, f.conf_low, f.conf_high);
    est_method(r, "Fisher's exact test, conditional MLE: fisher.test(matrix(c(x_t, n_t-x_t, x_c, "
                  "n_c-x_c), 2)) with its root finding to full precision; exact conditional CI");
}

void est_contrasts(ll_estimate *rows[5], const est_two *b)
{
    const char *why = est_binary_why(b);
    if (why) {
        for (int k = 0; k < 5; k++)
            est_method(rows[k], "%s", why);
        return;
    }
    risk_difference(rows[0], b);
    risk_ratio(rows[1], rows[2], rows[3], b, rows[0]->p_value);
    odds_ratio(rows[4], b);
}

void est_risk_difference(ll_estimate *r, const est_two *b, const char *method)
{
    r->n = b->nt + b->nc;
    r->events = b->xt + b->xc;
    const char *why = est_binary_why(b);
    if (why) {
        est_method(r, "%s", why);
        return;
    }
    risk_difference(r, b);
    if (!isnan(r->estimate))
        est_method(r, "%s", method);
}

void est_mde(ll_estimate *r, const est_two *b)
{
    const char *why = est_binary_why(b);
    double d;
    if (why) {
        est_method(r, "%s", why);
        return;
    }
    if (ll_stats_mde(&d, b->nt, b->xc, b->nc, 0.95, 0.8, NULL) != LL_OK) {
        not_computable(r, "no detectable difference below 1 - p_c");
        return;
    }
    r->estimate = d;
    est_method(r, "minimum detectable difference, 80%% power, two-sided 5%%: smallest d = p1 - p_c "
                  "> 0 with d = z_.975 sqrt(pbar(1-pbar)(1/n_t+1/n_c)) + z_.8 sqrt(p1(1-p1)/n_t + "
                  "p_c(1-p_c)/n_c)");
}

static void fill_t(ll_estimate *r, const ll_stats_ttest *t)
{
    est_set(r, t->estimate, t->std_error, t->statistic, t->p_value, t->conf_low, t->conf_high);
}

static const char *t_why(size_t n, int st)
{
    if (n < 2)
        return "fewer than 2 children with the outcome";
    return st == LL_EDOM ? "the data are constant, so the t statistic is undefined"
                         : "the t test failed";
}

void est_mean(ll_estimate *r, const double *v, size_t n)
{
    ll_stats_ttest t;
    r->n = (long)n;
    int st = n < 2 ? LL_EDOM : ll_stats_ttest_one(&t, v, n, 0.95, NULL);
    if (st != LL_OK) {
        not_computable(r, t_why(n, st));
        return;
    }
    fill_t(r, &t);
    est_method(r, "mean; t.test(x)");
}

void est_median(ll_estimate *r, const double *v, size_t n)
{
    double m;
    r->n = (long)n;
    if (n < 2 || ll_stats_median(&m, v, n, NULL) != LL_OK) {
        not_computable(r, "fewer than 2 children with the outcome");
        return;
    }
    r->estimate = m;
    est_method(r, "median(x)");
}

void est_paired(ll_estimate *r, const double *after, const double *before, size_t n,
                const char *method)
{
    ll_stats_ttest t;
    r->n = (long)n;
    int st = n < 2 ? LL_EDOM : ll_stats_ttest_paired(&t, after, before, n, 0.95, NULL);
    if (st != LL_OK) {
        not_computable(r, t_why(n, st));
        return;
    }
    fill_t(r, &t);
    est_method(r, "%s", method);
}

void est_welch(ll_estimate *r, const double *a, size_t na, const double *b, size_t nb,
               const char *method)
{
    ll_stats_ttest t;
    r->n = (long)(na + nb);
    size_t small = na < nb ? na : nb;
    int st = small < 2 ? LL_EDOM : ll_stats_ttest_welch(&t, a, na, b, nb, 0.95, NULL);
    if (st != LL_OK) {
        not_computable(r, small < 2 ? "fewer than 2 children with the outcome in a group"
                                    : t_why(small, st));
        return;
    }
    fill_t(r, &t);
    est_method(r, "%s", method);
}

void est_wilcoxon(ll_estimate *r, const double *after, const double *before, size_t n)
{
    ll_stats_wilcoxon w;
    r->n = (long)n;
    if (n < 2 || ll_stats_wilcoxon_paired(&w, after, before, n, NULL) != LL_OK) {
        not_computable(r, n < 2 ? "fewer than 2 pairs" : "every difference is zero");
        return;
    }
    r->statistic = w.statistic;
    r->p_value = w.p_value;
    est_method(r, "wilcox.test(after, before, paired=TRUE, exact=FALSE, correct=TRUE): V and p");
}
