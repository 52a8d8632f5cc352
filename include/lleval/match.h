/* The comparison group by risk-set propensity matching (SPEC section 5),
 * and the balance of the covariates before and after.
 *
 * Matching runs between the cohort (ll_derive_cohort) and the analysis
 * rows (ll_derive_analysis): it reads covariates from the loaded histories,
 * sets match_id and ps_logit on the treated entries and appends one entry
 * per matched comparison child. */
#ifndef LLEVAL_MATCH_H
#define LLEVAL_MATCH_H

#include "lleval/derive.h"
#include "lleval/error.h"

#include <stddef.h>
#include <stdio.h>

/* Covariate columns for balance: every level of every categorical
 * covariate separately, reference levels included.  The propensity model
 * uses the LL_MATCH_NMODEL of them that are not reference levels. */
#define LL_MATCH_NCOV 24
#define LL_MATCH_NMODEL 21

/* One matched pair (with ratio > 1, several pairs share a match_id). */
typedef struct ll_match_pair {
    long match_id;
    size_t treated, comparison; /* child indices of the derive data */
    long month;                 /* day number of the month's first day */
    double logit_treated, logit_comparison, distance;
} ll_match_pair;

/* What matching did, for matches.csv, balance and the report. */
typedef struct ll_match {
    ll_match_pair *pairs; /* in match_id order, then pass order */
    size_t n_pairs;
    size_t n_treated_eligible; /* eligible treated children in the model */
    size_t n_treated_matched;
    size_t n_candidate_rows;   /* candidate (child, month) rows in the model */
    size_t n_candidate_children;
    size_t n_months;
    double caliper_width;      /* caliper x SD of the logit, in logit units */
    double logit_sd;
    int glm_status;            /* LL_OK, or LL_ESEPARATION / LL_ENOCONV (warned) */
    /* The model: names and coefficients of the columns kept (intercept
     * first); dropped constant columns are not listed. */
    size_t n_coef;
    const char *coef_name[LL_MATCH_NMODEL + 1];
    double coef[LL_MATCH_NMODEL + 1];
    /* Covariate matrices for balance, LL_MATCH_NCOV columns each, row-major:
     * eligible treated at index, all candidate rows, matched treated and
     * matched comparison. */
    double *x_treated, *x_candidates, *x_matched_t, *x_matched_c;
    size_t n_x_treated, n_x_candidates, n_x_matched_t, n_x_matched_c;
} ll_match;

/* Names of the LL_MATCH_NCOV covariate columns ("age_years", ...,
 * "ethnic_group=white", ...), each level separately. */
const char *ll_match_cov_name(size_t j);
/* 1 when column j is the reference level of its categorical covariate
 * (not in the propensity model). */
int ll_match_cov_reference(size_t j);
/* Fills row[0 .. LL_MATCH_NCOV) from covariates. */
void ll_match_cov_row(double *row, const ll_covariates *c);
/* 1 for the continuous covariates (SMD with sample variances, and a
 * variance ratio), 0 for binary ones. */
int ll_match_cov_continuous(size_t j);

/* Matches the treated entries of cohort (design LL_COMPARISON_MATCH) with
 * candidate rows per SPEC 5, using cfg's caliper, ratio and exact: sets
 * match_id and ps_logit of the eligible treated entries and appends the
 * matched comparison children to cohort.  progress may be NULL.  On success
 * *out describes the matching (ll_match_free).  Errors: LL_ENOMEM; LL_EDOM
 * when there is no eligible treated child or no candidate (the message says
 * which; the cohort is unchanged); LL_EINTERNAL. */
int ll_match_run(ll_match **out, const ll_derive_data *d, ll_cohort *cohort,
                 ll_progress_fn progress, void *progress_user, ll_error *err);

void ll_match_free(ll_match *m);

/* Writes secure/matches.csv (SPEC 5 columns).  LL_OK or LL_EIO. */
int ll_match_write_csv(FILE *f, const ll_derive_data *d, const ll_match *m);

#endif
