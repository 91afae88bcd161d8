/* test_engine_read.c — Read as FUSE READs, and how the engine takes replies: in any order,
   late, malformed, or carrying errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

#define FH 77
#define NODE 5

static struct fuse_read_in read_in(const mock_request *req)
{
    struct fuse_read_in in;
    assert_int_equal(req->body_size, sizeof in);
    memcpy(&in, req->body, sizeof in);
    return in;
}

/* The file's content: byte i of the file is pattern(i). */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 7 + (i >> 8));
}

static uint8_t *file_bytes(uint64_t offset, uint32_t size)
{
    uint8_t *p = malloc(size ? size : 1);
    for (uint32_t i = 0; i < size; i++)
        p[i] = pattern(offset + i);
    return p;
}

/* Answers a READ with size bytes of the file at its offset. */
static NTSTATUS reply_data(mock_fs *m, const mock_request *req, uint32_t size)
{
    struct fuse_read_in in = read_in(req);
    uint8_t *data = file_bytes(in.offset, size);
    NTSTATUS status = mock_reply(m, req->header.unique, 0, data, size);
    free(data);
    return status;
}

static void read_carries_fh_offset_size_and_open_flags(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100000, FH);
    uint8_t buf[1000];
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 4096, sizeof buf));
    mock_request req = mock_expect_node(m, FUSE_READ, NODE);
    struct fuse_read_in in = read_in(&req);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.offset, 4096);
    assert_int_equal(in.size, 1000);
    assert_int_equal(in.flags, 0 /* O_RDONLY: opened with FILE_GENERIC_READ */);
    assert_int_equal(req.header.uid, 1000);
    reply_data(m, &req, 1000);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 1000);
    uint8_t *expected = file_bytes(4096, 1000);
    assert_memory_equal(buf, expected, 1000);
    free(expected);
    mock_free(m);
}

static void read_of_a_file_opened_read_write_carries_o_rdwr(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 100, 60, 60);
    req = mock_expect_node(m, FUSE_OPEN, NODE);
    mock_reply_open(m, req.header.unique, FH, 0);
    uint64_t file = mock_response(m, hint).Rsp.Create.Opened.UserContext2;
    uint8_t buf[10];
    hint = mock_submit(m, mock_req_read(file, buf, 0, sizeof buf));
    req = mock_expect_node(m, FUSE_READ, NODE);
    assert_int_equal(read_in(&req).flags, 2 /* O_RDWR */);
    reply_data(m, &req, 10);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void read_larger_than_read_size_is_split_into_sequential_reads(void **state)
{
    (void)state;
    mock_fs *m = mock_start();     /* 32 pages: read_size 128 KiB */
    uint32_t read_size = mock_info(m).read_size;
    assert_int_equal(read_size, 128 * 1024);
    uint64_t file = mock_open_file(m, "f", NODE, 1u << 20, FH);
    uint32_t length = 2 * read_size + 1000;
    uint8_t *buf = malloc(length);
    memset(buf, 0xee, length);
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 100, length));

    uint64_t offset = 100;
    uint32_t sizes[] = { read_size, read_size, 1000 };
    for (int i = 0; i < 3; i++) {
        mock_request req = mock_expect_node(m, FUSE_READ, NODE);
        struct fuse_read_in in = read_in(&req);
        assert_int_equal(in.fh, FH);
        assert_int_equal(in.offset, offset);
        assert_int_equal(in.size, sizes[i]);
        assert_false(mock_has_response(m, hint));
        reply_data(m, &req, sizes[i]);
        offset += sizes[i];
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, length);
    uint8_t *expected = file_bytes(100, length);
    assert_memory_equal(buf, expected, length);
    free(expected);
    free(buf);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void short_read_ends_the_read_with_the_bytes_received(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint32_t read_size = mock_info(m).read_size;
    uint64_t file = mock_open_file(m, "f", NODE, 1u << 20, FH);
    uint32_t length = 3 * read_size;
    uint8_t *buf = malloc(length);
    memset(buf, 0xee, length);
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, length));
    mock_request req = mock_expect(m, FUSE_READ);
    reply_data(m, &req, read_size);
    req = mock_expect(m, FUSE_READ);
    assert_int_equal(read_in(&req).offset, read_size);
    reply_data(m, &req, 300);      /* the end of the file */
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, read_size + 300);
    uint8_t *expected = file_bytes(0, read_size + 300);
    assert_memory_equal(buf, expected, read_size + 300);
    assert_int_equal(buf[read_size + 300], 0xee);      /* nothing past what was received */
    free(expected);
    free(buf);
    assert_true(mock_idle(m, 20));      /* no READ after a short one */
    mock_free(m);
}

