/* security.h — SIDs, the uid/gid ⇄ SID mapping, POSIX permissions ⇄ security descriptors. */
#ifndef WINFUSE_SECURITY_H
#define WINFUSE_SECURITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/id_map.h"
#include "winfuse/ntstatus.h"

/* SECURITY_INFORMATION bits (the parts of a descriptor a SetSecurity changes). */
#ifndef OWNER_SECURITY_INFORMATION
#define OWNER_SECURITY_INFORMATION 0x00000001U
#endif
#ifndef GROUP_SECURITY_INFORMATION
#define GROUP_SECURITY_INFORMATION 0x00000002U
#endif
#ifndef DACL_SECURITY_INFORMATION
#define DACL_SECURITY_INFORMATION  0x00000004U
#endif
#ifndef SACL_SECURITY_INFORMATION
#define SACL_SECURITY_INFORMATION  0x00000008U
#endif

/* ======================================================================================
   sid_map.c — SIDs and the uid/gid mapping
   ====================================================================================== */

#define WF_SID_MAX_SIZE (8u + 4u * WF_SID_MAX_SUB)      /* binary form, 68 bytes */
#define WF_SID_STRING_MAX 192u                          /* text form with its NUL */
/* The uid/gid of every SID that maps to nothing, and the SID it maps back to
   (S-1-0-65534), as WinFsp. */
#define WF_UID_UNMAPPED 65534u

/* sid = S-1-authority-sub[0]-...-sub[sub_count-1] (sub_count at most 15). */
void wf_sid_init(wf_sid *sid, uint64_t authority, uint8_t sub_count, const uint32_t *sub);
/* The 48-bit identifier authority as a number. */
uint64_t wf_sid_authority(const wf_sid *sid);
bool wf_sid_equal(const wf_sid *a, const wf_sid *b);
/* Bytes of the binary form: 8 + 4 * sub_count. */
size_t wf_sid_size(const wf_sid *sid);
/* The binary SID at buf[0..len) (it may be followed by other bytes; its own size is
   wf_sid_size). Revision other than 1, more than 15 sub-authorities or truncation give
   STATUS_INVALID_SID. */
NTSTATUS wf_sid_from_bytes(const void *buf, size_t len, wf_sid *sid);
/* Writes the binary form; returns its size, or 0 (nothing written) when cap is too small. */
size_t wf_sid_to_bytes(const wf_sid *sid, void *buf, size_t cap);
/* "S-1-5-21-…": the authority in decimal below 2^32, else 0x + 12 hex digits (as Windows).
   NUL-terminated; *len (optional) excludes the NUL. STATUS_BUFFER_TOO_SMALL when short. */
NTSTATUS wf_sid_to_string(const wf_sid *sid, char *out, size_t cap, size_t *len);
/* Parses text[0..len) ("S-1-…", 's' accepted; authority decimal or 0x-hex; 0..15
   sub-authorities, each fitting 32 bits). Anything else gives STATUS_INVALID_SID. */
NTSTATUS wf_sid_from_string(const char *text, size_t len, wf_sid *sid);

/* The SID → uid/gid mapping. Never fails: a SID with no mapping (AzureAD S-1-12-1-…,
   another domain, a logon SID, …) gives WF_UID_UNMAPPED and returns false.
   Order: map->uidmap, then the WinFsp/Cygwin table:
     S-1-5-RID, S-1-5-32-RID               → RID       (SYSTEM S-1-5-18 → 18, Users → 545)
     S-1-5-21-<local domain>-RID           → 0x30000 + RID
     S-1-5-21-<primary domain>-RID         → 0x100000 + RID  (only when one is configured)
     S-1-16-RID (mandatory label)          → 0x60000 + RID
     S-1-X-Y (one sub-authority, X,Y small) → 0x10000 + 0x100*X + Y  (Everyone S-1-1-0 → 0x10100)
     S-1-5-X-RID (X ≠ 5, 21, 32)           → 0x1000*X + RID
   then the Unix authorities (Samba, Cygwin): S-1-22-1-UID → UID, S-1-22-2-GID → GID.
   A table result is accepted only if it maps back to the same SID (no aliasing). */
