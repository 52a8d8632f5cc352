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

/* Programme starts by financial year (SPEC 8): one row per year of
 * START_DATE, or of REFERRAL_DATE for a child who never started. */
typedef struct ll_starts_year {
    int fy;          /* first calendar year of the financial year (2019: April
                      * 2019 to March 2020); -1: no date recorded */
    long referred;   /* programme children counted in the year */
    long consented;  /* of them CONSENT = Y */
    long started;    /* consented with a START_DATE */
    long eligible;   /* treated analysis rows that are eligible */
    long stable, stable_known; /* of the eligible (matched where matched) treated
                                * children, stable_12m = 1 of stable_12m known */
} ll_starts_year;

typedef struct ll_starts {
    ll_starts_year *years; /* ascending, the year -1 last; owned */
    size_t n;
    ll_starts_year total;  /* each column's sum over the years (fy -1) */
} ll_starts; /* built by evaluate (evaluate/starts.c) */

/* Data quality the summary page shows (SPEC 8) besides the rows
 * quarantined at ingest (ll_run_info's inputs) and the children not
 * linked (the flow): episodes corrected by derive's fixed rules, by
 * ll_dq_rule (stale_open, overlap, rec_without_dec). */
typedef struct ll_data_quality {
    long corrected[3];
} ll_data_quality; /* built by evaluate (evaluate/starts.c) */

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
    const ll_config *cfg;          /* the [report] keys, and the configuration shown */
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
    const ll_starts *starts;       /* programme starts by year; NULL: none */
    const ll_data_quality *dq;     /* episodes corrected; NULL: not known */
} ll_report_input;

/* Writes DIR/report.html (one self-contained page: inline SVG charts, no
 * external references; polyglot markup that also parses as XML),
 * DIR/report.md, DIR/charts/<name>.{gp,dat,svg,png} and the CSV tables of
 * DIR/publish (estimates, flow, sample_sizes, table1, balance,
 * costs_summary, starts), applying the disclosure control of SPEC 8 to all of them.
 * gnuplot is run as an external program (fork and exec, no shell) in
 * DIR/charts; when it cannot be found the scripts and data are still
 * written, the report says the charts were not drawn and a notice goes to
 * log (may be NULL); a chart that gnuplot fails on is reported the same
 * way.  Errors: LL_EIO (naming the file), LL_ENOMEM, LL_EINPUT (in,
 * in->cfg, in->est or in->flow NULL). */
int ll_report_write(const char *dir, const ll_report_input *in, FILE *log, ll_error *err);

/* Disclosure control (SPEC 8) is lleval/sdc.h. */

/* Writes s as a JSON string literal (with quotes) to f. */
void ll_report_json_string(FILE *f, const char *s);

#endif
