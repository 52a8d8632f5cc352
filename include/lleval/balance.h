/* Balance diagnostics (SPEC section 5) and the "Table 1" of baseline
 * characteristics, from covariate rows of the layout of lleval/match.h
 * (LL_MATCH_NCOV columns, row-major). */
#ifndef LLEVAL_BALANCE_H
#define LLEVAL_BALANCE_H

#include "lleval/error.h"
#include "lleval/match.h"

#include <stddef.h>
#include <stdio.h>

/* A set of children's covariate rows; sdq0 (may be NULL) their baseline
 * SDQ, NAN for NA.  The rows are x (n x LL_MATCH_NCOV, row-major) or, when
 * x is NULL, columns(ctx, j, k) returns their columns j .. j + k - 1
 * (k <= LL_MATCH_COLUMN_BLOCK) as an n x k row-major block, valid until the
 * next call: so matching's 1.7 million candidate rows need not be held as
 * doubles.  Every statistic is the same either way (each column's sums run
 * over the rows in the same order). */
typedef struct ll_cov_set {
    const double *x;
    size_t n;
    const double *sdq0;
    const double *(*columns)(const void *ctx, size_t j, size_t k);
    const void *ctx;
} ll_cov_set;

/* One covariate's balance.  NAN where not defined (a constant column, a
 * variance ratio of a binary covariate, no "after" in an explicit design).
 * As in R, an SMD is +-INFINITY when each group is constant at a different
 * value (zero denominator), and a variance ratio INFINITY when only the
 * comparison rows have no variance; CSV writes these as Inf. */
typedef struct ll_balance_row {
    double mean_t_before, mean_c_before, mean_t_after, mean_c_after;
    double smd_before, smd_after, vr_before, vr_after;
} ll_balance_row;

typedef struct ll_balance {
    ll_balance_row row[LL_MATCH_NCOV];
    int has_after;   /* matched design */
    int adequate;    /* every defined |SMD| (after, or before when explicit) < 0.1 */
    double max_abs_smd;
} ll_balance;

/* Computes the balance of t_before against c_before and, when t_after and
 * c_after are not NULL, of t_after against c_after, every SMD with the
 * *before* denominator (SPEC 5).  Sets fill *out.  Never fails. */
void ll_balance_compute(ll_balance *out, const ll_cov_set *t_before, const ll_cov_set *c_before,
                        const ll_cov_set *t_after, const ll_cov_set *c_after);

/* Writes secure/balance.csv: covariate,type,mean_treated_before,
 * mean_comparison_before,mean_treated_after,mean_comparison_after,
 * smd_before,smd_after,variance_ratio_before,variance_ratio_after, one row
 * per covariate level, then a row `all_abs_smd_below_0.1` whose type is
 * `summary` and smd column holds 1 or 0.  LL_OK or LL_EIO. */
int ll_balance_write_csv(FILE *f, const ll_balance *b);

/* Table 1 of baseline characteristics (SPEC 5): one row per covariate
 * level, then the baseline SDQ; one column per set of children.  Cells are
 * the display text: continuous covariates mean (SD), years in care and
 * prior placements median [IQR] (R type 7); categories n (%); baseline SDQ
 * mean (SD); count is the n of a category's "n (%)" or the SDQ's children
 * with a score, -1 where the cell has none. */
#define LL_TABLE1_MAXSETS 4
#define LL_TABLE1_NROW (LL_MATCH_NCOV + 1)
#define LL_TABLE1_TEXT 64

typedef struct ll_table1_row {
    const char *characteristic; /* static: the covariate name or "sdq_baseline" */
    const char *statistic;      /* static: "mean (SD)", "median [IQR]" or "n (%)" */
    char cell[LL_TABLE1_MAXSETS][LL_TABLE1_TEXT];
    long count[LL_TABLE1_MAXSETS];
    double smd; /* the balance's after column in a matched design, else before; NAN: none */
} ll_table1_row;

typedef struct ll_table1 {
    size_t nsets;
    const char *set_name[LL_TABLE1_MAXSETS]; /* borrowed from the caller */
    size_t set_n[LL_TABLE1_MAXSETS];
    int set_has_sdq[LL_TABLE1_MAXSETS];      /* the set came with baseline SDQ scores */
    size_t nrow;                             /* LL_TABLE1_NROW */
    ll_table1_row row[LL_TABLE1_NROW];
} ll_table1;

/* Computes Table 1 of nsets (at most LL_TABLE1_MAXSETS) sets into *out;
 * names[k] names sets[k] (borrowed: they must outlive out); sets[0] is the
 * treated group.  Errors: LL_ENOMEM, LL_EINPUT (too many sets). */
int ll_table1_compute(ll_table1 *out, const ll_cov_set *sets, const char *const *names,
                      size_t nsets, const ll_balance *b, ll_error *err);

/* Writes secure/table1.csv: characteristic,statistic, then one column per
 * set headed "<name> (N = n)", then smd; the SDQ cell is "mean (SD); n =
 * k".  LL_OK or LL_EIO. */
int ll_table1_write_csv(FILE *f, const ll_table1 *t, ll_error *err);

#endif
