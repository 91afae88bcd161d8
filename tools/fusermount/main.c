/* main.c — winfuse-fusermount: a fusermount3/fusermount stand-in that hands a FUSE file system WinFuse's channel instead of mounting. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef WF_VERSION
#define WF_VERSION "unknown"
#endif

#define WF_PROG "winfuse-fusermount"

/* Where a FUSE library puts its end of the socket it expects the device fd on. */
#define WF_ENV_COMMFD "_FUSE_COMMFD"
/* Set by WinFuse for its file system process only: the number of the inherited channel. */
#define WF_ENV_DEVFUSE_FD "WINFUSE_DEVFUSE_FD"
/* Set by `winfuse mount` when the file system is given the kernel mount point itself: the
   number of the socket on which this helper asks for that mount before handing over. */
#define WF_ENV_MOUNT_FD "WINFUSE_MOUNT_FD"
/* The most of the parent's environment read. */
#define WF_PARENT_ENVIRON_MAX (256 * 1024)

typedef struct wf_fusermount_args {
    bool unmount;               /* -u: nothing of ours is mounted; succeed */
    bool lazy, quiet;           /* -z, -q: accepted for unmount */
    bool auto_unmount_only;     /* --auto-unmount: libfuse mounted itself, wants a watcher */
    bool auto_unmount_option;   /* -o auto_unmount: stay until the file system exits */
    const char *comm_fd;        /* --comm-fd N, else $_FUSE_COMMFD */
    const char *mount_point;
} wf_fusermount_args;

static void wf_usage(FILE *out)
{
    fprintf(out,
        "usage: %s [-o OPTIONS] [--] MOUNTPOINT       (with _FUSE_COMMFD set)\n"
        "       %s -u [-q] [-z] [--] MOUNTPOINT\n"
        "       %s -h | -V\n"
        "\n"
        "WinFuse's stand-in for fusermount3 and fusermount. A FUSE file system that WinFuse\n"
        "runs gets WinFuse's channel (the socket WINFUSE_DEVFUSE_FD names) through the\n"
        "_FUSE_COMMFD protocol in place of /dev/fuse. It never mounts anything: unmounting\n"
        "succeeds at once, and without a WinFuse channel it fails.\n",
        WF_PROG, WF_PROG, WF_PROG);
}

/* True when the comma-separated option list has opt as a whole option. libfuse escapes a
   comma inside a value with a backslash; such a comma does not end an option. */
static bool wf_has_option(const char *list, const char *opt)
{
    size_t want = strlen(opt);
    const char *p = list;
    while (*p) {
        const char *start = p;
        while (*p && *p != ',') {
            if (*p == '\\' && p[1])
                p++;
            p++;
        }
        if ((size_t)(p - start) == want && memcmp(start, opt, want) == 0)
            return true;
        if (*p == ',')
            p++;
    }
    return false;
}

/* Parses a descriptor number; -1 when text is not one. */
static int wf_parse_fd(const char *text)
{
    char *end;
    long value;
    if (!text || !*text)
        return -1;
    errno = 0;
    value = strtol(text, &end, 10);
    if (errno || *end || value < 0 || value > INT_MAX)
        return -1;
    return (int)value;
}

