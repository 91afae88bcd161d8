/* mock_fs.c — the mock FUSE file system behind mock_fs.h. */
#define _GNU_SOURCE
#include "mock_fs.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#define MOCK_MAX_RESPONSES 256

struct mock_fs {
    wf_engine *engine;
    uint32_t max_message;
    uint8_t *request;           /* last request handed out */
    size_t request_len;
    bool request_pending;       /* transact returned one while we replied */
    uint8_t *scratch;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    FSP_FSCTL_TRANSACT_RSP responses[MOCK_MAX_RESPONSES];
    bool used[MOCK_MAX_RESPONSES];
    mock_complete_hook *hook;
    void *hook_context;
    /* The engine's clock (wf_engine_params.clock), moved only by the test and by the
       waits below; false when the test gave the engine the platform's clock. */
    bool own_clock;
    uint64_t now_ms;
    bool took;                  /* a request was ever asked for (INIT included) */
};

/* Far from 0, which the engine's timers take for "none". */
#define MOCK_CLOCK_START 1000000u

static uint64_t next_hint = 1;

static void on_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    mock_fs *m = host;
    pthread_mutex_lock(&m->lock);
    if (m->hook) {
        mock_complete_hook *hook = m->hook;
        void *context = m->hook_context;
        pthread_mutex_unlock(&m->lock);
        hook(context, rsp);
        return;
    }
    for (int i = 0; i < MOCK_MAX_RESPONSES; i++)
        if (!m->used[i]) {
            m->used[i] = true;
            m->responses[i] = *rsp;
            break;
        }
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

static uint64_t mock_clock(void *host)
{
    mock_fs *m = host;
    return __atomic_load_n(&m->now_ms, __ATOMIC_ACQUIRE);
}

mock_fs *mock_new(uint32_t max_message)
{
    return mock_new_params(max_message, NULL);
}

mock_fs *mock_new_params(uint32_t max_message, void (*adjust)(wf_engine_params *params))
{
    mock_fs *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->max_message = max_message ? max_message : (1u << 20) + 4096;
    m->request = malloc(m->max_message);
    m->scratch = malloc(m->max_message);
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    wf_engine_params params = {
        .max_message = m->max_message,
        .max_readahead = 128 * 1024,
        .uid = 1000, .gid = 1000, .pid = 42,
        .complete = on_complete,
        .host = m,
        .clock = mock_clock,
        /* The DOS attributes' store (user.DOSATTRIB) is off unless a test turns it on
           (test_engine_dosattrib.c): the other tests' request sequences are without it. */
        .no_dosattrib = true,
    };
    m->now_ms = MOCK_CLOCK_START;
    if (adjust)
        adjust(&params);
    m->own_clock = params.clock == mock_clock;
    assert_int_equal(wf_engine_create(&params, &m->engine), STATUS_SUCCESS);
    return m;
}

void mock_init(mock_fs *m, const mock_init_options *options)
{
    mock_init_options defaults = { 0 };
    if (!options)
        options = &defaults;
    mock_request req = mock_expect(m, FUSE_INIT);
    assert_true(req.body_size >= sizeof(struct fuse_init_in));
    struct fuse_init_out out;
    memset(&out, 0, sizeof out);
    out.major = options->major ? options->major : 7;
    out.minor = options->minor ? options->minor : 31;
    out.flags = options->flags;
    out.max_write = options->max_write ? options->max_write : 128 * 1024;
    out.max_pages = options->max_pages ? options->max_pages : 32;
    out.time_gran = 1;
    out.max_readahead = 128 * 1024;
    assert_int_equal(mock_reply(m, req.header.unique, 0, &out, sizeof out), STATUS_SUCCESS);
}

mock_fs *mock_start(void)
{
    mock_fs *m = mock_new(0);
    mock_init(m, NULL);
    return m;
}

void mock_free(mock_fs *m)
{
    /* What the engine handed out, or has ready now, is a request the test did not look
       at; a response still queued is one it did not check. Either fails the test. */
    if (m->request_pending) {
        struct fuse_in_header header;
        memcpy(&header, m->request, sizeof header);
        fail_msg("mock_free: FUSE request (opcode %u, unique %llu) left unconsumed",
            header.opcode, (unsigned long long)header.unique);
    }
    if (m->took) {
        size_t len = 0;
        if (wf_engine_transact(m->engine, NULL, 0, m->request, m->max_message, &len, 0) ==
                STATUS_SUCCESS && len) {
            struct fuse_in_header header;
            memcpy(&header, m->request, sizeof header);
            fail_msg("mock_free: FUSE request (opcode %u, unique %llu) left unconsumed",
                header.opcode, (unsigned long long)header.unique);
        }
    }
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < MOCK_MAX_RESPONSES; i++)
        if (m->used[i]) {
            uint64_t hint = m->responses[i].Hint;
            pthread_mutex_unlock(&m->lock);
            fail_msg("mock_free: response to request %llu left unconsumed",
                (unsigned long long)hint);
        }
    pthread_mutex_unlock(&m->lock);
    wf_engine_disconnect(m->engine);
    wf_engine_delete(m->engine);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->cond);
    free(m->request);
    free(m->scratch);
    free(m);
}

