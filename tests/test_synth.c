/* Tests of the synthetic-data generator: determinism, the exact DfE column
 * sets, every row valid by SPEC 2.6 (code lists, dates and their order,
 * DEC with REC), episodes chained by X1 are contiguous, an open episode is
 * repeated in every later year until it closes, and plausible programme
 * shares.  The checks here re-implement the rules on their own, without the
 * ingest module. */
#include "testutil.h"

#include "lleval/date.h"
#include "lleval/error.h"
#include "lleval/synth.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXF 48

/* ---- files and directories ---- */

static char *temp_dir(void)
{
    char tmpl[] = "/tmp/test_synth_XXXXXX";
    char *d = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(d);
    return strdup(d);
}

static ll_synth_summary generate(const char *dir, long n, unsigned long seed, int extras)
{
    ll_synth_params p;
    ll_synth_params_init(&p);
    p.children = n;
    p.seed = seed;
    p.year_first = 2016;
    p.year_last = 2024;
    p.comparison = extras;
    p.sdq_items = extras;
    ll_error err;
    ll_error_clear(&err);
    ll_synth_summary s;
    int st = ll_synth_generate(&s, &p, dir, &err);
    ck_assert_msg(st == LL_OK, "generate: %s", err.msg);
    return s;
}

static const char *const TABLES[] = {"header", "episodes", "uasc", "oc2", "oc3"};

/* 1 if the two files hold the same bytes. */
static int same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = tu_slurp(a, &na), *y = tu_slurp(b, &nb);
    int same = na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* Compares every file of two outputs; returns how many differ. */
static int count_differences(const char *d1, const char *d2, int with_extras)
{
    char a[512], b[512];
    int diff = 0;
    for (int y = 2016; y <= 2024; y++)
        for (int t = 0; t < 5; t++) {
            snprintf(a, sizeof a, "%s/903/%d/%s.csv", d1, y, TABLES[t]);
            snprintf(b, sizeof b, "%s/903/%d/%s.csv", d2, y, TABLES[t]);
            diff += !same_file(a, b);
        }
    const char *top[] = {"lifelong_links.csv", "comparison.csv", "sdq.csv", "synth.json"};
    for (int i = 0; i < (with_extras ? 4 : 1); i++) {
        snprintf(a, sizeof a, "%s/%s", d1, top[i]);
        snprintf(b, sizeof b, "%s/%s", d2, top[i]);
        diff += !same_file(a, b);
    }
    return diff;
}

/* ---- rows ---- */

typedef void (*row_fn)(void *ctx, char **f, int nf, const char *line);

/* Checks the header line of path, then calls fn on every row, each split at
 * commas (the generator never quotes) and checked for its field count. */
static long each_row(const char *path, const char *header, row_fn fn, void *ctx)
{
    char *b = tu_slurp(path, NULL);
    size_t hl = strlen(header);
    ck_assert_msg(strncmp(b, header, hl) == 0 && b[hl] == '\n', "%s: header is '%.*s'", path,
                  (int)hl, b);
    int want = 1;
    for (const char *s = header; *s; s++)
        want += *s == ',';
    long rows = 0;
    char *line = b + hl + 1;
    while (*line) {
        char *nl = strchr(line, '\n');
        ck_assert_msg(nl != NULL, "%s: last line has no newline", path);
        *nl = '\0';
        char copy[1024];
        snprintf(copy, sizeof copy, "%s", line);
        char *f[MAXF];
        int nf = 0;
        char *p = line;
        for (;;) {
            ck_assert_int_lt(nf, MAXF);
            f[nf++] = p;
            char *c = strchr(p, ',');
            if (c == NULL)
                break;
            *c = '\0';
            p = c + 1;
        }
        ck_assert_msg(nf == want, "%s: %d fields in '%s'", path, nf, copy);
        fn(ctx, f, nf, copy);
        rows++;
        line = nl + 1;
    }
    free(b);
    return rows;
}

static int in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(v, *list))
            return 1;
    return 0;
}

/* SPEC 2.1 code lists, written out here independently of the generator. */
static const char *const RNE[] = {"S", "L", "P", "T", "B", "U", NULL};
static const char *const LS[] = {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2",
                                 "L3", "J1", "J2", "J3", NULL};
