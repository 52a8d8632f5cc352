/* Tests of matching, balance, Table 1 and the sample-size table (SPEC 5).
 *
 * - fixtures/match/<case>: tiny hand-made histories whose right matches
 *   are worked out by hand in fixtures/match/README.md (nearest neighbour
 *   in age, since age is the only covariate that varies within a month);
 *   the logits are R's glm (fixtures/match/reference.R), so ps_logit,
 *   caliper and distances are checked against R to 1e-6.  The histories
 *   go straight into a fresh database (schema of core/db.c), as
 *   tests/test_derive.c does, and `lleval evaluate` runs on it, with
 *   `--config` for ratio, caliper and exact.
 * - the matched worked example: matches.csv is byte-identical whatever the
 *   order of the input rows, and every pair is the one an independent,
 *   brute-force run of the greedy rule over the program's own model picks.
 * - balance: SMD and variance ratios against R on a known table.
 * Runs the lleval beside this test program, from the repository root. */
#include "fixture_db.h"
#include "testutil.h"

#include "lleval/balance.h"
#include "lleval/date.h"
#include "lleval/db.h"
#include "lleval/derive.h"
#include "lleval/match.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX "fixtures/match/"
#define EXAMPLE "fixtures/examples/matched/input"

/* ---- running lleval ----------------------------------------------------- */

