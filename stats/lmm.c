/* Random-intercept linear mixed model by REML, as lme4::lmer(y ~ X +
 * (1 | cluster), REML = TRUE), optimised to the exact REML optimum.
 *
 * With one random intercept, V_i = sigma^2 (I + theta^2 J), so everything
 * the profiled REML criterion needs comes from the within-cluster scatter
 * of [X y] and, per distinct cluster size s, the sums of outer products of
 * cluster means: with phi = theta^2,
 *   X'H^{-1}X = W_xx + sum_s s / (1 + s phi) B_s     (H = V / sigma^2)
 * and log|H| = sum_s m_s log(1 + s phi).  One pass over the data costs
 * O(n p^2); each criterion evaluation then costs O(K p^2 + m p) for K
 * distinct sizes and m clusters.  The criterion is minimised on a grid,
 * by Brent's minimiser, then polished by a root of its analytic
 * derivative, which (unlike the criterion itself, flat at the optimum)
 * locates theta to about 1e-10. */
#include "lleval/statmodels.h"

#include "models_internal.h"
#include "stats_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct lmm_work {
    size_t n, p, m, K;
    double *xbar;    /* m x p cluster means of X */
    double *ybar;    /* m */
    size_t *csize;   /* m cluster sizes */
    size_t *ksize;   /* m: index of the cluster's size in sizes[] */
    double *sizes;   /* K distinct sizes */
    double *count;   /* K: clusters of that size */
    double *Wxx;     /* p x p within-cluster scatter of X */
    double *Wxy;     /* p */
    double Wyy;
    double *B;       /* K x p x p: sum of xbar xbar' by size */
    double *bxy;     /* K x p: sum of xbar ybar */
    double *byy;     /* K */
    /* evaluation scratch */
    double *A, *U, *Ainv, *tmp, *g, *beta, *ek;
    double r2;       /* y'H^-1 y - g'beta at the last evaluation */
    int bad;         /* X'H^-1 X not positive definite at the last evaluation */
} lmm_work;

typedef struct id_row {
    long id;
    size_t row;
} id_row;

static int cmp_id_row(const void *a, const void *b)
{
    const id_row *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->row < y->row ? -1 : (x->row > y->row);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y);
}

/* Maps each row to a cluster 0 .. m-1 (clusters numbered by ascending id). */
static int map_clusters(lmm_work *w, const long *cluster, size_t *cidx)
{
    size_t n = w->n;
    id_row *ir = malloc(n * sizeof *ir);
    if (ir == NULL)
        return LL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        ir[i].id = cluster[i];
        ir[i].row = i;
    }
    qsort(ir, n, sizeof *ir, cmp_id_row);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ir[i].id != ir[i - 1].id)
            m++;
        cidx[ir[i].row] = m;
    }
    w->m = m + 1;
    free(ir);
    return 0;
}

static void *xcalloc(size_t k, size_t size, int *fail)
{
    void *v = calloc(k ? k : 1, size);
    if (v == NULL)
        *fail = 1;
    return v;
}

/* Cluster means, within-cluster scatter and the per-size sums. */
static int summarise(lmm_work *w, const double *X, const double *y, const size_t *cidx)
{
    size_t n = w->n, p = w->p, m = w->m;
    int fail = 0;
    w->xbar = xcalloc(m * p, sizeof(double), &fail);
    w->ybar = xcalloc(m, sizeof(double), &fail);
    w->csize = xcalloc(m, sizeof(size_t), &fail);
    w->ksize = xcalloc(m, sizeof(size_t), &fail);
    w->Wxx = xcalloc(p * p, sizeof(double), &fail);
    w->Wxy = xcalloc(p, sizeof(double), &fail);
    double *sz = xcalloc(m, sizeof(double), &fail);
    if (fail) {
        free(sz);
        return LL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = cidx[i];
        w->csize[c]++;
        w->ybar[c] += y[i];
        for (size_t j = 0; j < p; j++)
            w->xbar[c * p + j] += X[i * p + j];
    }
    for (size_t c = 0; c < m; c++) {
        double s = (double)w->csize[c];
        w->ybar[c] /= s;
        for (size_t j = 0; j < p; j++)
            w->xbar[c * p + j] /= s;
        sz[c] = s;
    }
    double *dx = xcalloc(p, sizeof(double), &fail);
    if (fail) {
        free(sz);
        return LL_ENOMEM;
    }
    w->Wyy = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t c = cidx[i];
        double dy = y[i] - w->ybar[c];
        for (size_t j = 0; j < p; j++)
            dx[j] = X[i * p + j] - w->xbar[c * p + j];
        for (size_t j = 0; j < p; j++) {
            for (size_t k = j; k < p; k++)
                w->Wxx[j * p + k] += dx[j] * dx[k];
            w->Wxy[j] += dx[j] * dy;
        }
        w->Wyy += dy * dy;
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < j; k++)
            w->Wxx[j * p + k] = w->Wxx[k * p + j];
    free(dx);

    qsort(sz, m, sizeof *sz, cmp_double);
    size_t K = 0;
    for (size_t c = 0; c < m; c++)
        if (c == 0 || sz[c] != sz[c - 1])
            sz[K++] = sz[c];
    w->K = K;
    w->sizes = sz;
    w->count = xcalloc(K, sizeof(double), &fail);
    w->B = xcalloc(K * p * p, sizeof(double), &fail);
    w->bxy = xcalloc(K * p, sizeof(double), &fail);
    w->byy = xcalloc(K, sizeof(double), &fail);
    if (fail)
        return LL_ENOMEM;
    for (size_t c = 0; c < m; c++) {
        double s = (double)w->csize[c];
        size_t lo = 0, hi = K; /* binary search for s in sizes */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (sz[mid] <= s)
                lo = mid;
            else
                hi = mid;
        }
        w->ksize[c] = lo;
        w->count[lo] += 1.0;
        const double *xb = w->xbar + c * p;
        double yb = w->ybar[c];
        double *Bk = w->B + lo * p * p;
        for (size_t j = 0; j < p; j++) {
            for (size_t k = 0; k < p; k++)
                Bk[j * p + k] += xb[j] * xb[k];
            w->bxy[lo * p + j] += xb[j] * yb;
        }
        w->byy[lo] += yb * yb;
    }
    return 0;
}

