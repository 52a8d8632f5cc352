/* The summary page (SPEC 8): one page for a programme manager or a funder
 * that answers four questions in plain words, each figure with its
 * interval: did it work (the outcome fixed in advance, then the others one
 * line each), for whom (the subgroup forest plot, exploratory), what did it
 * save (the saving with its 90% Monte Carlo interval and the share of
 * draws above 0) and how sure are we (the Maryland Scientific Methods Scale
 * level with its reason, the E-value, the minimum detectable effect set
 * against the effect found, and the data quality).  Every figure comes
 * from the disclosure-controlled view, so a withheld figure is c here too. */
#include "adjusted.h"
#include "summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESS_TEXT "effective sample size of the comparison weights"
#define C_TEXT RP_NUM_ON "c" RP_NUM_OFF

/* The ESS and comparison rows the AIPW row's method carries; 0 when none. */
static int ess_of(const ll_estimate *e, double *ess, long *nc)
{
    const char *p = strstr(e->method, ESS_TEXT);
    return p != NULL && sscanf(p + strlen(ESS_TEXT), " %lf of %ld", ess, nc) == 2;
}

static int computable(const rp_est *r)
{
    return r != NULL && !isnan(r->e->estimate);
}

/* A whole number, half away from zero, never "-0". */
static const char *whole(rp_ctx *c, double x)
{
    double r = ll_sdc_round(x, 0);
    return rp_printf(c->a, "%.0f", r == 0 ? 0.0 : r);
}

static const char *signed_points(rp_ctx *c, double x)
{
    const char *s = whole(c, 100 * x);
    return s[0] == '-' || !strcmp(s, "0") ? s : rp_printf(c->a, "+%s", s);
}

/* "+11 percentage points (95% CI -8 to +31)", c, or "not computable". */
static const char *points(rp_ctx *c, const rp_est *r)
{
    if (r == NULL)
        return "not available";
    if (r->hidden)
        return C_TEXT;
    const ll_estimate *e = r->e;
    if (isnan(e->estimate))
        return "not computable";
    const char *est = rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF " percentage points",
                                signed_points(c, e->estimate));
    if (isnan(e->conf_low))
        return est;
    return rp_printf(c->a, "%s (95%% CI " RP_NUM_ON "%s to %s" RP_NUM_OFF ")", est,
                     signed_points(c, e->conf_low), signed_points(c, e->conf_high));
}

/* Whether the interval of a shown difference excludes 0, in words. */
static const char *verdict(const rp_est *r)
{
    if (!rp_shown(r) || isnan(r->e->conf_low))
        return "";
    if (r->e->conf_low > 0)
        return " The whole interval is above zero: the children who took part did better.";
    if (r->e->conf_high < 0)
        return " The whole interval is below zero: the children who took part did worse.";
    return " The interval includes zero, so the data are also consistent with no effect.";
}

static const char *fig(rp_ctx *c, const rp_est *r, int pct)
{
    if (r == NULL)
        return "not available";
    return r->hidden ? C_TEXT : rp_est_ci(c->a, r, pct);
}

/* ---- did it work? ------------------------------------------------------- */

static void primary(rp_ctx *c)
{
    const rp_est *t = RP_FIND(c->v, STABLE_12M, PROPORTION, TREATED, NULL);
    if (!c->v->two) {
        rp_para(c->doc, RB_ITEM,
                RP_STRONG_ON "Placement stability (the outcome fixed in advance)." RP_STRONG_OFF
                " %s of the children who took part were in the same home a year later. There is "
                "no comparison group, so this cannot be set against what would have happened "
                "without the programme.",
                fig(c, t, 1));
        return;
    }
    const rp_est *a = RP_FIND(c->v, STABLE_12M, ADJUSTED_RISK_DIFFERENCE, ANY, NULL);
    const rp_est *d = RP_FIND(c->v, STABLE_12M, RISK_DIFFERENCE, ANY, NULL);
    if (computable(a)) {
        rp_para(c->doc, RB_ITEM,
                RP_STRONG_ON "Placement stability (the outcome fixed in advance)." RP_STRONG_OFF
                " %s of the children who took part were in the same home a year later. Taking "
                "account of the measured differences between the groups, the difference from "
                "comparison children is %s (adjusted; positive means more stayed; the crude "
                "difference is %s).%s",
                fig(c, t, 1), points(c, a), points(c, d), verdict(a));
        return;
    }
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Placement stability (the outcome fixed in advance)." RP_STRONG_OFF
            " %s of the children who took part were in the same home a year later; the "
            "difference from comparison children is %s (positive means more stayed). This is "
            "the crude difference, comparing the groups as they are: the difference adjusted "
            "for the measured characteristics could not be computed (%s).%s",
            fig(c, t, 1), points(c, d),
            a ? rp_clean(c->a, a->e->method) : "no adjusted estimate",
            verdict(d));
}

