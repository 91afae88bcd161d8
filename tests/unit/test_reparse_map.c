/* test_reparse_map.c — REPARSE_DATA_BUFFER for symbolic links and NFS special files, link
   targets between POSIX and Windows form, and the path a link leads to. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/reparse_map.h"

#define T_LNK  0120000u
#define T_REG  0100000u
#define T_SOCK 0140000u
#define T_BLK  0060000u
#define T_CHR  0020000u
#define T_FIFO 0010000u

/* A UTF-16 string from ASCII (with \x escapes kept below 0x80), for expectations. */
static size_t u16(const char *s, uint16_t *out)
{
    size_t n = 0;
    for (; s[n]; n++)
        out[n] = (uint8_t)s[n];
    return n;
}

static void assert_u16_equal(const uint16_t *got, size_t got_units, const char *want)
{
    uint16_t expected[1100];
    size_t n = u16(want, expected);
    assert_int_equal(got_units, n);
    assert_memory_equal(got, expected, n * sizeof(uint16_t));
}

static void to_windows_ok(const char *target, const char *want)
{
    uint16_t out[256];
    size_t units = 99;
    assert_int_equal(wf_reparse_target_to_windows(target, strlen(target), out, 256, &units),
        STATUS_SUCCESS);
    assert_u16_equal(out, units, want);
}

static void to_posix_ok(const char *target, bool only_slash, const char *want)
{
    uint16_t in[256];
    char out[256];
    size_t len = 99, n = u16(target, in);
    assert_int_equal(wf_reparse_target_to_posix(in, n, only_slash, out, sizeof out, &len),
        STATUS_SUCCESS);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
}

/* ---- targets ---- */

static void relative_posix_target_becomes_backslashed(void **state)
{
    (void)state;
    to_windows_ok("a/b", "a\\b");
    to_windows_ok("../x/y", "..\\x\\y");
    to_windows_ok("./f", ".\\f");
    to_windows_ok("name", "name");
}

static void absolute_posix_target_is_volume_rooted(void **state)
{
    (void)state;
    to_windows_ok("/x/y", "\\x\\y");
    to_windows_ok("/", "\\");
    to_windows_ok("//x", "\\x");
}

static void repeated_and_trailing_slashes_collapse(void **state)
{
    (void)state;
    to_windows_ok("a//b/", "a\\b");
    to_windows_ok("dir/", "dir");
}

static void forbidden_characters_in_a_target_map_to_private_use(void **state)
{
    (void)state;
    uint16_t out[16];
    size_t units;
    assert_int_equal(wf_reparse_target_to_windows("a:b/c\\d", 7, out, 16, &units), STATUS_SUCCESS);
    assert_int_equal(units, 7);
    assert_int_equal(out[1], 0xF03A);
    assert_int_equal(out[3], '\\');
    assert_int_equal(out[5], 0xF05C);
}

static void empty_or_unconvertible_target_is_invalid_reparse_data(void **state)
{
    (void)state;
    uint16_t out[16];
    size_t units;
    assert_int_equal(wf_reparse_target_to_windows("", 0, out, 16, &units),
        STATUS_IO_REPARSE_DATA_INVALID);
    assert_int_equal(wf_reparse_target_to_windows("a\0b", 3, out, 16, &units),
        STATUS_IO_REPARSE_DATA_INVALID);
    assert_int_equal(wf_reparse_target_to_windows("\xff", 1, out, 16, &units),
        STATUS_IO_REPARSE_DATA_INVALID);
    /* U+F03A already stands for ':': it would come back as another name. */
    assert_int_equal(wf_reparse_target_to_windows("x/\xef\x80\xba", 5, out, 16, &units),
        STATUS_IO_REPARSE_DATA_INVALID);
}

static void target_too_long_for_the_buffer_says_how_long(void **state)
{
    (void)state;
    uint16_t out[4];
    size_t units;
    assert_int_equal(wf_reparse_target_to_windows("/abc/def", 8, out, 4, &units),
        STATUS_BUFFER_OVERFLOW);
    assert_int_equal(units, 8);
}

