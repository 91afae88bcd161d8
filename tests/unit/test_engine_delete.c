/* test_engine_delete.c — deletion: the Disposition checks (read-only, non-empty directory)
   and UNLINK / RMDIR at the Cleanup with Delete, pinned as FUSE request sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

/* SetInformation FileDispositionInformationEx (ex) or FileDispositionInformation on handle,
   whose file is path. */
static uint64_t submit_disposition(mock_fs *m, uint64_t handle, const char *path,
    uint32_t flags, bool ex)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = handle;
    req->Req.SetInformation.FileInformationClass =
        ex ? FileDispositionInformationEx : FileDispositionInformation;
    req->Req.SetInformation.Info.DispositionEx.Flags = flags;
    mock_req_set_name(req, path);
    return mock_submit(m, req);
}

static uint64_t submit_cleanup_delete(mock_fs *m, uint64_t handle, const char *path)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_cleanup(handle);
    req->Req.Cleanup.Delete = 1;
    mock_req_set_name(req, path);
    return mock_submit(m, req);
}

/* Opens \name for deletion only (no FUSE handle): LOOKUP with the given mode, TTLs 60 s. */
static uint64_t open_for_delete(mock_fs *m, const char *name, uint64_t nodeid, uint32_t mode)
{
    char path[64] = "\\";
    strcat(path, name);
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, 0,
        DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, name);
    mock_reply_entry(m, req.header.unique, nodeid, mode, 0, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static void close_handle(mock_fs *m, uint64_t handle)
{
    uint64_t hint = mock_submit(m, mock_req_close(handle));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
}

static void disposition_on_writable_file_succeeds_from_cached_attributes(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_for_delete(m, "f", 4, 0100644);
    uint64_t hint = submit_disposition(m, handle, "\\f", FILE_DISPOSITION_DELETE, false);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    close_handle(m, handle);
    mock_free(m);
}

static void disposition_on_readonly_file_gives_cannot_delete(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_for_delete(m, "ro", 4, 0100444);
    uint64_t hint = submit_disposition(m, handle, "\\ro", FILE_DISPOSITION_DELETE, false);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    hint = submit_disposition(m, handle, "\\ro",
        FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS, true);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    /* Unless the caller says to ignore the attribute. */
    hint = submit_disposition(m, handle, "\\ro",
        FILE_DISPOSITION_DELETE | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE, true);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    close_handle(m, handle);
    mock_free(m);
}

static void disposition_with_expired_attributes_asks_getattr_on_the_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0,
        DELETE | FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 4, 0100644, 0, 60, 0);     /* attributes: no TTL */
    req = mock_expect_node(m, FUSE_OPEN, 4);
    mock_reply_open(m, req.header.unique, 44, 0);
    uint64_t handle = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    hint = submit_disposition(m, handle, "\\f", FILE_DISPOSITION_DELETE, true);
    req = mock_expect_node(m, FUSE_GETATTR, 4);
    struct fuse_getattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.getattr_flags, FUSE_GETATTR_FH);
    assert_int_equal(in.fh, 44);
    struct fuse_attr attr = mock_attr(4, 0100400, 0);     /* made read-only meanwhile */
    mock_reply_attr(m, req.header.unique, &attr, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    mock_free(m);
}

static void clearing_the_disposition_always_succeeds(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_for_delete(m, "ro", 4, 0100444);
    uint64_t hint = submit_disposition(m, handle, "\\ro", 0, false);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = submit_disposition(m, handle, "\\ro", FILE_DISPOSITION_DO_NOT_DELETE, true);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    close_handle(m, handle);
    mock_free(m);
}

static void disposition_on_nonempty_directory_gives_directory_not_empty(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_dir(m, "d", 5, 50);
    uint64_t hint = submit_disposition(m, handle, "\\d", FILE_DISPOSITION_DELETE, true);
    mock_request req = mock_expect_node(m, FUSE_READDIR, 5);
    struct fuse_read_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, 50);
    assert_int_equal(in.offset, 0);
    uint8_t buf[512];
    uint32_t len = mock_dirent_add(buf, 0, 5, 1, ".");
    len = mock_dirent_add(buf, len, 1, 2, "..");
    len = mock_dirent_add(buf, len, 9, 3, "child");
    mock_reply(m, req.header.unique, 0, buf, len);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_DIRECTORY_NOT_EMPTY);
    mock_free(m);
}

