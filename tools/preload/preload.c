/* preload.c — winfuse-preload.so: a third door, for a FUSE file system that opens /dev/fuse and calls mount(2) itself with no fusermount fallback (ntfs-3g's fuse-lite); run it as `env LD_PRELOAD=.../winfuse-preload.so FS ...` under winfuse, and its /dev/fuse is WinFuse's channel and its mount a no-op. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/types.h>

/* Active only where WinFuse started the file system: its private mount namespace names the
   channel in WINFUSE_DEVFUSE_FD (docs/channel.md). Elsewhere every call goes to libc. */
static int wf_preload_channel(void)
{
    const char *text = getenv("WINFUSE_DEVFUSE_FD");
    char *end;
    long fd;

    if (text == NULL || *text == '\0')
        return -2;
    fd = strtol(text, &end, 10);
    if (*end != '\0' || fd < 0 || fd > 1024)
        return -2;
    return (int)fd;
}

static bool wf_preload_is_dev_fuse(const char *path)
{
    return path != NULL && strcmp(path, "/dev/fuse") == 0 && wf_preload_channel() >= 0;
}

/* A new descriptor of the channel for each open, as each open of /dev/fuse is a new one;
   close-on-exec as the file system asked. */
static int wf_preload_open_channel(int flags)
{
    return fcntl(wf_preload_channel(), (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 3);
}

static mode_t wf_preload_mode(int flags, va_list ap)
{
    return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
    static int (*next)(const char *, int, ...);
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = wf_preload_mode(flags, ap);
    va_end(ap);
    if (wf_preload_is_dev_fuse(path))
        return wf_preload_open_channel(flags);
    if (next == NULL)
        next = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    if (next == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return next(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = wf_preload_mode(flags, ap);
    va_end(ap);
    return open(path, flags, mode);
}

/* mount(2) of a FUSE file system: the channel needs none. Anything else goes to libc (and
   meets the namespace's guard). */
int mount(const char *source, const char *target, const char *type, unsigned long flags,
    const void *data)
{
    static int (*next)(const char *, const char *, const char *, unsigned long, const void *);

    if (type != NULL && strncmp(type, "fuse", 4) == 0 && wf_preload_channel() >= 0)
        return 0;
    if (next == NULL)
        next = (int (*)(const char *, const char *, const char *, unsigned long,
            const void *))dlsym(RTLD_NEXT, "mount");
    if (next == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return next(source, target, type, flags, data);
}

/* Its unmount at exit: nothing was mounted. */
int umount2(const char *target, int flags)
{
    static int (*next)(const char *, int);

    if (wf_preload_channel() >= 0)
        return 0;
    if (next == NULL)
        next = (int (*)(const char *, int))dlsym(RTLD_NEXT, "umount2");
    if (next == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return next(target, flags);
}

int umount(const char *target)
{
    return umount2(target, 0);
}
