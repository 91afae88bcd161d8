/* test_sddl.c — the SDDL parser: what wf_sd_to_sddl writes parses back to the same bytes,
   hand-written SDDL gives the descriptor it says, and malformed SDDL is refused with where
   and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/sddl.h"
#include "winfuse/security.h"
#include "winfuse/nt_constants.h"
#include "winfuse/le_bytes.h"

#define LOCAL "S-1-5-21-2918340737-1480870229-3126009433"

static const wf_id_map no_options;

/* Parses text (which must be valid) into sd; returns the descriptor's size. */
static size_t parse(const char *text, uint8_t *sd, size_t cap)
{
    size_t len = 0;
    wf_sddl_error error = { 0, NULL };
    NTSTATUS status = wf_sd_from_sddl(text, strlen(text), sd, cap, &len, &error);
    if (status != STATUS_SUCCESS)
        fail_msg("'%s': 0x%08x at %zu: %s", text, (unsigned)status, error.offset,
            error.reason ? error.reason : "(no reason)");
    assert_int_equal(wf_sd_validate(sd, len), STATUS_SUCCESS);
    return len;
}

static void assert_sddl(const uint8_t *sd, size_t len, const char *expected)
{
    char text[2048];
    assert_int_equal(wf_sd_to_sddl(sd, len, text, sizeof text, NULL), STATUS_SUCCESS);
    assert_string_equal(text, expected);
}

/* The mask of the index-th ACE of the DACL of sd. */
static uint32_t ace_mask(const uint8_t *sd, unsigned index)
{
    const uint8_t *acl = sd + wf_get_le32(sd + 16), *ace = acl + 8;
    while (index-- > 0)
        ace += ace[2] | ace[3] << 8;
    return wf_get_le32(ace + 4);
}

/* Round trips --------------------------------------------------------------------------- */

static void every_descriptor_made_from_a_mode_parses_back_to_the_same_bytes(void **state)
{
    (void)state;
    static const uint32_t ids[][2] = {
        { 1000, 1000 },                     /* one SID for both: S-1-5-1000 */
        { 1001, 1001 },                     /* Unix User / Unix Group */
        { 0x30000u + 1001, 0x30000u + 513 },/* the local domain */
        { 0, 0 },
        { 18, 544 },                        /* SY, BA */
        { 65534, 65534 },                   /* the unmapped SID */
    };
    uint8_t made[WF_SD_FROM_POSIX_MAX], parsed[WF_SD_FROM_POSIX_MAX];
    char text[1024];
    size_t made_len, parsed_len;
    unsigned i, dir;
    uint32_t mode;

    for (i = 0; i < sizeof ids / sizeof ids[0]; i++)
        for (dir = 0; dir < 2; dir++)
            for (mode = 0; mode <= 01777; mode++) {
                assert_int_equal(wf_sd_from_posix(&no_options, ids[i][0], ids[i][1], mode,
                    dir != 0, made, sizeof made, &made_len), STATUS_SUCCESS);
                assert_int_equal(wf_sd_to_sddl(made, made_len, text, sizeof text, NULL),
                    STATUS_SUCCESS);
                parsed_len = parse(text, parsed, sizeof parsed);
                if (parsed_len != made_len || memcmp(parsed, made, made_len) != 0)
                    fail_msg("uid %u gid %u mode 0%o %s: '%s' parsed to other bytes",
                        ids[i][0], ids[i][1], mode, dir ? "dir" : "file", text);
            }
}

static void parsed_descriptors_map_back_to_the_mode_they_were_made_from(void **state)
{
    (void)state;
    uint8_t made[WF_SD_FROM_POSIX_MAX], parsed[WF_SD_FROM_POSIX_MAX];
    char text[1024];
    size_t made_len, parsed_len;
    uint32_t mode, uid, gid, back;

    for (mode = 0; mode <= 0777; mode++) {
        assert_int_equal(wf_sd_from_posix(&no_options, 1001, 100, mode, false, made,
            sizeof made, &made_len), STATUS_SUCCESS);
        assert_int_equal(wf_sd_to_sddl(made, made_len, text, sizeof text, NULL),
            STATUS_SUCCESS);
        parsed_len = parse(text, parsed, sizeof parsed);
        uid = gid = back = 0;
        assert_int_equal(wf_sd_to_posix(&no_options, parsed, parsed_len, &uid, &gid, &back,
            NULL), STATUS_SUCCESS);
        assert_int_equal(uid, 1001);
        assert_int_equal(gid, 100);
        if (back != mode)
            fail_msg("'%s' maps to 0%o, made from 0%o", text, back, mode);
    }
}

/* Hand-written SDDL ------------------------------------------------------------------- */