bool wf_sid_to_uid(const wf_id_map *map, const wf_sid *sid, uint32_t *uid);
/* The uid/gid → SID mapping, the inverse of the above: map->uidmap, then the table where
   WinFsp defines a SID for the uid (S-1-5-uid for uid < 0x200 or uid 1000, S-1-5-32-uid
   below 1000, …) and that SID maps back to the uid; WF_UID_UNMAPPED → S-1-0-65534; any
   other uid → S-1-22-1-uid (or S-1-22-2-uid when is_group). So every uid survives
   uid → SID → uid. */
void wf_uid_to_sid(const wf_id_map *map, uint32_t uid, bool is_group, wf_sid *sid);

/* Parses a WinFsp-FUSE uidmap= value "UID:SID[;UID:SID...]" (SID in S-1-… form) into
   map->uidmap, replacing what was there. More than 8 entries, a uid that is not a decimal
   number, or a bad SID give STATUS_INVALID_PARAMETER and leave map->uidmap empty. */
NTSTATUS wf_id_map_parse_uidmap(wf_id_map *map, const char *spec, size_t len);

/* Applies WinFsp-FUSE's uid=/gid=/umask= presentation options to a file's attributes
   (mode: st_mode; its file type bits are kept). Any pointer may be NULL. */
void wf_id_map_present(const wf_id_map *map, uint32_t *uid, uint32_t *gid, uint32_t *mode);

/* Well-known SIDs used by the mappings. */
extern const wf_sid wf_sid_world;                  /* S-1-1-0 Everyone */
extern const wf_sid wf_sid_authenticated_users;    /* S-1-5-11 */
extern const wf_sid wf_sid_unmapped;               /* S-1-0-65534 */

/* ======================================================================================
   sd_map.c — self-relative security descriptors (MS-DTYP 2.4.6)
   ====================================================================================== */

/* The largest descriptor wf_sd_from_posix makes: header, two SIDs, an ACL of five ACEs. */
#define WF_SD_FROM_POSIX_MAX (20u + 2u * WF_SID_MAX_SIZE + 8u + 5u * (8u + WF_SID_MAX_SIZE))

/* The rights the POSIX class (owner, group, other) of a file with this mode holds, exactly
   as the DACL of wf_sd_from_posix grants them (WinFsp's mapping):
   every class:  SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES | FILE_READ_EA
   owner also:   DELETE | WRITE_DAC | WRITE_OWNER | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA
   r → FILE_READ_DATA; x → FILE_EXECUTE;
   w → FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES, and FILE_DELETE_CHILD on a
       directory (for group and other only when the directory is not sticky). */
typedef enum wf_posix_class { WF_CLASS_OWNER, WF_CLASS_GROUP, WF_CLASS_OTHER } wf_posix_class;
uint32_t wf_posix_class_access(uint32_t mode, bool is_directory, wf_posix_class cls);

/* A self-relative descriptor for uid/gid/mode (mode's file type bits are ignored;
   is_directory says what the file is): owner and group SIDs by wf_uid_to_sid, and a
   protected DACL of allow ACEs for owner, group and Everyone (rights as above) with deny
   ACEs where POSIX gives the owner less than group or other, or the group less than other
   (owner-allow, [owner-deny], group-allow, [group-deny], Everyone-allow, as WinFsp).
   The map's uid=/gid=/umask= are NOT applied here (see wf_id_map_present).
   STATUS_BUFFER_TOO_SMALL when cap is short (*len then is the size needed). */
NTSTATUS wf_sd_from_posix(const wf_id_map *map, uint32_t uid, uint32_t gid, uint32_t mode,
    bool is_directory, void *buf, size_t cap, size_t *len);

/* Layouts (MS-DTYP 2.4.4–2.4.6): SECURITY_DESCRIPTOR_RELATIVE is Revision, Sbz1,
   Control (u16), OffsetOwner, OffsetGroup, OffsetSacl, OffsetDacl (u32), all little
   endian; an ACL is AclRevision, Sbz1, AclSize (u16), AceCount (u16), Sbz2 (u16) followed
   by ACEs of AceType, AceFlags, AceSize (u16) then a type-specific body. */
#define WF_SD_HEADER 20u
#define WF_ACL_HEADER 8u

