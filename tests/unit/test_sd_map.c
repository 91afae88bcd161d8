/* test_sd_map.c — POSIX uid/gid/mode ⇄ security descriptors, SetSecurity's merge, SDDL,
   and the rejection of malformed descriptors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/sddl.h"
#include "winfuse/security.h"
#include "winfuse/nt_constants.h"
#include "winfuse/le_bytes.h"
#include "sd_build.h"

#define LOCAL "S-1-5-21-2918340737-1480870229-3126009433"
#define U (0x30000u + 1001)     /* LOCAL-1001 */
#define G (0x30000u + 513)      /* LOCAL-513 */

static const wf_id_map no_options;

static size_t make(uint32_t uid, uint32_t gid, uint32_t mode, bool dir, uint8_t *sd, size_t cap)
{
    size_t len = 0;
    assert_int_equal(wf_sd_from_posix(&no_options, uid, gid, mode, dir, sd, cap, &len),
        STATUS_SUCCESS);
    assert_true(len <= WF_SD_FROM_POSIX_MAX);
    assert_int_equal(wf_sd_validate(sd, len), STATUS_SUCCESS);
    return len;
}

static void assert_sddl(const uint8_t *sd, size_t len, const char *expected)
{
    char text[2048];
    size_t n = 0;
    assert_int_equal(wf_sd_to_sddl(sd, len, text, sizeof text, &n), STATUS_SUCCESS);
    assert_string_equal(text, expected);
    assert_int_equal(n, strlen(expected));
}

static void assert_posix(const uint8_t *sd, size_t len, uint32_t uid, uint32_t gid,
    uint32_t mode)
{
    uint32_t u = 1, g = 2, m = 3;
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, NULL), STATUS_SUCCESS);
    assert_int_equal(u, uid);
    assert_int_equal(g, gid);
    if (m != mode)
        fail_msg("mode 0%o, expected 0%o", m, mode);
}

/* POSIX → descriptor ------------------------------------------------------------------ */

static void file_0644_gives_owner_write_and_everyone_read(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(U, G, 0100644, false, sd, sizeof sd);
    /* owner: the owner's standard rights + read, write (data, append, attributes) */
    assert_sddl(sd, len, "O:" LOCAL "-1001G:" LOCAL "-513D:P(A;;0x1f019f;;;" LOCAL "-1001)"
        "(A;;FR;;;" LOCAL "-513)(A;;FR;;;WD)");
}

static void directory_0755_gives_owner_full_control(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(U, G, 040755, true, sd, sizeof sd);
    assert_sddl(sd, len, "O:" LOCAL "-1001G:" LOCAL "-513D:P(A;;FA;;;" LOCAL "-1001)"
        "(A;;0x1200a9;;;" LOCAL "-513)(A;;0x1200a9;;;WD)");
}

static void sticky_directory_keeps_delete_child_from_group_and_others(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(18, 544, 041777, true, sd, sizeof sd);
    assert_sddl(sd, len, "O:SYG:BAD:P(A;;FA;;;SY)(A;;0x1201af;;;BA)(A;;0x1201af;;;WD)");
    len = make(18, 544, 040777, true, sd, sizeof sd);
    assert_sddl(sd, len, "O:SYG:BAD:P(A;;FA;;;SY)(A;;0x1201ef;;;BA)(A;;0x1201ef;;;WD)");
}

static void linux_ids_show_as_unix_user_and_group_sids(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(1001, 1001, 0100600, false, sd, sizeof sd);
    assert_sddl(sd, len, "O:S-1-22-1-1001G:S-1-22-2-1001D:P(A;;0x1f019f;;;S-1-22-1-1001)"
        "(A;;0x120088;;;S-1-22-2-1001)(A;;0x120088;;;WD)");
}

