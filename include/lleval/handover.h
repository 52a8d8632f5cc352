/* The researcher hand-over that travels with secure/analysis.csv (SPEC 4):
 * codebook.csv, one row per column of analysis.csv, and analysis.R, an R
 * script that recomputes every row of estimates.csv from analysis.csv.
 *
 * The codebook comes from one static table (evaluate/codebook.c), which
 * also prints the README's column list (`lleval codebook --markdown`), so
 * the two cannot drift.  analysis.R is R/analysis.R, embedded in the
 * binary at build time, with the run's configuration written over the
 * constants at its top. */
#ifndef LLEVAL_HANDOVER_H
#define LLEVAL_HANDOVER_H

#include "lleval/config.h"
#include "lleval/error.h"

#include <stddef.h>
#include <stdio.h>

/* One column of analysis.csv as codebook.csv describes it (SPEC 4 columns).
 * type is integer, number, date, text, boolean or category; values the
 * categories or the range; missing_when the flow reasons that leave it NA,
 * `;`-separated ("" when never NA); spec the SPEC section. */
typedef struct ll_codebook_entry {
    const char *variable, *type, *unit, *definition, *values, *missing_when, *spec;
} ll_codebook_entry;

/* The number of entries: every column analysis.csv can have, in its order
 * (match_id and ps_logit last: they appear only in a matched design). */
size_t ll_codebook_n(void);

/* Entry i (static, never freed), or NULL when i >= ll_codebook_n(). */
const ll_codebook_entry *ll_codebook_get(size_t i);

/* The entry of a column name, or NULL. */
const ll_codebook_entry *ll_codebook_find(const char *variable);

/* Writes codebook.csv for the columns of header (analysis.csv's header
 * line, unquoted names separated by commas; a final newline is ignored),
 * one row per column in that order.  cfg (may be NULL) adjusts the flow
 * reasons to the run: with cohort.leavers = unstable, left_care leaves
 * stable_12m 0, not NA.  Errors: LL_EINTERNAL naming a column that has no
 * entry; LL_EIO when writing fails. */
int ll_codebook_write_csv(FILE *f, const char *header, const ll_config *cfg, ll_error *err);

/* Writes every entry as a Markdown table: the README's column list between
 * its `<!-- codebook:begin -->` and `<!-- codebook:end -->` markers.
 * LL_OK or LL_EIO. */
int ll_codebook_write_markdown(FILE *f, ll_error *err);

/* Writes analysis.R: the embedded R/analysis.R with the constants DESIGN
 * ("explicit", "match" or "none": the design as run), SDQ_SOURCE and
 * LLEVAL_VERSION set for this run, and the run's cohort and analysis keys
 * listed in a comment after them.  Errors: LL_EINTERNAL when the embedded
 * script lacks one of the constants (a build out of step); LL_EIO. */
int ll_analysis_r_write(FILE *f, const ll_config *cfg, const char *design, ll_error *err);

/* Writes secure_dir/codebook.csv (for header, the header line of the
 * analysis.csv written beside it: ll_derive_analysis_header) and
 * secure_dir/analysis.R, both mode 0600.
 * Errors: LL_EIO naming the file; those of the two writers above. */
int ll_handover_write(const char *secure_dir, const char *header, const ll_config *cfg,
                      const char *design, ll_error *err);

#endif