static void other_outcomes(rp_ctx *c)
{
    int two = c->v->two;
    const rp_est *pl = two ? RP_FIND(c->v, PLACEMENTS, ADJUSTED_DIFFERENCE, ANY, "after")
                           : RP_FIND(c->v, PLACEMENTS, MEAN_CHANGE, TREATED, NULL);
    const char *how = "adjusted, against comparison children";
    if (two && !computable(pl)) {
        pl = RP_FIND(c->v, PLACEMENTS, DIFFERENCE_IN_DIFFERENCES, ANY, NULL);
        how = "the change from the year before, against the comparison group's change";
    }
    if (pl != NULL && two)
        rp_para(c->doc, RB_ITEM,
                "Placements in the year after joining: a difference of %s per child (%s; "
                "negative is fewer).",
                fig(c, pl, 0), how);
    else if (pl != NULL)
        rp_para(c->doc, RB_ITEM,
                "Placements: from the year before joining to the year after, a change of %s per "
                "child (negative is fewer).",
                fig(c, pl, 0));
    const rp_est *mm = RP_FIND(c->v, SDQ, MIXED_MODEL, ANY, two ? "years:treated" : "years");
    if (mm != NULL)
        rp_para(c->doc, RB_ITEM,
                "Emotional and behavioural difficulties (SDQ, lower is better): %s points per "
                "year%s.",
                fig(c, mm, 0), two ? ", compared with the comparison group's change" : "");
    const rp_est *ht = RP_FIND(c->v, HOMELESS_EVER, PROPORTION, TREATED, NULL);
    const rp_est *hc = RP_FIND(c->v, HOMELESS_EVER, PROPORTION, COMPARISON, NULL);
    if (ht != NULL)
        rp_para(c->doc, RB_ITEM, "Homelessness among care leavers: %s of those who took part%s%s.",
                fig(c, ht, 1), two ? " against " : "", two ? fig(c, hc, 1) : "");
    const rp_est *cn = RP_FIND(c->v, CONNECTIONS, MEAN_CHANGE, TREATED, NULL);
    if (cn != NULL)
        rp_para(c->doc, RB_ITEM,
                "People in the child's network: a mean change of %s (children who took part "
                "only).",
                fig(c, cn, 0));
    const rp_est *id = RP_FIND(c->v, IDENTITY_IMPROVED, PROPORTION, TREATED, NULL);
    if (id != NULL)
        rp_para(c->doc, RB_ITEM,
                "A better sense of identity: %s of the children who took part (no comparison).",
                fig(c, id, 1));
}

/* ---- for whom? ---------------------------------------------------------- */

static const char *const VAR_CODE[4] = {"age", "sex", "placement", "legal"};
static const char *const VAR_NAME[4] = {"age", "sex", "placement type", "legal status"};

static void for_whom(rp_ctx *c)
{
    rp_heading(c->doc, RB_H3, "summary-whom", "For whom?");
    if (!c->v->two) {
        rp_para(c->doc, RB_P, "There is no comparison group, so the report cannot say for whom "
                              "the programme worked better.");
        return;
    }
    const char *named = NULL;
    for (int v = 0; v < 4; v++) {
        const rp_est *r = RP_FIND(c->v, STABLE_12M, INTERACTION, ANY, VAR_CODE[v]);
        if (!rp_shown(r) || isnan(r->e->p_value) || !(r->e->p_value < 0.05))
            continue;
        named = named ? rp_printf(c->a, "%s and by %s (p = %s)", named, VAR_NAME[v],
                                  rp_pvalue(c->a, r->e->p_value))
                      : rp_printf(c->a, "by %s (p = %s)", VAR_NAME[v],
                                  rp_pvalue(c->a, r->e->p_value));
    }
    rp_para(c->doc, RB_P,
            RP_STRONG_ON "Exploratory." RP_STRONG_OFF
            " The chart shows the difference in stability within each subgroup. %s One in twenty "
            "such tests is expected to reach p < 0.05 by chance alone, and the subgroups are "
            "small: these figures suggest where to look, they do not show that the programme "
            "works better for some children.",
            named ? rp_printf(c->a, "The difference appears to vary %s (test of interaction "
                                    "p < 0.05).", named)
                  : "No test of whether the difference varies between subgroups reaches "
                    "p < 0.05.");
    rp_chart_ref(c->doc, "subgroups");
}

