/* The chart kinds of the report, as gnuplot data and scripts: grouped bars
 * with 95% intervals, lines over time with intervals, and the horizontal
 * bars of the participant flow.  Values withheld by disclosure control are
 * written as c in the data (gnuplot's missing-value marker, so they are not
 * drawn) and labelled c where they would have been.  Series differ in fill
 * pattern or dash type as well as colour, so that a grey-scale print reads. */
#include "sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Series styles: fill for bars, dash and point type for lines. */
static const char *const BAR_STYLE[RP_MAX_SER] = {
    "fs solid 0.9 border lc rgb 'black' lc rgb '#1f4e79'",
    "fs pattern 4 border lc rgb 'black' lc rgb '#8c3b00'",
    "fs solid 0.35 border lc rgb 'black' lc rgb '#555555'",
};
static const char *const LINE_STYLE[RP_MAX_SER] = {
    "lc rgb '#1f4e79' dt 1 lw 2.5 pt 7 ps 1.1",
    "lc rgb '#8c3b00' dt 2 lw 2.5 pt 6 ps 1.1",
    "lc rgb '#555555' dt 3 lw 2 pt 4 ps 1.1",
};

int rp_sb_open(rp_sb *s)
{
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    return s->f != NULL;
}

int rp_sb_open2(rp_sb *d, rp_sb *s, rp_arena *a)
{
    if (!rp_sb_open(d))
        return 0;
    if (!rp_sb_open(s)) {
        rp_sb_close(d, a);
        return 0;
    }
    return 1;
}

char *rp_sb_close(rp_sb *s, rp_arena *a)
{
    if (s->f == NULL)
        return NULL;
    fclose(s->f);
    s->f = NULL;
    char *r = rp_strdup(a, s->buf ? s->buf : "");
    free(s->buf);
    s->buf = NULL;
    return r;
}

rp_bar rp_bar_of(const rp_est *r)
{
    rp_bar b = {NAN, NAN, NAN, 0};
    if (r == NULL)
        return b;
    b.hidden = r->hidden;
    if (!r->hidden) {
        b.v = r->e->estimate;
        b.lo = r->e->conf_low;
        b.hi = r->e->conf_high;
    }
    return b;
}

/* A value for the data file: c when withheld, NaN when not computable;
 * rounded as the tables show it (percentages whole, other figures to 2
 * decimals). */
void rp_dat_num(FILE *f, double x, int hidden, double scale)
{
    if (hidden)
        fputs("\tc", f);
    else if (isnan(x))
        fputs("\tNaN", f);
    else
        fprintf(f, "\t%.10g", ll_sdc_round(x * scale, scale == 100 ? 0 : 2));
}

/* Text without tabs or control characters, for a data-file column. */
void rp_dat_text(FILE *f, const char *s)
{
    fputc('\t', f);
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
}

static double bars_top(const rp_bars *b)
{
    if (!isnan(b->ymax))
        return b->ymax;
    double top = 0;
    for (size_t k = 0; k < b->ncat; k++)
        for (size_t s = 0; s < b->nser; s++) {
            const rp_bar *c = &b->cell[k][s];
            double v = isnan(c->hi) ? c->v : c->hi;
            if (!c->hidden && !isnan(v) && v > top)
                top = v;
        }
    double scale = b->pct ? 100 : 1;
    return top > 0 ? top * scale * 1.18 : 1;
}

static void bars_data(FILE *f, const rp_bars *b, double top, double width)
{
    double scale = b->pct ? 100 : 1;
    for (size_t s = 0; s < b->nser; s++) {
        fprintf(f, "# series %zu: %s\n# x\tcategory\testimate\tconf.low\tconf.high\tlabel\tlabel_y\n",
                s, b->ser[s]);
        for (size_t k = 0; k < b->ncat; k++) {
            const rp_bar *c = &b->cell[k][s];
            double x = (double)k + ((double)s - (double)(b->nser - 1) / 2.0) * width;
            fprintf(f, "%.4g", x);
            rp_dat_text(f, b->cat[k]);
            rp_dat_num(f, c->v, c->hidden, scale);
            rp_dat_num(f, c->lo, c->hidden, scale);
            rp_dat_num(f, c->hi, c->hidden, scale);
            double ly = c->hidden || isnan(c->v) ? top * 0.03
                                                  : (isnan(c->hi) ? c->v : c->hi) * scale;
            if (c->hidden)
                fputs("\tc", f);
            else if (isnan(c->v))
                fputs("\tn/a", f);
            else if (b->pct)
                fprintf(f, "\t%.0f%%", c->v * 100);
            else
                fprintf(f, "\t%.*f", b->digits, c->v);
            fprintf(f, "\t%.6g\n", ly);
        }
        fputs("\n\n", f);
    }
}

static void xtics(FILE *f, rp_arena *a, const char *const *cat, size_t n)
{
    fputs("set xtics (", f);
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%s%s %zu", k ? ", " : "", rp_gp_tic(a, cat[k]), k);
    fputs(")\n", f);
}

