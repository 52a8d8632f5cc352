/* Section 5: cost avoidance (SPEC 7) in plain words, its charts and tables.
 * Without a comparison group there is no counterfactual, and the section
 * says so and shows only the observed cost. */
#include "sections.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

static const char *money_or_c(rp_arena *a, double x, int hidden)
{
    if (hidden)
        return RP_NUM_ON "c" RP_NUM_OFF;
    if (isnan(x))
        return "";
    return rp_printf(a, RP_NUM_ON "%s" RP_NUM_OFF, rp_money(a, x));
}

static const char *interval(rp_arena *a, const ll_costs_figure *f, int hidden, int money)
{
    if (hidden)
        return RP_NUM_ON "c" RP_NUM_OFF;
    if (isnan(f->p05) || isnan(f->p95))
        return "";
    if (money)
        return rp_printf(a, RP_NUM_ON "%s to %s" RP_NUM_OFF, rp_money(a, f->p05), rp_money(a, f->p95));
    (void)money; /* benefit per pound is money too: 2 significant figures */
    return rp_printf(a, RP_NUM_ON "%s to %s" RP_NUM_OFF, rp_money(a, f->p05), rp_money(a, f->p95));
}

static void summary_table(rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    int h = 0; /* totals are shown rounded, never withheld (rule 6) */
    rp_table *t = rp_table_new(c->doc,
                               rp_printf(c->a, "Table 5.1. Cost avoidance over %d years (%s prices)",
                                         r->inputs.horizon_years, r->base_year),
                               4, "Figure", "Central estimate", "Monte Carlo median",
                               "90% interval (5th to 95th percentile)");
    if (t == NULL)
        return;
    t->numeric = 0xE;
    rp_table_row(t, "Saving from placements (moves and weeks in care)",
                 money_or_c(c->a, r->model.saving_placements, 0),
                 "", "");
    rp_table_row(t, "Saving from homelessness avoided",
                 money_or_c(c->a, r->model.saving_homeless, c->cv->homeless_hidden),
                 "", "");
    rp_table_row(t, "Gross saving", money_or_c(c->a, r->gross.deterministic, h),
                 money_or_c(c->a, r->gross.median, h), interval(c->a, &r->gross, h, 1));
    if (r->model.adjusted != r->model.gross)
        rp_table_row(t, "Adjusted saving (attribution, optimism bias)",
                     money_or_c(c->a, r->model.adjusted, h), "", "");
    if (!r->has_programme_cost)
        return;
    rp_table_row(t, "Programme cost", money_or_c(c->a, r->model.programme_cost, 0), "", "");
    rp_table_row(t, "Net saving", money_or_c(c->a, r->net.deterministic, h),
                 money_or_c(c->a, r->net.median, h), interval(c->a, &r->net, h, 1));
    rp_table_row(t, "Benefit per £1 spent",
                 money_or_c(c->a, r->benefit_per_pound.deterministic, 0),
                 money_or_c(c->a, r->benefit_per_pound.median, 0),
                 interval(c->a, &r->benefit_per_pound, h, 0));
    rp_table_row(t, "Share of Monte Carlo draws with a net saving above 0",
                 rp_pct(c->a, r->share_net_positive), "", "");
    rp_table_row(t, "Switching value: placement moves avoided per child for a net of 0",
                 rp_num(c->a, r->switch_moves), "", "");
    rp_table_row(t, "Switching value: programme cost per child for a net of 0",
                 money_or_c(c->a, r->switch_programme_cost, h), "", "");
}

/* The effects rows of costs.csv, withheld as their outcome is. */
static void effects_table(rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    rp_table *t = rp_table_new(c->doc, "Table 5.2. Effects valued (comparison minus treated)", 4,
                               "Effect", "Estimate", "Standard error", "Unit");
    if (t == NULL)
        return;
    t->numeric = 0x6;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ll_costs_row *w = &r->rows[i];
        if (strcmp(w->component, "effect") != 0)
            continue;
        int hidden = !strcmp(w->item, "homeless") ? c->cv->homeless_hidden : c->cv->moves_hidden;
        rp_table_row(t, rp_cost_input_label(c->a, w->item),
                     hidden ? "c" : rp_num(c->a, w->estimate),
                     hidden ? (isnan(w->std_error) ? "" : "c") : rp_num(c->a, w->std_error),
                     rp_clean(c->a, w->unit));
    }
}

