/* test_engine_access.c — caller identities and the access checks made before the file
   system is asked: traverse, the desired access, add and delete rights, MAXIMUM_ALLOWED,
   root, the sticky bit, rename, and a Create's security descriptor, as FUSE sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"
#include "winfuse/security.h"
#include "sd_build.h"
#include "fsd.h"

#define PID 4242u
/* Token handles the test's identity callback knows. */
#define USER 1u         /* uid 1001, gid 1001, supplementary group 50 */
#define ROOT 2u         /* uid 0 */
#define OTHER 3u        /* uid 1002, gid 1002 */
#define UNKNOWN 9u

#define RIGHTS_ANYONE (SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES | FILE_READ_EA)

static bool test_identity(void *host, uint64_t token, wf_identity *out)
{
    (void)host;
    assert_int_equal(out->pid, PID);    /* filled from the token before the call */
    switch (FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(token)) {
    case USER:
        out->uid = 1001;
        out->gid = 1001;
        out->group_count = 1;
        out->groups[0] = 50;
        return true;
    case ROOT:
        out->uid = 0;
        out->gid = 0;
        return true;
    case OTHER:
        out->uid = 1002;
        out->gid = 1002;
        return true;
    default:
        return false;
    }
}

static void use_test_identity(wf_engine_params *params)
{
    params->identity = test_identity;
}

static mock_fs *start(void)
{
    mock_fs *m = mock_new_params(0, use_test_identity);
    mock_init(m, NULL);
    return m;
}

static FSP_FSCTL_TRANSACT_REQ *create_as(uint32_t who, const char *path, uint32_t disposition,
    uint32_t options, uint32_t access)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_create(path, disposition, options, access);
    req->Req.Create.AccessToken = WF_FSP_ACCESS_TOKEN(PID, who);
    return req;
}

static void reply_entry(mock_fs *m, uint64_t unique, uint64_t nodeid, uint32_t mode,
    uint32_t uid, uint32_t gid)
{
    struct fuse_entry_out out = mock_entry(nodeid, mode, 0, 60, 0, 60);
    out.attr.uid = uid;
    out.attr.gid = gid;
    assert_int_equal(mock_reply(m, unique, 0, &out, sizeof out), STATUS_SUCCESS);
}

static void reply_attr(mock_fs *m, uint64_t unique, uint64_t ino, uint32_t mode,
    uint32_t uid, uint32_t gid)
{
    struct fuse_attr attr = mock_attr(ino, mode, 0);
    attr.uid = uid;
    attr.gid = gid;
    assert_int_equal(mock_reply_attr(m, unique, &attr, 60), STATUS_SUCCESS);
}

/* The root's attributes, asked by the first traverse check. */
static void expect_root_getattr(mock_fs *m, uint32_t mode, uint32_t uid)
{
    mock_request req = mock_expect_node(m, FUSE_GETATTR, FUSE_ROOT_ID);
    assert_int_equal(req.header.uid, 1001);
    reply_attr(m, req.header.unique, FUSE_ROOT_ID, mode, uid, uid);
}

static void expect_lookup(mock_fs *m, uint64_t parent, const char *name, uint64_t nodeid,
    uint32_t mode, uint32_t uid, uint32_t gid)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
    assert_string_equal((const char *)req.body, name);
    reply_entry(m, req.header.unique, nodeid, mode, uid, gid);
}

static void expect_lookup_enoent(mock_fs *m, uint64_t parent, const char *name)
{
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, parent);
    assert_string_equal((const char *)req.body, name);
    mock_reply(m, req.header.unique, -WF_ENOENT, NULL, 0);
}

static FSP_FSCTL_TRANSACT_RSP denied_and_nothing_sent(mock_fs *m, uint64_t hint)
{
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal((NTSTATUS)rsp.IoStatus.Status, STATUS_ACCESS_DENIED);
    assert_true(mock_idle(m, 50));
    return rsp;
}

/* Identity ----------------------------------------------------------------------------- */

