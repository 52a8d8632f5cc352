/* lleval ingest: loads CSV files into the database (SPEC 2, 2.6, 9).  A thin
 * front end over ll_ingest_file: options, messages on stderr, the per-file
 * table on stdout, the --summary CSV and the exit status. */
#include "commands.h"

#include "lleval/db.h"
#include "lleval/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Quarantined rows shown on stderr per file; the rest are counted. */
#define MAX_SHOWN 20
/* Files smaller than this finish too fast for a progress line. */
#define PROGRESS_MIN_BYTES (8u << 20)

typedef struct cli_state {
    size_t shown, hidden;
    int tty;
    int progress_on;
} cli_state;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lleval ingest [--db FILE] [--la CODE] [--year YYYY] [--summary FILE]\n"
            "                     [--allow-empty] FILE...\n"
            "\n"
            "Loads CSV files into the database: SSDA903 tables (header, episodes, uasc,\n"
            "oc2, oc3), lifelong_links.csv, comparison.csv and sdq.csv.  A file's kind\n"
            "comes from its header row.  Rows that break a rule are kept in the\n"
            "quarantine table with the line and the reason; every other row is stored.\n"
            "\n"
            "options:\n"
            "  --db FILE        database file (default lleval.db; created with mode 0600)\n"
            "  --la CODE        local authority code stored with every row (default LA)\n"
            "  --year YYYY      collection year of the 903 tables, the year ending on\n"
            "                   31 March YYYY (default: from each file's path, e.g.\n"
            "                   903/2023/episodes.csv or returns_2022-23/header.csv)\n"
            "                   (a stacked extract with LA and YEAR columns takes\n"
            "                   both from each row, and ignores --la and --year)\n"
            "  --summary FILE   also write file,kind,year,read,stored,duplicates,\n"
            "                   quarantined,refused as CSV, one row per input file\n"
            "                   (per la and year for a stacked extract)\n"
            "  --allow-empty    let a resubmitted return that stores no row (header\n"
            "                   only, or every row quarantined) replace the stored one\n"
            "  --help           this text\n"
            "\n"
            "exit status: 0 every row stored, 3 some rows quarantined, 1 a file refused\n"
            "or a usage error, 2 an internal failure (the most severe over all files).\n");
}

static void end_progress(cli_state *s)
{
    if (s->progress_on) {
        fprintf(stderr, "\r%70s\r", "");
        s->progress_on = 0;
    }
}

static void on_message(void *ctx, const ll_ingest_msg *m)
{
    cli_state *s = ctx;
    if (m->kind == LL_MSG_QUARANTINE && s->shown >= MAX_SHOWN) {
        s->hidden++;
        return;
    }
    end_progress(s);
    if (m->kind == LL_MSG_QUARANTINE) {
        s->shown++;
        fprintf(stderr, "%s:%ld: %s: %s\n", m->path, m->line, ll_ingest_rule_name(m->rule),
                m->text);
    } else {
        fprintf(stderr, "lleval ingest: %s: %s\n", m->path, m->text);
    }
}

static void on_progress(void *ctx, const char *path, size_t done, size_t total)
{
    cli_state *s = ctx;
    if (!s->tty || total < PROGRESS_MIN_BYTES)
        return;
    if (done >= total) {
        end_progress(s);
        return;
    }
    fprintf(stderr, "\r%.50s: %3d%%", path, (int)(100.0 * (double)done / (double)total));
    s->progress_on = 1;
}

/* Exit status of one file (SPEC 2.6). */
static int file_status(int rc, const ll_ingest_result *r)
{
    if (rc == LL_OK)
        return r->n_quarantined > 0 ? LL_EXIT_QUARANTINED : LL_EXIT_OK;
    return rc == LL_EINPUT ? LL_EXIT_INPUT : LL_EXIT_INTERNAL;
}

