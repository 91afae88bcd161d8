/* mount_ns.c — the private mount namespace a FUSE file system runs in: our fusermount helper in place of the system's, a stand-in /dev/fuse, and no mounting at all. */
#define _GNU_SOURCE
#include "mount_ns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child_env.h"
#include "mount_guard.h"

/* Where libfuse 2 and 3, bazil/fuse and go-fuse look for the helper (their fixed paths
   first, then PATH); those that exist are shadowed. The bin/ of our tmpfs comes first in
   PATH for a system that has none. */
static const char *const wf_helper_dirs[] = {
    "/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin", "/usr/local/sbin",
};
/* mergerfs carries its own libfuse 2, which runs its own copy of the helper,
   mergerfs-fusermount (Debian's /usr/bin). */
static const char *const wf_helper_names[] = {
    "fusermount3", "fusermount", "mergerfs-fusermount",
};
#define WF_SHADOW_MAX (sizeof wf_helper_dirs / sizeof wf_helper_dirs[0] * \
    sizeof wf_helper_names / sizeof wf_helper_names[0])

#define WF_DEV_FUSE "/dev/fuse"

/* The steps of wf_mount_ns_enter, for messages; shadowing one path is step
   WF_STEP_SHADOW + its index. */
enum {
    WF_STEP_UNSHARE,
    WF_STEP_USERNS_SETGROUPS,
    WF_STEP_USERNS_UID_MAP,
    WF_STEP_USERNS_GID_MAP,
    WF_STEP_PRIVATE,
    WF_STEP_TMPFS,
    WF_STEP_MKDIR_MNT,
    WF_STEP_MKDIR_BIN,
    WF_STEP_LINK_FUSERMOUNT3,
    WF_STEP_LINK_FUSERMOUNT,
    WF_STEP_READ_ONLY,
    WF_STEP_DEV_FUSE,
    WF_STEP_GUARD,
    WF_STEP_SHADOW,
};

struct wf_mount_ns {
    char *dir;                  /* made by mkdtemp; the tmpfs goes on it in the namespace */
    char *mount_point;          /* dir/mnt */
    char *bin;                  /* dir/bin */
    char *link3, *link2;        /* dir/bin/fusermount3, dir/bin/fusermount */
    char *helper;               /* absolute */
    char *shadow[WF_SHADOW_MAX];
    size_t shadow_count;
    bool dev_fuse;              /* /dev/fuse exists, so a stand-in can go over it */
    char uid_map[32], gid_map[32];
    char **envp;
};

bool wf_mount_ns_find_helper(char *path, size_t size, char *error, size_t error_size)
{
    const char *env = getenv(WF_MOUNT_NS_ENV_HELPER);
    char self[PATH_MAX];
    char *slash;
    ssize_t n;

    if (env && *env) {
        if (snprintf(path, size, "%s", env) >= (int)size) {
            snprintf(error, error_size, "%s is too long", WF_MOUNT_NS_ENV_HELPER);
            return false;
        }
    } else {
        n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            snprintf(error, error_size, "cannot find the %s helper: /proc/self/exe: %s",
                WF_MOUNT_NS_HELPER_NAME, n < 0 ? strerror(errno) : "empty");
            return false;
        }
        self[n] = '\0';
        slash = strrchr(self, '/');
        *slash = '\0';
        if (snprintf(path, size, "%s/%s", self, WF_MOUNT_NS_HELPER_NAME) >= (int)size) {
            snprintf(error, error_size, "cannot find the %s helper: path too long",
                WF_MOUNT_NS_HELPER_NAME);
            return false;
        }
    }
    if (access(path, X_OK) != 0) {
        snprintf(error, error_size, "cannot use the fusermount helper %s: %s "
            "(build it, or name it in %s)", path, strerror(errno), WF_MOUNT_NS_ENV_HELPER);
        return false;
    }
    return true;
}

