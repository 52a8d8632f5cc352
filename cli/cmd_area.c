/* lleval area: the area-level design of SPEC 11 -- did the authorities
 * that ran a programme do better, on published DfE figures?  All the work
 * is in the area module; this reads the command line and the
 * configuration. */
#include "commands.h"

#include "lleval/area.h"
#include "lleval/config.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lleval area --config FILE --out DIR\n\n"
            "Compares the authorities that ran a programme with those that did not, on a\n"
            "figure the DfE publishes for every authority each year (SPEC section 11):\n"
            "a difference-in-differences (Callaway & Sant'Anna 2021, never-treated\n"
            "comparison) with the pre-years as a check of parallel trends, standard\n"
            "errors clustered by authority and randomization inference.  No child\n"
            "records are used.  Writes\n"
            "  DIR/area_estimates.csv   ATT(g,t), event-time and overall effects\n"
            "  DIR/area_report.html     design, treated authorities, group means by year,\n"
            "                           event study, overall effect with both p-values\n"
            "                           and its minimum detectable effect\n"
            "  DIR/area_charts/         gnuplot scripts, data and SVG of the charts\n\n"
            "The configuration's [area] section (paths relative to its folder):\n"
            "  data = a.csv; b.csv      DfE open-data CSV files (explore education\n"
            "                           statistics layout); a later file wins\n"
            "  filter = col = value; col = value   the rows of one series (write each\n"
            "                           ';' straight after the value before it)\n"
            "  value = percentage       the value column\n"
            "  outcome = NAME           its name in the outputs (default: value)\n"
            "  lower_is_better = 1      wording only\n"
            "  programme = FILE         CSV new_la_code,start_year (the first collection\n"
            "                           year the programme ran for the whole year)\n"
            "  ri_draws = 999           randomization draws (0: none)\n"
            "  seed = 1                 their seed (gsl_rng_mt19937)\n\n"
            "  --config FILE  the configuration (required)\n"
            "  --out DIR      output folder (created if missing; required)\n"
            "  --help         show this message\n\n"
            "Exit status: 0 success, 1 bad input or usage, 2 internal failure.\n"
            "Example: lleval area --config fixtures/area/trial.ini --out area-out\n");
}

int ll_cmd_area(int argc, char **argv)
{
    const char *config = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--config") ? &config : !strcmp(a, "--out") ? &out : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return LL_EXIT_OK;
        }
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
            continue;
        }
        fprintf(stderr, "lleval area: %s '%s'\n", slot ? "missing value after" : "unexpected argument",
                a);
        usage(stderr);
        return LL_EXIT_INPUT;
    }
    if (!config || !out) {
        fprintf(stderr, "lleval area: %s is required\n", !config ? "--config FILE" : "--out DIR");
        usage(stderr);
        return LL_EXIT_INPUT;
    }
    ll_config cfg;
    ll_error err = {0};
    ll_config_init(&cfg);
    int rc = ll_config_load(&cfg, config, &err);
    if (rc == LL_OK)
        rc = ll_area_run(&cfg, out, NULL, stderr, &err);
    else if (rc == LL_EIO)
        rc = LL_EINPUT; /* a missing configuration is the user's to fix */
    if (rc != LL_OK) {
        fprintf(stderr, "lleval area: %s\n", err.msg[0] ? err.msg : ll_error_name(rc));
        return ll_cli_exit_status(rc);
    }
    fprintf(stderr, "lleval area: wrote %s/area_estimates.csv and %s/area_report.html\n", out, out);
    return LL_EXIT_OK;
}
