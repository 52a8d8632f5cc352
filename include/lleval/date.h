/* Calendar dates as whole day numbers (days since 1970-01-01), the form the
 * database stores and the derivation computes with. */
#ifndef LLEVAL_DATE_H
#define LLEVAL_DATE_H

#include <stddef.h>

/* Day number of the proleptic Gregorian date y-m-d.  No validation. */
long ll_date_from_ymd(int y, int m, int d);

/* Splits a day number into year, month and day (any pointer may be NULL). */
void ll_date_to_ymd(long day, int *y, int *m, int *d);

/* Parses "DD/MM/YYYY" or "YYYY-MM-DD" (the two forms the SPEC accepts) into
 * *out.  Returns 0, or LL_EINPUT for anything else, including impossible
 * dates such as 31/02/2020 and years outside 1900-2100.  An empty string is
 * LL_EINPUT too: the caller decides whether a date may be missing. */
int ll_date_parse(long *out, const char *s);

/* Writes the ISO form YYYY-MM-DD of day into buf (at least 11 bytes). */
void ll_date_format(char *buf, size_t size, long day);

/* 1 if y is a Gregorian leap year. */
int ll_date_is_leap(int y);

#endif
