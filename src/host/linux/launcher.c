/* launcher.c — starts a FUSE file system process on one end of a SOCK_SEQPACKET socket pair. */
#define _GNU_SOURCE
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mount_guard.h"
#include "mount_ns.h"
#include "mountpoint_door.h"

/* af_unix refuses a datagram that does not leave this much of the sender's sndbuf free.
   Only the first guess depends on it: the probe below has the last word. */
#define WF_CHANNEL_SNDBUF_SLACK 32

/* How often a timed wait for the child looks again. */
#define WF_LAUNCHER_POLL_MS 5

static uint64_t wf_launcher_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static void wf_launcher_sleep_ms(uint32_t ms)
{
    struct timespec delay = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
    while (nanosleep(&delay, &delay) != 0 && errno == EINTR)
        ;
}

/* Sets one buffer option: the forcing variant passes net.core.[rw]mem_max but needs
   CAP_NET_ADMIN; without it the plain option gives what the system allows. */
static void wf_channel_set_buffer(int fd, int force_option, int option, int bytes)
{
    if (setsockopt(fd, SOL_SOCKET, force_option, &bytes, sizeof bytes) != 0)
        (void)setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
}

/* Sends size bytes from one end and receives them whole on the other, both ways. */
static int wf_channel_probe(const int fds[2], void *buffer, size_t size)
{
    for (int from = 0; from < 2; from++) {
        ssize_t sent = send(fds[from], buffer, size, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent < 0)
            return errno;
        ssize_t got = recv(fds[1 - from], buffer, size, MSG_DONTWAIT | MSG_TRUNC);
        if (got < 0)
            return errno;
        if ((size_t)got != size)
            return EMSGSIZE;
    }
    return 0;
}

/* Keeps fd away from 0, 1 and 2, which the child's stdio takes over. */
static int wf_channel_lift(int *fd)
{
    if (*fd > 2)
        return 0;
    int lifted = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
    if (lifted < 0)
        return errno;
    close(*fd);
    *fd = lifted;
    return 0;
}

int wf_channel_create(int fds[2], uint32_t *max_message)
{
    int pair[2] = { -1, -1 };
    char *probe = NULL;
    int err = 0;
    int sndbuf[2];
    socklen_t len = sizeof sndbuf[0];
    size_t good = 0, guess;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        err = errno;
        goto out;
    }
    for (int i = 0; i < 2 && !err; i++) {
        err = wf_channel_lift(&pair[i]);
        /* The kernel doubles the value for its bookkeeping, so the buffer also holds a
           second message in flight besides the largest one. */
        wf_channel_set_buffer(pair[i], SO_SNDBUFFORCE, SO_SNDBUF, (int)WF_LAUNCHER_WANT_MESSAGE);
        wf_channel_set_buffer(pair[i], SO_RCVBUFFORCE, SO_RCVBUF, (int)WF_LAUNCHER_WANT_MESSAGE);
        if (!err && getsockopt(pair[i], SOL_SOCKET, SO_SNDBUF, &sndbuf[i], &len) != 0)
            err = errno;
    }
    if (err)
        goto out;

    /* A SEQPACKET message must fit in its sender's sndbuf: the smaller end bounds both
       directions. Prove the guess by sending it; if the kernel refuses (it also caps a
       datagram's size by its own allocation limits), search for what passes. */
    guess = (size_t)(sndbuf[0] < sndbuf[1] ? sndbuf[0] : sndbuf[1]);
    guess = guess > WF_CHANNEL_SNDBUF_SLACK ? guess - WF_CHANNEL_SNDBUF_SLACK : 0;
    if (guess > UINT32_MAX)
        guess = UINT32_MAX;
    probe = calloc(1, guess ? guess : 1);
    if (!probe) {
        err = ENOMEM;
        goto out;
    }
    err = wf_channel_probe(pair, probe, guess);
    if (!err) {
        good = guess;
    } else {
        size_t bad = guess;
        while (good + 1 < bad) {
            size_t size = good + (bad - good) / 2;
            err = wf_channel_probe(pair, probe, size);
            if (!err)
                good = size;
            else if (err == EMSGSIZE || err == ENOBUFS || err == ENOMEM || err == EAGAIN)
                bad = size;
            else
                goto out;
        }
        err = 0;
    }
    *max_message = (uint32_t)good;
    fds[0] = pair[0];
    fds[1] = pair[1];
    pair[0] = pair[1] = -1;

