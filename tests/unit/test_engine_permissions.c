/* test_engine_permissions.c — what a handle's opener may change, as Linux's
   default_permissions decides at the call (setattr_prepare, chown(2), xattr_permission):
   mode, times, owner and group, and user.* xattrs (EAs), each refusal made before the file
   system is asked. The table is docs/security.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"
/* Internals: one test calls the engine's setattr permission rule (wf_access_setattr) itself,
   for the "now" times the engine does not send today (a documented exception, docs/design.md). */
#include "engine/engine_internal.h"
#include "winfuse/ea_map.h"
#include "winfuse/security.h"
#include "sd_build.h"

#define PID 4242u
#define USER 1u         /* uid 1001, gid 1001, supplementary group 50 */
#define ROOT 2u         /* uid 0 */
#define NODE 5u
#define NT_OF(s) (((uint64_t)(s) + 11644473600u) * 10000000u)

static bool test_identity(void *host, uint64_t token, wf_identity *out)
{
    (void)host;
    switch (FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(token)) {
    case USER:
        out->uid = 1001;
        out->gid = 1001;
        out->group_count = 1;
        out->groups[0] = 50;
        return true;
    case ROOT:
        out->uid = 0;
        out->gid = 0;
        return true;
    default:
        return false;
    }
}

static void use_test_identity(wf_engine_params *params)
{
    params->identity = test_identity;
}

static mock_fs *start(void)
{
    mock_fs *m = mock_new_params(0, use_test_identity);
    mock_init(m, NULL);
    return m;
}

static void reply_attr(mock_fs *m, uint64_t unique, uint64_t ino, uint32_t mode,
    uint32_t uid, uint32_t gid, uint64_t ttl)
{
    struct fuse_attr attr = mock_attr(ino, mode, 0);
    attr.uid = uid;
    attr.gid = gid;
    assert_int_equal(mock_reply_attr(m, unique, &attr, ttl), STATUS_SUCCESS);
}

/* Opens \f (NODE: mode, uid, gid, attributes valid for ttl seconds) as who with access,
   answering whatever the open asks (the root's GETATTR, LOOKUP, READLINK, OPEN/OPENDIR). */
