/* sddl.c — security descriptors as SDDL text and back, for the CLI and the tests (not the engine). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "winfuse/le_bytes.h"
#include "winfuse/nt_constants.h"
#include "winfuse/sddl.h"

typedef struct sddl_out {
    char *out;
    size_t cap, pos;
    bool ok;
} sddl_out;

static void put_str(sddl_out *w, const char *s)
{
    for (; w->ok && *s != '\0'; s++) {
        if (w->pos + 1 >= w->cap)
            w->ok = false;
        else
            w->out[w->pos++] = *s;
    }
}

/* value in lowercase hex with at least min_digits digits, no prefix */
static void put_hex(sddl_out *w, uint32_t value, unsigned min_digits)
{
    char digits[9];
    unsigned n = 0;

    do {
        unsigned d = value & 15;
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        value >>= 4;
    } while (value != 0 || n < min_digits);
    while (n > 0) {
        char c[2] = { digits[--n], '\0' };
        put_str(w, c);
    }
}

/* The SDDL abbreviations of well-known SIDs (sddl.h; MS-DTYP 2.5.1.1). */
typedef struct sid_alias { const char *name; uint8_t authority, count; uint32_t sub0, sub1; } sid_alias;
static const sid_alias sid_aliases[] = {
    { "WD", 1, 1, 0, 0 },           { "CO", 3, 1, 0, 0 },           { "CG", 3, 1, 1, 0 },
    { "OW", 3, 1, 4, 0 },           { "NU", 5, 1, 2, 0 },           { "IU", 5, 1, 4, 0 },
    { "SU", 5, 1, 6, 0 },           { "AN", 5, 1, 7, 0 },           { "ED", 5, 1, 9, 0 },
    { "PS", 5, 1, 10, 0 },          { "AU", 5, 1, 11, 0 },          { "RC", 5, 1, 12, 0 },
    { "SY", 5, 1, 18, 0 },          { "LS", 5, 1, 19, 0 },          { "NS", 5, 1, 20, 0 },
    { "WR", 5, 1, 33, 0 },          { "BA", 5, 2, 32, 544 },        { "BU", 5, 2, 32, 545 },
    { "BG", 5, 2, 32, 546 },        { "PU", 5, 2, 32, 547 },        { "AO", 5, 2, 32, 548 },
    { "SO", 5, 2, 32, 549 },        { "PO", 5, 2, 32, 550 },        { "BO", 5, 2, 32, 551 },
    { "RE", 5, 2, 32, 552 },        { "RU", 5, 2, 32, 554 },        { "RD", 5, 2, 32, 555 },
    { "NO", 5, 2, 32, 556 },        { "MU", 5, 2, 32, 558 },        { "LU", 5, 2, 32, 559 },
    { "IS", 5, 2, 32, 568 },        { "CY", 5, 2, 32, 569 },        { "ER", 5, 2, 32, 573 },
    { "CD", 5, 2, 32, 574 },        { "RA", 5, 2, 32, 575 },        { "ES", 5, 2, 32, 576 },
    { "MS", 5, 2, 32, 577 },        { "HA", 5, 2, 32, 578 },        { "AA", 5, 2, 32, 579 },
    { "RM", 5, 2, 32, 580 },        { "AC", 15, 2, 2, 1 },          { "LW", 16, 1, 4096, 0 },
    { "ME", 16, 1, 8192, 0 },       { "MP", 16, 1, 8448, 0 },       { "HI", 16, 1, 12288, 0 },
    { "SI", 16, 1, 16384, 0 },
};

static void put_sid(sddl_out *w, const wf_sid *sid)
{
    char text[WF_SID_STRING_MAX];
    uint64_t authority = wf_sid_authority(sid);
    size_t i;

    for (i = 0; i < sizeof sid_aliases / sizeof sid_aliases[0]; i++) {
        const sid_alias *a = &sid_aliases[i];
        if (authority == a->authority && sid->sub_count == a->count && sid->sub[0] == a->sub0 &&
            (a->count < 2 || sid->sub[1] == a->sub1)) {
            put_str(w, a->name);
            return;
        }
    }
    if (wf_sid_to_string(sid, text, sizeof text, NULL) != STATUS_SUCCESS)
        w->ok = false;
    put_str(w, text);
}