/* Runs cmd with its output appended to log; returns its exit status. */
static int run_status(const char *cmd, const char *log)
{
    char buf[16384];
    snprintf(buf, sizeof buf, "%s >>'%s' 2>&1", cmd, log);
    int rc = system(buf);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void run(const char *cmd, const char *log)
{
    int rc = run_status(cmd, log);
    ck_assert_msg(rc == 0, "'%s' failed (status %d); see %s", cmd, rc, log);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void make_tmpdir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/lleval-match-XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct fix {
    char dir[64];
    char db[128];
    char log[128];
};

/* A fresh database in a new folder holding fixtures/match/<name>. */
static void fix_make(struct fix *fx, const char *name)
{
    static const struct tu_colmap ll[] = {
        {"la", "LA", 't', 0},       {"child", "CHILD", 't', 0},
        {"referral_date", "REFERRAL_DATE", 'd', 0}, {"consent", "CONSENT", 't', 0},
        {"start_date", "START_DATE", 'd', 0},       {"fgc_date", "FGC_DATE", 'd', 0},
        {"file_id", NULL, 'c', 1}};
    char path[256];
    make_tmpdir(fx->dir, sizeof fx->dir);
    snprintf(fx->db, sizeof fx->db, "%s/test.db", fx->dir);
    snprintf(fx->log, sizeof fx->log, "%s/log.txt", fx->dir);
    sqlite3 *db;
    ll_error err = {0};
    ck_assert_msg(ll_db_open(&db, fx->db, 0, &err) == LL_OK, "%s", err.msg);
    ck_assert_int_eq(ll_db_exec(db, "BEGIN", &err), LL_OK);
    snprintf(path, sizeof path, FIX "%s/episodes.csv", name);
    tu_load_csv(db, path, "episodes", tu_cols_episodes, TU_NCOLS_EPISODES);
    snprintf(path, sizeof path, FIX "%s/header.csv", name);
    tu_load_csv(db, path, "header", tu_cols_header, TU_NCOLS_HEADER);
    snprintf(path, sizeof path, FIX "%s/lifelong_links.csv", name);
    tu_load_csv(db, path, "lifelong_links", ll, N(ll));
    /* An ingest records one episodes file per (la, year) it loaded. */
    ck_assert_int_eq(ll_db_exec(db, "INSERT INTO files(path, kind, la, year, sha256, ingested_at)"
                                    " SELECT DISTINCT 'e', 'episodes', la, year, '', '' FROM episodes",
                                &err), LL_OK);
    ck_assert_int_eq(ll_db_exec(db, "COMMIT", &err), LL_OK);
    ll_db_close(db);
}

/* lleval evaluate on db into dir/out (config text, when not NULL, in
 * dir/cfg.ini); returns the exit status. */
static int evaluate_status(const struct fix *fx, const char *db, const char *config,
                           const char *out)
{
    char cmd[2048], cfg[160] = "";
    if (config) {
        char path[128];
        snprintf(path, sizeof path, "%s/cfg.ini", fx->dir);
        write_file(path, config);
        snprintf(cfg, sizeof cfg, "--config '%s'", path);
    }
    snprintf(cmd, sizeof cmd, "'%s' evaluate --db '%s' %s --out '%s/%s'", tu_lleval_path(), db, cfg,
             fx->dir, out);
    return run_status(cmd, fx->log);
}

static void evaluate(const struct fix *fx, const char *config, const char *out)
{
    int rc = evaluate_status(fx, fx->db, config, out);
    ck_assert_msg(rc == 0, "lleval evaluate failed (%d); see %s", rc, fx->log);
}

/* ---- reading output CSV files (no quoted fields before the last column) - */

#define MAXROW 64
#define MAXCOL 48

struct csv {
    char *text;
    int nrow, ncol; /* rows after the header */
    char *head[MAXCOL];
    char *row[MAXROW][MAXCOL];
};

static void csv_read(struct csv *t, const char *path)
{
    memset(t, 0, sizeof *t);
    t->text = tu_slurp(path, NULL);
    char *save = NULL, *line = strtok_r(t->text, "\n", &save);
    ck_assert_msg(line != NULL, "%s is empty", path);
    t->ncol = tu_csv_fields(line, t->head, MAXCOL);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        ck_assert_int_lt(t->nrow, MAXROW);
        int n = tu_csv_fields(line, t->row[t->nrow], MAXCOL);
        ck_assert_msg(n >= t->ncol, "%s: short row %d", path, t->nrow + 1);
        t->nrow++;
    }
}

static void csv_free(struct csv *t)
{
    free(t->text);
}

static int csv_col(const struct csv *t, const char *name)
{
    for (int c = 0; c < t->ncol; c++)
        if (!strcmp(t->head[c], name))
            return c;
    ck_abort_msg("no column %s", name);
    return -1;
}

/* The row whose column key_col is key (and, when key2 is not NULL, whose
 * column key2_col is key2); -1 when none. */
static int csv_find(const struct csv *t, const char *col, const char *key, const char *col2,
                    const char *key2)
{
    int c = csv_col(t, col), c2 = col2 ? csv_col(t, col2) : -1;
    for (int r = 0; r < t->nrow; r++)
        if (!strcmp(t->row[r][c], key) && (c2 < 0 || !strcmp(t->row[r][c2], key2)))
            return r;
    return -1;
}

static const char *cell(const struct csv *t, int r, const char *col)
{
    ck_assert_msg(r >= 0 && r < t->nrow, "no such row (%d) for %s", r, col);
    return t->row[r][csv_col(t, col)];
}

static double num(const char *s)
{
    char *end;
    ck_assert_msg(*s, "empty number");
    double v = strtod(s, &end);
    ck_assert_msg(*end == '\0', "not a number: '%s'", s);
    return v;
}

/* Logits agree with R's to a relative 1e-6 (absolute 1e-9 near 0). */
static void logit_agrees(const char *got, const char *want, const char *what)
{
    double g = num(got), w = num(want);
    ck_assert_msg(fabs(g - w) <= 1e-6 * fabs(w) || fabs(g - w) <= 1e-9,
                  "%s: %s, R gives %s", what, got, want);
}

/* matches.csv of a run against fixtures/match/<case>/expected/<name>:
 * the same pairs in the same order, logits and distances as R's. */
static void matches_agree(const struct fix *fx, const char *out, const char *expected)
{
    char path[256];
    struct csv g, w;
    snprintf(path, sizeof path, "%s/%s/secure/matches.csv", fx->dir, out);
    csv_read(&g, path);
    snprintf(path, sizeof path, FIX "%s", expected);
    csv_read(&w, path);
    ck_assert_int_eq(g.ncol, 8);
    for (int c = 0; c < 8; c++)
        ck_assert_str_eq(g.head[c], w.head[c]);
    ck_assert_msg(g.nrow == w.nrow, "%s: %d pairs, want %d", expected, g.nrow, w.nrow);
    for (int r = 0; r < w.nrow; r++) {
        for (int c = 0; c < 5; c++)
            ck_assert_msg(!strcmp(g.row[r][c], w.row[r][c]), "%s row %d: %s = %s, want %s",
                          expected, r + 1, w.head[c], g.row[r][c], w.row[r][c]);
        for (int c = 5; c < 8; c++)
            logit_agrees(g.row[r][c], w.row[r][c], w.head[c]);
    }
    csv_free(&g);
    csv_free(&w);
}

static void out_path(char *buf, size_t size, const struct fix *fx, const char *out,
                     const char *file)
{
    snprintf(buf, size, "%s/%s/secure/%s", fx->dir, out, file);
}

/* The CSV file of run out (csv_free it). */
static struct csv out_csv(const struct fix *fx, const char *out, const char *file)
{
    char path[256];
    struct csv t;
    out_path(path, sizeof path, fx, out, file);
    csv_read(&t, path);
    return t;
}

/* A fresh fixture of fixtures/match/<name> evaluated into its dir/out
 * under config (may be NULL), its matches.csv the same as R's in
 * expected. */
static struct fix run_case(const char *name, const char *config, const char *expected)
{
    struct fix fx;
    fix_make(&fx, name);
    evaluate(&fx, config, "out");
    matches_agree(&fx, "out", expected);
    return fx;
}

/* The library's matching of the database at db under cfg: the derived
 * data, the cohort of the given design and the match, each of which must
 * succeed (match_free frees them). */
struct lib_match {
    ll_derive_data *d;
    ll_cohort *co;
    ll_match *m;
};

static void lib_match(struct lib_match *r, const char *db, const ll_config *cfg,
                      ll_comparison design)
{
    ll_error err = {0};
    ll_match_options mo;
    ll_match_options_from_config(&mo, cfg);
    r->d = tu_derive_load(db, cfg);
    ck_assert_int_eq(ll_derive_cohort(&r->co, r->d, design, &err), LL_OK);
    ck_assert_msg(ll_match_run(&r->m, r->d, r->co, &mo, NULL, NULL, &err) == LL_OK, "%s", err.msg);
}

static void match_free(struct lib_match *r)
{
    ll_match_free(r->m);
    ll_cohort_free(r->co);
    ll_derive_free(r->d);
}

/* ---- the hand-made cases ------------------------------------------------ */

/* R (fixtures/match/reference.R), case basic, default settings:
 *   glm(y ~ age_years, binomial): (Intercept) -2.441251..., age_years 0.16910843...
 *   sd(logit) = 0.51802987653401489, caliper width 0.10360597530680299 */
#define BASIC_SD 0.51802987653401489
#define BASIC_WIDTH 0.10360597530680299

START_TEST(basic_library)
{
    struct fix fx;
    fix_make(&fx, "basic");
    ll_config cfg;
    ll_config_init(&cfg);
    ll_derive_data *d = tu_derive_load(fx.db, &cfg);
    ll_cohort *co;
    ll_match *m;
    ll_error err = {0};
    ll_match_options mo;
    ll_match_options_from_config(&mo, &cfg);
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_AUTO, &err), LL_OK);
    ck_assert_int_eq(co->design, LL_COMPARISON_MATCH);
    size_t n_before = co->n;
    ck_assert_msg(ll_match_run(&m, d, co, &mo, NULL, NULL, &err) == LL_OK, "%s", err.msg);
    /* T1 T2 T3 eligible, TOLD (16.4) not: not in the model */
    ck_assert_uint_eq(m->n_treated_eligible, 3);
    ck_assert_uint_eq(m->n_treated_matched, 2);
    /* C1..C7; NCPROG, NCSB, NCOLD, NCADOPT, NCOUT, NCLATE, NCNOHDR, NCLONG are not candidates */
    ck_assert_uint_eq(m->n_candidate_rows, 7);
    ck_assert_uint_eq(m->n_candidate_children, 7);
    ck_assert_uint_eq(m->n_months, 1);
    ck_assert_int_eq(m->glm_status, LL_OK);
    ck_assert_rel(m->logit_sd, BASIC_SD, 1e-6);
    ck_assert_rel(m->caliper_width, BASIC_WIDTH, 1e-6);
    /* only age_years varies: every other column is dropped as constant */
    ck_assert_uint_eq(m->n_coef, 2);
    ck_assert_str_eq(m->coef_name[0], "(Intercept)");
    ck_assert_str_eq(m->coef_name[1], "age_years");
    /* R: coef(glm(y ~ age_years, binomial)) of reference.R, case basic */
    ck_assert_rel(m->coef[0], -2.441251003266864, 1e-6);
    ck_assert_rel(m->coef[1], 0.16910843175809562, 1e-6);
    ck_assert_uint_eq(m->n_pairs, 2);
    size_t t1, t2, t3, told, c2, c4;
    ck_assert_int_eq(ll_derive_find_child(&t1, d, "LA", "T1"), LL_OK);
    ck_assert_int_eq(ll_derive_find_child(&t2, d, "LA", "T2"), LL_OK);
    ck_assert_int_eq(ll_derive_find_child(&t3, d, "LA", "T3"), LL_OK);
    ck_assert_int_eq(ll_derive_find_child(&told, d, "LA", "TOLD"), LL_OK);
    ck_assert_int_eq(ll_derive_find_child(&c2, d, "LA", "C2"), LL_OK);
    ck_assert_int_eq(ll_derive_find_child(&c4, d, "LA", "C4"), LL_OK);
    long june = ll_date_from_ymd(2018, 6, 1);
    ck_assert_int_eq(m->pairs[0].match_id, 1);
    ck_assert_uint_eq(m->pairs[0].treated, t1);
    ck_assert_uint_eq(m->pairs[0].comparison, c2);
    ck_assert_int_eq(m->pairs[0].month, june);
    ck_assert_int_eq(m->pairs[1].match_id, 2);
    ck_assert_uint_eq(m->pairs[1].treated, t2);
    ck_assert_uint_eq(m->pairs[1].comparison, c4);
    for (size_t k = 0; k < 2; k++)
        ck_assert_rel(m->pairs[k].distance,
                      fabs(m->pairs[k].logit_treated - m->pairs[k].logit_comparison), 1e-15);
    /* the pairing: two comparison entries, indexed on the month's first
     * day; T3 keeps its score and no match_id; TOLD has neither; the cohort
     * itself is not changed */
    ck_assert_uint_eq(co->n, n_before);
    const ll_pairing *pg = &m->pairing;
    ck_assert_uint_eq(pg->n_entries, co->n);
    ck_assert_uint_eq(pg->n_comparison, 2);
    int seen = 0;
    for (size_t e = 0; e < co->n; e++) {
        const ll_cohort_entry *en = &co->entries[e];
        ck_assert_int_eq(en->match_id, 0);
        if (en->child == t3) {
            ck_assert_int_eq(pg->match_id[e], 0);
            ck_assert_rel(pg->ps_logit[e], -1.088383549202099, 1e-6);
            seen |= 1;
        } else if (en->child == told) {
            ck_assert_int_eq(pg->match_id[e], 0);
            ck_assert(isnan(pg->ps_logit[e]));
            seen |= 2;
        }
    }
    for (size_t k = 0; k < pg->n_comparison; k++) {
        const ll_cohort_entry *en = &pg->comparison[k];
        if (en->child == c4) {
            ck_assert_int_eq(en->group, LL_GROUP_COMPARISON);
            ck_assert_int_eq(en->index_date, june);
            ck_assert_int_eq(en->match_id, 2);
            ck_assert_rel(en->ps_logit, -0.81799525585034583, 1e-6);
            seen |= 4;
        }
    }
    ck_assert_int_eq(seen, 7);
    /* the analysis rows from cohort + pairing: every entry and the two
     * comparison children; the analysis cohort is the 2 + 2 matched ones
     * (T3 eligible but unmatched, TOLD ineligible) */
    ll_analysis *a = NULL;
    ck_assert_msg(ll_derive_cohort_analysis(&a, d, co, pg, &err) == LL_OK, "%s", err.msg);
    ck_assert_uint_eq(a->n, co->n + 2);
    ck_assert_int_eq(a->matched, 1);
    size_t in = 0;
    for (size_t i = 0; i < a->n; i++)
        in += (size_t)ll_analysis_in_cohort(a, &a->rows[i]);
    ck_assert_uint_eq(in, 4);
    ll_analysis_free(a);
    ll_pairing wrong = *pg;
    wrong.n_entries = co->n + 1;
    ck_assert_int_eq(ll_derive_cohort_analysis(&a, d, co, &wrong, &err), LL_EINPUT);
    ck_assert_ptr_null(a);
    /* balance rows: 3 treated, 7 candidate rows, 2 + 2 matched */
    ck_assert_uint_eq(m->n_x_treated, 3);
    ck_assert_uint_eq(m->n_x_candidates, 7);
    ck_assert_uint_eq(m->n_x_matched_t, 2);
    ck_assert_uint_eq(m->n_x_matched_c, 2);
    ll_match_free(m);
    ll_cohort_free(co);
    ll_derive_free(d);
    tu_remove_tree(fx.dir);
}
END_TEST

