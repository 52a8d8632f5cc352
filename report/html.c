/* report.html: one self-contained page.  The markup is polyglot (well-formed
 * XML as well as HTML5) so that a strict parser can check it; every text is
 * escaped here, charts are gnuplot's SVG inlined, styles are inline, and
 * nothing refers outside the page. */
#include "doc.h"

#include <string.h>

static const char *CSS =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;"
    "background:#fff;margin:0;line-height:1.45}\n"
    "main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 3rem}\n"
    "h1{font-size:1.8rem;margin:1rem 0 .3rem}h2{font-size:1.4rem;border-bottom:2px solid #333;"
    "padding-bottom:.2rem;margin-top:2.2rem}h3{font-size:1.15rem;margin-top:1.6rem}\n"
    "p,li{max-width:48rem}\n"
    ".n{font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".warn{border-left:6px solid #8a1c1c;background:#fbeaea;padding:.5rem .8rem;"
    "max-width:48rem}\n"
    ".note{border-left:6px solid #555;background:#f2f2f2;padding:.5rem .8rem;max-width:48rem}\n"
    ".headline li{margin:.4rem 0}\n"
    ".tw{overflow-x:auto;margin:.8rem 0}\n"
    "table{border-collapse:collapse;font-size:.9rem}caption{text-align:left;font-weight:600;"
    "padding:.3rem 0}\n"
    "th,td{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top}th{background:#eee}"
    "td.num,th.num{text-align:right}\n"
    "figure{margin:1rem 0;page-break-inside:avoid}figure svg{max-width:100%;height:auto}"
    "figcaption{font-size:.9rem;color:#333}\n"
    "pre{white-space:pre-wrap;font-size:.8rem;background:#f6f6f6;padding:.5rem}\n"
    "nav ul.toc{columns:2;list-style:none;padding-left:0}\n"
    /* Print (SPEC 8): A4; each numbered section on a new page, the summary
     * straight after the contents; no chart or table split across pages;
     * the contents as a plain list. */
    "@page{size:A4;margin:15mm 14mm 16mm}\n"
    "@media print{body{font-size:9.5pt;line-height:1.3}main{max-width:none;padding:0}"
    "p,li{max-width:none;margin:.25rem 0}h2{margin-top:1rem}h3{margin:.7rem 0 .2rem}"
    "h1{margin-top:0}main>h2{break-before:page;page-break-before:always}"
    "main>h2#summary{break-before:auto;page-break-before:auto}"
    "h2,h3,caption{break-after:avoid;page-break-after:avoid}"
    "table,figure,.tw,tr,li,p{break-inside:avoid;page-break-inside:avoid}"
    ".tw{overflow:visible}figure svg{max-height:125mm;width:auto}"
    "figure#chart-subgroups svg{max-height:95mm}"
    ".warn,.note{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "nav ul.toc{columns:1;list-style:disc;padding-left:1.2rem;margin:.2rem 0}"
    "nav ul.toc li{margin:0}nav h2{border:0;margin-top:.8rem;font-size:1.1rem}"
    "figcaption{font-size:.9em}"
    "a{color:inherit;text-decoration:none}}\n";

/* Escapes s for HTML text and attributes and turns the inline markers into
 * elements. */
void rp_html_text(FILE *f, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\x01': fputs("<span class=\"n\">", f); break;
        case '\x02': fputs("</span>", f); break;
        case '\x03': fputs("<strong>", f); break;
        case '\x04': fputs("</strong>", f); break;
        default:
            if ((unsigned char)*p >= 0x20 && *p != 0x7f)
                fputc(*p, f);
        }
    }
}

/* Plain text for attributes: markers dropped. */
static void attr_text(FILE *f, const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20)
            continue;
        char one[2] = {*p, 0};
        rp_html_text(f, one);
    }
}

/* One row's cells, each opened with num or open (numeric column or not). */
static void cells(FILE *f, const rp_table *t, char *const *cell, const char *num,
                  const char *open, const char *close)
{
    for (size_t c = 0; c < t->ncol; c++) {
        fputs((t->numeric >> c) & 1u ? num : open, f);
        rp_html_text(f, cell[c]);
        fputs(close, f);
    }
}

