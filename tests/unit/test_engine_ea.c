/* test_engine_ea.c — QueryEa, SetEa, and the EA buffers of Create and Overwrite as FUSE
   request sequences: EAs are the user.* xattrs; lists, sizes, errors and EaSize. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"
#include "winfuse/ea_map.h"

#define NODE 5u
#define FH 7u
/* A whole response, Buffer[] included, caught by the completion hook. */
typedef struct captured {
    uint64_t hint;
    bool done;
    union {
        FSP_FSCTL_TRANSACT_RSP rsp;
        uint8_t bytes[FSP_FSCTL_TRANSACT_RSP_SIZEMAX];
    };
} captured;

static void capture_hook(void *context, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    captured *c = context;
    if (rsp->Hint != c->hint)
        return;
    memcpy(c->bytes, rsp, rsp->Size > sizeof *rsp ? rsp->Size : sizeof *rsp);
    c->done = true;
}

/* Submits req with its response caught whole (the queue mock_response reads is bypassed
   until capture_end). */
static void capture_submit(mock_fs *m, FSP_FSCTL_TRANSACT_REQ *req, captured *c)
{
    memset(c, 0, sizeof *c);
    c->hint = req->Hint;
    mock_set_complete_hook(m, capture_hook, c);
    mock_submit(m, req);
}

/* The engine is sans-I/O: the response came in the call that answered the last request. */
static const FSP_FSCTL_TRANSACT_RSP *capture_end(mock_fs *m, captured *c)
{
    mock_set_complete_hook(m, NULL, NULL);
    assert_true(c->done);
    return &c->rsp;
}

/* An EA list built as a Windows caller lays it out. */
typedef struct ea_list {
    uint8_t buf[1024];
    uint32_t used, last;
} ea_list;

static void ea_add(ea_list *l, const char *name, const char *value)
{
    uint32_t entry, value_at, room;
    if (l->used == 0)
        l->last = WF_EA_NONE;
    assert_true(wf_ea_begin(l->buf, sizeof l->buf, l->used, name, (uint32_t)strlen(name),
        &entry, &value_at, &room));
    memcpy(l->buf + value_at, value, strlen(value));
    wf_ea_end(l->buf, entry, (uint32_t)strlen(name), (uint32_t)strlen(value), &l->used,
        &l->last);
}

/* Appends data to a request's Buffer (8-aligned, as WinFsp lays it out). */
static FSP_FSCTL_TRANSACT_BUF req_append(FSP_FSCTL_TRANSACT_REQ *req, const void *data,
    uint32_t size)
{
    FSP_FSCTL_TRANSACT_BUF buf;
    buf.Offset = (uint16_t)(req->Size - sizeof *req);
    buf.Size = (uint16_t)size;
    memcpy(req->Buffer + buf.Offset, data, size);
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP(size));
    return buf;
}

static FSP_FSCTL_TRANSACT_REQ *req_query_ea(uint64_t handle)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryEaKind);
    req->Req.QueryEa.UserContext = NODE;
    req->Req.QueryEa.UserContext2 = handle;
    return req;
}

static FSP_FSCTL_TRANSACT_REQ *req_set_ea(uint64_t handle, const ea_list *l)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetEaKind);
    req->Req.SetEa.UserContext = NODE;
    req->Req.SetEa.UserContext2 = handle;
    req->Req.SetEa.Ea = req_append(req, l->buf, l->used);
    return req;
}

/* LISTXATTR asking for the size (size 0), answered with size. */
static void expect_list_size(mock_fs *m, uint32_t size)
{
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.size, 0);
    struct fuse_getxattr_out out = { size, 0 };
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
}

/* LISTXATTR for the names (size as the probe said), answered with names (len bytes). */
static void expect_list(mock_fs *m, const char *names, uint32_t len)
{
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    struct fuse_getxattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.size, len);
    mock_reply(m, req.header.unique, 0, names, len);
}

static void expect_names(mock_fs *m, const char *names, uint32_t len)
{
    expect_list_size(m, len);
    expect_list(m, names, len);
}

