/* secure/analysis.R and secure/codebook.csv: what travels with
 * analysis.csv (SPEC 4).
 *
 * Why the R script is embedded at build time: it is kept as a real R file
 * (R/analysis.R) so that it can be run, read and checked on its own (make
 * check-r runs it against the worked examples), and the build turns it into
 * a table of C string lines (scripts/embed-lines.awk -> build/gen/
 * analysis_r.c).  The binary then needs no installed data file, and the
 * script it writes is always the one it was built and tested with.  Only
 * the constants at its top change from run to run. */
#include "evaluate_internal.h"
#include "lleval/handover.h"

#include "lleval/version.h"

#include <stdlib.h>
#include <string.h>

/* build/gen/analysis_r.c, generated from R/analysis.R. */
extern const char *const ll_analysis_r_lines[];
extern const size_t ll_analysis_r_n_lines;

#define N_CONST 3
#define CONFIG_END "## ---- end of the configuration ----"

static const char *sdq_source_name(ll_sdq_source s)
{
    switch (s) {
    case LL_SDQ_ITEMS_P: return "items:P";
    case LL_SDQ_ITEMS_T: return "items:T";
    case LL_SDQ_ITEMS_S: return "items:S";
    default: return "oc2";
    }
}

/* Writes line with the value of the constant `name <- "..."` replaced by
 * value (the comment after it kept); returns 0 when line is not that
 * constant's line. */
static int put_constant(FILE *f, const char *line, const char *name, const char *value)
{
    size_t len = strlen(name);
    if (strncmp(line, name, len) != 0 || strncmp(line + len, " <- \"", 5) != 0)
        return 0;
    const char *close = strchr(line + len + 5, '"');
    if (close == NULL)
        return 0;
    fprintf(f, "%s <- \"%s\"%s\n", name, value, close + 1);
    return 1;
}

/* The run's cohort and analysis keys, as comments: they were applied when
 * analysis.csv was made. */
static void put_settings(FILE *f, const ll_config *cfg)
{
    fputs("# This run's settings (lleval config), already applied in analysis.csv:\n", f);
    for (size_t i = 0; i < ll_config_n_keys(); i++) {
        ll_config_entry e;
        ll_config_entry_get(&e, cfg, i);
        if (!strcmp(e.section, "cohort") || !strcmp(e.section, "analysis"))
            fprintf(f, "#   [%s] %s = %s\n", e.section, e.key, e.value);
    }
}

int ll_analysis_r_write(FILE *f, const ll_config *cfg, const char *design, ll_error *err)
{
    const char *names[N_CONST] = {"DESIGN", "SDQ_SOURCE", "LLEVAL_VERSION"};
    const char *values[N_CONST] = {design, sdq_source_name(cfg->cohort.sdq_source), LL_VERSION};
    int seen[N_CONST] = {0}, end_seen = 0;
    for (size_t i = 0; i < ll_analysis_r_n_lines; i++) {
        const char *line = ll_analysis_r_lines[i];
        int done = 0;
        for (int k = 0; k < N_CONST && !done && !end_seen; k++)
            if ((done = put_constant(f, line, names[k], values[k])))
                seen[k]++;
        if (done)
            continue;
        fprintf(f, "%s\n", line);
        if (!end_seen && !strcmp(line, CONFIG_END)) {
            end_seen = 1;
            put_settings(f, cfg);
        }
    }
    for (int k = 0; k < N_CONST; k++)
        if (seen[k] != 1)
            return ll_error_set(err, LL_EINTERNAL,
                                "analysis.R: the embedded script sets %s %d times (expected once, "
                                "before '%s')", names[k], seen[k], CONFIG_END);
    if (!end_seen)
        return ll_error_set(err, LL_EINTERNAL, "analysis.R: the embedded script lacks '%s'",
                            CONFIG_END);
    return ferror(f) ? ll_error_set(err, LL_EIO, "analysis.R: write failed") : LL_OK;
}

int ll_handover_write(const char *secure_dir, const char *header, const ll_config *cfg,
                      const char *design, ll_error *err)
{
    char path[4200];
    FILE *f = ev_open_in(secure_dir, "codebook.csv", path, sizeof path, err);
    if (f == NULL)
        return LL_EIO;
    int rc = ev_close(f, path, ll_codebook_write_csv(f, header, cfg, err), err);
    if (rc != LL_OK)
        return rc;
    if ((f = ev_open_in(secure_dir, "analysis.R", path, sizeof path, err)) == NULL)
        return LL_EIO;
    return ev_close(f, path, ll_analysis_r_write(f, cfg, design, err), err);
}
