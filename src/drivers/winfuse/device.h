/* device.h — the fsext provider record of winfuse.sys and its four per-volume callbacks. */
#ifndef WINFUSE_DRIVER_DEVICE_H
#define WINFUSE_DRIVER_DEVICE_H

#include <ntifs.h>

#include "winfuse/engine.h"
#include "fsext.h"

/* Registered once by DriverEntry; WinFsp fills in DeviceExtensionOffset. */
extern wf_fsext_provider wf_nt_provider;

/* The driver's tunables (parameters.c), from its service key's Parameters subkey. */
typedef struct wf_nt_parameters {
    /* ForgetDelayMs: how long FORGETs wait for company before they go out alone; 0 (absent)
       is the engine's default, 10 ms. */
    UINT32 forget_delay_ms;
    /* DosAttrib: 0 keeps no DOS attributes or creation time in user.DOSATTRIB (as the
       Linux host's -o dosattrib=off); absent or non-zero keeps them. */
    UINT32 dos_attrib;
    /* NamedStreams: 0 keeps no named streams in user.DosStream.* xattrs and announces none
       (as the Linux host's -o streams=off); absent or non-zero keeps them. */
    UINT32 named_streams;
} wf_nt_parameters;

extern wf_nt_parameters wf_nt_params;

/* Reads them once, in DriverEntry; the service key is the one DriverEntry is given. */
void wf_nt_read_parameters(PUNICODE_STRING registry_path);

/* The engine's identity callback (identity.c): the caller of a Create or Rename from the
   access token WinFsp gives. */
bool wf_nt_identity(void *host, uint64_t access_token, wf_identity *identity);

#endif
