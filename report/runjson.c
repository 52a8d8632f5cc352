/* run.json: everything needed to reproduce a run and to tell which data it
 * rests on, written as plain JSON without a library (the output is small
 * and flat). */
#include "lleval/report.h"

#include "lleval/date.h"
#include "lleval/version.h"

#include <string.h>

void ll_report_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void write_config(FILE *f, const ll_config *cfg)
{
    fputs("  \"configuration\": [\n", f);
    size_t n = ll_config_n_keys();
    for (size_t i = 0; i < n; i++) {
        ll_config_entry e;
        ll_config_entry_get(&e, cfg, i);
        fputs("    {\"section\": ", f);
        ll_report_json_string(f, e.section);
        fputs(", \"key\": ", f);
        ll_report_json_string(f, e.key);
        fputs(", \"value\": ", f);
        ll_report_json_string(f, e.value);
        fputs(", \"source\": ", f);
        ll_report_json_string(f, e.source);
        fprintf(f, "}%s\n", i + 1 < n ? "," : "");
    }
    fputs("  ],\n", f);
}

void ll_run_info_time(char *buf, size_t size, const ll_run_info *info)
{
    struct tm tm;
    gmtime_r(&info->started, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_inputs(FILE *f, const ll_run_info *info)
{
    fputs("  \"inputs\": [", f);
    for (size_t i = 0; i < info->n_inputs; i++) {
        const ll_input_file *x = &info->inputs[i];
        fputs(i ? ",\n" : "\n", f);
        const char *keys[] = {"path", "kind", "la"}, *vals[] = {x->path, x->kind, x->la};
        fputs("    {", f);
        for (int k = 0; k < 3; k++) {
            fprintf(f, "\"%s\": ", keys[k]);
            ll_report_json_string(f, vals[k]);
            fputs(", ", f);
        }
        if (x->year < 0)
            fputs("\"year\": null, ", f);
        else
            fprintf(f, "\"year\": %d, ", x->year);
        fputs("\"sha256\": ", f);
        ll_report_json_string(f, x->sha256);
        fprintf(f, ", \"read\": %lld, \"stored\": %lld, \"duplicates\": %lld, \"quarantined\": %lld, ",
                x->n_read, x->n_stored, x->n_duplicates, x->n_quarantined);
        fputs("\"ingested_at\": ", f);
        ll_report_json_string(f, x->ingested_at);
        fputs("}", f);
    }
    fputs("\n  ],\n", f);
}

static void write_end_dates(FILE *f, const ll_run_info *info)
{
    fputs("  \"data_end_dates\": {", f);
    for (size_t i = 0; i < info->n_ends; i++) {
        char day[16] = "";
        long e = info->ends[i].end;
        fputs(i ? ", " : "", f);
        ll_report_json_string(f, info->ends[i].la);
        fputs(": ", f);
        if (e == LL_NA) {
            fputs("null", f);
            continue;
        }
        ll_date_format(day, sizeof day, e);
        ll_report_json_string(f, day);
    }
    fputs("},\n", f);
}

int ll_report_write_run_json(const char *path, const ll_run_info *info, const ll_config *cfg,
                             ll_error *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return ll_error_set(err, LL_EIO, "%s: cannot write", path);
    char when[32];
    ll_run_info_time(when, sizeof when, info);
    fprintf(f, "{\n  \"program\": \"lleval\",\n  \"version\": \"%s\",\n  \"time\": \"%s\",\n",
            LL_VERSION, when);
    fputs("  \"command_line\": [\"lleval\"", f); /* argv[0] is the subcommand */
    for (int i = 0; i < info->argc; i++) {
        fputs(", ", f);
        ll_report_json_string(f, info->argv[i]);
    }
    fputs("],\n  \"database\": ", f);
    ll_report_json_string(f, info->db_path);
    fputs(",\n  \"design\": ", f);
    ll_report_json_string(f, info->design);
    fprintf(f, ",\n  \"seeds\": {\"costs_monte_carlo\": %lu, \"rng\": \"gsl_rng_mt19937\"},\n",
            info->seed);
    write_config(f, cfg);
    write_inputs(f, info);
    write_end_dates(f, info);
    fputs("  \"matching_tie_break\": \"(la, child) bytewise\"\n}\n", f);
    if (fclose(f) != 0)
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    return LL_OK;
}
