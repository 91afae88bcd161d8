/* test_engine_intake.c — the one entry intake (entry.c) at every site that takes a file
   system's entry or attributes: nodeid 0, the root as a child, invalid types, a directory
   its own child, a nodeid cached with another type; bad replies counted, lookups given
   back, the root's attributes kept, nodes the file system contradicts made bad. */
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

#define S_REG 0100644u
#define S_DIR 040755u
#define S_LNK 0120777u
#define DIR_INFO_SIZE 104u

/* NTSTATUS compared as the 32-bit value WinFsp carries. */
#define assert_status(a, b) assert_int_equal((uint32_t)(a), (uint32_t)(b))

static NTSTATUS status_of(mock_fs *m, uint64_t hint)
{
    return (NTSTATUS)mock_response(m, hint).IoStatus.Status;
}

/* Forgets wait this long for company: long enough that none comes between the requests
   a test expects, so each test takes them where it checks the balance. */
static void slow_forgets(wf_engine_params *params)
{
    params->forget_delay_ms = 300;
}

/* An engine after INIT, with READDIRPLUS accepted or not. */
static mock_fs *start(bool plus)
{
    mock_fs *m = mock_new_params(0, slow_forgets);
    mock_init_options options = { .flags = plus ? FUSE_DO_READDIRPLUS : 0 };
    mock_init(m, &options);
    return m;
}

/* Takes FORGET / BATCH_FORGET requests until n lookups of nodeid have been given back;
   anything else, a forget of another node, or more than n fails the test. */
static void given_back(mock_fs *m, uint64_t nodeid, uint64_t n)
{
    uint64_t total = 0;
    while (total < n) {
        mock_request req;
        assert_true(mock_take(m, &req, 2000));
        if (req.header.opcode == FUSE_FORGET) {
            struct fuse_forget_in in;
            memcpy(&in, req.body, sizeof in);
            assert_int_equal(req.header.nodeid, nodeid);
            total += in.nlookup;
        } else if (req.header.opcode == FUSE_BATCH_FORGET) {
            struct fuse_batch_forget_in batch;
            memcpy(&batch, req.body, sizeof batch);
            for (uint32_t i = 0; i < batch.count; i++) {
                struct fuse_forget_one one;
                memcpy(&one, req.body + sizeof batch + i * sizeof one, sizeof one);
                assert_int_equal(one.nodeid, nodeid);
                total += one.nlookup;
            }
        } else {
            fail_msg("unexpected opcode %u", req.header.opcode);
        }
    }
    assert_int_equal(total, n);
}

/* Nothing at all is forgotten (the root's lookups are never given back). */
static void nothing_given_back(mock_fs *m)
{
    assert_true(mock_idle(m, 450));
    assert_int_equal(mock_info(m).forgets_sent, 0);
}

/* "dir \" from the cache: the root opened as a directory for its attributes only, with no
   request (its attributes are cached for 60 s). */
static void root_is_still_a_directory(mock_fs *m)
{
    uint64_t hint = mock_submit(m, mock_req_create("\\", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_READ_ATTRIBUTES));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY,
        FILE_ATTRIBUTE_DIRECTORY);
    uint64_t close = mock_submit(m, mock_req_close(rsp.Rsp.Create.Opened.UserContext2));
    assert_status(status_of(m, close), STATUS_SUCCESS);
}

/* The root's attributes cached (GETATTR, TTL 60 s), through a metadata-only open. */
static void cache_root(mock_fs *m)
{
    uint64_t hint = mock_submit(m, mock_req_create("\\", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, FUSE_ROOT_ID);
    struct fuse_attr attr = mock_attr(FUSE_ROOT_ID, S_DIR, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t close = mock_submit(m, mock_req_close(rsp.Rsp.Create.Opened.UserContext2));
    assert_status(status_of(m, close), STATUS_SUCCESS);
}

/* A metadata-only open of path (no OPEN); its LOOKUPs answered from entries[], one per
   component (parents from the root on). Returns the response. */
static FSP_FSCTL_TRANSACT_RSP stat_open(mock_fs *m, const char *path, uint32_t options,
    const struct fuse_entry_out *entries, int lookups)
{
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, options,
        FILE_READ_ATTRIBUTES));
    for (int i = 0; i < lookups; i++) {
        mock_request req = mock_expect(m, FUSE_LOOKUP);
        mock_reply(m, req.header.unique, 0, &entries[i], sizeof entries[i]);
    }
    return mock_response(m, hint);
}

