/* Questions about one child on one day (SPEC 3): looked-after status,
 * covariates and eligibility, outcomes.  Pure functions of the loaded data,
 * so that matching can ask them for any child on any day. */
#include "internal.h"

#include <math.h>
#include <string.h>

static const char *const GROUP_NAMES[] = {"treated", "comparison"};
static const char *const LEGAL_NAMES[LL_LEGAL_N] = {"care_order", "s20", "other"};
static const char *const ETHNIC_NAMES[LL_ETHNIC_N] = {"white", "mixed", "asian",
                                                      "black", "other", "unknown"};
static const char *const NA_NAMES[] = {"", "followup_incomplete", "left_care",
                                       "no_care_leaver_record", "no_sdq_in_window",
                                       "not_recorded"};

const char *ll_group_name(ll_group g)
{
    return (unsigned)g < 2 ? GROUP_NAMES[g] : "?";
}

const char *ll_legal_group_name(ll_legal_group g)
{
    return (unsigned)g < LL_LEGAL_N ? LEGAL_NAMES[g] : "?";
}

const char *ll_ethnic_group_name(ll_ethnic_group g)
{
    return (unsigned)g < LL_ETHNIC_N ? ETHNIC_NAMES[g] : "?";
}

const char *ll_na_reason_name(ll_na_reason r)
{
    return (unsigned)r < sizeof NA_NAMES / sizeof NA_NAMES[0] ? NA_NAMES[r] : "?";
}

/* The codes of one group. */
typedef struct code_group {
    int group;
    const char *const *codes; /* NULL-terminated */
} code_group;

/* The group of code in the n groups of table; dflt when in none. */
static int group_of(const char *code, const code_group *table, size_t n, int dflt)
{
    for (size_t g = 0; g < n; g++)
        for (const char *const *c = table[g].codes; *c; c++)
            if (!strcmp(code, *c))
                return table[g].group;
    return dflt;
}

ll_placement_group ll_derive_placement_group(const char *place)
{
    static const char *const foster[] = {"U4", "U5", "U6", NULL};
    static const char *const kinship[] = {"U1", "U2", "U3", NULL};
    static const char *const residential[] = {"K1", "K2", "R1", "S1", NULL};
    static const char *const semi[] = {"H5", "K3", "P2", NULL};
    static const char *const adoption[] = {"A3", "A4", "A5", "A6", NULL};
    static const char *const parents[] = {"P1", NULL};
    static const code_group T[] = {
        {LL_PG_FOSTER, foster},           {LL_PG_KINSHIP, kinship},
        {LL_PG_RESIDENTIAL, residential}, {LL_PG_SEMI_INDEPENDENT, semi},
        {LL_PG_ADOPTION, adoption},       {LL_PG_PARENTS, parents},
    };
    if (!place)
        return LL_PG_OTHER;
    return (ll_placement_group)group_of(place, T, sizeof T / sizeof *T, LL_PG_OTHER);
}

ll_ethnic_group ll_derive_ethnic_group(const char *e)
{
    static const char *const white[] = {"WBRI", "WIRI", "WIRT", "WOTH", "WROM", NULL};
    static const char *const mixed[] = {"MWBC", "MWBA", "MWAS", "MOTH", NULL};
    static const char *const asian[] = {"AIND", "APKN", "ABAN", "AOTH", NULL};
    static const char *const black[] = {"BCRB", "BAFR", "BOTH", NULL};
    static const char *const other[] = {"CHNE", "OOTH", NULL};
    static const code_group T[] = {
        {LL_ETHNIC_WHITE, white}, {LL_ETHNIC_MIXED, mixed}, {LL_ETHNIC_ASIAN, asian},
        {LL_ETHNIC_BLACK, black}, {LL_ETHNIC_OTHER, other},
    };
    if (!e)
        return LL_ETHNIC_UNKNOWN;
    /* REFU, NOBT, empty, and codes outside the list: unknown */
    return (ll_ethnic_group)group_of(e, T, sizeof T / sizeof *T, LL_ETHNIC_UNKNOWN);
}

/* ---- accessors ---------------------------------------------------------- */

const ll_config *ll_derive_config(const ll_derive_data *d)
{
    return &d->cfg;
}

int ll_derive_has_comparison_file(const ll_derive_data *d)
{
    return d->has_comparison_file;
}

