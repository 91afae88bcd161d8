/* mountpoint_door.h — what a FUSE file system given `winfuse mount`'s own mount point runs with: our fusermount helper first in PATH, and the socket on which the helper asks for the kernel mount. */
#ifndef WINFUSE_HOST_MOUNTPOINT_DOOR_H
#define WINFUSE_HOST_MOUNTPOINT_DOOR_H

#include <stddef.h>

/* Names, in the file system's environment, the socket on which our helper asks `winfuse
   mount` to make the kernel mount before it hands over the channel (tools/fusermount). */
#define WF_MOUNTPOINT_DOOR_ENV_MOUNT_FD "WINFUSE_MOUNT_FD"

typedef struct wf_mountpoint_door wf_mountpoint_door;

/* Makes a private directory ($TMPDIR or /tmp, winfuse-bin.XXXXXX) of fusermount3 and
   fusermount links to the helper (NULL: wf_mount_ns_find_helper), and the file system's
   environment: that directory first in PATH (the Go FUSE libraries look for fusermount3
   there; libfuse runs /usr/bin/fusermount3 first, which is why this door is for Go
   programs), WINFUSE_DEVFUSE_FD=channel_fd, WINFUSE_MOUNT_FD=control_fd. Returns NULL with
   a one-line reason in error. */
wf_mountpoint_door *wf_mountpoint_door_create(const char *helper, int channel_fd,
    int control_fd, char *error, size_t error_size);

/* The environment to exec the file system with. */
char *const *wf_mountpoint_door_environ(const wf_mountpoint_door *door);

/* Removes the directory and frees. NULL is fine. */
void wf_mountpoint_door_destroy(wf_mountpoint_door *door);

#endif
