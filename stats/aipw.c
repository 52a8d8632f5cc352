/* AIPW estimate of the average effect on the treated (SPEC 6 "Adjusted
 * effects"): a propensity glm on all fitted rows, an outcome model (glm
 * binomial or lm) on the comparison rows, the Hajek-weighted augmented
 * contrast and its influence-function standard error.  The glm is
 * ll_glm_fit (R's glm.fit); the lm is a Householder QR with R's dqrdc2
 * limited pivoting at lm's tolerance 1e-7, so that aliased columns are the
 * ones R drops. */
#include "lleval/aipw.h"
#include "lleval/block.h"

#include "lleval/statmodels.h"
#include "models_internal.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LM_TOL 1e-7
#define OVERLAP_MAX (1.0 - 1e-8)

/* R's binomial()$linkinv (clamped logit). */
static double logit_inv(double eta)
{
    double t = eta < -30.0 ? DBL_EPSILON : eta > 30.0 ? 1.0 / DBL_EPSILON : exp(eta);
    return t / (1.0 + t);
}

static void set_why(char *why, int *computable, const char *text)
{
    *computable = 0;
    snprintf(why, LL_AIPW_WHY, "not computable: %s", text);
}

/* The design [1, columns of X that vary over the selected rows] of the
 * selected rows (sel NULL: all rows), row-major; col[j] marks each of the k
 * columns kept or constant.  Returns the number of design columns. */
static size_t build_design(double *D, const double *X, size_t n, size_t k, const int *sel,
                           int *col)
{
    size_t first = 0;
    while (sel != NULL && first < n && !sel[first])
        first++;
    size_t p = 1;
    for (size_t j = 0; j < k; j++) {
        col[j] = LL_AIPW_COL_CONSTANT;
        for (size_t i = first + 1; i < n; i++)
            if ((sel == NULL || sel[i]) && X[i * k + j] != X[first * k + j]) {
                col[j] = LL_AIPW_COL_KEPT;
                p++;
                break;
            }
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (sel != NULL && !sel[i])
            continue;
        double *row = D + m * p;
        size_t c = 0;
        row[c++] = 1.0;
        for (size_t j = 0; j < k; j++)
            if (col[j] == LL_AIPW_COL_KEPT)
                row[c++] = X[i * k + j];
        m++;
    }
    return p;
}

/* Marks the kept covariate columns that the fit found aliased (design
 * column d + 1 is covariate j's d-th kept column). */
static void mark_aliased(int *col, size_t k, const int *aliased)
{
    size_t d = 1;
    for (size_t j = 0; j < k; j++)
        if (col[j] == LL_AIPW_COL_KEPT && aliased[d++])
            col[j] = LL_AIPW_COL_ALIASED;
}

static int check_finite(const double *v, size_t len, const char *what, ll_error *err)
{
    for (size_t i = 0; i < len; i++)
        if (!isfinite(v[i]))
            return ll_error_set(err, LL_EINPUT, "aipw: %s[%zu] is not finite", what, i);
    return 0;
}

/* The fit and its arrays in one block (e and w are set to NULL when the
 * glm is not fitted). */
static ll_aipw_ps *ps_alloc(size_t n, size_t k)
{
    const ll_block_part part[] = {
        LL_BLOCK_PART(ll_aipw_ps, treated, n), LL_BLOCK_PART(ll_aipw_ps, col, k + 1),
        LL_BLOCK_PART(ll_aipw_ps, e, n), LL_BLOCK_PART(ll_aipw_ps, w, n)};
    ll_aipw_ps *ps = ll_block_new(sizeof *ps, part, sizeof part / sizeof *part);
    if (ps == NULL)
        return NULL;
    ps->n = n;
    ps->k = k;
    ps->ess = NAN;
    ps->computable = 1;
    return ps;
}

/* Weights and overlap from the fitted propensity glm. */
static void ps_weights(ll_aipw_ps *ps, const ll_glm *fit)
{
    size_t n = ps->n;
    double sw = 0.0, sw2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = logit_inv(fit->eta[i]);
        ps->e[i] = e;
        ps->w[i] = 0.0;
        if (ps->treated[i])
            continue;
        if (e > OVERLAP_MAX) {
            set_why(ps->why, &ps->computable,
                    "groups do not overlap (a comparison row's propensity is above 1 - 1e-8)");
            return;
        }
        ps->w[i] = e / (1.0 - e);
        sw += ps->w[i];
        sw2 += ps->w[i] * ps->w[i];
    }
    ps->ess = sw * sw / sw2;
}