size_t ll_derive_n_las(const ll_derive_data *d)
{
    return d->n_las;
}

const char *ll_derive_la_code(const ll_derive_data *d, size_t la)
{
    return d->las[la].code;
}

long ll_derive_data_end(const ll_derive_data *d, size_t la, int *year_out)
{
    if (year_out)
        *year_out = d->las[la].end_year;
    return d->las[la].end;
}

size_t ll_derive_n_children(const ll_derive_data *d)
{
    return d->n_children;
}

void ll_derive_child(ll_child_info *out, const ll_derive_data *d, size_t ci)
{
    const struct child *c = &d->children[ci];
    out->la = d->las[c->la].code;
    out->child = c->id;
    out->la_index = c->la;
    out->has_header = c->has_header;
    out->in_returns = c->has_header && c->ep_n > 0;
    out->short_breaks = c->short_breaks;
    out->programme = c->prog >= 0;
    out->treated = c->prog >= 0 && d->progs[c->prog].consent && d->progs[c->prog].start != NO_DAY;
    out->comparison = c->comp >= 0;
    out->n_episodes = c->ep_n;
    out->n_periods = c->per_n;
    out->n_spells = c->sp_n;
}

int ll_derive_find_child(size_t *out, const ll_derive_data *d, const char *la, const char *child)
{
    size_t lo = 0, hi = d->n_children;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct child *c = &d->children[mid];
        int r = strcmp(d->las[c->la].code, la);
        if (r == 0)
            r = strcmp(c->id, child);
        if (r == 0) {
            *out = mid;
            return LL_OK;
        }
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return LL_EDOM;
}

void ll_derive_episode(ll_episode_view *out, const ll_derive_data *d, size_t ci, size_t k)
{
    const struct child *c = &d->children[ci];
    const struct episode *e = &d->eps[c->ep_lo + k];
    const struct spell *s = &d->spells[e->spell];
    out->decom = e->decom;
    out->end = e->end;
    out->open = e->open;
    out->year = e->year;
    out->rne = e->rne;
    out->ls = e->ls;
    out->cin = e->cin;
    out->place = e->place;
    out->rec = e->rec;
    out->spell = e->spell - c->sp_lo;
    out->period = s->period - c->per_lo;
}

void ll_derive_period(ll_period_view *out, const ll_derive_data *d, size_t ci, size_t k)
{
    const struct child *c = &d->children[ci];
    const struct period *p = &d->periods[c->per_lo + k];
    out->start = p->start;
    out->end = p->end;
    out->open = p->open;
    out->first_episode = p->ep_lo - c->ep_lo;
    out->n_episodes = p->ep_n;
    out->first_spell = p->sp_lo - c->sp_lo;
    out->n_spells = p->sp_n;
}

void ll_derive_spell(ll_spell_view *out, const ll_derive_data *d, size_t ci, size_t k)
{
    const struct child *c = &d->children[ci];
    const struct spell *s = &d->spells[c->sp_lo + k];
    out->start = s->start;
    out->end = s->end;
    out->open = s->open;
    out->starts_with_move = s->move;
    out->group = (ll_placement_group)s->group;
    out->period = s->period - c->per_lo;
    out->first_episode = s->ep_lo - c->ep_lo;
    out->n_episodes = s->ep_n;
}

/* ---- day queries -------------------------------------------------------- */

long ll_derive_find_episode(const ll_derive_data *d, const struct child *c, long day)
{
    /* The kept episodes do not overlap: the only candidate is the last one
     * starting on or before day. */
    size_t lo = 0, hi = c->ep_n;
    const struct episode *e = &d->eps[c->ep_lo];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].decom <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || day >= e[lo - 1].end)
        return -1;
    return (long)(c->ep_lo + lo - 1);
}

int ll_derive_looked_after(const ll_derive_data *d, size_t ci, long day)
{
    return ll_derive_find_episode(d, &d->children[ci], day) >= 0;
}

/* Spells of the child overlapping [a, b). */
static int spells_overlapping(const ll_derive_data *d, const struct child *c, long a, long b)
{
    int n = 0;
    for (uint32_t k = c->sp_lo; k < c->sp_lo + c->sp_n; k++)
        n += d->spells[k].start < b && d->spells[k].end > a;
    return n;
}

