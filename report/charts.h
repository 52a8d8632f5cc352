/* Charts: running gnuplot (report/gnuplot.c), the chart kinds shared by
 * the report's sections (report/charts.c) and the charts of the report
 * (report/chartdefs.c, report/costcharts.c). */
#ifndef LLEVAL_REPORT_CHARTS_H
#define LLEVAL_REPORT_CHARTS_H

#include "disclosure.h"
#include "doc.h"


/* gnuplot runs at most this many charts at once (the machines lleval is
 * meant for have two cores or more). */
#define RP_GNUPLOT_JOBS 2

typedef struct rp_charts {
    const char *dir;       /* DIR/charts */
    const char *gnuplot;   /* program to run; NULL when not found */
    FILE *log;
    int drawn, failed;
    struct rp_gp_job {     /* charts being drawn, oldest first */
        rp_chart *chart;
        long pid;
    } job[RP_GNUPLOT_JOBS];
    int njobs;
} rp_charts;

/* Writes name.dat (data, already disclosure-controlled) and name.gp,
 * registers the chart in the doc and starts gnuplot on it; the SVG is
 * placed when rp_charts_finish (or a later chart waiting for a free
 * gnuplot) collects it.  Returns LL_OK or LL_EIO. */
int rp_chart_emit(rp_charts *c, rp_doc *d, const char *name, const char *title, const char *alt,
                  const char *data, const char *script, ll_error *err);
/* Waits for every gnuplot still running and places their SVGs, in the
 * order the charts were emitted.  Must be called once every chart is
 * emitted, also when the report fails (no child is left behind). */
void rp_charts_finish(rp_charts *c, rp_doc *d);
/* The gnuplot program: path found on PATH (or the one given), or NULL. */
char *rp_find_program(rp_arena *a, const char *name);
/* A gnuplot single-quoted string literal of s. */
char *rp_gp_quote(rp_arena *a, const char *s);
/* The same for a tic label, where gnuplot reads % as a format. */
char *rp_gp_tic(rp_arena *a, const char *s);



typedef struct rp_ctx rp_ctx;

#define RP_MAX_SER 3
#define RP_MAX_CAT 12

/* A string built through a memory stream, copied into the arena at close. */
typedef struct rp_sb {
    char *buf;
    size_t len;
    FILE *f;
} rp_sb;
int rp_sb_open(rp_sb *s);                  /* 1 on success */
int rp_sb_open2(rp_sb *d, rp_sb *s, rp_arena *a); /* both, or neither (0) */
char *rp_sb_close(rp_sb *s, rp_arena *a);  /* the text (arena), NULL if never opened */

/* One bar or point: estimate and interval (NAN where none), or withheld. */
typedef struct rp_bar {
    double v, lo, hi;
    int hidden;
} rp_bar;
rp_bar rp_bar_of(const rp_est *r);

/* Categories (x) by series (groups or bands). */
typedef struct rp_bars {
    size_t ncat, nser;
    const char *cat[RP_MAX_CAT];
    const char *ser[RP_MAX_SER];
    rp_bar cell[RP_MAX_CAT][RP_MAX_SER];
    const char *ylabel, *xlabel;
    double ymax; /* NAN: from the data */
    int pct;     /* proportions, drawn as percentages */
    int digits;  /* of the value labels when not pct */
    int width;   /* pixels; 0: 760 */
} rp_bars;

/* Script body and data of grouped bars with intervals / of lines over the
 * categories with intervals.  NULL when out of memory. */
char *rp_bars_script(rp_arena *a, const rp_bars *b, const char *name, char **data);
char *rp_lines_script(rp_arena *a, const rp_bars *b, const char *name, char **data);

void rp_dat_num(FILE *f, double x, int hidden, double scale);
void rp_dat_text(FILE *f, const char *s);
const char *rp_line_style(size_t s);
const char *rp_step_style(size_t s);
const char *rp_bar_style(size_t s);

/* Emits a chart and places it in the document. */
int rp_chart_place(rp_ctx *c, const char *name, const char *title, const char *alt,
                   const char *data, const char *script, ll_error *err);

/* The charts of the report. */
int rp_chart_flow(rp_ctx *c, ll_error *err);
int rp_chart_love(rp_ctx *c, ll_error *err);
int rp_chart_km(rp_ctx *c, ll_error *err);
int rp_chart_waterfall(rp_ctx *c, ll_error *err);
int rp_chart_tornado(rp_ctx *c, ll_error *err);
void rp_ytics(FILE *f, rp_arena *a, const char *const *lab, size_t n);

#endif
