/* End-to-end acceptance: `lleval ingest` then `lleval evaluate` on the
 * worked examples of fixtures/examples, whose expected files were made by a
 * separate implementation and by R.  secure/analysis.csv against
 * expected/analysis.csv (keyed on la, child, group, index_date; numbers to
 * a relative 1e-9, ps_logit 1e-6, other cells exactly); matches.csv
 * against expected/matches.csv (the same pairs; logits 1e-6); estimates.csv
 * against expected/estimates.csv (keyed on outcome, estimand, group, term;
 * SPEC 6 tolerances; `method` is free text and not compared).  Runs the
 * lleval beside this test program (build/ or build-asan/), from the
 * repository root as `make check` does. */
#include "csvutil.h"
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_COLS 64
#define MAX_ROWS 4096

struct table {
    int ncol, nrow;
    char *cols[MAX_COLS];
    char **rows[MAX_ROWS]; /* each ncol fields, pointing into lines[] */
    char *lines[MAX_ROWS + 1];
};

/* Ends line after its first keep fields (keep 0: the whole line). */
static void cut_after(char *line, int keep)
{
    if (keep <= 0)
        return;
    char *p = line;
    for (int k = 0; k < keep && p; k++) {
        p = strchr(p, ',');
        if (p && k + 1 < keep)
            p++;
    }
    if (p)
        *p = '\0';
}

/* Reads a CSV file; with keep > 0 only its first keep columns (the last
 * column of estimates.csv, `method`, may be quoted). */
static void read_table_keep(struct table *t, const char *path, int keep)
{
    char buf[8192];
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    memset(t, 0, sizeof *t);
    ck_assert(fgets(buf, sizeof buf, f) != NULL);
    cut_after(buf, keep);
    ck_assert_msg(!strchr(buf, '"'), "%s: quoted header", path);
    t->lines[0] = strdup(buf);
    t->ncol = tu_csv_fields(t->lines[0], t->cols, MAX_COLS);
    while (fgets(buf, sizeof buf, f)) {
        ck_assert_int_lt(t->nrow, MAX_ROWS);
        cut_after(buf, keep);
        ck_assert_msg(!strchr(buf, '"'), "%s: quoted field (not expected here)", path);
        char *line = t->lines[t->nrow + 1] = strdup(buf);
        char **row = t->rows[t->nrow] = calloc(MAX_COLS, sizeof *row);
        ck_assert_int_eq(tu_csv_fields(line, row, MAX_COLS), t->ncol);
        t->nrow++;
    }
    fclose(f);
}

static void free_table(struct table *t)
{
    for (int i = 0; i < t->nrow; i++)
        free(t->rows[i]);
    for (int i = 0; i <= t->nrow; i++)
        free(t->lines[i]);
}

static int col(const struct table *t, const char *name)
{
    for (int i = 0; i < t->ncol; i++)
        if (!strcmp(t->cols[i], name))
            return i;
    return -1;
}

static int same_key(const struct table *a, int i, const struct table *b, int j)
{
    for (int k = 0; k < 4; k++) /* the first four columns are the key of each file */
        if (strcmp(a->rows[i][k], b->rows[j][k]))
            return 0;
    return 1;
}

/* Numbers agree to a relative rel, or absolutely to abs_tol when that is
 * positive (SPEC 6 allows p-values an absolute 1e-8). */
static int cells_agree(const char *want, const char *got, double rel, double abs_tol)
{
    if (!strcmp(want, got))
        return 1;
    char *e1, *e2;
    double w = strtod(want, &e1), g = strtod(got, &e2);
    if (!*want || !*got || *e1 || *e2)
        return 0;
    return fabs(w - g) <= rel * fabs(w) || fabs(w - g) <= abs_tol;
}

static void tolerance(const char *name, double *rel, double *abs_tol)
{
    *abs_tol = 0.0;
    *rel = 1e-9;
    if (!strcmp(name, "ps_logit") || !strcmp(name, "ps_logit_treated") ||
        !strcmp(name, "ps_logit_comparison") || !strcmp(name, "distance"))
        *rel = 1e-6;
    if (!strcmp(name, "estimate") || !strcmp(name, "std.error") || !strcmp(name, "statistic") ||
        !strcmp(name, "conf.low") || !strcmp(name, "conf.high"))
        *rel = 1e-6, *abs_tol = 1e-12;
    if (!strcmp(name, "p.value"))
        *rel = 1e-6, *abs_tol = 1e-8;
}

/* Compares every row of want (only group treated when treated_only) with
 * the row of got with the same key; the key sets must be equal. */