static ll_legal_group legal_group(const char *ls)
{
    if (!strcmp(ls, "C1") || !strcmp(ls, "C2"))
        return LL_LEGAL_CARE_ORDER;
    if (!strcmp(ls, "V2"))
        return LL_LEGAL_S20;
    return LL_LEGAL_OTHER;
}

int ll_derive_ineligible_reason(const ll_config *cfg, const ll_covariates *v)
{
    int ls = ll_config_ls_index(v->ls);
    if (!(v->age_years < cfg->cohort.max_age))
        return LL_INELIGIBLE_AGE;
    if (!(v->years_in_care < cfg->cohort.max_years_in_care))
        return LL_INELIGIBLE_YEARS;
    if (cfg->cohort.excluded_placement_groups & (1u << v->placement_group))
        return LL_INELIGIBLE_GROUP;
    if (ls >= 0 && (cfg->cohort.excluded_legal_status & (1u << ls)))
        return LL_INELIGIBLE_LEGAL;
    return -1;
}

int ll_derive_covariates(ll_covariates *out, const ll_derive_data *d, size_t ci, long i)
{
    const struct child *c = &d->children[ci];
    long ei = ll_derive_find_episode(d, c, i);
    if (!c->has_header || ei < 0)
        return LL_EDOM;
    const struct episode *e = &d->eps[ei];
    const struct spell *s = &d->spells[e->spell];
    const struct period *p = &d->periods[s->period];
    ll_covariates v;
    memset(&v, 0, sizeof v);
    v.day = i;
    v.age_years = (double)(i - c->dob) / 365.25;
    v.male = c->sex == 1;
    v.ethnic_group = ll_derive_ethnic_group(c->ethnic);
    v.uasc = c->has_uasc && (c->duc == NO_DAY || c->duc > i);
    v.years_in_care = (double)(i - p->start) / 365.25;
    v.prior_placements = 0;
    for (uint32_t k = p->sp_lo; k < p->sp_lo + p->sp_n; k++)
        v.prior_placements += d->spells[k].start <= i;
    v.years_in_placement = (double)(i - s->start) / 365.25;
    v.placement_group = (ll_placement_group)s->group;
    v.legal_group = legal_group(e->ls);
    v.cin_n1 = !strcmp(e->cin, "N1");
    v.placements_before = spells_overlapping(d, c, i - 365, i);
    memcpy(v.ls, e->ls, sizeof v.ls);
    v.eligible = ll_derive_ineligible_reason(&d->cfg, &v) < 0;
    *out = v;
    return LL_OK;
}

int ll_derive_candidate(ll_covariates *out, const ll_derive_data *d, size_t ci, long day)
{
    const struct child *c = &d->children[ci];
    ll_covariates v;
    if (c->prog >= 0 || c->short_breaks || ll_derive_covariates(&v, d, ci, day) != LL_OK ||
        !v.eligible)
        return 0;
    if (out)
        *out = v;
    return 1;
}

/* ---- outcomes ----------------------------------------------------------- */

static void stability(ll_outcomes *o, const ll_derive_data *d, const struct child *c,
                      const struct period *p, long i, long f, long E)
{
    o->left_care = !p->open && p->end > i && p->end <= f;
    o->stable_12m_na = LL_NA_NONE;
    if (f > E) {
        o->stable_12m = LL_NA;
        o->stable_12m_na = LL_NA_FOLLOWUP_INCOMPLETE;
        return;
    }
    for (uint32_t k = c->sp_lo; k < c->sp_lo + c->sp_n; k++) {
        const struct spell *s = &d->spells[k];
        if (s->move && s->start > i && s->start <= f) {
            o->stable_12m = 0;
            return;
        }
    }
    if (o->left_care) {
        if (d->cfg.cohort.leavers == LL_LEAVERS_UNSTABLE) {
            o->stable_12m = 0;
        } else {
            o->stable_12m = LL_NA;
            o->stable_12m_na = LL_NA_LEFT_CARE;
        }
        return;
    }
    o->stable_12m = 1;
}

