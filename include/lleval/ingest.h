/* Ingest: loading one CSV file (a DfE SSDA903 table, the programme records,
 * the explicit comparison group or item-level SDQ) into the lleval database
 * (SPEC section 2).
 *
 * A file's kind comes from its header row.  Every data row is validated
 * and either stored, counted as an exact duplicate, or recorded in the
 * quarantine table with the rule it broke, so that for every file
 * read = stored + duplicates + quarantined.  A file is one transaction:
 * a file refused whole (not UTF-8, not CSV, unknown kind, missing column,
 * no collection year, too many columns, a field too long) stores nothing.
 * UPN, HOME_POST, PL_POST, URN and MC_DOB are never written to the
 * database; in the raw line of a quarantined row every column that is not
 * stored is blanked (a field_count row keeps no field).  A DfE table with
 * LA and YEAR columns is a stacked extract: each row takes its la and year
 * from them, and each (la, year) is one return with its own files row.
 *
 * Stored values: dates as day numbers (lleval/date.h); SEX, Q1..Q25 and
 * the integer columns as integers; CONSENT as the text 'Y' or 'N';
 * IDENTITY_IMPROVED as 1 (Y) or 0 (N); other codes as their text; an empty
 * optional field as NULL. */
#ifndef LLEVAL_INGEST_H
#define LLEVAL_INGEST_H

#include "lleval/error.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stddef.h>

/* File kinds, named as in the summary CSV (ll_ingest_kind_name). */
typedef enum ll_ingest_kind {
    LL_KIND_UNKNOWN = 0,
    LL_KIND_HEADER,
    LL_KIND_EPISODES,
    LL_KIND_UASC,
    LL_KIND_OC2,
    LL_KIND_OC3,
    LL_KIND_LIFELONG_LINKS,
    LL_KIND_COMPARISON,
    LL_KIND_SDQ,
    LL_KIND_SKIPPED
} ll_ingest_kind;

/* Row rules, in the order they are checked (SPEC 2.6).  A row that breaks
 * several is recorded under the first. */
typedef enum ll_ingest_rule {
    LL_RULE_FIELD_COUNT = 0,
    LL_RULE_EMPTY_CHILD,
    LL_RULE_BAD_CHILD,  /* a CHILD in spreadsheet scientific notation, 1.66E+04 */
    LL_RULE_BAD_DATE,
    LL_RULE_BAD_CODE,
    LL_RULE_BAD_INTEGER,
    LL_RULE_OUT_OF_RANGE,
    LL_RULE_BAD_YN,
    LL_RULE_DEC_BEFORE_DECOM,
    LL_RULE_DEC_WITHOUT_REC,
    LL_RULE_SDQ_SCORE_AND_REASON,
    LL_RULE_DUPLICATE_KEY,
    LL_RULE_COUNT
} ll_ingest_rule;

/* What a message is about. */
typedef enum ll_ingest_msg_kind {
    LL_MSG_NOTICE = 0, /* information: ignored columns, skipped file, replaced file, ... */
    LL_MSG_QUARANTINE  /* one row was quarantined: line, rule, column and reason are set */
} ll_ingest_msg_kind;

/* A message given to the caller's notify function; its strings live only
 * for the duration of the call. */
typedef struct ll_ingest_msg {
    ll_ingest_msg_kind kind;
    const char *path;   /* the input file */
    long line;          /* physical line, 0 when not about one line */
    int rule;           /* an ll_ingest_rule for LL_MSG_QUARANTINE, else -1 */
    const char *column; /* the column named by the rule, or NULL */
    const char *text;   /* readable text (never holds a never-stored value) */
} ll_ingest_msg;

typedef void (*ll_ingest_notify_fn)(void *ctx, const ll_ingest_msg *msg);

/* Called every 65,536 rows and once at the end of a file's rows, from one
 * thread at a time (not always the caller's). */
typedef void (*ll_ingest_progress_fn)(void *ctx, const char *path, size_t bytes_done,
                                      size_t bytes_total);

typedef struct ll_ingest_options {
    const char *la;      /* local authority code; NULL or "" means "LA" */
    int year;            /* collection year 2000-2099, or 0: from the path */
    ll_ingest_notify_fn notify; /* may be NULL: messages are dropped */
    void *notify_ctx;
    ll_ingest_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    int threads;         /* most threads checking rows: 0 one per CPU (at most 8),
                            1 none (nor for the hash or the read-ahead of
                            rows); the outcome never depends on it */
    int allow_empty;     /* 1: a resubmission that stores no row replaces the
                            stored return anyway (--allow-empty) */
    long long batch;     /* 0, or ll_ingest_batch_start's mark: a different file of
                            a DfE table, la and year stored since the mark (in the
                            same command) is not replaced: the new one is refused */
} ll_ingest_options;

