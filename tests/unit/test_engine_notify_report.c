/* test_engine_notify_report.c — the file system's INVAL_ENTRY, INVAL_INODE and DELETE reach the
   host's notify callback as FspFsctlNotify records: filter, action, the full name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/nt_constants.h"

/* What the callback received, the names back in ASCII (U+F000 + c shown as ~c). */
#define MAX_RECORDS 8
typedef struct record {
    uint16_t size;
    uint32_t filter, action;
    char name[256];
} record;
static record records[MAX_RECORDS];
static unsigned record_count;

static void on_notify(void *host, const FSP_FSCTL_NOTIFY_INFO *info)
{
    (void)host;
    assert_true(record_count < MAX_RECORDS);
    record *r = &records[record_count++];
    r->size = info->Size;
    r->filter = info->Filter;
    r->action = info->Action;
    size_t units = (info->Size - sizeof *info) / 2, n = 0;
    assert_true(units < sizeof r->name - 1);
    for (size_t i = 0; i < units; i++) {
        uint16_t u = info->FileNameBuf[i];
        if (u >= 0xF000 && u < 0xF080) {
            r->name[n++] = '~';
            u = (uint16_t)(u - 0xF000);
        }
        r->name[n++] = (char)u;
    }
    r->name[n] = 0;
}

static void with_notify(wf_engine_params *params)
{
    params->notify = on_notify;
}

static mock_fs *start(void)
{
    record_count = 0;
    memset(records, 0, sizeof records);
    mock_fs *m = mock_new_params(0, with_notify);
    mock_init(m, NULL);
    return m;
}

static NTSTATUS notify(mock_fs *m, int32_t code, const void *fixed, uint32_t fixed_size,
    const char *name)
{
    uint8_t buf[512];
    uint32_t n = name ? (uint32_t)strlen(name) + 1 : 0;
    memcpy(buf, fixed, fixed_size);
    if (name)
        memcpy(buf + fixed_size, name, n);
    return mock_reply(m, 0, code, buf, fixed_size + n);
}

static NTSTATUS inval_entry(mock_fs *m, uint64_t parent, const char *name)
{
    struct fuse_notify_inval_entry_out out = { .parent = parent,
        .namelen = (uint32_t)strlen(name) };
    return notify(m, FUSE_NOTIFY_INVAL_ENTRY, &out, sizeof out, name);
}

static NTSTATUS delete_entry(mock_fs *m, uint64_t parent, uint64_t child, const char *name)
{
    struct fuse_notify_delete_out out = { .parent = parent, .child = child,
        .namelen = (uint32_t)strlen(name) };
    return notify(m, FUSE_NOTIFY_DELETE, &out, sizeof out, name);
}

static NTSTATUS inval_inode(mock_fs *m, uint64_t ino, int64_t off)
{
    struct fuse_notify_inval_inode_out out = { .ino = ino, .off = off, .len = 0 };
    return notify(m, FUSE_NOTIFY_INVAL_INODE, &out, sizeof out, NULL);
}

/* Opens path (metadata only), answering each LOOKUP with the next of nodeids/modes. */
static void open_path(mock_fs *m, const char *path, const uint64_t *parents,
    const uint64_t *nodeids, const uint32_t *modes, unsigned lookups)
{
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    for (unsigned i = 0; i < lookups; i++) {
        mock_request req = mock_expect_node(m, FUSE_LOOKUP, parents[i]);
        mock_reply_entry(m, req.header.unique, nodeids[i], modes[i], 7, 60, 60);
    }
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
}

/* \d (2, a directory) and \d\f (5, a file) cached. */
static void open_d_f(mock_fs *m)
{
    static const uint64_t parents[] = { FUSE_ROOT_ID, 2 }, nodeids[] = { 2, 5 };
    static const uint32_t modes[] = { 040755, 0100644 };
    open_path(m, "\\d\\f", parents, nodeids, modes, 2);
}

static void assert_record(unsigned i, uint32_t filter, uint32_t action, const char *name)
{
    assert_true(i < record_count);
    assert_int_equal(records[i].filter, filter);
    assert_int_equal(records[i].action, action);
    assert_string_equal(records[i].name, name);
    size_t units = 0;
    for (const char *c = name; *c; c++)
        units += *c != '~';
    assert_int_equal(records[i].size, sizeof(FSP_FSCTL_NOTIFY_INFO) + 2 * units);
}

static void inval_entry_reports_the_name_modified_with_its_full_path(void **state)
{
    (void)state;
    mock_fs *m = start();
    open_d_f(m);
    assert_int_equal(inval_entry(m, 2, "f"), STATUS_SUCCESS);
    assert_int_equal(record_count, 1);
    assert_record(0, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME,
        FILE_ACTION_MODIFIED, "\\d\\f");
    /* A name the engine never saw, in a directory it knows: reported as well. */
    assert_int_equal(inval_entry(m, FUSE_ROOT_ID, "new"), STATUS_SUCCESS);
    assert_int_equal(record_count, 2);
    assert_record(1, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME,
        FILE_ACTION_MODIFIED, "\\new");
    assert_int_equal(mock_info(m).changes_reported, 2);
    assert_int_equal(mock_info(m).changes_unnamed, 0);
    mock_free(m);
}

