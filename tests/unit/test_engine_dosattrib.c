/* test_engine_dosattrib.c — DOS attributes and CreationTime in user.DOSATTRIB as FUSE
   request sequences: when GETXATTR and SETXATTR go out, what they carry, what the file's
   information then says, and a file system without xattrs. */
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
#define NT_OF(s) (((uint64_t)(s) + 11644473600u) * 10000000u)
#define HSA (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE)

static void store_on(wf_engine_params *params)
{
    params->no_dosattrib = false;
}

static mock_fs *start(void)
{
    mock_fs *m = mock_new_params(0, store_on);
    mock_init(m, NULL);
    return m;
}

/* GETXATTR user.DOSATTRIB asking for 64 bytes; answered with value (len bytes) or error. */
static void expect_get(mock_fs *m, const uint8_t *value, uint32_t len, int32_t error)
{
    mock_request req = mock_expect_node(m, FUSE_GETXATTR, NODE);
    struct fuse_getxattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.size, 64);
    assert_int_equal(req.body_size, sizeof in + sizeof "user.DOSATTRIB");
    assert_string_equal((const char *)req.body + sizeof in, "user.DOSATTRIB");
    mock_reply(m, req.header.unique, error, error ? NULL : value, error ? 0 : len);
}

/* SETXATTR user.DOSATTRIB: the v5 value of attributes and creation, byte for byte. */
static void expect_set(mock_fs *m, uint32_t attributes, uint64_t creation, int32_t error)
{
    uint8_t v5[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(attributes, creation, v5);
    mock_request req = mock_expect_node(m, FUSE_SETXATTR, NODE);
    struct fuse_setxattr_in in;
    size_t n = sizeof "user.DOSATTRIB";
    assert_int_equal(req.body_size, FUSE_COMPAT_SETXATTR_IN_SIZE + n + sizeof v5);
    memcpy(&in, req.body, FUSE_COMPAT_SETXATTR_IN_SIZE);
    assert_int_equal(in.size, sizeof v5);
    assert_int_equal(in.flags, 0);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE, "user.DOSATTRIB", n);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE + n, v5, sizeof v5);
    mock_reply(m, req.header.unique, error, NULL, 0);
}

/* GETATTR after the SETXATTR moved the ctime. */
static void expect_getattr(mock_fs *m, uint64_t ctime)
{
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    attr.ctime = ctime;
    mock_reply_attr(m, req.header.unique, &attr, 60);
}

static FSP_FSCTL_FILE_INFO query(mock_fs *m, uint64_t h)
{
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, mock_submit(m, mock_req_query_info(h)));
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.QueryInformation.FileInfo;
}

static uint64_t submit_basic(mock_fs *m, uint64_t h, uint32_t attributes, uint64_t creation)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = h;
    req->Req.SetInformation.FileInformationClass = FileBasicInformation;
    req->Req.SetInformation.Info.Basic.FileAttributes = attributes;  /* UINT32_MAX: leave */
    req->Req.SetInformation.Info.Basic.CreationTime = creation;
    return mock_submit(m, req);
}

static void query_reads_samba_value_once_and_reports_its_attributes_and_creation(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(HSA | FILE_ATTRIBUTE_OFFLINE, NT_OF(1000000000), v);
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, v, sizeof v, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    /* HIDDEN SYSTEM ARCHIVE kept; what else the value holds is not ours to show. */
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileAttributes, HSA);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.CreationTime, NT_OF(1000000000));
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.LastWriteTime, NT_OF(1700000000));
    /* Known while the ctime stays: no second GETXATTR. */
    FSP_FSCTL_FILE_INFO info = query(m, h);
    assert_int_equal(info.FileAttributes, HSA);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void query_of_a_file_without_the_value_answers_as_before_and_asks_once(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, NULL, 0, -WF_ENODATA);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileAttributes, 0);    /* NORMAL */
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.CreationTime, NT_OF(1700000000));
    query(m, h);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The cache records what it read against the file's whole ctime (seconds and
   nanoseconds), however far: a value read is shown, and read once. */
