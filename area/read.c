/* Reading one series of the DfE's open-data ("explore education
 * statistics") files into an authority-by-year panel (SPEC 11, Input):
 * Local authority rows only, the rows the filter picks, the value column
 * with the DfE's symbols read as missing. */
#include "internal.h"

#include "lleval/csvread.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COND 16
#define MAX_SEEN 6 /* values of a filter column quoted when a filter fails */

/* One condition of the filter, and what the files hold for its column. */
struct cond {
    char *col, *val;
    long idx;             /* column index in the current file */
    size_t matched;       /* Local authority rows with this value */
    char *seen[MAX_SEEN]; /* distinct values met, for the message */
    size_t nseen;
};

/* One Local authority row of the series. */
struct entry {
    char *code, *name;
    int year;
    double v;
    size_t file;
    long line;
};

struct reader {
    struct cond cond[MAX_COND];
    size_t ncond;
    struct entry *e;
    size_t n, cap;
    size_t la_rows; /* Local authority rows in all files */
    char bad_value[64], bad_where[1100];
    size_t nbad;
    FILE *log;
    ll_error *err;
};

char *ar_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int ar_read_file(char **out, size_t *len, const char *path, ll_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ll_error_set(err, LL_EINPUT, "%s: cannot read: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0, n = 0;
    int rc = LL_OK;
    for (;;) {
        if (cap - n < 65536) {
            char *nb = realloc(buf, cap * 2 + 65536 + 1);
            if (!nb) {
                rc = ll_error_set(err, LL_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            buf = nb;
            cap = cap * 2 + 65536;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = ll_error_set(err, LL_EINPUT, "%s: read error", path);
        goto done;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
done:
    free(buf);
    fclose(f);
    return rc;
}

long ar_column(const char *const *field, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(field[i], name))
            return (long)i;
    return -1;
}

/* Copies s[0..len) without its leading and trailing blanks. */
static char *trimmed(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static int parse_filter(struct reader *r, const char *filter)
{
    const char *s = filter;
    while (*s) {
        size_t len = strcspn(s, ";");
        const char *eq = memchr(s, '=', len);
        int blank = 1;
        for (size_t i = 0; i < len; i++)
            blank &= isspace((unsigned char)s[i]) != 0;
        if (!blank) {
            if (!eq)
                return ll_error_set(r->err, LL_EINPUT, "[area] filter: '%.*s' is not 'column "
                                    "= value' (conditions are separated by ';')", (int)len, s);
            if (r->ncond == MAX_COND)
                return ll_error_set(r->err, LL_EINPUT, "[area] filter: more than %d conditions",
                                    MAX_COND);
            struct cond *c = &r->cond[r->ncond++];
            c->col = trimmed(s, (size_t)(eq - s));
            c->val = trimmed(eq + 1, len - (size_t)(eq - s) - 1);
            if (!c->col || !c->val)
                return ll_error_set(r->err, LL_ENOMEM, "out of memory");
            if (!c->col[0])
                return ll_error_set(r->err, LL_EINPUT, "[area] filter: '%.*s' names no column",
                                    (int)len, s);
        }
        s += len + (s[len] == ';');
    }
    return LL_OK;
}

/* The DfE's symbols for suppressed, not applicable or not available. */
static int is_symbol(const char *v)
{
    static const char *const SYM[] = {"c", "x", "z", "u", "low", "k", ":", "..", ".", ""};
    for (size_t i = 0; i < sizeof SYM / sizeof *SYM; i++)
        if (!strcmp(v, SYM[i]))
            return 1;
    return 0;
}

/* The value, NAN when missing; *odd set when it is neither a number nor a
 * symbol. */
static double parse_value(const char *v, int *odd)
{
    *odd = 0;
    if (is_symbol(v))
        return NAN;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end != '\0' || errno == ERANGE || !isfinite(x) ||
        isspace((unsigned char)*v)) {
        *odd = 1;
        return NAN;
    }
    return x;
}

/* time_period: YYYY, or YYYYZZ (a financial year, named by its end). */
static int parse_period(const char *s, int *year)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    if (n == 4) {
        *year = atoi(s);
        return 0;
    }
    if (n == 6) {
        int first = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        int zz = (s[4] - '0') * 10 + (s[5] - '0');
        if ((first + 1) % 100 != zz)
            return -1;
        *year = first + 1;
        return 0;
    }
    return -1;
}

static void note_seen(struct cond *c, const char *v)
{
    for (size_t i = 0; i < c->nseen; i++)
        if (!strcmp(c->seen[i], v))
            return;
    if (c->nseen < MAX_SEEN)
        c->seen[c->nseen] = ar_strdup(v), c->nseen += c->seen[c->nseen] != NULL;
}

static int add_entry(struct reader *r, const struct entry *e)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        struct entry *ne = realloc(r->e, cap * sizeof *ne);
        if (!ne)
            return ll_error_set(r->err, LL_ENOMEM, "out of memory");
        r->e = ne;
        r->cap = cap;
    }
    r->e[r->n++] = *e;
    return LL_OK;
}

/* The columns of one file. */
struct cols {
    long period, level, code, name, value;
    size_t n;
};

static int header(struct reader *r, struct cols *c, const ll_csv_row *h, const char *path,
                  const char *value)
{
    const char *const *f = h->field;
    c->n = h->nfields;
    c->period = ar_column(f, h->nkept, "time_period");
    c->level = ar_column(f, h->nkept, "geographic_level");
    c->code = ar_column(f, h->nkept, "new_la_code");
    c->name = ar_column(f, h->nkept, "la_name");
    c->value = ar_column(f, h->nkept, value);
    const char *missing = c->period < 0 ? "time_period"
                          : c->level < 0 ? "geographic_level"
                          : c->code < 0  ? "new_la_code"
                                         : NULL;
    if (missing)
        return ll_error_set(r->err, LL_EINPUT, "%s: no column '%s' (not a DfE open-data file?)",
                            path, missing);
    if (c->value < 0)
        return ll_error_set(r->err, LL_EINPUT, "%s: no value column '%s' ([area] value)", path,
                            value);
    for (size_t i = 0; i < r->ncond; i++) {
        r->cond[i].idx = ar_column(f, h->nkept, r->cond[i].col);
        if (r->cond[i].idx < 0)
            return ll_error_set(r->err, LL_EINPUT, "%s: no column '%s' ([area] filter)", path,
                                r->cond[i].col);
    }
    return LL_OK;
}

/* One data record: kept when it is a Local authority row of the series. */
static int record(struct reader *r, const struct cols *c, const ll_csv_row *row, size_t file,
                  const char *path)
{
    if (row->nfields != c->n)
        return ll_error_set(r->err, LL_EINPUT, "%s:%ld: %zu fields, the header has %zu", path,
                            row->line, row->nfields, c->n);
    const char *const *f = row->field;
    if (strcasecmp(f[c->level], "Local authority"))
        return LL_OK;
    r->la_rows++;
    int all = 1;
    for (size_t i = 0; i < r->ncond; i++) {
        struct cond *k = &r->cond[i];
        int hit = !strcmp(f[k->idx], k->val);
        k->matched += hit;
        if (!hit)
            note_seen(k, f[k->idx]);
        all &= hit;
    }
    if (!all)
        return LL_OK;
    struct entry e = {.file = file, .line = row->line};
    if (parse_period(f[c->period], &e.year))
        return ll_error_set(r->err, LL_EINPUT, "%s:%ld: time_period '%s' is not a year "
                            "(YYYY) or a financial year (YYYYZZ)", path, row->line,
                            f[c->period]);
    if (!f[c->code][0])
        return ll_error_set(r->err, LL_EINPUT, "%s:%ld: empty new_la_code on a Local "
                            "authority row", path, row->line);
    int odd;
    e.v = parse_value(f[c->value], &odd);
    if (odd && r->nbad++ == 0) {
        snprintf(r->bad_value, sizeof r->bad_value, "%s", f[c->value]);
        snprintf(r->bad_where, sizeof r->bad_where, "%s:%ld", path, row->line);
    }
    e.code = ar_strdup(f[c->code]);
    e.name = ar_strdup(c->name >= 0 ? f[c->name] : "");
    if (!e.code || !e.name || add_entry(r, &e) != LL_OK) {
        free(e.code);
        free(e.name);
        return ll_error_set(r->err, LL_ENOMEM, "out of memory");
    }
    return LL_OK;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Two rows of one (code, year) in the file just read are an error. */
static int check_duplicates(struct reader *r, size_t from, const char *path)
{
    if (r->n - from < 2)
        return LL_OK;
    qsort(r->e + from, r->n - from, sizeof *r->e, cmp_entry);
    for (size_t i = from + 1; i < r->n; i++) {
        const struct entry *a = &r->e[i - 1], *b = &r->e[i];
        if (!strcmp(a->code, b->code) && a->year == b->year)
            return ll_error_set(r->err, LL_EINPUT, "%s: lines %ld and %ld: two rows for %s in "
                                "%d of the series (check [area] filter: it must pick one row "
                                "per authority and year)", path, a->line, b->line, a->code,
                                a->year);
    }
    return LL_OK;
}

static int read_one(struct reader *r, const char *path, size_t file, const char *value)
{
    char *buf = NULL;
    size_t len = 0, bad = 0;
    ll_csvread *rd = NULL;
    ll_csv_row row;
    struct cols c;
    int rc = ar_read_file(&buf, &len, path, r->err);
    if (rc != LL_OK)
        goto done;
    if (ll_utf8_check(buf, len, &bad) != LL_OK) {
        rc = ll_error_set(r->err, LL_EINPUT, "%s: not UTF-8 text (byte %zu)", path, bad);
        goto done;
    }
    if ((rc = ll_csvread_new(&rd, buf, len, r->err)) != LL_OK)
        goto done;
    rc = ll_csvread_next(rd, &row, r->err);
    if (rc == 0) {
        rc = ll_error_set(r->err, LL_EINPUT, "%s: empty file", path);
        goto done;
    }
    if (rc < 0)
        goto prefix;
    if ((rc = header(r, &c, &row, path, value)) != LL_OK)
        goto done;
    size_t from = r->n;
    while ((rc = ll_csvread_next(rd, &row, r->err)) == 1)
        if ((rc = record(r, &c, &row, file, path)) != LL_OK)
            goto done;
    if (rc < 0)
        goto prefix;
    rc = check_duplicates(r, from, path);
    goto done;
prefix:
    if (rc == LL_EINPUT) {
        char msg[LL_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", r->err ? r->err->msg : "");
        ll_error_set(r->err, LL_EINPUT, "%s: %s", path, msg);
    }
done:
    ll_csvread_free(rd);
    free(buf);
    return rc;
}

/* The message for a filter that picks no Local authority row. */
static int no_match(struct reader *r, const char *const *files, size_t nfiles)
{
    const char *which = nfiles == 1 ? files[0] : "the data files";
    if (r->la_rows == 0)
        return ll_error_set(r->err, LL_EINPUT, "%s: no row with geographic_level 'Local "
                            "authority'", which);
    for (size_t i = 0; i < r->ncond; i++) {
        struct cond *c = &r->cond[i];
        if (c->matched)
            continue;
        char vals[600] = "";
        for (size_t k = 0; k < c->nseen; k++) {
            size_t l = strlen(vals);
            snprintf(vals + l, sizeof vals - l, "%s'%.80s'", k ? ", " : "", c->seen[k]);
        }
        return ll_error_set(r->err, LL_EINPUT, "[area] filter '%s = %s' matches no Local "
                            "authority row of %s (values found: %s%s)", c->col, c->val, which,
                            vals, c->nseen == MAX_SEEN ? ", ..." : "");
    }
    return ll_error_set(r->err, LL_EINPUT, "[area] filter: no Local authority row of %s meets "
                        "all its conditions together", which);
}

/* Keeps, for each (code, year), the row of the latest file; notice when
 * files overlap. */
static void merge(struct reader *r, const char *const *files)
{
    qsort(r->e, r->n, sizeof *r->e, cmp_entry);
    size_t w = 0, over = 0, first = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (w && !strcmp(r->e[w - 1].code, r->e[i].code) && r->e[w - 1].year == r->e[i].year) {
            if (over++ == 0)
                first = w - 1;
            free(r->e[w - 1].code);
            free(r->e[w - 1].name);
            r->e[w - 1] = r->e[i];
            continue;
        }
        r->e[w++] = r->e[i];
    }
    r->n = w;
    if (over && r->log)
        fprintf(r->log, "lleval area: notice: %zu authority-year%s of the series %s in more "
                "than one file; the later file wins (first: %s %d, from %s)\n", over,
                over == 1 ? "" : "s", over == 1 ? "appears" : "appear", r->e[first].code, r->e[first].year,
                files[r->e[first].file]);
}

int ar_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

size_t ar_sort_unique(int *v, size_t n)
{
    qsort(v, n, sizeof *v, ar_cmp_int);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || v[w - 1] != v[i])
            v[w++] = v[i];
    return w;
}

/* Builds the panel from the merged entries (sorted by code, year). */
static int build(ll_area_panel *p, struct reader *r)
{
    int *years = malloc((r->n + 1) * sizeof *years);
    if (!years)
        return ll_error_set(r->err, LL_ENOMEM, "out of memory");
    size_t ny = 0, nu = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!isnan(r->e[i].v))
            years[ny++] = r->e[i].year;
    ny = ar_sort_unique(years, ny);
    for (size_t i = 0; i < r->n;) { /* codes with a value in some year */
        size_t j = i;
        int any = 0;
        while (j < r->n && !strcmp(r->e[j].code, r->e[i].code))
            any |= !isnan(r->e[j].v), j++;
        nu += any;
        i = j;
    }
    p->year = years;
    p->nyears = ny;
    p->code = calloc(nu + 1, sizeof *p->code);
    p->name = calloc(nu + 1, sizeof *p->name);
    p->y = malloc((nu * ny + 1) * sizeof *p->y);
    if (!p->code || !p->name || !p->y)
        return ll_error_set(r->err, LL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n;) {
        size_t j = i;
        int any = 0;
        while (j < r->n && !strcmp(r->e[j].code, r->e[i].code))
            any |= !isnan(r->e[j].v), j++;
        if (any) {
            size_t u = p->nunits++;
            p->code[u] = r->e[i].code;
            p->name[u] = r->e[j - 1].name; /* the latest year's name */
            r->e[i].code = NULL;
            r->e[j - 1].name = NULL;
            for (size_t k = 0; k < ny; k++)
                p->y[u * ny + k] = NAN;
            for (size_t k = i; k < j; k++) {
                int *at = bsearch(&r->e[k].year, years, ny, sizeof *years, ar_cmp_int);
                if (at)
                    p->y[u * ny + (size_t)(at - years)] = r->e[k].v;
            }
        }
        i = j;
    }
    return LL_OK;
}