out:
    free(probe);
    if (pair[1] >= 0)
        close(pair[1]);
    if (pair[0] >= 0)
        close(pair[0]);
    return err;
}

/* argv with every "{}" replaced by fd_path, or fd_path appended when there is none. */
static char **wf_launcher_build_argv(char *const argv[], char *fd_path)
{
    size_t count = 0;
    bool substituted = false;
    while (argv[count]) {
        if (strcmp(argv[count], "{}") == 0)
            substituted = true;
        count++;
    }
    char **out = calloc(count + 2, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < count; i++)
        out[i] = strcmp(argv[i], "{}") == 0 ? fd_path : argv[i];
    if (!substituted)
        out[count] = fd_path;
    return out;
}

/* What a child that could not exec reports through its status pipe. */
typedef struct wf_launcher_failure {
    int err;
    int step;                   /* WF_LAUNCHER_STEP_EXEC, or a wf_mount_ns_enter step */
} wf_launcher_failure;

#define WF_LAUNCHER_STEP_EXEC (-1)
#define WF_LAUNCHER_STEP_SETUP (-2)
#define WF_LAUNCHER_STEP_GUARD (-3)     /* the mount point door's mount guard */

/* Runs in the forked child: only async-signal-safe calls until exec. A failure goes back
   through error_fd, which exec closes on success. */
static void __attribute__((noreturn)) wf_launcher_child(char **argv, const wf_mount_ns *ns,
    const wf_mountpoint_door *door, int daemon_fd, int control_fd, int devnull, int error_fd)
{
    struct sigaction dfl;
    sigset_t none;
    wf_launcher_failure failure = { 0, WF_LAUNCHER_STEP_SETUP };

    /* The host may block signals in its threads or ignore SIGPIPE; the file system
       starts from the defaults. */
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);

    if (devnull == STDIN_FILENO) {
        if (fcntl(STDIN_FILENO, F_SETFD, 0) != 0)
            goto fail;
    } else if (dup2(devnull, STDIN_FILENO) < 0) {
        goto fail;
    }
    if (fcntl(daemon_fd, F_SETFD, 0) != 0)
        goto fail;
    /* Our own descriptors are close-on-exec already; this also covers any that other
       code in the process opened without the flag. Old kernels lack it: no harm. */
    if (daemon_fd > 3)
        close_range(3, (unsigned)daemon_fd - 1, CLOSE_RANGE_CLOEXEC);
    close_range((unsigned)daemon_fd + 1, ~0u, CLOSE_RANGE_CLOEXEC);
    if (control_fd >= 0 && fcntl(control_fd, F_SETFD, 0) != 0)
        goto fail;

    if (door) {
        /* The kernel mount is winfuse's to make: nothing here may mount, or unmount it.
           No guard, no door (the caller falls back to the namespace). */
        failure.step = WF_LAUNCHER_STEP_GUARD;
        failure.err = wf_mount_guard_install();
        if (failure.err)
            goto report;
        failure.step = WF_LAUNCHER_STEP_EXEC;
        execvpe(argv[0], argv, wf_mountpoint_door_environ(door));
    } else if (ns) {
        int step = 0;
        failure.err = wf_mount_ns_enter(ns, &step);
        if (failure.err) {
            failure.step = step;
            goto report;
        }
        failure.step = WF_LAUNCHER_STEP_EXEC;
        execvpe(argv[0], argv, wf_mount_ns_environ(ns));
    } else {
        /* /dev/fd/N as is: nothing can mount on a socket anyway, so the guard is a second
           line here, and a kernel without seccomp filters goes without it. */
        (void)wf_mount_guard_install();
        failure.step = WF_LAUNCHER_STEP_EXEC;
        execvp(argv[0], argv);
    }
