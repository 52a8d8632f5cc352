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

/* Each estimand's label in the tables (NULL: the code itself) and the
 * reference of its method (methods section). */
typedef struct estimand_text {
    const char *code, *label, *reference;
} estimand_text;

static const estimand_text ESTIMANDS[] = {
    {"proportion", "Proportion",
     "Wilson (1927), J Am Stat Assoc 22:209-212"},
    {"band_proportion", "Share in band",
     "Wilson (1927); Goodman and Goodman (1997) SDQ bands"},
    {"risk_difference", "Risk difference",
     "Newcombe (1998), Stat Med 17:873-890, method 10"},
    {"risk_ratio", "Risk ratio",
     "Katz et al. (1978), Biometrics 34:469-474"},
    {"e_value", "E-value",
     "VanderWeele and Ding (2017), Ann Intern Med 167:268-274"},
    {"odds_ratio", "Odds ratio (exact)",
     "Fisher's exact test, conditional MLE (R fisher.test)"},
    {"adjusted_odds_ratio", "Adjusted odds ratio",
     "Logistic regression (R glm, binomial), Wald intervals"},
    {"mde", "Minimum detectable difference",
     "Two-proportion power calculation, 80% power, two-sided 5%"},
    {"mean", "Mean",
     "Student (1908); R t.test"},
    {"mean_change", "Mean change (paired)",
     "Paired t test (R t.test, paired = TRUE)"},
    {"difference_in_differences", "Difference in changes",
     "Welch (1947), Biometrika 34:28-35"},
    {"median", "Median",
     "Sample median"},
    {"wilcoxon_signed_rank", "Wilcoxon signed-rank test",
     "Wilcoxon (1945), Biometrics Bulletin 1:80-83"},
    {"mixed_model", "Mixed model",
     "Bates et al. (2015), J Stat Softw 67(1), lme4, REML"},
    {"km_survival", "Not yet homeless (Kaplan-Meier)",
     "Kaplan and Meier (1958), J Am Stat Assoc 53:457-481; Greenwood"},
    {"log_rank", "Log-rank test",
     "Mantel (1966); Peto and Peto (1972); R survdiff"},
    {"hazard_ratio", "Hazard ratio (Cox)",
     "Cox (1972), J R Stat Soc B 34:187-220; Efron (1977) ties"},
    {"adjusted_risk_difference", "Adjusted risk difference (AIPW)",
     "Glynn and Quinn (2010), Political Analysis 18:36-56 (AIPW)"},
    {"adjusted_difference", "Adjusted difference (AIPW)",
     "Glynn and Quinn (2010), Political Analysis 18:36-56 (AIPW)"},
    {"adjusted_e_value", "E-value (adjusted)",
     "VanderWeele and Ding (2017), Ann Intern Med 167:268-274"},
    {"subgroup_risk_difference", NULL,
     "Newcombe (1998), method 10, within each subgroup"},
    {"interaction", NULL,
     "Likelihood-ratio test of nested glms (R anova, test = \"LRT\")"},
    {NULL, NULL, NULL},
};

static const estimand_text *estimand_find(const char *code)
{
    for (const estimand_text *t = ESTIMANDS; t->code != NULL; t++)
        if (strcmp(t->code, code) == 0)
            return t;
    return NULL;
}

const char *rp_estimand_label(const char *e)
{
    const estimand_text *t = estimand_find(e);
    return t != NULL && t->label != NULL ? t->label : e;
}

const char *rp_estimand_reference(const char *estimand)
{
    const estimand_text *t = estimand_find(estimand);
    return t != NULL ? t->reference : "";
}

static const char *input_label(const char *in)
{
    static const rp_label L[] = {
        {"moves", "Placement moves avoided (effect)"},
        {"placement_effects", "Placement effects (moves and weeks, together)"},
        {"homeless", "Homelessness avoided (effect)"},
        {"cost_per_move", "Cost of a placement move"},
        {"homelessness_cost", "Cost of a homeless care leaver"},
        {"programme_cost_per_child", "Programme cost per child"},
        {"persistence", "Persistence of the effect (0 to 1)"},
        {"discount_rate", "Discount rate (0% to 7%)"},
        {NULL, NULL},
    };
    return rp_label_find(L, in, in);
}

const char *rp_cost_input_label(rp_arena *a, const char *in)
{
    if (!strncmp(in, "weeks_", 6))
        return rp_printf(a, "Weeks in %s care (effect)", in + 6);
    if (!strncmp(in, "weekly_", 7))
        return rp_printf(a, "Weekly cost: %s", in + 7);
    return input_label(in);
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
