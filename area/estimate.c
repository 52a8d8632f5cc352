/* The estimator of SPEC 11: group-time effects ATT(g, t) against
 * never-treated authorities (Callaway & Sant'Anna 2021, no covariates,
 * "varying" base for the pre-periods), their overall and event-time
 * aggregates, standard errors from the influence function clustered by
 * authority, and randomization inference for the overall effect.
 *
 * The statistic itself (cell ATTs, influence terms, the weighted aggregate
 * and its clustered SE) is stats/did.c's; this file builds the design (the
 * groups, their bases and the cells), draws the assignments and fills the
 * rows.  The observed estimate and every randomization draw go through the
 * same functions in the same order of summation, so that a draw that
 * reproduces the observed assignment reproduces the observed estimate
 * exactly and ties count as ties. */
#include "internal.h"

#include "lleval/did.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct design {
    const ll_area_panel *p;
    size_t ngroups;
    int *group;
    size_t *gsize;
    size_t *bidx;    /* index of b_g in the series' years */
    size_t ncells;
    ll_did_cell *cell;
};

static void design_free(struct design *d)
{
    for (size_t c = 0; c < d->ncells && d->cell; c++) {
        free(d->cell[c].member);
        free(d->cell[c].inf);
    }
    free(d->cell);
    free(d->group);
    free(d->gsize);
    free(d->bidx);
}

/* The groups (distinct start years, ascending), their sizes and bases,
 * and the cells: for each g, each series year but the first. */
static int design_init(struct design *d, const ll_area_panel *p, const int *start, ll_error *err)
{
    size_t nu = p->nunits, ny = p->nyears, ng = 0;
    memset(d, 0, sizeof *d);
    d->p = p;
    d->group = malloc((nu + 1) * sizeof *d->group);
    if (!d->group)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t u = 0; u < nu; u++)
        if (start[u])
            d->group[ng++] = start[u];
    if (ng == 0)
        return ll_error_set(err, LL_EINPUT, "no programme authority is in the series");
    d->ngroups = ng = ar_sort_unique(d->group, ng);
    d->gsize = calloc(ng, sizeof *d->gsize);
    d->bidx = calloc(ng, sizeof *d->bidx);
    d->ncells = ng * (ny - 1);
    d->cell = calloc(d->ncells + 1, sizeof *d->cell);
    if (!d->gsize || !d->bidx || !d->cell)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t gi = 0; gi < ng; gi++) {
        int g = d->group[gi];
        for (size_t u = 0; u < nu; u++)
            d->gsize[gi] += start[u] == g;
        size_t k = 0;
        while (k < ny && p->year[k] < g)
            k++;
        if (k == 0)
            return ll_error_set(err, LL_EINPUT, "start year %d has no earlier year in the "
                                "series (first %d)", g, p->year[0]);
        d->bidx[gi] = k - 1;
        for (size_t ki = 1; ki < ny; ki++) {
            ll_did_cell *c = &d->cell[gi * (ny - 1) + ki - 1];
            c->g = g;
            c->t = p->year[ki];
            c->ki = ki;
            c->kb = c->t >= g ? d->bidx[gi] : ki - 1;
            c->b = p->year[c->kb];
            c->e = c->t - g;
            c->member = calloc(nu + 1, 1);
            c->inf = calloc(nu + 1, sizeof *c->inf);
            if (!c->member || !c->inf)
                return ll_error_set(err, LL_ENOMEM, "out of memory");
        }
    }
    return LL_OK;
}

/* ATT of every cell under the assignment start[] (units in panel order);
 * with_inf: also the membership and influence-function terms. */
static void cells_compute(struct design *d, const int *start, int with_inf)
{
    const ll_area_panel *p = d->p;
    ll_did_cells_compute(d->cell, d->ncells, p->y, p->nunits, p->nyears, start, with_inf);
}

/* Estimate, SE and what follows from them (SPEC 11). */
static void fill_stats(ll_area_row *r, double theta, double se)
{
    r->estimate = theta;
    r->std_error = se;
    r->statistic = r->p_value = r->ri_p_value = NAN;
    if (se > 0) {
        double z = gsl_cdf_ugaussian_Pinv(0.975);
        r->statistic = theta / se;
        r->p_value = 2 * gsl_cdf_ugaussian_P(-fabs(r->statistic));
        r->conf_low = theta - z * se;
        r->conf_high = theta + z * se;
    } else {
        r->conf_low = r->conf_high = theta;
    }
}

static void empty_stats(ll_area_row *r)
{
    r->estimate = r->std_error = r->statistic = r->p_value = NAN;
    r->conf_low = r->conf_high = r->ri_p_value = NAN;
}

static void cell_row(ll_area_row *r, const ll_did_cell *c)
{
    memset(r, 0, sizeof *r);
    r->estimand = LL_AREA_ATT_GT;
    r->group = c->g;
    r->time = c->t;
    r->base = c->b;
    r->event = c->e;
    r->computable = c->computable;
    r->n_treated = c->n_treated;
    r->n_comparison = c->n_comparison;
    empty_stats(r);
    if (c->computable)
        return;
    snprintf(r->note, sizeof r->note, "not computable: %s%s%s",
             c->n_treated < 1 ? "no treated authority has values in both years" : "",
             c->n_treated < 1 && c->n_comparison < 2 ? "; " : "",
             c->n_comparison < 2 ? "fewer than 2 comparison authorities have values in both years" : "");
}

