/* The codebook of secure/analysis.csv (SPEC 4): one table, in column
 * order, from which both secure/codebook.csv and the README's column list
 * are written, so that a definition is stated once. */
#include "lleval/handover.h"

#include "lleval/format.h"

#include <stdlib.h>
#include <string.h>

#define WEEKS_AFTER(g, places)                                                                 \
    {"weeks_" g "_after", "number", "weeks",                                                   \
     "Days in [index, index + 365) spent in " g " placement spells (" places "), divided by "  \
     "7",                                                                                      \
     "0 to 52.14", "followup_incomplete", "3"}
#define WEEKS_BEFORE(g, places)                                                                \
    {"weeks_" g "_before", "number", "weeks",                                                  \
     "Days in [index - 365, index) spent in " g " placement spells (" places "), divided by "  \
     "7; days not looked after count 0. The pre-period the cost model adjusts for",            \
     "0 to 52.14", "", "3"}
#define SDQ(k, window)                                                                         \
    {"sdq_" k, "integer", "SDQ points",                                                        \
     "SDQ total difficulties: the latest score dated in " window " (OC2 scores are dated 31 "  \
     "March of their collection year, item-level scores by their DATE; source "                \
     "cohort.sdq_source)",                                                                     \
     "0 to 40", "no_sdq_in_window", "3"}

static const ll_codebook_entry ENTRIES[] = {
    {"la", "text", "", "Local authority code (--la at ingest, or the LA column of a stacked "
     "extract or comparison.csv)", "", "", "2"},
    {"child", "text", "", "Child ID exactly as in the input files (text: leading zeros kept)", "",
     "", "2.1"},
    {"group", "category", "", "Treated (CONSENT = Y and a START_DATE) or comparison child",
     "treated; comparison", "", "4"},
    {"index_date", "date", "ISO date", "Index date: START_DATE (or REFERRAL_DATE, FGC_DATE: "
     "cohort.index) for treated children; INDEX_DATE of comparison.csv, or the first day of the "
     "matched month, for comparison children", "", "", "3"},
    {"eligible", "boolean", "", "1 when eligible at index: age_years < cohort.max_age (16), "
     "years_in_care < cohort.max_years_in_care (3), placement group not in "
     "cohort.excluded_placement_groups (adoption, parents) and legal status not in "
     "cohort.excluded_legal_status (E1, D1); ineligible children are left out of the estimates",
     "1; 0", "", "3"},
    {"age_years", "number", "years", "(index date - date of birth) / 365.25", "0 or more", "",
     "3"},
    {"male", "boolean", "", "1 if SEX is 1 (male), else 0", "1; 0", "", "3"},
    {"ethnic_group", "category", "", "From ETHNIC: white (W...), mixed (M...), asian (A...), "
     "black (B...), other (CHNE, OOTH), unknown (REFU, NOBT, empty or not in the DfE list)",
     "white; mixed; asian; black; other; unknown", "", "3"},
    {"uasc", "boolean", "", "1 if the child has a UASC row whose DUC is empty or after the index "
     "date (unaccompanied asylum-seeking child at index)", "1; 0", "", "3"},
    {"years_in_care", "number", "years", "(index date - first DECOM of the period of care "
     "containing the index date) / 365.25", "0 or more", "", "3"},
    {"prior_placements", "integer", "placement spells", "Placement spells of the period of care "
     "containing the index date that began on or before it", "1 or more", "", "3"},
    {"years_in_placement", "number", "years", "(index date - first DECOM of the placement spell "
     "covering the index date) / 365.25", "0 or more", "", "3"},
    {"placement_group", "category", "", "Placement group of the spell covering the index date, "
     "from its first episode's PLACE: foster U4-U6; kinship U1-U3; residential K1 K2 R1 S1; "
     "semi_independent H5 K3 P2; adoption A3-A6; parents P1; other",
     "foster; kinship; residential; semi_independent; adoption; parents; other", "", "3"},
    {"legal_group", "category", "", "Legal status (LS) of the episode covering the index date: "
     "care_order C1 C2; s20 V2; other", "care_order; s20; other", "", "3"},
    {"cin_n1", "boolean", "", "1 if the CIN (category of need) of the episode covering the index "
     "date is N1 (abuse or neglect)", "1; 0", "", "3"},
    {"stable_12m", "boolean", "", "Placement stability: 0 if a placement move begins in (index, "
     "index + 365]; NA if the period of care ends in that year (left_care; 0 instead with "
     "cohort.leavers = unstable); otherwise 1", "1; 0", "followup_incomplete;left_care", "3"},
    {"placements_before", "integer", "placement spells", "Placement spells of any period "
     "overlapping [index - 365, index)", "0 or more", "", "3"},
    {"placements_after", "integer", "placement spells", "Placement spells of any period "
     "overlapping [index, index + 365)", "1 or more", "followup_incomplete", "3"},
    WEEKS_AFTER("foster", "U4-U6"),
    WEEKS_AFTER("kinship", "U1-U3"),
    WEEKS_AFTER("residential", "K1 K2 R1 S1"),
    WEEKS_AFTER("semi_independent", "H5 K3 P2"),
    WEEKS_AFTER("adoption", "A3-A6"),
    WEEKS_AFTER("parents", "P1"),
    WEEKS_AFTER("other", "any other PLACE"),
    WEEKS_BEFORE("foster", "U4-U6"),
    WEEKS_BEFORE("kinship", "U1-U3"),
    WEEKS_BEFORE("residential", "K1 K2 R1 S1"),
    WEEKS_BEFORE("semi_independent", "H5 K3 P2"),
    WEEKS_BEFORE("adoption", "A3-A6"),
    WEEKS_BEFORE("parents", "P1"),
    WEEKS_BEFORE("other", "any other PLACE"),
    SDQ("0", "(index - 365, index] (baseline)"),
    SDQ("1", "(index, index + 365] (year 1)"),
    SDQ("2", "(index + 365, index + 730] (year 2)"),
    SDQ("3", "(index + 730, index + 1095] (year 3)"),
    {"identity_improved", "boolean", "", "IDENTITY_IMPROVED of lifelong_links.csv: the child "
     "reports an improved sense of identity (treated children only; empty for comparison "
     "children)", "1; 0", "not_recorded", "2.2"},
    {"connections_before", "integer", "people", "CONNECTIONS_BEFORE of lifelong_links.csv: "
     "people in the child's network at the start (treated children only)", "0 or more",
     "not_recorded", "2.2"},
    {"connections_after", "integer", "people", "CONNECTIONS_AFTER of lifelong_links.csv: people "
     "in the child's network at the end (treated children only)", "0 or more", "not_recorded",
     "2.2"},
    {"homeless_ever", "boolean", "", "1 if any care-leaver (OC3) record dated after the index "
     "date has an ACCOM letter in cohort.homeless_accom (S, V, W), 0 if there are such records "
     "and none is; records with ACCOM 0 or empty do not count", "1; 0", "no_care_leaver_record",
     "3"},
    {"homeless_time", "integer", "years of age", "Age at the first homeless care-leaver record, "
     "or at the last counted record when none (an OC3 record is dated on the birthday in its "
     "collection year)", "whole years", "no_care_leaver_record", "3"},
    {"homeless_event", "boolean", "", "1 if homeless_time is the age at a homeless record, 0 if "
     "it is censored at the last record", "1; 0", "no_care_leaver_record", "3"},
    {"match_id", "integer", "", "Matched design only: the number of the match (matched treated "
     "children numbered 1, 2, ... in the order they were matched; a comparison child carries "
     "its treated child's number)", "1 or more",
     "no_match_within_caliper;ineligible_age;ineligible_years_in_care;"
     "ineligible_placement_group;ineligible_legal_status", "5"},
    {"ps_logit", "number", "log-odds", "Matched design only: the child's propensity score on the "
     "logit scale (treated: at its index date; comparison: on the first day of its matched "
     "month)", "any",
     "ineligible_age;ineligible_years_in_care;ineligible_placement_group;ineligible_legal_status",
     "5"},
};
#define N_ENTRIES (sizeof ENTRIES / sizeof ENTRIES[0])

