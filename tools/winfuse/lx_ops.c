/* lx_ops.c — `winfuse mount`: the caller's identity, attributes (lookup, getattr, setattr,
   access, statfs), links' targets and xattrs, each as the NT calls LXCORE would make. */
#define _GNU_SOURCE
#include "lx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>

#include "winfuse/ea_map.h"
#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"
#include "winfuse/reparse_map.h"
#include "winfuse/security.h"

#define WF_LX_SD_SMALL 512u
#define WF_LX_SECURITY_ALL \
    (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION)
/* The EA list a file can hold (WinFsp's limit on a response's buffer is lower). */
#define WF_LX_EA_MAX (64u * 1024u)

/* The caller of the last request this thread served, and its groups: reading them
   (/proc/PID/status) for every request would cost more than the request. */
static _Thread_local struct {
    bool known;
    uint32_t uid, gid, pid;
    wf_identity identity;
} wf_lx_caller;

wf_lx *wf_lx_enter(fuse_req_t req)
{
    wf_lx *lx = fuse_req_userdata(req);
    const struct fuse_ctx *ctx = fuse_req_ctx(req);

    wf_lx_interrupt_enter(lx, req);
    if (lx->fixed_identity) {
        wf_fsd_set_thread_identity(lx->fsd, &lx->identity);
        return lx;
    }
    if (ctx->pid == 0) {
        /* A request no process made (RELEASE of a file's last close, from the kernel's
           own context): /proc has no process 0, so it has no groups, and the last real
           caller stays cached (else every open+read+close read /proc/PID/status again). */
        wf_identity none = { .uid = (uint32_t)ctx->uid, .gid = (uint32_t)ctx->gid };
        wf_fsd_set_thread_identity(lx->fsd, &none);
        return lx;
    }
    if (!wf_lx_caller.known || wf_lx_caller.uid != ctx->uid || wf_lx_caller.gid != ctx->gid ||
        wf_lx_caller.pid != (uint32_t)ctx->pid) {
        gid_t groups[WF_IDENTITY_MAX_GROUPS];
        int count = fuse_req_getgroups(req, WF_IDENTITY_MAX_GROUPS, groups);
        wf_identity *id = &wf_lx_caller.identity;

        memset(id, 0, sizeof *id);
        id->uid = (uint32_t)ctx->uid;
        id->gid = (uint32_t)ctx->gid;
        id->pid = (uint32_t)ctx->pid;
        /* More groups than fit: the first ones count, as getgroups would refuse. */
        for (int i = 0; i < count && i < (int)WF_IDENTITY_MAX_GROUPS; i++)
            id->groups[id->group_count++] = (uint32_t)groups[i];
        wf_lx_caller.uid = id->uid;
        wf_lx_caller.gid = id->gid;
        wf_lx_caller.pid = id->pid;
        wf_lx_caller.known = true;
    }
    wf_fsd_set_thread_identity(lx->fsd, &wf_lx_caller.identity);
    return lx;
}

NTSTATUS wf_lx_open(wf_lx *lx, const char *path, uint32_t access, uint32_t create_options,
    wf_fsd_file **file)
{
    return wf_fsd_create_file(lx->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = access | FILE_READ_ATTRIBUTES | READ_CONTROL | SYNCHRONIZE,
        .share_access = WF_LX_SHARE_ALL, .create_disposition = FILE_OPEN,
        .create_options = create_options | FILE_OPEN_REPARSE_POINT }, file, NULL);
}

NTSTATUS wf_lx_open_node(wf_lx *lx, fuse_ino_t ino, uint32_t access, uint32_t create_options,
    wf_fsd_file **file)
{
    char path[WF_LX_PATH_MAX];
    int err = wf_lx_path(lx, ino, path, sizeof path);

    *file = NULL;
    if (err)
        return err == -ENOENT ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_NAME_TOO_LONG;
    return wf_lx_open(lx, path, access, create_options, file);
}