/* Distinct authorities entering the picked cells as treated / comparison. */
static void count_units(const struct design *d, ll_did_pick k, size_t *nT, size_t *nC)
{
    *nT = *nC = 0;
    for (size_t u = 0; u < d->p->nunits; u++) {
        unsigned char m = 0;
        for (size_t c = 0; c < d->ncells; c++)
            if (ll_did_picked(&d->cell[c], k))
                m |= d->cell[c].member[u] == 1 ? 1 : d->cell[c].member[u] == 2 ? 2 : 0;
        *nT += (m & 1) != 0;
        *nC += (m & 2) != 0;
    }
}

static void agg_row(ll_area_row *r, const struct design *d, ll_did_pick k, double *a)
{
    double se = NAN;
    memset(r, 0, sizeof *r);
    r->estimand = k.overall ? LL_AREA_OVERALL : LL_AREA_EVENT;
    r->event = k.event;
    double theta;
    ll_did_aggregate(&theta, &se, a, d->cell, d->ncells, d->p->nunits, k);
    r->computable = !isnan(theta);
    count_units(d, k, &r->n_treated, &r->n_comparison);
    if (r->computable)
        fill_stats(r, theta, se);
    else {
        empty_stats(r);
        snprintf(r->note, sizeof r->note, "not computable: no computable post-period cell");
    }
}

/* Randomization inference for the overall row (SPEC 11's recipe). */
static int ri(struct design *d, ll_area_row *overall, long draws, unsigned long seed,
              ll_area_result *res, ll_error *err)
{
    size_t nu = d->p->nunits;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t *idx = malloc((nu + 1) * sizeof *idx);
    int *st = malloc((nu + 1) * sizeof *st);
    int rc = LL_OK;
    if (!rng || !idx || !st) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(rng, seed);
    long used = 0, extreme = 0;
    double obs = fabs(overall->estimate);
    ll_did_pick post = {1, 0};
    for (long r = 0; r < draws; r++) {
        for (size_t i = 0; i < nu; i++)
            idx[i] = i, st[i] = 0;
        gsl_ran_shuffle(rng, idx, nu, sizeof *idx);
        size_t pos = 0;
        for (size_t gi = 0; gi < d->ngroups; gi++)
            for (size_t j = 0; j < d->gsize[gi]; j++)
                st[idx[pos++]] = d->group[gi];
        cells_compute(d, st, 0);
        double th;
        if (ll_did_aggregate(&th, NULL, NULL, d->cell, d->ncells, nu, post) != 0)
            continue;
        used++;
        extreme += fabs(th) >= obs;
    }
    res->ri_used = used;
    overall->ri_p_value = used ? (double)(1 + extreme) / (double)(used + 1) : NAN;
    snprintf(overall->note, sizeof overall->note, "randomization draws used: %ld of %ld", used,
             draws);
done:
    gsl_rng_free(rng);
    free(idx);
    free(st);
    return rc;
}

static int collect_events(const struct design *d, int **out, size_t *n)
{
    int *e = malloc((d->ncells + 1) * sizeof *e);
    if (!e)
        return -1;
    size_t m = 0;
    for (size_t c = 0; c < d->ncells; c++)
        if (d->cell[c].computable)
            e[m++] = d->cell[c].e;
    *out = e;
    *n = ar_sort_unique(e, m);
    return 0;
}

/* Moves the design's groups into the result. */
static void keep_groups(ll_area_result *res, struct design *d)
{
    res->ngroups = d->ngroups;
    res->group = d->group;
    res->group_n = d->gsize;
    d->group = NULL;
    d->gsize = NULL;
    for (size_t gi = 0; gi < res->ngroups; gi++)
        res->base[gi] = d->p->year[d->bidx[gi]];
}

int ll_area_estimate(ll_area_result **out, const ll_area_panel *p, const int *start,
                     long ri_draws, unsigned long seed, ll_error *err)
{
    struct design d;
    int *events = NULL;
    double *a = NULL;
    size_t nev = 0;
    *out = NULL;
    ll_area_result *res = calloc(1, sizeof *res);
    int rc = res ? design_init(&d, p, start, err) : ll_error_set(err, LL_ENOMEM, "out of memory");
    if (!res)
        return rc;
    if (rc != LL_OK)
        goto done;
    cells_compute(&d, start, 1);
    a = malloc((p->nunits + 1) * sizeof *a);
    res->base = malloc((d.ngroups + 1) * sizeof *res->base);
    if (!a || !res->base || collect_events(&d, &events, &nev)) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    res->rows = calloc(d.ncells + nev + 1, sizeof *res->rows);
    if (!res->rows) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < d.ncells; c++) {
        ll_area_row *r = &res->rows[res->nrows++];
        cell_row(r, &d.cell[c]);
        if (d.cell[c].computable) {
            double se = 0, th;
            ll_did_aggregate(&th, &se, a, &d.cell[c], 1, p->nunits,
                             (ll_did_pick){0, d.cell[c].e});
            fill_stats(r, th, se);
        }
    }
    for (size_t i = 0; i < nev; i++)
        agg_row(&res->rows[res->nrows++], &d, (ll_did_pick){0, events[i]}, a);
    ll_area_row *ov = &res->rows[res->nrows++];
    agg_row(ov, &d, (ll_did_pick){1, 0}, a);
    res->ri_draws = ri_draws;
    if (ov->computable && (rc = ri(&d, ov, ri_draws, seed, res, err)) != LL_OK)
        goto done;
    keep_groups(res, &d);
    *out = res;
    res = NULL;
done:
    design_free(&d);
    free(events);
    free(a);
    ll_area_result_free(res);
    return rc;
}

void ll_area_result_free(ll_area_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r->group);
    free(r->base);
    free(r->group_n);
    free(r);
}
