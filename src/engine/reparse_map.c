/* reparse_map.c — REPARSE_DATA_BUFFER for symbolic links (IO_REPARSE_TAG_SYMLINK) and POSIX
   special files (IO_REPARSE_TAG_NFS), link targets between POSIX and Windows form, and the
   lexical path a link leads to. */
#include "winfuse/reparse_map.h"
#include "winfuse/mappings.h"
#include "platform/platform.h"
#include "winfuse/le_bytes.h"

/* POSIX file types as FUSE carries them (Linux values). */
#define WF_RM_S_IFMT    0170000u
#define WF_RM_S_IFSOCK  0140000u
#define WF_RM_S_IFLNK   0120000u
#define WF_RM_S_IFBLK   0060000u
#define WF_RM_S_IFCHR   0020000u
#define WF_RM_S_IFIFO   0010000u

uint32_t wf_reparse_tag(const void *buffer)
{
    return wf_get_le32(buffer);
}

/* The names of a symbolic link or mount point lie in its PathBuffer, each even. */
static bool names_are_valid(const uint8_t *data, uint32_t length, uint32_t fixed)
{
    uint32_t path_size, sub_off, sub_len, print_off, print_len;

    if (length < fixed)
        return false;
    path_size = length - fixed;
    sub_off = wf_get_le16(data);
    sub_len = wf_get_le16(data + 2);
    print_off = wf_get_le16(data + 4);
    print_len = wf_get_le16(data + 6);
    if ((sub_off | sub_len | print_off | print_len) & 1u)
        return false;
    return sub_len != 0 && sub_off + sub_len <= path_size && print_off + print_len <= path_size;
}

NTSTATUS wf_reparse_validate(const void *buffer, size_t size)
{
    const uint8_t *p = buffer;
    uint32_t tag, length, header;

    if (size < WF_REPARSE_HEADER_SIZE || size > WF_REPARSE_DATA_MAX)
        return STATUS_IO_REPARSE_DATA_INVALID;
    tag = wf_get_le32(p);
    length = wf_get_le16(p + 4);
    if (tag == IO_REPARSE_TAG_RESERVED_ZERO || tag == IO_REPARSE_TAG_RESERVED_ONE)
        return STATUS_IO_REPARSE_TAG_INVALID;
    header = (tag & WF_REPARSE_TAG_MICROSOFT) ? WF_REPARSE_HEADER_SIZE :
        WF_REPARSE_GUID_HEADER_SIZE;
    if (size < header || size - header != length)
        return STATUS_IO_REPARSE_DATA_INVALID;
    if (tag == IO_REPARSE_TAG_SYMLINK &&
        !names_are_valid(p + header, length, WF_REPARSE_SYMLINK_FIXED))
        return STATUS_IO_REPARSE_DATA_INVALID;
    if (tag == IO_REPARSE_TAG_MOUNT_POINT &&
        !names_are_valid(p + header, length, WF_REPARSE_MOUNT_POINT_FIXED))
        return STATUS_IO_REPARSE_DATA_INVALID;
    if (tag == IO_REPARSE_TAG_NFS && length < sizeof(uint64_t))
        return STATUS_IO_REPARSE_DATA_INVALID;
    return STATUS_SUCCESS;
}

/* ---- targets ----------------------------------------------------------------------------- */

