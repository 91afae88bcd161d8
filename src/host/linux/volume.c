/* volume.c — one WinFuse volume on Linux: file system process, devfuse pump, engine, FSD stand-in. */
#define _GNU_SOURCE
#include "volume.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devfuse.h"
#include "fuse_library.h"
#include "launcher.h"

#define WF_VOLUME_INIT_TIMEOUT_MS 10000u
/* How often the INIT wait also looks whether the process has exited. */
#define WF_VOLUME_INIT_POLL_MS 20u
/* When the channel closes before INIT, how long to wait for the exit status to report. */
#define WF_VOLUME_EXIT_STATUS_MS 1000u
/* Unmount: time for the last requests and FORGETs to go out, then for the process to go.
   libfuse leaves within 0.1 s of end of file. */
#define WF_VOLUME_DRAIN_MS 2000u
#define WF_VOLUME_GRACE_MS 2000u
/* What the Linux kernel offers by default (32 pages); the engine does no readahead itself. */
#define WF_VOLUME_MAX_READAHEAD (128u * 1024u)

/* Why one attempt to mount failed: auto mode tries another door after some. */
typedef enum wf_volume_failure {
    WF_VOLUME_FAILED,               /* nothing another door would change */
    WF_VOLUME_FAILED_NAMESPACE,     /* the private mount namespace could not be made */
    WF_VOLUME_FAILED_EARLY_EXIT,    /* the file system went away before INIT */
} wf_volume_failure;

static wf_mount_mode wf_volume_default_mount = WF_MOUNT_AUTO;

struct wf_volume {
    wf_engine *engine;
    wf_fsd *fsd;
    wf_launcher launcher;
    bool launched;
    wf_devfuse *devfuse;
    /* The pump reaps the process when the channel closes, the mount's thread while it
       waits for INIT: one at a time. */
    pthread_mutex_t reap_lock;
    /* wf_volume_interrupt: the grace every request submitted now gets (0: none). */
    _Atomic unsigned interrupt_grace_ms;
    /* The kernel mount the file system's helper asked for is made (kernel_mount). */
    bool kernel_mounted;
    /* Making it failed: another door would not do better. */
    bool kernel_mount_failed;
};

static void wf_volume_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *response)
{
    wf_volume *volume = host;
    wf_fsd_complete(volume->fsd, response);
}

/* What the file system changed behind the volume's back, for the stand-in's watches. */
static void wf_volume_notify(void *host, const FSP_FSCTL_NOTIFY_INFO *info)
{
    wf_volume *volume = host;
    wf_fsd_notify(volume->fsd, info);
}

/* The stand-in's callers wait for their responses reading the channel (wf_devfuse_wait). */
static void wf_volume_wait(void *ctx, wf_waiter *waiter)
{
    wf_devfuse_wait(ctx, waiter);
}

static void wf_volume_wake(void *ctx, wf_waiter *waiter)
{
    wf_devfuse_wake(ctx, waiter);
}

static void wf_volume_submit(void *ctx, const FSP_FSCTL_TRANSACT_REQ *request)
{
    wf_volume *volume = ctx;
    /* The pump lets this thread send the request's first FUSE request itself. */
    if (volume->devfuse)
        wf_devfuse_submit(volume->devfuse, request);
    else
        wf_engine_submit(volume->engine, request);
    /* An interrupted command's later requests are cancelled as they go (those already
       answered are not found). */
    unsigned grace = atomic_load(&volume->interrupt_grace_ms);
    if (grace)
        wf_engine_cancel_within(volume->engine, request->Hint, grace);
}

/* The engine's identity callback: the tokens are the stand-in's. */
static bool wf_volume_identity(void *host, uint64_t token, wf_identity *identity)
{
    wf_volume *volume = host;
    return volume->fsd != NULL && wf_fsd_resolve_token(volume->fsd, token, identity);
}

/* This process as a caller: its uid, gid and supplementary groups. */
static void wf_volume_own_identity(wf_identity *identity)
{
    gid_t groups[WF_IDENTITY_MAX_GROUPS];
    int count = getgroups(WF_IDENTITY_MAX_GROUPS, groups);

    memset(identity, 0, sizeof *identity);
    identity->uid = (uint32_t)getuid();
    identity->gid = (uint32_t)getgid();
    identity->pid = (uint32_t)getpid();
    /* More groups than fit: getgroups refuses, and only the primary group counts. */
    for (int i = 0; i < count; i++)
        identity->groups[identity->group_count++] = (uint32_t)groups[i];
}

