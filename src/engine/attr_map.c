/* attr_map.c — POSIX st_mode and FUSE attributes to NT file attributes, reparse tags and FSP_FSCTL_FILE_INFO. */
#include <stdint.h>

#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"

/* The st_mode file types (the same numbers on every POSIX system FUSE runs on). */
#define WF_S_IFMT   0170000u
#define WF_S_IFSOCK 0140000u
#define WF_S_IFLNK  0120000u
#define WF_S_IFREG  0100000u
#define WF_S_IFBLK  0060000u
#define WF_S_IFDIR  0040000u
#define WF_S_IFCHR  0020000u
#define WF_S_IFIFO  0010000u
#define WF_S_IWALL  0000222u

/* NT sizes and times are LARGE_INTEGERs: nothing from the file system may exceed INT64_MAX. */
#define WF_NT_INT_MAX ((uint64_t)INT64_MAX)

/* Choices:
   - A plain regular file gets no attribute at all: WinFsp's FSD (and our stand-in) present 0
     as FILE_ATTRIBUTE_NORMAL, and 0 combines with the bits below where NORMAL must stand
     alone. Not ARCHIVE: FUSE has no archive bit, so it could never be cleared (attrib -a
     would silently not stick), and WinFsp-FUSE file systems show NORMAL too.
   - READONLY when nobody may write (mode & 0222 == 0), but never on a directory: NT ignores
     READONLY on directories for access, and Explorer reads it as "customized folder".
   - Symbolic links are SYMLINK reparse points; FIFOs, sockets and devices are NFS reparse
     points, the tag Windows' own NFS client and WinFsp use for POSIX special files.
     Whether a symbolic link points at a directory (NT would add DIRECTORY) is not in the
     mode: link.c finds it and adds it (wf_link_file_info).
   - A type outside the seven POSIX ones is treated as a regular file; refusing malformed
     attributes is the caller's decision. */
uint32_t wf_mode_to_file_attributes(uint32_t mode)
{
    uint32_t attributes;

    switch (mode & WF_S_IFMT) {
    case WF_S_IFDIR:
        return FILE_ATTRIBUTE_DIRECTORY;
    case WF_S_IFLNK:
    case WF_S_IFIFO:
    case WF_S_IFSOCK:
    case WF_S_IFCHR:
    case WF_S_IFBLK:
        attributes = FILE_ATTRIBUTE_REPARSE_POINT;
        break;
    default:
        attributes = 0;
        break;
    }
    if ((mode & WF_S_IWALL) == 0)
        attributes |= FILE_ATTRIBUTE_READONLY;
    return attributes;
}

uint32_t wf_mode_to_reparse_tag(uint32_t mode)
{
    switch (mode & WF_S_IFMT) {
    case WF_S_IFLNK:
        return IO_REPARSE_TAG_SYMLINK;
    case WF_S_IFIFO:
    case WF_S_IFSOCK:
    case WF_S_IFCHR:
    case WF_S_IFBLK:
        return IO_REPARSE_TAG_NFS;
    default:
        return 0;
    }
}

/* fuse_attr's seconds are unsigned on the wire but signed in the kernel (before 1970 is
   negative): reinterpret the two's-complement value without implementation-defined casts. */
static int64_t wf_wire_seconds(uint64_t wire)
{
    return wire <= (uint64_t)INT64_MAX ? (int64_t)wire : -(int64_t)(UINT64_MAX - wire) - 1;
}

static uint64_t wf_round_up(uint64_t value, uint32_t unit)
{
    uint64_t rest;

    if (unit == 0)
        return value;
    rest = value % unit;
    if (rest == 0)
        return value;
    if (value > WF_NT_INT_MAX - (unit - rest))
        return WF_NT_INT_MAX;
    return value + (unit - rest);
}

/* AllocationSize: what the file occupies (blocks * 512), rounded up to the allocation unit,
   and never less than the file size: NT's cache manager requires AllocationSize >= FileSize,
   and WinFsp's FSD raises it to that anyway, so a sparse file's smaller figure would not
   survive. File systems that report no blocks (blocks == 0, common in FUSE) thus show their
   size rounded up, as WinFsp-FUSE does.
   CreationTime: fuse_attr has no birth time. The earlier of ctime and mtime is the closest
   stand-in that never says a file was created after it was last written, and is not moved by
   a mere chmod when mtime is older (a copy that kept its mtime shows that as its creation). */
void wf_fuse_attr_to_file_info(const struct fuse_attr *attr, uint32_t allocation_unit,
    FSP_FSCTL_FILE_INFO *info)
{
    uint64_t size = attr->size > WF_NT_INT_MAX ? WF_NT_INT_MAX : attr->size;
    uint64_t allocated = attr->blocks > WF_NT_INT_MAX / 512 ? WF_NT_INT_MAX : attr->blocks * 512;
    uint64_t mtime = wf_unix_to_nt_time(wf_wire_seconds(attr->mtime), attr->mtimensec);
    uint64_t ctime = wf_unix_to_nt_time(wf_wire_seconds(attr->ctime), attr->ctimensec);

    /* A symbolic link has no data on Windows (its target is reparse data, not contents):
       NTFS reports its size as 0; st_size, the target's length, would promise bytes no
       read gives. */
    if ((attr->mode & WF_S_IFMT) == WF_S_IFLNK)
        size = allocated = 0;
    if (allocated < size)
        allocated = size;

    info->FileAttributes = wf_mode_to_file_attributes(attr->mode);
    info->ReparseTag = wf_mode_to_reparse_tag(attr->mode);
    info->AllocationSize = wf_round_up(allocated, allocation_unit);
    info->FileSize = size;
    info->CreationTime = ctime < mtime ? ctime : mtime;
    info->LastAccessTime = wf_unix_to_nt_time(wf_wire_seconds(attr->atime), attr->atimensec);
    info->LastWriteTime = mtime;
    info->ChangeTime = ctime;
    info->IndexNumber = attr->ino;
    info->HardLinks = attr->nlink;
    info->EaSize = 0;
}
