/* winfsp_standin.c — a stand-in for WinFsp's FSD as file-system extensions see it, so that the real winfuse-x64.sys runs end to end under Wine. */

/* Built as winfsp-x64.sys, so that winfuse-x64.sys's imports bind to it. It exports the two
   functions a provider uses, keeps WinFsp's rules for them (the provider record, the volume
   device extension, requests handed out as pool copies the provider frees, responses taken by
   hint, access tokens as handles the stand-in closes), and lets a Windows test program play
   both ends: the Windows caller (it submits WinFsp requests and takes the responses through
   STANDIN_IOCTL_*) and the FUSE file system (it sends FUSE_FSCTL_TRANSACT on its volume
   handle). Unlike WinFsp it never waits: Wine serves one IRP at a time per driver process, so
   a pull with nothing queued answers "no request" at once (docs/windows.md, "The end-to-end
   run under Wine"). */
#include <ntifs.h>

#include "winfuse/winfsp_abi.h"
#define WF_FSEXT_API __declspec(dllexport)
#include "fsext.h"
#include "standin_ioctl.h"

#define STANDIN_TAG ((ULONG)'W' | (ULONG)'f' << 8 | (ULONG)'S' << 16 | (ULONG)'t' << 24)
#define STANDIN_MAX_PROVIDERS 16    /* WinFsp's slots */
#define STANDIN_MAX_VOLUMES 256   /* a failed test leaves its volume until the program exits */
/* Where the provider's bytes start in a volume device's extension: WinFsp's own volume
   extension comes first. Any multiple of 16 proves the provider uses the offset it is given. */
#define STANDIN_FSVOL_HEADER 64u
#define STANDIN_MAX_DATA (16u << 20)

/* A WinFsp request from the test, from submit to response. */
typedef struct standin_request {
    struct standin_request *next;
    FSP_FSCTL_TRANSACT_REQ *req;    /* our copy; the provider gets another */
    UINT8 *data;                    /* what Req.*.Address points to, or NULL */
    UINT32 data_len;
    HANDLE token;                   /* opened when handed out, closed at the response */
} standin_request;

typedef struct standin_response {
    struct standin_response *next;
    FSP_FSCTL_TRANSACT_RSP *rsp;
    UINT8 *data;
    UINT32 data_size;
    BOOLEAN token_closed;
} standin_response;

typedef struct standin_volume {
    UINT64 id;
    PDEVICE_OBJECT fsvol;
    wf_fsext_provider *provider;
    PFILE_OBJECT owner;             /* the handle that created it */
    standin_request *queued, *in_flight;
    standin_response *responses;
    UINT32 orphans;                 /* responses whose hint matched nothing in flight */
} standin_volume;

/* Head of each volume device's extension: which volume it is. */
typedef struct standin_fsvol_header {
    standin_volume *volume;
} standin_fsvol_header;

static PDEVICE_OBJECT control_device;
static wf_fsext_provider *providers[STANDIN_MAX_PROVIDERS];
static standin_volume *volumes[STANDIN_MAX_VOLUMES];
static UINT64 next_volume_id = 1;
/* Guards the tables and lists; never held across a call into a provider, which calls back. */
static FAST_MUTEX lock;

static void *pool_alloc(SIZE_T size)
{
    void *p = ExAllocatePoolWithTag(NonPagedPool, size ? size : 1, STANDIN_TAG);
    if (p)
        RtlZeroMemory(p, size ? size : 1);
    return p;
}

static void pool_free(void *p)
{
    if (p)
        ExFreePoolWithTag(p, STANDIN_TAG);
}

static standin_volume *volume_of_file(PFILE_OBJECT file)
{
    standin_volume *v = file ? file->FsContext2 : NULL;
    for (int i = 0; v && i < STANDIN_MAX_VOLUMES; i++)
        if (volumes[i] == v)
            return v;
    return NULL;
}

static wf_fsext_provider *provider_for(UINT32 code)
{
    for (int i = 0; i < STANDIN_MAX_PROVIDERS; i++)
        if (providers[i] && providers[i]->DeviceTransactCode == code)
            return providers[i];
    return NULL;
}

