/* test_ntstatus.c — the NTSTATUS values, their severities, and wf_ntstatus_name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/ntstatus.h"

struct listed_status {
    NTSTATUS status;
    const char *name;
};

#define LISTED(name) { name, #name },
static const struct listed_status listed[] = { WF_NTSTATUS_LIST(LISTED) };
#undef LISTED
#define LISTED_COUNT (sizeof listed / sizeof listed[0])

static uint32_t bits(NTSTATUS status)
{
    uint32_t u;
    memcpy(&u, &status, sizeof u);
    return u;
}

static void test_name_of_a_listed_status_is_its_symbol(void **state)
{
    (void)state;
    assert_string_equal(wf_ntstatus_name(STATUS_SUCCESS), "STATUS_SUCCESS");
    assert_string_equal(wf_ntstatus_name(STATUS_OBJECT_NAME_NOT_FOUND), "STATUS_OBJECT_NAME_NOT_FOUND");
    assert_string_equal(wf_ntstatus_name(STATUS_BUFFER_OVERFLOW), "STATUS_BUFFER_OVERFLOW");
    assert_string_equal(wf_ntstatus_name(STATUS_ILLEGAL_FUNCTION), "STATUS_ILLEGAL_FUNCTION");
    assert_string_equal(wf_ntstatus_name(STATUS_PROTOCOL_NOT_SUPPORTED), "STATUS_PROTOCOL_NOT_SUPPORTED");
}

static void test_name_of_an_unlisted_value_is_null(void **state)
{
    (void)state;
    assert_null(wf_ntstatus_name(1));                        /* STATUS_WAIT_1 */
    assert_null(wf_ntstatus_name((NTSTATUS)0xC0DEC0DE));
    assert_null(wf_ntstatus_name(-1));
    assert_null(wf_ntstatus_name(INT32_MIN));
    assert_null(wf_ntstatus_name(INT32_MAX));
}

static void test_text_is_the_name_or_else_the_value_in_hex(void **state)
{
    (void)state;
    char buffer[16];
    assert_string_equal(wf_ntstatus_text(STATUS_ACCESS_DENIED, buffer), "STATUS_ACCESS_DENIED");
    assert_string_equal(wf_ntstatus_text((NTSTATUS)0xC0DEC0DE, buffer), "0xC0DEC0DE");
    assert_string_equal(buffer, "0xC0DEC0DE");
    assert_string_equal(wf_ntstatus_text(1, buffer), "0x00000001");
}

/* Every entry of the list looks itself up, and no two entries share a value or a name. */
static void test_every_listed_status_names_itself_and_is_unique(void **state)
{
    (void)state;
    assert_true(LISTED_COUNT >= 100);
    for (size_t i = 0; i < LISTED_COUNT; i++) {
        const char *name = wf_ntstatus_name(listed[i].status);
        assert_non_null(name);
        assert_string_equal(name, listed[i].name);
        assert_int_equal(strncmp(name, "STATUS_", 7), 0);
        for (size_t j = i + 1; j < LISTED_COUNT; j++) {
            assert_true(listed[i].status != listed[j].status);
            assert_true(strcmp(listed[i].name, listed[j].name) != 0);
        }
    }
}

/* The header promises the list is sorted by value, read as unsigned (success, info, warning, error). */
static void test_list_is_sorted_by_value(void **state)
{
    (void)state;
    for (size_t i = 1; i < LISTED_COUNT; i++)
        assert_true(bits(listed[i - 1].status) < bits(listed[i].status));
}

/* NT_SUCCESS is exactly "severity is success or informational" on every listed value,
   which checks that values >= 0x80000000 became negative NTSTATUS. */
static void test_nt_success_follows_the_severity_bits(void **state)
{
    (void)state;
    for (size_t i = 0; i < LISTED_COUNT; i++)
        assert_int_equal(NT_SUCCESS(listed[i].status) ? 1 : 0, (bits(listed[i].status) >> 31) == 0);
    assert_true(NT_SUCCESS(STATUS_PENDING));
    assert_true(NT_SUCCESS(STATUS_TIMEOUT));
    assert_true(NT_SUCCESS(STATUS_OBJECT_NAME_EXISTS));
    assert_false(NT_SUCCESS(STATUS_BUFFER_OVERFLOW));
    assert_false(NT_SUCCESS(STATUS_STOPPED_ON_SYMLINK));
    assert_false(NT_SUCCESS(STATUS_ACCESS_DENIED));
    assert_true(STATUS_ACCESS_DENIED < 0);
}

