/* What the summary page shows beside the estimates (SPEC 8), counted here
 * so that the report only renders: the programme starts by financial year
 * (of START_DATE, or of REFERRAL_DATE for a child who never started:
 * referred, consented, started, eligible, and the treated children's
 * stability) and the episodes derive corrected, by rule. */
#include "evaluate_internal.h"

#include "lleval/date.h"

#include <stdlib.h>
#include <string.h>

/* 2019 for any day from 1 April 2019 to 31 March 2020; -1 for LL_NA. */
static int fin_year(long day)
{
    if (day == LL_NA)
        return -1;
    int y, m, dd;
    ll_date_to_ymd(day, &y, &m, &dd);
    return m >= 4 ? y : y - 1;
}

/* The financial year a programme child is counted in. */
static int child_year(const ll_programme_view *p)
{
    if (p->consent && p->start != LL_NA)
        return fin_year(p->start);
    return fin_year(p->referral != LL_NA ? p->referral : p->start);
}

static size_t year_index(const ll_starts *s, int fy)
{
    for (size_t k = 0; k < s->n; k++)
        if (s->years[k].fy == fy)
            return k;
    return s->n;
}

/* Adds fy to the ascending list of years (-1, no date, after every year)
 * unless it is there.  LL_OK or LL_ENOMEM. */
static int add_year(ll_starts *s, size_t *cap, int fy)
{
    if (year_index(s, fy) < s->n)
        return LL_OK;
    if (s->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        ll_starts_year *g = realloc(s->years, nc * sizeof *g);
        if (g == NULL)
            return LL_ENOMEM;
        s->years = g;
        *cap = nc;
    }
    size_t k = s->n++;
    while (k > 0 && fy >= 0 && (s->years[k - 1].fy < 0 || s->years[k - 1].fy > fy)) {
        s->years[k] = s->years[k - 1];
        k--;
    }
    memset(&s->years[k], 0, sizeof s->years[k]);
    s->years[k].fy = fy;
    return LL_OK;
}

static void count(ll_starts *s, const ll_derive_data *d, const ll_analysis *a)
{
    size_t nc = ll_derive_n_children(d);
    for (size_t ci = 0; ci < nc; ci++) {
        ll_programme_view p;
        if (ll_derive_programme(&p, d, ci) != LL_OK)
            continue;
        ll_starts_year *y = &s->years[year_index(s, child_year(&p))];
        y->referred++;
        y->consented += p.consent != 0;
        y->started += p.consent && p.start != LL_NA;
    }
    for (size_t i = 0; a != NULL && i < a->n; i++) {
        const ll_analysis_row *r = &a->rows[i];
        ll_programme_view p;
        if (r->group != LL_GROUP_TREATED || !r->cov.eligible ||
            ll_derive_programme(&p, d, r->child) != LL_OK)
            continue;
        size_t k = year_index(s, child_year(&p));
        if (k == s->n)
            continue;
        ll_starts_year *y = &s->years[k];
        y->eligible++;
        if (!ll_analysis_in_cohort(a, r) || r->out.stable_12m == LL_NA)
            continue;
        y->stable_known++;
        y->stable += r->out.stable_12m == 1;
    }
    memset(&s->total, 0, sizeof s->total);
    s->total.fy = -1;
    for (size_t k = 0; k < s->n; k++) {
        const ll_starts_year *y = &s->years[k];
        s->total.referred += y->referred;
        s->total.consented += y->consented;
        s->total.started += y->started;
        s->total.eligible += y->eligible;
        s->total.stable += y->stable;
        s->total.stable_known += y->stable_known;
    }
}

int ev_starts(ll_starts **out, const ll_derive_data *d, const ll_analysis *a, ll_error *err)
{
    *out = NULL;
    ll_starts *s = calloc(1, sizeof *s);
    size_t cap = 0, nc = ll_derive_n_children(d);
    if (s == NULL)
        goto nomem;
    for (size_t ci = 0; ci < nc; ci++) {
        ll_programme_view p;
        if (ll_derive_programme(&p, d, ci) == LL_OK && add_year(s, &cap, child_year(&p)) != LL_OK)
            goto nomem;
    }
    count(s, d, a);
    *out = s;
    return LL_OK;
nomem:
    ev_starts_free(s);
    return ll_error_set(err, LL_ENOMEM, "out of memory");
}

void ev_starts_free(ll_starts *s)
{
    if (s == NULL)
        return;
    free(s->years);
    free(s);
}

void ev_data_quality(ll_data_quality *out, const ll_derive_data *d)
{
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < ll_derive_n_dq(d); k++) {
        ll_dq_view v;
        ll_derive_dq(&v, d, k);
        if ((int)v.rule >= 0 && (int)v.rule < 3)
            out->corrected[v.rule]++;
    }
}
