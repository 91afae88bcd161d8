/* device.c — the four fsext callbacks of winfuse.sys: one engine per WinFsp volume, FUSE_FSCTL_TRANSACT as its door. */
#include "device.h"

/* FUSE messages are at most 128 KiB of data plus a header page, both ways; the file system's
   output buffer must hold the largest (a smaller one gets STATUS_BUFFER_TOO_SMALL). */
#define WF_NT_MAX_MESSAGE (128u * 1024u + 4096u)
#define WF_NT_MAX_READAHEAD (128u * 1024u)
/* How long a file-system thread may wait inside WinFsp for a WinFsp request: also the longest
   a FUSE request that becomes ready meanwhile waits before a thread takes it out (see
   device_transact). 1 s is WinFsp's minimum and default. */
#define WF_NT_PULL_TIMEOUT_MS 1000u
#define WF_NT_TAG ((ULONG)'W' | (ULONG)'f' << 8 | (ULONG)'V' << 16 | (ULONG)'p' << 24)


/* Our bytes in each WinFsp volume device extension (provider DeviceExtensionSize). */
typedef struct wf_nt_volume {
    wf_engine *engine;
    /* The volume handle's file object and the device it was opened on: where WinFsp requests
       are pulled from and responses go. Set by the first transact; every later one must come
       through the same file object (a duplicated handle shares it). */
    PFILE_OBJECT file_object;
    PDEVICE_OBJECT fsctl_device;
    /* Set by DeviceFini: the volume handle is gone, responses have nowhere to go. */
    volatile LONG finishing;
} wf_nt_volume;

static wf_nt_volume *volume_of(PDEVICE_OBJECT fsvol)
{
    return (wf_nt_volume *)((PUINT8)fsvol->DeviceExtension + wf_nt_provider.DeviceExtensionOffset);
}

/* The engine's complete callback: it holds no lock here, so APCs are enabled as
   FspFsextProviderTransact requires. It runs in a thread inside device_transact (a reply
   finished a request, or a submitted request finished at once), or in DeviceFini, where
   WinFsp has already failed every request it still had, so the response is dropped. */
static void complete(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    wf_nt_volume *v = host;
    if (v->finishing || !v->file_object)
        return;
    /* WinFsp reads the response and drops one whose request was cancelled meanwhile: its
       status says nothing we could act on. */
    (void)FspFsextProviderTransact(v->fsctl_device, v->file_object,
        (FSP_FSCTL_TRANSACT_RSP *)rsp, NULL);
}

/* A new volume: its engine, and the volume parameters the engine needs. Failure fails the
   volume's creation, and then DeviceFini is not called. */
