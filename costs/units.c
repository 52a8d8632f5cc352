/* Unit costs and the GDP deflator (SPEC 7): the built-in defaults, the two
 * CSV data files that can replace them, and uprating to the base year.
 *
 * The built-in tables are kept identical to data/unit_costs.csv and
 * data/gdp_deflator.csv (tests/test_costs.c reads the files back), so that
 * the program works from any directory while the shipped data stay
 * readable and editable. */
#include "lleval/block.h"
#include "lleval/costs.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Item table --------------------------------------------------------- */

typedef struct item_default {
    const char *key, *unit;
    double value; /* NAN: none (the programme cost) */
    const char *price_year, *source;
} item_default;

#define GMCA "GMCA Unit Cost Database"
static const item_default ITEMS[LL_COST_N] = {
    {"cost_per_move", "£ per move", 224, "2009-10",
     GMCA " SS2.5, finding a subsequent placement"},
    {"weekly_foster", "£ per week", 700, "2013-14", GMCA " SS2.0, LA foster care"},
    {"weekly_kinship", "£ per week", 700, "2013-14",
     GMCA " SS2.0, LA foster care (assumption: connected-persons carers are "
          "paid at LA foster rates)"},
    {"weekly_residential", "£ per week", 2995, "2013-14",
     GMCA " SS3.0, LA children's home"},
    {"weekly_semi_independent", "£ per week", 0, "", ""},
    {"weekly_adoption", "£ per week", 0, "", ""},
    {"weekly_parents", "£ per week", 0, "", ""},
    {"weekly_other", "£ per week", 0, "", ""},
    {"homelessness_cost", "£ per homeless care leaver, once", 2501, "2010-11",
     GMCA " HO3.0, statutory homelessness application"},
    {"programme_cost_per_child", "£ per treated child", NAN, "", ""},
};

_Static_assert(LL_COSTS_NUNIT == LL_COST_PROGRAMME && LL_COST_N == 10,
               "the SPEC 7 table: nine unit costs, then the programme cost");

int ll_costs_item_find(const char *key)
{
    for (int i = 0; key != NULL && i < LL_COST_N; i++)
        if (strcmp(ITEMS[i].key, key) == 0)
            return i;
    return -1;
}

/* ---- GDP deflator ------------------------------------------------------- */

struct ll_costs_deflator {
    size_t n;
    char (*year)[8];
    double *value;
    char **source;
};

/* HM Treasury's series, financial years.  The figures were entered by hand
 * and must be checked against the published release before use (README). */
#define HMT_SOURCE                                                             \
    "HM Treasury, GDP deflators at market prices, and money GDP, March 2025 " \
    "(Spring Statement), financial years, 2023-24 = 100 (entered by hand: "    \
    "check against the published series)"
static const struct {
    const char *year;
    double value;
} DEFLATOR[] = {
    {"2000-01", 56.8},  {"2001-02", 58.1}, {"2002-03", 59.8}, {"2003-04", 61.4},
    {"2004-05", 62.9},  {"2005-06", 64.5}, {"2006-07", 66.3}, {"2007-08", 67.9},
    {"2008-09", 69.7},  {"2009-10", 70.7}, {"2010-11", 72.2}, {"2011-12", 73.6},
    {"2012-13", 74.8},  {"2013-14", 76.2}, {"2014-15", 77.4}, {"2015-16", 77.9},
    {"2016-17", 79.5},  {"2017-18", 80.9}, {"2018-19", 82.6}, {"2019-20", 84.4},
    {"2020-21", 88.6},  {"2021-22", 88.8}, {"2022-23", 93.6}, {"2023-24", 100.0},
    {"2024-25", 103.9},
};
#define NDEFLATOR (sizeof DEFLATOR / sizeof DEFLATOR[0])
#define FORECAST_YEAR "2024-25"