static const char *const CIN[] = {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", NULL};
static const char *const PLACE[] = {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2",
                                    "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3",
                                    "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12",
                                    "Z13", "Z14", NULL};
static const char *const REC[] = {"X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17",
                                  "E2", "E3", "E4A", "E4B", "E41", "E43", "E44", "E45",
                                  "E46", "E47", "E48", "E5", "E6", "E7", "E8", "E9", NULL};
static const char *const PROVIDER[] = {"", "PR0", "PR1", "PR2", "PR3", "PR4", "PR5", NULL};
static const char *const SDQ_REASON[] = {"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5", NULL};

/* DD/MM/YYYY to a day number; -1 for anything else.  The round trip
 * through year, month and day rejects impossible dates. */
static long dmy(const char *s)
{
    if (strlen(s) != 10 || s[2] != '/' || s[5] != '/')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 2 && i != 5 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int d = atoi(s), m = atoi(s + 3), y = atoi(s + 6);
    if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2100)
        return -1;
    long day = ll_date_from_ymd(y, m, d);
    int y2, m2, d2;
    ll_date_to_ymd(day, &y2, &m2, &d2);
    return (y2 == y && m2 == m && d2 == d) ? day : -1;
}

static long child_id(const char *s)
{
    ck_assert_msg(strlen(s) == 7, "CHILD '%s' is not 7 digits", s);
    for (int i = 0; i < 7; i++)
        ck_assert_msg(s[i] >= '0' && s[i] <= '9', "CHILD '%s' is not 7 digits", s);
    return atol(s);
}

static int is_int_in(const char *s, long lo, long hi)
{
    if (*s == '\0')
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    long v = atol(s);
    return v >= lo && v <= hi;
}

/* ---- the episodes of every year ---- */

typedef struct epi {
    long child, decom, dec; /* dec -1: open */
    int year;
    char rne[2], rec[4], place[4];
} epi;

typedef struct scan {
    int year;
    long ys, ye;
    epi *ep;
    size_t n, cap;
    long *ids; /* children with a header row this year */
    size_t nid, capid;
    long *other; /* children with an episode or OC3 row this year */
    size_t nother, capother;
    long sdq_scores, oc3_rows, leading_zero;
} scan;

static void push_id(long **a, size_t *n, size_t *cap, long id)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *a = realloc(*a, *cap * sizeof **a);
        ck_assert_ptr_nonnull(*a);
    }
    (*a)[(*n)++] = id;
}

static void episode_row(void *ctx, char **f, int nf, const char *line)
{
    (void)nf;
    scan *s = ctx;
    long id = child_id(f[0]);
    s->leading_zero += f[0][0] == '0';
    long decom = dmy(f[1]);
    ck_assert_msg(decom >= 0, "bad DECOM: %s", line);
    ck_assert_msg(in_list(f[2], RNE), "bad RNE: %s", line);
    ck_assert_msg(in_list(f[3], LS), "bad LS: %s", line);
    ck_assert_msg(in_list(f[4], CIN), "bad CIN: %s", line);
    ck_assert_msg(in_list(f[5], PLACE), "bad PLACE: %s", line);
    ck_assert_msg(in_list(f[6], PROVIDER), "bad PLACE_PROVIDER: %s", line);
    ck_assert_msg((f[7][0] == '\0') == (f[8][0] == '\0'), "DEC without REC or REC without DEC: %s", line);
    long dec = -1;
    if (f[7][0]) {
        dec = dmy(f[7]);
        ck_assert_msg(dec >= 0, "bad DEC: %s", line);
        ck_assert_msg(dec > decom, "DEC not after DECOM: %s", line);
        ck_assert_msg(in_list(f[8], REC), "bad REC: %s", line);
        ck_assert_msg(dec >= s->ys && dec <= s->ye, "DEC outside the year %d: %s", s->year, line);
    } else {
        ck_assert_msg(f[9][0] == '\0', "REASON_PLACE_CHANGE on an open episode: %s", line);
    }
    ck_assert_msg(decom <= s->ye, "DECOM after the year %d: %s", s->year, line);
    /* the fake identifiers the ingest must drop are there */
    ck_assert_msg(f[10][0] != '\0', "no HOME_POST: %s", line);
    ck_assert_msg(f[5][0] == 'T' || f[11][0] != '\0', "no PL_POST: %s", line);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->ep = realloc(s->ep, s->cap * sizeof *s->ep);
        ck_assert_ptr_nonnull(s->ep);
    }
    epi *e = &s->ep[s->n++];
    e->child = id;
    e->decom = decom;
    e->dec = dec;
    e->year = s->year;
    snprintf(e->rne, sizeof e->rne, "%s", f[2]);
    snprintf(e->rec, sizeof e->rec, "%s", f[8]);
    snprintf(e->place, sizeof e->place, "%s", f[5]);
    push_id(&s->other, &s->nother, &s->capother, id);
}

