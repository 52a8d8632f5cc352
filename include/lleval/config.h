/* The configuration of one run: every key of SPEC 2.5 and the [costs] keys
 * of SPEC 7, each with its built-in default, optionally overridden by an INI
 * file, remembering where each value came from (for `lleval config` and
 * run.json).
 *
 * An ll_config is a plain value (no heap memory): copy it freely.  Sections
 * and keys are matched case-insensitively; enumerated values and codes too
 * (they are stored in canonical form).  Lists are comma-separated, spaces
 * around items ignored, and may be empty ("excluded_legal_status =").  A key
 * given twice in one file is an error (inih also reports a value continued on
 * an indented line as the same key again). */
#ifndef LLEVAL_CONFIG_H
#define LLEVAL_CONFIG_H

#include "lleval/error.h"

#include <stddef.h>
#include <stdio.h>

/* Placement groups of SPEC 3, in the order of the analysis columns
 * weeks_<group>_after. */
typedef enum {
    LL_PG_FOSTER,
    LL_PG_KINSHIP,
    LL_PG_RESIDENTIAL,
    LL_PG_SEMI_INDEPENDENT,
    LL_PG_ADOPTION,
    LL_PG_PARENTS,
    LL_PG_OTHER
} ll_placement_group;
#define LL_PG_N 7

/* "foster", "kinship", ...; "?" outside the enum. */
const char *ll_placement_group_name(ll_placement_group g);

/* The legal statuses (LS) of SPEC 2.1, in this order;
 * cohort.excluded_legal_status is a bit set over these positions. */
#define LL_LS_N 13
/* Position of an LS code in that list (exact, upper case), or -1. */
int ll_config_ls_index(const char *code);
/* The LS code at position i (0 <= i < LL_LS_N). */
const char *ll_config_ls_code(int i);

typedef enum { LL_INDEX_START, LL_INDEX_REFERRAL, LL_INDEX_FGC } ll_index_kind;
typedef enum { LL_LEAVERS_EXCLUDE, LL_LEAVERS_UNSTABLE } ll_leavers;
typedef enum { LL_SDQ_OC2, LL_SDQ_ITEMS_P, LL_SDQ_ITEMS_T, LL_SDQ_ITEMS_S } ll_sdq_source;
typedef enum {
    LL_COMPARISON_AUTO,
    LL_COMPARISON_EXPLICIT,
    LL_COMPARISON_MATCH,
    LL_COMPARISON_NONE
} ll_comparison;
typedef enum { LL_EXACT_LA, LL_EXACT_NONE } ll_exact;

/* The unit costs of SPEC 7, in the order of its table (the Monte Carlo draws
 * them in this order).  The weekly costs follow the placement groups:
 * LL_COST_WEEKLY_FOSTER + g is the weekly cost of group g. */
typedef enum {
    LL_COST_MOVE,
    LL_COST_WEEKLY_FOSTER,
    LL_COST_WEEKLY_KINSHIP,
    LL_COST_WEEKLY_RESIDENTIAL,
    LL_COST_WEEKLY_SEMI_INDEPENDENT,
    LL_COST_WEEKLY_ADOPTION,
    LL_COST_WEEKLY_PARENTS,
    LL_COST_WEEKLY_OTHER,
    LL_COST_HOMELESSNESS,
    LL_COST_PROGRAMME
} ll_cost_id;
#define LL_COST_N 10

/* The key name of a unit cost ("cost_per_move", "weekly_foster", ...). */
const char *ll_cost_key(ll_cost_id id);

#define LL_CONFIG_TEXT_MAX 256
#define LL_CONFIG_PATH_MAX 1024

typedef struct ll_cost_item {
    int has_value;         /* 0 only for "none" (programme_cost_per_child) */
    double value;          /* £, in the item's unit (SPEC 7 table) */
    char price_year[8];    /* financial year "2013-14", or "" for none */
    char source[LL_CONFIG_TEXT_MAX];
} ll_cost_item;