/* CancelIoEx on a stand-in handle: the engine interrupts the request with that Hint. */
static void wf_volume_cancel(void *ctx, uint64_t hint)
{
    wf_volume *volume = ctx;
    wf_engine_cancel(volume->engine, hint);
}

static uint64_t wf_volume_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

/* wf_launcher_reap, from any thread. */
static bool wf_volume_reap(wf_volume *volume, uint32_t wait_ms)
{
    pthread_mutex_lock(&volume->reap_lock);
    bool reaped = wf_launcher_reap(&volume->launcher, wait_ms);
    pthread_mutex_unlock(&volume->reap_lock);
    return reaped;
}

/* The pump found the channel closed: the file system went away. Reaped now, it is no
   zombie for the rest of the session, and its status waits for the exit report. */
static void wf_volume_channel_closed(void *context)
{
    wf_volume *volume = context;
    (void)wf_volume_reap(volume, WF_VOLUME_EXIT_STATUS_MS);
}

/* True when the direct child exited unsuccessfully; its status then goes into error. */
static bool wf_volume_child_failed(wf_volume *volume, uint32_t wait_ms, char *error,
    size_t error_size)
{
    char how[96];
    wf_launcher *launcher = &volume->launcher;
    if (!wf_volume_reap(volume, wait_ms) || !launcher->status_known)
        return false;
    if (WIFEXITED(launcher->wait_status) && WEXITSTATUS(launcher->wait_status) == 0)
        return false;
    wf_launcher_describe_status(launcher->wait_status, how, sizeof how);
    snprintf(error, error_size, "file system %s before INIT", how);
    return true;
}

/* Answers the file system's helper, which asks (with the mount point's real path) for the
   kernel mount before it hands the channel over: made once, for that mount point only. */