static void disposition_on_empty_directory_lists_to_the_end(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_dir(m, "d", 5, 50);
    uint64_t hint = submit_disposition(m, handle, "\\d", FILE_DISPOSITION_DELETE, true);
    mock_request req = mock_expect_node(m, FUSE_READDIR, 5);
    uint8_t buf[512];
    uint32_t len = mock_dirent_add(buf, 0, 5, 1, ".");
    len = mock_dirent_add(buf, len, 1, 2, "..");
    mock_reply(m, req.header.unique, 0, buf, len);
    req = mock_expect_node(m, FUSE_READDIR, 5);
    struct fuse_read_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.offset, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void disposition_on_directory_without_handle_opens_one(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_for_delete(m, "d", 5, 040755);
    uint64_t hint = submit_disposition(m, handle, "\\d", FILE_DISPOSITION_DELETE, false);
    mock_request req = mock_expect_node(m, FUSE_OPENDIR, 5);
    mock_reply_open(m, req.header.unique, 51, 0);
    req = mock_expect_node(m, FUSE_READDIR, 5);
    struct fuse_read_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, 51);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* The FUSE handle belongs to the Windows handle: released at Close. */
    hint = mock_submit(m, mock_req_close(handle));
    req = mock_expect_node(m, FUSE_RELEASEDIR, 5);
    struct fuse_release_in release;
    memcpy(&release, req.body, sizeof release);
    assert_int_equal(release.fh, 51);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void malformed_probe_listing_fails_and_is_counted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_dir(m, "d", 5, 50);
    uint64_t hint = submit_disposition(m, handle, "\\d", FILE_DISPOSITION_DELETE, true);
    mock_request req = mock_expect(m, FUSE_READDIR);
    uint8_t buf[64];
    uint32_t len = mock_dirent_add(buf, 0, 5, 1, ".");
    struct fuse_dirent bad = { .ino = 7, .off = 2, .namelen = 200, .type = 8 };
    memcpy(buf + len, &bad, sizeof bad);     /* a name longer than the reply */
    mock_reply(m, req.header.unique, 0, buf, len + (uint32_t)sizeof bad);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    wf_engine_info info;
    wf_engine_get_info(mock_engine(m), &info);
    assert_int_equal(info.bad_replies, 1);
    mock_free(m);
}

static void disposition_on_root_gives_cannot_delete(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_root(m, 1);
    uint64_t hint = submit_disposition(m, handle, "\\", FILE_DISPOSITION_DELETE, false);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* As a POSIX program closes, then unlinks: FLUSH, RELEASE of the deleting handle, UNLINK.
   An unlinked file still open is hidden by libfuse 2's high-level library (.fuse_hiddenN)
   until its RELEASE, which kept its directory from being removed right after (fuse2fs). */
static void cleanup_with_delete_releases_then_unlinks_the_file_and_forgets_its_name(
    void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 4, 10, 40);
    uint64_t hint = submit_cleanup_delete(m, handle, "\\f");
    mock_request req = mock_expect_node(m, FUSE_FLUSH, 4);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    req = mock_expect_node(m, FUSE_RELEASE, 4);
    struct fuse_release_in release;
    memcpy(&release, req.body, sizeof release);
    assert_int_equal(release.fh, 40);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_int_equal(req.body_size, 2);
    assert_string_equal((const char *)req.body, "f");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* Released already: Close sends no second RELEASE. */
    hint = mock_submit(m, mock_req_close(handle));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    /* No cached name keeps the node now that its handle is gone. */
    req = mock_expect_node(m, FUSE_FORGET, 4);

    /* The entry is gone from the cache: a later open asks the file system again. */
    hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "f");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void cleanup_with_delete_removes_a_directory_with_rmdir(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_for_delete(m, "d", 5, 040755);
    uint64_t hint = submit_cleanup_delete(m, handle, "\\d");
    mock_request req = mock_expect_node(m, FUSE_RMDIR, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "d");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    close_handle(m, handle);

    hint = mock_submit(m, mock_req_create("\\d", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void cleanup_with_delete_in_subdirectory_walks_the_cache_to_the_parent(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d\\f", FILE_OPEN, 0,
        DELETE | FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 2, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    mock_reply_entry(m, req.header.unique, 3, 0100644, 0, 60, 60);
    uint64_t handle = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    hint = submit_cleanup_delete(m, handle, "\\d\\f");
    req = mock_expect_node(m, FUSE_UNLINK, 2);
    assert_string_equal((const char *)req.body, "f");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    close_handle(m, handle);
    mock_free(m);
}

static void cleanup_delete_errors_are_not_reported(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_for_delete(m, "d", 5, 040755);
    uint64_t hint = submit_cleanup_delete(m, handle, "\\d");
    mock_request req = mock_expect(m, FUSE_RMDIR);
    mock_reply(m, req.header.unique, -WF_ENOTEMPTY /* a file appeared */, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    close_handle(m, handle);
    mock_free(m);
}

static void cleanup_without_delete_removes_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_for_delete(m, "f", 4, 0100644);
    uint64_t hint = mock_submit(m, mock_req_cleanup(handle));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    close_handle(m, handle);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(disposition_on_writable_file_succeeds_from_cached_attributes),
        cmocka_unit_test(disposition_on_readonly_file_gives_cannot_delete),
        cmocka_unit_test(disposition_with_expired_attributes_asks_getattr_on_the_handle),
        cmocka_unit_test(clearing_the_disposition_always_succeeds),
        cmocka_unit_test(disposition_on_nonempty_directory_gives_directory_not_empty),
        cmocka_unit_test(disposition_on_empty_directory_lists_to_the_end),
        cmocka_unit_test(disposition_on_directory_without_handle_opens_one),
        cmocka_unit_test(malformed_probe_listing_fails_and_is_counted),
        cmocka_unit_test(disposition_on_root_gives_cannot_delete),
        cmocka_unit_test(cleanup_with_delete_releases_then_unlinks_the_file_and_forgets_its_name),
        cmocka_unit_test(cleanup_with_delete_removes_a_directory_with_rmdir),
        cmocka_unit_test(cleanup_with_delete_in_subdirectory_walks_the_cache_to_the_parent),
        cmocka_unit_test(cleanup_delete_errors_are_not_reported),
        cmocka_unit_test(cleanup_without_delete_removes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
