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
#include "lleval/sdc.h"

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

/* The report's view of one estimates row after disclosure control (SPEC 8
 * rules 1-4: each figure decided from the counts it rests on, on its own;
 * no secondary suppression). */
typedef struct rp_est {
    const ll_estimate *e;
    int n_hidden, events_hidden; /* the counts are from 1 to min_cell: c */
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
    ll_sdc sdc;
    int min_cell; /* sdc.min_cell */
    int two;   /* a comparison group */
    rp_cohort co;
    rp_est *est; /* parallel to in->est->rows */
    size_t n_est;
    /* Care leavers at risk at the reported ages by group (-1: none). */
    long risk[2][LL_KM_N_AGES];
} rp_view;

/* Decides, row by row, which counts and figures of the estimates may be
 * shown.  Returns LL_OK or LL_ENOMEM. */
int rp_view_build(rp_view *v, const ll_report_input *in, rp_arena *a);

/* The row of outcome/estimand/group/term ("" for empty; group NULL
 * matches any), or NULL. */
const rp_est *rp_find(const rp_view *v, const char *outcome, const char *estimand,
                      const char *group, const char *term);
/* 1 when the row is present, computable (estimate not NAN) and not hidden. */
int rp_shown(const rp_est *r);
/* 1 when the outcome's groups each have at least min_n children with the
 * outcome known (rule 8); 0 also when the outcome has no rows. */
int rp_outcome_reportable(const rp_view *v, const char *outcome);

/* Rule 8's sentence for an outcome with fewer than min_n children in a
 * group, and the words that explain the rules (min_cell, rounding, min_n). */
#define RP_TOO_FEW                                                                  \
    "Too few care leavers to report this outcome for one authority; see section 10 of " \
    "the specification for pooling (lleval pool)."
#define RP_SDC_WORDS                                                                 \
    "A number marked c is from 1 to %d and withheld; other numbers are rounded to "   \
    "the nearest %d; a mean or model estimate is shown when each group has at least " \
    "%d children."

/* Count text under rule 1: "c" for 1..min_cell, else the count rounded to
 * the rounding base, wrapped in number markers; "" for n < 0. */
char *rp_count(rp_arena *a, const ll_sdc *s, long n);
char *rp_count_plain(rp_arena *a, const ll_sdc *s, long n);

/* ---- formatting --------------------------------------------------------- */

/* Every displayed figure rounds half away from zero (SPEC 8). */
char *rp_pct(rp_arena *a, double p);                 /* whole percentage: "74%" */
char *rp_pct_ci(rp_arena *a, double lo, double hi);  /* "66% to 81%" */
char *rp_num(rp_arena *a, double x);                 /* rule 4: "1.34", "123"; "" for NAN */
char *rp_money(rp_arena *a, double x);               /* rule 6: "£2.2m", "-£800" */
char *rp_pvalue(rp_arena *a, double p);              /* "0.002", "< 0.001" */
/* "est (lo to hi)" for a row, as percentages (pct = 1) or numbers. */
char *rp_est_ci(rp_arena *a, const rp_est *r, int pct);

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
    ll_balance balance;    /* copied from in->balance */
    int has_balance;
    struct rp_table1 *t1;  /* Table 1 after disclosure control, or NULL */
    rp_flow *flow;         /* flow after disclosure control */
    struct rp_costview *cv;
    /* Sample sizes (rows treated, comparison; columns all, matched,
     * unmatched); ss_cols 0 when not built. */
    long ss[6];
    long ss_pub[6]; /* as published: -1 for c (comparison.c) */
    int ss_cols;
} rp_ctx;

/* Table 1, suppressed. */
typedef struct rp_table1 {
    size_t ncol;          /* value columns (sets) */
    size_t nrow;
    char **set_name;      /* without " (N = n)" */
    long *set_n;
    long *count;          /* nrow x ncol: the count of a cell, -1 if none */
    char **characteristic, **statistic;
    char **cell;          /* nrow x ncol display text (controlled) */
    char **smd;           /* nrow: display text (controlled) */
} rp_table1;
/* Table 1 under rules 1, 2, 4 and 5: counts rounded or c, percentages from
 * the unrounded counts (c when a count or its complement is small), means
 * and medians when the set has min_n children, a binary row's SMD c when
 * any count or complement in any set is small. */
int rp_table1_build(rp_table1 **out, rp_arena *a, const struct ll_table1 *src, const ll_sdc *s,
                    ll_error *err);

/* Participant flow. */
struct rp_flow {
    size_t n;
    const ll_flow_row *row;   /* borrowed */
    long *pub;                /* per row: the published count, -1 for c */
};
/* Rounds the flow (rule 1) so that a stage's line adds up where it holds
 * no c (flow.c says why). */
int rp_flow_build(rp_flow **out, rp_arena *a, const ll_flow *f, const ll_sdc *s, ll_error *err);
/* The published text of (stage, reason, group): "c", the count, or "". */
const char *rp_flow_text(rp_arena *a, const rp_flow *fl, const char *stage, const char *reason,
                         ll_group g);
/* The count of (stage, reason, group), or -1. */
long rp_flow_count(const rp_flow *fl, const char *stage, const char *reason, ll_group g);

/* Cost figures that may be shown (rule 6: money is never withheld for a
 * small component; the homelessness term only where rule 3 shows the
 * difference in homelessness; the effects as their estimates are). */
typedef struct rp_costview {
    int moves_hidden;    /* the placement effects (rule 4) */
    int homeless_hidden; /* the homelessness difference (rule 3) */
} rp_costview;
void rp_costview_build(rp_costview *out, const rp_view *v);
/* 1 when the tornado input (its static name) can be shown. */
int rp_tornado_shown(const rp_costview *cv, const char *input);
const char *rp_cost_input_label(rp_arena *a, const char *input);

void rp_section_headline(rp_ctx *c);
void rp_balance_warning(rp_ctx *c);
/* Rule 5: 1 when covariate j's SMD and variance ratio before (after = 0)
 * or after matching may be shown. */
int rp_balance_shown(const rp_ctx *c, size_t j, int after);
/* Covariate j's SMD as published: a continuous covariate's as computed; a
 * binary one's computed the same way (SPEC 5) from the published, rounded
 * counts, since an SMD of the exact counts, even to 2 decimals, gives them
 * back beside a large comparison pool. */
double rp_balance_smd(const rp_ctx *c, size_t j, int after);
/* Table 1's SMD column for binary characteristics as rp_balance_smd. */
void rp_table1_smds(rp_ctx *c);
void rp_sample_sizes_register(rp_ctx *c);
void rp_section_trust(rp_ctx *c);
int rp_section_flow(rp_ctx *c, ll_error *err);
int rp_section_comparison(rp_ctx *c, ll_error *err);
int rp_section_outcomes(rp_ctx *c, ll_error *err);
int rp_section_costs(rp_ctx *c, ll_error *err);
void rp_section_methods(rp_ctx *c);

/* publish/ */
int rp_publish(const rp_ctx *c, const char *dir, ll_error *err);

/* Reads a whole file into the arena (NUL-terminated); NULL when it cannot. */
char *rp_read_file(rp_arena *a, const char *path, size_t *len);

#endif
