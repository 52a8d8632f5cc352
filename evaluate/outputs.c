/* The comparison-group outputs (matches, balance, Table 1) and the
 * estimates, written to secure/ and stored in the database. */
#include "evaluate_internal.h"

#include "lleval/balance.h"
#include "lleval/db.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double na_int(int v)
{
    return v == LL_NA ? NAN : (double)v;
}

/* The analysis row as the estimates see it. */
static void to_est_child(ll_est_child *c, const ll_analysis_row *a)
{
    c->treated = a->group == LL_GROUP_TREATED;
    c->age_years = a->cov.age_years;
    c->male = a->cov.male;
    c->years_in_care = a->cov.years_in_care;
    c->prior_placements = a->cov.prior_placements;
    c->years_in_placement = a->cov.years_in_placement;
    c->placements_before = na_int(a->out.placements_before);
    c->placement_group = a->cov.placement_group;
    c->legal_group = a->cov.legal_group;
    c->ethnic_group = a->cov.ethnic_group;
    c->uasc = a->cov.uasc;
    c->cin_n1 = a->cov.cin_n1;
    c->stable_12m = na_int(a->out.stable_12m);
    c->placements_after = na_int(a->out.placements_after);
    for (int g = 0; g < LL_PG_N; g++)
        c->weeks_after[g] = a->out.weeks_after[g];
    for (int g = 0; g < LL_PG_N; g++)
        c->weeks_before[g] = a->out.weeks_before[g];
    for (int k = 0; k < 4; k++)
        c->sdq[k] = na_int(a->out.sdq[k]);
    c->identity_improved = na_int(a->identity_improved);
    c->connections_before = na_int(a->connections_before);
    c->connections_after = na_int(a->connections_after);
    c->homeless_ever = na_int(a->out.homeless_ever);
    c->homeless_time = na_int(a->out.homeless_time);
    c->homeless_event = na_int(a->out.homeless_event);
}

