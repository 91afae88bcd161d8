/* test_utf.c — strict UTF-16 ⇄ UTF-8 for names: valid forms, every kind of malformed input, buffer sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/mappings.h"

#define SENTINEL8  ((char)0x5A)
#define SENTINEL16 ((uint16_t)0x5A5A)

/* One code point (or several units) in both forms. */
struct pair {
    const char *utf8;
    size_t utf8_len;
    uint16_t utf16[4];
    size_t utf16_len;
};

static const struct pair pairs[] = {
    { "A", 1, { 0x0041 }, 1 },
    { "\x7F", 1, { 0x007F }, 1 },
    { "\xC2\x80", 2, { 0x0080 }, 1 },
    { "\xC3\xA9", 2, { 0x00E9 }, 1 },                      /* é */
    { "\xDF\xBF", 2, { 0x07FF }, 1 },
    { "\xE0\xA0\x80", 3, { 0x0800 }, 1 },
    { "\xE2\x82\xAC", 3, { 0x20AC }, 1 },                  /* € */
    { "\xED\x9F\xBF", 3, { 0xD7FF }, 1 },                  /* just below the surrogates */
    { "\xEE\x80\x80", 3, { 0xE000 }, 1 },                  /* just above them */
    { "\xEF\xBF\xBD", 3, { 0xFFFD }, 1 },
    { "\xEF\xBF\xBF", 3, { 0xFFFF }, 1 },
    { "\xF0\x90\x80\x80", 4, { 0xD800, 0xDC00 }, 2 },      /* U+10000 */
    { "\xF0\x9F\x98\x80", 4, { 0xD83D, 0xDE00 }, 2 },      /* U+1F600 */
    { "\xF4\x8F\xBF\xBF", 4, { 0xDBFF, 0xDFFF }, 2 },      /* U+10FFFF */
};

static void test_each_form_converts_both_ways(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char u8[8];
        uint16_t u16[4];
        size_t len = 99;

        assert_int_equal(wf_utf16_to_utf8(pairs[i].utf16, pairs[i].utf16_len, u8, sizeof u8, &len),
            STATUS_SUCCESS);
        assert_int_equal(len, pairs[i].utf8_len);
        assert_memory_equal(u8, pairs[i].utf8, len);

        len = 99;
        assert_int_equal(wf_utf8_to_utf16(pairs[i].utf8, pairs[i].utf8_len, u16, 4, &len),
            STATUS_SUCCESS);
        assert_int_equal(len, pairs[i].utf16_len);
        assert_memory_equal(u16, pairs[i].utf16, len * sizeof(uint16_t));
    }
}

static void test_ascii_name_converts_unit_for_unit(void **state)
{
    static const char name[] = "Hello, World.txt";
    uint16_t u16[32];
    char u8[32];
    size_t len;
    (void)state;
    assert_int_equal(wf_utf8_to_utf16(name, sizeof name - 1, u16, 32, &len), STATUS_SUCCESS);
    assert_int_equal(len, sizeof name - 1);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(u16[i], (uint16_t)name[i]);
    assert_int_equal(wf_utf16_to_utf8(u16, len, u8, sizeof u8, &len), STATUS_SUCCESS);
    assert_int_equal(len, sizeof name - 1);
    assert_memory_equal(u8, name, len);
}

