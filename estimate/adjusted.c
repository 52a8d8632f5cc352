/* The adjusted rows of SPEC 6: the AIPW estimate of the effect on the
 * treated for stable_12m (adjusted_risk_difference and its E-values) and
 * placements_after (adjusted_difference), from the statistics library's
 * estimator (stats/aipw.c) on the section 5 propensity covariates. */
#include "estimate_internal.h"

#include "lleval/aipw.h"
#include "lleval/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Section 5's covariates with their dummies, in SPEC 6's column order. */
static const char *const XNAMES[EST_X_COLS] = {
    "age_years",  "male",           "eth_mixed",           "eth_asian",
    "eth_black",  "eth_other",      "eth_unknown",         "uasc",
    "years_in_care", "prior_placements", "years_in_placement", "placements_before",
    "pg_kinship", "pg_residential", "pg_semi_independent", "pg_adoption",
    "pg_parents", "pg_other",       "lg_s20",              "lg_other",
    "cin_n1"};

int ll_estimate_covariates(double *out, const ll_est_child *c)
{
    size_t k = 0;
    out[k++] = c->age_years;
    out[k++] = c->male;
    for (int e = LL_ETHNIC_MIXED; e < LL_ETHNIC_N; e++)
        out[k++] = (int)c->ethnic_group == e;
    out[k++] = c->uasc;
    out[k++] = c->years_in_care;
    out[k++] = c->prior_placements;
    out[k++] = c->years_in_placement;
    out[k++] = c->placements_before;
    for (int g = LL_PG_KINSHIP; g < LL_PG_N; g++)
        out[k++] = (int)c->placement_group == g;
    for (int g = LL_LEGAL_S20; g < LL_LEGAL_N; g++)
        out[k++] = (int)c->legal_group == g;
    out[k++] = c->cin_n1;
    for (size_t j = 0; j < k; j++)
        if (isnan(out[j]))
            return 0;
    return 1;
}

size_t est_fitted_rows(const est_ctx *x, size_t off, size_t *rows)
{
    size_t m = 0;
    double row[EST_X_COLS];
    for (int g = 1; g >= 0; g--) /* treated first, then comparison, each in cohort order */
        for (size_t i = 0; i < x->n; i++)
            if (x->c[i].treated == g && !isnan(EST_FIELD(&x->c[i], off)) &&
                ll_estimate_covariates(row, &x->c[i]))
                rows[m++] = i;
    return m;
}

/* The method text: the propensity model's columns, the outcome model, the
 * ESS. */
static void method_text(ll_estimate *r, const ll_aipw_ps *ps, const ll_aipw_result *a,
                        ll_aipw_family fam)
{
    char cols[400] = "";
    size_t len = 0, kept = 0;
    for (size_t j = 0; j < EST_X_COLS; j++)
        if (ps->col[j] == LL_AIPW_COL_KEPT && len + 32 < sizeof cols)
            len += (size_t)snprintf(cols + len, sizeof cols - len, "%s%s", len ? " + " : "",
                                    XNAMES[j]);
    for (size_t j = 0; j < a->k; j++)
        kept += a->col[j] == LL_AIPW_COL_KEPT;
    size_t nc = a->n - a->n1;
    est_method(r,
               "AIPW ATT (SPEC 6): propensity glm(T ~ %s, binomial) on the fitted rows; outcome "
               "%s on comparison rows (%zu columns); influence-function SE; normal z, p, CI; "
               "effective sample size of the comparison weights %.1f of %zu",
               len ? cols : "1", fam == LL_AIPW_BINOMIAL ? "glm(y ~ X, binomial)" : "lm(y ~ X)",
               kept, a->ess, nc);
}

int est_aipw(est_ctx *x, ll_estimate *r, size_t off, int binary, double *ptbar)
{
    size_t n = x->n, *rows = malloc((n + 1) * sizeof *rows);
    double *X = malloc((n + 1) * EST_X_COLS * sizeof *X), *y = malloc((n + 1) * sizeof *y);
    int *T = malloc((n + 1) * sizeof *T), rc = LL_OK;
    ll_aipw_ps *ps = NULL;
    ll_aipw_result *a = NULL;
    ll_aipw_family fam = binary ? LL_AIPW_BINOMIAL : LL_AIPW_GAUSSIAN;
    *ptbar = NAN;
    if (rows == NULL || X == NULL || y == NULL || T == NULL) {
        rc = ll_error_set(x->err, LL_ENOMEM, "out of memory in the adjusted estimate");
        goto done;
    }
    size_t m = est_fitted_rows(x, off, rows);
    for (size_t i = 0; i < m; i++) {
        const ll_est_child *c = &x->c[rows[i]];
        ll_estimate_covariates(X + i * EST_X_COLS, c);
        y[i] = EST_FIELD(c, off);
        T[i] = c->treated;
    }
    r->n = (long)m;
    if (m == 0) {
        est_method(r, "not computable: fewer than 2 treated or 2 comparison rows");
        goto done;
    }
    ll_error e;
    if (ll_aipw_propensity_fit(&ps, T, X, m, EST_X_COLS, &e) != LL_OK ||
        ll_aipw_outcome(&a, ps, y, X, EST_X_COLS, fam, &e) != LL_OK) {
        rc = ll_error_set(x->err, e.code == LL_ENOMEM ? LL_ENOMEM : LL_EINTERNAL, "%s", e.msg);
        goto done;
    }
    if (!a->computable) {
        est_method(r, "%s", a->why);
        goto done;
    }
    est_set(r, a->tau, a->se, a->z, a->p_value, a->conf_low, a->conf_high);
    *ptbar = a->mean_treated;
    method_text(r, ps, a, fam);
done:
    ll_aipw_free(a);
    ll_aipw_propensity_free(ps);
    free(rows);
    free(X);
    free(y);
    free(T);
    return rc;
}

/* E-value of RR = pt / (pt - d); 0 when not defined (0 < pt - d < 1 fails). */
static int evalue_of(double *out, double pt, double d)
{
    double den = pt - d;
    if (!(den > 0.0 && den < 1.0) || !(pt > 0.0))
        return 0;
    return ll_stats_evalue(out, pt / den, NULL) == LL_OK;
}

void est_adjusted_evalues(ll_estimate *ep, ll_estimate *ec, const ll_estimate *rd, double pt)
{
    if (isnan(rd->estimate)) {
        est_method(ep, "not computable: the adjusted risk difference is not");
        est_method(ec, "not computable: the adjusted risk difference is not");
        return;
    }
    double e;
    if (!evalue_of(&e, pt, rd->estimate)) {
        est_method(ep, "not computable: p_t - tau is not in (0, 1)");
        est_method(ec, "not computable: p_t - tau is not in (0, 1)");
        return;
    }
    ep->estimate = e;
    est_method(ep, "E-value of RR_a = p_t / (p_t - tau), p_t the treated fitted rows' mean, "
                   "tau the adjusted risk difference");
    if (!(rd->conf_low > 0.0 || rd->conf_high < 0.0)) {
        ec->estimate = 1.0;
    } else {
        double lim = rd->conf_low > 0.0 ? rd->conf_low : rd->conf_high;
        if (!evalue_of(&e, pt, lim)) {
            est_method(ec, "not computable: p_t minus the confidence limit is not in (0, 1)");
            return;
        }
        ec->estimate = e;
    }
    est_method(ec, "E-value of p_t / (p_t - limit), the limit of tau +/- z.975 SE nearer 0 "
                   "(1 when the interval contains 0)");
}
