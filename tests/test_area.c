/* Tests of the area-level design (SPEC 11, lleval area): the reader of the
 * DfE open-data layout, ATT(g,t), the aggregates and the clustered
 * standard errors against literals computed from the SPEC's formulas by
 * fixtures/area/small/reference.R (an R implementation written apart from
 * this one), byte-identical outputs for one seed, the calibration of the
 * randomization p-value with no true effect, and the errors that name the
 * problem. */
#include "testutil.h"

#include "lleval/area.h"
#include "lleval/config.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <sys/wait.h>

#define SMALL LL_SOURCE_DIR "/fixtures/area/small"
#define PANEL LL_SOURCE_DIR "/fixtures/area/la_cla_placement_stability_2011_2024.csv"
#define TRIAL LL_SOURCE_DIR "/fixtures/area/lifelong_links_trial_las.csv"
#define FILTER_SMALL "cla_group = CLA on 31 March; measure = With 3 or more placements"
#define FILTER_DFE                                                                         \
    "cla_group = CLA on 31 March; placement_stability = With 3 or more placements during " \
    "the year"

static const char *SMALL_FILES[] = {SMALL "/panel.csv", SMALL "/panel_2016.csv"};

/* The small panel's estimates; *log_text gets the notices (caller frees). */
static ll_area_result *small_result(ll_area_panel **panel, char **log_text)
{
    ll_error err = {0};
    char *buf = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&buf, &len);
    ll_area_programme *prog = NULL;
    int *start = NULL;
    ll_area_result *res = NULL;
    ck_assert_msg(ll_area_panel_read(panel, SMALL_FILES, 2, FILTER_SMALL, "percentage", log,
                                     &err) == LL_OK, "%s", err.msg);
    fclose(log);
    ck_assert_msg(ll_area_programme_read(&prog, SMALL "/programme.csv", &err) == LL_OK, "%s",
                  err.msg);
    ck_assert_msg(ll_area_assign(&start, *panel, prog, "programme.csv", &err) == LL_OK, "%s",
                  err.msg);
    ck_assert_msg(ll_area_estimate(&res, *panel, start, 199, 7, &err) == LL_OK, "%s", err.msg);
    ll_area_programme_free(prog);
    free(start);
    *log_text = buf;
    return res;
}

/* The small panel, its estimates and notices, as each test of it uses them. */
struct small {
    ll_area_panel *p;
    char *log;
    ll_area_result *r;
};

static void small_open(struct small *s)
{
    s->r = small_result(&s->p, &s->log);
}

static void small_close(struct small *s)
{
    free(s->log);
    ll_area_result_free(s->r);
    ll_area_panel_free(s->p);
}

START_TEST(small_panel_read)
{
    struct small sm;
    small_open(&sm);
    /* E08000006 has no value in any year; 2013 is all 'z' */
    ck_assert_uint_eq(sm.p->nunits, 8);
    ck_assert_uint_eq(sm.p->nyears, 5);
    const int years[] = {2011, 2012, 2014, 2015, 2016};
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(sm.p->year[k], years[k]);
    ck_assert_str_eq(sm.p->code[0], "E08000001");
    ck_assert_str_eq(sm.p->code[5], "E09000001");
    ck_assert_str_eq(sm.p->name[5], "Treated One");
    /* the later file wins: 8 (panel_2016.csv, time_period 201415), not 99 */
    ck_assert_rel(sm.p->y[5 * 5 + 3], 8, 0);
    /* 201516 is 2016 */
    ck_assert_rel(sm.p->y[5 * 5 + 4], 9, 0);
    ck_assert(isnan(sm.p->y[6 * 5 + 3])); /* 'c' */
    ck_assert(isnan(sm.p->y[4 * 5 + 1])); /* 'x' */
    ck_assert_msg(strstr(sm.log, "panel.csv:") && strstr(sm.log, "'n/a'"), "%s", sm.log);
    ck_assert_msg(strstr(sm.log, "later file wins") && strstr(sm.log, "E09000001 2015"), "%s", sm.log);
    ck_assert_uint_eq(sm.r->ngroups, 2);
    ck_assert_int_eq(sm.r->base[0], 2012);
    ck_assert_int_eq(sm.r->base[1], 2015);
    small_close(&sm);
}
END_TEST

