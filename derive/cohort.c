/* The cohort (SPEC 3 "Index date", SPEC 4): who enters the analysis at
 * which index date, why the others do not (participant flow), and the
 * analysis rows built from (child, index date, group) entries -- the seam
 * where matching plugs in. */
#include "internal.h"

#include "lleval/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- flow --------------------------------------------------------------- */

int ll_flow_add(ll_flow *f, const char *stage, ll_group group, const char *reason, size_t n,
                ll_error *err)
{
    ll_flow_row *rows = ll_grow(f->rows, &f->cap, f->n, sizeof *rows, 32);
    if (!rows)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    f->rows = rows;
    ll_flow_row *r = &f->rows[f->n++];
    snprintf(r->stage, sizeof r->stage, "%s", stage);
    snprintf(r->reason, sizeof r->reason, "%s", reason ? reason : "");
    r->group = group;
    r->n = n;
    return LL_OK;
}

void ll_flow_clear(ll_flow *f)
{
    if (!f)
        return;
    free(f->rows);
    f->rows = NULL;
    f->n = f->cap = 0;
}

/* ---- cohort ------------------------------------------------------------- */

enum { R_NOT_IN_RETURNS, R_NO_INDEX_DATE, R_SHORT_BREAKS, R_NOT_LOOKED_AFTER, N_REASONS };
static const char *const REASONS[N_REASONS] = {
    "not_in_returns", "no_index_date", "short_breaks", "not_looked_after_at_index",
};

int ll_cohort_add(ll_cohort *c, const ll_cohort_entry *e, ll_error *err)
{
    ll_cohort_entry *p = ll_grow(c->entries, &c->cap, c->n, sizeof *p, 256);
    if (!p)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    c->entries = p;
    c->entries[c->n++] = *e;
    return LL_OK;
}

void ll_cohort_free(ll_cohort *c)
{
    if (!c)
        return;
    free(c->entries);
    ll_flow_clear(&c->flow);
    free(c);
}

static long treated_index(const ll_derive_data *d, const struct programme *p)
{
    switch (d->cfg.cohort.index) {
    case LL_INDEX_REFERRAL: return p->referral;
    case LL_INDEX_FGC: return p->fgc;
    default: return p->start;
    }
}

/* The first reason of SPEC 3 that leaves the child out, or -1 (in). */
static int reason_out(const ll_derive_data *d, size_t ci, long index)
{
    const struct child *c = &d->children[ci];
    if (!c->has_header || c->ep_n == 0)
        return R_NOT_IN_RETURNS;
    if (index == NO_DAY)
        return R_NO_INDEX_DATE;
    if (c->short_breaks)
        return R_SHORT_BREAKS;
    if (ll_derive_find_episode(d, c, index) < 0)
        return R_NOT_LOOKED_AFTER;
    return -1;
}

/* ---- leading zeros: would a not_in_returns ID link? --------------------- */

struct stripped {
    uint32_t la;
    const char *id; /* the ID after its leading zeros */
};

static const char *strip_zeros(const char *s)
{
    while (*s == '0')
        s++;
    return s;
}

static int cmp_stripped(const void *a, const void *b)
{
    const struct stripped *x = a, *y = b;
    if (x->la != y->la)
        return x->la < y->la ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Counts the children in `out` (flags) that link to a child in the returns
 * once leading zeros are added or stripped. */
static int count_would_link(const ll_derive_data *d, const unsigned char *out, size_t *count,
                            ll_error *err)
{
    size_t n = 0;
    struct stripped *s = malloc((d->n_children ? d->n_children : 1) * sizeof *s);
    if (!s)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->n_children; i++) {
        const struct child *c = &d->children[i];
        if (c->has_header && c->ep_n > 0)
            s[n++] = (struct stripped){c->la, strip_zeros(c->id)};
    }
    qsort(s, n, sizeof *s, cmp_stripped);
    *count = 0;
    for (size_t i = 0; i < d->n_children; i++) {
        if (!out[i])
            continue;
        struct stripped key = {d->children[i].la, strip_zeros(d->children[i].id)};
        *count += bsearch(&key, s, n, sizeof *s, cmp_stripped) != NULL;
    }
    free(s);
    return LL_OK;
}

/* ---- building the cohort ------------------------------------------------ */

struct tally {
    size_t referred, consented, started, named, in[2], out[2][N_REASONS];
};

static int add_child(ll_cohort *co, const ll_derive_data *d, size_t ci, long index, ll_group g,
                     struct tally *t, unsigned char *nir, ll_error *err)
{
    int r = reason_out(d, ci, index);
    if (r >= 0) {
        t->out[g][r]++;
        if (r == R_NOT_IN_RETURNS)
            nir[ci] = 1;
        return LL_OK;
    }
    t->in[g]++;
    ll_cohort_entry e = {ci, index, g, 0, NAN};
    return ll_cohort_add(co, &e, err);
}

