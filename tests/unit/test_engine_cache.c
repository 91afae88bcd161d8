/* test_engine_cache.c — nlookup accounting: which nodes are forgotten, when, with what
   count, and in which message (FORGET or BATCH_FORGET). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

static mock_fs *start_minor(uint32_t minor)
{
    mock_fs *m = mock_new(0);
    mock_init_options options = { .minor = minor, .flags = FUSE_DO_READDIRPLUS };
    mock_init(m, &options);
    return m;
}

/* A metadata-only open of \name (no OPEN): LOOKUP answered with entry e. Returns the
   handle. */
static uint64_t stat_open(mock_fs *m, const char *name, const struct fuse_entry_out *e)
{
    char path[64];
    path[0] = '\\';
    strcpy(path + 1, name);
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, name);
    mock_reply(m, req.header.unique, 0, e, sizeof *e);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

/* Close of a handle that has no FUSE handle: nothing goes out. */
static void close_quietly(mock_fs *m, uint64_t handle)
{
    uint64_t hint = mock_submit(m, mock_req_close(handle));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
}

static void expect_forget(mock_fs *m, uint64_t nodeid, uint64_t nlookup)
{
    mock_request req = mock_expect_node(m, FUSE_FORGET, nodeid);
    assert_int_equal(req.body_size, sizeof(struct fuse_forget_in));
    struct fuse_forget_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.nlookup, nlookup);
}

static void ttl_0_entry_is_not_kept_and_its_node_is_forgotten_after_the_operation(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 0, 0, 0);
    mock_reply(m, req.header.unique, 0, &e, sizeof e);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_NOT_A_DIRECTORY);
    expect_forget(m, 5, 1);
    assert_true(mock_idle(m, 20));
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.nodes_cached, 0);
    assert_int_equal(info.forgets_sent, 1);
    assert_int_equal(info.sent_by_opcode[FUSE_FORGET], 1);
    mock_free(m);
}

static void ttl_0_node_of_an_open_handle_is_forgotten_at_its_close(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 0, 0, 0);
    uint64_t handle = stat_open(m, "f", &e);
    assert_true(mock_idle(m, 20));
    assert_int_equal(mock_info(m).nodes_cached, 1);
    close_quietly(m, handle);
    expect_forget(m, 5, 1);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    mock_free(m);
}

static void two_lookups_of_a_name_are_forgotten_together_with_nlookup_2(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 0, 0, 0);
    uint64_t first = stat_open(m, "f", &e);
    uint64_t second = stat_open(m, "f", &e);       /* not cached: LOOKUP again */
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_LOOKUP], 2);
    assert_int_equal(mock_info(m).nodes_cached, 1);
    close_quietly(m, first);
    assert_true(mock_idle(m, 20));      /* the second handle still uses the node */
    close_quietly(m, second);
    expect_forget(m, 5, 2);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void several_pending_forgets_go_in_one_batch_forget(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    const char *names[] = { "a", "b", "c" };
    uint64_t handles[3];
    for (int i = 0; i < 3; i++) {
        struct fuse_entry_out e = mock_entry(10 + i, 0100644, 1, 0, 0, 0);
        handles[i] = stat_open(m, names[i], &e);
    }
    for (int i = 0; i < 3; i++)
        close_quietly(m, handles[i]);
    mock_request req = mock_expect(m, FUSE_BATCH_FORGET);
    assert_int_equal(req.header.nodeid, 0);
    struct fuse_batch_forget_in batch;
    memcpy(&batch, req.body, sizeof batch);
    assert_int_equal(batch.count, 3);
    assert_int_equal(req.body_size, sizeof batch + 3 * sizeof(struct fuse_forget_one));
    bool seen[3] = { false, false, false };
    for (int i = 0; i < 3; i++) {
        struct fuse_forget_one one;
        memcpy(&one, req.body + sizeof batch + i * sizeof one, sizeof one);
        assert_in_range(one.nodeid, 10, 12);
        assert_false(seen[one.nodeid - 10]);
        seen[one.nodeid - 10] = true;
        assert_int_equal(one.nlookup, 1);
    }
    assert_true(mock_idle(m, 20));
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.forgets_sent, 3);
    assert_int_equal(info.sent_by_opcode[FUSE_BATCH_FORGET], 1);
    assert_int_equal(info.sent_by_opcode[FUSE_FORGET], 0);
    mock_free(m);
}

static void long_forget_delay(wf_engine_params *params)
{
    params->forget_delay_ms = 60000;
}

