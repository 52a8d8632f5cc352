/* Every count the report publishes, in one register, so that disclosure
 * control runs once over all of them.  The same number often appears in
 * several tables (the children with a known stability outcome are a flow
 * row and the n of an estimate; the matched children are in the flow, the
 * sample sizes and Table 1's header): such cells are linked, a link being a
 * line of one member whose total is the other cell, so that hiding one
 * hides the other.  Without the links a number withheld in one table could
 * be read off another, or worked out from one table's totals using
 * another's. */
#include "disclosure.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (q == NULL)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

size_t rp_cell_add(rp_cells *c, long v)
{
    if (c->nomem || !grow((void **)&c->val, &c->cap_val, c->n + 1, sizeof *c->val)) {
        c->nomem = 1;
        return RP_NOCELL;
    }
    c->val[c->n] = v < 0 ? 0 : v;
    return c->n++;
}

void rp_cell_line(rp_cells *c, const size_t *members, size_t n, size_t total)
{
    if (c->nomem || total == RP_NOCELL)
        return;
    if (!grow((void **)&c->mem, &c->cap_mem, c->nmem + n, sizeof *c->mem) ||
        !grow((void **)&c->line, &c->cap_line, c->nl + 1, sizeof *c->line)) {
        c->nomem = 1;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (members[i] != RP_NOCELL)
            c->mem[c->nmem + k++] = members[i];
    /* cells holds an offset until the run, when mem stops moving */
    c->line[c->nl++] = (ll_sdc_line){(const size_t *)(uintptr_t)c->nmem, k, total};
    c->nmem += k;
}

void rp_cell_link(rp_cells *c, size_t a, size_t b)
{
    if (a == RP_NOCELL || b == RP_NOCELL || a == b)
        return;
    rp_cell_line(c, &a, 1, b);
}

int rp_cells_run(rp_cells *c, int min_cell)
{
    if (c->nomem)
        return LL_ENOMEM;
    unsigned char *flag = calloc(c->n + 1, 1);
    if (flag == NULL)
        return LL_ENOMEM;
    for (size_t k = 0; k < c->nl; k++)
        c->line[k].cells = c->mem + (uintptr_t)c->line[k].cells;
    ll_report_suppress(flag, c->val, c->n, c->line, c->nl, min_cell);
    free(c->flag);
    c->flag = flag;
    return LL_OK;
}

int rp_cell_hidden(const rp_cells *c, size_t i)
{
    return i != RP_NOCELL && c->flag != NULL && i < c->n && c->flag[i] != LL_SDC_SHOWN;
}

int rp_cell_primary(const rp_cells *c, size_t i)
{
    return i != RP_NOCELL && c->flag != NULL && i < c->n && c->flag[i] == LL_SDC_PRIMARY;
}

long rp_cell_value(const rp_cells *c, size_t i)
{
    return i != RP_NOCELL && i < c->n ? c->val[i] : 0;
}

void rp_cells_free(rp_cells *c)
{
    free(c->val);
    free(c->flag);
    free(c->mem);
    free(c->line);
    memset(c, 0, sizeof *c);
}
