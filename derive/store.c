/* The derived tables in the database, for users who query with sqlite3:
 * replaced together in one transaction on every evaluate, so that they
 * always describe one run. */
#include "internal.h"

#include "lleval/db.h"

#include <math.h>
#include <string.h>

static const char *const SCHEMA =
    "DROP TABLE IF EXISTS analysis; DROP TABLE IF EXISTS flow;"
    "DROP TABLE IF EXISTS data_quality; DROP TABLE IF EXISTS periods;"
    "DROP TABLE IF EXISTS spells; DROP TABLE IF EXISTS data_end;"
    "CREATE TABLE analysis(la TEXT, child TEXT, \"group\" TEXT, index_date INTEGER,"
    " eligible INTEGER, age_years REAL, male INTEGER, ethnic_group TEXT, uasc INTEGER,"
    " years_in_care REAL, prior_placements INTEGER, years_in_placement REAL,"
    " placement_group TEXT, legal_group TEXT, cin_n1 INTEGER, stable_12m INTEGER,"
    " placements_before INTEGER, placements_after INTEGER, weeks_foster_after REAL,"
    " weeks_kinship_after REAL, weeks_residential_after REAL,"
    " weeks_semi_independent_after REAL, weeks_adoption_after REAL,"
    " weeks_parents_after REAL, weeks_other_after REAL, weeks_foster_before REAL,"
    " weeks_kinship_before REAL, weeks_residential_before REAL,"
    " weeks_semi_independent_before REAL, weeks_adoption_before REAL,"
    " weeks_parents_before REAL, weeks_other_before REAL, sdq_0 INTEGER, sdq_1 INTEGER,"
    " sdq_2 INTEGER, sdq_3 INTEGER, identity_improved INTEGER, connections_before INTEGER,"
    " connections_after INTEGER, homeless_ever INTEGER, homeless_time INTEGER,"
    " homeless_event INTEGER, match_id INTEGER, ps_logit REAL);"
    "CREATE TABLE flow(stage TEXT, \"group\" TEXT, reason TEXT, n INTEGER);"
    "CREATE TABLE data_quality(la TEXT, child TEXT, decom INTEGER, year INTEGER, rule TEXT);"
    "CREATE TABLE periods(la TEXT, child TEXT, period INTEGER, start INTEGER, \"end\" INTEGER,"
    " episodes INTEGER, spells INTEGER, PRIMARY KEY(la, child, period)) WITHOUT ROWID;"
    "CREATE TABLE spells(la TEXT, child TEXT, spell INTEGER, period INTEGER, start INTEGER,"
    " \"end\" INTEGER, move INTEGER, placement_group TEXT, place TEXT, episodes INTEGER,"
    " PRIMARY KEY(la, child, spell)) WITHOUT ROWID;"
    "CREATE TABLE data_end(la TEXT PRIMARY KEY, year INTEGER, day INTEGER);";

struct store {
    sqlite3 *db;
    sqlite3_stmt *st;
    ll_error *err;
};

static int db_fail(struct store *s, const char *what)
{
    return ll_error_set(s->err, LL_EDB, "database: storing %s: %s", what, sqlite3_errmsg(s->db));
}

static int prepare(struct store *s, const char *sql, const char *what)
{
    sqlite3_finalize(s->st);
    s->st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &s->st, NULL) != SQLITE_OK)
        return db_fail(s, what);
    return LL_OK;
}

static int step(struct store *s, const char *what)
{
    int rc = sqlite3_step(s->st);
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    return rc == SQLITE_DONE ? LL_OK : db_fail(s, what);
}

/* Bind helpers: NA (LL_NA, NAN, NO_DAY) becomes NULL. */
static void b_int(sqlite3_stmt *st, int i, long v)
{
    if (v != LL_NA && v != NO_DAY)
        sqlite3_bind_int64(st, i, v);
}

static void b_real(sqlite3_stmt *st, int i, double x)
{
    if (!isnan(x))
        sqlite3_bind_double(st, i, x);
}

static void b_text(sqlite3_stmt *st, int i, const char *t)
{
    sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC);
}

