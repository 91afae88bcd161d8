/* harness_selftest.c — proves the Windows cmocka harness fails what it must: every failing
   assertion kind stops its test and is counted, a skip is not a pass, passes are passes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Set by any failing test that ran on past its failed assertion. */
static int ran_past_failure;
static int teardowns;

static void passes(void **state)
{
    (void)state;
    assert_int_equal(-1, (unsigned long long)-1);
    assert_int_not_equal((int)-1, 0xffffffffu);
    assert_true(1);
    assert_false(0);
    assert_null(NULL);
    assert_non_null(&ran_past_failure);
    assert_in_range(5, 1, 5);
    assert_ptr_equal(&teardowns, &teardowns);
    assert_string_equal("a", "a");
    assert_memory_equal("ab", "ab", 2);
    assert_memory_not_equal("ab", "ac", 2);
}

#define FAILING(name, statement) \
    static void name(void **state) \
    { \
        (void)state; \
        statement; \
        ran_past_failure = 1; \
    }

FAILING(int_equal_fails, assert_int_equal(1, 2))
FAILING(int_not_equal_fails, assert_int_not_equal(3, 3))
FAILING(true_fails, assert_true(0))
FAILING(false_fails, assert_false(1))
FAILING(null_fails, assert_null(&teardowns))
FAILING(non_null_fails, assert_non_null(NULL))
FAILING(in_range_fails, assert_in_range(6, 1, 5))
FAILING(ptr_equal_fails, assert_ptr_equal(&teardowns, &ran_past_failure))
FAILING(string_equal_fails, assert_string_equal("a", "b"))
FAILING(memory_equal_fails, assert_memory_equal("ab", "ac", 2))
FAILING(memory_not_equal_fails, assert_memory_not_equal("ab", "ab", 2))
FAILING(fail_fails, fail())
FAILING(fail_msg_fails, fail_msg("expected %d, got %d", 1, 2))
FAILING(skip_skips, skip())

static int setup_fails(void **state)
{
    (void)state;
    return -1;
}

static int counts_teardown(void **state)
{
    (void)state;
    teardowns++;
    return 0;
}

int main(void)
{
    const struct CMUnitTest failing[] = {
        cmocka_unit_test(int_equal_fails),
        cmocka_unit_test(int_not_equal_fails),
        cmocka_unit_test(true_fails),
        cmocka_unit_test(false_fails),
        cmocka_unit_test(null_fails),
        cmocka_unit_test(non_null_fails),
        cmocka_unit_test(in_range_fails),
        cmocka_unit_test(ptr_equal_fails),
        cmocka_unit_test(string_equal_fails),
        cmocka_unit_test(memory_equal_fails),
        cmocka_unit_test(memory_not_equal_fails),
        cmocka_unit_test(fail_fails),
        cmocka_unit_test_setup_teardown(fail_msg_fails, NULL, counts_teardown),
        cmocka_unit_test_setup_teardown(passes, setup_fails, NULL),
        cmocka_unit_test(skip_skips),
    };
    const struct CMUnitTest passing[] = {
        cmocka_unit_test_setup_teardown(passes, NULL, counts_teardown),
    };
    /* 14 failures (the setup failure counts, the skip does not). */
    int failed = cmocka_run_group_tests(failing, NULL, NULL);
    int passed_failed = cmocka_run_group_tests(passing, NULL, NULL);
    if (failed != 14 || passed_failed != 0 || ran_past_failure || teardowns != 2) {
        printf("harness self-test FAILED: %d failures counted (14 expected), %d in the "
               "passing group, ran past a failure: %d, teardowns: %d (2 expected)\n",
               failed, passed_failed, ran_past_failure, teardowns);
        return 1;
    }
    printf("harness self-test: every failing assertion failed its test\n");
    return 0;
}
