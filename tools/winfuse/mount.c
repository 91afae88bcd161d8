/* mount.c — `winfuse mount`: a file system on WinFuse, mounted in the Linux kernel with
   libfuse, every POSIX request served by NT calls through the FSD stand-in (lx_*.c). */
#define _GNU_SOURCE
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_options.h"
#include "lx.h"
#include "volume.h"
#include "winfuse/fuse_abi.h"

/* How often the watcher looks whether the file system has gone. */
#define WF_MOUNT_WATCH_MS 20u
#define WF_MOUNT_MAX_ARGS 64
/* libfuse's workers: each one waits in an NT call while its request is out. */
#define WF_MOUNT_MAX_THREADS 16u

static void wf_mount_usage(FILE *out)
{
    fputs("usage: winfuse mount [-f] [--debug] [--case-insensitive] [--as UID:GID[:GROUP,...]]\n"
        "                     [-o OPTIONS] [--timeout SECONDS] MOUNTPOINT\n"
        "                     [-- FS-COMMAND [ARGS...]]\n"
        "Mounts FS-COMMAND (default: memfs) at MOUNTPOINT in the Linux kernel; every\n"
        "request goes through WinFuse's NT translation (docs/mount.md). -f stays in the\n"
        "foreground; otherwise winfuse returns once the mount is in place. -o takes\n"
        "WinFuse's uid=,gid=,umask=,uidmap=,dosattrib= (off unless =on),spin=, sync_read\n"
        "(READs only on the reader's thread, so that a signal interrupts them) and kernel\n"
        "mount options (allow_other, ro, ...). End it with `fusermount3 -u MOUNTPOINT`,\n"
        "umount, SIGTERM or SIGINT.\n", out);
}

/* Whether path is the mount point of something (/proc/self/mountinfo's fifth field);
   device (when not NULL, 32 bytes) gets its MAJOR:MINOR (the third). */
static bool wf_mount_is_mount_point(const char *path, char *device)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[8192];
    bool found = false;
    if (f == NULL)
        return false;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        char *field = line;
        if (device != NULL) {
            char *after = strchr(line, ' ');
            after = after ? strchr(after + 1, ' ') : NULL;
            if (after == NULL || sscanf(after + 1, "%31s", device) != 1)
                device[0] = '\0';
        }
        for (int i = 0; i < 4 && field != NULL; i++) {
            field = strchr(field, ' ');
            if (field != NULL)
                field++;
        }
        if (field == NULL)
            continue;
        char *end = strchr(field, ' ');
        if (end != NULL)
            *end = '\0';
        /* mountinfo escapes space, tab, newline and backslash as octal. */
        char decoded[PATH_MAX];
        size_t n = 0;
        for (char *p = field; *p && n + 1 < sizeof decoded; p++) {
            if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] && p[3]) {
                decoded[n++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                p += 3;
            } else {
                decoded[n++] = *p;
            }
        }
        decoded[n] = '\0';
        found = strcmp(decoded, path) == 0;
    }
    fclose(f);
    return found;
}

/* The kernel takes the readahead INIT asks for (max_readahead) only up to its device's
   read_ahead_kb, 128 KiB by default: raised to what INIT asks, so that a file read
   sequentially comes as 1 MiB READs, each crossing the NT translation once (docs/mount.md,
   "Speed"). Only root may; for others the handles' own read-ahead (lx_read.c) serves. */
static void wf_mount_raise_readahead(const char *mountpoint)
{
    char device[32], path[96];
    FILE *f;
    if (!wf_mount_is_mount_point(mountpoint, device) || device[0] == '\0')
        return;
    snprintf(path, sizeof path, "/sys/class/bdi/%s/read_ahead_kb", device);
    f = fopen(path, "w");
    if (f == NULL)
        return;
    fprintf(f, "%u\n", WF_LX_MAX_READAHEAD / 1024u);
    fclose(f);
}

/* The mount point must be a directory that nothing is mounted on: a clear message
   otherwise, before any file system is started. */
static bool wf_mount_check_point(const char *mountpoint, char *resolved)
{
    struct stat st;
    if (realpath(mountpoint, resolved) == NULL || stat(resolved, &st) != 0) {
        fprintf(stderr, "winfuse mount: mount point %s: %s\n", mountpoint, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "winfuse mount: mount point %s: %s\n", mountpoint, strerror(ENOTDIR));
        return false;
    }
    if (wf_mount_is_mount_point(resolved, NULL)) {
        fprintf(stderr, "winfuse mount: mount point %s is busy: something is mounted on it "
            "already\n", mountpoint);
        return false;
    }
    return true;
}

/* The session the ending signals end. Set once, before they are unblocked. */
static struct fuse_session *wf_mount_session;