static uint64_t open_with(mock_fs *m, uint32_t who, uint32_t options, uint32_t access,
    uint32_t mode, uint32_t uid, uint32_t gid, uint64_t ttl)
{
    FSP_FSCTL_TRANSACT_REQ *create = mock_req_create("\\f", FILE_OPEN, options, access);
    create->Req.Create.AccessToken = WF_FSP_ACCESS_TOKEN(PID, who);
    uint64_t hint = mock_submit(m, create);
    mock_request req;
    for (int i = 0; i < 100 && !mock_has_response(m, hint); i++) {
        if (!mock_take(m, &req, 20))
            continue;
        switch (req.header.opcode) {
        case FUSE_GETATTR:
            assert_int_equal(req.header.nodeid, FUSE_ROOT_ID);
            reply_attr(m, req.header.unique, FUSE_ROOT_ID, 040755, 0, 0, 60);
            break;
        case FUSE_LOOKUP: {
            struct fuse_entry_out out = mock_entry(NODE, mode, 0, 60, 0, ttl);
            out.attr.uid = uid;
            out.attr.gid = gid;
            mock_reply(m, req.header.unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_READLINK:     /* a symbolic link opened as such */
            mock_reply(m, req.header.unique, 0, "x", 1);
            break;
        case FUSE_OPEN:
        case FUSE_OPENDIR:
            mock_reply_open(m, req.header.unique, 7, 0);
            break;
        default:
            fail_msg("unexpected opcode %u while opening", req.header.opcode);
        }
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static uint64_t open_as(mock_fs *m, uint32_t who, uint32_t access, uint32_t mode,
    uint32_t uid, uint32_t gid, uint64_t ttl)
{
    return open_with(m, who, 0, access, mode, uid, gid, ttl);
}

/* FileBasicInformation: attributes as the FSD passes them (all ones: unchanged), times 0
   unchanged. */
static uint64_t submit_basic(mock_fs *m, uint64_t handle, uint32_t attributes,
    uint64_t last_write)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = handle;
    req->Req.SetInformation.FileInformationClass = FileBasicInformation;
    req->Req.SetInformation.Info.Basic.FileAttributes = attributes;
    req->Req.SetInformation.Info.Basic.LastWriteTime = last_write;
    return mock_submit(m, req);
}

static void denied_and_nothing_sent(mock_fs *m, uint64_t hint)
{
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
}

/* The SETATTR that comes next, answered with the mode it asks (or mode if none). */
static struct fuse_setattr_in expect_setattr(mock_fs *m, uint32_t mode, uint32_t uid,
    uint32_t gid)
{
    struct fuse_setattr_in in;
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    memcpy(&in, req.body, sizeof in);
    reply_attr(m, req.header.unique, NODE, (in.valid & FATTR_MODE) ? in.mode : mode,
        (in.valid & FATTR_UID) ? in.uid : uid, (in.valid & FATTR_GID) ? in.gid : gid, 60);
    return in;
}

/* Mode (READONLY) --------------------------------------------------------------------- */

static void a_writer_who_is_not_the_owner_cannot_set_readonly(void **state)
{
    (void)state;
    mock_fs *m = start();
    /* 0666 of another user: the writer holds FILE_WRITE_ATTRIBUTES, as GENERIC_WRITE needs. */
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0100666, 1002, 1002, 60);
    denied_and_nothing_sent(m, submit_basic(m, file, FILE_ATTRIBUTE_READONLY, 0));
    mock_free(m);
}

static void the_owner_sets_readonly_as_a_chmod(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0100666, 1001, 1001, 60);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_READONLY, 0);
    struct fuse_setattr_in in = expect_setattr(m, 0100666, 1001, 1001);
    assert_int_equal(in.valid & ~FATTR_FH, FATTR_MODE);
    assert_int_equal(in.mode, 0100444);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void attributes_that_change_no_mode_need_no_ownership(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0100666, 1002, 1002, 60);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_ARCHIVE, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void an_owner_outside_the_files_group_loses_setgid_on_chmod(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0102666, 1001, 60, 60);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_READONLY, 0);
    struct fuse_setattr_in in = expect_setattr(m, 0102666, 1001, 60);
    assert_int_equal(in.mode, 0100444);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void an_owner_in_the_files_group_keeps_setgid_on_chmod(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0102666, 1001, 50, 60);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_READONLY, 0);
    struct fuse_setattr_in in = expect_setattr(m, 0102666, 1001, 50);
    assert_int_equal(in.mode, 0102444);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void root_sets_the_mode_of_any_file(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, ROOT, FILE_WRITE_ATTRIBUTES, 0100666, 1002, 1002, 60);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_READONLY, NT_OF(1600000000));
    struct fuse_setattr_in in = expect_setattr(m, 0100666, 1002, 1002);
    assert_int_equal(in.valid & ~FATTR_FH, FATTR_MODE | FATTR_MTIME);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* An Overwrite with READONLY by a writer who is not the owner truncates (O_TRUNC needs
   only w) and leaves the mode. */
static void an_overwrite_by_a_non_owner_keeps_the_mode(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_DATA, 0100666, 1002, 1002, 60);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactOverwriteKind);
    req->Req.Overwrite.UserContext2 = file;
    req->Req.Overwrite.FileAttributes = FILE_ATTRIBUTE_READONLY;
    uint64_t hint = mock_submit(m, req);
    mock_request list = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out none = { 0 };
    mock_reply(m, list.header.unique, 0, &none, sizeof none);
    struct fuse_setattr_in in = expect_setattr(m, 0100666, 1002, 1002);
    assert_int_equal(in.valid & ~FATTR_FH, FATTR_SIZE);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* Times --------------------------------------------------------------------------------- */