static NTSTATUS device_init(PDEVICE_OBJECT fsvol, FSP_FSCTL_VOLUME_PARAMS *params)
{
    wf_nt_volume *v = volume_of(fsvol);
    wf_engine_params ep;
    FSP_FSCTL_VOLUME_PARAMS *given;
    NTSTATUS status;

    RtlZeroMemory(v, sizeof *v);
    RtlZeroMemory(&ep, sizeof ep);
    ep.max_message = WF_NT_MAX_MESSAGE;
    ep.max_readahead = WF_NT_MAX_READAHEAD;
    /* A Create or Rename acts for the caller its access token names (identity.c); requests
       without one (kernel-mode callers) carry uid/gid/pid 0 and skip the access checks. */
    ep.identity = wf_nt_identity;
    ep.umask = 022;
    ep.forget_delay_ms = wf_nt_params.forget_delay_ms;
    ep.no_dosattrib = !wf_nt_params.dos_attrib;
    ep.complete = complete;
    ep.host = v;
    /* No change notifications: WinFsp offers providers no way to report them. Its
       FSP_FSCTL_NOTIFY is METHOD_NEITHER and probes its input as user memory, and no fsext
       export reaches FspVolumeNotify (docs/windows.md). The engine then builds no records:
       the file system's notifications only invalidate its cache. */
    ep.notify = NULL;
    /* FUSE is case-sensitive; a zeroed CaseSensitiveSearch from user mode is no request to
       fold case. DESTROY goes out on an orderly shutdown: the FSCTL channel outlives it. */
    status = wf_engine_create(&ep, &v->engine);
    if (!NT_SUCCESS(status))
        return status;

    /* The engine writes the whole record; keep what only the volume's creator knows. */
    given = ExAllocatePoolWithTag(PagedPool, sizeof *given, WF_NT_TAG);
    if (!given) {
        wf_engine_delete(v->engine);
        v->engine = NULL;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlMoveMemory(given, params, sizeof *given);
    wf_engine_get_volume_params(v->engine, params);
    params->VolumeCreationTime = given->VolumeCreationTime;
    params->VolumeSerialNumber = given->VolumeSerialNumber;
    params->IrpTimeout = given->IrpTimeout;
    params->IrpCapacity = given->IrpCapacity;
    RtlMoveMemory(params->Prefix, given->Prefix, sizeof params->Prefix);
    ExFreePoolWithTag(given, WF_NT_TAG);
    /* WinFsp reads TransactTimeout from this record after DeviceInit: it bounds each pull. */
    params->TransactTimeout = WF_NT_PULL_TIMEOUT_MS;
    return STATUS_SUCCESS;
}

/* The volume device goes away. No transact is running (each holds a reference on the device)
   and the volume handle is closed, so no DESTROY could be read: disconnect, which completes
   what is left, then free. */
static VOID device_fini(PDEVICE_OBJECT fsvol)
{
    wf_nt_volume *v = volume_of(fsvol);
    InterlockedExchange(&v->finishing, 1);
    if (v->engine) {
        wf_engine_disconnect(v->engine);
        wf_engine_delete(v->engine);
        v->engine = NULL;
    }
}

/* WinFsp's once-a-second tick. The engine keeps its deadlines (FORGET batching, request
   timeouts) in the transact threads, which come back at least every WF_NT_PULL_TIMEOUT_MS,
   so there is nothing to do here. */
static VOID device_expiration(PDEVICE_OBJECT fsvol, UINT64 interrupt_time)
{
    (void)fsvol;
    (void)interrupt_time;
}

/* Pulls one WinFsp request, if one is waiting, and hands it to a disconnected engine, which
   completes it with STATUS_CONNECTION_DISCONNECTED. */
static void fail_one_request(wf_nt_volume *v)
{
    FSP_FSCTL_TRANSACT_REQ *req = NULL;
    if (NT_SUCCESS(FspFsextProviderTransact(v->fsctl_device, v->file_object, NULL, &req)) && req) {
        wf_engine_submit(v->engine, req);
        ExFreePool(req);
    }
}

/* FUSE_FSCTL_TRANSACT on the volume handle, in a file-system thread at PASSIVE_LEVEL.
   METHOD_BUFFERED: one SystemBuffer holds the reply in (InputBufferLength bytes) and, after
   the reply is taken, the next FUSE request out (up to OutputBufferLength bytes); the driver
   never touches user memory. Information 0 with success means "nothing yet": the caller loops.

   A FUSE request can become ready while every file-system thread waits inside WinFsp for a
   WinFsp request (a FORGET batch falling due, a request timeout's INTERRUPT). Such a request
   goes out when the wait ends: WinFsp's wait is bounded by TransactTimeout, which DeviceInit
   sets to 1 s, and the engine is asked again after every pull. So the worst extra latency is
   1 s, with no thread of our own; the other option (a per-volume system thread pulling WinFsp
   requests into wf_engine_submit) costs a thread switch on every request instead. */
static NTSTATUS device_transact(PDEVICE_OBJECT fsvol, PIRP irp)
{
    wf_nt_volume *v = volume_of(fsvol);
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    ULONG in_len = sl->Parameters.FileSystemControl.InputBufferLength;
    ULONG out_len = sl->Parameters.FileSystemControl.OutputBufferLength;
    void *buf = irp->AssociatedIrp.SystemBuffer;
    FSP_FSCTL_TRANSACT_REQ *req;
    size_t n = 0;
    NTSTATUS status;

    irp->IoStatus.Information = 0;
    /* WinFsp routes only our code here, but only METHOD_BUFFERED keeps user memory away. */
    if (sl->Parameters.FileSystemControl.FsControlCode != WF_FUSE_FSCTL_TRANSACT)
        return STATUS_INVALID_DEVICE_REQUEST;
    /* Checked before the reply is taken, so that the caller can retry with the same reply
       and a larger buffer: nothing is lost. */
    if (out_len != 0 && out_len < WF_NT_MAX_MESSAGE)
        return STATUS_BUFFER_TOO_SMALL;
    if ((in_len != 0 || out_len != 0) && !buf)
        return STATUS_INVALID_PARAMETER;
    if (!sl->FileObject)
        return STATUS_INVALID_DEVICE_REQUEST;
    /* The first transact names them; racing first transacts store the same values. The device
       goes first: whoever sees the file object set also sees it. */
    InterlockedCompareExchangePointer((PVOID volatile *)&v->fsctl_device, sl->DeviceObject, NULL);
    InterlockedCompareExchangePointer((PVOID volatile *)&v->file_object, sl->FileObject, NULL);
    if (v->file_object != sl->FileObject || v->fsctl_device != sl->DeviceObject)
        return STATUS_INVALID_DEVICE_REQUEST;

    /* The reply first: the same buffer then receives the request. A malformed reply gets
       STATUS_INVALID_PARAMETER, one matching nothing in flight STATUS_NOT_FOUND (as Linux's
       ENOENT), and no request is taken out with either. */
    if (in_len != 0) {
        status = wf_engine_transact(v->engine, buf, in_len, NULL, 0, &n, 0);
        if (!NT_SUCCESS(status))
            return status;
    }
    if (out_len == 0)
        return STATUS_SUCCESS;

    /* STATUS_CONNECTION_DISCONNECTED once the engine is shut down or disconnected. The
       volume lives on until its handle closes, so WinFsp requests still come: each pull
       fails one (the engine completes it at once) rather than leaving it to WinFsp's IRP
       timeout. */
    status = wf_engine_transact(v->engine, NULL, 0, buf, out_len, &n, 0);
    if (status == STATUS_CONNECTION_DISCONNECTED) {
        fail_one_request(v);
        return status;
    }
    if (!NT_SUCCESS(status) || n != 0)
        goto done;

    /* Nothing ready: pull one WinFsp request (waits up to TransactTimeout; no engine lock is
       held across it) and submit it so that its first FUSE request comes straight out. */
    req = NULL;
    status = FspFsextProviderTransact(v->fsctl_device, v->file_object, NULL, &req);
    if (!NT_SUCCESS(status))
        return status;
    if (req) {
        wf_engine_submit_transact(v->engine, req, buf, out_len, &n);
        ExFreePool(req);
    }
    /* The request finished without the file system, or the wait let a deadline fall due. */
    if (n == 0)
        status = wf_engine_transact(v->engine, NULL, 0, buf, out_len, &n, 0);
done:
    if (NT_SUCCESS(status))
        irp->IoStatus.Information = n;
    return status;
}

wf_fsext_provider wf_nt_provider = {
    .Version = sizeof(wf_fsext_provider),
    .DeviceTransactCode = WF_FUSE_FSCTL_TRANSACT,
    .DeviceExtensionSize = sizeof(wf_nt_volume),
    .DeviceInit = device_init,
    .DeviceFini = device_fini,
    .DeviceExpirationRoutine = device_expiration,
    .DeviceTransact = device_transact,
};
