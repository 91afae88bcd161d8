/* fsd.c — the FSD stand-in's core: life cycle, identity, requests sent and answered. */
#define _POSIX_C_SOURCE 200809L
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "winfuse/nt_constants.h"

/* The token handle of the stand-in's identity (the low half of its access tokens). */
#define WF_FSD_TOKEN_HANDLE 0x5746u
/* The token handle of a thread's own caller (wf_fsd_set_thread_identity). */
#define WF_FSD_THREAD_TOKEN_HANDLE 0x5747u

/* The caller this thread acts for, and the stand-in it acts on. */
static _Thread_local struct {
    const wf_fsd *fsd;
    wf_identity identity;
} wf_fsd_thread_caller;

/* The canceller of this thread's calls (wf_fsd_set_thread_cancel), and its stand-in. */
static _Thread_local struct {
    const wf_fsd *fsd;
    wf_fsd_canceller *canceller;
} wf_fsd_thread_cancel;

/* One request waiting for its response; lives on the waiting caller's stack. */
typedef struct wf_fsd_call {
    struct wf_fsd_call *next;
    const wf_fsd_file *file;    /* the handle it works on (for cancellation), or NULL */
    const wf_fsd_canceller *canceller;  /* its thread's (wf_fsd_cancel_thread), or NULL */
    uint64_t hint;
    bool done;                  /* under fsd->lock; waiter.done is the wait's own */
    wf_waiter waiter;
    /* Where the response's Buffer[] goes, for the kinds that answer with one. */
    uint8_t *buffer;
    size_t buffer_cap, buffer_len;
    FSP_FSCTL_TRANSACT_RSP response;    /* last: its Buffer[] is not copied here */
} wf_fsd_call;

/* ---- requests and responses ------------------------------------------------------------ */

/* Appends data to the request's Buffer at the next 8-byte boundary, as WinFsp lays it out. */
static FSP_FSCTL_TRANSACT_BUF wf_fsd_request_append(FSP_FSCTL_TRANSACT_REQ *req,
    const void *data, size_t size)
{
    FSP_FSCTL_TRANSACT_BUF buf;
    size_t offset = req->Size - sizeof(FSP_FSCTL_TRANSACT_REQ);
    memcpy(req->Buffer + offset, data, size);
    buf.Offset = (uint16_t)offset;
    buf.Size = (uint16_t)size;
    req->Size = (uint16_t)(req->Size + WF_FSD_ALIGN_UP(size));
    return buf;
}

/* A name as WinFsp passes it: UTF-16 with a terminating NUL counted in Size. */
static FSP_FSCTL_TRANSACT_BUF wf_fsd_request_append_name(FSP_FSCTL_TRANSACT_REQ *req,
    const uint16_t *name, size_t units)
{
    FSP_FSCTL_TRANSACT_BUF buf;
    uint16_t *dst = (uint16_t *)(void *)(req->Buffer + (req->Size - sizeof *req));
    size_t size = (units + 1) * sizeof(uint16_t);
    memcpy(dst, name, units * sizeof(uint16_t));
    dst[units] = 0;
    buf.Offset = (uint16_t)(req->Size - sizeof *req);
    buf.Size = (uint16_t)size;
    req->Size = (uint16_t)(req->Size + WF_FSD_ALIGN_UP(size));
    return buf;
}

/* Request buffers kept for reuse: allocating and clearing 16 KiB for every call was most
   of what a cached stat cost the stand-in. */
#define WF_FSD_FREE_REQUESTS_MAX 16u

typedef union wf_fsd_free_request {
    union wf_fsd_free_request *next;
    FSP_FSCTL_TRANSACT_REQ req;
} wf_fsd_free_request;

/* A request buffer of FSP_FSCTL_TRANSACT_REQ_SIZEMAX bytes: its header cleared, its
   Buffer[] not (only the bytes Size covers are ever read, and the appends write them). */
