/* Meta-analysis for pooling authorities (SPEC section 10): fixed effect,
 * REML random effects by metafor's Fisher scoring, and the Mantel-Haenszel
 * risk difference with Sato's variance.  Intercept-only models, so the
 * matrices of metafor's general code reduce to sums over the studies. */
#include "lleval/meta.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static void meta_nan(ll_meta_result *out)
{
    out->k = 0;
    out->estimate = out->std_error = out->statistic = out->p_value = NAN;
    out->conf_low = out->conf_high = out->tau2 = out->i2 = NAN;
    out->q = out->q_df = out->q_p_value = NAN;
    out->iterations = 0;
}

/* z, p and the 95% interval of metafor's test = "z". */
static void meta_wald(ll_meta_result *out, double est, double se)
{
    double z975 = gsl_cdf_ugaussian_Pinv(0.975);
    out->estimate = est;
    out->std_error = se;
    out->statistic = est / se;
    out->p_value = 2 * gsl_cdf_ugaussian_P(-fabs(out->statistic));
    out->conf_low = est - z975 * se;
    out->conf_high = est + z975 * se;
}

/* The start of both inverse-variance models: *out all NAN (what a
 * failure leaves), then the data checked. */
static int iv_begin(ll_meta_result *out, const double *y, const double *se, size_t k,
                    ll_error *err)
{
    meta_nan(out);
    if (y == NULL || se == NULL)
        return ll_error_set(err, LL_EINPUT, "meta-analysis: no data");
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(y[i]))
            return ll_error_set(err, LL_EINPUT, "meta-analysis: estimate %zu is not finite",
                                i + 1);
        if (!(isfinite(se[i]) && se[i] > 0))
            return ll_error_set(err, LL_EINPUT,
                                "meta-analysis: standard error %zu is not a positive number",
                                i + 1);
    }
    if (k < 2)
        return ll_error_set(err, LL_EDOM, "meta-analysis: %zu estimate(s), need at least 2", k);
    return LL_OK;
}

/* Weighted mean and sum of weights with w_i = 1/(se_i^2 + tau2). */
static double wmean(double *sumw, const double *y, const double *se, size_t k, double tau2)
{
    double sw = 0, swy = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1 / (se[i] * se[i] + tau2);
        sw += w;
        swy += w * y[i];
    }
    *sumw = sw;
    return swy / sw;
}

/* Cochran's Q around the fixed-effect mean, its df and upper-tail p. */
static void cochran_q(ll_meta_result *out, const double *y, const double *se, size_t k)
{
    double sw, m = wmean(&sw, y, se, k, 0), q = 0;
    for (size_t i = 0; i < k; i++)
        q += (y[i] - m) * (y[i] - m) / (se[i] * se[i]);
    out->q = q;
    out->q_df = (double)(k - 1);
    out->q_p_value = gsl_cdf_chisq_Q(q, out->q_df);
}

int ll_meta_fixed(ll_meta_result *out, const double *y, const double *se, size_t k,
                  ll_error *err)
{
    int rc = iv_begin(out, y, se, k, err);
    if (rc != LL_OK)
        return rc;
    double sw, m = wmean(&sw, y, se, k, 0);
    meta_wald(out, m, sqrt(1 / sw));
    cochran_q(out, y, se, k);
    out->k = k;
    out->tau2 = 0;
    /* metafor: max(0, 100 (Q - df) / Q); Q = 0 gives -Inf there, so 0. */
    out->i2 = out->q > 0 ? fmax(0, 100 * (out->q - out->q_df) / out->q) : 0;
    return LL_OK;
}

/* The Fisher scoring step of rma.uni's REML for an intercept-only model:
 * (Y'PPY - tr P) / tr PP with P = W - w w'/sum w, W = diag(w). */
