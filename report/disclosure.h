/* Disclosure control (SPEC 8) as the report applies it: the
 * disclosure-controlled views of the estimates, the participant flow,
 * Table 1 and the costs, and the published tables of publish/.  The rules
 * themselves are the pure functions of lleval/sdc.h (sdc/sdc.c): each
 * count c or rounded on its own, each figure decided from the counts it
 * rests on; there is no secondary suppression. */
#ifndef LLEVAL_REPORT_DISCLOSURE_H
#define LLEVAL_REPORT_DISCLOSURE_H

#include "arena.h"

#include "lleval/balance.h"
#include "lleval/costs.h"
#include "lleval/estimate.h"
#include "lleval/report.h"
#include "lleval/sdc.h"

typedef struct rp_flow rp_flow;

/* 1 when 1 <= n <= min_cell. */
int rp_small(long n, int min_cell);

/* The report's view of one estimates row after disclosure control (rules
 * 1-4: each figure decided from the counts it rests on, on its own). */
typedef struct rp_est {
    const ll_estimate *e;        /* a shown proportion: a copy with the figures of its
                                  * published counts (view.c) */
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
/* Rule 8: 1 when every group of the outcome has at least min_n children
 * with it known; 0 also when the outcome has no rows. */
int rp_outcome_reportable(const rp_view *v, ll_outcome_id outcome);

/* Rule 8's sentence for care leavers, and the words that explain the rules
 * (min_cell, rounding, min_n). */
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

/* "est (lo to hi)" for a row, as percentages (pct = 1) or numbers. */
char *rp_est_ci(rp_arena *a, const rp_est *r, int pct);

/* Table 1 under rules 1, 2, 4 and 5: counts rounded or c, percentages of
 * the published counts (c when a count or its complement is small), means
 * and medians when the set has min_n children, a binary row's SMD c when
 * any count or complement in any set is small. */
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
/* The count of (stage, reason, group), or -1. */
long rp_flow_count(const rp_flow *fl, const char *stage, const char *reason, ll_group g);
/* The published text of (stage, reason, group): "c", the count, or "". */
const char *rp_flow_text(rp_arena *a, const rp_flow *fl, const char *stage, const char *reason,
                         ll_group g);

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

/* publish/: the report's tables as CSV, after disclosure control. */
typedef struct rp_ctx rp_ctx;
int rp_publish(const rp_ctx *c, const char *dir, ll_error *err);

#endif
