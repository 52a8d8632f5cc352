/* The files authorities actually produce (issue 22, SPEC 2, 2.1, 2.5, 2.6,
 * 3, 9): each case is built in a temporary folder from the worked
 * examples' own files (fixtures/examples/matched/input), changed the way a
 * spreadsheet, a regional tool or a delivery folder changes them, and run
 * through the lleval program.  Every test asserts the exit status, the
 * message, and what the database holds: the years stored, the rows kept,
 * and -- for columns lleval does not use -- that a planted marker appears
 * nowhere in the database file's bytes. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define EX "fixtures/examples/matched/input"

typedef struct env {
    char dir[256];
    char db[300];
    char log[300];
} env;

static void env_open(env *e)
{
    snprintf(e->dir, sizeof e->dir, "/tmp/lleval-exports-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(e->dir));
    snprintf(e->db, sizeof e->db, "%s/ll.db", e->dir);
    snprintf(e->log, sizeof e->log, "%s/log.txt", e->dir);
}

static void env_close(env *e)
{
    tu_remove_tree(e->dir);
}

/* The test's folder: Check's checked fixture makes a fresh one before each
 * test and removes it after, in the test's own process. */
static env e;

static void env_setup(void)
{
    env_open(&e);
}

static void env_teardown(void)
{
    env_close(&e);
}