/* fixtures/area/small/reference.R: g t base e nT nC att se. */
static const struct {
    int g, t, b, e, nT, nC;
    double att, se;
} ATT[] = {
    {2014, 2012, 2011, -2, 2, 4, 0, 1.1989578808281798},
    {2014, 2014, 2012, 0, 2, 4, -3.25, 0.41457809879442498},
    {2014, 2015, 2012, 1, 1, 4, -5.75, 0.41457809879442498},
    {2014, 2016, 2012, 2, 2, 4, -3.5, 0.75},
    {2016, 2012, 2011, -4, 1, 4, 0.5, 0.55901699437494745},
    {2016, 2014, 2012, -2, 1, 4, 0.25, 0.21650635094610965},
    {2016, 2015, 2014, -1, 1, 5, 0, 0.28284271247461906},
    {2016, 2016, 2015, 0, 1, 5, -3, 0.40000000000000002},
};

/* e theta se z p lo hi nT nC; the last row is overall. */
static const struct {
    int e;
    double theta, se, z, p, lo, hi;
    int nT, nC;
} AGG[] = {
    {-4, 0.5, 0.55901699437494745, 0.89442719099991586, 0.37109336952269756,
     -0.59565317572072685, 1.5956531757207268, 1, 4},
    {-2, 0.083333333333333329, 0.77616400042488154, 0.10736562541900378, 0.91449892377882791,
     -1.4379201535959654, 1.6045868202626319, 3, 4},
    {-1, 0, 0.28284271247461906, 0, 1, -0.55436152973987107, 0.55436152973987107, 1, 5},
    {0, -3.1666666666666665, 0.2976761849915292, -10.637957708161231, 1.9843096677848467e-26,
     -3.7501012683053463, -2.5832320650279867, 3, 5},
    {1, -5.75, 0.41457809879442498, -13.869521850577128, 9.6920716830042762e-44,
     -6.5625581424161616, -4.9374418575838384, 1, 4},
    {2, -3.5, 0.75, -4.666666666666667, 3.0612534730621289e-06, -4.9699729884050399,
     -2.0300270115949597, 2, 4},
    {0, -3.708333333333333, 0.39640309870971829, -9.3549554617606692, 8.3634945500597257e-21,
     -4.4852691301644567, -2.9313975365022094, 3, 5},
};

static void check_num(double got, double want)
{
    if (want == 0)
        ck_assert_abs(got, 0, 1e-13);
    else
        ck_assert_rel(got, want, 1e-11);
}

/* The numbers of treated and comparison authorities a row rests on. */
static void check_counts(const ll_area_row *w, int n_treated, int n_comparison)
{
    ck_assert_int_eq((int)w->n_treated, n_treated);
    ck_assert_int_eq((int)w->n_comparison, n_comparison);
}

START_TEST(small_panel_att_gt)
{
    struct small sm;
    small_open(&sm);
    ck_assert_uint_eq(sm.r->nrows, 8 + 6 + 1);
    for (size_t i = 0; i < 8; i++) {
        const ll_area_row *w = &sm.r->rows[i];
        ck_assert_int_eq(w->estimand, LL_AREA_ATT_GT);
        ck_assert_int_eq(w->group, ATT[i].g);
        ck_assert_int_eq(w->time, ATT[i].t);
        ck_assert_int_eq(w->base, ATT[i].b);
        ck_assert_int_eq(w->event, ATT[i].e);
        check_counts(w, ATT[i].nT, ATT[i].nC);
        check_num(w->estimate, ATT[i].att);
        check_num(w->std_error, ATT[i].se);
        ck_assert(isnan(w->ri_p_value));
        ck_assert_str_eq(w->note, "");
    }
    small_close(&sm);
}
END_TEST

