/* path.c — Windows-style paths in the shell: resolving against the current directory. */
#include "path.h"

#include <stdio.h>
#include <string.h>

static bool wf_path_is_separator(char c)
{
    return c == '\\' || c == '/';
}

bool wf_path_resolve(const char *cwd, const char *arg, char *out, size_t out_size)
{
    size_t len = 0;
    int pass;

    if (out_size < 2)
        return false;
    out[len++] = '\\';
    /* Pass 0 walks cwd (skipped for an absolute arg), pass 1 walks arg. */
    for (pass = wf_path_is_separator(arg[0]) ? 1 : 0; pass < 2; pass++) {
        const char *p = pass == 0 ? cwd : arg;
        while (*p != '\0') {
            const char *start;
            size_t n;
            while (wf_path_is_separator(*p))
                p++;
            start = p;
            while (*p != '\0' && !wf_path_is_separator(*p))
                p++;
            n = (size_t)(p - start);
            if (n == 0 || (n == 1 && start[0] == '.'))
                continue;
            if (n == 2 && start[0] == '.' && start[1] == '.') {
                while (len > 1 && out[len - 1] != '\\')
                    len--;
                if (len > 1)
                    len--;      /* the separator before the removed component */
                continue;
            }
            if (len + (len > 1) + n + 1 > out_size)
                return false;
            if (len > 1)
                out[len++] = '\\';
            memcpy(out + len, start, n);
            len += n;
        }
    }
    out[len] = '\0';
    return true;
}

void wf_path_split(const char *path, char *parent, size_t parent_size, const char **name)
{
    const char *last = strrchr(path, '\\');
    size_t n;

    if (last == NULL) {         /* not absolute: taken as a name in the root */
        snprintf(parent, parent_size, "\\");
        *name = path;
        return;
    }
    *name = last + 1;
    n = (size_t)(last - path);
    if (n == 0)
        n = 1;          /* the parent of "\a" is the root */
    if (n >= parent_size)
        n = parent_size - 1;
    memcpy(parent, path, n);
    parent[n] = '\0';
}

bool wf_path_has_wildcards(const char *name)
{
    return strpbrk(name, "*?<>\"") != NULL;
}
