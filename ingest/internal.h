/* Declarations shared by the ingest module's files (not a public API):
 * the description of each input table, row validation, and the set of
 * keys seen in one file. */
#ifndef LLEVAL_INGEST_INTERNAL_H
#define LLEVAL_INGEST_INTERNAL_H

#include "lleval/csvread.h"
#include "lleval/ingest.h"

#include <stddef.h>
#include <stdint.h>

/* Column types: how a value is checked. */
enum {
    LL_CT_CHILD, /* non-empty text (empty_child) */
    LL_CT_DATE,  /* DD/MM/YYYY or YYYY-MM-DD (bad_date) */
    LL_CT_CODE,  /* one of a code list (bad_code) */
    LL_CT_INT,   /* integer in [lo, hi] (bad_integer, out_of_range) */
    LL_CT_YN,    /* Y or N (bad_yn) */
    LL_CT_TEXT,  /* anything */
    LL_CT_LA,    /* LA: comparison.csv (overrides --la when filled) or a
                    stacked DfE extract (required: empty is bad_code) */
    LL_CT_YEAR   /* YEAR of a stacked DfE extract (bad_code unless a year) */
};

typedef struct ll_colspec {
    const char *name;                /* upper-case column name */
    unsigned char type;              /* LL_CT_* */
    unsigned char req_col;           /* the header must have it */
    unsigned char req_val;           /* empty breaks the type's rule */
    unsigned char as_int;            /* code or Y/N stored as an integer */
    const char *const *codes;        /* NULL-terminated list for LL_CT_CODE */
    long long lo, hi;                /* range for LL_CT_INT */
    const char *dbcol;               /* database column, NULL if not stored */
} ll_colspec;

#define LL_MAX_SPEC_COLS 40

typedef struct ll_tablespec {
    ll_ingest_kind kind;
    const char *table;   /* database table */
    int dfe;             /* a DfE table: has a year, replaced file by file */
    const ll_colspec *cols;
    size_t ncols;
    int key_date;        /* spec column of the key's date, or -1 */
    int key_text;        /* spec column of the key's second text, or -1 */
    int col_la;          /* spec column giving each row's la, or -1 */
    int col_year;        /* spec column giving each row's year (DfE), or -1 */
} ll_tablespec;

/* Values a row takes when it has no LA or YEAR column of its own. */
typedef struct ll_rowdflt {
    const char *la;
    int year;
} ll_rowdflt;

/* One checked value.  s points into the row (or at the la string). */
typedef struct ll_val {
    const char *s;
    size_t n;
    long long i; /* day number, integer, or 1/0 for Y/N */
    int null;
} ll_val;

/* The spec of a kind with stored rows, NULL for skipped or unknown. */
const ll_tablespec *ll_ingest_spec(ll_ingest_kind kind);

/* Kind of a file from its header fields (case-insensitive names). */
ll_ingest_kind ll_ingest_recognise(const ll_csv_row *header);

/* 1 when name (any case) is UPN, HOME_POST, PL_POST, URN or MC_DOB. */
int ll_ingest_never_stored(const char *name);

/* Checks one row against spec t, whose column j is field colidx[j] of the
 * row (-1: absent), in a file whose header has nheader fields.  Fills
 * vals[j] for every column.  Returns LL_RULE_COUNT when the row passes
 * every rule before duplicate_key, else the first rule broken with *bad
 * the spec column named (-1 for field_count). */
int ll_ingest_check_row(const ll_tablespec *t, const int *colidx, size_t nheader,
                        const ll_csv_row *row, const ll_rowdflt *dflt, ll_val *vals, int *bad);

/* 1 when every field of row is empty (a line of only commas, as
 * spreadsheets write below the data): read as a blank line. */
int ll_ingest_blank_row(const ll_csv_row *row);

/* 1 when a CHILD value is a number in scientific notation (bad_child). */
int ll_ingest_sci_child(const char *s, size_t n);

/* A readable reason for rule broken at spec column bad (see check_row),
 * naming the column and its value (shortened, control characters shown
 * as '?'); for duplicate_key, naming the key and first_line, the line of
 * the row stored with it.  Never reads a never-stored column. */
void ll_ingest_reason(char *buf, size_t size, const ll_tablespec *t, int rule, int bad,
                      const ll_val *vals, const ll_csv_row *row, size_t nheader,
                      long first_line);

/* 1 when t is episodes and the row's PLACE is an older code, A2 or R4. */
int ll_ingest_old_place(const ll_tablespec *t, const ll_val *vals);

/* SQLite's message for the last failure on db, with the system's reason
 * for an I/O failure (SQLite says only "disk I/O error" for a write refused
 * by a file size limit, without the reason).  Writes it to buf and returns
 * buf. */
const char *ll_ingest_db_msg(sqlite3 *db, char *buf, size_t size);

/* ---- rows kept for storing (store.c) ------------------------------------ */

/* Where a row is in the file. */
typedef struct ll_rowref {
    size_t raw_off, raw_len;
    long line;
} ll_rowref;

/* The good rows of a file (or of one part of it), kept compactly until
 * they are inserted in key order (SPEC 2.1 keys). */
