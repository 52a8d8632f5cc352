/* The logistic fit's work space and per-row arithmetic, shared by glm.c
 * (the iteration) and glm_pairs.c (the sparse copy of a row source's pairs
 * of rows and the pass over it on two threads); private to the stats
 * module.  Both files must form every sum alike, so the arithmetic lives
 * here once. */
#ifndef LLEVAL_IRLS_H
#define LLEVAL_IRLS_H

#include "lleval/error.h"
#include "lleval/statmodels.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Rows fetched per call of the row source: even, so that the pairs of a
 * pass never straddle two blocks. */
#define LL_GLM_BLOCK 256

typedef struct ll_glm_pairs ll_glm_pairs;

typedef struct glm_work {
    ll_glm_rows_fn rows; /* the design matrix, LL_GLM_BLOCK rows at a time */
    void *rows_ctx;
    double *rowbuf;      /* LL_GLM_BLOCK x p, for the row source */
    const double *y;
    size_t n, p;
    double *eta;   /* n linear predictors of the current iterate */
    double *A;     /* p x p: X'WX at the weights of eta */
    double *b;     /* p: X'Wz */
    double dev;    /* deviance at eta */
    int boundary;  /* some fitted probability within 10 eps of 0 or 1 */
    double *U;     /* r x r factor of the kept columns' X'WX (U'U) */
    size_t *keep;  /* the r kept columns, ascending */
    size_t r;
    int *aliased;  /* p: aliased at the last step */
    double *qr_ratio; /* p: relative residual norms of the last QR step */
    int have_qr;
    double *beta;  /* p, zero for aliased columns (as R's Cdqrls) */
    double *scratch; /* 4 (p + 1): the pair's values and weighted values */
    uint16_t *nz;    /* p: the columns not zero in both rows of a pair */
    int may_cache;   /* the rows may be kept as sparse pairs (ll_glm_fit_rows) */
    ll_glm_pairs *pairs; /* that copy, or NULL: the passes read the rows */
} glm_work;

/* R's logit_linkinv, logit_mu_eta and binomial variance/deviance for one
 * row: the working weight w, working response z and deviance term. */
static inline void ll_glm_logit_row(double eta, double y, double *mu_out, double *w, double *z,
                                    double *dev)
{
    const double thresh = 30.0, invEps = 1.0 / DBL_EPSILON;
    double t, mu_eta;
    if (eta < -thresh) {
        t = DBL_EPSILON;
        mu_eta = DBL_EPSILON;
    } else if (eta > thresh) {
        t = invEps;
        mu_eta = DBL_EPSILON;
    } else {
        t = exp(eta);
        mu_eta = t / ((1.0 + t) * (1.0 + t));
    }
    double mu = t / (1.0 + t);
    double var = mu * (1.0 - mu);
    *w = mu_eta * mu_eta / var;
    *z = eta + (y - mu) / mu_eta;
    *dev = y != 0.0 ? 2.0 * log(1.0 / mu) : 2.0 * log(1.0 / (1.0 - mu));
    *mu_out = mu;
}

/* Whether a fitted probability is within 10 eps of 0 or 1 (glm.fit's
 * warning "fitted probabilities numerically 0 or 1"). */
static inline int ll_glm_at_boundary(double mu)
{
    const double eps10 = 10.0 * DBL_EPSILON;
    return mu > 1.0 - eps10 || mu < eps10;
}

/* The linear predictor of row i, whose values u are not zero outside the
 * m columns nz: x beta (the skipped terms are +-0, which change no sum
 * that starts at +0), or R's start when beta is NULL. */
static inline double ll_glm_row_eta(const double *y, size_t i, const double *restrict u,
                                    const uint16_t *restrict nz, size_t m, const double *beta)
{
    if (beta == NULL) {
        double m0 = (y[i] + 0.5) / 2.0; /* R's mustart */
        return log(m0 / (1.0 - m0));
    }
    double eta = 0.0;
    for (size_t k = 0; k < m; k++)
        eta += u[k] * beta[nz[k]];
    return eta;
}

/* The columns of a pair of rows not zero in both, with the two rows'
 * values there; returns how many. */
static inline size_t ll_glm_pair_columns(size_t p, const double *x0, const double *x1,
                                         uint16_t *nz, double *u0, double *u1)
{
    size_t m = 0;
    for (size_t j = 0; j < p; j++)
        if (x0[j] != 0.0 || x1[j] != 0.0) {
            nz[m] = (uint16_t)j;
            u0[m] = x0[j];
            u1[m++] = x1[j];
        }
    return m;
}

/* Checks y (0 or 1) and X (finite) of row i, whose values are x; returns
 * 0 or LL_EINPUT with the message in err. */
static inline int ll_glm_check_row(const double *y, const double *x, size_t i, size_t p,
                                   ll_error *err)
{
    if (y[i] != 0.0 && y[i] != 1.0)
        return ll_error_set(err, LL_EINPUT, "glm: y[%zu] = %g is not 0 or 1", i, y[i]);
    for (size_t j = 0; j < p; j++)
        if (!isfinite(x[j]))
            return ll_error_set(err, LL_EINPUT, "glm: X[%zu, %zu] is not finite", i, j);
    return 0;
}

/* Adds pair (u0, u1) of columns nz[0 .. m) with weights w and working
 * responses z to the upper triangle of A (p x p) and to b, in A's rows and
 * b's elements [lo, hi) only: the one place the cross products are
 * formed, so that every path forms each element alike. */
static inline void ll_glm_cross_add(double *restrict A, double *restrict b, size_t p,
                                    const uint16_t *restrict nz, size_t m,
                                    const double *restrict u0, const double *restrict u1,
                                    const double w[2], const double z[2], size_t lo, size_t hi)
{
    size_t a = 0;
    while (a < m && nz[a] < lo)
        a++;
    for (; a < m && nz[a] < hi; a++) {
        double a0 = w[0] * u0[a], a1 = w[1] * u1[a]; /* w[1] = 0 for a lone last row */
        double *restrict Aj = A + nz[a] * p;
        for (size_t k = a; k < m; k++)
            Aj[nz[k]] += a0 * u0[k] + a1 * u1[k];
        b[nz[a]] += a0 * z[0] + a1 * z[1];
    }
}

/* Makes the sparse copy of the pairs of rows of g's row source, on two
 * threads, checking every row (y 0 or 1, X finite; the first bad row in
 * order is reported).  *out is NULL when no copy is kept: it would be
 * larger than the dense matrix, or memory is short; *out_checked says
 * whether the rows were checked all the same.  Returns 0 or LL_EINPUT
 * (message in err).  Free with ll_glm_pairs_free. */
int ll_glm_pairs_new(ll_glm_pairs **out, int *out_checked, glm_work *g, ll_error *err);

/* One IRLS pass over the copy (eta = X beta, or R's start when beta is
 * NULL; deviance; X'WX; X'Wz) into g, on two threads: each sum formed
 * element by element in the order of the one-thread pass of glm.c, so the
 * results are the same bit for bit. */
void ll_glm_pairs_pass(ll_glm_pairs *c, glm_work *g, const double *beta);

/* Frees the copy (NULL is a no-op). */
void ll_glm_pairs_free(ll_glm_pairs *c);

#endif
