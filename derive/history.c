/* One child's history (SPEC 3): the two "Episodes across years" rules
 * (stale open episodes, then overlaps), periods of care, placement moves and
 * spells.  Everything later uses only the episodes kept here. */
#include "internal.h"

#include "lleval/date.h"
#include "lleval/grow.h"

#include <stdlib.h>
#include <string.h>

static int add_dq(ll_derive_data *d, size_t *cap, size_t child, const struct episode *e,
                  ll_dq_rule rule, ll_error *err)
{
    struct dq_rec *p = ll_grow(d->dq, cap, d->n_dq, sizeof *p, 256);
    if (!p)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    d->dq = p;
    struct dq_rec *r = &d->dq[d->n_dq++];
    r->child = (uint32_t)child;
    r->decom = e->decom;
    r->year = e->year;
    r->rule = (unsigned char)rule;
    return LL_OK;
}

/* Rule 1: an episode whose latest row is open in a year before the year of
 * E is taken to end on 31 March of that year (DEC = 1 April, REC empty).
 * Open episodes of the latest year cover every day up to E. */
static int settle_ends(ll_derive_data *d, size_t ci, struct episode *e, size_t n, size_t *cap,
                       ll_error *err)
{
    const struct la_info *la = &d->las[d->children[ci].la];
    for (size_t j = 0; j < n; j++) {
        if (!e[j].open)
            continue;
        if (e[j].year < la->end_year) {
            e[j].open = 0;
            e[j].end = ll_date_from_ymd(e[j].year, 4, 1);
            e[j].rec[0] = '\0';
            int rc = add_dq(d, cap, ci, &e[j], LL_DQ_STALE_OPEN, err);
            if (rc != LL_OK)
                return rc;
        } else {
            e[j].end = la->end + 1;
        }
    }
    return LL_OK;
}

/* Rule 2: episodes in DECOM order, each compared with the last one kept;
 * on overlap the later collection year wins (within a year, the earlier
 * DECOM), and a newcomer that beat the last kept one is compared again with
 * the one kept before it.  The kept stack is written at dst, which never
 * passes the episode being read. */
static int resolve_overlaps(ll_derive_data *d, size_t ci, struct episode *dst,
                            const struct episode *src, size_t n, size_t *kept, size_t *cap,
                            ll_error *err)
{
    size_t k = 0;
    int rc;
    for (size_t j = 0; j < n; j++) {
        struct episode e = src[j];
        for (;;) {
            if (k == 0 || e.decom >= dst[k - 1].end) {
                dst[k++] = e;
                break;
            }
            if (e.year > dst[k - 1].year) {
                if ((rc = add_dq(d, cap, ci, &dst[k - 1], LL_DQ_OVERLAP, err)) != LL_OK)
                    return rc;
                k--;
                continue;
            }
            if ((rc = add_dq(d, cap, ci, &e, LL_DQ_OVERLAP, err)) != LL_OK)
                return rc;
            break;
        }
    }
    *kept = k;
    return LL_OK;
}

static int is_temporary(const code4 place)
{
    return place[0] == 'T' && place[1] >= '0' && place[1] <= '4' && place[2] == '\0';
}

/* Same period: the previous episode ended with X1 on the day this one
 * starts, and this one is not a new start (RNE S). */
static int continues_period(const struct episode *prev, const struct episode *e)
{
    return !prev->open && !strcmp(prev->rec, "X1") && prev->end == e->decom &&
           strcmp(e->rne, "S") != 0;
}

static int is_move(const struct episode *prev, const struct episode *e)
{
    return strchr("PBTU", e->rne[0]) && e->rne[0] && e->rne[1] == '\0' &&
           !is_temporary(prev->place) && !is_temporary(e->place);
}

static void open_spell(ll_derive_data *d, const struct episode *e, size_t ep, int move)
{
    struct spell *s = &d->spells[d->n_spells];
    s->start = e->decom;
    s->end = e->end;
    s->open = e->open;
    s->period = (uint32_t)(d->n_periods - 1);
    s->ep_lo = (uint32_t)ep;
    s->ep_n = 0;
    s->group = (unsigned char)ll_derive_placement_group(e->place);
    s->move = (unsigned char)move;
    d->periods[d->n_periods - 1].sp_n++;
    d->n_spells++;
}

static void build_periods(ll_derive_data *d, struct child *c)
{
    c->per_lo = (uint32_t)d->n_periods;
    c->sp_lo = (uint32_t)d->n_spells;
    for (uint32_t j = c->ep_lo; j < c->ep_lo + c->ep_n; j++) {
        struct episode *e = &d->eps[j];
        const struct episode *prev = j > c->ep_lo ? &d->eps[j - 1] : NULL;
        if (!prev || !continues_period(prev, e)) {
            struct period *p = &d->periods[d->n_periods++];
            p->start = e->decom;
            p->ep_lo = j;
            p->ep_n = 0;
            p->sp_lo = (uint32_t)d->n_spells;
            p->sp_n = 0;
            open_spell(d, e, j, 0);
        } else if (is_move(prev, e)) {
            open_spell(d, e, j, 1);
        }
        struct period *p = &d->periods[d->n_periods - 1];
        struct spell *s = &d->spells[d->n_spells - 1];
        p->end = s->end = e->end;
        p->open = s->open = e->open;
        p->ep_n++;
        s->ep_n++;
        e->spell = (uint32_t)(d->n_spells - 1);
        if (!strcmp(e->ls, "V3") || !strcmp(e->ls, "V4"))
            c->short_breaks = 1;
    }
    c->per_n = (uint32_t)(d->n_periods - c->per_lo);
    c->sp_n = (uint32_t)(d->n_spells - c->sp_lo);
}

static int cmp_dq(const void *a, const void *b)
{
    const struct dq_rec *x = a, *y = b;
    if (x->decom != y->decom)
        return x->decom < y->decom ? -1 : 1;
    return (int)x->rule - (int)y->rule;
}

int ll_derive_history(ll_derive_data *d, size_t ci, size_t raw_lo, size_t raw_n, size_t *dq_cap,
                      ll_error *err)
{
    struct child *c = &d->children[ci];
    size_t dq0 = d->n_dq, kept = 0;
    int rc = LL_OK;
    /* Listed from ingest: an open episode whose REC was set aside. */
    for (size_t j = 0; j < raw_n && rc == LL_OK; j++)
        if (d->eps[raw_lo + j].rec_aside)
            rc = add_dq(d, dq_cap, ci, &d->eps[raw_lo + j], LL_DQ_REC_WITHOUT_DEC, err);
    if (rc == LL_OK)
        rc = settle_ends(d, ci, &d->eps[raw_lo], raw_n, dq_cap, err);
    if (rc == LL_OK)
        rc = resolve_overlaps(d, ci, &d->eps[d->n_eps], &d->eps[raw_lo], raw_n, &kept, dq_cap,
                              err);
    if (rc != LL_OK)
        return rc;
    /* Records are made in processing order; the file lists them by DECOM,
     * stale_open before overlap before rec_without_dec. */
    if (d->n_dq - dq0 > 1)
        qsort(&d->dq[dq0], d->n_dq - dq0, sizeof *d->dq, cmp_dq);
    c->ep_lo = (uint32_t)d->n_eps;
    c->ep_n = (uint32_t)kept;
    d->n_eps += kept;
    build_periods(d, c);
    return LL_OK;
}