int ll_costs_is_financial_year(const char *s)
{
    if (s == NULL || strlen(s) != 7 || s[4] != '-')
        return 0;
    for (int i = 0; i < 7; i++)
        if (i != 4 && !isdigit((unsigned char)s[i]))
            return 0;
    int y = atoi(s);
    int yy = (s[5] - '0') * 10 + (s[6] - '0');
    return (y + 1) % 100 == yy;
}

void ll_costs_deflator_free(ll_costs_deflator *d)
{
    for (size_t i = 0; d != NULL && i < d->n; i++)
        free(d->source[i]);
    free(d); /* the columns are in the same block */
}

/* Room for n rows (at least one). */
static ll_costs_deflator *deflator_alloc(size_t n)
{
    size_t m = n > 0 ? n : 1;
    const ll_block_part part[] = {LL_BLOCK_PART(ll_costs_deflator, year, m),
                                  LL_BLOCK_PART(ll_costs_deflator, value, m),
                                  LL_BLOCK_PART(ll_costs_deflator, source, m)};
    return ll_block_new(sizeof(ll_costs_deflator), part, sizeof part / sizeof *part);
}

/* Appends one row, keeping the table sorted; `where` names the row in
 * messages. */
static int deflator_add(ll_costs_deflator *d, const char *year, double value,
                        const char *source, const char *where, ll_error *err)
{
    if (!ll_costs_is_financial_year(year))
        return ll_error_set(err, LL_EINPUT,
                            "%s: '%s' is not a financial year written YYYY-YY",
                            where, year);
    if (!(isfinite(value) && value > 0))
        return ll_error_set(err, LL_EINPUT,
                            "%s: the deflator for %s must be a positive number",
                            where, year);
    size_t at = d->n;
    while (at > 0 && strcmp(d->year[at - 1], year) > 0)
        at--;
    if (at > 0 && strcmp(d->year[at - 1], year) == 0)
        return ll_error_set(err, LL_EINPUT, "%s: year %s appears twice", where,
                            year);
    char *src = strdup(source != NULL ? source : "");
    if (src == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    memmove(d->year + at + 1, d->year + at, (d->n - at) * sizeof *d->year);
    memmove(d->value + at + 1, d->value + at, (d->n - at) * sizeof *d->value);
    memmove(d->source + at + 1, d->source + at, (d->n - at) * sizeof *d->source);
    memcpy(d->year[at], year, 8);
    d->value[at] = value;
    d->source[at] = src;
    d->n++;
    return LL_OK;
}

int ll_costs_deflator_from_arrays(ll_costs_deflator **out, size_t n,
                                  const char *const *years,
                                  const double *values, const char *source,
                                  ll_error *err)
{
    *out = NULL;
    if (n == 0)
        return ll_error_set(err, LL_EINPUT, "the GDP deflator table is empty");
    ll_costs_deflator *d = deflator_alloc(n);
    if (d == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    int rc = LL_OK;
    for (size_t i = 0; i < n && rc == LL_OK; i++) {
        char where[48];
        snprintf(where, sizeof where, "GDP deflator row %zu", i + 1);
        rc = deflator_add(d, years[i], values[i], source, where, err);
    }
    if (rc != LL_OK)
        ll_costs_deflator_free(d);
    else
        *out = d;
    return rc;
}

int ll_costs_deflator_builtin(ll_costs_deflator **out, ll_error *err)
{
    *out = NULL;
    ll_costs_deflator *d = deflator_alloc(NDEFLATOR);
    if (d == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    int rc = LL_OK;
    for (size_t i = 0; i < NDEFLATOR && rc == LL_OK; i++) {
        const char *src = strcmp(DEFLATOR[i].year, FORECAST_YEAR) == 0
                              ? HMT_SOURCE "; 2024-25 an OBR forecast"
                              : HMT_SOURCE;
        rc = deflator_add(d, DEFLATOR[i].year, DEFLATOR[i].value, src,
                          "built-in GDP deflator", err);
    }
    if (rc != LL_OK)
        ll_costs_deflator_free(d);
    else
        *out = d;
    return rc;
}

size_t ll_costs_deflator_size(const ll_costs_deflator *d) { return d->n; }
const char *ll_costs_deflator_year(const ll_costs_deflator *d, size_t i)
{
    return d->year[i];
}
double ll_costs_deflator_value(const ll_costs_deflator *d, size_t i)
{
    return d->value[i];
}
const char *ll_costs_deflator_source(const ll_costs_deflator *d, size_t i)
{
    return d->source[i];
}
const char *ll_costs_deflator_latest(const ll_costs_deflator *d)
{
    return d->n > 0 ? d->year[d->n - 1] : NULL;
}

int ll_costs_deflator_lookup(double *out, const ll_costs_deflator *d,
                             const char *year, ll_error *err)
{
    *out = NAN;
    if (!ll_costs_is_financial_year(year))
        return ll_error_set(err, LL_EINPUT,
                            "price year '%s' is not a financial year written "
                            "YYYY-YY (e.g. 2013-14)",
                            year != NULL ? year : "");
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->year[i], year) == 0) {
            *out = d->value[i];
            return LL_OK;
        }
    return ll_error_set(err, LL_EINPUT,
                        "price year %s is not in the GDP deflator table "
                        "(%s to %s)",
                        year, d->n ? d->year[0] : "", d->n ? d->year[d->n - 1] : "");
}

int ll_costs_uprate(double *out, const ll_costs_deflator *d, double value,
                    const char *price_year, const char *base_year, ll_error *err)
{
    double dp, db;
    *out = NAN;
    int rc = ll_costs_deflator_lookup(&dp, d, price_year, err);
    if (rc == LL_OK)
        rc = ll_costs_deflator_lookup(&db, d, base_year, err);
    if (rc == LL_OK)
        *out = value * db / dp;
    return rc;
}

/* ---- A small CSV reader (libcsv) ---------------------------------------- */

typedef struct csv_rows {
    size_t n, cap;
    char ***rec;   /* rec[r][f] */
    size_t *nf;    /* fields per record */
    char **cur;
    size_t ncur, capcur;
    int nomem;
} csv_rows;

static void rows_free_fields(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i]);
    free(f);
}

