/* Derived records (SPEC 3) and the analysis dataset (SPEC 4).
 *
 * ll_derive_load reads the ingested tables once, with one ordered SELECT per
 * table, and keeps every child's cleaned history in memory: episodes after
 * the two "Episodes across years" rules, periods of care, placement spells.
 * After that everything is a pure, const function of the loaded data, so the
 * same code gives covariates and outcomes for a programme child at its start
 * date, an explicit comparison child at its INDEX_DATE, and any candidate
 * child on the first day of any month (matching, SPEC 5).
 *
 * The pipeline of `lleval evaluate`:
 *
 *   ll_derive_load      -> ll_derive_data   (children, histories, E per la)
 *   ll_derive_cohort    -> ll_cohort        (treated and explicit-comparison
 *                                            entries, flow up to the index)
 *   [matching]          -> ll_pairing       (match_id/ps_logit per entry,
 *                                            the matched comparison entries)
 *   ll_derive_cohort_analysis -> ll_analysis (one row per entry: covariates,
 *                                            eligibility, outcomes)
 *   ll_derive_flow_finish                    (eligible, analysed, outcomes)
 *   ll_derive_write_* / ll_derive_store      (secure CSV files, database tables)
 *
 * Day numbers are days since 1970-01-01 (lleval/date.h).  NA is -1 in an int
 * field (every int outcome is >= 0 when defined) and NAN in a double. */
#ifndef LLEVAL_DERIVE_H
#define LLEVAL_DERIVE_H

#include "lleval/config.h"
#include "lleval/error.h"
#include "lleval/format.h"

#include <sqlite3.h>
#include <stddef.h>

#define LL_NA (-1)

typedef enum { LL_GROUP_TREATED, LL_GROUP_COMPARISON } ll_group;
typedef enum { LL_LEGAL_CARE_ORDER, LL_LEGAL_S20, LL_LEGAL_OTHER } ll_legal_group;
typedef enum {
    LL_ETHNIC_WHITE,
    LL_ETHNIC_MIXED,
    LL_ETHNIC_ASIAN,
    LL_ETHNIC_BLACK,
    LL_ETHNIC_OTHER,
    LL_ETHNIC_UNKNOWN
} ll_ethnic_group;
#define LL_ETHNIC_N 6
#define LL_LEGAL_N 3

/* "treated"/"comparison", "care_order"/"s20"/"other", "white"/.../"unknown". */
const char *ll_group_name(ll_group g);
const char *ll_legal_group_name(ll_legal_group g);
const char *ll_ethnic_group_name(ll_ethnic_group g);

/* SPEC 3 placement group of a PLACE code; SPEC 3 ethnic group of an ETHNIC
 * code (the DfE list exactly; anything else, empty or NULL is unknown). */
ll_placement_group ll_derive_placement_group(const char *place);
ll_ethnic_group ll_derive_ethnic_group(const char *ethnic);

/* ---- loading ------------------------------------------------------------ */

/* Progress callback for long steps: step names what is being done, done of
 * total units (total 0 when unknown).  Called at most every 64k units. */
typedef void (*ll_progress_fn)(void *user, const char *step, size_t done, size_t total);

typedef struct ll_derive_data ll_derive_data;

/* Loads the ingested tables of db and derives every child's history, with
 * the rules of cfg (copied; cohort.sdq_source chooses the SDQ rows loaded).
 * When db is a file with no transaction open, the episodes are read on a
 * second, read-only connection to it, on a thread of their own, while the
 * other tables are read on db: the same data as one connection gives (an
 * open transaction, whose writes a second connection would not see, an
 * in-memory db, or a second connection that cannot be opened: all is read
 * on db).  progress may be NULL; it is only called from the calling
 * thread.  On success *out is owned by the caller (ll_derive_free).
 * Errors: LL_EDB (a query failed; message names the table), LL_ENOMEM. */
int ll_derive_load(ll_derive_data **out, sqlite3 *db, const ll_config *cfg,
                   ll_progress_fn progress, void *progress_user, ll_error *err);

/* Frees d; NULL is a no-op. */
void ll_derive_free(ll_derive_data *d);

/* The configuration d was loaded with. */
const ll_config *ll_derive_config(const ll_derive_data *d);

/* 1 when a comparison.csv was ingested (a `comparison` file or rows). */
int ll_derive_has_comparison_file(const ll_derive_data *d);

/* ---- local authorities -------------------------------------------------- */

/* las are numbered 0 .. n-1 in bytewise order of their codes. */
size_t ll_derive_n_las(const ll_derive_data *d);
const char *ll_derive_la_code(const ll_derive_data *d, size_t la);
/* Data end date E of la (31 March of the latest collection year of an
 * episodes file for it), or LL_NA when it has none.  *year_out (may be NULL)
 * gets that year. */
