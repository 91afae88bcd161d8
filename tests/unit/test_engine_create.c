/* test_engine_create.c — Create with every disposition: the path walk, the entry cache,
   type checks, CREATE / MKNOD+OPEN / MKDIR and the handle, pinned as FUSE request sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

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
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
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
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
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
    /* Writable by someone, so only the file system can refuse (its owner is another). */
    mock_reply_entry(m, req.header.unique, 4, 0100644, 1, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, 4);
    struct fuse_open_in open_in;
    memcpy(&open_in, req.body, sizeof open_in);
    assert_int_equal(open_in.flags, 2 /* O_RDWR */);
    mock_reply(m, req.header.unique, -WF_EACCES, NULL, 0);
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
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    /* Remembered: the next open sends no OPEN at all. */
    hint = mock_submit(m, mock_req_create("\\a", FILE_OPEN, 0, FILE_GENERIC_READ));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void unsupported_request_kind_is_invalid_device_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactReservedKind));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_DEVICE_REQUEST);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Create dispositions ------------------------------------------------------------------ */

#define O_WRONLY_ 01
#define O_RDWR_   02
#define O_CREAT_  0100
#define O_EXCL_   0200

/* Replies to CREATE: the new entry (TTLs 60 s) and the open handle. */
static void reply_create(mock_fs *m, uint64_t unique, uint64_t nodeid, uint32_t mode, uint64_t fh)
{
    struct {
        struct fuse_entry_out entry;
        struct fuse_open_out open;
    } out;
    memset(&out, 0, sizeof out);
    out.entry = mock_entry(nodeid, mode, 0, 60, 0, 60);
    out.open.fh = fh;
    mock_reply(m, unique, 0, &out, sizeof out);
}

static struct fuse_create_in create_in_of(const mock_request *req, const char *name)
{
    struct fuse_create_in in;
    assert_int_equal(req->body_size, sizeof in + strlen(name) + 1);
    memcpy(&in, req->body, sizeof in);
    assert_string_equal((const char *)req->body + sizeof in, name);
    return in;
}

static uint64_t submit_create(mock_fs *m, const char *path, uint32_t disposition,
    uint32_t options, uint32_t access, uint32_t attributes, uint64_t allocation)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_create(path, disposition, options, access);
    req->Req.Create.FileAttributes = attributes;
    req->Req.Create.AllocationSize = allocation;
    return mock_submit(m, req);
}

/* LOOKUP of name in the root answered ENOENT. */
static void expect_absent(mock_fs *m, const char *name)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, name);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
}

static void file_create_of_absent_name_sends_create_with_o_excl(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\new", FILE_CREATE, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "new");
    mock_request req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    struct fuse_create_in in = create_in_of(&req, "new");
    assert_int_equal(in.flags, O_CREAT_ | O_EXCL_ | O_RDWR_);
    assert_int_equal(in.mode, 0100666);     /* the mock engine has no umask */
    assert_int_equal(in.umask, 0);
    reply_create(m, req.header.unique, 7, 0100666, 70);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_int_equal(rsp.Rsp.Create.Opened.UserContext, 7);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 7);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 0);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    /* The handle keeps CREATE's fh: Close releases it. */
    hint = mock_submit(m, mock_req_close(handle));
    req = mock_expect_node(m, FUSE_RELEASE, 7);
    struct fuse_release_in release;
    memcpy(&release, req.body, sizeof release);
    assert_int_equal(release.fh, 70);
    assert_int_equal(release.flags, O_RDWR_);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* The entry was cached (and its lookup counted): the next open asks nothing. */
    hint = mock_submit(m, mock_req_create("\\new", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.UserContext, 7);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void file_create_of_existing_file_gives_name_collision(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\f", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 4, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void file_create_of_existing_directory_gives_name_collision(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\d", FILE_CREATE, FILE_DIRECTORY_FILE,
        FILE_LIST_DIRECTORY, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 4, 040755, 0, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_COLLISION);
    mock_free(m);
}

static void file_create_of_file_over_directory_gives_file_is_a_directory(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\d", FILE_CREATE, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_WRITE, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 4, 040755, 0, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_FILE_IS_A_DIRECTORY);
    mock_free(m);
}

static void open_if_of_absent_name_creates(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\n", FILE_OPEN_IF, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "n");
    mock_request req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    assert_int_equal(create_in_of(&req, "n").flags, O_CREAT_ | O_EXCL_ | O_WRONLY_);
    reply_create(m, req.header.unique, 8, 0100666, 1);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    mock_free(m);
}