/* A path inside the test folder (a static buffer of 8, used in turn). */
static const char *in(const env *e, const char *rel)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, 512, "%s/%s", e->dir, rel);
    return b;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t r;
    while ((r = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            s = realloc(s, cap *= 2);
    }
    fclose(f);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

/* Creates the folders of path. */
static void make_parents(const char *path)
{
    char p[512];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
}

static void write_text(const char *path, const char *text)
{
    make_parents(path);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* Copies src to dst, passing each line (without its newline) through fn,
 * which writes the new line (or nothing) to f; line 1 is the header. */
typedef void (*line_fn)(FILE *f, const char *line, int lineno, void *ctx);

static void copy_lines(const char *src, const char *dst, line_fn fn, void *ctx)
{
    char *text = slurp(src, NULL);
    make_parents(dst);
    FILE *f = fopen(dst, "wb");
    ck_assert_ptr_nonnull(f);
    int lineno = 0;
    for (char *s = text, *nl; *s; s = nl + 1) {
        nl = strchr(s, '\n');
        if (nl == NULL)
            nl = s + strlen(s) - 1;
        else
            *nl = '\0';
        lineno++;
        if (fn)
            fn(f, s, lineno, ctx);
        else
            fprintf(f, "%s\n", s);
        if (nl[1] == '\0' && nl >= s)
            break;
    }
    ck_assert_int_eq(fclose(f), 0);
    free(text);
}

static int count_lines(const char *path)
{
    char *t = slurp(path, NULL);
    int n = 0;
    for (char *s = t; *s; s++)
        n += *s == '\n';
    free(t);
    return n;
}

/* Runs lleval with args (NULL-terminated) and its stdout and stderr in
 * e->log; returns the exit status. */
static int run_lleval(const env *e, ...)
{
    char cmd[8192];
    size_t o = (size_t)snprintf(cmd, sizeof cmd, "'%s'", tu_lleval_path());
    va_list ap;
    va_start(ap, e);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
        o += (size_t)snprintf(cmd + o, sizeof cmd - o, " '%s'", a);
    va_end(ap);
    snprintf(cmd + o, sizeof cmd - o, " >'%s' 2>&1", e->log);
    int st = system(cmd);
    ck_assert_msg(st != -1 && WIFEXITED(st), "%s did not exit", cmd);
    return WEXITSTATUS(st);
}

static void log_has(const env *e, const char *want)
{
    char *t = slurp(e->log, NULL);
    ck_assert_msg(strstr(t, want) != NULL, "the output lacks '%s':\n%s", want, t);
    free(t);
}

static long long q_int(const char *db, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* 1 when the bytes of the database file (and of a -wal file beside it)
 * hold marker anywhere: in a row, a quarantined raw line, a free page. */
static int db_bytes_hold(const char *db, const char *marker)
{
    const char *suffix[] = {"", "-wal", "-journal"};
    for (int k = 0; k < 3; k++) {
        char p[400];
        snprintf(p, sizeof p, "%s%s", db, suffix[k]);
        if (access(p, F_OK) != 0)
            continue;
        size_t n;
        char *b = slurp(p, &n);
        size_t m = strlen(marker);
        for (size_t i = 0; i + m <= n; i++)
            if (memcmp(b + i, marker, m) == 0) {
                free(b);
                return 1;
            }
        free(b);
    }
    return 0;
}

/* The example's file src (under EX) copied through fn to rel in the test's
 * folder and ingested into its database, with exit status want; returns
 * the copy's path. */
static const char *ingest_changed(const char *src, const char *rel, line_fn fn, int want)
{
    char from[256];
    snprintf(from, sizeof from, EX "%s", src);
    const char *p = in(&e, rel);
    copy_lines(from, p, fn, NULL);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, p, NULL), want);
    return p;
}

/* ---- line changes --------------------------------------------------------- */

/* Writes line 1 (the header) through format, whose one %s is the line;
 * returns whether lineno was 1. */
static int header_line(FILE *f, const char *line, int lineno, const char *format)
{
    if (lineno != 1)
        return 0;
    fprintf(f, format, line);
    return 1;
}

/* Field i of a CSV line without quotes (the examples have none). */
static void field(char *out, size_t size, const char *line, int i)
{
    const char *s = line;
    for (int k = 0; k < i && s; k++) {
        s = strchr(s, ',');
        s = s ? s + 1 : NULL;
    }
    size_t n = s ? strcspn(s, ",") : 0;
    if (n >= size)
        n = size - 1;
    memcpy(out, s ? s : "", n);
    out[n] = '\0';
}

/* DD/MM/YYYY -> D/M/YYYY in every field, as a spreadsheet writes dates. */
static void short_dates(FILE *f, const char *line, int lineno, void *ctx)
{
    (void)ctx;
    (void)lineno;
    for (const char *s = line; *s; s++) {
        int start = s == line || s[-1] == ',';
        if (start && s[0] == '0' && s[1] >= '1' && s[1] <= '9' && s[2] == '/')
            continue; /* the day's leading zero */
        if (s > line && s[-1] == '/' && s[0] == '0' && s[1] >= '1' && s[1] <= '9' && s[2] == '/')
            continue; /* the month's */
        fputc(*s, f);
    }
    fputc('\n', f);
}

/* A rewriting of DD/MM/YYYY dates: the printf format of year, month and
 * day, and whether only a whole field (not the start of a longer one) is
 * rewritten. */
struct date_form {
    const char *format;
    int whole_field;
};
/* As Excel exports a datetime: YYYY-MM-DD 00:00:00. */
static const struct date_form EXCEL_DATES = {"%.4s-%.2s-%.2s 00:00:00", 1};
/* YYYY.MM.DD: no accepted form. */
static const struct date_form DOTTED_DATES = {"%.4s.%.2s.%.2s", 0};

/* DD/MM/YYYY at the start of a field -> the date_form in ctx. */
static void rewrite_dates(FILE *f, const char *line, int lineno, void *ctx)
{
    const struct date_form *form = ctx;
    (void)lineno;
    for (const char *s = line; *s;) {
        int start = s == line || s[-1] == ',';
        if (start && strlen(s) >= 10 && s[2] == '/' && s[5] == '/' &&
            (!form->whole_field || s[10] == ',' || s[10] == '\0')) {
            fprintf(f, form->format, s + 6, s + 3, s);
            s += 10;
            continue;
        }
        fputc(*s++, f);
    }
    fputc('\n', f);
}

/* Commas -> the delimiter in ctx. */
static void other_delimiter(FILE *f, const char *line, int lineno, void *ctx)
{
    (void)lineno;
    for (const char *s = line; *s; s++)
        fputc(*s == ',' ? *(const char *)ctx : *s, f);
    fputc('\n', f);
}

/* ---- 1: the year nearest the file ----------------------------------------- */

START_TEST(year_nearest_the_file)
{
    /* A delivery folder named after the year it was sent. */
    const char *a = in(&e, "extract_2024/903/2019/episodes.csv");
    const char *b = in(&e, "extract_2024/903/2020/episodes.csv");
    copy_lines(EX "/903/2019/episodes.csv", a, NULL, NULL);
    copy_lines(EX "/903/2020/episodes.csv", b, NULL, NULL);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, a, b, NULL), 0);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM episodes WHERE year=2019"),
                     count_lines(a) - 1);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM episodes WHERE year=2020"),
                     count_lines(b) - 1);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM episodes WHERE year=2024"), 0);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM files"), 2);
}
END_TEST

