/* test_sid_map.c — SIDs in binary and text form, and the uid/gid ⇄ SID mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/security.h"

#define LOCAL "S-1-5-21-2918340737-1480870229-3126009433"

static wf_sid sid_of(const char *text)
{
    wf_sid sid;
    assert_int_equal(wf_sid_from_string(text, strlen(text), &sid), STATUS_SUCCESS);
    return sid;
}

static void assert_sid_text(const wf_sid *sid, const char *expected)
{
    char text[WF_SID_STRING_MAX];
    size_t len = 0;
    assert_int_equal(wf_sid_to_string(sid, text, sizeof text, &len), STATUS_SUCCESS);
    assert_string_equal(text, expected);
    assert_int_equal(len, strlen(expected));
}

static uint32_t uid_of(const wf_id_map *map, const char *text)
{
    wf_sid sid = sid_of(text);
    uint32_t uid = 12345;
    wf_sid_to_uid(map, &sid, &uid);
    return uid;
}

static void assert_uid_sid(const wf_id_map *map, uint32_t uid, bool is_group, const char *text)
{
    wf_sid sid;
    wf_uid_to_sid(map, uid, is_group, &sid);
    assert_sid_text(&sid, text);
}

/* Binary and text forms ------------------------------------------------------------- */

static void sid_text_and_binary_forms_round_trip(void **state)
{
    (void)state;
    static const char *const sids[] = {
        "S-1-0-0", "S-1-1-0", "S-1-5-18", "S-1-5-32-544", LOCAL "-1001",
        "S-1-12-1-3263053372-1230088267-1916954497-2937291098", "S-1-22-2-4294967295",
        "S-1-5", "S-1-16-12288", "S-1-0x123456789abc-1-2",
        "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15",
    };
    for (size_t i = 0; i < sizeof sids / sizeof sids[0]; i++) {
        wf_sid sid = sid_of(sids[i]), back;
        uint8_t bytes[WF_SID_MAX_SIZE + 4];
        size_t n = wf_sid_to_bytes(&sid, bytes, sizeof bytes);
        assert_int_equal(n, wf_sid_size(&sid));
        assert_int_equal(n, 8 + 4 * sid.sub_count);
        assert_int_equal(wf_sid_from_bytes(bytes, n, &back), STATUS_SUCCESS);
        assert_true(wf_sid_equal(&sid, &back));
        assert_sid_text(&back, sids[i]);
    }
}

static void sid_binary_form_is_big_endian_authority_then_little_endian_subs(void **state)
{
    (void)state;
    wf_sid sid = sid_of("S-1-5-32-544");
    uint8_t bytes[16];
    static const uint8_t expected[16] = {
        1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0 };
    assert_int_equal(wf_sid_to_bytes(&sid, bytes, sizeof bytes), 16);
    assert_memory_equal(bytes, expected, 16);
    assert_int_equal(wf_sid_to_bytes(&sid, bytes, 15), 0);
}

static void sid_text_accepts_lowercase_s_and_hex_authority(void **state)
{
    (void)state;
    wf_sid sid = sid_of("s-1-0x000000000005-18");
    assert_true(wf_sid_equal(&sid, &(wf_sid){ 1, 1, { 0, 0, 0, 0, 0, 5 }, { 18 } }));
    assert_sid_text(&sid, "S-1-5-18");
    /* an authority of 2^32 or more prints in hex, as Windows does */
    sid = sid_of("S-1-4294967296-7");
    assert_sid_text(&sid, "S-1-0x000100000000-7");
}

static void malformed_sid_text_is_invalid_sid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "S", "S-1", "S-1-", "S-2-5-18", "X-1-5-18", "S-1-5-", "S-1--5", "S-1-5--18",
        "S-1-5-x", "S-1-5-18 ", "S-1-5-4294967296", "S-1-0x1000000000000-1", "S-1-281474976710656",
        "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "S-1-0x-1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wf_sid sid;
        assert_int_equal(wf_sid_from_string(bad[i], strlen(bad[i]), &sid), STATUS_INVALID_SID);
    }
}

static void malformed_sid_bytes_are_invalid_sid(void **state)
{
    (void)state;
    wf_sid sid;
    uint8_t bytes[WF_SID_MAX_SIZE + 8];
    wf_sid ok = sid_of(LOCAL "-500");
    size_t n = wf_sid_to_bytes(&ok, bytes, sizeof bytes);
    for (size_t len = 0; len < n; len++)
        assert_int_equal(wf_sid_from_bytes(bytes, len, &sid), STATUS_INVALID_SID);
    assert_int_equal(wf_sid_from_bytes(bytes, n, &sid), STATUS_SUCCESS);
    bytes[0] = 2;
    assert_int_equal(wf_sid_from_bytes(bytes, n, &sid), STATUS_INVALID_SID);
    bytes[0] = 1;
    bytes[1] = 16;      /* more than 15 sub-authorities */
    assert_int_equal(wf_sid_from_bytes(bytes, sizeof bytes, &sid), STATUS_INVALID_SID);
}

