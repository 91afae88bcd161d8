/* cmocka_win.c — runs cmocka-style test groups for the Windows builds of the unit tests. */
#include "cmocka.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum outcome { PASSED, FAILED, SKIPPED, ERRORED, EXPECTED_FAILURE };

/* The running test's way out; only the thread running the tests may take it. */
static jmp_buf test_exit;
static _Thread_local int is_runner;
static enum outcome exit_outcome;

void print_message(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vfprintf(stdout, format, args);
    va_end(args);
    fflush(stdout);
}

void print_error(const char *format, ...)
{
    va_list args;
    fflush(stdout);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fflush(stderr);
}

static _Noreturn void leave_test(enum outcome outcome)
{
    if (!is_runner) {
        /* A helper thread of a test failed: no jump back is possible, so the whole
           program fails rather than the failure going unseen. */
        print_error("error: failure outside the test's thread; the program stops\n");
        exit(EXIT_FAILURE);
    }
    exit_outcome = outcome;
    longjmp(test_exit, 1);
}

void cmw_fail(const char *file, int line)
{
    print_error("%s:%d: error: Failure!\n", file, line);
    leave_test(FAILED);
}

void cmw_skip(const char *file, int line)
{
    (void)file;
    (void)line;
    leave_test(SKIPPED);
}

void cmw_assert_true(int result, const char *expression, const char *file, int line)
{
    if (!result) {
        print_error("%s\n", expression);
        cmw_fail(file, line);
    }
}

void cmw_assert_int(uintmax_t a, uintmax_t b, int equal, const char *file, int line)
{
    if ((a == b) != equal) {
        print_error("%#jx %s %#jx\n", a, equal ? "!=" : "==", b);
        cmw_fail(file, line);
    }
}

void cmw_assert_in_range(uintmax_t value, uintmax_t min, uintmax_t max, const char *file,
                         int line)
{
    if (value < min || value > max) {
        print_error("%#jx is not within the range %#jx-%#jx\n", value, min, max);
        cmw_fail(file, line);
    }
}

void cmw_assert_ptr(const void *a, const void *b, int equal, const char *file, int line)
{
    if ((a == b) != equal) {
        print_error("%p %s %p\n", a, equal ? "!=" : "==", b);
        cmw_fail(file, line);
    }
}

void cmw_assert_string(const char *a, const char *b, int equal, const char *file, int line)
{
    int same = a && b ? strcmp(a, b) == 0 : a == b;
    if (same != equal) {
        print_error("\"%s\" %s \"%s\"\n", a ? a : "(null)", equal ? "!=" : "==",
                    b ? b : "(null)");
        cmw_fail(file, line);
    }
}

void cmw_assert_memory(const void *a, const void *b, size_t size, int equal, const char *file,
                       int line)
{
    const unsigned char *x = a, *y = b;
    size_t differ = 0;
    for (size_t i = 0; i < size; i++) {
        if (x[i] != y[i]) {
            if (equal && differ < 16)
                print_error("difference at offset %zu 0x%02x 0x%02x\n", i, x[i], y[i]);
            differ++;
        }
    }
    if ((differ == 0) != equal) {
        if (equal)
            print_error("%zu bytes of %p and %p differ\n", differ, a, b);
        else
            print_error("%zu bytes of %p and %p are the same\n", size, a, b);
        cmw_fail(file, line);
    }
}

/* Runs one fixture or test body; returns how it ended. */
static enum outcome run_part(void (*body)(void **), int (*fixture)(void **), void **state)
{
    if (setjmp(test_exit))
        return exit_outcome;
    if (fixture)
        return fixture(state) == 0 ? PASSED : ERRORED;
    body(state);
    return PASSED;
}

static enum outcome run_test(const struct CMUnitTest *test, void *group_state)
{
    void *state = test->initial_state ? test->initial_state : group_state;
    enum outcome outcome = PASSED;
    if (test->setup_func) {
        outcome = run_part(NULL, test->setup_func, &state);
        if (outcome == FAILED)
            outcome = ERRORED;
        if (outcome != PASSED) {
            if (outcome == ERRORED)
                print_error("Test setup failed\n");
            return outcome;
        }
    }
    outcome = run_part(test->test_func, NULL, &state);
    if (test->teardown_func) {
        enum outcome down = run_part(NULL, test->teardown_func, &state);
        if (down != PASSED && outcome != FAILED) {
            print_error("Test teardown failed\n");
            outcome = ERRORED;
        }
    }
    return outcome;
}

