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

/* The SDQ measurement times (sdq_0 .. sdq_3) and bands of SPEC 6, as the
 * estimates' terms name them: "baseline", "year1", ...; "normal",
 * "borderline", "high" (a band term is "<band>@<time>"). */
#define LL_SDQ_NTIMES 4
#define LL_SDQ_NBANDS 3
const char *ll_sdq_time_name(int k);
const char *ll_sdq_band_name(int b);
/* The band (0 normal, 1 borderline, 2 high) of a total difficulties score
 * as informant reports it (Goodman 1997). */
int ll_sdq_band_of(double score, int informant);

typedef struct ll_est_options {
    int has_comparison; /* 0: single-group (comparison = none) */
    int sdq_informant;  /* LL_SDQ_* */
} ll_est_options;

#define LL_EST_TEXT 48
#define LL_EST_METHOD 640

/* Typed keys of a row: its outcome, estimand and group as enums, so that
 * a reader finds rows without comparing strings.  Names SPEC 6 does not
 * list map to the _OTHER values. */
typedef enum {
    LL_OUTCOME_STABLE_12M, LL_OUTCOME_HOMELESS_EVER, LL_OUTCOME_PLACEMENTS, LL_OUTCOME_SDQ,
    LL_OUTCOME_IDENTITY_IMPROVED, LL_OUTCOME_CONNECTIONS, LL_OUTCOME_HOMELESSNESS,
    LL_OUTCOME_OTHER
} ll_outcome_id;

typedef enum {
    LL_ESTIMAND_PROPORTION, LL_ESTIMAND_RISK_DIFFERENCE, LL_ESTIMAND_RISK_RATIO,
    LL_ESTIMAND_E_VALUE, LL_ESTIMAND_ODDS_RATIO, LL_ESTIMAND_ADJUSTED_ODDS_RATIO,
    LL_ESTIMAND_MDE, LL_ESTIMAND_MEAN, LL_ESTIMAND_MEAN_CHANGE,
    LL_ESTIMAND_DIFFERENCE_IN_DIFFERENCES, LL_ESTIMAND_MIXED_MODEL,
    LL_ESTIMAND_BAND_PROPORTION, LL_ESTIMAND_MEDIAN, LL_ESTIMAND_WILCOXON_SIGNED_RANK,
    LL_ESTIMAND_KM_SURVIVAL, LL_ESTIMAND_LOG_RANK, LL_ESTIMAND_HAZARD_RATIO,
    LL_ESTIMAND_ADJUSTED_RISK_DIFFERENCE, LL_ESTIMAND_ADJUSTED_DIFFERENCE,
    LL_ESTIMAND_ADJUSTED_E_VALUE, LL_ESTIMAND_SUBGROUP_RISK_DIFFERENCE,
    LL_ESTIMAND_INTERACTION,
    LL_ESTIMAND_OTHER
} ll_estimand_id;

typedef enum {
    LL_EGROUP_TREATED, LL_EGROUP_COMPARISON, LL_EGROUP_CONTRAST, /* "treated-comparison" */
    LL_EGROUP_OTHER,
    LL_EGROUP_ANY /* in a lookup: any group */
} ll_egroup_id;

typedef struct ll_est_key {
    ll_outcome_id outcome;
    ll_estimand_id estimand;
    ll_egroup_id group;
} ll_est_key;

/* The key of the row named outcome / estimand / group. */
ll_est_key ll_est_key_of(const char *outcome, const char *estimand, const char *group);
/* The name of an outcome, estimand or group id ("" for _OTHER). */
const char *ll_outcome_name(ll_outcome_id o);
const char *ll_estimand_name(ll_estimand_id e);
const char *ll_egroup_name(ll_egroup_id g);

/* One row of estimates.csv.  events < 0 and NAN numbers print empty. */
typedef struct ll_estimate {
    char outcome[LL_EST_TEXT], estimand[LL_EST_TEXT], group[LL_EST_TEXT], term[LL_EST_TEXT];
    long n, events;
    double estimate, std_error, statistic, p_value, conf_low, conf_high;
    char method[LL_EST_METHOD];
    ll_est_key key; /* the typed outcome, estimand and group */
} ll_estimate;

