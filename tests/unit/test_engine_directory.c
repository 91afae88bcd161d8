/* test_engine_directory.c — QueryDirectory: READDIRPLUS (or READDIR and LOOKUPs) into
   WinFsp directory records, resumption at a marker, and listings the engine must not
   trust. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

#define ROOT_FH 9
#define DIR_INFO_SIZE 104u
#define ALIGN8(x) (((x) + 7u) & ~7u)

typedef struct dir_record {
    uint16_t size;
    FSP_FSCTL_FILE_INFO info;
    uint64_t next_offset;
    char name[300];
} dir_record;

typedef struct listing {
    dir_record records[32];
    int count;
    bool end_mark;
} listing;

/* Reads WinFsp directory records from buf[0..len) as the FSD would, checking their form. */
static listing parse_listing(const uint8_t *buf, uint32_t len)
{
    listing l;
    memset(&l, 0, sizeof l);
    uint32_t pos = 0;
    while (pos + sizeof(uint16_t) <= len) {
        assert_int_equal(pos % 8, 0);
        uint16_t size;
        memcpy(&size, buf + pos, sizeof size);
        if (size == 0) {
            l.end_mark = true;
            pos += sizeof(uint16_t);
            break;
        }
        assert_true(size >= DIR_INFO_SIZE);
        assert_true(pos + size <= len);
        assert_true(l.count < 32);
        FSP_FSCTL_DIR_INFO info;
        memcpy(&info, buf + pos, sizeof info);
        dir_record *r = &l.records[l.count++];
        r->size = size;
        r->info = info.FileInfo;
        r->next_offset = info.NextOffset;
        uint32_t units = (size - DIR_INFO_SIZE) / 2;
        assert_true(units < sizeof r->name);
        for (uint32_t i = 0; i < units; i++) {
            uint16_t unit;
            memcpy(&unit, buf + pos + DIR_INFO_SIZE + 2 * i, sizeof unit);
            assert_true(unit > 0 && unit < 128);     /* test names are ASCII */
            r->name[i] = (char)unit;
        }
        pos += ALIGN8(size);
    }
    assert_int_equal(pos, len);     /* Information covers exactly the records */
    return l;
}

static mock_fs *start(uint32_t flags)
{
    mock_fs *m = mock_new(0);
    mock_init_options options = { .flags = flags };
    mock_init(m, &options);
    return m;
}

static struct fuse_read_in read_in(const mock_request *req)
{
    struct fuse_read_in in;
    assert_int_equal(req->body_size, sizeof in);
    memcpy(&in, req->body, sizeof in);
    return in;
}

static mock_request expect_list(mock_fs *m, uint32_t opcode, uint64_t nodeid, uint64_t fh,
    uint64_t offset)
{
    mock_request req = mock_expect_node(m, opcode, nodeid);
    struct fuse_read_in in = read_in(&req);
    assert_int_equal(in.fh, fh);
    assert_int_equal(in.offset, offset);
    assert_true(in.size >= 4096);
    return req;
}

/* A file entry with a 60 s entry TTL. */
static struct fuse_entry_out file_entry(uint64_t nodeid, uint64_t size)
{
    return mock_entry(nodeid, 0100644, size, 60, 0, 60);
}

static void assert_record(const dir_record *r, const char *name, uint64_t ino, uint64_t size,
    uint64_t next_offset)
{
    assert_string_equal(r->name, name);
    assert_int_equal(r->size, DIR_INFO_SIZE + 2 * strlen(name));
    assert_int_equal(r->info.IndexNumber, ino);
    assert_int_equal(r->info.FileSize, size);
    assert_int_equal(r->next_offset, next_offset);
}