static void query_of_a_file_with_a_far_ctime_shows_the_value_read_and_reads_it_once(
    void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    struct fuse_entry_out e = mock_entry(NODE, 0100644, 10, 60, 0, 60);
    e.attr.ctime = 1ull << 34;     /* the year 2514 */
    e.attr.ctimensec = 999999999;
    mock_reply(m, req.header.unique, 0, &e, sizeof e);
    req = mock_expect_node(m, FUSE_OPEN, NODE);
    mock_reply_open(m, req.header.unique, FH, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t h = rsp.Rsp.Create.Opened.UserContext2;
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(HSA, NT_OF(1000000000), v);
    for (int i = 0; i < 2; i++) {
        hint = mock_submit(m, mock_req_query_info(h));
        if (i == 0)
            expect_get(m, v, sizeof v, 0);
        rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileAttributes, HSA);
        assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.CreationTime, NT_OF(1000000000));
    }
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void malformed_value_is_no_value(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    static const uint8_t junk[] = "hidden";
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, junk, sizeof junk, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.CreationTime, NT_OF(1700000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void file_system_without_xattrs_is_asked_once_per_volume(void **state)
{
    static const int32_t errors[] = { -WF_EOPNOTSUPP, -WF_ENOSYS };
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        mock_fs *m = start();
        uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
        uint64_t hint = mock_submit(m, mock_req_query_info(h));
        expect_get(m, NULL, 0, errors[i]);
        assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
        /* Neither read again nor written: SetBasic is what it was (no SETATTR needed). */
        query(m, h);
        hint = submit_basic(m, h, FILE_ATTRIBUTE_HIDDEN, NT_OF(1000000000));
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileAttributes, 0);
        assert_true(mock_idle(m, 50));
        mock_free(m);
    }
}

static void set_basic_stores_attributes_and_creation_time_as_v5(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = submit_basic(m, h, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE,
        NT_OF(1000000000));
    expect_get(m, NULL, 0, -WF_ENODATA);
    expect_set(m, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE, NT_OF(1000000000), 0);
    expect_getattr(m, 1700000100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileAttributes,
        FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.CreationTime, NT_OF(1000000000));
    /* No longer computed from the ctime the SETXATTR moved: the stored one, no request. */
    FSP_FSCTL_FILE_INFO info = query(m, h);
    assert_int_equal(info.CreationTime, NT_OF(1000000000));
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_basic_merges_with_the_stored_value(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_HIDDEN, NT_OF(1000000000), v);
    /* Attributes only: the stored creation time stays. */
    uint64_t hint = submit_basic(m, h, FILE_ATTRIBUTE_SYSTEM, 0);
    expect_get(m, v, sizeof v, 0);
    expect_set(m, FILE_ATTRIBUTE_SYSTEM, NT_OF(1000000000), 0);
    expect_getattr(m, 1700000100);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    /* Creation time only: the attributes stay (known since the write: no GETXATTR). */
    hint = submit_basic(m, h, UINT32_MAX, NT_OF(1100000000));
    expect_set(m, FILE_ATTRIBUTE_SYSTEM, NT_OF(1100000000), 0);
    expect_getattr(m, 1700000200);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileAttributes, FILE_ATTRIBUTE_SYSTEM);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.CreationTime, NT_OF(1100000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_basic_whose_setxattr_is_unsupported_succeeds_and_stops_the_store(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = submit_basic(m, h, FILE_ATTRIBUTE_HIDDEN, 0);
    expect_get(m, NULL, 0, -WF_ENODATA);
    expect_set(m, FILE_ATTRIBUTE_HIDDEN, NT_OF(1700000000), -WF_EOPNOTSUPP);
    /* The refusal changed nothing: the attributes are still fresh, no GETATTR. */
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileAttributes, 0);
    query(m, h);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void volume_with_the_store_off_sends_no_xattr_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();      /* no_dosattrib, as -o dosattrib=off */
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    query(m, h);
    uint64_t hint = submit_basic(m, h, FILE_ATTRIBUTE_HIDDEN, NT_OF(1000000000));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* LOOKUP of name (absent), then CREATE answering NODE. */
static void expect_create(mock_fs *m, const char *name)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, name);
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
}