static void put_rights(sddl_out *w, uint32_t mask)
{
    if (mask == FILE_ALL_ACCESS)
        put_str(w, "FA");
    else if (mask == FILE_GENERIC_READ)
        put_str(w, "FR");
    else if (mask == FILE_GENERIC_WRITE)
        put_str(w, "FW");
    else if (mask == FILE_GENERIC_EXECUTE)
        put_str(w, "FX");
    else if (mask != 0 &&
        (mask & ~(GENERIC_ALL | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE)) == 0) {
        if (mask & GENERIC_ALL)
            put_str(w, "GA");
        if (mask & GENERIC_READ)
            put_str(w, "GR");
        if (mask & GENERIC_WRITE)
            put_str(w, "GW");
        if (mask & GENERIC_EXECUTE)
            put_str(w, "GX");
    } else {
        put_str(w, "0x");
        put_hex(w, mask, 1);
    }
}

static void put_guid(sddl_out *w, const uint8_t *g)
{
    unsigned i;

    put_hex(w, wf_get_le32(g), 8);
    put_str(w, "-");
    put_hex(w, wf_get_le16(g + 4), 4);
    put_str(w, "-");
    put_hex(w, wf_get_le16(g + 6), 4);
    put_str(w, "-");
    for (i = 8; i < 16; i++) {
        if (i == 10)
            put_str(w, "-");
        put_hex(w, g[i], 2);
    }
}

static const char *ace_type_name(uint8_t type)
{
    switch (type) {
    case 0x00: return "A";
    case 0x01: return "D";
    case 0x02: return "AU";
    case 0x03: return "AL";
    case 0x05: return "OA";
    case 0x06: return "OD";
    case 0x07: return "OU";
    case 0x08: return "OL";
    case 0x09: return "XA";
    case 0x0A: return "XD";
    case 0x0B: return "ZA";
    case 0x0D: return "XU";
    case 0x11: return "ML";
    case 0x12: return "RA";
    case 0x13: return "SP";
    default: return NULL;
    }
}

static void put_acl(sddl_out *w, const uint8_t *sd, uint32_t off, uint16_t control,
    bool is_dacl)
{
    static const struct { uint8_t bit; const char *name; } flags[] = {
        { 0x01, "OI" }, { 0x02, "CI" }, { 0x04, "NP" }, { 0x08, "IO" }, { 0x10, "ID" },
        { 0x40, "SA" }, { 0x80, "FA" },
    };
    const uint8_t *acl = sd + off, *ace;
    uint32_t pos, i, k, count, ace_size, sid_off;
    const char *type;
    wf_sid sid;

    /* the _PROTECTED/_AUTO_INHERIT_REQ/_AUTO_INHERITED bits sit one apart for the SACL */
    if (control & (is_dacl ? 0x1000u : 0x2000u))
        put_str(w, "P");
    if (control & (is_dacl ? 0x0100u : 0x0200u))
        put_str(w, "AR");
    if (control & (is_dacl ? 0x0400u : 0x0800u))
        put_str(w, "AI");
    if (off == 0) {
        put_str(w, "NO_ACCESS_CONTROL");
        return;
    }
    count = wf_get_le16(acl + 4);
    for (pos = WF_ACL_HEADER, i = 0; i < count; i++, pos += ace_size) {
        ace = acl + pos;
        ace_size = wf_get_le16(ace + 2);
        type = ace_type_name(ace[0]);
        put_str(w, "(");
        if (type != NULL)
            put_str(w, type);
        else {
            put_str(w, "0x");
            put_hex(w, ace[0], 2);
        }
        put_str(w, ";");
        for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
            if (ace[1] & flags[k].bit)
                put_str(w, flags[k].name);
        put_str(w, ";");
        sid_off = wf_ace_sid_offset(ace, ace_size);
        if (sid_off != 0)
            put_rights(w, wf_get_le32(ace + 4));
        put_str(w, ";");
        if (wf_ace_is_object(ace[0]) && sid_off != 0) {
            uint32_t obj_flags = wf_get_le32(ace + 8), g = 12;
            if (obj_flags & 1) {
                put_guid(w, ace + g);
                g += 16;
            }
            put_str(w, ";");
            if (obj_flags & 2)
                put_guid(w, ace + g);
        } else
            put_str(w, ";");
        put_str(w, ";");
        if (sid_off != 0 && wf_sd_sid_at(ace, ace_size, sid_off, &sid))
            put_sid(w, &sid);
        put_str(w, ")");
    }
}