/* The file's owner, group and permission bits, from its security descriptor. */
static NTSTATUS wf_lx_query_posix(wf_lx *lx, wf_fsd_file *file, uint32_t *uid, uint32_t *gid,
    uint32_t *perm)
{
    uint8_t small[WF_LX_SD_SMALL];
    uint8_t *sd = small;
    uint32_t bytes = 0;
    NTSTATUS status = wf_fsd_query_security(file, WF_LX_SECURITY_ALL, sd, sizeof small, &bytes);

    if (status == STATUS_BUFFER_TOO_SMALL && bytes > sizeof small) {
        sd = malloc(bytes);
        if (sd == NULL)
            return STATUS_NO_MEMORY;
        status = wf_fsd_query_security(file, WF_LX_SECURITY_ALL, sd, bytes, &bytes);
    }
    *uid = *gid = WF_UID_UNMAPPED;
    if (status == STATUS_SUCCESS)
        status = wf_sd_to_posix(lx->id_map, sd, bytes, uid, gid, perm, NULL);
    if (sd != small)
        free(sd);
    return status;
}

/* A special file's type and device number, from its NFS reparse point. */
static NTSTATUS wf_lx_special_type(wf_fsd_file *file, uint32_t *type, uint32_t *rdev)
{
    uint8_t *buffer = malloc(WF_REPARSE_DATA_MAX);
    uint32_t bytes = 0;
    NTSTATUS status = buffer ? STATUS_SUCCESS : STATUS_NO_MEMORY;

    if (status == STATUS_SUCCESS)
        status = wf_fsd_get_reparse_point(file, buffer, WF_REPARSE_DATA_MAX, &bytes);
    if (status == STATUS_SUCCESS)
        status = wf_reparse_get_nfs(buffer, bytes, type, rdev, NULL, 0, NULL);
    free(buffer);
    return status;
}

static NTSTATUS wf_lx_link_target(wf_fsd_file *file, char *target, size_t cap, size_t *len);

static void wf_lx_timespec(uint64_t nt, struct timespec *ts)
{
    int64_t seconds;
    uint32_t nanoseconds;
    wf_nt_to_unix_time(nt, &seconds, &nanoseconds);
    ts->tv_sec = (time_t)seconds;
    ts->tv_nsec = (long)nanoseconds;
}

NTSTATUS wf_lx_stat_file(wf_lx *lx, wf_fsd_file *file, struct stat *st)
{
    FSP_FSCTL_FILE_INFO info;
    uint32_t uid, gid, perm = 0, type = S_IFREG, rdev = 0;
    NTSTATUS status = wf_fsd_query_info(file, &info);

    if (status == STATUS_SUCCESS)
        status = wf_lx_query_posix(lx, file, &uid, &gid, &perm);
    if (status != STATUS_SUCCESS)
        return status;
    if (info.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
        if (info.ReparseTag == IO_REPARSE_TAG_SYMLINK)
            type = S_IFLNK;
        else if (info.ReparseTag == IO_REPARSE_TAG_NFS &&
                 wf_lx_special_type(file, &type, &rdev) != STATUS_SUCCESS)
            type = S_IFREG;
        else if (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            type = S_IFDIR;
    } else if (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        type = S_IFDIR;
    }
    memset(st, 0, sizeof *st);
    st->st_ino = (ino_t)info.IndexNumber;
    st->st_mode = (mode_t)(type | (perm & 07777));
    /* WinFsp reports no link count (0): one, as file systems without one do (btrfs gives
       directories 1 too, which tells find not to count subdirectories by it). */
    st->st_nlink = info.HardLinks ? info.HardLinks : 1;
    st->st_uid = (uid_t)uid;
    st->st_gid = (gid_t)gid;
    st->st_rdev = (dev_t)rdev;
    st->st_size = (off_t)info.FileSize;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((info.AllocationSize + 511u) / 512u);
    /* A link's size is its target's length (git compares it with the index's). */
    if (type == S_IFLNK && st->st_size == 0) {
        char *target = malloc(WF_REPARSE_DATA_MAX * 2);
        size_t len;
        if (target != NULL &&
            wf_lx_link_target(file, target, WF_REPARSE_DATA_MAX * 2, &len) == STATUS_SUCCESS)
            st->st_size = (off_t)len;
        free(target);
    }
    wf_lx_timespec(info.LastAccessTime, &st->st_atim);
    wf_lx_timespec(info.LastWriteTime, &st->st_mtim);
    wf_lx_timespec(info.ChangeTime ? info.ChangeTime : info.LastWriteTime, &st->st_ctim);
    return STATUS_SUCCESS;
}

/* stat of a path: a metadata-only open, QueryInformation and QuerySecurity, Close. */
static NTSTATUS wf_lx_stat_path(wf_lx *lx, const char *path, struct stat *st)
{
    wf_fsd_file *file;
    NTSTATUS status = wf_lx_open(lx, path, 0, 0, &file);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_lx_stat_file(lx, file, st);
    wf_fsd_close(file);
    return status;
}

void wf_lx_reply_entry(wf_lx *lx, fuse_req_t req, const char *path)
{
    struct fuse_entry_param e;
    NTSTATUS status;

    memset(&e, 0, sizeof e);
    status = wf_lx_stat_path(lx, path, &e.attr);
    if (status != STATUS_SUCCESS) {
        fuse_reply_err(req, wf_lx_errno(status));
        return;
    }
    e.ino = wf_lx_node_ref(lx, path);
    if (e.ino == 0) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    e.attr_timeout = e.entry_timeout = lx->timeout;
    if (fuse_reply_entry(req, &e) != 0)
        wf_lx_node_forget(lx, e.ino, 1);    /* the kernel did not take it (interrupted) */
}

NTSTATUS wf_lx_new_sd(wf_lx *lx, fuse_req_t req, uint32_t mode, bool is_directory, void *sd,
    size_t cap, size_t *len)
{
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    uint32_t uid = lx->fixed_identity ? lx->identity.uid : (uint32_t)ctx->uid;
    uint32_t gid = lx->fixed_identity ? lx->identity.gid : (uint32_t)ctx->gid;
    /* The kernel applies the umask itself (FUSE_CAP_DONT_MASK is not asked for). */
    return wf_sd_from_posix(lx->id_map, uid, gid, mode & 07777, is_directory, sd, cap, len);
}

static void wf_lx_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    int err = wf_lx_child_path(lx, parent, name, path, sizeof path);
    if (err) {
        fuse_reply_err(req, -err);
        return;
    }
    wf_lx_reply_entry(lx, req, path);
}