/* Ages at which the care leavers' Kaplan-Meier survival is reported
 * (SPEC 6): LL_KM_AGE_FIRST .. LL_KM_AGE_FIRST + LL_KM_N_AGES - 1. */
#define LL_KM_AGE_FIRST 18
#define LL_KM_N_AGES 4

/* One group's Kaplan-Meier curve of the care leavers' age at homelessness
 * (the chart series of the report), with the numbers at risk. */
typedef struct ll_est_curve {
    size_t n;            /* care leavers; 0: no curve (the arrays are NULL) */
    size_t n_times;      /* distinct observed ages */
    double *time, *surv; /* n_times ascending ages and S there */
    size_t *n_risk, *n_event;
    long risk_at[LL_KM_N_AGES]; /* number at risk at each reported age; -1: none */
} ll_est_curve;

/* Counts of the section 6 cohort that the rows do not carry, and the
 * Kaplan-Meier curves: everything else the report shows.  Index 0 is the
 * treated group, 1 the comparison group (all 0 without one). */
typedef struct ll_est_summary {
    size_t n[2];            /* cohort children */
    size_t sdq_children[2]; /* with any SDQ score (baseline or years 1-3) */
    size_t leavers[2];      /* care leavers (homeless_time not NA) */
    size_t leaver_events[2]; /* of them homeless (homeless_event = 1) */
    /* The subgroup rows' counts (SPEC 6 "Subgroups"), for disclosure
     * control: children with stable_12m known and of them stable, by
     * variable (age, sex, placement, legal), level (SPEC order) and group. */
    long sub_n[4][4][2], sub_x[4][4][2];
    ll_est_curve km[2];
} ll_est_summary;

typedef struct ll_estimates {
    ll_estimate *rows;
    size_t n, cap;
    ll_est_summary summary;
} ll_estimates;

/* Computes every row of SPEC section 6 for the n children c.  On success
 * *out is a new table the caller frees with ll_estimates_free.  Degenerate
 * cohorts (no children, one child, no comparison group, no care leavers, no
 * SDQ) are not errors: their rows carry the reason.  Errors: LL_ENOMEM,
 * LL_EINTERNAL (an unexpected status from a statistics routine, in err). */
int ll_estimate_all(ll_estimates **out, const ll_est_child *c, size_t n,
                    const ll_est_options *opt, ll_error *err);

/* The number of section 5's covariates with their dummies. */
#define LL_EST_X_COLS 21

/* Section 5's covariates of c in SPEC 6's column order (which decides
 * aliasing) into out (LL_EST_X_COLS values): the design row of the
 * propensity model of the adjusted effects and of the cost placements.
 * Returns 0 when one is NA (the row is not fitted), 1 otherwise. */
int ll_estimate_covariates(double *out, const ll_est_child *c);

/* Fills *out with the cohort counts and Kaplan-Meier curves of the n
 * children c (the comparison group only when opt->has_comparison); the
 * caller releases it with ll_est_summary_clear (ll_estimates_free does for
 * the table's own).  Errors: LL_ENOMEM, LL_EINTERNAL (a failed fit); *out
 * is then cleared. */
int ll_estimate_summary(ll_est_summary *out, const ll_est_child *c, size_t n,
                        const ll_est_options *opt, ll_error *err);

/* Frees the curves of s and zeroes it; NULL is a no-op. */
void ll_est_summary_clear(ll_est_summary *s);

/* Frees t (its rows and summary); NULL is a no-op. */
void ll_estimates_free(ll_estimates *t);

/* Writes t as CSV with the header of SPEC section 6; numbers in the
 * shortest form that reads back to the same double.  Returns 0 or LL_EIO. */
int ll_estimate_write_csv(FILE *f, const ll_estimates *t);

#endif
