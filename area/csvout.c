/* area_estimates.csv (SPEC 11, Output): one row per group-time cell, per
 * event time and the overall effect, numbers at full precision. */
#include "internal.h"

#include "lleval/format.h"

#include <errno.h>
#include <string.h>

static const char *ESTIMAND[] = {"att_gt", "event", "overall"};

static void put_row(FILE *f, const char *outcome, const ll_area_row *r)
{
    ll_csv_put_field(f, outcome);
    fprintf(f, ",%s", ESTIMAND[r->estimand]);
    if (r->estimand == LL_AREA_ATT_GT)
        fprintf(f, ",%d,%d,%d", r->group, r->time, r->event);
    else if (r->estimand == LL_AREA_EVENT)
        fprintf(f, ",,,%d", r->event);
    else
        fprintf(f, ",,,");
    fprintf(f, ",%zu,%zu", r->n_treated, r->n_comparison);
    const double num[] = {r->estimate, r->std_error, r->statistic, r->p_value,
                          r->conf_low,  r->conf_high, r->ri_p_value};
    ll_csv_put_numbers(f, num, sizeof num / sizeof *num);
    fputc(',', f);
    ll_csv_put_field(f, r->note);
    fputc('\n', f);
}

int ll_area_write_csv(const char *path, const char *outcome, const ll_area_result *r,
                      ll_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "outcome,estimand,group,time,event,n_treated,n_comparison,estimate,std.error,"
               "statistic,p.value,conf.low,conf.high,ri_p.value,note\n");
    for (size_t i = 0; i < r->nrows; i++)
        put_row(f, outcome, &r->rows[i]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    return LL_OK;
}
