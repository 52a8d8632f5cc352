/* Rows of the returns for one simulated child: the child's episodes cut
 * into the collection years they span (open until the year they close in,
 * as real returns are), Header and UASC rows for every year the child
 * appears, OC2 for children looked after for a year at 31 March, OC3 for
 * care leavers on their 17th to 21st birthdays, the programme record, the
 * comparison row and item-level SDQ.  Rows are built in a small buffer and
 * appended to the year's file, so nothing is kept between children. */
#include "synth_internal.h"

#include "lleval/date.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>


/* ---- a row under construction ---- */

typedef struct row {
    char b[512];
    size_t n;
} row;

static void r_raw(row *w, const char *s, size_t len)
{
    if (w->n + len < sizeof w->b) {
        memcpy(w->b + w->n, s, len);
        w->n += len;
    }
}

static void r_begin(row *w, long id)
{
    w->n = 0;
    char s[8];
    for (int i = 6; i >= 0; i--) {
        s[i] = (char)('0' + id % 10);
        id /= 10;
    }
    r_raw(w, s, 7);
}

static void r_s(row *w, const char *s)
{
    r_raw(w, ",", 1);
    r_raw(w, s, strlen(s));
}

static void r_i(row *w, long v)
{
    char s[24];
    int len = snprintf(s, sizeof s, ",%ld", v);
    r_raw(w, s, (size_t)len);
}

/* DD/MM/YYYY, or empty for a negative day. */
static void r_d(row *w, long day)
{
    if (day < 0) {
        r_raw(w, ",", 1);
        return;
    }
    int y, m, d;
    ll_date_to_ymd(day, &y, &m, &d);
    char s[11] = {',', (char)('0' + d / 10), (char)('0' + d % 10), '/', (char)('0' + m / 10),
                  (char)('0' + m % 10), '/', (char)('0' + y / 1000), (char)('0' + y / 100 % 10),
                  (char)('0' + y / 10 % 10), (char)('0' + y % 10)};
    r_raw(w, s, sizeof s);
}

static int r_end(row *w, FILE *f)
{
    r_raw(w, "\n", 1);
    return fwrite(w->b, 1, w->n, f) == w->n ? LL_OK : LL_EIO;
}

/* ---- table headers ---- */

static const char *const HEAD[TAB_N] = {
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n",
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
    "CHILD,SEX,DOB,DUC\n",
    ("CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
     "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"),
    "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"};

int syn_write_table_headers(syn_ctx *x)
{
    for (int y = 0; y < x->ny; y++)
        for (int t = 0; t < TAB_N; t++)
            if (fputs(HEAD[t], x->f[y][t]) == EOF)
                return LL_EIO;
    if (fputs("CHILD,REFERRAL_DATE,CONSENT,START_DATE,FGC_DATE,END_DATE,CONNECTIONS_BEFORE,"
              "CONNECTIONS_AFTER,IDENTITY_IMPROVED\n", x->links) == EOF)
        return LL_EIO;
    if (x->cmp && fputs("CHILD,INDEX_DATE\n", x->cmp) == EOF)
        return LL_EIO;
    if (x->sdq) {
        char h[400] = "CHILD,DATE,INFORMANT";
        for (int q = 1; q <= 25; q++)
            snprintf(h + strlen(h), sizeof h - strlen(h), ",Q%d", q);
        strcat(h, ",EBDDIFF,DISTRES,IMPHOME,IMPFRIE,IMPCLAS,IMPLEIS\n");
        if (fputs(h, x->sdq) == EOF)
            return LL_EIO;
    }
    return LL_OK;
}

/* ---- collection years ---- */

static long year_start(int year)
{
    return ll_date_from_ymd(year - 1, 4, 1);
}

static long year_end(int year)
{
    return ll_date_from_ymd(year, 3, 31);
}

/* The child's birthday in collection year `year` and the age reached. */
static long birthday_in_year(const syn_child *c, int year, int *age)
{
    int yb, mb;
    ll_date_to_ymd(c->dob, &yb, &mb, NULL);
    int cal = mb >= 4 ? year - 1 : year;
    *age = cal - yb;
    return syn_birthday(c->dob, *age);
}

/* 1 if the child has an OC3 row in `year`. */
static int has_oc3(const syn_child *c, int year)
{
    if (!c->care_leaver)
        return 0;
    int age;
    long b = birthday_in_year(c, year, &age);
    return age >= 17 && age <= 21 && b >= c->leave_day;
}

static int episode_in_year(const syn_episode *e, long ys, long ye)
{
    return e->decom <= ye && (e->dec == SYN_OPEN || e->dec >= ys);
}

