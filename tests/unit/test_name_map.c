/* test_name_map.c — name components between Windows and FUSE: forbidden characters as U+F000 + char,
   both ways, and every name that has no form on the other side. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/mappings.h"
#include "mock_fs.h"
#include "winfuse/linux_errno.h"

static const char forbidden_printable[] = "\"*:<>?\\|";

static void each_forbidden_character_maps_to_private_use_and_back(void **state)
{
    (void)state;
    char chars[64];
    size_t count = 0;
    for (char c = 1; c < 0x20; c++)
        chars[count++] = c;
    for (const char *p = forbidden_printable; *p; p++)
        chars[count++] = *p;
    assert_int_equal(count, 31 + 8);

    for (size_t i = 0; i < count; i++) {
        uint16_t u16[2];
        char u8[4];
        size_t len = 99;
        assert_int_equal(wf_name_to_windows(&chars[i], 1, u16, 2, &len), STATUS_SUCCESS);
        assert_int_equal(len, 1);
        assert_int_equal(u16[0], 0xF000 + (uint8_t)chars[i]);

        len = 99;
        assert_int_equal(wf_name_to_fuse(u16, 1, u8, sizeof u8, &len), STATUS_SUCCESS);
        assert_int_equal(len, 1);
        assert_int_equal(u8[0], chars[i]);
    }
}

static void mixed_name_maps_only_its_forbidden_characters(void **state)
{
    (void)state;
    /* "é:€?x" */
    static const char fuse[] = "\xC3\xA9:\xE2\x82\xAC?x";
    static const uint16_t windows[] = { 0x00E9, 0xF03A, 0x20AC, 0xF03F, 'x' };
    uint16_t u16[8];
    char u8[16];
    size_t len = 0;

    assert_int_equal(wf_name_to_windows(fuse, sizeof fuse - 1, u16, 8, &len), STATUS_SUCCESS);
    assert_int_equal(len, 5);
    assert_memory_equal(u16, windows, sizeof windows);

    assert_int_equal(wf_name_to_fuse(windows, 5, u8, sizeof u8, &len), STATUS_SUCCESS);
    assert_int_equal(len, sizeof fuse - 1);
    assert_memory_equal(u8, fuse, len);
}

static void other_private_use_characters_pass_unchanged(void **state)
{
    (void)state;
    /* U+F000 (would be NUL), U+F02F (would be '/'), U+F041 ('A' is allowed), U+F07F (DEL is
       allowed), U+F080 and U+F0FF (beyond ASCII) are ordinary characters. */
    static const uint16_t units[] = { 0xF000, 0xF02F, 0xF041, 0xF07F, 0xF080, 0xF0FF };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        char u8[4], expect[4];
        uint16_t back[2];
        size_t len = 0, expect_len = 0;
        assert_int_equal(wf_utf16_to_utf8(&units[i], 1, expect, sizeof expect, &expect_len),
            STATUS_SUCCESS);
        assert_int_equal(wf_name_to_fuse(&units[i], 1, u8, sizeof u8, &len), STATUS_SUCCESS);
        assert_int_equal(len, 3);
        assert_memory_equal(u8, expect, 3);
        assert_int_equal(wf_name_to_windows(u8, len, back, 2, &len), STATUS_SUCCESS);
        assert_int_equal(len, 1);
        assert_int_equal(back[0], units[i]);
    }
}

static void every_windows_character_round_trips(void **state)
{
    (void)state;
    /* Every BMP unit but the surrogates, NUL and '/': the forbidden characters themselves
       (which the FSD refuses anyway) come back in their private-use form. */
    for (uint32_t c = 1; c < 0x10000; c++) {
        if ((c >= 0xD800 && c <= 0xDFFF) || c == '/')
            continue;
        uint16_t unit = (uint16_t)c, back[2];
        char u8[4];
        size_t len = 0;
        assert_int_equal(wf_name_to_fuse(&unit, 1, u8, sizeof u8, &len), STATUS_SUCCESS);
        assert_int_equal(wf_name_to_windows(u8, len, back, 2, &len), STATUS_SUCCESS);
        assert_int_equal(len, 1);
        bool forbidden = c < 0x20 || (c < 0x80 && strchr(forbidden_printable, (int)c));
        assert_int_equal(back[0], forbidden ? 0xF000 + c : c);
    }
}