static void abbreviations_flags_and_named_rights_give_their_values(void **state)
{
    (void)state;
    uint8_t sd[512];
    size_t len = parse("O:SYG:BAD:PAI(A;OICI;FA;;;WD)(D;NPIO;WDWO;;;AU)"
        "(A;ID;GRGX;;;S-1-22-1-1001)(A;;SDRC;;;CO)(A;;CCDCLCSWRPWPDTLOCR;;;BU)", sd, sizeof sd);

    assert_sddl(sd, len, "O:SYG:BAD:PAI(A;OICI;FA;;;WD)(D;NPIO;0xc0000;;;AU)"
        "(A;ID;GRGX;;;S-1-22-1-1001)(A;;0x30000;;;CO)(A;;0x1ff;;;BU)");
    assert_int_equal(ace_mask(sd, 0), FILE_ALL_ACCESS);
    assert_int_equal(ace_mask(sd, 1), WRITE_DAC | WRITE_OWNER);
    assert_int_equal(ace_mask(sd, 2), GENERIC_READ | GENERIC_EXECUTE);
    assert_int_equal(ace_mask(sd, 3), DELETE | READ_CONTROL);
    assert_int_equal(ace_mask(sd, 4), 0x1ffu);
}

static void rights_may_be_hex_or_decimal_numbers(void **state)
{
    (void)state;
    uint8_t sd[256];

    parse("D:(A;;0x1200A9;;;WD)(A;;1179817;;;BU)(A;;0;;;AU)(A;;0xffffffff;;;SY)", sd,
        sizeof sd);
    assert_int_equal(ace_mask(sd, 0), 0x1200a9u);
    assert_int_equal(ace_mask(sd, 1), 0x1200a9u);
    assert_int_equal(ace_mask(sd, 2), 0u);
    assert_int_equal(ace_mask(sd, 3), 0xffffffffu);
}

static void only_the_parts_given_are_present(void **state)
{
    (void)state;
    uint8_t sd[256];
    uint32_t uid = 7, gid = 8, mode = 0, present = 0;
    size_t len = parse("O:S-1-22-1-1001", sd, sizeof sd);

    assert_sddl(sd, len, "O:S-1-22-1-1001");
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &uid, &gid, &mode, &present),
        STATUS_SUCCESS);
    assert_int_equal(present, OWNER_SECURITY_INFORMATION);
    assert_int_equal(uid, 1001);
    assert_int_equal(gid, 8);

    len = parse("G:S-1-22-2-50", sd, sizeof sd);
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &uid, &gid, &mode, &present),
        STATUS_SUCCESS);
    assert_int_equal(present, GROUP_SECURITY_INFORMATION);
    assert_int_equal(gid, 50);

    /* The empty string is a descriptor with nothing in it. */
    len = parse("", sd, sizeof sd);
    assert_int_equal(len, 20);
    assert_sddl(sd, len, "");
}

static void a_null_dacl_allows_everything_and_an_empty_one_nothing(void **state)
{
    (void)state;
    uint8_t sd[256];
    uint32_t uid = 0, gid = 0, mode = 0;
    size_t len = parse("D:NO_ACCESS_CONTROL", sd, sizeof sd);

    assert_sddl(sd, len, "D:NO_ACCESS_CONTROL");
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &uid, &gid, &mode, NULL),
        STATUS_SUCCESS);
    assert_int_equal(mode, 0777);

    len = parse("D:P", sd, sizeof sd);
    assert_sddl(sd, len, "D:P");
    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &uid, &gid, &mode, NULL),
        STATUS_SUCCESS);
    assert_int_equal(mode, 0);
}

static void sections_may_come_in_any_order(void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len = parse("D:(A;;FR;;;WD)G:BUO:" LOCAL "-1001", sd, sizeof sd);

    assert_sddl(sd, len, "O:" LOCAL "-1001G:BUD:(A;;FR;;;WD)");
}

static void an_owner_only_read_dacl_maps_to_0400(void **state)
{
    (void)state;
    uint8_t sd[256];
    uint32_t uid = 0, gid = 0, mode = 0;
    size_t len = parse("O:S-1-22-1-1001G:S-1-22-2-1001D:P(A;;FR;;;S-1-22-1-1001)", sd,
        sizeof sd);

    assert_int_equal(wf_sd_to_posix(&no_options, sd, len, &uid, &gid, &mode, NULL),
        STATUS_SUCCESS);
    assert_int_equal(uid, 1001);
    assert_int_equal(gid, 1001);
    assert_int_equal(mode, 0400);
}

/* Sizes ------------------------------------------------------------------------------- */

