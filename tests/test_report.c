/* Tests of the report module (SPEC 8): a report built from hand-made
 * results with small cells (every published count checked to be 0, c or a
 * multiple of the rounding base, the withheld cells named one by one, and
 * the cells the old secondary suppression withheld now shown rounded); a
 * self-contained, well-formed page with every chart inline; the report
 * without gnuplot; the worked example end to end with a stricter min_cell;
 * and, when /usr/bin/chromium exists, a real browser drawing the page.
 * Runs from the repository root (fixtures/report, fixtures/examples). */
#include "testutil.h"

#include "csvutil.h"

#include "lleval/balance.h"
#include "lleval/config.h"
#include "lleval/derive.h"
#include "lleval/estimate.h"
#include "lleval/report.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------------- */

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void make_tmp(char *dir, size_t size, const char *tag)
{
    snprintf(dir, size, "/tmp/lleval-report-%s-XXXXXX", tag);
    ck_assert(mkdtemp(dir) != NULL);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Runs argv with stdout to out (may be NULL: /dev/null), stderr to
 * /dev/null, killing it after timeout seconds.  Returns its exit status or
 * -1. */
static int run_argv(char *const argv[], const char *out, int timeout)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_RDWR);
        dup2(fd, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        dup2(null, STDIN_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int status = 0;
    for (int t = 0; t < timeout * 10; t++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* ---- hand-made results with small cells ---------------------------------------- */

typedef struct hand {
    ll_config cfg;
    ll_flow flow;
    ll_estimates est;
    ll_est_child kids[80];
    ll_balance bal;
    ll_table1 t1;
    char *t1_text; /* the fixture's text, which t1's names point into */
} hand;

static void est(hand *h, const char *outcome, const char *estimand, const char *group,
                const char *term, long n, long events, double e, double lo, double hi, double p)
{
    ll_estimates *t = &h->est;
    ck_assert_uint_lt(t->n, t->cap);
    ll_estimate *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->outcome, sizeof r->outcome, "%s", outcome);
    snprintf(r->estimand, sizeof r->estimand, "%s", estimand);
    snprintf(r->group, sizeof r->group, "%s", group);
    snprintf(r->term, sizeof r->term, "%s", term);
    r->key = ll_est_key_of(outcome, estimand, group);
    r->n = n;
    r->events = events;
    r->estimate = e;
    r->std_error = NAN;
    r->statistic = NAN;
    r->p_value = p;
    r->conf_low = lo;
    r->conf_high = hi;
    snprintf(r->method, sizeof r->method, "hand-made row for the report test");
}

static void flow(hand *h, const char *stage, ll_group g, const char *reason, size_t n)
{
    ck_assert_int_eq(ll_flow_add(&h->flow, stage, g, reason, n, NULL), LL_OK);
}

/* The flow (explicit design).  Treated: started 47 = looked after 40 + not
 * in returns 2 + not looked after 5; no_start_date 3 makes started a
 * secondary c (50 - 3 would give it back). */
static void hand_flow(hand *h)
{
    const ll_group T = LL_GROUP_TREATED, C = LL_GROUP_COMPARISON;
    flow(h, "referred", T, "", 60);
    flow(h, "consented", T, "", 50);
    flow(h, "consented", T, "no_consent", 10);
    flow(h, "started", T, "", 47);
    flow(h, "started", T, "no_start_date", 3);
    flow(h, "looked_after_at_index", T, "", 40);
    flow(h, "looked_after_at_index", T, "not_in_returns", 2);
    flow(h, "looked_after_at_index", T, "no_index_date", 0);
    flow(h, "looked_after_at_index", T, "short_breaks", 0);
    flow(h, "looked_after_at_index", T, "not_looked_after_at_index", 5);
    flow(h, "named", C, "", 40);
    flow(h, "looked_after_at_index", C, "", 40);
    flow(h, "looked_after_at_index", C, "not_looked_after_at_index", 0);
    for (int g = 0; g < 2; g++) {
        ll_group G = g ? C : T;
        flow(h, "eligible", G, "", 40);
        flow(h, "eligible", G, "ineligible_age", 0);
        flow(h, "analysed", G, "", 40);
        flow(h, "stable_12m", G, "", 40);
        flow(h, "stable_12m", G, "followup_incomplete", 0);
        flow(h, "placements_after", G, "", 40);
        flow(h, "placements_after", G, "followup_incomplete", 0);
        flow(h, "sdq_0", G, "", g ? 30 : 4); /* treated: 4 (c), so 36 goes too */
        flow(h, "sdq_0", G, "no_sdq_in_window", g ? 10 : 36);
        flow(h, "sdq_1", G, "", 30);
        flow(h, "sdq_1", G, "no_sdq_in_window", 10);
        flow(h, "homeless_ever", G, "", 12);
        flow(h, "homeless_ever", G, "no_care_leaver_record", 28);
    }
    flow(h, "identity_improved", T, "", 30);
    flow(h, "identity_improved", T, "not_recorded", 10);
    flow(h, "connections_before", T, "", 40);
    flow(h, "connections_before", T, "not_recorded", 0);
    flow(h, "connections_after", T, "", 30);
    flow(h, "connections_after", T, "not_recorded", 10);
}

static void hand_estimates(hand *h)
{
    h->est.cap = 64;
    h->est.rows = calloc(h->est.cap, sizeof *h->est.rows);
    ck_assert_ptr_nonnull(h->est.rows);
    /* stability: treated 3 of 40 stable (c), comparison 20 of 40 */
    est(h, "stable_12m", "proportion", "treated", "", 40, 3, 0.075, 0.026, 0.199, NAN);
    est(h, "stable_12m", "proportion", "comparison", "", 40, 20, 0.5, 0.352, 0.648, NAN);
    est(h, "stable_12m", "risk_difference", "treated-comparison", "", 80, 23, -0.425, -0.58, -0.24, 0.0001);
    est(h, "stable_12m", "e_value", "treated-comparison", "point", 80, 23, 12.8, NAN, NAN, NAN);
    est(h, "homeless_ever", "proportion", "treated", "", 12, 2, 0.1667, 0.047, 0.448, NAN);
    est(h, "homeless_ever", "proportion", "comparison", "", 12, 6, 0.5, 0.254, 0.746, NAN);
    est(h, "homeless_ever", "risk_difference", "treated-comparison", "", 24, 8, -0.333, -0.62, 0.03, 0.08);
    const char *g2[2] = {"treated", "comparison"};
    for (int g = 0; g < 2; g++) {
        est(h, "placements", "mean", g2[g], "before", 40, -1, 1.55, 1.3, 1.8, 0.001);
        est(h, "placements", "mean", g2[g], "after", 40, -1, g ? 1.6 : 1.3, 1.1, 1.8, 0.001);
        est(h, "placements", "mean_change", g2[g], "", 40, -1, g ? 0.05 : -0.25, -0.5, 0.2, 0.04);
    }
    est(h, "placements", "difference_in_differences", "treated-comparison", "", 80, -1, -0.3, -0.6, -0.01, 0.04);
    for (int g = 0; g < 2; g++) {
        est(h, "sdq", "mean", g2[g], "baseline", g ? 30 : 4, -1, 16.2, 13.0, 19.5, 0.001);
        est(h, "sdq", "mean", g2[g], "year1", 30, -1, g ? 16.0 : 14.1, 12.0, 17.5, 0.001);
    }
    est(h, "sdq", "mixed_model", "treated-comparison", "years", 60, -1, 0.07, -0.45, 0.6, 0.78);
    est(h, "sdq", "mixed_model", "treated-comparison", "years:treated", 60, -1, -1.5, -2.3, -0.7, 0.0001);
    /* bands, treated, year 1: 20 normal, 6 borderline, 4 high (c), so 6 goes too */
    est(h, "sdq", "band_proportion", "treated", "normal@year1", 30, 20, 0.667, 0.49, 0.81, NAN);
    est(h, "sdq", "band_proportion", "treated", "borderline@year1", 30, 6, 0.2, 0.095, 0.37, NAN);
    est(h, "sdq", "band_proportion", "treated", "high@year1", 30, 4, 0.133, 0.05, 0.3, NAN);
    /* identity: 28 of 30 (the 2 without make 28 a c) */
    est(h, "identity_improved", "proportion", "treated", "", 30, 28, 0.933, 0.79, 0.98, NAN);
    est(h, "connections", "mean", "treated", "before", 40, -1, 6.8, 6.2, 7.4, 0.001);
    est(h, "connections", "mean", "treated", "after", 30, -1, 24.8, 23.8, 25.8, 0.001);
    est(h, "connections", "median", "treated", "after", 30, -1, 25, NAN, NAN, NAN);
    est(h, "homelessness", "km_survival", "treated", "age18", 12, 1, 0.92, 0.77, 1, NAN);
    est(h, "homelessness", "log_rank", "treated-comparison", "", 24, 8, NAN, NAN, NAN, 0.08);
    h->est.rows[h->est.n - 1].statistic = 3.1;
}

/* 40 + 40 eligible children; 12 care leavers per group (treated 2 events,
 * comparison 6); SDQ for 30 per group.  The estimates' summary (cohort
 * counts, Kaplan-Meier curves) is computed from them. */
static void hand_children(hand *h)
{
    for (size_t i = 0; i < 80; i++) {
        ll_est_child *c = &h->kids[i];
        int g = i >= 40, k = (int)(i % 40);
        memset(c, 0, sizeof *c);
        c->treated = !g;
        for (int s = 0; s < 4; s++)
            c->sdq[s] = NAN;
        if (k < 30)
            c->sdq[1] = 12 + k % 9;
        c->homeless_ever = c->homeless_time = c->homeless_event = NAN;
        if (k < 12) {
            int ev = k < (g ? 6 : 2);
            c->homeless_ever = ev;
            c->homeless_event = ev;
            c->homeless_time = 17 + k % 5;
        }
    }
    ll_est_options opt = {1, LL_SDQ_CARER};
    ck_assert_int_eq(ll_estimate_summary(&h->est.summary, h->kids, 80, &opt, NULL), LL_OK);
    ck_assert_uint_eq(h->est.summary.leavers[0], 12);
    ck_assert_uint_eq(h->est.summary.leaver_events[1], 6);
}

/* The count of a Table 1 cell as its text gives it: k of "k (p%)", or the
 * n of the SDQ row's "...; n = k"; -1 otherwise. */
static long t1_count(const char *s, int sdq)
{
    if (sdq) {
        const char *p = strstr(s, "n = ");
        return p ? strtol(p + 4, NULL, 10) : -1;
    }
    char *end;
    long k = strtol(s, &end, 10);
    return end != s && strncmp(end, " (", 2) == 0 ? k : -1;
}

/* Table 1 as compare would hand it, from fixtures/report/table1.csv (two
 * sets, hand-made, with small counts). */
static void hand_table1(hand *h)
{
    h->t1_text = tu_slurp("fixtures/report/table1.csv", NULL);
    char *f[8], *save = NULL;
    ll_table1 *t = &h->t1;
    memset(t, 0, sizeof *t);
    for (char *line = strtok_r(h->t1_text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int n = tu_csv_fields(line, f, 8);
        ck_assert_int_ge(n, 3);
        if (t->nsets == 0) {
            t->nsets = (size_t)n - 3;
            for (size_t k = 0; k < t->nsets; k++) {
                char *p = strstr(f[2 + k], " (N = ");
                ck_assert_ptr_nonnull(p);
                t->set_n[k] = (size_t)strtol(p + 6, NULL, 10);
                *p = '\0';
                t->set_name[k] = f[2 + k];
            }
            continue;
        }
        ll_table1_row *r = &t->row[t->nrow++];
        r->characteristic = f[0];
        r->statistic = f[1];
        for (size_t k = 0; k < t->nsets; k++) {
            snprintf(r->cell[k], sizeof r->cell[k], "%s", f[2 + k]);
            r->count[k] = t1_count(f[2 + k], !strcmp(f[0], "sdq_baseline"));
        }
        r->smd = f[2 + t->nsets][0] ? strtod(f[2 + t->nsets], NULL) : NAN;
    }
    ck_assert_uint_eq(t->nrow, 11);
}

static void hand_init(hand *h)
{
    memset(h, 0, sizeof *h);
    ll_config_init(&h->cfg);
    hand_flow(h);
    hand_estimates(h);
    hand_children(h);
    hand_table1(h);
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        h->bal.row[j] = (ll_balance_row){NAN, NAN, NAN, NAN, 0.02 * (double)(j % 4), NAN, 1.1, NAN};
    h->bal.row[1].smd_before = 0.95; /* male: imbalanced */
    h->bal.row[2].mean_t_before = 0.75; /* white: 30 and 28 of 40, as Table 1 */
    h->bal.row[2].mean_c_before = 0.7;
    h->bal.adequate = 0;
    h->bal.max_abs_smd = 0.95;
}

static void hand_free(hand *h)
{
    ll_flow_clear(&h->flow);
    free(h->est.rows);
    ll_est_summary_clear(&h->est.summary);
    free(h->t1_text);
}

static ll_report_input hand_input(hand *h, const char *gnuplot)
{
    ll_report_input in = {&h->cfg, "explicit", NULL, &h->flow, &h->est, &h->bal, &h->t1, NULL,
                          NULL, gnuplot};
    return in;
}

/* ---- scanning published outputs for small counts -------------------------------- */

/* 1 when s (up to end) is a count that may not be published: an integer
 * (optionally followed by " (", Table 1's "k (p%)") that is not a multiple
 * of the rounding base, or below the smallest count shown, min_cell + 1
 * rounded (SPEC 8 rule 1: 5 for min_cell 5, 10 for min_cell 10). */
static int small_count(const char *s, const char *end, int min_cell)
{
    const int rounding = 5; /* report.rounding's default, used by every run here */
    while (s < end && isspace((unsigned char)*s))
        s++;
    const char *p = s;
    while (p < end && isdigit((unsigned char)*p))
        p++;
    if (p == s)
        return 0;
    const char *q = p;
    while (q < end && *q == ' ')
        q++;
    if (q < end && *q != '(' && *q != '"')
        return 0;
    long v = strtol(s, NULL, 10);
    long least = (2 * (min_cell + 1) + rounding) / (2 * rounding) * rounding;
    return (v >= 1 && v < least) || v % rounding != 0;
}

/* Every field of the named columns of a CSV (no quoted commas in them). */
static void csv_no_small(const char *path, const char *const *cols, int min_cell)
{
    char *text = tu_slurp(path, NULL);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    int want[64] = {0}, ncol = 0;
    for (char *p = line, *f; p; p = f ? f + 1 : NULL, ncol++) {
        f = strchr(p, ',');
        size_t len = f ? (size_t)(f - p) : strlen(p);
        for (int k = 0; cols[k]; k++)
            if (!strcmp(cols[k], "*") || (strlen(cols[k]) == len && !strncmp(p, cols[k], len)))
                want[ncol] = 1;
    }
    int lineno = 1;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        lineno++;
        int col = 0, q = 0;
        const char *start = line;
        for (const char *p = line;; p++) {
            if (*p == '"')
                q = !q;
            if ((*p == ',' && !q) || *p == '\0') {
                if (col < 64 && want[col])
                    ck_assert_msg(!small_count(start + (*start == '"'), p, min_cell),
                                  "%s:%d column %d: a count from 1 to %d is published: %.*s",
                                  path, lineno, col + 1, min_cell, (int)(p - start), start);
                col++;
                start = p + 1;
            }
            if (*p == '\0')
                break;
        }
    }
    free(text);
}

/* Every numeric table cell of the HTML (the numbers of the text include
 * percentage points and years, which are not counts). */
static void html_no_small(const char *html, int min_cell)
{
    const char *tags[2] = {"<span class=\"n\">", "<td class=\"num\">"};
    for (int t = 1; t < 2; t++)
        for (const char *p = strstr(html, tags[t]); p; p = strstr(p + 1, tags[t])) {
            const char *s = p + strlen(tags[t]);
            if (!strncmp(s, tags[0], strlen(tags[0])))
                s += strlen(tags[0]);
            const char *e = strchr(s, '<');
            ck_assert_msg(!small_count(s, e, min_cell), "report.html shows a count from 1 to %d: %.40s",
                          min_cell, s);
        }
}

/* Every table cell of report.md before the Methods (whose configuration
 * table lists settings, not counts). */
static void md_no_small(const char *md, int min_cell)
{
    const char *stop = strstr(md, "\n## 6. Methods");
    for (const char *line = md; line && (!stop || line < stop); line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (*line != '|')
            continue;
        const char *end = strchr(line, '\n');
        const char *first = memchr(line + 1, '|', (size_t)(end - line - 1));
        for (const char *c = first ? first + 1 : end; c < end;) { /* the first column is a label */
            const char *bar = memchr(c, '|', (size_t)(end - c));
            if (bar == NULL)
                break;
            ck_assert_msg(!small_count(c, bar, min_cell), "report.md shows a count from 1 to %d: %.60s",
                          min_cell, line);
            c = bar + 1;
        }
    }
}

/* The field of a CSV row whose first fields are key (comma-joined). */
static void csv_field(char *out, size_t size, const char *path, const char *key, int col)
{
    char *text = tu_slurp(path, NULL);
    size_t kl = strlen(key);
    out[0] = '\0';
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, kl) != 0 || line[kl] != ',')
            continue;
        const char *p = line;
        for (int k = 0; k < col && p; k++)
            p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
        ck_assert_ptr_nonnull(p);
        size_t n = strcspn(p, ",\n");
        snprintf(out, size, "%.*s", (int)n, p);
        free(text);
        return;
    }
    free(text);
    ck_abort_msg("%s: no row %s", path, key);
}