NTSTATUS wf_sd_to_sddl(const void *buf, size_t len, char *out, size_t cap, size_t *out_len)
{
    const uint8_t *sd = buf;
    wf_sd_parts parts;
    sddl_out w = { out, cap, 0, out != NULL && cap > 0 };
    wf_sid sid;
    NTSTATUS status;

    status = wf_sd_parse(buf, len, &parts);
    if (status != STATUS_SUCCESS)
        return status;
    if (wf_sd_sid_at(sd, len, parts.owner, &sid)) {
        put_str(&w, "O:");
        put_sid(&w, &sid);
    }
    if (wf_sd_sid_at(sd, len, parts.group, &sid)) {
        put_str(&w, "G:");
        put_sid(&w, &sid);
    }
    if (parts.dacl_present) {
        put_str(&w, "D:");
        put_acl(&w, sd, parts.dacl, parts.control, true);
    }
    if (parts.control & SE_SACL_PRESENT) {
        put_str(&w, "S:");
        put_acl(&w, sd, parts.sacl, parts.control, false);
    }
    if (out != NULL && cap > 0)
        out[w.ok ? w.pos : 0] = '\0';
    if (out_len != NULL)
        *out_len = w.ok ? w.pos : 0;
    return w.ok ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}

/* ---- SDDL → descriptor ----------------------------------------------------------------- */

/* The input and where the parse is; reason says what went wrong at pos. */
typedef struct sddl_in {
    const char *s;
    size_t len, pos;
    const char *reason;
} sddl_in;

/* The descriptor being written: bytes past cap are counted, not written, so that a short
   buffer still learns the size it needs. */
typedef struct sd_out {
    uint8_t *p;
    size_t cap, pos;
} sd_out;

static bool sddl_fail(sddl_in *in, const char *reason)
{
    if (in->reason == NULL)
        in->reason = reason;
    return false;
}

static bool sddl_at(const sddl_in *in, const char *word)
{
    size_t i;

    for (i = 0; word[i] != '\0'; i++)
        if (in->pos + i >= in->len || in->s[in->pos + i] != word[i])
            return false;
    return true;
}

static bool sddl_take(sddl_in *in, const char *word)
{
    size_t n = 0;

    if (!sddl_at(in, word))
        return false;
    while (word[n] != '\0')
        n++;
    in->pos += n;
    return true;
}

static void out_put(sd_out *w, const void *src, size_t n)
{
    if (w->p != NULL && w->pos <= w->cap && n <= w->cap - w->pos)
        memcpy(w->p + w->pos, src, n);
    w->pos += n;
}

/* Writes a little-endian value at off when it lies within the buffer. */
static void out_patch16(sd_out *w, size_t off, uint32_t v)
{
    if (w->p != NULL && off + 2 <= w->cap)
        wf_put_le16(w->p + off, v);
}

static void out_patch32(sd_out *w, size_t off, uint32_t v)
{
    if (w->p != NULL && off + 4 <= w->cap)
        wf_put_le32(w->p + off, v);
}

/* A SID from pos to the end of its token: "S-1-…" or a two-letter abbreviation. In an ACE
   the token ends at ')'; after O: or G: at the next "O:", "G:", "D:" or "S:". */
static bool sddl_sid(sddl_in *in, bool in_ace, wf_sid *sid)
{
    size_t start = in->pos, end = in->pos, i;

    while (end < in->len) {
        char c = in->s[end];
        if (in_ace ? c == ')' || c == ';' || c == '(' :
            (c == 'O' || c == 'G' || c == 'D' || c == 'S') && end + 1 < in->len &&
                in->s[end + 1] == ':')
            break;
        end++;
    }
    if (end == start)
        return sddl_fail(in, "a SID expected");
    if (end - start >= 2 && (in->s[start] == 'S' || in->s[start] == 's') &&
        in->s[start + 1] == '-') {
        if (wf_sid_from_string(in->s + start, end - start, sid) != STATUS_SUCCESS)
            return sddl_fail(in, "not a valid S-1-… SID");
        in->pos = end;
        return true;
    }
    if (end - start == 2)
        for (i = 0; i < sizeof sid_aliases / sizeof sid_aliases[0]; i++) {
            const sid_alias *a = &sid_aliases[i];
            uint32_t sub[2] = { a->sub0, a->sub1 };
            if (in->s[start] == a->name[0] && in->s[start + 1] == a->name[1]) {
                wf_sid_init(sid, a->authority, a->count, sub);
                in->pos = end;
                return true;
            }
        }
    return sddl_fail(in, "not a SID or a known SID abbreviation");
}

/* "0x" and 1 to 8 hex digits, or a decimal number below 2^32 without leading zeros (a
   leading 0 would be octal to Windows' parser). */
