/* One-value queries of the test programs' databases. */
#ifndef LLEVAL_TEST_SQLUTIL_H
#define LLEVAL_TEST_SQLUTIL_H

#include "testutil.h"

#include <sqlite3.h>
#include <string.h>

/* The first column of the first row of sql as an integer. */
__attribute__((unused)) static long long tu_qint(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(db));
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The first column of the first row as text (caller frees; "" for NULL). */
__attribute__((unused)) static char *tu_qtext(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(db));
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char *v = strdup(t ? t : "");
    sqlite3_finalize(st);
    ck_assert_ptr_nonnull(v);
    return v;
}

#endif