/* GETXATTR of name asking for more than a size probe; answered with value or error. */
static void expect_getxattr(mock_fs *m, const char *name, const char *value, int32_t error)
{
    mock_request req = mock_expect_node(m, FUSE_GETXATTR, NODE);
    struct fuse_getxattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_true(in.size > 0);       /* one round trip: never a size probe */
    assert_int_equal(req.body_size, sizeof in + strlen(name) + 1);
    assert_string_equal((const char *)req.body + sizeof in, name);
    if (error)
        mock_reply(m, req.header.unique, error, NULL, 0);
    else
        mock_reply(m, req.header.unique, 0, value, (uint32_t)strlen(value));
}

/* SETXATTR of name to value, in the 8-byte form the engine negotiates. */
static void expect_setxattr(mock_fs *m, const char *name, const char *value, int32_t error)
{
    mock_request req = mock_expect_node(m, FUSE_SETXATTR, NODE);
    struct fuse_setxattr_in in;
    size_t n = strlen(name) + 1, v = strlen(value);
    assert_int_equal(req.body_size, FUSE_COMPAT_SETXATTR_IN_SIZE + n + v);
    memcpy(&in, req.body, FUSE_COMPAT_SETXATTR_IN_SIZE);
    assert_int_equal(in.size, v);
    assert_int_equal(in.flags, 0);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE, name, n);
    assert_memory_equal(req.body + FUSE_COMPAT_SETXATTR_IN_SIZE + n, value, v);
    mock_reply(m, req.header.unique, error, NULL, 0);
}

static void expect_removexattr(mock_fs *m, const char *name, int32_t error)
{
    mock_request req = mock_expect_node(m, FUSE_REMOVEXATTR, NODE);
    assert_int_equal(req.body_size, strlen(name) + 1);
    assert_string_equal((const char *)req.body, name);
    mock_reply(m, req.header.unique, error, NULL, 0);
}

static void expect_getattr(mock_fs *m, uint64_t size)
{
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_attr attr = mock_attr(NODE, 0100644, size);
    attr.ctime = 1700000100;    /* the xattrs moved it */
    mock_reply_attr(m, req.header.unique, &attr, 60);
}

/* Checks the entry at *pos of a FILE_FULL_EA_INFORMATION list and steps past it. */
static void check_entry(const uint8_t *list, uint32_t size, uint32_t *pos, const char *name,
    const char *value)
{
    wf_ea_view ea;
    assert_int_equal(*pos % 4, 0);
    assert_true(wf_ea_next(list, size, pos, &ea));
    assert_int_equal(ea.name_len, strlen(name));
    assert_memory_equal(ea.name, name, strlen(name));
    assert_int_equal(ea.name[ea.name_len], 0);
    assert_int_equal(ea.value_len, strlen(value));
    assert_memory_equal(ea.value, value, strlen(value));
    assert_int_equal(ea.flags, 0);
}

static const char NAMES[] = "user.Color\0security.selinux\0user.b\0trusted.t\0user.bad*name\0";

/* QueryEa ------------------------------------------------------------------------------ */