static void rows_free(csv_rows *t)
{
    for (size_t r = 0; r < t->n; r++)
        rows_free_fields(t->rec[r], t->nf[r]);
    free(t->rec);
    free(t->nf);
    rows_free_fields(t->cur, t->ncur);
    memset(t, 0, sizeof *t);
}

static void on_field(void *s, size_t len, void *data)
{
    csv_rows *t = data;
    if (t->nomem)
        return;
    if (t->ncur == t->capcur) {
        size_t cap = t->capcur ? 2 * t->capcur : 8;
        char **p = realloc(t->cur, cap * sizeof *p);
        if (p == NULL) {
            t->nomem = 1;
            return;
        }
        t->cur = p;
        t->capcur = cap;
    }
    char *f = malloc(len + 1);
    if (f == NULL) {
        t->nomem = 1;
        return;
    }
    if (len > 0)
        memcpy(f, s, len);
    f[len] = '\0';
    t->cur[t->ncur++] = f;
}

static void on_row(int c, void *data)
{
    (void)c;
    csv_rows *t = data;
    if (t->nomem)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char ***r = realloc(t->rec, cap * sizeof *r);
        size_t *nf = r ? realloc(t->nf, cap * sizeof *nf) : NULL;
        if (r != NULL)
            t->rec = r;
        if (nf == NULL) {
            t->nomem = 1;
            return;
        }
        t->nf = nf;
        t->cap = cap;
    }
    t->rec[t->n] = t->cur;
    t->nf[t->n] = t->ncur;
    t->n++;
    t->cur = NULL;
    t->ncur = t->capcur = 0;
}