/* No reference outside the page: no src, no link or script element, no
 * import; every href is a fragment. */
static void self_contained(const char *html)
{
    ck_assert_ptr_null(strstr(html, "src="));
    ck_assert_ptr_null(strstr(html, "<link"));
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "@import"));
    ck_assert_ptr_null(strstr(html, "url(http"));
    ck_assert_ptr_null(strstr(html, "<!DOCTYPE svg"));
    for (const char *p = strstr(html, "href="); p; p = strstr(p + 1, "href=")) {
        char q = p[5];
        ck_assert_msg((q == '"' || q == '\'') && p[6] == '#', "external reference: %.60s", p);
    }
}

/* Well-formed: xmllint parses the page as XML (it is polyglot), and as
 * HTML with no error but its not knowing the SVG elements. */
static void well_formed(const char *path)
{
    if (!exists("/usr/bin/xmllint")) {
        tu_skip("well_formed", "/usr/bin/xmllint not found (apt-get install libxml2-utils): "
                "well-formedness not checked");
        return;
    }
    char out[512];
    snprintf(out, sizeof out, "%s.xmllint", path);
    char *xml[] = {"/usr/bin/xmllint", "--noout", (char *)path, NULL};
    ck_assert_msg(run_argv(xml, NULL, 60) == 0, "%s is not well-formed XML", path);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "/usr/bin/xmllint --html --noout '%s' 2>&1 | grep 'error' | "
                              "grep -v 'Tag [a-zA-Z]* invalid' > '%s'", path, out);
    ck_assert_int_ne(system(cmd), -1);
    char *errs = tu_slurp(out, NULL);
    ck_assert_msg(errs[0] == '\0', "HTML parser errors: %.300s", errs);
    free(errs);
    remove(out);
}

