/* test_engine_rename.c — SetInformation Rename and Link: the target looked up, then RENAME2
   NOREPLACE or the checked RENAME, the NTFS refusals, LINK, and what the cache keeps
   afterwards, as FUSE sequences. */
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
#define MODE_READONLY 0100444u
#define MODE_DIR 040755u

static uint64_t submit_rename(mock_fs *m, uint64_t handle, const char *path,
    const char *new_path, bool replace)
{
    return mock_submit(m, mock_req_rename(handle, FileRenameInformation, path, new_path,
        replace ? 0x1234 : 0, replace ? FILE_RENAME_REPLACE_IF_EXISTS : 0));
}

static uint64_t submit_link(mock_fs *m, uint64_t handle, const char *new_path, bool replace)
{
    return mock_submit(m, mock_req_rename(handle, FileLinkInformation, NULL, new_path,
        replace ? 0x1234 : 0, 0));
}

static NTSTATUS status_of(mock_fs *m, uint64_t hint)
{
    return (NTSTATUS)mock_response(m, hint).IoStatus.Status;
}

/* Opens a path for renaming: DELETE and attributes only, so no OPEN goes out; one LOOKUP
   per component (nodeids and modes given, entries cached 60 s). Returns UserContext2. */
static uint64_t open_path(mock_fs *m, const char *path, const uint64_t *ids,
    const uint32_t *modes)
{
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, 0,
        DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE));
    uint64_t parent = FUSE_ROOT_ID;
    const char *p = path;
    for (int i = 0; *p; i++) {
        p++;    /* the backslash */
        size_t len = strcspn(p, "\\");
        mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
        assert_int_equal(req.body_size, len + 1);
        assert_memory_equal(req.body, p, len);
        mock_reply_entry(m, req.header.unique, ids[i], modes[i], 0, 60, 60);
        parent = ids[i];
        p += len;
    }
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static uint64_t open_file(mock_fs *m, const char *name, uint64_t nodeid)
{
    char path[64];
    path[0] = '\\';
    strcpy(path + 1, name);
    uint64_t ids[1] = { nodeid };
    uint32_t modes[1] = { MODE_FILE };
    return open_path(m, path, ids, modes);
}

/* The body of RENAME / RENAME2 / LINK checked field by field, names NUL-terminated. */
static void check_names(const uint8_t *p, uint32_t left, const char *first, const char *second)
{
    size_t n1 = strlen(first) + 1, n2 = second ? strlen(second) + 1 : 0;
    assert_int_equal(left, n1 + n2);
    assert_memory_equal(p, first, n1);
    if (second)
        assert_memory_equal(p + n1, second, n2);
}

static mock_request expect_rename2(mock_fs *m, uint64_t olddir, uint64_t newdir,
    uint32_t flags, const char *oldname, const char *newname)
{
    mock_request req = mock_expect_node(m, FUSE_RENAME2, olddir);
    struct fuse_rename2_in in;
    assert_true(req.body_size >= sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.newdir, newdir);
    assert_int_equal(in.flags, flags);
    check_names(req.body + sizeof in, req.body_size - (uint32_t)sizeof in, oldname, newname);
    return req;
}

static mock_request expect_rename(mock_fs *m, uint64_t olddir, uint64_t newdir,
    const char *oldname, const char *newname)
{
    mock_request req = mock_expect_node(m, FUSE_RENAME, olddir);
    struct fuse_rename_in in;
    assert_true(req.body_size >= sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.newdir, newdir);
    check_names(req.body + sizeof in, req.body_size - (uint32_t)sizeof in, oldname, newname);
    return req;
}

static mock_request expect_lookup(mock_fs *m, uint64_t parent, const char *name)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
    check_names(req.body, req.body_size, name, NULL);
    return req;
}

/* A LOOKUP of name in parent, answered ENOENT. */
static void expect_absent(mock_fs *m, uint64_t parent, const char *name)
{
    mock_request req = expect_lookup(m, parent, name);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
}

static void expect_forget(mock_fs *m, uint64_t nodeid, uint64_t nlookup)
{
    mock_request req = mock_expect_node(m, FUSE_FORGET, nodeid);
    struct fuse_forget_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.nlookup, nlookup);
}

/* Rename ------------------------------------------------------------------------------- */