static void delete_reports_removed_with_the_kind_of_name(void **state)
{
    (void)state;
    mock_fs *m = start();
    open_d_f(m);
    assert_int_equal(delete_entry(m, 2, 5, "f"), STATUS_SUCCESS);
    assert_int_equal(delete_entry(m, FUSE_ROOT_ID, 2, "d"), STATUS_SUCCESS);
    /* A child the engine does not know may be a file or a directory. */
    assert_int_equal(delete_entry(m, FUSE_ROOT_ID, 77, "x"), STATUS_SUCCESS);
    assert_int_equal(record_count, 3);
    assert_record(0, FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_REMOVED, "\\d\\f");
    assert_record(1, FILE_NOTIFY_CHANGE_DIR_NAME, FILE_ACTION_REMOVED, "\\d");
    assert_record(2, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME,
        FILE_ACTION_REMOVED, "\\x");
    mock_free(m);
}

static void inval_inode_reports_each_known_name_of_the_node(void **state)
{
    (void)state;
    mock_fs *m = start();
    open_d_f(m);
    /* \g is a hard link to the same node. */
    static const uint64_t parents[] = { FUSE_ROOT_ID }, nodeids[] = { 5 };
    static const uint32_t modes[] = { 0100644 };
    open_path(m, "\\g", parents, nodeids, modes, 1);
    assert_int_equal(inval_inode(m, 5, 0), STATUS_SUCCESS);
    assert_int_equal(record_count, 2);
    /* The newest name first. */
    assert_record(0, FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE,
        FILE_ACTION_MODIFIED, "\\g");
    assert_record(1, FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE,
        FILE_ACTION_MODIFIED, "\\d\\f");
    mock_free(m);
}

static void inval_inode_of_attributes_only_reports_an_attribute_change(void **state)
{
    (void)state;
    mock_fs *m = start();
    open_d_f(m);
    assert_int_equal(inval_inode(m, 5, -1), STATUS_SUCCESS);
    assert_int_equal(record_count, 1);
    assert_record(0, FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_LAST_WRITE |
        FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_SECURITY, FILE_ACTION_MODIFIED, "\\d\\f");
    mock_free(m);
}

static void a_change_without_a_known_name_is_not_reported(void **state)
{
    (void)state;
    mock_fs *m = start();
    open_d_f(m);
    /* A parent the cache does not hold. */
    assert_int_equal(inval_entry(m, 9, "f"), STATUS_SUCCESS);
    assert_int_equal(delete_entry(m, 9, 0, "f"), STATUS_SUCCESS);
    /* A node nobody holds is not in the cache at all: nothing to invalidate or report. */
    assert_int_equal(inval_inode(m, 77, 0), STATUS_SUCCESS);
    /* \d's own entry dropped: 5 is still cached under it, but its path is no longer known. */
    assert_int_equal(inval_entry(m, FUSE_ROOT_ID, "d"), STATUS_SUCCESS);
    assert_int_equal(record_count, 1);
    assert_record(0, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME,
        FILE_ACTION_MODIFIED, "\\d");
    assert_int_equal(inval_inode(m, 5, 0), STATUS_SUCCESS);
    assert_int_equal(inval_entry(m, 2, "f"), STATUS_SUCCESS);
    assert_int_equal(record_count, 1);
    /* The root is no name in any directory: its change has no record either. */
    assert_int_equal(inval_inode(m, FUSE_ROOT_ID, 0), STATUS_SUCCESS);
    assert_int_equal(record_count, 1);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.changes_reported, 1);
    assert_int_equal(info.changes_unnamed, 4);
    assert_int_equal(info.bad_replies, 0);
    mock_free(m);
}

static void names_are_reported_in_their_windows_form(void **state)
{
    (void)state;
    mock_fs *m = start();
    open_d_f(m);
    /* ':' is forbidden on Windows: U+F03A, as listings show it. */
    assert_int_equal(inval_entry(m, 2, "a:b"), STATUS_SUCCESS);
    /* Invalid UTF-8 has no Windows form: not reported. */
    assert_int_equal(inval_entry(m, 2, "bad\xff"), STATUS_SUCCESS);
    assert_int_equal(record_count, 1);
    assert_record(0, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME,
        FILE_ACTION_MODIFIED, "\\d\\a~:b");
    assert_int_equal(mock_info(m).changes_unnamed, 1);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inval_entry_reports_the_name_modified_with_its_full_path),
        cmocka_unit_test(delete_reports_removed_with_the_kind_of_name),
        cmocka_unit_test(inval_inode_reports_each_known_name_of_the_node),
        cmocka_unit_test(inval_inode_of_attributes_only_reports_an_attribute_change),
        cmocka_unit_test(a_change_without_a_known_name_is_not_reported),
        cmocka_unit_test(names_are_reported_in_their_windows_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