static void query_ea_lists_user_xattrs_as_full_ea_information(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    capture_submit(m, req_query_ea(h), &c);
    expect_names(m, NAMES, sizeof NAMES - 1);
    /* Outside user., and names no EA can have, are not asked for. */
    expect_getxattr(m, "user.Color", "red", 0);
    expect_getxattr(m, "user.b", "12345", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp->Rsp.QueryEa.Ea.Offset, 0);
    /* "Color": 8 + 5 + 1 + 3 = 17, aligned to 20; "b": 8 + 1 + 1 + 5 = 15. */
    assert_int_equal(rsp->Rsp.QueryEa.Ea.Size, 35);
    assert_int_equal(rsp->Size, sizeof *rsp + 35);
    uint32_t off, pos = 0;
    assert_int_equal(wf_ea_check(rsp->Buffer, 35, &off), STATUS_SUCCESS);
    /* Upper-cased, as NTFS stores EA names; the xattr read is the one Linux named. */
    check_entry(rsp->Buffer, 35, &pos, "COLOR", "red");
    assert_int_equal(pos, 20);
    check_entry(rsp->Buffer, 35, &pos, "B", "12345");
    assert_int_equal(pos, 35);
    assert_true(mock_idle(m, 50));

    /* EaSize, as NTFS counts it, from then on in the file's information: no round trip. */
    FSP_FSCTL_TRANSACT_RSP info_rsp;
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    info_rsp = mock_response(m, hint);
    assert_int_equal(info_rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(info_rsp.Rsp.QueryInformation.FileInfo.EaSize, (5 + 5 + 3) + (5 + 1 + 5));
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void query_ea_without_eas_is_success_with_an_empty_list(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    capture_submit(m, req_query_ea(h), &c);
    expect_list_size(m, 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    /* WinFsp's FSD turns the empty list into STATUS_NO_EAS_ON_FILE for the caller. */
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp->Rsp.QueryEa.Ea.Size, 0);
    assert_int_equal(rsp->Size, sizeof *rsp);
    mock_free(m);
}

static void query_ea_with_only_other_namespaces_is_an_empty_list(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    static const char names[] = "security.selinux\0system.posix_acl_access\0";
    capture_submit(m, req_query_ea(h), &c);
    expect_names(m, names, sizeof names - 1);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp->Rsp.QueryEa.Ea.Size, 0);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void query_ea_hides_user_dosattrib_in_any_case(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    static const char names[] = "user.DOSATTRIB\0user.a\0user.dosattrib\0";
    capture_submit(m, req_query_ea(h), &c);
    expect_names(m, names, sizeof names - 1);
    /* The DOS attributes' store is no EA, as Samba shows it: only user.a is read. */
    expect_getxattr(m, "user.a", "1", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp->Rsp.QueryEa.Ea.Size, 8 + 1 + 1 + 1);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void query_ea_asks_again_when_the_list_grew_meanwhile(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    static const char names[] = "user.a\0user.bb\0";
    capture_submit(m, req_query_ea(h), &c);
    expect_list_size(m, 7);
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, -WF_ERANGE, NULL, 0);
    expect_names(m, names, sizeof names - 1);
    expect_getxattr(m, "user.a", "1", 0);
    expect_getxattr(m, "user.bb", "2", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp->Rsp.QueryEa.Ea.Size, 12 + 12);
    mock_free(m);
}

static void query_ea_skips_an_xattr_removed_since_it_was_listed(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    static const char names[] = "user.gone\0user.here\0";
    capture_submit(m, req_query_ea(h), &c);
    expect_names(m, names, sizeof names - 1);
    expect_getxattr(m, "user.gone", NULL, -WF_ENODATA);
    expect_getxattr(m, "user.here", "v", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    uint32_t pos = 0;
    check_entry(rsp->Buffer, rsp->Rsp.QueryEa.Ea.Size, &pos, "HERE", "v");
    assert_int_equal(pos, rsp->Rsp.QueryEa.Ea.Size);
    mock_free(m);
}

static void query_ea_enosys_is_eas_not_supported_and_not_asked_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    capture_submit(m, req_query_ea(h), &c);
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_EAS_NOT_SUPPORTED);

    capture_submit(m, req_query_ea(h), &c);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_EAS_NOT_SUPPORTED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void query_ea_eopnotsupp_is_eas_not_supported(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    capture_submit(m, req_query_ea(h), &c);
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EOPNOTSUPP, NULL, 0);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_EAS_NOT_SUPPORTED);
    mock_free(m);
}

static void query_ea_value_too_large_for_the_buffer_is_ea_list_inconsistent(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    static const char names[] = "user.big\0";
    capture_submit(m, req_query_ea(h), &c);
    expect_names(m, names, sizeof names - 1);
    mock_request req = mock_expect_node(m, FUSE_GETXATTR, NODE);
    struct fuse_getxattr_in in;
    memcpy(&in, req.body, sizeof in);
    /* As much as the response buffer has left after the entry's header and name. */
    assert_int_equal(in.size, FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX - (8 + 3 + 1));
    mock_reply(m, req.header.unique, -WF_ERANGE, NULL, 0);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status,
        (uint32_t)STATUS_EA_LIST_INCONSISTENT);
    mock_free(m);
}

static void query_ea_name_list_without_final_nul_is_a_bad_reply(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    capture_submit(m, req_query_ea(h), &c);
    expect_names(m, "user.a", 6);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    wf_engine_info info;
    wf_engine_get_info(mock_engine(m), &info);
    assert_int_equal(info.bad_replies, 1);
    mock_free(m);
}

/* SetEa -------------------------------------------------------------------------------- */

