/* Cost avoidance (SPEC section 7): unit costs uprated with a GDP deflator,
 * a Green Book style present-value model of what the programme avoided, a
 * seeded Monte Carlo, switching values and a tornado, written as the rows
 * of secure/costs.csv.
 *
 * Pure computation: the caller supplies the effects (or the plain arrays
 * they come from, ll_costs_effects_compute) and the parameters; the module
 * reads only its two data tables (the unit costs and the deflator), which
 * are built in and can be replaced by CSV files.
 *
 * Every difference is comparison minus treated, so a positive figure is a
 * saving.  Money is in pounds at base_year prices. */
#ifndef LLEVAL_COSTS_H
#define LLEVAL_COSTS_H

#include "lleval/config.h"
#include "lleval/error.h"

#include <stddef.h>
#include <stdio.h>

/* ---- Items: placement groups, unit costs, the programme cost ---------- */

/* The placement groups (ll_placement_group, LL_PG_*, LL_PG_N,
 * ll_placement_group_name) and the priced items (ll_cost_id, LL_COST_*,
 * LL_COST_N, ll_cost_key) are those of lleval/config.h: the nine unit costs
 * in the order of the SPEC 7 table (the Monte Carlo draws them in this
 * order; LL_COST_WEEKLY_FOSTER + g is the weekly cost of group g), then
 * LL_COST_PROGRAMME, programme_cost_per_child. */
#define LL_COSTS_NUNIT 9 /* the unit costs: LL_COST_MOVE .. LL_COST_HOMELESSNESS */

/* The index of the item whose key is `key` (exact, lower case), or -1. */
int ll_costs_item_find(const char *key);

/* ---- Parameters -------------------------------------------------------- */

/* A user's value for one item.  Each field is optional.  A value given
 * without its price year is an error for the nine unit costs (unless it is
 * 0, which needs none) and is taken to be at base-year prices for the
 * programme cost.  A value given without a source is labelled
 * "user-supplied".  A price year or source given without a value applies to
 * the default value.  Strings are borrowed: they must outlive the call. */
typedef struct ll_costs_item_override {
    double value;           /* NAN: not given */
    const char *price_year; /* "YYYY-YY"; NULL or "": not given */
    const char *source;     /* NULL: not given */
} ll_costs_item_override;

/* Every `[costs]` key (SPEC 7).  Fill with ll_costs_params_init, then
 * change what the configuration says.  Strings are borrowed.  Precedence
 * for an item: item[] (the [costs] keys) over the rows of unit_costs_file
 * over the built-in defaults; so pass in item[] only what the user set, not
 * the defaults that lleval/config.h also holds. */
typedef struct ll_costs_params {
    int horizon_years;    /* 3; 1..100 */
    double discount_rate; /* 0.035; 0 <= r <= 1 */
    double persistence;   /* 1; 0..1: share of year t's effect lasting to t+1 */
    double attribution;   /* 1; 0..1 */
    double optimism_bias; /* 0; 0..1 */
    double cost_range;    /* 0.25; 0..1: triangular on value*(1 -/+ range) */
    long mc_draws;        /* 10000; 1..10,000,000 */
    unsigned long seed;   /* 1 (gsl_rng_set: seed 0 means GSL's 4357) */
    const char *base_year;       /* NULL: the latest year of the deflator */
    const char *unit_costs_file; /* NULL: none; CSV item,value,unit,price_year,source */
    const char *deflator_file;   /* NULL: the built-in table (data/gdp_deflator.csv) */
    ll_costs_item_override item[LL_COST_N]; /* indexed by LL_COST_* */
} ll_costs_params;

/* Sets every field to the SPEC default: no overrides, no files, no
 * programme cost. */
void ll_costs_params_init(ll_costs_params *out);

/* Checks the numeric parameters' ranges.  LL_EINPUT with a message naming
 * the key. */
int ll_costs_params_check(const ll_costs_params *p, ll_error *err);

/* ---- Effects ----------------------------------------------------------- */

/* One effect.  With a comparison group, estimate = mean_c - mean_t and
 * std_error the Welch one (sample variances, n - 1), or for homelessness
 * sqrt(p_t(1-p_t)/n_t + p_c(1-p_c)/n_c).  Means over the non-NA values.
 * computable is 0 (estimate and std_error NAN) when either group has fewer
 * than 2 non-NA values, or without a comparison group; the model then
 * counts the effect as 0 and the rows say why. */
typedef struct ll_costs_effect {
    double estimate, std_error;
    double mean_t, se_t; /* treated mean and its standard error s/sqrt(n) */
    double mean_c;       /* NAN without a comparison group */
    size_t n_t, n_c;     /* non-NA values */
    int computable;
} ll_costs_effect;

typedef struct ll_costs_effects {
    int has_comparison;
    size_t n_treated;  /* N: treated rows of the cohort */
    size_t n_leavers;  /* L: treated rows with homeless_ever not NA */
    size_t n_comparison;
    ll_costs_effect moves; /* from placements_after */
    ll_costs_effect weeks[LL_PG_N];
    ll_costs_effect homeless; /* from homeless_ever (0/1) */
} ll_costs_effects;