static double reml_step(const double *yc, const double *se, size_t k, double tau2)
{
    double sw = 0, sw2 = 0, sw3 = 0, swy = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1 / (se[i] * se[i] + tau2);
        sw += w;
        sw2 += w * w;
        sw3 += w * w * w;
        swy += w * yc[i];
    }
    double m = swy / sw, ypp = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1 / (se[i] * se[i] + tau2);
        ypp += w * w * (yc[i] - m) * (yc[i] - m); /* (PY)_i = w_i (y_i - m) */
    }
    double trp = sw - sw2 / sw;
    double trpp = sw2 - 2 * sw3 / sw + sw2 * sw2 / (sw * sw);
    return (ypp - trp) / trpp;
}

/* REML restricted log-likelihood (up to the constant), for metafor's
 * check that tau2 = 0 is not better than the point scoring stopped at. */
static double reml_ll(const double *yc, const double *se, size_t k, double tau2)
{
    double sw, m = wmean(&sw, yc, se, k, tau2), ll = 0;
    for (size_t i = 0; i < k; i++) {
        double v = se[i] * se[i] + tau2;
        ll -= 0.5 * (log(v) + (yc[i] - m) * (yc[i] - m) / v);
    }
    return ll - 0.5 * log(sw);
}

/* Hedges' estimator, rma.uni's starting value: (RSS - tr(PV)) / (k - 1)
 * with P the unweighted projection, floored at 0. */
static double hedges_init(const double *yc, const double *se, size_t k)
{
    double rss = 0, sv = 0;
    for (size_t i = 0; i < k; i++) {
        rss += yc[i] * yc[i];
        sv += se[i] * se[i];
    }
    double he = (rss - sv * (1 - 1 / (double)k)) / (double)(k - 1);
    return he > 0 ? he : 0;
}

int ll_meta_reml(ll_meta_result *out, const double *y, const double *se, size_t k,
                 ll_error *err)
{
    int rc = iv_begin(out, y, se, k, err);
    if (rc != LL_OK)
        return rc;
    /* metafor centres y for the iterations (P removes the mean anyway). */
    double ybar = 0;
    for (size_t i = 0; i < k; i++)
        ybar += y[i];
    ybar /= (double)k;
    double *yc = malloc(k * sizeof *yc);
    if (yc == NULL)
        return ll_error_set(err, LL_ENOMEM, "REML: out of memory");
    for (size_t i = 0; i < k; i++)
        yc[i] = y[i] - ybar;
    double tau2 = hedges_init(yc, se, k), change = LL_META_THRESHOLD + 1;
    int iter = 0;
    /* Converged when a step moves tau2 by at most the threshold, or by no
     * more than rounding (a few ulps) when tau2 is large: on a scale of
     * pounds squared the absolute 1e-12 is below one ulp, and the scoring
     * can then alternate between neighbouring doubles. */
    while (change > LL_META_THRESHOLD && change > 8 * DBL_EPSILON * tau2) {
        iter++;
        double old = tau2, adj = reml_step(yc, se, k, tau2);
        if (isnan(adj))
            adj = 0;
        /* Step halving keeps tau2 >= 0; it ends (adj underflows to -0)
         * when tau2 is 0 and the step points below it. */
        while (tau2 + adj < 0)
            adj /= 2;
        tau2 += adj;
        change = fabs(old - tau2);
        if (iter > LL_META_MAXITER) {
            free(yc);
            return ll_error_set(err, LL_ENOCONV,
                                "REML: Fisher scoring did not converge in %d iterations",
                                LL_META_MAXITER);
        }
    }
    /* rma.uni's ll0check (tol = .Machine$double.eps^0.25). */
    if (tau2 > LL_META_THRESHOLD &&
        reml_ll(yc, se, k, 0) - reml_ll(yc, se, k, tau2) > pow(2.220446049250313e-16, 0.25))
        tau2 = 0;
    free(yc);
    tau2 = fmax(0, tau2);
    double sw, m = wmean(&sw, y, se, k, tau2);
    meta_wald(out, m, sqrt(1 / sw));
    cochran_q(out, y, se, k);
    out->k = k;
    out->tau2 = tau2;
    out->iterations = iter;
    /* v~ = (k - 1) / tr(P) at tau2 = 0. */
    double sw0 = 0, sw20 = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1 / (se[i] * se[i]);
        sw0 += w;
        sw20 += w * w;
    }
    double vt = (double)(k - 1) / (sw0 - sw20 / sw0);
    out->i2 = 100 * tau2 / (tau2 + vt);
    return LL_OK;
}