static void create_requests_carry_the_callers_uid_gid_and_pid(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_READ_DATA));
    expect_root_getattr(m, 040755, 0);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_int_equal(req.header.uid, 1001);
    assert_int_equal(req.header.gid, 1001);
    assert_int_equal(req.header.pid, PID);
    reply_entry(m, req.header.unique, 2, 0100644, 0, 0);
    req = mock_expect_node(m, FUSE_OPEN, 2);
    assert_int_equal(req.header.uid, 1001);
    mock_reply_open(m, req.header.unique, 7, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void requests_on_a_handle_carry_the_openers_identity(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_READ_DATA));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100644, 1001, 1001);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 2);
    mock_reply_open(m, req.header.unique, 7, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    char buf[16];
    hint = mock_submit(m, mock_req_read(handle, buf, 0, sizeof buf));
    req = mock_expect_node(m, FUSE_READ, 2);
    assert_int_equal(req.header.uid, 1001);
    assert_int_equal(req.header.gid, 1001);
    assert_int_equal(req.header.pid, PID);
    mock_reply(m, req.header.unique, 0, "abc", 3);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = mock_submit(m, mock_req_close(handle));
    req = mock_expect_node(m, FUSE_RELEASE, 2);
    assert_int_equal(req.header.uid, 1001);
    assert_int_equal(req.header.pid, PID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void a_token_the_host_cannot_resolve_is_access_denied(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(UNKNOWN, "\\f", FILE_OPEN, 0, FILE_READ_DATA));
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void without_an_identity_callback_requests_act_for_the_host_unchecked(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\secret\\f", FILE_OPEN, 0, FILE_READ_DATA));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_int_equal(req.header.uid, 1000);
    assert_int_equal(req.header.pid, 42);
    reply_entry(m, req.header.unique, 2, 040700, 0, 0);
    expect_lookup(m, 2, "f", 3, 0100600, 0, 0);
    req = mock_expect_node(m, FUSE_OPEN, 3);
    mock_reply_open(m, req.header.unique, 7, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void kernel_mode_requests_carry_the_identity_but_are_not_checked(void **state)
{
    (void)state;
    mock_fs *m = start();
    FSP_FSCTL_TRANSACT_REQ *create = create_as(USER, "\\secret\\f", FILE_OPEN, 0, FILE_READ_DATA);
    create->Req.Create.UserMode = 0;
    uint64_t hint = mock_submit(m, create);
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_int_equal(req.header.uid, 1001);
    reply_entry(m, req.header.unique, 2, 040700, 0, 0);
    expect_lookup(m, 2, "f", 3, 0100600, 0, 0);
    req = mock_expect_node(m, FUSE_OPEN, 3);
    mock_reply_open(m, req.header.unique, 7, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* Traverse ----------------------------------------------------------------------------- */

static void a_directory_without_x_stops_the_walk_with_no_lookup_in_it(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\secret\\f", FILE_OPEN, 0, FILE_READ_DATA));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "secret", 2, 040700, 0, 0);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void a_root_without_x_refuses_every_path(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    expect_root_getattr(m, 040700, 0);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void traverse_privilege_skips_the_directory_checks(void **state)
{
    (void)state;
    mock_fs *m = start();
    FSP_FSCTL_TRANSACT_REQ *create = create_as(USER, "\\secret\\f", FILE_OPEN, 0, FILE_READ_DATA);
    create->Req.Create.HasTraversePrivilege = 1;
    uint64_t hint = mock_submit(m, create);
    expect_lookup(m, FUSE_ROOT_ID, "secret", 2, 040700, 0, 0);
    expect_lookup(m, 2, "f", 3, 0100644, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 3);
    mock_reply_open(m, req.header.unique, 7, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void cached_directory_attributes_answer_the_traverse_check(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\d\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "d", 2, 040755, 0, 0);
    expect_lookup(m, 2, "f", 3, 0100644, 0, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    /* Again: everything is cached within its TTL, nothing is asked. */
    hint = mock_submit(m, create_as(USER, "\\d\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* The desired access ------------------------------------------------------------------- */

static void read_refused_by_the_mode_sends_no_open(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_GENERIC_READ));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100640, 0, 0);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void write_refused_to_others_sends_no_open(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_GENERIC_WRITE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100644, 0, 0);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void a_supplementary_group_reads_by_the_group_bits(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_GENERIC_READ));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100640, 0, 50);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 2);
    mock_reply_open(m, req.header.unique, 7, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess, FILE_GENERIC_READ);
    mock_free(m);
}

static void the_owner_class_applies_even_when_the_group_grants_more(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_READ_DATA));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100077, 1001, 1001);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void execute_needs_x(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, FILE_EXECUTE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100644, 1001, 1001);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void write_attributes_and_dac_belong_to_the_owner(void **state)
{
    (void)state;
    mock_fs *m = start();
    /* Not the owner, no w: WRITE_DAC is refused... */
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, WRITE_DAC));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100644, 0, 0);
    denied_and_nothing_sent(m, hint);
    /* ... the owner of a read-only-to-others file has it, and FILE_WRITE_ATTRIBUTES. */
    hint = mock_submit(m, create_as(OTHER, "\\g", FILE_OPEN, 0,
        WRITE_DAC | WRITE_OWNER | FILE_WRITE_ATTRIBUTES));
    expect_lookup(m, FUSE_ROOT_ID, "g", 3, 0100444, 1002, 1002);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess,
        WRITE_DAC | WRITE_OWNER | FILE_WRITE_ATTRIBUTES);
    mock_free(m);
}

