/* test_engine_case.c — case-insensitive volumes as FUSE request sequences: a name found as
   given costs one LOOKUP; in another case, LOOKUP, a directory scan and the stored name's
   LOOKUP, then the cache; creates collide, renames and deletes use the stored name, and
   case-only renames take the new spelling. The default volume never scans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

#define MODE_FILE 0100644u
#define MODE_DIR 040755u
#define DIR_FH 9u
static void case_insensitive(wf_engine_params *params)
{
    params->case_insensitive = true;
}

static mock_fs *start_case_insensitive(void)
{
    mock_fs *m = mock_new_params(0, case_insensitive);
    mock_init(m, NULL);
    return m;
}

static NTSTATUS status_of(mock_fs *m, uint64_t hint)
{
    return (NTSTATUS)mock_response(m, hint).IoStatus.Status;
}

static mock_request expect_lookup(mock_fs *m, uint64_t parent, const char *name)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
    assert_int_equal(req.body_size, strlen(name) + 1);
    assert_string_equal((const char *)req.body, name);
    return req;
}

static void lookup_absent(mock_fs *m, uint64_t parent, const char *name)
{
    mock_request req = expect_lookup(m, parent, name);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
}

static void lookup_found(mock_fs *m, uint64_t parent, const char *name, uint64_t nodeid,
    uint32_t mode)
{
    mock_request req = expect_lookup(m, parent, name);
    mock_reply_entry(m, req.header.unique, nodeid, mode, 7, 60, 60);
}

/* The scan of dir: OPENDIR, then one READDIR per listing (each a NULL-terminated list of
   names, offsets counting on), then RELEASEDIR. */
static void expect_scan(mock_fs *m, uint64_t dir, const char *const *const *listings)
{
    mock_request req = mock_expect_node(m, FUSE_OPENDIR, dir);
    mock_reply_open(m, req.header.unique, DIR_FH, 0);
    uint64_t offset = 0;
    for (int i = 0; listings[i]; i++) {
        req = mock_expect_node(m, FUSE_READDIR, dir);
        struct fuse_read_in in;
        memcpy(&in, req.body, sizeof in);
        assert_int_equal(in.fh, DIR_FH);
        assert_int_equal(in.offset, offset);
        uint8_t buf[4096];
        uint32_t len = 0;
        for (int k = 0; listings[i][k]; k++) {
            offset++;
            len = mock_dirent_add(buf, len, 100 + offset, offset, listings[i][k]);
        }
        mock_reply(m, req.header.unique, 0, buf, len);
    }
    req = mock_expect_node(m, FUSE_RELEASEDIR, dir);
    struct fuse_release_in rel;
    memcpy(&rel, req.body, sizeof rel);
    assert_int_equal(rel.fh, DIR_FH);
    mock_reply(m, req.header.unique, 0, NULL, 0);
}

/* The same scan reaching the end of the directory without the name. */
static void expect_scan_to_end(mock_fs *m, uint64_t dir, const char *const *names)
{
    const char *const *listings[] = { names, (const char *const[]){ NULL }, NULL };
    expect_scan(m, dir, listings);
}

static const char *const ROOT_NAMES[] = { ".", "..", "other", "ReadMe.TXT", NULL };

/* Opens \readme.txt, stored as ReadMe.TXT (node 5): the whole sequence. Returns the handle. */
static uint64_t open_readme(mock_fs *m)
{
    uint64_t hint = mock_submit(m, mock_req_create("\\readme.txt", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES | DELETE));
    lookup_absent(m, FUSE_ROOT_ID, "readme.txt");
    const char *const *listings[] = { ROOT_NAMES, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "ReadMe.TXT", 5, MODE_FILE);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 5);
    return rsp.Rsp.Create.Opened.UserContext2;
}

/* Lookups ------------------------------------------------------------------------------ */

