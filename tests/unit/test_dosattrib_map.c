/* test_dosattrib_map.c — user.DOSATTRIB values: every version Samba wrote read back, v5
   written byte for byte as Samba writes it, malformed values refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/dosattrib_map.h"

/* Values a real Samba wrote (v5 by Samba 4.15 and later, v4 by 4.11-4.14), as a tool that
   reads them recorded them; the creation times are their last eight bytes (v4's made one tick later
   than its itime here, to tell the two apart). */
static const uint8_t samba_v5_dir[] = {
    0x00, 0x00, 0x05, 0x00, 0x05, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    0xda, 0xa0, 0xfc, 0x93, 0xfc, 0xce, 0xdb, 0x01,
};
static const uint8_t samba_v5_hidden_dir[] = {
    0x00, 0x00, 0x05, 0x00, 0x05, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00,
    0xc0, 0xb7, 0x36, 0x87, 0x73, 0x1d, 0xd3, 0x01,
};
static const uint8_t samba_v4[] = {
    0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00, 0x51, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00,
    0x9e, 0x55, 0xd7, 0x72, 0x85, 0x12, 0xd8, 0x01, 0x9f, 0x55, 0xd7, 0x72, 0x85, 0x12, 0xd8, 0x01,
};
/* v3 (Samba 4.0-4.10): attrib_hex "0x22", NUL, a pad byte to 2, version and level, a pad
   to 4, then valid_flags, attrib, ea_size, size, alloc_size, create_time, change_time. */
