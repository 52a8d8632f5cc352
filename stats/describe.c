/* Descriptive statistics as R computes them: mean, var/sd, median and
 * quantile type 7.  Sums are accumulated in long double, as R does, so that
 * results agree with R to the last bits on ordinary data. */
#include "lleval/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_data(const double *x, size_t n, const char *what, ll_error *err)
{
    if (n > 0 && x == NULL)
        return ll_error_set(err, LL_EINPUT, "%s: no data array", what);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return ll_error_set(err, LL_EINPUT, "%s: value %zu is not finite", what, i + 1);
    return 0;
}

/* R's mean.default: the long double mean, refined by the mean residual. */
static double mean_r(const double *x, size_t n)
{
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    s /= (long double)n;
    long double t = 0.0L;
    for (size_t i = 0; i < n; i++)
        t += x[i] - s;
    return (double)(s + t / (long double)n);
}

static double var_r(const double *x, size_t n)
{
    double m = mean_r(x, n);
    long double ss = 0.0L;
    for (size_t i = 0; i < n; i++) {
        long double d = (long double)x[i] - m;
        ss += d * d;
    }
    return (double)(ss / (long double)(n - 1));
}

int ll_stats_mean(double *out, const double *x, size_t n, ll_error *err)
{
    *out = NAN;
    int rc = check_data(x, n, "mean", err);
    if (rc)
        return rc;
    if (n == 0)
        return ll_error_set(err, LL_EDOM, "mean: no values");
    *out = mean_r(x, n);
    return 0;
}

int ll_stats_var(double *out, const double *x, size_t n, ll_error *err)
{
    *out = NAN;
    int rc = check_data(x, n, "var", err);
    if (rc)
        return rc;
    if (n < 2)
        return ll_error_set(err, LL_EDOM, "var: %zu value(s), need at least 2", n);
    *out = var_r(x, n);
    return 0;
}

