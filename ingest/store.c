/* The good rows of a file on their way into the database.  Rows are kept,
 * encoded compactly, while the file is checked; then sorted on their key,
 * which also puts rows with the same key side by side (exact duplicates and
 * key conflicts, SPEC 2.1, are found there without a hash table); then
 * inserted by one INSERT ... SELECT over an eponymous virtual table that
 * hands SQLite the rows in key order.  Both choices are for speed on large
 * files: in key order the B-trees grow at one end (measured three times
 * faster than random order for a million episodes), and one statement keeps
 * SQLite's cursors open instead of reopening them for every row (twice as
 * fast as stepping a prepared INSERT per row). */
#define _GNU_SOURCE /* mremap, where the C library has it */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MODULE_NAME "ll_ingest_rows"
#define DROPPED ((uint64_t)1 << 63)  /* in pending.aoff: a repeated key */
#define CONFLICT ((uint64_t)1 << 62) /* with DROPPED: a key conflict, not a duplicate */
#define LONGCHILD ((uint64_t)1 << 61) /* in pending.aoff: CHILD is longer than 8 bytes */
#define ARENA_SHIFT 56               /* in pending.aoff: which arena (bits 56-60) */
#define MAX_ARENAS 32
#define OFF_MASK (((uint64_t)1 << ARENA_SHIFT) - 1)
#define PREFETCH 8                  /* rows ahead the cursor asks for a record */
#define HEAD 20                     /* arena record head: line, raw_off, raw_len */

/* Encoding of a row's values after its head, column by column in spec
 * order: a tag byte, then the integer in 4 or 8 bytes, or the text's
 * length in 1 or 4 bytes and the text.  CHILD, spec column 0, comes first.
 * The short forms keep a million episodes' records a third smaller (fewer
 * fresh pages to fault in and clear).  Values read back are tagged V_NULL,
 * V_INT or V_TEXT only. */
enum { V_NULL, V_INT, V_TEXT, V_INT4, V_TEXT1 };

/* A row to store, sorted on its key; its record holds the rest.  24 bytes,
 * moved by the sort. */
typedef struct pending {
    uint64_t pfx;  /* first 8 bytes of CHILD, big-endian: sorts like the text */
    uint64_t aoff; /* arena << ARENA_SHIFT | offset of its record,
                      | LONGCHILD | DROPPED | CONFLICT */
    int32_t d;     /* the key's date, or 0 */
    uint32_t rk;   /* its (la, year): index in keys */
} pending;

/* A distinct (la, year) of the rows, found once while they are added so
 * that assigning returns does not revisit every record (which, in key
 * order, is a cache miss per row).  The return of a row is its key's. */
typedef struct rkey {
    uint64_t aoff; /* a record with it */
    int year;
    uint32_t ret;  /* the return (ll_rowstore_assign) */
} rkey;

/* Records are written to arena 0; merging adopts the other store's arenas
 * as they are (no copy), so a record's aoff names its arena. */
struct ll_rowstore {
    const ll_tablespec *t;
    pending *pend;
    size_t npend, cappend, ndropped;
    unsigned char *arena[MAX_ARENAS]; /* blocks (block_resize) */
    size_t acap[MAX_ARENAS];          /* their sizes */
    size_t narena;
    size_t alen; /* bytes used of arena[0] */
    rkey *keys;
    size_t nkeys, capkeys, lastk;
    /* The (la, year) of keys[lastk], copied when short, so that a row of
     * the same return is told without reading a record. */
    int lastset, lastyear;
    uint32_t lastn;
    char lastla[32];
};

/* The record at aoff (flags ignored). */
static inline const unsigned char *rec_at(const ll_rowstore *s, uint64_t aoff)
{
    return s->arena[(aoff >> ARENA_SHIFT) & (MAX_ARENAS - 1)] + (aoff & OFF_MASK);
}

