/* ll_report_write: builds the report once as a document (sections 1-6 of
 * the issue: headline, flow, comparison group, outcomes, costs, methods),
 * with every count and figure already through disclosure control, then
 * renders it as HTML and Markdown and writes the published CSV tables. */
#include "summary.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_dir(const char *path, ll_error *err)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EIO, "%s: cannot create: %s", path, strerror(errno));
    return LL_OK;
}

static int write_doc(const char *path, const rp_doc *d, int html, ll_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    int rc = html ? rp_write_html(f, d) : rp_write_md(f, d);
    if (fclose(f) != 0 || rc != LL_OK) {
        remove(tmp);
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    }
    if (rename(tmp, path) != 0)
        return ll_error_set(err, LL_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
    return LL_OK;
}

static const char *la_list(rp_arena *a, const ll_run_info *run)
{
    size_t n = run ? run->n_ends : 0;
    if (n == 0)
        return "";
    char *s = rp_strdup(a, ": ");
    for (size_t i = 0; i < n && i < 8; i++)
        s = rp_printf(a, "%s%s%s", s, i ? ", " : "", rp_clean(a, run->ends[i].la));
    return n > 8 ? rp_printf(a, "%s and %zu more", s, n - 8) : s;
}

/* Decides what may be shown (SPEC 8): each count, figure and table on its
 * own, from the counts it rests on. */
static int prepare(rp_ctx *c, ll_error *err)
{
    const ll_report_input *in = c->in;
    int rc;
    if ((rc = rp_view_build(c->v, in, c->a)) != LL_OK)
        return ll_error_set(err, rc, "out of memory");
    if ((rc = rp_flow_build(&c->flow, c->a, in->flow, &c->v->sdc, err)) != LL_OK)
        return rc;
    if (c->v->two && in->table1 != NULL &&
        (rc = rp_table1_build(&c->t1, c->a, in->table1, &c->v->sdc, err)))
        return rc;
    rp_sample_sizes_register(c);
    rp_costview_build(c->cv, c->v);
    if (in->balance != NULL && c->v->two) {
        c->balance = *in->balance;
        c->has_balance = 1;
    }
    rp_table1_smds(c);
    return LL_OK;
}

static int build(rp_ctx *c, ll_error *err)
{
    rp_doc *d = c->doc;
    d->title = rp_printf(c->a, "Lifelong Links evaluation%s", la_list(c->a, c->in->run));
    rp_heading(d, RB_H1, "top", "%s", d->title);
    rp_para(d, RB_P,
            "Lifelong Links helps children in care find and keep the people who matter to them. "
            "This report sets out what happened to the children who took part, %s, from the "
            "local authority's own records. It was produced by lleval; the method of every "
            "figure is in section 6.",
            c->v->two ? "set against a comparison group" : "before and after");
    if (d->charts_missing)
        rp_para(d, RB_NOTE, "Charts were not drawn: %s. Their gnuplot scripts and data are in "
                            "the charts folder.", d->charts_missing);
    rp_section_summary(c);
    int rc;
    if ((rc = rp_section_starts(c, err)))
        return rc;
    rp_section_headline(c);
    rp_section_trust(c);
    if ((rc = rp_section_flow(c, err)) || (rc = rp_section_comparison(c, err)) ||
        (rc = rp_section_outcomes(c, err)) || (rc = rp_section_costs(c, err)))
        return rc;
    rp_section_methods(c);
    rp_summary_finish(c);
    return LL_OK;
}

static void find_gnuplot(rp_charts *ch, rp_doc *d, rp_arena *a, const char *prog, FILE *log)
{
    ch->gnuplot = rp_find_program(a, prog ? prog : "gnuplot");
    if (ch->gnuplot != NULL)
        return;
    d->charts_missing = rp_printf(a, "gnuplot was not found (%s); install it (Debian: apt-get "
                                     "install gnuplot-nox) and run lleval evaluate again",
                                  prog ? rp_clean(a, prog) : "not on PATH");
    if (log)
        fprintf(log, "lleval evaluate: notice: gnuplot not found (%s): the report is written "
                     "without charts; their scripts and data are in the charts folder\n",
                prog ? prog : "not on PATH");
}

static void drop_empty_log(rp_arena *a, const char *charts)
{
    struct stat st;
    char *path = rp_printf(a, "%s/gnuplot.log", charts);
    if (stat(path, &st) == 0 && st.st_size == 0)
        remove(path);
}

int ll_report_write(const char *dir, const ll_report_input *in, FILE *log, ll_error *err)
{
    if (dir == NULL || in == NULL || in->cfg == NULL || in->est == NULL || in->flow == NULL)
        return ll_error_set(err, LL_EINPUT, "ll_report_write: missing input");
    rp_arena a = {0};
    rp_doc doc = {&a, "", NULL, NULL, NULL, NULL};
    rp_view view;
    rp_costview cv;
    rp_charts charts = {.log = log};
    rp_ctx c;
    memset(&c, 0, sizeof c);
    c.doc = &doc;
    c.a = &a;
    c.in = in;
    c.v = &view;
    c.cv = &cv;
    c.charts = &charts;
    char *charts_dir = rp_printf(&a, "%s/charts", dir);
    char *publish = rp_printf(&a, "%s/publish", dir);
    charts.dir = charts_dir;
    int rc;
    if ((rc = make_dir(dir, err)) || (rc = make_dir(charts_dir, err)) ||
        (rc = make_dir(publish, err)))
        goto done;
    find_gnuplot(&charts, &doc, &a, in->gnuplot, log);
    rc = prepare(&c, err);
    if (rc == LL_OK)
        rc = build(&c, err);
    rp_charts_finish(&charts, &doc);
    if (rc != LL_OK)
        goto done;
    if (a.nomem) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory writing the report");
        goto done;
    }
    if ((rc = write_doc(rp_printf(&a, "%s/report.html", dir), &doc, 1, err)) ||
        (rc = write_doc(rp_printf(&a, "%s/report.md", dir), &doc, 0, err)) ||
        (rc = rp_publish(&c, publish, err)) || (rc = rp_starts_publish(&c, publish, err)))
        goto done;
    drop_empty_log(&a, charts_dir);
    if (log && charts.failed)
        fprintf(log, "lleval evaluate: warning: %d chart%s not drawn (see %s/gnuplot.log)\n",
                charts.failed, charts.failed == 1 ? "" : "s", charts_dir);
done:
    rp_arena_free(&a);
    return rc;
}
