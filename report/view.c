/* The disclosure-controlled view of the estimates (SPEC 8): which counts
 * and which figures of each estimates row may be shown.  Counts that add up
 * (a group's events and non-events to its children, the two groups to the
 * contrast row's totals, the SDQ bands to the children measured) are put in
 * small tables with totals and go through the secondary suppression; a
 * figure is hidden when any count it rests on is. */
#include "adjusted.h"
#include "internal.h"

#include "lleval/models.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int rp_small(long n, int min_cell)
{
    return n >= 1 && n <= min_cell;
}

static int same(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static rp_est *find_mut(const rp_view *v, const char *outcome, const char *estimand,
                        const char *group, const char *term)
{
    for (size_t i = 0; i < v->n_est; i++) {
        const ll_estimate *e = v->est[i].e;
        if (same(e->outcome, outcome) && same(e->estimand, estimand) &&
            (group == NULL || same(e->group, group)) && (term == NULL || same(e->term, term)))
            return &v->est[i];
    }
    return NULL;
}

const rp_est *rp_find(const rp_view *v, const char *outcome, const char *estimand,
                      const char *group, const char *term)
{
    return find_mut(v, outcome, estimand, group, term ? term : "");
}

int rp_shown(const rp_est *r)
{
    return r != NULL && !r->hidden && !isnan(r->e->estimate);
}

/* ---- the cohort ---------------------------------------------------------- */

static int in_cohort(const ll_analysis *a, const ll_analysis_row *r, int two)
{
    if (!r->cov.eligible || (a->matched && r->match_id == 0))
        return 0;
    return two || r->group == LL_GROUP_TREATED;
}

static void cohort_counts(rp_cohort *co, const ll_analysis *a, int two)
{
    memset(co, 0, sizeof *co);
    for (size_t i = 0; a != NULL && i < a->n; i++) {
        const ll_analysis_row *r = &a->rows[i];
        if (!in_cohort(a, r, two))
            continue;
        int g = r->group == LL_GROUP_TREATED ? 0 : 1;
        co->n[g]++;
        int any = 0;
        for (int k = 0; k < 4; k++)
            any |= r->out.sdq[k] != LL_NA;
        co->sdq_children[g] += any;
        if (r->out.homeless_time != LL_NA) {
            co->leavers[g]++;
            co->leaver_events[g] += r->out.homeless_event == 1;
        }
    }
}

/* ---- registering the counts ---------------------------------------------- */

static void deps(rp_est *r, const size_t *cells, int n)
{
    for (int k = 0; k < n && r->ndep < RP_MAXDEP; k++)
        if (cells[k] != RP_NOCELL)
            r->dep[r->ndep++] = cells[k];
}

/* A 3x3 grid (rows treated, comparison, total; columns x, n - x, n) of
 * cells with its row and column lines; with one group only the first row
 * and its line. */
static void grid(rp_cells *cl, size_t *g, const long x[2], const long n[2], int two)
{
    for (int k = 0; k < 2; k++) {
        g[3 * k] = rp_cell_add(cl, x[k]);
        g[3 * k + 1] = rp_cell_add(cl, n[k] - x[k]);
        g[3 * k + 2] = rp_cell_add(cl, n[k]);
    }
    long tot[3] = {x[0] + x[1], n[0] - x[0] + n[1] - x[1], n[0] + n[1]};
    for (int col = 0; col < 3; col++)
        g[6 + col] = rp_cell_add(cl, tot[col]);
    for (int r = 0; r < (two ? 3 : 1); r++)
        rp_cell_line(cl, &g[3 * r], 2, g[3 * r + 2]);
    for (int col = 0; two && col < 3; col++) {
        size_t m[2] = {g[col], g[3 + col]};
        rp_cell_line(cl, m, 2, g[6 + col]);
    }
}

/* Contrast rows of outcome rest on every cell of the grid; their counts
 * are the grid's totals when they match. */
static void contrast_rows(rp_view *v, const char *outcome, const size_t *g)
{
    for (size_t i = 0; i < v->n_est; i++) {
        rp_est *r = &v->est[i];
        if (!same(r->e->outcome, outcome) || !same(r->e->group, "treated-comparison"))
            continue;
        if (r->e->n == rp_cell_value(v->cells, g[8]))
            r->n_cell = g[8];
        if (r->e->events == rp_cell_value(v->cells, g[6]))
            r->ev_cell = g[6];
        r->ndep = 0;
        deps(r, g, 9);
    }
}

static void group_row(rp_est *r, const size_t *g3)
{
    if (r == NULL)
        return;
    r->ev_cell = g3[0];
    r->n_cell = g3[2];
    r->ndep = 0;
    deps(r, g3, 3);
}

static void binary_outcome(rp_view *v, const char *outcome)
{
    rp_est *p[2] = {find_mut(v, outcome, "proportion", "treated", ""),
                    find_mut(v, outcome, "proportion", "comparison", "")};
    long x[2] = {0, 0}, n[2] = {0, 0};
    size_t g[9];
    if (p[0] == NULL)
        return;
    for (int k = 0; k < 2; k++)
        if (p[k] != NULL && p[k]->e->events >= 0) {
            x[k] = p[k]->e->events;
            n[k] = p[k]->e->n;
        }
    int two = v->two && p[1] != NULL;
    grid(v->cells, g, x, n, two);
    group_row(p[0], g);
    if (two) {
        group_row(p[1], g + 3);
        contrast_rows(v, outcome, g);
    }
}

/* ---- paired changes: the two groups' pairs and the Welch contrast --------- */

static void did_grid(rp_view *v, const char *outcome, const char *term)
{
    rp_est *t = find_mut(v, outcome, "mean_change", "treated", term);
    rp_est *c = find_mut(v, outcome, "mean_change", "comparison", term);
    rp_est *d = find_mut(v, outcome, "difference_in_differences", "treated-comparison", term);
    if (t == NULL || c == NULL || d == NULL)
        return;
    size_t m[2] = {t->n_cell, c->n_cell};
    rp_cell_line(v->cells, m, 2, d->n_cell);
    d->ndep = 0;
    deps(d, m, 2);
    deps(d, &d->n_cell, 1);
}

/* ---- SDQ bands: the three bands add up to the children measured ---------- */

static void band_rows(rp_view *v, const char *group, const char *time)
{
    static const char *BANDS[3] = {"normal", "borderline", "high"};
    rp_est *r[3];
    for (int b = 0; b < 3; b++) {
        char term[LL_EST_TEXT];
        snprintf(term, sizeof term, "%s@%s", BANDS[b], time);
        if ((r[b] = find_mut(v, "sdq", "band_proportion", group, term)) == NULL)
            return;
    }
    size_t m[3] = {r[0]->ev_cell, r[1]->ev_cell, r[2]->ev_cell};
    rp_cell_line(v->cells, m, 3, r[0]->n_cell);
    for (int b = 0; b < 3; b++) {
        rp_cell_link(v->cells, r[b]->n_cell, r[0]->n_cell);
        long nx = r[b]->e->n - (r[b]->e->events < 0 ? 0 : r[b]->e->events);
        r[b]->extra |= rp_small(nx, v->min_cell);
    }
}

/* ---- survival --------------------------------------------------------- */

/* Number at risk at age, from the care leavers of the cohort; -1 if none. */
static long km_risk(const ll_analysis *a, int two, int group, double age)
{
    size_t n = 0;
    for (size_t i = 0; a != NULL && i < a->n; i++)
        n += in_cohort(a, &a->rows[i], two) && (int)a->rows[i].group == group &&
             a->rows[i].out.homeless_time != LL_NA;
    if (n == 0)
        return -1;
    double *t = malloc(n * sizeof *t);
    int *ev = malloc(n * sizeof *ev);
    ll_km *km = NULL;
    long risk = -1;
    if (t != NULL && ev != NULL) {
        size_t k = 0;
        for (size_t i = 0; i < a->n; i++) {
            const ll_analysis_row *r = &a->rows[i];
            if (in_cohort(a, r, two) && (int)r->group == group && r->out.homeless_time != LL_NA) {
                t[k] = r->out.homeless_time;
                ev[k++] = r->out.homeless_event == 1;
            }
        }
        ll_km_point pt;
        if (ll_km_fit(&km, t, ev, n, NULL) == LL_OK && ll_km_at(&pt, km, age, NULL) == LL_OK)
            risk = (long)pt.n_risk;
    }
    ll_km_free(km);
    free(t);
    free(ev);
    return risk;
}

/* The KM rows of group g at ages 18..21, or NULL where missing. */
static void km_rows(rp_view *v, int g, rp_est *row[4])
{
    for (int k = 0; k < 4; k++) {
        char term[16];
        snprintf(term, sizeof term, "age%d", 18 + k);
        row[k] = find_mut(v, "homelessness", "km_survival", g ? "comparison" : "treated", term);
    }
}

/* Numbers at risk and events so far, age by age, as chains of lines: each
 * age's count plus those who left (or had the event) before the next age
 * is the count before. */
static void km_chain(rp_view *v, int g)
{
    rp_est *row[4];
    km_rows(v, g, row);
    size_t prev_risk = v->surv[3 * g + 2], prev_ev = RP_NOCELL;
    long prev_r = (long)v->co.leavers[g], prev_e = 0;
    for (int k = 0; k < 4; k++) {
        long r = km_risk(v->in->a, v->two, g ? LL_GROUP_COMPARISON : LL_GROUP_TREATED, 18 + k);
        v->risk[g][k] = r;
        v->risk_cell[g][k] = rp_cell_add(v->cells, r < 0 ? 0 : r);
        size_t m[2] = {v->risk_cell[g][k], rp_cell_add(v->cells, prev_r - (r < 0 ? 0 : r))};
        rp_cell_line(v->cells, m, 2, prev_risk);
        prev_risk = v->risk_cell[g][k];
        prev_r = r < 0 ? 0 : r;
        if (row[k] == NULL)
            continue;
        rp_cell_link(v->cells, row[k]->n_cell, v->surv[3 * g + 2]);
        row[k]->extra |= rp_small(r, v->min_cell);
        deps(row[k], &v->risk_cell[g][k], 1);
        if (prev_ev != RP_NOCELL && row[k]->e->events >= prev_e) {
            size_t e[2] = {prev_ev, rp_cell_add(v->cells, row[k]->e->events - prev_e)};
            rp_cell_line(v->cells, e, 2, row[k]->ev_cell);
        }
        prev_ev = row[k]->ev_cell;
        prev_e = row[k]->e->events < 0 ? 0 : row[k]->e->events;
    }
    if (prev_ev != RP_NOCELL && (long)v->co.leaver_events[g] >= prev_e) {
        size_t e[2] = {prev_ev, rp_cell_add(v->cells, (long)v->co.leaver_events[g] - prev_e)};
        rp_cell_line(v->cells, e, 2, v->surv[3 * g]);
    }
}

static void survival(rp_view *v)
{
    long x[2] = {(long)v->co.leaver_events[0], (long)v->co.leaver_events[1]};
    long n[2] = {(long)v->co.leavers[0], (long)v->co.leavers[1]};
    grid(v->cells, v->surv, x, n, v->two);
    if (v->two)
        contrast_rows(v, "homelessness", v->surv);
    /* the same care leavers and events as homeless_ever's proportions */
    for (int g = 0; g < 2; g++) {
        const rp_est *p = find_mut(v, "homeless_ever", "proportion", g ? "comparison" : "treated", "");
        if (p != NULL && p->e->events == x[g])
            rp_cell_link(v->cells, p->ev_cell, v->surv[3 * g]);
    }
    for (int g = 0; g < (v->two ? 2 : 1); g++)
        km_chain(v, g);
}

static void mixed_model(rp_view *v)
{
    int small = rp_small((long)v->co.sdq_children[0], v->min_cell) ||
                (v->two && rp_small((long)v->co.sdq_children[1], v->min_cell));
    for (size_t i = 0; i < v->n_est; i++) {
        rp_est *r = &v->est[i];
        if (same(r->e->outcome, "sdq") && same(r->e->estimand, "mixed_model"))
            r->extra |= small;
    }
}

/* ---- the same numbers in the flow ------------------------------------------ */

static void link_flow(rp_view *v, const rp_flow *fl, const char *outcome, const char *estimand,
                      const char *term, const char *stage)
{
    for (int g = 0; g < 2; g++) {
        rp_est *r = find_mut(v, outcome, estimand, g ? "comparison" : "treated", term);
        size_t c = rp_flow_cell(fl, stage, "", g ? LL_GROUP_COMPARISON : LL_GROUP_TREATED);
        if (r != NULL && c != RP_NOCELL && r->e->n == rp_cell_value(v->cells, c))
            rp_cell_link(v->cells, r->n_cell, c);
    }
}

static void links(rp_view *v, const rp_flow *fl)
{
    static const char *TIMES[4] = {"baseline", "year1", "year2", "year3"};
    static const char *SDQ[4] = {"sdq_0", "sdq_1", "sdq_2", "sdq_3"};
    link_flow(v, fl, "stable_12m", "proportion", "", "stable_12m");
    link_flow(v, fl, "homeless_ever", "proportion", "", "homeless_ever");
    link_flow(v, fl, "identity_improved", "proportion", "", "identity_improved");
    link_flow(v, fl, "placements", "mean", "before", "analysed");
    link_flow(v, fl, "placements", "mean", "after", "placements_after");
    link_flow(v, fl, "connections", "mean", "before", "connections_before");
    link_flow(v, fl, "connections", "mean", "after", "connections_after");
    link_flow(v, fl, "connections", "median", "before", "connections_before");
    link_flow(v, fl, "connections", "median", "after", "connections_after");
    for (int k = 0; k < 4; k++) {
        link_flow(v, fl, "sdq", "mean", TIMES[k], SDQ[k]);
        char term[32];
        snprintf(term, sizeof term, "normal@%s", TIMES[k]);
        link_flow(v, fl, "sdq", "band_proportion", term, SDQ[k]);
    }
    for (int g = 0; g < 2; g++)
        rp_cell_link(v->cells, v->surv[3 * g + 2],
                     rp_flow_cell(fl, "homeless_ever", "", g ? LL_GROUP_COMPARISON : LL_GROUP_TREATED));
}

/* ---- the whole view ------------------------------------------------------ */

static void defaults(rp_view *v)
{
    for (size_t i = 0; i < v->n_est; i++) {
        rp_est *r = &v->est[i];
        r->n_cell = rp_cell_add(v->cells, r->e->n);
        r->ev_cell = r->e->events >= 0 ? rp_cell_add(v->cells, r->e->events) : RP_NOCELL;
        size_t d[2] = {r->n_cell, r->ev_cell};
        deps(r, d, 2);
    }
}

int rp_view_build(rp_view *v, const ll_report_input *in, rp_cells *cells, const rp_flow *flow,
                  rp_arena *a)
{
    static const char *TIMES[4] = {"baseline", "year1", "year2", "year3"};
    memset(v, 0, sizeof *v);
    v->in = in;
    v->cells = cells;
    v->min_cell = in->cfg ? in->cfg->report.min_cell : 5;
    v->two = in->design != NULL && strcmp(in->design, "none") != 0;
    cohort_counts(&v->co, in->a, v->two);
    v->n_est = in->est ? in->est->n : 0;
    v->est = rp_alloc(a, (v->n_est + 1) * sizeof *v->est);
    if (v->est == NULL)
        return LL_ENOMEM;
    for (size_t i = 0; i < v->n_est; i++)
        v->est[i].e = &in->est->rows[i];
    defaults(v);
    binary_outcome(v, "stable_12m");
    binary_outcome(v, "homeless_ever");
    binary_outcome(v, "identity_improved");
    did_grid(v, "placements", "");
    did_grid(v, "sdq", "year1");
    for (int g = 0; g < 2; g++)
        for (int t = 0; t < 4; t++)
            band_rows(v, g == 0 ? "treated" : "comparison", TIMES[t]);
    survival(v);
    mixed_model(v);
    rp_adjusted_view(v);
    links(v, flow);
    return cells->nomem ? LL_ENOMEM : LL_OK;
}

void rp_view_finish(rp_view *v)
{
    for (size_t i = 0; i < v->n_est; i++) {
        rp_est *r = &v->est[i];
        r->n_hidden = rp_cell_hidden(v->cells, r->n_cell);
        r->events_hidden = rp_cell_hidden(v->cells, r->ev_cell);
        r->hidden = r->extra || r->n_hidden || r->events_hidden;
        for (int k = 0; k < r->ndep; k++)
            r->hidden |= rp_cell_hidden(v->cells, r->dep[k]);
    }
}

char *rp_count(rp_arena *a, long n, int hidden)
{
    if (hidden)
        return rp_strdup(a, RP_NUM_ON "c" RP_NUM_OFF);
    return rp_printf(a, RP_NUM_ON "%ld" RP_NUM_OFF, n);
}

char *rp_count_plain(rp_arena *a, long n, int hidden)
{
    return hidden ? rp_strdup(a, "c") : rp_printf(a, "%ld", n);
}