/* ---- 2: two files of one return in one command ---------------------------- */

START_TEST(two_files_of_one_return)
{
    const char *a = in(&e, "a/2019/header.csv");
    const char *b = in(&e, "b/2019/header.csv"); /* 2020's rows under 2019 */
    const char *c = in(&e, "c/2019/header.csv"); /* an identical copy of a */
    copy_lines(EX "/903/2019/header.csv", a, NULL, NULL);
    copy_lines(EX "/903/2020/header.csv", b, NULL, NULL);
    copy_lines(EX "/903/2019/header.csv", c, NULL, NULL);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, a, b, c, NULL), 1);
    log_has(&e, "b/2019/header.csv: refused: header la LA, year 2019 is also in ");
    log_has(&e, "a/2019/header.csv, ingested by this command, with different content");
    log_has(&e, "c/2019/header.csv: identical to the header file already stored");
    /* The first file's rows, nothing of the second. */
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE year=2019"),
                     count_lines(a) - 1);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM files"), 1);
    /* In a later command the same file is a resubmission: it replaces. */
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, b, NULL), 0);
    log_has(&e, "a resubmitted return: replaces the header file stored for la LA, year 2019");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE year=2019"),
                     count_lines(b) - 1);
}
END_TEST

/* ---- 3: a resubmission that stores nothing -------------------------------- */

/* Every data row with SEX 9. */
static void bad_sex(FILE *f, const char *line, int lineno, void *ctx)
{
    (void)ctx;
    if (header_line(f, line, lineno, "%s\n"))
        return;
    const char *c = strchr(line, ',');
    fprintf(f, "%.*s,9%s\n", (int)(c - line), line, strchr(c + 1, ','));
}

START_TEST(empty_resubmission_refused)
{
    const char *full = in(&e, "v1/2019/header.csv");
    const char *empty = in(&e, "v2/2019/header.csv");
    const char *bad = in(&e, "v3/2019/header.csv");
    copy_lines(EX "/903/2019/header.csv", full, NULL, NULL);
    write_text(empty, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n");
    copy_lines(EX "/903/2019/header.csv", bad, bad_sex, NULL);
    int n = count_lines(full) - 1;
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, full, NULL), 0);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, empty, NULL), 1);
    log_has(&e, "refused: a resubmitted header return for la LA, year 2019 that would store no "
                "row (no data rows)");
    log_has(&e, "--allow-empty");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE year=2019"), n);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, bad, NULL), 1);
    log_has(&e, "would store no row (every row quarantined)");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE year=2019"), n);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM quarantine"), 0);
    /* Said on purpose: the empty return replaces the stored one. */
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, "--allow-empty", empty, NULL), 0);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header"), 0);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM files WHERE year=2019"), 1);
    /* A first header-only return is a valid empty table. */
    write_text(in(&e, "v1/2020/uasc.csv"), "CHILD,SEX,DOB,DUC\n");
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, in(&e, "v1/2020/uasc.csv"), NULL), 0);
}
END_TEST

/* ---- 4: CHILD IDs a spreadsheet turned into numbers ------------------------ */

static void sci_children(FILE *f, const char *line, int lineno, void *ctx)
{
    (void)ctx;
    const char *rest = strchr(line, ',');
    if (lineno == 2)
        fprintf(f, "1.66E+04%s\n", rest);
    else if (lineno == 3)
        fprintf(f, "\"1,23E+05\"%s\n", rest);
    else if (lineno == 4)
        fprintf(f, "2e5%s\n", rest);
    else
        fprintf(f, "%s\n", line);
}

