/* lleval synth: generates a synthetic local authority (SSDA903 returns,
 * Lifelong Links records, optionally a comparison group and item-level
 * SDQ) with known programme effects; all the work is in synth/. */
#include "commands.h"

#include "lleval/error.h"
#include "lleval/synth.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: lleval synth --children N --out DIR [options]\n\n"
        "Generates realistic synthetic data: 903 returns per collection year\n"
        "(DIR/903/<year>/{header,episodes,uasc,oc2,oc3}.csv), DIR/lifelong_links.csv\n"
        "and DIR/synth.json (the parameters and counts), with known programme effects.\n"
        "The same options give byte-identical files.\n\n"
        "  --children N            children in the returns (required, 1-5000000)\n"
        "  --out DIR               output directory (required; created if missing)\n"
        "  --seed S                random seed (gsl_rng_mt19937; default 1)\n"
        "  --la CODE               local authority code recorded in synth.json (default LA)\n"
        "  --years A-B             collection years (default 2016-2024)\n"
        "  --effect-stability X    hazard ratio of placement moves in the year after the\n"
        "                          start date (default 0.6; 1 = no effect)\n"
        "  --effect-sdq Y          SDQ points per year since the start, up to 3 years\n"
        "                          (default -1.0; 0 = no effect)\n"
        "  --effect-homeless R     risk ratio of homelessness in OC3 after the start\n"
        "                          (default 0.75; 1 = no effect)\n"
        "  --effect-connections M  mean people added to the network (default 18)\n"
        "  --effect-identity P     share reporting an improved identity (default 0.78)\n"
        "  --no-effect             stability 1, SDQ 0, homelessness 1 (a null benchmark)\n"
        "  --referral-rate K       multiplies the referral hazard (default 1: ~6%% treated)\n"
        "  --consent-rate P        share of referred children who consent (default 0.88)\n"
        "  --comparison-rate K     multiplies the comparison-choice hazard (default 1)\n"
        "  --comparison            also write DIR/comparison.csv (explicit comparison group)\n"
        "  --comparison-differs    choose the comparison children unlike the treated ones\n"
        "                          (younger, newer to care, fewer in residential care),\n"
        "                          as an authority's own list often is (implies --comparison)\n"
        "  --sdq-items             also write DIR/sdq.csv (item-level SDQ questionnaires)\n"
        "  --help                  this text\n");
}

