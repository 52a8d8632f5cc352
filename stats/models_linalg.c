/* Small dense linear algebra for the model fitters: Givens row folding
 * (a streaming QR), Cholesky factor, solves and inverse.  The matrices are
 * p x p with p at most a few dozen, so simple loops beat calling BLAS. */
#include "models_internal.h"

#include "lleval/block.h"
#include "lleval/statmodels.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void ll_models_givens_fold(double *R, size_t m, double *row)
{
    for (size_t j = 0; j < m; j++) {
        double xj = row[j];
        if (xj == 0.0)
            continue;
        double rjj = R[j * m + j];
        double r = sqrt(rjj * rjj + xj * xj); /* hypot() costs as much as the rest */
        if (!isfinite(r) || r < 1e-150)
            r = hypot(rjj, xj);
        double inv = 1.0 / r;
        double c = rjj * inv, s = xj * inv;
        R[j * m + j] = r;
        for (size_t k = j + 1; k < m; k++) {
            double a = R[j * m + k], b = row[k];
            R[j * m + k] = c * a + s * b;
            row[k] = c * b - s * a;
        }
    }
}

int ll_models_chol(double *U, const double *A, size_t m)
{
    memset(U, 0, m * m * sizeof *U);
    for (size_t j = 0; j < m; j++) {
        double d = A[j * m + j];
        for (size_t k = 0; k < j; k++)
            d -= U[k * m + j] * U[k * m + j];
        if (!(d > 0.0))
            return -1;
        double ujj = sqrt(d);
        U[j * m + j] = ujj;
        for (size_t i = j + 1; i < m; i++) {
            double s = A[j * m + i];
            for (size_t k = 0; k < j; k++)
                s -= U[k * m + j] * U[k * m + i];
            U[j * m + i] = s / ujj;
        }
    }
    return 0;
}

void ll_models_backsolve(const double *U, size_t m, double *b)
{
    for (size_t jj = m; jj-- > 0;) {
        double s = b[jj];
        for (size_t k = jj + 1; k < m; k++)
            s -= U[jj * m + k] * b[k];
        b[jj] = s / U[jj * m + jj];
    }
}

void ll_models_chol_solve(const double *U, size_t m, double *b)
{
    /* U' y = b (forward), then U x = y */
    for (size_t j = 0; j < m; j++) {
        double s = b[j];
        for (size_t k = 0; k < j; k++)
            s -= U[k * m + j] * b[k];
        b[j] = s / U[j * m + j];
    }
    ll_models_backsolve(U, m, b);
}

void ll_models_chol_inverse(const double *U, size_t m, double *cov, double *work)
{
    /* work = U^{-1} (upper triangular), column by column */
    memset(work, 0, m * m * sizeof *work);
    for (size_t c = 0; c < m; c++) {
        work[c * m + c] = 1.0 / U[c * m + c];
        for (size_t jj = c; jj-- > 0;) {
            double s = 0.0;
            for (size_t k = jj + 1; k <= c; k++)
                s += U[jj * m + k] * work[k * m + c];
            work[jj * m + c] = -s / U[jj * m + jj];
        }
    }
    /* cov = U^{-1} U^{-T} */
    for (size_t i = 0; i < m; i++)
        for (size_t j = i; j < m; j++) {
            double s = 0.0;
            for (size_t k = j; k < m; k++)
                s += work[i * m + k] * work[j * m + k];
            cov[i * m + j] = s;
            cov[j * m + i] = s;
        }
}

double ll_models_p_normal(double z)
{
    return 2.0 * gsl_cdf_ugaussian_P(-fabs(z));
}

/* ---- the coefficient table of every model -------------------------------- */

/* The table's seven arrays, for a table at offset `table` of its struct:
 * six columns of p rows and the p x p covariance (each one longer, so that
 * p = 0 allocates). */
static void table_parts(ll_block_part *part, size_t table, size_t p)
{
    static const size_t col[7] = {
        offsetof(ll_coef_table, estimate), offsetof(ll_coef_table, se),
        offsetof(ll_coef_table, statistic), offsetof(ll_coef_table, p_value),
        offsetof(ll_coef_table, conf_low), offsetof(ll_coef_table, conf_high),
        offsetof(ll_coef_table, cov)};
    for (int k = 0; k < 7; k++)
        part[k] = (ll_block_part){table + col[k], sizeof(double), k < 6 ? p + 1 : p * p + 1};
}

int ll_coef_table_alloc(ll_coef_table *t, size_t p)
{
    ll_block_part part[7];
    table_parts(part, 0, p);
    if (ll_block_arrays(t, part, 7) != NULL)
        return LL_OK;
    memset(t, 0, sizeof *t);
    return LL_ENOMEM;
}

void ll_coef_table_free(ll_coef_table *t)
{
    if (t == NULL)
        return;
    free(t->estimate); /* the block of all seven */
    memset(t, 0, sizeof *t);
}

void *ll_models_fit_new(size_t size, size_t table, size_t p)
{
    ll_block_part part[7];
    table_parts(part, table, p);
    return ll_block_new(size, part, 7);
}

void ll_coef_table_wald(ll_coef_table *t, size_t j, double est, double se)
{
    t->estimate[j] = est;
    t->se[j] = se;
    t->statistic[j] = est / se;
    t->p_value[j] = ll_models_p_normal(est / se);
    t->conf_low[j] = est - LL_Z975 * se;
    t->conf_high[j] = est + LL_Z975 * se;
}

void ll_models_col_norms(double *norm0, double *rem, const double *M, size_t m, size_t j,
                         size_t r)
{
    const double *c = M + j * m;
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < m; i++)
        a += c[i] * c[i];
    for (size_t i = r; i < m; i++)
        b += c[i] * c[i];
    *norm0 = a > 0.0 ? sqrt(a) : 1.0;
    *rem = sqrt(b);
}

void ll_models_householder(double *M, double *rhs, size_t m, size_t p, size_t j, size_t r,
                           double rem)
{
    double *c = M + j * m;
    double alpha = c[r] > 0.0 ? -rem : rem;
    c[r] -= alpha; /* c[r..] is now the Householder vector v */
    double vv = 0.0;
    for (size_t i = r; i < m; i++)
        vv += c[i] * c[i];
    for (size_t jj = j + 1; jj <= p; jj++) {
        double *d = jj < p ? M + jj * m : rhs;
        double s = 0.0;
        for (size_t i = r; i < m; i++)
            s += c[i] * d[i];
        s = 2.0 * s / vv;
        for (size_t i = r; i < m; i++)
            d[i] -= s * c[i];
    }
    c[r] = alpha;
}
