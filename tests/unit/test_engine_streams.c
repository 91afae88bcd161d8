/* test_engine_streams.c — named streams as FUSE request sequences: the xattr
   user.DosStream.NAME:$DATA each stream operation reads and writes (Samba's
   vfs_streams_xattr format: the data and one 0 byte), the names NTFS refuses, the limit of
   an xattr, and a file system without xattrs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/dosattrib_map.h"
#include "winfuse/linux_errno.h"

#define NODE 5u
#define FH 7u
#define XATTR "user.DosStream.s:$DATA"
#define RW (FILE_GENERIC_READ | FILE_GENERIC_WRITE)
#define NT_OF(s) (((uint64_t)(s) + 11644473600u) * 10000000u)

/* A Create of path, whose stream part starts at its ':' after the last backslash. */
static FSP_FSCTL_TRANSACT_REQ *req_stream(const char *path, uint32_t disposition,
    uint32_t options, uint32_t access)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_create(path, disposition, options, access);
    const char *colon = strchr(strrchr(path, '\\'), ':');
    if (colon != NULL)
        req->Req.Create.NamedStream = (uint16_t)((colon - path) * 2);
    return req;
}

/* LOOKUP f in the root, then OPEN of NODE. */
static void expect_open_f(mock_fs *m)
{
    mock_request lookup = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)lookup.body, "f");
    mock_reply_entry(m, lookup.header.unique, NODE, 0100644, 10, 60, 60);
    mock_request open = mock_expect_node(m, FUSE_OPEN, NODE);
    mock_reply_open(m, open.header.unique, FH, 0);
}

/* GETXATTR of name asking size bytes; answered with value[0..len) (as the size when size
   is 0) or error. */
static void expect_get(mock_fs *m, const char *name, uint32_t size, const void *value,
    uint32_t len, int32_t error)
{
    mock_request req = mock_expect_node(m, FUSE_GETXATTR, NODE);
    struct fuse_getxattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.size, size);
    assert_int_equal(req.body_size, sizeof in + strlen(name) + 1);
    assert_string_equal((const char *)req.body + sizeof in, name);
    if (error) {
        mock_reply(m, req.header.unique, error, NULL, 0);
    } else if (size == 0) {
        struct fuse_getxattr_out out = { .size = len };
        mock_reply(m, req.header.unique, 0, &out, sizeof out);
    } else {
        mock_reply(m, req.header.unique, 0, value, len);
    }
}

/* SETXATTR of XATTR with exactly value[0..len) and flags. */
static void expect_set(mock_fs *m, const void *value, uint32_t len, uint32_t flags,
    int32_t error)
{
    mock_request req = mock_expect_node(m, FUSE_SETXATTR, NODE);
    struct fuse_setxattr_in in;
    assert_int_equal(req.body_size, FUSE_COMPAT_SETXATTR_IN_SIZE + sizeof XATTR + len);
    memcpy(&in, req.body, FUSE_COMPAT_SETXATTR_IN_SIZE);
    assert_int_equal(in.size, len);
    assert_int_equal(in.flags, flags);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE, XATTR, sizeof XATTR);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE + sizeof XATTR, value, len);
    mock_reply(m, req.header.unique, error, NULL, 0);
}

/* Opens \f:s (existing, of size bytes' value) for reading and writing. */
static uint64_t open_stream(mock_fs *m, uint32_t value_size)
{
    uint64_t hint = mock_submit(m, req_stream("\\f:s", FILE_OPEN, 0, RW));
    expect_open_f(m);
    expect_get(m, XATTR, 0, NULL, value_size, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, value_size - 1);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static FSP_FSCTL_TRANSACT_REQ *req_write(uint64_t h, const void *data, uint64_t offset,
    uint32_t length)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactWriteKind);
    req->Req.Write.UserContext2 = h;
    req->Req.Write.Address = (uint64_t)(uintptr_t)data;
    req->Req.Write.Offset = offset;
    req->Req.Write.Length = length;
    return req;
}

