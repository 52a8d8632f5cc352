/* The document model of the report: headings, paragraphs, warnings, tables
 * and charts in order.  One model, two renderers (report/html.c and
 * report/markdown.c), so that report.html and report.md say the same. */
#include "doc.h"

#include <string.h>

static rp_block *add_block(rp_doc *d, rp_kind kind)
{
    rp_block *b = rp_alloc(d->arena, sizeof *b);
    if (b == NULL)
        return NULL;
    b->kind = kind;
    b->text = "";
    if (d->last)
        d->last->next = b;
    else
        d->first = b;
    d->last = b;
    return b;
}

/* A block of kind with its text formatted. */
static void text_block(rp_doc *d, rp_kind kind, const char *id, const char *fmt, va_list ap)
{
    rp_block *b = add_block(d, kind);
    if (b == NULL)
        return;
    b->text = rp_vprintf(d->arena, fmt, ap);
    b->id = id;
}

void rp_heading(rp_doc *d, rp_kind level, const char *id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_block(d, level, id, fmt, ap);
    va_end(ap);
}

void rp_para(rp_doc *d, rp_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_block(d, kind, NULL, fmt, ap);
    va_end(ap);
}

void rp_pre(rp_doc *d, const char *text)
{
    rp_block *b = add_block(d, RB_PRE);
    if (b != NULL)
        b->text = text;
}

rp_table *rp_table_new(rp_doc *d, const char *caption, size_t ncol, ...)
{
    rp_block *b = add_block(d, RB_TABLE);
    rp_table *t = rp_alloc(d->arena, sizeof *t);
    char **head = rp_alloc(d->arena, (ncol + 1) * sizeof *head);
    if (b == NULL || t == NULL || head == NULL)
        return NULL;
    va_list ap;
    va_start(ap, ncol);
    for (size_t c = 0; c < ncol; c++)
        head[c] = rp_strdup(d->arena, va_arg(ap, const char *));
    va_end(ap);
    t->ncol = ncol;
    t->head = head;
    t->caption = caption;
    t->arena = d->arena;
    b->table = t;
    return t;
}

void rp_table_row(rp_table *t, ...)
{
    if (t == NULL)
        return;
    rp_arena *a = t->arena;
    rp_row *r = rp_alloc(a, sizeof *r);
    char **cell = rp_alloc(a, (t->ncol + 1) * sizeof *cell);
    if (r == NULL || cell == NULL)
        return;
    va_list ap;
    va_start(ap, t);
    for (size_t c = 0; c < t->ncol; c++) {
        const char *s = va_arg(ap, const char *);
        cell[c] = rp_strdup(a, s ? s : "");
    }
    va_end(ap);
    r->cell = cell;
    if (t->last)
        t->last->next = r;
    else
        t->rows = r;
    t->last = r;
    t->nrow++;
}

void rp_chart_ref(rp_doc *d, const char *name)
{
    rp_block *b = add_block(d, RB_CHART);
    if (b != NULL)
        b->id = name;
}

rp_chart *rp_chart_find(const rp_doc *d, const char *name)
{
    for (rp_chart *c = d->charts; c != NULL; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}