static void root_readdirplus_lists_entries_without_dots_until_an_empty_reply(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    memset(out, 0xcc, sizeof out);
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));

    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[4096];
    uint32_t len = 0;
    struct fuse_entry_out dot = mock_entry(FUSE_ROOT_ID, 040755, 0, 0, 0, 0);
    len = mock_direntplus_add(body, len, &dot, 1, ".");
    len = mock_direntplus_add(body, len, &dot, 2, "..");
    struct fuse_entry_out a = file_entry(10, 5);
    len = mock_direntplus_add(body, len, &a, 3, "a");
    struct fuse_entry_out bb = mock_entry(11, 040700, 0, 60, 0, 60);
    len = mock_direntplus_add(body, len, &bb, 4, "bb");
    assert_int_equal(mock_reply(m, req.header.unique, 0, body, len), STATUS_SUCCESS);

    /* Continues at the last entry's offset, until an empty reply. */
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 4);
    assert_false(mock_has_response(m, hint));
    len = 0;
    struct fuse_entry_out c = file_entry(12, 1u << 20);
    len = mock_direntplus_add(body, len, &c, 5, "ccc");
    mock_reply(m, req.header.unique, 0, body, len);
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information,
        ALIGN8(DIR_INFO_SIZE + 2) + ALIGN8(DIR_INFO_SIZE + 4) + ALIGN8(DIR_INFO_SIZE + 6) + 2);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 3);
    assert_true(l.end_mark);
    assert_record(&l.records[0], "a", 10, 5, 3);
    assert_int_equal(l.records[0].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY, 0);
    assert_int_equal(l.records[0].info.LastWriteTime, 116444736000000000ull + 17000000000000000ull);
    assert_record(&l.records[1], "bb", 11, 0, 4);
    assert_true(l.records[1].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    assert_record(&l.records[2], "ccc", 12, 1u << 20, 5);
    assert_int_equal(out[rsp.IoStatus.Information], 0xcc);     /* nothing written beyond */
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_LOOKUP], 0);
    mock_free(m);
}

static void readdirplus_entries_are_cached_so_open_sends_no_lookup(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[1024];
    struct fuse_entry_out a = file_entry(10, 5);
    uint32_t len = mock_direntplus_add(body, 0, &a, 1, "a");
    mock_reply(m, req.header.unique, 0, body, len);
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 1);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(mock_info(m).nodes_cached, 1);

    hint = mock_submit(m, mock_req_create("\\a", FILE_OPEN, 0, FILE_GENERIC_READ));
    req = mock_expect_node(m, FUSE_OPEN, 10);      /* no LOOKUP, no GETATTR */
    mock_reply_open(m, req.header.unique, 4, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.FileSize, 5);
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_LOOKUP], 0);
    mock_free(m);
}

static void full_buffer_stops_at_a_whole_record_and_the_marker_resumes(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    /* Room for two one-letter records and one byte: no third record, no end mark. */
    uint32_t cap = 2 * ALIGN8(DIR_INFO_SIZE + 2) + 1;
    uint8_t out[512];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, cap, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[2048];
    uint32_t len = 0;
    const char *names[] = { "a", "b", "c", "d" };
    for (int i = 0; i < 4; i++) {
        struct fuse_entry_out e = file_entry(10 + i, i);
        len = mock_direntplus_add(body, len, &e, 100 + i, names[i]);
    }
    mock_reply(m, req.header.unique, 0, body, len);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 2 * ALIGN8(DIR_INFO_SIZE + 2));
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 2);
    assert_false(l.end_mark);
    assert_record(&l.records[0], "a", 10, 0, 100);
    assert_record(&l.records[1], "b", 11, 1, 101);
    assert_true(mock_idle(m, 20));

    /* WinFsp asks again from the last record's NextOffset: the rest of the reply, kept on
       the handle, answers it without a READDIRPLUS from 101. */
    uint64_t marker = l.records[1].next_offset;
    hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, &marker));
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 103);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 2);
    assert_true(l.end_mark);
    assert_record(&l.records[0], "c", 12, 2, 102);
    assert_record(&l.records[1], "d", 13, 3, 103);
    mock_free(m);
}

/* Entries not kept (TTL 0) are forgotten as soon as the listing is done with them: the
   FORGETs count how many lookups the engine took from the reply. */
