/* Section 1: the headline figures in plain words, each with its 95%
 * interval and the comparison it rests on, and how far to trust them:
 * design, sample sizes, balance, the E-value in words and the data. */
#include "adjusted.h"
#include "sections.h"

#include "lleval/date.h"

#include <math.h>
#include <string.h>

static const char *comparison_words(const rp_ctx *c)
{
    return c->in->design && !strcmp(c->in->design, "match") ? "a matched comparison group"
                                                             : "the comparison group";
}

/* "74% (95% CI 66% to 81%)" or c or the reason it is missing. */
static const char *fig(rp_ctx *c, const rp_est *r, int pct)
{
    if (r == NULL)
        return "not available";
    if (r->hidden)
        return RP_NUM_ON "c" RP_NUM_OFF;
    return rp_est_ci(c->a, r, pct);
}

/* Whole percentage points (rule 2), half away from zero. */
static const char *pp(rp_ctx *c, double x)
{
    char b[40];
    return rp_strdup(c->a, ll_sdc_percent(b, sizeof b, x));
}

static const char *num(rp_ctx *c, const rp_est *r)
{
    if (!rp_shown(r))
        return r && r->hidden ? RP_NUM_ON "c" RP_NUM_OFF : "not available";
    return rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF, rp_num(c->a, r->e->estimate));
}

static const char *n_of(rp_ctx *c, const rp_est *r)
{
    return r ? rp_count(c->a, &c->v->sdc, r->e->n) : "0";
}

static void stability(rp_ctx *c)
{
    const rp_est *t = RP_FIND(c->v, STABLE_12M, PROPORTION, TREATED, NULL);
    if (t == NULL)
        return;
    if (!c->v->two) {
        rp_para(c->doc, RB_ITEM,
                RP_STRONG_ON "Placement stability." RP_STRONG_OFF
                " %s of the children who took part were still in the same home a year later "
                "(%s children). There is no comparison group.",
                fig(c, t, 1), n_of(c, t));
        return;
    }
    rp_adjusted_headline(c); /* the adjusted difference with the crude one beside it */
}

static void placements(rp_ctx *c)
{
    const rp_est *tb = RP_FIND(c->v, PLACEMENTS, MEAN, TREATED, "before");
    const rp_est *ta = RP_FIND(c->v, PLACEMENTS, MEAN, TREATED, "after");
    if (ta == NULL)
        return;
    if (!c->v->two) {
        rp_para(c->doc, RB_ITEM,
                RP_STRONG_ON "Placements." RP_STRONG_OFF
                " Children who took part had on average %s placements in the year after joining "
                "and %s in the year before; mean change %s.",
                fig(c, ta, 0), num(c, tb),
                fig(c, RP_FIND(c->v, PLACEMENTS, MEAN_CHANGE, TREATED, NULL), 0));
        return;
    }
    const rp_est *ca = RP_FIND(c->v, PLACEMENTS, MEAN, COMPARISON, "after");
    const rp_est *cb = RP_FIND(c->v, PLACEMENTS, MEAN, COMPARISON, "before");
    const rp_est *did = RP_FIND(c->v, PLACEMENTS, DIFFERENCE_IN_DIFFERENCES, ANY, NULL);
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Placements." RP_STRONG_OFF
            " Children who took part had on average %s placements in the year after joining (%s "
            "in the year before), against %s (%s before) in %s. Their change was %s placements "
            "per child relative to the comparison group's change.",
            fig(c, ta, 0), num(c, tb), fig(c, ca, 0), num(c, cb), comparison_words(c),
            fig(c, did, 0));
}

static void sdq(rp_ctx *c)
{
    const rp_est *b = RP_FIND(c->v, SDQ, MEAN, TREATED, "baseline");
    const rp_est *y3 = RP_FIND(c->v, SDQ, MEAN, TREATED, "year3");
    if (b == NULL)
        return;
    const rp_est *mm = c->v->two ? RP_FIND(c->v, SDQ, MIXED_MODEL, ANY, "years:treated")
                                 : RP_FIND(c->v, SDQ, MIXED_MODEL, ANY, "years");
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Emotional and behavioural difficulties (SDQ)." RP_STRONG_OFF
            " The mean total difficulties score (0 to 40, lower is better) of the children who "
            "took part was %s at baseline and %s three years later. %s %s points per year.",
            fig(c, b, 0), fig(c, y3, 0),
            c->v->two ? "In the mixed model their scores changed, compared with the comparison "
                        "group's, by"
                      : "In the mixed model their scores changed by",
            fig(c, mm, 0));
}