static void wf_lx_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    wf_lx_node_forget(fuse_req_userdata(req), ino, nlookup);
    fuse_reply_none(req);
}

static void wf_lx_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
    for (size_t i = 0; i < count; i++)
        wf_lx_node_forget(fuse_req_userdata(req), forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

static void wf_lx_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    struct stat st;
    NTSTATUS status;
    wf_fsd_file *file = wf_lx_file_of(fi);

    if (file != NULL) {
        status = wf_lx_stat_file(lx, file, &st);
    } else {
        int err = wf_lx_path(lx, ino, path, sizeof path);
        wf_lx_handle *h = err == -ENOENT ? wf_lx_handle_borrow(lx, ino) : NULL;
        if (h != NULL) {
            /* Unlinked, but open: its handle still reaches it. */
            status = wf_lx_stat_file(lx, h->file, &st);
            wf_lx_handle_put(lx, h);
        } else if (err) {
            fuse_reply_err(req, -err);
            return;
        } else {
            status = wf_lx_stat_path(lx, path, &st);
        }
    }
    if (status != STATUS_SUCCESS)
        fuse_reply_err(req, wf_lx_errno(status));
    else
        fuse_reply_attr(req, &st, lx->timeout);
}

static uint64_t wf_lx_nt_time(const struct timespec *ts, bool now)
{
    struct timespec t;
    if (now)
        clock_gettime(CLOCK_REALTIME, &t);
    else
        t = *ts;
    return wf_unix_to_nt_time((int64_t)t.tv_sec, (uint32_t)t.tv_nsec);
}

/* chmod and chown: SetSecurity with a descriptor made from the mode, owner and group the
   file will have (the parts the call changes are the ones set). */
static NTSTATUS wf_lx_set_owner_mode(wf_lx *lx, wf_fsd_file *file, const struct stat *attr,
    int to_set, bool is_directory)
{
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    uint32_t uid, gid, perm, info = 0;
    size_t len;
    NTSTATUS status = wf_lx_query_posix(lx, file, &uid, &gid, &perm);

    if (status != STATUS_SUCCESS)
        return status;
    if (to_set & FUSE_SET_ATTR_MODE) {
        perm = attr->st_mode & 07777;
        info |= DACL_SECURITY_INFORMATION;
    }
    if (to_set & FUSE_SET_ATTR_UID) {
        uid = attr->st_uid;
        info |= OWNER_SECURITY_INFORMATION;
    }
    if (to_set & FUSE_SET_ATTR_GID) {
        gid = attr->st_gid;
        info |= GROUP_SECURITY_INFORMATION;
    }
    status = wf_sd_from_posix(lx->id_map, uid, gid, perm, is_directory, sd, sizeof sd, &len);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_set_security(file, info, sd, (uint32_t)len);
    return status;
}

