/* The estimates table: growing it, and writing it as estimates.csv. */
#include "estimate_internal.h"

#include "lleval/format.h"
#include "lleval/grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ll_estimate *est_add(ll_estimates *t, const char *outcome, const char *estimand,
                     const char *group, const char *term)
{
    ll_estimate *rows = ll_grow(t->rows, &t->cap, t->n, sizeof *rows, 128);
    if (rows == NULL)
        return NULL;
    t->rows = rows;
    ll_estimate *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->outcome, sizeof r->outcome, "%s", outcome);
    snprintf(r->estimand, sizeof r->estimand, "%s", estimand);
    snprintf(r->group, sizeof r->group, "%s", group);
    snprintf(r->term, sizeof r->term, "%s", term ? term : "");
    r->key = ll_est_key_of(outcome, estimand, group);
    r->n = 0;
    r->events = -1;
    r->estimate = r->std_error = r->statistic = r->p_value = NAN;
    r->conf_low = r->conf_high = NAN;
    return r;
}

static const char *const OUTCOMES[LL_OUTCOME_OTHER] = {
    "stable_12m", "homeless_ever", "placements", "sdq", "identity_improved", "connections",
    "homelessness"};
static const char *const ESTIMANDS[LL_ESTIMAND_OTHER] = {
    "proportion", "risk_difference", "risk_ratio", "e_value", "odds_ratio",
    "adjusted_odds_ratio", "mde", "mean", "mean_change", "difference_in_differences",
    "mixed_model", "band_proportion", "median", "wilcoxon_signed_rank", "km_survival",
    "log_rank", "hazard_ratio", "adjusted_risk_difference", "adjusted_difference",
    "adjusted_e_value", "subgroup_risk_difference", "interaction"};
static const char *const GROUPS[LL_EGROUP_OTHER] = {"treated", "comparison",
                                                    "treated-comparison"};

static int lookup(const char *const *names, int n, const char *s)
{
    for (int k = 0; k < n; k++)
        if (s != NULL && strcmp(names[k], s) == 0)
            return k;
    return n;
}

ll_est_key ll_est_key_of(const char *outcome, const char *estimand, const char *group)
{
    ll_est_key k = {(ll_outcome_id)lookup(OUTCOMES, LL_OUTCOME_OTHER, outcome),
                    (ll_estimand_id)lookup(ESTIMANDS, LL_ESTIMAND_OTHER, estimand),
                    (ll_egroup_id)lookup(GROUPS, LL_EGROUP_OTHER, group)};
    return k;
}

const char *ll_outcome_name(ll_outcome_id o)
{
    return o < LL_OUTCOME_OTHER ? OUTCOMES[o] : "";
}

const char *ll_estimand_name(ll_estimand_id e)
{
    return e < LL_ESTIMAND_OTHER ? ESTIMANDS[e] : "";
}

const char *ll_egroup_name(ll_egroup_id g)
{
    return g < LL_EGROUP_OTHER ? GROUPS[g] : "";
}

void est_method(ll_estimate *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->method, sizeof r->method, fmt, ap);
    va_end(ap);
}

void est_set(ll_estimate *r, double estimate, double std_error, double statistic,
             double p_value, double conf_low, double conf_high)
{
    r->estimate = estimate;
    r->std_error = std_error;
    r->statistic = statistic;
    r->p_value = p_value;
    r->conf_low = conf_low;
    r->conf_high = conf_high;
}

void ll_estimates_free(ll_estimates *t)
{
    if (t == NULL)
        return;
    free(t->rows);
    ll_est_summary_clear(&t->summary);
    free(t);
}


int ll_estimate_write_csv(FILE *f, const ll_estimates *t)
{
    fputs("outcome,estimand,group,term,n,events,estimate,std.error,statistic,p.value,"
          "conf.low,conf.high,method\n", f);
    for (size_t i = 0; i < t->n; i++) {
        const ll_estimate *r = &t->rows[i];
        const double num[] = {r->estimate, r->std_error, r->statistic,
                              r->p_value,  r->conf_low,  r->conf_high};
        fprintf(f, "%s,%s,%s,%s,%ld,", r->outcome, r->estimand, r->group, r->term, r->n);
        if (r->events >= 0)
            fprintf(f, "%ld", r->events);
        ll_csv_put_numbers(f, num, sizeof num / sizeof *num);
        fputc(',', f);
        ll_csv_put_field(f, r->method);
        fputc('\n', f);
    }
    return ferror(f) ? LL_EIO : LL_OK;
}