/* A unit cost as configured (an input, not a result: shown in full). */
static const char *unit_money(rp_arena *a, double x)
{
    char d[64], out[96];
    snprintf(d, sizeof d, "%.0f", fabs(x));
    size_t n = strlen(d), k = 0;
    for (size_t i = 0; i < n && k + 2 < sizeof out; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = d[i];
    }
    out[k] = '\0';
    return rp_printf(a, "%s\xc2\xa3%s", x <= -0.5 ? "-" : "", out);
}

static void units_table(rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    rp_table *t = rp_table_new(c->doc,
                               rp_printf(c->a, "Table 5.3. Unit costs, uprated to %s prices with the "
                                               "GDP deflator", r->base_year),
                               6, "Item", "Value", "Price year", "Uprated", "Unit", "Source");
    if (t == NULL)
        return;
    t->numeric = 0xA;
    for (int k = 0; k < LL_COST_N; k++) {
        const ll_costs_unit_cost *u = &r->items[k];
        const char *src = u->value == 0 && k != LL_COST_PROGRAMME
                              ? "not costed (no sourced default)"
                              : rp_clean(c->a, u->source);
        rp_table_row(t, ll_cost_key((ll_cost_id)k), u->given ? unit_money(c->a, u->value) : "not given",
                     u->price_year, u->given ? unit_money(c->a, u->uprated) : "",
                     rp_clean(c->a, u->unit), src);
    }
}

static void observed(rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    int h = 0; /* money is never withheld for a small component (rule 6) */
    rp_para(c->doc, RB_WARN,
            "There is no comparison group, so there is no counterfactual: nothing avoided can be "
            "estimated, and no saving is claimed.");
    rp_para(c->doc, RB_P,
            "For information only, the observed cost of the placements of the children who took "
            "part, in the year after they joined, was %s per child (%s in total), at %s prices.",
            money_or_c(c->a, r->observed_per_child, h), money_or_c(c->a, r->observed_total, h),
            r->base_year);
}

/* The placement components' savings over the horizon, largest first in
 * size: which ones drive the figure (SPEC 7, the waterfall in words). */
static const char *drivers(rp_ctx *c)
{
    const ll_costs_model *m = &c->in->costs->model;
    double v[1 + LL_PG_N];
    const char *name[1 + LL_PG_N];
    v[0] = m->saving_moves, name[0] = "placement moves";
    for (int g = 0; g < LL_PG_N; g++) {
        v[1 + g] = m->saving_weeks[g];
        name[1 + g] = rp_printf(c->a, "weeks in %s placements", ll_placement_group_name(g));
    }
    int k1 = -1, k2 = -1;
    for (int k = 0; k < 1 + LL_PG_N; k++) {
        if (!(fabs(v[k]) > 0))
            continue;
        if (k1 < 0 || fabs(v[k]) > fabs(v[k1]))
            k2 = k1, k1 = k;
        else if (k2 < 0 || fabs(v[k]) > fabs(v[k2]))
            k2 = k;
    }
    if (k1 < 0)
        return "No placement component adds to or takes from the figure.";
#define PART(k) name[k], v[k] >= 0 ? "a saving of" : "an extra cost of", rp_money(c->a, fabs(v[k]))
    if (k2 < 0)
        return rp_printf(c->a, "The figure comes from %s (%s " RP_NUM_ON "%s" RP_NUM_OFF ").",
                         PART(k1));
    return rp_printf(c->a,
                     "The figure is driven most by %s (%s " RP_NUM_ON "%s" RP_NUM_OFF
                     ") and then by %s (%s " RP_NUM_ON "%s" RP_NUM_OFF ").",
                     PART(k1), PART(k2));
#undef PART
}

