/* fsd_internal.h — what the FSD stand-in's files share: its state and its request helper. */
#ifndef WINFUSE_HOST_FSD_INTERNAL_H
#define WINFUSE_HOST_FSD_INTERNAL_H

#include <pthread.h>
#include <stddef.h>

#include "fsd.h"

/* The buffer QueryDirectory hands the file system, as WinFsp's FSD does per request. */
#define WF_FSD_DIR_BUFFER_SIZE (16u * 1024u)
/* UTF-16 units of a path without its terminating NUL, so that the NUL still fits. */
#define WF_FSD_MAX_PATH_UNITS (FSP_FSCTL_TRANSACT_PATH_SIZEMAX / sizeof(uint16_t) - 1u)
#define WF_FSD_ALIGN_UP(x) (((x) + 7u) & ~(size_t)7u)

struct wf_fsd_call;
struct wf_fsd_dir;
struct wf_fsd_watch;

/* One open file as WinFsp's FSD keeps it (its FSP_FILE_NODE): the path, shared by all the
   handles to it, the share access state IoCheckShareAccess keeps, and delete-pending. */
typedef struct wf_fsd_node {
    struct wf_fsd_node *next;   /* in fsd->nodes while it can be found by its name */
    bool listed;
    uint32_t handles;           /* file objects on this file, with or without data access */
    uint32_t open_count;        /* those that asked for read, write or delete access */
    uint32_t readers, writers, deleters;
    uint32_t shared_read, shared_write, shared_delete;
    bool is_directory;
    bool delete_pending;        /* the last Cleanup deletes; new opens are refused */
    bool posix_deleted;         /* a POSIX delete removed the name already */
    /* The file size the file system last told (Create, Overwrite, QueryInformation, Write,
       SetInformation, SetEa, FlushBuffers), as WinFsp's FSD keeps it in the node's
       FileSize: reads are clamped to it. */
    bool size_known;
    uint64_t file_size;
    size_t name_units;          /* the path in UTF-16, without the trailing backslash */
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
} wf_fsd_node;

struct wf_fsd {
    wf_fsd_submit_fn *submit;
    void *ctx;
    wf_fsd_cancel_fn *cancel;
    void *cancel_ctx;
    wf_wait_ops wait;           /* wait.wait NULL: callers wait on their own condition */
    uint64_t allocation_unit;
    /* From the volume parameters: names compare without case (CaseSensitiveSearch 0); EAs
       are supported, and keep the case of their names. */
    bool case_insensitive, ea_supported, ea_case_preserved;
    pthread_mutex_t lock;
    uint64_t last_hint;
    struct wf_fsd_call *calls;
    wf_fsd_node *nodes;
    uint32_t open_files;
    bool has_identity;          /* whom the requests act for (wf_fsd_set_identity) */
    wf_identity identity;
    /* Armed change watches (fsd_notify.c), and the signal that one got a change. */
    struct wf_fsd_watch *watches;
    pthread_cond_t notify_cond;
    union wf_fsd_free_request *free_requests;  /* built requests' buffers, for reuse */
    uint32_t free_request_count;
};

struct wf_fsd_file {
    wf_fsd *fsd;
    uint64_t user_context, user_context2;
    uint32_t granted_access;
    bool is_directory;
    /* What this handle counted in its node's share state (read, write, delete; shares). */
    bool share_counted;
    bool access_read, access_write, access_delete;
    bool share_read, share_write, share_delete;
    bool delete_on_close;       /* FILE_DELETE_ON_CLOSE: delete pending at this Cleanup */
    bool posix_delete;          /* a POSIX disposition was set through this handle */
    NTSTATUS disposition_status;    /* a refused delete, answered again without asking */
    wf_fsd_node *node;
    pthread_mutex_t dir_lock;   /* one directory query at a time per handle, as the FSD */
    struct wf_fsd_dir *dir;
    struct wf_fsd_watch *watch; /* its change watch, once armed (fsd_notify.c) */
};

/* ---- fsd.c: requests, responses, identity ----------------------------------------------- */

/* Data a request carries after its FileName, at the next 8-byte boundary (WinFsp's layout). */
typedef struct wf_fsd_append {
    const void *data;
    size_t size;                /* bytes; UTF-16 units for a name */
    bool name;                  /* a name: passed NUL-terminated, the NUL counted in Size */
    FSP_FSCTL_TRANSACT_BUF *at; /* the field of the request's Req that locates it */
} wf_fsd_append;

