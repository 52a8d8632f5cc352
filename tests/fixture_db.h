/* Loading hand-made fixture CSV files straight into an lleval database,
 * so the derivation and matching tests do not depend on the ingest, and
 * deriving from it. */
#ifndef LLEVAL_TEST_FIXTURE_DB_H
#define LLEVAL_TEST_FIXTURE_DB_H

#include "csvutil.h"
#include "testutil.h"

#include "lleval/date.h"
#include "lleval/db.h"
#include "lleval/derive.h"
#include "lleval/error.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* One database column and where its value comes from. */
struct tu_colmap {
    const char *db;  /* database column */
    const char *csv; /* CSV column, or NULL for the constant */
    char type;       /* t text, i integer, d date, y Y/N as 1/0, c constant integer */
    long constant;
};

/* The column maps of the two 903 tables every fixture has. */
#define TU_NCOLS_EPISODES 11
#define TU_NCOLS_HEADER 7
__attribute__((unused)) static const struct tu_colmap tu_cols_episodes[TU_NCOLS_EPISODES] = {
    {"la", "LA", 't', 0},       {"year", "YEAR", 'i', 0},   {"child", "CHILD", 't', 0},
    {"decom", "DECOM", 'd', 0}, {"rne", "RNE", 't', 0},     {"ls", "LS", 't', 0},
    {"cin", "CIN", 't', 0},     {"place", "PLACE", 't', 0}, {"dec", "DEC", 'd', 0},
    {"rec", "REC", 't', 0},     {"file_id", NULL, 'c', 1}};
__attribute__((unused)) static const struct tu_colmap tu_cols_header[TU_NCOLS_HEADER] = {
    {"la", "LA", 't', 0},   {"year", "YEAR", 'i', 0}, {"child", "CHILD", 't', 0},
    {"sex", "SEX", 'i', 0}, {"dob", "DOB", 'd', 0},   {"ethnic", "ETHNIC", 't', 0},
    {"file_id", NULL, 'c', 1}};

static void tu_bind_value(sqlite3_stmt *st, int i, const struct tu_colmap *m, const char *v)
{
    long day;
    if (m->type == 'c') {
        sqlite3_bind_int64(st, i, m->constant);
    } else if (!v || !*v) {
        sqlite3_bind_null(st, i);
    } else if (m->type == 't') {
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    } else if (m->type == 'i') {
        sqlite3_bind_int64(st, i, atol(v));
    } else if (m->type == 'y') {
        sqlite3_bind_int(st, i, v[0] == 'Y');
    } else {
        ck_assert_msg(ll_date_parse(&day, v) == LL_OK, "bad date %s", v);
        sqlite3_bind_int64(st, i, day);
    }
}

/* Inserts every row of the CSV file at path into table, column by column
 * as m says; any failure fails the running test. */
__attribute__((unused)) static void tu_load_csv(sqlite3 *db, const char *path, const char *table,
                                                const struct tu_colmap *m, int nm)
{
    char line[1024], hdr[1024], sql[1024];
    char *hf[64], *f[64];
    FILE *in = fopen(path, "r");
    ck_assert_msg(in != NULL, "cannot open %s", path);
    ck_assert(fgets(hdr, sizeof hdr, in) != NULL);
    int nh = tu_csv_fields(hdr, hf, 64);
    int pos[64];
    snprintf(sql, sizeof sql, "INSERT INTO %s(", table);
    for (int k = 0; k < nm; k++) {
        pos[k] = -1;
        for (int h = 0; m[k].csv && h < nh; h++)
            if (!strcmp(hf[h], m[k].csv))
                pos[k] = h;
        ck_assert_msg(!m[k].csv || pos[k] >= 0, "%s: no column %s", path, m[k].csv);
        strcat(sql, m[k].db);
        strcat(sql, k + 1 < nm ? "," : ") VALUES(");
    }
    for (int k = 0; k < nm; k++)
        strcat(sql, k + 1 < nm ? "?," : "?)");
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s", sql);
    while (fgets(line, sizeof line, in)) {
        int n = tu_csv_fields(line, f, 64);
        ck_assert_int_eq(n, nh);
        for (int k = 0; k < nm; k++)
            tu_bind_value(st, k + 1, &m[k], pos[k] >= 0 ? f[pos[k]] : NULL);
        ck_assert_msg(sqlite3_step(st) == SQLITE_DONE, "%s: %s", path, sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    fclose(in);
}

/* The derivation of the database at db_path (opened read-only) under cfg,
 * which must succeed (caller frees with ll_derive_free). */
__attribute__((unused)) static ll_derive_data *tu_derive_load(const char *db_path,
                                                              const ll_config *cfg)
{
    sqlite3 *db;
    ll_derive_data *d;
    ll_error err = {0};
    ck_assert_msg(ll_db_open(&db, db_path, 1, &err) == LL_OK, "%s", err.msg);
    ck_assert_msg(ll_derive_load(&d, db, cfg, NULL, NULL, &err) == LL_OK, "%s", err.msg);
    ll_db_close(db);
    return d;
}

#endif
