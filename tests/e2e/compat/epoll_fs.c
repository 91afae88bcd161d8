/* epoll_fs.c — a one-file FUSE file system whose loop is its own epoll on the channel, as event-loop daemons run libfuse; the compat tests run it on WinFuse. */
#define FUSE_USE_VERSION 34
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define EPOLL_FS_NAME "hello"
#define EPOLL_FS_TEXT "served by an epoll loop\n"
#define EPOLL_FS_FILE_INO 2

/* How the loop went, printed at the end for the test to read. */
typedef struct epoll_fs_stats {
    unsigned long wakeups;          /* epoll_wait returns with the channel ready */
    unsigned long requests;         /* messages received and processed */
    unsigned long empty_wakeups;    /* ready, yet the first receive found nothing */
    bool destroyed;
    bool in_loop;                   /* destroy while in the loop: a DESTROY request */
} epoll_fs_stats;

static epoll_fs_stats epoll_fs_stats_now;

static void epoll_fs_stat(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    if (ino == FUSE_ROOT_ID) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else {
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = (off_t)strlen(EPOLL_FS_TEXT);
    }
}

static void epoll_fs_destroy(void *userdata)
{
    (void)userdata;
    epoll_fs_stats_now.destroyed = true;
    fprintf(stderr, "epoll_fs: destroy ran (%s)\n",
        epoll_fs_stats_now.in_loop ? "DESTROY request" : "session end, no DESTROY request");
}

static void epoll_fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse_entry_param e;
    if (parent != FUSE_ROOT_ID || strcmp(name, EPOLL_FS_NAME) != 0) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    memset(&e, 0, sizeof e);
    e.ino = EPOLL_FS_FILE_INO;
    e.attr_timeout = 1.0;
    e.entry_timeout = 1.0;
    epoll_fs_stat(e.ino, &e.attr);
    fuse_reply_entry(req, &e);
}

static void epoll_fs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct stat st;
    (void)fi;
    if (ino != FUSE_ROOT_ID && ino != EPOLL_FS_FILE_INO) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    epoll_fs_stat(ino, &st);
    fuse_reply_attr(req, &st, 1.0);
}

static void epoll_fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
    static const char *const names[] = { ".", "..", EPOLL_FS_NAME };
    static const fuse_ino_t inos[] = { FUSE_ROOT_ID, FUSE_ROOT_ID, EPOLL_FS_FILE_INO };
    char buf[512];
    size_t used = 0;
    (void)fi;
    if (ino != FUSE_ROOT_ID) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    if (size > sizeof buf)
        size = sizeof buf;
    for (off_t i = off; i < 3; i++) {
        struct stat st;
        epoll_fs_stat(inos[i], &st);
        size_t len = fuse_add_direntry(req, buf + used, size - used, names[i], &st, i + 1);
        if (len > size - used)
            break;
        used += len;
    }
    fuse_reply_buf(req, buf, used);
}

static void epoll_fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if (ino != EPOLL_FS_FILE_INO)
        fuse_reply_err(req, EISDIR);
    else if ((fi->flags & O_ACCMODE) != O_RDONLY)
        fuse_reply_err(req, EROFS);
    else
        fuse_reply_open(req, fi);
}

static void epoll_fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
    size_t len = strlen(EPOLL_FS_TEXT);
    (void)ino;
    (void)fi;
    if ((size_t)off >= len)
        fuse_reply_buf(req, NULL, 0);
    else
        fuse_reply_buf(req, &EPOLL_FS_TEXT[off], len - (size_t)off < size ? len - (size_t)off : size);
}

static const struct fuse_lowlevel_ops epoll_fs_ops = {
    .destroy = epoll_fs_destroy,
    .lookup = epoll_fs_lookup,
    .getattr = epoll_fs_getattr,
    .readdir = epoll_fs_readdir,
    .open = epoll_fs_open,
    .read = epoll_fs_read,
};

