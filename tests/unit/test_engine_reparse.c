/* test_engine_reparse.c — symbolic links and special files as reparse points: Create that
   meets a link (STATUS_REPARSE, or the link itself with FILE_OPEN_REPARSE_POINT), whether a
   link leads to a directory, and FSCTL_GET/SET/DELETE_REPARSE_POINT, pinned as FUSE
   request sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"
#include "winfuse/reparse_map.h"

#define S_LNK  0120777u
#define S_DIR  0040755u
#define S_REG  0100644u
#define S_FIFO 0010644u
#define S_CHR  0020600u

#define DIR_INFO_SIZE ((uint32_t)sizeof(FSP_FSCTL_DIR_INFO))

/* ---- responses with a buffer ------------------------------------------------------------ */

/* The mock's queue keeps responses without their Buffer[]: this hook keeps one whole. */
typedef struct captured {
    bool got;
    uint64_t hint;
    union {
        FSP_FSCTL_TRANSACT_RSP rsp;
        uint8_t bytes[FSP_FSCTL_TRANSACT_RSP_SIZEMAX];
    } u;
} captured;

static void capture(void *context, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    captured *c = context;
    assert_true(rsp->Size >= sizeof *rsp && rsp->Size <= FSP_FSCTL_TRANSACT_RSP_SIZEMAX);
    memcpy(c->u.bytes, rsp, rsp->Size);
    c->hint = rsp->Hint;
    c->got = true;
}

static captured *capture_start(mock_fs *m)
{
    static captured c;
    memset(&c, 0, sizeof c);
    mock_set_complete_hook(m, capture, &c);
    return &c;
}

static void capture_stop(mock_fs *m, captured *c, uint64_t hint)
{
    mock_set_complete_hook(m, NULL, NULL);
    assert_true(c->got);
    assert_int_equal(c->hint, hint);
}

/* The symbolic link buffer at rsp->Buffer[buf]: its substitute name (ASCII) and flags. */
static void assert_symlink_buffer(const captured *c, FSP_FSCTL_TRANSACT_BUF buf,
    const char *substitute, uint32_t flags)
{
    const uint8_t *p = c->u.rsp.Buffer + buf.Offset;
    uint16_t target[1100];
    size_t units;
    uint32_t got_flags;
    assert_true(sizeof(FSP_FSCTL_TRANSACT_RSP) + buf.Offset + buf.Size <= c->u.rsp.Size);
    assert_int_equal(wf_reparse_validate(p, buf.Size), STATUS_SUCCESS);
    assert_int_equal(wf_reparse_tag(p), IO_REPARSE_TAG_SYMLINK);
    assert_int_equal(wf_reparse_get_symlink(p, buf.Size, target, 1100, &units, &got_flags),
        STATUS_SUCCESS);
    assert_int_equal(got_flags, flags);
    assert_int_equal(units, strlen(substitute));
    for (size_t i = 0; i < units; i++)
        assert_int_equal(target[i], (uint8_t)substitute[i]);
}

/* ---- requests ---------------------------------------------------------------------------- */

static FSP_FSCTL_TRANSACT_REQ *req_fsctl(uint64_t handle, uint32_t code, const char *path,
    const void *buf, uint16_t size)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactFileSystemControlKind);
    req->Req.FileSystemControl.UserContext2 = handle;
    req->Req.FileSystemControl.FsControlCode = code;
    /* As WinFsp's FSD: the file's name, then the input buffer. */
    if (path)
        mock_req_set_name(req, path);
    uint16_t offset = (uint16_t)(req->Size - sizeof *req);
    if (size)
        memcpy(req->Buffer + offset, buf, size);
    req->Req.FileSystemControl.Buffer.Offset = offset;
    req->Req.FileSystemControl.Buffer.Size = size;
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP(size));
    return req;
}

/* A symbolic link buffer for an ASCII target. */
static size_t symlink_buffer(uint8_t *buf, const char *target, uint32_t flags)
{
    uint16_t units[512];
    size_t n = strlen(target), size;
    for (size_t i = 0; i < n; i++)
        units[i] = (uint8_t)target[i];
    assert_int_equal(wf_reparse_build_symlink(units, n, flags, buf, 4096, &size), STATUS_SUCCESS);
    return size;
}

static uint64_t set_reparse(mock_fs *m, uint64_t handle, const char *path, const void *buf,
    size_t size)
{
    return mock_submit(m, req_fsctl(handle, FSCTL_SET_REPARSE_POINT, path, buf, (uint16_t)size));
}

static uint64_t delete_reparse(mock_fs *m, uint64_t handle, const char *path, uint32_t tag)
{
    uint8_t header[8] = { 0 };
    memcpy(header, &tag, 4);
    return mock_submit(m, req_fsctl(handle, FSCTL_DELETE_REPARSE_POINT, path, header, 8));
}

static void reply_readlink(mock_fs *m, uint64_t nodeid, const char *target)
{
    mock_request req = mock_expect_node(m, FUSE_READLINK, nodeid);
    assert_int_equal(req.body_size, 0);
    mock_reply(m, req.header.unique, 0, target, (uint32_t)strlen(target));
}

static void reply_lookup(mock_fs *m, uint64_t parent, const char *name, uint64_t nodeid,
    uint32_t mode)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
    assert_string_equal((const char *)req.body, name);
    if (nodeid)
        mock_reply_entry(m, req.header.unique, nodeid, mode, 3, 60, 60);
    else
        mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
}

static FSP_FSCTL_FILE_INFO query_info(mock_fs *m, uint64_t handle)
{
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, mock_submit(m, mock_req_query_info(handle)));
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.QueryInformation.FileInfo;
}