static void sid_text_that_does_not_fit_is_buffer_too_small(void **state)
{
    (void)state;
    wf_sid sid = sid_of(LOCAL "-1001");
    char text[WF_SID_STRING_MAX];
    size_t len = 99;
    size_t need = strlen(LOCAL "-1001");
    assert_int_equal(wf_sid_to_string(&sid, text, need, &len), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(len, 0);
    assert_string_equal(text, "");
    assert_int_equal(wf_sid_to_string(&sid, text, need + 1, &len), STATUS_SUCCESS);
    assert_int_equal(len, need);
    /* the longest SID fits WF_SID_STRING_MAX */
    wf_sid longest;
    uint32_t sub[15];
    for (int i = 0; i < 15; i++)
        sub[i] = 4294967295u;
    wf_sid_init(&longest, 0xffffffffffffull, 15, sub);
    assert_int_equal(wf_sid_to_string(&longest, text, sizeof text, &len), STATUS_SUCCESS);
}

/* The mapping table (WinFsp's, from Cygwin) ------------------------------------------- */

static void well_known_sids_map_as_winfsp_and_cygwin_document(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    assert_int_equal(uid_of(&map, "S-1-5-18"), 18);            /* SYSTEM */
    assert_int_equal(uid_of(&map, "S-1-5-11"), 11);            /* Authenticated Users */
    assert_int_equal(uid_of(&map, "S-1-5-32-544"), 544);       /* Administrators */
    assert_int_equal(uid_of(&map, "S-1-5-32-545"), 545);       /* Users */
    assert_int_equal(uid_of(&map, "S-1-1-0"), 0x10100);        /* Everyone */
    assert_int_equal(uid_of(&map, "S-1-0-0"), 0x10000);        /* Null SID */
    assert_int_equal(uid_of(&map, "S-1-3-0"), 0x10300);        /* Creator Owner */
    assert_int_equal(uid_of(&map, "S-1-16-12288"), 0x63000);   /* High integrity */
    assert_int_equal(uid_of(&map, "S-1-5-80-1"), 0x50001);     /* 0x1000 * 80 + 1 */
    assert_int_equal(uid_of(&map, "S-1-5-1000"), 1000);

    assert_uid_sid(&map, 18, false, "S-1-5-18");
    assert_uid_sid(&map, 0, false, "S-1-5-0");
    assert_uid_sid(&map, 544, true, "S-1-5-32-544");
    assert_uid_sid(&map, 999, true, "S-1-5-32-999");
    assert_uid_sid(&map, 1000, false, "S-1-5-1000");
    assert_uid_sid(&map, 0x10100, true, "S-1-1-0");
    assert_uid_sid(&map, 0x63000, true, "S-1-16-12288");
    assert_uid_sid(&map, 5000, false, "S-1-5-1-904");          /* 0x1388 */
    assert_uid_sid(&map, 0x50001, false, "S-1-5-80-1");
}

static void local_domain_rids_map_to_0x30000_plus_rid(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    /* the built-in made-up local machine domain */
    assert_int_equal(uid_of(&map, LOCAL "-1001"), 0x30000 + 1001);    /* 197609, as Cygwin */
    assert_int_equal(uid_of(&map, LOCAL "-513"), 0x30000 + 513);
    assert_uid_sid(&map, 197609, false, LOCAL "-1001");
    assert_uid_sid(&map, 0x30000 + 513, true, LOCAL "-513");

    /* a configured one */
    map.domain[0] = 1;
    map.domain[1] = 2;
    map.domain[2] = 3;
    assert_int_equal(uid_of(&map, "S-1-5-21-1-2-3-500"), 0x30000 + 500);
    assert_uid_sid(&map, 0x30000 + 500, false, "S-1-5-21-1-2-3-500");
    assert_int_equal(uid_of(&map, LOCAL "-1001"), WF_UID_UNMAPPED);
}

static void primary_domain_rids_map_to_0x100000_plus_rid_only_when_configured(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    assert_int_equal(uid_of(&map, "S-1-5-21-7-8-9-1105"), WF_UID_UNMAPPED);
    assert_uid_sid(&map, 0x100000 + 1105, false, "S-1-22-1-1049681");

    map.has_primary_domain = true;
    map.primary_domain[0] = 7;
    map.primary_domain[1] = 8;
    map.primary_domain[2] = 9;
    assert_int_equal(uid_of(&map, "S-1-5-21-7-8-9-1105"), 0x100000 + 1105);
    assert_uid_sid(&map, 0x100000 + 1105, false, "S-1-5-21-7-8-9-1105");
    /* another domain is still unmapped */
    assert_int_equal(uid_of(&map, "S-1-5-21-7-8-10-1105"), WF_UID_UNMAPPED);
}

static void unix_user_and_group_authorities_carry_the_uid_and_gid(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    assert_int_equal(uid_of(&map, "S-1-22-1-1001"), 1001);
    assert_int_equal(uid_of(&map, "S-1-22-2-50"), 50);
    assert_int_equal(uid_of(&map, "S-1-22-1-4294967295"), 4294967295u);
    /* Linux uids WinFsp's table has no SID for */
    assert_uid_sid(&map, 1001, false, "S-1-22-1-1001");
    assert_uid_sid(&map, 1001, true, "S-1-22-2-1001");
    assert_uid_sid(&map, 4093, false, "S-1-22-1-4093");
    assert_uid_sid(&map, 0xfff, false, "S-1-22-1-4095");
    assert_uid_sid(&map, 0xff000000u, true, "S-1-22-2-4278190080");
    /* other S-1-22 forms are not Unix ids */
    assert_int_equal(uid_of(&map, "S-1-22-3-5"), WF_UID_UNMAPPED);
    assert_int_equal(uid_of(&map, "S-1-22-1-5-6"), WF_UID_UNMAPPED);
}

static void uids_whose_winfsp_sid_would_map_elsewhere_use_the_unix_authority(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    /* 0x1000*32 + 544 would be S-1-5-32-544, which is 544 */
    assert_uid_sid(&map, 0x20220, false, "S-1-22-1-131616");
    /* 0x1000*5 + RID would be a logon SID prefix S-1-5-5-RID */
    assert_uid_sid(&map, 0x5001, true, "S-1-22-2-20481");
    /* 0x10500 + Y would be S-1-5-Y, which is Y */
    assert_uid_sid(&map, 0x10512, false, "S-1-22-1-66834");
}

static void unknown_and_azuread_sids_map_to_the_unmapped_uid(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    static const char *const unknown[] = {
        "S-1-12-1-3263053372-1230088267-1916954497-2937291098",    /* AzureAD user */
        "S-1-5-21-1-2-3-4-5",                                       /* foreign domain */
        "S-1-5-21-1-2",
        "S-1-5-5-0-123456",                                         /* logon SID */
        "S-1-5-64-4096",                        /* RID too large for 0x1000*X + RID */
        "S-1-5-4294967295-1",
        "S-1-15-2-1",                                               /* ALL APP PACKAGES */
        "S-1-16-65536",
        "S-1-0-65534",                                              /* the unmapped SID */
        "S-1-5",
        "S-1-99-1",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        wf_sid sid = sid_of(unknown[i]);
        uint32_t uid = 0;
        assert_false(wf_sid_to_uid(&map, &sid, &uid));
        assert_int_equal(uid, WF_UID_UNMAPPED);
    }
    assert_uid_sid(&map, WF_UID_UNMAPPED, false, "S-1-0-65534");
    assert_uid_sid(&map, WF_UID_UNMAPPED, true, "S-1-0-65534");
}

static void every_uid_survives_uid_to_sid_to_uid(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    map.has_primary_domain = true;
    map.primary_domain[0] = 7;
    map.primary_domain[1] = 8;
    map.primary_domain[2] = 9;
    for (uint64_t uid = 0; uid <= 0xffffffffu; uid += uid < 0x120000 ? 1 : 0x10001) {
        for (int group = 0; group < 2; group++) {
            wf_sid sid;
            uint32_t back = 0;
            wf_uid_to_sid(&map, (uint32_t)uid, group, &sid);
            bool mapped = wf_sid_to_uid(&map, &sid, &back);
            if (back != uid)
                fail_msg("uid %llu came back as %u", (unsigned long long)uid, back);
            assert_true(mapped || uid == WF_UID_UNMAPPED);
        }
    }
}

/* uidmap ----------------------------------------------------------------------------- */

static void uidmap_entries_override_the_table_both_ways(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    const char *spec = "1000:S-1-12-1-3263053372-1230088267-1916954497-2937291098;"
        "18:" LOCAL "-500;";
    assert_int_equal(wf_id_map_parse_uidmap(&map, spec, strlen(spec)), STATUS_SUCCESS);
    assert_int_equal(map.uidmap_count, 2);
    assert_int_equal(uid_of(&map, "S-1-12-1-3263053372-1230088267-1916954497-2937291098"), 1000);
    assert_uid_sid(&map, 1000, false, "S-1-12-1-3263053372-1230088267-1916954497-2937291098");
    assert_uid_sid(&map, 1000, true, "S-1-12-1-3263053372-1230088267-1916954497-2937291098");
    assert_int_equal(uid_of(&map, LOCAL "-500"), 18);
    assert_uid_sid(&map, 18, false, LOCAL "-500");
    /* what is not in the map still follows the table */
    assert_int_equal(uid_of(&map, "S-1-5-18"), 18);
    assert_uid_sid(&map, 19, false, "S-1-5-19");
}

static void malformed_uidmap_is_invalid_parameter_and_leaves_no_entries(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "1000", "1000:", ":S-1-5-18", "x:S-1-5-18", "1000:S-1-5-", "1000=S-1-5-18",
        "4294967296:S-1-5-18", "1000:S-1-5-18;2000",
        ("1:S-1-5-1;2:S-1-5-2;3:S-1-5-3;4:S-1-5-4;5:S-1-5-5;6:S-1-5-6;7:S-1-5-7;8:S-1-5-8;"
            "9:S-1-5-9"),       /* nine entries */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wf_id_map map = { 0 };
        map.uidmap_count = 1;
        assert_int_equal(wf_id_map_parse_uidmap(&map, bad[i], strlen(bad[i])),
            STATUS_INVALID_PARAMETER);
        assert_int_equal(map.uidmap_count, 0);
    }
    wf_id_map map = { 0 };
    const char *eight = "1:S-1-5-1;2:S-1-5-2;3:S-1-5-3;4:S-1-5-4;5:S-1-5-5;6:S-1-5-6;"
        "7:S-1-5-7;8:S-1-5-8";
    assert_int_equal(wf_id_map_parse_uidmap(&map, eight, strlen(eight)), STATUS_SUCCESS);
    assert_int_equal(map.uidmap_count, 8);
    assert_int_equal(wf_id_map_parse_uidmap(&map, "", 0), STATUS_SUCCESS);
    assert_int_equal(map.uidmap_count, 0);
}

