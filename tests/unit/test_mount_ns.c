/* test_mount_ns.c — the private mount namespace: the helper in place of the system's fusermount, /dev/fuse a stand-in, mounting denied, nothing changed outside. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "launcher.h"
#include "mount_guard.h"
#include "mount_ns.h"
#include "fusermount_helper.h"

static char helper_path[PATH_MAX];

/* The helper under test: $WINFUSE_FUSERMOUNT, or the build's. */
static int find_helper(void **state)
{
    (void)state;
    return wf_test_find_fusermount(helper_path, sizeof helper_path) ? 0 : -1;
}

/* The whole of a file, for comparing /proc/self/mountinfo before and after. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t size = 0;
    assert_non_null(f);
    FILE *out = open_memstream(&text, &size);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, out);
    fclose(out);
    fclose(f);
    return text;
}

static int count_fuse_mounts(const char *mountinfo)
{
    int count = 0;
    for (const char *p = mountinfo; (p = strstr(p, " - fuse")) != NULL; p++)
        count++;
    return count;
}

/* Runs check in a forked child that has entered ns; the child's exit status is the number
   of the first check that failed (0: all held). Returns it. */
static int run_inside(wf_mount_ns *ns, int (*check)(const wf_mount_ns *ns, void *arg), void *arg)
{
    pid_t pid = fork();
    int status;
    assert_true(pid >= 0);
    if (pid == 0) {
        int step = 0;
        int err = wf_mount_ns_enter(ns, &step);
        if (err) {
            char buffer[256];
            fprintf(stderr, "enter failed at %s: %s\n",
                wf_mount_ns_step_name(ns, step, buffer, sizeof buffer), strerror(err));
            _exit(100);
        }
        _exit(check(ns, arg));
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
        sa.st_ino == sb.st_ino;
}

/* Which of the usual fusermount paths exist outside: inside, each must be the helper. */
static const char *const system_helpers[] = {
    "/usr/bin/fusermount3", "/usr/bin/fusermount", "/bin/fusermount3", "/bin/fusermount",
};

typedef struct outside_view {
    bool exists[4];
    bool dev_fuse;
} outside_view;

static int check_shadowing(const wf_mount_ns *ns, void *arg)
{
    const outside_view *outside = arg;
    struct stat st, null_st;
    char link[PATH_MAX], bin[PATH_MAX];
    ssize_t n;

    for (size_t i = 0; i < 4; i++)
        if (outside->exists[i] && !same_file(system_helpers[i], helper_path))
            return 1 + (int)i;
    if (outside->dev_fuse) {
        if (stat("/dev/fuse", &st) != 0 || stat("/dev/null", &null_st) != 0 ||
            st.st_rdev != null_st.st_rdev)
            return 10;
        int fd = open("/dev/fuse", O_RDWR);     /* libfuse's first step must succeed */
        if (fd < 0)
            return 11;
        close(fd);
    }
    /* bin/fusermount3 and bin/fusermount, first in PATH, lead to the helper. */
    snprintf(bin, sizeof bin, "%s/../bin/fusermount3", wf_mount_ns_mount_point(ns));
    n = readlink(bin, link, sizeof link - 1);
    if (n <= 0)
        return 20;
    link[n] = '\0';
    if (!same_file(link, helper_path))
        return 21;
    snprintf(bin, sizeof bin, "%s/../bin/fusermount", wf_mount_ns_mount_point(ns));
    if (!same_file(bin, helper_path))
        return 22;
    /* The mount point: an empty directory nobody can write into. */
    DIR *d = opendir(wf_mount_ns_mount_point(ns));
    if (!d)
        return 30;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            return 31;
    closedir(d);
    snprintf(bin, sizeof bin, "%s/x", wf_mount_ns_mount_point(ns));
    if (mkdir(bin, 0755) == 0 || errno != EROFS)
        return 32;
    return 0;
}

static void namespace_puts_helper_over_system_fusermount_and_dev_null_over_dev_fuse(
    void **state)
{
    (void)state;
    char error[512] = "";
    outside_view outside;
    char *before = slurp("/proc/self/mountinfo");

    for (size_t i = 0; i < 4; i++)
        outside.exists[i] = access(system_helpers[i], F_OK) == 0;
    outside.dev_fuse = access("/dev/fuse", F_OK) == 0;
    wf_mount_ns *ns = wf_mount_ns_create(helper_path, 42, error, sizeof error);
    if (!ns)
        fail_msg("%s", error);
    assert_int_equal(run_inside(ns, check_shadowing, &outside), 0);

    /* Outside, nothing changed: the same mounts, the system's helper where it was. */
    char *after = slurp("/proc/self/mountinfo");
    assert_string_equal(before, after);
    for (size_t i = 0; i < 4; i++)
        if (outside.exists[i])
            assert_false(same_file(system_helpers[i], helper_path));
    /* dir/mnt exists only inside; dir itself is an empty directory outside. */
    char dir[PATH_MAX], inside[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", wf_mount_ns_mount_point(ns));
    *strrchr(dir, '/') = '\0';
    snprintf(inside, sizeof inside, "%s", wf_mount_ns_mount_point(ns));
    assert_int_equal(access(inside, F_OK), -1);
    assert_int_equal(access(dir, F_OK), 0);
    wf_mount_ns_destroy(ns);
    assert_int_equal(access(dir, F_OK), -1);
    free(before);
    free(after);
}

/* What libfuse does as root: open /dev/fuse, mount(2) with its fd. */
static int check_mounting_denied(const wf_mount_ns *ns, void *arg)
{
    (void)arg;
    const char *mp = wf_mount_ns_mount_point(ns);
    char options[128];
    int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    snprintf(options, sizeof options, "fd=%d,rootmode=40000,user_id=0,group_id=0",
        fd >= 0 ? fd : 0);
    errno = 0;
    if (mount("hello", mp, "fuse.hello", MS_NOSUID | MS_NODEV, options) == 0 || errno != EPERM)
        return 1;
    if (mount("none", "/tmp", "tmpfs", 0, NULL) == 0 || errno != EPERM)
        return 2;
    if (mount("/tmp", "/mnt", NULL, MS_BIND, NULL) == 0 || errno != EPERM)
        return 3;
    if (syscall(SYS_fsopen, "tmpfs", 0) >= 0 || errno != EPERM)
        return 4;
    if (syscall(SYS_open_tree, AT_FDCWD, "/tmp", 1 /* OPEN_TREE_CLONE */) >= 0 ||
        errno != EPERM)
        return 5;
    /* Unmounting "succeeds" and does nothing: libfuse's unmount of a mount that never
       was is quiet, and / is still there. */
    if (umount2(mp, MNT_DETACH) != 0)
        return 6;
    if (umount2("/", MNT_DETACH) != 0 || access("/proc/self/mountinfo", R_OK) != 0)
        return 7;
    if (umount2(helper_path, 0) != 0 || access(helper_path, X_OK) != 0)
        return 8;
    if (fd >= 0)
        close(fd);
    return 0;
}

static void inside_every_mount_fails_with_eperm_and_unmount_does_nothing(void **state)
{
    (void)state;
    char error[512] = "";
    char *before = slurp("/proc/self/mountinfo");
    wf_mount_ns *ns = wf_mount_ns_create(helper_path, 42, error, sizeof error);
    if (!ns)
        fail_msg("%s", error);
    assert_int_equal(run_inside(ns, check_mounting_denied, NULL), 0);
    char *after = slurp("/proc/self/mountinfo");
    assert_string_equal(before, after);
    assert_int_equal(count_fuse_mounts(after), count_fuse_mounts(before));
    wf_mount_ns_destroy(ns);
    free(before);
    free(after);
}

static void guard_alone_denies_mounting_in_a_child(void **state)
{
    (void)state;
    pid_t pid = fork();
    int status;
    assert_true(pid >= 0);
    if (pid == 0) {
        if (wf_mount_guard_install() != 0)
            _exit(1);
        if (mount("none", "/tmp", "tmpfs", 0, NULL) == 0 || errno != EPERM)
            _exit(2);
        /* and so does everything it runs */
        execl("/bin/sh", "sh", "-c", "exec mount -t tmpfs none /tmp 2>/dev/null; exit 9",
            (char *)NULL);
        _exit(3);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    /* mount(8) fails (not 0); 1, 2, 3 would be our own failures. */
    assert_true(WEXITSTATUS(status) > 3);
}

static void environment_names_the_channel_and_puts_helper_links_first_in_path(void **state)
{
    (void)state;
    char error[512] = "";
    char expected[PATH_MAX + 8];
    bool channel = false, path = false;
    setenv(WF_MOUNT_NS_ENV_DEVFUSE_FD, "999", 1);   /* a stale one must not survive */
    wf_mount_ns *ns = wf_mount_ns_create(helper_path, 17, error, sizeof error);
    unsetenv(WF_MOUNT_NS_ENV_DEVFUSE_FD);
    if (!ns)
        fail_msg("%s", error);
    snprintf(expected, sizeof expected, "PATH=%s", wf_mount_ns_mount_point(ns));
    /* dir/mnt -> dir/bin */
    memcpy(expected + strlen(expected) - 3, "bin", 3);
    for (char *const *e = wf_mount_ns_environ(ns); *e; e++) {
        if (strncmp(*e, WF_MOUNT_NS_ENV_DEVFUSE_FD "=", strlen(WF_MOUNT_NS_ENV_DEVFUSE_FD) + 1) == 0) {
            assert_false(channel);
            assert_string_equal(*e, WF_MOUNT_NS_ENV_DEVFUSE_FD "=17");
            channel = true;
        }
        if (strncmp(*e, "PATH=", 5) == 0) {
            assert_false(path);
            assert_memory_equal(*e, expected, strlen(expected));
            assert_int_equal((*e)[strlen(expected)], ':');
            path = true;
        }
    }
    assert_true(channel && path);
    wf_mount_ns_destroy(ns);
}

static void missing_helper_is_a_clear_error(void **state)
{
    (void)state;
    char error[512] = "";
    assert_null(wf_mount_ns_create("/nonexistent/winfuse-fusermount", 3, error, sizeof error));
    assert_non_null(strstr(error, "/nonexistent/winfuse-fusermount"));

    wf_launcher launcher;
    char *argv[] = { "/bin/true", NULL };
    wf_launcher_options options = { .argv = argv, .mount_namespace = true,
        .helper = "/nonexistent/winfuse-fusermount" };
    assert_int_equal(wf_launcher_start_with(&launcher, &options, error, sizeof error), -1);
    assert_true(launcher.namespace_failed);
}

/* Starts sh in the namespace; it sends "$WINFUSE_DEVFUSE_FD|$1|fusermount3's path" as one
   message on the channel that variable names. */
static void start_reporter(wf_launcher *launcher, bool directory, char *text, size_t cap)
{
    char error[512] = "";
    char *argv[] = { "/bin/sh", "-c",
        "printf '%s|%s|%s' \"$WINFUSE_DEVFUSE_FD\" \"$1\" \"$(command -v fusermount3)\" "
        ">&\"$WINFUSE_DEVFUSE_FD\"", "sh", "{}", NULL };
    wf_launcher_options options = { .argv = argv, .mount_namespace = true,
        .directory = directory, .helper = helper_path };
    if (wf_launcher_start_with(launcher, &options, error, sizeof error) != 0)
        fail_msg("%s", error);
    struct pollfd p = { .fd = launcher->fd, .events = POLLIN };
    assert_int_equal(poll(&p, 1, 5000), 1);
    ssize_t n = recv(launcher->fd, text, cap - 1, 0);
    assert_true(n > 0);
    text[n] = '\0';
}

static void launcher_in_namespace_gives_dev_fd_or_directory_and_names_the_channel(void **state)
{
    (void)state;
    wf_launcher launcher;
    char text[PATH_MAX * 3], expected[PATH_MAX * 3];
    int fd;

    start_reporter(&launcher, false, text, sizeof text);
    fd = atoi(text);
    assert_true(fd >= WF_LAUNCHER_DAEMON_FD_MIN);
    snprintf(expected, sizeof expected, "%d|/dev/fd/%d|", fd, fd);
    assert_memory_equal(text, expected, strlen(expected));
    snprintf(expected, sizeof expected, "/dev/fd/%d", fd);
    assert_string_equal(launcher.mount_point, expected);
    assert_non_null(strstr(text, "/bin/fusermount3"));
    wf_launcher_stop(&launcher, 2000);

    start_reporter(&launcher, true, text, sizeof text);
    fd = atoi(text);
    snprintf(expected, sizeof expected, "%d|%s|", fd, launcher.mount_point);
    assert_memory_equal(text, expected, strlen(expected));
    assert_non_null(strstr(launcher.mount_point, "/winfuse-ns."));
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", launcher.mount_point);
    *strrchr(dir, '/') = '\0';
    wf_launcher_stop(&launcher, 2000);
    assert_null(launcher.mount_point);
    /* The private directory goes with the file system. */
    assert_int_equal(access(dir, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(namespace_puts_helper_over_system_fusermount_and_dev_null_over_dev_fuse),
        cmocka_unit_test(inside_every_mount_fails_with_eperm_and_unmount_does_nothing),
        cmocka_unit_test(guard_alone_denies_mounting_in_a_child),
        cmocka_unit_test(environment_names_the_channel_and_puts_helper_links_first_in_path),
        cmocka_unit_test(missing_helper_is_a_clear_error),
        cmocka_unit_test(launcher_in_namespace_gives_dev_fd_or_directory_and_names_the_channel),
    };
    return cmocka_run_group_tests(tests, find_helper, NULL);
}
