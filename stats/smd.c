/* Standardised mean differences and variance ratios for covariate balance
 * (SPEC section 5): continuous covariates use the sample variance (n - 1),
 * binary ones p (1 - p). */
#include "lleval/stats.h"

#include <math.h>

/* Mean and variance of one group by the rule of `type`. */
static int group_stats(double *mean, double *var, const double *x, size_t n,
                       ll_stats_vartype type, const char *group, ll_error *err)
{
    int rc;
    if (type != LL_STATS_CONTINUOUS && type != LL_STATS_BINARY)
        return ll_error_set(err, LL_EINPUT, "SMD: unknown variance type %d", (int)type);
    if (type == LL_STATS_CONTINUOUS && n < 2)
        return ll_error_set(err, LL_EDOM, "SMD: %zu %s value(s), need 2", n, group);
    if (n == 0)
        return ll_error_set(err, LL_EDOM, "SMD: no %s values", group);
    if ((rc = ll_stats_mean(mean, x, n, err)) != 0)
        return rc;
    if (type == LL_STATS_CONTINUOUS)
        return ll_stats_var(var, x, n, err);
    for (size_t i = 0; i < n; i++)
        if (x[i] != 0 && x[i] != 1)
            return ll_error_set(err, LL_EINPUT, "SMD: binary %s value %g is not 0 or 1", group,
                                x[i]);
    *var = *mean * (1 - *mean);
    return 0;
}

static void smd_nan(ll_stats_smd *out)
{
    out->mean_t = out->mean_c = out->var_t = out->var_c = NAN;
    out->denom = out->smd = out->var_ratio = NAN;
}

int ll_stats_smd_compute(ll_stats_smd *out, const double *t, size_t nt, const double *c, size_t nc,
                         ll_stats_vartype type, ll_error *err)
{
    int rc;
    smd_nan(out);
    if ((rc = group_stats(&out->mean_t, &out->var_t, t, nt, type, "treated", err)) != 0 ||
        (rc = group_stats(&out->mean_c, &out->var_c, c, nc, type, "comparison", err)) != 0)
        goto fail;
    out->denom = sqrt((out->var_t + out->var_c) / 2);
    if (out->denom == 0) {
        rc = ll_error_set(err, LL_EDOM, "SMD: both groups are constant");
        goto fail;
    }
    out->smd = (out->mean_t - out->mean_c) / out->denom;
    out->var_ratio = out->var_c > 0 ? out->var_t / out->var_c : INFINITY;
    return 0;
fail:
    smd_nan(out);
    return rc;
}

int ll_stats_smd_with_denom(double *out, const double *t, size_t nt, const double *c, size_t nc,
                            double denom, ll_error *err)
{
    double mt, mc;
    int rc;
    *out = NAN;
    if (!(denom > 0 && isfinite(denom)))
        return ll_error_set(err, LL_EINPUT, "SMD: denominator %g not finite and positive", denom);
    if (nt == 0 || nc == 0)
        return ll_error_set(err, LL_EDOM, "SMD: no %s values", nt == 0 ? "treated" : "comparison");
    if ((rc = ll_stats_mean(&mt, t, nt, err)) != 0 || (rc = ll_stats_mean(&mc, c, nc, err)) != 0)
        return rc;
    *out = (mt - mc) / denom;
    return 0;
}

int ll_stats_var_ratio(double *out, const double *t, size_t nt, const double *c, size_t nc,
                       ll_stats_vartype type, ll_error *err)
{
    double mt, vt, mc, vc;
    int rc;
    *out = NAN;
    if ((rc = group_stats(&mt, &vt, t, nt, type, "treated", err)) != 0 ||
        (rc = group_stats(&mc, &vc, c, nc, type, "comparison", err)) != 0)
        return rc;
    if (vc == 0)
        return ll_error_set(err, LL_EDOM, "variance ratio: the comparison group is constant");
    *out = vt / vc;
    return 0;
}