/* One group's outcome columns of the analysis dataset (SPEC 3/4), NA as
 * NAN.  Arrays of length n, borrowed. */
typedef struct ll_costs_arm {
    size_t n;
    const double *placements_after;
    const double *weeks_after[LL_PG_N]; /* weeks_<group>_after */
    const double *homeless_ever;        /* 0, 1 or NAN */
} ll_costs_arm;

/* Computes the effects of SPEC 7 from the treated and comparison rows of
 * the section 6 cohort.  comparison NULL: single group (comparison = none),
 * only the treated means are filled.  Errors: LL_EINPUT for a NULL array
 * with n > 0 or a homeless_ever value other than 0, 1 or NAN. */
int ll_costs_effects_compute(ll_costs_effects *out, const ll_costs_arm *treated,
                             const ll_costs_arm *comparison, ll_error *err);

/* ---- GDP deflator and unit costs --------------------------------------- */

/* A GDP deflator index by financial year, sorted by year. */
typedef struct ll_costs_deflator ll_costs_deflator;

/* The built-in table, identical to data/gdp_deflator.csv.  Caller frees. */
int ll_costs_deflator_builtin(ll_costs_deflator **out, ll_error *err);

/* Reads a CSV with columns financial_year, deflator and optionally source
 * (names case-insensitive, any order; BOM and CRLF accepted).  Errors:
 * LL_EIO (cannot open), LL_EINPUT (missing column, bad year, a deflator
 * that is not a positive number, a repeated year, no rows), each naming
 * the file and line.  Caller frees. */
int ll_costs_deflator_read(ll_costs_deflator **out, const char *path,
                           ll_error *err);

/* A table from arrays (tests, or a caller with its own series).  The
 * strings are copied; source may be NULL.  Errors as for _read. */
int ll_costs_deflator_from_arrays(ll_costs_deflator **out, size_t n,
                                  const char *const *years,
                                  const double *values, const char *source,
                                  ll_error *err);

void ll_costs_deflator_free(ll_costs_deflator *d); /* NULL: no-op */

size_t ll_costs_deflator_size(const ll_costs_deflator *d);
const char *ll_costs_deflator_year(const ll_costs_deflator *d, size_t i);
double ll_costs_deflator_value(const ll_costs_deflator *d, size_t i);
/* The source text of row i ("" when none).  Owned by the table. */
const char *ll_costs_deflator_source(const ll_costs_deflator *d, size_t i);
/* The latest year (the default base year).  Owned by the table. */
const char *ll_costs_deflator_latest(const ll_costs_deflator *d);

/* *out = D(year).  LL_EINPUT naming the year when it is not a financial
 * year written YYYY-YY or is missing from the table. */
int ll_costs_deflator_lookup(double *out, const ll_costs_deflator *d,
                             const char *year, ll_error *err);

/* *out = value * D(base_year) / D(price_year).  Errors as for _lookup. */
int ll_costs_uprate(double *out, const ll_costs_deflator *d, double value,
                    const char *price_year, const char *base_year,
                    ll_error *err);

/* 1 if s is a financial year "YYYY-YY" with YY = (YYYY + 1) mod 100. */
int ll_costs_is_financial_year(const char *s);

#define LL_COSTS_TEXT_MAX 1024

/* One priced item after defaults, unit_costs_file and overrides. */
typedef struct ll_costs_unit_cost {
    int given;          /* 0 only for an absent programme cost */
    double value;       /* as given, at price_year prices */
    char price_year[8]; /* "" when none (a zero value; a programme cost at base-year prices) */
    double uprated;     /* at base-year prices (NAN when not given) */
    double deflator_ratio; /* D(base) / D(price_year), 1 when no price year */
    char unit[64];
    char source[LL_COSTS_TEXT_MAX];
    int user; /* 1 when the value came from the user */
} ll_costs_unit_cost;

/* Resolves every item: built-in defaults, then the rows of
 * params->unit_costs_file, then params->item overrides; then uprates each
 * to base_year (params->base_year or the deflator's latest year).
 * out[LL_COST_N].  Errors: LL_EIO (unit_costs_file cannot be opened),
 * LL_EINPUT (an unknown or repeated item or a bad value in the file, a
 * negative value, a programme cost that is not > 0, a value without its
 * price year, a price year or base year that is malformed or missing from
 * the deflator table), each naming the item and year. */
int ll_costs_units_resolve(ll_costs_unit_cost *out, const ll_costs_params *params,
                           const ll_costs_deflator *d, const char *base_year,
                           ll_error *err);

/* ---- The deterministic model ------------------------------------------- */

/* Everything the model needs, money already uprated.  Non-computable
 * effects are passed as 0. */