static int cohort_flow(ll_cohort *co, const struct tally *t, ll_error *err)
{
    ll_flow *f = &co->flow;
    const ll_group T = LL_GROUP_TREATED, C = LL_GROUP_COMPARISON;
    int rc = LL_OK;
#define ADD(stage, g, reason, n)                                                      \
    do {                                                                              \
        if ((rc = ll_flow_add(f, stage, g, reason, n, err)) != LL_OK)                 \
            return rc;                                                                \
    } while (0)
    ADD("referred", T, "", t->referred);
    ADD("consented", T, "", t->consented);
    ADD("consented", T, "no_consent", t->referred - t->consented);
    ADD("started", T, "", t->started);
    ADD("started", T, "no_start_date", t->consented - t->started);
    ADD("looked_after_at_index", T, "", t->in[T]);
    for (int r = 0; r < N_REASONS; r++)
        ADD("looked_after_at_index", T, REASONS[r], t->out[T][r]);
    if (co->design == LL_COMPARISON_EXPLICIT) {
        ADD("named", C, "", t->named);
        ADD("looked_after_at_index", C, "", t->in[C]);
        for (int r = 0; r < N_REASONS; r++)
            if (r != R_NO_INDEX_DATE)
                ADD("looked_after_at_index", C, REASONS[r], t->out[C][r]);
    }
#undef ADD
    return rc;
}

static int fill_cohort(ll_cohort *co, const ll_derive_data *d, unsigned char *nir, ll_error *err)
{
    struct tally t;
    memset(&t, 0, sizeof t);
    int rc;
    for (size_t ci = 0; ci < d->n_children; ci++) {
        const struct child *c = &d->children[ci];
        if (c->prog < 0)
            continue;
        const struct programme *p = &d->progs[c->prog];
        t.referred++;
        if (!p->consent)
            continue;
        t.consented++;
        if (p->start == NO_DAY)
            continue;
        t.started++;
        long index = treated_index(d, p);
        if ((rc = add_child(co, d, ci, index, LL_GROUP_TREATED, &t, nir, err)) != LL_OK)
            return rc;
    }
    for (size_t ci = 0; co->design == LL_COMPARISON_EXPLICIT && ci < d->n_children; ci++) {
        const struct child *c = &d->children[ci];
        if (c->comp < 0)
            continue;
        t.named++;
        if ((rc = add_child(co, d, ci, d->comps[c->comp], LL_GROUP_COMPARISON, &t, nir, err)) !=
            LL_OK)
            return rc;
    }
    co->not_in_returns = t.out[0][R_NOT_IN_RETURNS] + t.out[1][R_NOT_IN_RETURNS];
    return cohort_flow(co, &t, err);
}

int ll_derive_cohort(ll_cohort **out, const ll_derive_data *d, ll_comparison design, ll_error *err)
{
    *out = NULL;
    if (design == LL_COMPARISON_AUTO)
        design = d->has_comparison_file ? LL_COMPARISON_EXPLICIT : LL_COMPARISON_MATCH;
    if (design == LL_COMPARISON_EXPLICIT && !d->has_comparison_file)
        return ll_error_set(err, LL_EINPUT, "comparison = explicit, but no comparison.csv has "
                            "been ingested");
    ll_cohort *co = calloc(1, sizeof *co);
    unsigned char *nir = calloc(d->n_children ? d->n_children : 1, 1);
    int rc = LL_OK;
    if (!co || !nir) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    co->design = design;
    if ((rc = fill_cohort(co, d, nir, err)) != LL_OK)
        goto done;
    if (co->not_in_returns > 0)
        rc = count_would_link(d, nir, &co->would_link, err);
done:
    free(nir);
    if (rc != LL_OK) {
        ll_cohort_free(co);
        return rc;
    }
    *out = co;
    return LL_OK;
}

/* ---- analysis rows (the seam) ------------------------------------------- */

static int cmp_rows(const void *a, const void *b)
{
    const ll_analysis_row *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->child != y->child)
        return x->child < y->child ? -1 : 1; /* children are in (la, child) order */
    if (x->index_date != y->index_date)
        return x->index_date < y->index_date ? -1 : 1;
    return 0;
}

