/* Small pieces of the ingest contract: the collection year named by a path
 * (SPEC 2), kind and rule names, and the summary CSV (SPEC 2.6). */
#include "lleval/ingest.h"

#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the run of digits at s. */
static size_t run(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

static int value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The year after y when s (just after a '-' or '_') is it as two or four
 * digits followed by no digit, else 0. */
static int next_year(int y, const char *s)
{
    size_t n = run(s);
    if (y + 1 > 2099)
        return 0;
    if ((n == 2 && value(s, 2) == (y + 1) % 100) || (n == 4 && value(s, 4) == y + 1))
        return y + 1;
    return 0;
}

int ll_ingest_year_from_path(int *out, const char *path)
{
    int first = 0;
    const char *s = path;
    while (*s != '\0') {
        size_t n = run(s);
        if (n == 0) {
            s++;
            continue;
        }
        int y = n == 4 ? value(s, 4) : 0;
        if (y >= 2000 && y <= 2099) {
            if (first == 0)
                first = y;
            if (s[4] == '-' || s[4] == '_') {
                int later = next_year(y, s + 5);
                if (later != 0) {
                    *out = later;
                    return LL_OK;
                }
            }
        }
        s += n;
    }
    if (first == 0)
        return LL_EINPUT;
    *out = first;
    return LL_OK;
}

const char *ll_ingest_kind_name(ll_ingest_kind kind)
{
    static const char *const names[] = {"unknown", "header", "episodes", "uasc", "oc2", "oc3",
                                        "lifelong_links", "comparison", "sdq", "skipped"};
    if ((int)kind < 0 || (size_t)kind >= sizeof names / sizeof names[0])
        return "unknown";
    return names[kind];
}

const char *ll_ingest_rule_name(int rule)
{
    static const char *const names[LL_RULE_COUNT] = {
        "field_count", "empty_child", "bad_date", "bad_code", "bad_integer", "out_of_range",
        "bad_yn", "dec_before_decom", "dec_without_rec", "rec_without_dec",
        "sdq_score_and_reason", "duplicate_key"};
    if (rule < 0 || rule >= LL_RULE_COUNT)
        return "?";
    return names[rule];
}

int ll_ingest_summary_header(FILE *f, ll_error *err)
{
    if (fputs("file,kind,year,read,stored,duplicates,quarantined,refused\n", f) < 0)
        return ll_error_set(err, LL_EIO, "cannot write the summary");
    return LL_OK;
}

/* Writes s as one CSV field, quoted when it must be. */
static void put_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int ll_ingest_summary_row(FILE *f, const char *path, const ll_ingest_result *r, ll_error *err)
{
    static const ll_ingest_result none = {.kind = LL_KIND_UNKNOWN, .refused = 1};
    if (r == NULL)
        r = &none;
    put_field(f, path);
    fprintf(f, ",%s,", ll_ingest_kind_name(r->kind));
    if (r->year != 0)
        fprintf(f, "%d", r->year);
    fprintf(f, ",%zu,%zu,%zu,%zu,%d\n", r->n_read, r->n_stored, r->n_duplicates,
            r->n_quarantined, r->refused ? 1 : 0);
    if (ferror(f))
        return ll_error_set(err, LL_EIO, "cannot write the summary");
    return LL_OK;
}
