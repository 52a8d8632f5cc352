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

_Static_assert(LL_COV_PLACEMENT + LL_PG_N == LL_COV_LEGAL, "placement levels");
_Static_assert(LL_COV_LEGAL + LL_LEGAL_N == LL_COV_CIN_N1, "legal levels");
_Static_assert(LL_COV_CIN_N1 + 1 == LL_MATCH_NCOV, "columns");

const char *ll_match_cov_name(size_t j)
{
    return j < LL_MATCH_NCOV ? NAMES[j] : "?";
}

int ll_match_cov_reference(size_t j)
{
    return j == LL_COV_ETHNIC || j == LL_COV_PLACEMENT || j == LL_COV_LEGAL;
}

int ll_match_cov_continuous(size_t j)
{
    return j == LL_COV_AGE || (j >= LL_COV_YEARS_IN_CARE && j <= LL_COV_PLACEMENTS_BEFORE);
}

int ll_match_cov_skewed(size_t j)
{
    return j == LL_COV_YEARS_IN_CARE || j == LL_COV_PRIOR_PLACEMENTS;
}

void ll_match_cov_pack(ll_cov_packed *out, const ll_covariates *c)
{
    out->age_years = c->age_years;
    out->years_in_care = c->years_in_care;
    out->years_in_placement = c->years_in_placement;
    out->prior_placements = c->prior_placements;
    out->placements_before = c->placements_before;
    out->male = (unsigned char)c->male;
    out->uasc = (unsigned char)c->uasc;
    out->cin_n1 = (unsigned char)c->cin_n1;
    out->ethnic_group = (unsigned char)c->ethnic_group;
    out->placement_group = (unsigned char)c->placement_group;
    out->legal_group = (unsigned char)c->legal_group;
}

void ll_match_cov_unpack(double *row, const ll_cov_packed *c)
{
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        row[j] = 0.0;
    row[LL_COV_AGE] = c->age_years;
    row[LL_COV_MALE] = c->male;
    row[LL_COV_ETHNIC + c->ethnic_group] = 1.0;
    row[LL_COV_UASC] = c->uasc;
    row[LL_COV_YEARS_IN_CARE] = c->years_in_care;
    row[LL_COV_PRIOR_PLACEMENTS] = c->prior_placements;
    row[LL_COV_YEARS_IN_PLACEMENT] = c->years_in_placement;
    row[LL_COV_PLACEMENTS_BEFORE] = c->placements_before;
    row[LL_COV_PLACEMENT + c->placement_group] = 1.0;
    row[LL_COV_LEGAL + c->legal_group] = 1.0;
    row[LL_COV_CIN_N1] = c->cin_n1;
}

double ll_match_cov_value(const ll_cov_packed *c, size_t j)
{
    switch (j) {
    case LL_COV_AGE: return c->age_years;
    case LL_COV_MALE: return c->male;
    case LL_COV_UASC: return c->uasc;
    case LL_COV_YEARS_IN_CARE: return c->years_in_care;
    case LL_COV_PRIOR_PLACEMENTS: return c->prior_placements;
    case LL_COV_YEARS_IN_PLACEMENT: return c->years_in_placement;
    case LL_COV_PLACEMENTS_BEFORE: return c->placements_before;
    case LL_COV_CIN_N1: return c->cin_n1;
    default: break;
    }
    if (j >= LL_COV_LEGAL)
        return j - LL_COV_LEGAL == c->legal_group;
    if (j >= LL_COV_PLACEMENT)
        return j - LL_COV_PLACEMENT == c->placement_group;
    return j - LL_COV_ETHNIC == c->ethnic_group;
}

void ll_match_cov_row(double *row, const ll_covariates *c)
{
    ll_cov_packed p;
    ll_match_cov_pack(&p, c);
    ll_match_cov_unpack(row, &p);
}