static void connections(rp_ctx *c)
{
    const rp_est *b = RP_FIND(c->v, CONNECTIONS, MEAN, TREATED, "before");
    const rp_est *a = RP_FIND(c->v, CONNECTIONS, MEAN, TREATED, "after");
    const rp_est *ch = RP_FIND(c->v, CONNECTIONS, MEAN_CHANGE, TREATED, NULL);
    if (b == NULL)
        return;
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Connections." RP_STRONG_OFF
            " The number of people in a child's network went from a mean of %s before to %s "
            "after (mean change %s; no comparison group for this outcome).",
            num(c, b), num(c, a), fig(c, ch, 0));
}

static void identity(rp_ctx *c)
{
    const rp_est *p = RP_FIND(c->v, IDENTITY_IMPROVED, PROPORTION, TREATED, NULL);
    if (p == NULL)
        return;
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Identity." RP_STRONG_OFF
            " %s of the children who took part reported a better sense of identity (%s "
            "children; no comparison group for this outcome).",
            fig(c, p, 1), n_of(c, p));
}

static void homelessness(rp_ctx *c)
{
    const rp_est *t = RP_FIND(c->v, HOMELESS_EVER, PROPORTION, TREATED, NULL);
    const rp_est *k = RP_FIND(c->v, HOMELESS_EVER, PROPORTION, COMPARISON, NULL);
    if (t == NULL)
        return;
    if (!rp_outcome_reportable(c->v, LL_OUTCOME_HOMELESS_EVER)) {
        rp_para(c->doc, RB_ITEM, RP_STRONG_ON "Homelessness." RP_STRONG_OFF " %s", RP_TOO_FEW);
        return;
    }
    if (!c->v->two) {
        rp_para(c->doc, RB_ITEM,
                RP_STRONG_ON "Homelessness." RP_STRONG_OFF
                " %s of the care leavers who took part had been homeless (%s care leavers).",
                fig(c, t, 1), n_of(c, t));
        return;
    }
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Homelessness." RP_STRONG_OFF
            " %s of the care leavers who took part had been homeless, against %s in %s (%s and "
            "%s care leavers); hazard ratio %s.",
            fig(c, t, 1), fig(c, k, 1), comparison_words(c), n_of(c, t), n_of(c, k),
            fig(c, RP_FIND(c->v, HOMELESSNESS, HAZARD_RATIO, ANY, NULL), 0));
}

static void costs(rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    if (r == NULL)
        return;
    if (!r->has_comparison) {
        rp_para(c->doc, RB_ITEM,
                RP_STRONG_ON "Costs." RP_STRONG_OFF
                " No saving can be estimated: without a comparison group there is no "
                "counterfactual.");
        return;
    }
    if (!r->placement_computable) {
        rp_para(c->doc, RB_ITEM, RP_STRONG_ON "Costs." RP_STRONG_OFF " No saving can be "
                "estimated: %s.", rp_clean(c->a, r->placement_why));
        return;
    }
    const ll_costs_figure *f = r->has_programme_cost ? &r->net : &r->gross;
    const char *what = r->has_programme_cost ? "net saving (after the programme's cost)"
                                             : "gross saving (no programme cost was given)";
    rp_para(c->doc, RB_ITEM,
            RP_STRONG_ON "Costs." RP_STRONG_OFF
            " The estimated %s over %d years is " RP_NUM_ON "%s" RP_NUM_OFF "%s"
            " (%s prices; 90%% Monte Carlo interval " RP_NUM_ON "%s to %s" RP_NUM_OFF
            "), set against %s.",
            what, r->inputs.horizon_years, rp_money(c->a, f->deterministic),
            f->deterministic < 0 ? " (negative: an extra cost)" : "", r->base_year,
            rp_money(c->a, f->p05), rp_money(c->a, f->p95), comparison_words(c));
}

