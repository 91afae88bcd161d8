/* test_engine_security.c — QuerySecurity (a descriptor from uid/gid/mode) and SetSecurity
   (chmod through a DACL, chown through an owner, no SETATTR when nothing changes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/sddl.h"
#include "winfuse/security.h"
#include "mock_fs.h"
#include "winfuse/linux_errno.h"
#include "sd_build.h"

#define NODE 5
#define FH 77
#define LOCAL "S-1-5-21-2918340737-1480870229-3126009433"
#define U (0x30000u + 1001)     /* LOCAL-1001 */
#define G (0x30000u + 513)      /* LOCAL-513 */

static const wf_id_map no_options;

/* Whole responses (Buffer[] included), caught through the completion hook. */
typedef struct captured {
    _Alignas(8) uint8_t bytes[FSP_FSCTL_TRANSACT_RSP_SIZEMAX];
    uint64_t hint;
    bool done;
} captured;

static void capture(void *context, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    captured *c = context;
    assert_true(rsp->Size >= sizeof *rsp && rsp->Size <= sizeof c->bytes);
    assert_false(c->done);
    memcpy(c->bytes, rsp, rsp->Size);
    c->hint = rsp->Hint;
    c->done = true;
}

static const FSP_FSCTL_TRANSACT_RSP *response(const captured *c, uint64_t hint)
{
    assert_true(c->done);
    assert_int_equal(c->hint, hint);
    return (const FSP_FSCTL_TRANSACT_RSP *)(const void *)c->bytes;
}

/* Opens \f (a directory when dir) as a kernel-mode caller: LOOKUP answered with these
   owner, group and mode (attributes valid attr_valid_s), then OPEN or OPENDIR. */
static uint64_t open_node(mock_fs *m, uint32_t uid, uint32_t gid, uint32_t mode,
    uint64_t attr_valid_s)
{
    bool dir = (mode & 0170000) == 0040000;
    FSP_FSCTL_TRANSACT_REQ *create = mock_req_create("\\f", FILE_OPEN,
        dir ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ | WRITE_DAC | WRITE_OWNER);
    create->Req.Create.UserMode = 0;
    uint64_t hint = mock_submit(m, create);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    struct fuse_entry_out entry = mock_entry(NODE, mode, 10, 60, 0, attr_valid_s);
    entry.attr.uid = uid;
    entry.attr.gid = gid;
    mock_reply(m, req.header.unique, 0, &entry, sizeof entry);
    req = mock_expect_node(m, dir ? FUSE_OPENDIR : FUSE_OPEN, NODE);
    mock_reply_open(m, req.header.unique, FH, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal((NTSTATUS)rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static uint64_t submit_query(mock_fs *m, captured *c, uint64_t handle)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQuerySecurityKind);
    req->Req.QuerySecurity.UserContext2 = handle;
    memset(c, 0, sizeof *c);
    mock_set_complete_hook(m, capture, c);
    return mock_submit(m, req);
}

/* The descriptor a QuerySecurity response carries, as SDDL. */
static void assert_response_sddl(const FSP_FSCTL_TRANSACT_RSP *rsp, const char *expected)
{
    char text[1024];
    const FSP_FSCTL_TRANSACT_BUF *sd = &rsp->Rsp.QuerySecurity.SecurityDescriptor;
    assert_int_equal((NTSTATUS)rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(sd->Offset, 0);
    assert_int_equal(rsp->Size, sizeof *rsp + sd->Size);
    assert_int_equal(wf_sd_to_sddl(rsp->Buffer + sd->Offset, sd->Size, text, sizeof text,
        NULL), STATUS_SUCCESS);
    assert_string_equal(text, expected);
}

static uint64_t submit_set(mock_fs *m, uint64_t handle, uint32_t info, const uint8_t *sd,
    size_t len)
{
    return mock_submit(m, mock_req_set_security(handle, info, sd, len));
}

/* SetSecurity with the descriptor wf_sd_from_posix makes for uid/gid/mode. */
static uint64_t submit_set_posix(mock_fs *m, uint64_t handle, uint32_t info, uint32_t uid,
    uint32_t gid, uint32_t mode)
{
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len;
    assert_int_equal(wf_sd_from_posix(&no_options, uid, gid, mode, (mode & 0170000) == 0040000,
        sd, sizeof sd, &len), STATUS_SUCCESS);
    return submit_set(m, handle, info, sd, len);
}

/* Expects a SETATTR on the file's handle; answers it with reply_attr. */
static struct fuse_setattr_in expect_setattr(mock_fs *m, const struct fuse_attr *reply_attr)
{
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    struct fuse_setattr_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_true(in.valid & FATTR_FH);
    assert_int_equal(in.fh, FH);
    mock_reply_attr(m, req.header.unique, reply_attr, 60);
    return in;
}

/* QuerySecurity ------------------------------------------------------------------------ */

static void query_security_describes_owner_group_and_mode_from_cached_attributes(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100640, 60);
    captured c;
    uint64_t hint = submit_query(m, &c, file);
    assert_response_sddl(response(&c, hint), "O:" LOCAL "-1001G:" LOCAL "-513D:P"
        "(A;;0x1f019f;;;" LOCAL "-1001)(A;;FR;;;" LOCAL "-513)(A;;0x120088;;;WD)");
    assert_true(mock_idle(m, 50));      /* the cached attributes sufficed */
    mock_set_complete_hook(m, NULL, NULL);
    mock_free(m);
}

static void query_security_sends_getattr_when_attributes_expired(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 040755, 0);
    captured c;
    uint64_t hint = submit_query(m, &c, file);
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 041777, 0);
    attr.uid = 1001;
    attr.gid = 1002;
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_response_sddl(response(&c, hint), "O:S-1-22-1-1001G:S-1-22-2-1002D:P"
        "(A;;FA;;;S-1-22-1-1001)(A;;0x1201af;;;S-1-22-2-1002)(A;;0x1201af;;;WD)");
    mock_set_complete_hook(m, NULL, NULL);
    mock_free(m);
}

