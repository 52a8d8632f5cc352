/* Estimates: every outcome of the evaluation with its method (SPEC section 6),
 * as rows of secure/estimates.csv.
 *
 * The input is the analysis cohort (eligible children; in a matched design
 * only the matched ones), one ll_est_child per child, with NAN for NA.  The
 * output rows are in exactly the order SPEC section 6 fixes.  A row that
 * cannot be computed is still produced, with its numbers NAN and the reason
 * in `method`. */
#ifndef LLEVAL_ESTIMATE_H
#define LLEVAL_ESTIMATE_H

#include "lleval/config.h"
#include "lleval/derive.h"
#include "lleval/error.h"

#include <stddef.h>
#include <stdio.h>

/* One child of the cohort: the columns of the analysis dataset that the
 * estimates use.  NAN means NA. */
typedef struct ll_est_child {
    int treated; /* 1 treated, 0 comparison */
    double age_years, male, years_in_care, prior_placements, years_in_placement;
    double placements_before;
    ll_placement_group placement_group;
    ll_legal_group legal_group;
    ll_ethnic_group ethnic_group;
    double uasc, cin_n1;
    double stable_12m, placements_after;
    double weeks_after[LL_PG_N];
    double weeks_before[LL_PG_N]; /* weeks_<g>_before (section 7's outcome models) */
    double sdq[4]; /* sdq_0 .. sdq_3 */
    double identity_improved, connections_before, connections_after;
    double homeless_ever, homeless_time, homeless_event;
} ll_est_child;

/* SDQ informant, for the band thresholds (SPEC 6). */
enum { LL_SDQ_CARER, LL_SDQ_TEACHER, LL_SDQ_SELF };

typedef struct ll_est_options {
    int has_comparison; /* 0: single-group (comparison = none) */
    int sdq_informant;  /* LL_SDQ_* */
} ll_est_options;

#define LL_EST_TEXT 48
#define LL_EST_METHOD 640

/* One row of estimates.csv.  events < 0 and NAN numbers print empty. */
typedef struct ll_estimate {
    char outcome[LL_EST_TEXT], estimand[LL_EST_TEXT], group[LL_EST_TEXT], term[LL_EST_TEXT];
    long n, events;
    double estimate, std_error, statistic, p_value, conf_low, conf_high;
    char method[LL_EST_METHOD];
} ll_estimate;

typedef struct ll_estimates {
    ll_estimate *rows;
    size_t n, cap;
} ll_estimates;

/* Computes every row of SPEC section 6 for the n children c.  On success
 * *out is a new table the caller frees with ll_estimates_free.  Degenerate
 * cohorts (no children, one child, no comparison group, no care leavers, no
 * SDQ) are not errors: their rows carry the reason.  Errors: LL_ENOMEM,
 * LL_EINTERNAL (an unexpected status from a statistics routine, in err). */
int ll_estimate_all(ll_estimates **out, const ll_est_child *c, size_t n,
                    const ll_est_options *opt, ll_error *err);

/* Frees t; NULL is a no-op. */
void ll_estimates_free(ll_estimates *t);

/* Writes t as CSV with the header of SPEC section 6; numbers in the
 * shortest form that reads back to the same double.  Returns 0 or LL_EIO. */
int ll_estimate_write_csv(FILE *f, const ll_estimates *t);

#endif