/* \name, a symbolic link (nodeid) to target, a file that does not exist: opened itself. */
static uint64_t open_link_itself(mock_fs *m, const char *name, uint64_t nodeid,
    const char *target)
{
    char path[64] = "\\";
    strcat(path, name);
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, FILE_OPEN_REPARSE_POINT,
        FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | DELETE));
    reply_lookup(m, FUSE_ROOT_ID, name, nodeid, S_LNK);
    reply_readlink(m, nodeid, target);
    reply_lookup(m, FUSE_ROOT_ID, target, 0, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

/* As mklink: \name made with FILE_CREATE and FILE_OPEN_REPARSE_POINT (CREATE answered with
   nodeid and fh), or a directory (MKDIR). */
static uint64_t create_placeholder(mock_fs *m, const char *name, uint64_t nodeid, uint64_t fh,
    bool directory)
{
    char path[64] = "\\";
    strcat(path, name);
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_CREATE,
        FILE_OPEN_REPARSE_POINT | (directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE),
        FILE_WRITE_ATTRIBUTES | DELETE | SYNCHRONIZE));
    reply_lookup(m, FUSE_ROOT_ID, name, 0, 0);
    if (directory) {
        mock_request req = mock_expect_node(m, FUSE_MKDIR, FUSE_ROOT_ID);
        mock_reply_entry(m, req.header.unique, nodeid, S_DIR, 0, 60, 60);
    } else {
        mock_request req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
        struct {
            struct fuse_entry_out entry;
            struct fuse_open_out open;
        } out;
        memset(&out, 0, sizeof out);
        out.entry = mock_entry(nodeid, S_REG, 0, 60, 0, 60);
        out.open.fh = fh;
        mock_reply(m, req.header.unique, 0, &out, sizeof out);
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    return rsp.Rsp.Create.Opened.UserContext2;
}

/* The temporary name a reparse point change uses for nodeid, round. */
static void temp_name(char *out, uint64_t nodeid, int round)
{
    static const char hex[] = "0123456789abcdef";
    strcpy(out, ".wf-reparse-");
    size_t n = strlen(out);
    for (int shift = 60; shift >= 0; shift -= 4)
        out[n++] = hex[(nodeid >> shift) & 0xf];
    out[n++] = '-';
    out[n++] = (char)('0' + round);
    out[n] = 0;
}

/* The LOOKUP that finds a temporary name free before anything is made under it. */
static void expect_temp_free(mock_fs *m, uint64_t parent, const char *name)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
    assert_string_equal((const char *)req.body, name);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
}

/* SYMLINK(parent): the entry's name, then the target. */
static mock_request expect_symlink(mock_fs *m, uint64_t parent, const char *name,
    const char *target)
{
    mock_request req = mock_expect_node(m, FUSE_SYMLINK, parent);
    assert_int_equal(req.body_size, strlen(name) + 1 + strlen(target) + 1);
    assert_string_equal((const char *)req.body, name);
    assert_string_equal((const char *)req.body + strlen(name) + 1, target);
    return req;
}

static void expect_rename(mock_fs *m, uint64_t dir, const char *old_name, const char *new_name)
{
    mock_request req = mock_expect_node(m, FUSE_RENAME, dir);
    struct fuse_rename_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.newdir, dir);
    assert_string_equal((const char *)req.body + sizeof in, old_name);
    assert_string_equal((const char *)req.body + sizeof in + strlen(old_name) + 1, new_name);
    mock_reply(m, req.header.unique, 0, NULL, 0);
}

/* Whatever comes before the engine is idle is FORGET or BATCH_FORGET. */
static void expect_only_forgets(mock_fs *m)
{
    mock_request req;
    while (mock_take(m, &req, 50))
        if (req.header.opcode != FUSE_FORGET && req.header.opcode != FUSE_BATCH_FORGET)
            fail_msg("unexpected opcode %u", req.header.opcode);
}

/* ---- Create meets a link ----------------------------------------------------------------- */

static void open_reparse_point_of_a_link_opens_the_link_itself_without_open(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_OPEN, FILE_OPEN_REPARSE_POINT,
        FILE_GENERIC_READ));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    /* Where it leads decides its directory bit: a file here. */
    reply_readlink(m, 5, "t");
    reply_lookup(m, FUSE_ROOT_ID, "t", 6, S_REG);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, FILE_ATTRIBUTE_REPARSE_POINT);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.ReparseTag, IO_REPARSE_TAG_SYMLINK);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 0);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 5);
    /* No OPEN (FUSE cannot open a link), and no RELEASE at Close. */
    assert_true(mock_idle(m, 50));
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;
    uint64_t cleanup = mock_submit(m, mock_req_cleanup(handle));
    uint64_t close = mock_submit(m, mock_req_close(handle));
    assert_true(mock_idle(m, 50));
    assert_int_equal(mock_response(m, cleanup).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(mock_response(m, close).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void link_to_a_directory_opened_itself_carries_the_directory_attribute(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d\\l", FILE_OPEN,
        FILE_OPEN_REPARSE_POINT | FILE_DIRECTORY_FILE, FILE_READ_ATTRIBUTES));
    reply_lookup(m, FUSE_ROOT_ID, "d", 2, S_DIR);
    reply_lookup(m, 2, "l", 5, S_LNK);
    /* ../e/f from \d is \e\f: walked from the root. */
    reply_readlink(m, 5, "../e/f");
    reply_lookup(m, FUSE_ROOT_ID, "e", 7, S_DIR);
    reply_lookup(m, 7, "f", 8, S_DIR);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes,
        FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    /* Known from now on: QueryInformation and another open ask nothing. */
    FSP_FSCTL_FILE_INFO info = query_info(m, handle);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY);
    hint = mock_submit(m, mock_req_create("\\d\\l", FILE_OPEN, FILE_OPEN_REPARSE_POINT,
        FILE_READ_ATTRIBUTES));
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void links_met_on_the_way_to_a_target_are_followed(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\a", FILE_OPEN, FILE_OPEN_REPARSE_POINT,
        FILE_READ_ATTRIBUTES));
    reply_lookup(m, FUSE_ROOT_ID, "a", 5, S_LNK);
    reply_readlink(m, 5, "b/x");
    reply_lookup(m, FUSE_ROOT_ID, "b", 6, S_LNK);
    reply_readlink(m, 6, "/c");         /* \b\x is \c\x */
    reply_lookup(m, FUSE_ROOT_ID, "c", 7, S_DIR);
    reply_lookup(m, 7, "x", 8, S_DIR);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(rsp.Rsp.Create.Opened.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    mock_free(m);
}