static void test_mixed_name_converts_both_ways(void **state)
{
    static const char u8_name[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";    /* aé€😀z */
    static const uint16_t u16_name[] = { 'a', 0x00E9, 0x20AC, 0xD83D, 0xDE00, 'z' };
    uint16_t u16[16];
    char u8[16];
    size_t len;
    (void)state;
    assert_int_equal(wf_utf8_to_utf16(u8_name, sizeof u8_name - 1, u16, 16, &len), STATUS_SUCCESS);
    assert_int_equal(len, 6);
    assert_memory_equal(u16, u16_name, sizeof u16_name);
    assert_int_equal(wf_utf16_to_utf8(u16_name, 6, u8, sizeof u8, &len), STATUS_SUCCESS);
    assert_int_equal(len, sizeof u8_name - 1);
    assert_memory_equal(u8, u8_name, len);
}

static void test_empty_input_is_empty_output(void **state)
{
    size_t len = 99;
    (void)state;
    assert_int_equal(wf_utf16_to_utf8(NULL, 0, NULL, 0, &len), STATUS_SUCCESS);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(wf_utf8_to_utf16(NULL, 0, NULL, 0, &len), STATUS_SUCCESS);
    assert_int_equal(len, 0);
}

/* Every scalar value U+0001..U+10FFFF survives UTF-16 → UTF-8 → UTF-16. */
static void test_every_code_point_round_trips(void **state)
{
    (void)state;
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        uint16_t in[2], back[2];
        char u8[4];
        size_t in_len, u8_len, back_len;

        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        if (cp < 0x10000) {
            in[0] = (uint16_t)cp;
            in_len = 1;
        } else {
            in[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
            in[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
            in_len = 2;
        }
        if (wf_utf16_to_utf8(in, in_len, u8, sizeof u8, &u8_len) != STATUS_SUCCESS ||
            u8_len != (cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u) ||
            wf_utf8_to_utf16(u8, u8_len, back, 2, &back_len) != STATUS_SUCCESS ||
            back_len != in_len || memcmp(back, in, in_len * sizeof(uint16_t)) != 0)
            fail_msg("U+%04X does not round-trip", (unsigned)cp);
    }
}

static void assert_utf16_invalid(const uint16_t *src, size_t len)
{
    char u8[16];
    size_t out = 99;
    assert_int_equal(wf_utf16_to_utf8(src, len, u8, sizeof u8, &out), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(out, 0);
    /* Invalid input is reported as such even when the buffer is also too small. */
    out = 99;
    assert_int_equal(wf_utf16_to_utf8(src, len, NULL, 0, &out), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(out, 0);
}

static void test_unpaired_surrogates_in_utf16_are_invalid(void **state)
{
    static const uint16_t high_at_end[] = { 'a', 0xD83D };
    static const uint16_t high_then_ascii[] = { 0xD83D, 'a' };
    static const uint16_t high_then_high[] = { 0xD83D, 0xD83D, 0xDE00 };
    static const uint16_t lone_low[] = { 'a', 0xDE00, 'b' };
    static const uint16_t reversed_pair[] = { 0xDE00, 0xD83D };
    static const uint16_t lowest_low[] = { 0xDC00 };
    static const uint16_t highest_high[] = { 0xDBFF };
    (void)state;
    assert_utf16_invalid(high_at_end, 2);
    assert_utf16_invalid(high_then_ascii, 2);
    assert_utf16_invalid(high_then_high, 3);
    assert_utf16_invalid(lone_low, 3);
    assert_utf16_invalid(reversed_pair, 2);
    assert_utf16_invalid(lowest_low, 1);
    assert_utf16_invalid(highest_high, 1);
}

/* A NUL would cut the C-string name short on the FUSE side. */
static void test_nul_is_invalid_in_both_directions(void **state)
{
    static const uint16_t u16[] = { 'a', 0, 'b' };
    uint16_t out16[4];
    size_t len = 99;
    (void)state;
    assert_utf16_invalid(u16, 3);
    assert_int_equal(wf_utf8_to_utf16("a\0b", 3, out16, 4, &len), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(len, 0);
}

static void test_malformed_utf8_is_invalid(void **state)
{
    static const struct { const char *bytes; size_t len; const char *what; } cases[] = {
        { "\x80", 1, "stray continuation byte" },
        { "a\xBF" "b", 3, "stray continuation byte inside" },
        { "\xC0\x80", 2, "overlong NUL" },
        { "\xC0\xAF", 2, "overlong '/'" },
        { "\xC1\xBF", 2, "overlong 2-byte" },
        { "\xE0\x80\x80", 3, "overlong 3-byte NUL" },
        { "\xE0\x9F\xBF", 3, "overlong 3-byte U+07FF" },
        { "\xF0\x80\x80\x80", 4, "overlong 4-byte NUL" },
        { "\xF0\x8F\xBF\xBF", 4, "overlong 4-byte U+FFFF" },
        { "\xED\xA0\x80", 3, "encoded high surrogate U+D800" },
        { "\xED\xAF\xBF", 3, "encoded high surrogate U+DBFF" },
        { "\xED\xB0\x80", 3, "encoded low surrogate U+DC00" },
        { "\xED\xBF\xBF", 3, "encoded low surrogate U+DFFF" },
        { "\xED\xA0\xBD\xED\xB8\x80", 6, "CESU-8 surrogate pair" },
        { "\xF4\x90\x80\x80", 4, "U+110000" },
        { "\xF7\xBF\xBF\xBF", 4, "U+1FFFFF" },
        { "\xF5\x80\x80\x80", 4, "lead byte F5" },
        { "\xF8\x88\x80\x80\x80", 5, "5-byte form" },
        { "\xFC\x84\x80\x80\x80\x80", 6, "6-byte form" },
        { "\xFE", 1, "byte FE" },
        { "\xFF", 1, "byte FF" },
        { "\xC3", 1, "truncated 2-byte" },
        { "\xE2\x82", 2, "truncated 3-byte" },
        { "\xF0\x9F\x98", 3, "truncated 4-byte" },
        { "a\xF0\x9F", 3, "truncated at the end of a name" },
        { "\xC3\x28", 2, "2-byte with a bad continuation" },
        { "\xE2\x28\xA1", 3, "3-byte with a bad second byte" },
        { "\xE2\x82\x28", 3, "3-byte with a bad third byte" },
        { "\xF0\x9F\x98\x28", 4, "4-byte with a bad last byte" },
        { "\xE2\x82\xC3\xA9", 4, "3-byte cut short by a new lead byte" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint16_t out[16];
        size_t len = 99;
        NTSTATUS status = wf_utf8_to_utf16(cases[i].bytes, cases[i].len, out, 16, &len);
        if (status != STATUS_OBJECT_NAME_INVALID || len != 0)
            fail_msg("%s: status 0x%08x, length %zu", cases[i].what, (unsigned)status, len);
        len = 99;
        status = wf_utf8_to_utf16(cases[i].bytes, cases[i].len, NULL, 0, &len);
        if (status != STATUS_OBJECT_NAME_INVALID || len != 0)
            fail_msg("%s, no buffer: status 0x%08x", cases[i].what, (unsigned)status);
    }
}

/* "aé€😀" is 10 bytes of UTF-8 and 5 units of UTF-16. */
static const char fit8[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
static const uint16_t fit16[] = { 'a', 0x00E9, 0x20AC, 0xD83D, 0xDE00 };

static void test_exact_fit_succeeds(void **state)
{
    char u8[10];
    uint16_t u16[5];
    size_t len;
    (void)state;
    assert_int_equal(wf_utf16_to_utf8(fit16, 5, u8, 10, &len), STATUS_SUCCESS);
    assert_int_equal(len, 10);
    assert_memory_equal(u8, fit8, 10);
    assert_int_equal(wf_utf8_to_utf16(fit8, 10, u16, 5, &len), STATUS_SUCCESS);
    assert_int_equal(len, 5);
    assert_memory_equal(u16, fit16, sizeof fit16);
}

/* One unit short overflows, reports the length needed, and never writes half a character. */
static void test_one_short_overflows_with_the_needed_length(void **state)
{
    char u8[10];
    uint16_t u16[5];
    size_t len = 0;
    (void)state;
    memset(u8, SENTINEL8, sizeof u8);
    assert_int_equal(wf_utf16_to_utf8(fit16, 5, u8, 9, &len), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(len, 10);
    for (size_t i = 6; i < 10; i++)          /* the 4-byte sequence did not fit: none of it */
        assert_int_equal(u8[i], SENTINEL8);

    for (size_t i = 0; i < 5; i++)
        u16[i] = SENTINEL16;
    len = 0;
    assert_int_equal(wf_utf8_to_utf16(fit8, 10, u16, 4, &len), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(len, 5);
    assert_int_equal(u16[3], SENTINEL16);    /* no high surrogate without its low half */
}

static void test_zero_capacity_reports_the_needed_length(void **state)
{
    size_t len = 0;
    (void)state;
    assert_int_equal(wf_utf16_to_utf8(fit16, 5, NULL, 0, &len), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(len, 10);
    len = 0;
    assert_int_equal(wf_utf8_to_utf16(fit8, 10, NULL, 0, &len), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(len, 5);
}

/* A small character after one that did not fit is not written out of order either. */
static void test_overflow_stops_writing_at_the_first_character_that_does_not_fit(void **state)
{
    static const uint16_t src[] = { 0x20AC, 'b' };     /* 3 bytes, then 1 */
    char u8[3];
    size_t len = 0;
    (void)state;
    memset(u8, SENTINEL8, sizeof u8);
    assert_int_equal(wf_utf16_to_utf8(src, 2, u8, 2, &len), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(len, 4);
    assert_int_equal(u8[0], SENTINEL8);
    assert_int_equal(u8[1], SENTINEL8);
}

/* ASCII is copied ahead of the per-code-point work: a NUL right after it, a multi-byte
   character after it, and every buffer size around both still come out as before. */
static void test_ascii_prefix_then_other_characters_at_every_buffer_size(void **state)
{
    static const uint16_t w[] = { 'a', 'b', 'c', 0x20AC, 'd' };
    static const char u[] = "abc\xE2\x82\xAC" "d";
    static const uint16_t w_nul[] = { 'a', 'b', 0 };
    (void)state;
    for (size_t cap = 0; cap <= 8; cap++) {
        char u8[8];
        uint16_t u16[8];
        size_t len = 99;
        assert_int_equal(wf_utf16_to_utf8(w, 5, cap ? u8 : NULL, cap, &len),
            cap < 7 ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS);
        assert_int_equal(len, 7);
        if (cap >= 7)
            assert_memory_equal(u8, u, 7);
        len = 99;
        assert_int_equal(wf_utf8_to_utf16(u, 7, cap ? u16 : NULL, cap, &len),
            cap < 5 ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS);
        assert_int_equal(len, 5);
        if (cap >= 5)
            assert_memory_equal(u16, w, sizeof w);
        len = 99;
        assert_int_equal(wf_utf16_to_utf8(w_nul, 3, cap ? u8 : NULL, cap, &len),
            STATUS_OBJECT_NAME_INVALID);
        assert_int_equal(len, 0);
        len = 99;
        assert_int_equal(wf_utf8_to_utf16("ab\0", 3, cap ? u16 : NULL, cap, &len),
            STATUS_OBJECT_NAME_INVALID);
        assert_int_equal(len, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_form_converts_both_ways),
        cmocka_unit_test(test_ascii_name_converts_unit_for_unit),
        cmocka_unit_test(test_mixed_name_converts_both_ways),
        cmocka_unit_test(test_empty_input_is_empty_output),
        cmocka_unit_test(test_every_code_point_round_trips),
        cmocka_unit_test(test_unpaired_surrogates_in_utf16_are_invalid),
        cmocka_unit_test(test_nul_is_invalid_in_both_directions),
        cmocka_unit_test(test_malformed_utf8_is_invalid),
        cmocka_unit_test(test_exact_fit_succeeds),
        cmocka_unit_test(test_one_short_overflows_with_the_needed_length),
        cmocka_unit_test(test_zero_capacity_reports_the_needed_length),
        cmocka_unit_test(test_overflow_stops_writing_at_the_first_character_that_does_not_fit),
        cmocka_unit_test(test_ascii_prefix_then_other_characters_at_every_buffer_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
