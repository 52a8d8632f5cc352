/* Numbers and names as the report prints them: percentages, intervals,
 * money with thousands separators, p-values, and plain-English labels for
 * the codes of the flow, the covariates and the design. */
#include "disclosure.h"
#include "doc.h"

#include <math.h>
#include <string.h>

char *rp_pct(rp_arena *a, double p)
{
    char b[40];
    if (isnan(p))
        return rp_strdup(a, "");
    return rp_printf(a, "%s%%", ll_sdc_percent(b, sizeof b, p));
}

char *rp_pct_ci(rp_arena *a, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        return rp_strdup(a, "");
    return rp_printf(a, "%s to %s", rp_pct(a, lo), rp_pct(a, hi));
}

char *rp_num(rp_arena *a, double x)
{
    char b[40];
    return rp_strdup(a, ll_sdc_decimal(b, sizeof b, x));
}

char *rp_money(rp_arena *a, double x)
{
    char b[64];
    return rp_strdup(a, ll_sdc_money(b, sizeof b, x));
}

char *rp_pvalue(rp_arena *a, double p)
{
    if (isnan(p))
        return rp_strdup(a, "");
    if (p < 0.001)
        return rp_strdup(a, "< 0.001");
    return rp_printf(a, "%.3f", ll_sdc_round(p, 3));
}

char *rp_est_ci(rp_arena *a, const rp_est *r, int pct)
{
    if (r == NULL)
        return rp_strdup(a, "");
    if (r->hidden)
        return rp_strdup(a, RP_NUM_ON "c" RP_NUM_OFF);
    const ll_estimate *e = r->e;
    if (isnan(e->estimate))
        return rp_strdup(a, "not computable");
    const char *est = pct ? rp_pct(a, e->estimate) : rp_num(a, e->estimate);
    if (isnan(e->conf_low) || isnan(e->conf_high))
        return rp_printf(a, RP_NUM_ON "%s" RP_NUM_OFF, est);
    const char *ci = pct ? rp_pct_ci(a, e->conf_low, e->conf_high)
                         : rp_printf(a, "%s to %s", rp_num(a, e->conf_low), rp_num(a, e->conf_high));
    return rp_printf(a, RP_NUM_ON "%s" RP_NUM_OFF " (95%% CI " RP_NUM_ON "%s" RP_NUM_OFF ")",
                     est, ci);
}

/* ---- labels ---------------------------------------------------------------- */

const char *rp_label_find(const rp_label *L, const char *code, const char *dflt)
{
    for (; L->code != NULL; L++)
        if (strcmp(L->code, code) == 0)
            return L->label;
    return dflt;
}

static const rp_label STAGES[] = {
    {"referred", "Referred to the programme"},
    {"consented", "Consented"},
    {"started", "Started the programme"},
    {"named", "Named in the comparison list"},
    {"looked_after_at_index", "In care at the start (index) date"},
    {"eligible", "Eligible"},
    {"analysed", "Analysed"},
    {"stable_12m", "Outcome known: same home a year later"},
    {"placements_after", "Outcome known: placements in the year after"},
    {"weeks_after", "Outcome known: weeks by placement type"},
    {"sdq_0", "Outcome known: SDQ at baseline"},
    {"sdq_1", "Outcome known: SDQ after one year"},
    {"sdq_2", "Outcome known: SDQ after two years"},
    {"sdq_3", "Outcome known: SDQ after three years"},
    {"homeless_ever", "Outcome known: care leaver housing"},
    {"identity_improved", "Outcome known: sense of identity"},
    {"connections_before", "Outcome known: connections before"},
    {"connections_after", "Outcome known: connections after"},
    {NULL, NULL}};

const char *rp_stage_label(const char *stage)
{
    return rp_label_find(STAGES, stage, stage);
}

static const rp_label REASONS[] = {
    {"no_consent", "did not consent"},
    {"no_start_date", "no start date"},
    {"no_index_date", "no index date"},
    {"not_in_returns", "not found in the SSDA903 returns"},
    {"not_looked_after_at_index", "not in care at the index date"},
    {"short_breaks", "short breaks only (V3/V4)"},
    {"ineligible_age", "too old at the index date"},
    {"ineligible_years_in_care", "too long in care"},
    {"ineligible_placement_group", "placement type excluded"},
    {"ineligible_legal_status", "legal status excluded"},
    {"no_match_within_caliper", "no comparison child within the caliper"},
    {"followup_incomplete", "follow-up not yet complete"},
    {"left_care", "left care within the year"},
    {"no_care_leaver_record", "no care-leaver record"},
    {"no_sdq_in_window", "no SDQ in the time window"},
    {"not_recorded", "not recorded"},
    {NULL, NULL}};

const char *rp_reason_label(const char *reason)
{
    return rp_label_find(REASONS, reason, reason);
}

static const char *const COVS[LL_MATCH_NCOV] = {
    "Age (years)", "Male",
    "Ethnic group: White", "Ethnic group: Mixed", "Ethnic group: Asian", "Ethnic group: Black",
    "Ethnic group: Other", "Ethnic group: Unknown",
    "Unaccompanied asylum-seeking", "Years in care", "Previous placements",
    "Years in current placement", "Placements in the year before",
    "Placement: foster care", "Placement: kinship", "Placement: residential",
    "Placement: semi-independent", "Placement: adoption", "Placement: with parents",
    "Placement: other",
    "Legal status: care order", "Legal status: section 20", "Legal status: other",
    "Category of need N1 (abuse or neglect)",
};

const char *rp_cov_label(size_t j)
{
    return j < LL_MATCH_NCOV ? COVS[j] : "?";
}

const char *rp_design_words(const char *design)
{
    if (design && strcmp(design, "match") == 0)
        return "a matched comparison group (children in care who did not take part, "
               "matched on their propensity score in the same month)";
    if (design && strcmp(design, "explicit") == 0)
        return "a comparison group named by the local authority (comparison.csv)";
    return "no comparison group: the figures describe the children who took part, before "
           "and after";
}
