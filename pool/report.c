/* DIR/report.html of `lleval pool`: one self-contained page with a section
 * per effect (each authority's figure, the pooled ones, a forest plot) and
 * the methods, every figure under the disclosure rules of SPEC 8. */
#include "chart.h"
#include "internal.h"
#include "sdc.h"

#include "lleval/format.h"
#include "lleval/meta.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CELL 96

/* How an effect's figures are displayed. */
enum { SHOW_SAFE, SHOW_MONEY, SHOW_POINTS };

static int show_kind(const ll_pool_effect *e)
{
    const pl_kind *k = pl_kind_find(e->outcome, e->estimand);
    if (e->counts)
        return SHOW_POINTS;
    return k && k->money ? SHOW_MONEY : SHOW_SAFE;
}

/* The value as displayed, as a number (what the chart draws). */
static double shown_value(double v, int kind)
{
    if (!isfinite(v))
        return v;
    if (kind == SHOW_POINTS)
        return round(100 * v);
    double a = fabs(v);
    if (a == 0)
        return 0;
    if (kind == SHOW_MONEY) {
        double scale = pow(10, floor(log10(a)) - 1);
        return round(v / scale) * scale;
    }
    if (a < 100)
        return round(v * 100) / 100;
    double scale = pow(10, floor(log10(a)) - 2);
    return round(v / scale) * scale;
}

static void fmt_value(char *buf, size_t size, double v, int kind)
{
    if (kind == SHOW_MONEY)
        pl_fmt_money(buf, size, v);
    else if (kind == SHOW_POINTS) {
        double r = round(100 * v);
        snprintf(buf, size, "%s%.0f", r < 0 ? "&minus;" : "", fabs(r));
    } else
        pl_fmt_safe(buf, size, v);
}

/* "est (lo to hi)" in the effect's display. */
static void fmt_ci(char *buf, size_t size, double est, double lo, double hi, int kind)
{
    char a[CELL], b[CELL], c[CELL];
    fmt_value(a, sizeof a, est, kind);
    fmt_value(b, sizeof b, lo, kind);
    fmt_value(c, sizeof c, hi, kind);
    snprintf(buf, size, "%s (%s to %s)", a, b, c);
}

static void fmt_p(char *buf, size_t size, double p)
{
    if (!isfinite(p))
        snprintf(buf, size, "&ndash;");
    else if (p < 0.001)
        snprintf(buf, size, "&lt; 0.001");
    else
        snprintf(buf, size, "%.3f", round(p * 1000) / 1000);
}

/* A table's own risk difference and its Wald interval (stats/meta.c). */
static void table_rd(double *rd, double *lo, double *hi, const ll_pool_entry *en)
{
    double ci[3];
    ll_meta_table_rd_ci(ci, en->events_treated, en->n_treated - en->events_treated,
                        en->events_comparison, en->n_comparison - en->events_comparison);
    *rd = ci[0];
    *lo = ci[1];
    *hi = ci[2];
}

/* Whether an authority's inverse-variance figure may be shown (rule 4). */
static int iv_shown(const ll_pool_entry *en, const ll_pool_sdc *s)
{
    return en->n_treated >= s->min_n && en->n_comparison >= s->min_n;
}

/* One row of the chart data and one y tic. */
typedef struct chart_buf {
    char *data, *tics, *objects;
    size_t nd, nt, no, cd, ct, co;
    int rows;
    double xmin, xmax;
} chart_buf;

