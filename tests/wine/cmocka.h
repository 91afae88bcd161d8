/* cmocka.h — the subset of cmocka's API the unit tests use, for Windows builds (Debian ships no
   mingw cmocka): same macros, same result lines, a failed assertion fails its test. */
#ifndef WF_WINE_CMOCKA_H
#define WF_WINE_CMOCKA_H

#include <stddef.h>
#include <stdint.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
    const char *name;
    CMUnitTestFunction test_func;
    CMFixtureFunction setup_func;
    CMFixtureFunction teardown_func;
    void *initial_state;
};

#define cmocka_unit_test(f) { #f, f, NULL, NULL, NULL }
#define cmocka_unit_test_setup_teardown(f, setup, teardown) { #f, f, setup, teardown, NULL }
#define cmocka_run_group_tests(group, group_setup, group_teardown) \
    cmw_run_group_tests(#group, group, sizeof(group) / sizeof((group)[0]), \
                        group_setup, group_teardown)

/* As in cmocka, integers are compared as the largest unsigned type. */
#define assert_true(c) cmw_assert_true(!!(c), #c, __FILE__, __LINE__)
#define assert_false(c) cmw_assert_true(!(c), "!(" #c ")", __FILE__, __LINE__)
#define assert_null(c) cmw_assert_true((c) == NULL, #c " == NULL", __FILE__, __LINE__)
#define assert_non_null(c) cmw_assert_true((c) != NULL, #c " != NULL", __FILE__, __LINE__)
#define assert_int_equal(a, b) \
    cmw_assert_int((uintmax_t)(a), (uintmax_t)(b), 1, __FILE__, __LINE__)
#define assert_int_not_equal(a, b) \
    cmw_assert_int((uintmax_t)(a), (uintmax_t)(b), 0, __FILE__, __LINE__)
#define assert_in_range(v, min, max) \
    cmw_assert_in_range((uintmax_t)(v), (uintmax_t)(min), (uintmax_t)(max), __FILE__, __LINE__)
#define assert_ptr_equal(a, b) \
    cmw_assert_ptr((const void *)(a), (const void *)(b), 1, __FILE__, __LINE__)
#define assert_ptr_not_equal(a, b) \
    cmw_assert_ptr((const void *)(a), (const void *)(b), 0, __FILE__, __LINE__)
#define assert_string_equal(a, b) \
    cmw_assert_string((const char *)(a), (const char *)(b), 1, __FILE__, __LINE__)
#define assert_string_not_equal(a, b) \
    cmw_assert_string((const char *)(a), (const char *)(b), 0, __FILE__, __LINE__)
#define assert_memory_equal(a, b, size) \
    cmw_assert_memory((const void *)(a), (const void *)(b), (size_t)(size), 1, __FILE__, __LINE__)
#define assert_memory_not_equal(a, b, size) \
    cmw_assert_memory((const void *)(a), (const void *)(b), (size_t)(size), 0, __FILE__, __LINE__)

#define fail() cmw_fail(__FILE__, __LINE__)
/* The first argument is the format, as in cmocka's fail_msg(msg, ...). */
#define fail_msg(...) \
    do { \
        print_error("ERROR: " __VA_ARGS__); \
        print_error("\n"); \
        fail(); \
    } while (0)
#define skip() cmw_skip(__FILE__, __LINE__)

void print_message(const char *format, ...) __attribute__((format(gnu_printf, 1, 2)));
void print_error(const char *format, ...) __attribute__((format(gnu_printf, 1, 2)));

int cmw_run_group_tests(const char *group_name, const struct CMUnitTest *tests, size_t count,
                        CMFixtureFunction group_setup, CMFixtureFunction group_teardown);
_Noreturn void cmw_fail(const char *file, int line);
_Noreturn void cmw_skip(const char *file, int line);
void cmw_assert_true(int result, const char *expression, const char *file, int line);
void cmw_assert_int(uintmax_t a, uintmax_t b, int equal, const char *file, int line);
void cmw_assert_in_range(uintmax_t value, uintmax_t min, uintmax_t max, const char *file,
                         int line);
void cmw_assert_ptr(const void *a, const void *b, int equal, const char *file, int line);
void cmw_assert_string(const char *a, const char *b, int equal, const char *file, int line);
void cmw_assert_memory(const void *a, const void *b, size_t size, int equal, const char *file,
                       int line);

#endif
