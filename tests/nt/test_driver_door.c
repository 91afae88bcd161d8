/* test_driver_door.c — winfuse-x64.sys end to end under Wine: WinFsp requests in through the stand-in, FUSE requests out through FUSE_FSCTL_TRANSACT, every response and request checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "door.h"
#include "mock_fs.h"
#include "standin_ioctl.h"
#include "winfuse/linux_errno.h"

#define HELLO "Hello, world\n"
#define DRIVER_MESSAGE (128u * 1024u + 4096u)   /* the smallest output buffer it takes */

/* NTSTATUS is a signed LONG on Windows; the engine's constants are unsigned. */
#define assert_status(a, b) assert_int_equal((uint32_t)(a), (uint32_t)(b))

/* Every response the driver sent matched a request in flight, and none is left over. */
static void free_checked(mock_fs *m)
{
    door_stats stats = door_get_stats(mock_engine(m));
    assert_int_equal(stats.orphans, 0);
    mock_free(m);
}

static FSP_FSCTL_TRANSACT_RSP query_volume(mock_fs *m)
{
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    mock_request req = mock_expect_node(m, FUSE_STATFS, FUSE_ROOT_ID);
    struct fuse_statfs_out out;
    memset(&out, 0, sizeof out);
    out.st.blocks = 1000;
    out.st.bfree = 300;
    out.st.bavail = 250;
    out.st.bsize = 4096;
    out.st.frsize = 4096;
    out.st.namelen = 255;
    assert_status(mock_reply(m, req.header.unique, 0, &out, sizeof out), STATUS_SUCCESS);
    return mock_response(m, hint);
}

static void device_init_keeps_the_creators_parameters_and_bounds_each_pull(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    FSP_FSCTL_VOLUME_PARAMS params;
    wf_engine_get_volume_params(mock_engine(m), &params);
    assert_int_equal(params.VolumeSerialNumber, 0x57465553);    /* the creator's, kept */
    assert_int_equal(params.TransactTimeout, 1000);
    assert_int_equal(params.CaseSensitiveSearch, 1);            /* FUSE names are exact */
    assert_int_equal(params.CasePreservedNames, 1);
    assert_int_equal(params.UnicodeOnDisk, 1);
    mock_init(m, NULL);
    free_checked(m);
}

static void init_goes_out_first_and_statfs_answers_the_volume_query(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request init = mock_expect(m, FUSE_INIT);
    struct fuse_init_in in;
    assert_true(init.body_size >= sizeof in);
    memcpy(&in, init.body, sizeof in);
    assert_int_equal(in.major, 7);
    assert_true(in.minor >= 31);
    /* The driver's own limit: 128 KiB of readahead. */
    assert_int_equal(in.max_readahead, 128 * 1024);
    struct fuse_init_out out;
    memset(&out, 0, sizeof out);
    out.major = 7;
    out.minor = 31;
    out.max_write = 128 * 1024;
    out.max_readahead = 128 * 1024;
    out.max_pages = 32;
    out.time_gran = 1;
    assert_status(mock_reply(m, init.header.unique, 0, &out, sizeof out), STATUS_SUCCESS);

    FSP_FSCTL_TRANSACT_RSP rsp = query_volume(m);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryVolumeInformation.VolumeInfo.TotalSize, 1000 * 4096);
    assert_int_equal(rsp.Rsp.QueryVolumeInformation.VolumeInfo.FreeSize, 250 * 4096);
    free_checked(m);
}

/* Open, Read into the caller's buffer, QueryInformation from the cache, Cleanup, Close. */
static void a_file_is_opened_read_queried_and_closed(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "hello.txt", 2, strlen(HELLO), 7);

    char buf[64];
    memset(buf, 0xAA, sizeof buf);
    uint64_t hint = mock_submit(m, mock_req_read(handle, buf, 0, sizeof buf));
    mock_request req = mock_expect_node(m, FUSE_READ, 2);
    struct fuse_read_in read_in;
    memcpy(&read_in, req.body, sizeof read_in);
    assert_int_equal(read_in.fh, 7);
    assert_int_equal(read_in.offset, 0);
    assert_int_equal(read_in.size, sizeof buf);
    assert_status(mock_reply(m, req.header.unique, 0, HELLO, strlen(HELLO)), STATUS_SUCCESS);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, strlen(HELLO));
    assert_memory_equal(buf, HELLO, strlen(HELLO));
    assert_int_equal((uint8_t)buf[strlen(HELLO)], 0xAA);       /* nothing past the data */

    hint = mock_submit(m, mock_req_query_info(handle));
    rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileSize, strlen(HELLO));
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.IndexNumber, 2);
    assert_true(mock_idle(m, 0));                               /* answered from the cache */

    hint = mock_submit(m, mock_req_cleanup(handle));
    req = mock_expect_node(m, FUSE_FLUSH, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = mock_submit(m, mock_req_close(handle));
    req = mock_expect_node(m, FUSE_RELEASE, 2);
    struct fuse_release_in release;
    memcpy(&release, req.body, sizeof release);
    assert_int_equal(release.fh, 7);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    free_checked(m);
}

