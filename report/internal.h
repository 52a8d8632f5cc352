/* Internals of the report writer: a string arena, the document model that
 * the HTML and Markdown renderers share, the disclosure-controlled view of
 * the estimates, and the charts.  Everything a report allocates lives in one
 * arena, freed at the end, so that the many small strings of a report need
 * no individual owners. */
#ifndef LLEVAL_REPORT_INTERNAL_H
#define LLEVAL_REPORT_INTERNAL_H

#include "lleval/balance.h"
#include "lleval/costs.h"
#include "lleval/estimate.h"
#include "lleval/match.h"
#include "lleval/report.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* ---- arena -------------------------------------------------------------- */

typedef struct rp_chunk rp_chunk;
typedef struct rp_arena {
    rp_chunk *head;
    int nomem; /* an allocation failed: every later one returns a static "" or NULL */
} rp_arena;

void *rp_alloc(rp_arena *a, size_t size); /* zeroed; NULL on failure (nomem set) */
char *rp_strdup(rp_arena *a, const char *s);
char *rp_printf(rp_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
char *rp_vprintf(rp_arena *a, const char *fmt, va_list ap);
void rp_arena_free(rp_arena *a);

/* Inline markers inside document text (user text never contains them:
 * rp_clean drops control characters). */
#define RP_NUM_ON "\x01"  /* a count or figure: <span class="n"> */
#define RP_NUM_OFF "\x02"
#define RP_STRONG_ON "\x03"
#define RP_STRONG_OFF "\x04"
/* Copy of s without control characters (tabs and newlines become spaces). */
char *rp_clean(rp_arena *a, const char *s);

/* ---- document ----------------------------------------------------------- */

typedef enum { RB_H1, RB_H2, RB_H3, RB_P, RB_ITEM, RB_WARN, RB_NOTE, RB_TABLE, RB_CHART, RB_PRE } rp_kind;

typedef struct rp_row {
    char **cell;
    struct rp_row *next;
} rp_row;

typedef struct rp_table {
    rp_arena *arena;
    size_t ncol;
    char **head;
    rp_row *rows, *last;
    size_t nrow;
    const char *caption;
    unsigned numeric; /* bit c: column c is right-aligned */
} rp_table;

typedef struct rp_block {
    rp_kind kind;
    const char *text;  /* heading, paragraph, caption of a chart */
    const char *id;    /* heading anchor or chart name */
    rp_table *table;
    struct rp_block *next;
} rp_block;

/* A chart as the document knows it: its SVG text (NULL when not drawn). */
typedef struct rp_chart {
    const char *name, *title, *alt;
    char *svg;
    struct rp_chart *next;
} rp_chart;

typedef struct rp_doc {
    rp_arena *arena;
    const char *title;
    rp_block *first, *last;
    rp_chart *charts;
    const char *charts_missing; /* why no chart was drawn, or NULL */
} rp_doc;

void rp_heading(rp_doc *d, rp_kind level, const char *id, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void rp_para(rp_doc *d, rp_kind kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void rp_pre(rp_doc *d, const char *text);
rp_table *rp_table_new(rp_doc *d, const char *caption, size_t ncol, ...); /* ncol headers */
void rp_table_row(rp_table *t, ...);     /* ncol const char * cells */
void rp_chart_ref(rp_doc *d, const char *name); /* the chart named name, registered before */
rp_chart *rp_chart_find(const rp_doc *d, const char *name);

/* Renderers.  Return LL_OK or LL_EIO. */
int rp_write_html(FILE *f, const rp_doc *d);
int rp_write_md(FILE *f, const rp_doc *d);
/* Writes s without the inline markers, escaped for HTML (strip = 0) or
 * as plain text for Markdown (strip = 1). */
void rp_html_text(FILE *f, const char *s);

/* ---- disclosure control ------------------------------------------------- */

typedef struct rp_flow rp_flow;

/* 1 when 1 <= n <= min_cell. */
int rp_small(long n, int min_cell);

/* The register of published counts (report/cells.c). */
#define RP_NOCELL ((size_t)-1)
typedef struct rp_cells {
    long *val;
    unsigned char *flag; /* after rp_cells_run */
    size_t n, cap_val;
    size_t *mem;
    size_t nmem, cap_mem;
    ll_sdc_line *line;
    size_t nl, cap_line;
    int nomem;
} rp_cells;
size_t rp_cell_add(rp_cells *c, long v); /* RP_NOCELL when out of memory */
void rp_cell_line(rp_cells *c, const size_t *members, size_t n, size_t total);
void rp_cell_link(rp_cells *c, size_t a, size_t b); /* the same number in two places */
int rp_cells_run(rp_cells *c, int min_cell);
int rp_cell_hidden(const rp_cells *c, size_t i);  /* 0 for RP_NOCELL */
int rp_cell_primary(const rp_cells *c, size_t i);
long rp_cell_value(const rp_cells *c, size_t i);
void rp_cells_free(rp_cells *c);

/* The report's view of one estimates row after disclosure control. */
#define RP_MAXDEP 9
typedef struct rp_est {
    const ll_estimate *e;
    size_t n_cell, ev_cell;      /* its n and events in the register */
    size_t dep[RP_MAXDEP];       /* the counts its figures rest on */
    int ndep;
    int extra;                   /* withheld for a count not in the register */
    int n_hidden, events_hidden; /* the counts are shown as c */
    int hidden;                  /* the figures are shown as c */
} rp_est;

/* Counts of the section 6 cohort the estimates do not carry. */
typedef struct rp_cohort {
    size_t n[2];            /* cohort children by group (0 treated, 1 comparison) */
    size_t sdq_children[2]; /* with any sdq_k */
    size_t leavers[2], leaver_events[2]; /* homeless_time defined; homeless_event = 1 */
} rp_cohort;

typedef struct rp_view {
    const ll_report_input *in;
    rp_cells *cells;
    int min_cell;
    int two;   /* a comparison group */
    rp_cohort co;
    rp_est *est; /* parallel to in->est->rows */
    size_t n_est;
    size_t surv[9]; /* survival grid cells: (treated, comparison, total) x (events, non-events, n) */
    /* Care leavers at risk at ages 18..21 by group (-1: none) and their
     * cells: a chain from the group's care leavers, so that the children
     * leaving the risk set between two ages cannot be worked out. */
    long risk[2][4];
    size_t risk_cell[2][4];
} rp_view;

/* Registers the estimates' counts (linking them to the flow's), before the
 * run; rp_view_finish reads the flags after it. */
int rp_view_build(rp_view *v, const ll_report_input *in, rp_cells *cells,
                  const rp_flow *flow, rp_arena *a);
void rp_view_finish(rp_view *v);

/* The row of outcome/estimand/group/term ("" for empty; group NULL
 * matches any), or NULL. */
const rp_est *rp_find(const rp_view *v, const char *outcome, const char *estimand,
                      const char *group, const char *term);
/* 1 when the row is present, computable (estimate not NAN) and not hidden. */
int rp_shown(const rp_est *r);

/* Count text: "c" when hidden, else the number, wrapped in number markers. */
char *rp_count(rp_arena *a, long n, int hidden);
char *rp_count_plain(rp_arena *a, long n, int hidden);

/* ---- formatting --------------------------------------------------------- */

char *rp_pct(rp_arena *a, double p);                 /* "74%" */
char *rp_pct_ci(rp_arena *a, double lo, double hi);  /* "66% to 81%" */
char *rp_num(rp_arena *a, double x, int digits);     /* "1.34"; "" for NAN */
char *rp_money(rp_arena *a, double x);               /* "£1,234,567", "-£800" */
char *rp_pvalue(rp_arena *a, double p);              /* "0.002", "< 0.001" */
/* "est (lo to hi)" for a row, as percentages (pct = 1) or numbers. */
char *rp_est_ci(rp_arena *a, const rp_est *r, int pct, int digits);

/* Human names. */
const char *rp_stage_label(const char *stage);
const char *rp_reason_label(const char *reason);
const char *rp_cov_label(size_t j);
const char *rp_design_words(const char *design); /* "a matched comparison group" ... */

/* ---- charts ------------------------------------------------------------- */

typedef struct rp_charts {
    const char *dir;       /* DIR/charts */
    const char *gnuplot;   /* program to run; NULL when not found */
    FILE *log;
    int drawn, failed;
} rp_charts;

/* Writes name.dat (data, already disclosure-controlled) and name.gp, runs
 * gnuplot, and registers the chart (with its SVG when drawn) in the doc.
 * Returns LL_OK or LL_EIO. */
int rp_chart_emit(rp_charts *c, rp_doc *d, const char *name, const char *title, const char *alt,
                  const char *data, const char *script, ll_error *err);
/* The gnuplot program: path found on PATH (or the one given), or NULL. */
char *rp_find_program(rp_arena *a, const char *name);
/* A gnuplot single-quoted string literal of s. */
char *rp_gp_quote(rp_arena *a, const char *s);
/* The same for a tic label, where gnuplot reads % as a format. */
char *rp_gp_tic(rp_arena *a, const char *s);


/* ---- sections ----------------------------------------------------------- */

typedef struct rp_ctx {
    rp_doc *doc;
    rp_arena *a;
    const ll_report_input *in;
    rp_view *v;
    rp_charts *charts;
    ll_balance balance;    /* copied from in->balance or read from balance.csv */
    int has_balance;
    struct rp_table1 *t1;  /* Table 1 after disclosure control, or NULL */
    rp_flow *flow;         /* flow after disclosure control */
    struct rp_costview *cv;
    rp_cells cells;
    /* Sample sizes (rows treated, comparison; columns all, matched,
     * unmatched) and their register cells; ss_cols 0 when not built. */
    long ss[6];
    size_t ss_cell[6];
    unsigned char ss_flag[6];
    int ss_cols;
    struct rp_starts *starts; /* programme starts by year (report/starts.c), or NULL */
} rp_ctx;

/* Table 1 from secure/table1.csv, suppressed. */
typedef struct rp_table1 {
    size_t ncol;          /* value columns (sets) */
    size_t nrow;
    char **set_name;      /* without " (N = n)" */
    long *set_n;
    unsigned char *set_n_flag;
    size_t *set_cell;     /* N's cell in the register */
    long *count;          /* nrow x ncol: the count of a cell, -1 if none */
    size_t *cnt_cell;     /* nrow x ncol: its register cell */
    size_t *cmp_cell;     /* nrow x ncol: the cell of its complement N - count */
    char **characteristic, **statistic;
    char **cell;          /* nrow x ncol display text (suppressed) */
    char **smd;           /* nrow */
} rp_table1;
/* Reads the table and registers its counts (and links each set's N to the
 * flow count it equals); rp_table1_finish applies the flags. */
int rp_table1_read(rp_table1 **out, rp_arena *a, const char *path, rp_cells *cells,
                   const rp_flow *flow, ll_error *err);
void rp_table1_finish(rp_table1 *t, rp_arena *a, const rp_cells *cells);

/* Participant flow, suppressed. */
struct rp_flow {
    size_t n;
    const ll_flow_row *row;   /* borrowed */
    size_t *cell;             /* per row: its cell in the register */
    unsigned char *flag;      /* per row: hidden (after rp_flow_finish) */
};
/* Registers the flow's counts and lines (and, in a matched design, ties the
 * matched treated to the matched comparison children). */
int rp_flow_build(rp_flow **out, rp_arena *a, const ll_flow *f, rp_cells *cells, int matched,
                  ll_error *err);
void rp_flow_finish(rp_flow *fl, const rp_cells *cells);
/* The register cell of (stage, reason, group), or RP_NOCELL. */
size_t rp_flow_cell(const rp_flow *fl, const char *stage, const char *reason, ll_group g);
/* The count of (stage, reason, group), or -1; *hidden (may be NULL) its flag. */
long rp_flow_count(const rp_flow *fl, const char *stage, const char *reason, ll_group g,
                   int *hidden);

/* Cost figures that may be shown. */
typedef struct rp_costview {
    int effect_hidden[LL_COSTS_NTORNADO]; /* by tornado input index of costs.c's order */
    int moves_hidden, weeks_hidden, homeless_hidden;
    int totals_hidden;   /* gross, adjusted, net, MC, switching values */
    int n_hidden, l_hidden;
    size_t n_cell, l_cell;
} rp_costview;
/* Registers N and L (linked to the flow), then, after the run, decides. */
void rp_costview_register(rp_costview *out, const rp_view *v, const rp_flow *flow);
void rp_costview_build(rp_costview *out, const rp_view *v);
/* 1 when the tornado input (its static name) can be shown. */
int rp_tornado_shown(const rp_costview *cv, const char *input);
const char *rp_cost_input_label(rp_arena *a, const char *input);

int rp_balance_read(ll_balance *out, const char *path, ll_error *err);

void rp_section_headline(rp_ctx *c);
void rp_balance_warning(rp_ctx *c);
void rp_sample_sizes_register(rp_ctx *c);
void rp_section_trust(rp_ctx *c);
int rp_section_flow(rp_ctx *c, ll_error *err);
int rp_section_comparison(rp_ctx *c, ll_error *err);
int rp_section_outcomes(rp_ctx *c, ll_error *err);
int rp_section_costs(rp_ctx *c, ll_error *err);
void rp_section_methods(rp_ctx *c);
void rp_section_strobe(rp_ctx *c); /* report/strobe.c, from the methods section */

/* publish/ */
int rp_publish(const rp_ctx *c, const char *dir, ll_error *err);

/* A tiny reader for run.json: the value at a dotted path (strings and
 * numbers), or the array of strings. */
typedef struct rp_json rp_json;
rp_json *rp_json_parse(rp_arena *a, const char *text);
const rp_json *rp_json_get(const rp_json *j, const char *key);
size_t rp_json_len(const rp_json *j);
const rp_json *rp_json_at(const rp_json *j, size_t i);
const char *rp_json_str(const rp_json *j); /* strings and numbers as text; NULL otherwise */

/* Reads a whole file into the arena (NUL-terminated); NULL when it cannot. */
char *rp_read_file(rp_arena *a, const char *path, size_t *len);

#endif