static void open_if_of_existing_file_opens_it(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\f", FILE_OPEN_IF, 0, FILE_GENERIC_READ, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 4, 0100644, 9, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, 4);
    mock_reply_open(m, req.header.unique, 3, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 9);
    mock_free(m);
}

static void overwrite_of_absent_name_gives_name_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\n", FILE_OVERWRITE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "n");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The existing file is opened for writing whatever was asked: the Overwrite request that
   WinFsp's FSD sends next truncates it. */
static void overwrite_dispositions_on_existing_file_open_it_for_writing(void **state)
{
    (void)state;
    static const struct { uint32_t disposition; uint32_t information; } cases[] = {
        { FILE_OVERWRITE, FILE_OVERWRITTEN },
        { FILE_OVERWRITE_IF, FILE_OVERWRITTEN },
        { FILE_SUPERSEDE, FILE_SUPERSEDED },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mock_fs *m = mock_start();
        uint64_t hint = submit_create(m, "\\f", cases[i].disposition, 0,
            FILE_READ_ATTRIBUTES | SYNCHRONIZE, 0, 0);
        mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
        mock_reply_entry(m, req.header.unique, 4, 0100644, 100, 60, 60);
        req = mock_expect_node(m, FUSE_OPEN, 4);
        struct fuse_open_in open_in;
        memcpy(&open_in, req.body, sizeof open_in);
        assert_int_equal(open_in.flags, O_WRONLY_);
        mock_reply_open(m, req.header.unique, 5, 0);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.IoStatus.Information, cases[i].information);
        /* Only what was asked is granted; the write access is the FSD's business. */
        assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess, FILE_READ_ATTRIBUTES | SYNCHRONIZE);
        mock_free(m);
    }
}

static void overwrite_if_and_supersede_of_absent_name_create(void **state)
{
    (void)state;
    static const uint32_t dispositions[] = { FILE_OVERWRITE_IF, FILE_SUPERSEDE };
    for (size_t i = 0; i < 2; i++) {
        mock_fs *m = mock_start();
        uint64_t hint = submit_create(m, "\\n", dispositions[i], 0,
            FILE_GENERIC_READ | FILE_GENERIC_WRITE, 0, 0);
        expect_absent(m, "n");
        mock_request req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
        assert_int_equal(create_in_of(&req, "n").flags, O_CREAT_ | O_EXCL_ | O_RDWR_);
        reply_create(m, req.header.unique, 8, 0100666, 1);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
        mock_free(m);
    }
}

static void overwrite_of_existing_directory_gives_name_collision(void **state)
{
    (void)state;
    static const uint32_t dispositions[] = { FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_SUPERSEDE };
    for (size_t i = 0; i < 3; i++) {
        mock_fs *m = mock_start();
        uint64_t hint = submit_create(m, "\\d", dispositions[i], 0, FILE_GENERIC_WRITE, 0, 0);
        mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
        mock_reply_entry(m, req.header.unique, 4, 040755, 0, 60, 60);
        assert_int_equal(mock_response(m, hint).IoStatus.Status,
            (uint32_t)STATUS_OBJECT_NAME_COLLISION);
        assert_true(mock_idle(m, 50));
        mock_free(m);
    }
}