wf_engine *mock_engine(mock_fs *m)
{
    return m->engine;
}

void mock_clock_advance(mock_fs *m, uint32_t ms)
{
    if (!m->own_clock)
        fail_msg("mock_clock_advance: the engine runs on the platform's clock");
    __atomic_add_fetch(&m->now_ms, ms, __ATOMIC_RELEASE);
}

uint64_t mock_clock_now(mock_fs *m)
{
    return m->own_clock ? mock_clock(m) : 0;
}

/* A request within timeout_ms. The engine is sans-I/O: whatever it can hand out is ready
   when the call that made it returns, and only time makes more. So on the mock's clock
   this asks for a request without waiting and, while none is ready, moves the clock on by
   a millisecond at a time, as a real wait would have seen it move: timers fire in order,
   at their time, and nothing sleeps. */
static bool take_request(mock_fs *m, uint32_t timeout_ms)
{
    if (m->request_pending) {
        m->request_pending = false;
        return true;
    }
    m->took = true;
    uint32_t waited = 0;
    for (;;) {
        size_t len = 0;
        NTSTATUS status = wf_engine_transact(m->engine, NULL, 0, m->request, m->max_message,
            &len, m->own_clock ? 0 : timeout_ms);
        if (status != STATUS_SUCCESS)
            return false;
        if (len) {
            m->request_len = len;
            return true;
        }
        if (!m->own_clock || waited >= timeout_ms)
            return false;
        mock_clock_advance(m, 1);
        waited++;
    }
}

mock_request mock_expect(mock_fs *m, uint32_t opcode)
{
    mock_request req;
    memset(&req, 0, sizeof req);
    if (!take_request(m, 1000))
        fail_msg("expected FUSE opcode %u, got no request", opcode);
    memcpy(&req.header, m->request, sizeof req.header);
    assert_int_equal(req.header.len, m->request_len);
    if (req.header.opcode != opcode)
        fail_msg("expected FUSE opcode %u, got %u", opcode, req.header.opcode);
    req.body = m->request + sizeof req.header;
    req.body_size = (uint32_t)(m->request_len - sizeof req.header);
    return req;
}

mock_request mock_expect_node(mock_fs *m, uint32_t opcode, uint64_t nodeid)
{
    mock_request req = mock_expect(m, opcode);
    if (req.header.nodeid != nodeid)
        fail_msg("opcode %u: expected nodeid %llu, got %llu", opcode,
            (unsigned long long)nodeid, (unsigned long long)req.header.nodeid);
    return req;
}

bool mock_idle(mock_fs *m, uint32_t timeout_ms)
{
    if (m->request_pending)
        return false;
    if (take_request(m, timeout_ms)) {
        m->request_pending = true;
        return false;
    }
    return true;
}

NTSTATUS mock_reply_raw(mock_fs *m, const void *message, uint32_t size)
{
    size_t len = 0;
    /* A request that becomes ready as a result is kept for the next expect. */
    uint8_t *out = m->request_pending ? NULL : m->scratch;
    NTSTATUS status = wf_engine_transact(m->engine, message, size, out,
        out ? m->max_message : 0, out ? &len : NULL, 0);
    if (out && len) {
        memcpy(m->request, m->scratch, len);
        m->request_len = len;
        m->request_pending = true;
    }
    return status;
}

NTSTATUS mock_reply(mock_fs *m, uint64_t unique, int32_t error, const void *body, uint32_t size)
{
    uint8_t *message = malloc(sizeof(struct fuse_out_header) + size);
    struct fuse_out_header header = {
        .len = (uint32_t)sizeof header + size, .error = error, .unique = unique,
    };
    memcpy(message, &header, sizeof header);
    if (size)
        memcpy(message + sizeof header, body, size);
    NTSTATUS status = mock_reply_raw(m, message, (uint32_t)sizeof header + size);
    free(message);
    return status;
}