static void dangling_link_is_not_a_directory(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_OPEN,
        FILE_OPEN_REPARSE_POINT | FILE_DIRECTORY_FILE, FILE_READ_ATTRIBUTES));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    reply_readlink(m, 5, "gone/away");
    reply_lookup(m, FUSE_ROOT_ID, "gone", 0, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_A_DIRECTORY);
    mock_free(m);
}

static void looping_links_are_followed_63_times_then_taken_for_no_directory(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\a", FILE_OPEN, FILE_OPEN_REPARSE_POINT,
        FILE_READ_ATTRIBUTES));
    reply_lookup(m, FUSE_ROOT_ID, "a", 5, S_LNK);
    reply_readlink(m, 5, "b");
    reply_lookup(m, FUSE_ROOT_ID, "b", 6, S_LNK);
    for (int hop = 2; hop <= 63; hop++)
        reply_readlink(m, hop % 2 ? 5 : 6, hop % 2 ? "b" : "a");
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes, FILE_ATTRIBUTE_REPARSE_POINT);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void open_of_a_link_reparses_to_its_target_as_a_volume_path(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d\\l", FILE_OPEN, 0, FILE_GENERIC_READ));
    reply_lookup(m, FUSE_ROOT_ID, "d", 2, S_DIR);
    reply_lookup(m, 2, "l", 5, S_LNK);
    captured *c = capture_start(m);
    reply_readlink(m, 5, "../t");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_REPARSE);
    assert_int_equal(c->u.rsp.IoStatus.Information, IO_REPARSE_TAG_SYMLINK);
    assert_int_equal(c->u.rsp.Rsp.Create.Reparse.Buffer.Offset, 0);
    assert_int_equal(c->u.rsp.Size,
        sizeof(FSP_FSCTL_TRANSACT_RSP) + c->u.rsp.Rsp.Create.Reparse.Buffer.Size);
    /* The whole new path, from the volume root: what WinFsp's FSD prefixes with the volume. */
    assert_symlink_buffer(c, c->u.rsp.Rsp.Create.Reparse.Buffer, "\\t", SYMLINK_FLAG_RELATIVE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_in_the_middle_of_a_path_reparses_with_the_rest_of_it(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l\\f", FILE_OPEN, 0, FILE_GENERIC_READ));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    captured *c = capture_start(m);
    reply_readlink(m, 5, "sub/dir");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_REPARSE);
    assert_symlink_buffer(c, c->u.rsp.Rsp.Create.Reparse.Buffer, "\\sub\\dir\\f",
        SYMLINK_FLAG_RELATIVE);

    /* The link is cached: no LOOKUP the second time, READLINK again (links are not). */
    hint = mock_submit(m, mock_req_create("\\l\\g\\h", FILE_CREATE, 0, FILE_GENERIC_WRITE));
    c = capture_start(m);
    reply_readlink(m, 5, "/abs");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_REPARSE);
    assert_symlink_buffer(c, c->u.rsp.Rsp.Create.Reparse.Buffer, "\\abs\\g\\h",
        SYMLINK_FLAG_RELATIVE);
    mock_free(m);
}

static void create_over_an_existing_link_reparses_to_its_target(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_CREATE, 0, FILE_GENERIC_WRITE));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    captured *c = capture_start(m);
    reply_readlink(m, 5, "new");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_REPARSE);
    assert_symlink_buffer(c, c->u.rsp.Rsp.Create.Reparse.Buffer, "\\new", SYMLINK_FLAG_RELATIVE);
    mock_free(m);
}

static void create_with_open_reparse_point_over_a_link_collides(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_CREATE, FILE_OPEN_REPARSE_POINT,
        FILE_GENERIC_WRITE));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void overwriting_a_link_opened_itself_is_refused(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_OVERWRITE_IF,
        FILE_OPEN_REPARSE_POINT, FILE_GENERIC_WRITE));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    reply_readlink(m, 5, "t");
    reply_lookup(m, FUSE_ROOT_ID, "t", 6, S_REG);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_that_no_longer_reads_is_not_resolved(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_OPEN, 0, FILE_GENERIC_READ));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    mock_request req = mock_expect_node(m, FUSE_READLINK, 5);
    mock_reply(m, req.header.unique, -WF_EINVAL /* not a link after all */, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_REPARSE_POINT_NOT_RESOLVED);
    mock_free(m);
}

static void fifo_opened_without_open_reparse_point_answers_its_nfs_data(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\p", FILE_OPEN, 0, FILE_GENERIC_READ));
    captured *c = capture_start(m);
    reply_lookup(m, FUSE_ROOT_ID, "p", 5, S_FIFO);
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_REPARSE);
    assert_int_equal(c->u.rsp.IoStatus.Information, IO_REPARSE_TAG_NFS);
    const uint8_t *p = c->u.rsp.Buffer + c->u.rsp.Rsp.Create.Reparse.Buffer.Offset;
    uint32_t mode, rdev;
    assert_int_equal(wf_reparse_get_nfs(p, c->u.rsp.Rsp.Create.Reparse.Buffer.Size, &mode, &rdev,
        NULL, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(mode, 0010000u);
    assert_true(mock_idle(m, 50));     /* no READLINK, no OPEN */
    mock_free(m);
}

static void readonly_attribute_on_a_link_changes_no_mode(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_link_itself(m, "l", 5, "t");
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = handle;
    req->Req.SetInformation.FileInformationClass = FileBasicInformation;
    req->Req.SetInformation.Info.Basic.FileAttributes = FILE_ATTRIBUTE_READONLY;
    /* A chmod of a link would reach its target: nothing FUSE can store is left. */
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, mock_submit(m, req));
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileAttributes,
        FILE_ATTRIBUTE_REPARSE_POINT);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* ---- FSCTL_GET_REPARSE_POINT ------------------------------------------------------------- */

