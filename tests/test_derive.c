/* Tests of the derivation (SPEC 3-4) on the hand-made histories of
 * fixtures/histories: every rule on a child built for it.  The expected
 * values were worked out by hand; fixtures/histories/README.md shows how.
 * The histories are inserted straight into a fresh database (the schema of
 * core/db.c), so these tests do not depend on the ingest. */
#include "fixture_db.h"
#include "testutil.h"

#include "lleval/date.h"
#include "lleval/db.h"
#include "lleval/derive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX "fixtures/histories/"

/* The test database, made once per test case (unchecked fixture). */
static char g_dir[64];
static char g_db[128];

/* ---- a small loader for the fixture CSVs (no quoting in them) ----------- */

/* Loads FIX/file into table through the column map m. */
static void load_csv(sqlite3 *db, const char *file, const char *table,
                     const struct tu_colmap *m, int nm)
{
    char path[256];
    snprintf(path, sizeof path, FIX "%s", file);
    tu_load_csv(db, path, table, m, nm);
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void make_db(void)
{
    static const struct tu_colmap ua[] = {
        {"la", "LA", 't', 0},   {"year", "YEAR", 'i', 0}, {"child", "CHILD", 't', 0},
        {"sex", NULL, 'c', 1},  {"dob", NULL, 'c', 0},    {"duc", "DUC", 'd', 0},
        {"file_id", NULL, 'c', 1}};
    static const struct tu_colmap o2[] = {
        {"la", "LA", 't', 0}, {"year", "YEAR", 'i', 0}, {"child", "CHILD", 't', 0},
        {"dob", NULL, 'c', 0}, {"sdq_score", "SDQ_SCORE", 'i', 0},
        {"sdq_reason", "SDQ_REASON", 't', 0}, {"file_id", NULL, 'c', 1}};
    static const struct tu_colmap o3[] = {
        {"la", "LA", 't', 0},   {"year", "YEAR", 'i', 0}, {"child", "CHILD", 't', 0},
        {"dob", "DOB", 'd', 0}, {"accom", "ACCOM", 't', 0}, {"file_id", NULL, 'c', 1}};
    static const struct tu_colmap ll[] = {
        {"la", "LA", 't', 0}, {"child", "CHILD", 't', 0},
        {"referral_date", "REFERRAL_DATE", 'd', 0}, {"consent", "CONSENT", 't', 0},
        {"start_date", "START_DATE", 'd', 0}, {"fgc_date", "FGC_DATE", 'd', 0},
        {"connections_before", "CONNECTIONS_BEFORE", 'i', 0},
        {"connections_after", "CONNECTIONS_AFTER", 'i', 0},
        {"identity_improved", "IDENTITY_IMPROVED", 'y', 0}, {"file_id", NULL, 'c', 1}};
    static const struct tu_colmap cp[] = {{"la", "LA", 't', 0}, {"child", "CHILD", 't', 0},
                                       {"index_date", "INDEX_DATE", 'd', 0},
                                       {"file_id", NULL, 'c', 1}};
    static const struct tu_colmap fl[] = {{"la", "LA", 't', 0}, {"year", "YEAR", 'i', 0},
                                       {"kind", "KIND", 't', 0}, {"path", "KIND", 't', 0},
                                       {"sha256", NULL, 'c', 0}, {"ingested_at", NULL, 'c', 0}};
    struct tu_colmap sq[4 + 25 + 1] = {{"la", "LA", 't', 0}, {"child", "CHILD", 't', 0},
                                    {"date", "DATE", 'd', 0}, {"informant", "INFORMANT", 't', 0}};
    static char names[25][2][8];
    for (int q = 0; q < 25; q++) {
        snprintf(names[q][0], 8, "q%d", q + 1);
        snprintf(names[q][1], 8, "Q%d", q + 1);
        sq[4 + q] = (struct tu_colmap){names[q][0], names[q][1], 'i', 0};
    }
    sq[29] = (struct tu_colmap){"file_id", NULL, 'c', 1};

    snprintf(g_dir, sizeof g_dir, "/tmp/lleval-derive-XXXXXX");
    ck_assert(mkdtemp(g_dir) != NULL);
    snprintf(g_db, sizeof g_db, "%s/test.db", g_dir);
    sqlite3 *db;
    ll_error err = {0};
    ck_assert_msg(ll_db_open(&db, g_db, 0, &err) == LL_OK, "%s", err.msg);
    ck_assert_int_eq(ll_db_exec(db, "BEGIN", &err), LL_OK);
    load_csv(db, "episodes.csv", "episodes", tu_cols_episodes, TU_NCOLS_EPISODES);
    load_csv(db, "header.csv", "header", tu_cols_header, TU_NCOLS_HEADER);
    load_csv(db, "uasc.csv", "uasc", ua, N(ua));
    load_csv(db, "oc2.csv", "oc2", o2, N(o2));
    load_csv(db, "oc3.csv", "oc3", o3, N(o3));
    load_csv(db, "lifelong_links.csv", "lifelong_links", ll, N(ll));
    load_csv(db, "comparison.csv", "comparison", cp, N(cp));
    load_csv(db, "sdq.csv", "sdq_items", sq, N(sq));
    load_csv(db, "files.csv", "files", fl, N(fl));
    /* An ingest records one episodes file per (la, year) it loaded. */
    ck_assert_int_eq(ll_db_exec(db, "INSERT INTO files(path, kind, la, year, sha256, ingested_at)"
                                    " SELECT DISTINCT 'e', 'episodes', la, year, '', '' FROM episodes",
                                &err), LL_OK);
    ck_assert_int_eq(ll_db_exec(db, "COMMIT", &err), LL_OK);
    ll_db_close(db);
}

static void remove_db(void)
{
    char path[160];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", g_db, suffix[i]);
        unlink(path);
    }
    rmdir(g_dir);
}

/* ---- helpers ------------------------------------------------------------ */

static long D(const char *iso)
{
    long day;
    ck_assert_msg(ll_date_parse(&day, iso) == LL_OK, "bad date %s", iso);
    return day;
}

static ll_derive_data *load_cfg(const ll_config *cfg)
{
    return tu_derive_load(g_db, cfg);
}

static ll_derive_data *load_default(void)
{
    ll_config cfg;
    ll_config_init(&cfg);
    return load_cfg(&cfg);
}

/* The histories tests' data: a checked fixture derives it from the
 * fixture database under the default configuration before each test and
 * frees it after (a test that derives again under another configuration
 * frees it and leaves its own here). */
static ll_derive_data *d;

static void load_d(void)
{
    d = load_default();
}

static void free_d(void)
{
    ll_derive_free(d);
    d = NULL;
}

static size_t child_in(const ll_derive_data *d, const char *la, const char *id)
{
    size_t c;
    ck_assert_msg(ll_derive_find_child(&c, d, la, id) == LL_OK, "no child %s/%s", la, id);
    return c;
}

static size_t child(const ll_derive_data *d, const char *id)
{
    return child_in(d, "LA", id);
}

static ll_outcomes outcomes(const ll_derive_data *d, const char *id, const char *iso)
{
    ll_outcomes o;
    ck_assert_msg(ll_derive_outcomes(&o, d, child(d, id), D(iso)) == LL_OK, "%s on %s", id, iso);
    return o;
}

