/* Database opening and schema.  The file is created 0600 before SQLite
 * touches it, because the rows are personal data even when anonymised. */
#include "lleval/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *SCHEMA =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE IF NOT EXISTS files(file_id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
    " kind TEXT NOT NULL, la TEXT, year INTEGER, sha256 TEXT NOT NULL,"
    " n_read INTEGER NOT NULL DEFAULT 0, n_stored INTEGER NOT NULL DEFAULT 0,"
    " n_duplicates INTEGER NOT NULL DEFAULT 0, n_quarantined INTEGER NOT NULL DEFAULT 0,"
    " ingested_at TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS files_kind ON files(kind, la, year);\n"
    "CREATE TABLE IF NOT EXISTS header(la TEXT NOT NULL, year INTEGER NOT NULL,"
    " child TEXT NOT NULL, sex INTEGER NOT NULL, dob INTEGER NOT NULL, ethnic TEXT,"
    " mother TEXT, file_id INTEGER NOT NULL, PRIMARY KEY(la, child, year)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS episodes(la TEXT NOT NULL, year INTEGER NOT NULL,"
    " child TEXT NOT NULL, decom INTEGER NOT NULL, rne TEXT NOT NULL, ls TEXT NOT NULL,"
    " cin TEXT NOT NULL, place TEXT NOT NULL, place_provider TEXT, dec INTEGER, rec TEXT,"
    " reason_place_change TEXT, file_id INTEGER NOT NULL,"
    " PRIMARY KEY(la, child, decom, year)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS uasc(la TEXT NOT NULL, year INTEGER NOT NULL,"
    " child TEXT NOT NULL, sex INTEGER NOT NULL, dob INTEGER NOT NULL, duc INTEGER,"
    " file_id INTEGER NOT NULL, PRIMARY KEY(la, child, year)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS oc2(la TEXT NOT NULL, year INTEGER NOT NULL,"
    " child TEXT NOT NULL, dob INTEGER NOT NULL, sdq_score INTEGER, sdq_reason TEXT,"
    " file_id INTEGER NOT NULL, PRIMARY KEY(la, child, year)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS oc3(la TEXT NOT NULL, year INTEGER NOT NULL,"
    " child TEXT NOT NULL, dob INTEGER NOT NULL, in_touch TEXT, activ TEXT, accom TEXT,"
    " file_id INTEGER NOT NULL, PRIMARY KEY(la, child, year)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS lifelong_links(la TEXT NOT NULL, child TEXT NOT NULL,"
    " referral_date INTEGER, consent TEXT NOT NULL, start_date INTEGER, fgc_date INTEGER,"
    " end_date INTEGER, connections_before INTEGER, connections_after INTEGER,"
    " identity_improved INTEGER, file_id INTEGER NOT NULL,"
    " PRIMARY KEY(la, child)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS comparison(la TEXT NOT NULL, child TEXT NOT NULL,"
    " index_date INTEGER NOT NULL, file_id INTEGER NOT NULL,"
    " PRIMARY KEY(la, child)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS sdq_items(la TEXT NOT NULL, child TEXT NOT NULL,"
    " date INTEGER NOT NULL, informant TEXT NOT NULL,"
    " q1 INTEGER, q2 INTEGER, q3 INTEGER, q4 INTEGER, q5 INTEGER, q6 INTEGER,"
    " q7 INTEGER, q8 INTEGER, q9 INTEGER, q10 INTEGER, q11 INTEGER, q12 INTEGER,"
    " q13 INTEGER, q14 INTEGER, q15 INTEGER, q16 INTEGER, q17 INTEGER, q18 INTEGER,"
    " q19 INTEGER, q20 INTEGER, q21 INTEGER, q22 INTEGER, q23 INTEGER, q24 INTEGER,"
    " q25 INTEGER, ebddiff INTEGER, distres INTEGER, imphome INTEGER, impfrie INTEGER,"
    " impclas INTEGER, impleis INTEGER, file_id INTEGER NOT NULL,"
    " PRIMARY KEY(la, child, date, informant)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS quarantine(file_id INTEGER NOT NULL, line INTEGER NOT NULL,"
    " rule TEXT NOT NULL, col TEXT, reason TEXT NOT NULL, raw TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS quarantine_file ON quarantine(file_id);\n"
    "CREATE TABLE IF NOT EXISTS rec_set_aside(la TEXT NOT NULL, year INTEGER NOT NULL,"
    " child TEXT NOT NULL, decom INTEGER NOT NULL, rec TEXT NOT NULL,"
    " file_id INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS rec_set_aside_file ON rec_set_aside(file_id);\n"
    "CREATE INDEX IF NOT EXISTS rec_set_aside_key ON rec_set_aside(la, child, decom, year);\n"
    "INSERT OR IGNORE INTO meta VALUES('schema_version', '1');\n";