/* Default settings through the command line: the pairs, the flow, the
 * analysis rows, the sample sizes, balance and Table 1. */
START_TEST(basic_cli)
{
    struct fix fx = run_case("basic", NULL, "basic/expected/default.csv");
    char path[256];

    struct csv t = out_csv(&fx, "out", "flow.csv");
    int r = csv_find(&t, "stage", "analysed", "reason", "no_match_within_caliper");
    ck_assert_str_eq(cell(&t, r, "group"), "treated");
    ck_assert_str_eq(cell(&t, r, "n"), "1"); /* T3 */
    r = csv_find(&t, "stage", "analysed", "reason", "");
    ck_assert_str_eq(cell(&t, r, "n"), "2");
    r = csv_find(&t, "stage", "eligible", "reason", "ineligible_age");
    ck_assert_str_eq(cell(&t, r, "n"), "1"); /* TOLD */
    csv_free(&t);

    t = out_csv(&fx, "out", "analysis.csv");
    ck_assert_int_eq(t.nrow, 6); /* T1 T2 T3 TOLD, C2 C4 */
    r = csv_find(&t, "child", "T3", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "match_id"), "");
    logit_agrees(cell(&t, r, "ps_logit"), "-1.088383549202099", "T3 ps_logit");
    r = csv_find(&t, "child", "TOLD", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "eligible"), "0");
    ck_assert_str_eq(cell(&t, r, "match_id"), "");
    ck_assert_str_eq(cell(&t, r, "ps_logit"), "");
    r = csv_find(&t, "child", "C4", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "group"), "comparison");
    ck_assert_str_eq(cell(&t, r, "index_date"), "2018-06-01");
    ck_assert_str_eq(cell(&t, r, "match_id"), "2");
    csv_free(&t);

    /* MatchIt's sample sizes: treated all 3 (TOLD is not in the model),
     * matched 2, unmatched 1 (T3); comparison all 7 candidates, matched 2 */
    t = out_csv(&fx, "out", "sample_sizes.csv");
    ck_assert_int_eq(t.nrow, 2);
    ck_assert_str_eq(t.head[0], "group");
    ck_assert_str_eq(t.head[1], "all");
    ck_assert_str_eq(t.head[2], "matched");
    ck_assert_str_eq(t.head[3], "unmatched");
    ck_assert_str_eq(t.head[4], "discarded");
    const char *want[2][5] = {{"treated", "3", "2", "1", "0"}, {"comparison", "7", "2", "5", "0"}};
    for (int i = 0; i < 2; i++)
        for (int c = 0; c < 5; c++)
            ck_assert_str_eq(t.row[i][c], want[i][c]);
    csv_free(&t);

    /* balance of age_years, the only covariate that varies.  R:
     *   a <- function(dob) as.numeric(as.Date("2018-06-01") - as.Date(dob)) / 365.25
     *   t <- a(c("2006-06-01","2008-06-01","2010-06-01"))
     *   c <- a(c("2006-03-01","2006-07-06","2007-12-01","2008-10-25","2009-06-01",
     *            "2013-06-01","2015-06-01"))
     *   den <- sqrt((var(t) + var(c)) / 2)
     *   (mean(t) - mean(c)) / den                 # 0.43889619716189243
     *   (mean(t[1:2]) - mean(c[c(2, 4)])) / den    # 0.087069125543442233
     *   var(t) / var(c); var(t[1:2]) / var(c[c(2, 4)])  # 0.32796585223633384 0.75372092235995003 */
    t = out_csv(&fx, "out", "balance.csv");
    ck_assert_int_eq(t.nrow, LL_MATCH_NCOV + 1);
    r = csv_find(&t, "covariate", "age_years", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "type"), "continuous");
    ck_assert_rel(num(cell(&t, r, "smd_before")), 0.43889619716189243, 1e-9);
    ck_assert_rel(num(cell(&t, r, "smd_after")), 0.087069125543442233, 1e-9);
    ck_assert_rel(num(cell(&t, r, "variance_ratio_before")), 0.32796585223633384, 1e-9);
    ck_assert_rel(num(cell(&t, r, "variance_ratio_after")), 0.75372092235995003, 1e-9);
    /* constant covariates (dropped from the model): SMD empty */
    r = csv_find(&t, "covariate", "male", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "smd_before"), "");
    ck_assert_str_eq(cell(&t, r, "smd_after"), "");
    /* the reference levels are listed too */
    ck_assert_int_ge(csv_find(&t, "covariate", "placement_group=foster", NULL, NULL), 0);
    ck_assert_int_ge(csv_find(&t, "covariate", "ethnic_group=white", NULL, NULL), 0);
    r = csv_find(&t, "covariate", "all_abs_smd_below_0.1", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "type"), "summary");
    ck_assert_str_eq(cell(&t, r, "smd_after"), "1"); /* |0.0871| < 0.1 */
    csv_free(&t);

    /* Table 1: N in the headers */
    out_path(path, sizeof path, &fx, "out", "table1.csv");
    char *t1 = tu_slurp(path, NULL);
    ck_assert_msg(strstr(t1, "\"Treated, eligible (N = 3)\"") != NULL, "%s", t1);
    ck_assert_msg(strstr(t1, "\"Comparison pool (candidate rows) (N = 7)\"") != NULL, "%s", t1);
    ck_assert_msg(strstr(t1, "\"Treated, matched (N = 2)\"") != NULL, "%s", t1);
    ck_assert_msg(strstr(t1, "\"Comparison, matched (N = 2)\"") != NULL, "%s", t1);
    /* male: 3 of 3 treated, 7 of 7 candidates */
    ck_assert_msg(strstr(t1, "male,n (%),\"3 (100.0%)\",\"7 (100.0%)\",\"2 (100.0%)\","
                             "\"2 (100.0%)\",\n") != NULL, "%s", t1);
    free(t1);
    tu_remove_tree(fx.dir);
}
END_TEST

START_TEST(basic_ratio_2)
{
    struct fix fx = run_case("basic", "[analysis]\nratio = 2\n", "basic/expected/ratio2.csv");
    struct csv t = out_csv(&fx, "out", "sample_sizes.csv");
    ck_assert_str_eq(t.row[0][2], "2"); /* treated matched */
    ck_assert_str_eq(t.row[1][2], "4"); /* comparison matched: two each */
    ck_assert_str_eq(t.row[1][3], "3");
    csv_free(&t);
    /* both comparison children of match 1 carry its match_id */
    t = out_csv(&fx, "out", "analysis.csv");
    ck_assert_str_eq(cell(&t, csv_find(&t, "child", "C1", NULL, NULL), "match_id"), "1");
    ck_assert_str_eq(cell(&t, csv_find(&t, "child", "C2", NULL, NULL), "match_id"), "1");
    ck_assert_str_eq(cell(&t, csv_find(&t, "child", "C3", NULL, NULL), "match_id"), "2");
    ck_assert_str_eq(cell(&t, csv_find(&t, "child", "C4", NULL, NULL), "match_id"), "2");
    csv_free(&t);
    tu_remove_tree(fx.dir);
}
END_TEST

/* A narrower caliper: T2's nearest candidate (C4, 0.0676 logit units
 * away) is outside 0.1 x SD = 0.0518, so T2 joins T3 unmatched. */
