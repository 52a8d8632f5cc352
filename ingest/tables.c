/* The input tables of SPEC 2.1-2.4 as data (columns, types, code lists,
 * database columns), how a file's kind is recognised from its header, and
 * the checks of SPEC 2.6 on one row, in rule order. */
#include "internal.h"

#include "lleval/date.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Code lists of SPEC 2.1, 2.4. */
static const char *const SEX[] = {"1", "2", NULL};
static const char *const RNE[] = {"S", "L", "P", "T", "B", "U", NULL};
static const char *const LS[] = {"C1", "C2", "D1", "E1", "V2", "V3", "V4",
                                 "L1", "L2", "L3", "J1", "J2", "J3", NULL};
static const char *const CIN[] = {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", NULL};
/* A2 and R4 are older codes, accepted with a notice. */
static const char *const PLACE[] = {
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3",
    "R5", "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
    "Z11", "Z12", "Z13", "Z14", "A2", "R4", NULL};
static const char *const REC[] = {
    "X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E4A", "E4B",
    "E41", "E43", "E44", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E8", "E9", NULL};
static const char *const SDQ_REASON[] = {"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5", NULL};
static const char *const ACCOM[] = {
    "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2",
    "R1", "R2", "S1", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X1", "X2",
    "Y1", "Y2", "Z1", "Z2", "0", NULL};
static const char *const INFORMANT[] = {"P", "T", "S", NULL};
static const char *const ITEM[] = {"0", "1", "2", NULL};

#define CHILD_COL {"CHILD", LL_CT_CHILD, 1, 1, 0, NULL, 0, 0, "child"}
#define DATE_COL(name, req_col, req_val, db) {name, LL_CT_DATE, req_col, req_val, 0, NULL, 0, 0, db}
#define CODE_COL(name, list, req_col, req_val, as_int, db) \
    {name, LL_CT_CODE, req_col, req_val, as_int, list, 0, 0, db}
#define TEXT_COL(name, req_col, db) {name, LL_CT_TEXT, req_col, 0, 0, NULL, 0, 0, db}
#define INT_COL(name, lo, hi, req_col, db) {name, LL_CT_INT, req_col, 0, 0, NULL, lo, hi, db}
#define YN_COL(name, req_col, req_val, as_int, db) {name, LL_CT_YN, req_col, req_val, as_int, NULL, 0, 0, db}

/* The LA and YEAR of a stacked extract: used only when both are present. */
#define STACK_COLS {"LA", LL_CT_LA, 0, 1, 0, NULL, 0, 0, NULL}, \
    {"YEAR", LL_CT_YEAR, 0, 1, 0, NULL, 0, 0, NULL}

static const ll_colspec HEADER_COLS[] = {
    CHILD_COL,
    CODE_COL("SEX", SEX, 1, 1, 1, "sex"),
    DATE_COL("DOB", 1, 1, "dob"),
    TEXT_COL("ETHNIC", 1, "ethnic"),
    TEXT_COL("MOTHER", 0, "mother"),
    STACK_COLS,
};

static const ll_colspec EPISODES_COLS[] = {
    CHILD_COL,
    DATE_COL("DECOM", 1, 1, "decom"),
    CODE_COL("RNE", RNE, 1, 1, 0, "rne"),
    CODE_COL("LS", LS, 1, 1, 0, "ls"),
    CODE_COL("CIN", CIN, 1, 1, 0, "cin"),
    CODE_COL("PLACE", PLACE, 1, 1, 0, "place"),
    TEXT_COL("PLACE_PROVIDER", 0, "place_provider"),
    DATE_COL("DEC", 1, 0, "dec"),
    CODE_COL("REC", REC, 1, 0, 0, "rec"),
    TEXT_COL("REASON_PLACE_CHANGE", 0, "reason_place_change"),
    STACK_COLS,
};
enum { EP_DECOM = 1, EP_PLACE = 5, EP_DEC = 7, EP_REC = 8 };

static const ll_colspec UASC_COLS[] = {
    CHILD_COL,
    CODE_COL("SEX", SEX, 1, 1, 1, "sex"),
    DATE_COL("DOB", 1, 1, "dob"),
    DATE_COL("DUC", 1, 0, "duc"),
    STACK_COLS,
};

static const ll_colspec OC2_COLS[] = {
    CHILD_COL,
    DATE_COL("DOB", 1, 1, "dob"),
    INT_COL("SDQ_SCORE", 0, 40, 1, "sdq_score"),
    CODE_COL("SDQ_REASON", SDQ_REASON, 1, 0, 0, "sdq_reason"),
    STACK_COLS,
};
enum { OC2_SCORE = 2, OC2_REASON = 3 };

static const ll_colspec OC3_COLS[] = {
    CHILD_COL,
    DATE_COL("DOB", 1, 1, "dob"),
    TEXT_COL("IN_TOUCH", 0, "in_touch"),
    TEXT_COL("ACTIV", 0, "activ"),
    CODE_COL("ACCOM", ACCOM, 1, 0, 0, "accom"),
    STACK_COLS,
};

static const ll_colspec LL_COLS[] = {
    CHILD_COL,
    DATE_COL("REFERRAL_DATE", 0, 0, "referral_date"),
    YN_COL("CONSENT", 1, 1, 0, "consent"),
    DATE_COL("START_DATE", 1, 0, "start_date"),
    DATE_COL("FGC_DATE", 0, 0, "fgc_date"),
    DATE_COL("END_DATE", 0, 0, "end_date"),
    INT_COL("CONNECTIONS_BEFORE", 0, LLONG_MAX, 0, "connections_before"),
    INT_COL("CONNECTIONS_AFTER", 0, LLONG_MAX, 0, "connections_after"),
    YN_COL("IDENTITY_IMPROVED", 0, 0, 1, "identity_improved"),
};

static const ll_colspec COMPARISON_COLS[] = {
    CHILD_COL,
    DATE_COL("INDEX_DATE", 1, 1, "index_date"),
    {"LA", LL_CT_LA, 0, 0, 0, NULL, 0, 0, NULL},
};

#define ITEM_COL(name, db) CODE_COL(name, ITEM, 1, 0, 1, db)
#define IMPACT_COL(name, db) INT_COL(name, 0, 3, 0, db)
static const ll_colspec SDQ_COLS[] = {
    CHILD_COL,
    DATE_COL("DATE", 1, 1, "date"),
    CODE_COL("INFORMANT", INFORMANT, 1, 1, 0, "informant"),
    ITEM_COL("Q1", "q1"), ITEM_COL("Q2", "q2"), ITEM_COL("Q3", "q3"), ITEM_COL("Q4", "q4"),
    ITEM_COL("Q5", "q5"), ITEM_COL("Q6", "q6"), ITEM_COL("Q7", "q7"), ITEM_COL("Q8", "q8"),
    ITEM_COL("Q9", "q9"), ITEM_COL("Q10", "q10"), ITEM_COL("Q11", "q11"),
    ITEM_COL("Q12", "q12"), ITEM_COL("Q13", "q13"), ITEM_COL("Q14", "q14"),
    ITEM_COL("Q15", "q15"), ITEM_COL("Q16", "q16"), ITEM_COL("Q17", "q17"),
    ITEM_COL("Q18", "q18"), ITEM_COL("Q19", "q19"), ITEM_COL("Q20", "q20"),
    ITEM_COL("Q21", "q21"), ITEM_COL("Q22", "q22"), ITEM_COL("Q23", "q23"),
    ITEM_COL("Q24", "q24"), ITEM_COL("Q25", "q25"),
    IMPACT_COL("EBDDIFF", "ebddiff"), IMPACT_COL("DISTRES", "distres"),
    IMPACT_COL("IMPHOME", "imphome"), IMPACT_COL("IMPFRIE", "impfrie"),
    IMPACT_COL("IMPCLAS", "impclas"), IMPACT_COL("IMPLEIS", "impleis"),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* A DfE table's LA and YEAR are its last two columns; they are part of the
 * key, since a stacked extract holds several returns. */
#define DFE(kind, table, cols, key_date) \
    {kind, table, 1, cols, N(cols), key_date, -1, (int)N(cols) - 2, (int)N(cols) - 1}
static const ll_tablespec SPECS[] = {
    DFE(LL_KIND_HEADER, "header", HEADER_COLS, -1),
    DFE(LL_KIND_EPISODES, "episodes", EPISODES_COLS, EP_DECOM),
    DFE(LL_KIND_UASC, "uasc", UASC_COLS, -1),
    DFE(LL_KIND_OC2, "oc2", OC2_COLS, -1),
    DFE(LL_KIND_OC3, "oc3", OC3_COLS, -1),
    {LL_KIND_LIFELONG_LINKS, "lifelong_links", 0, LL_COLS, N(LL_COLS), -1, -1, -1, -1},
    {LL_KIND_COMPARISON, "comparison", 0, COMPARISON_COLS, N(COMPARISON_COLS), -1, 2, 2, -1},
    {LL_KIND_SDQ, "sdq_items", 0, SDQ_COLS, N(SDQ_COLS), 1, 2, -1, -1},
};

const ll_tablespec *ll_ingest_spec(ll_ingest_kind kind)
{
    for (size_t i = 0; i < N(SPECS); i++)
        if (SPECS[i].kind == kind)
            return &SPECS[i];
    return NULL;
}

static int has_col(const ll_csv_row *h, const char *name)
{
    for (size_t i = 0; i < h->nkept; i++)
        if (strcasecmp(h->field[i], name) == 0)
            return 1;
    return 0;
}

ll_ingest_kind ll_ingest_recognise(const ll_csv_row *h)
{
    static const char *const other903[] = {"DATE_INT", "DATE_PLACED", "PREV_PERM", "MIS_START",
                                           "MISSING", "REVIEW", "SW_ID", "DOLO_START"};
    /* the column that marks each kind, tried in this order */
    static const struct {
        const char *col;
        ll_ingest_kind kind;
    } marks[] = {
        {"DECOM", LL_KIND_EPISODES},     {"DUC", LL_KIND_UASC},
        {"SDQ_SCORE", LL_KIND_OC2},      {"ACCOM", LL_KIND_OC3},
        {"INDEX_DATE", LL_KIND_COMPARISON}, {"CONSENT", LL_KIND_LIFELONG_LINKS},
    };
    for (size_t i = 0; i < N(marks); i++)
        if (has_col(h, marks[i].col))
            return marks[i].kind;
    if (has_col(h, "INFORMANT") && has_col(h, "Q1"))
        return LL_KIND_SDQ;
    for (size_t i = 0; i < N(other903); i++)
        if (has_col(h, other903[i]))
            return LL_KIND_SKIPPED;
    if (has_col(h, "SEX") && has_col(h, "DOB"))
        return LL_KIND_HEADER;
    return LL_KIND_UNKNOWN;
}

int ll_ingest_never_stored(const char *name)
{
    static const char *const never[] = {"UPN", "HOME_POST", "PL_POST", "URN", "MC_DOB"};
    for (size_t i = 0; i < N(never); i++)
        if (strcasecmp(name, never[i]) == 0)
            return 1;
    return 0;
}

int ll_ingest_old_place(const ll_tablespec *t, const ll_val *vals)
{
    if (t->kind != LL_KIND_EPISODES)
        return 0;
    return strcmp(vals[EP_PLACE].s, "A2") == 0 || strcmp(vals[EP_PLACE].s, "R4") == 0;
}

/* Codes are short: comparing inline beats calling strcmp per entry. */
static int in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++) {
        const char *c = *list;
        size_t i = 0;
        while (c[i] != '\0' && c[i] == s[i])
            i++;
        if (c[i] == '\0' && s[i] == '\0')
            return 1;
    }
    return 0;
}

/* 0: an integer in *out; 1: not an integer; 2: an integer too large for
 * long long (so out of any range). */
static int parse_int(const char *s, size_t n, long long *out)
{
    size_t i = 0;
    int neg = 0, big = 0;
    unsigned long long v = 0;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return 1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 1;
        if (v > (ULLONG_MAX - 9) / 10)
            big = 1;
        else
            v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (big || v > (unsigned long long)LLONG_MAX)
        return 2;
    *out = neg ? -(long long)v : (long long)v;
    return 0;
}

int ll_ingest_sci_child(const char *s, size_t n)
{
    /* ^[0-9]+([.,][0-9]+)?[Ee][+-]?[0-9]+$ */
    size_t i = 0, k;
    for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    if (i == k)
        return 0;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        for (k = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
        if (i == k)
            return 0;
    }
    if (i >= n || (s[i] != 'E' && s[i] != 'e'))
        return 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    return i > k && i == n;
}

int ll_ingest_blank_row(const ll_csv_row *row)
{
    if (row->nkept != row->nfields)
        return 0;
    for (size_t i = 0; i < row->nkept; i++)
        if (row->len[i] != 0)
            return 0;
    return 1;
}

/* The value of a column the file does not have: the row's la and year
 * come from the defaults, every other column is empty. */
static void absent_value(const ll_colspec *c, const ll_rowdflt *dflt, ll_val *v)
{
    v->s = "";
    v->n = 0;
    v->i = 0;
    v->null = 1;
    if (c->type == LL_CT_LA) {
        v->s = dflt->la;
        v->n = strlen(dflt->la);
        v->null = 0;
    } else if (c->type == LL_CT_YEAR) {
        v->i = dflt->year;
        v->null = 0;
    }
}

/* Checks one present value; returns the rule it breaks or LL_RULE_COUNT. */
static int check_value(const ll_colspec *c, const char *s, size_t n, const ll_rowdflt *dflt,
                       ll_val *v)
{
    v->s = s;
    v->n = n;
    v->i = 0;
    v->null = n == 0;
    switch (c->type) {
    case LL_CT_CHILD:
        if (n == 0)
            return LL_RULE_EMPTY_CHILD;
        return ll_ingest_sci_child(s, n) ? LL_RULE_BAD_CHILD : LL_RULE_COUNT;
    case LL_CT_DATE: {
        long d;
        if (n == 0)
            return c->req_val ? LL_RULE_BAD_DATE : LL_RULE_COUNT;
        if (ll_date_parse_ex(&d, s) != LL_DATE_OK)
            return LL_RULE_BAD_DATE;
        v->i = d;
        return LL_RULE_COUNT;
    }
    case LL_CT_CODE:
        if (n == 0)
            return c->req_val ? LL_RULE_BAD_CODE : LL_RULE_COUNT;
        if (!in_list(c->codes, s))
            return LL_RULE_BAD_CODE;
        if (c->as_int)
            v->i = (long long)(s[0] - '0'); /* the integer codes are one digit */
        return LL_RULE_COUNT;
    case LL_CT_INT: {
        if (n == 0)
            return LL_RULE_COUNT;
        int r = parse_int(s, n, &v->i);
        if (r == 1)
            return LL_RULE_BAD_INTEGER;
        if (r == 2 || v->i < c->lo || v->i > c->hi)
            return LL_RULE_OUT_OF_RANGE;
        return LL_RULE_COUNT;
    }
    case LL_CT_YN:
        if (n == 0)
            return c->req_val ? LL_RULE_BAD_YN : LL_RULE_COUNT;
        if (n != 1 || (s[0] != 'Y' && s[0] != 'N'))
            return LL_RULE_BAD_YN;
        v->i = s[0] == 'Y';
        return LL_RULE_COUNT;
    case LL_CT_LA:
        if (n == 0) {
            if (c->req_val)
                return LL_RULE_BAD_CODE;
            absent_value(c, dflt, v);
        }
        return LL_RULE_COUNT;
    case LL_CT_YEAR: {
        int y;
        if (ll_ingest_year_value(&y, s, n) != LL_OK)
            return LL_RULE_BAD_CODE;
        v->i = y;
        return LL_RULE_COUNT;
    }
    default:
        return LL_RULE_COUNT;
    }
}

static int row_rules(const ll_tablespec *t, const int *colidx, const ll_val *v, int *bad)
{
    if (t->kind == LL_KIND_EPISODES) {
        const ll_val *dec = &v[EP_DEC], *rec = &v[EP_REC];
        if (!dec->null && dec->i < v[EP_DECOM].i)
            return *bad = EP_DEC, LL_RULE_DEC_BEFORE_DECOM;
        if (!dec->null && rec->null)
            return *bad = EP_DEC, LL_RULE_DEC_WITHOUT_REC;
        /* REC without DEC is not a row error (SPEC 2.6): the episode is
         * stored open and its REC set aside when it is inserted. */
    } else if (t->kind == LL_KIND_OC2) {
        if (!v[OC2_SCORE].null && !v[OC2_REASON].null) {
            *bad = colidx[OC2_SCORE] < colidx[OC2_REASON] ? OC2_SCORE : OC2_REASON;
            return LL_RULE_SDQ_SCORE_AND_REASON;
        }
    }
    return LL_RULE_COUNT;
}

int ll_ingest_check_row(const ll_tablespec *t, const int *colidx, size_t nheader,
                        const ll_csv_row *row, const ll_rowdflt *dflt, ll_val *vals, int *bad)
{
    *bad = -1;
    if (row->nfields != nheader)
        return LL_RULE_FIELD_COUNT;
    int best = LL_RULE_COUNT, best_at = -1;
    for (size_t j = 0; j < t->ncols; j++) {
        int at = colidx[j];
        if (at < 0) {
            absent_value(&t->cols[j], dflt, &vals[j]);
            continue;
        }
        int r = check_value(&t->cols[j], row->field[at], row->len[at], dflt, &vals[j]);
        if (r < best || (r == best && r != LL_RULE_COUNT && at < best_at)) {
            best = r;
            best_at = at;
            *bad = (int)j;
        }
    }
    if (best != LL_RULE_COUNT)
        return best;
    return row_rules(t, colidx, vals, bad);
}

/* Copies a value for a message: at most 40 bytes, cut on a character
 * boundary, control characters shown as '?'. */
static void show(char *out, size_t size, const char *s, size_t n)
{
    size_t m = n;
    int cut = 0;
    if (m > size - 4) {
        m = size - 4;
        while (m > 0 && ((unsigned char)s[m] & 0xC0) == 0x80)
            m--;
        cut = 1;
    }
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (cut) {
        memcpy(out + m, "...", 3);
        m += 3;
    }
    out[m] = '\0';
}

/* "CHILD '12', DECOM '01/02/2020'": the key of a row. */
static void key_text(char *buf, size_t size, const ll_tablespec *t, const ll_val *vals)
{
    int cols[3] = {0, t->key_date, t->key_text};
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < 3 && o < size; k++) {
        if (cols[k] < 0)
            continue;
        char v[48];
        show(v, sizeof v, vals[cols[k]].s, vals[cols[k]].n);
        int w = snprintf(buf + o, size - o, "%s%s '%s'", o ? ", " : "", t->cols[cols[k]].name, v);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

void ll_ingest_reason(char *buf, size_t size, const ll_tablespec *t, int rule, int bad,
                      const ll_val *vals, const ll_csv_row *row, size_t nheader,
                      long first_line)
{
    char a[48], b[48];
    const ll_colspec *c = bad >= 0 ? &t->cols[bad] : NULL;
    if (c != NULL)
        show(a, sizeof a, vals[bad].s, vals[bad].n);
    int empty = c != NULL && vals[bad].n == 0;
    switch (rule) {
    case LL_RULE_FIELD_COUNT:
        snprintf(buf, size, "%zu fields where the header has %zu", row->nfields, nheader);
        break;
    case LL_RULE_EMPTY_CHILD:
        snprintf(buf, size, "CHILD is empty");
        break;
    case LL_RULE_BAD_CHILD:
        snprintf(buf, size, "CHILD '%s' is a number in scientific notation (a spreadsheet "
                            "rounded the ID: the original is lost; export IDs as text)", a);
        break;
    case LL_RULE_BAD_DATE: {
        long d;
        if (empty)
            snprintf(buf, size, "%s is empty (a date is required)", c->name);
        else if (ll_date_parse_ex(&d, vals[bad].s) == LL_DATE_RANGE)
            snprintf(buf, size, "%s '%s' is a date outside the years 1900-2100", c->name, a);
        else
            snprintf(buf, size, "%s '%s' is not a date (DD/MM/YYYY or YYYY-MM-DD)", c->name, a);
        break;
    }
    case LL_RULE_BAD_CODE:
        if (c->type == LL_CT_YEAR)
            snprintf(buf, size, "YEAR '%s' is not a collection year (YYYY or a pair such as "
                                "2022-23)", a);
        else if (empty)
            snprintf(buf, size, "%s is empty (a code is required)", c->name);
        else
            snprintf(buf, size, "%s '%s' is not a valid code", c->name, a);
        break;
    case LL_RULE_BAD_INTEGER:
        snprintf(buf, size, "%s '%s' is not an integer", c->name, a);
        break;
    case LL_RULE_OUT_OF_RANGE:
        if (c->hi == LLONG_MAX)
            snprintf(buf, size, "%s '%s' is below %lld", c->name, a, c->lo);
        else
            snprintf(buf, size, "%s '%s' is outside %lld-%lld", c->name, a, c->lo, c->hi);
        break;
    case LL_RULE_BAD_YN:
        if (empty)
            snprintf(buf, size, "%s is empty (Y or N is required)", c->name);
        else
            snprintf(buf, size, "%s '%s' is not Y or N", c->name, a);
        break;
    case LL_RULE_DEC_BEFORE_DECOM:
        show(b, sizeof b, vals[EP_DECOM].s, vals[EP_DECOM].n);
        snprintf(buf, size, "DEC '%s' is before DECOM '%s'", a, b);
        break;
    case LL_RULE_DEC_WITHOUT_REC:
        snprintf(buf, size, "DEC '%s' is filled but REC is empty", a);
        break;
    case LL_RULE_SDQ_SCORE_AND_REASON:
        show(a, sizeof a, vals[OC2_SCORE].s, vals[OC2_SCORE].n);
        show(b, sizeof b, vals[OC2_REASON].s, vals[OC2_REASON].n);
        snprintf(buf, size, "SDQ_SCORE '%s' and SDQ_REASON '%s' are both filled", a, b);
        break;
    case LL_RULE_DUPLICATE_KEY: {
        char k[200];
        key_text(k, sizeof k, t, vals);
        snprintf(buf, size, "%s: line %ld has the same key with different values", k,
                 first_line);
        break;
    }
    default:
        snprintf(buf, size, "rule %d", rule);
        break;
    }
}