static ll_covariates covariates(const ll_derive_data *d, const char *id, const char *iso)
{
    ll_covariates v;
    ck_assert_msg(ll_derive_covariates(&v, d, child(d, id), D(iso)) == LL_OK, "%s on %s", id,
                  iso);
    return v;
}

static ll_child_info info(const ll_derive_data *d, const char *id)
{
    ll_child_info ci;
    ll_derive_child(&ci, d, child(d, id));
    return ci;
}

/* ---- placement moves and spells ----------------------------------------- */

START_TEST(temporary_placement_is_not_a_move)
{
    /* TEMP: U4 -> (P) T1 -> (P) U4; both boundaries touch T1: one spell. */
    ck_assert_int_eq(info(d, "TEMP").n_spells, 1);
    ck_assert_int_eq(info(d, "TEMP").n_periods, 1);
    ll_outcomes o = outcomes(d, "TEMP", "2018-06-01");
    ck_assert_int_eq(o.stable_12m, 1);
    ck_assert_int_eq(o.placements_after, 1);
    /* the T1 month belongs to the surrounding foster spell: all 365 days */
    ck_assert_rel(o.weeks_after[LL_PG_FOSTER], 365.0 / 7.0, 1e-15);
    ck_assert_rel(o.weeks_after[LL_PG_OTHER] + 1, 1.0, 1e-15);
    ll_covariates v = covariates(d, "TEMP", "2018-06-01");
    ck_assert_int_eq(v.prior_placements, 1);
    ck_assert_rel(v.years_in_care, 516 / 365.25, 1e-15);
    ck_assert_rel(v.years_in_placement, 516 / 365.25, 1e-15);
    ck_assert_int_eq(v.placement_group, LL_PG_FOSTER);
    ck_assert_int_eq(v.legal_group, LL_LEGAL_CARE_ORDER);
    ck_assert_int_eq(v.cin_n1, 1);
    /* in the temporary placement itself: still the foster spell */
    v = covariates(d, "TEMP", "2018-09-15");
    ck_assert_int_eq(v.placement_group, LL_PG_FOSTER);
}
END_TEST

START_TEST(t_and_u_are_moves)
{
    ll_outcomes o = outcomes(d, "MOVET", "2018-06-01");
    ck_assert_int_eq(o.stable_12m, 0);
    ck_assert_int_eq(o.placements_after, 2);
    ck_assert_rel(o.weeks_after[LL_PG_FOSTER], 365.0 / 7.0, 1e-15);
    o = outcomes(d, "MOVEU", "2018-06-01");
    ck_assert_int_eq(o.stable_12m, 0);
    ck_assert_int_eq(o.placements_after, 2);
    /* 2018-06-01 .. 2018-09-01 foster (92 days), then kinship (273 days) */
    ck_assert_rel(o.weeks_after[LL_PG_FOSTER], 92.0 / 7.0, 1e-15);
    ck_assert_rel(o.weeks_after[LL_PG_KINSHIP], 273.0 / 7.0, 1e-15);
    /* weeks_<g>_before: in care since 2017-01-01, all foster in [i - 365, i) */
    ck_assert_rel(o.weeks_before[LL_PG_FOSTER], 365.0 / 7.0, 1e-15);
    ck_assert(o.weeks_before[LL_PG_KINSHIP] == 0.0);
    /* a year later the window [2018-06-01, 2019-06-01) splits 92 / 273 */
    o = outcomes(d, "MOVEU", "2019-06-01");
    ck_assert_rel(o.weeks_before[LL_PG_FOSTER], 92.0 / 7.0, 1e-15);
    ck_assert_rel(o.weeks_before[LL_PG_KINSHIP], 273.0 / 7.0, 1e-15);
    /* first entered care 2017-03-01: [2016-06-01, 2017-03-01) is not looked
     * after (REENT's first period ended 2016-01-01), 92 days of foster care */
    o = outcomes(d, "REENT", "2017-06-01");
    ck_assert_rel(o.weeks_before[LL_PG_FOSTER], 92.0 / 7.0, 1e-15);
    for (int g = LL_PG_KINSHIP; g < LL_PG_N; g++)
        ck_assert(o.weeks_before[g] == 0.0);
    ll_spell_view s;
    ll_derive_spell(&s, d, child(d, "MOVEU"), 1);
    ck_assert_int_eq(s.starts_with_move, 1);
    ck_assert_int_eq(s.group, LL_PG_KINSHIP);
    ck_assert_int_eq(s.start, D("2018-09-01"));
    ck_assert_int_eq(s.open, 1);
}
END_TEST

START_TEST(l_is_not_a_move)
{
    ck_assert_int_eq(info(d, "LCHG").n_spells, 1);
    ll_outcomes o = outcomes(d, "LCHG", "2018-06-01");
    ck_assert_int_eq(o.stable_12m, 1);
    ck_assert_int_eq(o.placements_after, 1);
    ck_assert_int_eq(covariates(d, "LCHG", "2018-06-01").legal_group, LL_LEGAL_S20);
    ck_assert_int_eq(covariates(d, "LCHG", "2018-10-01").legal_group, LL_LEGAL_CARE_ORDER);
}
END_TEST

START_TEST(short_breaks_excluded)
{
    ck_assert_int_eq(info(d, "SHORTB").short_breaks, 1);
    ck_assert_int_eq(info(d, "TEMP").short_breaks, 0);
    /* REENT is a non-programme child looked after and eligible: a candidate;
     * a short-break child never is, even if eligible on the day. */
    ck_assert_int_eq(ll_derive_candidate(NULL, d, child(d, "REENT"), D("2018-06-01")), 1);
    ck_assert_int_eq(ll_derive_candidate(NULL, d, child(d, "SHORTB"), D("2018-06-01")), 0);
    ll_cohort *co;
    ll_error err = {0};
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_AUTO, &err), LL_OK);
    for (size_t k = 0; k < co->n; k++)
        ck_assert(co->entries[k].child != child(d, "SHORTB"));
    ll_cohort_free(co);
}
END_TEST

START_TEST(reentry_starts_a_new_period)
{
    /* REENT: left with E4A in 2016, back with S in 2017 */
    ck_assert_int_eq(info(d, "REENT").n_periods, 2);
    ll_covariates v = covariates(d, "REENT", "2018-06-01");
    ck_assert_rel(v.years_in_care, 457 / 365.25, 1e-15);
    ck_assert_int_eq(v.prior_placements, 1);
    ck_assert_int_eq(v.placements_before, 1);
    /* SAMEDAY: X1 then S on the same day is still a new period */
    ck_assert_int_eq(info(d, "SAMEDAY").n_periods, 2);
    ck_assert_rel(covariates(d, "SAMEDAY", "2018-06-01").years_in_care, 516 / 365.25, 1e-15);
    /* GAP: X1 then P a day later: new period, and its start is no move */
    ck_assert_int_eq(info(d, "GAP").n_periods, 2);
    ll_spell_view s;
    ll_derive_spell(&s, d, child(d, "GAP"), 1);
    ck_assert_int_eq(s.starts_with_move, 0);
    ll_outcomes o = outcomes(d, "GAP", "2016-06-01");
    ck_assert_int_eq(o.stable_12m, LL_NA);
    ck_assert_int_eq(o.stable_12m_na, LL_NA_LEFT_CARE);
}
END_TEST

