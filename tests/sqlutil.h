/* One-value queries of the test programs' databases. */
#ifndef LLEVAL_TEST_SQLUTIL_H
#define LLEVAL_TEST_SQLUTIL_H

#include "testutil.h"

#include <sqlite3.h>
#include <string.h>

/* sql prepared and stepped to its first row, which must exist (caller
 * finalizes). */
__attribute__((unused)) static sqlite3_stmt *tu_qrow(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(db));
    return st;
}

/* The first column of the first row of sql as an integer. */
__attribute__((unused)) static long long tu_qint(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = tu_qrow(db, sql);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The first column of the first row as text (caller frees; "" for NULL). */
__attribute__((unused)) static char *tu_qtext(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = tu_qrow(db, sql);
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char *v = strdup(t ? t : "");
    sqlite3_finalize(st);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* Asserts the number of rows of each table named in spec, a list
 * "table=n table=n ..." (e.g. "episodes=8369 files=47"). */
__attribute__((unused)) static void tu_assert_counts(sqlite3 *db, const char *spec)
{
    char table[64], sql[128];
    long long want;
    for (int used = 0; sscanf(spec, " %63[a-z_0-9]=%lld%n", table, &want, &used) == 2;
         spec += used) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
        long long got = tu_qint(db, sql);
        ck_assert_msg(got == want, "%s: %lld rows, want %lld", table, got, want);
    }
}

/* A query and the integer its first column must give. */
struct tu_query {
    const char *sql;
    long long want;
};

/* Asserts each query of the list, which ends with a NULL sql. */
__attribute__((unused)) static void tu_assert_queries(sqlite3 *db, const struct tu_query *q)
{
    for (; q->sql != NULL; q++) {
        long long got = tu_qint(db, q->sql);
        ck_assert_msg(got == q->want, "%s: %lld, want %lld", q->sql, got, q->want);
    }
}

#endif
