/* sd_build.c — the descriptor builder behind sd_build.h. */
#include "sd_build.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/security.h"
#include "winfuse/le_bytes.h"

static size_t put_sid(uint8_t *p, size_t cap, const char *text)
{
    wf_sid sid;
    assert_int_equal(wf_sid_from_string(text, strlen(text), &sid), STATUS_SUCCESS);
    size_t n = wf_sid_to_bytes(&sid, p, cap);
    assert_true(n > 0);
    return n;
}

size_t sd_build(uint8_t *buf, size_t cap, const char *owner, const char *group,
    uint16_t control, bool dacl, bool dacl_null, const sd_ace *aces, size_t count)
{
    size_t pos = 20;
    assert_true(cap >= 20);
    memset(buf, 0, 20);
    buf[0] = 1;
    control |= SD_SE_SELF_RELATIVE | (dacl ? SD_SE_DACL_PRESENT : 0);
    wf_put_le16(buf + 2, control);
    if (owner) {
        wf_put_le32(buf + 4, (uint32_t)pos);
        pos += put_sid(buf + pos, cap - pos, owner);
    }
    if (group) {
        wf_put_le32(buf + 8, (uint32_t)pos);
        pos += put_sid(buf + pos, cap - pos, group);
    }
    if (dacl && !dacl_null) {
        size_t acl = pos;
        wf_put_le32(buf + 16, (uint32_t)acl);
        assert_true(cap - pos >= 8);
        pos += 8;
        for (size_t i = 0; i < count; i++) {
            size_t ace = pos;
            assert_true(cap - pos >= 8);
            buf[ace] = aces[i].type;
            buf[ace + 1] = aces[i].flags;
            wf_put_le32(buf + ace + 4, aces[i].mask);
            pos += 8;
            pos += put_sid(buf + pos, cap - pos, aces[i].sid);
            wf_put_le16(buf + ace + 2, (uint32_t)(pos - ace));
        }
        buf[acl] = 2;
        buf[acl + 1] = 0;
        wf_put_le16(buf + acl + 2, (uint32_t)(pos - acl));
        wf_put_le16(buf + acl + 4, (uint32_t)count);
        wf_put_le16(buf + acl + 6, 0);
    }
    return pos;
}

size_t sd_dacl_offset(const uint8_t *sd)
{
    return wf_get_le32(sd + 16);
}
