/* Column moments and the standardised mean differences and variance
 * ratios of covariate balance (SPEC section 5): continuous covariates use
 * the sample variance (n - 1), binary ones p (1 - p). */
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

double ll_stats_smd_value(double diff, double denom)
{
    if (denom > 0 || isnan(diff) || isnan(denom))
        return denom > 0 ? diff / denom : NAN;
    return diff != 0.0 ? copysign(INFINITY, diff) : NAN;
}

double ll_stats_var_ratio_value(double var_t, double var_c)
{
    if (var_c > 0)
        return var_t / var_c;
    return var_c == 0.0 && var_t > 0 ? INFINITY : NAN;
}