NTSTATUS wf_reparse_target_to_windows(const char *target, size_t len,
    uint16_t *dst, size_t cap, size_t *units)
{
    size_t out = 0, i = 0, n;
    bool overflow = false, separate = false;
    NTSTATUS status;

    *units = 0;
    if (len == 0)
        return STATUS_IO_REPARSE_DATA_INVALID;
    if (target[0] == '/') {
        /* Absolute: from the volume root (the only root Windows knows the file system by). */
        if (out < cap)
            dst[out] = '\\';
        else
            overflow = true;
        out++;
    }
    while (i < len) {
        size_t end;
        while (i < len && target[i] == '/')
            i++;
        if (i == len)
            break;      /* trailing slashes */
        for (end = i; end < len && target[end] != '/'; end++)
            if (target[end] == '\0')
                return STATUS_IO_REPARSE_DATA_INVALID;
        if (separate) {
            if (!overflow && out < cap)
                dst[out] = '\\';
            else
                overflow = true;
            out++;
        }
        size_t room = overflow || out >= cap ? 0 : cap - out;
        status = wf_name_to_windows(target + i, end - i, room ? dst + out : NULL, room, &n);
        if (status == STATUS_BUFFER_OVERFLOW)
            overflow = true;
        else if (!NT_SUCCESS(status))
            return STATUS_IO_REPARSE_DATA_INVALID;
        out += n;
        separate = true;
        i = end;
    }
    *units = out;
    return overflow ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

static bool is_separator(uint16_t unit, bool only_slash)
{
    return unit == '/' || (!only_slash && unit == '\\');
}

NTSTATUS wf_reparse_target_to_posix(const uint16_t *target, size_t units,
    bool separator_only_slash, char *dst, size_t cap, size_t *len)
{
    size_t out = 0, i = 0, n;
    bool separate = false;
    NTSTATUS status;

    *len = 0;
    if (units == 0)
        return STATUS_IO_REPARSE_DATA_INVALID;
    if (is_separator(target[0], separator_only_slash)) {
        if (out >= cap)
            return STATUS_BUFFER_OVERFLOW;
        dst[out++] = '/';
    }
    while (i < units) {
        size_t end;
        while (i < units && is_separator(target[i], separator_only_slash))
            i++;
        if (i == units)
            break;
        for (end = i; end < units && !is_separator(target[end], separator_only_slash); end++)
            if (target[end] == 0)
                return STATUS_IO_REPARSE_DATA_INVALID;
        if (separate) {
            if (out >= cap)
                return STATUS_BUFFER_OVERFLOW;
            dst[out++] = '/';
        }
        status = wf_name_to_fuse(target + i, end - i, dst + out, cap - out, &n);
        if (status == STATUS_BUFFER_OVERFLOW)
            return status;
        if (!NT_SUCCESS(status))
            return STATUS_IO_REPARSE_DATA_INVALID;
        out += n;
        separate = true;
        i = end;
    }
    *len = out;
    return STATUS_SUCCESS;
}

/* ---- buffers ----------------------------------------------------------------------------- */

NTSTATUS wf_reparse_build_symlink(const uint16_t *target, size_t units, uint32_t flags,
    void *buffer, size_t cap, size_t *size)
{
    uint8_t *p = buffer;
    size_t name_size = units * sizeof(uint16_t);

    *size = WF_REPARSE_SYMLINK_PATH_OFFSET + name_size;
    if (units == 0 || *size > WF_REPARSE_DATA_MAX)
        return STATUS_IO_REPARSE_DATA_INVALID;
    if (*size > cap)
        return STATUS_BUFFER_OVERFLOW;
    wf_put_le32(p, IO_REPARSE_TAG_SYMLINK);
    wf_put_le16(p + 4, (uint16_t)(WF_REPARSE_SYMLINK_FIXED + name_size));
    wf_put_le16(p + 6, 0);
    /* The substitute and print names are the same characters: one copy serves both. */
    wf_put_le16(p + 8, 0);
    wf_put_le16(p + 10, (uint16_t)name_size);
    wf_put_le16(p + 12, 0);
    wf_put_le16(p + 14, (uint16_t)name_size);
    wf_put_le32(p + 16, flags);
    wf_mem_copy(p + WF_REPARSE_SYMLINK_PATH_OFFSET, target, name_size);
    return STATUS_SUCCESS;
}

NTSTATUS wf_reparse_get_symlink(const void *buffer, size_t size,
    uint16_t *target, size_t cap, size_t *units, uint32_t *flags)
{
    const uint8_t *p = buffer;
    uint32_t sub_off, sub_len;

    *units = 0;
    if (size < WF_REPARSE_SYMLINK_PATH_OFFSET || wf_get_le32(p) != IO_REPARSE_TAG_SYMLINK)
        return STATUS_IO_REPARSE_DATA_INVALID;
    sub_off = wf_get_le16(p + 8);
    sub_len = wf_get_le16(p + 10);
    if (WF_REPARSE_SYMLINK_PATH_OFFSET + (size_t)sub_off + sub_len > size)
        return STATUS_IO_REPARSE_DATA_INVALID;
    if (sub_len / sizeof(uint16_t) > cap)
        return STATUS_BUFFER_OVERFLOW;
    wf_mem_copy(target, p + WF_REPARSE_SYMLINK_PATH_OFFSET + sub_off, sub_len);
    *units = sub_len / sizeof(uint16_t);
    *flags = wf_get_le32(p + 16);
    return STATUS_SUCCESS;
}

uint32_t wf_dev_major(uint32_t rdev)
{
    return (rdev & 0xfff00u) >> 8;
}

uint32_t wf_dev_minor(uint32_t rdev)
{
    return (rdev & 0xffu) | ((rdev >> 12) & 0xfff00u);
}

uint32_t wf_dev_make(uint32_t major, uint32_t minor)
{
    return (minor & 0xffu) | ((major & 0xfffu) << 8) | ((minor & ~0xffu) << 12);
}

NTSTATUS wf_reparse_build_nfs(uint32_t mode, uint32_t rdev, void *buffer, size_t cap,
    size_t *size)
{
    uint8_t *p = buffer;
    uint64_t type;
    bool device = false;

    switch (mode & WF_RM_S_IFMT) {
    case WF_RM_S_IFIFO:
        type = NFS_SPECFILE_FIFO;
        break;
    case WF_RM_S_IFSOCK:
        type = NFS_SPECFILE_SOCK;
        break;
    case WF_RM_S_IFCHR:
        type = NFS_SPECFILE_CHR;
        device = true;
        break;
    case WF_RM_S_IFBLK:
        type = NFS_SPECFILE_BLK;
        device = true;
        break;
    default:
        *size = 0;
        return STATUS_NOT_A_REPARSE_POINT;
    }
    *size = WF_REPARSE_HEADER_SIZE + sizeof(uint64_t) + (device ? 2 * sizeof(uint32_t) : 0);
    if (*size > cap)
        return STATUS_BUFFER_OVERFLOW;
    wf_put_le32(p, IO_REPARSE_TAG_NFS);
    wf_put_le16(p + 4, (uint16_t)(*size - WF_REPARSE_HEADER_SIZE));
    wf_put_le16(p + 6, 0);
    wf_put_le64(p + 8, type);
    if (device) {
        wf_put_le32(p + 16, wf_dev_major(rdev));
        wf_put_le32(p + 20, wf_dev_minor(rdev));
    }
    return STATUS_SUCCESS;
}

NTSTATUS wf_reparse_get_nfs(const void *buffer, size_t size, uint32_t *type, uint32_t *rdev,
    uint16_t *target, size_t cap, size_t *units)
{
    const uint8_t *p = buffer;
    size_t length;
    uint32_t major, minor;

    *type = 0;
    *rdev = 0;
    if (units)
        *units = 0;
    if (size < WF_REPARSE_HEADER_SIZE + sizeof(uint64_t) || wf_get_le32(p) != IO_REPARSE_TAG_NFS)
        return STATUS_IO_REPARSE_DATA_INVALID;
    length = size - WF_REPARSE_HEADER_SIZE;
    switch (wf_get_le64(p + 8)) {
    case NFS_SPECFILE_FIFO:
        *type = WF_RM_S_IFIFO;
        return STATUS_SUCCESS;
    case NFS_SPECFILE_SOCK:
        *type = WF_RM_S_IFSOCK;
        return STATUS_SUCCESS;
    case NFS_SPECFILE_CHR:
    case NFS_SPECFILE_BLK:
        if (length < sizeof(uint64_t) + 2 * sizeof(uint32_t))
            return STATUS_IO_REPARSE_DATA_INVALID;
        major = wf_get_le32(p + 16);
        minor = wf_get_le32(p + 20);
        /* What Linux's 32-bit encoding holds: 12 bits of major, 20 of minor. */
        if (major > 0xfffu || minor > 0xfffffu)
            return STATUS_IO_REPARSE_DATA_INVALID;
        *type = wf_get_le64(p + 8) == NFS_SPECFILE_CHR ? WF_RM_S_IFCHR : WF_RM_S_IFBLK;
        *rdev = wf_dev_make(major, minor);
        return STATUS_SUCCESS;
    case NFS_SPECFILE_LNK:
        length -= sizeof(uint64_t);
        if (length == 0 || (length & 1u))
            return STATUS_IO_REPARSE_DATA_INVALID;
        if (target) {
            if (length / sizeof(uint16_t) > cap)
                return STATUS_BUFFER_OVERFLOW;
            wf_mem_copy(target, p + 16, length);
            *units = length / sizeof(uint16_t);
        }
        *type = WF_RM_S_IFLNK;
        return STATUS_SUCCESS;
    default:
        return STATUS_IO_REPARSE_DATA_INVALID;
    }
}

/* ---- the path a link leads to ------------------------------------------------------------ */

/* The path being built: components each preceded by '\'; the root is the empty path. */
typedef struct wf_path_out {
    uint16_t *units;
    size_t cap, n;
    bool overflow;
} wf_path_out;

static void path_component(wf_path_out *out, const uint16_t *name, size_t len)
{
    if (out->overflow || (len == 1 && name[0] == '.'))
        return;
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        /* Up one level; at the root, stay (as POSIX does, and as links are confined to the
           volume). */
        while (out->n > 0 && out->units[out->n - 1] != '\\')
            out->n--;
        if (out->n > 0)
            out->n--;
        return;
    }
    if (out->n + 1 + len > out->cap) {
        /* ".." that follows could bring it back under the limit, but a path that long on
           the way is no path the FSD could have carried: give up. */
        out->overflow = true;
        return;
    }
    out->units[out->n++] = '\\';
    wf_mem_copy(out->units + out->n, name, len * sizeof(uint16_t));
    out->n += len;
}

static void path_segment(wf_path_out *out, const uint16_t *segment, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t end;
        while (i < len && (segment[i] == '\\' || segment[i] == '/'))
            i++;
        for (end = i; end < len && segment[end] != '\\' && segment[end] != '/'; end++)
            ;
        if (end > i)
            path_component(out, segment + i, end - i);
        i = end;
    }
}

NTSTATUS wf_reparse_splice(const uint16_t *path, size_t units, size_t link_start,
    size_t link_end, const uint16_t *target, size_t target_units,
    uint16_t *out, size_t cap, size_t *out_units)
{
    wf_path_out p = { out, cap, 0, false };
    bool absolute = target_units > 0 && (target[0] == '\\' || target[0] == '/');

    *out_units = 0;
    if (link_start > link_end || link_end > units || cap == 0)
        return STATUS_REPARSE_POINT_NOT_RESOLVED;
    if (!absolute)
        path_segment(&p, path, link_start);
    path_segment(&p, target, target_units);
    path_segment(&p, path + link_end, units - link_end);
    if (p.overflow)
        return STATUS_REPARSE_POINT_NOT_RESOLVED;
    if (p.n == 0)
        out[p.n++] = '\\';
    *out_units = p.n;
    return STATUS_SUCCESS;
}
