/* test_time_map.c — Unix time to NT time and back: epoch, before 1970, truncation, clamping, range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "winfuse/mappings.h"

#define NT_UNIX_EPOCH UINT64_C(116444736000000000)
#define SECONDS_1601_TO_1970 INT64_C(11644473600)

static void assert_unix(uint64_t nt, int64_t seconds, uint32_t nanoseconds)
{
    int64_t s = 12345;
    uint32_t ns = 12345;
    wf_nt_to_unix_time(nt, &s, &ns);
    assert_int_equal(s, seconds);
    assert_int_equal(ns, nanoseconds);
}

static void test_unix_epoch_is_the_nt_epoch_offset(void **state)
{
    (void)state;
    assert_int_equal(wf_unix_to_nt_time(0, 0), NT_UNIX_EPOCH);
    assert_unix(NT_UNIX_EPOCH, 0, 0);
}

static void test_known_date_converts_both_ways(void **state)
{
    (void)state;
    /* 2000-01-01T00:00:00Z and 2038-01-19T03:14:08Z (one past 32-bit time_t). */
    assert_int_equal(wf_unix_to_nt_time(946684800, 0), UINT64_C(125911584000000000));
    assert_unix(UINT64_C(125911584000000000), 946684800, 0);
    assert_int_equal(wf_unix_to_nt_time(INT64_C(2147483648), 0), UINT64_C(137919572480000000));
    /* 9999-12-31T23:59:59Z */
    assert_int_equal(wf_unix_to_nt_time(INT64_C(253402300799), 0), UINT64_C(2650467743990000000));
}

static void test_times_before_1970_are_negative_seconds(void **state)
{
    (void)state;
    assert_int_equal(wf_unix_to_nt_time(-1, 0), NT_UNIX_EPOCH - 10000000);
    assert_int_equal(wf_unix_to_nt_time(-1, 500000000), NT_UNIX_EPOCH - 5000000);
    /* Half a second before 1970 is second -1 plus half a second, as in a timespec. */
    assert_unix(NT_UNIX_EPOCH - 5000000, -1, 500000000);
    assert_unix(NT_UNIX_EPOCH - 1, -1, 999999900);
    /* 1900-01-01T00:00:00Z */
    assert_int_equal(wf_unix_to_nt_time(INT64_C(-2208988800), 0), UINT64_C(94354848000000000));
}

static void test_1601_is_nt_time_zero_and_earlier_clamps_to_it(void **state)
{
    (void)state;
    assert_int_equal(wf_unix_to_nt_time(-SECONDS_1601_TO_1970, 0), 0);
    assert_int_equal(wf_unix_to_nt_time(-SECONDS_1601_TO_1970, 100), 1);
    assert_int_equal(wf_unix_to_nt_time(-SECONDS_1601_TO_1970 - 1, 999999999), 0);
    assert_int_equal(wf_unix_to_nt_time(INT64_MIN, 0), 0);
    assert_unix(0, -SECONDS_1601_TO_1970, 0);
}

static void test_nanoseconds_truncate_to_100ns(void **state)
{
    (void)state;
    assert_int_equal(wf_unix_to_nt_time(0, 1), NT_UNIX_EPOCH);
    assert_int_equal(wf_unix_to_nt_time(0, 99), NT_UNIX_EPOCH);
    assert_int_equal(wf_unix_to_nt_time(0, 100), NT_UNIX_EPOCH + 1);
    assert_int_equal(wf_unix_to_nt_time(0, 199), NT_UNIX_EPOCH + 1);
    assert_int_equal(wf_unix_to_nt_time(0, 999999999), NT_UNIX_EPOCH + 9999999);
}

/* A file system that sends tv_nsec >= 1e9 gets the last instant of that second, not the next. */
static void test_nanoseconds_beyond_a_second_stay_in_the_second(void **state)
{
    (void)state;
    assert_int_equal(wf_unix_to_nt_time(0, 1000000000), NT_UNIX_EPOCH + 9999999);
    assert_int_equal(wf_unix_to_nt_time(0, UINT32_MAX), NT_UNIX_EPOCH + 9999999);
}