static void create_of_a_new_stream_sets_samba_empty_value_exclusively(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, req_stream("\\f:s", FILE_CREATE, 0, RW));
    expect_open_f(m);
    expect_get(m, XATTR, 0, NULL, 0, -WF_ENODATA);
    expect_set(m, "", 1, 1 /* XATTR_CREATE */, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 0);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void create_of_an_existing_stream_is_a_collision_and_closes_the_file(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, req_stream("\\f:s:$DATA", FILE_CREATE, 0, RW));
    expect_open_f(m);
    expect_get(m, XATTR, 0, NULL, 4, 0);
    mock_request rel = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, rel.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_COLLISION);
    mock_free(m);
}

static void open_of_a_missing_stream_is_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, req_stream("\\f:s", FILE_OPEN, 0, RW));
    expect_open_f(m);
    expect_get(m, XATTR, 0, NULL, 0, -WF_ENODATA);
    mock_request rel = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, rel.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void write_stores_the_whole_value_with_its_trailing_zero_and_read_takes_a_range(
    void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_stream(m, 3);
    uint64_t hint = mock_submit(m, req_write(h, "XYZ", 1, 3));
    expect_get(m, XATTR, 65536, "ab", 3, 0);
    expect_set(m, "aXYZ", 5, 0, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 3);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 4);

    char buf[16] = { 0 };
    hint = mock_submit(m, mock_req_read(h, buf, 2, sizeof buf));
    expect_get(m, XATTR, 65536, "aXYZ", 5, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 2);
    assert_memory_equal(buf, "YZ", 2);
    hint = mock_submit(m, mock_req_read(h, buf, 4, sizeof buf));
    expect_get(m, XATTR, 65536, "aXYZ", 5, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_END_OF_FILE);
    mock_free(m);
}

static void write_beyond_what_an_xattr_holds_is_disk_full_and_changes_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_stream(m, 3);
    /* 65535 bytes of stream fill an xattr (with the 0 byte): one more is refused unsent. */
    uint64_t hint = mock_submit(m, req_write(h, "!", 65535, 1));
    expect_get(m, XATTR, 65536, "ab", 3, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_DISK_FULL);
    assert_true(mock_idle(m, 50));
    /* The file system's own limit (ext4's block): E2BIG is DISK_FULL too. */
    hint = mock_submit(m, req_write(h, "c", 2, 1));
    expect_get(m, XATTR, 65536, "ab", 3, 0);
    expect_set(m, "abc", 4, 0, -WF_E2BIG);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_DISK_FULL);
    mock_free(m);
}

static void dosattrib_on(wf_engine_params *params)
{
    params->no_dosattrib = false;
}

/* SETXATTR user.DOSATTRIB: the v5 value of attributes and creation, byte for byte. */
static void expect_dos_set(mock_fs *m, uint32_t attributes, uint64_t creation)
{
    uint8_t v5[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(attributes, creation, v5);
    mock_request req = mock_expect_node(m, FUSE_SETXATTR, NODE);
    size_t n = sizeof "user.DOSATTRIB";
    assert_int_equal(req.body_size, FUSE_COMPAT_SETXATTR_IN_SIZE + n + sizeof v5);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE, "user.DOSATTRIB", n);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE + n, v5, sizeof v5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
}