static void wf_volume_serve_mount_request(wf_volume *volume, const wf_volume_options *options)
{
    char path[4096];
    int fd = volume->launcher.control_fd;
    int answer = 0;
    ssize_t got;

    if (fd < 0)
        return;
    got = recv(fd, path, sizeof path - 1, MSG_DONTWAIT);
    if (got == 0) {
        /* Every copy of the file system's end is closed: no request can come. */
        wf_launcher_close_control(&volume->launcher);
        return;
    }
    if (got < 0)
        return;
    path[got] = '\0';
    if (!options->kernel_mount_point || strcmp(path, options->kernel_mount_point) != 0)
        answer = EXDEV;
    else if (!options->kernel_mount || !options->kernel_unmount)
        answer = ENOSYS;
    else if (!volume->kernel_mounted) {
        answer = options->kernel_mount(options->kernel_context);
        volume->kernel_mounted = answer == 0;
        volume->kernel_mount_failed = answer != 0;
    }
    if (options->debug)
        fprintf(stderr, "winfuse: the fusermount helper asks for the kernel mount on %s: %s\n",
            path, answer ? strerror(answer) : "mounted");
    (void)send(fd, &answer, sizeof answer, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Waits for the INIT reply. A daemonizing file system's first process exits 0 and is no
   sign of anything; an unsuccessful exit is its own report of failure. *early_exit tells
   that the file system went away before answering. */
static bool wf_volume_wait_init(wf_volume *volume, const wf_volume_options *options,
    unsigned timeout_ms, bool *early_exit, char *error, size_t error_size)
{
    uint64_t deadline = wf_volume_now_ms() + timeout_ms;
    uint64_t seen = 0;
    wf_engine_info info;

    for (;;) {
        wf_volume_serve_mount_request(volume, options);
        wf_engine_get_info(volume->engine, &info);
        if (info.initialized)
            return true;
        if (!info.connected && info.init_status != STATUS_SUCCESS) {
            snprintf(error, error_size, "file system refused INIT (protocol %u.%u): %s",
                info.major, info.minor, wf_ntstatus_name(info.init_status));
            return false;
        }
        if (wf_devfuse_closed(volume->devfuse)) {
            if (!wf_volume_child_failed(volume, WF_VOLUME_EXIT_STATUS_MS, error, error_size))
                snprintf(error, error_size, "file system closed its channel before INIT");
            *early_exit = true;
            return false;
        }
        if (wf_volume_child_failed(volume, 0, error, error_size)) {
            *early_exit = true;
            return false;
        }
        uint64_t now = wf_volume_now_ms();
        if (now >= deadline) {
            snprintf(error, error_size, "file system did not answer INIT within %u ms",
                timeout_ms);
            return false;
        }
        uint64_t left = deadline - now;
        seen = wf_devfuse_wait_progress(volume->devfuse, seen,
            left < WF_VOLUME_INIT_POLL_MS ? (uint32_t)left : WF_VOLUME_INIT_POLL_MS);
    }
}

/* Whether the file system ended as a file system ends, else how it ended into report.
   A crash is a signal we did not send (SIGSEGV; SIGABRT of a failed assertion, of glibc's
   heap checks, of a sanitizer with abort_on_error=1). An exit status tells nothing:
   libfuse exits 1 at the channel's end ("short read on fuse device"), and a daemonizing
   file system's first process exits whenever it likes (its daemon is not our child). */
static bool wf_volume_ended_cleanly(const wf_launcher *launcher, char *report,
    size_t report_size)
{
    if (!launcher->status_known || !WIFSIGNALED(launcher->wait_status) || launcher->signalled)
        return true;
    wf_launcher_describe_status(launcher->wait_status, report, report_size);
    return false;
}

/* Frees what mount built, in reverse; the engine goes only when no thread uses it. Returns
   wf_volume_ended_cleanly's answer. */
static bool wf_volume_free(wf_volume *volume, uint32_t drain_ms, char *report,
    size_t report_size)
{
    bool clean = true;
    wf_devfuse *devfuse = volume->devfuse;
    volume->devfuse = NULL;     /* later submits (none are expected) go the slow way */
    if (volume->fsd)
        wf_fsd_set_wait(volume->fsd, NULL);
    wf_devfuse_stop(devfuse, drain_ms);     /* the pump's threads are gone after this */
    if (volume->launched) {
        wf_launcher_stop(&volume->launcher, WF_VOLUME_GRACE_MS);
        clean = wf_volume_ended_cleanly(&volume->launcher, report, report_size);
    }
    if (volume->fsd)
        wf_fsd_delete(volume->fsd);
    if (volume->engine)
        wf_engine_delete(volume->engine);
    pthread_mutex_destroy(&volume->reap_lock);
    free(volume);
    return clean;
}

/* One attempt: starts the file system as launch says, and waits for its INIT reply. */
static wf_volume *wf_volume_try(const wf_volume_options *options,
    const wf_launcher_options *launch, wf_volume_failure *failure, char *error,
    size_t error_size)
{
    wf_volume *volume = calloc(1, sizeof *volume);
    wf_engine_params params;
    wf_devfuse_options pump;
    NTSTATUS status;
    bool early_exit = false;
    int err;

    *failure = WF_VOLUME_FAILED;
    if (!volume || pthread_mutex_init(&volume->reap_lock, NULL) != 0) {
        free(volume);
        volume = NULL;
        snprintf(error, error_size, "out of memory");
        goto fail;
    }
    if (wf_launcher_start_with(&volume->launcher, launch, error, error_size) != 0) {
        if (volume->launcher.namespace_failed)
            *failure = WF_VOLUME_FAILED_NAMESPACE;
        goto fail;
    }
    volume->launched = true;

    /* Bigger messages than libfuse's buffer buy nothing and cost buffer space. */
    memset(&params, 0, sizeof params);
    params.max_message = volume->launcher.max_message < WF_LAUNCHER_WANT_MESSAGE ?
        volume->launcher.max_message : WF_LAUNCHER_WANT_MESSAGE;
    params.max_readahead = WF_VOLUME_MAX_READAHEAD;
    params.uid = (uint32_t)getuid();
    params.gid = (uint32_t)getgid();
    params.pid = (uint32_t)getpid();
    params.umask = 022;
    params.complete = wf_volume_complete;
    params.notify = wf_volume_notify;
    params.host = volume;
    params.identity = wf_volume_identity;
    params.case_insensitive = options->case_insensitive;
    params.no_dosattrib = options->no_dosattrib;
    params.no_streams = options->no_streams;
    /* As the Linux kernel on /dev/fuse: the channel's end ends the session, and libfuse
       runs destroy after its workers have handled the last FORGETs. */
    params.no_destroy = !options->send_destroy;
    params.request_timeout_ms = options->request_timeout_ms;
    if (options->id_map)
        params.id_map = *options->id_map;
    status = wf_engine_create(&params, &volume->engine);
    if (status != STATUS_SUCCESS) {
        snprintf(error, error_size, "cannot create the engine (channel carries %u bytes): %s",
            volume->launcher.max_message, wf_ntstatus_name(status));
        goto fail;
    }
    volume->fsd = wf_fsd_create(wf_volume_submit, volume);
    if (!volume->fsd) {
        snprintf(error, error_size, "cannot create the FSD stand-in: out of memory");
        goto fail;
    }
    wf_fsd_set_cancel(volume->fsd, wf_volume_cancel, volume);
    if (options->identity != NULL) {
        wf_fsd_set_identity(volume->fsd, options->identity);
    } else {
        wf_identity own;
        wf_volume_own_identity(&own);
        wf_fsd_set_identity(volume->fsd, &own);
    }
    {
        FSP_FSCTL_VOLUME_PARAMS volume_params;
        wf_engine_get_volume_params(volume->engine, &volume_params);
        wf_fsd_set_volume_params(volume->fsd, &volume_params);
    }

    memset(&pump, 0, sizeof pump);
    pump.fd = volume->launcher.fd;
    pump.max_message = params.max_message;
    pump.debug = options->debug;
    pump.closed = wf_volume_channel_closed;
    pump.closed_context = volume;
    err = wf_devfuse_start(volume->engine, &pump, &volume->devfuse);
    if (err) {
        snprintf(error, error_size, "cannot start the channel pump: %s", strerror(err));
        goto fail;
    }
    wf_fsd_set_wait(volume->fsd, &(wf_wait_ops){ .wait = wf_volume_wait,
        .wake = wf_volume_wake, .ctx = volume->devfuse });
    if (options->debug) {
        char how[512];
        wf_volume_describe_mount(volume, how, sizeof how);
        fprintf(stderr, "winfuse: %s gets its channel as %s\n", launch->argv[0], how);
    }
    if (!wf_volume_wait_init(volume, options, options->init_timeout_ms ?
            options->init_timeout_ms : WF_VOLUME_INIT_TIMEOUT_MS, &early_exit, error,
            error_size)) {
        if (early_exit && !volume->kernel_mount_failed)
            *failure = WF_VOLUME_FAILED_EARLY_EXIT;
        goto fail;
    }
    /* A request after INIT has nobody to answer it: the helper reads end of file. */
    wf_launcher_close_control(&volume->launcher);
    return volume;

fail:
    if (volume && volume->kernel_mounted) {
        /* First, so that whatever waits on the mount is let go (ENOTCONN). */
        options->kernel_unmount(options->kernel_context);
        volume->kernel_mounted = false;
    }
    if (volume) {
        char report[96];
        (void)wf_volume_free(volume, 0, report, sizeof report);
    }
    return NULL;
}

bool wf_mount_mode_parse(const char *text, wf_mount_mode *mode)
{
    static const wf_mount_mode modes[] = { WF_MOUNT_AUTO, WF_MOUNT_DEVFD, WF_MOUNT_FUSERMOUNT,
        WF_MOUNT_MOUNTPOINT };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(text, wf_mount_mode_name(modes[i])) == 0) {
            *mode = modes[i];
            return true;
        }
    }
    return false;
}

