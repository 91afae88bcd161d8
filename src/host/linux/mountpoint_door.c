/* mountpoint_door.c — what a FUSE file system given `winfuse mount`'s own mount point runs with: our fusermount helper first in PATH, and the socket on which the helper asks for the kernel mount. */
#define _GNU_SOURCE
#include "mountpoint_door.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child_env.h"
#include "mount_ns.h"

/* The names the Go FUSE libraries look for in PATH (go-fuse and bazil/fuse: fusermount3,
   then fusermount). */
static const char *const wf_door_names[] = { "fusermount3", "fusermount" };
#define WF_DOOR_NAMES (sizeof wf_door_names / sizeof wf_door_names[0])

struct wf_mountpoint_door {
    char *dir;                  /* made by mkdtemp: the links */
    char *links[WF_DOOR_NAMES];
    char **envp;
};

/* Ours of the variables: the channel and the control socket. */
static int wf_door_environ(wf_mountpoint_door *door, int channel_fd, int control_fd)
{
    char channel[64], control[64];
    snprintf(channel, sizeof channel, "%s=%d", WF_MOUNT_NS_ENV_DEVFUSE_FD, channel_fd);
    snprintf(control, sizeof control, "%s=%d", WF_MOUNTPOINT_DOOR_ENV_MOUNT_FD, control_fd);
    door->envp = wf_child_env_build((const char *const[]){ channel, control }, 2, door->dir);
    return door->envp ? 0 : ENOMEM;
}

wf_mountpoint_door *wf_mountpoint_door_create(const char *helper, int channel_fd,
    int control_fd, char *error, size_t error_size)
{
    wf_mountpoint_door *door = calloc(1, sizeof *door);
    char resolved[PATH_MAX];
    int err = ENOMEM;

    if (!door)
        goto fail;
    if (!wf_child_env_helper(helper, resolved, error, error_size))
        goto fail_quiet;
    door->dir = wf_child_env_private_dir("winfuse-bin", error, error_size);
    if (!door->dir)
        goto fail_quiet;
    for (size_t i = 0; i < WF_DOOR_NAMES; i++) {
        if (asprintf(&door->links[i], "%s/%s", door->dir, wf_door_names[i]) < 0) {
            door->links[i] = NULL;
            goto fail;
        }
        if (symlink(resolved, door->links[i]) != 0) {
            snprintf(error, error_size, "cannot link %s: %s", door->links[i], strerror(errno));
            goto fail_quiet;
        }
    }
    err = wf_door_environ(door, channel_fd, control_fd);
    if (err)
        goto fail;
    return door;

fail:
    snprintf(error, error_size, "cannot prepare the file system's mount point door: %s",
        strerror(err));
fail_quiet:
    wf_mountpoint_door_destroy(door);
    return NULL;
}

char *const *wf_mountpoint_door_environ(const wf_mountpoint_door *door)
{
    return door->envp;
}

void wf_mountpoint_door_destroy(wf_mountpoint_door *door)
{
    if (!door)
        return;
    wf_child_env_free(door->envp);
    for (size_t i = 0; i < WF_DOOR_NAMES; i++) {
        if (door->links[i])
            (void)unlink(door->links[i]);
        free(door->links[i]);
    }
    if (door->dir) {
        (void)rmdir(door->dir);
        free(door->dir);
    }
    free(door);
}
