/* libFuzzer target for the CSV ingest (SPEC 2, 2.6): each input is written
 * to a file and ingested whole with ll_ingest_file into a fresh in-memory
 * copy of an empty lleval database.  Besides the sanitizers' checks it
 * asserts the contract:
 *   - the status is LL_OK or LL_EINPUT (anything else is a bug: the input
 *     is only a file, and there is memory and a database to spare);
 *   - a refused or skipped file stores nothing and has all counts 0;
 *   - a stored file: read = stored + duplicates + quarantined, the rules'
 *     counts add up to quarantined, the database holds exactly that many
 *     rows in the table and in the quarantine table, and the files row
 *     repeats the counts;
 *   - no value of a never-stored column (UPN, HOME_POST, PL_POST, URN,
 *     MC_DOB) reaches the database (see sensitive_values);
 *   - ingesting the same file again is skipped and changes nothing;
 *   - checking the rows in several parts on threads (cut every few
 *     bytes, not every 4 MiB) gives what one part gives;
 *   - the same file with CRLF line ends, or with a byte-order mark, gives
 *     the same outcome (SPEC 2: both are accepted);
 *   - progress reports stay within the file (done <= total).
 *
 * Built by `make fuzz` (clang -fsanitize=fuzzer,address,undefined).  The
 * same code replays fuzz/regressions/ under `make check`: tests/
 * test_reliability.c includes this file with LL_FUZZ_NO_MAIN and its own
 * FUZZ_CHECK. */
#include "lleval/csvread.h"
#include "lleval/db.h"
#include "lleval/ingest.h"

#include "../ingest/internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef FUZZ_CHECK
#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_ingest: check failed: %s: ", #cond);         \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)
#endif

/* Shortest never-stored value searched for: shorter ones occur by chance. */
#define FUZZ_MIN_SECRET 6

/* What lives across inputs: a temporary folder with the input file and an
 * empty database to copy.  libFuzzer's entry point has no context
 * argument, so this one is file-scope state (the only such in lleval). */
typedef struct fuzz_env {
    char dir[256];
    char path[280];
    char db[280];
    sqlite3 *empty; /* an empty lleval database, copied for each input */
} fuzz_env;

static fuzz_env fuzz_state;

static void fuzz_cleanup(void)
{
    fuzz_env *e = &fuzz_state;
    if (e->empty == NULL)
        return;
    ll_db_close(e->empty);
    e->empty = NULL;
    unlink(e->path);
    unlink(e->db);
    rmdir(e->dir);
}

/* Makes the folder and the empty database (once). */
static fuzz_env *fuzz_setup(void)
{
    fuzz_env *e = &fuzz_state;
    ll_error err;
    if (e->empty != NULL)
        return e;
    const char *tmp = getenv("TMPDIR");
    snprintf(e->dir, sizeof e->dir, "%s/lleval-fuzz-XXXXXX",
             tmp != NULL && tmp[0] != '\0' && strlen(tmp) < 200 ? tmp : "/tmp");
    FUZZ_CHECK(mkdtemp(e->dir) != NULL, "cannot make a temporary folder in %s", e->dir);
    int np = snprintf(e->path, sizeof e->path, "%s/input.csv", e->dir);
    int nd = snprintf(e->db, sizeof e->db, "%s/empty.db", e->dir);
    FUZZ_CHECK(np > 0 && (size_t)np < sizeof e->path && nd > 0 && (size_t)nd < sizeof e->db,
               "temporary folder name too long: %s", e->dir);
    FUZZ_CHECK(ll_db_open(&e->empty, e->db, 0, &err) == LL_OK, "%s", err.msg);
    atexit(fuzz_cleanup);
    return e;
}

/* A fresh in-memory copy of the empty database, set up as ll_db_open
 * sets up a connection. */
