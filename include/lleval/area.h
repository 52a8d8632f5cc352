/* The area-level design of SPEC 11 (`lleval area`): did the authorities that
 * ran a programme do better, on the figures the DfE publishes for every
 * authority each year?  Reads a series from DfE open-data CSV files,
 * estimates the group-time effects of Callaway & Sant'Anna (2021) against
 * never-treated authorities, their overall and event-time aggregates with
 * standard errors clustered by authority, randomization inference for the
 * overall effect, and writes area_estimates.csv and area_report.html.
 *
 * Data flow: ll_area_panel_read -> ll_area_programme_read ->
 * ll_area_assign -> ll_area_estimate -> ll_area_write_csv /
 * ll_area_write_report; ll_area_run does all of it from a configuration. */
#ifndef LLEVAL_AREA_H
#define LLEVAL_AREA_H

#include "lleval/config.h"
#include "lleval/error.h"

#include <stddef.h>
#include <stdio.h>

/* One series: authorities by year.  Units are the codes with a value in
 * at least one year, sorted bytewise; years are the years in which at
 * least one authority has a value, ascending. */
typedef struct ll_area_panel {
    size_t nunits, nyears;
    char **code;     /* new_la_code of each unit */
    char **name;     /* la_name of the unit's latest row ("" when absent) */
    int *year;       /* the series' years */
    double *y;       /* y[u * nyears + k]: unit u in year[k]; NAN when missing */
    size_t nfiles;   /* files read */
    size_t nrows;    /* Local authority rows of the series read (all files) */
} ll_area_panel;

/* Reads the series picked by filter ("col = value; col = value", may be
 * empty) and the value column from the DfE open-data files (SPEC 11): only
 * geographic_level "Local authority" rows; time_period YYYY or YYYYZZ;
 * the DfE's symbols and empty are missing; any other non-number is missing
 * with a notice to log (may be NULL) naming the first.  A (code, year) in
 * two files: the later file wins, with a notice.  Errors (LL_EINPUT, the
 * message names the file, line or column): a file that cannot be read or
 * is not CSV, a missing column (time_period, geographic_level,
 * new_la_code, a filter column, the value column), a malformed filter, a
 * filter that matches no Local authority row (naming the first condition
 * that matches none, with values found), a bad time_period, two rows for
 * one (code, year) in one file, a series with no value at all; LL_ENOMEM.
 * *out is the caller's, freed with ll_area_panel_free. */
int ll_area_panel_read(ll_area_panel **out, const char *const *files, size_t nfiles,
                       const char *filter, const char *value, FILE *log, ll_error *err);

/* Frees p; NULL is a no-op. */
void ll_area_panel_free(ll_area_panel *p);

/* The programme list: authorities and their start years (the first
 * collection year in which the programme ran for the whole year). */
typedef struct ll_area_programme {
    size_t n;
    char **code;
    int *start;
    long *line;      /* the line of each row in the file */
} ll_area_programme;

/* Reads a CSV `new_la_code,start_year` (columns matched case-insensitively,
 * others ignored).  Errors (LL_EINPUT naming file and line): unreadable or
 * not CSV, a missing column, an empty code, a start_year that is not a
 * year, a code listed twice, no row.  *out freed with
 * ll_area_programme_free. */
int ll_area_programme_read(ll_area_programme **out, const char *path, ll_error *err);

/* Frees p; NULL is a no-op. */
void ll_area_programme_free(ll_area_programme *p);

/* Gives each unit of the panel its start year (0: never treated) in
 * *out (an array of p->nunits ints, the caller's to free()).  Errors
 * (LL_EINPUT, naming the code, `name` standing for the programme file): a
 * code not among the series' authorities, a start year not after the
 * series' first year or after its last; LL_ENOMEM. */
int ll_area_assign(int **out, const ll_area_panel *p, const ll_area_programme *prog,
                   const char *name, ll_error *err);

/* The estimands of area_estimates.csv. */
typedef enum { LL_AREA_ATT_GT, LL_AREA_EVENT, LL_AREA_OVERALL } ll_area_estimand;

/* One row of area_estimates.csv.  Numbers are NAN where the CSV is empty. */
typedef struct ll_area_row {
    ll_area_estimand estimand;
    int group, time, base, event; /* att_gt: all four; event: event; else 0 */
    int computable;
    size_t n_treated, n_comparison;
    double estimate, std_error, statistic, p_value, conf_low, conf_high, ri_p_value;
    char note[160];
} ll_area_row;

typedef struct ll_area_result {
    size_t nrows;
    ll_area_row *rows;  /* att_gt by group then time, event by event, overall */
    size_t ngroups;
    int *group;         /* start years, ascending */
    int *base;          /* b_g of each group */
    size_t *group_n;    /* authorities in each group */
    long ri_draws;      /* draws asked for */
    long ri_used;       /* draws whose overall was computable */
} ll_area_result;

/* Estimates every row of SPEC 11 from the panel and the start years
 * (start[u] for unit u, 0 never treated), with ri_draws randomization draws
 * seeded with seed (gsl_rng_mt19937).  Errors: LL_EINPUT when no unit is
 * treated or a start year has no earlier series year, LL_ENOMEM.  *out
 * freed with ll_area_result_free. */
int ll_area_estimate(ll_area_result **out, const ll_area_panel *p, const int *start,
                     long ri_draws, unsigned long seed, ll_error *err);

/* Frees r; NULL is a no-op. */
void ll_area_result_free(ll_area_result *r);

/* Writes area_estimates.csv (SPEC 11 columns, full precision) to path.
 * Errors: LL_EIO. */
int ll_area_write_csv(const char *path, const char *outcome, const ll_area_result *r,
                      ll_error *err);

/* What the report shows besides the estimates. */
typedef struct ll_area_report_input {
    const ll_area_panel *panel;
    const int *start;             /* per unit, as for ll_area_estimate */
    const ll_area_result *res;
    const char *outcome;
    const char *value;            /* the value column */
    const char *filter;
    const char *const *files;     /* the data files, as given */
    size_t nfiles;
    int lower_is_better;
    unsigned long seed;
    const char *gnuplot;          /* NULL: "gnuplot" on PATH; "": do not draw */
} ll_area_report_input;

/* Writes DIR/area_report.html (self-contained: charts inlined as SVG) and
 * DIR/area_charts/<name>.{gp,dat,svg}.  gnuplot runs as an external program
 * (fork and exec, no shell); when it is absent or fails, the scripts and
 * data are still written and the page says the chart was not drawn (and a
 * notice goes to log, which may be NULL).  Errors: LL_EIO, LL_ENOMEM. */
int ll_area_write_report(const char *dir, const ll_area_report_input *in, FILE *log,
                         ll_error *err);

/* Everything `lleval area` does: reads cfg's [area] section (paths
 * relative to the configuration file's folder), writes DIR's outputs.
 * Notices go to log (may be NULL).  Errors: LL_EINPUT for anything the
 * user can fix (a key not set, every error above), LL_EIO when DIR cannot
 * be written, LL_ENOMEM. */
int ll_area_run(const ll_config *cfg, const char *dir, const char *gnuplot, FILE *log,
                ll_error *err);

#endif