long ll_derive_data_end(const ll_derive_data *d, size_t la, int *year_out);

/* ---- children ----------------------------------------------------------- */

/* Every child named in any table, numbered 0 .. n-1 in bytewise order of
 * (la, child). */
size_t ll_derive_n_children(const ll_derive_data *d);

typedef struct ll_child_info {
    const char *la;       /* owned by d */
    const char *child;    /* the ID exactly as ingested; owned by d */
    size_t la_index;
    int has_header;
    int in_returns;       /* a Header row and at least one episode */
    int short_breaks;     /* a kept episode with LS V3 or V4 */
    int programme;        /* named in lifelong_links.csv (any consent) */
    int treated;          /* CONSENT = Y and START_DATE present */
    int comparison;       /* named in comparison.csv */
    size_t n_episodes;    /* kept episodes */
    size_t n_periods;
    size_t n_spells;
} ll_child_info;

void ll_derive_child(ll_child_info *out, const ll_derive_data *d, size_t child);

/* A programme child's record (lifelong_links.csv): REFERRAL_DATE and
 * START_DATE as day numbers (LL_NA when empty) and CONSENT = Y.  LL_OK, or
 * LL_EDOM when child is out of range or not named in the programme file. */
typedef struct ll_programme_view {
    long referral, start;
    int consent;
} ll_programme_view;
int ll_derive_programme(ll_programme_view *out, const ll_derive_data *d, size_t child);

/* Finds (la, child) exactly.  LL_OK with *out its index, or LL_EDOM when
 * there is no such child. */
int ll_derive_find_child(size_t *out, const ll_derive_data *d, const char *la, const char *child);

/* One kept episode, period or spell of a child (k-th, in date order).  end
 * is exclusive: DEC, or E + 1 for an open episode (which covers E). */
typedef struct ll_episode_view {
    long decom, end;
    int open;         /* DEC empty in its latest row (and not stale) */
    int year;         /* collection year of the row used */
    const char *rne, *ls, *cin, *place, *rec; /* owned by d; "" when empty */
    size_t period, spell; /* index within the child's periods / spells */
} ll_episode_view;
typedef struct ll_period_view {
    long start, end;
    int open;
    size_t first_episode, n_episodes;
    size_t first_spell, n_spells;
} ll_period_view;
typedef struct ll_spell_view {
    long start, end;
    int open;
    int starts_with_move; /* 0 for the first spell of a period */
    ll_placement_group group;
    size_t period, first_episode, n_episodes;
} ll_spell_view;

void ll_derive_episode(ll_episode_view *out, const ll_derive_data *d, size_t child, size_t k);
void ll_derive_period(ll_period_view *out, const ll_derive_data *d, size_t child, size_t k);
void ll_derive_spell(ll_spell_view *out, const ll_derive_data *d, size_t child, size_t k);

/* 1 if an episode of child covers day, else 0 (binary search). */
int ll_derive_looked_after(const ll_derive_data *d, size_t child, long day);

/* ---- covariates (SPEC 3) ------------------------------------------------ */

typedef struct ll_covariates {
    long day;
    double age_years;
    int male;
    ll_ethnic_group ethnic_group;
    int uasc;
    double years_in_care;
    int prior_placements;
    double years_in_placement;
    ll_placement_group placement_group;
    ll_legal_group legal_group;
    int cin_n1;
    int placements_before; /* spells overlapping [day - 365, day) */
    int eligible;          /* the configured eligibility rules */
    char ls[4];            /* LS of the episode covering day */
} ll_covariates;

/* Covariates and eligibility of child on day.  LL_OK; LL_EDOM when the
 * child has no Header row or is not looked after on day (*out untouched).
 * Short breaks are not checked here: see ll_child_info.short_breaks. */
int ll_derive_covariates(ll_covariates *out, const ll_derive_data *d, size_t child, long day);

/* A matching candidate row (SPEC 5 step 1): never named in
 * lifelong_links.csv, no short breaks, in the returns, looked after and
 * eligible on day.  Returns 1 and fills *out (may be NULL) when it is, else
 * 0. */
int ll_derive_candidate(ll_covariates *out, const ll_derive_data *d, size_t child, long day);

/* ---- outcomes (SPEC 3) -------------------------------------------------- */

typedef enum {
    LL_NA_NONE,
    LL_NA_FOLLOWUP_INCOMPLETE,
    LL_NA_LEFT_CARE,
    LL_NA_NO_CARE_LEAVER_RECORD,
    LL_NA_NO_SDQ_IN_WINDOW,
    LL_NA_NOT_RECORDED
} ll_na_reason;
/* "", "followup_incomplete", "left_care", "no_care_leaver_record",
 * "no_sdq_in_window", "not_recorded". */