static sqlite3 *fresh_db(fuzz_env *e)
{
    sqlite3 *db = NULL;
    FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK, "sqlite3_open");
    sqlite3_backup *b = sqlite3_backup_init(db, "main", e->empty, "main");
    FUZZ_CHECK(b != NULL, "backup: %s", sqlite3_errmsg(db));
    FUZZ_CHECK(sqlite3_backup_step(b, -1) == SQLITE_DONE, "backup step");
    sqlite3_backup_finish(b);
    FUZZ_CHECK(sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", NULL, NULL,
                            NULL) == SQLITE_OK, "pragma");
    return db;
}

static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    FUZZ_CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
               sqlite3_errmsg(db));
    FUZZ_CHECK(sqlite3_step(st) == SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(db));
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Rows in every table that ingest writes. */
static long long all_rows(sqlite3 *db)
{
    return count(db, "SELECT (SELECT count(*) FROM files) + (SELECT count(*) FROM header)"
                     " + (SELECT count(*) FROM episodes) + (SELECT count(*) FROM uasc)"
                     " + (SELECT count(*) FROM oc2) + (SELECT count(*) FROM oc3)"
                     " + (SELECT count(*) FROM lifelong_links)"
                     " + (SELECT count(*) FROM comparison) + (SELECT count(*) FROM sdq_items)"
                     " + (SELECT count(*) FROM quarantine) + (SELECT count(*) FROM rec_set_aside)");
}

/* A growing byte buffer of '\n'-separated texts. */
typedef struct textbuf {
    char *s;
    size_t n, cap;
} textbuf;

static void tb_add(textbuf *b, const char *s, size_t n)
{
    if (b->n + n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 2)
            cap *= 2;
        b->s = realloc(b->s, cap);
        FUZZ_CHECK(b->s != NULL, "out of memory");
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n++] = '\n';
    b->s[b->n] = '\0';
}

static int is_secret_like(const char *s, size_t n)
{
    int digit = 0, alpha = 0;
    if (n < FUZZ_MIN_SECRET)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || !isalnum(c))
            return 0;
        digit |= isdigit(c) != 0;
        alpha |= isalpha(c) != 0;
    }
    return digit && alpha;
}

/* Values of never-stored columns that must not appear in the database:
 * those of rows whose field count matches the header (in other rows the
 * columns cannot be told apart) that are letters and digits (so they
 * cannot straddle two fields of a raw line), hold both (so no reason text
 * or number can spell one) and occur in no other field of the file.
 * Returns them '\n'-separated in secrets; false when the file cannot be
 * read (it was then refused, which the caller checks). */