static int make_row(ll_analysis_row *r, const ll_derive_data *d, const ll_cohort_entry *e,
                    ll_error *err)
{
    const struct child *c = &d->children[e->child];
    memset(r, 0, sizeof *r);
    r->child = e->child;
    r->group = e->group;
    r->index_date = e->index_date;
    r->match_id = e->match_id;
    r->ps_logit = e->ps_logit;
    if (ll_derive_covariates(&r->cov, d, e->child, e->index_date) != LL_OK ||
        ll_derive_outcomes(&r->out, d, e->child, e->index_date) != LL_OK)
        return ll_error_set(err, LL_EINPUT, "child %s of la %s is not looked after on its index "
                            "date (day %ld)", c->id, d->las[c->la].code, e->index_date);
    r->identity_improved = r->connections_before = r->connections_after = LL_NA;
    if (e->group == LL_GROUP_TREATED && c->prog >= 0) {
        const struct programme *p = &d->progs[c->prog];
        r->identity_improved = p->identity_improved;
        r->connections_before = p->connections_before;
        r->connections_after = p->connections_after;
    }
    return LL_OK;
}

int ll_derive_analysis(ll_analysis **out, const ll_derive_data *d, const ll_cohort_entry *entries,
                       size_t n, int matched, ll_error *err)
{
    *out = NULL;
    ll_analysis *a = calloc(1, sizeof *a);
    if (a)
        a->rows = calloc(n ? n : 1, sizeof *a->rows);
    if (!a || !a->rows) {
        ll_analysis_free(a);
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    }
    a->matched = matched;
    for (size_t k = 0; k < n; k++) {
        if (entries[k].child >= d->n_children) {
            ll_analysis_free(a);
            return ll_error_set(err, LL_EINPUT, "cohort entry %zu: no child %zu", k,
                                entries[k].child);
        }
        int rc = make_row(&a->rows[k], d, &entries[k], err);
        if (rc != LL_OK) {
            ll_analysis_free(a);
            return rc;
        }
    }
    a->n = n;
    qsort(a->rows, n, sizeof *a->rows, cmp_rows);
    *out = a;
    return LL_OK;
}

int ll_derive_cohort_analysis(ll_analysis **out, const ll_derive_data *d, const ll_cohort *co,
                              const ll_pairing *pairing, ll_error *err)
{
    int matched = co->design == LL_COMPARISON_MATCH;
    *out = NULL;
    if (pairing == NULL)
        return ll_derive_analysis(out, d, co->entries, co->n, matched, err);
    if (pairing->n_entries != co->n)
        return ll_error_set(err, LL_EINPUT, "the pairing describes %zu cohort entries, not %zu",
                            pairing->n_entries, co->n);
    size_t n = co->n + pairing->n_comparison;
    ll_cohort_entry *e = malloc((n + 1) * sizeof *e);
    if (e == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t k = 0; k < co->n; k++) {
        e[k] = co->entries[k];
        e[k].match_id = pairing->match_id[k];
        e[k].ps_logit = pairing->ps_logit[k];
    }
    if (pairing->n_comparison > 0)
        memcpy(e + co->n, pairing->comparison, pairing->n_comparison * sizeof *e);
    int rc = ll_derive_analysis(out, d, e, n, matched, err);
    free(e);
    return rc;
}

int ll_analysis_in_cohort(const ll_analysis *a, const ll_analysis_row *row)
{
    return row->cov.eligible && (!a->matched || row->match_id != 0);
}

void ll_analysis_free(ll_analysis *a)
{
    if (!a)
        return;
    free(a->rows);
    free(a);
}

/* ---- flow after the index ----------------------------------------------- */

#define N_INELIGIBLE LL_INELIGIBLE_N
static const char *const INELIGIBLE[N_INELIGIBLE] = {
    "ineligible_age", "ineligible_years_in_care", "ineligible_placement_group",
    "ineligible_legal_status",
};

/* Counts per outcome over the analysed rows of one group. */
enum {
    O_STABLE, O_AFTER, O_WEEKS, O_SDQ0, O_SDQ1, O_SDQ2, O_SDQ3, O_HOMELESS, O_IDENTITY,
    O_CONN_BEFORE, O_CONN_AFTER, N_OUTCOMES
};
static const char *const OUTCOME_STAGES[N_OUTCOMES] = {
    "stable_12m", "placements_after", "weeks_after", "sdq_0", "sdq_1", "sdq_2", "sdq_3",
    "homeless_ever", "identity_improved", "connections_before", "connections_after",
};

struct outcome_tally {
    size_t defined[N_OUTCOMES];
    size_t na[N_OUTCOMES][6]; /* by ll_na_reason */
};

static void tally_na(struct outcome_tally *t, int o, int defined, ll_na_reason why)
{
    if (defined)
        t->defined[o]++;
    else
        t->na[o][why]++;
}

