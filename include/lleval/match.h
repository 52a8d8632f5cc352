/* The comparison group by risk-set propensity matching (SPEC section 5),
 * and the balance of the covariates before and after.
 *
 * Matching runs between the cohort (ll_derive_cohort) and the analysis
 * rows: it reads the cohort and the covariates of the loaded histories and
 * returns the pairs, with the pairing (match_id and ps_logit per cohort
 * entry, the matched comparison children) that ll_derive_cohort_analysis
 * builds the analysis rows from. */
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

/* The columns, in order; a categorical covariate's first column is its
 * reference level, followed by its other levels. */
enum {
    LL_COV_AGE = 0, LL_COV_MALE = 1, LL_COV_ETHNIC = 2, /* 6 levels */
    LL_COV_UASC = 8, LL_COV_YEARS_IN_CARE = 9, LL_COV_PRIOR_PLACEMENTS = 10,
    LL_COV_YEARS_IN_PLACEMENT = 11, LL_COV_PLACEMENTS_BEFORE = 12,
    LL_COV_PLACEMENT = 13, /* LL_PG_N levels */
    LL_COV_LEGAL = 20,     /* LL_LEGAL_N levels */
    LL_COV_CIN_N1 = 23
};

/* One matched pair (with ratio > 1, several pairs share a match_id). */
typedef struct ll_match_pair {
    long match_id;
    size_t treated, comparison; /* child indices of the derive data */
    long month;                 /* day number of the month's first day */
    double logit_treated, logit_comparison, distance;
} ll_match_pair;

/* The options of SPEC 5 matching (the [analysis] keys). */
typedef struct ll_match_options {
    double caliper; /* in standard deviations of the logit */
    int ratio;      /* comparison children per treated child */
    int exact_la;   /* 1: only within the same local authority */
} ll_match_options;

/* The options as cfg's [analysis] section sets them. */
void ll_match_options_from_config(ll_match_options *out, const ll_config *cfg);

/* What matching did, for the analysis rows, matches.csv, balance and the
 * report. */
typedef struct ll_match {
    ll_match_pair *pairs; /* in match_id order, then pass order */
    size_t n_pairs;
    ll_pairing pairing;   /* owned: for ll_derive_cohort_analysis */
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
     * eligible treated at index, matched treated and matched comparison.
     * The n_x_candidates candidate rows (1.7 million for 200,000 children)
     * are kept packed, in candidates (owned, opaque): read them a block of
     * columns at a time with ll_match_candidate_columns. */
    double *x_treated, *x_matched_t, *x_matched_c;
    struct ll_match_rows *candidates;
    double *column_buf; /* n_x_candidates x LL_MATCH_COLUMN_BLOCK, for ll_match_candidate_columns */
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

/* The covariates of one row in 40 bytes instead of LL_MATCH_NCOV doubles:
 * the row's doubles come back from it exactly (the flags, levels and
 * counts are small integers).  Matching keeps its candidate rows so. */
typedef struct ll_cov_packed {
    double age_years, years_in_care, years_in_placement;
    int prior_placements, placements_before;
    unsigned char male, uasc, cin_n1, ethnic_group, placement_group, legal_group;
} ll_cov_packed;

/* Packs covariates (flags 0/1, levels of their enums). */
void ll_match_cov_pack(ll_cov_packed *out, const ll_covariates *c);
/* Fills row[0 .. LL_MATCH_NCOV) from a packed row: the same doubles as
 * ll_match_cov_row gives for the covariates packed. */
void ll_match_cov_unpack(double *row, const ll_cov_packed *c);
/* Column j of the packed row (row[j] of ll_match_cov_unpack). */
double ll_match_cov_value(const ll_cov_packed *c, size_t j);
/* 1 for the continuous covariates (SMD with sample variances, and a
 * variance ratio), 0 for binary ones. */
int ll_match_cov_continuous(size_t j);
/* 1 for the skewed continuous covariates Table 1 shows as median [IQR]
 * (years in care, prior placements). */
int ll_match_cov_skewed(size_t j);

/* Matches the treated entries of cohort (design LL_COMPARISON_MATCH) with
 * candidate rows per SPEC 5 with opt's caliper, ratio and exact: the pairs,
 * and in (*out)->pairing the match_id and ps_logit of every cohort entry
 * and the matched comparison children (the cohort is not changed).
 * progress may be NULL.  On success *out describes the matching
 * (ll_match_free).  Errors: LL_ENOMEM; LL_EDOM when there is no eligible
 * treated child or no candidate (the message says which); LL_EINTERNAL. */
int ll_match_run(ll_match **out, const ll_derive_data *d, const ll_cohort *cohort,
                 const ll_match_options *opt, ll_progress_fn progress, void *progress_user,
                 ll_error *err);

void ll_match_free(ll_match *m);

/* Covariate columns j .. j + k - 1 (k <= LL_MATCH_COLUMN_BLOCK, j + k <=
 * LL_MATCH_NCOV) of the m->n_x_candidates candidate rows, in their stored
 * order (bucket, logit, child), as an n x k row-major block: those columns
 * of the row-major matrix the rows would make.  The block is written into
 * a buffer m owns and is valid until the next call on m (so not for two
 * threads at once).  m is a const ll_match * (void: ll_cov_set's column
 * source). */
#define LL_MATCH_COLUMN_BLOCK 8
const double *ll_match_candidate_columns(const void *m, size_t j, size_t k);

/* Writes secure/matches.csv (SPEC 5 columns).  LL_OK or LL_EIO. */
int ll_match_write_csv(FILE *f, const ll_derive_data *d, const ll_match *m);

#endif