START_TEST(small_panel_aggregates)
{
    struct small sm;
    small_open(&sm);
    for (size_t i = 0; i < 7; i++) {
        const ll_area_row *w = &sm.r->rows[8 + i];
        ck_assert_int_eq(w->estimand, i < 6 ? LL_AREA_EVENT : LL_AREA_OVERALL);
        if (i < 6)
            ck_assert_int_eq(w->event, AGG[i].e);
        check_num(w->estimate, AGG[i].theta);
        check_num(w->std_error, AGG[i].se);
        check_num(w->statistic, AGG[i].z);
        check_num(w->p_value, AGG[i].p);
        check_num(w->conf_low, AGG[i].lo);
        check_num(w->conf_high, AGG[i].hi);
        check_counts(w, AGG[i].nT, AGG[i].nC);
    }
    const ll_area_row *o = &sm.r->rows[14];
    /* 8 authorities, groups of 2 and 1: every draw is computable here */
    ck_assert_int_eq(sm.r->ri_used, 199);
    ck_assert_str_eq(o->note, "randomization draws used: 199 of 199");
    ck_assert(o->ri_p_value >= 1.0 / 200 && o->ri_p_value <= 1);
    double k = o->ri_p_value * 200 - 1; /* (1 + #extreme) / (used + 1) */
    ck_assert_abs(k, floor(k + 0.5), 1e-9);
    small_close(&sm);
}
END_TEST

/* An in-memory panel: 4 units (one treated from year 2) x 3 years. */
static ll_area_panel *tiny(const double *y)
{
    static const char *codes[] = {"A", "B", "C", "D"};
    ll_area_panel *p = calloc(1, sizeof *p);
    p->nunits = 4;
    p->nyears = 3;
    p->code = calloc(4, sizeof *p->code);
    p->name = calloc(4, sizeof *p->name);
    for (int u = 0; u < 4; u++) {
        p->code[u] = strdup(codes[u]);
        p->name[u] = strdup("");
    }
    p->year = malloc(3 * sizeof *p->year);
    p->y = malloc(12 * sizeof *p->y);
    for (int k = 0; k < 3; k++)
        p->year[k] = 2020 + k;
    memcpy(p->y, y, 12 * sizeof *y);
    return p;
}

/* ll_area_estimate on the tiny panel of y with unit A starting in 2022,
 * which must succeed; *panel gets the panel (caller frees both). */
static ll_area_result *tiny_estimate(ll_area_panel **panel, const double *y, long draws,
                                     unsigned long seed)
{
    ll_error err = {0};
    int start[] = {2022, 0, 0, 0};
    ll_area_result *r = NULL;
    *panel = tiny(y);
    ck_assert_msg(ll_area_estimate(&r, *panel, start, draws, seed, &err) == LL_OK, "%s", err.msg);
    return r;
}

START_TEST(zero_se_and_not_computable)
{
    /* every D is 1 except the treated unit's 3 in 2022: SE 0 */
    const double y1[] = {0, 1, 4, 0, 1, 2, 5, 6, 7, 3, 4, 5};
    ll_area_panel *p;
    ll_area_result *r = tiny_estimate(&p, y1, 20, 1);
    const ll_area_row *o = &r->rows[r->nrows - 1];
    ck_assert_int_eq(o->estimand, LL_AREA_OVERALL);
    ck_assert_rel(o->estimate, 2, 1e-15);
    ck_assert_abs(o->std_error, 0, 0);
    ck_assert(isnan(o->statistic) && isnan(o->p_value));
    ck_assert_rel(o->conf_low, 2, 1e-15);
    ck_assert_rel(o->conf_high, 2, 1e-15);
    ll_area_result_free(r);
    ll_area_panel_free(p);
    /* comparison units missing in 2022: the post cell has 1 comparison unit */
    const double y2[] = {0, 1, 4, 0, 1, NAN, 5, 6, NAN, 3, 4, 5};
    r = tiny_estimate(&p, y2, 20, 1);
    ck_assert_uint_eq(r->nrows, 2 + 1 + 1); /* 2 cells, event -1, overall */
    const ll_area_row *c = &r->rows[1];
    ck_assert_int_eq(c->time, 2022);
    ck_assert(!c->computable && isnan(c->estimate));
    ck_assert_uint_eq(c->n_treated, 1);
    ck_assert_uint_eq(c->n_comparison, 1);
    ck_assert_msg(strstr(c->note, "fewer than 2 comparison"), "%s", c->note);
    o = &r->rows[3];
    ck_assert(!o->computable && isnan(o->estimate) && isnan(o->ri_p_value));
    ck_assert_uint_eq(o->n_treated, 0);
    ck_assert_uint_eq(o->n_comparison, 0);
    ck_assert_msg(strstr(o->note, "not computable"), "%s", o->note);
    ll_area_result_free(r);
    ll_area_panel_free(p);
}
END_TEST