static FSP_FSCTL_TRANSACT_REQ *write_request(uint64_t handle, const void *data, uint32_t len)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactWriteKind);
    req->Req.Write.UserContext2 = handle;
    req->Req.Write.Address = (uint64_t)(uintptr_t)data;
    req->Req.Write.Offset = 0;
    req->Req.Write.Length = len;
    return req;
}

/* FILE_CREATE of an absent name, Write from the caller's buffer, then the root's listing
   carries both names through the caller's Address. */
static void a_file_is_created_written_and_listed(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init(m, &(mock_init_options){ .flags = FUSE_DO_READDIRPLUS });
    uint64_t hint = mock_submit(m, mock_req_create("\\new.txt", FILE_CREATE,
        FILE_NON_DIRECTORY_FILE, FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "new.txt");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    struct fuse_create_in create_in;
    memcpy(&create_in, req.body, sizeof create_in);
    assert_string_equal((const char *)req.body + sizeof create_in, "new.txt");
    assert_int_equal(create_in.umask, 022);                     /* the driver's mask */
    struct {
        struct fuse_entry_out entry;
        struct fuse_open_out open;
    } created;
    memset(&created, 0, sizeof created);
    created.entry = mock_entry(3, 0100644, 0, 60, 0, 60);
    created.open.fh = 9;
    assert_status(mock_reply(m, req.header.unique, 0, &created, sizeof created),
        STATUS_SUCCESS);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    static const char data[] = "fresh";
    hint = mock_submit(m, write_request(handle, data, 5));
    req = mock_expect_node(m, FUSE_WRITE, 3);
    struct fuse_write_in write_in;
    memcpy(&write_in, req.body, sizeof write_in);
    assert_int_equal(write_in.fh, 9);
    assert_int_equal(write_in.size, 5);
    assert_memory_equal(req.body + sizeof write_in, data, 5);   /* copied from the caller */
    struct fuse_write_out written = { .size = 5 };
    mock_reply(m, req.header.unique, 0, &written, sizeof written);
    rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 5);
    assert_int_equal(rsp.Rsp.Write.FileInfo.FileSize, 5);

    uint64_t root = mock_open_root(m, 4);
    uint8_t listing[4096];
    hint = mock_submit(m, mock_req_query_dir(root, listing, sizeof listing, NULL));
    req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    uint8_t records[1024];
    uint32_t len = 0;
    struct fuse_entry_out dot = mock_entry(0, 040755, 0, 0, 0, 0);
    struct fuse_entry_out hello = mock_entry(2, 0100644, strlen(HELLO), 60, 0, 60);
    struct fuse_entry_out fresh = mock_entry(3, 0100644, 5, 60, 0, 60);
    len = mock_direntplus_add(records, len, &dot, 1, ".");
    len = mock_direntplus_add(records, len, &dot, 2, "..");
    len = mock_direntplus_add(records, len, &hello, 3, "hello.txt");
    len = mock_direntplus_add(records, len, &fresh, 4, "new.txt");
    mock_reply(m, req.header.unique, 0, records, len);
    req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);               /* the end of the listing */
    rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);

    /* The records came back through the stand-in's Address buffer into ours (the root has
       no "." and "..", as on NTFS). */
    const char *want[] = { "hello.txt", "new.txt" };
    const uint64_t sizes[] = { strlen(HELLO), 5 };
    uint32_t at = 0, seen = 0;
    while (at + sizeof(FSP_FSCTL_DIR_INFO) <= rsp.IoStatus.Information && seen < 2) {
        FSP_FSCTL_DIR_INFO info;
        memcpy(&info, listing + at, sizeof info);
        if (!info.Size)
            break;
        uint32_t chars = (info.Size - (uint32_t)sizeof info) / 2;
        assert_int_equal(chars, strlen(want[seen]));
        for (uint32_t i = 0; i < chars; i++) {
            uint16_t c;
            memcpy(&c, listing + at + sizeof info + 2 * i, 2);
            assert_int_equal(c, (uint8_t)want[seen][i]);
        }
        assert_int_equal(info.FileInfo.FileSize, sizes[seen]);
        seen++;
        at += (uint32_t)FSP_FSCTL_DEFAULT_ALIGN_UP(info.Size);
    }
    assert_int_equal(seen, 2);
    free_checked(m);
}