static void owner_with_less_than_group_or_others_gets_a_deny_ace(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(U, G, 0100077, false, sd, sizeof sd);
    assert_sddl(sd, len, "O:" LOCAL "-1001G:" LOCAL "-513D:P(A;;0x1f0198;;;" LOCAL "-1001)"
        "(D;;0x27;;;" LOCAL "-1001)(A;;0x1201af;;;" LOCAL "-513)(A;;0x1201af;;;WD)");
    /* group with less than others: a deny ACE for the group */
    len = make(U, G, 0100705, false, sd, sizeof sd);
    assert_sddl(sd, len, "O:" LOCAL "-1001G:" LOCAL "-513D:P(A;;0x1f01bf;;;" LOCAL "-1001)"
        "(A;;0x120088;;;" LOCAL "-513)(D;;0x21;;;" LOCAL "-513)(A;;0x1200a9;;;WD)");
}

static void class_access_is_what_the_dacl_grants_each_class(void **state)
{
    (void)state;
    assert_int_equal(wf_posix_class_access(0640, false, WF_CLASS_OWNER), 0x1f019f);
    assert_int_equal(wf_posix_class_access(0640, false, WF_CLASS_GROUP), FILE_GENERIC_READ);
    assert_int_equal(wf_posix_class_access(0640, false, WF_CLASS_OTHER),
        SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES | FILE_READ_EA);
    assert_int_equal(wf_posix_class_access(0755, true, WF_CLASS_OWNER), FILE_ALL_ACCESS);
    assert_true(wf_posix_class_access(0777, true, WF_CLASS_OTHER) & FILE_DELETE_CHILD);
    assert_false(wf_posix_class_access(01777, true, WF_CLASS_OTHER) & FILE_DELETE_CHILD);
    assert_true(wf_posix_class_access(01777, true, WF_CLASS_OWNER) & FILE_DELETE_CHILD);
    assert_false(wf_posix_class_access(0777, false, WF_CLASS_GROUP) & FILE_DELETE_CHILD);
    /* the owner may always change permissions, owner and attributes, and delete */
    assert_int_equal(wf_posix_class_access(0, false, WF_CLASS_OWNER) &
        (WRITE_DAC | WRITE_OWNER | DELETE | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA),
        WRITE_DAC | WRITE_OWNER | DELETE | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA);
}

static void descriptor_that_does_not_fit_is_buffer_too_small_with_its_size(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t need = 0, len = 0;
    assert_int_equal(wf_sd_from_posix(&no_options, U, G, 0644, false, NULL, 0, &need),
        STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(wf_sd_from_posix(&no_options, U, G, 0644, false, sd, need - 1, &len),
        STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(wf_sd_from_posix(&no_options, U, G, 0644, false, sd, need, &len),
        STATUS_SUCCESS);
    assert_int_equal(len, need);
}

/* Round trips ------------------------------------------------------------------------- */

static void every_mode_survives_descriptor_and_back(void **state)
{
    (void)state;
    static const uint32_t ids[][2] = {
        { U, G }, { 1001, 1002 }, { 0, 0 }, { 1000, 1000 }, { U, U }, { 18, 544 },
        { WF_UID_UNMAPPED, 1000 },
    };
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        for (uint32_t mode = 0; mode <= 0777; mode++)
            for (int dir = 0; dir < 2; dir++) {
                size_t len = make(ids[i][0], ids[i][1], mode, dir, sd, sizeof sd);
                uint32_t u = 0, g = 0, m = 0, present = 0;
                assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, &present),
                    STATUS_SUCCESS);
                assert_int_equal(present, OWNER_SECURITY_INFORMATION |
                    GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION);
                if (u != ids[i][0] || g != ids[i][1] || m != mode)
                    fail_msg("%u:%u 0%o (%s) came back as %u:%u 0%o", ids[i][0], ids[i][1],
                        mode, dir ? "dir" : "file", u, g, m);
            }
}

