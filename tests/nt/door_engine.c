/* door_engine.c — engine.h as a Windows program reaches the real winfuse-x64.sys: FUSE_FSCTL_TRANSACT on a volume handle, WinFsp requests through the stand-in. */

/* The engine's unit-test mock (tests/unit/support/mock_fs.c) links against this instead of the
   engine, so that its tests drive the driver under Wine: each wf_engine is a volume of the
   WinFsp stand-in (tests/nt/winfsp_standin.c) whose provider is winfuse-x64.sys. The
   engine's in-process rules are kept where the door can keep them: after a submit or a
   transact returns, every FUSE request the driver could hand out has been taken out and
   every response it produced was delivered, with Read and QueryDirectory data copied to the
   caller's Address. What only exists in process (cancel, shutdown, the counters) is refused
   loudly. */
#include <windows.h>
#include <winternl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "door.h"
#include "standin_ioctl.h"

/* The driver refuses an output buffer under 128 KiB + 4 KiB; the mock's is 1 MiB + 4 KiB. */
#define DOOR_MESSAGE ((1u << 20) + 4096u)
#define DOOR_RESPONSE_BUF (sizeof(standin_response_out) + FSP_FSCTL_TRANSACT_RSP_SIZEMAX + (17u << 20))
#define DOOR_MAX_ADDRESSES 256

NTSTATUS NTAPI NtDeviceIoControlFile(HANDLE file, HANDLE event, PIO_APC_ROUTINE apc,
    PVOID apc_context, PIO_STATUS_BLOCK iosb, ULONG code, PVOID in, ULONG in_len, PVOID out,
    ULONG out_len);

typedef struct door_message {
    struct door_message *next;
    size_t len;
    uint8_t bytes[];
} door_message;

/* Where a Read's or QueryDirectory's data goes back to: the caller's own Address. */
typedef struct door_address {
    uint64_t hint;
    void *address;
    uint32_t length;
} door_address;

struct wf_engine {
    HANDLE volume;
    uint64_t volume_id;
    wf_engine_complete_fn *complete;
    void *host;
    FSP_FSCTL_VOLUME_PARAMS params;
    CRITICAL_SECTION lock;
    door_message *head, *tail;          /* FUSE requests taken out of the driver */
    door_address addresses[DOOR_MAX_ADDRESSES];
    uint8_t *buf;
    uint8_t *rsp_buf;
    door_stats stats;
};

static void door_fail(const char *what, NTSTATUS status)
{
    fprintf(stderr, "door: %s: NTSTATUS 0x%08lx\n", what, (unsigned long)status);
    fflush(stderr);
    abort();
}

NTSTATUS door_ioctl(HANDLE handle, uint32_t code, const void *in, size_t in_len, void *out,
    size_t out_len, size_t *written)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;
    memset(&iosb, 0, sizeof iosb);
    status = NtDeviceIoControlFile(handle, NULL, NULL, NULL, &iosb, code, (PVOID)in,
        (ULONG)in_len, out, (ULONG)out_len);
    if (written)
        *written = NT_SUCCESS(status) ? (size_t)iosb.Information : 0;
    return status;
}

HANDLE door_open_standin(void)
{
    HANDLE h = CreateFileW(STANDIN_WIN32_PATH, GENERIC_READ | GENERIC_WRITE, 0, NULL,
        OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "door: cannot open %ls (error %lu): is the stand-in driver started?\n",
            STANDIN_WIN32_PATH, (unsigned long)GetLastError());
        return NULL;
    }
    return h;
}

/* Takes every kept response out of the stand-in and hands it to the caller, data first. */
static uint32_t deliver_responses(wf_engine *e)
{
    for (;;) {
        size_t n = 0;
        standin_response_out head;
        NTSTATUS status = door_ioctl(e->volume, STANDIN_IOCTL_TAKE_RESPONSE, NULL, 0, e->rsp_buf,
            DOOR_RESPONSE_BUF, &n);
        if (!NT_SUCCESS(status))
            door_fail("taking a response from the stand-in", status);
        memcpy(&head, e->rsp_buf, sizeof head);
        e->stats.orphans = head.orphans;
        if (!head.rsp_size)
            return head.queued;
        const FSP_FSCTL_TRANSACT_RSP *rsp =
            (const FSP_FSCTL_TRANSACT_RSP *)(void *)(e->rsp_buf + sizeof head);
        const uint8_t *data = e->rsp_buf + sizeof head + ((head.rsp_size + 7u) & ~7u);
        EnterCriticalSection(&e->lock);
        for (int i = 0; i < DOOR_MAX_ADDRESSES; i++)
            if (e->addresses[i].address && e->addresses[i].hint == rsp->Hint) {
                if (head.data_size)
                    memcpy(e->addresses[i].address, data,
                        head.data_size < e->addresses[i].length ? head.data_size : e->addresses[i].length);
                e->addresses[i].address = NULL;
            }
        e->stats.responses++;
        e->stats.tokens_closed += head.token_closed;
        LeaveCriticalSection(&e->lock);
        e->complete(e->host, rsp);
    }
}