/* ---- what did it save? -------------------------------------------------- */

static void saved(rp_ctx *c)
{
    rp_heading(c->doc, RB_H3, "summary-saved", "What did it save?");
    const ll_costs_result *r = c->in->costs;
    if (r == NULL) {
        rp_para(c->doc, RB_P, "The costs were not computed for this run.");
        return;
    }
    if (!r->has_comparison) {
        rp_para(c->doc, RB_P, "No saving can be estimated: without a comparison group there is "
                              "no counterfactual (section 5 shows the observed cost).");
        return;
    }
    const ll_costs_figure *f = r->has_programme_cost ? &r->net : &r->gross;
    if (isnan(f->deterministic)) {
        rp_para(c->doc, RB_P, "The saving could not be estimated: the placement effects it "
                              "prices are not computable (section 5 says why).");
        return;
    }
    const char *what = r->has_programme_cost
                           ? "net saving (what the programme avoided, less its cost)"
                           : "gross saving (no programme cost was given, so the net saving and "
                             "the return per \xc2\xa3" "1 cannot be worked out)";
    const char *per = "";
    if (r->has_programme_cost && !isnan(r->benefit_per_pound.deterministic))
        per = rp_printf(c->a, " Each \xc2\xa3" "1 spent on the programme avoided "
                              RP_NUM_ON "%s" RP_NUM_OFF " of costs (90%% interval " RP_NUM_ON
                              "%s to %s" RP_NUM_OFF ").",
                        rp_money(c->a, r->benefit_per_pound.deterministic),
                        rp_money(c->a, r->benefit_per_pound.p05), rp_money(c->a, r->benefit_per_pound.p95));
    const char *share =
        r->has_programme_cost && !isnan(r->share_net_positive)
            ? rp_printf(c->a, " In " RP_NUM_ON "%s" RP_NUM_OFF " of the Monte Carlo draws the "
                              "net saving is above zero.",
                        rp_pct(c->a, r->share_net_positive))
            : " The share of Monte Carlo draws above zero is worked out for the net saving, "
              "which needs the programme's cost per child ([costs] programme_cost_per_child).";
    rp_para(c->doc, RB_P,
            "The estimated %s over %d years is " RP_NUM_ON "%s" RP_NUM_OFF "%s (%s prices; 90%% "
            "interval " RP_NUM_ON "%s to %s" RP_NUM_OFF ", the 5th to 95th percentiles of the "
            "Monte Carlo draws).%s%s",
            what, r->inputs.horizon_years, rp_money(c->a, f->deterministic),
            f->deterministic < 0 ? " (negative: an extra cost)" : "", r->base_year,
            rp_money(c->a, f->p05), rp_money(c->a, f->p95), per, share);
}

/* ---- how sure are we? --------------------------------------------------- */

