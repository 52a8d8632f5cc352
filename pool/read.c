/* Reading the authorities' pool.csv files (SPEC 10) with libcsv, refusing
 * anything that would make the pooled figures wrong: a file that is not a
 * pool.csv, an authority given twice, costs in different price years. */
#include "internal.h"

#include "lleval/csvread.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const pl_kind KINDS[] = {
    {"stable_12m", "adjusted_risk_difference", 0, 0,
     "Placement stability (adjusted risk difference)",
     "difference in the proportion with a stable placement 12 months after the start "
     "(treated minus comparison, adjusted)", 0},
    {"placements", "adjusted_difference", 0, 0, "Placements in the year after (adjusted difference)",
     "difference in the mean number of placements in the year after the start "
     "(treated minus comparison, adjusted)", 0},
    {"sdq", "mixed_model", 0, 0, "SDQ trajectory (mixed model, years:treated)",
     "difference in the yearly change of the SDQ total difficulties score "
     "(treated minus comparison)", 0},
    {"costs", "annual_saving", 0, 1, "Annual saving per treated child",
     "pounds saved per treated child per year (comparison minus treated)", 1},
    {"homeless_ever", "counts", 1, 0, "Homelessness among care leavers (risk difference)",
     "difference in the proportion of care leavers ever homeless (treated minus comparison)", 0},
};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

const pl_kind *pl_kind_find(const char *outcome, const char *estimand)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (!strcmp(KINDS[i].outcome, outcome) && !strcmp(KINDS[i].estimand, estimand))
            return &KINDS[i];
    return NULL;
}

size_t pl_authority_index(const ll_pool *p, const char *la)
{
    size_t i = 0;
    while (i < p->n_authorities && strcmp(p->la[i], la) != 0)
        i++;
    return i;
}

enum { C_LA, C_OUTCOME, C_ESTIMAND, C_TERM, C_NT, C_NC, C_ET, C_EC, C_EST, C_SE, N_COLS };
static const char *const COLS[N_COLS] = {"la", "outcome", "estimand", "term", "n_treated",
                                         "n_comparison", "events_treated", "events_comparison",
                                         "estimate", "std.error"};

/* State of one read. */
typedef struct reader {
    ll_pool *p;
    size_t cap_auth, cap_eff;
    size_t *eff_cap;        /* entry capacity per effect */
    size_t first_auth;      /* authorities from here on came from the current file */
    const char *costs_file; /* file of the first costs price year */
    char costs_year[LL_POOL_TEXT];
    FILE *log;
    ll_error *err;
} reader;

static int read_whole(char **buf, size_t *len, const char *path, ll_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ll_error_set(err, errno == ENOENT ? LL_EINPUT : LL_EIO, "%s: cannot read: %s",
                            path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    int rc = b ? LL_OK : ll_error_set(err, LL_ENOMEM, "%s: out of memory", path);
    while (rc == LL_OK) {
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (nb == NULL) {
                rc = ll_error_set(err, LL_ENOMEM, "%s: out of memory", path);
                break;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = ll_error_set(err, LL_EIO, "%s: read failed", path);
            break;
        }
    }
    fclose(f);
    if (rc != LL_OK) {
        free(b);
        return rc;
    }
    *buf = b;
    *len = n;
    return LL_OK;
}

/* Maps the header's columns: idx[c] is the field holding column c. */
static int map_header(size_t *idx, const ll_csv_row *h, const char *path, ll_error *err)
{
    for (int c = 0; c < N_COLS; c++) {
        idx[c] = (size_t)-1;
        for (size_t j = 0; j < h->nkept; j++)
            if (!strcmp(h->field[j], COLS[c]))
                idx[c] = j;
        if (idx[c] == (size_t)-1)
            return ll_error_set(err, LL_EINPUT, "%s: line %ld: not a pool.csv: no column '%s'",
                                path, h->line, COLS[c]);
    }
    return LL_OK;
}

static int parse_count(long *out, const char *s, const char *col, const char *path, long line,
                       ll_error *err)
{
    if (*s == '\0') {
        *out = -1;
        return LL_OK;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < 0)
        return ll_error_set(err, LL_EINPUT, "%s: line %ld: %s '%s' is not a count", path, line,
                            col, s);
    *out = v;
    return LL_OK;
}

static int parse_number(double *out, const char *s, const char *col, const char *path,
                        long line, ll_error *err)
{
    if (*s == '\0') {
        *out = NAN;
        return LL_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v))
        return ll_error_set(err, LL_EINPUT, "%s: line %ld: %s '%s' is not a number", path, line,
                            col, s);
    *out = v;
    return LL_OK;
}

/* Index of authority la, adding it when new; refuses a code that an
 * earlier file (or the same file given twice) already gave. */