static void append(char **s, size_t *n, size_t *cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void append(char **s, size_t *n, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return;
    if (*n + (size_t)need + 1 > *cap) {
        size_t nc = (*cap + (size_t)need + 1) * 2;
        char *ns = realloc(*s, nc);
        if (ns == NULL)
            return;
        *s = ns;
        *cap = nc;
    }
    va_start(ap, fmt);
    vsnprintf(*s + *n, *cap - *n, fmt, ap);
    va_end(ap);
    *n += (size_t)need;
}

/* A gnuplot single-quoted string of s: control bytes dropped, quotes
 * doubled, % doubled (tic labels are formats). */
static void gp_label(char *out, size_t size, const char *s)
{
    size_t w = 0;
    out[w++] = '\'';
    for (; *s && w + 4 < size; s++) {
        if ((unsigned char)*s < 0x20)
            continue;
        if (*s == '\'' || *s == '%')
            out[w++] = *s;
        out[w++] = *s;
    }
    out[w++] = '\'';
    out[w] = '\0';
}

static void chart_range(chart_buf *c, double lo, double hi)
{
    if (isfinite(lo) && lo < c->xmin)
        c->xmin = lo;
    if (isfinite(hi) && hi > c->xmax)
        c->xmax = hi;
}

static void chart_row(chart_buf *c, const char *label, int shown, double est, double lo,
                      double hi, int kind)
{
    char q[160];
    int y = ++c->rows;
    if (shown) {
        double e = shown_value(est, kind), l = shown_value(lo, kind), h = shown_value(hi, kind);
        append(&c->data, &c->nd, &c->cd, "%d\t%.17g\t%.17g\t%.17g\n", y, e, l, h);
        chart_range(c, l, h);
    } else {
        append(&c->data, &c->nd, &c->cd, "%d\tc\tc\tc\n", y);
    }
    char lab[140];
    snprintf(lab, sizeof lab, "%s%s", label, shown ? "" : " (c)");
    gp_label(q, sizeof q, lab);
    append(&c->tics, &c->nt, &c->ct, "%s%s %d", c->nt ? ", " : "", q, y);
}

static void chart_diamond(chart_buf *c, const char *label, int shown, const ll_meta_result *m,
                          int kind)
{
    char q[160];
    int y = ++c->rows;
    if (shown) {
        double e = shown_value(m->estimate, kind), l = shown_value(m->conf_low, kind),
               h = shown_value(m->conf_high, kind);
        append(&c->objects, &c->no, &c->co,
               "set object %d polygon from %.17g,%d to %.17g,%g to %.17g,%d to %.17g,%g to "
               "%.17g,%d fc rgb '#1f4e79' fillstyle solid 1.0 border lc rgb '#1f4e79'\n",
               y, l, y, e, y - 0.3, h, y, e, y + 0.3, l, y);
        chart_range(c, l, h);
    }
    char lab[140];
    snprintf(lab, sizeof lab, "%s%s", label, shown ? "" : " (c)");
    gp_label(q, sizeof q, lab);
    append(&c->tics, &c->nt, &c->ct, "%s%s %d", c->nt ? ", " : "", q, y);
}

static char *chart_script(const chart_buf *c, const char *name, const char *title,
                          const char *xlabel)
{
    double lo = c->xmin, hi = c->xmax;
    if (!(lo <= hi)) {
        lo = -1;
        hi = 1;
    }
    if (lo > 0)
        lo = 0;
    if (hi < 0)
        hi = 0;
    double pad = (hi - lo) * 0.08 + 1e-9;
    char t[200], x[200];
    gp_label(t, sizeof t, title);
    gp_label(x, sizeof x, xlabel);
    int h = 120 + 34 * c->rows;
    char *s = NULL;
    size_t n = 0, cap = 0;
    append(&s, &n, &cap,
           "# %s.gp: forest plot written by lleval pool.  Redraw with `gnuplot %s.gp` in\n"
           "# this folder; the data are in %s.dat (row, estimate, low, high; c marks a\n"
           "# figure withheld by disclosure control, which is not drawn).\n"
           "set encoding utf8\nset datafile separator '\\t'\nset datafile missing 'c'\n"
           "set terminal svg size 760,%d fixed noenhanced font 'sans,12' background rgb "
           "'white'\nset output '%s.svg'\nset title %s\nunset key\nset border 1\n"
           "set xtics nomirror\nset ytics nomirror scale 0 (%s)\nset yrange [%d.7:0.3]\n"
           "set xrange [%.17g:%.17g]\nset xlabel %s\n"
           "set arrow from first 0, graph 0 to first 0, graph 1 nohead dt 2 lc rgb '#888888'\n"
           "%s"
           "plot '%s.dat' using 2:1:3:4 with xerrorbars pt 5 ps 1.2 lc rgb '#333333'\n",
           name, name, name, h, name, t, c->tics ? c->tics : "", c->rows, lo - pad, hi + pad, x,
           c->objects ? c->objects : "", name);
    return s;
}

static void authorities_left_out(FILE *f, const ll_pool *p, const ll_pool_effect *e)
{
    if (e->n_missing == 0)
        return;
    fputs("<p class=\"left-out\">Left out of this effect: ", f);
    for (size_t i = 0; i < e->n_missing; i++) {
        fputs(i ? "; " : "", f);
        ll_html_put_text(f, p->la[e->missing[i].authority]);
        fprintf(f, " (%s)", e->missing[i].reason);
    }
    fputs(".</p>\n", f);
}

/* Totals of the used entries. */
static void totals(const ll_pool_effect *e, long *nt, long *nc, long *xt, long *xc)
{
    *nt = *nc = *xt = *xc = 0;
    for (size_t i = 0; i < e->n_entries; i++) {
        const ll_pool_entry *en = &e->entries[i];
        if (!en->used)
            continue;
        *nt += en->n_treated > 0 ? en->n_treated : 0;
        *nc += en->n_comparison > 0 ? en->n_comparison : 0;
        *xt += en->events_treated > 0 ? en->events_treated : 0;
        *xc += en->events_comparison > 0 ? en->events_comparison : 0;
    }
}

static void iv_rows(FILE *f, const ll_pool *p, const ll_pool_effect *e, const ll_pool_sdc *s,
                    chart_buf *c, int kind)
{
    fputs("<table>\n<thead><tr><th>Authority</th><th>Treated</th><th>Comparison</th>"
          "<th>Estimate (95% CI)</th></tr></thead>\n<tbody>\n",
          f);
    double z = gsl_cdf_ugaussian_Pinv(0.975);
    for (size_t i = 0; i < e->n_entries; i++) {
        const ll_pool_entry *en = &e->entries[i];
        char nt[CELL], nc[CELL], est[4 * CELL];
        pl_fmt_count(nt, sizeof nt, en->n_treated, s);
        pl_fmt_count(nc, sizeof nc, en->n_comparison, s);
        int shown = iv_shown(en, s);
        if (!en->used)
            snprintf(est, sizeof est, "not computable");
        else if (!shown)
            snprintf(est, sizeof est, "c");
        else
            fmt_ci(est, sizeof est, en->estimate, en->estimate - z * en->std_error,
                   en->estimate + z * en->std_error, kind);
        fputs("<tr><td>", f);
        ll_html_put_text(f, p->la[en->authority]);
        fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", nt, nc, est);
        if (en->used)
            chart_row(c, p->la[en->authority], shown, en->estimate,
                      en->estimate - z * en->std_error, en->estimate + z * en->std_error, kind);
    }
    fputs("</tbody>\n</table>\n", f);
}

static void counts_rows(FILE *f, const ll_pool *p, const ll_pool_effect *e,
                        const ll_pool_sdc *s, chart_buf *c)
{
    fputs("<table>\n<thead><tr><th>Authority</th><th>Treated care leavers</th>"
          "<th>Homeless</th><th>Comparison care leavers</th><th>Homeless</th>"
          "<th>Risk difference, points (95% CI)</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < e->n_entries; i++) {
        const ll_pool_entry *en = &e->entries[i];
        char nt[CELL], nc[CELL], pt[CELL], pc[CELL], rd[4 * CELL];
        pl_fmt_count(nt, sizeof nt, en->n_treated, s);
        pl_fmt_count(nc, sizeof nc, en->n_comparison, s);
        pl_fmt_pct(pt, sizeof pt, en->events_treated, en->n_treated, s);
        pl_fmt_pct(pc, sizeof pc, en->events_comparison, en->n_comparison, s);
        int shown = en->used && pl_table_shown(en->events_treated, en->n_treated,
                                               en->events_comparison, en->n_comparison, s);
        double d = NAN, lo = NAN, hi = NAN;
        if (en->used)
            table_rd(&d, &lo, &hi, en);
        if (!en->used)
            snprintf(rd, sizeof rd, "left out");
        else if (!shown)
            snprintf(rd, sizeof rd, "c");
        else
            fmt_ci(rd, sizeof rd, d, lo, hi, SHOW_POINTS);
        fputs("<tr><td>", f);
        ll_html_put_text(f, p->la[en->authority]);
        fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", nt,
                pt, nc, pc, rd);
        if (en->used)
            chart_row(c, p->la[en->authority], shown, d, lo, hi, SHOW_POINTS);
    }
    fputs("</tbody>\n</table>\n", f);
}