static void slash_has_no_form_on_either_side(void **state)
{
    (void)state;
    static const uint16_t windows[] = { 'a', '/', 'b' };
    char u8[8];
    uint16_t u16[8];
    size_t len = 99;
    assert_int_equal(wf_name_to_fuse(windows, 3, u8, sizeof u8, &len), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(wf_name_to_windows("a/b", 3, u16, 8, &len), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(len, 0);
}

static void fuse_name_holding_a_mapped_private_use_character_has_no_windows_form(void **state)
{
    (void)state;
    /* "a" U+F03A "b" would list as a name that opens "a:b". */
    uint16_t u16[8];
    size_t len = 99;
    assert_int_equal(wf_name_to_windows("a\xEF\x80\xBA" "b", 5, u16, 8, &len),
        STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(len, 0);
    /* U+F07C ('|') is in the second block of the encoding. */
    assert_int_equal(wf_name_to_windows("\xEF\x81\xBC", 3, u16, 8, &len),
        STATUS_OBJECT_NAME_INVALID);
}

static void invalid_utf8_around_forbidden_characters_is_invalid(void **state)
{
    (void)state;
    uint16_t u16[8];
    size_t len = 99;
    /* A lead byte cut short by a forbidden character, and after one. */
    assert_int_equal(wf_name_to_windows("\xC3:", 2, u16, 8, &len), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_name_to_windows("a:\xC3", 3, u16, 8, &len), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_name_to_windows("\xFF", 1, u16, 8, &len), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_name_to_windows("a\0b", 3, u16, 8, &len), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(len, 0);
}

static void unpaired_surrogate_beside_a_mapped_character_is_invalid(void **state)
{
    (void)state;
    static const uint16_t high_then_mapped[] = { 0xD800, 0xF03A };
    static const uint16_t mapped_then_low[] = { 0xF03A, 0xDC00 };
    char u8[16];
    size_t len = 99;
    assert_int_equal(wf_name_to_fuse(high_then_mapped, 2, u8, sizeof u8, &len),
        STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_name_to_fuse(mapped_then_low, 2, u8, sizeof u8, &len),
        STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(len, 0);
}

static void overflow_reports_the_needed_length(void **state)
{
    (void)state;
    static const uint16_t windows[] = { 'a', 0xF03A, 0x20AC, 0xF03F };  /* 1 + 1 + 3 + 1 bytes */
    char u8[8];
    uint16_t u16[8];
    size_t len = 0;
    for (size_t cap = 0; cap < 6; cap++) {
        assert_int_equal(wf_name_to_fuse(windows, 4, cap ? u8 : NULL, cap, &len),
            STATUS_BUFFER_OVERFLOW);
        assert_int_equal(len, 6);
    }
    assert_int_equal(wf_name_to_fuse(windows, 4, u8, 6, &len), STATUS_SUCCESS);
    assert_int_equal(len, 6);
    assert_memory_equal(u8, "a:\xE2\x82\xAC?", 6);

    for (size_t cap = 0; cap < 4; cap++) {
        assert_int_equal(wf_name_to_windows("a:\xE2\x82\xAC?", 6, cap ? u16 : NULL, cap, &len),
            STATUS_BUFFER_OVERFLOW);
        assert_int_equal(len, 4);
    }
    assert_int_equal(wf_name_to_windows("a:\xE2\x82\xAC?", 6, u16, 4, &len), STATUS_SUCCESS);
    assert_memory_equal(u16, windows, sizeof windows);
}

/* wf_name_to_windows copies plain ASCII without its run machinery: every byte, alone, after
   and before plain ASCII, into a buffer of each size and asked only for the length, must come
   out as the general path gives it (forbidden: U+F000 + byte; '/', NUL: invalid). */
static void every_ascii_byte_converts_alike_at_every_position_and_buffer_size(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 0x80; c++) {
        char name[5] = { 'a', 'b', (char)c, 'd', 'e' };
        uint16_t expect[5] = { 'a', 'b', (uint16_t)c, 'd', 'e' };
        bool invalid = c == 0 || c == '/';
        if (c < 0x20 || strchr(forbidden_printable, (int)c) != NULL)
            expect[2] = (uint16_t)(0xF000u + c);
        for (size_t start = 0; start < 3; start++) {
            for (size_t cap = 0; cap <= 5; cap++) {
                uint16_t u16[5];
                size_t units = 99, want = 5 - start;
                NTSTATUS status = wf_name_to_windows(name + start, want, cap ? u16 : NULL,
                    cap, &units);
                if (invalid) {
                    assert_int_equal(status, STATUS_OBJECT_NAME_INVALID);
                    assert_int_equal(units, 0);
                    continue;
                }
                assert_int_equal(units, want);
                if (cap < want) {
                    assert_int_equal(status, STATUS_BUFFER_OVERFLOW);
                } else {
                    assert_int_equal(status, STATUS_SUCCESS);
                    assert_memory_equal(u16, expect + start, want * sizeof(uint16_t));
                }
            }
        }
    }
    /* A long plain prefix that overflows, then a multi-byte character: the whole length. */
    uint16_t u16[4];
    size_t units = 0;
    assert_int_equal(wf_name_to_windows("abcdefgh\xE2\x82\xAC", 11, u16, 4, &units),
        STATUS_BUFFER_OVERFLOW);
    assert_int_equal(units, 9);
}

static void empty_name_is_empty(void **state)
{
    (void)state;
    size_t len = 99;
    assert_int_equal(wf_name_to_fuse(NULL, 0, NULL, 0, &len), STATUS_SUCCESS);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(wf_name_to_windows(NULL, 0, NULL, 0, &len), STATUS_SUCCESS);
    assert_int_equal(len, 0);
}

/* Through the engine -------------------------------------------------------------------- */

#define ROOT_FH 9
#define DIR_INFO_SIZE 104u

/* A Create of path (UTF-16 units, no terminator): mock_req_create lays out an ASCII stand-in
   of the same length, whose units are then replaced. */
static FSP_FSCTL_TRANSACT_REQ *req_create_units(const uint16_t *path, size_t units,
    uint32_t access)
{
    char ascii[64];
    assert_true(units < sizeof ascii);
    memset(ascii, 'x', units);
    ascii[units] = 0;
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_create(ascii, FILE_OPEN, 0, access);
    memcpy(req->Buffer + req->FileName.Offset, path, units * sizeof(uint16_t));
    return req;
}

/* The first record's name of a WinFsp listing, as UTF-16 units; returns how many. */
static size_t first_record_name(const uint8_t *buf, uint64_t len, uint16_t *name, size_t cap)
{
    uint16_t size;
    assert_true(len >= DIR_INFO_SIZE);
    memcpy(&size, buf, sizeof size);
    assert_true(size >= DIR_INFO_SIZE && size <= len);
    size_t units = (size - DIR_INFO_SIZE) / 2;
    assert_true(units <= cap);
    memcpy(name, buf + DIR_INFO_SIZE, units * sizeof(uint16_t));
    return units;
}

static mock_fs *start(uint32_t flags)
{
    mock_fs *m = mock_new(0);
    mock_init_options options = { .flags = flags };
    mock_init(m, &options);
    return m;
}

static const uint16_t a_colon_b_query[] = { 'a', 0xF03A, 'b', 0xF03F };

static void fuse_name_with_forbidden_characters_lists_in_private_use_form(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    uint8_t body[1024];
    struct fuse_entry_out e = mock_entry(10, 0100644, 3, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &e, 1, "a:b?");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);

    uint16_t name[16];
    assert_int_equal(first_record_name(out, rsp.IoStatus.Information, name, 16), 4);
    assert_memory_equal(name, a_colon_b_query, sizeof a_colon_b_query);
    assert_int_equal(mock_info(m).bad_names, 0);

    /* The listed name opens the listed entry: the same cache key, no LOOKUP. */
    hint = mock_submit(m, req_create_units((const uint16_t[]){ '\\', 'a', 0xF03A, 'b', 0xF03F },
        5, FILE_READ_ATTRIBUTES));
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 10);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void windows_name_in_private_use_form_looks_up_the_fuse_name(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    static const uint16_t path[] = { '\\', 'd', 0xF02A, '\\', 'a', 0xF03A, 'b', 0xF03F };
    uint64_t hint = mock_submit(m, req_create_units(path, 8, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_int_equal(req.body_size, 3);
    assert_string_equal((const char *)req.body, "d*");
    mock_reply_entry(m, req.header.unique, 2, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    assert_int_equal(req.body_size, 5);
    assert_string_equal((const char *)req.body, "a:b?");
    mock_reply_entry(m, req.header.unique, 3, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void other_private_use_characters_are_looked_up_as_they_are(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    static const uint16_t path[] = { '\\', 0xF000, 0xF02F };   /* would be NUL and '/' */
    uint64_t hint = mock_submit(m, req_create_units(path, 3, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_int_equal(req.body_size, 7);
    assert_memory_equal(req.body, "\xEF\x80\x80\xEF\x80\xAF", 7);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void windows_name_with_a_slash_is_invalid_without_a_lookup(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\a/b", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_INVALID);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void readdir_names_without_a_windows_form_are_skipped_and_counted(void **state)
{
    (void)state;
    mock_fs *m = start(0);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIR, FUSE_ROOT_ID);
    uint8_t body[1024];
    uint32_t len = mock_dirent_add(body, 0, 10, 1, "bad\xC3");             /* cut short */
    len = mock_dirent_add(body, len, 11, 2, "a\xEF\x80\xBA" "b");         /* U+F03A */
    len = mock_dirent_add(body, len, 12, 3, "\xFF");
    len = mock_dirent_add(body, len, 13, 4, "ok:");
    mock_reply(m, req.header.unique, 0, body, len);
    /* No LOOKUP is spent on a name that cannot be listed. */
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "ok:");
    mock_reply_entry(m, req.header.unique, 13, 0100644, 1, 60, 60);
    req = mock_expect_node(m, FUSE_READDIR, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint16_t name[16];
    static const uint16_t ok[] = { 'o', 'k', 0xF03A };
    assert_int_equal(first_record_name(out, rsp.IoStatus.Information, name, 16), 3);
    assert_memory_equal(name, ok, sizeof ok);
    assert_int_equal(mock_info(m).bad_names, 3);
    mock_free(m);
}

static void readdir_entry_with_an_empty_name_is_a_bad_reply(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    uint8_t body[1024];
    struct fuse_entry_out e = mock_entry(10, 0100644, 3, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &e, 1, "ok");
    struct fuse_entry_out none = mock_entry(0, 0100644, 3, 0, 0, 0);
    len = mock_direntplus_add(body, len, &none, 2, "");
    mock_reply(m, req.header.unique, 0, body, len);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint16_t name[16];
    assert_int_equal(first_record_name(out, rsp.IoStatus.Information, name, 16), 2);
    assert_int_equal(mock_info(m).bad_replies, 1);
    mock_free(m);
}

/* The listing's check asks wf_name_has_windows_form, which skips the conversion for plain
   ASCII: it must answer as wf_name_to_windows does, for every byte at every position of a
   name and for the names the conversion refuses. */
static void has_windows_form_agrees_with_the_conversion(void **state)
{
    (void)state;
    static const char *const names[] = {
        "plain", "a:b", "\x01ctl", "caf\xc3\xa9", "\xef\x80\xba", "x\xef\x80\xbay",
        "bad\xff", "\xc3", "a/b", "\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xef\x80\xae",
    };
    size_t units;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_int_equal(wf_name_has_windows_form(names[i], strlen(names[i])),
            wf_name_to_windows(names[i], strlen(names[i]), NULL, 0, &units) !=
                STATUS_OBJECT_NAME_INVALID);
    for (unsigned byte = 0; byte < 0x100; byte++) {
        for (size_t at = 0; at < 3; at++) {
            char name[3] = { 'a', 'b', 'c' };
            name[at] = (char)byte;
            assert_int_equal(wf_name_has_windows_form(name, sizeof name),
                wf_name_to_windows(name, sizeof name, NULL, 0, &units) !=
                    STATUS_OBJECT_NAME_INVALID);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_forbidden_character_maps_to_private_use_and_back),
        cmocka_unit_test(mixed_name_maps_only_its_forbidden_characters),
        cmocka_unit_test(other_private_use_characters_pass_unchanged),
        cmocka_unit_test(every_windows_character_round_trips),
        cmocka_unit_test(slash_has_no_form_on_either_side),
        cmocka_unit_test(fuse_name_holding_a_mapped_private_use_character_has_no_windows_form),
        cmocka_unit_test(invalid_utf8_around_forbidden_characters_is_invalid),
        cmocka_unit_test(unpaired_surrogate_beside_a_mapped_character_is_invalid),
        cmocka_unit_test(overflow_reports_the_needed_length),
        cmocka_unit_test(every_ascii_byte_converts_alike_at_every_position_and_buffer_size),
        cmocka_unit_test(has_windows_form_agrees_with_the_conversion),
        cmocka_unit_test(empty_name_is_empty),
        cmocka_unit_test(fuse_name_with_forbidden_characters_lists_in_private_use_form),
        cmocka_unit_test(windows_name_in_private_use_form_looks_up_the_fuse_name),
        cmocka_unit_test(other_private_use_characters_are_looked_up_as_they_are),
        cmocka_unit_test(windows_name_with_a_slash_is_invalid_without_a_lookup),
        cmocka_unit_test(readdir_names_without_a_windows_form_are_skipped_and_counted),
        cmocka_unit_test(readdir_entry_with_an_empty_name_is_a_bad_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