/* ---- the two exports ------------------------------------------------------------------ */

NTSTATUS FspFsextProviderRegister(wf_fsext_provider *provider)
{
    NTSTATUS status = STATUS_TOO_LATE;
    if (!provider || provider->Version != sizeof *provider || !provider->DeviceInit ||
            !provider->DeviceFini || !provider->DeviceExpirationRoutine ||
            !provider->DeviceTransact)
        return STATUS_INVALID_PARAMETER;
    ExAcquireFastMutex(&lock);
    if (provider_for(provider->DeviceTransactCode)) {
        status = STATUS_OBJECT_NAME_COLLISION;
    } else {
        for (int i = 0; i < STANDIN_MAX_PROVIDERS; i++)
            if (!providers[i]) {
                provider->DeviceExtensionOffset = STANDIN_FSVOL_HEADER;
                providers[i] = provider;
                status = STATUS_SUCCESS;
                break;
            }
    }
    ExReleaseFastMutex(&lock);
    return status;
}

static BOOLEAN response_has_data(const standin_request *r, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    return r->data && r->req->Kind != FspFsctlTransactWriteKind &&
        NT_SUCCESS(rsp->IoStatus.Status);
}

/* Keeps a response for the test, with the data the file system left at the request's
   Address; closes the token handle, as WinFsp does when a request ends. */
static NTSTATUS keep_response(standin_volume *v, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    standin_request **link = &v->in_flight, *r;
    standin_response *kept, **tail;
    while (*link && (*link)->req->Hint != rsp->Hint)
        link = &(*link)->next;
    r = *link;
    if (!r) {
        v->orphans++;
        return STATUS_SUCCESS;      /* WinFsp drops a response to a cancelled request */
    }
    kept = pool_alloc(sizeof *kept);
    if (!kept || !(kept->rsp = pool_alloc(rsp->Size))) {
        pool_free(kept);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(kept->rsp, rsp, rsp->Size);
    if (response_has_data(r, rsp)) {
        kept->data_size = rsp->IoStatus.Information < r->data_len ?
            (UINT32)rsp->IoStatus.Information : r->data_len;
        kept->data = r->data;
        r->data = NULL;
    }
    if (r->token) {
        ZwClose(r->token);
        kept->token_closed = TRUE;
    }
    *link = r->next;
    pool_free(r->data);
    pool_free(r->req);
    pool_free(r);
    for (tail = &v->responses; *tail; tail = &(*tail)->next)
        ;
    *tail = kept;
    return STATUS_SUCCESS;
}

/* The request's access token, as WinFsp hands it to a file system: a TOKEN_QUERY handle
   opened in the pulling process (low half) and the caller's PID (high half, kept from the
   test's value). */
static UINT64 *token_field(FSP_FSCTL_TRANSACT_REQ *req)
{
    if (req->Kind == FspFsctlTransactCreateKind)
        return &req->Req.Create.AccessToken;
    if (req->Kind == FspFsctlTransactSetInformationKind &&
            (req->Req.SetInformation.FileInformationClass == 10 ||    /* FileRenameInformation */
             req->Req.SetInformation.FileInformationClass == 65))     /* ...Ex */
        return &req->Req.SetInformation.Info.Rename.AccessToken;
    return NULL;
}

static NTSTATUS hand_out(standin_volume *v, FSP_FSCTL_TRANSACT_REQ **out)
{
    standin_request *r = v->queued;
    FSP_FSCTL_TRANSACT_REQ *copy;
    UINT64 *token;
    if (!r)
        return STATUS_SUCCESS;
    /* PagedPool, as WinFsp's: the provider frees it with ExFreePool. */
    copy = ExAllocatePoolWithTag(PagedPool, r->req->Size, STANDIN_TAG);
    if (!copy)
        return STATUS_INSUFFICIENT_RESOURCES;
    token = token_field(r->req);
    if (token && *token) {
        HANDLE handle;
        NTSTATUS status = ZwOpenProcessTokenEx(ZwCurrentProcess(), TOKEN_QUERY, 0, &handle);
        if (!NT_SUCCESS(status)) {
            ExFreePoolWithTag(copy, STANDIN_TAG);
            return status;
        }
        r->token = handle;
        *token = (*token & 0xffffffff00000000ull) | (UINT32)(ULONG_PTR)handle;
    }
    RtlCopyMemory(copy, r->req, r->req->Size);
    v->queued = r->next;
    r->next = v->in_flight;
    v->in_flight = r;
    *out = copy;
    return STATUS_SUCCESS;
}

NTSTATUS FspFsextProviderTransact(PDEVICE_OBJECT device, PFILE_OBJECT file,
    FSP_FSCTL_TRANSACT_RSP *response, FSP_FSCTL_TRANSACT_REQ **request)
{
    standin_volume *v;
    NTSTATUS status = STATUS_SUCCESS;
    if (request)
        *request = NULL;
    if (device && device != control_device)
        return STATUS_INVALID_PARAMETER;
    if (response && (response->Size < sizeof *response ||
            response->Size > FSP_FSCTL_TRANSACT_RSP_SIZEMAX))
        return STATUS_INVALID_PARAMETER;
    ExAcquireFastMutex(&lock);
    v = volume_of_file(file);
    if (!v || v->owner != file)
        status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status) && response)
        status = keep_response(v, response);
    if (NT_SUCCESS(status) && request)
        status = hand_out(v, request);
    ExReleaseFastMutex(&lock);
    return status;
}