static uint64_t forgotten_lookups(mock_fs *m, uint64_t nodeid_base, int *nodes)
{
    uint64_t total = 0;
    *nodes = 0;
    mock_request req;
    while (mock_take(m, &req, 50)) {
        if (req.header.opcode == FUSE_FORGET) {
            struct fuse_forget_in in;
            memcpy(&in, req.body, sizeof in);
            assert_true(req.header.nodeid >= nodeid_base);
            total += in.nlookup;
            (*nodes)++;
        } else {
            assert_int_equal(req.header.opcode, FUSE_BATCH_FORGET);
            struct fuse_batch_forget_in batch;
            memcpy(&batch, req.body, sizeof batch);
            assert_int_equal(req.body_size, sizeof batch + batch.count * sizeof(struct fuse_forget_one));
            for (uint32_t i = 0; i < batch.count; i++) {
                struct fuse_forget_one one;
                memcpy(&one, req.body + sizeof batch + i * sizeof one, sizeof one);
                assert_true(one.nodeid >= nodeid_base);
                total += one.nlookup;
                (*nodes)++;
            }
        }
    }
    return total;
}

static void resuming_elsewhere_drops_the_kept_entries_and_reads_from_the_marker(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint32_t cap = ALIGN8(DIR_INFO_SIZE + 2) + 1;     /* one record at a time */
    uint8_t out[512];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, cap, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[1024];
    uint32_t len = 0;
    const char *names[] = { "a", "b", "c" };
    for (int i = 0; i < 3; i++) {
        struct fuse_entry_out e = file_entry(10 + i, i);
        len = mock_direntplus_add(body, len, &e, 100 + i, names[i]);
    }
    mock_reply(m, req.header.unique, 0, body, len);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* A restart (no marker) is not where the kept entries start: READDIRPLUS from 0. */
    hint = mock_submit(m, mock_req_query_dir(root, out, cap, NULL));
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    mock_reply(m, req.header.unique, 0, body, len);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_record(&l.records[0], "a", 10, 0, 100);

    /* Nor is a marker further on: READDIRPLUS from there. */
    uint64_t marker = 101;
    hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, &marker));
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 101);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void readdirplus_counts_every_entry_of_a_reply_even_beyond_a_full_buffer(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint32_t cap = ALIGN8(DIR_INFO_SIZE + 2) + 1;      /* one record */
    uint8_t out[512];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, cap, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[2048];
    uint32_t len = 0;
    const char *names[] = { "a", "b", "c", "d" };
    for (int i = 0; i < 4; i++) {
        struct fuse_entry_out e = mock_entry(100 + i, 0100644, 1, 0, 0, 0);
        len = mock_direntplus_add(body, len, &e, 1 + i, names[i]);
    }
    mock_reply(m, req.header.unique, 0, body, len);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(parse_listing(out, rsp.IoStatus.Information).count, 1);
    /* The file system counted a lookup for each of the four: four come back. */
    int nodes;
    assert_int_equal(forgotten_lookups(m, 100, &nodes), 4);
    assert_int_equal(nodes, 4);
    assert_int_equal(mock_info(m).forgets_sent, 4);
    mock_free(m);
}

static void readdirplus_entry_without_nodeid_is_looked_up_for_its_attributes(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[1024];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    /* libfuse's high-level API sends nodeid 0 and no attributes unless asked to fill them. */
    uint8_t body[512];
    struct fuse_entry_out bare;
    memset(&bare, 0, sizeof bare);
    bare.attr.ino = 20;
    bare.attr.mode = 0100644;
    uint32_t len = mock_direntplus_add(body, 0, &bare, 1, "x");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "x");
    struct fuse_entry_out real = file_entry(20, 4321);
    mock_reply(m, req.header.unique, 0, &real, sizeof real);
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 1);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_record(&l.records[0], "x", 20, 4321, 1);
    mock_free(m);
}

static void readdir_without_plus_looks_up_only_uncached_entries(void **state)
{
    (void)state;
    mock_fs *m = start(0);
    /* "a" is in the cache already. */
    uint64_t hint = mock_submit(m, mock_req_create("\\a", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 10, 0100644, 7, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[1024];
    uint32_t len = 0;
    len = mock_dirent_add(body, len, 1, 1, ".");
    len = mock_dirent_add(body, len, 1, 2, "..");
    len = mock_dirent_add(body, len, 10, 3, "a");
    len = mock_dirent_add(body, len, 11, 4, "b");
    len = mock_dirent_add(body, len, 12, 5, "c");
    mock_reply(m, req.header.unique, 0, body, len);

    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "b");
    mock_reply_entry(m, req.header.unique, 11, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "c");
    mock_reply_entry(m, req.header.unique, 12, 0100644, 99, 60, 60);
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 3);
    assert_true(l.end_mark);
    assert_record(&l.records[0], "a", 10, 7, 3);
    assert_record(&l.records[1], "b", 11, 0, 4);
    assert_true(l.records[1].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    assert_record(&l.records[2], "c", 12, 99, 5);
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_LOOKUP], 3);

    /* A second listing finds all three cached: no LOOKUP at all. */
    hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 0);
    mock_reply(m, req.header.unique, 0, body, len);
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 5);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(parse_listing(out, mock_response(m, hint).IoStatus.Information).count, 3);
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_LOOKUP], 3);
    mock_free(m);
}

