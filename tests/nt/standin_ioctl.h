/* standin_ioctl.h — what the Windows test programs and the WinFsp stand-in driver (winfsp_standin.c) say to each other. */
#ifndef WF_TEST_STANDIN_IOCTL_H
#define WF_TEST_STANDIN_IOCTL_H

/* Include <windows.h> or <ntifs.h> and winfuse/winfsp_abi.h first. */

/* The stand-in's control device: it plays WinFsp's fsctl device, whose volume handles carry
   FUSE_FSCTL_TRANSACT. */
#define STANDIN_DEVICE_NAME L"\\Device\\WinFspStandin"
#define STANDIN_DOS_NAME L"\\DosDevices\\WinFspStandin"
#define STANDIN_WIN32_PATH L"\\\\.\\WinFspStandin"

/* Our own device type (0x8000 and up is for vendors); every code is METHOD_BUFFERED. */
#define STANDIN_DEVICE_TYPE 0x8F5Bu
#define STANDIN_CODE(function) \
    ((STANDIN_DEVICE_TYPE << 16) | (0u << 14) | ((function) << 2) | 0u)

/* In: FSP_FSCTL_VOLUME_PARAMS (FsextControlCode names the provider, loaded from the Fsext
   registry value as WinFsp does). Out: standin_volume_out. The handle becomes the volume's:
   closing it deletes the volume (DeviceFini), as closing a WinFsp volume handle does. */
#define STANDIN_IOCTL_CREATE_VOLUME STANDIN_CODE(0x801u)
/* In: a UINT64 volume id. The handle becomes a second handle on that volume (another file
   object), which WinFsp never makes: it proves the provider refuses a stranger. */
#define STANDIN_IOCTL_ATTACH_VOLUME STANDIN_CODE(0x802u)
/* In: a WinFsp request (its Size bytes), then for a Write its Length bytes of data. The
   stand-in queues it for FspFsextProviderTransact to hand out; for Read, Write and
   QueryDirectory it puts a buffer of its own at Req.*.Address (the memory WinFsp maps into the
   file system's process), and it replaces an access token's handle by a real token handle. */
#define STANDIN_IOCTL_SUBMIT STANDIN_CODE(0x803u)
/* Out: standin_response_out, then the response (rsp_size bytes, padded to 8), then the data
   the file system put at the request's Address (data_size bytes). One response a call. */
#define STANDIN_IOCTL_TAKE_RESPONSE STANDIN_CODE(0x804u)

typedef struct standin_volume_out {
    NTSTATUS status;                    /* what DeviceInit returned */
    UINT32 reserved;
    UINT64 volume_id;
    FSP_FSCTL_VOLUME_PARAMS params;     /* as DeviceInit left them */
} standin_volume_out;

typedef struct standin_response_out {
    UINT32 queued;          /* WinFsp requests not yet handed to the provider */
    UINT32 in_flight;       /* handed out, no response yet */
    UINT32 rsp_size;        /* 0: no response was kept */
    UINT32 data_size;
    UINT32 token_closed;    /* the request carried a token handle and the stand-in closed it */
    UINT32 orphans;         /* responses whose hint matched nothing in flight, so far */
} standin_response_out;

#endif