static void set_ea_sets_and_deletes_user_xattrs_then_reports_the_list(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "Color", "blue");
    ea_add(&l, "gone", "");     /* an empty value deletes */
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    expect_setxattr(m, "user.COLOR", "blue", 0);    /* upper-cased, as NTFS stores it */
    expect_removexattr(m, "user.GONE", -WF_ENODATA);  /* not there: no error */
    expect_list_size(m, 0);     /* no other spelling of the names to drop */
    expect_getattr(m, 10);
    static const char names[] = "user.COLOR\0";
    expect_names(m, names, sizeof names - 1);
    expect_getxattr(m, "user.COLOR", "blue", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp->Rsp.SetEa.FileInfo.FileSize, 10);
    assert_int_equal(rsp->Rsp.SetEa.FileInfo.EaSize, 5 + 5 + 4);
    assert_int_equal(rsp->Rsp.SetEa.Ea.Size, 8 + 6 + 4);
    uint32_t pos = 0;
    check_entry(rsp->Buffer, rsp->Rsp.SetEa.Ea.Size, &pos, "COLOR", "blue");

    /* The file's information keeps that EaSize while its ctime stays. */
    uint64_t hint = mock_submit(m, mock_req_query_info(h));
    assert_int_equal(mock_response(m, hint).Rsp.QueryInformation.FileInfo.EaSize, 14);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_ea_failure_stops_at_the_failing_entry(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    ea_add(&l, "b", "2");
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    expect_setxattr(m, "user.A", "1", -WF_ENOSPC);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_DISK_FULL);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_ea_malformed_list_is_ea_list_inconsistent_and_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    ea_add(&l, "b", "2");
    l.buf[0] = 3;   /* NextEntryOffset not a multiple of 4 */
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status,
        (uint32_t)STATUS_EA_LIST_INCONSISTENT);

    /* A list that ends past the request's buffer. */
    FSP_FSCTL_TRANSACT_REQ *req = req_set_ea(h, &l);
    req->Req.SetEa.Ea.Size = (uint16_t)(req->Size - sizeof *req + 8);
    capture_submit(m, req, &c);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status,
        (uint32_t)STATUS_EA_LIST_INCONSISTENT);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_ea_bad_name_is_invalid_ea_name_and_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "ok", "1");
    ea_add(&l, "no:colon", "2");
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_INVALID_EA_NAME);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_ea_naming_dosattrib_is_access_denied_and_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "ok", "1");
    ea_add(&l, "DosAttrib", "2");   /* Samba refuses its private names, in any case */
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_ea_enosys_is_eas_not_supported_and_not_asked_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    expect_setxattr(m, "user.A", "1", -WF_ENOSYS);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_EAS_NOT_SUPPORTED);
    capture_submit(m, req_set_ea(h, &l), &c);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, (uint32_t)STATUS_EAS_NOT_SUPPORTED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* EA names without case ------------------------------------------------------------- */

/* NTFS has one EA per name without case: of xattrs differing only in case, the upper-case
   spelling is shown (what Windows wrote), else the first listed; the others not read. */