static void pooled_line(FILE *f, const char *model, const ll_meta_result *m, int shown,
                        int kind, int random)
{
    char ci[4 * CELL], pv[CELL], i2[CELL], q[CELL], qp[CELL], t2[CELL];
    fprintf(f, "<tr><th>%s</th><td>%zu</td>", model, m->k);
    if (!shown) {
        fputs("<td>c</td><td>c</td><td>c</td></tr>\n", f);
        return;
    }
    fmt_ci(ci, sizeof ci, m->estimate, m->conf_low, m->conf_high, kind);
    fmt_p(pv, sizeof pv, m->p_value);
    pl_fmt_safe(q, sizeof q, m->q);
    fmt_p(qp, sizeof qp, m->q_p_value);
    snprintf(i2, sizeof i2, "%.0f%%", round(m->i2));
    if (random && kind == SHOW_MONEY)
        pl_fmt_money(t2, sizeof t2, sqrt(m->tau2));
    else if (random)
        pl_fmt_safe(t2, sizeof t2, kind == SHOW_POINTS ? 100 * sqrt(m->tau2) : sqrt(m->tau2));
    fprintf(f, "<td>%s</td><td>%s</td><td>Q = %s on %.0f df, p %s%s; I&sup2; = %s", ci, pv, q,
            m->q_df, qp[0] == '&' ? "" : "= ", qp, i2);
    if (random)
        fprintf(f, "; &tau; = %s", t2);
    fputs("</td></tr>\n", f);
}

