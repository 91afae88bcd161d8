/* lx_files.c — `winfuse mount`: open files and directories (Create, Read, Write, Flush,
   QueryDirectory, Close) and the namespace (Create dispositions, POSIX delete and rename,
   links, reparse points), each as the NT calls LXCORE would make. */
#define _GNU_SOURCE
#include "lx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>     /* RENAME_NOREPLACE */
#include <stdlib.h>
#include <string.h>

#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"
#include "winfuse/reparse_map.h"
#include "winfuse/security.h"

/* A directory entry as read at offset 0; offsets are indexes into the list. */
struct wf_lx_dirent {
    size_t name;                    /* where its name starts in the handle's names */
    mode_t type;
    uint64_t ino;
};

wf_fsd_file *wf_lx_file_of(struct fuse_file_info *fi)
{
    if (fi == NULL || fi->fh == 0)
        return NULL;
    return ((wf_lx_handle *)(uintptr_t)fi->fh)->file;
}

static wf_lx_handle *wf_lx_handle_new(wf_fsd_file *file, int flags)
{
    wf_lx_handle *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->file = file;
    h->append = (flags & O_APPEND) != 0;
    h->direct = (flags & O_DIRECT) != 0;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->ra_filled, NULL);
    return h;
}

void wf_lx_handle_close(wf_lx_handle *h)
{
    wf_fsd_close(h->file);
    free(h->entries);
    free(h->names);
    free(h->ra_buf);
    pthread_cond_destroy(&h->ra_filled);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* The data rights an open(2) mode asks for. */
static uint32_t wf_lx_data_access(int flags)
{
    switch (flags & O_ACCMODE) {
    case O_WRONLY:
        return FILE_WRITE_DATA | FILE_APPEND_DATA;
    case O_RDWR:
        return FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA;
    default:
        return FILE_READ_DATA;
    }
}

/* Hands the open handle to the kernel; false (handle closed) when it did not take it. */
static bool wf_lx_give_handle(fuse_req_t req, fuse_ino_t ino, wf_fsd_file *file,
    struct fuse_file_info *fi, const struct fuse_entry_param *e)
{
    wf_lx *lx = fuse_req_userdata(req);
    wf_lx_handle *h = wf_lx_handle_new(file, fi->flags);
    int err;
    if (h == NULL) {
        wf_fsd_close(file);
        fuse_reply_err(req, ENOMEM);
        return false;
    }
    fi->fh = (uint64_t)(uintptr_t)h;
    /* Attached first: the request is gone once answered. */
    wf_lx_handle_attach(lx, ino, h);
    err = e ? fuse_reply_create(req, e, fi) : fuse_reply_open(req, fi);
    if (err != 0) {
        wf_lx_handle_put(lx, h);
        return false;
    }
    return true;
}

void wf_lx_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t sd_len;
    struct fuse_entry_param e;
    wf_fsd_file *file = NULL;
    uint32_t information = 0;
    NTSTATUS status;
    int err = wf_lx_child_path(lx, parent, name, path, sizeof path);

    if (err) {
        fuse_reply_err(req, -err);
        return;
    }
    status = wf_lx_new_sd(lx, req, mode, false, sd, sizeof sd, &sd_len);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_create_file(lx->fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = wf_lx_data_access(fi->flags) | FILE_READ_ATTRIBUTES |
                READ_CONTROL | SYNCHRONIZE,
            .share_access = WF_LX_SHARE_ALL,
            .create_disposition = (fi->flags & O_EXCL) ? FILE_CREATE : FILE_OPEN_IF,
            .create_options = FILE_NON_DIRECTORY_FILE, .sd = sd,
            .sd_length = (uint32_t)sd_len }, &file, &information);
    /* O_TRUNC of a file that was there: SetEndOfFile, which keeps its EAs (an Overwrite
       would not). */
    if (status == STATUS_SUCCESS && information == FILE_OPENED && (fi->flags & O_TRUNC)) {
        status = wf_fsd_set_end_of_file(file, 0, NULL);
        wf_lx_data_changed(lx);
    }
    memset(&e, 0, sizeof e);
    if (status == STATUS_SUCCESS)
        status = wf_lx_stat_file(lx, file, &e.attr);
    if (status != STATUS_SUCCESS) {
        if (file != NULL)
            wf_fsd_close(file);
        fuse_reply_err(req, wf_lx_errno(status));
        return;
    }
    e.ino = wf_lx_node_ref(lx, path);
    if (e.ino == 0) {
        wf_fsd_close(file);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    e.attr_timeout = e.entry_timeout = lx->timeout;
    if (!wf_lx_give_handle(req, e.ino, file, fi, &e))
        wf_lx_node_forget(lx, e.ino, 1);
}

