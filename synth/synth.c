/* The synthetic-data generator's entry points: parameters, the output
 * directory and its files, the child-by-child main loop, and synth.json
 * (the parameters and counts, so that a data set says how it was made). */
#include "synth_internal.h"

#include "lleval/date.h"
#include "lleval/version.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define PATH_LEN 4096

static const char *const TABLE_FILE[TAB_N] = {"header.csv", "episodes.csv", "uasc.csv", "oc2.csv",
                                              "oc3.csv"};

void ll_synth_params_init(ll_synth_params *p)
{
    memset(p, 0, sizeof *p);
    p->children = 0;
    p->seed = 1;
    snprintf(p->la, sizeof p->la, "LA");
    p->year_first = 2016;
    p->year_last = 2024;
    p->effect_stability = 0.6;
    p->effect_sdq = -1.0;
    p->effect_connections = 18;
    p->effect_homeless = 0.75;
    p->effect_identity = 0.78;
    p->referral_rate = 1;
    p->consent_rate = 0.88;
    p->comparison_rate = 1;
}

static int in_range(double v, double lo, double hi)
{
    return v >= lo && v <= hi; /* false for NaN */
}

int ll_synth_params_check(const ll_synth_params *p, ll_error *err)
{
    if (p->children < 1 || p->children > LL_SYNTH_MAX_CHILDREN)
        return ll_error_set(err, LL_EINPUT, "children must be 1 to %ld, not %ld",
                            LL_SYNTH_MAX_CHILDREN, p->children);
    if (p->year_first < 2000 || p->year_last > 2099 || p->year_first > p->year_last ||
        p->year_last - p->year_first + 1 > LL_SYNTH_MAX_YEARS)
        return ll_error_set(err, LL_EINPUT,
                            "years %d-%d: need 2000 <= first <= last <= 2099, at most %d years",
                            p->year_first, p->year_last, LL_SYNTH_MAX_YEARS);
    if (p->la[0] == '\0' || strlen(p->la) >= sizeof p->la)
        return ll_error_set(err, LL_EINPUT, "la must be 1 to %d characters",
                            LL_SYNTH_LA_MAX - 1);
    for (const char *s = p->la; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return ll_error_set(err, LL_EINPUT, "la '%s': use letters, digits, '_' or '-'", p->la);
    struct {
        const char *name;
        double v, lo, hi;
    } r[] = {{"effect-stability (a hazard ratio)", p->effect_stability, 0.01, 10},
             {"effect-sdq (points per year)", p->effect_sdq, -10, 10},
             {"effect-connections (mean people gained)", p->effect_connections, 0, 200},
             {"effect-homeless (a risk ratio)", p->effect_homeless, 0, 10},
             {"effect-identity (a probability)", p->effect_identity, 0, 1},
             {"referral-rate (a multiplier)", p->referral_rate, 0, 100},
             {"consent-rate (a probability)", p->consent_rate, 0, 1},
             {"comparison-rate (a multiplier)", p->comparison_rate, 0, 100}};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (!in_range(r[i].v, r[i].lo, r[i].hi))
            return ll_error_set(err, LL_EINPUT, "%s must be in [%g, %g], not %g", r[i].name,
                                r[i].lo, r[i].hi, r[i].v);
    return LL_OK;
}

static int parse_year(int *out, const char *s, size_t len)
{
    if (len != 4)
        return -1;
    int v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int ll_synth_parse_years(int *first, int *last, const char *s, ll_error *err)
{
    const char *dash = strchr(s, '-');
    int a, b;
    if (dash == NULL) {
        if (parse_year(&a, s, strlen(s)))
            goto bad;
        b = a;
    } else if (parse_year(&a, s, (size_t)(dash - s)) || parse_year(&b, dash + 1, strlen(dash + 1))) {
        goto bad;
    }
    if (a < 2000 || b > 2099 || a > b || b - a + 1 > LL_SYNTH_MAX_YEARS)
        goto bad;
    *first = a;
    *last = b;
    return LL_OK;
bad:
    return ll_error_set(err, LL_EINPUT,
                        "years '%s': want A-B, collection years 2000-2099, A <= B, at most %d", s,
                        LL_SYNTH_MAX_YEARS);
}

/* ---- child IDs ---- */

static unsigned long long splitmix64(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A keyed permutation of 0 .. 2^24-1 (a four-round Feistel network on
 * 12-bit halves); walking the cycle until the value is below 10^7 makes it
 * a permutation of the seven-digit IDs, so IDs are unique and look random. */
static long child_id(const unsigned keys[4], long k)
{
    unsigned v = (unsigned)k;
    do {
        unsigned l = v >> 12, r = v & 0xFFFu;
        for (int i = 0; i < 4; i++) {
            unsigned f = (r + keys[i]) * 0x9E3779B1u;
            f = (f ^ (f >> 15)) & 0xFFFu;
            unsigned nl = r;
            r = l ^ f;
            l = nl;
        }
        v = (l << 12) | r;
    } while (v >= 10000000u);
    return (long)v;
}

/* ---- files ---- */

static int make_dir(const char *path, ll_error *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return LL_OK;
    }
    /* a path the user gave that cannot be a directory: exit 1 */
    return ll_error_set(err, LL_EINPUT, "cannot create directory %s: %s", path, strerror(errno));
}

static FILE *open_out(const char *path, ll_error *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        ll_error_set(err, LL_EIO, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    return f;
}

static int close_out(FILE **f, const char *what, ll_error *err)
{
    if (*f == NULL)
        return LL_OK;
    int bad = ferror(*f);
    bad |= fclose(*f) != 0;
    *f = NULL;
    return bad ? ll_error_set(err, LL_EIO, "error writing %s", what) : LL_OK;
}

static int open_files(syn_ctx *x, const char *dir, ll_error *err)
{
    char path[PATH_LEN];
    int st = make_dir(dir, err);
    snprintf(path, sizeof path, "%s/903", dir);
    if (st == LL_OK)
        st = make_dir(path, err);
    for (int y = 0; y < x->ny && st == LL_OK; y++) {
        snprintf(path, sizeof path, "%s/903/%d", dir, x->p->year_first + y);
        st = make_dir(path, err);
        for (int t = 0; t < TAB_N && st == LL_OK; t++) {
            snprintf(path, sizeof path, "%s/903/%d/%s", dir, x->p->year_first + y, TABLE_FILE[t]);
            if ((x->f[y][t] = open_out(path, err)) == NULL)
                st = LL_EIO;
        }
    }
    const struct {
        FILE **f;
        const char *name;
        int want;
    } extra[] = {{&x->links, "lifelong_links.csv", 1},
                 {&x->cmp, "comparison.csv", x->p->comparison},
                 {&x->sdq, "sdq.csv", x->p->sdq_items}};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0] && st == LL_OK; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, extra[i].name);
        if (extra[i].want) {
            if ((*extra[i].f = open_out(path, err)) == NULL)
                st = LL_EIO;
        } else if (unlink(path) != 0 && errno != ENOENT) {
            /* a file from an earlier run would mix two data sets */
            st = ll_error_set(err, LL_EIO, "cannot remove %s: %s", path, strerror(errno));
        }
    }
    return st;
}

