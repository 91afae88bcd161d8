/* fs_lying_ll.c — a tiny read-only FUSE file system (libfuse 3, low-level API) that
   misbehaves on purpose, for the tests of what WinFuse does about it:
     \thirteen.txt, \fourteen.txt  13 and 14 bytes; READ ignores the offset and answers
                                   from the start, as much as asked, every time
     \silent                       1 byte; READ is never answered and INTERRUPT is ignored
     \stuck                        1 byte; READ blocks the file system's only thread for
                                   good (it no longer reads its channel, not even its end)
   Usage: fs_lying_ll [FUSE OPTIONS] MOUNTPOINT */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 34
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct lying_file {
    const char *name;
    const char *data;
} lying_files[] = {
    { "thirteen.txt", "Hello, world!" },
    { "fourteen.txt", "Hello, worlds!" },
    { "silent", "s" },
    { "stuck", "s" },
};

#define LYING_FILE_COUNT (sizeof lying_files / sizeof lying_files[0])
#define LYING_SILENT_INO 4u
#define LYING_STUCK_INO 5u

static void lying_stat(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    if (ino == FUSE_ROOT_ID) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else {
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = (off_t)strlen(lying_files[ino - 2].data);
    }
}

static bool lying_valid(fuse_ino_t ino)
{
    return ino >= FUSE_ROOT_ID && ino < FUSE_ROOT_ID + 1 + LYING_FILE_COUNT;
}

static void lying_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse_entry_param e;
    if (parent != FUSE_ROOT_ID) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    for (size_t i = 0; i < LYING_FILE_COUNT; i++) {
        if (strcmp(name, lying_files[i].name) == 0) {
            memset(&e, 0, sizeof e);
            e.ino = i + 2;
            lying_stat(e.ino, &e.attr);
            fuse_reply_entry(req, &e);
            return;
        }
    }
    fuse_reply_err(req, ENOENT);
}

static void lying_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct stat st;
    (void)fi;
    if (!lying_valid(ino)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    lying_stat(ino, &st);
    fuse_reply_attr(req, &st, 0);
}

static void lying_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if (ino == FUSE_ROOT_ID)
        fuse_reply_err(req, EISDIR);
    else if ((fi->flags & O_ACCMODE) != O_RDONLY)
        fuse_reply_err(req, EACCES);
    else
        fuse_reply_open(req, fi);
}

static void lying_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
    (void)off;      /* the flaw: every read starts at 0 */
    (void)fi;
    if (ino == LYING_SILENT_INO)
        return;     /* the other flaw: no answer, ever */
    while (ino == LYING_STUCK_INO)
        pause();    /* and the worst: deadlocked */
    const char *data = lying_files[ino - 2].data;
    size_t len = strlen(data);
    fuse_reply_buf(req, data, len < size ? len : size);
}

static const struct fuse_lowlevel_ops lying_ops = {
    .lookup = lying_lookup,
    .getattr = lying_getattr,
    .open = lying_open,
    .read = lying_read,
};

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts opts;
    struct fuse_session *se;
    int ret = 1;

    if (fuse_parse_cmdline(&args, &opts) != 0 || opts.mountpoint == NULL) {
        fprintf(stderr, "usage: %s [FUSE OPTIONS] MOUNTPOINT\n", argv[0]);
        return 1;
    }
    se = fuse_session_new(&args, &lying_ops, sizeof lying_ops, NULL);
    if (se != NULL && fuse_session_mount(se, opts.mountpoint) == 0) {
        /* Single-threaded: a READ left unanswered does not block the others. */
        ret = fuse_session_loop(se);
        fuse_session_unmount(se);
    }
    if (se != NULL)
        fuse_session_destroy(se);
    free(opts.mountpoint);
    fuse_opt_free_args(&args);
    return ret;
}