int ll_aipw_propensity_fit(ll_aipw_ps **out, const int *treated, const double *X, size_t n,
                           size_t k, ll_error *err)
{
    *out = NULL;
    if (n == 0 || treated == NULL || (k > 0 && X == NULL))
        return ll_error_set(err, LL_EINPUT, "aipw: no fitted rows");
    int rc = check_finite(X, n * k, "X", err);
    if (rc != 0)
        return rc;
    ll_aipw_ps *ps = ps_alloc(n, k);
    double *D = NULL, *T = NULL;
    ll_glm *fit = NULL;
    if (ps == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "aipw: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (treated[i] != 0 && treated[i] != 1) {
            rc = ll_error_set(err, LL_EINPUT, "aipw: treated[%zu] = %d is not 0 or 1", i,
                              treated[i]);
            goto done;
        }
        ps->treated[i] = treated[i];
        ps->n1 += (size_t)treated[i];
    }
    D = malloc(n * (k + 1) * sizeof *D);
    T = malloc(n * sizeof *T);
    if (D == NULL || T == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "aipw: out of memory");
        goto done;
    }
    size_t pd = build_design(D, X, n, k, NULL, ps->col);
    if (ps->n1 < 2 || n - ps->n1 < 2) {
        set_why(ps->why, &ps->computable, "fewer than 2 treated or 2 comparison rows");
        goto finish;
    }
    for (size_t i = 0; i < n; i++)
        T[i] = treated[i];
    int st = ll_glm_fit(&fit, D, n, pd, T, NULL, NULL);
    if (st == LL_ENOMEM) {
        rc = ll_error_set(err, LL_ENOMEM, "aipw: out of memory");
        goto done;
    }
    if (fit == NULL || !fit->converged) {
        set_why(ps->why, &ps->computable,
                "the propensity glm did not converge in 25 iterations");
        goto finish;
    }
    mark_aliased(ps->col, k, fit->aliased);
    ps->p = fit->rank;
    ps_weights(ps, fit);
finish:
    if (fit == NULL || !fit->converged)
        ps->e = ps->w = NULL; /* no glm fitted: no weights (their room stays in the block) */
    *out = ps;
    ps = NULL;
done:
    ll_glm_free(fit);
    free(D);
    free(T);
    ll_aipw_propensity_free(ps);
    return rc;
}

void ll_aipw_propensity_free(ll_aipw_ps *ps)
{
    free(ps); /* its arrays are in the same block */
}

/* lm(y ~ D - 1) by Householder QR with dqrdc2's limited pivoting: a column
 * whose norm after projection on the kept columns before it is below
 * tol times its own norm is aliased.  D is m x p row-major; coef gets p
 * values (0 for aliased columns, which are flagged).  Returns the rank, or
 * a negative status. */
static int lm_fit(double *coef, int *aliased, const double *D, size_t m, size_t p,
                  const double *y)
{
    double *M = malloc(m * p * sizeof *M), *r = malloc(m * sizeof *r);
    double *U = calloc(p * p, sizeof *U);
    size_t *keep = malloc(p * sizeof *keep), rank = 0;
    if (M == NULL || r == NULL || U == NULL || keep == NULL) {
        free(M);
        free(r);
        free(U);
        free(keep);
        return LL_ENOMEM;
    }
    for (size_t j = 0; j < p; j++) /* column-major copy */
        for (size_t i = 0; i < m; i++)
            M[j * m + i] = D[i * p + j];
    memcpy(r, y, m * sizeof *r);
    for (size_t j = 0; j < p; j++) {
        double norm0, rem;
        ll_models_col_norms(&norm0, &rem, M, m, j, rank);
        aliased[j] = rank >= m || rem < LM_TOL * norm0;
        if (aliased[j])
            continue;
        ll_models_householder(M, r, m, p, j, rank, rem);
        keep[rank++] = j;
    }
    for (size_t a = 0; a < rank; a++)
        for (size_t b = a; b < rank; b++)
            U[a * rank + b] = M[keep[b] * m + a];
    ll_models_backsolve(U, rank, r);
    memset(coef, 0, p * sizeof *coef);
    for (size_t a = 0; a < rank; a++)
        coef[keep[a]] = r[a];
    free(M);
    free(r);
    free(U);
    free(keep);
    return (int)rank;
}

