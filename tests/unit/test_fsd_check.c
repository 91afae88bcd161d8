/* test_fsd_check.c — the FSD stand-in's own checks of a caller's buffers (fsd_check.c): the
   documented verdicts, and that they agree with the engine's validators, which are written
   apart from them, on many damaged buffers (a disagreement is a bug in one of the two). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* The stand-in's internal header: the checks are not part of its NT-style API. */
#include "fsd_internal.h"
#include "sd_build.h"
#include "winfuse/ea_map.h"
#include "winfuse/le_bytes.h"
#include "winfuse/reparse_map.h"
#include "winfuse/security.h"

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Damages buf[0..len): a few bytes set to small or random values, sometimes cut short. */
static size_t damage(uint8_t *buf, size_t len)
{
    unsigned n = 1 + rng() % 3;
    for (unsigned i = 0; i < n; i++) {
        uint32_t r = rng();
        buf[r % len] = (r >> 16) & 1 ? (uint8_t)(r >> 20) : (uint8_t)((r >> 20) % 5);
    }
    if (rng() % 4 == 0)
        len -= rng() % len;
    return len;
}

/* Two entries: "A" = "xy" and "name2" = "v". */
static uint32_t ea_list(uint8_t *buf)
{
    static const uint8_t list[] = {
        12, 0, 0, 0, 0, 1, 2, 0, 'A', 0, 'x', 'y',
        0, 0, 0, 0, 0, 5, 1, 0, 'n', 'a', 'm', 'e', '2', 0, 'v',
    };
    memcpy(buf, list, sizeof list);
    return sizeof list;
}

static void ea_lists_get_the_documented_verdicts(void **state)
{
    (void)state;
    uint8_t buf[64];
    uint32_t len = ea_list(buf);
    assert_int_equal(wf_fsd_check_ea_list(buf, len), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_check_ea_list(buf, 0), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_check_ea_list(buf, len - 1), STATUS_EA_LIST_INCONSISTENT);
    buf[0] = 13;                                        /* not a multiple of 4 */
    assert_int_equal(wf_fsd_check_ea_list(buf, len), STATUS_EA_LIST_INCONSISTENT);
    len = ea_list(buf);
    buf[8] = '*';                                       /* a character FAT forbids */
    assert_int_equal(wf_fsd_check_ea_list(buf, len), STATUS_INVALID_EA_NAME);
    len = ea_list(buf);
    buf[16] = 0x01;                                     /* a flag other than FILE_NEED_EA */
    assert_int_equal(wf_fsd_check_ea_list(buf, len), STATUS_INVALID_EA_NAME);
    buf[16] = 0x80;
    assert_int_equal(wf_fsd_check_ea_list(buf, len), STATUS_SUCCESS);
}

static void ea_list_verdicts_agree_with_the_engine(void **state)
{
    (void)state;
    uint8_t buf[64];
    unsigned valid = 0;
    for (int i = 0; i < 20000; i++) {
        uint32_t len = (uint32_t)damage(buf, ea_list(buf)), offset;
        NTSTATUS verdict = wf_fsd_check_ea_list(buf, len);
        assert_int_equal(verdict, wf_ea_check(buf, len, &offset));
        valid += verdict == STATUS_SUCCESS;
    }
    assert_in_range(valid, 1000, 19000);        /* both verdicts, many times */
}

/* A symbolic link to "a\b" (substitute and print name the same) or an NFS FIFO. */
static size_t reparse_buffer(uint8_t *buf, bool nfs)
{
    static const uint16_t target[] = { 'a', '\\', 'b' };
    size_t size;
    if (nfs)
        assert_int_equal(wf_reparse_build_nfs(0010644, 0, buf, 64, &size), STATUS_SUCCESS);
    else
        assert_int_equal(wf_reparse_build_symlink(target, 3, SYMLINK_FLAG_RELATIVE, buf, 64,
            &size), STATUS_SUCCESS);
    return size;
}

static void reparse_buffers_get_the_documented_verdicts(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t size = reparse_buffer(buf, false);
    assert_int_equal(wf_fsd_check_reparse_buffer(buf, size), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_check_reparse_buffer(buf, size - 1),
        STATUS_IO_REPARSE_DATA_INVALID);
    wf_put_le16(buf + 8 + 2, 0);                        /* an empty substitute name */
    assert_int_equal(wf_fsd_check_reparse_buffer(buf, size), STATUS_IO_REPARSE_DATA_INVALID);
    wf_put_le32(buf, 1);                                /* IO_REPARSE_TAG_RESERVED_ONE */
    assert_int_equal(wf_fsd_check_reparse_buffer(buf, size), STATUS_IO_REPARSE_TAG_INVALID);
    size = reparse_buffer(buf, true);
    assert_int_equal(wf_fsd_check_reparse_buffer(buf, size), STATUS_SUCCESS);
}

static void reparse_verdicts_agree_with_the_engine(void **state)
{
    (void)state;
    uint8_t buf[64];
    unsigned valid = 0;
    for (int i = 0; i < 20000; i++) {
        size_t size = damage(buf, reparse_buffer(buf, i % 2 == 0));
        NTSTATUS verdict = wf_fsd_check_reparse_buffer(buf, size);
        assert_int_equal(verdict, wf_reparse_validate(buf, size));
        valid += verdict == STATUS_SUCCESS;
    }
    assert_in_range(valid, 1000, 19000);
}

static size_t descriptor(uint8_t *buf, size_t cap)
{
    static const sd_ace aces[] = {
        { 0, 0, 0x1f01ff, "S-1-5-21-1-2-3-1001" },
        { 1, 0, 0x2, "S-1-1-0" },
        { 0, 0x3, 0x1200a9, "S-1-1-0" },
    };
    return sd_build(buf, cap, "S-1-5-21-1-2-3-1001", "S-1-5-32-545", 0, true, false, aces, 3);
}

static void descriptors_get_the_documented_verdicts(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t len = descriptor(buf, sizeof buf);
    assert_int_equal(wf_fsd_check_security_descriptor(buf, len), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_check_security_descriptor(buf, 19), STATUS_INVALID_SECURITY_DESCR);
    buf[2] = 0;                                         /* not self-relative */
    buf[3] = 0;
    assert_int_equal(wf_fsd_check_security_descriptor(buf, len), STATUS_INVALID_SECURITY_DESCR);
    len = descriptor(buf, sizeof buf);
    buf[0] = 2;                                         /* revision 2 */
    assert_int_equal(wf_fsd_check_security_descriptor(buf, len), STATUS_INVALID_SECURITY_DESCR);
}

static void descriptor_verdicts_agree_with_the_engine(void **state)
{
    (void)state;
    uint8_t buf[256];
    unsigned valid = 0;
    for (int i = 0; i < 20000; i++) {
        size_t len = damage(buf, descriptor(buf, sizeof buf));
        NTSTATUS verdict = wf_fsd_check_security_descriptor(buf, len);
        assert_int_equal(verdict, wf_sd_validate(buf, len));
        valid += verdict == STATUS_SUCCESS;
    }
    assert_in_range(valid, 1000, 19000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ea_lists_get_the_documented_verdicts),
        cmocka_unit_test(ea_list_verdicts_agree_with_the_engine),
        cmocka_unit_test(reparse_buffers_get_the_documented_verdicts),
        cmocka_unit_test(reparse_verdicts_agree_with_the_engine),
        cmocka_unit_test(descriptors_get_the_documented_verdicts),
        cmocka_unit_test(descriptor_verdicts_agree_with_the_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
