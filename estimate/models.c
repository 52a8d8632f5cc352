/* The model-based estimates of SPEC section 6: the adjusted odds ratio
 * (glm), the SDQ mixed model (lmer) and care-leaver homelessness (survfit,
 * survdiff, coxph). */
#include "estimate_internal.h"

#include "lleval/statmodels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GLM_MAXCOL 17

static const char *GLM_METHOD =
    "glm binomial: y ~ treated + age_years + male + years_in_care + prior_placements + "
    "years_in_placement + placements_before + placement dummies (ref foster) + legal dummies "
    "(ref care_order); constant columns dropped; exp(coef), Wald CI exp(confint.default)";

/* One row of the glm design in formula order (intercept first); returns 0
 * when a covariate is NA, so the row is not fitted. */
static int glm_row(double *row, const ll_est_child *c)
{
    double v[] = {1.0, c->treated, c->age_years, c->male, c->years_in_care,
                  c->prior_placements, c->years_in_placement, c->placements_before};
    size_t k = 0;
    for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
        if (isnan(v[j]))
            return 0;
        row[k++] = v[j];
    }
    for (int g = LL_PG_KINSHIP; g < LL_PG_N; g++)
        row[k++] = (int)c->placement_group == g;
    for (int g = LL_LEGAL_S20; g < LL_LEGAL_N; g++)
        row[k++] = (int)c->legal_group == g;
    return 1;
}

/* Keeps the columns that vary over the fitted rows (and the intercept);
 * keep[j] records which.  Returns the number kept. */
static size_t drop_constant(double *X, size_t n, size_t p, int *keep)
{
    size_t q = 0;
    for (size_t j = 0; j < p; j++) {
        keep[j] = j == 0;
        for (size_t i = 1; i < n && !keep[j]; i++)
            keep[j] = X[i * p + j] != X[j];
        q += keep[j] != 0;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (size_t j = 0; j < p; j++)
            if (keep[j])
                X[i * q + k++] = X[i * p + j];
    }
    return q;
}

int est_adjusted_or(est_ctx *x, ll_estimate *r, size_t off)
{
    const size_t p = 8 + (LL_PG_N - 1) + (LL_LEGAL_N - 1);
    double *X = malloc(x->n * p * sizeof *X), *y = malloc(x->n * sizeof *y);
    int keep[GLM_MAXCOL], rc = LL_OK;
    ll_glm *fit = NULL;
    size_t m = 0;
    if (X == NULL || y == NULL) {
        rc = ll_error_set(x->err, LL_ENOMEM, "out of memory in glm");
        goto done;
    }
    for (size_t i = 0; i < x->n; i++) {
        double yi = EST_FIELD(&x->c[i], off);
        if (!isnan(yi) && glm_row(X + m * p, &x->c[i]))
            y[m++] = yi;
    }
    r->n = (long)m;
    size_t q = drop_constant(X, m, p, keep);
    if (!keep[1]) {
        est_method(r, "not computable: treated is constant over the fitted rows");
        goto done;
    }
    int st = ll_glm_fit(&fit, X, m, q, y, NULL, NULL);
    if (st == LL_ESEPARATION || st == LL_ENOCONV || st == LL_EDOM ||
        (st == LL_OK && fit->aliased[1])) {
        est_method(r, "not computable: %s", st == LL_ESEPARATION ? "separation (fitted probabilities 0 or 1)"
                                            : st == LL_ENOCONV ? "glm did not converge in 25 iterations"
                                            : st == LL_EDOM ? "too few rows for the model"
                                                            : "the treated term is aliased");
        goto done;
    }
    if (st != LL_OK) {
        rc = ll_error_set(x->err, LL_EINTERNAL, "glm: %s", ll_error_name(st));
        goto done;
    }
    est_set(r, exp(fit->coef[1]), fit->se[1], fit->z[1],
            fit->p_value[1], exp(fit->conf_low[1]), exp(fit->conf_high[1]));
    est_method(r, "%s", GLM_METHOD);
done:
    ll_glm_free(fit);
    free(X);
    free(y);
    return rc;
}

static const char *LMM_METHOD =
    "lme4::lmer(sdq ~ years * treated + (1 | child), REML=TRUE) on all non-missing sdq_k, "
    "years = k; REML optimum to full precision; Wald z CI and p";
static const char *LMM1_METHOD =
    "lme4::lmer(sdq ~ years + (1 | child), REML=TRUE) on all non-missing sdq_k, years = k; "
    "REML optimum to full precision; Wald z CI and p";

/* Stacks every non-NA sdq_k as one observation; returns the number of
 * observations and counts the children with any in *children. */