int syn_child_in_window(const syn_ctx *x, const syn_child *c)
{
    for (size_t i = 0; i < c->n_ep; i++)
        if (episode_in_year(&c->ep[i], x->w0, x->e))
            return 1;
    for (int y = 0; y < x->ny; y++)
        if (has_oc3(c, x->p->year_first + y))
            return 1;
    return 0;
}

/* ---- rows ---- */

static int write_episodes(syn_ctx *x, const syn_child *c, int yi, long *written)
{
    long ys = year_start(x->p->year_first + yi), ye = year_end(x->p->year_first + yi);
    FILE *f = x->f[yi][TAB_EPISODES];
    row w;
    *written = 0;
    for (size_t i = 0; i < c->n_ep; i++) {
        const syn_episode *e = &c->ep[i];
        if (!episode_in_year(e, ys, ye))
            continue;
        int closed = e->dec != SYN_OPEN && e->dec <= ye;
        const syn_carer *k = e->carer >= 0 ? &c->carers[e->carer] : NULL;
        r_begin(&w, c->id);
        r_d(&w, e->decom);
        r_s(&w, syn_rne_code[e->rne]);
        r_s(&w, syn_ls_code[e->ls]);
        char cin[3] = {'N', (char)('1' + e->cin), '\0'};
        r_s(&w, cin);
        r_s(&w, syn_place_code[e->place]);
        r_s(&w, syn_provider_code[e->provider]);
        r_d(&w, closed ? e->dec : -1);
        r_s(&w, closed ? syn_rec_code[e->rec] : "");
        r_s(&w, closed ? syn_rpc_code[e->rpc] : "");
        r_s(&w, c->home_post);
        r_s(&w, k ? k->post : "");
        r_s(&w, k ? k->urn : "");
        if (r_end(&w, f))
            return LL_EIO;
        (*written)++;
    }
    x->sum.episode_rows += *written;
    return LL_OK;
}

static int write_header(syn_ctx *x, const syn_child *c, int yi)
{
    long ye = year_end(x->p->year_first + yi);
    row w;
    r_begin(&w, c->id);
    r_i(&w, c->male ? 1 : 2);
    r_d(&w, c->dob);
    r_s(&w, syn_ethnic_code(c->ethnic));
    r_s(&w, c->upn);
    /* MOTHER is recorded for girls of 12 and over, MC_DOB only for mothers */
    if (!c->male && syn_age_years(c->dob, ye) >= 12) {
        int mother = c->mother_day >= 0 && c->mother_day <= ye;
        r_s(&w, mother ? "1" : "0");
        r_d(&w, mother ? c->mother_day : -1);
    } else {
        r_s(&w, "");
        r_s(&w, "");
    }
    if (r_end(&w, x->f[yi][TAB_HEADER]))
        return LL_EIO;
    x->sum.header_rows++;
    if (!c->uasc)
        return LL_OK;
    r_begin(&w, c->id);
    r_i(&w, c->male ? 1 : 2);
    r_d(&w, c->dob);
    r_d(&w, c->duc);
    x->sum.uasc_rows++;
    return r_end(&w, x->f[yi][TAB_UASC]);
}

/* The episode covering day d, or NULL. */
static const syn_episode *covering(const syn_child *c, long d)
{
    for (size_t i = 0; i < c->n_ep; i++)
        if (c->ep[i].decom <= d && (c->ep[i].dec == SYN_OPEN || c->ep[i].dec > d))
            return &c->ep[i];
    return NULL;
}

/* SDQ total at 31 March: the child's own level, drifting up with time in
 * care and with recent moves, and down after the programme starts. */
static int sdq_score(syn_ctx *x, const syn_child *c, long pstart, long ye)
{
    int moves = 0;
    for (size_t i = 1; i < c->n_ep; i++)
        if (c->ep[i].decom > ye - 365 && c->ep[i].decom <= ye && syn_is_move(c, i))
            moves++;
    double yic = (double)(ye - pstart) / 365.25;
    double v = c->sdq_base + 0.25 * (yic < 8 ? yic : 8) + 0.8 * moves;
    if (c->start >= 0 && c->start <= ye) {
        double since = (double)(ye - c->start) / 365.25;
        v += x->p->effect_sdq * (since < 3 ? since : 3);
    }
    v += gsl_ran_gaussian(x->rng, 2.5);
    long s = lround(v);
    return (int)(s < 0 ? 0 : s > 40 ? 40 : s);
}

/* Q1-Q25 answers whose total difficulties score is `total` (0-40):
 * difficulty points are spread over the 20 problem items, then the five
 * reversed items are stored reversed. */