/* Each chart as an inline <svg> inside its figure. */
static void charts_inline(const char *html, const char *const *names)
{
    size_t n = 0;
    for (; names[n]; n++) {
        char fig[80];
        snprintf(fig, sizeof fig, "<figure id=\"chart-%s\">\n<svg ", names[n]);
        ck_assert_msg(strstr(html, fig) != NULL, "chart %s is not an inline svg", names[n]);
    }
    ck_assert_uint_eq(count_of(html, "<svg "), n);
}

static const char *const HAND_CHARTS[] = {"flow", "balance", "stability", "placements",
                                          "sdq_trajectory", "sdq_bands", "connections",
                                          "identity", "homelessness", "subgroups", NULL};

START_TEST(hand_report)
{
    hand h;
    hand_init(&h);
    char dir[128], path[300], v[64];
    make_tmp(dir, sizeof dir, "hand");
    char *t1_before = tu_slurp("fixtures/report/table1.csv", NULL);
    ll_report_input in = hand_input(&h, NULL);
    ll_error err = {0};
    FILE *log = tmpfile();
    ck_assert_msg(ll_report_write(dir, &in, log, &err) == LL_OK, "%s", err.msg);
    fclose(log);

    /* the withheld cells, one by one (SPEC 8): c for 1 to 5, every other
     * count rounded to 5 on its own; what the old secondary suppression
     * withheld is now shown, rounded */
    snprintf(path, sizeof path, "%s/publish/flow.csv", dir);
    csv_field(v, sizeof v, path, "started,treated,", 3);
    ck_assert_str_eq(v, "45"); /* 47; was a secondary c */
    csv_field(v, sizeof v, path, "started,treated,no_start_date", 3);
    ck_assert_str_eq(v, "c"); /* 3 */
    csv_field(v, sizeof v, path, "consented,treated,", 3);
    ck_assert_str_eq(v, "50");
    csv_field(v, sizeof v, path, "looked_after_at_index,treated,", 3);
    ck_assert_str_eq(v, "40");
    csv_field(v, sizeof v, path, "sdq_0,treated,no_sdq_in_window", 3);
    ck_assert_str_eq(v, "35"); /* 36 */
    snprintf(path, sizeof path, "%s/publish/estimates.csv", dir);
    csv_field(v, sizeof v, path, "stable_12m,proportion,treated,", 5);
    ck_assert_str_eq(v, "c"); /* events 3 */
    csv_field(v, sizeof v, path, "stable_12m,proportion,treated,", 6);
    ck_assert_str_eq(v, "c"); /* estimate: rule 2 */
    csv_field(v, sizeof v, path, "stable_12m,proportion,comparison,", 5);
    ck_assert_str_eq(v, "20"); /* was a secondary c */
    csv_field(v, sizeof v, path, "stable_12m,proportion,comparison,", 6);
    ck_assert_str_eq(v, "0.50"); /* 20 of 40 as a whole percentage */
    csv_field(v, sizeof v, path, "stable_12m,risk_difference,treated-comparison,", 6);
    ck_assert_str_eq(v, "c"); /* rule 3: x_t = 3 */
    csv_field(v, sizeof v, path, "stable_12m,risk_difference,treated-comparison,", 4);
    ck_assert_str_eq(v, "80");
    csv_field(v, sizeof v, path, "stable_12m,e_value,treated-comparison,point", 6);
    ck_assert_str_eq(v, "c"); /* the crude E-value: rule 3 */
    csv_field(v, sizeof v, path, "sdq,band_proportion,treated,borderline@year1", 5);
    ck_assert_str_eq(v, "5"); /* 6, rounded; was a secondary c */
    csv_field(v, sizeof v, path, "sdq,band_proportion,treated,borderline@year1", 6);
    ck_assert_str_eq(v, "0.17"); /* of the published counts: 5 of 30 (6 of 30 is 0.20) */
    csv_field(v, sizeof v, path, "sdq,band_proportion,treated,high@year1", 5);
    ck_assert_str_eq(v, "c"); /* 4 */
    csv_field(v, sizeof v, path, "sdq,band_proportion,treated,normal@year1", 5);
    ck_assert_str_eq(v, "20");
    csv_field(v, sizeof v, path, "identity_improved,proportion,treated,", 5);
    ck_assert_str_eq(v, "30"); /* 28, rounded */
    csv_field(v, sizeof v, path, "identity_improved,proportion,treated,", 6);
    ck_assert_str_eq(v, "c"); /* 28 of 30: the 2 without */
    csv_field(v, sizeof v, path, "placements,mean,treated,after", 6);
    ck_assert_str_eq(v, "1.30"); /* rule 4: 40 >= min_n, 2 decimals */
    csv_field(v, sizeof v, path, "sdq,mean,treated,baseline", 6);
    ck_assert_str_eq(v, "c"); /* rule 4: 4 children < min_n */
    csv_field(v, sizeof v, path, "sdq,mixed_model,treated-comparison,years:treated", 6);
    ck_assert_str_eq(v, "-1.50"); /* 30 children with an SDQ per group */
    snprintf(path, sizeof path, "%s/publish/table1.csv", dir);
    csv_field(v, sizeof v, path, "male,n (%)", 2);
    ck_assert_str_eq(v, "35 (c)"); /* 37 of 40: 3 female */
    csv_field(v, sizeof v, path, "male,n (%)", 4);
    ck_assert_str_eq(v, "c"); /* rule 5: its SMD gives the 3 back */
    csv_field(v, sizeof v, path, "ethnic_group=mixed,n (%)", 2);
    ck_assert_str_eq(v, "5 (13%)"); /* 7 of 40, shown as 5 of 40; was a secondary c */
    csv_field(v, sizeof v, path, "ethnic_group=asian,n (%)", 2);
    ck_assert_str_eq(v, "c (c)");
    csv_field(v, sizeof v, path, "ethnic_group=white,n (%)", 2);
    ck_assert_str_eq(v, "30 (75%)");
    csv_field(v, sizeof v, path, "ethnic_group=white,n (%)", 4);
    ck_assert_str_eq(v, "0.00"); /* the SMD of the published counts: 30 and 30 of 40 */
    csv_field(v, sizeof v, path, "age_years,mean (SD)", 2);
    ck_assert_str_eq(v, "9.80 (4.63)");

    /* no count from 1 to min_cell anywhere it is published */
    int mc = h.cfg.report.min_cell;
    const char *est_cols[] = {"n", "events", NULL}, *flow_cols[] = {"n", NULL}, *all[] = {"*", NULL};
    snprintf(path, sizeof path, "%s/publish/estimates.csv", dir);
    csv_no_small(path, est_cols, mc);
    snprintf(path, sizeof path, "%s/publish/flow.csv", dir);
    csv_no_small(path, flow_cols, mc);
    snprintf(path, sizeof path, "%s/publish/table1.csv", dir);
    csv_no_small(path, all, mc);
    snprintf(path, sizeof path, "%s/publish/sample_sizes.csv", dir);
    csv_no_small(path, all, mc);
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = tu_slurp(path, NULL);
    md_no_small(md, mc);
    ck_assert_ptr_nonnull(strstr(md, "![Children still in the same home a year later, by group](charts/stability.png)"));
    free(md);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = tu_slurp(path, NULL);
    html_no_small(html, mc);
    self_contained(html);
    charts_inline(html, HAND_CHARTS);
    ck_assert_ptr_nonnull(strstr(html, "The groups are not balanced"));
    ck_assert_ptr_nonnull(strstr(html, "E-value"));
    free(html);
    well_formed(path);

    /* the charts draw no withheld value */
    snprintf(path, sizeof path, "%s/charts/stability.dat", dir);
    char *dat = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(dat, "Same home a year later\tc\tc\tc\tc"));
    ck_assert_ptr_null(strstr(dat, "7.5"));
    free(dat);
    for (const char *const *c = HAND_CHARTS; *c; c++) {
        const char *ext[4] = {"gp", "dat", "svg", "png"};
        for (int k = 0; k < 4; k++) {
            snprintf(path, sizeof path, "%s/charts/%s.%s", dir, *c, ext[k]);
            ck_assert_msg(exists(path), "%s missing", path);
        }
    }
    /* secure/ is only read */
    char *t1_after = tu_slurp("fixtures/report/table1.csv", NULL);
    ck_assert_str_eq(t1_before, t1_after);
    snprintf(path, sizeof path, "%s/secure", dir);
    ck_assert(!exists(path));
    free(t1_before);
    free(t1_after);
    tu_remove_tree(dir);
    hand_free(&h);
}
END_TEST