static size_t lmm_design(est_ctx *x, double *X, double *y, long *cl, size_t p, long *children)
{
    size_t m = 0;
    *children = 0;
    for (size_t i = 0; i < x->n; i++) {
        const ll_est_child *c = &x->c[i];
        int any = 0;
        if (p == 2 && !c->treated)
            continue; /* single-group: the treated children's model only */
        for (int k = 0; k < 4; k++) {
            if (isnan(c->sdq[k]))
                continue;
            double *row = X + m * p;
            row[0] = 1.0;
            row[1] = k;
            if (p == 4) {
                row[2] = c->treated;
                row[3] = k * (double)c->treated;
            }
            y[m] = c->sdq[k];
            cl[m++] = (long)i;
            any = 1;
        }
        *children += any;
    }
    return m;
}

static void lmm_fill(ll_estimate *r, const ll_lmm *fit, size_t j, const char *method)
{
    est_set(r, fit->beta[j], fit->se[j], fit->t[j],
            fit->p_value[j], fit->conf_low[j], fit->conf_high[j]);
    est_method(r, "%s", method);
}

int est_mixed_model(est_ctx *x)
{
    int two = x->opt->has_comparison;
    size_t p = two ? 4 : 2, cap = 4 * x->n + 1;
    const char *grp = two ? "treated-comparison" : "treated";
    ll_estimate *r1 = est_add(x->t, "sdq", "mixed_model", grp, "years");
    ll_estimate *r2 = two ? est_add(x->t, "sdq", "mixed_model", grp, "years:treated") : NULL;
    double *X = malloc(cap * p * sizeof *X), *y = malloc(cap * sizeof *y);
    long *cl = malloc(cap * sizeof *cl), children, nt = 0, nc = 0;
    ll_lmm *fit = NULL;
    int rc = LL_OK;
    if (r1 == NULL || (two && r2 == NULL) || X == NULL || y == NULL || cl == NULL) {
        rc = ll_error_set(x->err, LL_ENOMEM, "out of memory in the mixed model");
        goto done;
    }
    size_t m = lmm_design(x, X, y, cl, p, &children);
    for (size_t i = 0; i < m; i++)
        if (i == 0 || cl[i] != cl[i - 1])
            *(x->c[cl[i]].treated ? &nt : &nc) += 1;
    r1->n = children;
    if (r2)
        r2->n = children;
    const char *why = NULL;
    if (nt < 2 || (two && nc < 2))
        why = "not computable: fewer than 2 children with an SDQ score in a group";
    int st = why ? LL_EDOM : ll_lmm_fit(&fit, X, m, p, y, cl, NULL);
    if (!why && st == LL_ESINGULAR)
        why = "not computable: singular fit (random-intercept SD / residual SD < 1e-4, isSingular)";
    else if (!why && st != LL_OK)
        why = st == LL_ENOCONV ? "not computable: REML optimum not found"
                               : "not computable: too few observations or clusters for the model";
    if (why) {
        est_method(r1, "%s", why);
        if (r2)
            est_method(r2, "%s", why);
        goto done;
    }
    lmm_fill(r1, fit, 1, two ? LMM_METHOD : LMM1_METHOD);
    if (r2)
        lmm_fill(r2, fit, 3, LMM_METHOD);
done:
    ll_lmm_free(fit);
    free(X);
    free(y);
    free(cl);
    return rc;
}

/* Care leavers (non-NA homeless_time) of one group (-1: both) into the
 * scratch arrays; returns their number and counts events in *events. */
static size_t leavers(est_ctx *x, int group, double *time, int *event, int *grp, long *events)
{
    size_t m = 0;
    *events = 0;
    for (size_t i = 0; i < x->n; i++) {
        const ll_est_child *c = &x->c[i];
        if (isnan(c->homeless_time) || isnan(c->homeless_event))
            continue;
        if (group >= 0 && c->treated != group)
            continue;
        time[m] = c->homeless_time;
        event[m] = c->homeless_event != 0;
        grp[m] = c->treated ? 0 : 1;
        *events += event[m];
        m++;
    }
    return m;
}

static const char *KM_METHOD = "survfit(Surv(homeless_time, homeless_event) ~ group), log CI; "
                               "S(age); events = events at ages <= term";

