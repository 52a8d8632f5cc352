/* How every lleval CSV writes numbers and text fields, so that R, Stata and
 * a spreadsheet read back exactly what was computed; and how the plain HTML
 * pages (pool, area) write text. */
#ifndef LLEVAL_FORMAT_H
#define LLEVAL_FORMAT_H

#include <stddef.h>
#include <stdio.h>

/* The shortest of %.15g, %.16g, %.17g that reads back to x exactly (SPEC
 * 4); empty for NAN; "Inf" / "-Inf" as R writes them.  buf of at least 32
 * bytes. */
void ll_format_number(char *buf, size_t size, double x);

/* Writes each of the n numbers x as a CSV field after a comma (",x1,x2"),
 * formatted by ll_format_number: the number columns of a row. */
void ll_csv_put_numbers(FILE *f, const double *x, size_t n);

/* Writes the n texts s as CSV fields separated by commas ("a,b,c"), each
 * as ll_csv_put_field does: the text columns that open a row. */
void ll_csv_put_fields(FILE *f, const char *const *s, size_t n);

/* Writes s as one CSV field, quoted (RFC 4180) only when it holds a comma,
 * a quote or a line break. */
void ll_csv_put_field(FILE *f, const char *s);

/* Writes s with every character c preceded by esc: CSV's doubled quote
 * inside a quoted field ('"', '"'), a Markdown table cell's \| ('|', '\\'). */
void ll_put_escaped(FILE *f, const char *s, char c, char esc);

/* Writes s as HTML text or attribute value: < > & and " escaped. */
void ll_html_put_text(FILE *f, const char *s);

#endif