void rp_section_headline(rp_ctx *c)
{
    rp_heading(c->doc, RB_H2, "headline", "1. Headline figures");
    const ll_sdc *sd = &c->v->sdc;
    long nt = rp_flow_count(c->flow, "analysed", "", LL_GROUP_TREATED);
    long nc = rp_flow_count(c->flow, "analysed", "", LL_GROUP_COMPARISON);
    if (c->v->two)
        rp_para(c->doc, RB_P,
                "This report compares %s children who took part in Lifelong Links with %s "
                "children in %s. Intervals are 95%% confidence intervals. " RP_SDC_WORDS,
                rp_count(c->a, sd, nt < 0 ? 0 : nt), rp_count(c->a, sd, nc < 0 ? 0 : nc),
                comparison_words(c), sd->min_cell, sd->rounding, sd->min_n);
    else
        rp_para(c->doc, RB_P,
                "This report describes %s children who took part in Lifelong Links, before and "
                "after; there is no comparison group. Intervals are 95%% confidence intervals. "
                RP_SDC_WORDS,
                rp_count(c->a, sd, nt < 0 ? 0 : nt), sd->min_cell, sd->rounding, sd->min_n);
    stability(c);
    placements(c);
    sdq(c);
    connections(c);
    identity(c);
    homelessness(c);
    costs(c);
}

/* ---- how far to trust these figures ------------------------------------------ */

static void evalue(rp_ctx *c)
{
    const rp_est *p, *l;
    int adjusted;
    rp_adjusted_evalue_rows(c, &p, &l, &adjusted);
    if (!rp_shown(p))
        return;
    const char *limit =
        !rp_shown(l) ? ""
        : l->e->estimate <= 1.0
            ? " The confidence interval already includes no difference, so no unmeasured "
              "factor is needed to make the difference uncertain."
            : rp_printf(c->a, " A factor of " RP_NUM_ON "%s" RP_NUM_OFF
                              " would be enough to make the confidence interval include no "
                              "difference.",
                        rp_num(c->a, l->e->estimate));
    rp_para(c->doc, RB_ITEM,
            "E-value (placement stability): to explain away the difference in stability, a "
            "factor that was not measured would have to make a child both more likely to take "
            "part and more likely to stay in the same home, each by a risk ratio of at least "
            RP_NUM_ON "%s" RP_NUM_OFF "%s.%s (VanderWeele and Ding 2017.)",
            rp_num(c->a, p->e->estimate),
            adjusted ? ", over and above the characteristics that were measured (it is the "
                       "E-value of the adjusted difference)"
                     : " (this is the E-value of the crude difference, which does not take "
                       "account of the measured characteristics either)",
            limit);
}

static void data_dates(rp_ctx *c)
{
    const ll_run_info *run = c->in->run;
    if (run == NULL)
        return;
    size_t n = run->n_ends;
    char *s = rp_strdup(c->a, "");
    for (size_t i = 0; i < n; i++) {
        char day[16] = "none";
        long e = run->ends[i].end;
        if (e != LL_NA)
            ll_date_format(day, sizeof day, e);
        s = rp_printf(c->a, "%s%s%s up to %s", s, i ? "; " : "", rp_clean(c->a, run->ends[i].la),
                      day);
    }
    rp_para(c->doc, RB_ITEM,
            "Data: the SSDA903 returns of %s. Outcomes that need a full year (or three) after the "
            "index date are known only for children whose follow-up ended by then.",
            n ? s : "no local authority");
}

void rp_section_trust(rp_ctx *c)
{
    rp_heading(c->doc, RB_H3, "trust", "How far to trust these figures");
    rp_para(c->doc, RB_ITEM, "Design: %s.", rp_design_words(c->in->design));
    if (c->v->two) {
        rp_balance_warning(c);
        rp_adjusted_ess_warning(c);
        evalue(c);
    } else
        rp_balance_warning(c);
    const rp_est *t = RP_FIND(c->v, STABLE_12M, PROPORTION, TREATED, NULL);
    const rp_est *mde = RP_FIND(c->v, STABLE_12M, MDE, ANY, NULL);
    if (t != NULL && !t->n_hidden && t->e->n < 50)
        rp_para(c->doc, RB_ITEM,
                "Small numbers: the main outcome rests on %s children who took part, so "
                "intervals are wide and only large differences can be detected%s.",
                rp_count(c->a, &c->v->sdc, t->e->n),
                rp_shown(mde) ? rp_printf(c->a, " (with 80%% power, differences of about %s "
                                                "points or more)", pp(c, mde->e->estimate))
                              : "");
    data_dates(c);
    rp_para(c->doc, RB_ITEM,
            "Disclosure control: numbers from 1 to %d are shown as c and every other number is "
            "rounded to the nearest %d on its own, so that no c can be worked out from a total; "
            "percentages come from the unrounded numbers; a mean or model estimate needs %d "
            "children in each group; sums of money are rounded to 2 significant figures. The "
            "full figures stay in the secure folder, which is not for publication.",
            c->v->sdc.min_cell, c->v->sdc.rounding, c->v->sdc.min_n);
}