static void rename_without_replace_looks_up_then_sends_rename2_noreplace(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    /* Absent, as the kernel finds out first; the flag still guards against a name made
       meanwhile by another client. */
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1 /* RENAME_NOREPLACE */,
        "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void rename_forgets_both_names_and_keeps_the_handle_node(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);

    /* The handle still names node 5, whose ctime changed: GETATTR... */
    hint = mock_submit(m, mock_req_query_info(h));
    req = mock_expect_node(m, FUSE_GETATTR, 5);
    struct fuse_attr attr = mock_attr(5, MODE_FILE, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    /* ...the old name is asked again (it was cached for 60 s)... */
    hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    req = expect_lookup(m, FUSE_ROOT_ID, "f");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_NOT_FOUND);
    /* ...and the new name is looked up, not invented. */
    hint = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 0, 60, 60);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void rename_expires_both_parents_attributes(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t a_id[1] = { 2 }, b_id[1] = { 3 };
    uint32_t dir[1] = { MODE_DIR };
    uint64_t ha = open_path(m, "\\a", a_id, dir);
    uint64_t hb = open_path(m, "\\b", b_id, dir);
    uint64_t f_ids[2] = { 2, 5 };
    uint32_t f_modes[2] = { MODE_DIR, MODE_FILE };
    uint64_t hint = mock_submit(m, mock_req_create("\\a\\f", FILE_OPEN, 0,
        DELETE | FILE_READ_ATTRIBUTES));
    mock_request req = expect_lookup(m, 2, "f");    /* \a is cached */
    mock_reply_entry(m, req.header.unique, f_ids[1], f_modes[1], 0, 60, 60);
    uint64_t h = mock_response(m, hint).Rsp.Create.Opened.UserContext2;

    hint = submit_rename(m, h, "\\a\\f", "\\b\\g", false);
    expect_absent(m, 3, "g");
    req = expect_rename2(m, 2, 3, 1, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);

    uint64_t handles[2] = { ha, hb }, ids[2] = { 2, 3 };
    for (int i = 0; i < 2; i++) {
        hint = mock_submit(m, mock_req_query_info(handles[i]));
        req = mock_expect_node(m, FUSE_GETATTR, ids[i]);
        struct fuse_attr attr = mock_attr(ids[i], MODE_DIR, 0);
        mock_reply_attr(m, req.header.unique, &attr, 60);
        assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    }
    mock_free(m);
}

