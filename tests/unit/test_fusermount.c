/* test_fusermount.c — winfuse-fusermount speaks libfuse's _FUSE_COMMFD protocol, hands over WinFuse's channel, and never mounts. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "launcher.h"
#include "mount_ns.h"
#include "mountpoint_door.h"
#include "fusermount_helper.h"

static char helper_path[PATH_MAX];

/* The helper under test: $WINFUSE_FUSERMOUNT, or the build's. */
static int find_helper(void **state)
{
    (void)state;
    return wf_test_find_fusermount(helper_path, sizeof helper_path) ? 0 : -1;
}

/* Makes every mount call kill the process: a helper that tried would die of SIGSYS. */
static void forbid_mounting(void)
{
    static const uint32_t mount_calls[] = { __NR_mount, 428, 429, 430, 431, 432, 433, 442 };
    struct sock_filter code[2 + 2 * 8 + 1];
    size_t n = 0;

    code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
        offsetof(struct seccomp_data, nr));
    for (size_t i = 0; i < sizeof mount_calls / sizeof mount_calls[0]; i++) {
        code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, mount_calls[i], 0, 1);
        code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    }
    code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = { .len = (unsigned short)n, .filter = code };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        _exit(126);
}

typedef struct helper_run {
    pid_t pid;
    int comm;                   /* our end of the _FUSE_COMMFD socket, or -1 */
    int output;                 /* the helper's stdout and stderr, together */
} helper_run;

typedef struct helper_setup {
    int channel;                /* for WINFUSE_DEVFUSE_FD; -1: leave it unset */
    bool comm_env;              /* set _FUSE_COMMFD (else only --comm-fd in argv, if any) */
    int *comm_fd_out;           /* receives the number the helper's comm end has */
    /* As go-fuse: the helper runs with _FUSE_COMMFD as its whole environment, from a
       parent (a shell here) that has WINFUSE_DEVFUSE_FD (and WINFUSE_MOUNT_FD) in its. */
    bool go_fuse;
    /* With go_fuse: the helper's descriptor under the channel's number is /dev/null, not
       the parent's channel. */
    bool go_fuse_other_file;
    bool has_control;           /* name control in WINFUSE_MOUNT_FD */
    int control;
} helper_setup;

/* Starts the helper with argv (argv[0] is the name it runs as) the way libfuse does: a
   SOCK_STREAM pair, one end inherited and named by _FUSE_COMMFD. The child's end of the
   channel, if any, is inherited under the number WINFUSE_DEVFUSE_FD names. */
static helper_run start_helper_with(char **argv, const helper_setup *setup)
{
    helper_run run = { -1, -1, -1 };
    int comm[2], out[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, comm), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    if (setup->comm_fd_out)
        *setup->comm_fd_out = comm[1];
    /* --comm-fd arguments built by the caller name comm[1]'s number: fill it in. */
    char comm_text[16];
    snprintf(comm_text, sizeof comm_text, "%d", comm[1]);
    for (size_t i = 0; argv[i]; i++)
        if (strcmp(argv[i], "COMMFD") == 0)
            argv[i] = comm_text;

    run.pid = fork();
    assert_true(run.pid >= 0);
    if (run.pid == 0) {
        char env_comm[32], env_channel[48];
        char *envp[4];
        size_t e = 0;
        envp[e++] = "PATH=/usr/bin:/bin";
        if (setup->comm_env) {
            snprintf(env_comm, sizeof env_comm, "_FUSE_COMMFD=%d", comm[1]);
            envp[e++] = env_comm;
        }
        if (setup->channel >= 0) {
            snprintf(env_channel, sizeof env_channel, "%s=%d", WF_MOUNT_NS_ENV_DEVFUSE_FD,
                setup->channel);
            envp[e++] = env_channel;
            fcntl(setup->channel, F_SETFD, 0);
        }
        envp[e] = NULL;
        fcntl(comm[1], F_SETFD, 0);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        forbid_mounting();
        if (setup->go_fuse) {
            char env_control[48], script[512], *sh_env[5], *sh_argv[16];
            size_t a = 0, k = 0;
            sh_env[k++] = "PATH=/usr/bin:/bin";
            if (setup->channel >= 0)
                sh_env[k++] = env_channel;
            if (setup->has_control) {
                snprintf(env_control, sizeof env_control, "%s=%d",
                    WF_MOUNTPOINT_DOOR_ENV_MOUNT_FD, setup->control);
                sh_env[k++] = env_control;
                fcntl(setup->control, F_SETFD, 0);
            }
            sh_env[k] = NULL;
            /* In the background, so that the shell forks before it applies a redirection
               (for a command in the foreground dash applies it in itself first), and stays
               the helper's parent. */
            snprintf(script, sizeof script,
                "env -i _FUSE_COMMFD=%d \"$0\" \"$@\" %s & wait $!; exit $?",
                comm[1], setup->go_fuse_other_file ? "CHANNEL</dev/null" : "");
            char *mark = strstr(script, "CHANNEL");
            if (mark) {
                char tail[64];
                snprintf(tail, sizeof tail, "%s", mark + 7);
                snprintf(mark, sizeof script - (size_t)(mark - script), "%d%s", setup->channel,
                    tail);
            }
            sh_argv[a++] = "sh";
            sh_argv[a++] = "-c";
            sh_argv[a++] = script;
            sh_argv[a++] = helper_path;
            for (size_t i = 1; argv[i] && a + 1 < sizeof sh_argv / sizeof sh_argv[0]; i++)
                sh_argv[a++] = argv[i];
            sh_argv[a] = NULL;
            execve("/bin/sh", sh_argv, sh_env);
            _exit(127);
        }
        execve(helper_path, argv, envp);
        _exit(127);
    }
    close(comm[1]);
    close(out[1]);
    run.comm = comm[0];
    run.output = out[0];
    return run;
}

