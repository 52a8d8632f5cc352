/* Pooling each effect (SPEC 10): which authorities enter it, and the
 * fixed, REML random-effects and Mantel-Haenszel results. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static ll_pool_entry *entry_of(ll_pool_effect *e, size_t authority)
{
    for (size_t i = 0; i < e->n_entries; i++)
        if (e->entries[i].authority == authority)
            return &e->entries[i];
    return NULL;
}

/* Why an entry cannot enter its effect, or NULL when it can. */
static const char *unusable(const ll_pool_effect *e, const ll_pool_entry *en)
{
    if (en == NULL)
        return "no row";
    if (!e->counts)
        return isnan(en->estimate) || isnan(en->std_error) ? "not computable"
               : !(en->std_error > 0)                       ? "standard error not above 0"
                                                            : NULL;
    if (en->n_treated < 0 || en->n_comparison < 0 || en->events_treated < 0 ||
        en->events_comparison < 0)
        return "counts missing";
    if (en->n_treated == 0 || en->n_comparison == 0)
        return "no care leaver in a group";
    if (en->events_treated == 0 && en->events_comparison == 0)
        return "no events in either group";
    if (en->events_treated == en->n_treated && en->events_comparison == en->n_comparison)
        return "only events in both groups";
    return NULL;
}

/* Marks the usable entries and lists the authorities left out. */
static int select_entries(ll_pool_effect *e, const ll_pool *p, size_t *n_used, ll_error *err)
{
    free(e->missing);
    e->missing = NULL;
    e->n_missing = 0;
    *n_used = 0;
    for (size_t a = 0; a < p->n_authorities; a++) {
        ll_pool_entry *en = entry_of(e, a);
        const char *why = unusable(e, en);
        if (en != NULL)
            en->used = why == NULL;
        if (why == NULL) {
            (*n_used)++;
            continue;
        }
        ll_pool_missing *m = realloc(e->missing, (e->n_missing + 1) * sizeof *m);
        if (m == NULL)
            return ll_error_set(err, LL_ENOMEM, "out of memory");
        e->missing = m;
        m[e->n_missing].authority = a;
        m[e->n_missing].reason = why;
        e->n_missing++;
    }
    return LL_OK;
}

static int pool_iv(ll_pool_effect *e, size_t n_used, ll_error *err)
{
    double *y = malloc((n_used + 1) * sizeof *y), *se = malloc((n_used + 1) * sizeof *se);
    int rc = LL_OK;
    if (y == NULL || se == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < e->n_entries; i++)
        if (e->entries[i].used) {
            y[k] = e->entries[i].estimate;
            se[k++] = e->entries[i].std_error;
        }
    if ((rc = ll_meta_fixed(&e->fixed, y, se, k, err)) != LL_OK ||
        (rc = ll_meta_reml(&e->random, y, se, k, err)) != LL_OK)
        goto done;
    e->pooled = 1;
done:
    free(y);
    free(se);
    return rc;
}

static int pool_mh(ll_pool_effect *e, size_t n_used, ll_error *err)
{
    size_t n = n_used + 1;
    long *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    long *c = malloc(n * sizeof *c), *d = malloc(n * sizeof *d);
    int rc = LL_OK;
    if (!a || !b || !c || !d) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < e->n_entries; i++) {
        const ll_pool_entry *en = &e->entries[i];
        if (!en->used)
            continue;
        a[k] = en->events_treated;
        b[k] = en->n_treated - en->events_treated;
        c[k] = en->events_comparison;
        d[k++] = en->n_comparison - en->events_comparison;
    }
    if ((rc = ll_meta_mh_rd(&e->mh, a, b, c, d, k, NULL, err)) == LL_OK)
        e->pooled = 1;
done:
    free(a);
    free(b);
    free(c);
    free(d);
    return rc;
}

int ll_pool_compute(ll_pool *p, ll_error *err)
{
    for (size_t i = 0; i < p->n_effects; i++) {
        ll_pool_effect *e = &p->effects[i];
        size_t n_used;
        int rc = select_entries(e, p, &n_used, err);
        if (rc != LL_OK)
            return rc;
        e->pooled = 0;
        e->not_pooled[0] = '\0';
        if (e->counts && n_used >= 1)
            rc = pool_mh(e, n_used, err);
        else if (!e->counts && n_used >= 2)
            rc = pool_iv(e, n_used, err);
        else if (e->counts)
            snprintf(e->not_pooled, sizeof e->not_pooled,
                     "no authority has a table with events in one group and not in both");
        else
            snprintf(e->not_pooled, sizeof e->not_pooled,
                     "%zu authorit%s with an estimate and a standard error; pooling needs two",
                     n_used, n_used == 1 ? "y" : "ies");
        if (rc != LL_OK)
            return rc;
    }
    return LL_OK;
}