const char *ll_na_reason_name(ll_na_reason r);

typedef struct ll_outcomes {
    int stable_12m;                   /* 1/0, LL_NA */
    ll_na_reason stable_12m_na;
    int left_care;                    /* the period of i ended in (i, f] */
    int placements_before;
    int placements_after;             /* LL_NA when f > E */
    double weeks_after[LL_PG_N];      /* NAN when f > E */
    double weeks_before[LL_PG_N];     /* days in [i - 365, i) per group / 7; never NA */
    ll_na_reason after_na;            /* of placements_after and weeks */
    int sdq[4];                       /* sdq_0 .. sdq_3, LL_NA */
    int homeless_ever, homeless_time, homeless_event; /* LL_NA together */
    ll_na_reason homeless_na;
} ll_outcomes;

/* The outcomes of SPEC 3 for child with index day i (the programme fields
 * identity/connections are in ll_analysis_row).  LL_OK; LL_EDOM when the
 * child is not looked after on i (no period to follow) or its la has no data
 * end date (*out untouched). */
int ll_derive_outcomes(ll_outcomes *out, const ll_derive_data *d, size_t child, long i);

/* ---- item-level SDQ (SPEC 2.4) ------------------------------------------ */

typedef struct ll_sdq_scores {
    int emotional, conduct, hyperactivity, peer, prosocial; /* LL_NA if < 3 items */
    int total; /* sum of the four problem scales; LL_NA if any is */
} ll_sdq_scores;

/* Scores items q[0..24] (Q1..Q25, each 0-2 or LL_NA). */
void ll_sdq_score(ll_sdq_scores *out, const int q[25]);

/* ---- participant flow --------------------------------------------------- */

/* One row of secure/flow.csv.  A row with an empty reason counts the
 * children who reach stage; a row with a reason counts those who stop at
 * stage for that reason (for the outcome stages: whose outcome is NA), so
 * that a stage's count plus its reasons is the count of the stage before. */
typedef struct ll_flow_row {
    char stage[32];
    ll_group group;
    char reason[40];
    size_t n;
} ll_flow_row;

typedef struct ll_flow {
    ll_flow_row *rows; /* owned; freed by ll_flow_clear */
    size_t n, cap;
} ll_flow;

/* Appends a row.  LL_OK or LL_ENOMEM. */
int ll_flow_add(ll_flow *f, const char *stage, ll_group group, const char *reason, size_t n,
                ll_error *err);
/* Frees the rows; f may then be reused.  NULL is a no-op. */
void ll_flow_clear(ll_flow *f);

/* ---- cohort and the seam for matching ----------------------------------- */

/* One child in the analysis at one index date: what matching produces for a
 * comparison child (group comparison, the first day of the month, its
 * match_id) and what it adds to a treated one (match_id, ps_logit). */
typedef struct ll_cohort_entry {
    size_t child;
    long index_date;
    ll_group group;
    long match_id;   /* 0: none */
    double ps_logit; /* NAN: none */
} ll_cohort_entry;

typedef struct ll_cohort {
    ll_comparison design;     /* explicit, match or none (never auto) */
    ll_cohort_entry *entries; /* owned: cohort children (looked after at index,
                               * no short breaks), by group, la, child */
    size_t n, cap;
    ll_flow flow;             /* stages up to looked_after_at_index */
    size_t not_in_returns;    /* children left out as not_in_returns ... */
    size_t would_link;        /* ... of whom this many link with leading
                               * zeros added or stripped */
} ll_cohort;

/* Builds the cohort for design (cfg's analysis.comparison resolved:
 * LL_COMPARISON_AUTO becomes explicit when comparison.csv was ingested, else
 * match): every treated child, and with explicit every comparison.csv child,
 * given a flow reason or an entry.  On success *out is owned by the caller
 * (ll_cohort_free).  Errors: LL_EINPUT (explicit without comparison.csv),
 * LL_ENOMEM. */
int ll_derive_cohort(ll_cohort **out, const ll_derive_data *d, ll_comparison design,
                     ll_error *err);

/* Appends an entry (the matching step adds its comparison children here).
 * LL_OK or LL_ENOMEM. */
int ll_cohort_add(ll_cohort *c, const ll_cohort_entry *e, ll_error *err);

void ll_cohort_free(ll_cohort *c);

/* One row of the analysis dataset (SPEC 4). */
typedef struct ll_analysis_row {
    size_t child;
    ll_group group;
    long index_date;
    ll_covariates cov;
    ll_outcomes out;
    int identity_improved;  /* treated only; LL_NA otherwise */
    int connections_before;
    int connections_after;
    long match_id;          /* 0: none */
    double ps_logit;        /* NAN: none */
} ll_analysis_row;

