/* case_fold.c — case folding for case-insensitive volumes: the simple upper case of the
   common alphabets, applied to UTF-8 names code point by code point. */
#include "winfuse/case_fold.h"

/* A byte that does not begin a valid UTF-8 sequence stands for itself, above every code
   point, so that it never folds and never equals a valid character. */
#define WF_FOLD_RAW 0x80000000u

uint32_t wf_fold_char(uint32_t c)
{
    if (c < 0x80)
        return c >= 'a' && c <= 'z' ? c - 0x20 : c;
    if (c < 0x100) {
        if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
            return c - 0x20;
        if (c == 0xFF)
            return 0x178;
        if (c == 0xB5)
            return 0x39C;       /* micro sign: Greek capital mu */
        return c;
    }
    if (c < 0x180) {
        /* Latin Extended-A: capital then small, in pairs that start on an even code point
           up to U+0137 and from U+014A, on an odd one between. */
        if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
            (c >= 0x14A && c <= 0x177))
            return c & ~1u;
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c & 1u) ? c : c - 1;
        return c;
    }
    if (c >= 0x3AC && c <= 0x3CE) {
        if (c == 0x3AC)
            return 0x386;
        if (c <= 0x3AF)
            return c - 0x25;    /* έ ή ί */
        if (c == 0x3B0)
            return c;
        if (c == 0x3C2)
            return 0x3A3;       /* final sigma */
        if (c <= 0x3CB)
            return c - 0x20;
        if (c == 0x3CC)
            return 0x38C;
        return c - 0x3F;        /* ύ ώ */
    }
    if (c >= 0x430 && c <= 0x44F)
        return c - 0x20;
    if (c >= 0x450 && c <= 0x45F)
        return c - 0x50;
    if (c >= 0xFF41 && c <= 0xFF5A)
        return c - 0x20;
    return c;
}

/* The code point at name[*i], advancing *i past it. */
static uint32_t wf_fold_next(const char *name, size_t len, size_t *i)
{
    const uint8_t *s = (const uint8_t *)name + *i;
    size_t left = len - *i;
    uint32_t c = s[0], min;
    size_t n;

    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        *i += 1;
        return WF_FOLD_RAW | s[0];
    }
    if (left < n) {
        *i += 1;
        return WF_FOLD_RAW | s[0];
    }
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *i += 1;
            return WF_FOLD_RAW | s[0];
        }
        c = (c << 6) | (s[k] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *i += 1;
        return WF_FOLD_RAW | s[0];
    }
    *i += n;
    return c;
}

bool wf_fold_equal(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t i = 0, j = 0;

    while (i < a_len && j < b_len) {
        uint32_t ca = wf_fold_next(a, a_len, &i);
        uint32_t cb = wf_fold_next(b, b_len, &j);
        if (ca != cb && wf_fold_char(ca) != wf_fold_char(cb))
            return false;
    }
    return i == a_len && j == b_len;
}

uint32_t wf_fold_hash(uint32_t seed, const char *name, size_t len)
{
    uint32_t h = seed;
    size_t i = 0;

    while (i < len) {
        uint32_t c = wf_fold_char(wf_fold_next(name, len, &i));
        for (int k = 0; k < 4; k++)
            h = (h ^ ((c >> (8 * k)) & 0xFFu)) * 16777619u;
    }
    return h;
}

bool wf_fold_is_caseless(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)name[i];
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return false;
    }
    return true;
}
