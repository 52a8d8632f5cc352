/* Proportions and their contrasts (SPEC section 6, binary outcomes):
 * Wilson interval, risk difference with Newcombe's interval and the
 * chi-square test of prop.test, risk ratio, E-value and the minimum
 * detectable difference.  Formulas follow R's prop.test source line by
 * line so that results agree to the last bits. */
#include "lleval/stats.h"

#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>

static int check_counts(long x, long n, const char *what, ll_error *err)
{
    if (n < 0 || x < 0 || x > n)
        return ll_error_set(err, LL_EINPUT, "%s: need 0 <= x <= n, got x = %ld, n = %ld", what, x,
                            n);
    return 0;
}

static int check_level(double level, const char *what, ll_error *err)
{
    if (!(level > 0 && level < 1))
        return ll_error_set(err, LL_EINPUT, "%s: level %g not in (0, 1)", what, level);
    return 0;
}

static void ci_nan(ll_stats_ci *out)
{
    out->estimate = out->conf_low = out->conf_high = NAN;
}

/* prop.test's one-sample interval with YATES = 0. */
static void wilson(ll_stats_ci *out, long x, long n, double z)
{
    double nn = (double)n, est = (double)x / nn;
    double z22n = z * z / (2 * nn);
    double half = z * sqrt(est * (1 - est) / nn + z22n / (2 * nn));
    double up = est >= 1 ? 1 : (est + z22n + half) / (1 + 2 * z22n);
    double lo = est <= 0 ? 0 : (est + z22n - half) / (1 + 2 * z22n);
    out->estimate = est;
    out->conf_low = fmax(lo, 0);
    out->conf_high = fmin(up, 1);
}

int ll_stats_wilson(ll_stats_ci *out, long x, long n, double level, ll_error *err)
{
    int rc;
    ci_nan(out);
    if ((rc = check_counts(x, n, "wilson", err)) != 0 ||
        (rc = check_level(level, "wilson", err)) != 0)
        return rc;
    if (n == 0)
        return ll_error_set(err, LL_EDOM, "wilson: n = 0");
    wilson(out, x, n, gsl_cdf_ugaussian_Pinv((1 + level) / 2));
    return 0;
}

static void prop2_nan(ll_stats_prop2 *out)
{
    out->p_t = out->p_c = out->estimate = out->statistic = out->p_value = NAN;
    out->conf_low = out->conf_high = NAN;
}

/* sum((x - E)^2 / E) over the 2 x 2 table, E = n p and n (1 - p) with the
 * pooled p, as prop.test. */
static double pearson_x2(long x_t, long n_t, long x_c, long n_c)
{
    double p = (double)(x_t + x_c) / (double)(n_t + n_c);
    double obs[4] = {(double)x_t, (double)x_c, (double)(n_t - x_t), (double)(n_c - x_c)};
    double exp_[4] = {n_t * p, n_c * p, n_t * (1 - p), n_c * (1 - p)};
    double s = 0;
    for (int i = 0; i < 4; i++)
        s += (obs[i] - exp_[i]) * (obs[i] - exp_[i]) / exp_[i];
    return s;
}

int ll_stats_prop2_compute(ll_stats_prop2 *out, long x_t, long n_t, long x_c, long n_c,
                           double level, ll_error *err)
{
    int rc;
    prop2_nan(out);
    if ((rc = check_counts(x_t, n_t, "prop2 (treated)", err)) != 0 ||
        (rc = check_counts(x_c, n_c, "prop2 (comparison)", err)) != 0 ||
        (rc = check_level(level, "prop2", err)) != 0)
        return rc;
    if (n_t == 0 || n_c == 0)
        return ll_error_set(err, LL_EDOM, "prop2: a group has no children");
    if (x_t + x_c == 0 || x_t + x_c == n_t + n_c)
        return ll_error_set(err, LL_EDOM, "prop2: %s child has the event",
                            x_t + x_c == 0 ? "no" : "every");
    double z = gsl_cdf_ugaussian_Pinv((1 + level) / 2);
    ll_stats_ci wt, wc;
    wilson(&wt, x_t, n_t, z);
    wilson(&wc, x_c, n_c, z);
    double d = wt.estimate - wc.estimate;
    double dl = hypot(wt.estimate - wt.conf_low, wc.conf_high - wc.estimate);
    double du = hypot(wt.conf_high - wt.estimate, wc.estimate - wc.conf_low);
    out->p_t = wt.estimate;
    out->p_c = wc.estimate;
    out->estimate = d;
    out->conf_low = d - dl;
    out->conf_high = d + du;
    out->statistic = pearson_x2(x_t, n_t, x_c, n_c);
    /* pchisq(s, 1, lower = FALSE) = 2 pnorm(-sqrt(s)), accurate in the tail. */
    out->p_value = erfc(sqrt(out->statistic / 2));
    return 0;
}

