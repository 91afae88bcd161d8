/* mappings.h — the conversions between NT and POSIX, each defined in one place. */
#ifndef WINFUSE_MAPPINGS_H
#define WINFUSE_MAPPINGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/fuse_abi.h"
#include "winfuse/ntstatus.h"
#include "winfuse/winfsp_abi.h"

/* errno_map.c: a Linux errno (positive, as the negated fuse_out_header.error) to NTSTATUS.
   An errno with no closer NT meaning gives STATUS_UNEXPECTED_IO_ERROR, never success. */
NTSTATUS wf_errno_to_ntstatus(int32_t linux_errno);

/* time_map.c: NT time is 100 ns units since 1601-01-01 UTC. Values before 1601 clamp to 0;
   NT times beyond the Unix range clamp to the largest representable. */
uint64_t wf_unix_to_nt_time(int64_t seconds, uint32_t nanoseconds);
void wf_nt_to_unix_time(uint64_t nt_time, int64_t *seconds, uint32_t *nanoseconds);

/* attr_map.c: POSIX st_mode to FILE_ATTRIBUTE_* and the reparse tag, and a whole fuse_attr
   to FSP_FSCTL_FILE_INFO (allocation_unit rounds AllocationSize; 0 means use blocks*512). */
uint32_t wf_mode_to_file_attributes(uint32_t mode);
uint32_t wf_mode_to_reparse_tag(uint32_t mode);
void wf_fuse_attr_to_file_info(const struct fuse_attr *attr, uint32_t allocation_unit,
    FSP_FSCTL_FILE_INFO *info);

/* utf.c: UTF-16 (NT names) to UTF-8 (FUSE names) and back. Lengths are in code units
   (uint16_t for UTF-16, bytes for UTF-8), no terminator is read or written.
   Unpaired surrogates and malformed or overlong UTF-8 give STATUS_OBJECT_NAME_INVALID;
   a destination too small gives STATUS_BUFFER_OVERFLOW (with *dst_len the length needed
   when the input is valid). */
NTSTATUS wf_utf16_to_utf8(const uint16_t *src, size_t src_len,
    char *dst, size_t dst_cap, size_t *dst_len);
NTSTATUS wf_utf8_to_utf16(const char *src, size_t src_len,
    uint16_t *dst, size_t dst_cap, size_t *dst_len);
/* How each conversion here and in name_map.c ends: one that ran out of room is
   STATUS_BUFFER_OVERFLOW with *dst_len the length counted; an invalid name has length 0. */
NTSTATUS wf_name_conversion_end(NTSTATUS status, bool overflow, size_t len, size_t *dst_len);

/* name_map.c: one name component, Windows to FUSE and back. The characters Windows forbids
   in a name (controls 0x01-0x1F and " * : < > ? \ |) appear on Windows as U+F000 + char, as
   Cygwin and WinFsp-FUSE show them; everything else converts as by the functions above.
   To FUSE: '/' gives STATUS_OBJECT_NAME_INVALID. To Windows: '/', NUL, invalid UTF-8, or a
   private-use character that stands for a forbidden one (it would map back to another name)
   give STATUS_OBJECT_NAME_INVALID: the name has no Windows form. Overflow as above. */
NTSTATUS wf_name_to_fuse(const uint16_t *src, size_t src_len,
    char *dst, size_t dst_cap, size_t *dst_len);
NTSTATUS wf_name_to_windows(const char *src, size_t src_len,
    uint16_t *dst, size_t dst_cap, size_t *dst_len);
/* Whether wf_name_to_windows would give the FUSE name a Windows form (not
   STATUS_OBJECT_NAME_INVALID), without converting it when it is plain ASCII. */
bool wf_name_has_windows_form(const char *src, size_t src_len);
/* "." or "..": names a FUSE directory listing carries that are no entries of it. */
bool wf_name_is_dot_or_dotdot(const char *name, size_t len);

/* access.c: GENERIC_* rights expanded as the file object's generic mapping does (the I/O
   manager's step before a file system sees a Create; the engine's checks start there too). */
uint32_t wf_map_generic_access(uint32_t access);

#endif