static void sticky_bit_survives_where_the_dacl_can_express_it(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    for (uint32_t mode = 01000; mode <= 01777; mode++) {
        size_t len = make(U, G, mode, true, sd, sizeof sd);
        uint32_t u, g, m;
        assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, NULL),
            STATUS_SUCCESS);
        /* the owner keeps delete-child only with w, and some other class must have w to
           lose it: otherwise the descriptor equals the one without the sticky bit */
        bool expressible = (mode & 0200) && (mode & 0022);
        if (m != (expressible ? mode : mode & 0777))
            fail_msg("0%o came back as 0%o", mode, m);
    }
}

/* Descriptor → POSIX ------------------------------------------------------------------ */

static void null_or_absent_dacl_means_everything_allowed(void **state)
{
    (void)state;
    uint8_t sd[256];
    uint32_t u = 7, g = 8, m = 0, present = 0;
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-5", "S-1-22-2-6", 0, true, true, NULL, 0);
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, &present),
        STATUS_SUCCESS);
    assert_int_equal(u, 5);
    assert_int_equal(g, 6);
    assert_int_equal(m, 0777);
    assert_int_equal(present, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
        DACL_SECURITY_INFORMATION);

    /* nothing at all: owner and group stay what the caller had, mode 0777 */
    len = sd_build(sd, sizeof sd, NULL, NULL, 0, false, false, NULL, 0);
    u = 7, g = 8, m = 0;
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, &present),
        STATUS_SUCCESS);
    assert_int_equal(u, 7);
    assert_int_equal(g, 8);
    assert_int_equal(m, 0777);
    assert_int_equal(present, 0);

    /* an empty DACL allows nothing */
    len = sd_build(sd, sizeof sd, "S-1-22-1-5", NULL, 0, true, false, NULL, 0);
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, &present),
        STATUS_SUCCESS);
    assert_int_equal(m, 0);
    assert_int_equal(present, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION);
}

static void generic_rights_are_expanded(void **state)
{
    (void)state;
    uint8_t sd[256];
    sd_ace aces[] = {
        { 0, 0, GENERIC_ALL, "S-1-22-1-5" },
        { 0, 0, GENERIC_READ, "S-1-1-0" },
    };
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-5", "S-1-22-2-6", 0, true, false, aces, 2);
    assert_posix(sd, len, 5, 6, 0744);
}

static void authenticated_users_count_for_every_class(void **state)
{
    (void)state;
    uint8_t sd[256];
    sd_ace aces[] = {
        { 0, 0, FILE_ALL_ACCESS, "S-1-22-1-5" },
        { 0, 0, 0x1200a9, "S-1-5-11" },
    };
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-5", "S-1-22-2-6", 0, true, false, aces, 2);
    assert_posix(sd, len, 5, 6, 0755);
}

static void inherit_only_and_unrelated_aces_do_not_count(void **state)
{
    (void)state;
    uint8_t sd[512];
    sd_ace aces[] = {
        { 0, 0x01 | 0x02 | 0x08, FILE_ALL_ACCESS, "S-1-1-0" },      /* OICIIO */
        { 0, 0, FILE_ALL_ACCESS, "S-1-5-21-9-9-9-1000" },            /* a stranger */
        { 2, 0x40, FILE_ALL_ACCESS, "S-1-1-0" },                     /* an audit ACE */
        { 0, 0x01 | 0x02, 0x1200a9, "S-1-22-1-5" },                  /* OICI: applies */
    };
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-5", "S-1-22-2-6", 0, true, false, aces, 4);
    assert_posix(sd, len, 5, 6, 0500);
}