static void directory_option_with_overwrite_dispositions_is_invalid_parameter(void **state)
{
    (void)state;
    static const uint32_t dispositions[] = { FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_SUPERSEDE };
    mock_fs *m = mock_start();
    for (size_t i = 0; i < 3; i++) {
        uint64_t hint = submit_create(m, "\\d", dispositions[i], FILE_DIRECTORY_FILE,
            FILE_GENERIC_WRITE, 0, 0);
        assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PARAMETER);
    }
    uint64_t hint = submit_create(m, "\\d", FILE_OPEN, FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ, 0, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PARAMETER);
    hint = submit_create(m, "\\d", FILE_MAXIMUM_DISPOSITION + 1, 0, FILE_GENERIC_READ, 0, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void create_under_missing_directory_gives_path_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\no\\new", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "no");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_PATH_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void create_in_subdirectory_names_the_parent(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\d\\new", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 2, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    assert_string_equal((const char *)req.body, "new");
    mock_reply_entry(m, req.header.unique, 0, 0, 0, 10, 10);     /* negative entry */
    req = mock_expect_node(m, FUSE_CREATE, 2);
    create_in_of(&req, "new");
    reply_create(m, req.header.unique, 9, 0100666, 1);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void root_cannot_be_created_or_replaced(void **state)
{
    (void)state;
    static const uint32_t dispositions[] = { FILE_CREATE, FILE_OVERWRITE, FILE_OVERWRITE_IF,
        FILE_SUPERSEDE };
    mock_fs *m = mock_start();
    for (size_t i = 0; i < 4; i++) {
        uint64_t hint = submit_create(m, "\\", dispositions[i], 0, FILE_GENERIC_WRITE, 0, 0);
        assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    }
    uint64_t hint = submit_create(m, "\\", FILE_OPEN, FILE_DELETE_ON_CLOSE, DELETE, 0, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void create_racing_another_creator_opens_its_file_with_open_if(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\r", FILE_OPEN_IF, 0, FILE_GENERIC_READ, 0, 0);
    expect_absent(m, "r");
    mock_request req = mock_expect(m, FUSE_CREATE);
    mock_reply(m, req.header.unique, -WF_EEXIST, NULL, 0);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "r");
    mock_reply_entry(m, req.header.unique, 6, 0100644, 3, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, 6);
    mock_reply_open(m, req.header.unique, 2, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    mock_free(m);
}

static void create_racing_another_creator_collides_with_file_create(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\r", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "r");
    mock_request req = mock_expect(m, FUSE_CREATE);
    mock_reply(m, req.header.unique, -WF_EEXIST, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void cached_file_gone_at_open_is_created_with_open_if(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "g", 5, 1, 1);
    (void)handle;
    uint64_t hint = submit_create(m, "\\g", FILE_OPEN_IF, 0, FILE_GENERIC_READ, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 5);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    expect_absent(m, "g");
    req = mock_expect(m, FUSE_CREATE);
    reply_create(m, req.header.unique, 12, 0100666, 4);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_int_equal(rsp.Rsp.Create.Opened.UserContext, 12);
    mock_free(m);
}

/* The host's umask (the mock engine is made without one). */
static void umask_022(wf_engine_params *params)
{
    params->umask = 022;
}

/* FUSE_DONT_MASK accepted (fuse-overlayfs aborts without it) leaves the umask to the file
   system: the mode the engine sends is already masked, so the file system masking it again
   with the umask sent beside it changes nothing. */
static void new_file_mode_is_masked_with_dont_mask_accepted(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, umask_022);
    mock_init(m, &(mock_init_options){ .flags = FUSE_DONT_MASK });
    uint64_t hint = submit_create(m, "\\a", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "a");
    mock_request req = mock_expect(m, FUSE_CREATE);
    struct fuse_create_in in = create_in_of(&req, "a");
    assert_int_equal(in.mode, 0100644);
    assert_int_equal(in.umask, 022);
    reply_create(m, req.header.unique, 8, 0100644, 1);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_info(m).flags & FUSE_DONT_MASK);
    mock_free(m);
}

static void new_file_mode_honours_umask_and_readonly_attribute(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, umask_022);
    mock_init(m, NULL);
    uint64_t hint = submit_create(m, "\\a", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "a");
    mock_request req = mock_expect(m, FUSE_CREATE);
    struct fuse_create_in in = create_in_of(&req, "a");
    assert_int_equal(in.mode, 0100644);
    assert_int_equal(in.umask, 022);
    reply_create(m, req.header.unique, 8, 0100644, 1);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = submit_create(m, "\\ro", FILE_CREATE, 0, FILE_GENERIC_WRITE,
        FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN, 0);
    expect_absent(m, "ro");
    req = mock_expect(m, FUSE_CREATE);
    in = create_in_of(&req, "ro");
    assert_int_equal(in.mode, 0100444);
    reply_create(m, req.header.unique, 9, 0100444, 1);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    /* READONLY is kept (as the mode); HIDDEN has nowhere to go. */
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, FILE_ATTRIBUTE_READONLY);

    hint = submit_create(m, "\\dir", FILE_CREATE, FILE_DIRECTORY_FILE, FILE_LIST_DIRECTORY,
        FILE_ATTRIBUTE_READONLY, 0);
    expect_absent(m, "dir");
    req = mock_expect(m, FUSE_MKDIR);
    struct fuse_mkdir_in mkdir_in;
    memcpy(&mkdir_in, req.body, sizeof mkdir_in);
    assert_int_equal(mkdir_in.mode, 0755);  /* READONLY means nothing on a directory */
    assert_int_equal(mkdir_in.umask, 022);
    mock_reply_entry(m, req.header.unique, 10, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_OPENDIR, 10);
    mock_reply_open(m, req.header.unique, 1, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void create_enosys_falls_back_to_mknod_then_open(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\k", FILE_CREATE, 0, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
        0, 0);
    expect_absent(m, "k");
    mock_request req = mock_expect(m, FUSE_CREATE);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    req = mock_expect_node(m, FUSE_MKNOD, FUSE_ROOT_ID);
    struct fuse_mknod_in mknod_in;
    assert_int_equal(req.body_size, sizeof mknod_in + 2);
    memcpy(&mknod_in, req.body, sizeof mknod_in);
    assert_int_equal(mknod_in.mode, 0100666);
    assert_int_equal(mknod_in.rdev, 0);
    assert_int_equal(mknod_in.umask, 0);
    assert_string_equal((const char *)req.body + sizeof mknod_in, "k");
    mock_reply_entry(m, req.header.unique, 11, 0100666, 0, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, 11);
    struct fuse_open_in open_in;
    memcpy(&open_in, req.body, sizeof open_in);
    assert_int_equal(open_in.flags, O_RDWR_);   /* no O_CREAT/O_EXCL in OPEN */
    mock_reply_open(m, req.header.unique, 6, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_int_equal(rsp.Rsp.Create.Opened.UserContext, 11);

    /* Remembered: the next file goes straight to MKNOD. */
    hint = submit_create(m, "\\k2", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "k2");
    req = mock_expect(m, FUSE_MKNOD);
    mock_reply_entry(m, req.header.unique, 12, 0100666, 0, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, 12);
    mock_reply_open(m, req.header.unique, 7, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void file_system_without_create_or_mknod_is_write_protected(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\r", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "r");
    mock_request req = mock_expect(m, FUSE_CREATE);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    req = mock_expect(m, FUSE_MKNOD);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    /* hello_ll and squashfuse implement neither: Windows sees a read-only volume. */
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_MEDIA_WRITE_PROTECTED);
    mock_free(m);
}

static void allocation_size_is_reserved_with_fallocate_keep_size(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\big", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 65536);
    expect_absent(m, "big");
    mock_request req = mock_expect(m, FUSE_CREATE);
    reply_create(m, req.header.unique, 13, 0100666, 31);
    req = mock_expect_node(m, FUSE_FALLOCATE, 13);
    struct fuse_fallocate_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, 31);
    assert_int_equal(in.offset, 0);
    assert_int_equal(in.length, 65536);
    assert_int_equal(in.mode, 1 /* FALLOC_FL_KEEP_SIZE */);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 0);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.AllocationSize, 65536);

    /* Best effort: a file system that cannot reserve still creates. */
    hint = submit_create(m, "\\big2", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 4096);
    expect_absent(m, "big2");
    req = mock_expect(m, FUSE_CREATE);
    reply_create(m, req.header.unique, 14, 0100666, 32);
    req = mock_expect(m, FUSE_FALLOCATE);
    mock_reply(m, req.header.unique, -WF_EOPNOTSUPP, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.AllocationSize, 0);
    mock_free(m);
}