int ll_db_exec(sqlite3 *db, const char *sql, ll_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = ll_error_set(err, LL_EDB, "database: %s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return rc;
    }
    return LL_OK;
}

/* Creates the file 0600 if it does not exist, so that SQLite never creates
 * it with the process umask. */
static int create_private(const char *path, ll_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
        close(fd);
        return LL_OK;
    }
    if (errno == EEXIST)
        return LL_OK;
    return ll_error_set(err, LL_EIO, "%s: cannot create database: %s", path, strerror(errno));
}

/* An lleval database, or an empty file that becomes one: refuses (as the
 * user's error, before anything is written) a file that is not SQLite at
 * all, such as a CSV given as --db, and another application's database. */
static int check_ours(sqlite3 *db, const char *path, ll_error *err)
{
    sqlite3_stmt *st = NULL;
    int n_tables = -1, has_meta = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT count(*), sum(name = 'meta') FROM sqlite_master"
                                " WHERE type = 'table'", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        n_tables = sqlite3_column_int(st, 0);
        has_meta = sqlite3_column_int(st, 1) > 0;
    }
    int ext = sqlite3_extended_errcode(db);
    sqlite3_finalize(st);
    if (n_tables < 0) {
        if ((ext & 0xff) == SQLITE_NOTADB)
            return ll_error_set(err, LL_EINPUT, "%s: not an lleval database (not an SQLite "
                                "file at all: give --db the database that 'lleval ingest' "
                                "made, or a new file name)", path);
        return ll_error_set(err, LL_EDB, "%s: cannot read the database: %s", path,
                            sqlite3_errmsg(db));
    }
    if (n_tables > 0 && !has_meta)
        return ll_error_set(err, LL_EINPUT, "%s: not an lleval database (an SQLite database of "
                            "another application: it was left unchanged)", path);
    if (n_tables > 0) {
        const char *q = "SELECT value FROM meta WHERE key = 'schema_version'";
        int found = 0;
        if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            found = 1;
        sqlite3_finalize(st);
        if (!found)
            return ll_error_set(err, LL_EINPUT, "%s: not an lleval database (its meta table "
                                "has no schema_version: it was left unchanged)", path);
    }
    return LL_OK;
}

int ll_db_open(sqlite3 **out, const char *path, int readonly, ll_error *err)
{
    sqlite3 *db = NULL;
    int rc = LL_OK;
    *out = NULL;
    if (!readonly && (rc = create_private(path, err)) != LL_OK)
        return rc;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot open database: %s", path,
                          db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(db, 5000);
    if ((rc = check_ours(db, path, err)) != LL_OK)
        goto done;
    /* SQLite falls back to read-only when the file is not writable. */
    if (!readonly && sqlite3_db_readonly(db, "main") == 1) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot write the database: the file is read-only "
                          "(no write permission)", path);
        goto done;
    }
    if (!readonly) {
        /* WAL gives per-transaction atomicity across a SIGKILL without a
         * home-made scheme; the -wal file inherits the database's mode.
         * The page size applies to a new database only (it must come
         * before WAL): 64 KiB pages made a million-row ingest about a fifth
         * faster than SQLite's 4 KiB (fewer pages to balance, write and
         * checkpoint), and the tables are read in key order. */
        rc = ll_db_exec(db, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL;"
                        " PRAGMA synchronous=NORMAL;", err);
        if (rc == LL_OK)
            rc = ll_db_exec(db, SCHEMA, err);
        if (rc != LL_OK) {
            char why[LL_ERROR_MSG_MAX]; /* err->msg cannot be both source and target */
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            ll_error_set(err, LL_EDB, "%s: not a usable lleval database (%s)", path, why);
            goto done;
        }
    }
    rc = ll_db_exec(db, "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", err);
done:
    if (rc != LL_OK) {
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return LL_OK;
}

void ll_db_close(sqlite3 *db)
{
    if (db != NULL)
        sqlite3_close(db);
}
