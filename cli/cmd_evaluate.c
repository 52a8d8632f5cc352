/* lleval evaluate: reads the configuration, derives the histories, the
 * cohort and the analysis dataset from the database, and writes the secure
 * files and the derived tables. */
#include "commands.h"

#include "lleval/config.h"
#include "lleval/db.h"
#include "lleval/derive.h"
#include "lleval/evaluate.h"

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
            "Evaluates the programme from the ingested data (SPEC sections 3-8):\n"
            "histories, cohort, comparison group (comparison.csv, or matching), every\n"
            "estimate with its method, cost avoidance, and the report.  Writes\n"
            "  DIR/report.html, DIR/report.md  the report (disclosure-controlled)\n"
            "  DIR/charts/                     gnuplot scripts, data, SVG and PNG\n"
            "  DIR/publish/                    the report's tables as CSV (controlled)\n"
            "  DIR/secure/                     mode 0700, NOT for publication:\n"
            "      analysis.csv flow.csv data_quality.csv estimates.csv costs.csv\n"
            "      table1.csv balance.csv sample_sizes.csv matches.csv (matched)\n"
            "  DIR/run.json                    provenance: version, configuration,\n"
            "                                  input hashes, seeds, data end dates\n"
            "The derived tables and the estimates are also stored in the database.\n\n"
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

static int run(const struct options *o, int argc, char **argv, ll_error *err)
{
    ll_config cfg;
    struct progress prog = {isatty(STDERR_FILENO), 0, ""};
    int rc;
    ll_config_init(&cfg);
    if (o->config && (rc = ll_config_load(&cfg, o->config, err)) != LL_OK)
        return rc == LL_EIO ? LL_EINPUT : rc;
    ll_evaluate_options eo = {o->db, o->out, &cfg, argc, argv, show_progress, &prog, stderr};
    if (prog.tty)
        fprintf(stderr, "lleval evaluate: loading %s\n", o->db);
    rc = ll_evaluate_run(&eo, err);
    if (rc == LL_OK)
        fprintf(stderr, "lleval evaluate: wrote %s/secure and %s/run.json\n", o->out, o->out);
    return rc;
}

int ll_cmd_evaluate(int argc, char **argv)
{
    struct options o;
    int p = parse_args(&o, argc, argv);
    if (p != 0)
        return p > 0 ? LL_EXIT_OK : LL_EXIT_INPUT;
    ll_error err = {0};
    int rc = run(&o, argc, argv, &err);
    if (rc != LL_OK) {
        fprintf(stderr, "lleval evaluate: %s\n", err.msg[0] ? err.msg : ll_error_name(rc));
        return ll_cli_exit_status(rc);
    }
    return LL_EXIT_OK;
}