START_TEST(scientific_child_ids)
{
    const char *p = ingest_changed("/903/2019/header.csv", "2019/header.csv", sci_children, 3);
    log_has(&e, "header.csv:2: bad_child: CHILD '1.66E+04' is a number in scientific notation");
    log_has(&e, "header.csv:3: bad_child: CHILD '1,23E+05'");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM quarantine WHERE rule='bad_child'"), 3);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header"), count_lines(p) - 1 - 3);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE child LIKE '%%E%%'"
                                 " OR child LIKE '%%e%%'"), 0);
}
END_TEST

/* ---- 5: dates as spreadsheets write them ---------------------------------- */

START_TEST(spreadsheet_dates)
{
    const char *orig = in(&e, "o/2019/episodes.csv");
    const char *shrt = in(&e, "s/2019/episodes.csv");
    const char *xl = in(&e, "x/2019/episodes.csv");
    copy_lines(EX "/903/2019/episodes.csv", orig, NULL, NULL);
    copy_lines(EX "/903/2019/episodes.csv", shrt, short_dates, NULL);
    copy_lines(EX "/903/2019/episodes.csv", xl, rewrite_dates, (void *)&EXCEL_DATES);
    /* The changed files really hold the forms meant. */
    char *t = slurp(shrt, NULL); /* line 4 of the original: 04/02/2018,...,10/04/2018 */
    ck_assert_ptr_nonnull(strstr(t, "0065922,4/2/2018,S,V2,N5,U6,PR4,10/4/2018,X1,"));
    free(t);
    t = slurp(xl, NULL);
    ck_assert_ptr_nonnull(strstr(t, "2018-11-24 00:00:00"));
    free(t);
    int n = count_lines(orig) - 1;
    const char *dbs[3] = {in(&e, "o.db"), in(&e, "s.db"), in(&e, "x.db")};
    const char *files[3] = {orig, shrt, xl};
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(run_lleval(&e, "ingest", "--db", dbs[k], files[k], NULL), 0);
        ck_assert_int_eq(q_int(dbs[k], "SELECT count(*) FROM episodes"), n);
    }
    /* Every row stored, with the same days as the original file. */
    for (int k = 1; k < 3; k++) {
        ck_assert_int_eq(q_int(dbs[k], "SELECT sum(decom) FROM episodes"),
                         q_int(dbs[0], "SELECT sum(decom) FROM episodes"));
        ck_assert_int_eq(q_int(dbs[k], "SELECT sum(coalesce(dec, 0)) FROM episodes"),
                         q_int(dbs[0], "SELECT sum(coalesce(dec, 0)) FROM episodes"));
    }
    /* No accepted form at all: refused whole, showing the first value. */
    const char *dot = in(&e, "d/2019/episodes.csv");
    copy_lines(EX "/903/2019/episodes.csv", dot, rewrite_dates, (void *)&DOTTED_DATES);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, dot, NULL), 1);
    log_has(&e, "refused: no row has a date in an accepted form (the first: DECOM "
                "'2018.11.24', line 2); dates must be DD/MM/YYYY (9/4/2019 too) or YYYY-MM-DD");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM files"), 0);
    /* A real date outside the years accepted is not called "not a date". */
    write_text(in(&e, "r/2019/uasc.csv"), "CHILD,SEX,DOB,DUC\n1,1,01/01/1850,\n2,1,01/01/2005,\n");
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, in(&e, "r/2019/uasc.csv"), NULL), 3);
    log_has(&e, "bad_date: DOB '01/01/1850' is a date outside the years 1900-2100");
}
END_TEST

/* ---- 6: stacked extracts with LA and YEAR ---------------------------------- */

typedef struct stack_ctx {
    const char *la, *year;
    int header; /* write the header line */
} stack_ctx;

static void stack_rows(FILE *f, const char *line, int lineno, void *ctx)
{
    stack_ctx *s = ctx;
    if (lineno == 1) {
        if (s->header)
            fprintf(f, "LA,YEAR,%s\n", line);
        return;
    }
    fprintf(f, "%s,%s,%s\n", s->la, s->year, line);
}

