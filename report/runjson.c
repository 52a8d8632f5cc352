/* run.json: everything needed to reproduce a run and to tell which data it
 * rests on, written as plain JSON without a library (the output is small
 * and flat). */
#include "lleval/report.h"

#include "lleval/date.h"
#include "lleval/version.h"

#include <string.h>

void ll_report_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void write_config(FILE *f, const ll_config *cfg)
{
    fputs("  \"configuration\": [\n", f);
    size_t n = ll_config_n_keys();
    for (size_t i = 0; i < n; i++) {
        ll_config_entry e;
        ll_config_entry_get(&e, cfg, i);
        fputs("    {\"section\": ", f);
        ll_report_json_string(f, e.section);
        fputs(", \"key\": ", f);
        ll_report_json_string(f, e.key);
        fputs(", \"value\": ", f);
        ll_report_json_string(f, e.value);
        fputs(", \"source\": ", f);
        ll_report_json_string(f, e.source);
        fprintf(f, "}%s\n", i + 1 < n ? "," : "");
    }
    fputs("  ],\n", f);
}

static int write_inputs(FILE *f, sqlite3 *db, ll_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT path, kind, la, year, sha256, n_read, n_stored, n_duplicates,"
                      " n_quarantined, ingested_at FROM files ORDER BY file_id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
    fputs("  \"inputs\": [", f);
    int first = 1, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fputs(first ? "\n" : ",\n", f);
        first = 0;
        const char *keys[] = {"path", "kind", "la"};
        fputs("    {", f);
        for (int k = 0; k < 3; k++) {
            const unsigned char *v = sqlite3_column_text(st, k);
            fprintf(f, "\"%s\": ", keys[k]);
            ll_report_json_string(f, v ? (const char *)v : "");
            fputs(", ", f);
        }
        if (sqlite3_column_type(st, 3) == SQLITE_NULL)
            fputs("\"year\": null, ", f);
        else
            fprintf(f, "\"year\": %d, ", sqlite3_column_int(st, 3));
        fputs("\"sha256\": ", f);
        ll_report_json_string(f, (const char *)sqlite3_column_text(st, 4));
        fprintf(f, ", \"read\": %lld, \"stored\": %lld, \"duplicates\": %lld, \"quarantined\": %lld, ",
                sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6),
                sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8));
        fputs("\"ingested_at\": ", f);
        ll_report_json_string(f, (const char *)sqlite3_column_text(st, 9));
        fputs("}", f);
    }
    sqlite3_finalize(st);
    fputs("\n  ],\n", f);
    if (rc != SQLITE_DONE)
        return ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
    return LL_OK;
}

/* Rows quarantined at ingest per table (SPEC 8), and the episodes stored
 * open with their REC set aside (SPEC 2.6). */
static int write_quarantined(FILE *f, sqlite3 *db, ll_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT kind, sum(n_quarantined) FROM files WHERE kind <> 'skipped'"
                      " GROUP BY kind ORDER BY kind";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
    fputs("  \"quarantined_per_table\": {", f);
    int first = 1, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fputs(first ? "" : ", ", f);
        first = 0;
        ll_report_json_string(f, (const char *)sqlite3_column_text(st, 0));
        fprintf(f, ": %lld", sqlite3_column_int64(st, 1));
    }
    sqlite3_finalize(st);
    fputs("},\n", f);
    if (rc != SQLITE_DONE)
        return ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM rec_set_aside", -1, &st, NULL) != SQLITE_OK)
        return ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
    rc = sqlite3_step(st);
    fprintf(f, "  \"rec_set_aside\": %lld,\n", rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? LL_OK : ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
}

static void write_end_dates(FILE *f, const ll_derive_data *d)
{
    fputs("  \"data_end_dates\": {", f);
    size_t n = ll_derive_n_las(d);
    for (size_t i = 0; i < n; i++) {
        char day[16] = "";
        long e = ll_derive_data_end(d, i, NULL);
        fputs(i ? ", " : "", f);
        ll_report_json_string(f, ll_derive_la_code(d, i));
        fputs(": ", f);
        if (e == LL_NA) {
            fputs("null", f);
            continue;
        }
        ll_date_format(day, sizeof day, e);
        ll_report_json_string(f, day);
    }
    fputs("},\n", f);
}

int ll_report_write_run_json(const char *path, const ll_run_info *info, sqlite3 *db,
                             const ll_config *cfg, const ll_derive_data *d, ll_error *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return ll_error_set(err, LL_EIO, "%s: cannot write", path);
    char when[32];
    struct tm tm;
    gmtime_r(&info->started, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f, "{\n  \"program\": \"lleval\",\n  \"version\": \"%s\",\n  \"time\": \"%s\",\n",
            LL_VERSION, when);
    fputs("  \"command_line\": [\"lleval\"", f); /* argv[0] is the subcommand */
    for (int i = 0; i < info->argc; i++) {
        fputs(", ", f);
        ll_report_json_string(f, info->argv[i]);
    }
    fputs("],\n  \"database\": ", f);
    ll_report_json_string(f, info->db_path);
    fputs(",\n  \"design\": ", f);
    ll_report_json_string(f, info->design);
    fprintf(f, ",\n  \"seeds\": {\"costs_monte_carlo\": %lu, \"rng\": \"gsl_rng_mt19937\"},\n",
            cfg->costs.seed);
    write_config(f, cfg);
    int rc = write_inputs(f, db, err);
    if (rc == LL_OK)
        rc = write_quarantined(f, db, err);
    write_end_dates(f, d);
    fputs("  \"matching_tie_break\": \"(la, child) bytewise\"\n}\n", f);
    if (fclose(f) != 0 && rc == LL_OK)
        rc = ll_error_set(err, LL_EIO, "%s: write failed", path);
    return rc;
}