static void wf_lx_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    char path[WF_LX_PATH_MAX];
    wf_fsd_file *file = NULL, *handle = wf_lx_file_of(fi);
    wf_lx_handle *borrowed = NULL;
    uint32_t access = 0;
    struct stat st;
    NTSTATUS status = STATUS_SUCCESS;
    int err = wf_lx_path(lx, ino, path, sizeof path);

    if (to_set & FUSE_SET_ATTR_MODE)
        access |= WRITE_DAC;
    if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
        access |= WRITE_OWNER;
    if (to_set & FUSE_SET_ATTR_SIZE)
        access |= FILE_WRITE_DATA;
    if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
                  FUSE_SET_ATTR_MTIME_NOW))
        access |= FILE_WRITE_ATTRIBUTES;
    /* By name, with the rights the change needs; a file whose name is gone only through
       its open handle (ftruncate of an unlinked file). */
    if (err == 0) {
        status = wf_lx_open(lx, path, access, 0, &file);
    } else if (handle != NULL) {
        file = handle;
    } else if ((borrowed = wf_lx_handle_borrow(lx, ino)) != NULL) {
        file = handle = borrowed->file;
    } else {
        status = STATUS_OBJECT_NAME_NOT_FOUND;
    }
    if (status != STATUS_SUCCESS)
        goto exit;
    if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
        status = wf_lx_stat_file(lx, file, &st);
        if (status == STATUS_SUCCESS)
            status = wf_lx_set_owner_mode(lx, file, attr, to_set, S_ISDIR(st.st_mode));
    }
    if (status == STATUS_SUCCESS && (to_set & FUSE_SET_ATTR_SIZE)) {
        status = wf_fsd_set_end_of_file(file, (uint64_t)attr->st_size, NULL);
        wf_lx_data_changed(lx);
    }
    if (status == STATUS_SUCCESS && (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
                                         FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW))) {
        uint64_t atime = 0, mtime = 0;
        if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW))
            atime = wf_lx_nt_time(&attr->st_atim, to_set & FUSE_SET_ATTR_ATIME_NOW);
        if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW))
            mtime = wf_lx_nt_time(&attr->st_mtim, to_set & FUSE_SET_ATTR_MTIME_NOW);
        status = wf_fsd_set_basic_info(file, 0, 0, atime, mtime, 0, NULL);
    }
    if (status == STATUS_SUCCESS)
        status = wf_lx_stat_file(lx, file, &st);
exit:
    if (file != NULL && file != handle)
        wf_fsd_close(file);
    if (borrowed != NULL)
        wf_lx_handle_put(lx, borrowed);
    /* Linux answers EPERM where the caller may not change ownership or mode. */
    if (status == STATUS_ACCESS_DENIED &&
        (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
        status = STATUS_PRIVILEGE_NOT_HELD;
    if (status != STATUS_SUCCESS)
        fuse_reply_err(req, wf_lx_errno(status));
    else
        fuse_reply_attr(req, &st, lx->timeout);
}

static void wf_lx_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
    wf_lx *lx = wf_lx_enter(req);
    wf_fsd_file *file;
    uint32_t access = 0;
    NTSTATUS status;

    /* The same bits serve files and directories: FILE_LIST_DIRECTORY, FILE_ADD_FILE and
       FILE_TRAVERSE are FILE_READ_DATA, FILE_WRITE_DATA and FILE_EXECUTE. */
    if (mask & R_OK)
        access |= FILE_READ_DATA;
    if (mask & W_OK)
        access |= FILE_WRITE_DATA;
    if (mask & X_OK)
        access |= FILE_EXECUTE;
    status = wf_lx_open_node(lx, ino, access, 0, &file);
    if (status == STATUS_SUCCESS)
        wf_fsd_close(file);
    fuse_reply_err(req, wf_lx_errno(status));
}

static void wf_lx_statfs(fuse_req_t req, fuse_ino_t ino)
{
    wf_lx *lx = wf_lx_enter(req);
    FSP_FSCTL_VOLUME_INFO info;
    struct statvfs sv;
    NTSTATUS status = wf_fsd_query_volume(lx->fsd, &info);

    (void)ino;
    if (status != STATUS_SUCCESS) {
        fuse_reply_err(req, wf_lx_errno(status));
        return;
    }
    memset(&sv, 0, sizeof sv);
    sv.f_bsize = sv.f_frsize = 4096;
    sv.f_blocks = info.TotalSize / 4096u;
    sv.f_bfree = sv.f_bavail = info.FreeSize / 4096u;
    sv.f_namemax = 255;
    fuse_reply_statfs(req, &sv);
}

