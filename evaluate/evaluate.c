/* The evaluation pipeline: each step hands the next what it needs, and
 * every output file is written from the same in-memory results. */
#include "lleval/evaluate.h"

#include "evaluate_internal.h"
#include "lleval/db.h"
#include "lleval/handover.h"
#include "lleval/report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates dir (if needed) and dir/secure with mode 0700. */
static int make_dirs(ev_run *r, ll_error *err)
{
    const char *dir = r->opt->out_dir;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EIO, "%s: cannot create: %s", dir, strerror(errno));
    if ((size_t)snprintf(r->secure, sizeof r->secure, "%s/secure", dir) >= sizeof r->secure)
        return ll_error_set(err, LL_EIO, "%s: path too long", dir);
    if (mkdir(r->secure, 0700) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EIO, "%s: cannot create: %s", r->secure, strerror(errno));
    if (chmod(r->secure, 0700) != 0)
        return ll_error_set(err, LL_EIO, "%s: cannot set mode 0700: %s", r->secure, strerror(errno));
    return LL_OK;
}

FILE *ev_open_in(const char *dir, const char *name, char *path, size_t size, ll_error *err)
{
    if ((size_t)snprintf(path, size, "%s/%s", dir, name) >= size) {
        ll_error_set(err, LL_EIO, "%s: path too long", dir);
        return NULL;
    }
    /* Owner-only whatever the umask: these files are not for publication. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return f;
}

FILE *ev_open(ev_run *r, const char *name, char *path, size_t size, ll_error *err)
{
    return ev_open_in(r->secure, name, path, size, err);
}

int ev_close(FILE *f, const char *path, int rc, ll_error *err)
{
    if (fclose(f) != 0 && rc == LL_OK)
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    if (rc == LL_EIO && err && !err->msg[0])
        ll_error_set(err, LL_EIO, "%s: write failed", path);
    return rc;
}

void ev_log(const ev_run *r, const char *fmt, ...)
{
    if (r->opt->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("lleval evaluate: ", r->opt->log);
    vfprintf(r->opt->log, fmt, ap);
    fputc('\n', r->opt->log);
    va_end(ap);
}

static int derive_outputs(ev_run *r, ll_error *err)
{
    char path[LL_EV_PATH];
    int rc;
    snprintf(path, sizeof path, "%s/analysis.csv", r->secure);
    if ((rc = ll_derive_write_analysis(path, r->d, r->a, err)) != LL_OK)
        return rc;
    snprintf(path, sizeof path, "%s/flow.csv", r->secure);
    if ((rc = ll_derive_write_flow(path, &r->co->flow, err)) != LL_OK)
        return rc;
    snprintf(path, sizeof path, "%s/data_quality.csv", r->secure);
    return ll_derive_write_data_quality(path, r->d, err);
}

static void report_cohort(const ev_run *r)
{
    if (r->co->not_in_returns > 0)
        ev_log(r, "warning: %zu programme or comparison children have no Header row or no "
                  "episode (not_in_returns); %zu of them would link if leading zeros were "
                  "added to or stripped from the ID (check how the IDs were exported)",
               r->co->not_in_returns, r->co->would_link);
    size_t stale = 0, overlap = 0, n_t = 0;
    for (size_t k = 0; k < ll_derive_n_dq(r->d); k++) {
        ll_dq_view v;
        ll_derive_dq(&v, r->d, k);
        stale += v.rule == LL_DQ_STALE_OPEN;
        overlap += v.rule == LL_DQ_OVERLAP;
    }
    for (size_t k = 0; k < r->a->n; k++)
        n_t += r->a->rows[k].group == LL_GROUP_TREATED;
    ev_log(r, "%zu children; cohort: %zu treated, %zu comparison; episodes corrected: "
              "%zu stale_open, %zu overlap",
           ll_derive_n_children(r->d), n_t, r->a->n - n_t, stale, overlap);
}

/* Matching, when the design asks for it.  A design that cannot be matched
 * (no eligible treated child, no candidate) is reported and evaluated
 * without comparison children, so the estimates say why. */
static int compare_step(ev_run *r, ll_error *err)
{
    if (r->co->design != LL_COMPARISON_MATCH)
        return LL_OK;
    ll_error merr = {0};
    ll_match_options mo;
    ll_match_options_from_config(&mo, r->opt->cfg);
    int rc = ll_match_run(&r->match, r->d, r->co, &mo, r->opt->progress, r->opt->progress_user,
                          &merr);
    if (rc == LL_EDOM) {
        ev_log(r, "warning: %s; no comparison group", merr.msg);
        return LL_OK;
    }
    if (rc != LL_OK)
        return ll_error_set(err, rc, "%s", merr.msg);
    if (r->match->glm_status != LL_OK)
        ev_log(r, "warning: the propensity model %s; its scores are used as they are",
               r->match->glm_status == LL_ESEPARATION ? "shows separation" : "did not converge");
    ev_log(r, "matching: %zu of %zu eligible treated children matched (%zu candidate rows in "
              "%zu months; caliper %.4g logit units)",
           r->match->n_treated_matched, r->match->n_treated_eligible, r->match->n_candidate_rows,
           r->match->n_months, r->match->caliper_width);
    return LL_OK;
}

/* Seconds on a monotonic clock, for the phase timings in the log. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The derived tables go into the database on a thread of their own from
 * the moment they are final (after the analysis rows and the flow): the
 * store only reads what the steps after it read (none writes the histories,
 * the analysis rows or the flow), and nothing after it uses the database
 * (provenance reads it first), so the two cannot disturb each other; the
 * store has the other core while balance, the estimates and the report
 * run.  The estimates are stored once it is joined. */
typedef struct store_job {
    ev_run *r;
    sqlite3 *db;
    ll_error err;
    int rc;
} store_job;

static void *store_step(void *p)
{
    store_job *j = p;
    j->rc = ll_derive_store(j->db, j->r->d, j->r->a, &j->r->co->flow, &j->err);
    return NULL;
}

/* run.json, the handover files and the report. */
static int write_outputs(ev_run *r, ll_error *err)
{
    const ll_config *cfg = r->opt->cfg;
    char path[LL_EV_PATH];
    int rc;
    snprintf(path, sizeof path, "%s/run.json", r->opt->out_dir);
    if ((rc = ll_report_write_run_json(path, &r->run, cfg, err)) != LL_OK ||
        (rc = ll_handover_write(r->secure, ll_derive_analysis_header(r->a->matched), cfg,
                                r->run.design, err)) != LL_OK)
        return rc;
    if ((rc = ev_starts(&r->starts, r->d, r->a, err)) != LL_OK)
        return rc;
    ll_report_input rin = {cfg, r->run.design, &r->run, &r->co->flow, r->est,
                           r->has_balance ? &r->balance : NULL,
                           r->has_balance ? &r->table1 : NULL, r->match, r->costs, NULL,
                           r->starts, &r->dq};
    return ll_report_write(r->opt->out_dir, &rin, r->opt->log, err);
}

/* Balance, estimates, costs and the outputs (t[3] .. t[5]). */
static int analyse_and_write(ev_run *r, double *t, ll_error *err)
{
    int rc;
    if ((rc = ev_balance(r, err)))
        return rc;
    t[4] = now_s();
    if ((rc = ev_estimates(r, err)) || (rc = ev_costs(r, err)) || (rc = ev_pool(r, err)))
        return rc;
    t[5] = now_s();
    return write_outputs(r, err);
}

static int run_steps(ev_run *r, sqlite3 *db, ll_error *err)
{
    int rc;
    const ll_config *cfg = r->opt->cfg;
    double t[8] = {0};
    t[0] = now_s();
    if ((rc = ll_derive_load(&r->d, db, cfg, r->opt->progress, r->opt->progress_user, err)) ||
        (rc = ll_derive_cohort(&r->co, r->d, cfg->analysis.comparison, err)))
        return rc;
    t[1] = now_s();
    if ((rc = compare_step(r, err)))
        return rc;
    t[2] = now_s();
    if ((rc = ll_derive_cohort_analysis(&r->a, r->d, r->co, r->match ? &r->match->pairing : NULL,
                                        err)) ||
        (rc = ll_derive_flow_finish(&r->co->flow, r->d, r->a, r->co->design, err)))
        return rc;
    report_cohort(r);
    ev_data_quality(&r->dq, r->d);
    ev_warn_quarantine(r, db);
    ev_warn_corrected(r);
    if ((rc = ev_check_cohort(r, db, err)) || (rc = ev_provenance(r, db, err)))
        return rc;
    if ((rc = make_dirs(r, err)) || (rc = derive_outputs(r, err)))
        return rc;
    t[3] = now_s();
    store_job job = {.r = r, .db = db};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, store_step, &job) == 0;
    if (!threaded)
        store_step(&job);
    rc = analyse_and_write(r, t, err);
    t[6] = now_s();
    if (threaded)
        pthread_join(th, NULL);
    if (rc == LL_OK && job.rc != LL_OK)
        rc = ll_error_set(err, job.rc, "%s", job.err.msg);
    if (rc == LL_OK)
        rc = ev_store_estimates(r, db, err);
    t[7] = now_s();
    if (rc != LL_OK)
        return rc;
    ev_log(r, "timing: derive %.2f s, matching %.2f s, analysis rows %.2f s, balance %.2f s, "
              "estimates and costs %.2f s, report and charts %.2f s (the database store "
              "beside them: %.2f s more)",
           t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3], t[5] - t[4], t[6] - t[5],
           t[7] - t[6]);
    return LL_OK;
}

int ll_evaluate_run(const ll_evaluate_options *opt, ll_error *err)
{
    ev_run r;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    r.started = time(NULL);
    sqlite3 *db = NULL;
    int rc;
    if (access(opt->db_path, F_OK) != 0)
        return ll_error_set(err, LL_EINPUT, "%s: no such database (run 'lleval ingest' first)",
                            opt->db_path);
    if ((rc = ev_check_out(&r, err)) == LL_OK && (rc = ll_db_open(&db, opt->db_path, 0, err)) == LL_OK)
        rc = run_steps(&r, db, err);
    ev_provenance_clear(&r.run);
    ev_starts_free(r.starts);
    ll_estimates_free(r.est);
    ll_costs_result_free(r.costs);
    free(r.kids);
    ll_match_free(r.match);
    ll_analysis_free(r.a);
    ll_cohort_free(r.co);
    ll_derive_free(r.d);
    ll_db_close(db);
    return rc;
}
