/* End to end for pooling (SPEC 10): `lleval synth` makes three authorities
 * (different seeds and LA codes, with comparison groups), each is ingested
 * and evaluated on its own, and `lleval pool` pools their secure/pool.csv.
 * Checks: pool.csv agrees with each authority's estimates.csv; every pooled
 * estimate lies within the range of the authorities' estimates (the fixed,
 * random and Mantel-Haenszel estimates are weighted means of them); the
 * random-effects SE is at least the fixed-effect one; the report names all
 * three authorities; a repeated la is refused and writes nothing; a
 * single-group run leaves no pool.csv.  The
 * numbers themselves are checked against metafor in test_meta and
 * test_pool.  Runs the lleval beside this test program. */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>

#define N_LA 3
static const char *LAS[N_LA] = {"E901", "E902", "E903"};
static char root[64];

static void run(const char *cmd)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s >>%s/log.txt 2>&1", cmd, root);
    int rc = system(buf);
    ck_assert_msg(rc == 0, "'%s' failed (status %d); see %s/log.txt", cmd, rc, root);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s missing", path);
    static char bufs[4][1 << 18];
    static int next;
    char *buf = bufs[next++ % 4];
    size_t n = fread(buf, 1, sizeof bufs[0] - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Splits one CSV line (these files quote nothing in the fields read here)
 * into at most max fields; returns the count. */
static int fields(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

/* Copies the line of text starting with prefix into out ("" when none). */
static void line_of(char *out, size_t size, const char *text, const char *prefix)
{
    out[0] = '\0';
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            size_t len = strcspn(p, "\n");
            snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), p);
            return;
        }
}

static void make_authority(int i)
{
    char cmd[2048], dir[160];
    snprintf(dir, sizeof dir, "%s/%s", root, LAS[i]);
    snprintf(cmd, sizeof cmd, "%s synth --children 2500 --seed %d --la %s --comparison --out %s",
             tu_lleval_path(), 101 + i, LAS[i], dir);
    run(cmd);
    snprintf(cmd, sizeof cmd,
             "for y in %s/903/*/; do %s ingest --db %s/la.db --la %s \"$y\"*.csv || exit 1; done",
             dir, tu_lleval_path(), dir, LAS[i]);
    run(cmd);
    snprintf(cmd, sizeof cmd, "%s ingest --db %s/la.db --la %s %s/lifelong_links.csv %s/comparison.csv",
             tu_lleval_path(), dir, LAS[i], dir, dir);
    run(cmd);
    snprintf(cmd, sizeof cmd, "%s evaluate --db %s/la.db --out %s/out", tu_lleval_path(), dir, dir);
    run(cmd);
}

/* pool.csv agrees with the authority's own estimates.csv. */
static void check_pool_csv(int i)
{
    char path[200], line[1024], want[1024];
    char *f[16], *g[16];
    snprintf(path, sizeof path, "%s/%s/out/secure/pool.csv", root, LAS[i]);
    const char *pool = slurp(path);
    snprintf(path, sizeof path, "%s/%s/out/secure/estimates.csv", root, LAS[i]);
    const char *est = slurp(path);
    ck_assert(strncmp(pool, "la,outcome,estimand,term,n_treated,n_comparison,events_treated,"
                            "events_comparison,estimate,std.error\n", 97) == 0);
    /* the SDQ slope difference, to the last digit */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s,sdq,mixed_model,years:treated,", LAS[i]);
    line_of(line, sizeof line, pool, prefix);
    ck_assert_int_eq(fields(line, f, 16), 10);
    line_of(want, sizeof want, est, "sdq,mixed_model,treated-comparison,years:treated,");
    ck_assert_int_ge(fields(want, g, 16), 9);
    ck_assert_str_eq(f[8], g[6]);
    ck_assert_str_eq(f[9], g[7]);
    ck_assert_int_eq(atol(f[4]) + atol(f[5]), atol(g[4]));
    /* the homelessness counts are the proportion rows' n and events */
    snprintf(prefix, sizeof prefix, "%s,homeless_ever,counts,,", LAS[i]);
    line_of(line, sizeof line, pool, prefix);
    ck_assert_int_eq(fields(line, f, 16), 10);
    line_of(want, sizeof want, est, "homeless_ever,proportion,treated,,");
    fields(want, g, 16);
    ck_assert_str_eq(f[4], g[4]);
    ck_assert_str_eq(f[6], g[5]);
    line_of(want, sizeof want, est, "homeless_ever,proportion,comparison,,");
    fields(want, g, 16);
    ck_assert_str_eq(f[5], g[4]);
    ck_assert_str_eq(f[7], g[5]);
    ck_assert(f[8][0] == '\0' && f[9][0] == '\0');
    /* every SPEC 10 row is there */
    const char *rows[5] = {",stable_12m,adjusted_risk_difference,,",
                           ",placements,adjusted_difference,after,",
                           ",sdq,mixed_model,years:treated,", ",costs,annual_saving,",
                           ",homeless_ever,counts,,"};
    for (int r = 0; r < 5; r++)
        ck_assert_msg(strstr(pool, rows[r]) != NULL, "pool.csv lacks %s", rows[r]);
}

