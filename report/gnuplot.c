/* Charts through gnuplot as an external program: each chart is written as
 * its data file and script (so that a researcher can redraw or restyle it),
 * then gnuplot runs in the charts folder with the script's name as its only
 * argument -- no shell, so no path or title can be read as a command -- and
 * the SVG it draws is inlined into the page with its ids made unique. */
#include "charts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lleval/gnuplot.h"

char *rp_find_program(rp_arena *a, const char *name)
{
    char *path = NULL, *copy = NULL;
    if (ll_gnuplot_find(&path, name) == LL_OK && path != NULL)
        copy = rp_strdup(a, path);
    free(path);
    return copy;
}

char *rp_gp_quote(rp_arena *a, const char *s)
{
    size_t n = 2;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 2 : 1;
    char *q = rp_alloc(a, n + 1), *w = q;
    if (q == NULL)
        return (char *)"''";
    *w++ = '\'';
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20)
            *w++ = ' ';
        else if (*p == '\'') {
            *w++ = '\'';
            *w++ = '\'';
        } else
            *w++ = *p;
    }
    *w++ = '\'';
    return q;
}

char *rp_gp_tic(rp_arena *a, const char *s)
{
    char *q = rp_alloc(a, 2 * strlen(s) + 1), *w = q;
    if (q == NULL)
        return rp_gp_quote(a, "");
    for (; *s; s++) {
        *w++ = *s;
        if (*s == '%')
            *w++ = '%'; /* tic labels are format strings */
    }
    *w = '\0';
    return rp_gp_quote(a, q);
}

static int write_text(const char *path, const char *text, ll_error *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
    fputs(text, f);
    if (fclose(f) != 0)
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    return LL_OK;
}

/* gnuplot's SVG without its XML prolog and DOCTYPE (which name an outside
 * DTD), its ids prefixed with the chart's name (several SVGs share a page),
 * its title the chart's. */
static char *inline_svg(rp_arena *a, const char *svg, const char *name, const char *title)
{
    const char *start = strstr(svg, "<svg");
    if (start == NULL)
        return NULL;
    size_t extra = 0, nl = strlen(name) + 1;
    for (const char *p = start; *p; p++)
        extra += ll_gnuplot_svg_id(p) ? nl : 0;
    char *t = rp_clean(a, title);
    /* room for the ids, the title element and the opening attributes */
    extra += strlen(t) + 3 * nl + 96;
    char *out = rp_alloc(a, strlen(start) + extra), *w = out;
    if (out == NULL)
        return NULL;
    w += sprintf(w, "<svg role=\"img\" aria-labelledby=\"%s-title\"", name);
    const char *p = start + 4;
    while (*p) {
        size_t m = ll_gnuplot_svg_prefix(w, &p, name);
        if (m)
            w += m;
        else if (strncmp(p, "<title>Gnuplot</title>", 22) == 0) {
            w += sprintf(w, "<title id=\"%s-title\">", name);
            p += 22;
            for (const char *q = t; *q; q++)
                *w++ = (*q == '<' || *q == '>' || *q == '&') ? ' ' : *q;
            w += sprintf(w, "</title>");
        } else
            *w++ = *p++;
    }
    *w = '\0';
    return out;
}

static const char *PNG_SWITCH =
    "\n# the same chart as PNG (for report.md)\n"
    "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "    set terminal pngcairo size %d,%d noenhanced font 'sans,10' background rgb 'white'\n"
    "} else {\n"
    "    set terminal png size %d,%d noenhanced\n"
    "}\n"
    "set output '%s.png'\nreplot\nset output\n";