int ll_stats_risk_ratio(ll_stats_ci *out, long x_t, long n_t, long x_c, long n_c, double z,
                        ll_error *err)
{
    int rc;
    ci_nan(out);
    if ((rc = check_counts(x_t, n_t, "risk ratio (treated)", err)) != 0 ||
        (rc = check_counts(x_c, n_c, "risk ratio (comparison)", err)) != 0)
        return rc;
    if (!(z > 0 && isfinite(z)))
        return ll_error_set(err, LL_EINPUT, "risk ratio: multiplier %g not positive", z);
    if (n_t == 0 || n_c == 0)
        return ll_error_set(err, LL_EDOM, "risk ratio: a group has no children");
    if (x_t == 0 || x_c == 0)
        return ll_error_set(err, LL_EDOM, "risk ratio: no events in the %s group",
                            x_t == 0 ? "treated" : "comparison");
    double rr = ((double)x_t / (double)n_t) / ((double)x_c / (double)n_c);
    double se = sqrt(1.0 / x_t - 1.0 / n_t + 1.0 / x_c - 1.0 / n_c);
    out->estimate = rr;
    out->conf_low = exp(log(rr) - z * se);
    out->conf_high = exp(log(rr) + z * se);
    return 0;
}

static double evalue(double rr)
{
    double r = rr < 1 ? 1 / rr : rr;
    return r + sqrt(r * (r - 1));
}

int ll_stats_evalue(double *out, double rr, ll_error *err)
{
    *out = NAN;
    if (!(rr > 0 && isfinite(rr)))
        return ll_error_set(err, LL_EDOM, "E-value: risk ratio %g not finite and positive", rr);
    *out = evalue(rr);
    return 0;
}

int ll_stats_evalue_ci(double *out, double conf_low, double conf_high, ll_error *err)
{
    *out = NAN;
    if (!(conf_low > 0 && isfinite(conf_high) && conf_low <= conf_high))
        return ll_error_set(err, LL_EDOM, "E-value: interval (%g, %g) not finite, positive, ordered",
                            conf_low, conf_high);
    if (conf_low <= 1 && conf_high >= 1)
        *out = 1;
    else
        *out = evalue(conf_low > 1 ? conf_low : conf_high);
    return 0;
}

/* The MDE equation, as f(d) = d - (right-hand side). */
typedef struct mde_eq {
    double n_t, n_c, p_c, z_a, z_b;
} mde_eq;

static double mde_f(double d, void *params)
{
    const mde_eq *q = params;
    double p1 = q->p_c + d;
    double pbar = (q->n_t * p1 + q->n_c * q->p_c) / (q->n_t + q->n_c);
    double a = q->z_a * sqrt(pbar * (1 - pbar) * (1 / q->n_t + 1 / q->n_c));
    double b = q->z_b * sqrt(p1 * (1 - p1) / q->n_t + q->p_c * (1 - q->p_c) / q->n_c);
    return d - (a + b);
}

static int brent(double *root, gsl_function *f, double lo, double hi, ll_error *err)
{
    return ll_stats_brent(root, f, lo, hi, 1e-300, "mde", err);
}

/* Brackets the smallest sign change of f on (0, top]: a grid, then the
 * root in the first cell where f turns non-negative. */
static int mde_bracket(double *lo, double *hi, gsl_function *f, double top)
{
    enum { GRID = 1024 };
    double prev = 0;
    if (GSL_FN_EVAL(f, 0) >= 0) { /* p_c = 0: f(0) = 0; start where f < 0 */
        prev = top / GRID;
        for (int j = 0; j < 2000 && GSL_FN_EVAL(f, prev) >= 0; j++)
            prev /= 2;
        if (GSL_FN_EVAL(f, prev) >= 0)
            return -1;
    }
    for (int k = 1; k <= GRID; k++) {
        double d = k == GRID ? top : top * k / GRID;
        if (d <= prev)
            continue;
        if (GSL_FN_EVAL(f, d) >= 0) {
            *lo = prev;
            *hi = d;
            return 0;
        }
        prev = d;
    }
    return -1;
}

int ll_stats_mde(double *out, long n_t, long x_c, long n_c, double level, double power,
                 ll_error *err)
{
    int rc;
    *out = NAN;
    if (n_t < 0 || (rc = check_counts(x_c, n_c, "mde", err)) != 0)
        return n_t < 0 ? ll_error_set(err, LL_EINPUT, "mde: n_t = %ld", n_t) : rc;
    if ((rc = check_level(level, "mde", err)) != 0 ||
        (rc = check_level(power, "mde (power)", err)) != 0)
        return rc;
    if (n_t == 0 || n_c == 0)
        return ll_error_set(err, LL_EDOM, "mde: a group has no children");
    if (x_c == n_c)
        return ll_error_set(err, LL_EDOM, "mde: every comparison child has the event");
    mde_eq q = {(double)n_t, (double)n_c, (double)x_c / (double)n_c,
                gsl_cdf_ugaussian_Pinv((1 + level) / 2), gsl_cdf_ugaussian_Pinv(power)};
    gsl_function f = {mde_f, &q};
    double top = 1 - q.p_c, lo, hi;
    if (mde_bracket(&lo, &hi, &f, top) != 0)
        return ll_error_set(err, LL_EDOM, "mde: no detectable difference below 1 - p_c");
    if (GSL_FN_EVAL(&f, hi) == 0) {
        *out = hi;
        return 0;
    }
    if ((rc = brent(out, &f, lo, hi, err)) != 0)
        *out = NAN;
    return rc;
}
