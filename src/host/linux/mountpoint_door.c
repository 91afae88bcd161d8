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

#include "mount_ns.h"

extern char **environ;

/* The names the Go FUSE libraries look for in PATH (go-fuse and bazil/fuse: fusermount3,
   then fusermount). */
static const char *const wf_door_names[] = { "fusermount3", "fusermount" };
#define WF_DOOR_NAMES (sizeof wf_door_names / sizeof wf_door_names[0])

struct wf_mountpoint_door {
    char *dir;                  /* made by mkdtemp: the links */
    char *links[WF_DOOR_NAMES];
    char **envp;
};

/* environ without our variables and PATH, then ours of them. */
static int wf_door_environ(wf_mountpoint_door *door, int channel_fd, int control_fd)
{
    static const char *const own[] = { WF_MOUNT_NS_ENV_DEVFUSE_FD "=",
        WF_MOUNTPOINT_DOOR_ENV_MOUNT_FD "=", "PATH=" };
    const char *path = getenv("PATH");
    size_t count = 0, out = 0;

    while (environ && environ[count])
        count++;
    door->envp = calloc(count + 4, sizeof *door->envp);
    if (!door->envp)
        return ENOMEM;
    for (size_t i = 0; i < count; i++) {
        bool skip = false;
        for (size_t k = 0; k < sizeof own / sizeof own[0]; k++)
            skip = skip || strncmp(environ[i], own[k], strlen(own[k])) == 0;
        if (skip)
            continue;
        door->envp[out] = strdup(environ[i]);
        if (!door->envp[out++])
            return ENOMEM;
    }
    char entry[PATH_MAX + 4096];
    for (int k = 0; k < 3; k++) {
        if (k == 0)
            snprintf(entry, sizeof entry, "%s=%d", WF_MOUNT_NS_ENV_DEVFUSE_FD, channel_fd);
        else if (k == 1)
            snprintf(entry, sizeof entry, "%s=%d", WF_MOUNTPOINT_DOOR_ENV_MOUNT_FD, control_fd);
        else    /* without a PATH, execvp's default search list */
            snprintf(entry, sizeof entry, "PATH=%s:%s", door->dir, path ? path : "/bin:/usr/bin");
        door->envp[out] = strdup(entry);
        if (!door->envp[out++])
            return ENOMEM;
    }
    return 0;
}

wf_mountpoint_door *wf_mountpoint_door_create(const char *helper, int channel_fd,
    int control_fd, char *error, size_t error_size)
{
    wf_mountpoint_door *door = calloc(1, sizeof *door);
    char found[PATH_MAX], resolved[PATH_MAX];
    const char *tmpdir = getenv("TMPDIR");
    int err = ENOMEM;

    if (!door)
        goto fail;
    if (!helper) {
        if (!wf_mount_ns_find_helper(found, sizeof found, error, error_size))
            goto fail_quiet;
        helper = found;
    }
    if (!realpath(helper, resolved)) {
        snprintf(error, error_size, "cannot use the fusermount helper %s: %s", helper,
            strerror(errno));
        goto fail_quiet;
    }
    if (asprintf(&door->dir, "%s/winfuse-bin.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp") < 0) {
        door->dir = NULL;
        goto fail;
    }
    if (!mkdtemp(door->dir)) {
        snprintf(error, error_size, "cannot make a private directory %s: %s", door->dir,
            strerror(errno));
        free(door->dir);
        door->dir = NULL;
        goto fail_quiet;
    }
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
    if (door->envp) {
        for (size_t i = 0; door->envp[i]; i++)
            free(door->envp[i]);
        free(door->envp);
    }
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
