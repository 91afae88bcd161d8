/* fsext.h — our declarations of WinFsp's kernel-extension (fsext) interface: the provider record and its two imports. */
#ifndef WINFUSE_DRIVER_FSEXT_H
#define WINFUSE_DRIVER_FSEXT_H

/* Include <ntifs.h> (or <wdm.h>) and winfuse/winfsp_abi.h first. Written from the facts in
   docs/windows.md; WinFsp's own header is GPL and refuses to compile outside its build. */

/* What a provider hands FspFsextProviderRegister. WinFsp keeps the pointer for ever (there
   is no unregister), so the record is static and the driver never unloads. x64 layout: three
   UINT32, four pointers, one UINT32: 56 bytes. */
typedef struct wf_fsext_provider {
    UINT32 Version;                 /* sizeof the record */
    UINT32 DeviceTransactCode;      /* the FSCTL code user mode sends on the volume handle */
    UINT32 DeviceExtensionSize;     /* bytes WinFsp reserves for us in each volume device */
    NTSTATUS (*DeviceInit)(PDEVICE_OBJECT FsvolDevice, FSP_FSCTL_VOLUME_PARAMS *Params);
    VOID (*DeviceFini)(PDEVICE_OBJECT FsvolDevice);
    /* Called once a second at PASSIVE_LEVEL from a work item; must not be NULL. */
    VOID (*DeviceExpirationRoutine)(PDEVICE_OBJECT FsvolDevice, UINT64 InterruptTime);
    /* Synchronous: WinFsp completes the IRP with the returned status (no STATUS_PENDING). */
    NTSTATUS (*DeviceTransact)(PDEVICE_OBJECT FsvolDevice, PIRP Irp);
    /* Set by FspFsextProviderRegister: where our bytes start in DeviceExtension. */
    UINT32 DeviceExtensionOffset;
} wf_fsext_provider;

_Static_assert(sizeof(wf_fsext_provider) == 56, "fsext provider record is 56 bytes on x64");
_Static_assert(offsetof(wf_fsext_provider, DeviceInit) == 16, "DeviceInit at 16");
_Static_assert(offsetof(wf_fsext_provider, DeviceExtensionOffset) == 48, "DeviceExtensionOffset at 48");

/* WinFsp's side of the interface (tests/nt/winfsp_standin.c) defines it as dllexport. */
#ifndef WF_FSEXT_API
#define WF_FSEXT_API DECLSPEC_IMPORT
#endif

/* Imports from winfsp-x64.sys (winfsp-x64.def names every export WinFsp offers providers).
   STATUS_TOO_LATE when WinFsp's 16 provider slots are taken. */
WF_FSEXT_API NTSTATUS FspFsextProviderRegister(wf_fsext_provider *Provider);

/* Hands WinFsp a response (Response non-NULL; Response->Size bytes) and/or takes one WinFsp
   request (PRequest non-NULL: waits up to the volume's TransactTimeout; *PRequest is NULL when
   none came, else a PagedPool copy the caller frees with ExFreePool). DeviceObject NULL means
   the device of FileObject. Must be called with APCs enabled: never under a fast mutex. */
WF_FSEXT_API NTSTATUS FspFsextProviderTransact(PDEVICE_OBJECT DeviceObject,
    PFILE_OBJECT FileObject, FSP_FSCTL_TRANSACT_RSP *Response, FSP_FSCTL_TRANSACT_REQ **PRequest);

#endif