/* Returns 0 and fills args, 1 after -h/-V were answered, or -1 after a usage error. */
static int wf_parse_args(int argc, char **argv, wf_fusermount_args *args)
{
    static const struct option long_opts[] = {
        { "unmount", no_argument, NULL, 'u' },
        { "lazy", no_argument, NULL, 'z' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "options", required_argument, NULL, 'o' },
        /* What libfuse 3.16 and later pass; they have no short forms. */
        { "auto-unmount", no_argument, NULL, 'U' },
        { "comm-fd", required_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    memset(args, 0, sizeof *args);
    opterr = 0;
    /* -o may come several times (bazil/fuse passes one option per -o). */
    while ((ch = getopt_long(argc, argv, ":hVo:uzq", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            wf_usage(stdout);
            return 1;
        case 'V':
            printf("%s version: WinFuse %s (hands over WinFuse's channel; never mounts)\n",
                WF_PROG, WF_VERSION);
            return 1;
        case 'o':
            if (wf_has_option(optarg, "auto_unmount"))
                args->auto_unmount_option = true;
            break;
        case 'u':
            args->unmount = true;
            break;
        case 'z':
            args->lazy = true;
            break;
        case 'q':
            args->quiet = true;
            break;
        case 'U':
            args->auto_unmount_only = true;
            break;
        case 'c':
            args->comm_fd = optarg;
            break;
        case ':':
            fprintf(stderr, "%s: option '%s' needs a value\n", WF_PROG, argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "%s: unknown option '%s'\n", WF_PROG, argv[optind - 1]);
            return -1;
        }
    }
    if (args->lazy && !args->unmount) {
        fprintf(stderr, "%s: -z can only be used with -u\n", WF_PROG);
        return -1;
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: missing mountpoint argument\n", WF_PROG);
        return -1;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "%s: extra arguments after the mountpoint\n", WF_PROG);
        return -1;
    }
    args->mount_point = argv[optind];
    return 0;
}

/* The socket the FUSE library waits on, from --comm-fd or _FUSE_COMMFD; -1 after saying why not. */
static int wf_comm_fd(const wf_fusermount_args *args)
{
    const char *text = args->comm_fd ? args->comm_fd : getenv(WF_ENV_COMMFD);
    struct stat st;
    int fd;

    if (!text) {
        fprintf(stderr, "%s: %s is not set: only a FUSE library calls this helper to mount\n",
            WF_PROG, WF_ENV_COMMFD);
        return -1;
    }
    fd = wf_parse_fd(text);
    if (fd < 0) {
        fprintf(stderr, "%s: invalid %s: %s\n", WF_PROG, WF_ENV_COMMFD, text);
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "%s: file descriptor %d (%s) is not a socket\n", WF_PROG, fd,
            WF_ENV_COMMFD);
        return -1;
    }
    return fd;
}

/* The value of name in the environment of the process that ran us, when it is fd, a
   descriptor we inherited from it: go-fuse runs the helper with _FUSE_COMMFD as its whole
   environment, but the descriptors it did not open itself still pass (Go keeps them).
   Only a number that names the same open socket in both processes counts. NULL if none. */
static const char *wf_parent_env(const char *name, char *value, size_t size)
{
    static char buffer[WF_PARENT_ENVIRON_MAX + 1];
    char path[64], link[96];
    size_t used = 0, want = strlen(name);
    struct stat ours, theirs;
    pid_t parent = getppid();
    int fd;

    snprintf(path, sizeof path, "/proc/%d/environ", (int)parent);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    for (;;) {
        ssize_t got = read(fd, buffer + used, WF_PARENT_ENVIRON_MAX - used);
        if (got <= 0)
            break;
        used += (size_t)got;
    }
    close(fd);
    buffer[used] = '\0';
    for (size_t at = 0; at < used; at += strlen(buffer + at) + 1) {
        const char *entry = buffer + at;
        if (strncmp(entry, name, want) != 0 || entry[want] != '=')
            continue;
        int number = wf_parse_fd(entry + want + 1);
        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)parent, number);
        if (number < 0 || fstat(number, &ours) != 0 || stat(link, &theirs) != 0 ||
            ours.st_dev != theirs.st_dev || ours.st_ino != theirs.st_ino)
            return NULL;
        snprintf(value, size, "%d", number);
        return value;
    }
    return NULL;
}

/* A WinFuse variable: ours, else our parent's when it names a descriptor we share, and
   only in the mount point door (the parent has WINFUSE_MOUNT_FD too). In a private
   directory nobody serves, a go-fuse file system that got the channel would fail after
   INIT (it opens a file in its mount point), where WinFuse does not try /dev/fd/N again;
   without the channel it fails before INIT, where it does (docs/channel.md). */
static const char *wf_winfuse_env(const char *name, char *value, size_t size)
{
    char door[16];
    const char *text = getenv(name);
    if (text)
        return text;
    if (!wf_parent_env(WF_ENV_MOUNT_FD, door, sizeof door))
        return NULL;
    return wf_parent_env(name, value, size);
}

/* WinFuse's channel: an AF_UNIX SOCK_SEQPACKET socket inherited under the number
   WINFUSE_DEVFUSE_FD names. -1 after saying why there is none. */
static int wf_winfuse_channel(void)
{
    char inherited[16];
    const char *text = wf_winfuse_env(WF_ENV_DEVFUSE_FD, inherited, sizeof inherited);
    int fd, type = 0, domain = 0;
    socklen_t len = sizeof type;

    if (!text) {
        fprintf(stderr, "%s: no WinFuse channel (%s is not set), here or in the program "
            "that ran this helper: this helper serves only file systems that WinFuse runs, "
            "and never mounts through the kernel\n", WF_PROG, WF_ENV_DEVFUSE_FD);
        return -1;
    }
    fd = wf_parse_fd(text);
    if (fd < 0) {
        fprintf(stderr, "%s: invalid %s: %s\n", WF_PROG, WF_ENV_DEVFUSE_FD, text);
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
        fprintf(stderr, "%s: %s=%d is not an open socket (%s): was the channel closed "
            "before this helper ran?\n", WF_PROG, WF_ENV_DEVFUSE_FD, fd, strerror(errno));
        return -1;
    }
    len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_UNIX ||
        type != SOCK_SEQPACKET) {
        fprintf(stderr, "%s: %s=%d is not WinFuse's channel (an AF_UNIX SOCK_SEQPACKET "
            "socket)\n", WF_PROG, WF_ENV_DEVFUSE_FD, fd);
        return -1;
    }
    return fd;
}

