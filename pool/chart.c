/* Forest plots of the pooled report through gnuplot, run as an external
 * program with no shell (as the evaluate report does): each chart's data
 * and script stay in DIR/charts so that it can be redrawn, and its SVG is
 * inlined into the page with ids prefixed by the chart's name. */
#include "chart.h"

#include <stdlib.h>
#include <string.h>

#include "lleval/gnuplot.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 8192, n = 0;
    char *b = malloc(cap);
    while (b != NULL) {
        if (n + 1 >= cap) {
            char *nb = realloc(b, cap *= 2);
            if (nb == NULL) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (b != NULL)
        b[n] = '\0';
    return b;
}

void pl_chart_inline(FILE *out, const char *svg, const char *name)
{
    const char *p = strstr(svg, "<svg");
    if (p == NULL)
        return;
    for (; *p; p++) {
        size_t m = ll_gnuplot_svg_id(p);
        if (m) {
            fwrite(p, 1, m, out);
            fprintf(out, "%s-", name);
            p += m - 1;
        } else
            fputc(*p, out);
    }
}

char *pl_chart_draw(const char *gnuplot, const char *dir, const char *name, const char *data,
                    const char *script, FILE *log, ll_error *err, int *rc)
{
    *rc = LL_OK;
    size_t n = strlen(dir) + strlen(name) + 8;
    char *dat = malloc(n), *gp = malloc(n), *svgp = malloc(n), *svg = NULL, *prog = NULL;
    if (!dat || !gp || !svgp) {
        *rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(dat, n, "%s/%s.dat", dir, name);
    snprintf(gp, n, "%s/%s.gp", dir, name);
    snprintf(svgp, n, "%s/%s.svg", dir, name);
    FILE *f = fopen(dat, "w");
    FILE *g = fopen(gp, "w");
    if (f)
        fputs(data, f);
    if (g)
        fputs(script, g);
    int bad = (f == NULL || fclose(f) != 0);
    bad |= (g == NULL || fclose(g) != 0);
    if (bad) {
        *rc = ll_error_set(err, LL_EIO, "%s: cannot write the chart files", dir);
        goto done;
    }
    if (ll_gnuplot_find(&prog, gnuplot ? gnuplot : "gnuplot") != LL_OK) {
        *rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    if (prog == NULL) {
        if (log)
            fprintf(log, "lleval pool: warning: gnuplot not found; charts not drawn\n");
        goto done;
    }
    char script_name[300];
    snprintf(script_name, sizeof script_name, "%s.gp", name);
    if (ll_gnuplot_run(prog, dir, script_name, NULL) != LL_OK) {
        if (log)
            fprintf(log, "lleval pool: warning: gnuplot failed on charts/%s.gp (see "
                         "charts/gnuplot.log); the chart is not drawn\n", name);
        goto done;
    }
    svg = slurp(svgp);
done:
    free(prog);
    free(dat);
    free(gp);
    free(svgp);
    return svg;
}
