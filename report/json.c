/* A small JSON reader for run.json (objects, arrays, strings, numbers,
 * true/false/null), enough to show the run's provenance in the report.
 * Malformed input gives NULL, and the report then says provenance is not
 * available. */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_STR, J_NUM, J_BOOL, J_ARR, J_OBJ } jtype;

struct rp_json {
    jtype type;
    char *text;          /* strings, numbers and booleans as text */
    char *key;           /* member name inside an object */
    rp_json *child, *next;
    size_t n;
};

typedef struct jp {
    const char *p;
    rp_arena *a;
    int depth;
} jp;

static void ws(jp *s)
{
    while (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t')
        s->p++;
}

static char *jstring(jp *s)
{
    if (*s->p != '"')
        return NULL;
    const char *start = ++s->p;
    while (*s->p && *s->p != '"')
        s->p += (*s->p == '\\' && s->p[1]) ? 2 : 1;
    if (*s->p != '"')
        return NULL;
    char *out = rp_alloc(s->a, (size_t)(s->p - start) + 1), *w = out;
    if (out == NULL)
        return NULL;
    for (const char *q = start; q < s->p; q++) {
        if (*q != '\\') {
            *w++ = *q;
            continue;
        }
        q++;
        switch (*q) {
        case 'n': *w++ = '\n'; break;
        case 't': *w++ = '\t'; break;
        case 'u': /* control characters only, as run.json writes them */
            *w++ = ' ';
            q += strlen(q) >= 5 ? 4 : 0;
            break;
        default: *w++ = *q;
        }
    }
    *w = '\0';
    s->p++;
    return out;
}

static rp_json *value(jp *s);

static rp_json *container(jp *s, int obj)
{
    rp_json *j = rp_alloc(s->a, sizeof *j), *last = NULL;
    if (j == NULL || ++s->depth > 64)
        return NULL;
    j->type = obj ? J_OBJ : J_ARR;
    s->p++;
    ws(s);
    if (*s->p == (obj ? '}' : ']')) {
        s->p++;
        s->depth--;
        return j;
    }
    for (;;) {
        char *key = NULL;
        ws(s);
        if (obj) {
            if ((key = jstring(s)) == NULL)
                return NULL;
            ws(s);
            if (*s->p++ != ':')
                return NULL;
        }
        rp_json *v = value(s);
        if (v == NULL)
            return NULL;
        v->key = key;
        if (last)
            last->next = v;
        else
            j->child = v;
        last = v;
        j->n++;
        ws(s);
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        if (*s->p++ != (obj ? '}' : ']'))
            return NULL;
        s->depth--;
        return j;
    }
}

static rp_json *value(jp *s)
{
    ws(s);
    if (*s->p == '{' || *s->p == '[')
        return container(s, *s->p == '{');
    rp_json *j = rp_alloc(s->a, sizeof *j);
    if (j == NULL)
        return NULL;
    if (*s->p == '"') {
        j->type = J_STR;
        j->text = jstring(s);
        return j->text ? j : NULL;
    }
    size_t n = strspn(s->p, "+-0123456789.eEtruefalsn");
    if (n == 0)
        return NULL;
    j->text = rp_printf(s->a, "%.*s", (int)n, s->p);
    j->type = !strcmp(j->text, "null") ? J_NULL
              : (!strcmp(j->text, "true") || !strcmp(j->text, "false")) ? J_BOOL
                                                                          : J_NUM;
    s->p += n;
    return j;
}

rp_json *rp_json_parse(rp_arena *a, const char *text)
{
    if (text == NULL)
        return NULL;
    jp s = {text, a, 0};
    rp_json *j = value(&s);
    ws(&s);
    return j != NULL && *s.p == '\0' ? j : NULL;
}

const rp_json *rp_json_get(const rp_json *j, const char *key)
{
    if (j == NULL || j->type != J_OBJ)
        return NULL;
    for (const rp_json *c = j->child; c != NULL; c = c->next)
        if (c->key && !strcmp(c->key, key))
            return c;
    return NULL;
}

size_t rp_json_len(const rp_json *j)
{
    return j && (j->type == J_ARR || j->type == J_OBJ) ? j->n : 0;
}

const rp_json *rp_json_at(const rp_json *j, size_t i)
{
    if (j == NULL)
        return NULL;
    const rp_json *c = j->child;
    while (c != NULL && i-- > 0)
        c = c->next;
    return c;
}

const char *rp_json_str(const rp_json *j)
{
    return j && (j->type == J_STR || j->type == J_NUM || j->type == J_BOOL) ? j->text : NULL;
}

const char *rp_json_key(const rp_json *j)
{
    return j ? j->key : NULL;
}