static int build_kids(ev_run *r, ll_error *err)
{
    r->kids = malloc((r->a->n + 1) * sizeof *r->kids);
    if (r->kids == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    r->n_kids = 0;
    for (size_t i = 0; i < r->a->n; i++)
        if (ll_analysis_in_cohort(r->a, &r->a->rows[i]))
            to_est_child(&r->kids[r->n_kids++], &r->a->rows[i]);
    return LL_OK;
}

int ev_estimates(ev_run *r, ll_error *err)
{
    int rc = build_kids(r, err);
    if (rc != LL_OK)
        return rc;
    ll_sdq_source src = r->opt->cfg->cohort.sdq_source;
    ll_est_options eo = {r->co->design != LL_COMPARISON_NONE,
                         src == LL_SDQ_ITEMS_T ? LL_SDQ_TEACHER
                         : src == LL_SDQ_ITEMS_S ? LL_SDQ_SELF
                                                 : LL_SDQ_CARER};
    if ((rc = ll_estimate_all(&r->est, r->kids, r->n_kids, &eo, err)) != LL_OK)
        return rc;
    char path[LL_EV_PATH];
    FILE *f = ev_open(r, "estimates.csv", path, sizeof path, err);
    if (f == NULL)
        return LL_EIO;
    return ev_close(f, path, ll_estimate_write_csv(f, r->est), err);
}

/* Covariate rows (and baseline SDQ) of the analysis rows that pass keep. */
typedef struct cov_rows {
    double *x, *sdq0;
    size_t n;
} cov_rows;

static int collect_rows(cov_rows *out, const ll_analysis *a, int group, int need_match,
                        ll_error *err)
{
    out->x = malloc((a->n + 1) * LL_MATCH_NCOV * sizeof(double));
    out->sdq0 = malloc((a->n + 1) * sizeof(double));
    out->n = 0;
    if (out->x == NULL || out->sdq0 == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t i = 0; i < a->n; i++) {
        const ll_analysis_row *row = &a->rows[i];
        if ((int)row->group != group || !row->cov.eligible ||
            (need_match && !ll_analysis_in_cohort(a, row)))
            continue;
        ll_match_cov_row(out->x + out->n * LL_MATCH_NCOV, &row->cov);
        out->sdq0[out->n++] = na_int(row->out.sdq[0]);
    }
    return LL_OK;
}

static void free_rows(cov_rows *c)
{
    free(c->x);
    free(c->sdq0);
}

static int write_matches(ev_run *r, ll_error *err)
{
    char path[LL_EV_PATH];
    FILE *f = ev_open(r, "matches.csv", path, sizeof path, err);
    if (f == NULL)
        return LL_EIO;
    return ev_close(f, path, ll_match_write_csv(f, r->d, r->match), err);
}

/* Keeps the balance and Table 1 for the report and writes them to secure/. */
static int write_balance(ev_run *r, const ll_balance *b, const ll_cov_set *sets,
                         const char *const *names, size_t nsets, ll_error *err)
{
    char path[LL_EV_PATH];
    r->balance = *b;
    int rc = ll_table1_compute(&r->table1, sets, names, nsets, b, err);
    if (rc != LL_OK)
        return rc;
    r->has_balance = 1;
    FILE *f = ev_open(r, "balance.csv", path, sizeof path, err);
    if (f == NULL)
        return LL_EIO;
    rc = ev_close(f, path, ll_balance_write_csv(f, b), err);
    if (rc != LL_OK)
        return rc;
    if ((f = ev_open(r, "table1.csv", path, sizeof path, err)) == NULL)
        return LL_EIO;
    return ev_close(f, path, ll_table1_write_csv(f, &r->table1, err), err);
}

/* secure/sample_sizes.csv: MatchIt's summary of sample sizes, by group.
 * Ineligible treated children never enter the propensity model (flow.csv
 * counts them), so nothing is discarded after it.  m is NULL when the
 * design asked for matching but it could not run (no eligible treated
 * child or no candidate): then n_treated counts the eligible treated. */
static int write_sample_sizes(ev_run *r, const ll_match *m, size_t n_treated, ll_error *err)
{
    char path[LL_EV_PATH];
    FILE *f = ev_open(r, "sample_sizes.csv", path, sizeof path, err);
    if (f == NULL)
        return LL_EIO;
    size_t t_all = m ? m->n_treated_eligible : n_treated, t_matched = m ? m->n_treated_matched : 0;
    size_t c_all = m ? m->n_candidate_children : 0, c_matched = m ? m->n_pairs : 0;
    fputs("group,all,matched,unmatched,discarded,note\n", f);
    fprintf(f, "treated,%zu,%zu,%zu,0,%s\n", t_all, t_matched, t_all - t_matched,
            m ? "all = eligible treated children in the propensity model (ineligible ones are "
                "left out before it: see flow.csv); unmatched = no candidate within the caliper"
              : "matching did not run (no eligible treated child or no candidate: see the log)");
    fprintf(f, "comparison,%zu,%zu,%zu,0,%s\n", c_all, c_matched, c_all - c_matched,
            "all = distinct candidate children over all months; each is matched at most once");
    return ev_close(f, path, ferror(f) ? LL_EIO : LL_OK, err);
}

int ev_balance(ev_run *r, ll_error *err)
{
    cov_rows t = {0}, c = {0}, mt = {0};
    int rc;
    if ((rc = collect_rows(&t, r->a, LL_GROUP_TREATED, 0, err)) ||
        (rc = collect_rows(&c, r->a, LL_GROUP_COMPARISON, 0, err)) ||
        (rc = collect_rows(&mt, r->a, LL_GROUP_TREATED, 1, err)))
        goto done;
    ll_cov_set ts = {t.x, t.n, t.sdq0, NULL, NULL}, cs = {c.x, c.n, c.sdq0, NULL, NULL};
    ll_cov_set mts = {mt.x, mt.n, mt.sdq0, NULL, NULL};
    ll_balance b;
    if (r->match != NULL) {
        const ll_match *m = r->match;
        ll_cov_set tb = {m->x_treated, m->n_x_treated, NULL, NULL, NULL};
        ll_cov_set cb = {NULL, m->n_x_candidates, NULL, ll_match_candidate_columns, m};
        ll_cov_set ta = {m->x_matched_t, m->n_x_matched_t, NULL, NULL, NULL};
        ll_cov_set ca = {m->x_matched_c, m->n_x_matched_c, NULL, NULL, NULL};
        ll_balance_compute(&b, &tb, &cb, &ta, &ca);
        ll_cov_set sets[4] = {ts, cb, mts, cs};
        static const char *const names[4] = {"Treated, eligible", "Comparison pool (candidate rows)",
                                "Treated, matched", "Comparison, matched"};
        if ((rc = write_matches(r, err)) || (rc = write_balance(r, &b, sets, names, 4, err)) ||
            (rc = write_sample_sizes(r, m, t.n, err)))
            goto done;
    } else if (r->co->design == LL_COMPARISON_MATCH) {
        rc = write_sample_sizes(r, NULL, t.n, err);
    } else if (r->co->design == LL_COMPARISON_EXPLICIT) {
        ll_balance_compute(&b, &ts, &cs, NULL, NULL);
        ll_cov_set sets[2] = {ts, cs};
        static const char *const names[2] = {"Treated, eligible", "Comparison, eligible"};
        rc = write_balance(r, &b, sets, names, 2, err);
    }
    if (rc == LL_OK && (r->match != NULL || r->co->design == LL_COMPARISON_EXPLICIT))
        ev_log(r, "balance: %s (largest |SMD| %.3f)",
               b.adequate ? "adequate, every |SMD| < 0.1" : "NOT adequate: some |SMD| >= 0.1",
               b.max_abs_smd);
done:
    free_rows(&t);
    free_rows(&c);
    free_rows(&mt);
    return rc;
}

static void bind_num(sqlite3_stmt *st, int k, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, k);
    else
        sqlite3_bind_double(st, k, v);
}