static void empty_first_read_is_end_of_file(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 10, FH);
    uint8_t buf[100];
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 10, sizeof buf));
    mock_request req = mock_expect(m, FUSE_READ);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, (uint32_t)STATUS_END_OF_FILE);
    assert_int_equal(rsp.IoStatus.Information, 0);
    mock_free(m);
}

static void error_after_some_data_returns_the_data(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint32_t read_size = mock_info(m).read_size;
    uint64_t file = mock_open_file(m, "f", NODE, 1u << 20, FH);
    uint32_t length = 2 * read_size;
    uint8_t *buf = malloc(length);
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, length));
    mock_request req = mock_expect(m, FUSE_READ);
    reply_data(m, &req, read_size);
    req = mock_expect(m, FUSE_READ);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, read_size);
    uint8_t *expected = file_bytes(0, read_size);
    assert_memory_equal(buf, expected, read_size);
    free(expected);
    free(buf);
    mock_free(m);
}

static void error_first_maps_the_errno(void **state)
{
    (void)state;
    static const struct { int32_t error; NTSTATUS status; } cases[] = {
        { -WF_EIO, STATUS_IO_DEVICE_ERROR },
        { -WF_EACCES, STATUS_ACCESS_DENIED },
        { -WF_EBADF, STATUS_INVALID_HANDLE },
        { -WF_EISDIR, STATUS_FILE_IS_A_DIRECTORY },
    };
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100, FH);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[100];
        uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, sizeof buf));
        mock_request req = mock_expect(m, FUSE_READ);
        assert_int_equal(mock_reply(m, req.header.unique, cases[i].error, NULL, 0),
            STATUS_SUCCESS);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, (uint32_t)cases[i].status);
        assert_int_equal(rsp.IoStatus.Information, 0);
    }
    assert_int_equal(mock_info(m).bad_replies, 0);
    mock_free(m);
}

static void reply_longer_than_asked_is_a_bad_reply(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100, FH);
    uint8_t buf[100 + 8];
    memset(buf, 0xee, sizeof buf);
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, 100));
    mock_request req = mock_expect(m, FUSE_READ);
    assert_int_equal(reply_data(m, &req, 108), STATUS_INVALID_PARAMETER);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    assert_int_equal(rsp.IoStatus.Information, 0);
    assert_int_equal(buf[100], 0xee);      /* not a byte beyond the caller's buffer */
    assert_int_equal(mock_info(m).bad_replies, 1);
    mock_free(m);
}

static void replies_out_of_order_reach_their_own_reads(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100000, FH);
    uint8_t a[500], b[700];
    uint64_t hint_a = mock_submit(m, mock_req_read(file, a, 0, sizeof a));
    uint64_t hint_b = mock_submit(m, mock_req_read(file, b, 50000, sizeof b));
    mock_request req_a = mock_expect(m, FUSE_READ);
    struct fuse_read_in in_a = read_in(&req_a);
    uint64_t unique_a = req_a.header.unique;
    mock_request req_b = mock_expect(m, FUSE_READ);
    assert_int_not_equal(req_b.header.unique, unique_a);
    assert_int_equal(read_in(&req_b).offset, 50000);
    assert_int_equal(mock_info(m).requests_in_flight, 2);

    reply_data(m, &req_b, 700);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint_b);
    assert_int_equal(rsp.IoStatus.Information, 700);
    assert_false(mock_has_response(m, hint_a));
    uint8_t *data = file_bytes(in_a.offset, 500);
    mock_reply(m, unique_a, 0, data, 500);
    free(data);
    rsp = mock_response(m, hint_a);
    assert_int_equal(rsp.IoStatus.Information, 500);

    uint8_t *expected = file_bytes(0, 500);
    assert_memory_equal(a, expected, 500);
    free(expected);
    expected = file_bytes(50000, 700);
    assert_memory_equal(b, expected, 700);
    free(expected);
    assert_int_equal(mock_info(m).requests_in_flight, 0);
    mock_free(m);
}

static void late_reply_is_not_found_and_counted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100, FH);
    uint8_t buf[10];
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, sizeof buf));
    mock_request req = mock_expect(m, FUSE_READ);
    uint64_t unique = req.header.unique;
    reply_data(m, &req, 10);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    uint64_t received = mock_info(m).replies_received;

    uint8_t data[10] = { 0 };
    assert_int_equal(mock_reply(m, unique, 0, data, sizeof data), STATUS_NOT_FOUND);
    assert_int_equal(mock_reply(m, unique + 1000, -WF_EIO, NULL, 0), STATUS_NOT_FOUND);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.unknown_replies, 2);
    assert_int_equal(info.bad_replies, 0);
    assert_int_equal(info.replies_received, received);
    assert_memory_not_equal(buf, data, sizeof data);    /* the late data went nowhere */
    mock_free(m);
}

