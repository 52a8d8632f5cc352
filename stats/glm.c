/* Logistic regression by iteratively reweighted least squares, following
 * R's glm.fit step for step (starting values, clamped logit link,
 * convergence rule, aliased columns) so that the numbers agree with R.
 *
 * Each iteration is one pass over the rows that accumulates X'WX and X'Wz
 * (O(n p^2), no n x n object) and a Cholesky solve.  The normal equations
 * cannot resolve aliasing at R's tolerance (1e-11 relative norm), and
 * they lose accuracy as the square of the conditioning, so when a column
 * comes within 1e-3 of the span of the earlier ones the iteration redoes
 * that step with a backward-stable streaming QR (Givens rotations) and R's
 * dqrdc2 limited-pivoting rule.  (At 1e-6, fitted probabilities of a design
 * with a column 1e-5 from the others' span were off by 5e-6; with QR they
 * agree with R to 1e-10: tests/test_aipw.c, near aliasing.) */
#include "lleval/statmodels.h"

#include "irls.h"
#include "models_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Below this relative residual norm the Gram matrix is too coarse to tell
 * whether R would keep a column, or to give R's fit to 1e-6 (its error
 * grows as eps / ratio^2): recompute by QR. */
#define GRAY_RATIO 1e-3

void ll_glm_control_init(ll_glm_control *ctl)
{
    ctl->maxit = 25;
    ctl->epsilon = 1e-8;
}

/* Rows [first, first + count) of the design matrix (count <= the block). */
static inline const double *block_rows(const glm_work *g, size_t first)
{
    size_t count = g->n - first < LL_GLM_BLOCK ? g->n - first : LL_GLM_BLOCK;
    return g->rows(g->rows_ctx, first, count, g->rowbuf);
}

/* One pass: eta = X beta (or R's start when beta is NULL), then deviance,
 * X'WX (upper triangle, mirrored at the end) and X'Wz at those weights.
 * Rows go two at a time so that each element of X'WX is loaded and stored
 * once per pair: the pass is bound by those updates.  Only the columns not
 * zero in both rows of the pair are updated (one-hot levels make most of a
 * propensity row zero): every skipped term is +-0, and adding +-0 changes
 * no element (they start at +0 and a sum that cancels rounds to +0, so
 * none is ever -0), so the sums are bit for bit those of the dense loop.
 * With the sparse copy of the pairs the pass runs on two threads
 * (glm_pairs.c), every sum formed as here. */
static void irls_pass(glm_work *g, const double *beta)
{
    if (g->pairs != NULL) {
        ll_glm_pairs_pass(g->pairs, g, beta);
        return;
    }
    size_t n = g->n, p = g->p;
    memset(g->A, 0, p * p * sizeof *g->A);
    memset(g->b, 0, p * sizeof *g->b);
    double dev = 0.0;
    int boundary = 0;
    double *u0 = g->scratch, *u1 = g->scratch + p;
    const double *X = NULL;
    for (size_t i = 0; i < n; i += 2) {
        int two = i + 1 < n;
        if (i % LL_GLM_BLOCK == 0)
            X = block_rows(g, i) - i * p;
        const double *x0 = X + i * p;
        size_t m = ll_glm_pair_columns(p, x0, two ? x0 + p : x0, g->nz, u0, u1);
        double w[2] = {0.0, 0.0}, z[2] = {0.0, 0.0};
        for (int r = 0; r < 1 + two; r++) {
            double eta = ll_glm_row_eta(g->y, i + r, r ? u1 : u0, g->nz, m, beta), mu, d;
            g->eta[i + r] = eta;
            ll_glm_logit_row(eta, g->y[i + r], &mu, &w[r], &z[r], &d);
            dev += d;
            boundary |= ll_glm_at_boundary(mu);
        }
        ll_glm_cross_add(g->A, g->b, p, g->nz, m, u0, u1, w, z, 0, p);
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < j; k++)
            g->A[j * p + k] = g->A[k * p + j];
    g->dev = dev;
    g->boundary = boundary;
}

/* The fast step: Cholesky of X'WX over the columns not flagged in skip
 * (NULL: all columns), when every one of them stays clearly out of the
 * span of the earlier ones.  Returns 0, or 1 when QR must decide. */