START_TEST(basic_caliper)
{
    struct fix fx = run_case("basic", "[analysis]\ncaliper = 0.1\n", "basic/expected/caliper01.csv");
    struct csv t = out_csv(&fx, "out", "flow.csv");
    int r = csv_find(&t, "stage", "analysed", "reason", "no_match_within_caliper");
    ck_assert_str_eq(cell(&t, r, "n"), "2");
    csv_free(&t);
    tu_remove_tree(fx.dir);
}
END_TEST

/* Equal scores: TA before TB (bytewise child), and of two candidates at
 * distance 0 the bytewise-first child, "10" before "9". */
START_TEST(ties_by_la_and_child)
{
    struct fix fx = run_case("ties", NULL, "ties/expected/default.csv");
    tu_remove_tree(fx.dir);
}
END_TEST

/* exact = la: TB (LB) can only take an LB candidate; exact = none: the
 * nearest of any la, and of two at the same distance the first la. */
START_TEST(exact_la_and_none)
{
    struct fix fx;
    fix_make(&fx, "twola");
    evaluate(&fx, NULL, "out_la");
    matches_agree(&fx, "out_la", "twola/expected/exact_la.csv");
    evaluate(&fx, "[analysis]\nexact = none\n", "out_none");
    matches_agree(&fx, "out_none", "twola/expected/exact_none.csv");
    /* the candidate rows: LC has no treated child, so its child is a
     * candidate only without exact matching */
    ll_config cfg;
    ll_config_init(&cfg);
    for (int k = 0; k < 2; k++) {
        cfg.analysis.exact = k ? LL_EXACT_NONE : LL_EXACT_LA;
        struct lib_match r;
        lib_match(&r, fx.db, &cfg, LL_COMPARISON_MATCH);
        ck_assert_uint_eq(r.m->n_candidate_rows, k ? 7 : 6);
        /* R, reference.R: caliper widths 0.28548264161700282 and 0.37377770435627555 */
        ck_assert_rel(r.m->caliper_width, k ? 0.37377770435627555 : 0.28548264161700282, 1e-6);
        match_free(&r);
    }
    tu_remove_tree(fx.dir);
}
END_TEST

/* Two months: S is the nearest candidate of T1 (June) and of T2
 * (September); T2 scores higher, takes S, and T1 falls back to M1ONLY:
 * a child is used at most once across months.  T3's index (20 September)
 * falls in September's risk set; nothing lies within its caliper. */
START_TEST(months_use_a_child_once)
{
    struct fix fx = run_case("months", NULL, "months/expected/default.csv");
    struct csv t = out_csv(&fx, "out", "analysis.csv");
    int r = csv_find(&t, "child", "S", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "index_date"), "2018-09-01");
    ck_assert_str_eq(cell(&t, r, "match_id"), "1");
    r = csv_find(&t, "child", "M1ONLY", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "index_date"), "2018-06-01");
    r = csv_find(&t, "child", "T3", NULL, NULL);
    ck_assert_str_eq(cell(&t, r, "match_id"), "");
    logit_agrees(cell(&t, r, "ps_logit"), "2.5643863657178545", "T3 ps_logit");
    csv_free(&t);
    ll_config cfg;
    ll_config_init(&cfg);
    struct lib_match lm;
    lib_match(&lm, fx.db, &cfg, LL_COMPARISON_MATCH);
    const ll_match *m = lm.m;
    ck_assert_uint_eq(m->n_months, 2);
    ck_assert_uint_eq(m->n_candidate_rows, 9);     /* June 5, September 4 */
    ck_assert_uint_eq(m->n_candidate_children, 5); /* S M1ONLY X1 X2 X3 */
    ck_assert_rel(m->caliper_width, 0.65939915985380027, 1e-6);
    /* years_in_placement equals years_in_care on every fitted row: R gives
     * it NA (aliased); the logits do not depend on it */
    ck_assert_uint_eq(m->n_coef, 4);
    match_free(&lm);
    tu_remove_tree(fx.dir);
}
END_TEST

/* No candidate at all, and no eligible treated child: matching says why
 * (LL_EDOM) and leaves the cohort alone; evaluate then has no child in the
 * section 6 cohort and stops with exit 1 and flow.csv only. */
START_TEST(nothing_to_match)
{
    struct fix fx;
    fix_make(&fx, "basic");
    sqlite3 *db;
    ll_error err = {0};
    ck_assert_int_eq(ll_db_open(&db, fx.db, 0, &err), LL_OK);
    ck_assert_int_eq(ll_db_exec(db, "DELETE FROM episodes WHERE child NOT LIKE 'T%'", &err), LL_OK);
    ll_db_close(db);
    ll_config cfg;
    ll_config_init(&cfg);
    ll_derive_data *d = tu_derive_load(fx.db, &cfg);
    ll_cohort *co;
    ll_match *m = (ll_match *)&cfg; /* must be reset to NULL */
    ll_match_options mo;
    ll_match_options_from_config(&mo, &cfg);
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_MATCH, &err), LL_OK);
    size_t n = co->n;
    ck_assert_int_eq(ll_match_run(&m, d, co, &mo, NULL, NULL, &err), LL_EDOM);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err.msg, "no candidate") != NULL, "%s", err.msg);
    ck_assert_uint_eq(co->n, n);
    for (size_t e = 0; e < co->n; e++)
        ck_assert_int_eq(co->entries[e].match_id, 0);
    ll_cohort_free(co);
    ll_derive_free(d);
    /* SPEC 3 (issue 22): no treated child with a match_id means no child in
     * the section 6 cohort, so evaluate writes flow.csv, no report, and
     * exits 1 (it used to publish a report on 0 children). */
    ck_assert_int_eq(evaluate_status(&fx, fx.db, NULL, "out"), 1);
    char path[256];
    struct csv t = out_csv(&fx, "out", "flow.csv");
    ck_assert_int_gt(t.nrow, 0);
    csv_free(&t);
    out_path(path, sizeof path, &fx, "out", "sample_sizes.csv");
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/out/report.html", fx.dir);
    ck_assert_int_ne(access(path, F_OK), 0);
    char *log = tu_slurp(fx.log, NULL);
    ck_assert_msg(strstr(log, "no comparison group") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "no eligible treated child reaches the analysis, so no report was "
                              "written") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "flow of the treated children: referred ") != NULL, "%s", log);
    free(log);

    /* no eligible treated child: every treated child 16 or over */
    cfg.cohort.max_age = 5;
    d = tu_derive_load(fx.db, &cfg);
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_MATCH, &err), LL_OK);
    ck_assert_int_eq(ll_match_run(&m, d, co, &mo, NULL, NULL, &err), LL_EDOM);
    ck_assert_msg(strstr(err.msg, "no eligible treated") != NULL, "%s", err.msg);
    ll_cohort_free(co);
    ll_derive_free(d);
    ll_match_free(NULL);
    tu_remove_tree(fx.dir);
}
END_TEST

/* ---- the matched worked example ----------------------------------------- */

static unsigned long long rng_next(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Copies src to dst with its data lines in a shuffled order (seed > 0) or
 * as they are (seed 0); the header stays first. */
static void copy_shuffled(const char *src, const char *dst, unsigned long long seed)
{
    char *text = tu_slurp(src, NULL);
    size_t cap = 1024, n = 0;
    char **lines = malloc(cap * sizeof *lines);
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (n == cap)
            lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = l;
    }
    ck_assert(n >= 1);
    unsigned long long s = seed;
    for (size_t i = n - 1; seed && i > 1; i--) {
        size_t j = 1 + (size_t)(rng_next(&s) % i); /* 1 .. i */
        char *tmp = lines[i];
        lines[i] = lines[j];
        lines[j] = tmp;
    }
    FILE *f = fopen(dst, "w");
    ck_assert(f != NULL);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
    ck_assert_int_eq(fclose(f), 0);
    free(lines);
    free(text);
}

/* Ingests a copy of the matched example (rows shuffled with seed) into
 * dir/<name>.db; the files are ingested year by year, the programme
 * records last. */