/* SPEC 11's recipe on the tiny panel: one treated unit, so a draw gives
 * the programme to the first code of the shuffled sorted list.  Only A's
 * own change (3, against 1 for B, C and D) gives |theta*| >= |theta| = 2
 * (the others give -2/3), and A drawn reproduces theta exactly: a tie that
 * must count.  The draws are replayed here with GSL directly. */
START_TEST(ri_recipe)
{
    const double y[] = {0, 1, 4, 0, 1, 2, 5, 6, 7, 3, 4, 5};
    const long draws = 500;
    const unsigned long seed = 12345;
    ll_area_panel *p;
    ll_area_result *r = tiny_estimate(&p, y, draws, seed);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    long a_first = 0;
    for (long d = 0; d < draws; d++) {
        const char *codes[] = {"A", "B", "C", "D"};
        gsl_ran_shuffle(rng, codes, 4, sizeof *codes);
        a_first += !strcmp(codes[0], "A");
    }
    gsl_rng_free(rng);
    ck_assert(a_first > 50 && a_first < 200);
    const ll_area_row *o = &r->rows[r->nrows - 1];
    ck_assert_rel(o->estimate, 2, 0);
    ck_assert_int_eq(r->ri_used, draws);
    ck_assert_rel(o->ri_p_value, (double)(1 + a_first) / (double)(draws + 1), 1e-15);
    ll_area_result_free(r);
    ll_area_panel_free(p);
}
END_TEST

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int ch;
    while ((ch = fgetc(f)) != EOF)
        fputc(ch, m);
    fclose(f);
    fclose(m);
    return buf;
}

START_TEST(same_seed_same_bytes)
{
    ll_config cfg;
    ll_error err = {0};
    char d1[] = "/tmp/lleval-area-XXXXXX", d2[] = "/tmp/lleval-area-XXXXXX";
    ck_assert(mkdtemp(d1) && mkdtemp(d2));
    const char *dirs[] = {d1, d2};
    for (int i = 0; i < 2; i++) {
        ll_config_init(&cfg);
        ck_assert_msg(ll_config_load(&cfg, SMALL "/small.ini", &err) == LL_OK, "%s", err.msg);
        ck_assert_msg(ll_area_run(&cfg, dirs[i], NULL, NULL, &err) == LL_OK, "%s", err.msg);
    }
    const char *files[] = {"area_estimates.csv", "area_report.html"};
    for (int k = 0; k < 2; k++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "%s/%s", d1, files[k]);
        snprintf(b, sizeof b, "%s/%s", d2, files[k]);
        char *x = slurp(a), *y = slurp(b);
        ck_assert_msg(strlen(x) > 500, "%s is short", a);
        ck_assert_msg(!strcmp(x, y), "%s differs between two runs", files[k]);
        if (k == 0) { /* the header and the first row of SPEC 11 */
            const char *want = "outcome,estimand,group,time,event,n_treated,n_comparison,"
                               "estimate,std.error,statistic,p.value,conf.low,conf.high,"
                               "ri_p.value,note\npct_3plus,att_gt,2014,2012,-2,2,4,0,";
            ck_assert_msg(!strncmp(x, want, strlen(want)), "%s", x);
        } else
            ck_assert(strstr(x, "minimum detectable effect") && strstr(x, "E09000003") &&
                      strstr(x, "Treated Three") && strstr(x, "base year"));
        free(x);
        free(y);
    }
    tu_remove_tree(d1);
    tu_remove_tree(d2);
}
END_TEST

/* The shipped panel (all 158 authorities) and the trial's programme file,
 * both of which must read. */
static void read_trial(ll_area_panel **panel, ll_area_programme **prog)
{
    ll_error err = {0};
    const char *files[] = {PANEL};
    ck_assert_msg(ll_area_panel_read(panel, files, 1, FILTER_DFE, "percentage", NULL, &err) ==
                  LL_OK, "%s", err.msg);
    ck_assert_uint_eq((*panel)->nunits, 158);
    ck_assert_msg(ll_area_programme_read(prog, TRIAL, &err) == LL_OK, "%s", err.msg);
}