void wf_lx_open_op(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    wf_fsd_file *file;
    NTSTATUS status = wf_lx_open_node(lx, ino, wf_lx_data_access(fi->flags),
        FILE_NON_DIRECTORY_FILE, &file);

    if (status == STATUS_SUCCESS && (fi->flags & O_TRUNC)) {
        status = wf_fsd_set_end_of_file(file, 0, NULL);
        wf_lx_data_changed(lx);
        if (status != STATUS_SUCCESS)
            wf_fsd_close(file);
    }
    if (status != STATUS_SUCCESS) {
        fuse_reply_err(req, wf_lx_errno(status));
        return;
    }
    (void)wf_lx_give_handle(req, ino, file, fi, NULL);
}

void wf_lx_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
    struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    wf_lx_handle *h = (wf_lx_handle *)(uintptr_t)fi->fh;
    uint32_t written = 0;
    NTSTATUS status;

    (void)ino;
    status = wf_fsd_write(h->file, buf, h->append ? WF_FSD_WRITE_TO_END : (uint64_t)off,
        (uint32_t)size, false, &written, NULL);
    /* After the write, before its answer: a read-ahead taken before counts as stale. */
    wf_lx_data_changed(lx);
    if (status == STATUS_SUCCESS)
        fuse_reply_write(req, written);
    else
        fuse_reply_err(req, wf_lx_errno(status));
}

void wf_lx_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    wf_lx_handle *h = (wf_lx_handle *)(uintptr_t)fi->fh;
    (void)ino;
    wf_lx_handle_put(wf_lx_enter(req), h);
    fuse_reply_err(req, 0);
}

void wf_lx_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    NTSTATUS status = wf_fsd_flush(lx->fsd, wf_lx_file_of(fi), NULL);
    (void)ino;
    (void)datasync;
    /* fsync(2) of a descriptor open for reading is allowed; FlushFileBuffers is not. */
    if (status == STATUS_ACCESS_DENIED)
        status = STATUS_SUCCESS;
    fuse_reply_err(req, wf_lx_errno(status));
}

void wf_lx_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
    struct fuse_file_info *fi)
{
    wf_fsd_file *file = wf_lx_file_of(fi);
    FSP_FSCTL_FILE_INFO info;
    uint64_t end = (uint64_t)offset + (uint64_t)length;
    NTSTATUS status;
    wf_lx *lx = wf_lx_enter(req);

    (void)ino;
    /* Only reservation: holes and zeroed ranges have no NT call here. */
    if (mode & ~FALLOC_FL_KEEP_SIZE) {
        fuse_reply_err(req, EOPNOTSUPP);
        return;
    }
    status = wf_fsd_query_info(file, &info);
    if (status == STATUS_SUCCESS && !(mode & FALLOC_FL_KEEP_SIZE) && end > info.FileSize)
        status = wf_fsd_set_end_of_file(file, end, NULL);
    else if (status == STATUS_SUCCESS && (mode & FALLOC_FL_KEEP_SIZE) &&
             end > info.AllocationSize)
        status = wf_fsd_set_allocation_size(file, end, NULL);
    wf_lx_data_changed(lx);
    fuse_reply_err(req, wf_lx_errno(status));
}

/* ---- directories --------------------------------------------------------------------- */

void wf_lx_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    wf_fsd_file *file;
    NTSTATUS status = wf_lx_open_node(lx, ino, FILE_LIST_DIRECTORY, FILE_DIRECTORY_FILE,
        &file);

    if (status != STATUS_SUCCESS) {
        fuse_reply_err(req, wf_lx_errno(status));
        return;
    }
    fi->flags = 0;
    (void)wf_lx_give_handle(req, ino, file, fi, NULL);
}

/* Names go into one growing buffer: a listing makes no allocation per entry. */
static bool wf_lx_dir_add(wf_lx_handle *h, const char *name, size_t len, mode_t type,
    uint64_t ino)
{
    if (h->names_cap - h->names_used <= len) {
        size_t cap = h->names_cap ? h->names_cap : 4096;
        while (cap - h->names_used <= len)
            cap *= 2;
        char *grown = realloc(h->names, cap);
        if (grown == NULL)
            return false;
        h->names = grown;
        h->names_cap = cap;
    }
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        wf_lx_dirent *grown = realloc(h->entries, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        h->entries = grown;
        h->cap = cap;
    }
    memcpy(h->names + h->names_used, name, len + 1);
    h->entries[h->count].name = h->names_used;
    h->names_used += len + 1;
    h->entries[h->count].type = type;
    h->entries[h->count].ino = ino;
    h->count++;
    return true;
}