/* Whether table i enters the MH analysis (see the header). */
static int mh_usable(long a, long b, long c, long d)
{
    if (a + b == 0 || c + d == 0)
        return 0;
    if ((a == 0 && c == 0) || (b == 0 && d == 0))
        return 0;
    return 1;
}

void ll_meta_table_rd(double *rd, double *var, long a, long b, long c, long d)
{
    double add = (a == 0 || b == 0 || c == 0 || d == 0) ? 0.5 : 0;
    double A = (double)a + add, B = (double)b + add, C = (double)c + add, D = (double)d + add;
    double n1 = A + B, n2 = C + D, p1 = A / n1, p2 = C / n2;
    *rd = p1 - p2;
    *var = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2;
}

void ll_meta_table_rd_ci(double out[3], long a, long b, long c, long d)
{
    double var;
    ll_meta_table_rd(&out[0], &var, a, b, c, d);
    double se = sqrt(var), z = gsl_cdf_ugaussian_Pinv(0.975);
    out[1] = out[0] - z * se;
    out[2] = out[0] + z * se;
}

int ll_meta_mh_rd(ll_meta_result *out, const long *a, const long *b, const long *c,
                  const long *d, size_t k, int *used, ll_error *err)
{
    meta_nan(out);
    if (a == NULL || b == NULL || c == NULL || d == NULL)
        return ll_error_set(err, LL_EINPUT, "Mantel-Haenszel: no data");
    size_t kept = 0;
    double num = 0, den = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < k; i++) {
        if (a[i] < 0 || b[i] < 0 || c[i] < 0 || d[i] < 0)
            return ll_error_set(err, LL_EINPUT, "Mantel-Haenszel: table %zu has a negative count",
                                i + 1);
        int u = mh_usable(a[i], b[i], c[i], d[i]);
        if (used)
            used[i] = u;
        if (!u)
            continue;
        kept++;
        double A = (double)a[i], B = (double)b[i], C = (double)c[i], D = (double)d[i];
        double n1 = A + B, n2 = C + D, N = n1 + n2;
        num += A * (n2 / N) - C * (n1 / N);
        den += n1 * (n2 / N);
    }
    if (kept == 0)
        return ll_error_set(err, LL_EDOM,
                            "Mantel-Haenszel: no table with events in one arm and not in both");
    double est = num / den;
    /* Sato's variance, in rma.mh's arrangement of the terms. */
    for (size_t i = 0; i < k; i++) {
        if (!mh_usable(a[i], b[i], c[i], d[i]))
            continue;
        double A = (double)a[i], B = (double)b[i], C = (double)c[i], D = (double)d[i];
        double n1 = A + B, n2 = C + D, N = n1 + n2;
        s1 += C * (n1 / N) * (n1 / N) - A * (n2 / N) * (n2 / N) +
              (n1 / N) * (n2 / N) * (n2 - n1) / 2;
        s2 += A * (n2 - C) / N + C * (n1 - A) / N;
    }
    meta_wald(out, est, sqrt((est * s1 + s2 / 2) / (den * den)));
    out->k = kept;
    if (kept == 1) {
        out->q = 0;
        out->q_df = 0;
        out->q_p_value = 1;
        out->i2 = 0;
        return LL_OK;
    }
    double q = 0;
    for (size_t i = 0; i < k; i++) {
        if (!mh_usable(a[i], b[i], c[i], d[i]))
            continue;
        double rd, var;
        ll_meta_table_rd(&rd, &var, a[i], b[i], c[i], d[i]);
        q += (rd - est) * (rd - est) / var;
    }
    out->q = fmax(0, q);
    out->q_df = (double)(kept - 1);
    out->q_p_value = gsl_cdf_chisq_Q(out->q, out->q_df);
    out->i2 = out->q > 0 ? fmax(0, 100 * (out->q - out->q_df) / out->q) : 0;
    return LL_OK;
}
