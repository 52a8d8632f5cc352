/* The disclosure-controlled view of the estimates (SPEC 8): which counts
 * and which figures of each estimates row may be shown.  Counts that add up
 * (a group's events and non-events to its children, the two groups to the
 * contrast row's totals, the SDQ bands to the children measured) are put in
 * small tables with totals and go through the secondary suppression; a
 * figure is hidden when any count it rests on is. */
#include "adjusted.h"
#include "disclosure.h"
#include "sections.h"

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

static rp_est *find_mut(const rp_view *v, ll_outcome_id outcome, ll_estimand_id estimand,
                        ll_egroup_id group, const char *term)
{
    for (size_t i = 0; i < v->n_est; i++) {
        const ll_estimate *e = v->est[i].e;
        if (e->key.outcome == outcome && e->key.estimand == estimand &&
            (group == LL_EGROUP_ANY || e->key.group == group) &&
            (term == NULL || same(e->term, term)))
            return &v->est[i];
    }
    return NULL;
}

const rp_est *rp_find(const rp_view *v, ll_outcome_id outcome, ll_estimand_id estimand,
                      ll_egroup_id group, const char *term)
{
    return find_mut(v, outcome, estimand, group, term ? term : "");
}

int rp_shown(const rp_est *r)
{
    return r != NULL && !r->hidden && !isnan(r->e->estimate);
}

/* ---- the cohort ---------------------------------------------------------- */