/* The result and its arrays in one block (phi and m0 are set to NULL when
 * it is not computable). */
static ll_aipw_result *result_alloc(const ll_aipw_ps *ps, size_t ko)
{
    const ll_block_part part[] = {LL_BLOCK_PART(ll_aipw_result, col, ko + 1),
                                  LL_BLOCK_PART(ll_aipw_result, phi, ps->n),
                                  LL_BLOCK_PART(ll_aipw_result, m0, ps->n)};
    ll_aipw_result *r = ll_block_new(sizeof *r, part, sizeof part / sizeof *part);
    if (r == NULL)
        return NULL;
    r->n = ps->n;
    r->n1 = ps->n1;
    r->p = ps->p;
    r->k = ko;
    r->tau = r->se = r->z = r->p_value = r->conf_low = r->conf_high = NAN;
    r->mean_treated = NAN;
    r->ess = ps->ess;
    r->computable = 1;
    for (size_t j = 0; j < ko; j++)
        r->col[j] = LL_AIPW_COL_CONSTANT;
    return r;
}

static int check_outcome(const ll_aipw_ps *ps, const double *y, const double *Xo, size_t ko,
                         ll_aipw_family family, ll_error *err)
{
    if (ps == NULL || y == NULL || (ko > 0 && Xo == NULL))
        return ll_error_set(err, LL_EINPUT, "aipw: missing propensity fit or outcome");
    if (family != LL_AIPW_BINOMIAL && family != LL_AIPW_GAUSSIAN)
        return ll_error_set(err, LL_EINPUT, "aipw: unknown outcome family");
    int rc = check_finite(y, ps->n, "y", err);
    if (rc == 0)
        rc = check_finite(Xo, ps->n * ko, "Xo", err);
    for (size_t i = 0; rc == 0 && family == LL_AIPW_BINOMIAL && i < ps->n; i++)
        if (y[i] != 0.0 && y[i] != 1.0)
            rc = ll_error_set(err, LL_EINPUT, "aipw: binomial y[%zu] = %g is not 0 or 1", i, y[i]);
    return rc;
}

/* The outcome model on the comparison rows and its prediction m0 for
 * every row.  Returns 0 (r->computable may become 0) or LL_ENOMEM. */
static int outcome_model(ll_aipw_result *r, const ll_aipw_ps *ps, const double *y,
                         const double *Xo, size_t ko, ll_aipw_family family)
{
    size_t n = ps->n, nc = n - ps->n1;
    int *sel = malloc(n * sizeof *sel), *aliased = NULL, rc = 0;
    double *D = malloc(nc * (ko + 1) * sizeof *D), *yc = malloc(nc * sizeof *yc);
    double *coef = malloc((ko + 1) * sizeof *coef);
    ll_glm *fit = NULL;
    if (sel == NULL || D == NULL || yc == NULL || coef == NULL)
        goto nomem;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        sel[i] = !ps->treated[i];
        if (sel[i])
            yc[m++] = y[i];
    }
    size_t pd = build_design(D, Xo, n, ko, sel, r->col);
    if (family == LL_AIPW_BINOMIAL) {
        int st = ll_glm_fit(&fit, D, nc, pd, yc, NULL, NULL);
        if (st == LL_ENOMEM)
            goto nomem;
        if (fit == NULL || !fit->converged) {
            set_why(r->why, &r->computable, "the outcome glm did not converge in 25 iterations");
            goto done;
        }
        for (size_t j = 0; j < pd; j++)
            coef[j] = fit->aliased[j] ? 0.0 : fit->coef[j];
        mark_aliased(r->col, ko, fit->aliased);
        r->q = fit->rank;
    } else {
        aliased = malloc(pd * sizeof *aliased);
        int rank = aliased == NULL ? LL_ENOMEM : lm_fit(coef, aliased, D, nc, pd, yc);
        if (rank < 0)
            goto nomem;
        mark_aliased(r->col, ko, aliased);
        r->q = (size_t)rank;
    }
    for (size_t i = 0; i < n; i++) {
        double eta = coef[0];
        size_t d = 1;
        for (size_t j = 0; j < ko; j++)
            if (r->col[j] != LL_AIPW_COL_CONSTANT)
                eta += coef[d++] * Xo[i * ko + j]; /* aliased: coef 0 */
        r->m0[i] = family == LL_AIPW_BINOMIAL ? logit_inv(eta) : eta;
    }
    goto done;