static void bars_plot(FILE *f, rp_arena *a, const rp_bars *b, const char *name)
{
    fputs("plot ", f);
    for (size_t s = 0; s < b->nser; s++) {
        fprintf(f, "%s'%s.dat' index %zu using 1:3 with boxes %s title %s, \\\n",
                s ? ", \\\n     " : "", name, s, BAR_STYLE[s], rp_gp_quote(a, b->ser[s]));
        fprintf(f, "     '' index %zu using 1:3:4:5 with yerrorbars lc rgb 'black' lw 1.5 pt 0 "
                   "notitle, \\\n",
                s);
        fprintf(f, "     '' index %zu using 1:7:6 with labels offset 0,0.8 font ',10' notitle", s);
    }
    fputc('\n', f);
}

char *rp_bars_script(rp_arena *a, const rp_bars *b, const char *name, char **data)
{
    rp_sb d, s;
    if (!rp_sb_open2(&d, &s, a))
        return NULL;
    double top = bars_top(b), width = 0.8 / (double)b->nser;
    bars_data(d.f, b, top, width);
    fprintf(s.f, "#size %d,%d\n", b->width ? b->width : 760, 440);
    fprintf(s.f, "set style data boxes\nset boxwidth %.3f absolute\n", width * 0.92);
    fprintf(s.f, "set xrange [-0.6:%.1f]\nset yrange [0:%.6g]\n", (double)b->ncat - 0.4, top);
    xtics(s.f, a, b->cat, b->ncat);
    fprintf(s.f, "set ylabel %s\nset xlabel %s\n", rp_gp_quote(a, b->ylabel),
            rp_gp_quote(a, b->xlabel ? b->xlabel : ""));
    fputs("set key below\n", s.f);
    bars_plot(s.f, a, b, name);
    char *script = rp_sb_close(&s, a);
    *data = rp_sb_close(&d, a);
    return script;
}

/* ---- lines over time ---------------------------------------------------------- */

char *rp_lines_script(rp_arena *a, const rp_bars *b, const char *name, char **data)
{
    rp_sb d, s;
    if (!rp_sb_open2(&d, &s, a))
        return NULL;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < b->ncat; k++)
        for (size_t j = 0; j < b->nser; j++) {
            const rp_bar *c = &b->cell[k][j];
            if (c->hidden)
                continue;
            double l = isnan(c->lo) ? c->v : c->lo, h = isnan(c->hi) ? c->v : c->hi;
            if (!isnan(l) && l < lo)
                lo = l;
            if (!isnan(h) && h > hi)
                hi = h;
        }
    if (!isfinite(lo) || !isfinite(hi)) /* everything withheld */
        lo = 0, hi = isnan(b->ymax) ? 1 : b->ymax;
    double pad = (hi - lo) * 0.15 + 0.5, ymin = lo - pad;
    for (size_t j = 0; j < b->nser; j++) {
        fprintf(d.f, "# series %zu: %s\n# x\ttime\testimate\tconf.low\tconf.high\n", j, b->ser[j]);
        for (size_t k = 0; k < b->ncat; k++) {
            const rp_bar *c = &b->cell[k][j];
            double x = (double)k + ((double)j - (double)(b->nser - 1) / 2.0) * 0.08;
            if (c->hidden)
                fputc('\n', d.f);
            fprintf(d.f, "%.4g", x);
            rp_dat_text(d.f, b->cat[k]);
            rp_dat_num(d.f, c->v, c->hidden, 1);
            rp_dat_num(d.f, c->lo, c->hidden, 1);
            rp_dat_num(d.f, c->hi, c->hidden, 1);
            fputc('\n', d.f);
            if (c->hidden) {
                fputc('\n', d.f);
                fprintf(s.f, "set label 'c' at %.4g,%.6g center font ',12' front\n", x,
                        ymin + pad * (0.3 + 0.25 * (double)j));
            }
        }
        fputs("\n\n", d.f);
    }
    fputs("#size 760,440\n", s.f);
    fprintf(s.f, "set xrange [-0.4:%.1f]\nset yrange [%.6g:%.6g]\n", (double)b->ncat - 0.6, ymin,
            hi + pad);
    xtics(s.f, a, b->cat, b->ncat);
    fprintf(s.f, "set ylabel %s\nset xlabel %s\nset key below\nplot ",
            rp_gp_quote(a, b->ylabel), rp_gp_quote(a, b->xlabel ? b->xlabel : ""));
    for (size_t j = 0; j < b->nser; j++)
        fprintf(s.f, "%s'%s.dat' index %zu using 1:3:4:5 with yerrorlines %s title %s",
                j ? ", \\\n     " : "", name, j, LINE_STYLE[j], rp_gp_quote(a, b->ser[j]));
    fputc('\n', s.f);
    *data = rp_sb_close(&d, a);
    return rp_sb_close(&s, a);
}

const char *rp_step_style(size_t s)
{
    static const char *const STEP[RP_MAX_SER] = {"lc rgb '#1f4e79' dt 1 lw 2.5",
                                                 "lc rgb '#8c3b00' dt 2 lw 2.5",
                                                 "lc rgb '#555555' dt 3 lw 2"};
    return STEP[s < RP_MAX_SER ? s : 0];
}

const char *rp_line_style(size_t s)
{
    return LINE_STYLE[s < RP_MAX_SER ? s : 0];
}

const char *rp_bar_style(size_t s)
{
    return BAR_STYLE[s < RP_MAX_SER ? s : 0];
}