static int sensitive_values(const char *buf, size_t len, textbuf *secrets)
{
    textbuf others = {0}, cand = {0};
    ll_csvread *rd = NULL;
    ll_csv_row row;
    ll_error err;
    unsigned char never[LL_CSV_MAX_FIELDS + 1];
    size_t nheader = 0;
    int ok = 0;
    if (ll_csvread_new(&rd, buf, len, &err) != LL_OK || ll_csvread_next(rd, &row, &err) != 1)
        goto done;
    nheader = row.nfields;
    for (size_t i = 0; i < row.nkept; i++) {
        never[i] = (unsigned char)ll_ingest_never_stored(row.field[i]);
        tb_add(&others, row.field[i], row.len[i]);
    }
    for (int rc; (rc = ll_csvread_next(rd, &row, &err)) != 0;) {
        if (rc < 0)
            goto done;
        for (size_t i = 0; i < row.nkept; i++) {
            if (row.nfields == nheader && never[i] && is_secret_like(row.field[i], row.len[i]))
                tb_add(&cand, row.field[i], row.len[i]);
            else if (!(row.nfields == nheader && never[i]))
                tb_add(&others, row.field[i], row.len[i]);
        }
    }
    ok = 1;
    for (char *s = cand.s, *nl; s != NULL && (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
        *nl = '\0';
        if (others.s == NULL || strstr(others.s, s) == NULL)
            tb_add(secrets, s, strlen(s));
    }
done:
    ll_csvread_free(rd);
    free(others.s);
    free(cand.s);
    return ok;
}

/* Every text the ingest may have written: the rows of table and of the
 * quarantine table, '\n'-separated. */
static void stored_text(sqlite3 *db, const char *table, textbuf *out)
{
    char sql[128];
    const char *queries[] = {sql, "SELECT raw, reason, col FROM quarantine"};
    snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
    for (int q = 0; q < 2; q++) {
        sqlite3_stmt *st = NULL;
        FUZZ_CHECK(sqlite3_prepare_v2(db, queries[q], -1, &st, NULL) == SQLITE_OK, "%s",
                   queries[q]);
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const unsigned char *t = sqlite3_column_text(st, i);
                if (t != NULL)
                    tb_add(out, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
            }
        sqlite3_finalize(st);
    }
}

static void check_privacy(sqlite3 *db, const char *table, const char *buf, size_t len)
{
    textbuf secrets = {0}, text = {0};
    if (!sensitive_values(buf, len, &secrets) || secrets.s == NULL)
        goto done;
    stored_text(db, table, &text);
    for (char *s = secrets.s, *nl; text.s != NULL && (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
        *nl = '\0';
        FUZZ_CHECK(strstr(text.s, s) == NULL, "never-stored value '%s' is in the database", s);
    }
done:
    free(secrets.s);
    free(text.s);
}

static void on_progress(void *ctx, const char *path, size_t done, size_t total);

/* Scans the data rows of a stored file of spec t with `workers` parts of
 * at least part_min bytes. */
static void scan_parts(ll_scan_out *out, const ll_tablespec *t, const char *buf, size_t len,
                       int workers, size_t part_min)
{
    static int colidx[LL_MAX_SPEC_COLS];
    ll_csvread *rd = NULL;
    ll_csv_row h;
    ll_error err;
    FUZZ_CHECK(ll_csvread_new(&rd, buf, len, &err) == LL_OK, "reader");
    FUZZ_CHECK(ll_csvread_next(rd, &h, &err) == 1, "the header of a stored file");
    for (size_t j = 0; j < t->ncols; j++) {
        colidx[j] = -1;
        for (size_t i = 0; i < h.nkept; i++)
            if (!ll_ingest_never_stored(h.field[i]) && !strcasecmp(h.field[i], t->cols[j].name))
                colidx[j] = (int)i;
    }
    ll_scan_in in = {t, colidx, h.nfields, {"LA", 2021}, buf, ll_csvread_offset(rd), len,
                     ll_csvread_line(rd), workers, part_min, on_progress, NULL, "fuzz"};
    ll_csvread_free(rd);
    FUZZ_CHECK(ll_scan_rows(out, &in, &err) == LL_OK, "scan in %d parts: %s", workers, err.msg);
}

static void check_parts(const ll_tablespec *t, const char *buf, size_t len)
{
    ll_scan_out one, many;
    scan_parts(&one, t, buf, len, 1, 0);
    scan_parts(&many, t, buf, len, 4, 1 + len / 16);
    FUZZ_CHECK(one.n_read == many.n_read && one.nq == many.nq &&
               ll_rowstore_count(one.store) == ll_rowstore_count(many.store) &&
               one.n_old_place == many.n_old_place,
               "parts: read %zu/%zu, quarantined %zu/%zu", one.n_read, many.n_read, one.nq,
               many.nq);
    for (size_t i = 0; i < one.nq; i++)
        FUZZ_CHECK(one.q[i].where.line == many.q[i].where.line &&
                   one.q[i].where.raw_off == many.q[i].where.raw_off &&
                   one.q[i].where.raw_len == many.q[i].where.raw_len &&
                   one.q[i].rule == many.q[i].rule && one.q[i].bad == many.q[i].bad,
                   "parts: quarantined row %zu differs", i);
    ll_scan_out_free(&one);
    ll_scan_out_free(&many);
}

typedef struct fuzz_msgs {
    size_t quarantined;
} fuzz_msgs;

static void on_progress(void *ctx, const char *path, size_t done, size_t total)
{
    (void)ctx;
    FUZZ_CHECK(path != NULL && done <= total, "progress %zu of %zu", done, total);
}

static void on_msg(void *ctx, const ll_ingest_msg *m)
{
    fuzz_msgs *g = ctx;
    FUZZ_CHECK(m->text != NULL && m->path != NULL, "a message without text");
    if (m->kind == LL_MSG_QUARANTINE) {
        FUZZ_CHECK(m->rule >= 0 && m->rule < LL_RULE_COUNT, "rule %d", m->rule);
        FUZZ_CHECK(m->line >= 2, "quarantined line %ld", m->line);
        g->quarantined++;
    }
}

static void check_stored(sqlite3 *db, const ll_ingest_result *r, const fuzz_msgs *m)
{
    char sql[256];
    size_t by_rule = 0;
    const ll_tablespec *t = ll_ingest_spec(r->kind);
    FUZZ_CHECK(t != NULL, "kind %d has no table", (int)r->kind);
    FUZZ_CHECK(r->n_read == r->n_stored + r->n_duplicates + r->n_quarantined,
               "read %zu != stored %zu + duplicates %zu + quarantined %zu", r->n_read,
               r->n_stored, r->n_duplicates, r->n_quarantined);
    for (int k = 0; k < LL_RULE_COUNT; k++)
        by_rule += r->n_rule[k];
    FUZZ_CHECK(by_rule == r->n_quarantined, "rules %zu != quarantined %zu", by_rule,
               r->n_quarantined);
    FUZZ_CHECK(m->quarantined == r->n_quarantined, "messages %zu != quarantined %zu",
               m->quarantined, r->n_quarantined);
    /* One files row per return: one for a plain file, one per (la, year)
     * for a stacked extract (LA and YEAR columns). */
    FUZZ_CHECK(r->file_id > 0 && r->file_id_last >= r->file_id &&
                   count(db, "SELECT count(*) FROM files") == (long long)r->n_returns,
               "files rows");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE file_id BETWEEN %lld AND %lld",
             t->table, r->file_id, r->file_id_last);
    FUZZ_CHECK(count(db, sql) == (long long)r->n_stored, "rows in %s != stored %zu", t->table,
               r->n_stored);
    FUZZ_CHECK(count(db, "SELECT count(*) FROM quarantine") == (long long)r->n_quarantined,
               "quarantine rows != %zu", r->n_quarantined);
    FUZZ_CHECK(count(db, "SELECT count(*) FROM files WHERE n_read <> n_stored + n_duplicates"
                         " + n_quarantined") == 0, "a files row's counts do not add up");
    snprintf(sql, sizeof sql, "SELECT sum(n_read)=%zu AND sum(n_stored)=%zu"
                              " AND sum(n_duplicates)=%zu AND sum(n_quarantined)=%zu FROM files",
             r->n_read, r->n_stored, r->n_duplicates, r->n_quarantined);
    FUZZ_CHECK(count(db, sql) == 1, "files row counts");
    FUZZ_CHECK(r->refused == 0 && r->replaced == 0, "flags");
}

static void check_nothing(sqlite3 *db, const ll_ingest_result *r)
{
    FUZZ_CHECK(r->n_read + r->n_stored + r->n_duplicates + r->n_quarantined == 0,
               "counts not 0 for a file not stored");
    FUZZ_CHECK(all_rows(db) == 0, "a file not stored left rows");
}

/* Writes data to the input file. */
static void put_input(const fuzz_env *e, const void *data, size_t size)
{
    FILE *f = fopen(e->path, "wb");
    FUZZ_CHECK(f != NULL, "cannot write %s", e->path);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0, "cannot write %s", e->path);
}