/* Builds A = X'H^{-1}X and g = X'H^{-1}y at phi, factors A and solves for
 * beta.  Returns log|A| (NAN and w->bad = 1 when A is not PD). */
static double solve_at(lmm_work *w, double phi)
{
    size_t p = w->p;
    w->bad = 0;
    memcpy(w->A, w->Wxx, p * p * sizeof *w->A);
    memcpy(w->g, w->Wxy, p * sizeof *w->g);
    double q = w->Wyy;
    for (size_t k = 0; k < w->K; k++) {
        double s = w->sizes[k], d = s / (1.0 + s * phi);
        const double *Bk = w->B + k * p * p;
        for (size_t j = 0; j < p * p; j++)
            w->A[j] += d * Bk[j];
        for (size_t j = 0; j < p; j++)
            w->g[j] += d * w->bxy[k * p + j];
        q += d * w->byy[k];
    }
    if (ll_models_chol(w->U, w->A, p) != 0) {
        w->bad = 1;
        return NAN;
    }
    memcpy(w->beta, w->g, p * sizeof *w->beta);
    ll_models_chol_solve(w->U, p, w->beta);
    double gb = 0.0, logdet = 0.0;
    for (size_t j = 0; j < p; j++) {
        gb += w->g[j] * w->beta[j];
        logdet += 2.0 * log(w->U[j * p + j]);
    }
    w->r2 = q - gb;
    return logdet;
}

/* The profiled REML criterion (lme4's REMLcrit) at theta. */
static double reml_crit(double theta, void *params)
{
    lmm_work *w = params;
    double phi = theta * theta;
    double logdetA = solve_at(w, phi);
    if (w->bad || !(w->r2 > 0.0))
        return HUGE_VAL;
    double logdetH = 0.0;
    for (size_t k = 0; k < w->K; k++)
        logdetH += w->count[k] * log1p(w->sizes[k] * phi);
    double df = (double)(w->n - w->p);
    return logdetH + logdetA + df * (1.0 + log(2.0 * M_PI * w->r2 / df));
}

/* dREML/dphi at phi = theta^2; same sign as dREML/dtheta for theta > 0.
 * The residual part uses each cluster's mean residual directly, so the
 * derivative keeps full relative precision near its root. */
static double reml_deriv(double theta, void *params)
{
    lmm_work *w = params;
    size_t p = w->p, K = w->K;
    double phi = theta * theta;
    solve_at(w, phi);
    if (w->bad || !(w->r2 > 0.0))
        return NAN;
    memset(w->ek, 0, K * sizeof *w->ek);
    for (size_t c = 0; c < w->m; c++) {
        double e = w->ybar[c];
        const double *xb = w->xbar + c * p;
        for (size_t j = 0; j < p; j++)
            e -= xb[j] * w->beta[j];
        w->ek[w->ksize[c]] += e * e;
    }
    ll_models_chol_inverse(w->U, p, w->Ainv, w->tmp);
    double dH = 0.0, dA = 0.0, dr2 = 0.0;
    for (size_t k = 0; k < K; k++) {
        double s = w->sizes[k], den = 1.0 + s * phi;
        double dd = s * s / (den * den); /* -d/dphi of s / (1 + s phi) */
        dH += w->count[k] * s / den;
        const double *Bk = w->B + k * p * p;
        double tr = 0.0;
        for (size_t j = 0; j < p * p; j++)
            tr += w->Ainv[j] * Bk[j];
        dA -= dd * tr;
        dr2 -= dd * w->ek[k];
    }
    double df = (double)(w->n - w->p);
    return dH + dA + df * dr2 / w->r2;
}

