/* DIR/pool_estimates.csv (SPEC 10): one row per pooled model, numbers in
 * the shortest form that reads back to the same double. */
#include "internal.h"

#include "lleval/format.h"

#include <math.h>

static void row(FILE *f, const ll_pool_effect *e, const char *model, const ll_meta_result *m)
{
    const char *const key[] = {e->outcome, e->estimand, e->term};
    ll_csv_put_fields(f, key, 3);
    fprintf(f, ",%s,%zu", model, m->k);
    const double num[] = {m->estimate, m->std_error, m->statistic, m->p_value,
                          m->conf_low, m->conf_high, m->tau2,      m->i2,
                          m->q,        m->q_df,      m->q_p_value};
    ll_csv_put_numbers(f, num, sizeof num / sizeof *num);
    fputc('\n', f);
}

int ll_pool_write_csv(FILE *f, const ll_pool *p, ll_error *err)
{
    fputs("outcome,estimand,term,model,k,estimate,std.error,statistic,p.value,conf.low,"
          "conf.high,tau2,i2,q,q.df,q.p.value\n",
          f);
    for (size_t i = 0; i < p->n_effects; i++) {
        const ll_pool_effect *e = &p->effects[i];
        if (!e->pooled)
            continue;
        if (e->counts) {
            row(f, e, "mantel_haenszel", &e->mh);
        } else {
            row(f, e, "fixed", &e->fixed);
            row(f, e, "random", &e->random);
        }
    }
    if (ferror(f))
        return ll_error_set(err, LL_EIO, "pool_estimates.csv: write failed");
    return LL_OK;
}