START_TEST(no_gnuplot)
{
    hand h;
    hand_init(&h);
    char dir[128], path[300];
    make_tmp(dir, sizeof dir, "nognuplot");
    ll_report_input in = hand_input(&h, "/nonexistent/gnuplot");
    ll_error err = {0};
    char *logbuf = NULL;
    size_t loglen = 0;
    FILE *log = open_memstream(&logbuf, &loglen);
    ck_assert_msg(ll_report_write(dir, &in, log, &err) == LL_OK, "%s", err.msg);
    fclose(log);
    ck_assert_ptr_nonnull(strstr(logbuf, "gnuplot not found"));
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = tu_slurp(path, NULL);
    ck_assert_ptr_null(strstr(html, "<svg"));
    ck_assert_ptr_nonnull(strstr(html, "Chart not drawn: gnuplot was not found"));
    self_contained(html);
    free(html);
    well_formed(path);
    snprintf(path, sizeof path, "%s/charts/stability.gp", dir);
    ck_assert(exists(path));
    snprintf(path, sizeof path, "%s/charts/stability.svg", dir);
    ck_assert(!exists(path));
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(md, "Chart not drawn"));
    free(md);
    free(logbuf);
    tu_remove_tree(dir);
    hand_free(&h);
}
END_TEST

/* Without a comparison group: the treated rows only, a plain warning and no
 * balance. */
