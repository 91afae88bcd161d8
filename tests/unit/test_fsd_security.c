/* test_fsd_security.c — the FSD stand-in's security calls against a fake file system: the
   handle's access checked as the I/O manager checks it, the requests laid out as WinFsp's
   FSD lays them out, and the descriptor of the response checked and cut to the parts asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/sddl.h"
#include "winfuse/security.h"
#include "fsd.h"
#include "winfuse/nt_constants.h"

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

/* The fake file system: answers at once, keeps a copy of the last request. */
static wf_fsd *fsd;
static FSP_FSCTL_TRANSACT_REQ *last;
static unsigned requests[FspFsctlTransactKindCount];
static uint8_t answer_sd[512];          /* what QuerySecurity answers */
static uint16_t answer_sd_size;
static NTSTATUS answer_status;          /* of QuerySecurity and SetSecurity */

static void fake_submit(void *ctx, const FSP_FSCTL_TRANSACT_REQ *req)
{
    static uint64_t rsp_space[FSP_FSCTL_TRANSACT_RSP_SIZEMAX / 8];
    FSP_FSCTL_TRANSACT_RSP *rsp = (FSP_FSCTL_TRANSACT_RSP *)rsp_space;

    (void)ctx;
    free(last);
    last = malloc(req->Size);
    memcpy(last, req, req->Size);
    if (req->Kind < FspFsctlTransactKindCount)
        requests[req->Kind]++;
    memset(rsp, 0, sizeof *rsp);
    rsp->Size = sizeof *rsp;
    rsp->Kind = req->Kind;
    rsp->Hint = req->Hint;
    switch (req->Kind) {
    case FspFsctlTransactCreateKind:
        rsp->IoStatus.Information = FILE_OPENED;
        rsp->Rsp.Create.Opened.UserContext = 11;
        rsp->Rsp.Create.Opened.UserContext2 = 22;
        rsp->Rsp.Create.Opened.GrantedAccess = req->Req.Create.DesiredAccess;
        break;
    case FspFsctlTransactQuerySecurityKind:
        rsp->IoStatus.Status = (uint32_t)answer_status;
        memcpy(rsp->Buffer, answer_sd, answer_sd_size);
        rsp->Rsp.QuerySecurity.SecurityDescriptor.Size = answer_sd_size;
        rsp->Size = (uint16_t)(sizeof *rsp + answer_sd_size);
        break;
    case FspFsctlTransactSetSecurityKind:
        rsp->IoStatus.Status = (uint32_t)answer_status;
        break;
    default:
        break;
    }
    wf_fsd_complete(fsd, rsp);
}

static int setup(void **state)
{
    static const wf_id_map map;
    size_t len = 0;

    (void)state;
    fsd = wf_fsd_create(fake_submit, NULL);
    memset(requests, 0, sizeof requests);
    answer_status = STATUS_SUCCESS;
    /* uid 1001, gid 1001, mode 0640: owner, group, a DACL of three ACEs */
    assert_int_equal(wf_sd_from_posix(&map, 1001, 1001, 0640, false, answer_sd,
        sizeof answer_sd, &len), STATUS_SUCCESS);
    answer_sd_size = (uint16_t)len;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wf_fsd_delete(fsd);
    free(last);
    last = NULL;
    return 0;
}

static wf_fsd_file *open_with(uint32_t access)
{
    wf_fsd_file *file = NULL;
    assert_int_equal(wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = access, .share_access = FILE_SHARE_READ,
        .create_disposition = FILE_OPEN }, &file, NULL), STATUS_SUCCESS);
    return file;
}

static size_t sddl_parse(const char *text, uint8_t *sd, size_t cap)
{
    size_t len = 0;
    assert_int_equal(wf_sd_from_sddl(text, strlen(text), sd, cap, &len, NULL), STATUS_SUCCESS);
    return len;
}