const char *wf_mount_mode_name(wf_mount_mode mode)
{
    switch (mode) {
    case WF_MOUNT_AUTO:
        return "auto";
    case WF_MOUNT_DEVFD:
        return "devfd";
    case WF_MOUNT_FUSERMOUNT:
        return "fusermount";
    case WF_MOUNT_MOUNTPOINT:
        return "mountpoint";
    default:
        return "default";
    }
}

void wf_volume_set_default_mount(wf_mount_mode mode)
{
    wf_volume_default_mount = mode == WF_MOUNT_DEFAULT ? WF_MOUNT_AUTO : mode;
}

/* The rule of docs/channel.md. auto: always in the private mount namespace, where nothing
   can mount and our helper answers for fusermount3/fusermount. A program that links
   libfuse 3 gets /dev/fd/N (its mount point since libfuse 3.3); one that links libfuse 2
   gets a directory (libfuse 2 resolves its mount point with realpath, which /dev/fd/N of a
   socket fails) and mounts through the helper; any other program (Go, a script, a wrapper)
   gets a directory too, which works through the helper whatever library it ends in. Then:
   no namespace to be had -> /dev/fd/N as is; a file system that went away before INIT ->
   once more with the other mount point, unless it links libfuse 2. Under winfuse mount
   (a kernel mount point), a Go program gets that mount point itself first (docs/mount.md):
   go-fuse opens a file there right after INIT. */
