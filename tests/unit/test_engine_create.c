/* test_engine_create.c — Create with FILE_OPEN: the path walk, the entry cache, type checks
   and the handle, pinned as FUSE request sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"

static void open_walks_each_component_then_opens(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\dir\\file", FILE_OPEN, 0, FILE_GENERIC_READ));

    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "dir");
    assert_int_equal(req.body_size, 4);
    assert_int_equal(req.header.uid, 1000);
    mock_reply_entry(m, req.header.unique, 2, 040755, 0, 60, 60);

    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    assert_string_equal((const char *)req.body, "file");
    mock_reply_entry(m, req.header.unique, 3, 0100644, 12345, 60, 60);

    req = mock_expect_node(m, FUSE_OPEN, 3);
    struct fuse_open_in open_in;
    memcpy(&open_in, req.body, sizeof open_in);
    assert_int_equal(open_in.flags, 0 /* O_RDONLY */);
    mock_reply_open(m, req.header.unique, 77, 0);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 12345);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 3);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY, 0);
    assert_int_not_equal(rsp.Rsp.Create.Opened.UserContext2, 0);
    mock_free(m);
}

static void second_open_within_entry_ttl_sends_no_lookup(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    mock_open_file(m, "f", 5, 10, 1);
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect_node(m, FUSE_OPEN, 5);
    mock_reply_open(m, req.header.unique, 2, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void open_after_entry_ttl_expired_looks_up_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 5, 0100644, 1, 0, 0);   /* TTL 0: never cached */
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 5, 0100644, 1, 0, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void metadata_only_open_sends_no_open(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 5, 0100644, 1, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void missing_leaf_gives_object_name_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\nope", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply(m, req.header.unique, -2 /* ENOENT */, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void negative_entry_gives_object_name_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\nope", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 0, 0, 0, 10, 10);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void missing_intermediate_gives_object_path_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\no\\file", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply(m, req.header.unique, -2, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_PATH_NOT_FOUND);
    mock_free(m);
}

static void file_as_intermediate_gives_object_path_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\file\\x", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 4, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_PATH_NOT_FOUND);
    mock_free(m);
}

static void directory_file_option_on_a_file_gives_not_a_directory(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 4, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_A_DIRECTORY);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void non_directory_option_on_a_directory_gives_file_is_a_directory(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d", FILE_OPEN, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 4, 040755, 0, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_FILE_IS_A_DIRECTORY);
    mock_free(m);
}

static void directory_open_for_listing_sends_opendir(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_LIST_DIRECTORY | SYNCHRONIZE));
    /* The root is never looked up; its attributes come from GETATTR. */
    mock_request req = mock_expect_node(m, FUSE_GETATTR, FUSE_ROOT_ID);
    struct fuse_attr_out attr_out;
    memset(&attr_out, 0, sizeof attr_out);
    attr_out.attr = mock_attr(1, 040755, 0);
    attr_out.attr_valid = 60;
    mock_reply(m, req.header.unique, 0, &attr_out, sizeof attr_out);
    req = mock_expect_node(m, FUSE_OPENDIR, FUSE_ROOT_ID);
    mock_reply_open(m, req.header.unique, 9, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(rsp.Rsp.Create.Opened.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    mock_free(m);
}

static void open_refused_by_file_system_maps_errno(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 4, 0100444, 1, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, 4);
    struct fuse_open_in open_in;
    memcpy(&open_in, req.body, sizeof open_in);
    assert_int_equal(open_in.flags, 2 /* O_RDWR */);
    mock_reply(m, req.header.unique, -13 /* EACCES */, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    mock_free(m);
}

static void open_enosys_with_no_open_support_is_stateless(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .flags = FUSE_NO_OPEN_SUPPORT };
    mock_init(m, &options);
    mock_open_file(m, "a", 4, 1, 0);    /* OPEN answered with a handle once */
    uint64_t hint = mock_submit(m, mock_req_create("\\a", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect_node(m, FUSE_OPEN, 4);
    mock_reply(m, req.header.unique, -38 /* ENOSYS */, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    /* Remembered: the next open sends no OPEN at all. */
    hint = mock_submit(m, mock_req_create("\\a", FILE_OPEN, 0, FILE_GENERIC_READ));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void open_of_nonexistent_request_kinds_is_invalid_device_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\new", FILE_CREATE, 0, FILE_GENERIC_WRITE));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_DEVICE_REQUEST);
    hint = mock_submit(m, mock_req_new(FspFsctlTransactSetVolumeInformationKind));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_DEVICE_REQUEST);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_walks_each_component_then_opens),
        cmocka_unit_test(second_open_within_entry_ttl_sends_no_lookup),
        cmocka_unit_test(open_after_entry_ttl_expired_looks_up_again),
        cmocka_unit_test(metadata_only_open_sends_no_open),
        cmocka_unit_test(missing_leaf_gives_object_name_not_found),
        cmocka_unit_test(negative_entry_gives_object_name_not_found),
        cmocka_unit_test(missing_intermediate_gives_object_path_not_found),
        cmocka_unit_test(file_as_intermediate_gives_object_path_not_found),
        cmocka_unit_test(directory_file_option_on_a_file_gives_not_a_directory),
        cmocka_unit_test(non_directory_option_on_a_directory_gives_file_is_a_directory),
        cmocka_unit_test(directory_open_for_listing_sends_opendir),
        cmocka_unit_test(open_refused_by_file_system_maps_errno),
        cmocka_unit_test(open_enosys_with_no_open_support_is_stateless),
        cmocka_unit_test(open_of_nonexistent_request_kinds_is_invalid_device_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