START_TEST(single_group)
{
    hand h;
    hand_init(&h);
    size_t k = 0;
    for (size_t i = 0; i < h.est.n; i++)
        if (!strcmp(h.est.rows[i].group, "treated"))
            h.est.rows[k++] = h.est.rows[i];
    h.est.n = k;
    char dir[128], path[300];
    make_tmp(dir, sizeof dir, "single");
    ll_report_input in = hand_input(&h, NULL);
    in.design = "none";
    in.balance = NULL;
    ll_error err = {0};
    ck_assert_msg(ll_report_write(dir, &in, NULL, &err) == LL_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(html, "There is no comparison group"));
    ck_assert_ptr_null(strstr(html, "chart-balance"));
    ck_assert_ptr_null(strstr(html, "Comparison</th>"));
    html_no_small(html, h.cfg.report.min_cell);
    free(html);
    well_formed(path);
    snprintf(path, sizeof path, "%s/publish/table1.csv", dir);
    ck_assert(!exists(path));
    tu_remove_tree(dir);
    hand_free(&h);
}
END_TEST

/* Nothing to report (no rows at all, matching asked for but not done): a
 * report still comes out, well-formed, saying so. */
START_TEST(degenerate_inputs)
{
    ll_config cfg;
    ll_config_init(&cfg);
    ll_flow fl = {0};
    ll_estimates est = {0};
    char dir[128], path[300];
    make_tmp(dir, sizeof dir, "empty");
    ll_report_input in = {&cfg, "match", NULL, &fl, &est, NULL, NULL, NULL, NULL, NULL};
    ll_error err = {0};
    ck_assert_msg(ll_report_write(dir, &in, NULL, &err) == LL_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(html, "Matching was asked for but could not be done"));
    ck_assert_ptr_nonnull(strstr(html, "run.json was not available"));
    self_contained(html);
    free(html);
    well_formed(path);
    in.est = NULL;
    ck_assert_int_eq(ll_report_write(dir, &in, NULL, &err), LL_EINPUT);
    tu_remove_tree(dir);
}
END_TEST