/* A READDIR entry whose record has no room left in the caller's buffer waits for the next
   call before anything is spent on it: no LOOKUP now (its name goes into the buffer
   first, and does not fit). */
static void readdir_entry_with_no_room_left_is_not_looked_up_in_that_call(void **state)
{
    (void)state;
    mock_fs *m = start(0);
    uint64_t root = mock_open_root(m, ROOT_FH);
    /* Room for one one-letter record and a few bytes: not for a second record's header. */
    uint32_t cap = ALIGN8(DIR_INFO_SIZE + 2) + 8;
    uint8_t out[512];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, cap, NULL));
    mock_request req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[1024];
    uint32_t len = 0;
    len = mock_dirent_add(body, len, 10, 1, "a");
    len = mock_dirent_add(body, len, 11, 2, "b");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "a");
    mock_reply_entry(m, req.header.unique, 10, 0100644, 7, 60, 60);

    assert_true(mock_idle(m, 20));
    assert_true(mock_has_response(m, hint));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_record(&l.records[0], "a", 10, 7, 1);
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_LOOKUP], 1);

    /* The next call, from the kept rest of the reply: "b" looked up and listed. */
    uint64_t marker = l.records[0].next_offset;
    hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, &marker));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "b");
    mock_reply_entry(m, req.header.unique, 11, 0100644, 8, 60, 60);
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_true(l.end_mark);
    assert_record(&l.records[0], "b", 11, 8, 2);
    mock_free(m);
}

static void readdir_entry_gone_before_its_lookup_is_not_listed(void **state)
{
    (void)state;
    mock_fs *m = start(0);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[1024];
    uint32_t len = mock_dirent_add(body, 0, 10, 1, "gone");
    len = mock_dirent_add(body, len, 11, 2, "here");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect(m, FUSE_LOOKUP);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = mock_expect(m, FUSE_LOOKUP);
    assert_string_equal((const char *)req.body, "here");
    mock_reply_entry(m, req.header.unique, 11, 0100644, 1, 60, 60);
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    listing l = parse_listing(out, mock_response(m, hint).IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.records[0].name, "here");
    mock_free(m);
}

