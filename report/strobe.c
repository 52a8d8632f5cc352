/* The STROBE checklist for cohort studies (von Elm et al. 2007), in the
 * methods section: each of its 22 items with where this report or its
 * output files address it, or "Not applicable" with the reason.  Peer
 * reviewers of an observational evaluation ask for it; the answers depend
 * on the design (matched, named comparison group, or none) and on which
 * estimates the run wrote. */
#include "sections.h"

#include <string.h>

/* Whether the run wrote a row with estimand name and a number in it. */
static int has_estimand(const rp_ctx *c, const char *name)
{
    const struct ll_estimates *t = c->in->est;
    for (size_t i = 0; t && i < t->n; i++)
        if (!strcmp(t->rows[i].estimand, name) &&
            (t->rows[i].estimate == t->rows[i].estimate ||
             t->rows[i].statistic == t->rows[i].statistic))
            return 1;
    return 0;
}

typedef struct strobe_design {
    int matched, explicit_group, none, adjusted, subgroups;
} strobe_design;

static const char *item6(rp_arena *a, const strobe_design *d)
{
    const char *base = "Eligibility at the index date (age, time in care, placement group, legal "
                       "status: configuration keys of the cohort section, Table 6.2) and the "
                       "sources of the children (programme records, the 903 returns) in 'Who was "
                       "included' and in codebook.csv (eligible, index_date). ";
    if (d->matched)
        return rp_printf(a, "%s(b) Matching criteria (risk-set propensity matching by month, "
                            "caliper, ratio, exact matching on authority) and the numbers of "
                            "treated and comparison children matched: 'How the comparison group "
                            "was built' and its sample-size table; matches.csv.", base);
    if (d->explicit_group)
        return rp_printf(a, "%s(b) Not applicable: the comparison group was named by the local "
                            "authority (comparison.csv), not matched.", base);
    return rp_printf(a, "%s(b) Not applicable: there is no comparison group.", base);
}

static const char *item12(rp_arena *a, const strobe_design *d)
{
    return rp_printf(
        a, "(a) Table 6.1 names the method and R function of every estimate; secure/analysis.R "
           "recomputes each of them in R from analysis.csv. %s (b) %s (c) Complete cases: each "
           "estimate uses the children whose outcome is known; the flow counts the others with "
           "the reason. (d) Children whose follow-up year is not yet complete, or who left care "
           "in it, are counted in the flow (followup_incomplete, left_care) and left out of that "
           "outcome. (e) %s",
        d->none ? "There is no comparison group, so no confounding is controlled."
        : d->adjusted
            ? "Confounding: an adjusted odds ratio (logistic regression) and doubly robust "
              "(AIPW) adjusted effects on the measured characteristics."
            : "Confounding: an adjusted odds ratio (logistic regression) on the measured "
              "characteristics.",
        d->subgroups ? "Subgroups (age, sex, placement, legal status) with likelihood-ratio "
                       "interaction tests, marked exploratory."
                     : "No subgroup or interaction analysis in this run.",
        d->none ? "No sensitivity analysis; analysis.R is the starting point for one."
                : "E-values for unmeasured confounding; analysis.R is the starting point for "
                  "further sensitivity analyses.");
}

