/* name_map.c — one name component between Windows and FUSE: the characters Windows forbids in
   a name travel as the private-use characters U+F000 + char (the Cygwin / WinFsp convention). */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/mappings.h"

#define WF_NAME_PRIVATE_BASE 0xF000u

/* The characters Windows refuses in a component that a POSIX name may hold: the controls
   0x01-0x1F and " * : < > ? \ |. ('/' cannot occur in a FUSE name, NUL in neither.) */
static bool wf_name_char_is_forbidden(uint32_t c)
{
    switch (c) {
    case '"': case '*': case ':': case '<': case '>': case '?': case '\\': case '|':
        return true;
    default:
        return c >= 0x01 && c <= 0x1F;
    }
}

static bool wf_name_is_mapped_char(uint16_t unit)
{
    return unit >= WF_NAME_PRIVATE_BASE && unit < WF_NAME_PRIVATE_BASE + 0x80u &&
        wf_name_char_is_forbidden(unit - WF_NAME_PRIVATE_BASE);
}

/* Both directions split the name at the mapped characters and hand the runs between them to
   the strict converters of utf.c: a mapped character is never part of a surrogate pair or a
   multi-byte sequence, so the split cuts nothing valid. Lengths follow utf.c: on overflow the
   length needed is still counted. */

/* Room for the next run: none once anything did not fit (the rest is only counted). */
static size_t wf_name_room(bool overflow, size_t out, size_t dst_cap)
{
    return overflow || out > dst_cap ? 0 : dst_cap - out;
}

/* Adds a run converted by utf.c (*status, n units) to the name: false, with *status its
   error, when the run is invalid; an overflow is noted and the conversion goes on. */
static bool wf_name_add_run(NTSTATUS *status, size_t n, size_t *out, bool *overflow)
{
    if (*status == STATUS_BUFFER_OVERFLOW)
        *overflow = true;
    else if (!NT_SUCCESS(*status))
        return false;
    *status = STATUS_SUCCESS;
    *out += n;
    return true;
}

NTSTATUS wf_name_to_fuse(const uint16_t *src, size_t src_len,
    char *dst, size_t dst_cap, size_t *dst_len)
{
    NTSTATUS status = STATUS_SUCCESS;
    size_t out = 0;
    bool overflow = false;

    /* Plain ASCII but NUL and '/' (most names, wholly) is its own UTF-8: copied here,
       without the run machinery below, which takes over at the first other unit (or when
       dst is full). */
    size_t ascii = src_len < dst_cap ? src_len : dst_cap;
    while (out < ascii && (uint32_t)src[out] - 1u < 0x7Fu && src[out] != '/') {
        dst[out] = (char)src[out];
        out++;
    }
    if (out == src_len) {
        *dst_len = out;
        return STATUS_SUCCESS;
    }
    for (size_t i = out; i < src_len;) {
        if (src[i] == '/') {
            /* The FSD refuses it; were it to pass, it would be a path separator here. */
            status = STATUS_OBJECT_NAME_INVALID;
            goto exit;
        }
        if (wf_name_is_mapped_char(src[i])) {
            if (!overflow && out < dst_cap)
                dst[out] = (char)(src[i] - WF_NAME_PRIVATE_BASE);
            else
                overflow = true;
            out++;
            i++;
            continue;
        }
        size_t end = i;
        while (end < src_len && src[end] != '/' && !wf_name_is_mapped_char(src[end]))
            end++;
        size_t room = wf_name_room(overflow, out, dst_cap), n;
        status = wf_utf16_to_utf8(src + i, end - i, room ? dst + out : NULL, room, &n);
        if (!wf_name_add_run(&status, n, &out, &overflow))
            goto exit;
        i = end;
    }

exit:
    return wf_name_conversion_end(status, overflow, out, dst_len);
}

/* The ASCII bytes that stand for themselves in both forms: 0x20..0x7F but the forbidden
   characters and '/' (NUL and the controls are forbidden or invalid). A byte a look-up:
   the bytes from 0x80 are in the table too (none plain). */
