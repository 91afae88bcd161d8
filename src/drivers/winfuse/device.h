/* device.h — the fsext provider record of winfuse.sys and its four per-volume callbacks. */
#ifndef WINFUSE_DRIVER_DEVICE_H
#define WINFUSE_DRIVER_DEVICE_H

#include <ntifs.h>

#include "winfuse/engine.h"
#include "fsext.h"

/* Registered once by DriverEntry; WinFsp fills in DeviceExtensionOffset. */
extern wf_fsext_provider wf_nt_provider;

/* The engine's identity callback (identity.c): the caller of a Create or Rename from the
   access token WinFsp gives. */
bool wf_nt_identity(void *host, uint64_t access_token, wf_identity *identity);

#endif