static void windows_target_becomes_posix(void **state)
{
    (void)state;
    to_posix_ok("..\\a\\b", false, "../a/b");
    to_posix_ok("\\x\\y", false, "/x/y");
    to_posix_ok("a/b\\\\c\\", false, "a/b/c");
    to_posix_ok("\\", false, "/");
    to_posix_ok("x", false, "x");
}

static void private_use_characters_map_back_in_a_target(void **state)
{
    (void)state;
    uint16_t in[3] = { 'a', 0xF03A, 'b' };
    char out[8];
    size_t len;
    assert_int_equal(wf_reparse_target_to_posix(in, 3, false, out, sizeof out, &len),
        STATUS_SUCCESS);
    assert_int_equal(len, 3);
    assert_memory_equal(out, "a:b", 3);
}

static void nfs_link_target_splits_at_slash_only(void **state)
{
    (void)state;
    to_posix_ok("a\\b/c", true, "a\\b/c");
    to_posix_ok("/abs", true, "/abs");
}

static void empty_or_nul_windows_target_is_invalid(void **state)
{
    (void)state;
    uint16_t in[3] = { 'a', 0, 'b' };
    char out[8];
    size_t len;
    assert_int_equal(wf_reparse_target_to_posix(in, 0, false, out, sizeof out, &len),
        STATUS_IO_REPARSE_DATA_INVALID);
    assert_int_equal(wf_reparse_target_to_posix(in, 3, false, out, sizeof out, &len),
        STATUS_IO_REPARSE_DATA_INVALID);
    uint16_t lone[1] = { 0xD800 };
    assert_int_equal(wf_reparse_target_to_posix(lone, 1, false, out, sizeof out, &len),
        STATUS_IO_REPARSE_DATA_INVALID);
    uint16_t long_name[6] = { 'a', 'b', 'c', 'd', 'e', 'f' };
    assert_int_equal(wf_reparse_target_to_posix(long_name, 6, false, out, 4, &len),
        STATUS_BUFFER_OVERFLOW);
}

/* ---- symbolic link buffers ---- */

static void symlink_buffer_shares_one_name_for_substitute_and_print(void **state)
{
    (void)state;
    uint16_t target[8];
    size_t n = u16("a\\b", target), size;
    uint8_t buf[64];
    memset(buf, 0xcc, sizeof buf);
    assert_int_equal(wf_reparse_build_symlink(target, n, SYMLINK_FLAG_RELATIVE, buf, sizeof buf,
        &size), STATUS_SUCCESS);
    assert_int_equal(size, 20 + 6);
    uint32_t tag, flags;
    uint16_t h[6];
    memcpy(&tag, buf, 4);
    memcpy(h, buf + 4, 12);
    memcpy(&flags, buf + 16, 4);
    assert_int_equal(tag, IO_REPARSE_TAG_SYMLINK);
    assert_int_equal(h[0], 12 + 6);     /* ReparseDataLength */
    assert_int_equal(h[1], 0);          /* Reserved */
    assert_int_equal(h[2], 0);          /* SubstituteNameOffset */
    assert_int_equal(h[3], 6);
    assert_int_equal(h[4], 0);          /* PrintNameOffset */
    assert_int_equal(h[5], 6);
    assert_int_equal(flags, SYMLINK_FLAG_RELATIVE);
    assert_memory_equal(buf + 20, target, 6);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_SUCCESS);
}

static void symlink_buffer_too_small_says_how_big(void **state)
{
    (void)state;
    uint16_t target[4] = { 'a', 'b', 'c', 'd' };
    uint8_t buf[24];
    size_t size;
    assert_int_equal(wf_reparse_build_symlink(target, 4, 0, buf, sizeof buf, &size),
        STATUS_BUFFER_OVERFLOW);
    assert_int_equal(size, 28);
}

