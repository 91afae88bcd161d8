/* test_launcher.c — the socket pair, the file system process and its channel, with /bin/sh children. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fusermount_helper.h"
#include "launcher.h"

/* Shell prelude: n = the channel's fd number, taken from the /dev/fd/N argument. */
#define FIND_CHANNEL "for a; do case $a in /dev/fd/*) n=${a#/dev/fd/};; esac; done; "

/* Receives one message within 5 s; returns its full length (more than cap if truncated),
   0 at end of file, -1 on timeout or error. */
static ssize_t recv_within(int fd, void *buffer, size_t cap)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, 5000) != 1)
        return -1;
    return recv(fd, buffer, cap, MSG_TRUNC);
}

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void start_sh(wf_launcher *launcher, const char *script, ...)
{
    char *argv[16] = { "/bin/sh", "-c", (char *)script, "sh" };
    size_t argc = 4;
    char error[256] = "";
    va_list args;
    va_start(args, script);
    for (char *a; (a = va_arg(args, char *)) != NULL && argc < 15;)
        argv[argc++] = a;
    va_end(args);
    int rc = wf_launcher_start(launcher, argv, error, sizeof error);
    if (rc != 0)
        fail_msg("start failed: %s", error);
    assert_true(launcher->fd >= 0);
    assert_true(launcher->pid > 0);
}

static void recv_text(int fd, char *text, size_t cap)
{
    ssize_t n = recv_within(fd, text, cap - 1);
    assert_true(n > 0 && (size_t)n < cap);
    text[n] = '\0';
}

static void channel_carries_its_reported_max_message_both_ways_and_refuses_one_byte_more(
    void **state)
{
    (void)state;
    int fds[2];
    uint32_t max_message = 0;
    assert_int_equal(wf_channel_create(fds, &max_message), 0);
    /* As root we may force the buffers past net.core.wmem_max. */
    if (geteuid() == 0)
        assert_true(max_message >= WF_LAUNCHER_WANT_MESSAGE);
    else
        assert_true(max_message >= 64u * 1024u);
    print_message("channel max message: %u bytes\n", max_message);

    char *buffer = malloc((size_t)max_message + 1);
    assert_non_null(buffer);
    for (int from = 0; from < 2; from++) {
        memset(buffer, 'a' + from, max_message);
        assert_int_equal(send(fds[from], buffer, max_message, MSG_NOSIGNAL), (ssize_t)max_message);
        memset(buffer, 0, max_message);
        assert_int_equal(recv_within(fds[1 - from], buffer, max_message), (ssize_t)max_message);
        assert_int_equal(buffer[0], 'a' + from);
        assert_int_equal(buffer[max_message - 1], 'a' + from);

        errno = 0;
        assert_int_equal(send(fds[from], buffer, (size_t)max_message + 1,
            MSG_NOSIGNAL | MSG_DONTWAIT), -1);
        assert_true(errno == EMSGSIZE || errno == ENOBUFS);
    }
    free(buffer);
    close(fds[0]);
    close(fds[1]);
}

