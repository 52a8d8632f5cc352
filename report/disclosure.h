/* Disclosure control (SPEC 8) as the report applies it: the register of
 * published counts and its lines, the disclosure-controlled views of the
 * estimates, the participant flow, Table 1 and the costs, and the
 * published tables of publish/. */
#ifndef LLEVAL_REPORT_DISCLOSURE_H
#define LLEVAL_REPORT_DISCLOSURE_H

#include "arena.h"

#include "lleval/balance.h"
#include "lleval/costs.h"
#include "lleval/estimate.h"
#include "lleval/report.h"

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
    /* Care leavers at risk at the reported ages by group (-1: none) and their
     * cells: a chain from the group's care leavers, so that the children
     * leaving the risk set between two ages cannot be worked out. */
    long risk[2][LL_KM_N_AGES];
    size_t risk_cell[2][LL_KM_N_AGES];
} rp_view;

/* Registers the estimates' counts (linking them to the flow's), before the
 * run; rp_view_finish reads the flags after it. */
int rp_view_build(rp_view *v, const ll_report_input *in, rp_cells *cells,
                  const rp_flow *flow, rp_arena *a);
void rp_view_finish(rp_view *v);

/* The estimates group of group index g (0 treated, 1 comparison). */
static inline ll_egroup_id rp_egroup(int g)
{
    return g ? LL_EGROUP_COMPARISON : LL_EGROUP_TREATED;
}

/* The row of outcome/estimand/group (LL_EGROUP_ANY: any) and term (NULL:
 * empty), or NULL. */
const rp_est *rp_find(const rp_view *v, ll_outcome_id outcome, ll_estimand_id estimand,
                      ll_egroup_id group, const char *term);
/* rp_find with the enum names' prefixes left off:
 * RP_FIND(v, STABLE_12M, PROPORTION, TREATED, NULL). */
#define RP_FIND(v, outcome, estimand, group, term)                                         \
    rp_find((v), LL_OUTCOME_##outcome, LL_ESTIMAND_##estimand, LL_EGROUP_##group, (term))

/* 1 when the row is present, computable (estimate not NAN) and not hidden. */
int rp_shown(const rp_est *r);

/* Count text: "c" when hidden, else the number, wrapped in number markers. */
char *rp_count(rp_arena *a, long n, int hidden);
char *rp_count_plain(rp_arena *a, long n, int hidden);

/* "est (lo to hi)" for a row, as percentages (pct = 1) or numbers. */
char *rp_est_ci(rp_arena *a, const rp_est *r, int pct, int digits);

/* Table 1, suppressed. */
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
/* Copies compare's table and registers its counts (and links each set's N
 * to the flow count it equals); rp_table1_finish applies the flags. */
int rp_table1_build(rp_table1 **out, rp_arena *a, const struct ll_table1 *src, rp_cells *cells,
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

/* publish/: the report's tables as CSV, after disclosure control. */
typedef struct rp_ctx rp_ctx;
int rp_publish(const rp_ctx *c, const char *dir, ll_error *err);

#endif