static void query_security_failure_of_getattr_carries_no_descriptor(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 0);
    captured c;
    uint64_t hint = submit_query(m, &c, file);
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = response(&c, hint);
    assert_int_not_equal((NTSTATUS)rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp->Size, sizeof *rsp);
    mock_set_complete_hook(m, NULL, NULL);
    mock_free(m);
}

static void query_security_on_an_unknown_handle_is_invalid_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    captured c;
    uint64_t hint = submit_query(m, &c, 0);
    assert_int_equal((NTSTATUS)response(&c, hint)->IoStatus.Status, STATUS_INVALID_HANDLE);
    assert_true(mock_idle(m, 50));
    mock_set_complete_hook(m, NULL, NULL);
    mock_free(m);
}

/* SetSecurity -------------------------------------------------------------------------- */

static void set_security_dacl_change_is_chmod(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 60);
    uint64_t hint = submit_set_posix(m, file, DACL_SECURITY_INFORMATION, U, G, 0100600);
    struct fuse_attr attr = mock_attr(NODE, 0100600, 10);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_MODE | FATTR_FH);
    assert_int_equal(in.mode, 0100600);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal((NTSTATUS)rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetSecurity.SecurityDescriptor.Size, 0);
    mock_free(m);
}

static void set_security_owner_change_is_chown_of_the_uid_only(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 60);
    uint8_t sd[256];
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-2000", NULL, 0, false, false, NULL, 0);
    uint64_t hint = submit_set(m, file, OWNER_SECURITY_INFORMATION, sd, len);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    attr.uid = 2000;
    attr.gid = G;
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_UID | FATTR_FH);
    assert_int_equal(in.uid, 2000);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_security_group_change_is_chown_of_the_gid_only(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 60);
    uint8_t sd[256];
    size_t len = sd_build(sd, sizeof sd, NULL, "S-1-5-32-545", 0, false, false, NULL, 0);
    uint64_t hint = submit_set(m, file, GROUP_SECURITY_INFORMATION, sd, len);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_GID | FATTR_FH);
    assert_int_equal(in.gid, 545);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_security_of_owner_group_and_dacl_together_is_one_setattr(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 60);
    uint64_t hint = submit_set_posix(m, file, OWNER_SECURITY_INFORMATION |
        GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, 1001, 1002, 0100750);
    struct fuse_attr attr = mock_attr(NODE, 0100750, 10);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_MODE | FATTR_UID | FATTR_GID | FATTR_FH);
    assert_int_equal(in.mode, 0100750);
    assert_int_equal(in.uid, 1001);
    assert_int_equal(in.gid, 1002);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_security_that_changes_nothing_sends_no_setattr(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 040755, 60);
    uint64_t hint = submit_set_posix(m, file, OWNER_SECURITY_INFORMATION |
        GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, U, G, 040755);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    /* a SACL alone maps to nothing either */
    hint = submit_set_posix(m, file, SACL_SECURITY_INFORMATION, 0, 0, 0);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_security_keeps_set_id_bits_and_a_sticky_bit_the_dacl_cannot_show(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t dir = open_node(m, U, G, 041755, 60);
    uint64_t hint = submit_set_posix(m, dir, DACL_SECURITY_INFORMATION, U, G, 040700);
    struct fuse_attr attr = mock_attr(NODE, 041700, 0);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_MODE | FATTR_FH);
    assert_int_equal(in.mode, 041700);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);

    m = mock_start();
    uint64_t file = open_node(m, U, G, 0106755, 60);
    hint = submit_set_posix(m, file, DACL_SECURITY_INFORMATION, U, G, 0100750);
    attr = mock_attr(NODE, 0106750, 10);
    in = expect_setattr(m, &attr);
    assert_int_equal(in.mode, 0106750);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_security_sets_and_clears_a_sticky_bit_the_dacl_shows(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t dir = open_node(m, U, G, 040777, 60);
    uint64_t hint = submit_set_posix(m, dir, DACL_SECURITY_INFORMATION, U, G, 041777);
    struct fuse_attr attr = mock_attr(NODE, 041777, 0);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.mode, 041777);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    /* the SETATTR reply's attributes are cached: no GETATTR */
    hint = submit_set_posix(m, dir, DACL_SECURITY_INFORMATION, U, G, 040777);
    attr = mock_attr(NODE, 040777, 0);
    in = expect_setattr(m, &attr);
    assert_int_equal(in.mode, 040777);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_security_refused_by_the_file_system_is_access_denied(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 60);
    uint64_t hint = submit_set_posix(m, file, OWNER_SECURITY_INFORMATION, 0, G, 0100644);
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EPERM, NULL, 0);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_ACCESS_DENIED);
    mock_free(m);
}

