/* The placement effects of SPEC 7 from the section 6 cohort: one AIPW
 * estimate of the effect on the treated per component (moves, weeks in each
 * placement group), sharing one propensity model, with their covariance
 * from the influence values.  Adjusting matters because an authority's own
 * comparison list usually differs before the index (fewer children in
 * residential care, say), and a crude difference would bill that to the
 * programme.  Homelessness stays crude (care leavers are too few). */
#include "costs_internal.h"

#include "lleval/aipw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NX LL_EST_X_COLS      /* section 5's covariates with their dummies */
#define NXO (NX + LL_PG_N)    /* plus weeks_<g>_before in the outcome models */

/* Section 5's covariates in SPEC 6's column order (which decides aliasing),
 * then weeks_<g>_before; 0 when a value is NA. */
static int x_row(double *row, const ll_est_child *c)
{
    if (!ll_estimate_covariates(row, c))
        return 0;
    for (int g = 0; g < LL_PG_N; g++)
        row[NX + g] = c->weeks_before[g];
    for (size_t j = 0; j < NXO; j++)
        if (!isfinite(row[j]))
            return 0;
    return 1;
}

/* Component k's outcome of child c: placements_after, then weeks_<g>_after. */
static double y_of(const ll_est_child *c, int k)
{
    return k == 0 ? c->placements_after : c->weeks_after[k - 1];
}

static ll_costs_effect *component(ll_costs_effects *e, int k)
{
    return k == 0 ? &e->moves : &e->weeks[k - 1];
}

/* The fitted rows (SPEC 7): every component's outcome known, covariates
 * known; treated first, then comparison, each in cohort order. */
static size_t fitted_rows(const ll_est_child *c, size_t n, size_t *rows)
{
    size_t m = 0;
    double row[NXO];
    for (int g = 1; g >= 0; g--)
        for (size_t i = 0; i < n; i++) {
            int ok = c[i].treated == g && x_row(row, &c[i]);
            for (int k = 0; ok && k < LL_COSTS_NCOMP; k++)
                ok = isfinite(y_of(&c[i], k));
            if (ok)
                rows[m++] = i;
        }
    return m;
}