/* A link's target in POSIX form (a symbolic link, or an NFS LNK): NUL-terminated into
   target (cap bytes), *len long. */
static NTSTATUS wf_lx_link_target(wf_fsd_file *file, char *target, size_t cap, size_t *len)
{
    uint8_t *buffer = malloc(WF_REPARSE_DATA_MAX);
    uint16_t *units = malloc(WF_REPARSE_DATA_MAX);
    uint32_t bytes = 0, flags, type, rdev;
    size_t n = 0;
    NTSTATUS status = buffer && units ? STATUS_SUCCESS : STATUS_NO_MEMORY;

    if (status == STATUS_SUCCESS)
        status = wf_fsd_get_reparse_point(file, buffer, WF_REPARSE_DATA_MAX, &bytes);
    if (status == STATUS_SUCCESS) {
        bool nfs = wf_reparse_tag(buffer) == IO_REPARSE_TAG_NFS;
        if (nfs)
            status = wf_reparse_get_nfs(buffer, bytes, &type, &rdev, units,
                WF_REPARSE_DATA_MAX / sizeof(uint16_t), &n);
        else
            status = wf_reparse_get_symlink(buffer, bytes, units,
                WF_REPARSE_DATA_MAX / sizeof(uint16_t), &n, &flags);
        if (status == STATUS_SUCCESS && nfs && type != S_IFLNK)
            status = STATUS_NOT_A_REPARSE_POINT;
        if (status == STATUS_SUCCESS)
            status = wf_reparse_target_to_posix(units, n, nfs, target, cap - 1, len);
    }
    if (status == STATUS_SUCCESS)
        target[*len] = '\0';
    free(units);
    free(buffer);
    return status;
}

static void wf_lx_readlink(fuse_req_t req, fuse_ino_t ino)
{
    wf_lx *lx = wf_lx_enter(req);
    char *target = malloc(WF_REPARSE_DATA_MAX * 2);
    wf_fsd_file *file = NULL;
    size_t len;
    NTSTATUS status = STATUS_NO_MEMORY;

    if (target != NULL)
        status = wf_lx_open_node(lx, ino, 0, 0, &file);
    if (status == STATUS_SUCCESS) {
        status = wf_lx_link_target(file, target, WF_REPARSE_DATA_MAX * 2, &len);
        wf_fsd_close(file);
    }
    if (status == STATUS_SUCCESS)
        fuse_reply_readlink(req, target);
    else
        fuse_reply_err(req, wf_lx_errno(status));
    free(target);
}

/* ---- xattrs: user.NAME is the EA NAME -------------------------------------------------- */

/* The file's whole EA list into *list (WF_LX_EA_MAX bytes, the caller frees), *bytes long
   (0: none). */
static NTSTATUS wf_lx_read_eas(wf_lx *lx, fuse_ino_t ino, uint8_t **list, uint32_t *bytes)
{
    wf_fsd_file *file;
    NTSTATUS status;

    *bytes = 0;
    *list = malloc(WF_LX_EA_MAX);
    if (*list == NULL)
        return STATUS_NO_MEMORY;
    status = wf_lx_open_node(lx, ino, FILE_READ_EA, 0, &file);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_query_ea(file, *list, WF_LX_EA_MAX, bytes);
    wf_fsd_close(file);
    if (status == STATUS_NO_EAS_ON_FILE) {
        *bytes = 0;
        status = STATUS_SUCCESS;
    }
    return status;
}

/* The entry of an EA list named name (EA names compare without case, as NT's). */
static bool wf_lx_find_ea(const uint8_t *list, uint32_t bytes, const char *name,
    wf_ea_view *ea)
{
    uint32_t pos = 0;
    size_t len = strlen(name);
    while (bytes > 0 && wf_ea_next(list, bytes, &pos, ea))
        if (ea->name_len == len && strncasecmp(ea->name, name, len) == 0)
            return true;
    return false;
}

/* The EA name of a user.NAME xattr; NULL for another namespace. */
static const char *wf_lx_ea_name(const char *xattr)
{
    if (strncmp(xattr, WF_EA_XATTR_PREFIX, WF_EA_XATTR_PREFIX_LEN) != 0)
        return NULL;
    return xattr + WF_EA_XATTR_PREFIX_LEN;
}

