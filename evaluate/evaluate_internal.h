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
    ll_starts *starts;     /* programme starts by year (the summary page) */
    ll_data_quality dq;    /* episodes corrected (the summary page) */
} ev_run;

/* Opens secure/<name> for writing (path receives its path); NULL with err
 * set on failure. */
FILE *ev_open(ev_run *r, const char *name, char *path, size_t size, ll_error *err);
/* The same for dir/<name>, owner-only whatever the umask. */
FILE *ev_open_in(const char *dir, const char *name, char *path, size_t size, ll_error *err);
/* Closes f, turning a failed write into LL_EIO naming path; returns rc
 * otherwise. */
int ev_close(FILE *f, const char *path, int rc, ll_error *err);
void ev_log(const ev_run *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Checks (evaluate/checks.c).  ev_check_out: the output folder and its
 * secure/ can be written (LL_EINPUT naming --out otherwise), before any
 * work.  ev_warn_quarantine: warns of rows quarantined at ingest, per
 * table, and of RECs set aside.  ev_check_cohort: when no eligible treated
 * child reaches the section 6 cohort, writes secure/flow.csv only and
 * returns LL_EINPUT with the flow counts and a linkage hint (SPEC 3). */
int ev_check_out(ev_run *r, ll_error *err);
void ev_warn_quarantine(const ev_run *r, sqlite3 *db);
/* Warns of episodes corrected by derive's fixed rules (stale_open,
 * overlap; r->dq), with counts, when there are any. */
void ev_warn_corrected(const ev_run *r);
int ev_check_cohort(ev_run *r, sqlite3 *db, ll_error *err);

/* What the summary page shows beside the estimates (evaluate/starts.c).
 * ev_starts: programme starts by financial year from derive's programme
 * records and the analysis rows (a may be NULL: no eligible counts); on
 * success *out is owned by the caller (ev_starts_free, NULL a no-op) and
 * has n = 0 when there are no programme records.  Errors: LL_ENOMEM.
 * ev_data_quality: derive's data-quality records counted by rule. */
int ev_starts(ll_starts **out, const ll_derive_data *d, const ll_analysis *a, ll_error *err);
void ev_starts_free(ll_starts *s);
void ev_data_quality(ll_data_quality *out, const ll_derive_data *d);

/* Steps (evaluate/outputs.c, evaluate/costs_step.c). */
int ev_balance(ev_run *r, ll_error *err);
int ev_estimates(ev_run *r, ll_error *err);
int ev_costs(ev_run *r, ll_error *err);
/* secure/pool.csv (evaluate/pool_out.c; two-group designs only). */
int ev_pool(ev_run *r, ll_error *err);
int ev_store_estimates(ev_run *r, sqlite3 *db, ll_error *err);
/* Fills r->run (evaluate/provenance.c); ev_provenance_clear frees what it
 * holds (inputs, ends).  Errors: LL_EDB, LL_ENOMEM. */
int ev_provenance(ev_run *r, sqlite3 *db, ll_error *err);
void ev_provenance_clear(ll_run_info *info);

#endif
