/* test_engine_node_memory.c — what a cached node costs on the heap (at most 512 bytes, with
   the longest name the cache keeps), and which names the cache keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "count_alloc.h"
#include "mock_fs.h"

/* Linux's NAME_MAX: the longest name the cache keeps (src/engine/cache.h). */
#define LONGEST_NAME 255u
/* docs/performance.md, "Memory per cached node" (issue 11). */
#define NODE_BUDGET 512u

/* A metadata-only open of \name answered by a LOOKUP of nodeid with TTLs of 60 s; the
   handle closed again. The node stays cached under its entry. */
static void stat_open_close(mock_fs *m, const char *name, uint64_t nodeid)
{
    char path[LONGEST_NAME + 2];
    path[0] = '\\';
    strcpy(path + 1, name);
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_int_equal(req.body_size, strlen(name) + 1);
    mock_reply_entry(m, req.header.unique, nodeid, 0100644, 0, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    hint = mock_submit(m, mock_req_close(rsp.Rsp.Create.Opened.UserContext2));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
}

/* The i-th name of LONGEST_NAME bytes: its number, then x's. */
static void longest_name(char *name, uint32_t i)
{
    memset(name, 'x', LONGEST_NAME);
    name[LONGEST_NAME] = 0;
    char number[16];
    int n = snprintf(number, sizeof number, "%05u", (unsigned)i);
    memcpy(name, number, (size_t)n);
}

/* Every byte the engine keeps for a node cached under a name of the longest length, as
   glibc's malloc takes it on x86-64 (count_alloc_glibc_chunk: size + 8, rounded up to
   16): the node, its entry with the name, and its slot in each of the two hash tables.
   Measured between 512 and 1,024 nodes, where both tables have one slot per node (they
   double when the count passes the slots: 512 → 1,024 on the 513th), so the difference
   is exactly what 512 more nodes cost, the tables' share included. */
static void a_node_cached_under_a_255_byte_name_costs_at_most_512_bytes(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    char name[LONGEST_NAME + 1];
    uint64_t at_512 = 0;
    for (uint32_t i = 0; i < 1024; i++) {
        longest_name(name, i);
        stat_open_close(m, name, 1000 + i);
        if (i == 511) {
            assert_true(mock_idle(m, 0));
            at_512 = count_alloc_live_bytes();
        }
    }
    assert_true(mock_idle(m, 0));
    assert_int_equal(mock_info(m).nodes_cached, 1024);
    uint64_t at_1024 = count_alloc_live_bytes();
    uint64_t per_node = (at_1024 - at_512) / 512;
    print_message("heap per cached node, %u-byte name: %llu bytes (%llu for 512 nodes)\n",
        LONGEST_NAME, (unsigned long long)per_node, (unsigned long long)(at_1024 - at_512));
    assert_int_equal((at_1024 - at_512) % 512, 0);     /* every node alike */
    assert_true(per_node <= NODE_BUDGET);
    /* All of it is freed with the volume: nothing counted is anyone else's. */
    mock_free(m);
}

/* A Create of \ followed by units (UTF-16), metadata only. */
static FSP_FSCTL_TRANSACT_REQ *req_create_units(const uint16_t *units, size_t n)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_create("\\", FILE_OPEN, 0, FILE_READ_ATTRIBUTES);
    uint16_t *name = (uint16_t *)(void *)(req->Buffer + req->FileName.Offset);
    memcpy(name + 1, units, n * sizeof *units);
    name[n + 1] = 0;
    req->FileName.Size = (uint16_t)((n + 2) * 2);
    req->Size = (uint16_t)(sizeof *req + req->FileName.Offset +
        FSP_FSCTL_DEFAULT_ALIGN_UP((n + 2) * 2));
    return req;
}

/* Opens and closes \units; lookup: the LOOKUP it needs is answered with nodeid, and
   forgotten: the node is gone after the close (no entry holds it). */
static void open_units(mock_fs *m, const uint16_t *units, size_t n, size_t utf8_len,
    bool lookup, uint64_t nodeid, bool forgotten)
{
    uint64_t hint = mock_submit(m, req_create_units(units, n));
    if (lookup) {
        mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
        assert_int_equal(req.body_size, utf8_len + 1);
        mock_reply_entry(m, req.header.unique, nodeid, 0100644, 0, 60, 60);
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    hint = mock_submit(m, mock_req_close(rsp.Rsp.Create.Opened.UserContext2));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    if (forgotten)
        mock_expect_node(m, FUSE_FORGET, nodeid);
    assert_true(mock_idle(m, 0));
}

/* 127 é's and an 'a' (255 bytes of UTF-8) are kept; 128 é's (256 bytes) are not: every
   open asks the file system, as under TTL 0, and the node is forgotten once unused. */
static void a_name_longer_than_255_bytes_of_utf8_is_looked_up_at_every_open(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint16_t units[128];
    for (size_t i = 0; i < 128; i++)
        units[i] = 0x00e9;
    units[127] = 'a';
    open_units(m, units, 128, 255, true, 7, false);
    open_units(m, units, 128, 255, false, 7, false);    /* cached */
    units[127] = 0x00e9;
    open_units(m, units, 128, 256, true, 8, true);
    open_units(m, units, 128, 256, true, 8, true);      /* not cached */
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_LOOKUP], 3);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_node_cached_under_a_255_byte_name_costs_at_most_512_bytes),
        cmocka_unit_test(a_name_longer_than_255_bytes_of_utf8_is_looked_up_at_every_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