/* With `winfuse mount` giving the file system its own mount point: asks winfuse to make the
   kernel mount there now, before the file system takes the channel (go-fuse opens a file in
   its mount point right after INIT, so the mount must be there by then). The request is
   the mount point's real path; the answer an errno, 0 when mounted. 0 when there is no
   such socket (any other door: nothing to ask), -1 after saying why not. */
static int wf_request_kernel_mount(const char *mount_point)
{
    char inherited[16], resolved[PATH_MAX];
    const char *text = wf_winfuse_env(WF_ENV_MOUNT_FD, inherited, sizeof inherited);
    int fd, answer = EIO;
    ssize_t got;

    if (!text)
        return 0;
    fd = wf_parse_fd(text);
    if (fd < 0) {
        fprintf(stderr, "%s: invalid %s: %s\n", WF_PROG, WF_ENV_MOUNT_FD, text);
        return -1;
    }
    if (!realpath(mount_point, resolved)) {
        fprintf(stderr, "%s: mount point %s: %s\n", WF_PROG, mount_point, strerror(errno));
        return -1;
    }
    while ((got = send(fd, resolved, strlen(resolved), MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    if (got >= 0)
        while ((got = recv(fd, &answer, sizeof answer, 0)) < 0 && errno == EINTR)
            ;
    if (got != (ssize_t)sizeof answer) {
        fprintf(stderr, "%s: winfuse mount did not answer the request to mount %s\n", WF_PROG,
            resolved);
        return -1;
    }
    if (answer != 0) {
        fprintf(stderr, "%s: winfuse mount cannot mount %s: %s\n", WF_PROG, resolved,
            answer == EXDEV ? "it serves another mount point" : strerror(answer));
        return -1;
    }
    return 0;
}

/* Sends fd with one data byte, as fusermount does: SCM_RIGHTS needs at least one byte. */
static int wf_send_fd(int comm_fd, int fd)
{
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr align;
        char buffer[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg;
    struct cmsghdr *cmsg;
    ssize_t sent;

    memset(&control, 0, sizeof control);
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buffer;
    msg.msg_controllen = sizeof control.buffer;
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);

    while ((sent = sendmsg(comm_fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    if (sent != 1) {
        fprintf(stderr, "%s: cannot send the channel: %s\n", WF_PROG,
            sent < 0 ? strerror(errno) : "short write");
        return -1;
    }
    return 0;
}

/* What the real helper does for auto_unmount: stay until the file system's end of the
   socket closes (it exited). Holding nothing else, so nobody waits on us. */
static void wf_wait_for_exit(int comm_fd)
{
    char buffer[16];
    ssize_t got;

    if (comm_fd > 3)
        close_range(3, (unsigned)comm_fd - 1, 0);
    close_range(comm_fd < 3 ? 3u : (unsigned)comm_fd + 1, ~0u, 0);
    for (;;) {
        got = recv(comm_fd, buffer, sizeof buffer, 0);
        if (got == 0 || (got < 0 && errno != EINTR))
            break;
    }
}

int main(int argc, char **argv)
{
    wf_fusermount_args args;
    int comm_fd, channel;
    int parsed = wf_parse_args(argc, argv, &args);

    if (parsed != 0)
        return parsed > 0 ? 0 : 1;

    /* libfuse mounted by itself and asks only for a watcher: nothing to hand over, and
       nothing to unmount when the file system goes. */
    if (args.auto_unmount_only) {
        comm_fd = wf_comm_fd(&args);
        if (comm_fd < 0)
            return 1;
        wf_wait_for_exit(comm_fd);
        return 0;
    }
    /* Nothing was mounted: the channel ends when the file system closes it. bazil/fuse
       takes any output as failure, so say nothing, -q or not. */
    if (args.unmount)
        return 0;

    channel = wf_winfuse_channel();
    if (channel < 0)
        return 1;
    comm_fd = wf_comm_fd(&args);
    if (comm_fd < 0)
        return 1;
    if (wf_request_kernel_mount(args.mount_point) != 0)
        return 1;
    if (wf_send_fd(comm_fd, channel) != 0)
        return 1;
    /* Our copy must not keep the channel open once the file system has it. */
    close(channel);
    if (args.auto_unmount_option)
        wf_wait_for_exit(comm_fd);
    return 0;
}
