/* test_engine_notify.c — notifications from the file system: INVAL_ENTRY, INVAL_INODE and DELETE
   invalidate the entry cache; malformed ones are refused and counted; the others are dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

/* Sends a notification: code in the error field, unique 0. */
static NTSTATUS notify(mock_fs *m, int32_t code, const void *body, uint32_t size)
{
    return mock_reply(m, 0, code, body, size);
}

/* fixed, then name, then a NUL, into buf; returns the length. */
static uint32_t with_name(uint8_t *buf, const void *fixed, uint32_t fixed_size, const char *name)
{
    uint32_t n = (uint32_t)strlen(name);
    memcpy(buf, fixed, fixed_size);
    memcpy(buf + fixed_size, name, n + 1);
    return fixed_size + n + 1;
}

static NTSTATUS inval_entry(mock_fs *m, uint64_t parent, const char *name)
{
    struct fuse_notify_inval_entry_out out = { .parent = parent, .namelen = (uint32_t)strlen(name) };
    uint8_t buf[512];
    return notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, with_name(buf, &out, sizeof out, name));
}

static NTSTATUS delete_entry(mock_fs *m, uint64_t parent, uint64_t child, const char *name)
{
    struct fuse_notify_delete_out out = {
        .parent = parent, .child = child, .namelen = (uint32_t)strlen(name),
    };
    uint8_t buf[512];
    return notify(m, FUSE_NOTIFY_DELETE, buf, with_name(buf, &out, sizeof out, name));
}

static NTSTATUS inval_inode(mock_fs *m, uint64_t ino)
{
    struct fuse_notify_inval_inode_out out = { .ino = ino, .off = 0, .len = 0 };
    return notify(m, FUSE_NOTIFY_INVAL_INODE, &out, sizeof out);
}

/* A metadata-only open of \name: returns whether it sent a LOOKUP (answered with nodeid). */
static bool open_looks_up(mock_fs *m, const char *path, uint64_t parent, uint64_t nodeid)
{
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    bool looked_up = !mock_idle(m, 50);
    if (looked_up) {
        mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
        mock_reply_entry(m, req.header.unique, nodeid, 0100644, 7, 60, 60);
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, nodeid);
    return looked_up;
}

/* QueryInformation on handle: returns whether it sent GETATTR. */
static bool query_gets_attributes(mock_fs *m, uint64_t handle, uint64_t nodeid)
{
    uint64_t hint = mock_submit(m, mock_req_query_info(handle));
    bool sent = !mock_idle(m, 50);
    if (sent) {
        mock_request req = mock_expect_node(m, FUSE_GETATTR, nodeid);
        struct fuse_attr attr = mock_attr(nodeid, 0100644, 99);
        mock_reply_attr(m, req.header.unique, &attr, 60);
    }
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    return sent;
}

static void inval_entry_makes_the_next_open_look_up_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    assert_true(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    assert_false(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));     /* cached */
    assert_int_equal(inval_entry(m, FUSE_ROOT_ID, "f"), STATUS_SUCCESS);
    assert_true(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    assert_int_equal(mock_info(m).notifications, 1);
    assert_int_equal(mock_info(m).bad_replies, 0);
    mock_free(m);
}

static void inval_entry_in_a_subdirectory_drops_only_that_name(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 2, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    mock_reply_entry(m, req.header.unique, 5, 0100644, 7, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(open_looks_up(m, "\\d\\g", 2, 6));

    /* FUSE_EXPIRE_ONLY: for the next open, the same as dropping. */
    struct fuse_notify_inval_entry_out out = { .parent = 2, .namelen = 1,
        .flags = FUSE_EXPIRE_ONLY };
    uint8_t buf[64];
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, with_name(buf, &out, sizeof out, "f")),
        STATUS_SUCCESS);
    assert_true(open_looks_up(m, "\\d\\f", 2, 5));     /* d still cached, f looked up */
    assert_false(open_looks_up(m, "\\d\\g", 2, 6));    /* g untouched */
    mock_free(m);
}

