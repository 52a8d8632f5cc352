/* Cost avoidance in the pipeline: the configuration's [costs] keys become
 * the cost module's parameters, and the section 6 cohort its effects. */
#include "evaluate_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Only keys the user set become overrides: a default must not count as a
 * user's value (it would beat unit_costs_file and be labelled as the
 * user's). */
static void cost_overrides(ll_costs_params *p, const ll_config *cfg)
{
    size_t n = ll_config_n_keys();
    for (size_t i = 0; i < n; i++) {
        ll_config_entry e;
        ll_config_entry_get(&e, cfg, i);
        if (strcmp(e.section, "costs") != 0 || !strcmp(e.source, "default"))
            continue;
        for (int k = 0; k < LL_COST_N; k++) {
            const char *key = ll_cost_key((ll_cost_id)k);
            size_t kl = strlen(key);
            const ll_cost_item *it = &cfg->costs.item[k];
            if (strncmp(e.key, key, kl) != 0)
                continue;
            if (e.key[kl] == '\0')
                p->item[k].value = it->has_value ? it->value : NAN;
            else if (!strcmp(e.key + kl, "_price_year"))
                p->item[k].price_year = it->price_year;
            else if (!strcmp(e.key + kl, "_source"))
                p->item[k].source = it->source;
        }
    }
}

static void cost_params(ll_costs_params *p, const ll_config *cfg)
{
    ll_costs_params_init(p);
    p->horizon_years = cfg->costs.horizon_years;
    p->discount_rate = cfg->costs.discount_rate;
    p->persistence = cfg->costs.persistence;
    p->attribution = cfg->costs.attribution;
    p->optimism_bias = cfg->costs.optimism_bias;
    p->cost_range = cfg->costs.cost_range;
    p->mc_draws = cfg->costs.mc_draws;
    p->seed = cfg->costs.seed;
    p->base_year = cfg->costs.base_year[0] ? cfg->costs.base_year : NULL;
    p->unit_costs_file = cfg->costs.unit_costs_file[0] ? cfg->costs.unit_costs_file : NULL;
    cost_overrides(p, cfg);
}

/* One group's columns of the cohort, as the cost module reads them. */
typedef struct arm_cols {
    double *pa, *weeks[LL_PG_N], *homeless;
    ll_costs_arm arm;
} arm_cols;

static int fill_arm(arm_cols *c, const ev_run *r, int treated)
{
    size_t n = r->n_kids + 1, k = 0;
    memset(c, 0, sizeof *c);
    c->pa = malloc(n * sizeof(double));
    c->homeless = malloc(n * sizeof(double));
    int ok = c->pa && c->homeless;
    for (int g = 0; g < LL_PG_N; g++)
        ok &= (c->weeks[g] = malloc(n * sizeof(double))) != NULL;
    if (!ok)
        return LL_ENOMEM;
    for (size_t i = 0; i < r->n_kids; i++) {
        const ll_est_child *e = &r->kids[i];
        if (e->treated != treated)
            continue;
        c->pa[k] = e->placements_after;
        c->homeless[k] = e->homeless_ever;
        for (int g = 0; g < LL_PG_N; g++)
            c->weeks[g][k] = e->weeks_after[g];
        k++;
    }
    c->arm.n = k;
    c->arm.placements_after = c->pa;
    c->arm.homeless_ever = c->homeless;
    for (int g = 0; g < LL_PG_N; g++)
        c->arm.weeks_after[g] = c->weeks[g];
    return LL_OK;
}

static void free_arm(arm_cols *c)
{
    free(c->pa);
    free(c->homeless);
    for (int g = 0; g < LL_PG_N; g++)
        free(c->weeks[g]);
}

int ev_costs(ev_run *r, ll_error *err)
{
    ll_costs_params p;
    ll_costs_effects eff;
    arm_cols t = {0}, c = {0};
    int two = r->co->design != LL_COMPARISON_NONE, rc;
    cost_params(&p, r->opt->cfg);
    if ((rc = fill_arm(&t, r, 1)) != LL_OK || (rc = fill_arm(&c, r, 0)) != LL_OK) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory in costs");
        goto done;
    }
    if ((rc = ll_costs_effects_compute(&eff, &t.arm, two ? &c.arm : NULL, err)) != LL_OK ||
        (rc = ll_costs_compute(&r->costs, &p, &eff, err)) != LL_OK) {
        if (rc == LL_EINPUT || rc == LL_EIO)
            rc = LL_EINPUT; /* a cost setting the user can fix */
        goto done;
    }
    char path[LL_EV_PATH];
    FILE *f = ev_open(r, "costs.csv", path, sizeof path, err);
    if (f == NULL) {
        rc = LL_EIO;
        goto done;
    }
    rc = ev_close(f, path, ll_costs_write_csv(f, r->costs, err), err);
done:
    free_arm(&t);
    free_arm(&c);
    return rc;
}