/* Control bits and ACE types (the NT headers of the driver build have them already). */
#ifndef SE_OWNER_DEFAULTED
#define SE_OWNER_DEFAULTED       0x0001u
#define SE_GROUP_DEFAULTED       0x0002u
#define SE_DACL_PRESENT          0x0004u
#define SE_DACL_DEFAULTED        0x0008u
#define SE_SACL_PRESENT          0x0010u
#define SE_DACL_AUTO_INHERIT_REQ 0x0100u
#define SE_DACL_AUTO_INHERITED   0x0400u
#define SE_DACL_PROTECTED        0x1000u
#define SE_SELF_RELATIVE         0x8000u
#endif
#define WF_SE_DACL_BITS (SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_AUTO_INHERIT_REQ | \
    SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED)
#ifndef ACCESS_ALLOWED_ACE_TYPE
#define ACCESS_ALLOWED_ACE_TYPE 0x00u
#define ACCESS_DENIED_ACE_TYPE  0x01u
#endif
#ifndef INHERIT_ONLY_ACE
#define INHERIT_ONLY_ACE        0x08u
#endif

/* Where a descriptor's parts are; every offset and size has been checked. */
typedef struct wf_sd_parts {
    uint16_t control;
    uint32_t owner, group;      /* SID offsets, 0 = none */
    bool dacl_present;          /* SE_DACL_PRESENT */
    uint32_t dacl, dacl_size;   /* ACL offset (0 with dacl_present: a NULL DACL) and size */
    uint32_t sacl, sacl_size;
} wf_sd_parts;

/* wf_sd_validate's checks, and where the parts are. */
NTSTATUS wf_sd_parse(const void *sd, size_t len, wf_sd_parts *parts);
/* Whether an ACE type is an object ACE (Mask, Flags, up to two GUIDs, then SID). */
bool wf_ace_is_object(uint8_t type);
/* The offset of the SID within an ACE of ace_size bytes, or 0 when the type has none or the
   ACE is too short for its fixed fields. */
uint32_t wf_ace_sid_offset(const uint8_t *ace, uint32_t ace_size);
/* The SID at sd[off..len) into *sid; false when off is 0 (no SID) or the SID is malformed. */
bool wf_sd_sid_at(const uint8_t *sd, size_t len, uint32_t off, wf_sid *sid);

/* Checks that sd[0..len) is a well-formed self-relative descriptor: revision 1, the
   SE_SELF_RELATIVE flag, every offset and size inside the buffer, valid SIDs, ACL revision
   2 or 4, ACE sizes that fit the ACL. STATUS_SUCCESS or STATUS_INVALID_SECURITY_DESCR. */
NTSTATUS wf_sd_validate(const void *sd, size_t len);

/* Maps a descriptor back to POSIX, as WinFsp: owner → *uid, group → *gid by
   wf_sid_to_uid; the DACL's allow/deny ACEs (first match wins per right; Everyone and
   Authenticated Users count for every class; inherit-only ACEs are skipped; generic rights
   expanded) → r if FILE_READ_DATA, w if FILE_WRITE_DATA and FILE_APPEND_DATA, x if
   FILE_EXECUTE per class, plus the sticky bit when the owner may delete children but a
   class with w may not. A part the descriptor lacks leaves *uid / *gid as passed in; no
   DACL or a NULL DACL gives 0777. *mode receives only permission bits (0777 | 01000).
   present (optional) receives which of OWNER/GROUP/DACL_SECURITY_INFORMATION the
   descriptor carried. Malformed → STATUS_INVALID_SECURITY_DESCR. */
NTSTATUS wf_sd_to_posix(const wf_id_map *map, const void *sd, size_t len,
    uint32_t *uid, uint32_t *gid, uint32_t *mode, uint32_t *present);

/* SetSecurity's merge (as SeSetSecurityDescriptorInfo): a self-relative descriptor with the
   parts selected by security_information (OWNER/GROUP/DACL_SECURITY_INFORMATION) taken from
   new_sd and the others from old_sd (a SACL is not kept). A selected owner or group that
   new_sd lacks → STATUS_INVALID_OWNER / STATUS_INVALID_PRIMARY_GROUP; a selected DACL that
   new_sd lacks gives no DACL. Malformed input → STATUS_INVALID_SECURITY_DESCR; cap short →
   STATUS_BUFFER_TOO_SMALL with *out_len the size needed. */
NTSTATUS wf_sd_merge(const void *old_sd, size_t old_len, const void *new_sd, size_t new_len,
    uint32_t security_information, void *out, size_t cap, size_t *out_len);

#endif
