/* test_engine_setattr.c — SetInformation Basic (times and READONLY as SETATTR), EndOfFile
   and Allocation (truncation or FALLOCATE preallocation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

#define NODE 5
#define FH 77
#define NT_OF(s, ns) (((uint64_t)(s) + 11644473600u) * 10000000u + (ns) / 100u)

/* Opens \f: LOOKUP (attributes valid attr_valid_s), then OPEN O_RDWR when with_fh;
   without it a metadata-only handle (FILE_WRITE_ATTRIBUTES). A read-only file is opened as
   a kernel-mode caller may (user mode gets ACCESS_DENIED asking for write access). */
static uint64_t open_file(mock_fs *m, uint32_t mode, uint64_t size, uint64_t attr_valid_s,
    bool with_fh)
{
    FSP_FSCTL_TRANSACT_REQ *create = mock_req_create("\\f", FILE_OPEN, 0, with_fh ?
        FILE_GENERIC_READ | FILE_GENERIC_WRITE : FILE_WRITE_ATTRIBUTES | SYNCHRONIZE);
    create->Req.Create.UserMode = (mode & 0222) != 0;
    uint64_t hint = mock_submit(m, create);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, mode, size, 60, attr_valid_s);
    if (with_fh) {
        req = mock_expect_node(m, FUSE_OPEN, NODE);
        mock_reply_open(m, req.header.unique, FH, 0);
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static FSP_FSCTL_TRANSACT_REQ *setinfo(uint64_t handle, uint32_t class)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = handle;
    req->Req.SetInformation.FileInformationClass = class;
    return req;
}

static uint64_t submit_basic(mock_fs *m, uint64_t handle, uint32_t attributes,
    uint64_t access, uint64_t write, uint64_t change)
{
    FSP_FSCTL_TRANSACT_REQ *req = setinfo(handle, FileBasicInformation);
    /* attributes are the caller's; WinFsp's FSD sends 0 ("leave them") as all ones and
       strips FILE_ATTRIBUTE_NORMAL, as src/sys/fileinfo.c does. */
    req->Req.SetInformation.Info.Basic.FileAttributes =
        attributes ? attributes & ~(uint32_t)FILE_ATTRIBUTE_NORMAL : UINT32_MAX;
    req->Req.SetInformation.Info.Basic.CreationTime = NT_OF(1000000000, 0);  /* not stored */
    req->Req.SetInformation.Info.Basic.LastAccessTime = access;
    req->Req.SetInformation.Info.Basic.LastWriteTime = write;
    req->Req.SetInformation.Info.Basic.ChangeTime = change;
    return mock_submit(m, req);
}

static uint64_t submit_size(mock_fs *m, uint64_t handle, uint32_t class, uint64_t size)
{
    FSP_FSCTL_TRANSACT_REQ *req = setinfo(handle, class);
    if (class == FileEndOfFileInformation)
        req->Req.SetInformation.Info.EndOfFile.FileSize = size;
    else
        req->Req.SetInformation.Info.Allocation.AllocationSize = size;
    return mock_submit(m, req);
}

/* Expects a SETATTR; answers it with reply_attr (TTL 60 s). */
static struct fuse_setattr_in expect_setattr(mock_fs *m, const struct fuse_attr *reply_attr)
{
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    struct fuse_setattr_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    mock_reply_attr(m, req.header.unique, reply_attr, 60);
    return in;
}

/* Basic ------------------------------------------------------------------------------ */

static void basic_sets_times_converted_from_nt_time(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 10, 60, true);
    uint64_t hint = submit_basic(m, file, 0, NT_OF(1600000000, 123456700),
        NT_OF(1650000000, 999999900), 0);

    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    attr.mtime = 1650000000;
    attr.mtimensec = 999999900;
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_ATIME | FATTR_MTIME | FATTR_FH);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.atime, 1600000000);
    assert_int_equal(in.atimensec, 123456700);
    assert_int_equal(in.mtime, 1650000000);
    assert_int_equal(in.mtimensec, 999999900);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.LastWriteTime,
        NT_OF(1650000000, 999999900));
    mock_free(m);
}

static void basic_leaves_zero_and_all_ones_times_unchanged_and_sets_ctime(void **state)
{
    (void)state;
    mock_fs *m = mock_start();  /* minor 31: FATTR_CTIME exists */
    uint64_t file = open_file(m, 0100644, 10, 60, true);
    uint64_t hint = submit_basic(m, file, 0, 0, UINT64_MAX, NT_OF(1700000001, 500));
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_CTIME | FATTR_FH);
    assert_int_equal(in.ctime, 1700000001);
    assert_int_equal(in.ctimensec, 500);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void basic_change_time_before_minor_23_is_not_sent(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .minor = 22 };
    mock_init(m, &options);
    uint64_t file = open_file(m, 0100644, 10, 60, true);
    uint64_t hint = submit_basic(m, file, 0, 0, 0, NT_OF(1700000001, 0));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 10);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void basic_readonly_clears_every_write_bit(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100664, 10, 60, true);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_READONLY, 0, 0, 0);
    struct fuse_attr attr = mock_attr(NODE, 0100444, 10);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_MODE | FATTR_FH);
    assert_int_equal(in.mode, 0100444);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(rsp.Rsp.SetInformation.FileInfo.FileAttributes & FILE_ATTRIBUTE_READONLY);
    mock_free(m);
}

