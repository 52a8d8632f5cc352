/* report.md: the same document as report.html in Markdown (CommonMark with
 * pipe tables), charts referenced as charts/<name>.png. */
#include "doc.h"

#include <string.h>

/* Text with Markdown's special characters escaped; markers become ** or
 * nothing. */
static void md_text(FILE *f, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '\x03' || *p == '\x04')
            fputs("**", f);
        else if ((unsigned char)*p < 0x20 || *p == 0x7f)
            continue;
        else {
            if (strchr("\\`*_[]<>|#", *p))
                fputc('\\', f);
            fputc(*p, f);
        }
    }
}

/* One row's cells: " text |" each. */
static void md_cells(FILE *f, const rp_table *t, char *const *cell)
{
    for (size_t c = 0; c < t->ncol; c++) {
        fputc(' ', f);
        md_text(f, cell[c]);
        fputs(" |", f);
    }
}

static void md_table(FILE *f, const rp_table *t)
{
    if (t->caption) {
        fputs("\n**", f);
        md_text(f, t->caption);
        fputs("**\n", f);
    }
    fputs("\n|", f);
    md_cells(f, t, t->head);
    fputs("\n|", f);
    for (size_t c = 0; c < t->ncol; c++)
        fputs((t->numeric >> c) & 1u ? " ---: |" : " --- |", f);
    fputc('\n', f);
    for (const rp_row *r = t->rows; r != NULL; r = r->next) {
        fputc('|', f);
        md_cells(f, t, r->cell);
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void md_chart(FILE *f, const rp_doc *d, const rp_block *b)
{
    const rp_chart *c = rp_chart_find(d, b->id);
    if (c == NULL)
        return;
    if (c->svg != NULL) {
        fputs("\n![", f);
        md_text(f, c->title);
        fprintf(f, "](charts/%s.png)\n\n", c->name);
    } else {
        fputs("\n> Chart not drawn: ", f);
        md_text(f, d->charts_missing ? d->charts_missing : "gnuplot failed");
        fprintf(f, " (script charts/%s.gp, data charts/%s.dat).\n\n", c->name, c->name);
    }
    fputc('*', f);
    md_text(f, c->title);
    if (c->alt && c->alt[0]) {
        fputs(". ", f);
        md_text(f, c->alt);
    }
    fputs("*\n\n", f);
}

static void md_block(FILE *f, const rp_doc *d, const rp_block *b, int *in_list)
{
    if (b->kind != RB_ITEM && *in_list) {
        fputc('\n', f);
        *in_list = 0;
    }
    switch (b->kind) {
    case RB_H1: fputs("# ", f); md_text(f, b->text); fputs("\n\n", f); break;
    case RB_H2: fputs("\n## ", f); md_text(f, b->text); fputs("\n\n", f); break;
    case RB_H3: fputs("\n### ", f); md_text(f, b->text); fputs("\n\n", f); break;
    case RB_P: md_text(f, b->text); fputs("\n\n", f); break;
    case RB_WARN: fputs("> **Warning.** ", f); md_text(f, b->text); fputs("\n\n", f); break;
    case RB_NOTE: fputs("> ", f); md_text(f, b->text); fputs("\n\n", f); break;
    case RB_ITEM:
        *in_list = 1;
        fputs("- ", f);
        md_text(f, b->text);
        fputc('\n', f);
        break;
    case RB_TABLE: md_table(f, b->table); break;
    case RB_CHART: md_chart(f, d, b); break;
    case RB_PRE:
        fputs("```\n", f);
        for (const char *p = b->text; *p; p++)
            if (*p == '\n' || ((unsigned char)*p >= 0x20 && *p != '`'))
                fputc(*p, f);
        fputs("\n```\n\n", f);
        break;
    }
}

int rp_write_md(FILE *f, const rp_doc *d)
{
    int in_list = 0;
    for (const rp_block *b = d->first; b != NULL; b = b->next)
        md_block(f, d, b, &in_list);
    if (in_list)
        fputc('\n', f);
    return ferror(f) ? LL_EIO : LL_OK;
}