/* ---- volumes -------------------------------------------------------------------------- */

/* The provider of a control code, loaded as WinFsp loads it: the service named by the
   Fsext registry value (eight hex digits of the code) under WinFsp's key. */
static NTSTATUS load_provider(UINT32 code)
{
    static const WCHAR hex[] = L"0123456789abcdef";
    WCHAR value_name[9], path[160];
    UNICODE_STRING key_name, name, service;
    OBJECT_ATTRIBUTES attributes;
    union {
        KEY_VALUE_PARTIAL_INFORMATION info;
        UINT8 bytes[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 128];
    } value;
    static const WCHAR prefix[] = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
    ULONG got, prefix_chars = ARRAYSIZE(prefix) - 1, name_chars;
    HANDLE key;
    NTSTATUS status;

    for (int i = 0; i < 8; i++)
        value_name[i] = hex[(code >> (28 - 4 * i)) & 15];
    value_name[8] = 0;
    RtlInitUnicodeString(&key_name, L"\\Registry\\Machine\\Software\\WOW6432Node\\WinFsp\\Fsext");
    InitializeObjectAttributes(&attributes, &key_name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
        NULL, NULL);
    status = ZwOpenKey(&key, KEY_QUERY_VALUE, &attributes);
    if (!NT_SUCCESS(status))
        return status;
    RtlInitUnicodeString(&name, value_name);
    status = ZwQueryValueKey(key, &name, KeyValuePartialInformation, &value, sizeof value, &got);
    ZwClose(key);
    if (!NT_SUCCESS(status))
        return status;
    if (value.info.Type != REG_SZ || value.info.DataLength < 2)
        return STATUS_OBJECT_TYPE_MISMATCH;
    name_chars = value.info.DataLength / 2;
    if (((const WCHAR *)value.info.Data)[name_chars - 1] == 0)
        name_chars--;
    if (prefix_chars + name_chars + 1 > ARRAYSIZE(path))
        return STATUS_NAME_TOO_LONG;
    RtlCopyMemory(path, prefix, prefix_chars * 2);
    RtlCopyMemory(path + prefix_chars, value.info.Data, name_chars * 2);
    path[prefix_chars + name_chars] = 0;
    RtlInitUnicodeString(&service, path);
    return ZwLoadDriver(&service);
}