/* ---- episodes across years ---------------------------------------------- */

START_TEST(open_then_closed_is_one_episode)
{
    size_t c = child(d, "SPAN");
    ck_assert_int_eq(info(d, "SPAN").n_episodes, 1);
    ll_episode_view e;
    ll_derive_episode(&e, d, c, 0);
    ck_assert_int_eq(e.year, 2019);
    ck_assert_int_eq(e.open, 0);
    ck_assert_int_eq(e.end, D("2019-02-01"));
    ck_assert_str_eq(e.cin, "N2"); /* the later year's correction */
    ck_assert_int_eq(covariates(d, "SPAN", "2018-06-01").cin_n1, 0);
    for (size_t k = 0; k < ll_derive_n_dq(d); k++) {
        ll_dq_view q;
        ll_derive_dq(&q, d, k);
        ck_assert(q.child != c);
    }
    ck_assert_int_eq(outcomes(d, "SPAN", "2018-06-01").stable_12m_na, LL_NA_LEFT_CARE);
}
END_TEST

START_TEST(stale_open_episodes)
{
    int year;
    ck_assert_int_eq(ll_derive_data_end(d, 0, &year), D("2020-03-31"));
    ck_assert_int_eq(year, 2020);
    /* LB's latest episodes file (2022) has no rows: E comes from the files */
    ck_assert_int_eq(ll_derive_data_end(d, 1, &year), D("2022-03-31"));
    ck_assert_str_eq(ll_derive_la_code(d, 1), "LB");
    ll_episode_view e;
    ll_derive_episode(&e, d, child(d, "STALE"), 0);
    ck_assert_int_eq(e.open, 0);
    ck_assert_int_eq(e.end, D("2018-04-01"));
    ck_assert_str_eq(e.rec, "");
    ck_assert_int_eq(ll_derive_looked_after(d, child(d, "STALE"), D("2018-03-31")), 1);
    ck_assert_int_eq(ll_derive_looked_after(d, child(d, "STALE"), D("2018-04-01")), 0);
    ll_outcomes o = outcomes(d, "STALE", "2018-01-10");
    ck_assert_int_eq(o.stable_12m, LL_NA);
    ck_assert_int_eq(o.stable_12m_na, LL_NA_LEFT_CARE);
    /* open in the year of E: covers E, not the day after */
    ck_assert_int_eq(ll_derive_looked_after(d, child(d, "TEMP"), D("2020-03-31")), 1);
    ck_assert_int_eq(ll_derive_looked_after(d, child(d, "TEMP"), D("2020-04-01")), 0);
    ll_derive_episode(&e, d, child(d, "TEMP"), 2);
    ck_assert_int_eq(e.open, 1);
    /* LB: open in 2020 and 2021 while E is 2022: both stale */
    ll_derive_episode(&e, d, child_in(d, "LB", "LBSTALE"), 0);
    ck_assert_int_eq(e.end, D("2020-04-01"));
    ll_derive_episode(&e, d, child_in(d, "LB", "TEMP"), 0);
    ck_assert_int_eq(e.end, D("2021-04-01"));
    ck_assert(child_in(d, "LB", "TEMP") != child(d, "TEMP"));
}
END_TEST

START_TEST(overlap_resolution)
{
    ll_episode_view e;
    /* OVL: the stale 2018 episode loses to the overlapping 2019 one */
    size_t c = child(d, "OVL");
    ck_assert_int_eq(info(d, "OVL").n_episodes, 2);
    ll_derive_episode(&e, d, c, 0);
    ck_assert_int_eq(e.decom, D("2017-06-01"));
    ck_assert_int_eq(ll_derive_looked_after(d, c, D("2017-03-01")), 0);
    ck_assert_rel(covariates(d, "OVL", "2018-06-01").years_in_care, 365 / 365.25, 1e-15);
    ck_assert_int_eq(outcomes(d, "OVL", "2018-06-01").stable_12m, 0);
    /* OVLY: same year, the earlier DECOM wins; what is left has a gap */
    c = child(d, "OVLY");
    ck_assert_int_eq(info(d, "OVLY").n_episodes, 2);
    ck_assert_int_eq(info(d, "OVLY").n_periods, 2);
    ck_assert_int_eq(ll_derive_looked_after(d, c, D("2018-02-28")), 1);
    ck_assert_int_eq(ll_derive_looked_after(d, c, D("2018-03-01")), 0);
    ck_assert_int_eq(ll_derive_looked_after(d, c, D("2018-12-31")), 0);
    ck_assert_int_eq(ll_derive_looked_after(d, c, D("2019-01-01")), 1);
    /* CHAIN: Z beats the stale X, then is kept after W */
    c = child(d, "CHAIN");
    ck_assert_int_eq(info(d, "CHAIN").n_episodes, 2);
    ll_derive_episode(&e, d, c, 0);
    ck_assert_int_eq(e.decom, D("2015-01-01"));
    ll_derive_episode(&e, d, c, 1);
    ck_assert_int_eq(e.decom, D("2016-01-01"));
    ck_assert_int_eq(info(d, "CHAIN").n_periods, 2);

    /* every data-quality record, in file order */
    struct {
        const char *la, *child, *decom;
        int year;
        ll_dq_rule rule;
    } want[] = {
        {"LA", "CHAIN", "2015-06-01", 2018, LL_DQ_STALE_OPEN},
        {"LA", "CHAIN", "2015-06-01", 2018, LL_DQ_OVERLAP},
        {"LA", "OVL", "2017-01-01", 2018, LL_DQ_STALE_OPEN},
        {"LA", "OVL", "2017-01-01", 2018, LL_DQ_OVERLAP},
        {"LA", "OVLY", "2017-12-01", 2019, LL_DQ_OVERLAP},
        {"LA", "STALE", "2017-05-01", 2018, LL_DQ_STALE_OPEN},
        {"LA", "STALE2", "2017-05-01", 2018, LL_DQ_STALE_OPEN},
        {"LB", "LBSTALE", "2019-01-01", 2020, LL_DQ_STALE_OPEN},
        {"LB", "TEMP", "2020-01-01", 2021, LL_DQ_STALE_OPEN},
    };
    ck_assert_int_eq(ll_derive_n_dq(d), N(want));
    for (int k = 0; k < N(want); k++) {
        ll_dq_view q;
        ll_child_info ci;
        ll_derive_dq(&q, d, (size_t)k);
        ll_derive_child(&ci, d, q.child);
        ck_assert_str_eq(ci.la, want[k].la);
        ck_assert_str_eq(ci.child, want[k].child);
        ck_assert_int_eq(q.decom, D(want[k].decom));
        ck_assert_int_eq(q.year, want[k].year);
        ck_assert_int_eq(q.rule, want[k].rule);
    }
}
END_TEST

/* ---- stable_12m and the windows ----------------------------------------- */