static void maximum_allowed_grants_exactly_what_the_mode_allows(void **state)
{
    (void)state;
    mock_fs *m = start();
    /* Another's 0644 file in a 0755 directory: read, nothing else. */
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, MAXIMUM_ALLOWED));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100644, 0, 0);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 2);
    struct fuse_open_in open_in;
    memcpy(&open_in, req.body, sizeof open_in);
    assert_int_equal(open_in.flags, 0 /* O_RDONLY */);
    mock_reply_open(m, req.header.unique, 7, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess, RIGHTS_ANYONE | FILE_READ_DATA);
    mock_free(m);
}

static void maximum_allowed_gives_the_owner_write_and_delete_in_a_writable_directory(
    void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, MAXIMUM_ALLOWED));
    expect_root_getattr(m, 040777, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100640, 1001, 1001);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 2);
    struct fuse_open_in open_in;
    memcpy(&open_in, req.body, sizeof open_in);
    assert_int_equal(open_in.flags, 2 /* O_RDWR */);
    mock_reply_open(m, req.header.unique, 7, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess,
        RIGHTS_ANYONE | FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA |
        FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA | FILE_DELETE_CHILD |
        WRITE_DAC | WRITE_OWNER | DELETE);
    mock_free(m);
}

static void an_overwrite_needs_write_access(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OVERWRITE, 0, FILE_READ_DATA));
    expect_root_getattr(m, 040777, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100644, 0, 0);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

/* Root --------------------------------------------------------------------------------- */

static void root_passes_every_mode_check_without_asking_attributes(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(ROOT, "\\secret\\f", FILE_OPEN, 0,
        FILE_READ_DATA | FILE_WRITE_DATA | DELETE));
    expect_lookup(m, FUSE_ROOT_ID, "secret", 2, 040700, 1002, 1002);
    expect_lookup(m, 2, "f", 3, 0100600, 1002, 1002);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 3);
    assert_int_equal(req.header.uid, 0);
    struct fuse_open_in open_in;
    memcpy(&open_in, req.body, sizeof open_in);
    assert_int_equal(open_in.flags, 2 /* O_RDWR */);
    mock_reply_open(m, req.header.unique, 7, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess,
        FILE_READ_DATA | FILE_WRITE_DATA | DELETE);
    mock_free(m);
}

static void root_gets_no_execute_on_a_file_without_any_x(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(ROOT, "\\f", FILE_OPEN, 0, FILE_EXECUTE));
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100644, 1002, 1002);
    denied_and_nothing_sent(m, hint);
    /* Any x bit will do. */
    hint = mock_submit(m, create_as(ROOT, "\\g", FILE_OPEN, 0, FILE_EXECUTE));
    expect_lookup(m, FUSE_ROOT_ID, "g", 3, 0100601, 1002, 1002);
    mock_request req = mock_expect_node(m, FUSE_OPEN, 3);
    mock_reply_open(m, req.header.unique, 7, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* Creating and deleting ------------------------------------------------------------------- */

static void create_in_a_directory_without_w_sends_no_create(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\new", FILE_CREATE, 0, FILE_GENERIC_WRITE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup_enoent(m, FUSE_ROOT_ID, "new");
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void mkdir_in_a_directory_without_w_sends_no_mkdir(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\d\\new", FILE_CREATE,
        FILE_DIRECTORY_FILE, FILE_LIST_DIRECTORY));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "d", 2, 040575, 1001, 1001);   /* the owner lacks w */
    expect_lookup_enoent(m, 2, "new");
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void create_in_a_writable_directory_sends_create_as_the_caller(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\d\\new", FILE_CREATE, 0,
        FILE_GENERIC_WRITE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "d", 2, 040770, 0, 50);
    expect_lookup_enoent(m, 2, "new");
    mock_request req = mock_expect_node(m, FUSE_CREATE, 2);
    assert_int_equal(req.header.uid, 1001);
    assert_int_equal(req.header.gid, 1001);
    struct fuse_entry_out entry = mock_entry(3, 0100644, 0, 60, 0, 60);
    entry.attr.uid = 1001;
    entry.attr.gid = 1001;
    struct fuse_open_out open_out = { .fh = 9 };
    uint8_t body[sizeof entry + sizeof open_out];
    memcpy(body, &entry, sizeof entry);
    memcpy(body + sizeof entry, &open_out, sizeof open_out);
    mock_reply(m, req.header.unique, 0, body, sizeof body);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    /* The creator gets what it asked, whatever the new file's mode. */
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess, FILE_GENERIC_WRITE);
    mock_free(m);
}