/* Item k's answer, for the design of this run. */
static const char *where(rp_ctx *c, const strobe_design *d, int k)
{
    rp_arena *a = c->a;
    switch (k) {
    case 1:
        return rp_printf(a, "The title names the programme and authority; 'How far to trust "
                            "these figures' states the design (%s); the headline figures "
                            "summarise the results with their 95%% intervals.",
                         rp_design_words(c->in->design));
    case 2:
        return "Not applicable: the report is generated from the records and says only what "
               "the programme is; the scientific background belongs to the evaluator's own "
               "write-up.";
    case 3:
        return "The outcomes and their estimands are fixed in advance by the program, not "
               "chosen after seeing the data (Table 6.1; estimates.csv).";
    case 4:
        return rp_printf(a, "Observational cohort from administrative records with %s: the "
                            "opening paragraph, 'How far to trust these figures' and this "
                            "section.", rp_design_words(c->in->design));
    case 5:
        return "The local authority (title), the index dates (flow, analysis.csv), the data end "
               "date of the returns ('How far to trust these figures'), the collection years "
               "of the input files (Table 6.4) and the follow-up windows (codebook.csv).";
    case 6:
        return item6(a, d);
    case 7:
        return "secure/codebook.csv defines every outcome, exposure (group) and covariate of "
               "analysis.csv; Table 6.1 names the covariates of each adjusted model.";
    case 8:
        return "SSDA903 returns (episodes, header, UASC, OC2, OC3), the programme records and, "
               "where given, comparison.csv; Table 6.4 lists each input file with its SHA-256; "
               "the SDQ source is the cohort key sdq_source (Table 6.2).";
    case 9:
        return d->none ? "No comparison group: before/after figures cannot separate the "
                         "programme from change over time, which 'How far to trust these "
                         "figures' says. Inconsistent returns are corrected by fixed rules and "
                         "counted (data_quality.csv)."
                       : "Balance of the groups (Table 1, balance table, Love plot), adjustment "
                         "for the measured characteristics, E-values for unmeasured confounding; "
                         "inconsistent returns corrected by fixed rules and counted "
                         "(data_quality.csv).";
    case 10:
        return d->none ? "Not applicable: every eligible child in the records is included; "
                         "there is no comparison for a power calculation."
                       : "Every eligible child in the records is included (no sample size "
                         "was set in advance); the minimum detectable difference (mde) is "
                         "shown beside the effect found.";
    case 11:
        return "codebook.csv gives the unit, range and groupings of each variable (placement "
               "and legal groups, SDQ bands, the subgroup cut-offs); continuous covariates "
               "enter the models as they are.";
    case 12:
        return item12(a, d);
    case 13:
        return "'Who was included': the participant flow chart and table (flow.csv) with the "
               "number and the reason at each stage.";
    case 14:
        return "(a) Table 1: baseline characteristics by group. (b) The outcome stages of the "
               "flow count the children with each outcome missing and why. (c) Follow-up is "
               "12 months from the index date for stability and placements, up to 3 years for "
               "the SDQ, and the care-leaver records for homelessness.";
    case 15:
        return "Each outcome section, and every row of estimates.csv, gives the number of "
               "children and of events.";
    case 16:
        return d->none ? "Proportions and means with 95% intervals; no adjusted estimate "
                         "without a comparison group."
                       : "Crude and adjusted estimates with 95% intervals side by side (the "
                         "adjusted models' covariates in Table 6.1); absolute risks "
                         "(proportions) beside the relative ones; SDQ band boundaries in the "
                         "SDQ section.";
    case 17:
        return d->subgroups ? "The subgroup forest plot and interaction tests (exploratory), "
                              "and the E-values."
               : d->none   ? "Not applicable: no other analyses without a comparison group."
                           : "The E-values (sensitivity to unmeasured confounding).";
    case 18:
        return "The headline figures.";
    case 19:
        return "'How far to trust these figures': the design, balance, E-value and data "
               "quality; the README's Limits section.";
    case 20:
        return "Not applicable: the report states the strength of the evidence and that "
               "subgroup results are exploratory, but weighing the results against other "
               "studies is for the evaluator.";
    case 21:
        return "Not applicable: the records are one authority's (or the pooled authorities'); "
               "whether the results apply elsewhere is for the evaluator to judge.";
    default:
        return "Not applicable: the report is produced by the authority's own run of lleval; "
               "the funding of the evaluation belongs to the evaluator's write-up.";
    }
}

void rp_section_strobe(rp_ctx *c)
{
    static const char *const ITEM[22][2] = {
        {"1 Title and abstract", "Design in the title or abstract; an informative summary"},
        {"2 Background", "Scientific background and rationale"},
        {"3 Objectives", "Specific objectives, including prespecified hypotheses"},
        {"4 Study design", "Key elements of the design early in the paper"},
        {"5 Setting", "Setting, locations, dates of recruitment, exposure, follow-up"},
        {"6 Participants", "Eligibility, sources and selection; (b) matched: criteria and "
                           "numbers"},
        {"7 Variables", "Define outcomes, exposures, predictors, confounders, effect "
                        "modifiers"},
        {"8 Data sources", "Sources and methods of measurement"},
        {"9 Bias", "Efforts to address potential sources of bias"},
        {"10 Study size", "How the study size was arrived at"},
        {"11 Quantitative variables", "How they were handled; groupings chosen and why"},
        {"12 Statistical methods", "(a) methods and confounding, (b) subgroups and "
                                   "interactions, (c) missing data, (d) loss to follow-up, "
                                   "(e) sensitivity analyses"},
        {"13 Participants", "Numbers at each stage, reasons, flow diagram"},
        {"14 Descriptive data", "(a) characteristics, (b) missing data, (c) follow-up time"},
        {"15 Outcome data", "Numbers of outcome events"},
        {"16 Main results", "Unadjusted and adjusted estimates with precision; category "
                            "boundaries; absolute risks"},
        {"17 Other analyses", "Subgroups, interactions, sensitivity analyses"},
        {"18 Key results", "Summarise key results"},
        {"19 Limitations", "Limitations, sources of bias or imprecision"},
        {"20 Interpretation", "Cautious overall interpretation"},
        {"21 Generalisability", "External validity"},
        {"22 Funding", "Funding and the role of funders"},
    };
    const char *design = c->in->design ? c->in->design : "none";
    strobe_design d = {!strcmp(design, "match"), !strcmp(design, "explicit"),
                       !strcmp(design, "none"), has_estimand(c, "adjusted_risk_difference"),
                       has_estimand(c, "subgroup_risk_difference")};
    rp_para(c->doc, RB_P,
            "STROBE checklist (Strengthening the Reporting of Observational Studies in "
            "Epidemiology, cohort studies; von Elm et al. 2007, Lancet 370:1453-1457): where "
            "this report and its output files address each item.");
    rp_table *t = rp_table_new(c->doc, "Table 6.5. STROBE checklist", 3, "Item",
                               "Recommendation", "Where it is addressed");
    for (int k = 0; k < 22; k++)
        rp_table_row(t, ITEM[k][0], ITEM[k][1], where(c, &d, k + 1));
}
