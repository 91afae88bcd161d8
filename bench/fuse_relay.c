/* fuse_relay.c — the floor of a two-layer FUSE stack: mounts a kernel FUSE file system and
   passes every message unchanged between /dev/fuse and a file system on a SOCK_SEQPACKET
   channel (build/winfuse-fuse-relay; docs/performance.md, "winfuse mount"). Root only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "launcher.h"

/* A message either way: the kernel refuses a /dev/fuse read smaller than the largest WRITE
   (max_write plus its headers), and libfuse's replies are at most its own read buffer. */
#define WF_RELAY_BUFFER (WF_LAUNCHER_WANT_MESSAGE + 65536u)

/* What `winfuse mount` raises its mount's read_ahead_kb to (tools/winfuse/mount.c), so
   that the relay is the floor of winfuse's own design, not of the kernel's 128 KiB. */
#define WF_RELAY_READ_AHEAD_KB 1024u

typedef struct wf_relay {
    int dev;                    /* /dev/fuse */
    int chan;                   /* our end of the channel */
    const char *point;          /* the mount point, a real path */
    bool unmounted;             /* /dev/fuse said ENODEV: the kernel ended the mount */
    char read_ahead[96];        /* the mount's read_ahead_kb in sysfs, or "" */
    bool raised;                /* it was raised after the first reply (INIT's) */
} wf_relay;

static void wf_relay_usage(FILE *out)
{
    fputs("usage: winfuse-fuse-relay [-o OPTIONS] MOUNTPOINT -- FS-COMMAND [ARGS...]\n"
        "Mounts a kernel FUSE file system at MOUNTPOINT (as root) and relays every FUSE\n"
        "message unchanged between /dev/fuse and FS-COMMAND, which is given /dev/fd/N (in\n"
        "place of an argument {} or appended) as winfuse gives it its channel. The mount's\n"
        "read_ahead_kb is raised to 1024, as `winfuse mount` does. -o adds kernel mount\n"
        "options to default_permissions. Stays in the foreground; ends at unmount (exit 0)\n"
        "or when FS-COMMAND closes its end (unmounts, exit 1).\n", out);
}

/* The kernel's request to the file system, whole: 1 when sent, 0 when the channel is
   full (try again once it takes more), -1 when it cannot go: the relay then ends, since a
   request lost would leave its caller waiting forever. */
static int wf_relay_send(wf_relay *relay, const void *message, size_t size)
{
    ssize_t sent;
    do
        sent = send(relay->chan, message, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (sent < 0 && errno == EINTR);
    if (sent == (ssize_t)size)
        return 1;
    if (sent < 0 && errno == EAGAIN)
        return 0;
    if (sent >= 0 || (errno != EPIPE && errno != ECONNRESET))
        fprintf(stderr, "winfuse-fuse-relay: a %zu-byte request did not cross the channel: %s\n",
            size, sent < 0 ? strerror(errno) : "short send");
    return -1;
}

static void wf_relay_raise_readahead(wf_relay *relay);

/* The file system's reply or notification goes to the kernel as it came. ENOENT: the
   request it answers was interrupted or aborted meanwhile (libfuse ignores it too). */
static void wf_relay_write(wf_relay *relay, const void *message, size_t size)
{
    ssize_t wrote;
    do
        wrote = write(relay->dev, message, size);
    while (wrote < 0 && errno == EINTR);
    if (wrote < 0 && errno != ENOENT && errno != ENODEV)
        fprintf(stderr, "winfuse-fuse-relay: /dev/fuse refused a %zu-byte reply: %s\n", size,
            strerror(errno));
    if (!relay->raised) {
        relay->raised = true;
        wf_relay_raise_readahead(relay);
    }
}

/* One message from /dev/fuse: its size, 0 when the mount ended, -1 to look again
   (nothing there yet, or the request went before it was read). */
static ssize_t wf_relay_read_dev(wf_relay *relay, void *buffer)
{
    ssize_t got = read(relay->dev, buffer, WF_RELAY_BUFFER);
    if (got > 0)
        return got;
    if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == ENOENT))
        return -1;
    if (got < 0 && errno != ENODEV)
        fprintf(stderr, "winfuse-fuse-relay: reading /dev/fuse: %s\n", strerror(errno));
    relay->unmounted = true;
    return 0;
}

/* One message from the channel: its size, 0 when the file system closed its end, -1 to
   look again. A message larger than the buffer is no FUSE message: ends the relay. */