/* Brent's minimiser of the REML criterion on [lo, hi] around mid. */
static double brent_min(lmm_work *w, double lo, double mid, double hi)
{
    gsl_function F = {reml_crit, w};
    return ll_stats_brent_min(&F, lo, mid, hi, 1e-12, 1e-10, 200);
}

/* Root of the derivative in [lo, hi], where it goes from < 0 to > 0.
 * Returns 0 and *root (the last iterate when 200 did not converge), or -1
 * without a usable bracket. */
static int deriv_root(lmm_work *w, double lo, double hi, double *root)
{
    double flo = reml_deriv(lo, w), fhi = reml_deriv(hi, w);
    if (!(flo < 0.0 && fhi > 0.0))
        return -1;
    gsl_function F = {reml_deriv, w};
    int rc = ll_stats_brent_tol(root, &F, lo, hi, 1e-300, 1e-14, 200, "lmm", NULL);
    return rc == LL_OK || rc == LL_ENOCONV ? 0 : -1;
}

#define GRID_N 66 /* theta = 0, then 10^(k/8) for k = -32 .. 32 */

static double grid_theta(int k)
{
    return k == 0 ? 0.0 : pow(10.0, (double)(k - 33) / 8.0);
}

/* Whether X has full column rank: the pivots of the Cholesky factor of
 * X'X (= A at phi = 0) relative to the columns' norms stay above 1e-7,
 * lme4's rank tolerance. */
static int full_rank(lmm_work *w)
{
    size_t p = w->p;
    solve_at(w, 0.0);
    if (w->bad)
        return 0;
    for (size_t j = 0; j < p; j++) {
        double ujj = w->U[j * p + j];
        if (!(ujj * ujj > 1e-14 * w->A[j * p + j]))
            return 0;
    }
    return 1;
}

/* The REML-optimal theta: grid, Brent, derivative root. */
static int optimise_theta(lmm_work *w, double *theta)
{
    if (!full_rank(w))
        return LL_EDOM;
    double best = HUGE_VAL;
    int kb = -1;
    for (int k = 0; k < GRID_N; k++) {
        double f = reml_crit(grid_theta(k), w);
        if (f < best) {
            best = f;
            kb = k;
        }
    }
    if (kb < 0)
        return LL_EDOM;
    double lo, hi, mid = grid_theta(kb);
    if (kb == GRID_N - 1) { /* keep climbing: residual variance tiny */
        double fprev = best;
        for (hi = mid * 10.0;; hi *= 10.0) {
            if (hi > 1e8)
                return LL_ENOCONV;
            double f = reml_crit(hi, w);
            if (f >= fprev)
                break;
            fprev = f;
            mid = hi;
        }
        lo = mid / 10.0;
    } else if (kb == 0) {
        if (!(reml_deriv(0.0, w) < 0.0)) {
            *theta = 0.0; /* boundary optimum: singular */
            return 0;
        }
        lo = 0.0;
        hi = grid_theta(1);
    } else {
        lo = grid_theta(kb - 1);
        hi = grid_theta(kb + 1);
    }
    double x = kb == 0 ? 0.5 * hi : brent_min(w, lo, mid, hi);
    double root;
    if (deriv_root(w, lo, hi, &root) == 0 && reml_crit(root, w) <= reml_crit(x, w) + 1e-9)
        x = root;
    *theta = x;
    return 0;
}

static void work_free(lmm_work *w)
{
    free(w->xbar);
    free(w->ybar);
    free(w->csize);
    free(w->ksize);
    free(w->sizes);
    free(w->count);
    free(w->Wxx);
    free(w->Wxy);
    free(w->B);
    free(w->bxy);
    free(w->byy);
    free(w->A);
    free(w->U);
    free(w->Ainv);
    free(w->tmp);
    free(w->g);
    free(w->beta);
    free(w->ek);
}

static int check_input(const double *X, size_t n, size_t p, const double *y,
                       const long *cluster, ll_error *err)
{
    if (X == NULL || y == NULL || cluster == NULL || n == 0 || p == 0)
        return ll_error_set(err, LL_EINPUT, "lmm: empty design (n = %zu, p = %zu)", n, p);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            return ll_error_set(err, LL_EINPUT, "lmm: y[%zu] is not finite", i);
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return ll_error_set(err, LL_EINPUT, "lmm: X[%zu, %zu] is not finite", i, j);
    }
    if (n <= p)
        return ll_error_set(err, LL_EDOM, "lmm: %zu observations for %zu fixed effects", n, p);
    return 0;
}