static bool wf_lx_dir_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_lx_handle *h = ctx;
    char buffer[1024];
    size_t len;
    mode_t type = S_IFREG;
    /* A name with no Linux form cannot be listed (the engine gives none such). */
    const char *linux_name = wf_lx_name_linux_form(name, buffer, sizeof buffer, &len);

    /* "." and ".." are their own Linux form. */
    if (linux_name == NULL || wf_name_is_dot_or_dotdot(linux_name, len))
        return true;
    if (info->FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        type = info->ReparseTag == IO_REPARSE_TAG_SYMLINK ? S_IFLNK :
            info->ReparseTag == IO_REPARSE_TAG_NFS ? 0 :
            (info->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? S_IFDIR : S_IFREG;
    else if (info->FileAttributes & FILE_ATTRIBUTE_DIRECTORY)
        type = S_IFDIR;
    return wf_lx_dir_add(h, linux_name, len, type, info->IndexNumber ? info->IndexNumber : 1);
}

/* Reads the whole directory, as at opendir or rewinddir: "." and ".." first. */
static NTSTATUS wf_lx_dir_load(wf_lx_handle *h)
{
    h->count = 0;
    h->names_used = 0;
    if (!wf_lx_dir_add(h, ".", 1, S_IFDIR, 1) || !wf_lx_dir_add(h, "..", 2, S_IFDIR, 1))
        return STATUS_NO_MEMORY;
    return wf_fsd_query_directory(h->file, NULL, wf_lx_dir_entry, h);
}

void wf_lx_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
    wf_lx_handle *h = (wf_lx_handle *)(uintptr_t)fi->fh;
    char *buffer = malloc(size ? size : 1);
    size_t used = 0;
    NTSTATUS status = STATUS_SUCCESS;
    struct stat st;

    (void)ino;
    wf_lx_enter(req);
    if (buffer == NULL) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    pthread_mutex_lock(&h->lock);
    if (off == 0 || h->count == 0)
        status = wf_lx_dir_load(h);
    /* fuse_add_direntry reads only st_ino and st_mode: the rest is cleared once. */
    memset(&st, 0, sizeof st);
    for (size_t i = (size_t)off; status == STATUS_SUCCESS && i < h->count; i++) {
        size_t need;
        st.st_ino = (ino_t)h->entries[i].ino;
        st.st_mode = h->entries[i].type;
        need = fuse_add_direntry(req, buffer + used, size - used,
            h->names + h->entries[i].name, &st, (off_t)(i + 1));
        if (need > size - used)
            break;
        used += need;
    }
    pthread_mutex_unlock(&h->lock);
    if (status != STATUS_SUCCESS)
        fuse_reply_err(req, wf_lx_errno(status));
    else
        fuse_reply_buf(req, buffer, used);
    free(buffer);
}

void wf_lx_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    wf_lx_release(req, ino, fi);
}

/* ---- the namespace -------------------------------------------------------------------- */

void wf_lx_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t sd_len;
    wf_fsd_file *file;
    NTSTATUS status;
    int err = wf_lx_child_path(lx, parent, name, path, sizeof path);

    if (err) {
        fuse_reply_err(req, -err);
        return;
    }
    status = wf_lx_new_sd(lx, req, mode, true, sd, sizeof sd, &sd_len);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_create_file(lx->fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = FILE_READ_ATTRIBUTES | SYNCHRONIZE,
            .share_access = WF_LX_SHARE_ALL, .create_disposition = FILE_CREATE,
            .create_options = FILE_DIRECTORY_FILE, .sd = sd, .sd_length = (uint32_t)sd_len },
            &file, NULL);
    if (status != STATUS_SUCCESS) {
        fuse_reply_err(req, wf_lx_errno(status));
        return;
    }
    wf_fsd_close(file);
    wf_lx_reply_entry(lx, req, path);
}

/* Creates path (FILE_CREATE, the link itself) and sets reparse data on it, as
   CreateSymbolicLinkW does; deletes it again when that fails. */
