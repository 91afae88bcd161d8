/* mock_fs.h — a mock FUSE file system that drives the engine directly, in the style of
   FreeBSD's fusefs tests: expect this opcode with these fields, reply with that, expect
   this NTSTATUS. */
#ifndef WF_TEST_MOCK_FS_H
#define WF_TEST_MOCK_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "winfuse/engine.h"
#include "winfuse/fuse_abi.h"

typedef struct mock_fs mock_fs;

/* A FUSE request the engine handed out. */
typedef struct mock_request {
    struct fuse_in_header header;
    const uint8_t *body;        /* points into the mock's copy; valid until the next expect */
    uint32_t body_size;
} mock_request;

typedef struct mock_init_options {
    uint32_t major, minor;      /* 0: 7.31 */
    uint32_t flags;             /* low INIT flags the "file system" accepts */
    uint32_t max_write;         /* 0: 128 KiB */
    uint16_t max_pages;         /* 0: 32 */
} mock_init_options;

/* An engine with a completion queue; max_message 0 picks 1 MiB + 4 KiB. The engine runs on
   the mock's clock (wf_engine_params.clock), which stands still unless the test or a wait
   below moves it: every timeout_ms here is time on that clock, and no wait sleeps. */
mock_fs *mock_new(uint32_t max_message);
/* mock_new, with the engine's parameters adjusted by the test before the engine starts
   (params->clock = NULL: the platform's clock, for tests whose threads wait in transact;
   then the waits below are real ones). */
mock_fs *mock_new_params(uint32_t max_message, void (*adjust)(wf_engine_params *params));
/* Answers INIT with the given options (NULL: defaults); asserts the INIT request. */
void mock_init(mock_fs *m, const mock_init_options *options);
mock_fs *mock_start(void);      /* mock_new + mock_init with defaults */
/* Fails the test when a FUSE request the engine handed out (or has ready) or a response
   was left unconsumed; then frees everything. */
void mock_free(mock_fs *m);
wf_engine *mock_engine(mock_fs *m);

/* The engine's clock: moves it on (the engine sees it at its next call), and reads it
   (mock_clock_now is 0, and mock_clock_advance fails the test, on the platform's clock). */
void mock_clock_advance(mock_fs *m, uint32_t ms);
uint64_t mock_clock_now(mock_fs *m);

/* Takes the next FUSE request, waiting up to a second; fails the test if none comes or
   if its opcode differs. Waiting moves the mock's clock on until a request is ready. */
mock_request mock_expect(mock_fs *m, uint32_t opcode);
/* As mock_expect, and also checks the nodeid. */
mock_request mock_expect_node(mock_fs *m, uint32_t opcode, uint64_t nodeid);
/* True when no request is ready now, nor as the clock moves on by timeout_ms (which it
   does: 0 is "nothing is ready now"). A request that comes is kept for the next take. */
bool mock_idle(mock_fs *m, uint32_t timeout_ms);

/* Replies to a request: error is 0 or a negated Linux errno, spelled -WF_Exxx
   (winfuse/linux_errno.h: the wire's numbers on every platform); returns transact's status. */
NTSTATUS mock_reply(mock_fs *m, uint64_t unique, int32_t error, const void *body, uint32_t size);
NTSTATUS mock_reply_raw(mock_fs *m, const void *message, uint32_t size);
NTSTATUS mock_reply_entry(mock_fs *m, uint64_t unique, uint64_t nodeid, uint32_t mode,
    uint64_t size, uint64_t entry_valid_s, uint64_t attr_valid_s);
NTSTATUS mock_reply_open(mock_fs *m, uint64_t unique, uint64_t fh, uint32_t open_flags);

/* WinFsp requests. */
FSP_FSCTL_TRANSACT_REQ *mock_req_new(uint32_t kind);    /* Hint is unique; free() it */
void mock_req_set_name(FSP_FSCTL_TRANSACT_REQ *req, const char *path);
/* SetInformation with the Rename layout (FileRenameInformation(Ex), FileLinkInformation):
   path is the handle's (NULL: none), new_path the target; a non-zero access_token means
   ReplaceIfExists for the plain classes, flags are RenameEx's. */
FSP_FSCTL_TRANSACT_REQ *mock_req_rename(uint64_t handle, uint32_t info_class,
    const char *path, const char *new_path, uint64_t access_token, uint32_t flags);