/* The more severe of two statuses: 2, then 1, then 3, then 0. */
static int worse(int a, int b)
{
    static const int rank[] = {0, 2, 3, 1}; /* by status 0, 1, 2, 3 */
    return rank[b] > rank[a] ? b : a;
}

typedef struct cli_args {
    const char *db, *la, *summary;
    int year;
    int allow_empty;
    const char **files;
    int nfiles;
} cli_args;

/* Value of option name at argv[*i] ("--db FILE" or "--db=FILE"), or NULL
 * when argv[*i] is another option; *bad is set when the value is missing. */
static const char *option(int argc, char **argv, int *i, const char *name, int *bad)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *bad = 1;
        return NULL;
    }
    return argv[++*i];
}

static int parse_year(const char *s)
{
    if (strlen(s) != 4 || strspn(s, "0123456789") != 4)
        return 0;
    int y = atoi(s);
    return y >= 2000 && y <= 2099 ? y : 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(cli_args *a, int argc, char **argv)
{
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *v, *arg = argv[i];
        int bad = 0;
        if (only_files || arg[0] != '-' || arg[1] == '\0') {
            a->files[a->nfiles++] = arg;
        } else if (!strcmp(arg, "--")) {
            only_files = 1;
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return LL_EXIT_OK;
        } else if (!strcmp(arg, "--allow-empty")) {
            a->allow_empty = 1;
        } else if ((v = option(argc, argv, &i, "--db", &bad)) != NULL) {
            a->db = v;
        } else if ((v = option(argc, argv, &i, "--la", &bad)) != NULL) {
            a->la = v;
        } else if ((v = option(argc, argv, &i, "--summary", &bad)) != NULL) {
            a->summary = v;
        } else if ((v = option(argc, argv, &i, "--year", &bad)) != NULL) {
            if ((a->year = parse_year(v)) == 0) {
                fprintf(stderr, "lleval ingest: --year %s: give a collection year 2000-2099\n", v);
                return LL_EXIT_INPUT;
            }
        } else {
            fprintf(stderr, "lleval ingest: %s: %s\n", arg,
                    bad ? "needs a value" : "unknown option");
            usage(stderr);
            return LL_EXIT_INPUT;
        }
        if (bad) {
            fprintf(stderr, "lleval ingest: %s needs a value\n", arg);
            return LL_EXIT_INPUT;
        }
    }
    if (a->la[0] == '\0' || a->db[0] == '\0') {
        fprintf(stderr, "lleval ingest: --%s needs a value\n", a->la[0] ? "db" : "la");
        return LL_EXIT_INPUT;
    }
    if (a->nfiles == 0) {
        fprintf(stderr, "lleval ingest: no input files\n");
        usage(stderr);
        return LL_EXIT_INPUT;
    }
    return -1;
}

static void print_table(const cli_args *a, const ll_ingest_result *res)
{
    ll_ingest_result tot;
    memset(&tot, 0, sizeof tot);
    printf("%-14s %4s %9s %9s %10s %11s  %s\n", "kind", "year", "read", "stored", "duplicates",
           "quarantined", "file");
    for (int i = 0; i < a->nfiles; i++) {
        const ll_ingest_result *r = &res[i];
        char year[8] = "";
        if (r->year != 0)
            snprintf(year, sizeof year, "%d", r->year);
        printf("%-14s %4s %9zu %9zu %10zu %11zu  %s%s\n", ll_ingest_kind_name(r->kind), year,
               r->n_read, r->n_stored, r->n_duplicates, r->n_quarantined, a->files[i],
               r->refused ? " (refused)" : r->replaced ? " (replaced the earlier file)" : "");
        tot.n_read += r->n_read;
        tot.n_stored += r->n_stored;
        tot.n_duplicates += r->n_duplicates;
        tot.n_quarantined += r->n_quarantined;
    }
    printf("%-14s %4s %9zu %9zu %10zu %11zu  %d files\n", "total", "", tot.n_read, tot.n_stored,
           tot.n_duplicates, tot.n_quarantined, a->nfiles);
}

