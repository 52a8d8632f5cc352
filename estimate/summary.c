/* The cohort counts and Kaplan-Meier curves that go with the estimates
 * rows: what the report shows besides the rows (children by group, those
 * with an SDQ, care leavers and their events, the curves and numbers at
 * risk), computed here once so that the report fits no model. */
#include "estimate_internal.h"

#include "lleval/statmodels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ll_est_summary_clear(ll_est_summary *s)
{
    if (s == NULL)
        return;
    for (int g = 0; g < 2; g++) {
        free(s->km[g].time);
        free(s->km[g].surv);
        free(s->km[g].n_risk);
        free(s->km[g].n_event);
    }
    memset(s, 0, sizeof *s);
    for (int g = 0; g < 2; g++)
        for (int k = 0; k < LL_KM_N_AGES; k++)
            s->km[g].risk_at[k] = -1;
}

static void count(ll_est_summary *s, const ll_est_child *c, int g)
{
    s->n[g]++;
    int any = 0;
    for (int k = 0; k < 4; k++)
        any |= !isnan(c->sdq[k]);
    s->sdq_children[g] += any;
    if (!isnan(c->homeless_time)) {
        s->leavers[g]++;
        s->leaver_events[g] += c->homeless_event == 1;
    }
}

/* Copies the fitted curve and reads the numbers at risk at each age. */
static int keep_curve(ll_est_curve *out, const ll_km *km)
{
    size_t m = km->n_times + 1;
    out->n = km->n;
    out->n_times = km->n_times;
    out->time = malloc(m * sizeof *out->time);
    out->surv = malloc(m * sizeof *out->surv);
    out->n_risk = malloc(m * sizeof *out->n_risk);
    out->n_event = malloc(m * sizeof *out->n_event);
    if (!out->time || !out->surv || !out->n_risk || !out->n_event)
        return LL_ENOMEM;
    memcpy(out->time, km->time, km->n_times * sizeof *out->time);
    memcpy(out->surv, km->surv, km->n_times * sizeof *out->surv);
    memcpy(out->n_risk, km->n_risk, km->n_times * sizeof *out->n_risk);
    memcpy(out->n_event, km->n_event, km->n_times * sizeof *out->n_event);
    for (int k = 0; k < LL_KM_N_AGES; k++) {
        ll_km_point pt;
        if (ll_km_at(&pt, km, LL_KM_AGE_FIRST + k, NULL) == LL_OK)
            out->risk_at[k] = (long)pt.n_risk;
    }
    return LL_OK;
}

/* The curve of group g (1 treated, 0 comparison, as the children's flag). */
static int curve(ll_est_curve *out, const ll_est_child *c, size_t n, int treated, double *t,
                 int *ev, ll_error *err)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].treated == treated && !isnan(c[i].homeless_time)) {
            t[m] = c[i].homeless_time;
            ev[m++] = c[i].homeless_event == 1;
        }
    if (m == 0)
        return LL_OK;
    ll_km *km = NULL;
    int rc = ll_km_fit(&km, t, ev, m, NULL);
    if (rc != LL_OK)
        return ll_error_set(err, LL_EINTERNAL, "Kaplan-Meier fit failed");
    rc = keep_curve(out, km);
    ll_km_free(km);
    return rc == LL_OK ? LL_OK : ll_error_set(err, rc, "out of memory");
}

int ll_estimate_summary(ll_est_summary *out, const ll_est_child *c, size_t n,
                        const ll_est_options *opt, ll_error *err)
{
    int two = opt->has_comparison, rc = LL_OK;
    memset(out, 0, sizeof *out);
    ll_est_summary_clear(out);
    for (size_t i = 0; i < n; i++)
        if (c[i].treated || two)
            count(out, &c[i], c[i].treated ? 0 : 1);
    double *t = malloc((n + 1) * sizeof *t);
    int *ev = malloc((n + 1) * sizeof *ev);
    if (t == NULL || ev == NULL)
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
    for (int g = 0; rc == LL_OK && g < (two ? 2 : 1); g++)
        rc = curve(&out->km[g], c, n, g == 0, t, ev, err);
    free(t);
    free(ev);
    if (rc != LL_OK)
        ll_est_summary_clear(out);
    return rc;
}
