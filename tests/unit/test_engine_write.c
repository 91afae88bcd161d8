/* test_engine_write.c — Write (WRITE split by max_write, append and paging I/O from the size
   the engine keeps) and Overwrite (truncation, replace versus merge of attributes). */
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

/* Opens \f for reading and writing: LOOKUP (attributes valid attr_valid_s), OPEN O_RDWR.
   A read-only file is opened as a kernel-mode caller may (user mode gets ACCESS_DENIED). */
static uint64_t open_rw(mock_fs *m, uint32_t mode, uint64_t size, uint64_t attr_valid_s)
{
    FSP_FSCTL_TRANSACT_REQ *create = mock_req_create("\\f", FILE_OPEN,
        FILE_NON_DIRECTORY_FILE, FILE_GENERIC_READ | FILE_GENERIC_WRITE);
    create->Req.Create.UserMode = (mode & 0222) != 0;
    uint64_t hint = mock_submit(m, create);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, mode, size, 60, attr_valid_s);
    req = mock_expect_node(m, FUSE_OPEN, NODE);
    struct fuse_open_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.flags, 2 /* O_RDWR */);
    mock_reply_open(m, req.header.unique, FH, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static uint64_t submit_write(mock_fs *m, uint64_t handle, const void *data, uint64_t offset,
    uint32_t length, bool constrained)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactWriteKind);
    req->Req.Write.UserContext2 = handle;
    req->Req.Write.Address = (uint64_t)(uintptr_t)data;
    req->Req.Write.Offset = offset;
    req->Req.Write.Length = length;
    req->Req.Write.ConstrainedIo = constrained;
    return mock_submit(m, req);
}

static struct fuse_write_in write_in(const mock_request *req)
{
    struct fuse_write_in in;
    assert_true(req->body_size >= sizeof in);
    memcpy(&in, req->body, sizeof in);
    assert_int_equal(req->body_size, sizeof in + in.size);
    return in;
}

static void reply_written(mock_fs *m, const mock_request *req, uint32_t size)
{
    struct fuse_write_out out = { .size = size };
    assert_int_equal(mock_reply(m, req->header.unique, 0, &out, sizeof out), STATUS_SUCCESS);
}

/* Expects a WRITE at offset of size bytes and answers that all were written. */
static void expect_write(mock_fs *m, uint64_t offset, uint32_t size)
{
    mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
    struct fuse_write_in in = write_in(&req);
    assert_int_equal(in.offset, offset);
    assert_int_equal(in.size, size);
    reply_written(m, &req, size);
}

static uint64_t submit_overwrite(mock_fs *m, uint64_t handle, uint32_t attributes,
    bool supersede, uint64_t allocation)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactOverwriteKind);
    req->Req.Overwrite.UserContext2 = handle;
    req->Req.Overwrite.FileAttributes = attributes;
    req->Req.Overwrite.Supersede = supersede;
    req->Req.Overwrite.AllocationSize = allocation;
    uint64_t hint = mock_submit(m, req);
    /* Overwrite replaces the EAs first (test_engine_ea.c): this file has none. */
    mock_request list = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out none = { 0, 0 };
    mock_reply(m, list.header.unique, 0, &none, sizeof none);
    return hint;
}

/* Expects the Overwrite's SETATTR and answers it with the file now empty. */
static struct fuse_setattr_in expect_truncate(mock_fs *m, uint32_t result_mode)
{
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    struct fuse_setattr_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.size, 0);
    assert_int_equal(in.fh, FH);
    struct fuse_attr attr = mock_attr(NODE, result_mode, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    return in;
}

/* Write ------------------------------------------------------------------------------ */

static void write_carries_fh_offset_flags_and_data_without_getattr(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 10, 60);
    char data[1000];
    memset(data, 'x', sizeof data);
    uint64_t hint = submit_write(m, file, data, 10, sizeof data, false);

    mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
    struct fuse_write_in in = write_in(&req);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.offset, 10);
    assert_int_equal(in.size, 1000);
    assert_int_equal(in.write_flags, 0);
    assert_int_equal(in.lock_owner, 0);
    assert_int_equal(in.flags, 2 /* O_RDWR, as opened */);
    assert_memory_equal(req.body + sizeof in, data, sizeof data);
    reply_written(m, &req, 1000);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 1000);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 1010);
    assert_int_equal(rsp.Rsp.Write.FileInfo.IndexNumber, NODE);
    mock_free(m);
}