/* SIGTERM, SIGINT, SIGHUP: leave the session loop, then unmount in order. Installed even
   where the signal was inherited as ignored (a background job's SIGINT), as `winfuse shell`
   does: an ended mount must never stay behind. fuse_session_exit only sets a flag. */
static void wf_mount_on_signal(int sig)
{
    (void)sig;
    if (wf_mount_session != NULL)
        fuse_session_exit(wf_mount_session);
}

static void wf_mount_set_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = wf_mount_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* The kernel mount, made when the file system's helper asks for it (it was given the mount
   point itself), or else once the volume is up. */
typedef struct wf_mount_kernel {
    struct fuse_session *se;
    const char *point;          /* the real path */
    bool mounted;
    bool failed;                /* a mount was refused (libfuse said why) */
} wf_mount_kernel;

/* The volume's kernel_mount: the kernel holds every request on the mount, the file
   system's own included, until the session loop answers its INIT, once the volume is up. */
static int wf_mount_kernel_mount(void *context)
{
    wf_mount_kernel *k = context;
    if (k->mounted)
        return 0;
    if (fuse_session_mount(k->se, k->point) != 0) {
        k->failed = true;
        return EPERM;   /* libfuse (or fusermount3) said why on stderr */
    }
    k->mounted = true;
    /* Before INIT is answered: INIT's max_readahead is then taken whole. */
    wf_mount_raise_readahead(k->point);
    return 0;
}

static void wf_mount_kernel_unmount(void *context)
{
    wf_mount_kernel *k = context;
    if (k->mounted)
        fuse_session_unmount(k->se);
    k->mounted = false;
}

typedef struct wf_mount_watch {
    wf_volume *volume;
    struct fuse_session *se;
    pthread_t main_thread;
    volatile bool stop;
    volatile bool disconnected;
} wf_mount_watch;

/* Ends the session when the file system goes away: requests fail at once with ENOTCONN
   (the engine answers STATUS_CONNECTION_DISCONNECTED), and the mount goes. */
static void *wf_mount_watcher(void *arg)
{
    wf_mount_watch *w = arg;
    struct timespec pause = { 0, WF_MOUNT_WATCH_MS * 1000000L };
    while (!w->stop) {
        if (wf_volume_disconnected(w->volume)) {
            w->disconnected = true;
            fuse_session_exit(w->se);
            /* The main thread waits in fuse_session_loop_mt; the signal wakes it. */
            pthread_kill(w->main_thread, SIGTERM);
            break;
        }
        nanosleep(&pause, NULL);
    }
    return NULL;
}

/* Daemon mode: the parent waits for the child's word that the mount is in place (0) or
   failed (its exit status), and exits with it. Returns the write end in the child. */
static int wf_mount_daemonize(void)
{
    int fds[2];
    pid_t pid;
    if (pipe(fds) != 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        unsigned char status = 2;
        close(fds[1]);
        if (read(fds[0], &status, 1) != 1)
            status = 2;
        _exit(status);
    }
    close(fds[0]);
    setsid();
    return fds[1];
}

static void wf_mount_report(int *report_fd, unsigned char status)
{
    if (*report_fd < 0)
        return;
    if (write(*report_fd, &status, 1) != 1) {
        /* The parent is gone: nobody to tell. */
    }
    close(*report_fd);
    *report_fd = -1;
}

/* In the daemon, once mounted: no terminal to write to any more. */
static void wf_mount_detach_stdio(void)
{
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return;
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        close(fd);
}

/* Whether the file system behind takes several READs of a file at once (its INIT accepted
   FUSE_ASYNC_READ, libfuse's default): the kernel may then send the mount's READs as a
   direct mount of it would (docs/mount.md, "Signals"). */
static bool wf_mount_fs_reads_async(wf_volume *volume)
{
    wf_engine_info info;
    wf_engine_get_info(wf_volume_engine(volume), &info);
    return (info.flags & FUSE_ASYNC_READ) != 0;
}

/* -o's options: WinFuse's own go to the volume, the rest to the kernel mount. */
static bool wf_mount_split_options(const char *text, wf_id_map *map,
    wf_volume_options *options, bool *has_map, bool *sync_read, char *kernel,
    size_t kernel_size)
{
    static const char *const own[] = { "uid=", "gid=", "umask=", "uidmap=", "dosattrib=",
        "streams=", "spin=" };
    char *copy = strdup(text), *save = NULL;
    bool ok = true;
    if (copy == NULL)
        return false;
    for (char *opt = strtok_r(copy, ",", &save); ok && opt != NULL;
         opt = strtok_r(NULL, ",", &save)) {
        bool is_own = false;
        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
            is_own = is_own || strncmp(opt, own[i], strlen(own[i])) == 0;
        if (strcmp(opt, "sync_read") == 0) {
            *sync_read = true;
        } else if (is_own) {
            ok = wf_cli_parse_map_options("mount", opt, map, &options->no_dosattrib,
                &options->no_streams, &options->no_spin, &options->spin_us);
            *has_map = true;
        } else {
            size_t used = strlen(kernel);
            if ((size_t)snprintf(kernel + used, kernel_size - used, "%s%s", used ? "," : "",
                    opt) >= kernel_size - used) {
                fprintf(stderr, "winfuse mount: -o options too long\n");
                ok = false;
            }
        }
    }
    free(copy);
    return ok;
}

