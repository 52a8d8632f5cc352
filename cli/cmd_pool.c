/* lleval pool: pools several authorities' secure/pool.csv files (SPEC 10);
 * all the work is in pool/. */
#include "commands.h"

#include "lleval/error.h"
#include "lleval/pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: lleval pool --out DIR [options] FILE...\n\n"
        "Pools several authorities' results.  Each authority runs 'lleval evaluate' on its\n"
        "own data and shares only DIR/secure/pool.csv (aggregate figures, no child records);\n"
        "this command reads those files (one per authority: each la once) and writes\n"
        "  DIR/pool_estimates.csv  fixed-effect and REML random-effects estimates per effect,\n"
        "                          the Mantel-Haenszel risk difference for homelessness\n"
        "  DIR/report.html         a forest plot per effect, under disclosure control\n"
        "  DIR/charts/             each forest plot's gnuplot script, data and SVG\n"
        "An authority without a usable row for an effect is left out of it and named.\n"
        "Refused (nothing written): a repeated la, costs in different price years, a file\n"
        "that is not a pool.csv.\n\n"
        "  --out DIR        output directory (required; created if missing)\n"
        "  --min-cell N     counts from 1 to N are withheld in the report (default 5)\n"
        "  --rounding N     other counts are rounded to a multiple of N (default 5)\n"
        "  --min-n N        children per group a model estimate needs (default 10)\n"
        "  --help           this text\n");
}

static int parse_int(int *out, const char *opt, const char *s, int min)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > 1000000) {
        fprintf(stderr, "lleval pool: %s: '%s' is not a whole number >= %d\n", opt, s, min);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int ll_cmd_pool(int argc, char **argv)
{
    ll_pool_sdc sdc = {5, 5, 10};
    const char *out = NULL;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t n = 0;
    int status = LL_EXIT_INPUT;
    if (files == NULL) {
        fprintf(stderr, "lleval pool: out of memory\n");
        return LL_EXIT_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            status = LL_EXIT_OK;
            goto done;
        }
        int *ip = !strcmp(a, "--min-cell") ? &sdc.min_cell
                  : !strcmp(a, "--rounding") ? &sdc.rounding
                  : !strcmp(a, "--min-n")    ? &sdc.min_n
                                             : NULL;
        if (ip != NULL || !strcmp(a, "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lleval pool: %s needs a value\n", a);
                goto done;
            }
            if (ip == NULL)
                out = argv[++i];
            else if (parse_int(ip, a, argv[i + 1], !strcmp(a, "--min-n") ? 0 : 1) != 0)
                goto done;
            else
                i++;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "lleval pool: unknown option '%s' (see lleval pool --help)\n", a);
            goto done;
        } else {
            files[n++] = a;
        }
    }
    if (out == NULL || n == 0) {
        fprintf(stderr, "lleval pool: --out and at least one pool.csv are required\n\n");
        usage(stderr);
        goto done;
    }
    ll_error err;
    ll_error_clear(&err);
    int rc = ll_pool_run(out, files, n, &sdc, NULL, stderr, &err);
    if (rc != LL_OK) {
        fprintf(stderr, "lleval pool: %s\n", err.msg);
        status = ll_cli_exit_status(rc);
        goto done;
    }
    printf("lleval pool: %zu file(s) -> %s/pool_estimates.csv, %s/report.html\n", n, out, out);
    status = LL_EXIT_OK;
done:
    free(files);
    return status;
}