static void the_first_ace_to_mention_a_right_decides_it(void **state)
{
    (void)state;
    uint8_t sd[256];
    sd_ace aces[] = {
        { 1, 0, FILE_WRITE_DATA, "S-1-1-0" },
        { 0, 0, FILE_ALL_ACCESS, "S-1-22-1-5" },
        { 0, 0, FILE_ALL_ACCESS, "S-1-1-0" },
    };
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-5", "S-1-22-2-6", 0, true, false, aces, 3);
    assert_posix(sd, len, 5, 6, 0555);
    /* allowed first, then denied: the allow stands */
    sd_ace later[] = {
        { 0, 0, FILE_ALL_ACCESS, "S-1-22-1-5" },
        { 1, 0, FILE_WRITE_DATA, "S-1-22-1-5" },
    };
    len = sd_build(sd, sizeof sd, "S-1-22-1-5", "S-1-22-2-6", 0, true, false, later, 2);
    assert_posix(sd, len, 5, 6, 0700);
}

static void one_allow_ace_for_an_owner_that_is_also_the_group_counts_for_both(void **state)
{
    (void)state;
    uint8_t sd[256];
    sd_ace aces[] = { { 0, 0, FILE_ALL_ACCESS, "S-1-5-1000" } };
    size_t len = sd_build(sd, sizeof sd, "S-1-5-1000", "S-1-5-1000", 0, true, false, aces, 1);
    assert_posix(sd, len, 1000, 1000, 0770);
}

static void owner_alone_deleting_children_of_writable_directory_is_sticky(void **state)
{
    (void)state;
    uint8_t sd[256];
    sd_ace aces[] = {
        { 0, 0, FILE_ALL_ACCESS, "S-1-22-1-5" },
        { 0, 0, 0x1201bf, "S-1-1-0" },
    };
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-5", "S-1-22-2-6", 0, true, false, aces, 2);
    assert_posix(sd, len, 5, 6, 01777);
}

static void aces_of_a_descriptor_without_owner_match_by_uid(void **state)
{
    (void)state;
    uint8_t sd[256];
    sd_ace aces[] = {
        { 0, 0, FILE_ALL_ACCESS, "S-1-22-1-5" },
        { 0, 0, FILE_GENERIC_READ, "S-1-22-2-6" },
    };
    size_t len = sd_build(sd, sizeof sd, NULL, NULL, 0, true, false, aces, 2);
    uint32_t u = 5, g = 6, m = 0;
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, NULL), STATUS_SUCCESS);
    assert_int_equal(m, 0740);
}

/* Malformed descriptors --------------------------------------------------------------- */

