/* Small dense helpers shared by the model fitters (glm.c, lmm.c, surv.c);
 * private to the stats module.  All matrices are row-major and small
 * (p x p), so plain loops are enough. */
#ifndef LLEVAL_MODELS_INTERNAL_H
#define LLEVAL_MODELS_INTERNAL_H

#include <stddef.h>

/* Folds `row` (length m, overwritten) into the upper-triangular m x m
 * factor R by Givens rotations, so that R'R gains row row'.  Backward
 * stable, unlike adding to a Gram matrix. */
void ll_models_givens_fold(double *R, size_t m, double *row);

/* Cholesky factor of the symmetric positive definite m x m matrix A:
 * fills upper-triangular U with U'U = A (lower part zeroed).  Returns 0,
 * or -1 when a pivot is not positive. */
int ll_models_chol(double *U, const double *A, size_t m);

/* Solves U'U x = b in place (b becomes x) for upper-triangular U. */
void ll_models_chol_solve(const double *U, size_t m, double *b);

/* Solves U x = b in place for upper-triangular U (back substitution). */
void ll_models_backsolve(const double *U, size_t m, double *b);

/* The norms of column j of the column-major m x p matrix M: the whole
 * column's into *norm0 (1 when it is 0) and that of its rows r..m-1 into
 * *rem, the two numbers dqrdc2's limited pivoting compares. */
void ll_models_col_norms(double *norm0, double *rem, const double *M, size_t m, size_t j,
                         size_t r);

/* One Householder step of a QR by columns (R's dqrdc2 without its own
 * pivoting): column j of the column-major m x p matrix M, whose rows r..m-1
 * have norm rem (> 0), is reflected onto row r; the same reflection is
 * applied to columns j+1..p-1 and to rhs (length m).  Afterwards M's column
 * j holds the Householder vector below row r and R's diagonal element at
 * row r. */
void ll_models_householder(double *M, double *rhs, size_t m, size_t p, size_t j, size_t r,
                           double rem);

/* cov = (U'U)^{-1} for upper-triangular U; work has m * m doubles. */
void ll_models_chol_inverse(const double *U, size_t m, double *cov, double *work);

/* A new zeroed fit struct of `size` bytes whose coefficient table, at
 * offset `table` (offsetof(type, coefs)), has p rows, the table's arrays in
 * the same allocation: free() of the fit frees all (so the fit's _free is
 * free()).  NULL when out of memory. */
void *ll_models_fit_new(size_t size, size_t table, size_t p);

/* 2 * pnorm(-|z|). */
double ll_models_p_normal(double z);

#endif