static void tally_outcomes(struct outcome_tally *t, const ll_analysis_row *r)
{
    const ll_outcomes *o = &r->out;
    tally_na(t, O_STABLE, o->stable_12m != LL_NA, o->stable_12m_na);
    tally_na(t, O_AFTER, o->placements_after != LL_NA, o->after_na);
    tally_na(t, O_WEEKS, o->placements_after != LL_NA, o->after_na);
    for (int k = 0; k < 4; k++)
        tally_na(t, O_SDQ0 + k, o->sdq[k] != LL_NA, LL_NA_NO_SDQ_IN_WINDOW);
    tally_na(t, O_HOMELESS, o->homeless_ever != LL_NA, o->homeless_na);
    tally_na(t, O_IDENTITY, r->identity_improved != LL_NA, LL_NA_NOT_RECORDED);
    tally_na(t, O_CONN_BEFORE, r->connections_before != LL_NA, LL_NA_NOT_RECORDED);
    tally_na(t, O_CONN_AFTER, r->connections_after != LL_NA, LL_NA_NOT_RECORDED);
}

/* The NA reasons each outcome can have, in the order listed. */
static int outcome_reasons(int o, const ll_config *cfg, ll_na_reason out[2])
{
    switch (o) {
    case O_STABLE:
        out[0] = LL_NA_FOLLOWUP_INCOMPLETE;
        out[1] = LL_NA_LEFT_CARE;
        return cfg->cohort.leavers == LL_LEAVERS_EXCLUDE ? 2 : 1;
    case O_AFTER:
    case O_WEEKS: out[0] = LL_NA_FOLLOWUP_INCOMPLETE; return 1;
    case O_HOMELESS: out[0] = LL_NA_NO_CARE_LEAVER_RECORD; return 1;
    case O_IDENTITY:
    case O_CONN_BEFORE:
    case O_CONN_AFTER: out[0] = LL_NA_NOT_RECORDED; return 1;
    default: out[0] = LL_NA_NO_SDQ_IN_WINDOW; return 1;
    }
}

static int finish_group(ll_flow *f, const ll_derive_data *d, const ll_analysis *a, ll_group g,
                        ll_error *err)
{
    size_t eligible = 0, analysed = 0, unmatched = 0, inel[N_INELIGIBLE] = {0};
    struct outcome_tally t;
    memset(&t, 0, sizeof t);
    for (size_t k = 0; k < a->n; k++) {
        const ll_analysis_row *r = &a->rows[k];
        if (r->group != g)
            continue;
        int why = ll_derive_ineligible_reason(&d->cfg, &r->cov);
        if (why >= 0) {
            inel[why]++;
            continue;
        }
        eligible++;
        if (!ll_analysis_in_cohort(a, r)) {
            unmatched++;
            continue;
        }
        analysed++;
        tally_outcomes(&t, r);
    }
    int rc;
#define ADD(stage, reason, n)                                                         \
    do {                                                                              \
        if ((rc = ll_flow_add(f, stage, g, reason, n, err)) != LL_OK)                 \
            return rc;                                                                \
    } while (0)
    ADD("eligible", "", eligible);
    for (int i = 0; i < N_INELIGIBLE; i++)
        ADD("eligible", INELIGIBLE[i], inel[i]);
    ADD("analysed", "", analysed);
    if (a->matched)
        ADD("analysed", "no_match_within_caliper", unmatched);
    int n_out = g == LL_GROUP_TREATED ? N_OUTCOMES : O_IDENTITY;
    for (int o = 0; o < n_out; o++) {
        ll_na_reason why[2];
        int nw = outcome_reasons(o, &d->cfg, why);
        ADD(OUTCOME_STAGES[o], "", t.defined[o]);
        for (int w = 0; w < nw; w++)
            ADD(OUTCOME_STAGES[o], ll_na_reason_name(why[w]), t.na[o][why[w]]);
    }
#undef ADD
    return LL_OK;
}

int ll_derive_flow_finish(ll_flow *f, const ll_derive_data *d, const ll_analysis *a,
                          ll_comparison design, ll_error *err)
{
    int rc = finish_group(f, d, a, LL_GROUP_TREATED, err);
    if (rc == LL_OK && design != LL_COMPARISON_NONE)
        rc = finish_group(f, d, a, LL_GROUP_COMPARISON, err);
    return rc;
}

/* ---- data quality ------------------------------------------------------- */

size_t ll_derive_n_dq(const ll_derive_data *d)
{
    return d->n_dq;
}

void ll_derive_dq(ll_dq_view *out, const ll_derive_data *d, size_t k)
{
    const struct dq_rec *r = &d->dq[k];
    out->child = r->child;
    out->decom = r->decom;
    out->year = r->year;
    out->rule = (ll_dq_rule)r->rule;
}

const char *ll_dq_rule_name(ll_dq_rule r)
{
    return r == LL_DQ_STALE_OPEN        ? "stale_open"
           : r == LL_DQ_OVERLAP         ? "overlap"
           : r == LL_DQ_REC_WITHOUT_DEC ? "rec_without_dec"
                                        : "?";
}