static int authority(size_t *out, reader *r, const char *la, const char *path, long line)
{
    ll_pool *p = r->p;
    size_t i = pl_authority_index(p, la);
    if (i < p->n_authorities) {
        if (i < r->first_auth)
            return ll_error_set(r->err, LL_EINPUT,
                                "la '%s' is in two files: %s and %s (each authority once)", la,
                                p->file[i], path);
        *out = i;
        return LL_OK;
    }
    if (strlen(la) >= LL_POOL_TEXT || la[0] == '\0')
        return ll_error_set(r->err, LL_EINPUT, "%s: line %ld: la '%s' is empty or too long", path,
                            line, la);
    if (p->n_authorities == r->cap_auth) {
        size_t cap = r->cap_auth ? 2 * r->cap_auth : 8;
        char(*nl)[LL_POOL_TEXT] = realloc(p->la, cap * sizeof *nl);
        if (nl != NULL)
            p->la = nl;
        char **nf = realloc(p->file, cap * sizeof *nf);
        if (nf != NULL)
            p->file = nf;
        if (nl == NULL || nf == NULL)
            return ll_error_set(r->err, LL_ENOMEM, "out of memory");
        r->cap_auth = cap;
    }
    snprintf(p->la[p->n_authorities], LL_POOL_TEXT, "%s", la);
    p->file[p->n_authorities] = strdup(path);
    if (p->file[p->n_authorities] == NULL)
        return ll_error_set(r->err, LL_ENOMEM, "out of memory");
    *out = p->n_authorities++;
    return LL_OK;
}

/* The effect of kind k (term for the key unless the term is a price
 * year), added when new. */
static int effect(ll_pool_effect **out, reader *r, const pl_kind *k, const char *term)
{
    ll_pool *p = r->p;
    for (size_t i = 0; i < p->n_effects; i++) {
        ll_pool_effect *e = &p->effects[i];
        if (!strcmp(e->outcome, k->outcome) && !strcmp(e->estimand, k->estimand) &&
            (k->term_is_year || !strcmp(e->term, term))) {
            *out = e;
            return LL_OK;
        }
    }
    if (p->n_effects == r->cap_eff) {
        size_t cap = r->cap_eff ? 2 * r->cap_eff : 8;
        ll_pool_effect *ne = realloc(p->effects, cap * sizeof *ne);
        if (ne != NULL)
            p->effects = ne;
        size_t *nc = realloc(r->eff_cap, cap * sizeof *nc);
        if (nc != NULL)
            r->eff_cap = nc;
        if (ne == NULL || nc == NULL)
            return ll_error_set(r->err, LL_ENOMEM, "out of memory");
        r->cap_eff = cap;
    }
    ll_pool_effect *e = &p->effects[p->n_effects];
    memset(e, 0, sizeof *e);
    snprintf(e->outcome, sizeof e->outcome, "%s", k->outcome);
    snprintf(e->estimand, sizeof e->estimand, "%s", k->estimand);
    snprintf(e->term, sizeof e->term, "%s", term);
    e->counts = k->counts;
    r->eff_cap[p->n_effects++] = 0;
    *out = e;
    return LL_OK;
}

/* Checks that every costs row is in the same price year. */
static int check_year(reader *r, ll_pool_effect *e, const char *term, const char *path,
                      long line)
{
    if (term[0] == '\0')
        return LL_OK;
    if (r->costs_file == NULL) {
        r->costs_file = path;
        snprintf(r->costs_year, sizeof r->costs_year, "%s", term);
        snprintf(e->term, sizeof e->term, "%s", term);
        return LL_OK;
    }
    if (strcmp(r->costs_year, term) != 0)
        return ll_error_set(r->err, LL_EINPUT,
                            "%s: line %ld: costs in price year %s, but %s has %s: the annual "
                            "savings must be in one price year (set [costs] base_year alike "
                            "and re-run evaluate); nothing written",
                            path, line, term, r->costs_file, r->costs_year);
    return LL_OK;
}

static int add_entry(reader *r, ll_pool_effect *e, const ll_pool_entry *en, const char *path)
{
    for (size_t i = 0; i < e->n_entries; i++)
        if (e->entries[i].authority == en->authority)
            return ll_error_set(r->err, LL_EINPUT,
                                "%s: line %ld: a second %s,%s row for la '%s' (line %ld)", path,
                                en->line, e->outcome, e->estimand, r->p->la[en->authority],
                                e->entries[i].line);
    size_t ei = (size_t)(e - r->p->effects);
    if (e->n_entries == r->eff_cap[ei]) {
        size_t cap = r->eff_cap[ei] ? 2 * r->eff_cap[ei] : 8;
        ll_pool_entry *ne = realloc(e->entries, cap * sizeof *ne);
        if (ne == NULL)
            return ll_error_set(r->err, LL_ENOMEM, "out of memory");
        e->entries = ne;
        r->eff_cap[ei] = cap;
    }
    e->entries[e->n_entries++] = *en;
    return LL_OK;
}