/* Presentation options ---------------------------------------------------------------- */

static void uid_gid_umask_options_replace_what_files_show(void **state)
{
    (void)state;
    wf_id_map map = { 0 };
    uint32_t uid = 1001, gid = 1002, mode = 0104755;
    wf_id_map_present(&map, &uid, &gid, &mode);
    assert_int_equal(uid, 1001);
    assert_int_equal(gid, 1002);
    assert_int_equal(mode, 0104755);

    map.set_uid = map.set_gid = map.set_umask = true;
    map.uid = 0x30000 + 1001;
    map.gid = 0x30000 + 513;
    map.umask = 027;
    wf_id_map_present(&map, &uid, &gid, &mode);
    assert_int_equal(uid, 0x30000 + 1001);
    assert_int_equal(gid, 0x30000 + 513);
    assert_int_equal(mode, 0100750);
    wf_id_map_present(&map, NULL, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sid_text_and_binary_forms_round_trip),
        cmocka_unit_test(sid_binary_form_is_big_endian_authority_then_little_endian_subs),
        cmocka_unit_test(sid_text_accepts_lowercase_s_and_hex_authority),
        cmocka_unit_test(malformed_sid_text_is_invalid_sid),
        cmocka_unit_test(malformed_sid_bytes_are_invalid_sid),
        cmocka_unit_test(sid_text_that_does_not_fit_is_buffer_too_small),
        cmocka_unit_test(well_known_sids_map_as_winfsp_and_cygwin_document),
        cmocka_unit_test(local_domain_rids_map_to_0x30000_plus_rid),
        cmocka_unit_test(primary_domain_rids_map_to_0x100000_plus_rid_only_when_configured),
        cmocka_unit_test(unix_user_and_group_authorities_carry_the_uid_and_gid),
        cmocka_unit_test(uids_whose_winfsp_sid_would_map_elsewhere_use_the_unix_authority),
        cmocka_unit_test(unknown_and_azuread_sids_map_to_the_unmapped_uid),
        cmocka_unit_test(every_uid_survives_uid_to_sid_to_uid),
        cmocka_unit_test(uidmap_entries_override_the_table_both_ways),
        cmocka_unit_test(malformed_uidmap_is_invalid_parameter_and_leaves_no_entries),
        cmocka_unit_test(uid_gid_umask_options_replace_what_files_show),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