/* A buffer as CreateSymbolicLinkW builds one: print name first, substitute name after. */
static size_t windows_style_symlink(uint8_t *buf, const char *substitute, const char *print,
    uint32_t flags)
{
    uint16_t sub[128], prt[128];
    size_t ns = u16(substitute, sub), np = u16(print, prt);
    uint32_t tag = IO_REPARSE_TAG_SYMLINK;
    uint16_t h[6] = { (uint16_t)(12 + 2 * (ns + np)), 0, (uint16_t)(2 * np), (uint16_t)(2 * ns),
        0, (uint16_t)(2 * np) };
    memcpy(buf, &tag, 4);
    memcpy(buf + 4, h, 12);
    memcpy(buf + 16, &flags, 4);
    memcpy(buf + 20, prt, 2 * np);
    memcpy(buf + 20 + 2 * np, sub, 2 * ns);
    return 20 + 2 * (ns + np);
}

static void symlink_substitute_name_is_the_target(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t size = windows_style_symlink(buf, "\\??\\C:\\t", "C:\\t", 0);
    uint16_t target[64];
    size_t units;
    uint32_t flags = 99;
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_SUCCESS);
    assert_int_equal(wf_reparse_get_symlink(buf, size, target, 64, &units, &flags), STATUS_SUCCESS);
    assert_u16_equal(target, units, "\\??\\C:\\t");
    assert_int_equal(flags, 0);
}

static void symlink_buffer_round_trips(void **state)
{
    (void)state;
    uint16_t target[8], back[8];
    size_t n = u16("..\\x", target), size, units;
    uint8_t buf[64];
    uint32_t flags;
    assert_int_equal(wf_reparse_build_symlink(target, n, SYMLINK_FLAG_RELATIVE, buf, sizeof buf,
        &size), STATUS_SUCCESS);
    assert_int_equal(wf_reparse_get_symlink(buf, size, back, 8, &units, &flags), STATUS_SUCCESS);
    assert_u16_equal(back, units, "..\\x");
    assert_int_equal(flags, SYMLINK_FLAG_RELATIVE);
    assert_int_equal(wf_reparse_get_symlink(buf, size, back, 2, &units, &flags),
        STATUS_BUFFER_OVERFLOW);
}

/* ---- validation ---- */

static void short_or_inconsistent_buffer_is_invalid(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t size = windows_style_symlink(buf, "ab", "ab", 1);
    assert_int_equal(wf_reparse_validate(buf, 7), STATUS_IO_REPARSE_DATA_INVALID);
    /* ReparseDataLength disagrees with the size given. */
    assert_int_equal(wf_reparse_validate(buf, size - 2), STATUS_IO_REPARSE_DATA_INVALID);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_SUCCESS);
    /* More than 16 KiB. */
    assert_int_equal(wf_reparse_validate(buf, 16 * 1024 + 1), STATUS_IO_REPARSE_DATA_INVALID);
}

static void reserved_tags_are_invalid_tags(void **state)
{
    (void)state;
    uint8_t buf[8] = { 0 };
    assert_int_equal(wf_reparse_validate(buf, 8), STATUS_IO_REPARSE_TAG_INVALID);
    buf[0] = 1;
    assert_int_equal(wf_reparse_validate(buf, 8), STATUS_IO_REPARSE_TAG_INVALID);
}

static void symlink_names_outside_the_buffer_are_invalid(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t size = windows_style_symlink(buf, "ab", "cd", 1);
    uint16_t v;

    v = 6;      /* SubstituteNameLength reaching past the path buffer */
    memcpy(buf + 10, &v, 2);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_IO_REPARSE_DATA_INVALID);
    v = 3;      /* odd */
    memcpy(buf + 10, &v, 2);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_IO_REPARSE_DATA_INVALID);
    v = 0;      /* empty substitute name */
    memcpy(buf + 10, &v, 2);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_IO_REPARSE_DATA_INVALID);
    v = 4;
    memcpy(buf + 10, &v, 2);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_SUCCESS);
    v = 8;      /* PrintNameOffset past the end */
    memcpy(buf + 12, &v, 2);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_IO_REPARSE_DATA_INVALID);
    /* Too short for the fixed symlink fields. */
    uint32_t tag = IO_REPARSE_TAG_SYMLINK;
    uint16_t h[2] = { 4, 0 };
    memcpy(buf, &tag, 4);
    memcpy(buf + 4, h, 4);
    assert_int_equal(wf_reparse_validate(buf, 12), STATUS_IO_REPARSE_DATA_INVALID);
}