static const uint8_t samba_v3[] = {
    '0', 'x', '2', '2', 0x00, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x11, 0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x34, 0x77, 0xbd, 0x39, 0x2d, 0x44, 0xd6, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void assert_decodes(const uint8_t *v, size_t len, uint16_t version, uint32_t attributes,
    uint64_t creation_time)
{
    wf_dosattrib d;
    memset(&d, 0xa5, sizeof d);
    assert_true(wf_dosattrib_decode(v, len, &d));
    assert_int_equal(d.version, version);
    assert_int_equal(d.attributes, attributes);
    assert_int_equal(d.creation_time, creation_time);
}

static void test_encode_writes_v5_byte_for_byte_as_samba(void **state)
{
    (void)state;
    uint8_t out[WF_DOSATTRIB_V5_SIZE + 4];
    memset(out, 0xee, sizeof out);
    assert_int_equal(wf_dosattrib_encode(0x10, UINT64_C(0x01dbcefc93fca0da), out),
        sizeof samba_v5_dir);
    assert_memory_equal(out, samba_v5_dir, sizeof samba_v5_dir);
    assert_int_equal(out[WF_DOSATTRIB_V5_SIZE], 0xee);
    assert_int_equal(wf_dosattrib_encode(0x30, UINT64_C(0x01d31d738736b7c0), out), 24);
    assert_memory_equal(out, samba_v5_hidden_dir, sizeof samba_v5_hidden_dir);
}

static void test_encoded_value_decodes_to_what_was_written(void **state)
{
    (void)state;
    uint8_t out[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(0x2027, UINT64_C(132000000000000001), out);
    assert_decodes(out, sizeof out, 5, 0x2027, UINT64_C(132000000000000001));
}

static void test_samba_v5_and_v4_values_decode(void **state)
{
    (void)state;
    assert_decodes(samba_v5_dir, sizeof samba_v5_dir, 5, 0x10, UINT64_C(0x01dbcefc93fca0da));
    assert_decodes(samba_v5_hidden_dir, sizeof samba_v5_hidden_dir, 5, 0x30,
        UINT64_C(0x01d31d738736b7c0));
    /* v4's creation time is the second NTTIME (the first is the itime). */
    assert_decodes(samba_v4, sizeof samba_v4, 4, 0x11, UINT64_C(0x01d8128572d7559f));
}

static void test_samba_v3_with_its_hex_prefix_decodes(void **state)
{
    (void)state;
    assert_decodes(samba_v3, sizeof samba_v3, 3, 0x22, UINT64_C(0x01d6442d39bd7734));
}

static void test_creation_time_counts_only_when_valid_flags_say_so(void **state)
{
    (void)state;
    uint8_t v[sizeof samba_v3];
    memcpy(v, samba_v3, sizeof v);
    v[12] = 0x01;               /* valid_flags: ATTRIB only */
    assert_decodes(v, sizeof v, 3, 0x22, 0);
    uint8_t w[sizeof samba_v5_dir];
    memcpy(w, samba_v5_dir, sizeof w);
    w[8] = 0x01;
    assert_decodes(w, sizeof w, 5, 0x10, 0);
}

static void test_v1_and_v2_decode_as_the_idl_lays_them_out(void **state)
{
    (void)state;
    /* v1 (no hex): attrib ea_size size alloc_size create_time change_time. */
    uint8_t v1[8 + 40];
    memset(v1, 0, sizeof v1);
    v1[2] = 1; v1[4] = 1;
    v1[8] = 0x06;
    v1[8 + 24] = 0x11; v1[8 + 31] = 0x01;
    assert_decodes(v1, sizeof v1, 1, 0x06, UINT64_C(0x0100000000000011));
    /* v2: flags attrib ... and a name; Samba takes no time from it. */
    uint8_t v2[8 + 52 + 4];
    memset(v2, 0, sizeof v2);
    v2[2] = 2; v2[4] = 2;
    v2[8 + 4] = 0x21;
    v2[8 + 32] = 0x77;
    assert_decodes(v2, sizeof v2, 2, 0x21, 0);
}

static void test_bare_hex_string_of_samba_3_decodes(void **state)
{
    (void)state;
    assert_decodes((const uint8_t *)"0x22", 4, 0, 0x22, 0);
    assert_decodes((const uint8_t *)"0x2", 4, 0, 0x2, 0);    /* with its NUL */
    assert_decodes((const uint8_t *)"0XaF", 5, 0, 0xaf, 0);
}

static void test_malformed_values_are_refused(void **state)
{
    (void)state;
    wf_dosattrib d;
    assert_false(wf_dosattrib_decode((const uint8_t *)"", 0, &d));
    assert_false(wf_dosattrib_decode((const uint8_t *)"0x", 2, &d));
    assert_false(wf_dosattrib_decode((const uint8_t *)"hidden", 6, &d));
    assert_false(wf_dosattrib_decode((const uint8_t *)"0x123456789", 11, &d));
    assert_false(wf_dosattrib_decode((const uint8_t *)"\0", 1, &d));  /* empty hex, nothing after */
    /* Every truncation of a v5 value and of a v3 value past its hex string (which alone is
       the bare form), a version Samba never wrote, a level that is
       not the version. */
    for (size_t n = 1; n < sizeof samba_v5_dir; n++)
        assert_false(wf_dosattrib_decode(samba_v5_dir, n, &d));
    for (size_t n = 6; n < sizeof samba_v3; n++)
        assert_false(wf_dosattrib_decode(samba_v3, n, &d));
    uint8_t v[sizeof samba_v5_dir];
    memcpy(v, samba_v5_dir, sizeof v);
    v[2] = 6; v[4] = 6;
    assert_false(wf_dosattrib_decode(v, sizeof v, &d));
    v[2] = 5; v[4] = 4;
    assert_false(wf_dosattrib_decode(v, sizeof v, &d));
    v[2] = 0; v[4] = 0;
    assert_false(wf_dosattrib_decode(v, sizeof v, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_writes_v5_byte_for_byte_as_samba),
        cmocka_unit_test(test_encoded_value_decodes_to_what_was_written),
        cmocka_unit_test(test_samba_v5_and_v4_values_decode),
        cmocka_unit_test(test_samba_v3_with_its_hex_prefix_decodes),
        cmocka_unit_test(test_creation_time_counts_only_when_valid_flags_say_so),
        cmocka_unit_test(test_v1_and_v2_decode_as_the_idl_lays_them_out),
        cmocka_unit_test(test_bare_hex_string_of_samba_3_decodes),
        cmocka_unit_test(test_malformed_values_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
