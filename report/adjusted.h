/* The report's adjusted and subgroup figures (report/adjusted.c): the
 * headline stability figure (adjusted difference with the crude one beside
 * it), the effective-sample-size warning, the E-value rows to use, the
 * exploratory subgroup table and forest plot, and their disclosure
 * control. */
#ifndef LLEVAL_REPORT_ADJUSTED_H
#define LLEVAL_REPORT_ADJUSTED_H

#include "sections.h"

/* The two-group headline paragraph on placement stability. */
void rp_adjusted_headline(rp_ctx *c);

/* The trust-section warning when the comparison weights' effective sample
 * size is below 50 or below a quarter of the comparison rows (SPEC 6);
 * nothing otherwise. */
void rp_adjusted_ess_warning(rp_ctx *c);

/* The E-value rows the report's sentence uses: the adjusted ones when
 * shown (*adjusted = 1), else the crude ones. */
void rp_adjusted_evalue_rows(const rp_ctx *c, const rp_est **point, const rp_est **limit,
                             int *adjusted);

/* Section 4.1's exploratory subgroup paragraph, forest plot
 * (charts/subgroups.*) and table; nothing without a comparison group. */
int rp_adjusted_subgroups(rp_ctx *c, ll_error *err);

/* 1 for the rows that the subgroup table shows instead of Table 4.1. */
int rp_adjusted_is_subgroup_row(const ll_estimate *e);

/* Disclosure control of the subgroup rows: each level's counts by group
 * (a figure is withheld when one of them is 1 to min_cell) and the levels'
 * children adding up to the rows of the interaction test.  Called while
 * the view registers its counts. */
void rp_adjusted_view(rp_view *v);

#endif