/* Ingests data into a fresh database; returns the status. */
static int ingest_fresh(fuzz_env *e, const void *data, size_t size, ll_ingest_result *r,
                        ll_error *err)
{
    put_input(e, data, size);
    sqlite3 *db = fresh_db(e);
    ll_ingest_options opt = {"LA", 2021, NULL, NULL, NULL, NULL, 1, 0, 0};
    ll_error_clear(err);
    int rc = ll_ingest_file(r, db, e->path, &opt, err);
    sqlite3_close(db);
    return rc;
}

static void same_outcome(const ll_ingest_result *a, const ll_ingest_result *b, const char *how)
{
    FUZZ_CHECK(a->kind == b->kind && a->n_read == b->n_read && a->n_stored == b->n_stored &&
               a->n_duplicates == b->n_duplicates && a->n_quarantined == b->n_quarantined &&
               memcmp(a->n_rule, b->n_rule, sizeof a->n_rule) == 0,
               "%s: kind %s/%s read %zu/%zu stored %zu/%zu duplicates %zu/%zu quarantined "
               "%zu/%zu", how, ll_ingest_kind_name(a->kind), ll_ingest_kind_name(b->kind),
               a->n_read, b->n_read, a->n_stored, b->n_stored, a->n_duplicates, b->n_duplicates,
               a->n_quarantined, b->n_quarantined);
}

