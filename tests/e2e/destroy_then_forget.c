/* destroy_then_forget.c — a door that sends a FUSE file system DESTROY and then a FORGET
   and a GETATTR (the order a worker handling the last FORGETs sees when DESTROY overtakes
   it), then ends the channel; exits 0 when the file system survived and ended by itself.
   usage: destroy_then_forget FS-COMMAND [ARGS...] (the channel goes last, as /dev/fd/N) */
#define _GNU_SOURCE
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int fd;

static void send_request(uint32_t opcode, uint64_t unique, uint64_t nodeid, const void *body,
    uint32_t size)
{
    char message[256];
    struct fuse_in_header in = { .len = (uint32_t)sizeof in + size, .opcode = opcode,
        .unique = unique, .nodeid = nodeid, .uid = getuid(), .gid = getgid() };
    memcpy(message, &in, sizeof in);
    if (size)
        memcpy(message + sizeof in, body, size);
    if (send(fd, message, in.len, MSG_NOSIGNAL) != (ssize_t)in.len) {
        perror("destroy_then_forget: send");
        exit(2);
    }
}

/* The reply to unique; its body (after the header) goes to body. */
static int receive_reply(uint64_t unique, void *body, size_t size)
{
    char message[4096];
    struct fuse_out_header out;
    ssize_t got = recv(fd, message, sizeof message, 0);
    if (got < (ssize_t)sizeof out) {
        fprintf(stderr, "destroy_then_forget: no reply to request %llu\n",
            (unsigned long long)unique);
        exit(1);
    }
    memcpy(&out, message, sizeof out);
    if (out.unique != unique) {
        fprintf(stderr, "destroy_then_forget: reply to %llu, not %llu\n",
            (unsigned long long)out.unique, (unsigned long long)unique);
        exit(2);
    }
    if (body)
        memcpy(body, message + sizeof out, (size_t)got - sizeof out < size ?
            (size_t)got - sizeof out : size);
    return out.error;
}

int main(int argc, char *argv[])
{
    int pair[2];
    char path[32];
    if (argc < 2 || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair) != 0)
        return 2;
    snprintf(path, sizeof path, "/dev/fd/%d", pair[1]);
    pid_t pid = fork();
    if (pid == 0) {
        char **args = calloc((size_t)argc + 1, sizeof *args);
        for (int i = 1; i < argc; i++)
            args[i - 1] = argv[i];
        args[argc - 1] = path;
        close(pair[0]);
        execvp(args[0], args);
        _exit(127);
    }
    close(pair[1]);
    fd = pair[0];

    struct fuse_init_in init = { .major = 7, .minor = 31, .max_readahead = 65536 };
    send_request(FUSE_INIT, 2, 0, &init, sizeof init);
    if (receive_reply(2, NULL, 0) != 0)
        return 1;
    /* A directory the kernel side holds one reference to. */
    char mkdir_body[sizeof(struct fuse_mkdir_in) + 2];
    struct fuse_mkdir_in mkdir_in = { .mode = 0755, .umask = 022 };
    memcpy(mkdir_body, &mkdir_in, sizeof mkdir_in);
    memcpy(mkdir_body + sizeof mkdir_in, "d", 2);
    send_request(FUSE_MKDIR, 4, FUSE_ROOT_ID, mkdir_body, sizeof mkdir_body);
    struct fuse_entry_out entry;
    memset(&entry, 0, sizeof entry);
    if (receive_reply(4, &entry, sizeof entry) != 0 || entry.nodeid == 0)
        return 1;

    send_request(FUSE_DESTROY, 6, 0, NULL, 0);
    receive_reply(6, NULL, 0);
    struct fuse_forget_in forget = { .nlookup = 1 };
    send_request(FUSE_FORGET, 8, entry.nodeid, &forget, sizeof forget);
    struct fuse_getattr_in getattr = { 0 };
    send_request(FUSE_GETATTR, 10, FUSE_ROOT_ID, &getattr, sizeof getattr);
    (void)receive_reply(10, NULL, 0);
    shutdown(fd, SHUT_RDWR);

    int status;
    if (waitpid(pid, &status, 0) != pid)
        return 2;
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "destroy_then_forget: %s was killed by signal %d (%s)\n", argv[1],
            WTERMSIG(status), strsignal(WTERMSIG(status)));
        return 1;
    }
    return 0;
}