static void assert_rejected(const uint8_t *sd, size_t len)
{
    uint8_t out[4096];
    char text[4096];
    uint32_t u, g, m;
    size_t n;
    uint8_t good[WF_SD_FROM_POSIX_MAX];
    size_t good_len = make(U, G, 0644, false, good, sizeof good);

    assert_int_equal(wf_sd_validate(sd, len), STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &u, &g, &m, NULL),
        STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(wf_sd_to_sddl(sd, len, text, sizeof text, &n),
        STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(wf_sd_merge(good, good_len, sd, len, DACL_SECURITY_INFORMATION,
        out, sizeof out, &n), STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(wf_sd_merge(sd, len, good, good_len, DACL_SECURITY_INFORMATION,
        out, sizeof out, &n), STATUS_INVALID_SECURITY_DESCR);
}

static void truncated_descriptors_are_rejected(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(U, G, 0100077, false, sd, sizeof sd);
    for (size_t n = 0; n < len; n++)
        assert_rejected(sd, n);
    assert_int_equal(wf_sd_validate(NULL, 0), STATUS_INVALID_SECURITY_DESCR);
}

static void bad_header_fields_are_rejected(void **state)
{
    (void)state;
    uint8_t good[WF_SD_FROM_POSIX_MAX], sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(U, G, 0644, false, good, sizeof good);

    memcpy(sd, good, len);
    sd[0] = 2;                      /* revision */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    wf_put_le16(sd + 2, 0x1004);          /* absolute, not self-relative */
    assert_rejected(sd, len);
    static const uint32_t bad_offsets[] = { 4, 19, 0xffffffffu, 0x80000000u };
    for (size_t i = 0; i < sizeof bad_offsets / sizeof bad_offsets[0]; i++)
        for (uint32_t field = 4; field <= 16; field += 4) {
            if (field == 12)
                continue;           /* no SACL: its offset is not read */
            memcpy(sd, good, len);
            wf_put_le32(sd + field, bad_offsets[i]);
            assert_rejected(sd, len);
        }
    memcpy(sd, good, len);
    wf_put_le32(sd + 4, (uint32_t)len);  /* owner just past the end */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    wf_put_le32(sd + 4, (uint32_t)len - 4);  /* owner SID cut by the end */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    wf_put_le16(sd + 2, 0x8014);          /* a SACL said present at offset 0xff.. */
    wf_put_le32(sd + 12, 0xfffffff0u);
    assert_rejected(sd, len);
}

static void bad_acl_and_ace_sizes_are_rejected(void **state)
{
    (void)state;
    uint8_t good[WF_SD_FROM_POSIX_MAX], sd[WF_SD_FROM_POSIX_MAX];
    size_t len = make(U, G, 0644, false, good, sizeof good);
    size_t acl = sd_dacl_offset(good);
    uint32_t acl_size = good[acl + 2] | good[acl + 3] << 8;
    uint32_t count = good[acl + 4] | good[acl + 5] << 8;
    size_t ace0 = acl + 8;
    uint32_t ace0_size = good[ace0 + 2] | good[ace0 + 3] << 8;

    memcpy(sd, good, len);
    sd[acl] = 3;                                /* ACL revision */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    wf_put_le16(sd + acl + 2, acl_size + 4);          /* ACL past the end */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    wf_put_le16(sd + acl + 2, 4);                     /* smaller than its header */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    wf_put_le16(sd + acl + 4, count + 1);             /* more ACEs than it holds */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    wf_put_le16(sd + acl + 4, 0xffff);
    assert_rejected(sd, len);
    static const uint32_t bad_ace_sizes[] = { 0, 2, 7, 8, 12, 0xfffc };
    for (size_t i = 0; i < sizeof bad_ace_sizes / sizeof bad_ace_sizes[0]; i++) {
        memcpy(sd, good, len);
        wf_put_le16(sd + ace0 + 2, bad_ace_sizes[i]);
        assert_rejected(sd, len);
    }
    memcpy(sd, good, len);
    wf_put_le16(sd + ace0 + 2, ace0_size + acl_size);  /* overflowing the ACL */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    sd[ace0 + 8 + 1] = 15;                      /* the ACE's SID claims 15 sub-authorities */
    assert_rejected(sd, len);
    memcpy(sd, good, len);
    sd[ace0 + 8] = 0;                           /* the ACE's SID revision */
    assert_rejected(sd, len);
}

/* Random corruption never crashes, and what validates also maps. */
static void corrupted_descriptors_never_crash(void **state)
{
    (void)state;
    static const uint8_t values[] = { 0, 1, 2, 4, 8, 0x14, 0x7f, 0x80, 0xfe, 0xff };
    uint8_t good[WF_SD_FROM_POSIX_MAX], sd[WF_SD_FROM_POSIX_MAX], out[4096];
    char text[4096];
    for (uint32_t mode = 0; mode < 0100; mode += 011) {
        size_t len = make(1000, 1001, mode | 0700, true, good, sizeof good);
        for (size_t pos = 0; pos < len; pos++)
            for (size_t v = 0; v < sizeof values; v++)
                for (size_t cut = 0; cut < 2; cut++) {
                    uint32_t u, g, m;
                    size_t n, sd_len = len - cut * (len - pos) / 2;
                    memcpy(sd, good, len);
                    sd[pos] = values[v];
                    NTSTATUS valid = wf_sd_validate(sd, sd_len);
                    NTSTATUS mapped = wf_sd_to_posix(&no_options, sd, sd_len, &u, &g, &m, NULL);
                    NTSTATUS sddl = wf_sd_to_sddl(sd, sd_len, text, sizeof text, &n);
                    NTSTATUS merged = wf_sd_merge(good, len, sd, sd_len, 7, out, sizeof out, &n);
                    assert_int_equal(mapped, valid);
                    assert_int_equal(sddl, valid);
                    assert_int_equal(merged, valid == STATUS_SUCCESS &&
                        (sd[4] | sd[5] | sd[6] | sd[7]) == 0 ? STATUS_INVALID_OWNER :
                        valid == STATUS_SUCCESS && (sd[8] | sd[9] | sd[10] | sd[11]) == 0 ?
                        STATUS_INVALID_PRIMARY_GROUP : valid);
                }
    }
}

/* Merge ------------------------------------------------------------------------------- */

static size_t merge(const uint8_t *old_sd, size_t old_len, const uint8_t *new_sd,
    size_t new_len, uint32_t info, uint8_t *out, size_t cap)
{
    size_t need = 0, len = 0;
    assert_int_equal(wf_sd_merge(old_sd, old_len, new_sd, new_len, info, NULL, 0, &need),
        STATUS_BUFFER_TOO_SMALL);
    assert_true(need <= cap);
    assert_int_equal(wf_sd_merge(old_sd, old_len, new_sd, new_len, info, out, need - 1, &len),
        STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(wf_sd_merge(old_sd, old_len, new_sd, new_len, info, out, need, &len),
        STATUS_SUCCESS);
    assert_int_equal(len, need);
    assert_int_equal(wf_sd_validate(out, len), STATUS_SUCCESS);
    return len;
}

static void merge_takes_only_the_selected_parts_of_the_new_descriptor(void **state)
{
    (void)state;
    uint8_t cur[WF_SD_FROM_POSIX_MAX], other[WF_SD_FROM_POSIX_MAX], out[1024];
    size_t cur_len = make(U, G, 0100644, false, cur, sizeof cur);
    size_t other_len = make(2000, 3000, 0100600, false, other, sizeof other);

    /* (the kept DACL still names U and G: SetSecurity reads a mode only from a new DACL) */
    size_t len = merge(cur, cur_len, other, other_len, OWNER_SECURITY_INFORMATION, out,
        sizeof out);
    assert_sddl(out, len, "O:S-1-22-1-2000G:" LOCAL "-513D:P(A;;0x1f019f;;;" LOCAL "-1001)"
        "(A;;FR;;;" LOCAL "-513)(A;;FR;;;WD)");
    len = merge(cur, cur_len, other, other_len, GROUP_SECURITY_INFORMATION, out, sizeof out);
    assert_posix(out, len, U, 3000, 0644);     /* group r from Everyone */
    len = merge(cur, cur_len, other, other_len, DACL_SECURITY_INFORMATION, out, sizeof out);
    assert_posix(out, len, U, G, 0);    /* the other DACL names 2000 and 3000 */
    len = merge(cur, cur_len, other, other_len, OWNER_SECURITY_INFORMATION |
        GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION,
        out, sizeof out);
    assert_int_equal(len, other_len);
    assert_memory_equal(out, other, len);
    len = merge(cur, cur_len, other, other_len, 0, out, sizeof out);
    assert_memory_equal(out, cur, len);
}

static void merge_of_a_dacl_the_new_descriptor_lacks_leaves_none(void **state)
{
    (void)state;
    uint8_t cur[WF_SD_FROM_POSIX_MAX], sd[256], out[1024];
    size_t cur_len = make(U, G, 0100600, false, cur, sizeof cur);
    size_t len = sd_build(sd, sizeof sd, NULL, NULL, 0, false, false, NULL, 0);
    len = merge(cur, cur_len, sd, len, DACL_SECURITY_INFORMATION, out, sizeof out);
    assert_sddl(out, len, "O:" LOCAL "-1001G:" LOCAL "-513");
    assert_posix(out, len, U, G, 0777);
    /* a NULL DACL stays a NULL DACL */
    len = sd_build(sd, sizeof sd, NULL, NULL, 0, true, true, NULL, 0);
    len = merge(cur, cur_len, sd, len, DACL_SECURITY_INFORMATION, out, sizeof out);
    assert_sddl(out, len, "O:" LOCAL "-1001G:" LOCAL "-513D:NO_ACCESS_CONTROL");
}

static void merge_keeps_the_dacl_flags_with_the_dacl(void **state)
{
    (void)state;
    uint8_t cur[WF_SD_FROM_POSIX_MAX], sd[256], out[1024];
    size_t cur_len = make(18, 544, 0100600, false, cur, sizeof cur);
    sd_ace aces[] = { { 0, 0x10, FILE_ALL_ACCESS, "S-1-5-18" } };
    size_t len = sd_build(sd, sizeof sd, "S-1-5-32-545", NULL, SD_SE_DACL_AUTO_INHERITED,
        true, false, aces, 1);
    size_t n = merge(cur, cur_len, sd, len, DACL_SECURITY_INFORMATION, out, sizeof out);
    assert_sddl(out, n, "O:SYG:BAD:AI(A;ID;FA;;;SY)");
    n = merge(cur, cur_len, sd, len, OWNER_SECURITY_INFORMATION, out, sizeof out);
    assert_sddl(out, n, "O:BUG:BAD:P(A;;0x1f019f;;;SY)(A;;0x120088;;;BA)(A;;0x120088;;;WD)");
}

static void merge_of_an_owner_or_group_the_new_descriptor_lacks_is_refused(void **state)
{
    (void)state;
    uint8_t cur[WF_SD_FROM_POSIX_MAX], sd[256], out[1024];
    size_t cur_len = make(U, G, 0100600, false, cur, sizeof cur), n;
    size_t len = sd_build(sd, sizeof sd, NULL, NULL, 0, true, true, NULL, 0);
    assert_int_equal(wf_sd_merge(cur, cur_len, sd, len, OWNER_SECURITY_INFORMATION, out,
        sizeof out, &n), STATUS_INVALID_OWNER);
    assert_int_equal(wf_sd_merge(cur, cur_len, sd, len, GROUP_SECURITY_INFORMATION, out,
        sizeof out, &n), STATUS_INVALID_PRIMARY_GROUP);
}

/* SDDL -------------------------------------------------------------------------------- */

static void sddl_shows_ace_flags_generic_rights_and_well_known_sids(void **state)
{
    (void)state;
    uint8_t sd[512];
    sd_ace aces[] = {
        { 0, 0x01 | 0x02 | 0x10, FILE_ALL_ACCESS, "S-1-5-18" },
        { 1, 0x04 | 0x08, GENERIC_ALL, "S-1-5-32-546" },
        { 0, 0, GENERIC_READ | GENERIC_EXECUTE, "S-1-5-11" },
        { 0, 0, FILE_GENERIC_WRITE, "S-1-3-0" },
        { 0, 0, FILE_GENERIC_EXECUTE, "S-1-16-12288" },
        { 2, 0x40 | 0x80, 0, "S-1-5-7" },
    };
    size_t len = sd_build(sd, sizeof sd, "S-1-5-32-544", "S-1-5-32-545",
        SD_SE_DACL_PROTECTED | SD_SE_DACL_AUTO_INHERITED, true, false, aces, 6);
    assert_sddl(sd, len, "O:BAG:BUD:PAI(A;OICIID;FA;;;SY)(D;NPIO;GA;;;BG)(A;;GRGX;;;AU)"
        "(A;;FW;;;CO)(A;;FX;;;HI)(AU;SAFA;0x0;;;AN)");
}

static void sddl_shows_object_aces_with_their_guids(void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len = sd_build(sd, sizeof sd, NULL, NULL, 0, true, false, NULL, 0);
    size_t acl = sd_dacl_offset(sd);
    uint8_t *ace = sd + len;
    static const uint8_t guid[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
        0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    ace[0] = 5;                 /* ACCESS_ALLOWED_OBJECT_ACE_TYPE */
    ace[1] = 0;
    wf_put_le16(ace + 2, 40);
    wf_put_le32(ace + 4, 0x100);
    wf_put_le32(ace + 8, 1);          /* ACE_OBJECT_TYPE_PRESENT */
    memcpy(ace + 12, guid, 16);
    static const uint8_t world[12] = { 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
    memcpy(ace + 28, world, 12);
    len += 40;
    wf_put_le16(sd + acl + 2, (uint32_t)(len - acl));
    wf_put_le16(sd + acl + 4, 1);
    assert_sddl(sd, len, "D:(OA;;0x100;00112233-4455-6677-8899-aabbccddeeff;;WD)");
}

static void sddl_that_does_not_fit_is_buffer_too_small(void **state)
{
    (void)state;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    char text[512];
    size_t n = 0;
    size_t len = make(18, 544, 040700, true, sd, sizeof sd);
    const char *expected = "O:SYG:BAD:P(A;;FA;;;SY)(A;;0x120088;;;BA)(A;;0x120088;;;WD)";
    size_t need = strlen(expected);
    assert_int_equal(wf_sd_to_sddl(sd, len, text, need, &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 0);
    assert_int_equal(wf_sd_to_sddl(sd, len, text, need + 1, &n), STATUS_SUCCESS);
    assert_string_equal(text, expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_0644_gives_owner_write_and_everyone_read),
        cmocka_unit_test(directory_0755_gives_owner_full_control),
        cmocka_unit_test(sticky_directory_keeps_delete_child_from_group_and_others),
        cmocka_unit_test(linux_ids_show_as_unix_user_and_group_sids),
        cmocka_unit_test(owner_with_less_than_group_or_others_gets_a_deny_ace),
        cmocka_unit_test(class_access_is_what_the_dacl_grants_each_class),
        cmocka_unit_test(descriptor_that_does_not_fit_is_buffer_too_small_with_its_size),
        cmocka_unit_test(every_mode_survives_descriptor_and_back),
        cmocka_unit_test(sticky_bit_survives_where_the_dacl_can_express_it),
        cmocka_unit_test(null_or_absent_dacl_means_everything_allowed),
        cmocka_unit_test(generic_rights_are_expanded),
        cmocka_unit_test(authenticated_users_count_for_every_class),
        cmocka_unit_test(inherit_only_and_unrelated_aces_do_not_count),
        cmocka_unit_test(the_first_ace_to_mention_a_right_decides_it),
        cmocka_unit_test(one_allow_ace_for_an_owner_that_is_also_the_group_counts_for_both),
        cmocka_unit_test(owner_alone_deleting_children_of_writable_directory_is_sticky),
        cmocka_unit_test(aces_of_a_descriptor_without_owner_match_by_uid),
        cmocka_unit_test(truncated_descriptors_are_rejected),
        cmocka_unit_test(bad_header_fields_are_rejected),
        cmocka_unit_test(bad_acl_and_ace_sizes_are_rejected),
        cmocka_unit_test(corrupted_descriptors_never_crash),
        cmocka_unit_test(merge_takes_only_the_selected_parts_of_the_new_descriptor),
        cmocka_unit_test(merge_of_a_dacl_the_new_descriptor_lacks_leaves_none),
        cmocka_unit_test(merge_keeps_the_dacl_flags_with_the_dacl),
        cmocka_unit_test(merge_of_an_owner_or_group_the_new_descriptor_lacks_is_refused),
        cmocka_unit_test(sddl_shows_ace_flags_generic_rights_and_well_known_sids),
        cmocka_unit_test(sddl_shows_object_aces_with_their_guids),
        cmocka_unit_test(sddl_that_does_not_fit_is_buffer_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
