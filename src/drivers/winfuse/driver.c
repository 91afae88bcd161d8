/* driver.c — DriverEntry of winfuse.sys: registers the FUSE transact code with WinFsp. */
#include "device.h"

DRIVER_INITIALIZE DriverEntry;

/* WinFsp loads us on demand (its Fsext registry value names our service) when a volume asks
   for WF_FUSE_FSCTL_TRANSACT. There is no DriverUnload: WinFsp keeps a pointer to the provider
   record and cannot forget it, so the image must stay loaded. */
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)DriverObject;
    wf_nt_read_parameters(RegistryPath);
    return FspFsextProviderRegister(&wf_nt_provider);
}