static void placements_after(ll_outcomes *o, const ll_derive_data *d, const struct child *c,
                             long i, long f, long E)
{
    if (f > E) {
        o->placements_after = LL_NA;
        o->after_na = LL_NA_FOLLOWUP_INCOMPLETE;
        for (int g = 0; g < LL_PG_N; g++)
            o->weeks_after[g] = NAN;
        return;
    }
    long days[LL_PG_N] = {0};
    o->placements_after = spells_overlapping(d, c, i, f);
    o->after_na = LL_NA_NONE;
    for (uint32_t k = c->sp_lo; k < c->sp_lo + c->sp_n; k++) {
        const struct spell *s = &d->spells[k];
        long a = s->start > i ? s->start : i;
        long b = s->end < f ? s->end : f;
        if (b > a)
            days[s->group] += b - a;
    }
    for (int g = 0; g < LL_PG_N; g++)
        o->weeks_after[g] = (double)days[g] / 7.0;
}

/* weeks_<g>_before: days in [i - 365, i) inside spells of each group, / 7
 * (days not looked after count nowhere). */
static void weeks_before(ll_outcomes *o, const ll_derive_data *d, const struct child *c, long i)
{
    long days[LL_PG_N] = {0};
    for (uint32_t k = c->sp_lo; k < c->sp_lo + c->sp_n; k++) {
        const struct spell *s = &d->spells[k];
        long a = s->start > i - 365 ? s->start : i - 365;
        long b = s->end < i ? s->end : i;
        if (b > a)
            days[s->group] += b - a;
    }
    for (int g = 0; g < LL_PG_N; g++)
        o->weeks_before[g] = (double)days[g] / 7.0;
}

/* The latest score dated in (lo, hi]. */
static int latest_score(const ll_derive_data *d, const struct child *c, long lo, long hi)
{
    if (c->sdq_n == 0) /* d->sdq may be NULL: no pointer arithmetic on it */
        return LL_NA;
    const struct dated_score *s = &d->sdq[c->sdq_lo];
    size_t a = 0, b = c->sdq_n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (s[mid].date <= hi)
            a = mid + 1;
        else
            b = mid;
    }
    return a > 0 && s[a - 1].date > lo ? s[a - 1].score : LL_NA;
}

static void care_leaver(ll_outcomes *o, const ll_derive_data *d, const struct child *c, long i)
{
    int counted = 0, last_age = 0;
    o->homeless_ever = o->homeless_time = o->homeless_event = LL_NA;
    o->homeless_na = LL_NA_NO_CARE_LEAVER_RECORD;
    for (uint32_t k = c->oc3_lo; k < c->oc3_lo + c->oc3_n; k++) {
        const struct oc3_row *r = &d->oc3[k];
        if (r->date <= i || r->accom[0] == '\0' || !strcmp(r->accom, "0"))
            continue;
        int letter = r->accom[0];
        if (letter >= 'A' && letter <= 'Z' && (d->cfg.cohort.homeless_accom & (1u << (letter - 'A')))) {
            o->homeless_ever = o->homeless_event = 1;
            o->homeless_time = r->age;
            o->homeless_na = LL_NA_NONE;
            return;
        }
        counted = 1;
        last_age = r->age;
    }
    if (counted) {
        o->homeless_ever = o->homeless_event = 0;
        o->homeless_time = last_age;
        o->homeless_na = LL_NA_NONE;
    }
}

int ll_derive_outcomes(ll_outcomes *out, const ll_derive_data *d, size_t ci, long i)
{
    const struct child *c = &d->children[ci];
    long E = d->las[c->la].end;
    long ei = ll_derive_find_episode(d, c, i);
    if (E == LL_NA || ei < 0)
        return LL_EDOM;
    const struct period *p = &d->periods[d->spells[d->eps[ei].spell].period];
    long f = i + 365;
    ll_outcomes o;
    memset(&o, 0, sizeof o);
    stability(&o, d, c, p, i, f, E);
    o.placements_before = spells_overlapping(d, c, i - 365, i);
    placements_after(&o, d, c, i, f, E);
    weeks_before(&o, d, c, i);
    for (int k = 0; k < 4; k++) {
        long lo = k == 0 ? i - 365 : i + 365L * (k - 1);
        long hi = k == 0 ? i : i + 365L * k;
        o.sdq[k] = latest_score(d, c, lo, hi);
    }
    care_leaver(&o, d, c, i);
    *out = o;
    return LL_OK;
}