static void ingest_example(const char *dir, const char *name, unsigned long long seed,
                           const char *log)
{
    static const char *tables[] = {"episodes", "header", "oc2", "oc3", "uasc"};
    char cmd[4096], src[512], dst[512], db[256];
    snprintf(db, sizeof db, "%s/%s.db", dir, name);
    for (int y = 2016; y <= 2024; y++) {
        snprintf(dst, sizeof dst, "%s/%s-%d", dir, name, y);
        ck_assert_int_eq(mkdir(dst, 0700), 0);
        for (int k = 0; k < 5; k++) {
            snprintf(src, sizeof src, EXAMPLE "/903/%d/%s.csv", y, tables[k]);
            snprintf(dst, sizeof dst, "%s/%s-%d/%s.csv", dir, name, y, tables[k]);
            copy_shuffled(src, dst, seed ? seed * 131 + (unsigned long long)(y * 7 + k) : 0);
        }
        snprintf(cmd, sizeof cmd, "'%s' ingest --db '%s' --la LA --year %d %s/%s-%d/*.csv",
                 tu_lleval_path(), db, y, dir, name, y);
        run(cmd, log);
    }
    snprintf(dst, sizeof dst, "%s/%s-ll.csv", dir, name);
    copy_shuffled(EXAMPLE "/lifelong_links.csv", dst, seed ? seed + 99 : 0);
    snprintf(cmd, sizeof cmd, "'%s' ingest --db '%s' --la LA '%s'", tu_lleval_path(), db, dst);
    run(cmd, log);
}

/* Two databases from the example's rows in two different orders (and one
 * in the original order) give byte-identical matches.csv, and the same
 * analysis, balance, Table 1 and sample sizes. */
START_TEST(order_of_input_rows_does_not_matter)
{
    struct fix fx;
    make_tmpdir(fx.dir, sizeof fx.dir);
    snprintf(fx.log, sizeof fx.log, "%s/log.txt", fx.dir);
    const char *names[3] = {"a", "b", "c"};
    const unsigned long long seeds[3] = {0, 12345, 987654321};
    for (int k = 0; k < 3; k++) {
        char db[256], out[16];
        ingest_example(fx.dir, names[k], seeds[k], fx.log);
        snprintf(db, sizeof db, "%s/%s.db", fx.dir, names[k]);
        snprintf(out, sizeof out, "out_%s", names[k]);
        int rc = evaluate_status(&fx, db, NULL, out);
        ck_assert_msg(rc == 0, "evaluate failed (%d); see %s", rc, fx.log);
    }
    /* the copies really are in different orders */
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s/a-2020/episodes.csv", fx.dir);
    snprintf(pb, sizeof pb, "%s/b-2020/episodes.csv", fx.dir);
    char *ta = tu_slurp(pa, NULL), *tb = tu_slurp(pb, NULL);
    ck_assert(strlen(ta) == strlen(tb) && strcmp(ta, tb) != 0);
    free(ta);
    free(tb);
    const char *files[] = {"matches.csv", "analysis.csv", "balance.csv", "table1.csv",
                           "sample_sizes.csv"};
    for (int f = 0; f < 5; f++) {
        char path[256];
        out_path(path, sizeof path, &fx, "out_a", files[f]);
        char *a = tu_slurp(path, NULL);
        for (int k = 1; k < 3; k++) {
            char out[16];
            snprintf(out, sizeof out, "out_%s", names[k]);
            out_path(path, sizeof path, &fx, out, files[f]);
            char *b = tu_slurp(path, NULL);
            ck_assert_msg(strcmp(a, b) == 0, "%s differs between input orders a and %s",
                          files[f], names[k]);
            free(b);
        }
        if (f == 0) /* the example does match: 96 pairs */
            ck_assert_msg(strlen(a) > 96 * 40, "matches.csv too short: %s", a);
        free(a);
    }
    tu_remove_tree(fx.dir);
}
END_TEST

/* ---- brute force: the greedy rule written out again --------------------- */

typedef struct bf_row {
    size_t child, la;
    const char *la_code, *id;
    long month;
    double eta;
} bf_row;

/* Bytewise (la, child), independently of the program's child numbering. */
static int bf_before(const bf_row *a, const bf_row *b)
{
    int c = strcmp(a->la_code, b->la_code);
    return c ? c < 0 : strcmp(a->id, b->id) < 0;
}

static long month_of(long day)
{
    int y, m;
    ll_date_to_ymd(day, &y, &m, NULL);
    return ll_date_from_ymd(y, m, 1);
}

/* The logit of a covariate row from the program's coefficients, summed in
 * the model's column order. */
static double eta_of(const ll_match *m, const ll_covariates *cov)
{
    double x[LL_MATCH_NCOV], eta = 0.0;
    ll_match_cov_row(x, cov);
    for (size_t k = 0; k < m->n_coef; k++) {
        if (isnan(m->coef[k]))
            continue; /* aliased */
        double v = 1.0;
        if (k > 0) {
            size_t j = 0;
            while (j < LL_MATCH_NCOV && strcmp(ll_match_cov_name(j), m->coef_name[k]))
                j++;
            ck_assert_msg(j < LL_MATCH_NCOV, "unknown model column %s", m->coef_name[k]);
            v = x[j];
        }
        eta += v * m->coef[k];
    }
    return eta;
}

static void fill_row(bf_row *r, const ll_derive_data *d, size_t child, long month, double eta)
{
    ll_child_info ci;
    ll_derive_child(&ci, d, child);
    r->child = child;
    r->la = ci.la_index;
    r->la_code = ci.la;
    r->id = ci.child;
    r->month = month;
    r->eta = eta;
}

/* Runs ll_match_run on the example with cfg and checks every pair against
 * a brute-force greedy over all candidate rows. */
