/* utf.c — strict conversion of names between UTF-16 (NT) and UTF-8 (FUSE). */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/mappings.h"

/* Both directions make one pass: each code point is validated, counted, and written only while
   everything before it fitted, so that on overflow the needed length is still known. On any
   failure the contents of dst are unspecified.
   U+0000 is refused as well: FUSE names and link targets are C strings, and a NUL would cut
   the name short on the file system's side instead of failing. */

/* The one ending of the four name conversions (here and in name_map.c). */
NTSTATUS wf_name_conversion_end(NTSTATUS status, bool overflow, size_t len, size_t *dst_len)
{
    /* An error ended the conversion before it could overflow; otherwise overflow wins. */
    if (NT_SUCCESS(status) && overflow)
        status = STATUS_BUFFER_OVERFLOW;
    *dst_len = status == STATUS_OBJECT_NAME_INVALID ? 0 : len;
    return status;
}

static size_t wf_utf8_length_of(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

NTSTATUS wf_utf16_to_utf8(const uint16_t *src, size_t src_len,
    char *dst, size_t dst_cap, size_t *dst_len)
{
    NTSTATUS status = STATUS_SUCCESS;
    size_t out = 0;
    bool overflow = false;

    /* ASCII but NUL (most names, wholly) is its own UTF-8: copied without the per-code-point
       work below, which takes over at the first other unit (or when dst is full). */
    size_t ascii = src_len < dst_cap ? src_len : dst_cap;
    while (out < ascii && (uint32_t)src[out] - 1u < 0x7Fu) {
        dst[out] = (char)src[out];
        out++;
    }

    for (size_t i = out; i < src_len; i++) {
        uint32_t cp = src[i];
        size_t n;

        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 1 >= src_len || src[i + 1] < 0xDC00 || src[i + 1] > 0xDFFF) {
                status = STATUS_OBJECT_NAME_INVALID;   /* high surrogate without its low half */
                goto exit;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (uint32_t)(src[i + 1] - 0xDC00);
            i++;
        } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
            status = STATUS_OBJECT_NAME_INVALID;       /* lone low surrogate, or NUL */
            goto exit;
        }

        n = wf_utf8_length_of(cp);
        if (!overflow && n <= dst_cap - out) {
            unsigned char *p = (unsigned char *)dst + out;
            switch (n) {
            case 1:
                p[0] = (unsigned char)cp;
                break;
            case 2:
                p[0] = (unsigned char)(0xC0 | (cp >> 6));
                p[1] = (unsigned char)(0x80 | (cp & 0x3F));
                break;
            case 3:
                p[0] = (unsigned char)(0xE0 | (cp >> 12));
                p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                p[2] = (unsigned char)(0x80 | (cp & 0x3F));
                break;
            default:
                p[0] = (unsigned char)(0xF0 | (cp >> 18));
                p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
                p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                p[3] = (unsigned char)(0x80 | (cp & 0x3F));
                break;
            }
        } else
            overflow = true;
        out += n;
    }

exit:
    return wf_name_conversion_end(status, overflow, out, dst_len);
}

/* Decodes the UTF-8 sequence at src[0..avail) into *cp and returns its length, or 0 when it is
   malformed: a stray continuation byte, a lead byte that no valid sequence starts with (C0, C1,
   F5..FF), a truncated sequence, an overlong form, a surrogate, or a value above U+10FFFF. */
static size_t wf_utf8_decode(const unsigned char *src, size_t avail, uint32_t *cp)
{
    unsigned char lead = src[0];
    uint32_t value, min;
    size_t n;

    if (lead < 0x80) {
        *cp = lead;
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
        value = lead & 0x1Fu;
        min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        value = lead & 0x0Fu;
        min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        value = lead & 0x07u;
        min = 0x10000;
    } else
        return 0;
    if (n > avail)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((src[k] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (src[k] & 0x3Fu);
    }
    if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    *cp = value;
    return n;
}

NTSTATUS wf_utf8_to_utf16(const char *src, size_t src_len,
    uint16_t *dst, size_t dst_cap, size_t *dst_len)
{
    const unsigned char *s = (const unsigned char *)src;
    NTSTATUS status = STATUS_SUCCESS;
    size_t out = 0;
    bool overflow = false;

    /* ASCII but NUL is its own UTF-16, as in the other direction. */
    size_t ascii = src_len < dst_cap ? src_len : dst_cap;
    while (out < ascii && (uint32_t)s[out] - 1u < 0x7Fu) {
        dst[out] = s[out];
        out++;
    }

    for (size_t i = out; i < src_len;) {
        uint32_t cp = 0;
        size_t used = wf_utf8_decode(s + i, src_len - i, &cp);
        size_t n;

        if (used == 0 || cp == 0) {
            status = STATUS_OBJECT_NAME_INVALID;
            goto exit;
        }
        i += used;

        n = cp < 0x10000 ? 1 : 2;
        if (!overflow && n <= dst_cap - out) {
            if (n == 1)
                dst[out] = (uint16_t)cp;
            else {
                dst[out] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
                dst[out + 1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
            }
        } else
            overflow = true;
        out += n;
    }

exit:
    return wf_name_conversion_end(status, overflow, out, dst_len);
}