static void header_row(void *ctx, char **f, int nf, const char *line)
{
    (void)nf;
    scan *s = ctx;
    push_id(&s->ids, &s->nid, &s->capid, child_id(f[0]));
    ck_assert_msg(!strcmp(f[1], "1") || !strcmp(f[1], "2"), "bad SEX: %s", line);
    ck_assert_msg(dmy(f[2]) >= 0, "bad DOB: %s", line);
    ck_assert_msg(f[3][0] != '\0' && f[4][0] != '\0', "no ETHNIC or UPN: %s", line);
    ck_assert_msg(f[5][0] == '\0' || !strcmp(f[5], "0") || !strcmp(f[5], "1"), "bad MOTHER: %s", line);
    ck_assert_msg(f[6][0] == '\0' || (!strcmp(f[5], "1") && dmy(f[6]) >= 0), "bad MC_DOB: %s", line);
}

static void uasc_row(void *ctx, char **f, int nf, const char *line)
{
    (void)ctx;
    (void)nf;
    child_id(f[0]);
    ck_assert_msg(!strcmp(f[1], "1") || !strcmp(f[1], "2"), "bad SEX: %s", line);
    ck_assert_msg(dmy(f[2]) >= 0 && dmy(f[3]) > dmy(f[2]), "bad DOB or DUC: %s", line);
}

static void oc2_row(void *ctx, char **f, int nf, const char *line)
{
    (void)nf;
    scan *s = ctx;
    child_id(f[0]);
    ck_assert_msg(dmy(f[1]) >= 0, "bad DOB: %s", line);
    ck_assert_msg(!(f[2][0] && f[3][0]), "SDQ_SCORE and SDQ_REASON both filled: %s", line);
    ck_assert_msg(f[2][0] == '\0' || is_int_in(f[2], 0, 40), "bad SDQ_SCORE: %s", line);
    ck_assert_msg(f[3][0] == '\0' || in_list(f[3], SDQ_REASON), "bad SDQ_REASON: %s", line);
    s->sdq_scores += f[2][0] != '\0';
}

