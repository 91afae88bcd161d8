/* test_ea_map.c — FILE_FULL_EA_INFORMATION lists: the checks NT makes, walking, building
   with 4-byte alignment, NTFS's EaSize, and the case folding of case-insensitive volumes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/case_fold.h"
#include "winfuse/ea_map.h"

/* Appends one entry the way a Windows caller lays a list out; returns its offset. */
static uint32_t add(uint8_t *buf, uint32_t *used, uint32_t *last, const char *name,
    const char *value, uint8_t flags)
{
    uint32_t entry, value_at, room;
    assert_true(wf_ea_begin(buf, 512, *used, name, (uint32_t)strlen(name), &entry, &value_at,
        &room));
    memcpy(buf + value_at, value, strlen(value));
    wf_ea_end(buf, entry, (uint32_t)strlen(name), (uint32_t)strlen(value), used, last);
    buf[entry + 4] = flags;
    return entry;
}

static void built_entries_are_four_byte_aligned_and_linked(void **state)
{
    (void)state;
    uint8_t buf[512];
    uint32_t used = 0, last = WF_EA_NONE;
    memset(buf, 0xAA, sizeof buf);
    uint32_t a = add(buf, &used, &last, "A", "xy", 0);          /* 8 + 2 + 2 = 12 */
    uint32_t b = add(buf, &used, &last, "name2", "v", 0);       /* 8 + 6 + 1 = 15 */
    uint32_t c = add(buf, &used, &last, "c", "value", 0);
    assert_int_equal(a, 0);
    assert_int_equal(b, 12);
    assert_int_equal(c, 28);                                    /* 12 + 15 rounded up */
    assert_int_equal(used, 28 + 8 + 2 + 5);
    uint32_t next;
    memcpy(&next, buf + a, 4);
    assert_int_equal(next, 12);
    memcpy(&next, buf + b, 4);
    assert_int_equal(next, 16);
    memcpy(&next, buf + c, 4);
    assert_int_equal(next, 0);
    assert_int_equal(buf[27], 0);       /* padding is zeroed */
    assert_int_equal(buf[b + 5], 5);    /* EaNameLength */
    assert_int_equal(buf[b + 6], 1);    /* EaValueLength */
    assert_int_equal(buf[b + 8 + 5], 0);    /* the name's NUL */

    uint32_t off;
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_SUCCESS);
    wf_ea_view ea;
    uint32_t pos = 0;
    assert_true(wf_ea_next(buf, used, &pos, &ea));
    assert_memory_equal(ea.name, "A", 1);
    assert_int_equal(ea.value_len, 2);
    assert_memory_equal(ea.value, "xy", 2);
    assert_true(wf_ea_next(buf, used, &pos, &ea));
    assert_memory_equal(ea.name, "name2", 5);
    assert_true(wf_ea_next(buf, used, &pos, &ea));
    assert_memory_equal(ea.value, "value", 5);
    assert_int_equal(pos, used);
    assert_false(wf_ea_next(buf, used, &pos, &ea));
}

static void begin_refuses_an_entry_without_room_for_one_value_byte(void **state)
{
    (void)state;
    uint8_t buf[32];
    uint32_t entry, value_at, room;
    /* 8 + 5 + 1 = 14 bytes before the value: 15 fit exactly. */
    assert_true(wf_ea_begin(buf, 15, 0, "abcde", 5, &entry, &value_at, &room));
    assert_int_equal(value_at, 14);
    assert_int_equal(room, 1);
    assert_false(wf_ea_begin(buf, 14, 0, "abcde", 5, &entry, &value_at, &room));
    /* After an entry of 13 bytes the next starts at 16. */
    assert_false(wf_ea_begin(buf, 30, 13, "abcde", 5, &entry, &value_at, &room));
    assert_true(wf_ea_begin(buf, 31, 13, "abcde", 5, &entry, &value_at, &room));
    assert_int_equal(entry, 16);
}

static void value_room_is_capped_at_the_largest_ea_value(void **state)
{
    (void)state;
    static uint8_t buf[70000];
    uint32_t entry, value_at, room;
    assert_true(wf_ea_begin(buf, sizeof buf, 0, "n", 1, &entry, &value_at, &room));
    assert_int_equal(room, 65535);
}

