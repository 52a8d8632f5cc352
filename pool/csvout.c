/* DIR/pool_estimates.csv (SPEC 10): one row per pooled model, numbers in
 * the shortest form that reads back to the same double. */
#include "internal.h"

#include "lleval/format.h"

#include <math.h>

static void num(FILE *f, double x)
{
    char buf[40];
    ll_format_number(buf, sizeof buf, x);
    fputc(',', f);
    fputs(buf, f);
}

static void row(FILE *f, const ll_pool_effect *e, const char *model, const ll_meta_result *m)
{
    ll_csv_put_field(f, e->outcome);
    fputc(',', f);
    ll_csv_put_field(f, e->estimand);
    fputc(',', f);
    ll_csv_put_field(f, e->term);
    fprintf(f, ",%s,%zu", model, m->k);
    num(f, m->estimate);
    num(f, m->std_error);
    num(f, m->statistic);
    num(f, m->p_value);
    num(f, m->conf_low);
    num(f, m->conf_high);
    num(f, m->tau2);
    num(f, m->i2);
    num(f, m->q);
    num(f, m->q_df);
    num(f, m->q_p_value);
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
