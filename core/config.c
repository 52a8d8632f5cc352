/* The run configuration: a table of keys (section, name, type, default,
 * where in ll_config the value lives) drives defaults, INI parsing with
 * libinih, checking and printing, so that a key is declared in one place. */
#include "lleval/config.h"

#include <ini.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const PG_NAMES[LL_PG_N] = {
    "foster", "kinship", "residential", "semi_independent", "adoption", "parents", "other",
};
static const char *const LS_CODES[LL_LS_N] = {
    "C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3",
};
/* ACCOM letters of SPEC 2.1. */
static const char ACCOM_LETTERS[] = "BCDEGHKRSTUVWXYZ";

static const char *const INDEX_CHOICES[] = {"start", "referral", "fgc", NULL};
static const char *const LEAVERS_CHOICES[] = {"exclude", "unstable", NULL};
static const char *const SDQ_CHOICES[] = {"oc2", "items:P", "items:T", "items:S", NULL};
static const char *const COMPARISON_CHOICES[] = {"auto", "explicit", "match", "none", NULL};
static const char *const EXACT_CHOICES[] = {"la", "none", NULL};

static const char *const COST_KEYS[LL_COST_N] = {
    "cost_per_move", "weekly_foster", "weekly_kinship", "weekly_residential",
    "weekly_semi_independent", "weekly_adoption", "weekly_parents", "weekly_other",
    "homelessness_cost", "programme_cost_per_child",
};

const char *ll_placement_group_name(ll_placement_group g)
{
    return (unsigned)g < LL_PG_N ? PG_NAMES[g] : "?";
}

int ll_config_ls_index(const char *code)
{
    for (int i = 0; i < LL_LS_N; i++)
        if (!strcmp(code, LS_CODES[i]))
            return i;
    return -1;
}

const char *ll_config_ls_code(int i)
{
    return i >= 0 && i < LL_LS_N ? LS_CODES[i] : "?";
}

const char *ll_cost_key(ll_cost_id id)
{
    return (unsigned)id < LL_COST_N ? COST_KEYS[id] : "?";
}

enum key_type {
    T_CHOICE,     /* int enum, index into choices */
    T_REAL,       /* double in [lo, hi] (hi exclusive when open_hi) */
    T_OPT_REAL,   /* ll_cost_item: a number >= 0 or "none" */
    T_COST,       /* ll_cost_item: a number >= 0 */
    T_INT,        /* int in [lo, hi] */
    T_LONG,       /* long in [lo, hi] */
    T_ULONG,      /* unsigned long in [lo, hi] */
    T_GROUPS,     /* unsigned bit set over placement groups */
    T_LS,         /* unsigned bit set over LS codes */
    T_ACCOM,      /* unsigned bit set over ACCOM letters */
    T_PRICE_YEAR, /* char[8]: "YYYY-YY" or "" (written none) */
    T_BASE_YEAR,  /* char[8]: "YYYY-YY" or "" (written latest) */
    T_TEXT,       /* char[LL_CONFIG_TEXT_MAX] */
    T_PATH,       /* char[LL_CONFIG_PATH_MAX], "" written none */
};

struct key_desc {
    const char *section;
    const char *name;
    enum key_type type;
    size_t offset;
    const char *deflt;
    const char *const *choices;
    double lo, hi;
    int open_hi;
};

#define OFF(member) offsetof(ll_config, member)
#define COST_KEYS3(id, key_, value_, year_, source_)                                    \
    {"costs", key_, (id) == LL_COST_PROGRAMME ? T_OPT_REAL : T_COST,                    \
     OFF(costs.item[id]), value_, NULL, 0, HUGE_VAL, 0},                                \
    {"costs", key_ "_price_year", T_PRICE_YEAR, OFF(costs.item[id].price_year), year_,  \
     NULL, 0, 0, 0},                                                                    \
    {"costs", key_ "_source", T_TEXT, OFF(costs.item[id].source), source_, NULL, 0, 0, 0}