static int write_summary(FILE *f, sqlite3 *db, const cli_args *a, const ll_ingest_result *res)
{
    ll_error err;
    int rc = ll_ingest_summary_header(f, &err);
    for (int i = 0; rc == LL_OK && i < a->nfiles; i++)
        rc = ll_ingest_summary_rows(f, db, a->files[i], &res[i], &err);
    if (fclose(f) != 0 && rc == LL_OK)
        rc = ll_error_set(&err, LL_EIO, "cannot write the summary");
    if (rc != LL_OK)
        fprintf(stderr, "lleval ingest: %s: %s\n", a->summary, err.msg);
    return rc == LL_OK ? LL_EXIT_OK : LL_EXIT_INTERNAL;
}

static int run(const cli_args *a, FILE *summary, ll_ingest_result *res)
{
    sqlite3 *db = NULL;
    ll_error err;
    int status = LL_EXIT_OK;
    int rc = ll_db_open(&db, a->db, 0, &err);
    if (rc != LL_OK) {
        fprintf(stderr, "lleval ingest: %s\n", err.msg);
        if (summary != NULL)
            fclose(summary);
        return ll_cli_exit_status(rc);
    }
    cli_state st = {0, 0, isatty(STDERR_FILENO), 0};
    ll_ingest_options opt = {a->la, a->year, on_message, &st, on_progress, &st, 0,
                             a->allow_empty, 0};
    /* The files of one command are one batch: two different files of one
     * return among them are an error, not a replacement. */
    if ((rc = ll_ingest_batch_start(&opt.batch, db, &err)) != LL_OK) {
        fprintf(stderr, "lleval ingest: %s: %s\n", a->db, err.msg);
        ll_db_close(db);
        if (summary != NULL)
            fclose(summary);
        return ll_cli_exit_status(rc);
    }
    for (int i = 0; i < a->nfiles; i++) {
        st.shown = st.hidden = 0;
        ll_error_clear(&err);
        rc = ll_ingest_file(&res[i], db, a->files[i], &opt, &err);
        end_progress(&st);
        if (rc != LL_OK)
            fprintf(stderr, "lleval ingest: %s\n", err.msg);
        if (st.hidden > 0 && rc == LL_OK) /* a failed file's rows were rolled back */
            fprintf(stderr, "lleval ingest: %s: %zu more quarantined rows not shown "
                            "(see the quarantine table)\n", a->files[i], st.hidden);
        status = worse(status, file_status(rc, &res[i]));
    }
    print_table(a, res);
    if (summary != NULL)
        status = worse(status, write_summary(summary, db, a, res));
    ll_db_close(db);
    return status;
}

int ll_cmd_ingest(int argc, char **argv)
{
    cli_args a = {"lleval.db", "LA", NULL, 0, 0, NULL, 0};
    ll_ingest_result *res = NULL;
    FILE *summary = NULL;
    int status;
    a.files = calloc((size_t)argc + 1, sizeof *a.files);
    if (a.files == NULL) {
        fprintf(stderr, "lleval ingest: out of memory\n");
        return LL_EXIT_INTERNAL;
    }
    if ((status = parse_args(&a, argc, argv)) >= 0)
        goto done;
    res = calloc((size_t)a.nfiles, sizeof *res);
    if (res == NULL) {
        fprintf(stderr, "lleval ingest: out of memory\n");
        status = LL_EXIT_INTERNAL;
        goto done;
    }
    /* Opened first, so that a bad --summary path stops before any work. */
    if (a.summary != NULL && (summary = fopen(a.summary, "w")) == NULL) {
        perror(a.summary);
        status = LL_EXIT_INPUT;
        goto done;
    }
    status = run(&a, summary, res);
done:
    free(res);
    free(a.files);
    return status;
}
