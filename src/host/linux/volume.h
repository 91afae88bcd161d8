/* volume.h — one mounted WinFuse volume on Linux: a FUSE file system process, the devfuse
   socket it serves, the engine between, and the FSD stand-in in front. */
#ifndef WINFUSE_HOST_VOLUME_H
#define WINFUSE_HOST_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#include "winfuse/engine.h"
#include "host/linux/fsd.h"

typedef struct wf_volume wf_volume;

typedef struct wf_volume_options {
    /* The file system command and its arguments, NULL-terminated. The devfuse socket is
       passed as /dev/fd/N: in place of an argument that is exactly "{}", or else appended
       as the last argument. */
    char *const *fs_argv;
    /* How long to wait for the file system's INIT reply. 0 picks 10 s. */
    unsigned init_timeout_ms;
    /* Print every FUSE request and reply on stderr. */
    bool debug;
} wf_volume_options;

/* Starts the file system and waits for its INIT reply. On failure returns NULL and puts a
   one-line reason in error. */
wf_volume *wf_volume_mount(const wf_volume_options *options, char *error, size_t error_size);
wf_fsd *wf_volume_fsd(wf_volume *volume);
wf_engine *wf_volume_engine(wf_volume *volume);
/* True once the file system's channel has closed (it exited or was killed). */
bool wf_volume_disconnected(wf_volume *volume);
/* Orderly unmount: DESTROY, close the channel, reap the process (which may have
   daemonized; the socket, not the process, tells when it is gone). Frees the volume. */
void wf_volume_unmount(wf_volume *volume);

#endif