static helper_run start_helper(char **argv, int channel)
{
    helper_setup setup = { .channel = channel, .comm_env = true };
    return start_helper_with(argv, &setup);
}

/* Waits up to 5 s for the helper's exit; returns its wait status. */
static int wait_helper(helper_run *run)
{
    int status = 0;
    for (int i = 0; i < 500; i++) {
        pid_t got = waitpid(run->pid, &status, WNOHANG);
        if (got == run->pid)
            return status;
        usleep(10000);
    }
    kill(run->pid, SIGKILL);
    waitpid(run->pid, &status, 0);
    fail_msg("the helper did not exit within 5 s");
    return status;
}

/* What the helper printed, once it has exited. */
static void read_output(helper_run *run, char *text, size_t cap)
{
    size_t len = 0;
    ssize_t got;
    while (len + 1 < cap && (got = read(run->output, text + len, cap - 1 - len)) > 0)
        len += (size_t)got;
    text[len] = '\0';
}

static void finish_run(helper_run *run)
{
    if (run->comm >= 0)
        close(run->comm);
    close(run->output);
}

/* libfuse's side of the protocol: one byte with the descriptor attached. Returns the fd,
   -1 at end of file (the helper sent nothing), or fails the test. */
static int receive_fd(int comm)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr align;
        char buffer[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = { 0 };
    struct pollfd p = { .fd = comm, .events = POLLIN };
    int fd;

    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buffer;
    msg.msg_controllen = sizeof control.buffer;
    assert_int_equal(poll(&p, 1, 5000), 1);
    ssize_t got = recvmsg(comm, &msg, MSG_CMSG_CLOEXEC);
    if (got == 0)
        return -1;
    assert_int_equal(got, 1);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    assert_non_null(cmsg);
    assert_int_equal(cmsg->cmsg_level, SOL_SOCKET);
    assert_int_equal(cmsg->cmsg_type, SCM_RIGHTS);
    assert_int_equal(cmsg->cmsg_len, CMSG_LEN(sizeof(int)));
    memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return fd;
}

/* The received descriptor is WinFuse's channel: a message crosses it both ways. */
static void assert_same_channel(int ours, int received)
{
    char buffer[64];
    int type = 0;
    socklen_t len = sizeof type;

    assert_int_equal(getsockopt(received, SOL_SOCKET, SO_TYPE, &type, &len), 0);
    assert_int_equal(type, SOCK_SEQPACKET);
    assert_int_equal(send(ours, "FUSE_INIT request", 17, 0), 17);
    assert_int_equal(recv(received, buffer, sizeof buffer, MSG_DONTWAIT), 17);
    assert_memory_equal(buffer, "FUSE_INIT request", 17);
    assert_int_equal(send(received, "reply", 5, 0), 5);
    assert_int_equal(recv(ours, buffer, sizeof buffer, MSG_DONTWAIT), 5);
    assert_memory_equal(buffer, "reply", 5);
}

/* Runs a mount the way a library does and checks the whole exchange. */
static void mount_hands_over_channel(char **argv, bool comm_env)
{
    int channel[2];
    uint32_t max_message;
    char output[1024];

    assert_int_equal(wf_channel_create(channel, &max_message), 0);
    helper_setup setup = { .channel = channel[1], .comm_env = comm_env };
    helper_run run = start_helper_with(argv, &setup);
    int received = receive_fd(run.comm);
    int status = wait_helper(&run);
    read_output(&run, output, sizeof output);

    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* bazil/fuse takes any output at all as a failed mount. */
    assert_string_equal(output, "");
    assert_true(received >= 0);
    assert_same_channel(channel[0], received);

    close(received);
    finish_run(&run);
    close(channel[0]);
    close(channel[1]);
}

