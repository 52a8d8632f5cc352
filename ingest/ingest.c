/* Loading one input file into the database (SPEC 2, 2.6): recognise the
 * kind from the header, check every row, then store it, count it as an
 * exact duplicate or quarantine it, all in one transaction so that a
 * refused or interrupted file leaves the database as it was.  The file is
 * mapped (or read) whole: it is hashed before anything is stored, and rows
 * are re-read from it to compare repeats and to quarantine them. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* One (table, la, year) return held by the file: a plain file holds one;
 * a stacked extract (LA and YEAR columns) one per (la, year) of its rows. */
typedef struct iret {
    char *la;
    int year;
    int skip;             /* identical to the stored return: nothing stored */
    char *old_path;       /* the stored file it replaces, or NULL */
    long long file_id;
    size_t n_read, n_stored, n_duplicates, n_quarantined;
} iret;

typedef struct filebuf {
    char *data;
    size_t len;
    int mapped;
} filebuf;

/* Everything about the file being ingested. */
typedef struct ictx {
    sqlite3 *db;
    const char *path;
    const ll_ingest_options *opt;
    const char *la;
    ll_rowdflt dflt;
    ll_ingest_result *res;
    ll_error *err;
    const char *buf;
    size_t len;
    const ll_tablespec *t;
    ll_csvread *rd;       /* the header, then re-reading single rows */
    ll_csvread *rd2;      /* re-reading a second row */
    size_t data_start;    /* offset of the first byte after the header */
    long data_line;       /* its line */
    size_t nheader;
    int colidx[LL_MAX_SPEC_COLS];
    unsigned char *blank;        /* per header field: not stored, so blanked in
                                    the raw line of a quarantined row */
    char unused[512];            /* names of ignored columns, for a notice */
    iret *rets;                  /* the returns the file holds */
    size_t nret, capret, last_ret;
    long long *file_ids;         /* per return: its files row, 0 if skipped */
    ll_val vals[LL_MAX_SPEC_COLS];
    sqlite3_stmt *qins;
    ll_scan_out scan;
    char *raw;
    size_t rawcap;
    long long file_id;
    char sha[2 * SHA256_DIGEST_SIZE + 1];
} ictx;