static int csv_read_file(csv_rows *t, const char *path, ll_error *err)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return ll_error_set(err, LL_EIO, "%s: cannot open: %s", path,
                            strerror(errno));
    struct csv_parser p;
    int rc = LL_OK;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(fp);
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    }
    char buf[8192];
    size_t len;
    int first = 1;
    while ((len = fread(buf, 1, sizeof buf, fp)) > 0) {
        const char *s = buf;
        if (first && len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            len -= 3;
        }
        first = 0;
        if (csv_parse(&p, s, len, on_field, on_row, t) != len) {
            rc = ll_error_set(err, LL_EINPUT, "%s: not a CSV file: %s", path,
                              csv_strerror(csv_error(&p)));
            goto done;
        }
    }
    if (ferror(fp)) {
        rc = ll_error_set(err, LL_EIO, "%s: read error", path);
        goto done;
    }
    csv_fini(&p, on_field, on_row, t);
    if (t->nomem)
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
done:
    csv_free(&p);
    fclose(fp);
    if (rc != LL_OK)
        rows_free(t);
    return rc;
}

/* The column index of `name` in the header row, or -1. */
static int csv_column(const csv_rows *t, const char *name)
{
    for (size_t f = 0; t->n > 0 && f < t->nf[0]; f++)
        if (strcasecmp(t->rec[0][f], name) == 0)
            return (int)f;
    return -1;
}

/* Field f of record r, "" when the row is short or f < 0. */
static const char *csv_cell(const csv_rows *t, size_t r, int f)
{
    return f >= 0 && (size_t)f < t->nf[r] ? t->rec[r][f] : "";
}

static int parse_number(double *out, const char *s)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    return *s != '\0' && *end == '\0' && errno == 0 && isfinite(*out);
}

int ll_costs_deflator_read(ll_costs_deflator **out, const char *path,
                           ll_error *err)
{
    csv_rows t;
    ll_costs_deflator *d = NULL;
    *out = NULL;
    int rc = csv_read_file(&t, path, err);
    if (rc != LL_OK)
        return rc;
    int cy = csv_column(&t, "financial_year"), cv = csv_column(&t, "deflator");
    int cs = csv_column(&t, "source");
    if (cy < 0 || cv < 0) {
        rc = ll_error_set(err, LL_EINPUT, "%s: missing column %s", path,
                          cy < 0 ? "financial_year" : "deflator");
        goto done;
    }
    if (t.n < 2) {
        rc = ll_error_set(err, LL_EINPUT, "%s: no deflator rows", path);
        goto done;
    }
    d = deflator_alloc(t.n - 1);
    if (d == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 1; r < t.n && rc == LL_OK; r++) {
        char where[600];
        double v;
        snprintf(where, sizeof where, "%.500s line %zu", path, r + 1);
        if (!parse_number(&v, csv_cell(&t, r, cv)))
            rc = ll_error_set(err, LL_EINPUT,
                              "%s: deflator '%s' is not a number", where,
                              csv_cell(&t, r, cv));
        else
            rc = deflator_add(d, csv_cell(&t, r, cy), v, csv_cell(&t, r, cs),
                              where, err);
    }
done:
    rows_free(&t);
    if (rc == LL_OK)
        *out = d;
    else
        ll_costs_deflator_free(d);
    return rc;
}

/* ---- Resolving the unit costs ------------------------------------------- */

/* One user value with its own storage (a unit_costs_file row) and where it
 * came from, for messages. */
typedef struct item_user {
    double value;
    char price_year[8];
    int has_price_year;
    char source[LL_COSTS_TEXT_MAX];
    int has_source;
    char origin[600];
} item_user;

static void item_user_init(item_user *u)
{
    memset(u, 0, sizeof *u);
    u->value = NAN;
}

/* Checks the text of a price year given by the user. */
static int check_price_year(const char *s, const char *key, const char *origin,
                            ll_error *err)
{
    if (!ll_costs_is_financial_year(s))
        return ll_error_set(err, LL_EINPUT,
                            "%s: %s_price_year '%s' is not a financial year "
                            "written YYYY-YY (e.g. 2013-14)",
                            origin, key, s);
    return LL_OK;
}