static ssize_t wf_relay_recv_chan(wf_relay *relay, void *buffer)
{
    ssize_t got = recv(relay->chan, buffer, WF_RELAY_BUFFER, MSG_TRUNC);
    if (got > (ssize_t)WF_RELAY_BUFFER) {
        fprintf(stderr, "winfuse-fuse-relay: a %zd-byte message from the file system\n", got);
        return 0;
    }
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return -1;
    if (got < 0 && errno != ECONNRESET)
        fprintf(stderr, "winfuse-fuse-relay: reading the channel: %s\n", strerror(errno));
    return got < 0 ? 0 : got;
}

/* ---- the relay: one thread polling both ends ------------------------------------------ */

/* One thread, not one per direction in blocking calls: measured with `perf stat` on both
   shapes over memfs, the poll loop takes fewer context switches per request (a stat: 6.0
   against 8.3-9.1; a MiB read: 3.2-3.5 against 3.8-4.0) for the same or less CPU
   (docs/performance.md). A request the channel could not take yet stays in `pending`,
   and /dev/fuse is not read until it went: the replies keep flowing meanwhile, so a full
   channel never deadlocks. */
static bool wf_relay_poll(wf_relay *relay)
{
    char *request = malloc(WF_RELAY_BUFFER), *reply = malloc(WF_RELAY_BUFFER);
    size_t pending = 0;
    bool dev_open = true;
    if (request == NULL || reply == NULL) {
        free(request);
        free(reply);
        return false;
    }
    /* Read only when poll said there is something: an empty /dev/fuse says EAGAIN. */
    fcntl(relay->dev, F_SETFL, fcntl(relay->dev, F_GETFL) | O_NONBLOCK);
    for (;;) {
        struct pollfd fds[2] = {
            { .fd = dev_open && pending == 0 ? relay->dev : -1, .events = POLLIN },
            { .fd = relay->chan, .events = POLLIN | (pending ? POLLOUT : 0) },
        };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "winfuse-fuse-relay: poll: %s\n", strerror(errno));
            break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t got = wf_relay_recv_chan(relay, reply);
            if (got == 0)
                break;
            if (got > 0)
                wf_relay_write(relay, reply, (size_t)got);
        }
        if (pending && (fds[1].revents & POLLOUT)) {
            int sent = wf_relay_send(relay, request, pending);
            if (sent < 0)
                break;
            if (sent > 0)
                pending = 0;
        }
        if (fds[0].revents) {
            ssize_t got = wf_relay_read_dev(relay, request);
            if (got == 0) {
                /* The mount ended: the file system reads end of file and ends, and the
                   channel's end then ends this loop. */
                dev_open = false;
                shutdown(relay->chan, SHUT_WR);
            } else if (got > 0) {
                int sent = wf_relay_send(relay, request, (size_t)got);
                if (sent < 0)
                    break;
                if (sent == 0)
                    pending = (size_t)got;
            }
        }
    }
    free(request);
    free(reply);
    return true;
}

/* ---- mounting --------------------------------------------------------------------------- */

/* path as /proc/self/mountinfo writes it (space, tab, newline and backslash in octal). */
static void wf_relay_mountinfo_escape(const char *path, char *out, size_t size)
{
    size_t n = 0;
    for (; *path && n + 5 < size; path++) {
        if (*path == ' ' || *path == '\t' || *path == '\n' || *path == '\\')
            n += (size_t)snprintf(out + n, size - n, "\\%03o", (unsigned char)*path);
        else
            out[n++] = *path;
    }
    out[n] = '\0';
}

/* The mount's read_ahead_kb in sysfs. A stat of the mount would wait for INIT, so its
   device comes from the last mountinfo line (the mount on top) whose mount point is ours. */
static void wf_relay_find_readahead(wf_relay *relay)
{
    char escaped[PATH_MAX * 4 + 1], line[8192], device[32] = "";
    FILE *f = fopen("/proc/self/mountinfo", "r");
    wf_relay_mountinfo_escape(relay->point, escaped, sizeof escaped);
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char dev[32], mnt[8192];
        if (sscanf(line, "%*s %*s %31s %*s %8191s", dev, mnt) == 2 && strcmp(mnt, escaped) == 0)
            snprintf(device, sizeof device, "%s", dev);
    }
    if (f != NULL)
        fclose(f);
    if (device[0])
        snprintf(relay->read_ahead, sizeof relay->read_ahead,
            "/sys/class/bdi/%s/read_ahead_kb", device);
}

/* After INIT's reply: the kernel's INIT asks max_readahead as read_ahead_kb was at mount
   time (128 KiB), memfs's reply echoes it, and the kernel lowers read_ahead_kb to the
   reply's. `winfuse mount` answers 1 MiB instead; the relay changes no message, so it
   raises the value once INIT is through (open files take it at open). */