static void a_short_buffer_learns_the_size_it_needs(void **state)
{
    (void)state;
    static const char text[] = "O:SYG:SYD:P(A;;FA;;;SY)(A;;FR;;;WD)";
    uint8_t sd[256], small[24];
    size_t need = 0, len = 0;

    memset(small, 0xAB, sizeof small);
    assert_int_equal(wf_sd_from_sddl(text, strlen(text), small, sizeof small - 4, &need, NULL),
        STATUS_BUFFER_TOO_SMALL);
    /* nothing written past what it was given */
    assert_int_equal(small[20], 0xAB);
    assert_int_equal(wf_sd_from_sddl(text, strlen(text), NULL, 0, &len, NULL),
        STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(len, need);
    assert_int_equal(parse(text, sd, sizeof sd), need);
    assert_int_equal(wf_sd_from_sddl(text, strlen(text), sd, need, &len, NULL),
        STATUS_SUCCESS);
}

/* Malformed SDDL ---------------------------------------------------------------------- */

static void malformed_sddl_is_an_invalid_parameter_with_where_and_why(void **state)
{
    (void)state;
    static const struct { const char *text; size_t offset; } bad[] = {
        { "O:", 2 },                                /* no SID */
        { "O:XX", 2 },                              /* no such abbreviation */
        { "O:S-1-", 2 },                            /* a broken SID */
        { "O:S-1-5-0x", 2 },
        { "O:SYO:SY", 4 },                          /* twice */
        { "G:SYG:BA", 4 },
        { "D:(A;;FA;;;WD)D:", 14 },
        { "X:SY", 0 },                              /* no such part */
        { "o:sy", 0 },                              /* keywords are upper case */
        { " O:SY", 0 },                             /* no white space */
        { "O:SY ", 2 },
        { "S:(AU;SA;FA;;;WD)", 0 },                 /* no SACL */
        { "D:(A;;FA;;;WD", 13 },                    /* unclosed */
        { "D:(X;;FA;;;WD)", 3 },                    /* ACE types: A and D only */
        { "D:(AU;;FA;;;WD)", 3 },
        { "D:(OA;;FA;;;WD)", 3 },
        { "D:(A;XX;FA;;;WD)", 5 },                  /* no such flag */
        { "D:(A;SA;FA;;;WD)", 5 },                  /* audit flags are not for a DACL */
        { "D:(A;;ZZ;;;WD)", 6 },                    /* no such right */
        { "D:(A;;;;;WD)", 6 },                      /* no rights */
        { "D:(A;;0x;;;WD)", 8 },
        { "D:(A;;0x123456789;;;WD)", 16 },          /* more than 32 bits */
        { "D:(A;;4294967296;;;WD)", 15 },
        { "D:(A;;0777;;;WD)", 7 },                  /* would be octal to Windows */
        { "D:(A;;FA;{00000000-0000-0000-0000-000000000000};;WD)", 8 },  /* object GUID */
        { "D:(A;;FA;;;WD;x)", 13 },                 /* a seventh field */
        { "D:(A;;FA;;;)", 11 },                     /* no SID */
        { "D:(A;;FA;;;WD)junk", 14 },
        { "D:PX(A;;FA;;;WD)", 3 },                  /* no such DACL flag */
        { "D:NO_ACCESS_CONTROL(A;;FA;;;WD)", 19 },  /* a NULL DACL has no ACEs */
    };
    uint8_t sd[256];
    size_t i, len;
    wf_sddl_error error;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        error.offset = 999;
        error.reason = NULL;
        len = 1234;
        NTSTATUS status = wf_sd_from_sddl(bad[i].text, strlen(bad[i].text), sd, sizeof sd,
            &len, &error);
        if (status != STATUS_INVALID_PARAMETER)
            fail_msg("'%s' gave 0x%08x", bad[i].text, (unsigned)status);
        if (error.offset != bad[i].offset)
            fail_msg("'%s': error at %zu (%s), expected %zu", bad[i].text, error.offset,
                error.reason ? error.reason : "?", bad[i].offset);
        assert_non_null(error.reason);
        assert_int_equal(len, 0);
    }
}

static void a_nul_inside_the_text_is_not_the_end(void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len;
    wf_sddl_error error = { 0, NULL };

    /* len covers the NUL: it is a character like any other, and not SDDL */
    assert_int_equal(wf_sd_from_sddl("O:SY\0G:SY", 9, sd, sizeof sd, &len, &error),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(error.offset, 2);
    /* a text shorter than its NUL-terminated string ends where len says */
    assert_int_equal(wf_sd_from_sddl("O:SYG:SY", 4, sd, sizeof sd, &len, NULL),
        STATUS_SUCCESS);
    assert_sddl(sd, len, "O:SY");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_descriptor_made_from_a_mode_parses_back_to_the_same_bytes),
        cmocka_unit_test(parsed_descriptors_map_back_to_the_mode_they_were_made_from),
        cmocka_unit_test(abbreviations_flags_and_named_rights_give_their_values),
        cmocka_unit_test(rights_may_be_hex_or_decimal_numbers),
        cmocka_unit_test(only_the_parts_given_are_present),
        cmocka_unit_test(a_null_dacl_allows_everything_and_an_empty_one_nothing),
        cmocka_unit_test(sections_may_come_in_any_order),
        cmocka_unit_test(an_owner_only_read_dacl_maps_to_0400),
        cmocka_unit_test(a_short_buffer_learns_the_size_it_needs),
        cmocka_unit_test(malformed_sddl_is_an_invalid_parameter_with_where_and_why),
        cmocka_unit_test(a_nul_inside_the_text_is_not_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