static void get_reparse_point_reads_the_link_into_a_relative_symlink_buffer(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_link_itself(m, "l", 5, "t");
    uint64_t hint = mock_submit(m, req_fsctl(handle, FSCTL_GET_REPARSE_POINT, "\\l", NULL, 0));
    captured *c = capture_start(m);
    reply_readlink(m, 5, "../a//b");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(c->u.rsp.IoStatus.Information, c->u.rsp.Rsp.FileSystemControl.Buffer.Size);
    assert_symlink_buffer(c, c->u.rsp.Rsp.FileSystemControl.Buffer, "..\\a\\b",
        SYMLINK_FLAG_RELATIVE);
    mock_free(m);
}

static void get_reparse_point_of_an_absolute_link_is_volume_rooted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_link_itself(m, "l", 5, "t");
    uint64_t hint = mock_submit(m, req_fsctl(handle, FSCTL_GET_REPARSE_POINT, "\\l", NULL, 0));
    captured *c = capture_start(m);
    reply_readlink(m, 5, "/x/y");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_symlink_buffer(c, c->u.rsp.Rsp.FileSystemControl.Buffer, "\\x\\y",
        SYMLINK_FLAG_RELATIVE);
    mock_free(m);
}

/* Answers the FSCTL_GET_REPARSE_POINT of link 5 with the READLINK reply given. */
static void assert_readlink_reply_is_malformed(const void *target, uint32_t size)
{
    mock_fs *m = mock_start();
    uint64_t handle = open_link_itself(m, "l", 5, "t");
    uint64_t hint = mock_submit(m, req_fsctl(handle, FSCTL_GET_REPARSE_POINT, "\\l", NULL, 0));
    mock_request req = mock_expect_node(m, FUSE_READLINK, 5);
    mock_reply(m, req.header.unique, 0, target, size);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal((uint32_t)rsp.IoStatus.Status, (uint32_t)STATUS_IO_REPARSE_DATA_INVALID);
    wf_engine_info info;
    wf_engine_get_info(mock_engine(m), &info);
    assert_int_equal(info.bad_replies, 1);
    mock_free(m);
}

/* Cut at the NUL, "f\0.txt" would lead to f; symlink(2) makes no such link. */
static void readlink_target_holding_a_nul_is_a_bad_reply(void **state)
{
    (void)state;
    assert_readlink_reply_is_malformed("f\0.txt", 6);
}

static void empty_readlink_target_is_a_bad_reply(void **state)
{
    (void)state;
    assert_readlink_reply_is_malformed("", 0);
}

static void get_reparse_point_of_a_regular_file_is_not_a_reparse_point(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    uint64_t hint = mock_submit(m, req_fsctl(handle, FSCTL_GET_REPARSE_POINT, "\\f", NULL, 0));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_A_REPARSE_POINT);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void get_reparse_point_of_a_device_gives_nfs_data_with_its_numbers(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\tty", FILE_OPEN, FILE_OPEN_REPARSE_POINT,
        FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    struct fuse_entry_out e = mock_entry(5, S_CHR, 0, 60, 0, 60);
    e.attr.rdev = wf_dev_make(136, 2);
    mock_reply(m, req.header.unique, 0, &e, sizeof e);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.ReparseTag, IO_REPARSE_TAG_NFS);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    /* Answered from the attributes: no READLINK, no request at all. */
    captured *c = capture_start(m);
    hint = mock_submit(m, req_fsctl(handle, FSCTL_GET_REPARSE_POINT, "\\tty", NULL, 0));
    assert_true(mock_idle(m, 50));
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_SUCCESS);
    const uint8_t *p = c->u.rsp.Buffer + c->u.rsp.Rsp.FileSystemControl.Buffer.Offset;
    uint64_t type;
    uint32_t major, minor;
    memcpy(&type, p + 8, 8);
    memcpy(&major, p + 16, 4);
    memcpy(&minor, p + 20, 4);
    assert_int_equal(wf_reparse_tag(p), IO_REPARSE_TAG_NFS);
    assert_int_equal(type, NFS_SPECFILE_CHR);
    assert_int_equal(major, 136);
    assert_int_equal(minor, 2);
    mock_free(m);
}

static void unknown_fsctl_is_an_invalid_device_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    uint64_t hint = mock_submit(m, req_fsctl(handle, 0x00090028u /* FSCTL_IS_VOLUME_MOUNTED */,
        NULL, NULL, 0));
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_INVALID_DEVICE_REQUEST);
    mock_free(m);
}

/* ---- FSCTL_SET_REPARSE_POINT ------------------------------------------------------------- */