static const struct key_desc KEYS[] = {
    {"cohort", "index", T_CHOICE, OFF(cohort.index), "start", INDEX_CHOICES, 0, 0, 0},
    {"cohort", "max_age", T_REAL, OFF(cohort.max_age), "16", NULL, 0, 100, 0},
    {"cohort", "max_years_in_care", T_REAL, OFF(cohort.max_years_in_care), "3", NULL, 0, 100, 0},
    {"cohort", "excluded_placement_groups", T_GROUPS, OFF(cohort.excluded_placement_groups),
     "adoption,parents", NULL, 0, 0, 0},
    {"cohort", "excluded_legal_status", T_LS, OFF(cohort.excluded_legal_status), "E1,D1", NULL,
     0, 0, 0},
    {"cohort", "leavers", T_CHOICE, OFF(cohort.leavers), "exclude", LEAVERS_CHOICES, 0, 0, 0},
    {"cohort", "sdq_source", T_CHOICE, OFF(cohort.sdq_source), "oc2", SDQ_CHOICES, 0, 0, 0},
    {"cohort", "homeless_accom", T_ACCOM, OFF(cohort.homeless_accom), "S,V,W", NULL, 0, 0, 0},
    {"analysis", "comparison", T_CHOICE, OFF(analysis.comparison), "auto", COMPARISON_CHOICES,
     0, 0, 0},
    {"analysis", "caliper", T_REAL, OFF(analysis.caliper), "0.2", NULL, 1e-300, HUGE_VAL, 0},
    {"analysis", "ratio", T_INT, OFF(analysis.ratio), "1", NULL, 1, 100, 0},
    {"analysis", "exact", T_CHOICE, OFF(analysis.exact), "la", EXACT_CHOICES, 0, 0, 0},
    {"report", "min_cell", T_INT, OFF(report.min_cell), "5", NULL, LL_CONFIG_MIN_CELL_LEAST,
     1000000, 0},
    {"report", "rounding", T_INT, OFF(report.rounding), "5", NULL, 1, 1000000, 0},
    {"report", "min_n", T_INT, OFF(report.min_n), "10", NULL, 1, 1000000, 0},
    COST_KEYS3(LL_COST_MOVE, "cost_per_move", "224", "2009-10",
               "GMCA Unit Cost Database SS2.5, finding a subsequent placement"),
    COST_KEYS3(LL_COST_WEEKLY_FOSTER, "weekly_foster", "700", "2013-14",
               "GMCA Unit Cost Database SS2.0, LA foster care"),
    COST_KEYS3(LL_COST_WEEKLY_KINSHIP, "weekly_kinship", "700", "2013-14",
               "GMCA Unit Cost Database SS2.0, LA foster care (assumption: connected-persons "
               "carers paid at LA foster rates)"),
    COST_KEYS3(LL_COST_WEEKLY_RESIDENTIAL, "weekly_residential", "2995", "2013-14",
               "GMCA Unit Cost Database SS3.0, LA children's home"),
    COST_KEYS3(LL_COST_WEEKLY_SEMI_INDEPENDENT, "weekly_semi_independent", "0", "", ""),
    COST_KEYS3(LL_COST_WEEKLY_ADOPTION, "weekly_adoption", "0", "", ""),
    COST_KEYS3(LL_COST_WEEKLY_PARENTS, "weekly_parents", "0", "", ""),
    COST_KEYS3(LL_COST_WEEKLY_OTHER, "weekly_other", "0", "", ""),
    COST_KEYS3(LL_COST_HOMELESSNESS, "homelessness_cost", "2501", "2010-11",
               "GMCA Unit Cost Database HO3.0, statutory homelessness application"),
    COST_KEYS3(LL_COST_PROGRAMME, "programme_cost_per_child", "none", "", ""),
    {"costs", "unit_costs_file", T_PATH, OFF(costs.unit_costs_file), "", NULL, 0, 0, 0},
    {"costs", "base_year", T_BASE_YEAR, OFF(costs.base_year), "", NULL, 0, 0, 0},
    {"costs", "horizon_years", T_INT, OFF(costs.horizon_years), "3", NULL, 1, 100, 0},
    {"costs", "persistence", T_REAL, OFF(costs.persistence), "1", NULL, 0, 1, 0},
    {"costs", "discount_rate", T_REAL, OFF(costs.discount_rate), "0.035", NULL, 0, 1, 0},
    {"costs", "attribution", T_REAL, OFF(costs.attribution), "1", NULL, 0, 1, 0},
    {"costs", "optimism_bias", T_REAL, OFF(costs.optimism_bias), "0", NULL, 0, 1, 1},
    {"costs", "mc_draws", T_LONG, OFF(costs.mc_draws), "10000", NULL, 1, 10000000, 0},
    {"costs", "seed", T_ULONG, OFF(costs.seed), "1", NULL, 0, 4294967295.0, 0},
    {"costs", "cost_range", T_REAL, OFF(costs.cost_range), "0.25", NULL, 0, 1, 1},
    {"area", "data", T_PATH, OFF(area.data), "", NULL, 0, 0, 0},
    {"area", "filter", T_TEXT, OFF(area.filter), "", NULL, 0, 0, 0},
    {"area", "value", T_TEXT, OFF(area.value), "", NULL, 0, 0, 0},
    {"area", "outcome", T_TEXT, OFF(area.outcome), "", NULL, 0, 0, 0},
    {"area", "lower_is_better", T_INT, OFF(area.lower_is_better), "1", NULL, 0, 1, 0},
    {"area", "programme", T_PATH, OFF(area.programme), "", NULL, 0, 0, 0},
    {"area", "ri_draws", T_LONG, OFF(area.ri_draws), "999", NULL, 0, 10000000, 0},
    {"area", "seed", T_ULONG, OFF(area.seed), "1", NULL, 0, 4294967295.0, 0},
};
#define N_KEYS (sizeof KEYS / sizeof KEYS[0])