static void list(const char *tag, const char *group_name, const struct CMUnitTest *tests,
                 const enum outcome *outcomes, size_t count, enum outcome a, enum outcome b,
                 size_t n)
{
    if (!n)
        return;
    print_message("[%s] %s: %zu test(s), listed below:\n", tag, group_name, n);
    for (size_t i = 0; i < count; i++)
        if (outcomes[i] == a || outcomes[i] == b)
            print_message("[%s] %s\n", tag, tests[i].name);
}

/* Whether the environment variable's comma-separated list names the test. */
static int listed(const char *variable, const char *name)
{
    const char *list = getenv(variable);
    size_t n = strlen(name);
    while (list && *list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        if (len == n && !strncmp(list, name, n))
            return 1;
        list = end ? end + 1 : NULL;
    }
    return 0;
}

/* CMW_EXPECTED_FAILURES names tests known to fail in this build, each for a reason its
   runner keeps (tests/nt/door-tests.txt): such a test that fails is counted apart, and one
   that passes fails the group, so that the list stays true. CMW_SKIP names tests that cannot
   run in this build at all: they are reported as skipped, never run. */
static int expected_to_fail(const char *name)
{
    return listed("CMW_EXPECTED_FAILURES", name);
}

int cmw_run_group_tests(const char *group_name, const struct CMUnitTest *tests, size_t count,
                        CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
    void *group_state = NULL;
    size_t passed = 0, failed = 0, skipped = 0, expected = 0;
    enum outcome *outcomes = calloc(count ? count : 1, sizeof *outcomes);
    if (!outcomes) {
        print_error("[  ERROR   ] %s: out of memory\n", group_name);
        return (int)(count ? count : 1);
    }
    is_runner = 1;
    print_message("[==========] %s: Running %zu test(s).\n", group_name, count);
    if (group_setup && run_part(NULL, group_setup, &group_state) != PASSED) {
        print_message("[  ERROR   ] %s: Group setup failed\n", group_name);
        free(outcomes);
        return (int)(count ? count : 1);
    }
    for (size_t i = 0; i < count; i++) {
        print_message("[ RUN      ] %s\n", tests[i].name);
        outcomes[i] = listed("CMW_SKIP", tests[i].name) ? SKIPPED : run_test(&tests[i], group_state);
        if (expected_to_fail(tests[i].name)) {
            if (outcomes[i] == FAILED || outcomes[i] == ERRORED) {
                outcomes[i] = EXPECTED_FAILURE;
            } else if (outcomes[i] == PASSED) {
                print_error("%s: listed as an expected failure, but it passes\n", tests[i].name);
                outcomes[i] = FAILED;
            }
        }
        static const char *const tags[] = {
            [PASSED] = "       OK ", [FAILED] = "  FAILED  ",
            [SKIPPED] = "  SKIPPED ", [ERRORED] = "  ERROR   ",
            [EXPECTED_FAILURE] = "  XFAIL   ",
        };
        print_message("[%s] %s\n", tags[outcomes[i]], tests[i].name);
        if (outcomes[i] == EXPECTED_FAILURE)
            expected++;
        else if (outcomes[i] == PASSED)
            passed++;
        else if (outcomes[i] == SKIPPED)
            skipped++;
        else
            failed++;
    }
    int group_failed = 0;
    if (group_teardown && run_part(NULL, group_teardown, &group_state) != PASSED) {
        print_message("[  ERROR   ] %s: Group teardown failed\n", group_name);
        group_failed = 1;
    }
    print_message("[==========] %s: %zu test(s) run.\n", group_name, count);
    print_message("[  PASSED  ] %zu test(s).\n", passed);
    if (expected)
        print_message("[  XFAIL   ] %zu test(s) failed as expected.\n", expected);
    list("  SKIPPED ", group_name, tests, outcomes, count, SKIPPED, SKIPPED, skipped);
    list("  FAILED  ", group_name, tests, outcomes, count, FAILED, ERRORED, failed);
    if (failed)
        print_message("\n %zu FAILED TEST(S)\n", failed);
    free(outcomes);
    return (int)failed + group_failed;
}