int ll_stats_sd(double *out, const double *x, size_t n, ll_error *err)
{
    int rc = ll_stats_var(out, x, n, err);
    if (rc == 0)
        *out = sqrt(*out);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A sorted copy of x, owned by the caller (free). */
static int sorted_copy(double **out, const double *x, size_t n, const char *what, ll_error *err)
{
    *out = malloc(n * sizeof **out);
    if (*out == NULL)
        return ll_error_set(err, LL_ENOMEM, "%s: out of memory for %zu values", what, n);
    memcpy(*out, x, n * sizeof **out);
    qsort(*out, n, sizeof **out, cmp_double);
    return 0;
}

/* R's type 7: index h = 1 + (n - 1) p; interpolate only when the two
 * neighbours differ, so that equal neighbours give exactly that value. */
/* Type 7 with quantile.default's own arithmetic: 1-based index
 * 1 + (n - 1) p, then (1 - h) x[lo] + h x[hi] where they differ.  at(k, ctx)
 * gives the k-th smallest value (from 0). */
static double quantile7_by(double (*at)(size_t, void *), void *ctx, size_t n, double prob)
{
    double index = 1 + (double)(n - 1) * prob;
    double lo = floor(index), hi = ceil(index);
    double q = at((size_t)lo - 1, ctx);
    if (index > lo) {
        double xhi = at((size_t)hi - 1, ctx);
        if (xhi != q) {
            double h = index - lo;
            q = (1 - h) * q + h * xhi;
        }
    }
    return q;
}

static double at_sorted(size_t k, void *ctx)
{
    return ((const double *)ctx)[k];
}

static double quantile7(const double *s, size_t n, double prob)
{
    return quantile7_by(at_sorted, (void *)s, n, prob);
}

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* The k-th smallest of v[0..n) (from 0), reordering v so that every value
 * after position k is at least it and every one before at most it.
 * Quickselect with a three-way partition: runs of equal values (integer
 * covariates) cost O(n). */
typedef struct select_ctx {
    double *v;
    size_t n;
} select_ctx;

static double at_select(size_t k, void *ctx)
{
    select_ctx *c = ctx;
    double *v = c->v;
    size_t lo = 0, hi = c->n;
    while (hi - lo > 1) {
        double a = v[lo], b = v[lo + (hi - lo) / 2], d = v[hi - 1];
        double pivot = a < b ? (b < d ? b : a < d ? d : a) : (a < d ? a : b < d ? d : b);
        size_t lt = lo, i = lo, gt = hi; /* [lo,lt) < pivot, [lt,i) == pivot, [gt,hi) > pivot */
        while (i < gt) {
            if (v[i] < pivot)
                swap_d(&v[lt++], &v[i++]);
            else if (v[i] > pivot)
                swap_d(&v[i], &v[--gt]);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return pivot;
    }
    return v[lo];
}

static int check_prob(double prob, ll_error *err)
{
    if (!(prob >= 0 && prob <= 1))
        return ll_error_set(err, LL_EINPUT, "quantile: probability %g not in [0, 1]", prob);
    return 0;
}

int ll_stats_quantile_sorted(double *out, const double *sorted, size_t n, double prob,
                             ll_error *err)
{
    *out = NAN;
    int rc = check_data(sorted, n, "quantile", err);
    if (rc == 0)
        rc = check_prob(prob, err);
    if (rc)
        return rc;
    if (n == 0)
        return ll_error_set(err, LL_EDOM, "quantile: no values");
    *out = quantile7(sorted, n, prob);
    return 0;
}

int ll_stats_quantiles(double *out, const double *x, size_t n, const double *probs, size_t nprob,
                       ll_error *err)
{
    for (size_t i = 0; i < nprob; i++)
        out[i] = NAN;
    double *s = malloc((n + 1) * sizeof *s);
    if (s == NULL)
        return ll_error_set(err, LL_ENOMEM, "quantile: out of memory for %zu values", n);
    if (n > 0 && x != NULL)
        memcpy(s, x, n * sizeof *s);
    int rc = ll_stats_quantiles_inplace(out, n > 0 && x == NULL ? NULL : s, n, probs, nprob, err);
    free(s);
    return rc;
}

int ll_stats_quantiles_inplace(double *out, double *x, size_t n, const double *probs,
                               size_t nprob, ll_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < nprob; i++)
        out[i] = NAN;
    if (nprob > 0 && probs == NULL)
        return ll_error_set(err, LL_EINPUT, "quantile: no probabilities");
    if ((rc = check_data(x, n, "quantile", err)) != 0)
        return rc;
    for (size_t i = 0; i < nprob; i++)
        if ((rc = check_prob(probs[i], err)) != 0)
            return rc;
    if (n == 0)
        return ll_error_set(err, LL_EDOM, "quantile: no values");
    select_ctx c = {x, n};
    for (size_t i = 0; i < nprob; i++)
        out[i] = quantile7_by(at_select, &c, n, probs[i]);
    return 0;
}

int ll_stats_quantile(double *out, const double *x, size_t n, double prob, ll_error *err)
{
    return ll_stats_quantiles(out, x, n, &prob, 1, err);
}

/* R's median.default: the mean of the two middle values, summed first. */
int ll_stats_median(double *out, const double *x, size_t n, ll_error *err)
{
    double *s = NULL;
    int rc;
    *out = NAN;
    if ((rc = check_data(x, n, "median", err)) != 0)
        return rc;
    if (n == 0)
        return ll_error_set(err, LL_EDOM, "median: no values");
    if ((rc = sorted_copy(&s, x, n, "median", err)) != 0)
        return rc;
    size_t half = (n + 1) / 2;
    if (n % 2 == 1)
        *out = s[half - 1];
    else
        *out = (double)(((long double)s[half - 1] + s[half]) / 2.0L);
    free(s);
    return 0;
}