static const bool wf_name_ascii_plain[0x100] = {
    [0x20] = 1, [0x21] = 1, [0x23] = 1, [0x24] = 1, [0x25] = 1, [0x26] = 1, [0x27] = 1,
    [0x28] = 1, [0x29] = 1, [0x2B] = 1, [0x2C] = 1, [0x2D] = 1, [0x2E] = 1,
    [0x30] = 1, [0x31] = 1, [0x32] = 1, [0x33] = 1, [0x34] = 1, [0x35] = 1, [0x36] = 1,
    [0x37] = 1, [0x38] = 1, [0x39] = 1, [0x3B] = 1, [0x3D] = 1, [0x40] = 1,
    [0x41] = 1, [0x42] = 1, [0x43] = 1, [0x44] = 1, [0x45] = 1, [0x46] = 1, [0x47] = 1,
    [0x48] = 1, [0x49] = 1, [0x4A] = 1, [0x4B] = 1, [0x4C] = 1, [0x4D] = 1, [0x4E] = 1,
    [0x4F] = 1, [0x50] = 1, [0x51] = 1, [0x52] = 1, [0x53] = 1, [0x54] = 1, [0x55] = 1,
    [0x56] = 1, [0x57] = 1, [0x58] = 1, [0x59] = 1, [0x5A] = 1, [0x5B] = 1, [0x5D] = 1,
    [0x5E] = 1, [0x5F] = 1, [0x60] = 1,
    [0x61] = 1, [0x62] = 1, [0x63] = 1, [0x64] = 1, [0x65] = 1, [0x66] = 1, [0x67] = 1,
    [0x68] = 1, [0x69] = 1, [0x6A] = 1, [0x6B] = 1, [0x6C] = 1, [0x6D] = 1, [0x6E] = 1,
    [0x6F] = 1, [0x70] = 1, [0x71] = 1, [0x72] = 1, [0x73] = 1, [0x74] = 1, [0x75] = 1,
    [0x76] = 1, [0x77] = 1, [0x78] = 1, [0x79] = 1, [0x7A] = 1, [0x7B] = 1, [0x7D] = 1,
    [0x7E] = 1, [0x7F] = 1,
};

/* The UTF-8 form of a mapped character, U+F001..U+F07F: EF 80 81 .. EF 81 BF. */
static bool wf_name_utf8_is_mapped(const unsigned char *s, size_t avail)
{
    if (avail < 3 || s[0] != 0xEF || (s[1] != 0x80 && s[1] != 0x81) || (s[2] & 0xC0) != 0x80)
        return false;
    uint16_t unit = (uint16_t)(0xF000u | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu));
    return wf_name_is_mapped_char(unit);
}

NTSTATUS wf_name_to_windows(const char *src, size_t src_len,
    uint16_t *dst, size_t dst_cap, size_t *dst_len)
{
    const unsigned char *s = (const unsigned char *)src;
    NTSTATUS status = STATUS_SUCCESS;
    size_t out = 0;
    bool overflow = false;

    /* Printable ASCII but the forbidden characters and '/' (most names, wholly) is its own
       UTF-16: copied here, one table look-up a byte, without the runs below, which take
       over at the first other byte (or when dst is full). A listing asks this three times
       an entry. */
    size_t ascii = src_len < dst_cap ? src_len : dst_cap;
    while (out < ascii && wf_name_ascii_plain[s[out]]) {
        dst[out] = s[out];
        out++;
    }
    if (out == src_len) {
        *dst_len = out;
        return STATUS_SUCCESS;
    }
    /* Only asked the length (dst_cap 0): count the plain ASCII without storing it. */
    while (out < src_len && wf_name_ascii_plain[s[out]])
        out++;
    if (out == src_len)
        return wf_name_conversion_end(STATUS_SUCCESS, out > dst_cap, out, dst_len);
    if (out > dst_cap)
        overflow = true;

    for (size_t i = out; i < src_len;) {
        if (s[i] == '/' || wf_name_utf8_is_mapped(s + i, src_len - i)) {
            /* '/' is no name. A private-use character that stands for a forbidden one
               would come back as that character, naming another file: such a name has
               no Windows form. */
            status = STATUS_OBJECT_NAME_INVALID;
            goto exit;
        }
        if (wf_name_char_is_forbidden(s[i])) {
            if (!overflow && out < dst_cap)
                dst[out] = (uint16_t)(WF_NAME_PRIVATE_BASE + s[i]);
            else
                overflow = true;
            out++;
            i++;
            continue;
        }
        size_t end = i;
        while (end < src_len && s[end] != '/' && !wf_name_char_is_forbidden(s[end]) &&
            !wf_name_utf8_is_mapped(s + end, src_len - end))
            end++;
        size_t room = wf_name_room(overflow, out, dst_cap), n;
        status = wf_utf8_to_utf16(src + i, end - i, room ? dst + out : NULL, room, &n);
        if (!wf_name_add_run(&status, n, &out, &overflow))
            goto exit;
        i = end;
    }

exit:
    return wf_name_conversion_end(status, overflow, out, dst_len);
}

bool wf_name_has_windows_form(const char *src, size_t src_len)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, units;

    /* ASCII but NUL and '/' always has one (the forbidden characters and the controls go
       to private-use characters): a listing asks this of every name it takes. The plain
       characters first, one look-up a byte. */
    while (i < src_len && wf_name_ascii_plain[s[i]])
        i++;
    while (i < src_len && s[i] - 1u < 0x7Fu && s[i] != '/')
        i++;
    return i == src_len ||
        wf_name_to_windows(src, src_len, NULL, 0, &units) != STATUS_OBJECT_NAME_INVALID;
}

bool wf_name_is_dot_or_dotdot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}