/* The README's worked example against fixtures/area/trial_reference.R
 * (R from SPEC 11's formulas on the published CSV). */
START_TEST(trial_panel)
{
    ll_error err = {0};
    ll_area_panel *p = NULL;
    ll_area_programme *prog = NULL;
    ll_area_result *r = NULL;
    int *start = NULL;
    read_trial(&p, &prog);
    ck_assert_uint_eq(p->nyears, 11);
    ck_assert_int_eq(ll_area_assign(&start, p, prog, "trial", &err), LL_OK);
    ck_assert_int_eq(ll_area_estimate(&r, p, start, 0, 1, &err), LL_OK);
    const ll_area_row *o = &r->rows[r->nrows - 1];
    ck_assert_int_eq(o->estimand, LL_AREA_OVERALL);
    ck_assert_rel(o->estimate, -1.1486095574167257, 1e-12);
    ck_assert_rel(o->std_error, 1.2104970851004226, 1e-12);
    ck_assert_rel(o->p_value, 0.34268455409613546, 1e-10);
    ck_assert(isnan(o->ri_p_value)); /* no draws asked for */
    ck_assert_int_eq(r->base[0], 2014);
    ll_area_result_free(r);
    ll_area_programme_free(prog);
    ll_area_panel_free(p);
    free(start);
}
END_TEST

/* Without gnuplot the scripts and data are still written and the page
 * says the charts were not drawn. */
START_TEST(report_without_gnuplot)
{
    ll_config cfg;
    ll_error err = {0};
    char d[] = "/tmp/lleval-area-XXXXXX", path[300];
    ck_assert(mkdtemp(d));
    ll_config_init(&cfg);
    ck_assert_msg(ll_config_load(&cfg, SMALL "/small.ini", &err) == LL_OK, "%s", err.msg);
    char *buf = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&buf, &len);
    ck_assert_msg(ll_area_run(&cfg, d, "/nonexistent/gnuplot", log, &err) == LL_OK, "%s",
                  err.msg);
    fclose(log);
    ck_assert_msg(strstr(buf, "gnuplot not found"), "%s", buf);
    snprintf(path, sizeof path, "%s/area_report.html", d);
    char *html = slurp(path);
    ck_assert(strstr(html, "chart was not drawn") && !strstr(html, "<svg"));
    const char *names[] = {"means.gp", "means.dat", "event.gp", "event.dat"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/area_charts/%s", d, names[i]);
        ck_assert_msg(access(path, R_OK) == 0, "%s missing", path);
    }
    free(html);
    free(buf);
    tu_remove_tree(d);
}
END_TEST

/* A copy of p without the units listed in prog. */
static ll_area_panel *without(const ll_area_panel *p, const ll_area_programme *prog)
{
    ll_area_panel *q = calloc(1, sizeof *q);
    q->nyears = p->nyears;
    q->code = calloc(p->nunits, sizeof *q->code);
    q->name = calloc(p->nunits, sizeof *q->name);
    q->y = malloc(p->nunits * p->nyears * sizeof *q->y);
    q->year = malloc(p->nyears * sizeof *q->year);
    memcpy(q->year, p->year, p->nyears * sizeof *q->year);
    for (size_t u = 0; u < p->nunits; u++) {
        int listed = 0;
        for (size_t i = 0; i < prog->n; i++)
            listed |= !strcmp(prog->code[i], p->code[u]);
        if (listed)
            continue;
        q->code[q->nunits] = strdup(p->code[u]);
        q->name[q->nunits] = strdup(p->name[u]);
        memcpy(q->y + q->nunits * p->nyears, p->y + u * p->nyears, p->nyears * sizeof *q->y);
        q->nunits++;
    }
    return q;
}

/* With no true effect -- the programme given to 7 never-treated
 * authorities of the shipped panel at random, 200 times -- the
 * randomization p-value is below 0.05 about 5% of the time (with 99
 * draws, exactly P(#extreme <= 3) = 4%). */