static int step_cholesky(glm_work *g, const int *skip)
{
    size_t p = g->p, r = 0;
    for (size_t j = 0; j < p; j++)
        if (skip == NULL || !skip[j])
            g->keep[r++] = j;
    double *U = g->U;
    memset(U, 0, r * r * sizeof *U);
    for (size_t a = 0; a < r; a++) {
        size_t ja = g->keep[a];
        double ajj = g->A[ja * p + ja];
        double d = ajj;
        for (size_t k = 0; k < a; k++)
            d -= U[k * r + a] * U[k * r + a];
        double norm0 = ajj > 0.0 ? ajj : 1.0;
        if (!(d > GRAY_RATIO * GRAY_RATIO * norm0))
            return 1;
        double ujj = sqrt(d);
        U[a * r + a] = ujj;
        for (size_t i = a + 1; i < r; i++) {
            double v = g->A[ja * p + g->keep[i]];
            for (size_t k = 0; k < a; k++)
                v -= U[k * r + a] * U[k * r + i];
            U[a * r + i] = v / ujj;
        }
    }
    double *sol = g->scratch;
    for (size_t a = 0; a < r; a++)
        sol[a] = g->b[g->keep[a]];
    ll_models_chol_solve(U, r, sol);
    memset(g->beta, 0, p * sizeof *g->beta);
    for (size_t a = 0; a < r; a++)
        g->beta[g->keep[a]] = sol[a];
    g->r = r;
    for (size_t j = 0; j < p; j++)
        g->aliased[j] = skip != NULL && skip[j];
    return 0;
}

/* Whether the last QR found every aliased column exactly dependent (an
 * order of magnitude below tol: rounding over 1e6 rows gives about 1e-13),
 * so that the next weights, which cannot change an exact
 * dependence, may reuse its decision with the fast step. */
static int aliasing_is_exact(const glm_work *g, double tol)
{
    if (!g->have_qr)
        return 0;
    for (size_t j = 0; j < g->p; j++)
        if (g->aliased[j] && !(g->qr_ratio[j] < 0.1 * tol))
            return 0;
    return 1;
}

/* Householder QR with R's dqrdc2 limited pivoting on the small (p + 1)
 * square factor R of [sqrt(W) X, sqrt(W) z]: orthogonal transforms keep
 * column norms and angles, so the decisions are those dqrdc2 makes on the
 * n rows.  M is column-major m x p, rhs length m; both are destroyed. */
static void qr_limited_pivot(glm_work *g, double *M, size_t m, double *rhs, double tol)
{
    size_t p = g->p, r = 0;
    for (size_t j = 0; j < p; j++) {
        double *c = M + j * m, norm0, rem;
        ll_models_col_norms(&norm0, &rem, M, m, j, r);
        g->qr_ratio[j] = rem / norm0;
        /* norm0 is the column's norm before any transform: transforms are
         * orthogonal, so it equals dqrdc2's original norm */
        if (r >= m || rem < tol * norm0) {
            g->aliased[j] = 1;
            continue;
        }
        g->aliased[j] = 0;
        ll_models_householder(M, rhs, m, p, j, r, rem);
        for (size_t i = r + 1; i < m; i++)
            c[i] = 0.0;
        g->keep[r++] = j;
    }
    g->r = r;
    double *U = g->U;
    memset(U, 0, p * p * sizeof *U);
    for (size_t a = 0; a < r; a++)
        for (size_t bb = a; bb < r; bb++)
            U[a * r + bb] = M[g->keep[bb] * m + a];
    double *qty = g->scratch;
    memcpy(qty, rhs, r * sizeof *qty);
    ll_models_backsolve(U, r, qty);
    memset(g->beta, 0, p * sizeof *g->beta);
    for (size_t a = 0; a < r; a++)
        g->beta[g->keep[a]] = qty[a];
}

/* The careful step: streaming QR of the weighted rows at the current eta,
 * then dqrdc2's rule with glm.fit's tolerance.  O(n p^2) rotations. */
static int step_qr(glm_work *g, double tol)
{
    size_t p = g->p, m = p + 1;
    double *R = calloc(m * m, sizeof *R);
    double *row = malloc(m * sizeof *row);
    double *M = malloc(m * m * sizeof *M);
    if (R == NULL || row == NULL || M == NULL) {
        free(R);
        free(row);
        free(M);
        return LL_ENOMEM;
    }
    const double *X = NULL;
    for (size_t i = 0; i < g->n; i++) {
        if (i % LL_GLM_BLOCK == 0)
            X = block_rows(g, i) - i * p;
        double mu, w, z, d;
        ll_glm_logit_row(g->eta[i], g->y[i], &mu, &w, &z, &d);
        double sw = sqrt(w);
        const double *x = X + i * p;
        for (size_t j = 0; j < p; j++)
            row[j] = sw * x[j];
        row[p] = sw * z;
        ll_models_givens_fold(R, m, row);
    }
    /* M = first p columns of R (column-major, m rows); rhs = last column */
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < m; i++)
            M[j * m + i] = R[i * m + j];
    for (size_t i = 0; i < m; i++)
        row[i] = R[i * m + p];
    qr_limited_pivot(g, M, m, row, tol);
    g->have_qr = 1;
    free(R);
    free(row);
    free(M);
    return 0;
}