nomem:
    rc = LL_ENOMEM;
done:
    ll_glm_free(fit);
    free(sel);
    free(D);
    free(yc);
    free(coef);
    free(aliased);
    return rc;
}

/* tau, phi and the SE from m0 and the weights (SPEC 6). */
static void contrast(ll_aipw_result *r, const ll_aipw_ps *ps, const double *y)
{
    size_t n = ps->n;
    double dn = (double)n, n1 = (double)ps->n1, A = 0.0, B = 0.0, W = 0.0, yt = 0.0;
    for (size_t i = 0; i < n; i++) {
        double ri = y[i] - r->m0[i];
        if (ps->treated[i]) {
            A += ri;
            yt += y[i];
        } else {
            B += ps->w[i] * ri;
            W += ps->w[i];
        }
    }
    A /= n1;
    B /= W;
    r->mean_treated = yt / n1;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double ri = y[i] - r->m0[i];
        r->phi[i] = ps->treated[i] ? dn / n1 * (ri - A) : -dn / W * ps->w[i] * (ri - B);
        ss += r->phi[i] * r->phi[i];
    }
    r->tau = A - B;
    r->se = sqrt(ss / (dn * (dn - (double)(r->p + r->q))));
    r->conf_low = r->tau - LL_Z975 * r->se;
    r->conf_high = r->tau + LL_Z975 * r->se;
    if (r->se > 0.0) {
        r->z = r->tau / r->se;
        r->p_value = ll_models_p_normal(r->z);
    }
}

static int binary_constant(const ll_aipw_ps *ps, const double *y)
{
    int seen[2] = {0, 0};
    for (size_t i = 0; i < ps->n; i++)
        if (!ps->treated[i])
            seen[y[i] != 0.0] = 1;
    return !(seen[0] && seen[1]);
}

int ll_aipw_outcome(ll_aipw_result **out, const ll_aipw_ps *ps, const double *y,
                    const double *Xo, size_t ko, ll_aipw_family family, ll_error *err)
{
    *out = NULL;
    int rc = check_outcome(ps, y, Xo, ko, family, err);
    if (rc != 0)
        return rc;
    ll_aipw_result *r = result_alloc(ps, ko);
    if (r == NULL)
        return ll_error_set(err, LL_ENOMEM, "aipw: out of memory");
    if (!ps->computable) {
        r->computable = 0;
        snprintf(r->why, sizeof r->why, "%s", ps->why);
        goto finish;
    }
    if (family == LL_AIPW_BINOMIAL && binary_constant(ps, y)) {
        set_why(r->why, &r->computable, "the outcome is constant over the comparison rows");
        goto finish;
    }
    if ((rc = outcome_model(r, ps, y, Xo, ko, family)) != 0)
        goto nomem;
    if (!r->computable)
        goto finish;
    if (r->p + r->q + 1 > r->n) {
        set_why(r->why, &r->computable, "n - p - q < 1 (too few rows for the two models)");
        goto finish;
    }
    contrast(r, ps, y);
finish:
    if (!r->computable)
        r->m0 = r->phi = NULL; /* their room stays in the block */
    *out = r;
    return 0;
nomem:
    ll_aipw_free(r);
    return ll_error_set(err, LL_ENOMEM, "aipw: out of memory");
}

void ll_aipw_free(ll_aipw_result *r)
{
    free(r); /* its arrays are in the same block */
}

int ll_aipw_cov(double *out, const ll_aipw_result *a, const ll_aipw_result *b, ll_error *err)
{
    if (a == NULL || b == NULL || a->n != b->n || a->p != b->p)
        return ll_error_set(err, LL_EINPUT, "aipw: covariance of results of different fits");
    if (!a->computable || !b->computable || a->phi == NULL || b->phi == NULL)
        return ll_error_set(err, LL_EDOM, "aipw: covariance of a result that is not computable");
    double s = 0.0, dn = (double)a->n;
    for (size_t i = 0; i < a->n; i++)
        s += a->phi[i] * b->phi[i];
    *out = s / (dn * sqrt((dn - (double)(a->p + a->q)) * (dn - (double)(b->p + b->q))));
    return 0;
}