int ev_store_estimates(ev_run *r, sqlite3 *db, ll_error *err)
{
    static const char *DDL =
        "BEGIN; DROP TABLE IF EXISTS estimates; CREATE TABLE estimates(row INTEGER PRIMARY KEY,"
        " outcome TEXT, estimand TEXT, \"group\" TEXT, term TEXT, n INTEGER, events INTEGER,"
        " estimate REAL, std_error REAL, statistic REAL, p_value REAL, conf_low REAL,"
        " conf_high REAL, method TEXT);";
    sqlite3_stmt *st = NULL;
    int rc = ll_db_exec(db, DDL, err);
    if (rc != LL_OK)
        return rc;
    if (sqlite3_prepare_v2(db, "INSERT INTO estimates VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        goto fail;
    for (size_t i = 0; i < r->est->n; i++) {
        const ll_estimate *e = &r->est->rows[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 2, e->outcome, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, e->estimand, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, e->group, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, e->term, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, e->n);
        if (e->events >= 0)
            sqlite3_bind_int64(st, 7, e->events);
        else
            sqlite3_bind_null(st, 7);
        double v[6] = {e->estimate, e->std_error, e->statistic, e->p_value, e->conf_low, e->conf_high};
        for (int k = 0; k < 6; k++)
            bind_num(st, 8 + k, v[k]);
        sqlite3_bind_text(st, 14, e->method, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto fail;
    }
    sqlite3_finalize(st);
    return ll_db_exec(db, "COMMIT;", err);
fail:
    rc = ll_error_set(err, LL_EDB, "storing estimates: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    ll_db_exec(db, "ROLLBACK;", NULL);
    return rc;
}