/* The outcome for one file. */
typedef struct ll_ingest_result {
    ll_ingest_kind kind;  /* LL_KIND_SKIPPED for another 903 table or an identical re-ingest */
    int year;             /* collection year of a DfE table, else 0 */
    int refused;          /* 1: refused whole, nothing stored, counts 0 */
    int replaced;         /* 1: replaced the earlier file of this table, la and year */
    int stacked;          /* 1: a stacked extract (LA and YEAR columns) */
    long long file_id;    /* files.file_id of the stored file (of its first return
                             for a stacked extract), else 0 */
    long long file_id_last; /* of its last return (file_id for a plain file) */
    size_t n_returns;     /* (la, year) returns stored from the file */
    size_t n_read, n_stored, n_duplicates, n_quarantined;
    size_t n_rule[LL_RULE_COUNT]; /* quarantined rows by rule */
    size_t n_rec_set_aside; /* episodes with REC and no DEC, stored open */
    size_t n_blank;       /* rows of only commas, skipped as blank lines (not read) */
} ll_ingest_result;

/* Ingests the file at path into db (opened with ll_db_open) in one
 * transaction (BEGIN IMMEDIATE ... COMMIT), and fills *out.
 *
 * Returns LL_OK when the file was stored (with or without quarantined
 * rows) or skipped; LL_EINPUT when it was refused whole (out->refused is 1
 * and err says why: no such file, not UTF-8, not CSV, semicolon- or
 * tab-separated, unknown kind, missing or repeated column, no collection
 * year, more than 1,000 columns, a field longer than 65,536 bytes, no row
 * with a date in an accepted form, a resubmission that would store no row
 * without opt->allow_empty, a second different file of one return in a
 * batch) or opt is invalid; LL_EIO when the file cannot
 * be read; LL_EDB or LL_ENOMEM on an internal failure.  On any error the
 * database is as it was before the call.  The caller must not be inside a
 * transaction on db.
 *
 * The file is mapped into memory and must not change during the call.  A
 * large file is checked by several threads (opt->threads), and unless
 * opt->threads is 1 its hash is computed, and its rows are read ahead for
 * the insert, on threads of their own.  Side effects on
 * db beyond the rows: PRAGMA cache_size is set to 16 MiB, and a virtual
 * table module "ll_ingest_rows" exists during the call only. */
int ll_ingest_file(ll_ingest_result *out, sqlite3 *db, const char *path,
                   const ll_ingest_options *opt, ll_error *err);

/* The mark that opens a batch (one command's files) for opt->batch: every
 * file stored after it is in the batch.  Errors: LL_EDB. */
int ll_ingest_batch_start(long long *out, sqlite3 *db, ll_error *err);

/* Collection year named by a path (SPEC 2): the year nearest the file
 * wins, its own name first, then its folders from the innermost outwards
 * (extract_2024/903/2019/header.csv is 2019); within one name the first.
 * A year is a run of exactly four digits 2000-2099 with no digit on either
 * side; a pair of consecutive years such as 2022-23, 2022_23 or 2022-2023
 * names the later one.  Returns LL_OK with *out set, or LL_EINPUT when the
 * path names no year. */
int ll_ingest_year_from_path(int *out, const char *path);

/* A YEAR value of a stacked extract (SPEC 2): the n bytes at s are four
 * digits 2000-2099 or a pair as above (2022-23, 2022_23, 2022-2023), with
 * nothing else.  Returns LL_OK with *out set, else LL_EINPUT. */
int ll_ingest_year_value(int *out, const char *s, size_t n);

/* Lower-case kind name: "header", "episodes", ..., "skipped", "unknown". */
const char *ll_ingest_kind_name(ll_ingest_kind kind);

/* Rule code name, e.g. "bad_date"; "?" for a value out of range. */
const char *ll_ingest_rule_name(int rule);

/* Writes the header line of the summary CSV
 * (file,kind,year,read,stored,duplicates,quarantined,refused). */
int ll_ingest_summary_header(FILE *f, ll_error *err);

/* Writes one summary CSV row for path and r (kind "unknown" and counts 0
 * when r is NULL).  Errors: LL_EIO. */
int ll_ingest_summary_row(FILE *f, const char *path, const ll_ingest_result *r, ll_error *err);

/* As ll_ingest_summary_row, but for a stacked extract (r->n_returns > 1)
 * one row per (la, year) return, read from db's files table.  Errors:
 * LL_EIO, LL_EDB. */
int ll_ingest_summary_rows(FILE *f, sqlite3 *db, const char *path, const ll_ingest_result *r,
                           ll_error *err);

#endif
