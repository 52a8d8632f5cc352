/* The exploratory subgroup rows of SPEC 6 ("for whom"): the stable_12m
 * risk difference within each level of age, sex, placement and legal
 * group, and per variable the likelihood-ratio test of the treated x
 * subgroup interaction, anova(glm(y ~ treated + v), glm(y ~ treated * v)). */
#include "estimate_internal.h"

#include "lleval/statmodels.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEVELS 4

typedef struct subgroup_var {
    const char *name;
    int n_levels;
    const char *levels[MAX_LEVELS];
} subgroup_var;

static const subgroup_var VARS[] = {
    {"age", 2, {"under_10", "10_plus"}},
    {"sex", 2, {"female", "male"}},
    {"placement", 4, {"foster", "kinship", "residential", "other"}},
    {"legal", 3, {"care_order", "s20", "other"}},
};

int est_subgroup_level(const ll_est_child *c, size_t v)
{
    switch (v) {
    case 0:
        return isnan(c->age_years) ? -1 : c->age_years < 10.0 ? 0 : 1;
    case 1:
        return isnan(c->male) ? -1 : c->male != 0.0;
    case 2:
        return c->placement_group == LL_PG_FOSTER        ? 0
               : c->placement_group == LL_PG_KINSHIP     ? 1
               : c->placement_group == LL_PG_RESIDENTIAL ? 2
                                                         : 3;
    default:
        return c->legal_group == LL_LEGAL_CARE_ORDER ? 0 : c->legal_group == LL_LEGAL_S20 ? 1 : 2;
    }
}

/* The rows of the interaction models (intercept, treated, a dummy per
 * present level after the first, then with full = 1 treated x each dummy);
 * returns the number of columns. */
static size_t lrt_design(double *X, const est_ctx *x, const size_t *rows, size_t m, size_t v,
                         const int *present_idx, int n_present, int full)
{
    size_t p = 2 + (size_t)(n_present - 1) * (full ? 2 : 1);
    for (size_t i = 0; i < m; i++) {
        const ll_est_child *c = &x->c[rows[i]];
        double *row = X + i * p;
        int lv = est_subgroup_level(c, v);
        row[0] = 1.0;
        row[1] = c->treated;
        for (int k = 1; k < n_present; k++) {
            double d = lv == present_idx[k];
            row[1 + k] = d;
            if (full)
                row[n_present + k] = d * c->treated;
        }
    }
    return p;
}

/* Fits one interaction model; NULL when it does not converge (R's rule). */
static ll_glm *lrt_fit(int *nomem, const double *X, size_t m, size_t p, const double *y)
{
    ll_glm *fit = NULL;
    int st = ll_glm_fit(&fit, X, m, p, y, NULL, NULL);
    *nomem = st == LL_ENOMEM;
    if (fit != NULL && !fit->converged) {
        ll_glm_free(fit);
        fit = NULL;
    }
    return fit;
}

