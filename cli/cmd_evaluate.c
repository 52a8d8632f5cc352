/* lleval evaluate: reads the configuration, derives the histories, the
 * cohort and the analysis dataset from the database, and writes the secure
 * files and the derived tables. */
#include "commands.h"

#include "lleval/config.h"
#include "lleval/db.h"
#include "lleval/derive.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lleval evaluate [--db FILE] [--config FILE] [--out DIR]\n\n"
            "Derives periods of care, placement spells, the cohort and the analysis\n"
            "dataset (SPEC sections 3-4) from the ingested data, and writes\n"
            "  DIR/secure/analysis.csv      one row per cohort child\n"
            "  DIR/secure/flow.csv          participant flow: stage,group,reason,n\n"
            "  DIR/secure/data_quality.csv  episodes corrected across years\n"
            "DIR/secure is created with mode 0700.  The derived tables (analysis,\n"
            "flow, data_quality, periods, spells, data_end) are also stored in the\n"
            "database.\n\n"
            "  --db FILE      the database (default lleval.db)\n"
            "  --config FILE  configuration (see 'lleval config')\n"
            "  --out DIR      output folder (default lleval-out)\n"
            "  --help         show this message\n");
}

struct options {
    const char *db, *config, *out;
};

/* 0, 1 (--help shown), or -1 (usage error). */
static int parse_args(struct options *o, int argc, char **argv)
{
    o->db = "lleval.db";
    o->config = NULL;
    o->out = "lleval-out";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--db")       ? &o->db
                            : !strcmp(a, "--config") ? &o->config
                            : !strcmp(a, "--out")    ? &o->out
                                                     : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 1;
        }
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
            continue;
        }
        fprintf(stderr, "lleval evaluate: %s '%s'\n", slot ? "missing value after" : "unexpected argument", a);
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Progress on a terminal: one line per step, rewritten in place. */
struct progress {
    int tty;
    int ended; /* the last line printed was a finished step */
    char step[32];
};

static void show_progress(void *user, const char *step, size_t done, size_t total)
{
    struct progress *p = user;
    if (!p->tty)
        return;
    if (p->step[0] && strcmp(p->step, step) != 0 && !p->ended)
        fputc('\n', stderr);
    p->ended = total && done == total;
    if (total)
        fprintf(stderr, "\r  %-12s %zu / %zu", step, done, total);
    else
        fprintf(stderr, "\r  %-12s %zu rows", step, done);
    if (total && done == total)
        fputc('\n', stderr);
    snprintf(p->step, sizeof p->step, "%s", step);
}

/* Creates dir (if needed) and dir/secure with mode 0700. */
static int make_secure_dir(char *secure, size_t size, const char *dir, ll_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EIO, "%s: cannot create: %s", dir, strerror(errno));
    if ((size_t)snprintf(secure, size, "%s/secure", dir) >= size)
        return ll_error_set(err, LL_EIO, "%s: path too long", dir);
    if (mkdir(secure, 0700) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EIO, "%s: cannot create: %s", secure, strerror(errno));
    if (chmod(secure, 0700) != 0)
        return ll_error_set(err, LL_EIO, "%s: cannot set mode 0700: %s", secure, strerror(errno));
    return LL_OK;
}

static int write_outputs(const char *secure, const ll_derive_data *d, const ll_analysis *a,
                         const ll_flow *flow, ll_error *err)
{
    char path[4200]; /* secure is shorter than 4096 */
    int rc;
    snprintf(path, sizeof path, "%s/analysis.csv", secure);
    if ((rc = ll_derive_write_analysis(path, d, a, err)) != LL_OK)
        return rc;
    snprintf(path, sizeof path, "%s/flow.csv", secure);
    if ((rc = ll_derive_write_flow(path, flow, err)) != LL_OK)
        return rc;
    snprintf(path, sizeof path, "%s/data_quality.csv", secure);
    return ll_derive_write_data_quality(path, d, err);
}

