/* The report's string arena: one owner for the many small strings a report
 * is made of, freed in one go.  After a failed allocation the arena keeps
 * answering (with "" or NULL) so that builders need not check every call;
 * ll_report_write checks the flag once at the end. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct rp_chunk {
    rp_chunk *next;
    size_t used, size;
    max_align_t data[];
};

#define RP_CHUNK 65536

void *rp_alloc(rp_arena *a, size_t size)
{
    if (a->nomem)
        return NULL;
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    rp_chunk *c = a->head;
    if (c == NULL || c->size - c->used < size) {
        size_t cap = size > RP_CHUNK ? size : RP_CHUNK;
        c = malloc(sizeof *c + cap);
        if (c == NULL) {
            a->nomem = 1;
            return NULL;
        }
        c->used = 0;
        c->size = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *rp_strdup(rp_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = rp_alloc(a, n + 1);
    if (p == NULL)
        return (char *)"";
    memcpy(p, s, n + 1);
    return p;
}

char *rp_vprintf(rp_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *p = n < 0 ? NULL : rp_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return (char *)"";
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *rp_printf(rp_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = rp_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

char *rp_clean(rp_arena *a, const char *s)
{
    char *p = rp_strdup(a, s ? s : "");
    for (char *q = p; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
            *q = ' ';
    return p;
}

void rp_arena_free(rp_arena *a)
{
    rp_chunk *c = a->head;
    while (c != NULL) {
        rp_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
}

char *rp_read_file(rp_arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t n = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = rp_alloc(a, (size_t)size + 1)))
            n = fread(buf, 1, (size_t)size, f);
        if (buf && n != (size_t)size)
            buf = NULL;
    }
    fclose(f);
    if (buf != NULL && len != NULL)
        *len = n;
    return buf;
}