static void set_reparse_point_makes_a_symlink_in_place_of_the_empty_file(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "..\\t", SYMLINK_FLAG_RELATIVE);
    uint64_t hint = set_reparse(m, handle, "\\l", buf, size);

    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request req = expect_symlink(m, FUSE_ROOT_ID, tmp, "../t");
    mock_reply_entry(m, req.header.unique, 6, S_LNK, 4, 60, 60);
    expect_rename(m, FUSE_ROOT_ID, tmp, "l");
    /* The placeholder's FUSE handle goes with it. */
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    struct fuse_release_in release;
    memcpy(&release, req.body, sizeof release);
    assert_int_equal(release.fh, 9);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* The handle is the link now. */
    FSP_FSCTL_FILE_INFO info = query_info(m, handle);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_REPARSE_POINT);
    assert_int_equal(info.ReparseTag, IO_REPARSE_TAG_SYMLINK);
    assert_int_equal(info.IndexNumber, 6);
    /* No second RELEASE at Close: only the forgetting of what nothing uses any more (the
       replaced file; the link, named by no cached entry). */
    hint = mock_submit(m, mock_req_close(handle));
    expect_only_forgets(m);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_reparse_point_on_a_directory_makes_a_directory_link(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "d", 5, 0, true);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "target\\dir", SYMLINK_FLAG_RELATIVE);
    uint64_t hint = set_reparse(m, handle, "\\d", buf, size);

    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    /* The directory bit outlives the session in the target's text: "dir/". */
    mock_request req = expect_symlink(m, FUSE_ROOT_ID, tmp, "target/dir/");
    mock_reply_entry(m, req.header.unique, 6, S_LNK, 10, 60, 60);
    /* A directory cannot be renamed over: it goes first. */
    req = mock_expect_node(m, FUSE_RMDIR, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "d");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    expect_rename(m, FUSE_ROOT_ID, tmp, "d");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* Made on a directory, it is a directory link, as mklink /D makes on NTFS. */
    FSP_FSCTL_FILE_INFO info = query_info(m, handle);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(info.ReparseTag, IO_REPARSE_TAG_SYMLINK);
    expect_only_forgets(m);     /* the directory it replaced */
    mock_free(m);
}

static void set_reparse_point_on_a_non_empty_directory_leaves_it(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "d", 5, 0, true);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "t", SYMLINK_FLAG_RELATIVE);
    uint64_t hint = set_reparse(m, handle, "\\d", buf, size);

    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request req = expect_symlink(m, FUSE_ROOT_ID, tmp, "t/");
    mock_reply_entry(m, req.header.unique, 6, S_LNK, 1, 60, 60);
    req = mock_expect_node(m, FUSE_RMDIR, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOTEMPTY, NULL, 0);
    /* The link made for it goes again. */
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, tmp);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_DIRECTORY_NOT_EMPTY);
    FSP_FSCTL_FILE_INFO info = query_info(m, handle);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(info.IndexNumber, 5);
    mock_free(m);
}

static void set_reparse_point_tries_another_temporary_name_when_one_is_taken(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "t", SYMLINK_FLAG_RELATIVE);
    uint64_t hint = set_reparse(m, handle, "\\l", buf, size);

    char tmp0[64], tmp1[64];
    temp_name(tmp0, 5, 0);
    temp_name(tmp1, 5, 1);
    /* Made by someone between the LOOKUP and the SYMLINK: the file system's EEXIST. */
    expect_temp_free(m, FUSE_ROOT_ID, tmp0);
    mock_request req = expect_symlink(m, FUSE_ROOT_ID, tmp0, "t");
    mock_reply(m, req.header.unique, -WF_EEXIST, NULL, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp1);
    req = expect_symlink(m, FUSE_ROOT_ID, tmp1, "t");
    mock_reply_entry(m, req.header.unique, 6, S_LNK, 1, 60, 60);
    expect_rename(m, FUSE_ROOT_ID, tmp1, "l");
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_reparse_point_makes_nothing_under_a_temporary_name_that_exists(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "t", SYMLINK_FLAG_RELATIVE);
    uint64_t hint = set_reparse(m, handle, "\\l", buf, size);

    char tmp0[64], tmp1[64];
    temp_name(tmp0, 5, 0);
    temp_name(tmp1, 5, 1);
    /* Left by an interrupted change: no SYMLINK onto it (fuse2fs would add a second
       entry of that name), the next name instead. */
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, tmp0);
    mock_reply_entry(m, req.header.unique, 8, 0100644, 0, 60, 60);
    expect_temp_free(m, FUSE_ROOT_ID, tmp1);
    req = expect_symlink(m, FUSE_ROOT_ID, tmp1, "t");
    mock_reply_entry(m, req.header.unique, 6, S_LNK, 1, 60, 60);
    expect_rename(m, FUSE_ROOT_ID, tmp1, "l");
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    expect_only_forgets(m);
    mock_free(m);
}

static void set_reparse_point_nfs_fifo_makes_a_fifo_by_mknod(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "p", 5, 9, false);
    uint8_t buf[32];
    size_t size;
    assert_int_equal(wf_reparse_build_nfs(0010000u, 0, buf, sizeof buf, &size), STATUS_SUCCESS);
    uint64_t hint = set_reparse(m, handle, "\\p", buf, size);

    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request req = mock_expect_node(m, FUSE_MKNOD, FUSE_ROOT_ID);
    struct fuse_mknod_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.mode, S_FIFO);      /* the placeholder's permissions kept */
    assert_int_equal(in.rdev, 0);
    assert_string_equal((const char *)req.body + sizeof in, tmp);
    mock_reply_entry(m, req.header.unique, 6, S_FIFO, 0, 60, 60);
    expect_rename(m, FUSE_ROOT_ID, tmp, "p");
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    FSP_FSCTL_FILE_INFO info = query_info(m, handle);
    assert_int_equal(info.ReparseTag, IO_REPARSE_TAG_NFS);
    mock_free(m);
}

