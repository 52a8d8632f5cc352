/* The whole of `lleval evaluate` as one library call: derive, compare,
 * estimate, cost and write every output (SPEC sections 3-8).  The data
 * flow one way: ingested tables -> histories -> cohort -> comparison
 * group -> analysis rows -> estimates and costs -> files. */
#ifndef LLEVAL_EVALUATE_H
#define LLEVAL_EVALUATE_H

#include "lleval/config.h"
#include "lleval/derive.h"
#include "lleval/error.h"

#include <stdio.h>

typedef struct ll_evaluate_options {
    const char *db_path;     /* an ingested database (must exist) */
    const char *out_dir;     /* created if missing; secure/ gets mode 0700 */
    const ll_config *cfg;    /* the configuration of the run */
    int argc;                /* the command line, for run.json */
    char **argv;
    ll_progress_fn progress; /* may be NULL */
    void *progress_user;
    FILE *log;               /* notices and warnings (stderr in the CLI); may be NULL */
} ll_evaluate_options;

/* Runs the evaluation and writes out_dir/secure/{analysis,flow,
 * data_quality,estimates,costs}.csv, with matching also matches.csv,
 * balance.csv, table1.csv and sample_sizes.csv (balance.csv and table1.csv
 * also with an explicit comparison group), and out_dir/run.json; stores the derived
 * tables and the estimates in the database.  Errors: LL_EINPUT (no such
 * database, a design that cannot run such as explicit without
 * comparison.csv, bad cost settings), LL_EIO, LL_EDB, LL_ENOMEM; the message
 * in err names the file or rule. */
int ll_evaluate_run(const ll_evaluate_options *opt, ll_error *err);

#endif
