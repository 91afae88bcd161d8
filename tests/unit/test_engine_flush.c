/* test_engine_flush.c — FlushBuffers: FSYNC for files, FSYNCDIR for directories, SYNCFS for
   the volume, and ENOSYS remembered per opcode. */
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

static uint64_t submit_flush(mock_fs *m, uint64_t handle)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactFlushBuffersKind);
    req->Req.FlushBuffers.UserContext2 = handle;
    return mock_submit(m, req);
}

/* Expects FSYNC or FSYNCDIR with fh and fsync_flags 0; answers error (0 or -errno). */
static void expect_fsync(mock_fs *m, uint32_t opcode, uint64_t node, uint64_t fh, int32_t error)
{
    mock_request req = mock_expect_node(m, opcode, node);
    struct fuse_fsync_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, fh);
    assert_int_equal(in.fsync_flags, 0);
    mock_reply(m, req.header.unique, error, NULL, 0);
}

static mock_fs *start_minor(uint32_t minor)
{
    mock_fs *m = mock_new(0);
    mock_init_options options = { .minor = minor };
    mock_init(m, &options);
    return m;
}

static void flush_of_a_file_sends_fsync_and_answers_info_from_the_cache(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 1234, FH);
    uint64_t hint = submit_flush(m, file);
    expect_fsync(m, FUSE_FSYNC, NODE, FH, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.FlushBuffers.FileInfo.FileSize, 1234);
    assert_int_equal(rsp.Rsp.FlushBuffers.FileInfo.IndexNumber, NODE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void flush_with_stale_attributes_sends_getattr_after_fsync(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 1, 60, 0);
    req = mock_expect_node(m, FUSE_OPEN, NODE);
    mock_reply_open(m, req.header.unique, FH, 0);
    uint64_t file = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    hint = submit_flush(m, file);
    expect_fsync(m, FUSE_FSYNC, NODE, FH, 0);
    req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 999);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.FlushBuffers.FileInfo.FileSize, 999);
    mock_free(m);
}

static void flush_of_a_directory_sends_fsyncdir(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t dir = mock_open_dir(m, "d", 6, 9);
    uint64_t hint = submit_flush(m, dir);
    expect_fsync(m, FUSE_FSYNCDIR, 6, 9, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void fsync_error_maps_errno(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 1, FH);
    uint64_t hint = submit_flush(m, file);
    expect_fsync(m, FUSE_FSYNC, NODE, FH, -WF_EIO);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

static void enosys_is_success_and_remembered_per_opcode(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t dir = mock_open_dir(m, "d", 6, 9);
    uint64_t hint = submit_flush(m, dir);
    expect_fsync(m, FUSE_FSYNCDIR, 6, 9, -WF_ENOSYS);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = submit_flush(m, dir);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));

    /* FSYNCDIR's ENOSYS says nothing of FSYNC. */
    uint64_t file = mock_open_file(m, "f", NODE, 1, FH);
    hint = submit_flush(m, file);
    expect_fsync(m, FUSE_FSYNC, NODE, FH, -WF_ENOSYS);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = submit_flush(m, file);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void flush_of_a_handle_without_fh_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES | SYNCHRONIZE));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 7, 60, 60);
    uint64_t file = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    hint = submit_flush(m, file);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.FlushBuffers.FileInfo.FileSize, 7);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void volume_flush_sends_syncfs_to_the_root(void **state)
{
    (void)state;
    mock_fs *m = start_minor(34);
    uint64_t hint = submit_flush(m, 0);
    mock_request req = mock_expect_node(m, FUSE_SYNCFS, FUSE_ROOT_ID);
    assert_int_equal(req.body_size, sizeof(struct fuse_syncfs_in));
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void volume_flush_before_minor_34_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = start_minor(33);
    uint64_t hint = submit_flush(m, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void syncfs_enosys_is_success_and_remembered(void **state)
{
    (void)state;
    mock_fs *m = start_minor(34);
    uint64_t hint = submit_flush(m, 0);
    mock_request req = mock_expect_node(m, FUSE_SYNCFS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = submit_flush(m, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void syncfs_error_maps_errno(void **state)
{
    (void)state;
    mock_fs *m = start_minor(34);
    uint64_t hint = submit_flush(m, 0);
    mock_request req = mock_expect_node(m, FUSE_SYNCFS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flush_of_a_file_sends_fsync_and_answers_info_from_the_cache),
        cmocka_unit_test(flush_with_stale_attributes_sends_getattr_after_fsync),
        cmocka_unit_test(flush_of_a_directory_sends_fsyncdir),
        cmocka_unit_test(fsync_error_maps_errno),
        cmocka_unit_test(enosys_is_success_and_remembered_per_opcode),
        cmocka_unit_test(flush_of_a_handle_without_fh_sends_nothing),
        cmocka_unit_test(volume_flush_sends_syncfs_to_the_root),
        cmocka_unit_test(volume_flush_before_minor_34_sends_nothing),
        cmocka_unit_test(syncfs_enosys_is_success_and_remembered),
        cmocka_unit_test(syncfs_error_maps_errno),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