size_t ll_codebook_n(void)
{
    return N_ENTRIES;
}

const ll_codebook_entry *ll_codebook_get(size_t i)
{
    return i < N_ENTRIES ? &ENTRIES[i] : NULL;
}

const ll_codebook_entry *ll_codebook_find(const char *variable)
{
    for (size_t i = 0; i < N_ENTRIES; i++)
        if (!strcmp(ENTRIES[i].variable, variable))
            return &ENTRIES[i];
    return NULL;
}

/* The flow reasons of entry e in this run. */
static const char *missing_when(const ll_codebook_entry *e, const ll_config *cfg)
{
    if (cfg != NULL && cfg->cohort.leavers == LL_LEAVERS_UNSTABLE &&
        !strcmp(e->variable, "stable_12m"))
        return "followup_incomplete";
    return e->missing_when;
}

static void put_row(FILE *f, const ll_codebook_entry *e, const char *missing)
{
    const char *cells[7] = {e->variable, e->type, e->unit, e->definition, e->values, missing,
                            e->spec};
    for (int k = 0; k < 7; k++) {
        if (k)
            fputc(',', f);
        ll_csv_put_field(f, cells[k]);
    }
    fputc('\n', f);
}

int ll_codebook_write_csv(FILE *f, const char *header, const ll_config *cfg, ll_error *err)
{
    char *cols = strdup(header);
    int rc = LL_OK;
    if (cols == NULL)
        return ll_error_set(err, LL_ENOMEM, "codebook: out of memory");
    cols[strcspn(cols, "\r\n")] = '\0';
    fputs("variable,type,unit,definition,values,missing_when,spec\n", f);
    for (char *save = NULL, *name = strtok_r(cols, ",", &save); name != NULL;
         name = strtok_r(NULL, ",", &save)) {
        const ll_codebook_entry *e = ll_codebook_find(name);
        if (e == NULL) {
            rc = ll_error_set(err, LL_EINTERNAL,
                              "codebook: analysis.csv column '%s' has no codebook entry", name);
            goto done;
        }
        put_row(f, e, missing_when(e, cfg));
    }
    if (ferror(f))
        rc = ll_error_set(err, LL_EIO, "codebook: write failed");
done:
    free(cols);
    return rc;
}

/* A Markdown table cell: the text with '|' escaped. */
static void md_cell(FILE *f, const char *s)
{
    fputc(' ', f);
    ll_put_escaped(f, s, '|', '\\');
    fputs(" |", f);
}

int ll_codebook_write_markdown(FILE *f, ll_error *err)
{
    fputs("| variable | type | unit | definition | values | NA when (flow reason) | SPEC |\n"
          "|---|---|---|---|---|---|---|\n",
          f);
    for (size_t i = 0; i < N_ENTRIES; i++) {
        const ll_codebook_entry *e = &ENTRIES[i];
        char name[64];
        snprintf(name, sizeof name, "`%s`", e->variable);
        fputc('|', f);
        md_cell(f, name);
        const char *cells[6] = {e->type, e->unit, e->definition, e->values, e->missing_when,
                                e->spec};
        for (int k = 0; k < 6; k++)
            md_cell(f, cells[k]);
        fputc('\n', f);
    }
    return ferror(f) ? ll_error_set(err, LL_EIO, "codebook: write failed") : LL_OK;
}