static void empty_list_is_valid(void **state)
{
    (void)state;
    uint32_t off;
    assert_int_equal(wf_ea_check(NULL, 0, &off), STATUS_SUCCESS);
}

static void entry_past_the_buffer_is_inconsistent(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    uint32_t used = 0, last = WF_EA_NONE, off;
    add(buf, &used, &last, "name", "value", 0);
    assert_int_equal(wf_ea_check(buf, used - 1, &off), STATUS_EA_LIST_INCONSISTENT);
    assert_int_equal(wf_ea_check(buf, 7, &off), STATUS_EA_LIST_INCONSISTENT);
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_SUCCESS);
}

static void name_without_nul_is_inconsistent(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    uint32_t used = 0, last = WF_EA_NONE, off;
    add(buf, &used, &last, "name", "value", 0);
    buf[8 + 4] = 'x';
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_EA_LIST_INCONSISTENT);
}

static void misaligned_or_short_next_offset_is_inconsistent(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    uint32_t used = 0, last = WF_EA_NONE, off;
    add(buf, &used, &last, "a", "1", 0);
    uint32_t second = add(buf, &used, &last, "b", "2", 0);
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_SUCCESS);
    uint32_t next = 13;             /* not a multiple of 4 */
    memcpy(buf, &next, 4);
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_EA_LIST_INCONSISTENT);
    assert_int_equal(off, 0);
    next = 4;                       /* inside the first entry */
    memcpy(buf, &next, 4);
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_EA_LIST_INCONSISTENT);
    next = second;
    memcpy(buf, &next, 4);
    next = used - second;           /* the last one linking to the end of the buffer */
    memcpy(buf + second, &next, 4);
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_EA_LIST_INCONSISTENT);
    assert_int_equal(off, second);
}

static void invalid_name_is_invalid_ea_name_with_its_offset(void **state)
{
    (void)state;
    static const char *bad[] = { "a*b", "a?", "x/y", "x\\y", "a:b", "a|b", "a<b", "a>b",
        "a\"b", "a+b", "a,b", "a;b", "a=b", "a[b", "a]b", "tab\t" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t buf[64] = { 0 };
        uint32_t used = 0, last = WF_EA_NONE, off;
        add(buf, &used, &last, "good", "1", 0);
        uint32_t second = add(buf, &used, &last, bad[i], "2", 0);
        assert_int_equal(wf_ea_check(buf, used, &off), STATUS_INVALID_EA_NAME);
        assert_int_equal(off, second);
    }
    /* Dots, spaces, digits and characters beyond ASCII are allowed. */
    assert_true(wf_ea_name_valid("my.attr name-1_\xc3\xa9", 17));
    assert_false(wf_ea_name_valid("", 0));
    char long_name[256];
    memset(long_name, 'n', sizeof long_name);
    assert_true(wf_ea_name_valid(long_name, 254));
    assert_false(wf_ea_name_valid(long_name, 255));
}

static void empty_name_is_invalid_ea_name(void **state)
{
    (void)state;
    uint8_t buf[16] = { 0 };
    buf[6] = 1;     /* name length 0, value length 1: 8 + 0 + 1 + 1 */
    uint32_t off;
    assert_int_equal(wf_ea_check(buf, 10, &off), STATUS_INVALID_EA_NAME);
}

static void flags_other_than_need_ea_are_invalid_ea_name(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    uint32_t used = 0, last = WF_EA_NONE, off;
    add(buf, &used, &last, "a", "1", WF_EA_FLAG_NEED_EA);
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_SUCCESS);
    buf[4] = 0x01;
    assert_int_equal(wf_ea_check(buf, used, &off), STATUS_INVALID_EA_NAME);
}

/* NTFS stores EA names upper-cased and compares them without case: ASCII letters fold,
   other bytes (UTF-8 included) stay as they are. */