static NTSTATUS wf_lx_make_reparse(wf_lx *lx, fuse_req_t req, const char *path, mode_t mode,
    const void *buffer, size_t size)
{
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t sd_len;
    wf_fsd_file *file;
    NTSTATUS status = wf_lx_new_sd(lx, req, mode, false, sd, sizeof sd, &sd_len);

    if (status == STATUS_SUCCESS)
        status = wf_fsd_create_file(lx->fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = FILE_WRITE_ATTRIBUTES | DELETE | SYNCHRONIZE,
            .share_access = WF_LX_SHARE_ALL, .create_disposition = FILE_CREATE,
            .create_options = FILE_OPEN_REPARSE_POINT | FILE_NON_DIRECTORY_FILE,
            .sd = sd, .sd_length = (uint32_t)sd_len }, &file, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_set_reparse_point(file, buffer, (uint32_t)size);
    if (status != STATUS_SUCCESS)
        (void)wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false);
    wf_fsd_close(file);
    return status;
}

void wf_lx_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    uint8_t buffer[256];
    size_t size;
    NTSTATUS status;
    int err = wf_lx_child_path(lx, parent, name, path, sizeof path);

    if (err) {
        fuse_reply_err(req, -err);
        return;
    }
    if (S_ISREG(mode)) {
        uint8_t sd[WF_SD_FROM_POSIX_MAX];
        size_t sd_len;
        wf_fsd_file *file;
        status = wf_lx_new_sd(lx, req, mode, false, sd, sizeof sd, &sd_len);
        if (status == STATUS_SUCCESS)
            status = wf_fsd_create_file(lx->fsd, &(wf_fsd_create_params){ .path = path,
                .desired_access = FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                .share_access = WF_LX_SHARE_ALL, .create_disposition = FILE_CREATE,
                .create_options = FILE_NON_DIRECTORY_FILE, .sd = sd,
                .sd_length = (uint32_t)sd_len }, &file, NULL);
        if (status == STATUS_SUCCESS)
            wf_fsd_close(file);
    } else {
        /* FIFOs, sockets and devices: an NFS reparse point, as the engine maps MKNOD. */
        status = wf_reparse_build_nfs((uint32_t)mode, (uint32_t)rdev, buffer, sizeof buffer,
            &size);
        if (status == STATUS_NOT_A_REPARSE_POINT)
            status = STATUS_INVALID_PARAMETER;
        if (status == STATUS_SUCCESS)
            status = wf_lx_make_reparse(lx, req, path, mode, buffer, size);
    }
    if (status != STATUS_SUCCESS)
        fuse_reply_err(req, wf_lx_errno(status));
    else
        wf_lx_reply_entry(lx, req, path);
}

void wf_lx_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    uint16_t *units = malloc(WF_REPARSE_DATA_MAX);
    uint8_t *buffer = malloc(WF_REPARSE_DATA_MAX);
    size_t n, size;
    NTSTATUS status = STATUS_NO_MEMORY;
    int err = wf_lx_child_path(lx, parent, name, path, sizeof path);

    if (err) {
        fuse_reply_err(req, -err);
        goto exit;
    }
    /* A link's target in Windows form (an absolute one from the volume's root), relative
       as CreateSymbolicLinkW stores a target without a drive. */
    if (units != NULL && buffer != NULL)
        status = wf_reparse_target_to_windows(target, strlen(target), units,
            WF_REPARSE_DATA_MAX / sizeof(uint16_t) / 2, &n);
    if (status == STATUS_SUCCESS)
        status = wf_reparse_build_symlink(units, n, SYMLINK_FLAG_RELATIVE, buffer,
            WF_REPARSE_DATA_MAX, &size);
    if (status == STATUS_BUFFER_OVERFLOW)
        status = STATUS_NAME_TOO_LONG;
    if (status == STATUS_SUCCESS)
        status = wf_lx_make_reparse(lx, req, path, 0777, buffer, size);
    if (status != STATUS_SUCCESS)
        fuse_reply_err(req, wf_lx_errno(status));
    else
        wf_lx_reply_entry(lx, req, path);
exit:
    free(buffer);
    free(units);
}

/* unlink and rmdir: a POSIX delete (the name goes at once, open handles go on), which
   ignores the READONLY attribute as Linux ignores a file's own mode. */
static void wf_lx_remove(fuse_req_t req, fuse_ino_t parent, const char *name, bool directory)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    wf_fsd_file *file;
    NTSTATUS status;
    int err = wf_lx_child_path(lx, parent, name, path, sizeof path);

    if (err) {
        fuse_reply_err(req, -err);
        return;
    }
    status = wf_lx_open(lx, path, DELETE,
        directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE, &file);
    if (status == STATUS_SUCCESS) {
        status = wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE |
            FILE_DISPOSITION_POSIX_SEMANTICS | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE,
            true);
        wf_fsd_close(file);
    }
    if (status == STATUS_SUCCESS)
        wf_lx_node_removed(lx, path);
    fuse_reply_err(req, wf_lx_errno(status));
}