static void libfuse3_mount_receives_winfuse_channel_as_one_byte_and_scm_rights(void **state)
{
    (void)state;
    char *argv[] = { "fusermount3", "-o", "rw,nosuid,nodev,fsname=hello,subtype=hello_ll",
        "--", "/tmp/mnt", NULL };
    mount_hands_over_channel(argv, true);
}

static void libfuse2_fusermount_form_receives_winfuse_channel(void **state)
{
    (void)state;
    char *argv[] = { "fusermount", "-o",
        "rw,nosuid,nodev,allow_other,default_permissions,fsname=/srv/a\\,b", "--", "/tmp/mnt",
        NULL };
    mount_hands_over_channel(argv, true);
}

static void bazil_form_with_one_option_per_o_receives_channel_silently(void **state)
{
    (void)state;
    char *argv[] = { "fusermount3", "-o", "fsname=rclone", "-o", "subtype=rclone", "-o",
        "ro", "--", "/tmp/mnt", NULL };
    mount_hands_over_channel(argv, true);
}

static void comm_fd_option_works_without_the_environment_variable(void **state)
{
    (void)state;
    char *argv[] = { "fusermount3", "--comm-fd", "COMMFD", "-o", "rw", "--", "/tmp/mnt",
        NULL };
    mount_hands_over_channel(argv, false);
}

static void unmount_forms_succeed_silently_without_any_channel(void **state)
{
    (void)state;
    char *libfuse3[] = { "fusermount3", "-u", "-q", "-z", "--", "/tmp/mnt", NULL };
    char *long_form[] = { "fusermount3", "--unmount", "--quiet", "--lazy", "--", "/tmp/mnt",
        NULL };
    char *plain[] = { "fusermount", "-u", "/tmp/mnt", NULL };
    char **forms[] = { libfuse3, long_form, plain };
    char output[1024];

    for (size_t i = 0; i < 3; i++) {
        helper_run run = start_helper(forms[i], -1);
        int status = wait_helper(&run);
        read_output(&run, output, sizeof output);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_string_equal(output, "");
        finish_run(&run);
    }
}

/* Fails with a message naming what is wrong, sends nothing, and exits on its own: with
   mounting forbidden, an attempt would have killed it with SIGSYS. */
/* The started helper fails, says so, and hands nothing over. */
static void assert_run_refused(helper_run *run, const char *says)
{
    char output[1024];
    int status = wait_helper(run);
    read_output(run, output, sizeof output);

    assert_true(WIFEXITED(status));
    assert_int_not_equal(WEXITSTATUS(status), 0);
    if (!strstr(output, says))
        fail_msg("expected '%s' in: %s", says, output);
    assert_int_equal(receive_fd(run->comm), -1);
    finish_run(run);
}

static void assert_refused(char **argv, int channel, const char *says)
{
    helper_run run = start_helper(argv, channel);
    assert_run_refused(&run, says);
}

static void mount_without_winfuse_channel_fails_clearly_and_never_mounts(void **state)
{
    (void)state;
    char *argv[] = { "fusermount3", "-o", "rw", "--", "/tmp/mnt", NULL };
    assert_refused(argv, -1, "no WinFuse channel (WINFUSE_DEVFUSE_FD is not set)");
}

static void winfuse_fd_that_is_not_a_seqpacket_socket_is_refused(void **state)
{
    (void)state;
    char *argv[] = { "fusermount3", "--", "/tmp/mnt", NULL };
    int stream[2], pipe_fds[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, stream), 0);
    assert_refused(argv, stream[1], "is not WinFuse's channel");
    assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
    assert_refused(argv, pipe_fds[0], "is not an open socket");
    close(stream[0]);
    close(stream[1]);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void winfuse_fd_that_is_closed_is_refused(void **state)
{
    (void)state;
    char *argv[] = { "fusermount3", "--", "/tmp/mnt", NULL };
    /* A number nothing has open in the child. */
    assert_refused(argv, 1000, "is not an open socket");
}

static void missing_mount_point_is_a_usage_error(void **state)
{
    (void)state;
    int channel[2];
    uint32_t max_message;
    char *argv[] = { "fusermount3", "-o", "rw", NULL };
    assert_int_equal(wf_channel_create(channel, &max_message), 0);
    assert_refused(argv, channel[1], "missing mountpoint argument");
    close(channel[0]);
    close(channel[1]);
}