/* A handle on \name (a metadata-only open, entry and attributes cached 60 s). */
static uint64_t open_cached(mock_fs *m, const char *name, uint64_t nodeid, uint32_t mode)
{
    char path[64] = "\\";
    strcat(path, name);
    struct fuse_entry_out e = mock_entry(nodeid, mode, 3, 60, 0, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = stat_open(m, path, 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static void close_quietly(mock_fs *m, uint64_t handle)
{
    assert_int_equal(status_of(m, mock_submit(m, mock_req_close(handle))), STATUS_SUCCESS);
}

static NTSTATUS query_info(mock_fs *m, uint64_t handle)
{
    return status_of(m, mock_submit(m, mock_req_query_info(handle)));
}

/* ---- walks --------------------------------------------------------------------------- */

/* LOOKUP(1, "x") answered with the root's nodeid, for a component on the way (the walk)
   or for the last one (Create's leaf). */
static void check_lookup_naming_the_root(const char *path)
{
    mock_fs *m = start(true);
    cache_root(m);
    struct fuse_entry_out e = mock_entry(FUSE_ROOT_ID, S_REG, 13, 60, 0, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = stat_open(m, path, 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    root_is_still_a_directory(m);
    /* The root's lookups are never given back. */
    nothing_given_back(m);
    mock_free(m);
}

static void walk_lookup_naming_the_root_is_a_bad_reply_and_the_root_keeps_its_attributes(
    void **state)
{
    (void)state;
    check_lookup_naming_the_root("\\x\\y");
}

static void leaf_lookup_naming_the_root_is_a_bad_reply_and_the_root_keeps_its_attributes(
    void **state)
{
    (void)state;
    check_lookup_naming_the_root("\\x");
}

static void check_lookup_with_bad_mode(uint32_t mode)
{
    mock_fs *m = start(true);
    struct fuse_entry_out e = mock_entry(5, mode, 3, 60, 0, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = stat_open(m, "\\f", 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    /* Not cached: the next open asks again, and a sane answer works. */
    e = mock_entry(5, S_REG, 3, 60, 0, 60);
    rsp = stat_open(m, "\\f", 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    close_quietly(m, rsp.Rsp.Create.Opened.UserContext2);
    mock_free(m);
}

static void lookup_with_type_bits_0_is_a_bad_reply_and_given_back(void **state)
{
    (void)state;
    check_lookup_with_bad_mode(0644);
}

static void lookup_with_type_bits_0170000_is_a_bad_reply_and_given_back(void **state)
{
    (void)state;
    check_lookup_with_bad_mode(0170644);
}

static void lookup_naming_its_own_directory_is_a_bad_reply_and_given_back(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t d = open_cached(m, "d", 5, S_DIR);
    struct fuse_entry_out e = mock_entry(5, S_DIR, 0, 60, 0, 60);
    /* \d from the cache, then LOOKUP(5, "d") answered with 5 itself. */
    FSP_FSCTL_TRANSACT_RSP rsp = stat_open(m, "\\d\\d", 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);
    /* \d itself is as it was. */
    assert_status(query_info(m, d), STATUS_SUCCESS);
    close_quietly(m, d);
    mock_free(m);
}

static void lookup_of_a_cached_node_as_another_type_makes_it_bad(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t f = open_cached(m, "f", 5, S_REG);
    /* The same nodeid under another name, now a directory. */
    struct fuse_entry_out e = mock_entry(5, S_DIR, 0, 60, 0, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = stat_open(m, "\\g", 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);      /* this reply's lookup */
    /* The node the file system contradicted is bad: its handle fails, nothing sent. */
    assert_status(query_info(m, f), STATUS_IO_DEVICE_ERROR);
    assert_true(mock_idle(m, 20));
    /* Its name is out of the cache: \f is looked up again, and a consistent answer makes
       a fresh node. */
    e = mock_entry(5, S_REG, 3, 60, 0, 60);
    rsp = stat_open(m, "\\f", 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_status(query_info(m, rsp.Rsp.Create.Opened.UserContext2), STATUS_SUCCESS);
    close_quietly(m, rsp.Rsp.Create.Opened.UserContext2);
    /* The bad node's own lookup goes back when its last handle closes. */
    close_quietly(m, f);
    given_back(m, 5, 1);
    mock_free(m);
}

/* ---- listings -------------------------------------------------------------------------- */

typedef struct listed {
    int count;
    char names[16][32];
} listed;

static listed parse(const uint8_t *buf, uint32_t len)
{
    listed l;
    memset(&l, 0, sizeof l);
    uint32_t pos = 0;
    while (pos + 2 <= len) {
        uint16_t size;
        memcpy(&size, buf + pos, sizeof size);
        if (size == 0)
            break;
        assert_true(l.count < 16);
        uint32_t units = (size - DIR_INFO_SIZE) / 2;
        for (uint32_t i = 0; i < units && i < 31; i++) {
            uint16_t unit;
            memcpy(&unit, buf + pos + DIR_INFO_SIZE + 2 * i, sizeof unit);
            l.names[l.count][i] = (char)unit;
        }
        l.count++;
        pos += (size + 7u) & ~7u;
    }
    return l;
}

/* Lists the directory handle: one READDIRPLUS answered with body, then the end. */
static listed list_plus(mock_fs *m, uint64_t handle, uint64_t nodeid, const uint8_t *body,
    uint32_t len)
{
    static uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(handle, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, nodeid);
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_READDIRPLUS, nodeid);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    return parse(out, (uint32_t)rsp.IoStatus.Information);
}

static void readdirplus_entry_naming_the_root_is_skipped_and_the_root_keeps_its_attributes(
    void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t root = mock_open_root(m, 9);
    uint8_t body[1024];
    struct fuse_entry_out a = mock_entry(5, S_REG, 3, 60, 0, 60);
    struct fuse_entry_out x = mock_entry(FUSE_ROOT_ID, S_REG, 13, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &a, 1, "a");
    len = mock_direntplus_add(body, len, &x, 2, "x");
    listed l = list_plus(m, root, FUSE_ROOT_ID, body, len);
    /* "dir \" still works: the root's cached attributes are a directory's (the defect:
       STATUS_NOT_A_DIRECTORY for the entry's TTL). */
    root_is_still_a_directory(m);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "a");
    assert_int_equal(mock_info(m).bad_replies, 1);
    nothing_given_back(m);
    mock_free(m);
}

static void readdirplus_entry_with_an_invalid_type_is_skipped_and_given_back(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t root = mock_open_root(m, 9);
    uint8_t body[1024];
    struct fuse_entry_out a = mock_entry(5, S_REG, 3, 60, 0, 60);
    struct fuse_entry_out b = mock_entry(6, 0170644, 3, 60, 0, 60);
    struct fuse_entry_out c = mock_entry(7, 0644, 3, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &a, 1, "a");
    len = mock_direntplus_add(body, len, &b, 2, "b");
    len = mock_direntplus_add(body, len, &c, 3, "c");
    listed l = list_plus(m, root, FUSE_ROOT_ID, body, len);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "a");
    assert_int_equal(mock_info(m).bad_replies, 2);
    assert_int_equal(mock_info(m).nodes_cached, 1);
    /* Both lookups given back, in one BATCH_FORGET. */
    mock_request req = mock_expect_wait(m, FUSE_BATCH_FORGET, 2000);
    struct fuse_batch_forget_in batch;
    memcpy(&batch, req.body, sizeof batch);
    assert_int_equal(batch.count, 2);
    for (uint32_t i = 0; i < 2; i++) {
        struct fuse_forget_one one;
        memcpy(&one, req.body + sizeof batch + i * sizeof one, sizeof one);
        assert_true(one.nodeid == 6 || one.nodeid == 7);
        assert_int_equal(one.nlookup, 1);
    }
    assert_true(mock_idle(m, 450));
    mock_free(m);
}

static void readdirplus_entry_naming_its_own_directory_is_skipped_and_given_back(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t d = mock_open_dir(m, "d", 5, 8);
    uint8_t body[1024];
    struct fuse_entry_out self = mock_entry(5, S_DIR, 0, 60, 0, 60);
    struct fuse_entry_out a = mock_entry(6, S_REG, 3, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &self, 1, "self");
    len = mock_direntplus_add(body, len, &a, 2, "a");
    listed l = list_plus(m, d, 5, body, len);
    assert_int_equal(l.count, 3);       /* ".", "..", the engine's own, and "a" */
    assert_string_equal(l.names[0], ".");
    assert_string_equal(l.names[1], "..");
    assert_string_equal(l.names[2], "a");
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);
    /* \d is as it was. */
    assert_status(query_info(m, d), STATUS_SUCCESS);
    mock_free(m);
}

static void readdirplus_entry_of_a_cached_node_as_another_type_makes_it_bad(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t f = open_cached(m, "f", 5, S_REG);
    uint64_t root = mock_open_root(m, 9);
    uint8_t body[1024];
    struct fuse_entry_out g = mock_entry(5, S_DIR, 0, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &g, 1, "g");
    listed l = list_plus(m, root, FUSE_ROOT_ID, body, len);
    assert_int_equal(l.count, 0);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);
    assert_status(query_info(m, f), STATUS_IO_DEVICE_ERROR);
    close_quietly(m, f);
    given_back(m, 5, 1);
    mock_free(m);
}

static void link_probe_lookup_naming_the_root_is_a_bad_reply(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t root = mock_open_root(m, 9);
    static uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    uint8_t body[1024];
    struct fuse_entry_out l = mock_entry(5, S_LNK, 1, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &l, 1, "l");
    mock_reply(m, req.header.unique, 0, body, len);
    /* Whether the link leads to a directory: READLINK, then its target looked up. */
    req = mock_expect_node(m, FUSE_READLINK, 5);
    mock_reply(m, req.header.unique, 0, "t", 1);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "t");
    struct fuse_entry_out t = mock_entry(FUSE_ROOT_ID, S_REG, 13, 60, 0, 60);
    mock_reply(m, req.header.unique, 0, &t, sizeof t);
    req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    /* The link is listed (as a link to no directory); its target's reply was refused. */
    listed names = parse(out, (uint32_t)rsp.IoStatus.Information);
    assert_int_equal(names.count, 1);
    assert_string_equal(names.names[0], "l");
    assert_int_equal(mock_info(m).bad_replies, 1);
    root_is_still_a_directory(m);
    nothing_given_back(m);
    mock_free(m);
}

/* Lists the root with READDIR: one reply of names, a LOOKUP for each answered with
   entries[], then the end. */
static listed list_plain(mock_fs *m, uint64_t handle, const char *const *names,
    const struct fuse_entry_out *entries, int n)
{
    static uint8_t out[4096];
    uint8_t body[1024];
    uint32_t len = 0;
    for (int i = 0; i < n; i++)
        len = mock_dirent_add(body, len, 10 + (uint64_t)i, 1 + (uint64_t)i, names[i]);
    uint64_t hint = mock_submit(m, mock_req_query_dir(handle, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIR, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, body, len);
    for (int i = 0; i < n; i++) {
        req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
        assert_string_equal((const char *)req.body, names[i]);
        mock_reply(m, req.header.unique, 0, &entries[i], sizeof entries[i]);
    }
    req = mock_expect_node(m, FUSE_READDIR, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    return parse(out, (uint32_t)rsp.IoStatus.Information);
}

static void readdir_lookup_naming_the_root_is_skipped_and_the_root_keeps_its_attributes(
    void **state)
{
    (void)state;
    mock_fs *m = start(false);
    uint64_t root = mock_open_root(m, 9);
    const char *const names[2] = { "x", "a" };
    struct fuse_entry_out entries[2] = {
        mock_entry(FUSE_ROOT_ID, S_REG, 13, 60, 0, 60), mock_entry(5, S_REG, 3, 60, 0, 60) };
    listed l = list_plain(m, root, names, entries, 2);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "a");
    assert_int_equal(mock_info(m).bad_replies, 1);
    root_is_still_a_directory(m);
    nothing_given_back(m);
    mock_free(m);
}

static void readdir_lookup_with_an_invalid_type_is_skipped_and_given_back(void **state)
{
    (void)state;
    mock_fs *m = start(false);
    uint64_t root = mock_open_root(m, 9);
    const char *const names[2] = { "b", "a" };
    struct fuse_entry_out entries[2] = {
        mock_entry(6, 0644, 3, 60, 0, 60), mock_entry(5, S_REG, 3, 60, 0, 60) };
    listed l = list_plain(m, root, names, entries, 2);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "a");
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 6, 1);
    mock_free(m);
}

/* ---- creates, links, symbolic links ------------------------------------------------------ */

/* Creates path (its parent cached) as a directory or a file, expecting the reply e to be
   refused: LOOKUP answered absent, then MKDIR or CREATE answered with e (then CREATE's
   handle given back). */
static NTSTATUS create_in(mock_fs *m, const char *path, bool directory,
    const struct fuse_entry_out *e, uint64_t parent)
{
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_CREATE,
        directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE,
        FILE_READ_ATTRIBUTES | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    if (directory) {
        req = mock_expect_node(m, FUSE_MKDIR, parent);
        mock_reply(m, req.header.unique, 0, e, sizeof *e);
    } else {
        req = mock_expect_node(m, FUSE_CREATE, parent);
        struct {
            struct fuse_entry_out entry;
            struct fuse_open_out open;
        } out;
        memset(&out, 0, sizeof out);
        out.entry = *e;
        out.open.fh = 77;
        mock_reply(m, req.header.unique, 0, &out, sizeof out);
        if (e->nodeid) {
            /* A refused CREATE still gives back the handle the file system opened. */
            req = mock_expect_node(m, FUSE_RELEASE, e->nodeid);
            struct fuse_release_in in;
            memcpy(&in, req.body, sizeof in);
            assert_int_equal(in.fh, 77);
            mock_reply(m, req.header.unique, 0, NULL, 0);
        }
    }
    return status_of(m, hint);
}

static void create_reply_naming_its_parent_is_a_bad_reply_and_given_back(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t d = open_cached(m, "d", 5, S_DIR);
    struct fuse_entry_out e = mock_entry(5, S_REG, 0, 60, 0, 60);
    assert_status(create_in(m, "\\d\\f", false, &e, 5), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    /* The lookup given back; \d is not made bad (its type is not contradicted): its
       attributes, expired by the CREATE, are asked for again. */
    given_back(m, 5, 1);
    uint64_t hint = mock_submit(m, mock_req_query_info(d));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, 5);
    struct fuse_attr attr = mock_attr(5, S_DIR, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_status(status_of(m, hint), STATUS_SUCCESS);
    close_quietly(m, d);
    mock_free(m);
}

static void create_reply_naming_a_cached_directory_is_a_bad_reply_and_makes_it_bad(
    void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t d = open_cached(m, "d", 5, S_DIR);
    struct fuse_entry_out e = mock_entry(5, S_REG, 0, 60, 0, 60);
    assert_status(create_in(m, "\\f", false, &e, FUSE_ROOT_ID), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);
    assert_status(query_info(m, d), STATUS_IO_DEVICE_ERROR);
    close_quietly(m, d);
    given_back(m, 5, 1);
    mock_free(m);
}

static void mkdir_reply_naming_a_cached_file_is_a_bad_reply_and_makes_it_bad(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t f = open_cached(m, "f", 5, S_REG);
    struct fuse_entry_out e = mock_entry(5, S_DIR, 0, 60, 0, 60);
    assert_status(create_in(m, "\\d", true, &e, FUSE_ROOT_ID), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);
    assert_status(query_info(m, f), STATUS_IO_DEVICE_ERROR);
    close_quietly(m, f);
    given_back(m, 5, 1);
    /* The volume goes on: \f is looked up afresh. */
    uint64_t again = open_cached(m, "f", 5, S_REG);
    assert_status(query_info(m, again), STATUS_SUCCESS);
    mock_free(m);
}

static void mkdir_reply_with_a_size_beyond_int64_is_a_bad_reply_and_given_back(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    struct fuse_entry_out e = mock_entry(6, S_DIR, 0, 60, 0, 60);
    e.attr.size = UINT64_MAX;
    assert_status(create_in(m, "\\d", true, &e, FUSE_ROOT_ID), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 6, 1);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    mock_free(m);
}

static void link_reply_naming_the_target_directory_is_a_bad_reply_and_given_back(
    void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t d = open_cached(m, "d", 5, S_DIR);
    uint64_t f = open_cached(m, "f", 6, S_REG);
    uint64_t hint = mock_submit(m, mock_req_rename(f, FileLinkInformation, NULL, "\\d\\g", 0,
        0));
    mock_request req;
    assert_true(mock_take(m, &req, 1000));
    if (req.header.opcode == FUSE_LOOKUP) {
        /* The target looked for first, if the engine does: absent. */
        mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
        assert_true(mock_take(m, &req, 1000));
    }
    assert_int_equal(req.header.opcode, FUSE_LINK);
    assert_int_equal(req.header.nodeid, 5);
    /* The directory itself, with the source's type. */
    struct fuse_entry_out e = mock_entry(5, S_REG, 3, 60, 0, 60);
    mock_reply(m, req.header.unique, 0, &e, sizeof e);
    assert_status(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    given_back(m, 5, 1);
    /* \d kept its attributes: still a directory. */
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, mock_submit(m, mock_req_query_info(d)));
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileAttributes &
        FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_DIRECTORY);
    close_quietly(m, d);
    close_quietly(m, f);
    mock_free(m);
}

static void rename_target_lookup_naming_the_root_is_a_bad_reply(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    cache_root(m);
    uint64_t f = open_cached(m, "f", 5, S_REG);
    /* ReplaceIfExists: the target is looked up before RENAME. */
    uint64_t hint = mock_submit(m, mock_req_rename(f, FileRenameInformation, "\\f", "\\g",
        0x1234, 0));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "g");
    struct fuse_entry_out e = mock_entry(FUSE_ROOT_ID, S_REG, 13, 60, 0, 60);
    mock_reply(m, req.header.unique, 0, &e, sizeof e);
    assert_status(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    root_is_still_a_directory(m);
    assert_status(query_info(m, f), STATUS_SUCCESS);
    close_quietly(m, f);
    nothing_given_back(m);
    mock_free(m);
}

/* The temporary name a reparse point change uses (op_reparse.c). */
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

static void symlink_reply_naming_the_root_is_a_bad_reply_and_the_link_is_removed(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    cache_root(m);
    /* The empty placeholder mklink made. */
    struct fuse_entry_out placeholder = mock_entry(5, S_REG, 0, 60, 0, 60);
    FSP_FSCTL_TRANSACT_RSP opened = stat_open(m, "\\l", 0, &placeholder, 1);
    assert_status(opened.IoStatus.Status, STATUS_SUCCESS);
    uint64_t f = opened.Rsp.Create.Opened.UserContext2;
    uint16_t target[1] = { 't' };
    uint8_t buf[256];
    size_t size;
    assert_status(wf_reparse_build_symlink(target, 1, SYMLINK_FLAG_RELATIVE, buf,
        sizeof buf, &size), STATUS_SUCCESS);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactFileSystemControlKind);
    req->Req.FileSystemControl.UserContext2 = f;
    req->Req.FileSystemControl.FsControlCode = FSCTL_SET_REPARSE_POINT;
    mock_req_set_name(req, "\\l");
    uint16_t offset = (uint16_t)(req->Size - sizeof *req);
    memcpy(req->Buffer + offset, buf, size);
    req->Req.FileSystemControl.Buffer.Offset = offset;
    req->Req.FileSystemControl.Buffer.Size = (uint16_t)size;
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP(size));
    uint64_t hint = mock_submit(m, req);

    char tmp[64];
    temp_name(tmp, 5, 0);
    /* The temporary name is looked up first: it is free. */
    mock_request r = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)r.body, tmp);
    mock_reply(m, r.header.unique, -WF_ENOENT, NULL, 0);
    r = mock_expect_node(m, FUSE_SYMLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)r.body, tmp);
    struct fuse_entry_out e = mock_entry(FUSE_ROOT_ID, S_LNK, 1, 60, 0, 60);
    mock_reply(m, r.header.unique, 0, &e, sizeof e);
    /* What was made under the temporary name goes again. */
    r = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)r.body, tmp);
    mock_reply(m, r.header.unique, 0, NULL, 0);
    assert_status(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    root_is_still_a_directory(m);
    /* The placeholder is untouched. */
    assert_status(query_info(m, f), STATUS_SUCCESS);
    close_quietly(m, f);
    mock_free(m);
}