static int grow(void **p, size_t *cap, size_t need, size_t unit, size_t first, ll_error *err)
{
    if (need <= *cap)
        return LL_OK;
    size_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    void *np = realloc(*p, n * unit);
    if (np == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory (row store)");
    *p = np;
    *cap = n;
    return LL_OK;
}

/* The arenas and the row lists are hundreds of megabytes for a million
 * rows.  They are mappings of their own, grown by mremap, which moves the
 * pages instead of copying them, and advised to use huge pages (visited in
 * key order, with 4 KiB pages most of the time went to page faults and TLB
 * misses).  (Advice on part of a malloc'd block had split its mapping,
 * after which glibc's realloc could no longer mremap it and copied every
 * doubling: a fifth of the ingest's CPU time on a million rows.)  Where
 * mremap is missing, plain realloc. */
static void *block_resize(void *p, size_t old, size_t size)
{
#ifdef MREMAP_MAYMOVE
    if (p == NULL) {
        p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
#ifdef MADV_HUGEPAGE
        madvise(p, size, MADV_HUGEPAGE); /* only advice: the whole mapping, never a part */
#endif
        return p;
    }
    p = mremap(p, old, size, MREMAP_MAYMOVE);
    return p == MAP_FAILED ? NULL : p;
#else
    (void)old;
    return realloc(p, size);
#endif
}

/* Frees a block of size bytes from block_resize; NULL is a no-op. */
static void block_free(void *p, size_t size)
{
    if (p == NULL)
        return;
#ifdef MREMAP_MAYMOVE
    munmap(p, size);
#else
    (void)size;
    free(p);
#endif
}

/* grow for a block (block_resize): *cap units of unit bytes. */
static int grow_block(void **p, size_t *cap, size_t need, size_t unit, size_t first,
                      ll_error *err)
{
    if (need <= *cap)
        return LL_OK;
    size_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    void *np = block_resize(*p, *cap * unit, n * unit);
    if (np == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory (row store)");
    *p = np;
    *cap = n;
    return LL_OK;
}

int ll_rowstore_new(ll_rowstore **out, const ll_tablespec *t, ll_error *err)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory (row store)");
    (*out)->t = t;
    (*out)->narena = 1;
    return LL_OK;
}

void ll_rowstore_free(ll_rowstore *s)
{
    if (s == NULL)
        return;
    block_free(s->pend, s->cappend * sizeof *s->pend);
    for (size_t i = 0; i < s->narena; i++)
        block_free(s->arena[i], s->acap[i]);
    free(s->keys);
    free(s);
}

size_t ll_rowstore_count(const ll_rowstore *s)
{
    return s->npend - s->ndropped;
}

static int stored_as_int(const ll_colspec *col)
{
    return col->type == LL_CT_DATE || col->type == LL_CT_INT || col->type == LL_CT_YEAR ||
           col->as_int;
}

/* Reads the value at a: its tag (V_NULL, V_INT or V_TEXT) in *tag, the
 * integer in *i or the text in *text and *n.  Returns the next value. */
static inline const unsigned char *value_at(const unsigned char *a, unsigned char *tag,
                                            long long *i, const char **text, uint32_t *n)
{
    unsigned char t = *a++;
    if (t == V_TEXT1 || t == V_TEXT) {
        uint32_t len = *a;
        if (t == V_TEXT)
            memcpy(&len, a, 4);
        a += t == V_TEXT ? 4 : 1;
        *tag = V_TEXT;
        *text = (const char *)a;
        *n = len;
        return a + len;
    }
    if (t == V_INT4) {
        int32_t v;
        memcpy(&v, a, 4);
        *tag = V_INT;
        *i = v;
        return a + 4;
    }
    if (t == V_INT) {
        memcpy(i, a, 8);
        *tag = V_INT;
        return a + 8;
    }
    *tag = V_NULL;
    return a;
}

/* Spec column j of the record at aoff (text and n untouched unless it is
 * text, i unless an integer). */
static unsigned char field_at(const ll_rowstore *s, uint64_t aoff, size_t j, long long *i,
                              const char **text, uint32_t *n)
{
    const unsigned char *a = rec_at(s, aoff) + HEAD;
    unsigned char tag;
    for (size_t k = 0; k < j; k++)
        a = value_at(a, &tag, i, text, n);
    value_at(a, &tag, i, text, n);
    return tag;
}

/* The text of spec column j of the record at aoff (*n = 0 when null). */
static const char *text_at(const ll_rowstore *s, uint64_t aoff, size_t j, uint32_t *n)
{
    long long i;
    const char *text = "";
    *n = 0;
    field_at(s, aoff, j, &i, &text, n);
    return text;
}

/* The integer of spec column j of the record at aoff (0 when null). */
static long long int_at(const ll_rowstore *s, uint64_t aoff, size_t j)
{
    long long v = 0;
    const char *text;
    uint32_t n;
    field_at(s, aoff, j, &v, &text, &n);
    return v;
}

/* The la and year of the record at aoff, as returns are told them. */
static const char *la_year_at(const ll_rowstore *s, uint64_t aoff, uint32_t *n, int *year)
{
    const ll_tablespec *t = s->t;
    *n = 0;
    *year = t->col_year >= 0 ? (int)int_at(s, aoff, (size_t)t->col_year) : 0;
    return t->col_la >= 0 ? text_at(s, aoff, (size_t)t->col_la, n) : "";
}

/* The index in s->keys of the (la, year) of the record at aoff, added when
 * new.  The rows of a return come together, so the last key found
 * usually matches.  Errors: LL_ENOMEM. */
static int key_of(size_t *out, ll_rowstore *s, uint64_t aoff, ll_error *err)
{
    uint32_t n;
    int year;
    const char *la = la_year_at(s, aoff, &n, &year);
    for (size_t m = 0; m <= s->nkeys; m++) {
        size_t i = m == 0 ? s->lastk : m - 1;
        if (i >= s->nkeys || s->keys[i].year != year)
            continue;
        uint32_t kn;
        int ky;
        const char *kla = la_year_at(s, s->keys[i].aoff, &kn, &ky);
        if (kn == n && memcmp(kla, la, n) == 0) {
            *out = s->lastk = i;
            return LL_OK;
        }
    }
    int rc = grow((void **)&s->keys, &s->capkeys, s->nkeys + 1, sizeof *s->keys, 4, err);
    if (rc != LL_OK)
        return rc;
    s->keys[s->nkeys] = (rkey){aoff, year, 0};
    *out = s->lastk = s->nkeys++;
    return LL_OK;
}

int ll_rowstore_add(ll_rowstore *s, const ll_val *vals, const ll_rowref *where, ll_error *err)
{
    const ll_tablespec *t = s->t;
    size_t need = HEAD;
    for (size_t j = 0; j < t->ncols; j++)
        need += 1 + (stored_as_int(&t->cols[j]) ? 8 : 4 + vals[j].n); /* at most */
    int rc = grow_block((void **)&s->arena[0], &s->acap[0], s->alen + need, 1, 65536, err);
    if (rc == LL_OK)
        rc = grow_block((void **)&s->pend, &s->cappend, s->npend + 1, sizeof *s->pend, 4096,
                        err);
    if (rc != LL_OK)
        return rc;
    pending *p = &s->pend[s->npend];
    p->aoff = s->alen;
    if (vals[0].n > 8)
        p->aoff |= LONGCHILD;
    p->pfx = 0;
    for (size_t i = 0; i < 8; i++)
        p->pfx = (p->pfx << 8) | (i < vals[0].n ? (unsigned char)vals[0].s[i] : 0);
    p->d = t->key_date >= 0 ? (int32_t)vals[t->key_date].i : 0;
    unsigned char *a = s->arena[0] + s->alen;
    int64_t line = where->line;
    uint64_t raw_off = where->raw_off;
    uint32_t raw_len = (uint32_t)where->raw_len; /* a record is far below 4 GiB */
    memcpy(a, &line, 8);
    memcpy(a + 8, &raw_off, 8);
    memcpy(a + 16, &raw_len, 4);
    a += HEAD;
    for (size_t j = 0; j < t->ncols; j++) {
        const ll_val *v = &vals[j];
        if (v->null) {
            *a++ = V_NULL;
        } else if (stored_as_int(&t->cols[j]) && v->i >= INT32_MIN && v->i <= INT32_MAX) {
            int32_t i = (int32_t)v->i;
            *a++ = V_INT4;
            memcpy(a, &i, 4);
            a += 4;
        } else if (stored_as_int(&t->cols[j])) {
            *a++ = V_INT;
            memcpy(a, &v->i, 8);
            a += 8;
        } else if (v->n <= UINT8_MAX) {
            *a++ = V_TEXT1;
            *a++ = (unsigned char)v->n;
            memcpy(a, v->s, v->n);
            a += v->n;
        } else {
            uint32_t n = (uint32_t)v->n;
            *a++ = V_TEXT;
            memcpy(a, &n, 4);
            memcpy(a + 4, v->s, n);
            a += 4 + n;
        }
    }
    /* The row's la and year as la_year_at reads them from its record. */
    const ll_val *vla = t->col_la >= 0 ? &vals[t->col_la] : NULL;
    uint32_t lan = vla != NULL && !vla->null ? (uint32_t)vla->n : 0;
    int year = t->col_year >= 0 && !vals[t->col_year].null ? (int)vals[t->col_year].i : 0;
    if (s->lastset && s->lastyear == year && s->lastn == lan &&
        (lan == 0 || memcmp(s->lastla, vla->s, lan) == 0)) {
        p->rk = (uint32_t)s->lastk;
    } else {
        size_t k;
        if ((rc = key_of(&k, s, p->aoff, err)) != LL_OK)
            return rc;
        p->rk = (uint32_t)k;
        s->lastset = lan <= sizeof s->lastla;
        s->lastyear = year;
        s->lastn = lan;
        if (s->lastset && lan > 0)
            memcpy(s->lastla, vla->s, lan);
    }
    s->npend++;
    s->alen = (size_t)(a - s->arena[0]);
    return LL_OK;
}

static int cmp_text(const char *a, uint32_t na, const char *b, uint32_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c != 0)
        return c;
    return na < nb ? -1 : na > nb;
}