static void ea_names_upcase_and_compare_without_case(void **state)
{
    (void)state;
    char name[] = "color.Tag_9\xc3\xa9";
    wf_ea_name_upcase(name, strlen(name));
    assert_string_equal(name, "COLOR.TAG_9\xc3\xa9");
    assert_true(wf_ea_name_equal("Color", 5, "cOLOR", 5));
    assert_false(wf_ea_name_equal("Color", 5, "Colour", 6));
    assert_false(wf_ea_name_equal("\xc3\xa9", 2, "\xc3\x89", 2));
    assert_true(wf_ea_name_has_lower("ABc", 3));
    assert_false(wf_ea_name_has_lower("AB_1\xc3\xa9", 6));
}

static void packed_size_is_what_ntfs_reports(void **state)
{
    (void)state;
    /* Flags, name length, value length, name, NUL, value. */
    assert_int_equal(wf_ea_packed_size(6, 5), 16);
    assert_int_equal(wf_ea_entry_size(6, 5), 20);
}

/* Case folding ------------------------------------------------------------------------- */

static void folding_equates_ascii_latin1_greek_and_cyrillic_cases(void **state)
{
    (void)state;
    assert_true(wf_fold_equal("ReadMe.TXT", 10, "readme.txt", 10));
    assert_true(wf_fold_equal("\xc3\xa9t\xc3\xa9", 5, "\xc3\x89T\xc3\x89", 5));  /* été ÉTÉ */
    assert_true(wf_fold_equal("\xc3\xbf", 2, "\xc5\xb8", 2));                   /* ÿ Ÿ */
    assert_true(wf_fold_equal("\xc4\x9b", 2, "\xc4\x9a", 2));                   /* ě Ě */
    assert_true(wf_fold_equal("\xce\xb1\xcf\x82", 4, "\xce\x91\xce\xa3", 4));   /* ας ΑΣ */
    assert_true(wf_fold_equal("\xd0\xb4\xd1\x91", 4, "\xd0\x94\xd0\x81", 4));   /* дё ДЁ */
    assert_false(wf_fold_equal("a", 1, "b", 1));
    assert_false(wf_fold_equal("abc", 3, "ab", 2));
    /* Invalid UTF-8 compares as itself and folds nothing. */
    assert_true(wf_fold_equal("\xff" "a", 2, "\xff" "A", 2));
    assert_false(wf_fold_equal("\xc3", 1, "\xc3\xa9", 2));
}

static void folded_names_hash_alike(void **state)
{
    (void)state;
    assert_int_equal(wf_fold_hash(7, "ReadMe.TXT", 10), wf_fold_hash(7, "README.txt", 10));
    assert_int_not_equal(wf_fold_hash(7, "ReadMe.TXT", 10), wf_fold_hash(7, "ReadMe.TXX", 10));
}

static void only_ascii_without_letters_is_caseless(void **state)
{
    (void)state;
    assert_true(wf_fold_is_caseless("2024-01_#1", 10));
    assert_false(wf_fold_is_caseless("a1", 2));
    assert_false(wf_fold_is_caseless("\xe6\x97\xa5", 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(built_entries_are_four_byte_aligned_and_linked),
        cmocka_unit_test(begin_refuses_an_entry_without_room_for_one_value_byte),
        cmocka_unit_test(value_room_is_capped_at_the_largest_ea_value),
        cmocka_unit_test(empty_list_is_valid),
        cmocka_unit_test(entry_past_the_buffer_is_inconsistent),
        cmocka_unit_test(name_without_nul_is_inconsistent),
        cmocka_unit_test(misaligned_or_short_next_offset_is_inconsistent),
        cmocka_unit_test(invalid_name_is_invalid_ea_name_with_its_offset),
        cmocka_unit_test(empty_name_is_invalid_ea_name),
        cmocka_unit_test(flags_other_than_need_ea_are_invalid_ea_name),
        cmocka_unit_test(ea_names_upcase_and_compare_without_case),
        cmocka_unit_test(packed_size_is_what_ntfs_reports),
        cmocka_unit_test(folding_equates_ascii_latin1_greek_and_cyrillic_cases),
        cmocka_unit_test(folded_names_hash_alike),
        cmocka_unit_test(only_ascii_without_letters_is_caseless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