/* The crude parts: means, the homelessness difference, N and L. */
static int crude(ll_costs_effects *out, const ll_est_child *c, size_t n, int two,
                 ll_error *err)
{
    double *buf = malloc((n + 1) * (3 + LL_PG_N) * 2 * sizeof *buf);
    if (buf == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory in the cost effects");
    ll_costs_arm arm[2] = {{0}, {0}}; /* treated, comparison */
    for (int a = 0; a < 2; a++) {
        double *b = buf + (size_t)a * (n + 1) * (3 + LL_PG_N);
        arm[a].placements_after = b;
        arm[a].homeless_ever = b + (n + 1);
        for (int g = 0; g < LL_PG_N; g++)
            arm[a].weeks_after[g] = b + (size_t)(2 + g) * (n + 1);
    }
    for (size_t i = 0; i < n; i++) {
        ll_costs_arm *a = &arm[c[i].treated ? 0 : 1];
        ((double *)a->placements_after)[a->n] = c[i].placements_after;
        ((double *)a->homeless_ever)[a->n] = c[i].homeless_ever;
        for (int g = 0; g < LL_PG_N; g++)
            ((double *)a->weeks_after[g])[a->n] = c[i].weeks_after[g];
        a->n++;
    }
    int rc = ll_costs_effects_compute(out, &arm[0], two ? &arm[1] : NULL, err);
    free(buf);
    return rc;
}

static void not_computable(ll_costs_effects *e, const char *what, const char *why)
{
    e->placement_computable = 0;
    snprintf(e->placement_why, sizeof e->placement_why, "%s%s", what, why);
    for (int k = 0; k < LL_COSTS_NCOMP; k++) {
        ll_costs_effect *x = component(e, k);
        x->computable = x->zero = 0;
        x->estimate = x->std_error = NAN;
    }
    memset(e->cov, 0, sizeof e->cov);
}

/* The AIPW estimates on m fitted rows (X and the outcomes already laid out). */
static int adjust(ll_costs_effects *e, const int *T, const double *X, const double *Y,
                  size_t m, ll_error *err)
{
    ll_aipw_ps *ps = NULL;
    ll_aipw_result *a[LL_COSTS_NCOMP] = {0};
    double *Xp = malloc((m + 1) * NX * sizeof *Xp);
    int rc = LL_OK;
    ll_error e2;
    if (Xp == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory in the cost effects");
        goto done;
    }
    for (size_t i = 0; i < m; i++)
        memcpy(Xp + i * NX, X + i * NXO, NX * sizeof *Xp);
    if ((rc = ll_aipw_propensity_fit(&ps, T, Xp, m, NX, &e2)) != LL_OK)
        goto fail;
    e->ess = ps->ess;
    if (!ps->computable) {
        not_computable(e, "", ps->why);
        goto done;
    }
    for (int k = 0; k < LL_COSTS_NCOMP; k++) {
        const double *y = Y + (size_t)k * m;
        ll_costs_effect *x = component(e, k);
        int zero = 1;
        for (size_t i = 0; i < m && zero; i++)
            zero = y[i] == 0;
        if (zero) { /* SPEC 7: estimate 0, no variance */
            x->estimate = x->std_error = 0;
            x->computable = x->zero = 1;
            continue;
        }
        if ((rc = ll_aipw_outcome(&a[k], ps, y, X, NXO, LL_AIPW_GAUSSIAN, &e2)) != LL_OK)
            goto fail;
        if (!a[k]->computable) {
            char what[64];
            snprintf(what, sizeof what, "%s%s: ", k ? "weeks_" : "moves",
                     k ? ll_placement_group_name(k - 1) : "");
            not_computable(e, what, a[k]->why);
            goto done;
        }
        x->estimate = a[k]->tau == 0 ? 0 : -a[k]->tau; /* comparison minus treated */
        x->std_error = a[k]->se;
        x->computable = 1;
    }
    for (int k = 0; k < LL_COSTS_NCOMP; k++)
        for (int l = 0; l < LL_COSTS_NCOMP; l++)
            if (a[k] != NULL && a[l] != NULL &&
                (rc = ll_aipw_cov(&e->cov[k][l], a[k], a[l], &e2)) != LL_OK)
                goto fail;
    e->placement_computable = 1;
    e->placement_why[0] = '\0';
    goto done;
fail:
    rc = ll_error_set(err, rc == LL_ENOMEM ? LL_ENOMEM : LL_EINTERNAL,
                      "cost effects: %s", e2.msg);
done:
    for (int k = 0; k < LL_COSTS_NCOMP; k++)
        ll_aipw_free(a[k]);
    ll_aipw_propensity_free(ps);
    free(Xp);
    return rc;
}

int ll_costs_effects_from_cohort(ll_costs_effects *out, const ll_est_child *c, size_t n,
                                 int has_comparison, ll_error *err)
{
    size_t *rows = malloc((n + 1) * sizeof *rows);
    double *X = malloc((n + 1) * NXO * sizeof *X);
    double *Y = malloc((n + 1) * LL_COSTS_NCOMP * sizeof *Y);
    int *T = malloc((n + 1) * sizeof *T);
    int rc = LL_OK;
    if (rows == NULL || X == NULL || Y == NULL || T == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory in the cost effects");
        goto done;
    }
    if ((rc = crude(out, c, n, has_comparison, err)) != LL_OK || !has_comparison)
        goto done;
    out->adjusted = 1;
    size_t m = fitted_rows(c, n, rows), m1 = 0;
    for (size_t i = 0; i < m; i++) {
        const ll_est_child *ch = &c[rows[i]];
        x_row(X + i * NXO, ch);
        T[i] = ch->treated;
        m1 += (size_t)ch->treated;
        for (int k = 0; k < LL_COSTS_NCOMP; k++)
            Y[(size_t)k * m + i] = y_of(ch, k);
    }
    out->n_fitted = m;
    out->n_fitted_treated = m1;
    out->ess = NAN;
    if (m1 < 2 || m - m1 < 2) {
        char why[128];
        snprintf(why, sizeof why,
                 "not computable: fewer than 2 treated or 2 comparison rows with "
                 "placements_after (treated %zu, comparison %zu)", m1, m - m1);
        not_computable(out, "", why);
        goto done;
    }
    rc = adjust(out, T, X, Y, m, err);
done:
    free(rows);
    free(X);
    free(Y);
    free(T);
    return rc;
}