typedef struct ll_config {
    struct {
        ll_index_kind index;
        double max_age;                     /* eligible when age_years < this */
        double max_years_in_care;           /* eligible when years_in_care < this */
        unsigned excluded_placement_groups; /* bit 1u << ll_placement_group */
        unsigned excluded_legal_status;     /* bit 1u << ll_config_ls_index */
        ll_leavers leavers;
        ll_sdq_source sdq_source;
        unsigned homeless_accom;            /* bit 1u << (letter - 'A') */
    } cohort;
    struct {
        ll_comparison comparison;
        double caliper;
        int ratio;
        ll_exact exact;
    } analysis;
    struct {
        int min_cell;   /* at least LL_CONFIG_MIN_CELL_LEAST */
        int rounding;   /* 1 to min_cell */
        int min_n;      /* children per group below which a safe statistic is c */
    } report;
    struct {
        ll_cost_item item[LL_COST_N];
        char unit_costs_file[LL_CONFIG_PATH_MAX]; /* "" for none */
        char base_year[8];  /* "" = the latest year of the deflator table */
        int horizon_years;
        double persistence;
        double discount_rate;
        double attribution;
        double optimism_bias;
        long mc_draws;
        unsigned long seed;
        double cost_range;
    } costs;
    /* [area]: the area-level design of SPEC 11 (lleval area). */
    struct {
        char data[LL_CONFIG_PATH_MAX];     /* ';'-separated files; "" = not set */
        char filter[LL_CONFIG_TEXT_MAX];   /* "column = value; ..." */
        char value[LL_CONFIG_TEXT_MAX];    /* the value column */
        char outcome[LL_CONFIG_TEXT_MAX];  /* its name in the outputs */
        int lower_is_better;
        char programme[LL_CONFIG_PATH_MAX];
        long ri_draws;
        unsigned long seed;
    } area;
    /* Provenance: the file read ("" when none) and, per key (in the order of
     * ll_config_entry_get), the line that set it (0: the built-in default;
     * -L: a cost's price year or source not given with its value, which the
     * file sets on line L, and so cleared, not the built-in default's). */
    char file[LL_CONFIG_PATH_MAX];
    int line[96];
} ll_config;

/* The least min_cell accepted (SPEC 2.5): disclosure control cannot be
 * switched off. */
#define LL_CONFIG_MIN_CELL_LEAST 5

/* Sets every key to its built-in default. */
void ll_config_init(ll_config *cfg);

/* Reads the INI file at path over cfg (which ll_config_init has set up).
 * Errors: LL_EIO when the file cannot be read; LL_EINPUT for a syntax error,
 * an unknown section or key, a key outside any section, a key given twice,
 * a line longer than 196 characters, a value of the wrong type or out of
 * range, or an [area] filter or data list that a " ;" (an inline comment
 * to inih) would cut short -- the message says "FILE:LINE: ..." and names the section and key.
 * On error cfg may be partly updated: discard it. */
int ll_config_load(ll_config *cfg, const char *path, ll_error *err);

/* As ll_config_load, from INI text in memory; name stands for the file in
 * messages and provenance. */
int ll_config_parse_string(ll_config *cfg, const char *text, const char *name, ll_error *err);

/* Number of configuration keys. */
size_t ll_config_n_keys(void);

/* The range a numeric key accepts, from the one table of keys, defaults
 * and bounds: lo <= v <= hi (v < hi when *open_hi).  LL_OK, or LL_EINPUT
 * for an unknown or non-numeric key. */
int ll_config_key_range(double *lo, double *hi, int *open_hi, const char *section,
                        const char *key);

/* One key as `lleval config` shows it. */
typedef struct ll_config_entry {
    const char *section;               /* static strings */
    const char *key;
    char value[LL_CONFIG_PATH_MAX];    /* canonical text; reads back the same */
    char source[LL_CONFIG_PATH_MAX + 64]; /* "default", "FILE:LINE" or "not given with
                                             the value on FILE:LINE" */
} ll_config_entry;

/* Fills *out with key i (0 <= i < ll_config_n_keys()), in the order of the
 * SPEC's tables: cohort, analysis, report, costs, area. */
void ll_config_entry_get(ll_config_entry *out, const ll_config *cfg, size_t i);

/* Writes every key as an INI file (which ll_config_load reads back to the
 * same values), each line commented with where its value came from.
 * Returns LL_OK or LL_EIO. */
int ll_config_write(FILE *f, const ll_config *cfg, ll_error *err);

#endif