fail:
    failure.err = errno;
report:
    while (write(error_fd, &failure, sizeof failure) < 0 && errno == EINTR)
        ;
    _exit(127);
}

int wf_launcher_start(wf_launcher *launcher, char *const argv[], char *error,
    size_t error_size)
{
    wf_launcher_options options;
    memset(&options, 0, sizeof options);
    options.argv = argv;
    return wf_launcher_start_with(launcher, &options, error, error_size);
}

/* Moves fd to a number at least WF_LAUNCHER_DAEMON_FD_MIN, close-on-exec. */
static int wf_launcher_raise(int *fd)
{
    if (*fd >= WF_LAUNCHER_DAEMON_FD_MIN)
        return 0;
    int raised = fcntl(*fd, F_DUPFD_CLOEXEC, WF_LAUNCHER_DAEMON_FD_MIN);
    if (raised < 0)
        return errno;
    close(*fd);
    *fd = raised;
    return 0;
}

/* The one-line reason a child gave for not running. */
static void wf_launcher_describe_failure(const wf_launcher_failure *failure, ssize_t got,
    const wf_mount_ns *ns, const char *command, char *error, size_t error_size)
{
    char step[512];
    int err = got == (ssize_t)sizeof *failure ? failure->err : EIO;

    if (got == (ssize_t)sizeof *failure && failure->step >= 0 && ns) {
        snprintf(error, error_size, "cannot make the private mount namespace for %s: %s: %s",
            command, wf_mount_ns_step_name(ns, failure->step, step, sizeof step),
            strerror(err));
        return;
    }
    snprintf(error, error_size, "cannot run %s: %s", command, strerror(err));
}

