/* The sections of the report and the state they share while the report
 * is built (report/report.c). */
#ifndef LLEVAL_REPORT_SECTIONS_H
#define LLEVAL_REPORT_SECTIONS_H

#include "charts.h"
#include "disclosure.h"
#include "doc.h"

#include "lleval/match.h"

/* What the sections share while the report is built: the document, the
 * input, the disclosure-controlled views and the register of counts. */
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
    rp_cells cells;
    /* Sample sizes (rows treated, comparison; columns all, matched,
     * unmatched) and their register cells; ss_cols 0 when not built. */
    long ss[6];
    size_t ss_cell[6];
    unsigned char ss_flag[6];
    int ss_cols;
};

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

#endif