int wf_mount_main(int argc, char **argv)
{
    wf_volume_options options;
    wf_lx lx;
    wf_identity identity;
    wf_id_map id_map;
    char memfs[PATH_MAX], mountpoint[PATH_MAX], error[512], kernel_options[1024] = "";
    char fsname[PATH_MAX + 16];
    char *default_argv[3];
    const char *point = NULL;
    bool foreground = false, debug_fuse = false, has_map = false, sync_read = false;
    int i, status = 0, report_fd = -1;
    double timeout = 1.0;

    memset(&options, 0, sizeof options);
    memset(&lx, 0, sizeof lx);
    memset(&id_map, 0, sizeof id_map);
    /* No program behind the mount sees DOS attributes (stat has no place for them), so
       none are kept unless asked (-o dosattrib=on): storing them costs a SETXATTR and a
       GETATTR per create and a GETXATTR per lookup (docs/mount.md, "Speed"). */
    options.no_dosattrib = true;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--foreground") == 0) {
            foreground = true;
        } else if (strcmp(argv[i], "--debug") == 0) {
            options.debug = true;
        } else if (strcmp(argv[i], "-d") == 0) {
            debug_fuse = foreground = true;
        } else if (strcmp(argv[i], "--case-insensitive") == 0) {
            options.case_insensitive = true;
        } else if (strcmp(argv[i], "--as") == 0 || strncmp(argv[i], "--as=", 5) == 0) {
            const char *value = argv[i][4] == '=' ? argv[i] + 5 :
                i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_identity(value, &identity)) {
                fprintf(stderr, "winfuse mount: --as needs UID:GID[:GROUP,...]\n");
                return 2;
            }
            lx.fixed_identity = true;
            lx.identity = identity;
        } else if (strcmp(argv[i], "--timeout") == 0 || strncmp(argv[i], "--timeout=", 10) == 0) {
            const char *value = argv[i][9] == '=' ? argv[i] + 10 :
                i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_timeout(value, &options.request_timeout_ms)) {
                fprintf(stderr, "winfuse mount: --timeout needs SECONDS (0: none)\n");
                return 2;
            }
        } else if (strncmp(argv[i], "-o", 2) == 0) {
            const char *value = argv[i][2] ? argv[i] + 2 : i + 1 < argc ? argv[++i] : "";
            if (!wf_mount_split_options(value, &id_map, &options, &has_map, &sync_read,
                    kernel_options, sizeof kernel_options))
                return 2;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            wf_mount_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "winfuse mount: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (point == NULL) {
            point = argv[i];
        } else {
            break;      /* the file system command begins */
        }
    }
    if (point == NULL) {
        wf_mount_usage(stderr);
        return 2;
    }
    if (has_map)
        options.id_map = &id_map;
    if (i < argc) {
        options.fs_argv = argv + i;
    } else {
        if (!wf_cli_default_fs(memfs, sizeof memfs)) {
            fprintf(stderr, "winfuse mount: cannot find memfs; give a FS-COMMAND\n");
            return 2;
        }
        default_argv[0] = memfs;
        default_argv[1] = "-f";
        default_argv[2] = NULL;
        options.fs_argv = default_argv;
    }
    if (!wf_mount_check_point(point, mountpoint))
        return 2;

    /* Before any thread: the daemon is forked from a process that has only this one. */
    if (!foreground) {
        report_fd = wf_mount_daemonize();
        if (report_fd < 0) {
            fprintf(stderr, "winfuse mount: cannot daemonize: %s\n", strerror(errno));
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    /* The threads the volume starts must not take SIGTERM, SIGINT or SIGHUP: the main
       thread does, inside the session loop, and leaves it for the unmount. */
    sigset_t ending, old;
    sigemptyset(&ending);
    sigaddset(&ending, SIGTERM);
    sigaddset(&ending, SIGINT);
    sigaddset(&ending, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &ending, &old);

    /* The session first: a file system given the mount point itself has it mounted while
       the volume starts (wf_mount_kernel_mount). lx is filled in once the volume is up;
       nothing is read from the kernel before the session loop runs. */
    char *fuse_argv[WF_MOUNT_MAX_ARGS];
    int fuse_argc = 0;
    snprintf(fsname, sizeof fsname, "fsname=winfuse:%s,subtype=winfuse",
        strrchr(options.fs_argv[0], '/') ? strrchr(options.fs_argv[0], '/') + 1 :
        options.fs_argv[0]);
    fuse_argv[fuse_argc++] = argv[0];
    fuse_argv[fuse_argc++] = "-o";
    fuse_argv[fuse_argc++] = fsname;
    if (kernel_options[0]) {
        fuse_argv[fuse_argc++] = "-o";
        fuse_argv[fuse_argc++] = kernel_options;
    }
    if (debug_fuse)
        fuse_argv[fuse_argc++] = "-d";
    fuse_argv[fuse_argc] = NULL;
    struct fuse_args args = FUSE_ARGS_INIT(fuse_argc, fuse_argv);
    struct fuse_session *se = fuse_session_new(&args, &wf_lx_ops, sizeof wf_lx_ops, &lx);
    if (se == NULL) {
        fprintf(stderr, "winfuse mount: bad mount options '%s'\n", kernel_options);
        fuse_opt_free_args(&args);
        wf_mount_report(&report_fd, 2);
        return 2;
    }
    wf_mount_session = se;
    wf_mount_set_handlers();
    wf_mount_kernel kernel = { .se = se, .point = mountpoint };
    options.kernel_mount_point = mountpoint;
    options.kernel_mount = wf_mount_kernel_mount;
    options.kernel_unmount = wf_mount_kernel_unmount;
    options.kernel_context = &kernel;

    wf_volume *volume = wf_volume_mount(&options, error, sizeof error);
    if (volume == NULL) {
        fprintf(stderr, "winfuse mount: %s\n", error);
        if (kernel.failed)
            fprintf(stderr, "winfuse mount: cannot mount on %s; nothing is mounted\n", point);
        /* The volume took back a kernel mount it had made; this is for certain. */
        wf_mount_kernel_unmount(&kernel);
        status = 2;
        goto destroy;
    }
    lx.fsd = wf_volume_fsd(volume);
    lx.case_insensitive = options.case_insensitive;
    lx.id_map = options.id_map;
    lx.timeout = timeout;
    lx.async_read = !sync_read && wf_mount_fs_reads_async(volume);
    if (!wf_lx_init(&lx)) {
        fprintf(stderr, "winfuse mount: out of memory\n");
        wf_mount_kernel_unmount(&kernel);
        status = 2;
        goto unmount_volume;
    }

    if (!kernel.mounted && wf_mount_kernel_mount(&kernel) != 0) {
        fprintf(stderr, "winfuse mount: cannot mount on %s; nothing is mounted\n", point);
        status = 2;
        goto fini;
    }
    if (!foreground) {
        wf_mount_report(&report_fd, 0);
        wf_mount_detach_stdio();
    }

    wf_mount_watch watch = { .volume = volume, .se = se, .main_thread = pthread_self() };
    pthread_t watcher;
    bool watching = pthread_create(&watcher, NULL, wf_mount_watcher, &watch) == 0;
    /* Only this thread takes the ending signals; libfuse's workers block them. */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_sigmask(SIG_UNBLOCK, &ending, NULL);
    struct fuse_loop_config *config = fuse_loop_cfg_create();
    if (config != NULL) {
        fuse_loop_cfg_set_max_threads(config, WF_MOUNT_MAX_THREADS);
        /* Idle workers stay: making a thread costs more than the request it serves. */
        fuse_loop_cfg_set_idle_threads(config, WF_MOUNT_MAX_THREADS);
        fuse_loop_cfg_set_clone_fd(config, 0);
    }
    int loop = fuse_session_loop_mt(se, config);
    fuse_loop_cfg_destroy(config);
    pthread_sigmask(SIG_BLOCK, &ending, NULL);
    watch.stop = true;
    if (watching)
        pthread_join(watcher, NULL);
    wf_mount_kernel_unmount(&kernel);
    if (watch.disconnected) {
        fprintf(stderr, "winfuse mount: the file system went away; %s is unmounted\n", point);
        status = 1;
    } else if (loop != 0 && loop != SIGTERM && loop != SIGINT && loop != SIGHUP) {
        status = 1;
    }
fini:
    /* Before the volume goes: a session that had its INIT runs lx's destroy. */
    wf_mount_session = NULL;
    fuse_session_destroy(se);
    se = NULL;
    wf_lx_fini(&lx);
unmount_volume:
    if (!wf_volume_unmount_checked(volume, error, sizeof error)) {
        fprintf(stderr, "winfuse mount: the file system crashed: it %s\n", error);
        status = 3;
    }
destroy:
    wf_mount_session = NULL;
    if (se != NULL)
        fuse_session_destroy(se);
    fuse_opt_free_args(&args);
    wf_mount_report(&report_fd, (unsigned char)status);
    return status;
}
