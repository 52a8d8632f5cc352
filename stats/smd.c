/* Column moments, the mean of a sample with its standard error and the
 * unpooled difference of two such means (the crude effects of SPEC 7),
 * the standard error of a linear combination of estimates,
 * and the standardised mean differences and variance ratios of covariate
 * balance (SPEC section 5): continuous covariates use the sample variance
 * (n - 1), binary ones p (1 - p). */
#include "lleval/stats.h"

#include <math.h>

void ll_stats_col_moments(double *mean, double *var, size_t *used, const double *x, size_t n,
                          size_t ncol, const unsigned char *binary, int skip_na)
{
    size_t *k = used;
    for (size_t j = 0; j < ncol; j++) {
        mean[j] = var[j] = 0.0;
        if (k)
            k[j] = skip_na ? 0 : n;
    }
    for (size_t i = 0; i < n; i++) {
        const double *r = x + i * ncol;
        for (size_t j = 0; j < ncol; j++) {
            if (skip_na && isnan(r[j]))
                continue;
            mean[j] += r[j];
            if (skip_na)
                k[j]++;
        }
    }
    for (size_t j = 0; j < ncol; j++) {
        size_t m = skip_na ? k[j] : n;
        mean[j] = m ? mean[j] / (double)m : NAN;
    }
    for (size_t i = 0; i < n; i++) {
        const double *r = x + i * ncol;
        for (size_t j = 0; j < ncol; j++)
            if (!(skip_na && isnan(r[j])))
                var[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
    }
    for (size_t j = 0; j < ncol; j++) {
        size_t m = skip_na ? k[j] : n;
        if (binary != NULL && binary[j])
            var[j] = mean[j] * (1.0 - mean[j]);
        else
            var[j] = m > 1 ? var[j] / (double)(m - 1) : NAN;
    }
}

void ll_stats_mean_se_of(ll_stats_mean_se *out, const double *x, size_t n, int binary)
{
    const unsigned char bin = binary != 0;
    ll_stats_col_moments(&out->mean, &out->var, &out->n, x, n, 1, &bin, 1);
    out->se = out->n >= 2 ? sqrt(out->var / (double)out->n) : NAN;
}

int ll_stats_mean_diff(double *out, double *se, const ll_stats_mean_se *a,
                       const ll_stats_mean_se *b)
{
    *out = *se = NAN;
    if (a->n < 2 || b->n < 2)
        return LL_EDOM;
    *out = a->mean - b->mean;
    *se = sqrt(a->var / (double)a->n + b->var / (double)b->n);
    return 0;
}

double ll_stats_lincomb_se(const double *c, const double *cov, size_t k)
{
    double v = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            v += c[i] * cov[i * k + j] * c[j];
    return sqrt(fmax(v, 0));
}

double ll_stats_smd_value(double diff, double denom)
{
    if (denom > 0 || isnan(diff) || isnan(denom))
        return denom > 0 ? diff / denom : NAN;
    return diff != 0.0 ? copysign(INFINITY, diff) : NAN;
}

double ll_stats_smd(double mean_t, double mean_c, double var_t, double var_c)
{
    return ll_stats_smd_value(mean_t - mean_c, sqrt((var_t + var_c) / 2.0));
}

double ll_stats_smd_binary(double p_t, double p_c, double b_t, double b_c)
{
    return ll_stats_smd(p_t, p_c, b_t * (1 - b_t), b_c * (1 - b_c));
}

double ll_stats_var_ratio_value(double var_t, double var_c)
{
    if (var_c > 0)
        return var_t / var_c;
    return var_c == 0.0 && var_t > 0 ? INFINITY : NAN;
}