/* Order of the texts of spec column j of a and b. */
static int cmp_col(const ll_rowstore *s, const pending *a, const pending *b, size_t j)
{
    uint32_t na, nb;
    const char *ta = text_at(s, a->aoff, j, &na), *tb = text_at(s, b->aoff, j, &nb);
    return cmp_text(ta, na, tb, nb);
}

/* Order of the keys (CHILD, then the key's date, then its second text). */
static int cmp(const ll_rowstore *s, const pending *a, const pending *b)
{
    if (a->pfx != b->pfx)
        return a->pfx < b->pfx ? -1 : 1;
    int c;
    if (((a->aoff | b->aoff) & LONGCHILD) && (c = cmp_col(s, a, b, 0)) != 0)
        return c;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    if (s->t->key_text >= 0 && (c = cmp_col(s, a, b, (size_t)s->t->key_text)) != 0)
        return c;
    if (s->t->dfe) {
        /* A stacked extract holds several returns: la and year are part
         * of the key. */
        if ((c = cmp_col(s, a, b, (size_t)s->t->col_la)) != 0)
            return c;
        long long ya = int_at(s, a->aoff, (size_t)s->t->col_year);
        long long yb = int_at(s, b->aoff, (size_t)s->t->col_year);
        return ya < yb ? -1 : ya > yb;
    }
    return 0;
}

