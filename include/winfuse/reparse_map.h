/* reparse_map.h — REPARSE_DATA_BUFFER for POSIX symbolic links and special files, link
   targets between POSIX and Windows form, and the path a link leads to. */
#ifndef WINFUSE_REPARSE_MAP_H
#define WINFUSE_REPARSE_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/nt_constants.h"
#include "winfuse/ntstatus.h"

/* REPARSE_DATA_BUFFER (MS-FSCC 2.1.2): ReparseTag (4), ReparseDataLength (2), Reserved (2),
   then the tag's data. A tag without the Microsoft bit has a 16-byte GUID before its data
   (REPARSE_GUID_DATA_BUFFER). The symbolic link data (2.1.2.4): SubstituteNameOffset,
   SubstituteNameLength, PrintNameOffset, PrintNameLength (2 each), Flags (4), PathBuffer. */
#define WF_REPARSE_HEADER_SIZE          8u
#define WF_REPARSE_GUID_HEADER_SIZE     24u
#define WF_REPARSE_SYMLINK_FIXED        12u     /* the symlink data before PathBuffer */
#define WF_REPARSE_SYMLINK_PATH_OFFSET  (WF_REPARSE_HEADER_SIZE + WF_REPARSE_SYMLINK_FIXED)
#define WF_REPARSE_MOUNT_POINT_FIXED    8u
/* MAXIMUM_REPARSE_DATA_BUFFER_SIZE: the whole buffer, header included. */
#define WF_REPARSE_DATA_MAX             (16u * 1024u)

#ifndef SYMLINK_FLAG_RELATIVE
#define SYMLINK_FLAG_RELATIVE           0x00000001u
#endif
#ifndef IO_REPARSE_TAG_RESERVED_ZERO
#define IO_REPARSE_TAG_RESERVED_ZERO    0x00000000u
#endif
#ifndef IO_REPARSE_TAG_RESERVED_ONE
#define IO_REPARSE_TAG_RESERVED_ONE     0x00000001u
#endif
#define WF_REPARSE_TAG_MICROSOFT        0x80000000u

/* The NFS reparse data (MS-FSCC 2.1.2.6): a 64-bit type, then for CHR and BLK the major and
   minor numbers (4 bytes each), for LNK the target in POSIX form (UTF-16, no NUL). */
#ifndef NFS_SPECFILE_LNK
#define NFS_SPECFILE_LNK                0x00000000014B4E4Cull
#define NFS_SPECFILE_CHR                0x0000000000524843ull
#define NFS_SPECFILE_BLK                0x00000000004B4C42ull
#define NFS_SPECFILE_FIFO               0x000000004F464946ull
#define NFS_SPECFILE_SOCK               0x000000004B434F53ull
#endif

/* Longest POSIX link target (PATH_MAX with its NUL, as READLINK answers at most). */
#define WF_LINK_TARGET_MAX              4095u
/* Longest Windows path a request carries, in UTF-16 units without the terminator. */
#define WF_REPARSE_PATH_MAX             1023u

/* FsRtlValidateReparsePointBuffer's checks: a size that agrees with ReparseDataLength and
   the header the tag needs, no reserved tag (STATUS_IO_REPARSE_TAG_INVALID), at most 16 KiB,
   and for the symbolic link and mount point tags names that lie inside the buffer, with an
   even offset and length and a substitute name that is not empty. Anything else is
   STATUS_IO_REPARSE_DATA_INVALID. */
NTSTATUS wf_reparse_validate(const void *buffer, size_t size);
/* The tag of a buffer of at least 4 bytes. */
uint32_t wf_reparse_tag(const void *buffer);

/* A POSIX link target to Windows form: '/' becomes '\', repeated and trailing slashes go,
   each component is mapped as a name (private-use characters for the ones Windows forbids);
   "." and ".." stay. An absolute target keeps its leading '\' (volume-rooted). An empty
   target, or a component with no Windows form, is STATUS_IO_REPARSE_DATA_INVALID; a dst too
   small STATUS_BUFFER_OVERFLOW. */
NTSTATUS wf_reparse_target_to_windows(const char *target, size_t len,
    uint16_t *dst, size_t cap, size_t *units);
/* Back to POSIX form: components split at '\' and '/' (separator_only_slash: at '/' only,
   for the POSIX-form target of an NFS LNK), each mapped as a name; a leading separator
   makes the target absolute. Empty or unconvertible: STATUS_IO_REPARSE_DATA_INVALID;
   too long for cap: STATUS_BUFFER_OVERFLOW. */
NTSTATUS wf_reparse_target_to_posix(const uint16_t *target, size_t units,
    bool separator_only_slash, char *dst, size_t cap, size_t *len);

/* A symbolic link buffer whose substitute and print names are both target (one copy, as
   WinFsp builds them). STATUS_BUFFER_OVERFLOW when cap is too small (*size says how much
   is needed). */
NTSTATUS wf_reparse_build_symlink(const uint16_t *target, size_t units, uint32_t flags,
    void *buffer, size_t cap, size_t *size);
/* The substitute name and flags of a validated symbolic link buffer, copied into target. */
NTSTATUS wf_reparse_get_symlink(const void *buffer, size_t size,
    uint16_t *target, size_t cap, size_t *units, uint32_t *flags);

/* An NFS buffer for a POSIX special file: mode's type (FIFO, socket, character or block
   device) and, for devices, rdev in Linux's 32-bit encoding as FUSE carries it. Another
   type is STATUS_NOT_A_REPARSE_POINT. */
NTSTATUS wf_reparse_build_nfs(uint32_t mode, uint32_t rdev, void *buffer, size_t cap,
    size_t *size);
/* The POSIX type (S_IF* bits) and rdev a validated NFS buffer asks for. For LNK the type is
   S_IFLNK and the target (POSIX form, UTF-16) is copied into target when given. A type
   this cannot express is STATUS_IO_REPARSE_DATA_INVALID. */
NTSTATUS wf_reparse_get_nfs(const void *buffer, size_t size, uint32_t *type, uint32_t *rdev,
    uint16_t *target, size_t cap, size_t *units);

/* The path a link leads to, as the I/O manager reparses: path[link_start..link_end) is the
   link's component in path (a Windows path from the volume root); it is replaced by target
   (Windows form) — relative to the link's directory, or, when target begins with '\', to
   the volume root — and the rest of path follows. Separators are collapsed, "." and ".."
   resolved lexically, never above the root. The result begins with '\' (the root alone is
   "\"). Longer than cap: STATUS_REPARSE_POINT_NOT_RESOLVED. */
NTSTATUS wf_reparse_splice(const uint16_t *path, size_t units, size_t link_start,
    size_t link_end, const uint16_t *target, size_t target_units,
    uint16_t *out, size_t cap, size_t *out_units);

/* Linux's 32-bit device number encoding (new_encode_dev), which FUSE carries. */
uint32_t wf_dev_major(uint32_t rdev);
uint32_t wf_dev_minor(uint32_t rdev);
uint32_t wf_dev_make(uint32_t major, uint32_t minor);

#endif