static FSP_FSCTL_TRANSACT_REQ *disposition_request(uint64_t handle, bool delete)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = handle;
    req->Req.SetInformation.FileInformationClass = 13;     /* FileDispositionInformation */
    req->Req.SetInformation.Info.Disposition.Delete = delete;
    return req;
}

/* SetInformation renames an open file, then deletes it: the disposition (the rename made
   the attributes stale: GETATTR), then Cleanup with Delete set releases the handle and sends
   UNLINK by the name the Cleanup carries, the new one. */
static void a_file_is_renamed_then_deleted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\old.txt", FILE_OPEN,
        FILE_NON_DIRECTORY_FILE, FILE_GENERIC_READ | DELETE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 5, 0100644, 3, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, 5);
    mock_reply_open(m, req.header.unique, 11, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    hint = mock_submit(m, mock_req_rename(handle, 10, "\\old.txt", "\\renamed.txt", 0, 0));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "renamed.txt");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_RENAME2, FUSE_ROOT_ID);
    struct fuse_rename2_in rename_in;
    memcpy(&rename_in, req.body, sizeof rename_in);
    assert_int_equal(rename_in.newdir, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body + sizeof rename_in, "old.txt");
    assert_string_equal((const char *)req.body + sizeof rename_in + sizeof "old.txt",
        "renamed.txt");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = mock_submit(m, disposition_request(handle, true));
    req = mock_expect_node(m, FUSE_GETATTR, 5);
    struct fuse_attr attr = mock_attr(5, 0100644, 3);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* RELEASE before UNLINK, so that a libfuse 2 file system (hard_remove off) does not
       hide a file still open; Close then has nothing to send. */
    FSP_FSCTL_TRANSACT_REQ *cleanup = mock_req_cleanup(handle);
    mock_req_set_name(cleanup, "\\renamed.txt");
    cleanup->Req.Cleanup.Delete = 1;
    hint = mock_submit(m, cleanup);
    req = mock_expect_node(m, FUSE_FLUSH, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    struct fuse_release_in release;
    memcpy(&release, req.body, sizeof release);
    assert_int_equal(release.fh, 11);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "renamed.txt");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = mock_submit(m, mock_req_close(handle));
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 0));
    free_checked(m);
}

/* A reply shorter than its header, or one whose length field lies, is refused with
   STATUS_INVALID_PARAMETER, and the volume goes on: the next request is served. */
static void a_malformed_reply_is_refused_and_the_volume_goes_on(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    wf_engine *e = mock_engine(m);
    uint8_t out[8];
    size_t n = 0;
    assert_status(door_transact(e, "abc", 3, NULL, 0, &n), STATUS_INVALID_PARAMETER);
    struct fuse_out_header lying = { .len = 4096, .error = 0, .unique = 2 };
    assert_status(door_transact(e, &lying, sizeof lying, NULL, 0, &n),
        STATUS_INVALID_PARAMETER);
    struct fuse_out_header stranger = { .len = sizeof stranger, .error = 0, .unique = 999998 };
    assert_status(door_transact(e, &stranger, sizeof stranger, NULL, 0, &n), STATUS_NOT_FOUND);
    (void)out;
    FSP_FSCTL_TRANSACT_RSP rsp = query_volume(m);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    free_checked(m);
}

/* An output buffer under the driver's message size is refused before the reply is taken:
   the same reply with a large enough buffer then finishes the request. */
