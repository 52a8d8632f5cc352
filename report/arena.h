/* The report's string arena: everything a report allocates lives in one
 * arena, freed at the end, so that the many small strings of a report need
 * no individual owners.  Also the inline markers of document text and the
 * reading of a file the report itself wrote (a chart's SVG). */
#ifndef LLEVAL_REPORT_ARENA_H
#define LLEVAL_REPORT_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>


typedef struct rp_chunk rp_chunk;
typedef struct rp_arena {
    rp_chunk *head;
    int nomem; /* an allocation failed: every later one returns a static "" or NULL */
} rp_arena;

void *rp_alloc(rp_arena *a, size_t size); /* zeroed; NULL on failure (nomem set) */
char *rp_strdup(rp_arena *a, const char *s);
char *rp_printf(rp_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
char *rp_vprintf(rp_arena *a, const char *fmt, va_list ap);
void rp_arena_free(rp_arena *a);

/* Inline markers inside document text (user text never contains them:
 * rp_clean drops control characters). */
#define RP_NUM_ON "\x01"  /* a count or figure: <span class="n"> */
#define RP_NUM_OFF "\x02"
#define RP_STRONG_ON "\x03"
#define RP_STRONG_OFF "\x04"
/* Copy of s without control characters (tabs and newlines become spaces). */
char *rp_clean(rp_arena *a, const char *s);


/* Reads a whole file into the arena (NUL-terminated); NULL when it cannot. */
char *rp_read_file(rp_arena *a, const char *path, size_t *len);


#endif