static void wf_relay_raise_readahead(wf_relay *relay)
{
    FILE *f = relay->read_ahead[0] ? fopen(relay->read_ahead, "w") : NULL;
    if (f == NULL || fprintf(f, "%u\n", WF_RELAY_READ_AHEAD_KB) < 0 || fclose(f) != 0)
        fprintf(stderr, "winfuse-fuse-relay: cannot raise %s: %s\n",
            relay->read_ahead[0] ? relay->read_ahead : "the mount's read_ahead_kb",
            strerror(errno));
}

/* The mount libfuse would make for the file system as root: nosuid, nodev, and
   default_permissions as memfs asks (a file system on /dev/fd/N mounts nothing itself). */
static bool wf_relay_mount(wf_relay *relay, const char *fs_name, const char *options)
{
    char data[1024];
    struct stat st;
    relay->dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (relay->dev < 0 || stat(relay->point, &st) != 0) {
        fprintf(stderr, "winfuse-fuse-relay: %s: %s\n", relay->dev < 0 ? "/dev/fuse" :
            relay->point, strerror(errno));
        return false;
    }
    snprintf(data, sizeof data, "fd=%d,rootmode=%o,user_id=%u,group_id=%u,"
        "default_permissions%s%s", relay->dev, (unsigned)(st.st_mode & S_IFMT), getuid(),
        getgid(), options ? "," : "", options ? options : "");
    if (mount(fs_name, relay->point, "fuse.relay", MS_NOSUID | MS_NODEV, data) != 0) {
        fprintf(stderr, "winfuse-fuse-relay: cannot mount %s: %s\n", relay->point,
            strerror(errno));
        return false;
    }
    wf_relay_find_readahead(relay);
    return true;
}

/* SIGTERM, SIGINT, SIGHUP: unmount; the kernel then ends /dev/fuse (ENODEV) and the relay
   ends as after `fusermount3 -u`. */
static const char *wf_relay_point;

static void wf_relay_on_signal(int sig)
{
    (void)sig;
    umount2(wf_relay_point, MNT_DETACH);
}

int main(int argc, char **argv)
{
    static wf_relay relay = { .dev = -1, .chan = -1 };
    char point[PATH_MAX], fs_name[128], error[512];
    const char *options = NULL;
    wf_launcher fs;
    int i = 1, status;
    bool ran, fs_went;

    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            options = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            wf_relay_usage(stdout);
            return 0;
        } else {
            wf_relay_usage(stderr);
            return 2;
        }
    }
    if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) {
        wf_relay_usage(stderr);
        return 2;
    }
    if (realpath(argv[i], point) == NULL) {
        fprintf(stderr, "winfuse-fuse-relay: %s: %s\n", argv[i], strerror(errno));
        return 2;
    }
    relay.point = wf_relay_point = point;
    snprintf(fs_name, sizeof fs_name, "relay:%s",
        strrchr(argv[i + 2], '/') ? strrchr(argv[i + 2], '/') + 1 : argv[i + 2]);
    signal(SIGPIPE, SIG_IGN);

    /* The file system's channel, made and handed over as winfuse makes and hands its own
       (buffers for 1 MiB messages), so that the two differ only in what is in the middle. */
    if (wf_launcher_start(&fs, &argv[i + 2], error, sizeof error) != 0) {
        fprintf(stderr, "winfuse-fuse-relay: %s\n", error);
        return 2;
    }
    if (fs.max_message < WF_LAUNCHER_WANT_MESSAGE)
        fprintf(stderr, "winfuse-fuse-relay: the channel carries %u-byte messages, fewer than "
            "a 1 MiB WRITE needs\n", fs.max_message);
    relay.chan = fs.fd;
    if (!wf_relay_mount(&relay, fs_name, options)) {
        wf_launcher_stop(&fs, 1000);
        return 2;
    }
    struct sigaction sa = { .sa_handler = wf_relay_on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    ran = wf_relay_poll(&relay);
    /* The file system went while the mount stood: unmount it (lazily: a caller may still
       be inside), so that nothing is left behind; our /dev/fuse closes at exit, which
       fails whatever is still waiting in the file system (ECONNABORTED). */
    fs_went = !relay.unmounted;
    if (fs_went)
        umount2(point, MNT_DETACH);
    wf_launcher_stop(&fs, 2000);
    status = fs.status_known ? fs.wait_status : 0;
    if (!ran) {
        fprintf(stderr, "winfuse-fuse-relay: no memory for the messages; unmounted %s\n", point);
        return 1;
    }
    if (fs_went) {
        char how[128];
        wf_launcher_describe_status(status, how, sizeof how);
        fprintf(stderr, "winfuse-fuse-relay: the file system went (%s); unmounted %s\n", how,
            point);
        return 1;
    }
    return 0;
}