static void keep_request(wf_engine *e, const void *bytes, size_t len)
{
    door_message *m = malloc(sizeof *m + len);
    if (!m)
        abort();
    m->next = NULL;
    m->len = len;
    memcpy(m->bytes, bytes, len);
    EnterCriticalSection(&e->lock);
    if (e->tail)
        e->tail->next = m;
    else
        e->head = m;
    e->tail = m;
    e->stats.requests++;
    LeaveCriticalSection(&e->lock);
}

NTSTATUS door_transact(wf_engine *e, const void *reply, size_t reply_len, void *out,
    size_t out_cap, size_t *out_len)
{
    NTSTATUS status = door_ioctl(e->volume, WF_FUSE_FSCTL_TRANSACT, reply, reply_len, out,
        out_cap, out_len);
    e->stats.transacts++;
    return status;
}

/* Transacts until the driver has nothing to hand out and the stand-in no request to give
   it: what an in-process submit or transact leaves behind. */
static NTSTATUS pump(wf_engine *e)
{
    for (;;) {
        size_t n = 0;
        NTSTATUS status = door_transact(e, NULL, 0, e->buf, DOOR_MESSAGE, &n);
        uint32_t queued = deliver_responses(e);
        if (!NT_SUCCESS(status))
            return status;
        if (n)
            keep_request(e, e->buf, n);
        else if (!queued)
            return STATUS_SUCCESS;
    }
}

NTSTATUS wf_engine_create(const wf_engine_params *params, wf_engine **engine)
{
    wf_engine *e = calloc(1, sizeof *e);
    standin_volume_out out;
    size_t n = 0;
    NTSTATUS status;
    if (!e)
        return STATUS_INSUFFICIENT_RESOURCES;
    e->complete = params->complete;
    e->host = params->host;
    e->buf = malloc(DOOR_MESSAGE);
    e->rsp_buf = malloc(DOOR_RESPONSE_BUF);
    InitializeCriticalSection(&e->lock);
    e->volume = door_open_standin();
    if (!e->volume || !e->buf || !e->rsp_buf) {
        wf_engine_delete(e);
        return STATUS_NO_SUCH_DEVICE;
    }
    memset(&out, 0, sizeof out);
    out.params.Version = sizeof out.params;
    out.params.SectorSize = 512;
    out.params.SectorsPerAllocationUnit = 8;
    out.params.VolumeSerialNumber = 0x57465553;
    out.params.FsextControlCode = WF_FUSE_FSCTL_TRANSACT;
    status = door_ioctl(e->volume, STANDIN_IOCTL_CREATE_VOLUME, &out.params, sizeof out.params,
        &out, sizeof out, &n);
    if (NT_SUCCESS(status))
        status = out.status;
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "door: creating a volume: NTSTATUS 0x%08lx\n", (unsigned long)status);
        wf_engine_delete(e);
        return status;
    }
    e->params = out.params;
    e->volume_id = out.volume_id;
    *engine = e;
    return STATUS_SUCCESS;
}

void wf_engine_delete(wf_engine *e)
{
    if (!e)
        return;
    if (e->volume)
        CloseHandle(e->volume);
    while (e->head) {
        door_message *next = e->head->next;
        free(e->head);
        e->head = next;
    }
    DeleteCriticalSection(&e->lock);
    free(e->buf);
    free(e->rsp_buf);
    free(e);
}

/* Closing the volume handle is what a file system's exit does: WinFsp calls DeviceFini. */
void wf_engine_disconnect(wf_engine *e)
{
    if (e->volume) {
        CloseHandle(e->volume);
        e->volume = NULL;
    }
}

void wf_engine_get_volume_params(wf_engine *e, FSP_FSCTL_VOLUME_PARAMS *params)
{
    *params = e->params;
}

void wf_engine_submit(wf_engine *e, const FSP_FSCTL_TRANSACT_REQ *req)
{
    size_t len = req->Size, data_len = 0;
    void *address = NULL;
    uint8_t *message;
    NTSTATUS status;

    if (!e->volume) {
        /* The volume is gone: WinFsp fails what still comes. */
        FSP_FSCTL_TRANSACT_RSP rsp;
        memset(&rsp, 0, sizeof rsp);
        rsp.Size = sizeof rsp;
        rsp.Kind = req->Kind;
        rsp.Hint = req->Hint;
        rsp.IoStatus.Status = (UINT32)STATUS_CONNECTION_DISCONNECTED;
        e->complete(e->host, &rsp);
        return;
    }
    if (req->Kind == FspFsctlTransactWriteKind)
        data_len = req->Req.Write.Length;
    else if (req->Kind == FspFsctlTransactReadKind)
        address = (void *)(uintptr_t)req->Req.Read.Address;
    else if (req->Kind == FspFsctlTransactQueryDirectoryKind)
        address = (void *)(uintptr_t)req->Req.QueryDirectory.Address;
    if (address) {
        EnterCriticalSection(&e->lock);
        for (int i = 0; i < DOOR_MAX_ADDRESSES; i++)
            if (!e->addresses[i].address) {
                e->addresses[i].address = address;
                e->addresses[i].hint = req->Hint;
                e->addresses[i].length = req->Kind == FspFsctlTransactReadKind ?
                    req->Req.Read.Length : req->Req.QueryDirectory.Length;
                break;
            }
        LeaveCriticalSection(&e->lock);
    }
    message = malloc(len + data_len);
    if (!message)
        abort();
    memcpy(message, req, len);
    if (data_len)
        memcpy(message + len, (const void *)(uintptr_t)req->Req.Write.Address, data_len);
    status = door_ioctl(e->volume, STANDIN_IOCTL_SUBMIT, message, len + data_len, NULL, 0, NULL);
    free(message);
    if (!NT_SUCCESS(status))
        door_fail("submitting a WinFsp request to the stand-in", status);
    e->stats.submits++;
    /* A disconnected engine fails the request: the stand-in keeps it queued, as WinFsp
       would until the volume goes. */
    (void)pump(e);
}