static int read_row(reader *r, const ll_csv_row *row, const size_t *idx, const char *path)
{
    const char *f[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        f[c] = idx[c] < row->nkept ? row->field[idx[c]] : "";
    if (row->nfields != row->nkept || row->nfields < 1)
        return ll_error_set(r->err, LL_EINPUT, "%s: line %ld: too many fields", path, row->line);
    const pl_kind *k = pl_kind_find(f[C_OUTCOME], f[C_ESTIMAND]);
    if (k == NULL) {
        if (r->log)
            fprintf(r->log, "lleval pool: warning: %s: line %ld: %s,%s is not an effect pool "
                            "knows; row skipped\n", path, row->line, f[C_OUTCOME], f[C_ESTIMAND]);
        return LL_OK;
    }
    if (strlen(f[C_TERM]) >= LL_POOL_TEXT)
        return ll_error_set(r->err, LL_EINPUT, "%s: line %ld: term too long", path, row->line);
    ll_pool_entry en;
    memset(&en, 0, sizeof en);
    en.line = row->line;
    int rc;
    if ((rc = authority(&en.authority, r, f[C_LA], path, row->line)) ||
        (rc = parse_count(&en.n_treated, f[C_NT], COLS[C_NT], path, row->line, r->err)) ||
        (rc = parse_count(&en.n_comparison, f[C_NC], COLS[C_NC], path, row->line, r->err)) ||
        (rc = parse_count(&en.events_treated, f[C_ET], COLS[C_ET], path, row->line, r->err)) ||
        (rc = parse_count(&en.events_comparison, f[C_EC], COLS[C_EC], path, row->line, r->err)) ||
        (rc = parse_number(&en.estimate, f[C_EST], COLS[C_EST], path, row->line, r->err)) ||
        (rc = parse_number(&en.std_error, f[C_SE], COLS[C_SE], path, row->line, r->err)))
        return rc;
    if ((en.events_treated > en.n_treated && en.n_treated >= 0) ||
        (en.events_comparison > en.n_comparison && en.n_comparison >= 0))
        return ll_error_set(r->err, LL_EINPUT, "%s: line %ld: more events than children", path,
                            row->line);
    ll_pool_effect *e = NULL;
    if ((rc = effect(&e, r, k, f[C_TERM])) != LL_OK)
        return rc;
    if (k->term_is_year && (rc = check_year(r, e, f[C_TERM], path, row->line)) != LL_OK)
        return rc;
    return add_entry(r, e, &en, path);
}

static int read_file(reader *r, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    ll_csvread *rd = NULL;
    ll_csv_row row;
    size_t idx[N_COLS];
    int rc = read_whole(&buf, &len, path, r->err);
    if (rc != LL_OK)
        return rc;
    r->first_auth = r->p->n_authorities;
    if ((rc = ll_csvread_new(&rd, buf, len, r->err)) != LL_OK)
        goto done;
    rc = ll_csvread_next(rd, &row, r->err);
    if (rc == 0) {
        rc = ll_error_set(r->err, LL_EINPUT, "%s: not a pool.csv: the file is empty", path);
        goto done;
    }
    if (rc < 0 || (rc = map_header(idx, &row, path, r->err)) != LL_OK)
        goto done;
    while ((rc = ll_csvread_next(rd, &row, r->err)) == 1)
        if ((rc = read_row(r, &row, idx, path)) != LL_OK)
            goto done;
done:
    if (rc < 0 && r->err && strstr(r->err->msg, path) == NULL) {
        char msg[LL_ERROR_MSG_MAX]; /* the CSV reader's message names the line only */
        snprintf(msg, sizeof msg, "%s", r->err->msg);
        ll_error_set(r->err, rc, "%s: %.900s", path, msg);
    }
    ll_csvread_free(rd);
    free(buf);
    return rc < 0 ? rc : LL_OK;
}

int ll_pool_read(ll_pool **out, const char *const *paths, size_t n, FILE *log, ll_error *err)
{
    *out = NULL;
    reader r;
    memset(&r, 0, sizeof r);
    r.log = log;
    r.err = err;
    r.p = calloc(1, sizeof *r.p);
    if (r.p == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    int rc = LL_OK;
    if (n == 0)
        rc = ll_error_set(err, LL_EINPUT, "no pool.csv files given");
    for (size_t i = 0; i < n && rc == LL_OK; i++)
        rc = read_file(&r, paths[i]);
    free(r.eff_cap);
    if (rc != LL_OK) {
        ll_pool_free(r.p);
        return rc;
    }
    *out = r.p;
    return LL_OK;
}

void ll_pool_free(ll_pool *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n_effects; i++) {
        free(p->effects[i].entries);
        free(p->effects[i].missing);
    }
    for (size_t i = 0; i < p->n_authorities; i++)
        free(p->file[i]);
    free(p->effects);
    free(p->la);
    free(p->file);
    free(p);
}