static void notify(ictx *c, ll_ingest_msg_kind kind, long line, int rule, const char *col,
                   const char *text)
{
    if (c->opt->notify == NULL)
        return;
    ll_ingest_msg m = {kind, c->path, line, rule, col, text};
    c->opt->notify(c->opt->notify_ctx, &m);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void notice(ictx *c, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    notify(c, LL_MSG_NOTICE, 0, -1, NULL, text);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int refuse(ictx *c, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return ll_error_set(c->err, LL_EINPUT, "%s: refused: %s", c->path, text);
}

/* Adds the path to a message from a lower layer. */
static int with_path(ictx *c, int rc)
{
    if (c->err != NULL && rc != LL_OK) {
        char msg[LL_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", c->err->msg);
        if (rc == LL_EINPUT)
            return refuse(c, "%s", msg);
        return ll_error_set(c->err, rc, "%s: %s", c->path, msg);
    }
    return rc;
}

const char *ll_ingest_db_msg(sqlite3 *db, char *buf, size_t size)
{
    int ext = sqlite3_extended_errcode(db), sys = sqlite3_system_errno(db);
    int io = (ext & 0xff) == SQLITE_IOERR || (ext & 0xff) == SQLITE_CANTOPEN;
    if (io && sys != 0)
        snprintf(buf, size, "%s (%s)", sqlite3_errmsg(db), strerror(sys));
    else if (ext == SQLITE_IOERR_WRITE)
        snprintf(buf, size, "%s (a write failed: the disk may be full or a file size limit "
                            "reached)", sqlite3_errmsg(db));
    else
        snprintf(buf, size, "%s", sqlite3_errmsg(db));
    return buf;
}

static int db_fail(ictx *c, const char *what)
{
    char why[256];
    return ll_error_set(c->err, LL_EDB, "%s: database (%s): %s; nothing from this file was stored",
                        c->path, what, ll_ingest_db_msg(c->db, why, sizeof why));
}

/* ---- the file ---------------------------------------------------------- */

static int load_file(filebuf *fb, const char *path, ll_error *err)
{
    memset(fb, 0, sizeof *fb);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ll_error_set(err, LL_EINPUT, "%s: refused: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc = LL_OK;
    if (fstat(fd, &st) != 0) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot stat: %s", path, strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = ll_error_set(err, LL_EINPUT, "%s: refused: is a directory", path);
        goto done;
    }
    if (S_ISREG(st.st_mode)) {
        if (st.st_size == 0)
            goto done;
#ifdef MAP_POPULATE
        /* Mapped whole at once: a page fault per 4 KiB read cost more. */
        int populate = MAP_POPULATE;
#else
        int populate = 0;
#endif
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | populate, fd, 0);
        if (m != MAP_FAILED) {
            madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
            fb->data = m;
            fb->len = (size_t)st.st_size;
            fb->mapped = 1;
            goto done;
        }
    }
    /* Not a regular file, or not mappable: read it. */
    size_t cap = 0;
    for (;;) {
        if (fb->len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(fb->data, cap);
            if (nb == NULL) {
                rc = ll_error_set(err, LL_ENOMEM, "%s: out of memory reading the file", path);
                goto done;
            }
            fb->data = nb;
        }
        ssize_t n = read(fd, fb->data + fb->len, cap - fb->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = ll_error_set(err, LL_EIO, "%s: cannot read: %s", path, strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        fb->len += (size_t)n;
    }
done:
    close(fd);
    return rc;
}

static void unload_file(filebuf *fb)
{
    if (fb->mapped)
        munmap(fb->data, fb->len);
    else
        free(fb->data);
    memset(fb, 0, sizeof *fb);
}

/* Physical line of byte off (off < the buffer's length). */
static long line_of(const char *buf, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n'))
            line++;
    return line;
}

static int check_text(ictx *c)
{
    size_t bad;
    if (c->len == 0)
        return refuse(c, "empty file: no header row, so the kind is unknown");
    if (ll_utf8_check(c->buf, c->len, &bad) != LL_OK) {
        unsigned char b = (unsigned char)c->buf[bad];
        if (b == 0)
            return refuse(c, "line %ld: a NUL byte: not a text (CSV) file", line_of(c->buf, bad));
        return refuse(c, "line %ld: byte 0x%02X is not UTF-8 (save the file as UTF-8)",
                      line_of(c->buf, bad), b);
    }
    return LL_OK;
}

/* ---- the header row ---------------------------------------------------- */

/* 1 when the kind's own table lists this never-stored column (SPEC 2.1). */
static int listed_never(ll_ingest_kind kind, const char *name)
{
    if (kind == LL_KIND_HEADER)
        return !strcasecmp(name, "UPN") || !strcasecmp(name, "MC_DOB");
    if (kind == LL_KIND_EPISODES)
        return !strcasecmp(name, "HOME_POST") || !strcasecmp(name, "PL_POST") ||
               !strcasecmp(name, "URN");
    return 0;
}

/* Adds a column name to the notice of ignored columns (cut short with
 * "..." when there are very many). */
static void add_unused(ictx *c, const char *name)
{
    size_t o = strlen(c->unused);
    if (o + strlen(name) + 16 < sizeof c->unused)
        snprintf(c->unused + o, sizeof c->unused - o, "%s%s", o ? ", " : "",
                 name[0] ? name : "(no name)");
    else if (o + 8 < sizeof c->unused && strcmp(c->unused + o - 3, "...") != 0)
        snprintf(c->unused + o, sizeof c->unused - o, ", ...");
}

/* A stacked extract needs both LA and YEAR; one alone is ignored. */
static void check_stacked(ictx *c)
{
    const ll_tablespec *t = c->t;
    if (!t->dfe)
        return;
    int la = c->colidx[t->col_la], year = c->colidx[t->col_year];
    if (la >= 0 && year >= 0) {
        c->res->stacked = 1;
        return;
    }
    for (int k = 0; k < 2; k++) {
        int j = k == 0 ? t->col_la : t->col_year;
        if (c->colidx[j] >= 0) {
            c->blank[c->colidx[j]] = 1;
            add_unused(c, k == 0 ? "LA (used only with YEAR)" : "YEAR (used only with LA)");
            c->colidx[j] = -1;
        }
    }
}

static int map_columns(ictx *c, const ll_csv_row *h)
{
    const ll_tablespec *t = c->t;
    c->nheader = h->nfields;
    c->blank = calloc(c->nheader + 1, 1);
    if (c->blank == NULL)
        return ll_error_set(c->err, LL_ENOMEM, "%s: out of memory", c->path);
    for (size_t j = 0; j < t->ncols; j++)
        c->colidx[j] = -1;
    for (size_t i = 0; i < h->nfields; i++) {
        const char *name = h->field[i];
        c->blank[i] = 1;
        if (ll_ingest_never_stored(name)) {
            if (!listed_never(t->kind, name))
                add_unused(c, name);
            continue;
        }
        size_t j = 0;
        while (j < t->ncols && strcasecmp(name, t->cols[j].name) != 0)
            j++;
        if (j == t->ncols) {
            add_unused(c, name);
        } else if (c->colidx[j] >= 0) {
            return refuse(c, "column %s appears twice in the header", t->cols[j].name);
        } else {
            c->colidx[j] = (int)i;
            /* Only the stored columns survive in a quarantined raw line. */
            c->blank[i] = t->cols[j].dbcol == NULL && t->cols[j].type != LL_CT_LA &&
                          t->cols[j].type != LL_CT_YEAR;
        }
    }
    for (size_t j = 0; j < t->ncols; j++)
        if (t->cols[j].req_col && c->colidx[j] < 0)
            return refuse(c, "required column %s is missing (a %s file needs it)",
                          t->cols[j].name, ll_ingest_kind_name(t->kind));
    check_stacked(c);
    return LL_OK;
}

/* A header row split by semicolons or tabs instead of commas. */
static int check_delimiter(ictx *c, const ll_csv_row *h)
{
    const char *raw = c->buf + h->raw_off;
    size_t semi = 0, tab = 0;
    for (size_t i = 0; i < h->raw_len; i++) {
        if (raw[i] == ',')
            return LL_OK;
        semi += raw[i] == ';';
        tab += raw[i] == '\t';
    }
    if (semi == 0 && tab == 0)
        return LL_OK;
    return refuse(c, "the header row is separated by %s, not commas: save the file as "
                     "comma-separated CSV", semi >= tab ? "semicolons (';')" : "tabs");
}

/* Reads the header row and sets the kind; for a stored kind, maps columns. */
static int read_header(ictx *c)
{
    ll_csv_row h;
    int rc = ll_csvread_next(c->rd, &h, c->err);
    if (rc == 0)
        return refuse(c, "no header row (the file holds only empty lines)");
    if (rc < 0)
        return with_path(c, rc);
    if (h.nfields > LL_CSV_MAX_FIELDS)
        return refuse(c, "the header has %zu columns (at most %d are accepted)", h.nfields,
                      LL_CSV_MAX_FIELDS);
    if ((rc = check_delimiter(c, &h)) != LL_OK)
        return rc;
    c->res->kind = ll_ingest_recognise(&h);
    if (c->res->kind == LL_KIND_UNKNOWN) {
        char shown[64];
        size_t n = h.raw_len < 60 ? h.raw_len : 60;
        while (n > 0 && n < h.raw_len && ((unsigned char)c->buf[h.raw_off + n] & 0xC0) == 0x80)
            n--;
        memcpy(shown, c->buf + h.raw_off, n);
        shown[n] = '\0';
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)shown[i] < 0x20)
                shown[i] = '?';
        return refuse(c, "the header row names no known table (kind unknown): \"%s%s\"", shown,
                      n < h.raw_len ? "..." : "");
    }
    if (c->res->kind == LL_KIND_SKIPPED)
        return LL_OK;
    c->t = ll_ingest_spec(c->res->kind);
    c->data_start = ll_csvread_offset(c->rd);
    c->data_line = ll_csvread_line(c->rd);
    return map_columns(c, &h);
}

static int pick_year(ictx *c)
{
    int from_path = 0;
    int has = ll_ingest_year_from_path(&from_path, c->path) == LL_OK;
    if (!c->t->dfe)
        return LL_OK;
    if (c->res->stacked) {
        notice(c, "a stacked extract: each row's LA and YEAR columns give its la and year "
                  "(--la and --year are ignored)");
        return LL_OK;
    }
    if (c->opt->year != 0) {
        c->res->year = c->opt->year;
        if (has && from_path != c->opt->year)
            notice(c, "the path names year %d; the year given, %d, is used", from_path,
                   c->opt->year);
        return LL_OK;
    }
    if (!has) {
        const char *base = strrchr(c->path, '/');
        return refuse(c, "no collection year: the path names none (as in 903/2023/%s) "
                         "and none was given (--year)", base ? base + 1 : c->path);
    }
    c->res->year = from_path;
    return LL_OK;
}

static void hash_file(ictx *c)
{
    static const char hex[] = "0123456789abcdef";
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, c->len, (const uint8_t *)c->buf);
    sha256_digest(&h, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        c->sha[2 * i] = hex[d[i] >> 4];
        c->sha[2 * i + 1] = hex[d[i] & 15];
    }
    c->sha[sizeof c->sha - 1] = '\0';
}

/* ---- the returns ----------------------------------------------------------- */

/* Index of the return (la, year), added when new; negative on error. */
static int return_of(ictx *c, const char *la, size_t la_len, int year)
{
    size_t last = c->last_ret;
    if (last < c->nret && c->rets[last].year == year && strlen(c->rets[last].la) == la_len &&
        memcmp(c->rets[last].la, la, la_len) == 0)
        return (int)last;
    for (size_t i = 0; i < c->nret; i++)
        if (c->rets[i].year == year && strlen(c->rets[i].la) == la_len &&
            memcmp(c->rets[i].la, la, la_len) == 0)
            return (int)(c->last_ret = i);
    if (c->nret == c->capret) {
        size_t cap = c->capret ? 2 * c->capret : 4;
        iret *nr = realloc(c->rets, cap * sizeof *nr);
        if (nr == NULL)
            return ll_error_set(c->err, LL_ENOMEM, "%s: out of memory", c->path);
        c->rets = nr;
        c->capret = cap;
    }
    iret *r = &c->rets[c->nret];
    memset(r, 0, sizeof *r);
    r->la = strndup(la, la_len);
    if (r->la == NULL)
        return ll_error_set(c->err, LL_ENOMEM, "%s: out of memory", c->path);
    r->year = year;
    return (int)c->nret++;
}

static void free_returns(ictx *c)
{
    for (size_t i = 0; i < c->nret; i++) {
        free(c->rets[i].la);
        free(c->rets[i].old_path);
    }
    free(c->rets);
    free(c->file_ids);
}

/* "la X, year Y" of a return, for messages. */
static const char *ret_name(ictx *c, const iret *r, char *buf, size_t size)
{
    if (c->t->dfe)
        snprintf(buf, size, "la %s, year %d", r->la, r->year);
    else
        snprintf(buf, size, "la %s", r->la);
    return buf;
}

/* ---- the files table ---------------------------------------------------- */

static void bind_file_key(ictx *c, sqlite3_stmt *st, const iret *r)
{
    sqlite3_bind_text(st, 1, ll_ingest_kind_name(c->t->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->la, -1, SQLITE_STATIC);
    if (c->t->dfe)
        sqlite3_bind_int(st, 3, r->year);
    else
        sqlite3_bind_null(st, 3);
}

int ll_ingest_batch_start(long long *out, sqlite3 *db, ll_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = 1;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(file_id), 0) + 1 FROM files", -1, &st,
                           NULL) != SQLITE_OK)
        return ll_error_set(err, LL_EDB, "database: %s", sqlite3_errmsg(db));
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return ll_error_set(err, LL_EDB, "database: %s", sqlite3_errmsg(db));
    return LL_OK;
}

