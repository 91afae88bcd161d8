/* launcher.h — starts a FUSE file system process on one end of a SOCK_SEQPACKET socket pair. */
#ifndef WINFUSE_HOST_LAUNCHER_H
#define WINFUSE_HOST_LAUNCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct wf_mount_ns;
struct wf_mountpoint_door;

/* The message the channel is sized for: libfuse's read buffer, 256 pages of data plus a
   page for the headers (the largest FUSE message libfuse and the Linux kernel exchange). */
#define WF_LAUNCHER_WANT_MESSAGE ((1u << 20) + 4096u)

/* A connected SOCK_SEQPACKET pair, both ends close-on-exec, with send and receive buffers
   sized for WF_LAUNCHER_WANT_MESSAGE (forced past net.core.wmem_max when we may). Sets
   *max_message to the largest message that crosses the pair in both directions, proven by
   sending one each way. Returns 0 or an errno. */
int wf_channel_create(int fds[2], uint32_t *max_message);

/* The daemon's end of the channel gets a number at least this high: a daemon that hands
   files to its own children by number must not cover it (Go's ExtraFiles become 3, 4, ...;
   bazil/fuse and go-fuse pass fusermount one, as 3). Kept below 10, which is as far as a
   POSIX shell's redirections reach. */
#define WF_LAUNCHER_DAEMON_FD_MIN 5

typedef struct wf_launcher {
    int fd;                     /* our end of the channel; -1 once closed */
    pid_t pid;                  /* the direct child */
    bool reaped;                /* the direct child has been waited for */
    bool status_known;          /* false when someone else reaped it (SIGCHLD ignored) */
    int wait_status;            /* its waitpid status, when reaped and known */
    bool signalled;             /* stop or terminate sent it SIGTERM or SIGKILL */
    uint32_t max_message;       /* largest message the channel carries */
    char *mount_point;          /* what the file system was given: /dev/fd/N or a directory */
    struct wf_mount_ns *ns;     /* the private mount namespace it runs in, or NULL */
    bool namespace_failed;      /* after a failed start: entering the namespace failed */
    /* With kernel_mount_point: our end of the socket on which the file system's helper asks
       for the kernel mount (a request is a real path; the answer an int errno), and what
       the file system runs with; -1 and NULL otherwise. */
    int control_fd;
    struct wf_mountpoint_door *door;
    /* The private mount namespace's identity (of /proc/PID/ns/mnt), so that what runs in it
       can be found and ended, a daemonized process too; 0: none known. */
    uint64_t ns_dev, ns_ino;
} wf_launcher;

typedef struct wf_launcher_options {
    char *const *argv;          /* the file system command; argv[0] is searched in PATH */
    /* Run it in a private mount namespace where our fusermount helper stands in for the
       system's and nothing can be mounted (mount_ns.h). */
    bool mount_namespace;
    /* With mount_namespace: give it an empty directory of the namespace as its mount point
       instead of /dev/fd/N, for a file system that must mount through the helper. */
    bool directory;
    const char *helper;         /* the helper program; NULL: wf_mount_ns_find_helper */
    /* `winfuse mount`'s own mount point, given to the file system as its mount point
       (instead of /dev/fd/N or a directory; mount_namespace is then ignored): it runs in
       this mount namespace, under the mount guard, with our helper first in PATH
       (mountpoint_door.h) and the control socket inherited, so that the kernel mount is
       made there when the helper asks, and the file system finds it served. */
    const char *kernel_mount_point;
} wf_launcher_options;

/* Creates the channel and runs argv[0] (searched in PATH) with the daemon's end passed as
   "/dev/fd/N": in place of every argument that is exactly "{}", or else appended. The child
   has its own process group (a ^C on our terminal reaches only us, and we unmount in
   order), stdin from /dev/null, our stdout and stderr, and no other descriptor of ours.
   On failure returns -1 with a one-line reason in error ("cannot run X: No such file or
   directory"), and *launcher holds nothing. */
int wf_launcher_start(wf_launcher *launcher, char *const argv[], char *error,
    size_t error_size);

/* The same with options: in a private mount namespace the daemon's end is also named by
   WINFUSE_DEVFUSE_FD in its environment, for the helper, and the mount point put in place
   of "{}" (or appended) is /dev/fd/N or the namespace's directory. On failure,
   launcher->namespace_failed tells whether the namespace could not be made. */
int wf_launcher_start_with(wf_launcher *launcher, const wf_launcher_options *options,
    char *error, size_t error_size);

/* Reaps the direct child once it has exited, waiting up to timeout_ms for that (0: only
   look). Returns true once it is reaped. A daemonizing file system's direct child exits
   while the file system goes on: only the channel tells when the file system is gone. */
bool wf_launcher_reap(wf_launcher *launcher, uint32_t timeout_ms);

/* Closes our end of the control socket: a later request of the helper reads end of file. */
void wf_launcher_close_control(wf_launcher *launcher);

/* Closes our end of the channel: the file system reads end of file. */
void wf_launcher_close_channel(wf_launcher *launcher);

/* Closes our end, then gives the direct child grace_ms to exit, then SIGTERM and grace_ms
   more, then SIGKILL; reaps it. Only the direct child is signalled: a daemonized
   grandchild exits by itself on end of file. Then frees what the start kept (the mount
   namespace's private directory goes). */
void wf_launcher_stop(wf_launcher *launcher, uint32_t grace_ms);

/* Ends the file system whatever state it is in, without waiting for it to answer
   anything: shuts the channel down (it reads end of file; our end stays open for the
   pump, which sees the end too), gives it grace_ms to go, then SIGTERM to its process
   group and to every process in its private mount namespace (a daemonized one that left
   the group included), grace_ms more, then SIGKILL; reaps the direct child. A daemon that
   left the group without a namespace (devfd mode) is only told by end of file.
   wf_launcher_stop may follow. */
void wf_launcher_terminate(wf_launcher *launcher, uint32_t grace_ms);

/* Describes a waitpid status: "exited with status 1", "was killed by signal 9 (Killed)". */
void wf_launcher_describe_status(int wait_status, char *buffer, size_t size);

#endif