/* True when nothing arrives on fd and the process is still there after ms. */
static bool quiet_and_alive(int fd, pid_t pid, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int status;
    return poll(&p, 1, ms) == 0 && waitpid(pid, &status, WNOHANG) == 0;
}

static void auto_unmount_watcher_sends_nothing_and_leaves_when_the_file_system_does(
    void **state)
{
    (void)state;
    int channel[2];
    uint32_t max_message;
    char *argv[] = { "fusermount3", "--auto-unmount", "--", "/tmp/mnt", NULL };

    assert_int_equal(wf_channel_create(channel, &max_message), 0);
    helper_run run = start_helper(argv, channel[1]);
    assert_true(quiet_and_alive(run.comm, run.pid, 200));
    close(run.comm);             /* the file system exits */
    run.comm = -1;
    int status = wait_helper(&run);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    finish_run(&run);
    close(channel[0]);
    close(channel[1]);
}

static void auto_unmount_option_hands_over_then_stays_until_the_file_system_exits(
    void **state)
{
    (void)state;
    int channel[2];
    uint32_t max_message;
    char *argv[] = { "fusermount3", "-o", "rw,auto_unmount,fsname=x", "--", "/tmp/mnt", NULL };

    assert_int_equal(wf_channel_create(channel, &max_message), 0);
    helper_run run = start_helper(argv, channel[1]);
    int received = receive_fd(run.comm);
    assert_true(received >= 0);
    assert_same_channel(channel[0], received);
    assert_true(quiet_and_alive(run.comm, run.pid, 200));
    close(run.comm);
    run.comm = -1;
    int status = wait_helper(&run);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(received);
    finish_run(&run);
    close(channel[0]);
    close(channel[1]);
}

/* A helper that stays (auto_unmount) holds no copy of the channel: once the file system
   closes its descriptors, WinFuse's end reads end of file while the helper still runs. */
static void helper_that_stays_keeps_no_copy_of_the_channel(void **state)
{
    (void)state;
    int channel[2];
    uint32_t max_message;
    char buffer[8];
    char *argv[] = { "fusermount3", "-o", "auto_unmount", "--", "/tmp/mnt", NULL };

    assert_int_equal(wf_channel_create(channel, &max_message), 0);
    helper_run run = start_helper(argv, channel[1]);
    int received = receive_fd(run.comm);
    assert_true(received >= 0);
    close(received);
    close(channel[1]);
    struct pollfd p = { .fd = channel[0], .events = POLLIN };
    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_int_equal(recv(channel[0], buffer, sizeof buffer, MSG_DONTWAIT), 0);
    assert_true(quiet_and_alive(run.comm, run.pid, 0));
    close(run.comm);
    run.comm = -1;
    int status = wait_helper(&run);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    finish_run(&run);
    close(channel[0]);
}

static void version_and_help_answer_on_stdout(void **state)
{
    (void)state;
    char *version[] = { "fusermount3", "-V", NULL };
    char *help[] = { "fusermount3", "--help", NULL };
    char output[2048];

    helper_run run = start_helper(version, -1);
    int status = wait_helper(&run);
    read_output(&run, output, sizeof output);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_non_null(strstr(output, "version"));
    finish_run(&run);

    run = start_helper(help, -1);
    status = wait_helper(&run);
    read_output(&run, output, sizeof output);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_non_null(strstr(output, "never mounts"));
    finish_run(&run);
}

/* go-fuse runs the helper with _FUSE_COMMFD as its whole environment. In the namespace's
   door (no WINFUSE_MOUNT_FD in the parent) the parent's channel is not taken: go-fuse would
   fail after INIT on its unserved mount point, past WinFuse's retry with /dev/fd/N. */
static void go_fuse_form_without_the_mount_point_door_gets_no_channel(void **state)
{
    (void)state;
    int channel[2];
    uint32_t max_message;
    char *argv[] = { "fusermount3", "/tmp/mnt", "-o", "max_read=131072,fsname=/c", NULL };

    assert_int_equal(wf_channel_create(channel, &max_message), 0);
    helper_setup setup = { .channel = channel[1], .go_fuse = true };
    helper_run run = start_helper_with(argv, &setup);
    assert_run_refused(&run, "no WinFuse channel");
    close(channel[0]);
    close(channel[1]);
}

/* The parent's number counts only when it is the same socket here: another file under
   that number is no channel. */
