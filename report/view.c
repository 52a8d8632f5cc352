/* The disclosure-controlled view of the estimates (SPEC 8): which counts
 * and which figures of each estimates row may be shown.  Each row is
 * decided on its own from the counts it rests on (sdc/sdc.c's rules):
 * proportions from their events and non-events (rule 2), crude two-group
 * figures from the outcome's 2x2 table (rule 3), Kaplan-Meier rows from
 * the number at risk and the events so far (rule 3), means, medians, model
 * and adjusted estimates from the size of every group (rule 4).  Counts are
 * rounded when shown, so no figure is withheld to protect another. */
#include "adjusted.h"
#include "disclosure.h"

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

/* estimand LL_ESTIMAND_ANY_ matches any estimand. */
#define LL_ESTIMAND_ANY_ ((ll_estimand_id)-1)

static rp_est *find_mut(const rp_view *v, ll_outcome_id outcome, ll_estimand_id estimand,
                        ll_egroup_id group, const char *term)
{
    for (size_t i = 0; i < v->n_est; i++) {
        const ll_estimate *e = v->est[i].e;
        if (e->key.outcome == outcome && (estimand == LL_ESTIMAND_ANY_ || e->key.estimand == estimand) &&
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

/* ---- the counts a row rests on ------------------------------------------- */

static int is_homeless(ll_outcome_id outcome)
{
    return outcome == LL_OUTCOME_HOMELESS_EVER || outcome == LL_OUTCOME_HOMELESSNESS;
}

/* The 2x2 table of an outcome (events and children per group); 0 when it is
 * not known. */
static int two_by_two(const rp_view *v, ll_outcome_id outcome, long x[2], long n[2])
{
    if (is_homeless(outcome)) {
        for (int g = 0; g < 2; g++) {
            x[g] = (long)v->co.leaver_events[g];
            n[g] = (long)v->co.leavers[g];
        }
        return 1;
    }
    for (int g = 0; g < 2; g++) {
        const rp_est *p = find_mut(v, outcome, LL_ESTIMAND_PROPORTION, rp_egroup(g), "");
        if (p == NULL || p->e->events < 0) {
            if (g == 1) { /* an outcome of the treated only */
                x[1] = n[1] = 0;
                continue;
            }
            return 0;
        }
        x[g] = p->e->events;
        n[g] = p->e->n;
    }
    return 1;
}

/* Children per group behind an outcome's rows: its proportion or mean rows
 * (the larger of before and after is not used: each row has its own n),
 * the care leavers for homelessness, the children with an SDQ score. */
static int group_sizes(const rp_view *v, ll_outcome_id outcome, long n[2])
{
    long x[2];
    if (is_homeless(outcome) ||
        find_mut(v, outcome, LL_ESTIMAND_PROPORTION, LL_EGROUP_TREATED, "") != NULL)
        return two_by_two(v, outcome, x, n);
    if (outcome == LL_OUTCOME_SDQ) {
        n[0] = (long)v->co.sdq_children[0];
        n[1] = (long)v->co.sdq_children[1];
        return 1;
    }
    for (int g = 0; g < 2; g++) {
        const rp_est *m = find_mut(v, outcome, LL_ESTIMAND_MEAN_CHANGE, rp_egroup(g), NULL);
        if (m == NULL)
            m = find_mut(v, outcome, LL_ESTIMAND_MEAN, rp_egroup(g), NULL);
        n[g] = m ? m->e->n : 0;
    }
    return 1;
}

static int starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Model-based and adjusted figures (rule 4), as opposed to the crude
 * figures of a 2x2 table (rule 3). */
static int is_adjusted(const ll_estimate *e)
{
    return e->key.estimand == LL_ESTIMAND_ADJUSTED_ODDS_RATIO ||
           starts_with(e->estimand, "adjusted") || strstr(e->estimand, "aipw") != NULL ||
           strstr(e->term, "adjusted") != NULL;
}

static int is_crude_contrast(ll_estimand_id estimand)
{
    switch (estimand) {
    case LL_ESTIMAND_RISK_DIFFERENCE: case LL_ESTIMAND_RISK_RATIO: case LL_ESTIMAND_E_VALUE:
    case LL_ESTIMAND_ODDS_RATIO: case LL_ESTIMAND_MDE: case LL_ESTIMAND_LOG_RANK:
    case LL_ESTIMAND_HAZARD_RATIO:
        return 1;
    default:
        return 0;
    }
}

/* Rule 3 for a Kaplan-Meier row: the number at risk at its age and the
 * events so far. */
static int km_hidden(const rp_view *v, const rp_est *r)
{
    int g = r->e->key.group == LL_EGROUP_COMPARISON;
    int age = atoi(r->e->term + 3) - LL_KM_AGE_FIRST;
    long risk = age >= 0 && age < LL_KM_N_AGES ? v->risk[g][age] : -1;
    return risk < 0 || ll_sdc_small(&v->sdc, risk) || ll_sdc_small(&v->sdc, r->e->events);
}

/* Rule 4 over the groups a row rests on. */
static int safe_hidden(const rp_view *v, const rp_est *r)
{
    const ll_estimate *e = r->e;
    if (e->key.group == LL_EGROUP_CONTRAST) {
        long n[2];
        if (e->key.estimand == LL_ESTIMAND_DIFFERENCE_IN_DIFFERENCES) {
            const rp_est *t = find_mut(v, e->key.outcome, LL_ESTIMAND_MEAN_CHANGE, LL_EGROUP_TREATED, e->term);
            const rp_est *c = find_mut(v, e->key.outcome, LL_ESTIMAND_MEAN_CHANGE, LL_EGROUP_COMPARISON, e->term);
            n[0] = t ? t->e->n : 0;
            n[1] = c ? c->e->n : 0;
        } else if (!group_sizes(v, e->key.outcome, n))
            return 1;
        return !ll_sdc_safe_ok(&v->sdc, n, 2);
    }
    if (e->key.estimand == LL_ESTIMAND_MIXED_MODEL) {
        long n[2] = {(long)v->co.sdq_children[0], (long)v->co.sdq_children[1]};
        return !ll_sdc_safe_ok(&v->sdc, n, v->two ? 2 : 1);
    }
    return !ll_sdc_safe_ok(&v->sdc, &e->n, 1);
}

static int row_hidden(const rp_view *v, const rp_est *r)
{
    const ll_estimate *e = r->e;
    if (e->key.estimand == LL_ESTIMAND_PROPORTION || e->key.estimand == LL_ESTIMAND_BAND_PROPORTION)
        return !ll_sdc_proportion_ok(&v->sdc, e->events, e->n);
    if (e->key.estimand == LL_ESTIMAND_KM_SURVIVAL)
        return km_hidden(v, r);
    if (is_crude_contrast(e->key.estimand) && !is_adjusted(e)) {
        long x[2], n[2];
        if (!two_by_two(v, e->key.outcome, x, n))
            return ll_sdc_small(&v->sdc, e->n) || ll_sdc_small(&v->sdc, e->events);
        return !ll_sdc_two_by_two_ok(&v->sdc, x[0], n[0], x[1], n[1]);
    }
    return safe_hidden(v, r);
}

/* Rule 8: every group of the outcome has at least min_n children with the
 * outcome known. */
int rp_outcome_reportable(const rp_view *v, ll_outcome_id outcome)
{
    long n[2];
    if (find_mut(v, outcome, LL_ESTIMAND_PROPORTION, LL_EGROUP_TREATED, NULL) == NULL &&
        find_mut(v, outcome, LL_ESTIMAND_MEAN, LL_EGROUP_TREATED, NULL) == NULL && !is_homeless(outcome))
        return 0;
    if (!group_sizes(v, outcome, n))
        return 0;
    int groups =
        v->two && find_mut(v, outcome, LL_ESTIMAND_ANY_, LL_EGROUP_COMPARISON, NULL) != NULL ? 2 : 1;
    if (is_homeless(outcome))
        groups = v->two ? 2 : 1;
    return ll_sdc_safe_ok(&v->sdc, n, (size_t)groups);
}

/* ---- the whole view ------------------------------------------------------ */

/* A shown proportion is published as the proportion of its published
 * (rounded) counts, with their Wilson interval (ll_sdc_published_proportion):
 * the row the report and publish/ read is a copy with those figures. */
static int published_proportion(rp_view *v, rp_est *r, rp_arena *a)
{
    const ll_estimate *e = r->e;
    if (r->hidden || isnan(e->estimate) || e->events < 0 ||
        (e->key.estimand != LL_ESTIMAND_PROPORTION && e->key.estimand != LL_ESTIMAND_BAND_PROPORTION))
        return LL_OK;
    ll_estimate *copy = rp_alloc(a, sizeof *copy);
    if (copy == NULL)
        return LL_ENOMEM;
    *copy = *e;
    double o[3];
    ll_sdc_published_proportion(o, &v->sdc, e->events, e->n);
    copy->estimate = o[0];
    copy->conf_low = o[1];
    copy->conf_high = o[2];
    r->e = copy;
    return LL_OK;
}

int rp_view_build(rp_view *v, const ll_report_input *in, rp_arena *a)
{
    memset(v, 0, sizeof *v);
    v->in = in;
    v->sdc = ll_sdc_of(in->cfg);
    v->min_cell = v->sdc.min_cell;
    v->two = in->design != NULL && strcmp(in->design, "none") != 0;
    if (in->est != NULL) {
        const ll_est_summary *s = &in->est->summary;
        for (int g = 0; g < 2; g++) {
            v->co.n[g] = s->n[g];
            v->co.sdq_children[g] = s->sdq_children[g];
            v->co.leavers[g] = s->leavers[g];
            v->co.leaver_events[g] = s->leaver_events[g];
            for (int k = 0; k < LL_KM_N_AGES; k++)
                v->risk[g][k] = s->km[g].risk_at[k];
        }
    }
    v->n_est = in->est ? in->est->n : 0;
    v->est = rp_alloc(a, (v->n_est + 1) * sizeof *v->est);
    if (v->est == NULL)
        return LL_ENOMEM;
    for (size_t i = 0; i < v->n_est; i++)
        v->est[i].e = &in->est->rows[i];
    for (size_t i = 0; i < v->n_est; i++) {
        rp_est *r = &v->est[i];
        r->n_hidden = ll_sdc_small(&v->sdc, r->e->n);
        r->events_hidden = ll_sdc_small(&v->sdc, r->e->events);
        r->hidden = row_hidden(v, r);
    }
    rp_adjusted_view(v); /* the subgroup rows rest on their levels' counts */
    for (size_t i = 0; i < v->n_est; i++)
        if (published_proportion(v, &v->est[i], a) != LL_OK)
            return LL_ENOMEM;
    return LL_OK;
}

char *rp_count(rp_arena *a, const ll_sdc *s, long n)
{
    char buf[32];
    ll_sdc_count(buf, sizeof buf, s, n);
    return buf[0] ? rp_printf(a, RP_NUM_ON "%s" RP_NUM_OFF, buf) : rp_strdup(a, "");
}

char *rp_count_plain(rp_arena *a, const ll_sdc *s, long n)
{
    char buf[32];
    return rp_strdup(a, ll_sdc_count(buf, sizeof buf, s, n));
}