_Static_assert(N_KEYS <= sizeof(((ll_config *)0)->line) / sizeof(int),
               "ll_config.line too small for the key table");

static const char *const SECTIONS[] = {"cohort", "analysis", "report", "costs", "area", NULL};

size_t ll_config_n_keys(void)
{
    return N_KEYS;
}

int ll_config_key_range(double *lo, double *hi, int *open_hi, const char *section,
                        const char *key)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct key_desc *k = &KEYS[i];
        if (strcmp(k->section, section) != 0 || strcmp(k->name, key) != 0)
            continue;
        if (k->type != T_INT && k->type != T_LONG && k->type != T_REAL && k->type != T_ULONG)
            return LL_EINPUT;
        *lo = k->lo;
        *hi = k->hi;
        *open_hi = k->open_hi;
        return LL_OK;
    }
    return LL_EINPUT;
}

/* ---- parsing one value ------------------------------------------------ */

static int parse_real(double *out, const char *v)
{
    char *end;
    if (*v == '\0' || isspace((unsigned char)*v))
        return -1;
    errno = 0;
    double x = strtod(v, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

static int parse_integer(long long *out, const char *v)
{
    char *end;
    if (*v == '\0' || isspace((unsigned char)*v))
        return -1;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return -1;
    *out = x;
    return 0;
}

/* "YYYY-YY" with YY the year after YYYY. */
static int parse_fin_year(char out[8], const char *v)
{
    if (strlen(v) != 7 || v[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && !isdigit((unsigned char)v[i]))
            return -1;
    int y = atoi(v);
    int yy = (v[5] - '0') * 10 + (v[6] - '0');
    if ((y + 1) % 100 != yy)
        return -1;
    memcpy(out, v, 8);
    return 0;
}

/* Splits a comma-separated list; calls item() on each trimmed item.  Items
 * are at most 31 bytes (longer ones are passed truncated and fail). */
static int parse_list(unsigned *out, const char *v, int (*item)(const char *))
{
    unsigned set = 0;
    const char *p = v;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len > 0 && isspace((unsigned char)p[len - 1]))
            len--;
        char buf[32];
        if (len == 0 && (e || p != v))
            return -1; /* an empty item: "a,,b" or "a," */
        if (len == 0)
            break;
        if (len >= sizeof buf)
            return -1;
        memcpy(buf, p, len);
        buf[len] = '\0';
        int bit = item(buf);
        if (bit < 0)
            return -1;
        set |= 1u << bit;
        if (!e)
            break;
        p = e + 1;
    }
    *out = set;
    return 0;
}

static int group_item(const char *s)
{
    for (int g = 0; g < LL_PG_N; g++)
        if (!strcasecmp(s, PG_NAMES[g]))
            return g;
    return -1;
}

static int ls_item(const char *s)
{
    for (int i = 0; i < LL_LS_N; i++)
        if (!strcasecmp(s, LS_CODES[i]))
            return i;
    return -1;
}

static int accom_item(const char *s)
{
    int c = toupper((unsigned char)s[0]);
    if (s[0] == '\0' || s[1] != '\0' || !strchr(ACCOM_LETTERS, c))
        return -1;
    return c - 'A';
}

static const char *type_words(const struct key_desc *k)
{
    switch (k->type) {
    case T_REAL: return "a number";
    case T_OPT_REAL: return "a number >= 0 or none";
    case T_COST: return "a number >= 0";
    case T_INT:
    case T_LONG:
    case T_ULONG: return "an integer";
    case T_GROUPS: return "a comma-separated list of placement groups (foster, kinship, "
                          "residential, semi_independent, adoption, parents, other)";
    case T_LS: return "a comma-separated list of legal status codes (C1 C2 D1 E1 V2 V3 V4 "
                      "L1 L2 L3 J1 J2 J3)";
    case T_ACCOM: return "a comma-separated list of ACCOM letters (B C D E G H K R S T U V W "
                         "X Y Z)";
    case T_PRICE_YEAR: return "a financial year YYYY-YY or none";
    case T_BASE_YEAR: return "a financial year YYYY-YY or latest";
    default: return "a value";
    }
}

static int range_ok(const struct key_desc *k, double x)
{
    if (x < k->lo)
        return 0;
    return k->open_hi ? x < k->hi : x <= k->hi;
}

static int copy_text(char *dst, size_t size, const char *v)
{
    if (strlen(v) >= size)
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* Parses v into the value of key k in cfg.  0, or -1 with why[] filled. */
static int set_value(ll_config *cfg, const struct key_desc *k, const char *v, char *why,
                     size_t whysize)
{
    char *base = (char *)cfg + k->offset;
    double x;
    long long n;
    unsigned set;
    switch (k->type) {
    case T_CHOICE:
        for (int i = 0; k->choices[i]; i++)
            if (!strcasecmp(v, k->choices[i])) {
                *(int *)(void *)base = i;
                return 0;
            }
        snprintf(why, whysize, "must be one of:");
        for (int i = 0; k->choices[i]; i++) {
            size_t len = strlen(why);
            snprintf(why + len, whysize - len, " %s", k->choices[i]);
        }
        return -1;
    case T_REAL:
        if (parse_real(&x, v) || !range_ok(k, x))
            goto bad_number;
        *(double *)(void *)base = x;
        return 0;
    case T_OPT_REAL:
    case T_COST: {
        ll_cost_item *it = (ll_cost_item *)(void *)base;
        if (k->type == T_OPT_REAL && !strcasecmp(v, "none")) {
            it->has_value = 0;
            it->value = 0;
            return 0;
        }
        if (parse_real(&x, v) || x < 0)
            goto bad_type;
        it->has_value = 1;
        it->value = x;
        return 0;
    }
    case T_INT:
    case T_LONG:
    case T_ULONG:
        if (parse_integer(&n, v) || !range_ok(k, (double)n))
            goto bad_number;
        if (k->type == T_INT)
            *(int *)(void *)base = (int)n;
        else if (k->type == T_LONG)
            *(long *)(void *)base = (long)n;
        else
            *(unsigned long *)(void *)base = (unsigned long)n;
        return 0;
    case T_GROUPS:
    case T_LS:
    case T_ACCOM:
        if (parse_list(&set, v, k->type == T_GROUPS ? group_item
                                : k->type == T_LS   ? ls_item
                                                    : accom_item))
            goto bad_type;
        *(unsigned *)(void *)base = set;
        return 0;
    case T_PRICE_YEAR:
    case T_BASE_YEAR:
        if (*v == '\0' || !strcasecmp(v, k->type == T_PRICE_YEAR ? "none" : "latest")) {
            base[0] = '\0';
            return 0;
        }
        if (parse_fin_year(base, v))
            goto bad_type;
        return 0;
    case T_TEXT:
        if (copy_text(base, LL_CONFIG_TEXT_MAX, v))
            goto too_long;
        return 0;
    case T_PATH:
        if (!strcasecmp(v, "none"))
            v = "";
        if (copy_text(base, LL_CONFIG_PATH_MAX, v))
            goto too_long;
        return 0;
    }
bad_type:
    snprintf(why, whysize, "must be %s", type_words(k));
    return -1;
bad_number:
    if (k->offset == OFF(report.min_cell))
        snprintf(why, whysize, "must be an integer from %d to %.10g: counts from 1 to 5 are "
                 "always withheld, so disclosure control cannot be switched off (SPEC 2.5, 8)",
                 LL_CONFIG_MIN_CELL_LEAST, k->hi);
    else if (k->hi == HUGE_VAL)
        snprintf(why, whysize, "must be %s greater than %g", type_words(k), k->lo > 0 ? 0 : k->lo);
    else
        snprintf(why, whysize, "must be %s from %.10g to %.10g%s", type_words(k), k->lo, k->hi,
                 k->open_hi ? " (exclusive)" : "");
    return -1;
too_long:
    snprintf(why, whysize, "is too long");
    return -1;
}

void ll_config_init(ll_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    char why[256];
    for (size_t i = 0; i < N_KEYS; i++)
        (void)set_value(cfg, &KEYS[i], KEYS[i].deflt, why, sizeof why);
}

/* ---- reading the file ------------------------------------------------- */

/* The state of one parse: inih calls our reader for each line (so that we
 * know the line of every key and can check section headers, which inih does
 * not report) and our handler for each key. */
struct parse {
    ll_config *cfg;
    const char *name;
    FILE *file;        /* one of file / text */
    const char *text;
    int line;          /* line of the chunk last read */
    int newlines;      /* complete lines read so far */
    int failed;
    ll_error *err;
    char seen[N_KEYS]; /* keys set in this file */
    char raw[200];     /* the line last read, as in the file */
};

static int fail(struct parse *p, int line, const char *fmt, const char *a, const char *b,
                const char *c)
{
    if (!p->failed) {
        char msg[LL_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, fmt, a, b, c);
        ll_error_set(p->err, LL_EINPUT, "%s:%d: %s", p->name, line, msg);
    }
    p->failed = 1;
    return 0;
}

/* A section header line: checks the name against the known sections. */
static void check_section(struct parse *p, const char *s)
{
    if (p->newlines == 0 && !strncmp(s, "\xEF\xBB\xBF", 3))
        s += 3;
    while (isspace((unsigned char)*s))
        s++;
    if (*s != '[')
        return;
    const char *e = strchr(s, ']');
    if (!e)
        return; /* inih reports the syntax error */
    char name[LL_CONFIG_TEXT_MAX];
    size_t len = (size_t)(e - s - 1);
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, s + 1, len);
    name[len] = '\0';
    for (int i = 0; SECTIONS[i]; i++)
        if (!strcasecmp(name, SECTIONS[i]))
            return;
    fail(p, p->line, "unknown section [%s] (sections: cohort, analysis, report, costs, area)%s%s",
         name, "", "");
}

static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    if (p->failed)
        return NULL;
    if (p->file) {
        if (!fgets(str, num, p->file))
            return NULL;
    } else {
        if (*p->text == '\0')
            return NULL;
        const char *nl = strchr(p->text, '\n');
        size_t len = nl ? (size_t)(nl - p->text) + 1 : strlen(p->text);
        if (len > (size_t)num - 1)
            len = (size_t)num - 1;
        memcpy(str, p->text, len);
        str[len] = '\0';
        p->text += len;
    }
    p->line = p->newlines + 1;
    size_t len = strlen(str);
    int at_eof = p->file ? feof(p->file) : *p->text == '\0';
    if (len > 0 && str[len - 1] == '\n') {
        p->newlines++;
    } else if (!at_eof) {
        fail(p, p->line, "line longer than %s characters%s%s", "196", "", "");
        return NULL;
    }
    snprintf(p->raw, sizeof p->raw, "%s", str);
    check_section(p, str);
    return p->failed ? NULL : str;
}