static void rename2_enosys_falls_back_to_rename_and_is_remembered(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1, "f", "g");
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    /* The target is known already: no second LOOKUP. */
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "g");
    assert_int_equal(req.body_size, sizeof(struct fuse_rename_in) + 4);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);

    /* No RENAME2 again. */
    hint = submit_rename(m, h, "\\g", "\\h", false);
    req = expect_lookup(m, FUSE_ROOT_ID, "h");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "g", "h");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void rename2_einval_falls_back_and_is_remembered_once_rename_succeeds(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    /* libfuse's passthrough_ll refuses every rename flag with EINVAL. */
    mock_request req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1, "f", "g");
    mock_reply(m, req.header.unique, -WF_EINVAL, NULL, 0);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);

    hint = submit_rename(m, h, "\\g", "\\h", false);
    req = expect_lookup(m, FUSE_ROOT_ID, "h");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "g", "h");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void old_protocol_without_rename2_uses_checked_rename(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .minor = 22 };
    mock_init(m, &options);
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void existing_target_without_replace_is_collision_and_no_rename_is_sent(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    /* Looked up first, as the kernel does: another file there is a collision before any
       RENAME or RENAME2 (a file system that ignores RENAME_NOREPLACE would replace it). */
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 6, MODE_FILE, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));

    /* A directory there too, for a file or a directory. */
    hint = submit_rename(m, h, "\\f", "\\d", false);
    req = expect_lookup(m, FUSE_ROOT_ID, "d");
    mock_reply_entry(m, req.header.unique, 7, MODE_DIR, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void cached_target_without_replace_is_collision_without_round_trip(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    open_file(m, "g", 6);
    /* The fresh entry answers: no LOOKUP, no RENAME2. */
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void expired_cached_target_is_looked_up_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    /* g cached with no entry timeout: not fresh, so asked again (and gone since). */
    uint64_t hint = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 6, MODE_FILE, 0, 0, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    hint = submit_rename(m, h, "\\f", "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void target_made_after_the_lookup_is_a_collision_from_rename2(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    /* Another client made g in between: the flag refuses it, and no plain RENAME follows. */
    mock_request req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1, "f", "g");
    mock_reply(m, req.header.unique, -WF_EEXIST, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void checked_rename_refuses_existing_target(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_init_options options = { .minor = 22 };
    mock_init(m, &options);
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 6, MODE_FILE, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void replace_over_file_looks_up_then_renames_and_forgets_the_old_node(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", true);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 6, MODE_FILE, 0, 60, 60);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    /* The replaced node lost its only name here: its lookup is given back. */
    expect_forget(m, 6, 1);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void replace_over_absent_target_renames(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", true);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void rename_ex_takes_replace_from_flags(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = mock_submit(m, mock_req_rename(h, FileRenameInformationEx, "\\f", "\\g", 0,
        FILE_RENAME_REPLACE_IF_EXISTS));
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 6, MODE_FILE, 0, 60, 60);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void replace_over_directory_is_access_denied(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\d", true);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "d");
    mock_reply_entry(m, req.header.unique, 6, MODE_DIR, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void directory_replacing_directory_is_access_denied(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[1] = { 5 };
    uint32_t dir[1] = { MODE_DIR };
    uint64_t h = open_path(m, "\\src", ids, dir);
    uint64_t hint = submit_rename(m, h, "\\src", "\\empty", true);
    /* POSIX rename(2) would replace an empty directory; NTFS never replaces one. */
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "empty");
    mock_reply_entry(m, req.header.unique, 6, MODE_DIR, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void replace_over_readonly_file_is_access_denied_unless_ignored(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\ro", true);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "ro");
    mock_reply_entry(m, req.header.unique, 6, MODE_READONLY, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));

    /* FILE_RENAME_IGNORE_READONLY_ATTRIBUTE: the cached entry answers, then RENAME. */
    hint = mock_submit(m, mock_req_rename(h, FileRenameInformationEx, "\\f", "\\ro", 0x1234,
        FILE_RENAME_REPLACE_IF_EXISTS | FILE_RENAME_IGNORE_READONLY_ATTRIBUTE));
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "ro");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void missing_source_gives_object_name_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1, "f", "g");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static void missing_target_parent_gives_object_path_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\nodir\\g", false);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "nodir");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_PATH_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void target_parent_that_is_a_file_gives_object_path_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    open_file(m, "plain", 6);
    uint64_t hint = submit_rename(m, h, "\\f", "\\plain\\g", true);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_PATH_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void case_only_rename_is_an_ordinary_rename(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[2] = { 2, 5 };
    uint32_t modes[2] = { MODE_DIR, MODE_FILE };
    uint64_t h = open_path(m, "\\a\\File", ids, modes);
    uint64_t hint = submit_rename(m, h, "\\a\\File", "\\a\\FILE", false);
    expect_absent(m, 2, "FILE");
    mock_request req = expect_rename2(m, 2, 2, 1, "File", "FILE");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void rename_onto_itself_succeeds_without_round_trip(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\f", false);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    hint = submit_rename(m, h, "\\f", "\\f", true);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void rename_onto_another_link_of_the_same_file_succeeds(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_rename(m, h, "\\f", "\\g", false);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 0, 60, 60);
    /* The same file: NTFS does not call it a collision; the rename goes as POSIX does it. */
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void directory_into_itself_is_invalid_parameter_and_nothing_is_sent(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[1] = { 2 };
    uint32_t dir[1] = { MODE_DIR };
    uint64_t h = open_path(m, "\\d", ids, dir);
    /* The target's parent is the source itself: the kernel's EINVAL, before any request. */
    uint64_t hint = submit_rename(m, h, "\\d", "\\d\\sub", false);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_INVALID_PARAMETER);
    hint = submit_rename(m, h, "\\d", "\\d\\sub", true);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 50));

    /* RENAME2 is still used for other moves. */
    uint64_t f = open_file(m, "f", 5);
    hint = submit_rename(m, f, "\\f", "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = expect_rename2(m, FUSE_ROOT_ID, FUSE_ROOT_ID, 1, "f", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void directory_into_a_deeper_descendant_is_invalid_parameter_and_nothing_is_sent(
    void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[1] = { 2 };
    uint32_t dir[1] = { MODE_DIR };
    uint64_t h = open_path(m, "\\d", ids, dir);
    /* The walk to \d\sub passes through the source's node: found by nodeid, whatever the
       spelling (here the LOOKUP of "sub" is the only request). */
    uint64_t hint = submit_rename(m, h, "\\d", "\\d\\sub\\x", false);
    mock_request req = expect_lookup(m, 2, "sub");
    mock_reply_entry(m, req.header.unique, 3, MODE_DIR, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_INVALID_PARAMETER);
    /* Again, from the cache: still refused, still nothing sent. */
    hint = submit_rename(m, h, "\\d", "\\d\\sub\\x", true);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void directory_into_a_sibling_with_a_common_prefix_is_renamed(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[1] = { 2 };
    uint32_t dir[1] = { MODE_DIR };
    uint64_t h = open_path(m, "\\d", ids, dir);
    /* \dd is not below \d, though its path begins with it. */
    uint64_t hint = submit_rename(m, h, "\\d", "\\dd\\x", false);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "dd");
    mock_reply_entry(m, req.header.unique, 3, MODE_DIR, 0, 60, 60);
    expect_absent(m, 3, "x");
    req = expect_rename2(m, FUSE_ROOT_ID, 3, 1, "d", "x");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void directory_replacing_a_file_is_not_a_directory_and_nothing_is_sent(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[1] = { 2 };
    uint32_t dir[1] = { MODE_DIR };
    uint64_t h = open_path(m, "\\d", ids, dir);
    /* NTFS would; POSIX cannot (ENOTDIR, from the VFS): no RENAME for the file system. */
    uint64_t hint = submit_rename(m, h, "\\d", "\\f", true);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "f");
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_NOT_A_DIRECTORY);
    /* Without replace it is a collision, known from the cache. */
    hint = submit_rename(m, h, "\\d", "\\f", false);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void directory_onto_its_own_parent_is_refused_and_nothing_is_sent(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[2] = { 2, 3 };
    uint32_t dirs[2] = { MODE_DIR, MODE_DIR };
    uint64_t h = open_path(m, "\\d\\sub", ids, dirs);
    /* The target is an ancestor of the source (the kernel: ENOTEMPTY): an existing
       directory, which NTFS neither collides into silently nor replaces. */
    uint64_t hint = submit_rename(m, h, "\\d\\sub", "\\d", false);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    hint = submit_rename(m, h, "\\d\\sub", "\\d", true);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void dot_and_dotdot_and_overlong_target_names_are_name_invalid(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    char longname[300];
    longname[0] = '\\';
    memset(longname + 1, 'a', 256);
    longname[257] = 0;
    const char *names[] = { "\\.", "\\..", "\\d\\..\\g", longname };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint64_t hint = submit_rename(m, h, "\\f", names[i], false);
        assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_INVALID);
        hint = submit_link(m, h, names[i], false);
        assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_INVALID);
    }
    /* 255 units is still a name. */
    longname[256] = 0;
    uint64_t hint = submit_link(m, h, longname, false);
    expect_absent(m, FUSE_ROOT_ID, longname + 1);
    mock_request req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 0, 60, 60);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void rename_of_unknown_handle_is_invalid_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_rename(m, 0, "\\f", "\\g", false);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_INVALID_HANDLE);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Link --------------------------------------------------------------------------------- */

static void link_sends_link_and_caches_the_new_name(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    struct fuse_link_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.oldnodeid, 5);
    check_names(req.body + sizeof in, req.body_size - (uint32_t)sizeof in, "g", NULL);
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 42, 60, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 42);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.IndexNumber, 5);

    /* The new name is known without a LOOKUP. */
    hint = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_over_existing_name_without_replace_is_name_collision(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", false);
    /* Looked up first, as the kernel does: no LINK onto an existing name (fuse2fs would
       add a second entry of that name). */
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 6, MODE_FILE, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));

    /* A name that appears between the LOOKUP and the LINK: the file system's EEXIST. */
    hint = submit_link(m, h, "\\g2", false);
    expect_absent(m, FUSE_ROOT_ID, "g2");
    req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_EEXIST, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);

    /* A name the cache knows is a collision at once. */
    open_file(m, "known", 6);
    hint = submit_link(m, h, "\\known", false);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The temporary name a replacing link of node 5 takes first. */