struct fuse_attr mock_attr(uint64_t ino, uint32_t mode, uint64_t size)
{
    struct fuse_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.ino = ino;
    attr.mode = mode;
    attr.size = size;
    attr.blocks = (size + 511) / 512;
    attr.nlink = 1;
    attr.mtime = attr.ctime = attr.atime = 1700000000;
    attr.blksize = 4096;
    return attr;
}

NTSTATUS mock_reply_entry(mock_fs *m, uint64_t unique, uint64_t nodeid, uint32_t mode,
    uint64_t size, uint64_t entry_valid_s, uint64_t attr_valid_s)
{
    struct fuse_entry_out out;
    memset(&out, 0, sizeof out);
    out.nodeid = nodeid;
    out.entry_valid = entry_valid_s;
    out.attr_valid = attr_valid_s;
    out.attr = mock_attr(nodeid, mode, size);
    return mock_reply(m, unique, 0, &out, sizeof out);
}

NTSTATUS mock_reply_open(mock_fs *m, uint64_t unique, uint64_t fh, uint32_t open_flags)
{
    struct fuse_open_out out;
    memset(&out, 0, sizeof out);
    out.fh = fh;
    out.open_flags = open_flags;
    return mock_reply(m, unique, 0, &out, sizeof out);
}

FSP_FSCTL_TRANSACT_REQ *mock_req_new(uint32_t kind)
{
    FSP_FSCTL_TRANSACT_REQ *req = calloc(1, FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    req->Version = sizeof *req;
    req->Size = sizeof *req;
    req->Kind = kind;
    req->Hint = __atomic_fetch_add(&next_hint, 1, __ATOMIC_RELAXED);
    return req;
}

void mock_req_set_name(FSP_FSCTL_TRANSACT_REQ *req, const char *path)
{
    /* Test paths are ASCII: one UTF-16 unit per byte, NUL-terminated as WinFsp sends. */
    uint16_t offset = (uint16_t)(req->Size - sizeof *req);
    uint16_t *name = (uint16_t *)(void *)(req->Buffer + offset);
    size_t n = strlen(path);
    for (size_t i = 0; i < n; i++)
        name[i] = (uint8_t)path[i];
    name[n] = 0;
    req->FileName.Offset = offset;
    req->FileName.Size = (uint16_t)((n + 1) * 2);
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP((n + 1) * 2));
}

FSP_FSCTL_TRANSACT_REQ *mock_req_rename(uint64_t handle, uint32_t info_class,
    const char *path, const char *new_path, uint64_t access_token, uint32_t flags)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetInformationKind);
    req->Req.SetInformation.UserContext2 = handle;
    req->Req.SetInformation.FileInformationClass = info_class;
    if (path)
        mock_req_set_name(req, path);
    /* The new name goes after FileName, as WinFsp lays it out; ASCII, NUL-terminated. */
    uint16_t offset = (uint16_t)(req->Size - sizeof *req);
    uint16_t *name = (uint16_t *)(void *)(req->Buffer + offset);
    size_t n = strlen(new_path);
    for (size_t i = 0; i < n; i++)
        name[i] = (uint8_t)new_path[i];
    name[n] = 0;
    req->Req.SetInformation.Info.Rename.NewFileName.Offset = offset;
    req->Req.SetInformation.Info.Rename.NewFileName.Size = (uint16_t)((n + 1) * 2);
    req->Req.SetInformation.Info.Rename.AccessToken = access_token;
    req->Req.SetInformation.Info.RenameEx.Flags = flags;
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP((n + 1) * 2));
    return req;
}

FSP_FSCTL_TRANSACT_REQ *mock_req_set_security(uint64_t handle, uint32_t info,
    const void *sd, size_t len)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetSecurityKind);
    req->Req.SetSecurity.UserContext2 = handle;
    req->Req.SetSecurity.SecurityInformation = info;
    req->Req.SetSecurity.SecurityDescriptor.Offset = (uint16_t)(req->Size - sizeof *req);
    req->Req.SetSecurity.SecurityDescriptor.Size = (uint16_t)len;
    memcpy(req->Buffer + (req->Size - sizeof *req), sd, len);
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP(len));
    return req;
}

FSP_FSCTL_TRANSACT_REQ *mock_req_create(const char *path, uint32_t disposition,
    uint32_t options, uint32_t access)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactCreateKind);
    req->Req.Create.CreateOptions = (disposition << 24) | (options & 0xffffff);
    req->Req.Create.DesiredAccess = access;
    req->Req.Create.ShareAccess = FILE_SHARE_READ;
    req->Req.Create.UserMode = 1;
    req->Req.Create.CaseSensitive = 1;
    mock_req_set_name(req, path);
    return req;
}

