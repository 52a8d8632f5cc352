/* lleval demo: the first thing a newcomer runs.  Ingests a bundled worked
 * example into a fresh database and evaluates it, then says where the
 * results are. */
#include "commands.h"

#include "lleval/config.h"
#include "lleval/db.h"
#include "lleval/evaluate.h"
#include "lleval/ingest.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LL_SOURCE_DIR
#define LL_SOURCE_DIR "."
#endif

static void usage(FILE *f)
{
    fprintf(f, "usage: lleval demo [--out DIR] [--example matched|explicit] [--fixtures DIR]\n\n"
               "Ingests a bundled worked example (fixtures/examples/<example>/input: nine years\n"
               "of 903 returns of a made-up authority, its Lifelong Links records, and for\n"
               "'explicit' a comparison group) into a fresh DIR/demo.db, evaluates it, and\n"
               "prints where the results are.\n\n"
               "  --out DIR        output folder (default demo-out; its demo.db is replaced)\n"
               "  --example NAME   explicit (default: a comparison.csv group) or matched\n"
               "                   (propensity matching on the programme children alone)\n"
               "  --fixtures DIR   the fixtures folder (default %s/fixtures)\n"
               "  --help           show this message\n",
            LL_SOURCE_DIR);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Ingests every .csv of dir in name order. */
static int ingest_dir(sqlite3 *db, const char *dir, int year, ll_error *err)
{
    DIR *d = opendir(dir);
    char *names[64];
    size_t n = 0;
    int rc = LL_OK;
    if (d == NULL)
        return ll_error_set(err, LL_EINPUT, "%s: cannot open: %s", dir, strerror(errno));
    for (struct dirent *e; (e = readdir(d)) != NULL && n < 64;) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".csv"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        ll_ingest_result res;
        ll_ingest_options opt = {"LA", year, NULL, NULL, NULL, NULL, 1, 0, 0};
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path)
            rc = ll_error_set(err, LL_EINPUT, "%s: path too long", dir);
        if (rc == LL_OK && (rc = ll_ingest_file(&res, db, path, &opt, err)) == LL_OK &&
            res.n_quarantined > 0)
            rc = ll_error_set(err, LL_EINTERNAL, "%s: the bundled example quarantined rows", path);
        free(names[i]);
    }
    return rc;
}

static int ingest_example(const char *db_path, const char *input, ll_error *err)
{
    sqlite3 *db = NULL;
    char path[4096];
    int rc = ll_db_open(&db, db_path, 0, err);
    for (int year = 2000; rc == LL_OK && year <= 2099; year++) {
        struct stat st;
        if (snprintf(path, sizeof path, "%s/903/%d", input, year) >= (int)sizeof path)
            break;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            fprintf(stderr, "lleval demo: ingesting %s\n", path);
            rc = ingest_dir(db, path, year, err);
        }
    }
    const char *prog[] = {"lifelong_links.csv", "comparison.csv"};
    for (int k = 0; rc == LL_OK && k < 2; k++) {
        ll_ingest_result res;
        ll_ingest_options opt = {"LA", 0, NULL, NULL, NULL, NULL, 1, 0, 0};
        if (snprintf(path, sizeof path, "%s/%s", input, prog[k]) >= (int)sizeof path)
            break;
        if (access(path, R_OK) == 0)
            rc = ll_ingest_file(&res, db, path, &opt, err);
    }
    ll_db_close(db);
    return rc;
}

static int run(const char *out, const char *example, const char *fixtures, int argc, char **argv,
               ll_error *err)
{
    char input[4096], db_path[4096];
    snprintf(input, sizeof input, "%s/examples/%s/input", fixtures, example);
    if (access(input, R_OK) != 0)
        return ll_error_set(err, LL_EINPUT, "%s: no such example (use --fixtures DIR)", input);
    if (mkdir(out, 0755) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EIO, "%s: cannot create: %s", out, strerror(errno));
    snprintf(db_path, sizeof db_path, "%s/demo.db", out);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int k = 0; k < 3; k++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", db_path, sfx[k]);
        unlink(p);
    }
    int rc = ingest_example(db_path, input, err);
    if (rc != LL_OK)
        return rc;
    ll_config cfg;
    ll_config_init(&cfg);
    ll_evaluate_options eo = {db_path, out, &cfg, argc, argv, NULL, NULL, stderr};
    fprintf(stderr, "lleval demo: evaluating\n");
    if ((rc = ll_evaluate_run(&eo, err)) != LL_OK)
        return rc;
    printf("The demo evaluated the '%s' worked example.\n", example);
    printf("  report:     %s/report.html (open it in a browser)\n", out);
    printf("  estimates:  %s/secure/estimates.csv\n", out);
    printf("  dataset:    %s/secure/analysis.csv (for R or Stata)\n", out);
    printf("  database:   %s (query it with sqlite3)\n", db_path);
    return LL_OK;
}

int ll_cmd_demo(int argc, char **argv)
{
    const char *out = "demo-out", *example = "explicit", *fixtures = LL_SOURCE_DIR "/fixtures";
    for (int i = 1; i < argc; i++) {
        const char **slot = !strcmp(argv[i], "--out")        ? &out
                            : !strcmp(argv[i], "--example")  ? &example
                            : !strcmp(argv[i], "--fixtures") ? &fixtures
                                                             : NULL;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return LL_EXIT_OK;
        }
        if (slot == NULL || i + 1 >= argc) {
            fprintf(stderr, "lleval demo: %s '%s'\n", slot ? "missing value after" : "unexpected argument", argv[i]);
            usage(stderr);
            return LL_EXIT_INPUT;
        }
        *slot = argv[++i];
    }
    if (strcmp(example, "matched") != 0 && strcmp(example, "explicit") != 0) {
        fprintf(stderr, "lleval demo: --example must be matched or explicit, not '%s'\n", example);
        return LL_EXIT_INPUT;
    }
    ll_error err = {0};
    int rc = run(out, example, fixtures, argc, argv, &err);
    if (rc != LL_OK) {
        fprintf(stderr, "lleval demo: %s\n", err.msg[0] ? err.msg : ll_error_name(rc));
        return ll_cli_exit_status(rc);
    }
    return LL_EXIT_OK;
}