static void set_security_to_an_owner_with_no_uid_is_invalid_owner(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 60);
    uint8_t sd[256];
    size_t len = sd_build(sd, sizeof sd,
        "S-1-12-1-3263053372-1230088267-1916954497-2937291098", NULL, 0, false, false, NULL, 0);
    uint64_t hint = submit_set(m, file, OWNER_SECURITY_INFORMATION, sd, len);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_INVALID_OWNER);
    len = sd_build(sd, sizeof sd, NULL, "S-1-5-21-1-2-3-513", 0, false, false, NULL, 0);
    hint = submit_set(m, file, GROUP_SECURITY_INFORMATION, sd, len);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status,
        STATUS_INVALID_PRIMARY_GROUP);
    /* the same SID as shown now is no change */
    len = sd_build(sd, sizeof sd, LOCAL "-1001", NULL, 0, false, false, NULL, 0);
    hint = submit_set(m, file, OWNER_SECURITY_INFORMATION, sd, len);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_security_with_a_malformed_descriptor_asks_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_node(m, U, G, 0100644, 60);
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len;
    assert_int_equal(wf_sd_from_posix(&no_options, U, G, 0600, false, sd, sizeof sd, &len),
        STATUS_SUCCESS);
    uint64_t hint = submit_set(m, file, DACL_SECURITY_INFORMATION, sd, len - 1);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status,
        STATUS_INVALID_SECURITY_DESCR);
    /* a descriptor that points outside the request */
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetSecurityKind);
    req->Req.SetSecurity.UserContext2 = file;
    req->Req.SetSecurity.SecurityInformation = DACL_SECURITY_INFORMATION;
    req->Req.SetSecurity.SecurityDescriptor.Offset = 0;
    req->Req.SetSecurity.SecurityDescriptor.Size = 100;
    hint = mock_submit(m, req);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_security_describes_owner_group_and_mode_from_cached_attributes),
        cmocka_unit_test(query_security_sends_getattr_when_attributes_expired),
        cmocka_unit_test(query_security_failure_of_getattr_carries_no_descriptor),
        cmocka_unit_test(query_security_on_an_unknown_handle_is_invalid_handle),
        cmocka_unit_test(set_security_dacl_change_is_chmod),
        cmocka_unit_test(set_security_owner_change_is_chown_of_the_uid_only),
        cmocka_unit_test(set_security_group_change_is_chown_of_the_gid_only),
        cmocka_unit_test(set_security_of_owner_group_and_dacl_together_is_one_setattr),
        cmocka_unit_test(set_security_that_changes_nothing_sends_no_setattr),
        cmocka_unit_test(set_security_keeps_set_id_bits_and_a_sticky_bit_the_dacl_cannot_show),
        cmocka_unit_test(set_security_sets_and_clears_a_sticky_bit_the_dacl_shows),
        cmocka_unit_test(set_security_refused_by_the_file_system_is_access_denied),
        cmocka_unit_test(set_security_to_an_owner_with_no_uid_is_invalid_owner),
        cmocka_unit_test(set_security_with_a_malformed_descriptor_asks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