/* The script around the chart's own commands: SVG first, then PNG. */
static char *full_script(rp_arena *a, const char *name, const char *title, const char *body,
                         int w, int h)
{
    char *png = rp_printf(a, PNG_SWITCH, w, h, w, h, name);
    return rp_printf(a,
                     "# %s.gp: %s\n"
                     "# Written by lleval.  Redraw with `gnuplot %s.gp` in this folder; the data\n"
                     "# are in %s.dat (tab-separated; c marks a value withheld by disclosure\n"
                     "# control, which is not drawn).\n"
                     "set encoding utf8\n"
                     "set datafile separator '\\t'\n"
                     "set datafile missing 'c'\n"
                     "set terminal svg size %d,%d fixed noenhanced font 'sans,12' "
                     "background rgb 'white'\n"
                     "set output '%s.svg'\n"
                     "set title %s\n"
                     "set border 3\nset tics nomirror\n"
                     "set grid ytics lc rgb '#d0d0d0' lw 1 dt 1\n"
                     "%s%s",
                     name, title, name, name, w, h, name, rp_gp_quote(a, title), body, png);
}

static void chart_failed(rp_charts *c, const char *name)
{
    c->failed++;
    if (c->log)
        fprintf(c->log, "lleval evaluate: warning: gnuplot failed on charts/%s.gp (see "
                        "charts/gnuplot.log); the report shows the chart as not drawn\n",
                name);
}

/* Appends the chart's own log to gnuplot.log and removes it: charts drawn
 * at once write apart, and gnuplot.log keeps the order of the charts. */
static void merge_log(rp_arena *a, const char *dir, const char *name)
{
    char *path = rp_printf(a, "%s/%s.gnuplot.log", dir, name);
    size_t len = 0;
    char *text = rp_read_file(a, path, &len);
    FILE *f = fopen(rp_printf(a, "%s/gnuplot.log", dir), "a");
    if (f != NULL) {
        if (text != NULL)
            fwrite(text, 1, len, f);
        fclose(f);
    }
    remove(path);
}

/* Waits for the oldest chart being drawn and places its SVG. */
static void collect(rp_charts *c, rp_doc *d)
{
    rp_arena *a = d->arena;
    struct rp_gp_job j = c->job[0];
    memmove(c->job, c->job + 1, (size_t)(c->njobs - 1) * sizeof *c->job);
    c->njobs--;
    rp_chart *ch = j.chart;
    int rc = ll_gnuplot_wait(j.pid, c->gnuplot, c->dir, ch->name, NULL);
    merge_log(a, c->dir, ch->name);
    if (rc != LL_OK) {
        chart_failed(c, ch->name);
        return;
    }
    char *svg = rp_read_file(a, rp_printf(a, "%s/%s.svg", c->dir, ch->name), NULL);
    ch->svg = svg ? inline_svg(a, svg, ch->name, ch->title) : NULL;
    c->drawn += ch->svg != NULL;
}

int rp_chart_emit(rp_charts *c, rp_doc *d, const char *name, const char *title, const char *alt,
                  const char *data, const char *script, ll_error *err)
{
    rp_arena *a = d->arena;
    int w = 760, h = 440;
    const char *size = strstr(script, "#size ");
    if (size != NULL)
        sscanf(size + 6, "%d,%d", &w, &h);
    char *dat = rp_printf(a, "%s/%s.dat", c->dir, name);
    char *gp = rp_printf(a, "%s/%s.gp", c->dir, name);
    int rc = write_text(dat, data, err);
    if (rc == LL_OK)
        rc = write_text(gp, full_script(a, name, title, script, w, h), err);
    if (rc != LL_OK)
        return rc;
    rp_chart *ch = rp_alloc(a, sizeof *ch);
    if (ch == NULL)
        return LL_OK;
    ch->name = name;
    ch->title = title;
    ch->alt = alt;
    ch->next = d->charts;
    d->charts = ch;
    if (c->gnuplot == NULL)
        return LL_OK;
    if (c->njobs == RP_GNUPLOT_JOBS)
        collect(c, d);
    long pid;
    if (ll_gnuplot_start(&pid, c->gnuplot, c->dir, rp_printf(a, "%s.gp", name),
                         rp_printf(a, "%s.gnuplot.log", name), NULL) != LL_OK) {
        chart_failed(c, name);
        return LL_OK;
    }
    c->job[c->njobs++] = (struct rp_gp_job){ch, pid};
    return LL_OK;
}

void rp_charts_finish(rp_charts *c, rp_doc *d)
{
    while (c->njobs > 0)
        collect(c, d);
}