static void parents_number_naming_another_file_here_is_refused(void **state)
{
    (void)state;
    int channel[2];
    uint32_t max_message;
    char *argv[] = { "fusermount3", "/tmp/mnt", NULL };

    int control[2];
    assert_int_equal(wf_channel_create(channel, &max_message), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control), 0);
    helper_setup setup = { .channel = channel[1], .go_fuse = true, .go_fuse_other_file = true,
        .has_control = true, .control = control[1] };
    helper_run run = start_helper_with(argv, &setup);
    close(control[1]);
    assert_run_refused(&run, "no WinFuse channel");
    close(control[0]);
    close(channel[0]);
    close(channel[1]);
}

/* With WINFUSE_MOUNT_FD (winfuse mount gave the file system its own mount point), both
   found in the parent's environment as go-fuse leaves them: the helper asks for the kernel mount with the mount point's real path, and hands the
   channel over only once it is told the mount is made; a refusal ends it with nothing
   sent. Here the test answers as winfuse mount does. */
static void mount_point_door_asks_for_the_kernel_mount_before_handing_over(void **state)
{
    (void)state;
    char dir[] = "/tmp/wf-door.XXXXXX", link[64], asked[256], output[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(link, sizeof link, "%s/via", dir);
    assert_int_equal(symlink(dir, link), 0);

    for (int refuse = 0; refuse < 2; refuse++) {
        int channel[2], control[2];
        uint32_t max_message;
        char *argv[] = { "fusermount3", link, "-o", "fsname=/c", NULL };
        assert_int_equal(wf_channel_create(channel, &max_message), 0);
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control), 0);
        helper_setup setup = { .channel = channel[1], .go_fuse = true, .has_control = true,
            .control = control[1] };
        helper_run run = start_helper_with(argv, &setup);
        close(control[1]);

        struct pollfd p = { .fd = control[0], .events = POLLIN };
        assert_int_equal(poll(&p, 1, 5000), 1);
        ssize_t got = recv(control[0], asked, sizeof asked - 1, 0);
        assert_true(got > 0);
        asked[got] = '\0';
        assert_string_equal(asked, dir);
        /* Nothing is handed over before the answer. */
        struct pollfd c = { .fd = run.comm, .events = POLLIN };
        assert_int_equal(poll(&c, 1, 100), 0);
        int answer = refuse ? EPERM : 0;
        assert_int_equal(send(control[0], &answer, sizeof answer, 0), (ssize_t)sizeof answer);

        int received = receive_fd(run.comm);
        int status = wait_helper(&run);
        read_output(&run, output, sizeof output);
        assert_true(WIFEXITED(status));
        if (refuse) {
            assert_int_not_equal(WEXITSTATUS(status), 0);
            assert_int_equal(received, -1);
            if (!strstr(output, "cannot mount") || !strstr(output, strerror(EPERM)))
                fail_msg("expected the refusal in: %s", output);
        } else {
            assert_int_equal(WEXITSTATUS(status), 0);
            assert_string_equal(output, "");
            assert_true(received >= 0);
            assert_same_channel(channel[0], received);
            close(received);
        }
        finish_run(&run);
        close(control[0]);
        close(channel[0]);
        close(channel[1]);
    }
    unlink(link);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(libfuse3_mount_receives_winfuse_channel_as_one_byte_and_scm_rights),
        cmocka_unit_test(libfuse2_fusermount_form_receives_winfuse_channel),
        cmocka_unit_test(bazil_form_with_one_option_per_o_receives_channel_silently),
        cmocka_unit_test(comm_fd_option_works_without_the_environment_variable),
        cmocka_unit_test(unmount_forms_succeed_silently_without_any_channel),
        cmocka_unit_test(mount_without_winfuse_channel_fails_clearly_and_never_mounts),
        cmocka_unit_test(winfuse_fd_that_is_not_a_seqpacket_socket_is_refused),
        cmocka_unit_test(winfuse_fd_that_is_closed_is_refused),
        cmocka_unit_test(missing_mount_point_is_a_usage_error),
        cmocka_unit_test(auto_unmount_watcher_sends_nothing_and_leaves_when_the_file_system_does),
        cmocka_unit_test(auto_unmount_option_hands_over_then_stays_until_the_file_system_exits),
        cmocka_unit_test(helper_that_stays_keeps_no_copy_of_the_channel),
        cmocka_unit_test(version_and_help_answer_on_stdout),
        cmocka_unit_test(go_fuse_form_without_the_mount_point_door_gets_no_channel),
        cmocka_unit_test(parents_number_naming_another_file_here_is_refused),
        cmocka_unit_test(mount_point_door_asks_for_the_kernel_mount_before_handing_over),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, find_helper, NULL);
}