static void sdq_items_for(gsl_rng *r, int total, int q[25])
{
    static const int PROBLEM[20] = {3, 8, 13, 16, 24, 5, 7, 12, 18, 22,
                                    2, 10, 15, 21, 25, 6, 11, 14, 19, 23};
    static const int PROSOCIAL[5] = {1, 4, 9, 17, 20};
    int d[20] = {0};
    for (int k = 0; k < total && k < 40; k++) {
        int j;
        do
            j = (int)gsl_rng_uniform_int(r, 20);
        while (d[j] == 2);
        d[j]++;
    }
    for (int j = 0; j < 20; j++) {
        int item = PROBLEM[j];
        int rev = item == 7 || item == 11 || item == 14 || item == 21 || item == 25;
        q[item - 1] = rev ? 2 - d[j] : d[j];
    }
    for (int j = 0; j < 5; j++) {
        double u = gsl_rng_uniform(r);
        q[PROSOCIAL[j] - 1] = u < 0.15 ? 0 : u < 0.55 ? 1 : 2;
    }
    /* now and then one item left blank (the subscale is prorated) */
    if (gsl_rng_uniform(r) < 0.03)
        q[PROBLEM[gsl_rng_uniform_int(r, 20)] - 1] = -1;
}

static int write_sdq_row(syn_ctx *x, const syn_child *c, long date, char informant, int total)
{
    gsl_rng *r = x->items;
    int q[25];
    sdq_items_for(r, total, q);
    row w;
    r_begin(&w, c->id);
    r_d(&w, date);
    char inf[2] = {informant, '\0'};
    r_s(&w, inf);
    for (int i = 0; i < 25; i++) {
        if (q[i] < 0)
            r_s(&w, "");
        else
            r_i(&w, q[i]);
    }
    int level = total < 14 ? 0 : total < 17 ? 1 : 2;
    for (int i = 0; i < 6; i++) {
        int v = level + (int)gsl_rng_uniform_int(r, 2);
        r_i(&w, v > 3 ? 3 : v);
    }
    x->sum.sdq_rows++;
    return r_end(&w, x->sdq);
}

/* Item-level questionnaires behind an annual score: the carer's, and some
 * from a teacher and from children of 11 and over. */
static int write_sdq_items(syn_ctx *x, const syn_child *c, long ye, int total, int age)
{
    gsl_rng *r = x->items;
    int st = write_sdq_row(x, c, ye - (long)gsl_rng_uniform_int(r, 120), 'P', total);
    if (st == LL_OK && gsl_rng_uniform(r) < 0.3) {
        long t = lround(total + gsl_ran_gaussian(r, 3));
        st = write_sdq_row(x, c, ye - (long)gsl_rng_uniform_int(r, 120), 'T',
                           (int)(t < 0 ? 0 : t > 40 ? 40 : t));
    }
    if (st == LL_OK && age >= 11 && gsl_rng_uniform(r) < 0.4) {
        long t = lround(total + gsl_ran_gaussian(r, 3.5));
        st = write_sdq_row(x, c, ye - (long)gsl_rng_uniform_int(r, 120), 'S',
                           (int)(t < 0 ? 0 : t > 40 ? 40 : t));
    }
    return st;
}

static const char *flag(gsl_rng *r, double p)
{
    return gsl_rng_uniform(r) < p ? "1" : "0";
}

/* OC2 for a child looked after throughout the year to 31 March. */
static int write_oc2(syn_ctx *x, const syn_child *c, int yi)
{
    long ys = year_start(x->p->year_first + yi), ye = year_end(x->p->year_first + yi);
    const syn_episode *e = covering(c, ye);
    if (c->short_breaks || e == NULL || e->pstart > ys)
        return LL_OK;
    gsl_rng *r = x->rng;
    int age = syn_age_years(c->dob, ye);
    row w;
    r_begin(&w, c->id);
    r_d(&w, c->dob);
    int score = -1;
    if (age >= 4 && age <= 16) {
        static const syn_wt REASON[] = {{2, 30}, {3, 10}, {4, 35}, {5, 25}};
        double p_missing = c->cin == 1 ? 0.3 : 0.13;
        if (gsl_rng_uniform(r) < p_missing) {
            char reason[5] = {'S', 'D', 'Q', (char)('0' + SYN_PICK(r, REASON)), '\0'};
            r_s(&w, "");
            r_s(&w, reason);
        } else {
            score = sdq_score(x, c, e->pstart, ye);
            r_i(&w, score);
            r_s(&w, "");
        }
    } else {
        r_s(&w, "");
        r_s(&w, "");
    }
    int older = age >= 10;
    r_s(&w, older ? flag(r, 0.04) : "0");
    r_s(&w, flag(r, 0.9));
    r_s(&w, flag(r, 0.85));
    r_s(&w, flag(r, 0.85));
    r_s(&w, flag(r, 0.88));
    int misuse = older && gsl_rng_uniform(r) < 0.04;
    r_s(&w, misuse ? "1" : "0");
    r_s(&w, misuse ? flag(r, 0.6) : "");
    r_s(&w, misuse ? flag(r, 0.4) : "");
    if (r_end(&w, x->f[yi][TAB_OC2]))
        return LL_EIO;
    x->sum.oc2_rows++;
    if (x->sdq && score >= 0)
        return write_sdq_items(x, c, ye, score, age);
    return LL_OK;
}