static void allocation_size_refused_with_eio_enotsup_or_enosys_still_creates(void **state)
{
    (void)state;
    /* Reserving space is a hint NTFS takes and POSIX has no open flag for: any refusal
       leaves a file that grows as it is written. */
    static const int32_t refusals[] = { 5, 95, 38 };
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_fs *m = mock_start();
        uint64_t hint = submit_create(m, "\\big", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0,
            4096);
        expect_absent(m, "big");
        mock_request req = mock_expect(m, FUSE_CREATE);
        reply_create(m, req.header.unique, 13, 0100666, 31);
        req = mock_expect_node(m, FUSE_FALLOCATE, 13);
        mock_reply(m, req.header.unique, -refusals[i], NULL, 0);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
        mock_free(m);
    }
}

static void directory_create_sends_mkdir_then_opendir_for_listing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\d", FILE_CREATE, FILE_DIRECTORY_FILE,
        FILE_LIST_DIRECTORY | SYNCHRONIZE, 0, 0);
    expect_absent(m, "d");
    mock_request req = mock_expect_node(m, FUSE_MKDIR, FUSE_ROOT_ID);
    struct fuse_mkdir_in in;
    assert_int_equal(req.body_size, sizeof in + 2);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.mode, 0777);
    assert_string_equal((const char *)req.body + sizeof in, "d");
    mock_reply_entry(m, req.header.unique, 20, 040777, 0, 60, 60);
    req = mock_expect_node(m, FUSE_OPENDIR, 20);
    mock_reply_open(m, req.header.unique, 21, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_true(rsp.Rsp.Create.Opened.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);

    /* Without FILE_LIST_DIRECTORY no OPENDIR; the entry is cached for the next open. */
    hint = submit_create(m, "\\e", FILE_OPEN_IF, FILE_DIRECTORY_FILE, FILE_READ_ATTRIBUTES, 0, 0);
    expect_absent(m, "e");
    req = mock_expect(m, FUSE_MKDIR);
    mock_reply_entry(m, req.header.unique, 22, 040777, 0, 60, 60);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    hint = submit_create(m, "\\e", FILE_OPEN_IF, FILE_DIRECTORY_FILE, FILE_READ_ATTRIBUTES, 0, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void directory_create_of_existing_name_gives_collision_or_opens(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\d", FILE_CREATE, FILE_DIRECTORY_FILE, FILE_LIST_DIRECTORY,
        0, 0);
    expect_absent(m, "d");
    mock_request req = mock_expect(m, FUSE_MKDIR);
    mock_reply(m, req.header.unique, -WF_EEXIST, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_COLLISION);

    /* FILE_OPEN_IF on a file by that name: not a directory. */
    hint = submit_create(m, "\\f", FILE_OPEN_IF, FILE_DIRECTORY_FILE, FILE_LIST_DIRECTORY, 0, 0);
    req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 4, 0100644, 0, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_A_DIRECTORY);
    mock_free(m);
}