static FSP_FSCTL_TRANSACT_REQ *wf_fsd_request_alloc(wf_fsd *fsd)
{
    wf_fsd_free_request *f;

    pthread_mutex_lock(&fsd->lock);
    f = fsd->free_requests;
    if (f != NULL) {
        fsd->free_requests = f->next;
        fsd->free_request_count--;
    }
    pthread_mutex_unlock(&fsd->lock);
    if (f == NULL)
        return calloc(1, FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    memset(&f->req, 0, sizeof f->req);
    return &f->req;
}

void wf_fsd_request_free(wf_fsd *fsd, FSP_FSCTL_TRANSACT_REQ *req)
{
    wf_fsd_free_request *f = (wf_fsd_free_request *)(void *)req;

    if (req == NULL)
        return;
    pthread_mutex_lock(&fsd->lock);
    if (fsd->free_request_count < WF_FSD_FREE_REQUESTS_MAX) {
        f->next = fsd->free_requests;
        fsd->free_requests = f;
        fsd->free_request_count++;
        f = NULL;
    }
    pthread_mutex_unlock(&fsd->lock);
    free(f);
}

FSP_FSCTL_TRANSACT_REQ *wf_fsd_request_build(wf_fsd *fsd, const wf_fsd_request *r,
    NTSTATUS *status)
{
    FSP_FSCTL_TRANSACT_REQ *req = wf_fsd_request_alloc(fsd);
    FSP_FSCTL_TRANSACT_BUF file_name = { 0, 0 };
    size_t i;

    if (req == NULL) {
        *status = STATUS_INSUFFICIENT_RESOURCES;
        return NULL;
    }
    req->Size = sizeof(FSP_FSCTL_TRANSACT_REQ);
    /* The handle's path is read under the lock: a rename through another handle may change
       it. */
    if (r->file_name) {
        pthread_mutex_lock(&fsd->lock);
        file_name = wf_fsd_request_append_name(req, r->file->node->name,
            r->file->node->name_units);
        pthread_mutex_unlock(&fsd->lock);
    } else if (r->name != NULL) {
        file_name = wf_fsd_request_append_name(req, r->name, r->name_units);
    }
    for (i = 0; i < sizeof r->append / sizeof r->append[0]; i++) {
        const wf_fsd_append *a = &r->append[i];
        if (a->at == NULL || (a->size == 0 && !a->name))
            continue;
        if (a->name) {
            *a->at = wf_fsd_request_append_name(req, a->data, a->size);
            continue;
        }
        /* As WinFsp's FSD: a request that cannot hold the data is refused. */
        if (req->Size + a->size > FSP_FSCTL_TRANSACT_REQ_SIZEMAX) {
            *status = r->too_big != 0 ? r->too_big : STATUS_INVALID_PARAMETER;
            wf_fsd_request_free(fsd, req);
            return NULL;
        }
        *a->at = wf_fsd_request_append(req, a->data, a->size);
    }
    /* Req as the caller filled it in (with the Buffer locations just set), then the
       header. */
    if (r->head != NULL)
        memcpy(&req->Req, &r->head->Req, sizeof req->Req);
    req->Version = sizeof(FSP_FSCTL_TRANSACT_REQ);
    req->Kind = r->kind;
    req->FileName = file_name;
    /* Every per-file kind's Req begins with the UserContext pair (winfsp_abi.h pins them
       all at the same offset), as WinFsp's FSP_FSCTL_TRANSACT_FULL_CONTEXT reads them. */
    if (r->file != NULL && !r->volume) {
        req->Req.Close.UserContext = r->file->user_context;
        req->Req.Close.UserContext2 = r->file->user_context2;
    }
    *status = STATUS_SUCCESS;
    return req;
}

/* Registers the call before submitting, since the response may arrive inside submit.
   r->file is the handle the request works on, so that wf_fsd_cancel_file finds it. */
NTSTATUS wf_fsd_transact(wf_fsd *fsd, const wf_fsd_request *r, FSP_FSCTL_TRANSACT_REQ *req,
    FSP_FSCTL_TRANSACT_RSP *rsp)
{
    wf_fsd_call call;

    /* As WinFsp's FSD posts Close (src/sys/close.c): nothing can fail for the caller once
       the handle is gone, and the response, matching no waiter, is dropped. */
    if (r->post) {
        pthread_mutex_lock(&fsd->lock);
        req->Hint = ++fsd->last_hint;
        pthread_mutex_unlock(&fsd->lock);
        fsd->submit(fsd->ctx, req);
        return STATUS_SUCCESS;
    }

    memset(&call, 0, sizeof call);
    call.file = r->file;
    call.buffer = r->buffer;
    call.buffer_cap = r->buffer_cap;
    pthread_cond_init(&call.waiter.cond, NULL);

    if (wf_fsd_thread_cancel.fsd == fsd)
        call.canceller = wf_fsd_thread_cancel.canceller;

    pthread_mutex_lock(&fsd->lock);
    call.hint = ++fsd->last_hint;
    call.next = fsd->calls;
    fsd->calls = &call;
    pthread_mutex_unlock(&fsd->lock);

    req->Hint = call.hint;
    fsd->submit(fsd->ctx, req);

    /* The thread's work was cancelled before this call was submitted (wf_fsd_cancel_thread
       found nothing to cancel, or the owner did not know this Hint yet): it is cancelled
       now, and the file system decides, as for a call cancelled while it waits. */
    if (call.canceller != NULL) {
        wf_fsd_cancel_fn *cancel = NULL;
        void *cancel_ctx = NULL;
        pthread_mutex_lock(&fsd->lock);
        if (call.canceller->cancelled && !call.done) {
            cancel = fsd->cancel;
            cancel_ctx = fsd->cancel_ctx;
        }
        pthread_mutex_unlock(&fsd->lock);
        if (cancel != NULL)
            cancel(cancel_ctx, call.hint);
    }

    /* wf_fsd_complete has taken the call off the list by the time it is done. */
    if (fsd->wait.wait != NULL) {
        fsd->wait.wait(fsd->wait.ctx, &call.waiter);
    } else {
        pthread_mutex_lock(&fsd->lock);
        while (!call.done)
            pthread_cond_wait(&call.waiter.cond, &fsd->lock);
        pthread_mutex_unlock(&fsd->lock);
    }
    pthread_cond_destroy(&call.waiter.cond);

    *rsp = call.response;
    if (r->buffer_len != NULL)
        *r->buffer_len = call.buffer_len;
    /* A response of another kind is not an answer to this request. */
    if (rsp->Kind != req->Kind)
        return STATUS_INTERNAL_ERROR;
    return (NTSTATUS)rsp->IoStatus.Status;
}

NTSTATUS wf_fsd_send(wf_fsd *fsd, const wf_fsd_request *r, FSP_FSCTL_TRANSACT_RSP *rsp)
{
    NTSTATUS status;
    FSP_FSCTL_TRANSACT_REQ *req = wf_fsd_request_build(fsd, r, &status);
    if (req == NULL)
        return status;
    status = wf_fsd_transact(fsd, r, req, rsp);
    wf_fsd_request_free(fsd, req);
    return status;
}

void wf_fsd_complete(wf_fsd *fsd, const FSP_FSCTL_TRANSACT_RSP *response)
{
    wf_fsd_call *call, **link;

    pthread_mutex_lock(&fsd->lock);
    for (link = &fsd->calls; (call = *link) != NULL; link = &call->next)
        if (call->hint == response->Hint && !call->done)
            break;
    /* A response that matches nothing waiting (a duplicate, a stray) is dropped. */
    if (call != NULL) {
        call->response = *response;
        /* The Buffer[] the response's Size covers, as much as the waiter has room for. */
        if (call->buffer != NULL && response->Size > sizeof *response) {
            size_t n = response->Size - sizeof *response;
            call->buffer_len = n < call->buffer_cap ? n : call->buffer_cap;
            memcpy(call->buffer, response->Buffer, call->buffer_len);
        }
        call->done = true;
        /* Unlinked here, so that the waiter need not take the lock again. */
        *link = call->next;
        if (fsd->wait.wake != NULL) {
            /* Woken after the lock is let go (a woken waiter that found it held would
               sleep again, with 8 callers a wake-up more per read): the call lives until
               the wait returns, which only the wake lets it do. */
            wf_wait_ops wait = fsd->wait;
            pthread_mutex_unlock(&fsd->lock);
            wait.wake(wait.ctx, &call->waiter);
            return;
        }
        /* The condition's waiter checks done under the lock, so it is woken under it. */
        pthread_cond_signal(&call->waiter.cond);
    }
    pthread_mutex_unlock(&fsd->lock);
}

/* ---- life cycle ------------------------------------------------------------------------ */

wf_fsd *wf_fsd_create(wf_fsd_submit_fn *submit, void *ctx)
{
    wf_fsd *fsd = calloc(1, sizeof *fsd);
    if (fsd == NULL)
        return NULL;
    fsd->submit = submit;
    fsd->ctx = ctx;
    fsd->allocation_unit = 1;
    pthread_mutex_init(&fsd->lock, NULL);
    {
        /* Watches wait on the monotonic clock, as every other wait here. */
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&fsd->notify_cond, &attr);
        pthread_condattr_destroy(&attr);
    }
    return fsd;
}