uint64_t mock_submit(mock_fs *m, FSP_FSCTL_TRANSACT_REQ *req)
{
    uint64_t hint = req->Hint;
    wf_engine_submit(m->engine, req);
    free(req);
    return hint;
}

static int find_response(mock_fs *m, uint64_t hint)
{
    for (int i = 0; i < MOCK_MAX_RESPONSES; i++)
        if (m->used[i] && m->responses[i].Hint == hint)
            return i;
    return -1;
}

bool mock_has_response(mock_fs *m, uint64_t hint)
{
    pthread_mutex_lock(&m->lock);
    bool found = find_response(m, hint) >= 0;
    pthread_mutex_unlock(&m->lock);
    return found;
}

FSP_FSCTL_TRANSACT_RSP mock_response(mock_fs *m, uint64_t hint)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 1;
    pthread_mutex_lock(&m->lock);
    int i;
    while ((i = find_response(m, hint)) < 0)
        if (pthread_cond_timedwait(&m->cond, &m->lock, &deadline) != 0)
            break;
    if (i < 0) {
        pthread_mutex_unlock(&m->lock);
        fail_msg("no response to request %llu", (unsigned long long)hint);
    }
    FSP_FSCTL_TRANSACT_RSP rsp = m->responses[i];
    m->used[i] = false;
    pthread_mutex_unlock(&m->lock);
    return rsp;
}

uint64_t mock_open_file(mock_fs *m, const char *name, uint64_t nodeid, uint64_t size,
    uint64_t fh)
{
    char path[300];
    snprintf(path, sizeof path, "\\%s", name);
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ));
    mock_request lookup = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)lookup.body, name);
    mock_reply_entry(m, lookup.header.unique, nodeid, 0100644, size, 60, 60);
    mock_request open = mock_expect_node(m, FUSE_OPEN, nodeid);
    mock_reply_open(m, open.header.unique, fh, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

void mock_set_complete_hook(mock_fs *m, mock_complete_hook *hook, void *context)
{
    pthread_mutex_lock(&m->lock);
    m->hook = hook;
    m->hook_context = context;
    pthread_mutex_unlock(&m->lock);
}

bool mock_take(mock_fs *m, mock_request *req, uint32_t timeout_ms)
{
    memset(req, 0, sizeof *req);
    if (!take_request(m, timeout_ms))
        return false;
    memcpy(&req->header, m->request, sizeof req->header);
    assert_int_equal(req->header.len, m->request_len);
    req->body = m->request + sizeof req->header;
    req->body_size = (uint32_t)(m->request_len - sizeof req->header);
    return true;
}

mock_request mock_expect_wait(mock_fs *m, uint32_t opcode, uint32_t timeout_ms)
{
    mock_request req;
    if (!mock_take(m, &req, timeout_ms))
        fail_msg("expected FUSE opcode %u within %u ms, got no request", opcode, timeout_ms);
    if (req.header.opcode != opcode)
        fail_msg("expected FUSE opcode %u, got %u", opcode, req.header.opcode);
    return req;
}

void mock_expect_interrupt(mock_fs *m, uint64_t unique, uint32_t timeout_ms)
{
    mock_request req = mock_expect_wait(m, FUSE_INTERRUPT, timeout_ms);
    assert_int_equal(req.header.unique, unique | 1);
    assert_int_equal(req.header.nodeid, 0);
    assert_int_equal(req.body_size, sizeof(struct fuse_interrupt_in));
    struct fuse_interrupt_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.unique, unique);
}

wf_engine_info mock_info(mock_fs *m)
{
    wf_engine_info info;
    wf_engine_get_info(mock_engine(m), &info);
    return info;
}

NTSTATUS mock_reply_attr(mock_fs *m, uint64_t unique, const struct fuse_attr *attr,
    uint64_t attr_valid_s)
{
    struct fuse_attr_out out;
    memset(&out, 0, sizeof out);
    out.attr = *attr;
    out.attr_valid = attr_valid_s;
    return mock_reply(m, unique, 0, &out, sizeof out);
}