static void third_party_tag_needs_the_guid_header(void **state)
{
    (void)state;
    uint8_t buf[32] = { 0 };
    uint32_t tag = 0x00001234u;
    memcpy(buf, &tag, 4);
    assert_int_equal(wf_reparse_validate(buf, 8), STATUS_IO_REPARSE_DATA_INVALID);
    assert_int_equal(wf_reparse_validate(buf, 24), STATUS_SUCCESS);
    tag = 0x80001234u;      /* a Microsoft tag: 8 bytes of header */
    memcpy(buf, &tag, 4);
    assert_int_equal(wf_reparse_validate(buf, 8), STATUS_SUCCESS);
}

/* ---- NFS ---- */

static void nfs_fifo_and_socket_carry_their_type_only(void **state)
{
    (void)state;
    uint8_t buf[32];
    size_t size;
    uint64_t type;
    uint16_t length;
    assert_int_equal(wf_reparse_build_nfs(T_FIFO | 0644, 0, buf, sizeof buf, &size),
        STATUS_SUCCESS);
    assert_int_equal(size, 16);
    memcpy(&length, buf + 4, 2);
    memcpy(&type, buf + 8, 8);
    assert_int_equal(length, 8);
    assert_int_equal(type, NFS_SPECFILE_FIFO);
    assert_int_equal(wf_reparse_tag(buf), IO_REPARSE_TAG_NFS);
    assert_int_equal(wf_reparse_validate(buf, size), STATUS_SUCCESS);
    assert_int_equal(wf_reparse_build_nfs(T_SOCK | 0755, 0, buf, sizeof buf, &size),
        STATUS_SUCCESS);
    memcpy(&type, buf + 8, 8);
    assert_int_equal(type, NFS_SPECFILE_SOCK);
}

