/* Reading CSV records (RFC 4180) from a byte buffer with libcsv, keeping
 * what the ingest needs beyond the fields themselves: the physical line on
 * which each record starts and the record's raw bytes.
 *
 * The buffer is the whole file (mapped or read by the caller).  libcsv runs
 * in strict mode: a quote inside an unquoted field, text after a closing
 * quote, or a quoted field still open at the end of the buffer make the
 * buffer "not CSV".  Leading and trailing spaces and tabs of unquoted fields
 * are dropped (libcsv's behaviour); quoted fields keep them.  A UTF-8
 * byte-order mark at the start is skipped.  Line ends may be LF, CRLF or a
 * lone CR; the last record needs no line end.  Empty lines are skipped but
 * counted, so line numbers are those an editor shows.  (A line with no
 * quote is cut into fields by the reader itself, with the same rules, for
 * speed: test_ingest compares the two on random text.) */
#ifndef LLEVAL_CSVREAD_H
#define LLEVAL_CSVREAD_H

#include "lleval/error.h"

#include <stddef.h>

/* Most fields a record may keep.  A record with more fields reports the
 * true count in nfields but keeps only the first LL_CSV_MAX_FIELDS + 1. */
#define LL_CSV_MAX_FIELDS 1000
/* Longest field in bytes; a longer one makes the buffer unreadable. */
#define LL_CSV_MAX_FIELD_LEN 65536

typedef struct ll_csvread ll_csvread;

/* One record.  The field strings belong to the reader and stay valid until
 * the next call of ll_csvread_next or ll_csvread_reset. */
typedef struct ll_csv_row {
    size_t nfields;            /* fields in the record (may exceed nkept) */
    size_t nkept;              /* entries of field[] and len[] */
    const char *const *field;  /* NUL-terminated field text */
    const size_t *len;         /* byte length of each field */
    long line;                 /* physical line (1-based) of the first byte */
    size_t raw_off;            /* offset of the record's first byte in the buffer */
    size_t raw_len;            /* bytes of the record, without its line end */
} ll_csv_row;

/* Makes a reader over buf[0..len) (not copied: the caller keeps buf alive
 * and unchanged while the reader is used), skipping a byte-order mark at
 * its start.  Errors: LL_ENOMEM. */
int ll_csvread_new(ll_csvread **out, const char *buf, size_t len, ll_error *err);

/* Points r at buf[start..end), which starts on physical line `line`, and
 * starts reading there, keeping the reader's allocations.  Offsets in rows
 * stay relative to buf.  No byte-order mark is skipped (only a file's
 * first bytes can be one: see ll_csvread_new).  Errors: LL_ENOMEM. */
int ll_csvread_reset(ll_csvread *r, const char *buf, size_t start, size_t end, long line,
                     ll_error *err);

/* Reads the next record into *row.  Returns 1 for a record, 0 at the end of
 * the buffer, LL_EINPUT when the buffer is not CSV (the message names the
 * line) or holds a field longer than LL_CSV_MAX_FIELD_LEN, LL_ENOMEM. */
int ll_csvread_next(ll_csvread *r, ll_csv_row *row, ll_error *err);

/* Returned by ll_csvread_next, in open-end mode only, when the buffer
 * ends inside a record. */
#define LL_CSV_CUT 2

/* Open-end mode: the buffer may be the first part of a longer text, so a
 * record still open at its end is reported as LL_CSV_CUT instead of being
 * finished (or refused as an unclosed quote). */
void ll_csvread_set_open_end(ll_csvread *r, int on);

/* Bytes of the buffer consumed so far (for progress reports). */
size_t ll_csvread_offset(const ll_csvread *r);

/* Number of the next physical line to be read. */
long ll_csvread_line(const ll_csvread *r);

/* Physical lines ending in buf[from..to): LFs, CRLFs and lone CRs. */
long ll_csv_count_lines(const char *buf, size_t from, size_t to);

/* Frees r; NULL is a no-op. */
void ll_csvread_free(ll_csvread *r);

/* Checks that buf[0..len) is UTF-8 text: well-formed sequences only (no
 * overlong forms, surrogates or code points above U+10FFFF) and no NUL
 * byte.  Returns 0, or LL_EINPUT with *bad_off (may be NULL) set to the
 * offset of the first offending byte. */
int ll_utf8_check(const char *buf, size_t len, size_t *bad_off);

/* Copies the raw record raw[0..len) (as accepted by ll_csvread_next) into
 * out, a buffer of at least len + 1 bytes, with the text of every field
 * whose index i has blank[i] != 0 (i < nblank) removed, quotes included, so
 * that "a,\"b,c\",d" with field 1 blanked becomes "a,,d".  Fields at index
 * nblank or later are blanked when blank_rest is set.  Returns the length
 * written (out is NUL-terminated). */
size_t ll_csv_blank_fields(char *out, const char *raw, size_t len, const unsigned char *blank,
                           size_t nblank, int blank_rest);

#endif