/* What a peek at the channel finds: a message, nothing yet, or the end (the other side
   hung up and nothing is left). A SEQPACKET socket reads end of file only then. */
typedef enum epoll_fs_peek { EPOLL_FS_MESSAGE, EPOLL_FS_EMPTY, EPOLL_FS_END, EPOLL_FS_ERROR } epoll_fs_peek;

static epoll_fs_peek epoll_fs_peek_at(int fd)
{
    char byte;
    for (;;) {
        ssize_t got = recv(fd, &byte, sizeof byte, MSG_PEEK | MSG_DONTWAIT);
        if (got > 0)
            return EPOLL_FS_MESSAGE;
        if (got == 0)
            return EPOLL_FS_END;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return EPOLL_FS_EMPTY;
        if (errno != EINTR)
            return EPOLL_FS_ERROR;
    }
}

/* Waits for the channel with epoll and processes every message that is there, until the
   other side hangs up. Returns 0 on a hangup, -1 on an error. */
static int epoll_fs_loop(struct fuse_session *se)
{
    struct fuse_buf buf = { .mem = NULL };
    int fd = fuse_session_fd(se);
    int ep = -1, result = -1;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = fd };

    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        perror("epoll_fs: O_NONBLOCK");
        goto out;
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        perror("epoll_fs: epoll");
        goto out;
    }
    while (!fuse_session_exited(se)) {
        struct epoll_event got;
        int n = epoll_wait(ep, &got, 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            perror("epoll_fs: epoll_wait");
            goto out;
        }
        epoll_fs_stats_now.wakeups++;
        for (unsigned taken = 0;; taken++) {
            epoll_fs_peek peek = epoll_fs_peek_at(fd);
            if (peek == EPOLL_FS_END) {
                fprintf(stderr, "epoll_fs: the channel hung up\n");
                result = 0;
                goto out;
            }
            if (peek == EPOLL_FS_EMPTY) {
                epoll_fs_stats_now.empty_wakeups += taken == 0;
                break;
            }
            if (peek == EPOLL_FS_ERROR) {
                perror("epoll_fs: recv");
                goto out;
            }
            int res = fuse_session_receive_buf(se, &buf);
            if (res == -EINTR || res == -EAGAIN)
                continue;
            if (res <= 0) {
                fprintf(stderr, "epoll_fs: receive failed: %s\n", strerror(-res));
                goto out;
            }
            epoll_fs_stats_now.requests++;
            fuse_session_process_buf(se, &buf);
        }
    }
    result = 0;
out:
    if (ep >= 0)
        close(ep);
    free(buf.mem);
    return result;
}

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts opts;
    struct fuse_session *se = NULL;
    int ret = 1;

    memset(&opts, 0, sizeof opts);
    if (fuse_parse_cmdline(&args, &opts) != 0 || !opts.mountpoint) {
        fprintf(stderr, "usage: %s MOUNTPOINT (/dev/fd/N)\n", argv[0]);
        goto out;
    }
    se = fuse_session_new(&args, &epoll_fs_ops, sizeof epoll_fs_ops, NULL);
    if (!se)
        goto out;
    if (fuse_session_mount(se, opts.mountpoint) != 0)
        goto out_session;
    epoll_fs_stats_now.in_loop = true;
    ret = epoll_fs_loop(se) == 0 ? 0 : 1;
    epoll_fs_stats_now.in_loop = false;
    fuse_session_unmount(se);
out_session:
    fuse_session_destroy(se);
    fprintf(stderr, "epoll_fs: %lu wakeups, %lu requests, %lu empty wakeups, destroy %s\n",
        epoll_fs_stats_now.wakeups, epoll_fs_stats_now.requests,
        epoll_fs_stats_now.empty_wakeups, epoll_fs_stats_now.destroyed ? "ran" : "did not run");
out:
    free(opts.mountpoint);
    fuse_opt_free_args(&args);
    return ret;
}