static void nfs_devices_carry_major_and_minor(void **state)
{
    (void)state;
    uint8_t buf[32];
    size_t size;
    uint64_t type;
    uint32_t major, minor, mode, rdev;
    uint32_t dev = wf_dev_make(259, 0x12345);
    assert_int_equal(wf_reparse_build_nfs(T_BLK | 0660, dev, buf, sizeof buf, &size),
        STATUS_SUCCESS);
    assert_int_equal(size, 24);
    memcpy(&type, buf + 8, 8);
    memcpy(&major, buf + 16, 4);
    memcpy(&minor, buf + 20, 4);
    assert_int_equal(type, NFS_SPECFILE_BLK);
    assert_int_equal(major, 259);
    assert_int_equal(minor, 0x12345);
    assert_int_equal(wf_reparse_get_nfs(buf, size, &mode, &rdev, NULL, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(mode, T_BLK);
    assert_int_equal(rdev, dev);

    assert_int_equal(wf_reparse_build_nfs(T_CHR, wf_dev_make(1, 3), buf, sizeof buf, &size),
        STATUS_SUCCESS);
    assert_int_equal(wf_reparse_get_nfs(buf, size, &mode, &rdev, NULL, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(mode, T_CHR);
    assert_int_equal(rdev, (1u << 8) | 3u);   /* Linux's encoding of 1:3 (/dev/null) */
}

static void device_numbers_use_linux_encoding(void **state)
{
    (void)state;
    assert_int_equal(wf_dev_make(8, 1), 0x801);
    assert_int_equal(wf_dev_major(0x801), 8);
    assert_int_equal(wf_dev_minor(0x801), 1);
    uint32_t dev = wf_dev_make(0xabc, 0xfedcb);
    assert_int_equal(wf_dev_major(dev), 0xabc);
    assert_int_equal(wf_dev_minor(dev), 0xfedcb);
}

static void regular_file_has_no_nfs_reparse_data(void **state)
{
    (void)state;
    uint8_t buf[32];
    size_t size;
    assert_int_equal(wf_reparse_build_nfs(T_REG | 0644, 0, buf, sizeof buf, &size),
        STATUS_NOT_A_REPARSE_POINT);
    assert_int_equal(wf_reparse_build_nfs(T_LNK | 0777, 0, buf, sizeof buf, &size),
        STATUS_NOT_A_REPARSE_POINT);
}

static void nfs_link_gives_its_posix_target(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    uint32_t tag = IO_REPARSE_TAG_NFS, mode, rdev;
    uint16_t length = 8 + 6, target[8];
    uint64_t type = NFS_SPECFILE_LNK;
    uint16_t name[3] = { 'a', '/', 'b' };
    size_t units;
    memcpy(buf, &tag, 4);
    memcpy(buf + 4, &length, 2);
    memcpy(buf + 8, &type, 8);
    memcpy(buf + 16, name, 6);
    assert_int_equal(wf_reparse_validate(buf, 22), STATUS_SUCCESS);
    assert_int_equal(wf_reparse_get_nfs(buf, 22, &mode, &rdev, target, 8, &units), STATUS_SUCCESS);
    assert_int_equal(mode, T_LNK);
    assert_int_equal(units, 3);
    assert_memory_equal(target, name, 6);
}

static void unknown_or_short_nfs_data_is_invalid(void **state)
{
    (void)state;
    uint8_t buf[32] = { 0 };
    uint32_t tag = IO_REPARSE_TAG_NFS, mode, rdev, big = 0x1000;
    uint16_t length = 8;
    uint64_t type = 0x4242;
    memcpy(buf, &tag, 4);
    memcpy(buf + 4, &length, 2);
    memcpy(buf + 8, &type, 8);
    assert_int_equal(wf_reparse_get_nfs(buf, 16, &mode, &rdev, NULL, 0, NULL),
        STATUS_IO_REPARSE_DATA_INVALID);
    type = NFS_SPECFILE_CHR;    /* a device without its numbers */
    memcpy(buf + 8, &type, 8);
    assert_int_equal(wf_reparse_get_nfs(buf, 16, &mode, &rdev, NULL, 0, NULL),
        STATUS_IO_REPARSE_DATA_INVALID);
    length = 16;                /* a major Linux cannot encode */
    memcpy(buf + 4, &length, 2);
    memcpy(buf + 16, &big, 4);
    assert_int_equal(wf_reparse_get_nfs(buf, 24, &mode, &rdev, NULL, 0, NULL),
        STATUS_IO_REPARSE_DATA_INVALID);
    length = 4;                 /* shorter than the type */
    memcpy(buf + 4, &length, 2);
    assert_int_equal(wf_reparse_validate(buf, 12), STATUS_IO_REPARSE_DATA_INVALID);
}

/* ---- the path a link leads to ---- */

static void splice_ok(const char *path, const char *link, const char *target, const char *want)
{
    uint16_t p[256], t[256], out[256];
    size_t n = u16(path, p), tn = u16(target, t), units;
    const char *at = strstr(path, link);
    assert_non_null(at);
    size_t start = (size_t)(at - path);
    assert_int_equal(wf_reparse_splice(p, n, start, start + strlen(link), t, tn, out, 256, &units),
        STATUS_SUCCESS);
    assert_u16_equal(out, units, want);
}

static void relative_link_in_the_middle_keeps_prefix_and_rest(void **state)
{
    (void)state;
    splice_ok("\\a\\link\\rest\\f", "link", "b\\c", "\\a\\b\\c\\rest\\f");
    splice_ok("\\link\\f", "link", "d", "\\d\\f");
}

static void volume_rooted_target_replaces_the_prefix(void **state)
{
    (void)state;
    splice_ok("\\a\\b\\link\\f", "link", "\\x\\y", "\\x\\y\\f");
    splice_ok("\\a\\link", "link", "\\", "\\");
}

static void dot_dot_resolves_lexically_and_stops_at_the_root(void **state)
{
    (void)state;
    splice_ok("\\a\\b\\link", "link", "..\\c", "\\a\\c");
    splice_ok("\\a\\link\\f", "link", "..\\..\\..\\y", "\\y\\f");
    splice_ok("\\a\\link", "link", ".", "\\a");
    splice_ok("\\a\\link", "link", "..", "\\");
    splice_ok("\\a\\link\\g", "link", ".\\x\\.\\..\\z", "\\a\\z\\g");
}

static void forward_slashes_in_a_windows_target_separate_too(void **state)
{
    (void)state;
    splice_ok("\\a\\link", "link", "x/y", "\\a\\x\\y");
}

static void spliced_path_beyond_the_limit_is_not_resolved(void **state)
{
    (void)state;
    uint16_t p[8], t[300], out[64];
    size_t n = u16("\\a\\l", p), units;
    for (size_t i = 0; i < 300; i++)
        t[i] = 'x';
    assert_int_equal(wf_reparse_splice(p, n, 3, 4, t, 300, out, 64, &units),
        STATUS_REPARSE_POINT_NOT_RESOLVED);
    /* A link span outside the path. */
    assert_int_equal(wf_reparse_splice(p, n, 3, 9, t, 1, out, 64, &units),
        STATUS_REPARSE_POINT_NOT_RESOLVED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relative_posix_target_becomes_backslashed),
        cmocka_unit_test(absolute_posix_target_is_volume_rooted),
        cmocka_unit_test(repeated_and_trailing_slashes_collapse),
        cmocka_unit_test(forbidden_characters_in_a_target_map_to_private_use),
        cmocka_unit_test(empty_or_unconvertible_target_is_invalid_reparse_data),
        cmocka_unit_test(target_too_long_for_the_buffer_says_how_long),
        cmocka_unit_test(windows_target_becomes_posix),
        cmocka_unit_test(private_use_characters_map_back_in_a_target),
        cmocka_unit_test(nfs_link_target_splits_at_slash_only),
        cmocka_unit_test(empty_or_nul_windows_target_is_invalid),
        cmocka_unit_test(symlink_buffer_shares_one_name_for_substitute_and_print),
        cmocka_unit_test(symlink_buffer_too_small_says_how_big),
        cmocka_unit_test(symlink_substitute_name_is_the_target),
        cmocka_unit_test(symlink_buffer_round_trips),
        cmocka_unit_test(short_or_inconsistent_buffer_is_invalid),
        cmocka_unit_test(reserved_tags_are_invalid_tags),
        cmocka_unit_test(symlink_names_outside_the_buffer_are_invalid),
        cmocka_unit_test(third_party_tag_needs_the_guid_header),
        cmocka_unit_test(nfs_fifo_and_socket_carry_their_type_only),
        cmocka_unit_test(nfs_devices_carry_major_and_minor),
        cmocka_unit_test(device_numbers_use_linux_encoding),
        cmocka_unit_test(regular_file_has_no_nfs_reparse_data),
        cmocka_unit_test(nfs_link_gives_its_posix_target),
        cmocka_unit_test(unknown_or_short_nfs_data_is_invalid),
        cmocka_unit_test(relative_link_in_the_middle_keeps_prefix_and_rest),
        cmocka_unit_test(volume_rooted_target_replaces_the_prefix),
        cmocka_unit_test(dot_dot_resolves_lexically_and_stops_at_the_root),
        cmocka_unit_test(forward_slashes_in_a_windows_target_separate_too),
        cmocka_unit_test(spliced_path_beyond_the_limit_is_not_resolved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