static void set_reparse_point_with_a_malformed_buffer_is_invalid_reparse_data(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "target", SYMLINK_FLAG_RELATIVE);
    /* ReparseDataLength says two bytes more than there are. */
    uint16_t length;
    memcpy(&length, buf + 4, 2);
    length += 2;
    memcpy(buf + 4, &length, 2);
    uint64_t hint = set_reparse(m, handle, "\\l", buf, size);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_IO_REPARSE_DATA_INVALID);
    /* A junction: nothing FUSE can store. */
    uint32_t tag = IO_REPARSE_TAG_MOUNT_POINT;
    uint8_t junction[8 + 8 + 4] = { 0 };
    uint16_t fields[6] = { 12, 0, 0, 2, 0, 0 };
    memcpy(junction, &tag, 4);
    memcpy(junction + 4, fields, 12);
    junction[16] = 'x';
    hint = set_reparse(m, handle, "\\l", junction, sizeof junction);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_IO_REPARSE_TAG_MISMATCH);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* A link marked relative whose text is a drive path or a UNC path has no POSIX meaning: it
   would be stored as C:/Windows/x or /server/share/x, another target. */
static void set_reparse_point_relative_link_to_a_drive_or_unc_path_is_invalid(void **state)
{
    (void)state;
    static const char *const targets[] = { "C:\\Windows\\x", "c:x", "\\\\server\\share\\x",
        "//server/share" };
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        uint8_t buf[256];
        size_t size = symlink_buffer(buf, targets[i], SYMLINK_FLAG_RELATIVE);
        uint64_t hint = set_reparse(m, handle, "\\l", buf, size);
        assert_int_equal(mock_response(m, hint).IoStatus.Status,
            (uint32_t)STATUS_IO_REPARSE_DATA_INVALID);
    }
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_reparse_point_absolute_target_on_this_volume_is_an_absolute_link(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "\\??\\W:\\dir\\t", 0);
    FSP_FSCTL_TRANSACT_REQ *req = req_fsctl(handle, FSCTL_SET_REPARSE_POINT, "\\l", buf,
        (uint16_t)size);
    /* The FSD found \??\W: to be this volume: the rest is the path on it. */
    req->Req.FileSystemControl.TargetOnFileSystem = 6 * sizeof(uint16_t);
    uint64_t hint = mock_submit(m, req);
    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request r = expect_symlink(m, FUSE_ROOT_ID, tmp, "/dir/t");
    mock_reply_entry(m, r.header.unique, 6, S_LNK, 6, 60, 60);
    expect_rename(m, FUSE_ROOT_ID, tmp, "l");
    r = mock_expect_node(m, FUSE_RELEASE, 5);
    mock_reply(m, r.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void set_reparse_point_absolute_target_elsewhere_is_refused(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "\\??\\C:\\Windows", 0);
    uint64_t hint = set_reparse(m, handle, "\\l", buf, size);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_reparse_point_on_a_file_with_data_is_not_supported(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "t", SYMLINK_FLAG_RELATIVE);
    uint64_t hint = set_reparse(m, handle, "\\f", buf, size);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_SUPPORTED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void set_reparse_point_on_a_renamed_file_changes_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "t", SYMLINK_FLAG_RELATIVE);
    /* The name given is not the handle's file any more. */
    uint64_t hint = set_reparse(m, handle, "\\other", buf, size);
    reply_lookup(m, FUSE_ROOT_ID, "other", 8, S_REG);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* ---- FSCTL_DELETE_REPARSE_POINT ---------------------------------------------------------- */

static void delete_reparse_point_turns_the_link_into_an_empty_file(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_link_itself(m, "l", 5, "t");
    uint64_t hint = delete_reparse(m, handle, "\\l", IO_REPARSE_TAG_SYMLINK);
    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request req = mock_expect_node(m, FUSE_MKNOD, FUSE_ROOT_ID);
    struct fuse_mknod_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.mode, 0100666);     /* the mock engine has no umask */
    assert_string_equal((const char *)req.body + sizeof in, tmp);
    mock_reply_entry(m, req.header.unique, 7, 0100666, 0, 60, 60);
    expect_rename(m, FUSE_ROOT_ID, tmp, "l");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    FSP_FSCTL_FILE_INFO info = query_info(m, handle);
    assert_int_equal(info.FileAttributes, 0);
    assert_int_equal(info.ReparseTag, 0);
    assert_int_equal(info.IndexNumber, 7);
    mock_free(m);
}

static void delete_reparse_point_creates_the_file_when_mknod_is_not_implemented(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_link_itself(m, "l", 5, "t");
    uint64_t hint = delete_reparse(m, handle, "\\l", IO_REPARSE_TAG_SYMLINK);
    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request req = mock_expect_node(m, FUSE_MKNOD, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body + sizeof(struct fuse_create_in), tmp);
    struct {
        struct fuse_entry_out entry;
        struct fuse_open_out open;
    } out;
    memset(&out, 0, sizeof out);
    out.entry = mock_entry(7, 0100666, 0, 60, 0, 60);
    out.open.fh = 44;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    req = mock_expect_node(m, FUSE_RELEASE, 7);
    struct fuse_release_in release;
    memcpy(&release, req.body, sizeof release);
    assert_int_equal(release.fh, 44);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    expect_rename(m, FUSE_ROOT_ID, tmp, "l");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void delete_reparse_point_of_a_directory_link_leaves_an_empty_directory(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_OPEN, FILE_OPEN_REPARSE_POINT,
        FILE_WRITE_ATTRIBUTES));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    reply_readlink(m, 5, "d");
    reply_lookup(m, FUSE_ROOT_ID, "d", 6, S_DIR);
    uint64_t handle = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    hint = delete_reparse(m, handle, "\\l", IO_REPARSE_TAG_SYMLINK);
    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request req = mock_expect_node(m, FUSE_MKDIR, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body + sizeof(struct fuse_mkdir_in), tmp);
    mock_reply_entry(m, req.header.unique, 7, 040777, 0, 60, 60);
    /* A directory cannot be renamed over a link: the link goes first. */
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "l");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    expect_rename(m, FUSE_ROOT_ID, tmp, "l");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(query_info(m, handle).FileAttributes, FILE_ATTRIBUTE_DIRECTORY);
    mock_free(m);
}