static void html_table(FILE *f, const rp_table *t)
{
    fputs("<div class=\"tw\"><table>\n", f);
    if (t->caption) {
        fputs("<caption>", f);
        rp_html_text(f, t->caption);
        fputs("</caption>\n", f);
    }
    fputs("<thead><tr>", f);
    cells(f, t, t->head, "<th scope=\"col\" class=\"num\">", "<th scope=\"col\">", "</th>");
    fputs("</tr></thead>\n<tbody>\n", f);
    for (const rp_row *r = t->rows; r != NULL; r = r->next) {
        fputs("<tr>", f);
        cells(f, t, r->cell, "<td class=\"num\">", "<td>", "</td>");
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

static void html_chart(FILE *f, const rp_doc *d, const rp_block *b)
{
    const rp_chart *c = rp_chart_find(d, b->id);
    if (c == NULL)
        return;
    fputs("<figure id=\"chart-", f);
    attr_text(f, c->name);
    fputs("\">\n", f);
    if (c->svg != NULL)
        fputs(c->svg, f);
    else {
        fputs("<p class=\"note\">Chart not drawn: ", f);
        rp_html_text(f, d->charts_missing ? d->charts_missing : "gnuplot failed");
        fputs(" (its script and data are in charts/).</p>", f);
    }
    fputs("\n<figcaption>", f);
    rp_html_text(f, c->title);
    if (c->alt && c->alt[0]) {
        fputs(". ", f);
        rp_html_text(f, c->alt);
    }
    fputs("</figcaption>\n</figure>\n", f);
}

static void html_nav(FILE *f, const rp_doc *d)
{
    fputs("<nav><h2 id=\"contents\">Contents</h2><ul class=\"toc\">\n", f);
    for (const rp_block *b = d->first; b != NULL; b = b->next) {
        if (b->kind != RB_H2 || b->id == NULL)
            continue;
        fputs("<li><a href=\"#", f);
        attr_text(f, b->id);
        fputs("\">", f);
        rp_html_text(f, b->text);
        fputs("</a></li>\n", f);
    }
    fputs("</ul></nav>\n", f);
}

static void html_heading(FILE *f, const rp_block *b)
{
    int level = b->kind == RB_H1 ? 1 : b->kind == RB_H2 ? 2 : 3;
    fprintf(f, "<h%d", level);
    if (b->id) {
        fputs(" id=\"", f);
        attr_text(f, b->id);
        fputs("\"", f);
    }
    fputs(">", f);
    rp_html_text(f, b->text);
    fprintf(f, "</h%d>\n", level);
}

static void html_block(FILE *f, const rp_doc *d, const rp_block *b, int *in_list)
{
    if (b->kind != RB_ITEM && *in_list) {
        fputs("</ul>\n", f);
        *in_list = 0;
    }
    switch (b->kind) {
    case RB_H1:
        html_heading(f, b);
        break;
    case RB_H2:
    case RB_H3: html_heading(f, b); break;
    case RB_P:
    case RB_WARN:
    case RB_NOTE:
        fputs(b->kind == RB_P ? "<p>" : b->kind == RB_WARN ? "<p class=\"warn\" role=\"note\">"
                                                            : "<p class=\"note\">",
              f);
        rp_html_text(f, b->text);
        fputs("</p>\n", f);
        break;
    case RB_ITEM:
        if (!*in_list)
            fputs("<ul>\n", f);
        *in_list = 1;
        fputs("<li>", f);
        rp_html_text(f, b->text);
        fputs("</li>\n", f);
        break;
    case RB_TABLE: html_table(f, b->table); break;
    case RB_CHART: html_chart(f, d, b); break;
    case RB_PRE:
        fputs("<pre>", f);
        for (const char *p = b->text; *p; p++) {
            if (*p == '\n')
                fputc('\n', f);
            else {
                char one[2] = {*p, 0};
                rp_html_text(f, one);
            }
        }
        fputs("</pre>\n", f);
        break;
    }
}

int rp_write_html(FILE *f, const rp_doc *d)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>",
          f);
    rp_html_text(f, d->title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", CSS);
    int in_list = 0, nav_done = 0;
    for (const rp_block *b = d->first; b != NULL; b = b->next) {
        if (b->kind == RB_H2 && !nav_done) {
            if (in_list)
                fputs("</ul>\n", f);
            in_list = 0;
            html_nav(f, d);
            nav_done = 1;
        }
        html_block(f, d, b, &in_list);
    }
    if (in_list)
        fputs("</ul>\n", f);
    fputs("</main>\n</body>\n</html>\n", f);
    return ferror(f) ? LL_EIO : LL_OK;
}
