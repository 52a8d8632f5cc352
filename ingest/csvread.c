/* CSV records from a byte buffer with libcsv.  libcsv reports fields and
 * record ends but not where they are in the input, so the buffer is fed to
 * it one physical line at a time: the record that ends during a line
 * started on the first line fed since the previous record ended, which
 * gives both the line number and the raw bytes of every record.
 *
 * A whole line with no quote at all (nearly every line of a return) is cut
 * into fields here instead, by libcsv's rules for such a line: libcsv
 * costs a callback per byte, a third of the time spent checking a large
 * file. */
#include "lleval/csvread.h"

#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROW_NOT_BEGUN 0 /* libcsv's parser state between records */
#define KEEP (LL_CSV_MAX_FIELDS + 1)

struct ll_csvread {
    struct csv_parser p;
    const char *buf;
    size_t len;
    size_t pos;       /* next byte to feed */
    long line;        /* line number of the next line to feed */
    int has_cr;       /* the buffer has a CR somewhere: lone CRs end lines */
    int finished;     /* csv_fini has been called */
    int open_end;     /* the buffer may stop inside a record */
    /* the record being assembled */
    char *fbuf;
    size_t fcap, fused;
    size_t foff[KEEP];
    size_t flen[KEEP];
    const char *fptr[KEEP];
    size_t nfields;
    int row_done, too_long, oom, extra_row;
    int in_rec;
    long rec_line;
    size_t rec_off;
};

/* Keeps field s[0..len) of the record being assembled. */
static void add_field(ll_csvread *r, const char *s, size_t len)
{
    if (len > LL_CSV_MAX_FIELD_LEN)
        r->too_long = 1;
    if (r->row_done)
        r->extra_row = 1;
    if (r->nfields < KEEP && !r->too_long) {
        if (r->fused + len + 1 > r->fcap) {
            size_t cap = r->fcap ? r->fcap : 1024;
            while (cap < r->fused + len + 1)
                cap *= 2;
            char *nb = realloc(r->fbuf, cap);
            if (nb == NULL) {
                r->oom = 1;
                r->nfields++;
                return;
            }
            r->fbuf = nb;
            r->fcap = cap;
        }
        if (len > 0)
            memcpy(r->fbuf + r->fused, s, len);
        r->fbuf[r->fused + len] = '\0';
        r->foff[r->nfields] = r->fused;
        r->flen[r->nfields] = len;
        r->fused += len + 1;
    }
    r->nfields++;
}

static void on_field(void *s, size_t len, void *data)
{
    add_field(data, s, len);
}

static void on_row(int c, void *data)
{
    ll_csvread *r = data;
    (void)c;
    if (r->row_done)
        r->extra_row = 1;
    r->row_done = 1;
}

static int parser_init(ll_csvread *r, ll_error *err)
{
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return ll_error_set(err, LL_ENOMEM, "out of memory (CSV parser)");
    csv_set_blk_size(&r->p, 4096);
    return LL_OK;
}

int ll_csvread_reset(ll_csvread *r, const char *buf, size_t start, size_t end, long line,
                     ll_error *err)
{
    /* csv_fini resets the state and keeps libcsv's buffer, except after an
     * unterminated quote in strict mode, where only a fresh parser helps. */
    if (csv_fini(&r->p, NULL, NULL, NULL) != 0) {
        csv_free(&r->p);
        int rc = parser_init(r, err);
        if (rc != LL_OK)
            return rc;
    }
    r->buf = buf;
    r->len = end;
    r->pos = start;
    r->line = line;
    r->has_cr = end > start && memchr(buf + start, '\r', end - start) != NULL;
    r->finished = 0;
    r->in_rec = 0;
    r->nfields = 0;
    r->fused = 0;
    r->row_done = r->too_long = r->oom = r->extra_row = 0;
    return LL_OK;
}

