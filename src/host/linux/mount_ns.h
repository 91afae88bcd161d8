/* mount_ns.h — the private mount namespace a FUSE file system runs in: our fusermount helper in place of the system's, a stand-in /dev/fuse, and no mounting at all. */
#ifndef WINFUSE_HOST_MOUNT_NS_H
#define WINFUSE_HOST_MOUNT_NS_H

#include <stdbool.h>
#include <stddef.h>

/* The variable, set for the file system process only, that tells our helper the number of
   its inherited channel (tools/fusermount). */
#define WF_MOUNT_NS_ENV_DEVFUSE_FD "WINFUSE_DEVFUSE_FD"
/* Names the helper program; otherwise it is the winfuse-fusermount beside this program. */
#define WF_MOUNT_NS_ENV_HELPER "WINFUSE_FUSERMOUNT"
#define WF_MOUNT_NS_HELPER_NAME "winfuse-fusermount"

typedef struct wf_mount_ns wf_mount_ns;

/* Where the helper is: $WINFUSE_FUSERMOUNT, else winfuse-fusermount beside the running
   program. False (with a reason in error) when neither is an executable file. */
bool wf_mount_ns_find_helper(char *path, size_t size, char *error, size_t error_size);

/* Prepares, in the parent, all that entering the namespace needs: an empty private
   directory (mkdtemp in $TMPDIR or /tmp) on which the child mounts a tmpfs holding the mount
   point and a bin/ of fusermount3 and fusermount links to the helper, the system's
   fusermount programs to shadow, and the file system's environment (WINFUSE_DEVFUSE_FD=
   channel_fd, PATH with bin/ first). helper NULL: wf_mount_ns_find_helper. Returns NULL
   with a one-line reason in error. */
wf_mount_ns *wf_mount_ns_create(const char *helper, int channel_fd, char *error,
    size_t error_size);

/* The directory a file system that must mount is given: empty, read-only, and present
   only inside the namespace. */
const char *wf_mount_ns_mount_point(const wf_mount_ns *ns);

/* The environment to exec the file system with. */
char *const *wf_mount_ns_environ(const wf_mount_ns *ns);

/* In the forked child, before exec; only async-signal-safe calls. Makes a private mount
   namespace (a user namespace too when we lack CAP_SYS_ADMIN), shadows the system's
   fusermount3/fusermount with the helper, binds /dev/null over /dev/fuse, and installs a
   seccomp filter that fails every mount with EPERM (so libfuse falls back to the helper)
   and makes unmounting succeed without doing anything. On failure returns an errno and
   sets *step to the index of what failed, for wf_mount_ns_step_name. */
int wf_mount_ns_enter(const wf_mount_ns *ns, int *step);

/* What step `step` of wf_mount_ns_enter does, for messages. */
const char *wf_mount_ns_step_name(const wf_mount_ns *ns, int step, char *buffer, size_t size);

/* Removes the private directory. Call once the file system is gone: removing it while the
   namespace lives detaches the tmpfs there. NULL is fine. */
void wf_mount_ns_destroy(wf_mount_ns *ns);

#endif