/* *same: 1 when the file now stored for r's kind, la and year has this
 * content; r->old_path gets its path when there is one, *batch 1 when it
 * was stored in this batch (opt->batch). */
static int find_stored(ictx *c, iret *r, int *same, int *batch)
{
    sqlite3_stmt *st = NULL;
    *same = *batch = 0;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT sha256, path, file_id FROM files WHERE kind=?1 AND la=?2"
                           " AND year IS ?3 ORDER BY file_id DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(c, "find file");
    bind_file_key(c, st, r);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *same = strcmp((const char *)sqlite3_column_text(st, 0), c->sha) == 0;
        *batch = c->opt->batch > 0 && sqlite3_column_int64(st, 2) >= c->opt->batch;
        r->old_path = strdup((const char *)sqlite3_column_text(st, 1));
        rc = r->old_path ? SQLITE_DONE : SQLITE_NOMEM;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? LL_OK : db_fail(c, "find file");
}

/* A resubmitted DfE return: forget every row of the earlier file(s).  The
 * rows of a return's file all have its la, the first column of the data
 * tables' keys, so the search for them is limited to that la's rows (the
 * data tables have no index on file_id: keeping one made a large ingest
 * write a second B-tree, a third of the database's size). */
static int drop_earlier(ictx *c, const iret *r)
{
    char sql[512];
    const char *ids = "SELECT file_id FROM files WHERE kind=?1 AND la=?2 AND year IS ?3";
    const char *tables[] = {c->t->table, "quarantine", "rec_set_aside", "files"};
    for (int k = 0; k < 4; k++) {
        sqlite3_stmt *st = NULL;
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %sfile_id IN (%s)", tables[k],
                 k == 0 ? "la = ?2 AND " : "", ids);
        if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
            return db_fail(c, "replace file");
        bind_file_key(c, st, r);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_fail(c, "replace file");
    }
    return LL_OK;
}