START_TEST(stacked_extract)
{
    const char *p = in(&e, "regional/header_all.csv");
    const char *a = in(&e, "part_a.csv"), *b = in(&e, "part_b.csv");
    stack_ctx sa = {"E1", "2019", 1}, sb = {"E2", "2019-20", 0};
    copy_lines(EX "/903/2019/header.csv", a, stack_rows, &sa);
    copy_lines(EX "/903/2020/header.csv", b, stack_rows, &sb);
    char *ta = slurp(a, NULL), *tb = slurp(b, NULL);
    char *all = malloc(strlen(ta) + strlen(tb) + 256);
    sprintf(all, "%s%s,2020,0000001,1,01/01/2010,WBRI,,,\nE1,20,0000002,1,01/01/2010,WBRI,,,\n", ta,
            tb);
    write_text(p, all);
    free(all);
    int na = count_lines(a) - 1, nb = count_lines(b);
    free(ta);
    free(tb);
    const char *summary = in(&e, "summary.csv");
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, "--la", "XX", "--year", "2017",
                                "--summary", summary, p, NULL), 3);
    log_has(&e, "a stacked extract: each row's LA and YEAR columns give its la and year "
                "(--la and --year are ignored)");
    log_has(&e, "bad_code: LA is empty (a code is required)");
    log_has(&e, "bad_code: YEAR '20' is not a collection year");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE la='E1' AND year=2019"), na);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE la='E2' AND year=2020"), nb);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header WHERE la='XX' OR year=2017"), 0);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM files"), 2);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM quarantine"), 2);
    /* One summary row per (file, la, year); the two bad rows go with the
     * first return. */
    char *got = slurp(summary, NULL), want[1024];
    snprintf(want, sizeof want,
             "file,kind,year,read,stored,duplicates,quarantined,refused\n"
             "%s,header,2019,%d,%d,0,2,0\n%s,header,2020,%d,%d,0,0,0\n",
             p, na + 2, na, p, nb, nb);
    ck_assert_str_eq(got, want);
    free(got);
    /* Each (table, la, year) is one return: again, identical, skipped. */
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, p, NULL), 0);
    log_has(&e, "identical to the header file already stored for la E1, year 2019");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM files"), 2);
}
END_TEST

/* ---- 7: columns lleval does not use never reach the database --------------- */

/* Adds SURNAME and POSTCODE columns with markers; makes line 3's PLACE bad
 * and line 4 one field short, so that both are quarantined. */
static void add_private(FILE *f, const char *line, int lineno, void *ctx)
{
    (void)ctx;
    if (header_line(f, line, lineno, "SURNAME,%s,POSTCODE\n"))
        return;
    char place[8];
    field(place, sizeof place, line, 5);
    if (lineno == 3) {
        const char *p = line;
        for (int k = 0; k < 5; k++)
            p = strchr(p, ',') + 1;
        fprintf(f, "ZQXNAME%d,%.*sZZ%s,ZQXPOST%d\n", lineno, (int)(p - line), line,
                p + strlen(place), lineno);
    } else if (lineno == 4) {
        fprintf(f, "ZQXNAME%d,%s\n", lineno, line);
    } else {
        fprintf(f, "ZQXNAME%d,%s,ZQXPOST%d\n", lineno, line, lineno);
    }
}

START_TEST(unused_columns_never_stored)
{
    const char *p = ingest_changed("/903/2019/episodes.csv", "2019/episodes.csv", add_private, 3);
    log_has(&e, "columns not used, ignored: SURNAME, POSTCODE");
    log_has(&e, "episodes.csv:3: bad_code: PLACE 'ZZ' is not a valid code");
    log_has(&e, "episodes.csv:4: field_count:");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM episodes"), count_lines(p) - 1 - 2);
    /* The raw line of a quarantined row keeps only the stored columns. */
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM quarantine WHERE line=3 AND raw LIKE"
                                 " ',%%,ZZ,%%' AND raw NOT LIKE '%%ZQX%%'"), 1);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM quarantine WHERE line=4 AND"
                                 " replace(raw, ',', '') = ''"), 1);
    /* Names, postcodes (SURNAME, POSTCODE, HOME_POST, PL_POST) and URNs:
     * nowhere in the file's bytes. */
    char *text = slurp(p, NULL);
    ck_assert_ptr_nonnull(strstr(text, "ZQXNAME3"));
    free(text);
    ck_assert(!db_bytes_hold(e.db, "ZQXNAME"));
    ck_assert(!db_bytes_hold(e.db, "ZQXPOST"));
    ck_assert(!db_bytes_hold(e.db, "SC117964")); /* URN of line 2 */
    ck_assert(!db_bytes_hold(e.db, "JH5 0OR"));  /* HOME_POST of line 2 */
}
END_TEST