static void query_ea_shows_one_ea_per_name_whatever_its_case(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    captured c;
    static const char names[] = "user.foo\0user.bar\0user.FOO\0user.Bar\0user.x1\0";
    capture_submit(m, req_query_ea(h), &c);
    expect_names(m, names, sizeof names - 1);
    expect_getxattr(m, "user.bar", "b", 0);
    expect_getxattr(m, "user.FOO", "F", 0);
    expect_getxattr(m, "user.x1", "x", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    uint32_t pos = 0, size = rsp->Rsp.QueryEa.Ea.Size;
    check_entry(rsp->Buffer, size, &pos, "BAR", "b");
    check_entry(rsp->Buffer, size, &pos, "FOO", "F");
    check_entry(rsp->Buffer, size, &pos, "X1", "x");
    assert_int_equal(pos, size);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Setting or deleting an EA in any case writes the upper-case spelling, then drops the
   xattrs that spell its name otherwise (written on Linux): one value per name, as NTFS. */
static void set_ea_drops_other_spellings_of_the_names_it_sets_or_deletes(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "color", "blue");
    ea_add(&l, "Gone", "");
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    static const char before[] = "user.color\0user.COLOR\0user.gOne\0user.other\0";
    expect_setxattr(m, "user.COLOR", "blue", 0);
    expect_removexattr(m, "user.GONE", -WF_ENODATA);
    expect_names(m, before, sizeof before - 1);
    expect_removexattr(m, "user.color", 0);
    expect_removexattr(m, "user.gOne", 0);
    expect_getattr(m, 10);
    static const char after[] = "user.COLOR\0user.other\0";
    expect_names(m, after, sizeof after - 1);
    expect_getxattr(m, "user.COLOR", "blue", 0);
    expect_getxattr(m, "user.other", "o", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    uint32_t pos = 0;
    check_entry(rsp->Buffer, rsp->Rsp.SetEa.Ea.Size, &pos, "COLOR", "blue");
    check_entry(rsp->Buffer, rsp->Rsp.SetEa.Ea.Size, &pos, "OTHER", "o");
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The names cannot be listed (rclone answers EIO), or one spelling cannot go: the EA is
   still set (the other spelling stays, hidden behind the upper-case one). */
static void set_ea_whose_spelling_clean_up_is_refused_still_sets(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    captured c;
    capture_submit(m, req_set_ea(h, &l), &c);
    expect_setxattr(m, "user.A", "1", 0);
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    expect_getattr(m, 10);
    req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    assert_int_equal(capture_end(m, &c)->IoStatus.Status, STATUS_SUCCESS);

    capture_submit(m, req_set_ea(h, &l), &c);
    expect_setxattr(m, "user.A", "1", 0);
    static const char names[] = "user.a\0user.A\0";
    expect_names(m, names, sizeof names - 1);
    expect_removexattr(m, "user.a", -WF_EPERM);
    expect_getattr(m, 10);
    static const char after[] = "user.a\0user.A\0";
    expect_names(m, after, sizeof after - 1);
    expect_getxattr(m, "user.A", "1", 0);
    const FSP_FSCTL_TRANSACT_RSP *rsp = capture_end(m, &c);
    assert_int_equal(rsp->IoStatus.Status, STATUS_SUCCESS);
    uint32_t pos = 0;
    check_entry(rsp->Buffer, rsp->Rsp.SetEa.Ea.Size, &pos, "A", "1");
    assert_int_equal(pos, rsp->Rsp.SetEa.Ea.Size);
    mock_free(m);
}

/* Create with an EA buffer ------------------------------------------------------------ */

static FSP_FSCTL_TRANSACT_REQ *req_create_ea(const char *path, uint32_t disposition,
    const ea_list *l)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_create(path, disposition, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE);
    req->Req.Create.Ea = req_append(req, l->buf, l->used);
    return req;
}

static void expect_create(mock_fs *m, const char *name)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, name);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    struct fuse_create_out {
        struct fuse_entry_out entry;
        struct fuse_open_out open;
    } out;
    memset(&out, 0, sizeof out);
    out.entry = mock_entry(NODE, 0100644, 0, 60, 0, 60);
    out.open.fh = FH;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
}

static void create_with_an_ea_buffer_sets_the_eas_on_the_new_file(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    ea_list l = { .used = 0 };
    ea_add(&l, "Author", "me");
    ea_add(&l, "skip", "");     /* nothing to delete on a new file */
    uint64_t hint = mock_submit(m, req_create_ea("\\new", FILE_CREATE, &l));
    expect_create(m, "new");
    expect_setxattr(m, "user.AUTHOR", "me", 0);
    expect_getattr(m, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.EaSize, 5 + 6 + 2);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void create_whose_eas_cannot_be_set_is_undone(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    uint64_t hint = mock_submit(m, req_create_ea("\\new", FILE_CREATE, &l));
    expect_create(m, "new");
    expect_setxattr(m, "user.A", "1", -WF_EOPNOTSUPP);
    mock_request req = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "new");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_EAS_NOT_SUPPORTED);
    /* The node the CREATE counted is given back. */
    req = mock_expect_node(m, FUSE_FORGET, NODE);
    struct fuse_forget_in forget;
    memcpy(&forget, req.body, sizeof forget);
    assert_int_equal(forget.nlookup, 1);

    /* The name is not cached: the next open asks again. */
    hint = mock_submit(m, mock_req_create("\\new", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void create_with_a_malformed_ea_buffer_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    l.buf[5] = 40;      /* a name longer than the entry */
    uint64_t hint = mock_submit(m, req_create_ea("\\new", FILE_OPEN_IF, &l));
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_EA_LIST_INCONSISTENT);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void open_of_an_existing_file_ignores_the_ea_buffer(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    FSP_FSCTL_TRANSACT_REQ *req = req_create_ea("\\f", FILE_OPEN_IF, &l);
    req->Req.Create.DesiredAccess = FILE_READ_ATTRIBUTES;
    uint64_t hint = mock_submit(m, req);
    mock_request lookup = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, lookup.header.unique, NODE, 0100644, 3, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Overwrite ---------------------------------------------------------------------------- */

static FSP_FSCTL_TRANSACT_REQ *req_overwrite(uint64_t handle, const ea_list *l)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactOverwriteKind);
    req->Req.Overwrite.UserContext = NODE;
    req->Req.Overwrite.UserContext2 = handle;
    if (l)
        req->Req.Overwrite.Ea = req_append(req, l->buf, l->used);
    return req;
}