static bool take_kept(wf_engine *e, void *out, size_t cap, size_t *len, NTSTATUS *status)
{
    door_message *m;
    EnterCriticalSection(&e->lock);
    m = e->head;
    if (m && m->len <= cap) {
        e->head = m->next;
        if (!e->head)
            e->tail = NULL;
    }
    LeaveCriticalSection(&e->lock);
    if (!m)
        return false;
    if (m->len > cap) {
        *status = STATUS_BUFFER_TOO_SMALL;
        return true;
    }
    memcpy(out, m->bytes, m->len);
    *len = m->len;
    free(m);
    *status = STATUS_SUCCESS;
    return true;
}

void wf_engine_submit_transact(wf_engine *e, const FSP_FSCTL_TRANSACT_REQ *req, void *buf,
    size_t cap, size_t *len)
{
    NTSTATUS status;
    *len = 0;
    wf_engine_submit(e, req);
    (void)take_kept(e, buf, cap, len, &status);
}

NTSTATUS wf_engine_transact(wf_engine *e, const void *reply, size_t reply_len, void *out,
    size_t out_cap, size_t *out_len, uint32_t timeout_ms)
{
    NTSTATUS status = STATUS_SUCCESS;
    DWORD start = GetTickCount();
    size_t n = 0;
    if (out_len)
        *out_len = 0;
    if (!e->volume)
        return STATUS_CONNECTION_DISCONNECTED;
    if (reply) {
        /* The reply and the next request in one transact, as a file system loop does. */
        status = door_transact(e, reply, reply_len, out ? e->buf : NULL, out ? DOOR_MESSAGE : 0, &n);
        (void)deliver_responses(e);
        if (!NT_SUCCESS(status))
            return status;
        if (n)
            keep_request(e, e->buf, n);
    }
    if (!out)
        return STATUS_SUCCESS;
    for (;;) {
        status = pump(e);
        if (take_kept(e, out, out_cap, out_len, &status) || !NT_SUCCESS(status))
            return status;
        /* Deadlines (FORGET batches, timeouts) fall due in a transact: poll until then. */
        if (!timeout_ms || (timeout_ms != UINT32_MAX && GetTickCount() - start >= timeout_ms))
            return STATUS_SUCCESS;
        Sleep(5);
    }
}

/* What the driver keeps to itself. */
void wf_engine_get_info(wf_engine *e, wf_engine_info *info)
{
    (void)e;
    memset(info, 0, sizeof *info);
    fprintf(stderr, "door: wf_engine_get_info: the driver has no counters to show\n");
    abort();
}

bool wf_engine_cancel(wf_engine *e, uint64_t hint)
{
    (void)e;
    (void)hint;
    fprintf(stderr, "door: wf_engine_cancel: WinFsp's fsext interface carries no cancel\n");
    abort();
}

bool wf_engine_cancel_within(wf_engine *e, uint64_t hint, uint32_t grace_ms)
{
    (void)grace_ms;
    return wf_engine_cancel(e, hint);
}

NTSTATUS wf_engine_transact_own(wf_engine *e, const void *reply, size_t reply_len,
    void *out, size_t out_cap, size_t *out_len, uint32_t timeout_ms)
{
    (void)e, (void)reply, (void)reply_len, (void)out, (void)out_cap, (void)out_len,
        (void)timeout_ms;
    fprintf(stderr, "door: wf_engine_transact_own: a host-made reply has no door\n");
    abort();
}

void wf_engine_shutdown(wf_engine *e)
{
    (void)e;
    fprintf(stderr, "door: wf_engine_shutdown: WinFsp ends a volume by closing its handle\n");
    abort();
}

HANDLE door_volume(wf_engine *e)
{
    return e->volume;
}

uint64_t door_volume_id(wf_engine *e)
{
    return e->volume_id;
}

door_stats door_get_stats(wf_engine *e)
{
    door_stats s;
    (void)deliver_responses(e);
    EnterCriticalSection(&e->lock);
    s = e->stats;
    LeaveCriticalSection(&e->lock);
    return s;
}