static void delete_reparse_point_checks_the_tag_and_the_buffer(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", 4, 10, 1);
    uint64_t hint = delete_reparse(m, file, "\\f", IO_REPARSE_TAG_SYMLINK);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_A_REPARSE_POINT);

    uint64_t link = open_link_itself(m, "l", 5, "t");
    hint = delete_reparse(m, link, "\\l", IO_REPARSE_TAG_NFS);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_IO_REPARSE_TAG_MISMATCH);
    /* Data after the header: not a delete request. */
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "t", SYMLINK_FLAG_RELATIVE);
    hint = mock_submit(m, req_fsctl(link, FSCTL_DELETE_REPARSE_POINT, "\\l", buf,
        (uint16_t)size));
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_IO_REPARSE_DATA_INVALID);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* ---- listings ---------------------------------------------------------------------------- */

/* The FileAttributes of the record named name in buf[0..len). */
static uint32_t listed_attributes(const uint8_t *buf, uint32_t len, const char *name)
{
    uint32_t pos = 0;
    while (pos + DIR_INFO_SIZE <= len) {
        FSP_FSCTL_DIR_INFO info;
        memcpy(&info, buf + pos, sizeof info);
        if (info.Size == 0)
            break;
        uint32_t units = (info.Size - DIR_INFO_SIZE) / 2;
        bool same = units == strlen(name);
        for (uint32_t i = 0; same && i < units; i++) {
            uint16_t unit;
            memcpy(&unit, buf + pos + DIR_INFO_SIZE + 2 * i, 2);
            same = unit == (uint8_t)name[i];
        }
        if (same)
            return info.FileInfo.FileAttributes;
        pos += (info.Size + 7u) & ~7u;
    }
    fail_msg("%s not listed", name);
    return 0;
}

/* ---- a directory link's mark: its target ends in '/' ------------------------------------ */

/* mklink /D made it (or ln -s dir/): a directory link whatever its target is, here a file,
   found from the READLINK alone (no walk); rd opens it, del is refused, as on NTFS. */
static void link_whose_target_ends_in_a_slash_is_a_directory_link_whatever_its_target(
    void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_OPEN,
        FILE_OPEN_REPARSE_POINT | FILE_NON_DIRECTORY_FILE, DELETE));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    reply_readlink(m, 5, "f.txt/");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_FILE_IS_A_DIRECTORY);
    assert_true(mock_idle(m, 50));      /* no LOOKUP of f.txt */

    hint = mock_submit(m, mock_req_create("\\l", FILE_OPEN,
        FILE_OPEN_REPARSE_POINT | FILE_DIRECTORY_FILE, DELETE | FILE_READ_ATTRIBUTES));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes,
        FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Without the mark, a link to a directory is a directory link as before (where it leads). */
static void link_without_the_mark_takes_its_directory_bit_from_its_target(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l", FILE_OPEN,
        FILE_OPEN_REPARSE_POINT | FILE_NON_DIRECTORY_FILE, DELETE));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    reply_readlink(m, 5, "d");
    reply_lookup(m, FUSE_ROOT_ID, "d", 6, S_DIR);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_FILE_IS_A_DIRECTORY);
    mock_free(m);
}

/* NTFS stores mklink /D's target as given: the Windows form has no trailing separator. */
static void get_reparse_point_of_a_directory_link_shows_no_trailing_separator(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = open_link_itself(m, "l", 5, "t");
    uint64_t hint = mock_submit(m, req_fsctl(handle, FSCTL_GET_REPARSE_POINT, "\\l", NULL, 0));
    captured *c = capture_start(m);
    reply_readlink(m, 5, "../d//");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_symlink_buffer(c, c->u.rsp.Rsp.FileSystemControl.Buffer, "..\\d",
        SYMLINK_FLAG_RELATIVE);
    mock_free(m);
}

static void open_through_a_directory_link_reparses_without_the_mark(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\l\\x", FILE_OPEN, 0, FILE_GENERIC_READ));
    reply_lookup(m, FUSE_ROOT_ID, "l", 5, S_LNK);
    captured *c = capture_start(m);
    reply_readlink(m, 5, "/d/");
    capture_stop(m, c, hint);
    assert_int_equal(c->u.rsp.IoStatus.Status, STATUS_REPARSE);
    assert_symlink_buffer(c, c->u.rsp.Rsp.Create.Reparse.Buffer, "\\d\\x",
        SYMLINK_FLAG_RELATIVE);
    mock_free(m);
}

/* A file link's target keeps no trailing separator (mklink l d\ on a file): it would say
   "directory" to the next session. */
static void set_reparse_point_on_a_file_stores_no_trailing_slash(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = create_placeholder(m, "l", 5, 9, false);
    uint8_t buf[256];
    size_t size = symlink_buffer(buf, "d\\", SYMLINK_FLAG_RELATIVE);
    uint64_t hint = set_reparse(m, handle, "\\l", buf, size);
    char tmp[64];
    temp_name(tmp, 5, 0);
    expect_temp_free(m, FUSE_ROOT_ID, tmp);
    mock_request req = expect_symlink(m, FUSE_ROOT_ID, tmp, "d");
    mock_reply_entry(m, req.header.unique, 6, S_LNK, 1, 60, 60);
    expect_rename(m, FUSE_ROOT_ID, tmp, "l");
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(query_info(m, handle).FileAttributes, FILE_ATTRIBUTE_REPARSE_POINT);
    mock_free(m);
}