static int copy_text(char *dst, size_t cap, const char *s, const char *what,
                     const char *origin, ll_error *err)
{
    if (strlen(s) >= cap)
        return ll_error_set(err, LL_EINPUT, "%s: %s is longer than %zu bytes",
                            origin, what, cap - 1);
    strcpy(dst, s);
    return LL_OK;
}

static int file_row(item_user *users, const csv_rows *t, size_t r, int ci,
                    int cv, int cp, int cs, const char *path, ll_error *err)
{
    char origin[600];
    snprintf(origin, sizeof origin, "%.500s line %zu", path, r + 1);
    const char *item = csv_cell(t, r, ci), *val = csv_cell(t, r, cv);
    int i = ll_costs_item_find(item);
    if (i < 0)
        return ll_error_set(err, LL_EINPUT,
                            "%s: unknown item '%s' (items are the [costs] "
                            "keys, e.g. cost_per_move, weekly_foster)",
                            origin, item);
    item_user *u = &users[i];
    if (u->origin[0] != '\0')
        return ll_error_set(err, LL_EINPUT, "%s: item %s appears twice", origin,
                            item);
    snprintf(u->origin, sizeof u->origin, "%s", origin);
    if (val[0] == '\0')
        return LL_OK; /* an empty value keeps the default */
    if (!parse_number(&u->value, val))
        return ll_error_set(err, LL_EINPUT, "%s: %s value '%s' is not a number",
                            origin, item, val);
    const char *py = csv_cell(t, r, cp), *src = csv_cell(t, r, cs);
    int rc = LL_OK;
    if (py[0] != '\0') {
        rc = check_price_year(py, item, origin, err);
        if (rc == LL_OK)
            rc = copy_text(u->price_year, sizeof u->price_year, py,
                           "price_year", origin, err);
        u->has_price_year = 1;
    }
    if (rc == LL_OK && src[0] != '\0') {
        rc = copy_text(u->source, sizeof u->source, src, "source", origin, err);
        u->has_source = 1;
    }
    return rc;
}

static int read_unit_costs_file(item_user *users, const char *path, ll_error *err)
{
    csv_rows t;
    int rc = csv_read_file(&t, path, err);
    if (rc != LL_OK)
        return rc;
    int ci = csv_column(&t, "item"), cv = csv_column(&t, "value");
    int cp = csv_column(&t, "price_year"), cs = csv_column(&t, "source");
    if (ci < 0 || cv < 0)
        rc = ll_error_set(err, LL_EINPUT, "%s: missing column %s", path,
                          ci < 0 ? "item" : "value");
    for (size_t r = 1; r < t.n && rc == LL_OK; r++)
        rc = file_row(users, &t, r, ci, cv, cp, cs, path, err);
    rows_free(&t);
    return rc;
}

/* Applies one layer of user values to the item being resolved. */
static int apply_user(ll_costs_unit_cost *c, int *py_missing, char *origin,
                      size_t ocap, double value, const char *py,
                      const char *src, const char *from, ll_error *err)
{
    int rc = LL_OK;
    if (!isnan(value)) {
        c->value = value;
        c->given = 1;
        c->user = 1;
        c->price_year[0] = '\0';
        c->source[0] = '\0';
        *py_missing = 1;
        snprintf(origin, ocap, "%s", from);
    }
    if (py != NULL && py[0] != '\0') {
        rc = copy_text(c->price_year, sizeof c->price_year, py, "price year",
                       from, err);
        *py_missing = 0;
    }
    if (rc == LL_OK && src != NULL)
        rc = copy_text(c->source, sizeof c->source, src, "source", from, err);
    return rc;
}