static void oc3_row(void *ctx, char **f, int nf, const char *line)
{
    (void)nf;
    scan *s = ctx;
    long id = child_id(f[0]);
    long dob = dmy(f[1]);
    ck_assert_msg(dob >= 0, "bad DOB: %s", line);
    const char *a = f[4];
    int ok = !strcmp(a, "0") || (strlen(a) == 2 && strchr("BCDEGHKRSTUVWXYZ", a[0]) &&
                                 (a[1] == '1' || a[1] == '2'));
    ck_assert_msg(ok, "bad ACCOM: %s", line);
    /* OC3 is for the 17th to 21st birthdays in the year */
    int yb;
    ll_date_to_ymd(dob, &yb, NULL, NULL);
    ck_assert_msg(s->year - yb >= 17 && s->year - yb <= 22, "OC3 at the wrong age: %s", line);
    s->oc3_rows++;
    push_id(&s->other, &s->nother, &s->capother, id);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Episodes by child, DECOM, year. */
static int cmp_epi(const void *a, const void *b)
{
    const epi *x = a, *y = b;
    if (x->child != y->child)
        return (x->child > y->child) - (x->child < y->child);
    if (x->decom != y->decom)
        return (x->decom > y->decom) - (x->decom < y->decom);
    return x->year - y->year;
}

/* Episodes by year, child, DECOM. */
static int cmp_epi_year(const void *a, const void *b)
{
    const epi *x = a, *y = b;
    if (x->year != y->year)
        return x->year - y->year;
    if (x->child != y->child)
        return (x->child > y->child) - (x->child < y->child);
    return (x->decom > y->decom) - (x->decom < y->decom);
}

typedef struct all {
    epi *ep;
    size_t n;
    long sdq_scores, oc3_rows, header_rows, leading_zero;
} all;

static const char *const HEAD_EPISODES =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

/* Reads and checks every 903 file of dir; returns every episode row. */
static all read_returns(const char *dir)
{
    all a = {0};
    for (int y = 2016; y <= 2024; y++) {
        scan s = {0};
        s.year = y;
        s.ys = ll_date_from_ymd(y - 1, 4, 1);
        s.ye = ll_date_from_ymd(y, 3, 31);
        char path[512];
        snprintf(path, sizeof path, "%s/903/%d/episodes.csv", dir, y);
        each_row(path, HEAD_EPISODES, episode_row, &s);
        snprintf(path, sizeof path, "%s/903/%d/header.csv", dir, y);
        a.header_rows += each_row(path, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", header_row, &s);
        snprintf(path, sizeof path, "%s/903/%d/uasc.csv", dir, y);
        each_row(path, "CHILD,SEX,DOB,DUC", uasc_row, &s);
        snprintf(path, sizeof path, "%s/903/%d/oc2.csv", dir, y);
        each_row(path,
                 "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
                 "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
                 oc2_row, &s);
        snprintf(path, sizeof path, "%s/903/%d/oc3.csv", dir, y);
        each_row(path, "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM", oc3_row, &s);
        /* one header row per child, and exactly for the children with rows */
        qsort(s.ids, s.nid, sizeof *s.ids, cmp_long);
        for (size_t i = 1; i < s.nid; i++)
            ck_assert_msg(s.ids[i] != s.ids[i - 1], "two header rows for %07ld in %d", s.ids[i], y);
        qsort(s.other, s.nother, sizeof *s.other, cmp_long);
        size_t distinct = 0;
        for (size_t i = 0; i < s.nother; i++) {
            if (i > 0 && s.other[i] == s.other[i - 1])
                continue;
            distinct++;
            ck_assert_msg(bsearch(&s.other[i], s.ids, s.nid, sizeof *s.ids, cmp_long) != NULL,
                          "%07ld has rows but no header in %d", s.other[i], y);
        }
        ck_assert_int_eq(distinct, s.nid);
        a.ep = realloc(a.ep, (a.n + s.n + 1) * sizeof *a.ep);
        ck_assert_ptr_nonnull(a.ep);
        memcpy(a.ep + a.n, s.ep, s.n * sizeof *s.ep);
        a.n += s.n;
        a.sdq_scores += s.sdq_scores;
        a.oc3_rows += s.oc3_rows;
        a.leading_zero += s.leading_zero;
        free(s.ep);
        free(s.ids);
        free(s.other);
    }
    return a;
}

static int is_temp(const char *place)
{
    return place[0] == 'T';
}

/* ---- fixtures shared by the tests ---- */

static char *dir_main;
static ll_synth_summary sum_main;
static all eps_main;

static void setup_main(void)
{
    gsl_set_error_handler_off();
    dir_main = temp_dir();
    sum_main = generate(dir_main, 1000, 11, 1);
    eps_main = read_returns(dir_main);
}

static void teardown_main(void)
{
    tu_remove_tree(dir_main);
    free(dir_main);
    free(eps_main.ep);
}

/* ---- tests ---- */

START_TEST(params_defaults_and_checks)
{
    ll_synth_params p;
    ll_synth_params_init(&p);
    ck_assert_int_eq(p.seed, 1);
    ck_assert_int_eq(p.year_first, 2016);
    ck_assert_int_eq(p.year_last, 2024);
    ck_assert_str_eq(p.la, "LA");
    ll_error err;
    ck_assert_int_eq(ll_synth_params_check(&p, &err), LL_EINPUT); /* children 0 */
    p.children = 10;
    ck_assert_int_eq(ll_synth_params_check(&p, &err), LL_OK);
    p.effect_stability = 0;
    ck_assert_int_eq(ll_synth_params_check(&p, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "effect-stability"));
    p.effect_stability = 1;
    p.effect_identity = 1.5;
    ck_assert_int_eq(ll_synth_params_check(&p, &err), LL_EINPUT);
    p.effect_identity = 0.5;
    snprintf(p.la, sizeof p.la, "a,b");
    ck_assert_int_eq(ll_synth_params_check(&p, &err), LL_EINPUT);
    int a, b;
    ck_assert_int_eq(ll_synth_parse_years(&a, &b, "2016-2024", NULL), LL_OK);
    ck_assert_int_eq(a, 2016);
    ck_assert_int_eq(b, 2024);
    ck_assert_int_eq(ll_synth_parse_years(&a, &b, "2020", NULL), LL_OK);
    ck_assert_int_eq(a, 2020);
    ck_assert_int_eq(b, 2020);
    const char *bad[] = {"2024-2016", "16-24", "2016-", "", "2000-2040", "1999-2001", "2016-2024x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(ll_synth_parse_years(&a, &b, bad[i], NULL) == LL_EINPUT, "accepted '%s'", bad[i]);
    ck_assert_int_eq(ll_synth_generate(NULL, &p, "", &err), LL_EINPUT);
}
END_TEST

START_TEST(same_seed_same_bytes)
{
    char *d1 = temp_dir(), *d2 = temp_dir(), *d3 = temp_dir(), *d4 = temp_dir();
    generate(d1, 300, 5, 1);
    generate(d2, 300, 5, 1);
    generate(d3, 300, 6, 1);
    generate(d4, 300, 5, 0);
    ck_assert_int_eq(count_differences(d1, d2, 1), 0);
    /* another seed changes every year's episodes */
    ck_assert_int_ge(count_differences(d1, d3, 1), 9);
    /* asking for comparison.csv and sdq.csv changes no other data file */
    ck_assert_int_eq(count_differences(d1, d4, 0), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/comparison.csv", d4);
    ck_assert_int_ne(access(path, F_OK), 0);
    /* regenerating into a used directory removes the files not asked for */
    generate(d1, 300, 5, 0);
    snprintf(path, sizeof path, "%s/sdq.csv", d1);
    ck_assert_int_ne(access(path, F_OK), 0);
    const char *d[] = {d1, d2, d3, d4};
    for (int i = 0; i < 4; i++) {
        tu_remove_tree(d[i]);
        free((void *)d[i]);
    }
}
END_TEST

START_TEST(rows_valid_and_counted)
{
    /* the checks run while reading, in setup; here the totals */
    ck_assert_int_eq((long)eps_main.n, sum_main.episode_rows);
    ck_assert_int_eq(eps_main.header_rows, sum_main.header_rows);
    ck_assert_int_eq(eps_main.oc3_rows, sum_main.oc3_rows);
    ck_assert_int_eq(sum_main.children, 1000);
    /* a realistic mix: several episode rows per child, SDQ scores, care
     * leavers, and IDs with leading zeros */
    ck_assert_int_gt(sum_main.episode_rows, 3 * 1000);
    ck_assert_int_lt(sum_main.episode_rows, 15 * 1000);
    ck_assert_int_gt(eps_main.sdq_scores, 300);
    ck_assert_int_gt(eps_main.oc3_rows, 100);
    ck_assert_int_gt(eps_main.leading_zero, 0);
    char path[512];
    snprintf(path, sizeof path, "%s/synth.json", dir_main);
    tu_assert_file_has(path, "\"seed\": 11,", "\"children\": 1000,", "\"years\": [2016, 2024]",
                       "\"stability_hazard_ratio\": 0.6,", NULL);
}
END_TEST

START_TEST(x1_chains_are_contiguous)
{
    epi *e = eps_main.ep;
    size_t n = eps_main.n;
    qsort(e, n, sizeof *e, cmp_epi_year);
    long chained = 0, breaks = 0, temps = 0;
    for (size_t i = 0; i < n; i++)
        if (is_temp(e[i].place)) {
            /* a temporary placement interrupts a placement, never starts care */
            ck_assert_msg(strcmp(e[i].rne, "S") != 0, "%07ld: care starts in %s", e[i].child, e[i].place);
            temps++;
        }
    ck_assert_int_gt(temps, 10);
    for (size_t i = 1; i < n; i++) {
        const epi *a = &e[i - 1], *b = &e[i];
        if (a->year != b->year || a->child != b->child)
            continue;
        ck_assert_msg(a->dec >= 0, "%07ld: open episode before another in %d", a->child, a->year);
        if (!strcmp(a->rec, "X1")) {
            ck_assert_msg(b->decom == a->dec, "%07ld: X1 not followed the same day", a->child);
            ck_assert_msg(strcmp(b->rne, "S") != 0, "%07ld: RNE S after X1", a->child);
            chained++;
        } else {
            ck_assert_msg(b->decom > a->dec, "%07ld: new period not after the end", a->child);
            ck_assert_msg(!strcmp(b->rne, "S"), "%07ld: new period not RNE S", a->child);
            breaks++;
        }
    }
    ck_assert_int_gt(chained, 500);
    ck_assert_int_gt(breaks, 10);
}
END_TEST

START_TEST(open_episodes_repeat_until_closed)
{
    epi *e = eps_main.ep;
    size_t n = eps_main.n;
    qsort(e, n, sizeof *e, cmp_epi);
    long spanning = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && e[j].child == e[i].child && e[j].decom == e[i].decom)
            j++;
        /* an episode that began before its first file's year is in the
         * earlier file, unless that is the first year */
        if (e[i].decom < ll_date_from_ymd(e[i].year - 1, 4, 1))
            ck_assert_msg(e[i].year == 2016, "%07ld: episode missing from %d", e[i].child, e[i].year - 1);
        for (size_t k = i; k < j; k++) {
            if (k + 1 < j) {
                ck_assert_msg(e[k + 1].year == e[k].year + 1, "%07ld: years not consecutive", e[k].child);
                ck_assert_msg(e[k].dec < 0, "%07ld: closed episode repeated", e[k].child);
                spanning++;
            } else {
                ck_assert_msg(e[k].dec >= 0 || e[k].year == 2024,
                              "%07ld: open in %d, absent in %d", e[k].child, e[k].year, e[k].year + 1);
            }
        }
        i = j;
    }
    ck_assert_int_gt(spanning, 200);
}
END_TEST

/* ---- the programme files ---- */

typedef struct prog {
    long referred, consented, treated, refused, fgc, ended;
    long ids[4096];
    long start[4096];
    size_t n;
} prog;

static void links_row(void *ctx, char **f, int nf, const char *line)
{
    (void)nf;
    prog *p = ctx;
    long id = child_id(f[0]);
    ck_assert_msg(dmy(f[1]) >= 0, "bad REFERRAL_DATE: %s", line);
    ck_assert_msg(!strcmp(f[2], "Y") || !strcmp(f[2], "N"), "bad CONSENT: %s", line);
    p->referred++;
    p->consented += f[2][0] == 'Y';
    p->refused += f[2][0] == 'N';
    long start = f[3][0] ? dmy(f[3]) : -1;
    if (f[3][0]) {
        ck_assert_msg(start >= dmy(f[1]) && f[2][0] == 'Y', "bad START_DATE: %s", line);
        p->treated++;
        ck_assert_msg(is_int_in(f[6], 0, 1000), "bad CONNECTIONS_BEFORE: %s", line);
    }
    if (f[4][0]) {
        ck_assert_msg(dmy(f[4]) > start && start >= 0, "bad FGC_DATE: %s", line);
        p->fgc++;
    }
    if (f[5][0]) {
        ck_assert_msg(dmy(f[5]) > start && start >= 0, "bad END_DATE: %s", line);
        ck_assert_msg(is_int_in(f[7], 0, 1000), "bad CONNECTIONS_AFTER: %s", line);
        ck_assert_msg(!strcmp(f[8], "Y") || !strcmp(f[8], "N"), "bad IDENTITY_IMPROVED: %s", line);
        p->ended++;
    }
    ck_assert_uint_lt(p->n, 4096);
    p->ids[p->n] = id;
    p->start[p->n++] = start;
}

static void comparison_row(void *ctx, char **f, int nf, const char *line)
{
    (void)nf;
    prog *p = ctx;
    ck_assert_uint_lt(p->n, 4096);
    p->ids[p->n] = child_id(f[0]);
    p->start[p->n] = dmy(f[1]);
    ck_assert_msg(p->start[p->n] >= 0, "bad INDEX_DATE: %s", line);
    p->n++;
}

/* 1 if some episode covers day d. */
static int looked_after(const all *a, long child, long d)
{
    long end = ll_date_from_ymd(2024, 3, 31) + 1;
    for (size_t i = 0; i < a->n; i++)
        if (a->ep[i].child == child && a->ep[i].decom <= d && (a->ep[i].dec < 0 ? end : a->ep[i].dec) > d)
            return 1;
    return 0;
}

START_TEST(programme_shares_plausible)
{
    static prog p, c;
    memset(&p, 0, sizeof p);
    memset(&c, 0, sizeof c);
    char path[512];
    snprintf(path, sizeof path, "%s/lifelong_links.csv", dir_main);
    each_row(path,
             "CHILD,REFERRAL_DATE,CONSENT,START_DATE,FGC_DATE,END_DATE,CONNECTIONS_BEFORE,"
             "CONNECTIONS_AFTER,IDENTITY_IMPROVED",
             links_row, &p);
    ck_assert_int_eq(p.treated, sum_main.treated);
    /* about 6% of children treated (referral rate 1), 88% consent */
    double treated_share = (double)p.treated / 1000;
    ck_assert_msg(treated_share > 0.02 && treated_share < 0.15, "treated share %g", treated_share);
    double consent_share = (double)p.consented / (double)p.referred;
    ck_assert_msg(consent_share > 0.7 && consent_share < 0.98, "consent share %g", consent_share);
    ck_assert_int_gt(p.refused, 0);
    ck_assert_int_gt(p.fgc, 0);
    ck_assert_int_gt(p.ended, 0);
    for (size_t i = 0; i < p.n; i++)
        if (p.start[i] >= 0)
            ck_assert_msg(looked_after(&eps_main, p.ids[i], p.start[i]),
                          "%07ld not looked after at START_DATE", p.ids[i]);
    snprintf(path, sizeof path, "%s/comparison.csv", dir_main);
    each_row(path, "CHILD,INDEX_DATE", comparison_row, &c);
    ck_assert_int_eq((long)c.n, sum_main.comparison);
    ck_assert_int_gt((long)c.n, (long)p.treated / 3);
    for (size_t i = 0; i < c.n; i++) {
        ck_assert_msg(looked_after(&eps_main, c.ids[i], c.start[i]),
                      "%07ld not looked after at INDEX_DATE", c.ids[i]);
        for (size_t k = 0; k < p.n; k++)
            ck_assert_msg(c.ids[i] != p.ids[k], "%07ld both referred and comparison", c.ids[i]);
    }
}
END_TEST

/* Item-level SDQ: answers 0-2 or empty, impact items 0-3, and with no item
 * blank the scored total difficulties is the sum of the 20 problem items
 * after reversing 7, 11, 14, 21 and 25 (SPEC 2.4). */
typedef struct items {
    long rows, complete;
} items;

static void sdq_row(void *ctx, char **f, int nf, const char *line)
{
    (void)nf;
    items *it = ctx;
    child_id(f[0]);
    ck_assert_msg(dmy(f[1]) >= 0, "bad DATE: %s", line);
    ck_assert_msg(!strcmp(f[2], "P") || !strcmp(f[2], "T") || !strcmp(f[2], "S"), "bad INFORMANT: %s", line);
    int blank = 0;
    for (int q = 1; q <= 25; q++) {
        ck_assert_msg(f[2 + q][0] == '\0' || is_int_in(f[2 + q], 0, 2), "bad Q%d: %s", q, line);
        blank += f[2 + q][0] == '\0';
    }
    for (int k = 28; k < 34; k++)
        ck_assert_msg(is_int_in(f[k], 0, 3), "bad impact item: %s", line);
    it->rows++;
    it->complete += blank == 0;
}

START_TEST(item_level_sdq_valid)
{
    char path[512], head[400] = "CHILD,DATE,INFORMANT";
    for (int q = 1; q <= 25; q++)
        snprintf(head + strlen(head), sizeof head - strlen(head), ",Q%d", q);
    strcat(head, ",EBDDIFF,DISTRES,IMPHOME,IMPFRIE,IMPCLAS,IMPLEIS");
    snprintf(path, sizeof path, "%s/sdq.csv", dir_main);
    items it = {0, 0};
    each_row(path, head, sdq_row, &it);
    ck_assert_int_eq(it.rows, sum_main.sdq_rows);
    ck_assert_int_ge(it.rows, eps_main.sdq_scores);
    ck_assert_int_gt(it.complete, it.rows * 9 / 10);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("synth");
    const TTest *const params_tests[] = {
        params_defaults_and_checks, same_seed_same_bytes, NULL};
    tu_tcase(s, "params", params_tests, 120);
    const TTest *const data_tests[] = {
        rows_valid_and_counted, x1_chains_are_contiguous, open_episodes_repeat_until_closed,
        programme_shares_plausible, item_level_sdq_valid, NULL};
    tcase_add_unchecked_fixture(tu_tcase(s, "data", data_tests, 120), setup_main, teardown_main);
    return s;
}
