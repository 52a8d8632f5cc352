/* Survival estimators that reproduce R's survival package: the
 * Kaplan-Meier curve with Greenwood variance and log intervals
 * (survfit / summary.survfit), the log-rank test (survdiff, rho = 0) and
 * Cox regression with Efron ties by coxph's own Newton-Raphson
 * (coxfit6: centring and scaling, step halving, convergence rule). */
#include "lleval/block.h"
#include "lleval/statmodels.h"

#include "models_internal.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* coxph.control() defaults */
#define COX_EPS 1e-9
#define COX_ITER_MAX 20
#define COX_TOLER_INF 3.1622776601683795e-05 /* sqrt(COX_EPS) */

typedef struct time_ix {
    double time;
    int event;
    size_t ix;
} time_ix;

/* Ascending time, events before censorings at a tie (as coxph's order),
 * then input order, so that results never depend on qsort's whims. */
static int cmp_time_ix(const void *a, const void *b)
{
    const time_ix *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->event != y->event)
        return x->event > y->event ? -1 : 1;
    return x->ix < y->ix ? -1 : (x->ix > y->ix);
}

static int check_surv(const double *time, const int *event, size_t n, const char *what,
                      ll_error *err)
{
    if (time == NULL || event == NULL || n == 0)
        return ll_error_set(err, LL_EINPUT, "%s: no subjects", what);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(time[i]))
            return ll_error_set(err, LL_EINPUT, "%s: time[%zu] is not finite", what, i);
        if (event[i] != 0 && event[i] != 1)
            return ll_error_set(err, LL_EINPUT, "%s: event[%zu] = %d is not 0 or 1", what, i,
                                event[i]);
    }
    return 0;
}

/* A sorted copy of (time, event, index); NULL when out of memory. */
static time_ix *sorted_times(const double *time, const int *event, size_t n)
{
    time_ix *t = malloc(n * sizeof *t);
    if (t == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        t[i].time = time[i];
        t[i].event = event[i];
        t[i].ix = i;
    }
    qsort(t, n, sizeof *t, cmp_time_ix);
    return t;
}

/* ------------------------------------------------------------------ */
/* Kaplan-Meier                                                         */

void ll_km_free(ll_km *km)
{
    free(km); /* the columns are in the same block */
}

static ll_km *km_alloc(size_t n)
{
    const ll_block_part part[] = {
        LL_BLOCK_PART(ll_km, time, n), LL_BLOCK_PART(ll_km, n_risk, n),
        LL_BLOCK_PART(ll_km, n_event, n), LL_BLOCK_PART(ll_km, n_censor, n),
        LL_BLOCK_PART(ll_km, surv, n), LL_BLOCK_PART(ll_km, cumhaz_se, n)};
    return ll_block_new(sizeof(ll_km), part, sizeof part / sizeof *part);
}

int ll_km_fit(ll_km **out, const double *time, const int *event, size_t n, ll_error *err)
{
    *out = NULL;
    int rc = check_surv(time, event, n, "km", err);
    if (rc != 0)
        return rc;
    time_ix *t = sorted_times(time, event, n);
    ll_km *km = km_alloc(n);
    if (t == NULL || km == NULL) {
        free(t);
        ll_km_free(km);
        return ll_error_set(err, LL_ENOMEM, "km: out of memory");
    }
    km->n = n;
    double s = 1.0, varhaz = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, d = 0;
        while (j < n && t[j].time == t[i].time)
            d += (size_t)t[j++].event;
        size_t r = n - i;
        km->time[k] = t[i].time;
        km->n_risk[k] = r;
        km->n_event[k] = d;
        km->n_censor[k] = (j - i) - d;
        if (d > 0) {
            s *= (double)(r - d) / (double)r;
            varhaz = r > d ? varhaz + (double)d / ((double)r * (double)(r - d)) : INFINITY;
        }
        km->surv[k] = s;
        km->cumhaz_se[k] = sqrt(varhaz);
        k++;
        i = j;
    }
    km->n_times = k;
    free(t);
    *out = km;
    return 0;
}