static void create_with_hidden_stores_it_with_archive_and_its_creation_time(void **state)
{
    (void)state;
    mock_fs *m = start();
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_create("\\new", FILE_CREATE, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE);
    req->Req.Create.FileAttributes = FILE_ATTRIBUTE_HIDDEN;
    uint64_t hint = mock_submit(m, req);
    expect_create(m, "new");
    /* No GETXATTR first: a new file has no value to merge with. */
    expect_set(m, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE, NT_OF(1700000000), 0);
    expect_getattr(m, 1700000100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes,
        FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.CreationTime, NT_OF(1700000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void plain_create_stores_archive_and_its_creation_time_as_samba_does(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, mock_req_create("\\new", FILE_CREATE, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    expect_create(m, "new");
    /* NTFS gives a new file ARCHIVE; Samba stores it (open_file_ntcreate) for each file
       it creates. The creation time is pinned from the start. */
    expect_set(m, FILE_ATTRIBUTE_ARCHIVE, NT_OF(1700000000), 0);
    expect_getattr(m, 1700000100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.CreationTime, NT_OF(1700000000));
    /* Known for the new ctime: a query asks nothing. */
    FSP_FSCTL_FILE_INFO info = query(m, rsp.Rsp.Create.Opened.UserContext2);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    assert_int_equal(info.CreationTime, NT_OF(1700000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void plain_directory_create_stores_its_creation_time_without_archive(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d", FILE_CREATE, FILE_DIRECTORY_FILE,
        FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_MKDIR, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 040755, 0, 60, 60);
    /* Samba's mkdir stores one too: the creation time stops following the entries'
       changes (min(ctime, mtime) moves with each one added). */
    expect_set(m, 0, NT_OF(1700000000), 0);
    req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 040755, 0);
    attr.ctime = 1700000100;
    mock_reply_attr(m, req.header.unique, &attr, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.CreationTime, NT_OF(1700000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void plain_create_without_the_store_sends_no_xattr_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();      /* no_dosattrib: -o dosattrib=off */
    uint64_t hint = mock_submit(m, mock_req_create("\\new", FILE_CREATE, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    expect_create(m, "new");
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, 0);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void last_write_time_no_longer_moves_the_creation_time(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = h;
    req->Req.SetInformation.FileInformationClass = FileBasicInformation;
    req->Req.SetInformation.Info.Basic.FileAttributes = UINT32_MAX;
    req->Req.SetInformation.Info.Basic.LastWriteTime = NT_OF(1000000000);
    uint64_t hint = mock_submit(m, req);
    /* The creation time shown now (the ctime) is stored before the mtime goes back. */
    expect_get(m, NULL, 0, -WF_ENODATA);
    expect_set(m, 0, NT_OF(1700000000), 0);
    expect_getattr(m, 1700000100);
    mock_request set = mock_expect_node(m, FUSE_SETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 10);
    attr.mtime = 1000000000;
    attr.ctime = 1700000200;
    mock_reply_attr(m, set.header.unique, &attr, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.LastWriteTime, NT_OF(1000000000));
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.CreationTime, NT_OF(1700000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The Overwrite's EA clean-up: LISTXATTR finds no xattr names. */
static void expect_no_names(mock_fs *m)
{
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_out out = { 0, 0 };
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
}

static void expect_truncate(mock_fs *m)
{
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    struct fuse_setattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_true(in.valid & FATTR_SIZE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 0);
    attr.ctime = 1700000300;
    mock_reply_attr(m, req.header.unique, &attr, 60);
}

static uint64_t submit_overwrite(mock_fs *m, uint64_t h, uint32_t attributes, bool supersede)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactOverwriteKind);
    req->Req.Overwrite.UserContext = NODE;
    req->Req.Overwrite.UserContext2 = h;
    req->Req.Overwrite.FileAttributes = attributes;
    req->Req.Overwrite.Supersede = supersede;
    return mock_submit(m, req);
}

static void overwrite_adds_the_attributes_asked_for_and_archive(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_SYSTEM, NT_OF(1000000000), v);
    uint64_t hint = submit_overwrite(m, h, FILE_ATTRIBUTE_HIDDEN, false);
    expect_no_names(m);
    expect_get(m, v, sizeof v, 0);
    expect_set(m, HSA, NT_OF(1000000000), 0);
    expect_truncate(m);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileAttributes, HSA);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.CreationTime, NT_OF(1000000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void supersede_replaces_the_stored_attributes(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM, NT_OF(1000000000), v);
    uint64_t hint = submit_overwrite(m, h, 0, true);
    expect_no_names(m);
    expect_get(m, v, sizeof v, 0);
    expect_set(m, FILE_ATTRIBUTE_ARCHIVE, NT_OF(1000000000), 0);
    expect_getattr(m, 1700000100);     /* the mode, for READONLY's replacement */
    expect_truncate(m);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.CreationTime, NT_OF(1000000000));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void overwrite_asking_no_attributes_sends_no_dosattrib_request(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = submit_overwrite(m, h, 0, false);
    expect_no_names(m);
    expect_truncate(m);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void listing_shows_what_is_known_and_sends_no_getxattr_per_entry(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_HIDDEN, NT_OF(1000000000), v);
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, v, sizeof v, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    uint64_t root = mock_open_root(m, 3);
    uint8_t out[4096];
    hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIR, FUSE_ROOT_ID);
    uint8_t body[512];
    uint32_t len = mock_dirent_add(body, 0, NODE, 1, "f");
    len = mock_dirent_add(body, len, 6, 2, "g");
    mock_reply(m, req.header.unique, 0, body, len);
    /* g is not cached: its LOOKUP, and no GETXATTR for it nor for f. */
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "g");
    mock_reply_entry(m, req.header.unique, 6, 0100644, 1, 60, 60);
    req = mock_expect_node(m, FUSE_READDIR, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    FSP_FSCTL_DIR_INFO f, g;
    memcpy(&f, out, sizeof f);
    memcpy(&g, out + FSP_FSCTL_DEFAULT_ALIGN_UP(f.Size), sizeof g);
    assert_int_equal(f.FileInfo.FileAttributes, FILE_ATTRIBUTE_HIDDEN);
    assert_int_equal(f.FileInfo.CreationTime, NT_OF(1000000000));
    assert_int_equal(g.FileInfo.FileAttributes, 0);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static uint64_t submit_write(mock_fs *m, uint64_t h, const char *data)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactWriteKind);
    req->Req.Write.UserContext = NODE;
    req->Req.Write.UserContext2 = h;
    req->Req.Write.Address = (uint64_t)(uintptr_t)data;
    req->Req.Write.Offset = 0;
    req->Req.Write.Length = (uint32_t)strlen(data);
    return mock_submit(m, req);
}

/* Opens \\f for reading and writing. */
static uint64_t open_rw(mock_fs *m)
{
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 10, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, NODE);
    mock_reply_open(m, req.header.unique, FH, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static void expect_write(mock_fs *m, uint32_t size)
{
    mock_request req = mock_expect_node(m, FUSE_WRITE, NODE);
    struct fuse_write_out out = { size, 0 };
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
}

static void write_sets_archive_on_a_stored_value_once(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = open_rw(m);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_HIDDEN, NT_OF(1000000000), v);
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, v, sizeof v, 0);
    mock_response(m, hint);

    static const char data[] = "abc";
    hint = submit_write(m, h, data);
    expect_write(m, 3);
    expect_set(m, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE, NT_OF(1000000000), 0);
    expect_getattr(m, 1700000100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 3);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileAttributes,
        FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
    /* Already set: the next write is the WRITE alone. */
    hint = submit_write(m, h, data);
    expect_write(m, 3);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void create_on_a_file_system_without_xattrs_asks_once_then_never(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, mock_req_create("\\new", FILE_CREATE, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    expect_create(m, "new");
    /* The refusal moved no ctime: no GETATTR after it. */
    expect_set(m, FILE_ATTRIBUTE_ARCHIVE, NT_OF(1700000000), -WF_ENOSYS);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, 0);
    /* Nothing changed the file: a write through the new handle is the WRITE alone. */
    static const char data[] = "abc";
    hint = submit_write(m, rsp.Rsp.Create.Opened.UserContext2, data);
    expect_write(m, 3);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = mock_submit(m, mock_req_create("\\other", FILE_CREATE, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    expect_create(m, "other");
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, 0);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void write_to_a_file_without_a_value_stores_archive_once_per_handle(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = open_rw(m);
    static const char data[] = "abc";
    uint64_t hint = submit_write(m, h, data);
    expect_write(m, 3);
    /* As Samba's first write through a handle (mark_file_modified): the value is learned,
       and ARCHIVE stored with the creation time the file showed. */
    expect_get(m, NULL, 0, -WF_ENODATA);
    expect_set(m, FILE_ATTRIBUTE_ARCHIVE, NT_OF(1700000000), 0);
    expect_getattr(m, 1700000100);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    hint = submit_write(m, h, data);
    expect_write(m, 3);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void write_to_a_file_with_archive_reads_the_value_and_stores_nothing(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = open_rw(m);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_ARCHIVE, NT_OF(1000000000), v);
    static const char data[] = "abc";
    uint64_t hint = submit_write(m, h, data);
    expect_write(m, 3);
    expect_get(m, v, sizeof v, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    assert_int_equal(rsp.Rsp.Write.FileInfo.CreationTime, NT_OF(1000000000));
    hint = submit_write(m, h, data);
    expect_write(m, 3);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void write_whose_archive_is_refused_succeeds_and_is_not_retried_on_the_handle(
    void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = open_rw(m);
    static const char data[] = "abc";
    uint64_t hint = submit_write(m, h, data);
    expect_write(m, 3);
    expect_get(m, NULL, 0, -WF_ENODATA);
    expect_set(m, FILE_ATTRIBUTE_ARCHIVE, NT_OF(1700000000), -WF_EACCES);
    expect_getattr(m, 1700000000);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 3);
    hint = submit_write(m, h, data);
    expect_write(m, 3);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* SetInformation FileDispositionInformationEx with flags on handle h. */
static uint64_t submit_disposition(mock_fs *m, uint64_t h, uint32_t flags)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = h;
    req->Req.SetInformation.FileInformationClass = FileDispositionInformationEx;
    req->Req.SetInformation.Info.DispositionEx.Flags = flags;
    mock_req_set_name(req, "\\d");
    return mock_submit(m, req);
}

/* READDIR of the directory being deleted, answered empty. */
static void expect_empty_listing(mock_fs *m)
{
    mock_request req = mock_expect_node(m, FUSE_READDIR, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
}

static void disposition_on_directory_stored_readonly_gives_cannot_delete(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_dir(m, "d", NODE, FH);
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_READONLY, NT_OF(1000000000), v);
    uint64_t hint = submit_disposition(m, h, FILE_DISPOSITION_DELETE);
    expect_get(m, v, sizeof v, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    /* Known now: asked again, it answers with no request. */
    hint = submit_disposition(m, h, FILE_DISPOSITION_DELETE);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void disposition_ignoring_readonly_deletes_a_readonly_directory_without_getxattr(
    void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_dir(m, "d", NODE, FH);
    uint64_t hint = submit_disposition(m, h,
        FILE_DISPOSITION_DELETE | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE);
    expect_empty_listing(m);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void disposition_on_directory_without_stored_readonly_goes_on_to_the_listing(
    void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_dir(m, "d", NODE, FH);
    uint64_t hint = submit_disposition(m, h, FILE_DISPOSITION_DELETE);
    expect_get(m, NULL, 0, -WF_ENODATA);
    expect_empty_listing(m);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void delete_on_close_open_of_a_stored_readonly_directory_gives_cannot_delete(
    void **state)
{
    (void)state;
    mock_fs *m = start();
    uint8_t v[WF_DOSATTRIB_V5_SIZE];
    wf_dosattrib_encode(FILE_ATTRIBUTE_READONLY, NT_OF(1000000000), v);
    uint64_t hint = mock_submit(m, mock_req_create("\\d", FILE_OPEN,
        FILE_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE, DELETE | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "d");
    mock_reply_entry(m, req.header.unique, NODE, 040755, 0, 60, 60);
    expect_get(m, v, sizeof v, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANNOT_DELETE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void query_whose_getxattr_is_cancelled_fails_cancelled(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, NULL, 0, -WF_EINTR);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void query_whose_getxattr_is_refused_with_eio_succeeds_and_asks_again(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, NULL, 0, -WF_EIO);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = mock_submit(m, mock_req_query_info(h));
    expect_get(m, NULL, 0, -WF_ENODATA);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_basic_whose_setxattr_is_cancelled_fails_cancelled_and_sends_no_setattr(
    void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = h;
    req->Req.SetInformation.FileInformationClass = FileBasicInformation;
    req->Req.SetInformation.Info.Basic.FileAttributes = FILE_ATTRIBUTE_HIDDEN;
    req->Req.SetInformation.Info.Basic.LastWriteTime = NT_OF(1600000000);
    uint64_t hint = mock_submit(m, req);
    expect_get(m, NULL, 0, -WF_ENODATA);
    expect_set(m, FILE_ATTRIBUTE_HIDDEN, NT_OF(1700000000), -WF_EINTR);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_reads_samba_value_once_and_reports_its_attributes_and_creation),
        cmocka_unit_test(query_of_a_file_without_the_value_answers_as_before_and_asks_once),
        cmocka_unit_test(
            query_of_a_file_with_a_far_ctime_shows_the_value_read_and_reads_it_once),
        cmocka_unit_test(malformed_value_is_no_value),
        cmocka_unit_test(file_system_without_xattrs_is_asked_once_per_volume),
        cmocka_unit_test(set_basic_stores_attributes_and_creation_time_as_v5),
        cmocka_unit_test(set_basic_merges_with_the_stored_value),
        cmocka_unit_test(set_basic_whose_setxattr_is_unsupported_succeeds_and_stops_the_store),
        cmocka_unit_test(volume_with_the_store_off_sends_no_xattr_request),
        cmocka_unit_test(create_with_hidden_stores_it_with_archive_and_its_creation_time),
        cmocka_unit_test(plain_create_stores_archive_and_its_creation_time_as_samba_does),
        cmocka_unit_test(plain_directory_create_stores_its_creation_time_without_archive),
        cmocka_unit_test(plain_create_without_the_store_sends_no_xattr_request),
        cmocka_unit_test(create_on_a_file_system_without_xattrs_asks_once_then_never),
        cmocka_unit_test(last_write_time_no_longer_moves_the_creation_time),
        cmocka_unit_test(overwrite_adds_the_attributes_asked_for_and_archive),
        cmocka_unit_test(supersede_replaces_the_stored_attributes),
        cmocka_unit_test(overwrite_asking_no_attributes_sends_no_dosattrib_request),
        cmocka_unit_test(listing_shows_what_is_known_and_sends_no_getxattr_per_entry),
        cmocka_unit_test(write_sets_archive_on_a_stored_value_once),
        cmocka_unit_test(write_to_a_file_without_a_value_stores_archive_once_per_handle),
        cmocka_unit_test(write_to_a_file_with_archive_reads_the_value_and_stores_nothing),
        cmocka_unit_test(
            write_whose_archive_is_refused_succeeds_and_is_not_retried_on_the_handle),
        cmocka_unit_test(disposition_on_directory_stored_readonly_gives_cannot_delete),
        cmocka_unit_test(
            disposition_ignoring_readonly_deletes_a_readonly_directory_without_getxattr),
        cmocka_unit_test(disposition_on_directory_without_stored_readonly_goes_on_to_the_listing),
        cmocka_unit_test(
            delete_on_close_open_of_a_stored_readonly_directory_gives_cannot_delete),
        cmocka_unit_test(query_whose_getxattr_is_cancelled_fails_cancelled),
        cmocka_unit_test(query_whose_getxattr_is_refused_with_eio_succeeds_and_asks_again),
        cmocka_unit_test(
            set_basic_whose_setxattr_is_cancelled_fails_cancelled_and_sends_no_setattr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