static int store_analysis(struct store *s, const ll_derive_data *d, const ll_analysis *a)
{
    int rc = prepare(s, "INSERT INTO analysis VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                        "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", "analysis");
    for (size_t k = 0; rc == LL_OK && k < a->n; k++) {
        const ll_analysis_row *r = &a->rows[k];
        const struct child *c = &d->children[r->child];
        const ll_covariates *v = &r->cov;
        const ll_outcomes *o = &r->out;
        sqlite3_stmt *st = s->st;
        int i = 1;
        b_text(st, i++, d->las[c->la].code);
        b_text(st, i++, c->id);
        b_text(st, i++, ll_group_name(r->group));
        b_int(st, i++, r->index_date);
        b_int(st, i++, v->eligible);
        b_real(st, i++, v->age_years);
        b_int(st, i++, v->male);
        b_text(st, i++, ll_ethnic_group_name(v->ethnic_group));
        b_int(st, i++, v->uasc);
        b_real(st, i++, v->years_in_care);
        b_int(st, i++, v->prior_placements);
        b_real(st, i++, v->years_in_placement);
        b_text(st, i++, ll_placement_group_name(v->placement_group));
        b_text(st, i++, ll_legal_group_name(v->legal_group));
        b_int(st, i++, v->cin_n1);
        b_int(st, i++, o->stable_12m);
        b_int(st, i++, o->placements_before);
        b_int(st, i++, o->placements_after);
        for (int g = 0; g < LL_PG_N; g++)
            b_real(st, i++, o->weeks_after[g]);
        for (int g = 0; g < LL_PG_N; g++)
            b_real(st, i++, o->weeks_before[g]);
        for (int q = 0; q < 4; q++)
            b_int(st, i++, o->sdq[q]);
        b_int(st, i++, r->identity_improved);
        b_int(st, i++, r->connections_before);
        b_int(st, i++, r->connections_after);
        b_int(st, i++, o->homeless_ever);
        b_int(st, i++, o->homeless_time);
        b_int(st, i++, o->homeless_event);
        if (r->match_id > 0)
            b_int(st, i, r->match_id);
        i++;
        b_real(st, i, r->ps_logit);
        rc = step(s, "analysis");
    }
    return rc;
}

static int store_flow(struct store *s, const ll_flow *f)
{
    int rc = prepare(s, "INSERT INTO flow VALUES(?,?,?,?)", "flow");
    for (size_t k = 0; rc == LL_OK && k < f->n; k++) {
        b_text(s->st, 1, f->rows[k].stage);
        b_text(s->st, 2, ll_group_name(f->rows[k].group));
        b_text(s->st, 3, f->rows[k].reason);
        sqlite3_bind_int64(s->st, 4, (sqlite3_int64)f->rows[k].n);
        rc = step(s, "flow");
    }
    return rc;
}

static int store_dq(struct store *s, const ll_derive_data *d)
{
    int rc = prepare(s, "INSERT INTO data_quality VALUES(?,?,?,?,?)", "data_quality");
    for (size_t k = 0; rc == LL_OK && k < d->n_dq; k++) {
        const struct dq_rec *r = &d->dq[k];
        const struct child *c = &d->children[r->child];
        b_text(s->st, 1, d->las[c->la].code);
        b_text(s->st, 2, c->id);
        b_int(s->st, 3, r->decom);
        b_int(s->st, 4, r->year);
        b_text(s->st, 5, ll_dq_rule_name((ll_dq_rule)r->rule));
        rc = step(s, "data_quality");
    }
    return rc;
}

static int store_periods(struct store *s, const ll_derive_data *d)
{
    int rc = prepare(s, "INSERT INTO periods VALUES(?,?,?,?,?,?,?)", "periods");
    for (size_t ci = 0; rc == LL_OK && ci < d->n_children; ci++) {
        const struct child *c = &d->children[ci];
        for (uint32_t k = 0; rc == LL_OK && k < c->per_n; k++) {
            const struct period *p = &d->periods[c->per_lo + k];
            b_text(s->st, 1, d->las[c->la].code);
            b_text(s->st, 2, c->id);
            b_int(s->st, 3, k + 1);
            b_int(s->st, 4, p->start);
            b_int(s->st, 5, p->open ? NO_DAY : p->end);
            b_int(s->st, 6, p->ep_n);
            b_int(s->st, 7, p->sp_n);
            rc = step(s, "periods");
        }
    }
    return rc;
}

static int store_spells(struct store *s, const ll_derive_data *d)
{
    int rc = prepare(s, "INSERT INTO spells VALUES(?,?,?,?,?,?,?,?,?,?)", "spells");
    for (size_t ci = 0; rc == LL_OK && ci < d->n_children; ci++) {
        const struct child *c = &d->children[ci];
        for (uint32_t k = 0; rc == LL_OK && k < c->sp_n; k++) {
            const struct spell *sp = &d->spells[c->sp_lo + k];
            b_text(s->st, 1, d->las[c->la].code);
            b_text(s->st, 2, c->id);
            b_int(s->st, 3, k + 1);
            b_int(s->st, 4, sp->period - c->per_lo + 1);
            b_int(s->st, 5, sp->start);
            b_int(s->st, 6, sp->open ? NO_DAY : sp->end);
            b_int(s->st, 7, sp->move);
            b_text(s->st, 8, ll_placement_group_name((ll_placement_group)sp->group));
            b_text(s->st, 9, d->eps[sp->ep_lo].place);
            b_int(s->st, 10, sp->ep_n);
            rc = step(s, "spells");
        }
    }
    return rc;
}

static int store_data_end(struct store *s, const ll_derive_data *d)
{
    int rc = prepare(s, "INSERT INTO data_end VALUES(?,?,?)", "data_end");
    for (size_t k = 0; rc == LL_OK && k < d->n_las; k++) {
        b_text(s->st, 1, d->las[k].code);
        if (d->las[k].end_year > 0) {
            b_int(s->st, 2, d->las[k].end_year);
            b_int(s->st, 3, d->las[k].end);
        }
        rc = step(s, "data_end");
    }
    return rc;
}

int ll_derive_store(sqlite3 *db, const ll_derive_data *d, const ll_analysis *a, const ll_flow *f,
                    ll_error *err)
{
    struct store s = {db, NULL, err};
    int rc = ll_db_exec(db, "BEGIN IMMEDIATE", err);
    if (rc != LL_OK)
        return rc;
    if ((rc = ll_db_exec(db, SCHEMA, err)) == LL_OK && (rc = store_analysis(&s, d, a)) == LL_OK &&
        (rc = store_flow(&s, f)) == LL_OK && (rc = store_dq(&s, d)) == LL_OK &&
        (rc = store_periods(&s, d)) == LL_OK && (rc = store_spells(&s, d)) == LL_OK &&
        (rc = store_data_end(&s, d)) == LL_OK)
        rc = ll_db_exec(db, "COMMIT", err);
    sqlite3_finalize(s.st);
    if (rc != LL_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