/* 1 when the raw line of a ';'-separated list has " ;" after its '=' and
 * what follows looks like more of the list (a condition "col = value" of
 * [area] filter, a ".csv" of [area] data) rather than a comment: inih took
 * it for a comment, and the list would lose items silently. */
static int list_cut_by_comment(const struct parse *p, const struct key_desc *k)
{
    int filter = !strcmp(k->name, "filter");
    if (strcmp(k->section, "area") || (!filter && strcmp(k->name, "data")))
        return 0;
    const char *s = p->raw + strcspn(p->raw, "=:");
    for (; *s; s++)
        if (*s == ';' && isspace((unsigned char)s[-1]))
            break;
    if (!*s)
        return 0;
    if (filter)
        return strchr(s, '=') != NULL;
    for (; *s; s++)
        if (!strncasecmp(s, ".csv", 4))
            return 1;
    return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    if (p->failed)
        return 0;
    if (section[0] == '\0')
        return fail(p, p->line, "key '%s' outside any section%s%s", name, "", "");
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct key_desc *k = &KEYS[i];
        if (strcasecmp(section, k->section) || strcasecmp(name, k->name))
            continue;
        if (p->seen[i]) {
            char first[16];
            snprintf(first, sizeof first, "%d", p->cfg->line[i]);
            return fail(p, p->line, "[%s] %s given twice (first on line %s)", k->section,
                        k->name, first);
        }
        if (list_cut_by_comment(p, k))
            return fail(p, p->line, "[%s] %s: a ';' after a space starts a comment in an INI "
                        "file: write each ';' straight after the item before it ('a = 1; b = 2')",
                        k->section, k->name, "");
        char why[512];
        if (set_value(p->cfg, k, value, why, sizeof why)) {
            char msg[LL_CONFIG_TEXT_MAX + 600];
            snprintf(msg, sizeof msg, "'%s' %s", value, why);
            return fail(p, p->line, "[%s] %s: %s", k->section, k->name, msg);
        }
        p->seen[i] = 1;
        p->cfg->line[i] = p->line;
        return 1;
    }
    return fail(p, p->line, "unknown key '%s' in section [%s]%s", name, section, "");
}