int ll_csvread_new(ll_csvread **out, const char *buf, size_t len, ll_error *err)
{
    *out = NULL;
    ll_csvread *r = calloc(1, sizeof *r);
    if (r == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory (CSV reader)");
    int rc = parser_init(r, err);
    size_t start = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (rc == LL_OK)
        rc = ll_csvread_reset(r, buf, start, len, 1, err);
    if (rc != LL_OK) {
        ll_csvread_free(r);
        return rc;
    }
    *out = r;
    return LL_OK;
}

void ll_csvread_free(ll_csvread *r)
{
    if (r == NULL)
        return;
    csv_free(&r->p);
    free(r->fbuf);
    free(r);
}

size_t ll_csvread_offset(const ll_csvread *r)
{
    return r->pos;
}

long ll_csvread_line(const ll_csvread *r)
{
    return r->line;
}

void ll_csvread_set_open_end(ll_csvread *r, int on)
{
    r->open_end = on;
}

long ll_csv_count_lines(const char *buf, size_t from, size_t to)
{
    long n = 0;
    const char *p = buf + from, *end = buf + to;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    /* Lone CRs (not followed by LF) end lines too. */
    for (p = buf + from; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
        if (p + 1 >= end || p[1] != '\n')
            n++;
    return n;
}

/* End (exclusive) of the physical line starting at pos: after its LF, its
 * CRLF, or a lone CR; or the end of the buffer. */
static size_t line_end(const ll_csvread *r, size_t pos)
{
    const char *b = r->buf;
    const char *nl = memchr(b + pos, '\n', r->len - pos);
    size_t end = nl ? (size_t)(nl - b) + 1 : r->len;
    if (r->has_cr) {
        const char *cr = memchr(b + pos, '\r', end - pos);
        if (cr != NULL) {
            size_t at = (size_t)(cr - b);
            if (at + 1 >= r->len || b[at + 1] != '\n')
                end = at + 1;
        }
    }
    return end;
}

static size_t strip_eol(const char *b, size_t start, size_t end)
{
    if (end > start && b[end - 1] == '\n')
        end--;
    if (end > start && b[end - 1] == '\r')
        end--;
    return end;
}

static int check_state(ll_csvread *r, long line, ll_error *err)
{
    if (r->oom)
        return ll_error_set(err, LL_ENOMEM, "out of memory reading line %ld", line);
    if (r->too_long || r->p.entry_pos > LL_CSV_MAX_FIELD_LEN)
        return ll_error_set(err, LL_EINPUT, "line %ld: a field is longer than %d bytes",
                            r->rec_line, LL_CSV_MAX_FIELD_LEN);
    if (r->extra_row)
        return ll_error_set(err, LL_EINTERNAL, "line %ld: two records on one line", line);
    return LL_OK;
}

static void fill_row(ll_csvread *r, ll_csv_row *row, size_t end)
{
    size_t kept = r->nfields < KEEP ? r->nfields : KEEP;
    for (size_t i = 0; i < kept; i++)
        r->fptr[i] = r->fbuf + r->foff[i];
    row->nfields = r->nfields;
    row->nkept = kept;
    row->field = r->fptr;
    row->len = r->flen;
    row->line = r->rec_line;
    row->raw_off = r->rec_off;
    row->raw_len = end - r->rec_off;
    r->in_rec = 0;
}

static int finish(ll_csvread *r, ll_csv_row *row, ll_error *err)
{
    r->finished = 1;
    if (!r->in_rec)
        return 0;
    if (r->open_end)
        return LL_CSV_CUT;
    if (csv_fini(&r->p, on_field, on_row, r) != 0)
        return ll_error_set(err, LL_EINPUT,
                            "line %ld: not valid CSV: a quoted field is never closed", r->rec_line);
    int rc = check_state(r, r->line - 1, err);
    if (rc != LL_OK)
        return rc;
    if (!r->row_done)
        return 0;
    fill_row(r, row, strip_eol(r->buf, r->rec_off, r->len));
    return 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The record of the line buf[start..end), end after its line end, when it
 * is a whole record without a quote, cut as libcsv cuts it: fields end at
 * commas and lose their leading and trailing spaces and tabs.  Returns 0,
 * keeping nothing, for a line libcsv must read: one with a quote, one
 * without a line end (the last of the buffer, or of a part), and a line of
 * only spaces and tabs (no record at all: libcsv skips it). */
static int simple_line(ll_csvread *r, size_t start, size_t end)
{
    const char *b = r->buf;
    size_t stop = strip_eol(b, start, end);
    if (stop == end || memchr(b + start, '"', stop - start) != NULL)
        return 0;
    size_t i = start;
    while (i < stop && is_blank(b[i]))
        i++;
    if (i == stop)
        return 0;
    for (size_t f = start;;) {
        size_t fe = f; /* fields are short: a loop, not a memchr call each */
        while (fe < stop && b[fe] != ',')
            fe++;
        size_t e = fe;
        while (f < e && is_blank(b[f]))
            f++;
        while (e > f && is_blank(b[e - 1]))
            e--;
        add_field(r, b + f, e - f);
        if (fe == stop)
            return 1;
        f = fe + 1;
    }
}

int ll_csvread_next(ll_csvread *r, ll_csv_row *row, ll_error *err)
{
    r->nfields = 0;
    r->fused = 0;
    r->row_done = 0;
    for (;;) {
        if (r->pos >= r->len)
            return r->finished ? 0 : finish(r, row, err);
        size_t start = r->pos, end = line_end(r, start);
        if (!r->in_rec) {
            r->rec_line = r->line;
            r->rec_off = start;
            if (simple_line(r, start, end)) {
                long line = r->line;
                r->pos = end;
                r->line++;
                int rc = check_state(r, line, err);
                if (rc != LL_OK)
                    return rc;
                fill_row(r, row, strip_eol(r->buf, start, end));
                return 1;
            }
        }
        size_t n = csv_parse(&r->p, r->buf + start, end - start, on_field, on_row, r);
        long line = r->line;
        r->pos = end;
        r->line++;
        if (n < end - start) {
            if (csv_error(&r->p) == CSV_EPARSE)
                return ll_error_set(err, LL_EINPUT,
                                    "line %ld: not valid CSV: a quote inside an unquoted field "
                                    "or text after a closing quote", line);
            return ll_error_set(err, LL_ENOMEM, "line %ld: %s", line,
                                csv_strerror(csv_error(&r->p)));
        }
        int rc = check_state(r, line, err);
        if (rc != LL_OK)
            return rc;
        if (r->row_done) {
            fill_row(r, row, strip_eol(r->buf, start, end));
            return 1;
        }
        r->in_rec = r->p.pstate != ROW_NOT_BEGUN;
    }
}

/* A word with a zero byte (Hacker's Delight). */
#define HAS_ZERO(v) (((v) - 0x0101010101010101ULL) & ~(v) & 0x8080808080808080ULL)

int ll_utf8_check(const char *buf, size_t len, size_t *bad_off)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        /* ASCII without NUL, 32 bytes at a time (nearly all of a return). */
        while (len - i >= 32) {
            uint64_t v[4];
            memcpy(v, s + i, 32);
            if (((v[0] | v[1] | v[2] | v[3]) & 0x8080808080808080ULL) != 0 ||
                (HAS_ZERO(v[0]) | HAS_ZERO(v[1]) | HAS_ZERO(v[2]) | HAS_ZERO(v[3])) != 0)
                break;
            i += 32;
        }
        if (i == len)
            break;
        if (len - i >= 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if ((v & 0x8080808080808080ULL) == 0 && !HAS_ZERO(v)) {
                i += 8;
                continue;
            }
        }
        unsigned c = s[i];
        size_t n;
        uint32_t cp;
        if (c == 0)
            goto bad;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07;
        else
            goto bad;
        if (len - i <= n)
            goto bad;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
            goto bad;
        if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))
            goto bad;
        i += n + 1;
    }
    return LL_OK;
bad:
    if (bad_off != NULL)
        *bad_off = i;
    return LL_EINPUT;
}

size_t ll_csv_blank_fields(char *out, const char *raw, size_t len, const unsigned char *blank,
                           size_t nblank, int blank_rest)
{
    /* A record accepted in strict mode has quotes only in quoted fields,
     * so toggling on every quote tracks "inside quotes" exactly (a doubled
     * quote toggles twice). */
    size_t o = 0, idx = 0;
    int inq = 0;
    int drop = nblank > 0 ? blank[0] != 0 : blank_rest;
    for (size_t i = 0; i < len; i++) {
        char c = raw[i];
        if (c == '"') {
            inq = !inq;
        } else if (c == ',' && !inq) {
            out[o++] = ',';
            idx++;
            drop = idx < nblank ? blank[idx] != 0 : blank_rest;
            continue;
        }
        if (!drop)
            out[o++] = c;
    }
    out[o] = '\0';
    return o;
}