#define TEMP5 ".wf-link-0000000000000005-0"

/* Takes FORGETs (one per message, or batched) until each of the count nodeids has been
   forgotten once, with nlookup 1. */
static void expect_forgets(mock_fs *m, const uint64_t *nodeids, uint32_t count)
{
    bool seen[4] = { false, false, false, false };
    uint32_t got = 0;
    assert_true(count <= 4);
    while (got < count) {
        mock_request req;
        assert_true(mock_take(m, &req, 1000));
        struct fuse_forget_one ones[4];
        uint32_t n = 1;
        if (req.header.opcode == FUSE_FORGET) {
            struct fuse_forget_in in;
            memcpy(&in, req.body, sizeof in);
            ones[0].nodeid = req.header.nodeid;
            ones[0].nlookup = in.nlookup;
        } else {
            assert_int_equal(req.header.opcode, FUSE_BATCH_FORGET);
            struct fuse_batch_forget_in batch;
            memcpy(&batch, req.body, sizeof batch);
            n = batch.count;
            assert_true(n <= count - got);
            memcpy(ones, req.body + sizeof batch, n * sizeof ones[0]);
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k = 0;
            while (k < count && nodeids[k] != ones[i].nodeid)
                k++;
            assert_true(k < count);
            assert_false(seen[k]);
            seen[k] = true;
            assert_int_equal(ones[i].nlookup, 1);
            got++;
        }
    }
}