static void open_target_directory_opens_parent_and_says_whether_name_exists(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    FSP_FSCTL_TRANSACT_REQ *r = mock_req_create("\\d\\x", FILE_OPEN, 0,
        FILE_WRITE_DATA | SYNCHRONIZE);
    r->Req.Create.OpenTargetDirectory = 1;
    uint64_t hint = mock_submit(m, r);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 2, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    assert_string_equal((const char *)req.body, "x");
    mock_reply_entry(m, req.header.unique, 3, 0100644, 5, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_EXISTS);
    assert_int_equal(rsp.Rsp.Create.Opened.UserContext, 2);
    assert_true(rsp.Rsp.Create.Opened.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);

    r = mock_req_create("\\d\\y", FILE_OPEN, 0, FILE_WRITE_DATA | SYNCHRONIZE);
    r->Req.Create.OpenTargetDirectory = 1;
    hint = mock_submit(m, r);
    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    assert_string_equal((const char *)req.body, "y");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_DOES_NOT_EXIST);
    assert_int_equal(rsp.Rsp.Create.Opened.UserContext, 2);

    /* The existing name was cached when looked up: asked no more. */
    r = mock_req_create("\\d\\x", FILE_OPEN, 0, FILE_WRITE_DATA | SYNCHRONIZE);
    r->Req.Create.OpenTargetDirectory = 1;
    hint = mock_submit(m, r);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Information, FILE_EXISTS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void readonly_file_refuses_write_access_and_delete_on_close(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\ro", FILE_OPEN, 0, FILE_GENERIC_WRITE, 0, 0);
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 4, 0100444, 1, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);

    /* Overwriting needs write access even when it was not asked for. */
    hint = submit_create(m, "\\ro", FILE_OVERWRITE_IF, 0, FILE_READ_ATTRIBUTES, 0, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);

    hint = submit_create(m, "\\ro", FILE_OPEN, FILE_DELETE_ON_CLOSE, DELETE, 0, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);

    /* Reading is fine. */
    hint = submit_create(m, "\\ro", FILE_OPEN, 0, FILE_GENERIC_READ, 0, 0);
    req = mock_expect_node(m, FUSE_OPEN, 4);
    mock_reply_open(m, req.header.unique, 1, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* A new read-only file cannot be delete-on-close either. */
    hint = submit_create(m, "\\nro", FILE_CREATE, FILE_DELETE_ON_CLOSE, DELETE | FILE_GENERIC_WRITE,
        FILE_ATTRIBUTE_READONLY, 0);
    expect_absent(m, "nro");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void delete_on_close_open_is_accepted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\t", FILE_CREATE, FILE_DELETE_ON_CLOSE,
        DELETE | FILE_GENERIC_WRITE, FILE_ATTRIBUTE_TEMPORARY, 0);
    expect_absent(m, "t");
    mock_request req = mock_expect(m, FUSE_CREATE);
    reply_create(m, req.header.unique, 8, 0100666, 1);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    mock_free(m);
}