static void brute_force(const char *db_path, const ll_config *cfg)
{
    ll_derive_data *d = tu_derive_load(db_path, cfg);
    ll_cohort *co;
    ll_match *m;
    ll_error err = {0};
    ll_match_options mo;
    ll_match_options_from_config(&mo, cfg);
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_MATCH, &err), LL_OK);
    ck_assert_msg(ll_match_run(&m, d, co, &mo, NULL, NULL, &err) == LL_OK, "%s", err.msg);
    int exact = cfg->analysis.exact == LL_EXACT_LA;
    size_t nchild = ll_derive_n_children(d), nt = 0, nc = 0;
    bf_row *t = calloc(co->n + 1, sizeof *t);
    size_t cap = 1 << 16;
    bf_row *c = malloc(cap * sizeof *c);

    /* treated rows: eligible treated children, with the program's logits */
    long months[512];
    size_t nm = 0;
    for (size_t e = 0; e < co->n; e++) {
        const ll_cohort_entry *en = &co->entries[e];
        if (en->group != LL_GROUP_TREATED)
            continue;
        ll_covariates cov;
        int elig = ll_derive_covariates(&cov, d, en->child, en->index_date) == LL_OK && cov.eligible;
        double logit = m->pairing.ps_logit[e];
        ck_assert_msg(elig == !isnan(logit), "treated entry %zu: eligible %d, ps_logit %g", e,
                      elig, logit);
        if (!elig)
            continue;
        ck_assert_rel(eta_of(m, &cov), logit, 1e-9);
        fill_row(&t[nt++], d, en->child, month_of(en->index_date), logit);
        size_t k = 0;
        while (k < nm && months[k] != t[nt - 1].month)
            k++;
        if (k == nm) {
            ck_assert_uint_lt(nm, 512);
            months[nm++] = t[nt - 1].month;
        }
    }
    ck_assert_uint_eq(nt, m->n_treated_eligible);
    ck_assert_uint_eq(nm, m->n_months);

    /* candidate rows: every child and month, by ll_derive_candidate */
    unsigned char *seen = calloc(nchild + 1, 1);
    size_t n_children = 0;
    double sum = 0.0;
    for (size_t k = 0; k < nm; k++)
        for (size_t i = 0; i < nchild; i++) {
            ll_covariates cov;
            ll_child_info ci;
            ll_derive_child(&ci, d, i);
            int la_ok = !exact;
            for (size_t j = 0; j < nt && !la_ok; j++)
                la_ok = t[j].month == months[k] && t[j].la == ci.la_index;
            if (!la_ok || !ll_derive_candidate(&cov, d, i, months[k]))
                continue;
            ck_assert(!ci.programme && !ci.short_breaks);
            if (nc == cap)
                c = realloc(c, (cap *= 2) * sizeof *c);
            fill_row(&c[nc++], d, i, months[k], eta_of(m, &cov));
            n_children += !seen[i]++;
        }
    ck_assert_uint_eq(nc, m->n_candidate_rows);
    ck_assert_uint_eq(n_children, m->n_candidate_children);

    /* caliper = caliper x sd of every fitted row's logit */
    for (size_t i = 0; i < nt; i++)
        sum += t[i].eta;
    for (size_t i = 0; i < nc; i++)
        sum += c[i].eta;
    double mean = sum / (double)(nt + nc), ss = 0.0;
    for (size_t i = 0; i < nt; i++)
        ss += (t[i].eta - mean) * (t[i].eta - mean);
    for (size_t i = 0; i < nc; i++)
        ss += (c[i].eta - mean) * (c[i].eta - mean);
    double width = cfg->analysis.caliper * sqrt(ss / (double)(nt + nc - 1));
    ck_assert_rel(m->caliper_width, width, 1e-9);
    width = m->caliper_width; /* the program's own, for the comparisons below */

    /* treated in descending score order, ties by (la, child): selection sort */
    size_t *ord = malloc((nt + 1) * sizeof *ord);
    for (size_t i = 0; i < nt; i++)
        ord[i] = i;
    for (size_t i = 0; i < nt; i++)
        for (size_t j = i + 1; j < nt; j++) {
            const bf_row *a = &t[ord[i]], *b = &t[ord[j]];
            if (b->eta > a->eta || (b->eta == a->eta && bf_before(b, a))) {
                size_t tmp = ord[i];
                ord[i] = ord[j];
                ord[j] = tmp;
            }
        }
    unsigned char *used = calloc(nchild + 1, 1);
    long *id = calloc(nt + 1, sizeof *id), next = 1;
    size_t npairs = 0;
    ll_match_pair *pairs = malloc((nt * (size_t)cfg->analysis.ratio + 1) * sizeof *pairs);
    for (int pass = 0; pass < cfg->analysis.ratio; pass++)
        for (size_t i = 0; i < nt; i++) {
            const bf_row *tr = &t[ord[i]];
            long best = -1;
            double bd = INFINITY;
            for (size_t j = 0; j < nc; j++) {
                const bf_row *cr = &c[j];
                if (cr->month != tr->month || used[cr->child] || (exact && cr->la != tr->la))
                    continue;
                double dist = fabs(cr->eta - tr->eta);
                if (dist > width)
                    continue;
                if (dist < bd || (dist == bd && bf_before(cr, &c[best]))) {
                    best = (long)j;
                    bd = dist;
                }
            }
            if (best < 0)
                continue;
            used[c[best].child] = 1;
            if (id[ord[i]] == 0)
                id[ord[i]] = next++;
            pairs[npairs++] = (ll_match_pair){id[ord[i]], tr->child, c[best].child, tr->month,
                                              tr->eta, c[best].eta, bd};
        }
    /* pairs by match_id, pass order within one (stable insertion sort) */
    for (size_t i = 1; i < npairs; i++)
        for (size_t j = i; j > 0 && pairs[j - 1].match_id > pairs[j].match_id; j--) {
            ll_match_pair tmp = pairs[j];
            pairs[j] = pairs[j - 1];
            pairs[j - 1] = tmp;
        }
    ck_assert_uint_eq(npairs, m->n_pairs);
    for (size_t k = 0; k < npairs; k++) {
        const ll_match_pair *a = &m->pairs[k], *b = &pairs[k];
        ck_assert_msg(a->match_id == b->match_id && a->treated == b->treated &&
                          a->comparison == b->comparison && a->month == b->month,
                      "pair %zu: program (%ld, %zu, %zu), brute force (%ld, %zu, %zu)", k,
                      a->match_id, a->treated, a->comparison, b->match_id, b->treated,
                      b->comparison);
        ck_assert_rel(a->logit_comparison, b->logit_comparison, 1e-12);
        ck_assert(fabs(a->distance - fabs(a->logit_treated - a->logit_comparison)) <= 1e-15);
        ck_assert(a->distance <= width);
    }
    ck_assert_uint_eq(m->n_treated_matched, (size_t)(next - 1));
    free(pairs);
    free(id);
    free(used);
    free(ord);
    free(seen);
    free(c);
    free(t);
    ll_match_free(m);
    ll_cohort_free(co);
    ll_derive_free(d);
}

START_TEST(greedy_rule_brute_force)
{
    struct fix fx;
    make_tmpdir(fx.dir, sizeof fx.dir);
    snprintf(fx.log, sizeof fx.log, "%s/log.txt", fx.dir);
    ingest_example(fx.dir, "ex", 0, fx.log);
    char db[256];
    snprintf(db, sizeof db, "%s/ex.db", fx.dir);
    ll_config cfg;
    ll_config_init(&cfg);
    brute_force(db, &cfg);
    cfg.analysis.ratio = 2;
    brute_force(db, &cfg);
    cfg.analysis.ratio = 3;
    cfg.analysis.caliper = 0.05;
    brute_force(db, &cfg);
    cfg.analysis.ratio = 1;
    cfg.analysis.caliper = 1.0;
    cfg.analysis.exact = LL_EXACT_NONE;
    brute_force(db, &cfg);
    tu_remove_tree(fx.dir);
}
END_TEST

/* ---- balance against R -------------------------------------------------- */

static ll_covariates cov(double age, int male, ll_ethnic_group eth, int uasc, double yic, int prior,
                         double yip, int pb, ll_placement_group pg, ll_legal_group lg, int cin)
{
    return (ll_covariates){.age_years = age, .male = male, .ethnic_group = eth, .uasc = uasc,
                           .years_in_care = yic, .prior_placements = prior,
                           .years_in_placement = yip, .placements_before = pb,
                           .placement_group = pg, .legal_group = lg, .cin_n1 = cin};
}

/* The known table: 4 treated and 6 candidate rows; after matching the
 * first 3 treated and candidates 1, 3, 5.  Its covariate rows and the
 * four sets: treated and candidates before, treated and candidates after. */
struct known {
    double tb[4 * LL_MATCH_NCOV], cb[6 * LL_MATCH_NCOV], ta[3 * LL_MATCH_NCOV],
        ca[3 * LL_MATCH_NCOV];
    ll_cov_set stb, scb, sta, sca;
};

static void known_table(struct known *k)
{
    double *tb = k->tb, *cb = k->cb, *ta = k->ta, *ca = k->ca;
    const ll_covariates t[4] = {
        cov(10.5, 1, LL_ETHNIC_WHITE, 0, 1.2, 1, 0.5, 1, LL_PG_FOSTER, LL_LEGAL_CARE_ORDER, 1),
        cov(12.25, 0, LL_ETHNIC_MIXED, 0, 0.4, 2, 0.2, 2, LL_PG_KINSHIP, LL_LEGAL_S20, 1),
        cov(14.0, 1, LL_ETHNIC_WHITE, 1, 2.5, 3, 1.0, 0, LL_PG_RESIDENTIAL, LL_LEGAL_CARE_ORDER, 0),
        cov(9.75, 1, LL_ETHNIC_BLACK, 0, 0.9, 1, 0.9, 1, LL_PG_FOSTER, LL_LEGAL_OTHER, 1)};
    const ll_covariates c[6] = {
        cov(11.0, 1, LL_ETHNIC_WHITE, 0, 1.0, 1, 0.6, 1, LL_PG_FOSTER, LL_LEGAL_CARE_ORDER, 1),
        cov(8.5, 0, LL_ETHNIC_WHITE, 0, 2.0, 2, 1.5, 0, LL_PG_FOSTER, LL_LEGAL_S20, 0),
        cov(13.5, 1, LL_ETHNIC_ASIAN, 1, 0.3, 1, 0.3, 1, LL_PG_KINSHIP, LL_LEGAL_CARE_ORDER, 1),
        cov(6.0, 0, LL_ETHNIC_WHITE, 0, 1.7, 4, 0.1, 3, LL_PG_RESIDENTIAL, LL_LEGAL_CARE_ORDER, 0),
        cov(15.0, 1, LL_ETHNIC_MIXED, 0, 2.8, 2, 2.0, 1, LL_PG_FOSTER, LL_LEGAL_S20, 1),
        cov(10.0, 0, LL_ETHNIC_WHITE, 0, 0.5, 1, 0.5, 0, LL_PG_FOSTER, LL_LEGAL_CARE_ORDER, 1)};
    const int after_c[3] = {0, 2, 4};
    for (int i = 0; i < 4; i++)
        ll_match_cov_row(tb + i * LL_MATCH_NCOV, &t[i]);
    for (int i = 0; i < 6; i++)
        ll_match_cov_row(cb + i * LL_MATCH_NCOV, &c[i]);
    for (int i = 0; i < 3; i++) {
        ll_match_cov_row(ta + i * LL_MATCH_NCOV, &t[i]);
        ll_match_cov_row(ca + i * LL_MATCH_NCOV, &c[after_c[i]]);
    }
    k->stb = (ll_cov_set){tb, 4, NULL, NULL, NULL};
    k->scb = (ll_cov_set){cb, 6, NULL, NULL, NULL};
    k->sta = (ll_cov_set){ta, 3, NULL, NULL, NULL};
    k->sca = (ll_cov_set){ca, 3, NULL, NULL, NULL};
}