static int parse_double(double *out, const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || errno != 0) {
        fprintf(stderr, "lleval synth: %s: '%s' is not a number\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_long(long *out, const char *opt, const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno != 0 || v < 0) {
        fprintf(stderr, "lleval synth: %s: '%s' is not a whole number >= 0\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static void progress(long done, long total, void *arg)
{
    (void)arg;
    fprintf(stderr, "\rlleval synth: %ld / %ld children", done, total);
    if (done == total)
        fputc('\n', stderr);
}

/* Options taking a double, and where they go. */
struct dopt {
    const char *name;
    size_t offset;
};

static const struct dopt DOUBLE_OPTS[] = {
    {"--effect-stability", offsetof(ll_synth_params, effect_stability)},
    {"--effect-sdq", offsetof(ll_synth_params, effect_sdq)},
    {"--effect-homeless", offsetof(ll_synth_params, effect_homeless)},
    {"--effect-connections", offsetof(ll_synth_params, effect_connections)},
    {"--effect-identity", offsetof(ll_synth_params, effect_identity)},
    {"--referral-rate", offsetof(ll_synth_params, referral_rate)},
    {"--consent-rate", offsetof(ll_synth_params, consent_rate)},
    {"--comparison-rate", offsetof(ll_synth_params, comparison_rate)},
};

/* Parses one option at argv[*i] (advancing *i past its value).  Returns 0,
 * 1 for --help, -1 for a usage error (already reported). */
static int parse_option(ll_synth_params *p, const char **out, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    char name[64];
    const char *val = NULL;
    const char *eq = strchr(opt, '=');
    if (eq != NULL && (size_t)(eq - opt) < sizeof name) {
        memcpy(name, opt, (size_t)(eq - opt));
        name[eq - opt] = '\0';
        val = eq + 1;
    } else {
        snprintf(name, sizeof name, "%s", opt);
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h"))
        return 1;
    if (!strcmp(name, "--comparison")) { p->comparison = 1; return 0; }
    if (!strcmp(name, "--sdq-items")) { p->sdq_items = 1; return 0; }
    if (!strcmp(name, "--comparison-differs")) {
        p->comparison = p->comparison_differs = 1;
        return 0;
    }
    if (!strcmp(name, "--no-effect")) {
        p->effect_stability = 1;
        p->effect_sdq = 0;
        p->effect_homeless = 1;
        return 0;
    }
    static const char *const WITH_VALUE[] = {"--children", "--seed", "--out", "--la", "--years"};
    int known = 0;
    for (size_t k = 0; k < sizeof WITH_VALUE / sizeof WITH_VALUE[0]; k++)
        known |= !strcmp(name, WITH_VALUE[k]);
    for (size_t k = 0; k < sizeof DOUBLE_OPTS / sizeof DOUBLE_OPTS[0]; k++)
        known |= !strcmp(name, DOUBLE_OPTS[k].name);
    if (!known) {
        fprintf(stderr, "lleval synth: unknown option '%s' (see lleval synth --help)\n", name);
        return -1;
    }
    if (val == NULL) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "lleval synth: %s needs a value\n", name);
            return -1;
        }
        val = argv[++*i];
    }
    if (!strcmp(name, "--children"))
        return parse_long(&p->children, name, val);
    if (!strcmp(name, "--seed")) {
        long s;
        if (parse_long(&s, name, val))
            return -1;
        p->seed = (unsigned long)s;
        return 0;
    }
    if (!strcmp(name, "--out")) { *out = val; return 0; }
    if (!strcmp(name, "--la")) {
        if (strlen(val) >= sizeof p->la) {
            fprintf(stderr, "lleval synth: --la '%s' is too long\n", val);
            return -1;
        }
        snprintf(p->la, sizeof p->la, "%s", val);
        return 0;
    }
    if (!strcmp(name, "--years")) {
        ll_error err;
        if (ll_synth_parse_years(&p->year_first, &p->year_last, val, &err)) {
            fprintf(stderr, "lleval synth: %s\n", err.msg);
            return -1;
        }
        return 0;
    }
    for (size_t k = 0; k < sizeof DOUBLE_OPTS / sizeof DOUBLE_OPTS[0]; k++)
        if (!strcmp(name, DOUBLE_OPTS[k].name))
            return parse_double((double *)((char *)p + DOUBLE_OPTS[k].offset), name, val);
    return -1; /* not reached: every known name is handled above */
}

int ll_cmd_synth(int argc, char **argv)
{
    ll_synth_params p;
    ll_synth_params_init(&p);
    p.children = -1; /* not given */
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        int r = parse_option(&p, &out, argc, argv, &i);
        if (r == 1) {
            usage(stdout);
            return LL_EXIT_OK;
        }
        if (r < 0)
            return LL_EXIT_INPUT;
    }
    if (p.children < 0 || out == NULL) {
        fprintf(stderr, "lleval synth: --children and --out are required\n\n");
        usage(stderr);
        return LL_EXIT_INPUT;
    }
    ll_error err;
    ll_error_clear(&err);
    if (ll_synth_params_check(&p, &err)) {
        fprintf(stderr, "lleval synth: %s\n", err.msg);
        return LL_EXIT_INPUT;
    }
    if (isatty(STDERR_FILENO)) {
        p.progress = progress;
        p.progress_arg = NULL;
    }
    ll_synth_summary s;
    int st = ll_synth_generate(&s, &p, out, &err);
    if (st != LL_OK) {
        fprintf(stderr, "lleval synth: %s\n", err.msg);
        return ll_cli_exit_status(st);
    }
    printf("lleval synth: seed %lu, %ld children, collection years %d-%d -> %s\n"
           "  %ld episode rows, %ld header rows, %ld OC2, %ld OC3, %ld UASC\n"
           "  %ld referred, %ld consented, %ld treated, %ld comparison children%s\n",
           p.seed, s.children, p.year_first, p.year_last, out, s.episode_rows, s.header_rows,
           s.oc2_rows, s.oc3_rows, s.uasc_rows, s.referred, s.consented, s.treated,
           s.comparison, p.comparison ? "" : " (not written: --comparison)");
    if (p.sdq_items)
        printf("  %ld item-level SDQ rows\n", s.sdq_rows);
    printf("  parameters and counts: %s/synth.json\n"
           "ingest with:\n"
           "  for y in %s/903/*/; do lleval ingest --la %s \"$y\"*.csv; done\n"
           "  lleval ingest --la %s %s/lifelong_links.csv",
           out, out, p.la, p.la, out);
    if (p.comparison)
        printf(" %s/comparison.csv", out);
    if (p.sdq_items)
        printf(" %s/sdq.csv", out);
    printf("\n");
    return LL_EXIT_OK;
}
