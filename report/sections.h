/* The sections of the report and the state they share while the report
 * is built (report/report.c). */
#ifndef LLEVAL_REPORT_SECTIONS_H
#define LLEVAL_REPORT_SECTIONS_H

#include "charts.h"
#include "disclosure.h"
#include "doc.h"

#include "lleval/match.h"

/* What the sections share while the report is built: the document, the
 * input and the disclosure-controlled views. */
struct rp_ctx {
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
};

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
void rp_section_strobe(rp_ctx *c); /* report/strobe.c, from the methods section */

#endif
