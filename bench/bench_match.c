/* Benchmark of matching (SPEC 5) at the size the issue sets: about 5,000
 * eligible treated children against the candidate rows of 200,000
 * children over every month, balance and Table 1 included.  The target is
 * under 5 seconds for matching plus balance.
 *
 *   build/bench_match [DB]
 *
 * With DB (an ingested database) it times that.  Without, it makes one:
 * `lleval synth --children N --referral-rate R --seed 1` (N from
 * BENCH_MATCH_CHILDREN, default 200000; R from BENCH_MATCH_REFERRAL,
 * default 0.46, which gives about 5,000 eligible treated children), then
 * `lleval ingest`, with the lleval beside this program, in a folder under
 * /tmp that it removes afterwards (BENCH_MATCH_KEEP=1 keeps it). */
#include "lleval/balance.h"
#include "lleval/config.h"
#include "lleval/db.h"
#include "lleval/derive.h"
#include "lleval/match.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of this process: steadier than wall time on a busy machine. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* The lleval of the same build as this program. */
static void lleval_path(char *path, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", path, size - 16);
    char *slash = n > 0 ? (path[n] = '\0', strrchr(path, '/')) : NULL;
    if (slash == NULL)
        snprintf(path, size, "./build/lleval");
    else
        strcpy(slash, "/lleval");
}

/* Synthesises and ingests the benchmark data into dir/bench.db. */
static int make_db(const char *dir, char *db, size_t size)
{
    char ll[4096], cmd[16384];
    lleval_path(ll, sizeof ll);
    const char *n = env_or("BENCH_MATCH_CHILDREN", "200000");
    const char *r = env_or("BENCH_MATCH_REFERRAL", "0.46");
    snprintf(db, size, "%s/bench.db", dir);
    snprintf(cmd, sizeof cmd,
             "set -e; '%s' synth --children %s --referral-rate %s --seed 1 --out '%s/data' >/dev/null;"
             " for y in '%s'/data/903/*/; do '%s' ingest --db '%s' --la LA \"$y\"*.csv >/dev/null 2>&1;"
             " done; '%s' ingest --db '%s' --la LA '%s/data/lifelong_links.csv' >/dev/null 2>&1",
             ll, n, r, dir, dir, ll, db, ll, db, dir);
    printf("making the data: %s children, referral rate %s (lleval synth, seed 1) ...\n", n, r);
    fflush(stdout);
    double t0 = now();
    int rc = system(cmd);
    printf("  synth + ingest: %.1f s\n", now() - t0);
    return rc == 0 ? 0 : 1;
}

static int bench(const char *db_path)
{
    ll_config cfg;
    ll_error err = {0};
    sqlite3 *db = NULL;
    ll_derive_data *d = NULL;
    ll_cohort *co = NULL;
    ll_match *m = NULL;
    int rc = 1;
    ll_config_init(&cfg);
    if (ll_db_open(&db, db_path, 1, &err) != LL_OK)
        goto done;
    double t0 = now(), c0 = cpu();
    if (ll_derive_load(&d, db, &cfg, NULL, NULL, &err) != LL_OK ||
        ll_derive_cohort(&co, d, LL_COMPARISON_MATCH, &err) != LL_OK)
        goto done;
    double t1 = now(), c1 = cpu();
    ll_match_options mo;
    ll_match_options_from_config(&mo, &cfg);
    if (ll_match_run(&m, d, co, &mo, NULL, NULL, &err) != LL_OK)
        goto done;
    double t2 = now(), c2 = cpu();
    ll_cov_set tb = {m->x_treated, m->n_x_treated, NULL, NULL, NULL};
    ll_cov_set cb = {NULL, m->n_x_candidates, NULL, ll_match_candidate_columns, m};
    ll_cov_set ta = {m->x_matched_t, m->n_x_matched_t, NULL, NULL, NULL};
    ll_cov_set ca = {m->x_matched_c, m->n_x_matched_c, NULL, NULL, NULL};
    ll_balance b;
    ll_balance_compute(&b, &tb, &cb, &ta, &ca);
    double t3 = now(), c3 = cpu();
    FILE *f = fopen("/dev/null", "w");
    ll_cov_set sets[4] = {tb, cb, ta, ca};
    const char *names[4] = {"Treated, eligible", "Comparison pool (candidate rows)",
                            "Treated, matched", "Comparison, matched"};
    static ll_table1 tab1;
    int wr = ll_table1_compute(&tab1, sets, names, 4, &b, &err);
    if (wr == LL_OK)
        wr = f ? ll_table1_write_csv(f, &tab1, &err) : LL_EIO;
    if (f)
        fclose(f);
    double t4 = now(), c4 = cpu();
    if (wr != LL_OK)
        goto done;
    printf("children %zu; eligible treated %zu (matched %zu); candidate rows %zu of %zu children "
           "in %zu months; pairs %zu\n",
           ll_derive_n_children(d), m->n_treated_eligible, m->n_treated_matched,
           m->n_candidate_rows, m->n_candidate_children, m->n_months, m->n_pairs);
    printf("%-44s %8s %8s\n", "", "wall s", "CPU s");
    printf("%-44s %8.2f %8.2f\n", "load and derive (not part of the target)", t1 - t0, c1 - c0);
    printf("%-44s %8.2f %8.2f\n", "matching (candidate rows, glm, greedy)", t2 - t1, c2 - c1);
    printf("%-44s %8.2f %8.2f\n", "balance (SMD, variance ratios)", t3 - t2, c3 - c2);
    printf("%-44s %8.2f %8.2f\n", "Table 1", t4 - t3, c4 - c3);
    printf("%-44s %8.2f %8.2f  (target < 5 s: %s)\n", "matching + balance + Table 1", t4 - t1,
           c4 - c1, t4 - t1 < 5.0 ? "met" : "NOT met");
    rc = 0;
done:
    if (rc != 0)
        fprintf(stderr, "bench_match: %s\n", err.msg[0] ? err.msg : "failed");
    ll_match_free(m);
    ll_cohort_free(co);
    ll_derive_free(d);
    ll_db_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc > 1)
        return bench(argv[1]);
    char dir[] = "/tmp/lleval-bench-match-XXXXXX", db[256], cmd[300];
    if (mkdtemp(dir) == NULL) {
        perror("bench_match: mkdtemp");
        return 1;
    }
    int rc = make_db(dir, db, sizeof db) || bench(db);
    if (getenv("BENCH_MATCH_KEEP") == NULL) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_match: could not remove %s\n", dir);
    } else {
        printf("data kept in %s\n", dir);
    }
    return rc;
}
