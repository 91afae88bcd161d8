/* ea_map.h — FILE_FULL_EA_INFORMATION lists (MS-FSCC 2.4.15): checking, walking, building,
   and the sizes NTFS reports for them. */
#ifndef WINFUSE_EA_MAP_H
#define WINFUSE_EA_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/ntstatus.h"

/* NextEntryOffset (4), Flags (1), EaNameLength (1), EaValueLength (2), then the name, a
   NUL, and the value. */
#define WF_EA_HEADER_SIZE   8u
#define WF_EA_NAME_MAX      254u    /* as NT (FsRtl) accepts EA names */
#define WF_EA_VALUE_MAX     65535u
#define WF_EA_FLAG_NEED_EA  0x80u   /* FILE_NEED_EA, the one flag an entry may carry */
/* The xattr namespace EAs live in: the EA NAME is the xattr user.NAME. */
#define WF_EA_XATTR_PREFIX      "user."
#define WF_EA_XATTR_PREFIX_LEN  5u

/* One entry of a list that wf_ea_check accepted. */
typedef struct wf_ea_view {
    uint8_t flags;
    uint8_t name_len;
    uint16_t value_len;
    const char *name;           /* name_len bytes, NUL after them */
    const uint8_t *value;
} wf_ea_view;

/* The bytes an entry with these lengths takes, without the padding after it. */
uint32_t wf_ea_entry_size(uint32_t name_len, uint32_t value_len);

/* The EA's share of FileInfo.EaSize, as NTFS counts it (WinFsp's FSD adds the list's
   4-byte header when the sum is not 0). */
uint32_t wf_ea_packed_size(uint32_t name_len, uint32_t value_len);

/* Whether name can be an EA name: 1 to 254 bytes, none of them a control character or one
   of " * + , / : ; < = > ? [ \ ] | (the characters FAT names cannot hold, by which NT
   checks EA names). */
bool wf_ea_name_valid(const char *name, size_t len);

/* NTFS stores EA names upper-cased (RtlUpperString: ASCII a-z here; other bytes, UTF-8
   included, as they are) and compares them without case. */
void wf_ea_name_upcase(char *name, size_t len);
bool wf_ea_name_equal(const char *a, size_t a_len, const char *b, size_t b_len);
/* Whether name holds a lower-case letter: not the spelling NTFS (and WinFuse) stores. */
bool wf_ea_name_has_lower(const char *name, size_t len);

/* Checks a list as IoCheckEaBufferValidity does — every entry inside the buffer, its name
   NUL-terminated, NextEntryOffset of every entry but the last at least the entry's size and
   a multiple of 4, the last one ending within the buffer — then each entry as MS-FSA
   2.1.5.15.5 asks: a valid name and no flag but FILE_NEED_EA. Returns STATUS_SUCCESS,
   STATUS_EA_LIST_INCONSISTENT or STATUS_INVALID_EA_NAME, with the offending entry's offset
   in *error_offset. An empty list is valid. */
NTSTATUS wf_ea_check(const uint8_t *buf, uint32_t size, uint32_t *error_offset);

/* Walks a checked list: the entry at *pos into ea, and *pos to the next one (size after
   the last). Returns false at the end. */
bool wf_ea_next(const uint8_t *buf, uint32_t size, uint32_t *pos, wf_ea_view *ea);

/* Building a list in place, entry by entry, in buf[0..cap): used is the list's length so
   far and last the offset of its last entry (WF_EA_NONE for none).
   wf_ea_begin places a new entry's name (and NUL) at the next 4-byte boundary and returns
   its offset, with *value_at where its value goes and *value_room how many value bytes fit
   (at most WF_EA_VALUE_MAX); false when not even one value byte fits.
   wf_ea_end writes the entry's header once its value is in place, links the previous entry
   to it and makes it the last. */
#define WF_EA_NONE UINT32_MAX
bool wf_ea_begin(uint8_t *buf, uint32_t cap, uint32_t used, const char *name,
    uint32_t name_len, uint32_t *entry, uint32_t *value_at, uint32_t *value_room);
void wf_ea_end(uint8_t *buf, uint32_t entry, uint32_t name_len, uint32_t value_len,
    uint32_t *used, uint32_t *last);

#endif