/* A cost value given without its own price year or source does not keep
 * the built-in ones, which belong to the built-in value: they become
 * "none" and "", shown as not given (line -L: the value is on line L). */
static void unpair_costs(ll_config *cfg)
{
    for (size_t i = 1; i + 1 < N_KEYS; i++) {
        if (KEYS[i].type != T_PRICE_YEAR || cfg->line[i - 1] <= 0)
            continue;
        char *base = (char *)cfg;
        if (cfg->line[i] == 0) {
            base[KEYS[i].offset] = '\0';
            cfg->line[i] = -cfg->line[i - 1];
        }
        if (cfg->line[i + 1] == 0) {
            base[KEYS[i + 1].offset] = '\0';
            cfg->line[i + 1] = -cfg->line[i - 1];
        }
    }
}

/* [report] rounding must not exceed min_cell (SPEC 2.5, 8): a rounding base
 * above it would round shown counts to multiples that no longer protect. */
static int check_report(struct parse *p)
{
    const ll_config *c = p->cfg;
    if (c->report.rounding <= c->report.min_cell)
        return LL_OK;
    int line = 0;
    for (size_t i = 0; i < N_KEYS; i++)
        if (p->seen[i] && !strcmp(KEYS[i].section, "report") && c->line[i] > line)
            line = c->line[i];
    return ll_error_set(p->err, LL_EINPUT, "%s:%d: [report] rounding = %d is above min_cell = %d "
                        "(it must be from 1 to min_cell)", p->name, line, c->report.rounding,
                        c->report.min_cell);
}