void wf_fsd_set_wait(wf_fsd *fsd, const wf_wait_ops *ops)
{
    pthread_mutex_lock(&fsd->lock);
    if (ops != NULL)
        fsd->wait = *ops;
    else
        memset(&fsd->wait, 0, sizeof fsd->wait);
    pthread_mutex_unlock(&fsd->lock);
}

void wf_fsd_set_identity(wf_fsd *fsd, const wf_identity *identity)
{
    pthread_mutex_lock(&fsd->lock);
    fsd->has_identity = identity != NULL;
    if (identity != NULL)
        fsd->identity = *identity;
    pthread_mutex_unlock(&fsd->lock);
}

void wf_fsd_set_thread_identity(wf_fsd *fsd, const wf_identity *identity)
{
    wf_fsd_thread_caller.fsd = identity != NULL ? fsd : NULL;
    if (identity != NULL)
        wf_fsd_thread_caller.identity = *identity;
}

bool wf_fsd_resolve_token(wf_fsd *fsd, uint64_t token, wf_identity *identity)
{
    bool known;
    uint32_t pid = identity->pid;

    if (FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(token) == WF_FSD_THREAD_TOKEN_HANDLE) {
        if (wf_fsd_thread_caller.fsd != fsd)
            return false;
        *identity = wf_fsd_thread_caller.identity;
        identity->pid = pid;
        return true;
    }
    if (FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(token) != WF_FSD_TOKEN_HANDLE)
        return false;
    pthread_mutex_lock(&fsd->lock);
    known = fsd->has_identity;
    if (known) {
        *identity = fsd->identity;
        identity->pid = pid;
    }
    pthread_mutex_unlock(&fsd->lock);
    return known;
}