wf_volume *wf_volume_mount(const wf_volume_options *options, char *error, size_t error_size)
{
    wf_mount_mode mode = options->mount == WF_MOUNT_DEFAULT ? wf_volume_default_mount :
        options->mount;
    wf_launcher_options launch;
    wf_volume_failure failure;
    wf_volume *volume;
    wf_fuse_library library;
    char first[512];
    const char *command = options->fs_argv && options->fs_argv[0] ? options->fs_argv[0] : "";
    bool tried_mount_point = false;

    memset(&launch, 0, sizeof launch);
    launch.argv = options->fs_argv;
    launch.helper = options->fusermount_helper;
    switch (mode) {
    case WF_MOUNT_DEVFD:
        return wf_volume_try(options, &launch, &failure, error, error_size);
    case WF_MOUNT_FUSERMOUNT:
        launch.mount_namespace = true;
        launch.directory = true;
        return wf_volume_try(options, &launch, &failure, error, error_size);
    case WF_MOUNT_MOUNTPOINT:
        if (!options->kernel_mount_point) {
            snprintf(error, error_size, "--mount=mountpoint needs a kernel mount point: "
                "only winfuse mount has one");
            return NULL;
        }
        launch.kernel_mount_point = options->kernel_mount_point;
        return wf_volume_try(options, &launch, &failure, error, error_size);
    default:
        break;
    }

    library = wf_fuse_library_of(command, NULL, 0);
    if (library == WF_FUSE_LIBRARY_GO && options->kernel_mount_point) {
        launch.kernel_mount_point = options->kernel_mount_point;
        volume = wf_volume_try(options, &launch, &failure, first, sizeof first);
        if (volume)
            return volume;
        launch.kernel_mount_point = NULL;
        if (failure == WF_VOLUME_FAILED) {
            snprintf(error, error_size, "%s", first);
            return NULL;
        }
        if (failure == WF_VOLUME_FAILED_NAMESPACE) {
            /* No mount guard or no helper here: the namespace's rule, as for any program. */
            if (options->debug)
                fprintf(stderr, "winfuse: %s; giving %s a mount point of its own\n", first,
                    command);
        } else {
            tried_mount_point = true;
        }
    }
    launch.mount_namespace = true;
    launch.directory = library != WF_FUSE_LIBRARY_FUSE3;
    if (tried_mount_point) {
        /* It went away before INIT with the kernel mount point (now unmounted again): a
           Go program also takes /dev/fd/N, where it needs no mount at all. */
        fprintf(stderr, "winfuse: %s did not start with %s as its mount point (%s); running it "
            "again with /dev/fd/N\n", command, options->kernel_mount_point, first);
        launch.directory = false;
        volume = wf_volume_try(options, &launch, &failure, error, error_size);
        if (!volume && strcmp(error, first) != 0) {
            size_t len = strlen(error);
            snprintf(error + len, error_size - len, " (and before, with %s: %s)",
                options->kernel_mount_point, first);
        }
        return volume;
    }
    volume = wf_volume_try(options, &launch, &failure, first, sizeof first);
    if (volume)
        return volume;
    if (failure == WF_VOLUME_FAILED_NAMESPACE) {
        /* No namespace here (no CAP_SYS_ADMIN and no user namespaces, or no helper):
           /dev/fd/N still serves libfuse 3, and nothing can mount on a socket. */
        if (options->debug)
            fprintf(stderr, "winfuse: %s; giving %s /dev/fd/N as it is\n", first, command);
        launch.mount_namespace = false;
        launch.directory = false;
        return wf_volume_try(options, &launch, &failure, error, error_size);
    }
    if (failure != WF_VOLUME_FAILED_EARLY_EXIT || library == WF_FUSE_LIBRARY_FUSE2) {
        snprintf(error, error_size, "%s", first);
        return NULL;
    }
    /* Its own complaint about the mount point is on the terminal: say what comes next. */
    fprintf(stderr, "winfuse: %s did not start with %s as its mount point (%s); running it "
        "again with %s\n", command, launch.directory ? "a directory" : "/dev/fd/N", first,
        launch.directory ? "/dev/fd/N" : "a directory, through the fusermount helper");
    launch.directory = !launch.directory;
    volume = wf_volume_try(options, &launch, &failure, error, error_size);
    if (!volume && strcmp(error, first) != 0) {
        size_t len = strlen(error);
        snprintf(error + len, error_size - len, " (and before, with %s: %s)",
            launch.directory ? "/dev/fd/N" : "a directory", first);
    }
    return volume;
}

