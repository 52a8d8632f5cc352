/* Charts of the area report through gnuplot, run as an external program in
 * the same way as the evaluation report (report/gnuplot.c): each chart is
 * written as its data and script (so a researcher can redraw it), gnuplot
 * runs in the charts folder with the script's name as its only argument
 * (no shell), and the SVG it draws is returned for inlining, its ids
 * prefixed with the chart's name. */
#include "chart.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lleval/gnuplot.h"

char *ar_find_program(const char *name)
{
    char *path = NULL;
    ll_gnuplot_find(&path, name);
    return path;
}

static int write_text(const char *dir, const char *name, const char *ext, const char *text,
                      ll_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "w");
    if (!f)
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
    fputs(text, f);
    if (fclose(f) != 0)
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    return LL_OK;
}

/* gnuplot's SVG from "<svg" on, ids prefixed with name (two SVGs share
 * the page); malloc'ed. */
static char *inline_svg(const char *svg, const char *name)
{
    const char *s = strstr(svg, "<svg");
    if (!s)
        return NULL;
    size_t extra = 0, nl = strlen(name) + 1;
    for (const char *p = s; *p; p++)
        extra += ll_gnuplot_svg_id(p) ? nl : 0;
    char *out = malloc(strlen(s) + extra + 1), *w = out;
    if (!out)
        return NULL;
    while (*s) {
        size_t m = ll_gnuplot_svg_prefix(w, &s, name);
        if (m)
            w += m;
        else
            *w++ = *s++;
    }
    *w = '\0';
    return out;
}

int ar_chart(char **svg, const char *dir, const char *gnuplot, const char *name,
             const char *data, const char *body, FILE *log, ll_error *err)
{
    *svg = NULL;
    size_t n = strlen(body) + strlen(name) * 3 + 512;
    char *script = malloc(n);
    if (!script)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    snprintf(script, n,
             "# %s.gp: written by lleval area.  Redraw with `gnuplot %s.gp` in this folder;\n"
             "# the data are in %s.dat (tab-separated).\n"
             "set encoding utf8\nset datafile separator '\\t'\n"
             "set terminal svg size 760,420 fixed noenhanced font 'sans,12' "
             "background rgb 'white'\n"
             "set output '%s.svg'\nset border 3\nset tics nomirror\n"
             "set grid ytics lc rgb '#d0d0d0' lw 1 dt 1\n%s",
             name, name, name, name, body);
    int rc = write_text(dir, name, "dat", data, err);
    if (rc == LL_OK)
        rc = write_text(dir, name, "gp", script, err);
    free(script);
    if (rc != LL_OK || !gnuplot)
        return rc;
    char sname[512], spath[4096];
    snprintf(sname, sizeof sname, "%s.gp", name);
    if (ll_gnuplot_run(gnuplot, dir, sname, NULL) != LL_OK) {
        if (log)
            fprintf(log, "lleval area: warning: gnuplot failed on %s/%s (see %s/gnuplot.log); "
                    "the report shows the chart as not drawn\n", dir, sname, dir);
        return LL_OK;
    }
    snprintf(spath, sizeof spath, "%s/%s.svg", dir, name);
    char *text = NULL;
    size_t len = 0;
    ll_error ignore = {0};
    if (ar_read_file(&text, &len, spath, &ignore) == LL_OK)
        *svg = inline_svg(text, name);
    free(text);
    return LL_OK;
}