static void write_to_a_stream_sets_the_file_archive_once_per_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, dosattrib_on);
    mock_init(m, NULL);
    uint64_t h = open_stream(m, 3);
    uint64_t hint = mock_submit(m, req_write(h, "XYZ", 1, 3));
    expect_get(m, XATTR, 65536, "ab", 3, 0);
    expect_set(m, "aXYZ", 5, 0, 0);
    /* Then, as a write to the file's own data [MS-FSA 2.1.4.17] and as Samba marks the
       base file at a stream handle's first write: the file's value learned, ARCHIVE stored
       with the creation time it showed, and the attributes the SETXATTR moved. */
    expect_get(m, "user.DOSATTRIB", 64, NULL, 0, -WF_ENODATA);
    expect_dos_set(m, FILE_ATTRIBUTE_ARCHIVE, NT_OF(1700000000));
    mock_request getattr = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    attr.ctime = 1700000100;
    mock_reply_attr(m, getattr.header.unique, &attr, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 3);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 4);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    /* Once per handle: the next write is the stream's value alone. */
    hint = mock_submit(m, req_write(h, "W", 0, 1));
    expect_get(m, XATTR, 65536, "aXYZ", 5, 0);
    expect_set(m, "WXYZ", 5, 0, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void end_of_file_resizes_the_value_with_zeros(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_stream(m, 3);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = h;
    req->Req.SetInformation.FileInformationClass = FileEndOfFileInformation;
    req->Req.SetInformation.Info.EndOfFile.FileSize = 4;
    uint64_t hint = mock_submit(m, req);
    expect_get(m, XATTR, 65536, "ab", 3, 0);
    expect_set(m, "ab\0\0", 5, 0, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 4);
    mock_free(m);
}

static void delete_of_a_stream_at_cleanup_removes_its_xattr_not_the_file(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_stream(m, 3);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_cleanup(h);
    req->Req.Cleanup.Delete = 1;
    uint64_t hint = mock_submit(m, req);
    mock_request flush = mock_expect_node(m, FUSE_FLUSH, NODE);
    mock_reply(m, flush.header.unique, 0, NULL, 0);
    mock_request rm = mock_expect_node(m, FUSE_REMOVEXATTR, NODE);
    assert_int_equal(rm.body_size, sizeof XATTR);
    assert_string_equal((const char *)rm.body, XATTR);
    mock_reply(m, rm.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));     /* no UNLINK */
    mock_free(m);
}

static void stream_information_lists_the_data_then_each_stream_by_its_size(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryStreamInformationKind);
    req->Req.QueryStreamInformation.UserContext2 = h;
    uint64_t hint = mock_submit(m, req);
    static const char names[] = "user.DOSATTRIB\0" XATTR "\0user.DosStream.x\0user.ea";
    mock_request list = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out size = { .size = sizeof names };
    mock_reply(m, list.header.unique, 0, &size, sizeof size);
    list = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, list.header.unique, 0, names, sizeof names);
    expect_get(m, XATTR, 0, NULL, 6, 0);
    /* The response: "" (::$DATA) of 10 bytes, then "s" of 5, each 8-aligned. */
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryStreamInformation.Buffer.Size, 24 + 24 + 2);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void malformed_stream_names_are_refused_before_any_request(void **state)
{
    (void)state;
    static const char *const invalid[] = { "\\f:", "\\f:s:$FOO", "\\f:a*b", "\\f:s:" };
    mock_fs *m = mock_start();
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        uint64_t hint = mock_submit(m, req_stream(invalid[i], FILE_OPEN_IF, 0, RW));
        assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_INVALID);
    }
    uint64_t hint = mock_submit(m, req_stream("\\f:s", FILE_OPEN_IF, FILE_DIRECTORY_FILE,
        FILE_GENERIC_READ));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_A_DIRECTORY);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void default_stream_name_opens_the_file_itself(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, req_stream("\\f::$DATA", FILE_OPEN, 0, FILE_GENERIC_READ));
    expect_open_f(m);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 10);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void file_system_without_xattrs_refuses_streams_and_stops_announcing_them(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    FSP_FSCTL_VOLUME_PARAMS params;
    wf_engine_get_volume_params(mock_engine(m), &params);
    assert_int_equal(params.NamedStreams, 1);
    uint64_t hint = mock_submit(m, req_stream("\\f:s", FILE_OPEN_IF, 0, RW));
    expect_open_f(m);
    expect_get(m, XATTR, 0, NULL, 0, -WF_EOPNOTSUPP);
    mock_request rel = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, rel.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_INVALID);
    wf_engine_get_volume_params(mock_engine(m), &params);
    assert_int_equal(params.NamedStreams, 0);
    /* Remembered: the next stream name is refused with nothing asked. */
    hint = mock_submit(m, req_stream("\\f:s", FILE_OPEN_IF, 0, RW));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_INVALID);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void stream_refused_on_a_file_made_for_it_removes_the_file_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, req_stream("\\f:s", FILE_OPEN_IF, 0, RW));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "f");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    struct {
        struct fuse_entry_out entry;
        struct fuse_open_out open;
    } out;
    memset(&out, 0, sizeof out);
    out.entry = mock_entry(NODE, 0100644, 0, 60, 0, 60);
    out.open.fh = FH;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    expect_get(m, XATTR, 0, NULL, 0, -WF_ENOSYS);
    req = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "f");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_OBJECT_NAME_INVALID);
    /* The node the CREATE counted is given back. */
    req = mock_expect_node(m, FUSE_FORGET, NODE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void case_insensitive(wf_engine_params *params)
{
    params->case_insensitive = true;
}

static void case_insensitive_volume_finds_a_stream_in_another_case(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, case_insensitive);
    mock_init(m, NULL);
    uint64_t hint = mock_submit(m, req_stream("\\f:S", FILE_OPEN, 0, RW));
    expect_open_f(m);
    expect_get(m, "user.DosStream.S:$DATA", 0, NULL, 0, -WF_ENODATA);
    static const char names[] = "user.other\0" XATTR;
    mock_request list = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out size = { .size = sizeof names };
    mock_reply(m, list.header.unique, 0, &size, sizeof size);
    list = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, list.header.unique, 0, names, sizeof names);
    expect_get(m, XATTR, 0, NULL, 4, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 3);
    /* The handle works on the stored spelling. */
    char buf[8];
    hint = mock_submit(m, mock_req_read(rsp.Rsp.Create.Opened.UserContext2, buf, 0, 8));
    expect_get(m, XATTR, 65536, "abc", 4, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Information, 3);
    mock_free(m);
}