/* What the saving rests on, per child and in total (SPEC 7). */
static void adjusted_words(rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    const rp_costview *cv = c->cv;
    rp_para(c->doc, RB_P,
            "The placement saving is adjusted for where the children were placed in the year "
            "before the index date and for their other characteristics (age, time in care, "
            "placement, legal status and the rest), so that a difference the groups already "
            "had is not billed to the programme.");
    if (!r->placement_computable) {
        rp_para(c->doc, RB_WARN, "No saving can be estimated: %s.",
                rp_clean(c->a, r->placement_why));
        return;
    }
    double z = gsl_cdf_ugaussian_Pinv(0.975); /* qnorm(0.975), SPEC 7 */
    int hp = cv->moves_hidden;
    rp_para(c->doc, RB_P,
            "Per child who took part, the adjusted placement saving is %s a year (%s95%% "
            "interval %s to %s; %s before adjustment); over %d years for the %s children it "
            "comes to %s, and the "
            "gross figure with homelessness is %s (%s prices).%s The model counts every move "
            "avoided as a saving and every week in residential care as a cost, without knowing "
            "whether a move would have been a planned step-down to a family placement.",
            money_or_c(c->a, r->model.annual_saving, hp),
            r->model.annual_saving < 0 && !hp ? "negative: an extra cost; " : "",
            money_or_c(c->a, r->model.annual_saving - z * r->annual_saving_se, hp),
            money_or_c(c->a, r->model.annual_saving + z * r->annual_saving_se, hp),
            money_or_c(c->a, r->annual_saving_crude, hp), r->inputs.horizon_years,
            rp_count_plain(c->a, &c->v->sdc, (long)r->inputs.n_treated),
            money_or_c(c->a, r->model.saving_placements, hp),
            money_or_c(c->a, r->gross.deterministic, 0), r->base_year,
            hp ? "" : rp_printf(c->a, " %s", drivers(c)));
    if (c->in->design != NULL && !strcmp(c->in->design, "explicit") && c->has_balance &&
        !c->balance.adequate)
        rp_para(c->doc, RB_WARN,
                "The comparison children were not like the children who took part before the "
                "index date (balance is not adequate: the largest standardised mean difference "
                "is %.2f), so this figure rests on the adjustment: on the models of placements "
                "and weeks in care being right for children unlike those in the comparison "
                "list.",
                c->balance.max_abs_smd);
}

int rp_section_costs(rp_ctx *c, ll_error *err)
{
    rp_heading(c->doc, RB_H2, "costs", "5. Cost avoidance");
    const ll_costs_result *r = c->in->costs;
    if (r == NULL) {
        rp_para(c->doc, RB_NOTE, "Cost avoidance was not computed for this run.");
        return LL_OK;
    }
    if (!r->has_comparison) {
        observed(c);
        units_table(c);
        return LL_OK;
    }
    rp_para(c->doc, RB_P,
            "The estimate puts a price on what the programme changed (comparison minus "
            "treated, so a positive figure is a saving): placement moves and weeks in each kind "
            "of placement in the year after the index date, kept up for %d years with "
            "persistence %g and discounted at %.1f%% a year after the first, and homelessness "
            "among care leavers (a one-off cost), following the HM Treasury Green Book. "
            "Attribution %g and optimism bias %g are applied. The Monte Carlo draws the placement "
            "effects together (a week in one kind of placement is a week not in another), "
            "homelessness from its sampling distribution and each unit cost within %g%% of its "
            "value, and shows the middle 90%% of the results.",
            r->inputs.horizon_years, r->inputs.persistence, 100 * r->inputs.discount_rate,
            r->inputs.attribution, r->inputs.optimism_bias, 100 * c->in->cfg->costs.cost_range);
    adjusted_words(c);
    if (!r->has_programme_cost)
        rp_para(c->doc, RB_NOTE,
                "No programme cost was given, so the net saving, the benefit per pound spent and "
                "the switching values are not shown; the tornado shows the adjusted saving. To "
                "give one, work out the cost per child as the coordinator's annual cost divided "
                "by the children one coordinator works with in a year, plus the cost of a family "
                "group conference, and set programme_cost_per_child in the [costs] section of "
                "the configuration (and programme_cost_per_child_price_year when the cost is not "
                "at base-year prices).");
    rp_para(c->doc, RB_NOTE,
            "Sums of money are rounded to 2 significant figures.%s",
            c->cv->homeless_hidden
                ? " The homelessness term is withheld (c) because the difference in "
                  "homelessness rests on 1 to a few care leavers; the totals that include it are "
                  "shown rounded."
                : "");
    if (!r->placement_computable) {
        effects_table(c);
        units_table(c);
        return LL_OK;
    }
    summary_table(c);
    int rc = rp_chart_waterfall(c, err);
    if (rc == LL_OK)
        rc = rp_chart_tornado(c, err);
    effects_table(c);
    units_table(c);
    return rc;
}