START_TEST(stable_12m_na_reasons)
{
    /* f = 2020-05-31 > E: NA even though a move falls inside */
    ll_outcomes o = outcomes(d, "FOLLOW", "2019-06-01");
    ck_assert_int_eq(o.stable_12m, LL_NA);
    ck_assert_int_eq(o.stable_12m_na, LL_NA_FOLLOWUP_INCOMPLETE);
    ck_assert_int_eq(o.placements_after, LL_NA);
    ck_assert_int_eq(o.after_na, LL_NA_FOLLOWUP_INCOMPLETE);
    ck_assert(isnan(o.weeks_after[LL_PG_FOSTER]));
    ck_assert_int_eq(o.placements_before, 1);
    /* the last day with follow-up: f = 2020-03-31 = E */
    ck_assert_int_eq(outcomes(d, "TEMP", "2019-04-01").stable_12m, 1);
    ck_assert_int_eq(outcomes(d, "TEMP", "2019-04-02").stable_12m_na, LL_NA_FOLLOWUP_INCOMPLETE);
    /* left care in (i, f] */
    o = outcomes(d, "LEFT", "2018-06-01");
    ck_assert_int_eq(o.stable_12m, LL_NA);
    ck_assert_int_eq(o.stable_12m_na, LL_NA_LEFT_CARE);
    ck_assert_int_eq(o.left_care, 1);
    ck_assert_int_eq(outcomes(d, "LEFT", "2018-01-01").stable_12m_na, LL_NA_LEFT_CARE); /* DEC = f */
    ck_assert_int_eq(outcomes(d, "LEFT", "2017-12-31").stable_12m, 1); /* DEC = f + 1 */
    /* a move before leaving decides first; so does a move in a later period */
    ck_assert_int_eq(outcomes(d, "MVLEFT", "2018-06-01").stable_12m, 0);
    ck_assert_int_eq(outcomes(d, "OTHP", "2018-06-01").stable_12m, 0);
    /* no OC3 row: homelessness NA */
    o = outcomes(d, "TEMP", "2018-06-01");
    ck_assert_int_eq(o.homeless_ever, LL_NA);
    ck_assert_int_eq(o.homeless_na, LL_NA_NO_CARE_LEAVER_RECORD);
    free_d();

    ll_config cfg;
    ll_config_init(&cfg);
    cfg.cohort.leavers = LL_LEAVERS_UNSTABLE;
    d = load_cfg(&cfg);
    o = outcomes(d, "LEFT", "2018-06-01");
    ck_assert_int_eq(o.stable_12m, 0);
    ck_assert_int_eq(o.stable_12m_na, LL_NA_NONE);
    ck_assert_int_eq(outcomes(d, "FOLLOW", "2019-06-01").stable_12m, LL_NA);
}
END_TEST

START_TEST(window_edges)
{
    /* ONI: a move exactly on i is not in (i, f] */
    ll_outcomes o = outcomes(d, "ONI", "2018-06-01");
    ck_assert_int_eq(o.stable_12m, 1);
    ck_assert_int_eq(o.placements_before, 1);
    ck_assert_int_eq(o.placements_after, 1);
    ll_covariates v = covariates(d, "ONI", "2018-06-01");
    ck_assert_int_eq(v.prior_placements, 2);
    ck_assert_rel(v.years_in_placement + 1, 1.0, 1e-15);
    ck_assert_int_eq(v.placements_before, 1);
    /* FOLLOW: the move on 2019-09-01 */
    ck_assert_int_eq(outcomes(d, "FOLLOW", "2018-06-01").stable_12m, 1); /* after f */
    o = outcomes(d, "FOLLOW", "2018-09-01");                             /* exactly on f */
    ck_assert_int_eq(o.stable_12m, 0);
    ck_assert_int_eq(o.placements_after, 1); /* [i, f) stops the day before */
    o = outcomes(d, "FOLLOW", "2018-09-02");
    ck_assert_int_eq(o.stable_12m, 0);
    ck_assert_int_eq(o.placements_after, 2);
}
END_TEST

/* The homelessness outcome of child id (of d) at index date iso: ever
 * homeless and the age of the event or censoring; returned for more. */
static ll_outcomes homeless_is(const char *id, const char *iso, int ever, int time)
{
    ll_outcomes o = outcomes(d, id, iso);
    ck_assert_msg(o.homeless_ever == ever, "%s on %s: homeless_ever %d, want %d", id, iso,
                  o.homeless_ever, ever);
    ck_assert_msg(o.homeless_time == time, "%s on %s: homeless_time %d, want %d", id, iso,
                  o.homeless_time, time);
    return o;
}

/* ---- care leavers (OC3) ------------------------------------------------- */

START_TEST(oc3_dated_on_birthday)
{
    /* OC3A born 2000-05-10 (Header; the OC3 rows' DOB 2000-01-01 is not
     * used): 2019 row on 2018-05-10 (age 18, S1), 2020 row on 2019-05-10
     * (age 19, B1). */
    ll_outcomes o = homeless_is("OC3A", "2018-01-10", 1, 18);
    ck_assert_int_eq(o.homeless_event, 1);
    o = homeless_is("OC3A", "2018-05-10", 0, 19); /* the 2018-05-10 row is not after i */
    ck_assert_int_eq(o.homeless_event, 0);
    o = homeless_is("OC3A", "2019-05-10", LL_NA, LL_NA);
    ck_assert_int_eq(o.homeless_na, LL_NA_NO_CARE_LEAVER_RECORD);
    /* born 29 Feb 2000: the 2019 row falls on 1 March 2019 (age 19), the
     * 2020 row on 29 Feb 2020 (age 20) */
    homeless_is("OC3LEAP", "2019-02-28", 1, 19);
    homeless_is("OC3LEAP", "2019-03-01", 0, 20);
    /* ACCOM 0 and empty are no information */
    ck_assert_int_eq(outcomes(d, "OC3ZERO", "2018-01-10").homeless_na, LL_NA_NO_CARE_LEAVER_RECORD);
    /* edges of the collection year: born 1 April -> 2018-04-01 (age 18);
     * born 31 March -> 2019-03-31 (age 19) */
    homeless_is("OC3APR", "2018-03-31", 1, 18);
    ck_assert_int_eq(outcomes(d, "OC3APR", "2018-04-01").homeless_ever, LL_NA);
    homeless_is("OC3MAR", "2019-03-30", 1, 19);
    ck_assert_int_eq(outcomes(d, "OC3MAR", "2019-03-31").homeless_ever, LL_NA);
    free_d();

    ll_config cfg;
    ll_config_init(&cfg);
    cfg.cohort.homeless_accom = 1u << ('B' - 'A');
    d = load_cfg(&cfg);
    homeless_is("OC3A", "2018-01-10", 1, 19); /* S1 no longer homeless; B1 at 19 is */
}
END_TEST

/* ---- SDQ ---------------------------------------------------------------- */