static int effect_section(FILE *f, const ll_pool *p, const ll_pool_effect *e, size_t idx,
                          const ll_pool_sdc *s, const char *charts, const char *gnuplot,
                          FILE *log, ll_error *err)
{
    const pl_kind *k = pl_kind_find(e->outcome, e->estimand);
    int kind = show_kind(e), rc = LL_OK;
    fprintf(f, "<section>\n<h2>%s</h2>\n<p>", k ? k->label : e->estimand);
    fputs(k ? k->scale : "", f);
    if (e->term[0] && k && k->term_is_year) {
        fputs(", in ", f);
        ll_html_put_text(f, e->term);
        fputs(" prices", f);
    }
    fputs(kind == SHOW_POINTS ? "; in percentage points.</p>\n" : ".</p>\n", f);
    authorities_left_out(f, p, e);
    chart_buf c;
    memset(&c, 0, sizeof c);
    c.xmin = INFINITY;
    c.xmax = -INFINITY;
    if (e->counts)
        counts_rows(f, p, e, s, &c);
    else
        iv_rows(f, p, e, s, &c, kind);
    if (!e->pooled) {
        fputs("<p>Not pooled: ", f);
        ll_html_put_text(f, e->not_pooled);
        fputs(".</p>\n", f);
    } else {
        long nt, nc, xt, xc;
        totals(e, &nt, &nc, &xt, &xc);
        fputs("<table class=\"pooled\">\n<thead><tr><th>Pooled</th><th>Authorities</th>"
              "<th>Estimate (95% CI)</th><th>p</th><th>Heterogeneity</th></tr></thead>\n"
              "<tbody>\n", f);
        if (e->counts) {
            int shown = pl_table_shown(xt, nt, xc, nc, s);
            pooled_line(f, "Mantel&ndash;Haenszel", &e->mh, shown, kind, 0);
            chart_diamond(&c, "Mantel-Haenszel", shown, &e->mh, kind);
        } else {
            int shown = nt >= s->min_n && nc >= s->min_n;
            pooled_line(f, "Fixed effect", &e->fixed, shown, kind, 0);
            pooled_line(f, "Random effects (REML)", &e->random, shown, kind, 1);
            chart_diamond(&c, "Fixed effect", shown, &e->fixed, kind);
            chart_diamond(&c, "Random effects (REML)", shown, &e->random, kind);
        }
        fputs("</tbody>\n</table>\n", f);
    }
    if (c.rows == 0) { /* nothing to draw */
        fputs("</section>\n", f);
        free(c.data);
        free(c.tics);
        free(c.objects);
        return LL_OK;
    }
    char name[48];
    snprintf(name, sizeof name, "forest_%zu", idx + 1);
    char *script = chart_script(&c, name, k ? k->label : e->estimand,
                                kind == SHOW_POINTS ? "percentage points"
                                : kind == SHOW_MONEY ? "pounds"
                                                     : "estimate");
    char *svg = NULL;
    if (script == NULL || (c.data == NULL && c.rows > 0))
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
    else
        svg = pl_chart_draw(gnuplot, charts, name, c.data ? c.data : "", script, log, err, &rc);
    if (rc == LL_OK) {
        fputs("<figure>\n", f);
        if (svg != NULL)
            pl_chart_inline(f, svg, name);
        else
            fprintf(f, "<p>(Chart not drawn: gnuplot is missing or failed; its script is "
                       "charts/%s.gp.)</p>\n", name);
        fputs("<figcaption>Each authority's estimate with its 95% interval; the diamonds are "
              "the pooled estimates. A figure withheld by disclosure control is marked c and "
              "not drawn.</figcaption>\n</figure>\n", f);
    }
    fputs("</section>\n", f);
    free(svg);
    free(script);
    free(c.data);
    free(c.tics);
    free(c.objects);
    return rc;
}

