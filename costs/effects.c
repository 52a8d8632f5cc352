/* The effects behind the cost model (SPEC 7), from the outcome columns of
 * the analysis dataset: comparison minus treated, with Welch standard
 * errors, so that a positive effect is a saving. */
#include "costs_internal.h"

#include <stdio.h>

#include "lleval/stats.h"

#include <math.h>
#include <string.h>

static void effect_none(ll_costs_effect *e)
{
    e->estimate = e->std_error = NAN;
    e->mean_t = e->se_t = e->mean_c = NAN;
    e->n_t = e->n_c = 0;
    e->computable = 0;
}

/* A difference of means (stats' unpooled SE); binary uses p(1 - p)/n in
 * place of s^2/n. */
static void effect_fill(ll_costs_effect *e, const double *xt, size_t nt,
                        const double *xc, size_t nc, int binary)
{
    ll_stats_mean_se t, c;
    effect_none(e);
    ll_stats_mean_se_of(&t, xt, nt, binary);
    e->mean_t = t.mean;
    e->se_t = t.se;
    e->n_t = t.n;
    if (xc == NULL)
        return;
    ll_stats_mean_se_of(&c, xc, nc, binary);
    e->mean_c = c.mean;
    e->n_c = c.n;
    e->computable = ll_stats_mean_diff(&e->estimate, &e->std_error, &c, &t) == 0;
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
    costs_crude_joint(out);
    return LL_OK;
}

void costs_crude_joint(ll_costs_effects *e)
{
    e->adjusted = 0;
    e->ess = NAN;
    e->n_fitted = e->n_fitted_treated = 0;
    memset(e->cov, 0, sizeof e->cov);
    e->placement_computable = e->has_comparison;
    for (int k = 0; k < LL_COSTS_NCOMP; k++) {
        const ll_costs_effect *x = k == 0 ? &e->moves : &e->weeks[k - 1];
        if (x->computable)
            e->cov[k][k] = x->std_error * x->std_error;
        else
            e->placement_computable = 0;
    }
    e->placement_why[0] = '\0';
    if (!e->has_comparison)
        snprintf(e->placement_why, sizeof e->placement_why,
                 "no comparison group: nothing avoided can be estimated");
    else if (!e->placement_computable)
        snprintf(e->placement_why, sizeof e->placement_why,
                 "not computable: fewer than 2 treated or 2 comparison children with "
                 "placements_after (treated %zu, comparison %zu)",
                 e->moves.n_t, e->moves.n_c);
}