START_TEST(ri_null_calibration)
{
    ll_error err = {0};
    ll_area_panel *full = NULL;
    ll_area_programme *prog = NULL;
    read_trial(&full, &prog);
    ll_area_panel *p = without(full, prog);
    ck_assert_uint_eq(p->nunits, 151);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20240331);
    size_t *idx = malloc(p->nunits * sizeof *idx);
    int *start = malloc(p->nunits * sizeof *start);
    const int reps = 200;
    int below = 0, clustered_below = 0;
    for (int rep = 0; rep < reps; rep++) {
        for (size_t i = 0; i < p->nunits; i++)
            idx[i] = i, start[i] = 0;
        gsl_ran_shuffle(rng, idx, p->nunits, sizeof *idx);
        for (int i = 0; i < 7; i++)
            start[idx[i]] = 2018;
        ll_area_result *r = NULL;
        ck_assert_int_eq(ll_area_estimate(&r, p, start, 99, (unsigned long)rep + 1, &err), LL_OK);
        const ll_area_row *o = &r->rows[r->nrows - 1];
        ck_assert(o->computable && r->ri_used == 99);
        below += o->ri_p_value < 0.05;
        clustered_below += o->p_value < 0.05;
        ll_area_result_free(r);
    }
    fprintf(stderr, "ri_null_calibration: randomization p < 0.05 in %d of %d; clustered-SE p "
                    "< 0.05 in %d of %d\n", below, reps, clustered_below, reps);
    ck_assert_msg(below >= 1 && below <= reps / 10, "%d of %d below 0.05", below, reps);
    free(idx);
    free(start);
    gsl_rng_free(rng);
    ll_area_panel_free(p);
    ll_area_panel_free(full);
    ll_area_programme_free(prog);
}
END_TEST

/* Runs `lleval area` on an [area] section written to a temporary folder
 * (with the given programme file text, "" for the small panel's); returns
 * the exit status and the messages in msg. */