static void a_writer_who_is_not_the_owner_cannot_set_a_time(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0100666, 1002, 1002, 60);
    denied_and_nothing_sent(m, submit_basic(m, file, UINT32_MAX, NT_OF(1600000000)));
    mock_free(m);
}

static void the_owner_sets_any_time_even_without_write_permission(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0100444, 1001, 1001, 60);
    uint64_t hint = submit_basic(m, file, UINT32_MAX, NT_OF(1600000000));
    struct fuse_setattr_in in = expect_setattr(m, 0100444, 1001, 1001);
    assert_int_equal(in.valid & ~FATTR_FH, FATTR_MTIME);
    assert_int_equal(in.mtime, 1600000000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* The rule is checked at the call, on the attributes then: a file given away since it was
   opened is no longer the opener's to stamp. */
static void ownership_is_checked_when_the_time_is_set_not_at_open(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_ATTRIBUTES, 0100666, 1001, 1001, 0);
    uint64_t hint = submit_basic(m, file, UINT32_MAX, NT_OF(1600000000));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    reply_attr(m, req.header.unique, NODE, 0100666, 1002, 1002, 60);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

/* The rule itself, for the "now" the engine does not send today (FATTR_*_NOW): owner or
   whoever may write, as utimensat(NULL). */
static void now_times_need_the_owner_or_write_permission(void **state)
{
    (void)state;
    wf_engine engine;
    wf_file file;
    struct fuse_attr attr = mock_attr(NODE, 0100646, 0);
    struct fuse_setattr_in in;
    memset(&engine, 0, sizeof engine);
    memset(&file, 0, sizeof file);
    file.access_check = true;
    file.identity.uid = 1001;
    file.identity.gid = 1001;
    attr.uid = 1002;
    attr.gid = 1002;
    memset(&in, 0, sizeof in);
    in.valid = FATTR_ATIME | FATTR_ATIME_NOW | FATTR_MTIME | FATTR_MTIME_NOW;
    assert_int_equal(wf_access_setattr(&engine, &file, &attr, &in), STATUS_SUCCESS);
    attr.mode = 0100644;
    assert_int_equal(wf_access_setattr(&engine, &file, &attr, &in), STATUS_ACCESS_DENIED);
    in.valid = FATTR_ATIME | FATTR_ATIME_NOW | FATTR_MTIME;     /* one explicit */
    attr.mode = 0100666;
    assert_int_equal(wf_access_setattr(&engine, &file, &attr, &in), STATUS_ACCESS_DENIED);
    attr.uid = 1001;
    assert_int_equal(wf_access_setattr(&engine, &file, &attr, &in), STATUS_SUCCESS);
}

/* Security: chmod and chgrp are the owner's, when the call is made --------------------- */

static uint64_t submit_dacl(mock_fs *m, uint64_t handle, uint32_t uid, uint32_t gid,
    uint32_t mode)
{
    wf_id_map map;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = 0;
    memset(&map, 0, sizeof map);
    assert_int_equal(wf_sd_from_posix(&map, uid, gid, mode, false, sd, sizeof sd, &len),
        STATUS_SUCCESS);
    return mock_submit(m, mock_req_set_security(handle, DACL_SECURITY_INFORMATION, sd, len));
}

static void a_dacl_from_a_handle_whose_file_changed_owner_is_refused(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, READ_CONTROL | WRITE_DAC, 0100644, 1001, 1001, 0);
    uint64_t hint = submit_dacl(m, file, 1001, 1001, 0600);
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    reply_attr(m, req.header.unique, NODE, 0100644, 1002, 1001, 60);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void a_dacl_by_an_owner_outside_the_group_drops_setgid(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, READ_CONTROL | WRITE_DAC, 0102644, 1001, 60, 60);
    uint64_t hint = submit_dacl(m, file, 1001, 60, 0600);
    struct fuse_setattr_in in = expect_setattr(m, 0102644, 1001, 60);
    assert_int_equal(in.valid & ~FATTR_FH, FATTR_MODE);
    assert_int_equal(in.mode, 0100600);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void a_group_from_a_handle_whose_file_changed_owner_is_refused(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, READ_CONTROL | WRITE_OWNER, 0100644, 1001, 1001, 0);
    wf_id_map map;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = 0;
    memset(&map, 0, sizeof map);
    assert_int_equal(wf_sd_from_posix(&map, 1001, 50, 0644, false, sd, sizeof sd, &len),
        STATUS_SUCCESS);
    uint64_t hint = mock_submit(m, mock_req_set_security(file, GROUP_SECURITY_INFORMATION,
        sd, len));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    reply_attr(m, req.header.unique, NODE, 0100644, 1002, 1001, 60);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

/* A chown takes set-user-ID, and set-group-ID with g+x, as the kernel's FUSE client sends
   it: in the same SETATTR. */
static struct fuse_setattr_in chown_as_root(mock_fs *m, uint32_t mode)
{
    uint64_t file = open_as(m, ROOT, READ_CONTROL | WRITE_OWNER, mode, 1001, 1001, 60);
    uint8_t sd[256];
    size_t len = sd_build(sd, sizeof sd, "S-1-22-1-1002", NULL, 0, false, false, NULL, 0);
    uint64_t hint = mock_submit(m, mock_req_set_security(file, OWNER_SECURITY_INFORMATION,
        sd, len));
    struct fuse_setattr_in in = expect_setattr(m, mode, 1001, 1001);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(in.valid & FATTR_UID);
    assert_int_equal(in.uid, 1002);
    return in;
}

static void a_chown_drops_setuid_and_a_group_executables_setgid(void **state)
{
    (void)state;
    mock_fs *m = start();
    struct fuse_setattr_in in = chown_as_root(m, 0106755);
    assert_int_equal(in.valid & ~FATTR_FH, FATTR_UID | FATTR_MODE);
    assert_int_equal(in.mode, 0100755);
    mock_free(m);
}

static void a_chown_keeps_setgid_without_group_execute(void **state)
{
    (void)state;
    mock_fs *m = start();
    struct fuse_setattr_in in = chown_as_root(m, 0102744);
    assert_int_equal(in.valid & ~FATTR_FH, FATTR_UID);
    mock_free(m);
}

/* EAs (user.* xattrs) ------------------------------------------------------------------ */

static uint64_t submit_query_ea(mock_fs *m, uint64_t handle)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryEaKind);
    req->Req.QueryEa.UserContext2 = handle;
    return mock_submit(m, req);
}