/* Validates and uprates one resolved item. */
static int finish_item(ll_costs_unit_cost *c, int i, int py_missing,
                       const char *origin, const ll_costs_deflator *d,
                       const char *base_year, ll_error *err)
{
    const char *key = ITEMS[i].key;
    c->deflator_ratio = 1;
    c->uprated = NAN;
    if (!c->given)
        return LL_OK;
    if (i == LL_COST_PROGRAMME ? !(c->value > 0) : c->value < 0)
        return ll_error_set(err, LL_EINPUT, "%s: %s = %g must be %s", origin,
                            key, c->value,
                            i == LL_COST_PROGRAMME ? "greater than 0" : "0 or more");
    if (c->user && c->source[0] == '\0' && c->value != 0)
        strcpy(c->source, "user-supplied");
    if (c->price_year[0] == '\0') {
        if (py_missing && c->value != 0 && i != LL_COST_PROGRAMME)
            return ll_error_set(err, LL_EINPUT,
                                "%s: %s = %g is given without its price year: "
                                "give %s_price_year as YYYY-YY (e.g. 2023-24)",
                                origin, key, c->value, key);
        c->uprated = c->value;
        return LL_OK;
    }
    double db, dp;
    if (ll_costs_deflator_lookup(&dp, d, c->price_year, NULL) != LL_OK)
        return ll_error_set(err, LL_EINPUT,
                            "%s: %s: price year %s is not in the GDP deflator "
                            "table (%s to %s)",
                            origin, key, c->price_year,
                            ll_costs_deflator_year(d, 0),
                            ll_costs_deflator_latest(d));
    int rc = ll_costs_deflator_lookup(&db, d, base_year, err);
    if (rc != LL_OK)
        return rc;
    c->deflator_ratio = db / dp;
    c->uprated = c->value * db / dp;
    return LL_OK;
}

static void item_start(ll_costs_unit_cost *c, int i)
{
    memset(c, 0, sizeof *c);
    c->given = i != LL_COST_PROGRAMME;
    c->value = ITEMS[i].value;
    snprintf(c->price_year, sizeof c->price_year, "%s", ITEMS[i].price_year);
    snprintf(c->unit, sizeof c->unit, "%s", ITEMS[i].unit);
    snprintf(c->source, sizeof c->source, "%s", ITEMS[i].source);
}

int ll_costs_units_resolve(ll_costs_unit_cost *out, const ll_costs_params *params,
                           const ll_costs_deflator *d, const char *base_year,
                           ll_error *err)
{
    item_user *users = malloc(LL_COST_N * sizeof *users);
    if (users == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (int i = 0; i < LL_COST_N; i++)
        item_user_init(&users[i]);
    double dummy;
    int rc = LL_OK;
    if (ll_costs_deflator_lookup(&dummy, d, base_year, NULL) != LL_OK)
        rc = ll_error_set(err, LL_EINPUT,
                          "base_year '%s' is not a financial year of the GDP "
                          "deflator table (%s to %s)",
                          base_year != NULL ? base_year : "",
                          ll_costs_deflator_year(d, 0),
                          ll_costs_deflator_latest(d));
    if (rc == LL_OK && params->unit_costs_file != NULL &&
        params->unit_costs_file[0] != '\0')
        rc = read_unit_costs_file(users, params->unit_costs_file, err);
    for (int i = 0; i < LL_COST_N && rc == LL_OK; i++) {
        ll_costs_unit_cost *c = &out[i];
        const ll_costs_item_override *o = &params->item[i];
        item_user *u = &users[i];
        char origin[600] = "built-in default";
        int py_missing = 0;
        item_start(c, i);
        rc = apply_user(c, &py_missing, origin, sizeof origin, u->value,
                        u->has_price_year ? u->price_year : NULL,
                        u->has_source ? u->source : NULL, u->origin, err);
        if (rc == LL_OK && o->price_year != NULL && o->price_year[0] != '\0')
            rc = check_price_year(o->price_year, ITEMS[i].key, "[costs]", err);
        if (rc == LL_OK)
            rc = apply_user(c, &py_missing, origin, sizeof origin, o->value,
                            o->price_year, o->source, "[costs]", err);
        if (rc == LL_OK)
            rc = finish_item(c, i, py_missing, origin, d, base_year, err);
    }
    free(users);
    return rc;
}