/* A sample against [MS-ERREF] 2.3.1, including the values easy to confuse. */
static void test_values_match_ms_erref(void **state)
{
    (void)state;
    assert_int_equal(sizeof(NTSTATUS), 4);
    assert_int_equal(bits(STATUS_SUCCESS), 0x00000000);
    assert_int_equal(bits(STATUS_TIMEOUT), 0x00000102);
    assert_int_equal(bits(STATUS_PENDING), 0x00000103);
    assert_int_equal(bits(STATUS_REPARSE), 0x00000104);
    assert_int_equal(bits(STATUS_OBJECT_NAME_EXISTS), 0x40000000);
    assert_int_equal(bits(STATUS_BUFFER_OVERFLOW), 0x80000005);
    assert_int_equal(bits(STATUS_NO_MORE_FILES), 0x80000006);
    assert_int_equal(bits(STATUS_DEVICE_BUSY), 0x80000011);
    assert_int_equal(bits(STATUS_NO_MORE_ENTRIES), 0x8000001A);
    assert_int_equal(bits(STATUS_STOPPED_ON_SYMLINK), 0x8000002D);
    assert_int_equal(bits(STATUS_UNSUCCESSFUL), 0xC0000001);
    assert_int_equal(bits(STATUS_INVALID_PARAMETER), 0xC000000D);
    assert_int_equal(bits(STATUS_END_OF_FILE), 0xC0000011);
    assert_int_equal(bits(STATUS_ACCESS_DENIED), 0xC0000022);
    assert_int_equal(bits(STATUS_OBJECT_NAME_INVALID), 0xC0000033);
    assert_int_equal(bits(STATUS_OBJECT_NAME_NOT_FOUND), 0xC0000034);
    assert_int_equal(bits(STATUS_OBJECT_NAME_COLLISION), 0xC0000035);
    assert_int_equal(bits(STATUS_OBJECT_PATH_NOT_FOUND), 0xC000003A);
    assert_int_equal(bits(STATUS_SHARING_VIOLATION), 0xC0000043);
    assert_int_equal(bits(STATUS_DELETE_PENDING), 0xC0000056);
    assert_int_equal(bits(STATUS_DISK_FULL), 0xC000007F);
    assert_int_equal(bits(STATUS_INSUFFICIENT_RESOURCES), 0xC000009A);
    assert_int_equal(bits(STATUS_MEDIA_WRITE_PROTECTED), 0xC00000A2);
    assert_int_equal(bits(STATUS_ILLEGAL_FUNCTION), 0xC00000AF);
    assert_int_equal(bits(STATUS_FILE_IS_A_DIRECTORY), 0xC00000BA);
    assert_int_equal(bits(STATUS_NOT_SUPPORTED), 0xC00000BB);
    assert_int_equal(bits(STATUS_UNEXPECTED_IO_ERROR), 0xC00000E9);
    assert_int_equal(bits(STATUS_DIRECTORY_NOT_EMPTY), 0xC0000101);
    assert_int_equal(bits(STATUS_NOT_A_DIRECTORY), 0xC0000103);
    assert_int_equal(bits(STATUS_NAME_TOO_LONG), 0xC0000106);
    assert_int_equal(bits(STATUS_CANCELLED), 0xC0000120);
    assert_int_equal(bits(STATUS_IO_DEVICE_ERROR), 0xC0000185);
    assert_int_equal(bits(STATUS_CONNECTION_DISCONNECTED), 0xC000020C);
    assert_int_equal(bits(STATUS_NOT_FOUND), 0xC0000225);
    assert_int_equal(bits(STATUS_RETRY), 0xC000022D);
    assert_int_equal(bits(STATUS_TOO_MANY_LINKS), 0xC0000265);
    assert_int_equal(bits(STATUS_NOT_A_REPARSE_POINT), 0xC0000275);
    assert_int_equal(bits(STATUS_REPARSE_POINT_NOT_RESOLVED), 0xC0000280);
    assert_int_equal(bits(STATUS_FILE_SYSTEM_LIMITATION), 0xC0000427);
    assert_int_equal(bits(STATUS_DISK_QUOTA_EXCEEDED), 0xC0000802);
    assert_int_equal(bits(STATUS_BAD_FILE_TYPE), 0xC0000903);
    assert_int_equal(bits(STATUS_FILE_TOO_LARGE), 0xC0000904);
}

/* The header's values are written as #defines (the preprocessor cannot generate them from the
   list): every STATUS_ name it defines must also be in WF_NTSTATUS_LIST, or it has no name. */
static void test_every_status_defined_in_the_header_is_listed(void **state)
{
    static const char self[] = "tests/unit/test_ntstatus.c";
    const char *file = __FILE__;
    char path[4096];
    char line[512];
    size_t prefix = strlen(file) - (sizeof self - 1);
    size_t defined = 0;
    FILE *header;

    (void)state;
    assert_true(strlen(file) >= sizeof self - 1);
    assert_string_equal(file + prefix, self);
    snprintf(path, sizeof path, "%.*sinclude/winfuse/ntstatus.h", (int)prefix, file);
    header = fopen(path, "r");
    if (header == NULL)
        fail_msg("cannot open %s (run from the source tree when __FILE__ is relative)", path);
    while (fgets(line, sizeof line, header) != NULL) {
        char name[128];
        bool found = false;
        if (sscanf(line, "#define %127[A-Z0-9_]", name) != 1 || strncmp(name, "STATUS_", 7) != 0)
            continue;
        defined++;
        for (size_t i = 0; i < LISTED_COUNT && !found; i++)
            found = strcmp(listed[i].name, name) == 0;
        if (!found)
            fail_msg("%s is defined in ntstatus.h but missing from WF_NTSTATUS_LIST", name);
    }
    fclose(header);
    assert_int_equal(defined, LISTED_COUNT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_of_a_listed_status_is_its_symbol),
        cmocka_unit_test(test_name_of_an_unlisted_value_is_null),
        cmocka_unit_test(test_text_is_the_name_or_else_the_value_in_hex),
        cmocka_unit_test(test_every_listed_status_names_itself_and_is_unique),
        cmocka_unit_test(test_list_is_sorted_by_value),
        cmocka_unit_test(test_nt_success_follows_the_severity_bits),
        cmocka_unit_test(test_values_match_ms_erref),
        cmocka_unit_test(test_every_status_defined_in_the_header_is_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