static uint64_t submit_set_ea(mock_fs *m, uint64_t handle)
{
    uint8_t list[64];
    uint32_t used = 0, last = WF_EA_NONE, entry, value_at, room;
    assert_true(wf_ea_begin(list, sizeof list, 0, "Color", 5, &entry, &value_at, &room));
    memcpy(list + value_at, "red", 3);
    wf_ea_end(list, entry, 5, 3, &used, &last);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetEaKind);
    req->Req.SetEa.UserContext2 = handle;
    req->Req.SetEa.Ea.Offset = (uint16_t)(req->Size - sizeof *req);
    req->Req.SetEa.Ea.Size = (uint16_t)used;
    memcpy(req->Buffer + req->Req.SetEa.Ea.Offset, list, used);
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP(used));
    return mock_submit(m, req);
}

static void ea_values_of_a_file_the_caller_may_not_read_are_refused(void **state)
{
    (void)state;
    mock_fs *m = start();
    /* FILE_READ_EA is everyone's at open (stat needs it); the values need r. */
    uint64_t file = open_as(m, USER, FILE_READ_EA, 0100600, 1002, 1002, 60);
    denied_and_nothing_sent(m, submit_query_ea(m, file));
    mock_free(m);
}

static void a_reader_queries_the_eas(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_READ_EA, 0100604, 1002, 1002, 60);
    uint64_t hint = submit_query_ea(m, file);
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out none = { 0 };
    mock_reply(m, req.header.unique, 0, &none, sizeof none);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void eas_are_set_only_with_write_permission_at_the_call(void **state)
{
    (void)state;
    mock_fs *m = start();
    /* The owner opened it writable, then made it read-only: setxattr is EACCES now. */
    uint64_t file = open_as(m, USER, FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES, 0100644, 1001,
        1001, 60);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_READONLY, 0);
    expect_setattr(m, 0100644, 1001, 1001);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    denied_and_nothing_sent(m, submit_set_ea(m, file));
    mock_free(m);
}