static bool sddl_number(sddl_in *in, uint32_t *value)
{
    uint64_t v = 0;
    size_t start;

    if (sddl_take(in, "0x") || sddl_take(in, "0X")) {
        for (start = in->pos; in->pos < in->len; in->pos++) {
            char c = in->s[in->pos];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = (unsigned)(c - 'A' + 10);
            else
                break;
            if (in->pos - start == 8)
                return sddl_fail(in, "more than 8 hex digits");
            v = v << 4 | d;
        }
        if (in->pos == start)
            return sddl_fail(in, "hex digits expected");
    } else {
        start = in->pos;
        for (; in->pos < in->len && in->s[in->pos] >= '0' && in->s[in->pos] <= '9'; in->pos++) {
            if (in->pos > start && in->s[start] == '0')
                return sddl_fail(in, "a decimal number with a leading 0");
            v = v * 10 + (uint64_t)(in->s[in->pos] - '0');
            if (v > 0xffffffffu)
                return sddl_fail(in, "a number above 0xffffffff");
        }
    }
    *value = (uint32_t)v;
    return true;
}

/* The rights of an ACE: one number, or two-letter rights one after another. */
static bool sddl_rights(sddl_in *in, uint32_t *mask)
{
    static const struct { char name[3]; uint32_t mask; } rights[] = {
        { "GA", GENERIC_ALL }, { "GR", GENERIC_READ }, { "GW", GENERIC_WRITE },
        { "GX", GENERIC_EXECUTE }, { "FA", FILE_ALL_ACCESS }, { "FR", FILE_GENERIC_READ },
        { "FW", FILE_GENERIC_WRITE }, { "FX", FILE_GENERIC_EXECUTE },
        { "SD", DELETE }, { "RC", READ_CONTROL }, { "WD", WRITE_DAC }, { "WO", WRITE_OWNER },
        /* the directory-service names of the object-specific bits, which SDDL allows on
           any object: CC 0x1 … CR 0x100 */
        { "CC", 0x1 }, { "DC", 0x2 }, { "LC", 0x4 }, { "SW", 0x8 }, { "RP", 0x10 },
        { "WP", 0x20 }, { "DT", 0x40 }, { "LO", 0x80 }, { "CR", 0x100 },
    };
    size_t i;
    bool any = false;

    *mask = 0;
    if (in->pos < in->len && in->s[in->pos] >= '0' && in->s[in->pos] <= '9')
        return sddl_number(in, mask);
    while (in->pos < in->len && in->s[in->pos] != ';') {
        for (i = 0; i < sizeof rights / sizeof rights[0]; i++)
            if (sddl_take(in, rights[i].name))
                break;
        if (i == sizeof rights / sizeof rights[0])
            return sddl_fail(in, "not a right (FA FR FW FX GA GR GW GX SD RC WD WO, or 0x…)");
        *mask |= rights[i].mask;
        any = true;
    }
    return any || sddl_fail(in, "rights expected");
}

/* One "(A|D;FLAGS;RIGHTS;;;SID)" at pos, written to w. */
static bool sddl_ace(sddl_in *in, sd_out *w)
{
    static const struct { char name[3]; uint8_t bit; } flags[] = {
        { "OI", 0x01 }, { "CI", 0x02 }, { "NP", 0x04 }, { "IO", 0x08 }, { "ID", 0x10 },
    };
    uint8_t head[8], sid_bytes[WF_SID_MAX_SIZE];
    uint8_t type, ace_flags = 0;
    uint32_t mask;
    size_t i, sid_size;
    wf_sid sid;

    in->pos++;      /* '(' */
    if (sddl_take(in, "A;"))
        type = ACCESS_ALLOWED_ACE_TYPE;
    else if (sddl_take(in, "D;"))
        type = ACCESS_DENIED_ACE_TYPE;
    else
        return sddl_fail(in, "an ACE type A or D expected (no other type is supported)");
    while (!sddl_take(in, ";")) {
        for (i = 0; i < sizeof flags / sizeof flags[0]; i++)
            if (sddl_take(in, flags[i].name))
                break;
        if (i == sizeof flags / sizeof flags[0])
            return sddl_fail(in, "not an ACE flag (OI CI NP IO ID)");
        ace_flags |= flags[i].bit;
    }
    if (!sddl_rights(in, &mask))
        return false;
    if (!sddl_take(in, ";;;"))
        return sddl_fail(in, "\";;;\" expected (object GUIDs are not supported)");
    if (!sddl_sid(in, true, &sid))
        return false;
    if (!sddl_take(in, ")"))
        return sddl_fail(in, "')' expected");
    sid_size = wf_sid_to_bytes(&sid, sid_bytes, sizeof sid_bytes);
    head[0] = type;
    head[1] = ace_flags;
    wf_put_le16(head + 2, (uint32_t)(8 + sid_size));
    wf_put_le32(head + 4, mask);
    out_put(w, head, sizeof head);
    out_put(w, sid_bytes, sid_size);
    return true;
}