/* NT times are signed LARGE_INTEGERs: beyond INT64_MAX they would be negative (relative). */
static void test_far_future_clamps_to_the_largest_nt_time(void **state)
{
    const int64_t last_whole = INT64_MAX / 10000000 - SECONDS_1601_TO_1970;
    (void)state;
    assert_int_equal(wf_unix_to_nt_time(INT64_MAX, 0), (uint64_t)INT64_MAX);
    assert_int_equal(wf_unix_to_nt_time(last_whole + 1, 0), (uint64_t)INT64_MAX);
    assert_int_equal(wf_unix_to_nt_time(last_whole, 0),
        (uint64_t)(last_whole + SECONDS_1601_TO_1970) * 10000000);
    /* Its sub-second part would cross INT64_MAX: clamped too. */
    assert_int_equal(wf_unix_to_nt_time(last_whole, 999999999), (uint64_t)INT64_MAX);
    assert_int_equal(wf_unix_to_nt_time(last_whole, 477580700), (uint64_t)INT64_MAX);
    assert_int_equal(wf_unix_to_nt_time(last_whole, 477580600), (uint64_t)INT64_MAX - 1);
}

/* Every NT time is in Unix range: even UINT64_MAX converts without clamping. */
static void test_every_nt_time_has_a_unix_time(void **state)
{
    (void)state;
    assert_unix(UINT64_MAX, INT64_C(1844674407370) - SECONDS_1601_TO_1970, 955161500);
    assert_unix((uint64_t)INT64_MAX, INT64_C(922337203685) - SECONDS_1601_TO_1970, 477580700);
}

static void test_round_trip_is_exact_to_100ns(void **state)
{
    static const int64_t seconds[] = {
        -SECONDS_1601_TO_1970, -SECONDS_1601_TO_1970 + 1, -2208988800, -86400, -1, 0, 1,
        946684800, 1700000000, INT64_C(2147483647), INT64_C(4102444800), INT64_C(253402300799),
        INT64_C(910692730084),
    };
    static const uint32_t nanoseconds[] = { 0, 1, 99, 100, 123456789, 500000000, 999999900, 999999999 };
    (void)state;
    for (size_t i = 0; i < sizeof seconds / sizeof seconds[0]; i++)
        for (size_t j = 0; j < sizeof nanoseconds / sizeof nanoseconds[0]; j++) {
            uint64_t nt = wf_unix_to_nt_time(seconds[i], nanoseconds[j]);
            int64_t s;
            uint32_t ns;
            wf_nt_to_unix_time(nt, &s, &ns);
            assert_int_equal(s, seconds[i]);
            assert_int_equal(ns, nanoseconds[j] / 100 * 100);
            assert_int_equal(wf_unix_to_nt_time(s, ns), nt);
        }
}

static void test_nt_round_trip_is_exact_for_every_valid_nt_time(void **state)
{
    static const uint64_t times[] = {
        0, 1, 9999999, 10000000, NT_UNIX_EPOCH - 1, NT_UNIX_EPOCH, NT_UNIX_EPOCH + 1,
        UINT64_C(133000000001234567), (uint64_t)INT64_MAX - 1, (uint64_t)INT64_MAX,
    };
    (void)state;
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        int64_t s;
        uint32_t ns;
        wf_nt_to_unix_time(times[i], &s, &ns);
        assert_true(ns < 1000000000);
        assert_int_equal(wf_unix_to_nt_time(s, ns), times[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_epoch_is_the_nt_epoch_offset),
        cmocka_unit_test(test_known_date_converts_both_ways),
        cmocka_unit_test(test_times_before_1970_are_negative_seconds),
        cmocka_unit_test(test_1601_is_nt_time_zero_and_earlier_clamps_to_it),
        cmocka_unit_test(test_nanoseconds_truncate_to_100ns),
        cmocka_unit_test(test_nanoseconds_beyond_a_second_stay_in_the_second),
        cmocka_unit_test(test_far_future_clamps_to_the_largest_nt_time),
        cmocka_unit_test(test_every_nt_time_has_a_unix_time),
        cmocka_unit_test(test_round_trip_is_exact_to_100ns),
        cmocka_unit_test(test_nt_round_trip_is_exact_for_every_valid_nt_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