/* Checks y and X, and for a row source keeps the pairs of rows sparse
 * when that takes less memory than the dense matrix would (else, or when
 * memory is short, the passes read the rows again each time). */
static int check_and_cache(glm_work *g, ll_error *err)
{
    int checked = 0, rc;
    if (g->may_cache && (rc = ll_glm_pairs_new(&g->pairs, &checked, g, err)) != 0)
        return rc;
    const double *X = NULL;
    for (size_t i = 0; i < g->n && !checked; i++) {
        if (i % LL_GLM_BLOCK == 0)
            X = block_rows(g, i) - i * g->p;
        if ((rc = ll_glm_check_row(g->y, X + i * g->p, i, g->p, err)) != 0)
            return rc;
    }
    return 0;
}

static void work_free(glm_work *g)
{
    free(g->A);
    free(g->b);
    free(g->U);
    free(g->keep);
    free(g->aliased);
    free(g->qr_ratio);
    free(g->beta);
    free(g->scratch);
    free(g->nz);
    free(g->rowbuf);
    ll_glm_pairs_free(g->pairs);
}

static int work_alloc(glm_work *g)
{
    size_t p = g->p;
    g->A = malloc(p * p * sizeof *g->A);
    g->b = malloc(p * sizeof *g->b);
    g->U = malloc(p * p * sizeof *g->U);
    g->keep = malloc(p * sizeof *g->keep);
    g->aliased = calloc(p, sizeof *g->aliased);
    g->qr_ratio = calloc(p, sizeof *g->qr_ratio);
    g->beta = calloc(p, sizeof *g->beta);
    g->scratch = malloc(2 * (p + 1) * sizeof *g->scratch);
    g->nz = malloc(p * sizeof *g->nz);
    g->rowbuf = malloc(LL_GLM_BLOCK * p * sizeof *g->rowbuf);
    if (!g->A || !g->b || !g->U || !g->keep || !g->aliased || !g->qr_ratio || !g->beta ||
        !g->scratch || !g->nz || !g->rowbuf)
        return LL_ENOMEM;
    return 0;
}

static ll_glm *fit_alloc(size_t n, size_t p)
{
    ll_glm *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->n = n;
    f->p = p;
    f->aliased = malloc(p * sizeof *f->aliased);
    f->eta = malloc(n * sizeof *f->eta);
    if (ll_coef_table_alloc(&f->coefs, p) != LL_OK || !f->aliased || !f->eta) {
        ll_glm_free(f);
        return NULL;
    }
    return f;
}

/* Coefficients, covariance (U of the last step: summary.glm uses the QR
 * of that step's weights) and Wald statistics. */
static int fill_result(ll_glm *f, glm_work *g)
{
    size_t p = g->p, r = g->r;
    double *cr = malloc(r * r * sizeof *cr), *wk = malloc(r * r * sizeof *wk);
    if (cr == NULL || wk == NULL) {
        free(cr);
        free(wk);
        return LL_ENOMEM;
    }
    ll_models_chol_inverse(g->U, r, cr, wk);
    for (size_t k = 0; k < p * p; k++)
        f->cov[k] = NAN;
    for (size_t a = 0; a < r; a++)
        for (size_t bb = 0; bb < r; bb++)
            f->cov[g->keep[a] * p + g->keep[bb]] = cr[a * r + bb];
    for (size_t j = 0; j < p; j++) {
        f->aliased[j] = g->aliased[j];
        if (g->aliased[j]) {
            f->coef[j] = f->se[j] = f->z[j] = f->p_value[j] = NAN;
            f->conf_low[j] = f->conf_high[j] = NAN;
            continue;
        }
        ll_coef_table_wald(&f->coefs, j, g->beta[j], sqrt(f->cov[j * p + j]));
    }
    f->rank = r;
    f->deviance = g->dev;
    f->aic = g->dev + 2.0 * (double)r;
    f->df_residual = g->n > r ? g->n - r : 0;
    f->separation = g->boundary;
    free(cr);
    free(wk);
    return 0;
}

static int fit(ll_glm **out, ll_glm_rows_fn rows, void *rows_ctx, size_t n, size_t p,
               const double *y, const ll_glm_control *ctl, int may_cache, ll_error *err);

/* The row source of a design matrix held whole: no copy. */
typedef struct dense_src {
    const double *X;
    size_t p;
} dense_src;

