/* Cost avoidance in the pipeline: the configuration's [costs] keys become
 * the cost module's parameters, and the section 6 cohort its effects (the
 * adjusted placement effects of SPEC 7, ll_costs_effects_from_cohort). */
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

int ev_costs(ev_run *r, ll_error *err)
{
    ll_costs_params p;
    ll_costs_effects eff;
    int two = r->co->design != LL_COMPARISON_NONE, rc;
    cost_params(&p, r->opt->cfg);
    if ((rc = ll_costs_effects_from_cohort(&eff, r->kids, r->n_kids, two, err)) != LL_OK)
        return rc;
    if ((rc = ll_costs_compute(&r->costs, &p, &eff, err)) != LL_OK) {
        if (rc == LL_EINPUT || rc == LL_EIO)
            rc = LL_EINPUT; /* a cost setting the user can fix */
        return rc;
    }
    char path[LL_EV_PATH];
    FILE *f = ev_open(r, "costs.csv", path, sizeof path, err);
    if (f == NULL)
        return LL_EIO;
    return ev_close(f, path, ll_costs_write_csv(f, r->costs, err), err);
}