static void delete_needs_w_and_x_on_the_parent(void **state)
{
    (void)state;
    mock_fs *m = start();
    /* Owning the file is not enough (POSIX): the directory decides. */
    uint64_t hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "f", 2, 0100666, 1001, 1001);
    denied_and_nothing_sent(m, hint);
    /* Nor is FILE_DELETE_ON_CLOSE. */
    hint = mock_submit(m, create_as(USER, "\\f", FILE_OPEN, FILE_DELETE_ON_CLOSE,
        FILE_READ_ATTRIBUTES));
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void delete_is_granted_by_a_writable_parent_whoever_owns_the_file(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\d\\f", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "d", 2, 040733, 0, 0);
    expect_lookup(m, 2, "f", 3, 0100400, 1002, 1002);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess, DELETE);
    assert_true(mock_idle(m, 50));     /* metadata only: no OPEN */
    mock_free(m);
}

static void a_sticky_directory_lets_only_the_owner_of_file_or_directory_delete(void **state)
{
    (void)state;
    mock_fs *m = start();
    /* Another's file in a sticky world-writable directory owned by root: refused. */
    uint64_t hint = mock_submit(m, create_as(USER, "\\tmp\\theirs", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "tmp", 2, 041777, 0, 0);
    expect_lookup(m, 2, "theirs", 3, 0100666, 1002, 1002);
    denied_and_nothing_sent(m, hint);
    /* The caller's own file: granted. */
    hint = mock_submit(m, create_as(USER, "\\tmp\\mine", FILE_OPEN, 0, DELETE));
    expect_lookup(m, 2, "mine", 4, 0100600, 1001, 1001);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    /* MAXIMUM_ALLOWED on another's file there: everything the mode gives but DELETE. */
    hint = mock_submit(m, create_as(USER, "\\tmp\\theirs", FILE_OPEN, 0,
        MAXIMUM_ALLOWED));
    mock_request req = mock_expect_node(m, FUSE_OPEN, 3);
    mock_reply_open(m, req.header.unique, 7, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.Create.Opened.GrantedAccess & DELETE, 0);
    assert_int_not_equal(rsp.Rsp.Create.Opened.GrantedAccess & FILE_WRITE_DATA, 0);
    mock_free(m);
}

static void the_owner_of_a_sticky_directory_deletes_anything_in_it(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\tmp\\theirs", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "tmp", 2, 041777, 1001, 1001);
    expect_lookup(m, 2, "theirs", 3, 0100600, 1002, 1002);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* Rename ------------------------------------------------------------------------------- */

static void rename_into_a_directory_without_w_sends_no_rename(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\src", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 040777, 0);
    expect_lookup(m, FUSE_ROOT_ID, "src", 2, 0100644, 1001, 1001);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    hint = mock_submit(m, mock_req_rename(handle, FileRenameInformation, "\\src", "\\ro\\dst", 0, 0));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "ro");
    assert_int_equal(req.header.uid, 1001);
    reply_entry(m, req.header.unique, 3, 040755, 0, 0);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void rename_into_a_writable_directory_goes_out_as_the_opener(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\src", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 040777, 0);
    expect_lookup(m, FUSE_ROOT_ID, "src", 2, 0100644, 1001, 1001);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    hint = mock_submit(m, mock_req_rename(handle, FileRenameInformation, "\\src", "\\rw\\dst", 0, 0));
    expect_lookup(m, FUSE_ROOT_ID, "rw", 3, 040770, 0, 50);
    expect_lookup_enoent(m, 3, "dst");
    mock_request req = mock_expect_node(m, FUSE_RENAME2, FUSE_ROOT_ID);
    assert_int_equal(req.header.uid, 1001);
    assert_int_equal(req.header.pid, PID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void replacing_anothers_file_in_a_sticky_directory_is_refused(void **state)
{
    (void)state;
    mock_fs *m = start();
    mock_request req = { 0 };
    uint64_t hint = mock_submit(m, create_as(USER, "\\src", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 041777, 0);
    expect_lookup(m, FUSE_ROOT_ID, "src", 2, 0100644, 1001, 1001);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    /* The renaming thread's token (ReplaceIfExists) acts. */
    hint = mock_submit(m, mock_req_rename(handle, FileRenameInformation, "\\src", "\\t",
        WF_FSP_ACCESS_TOKEN(PID, USER), FILE_RENAME_REPLACE_IF_EXISTS));
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "t");
    reply_entry(m, req.header.unique, 3, 0100644, 1002, 1002);
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

static void a_directory_moving_to_another_parent_needs_w_on_itself(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\d", FILE_OPEN, 0, DELETE));
    expect_root_getattr(m, 040777, 0);
    expect_lookup(m, FUSE_ROOT_ID, "d", 2, 040555, 1001, 1001);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    hint = mock_submit(m, mock_req_rename(handle, FileRenameInformation, "\\d", "\\w\\d", 0, 0));
    expect_lookup(m, FUSE_ROOT_ID, "w", 3, 040777, 0, 0);
    denied_and_nothing_sent(m, hint);
    /* Within its own parent it may move. */
    hint = mock_submit(m, mock_req_rename(handle, FileRenameInformation, "\\d", "\\e", 0, 0));
    expect_lookup_enoent(m, FUSE_ROOT_ID, "e");
    mock_request req = mock_expect_node(m, FUSE_RENAME2, FUSE_ROOT_ID);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void a_link_to_anothers_unwritable_file_is_refused(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t hint = mock_submit(m, create_as(USER, "\\theirs", FILE_OPEN, 0,
        FILE_READ_ATTRIBUTES));
    expect_root_getattr(m, 040777, 0);
    expect_lookup(m, FUSE_ROOT_ID, "theirs", 2, 0100644, 1002, 1002);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t handle = rsp.Rsp.Create.Opened.UserContext2;

    hint = mock_submit(m, mock_req_rename(handle, FileLinkInformation, NULL, "\\mine", 0, 0));
    denied_and_nothing_sent(m, hint);
    mock_free(m);
}

/* A Create's security descriptor -------------------------------------------------------- */

/* Appends a descriptor for uid/gid/mode to a Create request. */
static void put_descriptor(FSP_FSCTL_TRANSACT_REQ *req, uint32_t uid, uint32_t gid,
    uint32_t mode)
{
    wf_id_map map;
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len = 0;
    memset(&map, 0, sizeof map);
    assert_int_equal(wf_sd_from_posix(&map, uid, gid, mode, false, sd, sizeof sd, &len),
        STATUS_SUCCESS);
    uint16_t offset = (uint16_t)(req->Size - sizeof *req);
    memcpy(req->Buffer + offset, sd, len);
    req->Req.Create.SecurityDescriptor.Offset = offset;
    req->Req.Create.SecurityDescriptor.Size = (uint16_t)len;
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP(len));
}

static void reply_create(mock_fs *m, uint64_t unique, uint64_t nodeid, uint32_t mode,
    uint32_t uid, uint32_t gid)
{
    struct fuse_entry_out entry = mock_entry(nodeid, mode, 0, 60, 0, 60);
    entry.attr.uid = uid;
    entry.attr.gid = gid;
    struct fuse_open_out open_out = { .fh = 9 };
    uint8_t body[sizeof entry + sizeof open_out];
    memcpy(body, &entry, sizeof entry);
    memcpy(body + sizeof entry, &open_out, sizeof open_out);
    mock_reply(m, unique, 0, body, sizeof body);
}

static void a_descriptor_gives_the_mode_and_a_setattr_gives_its_owner(void **state)
{
    (void)state;
    mock_fs *m = start();
    FSP_FSCTL_TRANSACT_REQ *create = create_as(ROOT, "\\new", FILE_CREATE, 0,
        FILE_GENERIC_WRITE);
    put_descriptor(create, 1002, 1003, 0640);
    uint64_t hint = mock_submit(m, create);
    expect_lookup_enoent(m, FUSE_ROOT_ID, "new");
    mock_request req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    struct fuse_create_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.mode, 0100640);
    assert_int_equal(in.umask, 0);
    reply_create(m, req.header.unique, 2, 0100640, 0, 0);

    req = mock_expect_node(m, FUSE_SETATTR, 2);
    struct fuse_setattr_in setattr;
    memcpy(&setattr, req.body, sizeof setattr);
    assert_int_equal(setattr.valid, FATTR_UID | FATTR_GID | FATTR_FH);
    assert_int_equal(setattr.uid, 1002);
    assert_int_equal(setattr.gid, 1003);
    assert_int_equal(setattr.fh, 9);
    reply_attr(m, req.header.unique, 2, 0100640, 1002, 1003);

    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
    mock_free(m);
}

static void a_refused_owner_change_still_creates_the_file(void **state)
{
    (void)state;
    /* The owner from a descriptor is NTFS's addition to open(O_CREAT): a file system that
       refuses the chown (EIO, EOPNOTSUPP, ENOSYS) still has made the caller's file. */
    static const int32_t refusals[] = { 5, 95, 38 };
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        mock_fs *m = start();
        FSP_FSCTL_TRANSACT_REQ *create = create_as(ROOT, "\\new", FILE_CREATE, 0,
            FILE_GENERIC_WRITE);
        put_descriptor(create, 1002, 1003, 0640);
        uint64_t hint = mock_submit(m, create);
        expect_lookup_enoent(m, FUSE_ROOT_ID, "new");
        mock_request req = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
        reply_create(m, req.header.unique, 2, 0100640, 0, 0);
        req = mock_expect_node(m, FUSE_SETATTR, 2);
        mock_reply(m, req.header.unique, -refusals[i], NULL, 0);
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
        assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
        assert_int_equal(rsp.IoStatus.Information, FILE_CREATED);
        mock_free(m);
    }
}

static void a_descriptor_naming_the_creator_needs_no_setattr(void **state)
{
    (void)state;
    mock_fs *m = start();
    FSP_FSCTL_TRANSACT_REQ *create = create_as(USER, "\\new", FILE_CREATE,
        FILE_DIRECTORY_FILE, FILE_LIST_DIRECTORY);
    put_descriptor(create, 1001, 50, 0750);
    uint64_t hint = mock_submit(m, create);
    expect_root_getattr(m, 040777, 0);
    expect_lookup_enoent(m, FUSE_ROOT_ID, "new");
    mock_request req = mock_expect_node(m, FUSE_MKDIR, FUSE_ROOT_ID);
    struct fuse_mkdir_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.mode, 0750);
    assert_int_equal(in.umask, 0);
    reply_entry(m, req.header.unique, 2, 040750, 1001, 50);
    req = mock_expect_node(m, FUSE_OPENDIR, 2);
    mock_reply_open(m, req.header.unique, 5, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void a_descriptor_giving_another_owner_is_refused_to_a_non_root_caller(void **state)
{
    (void)state;
    mock_fs *m = start();
    FSP_FSCTL_TRANSACT_REQ *create = create_as(USER, "\\new", FILE_CREATE, 0,
        FILE_GENERIC_WRITE);
    put_descriptor(create, 1002, 1001, 0644);
    uint64_t hint = mock_submit(m, create);
    expect_root_getattr(m, 040777, 0);
    expect_lookup_enoent(m, FUSE_ROOT_ID, "new");
    assert_int_equal((NTSTATUS)mock_response(m, hint).IoStatus.Status, STATUS_INVALID_OWNER);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

/* SetSecurity by a checked caller: chown(2)'s rule. */
static uint64_t open_own_file_for_security(mock_fs *m)
{
    uint64_t hint = mock_submit(m, create_as(USER, "\\own", FILE_OPEN, 0,
        READ_CONTROL | WRITE_DAC | WRITE_OWNER));
    expect_root_getattr(m, 040755, 0);
    expect_lookup(m, FUSE_ROOT_ID, "own", 5, 0100644, 1001, 1001);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static uint64_t submit_set_security(mock_fs *m, uint64_t handle, uint32_t info,
    const char *owner, const char *group)
{
    uint8_t sd[256];
    size_t len = sd_build(sd, sizeof sd, owner, group, 0, false, false, NULL, 0);
    return mock_submit(m, mock_req_set_security(handle, info, sd, len));
}

static void an_owner_cannot_give_its_file_away_or_to_a_group_it_is_not_in(void **state)
{
    (void)state;
    mock_fs *m = start();
    uint64_t file = open_own_file_for_security(m);

    uint64_t hint = submit_set_security(m, file, OWNER_SECURITY_INFORMATION, "S-1-22-1-2000", NULL);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_OWNER);
    hint = submit_set_security(m, file, GROUP_SECURITY_INFORMATION, NULL, "S-1-22-2-60");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PRIMARY_GROUP);
    assert_true(mock_idle(m, 50));      /* the file system saw neither */

    /* One of its own groups is allowed, as chown(2) allows it. */
    hint = submit_set_security(m, file, GROUP_SECURITY_INFORMATION, NULL, "S-1-22-2-50");
    mock_request req = mock_expect_node(m, FUSE_SETATTR, 5);
    struct fuse_setattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_true(in.valid & FATTR_GID);
    assert_int_equal(in.gid, 50);
    reply_attr(m, req.header.unique, 5, 0100644, 1001, 50);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* The FSD stand-in's identity ------------------------------------------------------------ */

/* An engine stand-in: keeps the request, answers it at once. */
static FSP_FSCTL_TRANSACT_REQ *fsd_seen;
static wf_fsd *fsd_under_test;

static void fsd_submit(void *ctx, const FSP_FSCTL_TRANSACT_REQ *request)
{
    (void)ctx;
    free(fsd_seen);
    fsd_seen = malloc(request->Size);
    memcpy(fsd_seen, request, request->Size);
    FSP_FSCTL_TRANSACT_RSP rsp;
    memset(&rsp, 0, sizeof rsp);
    rsp.Size = sizeof rsp;
    rsp.Kind = request->Kind;
    rsp.Hint = request->Hint;
    rsp.IoStatus.Status = (uint32_t)STATUS_OBJECT_NAME_NOT_FOUND;
    wf_fsd_complete(fsd_under_test, &rsp);
}

static void the_stand_in_sends_no_token_without_an_identity(void **state)
{
    (void)state;
    wf_fsd_file *file = NULL;
    fsd_under_test = wf_fsd_create(fsd_submit, NULL);
    assert_int_equal((NTSTATUS)wf_fsd_create_file(fsd_under_test, &(wf_fsd_create_params){
        .path = "\\f", .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN },
        &file, NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(fsd_seen->Req.Create.AccessToken, 0);
    wf_fsd_delete(fsd_under_test);
    free(fsd_seen);
    fsd_seen = NULL;
}

static void the_stand_ins_token_resolves_to_its_identity(void **state)
{
    (void)state;
    wf_fsd_file *file = NULL;
    wf_identity who, got;
    memset(&who, 0, sizeof who);
    who.uid = 1000;
    who.gid = 100;
    who.group_count = 2;
    who.groups[0] = 27;
    who.groups[1] = 44;
    fsd_under_test = wf_fsd_create(fsd_submit, NULL);
    wf_fsd_set_identity(fsd_under_test, &who);
    wf_fsd_create_file(fsd_under_test, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN }, &file, NULL);
    uint64_t token = fsd_seen->Req.Create.AccessToken;
    assert_int_not_equal(token, 0);
    assert_int_equal(FSP_FSCTL_TRANSACT_REQ_TOKEN_PID(token), (uint32_t)getpid());
    /* Traverse checks are exercised: no bypass privilege is claimed. */
    assert_int_equal(fsd_seen->Req.Create.HasTraversePrivilege, 0);

    memset(&got, 0, sizeof got);
    got.pid = 77;
    assert_true(wf_fsd_resolve_token(fsd_under_test, token, &got));
    assert_int_equal(got.uid, 1000);
    assert_int_equal(got.gid, 100);
    assert_int_equal(got.group_count, 2);
    assert_int_equal(got.groups[1], 44);
    assert_int_equal(got.pid, 77);      /* the engine's, from the token */
    assert_false(wf_fsd_resolve_token(fsd_under_test, token + 1, &got));
    /* Without an identity again, its old tokens mean nothing. */
    wf_fsd_set_identity(fsd_under_test, NULL);
    assert_false(wf_fsd_resolve_token(fsd_under_test, token, &got));
    wf_fsd_delete(fsd_under_test);
    free(fsd_seen);
    fsd_seen = NULL;
}

/* What the other thread saw of a token (resolve_on_another_thread). */
typedef struct token_probe {
    uint64_t token;
    bool resolved;
} token_probe;

static void *resolve_on_another_thread(void *arg)
{
    token_probe *probe = arg;
    wf_identity got;
    memset(&got, 0, sizeof got);
    probe->resolved = wf_fsd_resolve_token(fsd_under_test, probe->token, &got);
    return NULL;
}

/* `winfuse mount`: each request acts for its own caller, named per thread over the
   stand-in's identity. */
static void a_threads_caller_acts_over_the_stand_ins_identity_on_that_thread_only(
    void **state)
{
    (void)state;
    wf_fsd_file *file = NULL;
    wf_identity who, caller, got;
    token_probe probe = { 0, true };
    pthread_t other;
    memset(&who, 0, sizeof who);
    who.uid = 1000;
    who.gid = 100;
    memset(&caller, 0, sizeof caller);
    caller.uid = 2000;
    caller.gid = 200;
    caller.pid = 4242;
    caller.group_count = 1;
    caller.groups[0] = 33;
    fsd_under_test = wf_fsd_create(fsd_submit, NULL);
    wf_fsd_set_identity(fsd_under_test, &who);
    wf_fsd_set_thread_identity(fsd_under_test, &caller);
    wf_fsd_create_file(fsd_under_test, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN }, &file, NULL);
    uint64_t token = fsd_seen->Req.Create.AccessToken;
    assert_int_not_equal(token, 0);
    /* The caller's pid goes into the token, and so into fuse_in_header. */
    assert_int_equal(FSP_FSCTL_TRANSACT_REQ_TOKEN_PID(token), 4242);

    memset(&got, 0, sizeof got);
    got.pid = 4242;
    assert_true(wf_fsd_resolve_token(fsd_under_test, token, &got));
    assert_int_equal(got.uid, 2000);
    assert_int_equal(got.gid, 200);
    assert_int_equal(got.group_count, 1);
    assert_int_equal(got.groups[0], 33);
    /* Another thread has no such caller: the token means nothing there. */
    probe.token = token;
    assert_int_equal(pthread_create(&other, NULL, resolve_on_another_thread, &probe), 0);
    pthread_join(other, NULL);
    assert_false(probe.resolved);
    /* Back to the stand-in's identity. */
    wf_fsd_set_thread_identity(fsd_under_test, NULL);
    assert_false(wf_fsd_resolve_token(fsd_under_test, token, &got));
    free(fsd_seen);
    fsd_seen = NULL;
    wf_fsd_create_file(fsd_under_test, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN }, &file, NULL);
    assert_true(wf_fsd_resolve_token(fsd_under_test, fsd_seen->Req.Create.AccessToken, &got));
    assert_int_equal(got.uid, 1000);
    wf_fsd_delete(fsd_under_test);
    free(fsd_seen);
    fsd_seen = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_requests_carry_the_callers_uid_gid_and_pid),
        cmocka_unit_test(requests_on_a_handle_carry_the_openers_identity),
        cmocka_unit_test(a_token_the_host_cannot_resolve_is_access_denied),
        cmocka_unit_test(without_an_identity_callback_requests_act_for_the_host_unchecked),
        cmocka_unit_test(kernel_mode_requests_carry_the_identity_but_are_not_checked),
        cmocka_unit_test(a_directory_without_x_stops_the_walk_with_no_lookup_in_it),
        cmocka_unit_test(a_root_without_x_refuses_every_path),
        cmocka_unit_test(traverse_privilege_skips_the_directory_checks),
        cmocka_unit_test(cached_directory_attributes_answer_the_traverse_check),
        cmocka_unit_test(read_refused_by_the_mode_sends_no_open),
        cmocka_unit_test(write_refused_to_others_sends_no_open),
        cmocka_unit_test(a_supplementary_group_reads_by_the_group_bits),
        cmocka_unit_test(the_owner_class_applies_even_when_the_group_grants_more),
        cmocka_unit_test(execute_needs_x),
        cmocka_unit_test(write_attributes_and_dac_belong_to_the_owner),
        cmocka_unit_test(maximum_allowed_grants_exactly_what_the_mode_allows),
        cmocka_unit_test(maximum_allowed_gives_the_owner_write_and_delete_in_a_writable_directory),
        cmocka_unit_test(an_overwrite_needs_write_access),
        cmocka_unit_test(root_passes_every_mode_check_without_asking_attributes),
        cmocka_unit_test(root_gets_no_execute_on_a_file_without_any_x),
        cmocka_unit_test(create_in_a_directory_without_w_sends_no_create),
        cmocka_unit_test(mkdir_in_a_directory_without_w_sends_no_mkdir),
        cmocka_unit_test(create_in_a_writable_directory_sends_create_as_the_caller),
        cmocka_unit_test(delete_needs_w_and_x_on_the_parent),
        cmocka_unit_test(delete_is_granted_by_a_writable_parent_whoever_owns_the_file),
        cmocka_unit_test(a_sticky_directory_lets_only_the_owner_of_file_or_directory_delete),
        cmocka_unit_test(the_owner_of_a_sticky_directory_deletes_anything_in_it),
        cmocka_unit_test(rename_into_a_directory_without_w_sends_no_rename),
        cmocka_unit_test(rename_into_a_writable_directory_goes_out_as_the_opener),
        cmocka_unit_test(replacing_anothers_file_in_a_sticky_directory_is_refused),
        cmocka_unit_test(a_directory_moving_to_another_parent_needs_w_on_itself),
        cmocka_unit_test(a_link_to_anothers_unwritable_file_is_refused),
        cmocka_unit_test(a_descriptor_gives_the_mode_and_a_setattr_gives_its_owner),
        cmocka_unit_test(a_refused_owner_change_still_creates_the_file),
        cmocka_unit_test(a_descriptor_naming_the_creator_needs_no_setattr),
        cmocka_unit_test(a_descriptor_giving_another_owner_is_refused_to_a_non_root_caller),
        cmocka_unit_test(an_owner_cannot_give_its_file_away_or_to_a_group_it_is_not_in),
        cmocka_unit_test(the_stand_in_sends_no_token_without_an_identity),
        cmocka_unit_test(the_stand_ins_token_resolves_to_its_identity),
        cmocka_unit_test(a_threads_caller_acts_over_the_stand_ins_identity_on_that_thread_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
