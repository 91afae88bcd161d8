/* dosattrib_map.h — Samba's user.DOSATTRIB extended attribute (librpc/idl/xattr.idl,
   xattr_DOSATTRIB): DOS attributes and the creation time, read in every form Samba wrote,
   written as current Samba writes it (version 5). */
#ifndef WINFUSE_ENGINE_DOSATTRIB_MAP_H
#define WINFUSE_ENGINE_DOSATTRIB_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define WF_DOSATTRIB_XATTR      "user.DOSATTRIB"
#define WF_DOSATTRIB_XATTR_LEN  14u
/* Room for any value read back: v3, Samba's largest written form, is 56 bytes; v2 carries a
   name Samba never filled. Longer values are read up to this much (the rest is unused). */
#define WF_DOSATTRIB_READ_MAX   64u
/* What wf_dosattrib_encode writes: version 5 is always 24 bytes. */
#define WF_DOSATTRIB_V5_SIZE    24u

/* xattr_DosInfoValidFlags */
#define WF_DOSINFO_ATTRIB       0x01u
#define WF_DOSINFO_CREATE_TIME  0x10u

typedef struct wf_dosattrib {
    uint32_t attributes;        /* FILE_ATTRIBUTE_* as stored */
    uint64_t creation_time;     /* NT time; 0 when the value has none */
    uint16_t version;           /* 0 for the bare "0x.." string, else 1-5 */
} wf_dosattrib;

/* Reads a user.DOSATTRIB value: the bare hex string "0x20" (Samba 3.0), or the hex string
   (possibly empty) followed by the NDR xattr_DOSATTRIB of version 1 to 5. The creation time
   counts only where the version has one and (v3-v5) valid_flags says it is valid.
   Returns false for a value Samba itself would refuse (no hex, unknown version, too short). */
bool wf_dosattrib_decode(const uint8_t *value, size_t len, wf_dosattrib *out);

/* Whether an EA name (without "user.") is DOSATTRIB, in any case: Samba keeps it out of
   the EA view and refuses to set it (samba_private_attr_name compares without case). */
bool wf_dosattrib_is_ea_name(const char *name, size_t len);

/* Writes version 5 as Samba's set_ea_dos_attribute does: an empty attrib_hex, valid_flags
   ATTRIB|CREATE_TIME, the attributes and the creation time. out holds
   WF_DOSATTRIB_V5_SIZE bytes; returns that size. */
size_t wf_dosattrib_encode(uint32_t attributes, uint64_t creation_time, uint8_t *out);

#endif