static void write_is_split_by_max_write(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .max_write = 8192 };
    mock_init(m, &options);
    uint64_t file = open_rw(m, 0100644, 0, 60);
    uint8_t *data = malloc(20000);
    for (int i = 0; i < 20000; i++)
        data[i] = (uint8_t)(i * 13);
    uint64_t hint = submit_write(m, file, data, 100, 20000, false);

    uint32_t sizes[] = { 8192, 8192, 3616 };
    uint32_t done = 0;
    for (int i = 0; i < 3; i++) {
        mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
        struct fuse_write_in in = write_in(&req);
        assert_int_equal(in.offset, 100 + done);
        assert_int_equal(in.size, sizes[i]);
        assert_memory_equal(req.body + sizeof in, data + done, sizes[i]);
        reply_written(m, &req, sizes[i]);
        done += sizes[i];
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 20000);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 20100);
    free(data);
    mock_free(m);
}

static void append_uses_the_size_kept_from_replies_without_getattr(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 60);
    char data[100] = { 0 };

    uint64_t hint = submit_write(m, file, data, UINT64_MAX, sizeof data, false);
    expect_write(m, 5000, 100);
    assert_int_equal(mock_response(m, hint).Rsp.Write.FileInfo.FileSize, 5100);

    /* The first append's reply moved the end of file: no GETATTR to learn it. */
    hint = submit_write(m, file, data, UINT64_MAX, sizeof data, false);
    expect_write(m, 5100, 100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 5200);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void write_with_expired_attributes_sends_one_getattr_first(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 10, 0 /* attributes never cached */);
    char data[5] = "hello";
    uint64_t hint = submit_write(m, file, data, UINT64_MAX, sizeof data, false);

    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_getattr_in getattr;
    memcpy(&getattr, req.body, sizeof getattr);
    assert_int_equal(getattr.getattr_flags, FUSE_GETATTR_FH);
    assert_int_equal(getattr.fh, FH);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 300);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    expect_write(m, 300, 5);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 305);
    mock_free(m);
}

static void constrained_io_is_clamped_to_the_file_size(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 1000, 60);
    char data[4096] = { 0 };
    uint64_t hint = submit_write(m, file, data, 900, sizeof data, true);
    expect_write(m, 900, 100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 100);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 1000);
    mock_free(m);
}

static void constrained_io_at_the_end_of_file_writes_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 1000, 60);
    char data[10] = { 0 };
    uint64_t hint = submit_write(m, file, data, 1000, sizeof data, true);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 0);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 1000);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void short_write_ends_the_loop_and_reports_what_was_written(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .max_write = 4096 };
    mock_init(m, &options);
    uint64_t file = open_rw(m, 0100644, 0, 60);
    char data[10000] = { 0 };
    uint64_t hint = submit_write(m, file, data, 0, sizeof data, false);

    expect_write(m, 0, 4096);
    mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
    assert_int_equal(write_in(&req).offset, 4096);
    reply_written(m, &req, 1000);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 5096);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 5096);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void reply_claiming_more_than_sent_is_io_device_error(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 0, 60);
    char data[1000] = { 0 };
    uint64_t hint = submit_write(m, file, data, 0, sizeof data, false);
    mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
    reply_written(m, &req, 2000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    wf_engine_info info;
    wf_engine_get_info(mock_engine(m), &info);
    assert_int_equal(info.bad_replies, 1);
    mock_free(m);
}

static void write_error_maps_errno(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 0, 60);
    char data[10] = { 0 };
    uint64_t hint = submit_write(m, file, data, 0, sizeof data, false);
    mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
    mock_reply(m, req.header.unique, -WF_ENOSPC, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_DISK_FULL);
    mock_free(m);
}

static void error_after_some_data_reports_the_data(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .max_write = 4096 };
    mock_init(m, &options);
    uint64_t file = open_rw(m, 0100644, 0, 60);
    char data[8192] = { 0 };
    uint64_t hint = submit_write(m, file, data, 0, sizeof data, false);
    expect_write(m, 0, 4096);
    mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
    mock_reply(m, req.header.unique, -WF_ENOSPC, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 4096);
    mock_free(m);
}