void rp_summary_level(rp_smms *out, rp_ctx *c)
{
    out->level = 2;
    if (!c->v->two) {
        out->reason = "the figures compare the children who took part before and after, with "
                      "no comparison group, so what would have happened without the programme "
                      "is not known.";
        return;
    }
    const rp_est *a = RP_FIND(c->v, STABLE_12M, ADJUSTED_RISK_DIFFERENCE, ANY, NULL);
    int matched = c->in->design && !strcmp(c->in->design, "match");
    int balanced = matched && c->has_balance && c->balance.has_after && c->balance.adequate;
    int unbalanced = matched && c->has_balance && c->balance.has_after && !c->balance.adequate;
    double ess = NAN;
    long nc = 0;
    int has_ess = computable(a) && ess_of(a->e, &ess, &nc);
    const char *ess_txt = a && a->hidden ? "withheld"
                                         : rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF,
                                                     whole(c, ess));
    if (balanced) {
        out->level = 3;
        out->reason = "the comparison children were matched to the children who took part, and "
                      "after matching every measured characteristic is balanced (every "
                      "standardised mean difference below 0.1).";
    } else if (has_ess && ess >= 50) {
        out->level = 3;
        out->reason = rp_printf(c->a,
                                "the primary effect is adjusted for the measured characteristics "
                                "(doubly robust), and the comparison children's weights amount "
                                "to an effective sample size of %s, at least 50.",
                                ess_txt);
    } else if (has_ess) {
        out->reason = rp_printf(c->a,
                                "there is a comparison group, but the adjusted primary effect "
                                "rests on comparison weights with an effective sample size of "
                                "%s, below 50, so the adjustment rests on too few comparison "
                                "children to count as adjusted%s.",
                                ess_txt,
                                unbalanced ? ", and after matching some characteristic still "
                                          "differs (a standardised mean difference of 0.1 or more)"
                                        : "");
    } else {
        out->reason = rp_printf(c->a,
                                "there is a comparison group, but the primary effect could not "
                                "be adjusted for the measured characteristics%s, so the crude "
                                "difference may mix the programme's effect with differences "
                                "between the groups.",
                                unbalanced ? " and the matched groups are not balanced on every "
                                          "one of them"
                                        : "");
    }
}

static void evalue(rp_ctx *c)
{
    const rp_est *p, *l;
    int adjusted;
    rp_adjusted_evalue_rows(c, &p, &l, &adjusted);
    if (p == NULL)
        return;
    if (!rp_shown(p)) {
        rp_para(c->doc, RB_ITEM, "E-value: %s.", p->hidden ? C_TEXT : "not computable");
        return;
    }
    const char *limit = !rp_shown(l)            ? ""
                        : l->e->estimate <= 1.0 ? "; the interval already includes no "
                                                  "difference"
                                                : rp_printf(c->a, "; " RP_NUM_ON "%.2f" RP_NUM_OFF
                                                                  " for the interval to include "
                                                                  "no difference",
                                                            l->e->estimate);
    rp_para(c->doc, RB_ITEM,
            "E-value " RP_NUM_ON "%.2f" RP_NUM_OFF "%s: a characteristic that was not measured "
            "would have to make a child both more likely to take part and more likely to stay "
            "in the same home, each by a risk ratio of that size%s, to explain the difference "
            "away%s.",
            p->e->estimate,
            adjusted ? " (of the adjusted difference)" : " (of the crude difference)",
            adjusted ? " over and above the measured ones" : "", limit);
}

static void mde(rp_ctx *c)
{
    const rp_est *m = RP_FIND(c->v, STABLE_12M, MDE, ANY, NULL);
    if (!c->v->two || m == NULL)
        return;
    if (!rp_shown(m)) {
        rp_para(c->doc, RB_ITEM, "Smallest difference the study could detect: %s.",
                m->hidden ? C_TEXT : "not computable");
        return;
    }
    const rp_est *a = RP_FIND(c->v, STABLE_12M, ADJUSTED_RISK_DIFFERENCE, ANY, NULL);
    const rp_est *e =
        computable(a) ? a : RP_FIND(c->v, STABLE_12M, RISK_DIFFERENCE, ANY, NULL);
    const char *found = "";
    if (rp_shown(e))
        found = rp_printf(c->a,
                          "; the difference found is " RP_NUM_ON "%s" RP_NUM_OFF " points (%s), %s",
                          signed_points(c, e->e->estimate), e == a ? "adjusted" : "crude",
                          fabs(e->e->estimate) < m->e->estimate
                              ? "smaller than that: the study has little power for an effect "
                                "of this size, so an interval that includes zero would not show "
                                "that the programme has no effect"
                              : "at least that large");
    else if (e != NULL && e->hidden)
        found = "; the difference found is c";
    rp_para(c->doc, RB_ITEM,
            "Smallest difference in stability the study could reliably detect (80%% power, 5%% "
            "two-sided): " RP_NUM_ON "%s" RP_NUM_OFF " percentage points%s.",
            whole(c, 100 * m->e->estimate), found);
}

/* "episodes c, header 10": rows quarantined at ingest per table kind
 * (in->run's inputs, kind "skipped" left out; non-zero kinds only, in the
 * order first met), "none" when every table has 0, NULL when the run's
 * provenance is not available. */
