/* fsd_name.c — the FSD stand-in's names and patterns: checks, comparison, matching. */
#include "fsd_internal.h"

#include <string.h>

#include "winfuse/case_fold.h"
#include "winfuse/mappings.h"

/* NTFS's component limit in UTF-16 units; the volume does not tell the stand-in its own. */
#define WF_FSD_MAX_COMPONENT 255u

static bool wf_fsd_char_is_invalid(uint16_t c)
{
    return c < 0x20 || c == '<' || c == '>' || c == ':' || c == '"' || c == '/' ||
        c == '|' || c == '?' || c == '*';
}

/* Converts a UTF-8 path to the UTF-16 name the FSD would send, and checks it as the I/O
   manager and WinFsp do: absolute, no empty, "." or ".." components, no character NT
   forbids in names, components and the whole path within their limits. A trailing
   backslash (not the root's) is removed and reported. name has WF_FSD_MAX_PATH_UNITS. */
NTSTATUS wf_fsd_parse_path(const char *path, uint16_t *name, size_t *units,
    bool *trailing_backslash)
{
    size_t n, i, start;

    *trailing_backslash = false;
    if (path == NULL || path[0] != '\\')
        return STATUS_OBJECT_NAME_INVALID;
    /* Like fastfat and WinFsp, a name that begins with two backslashes is taken as one. */
    if (path[1] == '\\')
        path++;
    if (wf_utf8_to_utf16(path, strlen(path), name, WF_FSD_MAX_PATH_UNITS, &n) !=
        STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_INVALID;
    if (n >= 2 && name[n - 1] == '\\') {
        *trailing_backslash = true;
        n--;
    }
    for (start = 1, i = 1; i <= n && n > 1; i++) {
        if (i == n || name[i] == '\\') {
            size_t len = i - start;
            if (len == 0 || len > WF_FSD_MAX_COMPONENT)
                return STATUS_OBJECT_NAME_INVALID;
            if (name[start] == '.' && (len == 1 || (len == 2 && name[start + 1] == '.')))
                return STATUS_OBJECT_NAME_INVALID;
            start = i + 1;
        } else if (wf_fsd_char_is_invalid(name[i])) {
            return STATUS_OBJECT_NAME_INVALID;
        }
    }
    *units = n;
    return STATUS_SUCCESS;
}

/* UTF-16 units equal, under case folding when fold (a case-insensitive volume: NT's upcase
   table, of which the engine's folding covers the common alphabets). */
static bool wf_fsd_units_equal(bool fold, const uint16_t *a, const uint16_t *b, size_t units)
{
    size_t i;
    if (!fold)
        return memcmp(a, b, units * sizeof(uint16_t)) == 0;
    for (i = 0; i < units; i++)
        if (a[i] != b[i] && wf_fold_char(a[i]) != wf_fold_char(b[i]))
            return false;
    return true;
}

bool wf_fsd_name_equal(bool fold, const uint16_t *a, size_t a_units, const uint16_t *b,
    size_t b_units)
{
    return a_units == b_units && wf_fsd_units_equal(fold, a, b, a_units);
}

/* True when name lies strictly below the directory dir. */
bool wf_fsd_name_below(bool fold, const uint16_t *name, size_t units,
    const uint16_t *dir, size_t dir_units)
{
    if (dir_units == 1)
        return units > 1;
    return units > dir_units && wf_fsd_units_equal(fold, name, dir, dir_units) &&
        name[dir_units] == '\\';
}

/* FsRtlIsNameInExpression over UTF-16 units (IgnoreCase on a case-insensitive volume). The expression runs as a set
   of positions (an NFA), one step per name unit: no backtracking, no recursion.
   *  zero or more units             ?  exactly one unit
   <  zero or more units, up to and including the name's last '.', never past it
   >  one unit, or nothing at a '.' or at the end of the name
   "  a '.', or nothing at the end of the name */
bool wf_fsd_name_in_expression(const uint16_t *expr, size_t m,
    const uint16_t *name, size_t n, bool ignore_case, bool *cur, bool *next)
{
    size_t i, j, last_dot = SIZE_MAX;

    if (n == 0 || m == 0)
        return n == 0 && m == 0;
    /* "*.*" matches every name, with or without a dot ([MS-FSA] 2.1.4.4). */
    if (m == 3 && expr[0] == '*' && expr[1] == '.' && expr[2] == '*')
        return true;
    for (j = 0; j < n; j++)
        if (name[j] == '.')
            last_dot = j;

    memset(cur, 0, (m + 1) * sizeof *cur);
    cur[0] = true;
    for (j = 0;; j++) {
        bool at_end = j == n, any = false;
        uint16_t c = at_end ? 0 : name[j];

        /* Moves that consume nothing; they only go forward, so one pass closes the set. */
        for (i = 0; i < m; i++) {
            if (!cur[i])
                continue;
            if (expr[i] == '*' || expr[i] == '<' ||
                (expr[i] == '>' && (at_end || c == '.')) ||
                (expr[i] == '"' && at_end))
                cur[i + 1] = true;
        }
        if (at_end)
            return cur[m];

        memset(next, 0, (m + 1) * sizeof *next);
        for (i = 0; i < m; i++) {
            if (!cur[i])
                continue;
            switch (expr[i]) {
            case '*':
                next[i] = true;
                break;
            case '<':
                if (last_dot == SIZE_MAX || j <= last_dot)
                    next[i] = true;
                break;
            case '>':
                if (c != '.')
                    next[i + 1] = true;
                break;
            case '?':
                next[i + 1] = true;
                break;
            case '"':
                if (c == '.')
                    next[i + 1] = true;
                break;
            default:
                if (expr[i] == c ||
                    (ignore_case && wf_fold_char(expr[i]) == wf_fold_char(c)))
                    next[i + 1] = true;
                break;
            }
        }
        for (i = 0; i <= m; i++) {
            cur[i] = next[i];
            any |= next[i];
        }
        if (!any)
            return false;
    }
}

/* Converts and checks a pattern, as WinFsp checks it: one name, wildcards allowed,
   separators and control codes not. pattern has WF_FSD_MAX_PATH_UNITS. */
NTSTATUS wf_fsd_parse_pattern(const char *utf8, uint16_t *pattern, size_t *units)
{
    size_t i;

    if (wf_utf8_to_utf16(utf8, strlen(utf8), pattern, WF_FSD_MAX_PATH_UNITS, units) !=
        STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_INVALID;
    for (i = 0; i < *units; i++)
        if (pattern[i] < 0x20 || pattern[i] == '\\' || pattern[i] == '/' ||
            pattern[i] == ':' || pattern[i] == '|')
            return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}
