/* The programme list of the area-level design (SPEC 11): which authorities
 * ran the programme and from which collection year, checked against the
 * series' authorities and years. */
#include "internal.h"

#include "lleval/csvread.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void ll_area_programme_free(ll_area_programme *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->code[i]);
    free(p->code);
    free(p->start);
    free(p->line);
    free(p);
}

static int parse_year(const char *s, int *out)
{
    size_t n = strlen(s);
    if (n != 4)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    *out = atoi(s);
    return 0;
}

static int grow(ll_area_programme *p, size_t *cap)
{
    if (p->n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 16;
    char **code = realloc(p->code, c * sizeof *code);
    if (code)
        p->code = code;
    int *start = realloc(p->start, c * sizeof *start);
    if (start)
        p->start = start;
    long *line = realloc(p->line, c * sizeof *line);
    if (line)
        p->line = line;
    if (!code || !start || !line)
        return -1;
    *cap = c;
    return 0;
}

/* Reads the data rows after the header; the columns are code and start. */
static int read_rows(ll_area_programme *p, ll_csvread *rd, long code, long start,
                     const char *path, ll_error *err)
{
    ll_csv_row row;
    size_t cap = 0;
    int rc;
    while ((rc = ll_csvread_next(rd, &row, err)) == 1) {
        if ((size_t)code >= row.nkept || (size_t)start >= row.nkept)
            return ll_error_set(err, LL_EINPUT, "%s:%ld: too few fields", path, row.line);
        const char *c = row.field[code], *s = row.field[start];
        int year;
        if (!c[0])
            return ll_error_set(err, LL_EINPUT, "%s:%ld: empty new_la_code", path, row.line);
        if (parse_year(s, &year))
            return ll_error_set(err, LL_EINPUT, "%s:%ld: start_year '%s' is not a year (YYYY)",
                                path, row.line, s);
        for (size_t i = 0; i < p->n; i++)
            if (!strcmp(p->code[i], c))
                return ll_error_set(err, LL_EINPUT, "%s:%ld: %s is listed twice (first on line "
                                    "%ld)", path, row.line, c, p->line[i]);
        if (grow(p, &cap) || !(p->code[p->n] = ar_strdup(c)))
            return ll_error_set(err, LL_ENOMEM, "out of memory");
        p->start[p->n] = year;
        p->line[p->n++] = row.line;
    }
    if (rc < 0)
        return rc;
    if (p->n == 0)
        return ll_error_set(err, LL_EINPUT, "%s: no authority listed", path);
    return LL_OK;
}

int ll_area_programme_read(ll_area_programme **out, const char *path, ll_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    ll_csvread *rd = NULL;
    ll_csv_row h;
    *out = NULL;
    ll_area_programme *p = calloc(1, sizeof *p);
    int rc = p ? ar_read_file(&buf, &len, path, err) : ll_error_set(err, LL_ENOMEM, "out of memory");
    if (rc != LL_OK)
        goto done;
    if ((rc = ll_csvread_new(&rd, buf, len, err)) != LL_OK)
        goto done;
    rc = ll_csvread_next(rd, &h, err);
    if (rc <= 0) {
        rc = rc == 0 ? ll_error_set(err, LL_EINPUT, "%s: empty file", path) : rc;
        goto done;
    }
    long code = ar_column(h.field, h.nkept, "new_la_code");
    long start = ar_column(h.field, h.nkept, "start_year");
    if (code < 0 || start < 0) {
        rc = ll_error_set(err, LL_EINPUT, "%s: no column '%s' (the programme file is "
                          "new_la_code,start_year)", path, code < 0 ? "new_la_code" : "start_year");
        goto done;
    }
    if ((rc = read_rows(p, rd, code, start, path, err)) != LL_OK)
        goto done;
    *out = p;
    p = NULL;
done:
    if (rc == LL_EINPUT && err && strncmp(err->msg, path, strlen(path))) {
        char msg[LL_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        ll_error_set(err, LL_EINPUT, "%s: %s", path, msg);
    }
    ll_csvread_free(rd);
    free(buf);
    ll_area_programme_free(p);
    return rc;
}

static long find_unit(const ll_area_panel *p, const char *code)
{
    size_t lo = 0, hi = p->nunits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->code[mid], code);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int ll_area_assign(int **out, const ll_area_panel *p, const ll_area_programme *prog,
                   const char *name, ll_error *err)
{
    *out = NULL;
    int *start = calloc(p->nunits + 1, sizeof *start);
    if (!start)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    int first = p->year[0], last = p->year[p->nyears - 1];
    for (size_t i = 0; i < prog->n; i++) {
        long u = find_unit(p, prog->code[i]);
        int g = prog->start[i];
        if (u < 0) {
            free(start);
            return ll_error_set(err, LL_EINPUT, "%s:%ld: programme authority %s is not in the "
                                "data (no Local authority row of the series with a value for "
                                "that new_la_code)", name, prog->line[i], prog->code[i]);
        }
        if (g <= first || g > last) {
            free(start);
            return ll_error_set(err, LL_EINPUT, "%s:%ld: start year %d of %s is outside the "
                                "data: it must be after the series' first year (%d) and not "
                                "after its last (%d)", name, prog->line[i], g, prog->code[i],
                                first, last);
        }
        start[u] = g;
    }
    *out = start;
    return LL_OK;
}
