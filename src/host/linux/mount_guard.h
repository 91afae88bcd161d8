/* mount_guard.h — a seccomp filter that keeps a FUSE file system process, and all it runs, from mounting anything. */
#ifndef WINFUSE_HOST_MOUNT_GUARD_H
#define WINFUSE_HOST_MOUNT_GUARD_H

/* Installs, for the calling thread and every process it execs or forks from now on, a
   filter under which mount(2) and the new mount API (open_tree, move_mount, fsopen,
   fsconfig, fsmount, fspick, mount_setattr) fail with EPERM, and umount/umount2 return 0
   without doing anything. EPERM is what libfuse takes as "not allowed to mount: run
   fusermount", so even a root daemon falls back to the helper; an unmount that succeeds is
   what libfuse and the Go libraries expect at exit. Sets no_new_privs when the kernel
   requires it (no CAP_SYS_ADMIN). Async-signal-safe (for a forked child). Returns 0 or an
   errno: ENOSYS on an architecture it does not know. */
int wf_mount_guard_install(void);

#endif