static void write_on_a_read_only_handle_is_access_denied(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 10, FH);    /* FILE_GENERIC_READ */
    char data[10] = { 0 };
    uint64_t hint = submit_write(m, file, data, 0, sizeof data, false);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void write_on_a_directory_is_invalid_device_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t dir = mock_open_dir(m, "d", 6, 9);
    char data[10] = { 0 };
    uint64_t hint = submit_write(m, dir, data, 0, sizeof data, false);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_INVALID_DEVICE_REQUEST);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Overwrite -------------------------------------------------------------------------- */

static void overwrite_truncates_with_setattr_size_and_fh(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 0 /* stale: the mode is not needed */);
    uint64_t hint = submit_overwrite(m, file, FILE_ATTRIBUTE_ARCHIVE, false, 0);
    struct fuse_setattr_in in = expect_truncate(m, 0100644);
    assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileSize, 0);

    /* The SETATTR reply is cached for its TTL: an append needs no GETATTR. */
    char data[3] = "abc";
    hint = submit_write(m, file, data, UINT64_MAX, sizeof data, false);
    expect_write(m, 0, 3);
    assert_int_equal(mock_response(m, hint).Rsp.Write.FileInfo.FileSize, 3);
    mock_free(m);
}

static void supersede_without_readonly_gives_the_owner_write_back(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100444, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, 0, true, 0);
    struct fuse_setattr_in in = expect_truncate(m, 0100644);
    assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH | FATTR_MODE);
    assert_int_equal(in.mode, 0100644);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileAttributes & FILE_ATTRIBUTE_READONLY, 0);
    mock_free(m);
}

static void supersede_with_readonly_clears_every_write_bit(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100664, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, FILE_ATTRIBUTE_READONLY, true, 0);
    struct fuse_setattr_in in = expect_truncate(m, 0100444);
    assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH | FATTR_MODE);
    assert_int_equal(in.mode, 0100444);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(rsp.Rsp.Overwrite.FileInfo.FileAttributes & FILE_ATTRIBUTE_READONLY);
    mock_free(m);
}

static void supersede_of_a_writable_file_sends_no_mode(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100640, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, FILE_ATTRIBUTE_HIDDEN, true, 0);
    assert_int_equal(expect_truncate(m, 0100640).valid, FATTR_SIZE | FATTR_FH);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void overwrite_with_readonly_clears_write_bits(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, FILE_ATTRIBUTE_READONLY, false, 0);
    struct fuse_setattr_in in = expect_truncate(m, 0100444);
    assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH | FATTR_MODE);
    assert_int_equal(in.mode, 0100444);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* The refusals an optional step must survive: EIO, EOPNOTSUPP, ENOSYS. */
static const int32_t refusals[] = { 5, 95, 38 };

static void overwrite_whose_mode_change_is_refused_truncates_alone(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_fs *m = mock_start();
        uint64_t file = open_rw(m, 0100644, 5000, 60);
        uint64_t hint = submit_overwrite(m, file, FILE_ATTRIBUTE_READONLY, false, 0);
        mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
        struct fuse_setattr_in in;
        memcpy(&in, req.body, sizeof in);
        assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH | FATTR_MODE);
        mock_reply(m, req.header.unique, -refusals[i], NULL, 0);
        /* The mode is NTFS's bookkeeping; the truncation is what O_TRUNC does. */
        in = expect_truncate(m, 0100644);
        assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileSize, 0);
        assert_true(mock_idle(m, 50));
        mock_free(m);
    }
}

static void overwrite_whose_truncation_is_refused_fails(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, 0, false, 0);
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    /* No mode in it: the truncation itself is what failed, and it is reported. */
    req = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

static void overwrite_whose_preallocation_is_refused_succeeds(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_fs *m = mock_start();
        uint64_t file = open_rw(m, 0100644, 5000, 60);
        uint64_t hint = submit_overwrite(m, file, 0, false, 4096);
        expect_truncate(m, 0100644);
        mock_request req = mock_expect_node(m, FUSE_FALLOCATE, NODE);
        mock_reply(m, req.header.unique, -refusals[i], NULL, 0);
        assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
        mock_free(m);
    }
}

