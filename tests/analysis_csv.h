/* Reading the worked examples' analysis.csv into the estimates' input,
 * shared by the estimate tests. */
#ifndef LLEVAL_TEST_ANALYSIS_CSV_H
#define LLEVAL_TEST_ANALYSIS_CSV_H

#include "csvutil.h"
#include "testutil.h"

#include "lleval/estimate.h"

#include <stdio.h>
#include <string.h>

#define MAXF 64

__attribute__((unused)) static int tu_col(char **h, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(h[i], name))
            return i;
    ck_abort_msg("no column %s", name);
    return -1;
}

static ll_placement_group tu_pgroup(const char *s)
{
    const char *names[] = {"foster", "kinship", "residential", "semi_independent",
                           "adoption", "parents", "other"};
    for (int g = 0; g < 7; g++)
        if (!strcmp(s, names[g]))
            return (ll_placement_group)g;
    ck_abort_msg("bad placement group %s", s);
    return LL_PG_OTHER;
}

/* Which rows tu_load_analysis keeps. */
enum {
    TU_COHORT,               /* SPEC 6: eligible, and with a match_id when matched */
    TU_ALL_ELIGIBLE_TREATED  /* every eligible treated child (comparison = none) */
};

/* Reads the rows `which` selects of an analysis.csv (the worked examples'
 * expected files, made by R and a separate implementation) into children;
 * returns how many. */
__attribute__((unused)) static size_t tu_load_analysis(const char *path, ll_est_child *out, size_t max, int which)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char head[4096], line[4096], *h[MAXF], *v[MAXF];
    ck_assert(fgets(head, sizeof head, f) != NULL);
    int nh = tu_csv_fields(head, h, MAXF);
    int has_match = nh > 35;
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        int nv = tu_csv_fields(line, v, MAXF);
        ck_assert_int_eq(nv, nh);
        if (strcmp(v[tu_col(h, nh, "eligible")], "1"))
            continue;
        if (which == TU_ALL_ELIGIBLE_TREATED ? strcmp(v[tu_col(h, nh, "group")], "treated") != 0
                                             : has_match && !*v[tu_col(h, nh, "match_id")])
            continue;
        ll_est_child *c = &out[n++];
        c->treated = !strcmp(v[tu_col(h, nh, "group")], "treated");
#define D(x) c->x = tu_num(v[tu_col(h, nh, #x)])
        D(age_years); D(male); D(years_in_care); D(prior_placements); D(years_in_placement);
        D(placements_before); D(stable_12m); D(placements_after); D(identity_improved);
        D(connections_before); D(connections_after); D(homeless_ever); D(homeless_time);
        D(homeless_event);
#undef D
        const char *wk[] = {"weeks_foster_after", "weeks_kinship_after", "weeks_residential_after",
                            "weeks_semi_independent_after", "weeks_adoption_after",
                            "weeks_parents_after", "weeks_other_after"};
        for (int g = 0; g < 7; g++)
            c->weeks_after[g] = tu_num(v[tu_col(h, nh, wk[g])]);
        const char *sq[] = {"sdq_0", "sdq_1", "sdq_2", "sdq_3"};
        for (int k = 0; k < 4; k++)
            c->sdq[k] = tu_num(v[tu_col(h, nh, sq[k])]);
        c->placement_group = tu_pgroup(v[tu_col(h, nh, "placement_group")]);
        const char *lg = v[tu_col(h, nh, "legal_group")];
        c->legal_group = !strcmp(lg, "care_order") ? LL_LEGAL_CARE_ORDER
                         : !strcmp(lg, "s20")      ? LL_LEGAL_S20
                                                   : LL_LEGAL_OTHER;
    }
    fclose(f);
    return n;
}

#endif
