/* Outputs of `lleval evaluate` beyond the analysis dataset: provenance
 * (run.json, SPEC 8) and helpers shared by the output writers. */
#ifndef LLEVAL_REPORT_H
#define LLEVAL_REPORT_H

#include "lleval/config.h"
#include "lleval/derive.h"
#include "lleval/error.h"

#include <stdio.h>
#include <time.h>

/* One input file as the database's files table records it. */
typedef struct ll_input_file {
    char *path, *kind, *la, *sha256, *ingested_at;
    int year; /* -1: none (a programme file) */
    long long n_read, n_stored, n_duplicates, n_quarantined;
} ll_input_file;

/* One local authority and the end date of its data (LL_NA: none). */
typedef struct ll_la_end {
    const char *la; /* borrowed */
    long end;
} ll_la_end;

/* Provenance: what run.json records besides the configuration, and what
 * the report's Methods section shows of it.  Built by the pipeline. */
typedef struct ll_run_info {
    int argc;
    char **argv;          /* the command line, borrowed */
    time_t started;
    const char *design;   /* "explicit", "match" or "none" */
    const char *db_path;
    unsigned long seed;   /* the Monte Carlo seed */
    ll_input_file *inputs; /* the pipeline's (evaluate frees them) */
    size_t n_inputs;
    ll_la_end *ends;       /* every la of the data in order */
    size_t n_ends;
    long long n_rec_set_aside; /* episodes stored open with their REC set aside (SPEC 2.6) */
} ll_run_info;

/* "YYYY-MM-DDTHH:MM:SSZ" of info->started in buf (at least 32 bytes). */
void ll_run_info_time(char *buf, size_t size, const ll_run_info *info);

/* Writes DIR/run.json: program version, command line, configuration (every
 * key with its value and source), input files (path, kind, la, year,
 * SHA-256, counts), the seeds, the data end date per la and the time of
 * the run.  Errors: LL_EIO. */
int ll_report_write_run_json(const char *path, const ll_run_info *info, const ll_config *cfg,
                             ll_error *err);

struct ll_estimates;
struct ll_balance;
struct ll_table1;
struct ll_match;
struct ll_costs_result;

/* Everything the published report shows, finished and borrowed from the
 * pipeline: the report computes no statistic and reads no file.  Pointers
 * may be NULL where the design has no such output (match, balance and
 * Table 1 without a comparison group; costs when they could not be
 * computed; run when there is no provenance). */
typedef struct ll_report_input {
    const ll_config *cfg;          /* report.min_cell, and the configuration shown */
    const char *design;            /* "explicit", "match" or "none" */
    const ll_run_info *run;        /* provenance: la codes, data end dates, inputs */
    const ll_flow *flow;           /* participant flow (flow.csv rows) */
    const struct ll_estimates *est;      /* estimates.csv rows in SPEC 6 order, with the
                                          * cohort counts and Kaplan-Meier curves */
    const struct ll_balance *balance;    /* NULL: no balance section */
    const struct ll_table1 *table1;      /* NULL: no Table 1 */
    const struct ll_match *match;        /* NULL unless matched */
    const struct ll_costs_result *costs; /* NULL when not computed */
    const char *gnuplot;           /* the gnuplot program: NULL looks for "gnuplot" on
                                    * PATH; a name with a slash is used as it is */
} ll_report_input;

/* Writes DIR/report.html (one self-contained page: inline SVG charts, no
 * external references; polyglot markup that also parses as XML),
 * DIR/report.md, DIR/charts/<name>.{gp,dat,svg,png} and the CSV tables of
 * DIR/publish (estimates, flow, sample_sizes, table1, balance,
 * costs_summary), applying the disclosure control of SPEC 8 to all of them.
 * gnuplot is run as an external program (fork and exec, no shell) in
 * DIR/charts; when it cannot be found the scripts and data are still
 * written, the report says the charts were not drawn and a notice goes to
 * log (may be NULL); a chart that gnuplot fails on is reported the same
 * way.  Errors: LL_EIO (naming the file), LL_ENOMEM, LL_EINPUT (in,
 * in->cfg, in->est or in->flow NULL). */
int ll_report_write(const char *dir, const ll_report_input *in, FILE *log, ll_error *err);

/* ---- disclosure control (SPEC 8) ----------------------------------------- */

/* A cell's state after disclosure control. */
#define LL_SDC_SHOWN 0
#define LL_SDC_PRIMARY 1   /* a count from 1 to min_cell */
#define LL_SDC_SECONDARY 2 /* hidden so that a primary cell cannot be recovered */

/* One row or column of a table with a total: n member cells (indices into
 * the table's cells, in reading order) and the cell holding their total. */
typedef struct ll_sdc_line {
    const size_t *cells;
    size_t n;
    size_t total;
} ll_sdc_line;

/* Disclosure control of SPEC 8 over n_cells counts value[] tied by the
 * lines.  flag[] (n_cells, in and out) starts as LL_SDC_SHOWN or a flag the
 * caller already set.  Every shown cell from 1 to min_cell becomes
 * LL_SDC_PRIMARY (0 never is); then, while a line has exactly one hidden
 * cell among its members and its total, its smallest non-zero shown member
 * (the first in the line's order on ties), or its total when there is
 * none, becomes LL_SDC_SECONDARY.  The lines are swept in order until a
 * sweep changes nothing.  Returns the number of secondary suppressions.
 * Cell indices must be < n_cells. */
size_t ll_report_suppress(unsigned char *flag, const long *value, size_t n_cells,
                          const ll_sdc_line *lines, size_t n_lines, int min_cell);

/* ll_report_suppress over a row-major nrow x ncol grid: with row_totals
 * the last column holds each row's total, with col_totals the last row
 * each column's total (with both, the corner is the grand total of the
 * total row and of the total column).  The lines are the rows, then the
 * columns, so reading order is row-major.  Returns the number of secondary
 * suppressions, or (size_t)-1 when out of memory (the flags are then the
 * primary ones only). */
size_t ll_report_suppress_grid(unsigned char *flag, const long *value, size_t nrow, size_t ncol,
                               int row_totals, int col_totals, int min_cell);

/* Writes s as a JSON string literal (with quotes) to f. */
void ll_report_json_string(FILE *f, const char *s);

#endif