static const char *quarantined(rp_ctx *c)
{
    const ll_run_info *run = c->in->run;
    if (run == NULL)
        return NULL;
    const char *s = NULL;
    for (size_t i = 0; i < run->n_inputs; i++) {
        const char *kind = run->inputs[i].kind ? run->inputs[i].kind : "";
        if (!strcmp(kind, "skipped"))
            continue;
        size_t j = 0; /* counted already with an earlier file of the kind */
        while (j < i && (run->inputs[j].kind == NULL || strcmp(run->inputs[j].kind, kind)))
            j++;
        if (j < i)
            continue;
        long long n = 0;
        for (size_t k = i; k < run->n_inputs; k++)
            if (run->inputs[k].kind && !strcmp(run->inputs[k].kind, kind))
                n += run->inputs[k].n_quarantined;
        if (n <= 0)
            continue;
        const char *one = rp_printf(c->a, "%s %s", rp_clean(c->a, kind),
                                    rp_count(c->a, &c->v->sdc, (long)n));
        s = s ? rp_printf(c->a, "%s, %s", s, one) : one;
    }
    return s ? s : "none";
}

static void data_quality(rp_ctx *c)
{
    const char *q = quarantined(c);
    const ll_sdc *sdc = &c->v->sdc;
    const long *dq = c->in->dq ? c->in->dq->corrected : NULL;
    const char *corrected = "not available";
    if (dq != NULL)
        corrected = rp_printf(c->a, "%s (%s left open past their return, %s set aside as "
                                    "overlapping, %s with an end reason but no end date)",
                              rp_count(c->a, sdc, dq[0] + dq[1] + dq[2]),
                              rp_count(c->a, sdc, dq[0]), rp_count(c->a, sdc, dq[1]),
                              rp_count(c->a, sdc, dq[2]));
    const char *st = "looked_after_at_index", *why = "not_in_returns";
    long nt = rp_flow_count(c->flow, st, why, LL_GROUP_TREATED);
    long nc = rp_flow_count(c->flow, st, why, LL_GROUP_COMPARISON);
    const char *unlinked = rp_printf(c->a, "%s of the children who took part%s",
                                     rp_count(c->a, sdc, nt < 0 ? 0 : nt),
                                     nc >= 0 ? rp_printf(c->a, " and %s of the comparison children",
                                                         rp_count(c->a, sdc, nc))
                                             : "");
    rp_para(c->doc, RB_ITEM,
            "Data quality: rows set aside at ingest for failing checks, by table: %s; episodes "
            "corrected by fixed rules: %s; children not linked to the SSDA903 returns: %s.",
            q ? q : "not available (no provenance)", corrected, unlinked);
}

static void how_sure(rp_ctx *c)
{
    rp_heading(c->doc, RB_H3, "summary-sure", "How sure are we?");
    rp_smms s;
    rp_summary_level(&s, c);
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Evidence level %d on the Maryland Scientific Methods Scale" RP_STRONG_OFF
            " (1 to 5; 3 is the minimum usually asked for to judge whether a programme works): "
            "%s",
            s.level, s.reason);
    rp_para(c->doc, RB_ITEM, "Design: %s.", rp_design_words(c->in->design));
    if (c->v->two)
        evalue(c);
    mde(c);
    data_quality(c);
}

void rp_section_summary(rp_ctx *c)
{
    rp_heading(c->doc, RB_H2, "summary", "Summary for managers and funders");
    rp_para(c->doc, RB_P,
            "Four questions in plain words. Intervals are 95%% confidence intervals unless said "
            "otherwise; a figure marked c is withheld because it rests on 1 to %d children.",
            c->v->min_cell);
    rp_heading(c->doc, RB_H3, "summary-worked", "Did it work?");
    primary(c);
    other_outcomes(c);
    for_whom(c);
    saved(c);
    how_sure(c);
}

void rp_summary_finish(rp_ctx *c)
{
    int seen = 0;
    for (rp_block *b = c->doc->first; b != NULL; b = b->next) {
        if (b->kind != RB_CHART || b->id == NULL || strcmp(b->id, "subgroups") != 0)
            continue;
        if (seen++ == 0)
            continue;
        b->kind = RB_NOTE;
        b->id = NULL;
        b->text = "The forest plot of these subgroup figures is in the summary at the top "
                  "(For whom?).";
    }
}