/* The file with every LF not after a CR made CRLF, and the file with a
 * byte-order mark, give the outcome r of the file itself.  Only for files
 * under 32 KiB, whose fields stay under the 64 KiB limit when their line
 * ends double. */
static void check_variants(fuzz_env *e, const uint8_t *data, size_t size,
                           const ll_ingest_result *r)
{
    ll_ingest_result v;
    ll_error err;
    if (size >= 32768)
        return;
    uint8_t *crlf = malloc(2 * size + 3);
    FUZZ_CHECK(crlf != NULL, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
            crlf[n++] = '\r';
        crlf[n++] = data[i];
    }
    int rc = ingest_fresh(e, crlf, n, &v, &err);
    FUZZ_CHECK(rc == LL_OK, "with CRLF line ends: status %d (%s)", rc, err.msg);
    same_outcome(r, &v, "with CRLF line ends");
    if (size < 3 || memcmp(data, "\xEF\xBB\xBF", 3) != 0) {
        memcpy(crlf, "\xEF\xBB\xBF", 3);
        memcpy(crlf + 3, data, size);
        rc = ingest_fresh(e, crlf, size + 3, &v, &err);
        FUZZ_CHECK(rc == LL_OK, "with a byte-order mark: status %d (%s)", rc, err.msg);
        same_outcome(r, &v, "with a byte-order mark");
    }
    free(crlf);
}

/* Ingests data[0..size) as one file; aborts (FUZZ_CHECK) when the contract
 * is broken. */
static void fuzz_one(const uint8_t *data, size_t size)
{
    fuzz_env *e = fuzz_setup();
    put_input(e, data, size);
    sqlite3 *db = fresh_db(e);
    fuzz_msgs m = {0};
    ll_ingest_options opt = {"LA", 2021, on_msg, &m, on_progress, NULL, 1, 0, 0};
    ll_ingest_result r;
    ll_error err;
    ll_error_clear(&err);
    int rc = ll_ingest_file(&r, db, e->path, &opt, &err);
    FUZZ_CHECK(rc == LL_OK || rc == LL_EINPUT, "status %d (%s)", rc, err.msg);
    if (rc == LL_EINPUT) {
        FUZZ_CHECK(r.refused == 1 && strstr(err.msg, "refused") != NULL, "refusal: %s", err.msg);
        check_nothing(db, &r);
    } else if (r.kind == LL_KIND_SKIPPED || r.n_returns == 0) {
        check_nothing(db, &r); /* another 903 table, or an empty stacked extract */
    } else {
        check_stored(db, &r, &m);
        check_privacy(db, ll_ingest_spec(r.kind)->table, (const char *)data, size);
        check_parts(ll_ingest_spec(r.kind), (const char *)data, size);
        long long before = all_rows(db);
        ll_ingest_result again;
        rc = ll_ingest_file(&again, db, e->path, &opt, &err);
        FUZZ_CHECK(rc == LL_OK && again.kind == LL_KIND_SKIPPED, "re-ingest: status %d kind %s",
                   rc, ll_ingest_kind_name(again.kind));
        FUZZ_CHECK(all_rows(db) == before, "re-ingest changed the database");
    }
    sqlite3_close(db);
    if (rc == LL_OK && r.kind != LL_KIND_SKIPPED && r.n_returns > 0)
        check_variants(e, data, size, &r);
}

#ifndef LL_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(data, size);
    return 0;
}
#endif
