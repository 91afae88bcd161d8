/* volume.c — one WinFuse volume on Linux: file system process, devfuse pump, engine, FSD stand-in. */
#define _GNU_SOURCE
#include "host/linux/volume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/linux/devfuse.h"
#include "host/linux/launcher.h"

#define WF_VOLUME_INIT_TIMEOUT_MS 10000u
/* How often the INIT wait also looks whether the process has exited. */
#define WF_VOLUME_INIT_POLL_MS 20u
/* When the channel closes before INIT, how long to wait for the exit status to report. */
#define WF_VOLUME_EXIT_STATUS_MS 1000u
/* Unmount: time for the last requests and DESTROY, then for the process to go. libfuse
   leaves within 0.1 s of end of file. */
#define WF_VOLUME_DRAIN_MS 2000u
#define WF_VOLUME_GRACE_MS 2000u
/* What the Linux kernel offers by default (32 pages); the engine does no readahead itself. */
#define WF_VOLUME_MAX_READAHEAD (128u * 1024u)

struct wf_volume {
    wf_engine *engine;
    wf_fsd *fsd;
    wf_launcher launcher;
    bool launched;
    wf_devfuse *devfuse;
};

static void wf_volume_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *response)
{
    wf_volume *volume = host;
    wf_fsd_complete(volume->fsd, response);
}

static void wf_volume_submit(void *ctx, const FSP_FSCTL_TRANSACT_REQ *request)
{
    wf_volume *volume = ctx;
    wf_engine_submit(volume->engine, request);
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

/* True when the direct child exited unsuccessfully; its status then goes into error. */
static bool wf_volume_child_failed(wf_volume *volume, uint32_t wait_ms, char *error,
    size_t error_size)
{
    char how[96];
    wf_launcher *launcher = &volume->launcher;
    if (!wf_launcher_reap(launcher, wait_ms) || !launcher->status_known)
        return false;
    if (WIFEXITED(launcher->wait_status) && WEXITSTATUS(launcher->wait_status) == 0)
        return false;
    wf_launcher_describe_status(launcher->wait_status, how, sizeof how);
    snprintf(error, error_size, "file system %s before INIT", how);
    return true;
}

/* Waits for the INIT reply. A daemonizing file system's first process exits 0 and is no
   sign of anything; an unsuccessful exit is its own report of failure. */
static bool wf_volume_wait_init(wf_volume *volume, unsigned timeout_ms, char *error,
    size_t error_size)
{
    uint64_t deadline = wf_volume_now_ms() + timeout_ms;
    uint64_t seen = 0;
    wf_engine_info info;

    for (;;) {
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
            return false;
        }
        if (wf_volume_child_failed(volume, 0, error, error_size))
            return false;
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

/* Frees what mount built, in reverse; the engine goes only when no thread uses it. */
static void wf_volume_free(wf_volume *volume, uint32_t drain_ms)
{
    wf_devfuse_stop(volume->devfuse, drain_ms);
    if (volume->launched)
        wf_launcher_stop(&volume->launcher, WF_VOLUME_GRACE_MS);
    if (volume->fsd)
        wf_fsd_delete(volume->fsd);
    if (volume->engine)
        wf_engine_delete(volume->engine);
    free(volume);
}

wf_volume *wf_volume_mount(const wf_volume_options *options, char *error, size_t error_size)
{
    wf_volume *volume = calloc(1, sizeof *volume);
    wf_engine_params params;
    wf_devfuse_options pump;
    NTSTATUS status;
    int err;

    if (!volume) {
        snprintf(error, error_size, "out of memory");
        goto fail;
    }
    if (wf_launcher_start(&volume->launcher, options->fs_argv, error, error_size) != 0)
        goto fail;
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
    params.host = volume;
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
    {
        FSP_FSCTL_VOLUME_PARAMS volume_params;
        wf_engine_get_volume_params(volume->engine, &volume_params);
        wf_fsd_set_volume_params(volume->fsd, &volume_params);
    }

    memset(&pump, 0, sizeof pump);
    pump.fd = volume->launcher.fd;
    pump.max_message = params.max_message;
    pump.debug = options->debug;
    err = wf_devfuse_start(volume->engine, &pump, &volume->devfuse);
    if (err) {
        snprintf(error, error_size, "cannot start the channel pump: %s", strerror(err));
        goto fail;
    }
    if (!wf_volume_wait_init(volume, options->init_timeout_ms ? options->init_timeout_ms :
            WF_VOLUME_INIT_TIMEOUT_MS, error, error_size))
        goto fail;
    return volume;

fail:
    if (volume)
        wf_volume_free(volume, 0);
    return NULL;
}

wf_fsd *wf_volume_fsd(wf_volume *volume)
{
    return volume->fsd;
}

wf_engine *wf_volume_engine(wf_volume *volume)
{
    return volume->engine;
}

bool wf_volume_disconnected(wf_volume *volume)
{
    return wf_devfuse_closed(volume->devfuse);
}

void wf_volume_unmount(wf_volume *volume)
{
    if (!volume)
        return;
    wf_engine_shutdown(volume->engine);
    wf_volume_free(volume, WF_VOLUME_DRAIN_MS);
}