static const char *STYLE =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;"
    "text-align:left}thead th{background:#eef}section{page-break-inside:avoid}"
    "figure{margin:1em 0}svg{max-width:100%;height:auto}.left-out{color:#8a4b00}"
    "@media print{@page{size:A4;margin:15mm}body{max-width:none}figure,table"
    "{page-break-inside:avoid}}";

static void intro(FILE *f, const ll_pool *p, const ll_pool_sdc *s)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>Pooled evaluation across %zu authorities</title>\n<style>%s</style>\n"
               "</head>\n<body>\n<h1>Pooled evaluation across %zu authorities</h1>\n",
            p->n_authorities, STYLE, p->n_authorities);
    fputs("<p>Authorities: ", f);
    for (size_t i = 0; i < p->n_authorities; i++) {
        fputs(i ? ", " : "", f);
        ll_html_put_text(f, p->la[i]);
    }
    fputs(".</p>\n<p>Each authority ran <code>lleval evaluate</code> on its own data and shared "
          "only aggregate figures (its <code>secure/pool.csv</code>); no child's record left "
          "an authority. Each effect is pooled by a fixed-effect and a random-effects "
          "meta-analysis; homelessness among care leavers by the Mantel&ndash;Haenszel risk "
          "difference over the authorities' 2&times;2 tables.</p>\n", f);
    fprintf(f, "<p>Disclosure control: counts from 1 to %d are shown as c and other counts "
               "rounded to the nearest %d; percentages and figures resting on a 2&times;2 "
               "table are c when a cell is from 1 to %d; model estimates need at least %d "
               "children in each group.</p>\n",
            s->min_cell, s->rounding, s->min_cell, s->min_n);
}

static void methods(FILE *f)
{
    fputs("<section>\n<h2>Methods</h2>\n<p>Fixed effect: the inverse-variance weighted mean "
          "of the authorities' estimates (weights 1/SE&sup2;). Random effects: the "
          "between-authority variance &tau;&sup2; estimated by restricted maximum likelihood "
          "(REML, Fisher scoring with step halving, &tau;&sup2; &ge; 0, solved to full "
          "precision), weights 1/(SE&sup2; + &tau;&sup2;), as <code>metafor::rma</code> "
          "(Viechtbauer 2005; 2010). Cochran's Q with k &minus; 1 degrees of freedom tests "
          "whether the authorities differ more than chance allows; I&sup2; is the share of "
          "the variation due to real differences (Higgins &amp; Thompson 2002). With few "
          "authorities the random-effects interval is the safer one to quote.</p>\n"
          "<p>Homelessness: the Mantel&ndash;Haenszel risk difference with Sato's variance "
          "(Greenland &amp; Robins 1985; Sato, Greenland &amp; Robins 1989), as "
          "<code>metafor::rma.mh(measure = \"RD\")</code>; authorities with no homeless care "
          "leaver (or only homeless ones) in both groups are left out. Each authority's own "
          "risk difference has a Wald interval, &frac12; added to every cell of a table with "
          "a zero cell.</p>\n<p>An authority's figure comes from its own "
          "<code>lleval evaluate</code>: the adjusted (AIPW) effects, the SDQ mixed model and "
          "the annual saving per treated child of its cost model.</p>\n</section>\n", f);
}

int ll_pool_write_report(const char *dir, const ll_pool *p, const ll_pool_sdc *sdc,
                         const char *gnuplot, FILE *log, ll_error *err)
{
    size_t n = strlen(dir) + 16;
    char *path = malloc(n), *charts = malloc(n);
    FILE *f = NULL;
    int rc = LL_OK;
    if (path == NULL || charts == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(path, n, "%s/report.html", dir);
    snprintf(charts, n, "%s/charts", dir);
    if (mkdir(charts, 0755) != 0 && errno != EEXIST) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot create: %s", charts, strerror(errno));
        goto done;
    }
    if ((f = fopen(path, "w")) == NULL) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
        goto done;
    }
    intro(f, p, sdc);
    for (size_t i = 0; i < p->n_effects && rc == LL_OK; i++)
        rc = effect_section(f, p, &p->effects[i], i, sdc, charts, gnuplot, log, err);
    methods(f);
    fputs("</body>\n</html>\n", f);
done:
    if (f != NULL && fclose(f) != 0 && rc == LL_OK)
        rc = ll_error_set(err, LL_EIO, "%s: write failed", path);
    free(path);
    free(charts);
    return rc;
}