static int run_parse(struct parse *p)
{
    if (copy_text(p->cfg->file, sizeof p->cfg->file, p->name))
        return ll_error_set(p->err, LL_EINPUT, "%s: configuration file name too long", p->name);
    int rc = ini_parse_stream(reader, p, handler, p);
    if (p->failed)
        return LL_EINPUT;
    if (rc > 0)
        return ll_error_set(p->err, LL_EINPUT, "%s:%d: syntax error (expected [section] or "
                            "key = value)", p->name, rc);
    if (rc < 0)
        return ll_error_set(p->err, LL_ENOMEM, "%s: out of memory", p->name);
    unpair_costs(p->cfg);
    return check_report(p);
}

int ll_config_load(ll_config *cfg, const char *path, ll_error *err)
{
    struct parse p = {.cfg = cfg, .name = path, .err = err};
    p.file = fopen(path, "r");
    if (!p.file)
        return ll_error_set(err, LL_EIO, "%s: cannot read configuration: %s", path,
                            strerror(errno));
    int rc = run_parse(&p);
    if (rc == LL_OK && ferror(p.file))
        rc = ll_error_set(err, LL_EIO, "%s: read error", path);
    fclose(p.file);
    return rc;
}

int ll_config_parse_string(ll_config *cfg, const char *text, const char *name, ll_error *err)
{
    struct parse p = {.cfg = cfg, .name = name, .text = text, .err = err};
    return run_parse(&p);
}

