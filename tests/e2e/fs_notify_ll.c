/* fs_notify_ll.c — a tiny FUSE file system (libfuse 3, low-level API) that changes behind
   its client's back and says so with FUSE notifications, for the tests of change reporting.
   It holds \ctl, \f (5 bytes) and \d\g (3 bytes). Writing a command to \ctl changes the tree,
   then sends one notification, after the WRITE is answered:
     add DIR/NAME    a new empty file           -> notify_inval_entry(DIR, NAME)
     del DIR/NAME    the file is removed        -> notify_delete(DIR, file, NAME)
     grow DIR/NAME   the file gets a byte more  -> notify_inval_inode(file, 0, 0)
   DIR is "." for the root or "d". Usage: fs_notify_ll [FUSE OPTIONS] MOUNTPOINT */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 34
#include <errno.h>
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NOTIFY_MAX_FILES 32u
#define NOTIFY_DIR_INO 3u

typedef struct notify_file {
    fuse_ino_t ino, parent;     /* ino 0: a free slot */
    char name[64];
    bool dir;
    off_t size;
} notify_file;

static notify_file files[NOTIFY_MAX_FILES] = {
    { FUSE_ROOT_ID, 0, "", true, 0 },
    { 2, FUSE_ROOT_ID, "ctl", false, 0 },
    { NOTIFY_DIR_INO, FUSE_ROOT_ID, "d", true, 0 },
    { 4, FUSE_ROOT_ID, "f", false, 5 },
    { 5, NOTIFY_DIR_INO, "g", false, 3 },
};
static fuse_ino_t next_ino = 6;
static struct fuse_session *session;

static notify_file *by_ino(fuse_ino_t ino)
{
    for (size_t i = 0; i < NOTIFY_MAX_FILES; i++)
        if (files[i].ino == ino && ino != 0)
            return &files[i];
    return NULL;
}

static notify_file *by_name(fuse_ino_t parent, const char *name)
{
    for (size_t i = 0; i < NOTIFY_MAX_FILES; i++)
        if (files[i].ino != 0 && files[i].parent == parent && strcmp(files[i].name, name) == 0)
            return &files[i];
    return NULL;
}

static void fill_stat(const notify_file *f, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = f->ino;
    st->st_mode = f->dir ? S_IFDIR | 0755 : S_IFREG | 0644;
    st->st_nlink = f->dir ? 2 : 1;
    st->st_size = f->size;
}

static void notify_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    notify_file *f = by_name(parent, name);
    struct fuse_entry_param e;
    if (f == NULL) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    memset(&e, 0, sizeof e);
    e.ino = f->ino;
    e.attr_timeout = 60;
    e.entry_timeout = 60;   /* long: only a notification makes WinFuse ask again */
    fill_stat(f, &e.attr);
    fuse_reply_entry(req, &e);
}

static void notify_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    notify_file *f = by_ino(ino);
    struct stat st;
    (void)fi;
    if (f == NULL) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    fill_stat(f, &st);
    fuse_reply_attr(req, &st, 60);
}

static void notify_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
    char buf[4096];
    size_t len = 0;
    (void)fi;
    if (size > sizeof buf)
        size = sizeof buf;
    for (size_t i = (size_t)off; i < NOTIFY_MAX_FILES; i++) {
        struct stat st;
        size_t n;
        if (files[i].ino == 0 || files[i].parent != ino)
            continue;
        fill_stat(&files[i], &st);
        n = fuse_add_direntry(req, buf + len, size - len, files[i].name, &st, (off_t)i + 1);
        if (n > size - len)
            break;
        len += n;
    }
    fuse_reply_buf(req, buf, len);
}

/* Runs one command of \ctl; the WRITE is answered already. */
static void notify_command(char *cmd)
{
    char *path = strchr(cmd, ' '), *name;
    fuse_ino_t parent;
    notify_file *f;

    if (path == NULL)
        return;
    *path++ = '\0';
    path[strcspn(path, "\r\n")] = '\0';
    name = strchr(path, '/');
    if (name == NULL)
        return;
    *name++ = '\0';
    parent = strcmp(path, "d") == 0 ? NOTIFY_DIR_INO : FUSE_ROOT_ID;
    f = by_name(parent, name);
    if (strcmp(cmd, "add") == 0 && f == NULL) {
        for (size_t i = 0; i < NOTIFY_MAX_FILES && f == NULL; i++)
            if (files[i].ino == 0)
                f = &files[i];
        if (f == NULL)
            return;
        f->ino = next_ino++;
        f->parent = parent;
        snprintf(f->name, sizeof f->name, "%s", name);
        f->dir = false;
        f->size = 0;
        fuse_lowlevel_notify_inval_entry(session, parent, name, strlen(name));
    } else if (strcmp(cmd, "del") == 0 && f != NULL) {
        fuse_ino_t child = f->ino;
        f->ino = 0;
        fuse_lowlevel_notify_delete(session, parent, child, name, strlen(name));
    } else if (strcmp(cmd, "grow") == 0 && f != NULL) {
        f->size++;
        fuse_lowlevel_notify_inval_inode(session, f->ino, 0, 0);
    }
}

static void notify_write(fuse_req_t req, fuse_ino_t ino, const char *data, size_t size,
    off_t off, struct fuse_file_info *fi)
{
    char cmd[256];
    (void)off;
    (void)fi;
    if (ino != 2 || size >= sizeof cmd) {
        fuse_reply_err(req, EACCES);
        return;
    }
    memcpy(cmd, data, size);
    cmd[size] = '\0';
    fuse_reply_write(req, size);
    notify_command(cmd);
}

static const struct fuse_lowlevel_ops notify_ops = {
    .lookup = notify_lookup,
    .getattr = notify_getattr,
    .readdir = notify_readdir,
    .write = notify_write,
};

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts opts;
    int ret = 1;

    if (fuse_parse_cmdline(&args, &opts) != 0 || opts.mountpoint == NULL) {
        fprintf(stderr, "usage: %s [FUSE OPTIONS] MOUNTPOINT\n", argv[0]);
        return 1;
    }
    session = fuse_session_new(&args, &notify_ops, sizeof notify_ops, NULL);
    if (session != NULL && fuse_session_mount(session, opts.mountpoint) == 0) {
        /* Single-threaded: a command's notification follows its WRITE's answer. */
        ret = fuse_session_loop(session);
        fuse_session_unmount(session);
    }
    if (session != NULL)
        fuse_session_destroy(session);
    free(opts.mountpoint);
    fuse_opt_free_args(&args);
    return ret;
}
