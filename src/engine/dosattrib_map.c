/* dosattrib_map.c — user.DOSATTRIB values: Samba's NDR xattr_DOSATTRIB, read and written. */
#include "winfuse/dosattrib_map.h"
#include "winfuse/le_bytes.h"

/* NDR aligns each field to its size (NTTIME and udlong to 4) from the start of the blob. */
static size_t wf_dosattrib_align(size_t at, size_t to)
{
    return (at + to - 1) & ~(to - 1);
}

static int wf_hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* attrib_hex: a NUL-terminated ASCII string, "0x%x" or empty. Returns the offset after its
   NUL (or len when the string runs to the end), or 0 when it is neither form. */
static size_t wf_dosattrib_hex(const uint8_t *v, size_t len, uint32_t *attributes,
    bool *has_hex)
{
    size_t i = 0;
    uint32_t a = 0;

    *has_hex = false;
    if (len >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        i = 2;
        while (i < len && wf_hex_digit(v[i]) >= 0) {
            if (i - 2 >= 8)
                return 0;
            a = a << 4 | (uint32_t)wf_hex_digit(v[i]);
            i++;
        }
        if (i == 2)
            return 0;
        *has_hex = true;
        *attributes = a;
    }
    if (i == len)
        return *has_hex ? len : 0;
    if (v[i] != 0)
        return 0;
    return i + 1;
}

bool wf_dosattrib_decode(const uint8_t *v, size_t len, wf_dosattrib *out)
{
    /* Field offsets within each version's info struct (after version and level), as
       xattr.idl lays them out: attrib, and the creation time when the version has one. */
    static const struct {
        uint8_t size, attrib, valid, ctime;     /* valid 0xff: no valid_flags */
    } layout[6] = {
        { 0, 0, 0, 0 },
        { 40, 0, 0xff, 24 },        /* attrib ea_size size alloc_size create change */
        { 52, 4, 0xff, 0xff },      /* flags attrib ea_size size alloc create change write
                                       name; Samba reads no time from it */
        { 44, 4, 0, 28 },           /* valid attrib ea_size size alloc create change */
        { 24, 4, 0, 16 },           /* valid attrib itime create */
        { 16, 4, 0, 8 },            /* valid attrib create */
    };
    bool has_hex;
    uint32_t hex_attributes = 0;
    size_t at = wf_dosattrib_hex(v, len, &hex_attributes, &has_hex);

    if (at == 0)
        return false;
    out->attributes = hex_attributes;
    out->creation_time = 0;
    out->version = 0;
    if (at >= len)
        return has_hex;     /* the bare string of Samba 3.0 */

    at = wf_dosattrib_align(at, 2);
    if (len < at + 4)
        return false;
    uint16_t version = wf_get_le16(v + at);
    uint16_t level = wf_get_le16(v + at + 2);
    if (version < 1 || version > 5 || level != version)
        return false;
    at = wf_dosattrib_align(at + 4, 4);
    /* v2 ends with a string Samba never filled: its fixed part is all that is read. */
    if (len < at + layout[version].size)
        return false;
    const uint8_t *info = v + at;
    out->version = version;
    out->attributes = wf_get_le32(info + layout[version].attrib);
    if (layout[version].ctime != 0xff) {
        bool valid = layout[version].valid == 0xff
            || (wf_get_le32(info + layout[version].valid) & WF_DOSINFO_CREATE_TIME) != 0;
        if (valid)
            out->creation_time = wf_get_le64(info + layout[version].ctime);
    }
    return true;
}

size_t wf_dosattrib_encode(uint32_t attributes, uint64_t creation_time, uint8_t *out)
{
    out[0] = 0;                 /* attrib_hex "" */
    out[1] = 0;                 /* to the 2-byte boundary */
    wf_put_le16(out + 2, 5);    /* version */
    wf_put_le16(out + 4, 5);    /* the union's level */
    out[6] = 0;                 /* to the 4-byte boundary */
    out[7] = 0;
    wf_put_le32(out + 8, WF_DOSINFO_ATTRIB | WF_DOSINFO_CREATE_TIME);
    wf_put_le32(out + 12, attributes);
    wf_put_le64(out + 16, creation_time);
    return WF_DOSATTRIB_V5_SIZE;
}

bool wf_dosattrib_is_ea_name(const char *name, size_t len)
{
    static const char upper[] = "DOSATTRIB";

    if (len != sizeof upper - 1)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != upper[i])
            return false;
    }
    return true;
}