static void trailing_backslash_creates_only_directories(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    FSP_FSCTL_TRANSACT_REQ *r = mock_req_create("\\n", FILE_CREATE, 0, FILE_GENERIC_WRITE);
    r->Req.Create.HasTrailingBackslash = 1;
    uint64_t hint = mock_submit(m, r);
    expect_absent(m, "n");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_INVALID);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void malformed_create_reply_fails_and_is_counted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_create(m, "\\z", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "z");
    mock_request req = mock_expect(m, FUSE_CREATE);
    reply_create(m, req.header.unique, 0 /* no node */, 0100666, 1);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);

    /* A directory where a file was asked for: counted as a lookup, then refused; the
       handle CREATE opened goes back. */
    hint = submit_create(m, "\\y", FILE_CREATE, 0, FILE_GENERIC_WRITE, 0, 0);
    expect_absent(m, "y");
    req = mock_expect(m, FUSE_CREATE);
    reply_create(m, req.header.unique, 15, 040755, 1);
    req = mock_expect_node(m, FUSE_RELEASE, 15);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    req = mock_expect_wait(m, FUSE_FORGET, 1000);
    assert_int_equal(req.header.nodeid, 15);

    wf_engine_info info;
    wf_engine_get_info(mock_engine(m), &info);
    assert_int_equal(info.bad_replies, 2);
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
        cmocka_unit_test(unsupported_request_kind_is_invalid_device_request),
        cmocka_unit_test(file_create_of_absent_name_sends_create_with_o_excl),
        cmocka_unit_test(file_create_of_existing_file_gives_name_collision),
        cmocka_unit_test(file_create_of_existing_directory_gives_name_collision),
        cmocka_unit_test(file_create_of_file_over_directory_gives_file_is_a_directory),
        cmocka_unit_test(open_if_of_absent_name_creates),
        cmocka_unit_test(open_if_of_existing_file_opens_it),
        cmocka_unit_test(overwrite_of_absent_name_gives_name_not_found),
        cmocka_unit_test(overwrite_dispositions_on_existing_file_open_it_for_writing),
        cmocka_unit_test(overwrite_if_and_supersede_of_absent_name_create),
        cmocka_unit_test(overwrite_of_existing_directory_gives_name_collision),
        cmocka_unit_test(directory_option_with_overwrite_dispositions_is_invalid_parameter),
        cmocka_unit_test(create_under_missing_directory_gives_path_not_found),
        cmocka_unit_test(create_in_subdirectory_names_the_parent),
        cmocka_unit_test(root_cannot_be_created_or_replaced),
        cmocka_unit_test(create_racing_another_creator_opens_its_file_with_open_if),
        cmocka_unit_test(create_racing_another_creator_collides_with_file_create),
        cmocka_unit_test(cached_file_gone_at_open_is_created_with_open_if),
        cmocka_unit_test(new_file_mode_honours_umask_and_readonly_attribute),
        cmocka_unit_test(new_file_mode_is_masked_with_dont_mask_accepted),
        cmocka_unit_test(create_enosys_falls_back_to_mknod_then_open),
        cmocka_unit_test(file_system_without_create_or_mknod_is_write_protected),
        cmocka_unit_test(allocation_size_is_reserved_with_fallocate_keep_size),
        cmocka_unit_test(allocation_size_refused_with_eio_enotsup_or_enosys_still_creates),
        cmocka_unit_test(directory_create_sends_mkdir_then_opendir_for_listing),
        cmocka_unit_test(directory_create_of_existing_name_gives_collision_or_opens),
        cmocka_unit_test(open_target_directory_opens_parent_and_says_whether_name_exists),
        cmocka_unit_test(readonly_file_refuses_write_access_and_delete_on_close),
        cmocka_unit_test(delete_on_close_open_is_accepted),
        cmocka_unit_test(trailing_backslash_creates_only_directories),
        cmocka_unit_test(malformed_create_reply_fails_and_is_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