static void basic_without_readonly_gives_a_read_only_file_owner_write(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100444, 10, 60, true);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_NORMAL, 0, 0, 0);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_MODE | FATTR_FH);
    assert_int_equal(in.mode, 0100644);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void basic_with_nothing_fuse_can_store_answers_from_the_cache(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 10, 60, true);
    /* HIDDEN and ARCHIVE are not stored, the creation time neither, the mode is right. */
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE,
        0, 0, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 10);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.IndexNumber, NODE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void basic_with_nothing_to_change_and_stale_attributes_sends_getattr(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 10, 0, true);
    uint64_t hint = submit_basic(m, file, 0, 0, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 42);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 42);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void basic_on_a_handle_without_fh_sends_no_fattr_fh(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 10, 60, false);
    uint64_t hint = submit_basic(m, file, 0, 0, NT_OF(1650000000, 0), 0);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_MTIME);
    assert_int_equal(in.fh, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void basic_readonly_on_a_directory_keeps_its_mode(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t dir = mock_open_dir(m, "d", NODE, 9);
    uint64_t hint = submit_basic(m, dir, FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_DIRECTORY,
        0, 0, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(rsp.Rsp.SetInformation.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void basic_refused_by_the_file_system_maps_errno(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 10, 60, true);
    uint64_t hint = submit_basic(m, file, FILE_ATTRIBUTE_READONLY, 0, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EPERM, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    mock_free(m);
}

/* EndOfFile and Allocation ----------------------------------------------------------- */

static void end_of_file_sets_the_size_with_the_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 10, 60, true);
    uint64_t hint = submit_size(m, file, FileEndOfFileInformation, 12345);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 12345);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH);
    assert_int_equal(in.size, 12345);
    assert_int_equal(in.fh, FH);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 12345);
    mock_free(m);
}

static void end_of_file_error_maps_errno_and_expires_the_attributes(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 10, 60, true);
    uint64_t hint = submit_size(m, file, FileEndOfFileInformation, 1ull << 50);
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    mock_reply(m, req.header.unique, -WF_ENOSPC, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_DISK_FULL);
    /* What the file system did is unknown: the next query asks. */
    hint = mock_submit(m, mock_req_query_info(file));
    req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void allocation_below_the_size_truncates(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 5000, 60, true);
    uint64_t hint = submit_size(m, file, FileAllocationInformation, 100);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 100);
    struct fuse_setattr_in in = expect_setattr(m, &attr);
    assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH);
    assert_int_equal(in.size, 100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 100);
    mock_free(m);
}

static void allocation_above_the_size_preallocates_and_eopnotsupp_is_remembered(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 100, 60, true);
    uint64_t hint = submit_size(m, file, FileAllocationInformation, 8192);
    mock_request req = mock_expect_node(m, FUSE_FALLOCATE, NODE);
    struct fuse_fallocate_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.offset, 0);
    assert_int_equal(in.length, 8192);
    assert_int_equal(in.mode, 1 /* FALLOC_FL_KEEP_SIZE */);
    mock_reply(m, req.header.unique, -WF_EOPNOTSUPP, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 100);

    hint = submit_size(m, file, FileAllocationInformation, 16384);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void allocation_equal_to_the_size_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, 0100644, 4096, 60, true);
    uint64_t hint = submit_size(m, file, FileAllocationInformation, 4096);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic_sets_times_converted_from_nt_time),
        cmocka_unit_test(basic_leaves_zero_and_all_ones_times_unchanged_and_sets_ctime),
        cmocka_unit_test(basic_change_time_before_minor_23_is_not_sent),
        cmocka_unit_test(basic_readonly_clears_every_write_bit),
        cmocka_unit_test(basic_without_readonly_gives_a_read_only_file_owner_write),
        cmocka_unit_test(basic_with_nothing_fuse_can_store_answers_from_the_cache),
        cmocka_unit_test(basic_with_nothing_to_change_and_stale_attributes_sends_getattr),
        cmocka_unit_test(basic_on_a_handle_without_fh_sends_no_fattr_fh),
        cmocka_unit_test(basic_readonly_on_a_directory_keeps_its_mode),
        cmocka_unit_test(basic_refused_by_the_file_system_maps_errno),
        cmocka_unit_test(end_of_file_sets_the_size_with_the_handle),
        cmocka_unit_test(end_of_file_error_maps_errno_and_expires_the_attributes),
        cmocka_unit_test(allocation_below_the_size_truncates),
        cmocka_unit_test(allocation_above_the_size_preallocates_and_eopnotsupp_is_remembered),
        cmocka_unit_test(allocation_equal_to_the_size_sends_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