static void malformed_lookup_reply_in_a_listing_takes_out_no_request(void **state)
{
    (void)state;
    mock_fs *m = start(0);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[1024];
    uint32_t len = mock_dirent_add(body, 0, 10, 1, "bad");
    len = mock_dirent_add(body, len, 11, 2, "good");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect(m, FUSE_LOOKUP);

    /* A LOOKUP reply one byte short: as engine.h says, the reply is refused and no
       request is taken out with it; the listing goes on through the next transact. */
    uint8_t message[sizeof(struct fuse_out_header) + sizeof(struct fuse_entry_out)];
    memset(message, 0, sizeof message);
    struct fuse_out_header header = { .len = sizeof message - 1, .unique = req.header.unique };
    memcpy(message, &header, sizeof header);
    size_t cap = (1u << 20) + 4096, taken = 12345;
    uint8_t *buf = malloc(cap);
    assert_int_equal(wf_engine_transact(mock_engine(m), message, sizeof message - 1, buf, cap,
        &taken, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(taken, 0);
    free(buf);
    assert_int_equal(mock_info(m).bad_replies, 1);

    req = mock_expect(m, FUSE_LOOKUP);
    assert_string_equal((const char *)req.body, "good");
    mock_reply_entry(m, req.header.unique, 11, 0100644, 1, 60, 60);
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    listing l = parse_listing(out, mock_response(m, hint).IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.records[0].name, "good");
    mock_free(m);
}

/* The markers of the "." and ".." the engine lists itself (op_dir.c). */
#define AFTER_DOT UINT64_MAX
#define AFTER_DOTDOT (UINT64_MAX - 1u)

static void non_root_directory_lists_dot_and_dotdot(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t dir = mock_open_dir(m, "d", 20, 21);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 0);
    uint8_t body[2048];
    uint32_t len = 0;
    struct fuse_entry_out none;
    memset(&none, 0, sizeof none);      /* libfuse sends "." and ".." without an entry */
    none.attr.mode = 040000;
    none.attr.ino = 20;
    len = mock_direntplus_add(body, len, &none, 1, ".");
    none.attr.ino = 1;
    len = mock_direntplus_add(body, len, &none, 2, "..");
    struct fuse_entry_out x = file_entry(22, 3);
    len = mock_direntplus_add(body, len, &x, 3, "x");
    mock_reply(m, req.header.unique, 0, body, len);
    req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 3);
    mock_reply(m, req.header.unique, 0, NULL, 0);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 3);
    assert_true(l.end_mark);
    assert_string_equal(l.records[0].name, ".");
    assert_int_equal(l.records[0].next_offset, AFTER_DOT);
    assert_int_equal(l.records[0].info.IndexNumber, 20);
    assert_true(l.records[0].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    assert_string_equal(l.records[1].name, "..");
    assert_int_equal(l.records[1].next_offset, AFTER_DOTDOT);
    assert_true(l.records[1].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    assert_record(&l.records[2], "x", 22, 3, 3);
    mock_free(m);
}

/* ext4's hash order puts "." and ".." anywhere; NTFS lists them first. */
static void dot_and_dotdot_come_first_wherever_the_file_system_lists_them(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t dir = mock_open_dir(m, "d", 20, 21);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 0);
    uint8_t body[2048];
    uint32_t len = 0;
    struct fuse_entry_out none;
    memset(&none, 0, sizeof none);
    none.attr.mode = 040000;
    struct fuse_entry_out x = file_entry(22, 3), y = file_entry(23, 4);
    len = mock_direntplus_add(body, len, &x, 11, "x");
    len = mock_direntplus_add(body, len, &none, 12, "..");
    len = mock_direntplus_add(body, len, &y, 13, "y");
    len = mock_direntplus_add(body, len, &none, 14, ".");
    mock_reply(m, req.header.unique, 0, body, len);
    req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 14);
    mock_reply(m, req.header.unique, 0, NULL, 0);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 4);
    assert_true(l.end_mark);
    assert_string_equal(l.records[0].name, ".");
    assert_int_equal(l.records[0].info.IndexNumber, 20);
    assert_string_equal(l.records[1].name, "..");
    assert_record(&l.records[2], "x", 22, 3, 11);
    assert_record(&l.records[3], "y", 23, 4, 13);
    assert_true(mock_idle(m, 20));      /* no request beyond the listing's own */
    mock_free(m);
}

static void dot_and_dotdot_are_listed_when_the_file_system_lists_none(void **state)
{
    (void)state;
    mock_fs *m = start(0);      /* READDIR: the attributes of "." come from the cache */
    uint64_t dir = mock_open_dir(m, "d", 20, 21);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIR, 20, 21, 0);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 2);
    assert_true(l.end_mark);
    assert_string_equal(l.records[0].name, ".");
    assert_string_equal(l.records[1].name, "..");
    assert_true(l.records[1].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

/* One record per call (ReturnSingleEntry, or a small buffer): each marker of a dot resumes
   right after it, and the file system's own dots are not listed a second time. */
static void resuming_after_dot_or_dotdot_lists_each_once(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t dir = mock_open_dir(m, "d", 20, 21);
    uint32_t cap = ALIGN8(DIR_INFO_SIZE + 4) + 1;     /* one record at a time */
    uint8_t out[512];
    uint8_t body[1024];
    uint32_t len = 0;
    struct fuse_entry_out none;
    memset(&none, 0, sizeof none);
    none.attr.mode = 040000;
    struct fuse_entry_out x = file_entry(22, 3);
    len = mock_direntplus_add(body, len, &none, 1, ".");
    len = mock_direntplus_add(body, len, &x, 2, "x");
    len = mock_direntplus_add(body, len, &none, 3, "..");

    /* The first call: "." only, nothing asked of the file system. */
    uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, cap, NULL));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.records[0].name, ".");
    assert_true(mock_idle(m, 20));

    /* After ".": "..", and the file system's listing from its start (kept). */
    uint64_t marker = l.records[0].next_offset;
    hint = mock_submit(m, mock_req_query_dir(dir, out, cap, &marker));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 0);
    mock_reply(m, req.header.unique, 0, body, len);
    rsp = mock_response(m, hint);
    l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.records[0].name, "..");
    assert_true(mock_idle(m, 20));

    /* After "..": the kept reply, its dots skipped; on from 3 (no room for the end). */
    marker = l.records[0].next_offset;
    hint = mock_submit(m, mock_req_query_dir(dir, out, cap, &marker));
    req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 3);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    rsp = mock_response(m, hint);
    l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_record(&l.records[0], "x", 22, 3, 2);

    marker = l.records[0].next_offset;
    hint = mock_submit(m, mock_req_query_dir(dir, out, cap, &marker));
    req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 0);
    assert_true(l.end_mark);

    /* A restart lists "." again. */
    hint = mock_submit(m, mock_req_query_dir(dir, out, cap, NULL));
    l = parse_listing(out, mock_response(m, hint).IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.records[0].name, ".");
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