/* ---- the worked example end to end ------------------------------------------------ */

static void sh(const char *cmd, const char *log)
{
    char buf[9000];
    snprintf(buf, sizeof buf, "%s >>'%s' 2>&1", cmd, log);
    ck_assert_msg(system(buf) == 0, "'%s' failed; see %s", cmd, log);
}

/* Ingests the matched example and evaluates it with config (may be ""). */
static void run_example(const char *dir, const char *config)
{
    char cmd[8192], log[400];
    const char *lleval = tu_lleval_path();
    ck_assert_msg(access(lleval, X_OK) == 0, "build %s first", lleval);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    const char *in = "fixtures/examples/matched/input";
    for (int y = 2016; y <= 2024; y++) {
        snprintf(cmd, sizeof cmd, "%s ingest --db %s/m.db --la LA --year %d %s/903/%d/*.csv", lleval,
                 dir, y, in, y);
        sh(cmd, log);
    }
    snprintf(cmd, sizeof cmd, "%s ingest --db %s/m.db --la LA %s/lifelong_links.csv", lleval, dir, in);
    sh(cmd, log);
    snprintf(cmd, sizeof cmd, "%s evaluate --db %s/m.db %s%s --out %s/out", lleval, dir,
             config[0] ? "--config " : "", config, dir);
    sh(cmd, log);
}

