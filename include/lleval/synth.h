/* Synthetic data: a simulated local authority's SSDA903 returns, Lifelong
 * Links programme records, an optional explicit comparison group and
 * optional item-level SDQ, with known programme effects.
 *
 * For people with no data to hand (a funder trying the tool, a new analyst,
 * a benchmark).  Each child's whole care history is simulated in continuous
 * time, then cut into the collection years it spans and appended to
 * per-year files, so memory does not grow with the number of children.  The
 * output is a deterministic function of the parameters: the same parameters
 * give byte-identical files.  The model is described in the README
 * ("Synthetic data"). */
#ifndef LLEVAL_SYNTH_H
#define LLEVAL_SYNTH_H

#include "lleval/error.h"

#define LL_SYNTH_MAX_CHILDREN 5000000L
#define LL_SYNTH_MAX_YEARS 30
#define LL_SYNTH_LA_MAX 32

typedef struct ll_synth_params {
    long children;          /* children in the returns, 1 .. LL_SYNTH_MAX_CHILDREN */
    unsigned long seed;     /* gsl_rng_mt19937 seed (default 1) */
    char la[LL_SYNTH_LA_MAX]; /* local authority code recorded in synth.json (default "LA") */
    int year_first;         /* first collection year (default 2016) */
    int year_last;          /* last collection year; data end is 31 March of it (default 2024) */
    /* True programme effects. */
    double effect_stability;   /* hazard ratio of placement moves in the year after START_DATE (0.6) */
    double effect_sdq;         /* SDQ total points per year since START_DATE, for up to 3 years (-1.0) */
    double effect_connections; /* mean people added to the network, CONNECTIONS_AFTER - BEFORE (18) */
    double effect_homeless;    /* risk ratio of a homeless OC3 row after START_DATE (0.75) */
    double effect_identity;    /* probability that IDENTITY_IMPROVED is Y (0.78) */
    /* Programme and selection. */
    double referral_rate;   /* multiplier of the referral hazard (1 gives ~6% of children treated) */
    double consent_rate;    /* probability that a referred child consents (0.88) */
    double comparison_rate; /* multiplier of the comparison-selection hazard (1) */
    /* 1: the comparison list differs at baseline from the treated children
     * (younger, newer to care, fewer in residential care), as an
     * authority's own list often does; the cost model's adjustment is
     * tested on it (0: chosen like the treated children, more loosely). */
    int comparison_differs;
    /* Output. */
    int comparison;         /* 1: write comparison.csv (the simulation is the same either way) */
    int sdq_items;          /* 1: write item-level sdq.csv (the 903 files are the same either way) */
    /* Optional progress report, called every few thousand children (NULL: none). */
    void (*progress)(long done, long total, void *arg);
    void *progress_arg;
} ll_synth_params;

/* What was written. */
typedef struct ll_synth_summary {
    long children;     /* children in the returns (= params.children) */
    long simulated;    /* histories simulated, including those outside the years */
    long episode_rows; /* rows over all episodes files */
    long header_rows;
    long uasc_rows;
    long oc2_rows;
    long oc3_rows;
    long referred;     /* rows of lifelong_links.csv */
    long consented;
    long treated;      /* CONSENT = Y with START_DATE */
    long comparison;   /* rows of comparison.csv (counted even when not written) */
    long sdq_rows;     /* rows of sdq.csv */
} ll_synth_summary;

/* Fills p with the defaults above (children 0: the caller must set it). */
void ll_synth_params_init(ll_synth_params *p);

/* Checks every parameter.  Returns 0 or LL_EINPUT with a message naming the
 * parameter and its allowed range. */
int ll_synth_params_check(const ll_synth_params *p, ll_error *err);

/* Parses a collection-year range "A-B" (or a single year "A") into *first
 * and *last.  Returns 0 or LL_EINPUT (years 2000-2099, A <= B, at most
 * LL_SYNTH_MAX_YEARS years). */
int ll_synth_parse_years(int *first, int *last, const char *s, ll_error *err);

/* Generates the data set into directory dir (created if missing; existing
 * files of the same names are overwritten, and comparison.csv / sdq.csv are
 * removed when not asked for, so that a directory never mixes two runs):
 *   dir/903/<year>/{header,episodes,uasc,oc2,oc3}.csv  for each collection year
 *   dir/lifelong_links.csv, dir/synth.json,
 *   dir/comparison.csv (params->comparison), dir/sdq.csv (params->sdq_items).
 * out (may be NULL) receives the counts.  Returns 0, LL_EINPUT for bad
 * parameters, LL_EIO when a file or directory cannot be written, LL_ENOMEM.
 * On failure the directory may hold partial files. */
int ll_synth_generate(ll_synth_summary *out, const ll_synth_params *p, const char *dir,
                      ll_error *err);

#endif
