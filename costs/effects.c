/* The effects behind the cost model (SPEC 7), from the outcome columns of
 * the analysis dataset: comparison minus treated, with Welch standard
 * errors, so that a positive effect is a saving. */
#include "lleval/costs.h"

#include "lleval/stats.h"

#include <math.h>
#include <string.h>

/* Mean and sample variance (n - 1) of the non-NA values. */
static void moments(const double *x, size_t n, double *mean, double *var, size_t *k)
{
    ll_stats_col_moments(mean, var, k, x, n, 1, NULL, 1);
}

static void effect_none(ll_costs_effect *e)
{
    e->estimate = e->std_error = NAN;
    e->mean_t = e->se_t = e->mean_c = NAN;
    e->n_t = e->n_c = 0;
    e->computable = 0;
}

/* A difference of means; binary uses p(1 - p)/n in place of s^2/n. */
static void effect_fill(ll_costs_effect *e, const double *xt, size_t nt,
                        const double *xc, size_t nc, int binary)
{
    double mt, vt, mc = NAN, vc = NAN;
    effect_none(e);
    moments(xt, nt, &mt, &vt, &e->n_t);
    e->mean_t = mt;
    if (e->n_t >= 2)
        e->se_t = binary ? sqrt(mt * (1 - mt) / (double)e->n_t)
                         : sqrt(vt / (double)e->n_t);
    if (xc == NULL)
        return;
    moments(xc, nc, &mc, &vc, &e->n_c);
    e->mean_c = mc;
    if (e->n_t < 2 || e->n_c < 2)
        return;
    if (binary) {
        vt = mt * (1 - mt);
        vc = mc * (1 - mc);
    }
    e->estimate = mc - mt;
    e->std_error = sqrt(vt / (double)e->n_t + vc / (double)e->n_c);
    e->computable = 1;
}

static int check_arm(const ll_costs_arm *a, const char *name, ll_error *err)
{
    if (a->n == 0)
        return LL_OK;
    if (a->placements_after == NULL || a->homeless_ever == NULL)
        return ll_error_set(err, LL_EINPUT, "costs: %s arrays missing", name);
    for (int g = 0; g < LL_PG_N; g++)
        if (a->weeks_after[g] == NULL)
            return ll_error_set(err, LL_EINPUT,
                                "costs: %s weeks_%s_after missing", name,
                                ll_placement_group_name(g));
    for (size_t i = 0; i < a->n; i++) {
        double h = a->homeless_ever[i];
        if (!isnan(h) && h != 0 && h != 1)
            return ll_error_set(err, LL_EINPUT,
                                "costs: %s homeless_ever[%zu] = %g is not 0, 1 "
                                "or NA",
                                name, i, h);
    }
    return LL_OK;
}

int ll_costs_effects_compute(ll_costs_effects *out, const ll_costs_arm *treated,
                             const ll_costs_arm *comparison, ll_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_arm(treated, "treated", err);
    if (rc == LL_OK && comparison != NULL)
        rc = check_arm(comparison, "comparison", err);
    if (rc != LL_OK)
        return rc;
    const ll_costs_arm *c = comparison;
    size_t nc = c != NULL ? c->n : 0;
    out->has_comparison = c != NULL;
    out->n_treated = treated->n;
    out->n_comparison = nc;
    effect_fill(&out->moves, treated->placements_after, treated->n,
                c ? c->placements_after : NULL, nc, 0);
    for (int g = 0; g < LL_PG_N; g++)
        effect_fill(&out->weeks[g], treated->weeks_after[g], treated->n,
                    c ? c->weeks_after[g] : NULL, nc, 0);
    effect_fill(&out->homeless, treated->homeless_ever, treated->n,
                c ? c->homeless_ever : NULL, nc, 1);
    out->n_leavers = out->homeless.n_t;
    return LL_OK;
}
