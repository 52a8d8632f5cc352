/* Outputs of `lleval evaluate` beyond the analysis dataset: provenance
 * (run.json, SPEC 8) and helpers shared by the output writers. */
#ifndef LLEVAL_REPORT_H
#define LLEVAL_REPORT_H

#include "lleval/config.h"
#include "lleval/derive.h"
#include "lleval/error.h"

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

/* What run.json records besides the configuration and the inputs. */
typedef struct ll_run_info {
    int argc;
    char **argv;          /* the command line, borrowed */
    time_t started;
    const char *design;   /* "explicit", "match" or "none" */
    const char *db_path;
} ll_run_info;

/* Writes DIR/run.json: program version, command line, configuration (every
 * key with its value and source), input files (path, kind, la, year,
 * SHA-256, counts) from the database's files table, the seeds, the data end
 * date per la and the time of the run.  Errors: LL_EIO, LL_EDB. */
int ll_report_write_run_json(const char *path, const ll_run_info *info, sqlite3 *db,
                             const ll_config *cfg, const ll_derive_data *d, ll_error *err);

/* Everything the published report shows, borrowed from the pipeline.
 * Pointers may be NULL where the design has no such output (match and
 * balance without a comparison group; costs when they could not be
 * computed). */
typedef struct ll_report_input {
    const ll_config *cfg;          /* report.min_cell, and the configuration shown */
    const char *design;            /* "explicit", "match" or "none" */
    const ll_derive_data *d;       /* la codes and data end dates */
    const ll_analysis *a;          /* the analysis rows (charts of distributions) */
    const ll_flow *flow;           /* participant flow (flow.csv rows) */
    const struct ll_estimates *est;      /* estimates.csv rows, SPEC 6 order */
    const struct ll_balance *balance;    /* NULL without a comparison group */
    const struct ll_match *match;        /* NULL unless matched */
    const struct ll_costs_result *costs; /* NULL when not computed */
    const char *run_json_path;     /* provenance, shown in Methods */
    const char *table1_csv_path;   /* secure/table1.csv (shown after suppression) */
} ll_report_input;

/* Writes DIR/report.html (one self-contained page: inline SVG charts, no
 * external references), DIR/report.md, DIR/charts/<name>.{gp,dat,svg,png}
 * and the CSV tables of DIR/publish, applying the disclosure control of SPEC 8 to all
 * of them (secure/ is not touched).  gnuplot is run as an external
 * program; when it is missing the report is written without charts and a
 * notice says so.  Errors: LL_EIO (naming the file), LL_ENOMEM. */
int ll_report_write(const char *dir, const ll_report_input *in, FILE *log, ll_error *err);

/* Writes s as a JSON string literal (with quotes) to f. */
void ll_report_json_string(FILE *f, const char *s);

#endif