/* The balance of the known table, before and after. */
static ll_balance known_balance(const struct known *k)
{
    ll_balance b;
    ll_balance_compute(&b, &k->stb, &k->scb, &k->sta, &k->sca);
    return b;
}

/* R, the same table (s2 = var() for the continuous covariates, p(1 - p)
 * for binary ones; the denominator always the before one):
 *   v <- function(x, j) if (j %in% cont) var(x[, j]) else mean(x[, j]) * (1 - mean(x[, j]))
 *   den <- sqrt((v(tb, j) + v(cb, j)) / 2)
 *   (mean(tb[, j]) - mean(cb[, j])) / den; (mean(ta[, j]) - mean(ca[, j])) / den
 *   var(tb[, j]) / var(cb[, j]); var(ta[, j]) / var(ca[, j])
 * NAN: 0/0 (constant column). */
static const double SMD_R[LL_MATCH_NCOV][4] = {
    /* age_years */ {0.35751199357965691, -0.34196799385880183, 0.33475232198142413, 0.75},
    /* male */ {0.53452248382484879, -0.71269664509979846, NAN, NAN},
    /* white */ {-0.34299717028501758, 0.68599434057003528, NAN, NAN},
    /* mixed */ {0.2062842492517587, 0, NAN, NAN},
    /* asian */ {-0.63245553203367577, -1.2649110640673515, NAN, NAN},
    /* black */ {0.81649658092772615, 0, NAN, NAN},
    /* other */ {NAN, NAN, NAN, NAN},
    /* unknown */ {NAN, NAN, NAN, NAN},
    /* uasc */ {0.2062842492517587, 0, NAN, NAN},
    /* years_in_care */ {-0.14373525350541078, 0, 0.87540864511442074, 0.67535070140280573},
    /* prior_placements */ {-0.077991826884791199, 0.62393461507833026, 0.6707317073170731, 3},
    /* years_in_placement */ {-0.31092805340524549, -0.67838848015689923, 0.24463007159904535,
                              0.19838056680161942},
    /* placements_before: the matched comparison rows all have 1, so R's
     * var(ta) / var(ca) is Inf */
    {0, 0, 0.55555555555555558, INFINITY},
    /* foster */ {-0.34299717028501758, -0.68599434057003528, NAN, NAN},
    /* kinship */ {0.2062842492517587, 0, NAN, NAN},
    /* residential */ {0.2062842492517587, 0.82513699700703458, NAN, NAN},
    /* semi_independent */ {NAN, NAN, NAN, NAN},
    /* adoption */ {NAN, NAN, NAN, NAN},
    /* parents */ {NAN, NAN, NAN, NAN},
    /* other */ {NAN, NAN, NAN, NAN},
    /* care_order */ {-0.34299717028501758, 0, NAN, NAN},
    /* s20 */ {-0.18411492357966464, 0, NAN, NAN},
    /* legal other */ {0.81649658092772615, 0, NAN, NAN},
    /* cin_n1 */ {0.18411492357966477, -0.73645969431865888, NAN, NAN},
};

static void same_as_r(double got, double want, const char *what, size_t j)
{
    if (isnan(want)) {
        ck_assert_msg(isnan(got), "%s %s: %.17g, want empty", ll_match_cov_name(j), what, got);
        return;
    }
    if (isinf(want) || want == 0.0) {
        ck_assert_msg(got == want || (want == 0.0 && fabs(got) < 1e-15), "%s %s: %.17g, want %g",
                      ll_match_cov_name(j), what, got, want);
        return;
    }
    ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want), "%s %s: %.17g, want %.17g",
                  ll_match_cov_name(j), what, got, want);
}

START_TEST(smd_against_r)
{
    struct known kt;
    known_table(&kt);
    ll_balance b = known_balance(&kt);
    ck_assert_int_eq(b.has_after, 1);
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        same_as_r(b.row[j].smd_before, SMD_R[j][0], "smd_before", j);
        same_as_r(b.row[j].smd_after, SMD_R[j][1], "smd_after", j);
        same_as_r(b.row[j].vr_before, SMD_R[j][2], "variance_ratio_before", j);
        same_as_r(b.row[j].vr_after, SMD_R[j][3], "variance_ratio_after", j);
    }
    /* adequacy is judged on the after column: |-1.26| (asian) is the largest */
    ck_assert_int_eq(b.adequate, 0);
    ck_assert_rel(b.max_abs_smd, 1.2649110640673515, 1e-12);
    ck_assert_rel(b.row[0].mean_t_before, (10.5 + 12.25 + 14.0 + 9.75) / 4, 1e-15);
    ck_assert_rel(b.row[0].mean_c_after, (11.0 + 13.5 + 15.0) / 3, 1e-15);

    /* explicit design: one column, judged on it */
    ll_balance_compute(&b, &kt.stb, &kt.scb, NULL, NULL);
    ck_assert_int_eq(b.has_after, 0);
    ck_assert(isnan(b.row[0].smd_after) && isnan(b.row[0].mean_t_after));
    same_as_r(b.row[0].smd_before, SMD_R[0][0], "smd_before", 0);
    ck_assert_rel(b.max_abs_smd, 0.81649658092772615, 1e-12); /* black, legal other */
}
END_TEST

/* A covariate that is constant in each group at different values (every
 * treated child UASC, no candidate) is not dropped from the model and is
 * as imbalanced as it can be: its SMD is infinite (R: (1 - 0) / 0 = Inf),
 * not empty, and balance is not adequate. */
START_TEST(smd_of_a_separated_covariate)
{
    double t[2 * LL_MATCH_NCOV], c[3 * LL_MATCH_NCOV];
    ll_covariates v = cov(10, 1, LL_ETHNIC_WHITE, 1, 1, 1, 1, 1, LL_PG_FOSTER, LL_LEGAL_CARE_ORDER, 1);
    ll_match_cov_row(t, &v);
    v.age_years = 11;
    ll_match_cov_row(t + LL_MATCH_NCOV, &v);
    v.uasc = 0;
    for (int i = 0; i < 3; i++) {
        v.age_years = 9 + i;
        ll_match_cov_row(c + i * LL_MATCH_NCOV, &v);
    }
    ll_cov_set st = {t, 2, NULL, NULL, NULL}, sc = {c, 3, NULL, NULL, NULL};
    ll_balance b;
    ll_balance_compute(&b, &st, &sc, &st, &sc);
    ck_assert_msg(isinf(b.row[8].smd_before) && b.row[8].smd_before > 0, "uasc smd %g",
                  b.row[8].smd_before);
    ck_assert(isinf(b.row[8].smd_after));
    ck_assert(isnan(b.row[1].smd_before)); /* male: constant 1 everywhere */
    ck_assert_int_eq(b.adequate, 0);
    FILE *f = tmpfile();
    ck_assert_int_eq(ll_balance_write_csv(f, &b), LL_OK);
    rewind(f);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f))
        found |= strncmp(line, "uasc,binary,1,0,1,0,Inf,Inf,,\n", 31) == 0;
    fclose(f);
    ck_assert_msg(found, "no uasc line with Inf");
}
END_TEST

