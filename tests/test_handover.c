/* The researcher hand-over (SPEC 4): the codebook table against the
 * analysis.csv headers and values of the SPEC authors' regenerated worked
 * examples (fixtures/examples/EXAMPLE/expected/, independent of lleval), codebook.csv and
 * analysis.R as evaluate writes them, and the README's codebook section
 * against the table.  The R script's numbers are checked by `make check-r`
 * (it needs R; these tests do not). */
#include "testutil.h"

#include "lleval/derive.h"
#include "lleval/handover.h"

#include <stdio.h>
#include <sys/stat.h>

#ifndef LL_SOURCE_DIR
#define LL_SOURCE_DIR "."
#endif

#define MAX_FIELDS 64
#define LINE_MAX_LEN 8192

/* Splits one CSV line in place (RFC 4180 quotes, no embedded newlines);
 * returns the number of fields. */
static int split_csv(char *line, char **f)
{
    int n = 0;
    char *r = line, *w = line;
    line[strcspn(line, "\r\n")] = '\0';
    for (;;) {
        ck_assert_int_lt(n, MAX_FIELDS);
        f[n++] = w;
        if (*r == '"') {
            for (r++; *r && !(*r == '"' && r[1] != '"'); r++) {
                if (*r == '"')
                    r++;
                *w++ = *r;
            }
            if (*r == '"')
                r++;
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
        }
        int more = *r == ',';
        *w++ = '\0';
        if (!more)
            break;
        r++;
    }
    return n;
}

/* The whole of a file, NUL-terminated; the caller frees it. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    ck_assert(s != NULL);
    ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The first line of path (without its newline) into buf. */
static void header_of(char *buf, size_t size, const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert(fgets(buf, (int)size, f) != NULL);
    buf[strcspn(buf, "\r\n")] = '\0';
    fclose(f);
}

/* The table's variables, skipping the last `skip` entries, as a header. */
static void table_header(char *buf, size_t size, size_t skip)
{
    buf[0] = '\0';
    for (size_t i = 0; i + skip < ll_codebook_n(); i++) {
        if (i)
            strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, ll_codebook_get(i)->variable, size - strlen(buf) - 1);
    }
}

START_TEST(table_lists_the_spec_columns_in_order)
{
    char want[LINE_MAX_LEN], got[LINE_MAX_LEN];
    /* Matched: every column, match_id and ps_logit last. */
    header_of(want, sizeof want, "fixtures/examples/matched/expected/analysis.csv");
    table_header(got, sizeof got, 0);
    ck_assert_str_eq(got, want);
    /* Explicit: the same without the two matching columns. */
    header_of(want, sizeof want, "fixtures/examples/explicit/expected/analysis.csv");
    table_header(got, sizeof got, 2);
    ck_assert_str_eq(got, want);
    ck_assert_ptr_null(ll_codebook_get(ll_codebook_n()));
    ck_assert_ptr_null(ll_codebook_find("no_such_column"));
    ck_assert_str_eq(ll_codebook_find("weeks_other_before")->type, "number");
}
END_TEST

static int is_flow_reason(const char *s)
{
    static const char *const OTHER[] = {"no_match_within_caliper", "ineligible_age",
                                        "ineligible_years_in_care", "ineligible_placement_group",
                                        "ineligible_legal_status", NULL};
    for (int r = LL_NA_FOLLOWUP_INCOMPLETE; r <= LL_NA_NOT_RECORDED; r++)
        if (!strcmp(s, ll_na_reason_name((ll_na_reason)r)))
            return 1;
    for (int k = 0; OTHER[k]; k++)
        if (!strcmp(s, OTHER[k]))
            return 1;
    return 0;
}

START_TEST(entries_are_complete)
{
    static const char *const TYPES[] = {"integer", "number", "date", "text", "boolean",
                                        "category", NULL};
    for (size_t i = 0; i < ll_codebook_n(); i++) {
        const ll_codebook_entry *e = ll_codebook_get(i);
        ck_assert_msg(strlen(e->definition) > 10, "%s: no definition", e->variable);
        ck_assert_msg(e->spec[0] >= '2' && e->spec[0] <= '5', "%s: spec '%s'", e->variable,
                      e->spec);
        int known = 0;
        for (int k = 0; TYPES[k]; k++)
            known |= !strcmp(e->type, TYPES[k]);
        ck_assert_msg(known, "%s: type '%s'", e->variable, e->type);
        char reasons[256];
        snprintf(reasons, sizeof reasons, "%s", e->missing_when);
        for (char *save = NULL, *r = strtok_r(reasons, ";", &save); r;
             r = strtok_r(NULL, ";", &save))
            ck_assert_msg(is_flow_reason(r), "%s: '%s' is not a flow reason", e->variable, r);
        if (!strcmp(e->type, "category") || !strcmp(e->type, "boolean"))
            ck_assert_msg(e->values[0] != '\0', "%s: no values", e->variable);
        ck_assert_ptr_eq(ll_codebook_find(e->variable), e);
    }
}
END_TEST