typedef struct ll_rowstore ll_rowstore;

int ll_rowstore_new(ll_rowstore **out, const ll_tablespec *t, ll_error *err);
void ll_rowstore_free(ll_rowstore *s);
/* Copies the values of a checked row (vals as filled by check_row) and
 * where it is.  Rows must be added in file order.  Errors: LL_ENOMEM. */
int ll_rowstore_add(ll_rowstore *s, const ll_val *vals, const ll_rowref *where, ll_error *err);
size_t ll_rowstore_count(const ll_rowstore *s);
/* Sorts the rows on their key, rows with equal keys staying in file order.
 * Errors: LL_ENOMEM. */
int ll_rowstore_sort(ll_rowstore *s, ll_error *err);
/* Moves the sorted rows of src (which come after dst's in the file) into
 * the sorted dst, keeping it sorted; src is left empty.  Errors: LL_ENOMEM. */
int ll_rowstore_merge(ll_rowstore *dst, ll_rowstore *src, ll_error *err);
/* Called for each later row with the key of an earlier one (first): a
 * return of 1 counts it as an exact duplicate, 0 as a key conflict,
 * negative is an error that stops the walk. */
typedef int (*ll_repeat_fn)(void *ctx, const ll_rowref *first, const ll_rowref *later);
/* Walks the sorted rows and drops every row whose key an earlier row of
 * the file has, after calling fn for it (a key conflict is remembered as
 * such).  Returns 0 or fn's error. */
int ll_rowstore_drop_repeats(ll_rowstore *s, ll_repeat_fn fn, void *ctx);

/* What became of a row: stored, an exact duplicate, or a key conflict. */
enum { LL_ROW_STORED, LL_ROW_DUPLICATE, LL_ROW_CONFLICT };
/* Called for every row (after drop_repeats) with its la, year and fate;
 * returns the index of the return (la, year) it belongs to, or a negative
 * error. */
typedef int (*ll_return_fn)(void *ctx, const char *la, size_t la_len, int year, int fate);
/* Assigns every row its return.  Returns 0 or fn's error. */
int ll_rowstore_assign(ll_rowstore *s, ll_return_fn fn, void *ctx);

/* Inserts the rows not dropped into t's table, each with its la and year
 * (the spec's LA and YEAR columns; la when the table has no LA column) and
 * the file_id of its return, file_ids[ret] (0: the row is not stored, its
 * return being an identical re-ingest), in key order, by one INSERT ...
 * SELECT.  An episode with REC but no DEC is stored open, its REC moved to
 * the rec_set_aside table; *n_set_aside counts them.  With read_ahead set,
 * a second thread reads the records of a large store ahead.  Must run
 * inside the caller's transaction.  Errors: LL_EDB. */
int ll_rowstore_insert(ll_rowstore *s, sqlite3 *db, const char *la, const long long *file_ids,
                       int read_ahead, size_t *n_set_aside, ll_error *err);

/* ---- checking the rows of a file (scan.c) -------------------------------- */

/* A row to quarantine. */
typedef struct ll_qrow {
    ll_rowref where;
    int rule, bad;   /* as from check_row */
    long first_line; /* duplicate_key: line of the stored row */
    unsigned ret;    /* the return (la, year) it is recorded with */
} ll_qrow;

typedef struct ll_scan_in {
    const ll_tablespec *t;
    const int *colidx;
    size_t nheader;
    ll_rowdflt dflt;
    const char *buf;  /* the whole file */
    size_t start;     /* offset of the first data row */
    size_t end;       /* length of the file */
    long line;        /* physical line at start */
    int workers;      /* most threads to use (1: none) */
    size_t part_min;  /* smallest part given a thread (0: 4 MiB) */
    ll_ingest_progress_fn progress; /* may be NULL; called from one thread at a time */
    void *progress_ctx;
    const char *path;
} ll_scan_in;

typedef struct ll_scan_out {
    ll_rowstore *store;  /* good rows, sorted on the key */
    ll_qrow *q;          /* rows breaking a rule before duplicate_key, in line order */
    size_t nq, capq;
    size_t n_read;
    size_t n_old_place;  /* episodes with PLACE A2 or R4 */
    size_t n_blank;      /* rows of only commas, skipped as blank lines */
    size_t n_date_reached; /* rows reaching the date check with a date given */
    size_t n_date_passed;  /* rows passing it */
} ll_scan_out;

/* Checks every data row of in->buf from in->start, in parallel parts when
 * in->workers > 1 and the file is large (a part boundary is used only when
 * it is also a record boundary, so the result never depends on the number
 * of threads).  On success out holds the rows (the caller frees them with
 * ll_scan_out_free).  Errors: LL_EINPUT (not CSV, a field too long: the
 * message names the line), LL_ENOMEM, LL_EINTERNAL. */
int ll_scan_rows(ll_scan_out *out, const ll_scan_in *in, ll_error *err);
void ll_scan_out_free(ll_scan_out *out);
/* Appends q to out's list.  Errors: LL_ENOMEM. */
int ll_scan_add_q(ll_scan_out *out, const ll_qrow *q, ll_error *err);

#endif