wf_fsd *wf_volume_fsd(wf_volume *volume)
{
    return volume->fsd;
}

wf_engine *wf_volume_engine(wf_volume *volume)
{
    return volume->engine;
}

void wf_volume_describe_mount(wf_volume *volume, char *buffer, size_t size)
{
    const wf_launcher *launcher = &volume->launcher;
    if (launcher->door)
        snprintf(buffer, size, "%s, the kernel mount point, through the fusermount helper",
            launcher->mount_point);
    else if (!launcher->ns)
        snprintf(buffer, size, "%s", launcher->mount_point);
    else if (strncmp(launcher->mount_point, "/dev/fd/", 8) == 0)
        snprintf(buffer, size, "%s (private mount namespace)", launcher->mount_point);
    else
        snprintf(buffer, size, "%s through the fusermount helper (private mount namespace)",
            launcher->mount_point);
}

wf_mount_mode wf_volume_mount_door(wf_volume *volume)
{
    if (volume->launcher.door)
        return WF_MOUNT_MOUNTPOINT;
    return strncmp(volume->launcher.mount_point, "/dev/fd/", 8) == 0 ? WF_MOUNT_DEVFD :
        WF_MOUNT_FUSERMOUNT;
}

bool wf_volume_disconnected(wf_volume *volume)
{
    if (!wf_devfuse_closed(volume->devfuse))
        return false;
    /* Should the pump's wait for its exit have run out (a loaded machine), a look after
       reaps it; a pump still waiting holds the lock, and reaps it itself. */
    if (pthread_mutex_trylock(&volume->reap_lock) == 0) {
        (void)wf_launcher_reap(&volume->launcher, 0);
        pthread_mutex_unlock(&volume->reap_lock);
    }
    return true;
}

bool wf_volume_unmount_checked(wf_volume *volume, char *report, size_t report_size)
{
    if (!volume)
        return true;
    wf_engine_shutdown(volume->engine);
    return wf_volume_free(volume, WF_VOLUME_DRAIN_MS, report, report_size);
}

/* The stand-in's cancel-all callback: the engine interrupts, then gives up. */
static void wf_volume_cancel_within(void *ctx, uint64_t hint)
{
    wf_volume *volume = ctx;
    wf_engine_cancel_within(volume->engine, hint, atomic_load(&volume->interrupt_grace_ms));
}

void wf_volume_interrupt(wf_volume *volume, unsigned grace_ms)
{
    atomic_store(&volume->interrupt_grace_ms, grace_ms ? grace_ms : 1);
    wf_fsd_cancel_all(volume->fsd, wf_volume_cancel_within, volume);
}

void wf_volume_interrupt_end(wf_volume *volume)
{
    atomic_store(&volume->interrupt_grace_ms, 0);
}

void wf_volume_abort(wf_volume *volume)
{
    wf_engine_disconnect(volume->engine);
    if (volume->launched) {
        /* It reaps as it goes, and so does the pump when it sees the channel close. */
        pthread_mutex_lock(&volume->reap_lock);
        wf_launcher_terminate(&volume->launcher, WF_VOLUME_GRACE_MS);
        pthread_mutex_unlock(&volume->reap_lock);
    }
}

void wf_volume_end(wf_volume *volume)
{
    if (volume->launched)
        wf_launcher_stop(&volume->launcher, 0);
    volume->launched = false;
}

void wf_volume_unmount(wf_volume *volume)
{
    char report[96];
    (void)wf_volume_unmount_checked(volume, report, sizeof report);
}