/* ---- 8: other delimiters ---------------------------------------------------- */

START_TEST(other_delimiters)
{
    char semi = ';', tab = '\t';
    copy_lines(EX "/903/2019/header.csv", in(&e, "s/2019/header.csv"), other_delimiter, &semi);
    copy_lines(EX "/903/2019/header.csv", in(&e, "t/2019/header.csv"), other_delimiter, &tab);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, in(&e, "s/2019/header.csv"), NULL), 1);
    log_has(&e, "refused: the header row is separated by semicolons (';'), not commas: save the "
                "file as comma-separated CSV");
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, in(&e, "t/2019/header.csv"), NULL), 1);
    log_has(&e, "refused: the header row is separated by tabs, not commas");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM files"), 0);
}
END_TEST

/* ---- smaller: rows of only commas, --db and --out, config ----------------- */

static void comma_rows(FILE *f, const char *line, int lineno, void *ctx)
{
    (void)ctx;
    fprintf(f, "%s\n", line);
    if (lineno == 3)
        fputs(",,,,,,\n", f);
    if (lineno == 1)
        fputs(",,,,,,\n,,,,,,\n", f);
}

START_TEST(comma_only_rows_are_blank_lines)
{
    const char *p = in(&e, "2019/header.csv");
    copy_lines(EX "/903/2019/header.csv", p, comma_rows, NULL);
    char *summary = strdup(in(&e, "s.csv"));
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, "--summary", summary, p, NULL), 0);
    log_has(&e, "3 rows of only commas skipped as blank lines");
    int n = count_lines(p) - 1 - 3;
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM header"), n);
    ck_assert_int_eq(q_int(e.db, "SELECT n_read FROM files"), n);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM quarantine"), 0);
    free(summary);
}
END_TEST

START_TEST(user_errors_are_exit_1)
{
    /* A CSV file as --db: refused, and left as it was. */
    const char *csv = in(&e, "links.csv");
    copy_lines(EX "/lifelong_links.csv", csv, NULL, NULL);
    char *before = slurp(csv, NULL);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", csv, EX "/lifelong_links.csv", NULL), 1);
    log_has(&e, "not an lleval database (not an SQLite file at all");
    ck_assert_int_eq(run_lleval(&e, "evaluate", "--db", csv, "--out", in(&e, "o1"), NULL), 1);
    log_has(&e, "not an lleval database");
    char *after = slurp(csv, NULL);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    /* Another application's SQLite database: refused, not given our tables. */
    const char *other = in(&e, "other.db");
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(other, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE notes(x); INSERT INTO notes VALUES(1);", NULL,
                                  NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", other, EX "/lifelong_links.csv", NULL), 1);
    log_has(&e, "not an lleval database (an SQLite database of another application");
    ck_assert_int_eq(q_int(other, "SELECT count(*) FROM sqlite_master"), 1);
    /* An --out that cannot be written: exit 1 before any work. */
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, EX "/lifelong_links.csv", NULL), 0);
    char out[600];
    snprintf(out, sizeof out, "%s/sub", csv); /* under a file */
    ck_assert_int_eq(run_lleval(&e, "evaluate", "--db", e.db, "--out", out, NULL), 1);
    log_has(&e, "cannot write there (Not a directory); nothing was done");
    /* config --config without a value, and min_cell below 5. */
    ck_assert_int_eq(run_lleval(&e, "config", "--config", NULL), 1);
    log_has(&e, "--config needs a value");
    write_text(in(&e, "c.ini"), "[report]\nmin_cell = 0\n");
    ck_assert_int_eq(run_lleval(&e, "config", "--config", in(&e, "c.ini"), NULL), 1);
    log_has(&e, "min_cell: '0' must be an integer from 5 to");
}
END_TEST

/* ---- 9, 10, 12: evaluate ---------------------------------------------------- */