static char *wf_join(const char *a, const char *b)
{
    char *out = NULL;
    if (asprintf(&out, "%s/%s", a, b) < 0)
        return NULL;
    return out;
}

/* The system's fusermount programs, each once (on Debian /bin is /usr/bin and fusermount
   links to fusermount3): bind mounts follow links, so the real files are what count. */
static int wf_find_shadows(wf_mount_ns *ns)
{
    char resolved[PATH_MAX];
    struct stat st;

    for (size_t d = 0; d < sizeof wf_helper_dirs / sizeof wf_helper_dirs[0]; d++) {
        for (size_t n = 0; n < sizeof wf_helper_names / sizeof wf_helper_names[0]; n++) {
            char *path = wf_join(wf_helper_dirs[d], wf_helper_names[n]);
            bool keep = true;
            if (!path)
                return ENOMEM;
            if (!realpath(path, resolved) || stat(resolved, &st) != 0 || !S_ISREG(st.st_mode) ||
                strcmp(resolved, ns->helper) == 0)
                keep = false;
            for (size_t i = 0; keep && i < ns->shadow_count; i++)
                if (strcmp(ns->shadow[i], resolved) == 0)
                    keep = false;
            free(path);
            if (!keep)
                continue;
            ns->shadow[ns->shadow_count] = strdup(resolved);
            if (!ns->shadow[ns->shadow_count])
                return ENOMEM;
            ns->shadow_count++;
        }
    }
    return 0;
}

/* Ours of the variables: the channel. */
static int wf_build_environ(wf_mount_ns *ns, int channel_fd)
{
    char channel[64];
    snprintf(channel, sizeof channel, "%s=%d", WF_MOUNT_NS_ENV_DEVFUSE_FD, channel_fd);
    ns->envp = wf_child_env_build((const char *const[]){ channel }, 1, ns->bin);
    return ns->envp ? 0 : ENOMEM;
}

wf_mount_ns *wf_mount_ns_create(const char *helper, int channel_fd, char *error,
    size_t error_size)
{
    wf_mount_ns *ns = calloc(1, sizeof *ns);
    char resolved[PATH_MAX];
    int err = ENOMEM;

    if (!ns)
        goto fail;
    if (!wf_child_env_helper(helper, resolved, error, error_size))
        goto fail_quiet;
    ns->helper = strdup(resolved);
    if (!ns->helper)
        goto fail;
    ns->dir = wf_child_env_private_dir("winfuse-ns", error, error_size);
    if (!ns->dir)
        goto fail_quiet;
    ns->mount_point = wf_join(ns->dir, "mnt");
    ns->bin = wf_join(ns->dir, "bin");
    ns->link3 = ns->bin ? wf_join(ns->bin, "fusermount3") : NULL;
    ns->link2 = ns->bin ? wf_join(ns->bin, "fusermount") : NULL;
    if (!ns->mount_point || !ns->bin || !ns->link3 || !ns->link2)
        goto fail;
    err = wf_find_shadows(ns);
    if (err)
        goto fail;
    ns->dev_fuse = access(WF_DEV_FUSE, F_OK) == 0;
    snprintf(ns->uid_map, sizeof ns->uid_map, "%u %u 1\n", (unsigned)getuid(),
        (unsigned)getuid());
    snprintf(ns->gid_map, sizeof ns->gid_map, "%u %u 1\n", (unsigned)getgid(),
        (unsigned)getgid());
    err = wf_build_environ(ns, channel_fd);
    if (err)
        goto fail;
    return ns;

fail:
    snprintf(error, error_size, "cannot prepare the private mount namespace: %s",
        strerror(err));
fail_quiet:
    wf_mount_ns_destroy(ns);
    return NULL;
}

const char *wf_mount_ns_mount_point(const wf_mount_ns *ns)
{
    return ns->mount_point;
}

char *const *wf_mount_ns_environ(const wf_mount_ns *ns)
{
    return ns->envp;
}