void wf_lx_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    wf_lx_remove(req, parent, name, false);
}

void wf_lx_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    wf_lx_remove(req, parent, name, true);
}

/* Whether path names a directory (false when it names nothing). */
static bool wf_lx_is_directory(wf_lx *lx, const char *path, bool *exists)
{
    wf_fsd_file *file;
    FSP_FSCTL_FILE_INFO info;
    bool directory = false;
    *exists = false;
    if (wf_lx_open(lx, path, 0, 0, &file) != STATUS_SUCCESS)
        return false;
    *exists = true;
    if (wf_fsd_query_info(file, &info) == STATUS_SUCCESS)
        directory = (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
            !(info.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT);
    wf_fsd_close(file);
    return directory;
}

void wf_lx_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
    const char *newname, unsigned int flags)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX], new_path[WF_LX_PATH_MAX];
    wf_fsd_file *file;
    NTSTATUS status;
    bool source_dir, target_dir, source_exists, target_exists;
    int err = wf_lx_child_path(lx, parent, name, path, sizeof path);

    if (!err)
        err = -wf_lx_child_path(lx, newparent, newname, new_path, sizeof new_path);
    if (err) {
        fuse_reply_err(req, err < 0 ? -err : err);
        return;
    }
    /* NT has no exchange of two names. */
    if (flags & ~(unsigned)RENAME_NOREPLACE) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    status = wf_lx_open(lx, path, DELETE, 0, &file);
    if (status != STATUS_SUCCESS) {
        fuse_reply_err(req, wf_lx_errno(status));
        return;
    }
    status = wf_fsd_rename(file, new_path, FILE_RENAME_POSIX_SEMANTICS |
        FILE_RENAME_IGNORE_READONLY_ATTRIBUTE |
        ((flags & RENAME_NOREPLACE) ? 0 : FILE_RENAME_REPLACE_IF_EXISTS));
    /* NT never replaces a directory; POSIX replaces an empty one with a directory. The
       errors rename(2) gives for the kinds that do not match come first. */
    if (status == STATUS_ACCESS_DENIED && !(flags & RENAME_NOREPLACE)) {
        source_dir = wf_lx_is_directory(lx, path, &source_exists);
        target_dir = wf_lx_is_directory(lx, new_path, &target_exists);
        if (source_exists && target_exists && target_dir && !source_dir) {
            status = STATUS_FILE_IS_A_DIRECTORY;
        } else if (source_exists && target_exists && source_dir && target_dir) {
            wf_fsd_file *target;
            status = wf_lx_open(lx, new_path, DELETE, FILE_DIRECTORY_FILE, &target);
            if (status == STATUS_SUCCESS) {
                status = wf_fsd_set_disposition(target, FILE_DISPOSITION_DELETE |
                    FILE_DISPOSITION_POSIX_SEMANTICS, true);
                wf_fsd_close(target);
            }
            if (status == STATUS_SUCCESS) {
                wf_lx_node_removed(lx, new_path);
                status = wf_fsd_rename(file, new_path, FILE_RENAME_POSIX_SEMANTICS |
                    FILE_RENAME_IGNORE_READONLY_ATTRIBUTE);
            }
        } else {
            status = STATUS_ACCESS_DENIED;
        }
    } else if (status == STATUS_NOT_A_DIRECTORY || status == STATUS_OBJECT_TYPE_MISMATCH) {
        status = STATUS_NOT_A_DIRECTORY;
    }
    wf_fsd_close(file);
    if (status == STATUS_SUCCESS)
        wf_lx_node_renamed(lx, path, new_path);
    fuse_reply_err(req, wf_lx_errno(status));
}

void wf_lx_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
    wf_lx *lx = wf_lx_enter(req);
    char new_path[WF_LX_PATH_MAX];
    wf_fsd_file *file;
    NTSTATUS status;
    int err = wf_lx_child_path(lx, newparent, newname, new_path, sizeof new_path);

    if (err) {
        fuse_reply_err(req, -err);
        return;
    }
    status = wf_lx_open_node(lx, ino, 0, 0, &file);
    if (status == STATUS_SUCCESS) {
        status = wf_fsd_link(file, new_path, false);
        wf_fsd_close(file);
    }
    if (status != STATUS_SUCCESS)
        fuse_reply_err(req, wf_lx_errno(status));
    else
        wf_lx_reply_entry(lx, req, new_path);
}