/* The interaction row of variable v over the fitted rows. */
static int interaction(est_ctx *x, ll_estimate *r, size_t v, const size_t *rows, size_t m,
                       const double *y)
{
    const subgroup_var *sv = &VARS[v];
    int present[MAX_LEVELS] = {0}, idx[MAX_LEVELS], np = 0, rc = LL_OK;
    long nt = 0, nc = 0, ev = 0;
    for (size_t i = 0; i < m; i++) {
        const ll_est_child *c = &x->c[rows[i]];
        present[est_subgroup_level(c, v)] = 1;
        *(c->treated ? &nt : &nc) += 1;
        ev += y[i] != 0.0;
    }
    char names[160] = "";
    size_t len = 0;
    for (int k = 0; k < sv->n_levels; k++)
        if (present[k]) {
            idx[np++] = k;
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
                                    sv->levels[k]);
        }
    const char *why = np < 2                    ? "fewer than two levels present"
                      : nt < 2 || nc < 2        ? "fewer than 2 children in a group"
                      : ev == 0 || ev == (long)m ? "no events or all events"
                                                : NULL;
    double *X = NULL;
    ll_glm *f1 = NULL, *f2 = NULL;
    if (why == NULL) {
        size_t pmax = 2 + 2 * (size_t)(np - 1);
        int nomem1 = 0, nomem2 = 0;
        if ((X = malloc((m + 1) * pmax * sizeof *X)) == NULL)
            goto nomem;
        size_t p1 = lrt_design(X, x, rows, m, v, idx, np, 0);
        f1 = lrt_fit(&nomem1, X, m, p1, y);
        size_t p2 = lrt_design(X, x, rows, m, v, idx, np, 1);
        f2 = lrt_fit(&nomem2, X, m, p2, y);
        if (nomem1 || nomem2)
            goto nomem;
        if (f1 == NULL || f2 == NULL)
            why = "a glm did not converge in 25 iterations";
        else if (f2->rank <= f1->rank)
            why = "0 degrees of freedom";
    }
    if (why != NULL) {
        est_method(r, "not computable: %s", why);
        goto done;
    }
    double df = (double)(f2->rank - f1->rank);
    r->statistic = f1->deviance - f2->deviance;
    r->p_value = gsl_cdf_chisq_Q(r->statistic, df);
    est_method(r,
               "anova(glm(y ~ treated + v, binomial), glm(y ~ treated * v, binomial), "
               "test=\"LRT\"), v = %s (levels present: %s): deviance difference and chi-square "
               "p (df %g)",
               sv->name, names, df);
    goto done;
nomem:
    rc = ll_error_set(x->err, LL_ENOMEM, "out of memory in the subgroup tests");
done:
    free(X);
    ll_glm_free(f1);
    ll_glm_free(f2);
    return rc;
}

int est_subgroups(est_ctx *x, size_t off)
{
    size_t *rows = malloc((x->n + 1) * sizeof *rows), m = 0;
    double *y = malloc((x->n + 1) * sizeof *y);
    int rc = LL_OK;
    if (rows == NULL || y == NULL) {
        rc = ll_error_set(x->err, LL_ENOMEM, "out of memory in the subgroup rows");
        goto done;
    }
    for (size_t i = 0; i < x->n; i++) {
        double d = EST_FIELD(&x->c[i], off);
        if (!isnan(d) && est_subgroup_level(&x->c[i], 0) >= 0 && est_subgroup_level(&x->c[i], 1) >= 0) {
            rows[m] = i;
            y[m++] = d;
        }
    }
    long events = 0;
    for (size_t i = 0; i < m; i++)
        events += y[i] != 0.0;
    for (size_t v = 0; v < sizeof VARS / sizeof VARS[0]; v++) {
        for (int k = 0; k < VARS[v].n_levels; k++) {
            char term[LL_EST_TEXT];
            snprintf(term, sizeof term, "%s:%s", VARS[v].name, VARS[v].levels[k]);
            ll_estimate *r = est_add(x->t, "stable_12m", "subgroup_risk_difference",
                                     "treated-comparison", term);
            if (r == NULL) {
                rc = ll_error_set(x->err, LL_ENOMEM, "out of memory in the subgroup rows");
                goto done;
            }
            est_two b = {0, 0, 0, 0};
            for (size_t i = 0; i < m; i++) {
                const ll_est_child *c = &x->c[rows[i]];
                if (est_subgroup_level(c, v) != k)
                    continue;
                if (c->treated) {
                    b.nt++;
                    b.xt += y[i] != 0.0;
                } else {
                    b.nc++;
                    b.xc += y[i] != 0.0;
                }
            }
            est_risk_difference(r, &b, "risk_difference within the level's rows: p_t - p_c; "
                                       "Newcombe CI; prop.test(correct=FALSE) X-squared and p");
        }
        ll_estimate *r =
            est_add(x->t, "stable_12m", "interaction", "treated-comparison", VARS[v].name);
        if (r == NULL) {
            rc = ll_error_set(x->err, LL_ENOMEM, "out of memory in the subgroup rows");
            goto done;
        }
        r->n = (long)m;
        r->events = events;
        if ((rc = interaction(x, r, v, rows, m, y)) != LL_OK)
            goto done;
    }
done:
    free(rows);
    free(y);
    return rc;
}