/* ---- attributes ------------------------------------------------------------------------ */

static void getattr_of_another_type_than_looked_up_is_a_bad_reply_and_makes_the_node_bad(
    void **state)
{
    (void)state;
    mock_fs *m = start(true);
    /* LOOKUP says file, its attributes valid for no time. */
    struct fuse_entry_out e = mock_entry(5, S_REG, 3, 60, 0, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = stat_open(m, "\\f", 0, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t f = rsp.Rsp.Create.Opened.UserContext2;
    /* GETATTR says directory. */
    uint64_t hint = mock_submit(m, mock_req_query_info(f));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, 5);
    struct fuse_attr attr = mock_attr(5, S_DIR, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_status(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    /* Bad from now on: the handle fails without asking. */
    assert_status(query_info(m, f), STATUS_IO_DEVICE_ERROR);
    assert_true(mock_idle(m, 20));
    /* The name was dropped: the next open looks it up, and a file system that now answers
       consistently gets a fresh node. */
    e = mock_entry(5, S_DIR, 0, 60, 0, 60);
    rsp = stat_open(m, "\\f", FILE_DIRECTORY_FILE, &e, 1);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_status(query_info(m, rsp.Rsp.Create.Opened.UserContext2), STATUS_SUCCESS);
    close_quietly(m, rsp.Rsp.Create.Opened.UserContext2);
    /* The bad node's lookup is given back with its last handle; the fresh one's stays with
       its cached entry. */
    close_quietly(m, f);
    given_back(m, 5, 1);
    assert_int_equal(mock_info(m).nodes_cached, 1);
    mock_free(m);
}

static void getattr_with_type_bits_0170000_is_a_bad_reply_and_makes_the_node_bad(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    struct fuse_entry_out e = mock_entry(5, S_REG, 3, 60, 0, 0);
    uint64_t f = stat_open(m, "\\f", 0, &e, 1).Rsp.Create.Opened.UserContext2;
    uint64_t hint = mock_submit(m, mock_req_query_info(f));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, 5);
    struct fuse_attr attr = mock_attr(5, 0170644, 3);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_status(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    assert_status(query_info(m, f), STATUS_IO_DEVICE_ERROR);
    close_quietly(m, f);
    given_back(m, 5, 1);
    mock_free(m);
}

static void setattr_reply_of_another_type_is_a_bad_reply_and_makes_the_node_bad(void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t f = mock_open_file(m, "f", 5, 10, 42);
    FSP_FSCTL_TRANSACT_REQ *r = mock_req_new(FspFsctlTransactSetInformationKind);
    r->Req.SetInformation.UserContext2 = f;
    r->Req.SetInformation.FileInformationClass = FileEndOfFileInformation;
    r->Req.SetInformation.Info.EndOfFile.FileSize = 4;
    uint64_t hint = mock_submit(m, r);
    mock_request req = mock_expect_node(m, FUSE_SETATTR, 5);
    struct fuse_attr_out out;
    memset(&out, 0, sizeof out);
    out.attr = mock_attr(5, S_DIR, 4);
    out.attr_valid = 60;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    assert_status(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    /* Every request on the handle fails now, nothing sent: information, data, links. */
    assert_status(query_info(m, f), STATUS_IO_DEVICE_ERROR);
    char data[16];
    assert_status(status_of(m, mock_submit(m, mock_req_read(f, data, 0, sizeof data))),
        STATUS_IO_DEVICE_ERROR);
    assert_status(status_of(m, mock_submit(m, mock_req_rename(f, FileLinkInformation, NULL,
        "\\g", 0, 0))), STATUS_IO_DEVICE_ERROR);
    assert_status(status_of(m, mock_submit(m, mock_req_rename(f, FileRenameInformation, "\\f",
        "\\g", 0, 0))), STATUS_IO_DEVICE_ERROR);
    assert_true(mock_idle(m, 20));
    /* Close still gives the FUSE handle back, then the node's lookup. */
    hint = mock_submit(m, mock_req_close(f));
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_status(status_of(m, hint), STATUS_SUCCESS);
    given_back(m, 5, 1);
    mock_free(m);
}

static void getattr_of_the_root_saying_file_is_a_bad_reply_and_the_root_stays_usable(
    void **state)
{
    (void)state;
    mock_fs *m = start(true);
    uint64_t hint = mock_submit(m, mock_req_create("\\", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, FUSE_ROOT_ID);
    struct fuse_attr attr = mock_attr(FUSE_ROOT_ID, S_REG, 13);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_status(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    /* The root is never made bad (nothing could look it up again): it asks again. */
    cache_root(m);
    root_is_still_a_directory(m);
    nothing_given_back(m);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walk_lookup_naming_the_root_is_a_bad_reply_and_the_root_keeps_its_attributes),
        cmocka_unit_test(leaf_lookup_naming_the_root_is_a_bad_reply_and_the_root_keeps_its_attributes),
        cmocka_unit_test(lookup_with_type_bits_0_is_a_bad_reply_and_given_back),
        cmocka_unit_test(lookup_with_type_bits_0170000_is_a_bad_reply_and_given_back),
        cmocka_unit_test(lookup_naming_its_own_directory_is_a_bad_reply_and_given_back),
        cmocka_unit_test(lookup_of_a_cached_node_as_another_type_makes_it_bad),
        cmocka_unit_test(readdirplus_entry_naming_the_root_is_skipped_and_the_root_keeps_its_attributes),
        cmocka_unit_test(readdirplus_entry_with_an_invalid_type_is_skipped_and_given_back),
        cmocka_unit_test(readdirplus_entry_naming_its_own_directory_is_skipped_and_given_back),
        cmocka_unit_test(readdirplus_entry_of_a_cached_node_as_another_type_makes_it_bad),
        cmocka_unit_test(link_probe_lookup_naming_the_root_is_a_bad_reply),
        cmocka_unit_test(readdir_lookup_naming_the_root_is_skipped_and_the_root_keeps_its_attributes),
        cmocka_unit_test(readdir_lookup_with_an_invalid_type_is_skipped_and_given_back),
        cmocka_unit_test(create_reply_naming_its_parent_is_a_bad_reply_and_given_back),
        cmocka_unit_test(create_reply_naming_a_cached_directory_is_a_bad_reply_and_makes_it_bad),
        cmocka_unit_test(mkdir_reply_naming_a_cached_file_is_a_bad_reply_and_makes_it_bad),
        cmocka_unit_test(mkdir_reply_with_a_size_beyond_int64_is_a_bad_reply_and_given_back),
        cmocka_unit_test(link_reply_naming_the_target_directory_is_a_bad_reply_and_given_back),
        cmocka_unit_test(rename_target_lookup_naming_the_root_is_a_bad_reply),
        cmocka_unit_test(symlink_reply_naming_the_root_is_a_bad_reply_and_the_link_is_removed),
        cmocka_unit_test(getattr_of_another_type_than_looked_up_is_a_bad_reply_and_makes_the_node_bad),
        cmocka_unit_test(getattr_with_type_bits_0170000_is_a_bad_reply_and_makes_the_node_bad),
        cmocka_unit_test(setattr_reply_of_another_type_is_a_bad_reply_and_makes_the_node_bad),
        cmocka_unit_test(getattr_of_the_root_saying_file_is_a_bad_reply_and_the_root_stays_usable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
