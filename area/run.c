/* `lleval area` from a configuration: the [area] keys into file lists
 * (relative paths from the configuration file's folder), then read,
 * estimate and write (SPEC 11). */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 64

/* path as given when absolute or when there is no configuration folder,
 * else folder/path. */
static char *resolve(const char *cfg_file, const char *path)
{
    const char *slash = strrchr(cfg_file, '/');
    if (path[0] == '/' || !slash) {
        return ar_strdup(path);
    }
    size_t dl = (size_t)(slash - cfg_file) + 1, pl = strlen(path);
    char *s = malloc(dl + pl + 1);
    if (s) {
        memcpy(s, cfg_file, dl);
        memcpy(s + dl, path, pl + 1);
    }
    return s;
}

/* Splits data on ';' into resolved paths. */
static int split_files(char **files, size_t *n, const ll_config *cfg, ll_error *err)
{
    const char *s = cfg->area.data;
    *n = 0;
    while (*s) {
        size_t len = strcspn(s, ";");
        const char *a = s, *b = s + len;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a) {
            if (*n == MAX_FILES)
                return ll_error_set(err, LL_EINPUT, "[area] data: more than %d files", MAX_FILES);
            char one[LL_CONFIG_PATH_MAX];
            snprintf(one, sizeof one, "%.*s", (int)(b - a), a);
            if (!(files[*n] = resolve(cfg->file, one)))
                return ll_error_set(err, LL_ENOMEM, "out of memory");
            (*n)++;
        }
        s += len + (s[len] == ';');
    }
    if (*n == 0)
        return ll_error_set(err, LL_EINPUT, "[area] data is not set: name the DfE open-data CSV "
                            "file(s)%s%s", cfg->file[0] ? " in " : "", cfg->file);
    return LL_OK;
}

/* Creates dir (and its parents) when missing; LL_EINPUT when it cannot be
 * written, before any work is done (SPEC 9). */
static int make_out(const char *dir, ll_error *err)
{
    char buf[LL_CONFIG_PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return ll_error_set(err, LL_EINPUT, "--out: path too long");
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                break;
            *p = '/';
        }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EINPUT, "%s: cannot create the output folder: %s", dir,
                            strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode) || access(buf, W_OK) != 0)
        return ll_error_set(err, LL_EINPUT, "%s: the output folder cannot be written", dir);
    return LL_OK;
}

static int required(const ll_config *cfg, ll_error *err)
{
    const char *key = !cfg->area.value[0] ? "value" : !cfg->area.programme[0] ? "programme" : NULL;
    if (!key)
        return LL_OK;
    return ll_error_set(err, LL_EINPUT, "[area] %s is not set%s%s (see lleval area --help)", key,
                        cfg->file[0] ? " in " : "", cfg->file);
}

int ll_area_run(const ll_config *cfg, const char *dir, const char *gnuplot, FILE *log,
                ll_error *err)
{
    char *files[MAX_FILES] = {0};
    size_t nfiles = 0;
    char *prog_path = NULL, *out_csv = NULL;
    ll_area_panel *panel = NULL;
    ll_area_programme *prog = NULL;
    ll_area_result *res = NULL;
    int *start = NULL;
    int rc = required(cfg, err);
    if (rc == LL_OK)
        rc = split_files(files, &nfiles, cfg, err);
    if (rc != LL_OK)
        goto done;
    if (!(prog_path = resolve(cfg->file, cfg->area.programme))) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = make_out(dir, err)) != LL_OK)
        goto done;
    if ((rc = ll_area_panel_read(&panel, (const char *const *)files, nfiles, cfg->area.filter,
                                 cfg->area.value, log, err)) != LL_OK ||
        (rc = ll_area_programme_read(&prog, prog_path, err)) != LL_OK ||
        (rc = ll_area_assign(&start, panel, prog, prog_path, err)) != LL_OK ||
        (rc = ll_area_estimate(&res, panel, start, cfg->area.ri_draws, cfg->area.seed, err)) !=
            LL_OK)
        goto done;
    const char *outcome = cfg->area.outcome[0] ? cfg->area.outcome : cfg->area.value;
    size_t n = strlen(dir) + 32;
    if (!(out_csv = malloc(n))) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(out_csv, n, "%s/area_estimates.csv", dir);
    if ((rc = ll_area_write_csv(out_csv, outcome, res, err)) != LL_OK)
        goto done;
    ll_area_report_input in = {panel, start, res, outcome, cfg->area.value, cfg->area.filter,
                               (const char *const *)files, nfiles, cfg->area.lower_is_better,
                               cfg->area.seed, gnuplot};
    rc = ll_area_write_report(dir, &in, log, err);
done:
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(prog_path);
    free(out_csv);
    free(start);
    ll_area_panel_free(panel);
    ll_area_programme_free(prog);
    ll_area_result_free(res);
    return rc;
}
