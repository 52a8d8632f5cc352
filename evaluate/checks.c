/* Checks of evaluate that protect the reader of the report: the output
 * folder is writable before any work (SPEC 9), rows quarantined at ingest
 * and episodes corrected are named (SPEC 8's data-quality line), and no
 * report is written on 0 children (SPEC 3: nothing links). */
#include "evaluate_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ev_check_out(ev_run *r, ll_error *err)
{
    const char *dir = r->opt->out_dir;
    const char *why = NULL;
    int e = 0;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        e = errno;
    else if ((size_t)snprintf(r->secure, sizeof r->secure, "%s/secure", dir) >= sizeof r->secure)
        why = "the path is too long";
    else if (mkdir(r->secure, 0700) != 0 && errno != EEXIST)
        e = errno;
    else if (access(dir, W_OK | X_OK) != 0 || access(r->secure, W_OK | X_OK) != 0)
        e = errno;
    if (e != 0)
        why = strerror(e);
    if (why != NULL)
        return ll_error_set(err, LL_EINPUT, "--out %s: cannot write there (%s); nothing was done",
                            dir, why);
    return LL_OK;
}

/* Runs a query of (name, count) rows: lists them as "name n, ..." in list
 * and returns the sum of the counts (0 when the query fails). */
static long long sum_rows(sqlite3 *db, const char *sql, char *list, size_t size)
{
    sqlite3_stmt *st = NULL;
    long long total = 0;
    size_t o = 0;
    list[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        long long n = sqlite3_column_int64(st, 1);
        const unsigned char *k = sqlite3_column_text(st, 0);
        total += n;
        if (o < size) {
            int w = snprintf(list + o, size - o, "%s%s %lld", o ? ", " : "",
                             k ? (const char *)k : "?", n);
            o += w > 0 ? (size_t)w : 0;
        }
    }
    sqlite3_finalize(st);
    return total;
}

void ev_warn_quarantine(const ev_run *r, sqlite3 *db)
{
    char list[512];
    long long n = sum_rows(db, "SELECT kind, sum(n_quarantined) FROM files GROUP BY kind"
                               " HAVING sum(n_quarantined) > 0 ORDER BY kind", list, sizeof list);
    if (n > 0)
        ev_log(r, "warning: %lld row%s quarantined at ingest, not in this evaluation (%s); "
                  "see the quarantine table of the database and run.json",
               n, n == 1 ? "" : "s", list);
    n = sum_rows(db, "SELECT 'episodes', count(*) FROM rec_set_aside", list, sizeof list);
    if (n > 0)
        ev_log(r, "warning: %lld open episode%s carried a REC without a DEC: stored open, the "
                  "REC set aside (rule rec_without_dec in secure/data_quality.csv)",
               n, n == 1 ? "" : "s");
}

void ev_warn_corrected(const ev_run *r)
{
    const long *n = r->dq.corrected;
    /* rec_without_dec is warned of with the quarantine (it is counted at ingest) */
    long total = n[LL_DQ_STALE_OPEN] + n[LL_DQ_OVERLAP];
    if (total > 0)
        ev_log(r, "warning: %ld episode%s corrected by fixed rules (%ld stale_open: left open "
                  "past their return, %ld overlap: set aside for an overlapping episode); see "
                  "secure/data_quality.csv",
               total, total == 1 ? "" : "s", n[LL_DQ_STALE_OPEN], n[LL_DQ_OVERLAP]);
}

/* The la codes of a table, comma-separated, into buf ("" when none). */
static void las_of(sqlite3 *db, const char *table, char *buf, size_t size)
{
    char sql[128], list[512];
    snprintf(sql, sizeof sql, "SELECT la, count(*) FROM %s GROUP BY la ORDER BY la", table);
    sum_rows(db, sql, list, sizeof list);
    /* "LA 12, LB 3" -> "LA, LB" */
    size_t o = 0;
    buf[0] = '\0';
    for (char *p = strtok(list, ","); p != NULL && o < size; p = strtok(NULL, ",")) {
        while (*p == ' ')
            p++;
        char *sp = strrchr(p, ' ');
        if (sp != NULL)
            *sp = '\0';
        int w = snprintf(buf + o, size - o, "%s%s", o ? ", " : "", p);
        o += w > 0 ? (size_t)w : 0;
    }
}

/* Why nothing links, in one sentence, from what the database holds. */
static void linkage_hint(const ev_run *r, sqlite3 *db, char *buf, size_t size)
{
    char prog[256], ret[256], list[64];
    las_of(db, "lifelong_links", prog, sizeof prog);
    las_of(db, "header", ret, sizeof ret);
    if (prog[0] == '\0' && ret[0] == '\0')
        snprintf(buf, size, "the database holds no programme records and no 903 returns: "
                            "run 'lleval ingest' on them first");
    else if (prog[0] == '\0')
        snprintf(buf, size, "no programme file (lifelong_links.csv) was ingested");
    else if (ret[0] == '\0')
        snprintf(buf, size, "no 903 Header return was ingested");
    else if (sum_rows(db, "SELECT 'linked', count(*) FROM lifelong_links"
                          " WHERE la IN (SELECT la FROM header)", list, sizeof list) == 0)
        snprintf(buf, size, "the programme children are under la %s but the 903 returns under "
                            "la %s: ingest both with the same --la", prog, ret);
    else if (r->co->not_in_returns > 0)
        snprintf(buf, size, "%zu programme or comparison children have no Header row or no "
                            "episode; %zu of them would link if leading zeros were added to or "
                            "stripped from the ID (check how the IDs were exported)",
                 r->co->not_in_returns, r->co->would_link);
    else
        snprintf(buf, size, "the children link, but none is eligible at its index date (or "
                            "matched): see secure/flow.csv for the reasons");
}

int ev_check_cohort(ev_run *r, sqlite3 *db, ll_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < r->a->n; i++) {
        const ll_analysis_row *a = &r->a->rows[i];
        n += a->group == LL_GROUP_TREATED && a->cov.eligible && (!r->a->matched || a->match_id);
    }
    if (n > 0)
        return LL_OK;
    /* flow.csv says where the children went; nothing else is written. */
    char path[LL_EV_PATH], counts[1024] = "", hint[768];
    snprintf(path, sizeof path, "%s/flow.csv", r->secure);
    int rc = ll_derive_write_flow(path, &r->co->flow, err);
    if (rc != LL_OK)
        return rc;
    /* The flow of the treated children up to the analysis: each stage and
     * the reasons that lost children on the way. */
    size_t o = 0;
    for (size_t k = 0; k < r->co->flow.n && o < sizeof counts; k++) {
        const ll_flow_row *f = &r->co->flow.rows[k];
        if (f->group != LL_GROUP_TREATED || (f->reason[0] && f->n == 0))
            continue;
        int w = snprintf(counts + o, sizeof counts - o, "%s%s%s%s %zu", o ? ", " : "",
                         f->reason[0] ? "" : f->stage, f->reason[0] ? "lost as " : "", f->reason,
                         f->n);
        o += w > 0 ? (size_t)w : 0;
        if (!strcmp(f->stage, "analysed") && !f->reason[0])
            break;
    }
    ev_log(r, "flow of the treated children: %s", counts[0] ? counts : "none");
    linkage_hint(r, db, hint, sizeof hint);
    return ll_error_set(err, LL_EINPUT,
                        "no eligible treated child reaches the analysis, so no report was "
                        "written: %s (the flow is in %s)", hint, path);
}