/* Whether v is one of the `; `-separated values of list. */
static int listed(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; (p = strstr(p, v)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ';'))
            return 1;
    return 0;
}

/* Each cell of one fixture column against its entry: the type, the listed
 * values, and NA only where a flow reason allows it. */
static void check_cell(const ll_codebook_entry *e, const char *v, const char *file, int line)
{
    if (v[0] == '\0') {
        ck_assert_msg(e->missing_when[0] != '\0', "%s:%d: %s is NA but its codebook entry says "
                      "it never is", file, line, e->variable);
        return;
    }
    char *end;
    if (!strcmp(e->type, "integer")) {
        (void)strtol(v, &end, 10);
        ck_assert_msg(*end == '\0', "%s:%d: %s = '%s' is not an integer", file, line,
                      e->variable, v);
    } else if (!strcmp(e->type, "number")) {
        (void)strtod(v, &end);
        ck_assert_msg(*end == '\0', "%s:%d: %s = '%s' is not a number", file, line, e->variable, v);
    } else if (!strcmp(e->type, "date")) {
        int y, m, d;
        ck_assert_msg(strlen(v) == 10 && sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3,
                      "%s:%d: %s = '%s' is not an ISO date", file, line, e->variable, v);
    } else if (!strcmp(e->type, "category") || !strcmp(e->type, "boolean")) {
        ck_assert_msg(listed(e->values, v), "%s:%d: %s = '%s' is not among its values '%s'",
                      file, line, e->variable, v, e->values);
    }
}

static void check_fixture_values(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char head[LINE_MAX_LEN], line[LINE_MAX_LEN], *cols[MAX_FIELDS], *cells[MAX_FIELDS];
    ck_assert(fgets(head, sizeof head, f) != NULL);
    int ncol = split_csv(head, cols), lineno = 1, rows = 0;
    const ll_codebook_entry *e[MAX_FIELDS];
    for (int k = 0; k < ncol; k++)
        ck_assert_ptr_nonnull(e[k] = ll_codebook_find(cols[k]));
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        ck_assert_int_eq(split_csv(line, cells), ncol);
        for (int k = 0; k < ncol; k++)
            check_cell(e[k], cells[k], path, lineno);
        rows++;
    }
    fclose(f);
    ck_assert_int_gt(rows, 100);
}

START_TEST(fixture_values_fit_the_codebook)
{
    check_fixture_values("fixtures/examples/explicit/expected/analysis.csv");
    check_fixture_values("fixtures/examples/matched/expected/analysis.csv");
}
END_TEST

/* Checks that the codebook CSV text lists exactly the columns of header,
 * in order, each with a type and a definition. */
static void check_codebook_text(char *text, const char *header)
{
    char cols_buf[LINE_MAX_LEN], *cols[MAX_FIELDS], *f[MAX_FIELDS];
    snprintf(cols_buf, sizeof cols_buf, "%s", header);
    int ncol = split_csv(cols_buf, cols);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(line, "variable,type,unit,definition,values,missing_when,spec");
    int k = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        ck_assert_int_lt(k, ncol);
        ck_assert_int_eq(split_csv(line, f), 7);
        ck_assert_str_eq(f[0], cols[k]);
        ck_assert_msg(f[1][0] != '\0' && strlen(f[3]) > 10, "%s: no type or definition", f[0]);
        ck_assert_str_eq(f[3], ll_codebook_find(f[0])->definition);
        k++;
    }
    ck_assert_int_eq(k, ncol);
}

static char *codebook_for(const char *header, const ll_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(m);
    ll_error err = {0};
    ck_assert_int_eq(ll_codebook_write_csv(m, header, cfg, &err), LL_OK);
    fclose(m);
    return buf;
}