/* SetSecurity of the handle with the descriptor sd[0..len). */
FSP_FSCTL_TRANSACT_REQ *mock_req_set_security(uint64_t handle, uint32_t info,
    const void *sd, size_t len);
FSP_FSCTL_TRANSACT_REQ *mock_req_create(const char *path, uint32_t disposition,
    uint32_t options, uint32_t access);
/* Submits and frees the request; returns its Hint. */
uint64_t mock_submit(mock_fs *m, FSP_FSCTL_TRANSACT_REQ *req);
/* Waits up to a second for the response to hint; fails the test if none. */
FSP_FSCTL_TRANSACT_RSP mock_response(mock_fs *m, uint64_t hint);
bool mock_has_response(mock_fs *m, uint64_t hint);

/* Open \path with FILE_OPEN through the whole sequence, for tests that need a handle:
   LOOKUP of each component (nodeids given), then OPEN. Returns UserContext2. */
uint64_t mock_open_file(mock_fs *m, const char *name, uint64_t nodeid, uint64_t size,
    uint64_t fh);

struct fuse_attr mock_attr(uint64_t ino, uint32_t mode, uint64_t size);

/* Helpers for the engine's per-area tests. ------------------------------------------- */

/* Responses go to hook instead of the queue mock_response reads (NULL restores it); for
   tests that run many threads against mock_engine(m) directly. */
typedef void mock_complete_hook(void *context, const FSP_FSCTL_TRANSACT_RSP *rsp);
void mock_set_complete_hook(mock_fs *m, mock_complete_hook *hook, void *context);

/* As mock_expect, waiting up to timeout_ms (for requests that come from a timer, such as
   the FORGETs of expired entries). */
mock_request mock_expect_wait(mock_fs *m, uint32_t opcode, uint32_t timeout_ms);
/* Expects, within timeout_ms, the FUSE_INTERRUPT of the request with this unique, in the
   Linux client's form (the unique with its low bit set, no node). */
void mock_expect_interrupt(mock_fs *m, uint64_t unique, uint32_t timeout_ms);
/* The engine's counters and what INIT negotiated. */
wf_engine_info mock_info(mock_fs *m);
/* Takes the next request whatever its opcode, or returns false after timeout_ms. */
bool mock_take(mock_fs *m, mock_request *req, uint32_t timeout_ms);

NTSTATUS mock_reply_attr(mock_fs *m, uint64_t unique, const struct fuse_attr *attr,
    uint64_t attr_valid_s);
/* A LOOKUP-family reply with the given TTLs in nanoseconds too. */
struct fuse_entry_out mock_entry(uint64_t nodeid, uint32_t mode, uint64_t size,
    uint64_t entry_valid_s, uint32_t entry_valid_ns, uint64_t attr_valid_s);

/* Requests on an open handle (UserContext2). */
FSP_FSCTL_TRANSACT_REQ *mock_req_read(uint64_t handle, void *address, uint64_t offset,
    uint32_t length);
/* marker NULL: from the start; else the 8-byte NextOffset of the last record received. */
FSP_FSCTL_TRANSACT_REQ *mock_req_query_dir(uint64_t handle, void *address, uint32_t length,
    const uint64_t *marker);
FSP_FSCTL_TRANSACT_REQ *mock_req_cleanup(uint64_t handle);
FSP_FSCTL_TRANSACT_REQ *mock_req_close(uint64_t handle);
FSP_FSCTL_TRANSACT_REQ *mock_req_query_info(uint64_t handle);

/* Opens the root for listing: GETATTR(1) (TTL 60 s), then OPENDIR answered with fh.
   Returns UserContext2. */
uint64_t mock_open_root(mock_fs *m, uint64_t fh);
/* Opens \name, a directory, for listing: LOOKUP (TTLs 60 s), then OPENDIR with fh. */
uint64_t mock_open_dir(mock_fs *m, const char *name, uint64_t nodeid, uint64_t fh);

/* Appends a READDIR record to buf[0..len); returns the new length. */
uint32_t mock_dirent_add(uint8_t *buf, uint32_t len, uint64_t ino, uint64_t off,
    const char *name);
/* Appends a READDIRPLUS record; returns the new length. */
uint32_t mock_direntplus_add(uint8_t *buf, uint32_t len, const struct fuse_entry_out *entry,
    uint64_t off, const char *name);

#endif
