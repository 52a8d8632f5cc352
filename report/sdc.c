/* Disclosure control (SPEC 8): primary suppression of small counts and the
 * secondary suppression that stops a hidden count being recovered from a
 * total by subtraction. */
#include "lleval/report.h"

#include <stdlib.h>

/* Applies the secondary rule to one line; 1 when it hid a cell. */
static int fix_line(unsigned char *flag, const long *value, const ll_sdc_line *l)
{
    size_t hidden = flag[l->total] != LL_SDC_SHOWN;
    for (size_t k = 0; k < l->n; k++)
        hidden += flag[l->cells[k]] != LL_SDC_SHOWN;
    if (hidden != 1)
        return 0;
    size_t best = (size_t)-1;
    for (size_t k = 0; k < l->n; k++) {
        size_t c = l->cells[k];
        if (flag[c] != LL_SDC_SHOWN || value[c] == 0)
            continue;
        if (best == (size_t)-1 || value[c] < value[best])
            best = c;
    }
    if (best == (size_t)-1) {
        if (flag[l->total] != LL_SDC_SHOWN)
            return 0; /* the total is the hidden one and every member is 0 */
        best = l->total;
    }
    flag[best] = LL_SDC_SECONDARY;
    return 1;
}

size_t ll_report_suppress(unsigned char *flag, const long *value, size_t n_cells,
                          const ll_sdc_line *lines, size_t n_lines, int min_cell)
{
    for (size_t i = 0; i < n_cells; i++)
        if (flag[i] == LL_SDC_SHOWN && value[i] >= 1 && value[i] <= min_cell)
            flag[i] = LL_SDC_PRIMARY;
    size_t added = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t k = 0; k < n_lines; k++)
            if (fix_line(flag, value, &lines[k])) {
                changed = 1;
                added++;
            }
    }
    return added;
}

size_t ll_report_suppress_grid(unsigned char *flag, const long *value, size_t nrow, size_t ncol,
                               int row_totals, int col_totals, int min_cell)
{
    size_t nl = (row_totals ? nrow : 0) + (col_totals ? ncol : 0), k = 0;
    ll_sdc_line *lines = malloc((nl + 1) * sizeof *lines);
    size_t *idx = malloc((nl * (nrow + ncol) + 1) * sizeof *idx), *p = idx;
    if (lines == NULL || idx == NULL) {
        free(lines);
        free(idx);
        ll_report_suppress(flag, value, nrow * ncol, NULL, 0, min_cell);
        return (size_t)-1;
    }
    for (size_t r = 0; row_totals && ncol > 0 && r < nrow; r++) {
        lines[k] = (ll_sdc_line){p, ncol - 1, r * ncol + ncol - 1};
        for (size_t c = 0; c + 1 < ncol; c++)
            *p++ = r * ncol + c;
        k++;
    }
    for (size_t c = 0; col_totals && nrow > 0 && c < ncol; c++) {
        lines[k] = (ll_sdc_line){p, nrow - 1, (nrow - 1) * ncol + c};
        for (size_t r = 0; r + 1 < nrow; r++)
            *p++ = r * ncol + c;
        k++;
    }
    size_t added = ll_report_suppress(flag, value, nrow * ncol, lines, k, min_cell);
    free(lines);
    free(idx);
    return added;
}
