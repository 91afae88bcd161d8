/* ea_map.c — FILE_FULL_EA_INFORMATION lists: the checks NT makes on them, walking and
   building them, and NTFS's EaSize arithmetic. */
#include "winfuse/ea_map.h"
#include "platform/platform.h"
#include "winfuse/le_bytes.h"

static uint32_t wf_ea_align4(uint32_t v)
{
    return (v + 3u) & ~3u;
}

uint32_t wf_ea_entry_size(uint32_t name_len, uint32_t value_len)
{
    return WF_EA_HEADER_SIZE + name_len + 1u + value_len;
}

uint32_t wf_ea_packed_size(uint32_t name_len, uint32_t value_len)
{
    /* NTFS's packed form: flags, name length, value length (4 bytes), name, NUL, value. */
    return 5u + name_len + value_len;
}

bool wf_ea_name_valid(const char *name, size_t len)
{
    static const char forbidden[] = "\"*+,/:;<=>?[\\]|";

    if (len == 0 || len > WF_EA_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)name[i];
        if (c < 0x20)
            return false;
        for (size_t k = 0; k < sizeof forbidden - 1; k++)
            if (c == (uint8_t)forbidden[k])
                return false;
    }
    return true;
}

static char wf_ea_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - ('a' - 'A')) : c;
}

void wf_ea_name_upcase(char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        name[i] = wf_ea_upper(name[i]);
}

bool wf_ea_name_equal(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if (a_len != b_len)
        return false;
    for (size_t i = 0; i < a_len; i++)
        if (wf_ea_upper(a[i]) != wf_ea_upper(b[i]))
            return false;
    return true;
}

bool wf_ea_name_has_lower(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (name[i] >= 'a' && name[i] <= 'z')
            return true;
    return false;
}

NTSTATUS wf_ea_check(const uint8_t *buf, uint32_t size, uint32_t *error_offset)
{
    uint32_t pos = 0;

    *error_offset = 0;
    /* Structure first, over the whole list, as the I/O manager checks it. */
    while (pos < size) {
        uint32_t left = size - pos;
        uint32_t next, entry;
        if (left < WF_EA_HEADER_SIZE)
            goto inconsistent;
        next = wf_get_le32(buf + pos);
        entry = wf_ea_entry_size(buf[pos + 5], wf_get_le16(buf + pos + 6));
        if (entry > left || buf[pos + WF_EA_HEADER_SIZE + buf[pos + 5]] != 0)
            goto inconsistent;
        if (next == 0)
            break;
        if ((next & 3u) || next < entry || next >= left)
            goto inconsistent;
        pos += next;
    }
    /* Then each entry's name and flags. */
    for (pos = 0; pos < size;) {
        uint32_t at = pos;
        wf_ea_view ea;
        if (!wf_ea_next(buf, size, &pos, &ea))
            break;
        if (!wf_ea_name_valid(ea.name, ea.name_len) || (ea.flags & ~WF_EA_FLAG_NEED_EA)) {
            *error_offset = at;
            return STATUS_INVALID_EA_NAME;
        }
    }
    return STATUS_SUCCESS;

inconsistent:
    *error_offset = pos;
    return STATUS_EA_LIST_INCONSISTENT;
}

bool wf_ea_next(const uint8_t *buf, uint32_t size, uint32_t *pos, wf_ea_view *ea)
{
    const uint8_t *p = buf + *pos;
    uint32_t next;

    if (*pos >= size || size - *pos < WF_EA_HEADER_SIZE)
        return false;
    next = wf_get_le32(p);
    ea->flags = p[4];
    ea->name_len = p[5];
    ea->value_len = wf_get_le16(p + 6);
    ea->name = (const char *)p + WF_EA_HEADER_SIZE;
    ea->value = p + WF_EA_HEADER_SIZE + ea->name_len + 1u;
    *pos = next ? *pos + next : size;
    return true;
}

bool wf_ea_begin(uint8_t *buf, uint32_t cap, uint32_t used, const char *name,
    uint32_t name_len, uint32_t *entry, uint32_t *value_room_at, uint32_t *value_room)
{
    uint32_t at = used ? wf_ea_align4(used) : 0;
    uint32_t value_at;

    if (name_len > WF_EA_NAME_MAX || at > cap || cap - at < wf_ea_entry_size(name_len, 1))
        return false;
    value_at = at + WF_EA_HEADER_SIZE + name_len + 1u;
    wf_mem_set(buf + used, 0, at - used + WF_EA_HEADER_SIZE);     /* padding, header */
    wf_mem_copy(buf + at + WF_EA_HEADER_SIZE, name, name_len);
    buf[at + WF_EA_HEADER_SIZE + name_len] = 0;
    *entry = at;
    *value_room_at = value_at;
    *value_room = cap - value_at < WF_EA_VALUE_MAX ? cap - value_at : WF_EA_VALUE_MAX;
    return true;
}

void wf_ea_end(uint8_t *buf, uint32_t entry, uint32_t name_len, uint32_t value_len,
    uint32_t *used, uint32_t *last)
{
    uint8_t *p = buf + entry;

    wf_put_le32(p, 0);
    p[4] = 0;
    p[5] = (uint8_t)name_len;
    wf_put_le16(p + 6, (uint16_t)value_len);
    if (*last != WF_EA_NONE)
        wf_put_le32(buf + *last, entry - *last);
    *last = entry;
    *used = entry + wf_ea_entry_size(name_len, value_len);
}