static void compare_keep(const char *want_path, const char *got_path, int treated_only, int keep)
{
    struct table *w = malloc(sizeof *w), *g = malloc(sizeof *g);
    read_table_keep(w, want_path, keep);
    read_table_keep(g, got_path, keep);
    int group = col(w, "group");
    if (treated_only) {
        ck_assert_int_eq(group, 2);
        ck_assert_int_eq(col(g, "group"), 2);
    }
    int n_want = 0, n_got = 0;
    for (int j = 0; j < g->nrow; j++)
        n_got += !treated_only || !strcmp(g->rows[j][group], "treated");
    for (int i = 0; i < w->nrow; i++) {
        if (treated_only && strcmp(w->rows[i][group], "treated"))
            continue;
        n_want++;
        int j = 0;
        while (j < g->nrow && !same_key(w, i, g, j))
            j++;
        ck_assert_msg(j < g->nrow, "%s: no row for %s,%s,%s,%s", got_path, w->rows[i][0],
                      w->rows[i][1], w->rows[i][2], w->rows[i][3]);
        for (int c = 0; c < w->ncol; c++) {
            const char *name = w->cols[c];
            if (treated_only && (!strcmp(name, "match_id") || !strcmp(name, "ps_logit")))
                continue;
            int gc = col(g, name);
            ck_assert_msg(gc >= 0, "%s: no column %s", got_path, name);
            double rel, abs_tol;
            tolerance(name, &rel, &abs_tol);
            ck_assert_msg(cells_agree(w->rows[i][c], g->rows[j][gc], rel, abs_tol),
                          "%s,%s,%s,%s: %s = '%s', want '%s'", w->rows[i][0], w->rows[i][1],
                          w->rows[i][2], w->rows[i][3], name, g->rows[j][gc], w->rows[i][c]);
        }
    }
    ck_assert_int_eq(n_got, n_want);
    free_table(w);
    free_table(g);
    free(w);
    free(g);
}

static void compare(const char *want_path, const char *got_path, int treated_only)
{
    compare_keep(want_path, got_path, treated_only, 0);
}

static void run(const char *cmd, const char *log)
{
    char buf[13000];
    snprintf(buf, sizeof buf, "%s >>%s 2>&1", cmd, log);
    int rc = system(buf);
    ck_assert_msg(rc == 0, "'%s' failed (status %d); see %s", cmd, rc, log);
}

/* Ingests example ex (per year folder, then the programme files) and runs
 * evaluate; returns the output folder in out. */
static void ingest_and_evaluate(char *dir, size_t size, const char *ex)
{
    char cmd[12288], db[512], log[512], input[256];
    snprintf(dir, size, "/tmp/lleval-e2e-XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(db, sizeof db, "%s/ex.db", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    snprintf(input, sizeof input, "fixtures/examples/%s/input", ex);
    const char *lleval = tu_lleval_path();
    ck_assert_msg(access(lleval, X_OK) == 0, "build %s first", lleval);
    char years_dir[300];
    snprintf(years_dir, sizeof years_dir, "%s/903", input);
    DIR *yd = opendir(years_dir);
    ck_assert(yd != NULL);
    struct dirent *de;
    int n_years = 0;
    while ((de = readdir(yd)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(cmd, sizeof cmd, "%s ingest --db %s --la LA --year %s %s/%s/*.csv", lleval, db,
                 de->d_name, years_dir, de->d_name);
        run(cmd, log);
        n_years++;
    }
    closedir(yd);
    ck_assert_int_eq(n_years, 9);
    char extra[300];
    snprintf(extra, sizeof extra, "%s/comparison.csv", input);
    if (access(extra, R_OK) != 0)
        extra[0] = '\0'; /* the matched example has none */
    snprintf(cmd, sizeof cmd, "%s ingest --db %s --la LA %s/lifelong_links.csv %s", lleval, db,
             input, extra);
    run(cmd, log);
    snprintf(cmd, sizeof cmd, "%s evaluate --db %s --out %s/out", lleval, db, dir);
    run(cmd, log);
}

START_TEST(explicit_example)
{
    char dir[64], got[128];
    ingest_and_evaluate(dir, sizeof dir, "explicit");
    snprintf(got, sizeof got, "%s/out/secure/analysis.csv", dir);
    compare("fixtures/examples/explicit/expected/analysis.csv", got, 0);
    struct stat st;
    snprintf(got, sizeof got, "%s/out/secure", dir);
    ck_assert_int_eq(stat(got, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    snprintf(got, sizeof got, "%s/out/secure/flow.csv", dir);
    ck_assert_int_eq(access(got, R_OK), 0);
    snprintf(got, sizeof got, "%s/out/secure/data_quality.csv", dir);
    ck_assert_int_eq(access(got, R_OK), 0);
    snprintf(got, sizeof got, "%s/out/secure/estimates.csv", dir);
    compare_keep("fixtures/examples/explicit/expected/estimates.csv", got, 0, 12);
    tu_remove_tree(dir);
}
END_TEST

START_TEST(matched_example)
{
    char dir[64], got[128];
    ingest_and_evaluate(dir, sizeof dir, "matched");
    snprintf(got, sizeof got, "%s/out/secure/analysis.csv", dir);
    compare("fixtures/examples/matched/expected/analysis.csv", got, 0);
    snprintf(got, sizeof got, "%s/out/secure/matches.csv", dir);
    compare("fixtures/examples/matched/expected/matches.csv", got, 0);
    snprintf(got, sizeof got, "%s/out/secure/estimates.csv", dir);
    compare_keep("fixtures/examples/matched/expected/estimates.csv", got, 0, 12);
    tu_remove_tree(dir);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {
        explicit_example, matched_example, NULL};
    return tu_suite("e2e", tests, 300);
}
