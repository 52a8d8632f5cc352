/* The document model that the HTML and Markdown renderers share, its
 * renderers, and the formatting of numbers and labels in its text. */
#ifndef LLEVAL_REPORT_DOC_H
#define LLEVAL_REPORT_DOC_H

#include "arena.h"

#include "lleval/error.h"

#include <stdio.h>


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


/* ---- formatting --------------------------------------------------------- */

/* Every displayed figure rounds half away from zero (SPEC 8, lleval/sdc.h). */
char *rp_pct(rp_arena *a, double p);                 /* whole percentage: "74%" */
char *rp_pct_ci(rp_arena *a, double lo, double hi);  /* "66% to 81%" */
char *rp_num(rp_arena *a, double x);                 /* rule 4: "1.34", "123"; "" for NAN */
char *rp_money(rp_arena *a, double x);               /* rule 6: "£2.2m", "-£800" */
char *rp_pvalue(rp_arena *a, double p);              /* "0.002", "< 0.001" */

/* A code and the words the report shows for it; a table of them ends
 * with {NULL, NULL}. */
typedef struct rp_label {
    const char *code, *label;
} rp_label;
/* The label of code in the table L; dflt when it is not there. */
const char *rp_label_find(const rp_label *L, const char *code, const char *dflt);

/* Human names. */
const char *rp_stage_label(const char *stage);
const char *rp_reason_label(const char *reason);
const char *rp_estimand_label(const char *estimand); /* "Risk difference" ... */
/* The method's reference ("Wilson (1927), ..."); "" for an unknown one. */
const char *rp_estimand_reference(const char *estimand);
/* A tornado input or cost item ("Cost of a placement move", "Weeks in
 * residential care (effect)" ...). */
const char *rp_cost_input_label(rp_arena *a, const char *input);
const char *rp_cov_label(size_t j);
const char *rp_design_words(const char *design); /* "a matched comparison group" ... */


#endif