static void inval_entry_of_an_unknown_parent_changes_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    assert_true(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    assert_int_equal(inval_entry(m, 77, "f"), STATUS_SUCCESS);
    assert_false(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void inval_inode_makes_query_information_send_getattr(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    assert_false(query_gets_attributes(m, handle, 5));     /* within the attribute TTL */
    assert_int_equal(inval_inode(m, 5), STATUS_SUCCESS);
    assert_true(query_gets_attributes(m, handle, 5));
    assert_false(query_gets_attributes(m, handle, 5));     /* fresh again from the reply */
    mock_free(m);
}

static void inval_inode_of_an_unknown_node_is_accepted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    assert_int_equal(inval_inode(m, 6), STATUS_SUCCESS);
    assert_false(query_gets_attributes(m, handle, 5));
    mock_free(m);
}

static void delete_drops_the_entry_and_expires_the_child(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    assert_int_equal(delete_entry(m, FUSE_ROOT_ID, 5, "f"), STATUS_SUCCESS);
    assert_true(query_gets_attributes(m, handle, 5));      /* its link count changed */
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void delete_of_a_child_the_name_no_longer_names_keeps_the_entry(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    assert_true(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    /* Node 4 was deleted under "f" before "f" came to name node 5. */
    assert_int_equal(delete_entry(m, FUSE_ROOT_ID, 4, "f"), STATUS_SUCCESS);
    assert_false(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    mock_free(m);
}

static void delete_without_a_child_drops_the_entry(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    assert_true(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    assert_int_equal(delete_entry(m, FUSE_ROOT_ID, 0, "f"), STATUS_SUCCESS);
    assert_true(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    mock_free(m);
}

static void malformed_notifications_are_refused_counted_and_change_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    uint8_t buf[128];
    uint32_t len;
    uint64_t bad = 0;

    struct fuse_notify_inval_entry_out entry = { .parent = FUSE_ROOT_ID, .namelen = 1 };
    /* shorter than its fixed part */
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, &entry, sizeof entry - 1),
        STATUS_INVALID_PARAMETER);
    bad++;
    /* namelen longer than the name sent */
    entry.namelen = 2;
    len = with_name(buf, &entry, sizeof entry, "f");
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, len), STATUS_INVALID_PARAMETER);
    bad++;
    /* namelen shorter than the name sent (bytes after the NUL) */
    entry.namelen = 1;
    len = with_name(buf, &entry, sizeof entry, "fg");
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, len), STATUS_INVALID_PARAMETER);
    bad++;
    /* no NUL after the name */
    len = with_name(buf, &entry, sizeof entry, "f");
    buf[len - 1] = 'x';
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, len), STATUS_INVALID_PARAMETER);
    bad++;
    /* an empty name, a name with a NUL inside, a name with a slash */
    entry.namelen = 0;
    len = with_name(buf, &entry, sizeof entry, "");
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, len), STATUS_INVALID_PARAMETER);
    bad++;
    entry.namelen = 3;
    len = with_name(buf, &entry, sizeof entry, "fxf");
    buf[sizeof entry + 1] = 0;
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, len), STATUS_INVALID_PARAMETER);
    bad++;
    len = with_name(buf, &entry, sizeof entry, "f/f");
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, len), STATUS_INVALID_PARAMETER);
    bad++;
    /* a namelen that would wrap a 32-bit size check */
    entry.namelen = UINT32_MAX;
    len = with_name(buf, &entry, sizeof entry, "f");
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_ENTRY, buf, len), STATUS_INVALID_PARAMETER);
    bad++;

    struct fuse_notify_delete_out del = { .parent = FUSE_ROOT_ID, .child = 5, .namelen = 2 };
    len = with_name(buf, &del, sizeof del, "f");
    assert_int_equal(notify(m, FUSE_NOTIFY_DELETE, buf, len), STATUS_INVALID_PARAMETER);
    bad++;
    assert_int_equal(notify(m, FUSE_NOTIFY_DELETE, &del, sizeof del - 8), STATUS_INVALID_PARAMETER);
    bad++;

    struct fuse_notify_inval_inode_out inode = { .ino = 5 };
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_INODE, &inode, sizeof inode - 1),
        STATUS_INVALID_PARAMETER);
    bad++;
    memcpy(buf, &inode, sizeof inode);
    assert_int_equal(notify(m, FUSE_NOTIFY_INVAL_INODE, buf, sizeof inode + 1),
        STATUS_INVALID_PARAMETER);
    bad++;

    /* not a notification code */
    assert_int_equal(notify(m, 0, NULL, 0), STATUS_INVALID_PARAMETER);
    bad++;
    assert_int_equal(notify(m, -5, NULL, 0), STATUS_INVALID_PARAMETER);
    bad++;
    assert_int_equal(notify(m, 99, NULL, 0), STATUS_INVALID_PARAMETER);
    bad++;

    wf_engine_info info = mock_info(m);
    assert_int_equal(info.bad_replies, bad);
    assert_int_equal(info.notifications, bad);
    /* Nothing was invalidated: the entry and the attributes are still cached. */
    assert_false(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    assert_false(query_gets_attributes(m, handle, 5));
    mock_free(m);
}

static void other_notifications_are_counted_and_dropped(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    struct fuse_notify_poll_wakeup_out poll = { .kh = 1 };
    assert_int_equal(notify(m, FUSE_NOTIFY_POLL, &poll, sizeof poll), STATUS_SUCCESS);
    uint8_t store[sizeof(struct fuse_notify_store_out) + 4];
    struct fuse_notify_store_out store_out = { .nodeid = 5, .offset = 0, .size = 4 };
    memcpy(store, &store_out, sizeof store_out);
    memcpy(store + sizeof store_out, "data", 4);
    assert_int_equal(notify(m, FUSE_NOTIFY_STORE, store, sizeof store), STATUS_SUCCESS);
    struct fuse_notify_retrieve_out retrieve = { .notify_unique = 3, .nodeid = 5, .size = 4 };
    assert_int_equal(notify(m, FUSE_NOTIFY_RETRIEVE, &retrieve, sizeof retrieve), STATUS_SUCCESS);
    assert_int_equal(notify(m, FUSE_NOTIFY_RESEND, NULL, 0), STATUS_SUCCESS);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.notifications, 4);
    assert_int_equal(info.bad_replies, 0);
    assert_int_equal(info.unknown_replies, 0);
    /* No NOTIFY_REPLY goes out (there is no data to send back), and the cache stands. */
    assert_true(mock_idle(m, 50));
    assert_false(open_looks_up(m, "\\f", FUSE_ROOT_ID, 5));
    assert_false(query_gets_attributes(m, handle, 5));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inval_entry_makes_the_next_open_look_up_again),
        cmocka_unit_test(inval_entry_in_a_subdirectory_drops_only_that_name),
        cmocka_unit_test(inval_entry_of_an_unknown_parent_changes_nothing),
        cmocka_unit_test(inval_inode_makes_query_information_send_getattr),
        cmocka_unit_test(inval_inode_of_an_unknown_node_is_accepted),
        cmocka_unit_test(delete_drops_the_entry_and_expires_the_child),
        cmocka_unit_test(delete_of_a_child_the_name_no_longer_names_keeps_the_entry),
        cmocka_unit_test(delete_without_a_child_drops_the_entry),
        cmocka_unit_test(malformed_notifications_are_refused_counted_and_change_nothing),
        cmocka_unit_test(other_notifications_are_counted_and_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
