/* Provenance, gathered once for run.json and the report: the command line,
 * the input files the database records (path, kind, SHA-256, counts) and
 * each authority's data end date.  The report is handed it in memory. */
#include "evaluate_internal.h"

#include <stdlib.h>
#include <string.h>

static char *dup_text(sqlite3_stmt *st, int k)
{
    const unsigned char *v = sqlite3_column_text(st, k);
    return strdup(v ? (const char *)v : "");
}

static int read_input(ll_input_file *x, sqlite3_stmt *st)
{
    char **text[] = {&x->path, &x->kind, &x->la, &x->sha256, &x->ingested_at};
    static const int TEXT_COL[] = {0, 1, 2, 4, 9};
    long long *count[] = {&x->n_read, &x->n_stored, &x->n_duplicates, &x->n_quarantined};
    int ok = 1;
    memset(x, 0, sizeof *x);
    for (int k = 0; k < 5; k++)
        ok &= (*text[k] = dup_text(st, TEXT_COL[k])) != NULL;
    for (int k = 0; k < 4; k++)
        *count[k] = sqlite3_column_int64(st, 5 + k);
    x->year = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3);
    return ok ? LL_OK : LL_ENOMEM;
}

static int read_inputs(ll_run_info *info, sqlite3 *db, ll_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT path, kind, la, year, sha256, n_read, n_stored, n_duplicates,"
                      " n_quarantined, ingested_at FROM files ORDER BY file_id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (info->n_inputs == cap) {
            cap = cap ? 2 * cap : 16;
            ll_input_file *p = realloc(info->inputs, cap * sizeof *p);
            if (p == NULL)
                break;
            info->inputs = p;
        }
        if (read_input(&info->inputs[info->n_inputs++], st) != LL_OK)
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return ll_error_set(err, LL_ENOMEM, "run.json: out of memory");
    if (rc != SQLITE_DONE)
        return ll_error_set(err, LL_EDB, "run.json: %s", sqlite3_errmsg(db));
    return LL_OK;
}

void ev_provenance_clear(ll_run_info *info)
{
    if (info == NULL)
        return;
    for (size_t i = 0; i < info->n_inputs; i++) {
        ll_input_file *x = &info->inputs[i];
        free(x->path);
        free(x->kind);
        free(x->la);
        free(x->sha256);
        free(x->ingested_at);
    }
    free(info->inputs);
    free(info->ends);
    info->inputs = NULL;
    info->ends = NULL;
    info->n_inputs = info->n_ends = 0;
}

/* Provenance for run.json and the report: the command line, the input
 * files of the database and each authority's data end date. */
int ev_provenance(ev_run *r, sqlite3 *db, ll_error *err)
{
    ll_run_info *p = &r->run;
    p->argc = r->opt->argc;
    p->argv = r->opt->argv;
    p->started = r->started;
    p->design = r->co->design == LL_COMPARISON_MATCH      ? "match"
                : r->co->design == LL_COMPARISON_EXPLICIT ? "explicit"
                                                          : "none";
    p->db_path = r->opt->db_path;
    p->seed = r->opt->cfg->costs.seed;
    size_t n = ll_derive_n_las(r->d);
    if ((p->ends = malloc((n + 1) * sizeof *p->ends)) == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        p->ends[i] = (ll_la_end){ll_derive_la_code(r->d, i), ll_derive_data_end(r->d, i, NULL)};
    p->n_ends = n;
    return read_inputs(p, db, err);
}