/* What differs between the requests the stand-in sends; a field left out is 0. */
typedef struct wf_fsd_request {
    uint32_t kind;              /* FspFsctlTransact*Kind */
    /* Req's fields for the kind (NULL: none); the header, FileName and the UserContext pair
       are filled in over it. */
    const FSP_FSCTL_TRANSACT_REQ *head;
    /* The handle the request works on: its UserContext pair goes into Req (every per-file
       kind begins with it), and wf_fsd_cancel_file finds the request. NULL: none. */
    const wf_fsd_file *file;
    bool volume;                /* with file: the UserContext pair stays 0 (a volume flush) */
    bool file_name;             /* FileName is the handle's path, read under the lock */
    const uint16_t *name;       /* or this path (name_units long), when not NULL */
    size_t name_units;
    wf_fsd_append append[2];    /* in this order; empty data (not a name) is left out */
    NTSTATUS too_big;           /* when data does not fit (0: STATUS_INVALID_PARAMETER) */
    bool post;                  /* send without waiting: the response will be dropped */
    /* Where the response's Buffer[] goes, for the kinds that answer with one. */
    void *buffer;
    size_t buffer_cap;
    size_t *buffer_len;
} wf_fsd_request;

/* Builds the request r describes: NULL with *status set when it cannot. The caller gives
   it back with wf_fsd_request_free. */
FSP_FSCTL_TRANSACT_REQ *wf_fsd_request_build(wf_fsd *fsd, const wf_fsd_request *r,
    NTSTATUS *status);
void wf_fsd_request_free(wf_fsd *fsd, FSP_FSCTL_TRANSACT_REQ *req);
/* Submits req (built for r) and waits for its response, unless r->post. Returns the
   response's status. */
NTSTATUS wf_fsd_transact(wf_fsd *fsd, const wf_fsd_request *r, FSP_FSCTL_TRANSACT_REQ *req,
    FSP_FSCTL_TRANSACT_RSP *rsp);
/* Builds, submits, waits, frees: what nearly every operation does. */
NTSTATUS wf_fsd_send(wf_fsd *fsd, const wf_fsd_request *r, FSP_FSCTL_TRANSACT_RSP *rsp);
/* The access token the stand-in's requests carry: 0 without an identity. */
uint64_t wf_fsd_token(wf_fsd *fsd);

/* ---- fsd_name.c: names and patterns ----------------------------------------------------- */

NTSTATUS wf_fsd_parse_path(const char *path, uint16_t *name, size_t *units,
    bool *trailing_backslash);
bool wf_fsd_name_equal(bool fold, const uint16_t *a, size_t a_units, const uint16_t *b,
    size_t b_units);
bool wf_fsd_name_below(bool fold, const uint16_t *name, size_t units, const uint16_t *dir,
    size_t dir_units);
NTSTATUS wf_fsd_parse_pattern(const char *utf8, uint16_t *pattern, size_t *units);
bool wf_fsd_name_in_expression(const uint16_t *expr, size_t m, const uint16_t *name, size_t n,
    bool ignore_case, bool *cur, bool *next);

/* ---- fsd_check.c: the caller's buffers, as the I/O manager and WinFsp's FSD check them --- */

/* IoCheckEaBufferValidity, then each name and flag: STATUS_EA_LIST_INCONSISTENT or
   STATUS_INVALID_EA_NAME. An empty list is valid. */
NTSTATUS wf_fsd_check_ea_list(const uint8_t *list, uint32_t length);
/* FsRtlValidateReparsePointBuffer: STATUS_IO_REPARSE_DATA_INVALID or _TAG_INVALID. */
NTSTATUS wf_fsd_check_reparse_buffer(const uint8_t *buffer, size_t size);
/* RtlValidRelativeSecurityDescriptor: STATUS_INVALID_SECURITY_DESCR when malformed. */
NTSTATUS wf_fsd_check_security_descriptor(const uint8_t *sd, size_t length);

/* ---- fsd_notify.c: change watches ------------------------------------------------------- */

/* The handle's watch goes (its Cleanup). Lock held. */
void wf_fsd_watch_end(wf_fsd *fsd, wf_fsd_file *file);

/* ---- fsd_share.c: open files, share access, delete-pending ------------------------------ */

void wf_fsd_node_unlist(wf_fsd *fsd, wf_fsd_node *node);
NTSTATUS wf_fsd_node_open(wf_fsd *fsd, wf_fsd_file *file, const uint16_t *name, size_t units,
    uint32_t access, uint32_t extra_access, uint32_t share_access, bool is_directory);
void wf_fsd_node_close(wf_fsd *fsd, wf_fsd_file *file);
void wf_fsd_learn_size(wf_fsd_file *file, const FSP_FSCTL_FILE_INFO *info);

/* ---- fsd_close.c, fsd_reparse.c: what Create needs of them ------------------------------ */

void wf_fsd_post_close(wf_fsd *fsd, uint64_t user_context, uint64_t user_context2);
NTSTATUS wf_fsd_reparse_path(const FSP_FSCTL_TRANSACT_RSP *rsp, const uint8_t *buffer,
    size_t len, char *path, size_t cap);

#endif