/* Writes text to a /proc file whole; async-signal-safe. */
static int wf_write_file(const char *path, const char *text)
{
    size_t len = strlen(text);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t written;
    int err = 0;

    if (fd < 0)
        return errno;
    written = write(fd, text, len);
    if (written < 0)
        err = errno;
    else if ((size_t)written != len)
        err = EIO;
    close(fd);
    return err;
}

/* A new mount namespace; without CAP_SYS_ADMIN, in a new user namespace where we keep our
   own uid and gid (so files look the same) and hold the capabilities that mounting in
   our namespace needs until exec drops them. */
static int wf_unshare(const wf_mount_ns *ns, int *step)
{
    int err;

    *step = WF_STEP_UNSHARE;
    if (unshare(CLONE_NEWNS) == 0)
        return 0;
    if (errno != EPERM)
        return errno;
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
        return errno;
    *step = WF_STEP_USERNS_SETGROUPS;
    err = wf_write_file("/proc/self/setgroups", "deny");
    if (err)
        return err;
    *step = WF_STEP_USERNS_UID_MAP;
    err = wf_write_file("/proc/self/uid_map", ns->uid_map);
    if (err)
        return err;
    *step = WF_STEP_USERNS_GID_MAP;
    return wf_write_file("/proc/self/gid_map", ns->gid_map);
}

/* Undoes the octal escapes (\040 for a blank …) of a mountinfo path, in place. */
static void wf_unescape_mountinfo(char *path)
{
    char *out = path;
    for (char *in = path; *in; in++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
            in[3] >= '0' && in[3] <= '7') {
            *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 3;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
}

/* The namespace starts with a copy of every mount, and a copy of another FUSE file system's
   mount keeps that file system alive after the system unmounts it (its daemon never sees
   the end) for as long as ours runs. So those copies go: the daemon has no use for them.
   Runs in the child between fork and exec: no allocation, best effort (a user namespace
   may not detach what it inherited). */
static void wf_detach_fuse_mounts(void)
{
    static char buffer[512 * 1024];
    size_t used = 0;
    int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    for (;;) {
        ssize_t n = read(fd, buffer + used, sizeof buffer - 1 - used);
        if (n <= 0)
            break;
        used += (size_t)n;
        if (used == sizeof buffer - 1)
            break;
    }
    close(fd);
    buffer[used] = '\0';

    for (char *line = buffer; *line; ) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE ... */
        char *field[5] = { NULL };
        char *p = line;
        for (int i = 0; i < 5 && p; i++) {
            field[i] = p;
            p = strchr(p, ' ');
            if (p)
                *p++ = '\0';
        }
        char *dash = p ? strstr(p, " - ") : NULL;     /* after the optional fields */
        if (field[4] && dash) {
            char *type = dash + 3;
            char *type_end = strchr(type, ' ');
            if (type_end)
                *type_end = '\0';
            bool fuse = strcmp(type, "fuse") == 0 || strcmp(type, "fuseblk") == 0 ||
                strncmp(type, "fuse.", 5) == 0;
            if (fuse) {
                wf_unescape_mountinfo(field[4]);
                umount2(field[4], MNT_DETACH);
            }
        }
        if (!end)
            break;
        line = end + 1;
    }
}