static NTSTATUS create_volume(PFILE_OBJECT file, const FSP_FSCTL_VOLUME_PARAMS *given,
    standin_volume_out *out)
{
    wf_fsext_provider *provider;
    standin_volume *v = NULL;
    PDEVICE_OBJECT fsvol = NULL;
    NTSTATUS status;
    int slot = -1;

    if (file->FsContext2)
        return STATUS_INVALID_DEVICE_STATE;     /* already a volume handle */
    ExAcquireFastMutex(&lock);
    provider = provider_for(given->FsextControlCode);
    ExReleaseFastMutex(&lock);
    if (!provider) {
        /* ZwLoadDriver runs the provider's DriverEntry, which registers it. */
        status = load_provider(given->FsextControlCode);
        if (!NT_SUCCESS(status) && status != STATUS_IMAGE_ALREADY_LOADED)
            return status;
        ExAcquireFastMutex(&lock);
        provider = provider_for(given->FsextControlCode);
        ExReleaseFastMutex(&lock);
        if (!provider)
            return STATUS_INVALID_PARAMETER;
    }
    status = IoCreateDevice(control_device->DriverObject,
        STANDIN_FSVOL_HEADER + provider->DeviceExtensionSize, NULL, FILE_DEVICE_DISK_FILE_SYSTEM,
        0, FALSE, &fsvol);
    if (!NT_SUCCESS(status))
        return status;
    v = pool_alloc(sizeof *v);
    if (!v) {
        IoDeleteDevice(fsvol);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(fsvol->DeviceExtension, STANDIN_FSVOL_HEADER + provider->DeviceExtensionSize);
    ((standin_fsvol_header *)fsvol->DeviceExtension)->volume = v;
    v->fsvol = fsvol;
    v->provider = provider;
    v->owner = file;

    out->params = *given;
    out->status = provider->DeviceInit(fsvol, &out->params);
    if (!NT_SUCCESS(out->status)) {
        /* A failed DeviceInit fails the volume, and DeviceFini is not called. */
        IoDeleteDevice(fsvol);
        pool_free(v);
        return STATUS_SUCCESS;
    }
    ExAcquireFastMutex(&lock);
    for (int i = 0; i < STANDIN_MAX_VOLUMES && slot < 0; i++)
        if (!volumes[i])
            slot = i;
    if (slot >= 0) {
        v->id = next_volume_id++;
        volumes[slot] = v;
        file->FsContext2 = v;
    }
    ExReleaseFastMutex(&lock);
    if (slot < 0) {
        provider->DeviceFini(fsvol);
        IoDeleteDevice(fsvol);
        pool_free(v);
        return STATUS_TOO_MANY_OPENED_FILES;
    }
    out->volume_id = v->id;
    return STATUS_SUCCESS;
}

static void free_requests(standin_request *r)
{
    while (r) {
        standin_request *next = r->next;
        if (r->token)
            ZwClose(r->token);
        pool_free(r->data);
        pool_free(r->req);
        pool_free(r);
        r = next;
    }
}

/* The volume handle closed: as WinFsp, fail what is left, then DeviceFini, then the device. */
static void delete_volume(standin_volume *v)
{
    standin_response *k = v->responses;
    ExAcquireFastMutex(&lock);
    for (int i = 0; i < STANDIN_MAX_VOLUMES; i++)
        if (volumes[i] == v)
            volumes[i] = NULL;
    ExReleaseFastMutex(&lock);
    v->provider->DeviceFini(v->fsvol);
    IoDeleteDevice(v->fsvol);
    free_requests(v->queued);
    free_requests(v->in_flight);
    while (k) {
        standin_response *next = k->next;
        pool_free(k->rsp);
        pool_free(k->data);
        pool_free(k);
        k = next;
    }
    pool_free(v);
}

static UINT8 **address_field(FSP_FSCTL_TRANSACT_REQ *req, UINT32 *length)
{
    switch (req->Kind) {
    case FspFsctlTransactReadKind:
        *length = req->Req.Read.Length;
        return (UINT8 **)&req->Req.Read.Address;
    case FspFsctlTransactWriteKind:
        *length = req->Req.Write.Length;
        return (UINT8 **)&req->Req.Write.Address;
    case FspFsctlTransactQueryDirectoryKind:
        *length = req->Req.QueryDirectory.Length;
        return (UINT8 **)&req->Req.QueryDirectory.Address;
    default:
        *length = 0;
        return NULL;
    }
}

static NTSTATUS submit(standin_volume *v, const UINT8 *in, ULONG in_len)
{
    const FSP_FSCTL_TRANSACT_REQ *given = (const FSP_FSCTL_TRANSACT_REQ *)in;
    standin_request *r, **tail;
    UINT8 **address;
    UINT32 length;
    if (in_len < sizeof *given || given->Size < sizeof *given || given->Size > in_len ||
            given->Size > FSP_FSCTL_TRANSACT_REQ_SIZEMAX)
        return STATUS_INVALID_PARAMETER;
    r = pool_alloc(sizeof *r);
    if (!r || !(r->req = pool_alloc(given->Size))) {
        pool_free(r);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(r->req, given, given->Size);
    address = address_field(r->req, &length);
    if (address) {
        if (length > STANDIN_MAX_DATA ||
                (r->req->Kind == FspFsctlTransactWriteKind && in_len - given->Size < length) ||
                !(r->data = pool_alloc(length))) {
            free_requests(r);
            return length > STANDIN_MAX_DATA ? STATUS_INVALID_PARAMETER : STATUS_INSUFFICIENT_RESOURCES;
        }
        if (r->req->Kind == FspFsctlTransactWriteKind)
            RtlCopyMemory(r->data, in + given->Size, length);
        r->data_len = length;
        *address = r->data;
    }
    ExAcquireFastMutex(&lock);
    for (tail = &v->queued; *tail; tail = &(*tail)->next)
        ;
    *tail = r;
    ExReleaseFastMutex(&lock);
    return STATUS_SUCCESS;
}

static UINT32 count(const standin_request *r)
{
    UINT32 n = 0;
    for (; r; r = r->next)
        n++;
    return n;
}

static NTSTATUS take_response(standin_volume *v, UINT8 *out, ULONG out_len, ULONG_PTR *written)
{
    standin_response_out head;
    standin_response *k;
    ULONG rsp_room, need;
    NTSTATUS status = STATUS_SUCCESS;
    if (out_len < sizeof head)
        return STATUS_BUFFER_TOO_SMALL;
    RtlZeroMemory(&head, sizeof head);
    ExAcquireFastMutex(&lock);
    head.queued = count(v->queued);
    head.in_flight = count(v->in_flight);
    head.orphans = v->orphans;
    k = v->responses;
    if (k) {
        rsp_room = (k->rsp->Size + 7u) & ~7u;
        need = sizeof head + rsp_room + k->data_size;
        if (out_len < need) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            head.rsp_size = k->rsp->Size;
            head.data_size = k->data_size;
            head.token_closed = k->token_closed;
            RtlCopyMemory(out + sizeof head, k->rsp, k->rsp->Size);
            if (k->data_size)
                RtlCopyMemory(out + sizeof head + rsp_room, k->data, k->data_size);
            v->responses = k->next;
            pool_free(k->rsp);
            pool_free(k->data);
            pool_free(k);
            *written = need;
        }
    } else {
        *written = sizeof head;
    }
    ExReleaseFastMutex(&lock);
    if (NT_SUCCESS(status))
        RtlCopyMemory(out, &head, sizeof head);
    return status;
}

/* ---- dispatch ------------------------------------------------------------------------- */

static NTSTATUS finish(PIRP irp, NTSTATUS status)
{
    irp->IoStatus.Status = status;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS dispatch_open_close(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    standin_volume *v;
    (void)device;
    irp->IoStatus.Information = 0;
    /* Wine may send only IRP_MJ_CLOSE when a handle goes; whichever comes first ends it. */
    if (sl->MajorFunction != IRP_MJ_CREATE && sl->FileObject) {
        ExAcquireFastMutex(&lock);
        v = volume_of_file(sl->FileObject);
        if (v && v->owner != sl->FileObject)
            v = NULL;                       /* an attached stranger: the volume stays */
        ExReleaseFastMutex(&lock);
        if (v)
            delete_volume(v);
        sl->FileObject->FsContext2 = NULL;
    }
    return finish(irp, STATUS_SUCCESS);
}

/* WinFsp hands a provider its transact code as IRP_MJ_FILE_SYSTEM_CONTROL /
   IRP_MN_USER_FS_REQUEST; Wine delivers an FSCTL-coded DeviceIoControl as
   IRP_MJ_DEVICE_CONTROL, whose parameters have the same layout. */
static NTSTATUS provider_transact(standin_volume *v, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    sl->MajorFunction = IRP_MJ_FILE_SYSTEM_CONTROL;
    sl->MinorFunction = IRP_MN_USER_FS_REQUEST;
    irp->IoStatus.Information = 0;
    return v->provider->DeviceTransact(v->fsvol, irp);
}

static NTSTATUS dispatch_control(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    ULONG code = sl->Parameters.DeviceIoControl.IoControlCode;
    ULONG in_len = sl->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out_len = sl->Parameters.DeviceIoControl.OutputBufferLength;
    UINT8 *buf = irp->AssociatedIrp.SystemBuffer;
    standin_volume *v;
    NTSTATUS status;
    (void)device;

    irp->IoStatus.Information = 0;
    ExAcquireFastMutex(&lock);
    v = volume_of_file(sl->FileObject);
    ExReleaseFastMutex(&lock);

    switch (code) {
    case STANDIN_IOCTL_CREATE_VOLUME:
        if (in_len < sizeof(FSP_FSCTL_VOLUME_PARAMS) || out_len < sizeof(standin_volume_out))
            return finish(irp, STATUS_INVALID_PARAMETER);
        {
            standin_volume_out *out = pool_alloc(sizeof *out);
            if (!out)
                return finish(irp, STATUS_INSUFFICIENT_RESOURCES);
            status = create_volume(sl->FileObject, (const FSP_FSCTL_VOLUME_PARAMS *)buf, out);
            if (NT_SUCCESS(status)) {
                RtlCopyMemory(buf, out, sizeof *out);
                irp->IoStatus.Information = sizeof *out;
            }
            pool_free(out);
        }
        return finish(irp, status);
    case STANDIN_IOCTL_ATTACH_VOLUME:
        if (in_len < sizeof(UINT64) || sl->FileObject->FsContext2)
            return finish(irp, STATUS_INVALID_PARAMETER);
        status = STATUS_NOT_FOUND;
        ExAcquireFastMutex(&lock);
        for (int i = 0; i < STANDIN_MAX_VOLUMES; i++)
            if (volumes[i] && volumes[i]->id == *(const UINT64 *)buf) {
                sl->FileObject->FsContext2 = volumes[i];
                status = STATUS_SUCCESS;
            }
        ExReleaseFastMutex(&lock);
        return finish(irp, status);
    case STANDIN_IOCTL_SUBMIT:
        return finish(irp, v ? submit(v, buf, in_len) : STATUS_INVALID_HANDLE);
    case STANDIN_IOCTL_TAKE_RESPONSE:
        if (!v)
            return finish(irp, STATUS_INVALID_HANDLE);
        return finish(irp, take_response(v, buf, out_len, &irp->IoStatus.Information));
    default:
        if (!v)
            return finish(irp, STATUS_INVALID_DEVICE_REQUEST);
        /* WinFsp routes only the provider's code to it. */
        if (code != v->provider->DeviceTransactCode)
            return finish(irp, STATUS_INVALID_DEVICE_REQUEST);
        return finish(irp, provider_transact(v, irp));
    }
}

DRIVER_INITIALIZE DriverEntry;

NTSTATUS DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNICODE_STRING name, link;
    NTSTATUS status;
    (void)registry_path;
    ExInitializeFastMutex(&lock);
    RtlInitUnicodeString(&name, STANDIN_DEVICE_NAME);
    RtlInitUnicodeString(&link, STANDIN_DOS_NAME);
    status = IoCreateDevice(driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &control_device);
    if (!NT_SUCCESS(status))
        return status;
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(control_device);
        return status;
    }
    driver->MajorFunction[IRP_MJ_CREATE] = dispatch_open_close;
    driver->MajorFunction[IRP_MJ_CLEANUP] = dispatch_open_close;
    driver->MajorFunction[IRP_MJ_CLOSE] = dispatch_open_close;
    driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = dispatch_control;
    /* No DriverUnload: providers keep pointers into us, as into WinFsp. */
    return STATUS_SUCCESS;
}
