/* test_engine_pool.c — request blocks come back from the engine's free list, and a block holding the last requests' bytes answers as a fresh one would. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "engine/engine_internal.h"

#define NODE 5
#define FH 77
#define BLOCKS 16

static void a_request_block_is_reused_rather_than_allocated_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    wf_engine *engine = mock_engine(m);
    void *first = wf_op_pool_take(engine);
    assert_non_null(first);
    wf_op_pool_give(engine, first);
    void *again = wf_op_pool_take(engine);
    assert_ptr_equal(again, first);
    wf_op_pool_give(engine, again);
    mock_free(m);
}

/* Every free block filled with garbage, as a reused block may be: whatever a request
   relies on finding zero must be reset by the engine, not by the allocator. */
static void poison_the_pool(wf_engine *engine)
{
    void *blocks[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        blocks[i] = wf_op_pool_take(engine);
        assert_non_null(blocks[i]);
        memset(blocks[i], 0xa5, wf_op_pool_block_size());
    }
    for (int i = 0; i < BLOCKS; i++)
        wf_op_pool_give(engine, blocks[i]);
}

static void requests_in_reused_blocks_answer_as_in_fresh_ones(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    poison_the_pool(mock_engine(m));

    uint64_t file = mock_open_file(m, "f", NODE, 1234, FH);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, mock_submit(m, mock_req_query_info(file)));
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Size, sizeof rsp);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileSize, 1234);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileAttributes & FILE_ATTRIBUTE_DIRECTORY,
        0);

    uint8_t buf[16];
    uint64_t hint = mock_submit(m, mock_req_read(file, buf, 0, sizeof buf));
    mock_request req = mock_expect_node(m, FUSE_READ, NODE);
    struct fuse_read_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.offset, 0);
    assert_int_equal(in.size, sizeof buf);
    assert_int_equal(in.read_flags, 0);
    assert_int_equal(in.lock_owner, 0);
    mock_reply(m, req.header.unique, 0, "0123456789abcdef", sizeof buf);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, sizeof buf);
    assert_memory_equal(buf, "0123456789abcdef", sizeof buf);

    poison_the_pool(mock_engine(m));
    hint = mock_submit(m, mock_req_cleanup(file));
    req = mock_expect_node(m, FUSE_FLUSH, NODE);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = mock_submit(m, mock_req_close(file));
    req = mock_expect_node(m, FUSE_RELEASE, NODE);
    struct fuse_release_in rel;
    assert_int_equal(req.body_size, sizeof rel);
    memcpy(&rel, req.body, sizeof rel);
    assert_int_equal(rel.fh, FH);
    assert_int_equal(rel.release_flags, 0);
    assert_int_equal(rel.lock_owner, 0);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* The name a Create looks up is the request's, not a longer one left in the block. */
    poison_the_pool(mock_engine(m));
    hint = mock_submit(m, mock_req_create("\\g", FILE_OPEN, FILE_NON_DIRECTORY_FILE,
        FILE_READ_ATTRIBUTES));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_int_equal(req.body_size, 2);
    assert_string_equal((const char *)req.body, "g");
    mock_reply(m, req.header.unique, -2 /* ENOENT */, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(rsp.Size, sizeof rsp);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

/* Threads taking and giving blocks at once: each block taken is stamped with its taker and
   checked after a moment; a block handed to two threads at once (the pool's slots are taken
   and filled without a lock) shows as a stamp another thread overwrote. */
enum { POOL_THREADS = 4, POOL_ROUNDS = 20000, POOL_HELD = 3 };

typedef struct pool_thread {
    wf_engine *engine;
    uint32_t id;
    unsigned shared;            /* blocks found stamped by another thread */
    unsigned missing;           /* takes that returned NULL */
} pool_thread;

static void *take_and_give(void *arg)
{
    pool_thread *t = arg;
    for (unsigned round = 0; round < POOL_ROUNDS; round++) {
        uint32_t *held[POOL_HELD];
        for (int i = 0; i < POOL_HELD; i++) {
            held[i] = wf_op_pool_take(t->engine);
            if (!held[i]) {
                t->missing++;
                continue;
            }
            held[i][0] = t->id;
            held[i][1] = round;
        }
        for (int i = 0; i < POOL_HELD; i++) {
            if (!held[i])
                continue;
            if (held[i][0] != t->id || held[i][1] != round)
                t->shared++;
            wf_op_pool_give(t->engine, (wf_op *)(void *)held[i]);
        }
    }
    return NULL;
}

static void a_block_is_never_held_by_two_threads_at_once(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    pool_thread threads[POOL_THREADS];
    pthread_t ids[POOL_THREADS];
    for (int i = 0; i < POOL_THREADS; i++) {
        threads[i] = (pool_thread){ mock_engine(m), (uint32_t)i + 1, 0, 0 };
        assert_int_equal(pthread_create(&ids[i], NULL, take_and_give, &threads[i]), 0);
    }
    for (int i = 0; i < POOL_THREADS; i++) {
        pthread_join(ids[i], NULL);
        assert_int_equal(threads[i].shared, 0);
        assert_int_equal(threads[i].missing, 0);
    }
    /* Every block is back (or freed): the engine still answers from the pool. */
    uint64_t file = mock_open_file(m, "f", NODE, 1234, FH);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, mock_submit(m, mock_req_query_info(file)));
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileSize, 1234);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_request_block_is_reused_rather_than_allocated_again),
        cmocka_unit_test(requests_in_reused_blocks_answer_as_in_fresh_ones),
        cmocka_unit_test(a_block_is_never_held_by_two_threads_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