/* OC3 on a care leaver's birthday: in touch, activity, accommodation.
 * Homelessness (ACCOM S, V, W) is likelier for less stable young people
 * and less likely after the programme. */
static int write_oc3(syn_ctx *x, const syn_child *c, int yi)
{
    static const syn_wt TOUCH[] = {{0, 86}, {1, 5}, {2, 4}, {3, 3}, {4, 2}};
    static const char *const TOUCH_CODE[] = {"YES", "NO", "NREQ", "RHOM", "REFU"};
    static const char *const ACTIV[] = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6"};
    static const syn_wt ACTIV_W[] = {{0, 6}, {1, 1}, {2, 20}, {3, 4}, {4, 6}, {5, 2},
                                     {6, 12}, {7, 7}, {8, 7}, {9, 28}, {10, 7}};
    static const syn_wt HOMELESS[] = {{'S', 35}, {'V', 40}, {'W', 25}};
    static const syn_wt HOUSED[] = {{'B', 12}, {'C', 3}, {'D', 15}, {'E', 8}, {'G', 0.5},
                                    {'H', 0.2}, {'K', 4}, {'R', 1}, {'T', 3}, {'U', 30},
                                    {'X', 3}, {'Y', 5}, {'Z', 12}};
    gsl_rng *r = x->rng;
    int age;
    long b = birthday_in_year(c, x->p->year_first + yi, &age);
    row w;
    r_begin(&w, c->id);
    r_d(&w, c->dob);
    int touch = SYN_PICK(r, TOUCH);
    r_s(&w, TOUCH_CODE[touch]);
    if (touch != 0) {
        r_s(&w, "0");
        r_s(&w, "0");
    } else {
        r_s(&w, ACTIV[SYN_PICK(r, ACTIV_W)]);
        double p = 0.06 * exp(0.5 * c->z);
        if (c->start >= 0 && c->start < b)
            p *= x->p->effect_homeless;
        char accom[3];
        if (gsl_rng_uniform(r) < (p < 0.9 ? p : 0.9)) {
            accom[0] = (char)SYN_PICK(r, HOMELESS);
            accom[1] = gsl_rng_uniform(r) < 0.75 ? '2' : '1';
        } else {
            accom[0] = (char)SYN_PICK(r, HOUSED);
            accom[1] = gsl_rng_uniform(r) < 0.9 ? '1' : '2';
        }
        accom[2] = '\0';
        r_s(&w, accom);
    }
    x->sum.oc3_rows++;
    return r_end(&w, x->f[yi][TAB_OC3]);
}

static int write_programme(syn_ctx *x, const syn_child *c)
{
    row w;
    if (c->referred) {
        r_begin(&w, c->id);
        r_d(&w, c->referral);
        r_s(&w, c->consent ? "Y" : "N");
        int started = c->start >= 0;
        r_d(&w, started ? c->start : -1);
        r_d(&w, started ? c->fgc : -1);
        r_d(&w, started ? c->end : -1);
        if (started)
            r_i(&w, c->conn_before);
        else
            r_s(&w, "");
        int closed = started && c->end >= 0;
        if (closed) {
            r_i(&w, c->conn_after);
            r_s(&w, c->identity ? "Y" : "N");
        } else {
            r_s(&w, "");
            r_s(&w, "");
        }
        if (r_end(&w, x->links))
            return LL_EIO;
        x->sum.referred++;
        x->sum.consented += c->consent;
        x->sum.treated += started;
    }
    if (c->cmp_index >= 0) {
        x->sum.comparison++;
        if (x->cmp) {
            r_begin(&w, c->id);
            r_d(&w, c->cmp_index);
            if (r_end(&w, x->cmp))
                return LL_EIO;
        }
    }
    return LL_OK;
}

int syn_write_child(syn_ctx *x, syn_child *c)
{
    for (int yi = 0; yi < x->ny; yi++) {
        long n_ep;
        if (write_episodes(x, c, yi, &n_ep))
            return LL_EIO;
        int oc3 = has_oc3(c, x->p->year_first + yi);
        if (n_ep == 0 && !oc3)
            continue;
        if (write_header(x, c, yi))
            return LL_EIO;
        if (oc3 && write_oc3(x, c, yi))
            return LL_EIO;
        if (n_ep > 0 && write_oc2(x, c, yi))
            return LL_EIO;
    }
    return write_programme(x, c);
}