int wf_launcher_start_with(wf_launcher *launcher, const wf_launcher_options *options,
    char *error, size_t error_size)
{
    char *const *argv = options->argv;
    int fds[2] = { -1, -1 };
    int status_pipe[2] = { -1, -1 };
    int devnull = -1;
    char **child_argv = NULL;
    char *mount_point = NULL;
    wf_mount_ns *ns = NULL;
    wf_mountpoint_door *door = NULL;
    int control[2] = { -1, -1 };
    uint32_t max_message = 0;
    int result = -1;
    int err;
    wf_launcher_failure failure;
    ssize_t got;
    pid_t pid;

    memset(launcher, 0, sizeof *launcher);
    launcher->fd = -1;
    launcher->pid = -1;
    launcher->control_fd = -1;
    if (!argv || !argv[0] || !argv[0][0]) {
        snprintf(error, error_size, "no file system command given");
        goto out;
    }
    err = wf_channel_create(fds, &max_message);
    if (!err)
        err = wf_launcher_raise(&fds[1]);
    if (err) {
        snprintf(error, error_size, "cannot create the channel: %s", strerror(err));
        goto out;
    }
    if (options->kernel_mount_point) {
        err = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control) == 0 ? 0 : errno;
        for (int i = 0; i < 2 && !err; i++)
            err = wf_channel_lift(&control[i]);
        if (!err)
            err = wf_launcher_raise(&control[1]);
        if (err) {
            snprintf(error, error_size, "cannot create the mount request socket: %s",
                strerror(err));
            goto out;
        }
        door = wf_mountpoint_door_create(options->helper, fds[1], control[1], error,
            error_size);
        if (!door) {
            launcher->namespace_failed = true;
            goto out;
        }
        mount_point = strdup(options->kernel_mount_point);
    } else if (options->mount_namespace) {
        ns = wf_mount_ns_create(options->helper, fds[1], error, error_size);
        if (!ns) {
            launcher->namespace_failed = true;
            goto out;
        }
    }
    if (door)
        ;       /* mount_point is set */
    else if (ns && options->directory)
        mount_point = strdup(wf_mount_ns_mount_point(ns));
    else if (asprintf(&mount_point, "/dev/fd/%d", fds[1]) < 0)
        mount_point = NULL;
    child_argv = mount_point ? wf_launcher_build_argv(argv, mount_point) : NULL;
    if (!child_argv) {
        snprintf(error, error_size, "cannot run %s: %s", argv[0], strerror(ENOMEM));
        goto out;
    }
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || pipe2(status_pipe, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "cannot run %s: %s", argv[0], strerror(errno));
        goto out;
    }

    pid = fork();
    if (pid == 0)
        wf_launcher_child(child_argv, ns, door, fds[1], control[1], devnull, status_pipe[1]);
    if (pid < 0) {
        snprintf(error, error_size, "cannot run %s: %s", argv[0], strerror(errno));
        goto out;
    }
    /* Also from this side, so the group exists whichever of us runs first. */
    (void)setpgid(pid, pid);
    /* Our copy of the daemon's end goes now: its death must read as end of file here. */
    close(fds[1]);
    fds[1] = -1;
    if (control[1] >= 0) {
        close(control[1]);
        control[1] = -1;
    }
    close(status_pipe[1]);
    status_pipe[1] = -1;

    while ((got = read(status_pipe[0], &failure, sizeof failure)) < 0 && errno == EINTR)
        ;
    if (got > 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        wf_launcher_describe_failure(&failure, got, ns, argv[0], error, error_size);
        launcher->namespace_failed = got == (ssize_t)sizeof failure && failure.step >= 0;
        if (got == (ssize_t)sizeof failure && failure.step == WF_LAUNCHER_STEP_GUARD) {
            snprintf(error, error_size, "cannot install the mount guard for %s: %s",
                argv[0], strerror(failure.err));
            launcher->namespace_failed = true;
        }
        goto out;
    }

    if (ns) {
        /* It has exec'd: its mount namespace is the private one now. */
        char link[64];
        struct stat own, child;
        snprintf(link, sizeof link, "/proc/%d/ns/mnt", (int)pid);
        if (stat(link, &child) == 0 && stat("/proc/self/ns/mnt", &own) == 0 &&
            (child.st_ino != own.st_ino || child.st_dev != own.st_dev)) {
            launcher->ns_dev = (uint64_t)child.st_dev;
            launcher->ns_ino = (uint64_t)child.st_ino;
        }
    }
    launcher->fd = fds[0];
    fds[0] = -1;
    launcher->pid = pid;
    launcher->max_message = max_message;
    launcher->mount_point = mount_point;
    mount_point = NULL;
    launcher->ns = ns;
    ns = NULL;
    launcher->door = door;
    door = NULL;
    launcher->control_fd = control[0];
    control[0] = -1;
    result = 0;

out:
    if (status_pipe[1] >= 0)
        close(status_pipe[1]);
    if (status_pipe[0] >= 0)
        close(status_pipe[0]);
    if (devnull >= 0)
        close(devnull);
    free(child_argv);
    free(mount_point);
    wf_mount_ns_destroy(ns);
    wf_mountpoint_door_destroy(door);
    for (int i = 0; i < 2; i++)
        if (control[i] >= 0)
            close(control[i]);
    if (fds[1] >= 0)
        close(fds[1]);
    if (fds[0] >= 0)
        close(fds[0]);
    return result;
}

bool wf_launcher_reap(wf_launcher *launcher, uint32_t timeout_ms)
{
    uint64_t deadline = wf_launcher_now_ms() + timeout_ms;

    if (launcher->pid <= 0)
        return true;
    while (!launcher->reaped) {
        int status;
        pid_t got = waitpid(launcher->pid, &status, WNOHANG);
        if (got == launcher->pid) {
            launcher->reaped = true;
            launcher->status_known = true;
            launcher->wait_status = status;
        } else if (got < 0 && errno != EINTR) {
            /* ECHILD: the process ignores SIGCHLD and the kernel reaped it. */
            launcher->reaped = true;
        } else if (got == 0) {
            uint64_t now = wf_launcher_now_ms();
            if (now >= deadline)
                break;
            uint64_t left = deadline - now;
            wf_launcher_sleep_ms(left < WF_LAUNCHER_POLL_MS ? (uint32_t)left : WF_LAUNCHER_POLL_MS);
        }
    }
    return launcher->reaped;
}