START_TEST(sdq_windows)
{
    /* OC2 scores dated 31 March: 2017 10, 2018 12, 2019 14, 2020 16 */
    ll_outcomes o = outcomes(d, "SDQ", "2018-03-31");
    ck_assert_int_eq(o.sdq[0], 12); /* (2017-03-31, 2018-03-31]: lower edge out */
    ck_assert_int_eq(o.sdq[1], 14); /* (2018-03-31, 2019-03-31] */
    ck_assert_int_eq(o.sdq[2], LL_NA); /* (2019-03-31, 2020-03-30]: leap day */
    ck_assert_int_eq(o.sdq[3], 16);    /* (2020-03-30, 2021-03-30] */
    o = outcomes(d, "SDQ", "2018-04-01");
    ck_assert_int_eq(o.sdq[0], 12);
    ck_assert_int_eq(o.sdq[1], 14);
    ck_assert_int_eq(o.sdq[2], 16); /* (2019-04-01, 2020-03-31] */
    o = outcomes(d, "SDQ", "2018-03-30");
    ck_assert_int_eq(o.sdq[0], 10); /* (2017-03-30, 2018-03-30] */
    ck_assert_int_eq(o.sdq[1], 12);
    ck_assert_int_eq(outcomes(d, "ITEMS", "2018-03-15").sdq[0], LL_NA); /* no OC2 */
    free_d();

    ll_config cfg;
    ll_config_init(&cfg);
    cfg.cohort.sdq_source = LL_SDQ_ITEMS_P;
    d = load_cfg(&cfg);
    /* the 2018-03-01 carer form cannot be scored: the 2018-01-15 one counts */
    ck_assert_int_eq(outcomes(d, "ITEMS", "2018-03-15").sdq[0], 20);
    ck_assert_int_eq(outcomes(d, "SDQ", "2018-04-01").sdq[0], LL_NA); /* no items */
    free_d();
    cfg.cohort.sdq_source = LL_SDQ_ITEMS_T;
    d = load_cfg(&cfg);
    ck_assert_int_eq(outcomes(d, "ITEMS", "2018-03-15").sdq[0], 30);
    ck_assert_int_eq(outcomes(d, "ITEMS", "2018-01-31").sdq[0], LL_NA);
}
END_TEST

static void items(int q[25], int value)
{
    for (int k = 0; k < 25; k++)
        q[k] = value;
}

START_TEST(sdq_item_scoring)
{
    int q[25];
    ll_sdq_scores s;
    items(q, 1);
    ll_sdq_score(&s, q);
    ck_assert_int_eq(s.emotional, 5);
    ck_assert_int_eq(s.conduct, 5);
    ck_assert_int_eq(s.prosocial, 5);
    ck_assert_int_eq(s.total, 20);
    items(q, 2); /* reversed items 7, 11, 14, 21, 25 score 0 */
    ll_sdq_score(&s, q);
    ck_assert_int_eq(s.emotional, 10);
    ck_assert_int_eq(s.conduct, 8);
    ck_assert_int_eq(s.hyperactivity, 6);
    ck_assert_int_eq(s.peer, 6);
    ck_assert_int_eq(s.prosocial, 10);
    ck_assert_int_eq(s.total, 30);
    items(q, 0); /* reversed items score 2 */
    ll_sdq_score(&s, q);
    ck_assert_int_eq(s.conduct, 2);
    ck_assert_int_eq(s.hyperactivity, 4);
    ck_assert_int_eq(s.peer, 4);
    ck_assert_int_eq(s.total, 10);
    /* emotional (3 8 13 16 24): 3 answered 2,2,1 -> mean 5/3, x5 = 8.33 -> 8 */
    items(q, 0);
    q[2] = 2, q[7] = 2, q[12] = 1, q[15] = LL_NA, q[23] = LL_NA;
    ll_sdq_score(&s, q);
    ck_assert_int_eq(s.emotional, 8);
    /* 4 answered summing 2: 2.5 rounds up to 3; summing 3: 3.75 -> 4 */
    q[2] = 1, q[7] = 1, q[12] = 0, q[15] = 0;
    ll_sdq_score(&s, q);
    ck_assert_int_eq(s.emotional, 3);
    q[15] = 1;
    ll_sdq_score(&s, q);
    ck_assert_int_eq(s.emotional, 4);
    /* only 2 answered: the subscale and the total are missing */
    q[12] = LL_NA, q[15] = LL_NA;
    ll_sdq_score(&s, q);
    ck_assert_int_eq(s.emotional, LL_NA);
    ck_assert_int_eq(s.total, LL_NA);
    ck_assert_int_eq(s.prosocial, 0);
}
END_TEST

/* ---- covariates and eligibility ----------------------------------------- */

START_TEST(covariates_from_latest_header_and_uasc)
{
    ll_covariates v = covariates(d, "UASCK", "2018-06-01");
    ck_assert_int_eq(v.male, 0);                 /* 2019 Header: SEX 2 */
    ck_assert_int_eq(v.ethnic_group, LL_ETHNIC_BLACK);
    ck_assert_int_eq(v.uasc, 1);                 /* 2019 UASC: DUC 2018-09-01 */
    ck_assert_int_eq(covariates(d, "UASCK", "2018-09-01").uasc, 0);
    ck_assert_int_eq(covariates(d, "TEMP", "2018-06-01").uasc, 1); /* DUC empty */
    ck_assert_int_eq(covariates(d, "MOVET", "2018-06-01").uasc, 0); /* no row */
    ck_assert_int_eq(covariates(d, "TEMP", "2018-06-01").male, 1);
    ck_assert_rel(covariates(d, "TEMP", "2018-06-01").age_years, 3804 / 365.25, 1e-15);
    const struct {
        const char *child;
        ll_ethnic_group g;
    } eth[] = {{"TEMP", LL_ETHNIC_WHITE},     {"MOVET", LL_ETHNIC_MIXED},
               {"MOVEU", LL_ETHNIC_ASIAN},    {"LCHG", LL_ETHNIC_BLACK},
               {"SHORTB", LL_ETHNIC_OTHER},   {"REENT", LL_ETHNIC_OTHER},
               {"SAMEDAY", LL_ETHNIC_UNKNOWN}, {"GAP", LL_ETHNIC_UNKNOWN},
               {"SPAN", LL_ETHNIC_UNKNOWN}};
    for (int k = 0; k < N(eth); k++)
        ck_assert_msg(covariates(d, eth[k].child, "2018-06-01").ethnic_group == eth[k].g, "%s",
                      eth[k].child);
    /* STALE's ETHNIC XXXX is outside the DfE list */
    ck_assert_int_eq(covariates(d, "STALE", "2018-01-10").ethnic_group, LL_ETHNIC_UNKNOWN);
    ck_assert_int_eq(ll_derive_covariates(&v, d, child(d, "STALE"), D("2018-06-01")), LL_EDOM);
}
END_TEST

