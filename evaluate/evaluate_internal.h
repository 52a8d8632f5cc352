/* Internals of the evaluate pipeline: the state of one run and its steps. */
#ifndef LLEVAL_EVALUATE_INTERNAL_H
#define LLEVAL_EVALUATE_INTERNAL_H

#include "lleval/balance.h"
#include "lleval/costs.h"
#include "lleval/estimate.h"
#include "lleval/evaluate.h"
#include "lleval/match.h"
#include "lleval/report.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define LL_EV_PATH 4200

typedef struct ev_run {
    const ll_evaluate_options *opt;
    time_t started;
    char secure[4096];
    ll_derive_data *d;
    ll_cohort *co;
    ll_match *match;       /* NULL unless matched */
    ll_analysis *a;
    ll_est_child *kids;    /* the section 6 cohort */
    size_t n_kids;
    ll_estimates *est;
    ll_costs_result *costs;
    ll_balance balance;    /* when has_balance: explicit or matched designs */
    ll_table1 table1;      /* when has_balance */
    int has_balance;
    ll_run_info run;       /* provenance (run.json and the report's Methods) */
} ev_run;

/* Opens secure/<name> for writing (path receives its path); NULL with err
 * set on failure. */
FILE *ev_open(ev_run *r, const char *name, char *path, size_t size, ll_error *err);
/* Closes f, turning a failed write into LL_EIO naming path; returns rc
 * otherwise. */
int ev_close(FILE *f, const char *path, int rc, ll_error *err);
void ev_log(const ev_run *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Steps (evaluate/outputs.c, evaluate/costs_step.c). */
int ev_balance(ev_run *r, ll_error *err);
int ev_estimates(ev_run *r, ll_error *err);
int ev_costs(ev_run *r, ll_error *err);
int ev_store_estimates(ev_run *r, sqlite3 *db, ll_error *err);
/* Fills r->run (evaluate/provenance.c); ev_provenance_clear frees what it
 * holds (inputs, ends).  Errors: LL_EDB, LL_ENOMEM. */
int ev_provenance(ev_run *r, sqlite3 *db, ll_error *err);
void ev_provenance_clear(ll_run_info *info);

#endif