/* A replacing link up to its LINK: the target g (node 6, inode ino) found, the temporary
   name found free; returns the LINK request, which names the temporary name. */
static mock_request replacing_link_to_temp(mock_fs *m, uint64_t ino)
{
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    struct fuse_entry_out target = mock_entry(6, MODE_FILE, 7, 60, 0, 60);
    target.attr.ino = ino;
    mock_reply(m, req.header.unique, 0, &target, sizeof target);
    expect_absent(m, FUSE_ROOT_ID, TEMP5);
    req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    struct fuse_link_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.oldnodeid, 5);
    check_names(req.body + sizeof in, req.body_size - (uint32_t)sizeof in, TEMP5, NULL);
    return req;
}

/* FUSE has no replacing LINK: an UNLINK of the target first would lose it whenever the
   LINK then fails. As a careful POSIX program does it: LINK to a temporary name beside the
   target, then RENAME over it (which replaces it at once). */
static void link_with_replace_links_a_temporary_name_then_renames_it_over_the_target(
    void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", true);
    mock_request req = replacing_link_to_temp(m, 6);
    struct fuse_entry_out linked = mock_entry(5, MODE_FILE, 42, 60, 0, 60);
    linked.attr.nlink = 2;
    mock_reply(m, req.header.unique, 0, &linked, sizeof linked);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, TEMP5, "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.FileSize, 42);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.HardLinks, 2);
    /* The replaced node's lookup is given back. */
    expect_forget(m, 6, 1);
    assert_true(mock_idle(m, 50));

    /* Both names were forgotten: the target's is looked up again, and finds the file. */
    hint = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 42, 60, 60);
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 5);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* A path-based file system answers the LINK with another nodeid: the lookup that reply
   counted is given back once the temporary name is renamed away. */
static void link_with_replace_gives_back_the_temporary_names_lookup(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", true);
    mock_request req = replacing_link_to_temp(m, 6);
    mock_reply_entry(m, req.header.unique, 7, MODE_FILE, 0, 60, 60);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, TEMP5, "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    uint64_t forgotten[2] = { 6, 7 };
    expect_forgets(m, forgotten, 2);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* A file system without LINK (fuse-zip): the target is untouched, nothing is unlinked, and
   the answer is FAT's to a link. */
static void link_with_replace_answered_enosys_leaves_the_target(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", true);
    mock_request req = replacing_link_to_temp(m, 6);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_INVALID_DEVICE_REQUEST);
    assert_true(mock_idle(m, 50));

    /* The target is still known under its name: opened from the cache, no round trip. */
    hint = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.FileInfo.IndexNumber, 6);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* Any other refused LINK (here too many links) leaves the target as well. */