static void forgets_wait_for_company_while_other_requests_go_out(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, long_forget_delay);
    mock_init_options options = { .minor = 31 };
    mock_init(m, &options);
    /* Each open releases its node as it ends; the next LOOKUP still goes out first. */
    for (int i = 0; i < 3; i++) {
        char name[2] = { (char)('a' + i), 0 };
        struct fuse_entry_out e = mock_entry(10 + i, 0100644, 1, 0, 0, 0);
        close_quietly(m, stat_open(m, name, &e));
    }
    assert_true(mock_idle(m, 50));     /* three pending, fewer than a batch: they wait */
    assert_int_equal(mock_info(m).forgets_sent, 0);
    /* Shutting down sends what waits, in one message, before DESTROY. */
    wf_engine_shutdown(mock_engine(m));
    mock_request req = mock_expect(m, FUSE_BATCH_FORGET);
    struct fuse_batch_forget_in batch;
    memcpy(&batch, req.body, sizeof batch);
    assert_int_equal(batch.count, 3);
    mock_expect(m, FUSE_DESTROY);
    mock_free(m);
}

static void long_forget_delay_no_destroy(wf_engine_params *params)
{
    params->forget_delay_ms = 60000;
    params->no_destroy = true;
}

static void shutdown_without_destroy_still_sends_the_forgets_that_wait(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, long_forget_delay_no_destroy);
    mock_init_options options = { .minor = 31 };
    mock_init(m, &options);
    for (int i = 0; i < 3; i++) {
        char name[2] = { (char)('a' + i), 0 };
        struct fuse_entry_out e = mock_entry(10 + i, 0100644, 1, 0, 0, 0);
        close_quietly(m, stat_open(m, name, &e));
    }
    assert_true(mock_idle(m, 50));
    /* The channel's end tells the file system it is over; the FORGETs must precede it. */
    wf_engine_shutdown(mock_engine(m));
    mock_request req = mock_expect(m, FUSE_BATCH_FORGET);
    struct fuse_batch_forget_in batch;
    memcpy(&batch, req.body, sizeof batch);
    assert_int_equal(batch.count, 3);
    assert_true(mock_idle(m, 50));
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.forgets_sent, 3);
    assert_int_equal(info.sent_by_opcode[FUSE_DESTROY], 0);
    assert_false(info.connected);
    mock_free(m);
}

static void before_minor_16_each_node_gets_its_own_forget(void **state)
{
    (void)state;
    mock_fs *m = start_minor(15);
    const char *names[] = { "a", "b", "c" };
    uint64_t handles[3];
    for (int i = 0; i < 3; i++) {
        struct fuse_entry_out e = mock_entry(10 + i, 0100644, 1, 0, 0, 0);
        handles[i] = stat_open(m, names[i], &e);
    }
    for (int i = 0; i < 3; i++)
        close_quietly(m, handles[i]);
    bool seen[3] = { false, false, false };
    for (int i = 0; i < 3; i++) {
        mock_request req = mock_expect(m, FUSE_FORGET);
        assert_in_range(req.header.nodeid, 10, 12);
        assert_false(seen[req.header.nodeid - 10]);
        seen[req.header.nodeid - 10] = true;
        struct fuse_forget_in in;
        memcpy(&in, req.body, sizeof in);
        assert_int_equal(in.nlookup, 1);
    }
    assert_true(mock_idle(m, 20));
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_BATCH_FORGET], 0);
    assert_int_equal(mock_info(m).forgets_sent, 3);
    mock_free(m);
}

static void open_handle_keeps_its_node_after_its_entry_expired(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_GENERIC_READ));
    mock_request req = mock_expect(m, FUSE_LOOKUP);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 0, 200000000 /* 200 ms */, 0);
    mock_reply(m, req.header.unique, 0, &e, sizeof e);
    req = mock_expect_node(m, FUSE_OPEN, 5);
    mock_reply_open(m, req.header.unique, 8, 0);
    uint64_t handle = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    /* Past the entry's TTL and a sweep: the entry is gone, the node is not. */
    assert_true(mock_idle(m, 1500));
    assert_int_equal(mock_info(m).forgets_sent, 0);
    assert_int_equal(mock_info(m).nodes_cached, 1);

    hint = mock_submit(m, mock_req_close(handle));
    req = mock_expect_node(m, FUSE_RELEASE, 5);
    assert_true(mock_idle(m, 20));      /* nothing before RELEASE is answered */
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    expect_forget(m, 5, 1);
    mock_free(m);
}

static void expired_entries_are_swept_within_a_second_of_waiting(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 0, 300000000 /* 300 ms */, 60);
    uint64_t inserted = mock_clock_now(m);
    close_quietly(m, stat_open(m, "f", &e));
    assert_true(mock_idle(m, 20));      /* the entry keeps the node while it lasts */
    assert_int_equal(mock_info(m).nodes_cached, 1);

    mock_request req = mock_expect_wait(m, FUSE_FORGET, 3000);
    uint64_t forgotten = mock_clock_now(m);
    assert_int_equal(req.header.nodeid, 5);
    assert_true(forgotten >= inserted + 300);
    assert_true(forgotten <= inserted + 300 + 1000 + 500);  /* one sweep interval, and slack */
    assert_int_equal(mock_info(m).nodes_cached, 0);
    mock_free(m);
}

static void fresh_entry_is_not_swept(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 60, 0, 60);
    close_quietly(m, stat_open(m, "f", &e));
    assert_true(mock_idle(m, 1200));
    assert_int_equal(mock_info(m).nodes_cached, 1);
    /* And it still answers the next open. */
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