static int close_files(syn_ctx *x, ll_error *err)
{
    int st = LL_OK;
    for (int y = 0; y < x->ny; y++)
        for (int t = 0; t < TAB_N; t++)
            if (close_out(&x->f[y][t], TABLE_FILE[t], err))
                st = LL_EIO;
    if (close_out(&x->links, "lifelong_links.csv", err) ||
        close_out(&x->cmp, "comparison.csv", err) || close_out(&x->sdq, "sdq.csv", err))
        st = LL_EIO;
    return st;
}

static void iso(char *buf, size_t size, long day)
{
    ll_date_format(buf, size, day);
}

static int write_json(const syn_ctx *x, const char *dir, ll_error *err)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/synth.json", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return ll_error_set(err, LL_EIO, "cannot write %s: %s", path, strerror(errno));
    const ll_synth_params *p = x->p;
    const ll_synth_summary *s = &x->sum;
    char end[16], ps[16], pe[16];
    iso(end, sizeof end, x->e);
    iso(ps, sizeof ps, x->prog_start);
    iso(pe, sizeof pe, x->prog_end);
    fprintf(f,
            "{\n  \"generator\": \"lleval synth %s\",\n  \"rng\": \"gsl_rng_mt19937\",\n"
            "  \"seed\": %lu,\n  \"children\": %ld,\n  \"la\": \"%s\",\n"
            "  \"years\": [%d, %d],\n  \"data_end\": \"%s\",\n"
            "  \"programme_referrals\": [\"%s\", \"%s\"],\n",
            LL_VERSION, p->seed, p->children, p->la, p->year_first, p->year_last, end, ps, pe);
    fprintf(f,
            "  \"effects\": {\n    \"stability_hazard_ratio\": %.10g,\n"
            "    \"stability_window_days\": 365,\n    \"sdq_points_per_year\": %.10g,\n"
            "    \"sdq_effect_max_years\": 3,\n    \"connections_gain_mean\": %.10g,\n"
            "    \"homeless_risk_ratio\": %.10g,\n    \"identity_improved_probability\": %.10g\n  },\n",
            p->effect_stability, p->effect_sdq, p->effect_connections, p->effect_homeless,
            p->effect_identity);
    fprintf(f,
            "  \"selection\": {\n    \"referral_rate\": %.10g,\n    \"consent_rate\": %.10g,\n"
            "    \"comparison_rate\": %.10g,\n    \"comparison_differs\": %s\n  },\n"
            "  \"outputs\": {\"comparison\": %s, \"sdq_items\": %s},\n",
            p->referral_rate, p->consent_rate, p->comparison_rate,
            p->comparison_differs ? "true" : "false",
            p->comparison ? "true" : "false", p->sdq_items ? "true" : "false");
    fprintf(f,
            "  \"counts\": {\n    \"children\": %ld,\n    \"histories_simulated\": %ld,\n"
            "    \"episode_rows\": %ld,\n    \"header_rows\": %ld,\n    \"uasc_rows\": %ld,\n"
            "    \"oc2_rows\": %ld,\n    \"oc3_rows\": %ld,\n    \"referred\": %ld,\n"
            "    \"consented\": %ld,\n    \"treated\": %ld,\n    \"comparison\": %ld,\n"
            "    \"sdq_item_rows\": %ld\n  }\n}\n",
            s->children, s->simulated, s->episode_rows, s->header_rows, s->uasc_rows,
            s->oc2_rows, s->oc3_rows, s->referred, s->consented, s->treated, s->comparison,
            s->sdq_rows);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? ll_error_set(err, LL_EIO, "error writing %s", path) : LL_OK;
}