static void report_cohort(const ll_derive_data *d, const ll_cohort *co, const ll_analysis *a)
{
    if (co->not_in_returns > 0)
        fprintf(stderr,
                "lleval evaluate: warning: %zu programme or comparison children have no Header "
                "row or no episode (not_in_returns); %zu of them would link if leading zeros "
                "were added to or stripped from the ID (check how the IDs were exported)\n",
                co->not_in_returns, co->would_link);
    size_t stale = 0, overlap = 0, n_t = 0;
    for (size_t k = 0; k < ll_derive_n_dq(d); k++) {
        ll_dq_view v;
        ll_derive_dq(&v, d, k);
        stale += v.rule == LL_DQ_STALE_OPEN;
        overlap += v.rule == LL_DQ_OVERLAP;
    }
    for (size_t k = 0; k < a->n; k++)
        n_t += a->rows[k].group == LL_GROUP_TREATED;
    fprintf(stderr, "lleval evaluate: %zu children; cohort: %zu treated, %zu comparison; "
                    "episodes corrected: %zu stale_open, %zu overlap\n",
            ll_derive_n_children(d), n_t, a->n - n_t, stale, overlap);
}

/* The comparison group of a matched design.  The matching step (SPEC 5)
 * plugs in here: it adds comparison entries to co (ll_cohort_add) and sets
 * match_id / ps_logit on the treated ones. */
static int build_matched(ll_cohort *co, const ll_derive_data *d, ll_error *err)
{
    (void)co;
    (void)d;
    (void)err;
    fprintf(stderr, "lleval evaluate: comparison = match, but matching is not built yet: "
                    "analysis.csv has the treated children only\n");
    return LL_OK;
}

static int run(const struct options *o, ll_error *err)
{
    ll_config cfg;
    sqlite3 *db = NULL;
    ll_derive_data *d = NULL;
    ll_cohort *co = NULL;
    ll_analysis *a = NULL;
    struct progress prog = {isatty(STDERR_FILENO), 0, ""};
    char secure[4096];
    int rc;
    ll_config_init(&cfg);
    if (o->config && (rc = ll_config_load(&cfg, o->config, err)) != LL_OK)
        return rc == LL_EIO ? LL_EINPUT : rc;
    if (access(o->db, F_OK) != 0)
        return ll_error_set(err, LL_EINPUT, "%s: no such database (run 'lleval ingest' first)",
                            o->db);
    if ((rc = ll_db_open(&db, o->db, 0, err)) != LL_OK)
        goto done;
    if (prog.tty)
        fprintf(stderr, "lleval evaluate: loading %s\n", o->db);
    if ((rc = ll_derive_load(&d, db, &cfg, show_progress, &prog, err)) != LL_OK)
        goto done;
    if ((rc = ll_derive_cohort(&co, d, cfg.analysis.comparison, err)) != LL_OK)
        goto done;
    if (co->design == LL_COMPARISON_MATCH && (rc = build_matched(co, d, err)) != LL_OK)
        goto done;
    if ((rc = ll_derive_analysis(&a, d, co->entries, co->n, co->design == LL_COMPARISON_MATCH,
                                 err)) != LL_OK)
        goto done;
    if ((rc = ll_derive_flow_finish(&co->flow, d, a, co->design, err)) != LL_OK)
        goto done;
    report_cohort(d, co, a);
    if (prog.tty)
        fprintf(stderr, "lleval evaluate: writing %s/secure and the derived tables\n", o->out);
    if ((rc = make_secure_dir(secure, sizeof secure, o->out, err)) != LL_OK ||
        (rc = write_outputs(secure, d, a, &co->flow, err)) != LL_OK)
        goto done;
    rc = ll_derive_store(db, d, a, &co->flow, err);
done:
    ll_analysis_free(a);
    ll_cohort_free(co);
    ll_derive_free(d);
    ll_db_close(db);
    return rc;
}

int ll_cmd_evaluate(int argc, char **argv)
{
    struct options o;
    int p = parse_args(&o, argc, argv);
    if (p != 0)
        return p > 0 ? LL_EXIT_OK : LL_EXIT_INPUT;
    ll_error err = {0};
    int rc = run(&o, &err);
    if (rc != LL_OK) {
        fprintf(stderr, "lleval evaluate: %s\n", err.msg[0] ? err.msg : ll_error_name(rc));
        return ll_cli_exit_status(rc);
    }
    return LL_EXIT_OK;
}