static void a_writer_sets_eas(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_as(m, USER, FILE_WRITE_EA, 0100666, 1002, 1002, 60);
    uint64_t hint = submit_set_ea(m, file);
    mock_request req = mock_expect_node(m, FUSE_SETXATTR, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    /* The names: no other spelling of the EA's name to drop. */
    req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out empty = { 0 };
    mock_reply(m, req.header.unique, 0, &empty, sizeof empty);
    /* The response's attributes and EA list. */
    req = mock_expect_node(m, FUSE_GETATTR, NODE);
    reply_attr(m, req.header.unique, NODE, 0100666, 1002, 1002, 60);
    req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out none = { 0 };
    mock_reply(m, req.header.unique, 0, &none, sizeof none);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void eas_of_a_sticky_directory_are_its_owners_to_change(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t dir = open_as(m, USER, FILE_WRITE_EA, 041777, 1002, 1002, 60);
    denied_and_nothing_sent(m, submit_set_ea(m, dir));
    mock_free(m);
}

/* user.* exists only on files and directories: a symbolic link has no EAs to show and
   takes none, whoever asks (xattr_permission: ENODATA, EPERM). */
static void a_symbolic_link_shows_no_eas_and_takes_none_without_asking(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t link = open_with(m, USER, FILE_OPEN_REPARSE_POINT, FILE_READ_EA | FILE_WRITE_EA,
        0120777, 1001, 1001, 60);
    uint64_t hint = submit_query_ea(m, link);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryEa.Ea.Size, 0);
    assert_true(mock_idle(m, 50));
    hint = submit_set_ea(m, link);
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_EAS_NOT_SUPPORTED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_writer_who_is_not_the_owner_cannot_set_readonly),
        cmocka_unit_test(the_owner_sets_readonly_as_a_chmod),
        cmocka_unit_test(attributes_that_change_no_mode_need_no_ownership),
        cmocka_unit_test(an_owner_outside_the_files_group_loses_setgid_on_chmod),
        cmocka_unit_test(an_owner_in_the_files_group_keeps_setgid_on_chmod),
        cmocka_unit_test(root_sets_the_mode_of_any_file),
        cmocka_unit_test(an_overwrite_by_a_non_owner_keeps_the_mode),
        cmocka_unit_test(a_writer_who_is_not_the_owner_cannot_set_a_time),
        cmocka_unit_test(the_owner_sets_any_time_even_without_write_permission),
        cmocka_unit_test(ownership_is_checked_when_the_time_is_set_not_at_open),
        cmocka_unit_test(now_times_need_the_owner_or_write_permission),
        cmocka_unit_test(a_dacl_from_a_handle_whose_file_changed_owner_is_refused),
        cmocka_unit_test(a_dacl_by_an_owner_outside_the_group_drops_setgid),
        cmocka_unit_test(a_group_from_a_handle_whose_file_changed_owner_is_refused),
        cmocka_unit_test(a_chown_drops_setuid_and_a_group_executables_setgid),
        cmocka_unit_test(a_chown_keeps_setgid_without_group_execute),
        cmocka_unit_test(ea_values_of_a_file_the_caller_may_not_read_are_refused),
        cmocka_unit_test(a_reader_queries_the_eas),
        cmocka_unit_test(eas_are_set_only_with_write_permission_at_the_call),
        cmocka_unit_test(a_writer_sets_eas),
        cmocka_unit_test(eas_of_a_sticky_directory_are_its_owners_to_change),
        cmocka_unit_test(a_symbolic_link_shows_no_eas_and_takes_none_without_asking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