static int run_area(const char *area_keys, const char *programme, const char *extra_name,
                    const char *extra_text, char *msg, size_t size)
{
    char dir[] = "/tmp/lleval-area-XXXXXX", path[512], cmd[2048];
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/prog.csv", dir);
    FILE *f = fopen(path, "w");
    fputs(programme[0] ? programme : "new_la_code,start_year\nE09000001,2014\n", f);
    fclose(f);
    if (extra_name) {
        snprintf(path, sizeof path, "%s/%s", dir, extra_name);
        f = fopen(path, "w");
        fputs(extra_text, f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/area.ini", dir);
    f = fopen(path, "w");
    fprintf(f, "[area]\nprogramme = prog.csv\n%s", area_keys);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' area --config '%s/area.ini' --out '%s/out' 2>'%s/err.txt'",
             tu_lleval_path(), dir, dir, dir);
    int st = system(cmd);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    char *text = slurp(path);
    snprintf(msg, size, "%s", text);
    free(text);
    tu_remove_tree(dir);
    ck_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

#define SMALL_DATA "data = " SMALL "/panel.csv\n"
#define SMALL_KEYS SMALL_DATA "value = percentage\nfilter = " FILTER_SMALL "\n"

static void expect_error(const char *keys, const char *prog, const char *xname,
                         const char *xtext, const char *want1, const char *want2)
{
    char msg[4096];
    int st = run_area(keys, prog, xname, xtext, msg, sizeof msg);
    ck_assert_msg(st == 1, "exit %d, want 1: %s", st, msg);
    ck_assert_msg(strstr(msg, want1) && strstr(msg, want2), "message '%s' lacks '%s' / '%s'",
                  msg, want1, want2);
}

START_TEST(error_programme_code)
{
    expect_error(SMALL_KEYS, "new_la_code,start_year\nE09000001,2014\nE09999999,2014\n", NULL,
                 NULL, "prog.csv:3: programme authority E09999999", "is not in the data");
}
END_TEST

START_TEST(error_filter)
{
    expect_error(SMALL_DATA "value = percentage\nfilter = cla_group = CLA on 31 March; "
                            "measure = With 4 or more placements\n",
                 "", NULL, NULL, "filter 'measure = With 4 or more placements' matches no "
                 "Local authority row", "'With 3 or more placements'");
    expect_error(SMALL_DATA "value = percentage\nfilter = region = London\n", "", NULL, NULL,
                 "panel.csv: no column 'region'", "filter");
}
END_TEST

START_TEST(error_value_column)
{
    expect_error(SMALL_DATA "value = rate\nfilter = " FILTER_SMALL "\n", "", NULL, NULL,
                 "panel.csv: no value column 'rate'", "[area] value");
}
END_TEST

START_TEST(error_start_year)
{
    expect_error(SMALL_KEYS, "new_la_code,start_year\nE09000001,2011\n", NULL, NULL,
                 "start year 2011 of E09000001 is outside the data", "first year (2011)");
    expect_error(SMALL_KEYS, "new_la_code,start_year\nE09000001,2017\n", NULL, NULL,
                 "start year 2017 of E09000001 is outside the data", "its last (2015)");
}
END_TEST

START_TEST(error_duplicate_row)
{
    expect_error("data = dup.csv\nvalue = percentage\n", "", "dup.csv",
                 "time_period,geographic_level,new_la_code,la_name,percentage\n"
                 "2013,Local authority,E09000001,One,5\n"
                 "2014,Local authority,E09000001,One,6\n"
                 "2014,Local authority,E09000002,Two,6\n"
                 "2014,Local authority,E09000001,One,7\n",
                 "dup.csv: lines 3 and 5: two rows for E09000001 in 2014", "[area] filter");
}
END_TEST

START_TEST(error_programme_file_and_period)
{
    expect_error(SMALL_KEYS, "new_la_code,start_year\nE09000001,2014\nE09000001,2015\n", NULL,
                 NULL, "prog.csv:3: E09000001 is listed twice", "line 2");
    expect_error(SMALL_KEYS, "code,start_year\nE09000001,2014\n", NULL, NULL,
                 "prog.csv: no column 'new_la_code'", "new_la_code,start_year");
    expect_error("data = bad.csv\nvalue = percentage\n", "", "bad.csv",
                 "time_period,geographic_level,new_la_code,percentage\n"
                 "2013,Local authority,E09000001,5\n"
                 "2013-14,Local authority,E09000001,6\n",
                 "bad.csv:3: time_period '2013-14' is not a year", "YYYYZZ");
}
END_TEST

START_TEST(usage_and_help)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' area --help | grep -q 'usage: lleval area --config FILE "
             "--out DIR'", tu_lleval_path());
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' area --out /tmp/x 2>/dev/null", tu_lleval_path());
    int st = system(cmd);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    expect_error("value = percentage\n", "", NULL, NULL, "[area] data is not set", "area.ini");
}
END_TEST

START_TEST(config_keys)
{
    ll_config c;
    ll_error err = {0};
    ll_config_init(&c);
    ck_assert_int_eq(c.area.ri_draws, 999);
    ck_assert_uint_eq(c.area.seed, 1);
    ck_assert_int_eq(c.area.lower_is_better, 1);
    ck_assert_int_eq(ll_config_parse_string(&c, "[area]\nfilter = a = 1; b = 2\nri_draws = 5\n",
                                            "x.ini", &err), LL_OK);
    ck_assert_str_eq(c.area.filter, "a = 1; b = 2");
    ck_assert_int_eq(c.area.ri_draws, 5);
    /* " ;" would start an INI comment and drop "b = 2" silently */
    ll_config_init(&c);
    ck_assert_int_eq(ll_config_parse_string(&c, "[area]\nfilter = a = 1 ; b = 2\n", "x.ini",
                                            &err), LL_EINPUT);
    ck_assert_msg(strstr(err.msg, "x.ini:2: [area] filter") && strstr(err.msg, "comment"), "%s",
                  err.msg);
    ll_config_init(&c);
    ck_assert_int_eq(ll_config_parse_string(&c, "[area]\nseed = -1\n", "x.ini", &err),
                     LL_EINPUT);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {small_panel_read, small_panel_att_gt, small_panel_aggregates,
                                  zero_se_and_not_computable, ri_recipe, same_seed_same_bytes,
                                  ri_null_calibration, error_programme_code, error_filter,
                                  error_value_column, error_start_year, error_duplicate_row,
                                  error_programme_file_and_period, trial_panel,
                                  report_without_gnuplot, usage_and_help, config_keys, NULL};
    return tu_suite("area", tests, 60);
}