/* Dots fill the buffer's first records; what the reply holds beyond is kept, and the
   marker of ".." takes it up without a second READDIRPLUS. */
static void entries_kept_after_the_dots_resume_at_the_dotdot_marker(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t dir = mock_open_dir(m, "d", 20, 21);
    uint32_t cap = ALIGN8(DIR_INFO_SIZE + 2) + ALIGN8(DIR_INFO_SIZE + 4) + 1;
    uint8_t out[512];
    uint8_t body[1024];
    uint32_t len = 0;
    struct fuse_entry_out x = file_entry(22, 3), y = file_entry(23, 4);
    len = mock_direntplus_add(body, len, &x, 5, "x");
    len = mock_direntplus_add(body, len, &y, 6, "y");
    uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, cap, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 0);
    mock_reply(m, req.header.unique, 0, body, len);
    listing l = parse_listing(out, mock_response(m, hint).IoStatus.Information);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.records[1].name, "..");

    uint64_t marker = l.records[1].next_offset;
    hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, &marker));
    req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 6);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    l = parse_listing(out, mock_response(m, hint).IoStatus.Information);
    assert_int_equal(l.count, 2);
    assert_true(l.end_mark);
    assert_record(&l.records[0], "x", 22, 3, 5);
    assert_record(&l.records[1], "y", 23, 4, 6);
    mock_free(m);
}

/* The engine's dots alone are no answer: a READDIR that fails is the call's status, as
   when the file system listed the dots itself. */
static void readdir_failing_after_the_dots_fails_the_call(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t dir = mock_open_dir(m, "d", 20, 21);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 0);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

/* An offset equal to a dot's marker would restart the listing when resumed: the listing
   ends before that entry, counted as a bad reply. */
static void entry_whose_offset_is_a_dot_marker_ends_the_listing(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t dir = mock_open_dir(m, "d", 20, 21);
    uint8_t out[4096];
    uint8_t body[1024];
    uint32_t len = 0;
    struct fuse_entry_out x = file_entry(22, 3);
    struct fuse_entry_out y = mock_entry(0, 0100644, 4, 0, 0, 0);
    len = mock_direntplus_add(body, len, &x, 5, "x");
    len = mock_direntplus_add(body, len, &y, AFTER_DOTDOT, "y");
    uint64_t hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, 20, 21, 0);
    mock_reply(m, req.header.unique, 0, body, len);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 3);
    assert_true(l.end_mark);
    assert_record(&l.records[2], "x", 22, 3, 5);
    assert_int_equal(mock_info(m).bad_replies, 1);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void names_with_a_slash_or_nul_are_skipped_and_counted(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[2048];
    uint32_t len = 0;
    struct fuse_entry_out e = mock_entry(0, 0100644, 1, 0, 0, 0);   /* no nodeid: not counted */
    len = mock_direntplus_add(body, len, &e, 1, "a/b");
    uint32_t nul_at = len + FUSE_NAME_OFFSET_DIRENTPLUS + 1;
    len = mock_direntplus_add(body, len, &e, 2, "cXd");
    body[nul_at] = 0;
    struct fuse_entry_out ok = file_entry(12, 4);
    len = mock_direntplus_add(body, len, &ok, 3, "ok");
    mock_reply(m, req.header.unique, 0, body, len);
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 3);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_record(&l.records[0], "ok", 12, 4, 3);
    assert_int_equal(mock_info(m).bad_names, 2);
    mock_free(m);
}