int wf_mount_ns_enter(const wf_mount_ns *ns, int *step)
{
    int err = wf_unshare(ns, step);
    if (err)
        return err;

    /* Nothing we mount from here on may propagate back to the system's namespace; what
       the system mounts later still reaches the file system (a slave, not private). */
    *step = WF_STEP_PRIVATE;
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
        return errno;
    wf_detach_fuse_mounts();

    *step = WF_STEP_TMPFS;
    if (mount("winfuse", ns->dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k") != 0)
        return errno;
    *step = WF_STEP_MKDIR_MNT;
    if (mkdir(ns->mount_point, 0755) != 0)
        return errno;
    *step = WF_STEP_MKDIR_BIN;
    if (mkdir(ns->bin, 0755) != 0)
        return errno;
    *step = WF_STEP_LINK_FUSERMOUNT3;
    if (symlink(ns->helper, ns->link3) != 0)
        return errno;
    *step = WF_STEP_LINK_FUSERMOUNT;
    if (symlink(ns->helper, ns->link2) != 0)
        return errno;
    /* The mount point stays empty: libfuse 2 checks that, and nothing is written there. */
    *step = WF_STEP_READ_ONLY;
    if (mount(NULL, ns->dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
            NULL) != 0)
        return errno;

    for (size_t i = 0; i < ns->shadow_count; i++) {
        *step = WF_STEP_SHADOW + (int)i;
        if (mount(ns->helper, ns->shadow[i], NULL, MS_BIND, NULL) != 0)
            return errno;
    }

    /* libfuse opens /dev/fuse before it tries to mount, and gives up if it cannot (the node
       may be 0600, or the kernel's module absent): /dev/null opens for anyone, and a
       mount with it could only fail. */
    if (ns->dev_fuse) {
        *step = WF_STEP_DEV_FUSE;
        if (mount("/dev/null", WF_DEV_FUSE, NULL, MS_BIND, NULL) != 0)
            return errno;
    }

    /* Last: from here on nothing mounts, root or not. */
    *step = WF_STEP_GUARD;
    return wf_mount_guard_install();
}

const char *wf_mount_ns_step_name(const wf_mount_ns *ns, int step, char *buffer, size_t size)
{
    switch (step) {
    case WF_STEP_UNSHARE:
        return "unshare the mount namespace";
    case WF_STEP_USERNS_SETGROUPS:
        return "write /proc/self/setgroups";
    case WF_STEP_USERNS_UID_MAP:
        return "write /proc/self/uid_map";
    case WF_STEP_USERNS_GID_MAP:
        return "write /proc/self/gid_map";
    case WF_STEP_PRIVATE:
        return "make / a slave of the system's mounts";
    case WF_STEP_TMPFS:
        snprintf(buffer, size, "mount a tmpfs on %s", ns->dir);
        return buffer;
    case WF_STEP_MKDIR_MNT:
        snprintf(buffer, size, "make %s", ns->mount_point);
        return buffer;
    case WF_STEP_MKDIR_BIN:
        snprintf(buffer, size, "make %s", ns->bin);
        return buffer;
    case WF_STEP_LINK_FUSERMOUNT3:
        snprintf(buffer, size, "link %s", ns->link3);
        return buffer;
    case WF_STEP_LINK_FUSERMOUNT:
        snprintf(buffer, size, "link %s", ns->link2);
        return buffer;
    case WF_STEP_READ_ONLY:
        snprintf(buffer, size, "make %s read-only", ns->dir);
        return buffer;
    case WF_STEP_DEV_FUSE:
        return "bind /dev/null over " WF_DEV_FUSE;
    case WF_STEP_GUARD:
        return "install the seccomp filter that denies mounting";
    default:
        if (step >= WF_STEP_SHADOW && (size_t)(step - WF_STEP_SHADOW) < ns->shadow_count) {
            snprintf(buffer, size, "bind the helper over %s", ns->shadow[step - WF_STEP_SHADOW]);
            return buffer;
        }
        return "set up the private mount namespace";
    }
}

void wf_mount_ns_destroy(wf_mount_ns *ns)
{
    if (!ns)
        return;
    wf_child_env_free(ns->envp);
    for (size_t i = 0; i < ns->shadow_count; i++)
        free(ns->shadow[i]);
    free(ns->link2);
    free(ns->link3);
    free(ns->bin);
    free(ns->mount_point);
    if (ns->dir) {
        (void)rmdir(ns->dir);
        free(ns->dir);
    }
    free(ns->helper);
    free(ns);
}