/* "D:" already taken: the DACL's flags and ACEs, written at w->pos. Sets the DACL bits of
   *control and *dacl_off (0 for NO_ACCESS_CONTROL, a NULL DACL). */
static bool sddl_dacl(sddl_in *in, sd_out *w, uint16_t *control, size_t *dacl_off)
{
    uint8_t head[WF_ACL_HEADER] = { 2, 0, 0, 0, 0, 0, 0, 0 };    /* ACL_REVISION */
    size_t start = w->pos, count = 0;

    *control |= SE_DACL_PRESENT;
    for (;;) {
        if (sddl_take(in, "P"))
            *control |= SE_DACL_PROTECTED;
        else if (sddl_take(in, "AR"))
            *control |= SE_DACL_AUTO_INHERIT_REQ;
        else if (sddl_take(in, "AI"))
            *control |= SE_DACL_AUTO_INHERITED;
        else
            break;
    }
    if (sddl_take(in, "NO_ACCESS_CONTROL")) {
        *dacl_off = 0;
        return true;
    }
    *dacl_off = start;
    out_put(w, head, sizeof head);
    while (in->pos < in->len && in->s[in->pos] == '(') {
        if (!sddl_ace(in, w))
            return false;
        count++;
    }
    if (w->pos - start > 0xffffu || count > 0xffffu)
        return sddl_fail(in, "the DACL is too large");
    out_patch16(w, start + 2, (uint32_t)(w->pos - start));
    out_patch16(w, start + 4, (uint32_t)count);
    return true;
}

NTSTATUS wf_sd_from_sddl(const char *text, size_t len, void *out, size_t cap, size_t *out_len,
    wf_sddl_error *error)
{
    sddl_in in = { text, len, 0, NULL };
    sd_out w = { out, cap, WF_SD_HEADER };
    uint8_t sid_bytes[WF_SID_MAX_SIZE];
    uint16_t control = SE_SELF_RELATIVE;
    size_t owner = 0, group = 0, dacl = 0, sid_size;
    bool has_owner = false, has_group = false, has_dacl = false, ok = true;
    wf_sid sid;

    *out_len = 0;
    if (text == NULL && len != 0)
        return STATUS_INVALID_PARAMETER;
    while (ok && in.pos < in.len) {
        bool is_owner = sddl_at(&in, "O:");
        if (is_owner || sddl_at(&in, "G:")) {
            if (is_owner ? has_owner : has_group) {
                ok = sddl_fail(&in, is_owner ? "O: given twice" : "G: given twice");
                break;
            }
            in.pos += 2;
            ok = sddl_sid(&in, false, &sid);
            if (!ok)
                break;
            *(is_owner ? &owner : &group) = w.pos;
            *(is_owner ? &has_owner : &has_group) = true;
            sid_size = wf_sid_to_bytes(&sid, sid_bytes, sizeof sid_bytes);
            out_put(&w, sid_bytes, sid_size);
        } else if (sddl_at(&in, "D:")) {
            if (has_dacl) {
                ok = sddl_fail(&in, "D: given twice");
                break;
            }
            in.pos += 2;
            has_dacl = true;
            ok = sddl_dacl(&in, &w, &control, &dacl);
        } else if (sddl_at(&in, "S:")) {
            ok = sddl_fail(&in, "a SACL (S:) is not supported");
        } else {
            ok = sddl_fail(&in, "O:, G: or D: expected");
        }
    }
    if (!ok) {
        if (error != NULL) {
            error->offset = in.pos;
            error->reason = in.reason;
        }
        return STATUS_INVALID_PARAMETER;
    }
    /* every part was written at most 0xffff (the DACL) + 2 * 68 bytes past the header */
    *out_len = w.pos;
    if (out == NULL || cap < w.pos)
        return STATUS_BUFFER_TOO_SMALL;
    w.p[0] = 1;
    w.p[1] = 0;
    wf_put_le16(w.p + 2, control);
    out_patch32(&w, 4, (uint32_t)owner);
    out_patch32(&w, 8, (uint32_t)group);
    out_patch32(&w, 12, 0);
    out_patch32(&w, 16, (uint32_t)dacl);
    return STATUS_SUCCESS;
}