/* Range of the authorities' estimates of one effect (a pool.csv prefix
 * after la); for counts, the raw risk differences of the usable tables. */
static int effect_range(double *lo, double *hi, const char *key, int counts)
{
    int k = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < N_LA; i++) {
        char path[200], prefix[300], line[1024];
        char *f[16];
        snprintf(path, sizeof path, "%s/%s/out/secure/pool.csv", root, LAS[i]);
        snprintf(prefix, sizeof prefix, "%s%s", LAS[i], key);
        line_of(line, sizeof line, slurp(path), prefix);
        if (!line[0] || fields(line, f, 16) != 10) {
            fprintf(stderr, "no %s in %s\n", prefix, path);
            continue;
        }
        double y;
        if (counts) {
            long nt = atol(f[4]), nc = atol(f[5]), xt = atol(f[6]), xc = atol(f[7]);
            if (nt == 0 || nc == 0 || (xt == 0 && xc == 0) || (xt == nt && xc == nc))
                continue;
            y = (double)xt / (double)nt - (double)xc / (double)nc;
        } else {
            if (!f[8][0] || !f[9][0])
                continue;
            y = atof(f[8]);
        }
        k++;
        *lo = fmin(*lo, y);
        *hi = fmax(*hi, y);
    }
    return k;
}

START_TEST(test_three_authorities)
{
    snprintf(root, sizeof root, "/tmp/lleval-pool-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    for (int i = 0; i < N_LA; i++) {
        make_authority(i);
        check_pool_csv(i);
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s pool --out %s/pooled %s/E901/out/secure/pool.csv "
                              "%s/E902/out/secure/pool.csv %s/E903/out/secure/pool.csv",
             tu_lleval_path(), root, root, root, root);
    run(cmd);
    char path[200];
    snprintf(path, sizeof path, "%s/pooled/pool_estimates.csv", root);
    char *csv = strdup(slurp(path)); /* slurp's buffers are reused below */
    ck_assert_ptr_nonnull(csv);
    /* each pooled row against its authorities */
    int n_rows = 0, n_random = 0;
    double fixed_se = NAN;
    char *save = NULL;
    for (char *line = strtok_r(strchr(csv, '\n') + 1, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[20], key[256];
        ck_assert_int_eq(fields(line, f, 20), 16);
        snprintf(key, sizeof key, ",%s,%s,%s,", f[0], f[1], f[2]);
        int counts = !strcmp(f[3], "mantel_haenszel");
        double lo, hi, est = atof(f[5]), se = atof(f[6]);
        int k = effect_range(&lo, &hi, key, counts);
        ck_assert_int_eq(k, atoi(f[4]));
        ck_assert_msg(est >= lo - 1e-12 && est <= hi + 1e-12, "%s %s: %g not in [%g, %g]", key,
                      f[3], est, lo, hi);
        ck_assert(se > 0);
        if (!strcmp(f[3], "fixed"))
            fixed_se = se;
        if (!strcmp(f[3], "random")) {
            ck_assert_msg(se >= fixed_se, "%s: random SE %g < fixed %g", key, se, fixed_se);
            n_random++;
        }
        n_rows++;
    }
    free(csv);
    /* the SDQ slope is estimable in every synthetic authority */
    ck_assert_int_ge(n_random, 1);
    ck_assert_int_ge(n_rows, 2);
    snprintf(path, sizeof path, "%s/pooled/report.html", root);
    const char *html = slurp(path);
    for (int i = 0; i < N_LA; i++)
        ck_assert_msg(strstr(html, LAS[i]) != NULL, "report does not name %s", LAS[i]);
    ck_assert_ptr_nonnull(strstr(html, "Random effects (REML)"));
    /* a repeated la: exit 1, message naming both files, nothing written */
    snprintf(cmd, sizeof cmd, "%s pool --out %s/again %s/E901/out/secure/pool.csv "
                              "%s/E901/out/secure/pool.csv 2>%s/err.txt",
             tu_lleval_path(), root, root, root, root);
    int rc = system(cmd);
    ck_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
    snprintf(path, sizeof path, "%s/err.txt", root);
    ck_assert_ptr_nonnull(strstr(slurp(path), "la 'E901' is in two files"));
    struct stat st;
    snprintf(path, sizeof path, "%s/again", root);
    ck_assert_int_ne(stat(path, &st), 0);
    /* a single-group run in the same folder removes the earlier pool.csv
     * (SPEC 10: two-group designs only) */
    snprintf(path, sizeof path, "%s/none.ini", root);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[analysis]\ncomparison = none\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s evaluate --db %s/E901/la.db --config %s --out %s/E901/out",
             tu_lleval_path(), root, path, root);
    run(cmd);
    snprintf(path, sizeof path, "%s/E901/out/secure/pool.csv", root);
    ck_assert_int_ne(stat(path, &st), 0);
    /* --help */
    snprintf(cmd, sizeof cmd, "%s pool --help >/dev/null", tu_lleval_path());
    ck_assert_int_eq(system(cmd), 0);
    if (getenv("LL_KEEP") == NULL) {
        tu_remove_tree(root);
    }
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {test_three_authorities, NULL};
    return tu_suite("pool_e2e", tests, 600);
}