static void overwrite_merges_and_never_adds_write(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100444, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, FILE_ATTRIBUTE_ARCHIVE, false, 0);
    assert_int_equal(expect_truncate(m, 0100444).valid, FATTR_SIZE | FATTR_FH);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(rsp.Rsp.Overwrite.FileInfo.FileAttributes & FILE_ATTRIBUTE_READONLY);
    mock_free(m);
}

static void supersede_with_stale_attributes_asks_the_mode_first(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 0);
    uint64_t hint = submit_overwrite(m, file, 0, true, 0);
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100400, 5000);
    mock_reply_attr(m, req.header.unique, &attr, 0);
    struct fuse_setattr_in in = expect_truncate(m, 0100600);
    assert_int_equal(in.valid, FATTR_SIZE | FATTR_FH | FATTR_MODE);
    assert_int_equal(in.mode, 0100600);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void overwrite_with_allocation_size_preallocates_keeping_the_size(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, 0, false, 1 << 20);
    expect_truncate(m, 0100644);
    mock_request req = mock_expect_node(m, FUSE_FALLOCATE, NODE);
    struct fuse_fallocate_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.offset, 0);
    assert_int_equal(in.length, 1 << 20);
    assert_int_equal(in.mode, 1 /* FALLOC_FL_KEEP_SIZE */);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileSize, 0);
    mock_free(m);
}

static void fallocate_enosys_is_ignored_and_remembered(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, 0, false, 4096);
    expect_truncate(m, 0100644);
    mock_request req = mock_expect_node(m, FUSE_FALLOCATE, NODE);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = submit_overwrite(m, file, 0, false, 4096);
    expect_truncate(m, 0100644);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void failed_overwrite_releases_the_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_rw(m, 0100644, 5000, 60);
    uint64_t hint = submit_overwrite(m, file, 0, false, 0);
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EPERM, NULL, 0);
    /* The FSD sends no Close after a failed Overwrite: the engine closes the file. */
    req = mock_expect_node(m, FUSE_RELEASE, NODE);
    struct fuse_release_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.flags, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_carries_fh_offset_flags_and_data_without_getattr),
        cmocka_unit_test(write_is_split_by_max_write),
        cmocka_unit_test(append_uses_the_size_kept_from_replies_without_getattr),
        cmocka_unit_test(write_with_expired_attributes_sends_one_getattr_first),
        cmocka_unit_test(constrained_io_is_clamped_to_the_file_size),
        cmocka_unit_test(constrained_io_at_the_end_of_file_writes_nothing),
        cmocka_unit_test(short_write_ends_the_loop_and_reports_what_was_written),
        cmocka_unit_test(reply_claiming_more_than_sent_is_io_device_error),
        cmocka_unit_test(write_error_maps_errno),
        cmocka_unit_test(error_after_some_data_reports_the_data),
        cmocka_unit_test(write_on_a_read_only_handle_is_access_denied),
        cmocka_unit_test(write_on_a_directory_is_invalid_device_request),
        cmocka_unit_test(overwrite_truncates_with_setattr_size_and_fh),
        cmocka_unit_test(supersede_without_readonly_gives_the_owner_write_back),
        cmocka_unit_test(supersede_with_readonly_clears_every_write_bit),
        cmocka_unit_test(supersede_of_a_writable_file_sends_no_mode),
        cmocka_unit_test(overwrite_with_readonly_clears_write_bits),
        cmocka_unit_test(overwrite_whose_mode_change_is_refused_truncates_alone),
        cmocka_unit_test(overwrite_whose_truncation_is_refused_fails),
        cmocka_unit_test(overwrite_whose_preallocation_is_refused_succeeds),
        cmocka_unit_test(overwrite_merges_and_never_adds_write),
        cmocka_unit_test(supersede_with_stale_attributes_asks_the_mode_first),
        cmocka_unit_test(overwrite_with_allocation_size_preallocates_keeping_the_size),
        cmocka_unit_test(fallocate_enosys_is_ignored_and_remembered),
        cmocka_unit_test(failed_overwrite_releases_the_handle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