/* The access token the stand-in's requests carry: this process and the identity's handle;
   0 without an identity. */
uint64_t wf_fsd_token(wf_fsd *fsd)
{
    bool known;
    if (wf_fsd_thread_caller.fsd == fsd)
        return WF_FSP_ACCESS_TOKEN(wf_fsd_thread_caller.identity.pid,
            WF_FSD_THREAD_TOKEN_HANDLE);
    pthread_mutex_lock(&fsd->lock);
    known = fsd->has_identity;
    pthread_mutex_unlock(&fsd->lock);
    return known ? WF_FSP_ACCESS_TOKEN((uint32_t)getpid(), WF_FSD_TOKEN_HANDLE) : 0;
}

void wf_fsd_delete(wf_fsd *fsd)
{
    if (fsd == NULL)
        return;
    while (fsd->nodes != NULL) {
        wf_fsd_node *node = fsd->nodes;
        fsd->nodes = node->next;
        free(node);
    }
    while (fsd->free_requests != NULL) {
        union wf_fsd_free_request *f = fsd->free_requests;
        fsd->free_requests = f->next;
        free(f);
    }
    pthread_cond_destroy(&fsd->notify_cond);
    pthread_mutex_destroy(&fsd->lock);
    free(fsd);
}

void wf_fsd_set_volume_params(wf_fsd *fsd, const FSP_FSCTL_VOLUME_PARAMS *params)
{
    uint64_t unit = (uint64_t)params->SectorSize * params->SectorsPerAllocationUnit;
    pthread_mutex_lock(&fsd->lock);
    fsd->allocation_unit = unit != 0 ? unit : 1;
    fsd->case_insensitive = !params->CaseSensitiveSearch;
    fsd->ea_supported = params->ExtendedAttributes;
    fsd->ea_case_preserved = params->CasePreservedExtendedAttributes;
    fsd->named_streams = params->NamedStreams;
    pthread_mutex_unlock(&fsd->lock);
}

