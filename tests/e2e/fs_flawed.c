/* fs_flawed.c — a passthrough FUSE file system (libfuse 3, high-level API) with two
   deliberate flaws: RENAME with RENAME_NOREPLACE replaces an existing target, as file systems
   that ignore rename flags do (the engine looks the target up first, as the kernel does, so
   no Windows program sees it: test_rename_link.sh), and SETATTR of times is accepted and
   ignored, which nothing can hide (test_check.sh expects `winfuse check` to catch it).
   Usage: fs_flawed SOURCE [FUSE OPTIONS] MOUNTPOINT */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1u << 0)
#endif

static const char *source;

/* The real path of a path in the file system; NULL when it does not fit. */
static const char *real_path(const char *path, char buffer[PATH_MAX])
{
    if ((size_t)snprintf(buffer, PATH_MAX, "%s%s", source, path) >= PATH_MAX)
        return NULL;
    return buffer;
}

#define REAL(var, path) \
    char var##_buffer[PATH_MAX]; \
    const char *var = real_path(path, var##_buffer); \
    if (var == NULL) \
        return -ENAMETOOLONG

static int result(int rc)
{
    return rc < 0 ? -errno : 0;
}

static void *nr_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    cfg->use_ino = 1;
    /* Opened files may be unlinked (POSIX deletes) and are still read through their fd;
       the library then passes no path (and a path otherwise: nullpath_ok stays 0). */
    cfg->hard_remove = 1;
    /* No caching: every question, the rename target included, reaches this file system. */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    return NULL;
}

static int nr_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    /* The handle only for a file whose name is gone: for a directory, fi->fh is the
       library's own directory handle, not ours. */
    if (path == NULL)
        return fi != NULL ? result(fstat((int)fi->fh, st)) : -ENOENT;
    REAL(real, path);
    return result(lstat(real, st));
}

static int nr_opendir(const char *path, struct fuse_file_info *fi)
{
    int fd;
    REAL(real, path);
    fd = open(real, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int nr_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset,
    struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    struct dirent *entry;
    DIR *dir;
    int fd;

    (void)path;
    (void)offset;
    (void)flags;
    /* A stream of its own each time (the handle's descriptor stays for fstat). */
    fd = dup((int)fi->fh);
    if (fd < 0)
        return -errno;
    dir = fdopendir(fd);
    if (dir == NULL) {
        close(fd);
        return -errno;
    }
    rewinddir(dir);
    /* The whole directory at offset 0: the library keeps it for the calls that follow. */
    while ((entry = readdir(dir)) != NULL) {
        struct stat st;
        if (fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;       /* gone since */
        if (filler(buf, entry->d_name, &st, 0, FUSE_FILL_DIR_PLUS) != 0)
            break;
    }
    closedir(dir);
    return 0;
}

static int nr_releasedir(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    close((int)fi->fh);
    return 0;
}

static int nr_mkdir(const char *path, mode_t mode)
{
    REAL(real, path);
    return result(mkdir(real, mode));
}

static int nr_unlink(const char *path)
{
    REAL(real, path);
    return result(unlink(real));
}

static int nr_rmdir(const char *path)
{
    REAL(real, path);
    return result(rmdir(real));
}

static int nr_rename(const char *from, const char *to, unsigned int flags)
{
    REAL(real_from, from);
    REAL(real_to, to);
    if (flags & ~RENAME_NOREPLACE)
        return -EINVAL;
    /* The first flaw: RENAME_NOREPLACE is accepted and not honoured. */
    return result(rename(real_from, real_to));
}

static int nr_link(const char *from, const char *to)
{
    REAL(real_from, from);
    REAL(real_to, to);
    return result(link(real_from, real_to));
}

static int nr_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    if (fi != NULL)
        return result(fchmod((int)fi->fh, mode));
    REAL(real, path);
    return result(chmod(real, mode));
}

static int nr_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    if (fi != NULL)
        return result(ftruncate((int)fi->fh, size));
    REAL(real, path);
    return result(truncate(real, size));
}

/* The second flaw: times are accepted and not set. */
static int nr_utimens(const char *path, const struct timespec times[2],
    struct fuse_file_info *fi)
{
    (void)path;
    (void)times;
    (void)fi;
    return 0;
}

static int nr_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    int fd;
    REAL(real, path);
    fd = open(real, fi->flags, mode);
    if (fd < 0)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int nr_open(const char *path, struct fuse_file_info *fi)
{
    int fd;
    REAL(real, path);
    fd = open(real, fi->flags);
    if (fd < 0)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int nr_read(const char *path, char *buf, size_t size, off_t offset,
    struct fuse_file_info *fi)
{
    ssize_t n = pread((int)fi->fh, buf, size, offset);
    (void)path;
    return n < 0 ? -errno : (int)n;
}

static int nr_write(const char *path, const char *buf, size_t size, off_t offset,
    struct fuse_file_info *fi)
{
    ssize_t n = pwrite((int)fi->fh, buf, size, offset);
    (void)path;
    return n < 0 ? -errno : (int)n;
}

static int nr_statfs(const char *path, struct statvfs *st)
{
    (void)path;
    return result(statvfs(source, st));
}

static int nr_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    close((int)fi->fh);
    return 0;
}

static int nr_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path;
    return result(datasync ? fdatasync((int)fi->fh) : fsync((int)fi->fh));
}

static const struct fuse_operations nr_operations = {
    .init = nr_init,
    .getattr = nr_getattr,
    .opendir = nr_opendir,
    .readdir = nr_readdir,
    .releasedir = nr_releasedir,
    .mkdir = nr_mkdir,
    .unlink = nr_unlink,
    .rmdir = nr_rmdir,
    .rename = nr_rename,
    .link = nr_link,
    .chmod = nr_chmod,
    .truncate = nr_truncate,
    .utimens = nr_utimens,
    .create = nr_create,
    .open = nr_open,
    .read = nr_read,
    .write = nr_write,
    .statfs = nr_statfs,
    .release = nr_release,
    .fsync = nr_fsync,
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOURCE [FUSE OPTIONS] MOUNTPOINT\n", argv[0]);
        return 2;
    }
    source = realpath(argv[1], NULL);
    if (source == NULL) {
        perror(argv[1]);
        return 2;
    }
    /* The source is ours, not libfuse's: it sees the program name, then the rest. */
    argv[1] = argv[0];
    return fuse_main(argc - 1, argv + 1, &nr_operations, NULL);
}