START_TEST(codebook_csv_follows_the_header)
{
    char header[LINE_MAX_LEN];
    header_of(header, sizeof header, "fixtures/examples/explicit/expected/analysis.csv");
    char *text = codebook_for(header, NULL);
    check_codebook_text(text, header);
    free(text);
    /* A header with a final newline, and a quoted definition read back. */
    text = codebook_for("la,child,stable_12m\n", NULL);
    ck_assert_ptr_nonnull(strstr(text, "\nla,text,,\"Local authority code (--la at ingest, or"));
    ck_assert_ptr_nonnull(strstr(text, ",followup_incomplete;left_care,3\n"));
    free(text);
}
END_TEST

START_TEST(codebook_follows_leavers)
{
    ll_config cfg;
    ll_config_init(&cfg);
    ll_error err = {0};
    ck_assert_int_eq(ll_config_parse_string(&cfg, "[cohort]\nleavers = unstable\n", "t.ini", &err),
                     LL_OK);
    char *text = codebook_for("stable_12m", &cfg);
    ck_assert_ptr_nonnull(strstr(text, ",1; 0,followup_incomplete,3\n"));
    free(text);
}
END_TEST

START_TEST(codebook_refuses_an_unknown_column)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ll_error err = {0};
    ck_assert_int_eq(ll_codebook_write_csv(m, "la,child,mystery", NULL, &err), LL_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "'mystery'"));
    fclose(m);
    free(buf);
}
END_TEST

START_TEST(readme_section_is_the_table)
{
    char *readme = slurp(LL_SOURCE_DIR "/README.md");
    const char *begin = "<!-- codebook:begin -->\n", *end = "<!-- codebook:end -->\n";
    char *b = strstr(readme, begin), *e = b ? strstr(b, end) : NULL;
    ck_assert_msg(b && e, "README.md lacks the codebook markers");
    b += strlen(begin);
    *e = '\0';
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ll_error err = {0};
    ck_assert_int_eq(ll_codebook_write_markdown(m, &err), LL_OK);
    fclose(m);
    ck_assert_msg(!strcmp(b, buf), "README.md's codebook section differs from the table: run "
                                   "make readme-codebook");
    free(buf);
    free(readme);
}
END_TEST

/* analysis.R as written for cfg and design, split into lines (owned by
 * *text). */
static size_t r_lines(char **text, char **lines, size_t max, const ll_config *cfg,
                      const char *design)
{
    size_t len = 0;
    FILE *m = open_memstream(text, &len);
    ll_error err = {0};
    ck_assert_int_eq(ll_analysis_r_write(m, cfg, design, &err), LL_OK);
    fclose(m);
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(*text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        ck_assert_uint_lt(n, max);
        lines[n++] = l;
    }
    return n;
}