static ll_lmm *fit_alloc(size_t p)
{
    return ll_models_fit_new(sizeof(ll_lmm), offsetof(ll_lmm, coefs), p);
}

/* Residual sum of squares in the H^{-1} metric from the rows themselves
 * (no cancellation), for the reported sigma^2. */
static double direct_r2(const lmm_work *w, const double *X, const double *y,
                        const size_t *cidx, double phi, double *ebar)
{
    size_t p = w->p;
    memset(ebar, 0, w->m * sizeof *ebar);
    for (size_t i = 0; i < w->n; i++) {
        double e = y[i];
        for (size_t j = 0; j < p; j++)
            e -= X[i * p + j] * w->beta[j];
        ebar[cidx[i]] += e;
    }
    for (size_t c = 0; c < w->m; c++)
        ebar[c] /= (double)w->csize[c];
    double r2 = 0.0;
    for (size_t i = 0; i < w->n; i++) {
        double e = y[i];
        for (size_t j = 0; j < p; j++)
            e -= X[i * p + j] * w->beta[j];
        double d = e - ebar[cidx[i]];
        r2 += d * d;
    }
    for (size_t c = 0; c < w->m; c++) {
        double s = (double)w->csize[c];
        r2 += s / (1.0 + s * phi) * ebar[c] * ebar[c];
    }
    return r2;
}

static void fill_result(ll_lmm *f, lmm_work *w, double theta, double r2)
{
    size_t p = w->p;
    double df = (double)(w->n - p);
    f->n = w->n;
    f->p = p;
    f->n_groups = w->m;
    f->theta = theta;
    f->sigma2 = r2 / df;
    f->tau2 = f->sigma2 * theta * theta;
    f->reml = reml_crit(theta, w); /* also leaves beta, U at theta */
    ll_models_chol_inverse(w->U, p, f->cov, w->tmp);
    for (size_t j = 0; j < p * p; j++)
        f->cov[j] *= f->sigma2;
    for (size_t j = 0; j < p; j++) {
        ll_coef_table_wald(&f->coefs, j, w->beta[j], sqrt(f->cov[j * p + j]));
    }
    f->singular = theta < LL_LMM_SINGULAR_TOL;
}

int ll_lmm_fit(ll_lmm **out, const double *X, size_t n, size_t p, const double *y,
               const long *cluster, ll_error *err)
{
    *out = NULL;
    int rc = check_input(X, n, p, y, cluster, err);
    if (rc != 0)
        return rc;
    lmm_work w = {.n = n, .p = p};
    ll_lmm *f = NULL;
    double *ebar = NULL;
    size_t *cidx = malloc(n * sizeof *cidx);
    if (cidx == NULL || (rc = map_clusters(&w, cluster, cidx)) != 0)
        goto nomem;
    if (w.m < 2 || w.m >= n) {
        rc = ll_error_set(err, LL_EDOM,
                          "lmm: %zu clusters for %zu observations (need 2 <= clusters < observations)",
                          w.m, n);
        goto done;
    }
    if ((rc = summarise(&w, X, y, cidx)) != 0)
        goto nomem;
    int fail = 0;
    w.A = xcalloc(p * p, sizeof(double), &fail);
    w.U = xcalloc(p * p, sizeof(double), &fail);
    w.Ainv = xcalloc(p * p, sizeof(double), &fail);
    w.tmp = xcalloc(p * p, sizeof(double), &fail);
    w.g = xcalloc(p, sizeof(double), &fail);
    w.beta = xcalloc(p, sizeof(double), &fail);
    w.ek = xcalloc(w.K, sizeof(double), &fail);
    ebar = xcalloc(w.m, sizeof(double), &fail);
    f = fit_alloc(p);
    if (fail || f == NULL)
        goto nomem;
    double theta;
    if ((rc = optimise_theta(&w, &theta)) != 0) {
        ll_error_set(err, rc, rc == LL_EDOM ? "lmm: fixed-effect design is rank deficient, or it fits exactly"
                                            : "lmm: no REML optimum for theta <= 1e8");
        goto done;
    }
    solve_at(&w, theta * theta);
    fill_result(f, &w, theta, direct_r2(&w, X, y, cidx, theta * theta, ebar));
    if (f->singular)
        rc = ll_error_set(err, LL_ESINGULAR, "lmm: singular fit (theta = %g < %g)", theta,
                          LL_LMM_SINGULAR_TOL);
    *out = f;
    f = NULL;
    goto done;
nomem:
    rc = ll_error_set(err, LL_ENOMEM, "lmm: out of memory");
done:
    ll_lmm_free(f);
    free(ebar);
    free(cidx);
    work_free(&w);
    return rc;
}

void ll_lmm_free(ll_lmm *fit)
{
    free(fit); /* its coefficient table is in the same block */
}
