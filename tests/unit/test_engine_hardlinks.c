/* test_engine_hardlinks.c — hard links in file information: HardLinks is the link count
   the file system reports, after LINK too, as FUSE request sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

#define NODE 5u

static FSP_FSCTL_TRANSACT_REQ *req_link(uint64_t handle, const char *new_path)
{
    return mock_req_rename(handle, FileLinkInformation, NULL, new_path, 0, 0);
}

static void reply_attr_with_links(mock_fs *m, uint64_t unique, uint32_t nlink)
{
    struct fuse_attr attr = mock_attr(NODE, 0100644, 3);
    attr.nlink = nlink;
    mock_reply_attr(m, unique, &attr, 60);
}

static void link_count_is_hard_links_in_file_information(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    struct fuse_entry_out entry = mock_entry(NODE, 0100644, 3, 60, 0, 60);
    entry.attr.nlink = 3;
    mock_reply(m, req.header.unique, 0, &entry, sizeof entry);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.HardLinks, 3);
    mock_free(m);
}

static void link_reports_the_new_count_and_the_source_sees_it(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 3, 60, 60);
    uint64_t h = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    /* Before: one link, from the cache. */
    hint = mock_submit(m, mock_req_query_info(h));
    assert_int_equal(mock_response(m, hint).Rsp.QueryInformation.FileInfo.HardLinks, 1);

    hint = mock_submit(m, req_link(h, "\\g"));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);     /* the new name is free */
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    struct fuse_entry_out entry = mock_entry(NODE, 0100644, 3, 60, 0, 60);
    entry.attr.nlink = 2;
    mock_reply(m, req.header.unique, 0, &entry, sizeof entry);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.HardLinks, 2);

    /* The LINK reply's attributes are the node's now: the source handle sees the count
       without a round trip. */
    hint = mock_submit(m, mock_req_query_info(h));
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.HardLinks, 2);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* A file system without LINK (fuse-zip) lacks an optional feature, as FAT does: Windows
   gets STATUS_INVALID_DEVICE_REQUEST, not a write-protected medium (the volume takes
   other writes). */
static void link_answered_enosys_is_an_invalid_device_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 3, 60, 60);
    uint64_t h = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    hint = mock_submit(m, req_link(h, "\\g"));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_INVALID_DEVICE_REQUEST);

    /* Known to have no LINK, a replacing link onto an existing name unlinks nothing (the
       name would be lost for a link that cannot be made): only the target's LOOKUP. */
    hint = mock_submit(m, mock_req_rename(h, FileLinkInformation, NULL, "\\e", 1, 0));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 9, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_INVALID_DEVICE_REQUEST);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_answered_with_another_nodeid_makes_the_source_ask_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 3, 60, 60);
    uint64_t h = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    /* A path-based file system numbers the new name as another node. */
    hint = mock_submit(m, req_link(h, "\\g"));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);     /* the new name is free */
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    struct fuse_entry_out entry = mock_entry(NODE + 1, 0100644, 3, 60, 0, 60);
    entry.attr.nlink = 2;
    mock_reply(m, req.header.unique, 0, &entry, sizeof entry);
    assert_int_equal(mock_response(m, hint).Rsp.SetInformation.FileInfo.HardLinks, 2);

    /* The source's link count changed: its information is fetched again. */
    hint = mock_submit(m, mock_req_query_info(h));
    req = mock_expect_node(m, FUSE_GETATTR, NODE);
    reply_attr_with_links(m, req.header.unique, 2);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.HardLinks, 2);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(link_count_is_hard_links_in_file_information),
        cmocka_unit_test(link_reports_the_new_count_and_the_source_sees_it),
        cmocka_unit_test(link_answered_with_another_nodeid_makes_the_source_ask_again),
        cmocka_unit_test(link_answered_enosys_is_an_invalid_device_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