static void channel_ends_are_close_on_exec(void **state)
{
    (void)state;
    int fds[2];
    uint32_t max_message;
    assert_int_equal(wf_channel_create(fds, &max_message), 0);
    for (int i = 0; i < 2; i++) {
        assert_true(fds[i] > 2);
        assert_true(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
    }
    close(fds[0]);
    close(fds[1]);
}

static void braces_argument_becomes_the_channel_path(void **state)
{
    (void)state;
    wf_launcher l;
    char text[256], expected[256];
    start_sh(&l, FIND_CHANNEL "printf '%s|' \"$@\" >&$n", "a", "{}", "x{}", "b", NULL);
    recv_text(l.fd, text, sizeof text);
    /* The child's descriptor number is not ours to know; read it back from its argv. */
    const char *path = strstr(text, "/dev/fd/");
    assert_non_null(path);
    int n = atoi(path + 8);
    assert_true(n > 2);
    snprintf(expected, sizeof expected, "a|/dev/fd/%d|x{}|b|", n);
    assert_string_equal(text, expected);
    wf_launcher_stop(&l, 2000);
}

static void channel_path_is_appended_without_braces(void **state)
{
    (void)state;
    wf_launcher l;
    char text[256], expected[256];
    start_sh(&l, FIND_CHANNEL "printf '%s|' \"$@\" >&$n", "a", "b", NULL);
    recv_text(l.fd, text, sizeof text);
    const char *path = strstr(text, "/dev/fd/");
    assert_non_null(path);
    snprintf(expected, sizeof expected, "a|b|/dev/fd/%d|", atoi(path + 8));
    assert_string_equal(text, expected);
    wf_launcher_stop(&l, 2000);
}

static void missing_command_is_reported_with_its_errno(void **state)
{
    (void)state;
    wf_launcher l;
    char error[256];
    char *absolute[] = { "/nonexistent/winfuse-test-fs", NULL };
    char *searched[] = { "winfuse-test-no-such-fs", "-f", NULL };
    char plain[] = "/tmp/winfuse-test-launcher-XXXXXX";
    char expected[300];
    int plain_fd = mkstemp(plain);
    assert_true(plain_fd >= 0);
    close(plain_fd);
    char *not_executable[] = { plain, NULL };

    assert_int_equal(wf_launcher_start(&l, absolute, error, sizeof error), -1);
    assert_string_equal(error, "cannot run /nonexistent/winfuse-test-fs: No such file or directory");
    assert_int_equal(l.fd, -1);
    assert_int_equal(wf_launcher_start(&l, searched, error, sizeof error), -1);
    assert_string_equal(error, "cannot run winfuse-test-no-such-fs: No such file or directory");
    assert_int_equal(wf_launcher_start(&l, not_executable, error, sizeof error), -1);
    snprintf(expected, sizeof expected, "cannot run %s: Permission denied", plain);
    assert_string_equal(error, expected);
    unlink(plain);
    /* The failed children were reaped. */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static void child_exit_reads_as_end_of_file(void **state)
{
    (void)state;
    wf_launcher l;
    char buffer[16], text[64];
    start_sh(&l, "exit 3", NULL);
    assert_int_equal(recv_within(l.fd, buffer, sizeof buffer), 0);
    assert_true(wf_launcher_reap(&l, 5000));
    assert_true(l.status_known);
    assert_true(WIFEXITED(l.wait_status));
    assert_int_equal(WEXITSTATUS(l.wait_status), 3);
    wf_launcher_describe_status(l.wait_status, text, sizeof text);
    assert_string_equal(text, "exited with status 3");
    wf_launcher_stop(&l, 2000);
}

static void daemonizing_child_keeps_the_channel_after_its_parent_exits(void **state)
{
    (void)state;
    wf_launcher l;
    char text[64];
    /* The grandchild echoes messages until end of file; its parent exits at once. */
    start_sh(&l, FIND_CHANNEL "(exec cat <&$n >&$n) & exit 0", NULL);
    assert_true(wf_launcher_reap(&l, 5000));
    assert_true(WIFEXITED(l.wait_status));
    assert_int_equal(WEXITSTATUS(l.wait_status), 0);

    assert_int_equal(send(l.fd, "ping", 4, MSG_NOSIGNAL), 4);
    recv_text(l.fd, text, sizeof text);
    assert_string_equal(text, "ping");
    /* Closing our end is what makes the grandchild go. */
    wf_launcher_stop(&l, 2000);
}

/* The descriptors of process pid, in ascending order, as "0 1 2 5 ". */
static void list_fds(pid_t pid, char *text, size_t cap)
{
    char path[64];
    int seen[64], count = 0;
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *dir = opendir(path);
    assert_non_null(dir);
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        if (e->d_name[0] != '.' && count < 64)
            seen[count++] = atoi(e->d_name);
    closedir(dir);
    text[0] = '\0';
    for (int lowest = -1, i = 0; i < count; i++) {
        int next = -1;
        for (int j = 0; j < count; j++)
            if (seen[j] > lowest && (next < 0 || seen[j] < next))
                next = seen[j];
        snprintf(text + strlen(text), cap - strlen(text), "%d ", next);
        lowest = next;
    }
}

static void child_gets_only_its_channel_stdio_and_null_stdin(void **state)
{
    (void)state;
    wf_launcher l;
    char text[256], expected[256], path[64], target[64] = "";
    int leaky[2];
    /* Descriptors opened elsewhere without O_CLOEXEC must not reach the child either. */
    assert_int_equal(pipe(leaky), 0);
    start_sh(&l, "exec sleep 30", NULL);
    /* Look once the shell has become sleep and sleep sleeps: it holds what the shell was
       given, and its loader no longer has a library open. */
    snprintf(path, sizeof path, "/proc/%d/stat", (int)l.pid);
    for (uint64_t start = now_ms(); now_ms() - start < 5000; usleep(1000)) {
        FILE *stat = fopen(path, "r");
        char line[512] = "";
        if (stat) {
            if (!fgets(line, sizeof line, stat))
                line[0] = '\0';
            fclose(stat);
        }
        if (strstr(line, "(sleep) S "))
            break;
    }
    list_fds(l.pid, text, sizeof text);
    /* The channel is the child's only descriptor past stdio; learn its number. */
    int n = -1;
    sscanf(text, "0 1 2 %d ", &n);
    assert_true(n > 2);
    snprintf(expected, sizeof expected, "0 1 2 %d ", n);
    assert_string_equal(text, expected);
    snprintf(path, sizeof path, "/proc/%d/fd/0", (int)l.pid);
    assert_true(readlink(path, target, sizeof target - 1) > 0);
    assert_string_equal(target, "/dev/null");
    close(leaky[0]);
    close(leaky[1]);
    wf_launcher_stop(&l, 200);
}

static void child_leads_its_own_process_group(void **state)
{
    (void)state;
    wf_launcher l;
    start_sh(&l, FIND_CHANNEL "exec cat <&$n >/dev/null", NULL);
    assert_int_equal(getpgid(l.pid), l.pid);
    assert_int_not_equal(getpgid(l.pid), getpgrp());
    wf_launcher_stop(&l, 2000);
}

static void stop_lets_a_child_that_exits_on_end_of_file_go_by_itself(void **state)
{
    (void)state;
    wf_launcher l;
    start_sh(&l, FIND_CHANNEL "exec cat <&$n >/dev/null", NULL);
    uint64_t start = now_ms();
    wf_launcher_stop(&l, 5000);
    assert_true(now_ms() - start < 4000);
    assert_true(l.reaped);
    assert_int_equal(l.fd, -1);
    assert_true(WIFEXITED(l.wait_status));
    assert_int_equal(WEXITSTATUS(l.wait_status), 0);
}

static void stop_kills_a_child_that_ignores_end_of_file_and_sigterm(void **state)
{
    (void)state;
    wf_launcher l;
    char text[64];
    start_sh(&l, "trap '' TERM; exec sleep 30", NULL);
    uint64_t start = now_ms();
    wf_launcher_stop(&l, 200);
    assert_true(now_ms() - start < 3000);
    assert_true(l.reaped);
    assert_true(WIFSIGNALED(l.wait_status));
    assert_int_equal(WTERMSIG(l.wait_status), SIGKILL);
    wf_launcher_describe_status(l.wait_status, text, sizeof text);
    assert_string_equal(text, "was killed by signal 9 (Killed)");
}

static void reap_without_waiting_returns_at_once_while_the_child_runs(void **state)
{
    (void)state;
    wf_launcher l;
    start_sh(&l, FIND_CHANNEL "exec cat <&$n >/dev/null", NULL);
    uint64_t start = now_ms();
    assert_false(wf_launcher_reap(&l, 0));
    assert_false(wf_launcher_reap(&l, 50));
    assert_true(now_ms() - start < 1000);
    wf_launcher_stop(&l, 2000);
    assert_true(l.reaped);
}

/* The mount point door: the file system gets the kernel mount point itself, runs in this
   mount namespace under the mount guard, finds winfuse-fusermount first in PATH (a private
   directory that goes with the launch), and inherits a second socket named by
   WINFUSE_MOUNT_FD, whose other end is the launcher's control_fd. */
static void mount_point_door_gives_the_mount_point_the_helper_in_path_and_the_guard(
    void **state)
{
    (void)state;
    char helper[4096], dir[] = "/tmp/wf-door-mnt.XXXXXX", error[256] = "", text[8192];
    char resolved[4096], bin[4096];
    assert_true(wf_test_find_fusermount(helper, sizeof helper));
    assert_non_null(realpath(helper, resolved));
    assert_non_null(mkdtemp(dir));
    char *argv[] = { "/bin/sh", "-c",
        "n=$WINFUSE_DEVFUSE_FD; "
        "if mount -t tmpfs wf-door \"$1\" 2>/dev/null; then g=mounted; else g=refused; fi; "
        "printf 'x' >&$WINFUSE_MOUNT_FD; "
        "printf '%s|%s|%s|%s' \"$1\" \"${PATH%%:*}\" \"$(readlink \"$(command -v fusermount3)\")\" "
        "\"$g\" >&$n",
        "sh", NULL };
    wf_launcher_options options;
    memset(&options, 0, sizeof options);
    options.argv = argv;
    options.helper = helper;
    options.kernel_mount_point = dir;
    wf_launcher l;
    if (wf_launcher_start_with(&l, &options, error, sizeof error) != 0)
        fail_msg("start failed: %s", error);
    assert_true(l.control_fd >= 0);
    char byte = 0;
    assert_int_equal(recv_within(l.control_fd, &byte, 1), 1);
    assert_int_equal(byte, 'x');
    recv_text(l.fd, text, sizeof text);
    char *fields[4] = { text, NULL, NULL, NULL };
    for (int i = 1; i < 4; i++) {
        fields[i] = fields[i - 1] ? strchr(fields[i - 1], '|') : NULL;
        if (fields[i])
            *fields[i]++ = '\0';
    }
    if (!fields[3])
        fail_msg("unexpected report: %s", text);
    snprintf(bin, sizeof bin, "%s", fields[1]);
    struct stat st;
    bool bin_existed = stat(bin, &st) == 0 && S_ISDIR(st.st_mode);
    wf_launcher_stop(&l, 2000);
    if (strcmp(fields[3], "mounted") == 0)
        (void)umount2(dir, MNT_DETACH);
    rmdir(dir);

    assert_string_equal(fields[0], dir);
    assert_true(strstr(bin, "/winfuse-bin.") != NULL);
    assert_true(bin_existed);
    assert_string_equal(fields[2], resolved);
    assert_string_equal(fields[3], "refused");
    /* The private directory goes with the launch. */
    assert_int_not_equal(stat(bin, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(channel_carries_its_reported_max_message_both_ways_and_refuses_one_byte_more),
        cmocka_unit_test(channel_ends_are_close_on_exec),
        cmocka_unit_test(braces_argument_becomes_the_channel_path),
        cmocka_unit_test(channel_path_is_appended_without_braces),
        cmocka_unit_test(missing_command_is_reported_with_its_errno),
        cmocka_unit_test(child_exit_reads_as_end_of_file),
        cmocka_unit_test(daemonizing_child_keeps_the_channel_after_its_parent_exits),
        cmocka_unit_test(child_gets_only_its_channel_stdio_and_null_stdin),
        cmocka_unit_test(child_leads_its_own_process_group),
        cmocka_unit_test(stop_lets_a_child_that_exits_on_end_of_file_go_by_itself),
        cmocka_unit_test(stop_kills_a_child_that_ignores_end_of_file_and_sigterm),
        cmocka_unit_test(reap_without_waiting_returns_at_once_while_the_child_runs),
        cmocka_unit_test(mount_point_door_gives_the_mount_point_the_helper_in_path_and_the_guard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