START_TEST(eligibility_rules)
{
    ck_assert_int_eq(covariates(d, "TEMP", "2018-06-01").eligible, 1);
    /* OLD born 2002-06-01: 5844 days = exactly 16.0 years: not < 16 */
    ll_covariates v = covariates(d, "OLD", "2018-06-01");
    ck_assert_rel(v.age_years, 16.0, 1e-15);
    ck_assert_int_eq(v.eligible, 0);
    ck_assert_int_eq(covariates(d, "OLD", "2018-05-31").eligible, 1);
    /* LONG in care since 2015-01-01: 1247 days */
    v = covariates(d, "LONG", "2018-06-01");
    ck_assert_rel(v.years_in_care, 1247 / 365.25, 1e-15);
    ck_assert_int_eq(v.eligible, 0);
    v = covariates(d, "ADOPT", "2018-06-01");
    ck_assert_int_eq(v.placement_group, LL_PG_ADOPTION);
    ck_assert_int_eq(v.legal_group, LL_LEGAL_OTHER);
    ck_assert_int_eq(v.eligible, 0);
    ck_assert_int_eq(covariates(d, "PARENTS", "2018-06-01").placement_group, LL_PG_PARENTS);
    ck_assert_int_eq(covariates(d, "PARENTS", "2018-06-01").eligible, 0);
    free_d();

    ll_config cfg;
    ll_config_init(&cfg);
    cfg.cohort.max_age = 17;
    cfg.cohort.excluded_placement_groups = 1u << LL_PG_PARENTS;
    d = load_cfg(&cfg);
    ck_assert_int_eq(covariates(d, "OLD", "2018-06-01").eligible, 1);
    ck_assert_int_eq(covariates(d, "PARENTS", "2018-06-01").eligible, 0);
    ck_assert_int_eq(covariates(d, "ADOPT", "2018-06-01").eligible, 0); /* LS E1 */
    free_d();
    cfg.cohort.excluded_legal_status = 0;
    cfg.cohort.excluded_placement_groups = 0;
    d = load_cfg(&cfg);
    ck_assert_int_eq(covariates(d, "ADOPT", "2018-06-01").eligible, 1);
}
END_TEST

/* ---- cohort, flow and the seam ------------------------------------------ */

static size_t flow_n(const ll_flow *f, const char *stage, ll_group g, const char *reason)
{
    for (size_t k = 0; k < f->n; k++)
        if (!strcmp(f->rows[k].stage, stage) && f->rows[k].group == g &&
            !strcmp(f->rows[k].reason, reason))
            return f->rows[k].n;
    ck_abort_msg("no flow row %s/%s", stage, reason);
    return 0;
}

/* Each flow row of the NULL-terminated list, "stage group [reason] = n"
 * (group treated or comparison; no reason: the row of those who go on). */
static void flow_is(const ll_flow *f, const char *const *want)
{
    for (size_t k = 0; want[k] != NULL; k++) {
        char stage[64], group[16], reason[64] = "";
        size_t n;
        int got = sscanf(want[k], "%63s %15s %63[a-z_] = %zu", stage, group, reason, &n);
        if (got != 4)
            got = sscanf(want[k], "%63s %15s = %zu", stage, group, &n) == 3 ? 4 : got;
        ck_assert_msg(got == 4 && (!strcmp(group, "treated") || !strcmp(group, "comparison")),
                      "bad expectation '%s'", want[k]);
        ll_group g = strcmp(group, "treated") ? LL_GROUP_COMPARISON : LL_GROUP_TREATED;
        size_t have = flow_n(f, stage, g, reason);
        ck_assert_msg(have == n, "flow %s: %zu, want %zu", want[k], have, n);
    }
}

START_TEST(cohort_and_flow)
{
    ll_error err = {0};
    ll_cohort *co;
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_AUTO, &err), LL_OK);
    ck_assert_int_eq(co->design, LL_COMPARISON_EXPLICIT);
    flow_is(&co->flow, (const char *const[]){
        "referred treated = 9",
        "consented treated no_consent = 1",
        "started treated no_start_date = 1",
        "started treated = 7",
        "looked_after_at_index treated not_in_returns = 2",
        "looked_after_at_index treated no_index_date = 0",
        "looked_after_at_index treated short_breaks = 1",
        "looked_after_at_index treated not_looked_after_at_index = 1",
        "looked_after_at_index treated = 3",
        "named comparison = 2",
        "looked_after_at_index comparison = 2",
        NULL});
    ck_assert_int_eq(co->not_in_returns, 2);
    ck_assert_int_eq(co->would_link, 1); /* 0777 is 777 without its zero */

    ll_analysis *a;
    ck_assert_int_eq(ll_derive_analysis(&a, d, co->entries, co->n, 0, &err), LL_OK);
    const char *order[] = {"MOVET", "NOFGC", "TEMP", "REENT", "STALE"};
    ck_assert_int_eq(a->n, 5);
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(a->rows[k].child, child(d, order[k]));
    ck_assert_int_eq(a->rows[2].identity_improved, 1);
    ck_assert_int_eq(a->rows[2].connections_before, 5);
    ck_assert_int_eq(a->rows[2].connections_after, 9);
    ck_assert_int_eq(a->rows[0].identity_improved, 0);
    ck_assert_int_eq(a->rows[0].connections_before, 4);
    ck_assert_int_eq(a->rows[0].connections_after, LL_NA);
    ck_assert_int_eq(a->rows[3].identity_improved, LL_NA);
    ck_assert_int_eq(a->rows[4].index_date, D("2018-01-10"));
    ck_assert_int_eq(ll_derive_flow_finish(&co->flow, d, a, co->design, &err), LL_OK);
    flow_is(&co->flow, (const char *const[]){
        "eligible treated = 3",
        "analysed comparison = 2",
        "stable_12m treated = 3",
        "stable_12m comparison = 1",
        "stable_12m comparison left_care = 1",
        "identity_improved treated not_recorded = 1",
        NULL});
    ll_analysis_free(a);
    ll_cohort_free(co);
    free_d();

    ll_config cfg;
    ll_config_init(&cfg);
    cfg.cohort.index = LL_INDEX_FGC;
    d = load_cfg(&cfg);
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_NONE, &err), LL_OK);
    flow_is(&co->flow, (const char *const[]){
        "looked_after_at_index treated not_in_returns = 2",
        "looked_after_at_index treated no_index_date = 4",
        "looked_after_at_index treated short_breaks = 0",
        NULL});
    ck_assert_int_eq(co->n, 1);
    ck_assert_int_eq(co->entries[0].child, child(d, "TEMP"));
    ck_assert_int_eq(co->entries[0].index_date, D("2018-09-01"));
    ll_cohort_free(co);
}
END_TEST

START_TEST(seam_for_matching)
{
    ll_error err = {0};
    ll_analysis *a;
    ll_cohort_entry e[2] = {
        {child(d, "REENT"), D("2018-06-01"), LL_GROUP_COMPARISON, 1, -0.5},
        {child(d, "TEMP"), D("2018-06-01"), LL_GROUP_TREATED, 1, -0.25},
    };
    ck_assert_int_eq(ll_derive_analysis(&a, d, e, 2, 1, &err), LL_OK);
    ck_assert_int_eq(a->matched, 1);
    ck_assert_int_eq(a->rows[0].group, LL_GROUP_TREATED);
    ck_assert_int_eq(a->rows[1].match_id, 1);
    ck_assert_rel(a->rows[1].ps_logit, -0.5, 1e-15);
    ll_analysis_free(a);
    /* an entry whose child is not looked after on the day is refused */
    e[0].index_date = D("2016-06-01");
    ck_assert_int_eq(ll_derive_analysis(&a, d, e, 2, 1, &err), LL_EINPUT);
    ck_assert(strstr(err.msg, "REENT") != NULL);
    /* candidates: not in the programme, eligible, looked after on the day */
    ll_covariates v;
    ck_assert_int_eq(ll_derive_candidate(&v, d, child(d, "REENT"), D("2018-06-01")), 1);
    ck_assert_int_eq(v.placements_before, 1);
    ck_assert_int_eq(ll_derive_candidate(NULL, d, child(d, "TEMP"), D("2018-06-01")), 0);
    ck_assert_int_eq(ll_derive_candidate(NULL, d, child(d, "OLD"), D("2018-06-01")), 0);
    ck_assert_int_eq(ll_derive_candidate(NULL, d, child(d, "REENT"), D("2016-06-01")), 0);
}
END_TEST