typedef struct ll_costs_inputs {
    double n_treated, n_leavers; /* N, L */
    double d_moves, d_weeks[LL_PG_N], d_homeless;
    double unit[LL_COSTS_NUNIT];
    double programme_cost_per_child; /* NAN: not given */
    int horizon_years;
    double discount_rate, persistence, attribution, optimism_bias;
} ll_costs_inputs;

typedef struct ll_costs_model {
    double annual_saving;    /* A = d_moves*cost_per_move + sum_g d_weeks_g*weekly_g, per child */
    double pv_factor;        /* F = sum_{t<H} persistence^t / (1 + r)^t */
    double saving_moves;     /* N * F * d_moves * cost_per_move */
    double saving_weeks[LL_PG_N]; /* N * F * d_weeks_g * weekly_g */
    double saving_placements; /* N * A * F */
    double saving_homeless;  /* L * d_homeless * homelessness_cost (one-off) */
    double gross;            /* saving_placements + saving_homeless */
    double adjusted;         /* gross * attribution * (1 - optimism_bias) */
    double programme_cost;   /* N * programme_cost_per_child, NAN when not given */
    double net;              /* adjusted - programme_cost, NAN when not given */
    double benefit_per_pound; /* adjusted / programme_cost, NAN when not given or 0 */
} ll_costs_model;

/* Evaluates the model of SPEC 7 (year 0 undiscounted, 0^0 = 1). */
void ll_costs_model_eval(ll_costs_model *out, const ll_costs_inputs *in);

/* The d_moves at which net = 0, all else held; NAN when not solvable
 * (no programme cost, or N * F * cost_per_move * attribution *
 * (1 - optimism_bias) = 0). */
double ll_costs_switch_moves(const ll_costs_inputs *in);

/* The programme cost per child at which net = 0: adjusted / N; NAN when
 * N = 0. */
double ll_costs_switch_programme_cost(const ll_costs_inputs *in);

/* ---- Distributions and quantiles --------------------------------------- */

/* Inverse CDF at u in [0, 1] of the triangular distribution on [a, b] with
 * mode c (a <= c <= b); a when a = b. */
double ll_costs_triangular_inv(double u, double a, double c, double b);

/* ---- The whole analysis and secure/costs.csv ---------------------------- */

/* One row of secure/costs.csv; NAN numbers and "" strings are empty cells.
 * For tornado rows, low and high are the net at the input's low and high
 * value (not ordered) and estimate the swing |high - low|. */
typedef struct ll_costs_row {
    char component[32];
    char item[48];
    double estimate, std_error, low, high;
    char unit[64];
    char price_year[8];
    char source[LL_COSTS_TEXT_MAX];
    char note[512];
} ll_costs_row;

/* A summary figure: deterministic value and the Monte Carlo median, 5th and
 * 95th percentiles (R type 7). */
typedef struct ll_costs_figure {
    double deterministic, median, p05, p95;
} ll_costs_figure;

#define LL_COSTS_NTORNADO 21
typedef struct ll_costs_tornado {
    const char *input;  /* static name: "moves", "weeks_foster", ..., "discount_rate" */
    double input_low, input_high;
    double net_low, net_high, swing;
} ll_costs_tornado;

typedef struct ll_costs_result {
    int has_comparison;
    int has_programme_cost;
    char base_year[8];
    ll_costs_unit_cost items[LL_COST_N];
    ll_costs_inputs inputs;  /* the deterministic inputs */
    ll_costs_model model;    /* the deterministic model (comparison only) */
    ll_costs_figure gross, net, benefit_per_pound;
    double share_net_positive;
    double switch_moves, switch_programme_cost;
    /* Sorted by swing, largest first (ties in input order).  Without a
     * programme cost "net" here is the adjusted saving. */
    ll_costs_tornado tornado[LL_COSTS_NTORNADO];
    /* Single group: the observed cost of the treated children's
     * placements in the year after index, per child and in total. */
    double observed_per_child, observed_total;
    size_t n_rows;
    ll_costs_row *rows;
} ll_costs_result;

/* Runs everything: checks params, loads the deflator (built-in or
 * params->deflator_file), resolves and uprates the unit costs, and with a
 * comparison group evaluates the model, the Monte Carlo, the switching
 * values and the tornado; without one, the observed cost only.  *out is
 * the caller's to free with ll_costs_result_free.  Errors: those of
 * ll_costs_params_check, ll_costs_deflator_read and
 * ll_costs_units_resolve; LL_ENOMEM. */
int ll_costs_compute(ll_costs_result **out, const ll_costs_params *params,
                     const ll_costs_effects *effects, ll_error *err);

void ll_costs_result_free(ll_costs_result *r); /* NULL: no-op */

/* Writes r's rows as secure/costs.csv (header
 * component,item,estimate,std.error,low,high,unit,price_year,source,note;
 * numbers in the shortest form that reads back to the same double; RFC 4180
 * quoting; LF line ends).  LL_EIO when a write fails. */
int ll_costs_write_csv(FILE *fp, const ll_costs_result *r, ll_error *err);

#endif