static void expect_truncate(mock_fs *m)
{
    mock_request req = mock_expect_node(m, FUSE_SETATTR, NODE);
    struct fuse_setattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_true(in.valid & FATTR_SIZE);
    assert_int_equal(in.size, 0);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 0);
    attr.ctime = 1700000200;
    mock_reply_attr(m, req.header.unique, &attr, 60);
}

static void overwrite_replaces_the_eas_before_truncating(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "new", "yes");
    uint64_t hint = mock_submit(m, req_overwrite(h, &l));
    static const char names[] = "user.old\0security.selinux\0user.new\0";
    expect_names(m, names, sizeof names - 1);
    expect_removexattr(m, "user.old", 0);       /* every EA goes; other xattrs stay */
    expect_removexattr(m, "user.new", 0);
    expect_setxattr(m, "user.NEW", "yes", 0);
    expect_truncate(m);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileSize, 0);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.EaSize, 5 + 3 + 3);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void overwrite_without_eas_drops_the_existing_ones(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = mock_submit(m, req_overwrite(h, NULL));
    static const char names[] = "user.old\0";
    expect_names(m, names, sizeof names - 1);
    expect_removexattr(m, "user.old", -WF_ENODATA);   /* gone meanwhile: fine */
    expect_truncate(m);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Overwrite.FileInfo.EaSize, 0);
    mock_free(m);
}

static void overwrite_keeps_user_dosattrib(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = mock_submit(m, req_overwrite(h, NULL));
    static const char names[] = "user.DOSATTRIB\0user.old\0";
    expect_names(m, names, sizeof names - 1);
    expect_removexattr(m, "user.old", 0);      /* the EAs go, the DOS attributes stay */
    expect_truncate(m);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void overwrite_on_a_file_system_without_xattrs_costs_one_listxattr_once(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = mock_submit(m, req_overwrite(h, NULL));
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    expect_truncate(m);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = mock_submit(m, req_overwrite(h, NULL));
    expect_truncate(m);     /* ENOSYS is remembered */
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* EAs asked for where there can be none: the Overwrite fails and closes the file. */
    ea_list l = { .used = 0 };
    ea_add(&l, "a", "1");
    hint = mock_submit(m, req_overwrite(h, &l));
    req = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_EAS_NOT_SUPPORTED);
    mock_free(m);
}

/* The refusals an optional step must survive: EIO, EOPNOTSUPP, ENOSYS. */
static const int32_t refusals[] = { 5, WF_EOPNOTSUPP, WF_ENOSYS };

static void overwrite_whose_listxattr_is_refused_still_truncates(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_fs *m = mock_start();
        uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
        /* rclone answers LISTXATTR with EIO: the old EAs are NTFS's clean-up, not what
           O_TRUNC needs, so the file is still overwritten. */
        uint64_t hint = mock_submit(m, req_overwrite(h, NULL));
        mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
        mock_reply(m, req.header.unique, -refusals[i], NULL, 0);
        expect_truncate(m);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.Rsp.Overwrite.FileInfo.FileSize, 0);
        assert_true(mock_idle(m, 50));
        mock_free(m);
    }
}

static void overwrite_whose_listing_is_refused_midway_still_truncates(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_fs *m = mock_start();
        uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
        uint64_t hint = mock_submit(m, req_overwrite(h, NULL));
        expect_list_size(m, 9);
        mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
        mock_reply(m, req.header.unique, -refusals[i], NULL, 0);
        expect_truncate(m);
        assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
        mock_free(m);
    }
}