static int add_file(ictx *c, iret *r)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "INSERT INTO files(kind, la, year, path, sha256, ingested_at)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(c, "add file");
    bind_file_key(c, st, r);
    sqlite3_bind_text(st, 4, c->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->sha, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(c, "add file");
    r->file_id = sqlite3_last_insert_rowid(c->db);
    return LL_OK;
}

static int update_counts(ictx *c, const iret *r)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "UPDATE files SET n_read=?1, n_stored=?2, n_duplicates=?3,"
                           " n_quarantined=?4 WHERE file_id=?5", -1, &st, NULL) != SQLITE_OK)
        return db_fail(c, "update file");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)r->n_read);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)r->n_stored);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)r->n_duplicates);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)r->n_quarantined);
    sqlite3_bind_int64(st, 5, r->file_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? LL_OK : db_fail(c, "update file");
}

/* ---- rows ---------------------------------------------------------------- */

/* Reads again the row at r with reader rd. */
static int reread(ictx *c, ll_csvread *rd, const ll_rowref *r, ll_csv_row *row)
{
    int rc = ll_csvread_reset(rd, c->buf, r->raw_off, r->raw_off + r->raw_len, r->line, c->err);
    if (rc == LL_OK)
        rc = ll_csvread_next(rd, row, c->err);
    if (rc == 1)
        return LL_OK;
    if (rc == 0)
        rc = ll_error_set(c->err, LL_EINTERNAL, "line %ld: cannot read the row again", r->line);
    return with_path(c, rc);
}

static int same_fields(const ll_csv_row *a, const ll_csv_row *b)
{
    if (a->nfields != b->nfields)
        return 0;
    for (size_t i = 0; i < a->nkept; i++)
        if (a->len[i] != b->len[i] || memcmp(a->field[i], b->field[i], a->len[i]) != 0)
            return 0;
    return 1;
}

/* A later row with the key of an earlier one: an exact duplicate when
 * every field has the same text (SPEC 2.1), else a key conflict. */
static int on_repeat(void *ctx, const ll_rowref *first, const ll_rowref *later)
{
    ictx *c = ctx;
    int same = first->raw_len == later->raw_len &&
               memcmp(c->buf + first->raw_off, c->buf + later->raw_off, first->raw_len) == 0;
    if (!same) {
        ll_csv_row a, b;
        int rc = reread(c, c->rd, first, &a);
        if (rc == LL_OK)
            rc = reread(c, c->rd2, later, &b);
        if (rc != LL_OK)
            return rc;
        same = same_fields(&a, &b);
    }
    if (same)
        return 1;
    ll_qrow q = {*later, LL_RULE_DUPLICATE_KEY, -1, first->line, 0};
    int rc = ll_scan_add_q(&c->scan, &q, c->err);
    return rc != LL_OK ? with_path(c, rc) : 0;
}