static void insertion_sort(const ll_rowstore *s, pending *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        pending x = a[i];
        size_t j = i;
        while (j > 0 && cmp(s, &a[j - 1], &x) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* Stable merge sort; tmp holds n / 2 + 1 entries. */
static void merge_sort(const ll_rowstore *s, pending *a, pending *tmp, size_t n)
{
    if (n <= 16) {
        insertion_sort(s, a, n);
        return;
    }
    size_t h = n / 2;
    merge_sort(s, a, tmp, h);
    merge_sort(s, a + h, tmp, n - h);
    if (cmp(s, &a[h - 1], &a[h]) <= 0)
        return; /* already in order: sorted input costs one pass */
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        a[k++] = cmp(s, &tmp[i], &a[j]) <= 0 ? tmp[i++] : a[j++];
    while (i < h)
        a[k++] = tmp[i++];
}

int ll_rowstore_sort(ll_rowstore *s, ll_error *err)
{
    if (s->npend < 2)
        return LL_OK;
    /* A block (huge pages): malloc'd, its pages were faulted in 4 KiB at a
     * time, two fifths of all the page faults of a large ingest. */
    size_t bytes = (s->npend / 2 + 1) * sizeof(pending);
    pending *tmp = block_resize(NULL, 0, bytes);
    if (tmp == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory (sorting rows)");
    merge_sort(s, s->pend, tmp, s->npend);
    block_free(tmp, bytes);
    return LL_OK;
}

/* The index in dst->keys of the (la, year) of dst's record at aoff, added
 * when new (key_of without the guess).  Errors: LL_ENOMEM. */
static int adopt_key(size_t *out, ll_rowstore *dst, uint64_t aoff, ll_error *err)
{
    dst->lastk = dst->nkeys; /* no guess: every key is compared */
    dst->lastset = 0;
    return key_of(out, dst, aoff, err);
}

int ll_rowstore_merge(ll_rowstore *dst, ll_rowstore *src, ll_error *err)
{
    size_t n1 = dst->npend, n2 = src->npend, na = dst->narena;
    if (na + src->narena > MAX_ARENAS)
        return ll_error_set(err, LL_EINTERNAL, "too many row stores to merge");
    uint32_t *kmap = malloc((src->nkeys + 1) * sizeof *kmap);
    int rc = LL_OK;
    if (kmap == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory (merging rows)");
        goto done;
    }
    /* Room for src's rows after dst's (a new list would be fresh pages to
     * fault in and clear, on the one thread left by then). */
    rc = grow_block((void **)&dst->pend, &dst->cappend, n1 + n2, sizeof *dst->pend, 4096, err);
    if (rc != LL_OK)
        goto done;
    /* src's arenas become dst's arenas na, na + 1, ... as they are. */
    for (size_t i = 0; i < src->narena; i++) {
        dst->arena[na + i] = src->arena[i];
        dst->acap[na + i] = src->acap[i];
        src->arena[i] = NULL;
        src->acap[i] = 0;
    }
    dst->narena += src->narena;
    uint64_t shift = (uint64_t)na << ARENA_SHIFT;
    for (size_t k = 0; k < src->nkeys && rc == LL_OK; k++) {
        size_t d;
        rc = adopt_key(&d, dst, src->keys[k].aoff + shift, err);
        kmap[k] = (uint32_t)d;
    }
    if (rc != LL_OK) {
        /* dst owns every arena now; src's rows cannot be read any more. */
        src->npend = src->ndropped = src->nkeys = 0;
        goto done;
    }
    for (size_t j = 0; j < n2; j++) {
        src->pend[j].aoff += shift;
        src->pend[j].rk = kmap[src->pend[j].rk];
    }
    /* Merged from the end into the room: a row of dst goes after a row of
     * src only when its key is greater, so rows with equal keys stay in
     * file order.  Row k is written only once rows k.. of dst were moved. */
    pending *d = dst->pend, *r = src->pend;
    size_t i = n1, j = n2, k = n1 + n2;
    while (j > 0) {
        if (i > 0 && cmp(dst, &d[i - 1], &r[j - 1]) > 0)
            d[--k] = d[--i];
        else
            d[--k] = r[--j];
    }
    dst->npend = n1 + n2;
    dst->ndropped += src->ndropped;
    src->npend = src->ndropped = src->nkeys = 0;
done:
    src->narena = 1;
    src->alen = 0;
    free(kmap);
    return rc;
}

static void ref_of(const ll_rowstore *s, const pending *p, ll_rowref *r)
{
    int64_t line;
    uint64_t raw_off;
    uint32_t raw_len;
    const unsigned char *a = rec_at(s, p->aoff);
    memcpy(&line, a, 8);
    memcpy(&raw_off, a + 8, 8);
    memcpy(&raw_len, a + 16, 4);
    r->raw_off = (size_t)raw_off;
    r->raw_len = (size_t)raw_len;
    r->line = (long)line;
}

int ll_rowstore_drop_repeats(ll_rowstore *s, ll_repeat_fn fn, void *ctx)
{
    size_t g = 0;
    for (size_t i = 1; i < s->npend; i++) {
        if (cmp(s, &s->pend[g], &s->pend[i]) != 0) {
            g = i;
            continue;
        }
        ll_rowref first, later;
        ref_of(s, &s->pend[g], &first);
        ref_of(s, &s->pend[i], &later);
        int rc = fn(ctx, &first, &later);
        if (rc < 0)
            return rc;
        s->pend[i].aoff |= DROPPED | (rc == 0 ? CONFLICT : 0);
        s->ndropped++;
    }
    return LL_OK;
}

int ll_rowstore_assign(ll_rowstore *s, ll_return_fn fn, void *ctx)
{
    uint32_t rk = UINT32_MAX, n = 0;
    int year = 0;
    const char *la = "";
    for (size_t i = 0; i < s->npend; i++) {
        pending *p = &s->pend[i];
        if (p->rk != rk) { /* rows of one return mostly come together */
            rk = p->rk;
            la = la_year_at(s, s->keys[rk].aoff, &n, &year);
        }
        int fate = !(p->aoff & DROPPED) ? LL_ROW_STORED
                   : (p->aoff & CONFLICT) ? LL_ROW_CONFLICT
                                          : LL_ROW_DUPLICATE;
        int r = fn(ctx, la, n, year, fate);
        if (r < 0)
            return r;
        s->keys[p->rk].ret = (uint32_t)r; /* the same for every row of the key */
    }
    return LL_OK;
}

/* ---- the virtual table: column j is spec column j of the rows ---------- */

/* What the virtual table shows: the rows, and the file_id of each
 * row's return (0: not shown).  The episodes with a REC but no DEC are
 * listed while all rows are shown, so that setting them aside does not
 * visit every record again (in key order, a cache miss per row): then only
 * they are shown. */
typedef struct rows_src {
    ll_rowstore *s;
    const long long *file_ids;
    int read_ahead;    /* a second thread may read the records ahead */
    int dec, rec;      /* episodes: spec columns of DEC and REC, else -1 */
    int aside_only;    /* show only the rows listed in aside */
    size_t *aside;     /* rows (index in s->pend) with a REC but no DEC */
    size_t naside, capaside;
} rows_src;

typedef struct rows_vtab {
    sqlite3_vtab base;
    rows_src *src;
} rows_vtab;

typedef struct feed feed;

typedef struct rows_cursor {
    sqlite3_vtab_cursor base;
    rows_src *src;
    ll_rowstore *s;
    feed *feed; /* records read ahead by another thread, or NULL */
    size_t k;   /* current row in sorted order */
    size_t pos; /* with aside_only: current entry of src->aside */
    unsigned char tag[LL_MAX_SPEC_COLS];
    long long i[LL_MAX_SPEC_COLS];
    const char *text[LL_MAX_SPEC_COLS];
    uint32_t n[LL_MAX_SPEC_COLS];
} rows_cursor;

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                        sqlite3_vtab **out, char **errmsg)
{
    (void)argc;
    (void)argv;
    (void)errmsg;
    rows_src *src = aux;
    ll_rowstore *s = src->s;
    char decl[64 + 8 * LL_MAX_SPEC_COLS];
    int o = snprintf(decl, sizeof decl, "CREATE TABLE x(");
    for (size_t j = 0; j < s->t->ncols; j++)
        o += snprintf(decl + o, sizeof decl - (size_t)o, "c%zu,", j);
    snprintf(decl + o, sizeof decl - (size_t)o, "fid)");
    int rc = sqlite3_declare_vtab(db, decl);
    if (rc != SQLITE_OK)
        return rc;
    rows_vtab *v = sqlite3_malloc(sizeof *v);
    if (v == NULL)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->src = src;
    *out = &v->base;
    return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    info->estimatedCost = (double)ll_rowstore_count(((rows_vtab *)v)->src->s) + 1;
    info->estimatedRows = (sqlite3_int64)ll_rowstore_count(((rows_vtab *)v)->src->s);
    return SQLITE_OK;
}

/* ---- records read ahead on another thread --------------------------------
 * Visiting the records in key order costs a cache and TLB miss per row,
 * a tenth of a large ingest's time on the one thread SQLite runs on.  A
 * second thread reads the records ahead and copies them, in batches, to
 * a small ring that SQLite's thread then reads in order. */

#define FEED_ROWS 256    /* rows per batch */
#define FEED_BATCHES 8   /* batches in the ring */
#define FEED_BYTES 160   /* a record up to this long is copied */
#define FEED_MIN 65536   /* fewer rows are read without a thread */

typedef struct feed_slot {
    size_t k;                 /* the row (index in pend) */
    const unsigned char *rec; /* buf, or the record itself when longer */
    unsigned char buf[FEED_BYTES];
} feed_slot;

struct feed {
    const ll_rowstore *s;
    const long long *file_ids;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t filled, freed;
    /* under mu: batches put - take .. put - 1 are filled (nfilled of them,
     * the one being read included) */
    size_t nfilled, put, take;
    int done, stop, waiting;
    size_t n[FEED_BATCHES]; /* rows in each batch */
    /* SQLite's thread only */
    size_t pos;  /* next slot of batch take */
    int holding; /* batch take is being read */
    feed_slot slot[FEED_BATCHES][FEED_ROWS];
};

/* 1 when row k is shown: not dropped, its return stored. */
static int shown(const ll_rowstore *s, const long long *file_ids, size_t k)
{
    return !(s->pend[k].aoff & DROPPED) && file_ids[s->keys[s->pend[k].rk].ret] != 0;
}

/* Bytes of the record at r. */
static size_t rec_len(const ll_rowstore *s, const unsigned char *r)
{
    const unsigned char *a = r + HEAD;
    unsigned char tag;
    long long i;
    const char *text;
    uint32_t n;
    for (size_t j = 0; j < s->t->ncols; j++)
        a = value_at(a, &tag, &i, &text, &n);
    return (size_t)(a - r);
}

static void *feed_run(void *arg)
{
    feed *f = arg;
    const ll_rowstore *s = f->s;
    for (size_t k = 0; k < s->npend;) {
        pthread_mutex_lock(&f->mu);
        if (f->nfilled == FEED_BATCHES) {
            /* Ahead by a whole ring: woken when half of it is free, not
             * for every batch (a wake-up is a system call on each side). */
            f->waiting = 1;
            while (f->nfilled > FEED_BATCHES / 2 && !f->stop)
                pthread_cond_wait(&f->freed, &f->mu);
            f->waiting = 0;
        }
        int stop = f->stop;
        size_t b = f->put % FEED_BATCHES;
        pthread_mutex_unlock(&f->mu);
        if (stop)
            break;
        /* Batch b is neither filled nor read: this thread's until put. */
        size_t n = 0;
        for (; n < FEED_ROWS && k < s->npend; k++) {
            if (!shown(s, f->file_ids, k))
                continue;
#if defined(__GNUC__)
            if (k + PREFETCH < s->npend)
                __builtin_prefetch(rec_at(s, s->pend[k + PREFETCH].aoff));
#endif
            feed_slot *sl = &f->slot[b][n++];
            const unsigned char *r = rec_at(s, s->pend[k].aoff);
            size_t len = rec_len(s, r);
            sl->k = k;
            sl->rec = r;
            if (len <= FEED_BYTES) {
                memcpy(sl->buf, r, len);
                sl->rec = sl->buf;
            }
        }
        pthread_mutex_lock(&f->mu);
        f->n[b] = n;
        f->put++;
        f->nfilled++;
        pthread_cond_signal(&f->filled);
        pthread_mutex_unlock(&f->mu);
    }
    pthread_mutex_lock(&f->mu);
    f->done = 1;
    pthread_cond_signal(&f->filled);
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

/* Starts reading s's rows ahead; NULL (read them without a thread) when
 * there are few or no thread to be had. */
static feed *feed_start(const ll_rowstore *s, const long long *file_ids)
{
    if (s->npend < FEED_MIN)
        return NULL;
    feed *f = malloc(sizeof *f);
    if (f == NULL)
        return NULL;
    memset(f, 0, offsetof(feed, slot));
    f->s = s;
    f->file_ids = file_ids;
    int made = 0; /* how many of mu, filled, freed, thread were made */
    if (pthread_mutex_init(&f->mu, NULL) == 0 && ++made &&
        pthread_cond_init(&f->filled, NULL) == 0 && ++made &&
        pthread_cond_init(&f->freed, NULL) == 0 && ++made &&
        pthread_create(&f->thread, NULL, feed_run, f) == 0)
        return f;
    if (made >= 3)
        pthread_cond_destroy(&f->freed);
    if (made >= 2)
        pthread_cond_destroy(&f->filled);
    if (made >= 1)
        pthread_mutex_destroy(&f->mu);
    free(f);
    return NULL;
}

/* Stops the thread and frees f; NULL is a no-op. */
static void feed_end(feed *f)
{
    if (f == NULL)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = 1;
    pthread_cond_signal(&f->freed);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->filled);
    pthread_cond_destroy(&f->freed);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

/* The next row shown: its record, and its index in *k; NULL at the end.
 * The batch read before is given back only now, when SQLite is done with
 * the values of its last row (they point into it). */
static const unsigned char *feed_next(feed *f, size_t *k)
{
    for (;;) {
        if (f->holding && f->pos < f->n[f->take % FEED_BATCHES]) {
            const feed_slot *sl = &f->slot[f->take % FEED_BATCHES][f->pos++];
            *k = sl->k;
            return sl->rec;
        }
        pthread_mutex_lock(&f->mu);
        if (f->holding) {
            f->holding = 0;
            f->take++;
            f->nfilled--;
            if (f->waiting && f->nfilled <= FEED_BATCHES / 2)
                pthread_cond_signal(&f->freed);
        }
        while (f->nfilled == 0 && !f->done)
            pthread_cond_wait(&f->filled, &f->mu);
        int end = f->nfilled == 0;
        if (!end) {
            f->holding = 1;
            f->pos = 0;
        }
        pthread_mutex_unlock(&f->mu);
        if (end)
            return NULL;
    }
}

static int rows_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    rows_cursor *c = sqlite3_malloc(sizeof *c);
    if (c == NULL)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->src = ((rows_vtab *)v)->src;
    c->s = c->src->s;
    *out = &c->base;
    return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c)
{
    feed_end(((rows_cursor *)c)->feed);
    sqlite3_free(c);
    return SQLITE_OK;
}

/* Appends row k to the rows set aside.  Errors: SQLITE_NOMEM. */
static int add_aside(rows_src *src, size_t k)
{
    if (src->naside == src->capaside) {
        size_t cap = src->capaside ? 2 * src->capaside : 64;
        size_t *na = realloc(src->aside, cap * sizeof *na);
        if (na == NULL)
            return SQLITE_NOMEM;
        src->aside = na;
        src->capaside = cap;
    }
    src->aside[src->naside++] = k;
    return SQLITE_OK;
}

/* Moves to the first row shown from k on (not dropped, its return
 * stored; with aside_only, the row of entry pos of the list) and decodes
 * it.  Errors: SQLITE_NOMEM. */
static int decode(rows_cursor *c)
{
    rows_src *src = c->src;
    const ll_rowstore *s = c->s;
    const unsigned char *rec = NULL;
    if (c->feed != NULL) {
        rec = feed_next(c->feed, &c->k);
        if (rec == NULL)
            c->k = s->npend;
    } else if (src->aside_only) {
        c->k = c->pos < src->naside ? src->aside[c->pos] : s->npend;
    } else {
        while (c->k < s->npend && !shown(s, src->file_ids, c->k))
            c->k++;
    }
    if (c->k >= s->npend)
        return SQLITE_OK;
#if defined(__GNUC__)
    /* The arena is visited in key order, not in the order it was written:
     * ask for the next record early. */
    if (rec == NULL && !src->aside_only && c->k + PREFETCH < s->npend) {
        /* A record spans two or three cache lines (about 110 bytes for an
         * episode, at any alignment): ask for each. */
        const unsigned char *ahead = rec_at(s, s->pend[c->k + PREFETCH].aoff);
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 64);
        __builtin_prefetch(ahead + 128);
    }
#endif
    if (rec == NULL)
        rec = rec_at(s, s->pend[c->k].aoff);
    const unsigned char *a = rec + HEAD;
    for (size_t j = 0; j < c->s->t->ncols; j++)
        a = value_at(a, &c->tag[j], &c->i[j], &c->text[j], &c->n[j]);
    if (!src->aside_only && src->dec >= 0 && c->tag[src->dec] == V_NULL &&
        c->tag[src->rec] != V_NULL)
        return add_aside(src, c->k);
    return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                       sqlite3_value **argv)
{
    (void)idx;
    (void)idxstr;
    (void)argc;
    (void)argv;
    rows_cursor *c = (rows_cursor *)cur;
    c->k = c->pos = 0;
    feed_end(c->feed); /* a scan again */
    c->feed = NULL;
    if (!c->src->aside_only) {
        c->src->naside = 0; /* listed again by this scan */
        if (c->src->read_ahead)
            c->feed = feed_start(c->s, c->src->file_ids);
    }
    return decode(c);
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
    rows_cursor *c = (rows_cursor *)cur;
    if (c->src->aside_only)
        c->pos++;
    else
        c->k++;
    return decode(c);
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
    rows_cursor *c = (rows_cursor *)cur;
    return c->k >= c->s->npend;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int j)
{
    rows_cursor *c = (rows_cursor *)cur;
    if ((size_t)j == c->s->t->ncols) {
        sqlite3_result_int64(ctx, c->src->file_ids[c->s->keys[c->s->pend[c->k].rk].ret]);
        return SQLITE_OK;
    }
    if ((size_t)j == (size_t)c->src->rec && !c->src->aside_only &&
        c->tag[c->src->dec] == V_NULL)
        sqlite3_result_null(ctx); /* REC without DEC: set aside, not stored */
    else if (c->tag[j] == V_INT)
        sqlite3_result_int64(ctx, c->i[j]);
    else if (c->tag[j] == V_TEXT)
        sqlite3_result_text(ctx, c->text[j], (int)c->n[j], SQLITE_STATIC);
    else
        sqlite3_result_null(ctx);
    return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out)
{
    *out = (sqlite3_int64)((rows_cursor *)cur)->k;
    return SQLITE_OK;
}

static const sqlite3_module ROWS_MODULE = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: no CREATE VIRTUAL TABLE */
    .xConnect = rows_connect,
    .xBestIndex = rows_best_index,
    .xDisconnect = rows_disconnect,
    .xOpen = rows_open,
    .xClose = rows_close,
    .xFilter = rows_filter,
    .xNext = rows_next,
    .xEof = rows_eof,
    .xColumn = rows_column,
    .xRowid = rows_rowid,
};

