/* `lleval pool` as one call: read and pool first, so that refused input
 * writes nothing, then the two outputs. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void name_left_out(const ll_pool *p, FILE *log)
{
    if (log == NULL)
        return;
    for (size_t i = 0; i < p->n_effects; i++) {
        const ll_pool_effect *e = &p->effects[i];
        for (size_t j = 0; j < e->n_missing; j++)
            fprintf(log, "lleval pool: %s,%s: la '%s' left out (%s)\n", e->outcome, e->estimand,
                    p->la[e->missing[j].authority], e->missing[j].reason);
        if (!e->pooled)
            fprintf(log, "lleval pool: %s,%s: not pooled: %s\n", e->outcome, e->estimand,
                    e->not_pooled);
    }
}

int ll_pool_run(const char *dir, const char *const *paths, size_t n, const ll_pool_sdc *sdc,
                const char *gnuplot, FILE *log, ll_error *err)
{
    ll_pool *p = NULL;
    FILE *f = NULL;
    char *path = NULL;
    int rc = ll_pool_read(&p, paths, n, log, err);
    if (rc != LL_OK || (rc = ll_pool_compute(p, err)) != LL_OK)
        goto done;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot create: %s", dir, strerror(errno));
        goto done;
    }
    size_t len = strlen(dir) + 24;
    if ((path = malloc(len)) == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(path, len, "%s/pool_estimates.csv", dir);
    if ((f = fopen(path, "w")) == NULL) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
        goto done;
    }
    rc = ll_pool_write_csv(f, p, err);
    if (fclose(f) != 0 && rc == LL_OK)
        rc = ll_error_set(err, LL_EIO, "%s: write failed", path);
    if (rc != LL_OK)
        goto done;
    name_left_out(p, log);
    rc = ll_pool_write_report(dir, p, sdc, gnuplot, log, err);
done:
    free(path);
    ll_pool_free(p);
    return rc;
}
