/* secure/pool.csv (SPEC 10): the aggregate figures an authority shares with
 * whoever pools several authorities (`lleval pool`).  Only figures already
 * computed by the estimates and cost steps, picked out of their tables, and
 * counts of children: never a row per child. */
#include "evaluate_internal.h"

#include "lleval/format.h"
#include "lleval/pool.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* The first estimates row of (outcome, estimand, group, term); group NULL
 * matches any group. */
static const ll_estimate *find_est(const ll_estimates *t, const char *outcome,
                                   const char *estimand, const char *group, const char *term)
{
    for (size_t i = 0; t != NULL && i < t->n; i++) {
        const ll_estimate *e = &t->rows[i];
        if (!strcmp(e->outcome, outcome) && !strcmp(e->estimand, estimand) &&
            (group == NULL || !strcmp(e->group, group)) && !strcmp(e->term, term))
            return e;
    }
    return NULL;
}

/* One pool.csv row in the making. */
typedef struct prow {
    const char *outcome, *estimand, *term;
    long n_t, n_c, e_t, e_c; /* -1: empty */
    double est, se;          /* NAN: empty */
} prow;

static void put_count(FILE *f, long v)
{
    fputc(',', f);
    if (v >= 0)
        fprintf(f, "%ld", v);
}

static void put_num(FILE *f, double v)
{
    char buf[40];
    ll_format_number(buf, sizeof buf, v);
    fputc(',', f);
    fputs(buf, f);
}

static void write_row(FILE *f, const char *la, const prow *p)
{
    ll_csv_put_field(f, la);
    fputc(',', f);
    ll_csv_put_field(f, p->outcome);
    fputc(',', f);
    ll_csv_put_field(f, p->estimand);
    fputc(',', f);
    ll_csv_put_field(f, p->term);
    put_count(f, p->n_t);
    put_count(f, p->n_c);
    put_count(f, p->e_t);
    put_count(f, p->e_c);
    /* An estimate without its standard error cannot be pooled: both or
     * neither (SPEC 10: a row that is not computable has empty numbers). */
    int ok = isfinite(p->est) && isfinite(p->se);
    put_num(f, ok ? p->est : NAN);
    put_num(f, ok ? p->se : NAN);
    fputc('\n', f);
}

/* n and events of the treated and comparison rows of a binary outcome's
 * `proportion` estimand (or of a mean row, events left empty). */
static void group_counts(prow *p, const ll_estimates *t, const char *outcome,
                         const char *estimand, const char *term)
{
    const ll_estimate *a = find_est(t, outcome, estimand, "treated", term);
    const ll_estimate *b = find_est(t, outcome, estimand, "comparison", term);
    p->n_t = a ? a->n : -1;
    p->n_c = b ? b->n : -1;
    p->e_t = a ? a->events : -1;
    p->e_c = b ? b->events : -1;
}

static void estimate_of(prow *p, const ll_estimates *t, const char *term)
{
    const ll_estimate *e = find_est(t, p->outcome, p->estimand, NULL, term);
    p->est = e ? e->estimate : NAN;
    p->se = e ? e->std_error : NAN;
}

/* Children of the section 6 cohort per group, all of them or those with
 * any SDQ score. */
static void cohort_counts(long *n_t, long *n_c, const ev_run *r, int sdq_only)
{
    *n_t = *n_c = 0;
    for (size_t i = 0; i < r->n_kids; i++) {
        const ll_est_child *c = &r->kids[i];
        int any = !sdq_only;
        for (int k = 0; k < 4 && !any; k++)
            any = !isnan(c->sdq[k]);
        if (any)
            *(c->treated ? n_t : n_c) += 1;
    }
}

/* The annual saving per treated child A and SE(A) of SPEC 7, from the cost
 * rows (component model, item annual_saving_per_child), with its price
 * year: the row's, else the base year of the uprated costs. */
static void costs_row(prow *p, char *year, size_t size, const ev_run *r)
{
    p->est = p->se = NAN;
    year[0] = '\0';
    const ll_costs_result *c = r->costs;
    if (c == NULL)
        return;
    snprintf(year, size, "%s", c->base_year);
    for (size_t i = 0; i < c->n_rows; i++) {
        const ll_costs_row *w = &c->rows[i];
        if (strcmp(w->component, "model") != 0 || strcmp(w->item, "annual_saving_per_child") != 0)
            continue;
        p->est = w->estimate;
        p->se = w->std_error;
        if (w->price_year[0])
            snprintf(year, size, "%s", w->price_year);
        return;
    }
}

/* The authority code(s) of the data: one code, or several joined by '+'. */
static void la_code(char *out, size_t size, const ev_run *r)
{
    size_t n = ll_derive_n_las(r->d), w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && w + 1 < size; i++)
        w += (size_t)snprintf(out + w, size - w, "%s%s", i ? "+" : "", ll_derive_la_code(r->d, i));
}

int ev_pool(ev_run *r, ll_error *err)
{
    if (r->co->design == LL_COMPARISON_NONE) {
        /* SPEC 10: two-group designs only; a pool.csv left in this folder by
         * an earlier two-group run must not be shared as this run's. */
        char stale[LL_EV_PATH];
        snprintf(stale, sizeof stale, "%s/pool.csv", r->secure);
        if (unlink(stale) != 0 && errno != ENOENT)
            return ll_error_set(err, LL_EIO, "%s: cannot remove: %s", stale, strerror(errno));
        return LL_OK;
    }
    const ll_estimates *t = r->est;
    char la[LL_POOL_TEXT * 4], year[16];
    la_code(la, sizeof la, r);
    prow rows[5];
    memset(rows, 0, sizeof rows);
    rows[0] = (prow){"stable_12m", "adjusted_risk_difference", "", -1, -1, -1, -1, NAN, NAN};
    group_counts(&rows[0], t, "stable_12m", "proportion", "");
    estimate_of(&rows[0], t, "");
    rows[1] = (prow){"placements", "adjusted_difference", "after", -1, -1, -1, -1, NAN, NAN};
    group_counts(&rows[1], t, "placements", "mean", "after");
    rows[1].e_t = rows[1].e_c = -1;
    estimate_of(&rows[1], t, "after");
    rows[2] = (prow){"sdq", "mixed_model", "years:treated", -1, -1, -1, -1, NAN, NAN};
    cohort_counts(&rows[2].n_t, &rows[2].n_c, r, 1);
    estimate_of(&rows[2], t, "years:treated");
    rows[3] = (prow){"costs", "annual_saving", year, -1, -1, -1, -1, NAN, NAN};
    cohort_counts(&rows[3].n_t, &rows[3].n_c, r, 0);
    costs_row(&rows[3], year, sizeof year, r);
    rows[4] = (prow){"homeless_ever", "counts", "", -1, -1, -1, -1, NAN, NAN};
    group_counts(&rows[4], t, "homeless_ever", "proportion", "");
    char path[LL_EV_PATH];
    FILE *f = ev_open(r, "pool.csv", path, sizeof path, err);
    if (f == NULL)
        return LL_EIO;
    fputs(LL_POOL_HEADER "\n", f);
    for (int i = 0; i < 5; i++)
        write_row(f, la, &rows[i]);
    return ev_close(f, path, ferror(f) ? LL_EIO : LL_OK, err);
}