/* Spec column of t named name, or -1. */
static int col_named(const ll_tablespec *t, const char *name)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0)
            return (int)j;
    return -1;
}

/* INSERT INTO table(la[, year], cols..., file_id) SELECT ... FROM the rows.
 * An episode's REC is stored only with a DEC (SPEC 2.6: REC without DEC is
 * set aside): the virtual table shows it so (rows_column), which saves
 * SQLite a CASE per row. */
static void insert_sql(char *sql, size_t size, const ll_tablespec *t)
{
    char cols[1024], sel[1024];
    int o = snprintf(cols, sizeof cols, "la%s", t->dfe ? ", year" : "");
    int q = 0;
    for (size_t j = 0; j < t->ncols; j++) {
        if (t->cols[j].dbcol == NULL)
            continue;
        o += snprintf(cols + o, sizeof cols - (size_t)o, ", %s", t->cols[j].dbcol);
        q += snprintf(sel + q, sizeof sel - (size_t)q, ", c%zu", j);
    }
    char la[16], year[16] = "";
    if (t->col_la >= 0)
        snprintf(la, sizeof la, "c%d", t->col_la);
    else
        snprintf(la, sizeof la, "?1");
    if (t->dfe)
        snprintf(year, sizeof year, ", c%d", t->col_year);
    snprintf(sql, size, "INSERT%s INTO %s(%s, file_id) SELECT %s%s%s, fid FROM " MODULE_NAME,
             t->dfe ? "" : " OR REPLACE", t->table, cols, la, year, sel);
}