typedef struct ll_analysis {
    ll_analysis_row *rows; /* owned; sorted by group (treated first), la, child, index_date */
    size_t n;
    int matched;           /* 1: the design matched (match_id, ps_logit columns) */
} ll_analysis;

/* THE SEAM: builds one analysis row per entry -- covariates and eligibility
 * at the entry's index date, every outcome, programme fields for treated
 * rows, match_id/ps_logit copied -- sorted as SPEC 4 says.  matched sets the
 * flag of the same name.  Every entry's child must be in the returns and
 * looked after on its index date (LL_EINPUT naming it otherwise).  On
 * success *out is owned by the caller (ll_analysis_free).  LL_ENOMEM. */
int ll_derive_analysis(ll_analysis **out, const ll_derive_data *d, const ll_cohort_entry *entries,
                       size_t n, int matched, ll_error *err);

void ll_analysis_free(ll_analysis *a);

/* What matching decided, as the analysis rows need it (compare/ fills
 * it): per cohort entry its match_id and score, and the matched comparison
 * children, each at the first day of its month. */
typedef struct ll_pairing {
    size_t n_entries;            /* the cohort's entries it describes */
    long *match_id;              /* n_entries: 0 none */
    double *ps_logit;            /* n_entries: NAN none */
    ll_cohort_entry *comparison; /* n_comparison matched comparison entries */
    size_t n_comparison;
} ll_pairing;

/* The analysis rows of the cohort: its entries (with pairing's match_id
 * and ps_logit) and pairing's comparison entries, through
 * ll_derive_analysis; pairing NULL for a design without matching.  Errors
 * as ll_derive_analysis; LL_EINPUT when pairing describes another number
 * of entries. */
int ll_derive_cohort_analysis(ll_analysis **out, const ll_derive_data *d, const ll_cohort *co,
                              const ll_pairing *pairing, ll_error *err);

/* 1 when row is in the section 6 analysis cohort: eligible and, in a
 * matched design, matched.  The one definition every module uses. */
int ll_analysis_in_cohort(const ll_analysis *a, const ll_analysis_row *row);

/* Appends the flow stages after the index: `eligible` (with reasons
 * ineligible_age, ineligible_years_in_care, ineligible_placement_group,
 * ineligible_legal_status: the first that applies), `analysed` (eligible,
 * and in a matched design with a match_id; reason no_match_within_caliper),
 * then per outcome the analysed children with it defined and the NA reasons.
 * The comparison group's stages are written unless design is none (the
 * programme-only outcomes identity_improved and connections_* are treated
 * only).  LL_OK or LL_ENOMEM. */
int ll_derive_flow_finish(ll_flow *f, const ll_derive_data *d, const ll_analysis *a,
                          ll_comparison design, ll_error *err);

/* ---- data quality ------------------------------------------------------- */

/* stale_open and overlap from SPEC 3's rules; rec_without_dec from ingest
 * (an open episode stored with its REC set aside, SPEC 2.6). */
typedef enum { LL_DQ_STALE_OPEN, LL_DQ_OVERLAP, LL_DQ_REC_WITHOUT_DEC } ll_dq_rule;
typedef struct ll_dq_view {
    size_t child;
    long decom;
    int year;
    ll_dq_rule rule;
} ll_dq_view;
size_t ll_derive_n_dq(const ll_derive_data *d);
/* k-th record, by la, child, decom, then stale_open, overlap,
 * rec_without_dec. */
void ll_derive_dq(ll_dq_view *out, const ll_derive_data *d, size_t k);
/* "stale_open", "overlap" or "rec_without_dec". */
const char *ll_dq_rule_name(ll_dq_rule r);

/* ---- output ------------------------------------------------------------- */


/* Write secure/analysis.csv, flow.csv, data_quality.csv (to path.tmp, then
 * renamed into place).  LL_EIO with the path on failure. */
int ll_derive_write_analysis(const char *path, const ll_derive_data *d, const ll_analysis *a,
                             ll_error *err);
/* The header line of analysis.csv (without the newline), with the
 * match_id and ps_logit columns when matched: a static string. */
const char *ll_derive_analysis_header(int matched);
int ll_derive_write_flow(const char *path, const ll_flow *f, ll_error *err);
int ll_derive_write_data_quality(const char *path, const ll_derive_data *d, ll_error *err);

/* Replaces the derived tables of db in one transaction: analysis, flow,
 * data_quality, periods, spells (dates as day numbers; see the README).
 * LL_EDB on failure (nothing changed). */
int ll_derive_store(sqlite3 *db, const ll_derive_data *d, const ll_analysis *a, const ll_flow *f,
                    ll_error *err);

#endif