/* ---- printing --------------------------------------------------------- */

/* The shortest of %.15g, %.16g, %.17g that reads back exactly. */
static void format_real(char *buf, size_t size, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

static void format_set(char *buf, size_t size, unsigned set, int n, const char *(*name)(int))
{
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!(set & (1u << i)))
            continue;
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", len ? "," : "", name(i));
    }
}

static const char *pg_name_i(int i) { return PG_NAMES[i]; }
static const char *ls_name_i(int i) { return LS_CODES[i]; }
static const char *accom_name_i(int i)
{
    static const char *const letters[26] = {"A", "B", "C", "D", "E", "F", "G", "H", "I",
                                            "J", "K", "L", "M", "N", "O", "P", "Q", "R",
                                            "S", "T", "U", "V", "W", "X", "Y", "Z"};
    return letters[i];
}

static void format_value(char *buf, size_t size, const ll_config *cfg, const struct key_desc *k)
{
    const char *base = (const char *)cfg + k->offset;
    const ll_cost_item *it = (const ll_cost_item *)(const void *)base;
    switch (k->type) {
    case T_CHOICE: snprintf(buf, size, "%s", k->choices[*(const int *)(const void *)base]); break;
    case T_REAL: format_real(buf, size, *(const double *)(const void *)base); break;
    case T_OPT_REAL:
    case T_COST:
        if (!it->has_value)
            snprintf(buf, size, "none");
        else
            format_real(buf, size, it->value);
        break;
    case T_INT: snprintf(buf, size, "%d", *(const int *)(const void *)base); break;
    case T_LONG: snprintf(buf, size, "%ld", *(const long *)(const void *)base); break;
    case T_ULONG: snprintf(buf, size, "%lu", *(const unsigned long *)(const void *)base); break;
    case T_GROUPS: format_set(buf, size, *(const unsigned *)(const void *)base, LL_PG_N, pg_name_i); break;
    case T_LS: format_set(buf, size, *(const unsigned *)(const void *)base, LL_LS_N, ls_name_i); break;
    case T_ACCOM: format_set(buf, size, *(const unsigned *)(const void *)base, 26, accom_name_i); break;
    case T_PRICE_YEAR: snprintf(buf, size, "%s", base[0] ? base : "none"); break;
    case T_BASE_YEAR: snprintf(buf, size, "%s", base[0] ? base : "latest"); break;
    case T_TEXT:
    case T_PATH: snprintf(buf, size, "%s", base); break;
    }
}

void ll_config_entry_get(ll_config_entry *out, const ll_config *cfg, size_t i)
{
    const struct key_desc *k = &KEYS[i];
    out->section = k->section;
    out->key = k->name;
    format_value(out->value, sizeof out->value, cfg, k);
    if (cfg->line[i] > 0)
        snprintf(out->source, sizeof out->source, "%s:%d", cfg->file, cfg->line[i]);
    else if (cfg->line[i] < 0)
        snprintf(out->source, sizeof out->source, "not given with the value on %s:%d",
                 cfg->file, -cfg->line[i]);
    else
        snprintf(out->source, sizeof out->source, "default");
}

int ll_config_write(FILE *f, const ll_config *cfg, ll_error *err)
{
    const char *section = NULL;
    ll_config_entry e;
    for (size_t i = 0; i < N_KEYS; i++) {
        ll_config_entry_get(&e, cfg, i);
        if (!section || strcmp(section, e.section))
            fprintf(f, "%s[%s]\n", section ? "\n" : "", e.section);
        section = e.section;
        /* inih reads " ;" as the start of a comment, so the source can
         * follow the value on its line -- unless that would pass inih's
         * line limit, when it goes on a comment line of its own above. */
        size_t len = strlen(e.key) + strlen(e.value) + strlen(e.source);
        if (len + 6 > 196) {
            size_t n = strlen(e.source);
            const char *tail = n > 180 ? e.source + n - 177 : e.source;
            fprintf(f, "; %s%s\n%s = %s\n", tail == e.source ? "" : "...", tail, e.key, e.value);
            continue;
        }
        int w = fprintf(f, "%s = %s", e.key, e.value);
        fprintf(f, "%*s ; %s\n", w < 44 ? 44 - w : 0, "", e.source);
    }
    if (ferror(f))
        return ll_error_set(err, LL_EIO, "cannot write the configuration");
    return LL_OK;
}