static void set_dates(syn_ctx *x)
{
    const ll_synth_params *p = x->p;
    x->ny = p->year_last - p->year_first + 1;
    x->w0 = ll_date_from_ymd(p->year_first - 1, 4, 1);
    x->e = ll_date_from_ymd(p->year_last, 3, 31);
    /* referrals begin after a year of returns, when there is one, so that
     * the year before a start date is in the data */
    x->prog_start = x->ny >= 2 ? ll_date_from_ymd(p->year_first, 4, 1) : x->w0;
    x->prog_end = x->e - 90;
}

/* Simulates children until one has a row in the collection years. */
static int next_child(syn_ctx *x, syn_child *c, ll_error *err)
{
    for (int tries = 0; tries < 100000; tries++) {
        syn_child_draw(x, c);
        int st = syn_history_simulate(x, c);
        if (st != LL_OK)
            return ll_error_set(err, st, "out of memory simulating a care history");
        x->sum.simulated++;
        if (syn_child_in_window(x, c))
            return LL_OK;
    }
    return ll_error_set(err, LL_EINTERNAL, "no simulated child falls in the collection years");
}

static int run(syn_ctx *x, const char *dir, ll_error *err)
{
    const ll_synth_params *p = x->p;
    unsigned long long state = p->seed;
    unsigned keys[4];
    for (int i = 0; i < 4; i++)
        keys[i] = (unsigned)(splitmix64(&state) & 0xFFFFFFu);
    syn_child c;
    memset(&c, 0, sizeof c);
    int st = open_files(x, dir, err);
    if (st == LL_OK && syn_write_table_headers(x))
        st = ll_error_set(err, LL_EIO, "cannot write to %s", dir);
    for (long k = 0; k < p->children && st == LL_OK; k++) {
        st = next_child(x, &c, err);
        if (st != LL_OK)
            break;
        c.id = child_id(keys, k);
        if (syn_write_child(x, &c))
            st = ll_error_set(err, LL_EIO, "cannot write to %s", dir);
        if (p->progress && (k + 1) % 5000 == 0)
            p->progress(k + 1, p->children, p->progress_arg);
    }
    x->sum.children = st == LL_OK ? p->children : 0;
    syn_child_free(&c);
    int cst = close_files(x, st == LL_OK ? err : NULL);
    if (st == LL_OK)
        st = cst;
    if (st == LL_OK)
        st = write_json(x, dir, err);
    return st;
}

int ll_synth_generate(ll_synth_summary *out, const ll_synth_params *p, const char *dir,
                      ll_error *err)
{
    int st = ll_synth_params_check(p, err);
    if (st != LL_OK)
        return st;
    if (dir == NULL || dir[0] == '\0' || strlen(dir) > PATH_LEN - 64)
        return ll_error_set(err, LL_EINPUT, "an output directory is needed");
    syn_ctx x;
    memset(&x, 0, sizeof x);
    x.p = p;
    set_dates(&x);
    x.rng = gsl_rng_alloc(gsl_rng_mt19937);
    x.items = gsl_rng_alloc(gsl_rng_mt19937);
    if (x.rng == NULL || x.items == NULL) {
        st = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(x.rng, p->seed);
    /* a second stream for item-level SDQ, so that asking for it changes
     * no other file */
    gsl_rng_set(x.items, p->seed ^ 0x5DEECE66DUL);
    st = run(&x, dir, err);
done:
    gsl_rng_free(x.rng);
    gsl_rng_free(x.items);
    if (out)
        *out = x.sum;
    return st;
}