static int km_rows(est_ctx *x, int group, double *time, int *event, int *grp)
{
    const char *gname = group ? "treated" : "comparison";
    long events;
    size_t m = leavers(x, group, time, event, grp, &events);
    ll_km *km = NULL;
    if (m >= 2 && ll_km_fit(&km, time, event, m, NULL) != LL_OK)
        return ll_error_set(x->err, LL_EINTERNAL, "Kaplan-Meier fit failed");
    for (int age = LL_KM_AGE_FIRST; age < LL_KM_AGE_FIRST + LL_KM_N_AGES; age++) {
        char term[16];
        snprintf(term, sizeof term, "age%d", age);
        ll_estimate *r = est_add(x->t, "homelessness", "km_survival", gname, term);
        if (r == NULL) {
            ll_km_free(km);
            return ll_error_set(x->err, LL_ENOMEM, "out of memory");
        }
        r->n = (long)m;
        long ev = 0;
        for (size_t i = 0; i < m; i++)
            ev += event[i] && time[i] <= age;
        r->events = ev;
        ll_km_point pt;
        if (km == NULL) {
            est_method(r, "not computable: fewer than 2 care leavers in the group");
        } else if (ll_km_at(&pt, km, age, NULL) != LL_OK) {
            est_method(r, "not computable: age %d is after the group's last observed time", age);
        } else {
            r->estimate = pt.surv;
            if (pt.ci_defined) {
                r->std_error = pt.std_err;
                r->conf_low = pt.lower;
                r->conf_high = pt.upper;
            }
            est_method(r, "%s", KM_METHOD);
        }
    }
    ll_km_free(km);
    return LL_OK;
}

static void logrank_row(ll_estimate *r, double *time, int *event, int *grp, size_t m,
                        const char *why)
{
    ll_logrank *lr = NULL;
    if (why == NULL && ll_logrank_test(&lr, time, event, grp, m, 2, NULL) != LL_OK)
        why = "not computable: no expected events in a group";
    if (why) {
        est_method(r, "%s", why);
        return;
    }
    r->statistic = lr->chisq;
    r->p_value = lr->p_value;
    est_method(r, "survdiff: chi-square (df 1) and p");
    ll_logrank_free(lr);
}

static void cox_row(ll_estimate *r, double *time, int *event, int *grp, size_t m,
                    const char *why, long ev_t, long ev_c)
{
    ll_cox *fit = NULL;
    double *X = NULL;
    if (why == NULL && (ev_t == 0 || ev_c == 0))
        why = "not computable: a group has no events (the hazard ratio would be 0 or infinite)";
    if (why == NULL && (X = malloc((m + 1) * sizeof *X)) == NULL)
        why = "not computable: out of memory";
    for (size_t i = 0; why == NULL && i < m; i++)
        X[i] = grp[i] == 0;
    if (why == NULL && ll_cox_fit(&fit, time, event, X, m, 1, NULL) != LL_OK)
        why = "not computable: the Cox model has no finite estimate";
    free(X);
    if (why) {
        est_method(r, "%s", why);
        return;
    }
    est_set(r, exp(fit->coef[0]), fit->se[0], fit->z[0],
            fit->p_value[0], exp(fit->conf_low[0]), exp(fit->conf_high[0]));
    est_method(r, "coxph(Surv ~ treated, ties=\"efron\"): exp(coef), Wald CI and p; "
                  "std.error of coef");
    ll_cox_free(fit);
}

int est_homelessness(est_ctx *x)
{
    size_t n = x->n + 1;
    double *time = malloc(n * sizeof *time);
    int *event = malloc(n * sizeof *event), *grp = malloc(n * sizeof *grp), rc = LL_OK;
    if (time == NULL || event == NULL || grp == NULL) {
        rc = ll_error_set(x->err, LL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = km_rows(x, 1, time, event, grp)) != LL_OK)
        goto done;
    if (!x->opt->has_comparison)
        goto done;
    if ((rc = km_rows(x, 0, time, event, grp)) != LL_OK)
        goto done;
    long ev_t, ev_c, ev;
    size_t nt = leavers(x, 1, time, event, grp, &ev_t);
    size_t nc = leavers(x, 0, time, event, grp, &ev_c);
    size_t m = leavers(x, -1, time, event, grp, &ev);
    ll_estimate *lr = est_add(x->t, "homelessness", "log_rank", "treated-comparison", NULL);
    ll_estimate *hr = est_add(x->t, "homelessness", "hazard_ratio", "treated-comparison", NULL);
    if (lr == NULL || hr == NULL) {
        rc = ll_error_set(x->err, LL_ENOMEM, "out of memory");
        goto done;
    }
    lr->n = hr->n = (long)m;
    lr->events = hr->events = ev;
    const char *why = nt < 2 || nc < 2 ? "not computable: fewer than 2 care leavers in a group"
                      : ev == 0        ? "not computable: no events"
                                       : NULL;
    logrank_row(lr, time, event, grp, m, why);
    cox_row(hr, time, event, grp, m, why, ev_t, ev_c);
done:
    free(time);
    free(event);
    free(grp);
    return rc;
}