static void cohort_counts(rp_cohort *co, const ll_est_summary *s)
{
    for (int g = 0; g < 2; g++) {
        co->n[g] = s->n[g];
        co->sdq_children[g] = s->sdq_children[g];
        co->leavers[g] = s->leavers[g];
        co->leaver_events[g] = s->leaver_events[g];
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
static void contrast_rows(rp_view *v, ll_outcome_id outcome, const size_t *g)
{
    for (size_t i = 0; i < v->n_est; i++) {
        rp_est *r = &v->est[i];
        if (r->e->key.outcome != outcome || r->e->key.group != LL_EGROUP_CONTRAST)
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

static void binary_outcome(rp_view *v, ll_outcome_id outcome)
{
    rp_est *p[2] = {find_mut(v, outcome, LL_ESTIMAND_PROPORTION, LL_EGROUP_TREATED, ""),
                    find_mut(v, outcome, LL_ESTIMAND_PROPORTION, LL_EGROUP_COMPARISON, "")};
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

static void did_grid(rp_view *v, ll_outcome_id outcome, const char *term)
{
    rp_est *t = find_mut(v, outcome, LL_ESTIMAND_MEAN_CHANGE, LL_EGROUP_TREATED, term);
    rp_est *c = find_mut(v, outcome, LL_ESTIMAND_MEAN_CHANGE, LL_EGROUP_COMPARISON, term);
    rp_est *d = find_mut(v, outcome, LL_ESTIMAND_DIFFERENCE_IN_DIFFERENCES, LL_EGROUP_CONTRAST, term);
    if (t == NULL || c == NULL || d == NULL)
        return;
    size_t m[2] = {t->n_cell, c->n_cell};
    rp_cell_line(v->cells, m, 2, d->n_cell);
    d->ndep = 0;
    deps(d, m, 2);
    deps(d, &d->n_cell, 1);
}

/* ---- SDQ bands: the three bands add up to the children measured ---------- */

static void band_rows(rp_view *v, ll_egroup_id group, const char *time)
{
    rp_est *r[3];
    for (int b = 0; b < 3; b++) {
        char term[LL_EST_TEXT];
        snprintf(term, sizeof term, "%s@%s", ll_sdq_band_name(b), time);
        if ((r[b] = find_mut(v, LL_OUTCOME_SDQ, LL_ESTIMAND_BAND_PROPORTION, group, term)) == NULL)
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

/* The KM rows of group g at the reported ages, or NULL where missing. */
static void km_rows(rp_view *v, int g, rp_est *row[LL_KM_N_AGES])
{
    for (int k = 0; k < LL_KM_N_AGES; k++) {
        char term[16];
        snprintf(term, sizeof term, "age%d", LL_KM_AGE_FIRST + k);
        row[k] = find_mut(v, LL_OUTCOME_HOMELESSNESS, LL_ESTIMAND_KM_SURVIVAL, rp_egroup(g), term);
    }
}

/* Numbers at risk and events so far, age by age, as chains of lines: each
 * age's count plus those who left (or had the event) before the next age
 * is the count before. */
static void km_chain(rp_view *v, int g)
{
    rp_est *row[LL_KM_N_AGES];
    km_rows(v, g, row);
    size_t prev_risk = v->surv[3 * g + 2], prev_ev = RP_NOCELL;
    long prev_r = (long)v->co.leavers[g], prev_e = 0;
    for (int k = 0; k < LL_KM_N_AGES; k++) {
        long r = v->in->est->summary.km[g].risk_at[k];
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
        contrast_rows(v, LL_OUTCOME_HOMELESSNESS, v->surv);
    /* the same care leavers and events as homeless_ever's proportions */
    for (int g = 0; g < 2; g++) {
        const rp_est *p = find_mut(v, LL_OUTCOME_HOMELESS_EVER, LL_ESTIMAND_PROPORTION, rp_egroup(g), "");
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
        if (r->e->key.outcome == LL_OUTCOME_SDQ && r->e->key.estimand == LL_ESTIMAND_MIXED_MODEL)
            r->extra |= small;
    }
}

/* ---- the same numbers in the flow ------------------------------------------ */

static void link_flow(rp_view *v, const rp_flow *fl, ll_outcome_id outcome, ll_estimand_id estimand,
                      const char *term, const char *stage)
{
    for (int g = 0; g < 2; g++) {
        rp_est *r = find_mut(v, outcome, estimand, rp_egroup(g), term);
        size_t c = rp_flow_cell(fl, stage, "", g ? LL_GROUP_COMPARISON : LL_GROUP_TREATED);
        if (r != NULL && c != RP_NOCELL && r->e->n == rp_cell_value(v->cells, c))
            rp_cell_link(v->cells, r->n_cell, c);
    }
}

static void links(rp_view *v, const rp_flow *fl)
{
    static const char *SDQ[4] = {"sdq_0", "sdq_1", "sdq_2", "sdq_3"};
    link_flow(v, fl, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_PROPORTION, "", "stable_12m");
    link_flow(v, fl, LL_OUTCOME_HOMELESS_EVER, LL_ESTIMAND_PROPORTION, "", "homeless_ever");
    link_flow(v, fl, LL_OUTCOME_IDENTITY_IMPROVED, LL_ESTIMAND_PROPORTION, "", "identity_improved");
    link_flow(v, fl, LL_OUTCOME_PLACEMENTS, LL_ESTIMAND_MEAN, "before", "analysed");
    link_flow(v, fl, LL_OUTCOME_PLACEMENTS, LL_ESTIMAND_MEAN, "after", "placements_after");
    link_flow(v, fl, LL_OUTCOME_CONNECTIONS, LL_ESTIMAND_MEAN, "before", "connections_before");
    link_flow(v, fl, LL_OUTCOME_CONNECTIONS, LL_ESTIMAND_MEAN, "after", "connections_after");
    link_flow(v, fl, LL_OUTCOME_CONNECTIONS, LL_ESTIMAND_MEDIAN, "before", "connections_before");
    link_flow(v, fl, LL_OUTCOME_CONNECTIONS, LL_ESTIMAND_MEDIAN, "after", "connections_after");
    for (int k = 0; k < 4; k++) {
        link_flow(v, fl, LL_OUTCOME_SDQ, LL_ESTIMAND_MEAN, ll_sdq_time_name(k), SDQ[k]);
        char term[32];
        snprintf(term, sizeof term, "normal@%s", ll_sdq_time_name(k));
        link_flow(v, fl, LL_OUTCOME_SDQ, LL_ESTIMAND_BAND_PROPORTION, term, SDQ[k]);
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
    memset(v, 0, sizeof *v);
    v->in = in;
    v->cells = cells;
    v->min_cell = in->cfg ? in->cfg->report.min_cell : 5;
    v->two = in->design != NULL && strcmp(in->design, "none") != 0;
    memset(&v->co, 0, sizeof v->co);
    if (in->est != NULL)
        cohort_counts(&v->co, &in->est->summary);
    v->n_est = in->est ? in->est->n : 0;
    v->est = rp_alloc(a, (v->n_est + 1) * sizeof *v->est);
    if (v->est == NULL)
        return LL_ENOMEM;
    for (size_t i = 0; i < v->n_est; i++)
        v->est[i].e = &in->est->rows[i];
    defaults(v);
    binary_outcome(v, LL_OUTCOME_STABLE_12M);
    binary_outcome(v, LL_OUTCOME_HOMELESS_EVER);
    binary_outcome(v, LL_OUTCOME_IDENTITY_IMPROVED);
    did_grid(v, LL_OUTCOME_PLACEMENTS, "");
    did_grid(v, LL_OUTCOME_SDQ, "year1");
    for (int g = 0; g < 2; g++)
        for (int t = 0; t < 4; t++)
            band_rows(v, g == 0 ? LL_EGROUP_TREATED : LL_EGROUP_COMPARISON, ll_sdq_time_name(t));
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