/* The engine reads time only from its host (wf_engine_params.clock): an entry lasts its
   TTL on that clock, however much or little real time passes. */
static void entry_lasts_its_ttl_on_the_hosts_clock(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 2, 0, 2);
    close_quietly(m, stat_open(m, "f", &e));
    mock_clock_advance(m, 1999);
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 0));       /* from the cache */
    close_quietly(m, rsp.Rsp.Create.Opened.UserContext2);
    mock_clock_advance(m, 1);
    hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "f");
    mock_reply(m, req.header.unique, 0, &e, sizeof e);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    close_quietly(m, rsp.Rsp.Create.Opened.UserContext2);
    mock_free(m);
}

static void root_is_never_forgotten(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    uint64_t root = mock_open_root(m, 9);
    /* A file system that lists the root under itself counts a lookup on it. */
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    uint8_t body[1024];
    struct fuse_entry_out self = mock_entry(FUSE_ROOT_ID, 040755, 0, 0, 0, 0);
    uint32_t len = mock_direntplus_add(body, 0, &self, 1, "self");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(mock_info(m).nodes_cached, 0);      /* no twin of the root */
    /* The root's handle closed. */
    hint = mock_submit(m, mock_req_close(root));
    req = mock_expect_node(m, FUSE_RELEASEDIR, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 1200));    /* a sweep included */
    /* Not even at the end of the session. */
    wf_engine_shutdown(mock_engine(m));
    req = mock_expect(m, FUSE_DESTROY);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_info(m).forgets_sent, 0);
    mock_free(m);
}

static void readdirplus_entry_with_nodeid_0_is_not_counted(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    uint64_t root = mock_open_root(m, 9);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    uint8_t body[1024];
    struct fuse_entry_out none = mock_entry(0, 0100644, 1, 0, 0, 0);
    none.attr.ino = 30;
    uint32_t len = mock_direntplus_add(body, 0, &none, 1, "a");
    struct fuse_entry_out b = mock_entry(31, 0100644, 1, 0, 0, 0);
    len = mock_direntplus_add(body, len, &b, 2, "b");
    mock_reply(m, req.header.unique, 0, body, len);
    /* An entry without a nodeid carries no attributes: it is looked up (gone here). */
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "a");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    expect_forget(m, 31, 1);        /* b only */
    assert_true(mock_idle(m, 20));
    assert_int_equal(mock_info(m).forgets_sent, 1);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    mock_free(m);
}

static void readdirplus_lookups_add_to_those_of_open_handles(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    struct fuse_entry_out e = mock_entry(40, 0100644, 1, 0, 0, 0);
    uint64_t handle = stat_open(m, "a", &e);
    uint64_t root = mock_open_root(m, 9);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    uint8_t body[1024];
    uint32_t len = mock_direntplus_add(body, 0, &e, 1, "a");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));      /* the handle still uses node 40 */
    close_quietly(m, handle);
    expect_forget(m, 40, 2);
    mock_free(m);
}

static void pending_forgets_go_out_before_destroy(void **state)
{
    (void)state;
    mock_fs *m = start_minor(31);
    struct fuse_entry_out e = mock_entry(5, 0100644, 1, 0, 0, 0);
    uint64_t handle = stat_open(m, "f", &e);
    close_quietly(m, handle);
    wf_engine_shutdown(mock_engine(m));
    expect_forget(m, 5, 1);
    mock_request req = mock_expect(m, FUSE_DESTROY);
    assert_int_equal(mock_reply(m, req.header.unique, 0, NULL, 0),
        STATUS_CONNECTION_DISCONNECTED);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ttl_0_entry_is_not_kept_and_its_node_is_forgotten_after_the_operation),
        cmocka_unit_test(ttl_0_node_of_an_open_handle_is_forgotten_at_its_close),
        cmocka_unit_test(two_lookups_of_a_name_are_forgotten_together_with_nlookup_2),
        cmocka_unit_test(several_pending_forgets_go_in_one_batch_forget),
        cmocka_unit_test(forgets_wait_for_company_while_other_requests_go_out),
        cmocka_unit_test(shutdown_without_destroy_still_sends_the_forgets_that_wait),
        cmocka_unit_test(before_minor_16_each_node_gets_its_own_forget),
        cmocka_unit_test(open_handle_keeps_its_node_after_its_entry_expired),
        cmocka_unit_test(expired_entries_are_swept_within_a_second_of_waiting),
        cmocka_unit_test(fresh_entry_is_not_swept),
        cmocka_unit_test(entry_lasts_its_ttl_on_the_hosts_clock),
        cmocka_unit_test(root_is_never_forgotten),
        cmocka_unit_test(readdirplus_entry_with_nodeid_0_is_not_counted),
        cmocka_unit_test(readdirplus_lookups_add_to_those_of_open_handles),
        cmocka_unit_test(pending_forgets_go_out_before_destroy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