static void streams_off(wf_engine_params *params)
{
    params->no_streams = true;
}

static void streams_turned_off_are_neither_announced_nor_asked(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, streams_off);
    mock_init(m, NULL);
    FSP_FSCTL_VOLUME_PARAMS params;
    wf_engine_get_volume_params(mock_engine(m), &params);
    assert_int_equal(params.NamedStreams, 0);
    uint64_t hint = mock_submit(m, req_stream("\\f:s", FILE_OPEN_IF, 0, RW));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_INVALID);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_of_a_new_stream_sets_samba_empty_value_exclusively),
        cmocka_unit_test(create_of_an_existing_stream_is_a_collision_and_closes_the_file),
        cmocka_unit_test(open_of_a_missing_stream_is_not_found),
        cmocka_unit_test(write_stores_the_whole_value_with_its_trailing_zero_and_read_takes_a_range),
        cmocka_unit_test(write_beyond_what_an_xattr_holds_is_disk_full_and_changes_nothing),
        cmocka_unit_test(write_to_a_stream_sets_the_file_archive_once_per_handle),
        cmocka_unit_test(end_of_file_resizes_the_value_with_zeros),
        cmocka_unit_test(delete_of_a_stream_at_cleanup_removes_its_xattr_not_the_file),
        cmocka_unit_test(stream_information_lists_the_data_then_each_stream_by_its_size),
        cmocka_unit_test(malformed_stream_names_are_refused_before_any_request),
        cmocka_unit_test(default_stream_name_opens_the_file_itself),
        cmocka_unit_test(file_system_without_xattrs_refuses_streams_and_stops_announcing_them),
        cmocka_unit_test(stream_refused_on_a_file_made_for_it_removes_the_file_again),
        cmocka_unit_test(streams_turned_off_are_neither_announced_nor_asked),
        cmocka_unit_test(case_insensitive_volume_finds_a_stream_in_another_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
