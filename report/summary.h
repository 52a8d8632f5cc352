/* The summary page for managers and funders (report/summary.c) and the
 * programme starts by financial year (report/starts.c), SPEC 8 "The summary
 * page".  Both render what evaluate hands them (the estimates view, the
 * costs, in->starts, in->dq, in->run's inputs, the flow) under the
 * disclosure rules of lleval/sdc.h. */
#ifndef LLEVAL_REPORT_SUMMARY_H
#define LLEVAL_REPORT_SUMMARY_H

#include "sections.h"

/* Maryland Scientific Methods Scale level of the run (2 or 3, SPEC 8) and
 * the one-sentence reason, allocated in c's arena. */
typedef struct rp_smms {
    int level;
    const char *reason;
} rp_smms;
void rp_summary_level(rp_smms *out, rp_ctx *c);

/* The summary page: four questions (did it work, for whom, what did it
 * save, how sure are we), placed at the top of the report.  It refers to
 * the subgroup forest plot that section 4 draws later. */
void rp_section_summary(rp_ctx *c);
/* After the whole document is built: the forest plot appears once, in the
 * summary; section 4's copy becomes a pointer to it. */
void rp_summary_finish(rp_ctx *c);

/* Programme starts by financial year from in->starts: rp_section_starts
 * shows the table and the chart (charts/starts.*); rp_starts_publish
 * writes publish/starts.csv.  Each count is c or rounded on its own (rule
 * 1), the stability proportion follows rule 2.  Errors: LL_ENOMEM, LL_EIO
 * naming the file. */
int rp_section_starts(rp_ctx *c, ll_error *err);
int rp_starts_publish(const rp_ctx *c, const char *dir, ll_error *err);

#endif