static int run_sql(sqlite3 *db, const char *sql, const char *la, ll_error *err)
{
    sqlite3_stmt *st = NULL;
    char why[256];
    int rc = LL_OK;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = ll_error_set(err, LL_EDB, "database (store rows): %s",
                          ll_ingest_db_msg(db, why, sizeof why));
        goto done;
    }
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_text(st, 1, la, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ll_error_set(err, LL_EDB, "database (store rows): %s",
                          ll_ingest_db_msg(db, why, sizeof why));
done:
    sqlite3_finalize(st);
    return rc;
}

int ll_rowstore_insert(ll_rowstore *s, sqlite3 *db, const char *la, const long long *file_ids,
                       int read_ahead, size_t *n_set_aside, ll_error *err)
{
    char sql[2200];
    char why[256];
    const ll_tablespec *t = s->t;
    rows_src src = {s, file_ids, read_ahead, -1, -1, 0, NULL, 0, 0};
    int rc = LL_OK;
    *n_set_aside = 0;
    if (ll_rowstore_count(s) == 0)
        return LL_OK;
    if (sqlite3_create_module_v2(db, MODULE_NAME, &ROWS_MODULE, &src, NULL) != SQLITE_OK) {
        rc = ll_error_set(err, LL_EDB, "database (store rows): %s",
                          ll_ingest_db_msg(db, why, sizeof why));
        goto done;
    }
    insert_sql(sql, sizeof sql, t);
    if (t->kind == LL_KIND_EPISODES) {
        src.dec = col_named(t, "DEC");
        src.rec = col_named(t, "REC");
    }
    rc = run_sql(db, sql, la, err);
    if (rc == LL_OK && t->kind == LL_KIND_EPISODES) {
        int dec = src.dec, rec = src.rec;
        src.aside_only = 1;
        snprintf(sql, sizeof sql,
                 "INSERT INTO rec_set_aside(la, year, child, decom, rec, file_id)"
                 " SELECT c%d, c%d, c0, c%d, c%d, fid FROM " MODULE_NAME
                 " WHERE c%d IS NULL AND c%d IS NOT NULL",
                 t->col_la, t->col_year, col_named(t, "DECOM"), rec, dec, rec);
        rc = run_sql(db, sql, la, err);
        if (rc == LL_OK)
            *n_set_aside = (size_t)sqlite3_changes(db);
    }
done:
    /* Unregisters the module (and its eponymous table) so that nothing on
     * the connection points at s once it is freed. */
    sqlite3_create_module_v2(db, MODULE_NAME, NULL, NULL, NULL);
    free(src.aside);
    return rc;
}