static void reader_free(struct reader *r)
{
    for (size_t i = 0; i < r->ncond; i++) {
        free(r->cond[i].col);
        free(r->cond[i].val);
        for (size_t k = 0; k < r->cond[i].nseen; k++)
            free(r->cond[i].seen[k]);
    }
    for (size_t i = 0; i < r->n; i++) {
        free(r->e[i].code);
        free(r->e[i].name);
    }
    free(r->e);
}

int ll_area_panel_read(ll_area_panel **out, const char *const *files, size_t nfiles,
                       const char *filter, const char *value, FILE *log, ll_error *err)
{
    struct reader r = {.log = log, .err = err};
    ll_area_panel *p = calloc(1, sizeof *p);
    int rc = p ? LL_OK : ll_error_set(err, LL_ENOMEM, "out of memory");
    *out = NULL;
    if (rc != LL_OK)
        goto done;
    if (nfiles == 0 || !value || !value[0]) {
        rc = ll_error_set(err, LL_EINPUT, nfiles ? "[area] value (the value column) is not "
                          "set" : "[area] data names no file");
        goto done;
    }
    if ((rc = parse_filter(&r, filter ? filter : "")) != LL_OK)
        goto done;
    for (size_t i = 0; i < nfiles; i++)
        if ((rc = read_one(&r, files[i], i, value)) != LL_OK)
            goto done;
    if (r.n == 0) {
        rc = no_match(&r, files, nfiles);
        goto done;
    }
    merge(&r, files);
    p->nfiles = nfiles;
    p->nrows = r.n;
    if ((rc = build(p, &r)) != LL_OK)
        goto done;
    if (p->nunits == 0) {
        rc = ll_error_set(err, LL_EINPUT, "every value of '%s' in the series is missing (%zu "
                          "Local authority rows: suppressed or not available)", value, r.n);
        goto done;
    }
    if (r.nbad && log)
        fprintf(log, "lleval area: notice: %s: value '%s' of %s is not a number and is read "
                "as missing (%zu such value%s in all)\n", r.bad_where, r.bad_value, value,
                r.nbad, r.nbad == 1 ? "" : "s");
    *out = p;
    p = NULL;
done:
    reader_free(&r);
    ll_area_panel_free(p);
    return rc;
}

void ll_area_panel_free(ll_area_panel *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nunits; i++) {
        free(p->code[i]);
        free(p->name[i]);
    }
    free(p->code);
    free(p->name);
    free(p->year);
    free(p->y);
    free(p);
}