static void name_as_stored_costs_one_lookup(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\ReadMe.TXT", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    lookup_found(m, FUSE_ROOT_ID, "ReadMe.TXT", 5, MODE_FILE);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void name_in_another_case_is_scanned_for_then_looked_up_as_stored(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    open_readme(m);
    assert_true(mock_idle(m, 50));

    /* Cached under the folded name: any spelling, no round trip. */
    uint64_t hint = mock_submit(m, mock_req_create("\\README.txt", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 5);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void scan_reads_on_until_the_name(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\b", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "b");
    const char *const *listings[] = {
        (const char *const[]){ ".", "..", "a", NULL },
        (const char *const[]){ "B", "c", NULL },
        NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "B", 6, MODE_FILE);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void name_in_no_case_is_not_found_after_the_scan(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\missing", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "missing");
    expect_scan_to_end(m, FUSE_ROOT_ID, ROOT_NAMES);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void name_without_letters_needs_no_scan(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\2024-01", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "2024-01");
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void directory_on_the_path_in_another_case_is_found(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\DOCS\\f", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "DOCS");
    const char *const *listings[] = { (const char *const[]){ "docs", NULL }, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "docs", 2, MODE_DIR);
    lookup_found(m, 2, "f", 3, MODE_FILE);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void scan_of_an_unreadable_directory_finds_nothing(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\x", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "x");
    mock_request req = mock_expect_node(m, FUSE_OPENDIR, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_EACCES, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void default_volume_is_case_sensitive_and_never_scans(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    FSP_FSCTL_VOLUME_PARAMS params;
    wf_engine_get_volume_params(mock_engine(m), &params);
    assert_int_equal(params.CaseSensitiveSearch, 1);
    uint64_t hint = mock_submit(m, mock_req_create("\\readme.txt", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "readme.txt");
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void volume_params_say_case_insensitive_and_case_preserved(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    FSP_FSCTL_VOLUME_PARAMS params;
    wf_engine_get_volume_params(mock_engine(m), &params);
    assert_int_equal(params.CaseSensitiveSearch, 0);
    assert_int_equal(params.CasePreservedNames, 1);
    assert_int_equal(params.ExtendedAttributes, 1);
    assert_int_equal(params.CasePreservedExtendedAttributes, 1);
    mock_free(m);
}

/* Create ------------------------------------------------------------------------------- */

static void create_of_a_name_existing_in_another_case_collides(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\readme.txt", FILE_CREATE, 0,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    lookup_absent(m, FUSE_ROOT_ID, "readme.txt");
    const char *const *listings[] = { ROOT_NAMES, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "ReadMe.TXT", 5, MODE_FILE);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));     /* no CREATE */
    mock_free(m);
}

static void open_if_opens_the_file_existing_in_another_case(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\readme.txt", FILE_OPEN_IF, 0,
        FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "readme.txt");
    const char *const *listings[] = { ROOT_NAMES, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "ReadMe.TXT", 5, MODE_FILE);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_OPENED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void create_of_a_new_name_keeps_the_case_given(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\NewDir", FILE_CREATE,
        FILE_DIRECTORY_FILE, FILE_READ_ATTRIBUTES));
    lookup_absent(m, FUSE_ROOT_ID, "NewDir");
    expect_scan_to_end(m, FUSE_ROOT_ID, ROOT_NAMES);
    mock_request req = mock_expect_node(m, FUSE_MKDIR, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body + sizeof(struct fuse_mkdir_in), "NewDir");
    struct fuse_entry_out out = mock_entry(8, MODE_DIR, 0, 60, 0, 60);
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);

    /* Known from now on in any case. */
    hint = mock_submit(m, mock_req_create("\\newdir", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Rename and delete -------------------------------------------------------------------- */

static FSP_FSCTL_TRANSACT_REQ *req_rename(uint64_t handle, const char *path,
    const char *new_path, bool replace)
{
    return mock_req_rename(handle, FileRenameInformation, path, new_path, replace ? 0x1234 : 0,
        0);
}

static void expect_rename(mock_fs *m, const char *oldname, const char *newname)
{
    mock_request req = mock_expect_node(m, FUSE_RENAME, FUSE_ROOT_ID);
    struct fuse_rename_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.newdir, FUSE_ROOT_ID);
    const char *names = (const char *)req.body + sizeof in;
    assert_string_equal(names, oldname);
    assert_string_equal(names + strlen(oldname) + 1, newname);
    assert_int_equal(req.body_size, sizeof in + strlen(oldname) + strlen(newname) + 2);
    mock_reply(m, req.header.unique, 0, NULL, 0);
}

static void case_only_rename_renames_to_the_spelling_asked_for(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t h = open_readme(m);
    /* The FSD's path may be in any case (WinFsp's upper-cases it): the source is the name
       the cache holds; the target, found in another case, is the source itself. */
    uint64_t hint = mock_submit(m, req_rename(h, "\\README.TXT", "\\readme.txt", false));
    lookup_absent(m, FUSE_ROOT_ID, "readme.txt");
    const char *const *listings[] = { ROOT_NAMES, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "ReadMe.TXT", 5, MODE_FILE);
    expect_rename(m, "ReadMe.TXT", "readme.txt");
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void rename_sends_the_stored_source_name(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t h = open_readme(m);
    uint64_t hint = mock_submit(m, req_rename(h, "\\readme.txt", "\\new.txt", false));
    /* No RENAME2 shortcut: the target is looked for in every case first. */
    lookup_absent(m, FUSE_ROOT_ID, "new.txt");
    expect_scan_to_end(m, FUSE_ROOT_ID, ROOT_NAMES);
    expect_rename(m, "ReadMe.TXT", "new.txt");
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void directory_moved_below_itself_in_another_case_is_invalid_parameter(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t hint = mock_submit(m, mock_req_create("\\dir", FILE_OPEN, 0, DELETE));
    lookup_found(m, FUSE_ROOT_ID, "dir", 2, MODE_DIR);
    uint64_t h = mock_response(m, hint).Rsp.Create.Opened.UserContext2;
    /* \DIR is \dir: the walk meets the source's node, whatever the spelling of the path. */
    hint = mock_submit(m, req_rename(h, "\\dir", "\\DIR\\x", false));
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void rename_onto_a_name_existing_in_another_case_collides(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t h = open_readme(m);
    uint64_t hint = mock_submit(m, req_rename(h, "\\readme.txt", "\\OTHER", false));
    lookup_absent(m, FUSE_ROOT_ID, "OTHER");
    const char *const *listings[] = { ROOT_NAMES, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "other", 6, MODE_FILE);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void rename_replacing_a_file_in_another_case_renames_onto_its_stored_name(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t h = open_readme(m);
    uint64_t hint = mock_submit(m, req_rename(h, "\\readme.txt", "\\OTHER", true));
    lookup_absent(m, FUSE_ROOT_ID, "OTHER");
    const char *const *listings[] = { ROOT_NAMES, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    lookup_found(m, FUSE_ROOT_ID, "other", 6, MODE_FILE);
    expect_rename(m, "ReadMe.TXT", "other");
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void delete_at_cleanup_unlinks_the_stored_name(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t h = open_readme(m);
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_cleanup(h);
    mock_req_set_name(req, "\\README.TXT");
    req->Req.Cleanup.Delete = 1;
    uint64_t hint = mock_submit(m, req);
    mock_request unlink = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)unlink.body, "ReadMe.TXT");
    mock_reply(m, unlink.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void delete_of_a_name_not_cached_looks_it_up_in_every_case(void **state)
{
    (void)state;
    mock_fs *m = start_case_insensitive();
    uint64_t h = open_readme(m);
    /* The entry expires from the cache (a notification drops it). */
    struct fuse_notify_inval_entry_out inval = { FUSE_ROOT_ID, 10, 0 };
    uint8_t msg[sizeof(struct fuse_out_header) + sizeof inval + 11];
    struct fuse_out_header header = { sizeof msg, FUSE_NOTIFY_INVAL_ENTRY, 0 };
    memcpy(msg, &header, sizeof header);
    memcpy(msg + sizeof header, &inval, sizeof inval);
    memcpy(msg + sizeof header + sizeof inval, "ReadMe.TXT", 11);
    assert_int_equal(mock_reply_raw(m, msg, sizeof msg), STATUS_SUCCESS);

    FSP_FSCTL_TRANSACT_REQ *req = mock_req_cleanup(h);
    mock_req_set_name(req, "\\readme.txt");
    req->Req.Cleanup.Delete = 1;
    uint64_t hint = mock_submit(m, req);
    lookup_absent(m, FUSE_ROOT_ID, "readme.txt");
    const char *const *listings[] = { ROOT_NAMES, NULL };
    expect_scan(m, FUSE_ROOT_ID, listings);
    mock_request unlink = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    assert_string_equal((const char *)unlink.body, "ReadMe.TXT");
    mock_reply(m, unlink.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(name_as_stored_costs_one_lookup),
        cmocka_unit_test(name_in_another_case_is_scanned_for_then_looked_up_as_stored),
        cmocka_unit_test(scan_reads_on_until_the_name),
        cmocka_unit_test(name_in_no_case_is_not_found_after_the_scan),
        cmocka_unit_test(name_without_letters_needs_no_scan),
        cmocka_unit_test(directory_on_the_path_in_another_case_is_found),
        cmocka_unit_test(scan_of_an_unreadable_directory_finds_nothing),
        cmocka_unit_test(default_volume_is_case_sensitive_and_never_scans),
        cmocka_unit_test(volume_params_say_case_insensitive_and_case_preserved),
        cmocka_unit_test(create_of_a_name_existing_in_another_case_collides),
        cmocka_unit_test(open_if_opens_the_file_existing_in_another_case),
        cmocka_unit_test(create_of_a_new_name_keeps_the_case_given),
        cmocka_unit_test(case_only_rename_renames_to_the_spelling_asked_for),
        cmocka_unit_test(rename_sends_the_stored_source_name),
        cmocka_unit_test(rename_onto_a_name_existing_in_another_case_collides),
        cmocka_unit_test(directory_moved_below_itself_in_another_case_is_invalid_parameter),
        cmocka_unit_test(rename_replacing_a_file_in_another_case_renames_onto_its_stored_name),
        cmocka_unit_test(delete_at_cleanup_unlinks_the_stored_name),
        cmocka_unit_test(delete_of_a_name_not_cached_looks_it_up_in_every_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