static void overwrite_whose_removexattr_is_refused_still_truncates(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_fs *m = mock_start();
        uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
        uint64_t hint = mock_submit(m, req_overwrite(h, NULL));
        static const char names[] = "user.a\0user.b\0";
        expect_names(m, names, sizeof names - 1);
        expect_removexattr(m, "user.a", -refusals[i]);   /* it stays; the next goes on */
        expect_removexattr(m, "user.b", 0);
        expect_truncate(m);
        assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
        assert_true(mock_idle(m, 50));
        mock_free(m);
    }
}

static void overwrite_with_new_eas_reports_their_failure(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    ea_list l = { .used = 0 };
    ea_add(&l, "new", "yes");
    uint64_t hint = mock_submit(m, req_overwrite(h, &l));
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    /* Setting the caller's EAs is no clean-up: its failure is the answer. */
    expect_setxattr(m, "user.NEW", "yes", -WF_EIO);
    req = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

static void overwrite_whose_listing_reply_is_malformed_fails(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = mock_open_file(m, "f", NODE, 10, FH);
    uint64_t hint = mock_submit(m, req_overwrite(h, NULL));
    mock_request req = mock_expect_node(m, FUSE_LISTXATTR, NODE);
    mock_reply(m, req.header.unique, 0, "x", 1);     /* shorter than fuse_getxattr_out */
    /* Not a refusal but a broken reply: reported, as everywhere. */
    req = mock_expect_node(m, FUSE_RELEASE, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_ea_lists_user_xattrs_as_full_ea_information),
        cmocka_unit_test(query_ea_without_eas_is_success_with_an_empty_list),
        cmocka_unit_test(query_ea_with_only_other_namespaces_is_an_empty_list),
        cmocka_unit_test(query_ea_hides_user_dosattrib_in_any_case),
        cmocka_unit_test(query_ea_asks_again_when_the_list_grew_meanwhile),
        cmocka_unit_test(query_ea_skips_an_xattr_removed_since_it_was_listed),
        cmocka_unit_test(query_ea_enosys_is_eas_not_supported_and_not_asked_again),
        cmocka_unit_test(query_ea_eopnotsupp_is_eas_not_supported),
        cmocka_unit_test(query_ea_value_too_large_for_the_buffer_is_ea_list_inconsistent),
        cmocka_unit_test(query_ea_name_list_without_final_nul_is_a_bad_reply),
        cmocka_unit_test(set_ea_sets_and_deletes_user_xattrs_then_reports_the_list),
        cmocka_unit_test(set_ea_failure_stops_at_the_failing_entry),
        cmocka_unit_test(set_ea_malformed_list_is_ea_list_inconsistent_and_sends_nothing),
        cmocka_unit_test(set_ea_bad_name_is_invalid_ea_name_and_sends_nothing),
        cmocka_unit_test(set_ea_naming_dosattrib_is_access_denied_and_sends_nothing),
        cmocka_unit_test(set_ea_enosys_is_eas_not_supported_and_not_asked_again),
        cmocka_unit_test(query_ea_shows_one_ea_per_name_whatever_its_case),
        cmocka_unit_test(set_ea_drops_other_spellings_of_the_names_it_sets_or_deletes),
        cmocka_unit_test(set_ea_whose_spelling_clean_up_is_refused_still_sets),
        cmocka_unit_test(create_with_an_ea_buffer_sets_the_eas_on_the_new_file),
        cmocka_unit_test(create_whose_eas_cannot_be_set_is_undone),
        cmocka_unit_test(create_with_a_malformed_ea_buffer_sends_nothing),
        cmocka_unit_test(open_of_an_existing_file_ignores_the_ea_buffer),
        cmocka_unit_test(overwrite_replaces_the_eas_before_truncating),
        cmocka_unit_test(overwrite_without_eas_drops_the_existing_ones),
        cmocka_unit_test(overwrite_keeps_user_dosattrib),
        cmocka_unit_test(overwrite_on_a_file_system_without_xattrs_costs_one_listxattr_once),
        cmocka_unit_test(overwrite_whose_listxattr_is_refused_still_truncates),
        cmocka_unit_test(overwrite_whose_listing_is_refused_midway_still_truncates),
        cmocka_unit_test(overwrite_whose_removexattr_is_refused_still_truncates),
        cmocka_unit_test(overwrite_with_new_eas_reports_their_failure),
        cmocka_unit_test(overwrite_whose_listing_reply_is_malformed_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