static const double *dense_rows(void *ctx, size_t first, size_t count, double *buf)
{
    (void)count, (void)buf;
    const dense_src *d = ctx;
    return d->X + first * d->p;
}

int ll_glm_fit(ll_glm **out, const double *X, size_t n, size_t p, const double *y,
               const ll_glm_control *ctl, ll_error *err)
{
    *out = NULL;
    if (X == NULL)
        return ll_error_set(err, LL_EINPUT, "glm: empty design (n = %zu, p = %zu)", n, p);
    dense_src src = {X, p};
    return fit(out, dense_rows, &src, n, p, y, ctl, 0, err);
}

int ll_glm_fit_rows(ll_glm **out, ll_glm_rows_fn rows, void *rows_ctx, size_t n, size_t p,
                    const double *y, const ll_glm_control *ctl, ll_error *err)
{
    return fit(out, rows, rows_ctx, n, p, y, ctl, 1, err);
}

/* The fit; may_cache: the rows may be kept sparse (they are not already
 * held whole by the caller). */
static int fit(ll_glm **out, ll_glm_rows_fn rows, void *rows_ctx, size_t n, size_t p,
               const double *y, const ll_glm_control *ctl, int may_cache, ll_error *err)
{
    *out = NULL;
    if (rows == NULL || y == NULL || n == 0 || p == 0)
        return ll_error_set(err, LL_EINPUT, "glm: empty design (n = %zu, p = %zu)", n, p);
    if (p > UINT16_MAX)
        return ll_error_set(err, LL_EINPUT, "glm: %zu columns (at most %d)", p, UINT16_MAX);
    int rc;
    ll_glm_control def;
    ll_glm_control_init(&def);
    if (ctl == NULL)
        ctl = &def;
    if (ctl->maxit < 1 || !(ctl->epsilon > 0.0))
        return ll_error_set(err, LL_EINPUT, "glm: maxit must be >= 1 and epsilon > 0");
    double tol = fmin(1e-7, ctl->epsilon / 1000.0); /* as glm.fit passes to Cdqrls */

    glm_work g = {.rows = rows, .rows_ctx = rows_ctx, .y = y, .n = n, .p = p,
                  .may_cache = may_cache};
    ll_glm *f = NULL;
    if (work_alloc(&g) != 0) {
        rc = ll_error_set(err, LL_ENOMEM, "glm: out of memory");
        goto done;
    }
    if ((rc = check_and_cache(&g, err)) != 0)
        goto done;
    if ((f = fit_alloc(n, p)) == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "glm: out of memory");
        goto done;
    }
    g.eta = f->eta;
    irls_pass(&g, NULL);
    double devold = g.dev;
    int conv = 0, iter = 0;
    for (iter = 1; iter <= ctl->maxit; iter++) {
        int fast = step_cholesky(&g, NULL) == 0 ||
                   (aliasing_is_exact(&g, tol) && step_cholesky(&g, g.aliased) == 0);
        if (!fast && (rc = step_qr(&g, tol)) != 0) {
            ll_error_set(err, rc, "glm: out of memory");
            goto done;
        }
        if (g.r == 0) {
            rc = ll_error_set(err, LL_EDOM, "glm: every column of the design is aliased");
            goto done;
        }
        for (size_t j = 0; j < p; j++)
            if (!isfinite(g.beta[j])) {
                rc = ll_error_set(err, LL_ENOCONV, "glm: non-finite coefficient at iteration %d", iter);
                goto done;
            }
        irls_pass(&g, g.beta);
        if (fabs(g.dev - devold) / (fabs(g.dev) + 0.1) < ctl->epsilon) {
            conv = 1;
            break;
        }
        devold = g.dev;
    }
    f->iter = conv ? iter : ctl->maxit;
    f->converged = conv;
    if ((rc = fill_result(f, &g)) != 0) {
        ll_error_set(err, rc, "glm: out of memory");
        goto done;
    }
    if (f->separation)
        rc = ll_error_set(err, LL_ESEPARATION,
                          "glm: fitted probabilities numerically 0 or 1 (separation)%s",
                          conv ? "" : "; did not converge");
    else if (!conv)
        rc = ll_error_set(err, LL_ENOCONV, "glm: did not converge in %d iterations", ctl->maxit);
    *out = f;
    f = NULL;
done:
    work_free(&g);
    ll_glm_free(f);
    return rc;
}

void ll_glm_free(ll_glm *fit)
{
    if (fit == NULL)
        return;
    ll_coef_table_free(&fit->coefs);
    free(fit->aliased);
    free(fit->eta);
    free(fit);
}
