/* Small pieces of the ingest contract: the collection year named by a path
 * (SPEC 2), kind and rule names, and the summary CSV (SPEC 2.6). */
#include "lleval/ingest.h"

#include <sqlite3.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the run of digits at s. */
static size_t run(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

static int value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The year after y when s (just after a '-' or '_') is it as two or four
 * digits followed by no digit, else 0. */
static int next_year(int y, const char *s)
{
    size_t n = run(s);
    if (y + 1 > 2099)
        return 0;
    if ((n == 2 && value(s, 2) == (y + 1) % 100) || (n == 4 && value(s, 4) == y + 1))
        return y + 1;
    return 0;
}

/* The first year named in s[0, n) (one name of a path), or 0: a pair of
 * consecutive years names the later one; a run of digits counts only when
 * it is exactly four digits 2000-2099 (SPEC 2). */
static int year_in_name(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t r = 0;
        while (i + r < n && is_digit(s[i + r]))
            r++;
        if (r == 0) {
            i++;
            continue;
        }
        int y = r == 4 ? value(s + i, 4) : 0;
        if (y >= 2000 && y <= 2099) {
            if (i + 5 < n && (s[i + 4] == '-' || s[i + 4] == '_')) {
                char pair[8] = "";
                size_t k = n - (i + 5) < 5 ? n - (i + 5) : 5;
                memcpy(pair, s + i + 5, k);
                int later = next_year(y, pair);
                if (later != 0)
                    return later;
            }
            return y;
        }
        i += r;
    }
    return 0;
}

int ll_ingest_year_from_path(int *out, const char *path)
{
    /* The name nearest the file first: the file's own, then its folders
     * from the innermost out, so that a delivery folder named after one
     * year does not stamp every file in it. */
    size_t end = strlen(path);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && path[start - 1] != '/')
            start--;
        int y = year_in_name(path + start, end - start);
        if (y != 0) {
            *out = y;
            return LL_OK;
        }
        end = start > 0 ? start - 1 : 0;
    }
    return LL_EINPUT;
}

int ll_ingest_year_value(int *out, const char *s, size_t n)
{
    if (n < 4 || !is_digit(s[0]) || run(s) < 4)
        return LL_EINPUT;
    int y = value(s, 4);
    if (run(s) != 4 || y < 2000 || y > 2099)
        return LL_EINPUT;
    if (n == 4) {
        *out = y;
        return LL_OK;
    }
    if ((s[4] != '-' && s[4] != '_') || (n != 7 && n != 9))
        return LL_EINPUT;
    char pair[8] = "";
    memcpy(pair, s + 5, n - 5);
    int later = next_year(y, pair);
    if (later == 0)
        return LL_EINPUT;
    *out = later;
    return LL_OK;
}

const char *ll_ingest_kind_name(ll_ingest_kind kind)
{
    static const char *const names[] = {"unknown", "header", "episodes", "uasc", "oc2", "oc3",
                                        "lifelong_links", "comparison", "sdq", "skipped"};
    if ((int)kind < 0 || (size_t)kind >= sizeof names / sizeof names[0])
        return "unknown";
    return names[kind];
}

const char *ll_ingest_rule_name(int rule)
{
    static const char *const names[LL_RULE_COUNT] = {
        "field_count", "empty_child", "bad_child", "bad_date", "bad_code", "bad_integer", "out_of_range",
        "bad_yn", "dec_before_decom", "dec_without_rec", "sdq_score_and_reason", "duplicate_key"};
    if (rule < 0 || rule >= LL_RULE_COUNT)
        return "?";
    return names[rule];
}

int ll_ingest_summary_header(FILE *f, ll_error *err)
{
    if (fputs("file,kind,year,read,stored,duplicates,quarantined,refused\n", f) < 0)
        return ll_error_set(err, LL_EIO, "cannot write the summary");
    return LL_OK;
}

/* Writes s as one CSV field, quoted when it must be. */
static void put_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int ll_ingest_summary_row(FILE *f, const char *path, const ll_ingest_result *r, ll_error *err)
{
    static const ll_ingest_result none = {.kind = LL_KIND_UNKNOWN, .refused = 1};
    if (r == NULL)
        r = &none;
    put_field(f, path);
    fprintf(f, ",%s,", ll_ingest_kind_name(r->kind));
    if (r->year != 0)
        fprintf(f, "%d", r->year);
    fprintf(f, ",%zu,%zu,%zu,%zu,%d\n", r->n_read, r->n_stored, r->n_duplicates,
            r->n_quarantined, r->refused ? 1 : 0);
    if (ferror(f))
        return ll_error_set(err, LL_EIO, "cannot write the summary");
    return LL_OK;
}

int ll_ingest_summary_rows(FILE *f, sqlite3 *db, const char *path, const ll_ingest_result *r,
                           ll_error *err)
{
    if (r == NULL || r->refused || r->n_returns <= 1)
        return ll_ingest_summary_row(f, path, r, err);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT year, n_read, n_stored, n_duplicates, n_quarantined"
                               " FROM files WHERE file_id BETWEEN ?1 AND ?2 ORDER BY file_id",
                           -1, &st, NULL) != SQLITE_OK)
        return ll_error_set(err, LL_EDB, "summary: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, r->file_id);
    sqlite3_bind_int64(st, 2, r->file_id_last);
    int rc = LL_OK, step;
    while (rc == LL_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        ll_ingest_result one = {.kind = r->kind};
        one.year = sqlite3_column_int(st, 0);
        one.n_read = (size_t)sqlite3_column_int64(st, 1);
        one.n_stored = (size_t)sqlite3_column_int64(st, 2);
        one.n_duplicates = (size_t)sqlite3_column_int64(st, 3);
        one.n_quarantined = (size_t)sqlite3_column_int64(st, 4);
        rc = ll_ingest_summary_row(f, path, &one, err);
    }
    if (rc == LL_OK && step != SQLITE_DONE)
        rc = ll_error_set(err, LL_EDB, "summary: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}