static void wf_lx_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    wf_lx *lx = wf_lx_enter(req);
    const char *ea_name = wf_lx_ea_name(name);
    uint8_t *list = NULL;
    uint32_t bytes;
    wf_ea_view ea;
    NTSTATUS status;

    /* Other namespaces (security.capability, system.posix_acl_*) have nothing stored. */
    if (ea_name == NULL) {
        fuse_reply_err(req, ENODATA);
        return;
    }
    status = wf_lx_read_eas(lx, ino, &list, &bytes);
    if (status != STATUS_SUCCESS)
        fuse_reply_err(req, wf_lx_errno(status));
    else if (!wf_lx_find_ea(list, bytes, ea_name, &ea))
        fuse_reply_err(req, ENODATA);
    else if (size == 0)
        fuse_reply_xattr(req, ea.value_len);
    else if (size < ea.value_len)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, (const char *)ea.value, ea.value_len);
    free(list);
}

static void wf_lx_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    wf_lx *lx = wf_lx_enter(req);
    uint8_t *list = NULL;
    char *names = NULL;
    uint32_t bytes, pos = 0;
    size_t used = 0;
    wf_ea_view ea;
    NTSTATUS status = wf_lx_read_eas(lx, ino, &list, &bytes);

    if (status != STATUS_SUCCESS) {
        fuse_reply_err(req, wf_lx_errno(status));
        goto exit;
    }
    names = malloc(WF_LX_EA_MAX);
    if (names == NULL) {
        fuse_reply_err(req, ENOMEM);
        goto exit;
    }
    while (bytes > 0 && wf_ea_next(list, bytes, &pos, &ea) &&
           used + WF_EA_XATTR_PREFIX_LEN + ea.name_len + 1 <= WF_LX_EA_MAX) {
        memcpy(names + used, WF_EA_XATTR_PREFIX, WF_EA_XATTR_PREFIX_LEN);
        memcpy(names + used + WF_EA_XATTR_PREFIX_LEN, ea.name, ea.name_len);
        used += WF_EA_XATTR_PREFIX_LEN + ea.name_len;
        names[used++] = '\0';
    }
    if (size == 0)
        fuse_reply_xattr(req, used);
    else if (size < used)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, names, used);
exit:
    free(names);
    free(list);
}

/* SetEa of one entry; an empty value deletes the EA (NT has no empty EA). */
static NTSTATUS wf_lx_write_ea(wf_lx *lx, fuse_ino_t ino, const char *name, const void *value,
    size_t size)
{
    uint8_t *list = malloc(WF_EA_HEADER_SIZE + WF_EA_NAME_MAX + 1 + WF_EA_VALUE_MAX + 8);
    uint32_t entry, value_at, room, used = 0, last = WF_EA_NONE;
    size_t len = strlen(name);
    wf_fsd_file *file = NULL;
    NTSTATUS status = STATUS_SUCCESS;

    if (list == NULL)
        return STATUS_NO_MEMORY;
    if (len == 0 || len > WF_EA_NAME_MAX || !wf_ea_name_valid(name, len))
        status = STATUS_INVALID_EA_NAME;
    else if (size > WF_EA_VALUE_MAX)
        status = STATUS_EA_TOO_LARGE;
    else if (!wf_ea_begin(list, WF_EA_HEADER_SIZE + WF_EA_NAME_MAX + 1 + WF_EA_VALUE_MAX + 8,
                 0, name, (uint32_t)len, &entry, &value_at, &room) || room < size)
        status = STATUS_EA_TOO_LARGE;
    if (status == STATUS_SUCCESS) {
        memcpy(list + value_at, value, size);
        wf_ea_end(list, entry, (uint32_t)len, (uint32_t)size, &used, &last);
        status = wf_lx_open_node(lx, ino, FILE_WRITE_EA, 0, &file);
    }
    if (status == STATUS_SUCCESS) {
        status = wf_fsd_set_ea(file, list, used, NULL);
        wf_fsd_close(file);
    }
    free(list);
    return status;
}