START_TEST(analysis_r_is_the_template_with_this_runs_constants)
{
    ll_config cfg;
    ll_config_init(&cfg);
    ll_error err = {0};
    ck_assert_int_eq(ll_config_parse_string(&cfg, "[cohort]\nsdq_source = items:T\nmax_age = 15\n",
                                            "t.ini", &err), LL_OK);
    enum { MAX = 4000 };
    char **got = malloc(MAX * sizeof *got), **want = malloc(MAX * sizeof *want), *text;
    size_t ng = r_lines(&text, got, MAX, &cfg, "none");
    char *tmpl = slurp(LL_SOURCE_DIR "/R/analysis.R");
    size_t nw = 0;
    for (char *save = NULL, *l = strtok_r(tmpl, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        want[nw++] = l;
    /* Every template line in order; only the three constants differ, and
     * the run's settings are inserted as comments. */
    size_t i = 0, changed = 0, inserted = 0;
    for (size_t j = 0; j < nw; j++, i++) {
        while (i < ng && !strncmp(got[i], "# ", 2) && strcmp(got[i], want[j]) &&
               (strstr(got[i], "This run's settings") || !strncmp(got[i], "#   [", 5))) {
            inserted++;
            i++;
        }
        ck_assert_uint_lt(i, ng);
        if (strcmp(got[i], want[j])) {
            changed++;
            ck_assert_msg(!strncmp(got[i], "DESIGN <- ", 10) || !strncmp(got[i], "SDQ_SOURCE <- ", 14) ||
                              !strncmp(got[i], "LLEVAL_VERSION <- ", 18),
                          "line %zu differs: '%s' vs '%s'", j + 1, got[i], want[j]);
        }
    }
    ck_assert_uint_eq(i, ng);
    ck_assert_uint_eq(changed, 3);
    ck_assert_uint_eq(inserted, 13); /* the heading and the 12 cohort and analysis keys */
    int design = 0, sdq = 0, age = 0;
    for (size_t k = 0; k < ng; k++) {
        design += !strncmp(got[k], "DESIGN <- \"none\"  ", 18);
        sdq += !strncmp(got[k], "SDQ_SOURCE <- \"items:T\"  ", 25);
        age += !strcmp(got[k], "#   [cohort] max_age = 15");
    }
    ck_assert_int_eq(design + sdq + age, 3);
    free(tmpl);
    free(text);
    free(got);
    free(want);
}
END_TEST

/* Runs `lleval demo --example ex` into a fresh folder (dir receives it). */
static void demo(char *dir, size_t size, const char *ex)
{
    char cmd[1024];
    snprintf(dir, size, "/tmp/lleval-handover-XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
    const char *lleval = tu_lleval_path();
    ck_assert_msg(access(lleval, X_OK) == 0, "build %s first", lleval);
    snprintf(cmd, sizeof cmd, "%s demo --example %s --out %s/out >%s/log.txt 2>&1", lleval, ex, dir,
             dir);
    ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

/* The STROBE checklist of report.md: 22 items in order, each with an
 * answer; item 6(b) follows the design. */
static void check_strobe(const char *dir, const char *design)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out/report.md", dir);
    char *md = slurp(path);
    char *p = strstr(md, "**Table 6.5. STROBE checklist**");
    ck_assert_ptr_nonnull(p);
    for (int k = 1; k <= 22; k++) {
        char item[16];
        snprintf(item, sizeof item, "\n| %d ", k);
        ck_assert_msg((p = strstr(p, item)) != NULL, "STROBE item %d missing", k);
        char *eol = strchr(p + 1, '\n'), *bar[8];
        int bars = 0;
        for (char *q = p + 1; q < eol && bars < 8; q++)
            if (*q == '|' && q[-1] != '\\')
                bar[bars++] = q;
        ck_assert_int_eq(bars, 4);
        ck_assert_msg(bar[3] - bar[2] > 20, "STROBE item %d has no answer", k);
        if (k == 6)
            ck_assert_ptr_nonnull(strstr(p, !strcmp(design, "match") ? "(b) Matching criteria"
                                                                     : "(b) Not applicable"));
        p = eol;
    }
    free(md);
}

static void check_secure(const char *dir, const char *design)
{
    check_strobe(dir, design);
    char path[512], header[LINE_MAX_LEN];
    struct stat st;
    snprintf(path, sizeof path, "%s/out/secure/analysis.csv", dir);
    header_of(header, sizeof header, path);
    snprintf(path, sizeof path, "%s/out/secure/codebook.csv", dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    char *text = slurp(path);
    check_codebook_text(text, header); /* exactly analysis.csv's columns, in order */
    free(text);
    snprintf(path, sizeof path, "%s/out/secure/analysis.R", dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    text = slurp(path);
    char want[64];
    snprintf(want, sizeof want, "\nDESIGN <- \"%s\"  ", design);
    ck_assert_msg(strstr(text, want) != NULL, "analysis.R does not set DESIGN to %s", design);
    ck_assert_ptr_nonnull(strstr(text, "\nSDQ_SOURCE <- \"oc2\"  "));
    ck_assert_ptr_nonnull(strstr(text, "\nmain()\n"));
    free(text);
    tu_remove_tree(dir);
}

START_TEST(evaluate_writes_the_handover_explicit)
{
    char dir[64];
    demo(dir, sizeof dir, "explicit");
    check_secure(dir, "explicit");
}
END_TEST

START_TEST(evaluate_writes_the_handover_matched)
{
    char dir[64];
    demo(dir, sizeof dir, "matched");
    check_secure(dir, "match");
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const codebook_tests[] = {table_lists_the_spec_columns_in_order,
                                           entries_are_complete,
                                           fixture_values_fit_the_codebook,
                                           codebook_csv_follows_the_header,
                                           codebook_follows_leavers,
                                           codebook_refuses_an_unknown_column,
                                           readme_section_is_the_table,
                                           analysis_r_is_the_template_with_this_runs_constants,
                                           NULL};
    const TTest *const evaluate_tests[] = {evaluate_writes_the_handover_explicit,
                                           evaluate_writes_the_handover_matched, NULL};
    const struct tu_case cases[] = {{"codebook", 0, codebook_tests},
                                    {"evaluate", 300, evaluate_tests}};
    return tu_suite_of("handover", cases, 2);
}
