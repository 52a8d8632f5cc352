/* The secure CSV files of the derivation: analysis.csv (SPEC 4), flow.csv
 * and data_quality.csv.  Each is written to FILE.tmp and renamed, so that a
 * reader never sees half a file. */
#include "internal.h"

#include "lleval/date.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>



static void put_int(FILE *f, long v)
{
    if (v != LL_NA)
        fprintf(f, "%ld", v);
}

static void put_num(FILE *f, double x)
{
    char buf[40];
    ll_format_number(buf, sizeof buf, x);
    fputs(buf, f);
}

static void put_day(FILE *f, long day)
{
    char buf[16];
    ll_date_format(buf, sizeof buf, day);
    fputs(buf, f);
}

struct out {
    FILE *f;
    char tmp[4096];
    const char *path;
};

static int out_open(struct out *o, const char *path, ll_error *err)
{
    o->path = path;
    if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%s.tmp", path) >= sizeof o->tmp)
        return ll_error_set(err, LL_EIO, "%s: path too long", path);
    /* Owner-only, like the database: these files hold the same records. */
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    o->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!o->f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", o->tmp, strerror(e));
    }
    return LL_OK;
}

static int out_close(struct out *o, ll_error *err)
{
    int bad = ferror(o->f);
    if (fclose(o->f) != 0)
        bad = 1;
    if (bad || rename(o->tmp, o->path) != 0) {
        int e = errno;
        remove(o->tmp);
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", o->path,
                            bad ? "write error" : strerror(e));
    }
    return LL_OK;
}

#define ANALYSIS_HEADER \
    "la,child,group,index_date,eligible,age_years,male,ethnic_group,uasc,years_in_care," \
    "prior_placements,years_in_placement,placement_group,legal_group,cin_n1,stable_12m," \
    "placements_before,placements_after,weeks_foster_after,weeks_kinship_after," \
    "weeks_residential_after,weeks_semi_independent_after,weeks_adoption_after," \
    "weeks_parents_after,weeks_other_after,weeks_foster_before,weeks_kinship_before," \
    "weeks_residential_before,weeks_semi_independent_before,weeks_adoption_before," \
    "weeks_parents_before,weeks_other_before,sdq_0,sdq_1,sdq_2,sdq_3,identity_improved," \
    "connections_before,connections_after,homeless_ever,homeless_time,homeless_event"

const char *ll_derive_analysis_header(int matched)
{
    static const char *const WITH_MATCH = ANALYSIS_HEADER ",match_id,ps_logit";
    return matched ? WITH_MATCH : ANALYSIS_HEADER;
}

static void write_row(FILE *f, const ll_derive_data *d, const ll_analysis *a,
                      const ll_analysis_row *r)
{
    const struct child *c = &d->children[r->child];
    const ll_covariates *v = &r->cov;
    const ll_outcomes *o = &r->out;
    ll_csv_put_field(f, d->las[c->la].code);
    fputc(',', f);
    ll_csv_put_field(f, c->id);
    fprintf(f, ",%s,", ll_group_name(r->group));
    put_day(f, r->index_date);
    fprintf(f, ",%d,", v->eligible);
    put_num(f, v->age_years);
    fprintf(f, ",%d,%s,%d,", v->male, ll_ethnic_group_name(v->ethnic_group), v->uasc);
    put_num(f, v->years_in_care);
    fprintf(f, ",%d,", v->prior_placements);
    put_num(f, v->years_in_placement);
    fprintf(f, ",%s,%s,%d,", ll_placement_group_name(v->placement_group),
            ll_legal_group_name(v->legal_group), v->cin_n1);
    put_int(f, o->stable_12m);
    fprintf(f, ",%d,", o->placements_before);
    put_int(f, o->placements_after);
    for (int g = 0; g < LL_PG_N; g++) {
        fputc(',', f);
        put_num(f, o->weeks_after[g]);
    }
    for (int g = 0; g < LL_PG_N; g++) {
        fputc(',', f);
        put_num(f, o->weeks_before[g]);
    }
    for (int k = 0; k < 4; k++) {
        fputc(',', f);
        put_int(f, o->sdq[k]);
    }
    const int tail[] = {r->identity_improved, r->connections_before, r->connections_after,
                        o->homeless_ever, o->homeless_time, o->homeless_event};
    for (size_t k = 0; k < sizeof tail / sizeof tail[0]; k++) {
        fputc(',', f);
        put_int(f, tail[k]);
    }
    if (a->matched) {
        fputc(',', f);
        if (r->match_id > 0)
            fprintf(f, "%ld", r->match_id);
        fputc(',', f);
        put_num(f, r->ps_logit);
    }
    fputc('\n', f);
}

/* Writes one table to path (through path.tmp, owner-only): the header
 * line, then row(f, ctx, k) for each k < n. */
static int write_table(const char *path, const char *header, size_t n,
                       void (*row)(FILE *f, const void *ctx, size_t k), const void *ctx,
                       ll_error *err)
{
    struct out o;
    int rc = out_open(&o, path, err);
    if (rc != LL_OK)
        return rc;
    fprintf(o.f, "%s\n", header);
    for (size_t k = 0; k < n; k++)
        row(o.f, ctx, k);
    return out_close(&o, err);
}

struct analysis_ctx {
    const ll_derive_data *d;
    const ll_analysis *a;
};

static void analysis_row(FILE *f, const void *ctx, size_t k)
{
    const struct analysis_ctx *c = ctx;
    write_row(f, c->d, c->a, &c->a->rows[k]);
}

int ll_derive_write_analysis(const char *path, const ll_derive_data *d, const ll_analysis *a,
                             ll_error *err)
{
    struct analysis_ctx c = {d, a};
    return write_table(path, ll_derive_analysis_header(a->matched), a->n, analysis_row, &c, err);
}

static void flow_row(FILE *f, const void *ctx, size_t k)
{
    const ll_flow_row *r = &((const ll_flow *)ctx)->rows[k];
    fprintf(f, "%s,%s,%s,%zu\n", r->stage, ll_group_name(r->group), r->reason, r->n);
}

int ll_derive_write_flow(const char *path, const ll_flow *fl, ll_error *err)
{
    return write_table(path, "stage,group,reason,n", fl->n, flow_row, fl, err);
}

static void dq_row(FILE *f, const void *ctx, size_t k)
{
    const ll_derive_data *d = ctx;
    const struct dq_rec *r = &d->dq[k];
    const struct child *c = &d->children[r->child];
    ll_csv_put_field(f, d->las[c->la].code);
    fputc(',', f);
    ll_csv_put_field(f, c->id);
    fputc(',', f);
    put_day(f, r->decom);
    fprintf(f, ",%d,%s\n", (int)r->year, ll_dq_rule_name((ll_dq_rule)r->rule));
}

int ll_derive_write_data_quality(const char *path, const ll_derive_data *d, ll_error *err)
{
    return write_table(path, "la,child,decom,year,rule", d->n_dq, dq_row, d, err);
}