void wf_launcher_close_control(wf_launcher *launcher)
{
    if (launcher->control_fd >= 0) {
        close(launcher->control_fd);
        launcher->control_fd = -1;
    }
}

void wf_launcher_close_channel(wf_launcher *launcher)
{
    if (launcher->fd >= 0) {
        close(launcher->fd);
        launcher->fd = -1;
    }
}

/* What start kept besides the channel and the process. */
static void wf_launcher_release(wf_launcher *launcher)
{
    wf_mount_ns_destroy(launcher->ns);
    launcher->ns = NULL;
    wf_mountpoint_door_destroy(launcher->door);
    launcher->door = NULL;
    wf_launcher_close_control(launcher);
    free(launcher->mount_point);
    launcher->mount_point = NULL;
}

void wf_launcher_stop(wf_launcher *launcher, uint32_t grace_ms)
{
    wf_launcher_close_channel(launcher);
    if (!wf_launcher_reap(launcher, grace_ms)) {
        launcher->signalled = true;
        kill(launcher->pid, SIGTERM);
        if (!wf_launcher_reap(launcher, grace_ms)) {
            kill(launcher->pid, SIGKILL);
            /* Bounded even now: a process stuck in the kernel stays a zombie rather than
               hang us. */
            (void)wf_launcher_reap(launcher, 5000);
        }
    }
    wf_launcher_release(launcher);
}

/* Signals every process of the file system: its process group, and what runs in its
   private mount namespace. Returns how many processes were found. */
static unsigned wf_launcher_signal_all(wf_launcher *launcher, int sig)
{
    unsigned found = 0;
    if (sig != 0)
        launcher->signalled = true;     /* its end by this signal is no crash */
    if (launcher->pid > 0 && kill(-launcher->pid, sig) == 0)
        found++;
    if (launcher->ns_ino == 0)
        return found;
    DIR *proc = opendir("/proc");
    if (!proc)
        return found;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char link[300];
        struct stat st;
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (pid <= 1 || *end != '\0' || pid == (long)getpid())
            continue;
        snprintf(link, sizeof link, "/proc/%ld/ns/mnt", pid);
        if (stat(link, &st) != 0 || (uint64_t)st.st_ino != launcher->ns_ino ||
            (uint64_t)st.st_dev != launcher->ns_dev)
            continue;
        if (kill((pid_t)pid, sig) == 0)
            found++;
    }
    closedir(proc);
    return found;
}

/* Waits up to timeout_ms until no process of the file system is left (the direct child
   reaped as it goes). */
static bool wf_launcher_wait_gone(wf_launcher *launcher, uint32_t timeout_ms)
{
    uint64_t deadline = wf_launcher_now_ms() + timeout_ms;
    for (;;) {
        (void)wf_launcher_reap(launcher, 0);
        if (wf_launcher_signal_all(launcher, 0) == 0)
            return true;
        if (wf_launcher_now_ms() >= deadline)
            return false;
        wf_launcher_sleep_ms(WF_LAUNCHER_POLL_MS * 4);
    }
}

void wf_launcher_terminate(wf_launcher *launcher, uint32_t grace_ms)
{
    if (launcher->fd >= 0)
        shutdown(launcher->fd, SHUT_RDWR);
    if (wf_launcher_wait_gone(launcher, grace_ms))
        return;
    wf_launcher_signal_all(launcher, SIGTERM);
    if (wf_launcher_wait_gone(launcher, grace_ms))
        return;
    wf_launcher_signal_all(launcher, SIGKILL);
    (void)wf_launcher_wait_gone(launcher, 5000);
}

void wf_launcher_describe_status(int wait_status, char *buffer, size_t size)
{
    if (WIFEXITED(wait_status))
        snprintf(buffer, size, "exited with status %d", WEXITSTATUS(wait_status));
    else if (WIFSIGNALED(wait_status))
        snprintf(buffer, size, "was killed by signal %d (%s)", WTERMSIG(wait_status),
            strsignal(WTERMSIG(wait_status)));
    else
        snprintf(buffer, size, "stopped with wait status 0x%x", (unsigned)wait_status);
}