struct fuse_entry_out mock_entry(uint64_t nodeid, uint32_t mode, uint64_t size,
    uint64_t entry_valid_s, uint32_t entry_valid_ns, uint64_t attr_valid_s)
{
    struct fuse_entry_out out;
    memset(&out, 0, sizeof out);
    out.nodeid = nodeid;
    out.entry_valid = entry_valid_s;
    out.entry_valid_nsec = entry_valid_ns;
    out.attr_valid = attr_valid_s;
    out.attr = mock_attr(nodeid, mode, size);
    return out;
}

FSP_FSCTL_TRANSACT_REQ *mock_req_read(uint64_t handle, void *address, uint64_t offset,
    uint32_t length)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactReadKind);
    req->Req.Read.UserContext2 = handle;
    req->Req.Read.Address = (uint64_t)(uintptr_t)address;
    req->Req.Read.Offset = offset;
    req->Req.Read.Length = length;
    return req;
}

FSP_FSCTL_TRANSACT_REQ *mock_req_query_dir(uint64_t handle, void *address, uint32_t length,
    const uint64_t *marker)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryDirectoryKind);
    req->Req.QueryDirectory.UserContext2 = handle;
    req->Req.QueryDirectory.Address = (uint64_t)(uintptr_t)address;
    req->Req.QueryDirectory.Length = length;
    if (marker) {
        /* As WinFsp's FSD sends it: the offset, then a NUL WCHAR counted in the size. */
        uint16_t offset = (uint16_t)(req->Size - sizeof *req);
        memcpy(req->Buffer + offset, marker, sizeof *marker);
        memset(req->Buffer + offset + sizeof *marker, 0, sizeof(uint16_t));
        req->Req.QueryDirectory.Marker.Offset = offset;
        req->Req.QueryDirectory.Marker.Size = sizeof *marker + sizeof(uint16_t);
        req->Size = (uint16_t)(req->Size +
            FSP_FSCTL_DEFAULT_ALIGN_UP(sizeof *marker + sizeof(uint16_t)));
    }
    return req;
}

FSP_FSCTL_TRANSACT_REQ *mock_req_cleanup(uint64_t handle)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactCleanupKind);
    req->Req.Cleanup.UserContext2 = handle;
    return req;
}

FSP_FSCTL_TRANSACT_REQ *mock_req_close(uint64_t handle)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactCloseKind);
    req->Req.Close.UserContext2 = handle;
    return req;
}

FSP_FSCTL_TRANSACT_REQ *mock_req_query_info(uint64_t handle)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryInformationKind);
    req->Req.QueryInformation.UserContext2 = handle;
    return req;
}

uint64_t mock_open_root(mock_fs *m, uint64_t fh)
{
    uint64_t hint = mock_submit(m, mock_req_create("\\", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_LIST_DIRECTORY | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, FUSE_ROOT_ID);
    struct fuse_attr attr = mock_attr(FUSE_ROOT_ID, 040755, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    req = mock_expect_node(m, FUSE_OPENDIR, FUSE_ROOT_ID);
    mock_reply_open(m, req.header.unique, fh, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

uint64_t mock_open_dir(mock_fs *m, const char *name, uint64_t nodeid, uint64_t fh)
{
    char path[300];
    snprintf(path, sizeof path, "\\%s", name);
    uint64_t hint = mock_submit(m, mock_req_create(path, FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_LIST_DIRECTORY | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, name);
    mock_reply_entry(m, req.header.unique, nodeid, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_OPENDIR, nodeid);
    mock_reply_open(m, req.header.unique, fh, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

uint32_t mock_dirent_add(uint8_t *buf, uint32_t len, uint64_t ino, uint64_t off,
    const char *name)
{
    struct fuse_dirent dirent;
    memset(&dirent, 0, sizeof dirent);
    dirent.ino = ino;
    dirent.off = off;
    dirent.namelen = (uint32_t)strlen(name);
    dirent.type = 8;    /* DT_REG; the engine takes types from attributes */
    uint32_t size = (uint32_t)FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + dirent.namelen);
    memset(buf + len, 0, size);
    memcpy(buf + len, &dirent, FUSE_NAME_OFFSET);
    memcpy(buf + len + FUSE_NAME_OFFSET, name, dirent.namelen);
    return len + size;
}

uint32_t mock_direntplus_add(uint8_t *buf, uint32_t len, const struct fuse_entry_out *entry,
    uint64_t off, const char *name)
{
    uint32_t start = len + (uint32_t)sizeof *entry;
    memset(buf + len, 0, sizeof *entry);
    memcpy(buf + len, entry, sizeof *entry);
    uint32_t end = mock_dirent_add(buf, start, entry->attr.ino, off, name);
    return end;
}