START_TEST(nothing_links_no_report)
{
    /* Programme under one la, the returns under another. */
    char years[9][64];
    const char *args[64] = {"ingest", "--db", e.db, "--la", "LA"};
    int k = 5;
    for (int y = 2016; y <= 2024; y++) {
        snprintf(years[y - 2016], sizeof years[0], EX "/903/%d/header.csv", y);
        args[k++] = years[y - 2016];
    }
    ck_assert_int_eq(run_lleval(&e, args[0], args[1], args[2], args[3], args[4], args[5], args[6],
                                args[7], args[8], args[9], args[10], args[11], args[12], args[13],
                                NULL), 0);
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", e.db, "--la", "LB", EX "/lifelong_links.csv",
                                NULL), 0);
    const char *out = in(&e, "out");
    ck_assert_int_eq(run_lleval(&e, "evaluate", "--db", e.db, "--out", out, NULL), 1);
    log_has(&e, "no eligible treated child reaches the analysis, so no report was written: the "
                "programme children are under la LB but the 903 returns under la LA: ingest "
                "both with the same --la");
    log_has(&e, "flow of the treated children: referred 120, consented 108");
    ck_assert_int_eq(access(in(&e, "out/secure/flow.csv"), F_OK), 0);
    ck_assert_int_ne(access(in(&e, "out/report.html"), F_OK), 0);
    ck_assert_int_ne(access(in(&e, "out/report.md"), F_OK), 0);
    ck_assert_int_ne(access(in(&e, "out/secure/analysis.csv"), F_OK), 0);
    /* An empty database. */
    const char *empty = in(&e, "empty.db");
    ck_assert_int_eq(run_lleval(&e, "evaluate", "--db", empty, "--out", in(&e, "o2"), NULL), 1);
    /* (no such file: 'lleval ingest' first) */
    write_text(in(&e, "h/2019/uasc.csv"), "CHILD,SEX,DOB,DUC\n");
    ck_assert_int_eq(run_lleval(&e, "ingest", "--db", empty, in(&e, "h/2019/uasc.csv"), NULL), 0);
    ck_assert_int_eq(run_lleval(&e, "evaluate", "--db", empty, "--out", in(&e, "o2"), NULL), 1);
    log_has(&e, "the database holds no programme records and no 903 returns");
    ck_assert_int_ne(access(in(&e, "o2/report.html"), F_OK), 0);
}
END_TEST

/* The 2024 episodes with one open episode given a REC, and one row made
 * bad (line 3: PLACE ZZ). */
static void rec_and_bad(FILE *f, const char *line, int lineno, void *ctx)
{
    char dec[16];
    field(dec, sizeof dec, line, 7);
    int *done = ctx;
    if (lineno > 1 && !*done && dec[0] == '\0') {
        /* CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,,REC,... */
        const char *p = line;
        for (int k = 0; k < 8; k++)
            p = strchr(p, ',') + 1;
        const char *q = strchr(p, ',');
        fprintf(f, "%.*sE8%s\n", (int)(p - line), line, q);
        *done = lineno;
        return;
    }
    if (lineno == 3 && *done != 3) {
        const char *p = line;
        for (int k = 0; k < 5; k++)
            p = strchr(p, ',') + 1;
        fprintf(f, "%.*sZZ%s\n", (int)(p - line), line, strchr(p, ','));
        return;
    }
    fprintf(f, "%s\n", line);
}