static void a_too_small_buffer_loses_neither_the_reply_nor_the_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    wf_engine *e = mock_engine(m);
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    mock_request req = mock_expect_node(m, FUSE_STATFS, FUSE_ROOT_ID);
    struct {
        struct fuse_out_header header;
        struct fuse_statfs_out statfs;
    } reply;
    memset(&reply, 0, sizeof reply);
    reply.header.len = sizeof reply;
    reply.header.unique = req.header.unique;
    reply.statfs.st.blocks = 10;
    reply.statfs.st.frsize = 4096;
    uint8_t *small = malloc(DRIVER_MESSAGE - 1);
    size_t n = 0;
    assert_status(door_transact(e, &reply, sizeof reply, small, DRIVER_MESSAGE - 1, &n),
        STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 0);
    assert_false(mock_has_response(m, hint));
    uint8_t *enough = malloc(DRIVER_MESSAGE);
    assert_status(door_transact(e, &reply, sizeof reply, enough, DRIVER_MESSAGE, &n),
        STATUS_SUCCESS);
    assert_int_equal(n, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_status(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryVolumeInformation.VolumeInfo.TotalSize, 10 * 4096);
    free(small);
    free(enough);
    free_checked(m);
}

/* A second file object on the volume (WinFsp never makes one; a handle from another
   process would be one) gets STATUS_INVALID_DEVICE_REQUEST, and the owner is unaffected. */
static void a_transact_from_another_file_object_is_refused(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    wf_engine *e = mock_engine(m);
    HANDLE stranger = door_open_standin();
    assert_non_null(stranger);
    uint64_t id = door_volume_id(e);
    assert_status(door_ioctl(stranger, STANDIN_IOCTL_ATTACH_VOLUME, &id, sizeof id, NULL, 0,
        NULL), STATUS_SUCCESS);
    uint8_t *buf = malloc(DRIVER_MESSAGE);
    size_t n = 0;
    assert_status(door_ioctl(stranger, WF_FUSE_FSCTL_TRANSACT, NULL, 0, buf, DRIVER_MESSAGE,
        &n), STATUS_INVALID_DEVICE_REQUEST);
    CloseHandle(stranger);
    free(buf);
    assert_status(query_volume(m).IoStatus.Status, STATUS_SUCCESS);
    free_checked(m);
}

/* A file system that refuses INIT ends the connection: later transacts say so, and a
   WinFsp request gets STATUS_CONNECTION_DISCONNECTED instead of waiting for ever. */
static void after_a_refused_init_transacts_and_requests_are_disconnected(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request init = mock_expect(m, FUSE_INIT);
    mock_reply(m, init.header.unique, -WF_EPROTO, NULL, 0);
    uint8_t *buf = malloc(DRIVER_MESSAGE);
    size_t n = 0;
    assert_status(door_transact(mock_engine(m), NULL, 0, buf, DRIVER_MESSAGE, &n),
        STATUS_CONNECTION_DISCONNECTED);
    free(buf);
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_CONNECTION_DISCONNECTED);
    free_checked(m);
}

/* WinFsp passes the caller's token as a handle opened in the pulling process, closed by
   WinFsp when the request ends. The driver references it as a UserMode token handle before
   trusting it; Wine 8's ObReferenceObjectByHandle cannot reference token objects, so here the
   reference fails and the Create must be refused without a word to the file system (on
   Windows the same path maps the token's SIDs to uid/gid: docs/windows.md). */
static void a_create_whose_token_cannot_be_referenced_is_access_denied(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    FSP_FSCTL_TRANSACT_REQ *create = mock_req_create("\\mine", FILE_OPEN, 0, FILE_READ_ATTRIBUTES);
    create->Req.Create.AccessToken = (uint64_t)4321 << 32 | 1;  /* the stand-in opens the handle */
    uint64_t hint = mock_submit(m, create);
    assert_status(mock_response(m, hint).IoStatus.Status, STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 0));
    assert_int_equal(door_get_stats(mock_engine(m)).tokens_closed, 1);
    free_checked(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(device_init_keeps_the_creators_parameters_and_bounds_each_pull),
        cmocka_unit_test(init_goes_out_first_and_statfs_answers_the_volume_query),
        cmocka_unit_test(a_file_is_opened_read_queried_and_closed),
        cmocka_unit_test(a_file_is_created_written_and_listed),
        cmocka_unit_test(a_file_is_renamed_then_deleted),
        cmocka_unit_test(a_malformed_reply_is_refused_and_the_volume_goes_on),
        cmocka_unit_test(a_too_small_buffer_loses_neither_the_reply_nor_the_request),
        cmocka_unit_test(a_transact_from_another_file_object_is_refused),
        cmocka_unit_test(after_a_refused_init_transacts_and_requests_are_disconnected),
        cmocka_unit_test(a_create_whose_token_cannot_be_referenced_is_access_denied),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
