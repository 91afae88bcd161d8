/* volume.h — one mounted WinFuse volume on Linux: a FUSE file system process, the devfuse
   socket it serves, the engine between, and the FSD stand-in in front. */
#ifndef WINFUSE_HOST_VOLUME_H
#define WINFUSE_HOST_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#include "winfuse/engine.h"
#include "fsd.h"

typedef struct wf_volume wf_volume;

/* How the file system gets its channel (docs/channel.md). */
typedef enum wf_mount_mode {
    WF_MOUNT_DEFAULT,       /* the process's default: wf_volume_set_default_mount, else auto */
    WF_MOUNT_AUTO,          /* devfd for a program that links libfuse 3, else fusermount;
                               both in the private mount namespace */
    WF_MOUNT_DEVFD,         /* /dev/fd/N, run as is (no namespace) */
    WF_MOUNT_FUSERMOUNT,    /* a directory, mounted through our fusermount helper in the
                               private mount namespace */
    WF_MOUNT_MOUNTPOINT,    /* winfuse mount only: its own mount point, in this namespace;
                               the helper asks for the kernel mount there first */
} wf_mount_mode;

/* "auto", "devfd", "fusermount", "mountpoint" to a mode; false for anything else. */
bool wf_mount_mode_parse(const char *text, wf_mount_mode *mode);
const char *wf_mount_mode_name(wf_mount_mode mode);
/* What WF_MOUNT_DEFAULT means in this process (the command line's --mount). */
void wf_volume_set_default_mount(wf_mount_mode mode);

typedef struct wf_volume_options {
    /* The file system command and its arguments, NULL-terminated. Its mount point (the
       devfuse socket as /dev/fd/N, or a directory) goes in place of an argument that is
       exactly "{}", or else is appended as the last argument. */
    char *const *fs_argv;
    wf_mount_mode mount;
    /* The fusermount helper; NULL: $WINFUSE_FUSERMOUNT, else winfuse-fusermount beside
       the running program. */
    const char *fusermount_helper;
    /* How long to wait for the file system's INIT reply. 0 picks 10 s. */
    unsigned init_timeout_ms;
    /* Print every FUSE request and reply on stderr. */
    bool debug;
    /* End the session with DESTROY, as the FUSE_FSCTL_TRANSACT door does, instead of with
       the channel's end alone: tests a file system's destroy against its last FORGETs. */
    bool send_destroy;
    /* Whom the FSD stand-in's requests act for (access checks, fuse_in_header); NULL: this
       process's uid, gid and supplementary groups. */
    const wf_identity *identity;
    /* A case-insensitive volume (wf_engine_params.case_insensitive); false: case-sensitive. */
    bool case_insensitive;
    /* -o dosattrib=off (wf_engine_params.no_dosattrib). */
    bool no_dosattrib;
    /* -o streams=off (wf_engine_params.no_streams). */
    bool no_streams;
    /* uid=, gid=, umask=, uidmap= (wf_engine_params.id_map); NULL: none. */
    const wf_id_map *id_map;
    /* wf_engine_params.request_timeout_ms: a FUSE request out longer is given up
       (STATUS_IO_TIMEOUT); 0: never. */
    unsigned request_timeout_ms;
    /* winfuse mount: its kernel mount point (a real path), and how to make and remove the
       kernel mount there. A file system given that mount point itself (WF_MOUNT_MOUNTPOINT,
       and auto for a Go program) asks through our helper for the kernel mount before it
       takes the channel; kernel_mount is called then (0 or an errno), and kernel_unmount
       when that attempt fails after all. NULL: no kernel mount (winfuse shell). */
    const char *kernel_mount_point;
    int (*kernel_mount)(void *context);
    void (*kernel_unmount)(void *context);
    void *kernel_context;
} wf_volume_options;

/* Starts the file system and waits for its INIT reply. On failure returns NULL and puts a
   one-line reason in error. */
wf_volume *wf_volume_mount(const wf_volume_options *options, char *error, size_t error_size);
wf_fsd *wf_volume_fsd(wf_volume *volume);
wf_engine *wf_volume_engine(wf_volume *volume);
/* How the file system got its channel, for people: "/dev/fd/12 (private mount namespace)",
   "/tmp/winfuse-ns.Ab12Cd/mnt through the fusermount helper (private mount namespace)". */
void wf_volume_describe_mount(wf_volume *volume, char *buffer, size_t size);
/* WF_MOUNT_DEVFD, WF_MOUNT_FUSERMOUNT or WF_MOUNT_MOUNTPOINT: which door the file system
   came through. */
wf_mount_mode wf_volume_mount_door(wf_volume *volume);
/* True once the file system's channel has closed (it exited or was killed); reaps the
   process then if the pump has not. */
bool wf_volume_disconnected(wf_volume *volume);
/* What a console's Ctrl-C does to the command running: every request waiting now, and
   every one submitted until wf_volume_interrupt_end, is cancelled (FUSE INTERRUPT) and
   given up grace_ms later whatever the file system does (STATUS_CANCELLED). Any thread. */
void wf_volume_interrupt(wf_volume *volume, unsigned grace_ms);
void wf_volume_interrupt_end(wf_volume *volume);
/* The Linux kernel's connections/N/abort: every request fails with
   STATUS_CONNECTION_DISCONNECTED from now on, the channel is shut down and the file system
   ended (wf_launcher_terminate: end of file, then SIGTERM and SIGKILL to its processes).
   The volume stays to be unmounted. Any thread, but not during or after unmount. */
void wf_volume_abort(wf_volume *volume);
/* For a process about to exit on a signal, after wf_volume_abort: removes what the mount
   left behind (the private mount namespace's directory). The volume is unusable after. */
void wf_volume_end(wf_volume *volume);
/* Orderly unmount: the last requests and FORGETs out, then close the channel (no DESTROY:
   at end of file libfuse runs destroy itself, as with the Linux kernel), reap the process
   (which may have daemonized; the socket, not the process, tells when it is gone). Frees
   the volume. A file system that died before is reaped when its channel closes. */
void wf_volume_unmount(wf_volume *volume);
/* wf_volume_unmount, and how the file system ended: false when it crashed, that is was
   ended by a signal WinFuse did not send, with how in report ("was killed by signal 6
   (Aborted)"). Exit statuses are no sign (libfuse exits 1 at the channel's end); a
   daemonized file system is not our child, and its end is not seen. */
bool wf_volume_unmount_checked(wf_volume *volume, char *report, size_t report_size);

#endif