int ll_km_at(ll_km_point *out, const ll_km *km, double t, ll_error *err)
{
    if (!isfinite(t))
        return ll_error_set(err, LL_EINPUT, "km: time %g is not finite", t);
    size_t m = km->n_times;
    if (m == 0 || t > km->time[m - 1])
        return ll_error_set(err, LL_EDOM, "km: time %g is after the last observed time", t);
    /* k = number of distinct times <= t */
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (km->time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = lo;
    memset(out, 0, sizeof *out);
    out->time = t;
    out->ci_defined = 1;
    if (k == 0) {
        out->n_risk = km->n;
        out->surv = out->lower = out->upper = 1.0;
        return 0;
    }
    size_t last = k - 1;
    out->n_risk = km->time[last] == t ? km->n_risk[last] : km->n_risk[k];
    for (size_t j = 0; j < k; j++)
        out->n_event += km->n_event[j];
    double s = km->surv[last], se = km->cumhaz_se[last];
    out->surv = s;
    if (!(s > 0.0) || !isfinite(se)) {
        out->ci_defined = 0;
        out->std_err = out->lower = out->upper = NAN;
        return 0;
    }
    out->std_err = s * se;
    out->lower = exp(log(s) - LL_Z975 * se);
    out->upper = fmin(1.0, exp(log(s) + LL_Z975 * se));
    return 0;
}

/* ------------------------------------------------------------------ */
/* Log-rank test                                                       */

void ll_logrank_free(ll_logrank *lr)
{
    free(lr); /* the arrays are in the same block */
}

static ll_logrank *logrank_alloc(size_t g)
{
    const ll_block_part part[] = {
        LL_BLOCK_PART(ll_logrank, n, g), LL_BLOCK_PART(ll_logrank, obs, g),
        LL_BLOCK_PART(ll_logrank, exp, g), LL_BLOCK_PART(ll_logrank, var, g * g)};
    ll_logrank *lr = ll_block_new(sizeof(ll_logrank), part, sizeof part / sizeof *part);
    if (lr != NULL)
        lr->n_groups = g;
    return lr;
}

/* survdiff2's accumulation: walk the distinct times from the last down,
 * adding each tied set to the risk sets. */
static void logrank_accumulate(ll_logrank *lr, const time_ix *t, const int *group, size_t n,
                               double *risk)
{
    size_t g = lr->n_groups;
    for (size_t i = n; i > 0;) {
        size_t j = i;
        double deaths = 0.0;
        while (j > 0 && t[j - 1].time == t[i - 1].time) {
            j--;
            int k = group[t[j].ix];
            deaths += t[j].event;
            risk[k] += 1.0;
            lr->obs[k] += t[j].event;
        }
        i = j;
        double nrisk = (double)(n - j);
        if (deaths > 0.0) {
            for (size_t k = 0; k < g; k++)
                lr->exp[k] += deaths * risk[k] / nrisk;
            if (nrisk == 1.0)
                continue;
            for (size_t a = 0; a < g; a++) {
                double tmp = deaths * risk[a] * (nrisk - deaths) / (nrisk * (nrisk - 1.0));
                lr->var[a * g + a] += tmp;
                for (size_t b = 0; b < g; b++)
                    lr->var[a * g + b] -= tmp * risk[b] / nrisk;
            }
        }
    }
}

/* survdiff's chi-square: groups with exp > 0, the first of them dropped. */
static int logrank_chisq(ll_logrank *lr, ll_error *err)
{
    size_t g = lr->n_groups, r = 0;
    size_t *use = malloc(g * sizeof *use);
    double *V = malloc(g * g * sizeof *V), *U = malloc(g * g * sizeof *U);
    double *d = malloc(g * sizeof *d);
    int rc = 0;
    if (!use || !V || !U || !d) {
        rc = ll_error_set(err, LL_ENOMEM, "logrank: out of memory");
        goto done;
    }
    for (size_t k = 0; k < g; k++)
        if (lr->exp[k] > 0.0)
            use[r++] = k;
    lr->df = (int)r - 1;
    if (r < 2) {
        rc = ll_error_set(err, LL_EDOM, "logrank: fewer than two groups with expected events");
        goto done;
    }
    size_t q = r - 1;
    for (size_t a = 0; a < q; a++) {
        d[a] = lr->obs[use[a + 1]] - lr->exp[use[a + 1]];
        for (size_t b = 0; b < q; b++)
            V[a * q + b] = lr->var[use[a + 1] * g + use[b + 1]];
    }
    if (ll_models_chol(U, V, q) != 0) {
        rc = ll_error_set(err, LL_ESINGULAR, "logrank: singular variance matrix");
        goto done;
    }
    memcpy(V, d, q * sizeof *d);
    ll_models_chol_solve(U, q, V);
    double chi = 0.0;
    for (size_t a = 0; a < q; a++)
        chi += V[a] * d[a];
    lr->chisq = chi;
    lr->p_value = gsl_cdf_chisq_Q(chi, (double)lr->df);
done:
    free(use);
    free(V);
    free(U);
    free(d);
    return rc;
}

int ll_logrank_test(ll_logrank **out, const double *time, const int *event,
                    const int *group, size_t n, size_t n_groups, ll_error *err)
{
    *out = NULL;
    int rc = check_surv(time, event, n, "logrank", err);
    if (rc != 0)
        return rc;
    if (group == NULL || n_groups == 0)
        return ll_error_set(err, LL_EINPUT, "logrank: no groups");
    for (size_t i = 0; i < n; i++)
        if (group[i] < 0 || (size_t)group[i] >= n_groups)
            return ll_error_set(err, LL_EINPUT, "logrank: group[%zu] = %d out of range", i,
                                group[i]);
    time_ix *t = sorted_times(time, event, n);
    ll_logrank *lr = logrank_alloc(n_groups);
    double *risk = calloc(n_groups, sizeof *risk);
    if (t == NULL || lr == NULL || risk == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "logrank: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        lr->n[group[i]]++;
    logrank_accumulate(lr, t, group, n, risk);
    if ((rc = logrank_chisq(lr, err)) != 0)
        goto done;
    *out = lr;
    lr = NULL;
done:
    free(t);
    free(risk);
    ll_logrank_free(lr);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Cox regression, Efron ties                                          */

typedef struct cox_work {
    size_t n, p;
    double *z;      /* n x p centred (and scaled) covariates, in time order */
    double *time;   /* n, ascending */
    int *status;    /* n */
    double *scale;  /* p */
    double *u;      /* p score */
    double *imat;   /* p x p information */
    double *a, *a2, *cmat, *cmat2; /* accumulators */
} cox_work;

/* coxfit6_iter: partial log-likelihood, score and information at beta,
 * Efron's approximation for tied deaths.  Walks from the last time down. */
static double cox_eval(cox_work *w, const double *beta)
{
    size_t n = w->n, p = w->p;
    double *u = w->u, *imat = w->imat, *a = w->a, *a2 = w->a2, *cmat = w->cmat,
           *cmat2 = w->cmat2;
    memset(u, 0, p * sizeof *u);
    memset(imat, 0, p * p * sizeof *imat);
    memset(a, 0, p * sizeof *a);
    memset(a2, 0, p * sizeof *a2);
    memset(cmat, 0, p * p * sizeof *cmat);
    memset(cmat2, 0, p * p * sizeof *cmat2);
    double loglik = 0.0, denom = 0.0;
    for (size_t person = n; person > 0;) {
        double dtime = w->time[person - 1];
        int ndead = 0;
        double denom2 = 0.0;
        while (person > 0 && w->time[person - 1] == dtime) {
            person--;
            const double *zi = w->z + person * p;
            double zbeta = 0.0;
            for (size_t i = 0; i < p; i++)
                zbeta += beta[i] * zi[i];
            double risk = exp(zbeta);
            int dead = w->status[person];
            double *aa = dead ? a2 : a, *cc = dead ? cmat2 : cmat;
            if (dead) {
                ndead++;
                denom2 += risk;
                loglik += zbeta;
                for (size_t i = 0; i < p; i++)
                    u[i] += zi[i];
            } else {
                denom += risk;
            }
            for (size_t i = 0; i < p; i++) {
                aa[i] += risk * zi[i];
                for (size_t j = 0; j <= i; j++)
                    cc[i * p + j] += risk * zi[i] * zi[j];
            }
        }
        if (ndead == 0)
            continue;
        /* Efron: the tied deaths enter the risk set in ndead equal parts */
        double nd = (double)ndead;
        for (int k = 0; k < ndead; k++) {
            denom += denom2 / nd;
            loglik -= log(denom);
            for (size_t i = 0; i < p; i++) {
                a[i] += a2[i] / nd;
                double mean = a[i] / denom;
                u[i] -= mean;
                for (size_t j = 0; j <= i; j++) {
                    cmat[i * p + j] += cmat2[i * p + j] / nd;
                    imat[j * p + i] += (cmat[i * p + j] - mean * a[j]) / denom;
                }
            }
        }
        memset(a2, 0, p * sizeof *a2);
        memset(cmat2, 0, p * p * sizeof *cmat2);
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++)
            imat[i * p + j] = imat[j * p + i];
    return loglik;
}

/* Cholesky of the information with cholesky2's tolerance: a pivot below
 * toler * (largest diagonal) makes it singular.  Returns 0 or -1. */
static int cox_chol(double *U, const double *imat, size_t p)
{
    const double toler = pow(DBL_EPSILON, 0.75); /* coxph.control()$toler.chol */
    double big = 0.0;
    for (size_t i = 0; i < p; i++)
        if (!isfinite(imat[i * p + i]))
            return -1;
        else if (imat[i * p + i] > big)
            big = imat[i * p + i];
    if (ll_models_chol(U, imat, p) != 0)
        return -1;
    for (size_t i = 0; i < p; i++)
        if (U[i * p + i] * U[i * p + i] < toler * big)
            return -1;
    return 0;
}

static void cox_work_free(cox_work *w)
{
    free(w->z); /* the block of every array (cox_setup) */
}

/* Sorted, centred and scaled copy of the data, as coxph.fit/coxfit6:
 * columns of only -1, 0, 1 are left alone (coxph's nocenter). */
static int cox_setup(cox_work *w, const time_ix *t, const double *X)
{
    size_t n = w->n, p = w->p;
    const ll_block_part part[] = {
        LL_BLOCK_PART(cox_work, z, n * p), LL_BLOCK_PART(cox_work, time, n),
        LL_BLOCK_PART(cox_work, status, n), LL_BLOCK_PART(cox_work, scale, p),
        LL_BLOCK_PART(cox_work, u, p), LL_BLOCK_PART(cox_work, imat, p * p),
        LL_BLOCK_PART(cox_work, a, p), LL_BLOCK_PART(cox_work, a2, p),
        LL_BLOCK_PART(cox_work, cmat, p * p), LL_BLOCK_PART(cox_work, cmat2, p * p)};
    if (ll_block_arrays(w, part, sizeof part / sizeof *part) == NULL)
        return LL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        w->time[i] = t[i].time;
        w->status[i] = t[i].event;
        memcpy(w->z + i * p, X + t[i].ix * p, p * sizeof *w->z);
    }
    for (size_t j = 0; j < p; j++) {
        int zero_one = 1;
        double mean = 0.0;
        for (size_t i = 0; i < n; i++) {
            double v = w->z[i * p + j];
            if (v != 0.0 && v != 1.0 && v != -1.0)
                zero_one = 0;
            mean += v;
        }
        w->scale[j] = 1.0;
        if (zero_one)
            continue;
        mean /= (double)n;
        double mad = 0.0;
        for (size_t i = 0; i < n; i++) {
            w->z[i * p + j] -= mean;
            mad += fabs(w->z[i * p + j]);
        }
        double sc = mad > 0.0 ? (double)n / mad : 1.0;
        w->scale[j] = sc;
        for (size_t i = 0; i < n; i++)
            w->z[i * p + j] *= sc;
    }
    return 0;
}

/* An infinite MLE in sight: a two-valued covariate one of whose values
 * has no events (the likelihood keeps rising as its coefficient runs off). */
static int cox_level_without_events(const double *X, const int *event, size_t n, size_t p,
                                    size_t *col)
{
    for (size_t j = 0; j < p; j++) {
        double v0 = X[j], v1 = v0;
        int two = 1, ev0 = 0, ev1 = 0;
        for (size_t i = 0; i < n && two; i++) {
            double v = X[i * p + j];
            if (v != v0 && v1 == v0)
                v1 = v;
            if (v != v0 && v != v1)
                two = 0;
            if (event[i] && v == v0)
                ev0 = 1;
            else if (event[i])
                ev1 = 1;
        }
        if (two && v1 != v0 && (!ev0 || !ev1)) {
            *col = j;
            return 1;
        }
    }
    return 0;
}

/* coxfit6's main loop.  On return beta holds the estimate (scaled),
 * U the Cholesky factor of the information there. */
static int cox_newton(cox_work *w, double *beta, double *newbeta, double *step, double *U,
                      ll_cox *f)
{
    size_t p = w->p;
    memset(beta, 0, p * sizeof *beta);
    double best = cox_eval(w, beta);
    f->loglik0 = best;
    if (cox_chol(U, w->imat, p) != 0)
        return LL_ESINGULAR;
    memcpy(step, w->u, p * sizeof *step);
    ll_models_chol_solve(U, p, step);
    for (size_t i = 0; i < p; i++)
        newbeta[i] = beta[i] + step[i];
    int halving = 0;
    for (int iter = 1; iter <= COX_ITER_MAX; iter++) {
        double newlk = cox_eval(w, newbeta);
        int singular = cox_chol(U, w->imat, p) != 0;
        int notfinite = !isfinite(newlk);
        for (size_t i = 0; i < p; i++)
            if (!isfinite(w->u[i]))
                notfinite = 1;
        if (!notfinite && !singular && fabs(1.0 - best / newlk) <= COX_EPS) {
            memcpy(beta, newbeta, p * sizeof *beta);
            f->loglik = newlk;
            f->iter = iter;
            return 0;
        }
        if (notfinite || newlk < best) {
            halving++;
            for (size_t i = 0; i < p; i++)
                newbeta[i] = (newbeta[i] + halving * beta[i]) / (halving + 1.0);
        } else {
            if (singular)
                return LL_ESINGULAR;
            halving = 0;
            best = newlk;
            memcpy(step, w->u, p * sizeof *step);
            ll_models_chol_solve(U, p, step);
            for (size_t i = 0; i < p; i++) {
                beta[i] = newbeta[i];
                newbeta[i] += step[i];
            }
        }
    }
    return LL_ENOCONV;
}

void ll_cox_free(ll_cox *fit)
{
    free(fit); /* its coefficient table is in the same block */
}

static ll_cox *cox_alloc(size_t p)
{
    return ll_models_fit_new(sizeof(ll_cox), offsetof(ll_cox, coefs), p);
}

/* Back to the original scale, Wald statistics, and coxph's check for
 * coefficients that may be infinite: |u V| > eps and > toler.inf |coef|. */
static int cox_finish(ll_cox *f, const cox_work *w, const double *beta, const double *U,
                      double *work, ll_error *err)
{
    size_t p = w->p;
    ll_models_chol_inverse(U, p, f->cov, work);
    for (size_t i = 0; i < p; i++) {
        f->coef[i] = beta[i] * w->scale[i];
        for (size_t j = 0; j < p; j++)
            f->cov[i * p + j] *= w->scale[i] * w->scale[j];
    }
    for (size_t j = 0; j < p; j++) {
        double uv = 0.0;
        for (size_t i = 0; i < p; i++)
            uv += w->u[i] / w->scale[i] * f->cov[i * p + j];
        if (fabs(uv) > COX_EPS && fabs(uv) > COX_TOLER_INF * fabs(f->coef[j]))
            return ll_error_set(err, LL_EDOM,
                                "cox: likelihood converged before column %zu (from 0); "
                                "its coefficient may be infinite", j);
    }
    for (size_t j = 0; j < p; j++) {
        ll_coef_table_wald(&f->coefs, j, f->coef[j], sqrt(f->cov[j * p + j]));
    }
    return 0;
}

static int cox_check(const double *time, const int *event, const double *X, size_t n,
                     size_t p, size_t *n_event, ll_error *err)
{
    int rc = check_surv(time, event, n, "cox", err);
    if (rc != 0)
        return rc;
    if (X == NULL || p == 0)
        return ll_error_set(err, LL_EINPUT, "cox: no covariates");
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d += (size_t)event[i];
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return ll_error_set(err, LL_EINPUT, "cox: X[%zu, %zu] is not finite", i, j);
    }
    *n_event = d;
    if (d == 0)
        return ll_error_set(err, LL_EDOM, "cox: no events");
    size_t col;
    if (cox_level_without_events(X, event, n, p, &col))
        return ll_error_set(err, LL_EDOM,
                            "cox: a value of column %zu (from 0) has no events (infinite estimate)",
                            col);
    return 0;
}

int ll_cox_fit(ll_cox **out, const double *time, const int *event, const double *X,
               size_t n, size_t p, ll_error *err)
{
    *out = NULL;
    size_t n_event = 0;
    int rc = cox_check(time, event, X, n, p, &n_event, err);
    if (rc != 0)
        return rc;
    cox_work w = {.n = n, .p = p};
    time_ix *t = sorted_times(time, event, n);
    ll_cox *f = cox_alloc(p);
    double *buf = malloc((3 * p + 2 * p * p) * sizeof *buf);
    if (t == NULL || f == NULL || buf == NULL || cox_setup(&w, t, X) != 0) {
        rc = ll_error_set(err, LL_ENOMEM, "cox: out of memory");
        goto done;
    }
    double *beta = buf, *newbeta = buf + p, *step = buf + 2 * p;
    double *U = buf + 3 * p, *work = U + p * p;
    rc = cox_newton(&w, beta, newbeta, step, U, f);
    if (rc == LL_ESINGULAR) {
        ll_error_set(err, rc, "cox: information matrix is singular (constant or collinear covariates)");
        goto done;
    }
    if (rc == LL_ENOCONV) {
        ll_error_set(err, rc, "cox: did not converge in %d iterations", COX_ITER_MAX);
        goto done;
    }
    f->n = n;
    f->p = p;
    f->n_event = n_event;
    if ((rc = cox_finish(f, &w, beta, U, work, err)) != 0)
        goto done;
    *out = f;
    f = NULL;
done:
    free(t);
    free(buf);
    cox_work_free(&w);
    ll_cox_free(f);
    return rc;
}
