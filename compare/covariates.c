/* The covariate columns shared by the propensity model, balance and
 * Table 1: one column per level, reference levels flagged. */
#include "lleval/match.h"

static const char *NAMES[LL_MATCH_NCOV] = {
    "age_years", "male",
    "ethnic_group=white", "ethnic_group=mixed", "ethnic_group=asian", "ethnic_group=black",
    "ethnic_group=other", "ethnic_group=unknown",
    "uasc", "years_in_care", "prior_placements", "years_in_placement", "placements_before",
    "placement_group=foster", "placement_group=kinship", "placement_group=residential",
    "placement_group=semi_independent", "placement_group=adoption", "placement_group=parents",
    "placement_group=other",
    "legal_group=care_order", "legal_group=s20", "legal_group=other",
    "cin_n1",
};

enum { COL_ETHNIC = 2, COL_PLACEMENT = 13, COL_LEGAL = 20 };

const char *ll_match_cov_name(size_t j)
{
    return j < LL_MATCH_NCOV ? NAMES[j] : "?";
}

int ll_match_cov_reference(size_t j)
{
    return j == COL_ETHNIC || j == COL_PLACEMENT || j == COL_LEGAL;
}

int ll_match_cov_continuous(size_t j)
{
    return j == 0 || (j >= 9 && j <= 12);
}

void ll_match_cov_row(double *row, const ll_covariates *c)
{
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        row[j] = 0.0;
    row[0] = c->age_years;
    row[1] = c->male;
    row[COL_ETHNIC + c->ethnic_group] = 1.0;
    row[8] = c->uasc;
    row[9] = c->years_in_care;
    row[10] = c->prior_placements;
    row[11] = c->years_in_placement;
    row[12] = c->placements_before;
    row[COL_PLACEMENT + c->placement_group] = 1.0;
    row[COL_LEGAL + c->legal_group] = 1.0;
    row[23] = c->cin_n1;
}