/* The matched example has 8 treated care leavers, fewer than min_n: its
 * homelessness section is one sentence, without a chart (SPEC 8 rule 8). */
static const char *const EXAMPLE_CHARTS[] = {"flow", "balance", "stability", "placements",
                                             "sdq_trajectory", "sdq_bands", "connections",
                                             "identity", "subgroups", "cost_waterfall", "cost_tornado", NULL};

START_TEST(example_strict_min_cell)
{
    char dir[128], path[400];
    make_tmp(dir, sizeof dir, "example");
    run_example(dir, "fixtures/report/min_cell10.ini");
    const int mc = 10;
    const char *est_cols[] = {"n", "events", NULL}, *flow_cols[] = {"n", NULL}, *all[] = {"*", NULL};
    snprintf(path, sizeof path, "%s/out/publish/estimates.csv", dir);
    csv_no_small(path, est_cols, mc);
    snprintf(path, sizeof path, "%s/out/publish/flow.csv", dir);
    csv_no_small(path, flow_cols, mc);
    snprintf(path, sizeof path, "%s/out/publish/table1.csv", dir);
    csv_no_small(path, all, mc);
    snprintf(path, sizeof path, "%s/out/publish/sample_sizes.csv", dir);
    csv_no_small(path, all, mc);
    /* the unmatched child (1) is withheld; the matched count is shown
     * rounded (SPEC 8: no secondary suppression) */
    snprintf(path, sizeof path, "%s/out/publish/flow.csv", dir);
    char v[64];
    csv_field(v, sizeof v, path, "analysed,treated,no_match_within_caliper", 3);
    ck_assert_str_eq(v, "c");
    csv_field(v, sizeof v, path, "analysed,treated,", 3);
    ck_assert_str_eq(v, "95");
    snprintf(path, sizeof path, "%s/out/publish/sample_sizes.csv", dir);
    char *ss = tu_slurp(path, NULL);
    /* the comparison row adds up: unmatched = 850 - 95 (its own rounding: 750) */
    ck_assert_str_eq(ss, "group,all,matched,unmatched\ntreated,95,95,c\ncomparison,850,95,755\n");
    free(ss);
    snprintf(path, sizeof path, "%s/out/report.md", dir);
    char *md = tu_slurp(path, NULL);
    md_no_small(md, mc);
    /* the headline stability figure is the adjusted one, the crude beside it;
     * the subgroups are labelled exploratory */
    ck_assert_ptr_nonnull(strstr(md, "Taking account of the measured differences between the "
                                     "groups, the difference is"));
    ck_assert_ptr_nonnull(strstr(md, "the crude difference is"));
    ck_assert_ptr_nonnull(strstr(md, "Table 4.1b. Placement stability by subgroup (exploratory"));
    free(md);
    snprintf(path, sizeof path, "%s/out/report.html", dir);
    char *html = tu_slurp(path, NULL);
    html_no_small(html, mc);
    self_contained(html);
    charts_inline(html, EXAMPLE_CHARTS);
    ck_assert_ptr_nonnull(strstr(html, "Too few care leavers to report this outcome for one "
                                       "authority"));
    free(html);
    well_formed(path);
    /* secure/ keeps the full figures */
    snprintf(path, sizeof path, "%s/out/secure/flow.csv", dir);
    char *secure = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(secure, "analysed,treated,no_match_within_caliper,1\n"));
    free(secure);
    tu_remove_tree(dir);
}
END_TEST