START_TEST(evaluate_names_quarantine_and_rec)
{
    const char *args[64];
    char paths[48][160];
    int k = 0, np = 0;
    args[k++] = "ingest";
    args[k++] = "--db";
    args[k++] = e.db;
    int done = 0;
    for (int y = 2016; y <= 2024; y++) {
        const char *t[] = {"header", "episodes", "uasc", "oc2", "oc3"};
        for (int j = 0; j < 5; j++) {
            snprintf(paths[np], sizeof paths[0], EX "/903/%d/%s.csv", y, t[j]);
            if (y == 2024 && j == 1) {
                const char *dst = in(&e, "903/2024/episodes.csv");
                copy_lines(paths[np], dst, rec_and_bad, &done);
                snprintf(paths[np], sizeof paths[0], "%s", dst);
            }
            args[k++] = paths[np++];
        }
    }
    args[k++] = EX "/lifelong_links.csv";
    args[k] = NULL;
    ck_assert_int_gt(done, 0);
    /* system() through a shell: build the command from args. */
    char cmd[16384];
    size_t o = (size_t)snprintf(cmd, sizeof cmd, "'%s'", tu_lleval_path());
    for (int i = 0; args[i]; i++)
        o += (size_t)snprintf(cmd + o, sizeof cmd - o, " '%s'", args[i]);
    snprintf(cmd + o, sizeof cmd - o, " >'%s' 2>&1", e.log);
    int st = system(cmd);
    ck_assert_int_eq(WEXITSTATUS(st), 3);
    log_has(&e, "1 open episode (no DEC) carries a REC: stored open, the REC set aside");
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM rec_set_aside WHERE rec='E8' AND year=2024"),
                     1);
    ck_assert_int_eq(q_int(e.db, "SELECT count(*) FROM episodes e JOIN rec_set_aside s"
                                 " USING(la, year, child, decom) WHERE e.dec IS NULL AND"
                                 " e.rec IS NULL"), 1);
    const char *out = in(&e, "out");
    ck_assert_int_eq(run_lleval(&e, "evaluate", "--db", e.db, "--out", out, NULL), 0);
    log_has(&e, "warning: 1 row quarantined at ingest, not in this evaluation (episodes 1)");
    log_has(&e, "warning: 1 open episode carried a REC without a DEC");
    char *rj = slurp(in(&e, "out/run.json"), NULL);
    ck_assert_ptr_nonnull(strstr(rj, "\"quarantined_per_table\": {\"episodes\": 1, \"header\": 0"));
    ck_assert_ptr_nonnull(strstr(rj, "\"rec_set_aside\": 1,"));
    free(rj);
    char *dq = slurp(in(&e, "out/secure/data_quality.csv"), NULL);
    ck_assert_msg(strstr(dq, ",2024,rec_without_dec\n") != NULL, "%s", dq);
    free(dq);
    /* the summary page's data-quality line: data_quality.csv's counts by
     * rule under rule 1 (1 to 5 c, others rounded to 5) */
    dq = slurp(in(&e, "out/secure/data_quality.csv"), NULL);
    const char *rules[3] = {",stale_open\n", ",overlap\n", ",rec_without_dec\n"};
    char shown[4][16];
    long total = 0;
    for (int r = 0; r < 4; r++) {
        long n = 0;
        for (const char *p = dq; r < 3 && (p = strstr(p, rules[r])) != NULL; p++)
            n++;
        n = r < 3 ? n : total;
        total += n;
        /* rule 1 by hand: 1 to 5 c, else rounded to the nearest 5 (halves up) */
        snprintf(shown[r], sizeof shown[r], n >= 1 && n <= 5 ? "c" : "%ld", (n + 2) / 5 * 5);
    }
    free(dq);
    char want[600];
    snprintf(want, sizeof want, "Data quality: rows set aside at ingest for failing checks, by "
                                "table: episodes c; episodes corrected by fixed rules: %s (%s left "
                                "open past their return, %s set aside as overlapping, %s with an "
                                "end reason but no end date); children not linked",
             shown[3], shown[0], shown[1], shown[2]);
    char *md = slurp(in(&e, "out/report.md"), NULL);
    ck_assert_msg(strstr(md, want) != NULL, "report.md: %.400s",
                  strstr(md, "Data quality:") ? strstr(md, "Data quality:") : "(none)");
    free(md);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const ingest_tests[] = {year_nearest_the_file, two_files_of_one_return,
                                         empty_resubmission_refused, scientific_child_ids,
                                         spreadsheet_dates, stacked_extract,
                                         unused_columns_never_stored, other_delimiters,
                                         comma_only_rows_are_blank_lines,
                                         user_errors_are_exit_1, NULL};
    const TTest *const evaluate_tests[] = {nothing_links_no_report,
                                           evaluate_names_quarantine_and_rec, NULL};
    Suite *s = suite_create("exports");
    tcase_add_checked_fixture(tu_tcase(s, "ingest", ingest_tests, 120), env_setup, env_teardown);
    tcase_add_checked_fixture(tu_tcase(s, "evaluate", evaluate_tests, 300), env_setup,
                              env_teardown);
    return s;
}