START_TEST(balance_csv_layout)
{
    struct known kt;
    known_table(&kt);
    ll_balance b = known_balance(&kt);
    FILE *f = tmpfile();
    ck_assert_int_eq(ll_balance_write_csv(f, &b), LL_OK);
    rewind(f);
    char line[512];
    ck_assert(fgets(line, sizeof line, f) != NULL);
    ck_assert_str_eq(line, "covariate,type,mean_treated_before,mean_comparison_before,"
                           "mean_treated_after,mean_comparison_after,smd_before,smd_after,"
                           "variance_ratio_before,variance_ratio_after\n");
    size_t k = 0;
    while (fgets(line, sizeof line, f) && k < LL_MATCH_NCOV) {
        size_t len = strlen(ll_match_cov_name(k));
        ck_assert_msg(!strncmp(line, ll_match_cov_name(k), len) && line[len] == ',', "%s", line);
        k++;
    }
    ck_assert_uint_eq(k, LL_MATCH_NCOV);
    /* a constant column (ethnic_group=other) leaves both SMDs empty */
    ck_assert_str_eq(line, "all_abs_smd_below_0.1,summary,,,,,,0,,\n");
    fclose(f);
    /* adequate when every |SMD| < 0.1 */
    ll_balance_compute(&b, &kt.stb, &kt.stb, &kt.sta, &kt.sta);
    ck_assert_int_eq(b.adequate, 1);
    ck_assert(b.max_abs_smd == 0.0);
}
END_TEST

/* Table 1 on the known table: counts, means (SD), medians [IQR] with R's
 * quantile type 7, N in the headers.  R:
 *   sprintf("%.2f (%.2f)", mean(age_t), sd(age_t))        # 11.62 (1.90)
 *   quantile(c(1.2, 0.4, 2.5, 0.9), c(.5, .25, .75))      # 1.05 0.775 1.525
 *   quantile(c(1, 2, 1, 4, 2, 1), c(.5, .25, .75))        # 1.5 1 2 */
START_TEST(table1_known)
{
    struct known kt;
    known_table(&kt);
    double sdq_t[4] = {15, NAN, 20, 10};
    ll_cov_set sets[2] = {{kt.tb, 4, sdq_t, NULL, NULL}, kt.scb};
    const char *names[2] = {"Treated", "Comparison"};
    ll_balance b;
    ll_balance_compute(&b, &sets[0], &sets[1], NULL, NULL);
    ll_table1 t1;
    ck_assert_int_eq(ll_table1_compute(&t1, sets, names, 2, &b, NULL), LL_OK);
    /* the counts the report's disclosure control rests on */
    ck_assert_int_eq(t1.row[1].count[0], 3);
    ck_assert_int_eq(t1.row[0].count[0], -1);
    ck_assert_int_eq(t1.row[LL_MATCH_NCOV].count[0], 3);
    ck_assert_int_eq(t1.row[LL_MATCH_NCOV].count[1], -1);
    FILE *f = tmpfile();
    ck_assert_int_eq(ll_table1_write_csv(f, &t1, NULL), LL_OK);
    long n = ftell(f);
    rewind(f);
    char *text = calloc((size_t)n + 1, 1);
    ck_assert_int_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    const char *want[] = {
        "characteristic,statistic,\"Treated (N = 4)\",\"Comparison (N = 6)\",smd\n",
        "\nage_years,mean (SD),\"11.62 (1.90)\",\"10.67 (3.28)\",0.35751199357965",
        "\nmale,n (%),\"3 (75.0%)\",\"3 (50.0%)\",0.53452248382484",
        "\nyears_in_care,median [IQR],\"1.05 [0.78, 1.52]\"",
        "\nprior_placements,median [IQR],\"1.50 [1.00, 2.25]\",\"1.50 [1.00, 2.00]\"",
        "\nethnic_group=other,n (%),\"0 (0.0%)\",\"0 (0.0%)\",\n",
        "\nsdq_baseline,mean (SD),\"15.00 (5.00); n = 3\",,\n",
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        ck_assert_msg(strstr(text, want[k]) != NULL, "Table 1 lacks %s in:\n%s", want[k], text);
    free(text);
}
END_TEST

/* Matching keeps its candidate rows packed; every double of a row must
 * come back exactly as ll_match_cov_row makes it, column by column too. */
START_TEST(packed_rows_give_the_same_doubles)
{
    const ll_covariates rows[3] = {
        cov(0.0027378507871321013, 0, LL_ETHNIC_WHITE, 0, 0.0, 0, 0.0, 0, LL_PG_FOSTER,
            LL_LEGAL_CARE_ORDER, 0),
        cov(17.998631074606433, 1, LL_ETHNIC_UNKNOWN, 1, 16.5, 40, 3.25, 7, LL_PG_OTHER,
            LL_LEGAL_OTHER, 1),
        cov(9.5, 1, LL_ETHNIC_BLACK, 0, 1.0 / 3.0, 2, 0.1, 1, LL_PG_RESIDENTIAL, LL_LEGAL_S20, 0)};
    for (size_t r = 0; r < 3; r++) {
        double want[LL_MATCH_NCOV], got[LL_MATCH_NCOV];
        ll_match_cov_row(want, &rows[r]);
        ll_cov_packed p;
        ll_match_cov_pack(&p, &rows[r]);
        ll_match_cov_unpack(got, &p);
        ck_assert(memcmp(want, got, sizeof want) == 0);
        for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
            double v = ll_match_cov_value(&p, j);
            ck_assert_msg(memcmp(&v, &want[j], sizeof v) == 0, "row %zu column %zu: %g, not %g",
                          r, j, v, want[j]);
        }
    }
}
END_TEST

/* The candidate set of a match is read by columns (x NULL): balance and
 * Table 1 must come out byte for byte as from the same rows held whole. */
typedef struct col_src {
    const double *x;
    size_t n;
    double buf[6 * LL_MATCH_COLUMN_BLOCK];
} col_src;

static const double *test_columns(const void *ctx, size_t j, size_t k)
{
    col_src *s = (col_src *)ctx;
    ck_assert(k >= 1 && k <= LL_MATCH_COLUMN_BLOCK && j + k <= LL_MATCH_NCOV);
    for (size_t i = 0; i < s->n; i++)
        for (size_t c = 0; c < k; c++)
            s->buf[i * k + c] = s->x[i * LL_MATCH_NCOV + j + c];
    return s->buf;
}

START_TEST(balance_by_columns_same_as_rows)
{
    struct known kt;
    known_table(&kt);
    col_src src = {kt.cb, 6, {0}};
    ll_cov_set st = kt.stb, rows = kt.scb, sta = kt.sta, sca = kt.sca;
    ll_cov_set cols = {NULL, 6, NULL, test_columns, &src};
    ll_balance b1, b2;
    ll_balance_compute(&b1, &st, &rows, &sta, &sca);
    ll_balance_compute(&b2, &st, &cols, &sta, &sca);
    ck_assert(memcmp(&b1, &b2, sizeof b1) == 0);
    const char *names[2] = {"Treated", "Comparison"};
    ll_cov_set s1[2] = {st, rows}, s2[2] = {st, cols};
    ll_table1 t1, t2;
    ck_assert_int_eq(ll_table1_compute(&t1, s1, names, 2, &b1, NULL), LL_OK);
    ck_assert_int_eq(ll_table1_compute(&t2, s2, names, 2, &b2, NULL), LL_OK);
    for (size_t r = 0; r < t1.nrow; r++) {
        ck_assert_str_eq(t1.row[r].cell[1], t2.row[r].cell[1]);
        ck_assert_int_eq(t1.row[r].count[1], t2.row[r].count[1]);
    }
    ck_assert_str_eq(t1.row[0].cell[1], "10.67 (3.28)"); /* as table1_known has it from R */
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("match");
    const TTest *const hand_made_tests[] = {
        basic_library, basic_cli, basic_ratio_2, basic_caliper, ties_by_la_and_child,
        exact_la_and_none, months_use_a_child_once, nothing_to_match, NULL};
    tu_tcase(s, "hand-made", hand_made_tests, 120);
    const TTest *const example_tests[] = {
        order_of_input_rows_does_not_matter, greedy_rule_brute_force, NULL};
    tu_tcase(s, "example", example_tests, 600);
    const TTest *const balance_tests[] = {
        smd_against_r, smd_of_a_separated_covariate, balance_csv_layout, table1_known,
        packed_rows_give_the_same_doubles, balance_by_columns_same_as_rows, NULL};
    tu_tcase(s, "balance", balance_tests, 0);
    return s;
}