void wf_fsd_set_cancel(wf_fsd *fsd, wf_fsd_cancel_fn *cancel, void *ctx)
{
    pthread_mutex_lock(&fsd->lock);
    fsd->cancel = cancel;
    fsd->cancel_ctx = ctx;
    pthread_mutex_unlock(&fsd->lock);
}

/* ---- cancellation ---------------------------------------------------------------------- */

/* Cancels the requests waiting on file (every one when file is NULL) through cancel, or
   the owner's callback when cancel is NULL. */
static void wf_fsd_cancel_calls(wf_fsd *fsd, const wf_fsd_file *file,
    const wf_fsd_canceller *canceller, wf_fsd_cancel_fn *cancel, void *cancel_ctx)
{
    uint64_t after = 0;

    /* One request at a time, in Hint order, without the lock held: the owner may complete
       the request from inside its cancel callback. */
    for (;;) {
        wf_fsd_cancel_fn *fn = cancel;
        void *ctx = cancel_ctx;
        uint64_t hint = 0;
        const wf_fsd_call *call;

        pthread_mutex_lock(&fsd->lock);
        if (fn == NULL) {
            fn = fsd->cancel;
            ctx = fsd->cancel_ctx;
        }
        for (call = fsd->calls; call != NULL; call = call->next)
            if ((file == NULL || call->file == file) &&
                (canceller == NULL || call->canceller == canceller) && !call->done &&
                call->hint > after &&
                (hint == 0 || call->hint < hint))
                hint = call->hint;
        pthread_mutex_unlock(&fsd->lock);
        if (hint == 0 || fn == NULL)
            break;
        fn(ctx, hint);
        after = hint;
    }
}

void wf_fsd_cancel_file(wf_fsd_file *file)
{
    wf_fsd_cancel_calls(file->fsd, file, NULL, NULL, NULL);
}

void wf_fsd_cancel_all(wf_fsd *fsd, wf_fsd_cancel_fn *cancel, void *ctx)
{
    wf_fsd_cancel_calls(fsd, NULL, NULL, cancel, ctx);
}

void wf_fsd_set_thread_cancel(wf_fsd *fsd, wf_fsd_canceller *canceller)
{
    wf_fsd_thread_cancel.fsd = canceller != NULL ? fsd : NULL;
    wf_fsd_thread_cancel.canceller = canceller;
}

void wf_fsd_cancel_begin(wf_fsd *fsd, wf_fsd_canceller *canceller, uint64_t key)
{
    pthread_mutex_lock(&fsd->lock);
    canceller->key = key;
    canceller->cancelled = false;
    pthread_mutex_unlock(&fsd->lock);
}

void wf_fsd_cancel_thread(wf_fsd *fsd, wf_fsd_canceller *canceller, uint64_t key)
{
    bool current;

    pthread_mutex_lock(&fsd->lock);
    current = canceller->key == key;
    if (current)
        canceller->cancelled = true;
    pthread_mutex_unlock(&fsd->lock);
    if (current)
        wf_fsd_cancel_calls(fsd, NULL, canceller, NULL, NULL);
}