/* ---- output ------------------------------------------------------------- */

START_TEST(number_format)
{
    char b[40];
    ll_format_number(b, sizeof b, 365.0 / 7.0);
    ck_assert_str_eq(b, "52.142857142857146");
    ll_format_number(b, sizeof b, 0.1);
    ck_assert_str_eq(b, "0.1");
    ll_format_number(b, sizeof b, 16.0);
    ck_assert_str_eq(b, "16");
    ll_format_number(b, sizeof b, 1.0 / 3.0);
    ck_assert_str_eq(b, "0.3333333333333333"); /* 16 digits read back */
    ll_format_number(b, sizeof b, NAN);
    ck_assert_str_eq(b, "");
}
END_TEST

static int query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
    ck_assert(sqlite3_step(st) == SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

START_TEST(store_and_write)
{
    ll_error err = {0};
    ll_cohort *co;
    ll_analysis *a;
    ck_assert_int_eq(ll_derive_cohort(&co, d, LL_COMPARISON_EXPLICIT, &err), LL_OK);
    ck_assert_int_eq(ll_derive_analysis(&a, d, co->entries, co->n, 0, &err), LL_OK);
    ck_assert_int_eq(ll_derive_flow_finish(&co->flow, d, a, co->design, &err), LL_OK);
    sqlite3 *db;
    ck_assert_int_eq(ll_db_open(&db, g_db, 0, &err), LL_OK);
    for (int run = 0; run < 2; run++) /* replacing, not appending */
        ck_assert_msg(ll_derive_store(db, d, a, &co->flow, &err) == LL_OK, "%s", err.msg);
    ck_assert_int_eq(query_int(db, "SELECT COUNT(*) FROM analysis"), 5);
    ck_assert_int_eq(query_int(db, "SELECT COUNT(*) FROM data_quality"), 9);
    ck_assert_int_eq(query_int(db, "SELECT COUNT(*) FROM periods WHERE child = 'REENT'"), 2);
    ck_assert_int_eq(query_int(db, "SELECT COUNT(*) FROM spells WHERE child = 'MOVEU' AND move = 1"), 1);
    ck_assert_int_eq(query_int(db, "SELECT stable_12m IS NULL FROM analysis WHERE child = 'STALE'"), 1);
    ll_db_close(db);

    char path[160], line[1024];
    snprintf(path, sizeof path, "%s/analysis.csv", g_dir);
    ck_assert_int_eq(ll_derive_write_analysis(path, d, a, &err), LL_OK);
    FILE *f = fopen(path, "r");
    ck_assert(f != NULL);
    ck_assert(fgets(line, sizeof line, f) != NULL);
    ck_assert(strncmp(line, "la,child,group,index_date,eligible,", 35) == 0);
    ck_assert(strstr(line, "homeless_event\n") != NULL);
    ck_assert(fgets(line, sizeof line, f) != NULL);
    ck_assert(strncmp(line, "LA,MOVET,treated,2018-06-01,1,", 30) == 0);
    fclose(f);
    unlink(path);
    snprintf(path, sizeof path, "%s/dq.csv", g_dir);
    ck_assert_int_eq(ll_derive_write_data_quality(path, d, &err), LL_OK);
    f = fopen(path, "r");
    ck_assert(fgets(line, sizeof line, f) != NULL);
    ck_assert_str_eq(line, "la,child,decom,year,rule\n");
    ck_assert(fgets(line, sizeof line, f) != NULL);
    ck_assert_str_eq(line, "LA,CHAIN,2015-06-01,2018,stale_open\n");
    fclose(f);
    unlink(path);
    ll_analysis_free(a);
    ll_cohort_free(co);
}
END_TEST

/* evaluate names what derive corrected (SPEC 8's data-quality line goes
 * to stderr too): the fixture's stale and overlapping episodes, counted
 * here from ll_derive_dq, are warned of with those counts. */
START_TEST(evaluate_warns_of_corrections)
{
    size_t n[3] = {0, 0, 0};
    for (size_t k = 0; k < ll_derive_n_dq(d); k++) {
        ll_dq_view v;
        ll_derive_dq(&v, d, k);
        n[v.rule]++;
    }
    free_d();
    ck_assert_uint_gt(n[LL_DQ_STALE_OPEN], 0);
    ck_assert_uint_gt(n[LL_DQ_OVERLAP], 0);
    char cmd[1200], log[200], want[300];
    snprintf(log, sizeof log, "%s/warn.log", g_dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/warn.db' && '%s' evaluate --db '%s/warn.db' --out "
                              "'%s/warn' >/dev/null 2>'%s'; rm -rf '%s/warn' '%s/warn.db'",
             g_db, g_dir, tu_lleval_path(), g_dir, g_dir, log, g_dir, g_dir);
    ck_assert_int_ne(system(cmd), -1);
    FILE *f = fopen(log, "r");
    ck_assert_ptr_nonnull(f);
    char text[8192];
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    unlink(log);
    size_t total = n[LL_DQ_STALE_OPEN] + n[LL_DQ_OVERLAP];
    snprintf(want, sizeof want, "lleval evaluate: warning: %zu episode%s corrected by fixed rules "
                                "(%zu stale_open: left open past their return, %zu overlap: set "
                                "aside for an overlapping episode); see secure/data_quality.csv",
             total, total == 1 ? "" : "s", n[LL_DQ_STALE_OPEN], n[LL_DQ_OVERLAP]);
    ck_assert_msg(strstr(text, want) != NULL, "no \"%s\" in:\n%s", want, text);
}
END_TEST

/* The episodes are read on a second connection, on a thread of their own,
 * when the database is a file (an in-memory one is read on one
 * connection): both give the same data, child by child and episode by
 * episode, also when the two connections meet the las in different orders
 * (AA0 has only an episodes file, so only the first connection sees it;
 * ZZ9 has episode rows but no file, so its data end comes from the
 * second's rows). */
static void same_views(const ll_derive_data *a, const ll_derive_data *b)
{
    ck_assert_uint_eq(ll_derive_n_las(a), ll_derive_n_las(b));
    for (size_t la = 0; la < ll_derive_n_las(a); la++) {
        int ya, yb;
        ck_assert_str_eq(ll_derive_la_code(a, la), ll_derive_la_code(b, la));
        ck_assert_int_eq(ll_derive_data_end(a, la, &ya), ll_derive_data_end(b, la, &yb));
        ck_assert_int_eq(ya, yb);
    }
    ck_assert_uint_eq(ll_derive_n_children(a), ll_derive_n_children(b));
    for (size_t c = 0; c < ll_derive_n_children(a); c++) {
        ll_child_info ca, cb;
        ll_derive_child(&ca, a, c);
        ll_derive_child(&cb, b, c);
        ck_assert_str_eq(ca.la, cb.la);
        ck_assert_str_eq(ca.child, cb.child);
        ck_assert(ca.la_index == cb.la_index && ca.has_header == cb.has_header &&
                  ca.in_returns == cb.in_returns && ca.treated == cb.treated &&
                  ca.n_episodes == cb.n_episodes && ca.n_periods == cb.n_periods &&
                  ca.n_spells == cb.n_spells);
        for (size_t k = 0; k < ca.n_episodes; k++) {
            ll_episode_view ea, eb;
            ll_derive_episode(&ea, a, c, k);
            ll_derive_episode(&eb, b, c, k);
            ck_assert(ea.decom == eb.decom && ea.end == eb.end && ea.open == eb.open &&
                      ea.year == eb.year && ea.period == eb.period && ea.spell == eb.spell);
            ck_assert(!strcmp(ea.rne, eb.rne) && !strcmp(ea.ls, eb.ls) &&
                      !strcmp(ea.cin, eb.cin) && !strcmp(ea.place, eb.place) &&
                      !strcmp(ea.rec, eb.rec));
        }
        for (size_t k = 0; k < ca.n_spells; k++) {
            ll_spell_view sa, sb;
            ll_derive_spell(&sa, a, c, k);
            ll_derive_spell(&sb, b, c, k);
            ck_assert(sa.start == sb.start && sa.end == sb.end && sa.open == sb.open &&
                      sa.starts_with_move == sb.starts_with_move && sa.group == sb.group &&
                      sa.period == sb.period && sa.first_episode == sb.first_episode &&
                      sa.n_episodes == sb.n_episodes);
        }
    }
    ck_assert_uint_eq(ll_derive_n_dq(a), ll_derive_n_dq(b));
}

START_TEST(load_on_two_connections)
{
    char path[160];
    snprintf(path, sizeof path, "%s/two.db", g_dir);
    sqlite3 *src, *file, *mem;
    ll_error err = {0};
    ck_assert_int_eq(ll_db_open(&src, g_db, 1, &err), LL_OK);
    ck_assert_int_eq(sqlite3_open(path, &file), SQLITE_OK);
    sqlite3_backup *bk = sqlite3_backup_init(file, "main", src, "main");
    ck_assert_ptr_nonnull(bk);
    ck_assert_int_eq(sqlite3_backup_step(bk, -1), SQLITE_DONE);
    sqlite3_backup_finish(bk);
    ll_db_close(src);
    ck_assert_int_eq(ll_db_exec(file,
        "INSERT INTO files(path, kind, la, year, sha256, ingested_at)"
        " VALUES ('e', 'episodes', 'AA0', 2019, '', '');"
        "INSERT INTO header(la, year, child, sex, dob, file_id) VALUES ('ZZ9', 2020, 'Z1', 1, 15000, 1);"
        "INSERT INTO episodes(la, year, child, decom, rne, ls, cin, place, dec, rec, file_id)"
        " VALUES ('ZZ9', 2020, 'Z1', 17500, 'S', 'C2', 'N1', 'U1', NULL, NULL, 1);", &err),
        LL_OK);
    ck_assert_int_eq(sqlite3_open(":memory:", &mem), SQLITE_OK);
    bk = sqlite3_backup_init(mem, "main", file, "main");
    ck_assert_int_eq(sqlite3_backup_step(bk, -1), SQLITE_DONE);
    sqlite3_backup_finish(bk);
    sqlite3_close(file);
    ll_config cfg;
    ll_config_init(&cfg);
    ll_derive_data *two = tu_derive_load(path, &cfg), *one = NULL;
    ck_assert_msg(ll_derive_load(&one, mem, &cfg, NULL, NULL, &err) == LL_OK, "%s", err.msg);
    sqlite3_close(mem);
    size_t last = ll_derive_n_las(two) - 1;
    ck_assert_str_eq(ll_derive_la_code(two, 0), "AA0");
    ck_assert_str_eq(ll_derive_la_code(two, last), "ZZ9");
    int year;
    ck_assert_int_eq(ll_derive_data_end(two, 0, &year), D("2019-03-31"));
    ck_assert_int_eq(ll_derive_data_end(two, last, &year), D("2020-03-31"));
    ck_assert_int_eq(year, 2020);
    size_t z;
    ck_assert_int_eq(ll_derive_find_child(&z, two, "ZZ9", "Z1"), LL_OK);
    ll_child_info ci;
    ll_derive_child(&ci, two, z);
    ck_assert_uint_eq(ci.n_episodes, 1);
    same_views(two, one);
    ll_derive_free(one);
    ll_derive_free(two);
    /* inside an open transaction its uncommitted rows are read too (all
     * on the one connection: a second would not see them) */
    sqlite3 *tx;
    ck_assert_int_eq(ll_db_open(&tx, path, 0, &err), LL_OK);
    ck_assert_int_eq(ll_db_exec(tx, "BEGIN;"
        "INSERT INTO header(la, year, child, sex, dob, file_id) VALUES ('ZZ9', 2020, 'Z2', 2, 15000, 1);"
        "INSERT INTO episodes(la, year, child, decom, rne, ls, cin, place, dec, rec, file_id)"
        " VALUES ('ZZ9', 2020, 'Z2', 17600, 'S', 'C2', 'N1', 'U1', NULL, NULL, 1);", &err), LL_OK);
    ck_assert_msg(ll_derive_load(&one, tx, &cfg, NULL, NULL, &err) == LL_OK, "%s", err.msg);
    ck_assert_int_eq(ll_derive_find_child(&z, one, "ZZ9", "Z2"), LL_OK);
    ll_derive_child(&ci, one, z);
    ck_assert_uint_eq(ci.n_episodes, 1);
    ll_derive_free(one);
    ck_assert_int_eq(ll_db_exec(tx, "ROLLBACK", &err), LL_OK);
    ll_db_close(tx);
    unlink(path);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("derive");
    const TTest *const histories_tests[] = {
        temporary_placement_is_not_a_move, t_and_u_are_moves, l_is_not_a_move,
        short_breaks_excluded, reentry_starts_a_new_period, open_then_closed_is_one_episode,
        stale_open_episodes, overlap_resolution, stable_12m_na_reasons, window_edges,
        oc3_dated_on_birthday, sdq_windows, covariates_from_latest_header_and_uasc,
        eligibility_rules, cohort_and_flow, seam_for_matching, store_and_write,
        evaluate_warns_of_corrections, load_on_two_connections, NULL};
    TCase *tc = tu_tcase(s, "histories", histories_tests, 60);
    tcase_add_unchecked_fixture(tc, make_db, remove_db);
    tcase_add_checked_fixture(tc, load_d, free_d);
    const TTest *const pure_tests[] = {
        sdq_item_scoring, number_format, NULL};
    tu_tcase(s, "pure", pure_tests, 0);
    return s;
}