/* The raw line with every column that is not stored blanked: names,
 * addresses and never-stored identifiers never reach the database.  When
 * the field count is wrong, fields cannot be matched to columns, so no
 * field is kept. */
static int blank_raw(ictx *c, const ll_csv_row *row, size_t *n)
{
    if (row->raw_len + 1 > c->rawcap) {
        size_t cap = c->rawcap ? c->rawcap : 4096;
        while (cap < row->raw_len + 1)
            cap *= 2;
        char *nb = realloc(c->raw, cap);
        if (nb == NULL)
            return ll_error_set(c->err, LL_ENOMEM, "%s: out of memory", c->path);
        c->raw = nb;
        c->rawcap = cap;
    }
    const char *src = c->buf + row->raw_off;
    if (row->nfields != c->nheader)
        *n = ll_csv_blank_fields(c->raw, src, row->raw_len, c->blank, 0, 1);
    else
        *n = ll_csv_blank_fields(c->raw, src, row->raw_len, c->blank, c->nheader, 1);
    return LL_OK;
}

static int quarantine(ictx *c, const ll_qrow *q)
{
    char reason[512];
    ll_csv_row row;
    size_t n = 0;
    int bad;
    long long file_id = c->file_ids[q->ret];
    if (file_id == 0)
        return LL_OK; /* its return is an identical re-ingest */
    int rc = reread(c, c->rd, &q->where, &row);
    if (rc != LL_OK)
        return rc;
    ll_ingest_check_row(c->t, c->colidx, c->nheader, &row, &c->dflt, c->vals, &bad);
    const char *col = q->bad >= 0 ? c->t->cols[q->bad].name : NULL;
    if (q->rule == LL_RULE_DUPLICATE_KEY)
        col = c->t->cols[0].name;
    ll_ingest_reason(reason, sizeof reason, c->t, q->rule, q->bad, c->vals, &row, c->nheader,
                     q->first_line);
    if ((rc = blank_raw(c, &row, &n)) != LL_OK)
        return rc;
    sqlite3_stmt *st = c->qins;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, row.line);
    sqlite3_bind_text(st, 3, ll_ingest_rule_name(q->rule), -1, SQLITE_STATIC);
    if (col != NULL)
        sqlite3_bind_text(st, 4, col, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, c->raw, (int)n, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_fail(c, "quarantine row");
    c->res->n_rule[q->rule]++;
    notify(c, LL_MSG_QUARANTINE, row.line, q->rule, col, reason);
    return LL_OK;
}

static int by_line(const void *a, const void *b)
{
    long la = ((const ll_qrow *)a)->where.line, lb = ((const ll_qrow *)b)->where.line;
    return la < lb ? -1 : la > lb;
}

static int quarantine_all(ictx *c)
{
    if (c->scan.nq == 0)
        return LL_OK;
    if (sqlite3_prepare_v2(c->db,
                           "INSERT INTO quarantine(file_id, line, rule, col, reason, raw)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6)", -1, &c->qins, NULL) != SQLITE_OK)
        return db_fail(c, "prepare quarantine");
    qsort(c->scan.q, c->scan.nq, sizeof *c->scan.q, by_line);
    for (size_t i = 0; i < c->scan.nq; i++) {
        int rc = quarantine(c, &c->scan.q[i]);
        if (rc != LL_OK)
            return rc;
    }
    return LL_OK;
}

