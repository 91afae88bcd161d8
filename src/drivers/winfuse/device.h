/* device.h — the fsext provider record of winfuse.sys and its four per-volume callbacks. */
#ifndef WINFUSE_DRIVER_DEVICE_H
#define WINFUSE_DRIVER_DEVICE_H

#include <ntifs.h>

#include "winfuse/engine.h"
#include "fsext.h"

/* Registered once by DriverEntry; WinFsp fills in DeviceExtensionOffset. */
extern wf_fsext_provider wf_nt_provider;

#endif
