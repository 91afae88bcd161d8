/* fs_gofuse_mount.c — mounts as go-fuse does (the fusermount3 PATH finds, _FUSE_COMMFD=3 as its whole environment), then ends before INIT, as told: for the faults of `winfuse mount --mount=mountpoint`. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The descriptor fusermount sends: one byte with SCM_RIGHTS; -1 at end of file. */
static int receive_fd(int sock)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr align;
        char buffer[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg;
    int fd = -1;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buffer;
    msg.msg_controllen = sizeof control.buffer;
    if (recvmsg(sock, &msg, 0) != 1)
        return -1;
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
        return -1;
    memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return fd;
}

int main(int argc, char **argv)
{
    /* fs_gofuse_mount MODE MOUNTPOINT; MODE: die (exit 1 once the channel is here),
       elsewhere=DIR (ask for DIR instead), stat=FILE (a child stats MOUNTPOINT, which the
       kernel holds until INIT, and writes how that ended to FILE; then exit 1). */
    if (argc != 3) {
        fprintf(stderr, "usage: fs_gofuse_mount die|elsewhere=DIR|stat=FILE MOUNTPOINT\n");
        return 2;
    }
    const char *mode = argv[1], *point = argv[2];
    if (strncmp(mode, "elsewhere=", 10) == 0)
        point = mode + 10;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        char *envp[] = { "_FUSE_COMMFD=3", NULL };
        char *args[] = { "fusermount3", (char *)point, "-o", "fsname=gofuse-like", NULL };
        dup2(sv[1], 3);     /* dup2 clears close-on-exec */
        execvpe("fusermount3", args, envp);
        _exit(127);
    }
    close(sv[1]);
    int status = 0;
    waitpid(pid, &status, 0);
    int channel = receive_fd(sv[0]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || channel < 0) {
        fprintf(stderr, "fs_gofuse_mount: fusermount3 failed\n");
        return 1;
    }
    fprintf(stderr, "fs_gofuse_mount: got the channel\n");
    if (strncmp(mode, "stat=", 5) == 0) {
        pid_t child = fork();
        if (child == 0) {
            struct stat st;
            close(channel);     /* the channel's end must come with ours */
            int rc = stat(argv[2], &st);
            const char *how = rc == 0 ? "ok" : strerror(errno);
            int fd = open(mode + 5, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                (void)!write(fd, how, strlen(how));
                close(fd);
            }
            _exit(0);
        }
        /* Until the child waits in a system call (its stat, held by the kernel; nothing
           else it does waits), or has already written how the stat ended. */
        char path[64], text[32];
        snprintf(path, sizeof path, "/proc/%d/syscall", (int)child);
        for (int i = 0; i < 500 && access(mode + 5, F_OK) != 0; i++) {
            int fd = open(path, O_RDONLY);
            ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
            if (fd >= 0)
                close(fd);
            if (got > 0 && text[0] >= '0' && text[0] <= '9')
                break;
            usleep(10 * 1000);
        }
    }
    return 1;
}
