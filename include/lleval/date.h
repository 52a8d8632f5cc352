/* Calendar dates as whole day numbers (days since 1970-01-01), the form the
 * database stores and the derivation computes with. */
#ifndef LLEVAL_DATE_H
#define LLEVAL_DATE_H

#include <stddef.h>

/* Day number of the proleptic Gregorian date y-m-d.  No validation. */
long ll_date_from_ymd(int y, int m, int d);

/* Splits a day number into year, month and day (any pointer may be NULL). */
void ll_date_to_ymd(long day, int *y, int *m, int *d);

/* Outcomes of ll_date_parse_ex. */
#define LL_DATE_OK 0
#define LL_DATE_BAD 1   /* not a date in an accepted form, or no such day */
#define LL_DATE_RANGE 2 /* a real date, but its year is outside 1900-2100 */

/* Parses a date in the forms SPEC 2 accepts into *out: "DD/MM/YYYY" (a
 * one-digit day or month, "9/4/2019", as spreadsheets write it, too) or
 * "YYYY-MM-DD", either optionally followed by exactly midnight (" 00:00",
 * " 00:00:00" or "T00:00:00"), as spreadsheets export dates.  Returns
 * LL_DATE_OK, LL_DATE_BAD (other times, two-digit years, impossible dates
 * such as 31/02/2020, an empty string) or LL_DATE_RANGE. */
int ll_date_parse_ex(long *out, const char *s);

/* As ll_date_parse_ex, returning 0 or LL_EINPUT for anything not
 * LL_DATE_OK: the caller decides whether a date may be missing. */
int ll_date_parse(long *out, const char *s);

/* Writes the ISO form YYYY-MM-DD of day into buf (at least 11 bytes). */
void ll_date_format(char *buf, size_t size, long day);

/* 1 if y is a Gregorian leap year. */
int ll_date_is_leap(int y);

#endif