static void malformed_headers_are_refused_and_the_read_still_completes(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100, FH);
    uint8_t buf[32];
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, sizeof buf));
    mock_request req = mock_expect(m, FUSE_READ);

    uint8_t message[sizeof(struct fuse_out_header) + 32];
    memset(message, 'd', sizeof message);
    struct fuse_out_header header = { .len = sizeof message + 1, .error = 0,
        .unique = req.header.unique };
    memcpy(message, &header, sizeof header);
    /* len larger, then smaller than the message */
    assert_int_equal(mock_reply_raw(m, message, sizeof message), STATUS_INVALID_PARAMETER);
    header.len = sizeof message - 1;
    memcpy(message, &header, sizeof header);
    assert_int_equal(mock_reply_raw(m, message, sizeof message), STATUS_INVALID_PARAMETER);
    /* shorter than a header */
    assert_int_equal(mock_reply_raw(m, message, sizeof header - 1), STATUS_INVALID_PARAMETER);
    assert_int_equal(mock_reply_raw(m, message, 1), STATUS_INVALID_PARAMETER);
    assert_false(mock_has_response(m, hint));
    assert_int_equal(mock_info(m).bad_replies, 4);

    /* The request is still out and its real reply completes it. */
    assert_int_equal(reply_data(m, &req, 32), STATUS_SUCCESS);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 32);
    uint8_t *expected = file_bytes(0, 32);
    assert_memory_equal(buf, expected, 32);
    free(expected);

    /* And the next request works. */
    hint = mock_submit(m, mock_req_read(file, buf, 0, 8));
    req = mock_expect(m, FUSE_READ);
    reply_data(m, &req, 8);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(mock_info(m).bad_replies, 4);
    mock_free(m);
}

static void error_reply_with_a_body_is_a_bad_reply(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100, FH);
    uint8_t buf[16];
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, sizeof buf));
    mock_request req = mock_expect(m, FUSE_READ);
    uint8_t body[8] = { 0 };
    assert_int_equal(mock_reply(m, req.header.unique, -WF_EIO, body, sizeof body),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    assert_int_equal(mock_info(m).bad_replies, 1);
    mock_free(m);
}

static void positive_or_huge_error_is_a_bad_reply(void **state)
{
    (void)state;
    static const int32_t errors[] = { 5, 4096 * 1000, -4096, INT32_MIN };
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100, FH);
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        uint8_t buf[16];
        uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, sizeof buf));
        mock_request req = mock_expect(m, FUSE_READ);
        assert_int_equal(mock_reply(m, req.header.unique, errors[i], NULL, 0),
            STATUS_INVALID_PARAMETER);
        assert_int_equal(mock_response(m, hint).IoStatus.Status,
            (uint32_t)STATUS_IO_DEVICE_ERROR);
    }
    assert_int_equal(mock_info(m).bad_replies, 4);
    mock_free(m);
}

static void read_of_zero_bytes_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", NODE, 100, FH);
    uint8_t buf[1];
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, 0));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 0);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void read_of_a_foreign_handle_is_invalid_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t not_ours[4] = { 0 };
    uint8_t buf[8];
    uint64_t hint = mock_submit(m, mock_req_read((uint64_t)(uintptr_t)not_ours, buf, 0, 8));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_HANDLE);
    hint = mock_submit(m, mock_req_read(0, buf, 0, 8));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_HANDLE);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_carries_fh_offset_size_and_open_flags),
        cmocka_unit_test(read_of_a_file_opened_read_write_carries_o_rdwr),
        cmocka_unit_test(read_larger_than_read_size_is_split_into_sequential_reads),
        cmocka_unit_test(short_read_ends_the_read_with_the_bytes_received),
        cmocka_unit_test(empty_first_read_is_end_of_file),
        cmocka_unit_test(error_after_some_data_returns_the_data),
        cmocka_unit_test(error_first_maps_the_errno),
        cmocka_unit_test(reply_longer_than_asked_is_a_bad_reply),
        cmocka_unit_test(replies_out_of_order_reach_their_own_reads),
        cmocka_unit_test(late_reply_is_not_found_and_counted),
        cmocka_unit_test(malformed_headers_are_refused_and_the_read_still_completes),
        cmocka_unit_test(error_reply_with_a_body_is_a_bad_reply),
        cmocka_unit_test(positive_or_huge_error_is_a_bad_reply),
        cmocka_unit_test(read_of_zero_bytes_sends_nothing),
        cmocka_unit_test(read_of_a_foreign_handle_is_invalid_handle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
