/* door.h — the engine's API over the real driver (door_engine.c), and what only the door has. */
#ifndef WF_TEST_DOOR_H
#define WF_TEST_DOOR_H

#include <windows.h>

#include "winfuse/engine.h"

typedef struct door_stats {
    uint32_t transacts;         /* FUSE_FSCTL_TRANSACT calls made */
    uint32_t requests;          /* FUSE requests they handed out */
    uint32_t submits;           /* WinFsp requests given to the stand-in */
    uint32_t responses;         /* WinFsp responses the driver sent back */
    uint32_t tokens_closed;     /* access-token handles the stand-in closed at a response */
    uint32_t orphans;           /* responses whose hint matched nothing in flight */
} door_stats;

/* NtDeviceIoControlFile, so that the driver's NTSTATUS arrives as it is (Win32 error codes
   fold several into one). */
NTSTATUS door_ioctl(HANDLE handle, uint32_t code, const void *in, size_t in_len, void *out,
    size_t out_len, size_t *written);
/* A new handle on the stand-in's control device; NULL (and a message) when it is not there. */
HANDLE door_open_standin(void);
/* One FUSE_FSCTL_TRANSACT on the engine's volume handle, with exactly these buffers. */
NTSTATUS door_transact(wf_engine *engine, const void *reply, size_t reply_len, void *out,
    size_t out_cap, size_t *out_len);
HANDLE door_volume(wf_engine *engine);
uint64_t door_volume_id(wf_engine *engine);
door_stats door_get_stats(wf_engine *engine);

#endif