static void wf_lx_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
    size_t size, int flags)
{
    wf_lx *lx = wf_lx_enter(req);
    const char *ea_name = wf_lx_ea_name(name);
    NTSTATUS status;

    if (ea_name == NULL) {
        fuse_reply_err(req, EOPNOTSUPP);
        return;
    }
    if (flags & (XATTR_CREATE | XATTR_REPLACE)) {
        uint8_t *list = NULL;
        uint32_t bytes;
        wf_ea_view ea;
        status = wf_lx_read_eas(lx, ino, &list, &bytes);
        bool exists = status == STATUS_SUCCESS && wf_lx_find_ea(list, bytes, ea_name, &ea);
        free(list);
        if (status != STATUS_SUCCESS) {
            fuse_reply_err(req, wf_lx_errno(status));
            return;
        }
        if ((flags & XATTR_CREATE) && exists) {
            fuse_reply_err(req, EEXIST);
            return;
        }
        if ((flags & XATTR_REPLACE) && !exists) {
            fuse_reply_err(req, ENODATA);
            return;
        }
    }
    status = wf_lx_write_ea(lx, ino, ea_name, value, size);
    fuse_reply_err(req, status == STATUS_INVALID_EA_NAME ? EINVAL : wf_lx_errno(status));
}

static void wf_lx_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    wf_lx *lx = wf_lx_enter(req);
    const char *ea_name = wf_lx_ea_name(name);
    uint8_t *list = NULL;
    uint32_t bytes;
    wf_ea_view ea;
    NTSTATUS status;

    if (ea_name == NULL) {
        fuse_reply_err(req, ENODATA);
        return;
    }
    status = wf_lx_read_eas(lx, ino, &list, &bytes);
    if (status == STATUS_SUCCESS && !wf_lx_find_ea(list, bytes, ea_name, &ea))
        status = STATUS_NONEXISTENT_EA_ENTRY;
    free(list);
    if (status == STATUS_SUCCESS)
        status = wf_lx_write_ea(lx, ino, ea_name, "", 0);
    fuse_reply_err(req, wf_lx_errno(status));
}

static void wf_lx_init_op(void *userdata, struct fuse_conn_info *conn)
{
    const wf_lx *lx = userdata;
    /* Readahead in 1 MiB requests (libfuse offers 128 KiB): each READ crosses the NT
       translation once, whatever its size. */
    conn->max_readahead = WF_LX_MAX_READAHEAD;
    /* O_TRUNC comes as SETATTR(size 0) before OPEN: NT's Overwrite would also drop the
       file's EAs, which truncate(2) keeps. */
    conn->want &= ~(unsigned)FUSE_CAP_ATOMIC_O_TRUNC;
    /* Directory entries carry no owner or mode in NT (they are in each file's descriptor):
       plain READDIR, and LOOKUP for each name the kernel needs. */
    conn->want &= ~(unsigned)(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO);
    /* Asynchronous READs (the kernel reads ahead in the background while the reader
       copies what came) only as a direct mount of the file system would have them, and
       not under -o sync_read: an async READ is the kernel's, which a signal to the reader
       never interrupts, so a file system that holds it holds the reader past any signal
       but SIGKILL; a synchronous one waits on the reader's thread, as a read(2) waits in
       its NT Read. */
    if (!lx->async_read)
        conn->want &= ~(unsigned)FUSE_CAP_ASYNC_READ;
}

const struct fuse_lowlevel_ops wf_lx_ops = {
    .init = wf_lx_init_op,
    .lookup = wf_lx_lookup,
    .forget = wf_lx_forget,
    .forget_multi = wf_lx_forget_multi,
    .getattr = wf_lx_getattr,
    .setattr = wf_lx_setattr,
    .readlink = wf_lx_readlink,
    .mknod = wf_lx_mknod,
    .mkdir = wf_lx_mkdir,
    .unlink = wf_lx_unlink,
    .rmdir = wf_lx_rmdir,
    .symlink = wf_lx_symlink,
    .rename = wf_lx_rename,
    .link = wf_lx_link,
    .open = wf_lx_open_op,
    .read = wf_lx_read,
    .write = wf_lx_write,
    .release = wf_lx_release,
    .fsync = wf_lx_fsync,
    .opendir = wf_lx_opendir,
    .readdir = wf_lx_readdir,
    .releasedir = wf_lx_releasedir,
    .statfs = wf_lx_statfs,
    .setxattr = wf_lx_setxattr,
    .getxattr = wf_lx_getxattr,
    .listxattr = wf_lx_listxattr,
    .removexattr = wf_lx_removexattr,
    .access = wf_lx_access,
    .create = wf_lx_create,
    .fallocate = wf_lx_fallocate,
};
