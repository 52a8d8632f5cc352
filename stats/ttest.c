/* t tests as R's t.test (two-sided, H0: 0): one-sample, paired (one-sample
 * on the differences) and Welch.  The interval is built as t.test builds
 * it, (t -/+ qt) * stderr, so that results agree to the last bits. */
#include "lleval/stats.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

static void ttest_nan(ll_stats_ttest *out)
{
    out->estimate = out->std_error = out->statistic = out->df = NAN;
    out->p_value = out->conf_low = out->conf_high = NAN;
}

static int check_level(double level, ll_error *err)
{
    if (!(level > 0 && level < 1))
        return ll_error_set(err, LL_EINPUT, "t test: level %g not in (0, 1)", level);
    return 0;
}

/* Fills the test from estimate, stderr and df. */
static void ttest_finish(ll_stats_ttest *out, double est, double se, double df, double level)
{
    double t = est / se;
    double q = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, df);
    out->estimate = est;
    out->std_error = se;
    out->statistic = t;
    out->df = df;
    out->p_value = 2 * gsl_cdf_tdist_P(-fabs(t), df);
    out->conf_low = (t - q) * se;
    out->conf_high = (t + q) * se;
}

int ll_stats_ttest_one(ll_stats_ttest *out, const double *x, size_t n, double level, ll_error *err)
{
    double mx, vx;
    int rc;
    ttest_nan(out);
    if ((rc = check_level(level, err)) != 0)
        return rc;
    if (n < 2) {
        if (n == 1 && x != NULL && !isfinite(x[0]))
            return ll_error_set(err, LL_EINPUT, "t test: value 1 is not finite");
        return ll_error_set(err, LL_EDOM, "t test: %zu value(s), need at least 2", n);
    }
    if ((rc = ll_stats_mean(&mx, x, n, err)) != 0 || (rc = ll_stats_var(&vx, x, n, err)) != 0)
        return rc;
    double se = sqrt(vx / (double)n);
    if (se == 0 || se < 10 * DBL_EPSILON * fabs(mx))
        return ll_error_set(err, LL_EDOM, "t test: data are essentially constant");
    ttest_finish(out, mx, se, (double)(n - 1), level);
    return 0;
}

int ll_stats_ttest_paired(ll_stats_ttest *out, const double *x, const double *y, size_t n,
                          double level, ll_error *err)
{
    double *d = NULL;
    int rc;
    ttest_nan(out);
    if (n > 0 && (x == NULL || y == NULL))
        return ll_error_set(err, LL_EINPUT, "paired t test: no data array");
    if (n > 0 && (d = malloc(n * sizeof *d)) == NULL)
        return ll_error_set(err, LL_ENOMEM, "paired t test: out of memory");
    for (size_t i = 0; i < n; i++)
        d[i] = x[i] - y[i];
    rc = ll_stats_ttest_one(out, d, n, level, err);
    free(d);
    return rc;
}

int ll_stats_ttest_welch(ll_stats_ttest *out, const double *x, size_t nx, const double *y,
                         size_t ny, double level, ll_error *err)
{
    double mx, my, vx, vy;
    int rc;
    ttest_nan(out);
    if ((rc = check_level(level, err)) != 0)
        return rc;
    if (nx < 2 || ny < 2)
        return ll_error_set(err, LL_EDOM, "Welch t test: %zu and %zu values, need 2 each", nx, ny);
    if ((rc = ll_stats_mean(&mx, x, nx, err)) != 0 || (rc = ll_stats_var(&vx, x, nx, err)) != 0 ||
        (rc = ll_stats_mean(&my, y, ny, err)) != 0 || (rc = ll_stats_var(&vy, y, ny, err)) != 0)
        return rc;
    double sx2 = vx / (double)nx, sy2 = vy / (double)ny;
    double se = sqrt(sx2 + sy2);
    if (se == 0 || se < 10 * DBL_EPSILON * fmax(fabs(mx), fabs(my)))
        return ll_error_set(err, LL_EDOM, "Welch t test: data are essentially constant");
    double df = se * se * se * se / (sx2 * sx2 / (double)(nx - 1) + sy2 * sy2 / (double)(ny - 1));
    ttest_finish(out, mx - my, se, df, level);
    return 0;
}