/* ---- a real browser ----------------------------------------------------------------- */

START_TEST(browser_draws_every_chart)
{
    const char *chromium = "/usr/bin/chromium";
    if (!exists(chromium)) {
        tu_skip("browser_draws_every_chart", "%s not found (apt-get install chromium)",
                chromium);
        return;
    }
    char dir[128], url[400], shot[400], dom[400], profile[400], arg_shot[460], arg_prof[460];
    make_tmp(dir, sizeof dir, "browser");
    run_example(dir, "");
    snprintf(url, sizeof url, "file://%s/out/report.html", dir);
    snprintf(shot, sizeof shot, "%s/shot.png", dir);
    snprintf(dom, sizeof dom, "%s/dom.html", dir);
    snprintf(profile, sizeof profile, "%s/profile", dir);
    ck_assert_int_eq(mkdir(profile, 0700), 0);
    snprintf(arg_shot, sizeof arg_shot, "--screenshot=%s", shot);
    snprintf(arg_prof, sizeof arg_prof, "--user-data-dir=%s", profile);
    char *common[] = {(char *)chromium, "--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-quic", "--no-first-run", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", arg_prof, NULL, NULL, NULL};
    common[10] = arg_shot;
    common[11] = "--window-size=1200,3000";
    char *argv_shot[14];
    memcpy(argv_shot, common, sizeof common);
    argv_shot[12] = url;
    argv_shot[13] = NULL;
    ck_assert_int_eq(run_argv(argv_shot, NULL, 120), 0);
    struct stat st;
    ck_assert_int_eq(stat(shot, &st), 0);
    /* a blank 1200 x 3000 page compresses to a few kB; this one has text,
     * tables and charts */
    ck_assert_msg(st.st_size > 60000, "screenshot is %ld bytes: blank?", (long)st.st_size);
    char *argv_dom[] = {(char *)chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", arg_prof,
                        "--dump-dom", url, NULL};
    ck_assert_int_eq(run_argv(argv_dom, dom, 120), 0);
    char *text = tu_slurp(dom, NULL);
    size_t n = 0;
    while (EXAMPLE_CHARTS[n])
        n++;
    ck_assert_uint_eq(count_of(text, "<svg "), n);
    ck_assert_ptr_nonnull(strstr(text, "1. Headline figures"));
    free(text);
    tu_remove_tree(dir);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("report");
    const TTest *const report_tests[] = {
        hand_report, no_gnuplot, single_group, degenerate_inputs, NULL};
    tu_tcase(s, "report", report_tests, 120);
    const TTest *const end_to_end_tests[] = {
        example_strict_min_cell, browser_draws_every_chart, NULL};
    tu_tcase(s, "end_to_end", end_to_end_tests, 600);
    return s;
}