static int workers(const ll_ingest_options *opt)
{
    long n = opt->threads > 0 ? opt->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Checks every row (nothing is stored yet). */
static int scan_rows(ictx *c)
{
    ll_scan_in in = {c->t, c->colidx, c->nheader, c->dflt, c->buf, c->data_start, c->len,
                     c->data_line, workers(c->opt), 0, c->opt->progress,
                     c->opt->progress_ctx, c->path};
    int rc = ll_scan_rows(&c->scan, &in, c->err);
    return with_path(c, rc);
}

/* SPEC 2: a file where rows reach the date check and none passes it is
 * refused whole, showing the first value. */
static int check_dates(ictx *c)
{
    if (c->scan.n_date_reached == 0 || c->scan.n_date_passed > 0)
        return LL_OK;
    qsort(c->scan.q, c->scan.nq, sizeof *c->scan.q, by_line);
    for (size_t i = 0; i < c->scan.nq; i++) {
        const ll_qrow *q = &c->scan.q[i];
        ll_csv_row row;
        int bad, rc;
        if (q->rule != LL_RULE_BAD_DATE)
            continue;
        if ((rc = reread(c, c->rd, &q->where, &row)) != LL_OK)
            return rc;
        ll_ingest_check_row(c->t, c->colidx, c->nheader, &row, &c->dflt, c->vals, &bad);
        if (bad < 0 || c->vals[bad].n == 0)
            continue;
        char shown[48];
        snprintf(shown, sizeof shown, "%.40s", c->vals[bad].s);
        for (char *p = shown; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = '?';
        return refuse(c, "no row has a date in an accepted form (the first: %s '%s', line %ld); "
                         "dates must be DD/MM/YYYY (9/4/2019 too) or YYYY-MM-DD, optionally "
                         "followed by a midnight time 00:00, 00:00:00 or T00:00:00",
                      c->t->cols[bad].name, shown, row.line);
    }
    return LL_OK;
}

static int collect_fn(void *ctx, const char *la, size_t la_len, int year, int fate)
{
    (void)fate;
    int r = return_of(ctx, la, la_len, year);
    return r < 0 ? r : 0;
}

static int assign_fn(void *ctx, const char *la, size_t la_len, int year, int fate)
{
    ictx *c = ctx;
    /* A plain file is one return, whatever LA its rows name (comparison.csv). */
    int r = c->res->stacked ? return_of(c, la, la_len, year) : 0;
    if (r < 0)
        return r;
    iret *ret = &c->rets[r];
    /* A key conflict is counted with the quarantined rows. */
    ret->n_read += fate != LL_ROW_CONFLICT;
    if (fate == LL_ROW_STORED)
        ret->n_stored++;
    else if (fate == LL_ROW_DUPLICATE)
        ret->n_duplicates++;
    return r;
}

static int by_la_year(const void *a, const void *b)
{
    const iret *x = *(const iret *const *)a, *y = *(const iret *const *)b;
    int c = strcmp(x->la, y->la);
    return c != 0 ? c : (x->year > y->year) - (x->year < y->year);
}

/* Puts the returns of a stacked extract in (la, year) order, so that
 * messages, files rows and the summary follow it; q->ret is renumbered. */
static int sort_returns(ictx *c)
{
    if (c->nret < 2) /* nothing to order (and no array at all when 0) */
        return LL_OK;
    iret **ps = malloc((c->nret + 1) * sizeof *ps);
    iret *sorted = malloc((c->nret + 1) * sizeof *sorted);
    unsigned *perm = malloc((c->nret + 1) * sizeof *perm);
    int rc = LL_OK;
    if (ps == NULL || sorted == NULL || perm == NULL) {
        rc = ll_error_set(c->err, LL_ENOMEM, "%s: out of memory", c->path);
        goto done;
    }
    for (size_t i = 0; i < c->nret; i++)
        ps[i] = &c->rets[i];
    qsort(ps, c->nret, sizeof *ps, by_la_year);
    for (size_t i = 0; i < c->nret; i++) {
        sorted[i] = *ps[i];
        perm[ps[i] - c->rets] = (unsigned)i;
    }
    memcpy(c->rets, sorted, c->nret * sizeof *sorted);
    for (size_t i = 0; i < c->scan.nq; i++)
        if (c->scan.q[i].ret != UINT_MAX)
            c->scan.q[i].ret = perm[c->scan.q[i].ret];
done:
    free(ps);
    free(sorted);
    free(perm);
    return rc;
}

/* The return of each quarantined row of a stacked extract: its own LA and
 * YEAR when both are valid, else UINT_MAX. */
static int quarantined_returns(ictx *c)
{
    for (size_t i = 0; i < c->scan.nq; i++) {
        ll_qrow *q = &c->scan.q[i];
        ll_csv_row row;
        int bad, rc;
        q->ret = UINT_MAX;
        if ((rc = reread(c, c->rd, &q->where, &row)) != LL_OK)
            return rc;
        int rule = ll_ingest_check_row(c->t, c->colidx, c->nheader, &row, &c->dflt, c->vals, &bad);
        const ll_val *la = &c->vals[c->t->col_la], *y = &c->vals[c->t->col_year];
        if (rule == LL_RULE_FIELD_COUNT || la->n == 0 || y->i == 0)
            continue;
        int r = return_of(c, la->s, la->n, (int)y->i);
        if (r < 0)
            return r;
        q->ret = (unsigned)r;
    }
    return LL_OK;
}

/* Gives every row, stored or quarantined, its return.  A quarantined row
 * of a stacked extract goes with its own LA and YEAR when both are valid,
 * else with the first return in (la, year) order. */
static int assign_returns(ictx *c)
{
    int rc;
    if (c->res->stacked) {
        if ((rc = ll_rowstore_assign(c->scan.store, collect_fn, c)) != LL_OK ||
            (rc = quarantined_returns(c)) != LL_OK || (rc = sort_returns(c)) != LL_OK)
            return rc;
    } else {
        for (size_t i = 0; i < c->scan.nq; i++)
            c->scan.q[i].ret = 0;
    }
    if ((rc = ll_rowstore_assign(c->scan.store, assign_fn, c)) != LL_OK)
        return rc;
    for (size_t i = 0; i < c->scan.nq; i++) {
        ll_qrow *q = &c->scan.q[i];
        if (q->ret == UINT_MAX)
            q->ret = 0; /* no valid LA and YEAR: with the first return */
        if (q->ret < c->nret) {
            c->rets[q->ret].n_read++;
            c->rets[q->ret].n_quarantined++;
        }
    }
    return LL_OK;
}

/* Decides for each return: skip (identical), replace (with the checks of
 * SPEC 2.1) or add. */
static int plan_returns(ictx *c)
{
    char name[128];
    for (size_t i = 0; i < c->nret; i++) {
        iret *r = &c->rets[i];
        int same, batch;
        int rc = find_stored(c, r, &same, &batch);
        if (rc != LL_OK)
            return rc;
        ret_name(c, r, name, sizeof name);
        if (same) {
            notice(c, "identical to the %s file already stored for %s (%s): skipped",
                   ll_ingest_kind_name(c->t->kind), name, r->old_path);
            r->skip = 1;
            continue;
        }
        if (r->old_path == NULL || !c->t->dfe)
            continue;
        if (batch)
            return refuse(c, "%s %s is also in %s, ingested by this command, with different "
                             "content: one of the two is not that return (check the years "
                             "in their paths, or give them separately)",
                          ll_ingest_kind_name(c->t->kind), name, r->old_path);
        if (r->n_stored == 0 && !c->opt->allow_empty)
            return refuse(c, "a resubmitted %s return for %s that would store no row (%s); "
                             "the return stored from %s is kept (--allow-empty replaces it "
                             "anyway)",
                          ll_ingest_kind_name(c->t->kind), name,
                          r->n_read == 0 ? "no data rows" : "every row quarantined",
                          r->old_path);
    }
    return LL_OK;
}

/* Stores the returns planned: replaces earlier files, adds the files rows,
 * then the quarantined and the good rows. */
static int store_returns(ictx *c)
{
    char name[128];
    int rc;
    c->file_ids = calloc(c->nret + 1, sizeof *c->file_ids);
    if (c->file_ids == NULL)
        return ll_error_set(c->err, LL_ENOMEM, "%s: out of memory", c->path);
    for (size_t i = 0; i < c->nret; i++) {
        iret *r = &c->rets[i];
        if (r->skip)
            continue;
        ret_name(c, r, name, sizeof name);
        if (r->old_path != NULL && c->t->dfe) {
            notice(c, "a resubmitted return: replaces the %s file stored for %s (%s)",
                   ll_ingest_kind_name(c->t->kind), name, r->old_path);
            c->res->replaced = 1;
            if ((rc = drop_earlier(c, r)) != LL_OK)
                return rc;
        } else if (r->old_path != NULL) {
            notice(c, "updates the %s rows stored from %s, child by child",
                   ll_ingest_kind_name(c->t->kind), r->old_path);
        }
        if ((rc = add_file(c, r)) != LL_OK)
            return rc;
        c->file_ids[i] = r->file_id;
    }
    if ((rc = quarantine_all(c)) != LL_OK)
        return rc;
    rc = ll_rowstore_insert(c->scan.store, c->db, c->la, c->file_ids, workers(c->opt) > 1,
                            &c->res->n_rec_set_aside, c->err);
    if (rc == LL_EDB && c->err != NULL) { /* rolled back with the file, as at the commit */
        char msg[LL_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", c->err->msg);
        return ll_error_set(c->err, rc, "%s: %s; nothing from this file was stored", c->path, msg);
    }
    if (rc != LL_OK)
        return with_path(c, rc);
    ll_ingest_result *res = c->res;
    for (size_t i = 0; i < c->nret; i++) {
        iret *r = &c->rets[i];
        if (r->skip)
            continue;
        if ((rc = update_counts(c, r)) != LL_OK)
            return rc;
        if (res->file_id == 0)
            res->file_id = r->file_id;
        res->file_id_last = r->file_id;
        res->n_returns++;
        res->n_read += r->n_read;
        res->n_stored += r->n_stored;
        res->n_duplicates += r->n_duplicates;
        res->n_quarantined += r->n_quarantined;
        res->year = res->n_returns == 1 && c->t->dfe ? r->year : 0;
    }
    return LL_OK;
}

/* ---- one file, start to end ------------------------------------------- */

static void closing_notices(ictx *c)
{
    const ll_ingest_result *r = c->res;
    if (r->n_read == 0 && r->n_returns > 0)
        notice(c, "no data rows: an empty %s table, stored as such",
               ll_ingest_kind_name(c->t->kind));
    if (c->scan.n_blank > 0)
        notice(c, "%zu row%s of only commas skipped as blank lines", c->scan.n_blank,
               c->scan.n_blank == 1 ? "" : "s");
    if (c->scan.n_old_place > 0)
        notice(c, "%zu row%s use%s the older PLACE codes A2 or R4 (accepted)",
               c->scan.n_old_place, c->scan.n_old_place == 1 ? "" : "s",
               c->scan.n_old_place == 1 ? "s" : "");
    if (r->n_duplicates > 0)
        notice(c, "%zu exact duplicate row%s (loaded once)", r->n_duplicates,
               r->n_duplicates == 1 ? "" : "s");
    if (r->n_rec_set_aside > 0)
        notice(c, "%zu open episode%s (no DEC) carr%s a REC: stored open, the REC set aside "
                  "(rule rec_without_dec in evaluate's data_quality.csv)",
               r->n_rec_set_aside, r->n_rec_set_aside == 1 ? "" : "s",
               r->n_rec_set_aside == 1 ? "ies" : "y");
}

/* Inside the transaction: skip, refuse, replace, store. */
static int store_file(ictx *c)
{
    int rc;
    if (!c->res->stacked) {
        /* A plain file is one return, known before its rows are read: an
         * identical re-ingest is skipped without reading them. */
        int r = return_of(c, c->la, strlen(c->la), c->res->year);
        if (r < 0)
            return r;
        int same, batch;
        if ((rc = find_stored(c, &c->rets[0], &same, &batch)) != LL_OK)
            return rc;
        if (same) {
            notice(c, "identical to the %s file already stored for la %s%s%.0d (%s): skipped",
                   ll_ingest_kind_name(c->t->kind), c->la, c->t->dfe ? ", year " : "",
                   c->res->year, c->rets[0].old_path);
            c->res->kind = LL_KIND_SKIPPED;
            c->res->year = 0;
            return LL_OK;
        }
        free(c->rets[0].old_path); /* plan_returns looks again */
        c->rets[0].old_path = NULL;
    }
    if ((rc = scan_rows(c)) != LL_OK || (rc = check_dates(c)) != LL_OK)
        return rc;
    if ((rc = ll_csvread_new(&c->rd2, c->buf, 0, c->err)) != LL_OK ||
        (rc = ll_rowstore_drop_repeats(c->scan.store, on_repeat, c)) != LL_OK ||
        (rc = assign_returns(c)) != LL_OK)
        return rc;
    c->res->n_blank = c->scan.n_blank;
    if (c->nret == 0) {
        if (c->scan.n_read > 0)
            return refuse(c, "no row of this stacked extract has a valid LA and YEAR");
        notice(c, "no data rows: an empty stacked extract, nothing stored");
        return LL_OK;
    }
    if ((rc = plan_returns(c)) != LL_OK)
        return rc;
    size_t stored = 0;
    for (size_t i = 0; i < c->nret; i++)
        stored += !c->rets[i].skip;
    if (stored == 0) {
        c->res->kind = LL_KIND_SKIPPED;
        c->res->year = 0;
        return LL_OK;
    }
    if (c->unused[0] != '\0')
        notice(c, "columns not used, ignored: %s", c->unused);
    if ((rc = store_returns(c)) != LL_OK)
        return rc;
    closing_notices(c);
    return LL_OK;
}

static int in_transaction(ictx *c)
{
    /* Rows go in in key order, so a modest page cache holds the pages being
     * filled; the setting lasts for the connection only. */
    if (sqlite3_exec(c->db, "PRAGMA cache_size=-16384", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(c, "cache size");
    if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(c, "begin");
    int rc = store_file(c);
    sqlite3_finalize(c->qins);
    c->qins = NULL;
    if (rc == LL_OK && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_fail(c, "commit");
    if (rc != LL_OK)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Checks the text, reads the header and picks the year: *go is 1 when the
 * file is then to be stored. */
static int read_start(ictx *c, int *go)
{
    *go = 0;
    int rc = check_text(c);
    if (rc == LL_OK)
        rc = ll_csvread_new(&c->rd, c->buf, c->len, c->err);
    if (rc == LL_OK)
        rc = read_header(c);
    if (rc != LL_OK)
        return rc;
    if (c->res->kind == LL_KIND_SKIPPED) {
        notice(c, "another 903 table (not used by lleval): skipped");
        return LL_OK;
    }
    if ((rc = pick_year(c)) != LL_OK)
        return rc;
    c->dflt.la = c->la;
    c->dflt.year = c->res->year;
    *go = 1;
    return LL_OK;
}

static void *hash_thread(void *arg)
{
    hash_file(arg);
    return NULL;
}

#define HASH_THREAD_MIN ((size_t)1 << 20) /* smaller files are hashed in turn */

static int ingest_buffer(ictx *c)
{
    /* The hash (which only writes c->sha) is computed on another thread
     * while the text is checked: each reads the whole file. */
    pthread_t th;
    int threaded = c->len >= HASH_THREAD_MIN && workers(c->opt) > 1 &&
                   pthread_create(&th, NULL, hash_thread, c) == 0;
    int go;
    int rc = read_start(c, &go);
    if (threaded)
        pthread_join(th, NULL);
    else if (go)
        hash_file(c);
    return go ? in_transaction(c) : rc;
}

static int check_options(const ll_ingest_options *opt, ll_error *err)
{
    if (opt->year != 0 && (opt->year < 2000 || opt->year > 2099))
        return ll_error_set(err, LL_EINPUT, "year %d is not a collection year (2000-2099)",
                            opt->year);
    return LL_OK;
}

int ll_ingest_file(ll_ingest_result *out, sqlite3 *db, const char *path,
                   const ll_ingest_options *opt, ll_error *err)
{
    static const ll_ingest_options defaults = {0};
    ictx c;
    filebuf fb;
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    if (opt == NULL)
        opt = &defaults;
    c.db = db;
    c.path = path;
    c.opt = opt;
    c.la = opt->la != NULL && opt->la[0] != '\0' ? opt->la : "LA";
    c.res = out;
    c.err = err;
    int rc = check_options(opt, err);
    if (rc == LL_OK)
        rc = load_file(&fb, path, err);
    if (rc != LL_OK) {
        out->refused = rc == LL_EINPUT;
        return rc;
    }
    c.buf = fb.data;
    c.len = fb.len;
    rc = ingest_buffer(&c);
    ll_csvread_free(c.rd);
    ll_csvread_free(c.rd2);
    ll_scan_out_free(&c.scan);
    free(c.blank);
    free_returns(&c);
    free(c.raw);
    unload_file(&fb);
    if (rc != LL_OK) {
        ll_ingest_kind kind = out->kind;
        memset(out, 0, sizeof *out);
        out->kind = kind == LL_KIND_SKIPPED ? LL_KIND_UNKNOWN : kind;
        out->refused = rc == LL_EINPUT;
    }
    return rc;
}