static void assert_sddl(const uint8_t *sd, size_t len, const char *expected)
{
    char text[1024];
    assert_int_equal(wf_sd_to_sddl(sd, len, text, sizeof text, NULL), STATUS_SUCCESS);
    assert_string_equal(text, expected);
}

/* QuerySecurity ------------------------------------------------------------------------- */

static void query_security_needs_read_control_on_the_handle(void **state)
{
    (void)state;
    uint8_t sd[512];
    uint32_t bytes = 7;
    wf_fsd_file *file = open_with(FILE_READ_DATA);

    assert_int_equal(wf_fsd_query_security(file, OWNER_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_ACCESS_DENIED);
    assert_int_equal(bytes, 0);
    assert_int_equal(requests[FspFsctlTransactQuerySecurityKind], 0);
    wf_fsd_close(file);

    /* The SACL needs ACCESS_SYSTEM_SECURITY, which READ_CONTROL is not. */
    file = open_with(READ_CONTROL);
    assert_int_equal(wf_fsd_query_security(file, SACL_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_ACCESS_DENIED);
    assert_int_equal(requests[FspFsctlTransactQuerySecurityKind], 0);
    wf_fsd_close(file);
}

static void query_security_returns_the_whole_descriptor_when_all_is_asked(void **state)
{
    (void)state;
    uint8_t sd[512];
    uint32_t bytes = 0;
    wf_fsd_file *file = open_with(READ_CONTROL);

    assert_int_equal(wf_fsd_query_security(file, OWNER_SECURITY_INFORMATION |
        GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, sd, sizeof sd, &bytes),
        STATUS_SUCCESS);
    assert_int_equal(last->Kind, FspFsctlTransactQuerySecurityKind);
    assert_int_equal(last->Req.QuerySecurity.UserContext, 11);
    assert_int_equal(last->Req.QuerySecurity.UserContext2, 22);
    assert_int_equal(bytes, answer_sd_size);
    assert_memory_equal(sd, answer_sd, bytes);
    wf_fsd_close(file);
}

static void query_security_returns_only_the_parts_asked_for(void **state)
{
    (void)state;
    uint8_t sd[512];
    uint32_t bytes = 0;
    wf_fsd_file *file = open_with(READ_CONTROL);

    assert_int_equal(wf_fsd_query_security(file, OWNER_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_SUCCESS);
    assert_int_equal(wf_sd_validate(sd, bytes), STATUS_SUCCESS);
    assert_sddl(sd, bytes, "O:S-1-22-1-1001");

    assert_int_equal(wf_fsd_query_security(file, DACL_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_SUCCESS);
    assert_sddl(sd, bytes, "D:P(A;;0x1f019f;;;S-1-22-1-1001)(A;;FR;;;S-1-22-2-1001)"
        "(A;;0x120088;;;WD)");

    assert_int_equal(wf_fsd_query_security(file, GROUP_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_SUCCESS);
    assert_sddl(sd, bytes, "G:S-1-22-2-1001");
    wf_fsd_close(file);
}

static void query_security_that_does_not_fit_tells_the_length_needed(void **state)
{
    (void)state;
    uint8_t sd[512];
    uint32_t bytes = 0;
    wf_fsd_file *file = open_with(READ_CONTROL);

    memset(sd, 0xEE, sizeof sd);
    assert_int_equal(wf_fsd_query_security(file, OWNER_SECURITY_INFORMATION |
        GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, sd, 40, &bytes),
        STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(bytes, answer_sd_size);
    assert_int_equal(sd[0], 0xEE);     /* nothing written */
    wf_fsd_close(file);
}

static void a_malformed_descriptor_from_the_file_system_is_refused(void **state)
{
    (void)state;
    uint8_t sd[512];
    uint32_t bytes = 0;
    wf_fsd_file *file = open_with(READ_CONTROL);

    answer_sd[0] = 2;   /* revision */
    assert_int_equal(wf_fsd_query_security(file, OWNER_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_INVALID_SECURITY_DESCR);
    answer_sd[0] = 1;
    /* a size that leaves out part of it */
    answer_sd_size = 24;
    assert_int_equal(wf_fsd_query_security(file, OWNER_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(bytes, 0);
    wf_fsd_close(file);
}

static void query_security_passes_the_file_systems_failure_on(void **state)
{
    (void)state;
    uint8_t sd[512];
    uint32_t bytes = 0;
    wf_fsd_file *file = open_with(READ_CONTROL);

    answer_status = STATUS_ACCESS_DENIED;
    answer_sd_size = 0;
    assert_int_equal(wf_fsd_query_security(file, OWNER_SECURITY_INFORMATION, sd, sizeof sd,
        &bytes), STATUS_ACCESS_DENIED);
    wf_fsd_close(file);
}

/* SetSecurity --------------------------------------------------------------------------- */

static void set_security_needs_write_dac_for_the_dacl_and_write_owner_for_owner_and_group(
    void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len = sddl_parse("O:SYG:SYD:(A;;FA;;;WD)", sd, sizeof sd);
    wf_fsd_file *file = open_with(WRITE_OWNER);

    assert_int_equal(wf_fsd_set_security(file, DACL_SECURITY_INFORMATION, sd, (uint32_t)len),
        STATUS_ACCESS_DENIED);
    wf_fsd_close(file);
    file = open_with(WRITE_DAC);
    assert_int_equal(wf_fsd_set_security(file, OWNER_SECURITY_INFORMATION, sd, (uint32_t)len),
        STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_set_security(file, GROUP_SECURITY_INFORMATION, sd, (uint32_t)len),
        STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_set_security(file, SACL_SECURITY_INFORMATION, sd, (uint32_t)len),
        STATUS_ACCESS_DENIED);
    assert_int_equal(requests[FspFsctlTransactSetSecurityKind], 0);

    assert_int_equal(wf_fsd_set_security(file, DACL_SECURITY_INFORMATION, sd, (uint32_t)len),
        STATUS_SUCCESS);
    wf_fsd_close(file);
    file = open_with(WRITE_OWNER);
    assert_int_equal(wf_fsd_set_security(file, OWNER_SECURITY_INFORMATION |
        GROUP_SECURITY_INFORMATION, sd, (uint32_t)len), STATUS_SUCCESS);
    assert_int_equal(requests[FspFsctlTransactSetSecurityKind], 2);
    wf_fsd_close(file);
}

static void set_security_passes_the_selection_and_the_descriptor_at_the_buffers_start(
    void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len = sddl_parse("O:S-1-22-1-1001D:P(A;;FR;;;S-1-22-1-1001)", sd, sizeof sd);
    wf_fsd_file *file = open_with(WRITE_DAC | WRITE_OWNER);

    assert_int_equal(wf_fsd_set_security(file, OWNER_SECURITY_INFORMATION |
        DACL_SECURITY_INFORMATION, sd, (uint32_t)len), STATUS_SUCCESS);
    assert_int_equal(last->Kind, FspFsctlTransactSetSecurityKind);
    assert_int_equal(last->Req.SetSecurity.UserContext, 11);
    assert_int_equal(last->Req.SetSecurity.UserContext2, 22);
    assert_int_equal(last->Req.SetSecurity.SecurityInformation,
        OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION);
    assert_int_equal(last->Req.SetSecurity.SecurityDescriptor.Offset, 0);
    assert_int_equal(last->Req.SetSecurity.SecurityDescriptor.Size, len);
    assert_int_equal(last->FileName.Size, 0);
    assert_true(last->Size >= sizeof *last + len);
    assert_memory_equal(last->Buffer, sd, len);

    answer_status = STATUS_INVALID_OWNER;
    assert_int_equal(wf_fsd_set_security(file, OWNER_SECURITY_INFORMATION, sd, (uint32_t)len),
        STATUS_INVALID_OWNER);
    wf_fsd_close(file);
}

static void set_security_refuses_a_malformed_descriptor_without_asking(void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len = sddl_parse("O:SYD:(A;;FA;;;WD)", sd, sizeof sd);
    wf_fsd_file *file = open_with(WRITE_DAC | WRITE_OWNER);

    assert_int_equal(wf_fsd_set_security(file, DACL_SECURITY_INFORMATION, sd, 12),
        STATUS_INVALID_SECURITY_DESCR);
    sd[3] &= 0x7f;  /* SE_SELF_RELATIVE cleared */
    assert_int_equal(wf_fsd_set_security(file, DACL_SECURITY_INFORMATION, sd, (uint32_t)len),
        STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(wf_fsd_set_security(file, DACL_SECURITY_INFORMATION, NULL, 0),
        STATUS_INVALID_SECURITY_DESCR);
    assert_int_equal(requests[FspFsctlTransactSetSecurityKind], 0);
    wf_fsd_close(file);
}

/* Create with a descriptor -------------------------------------------------------------- */

static void create_carries_the_descriptor_after_the_name(void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len = sddl_parse("O:S-1-22-1-1001G:S-1-22-2-1001D:P(A;;FR;;;S-1-22-1-1001)", sd,
        sizeof sd);
    wf_fsd_file *file = NULL;

    assert_int_equal(wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = "\\new",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_CREATE, .sd = sd,
        .sd_length = (uint32_t)len }, &file, NULL), STATUS_SUCCESS);
    assert_int_equal(last->Kind, FspFsctlTransactCreateKind);
    assert_int_equal(last->FileName.Offset, 0);
    assert_int_equal(last->Req.Create.SecurityDescriptor.Offset,
        ALIGN8(last->FileName.Size));
    assert_int_equal(last->Req.Create.SecurityDescriptor.Size, len);
    assert_true(sizeof *last + last->Req.Create.SecurityDescriptor.Offset + len <= last->Size);
    assert_memory_equal(last->Buffer + last->Req.Create.SecurityDescriptor.Offset, sd, len);
    assert_int_equal(last->Req.Create.Ea.Size, 0);
    wf_fsd_close(file);

    /* Without one, the request has none. */
    assert_int_equal(wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = "\\new",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN }, &file, NULL),
        STATUS_SUCCESS);
    assert_int_equal(last->Req.Create.SecurityDescriptor.Size, 0);
    wf_fsd_close(file);
}

static void create_with_a_malformed_descriptor_is_refused_without_asking(void **state)
{
    (void)state;
    uint8_t sd[256];
    size_t len = sddl_parse("O:SYD:(A;;FA;;;WD)", sd, sizeof sd);
    wf_fsd_file *file = NULL;

    assert_int_equal(wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = "\\new",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_CREATE, .sd = sd,
        .sd_length = (uint32_t)len - 1 }, &file, NULL), STATUS_INVALID_SECURITY_DESCR);
    assert_null(file);
    assert_int_equal(requests[FspFsctlTransactCreateKind], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(query_security_needs_read_control_on_the_handle,
            setup, teardown),
        cmocka_unit_test_setup_teardown(
            query_security_returns_the_whole_descriptor_when_all_is_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(query_security_returns_only_the_parts_asked_for,
            setup, teardown),
        cmocka_unit_test_setup_teardown(
            query_security_that_does_not_fit_tells_the_length_needed, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_malformed_descriptor_from_the_file_system_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(query_security_passes_the_file_systems_failure_on,
            setup, teardown),
        cmocka_unit_test_setup_teardown(
            set_security_needs_write_dac_for_the_dacl_and_write_owner_for_owner_and_group,
            setup, teardown),
        cmocka_unit_test_setup_teardown(
            set_security_passes_the_selection_and_the_descriptor_at_the_buffers_start, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            set_security_refuses_a_malformed_descriptor_without_asking, setup, teardown),
        cmocka_unit_test_setup_teardown(create_carries_the_descriptor_after_the_name, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            create_with_a_malformed_descriptor_is_refused_without_asking, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