static void readdirplus_bad_name_with_a_nodeid_still_returns_its_lookup(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[2048];
    struct fuse_entry_out e = mock_entry(100, 0100644, 1, 60, 0, 60);
    uint32_t len = mock_direntplus_add(body, 0, &e, 1, "a/b");
    mock_reply(m, req.header.unique, 0, body, len);
    req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 1);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(parse_listing(out, mock_response(m, hint).IoStatus.Information).count, 0);
    assert_int_equal(mock_info(m).bad_names, 1);
    /* No name can reach that node again: its lookup goes back to the file system. */
    req = mock_expect(m, FUSE_FORGET);
    assert_int_equal(req.header.nodeid, 100);
    struct fuse_forget_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.nlookup, 1);
    mock_free(m);
}

static void readdir_name_too_long_for_windows_is_skipped_and_counted(void **state)
{
    (void)state;
    mock_fs *m = start(0);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 0);
    char long_name[1001];
    memset(long_name, 'n', 1000);
    long_name[1000] = 0;
    uint8_t body[2048];
    uint32_t len = mock_dirent_add(body, 0, 10, 1, long_name);
    len = mock_dirent_add(body, len, 11, 2, "short");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "short");
    mock_reply_entry(m, req.header.unique, 11, 0100644, 1, 60, 60);
    req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    listing l = parse_listing(out, mock_response(m, hint).IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.records[0].name, "short");
    assert_int_equal(mock_info(m).bad_names, 1);
    mock_free(m);
}

static void malformed_dirent_with_nothing_listed_is_io_device_error(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[2048];
    struct fuse_entry_out e = file_entry(10, 1);
    uint32_t len = mock_direntplus_add(body, 0, &e, 1, "abcdefgh");
    /* namelen says 200 bytes; the reply ends after 8 */
    uint32_t namelen = 200;
    memcpy(body + sizeof(struct fuse_entry_out) + offsetof(struct fuse_dirent, namelen),
        &namelen, sizeof namelen);
    assert_int_equal(mock_reply(m, req.header.unique, 0, body, len), STATUS_SUCCESS);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    assert_int_equal(rsp.IoStatus.Information, 0);
    assert_int_equal(mock_info(m).bad_replies, 1);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    mock_free(m);
}

static void malformed_dirent_after_listed_entries_keeps_them(void **state)
{
    (void)state;
    mock_fs *m = start(0);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIR, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[2048];
    uint32_t len = mock_dirent_add(body, 0, 10, 1, "a");
    uint32_t bad = len;
    len = mock_dirent_add(body, len, 11, 2, "b");
    uint32_t namelen = 0;       /* an empty name is no name */
    memcpy(body + bad + offsetof(struct fuse_dirent, namelen), &namelen, sizeof namelen);
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect(m, FUSE_LOOKUP);
    mock_reply_entry(m, req.header.unique, 10, 0100644, 1, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 1);
    assert_false(l.end_mark);
    assert_string_equal(l.records[0].name, "a");
    assert_int_equal(mock_info(m).bad_replies, 1);
    mock_free(m);
}

