/* Item-level SDQ scoring (SPEC 2.4): the standard scoring of the 25-item
 * Strengths and Difficulties Questionnaire, with prorating when at most two
 * items of a subscale are missing. */
#include "lleval/derive.h"

/* Items, 1-based, of each subscale: emotional, conduct, hyperactivity,
 * peer, prosocial. */
static const int SCALES[5][5] = {
    {3, 8, 13, 16, 24},
    {5, 7, 12, 18, 22},
    {2, 10, 15, 21, 25},
    {6, 11, 14, 19, 23},
    {1, 4, 9, 17, 20},
};

static int reversed(int item)
{
    return item == 7 || item == 11 || item == 14 || item == 21 || item == 25;
}

/* floor(mean * 5 + 0.5) over the answered items, in integers:
 * floor((10 * sum + n) / (2 * n)), so that halves round up exactly. */
static int subscale(const int q[25], const int items[5])
{
    int sum = 0, n = 0;
    for (int k = 0; k < 5; k++) {
        int v = q[items[k] - 1];
        if (v < 0 || v > 2)
            continue; /* missing (or not a valid answer) */
        sum += reversed(items[k]) ? 2 - v : v;
        n++;
    }
    if (n < 3)
        return LL_NA;
    return (10 * sum + n) / (2 * n);
}

void ll_sdq_score(ll_sdq_scores *out, const int q[25])
{
    int s[5];
    for (int k = 0; k < 5; k++)
        s[k] = subscale(q, SCALES[k]);
    out->emotional = s[0];
    out->conduct = s[1];
    out->hyperactivity = s[2];
    out->peer = s[3];
    out->prosocial = s[4];
    out->total = LL_NA;
    if (s[0] != LL_NA && s[1] != LL_NA && s[2] != LL_NA && s[3] != LL_NA)
        out->total = s[0] + s[1] + s[2] + s[3];
}