static void listing_probes_each_link_once_for_its_directory_bit(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .flags = FUSE_DO_READDIRPLUS };
    mock_init(m, &options);
    uint64_t dir = mock_open_dir(m, "d", 2, 3);
    uint8_t out[4096], reply[1024];

    for (int round = 0; round < 2; round++) {
        uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
        mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, 2);
        uint32_t len = 0;
        struct fuse_entry_out e = mock_entry(10, S_DIR, 0, 60, 0, 60);
        len = mock_direntplus_add(reply, len, &e, 1, "sub");
        e = mock_entry(11, S_LNK, 3, 60, 0, 60);
        len = mock_direntplus_add(reply, len, &e, 2, "dl");
        e = mock_entry(12, S_LNK, 1, 60, 0, 60);
        len = mock_direntplus_add(reply, len, &e, 3, "fl");
        e = mock_entry(13, S_LNK, 2, 60, 0, 60);
        len = mock_direntplus_add(reply, len, &e, 4, "ml");
        mock_reply(m, req.header.unique, 0, reply, len);
        if (round == 0) {
            /* Each link once: dl leads to sub (cached by the listing), fl to nothing; ml
               is marked a directory link (no walk to its missing target). */
            reply_readlink(m, 11, "sub");
            reply_readlink(m, 12, "../x");
            reply_lookup(m, FUSE_ROOT_ID, "x", 0, 0);
            reply_readlink(m, 13, "../y/");
        }
        req = mock_expect_node(m, FUSE_READDIRPLUS, 2);
        mock_reply(m, req.header.unique, 0, NULL, 0);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(listed_attributes(out, rsp.IoStatus.Information, "sub"),
            FILE_ATTRIBUTE_DIRECTORY);
        assert_int_equal(listed_attributes(out, rsp.IoStatus.Information, "dl"),
            FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY);
        assert_int_equal(listed_attributes(out, rsp.IoStatus.Information, "fl"),
            FILE_ATTRIBUTE_REPARSE_POINT);
        assert_int_equal(listed_attributes(out, rsp.IoStatus.Information, "ml"),
            FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY);
    }
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_reparse_point_of_a_link_opens_the_link_itself_without_open),
        cmocka_unit_test(link_to_a_directory_opened_itself_carries_the_directory_attribute),
        cmocka_unit_test(links_met_on_the_way_to_a_target_are_followed),
        cmocka_unit_test(dangling_link_is_not_a_directory),
        cmocka_unit_test(looping_links_are_followed_63_times_then_taken_for_no_directory),
        cmocka_unit_test(open_of_a_link_reparses_to_its_target_as_a_volume_path),
        cmocka_unit_test(link_in_the_middle_of_a_path_reparses_with_the_rest_of_it),
        cmocka_unit_test(create_over_an_existing_link_reparses_to_its_target),
        cmocka_unit_test(create_with_open_reparse_point_over_a_link_collides),
        cmocka_unit_test(overwriting_a_link_opened_itself_is_refused),
        cmocka_unit_test(link_that_no_longer_reads_is_not_resolved),
        cmocka_unit_test(fifo_opened_without_open_reparse_point_answers_its_nfs_data),
        cmocka_unit_test(readonly_attribute_on_a_link_changes_no_mode),
        cmocka_unit_test(get_reparse_point_reads_the_link_into_a_relative_symlink_buffer),
        cmocka_unit_test(get_reparse_point_of_an_absolute_link_is_volume_rooted),
        cmocka_unit_test(readlink_target_holding_a_nul_is_a_bad_reply),
        cmocka_unit_test(empty_readlink_target_is_a_bad_reply),
        cmocka_unit_test(get_reparse_point_of_a_regular_file_is_not_a_reparse_point),
        cmocka_unit_test(get_reparse_point_of_a_device_gives_nfs_data_with_its_numbers),
        cmocka_unit_test(unknown_fsctl_is_an_invalid_device_request),
        cmocka_unit_test(set_reparse_point_makes_a_symlink_in_place_of_the_empty_file),
        cmocka_unit_test(set_reparse_point_on_a_directory_makes_a_directory_link),
        cmocka_unit_test(set_reparse_point_on_a_non_empty_directory_leaves_it),
        cmocka_unit_test(set_reparse_point_tries_another_temporary_name_when_one_is_taken),
        cmocka_unit_test(set_reparse_point_makes_nothing_under_a_temporary_name_that_exists),
        cmocka_unit_test(set_reparse_point_nfs_fifo_makes_a_fifo_by_mknod),
        cmocka_unit_test(set_reparse_point_with_a_malformed_buffer_is_invalid_reparse_data),
        cmocka_unit_test(set_reparse_point_relative_link_to_a_drive_or_unc_path_is_invalid),
        cmocka_unit_test(set_reparse_point_absolute_target_on_this_volume_is_an_absolute_link),
        cmocka_unit_test(set_reparse_point_absolute_target_elsewhere_is_refused),
        cmocka_unit_test(set_reparse_point_on_a_file_with_data_is_not_supported),
        cmocka_unit_test(set_reparse_point_on_a_renamed_file_changes_nothing),
        cmocka_unit_test(delete_reparse_point_turns_the_link_into_an_empty_file),
        cmocka_unit_test(delete_reparse_point_creates_the_file_when_mknod_is_not_implemented),
        cmocka_unit_test(delete_reparse_point_of_a_directory_link_leaves_an_empty_directory),
        cmocka_unit_test(delete_reparse_point_checks_the_tag_and_the_buffer),
        cmocka_unit_test(link_whose_target_ends_in_a_slash_is_a_directory_link_whatever_its_target),
        cmocka_unit_test(link_without_the_mark_takes_its_directory_bit_from_its_target),
        cmocka_unit_test(get_reparse_point_of_a_directory_link_shows_no_trailing_separator),
        cmocka_unit_test(open_through_a_directory_link_reparses_without_the_mark),
        cmocka_unit_test(set_reparse_point_on_a_file_stores_no_trailing_slash),
        cmocka_unit_test(listing_probes_each_link_once_for_its_directory_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