static void reply_that_does_not_advance_the_offset_ends_the_listing(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = expect_list(m, FUSE_READDIRPLUS, FUSE_ROOT_ID, ROOT_FH, 0);
    uint8_t body[1024];
    struct fuse_entry_out dot = mock_entry(FUSE_ROOT_ID, 040755, 0, 0, 0, 0);
    uint32_t len = mock_direntplus_add(body, 0, &dot, 0, ".");
    len = mock_direntplus_add(body, len, &dot, 0, "..");
    mock_reply(m, req.header.unique, 0, body, len);
    /* Asking again at offset 0 would get the same reply forever. */
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 0);
    assert_true(l.end_mark);
    assert_int_equal(mock_info(m).bad_replies, 1);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void query_directory_on_a_file_is_invalid_parameter(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t file = mock_open_file(m, "f", 5, 10, 3);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(file, out, sizeof out, NULL));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void marker_of_the_wrong_size_is_invalid_parameter(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t root = mock_open_root(m, ROOT_FH);
    uint8_t out[4096];
    uint64_t marker = 5;
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_query_dir(root, out, sizeof out, &marker);
    req->Req.QueryDirectory.Marker.Size = 4;
    uint64_t hint = mock_submit(m, req);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void directory_opened_without_list_access_opens_at_first_listing(void **state)
{
    (void)state;
    mock_fs *m = start(FUSE_DO_READDIRPLUS);
    uint64_t hint = mock_submit(m, mock_req_create("\\d", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_READ_ATTRIBUTES | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 20, 040755, 0, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t dir = rsp.Rsp.Create.Opened.UserContext2;
    assert_true(mock_idle(m, 20));      /* no OPENDIR yet */

    uint8_t out[4096];
    hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
    req = mock_expect_node(m, FUSE_OPENDIR, 20);
    mock_reply_open(m, req.header.unique, 33, 0);
    req = expect_list(m, FUSE_READDIRPLUS, 20, 33, 0);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    listing l = parse_listing(out, rsp.IoStatus.Information);
    assert_int_equal(l.count, 2);       /* "." and "..", then the end mark */
    assert_true(l.end_mark);

    /* The second listing reuses the handle; Close releases it. */
    hint = mock_submit(m, mock_req_query_dir(dir, out, sizeof out, NULL));
    req = expect_list(m, FUSE_READDIRPLUS, 20, 33, 0);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = mock_submit(m, mock_req_close(dir));
    req = mock_expect_node(m, FUSE_RELEASEDIR, 20);
    struct fuse_release_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, 33);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(root_readdirplus_lists_entries_without_dots_until_an_empty_reply),
        cmocka_unit_test(readdirplus_entries_are_cached_so_open_sends_no_lookup),
        cmocka_unit_test(full_buffer_stops_at_a_whole_record_and_the_marker_resumes),
        cmocka_unit_test(resuming_elsewhere_drops_the_kept_entries_and_reads_from_the_marker),
        cmocka_unit_test(readdirplus_counts_every_entry_of_a_reply_even_beyond_a_full_buffer),
        cmocka_unit_test(readdirplus_entry_without_nodeid_is_looked_up_for_its_attributes),
        cmocka_unit_test(readdir_without_plus_looks_up_only_uncached_entries),
        cmocka_unit_test(readdir_entry_with_no_room_left_is_not_looked_up_in_that_call),
        cmocka_unit_test(readdir_entry_gone_before_its_lookup_is_not_listed),
        cmocka_unit_test(malformed_lookup_reply_in_a_listing_takes_out_no_request),
        cmocka_unit_test(non_root_directory_lists_dot_and_dotdot),
        cmocka_unit_test(dot_and_dotdot_come_first_wherever_the_file_system_lists_them),
        cmocka_unit_test(dot_and_dotdot_are_listed_when_the_file_system_lists_none),
        cmocka_unit_test(resuming_after_dot_or_dotdot_lists_each_once),
        cmocka_unit_test(entries_kept_after_the_dots_resume_at_the_dotdot_marker),
        cmocka_unit_test(entry_whose_offset_is_a_dot_marker_ends_the_listing),
        cmocka_unit_test(readdir_failing_after_the_dots_fails_the_call),
        cmocka_unit_test(names_with_a_slash_or_nul_are_skipped_and_counted),
        cmocka_unit_test(readdirplus_bad_name_with_a_nodeid_still_returns_its_lookup),
        cmocka_unit_test(readdir_name_too_long_for_windows_is_skipped_and_counted),
        cmocka_unit_test(malformed_dirent_with_nothing_listed_is_io_device_error),
        cmocka_unit_test(malformed_dirent_after_listed_entries_keeps_them),
        cmocka_unit_test(reply_that_does_not_advance_the_offset_ends_the_listing),
        cmocka_unit_test(query_directory_on_a_file_is_invalid_parameter),
        cmocka_unit_test(marker_of_the_wrong_size_is_invalid_parameter),
        cmocka_unit_test(directory_opened_without_list_access_opens_at_first_listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