static void link_with_replace_answered_emlink_leaves_the_target(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", true);
    mock_request req = replacing_link_to_temp(m, 6);
    mock_reply(m, req.header.unique, -WF_EMLINK, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_TOO_MANY_LINKS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The RENAME over the target refused: the temporary name goes again, the target stays, and
   the RENAME's error is the answer. */
static void link_with_replace_whose_rename_fails_removes_the_temporary_name(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", true);
    mock_request req = replacing_link_to_temp(m, 6);
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 0, 60, 60);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, TEMP5, "g");
    mock_reply(m, req.header.unique, -WF_EPERM, NULL, 0);
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    check_names(req.body, req.body_size, TEMP5, NULL);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));

    /* The temporary name is not cached: a Create of it looks it up. */
    hint = mock_submit(m, mock_req_create("\\" TEMP5, FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    expect_absent(m, FUSE_ROOT_ID, TEMP5);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_NAME_NOT_FOUND);
    /* The source's link count went up and down: asked again. */
    hint = mock_submit(m, mock_req_query_info(h));
    req = mock_expect_node(m, FUSE_GETATTR, 5);
    struct fuse_attr attr = mock_attr(5, MODE_FILE, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* A temporary name left by an interrupted change is not linked onto: the next one is. */
static void link_with_replace_skips_a_temporary_name_that_exists(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", true);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "g");
    mock_reply_entry(m, req.header.unique, 6, MODE_FILE, 0, 60, 60);
    req = expect_lookup(m, FUSE_ROOT_ID, TEMP5);
    mock_reply_entry(m, req.header.unique, 9, MODE_FILE, 0, 60, 60);
    expect_absent(m, FUSE_ROOT_ID, ".wf-link-0000000000000005-1");
    req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    check_names(req.body + sizeof(struct fuse_link_in),
        req.body_size - (uint32_t)sizeof(struct fuse_link_in), ".wf-link-0000000000000005-1",
        NULL);
    mock_reply_entry(m, req.header.unique, 5, MODE_FILE, 0, 60, 60);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, ".wf-link-0000000000000005-1", "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    expect_forget(m, 6, 1);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The target another link of the source's inode under another nodeid (a path-based file
   system): rename(2) between two links of one inode leaves both names, so the temporary
   one is unlinked after it. */
static void link_with_replace_over_another_link_of_the_same_inode_removes_the_temporary_name(
    void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", true);
    mock_request req = replacing_link_to_temp(m, 5);
    struct fuse_entry_out linked = mock_entry(7, MODE_FILE, 0, 60, 0, 60);
    linked.attr.ino = 5;
    linked.attr.nlink = 3;
    mock_reply(m, req.header.unique, 0, &linked, sizeof linked);
    req = expect_rename(m, FUSE_ROOT_ID, FUSE_ROOT_ID, TEMP5, "g");
    mock_reply(m, req.header.unique, 0, NULL, 0);
    req = mock_expect_node(m, FUSE_UNLINK, FUSE_ROOT_ID);
    check_names(req.body, req.body_size, TEMP5, NULL);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetInformation.FileInfo.HardLinks, 2);
    uint64_t forgotten[2] = { 6, 7 };
    expect_forgets(m, forgotten, 2);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_with_replace_over_directory_is_access_denied(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\d", true);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "d");
    mock_reply_entry(m, req.header.unique, 6, MODE_DIR, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_of_directory_is_file_is_a_directory(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t ids[1] = { 2 };
    uint32_t dir[1] = { MODE_DIR };
    uint64_t h = open_path(m, "\\d", ids, dir);
    uint64_t hint = submit_link(m, h, "\\e", false);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_FILE_IS_A_DIRECTORY);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_emlink_gives_too_many_links(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, -WF_EMLINK, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_TOO_MANY_LINKS);
    mock_free(m);
}

static void link_missing_target_parent_gives_object_path_not_found(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\nodir\\g", false);
    mock_request req = expect_lookup(m, FUSE_ROOT_ID, "nodir");
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_OBJECT_PATH_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void link_reply_of_another_type_is_a_bad_reply_and_its_lookup_is_given_back(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t h = open_file(m, "f", 5);
    uint64_t hint = submit_link(m, h, "\\g", false);
    expect_absent(m, FUSE_ROOT_ID, "g");
    mock_request req = mock_expect_node(m, FUSE_LINK, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 7, MODE_DIR, 0, 60, 60);
    assert_int_equal(status_of(m, hint), (NTSTATUS)STATUS_IO_DEVICE_ERROR);
    expect_forget(m, 7, 1);
    wf_engine_info info;
    wf_engine_get_info(mock_engine(m), &info);
    assert_int_equal(info.bad_replies, 1);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rename_without_replace_looks_up_then_sends_rename2_noreplace),
        cmocka_unit_test(rename_forgets_both_names_and_keeps_the_handle_node),
        cmocka_unit_test(rename_expires_both_parents_attributes),
        cmocka_unit_test(rename2_enosys_falls_back_to_rename_and_is_remembered),
        cmocka_unit_test(rename2_einval_falls_back_and_is_remembered_once_rename_succeeds),
        cmocka_unit_test(old_protocol_without_rename2_uses_checked_rename),
        cmocka_unit_test(existing_target_without_replace_is_collision_and_no_rename_is_sent),
        cmocka_unit_test(cached_target_without_replace_is_collision_without_round_trip),
        cmocka_unit_test(expired_cached_target_is_looked_up_again),
        cmocka_unit_test(target_made_after_the_lookup_is_a_collision_from_rename2),
        cmocka_unit_test(checked_rename_refuses_existing_target),
        cmocka_unit_test(replace_over_file_looks_up_then_renames_and_forgets_the_old_node),
        cmocka_unit_test(replace_over_absent_target_renames),
        cmocka_unit_test(rename_ex_takes_replace_from_flags),
        cmocka_unit_test(replace_over_directory_is_access_denied),
        cmocka_unit_test(directory_replacing_directory_is_access_denied),
        cmocka_unit_test(replace_over_readonly_file_is_access_denied_unless_ignored),
        cmocka_unit_test(missing_source_gives_object_name_not_found),
        cmocka_unit_test(missing_target_parent_gives_object_path_not_found),
        cmocka_unit_test(target_parent_that_is_a_file_gives_object_path_not_found),
        cmocka_unit_test(case_only_rename_is_an_ordinary_rename),
        cmocka_unit_test(rename_onto_itself_succeeds_without_round_trip),
        cmocka_unit_test(rename_onto_another_link_of_the_same_file_succeeds),
        cmocka_unit_test(directory_into_itself_is_invalid_parameter_and_nothing_is_sent),
        cmocka_unit_test(
            directory_into_a_deeper_descendant_is_invalid_parameter_and_nothing_is_sent),
        cmocka_unit_test(directory_into_a_sibling_with_a_common_prefix_is_renamed),
        cmocka_unit_test(directory_replacing_a_file_is_not_a_directory_and_nothing_is_sent),
        cmocka_unit_test(directory_onto_its_own_parent_is_refused_and_nothing_is_sent),
        cmocka_unit_test(dot_and_dotdot_and_overlong_target_names_are_name_invalid),
        cmocka_unit_test(rename_of_unknown_handle_is_invalid_handle),
        cmocka_unit_test(link_sends_link_and_caches_the_new_name),
        cmocka_unit_test(link_over_existing_name_without_replace_is_name_collision),
        cmocka_unit_test(link_with_replace_links_a_temporary_name_then_renames_it_over_the_target),
        cmocka_unit_test(link_with_replace_gives_back_the_temporary_names_lookup),
        cmocka_unit_test(link_with_replace_answered_enosys_leaves_the_target),
        cmocka_unit_test(link_with_replace_answered_emlink_leaves_the_target),
        cmocka_unit_test(link_with_replace_whose_rename_fails_removes_the_temporary_name),
        cmocka_unit_test(link_with_replace_skips_a_temporary_name_that_exists),
        cmocka_unit_test(link_with_replace_over_another_link_of_the_same_inode_removes_the_temporary_name),
        cmocka_unit_test(link_with_replace_over_directory_is_access_denied),
        cmocka_unit_test(link_of_directory_is_file_is_a_directory),
        cmocka_unit_test(link_emlink_gives_too_many_links),
        cmocka_unit_test(link_missing_target_parent_gives_object_path_not_found),
        cmocka_unit_test(link_reply_of_another_type_is_a_bad_reply_and_its_lookup_is_given_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
