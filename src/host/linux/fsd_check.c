/* fsd_check.c — what the I/O manager and WinFsp's FSD check in a caller's buffers before
   WinFuse sees them: EA lists, reparse buffers, security descriptors. Written from their
   documented behaviour, not with the engine's validators: the stand-in is the oracle the
   engine's own checks are tested against, so it must not share them. */
#include "fsd_internal.h"

#include <string.h>

#include "winfuse/le_bytes.h"
#include "winfuse/nt_constants.h"

/* ---- EA lists: IoCheckEaBufferValidity, then the FSD's name check ------------------------ */

/* FILE_FULL_EA_INFORMATION (MS-FSCC 2.4.15): NextEntryOffset (4), Flags (1), EaNameLength
   (1), EaValueLength (2), EaName with its NUL, EaValue. */
typedef struct fsd_ea_cursor {
    const uint8_t *list;
    uint32_t length;
    uint32_t at;                /* the entry being looked at */
} fsd_ea_cursor;

/* The bytes of the entry at c->at, 0 when it does not fit or its name is not NUL-ended. */
static uint32_t fsd_ea_here(const fsd_ea_cursor *c)
{
    const uint8_t *e = c->list + c->at;
    uint32_t room = c->length - c->at, used;

    if (room < 8)
        return 0;
    used = 8u + e[5] + 1u + wf_get_le16(e + 6);
    if (used > room || e[8 + e[5]] != '\0')
        return 0;
    return used;
}

/* FsRtl's test for an EA name: what a FAT short name may hold (no control characters, none
   of " * + , / : ; < = > ? [ \ ] |), 1 to 254 characters. */
static bool fsd_ea_name_legal(const uint8_t *name, uint8_t len)
{
    if (len == 0 || len == 255)
        return false;
    for (uint8_t i = 0; i < len; i++)
        if (name[i] < ' ' || strchr("\"*+,/:;<=>?[\\]|", name[i]) != NULL)
            return false;
    return true;
}

NTSTATUS wf_fsd_check_ea_list(const uint8_t *list, uint32_t length)
{
    fsd_ea_cursor c = { list, length, 0 };
    uint32_t next;

    if (length == 0)
        return STATUS_SUCCESS;

    /* The I/O manager: every entry inside the buffer, each one's NextEntryOffset a multiple
       of 4 that passes the entry and stays inside, the last one's 0. */
    for (;;) {
        uint32_t used = fsd_ea_here(&c);
        if (used == 0)
            return STATUS_EA_LIST_INCONSISTENT;
        next = wf_get_le32(list + c.at);
        if (next == 0)
            break;
        if (next % 4 != 0 || next < used || next >= length - c.at)
            return STATUS_EA_LIST_INCONSISTENT;
        c.at += next;
    }
    /* The FSD: each name legal, no flag but FILE_NEED_EA (0x80). */
    for (c.at = 0;; c.at += next) {
        const uint8_t *e = list + c.at;
        if ((e[4] & 0x7f) != 0 || !fsd_ea_name_legal(e + 8, e[5]))
            return STATUS_INVALID_EA_NAME;
        next = wf_get_le32(e);
        if (next == 0)
            return STATUS_SUCCESS;
    }
}

/* ---- reparse buffers: FsRtlValidateReparsePointBuffer ------------------------------------ */

/* The symbolic link and mount point data: SubstituteNameOffset, SubstituteNameLength,
   PrintNameOffset, PrintNameLength (2 each), then for a link Flags (4), then PathBuffer.
   Both names even-sized and inside PathBuffer, the substitute name not empty. */
static bool fsd_reparse_names_fit(const uint8_t *data, uint32_t data_length, uint32_t fixed)
{
    if (data_length < fixed || wf_get_le16(data + 2) == 0)
        return false;
    for (unsigned name = 0; name < 2; name++) {     /* substitute, then print */
        uint32_t at = wf_get_le16(data + 4 * name), len = wf_get_le16(data + 4 * name + 2);
        if (((at | len) & 1u) != 0 || at + len > data_length - fixed)
            return false;
    }
    return true;
}

NTSTATUS wf_fsd_check_reparse_buffer(const uint8_t *buffer, size_t size)
{
    uint32_t tag, data_length, header;

    /* REPARSE_DATA_BUFFER's 8-byte header; at most MAXIMUM_REPARSE_DATA_BUFFER_SIZE. */
    if (size < 8 || size > 16u * 1024u)
        return STATUS_IO_REPARSE_DATA_INVALID;
    tag = wf_get_le32(buffer);
    if (tag <= 1)               /* IO_REPARSE_TAG_RESERVED_ZERO and _ONE */
        return STATUS_IO_REPARSE_TAG_INVALID;
    data_length = wf_get_le16(buffer + 4);
    /* A tag without the Microsoft bit carries a GUID: REPARSE_GUID_DATA_BUFFER, 24 bytes. */
    header = (tag & 0x80000000u) ? 8u : 24u;
    if (size != (size_t)header + data_length)
        return STATUS_IO_REPARSE_DATA_INVALID;
    switch (tag) {
    case IO_REPARSE_TAG_SYMLINK:
        return fsd_reparse_names_fit(buffer + header, data_length, 12) ? STATUS_SUCCESS :
            STATUS_IO_REPARSE_DATA_INVALID;
    case IO_REPARSE_TAG_MOUNT_POINT:
        return fsd_reparse_names_fit(buffer + header, data_length, 8) ? STATUS_SUCCESS :
            STATUS_IO_REPARSE_DATA_INVALID;
    case IO_REPARSE_TAG_NFS:    /* at least the 64-bit type (MS-FSCC 2.1.2.6) */
        return data_length >= 8 ? STATUS_SUCCESS : STATUS_IO_REPARSE_DATA_INVALID;
    default:
        return STATUS_SUCCESS;
    }
}

/* ---- security descriptors: RtlValidRelativeSecurityDescriptor ---------------------------- */

/* A SID (MS-DTYP 2.4.2) at sd[at..length): revision 1, at most 15 sub-authorities, all inside. */
static bool fsd_sid_fits(const uint8_t *sd, size_t length, size_t at)
{
    return at < length && length - at >= 8 && sd[at] == 1 && sd[at + 1] <= 15 &&
        length - at >= 8u + 4u * sd[at + 1];
}

/* An ACL (MS-DTYP 2.4.5) at sd[at..length): revision 2 or 4, its AclSize inside, its ACEs
   inside it; the ACEs that name a trustee (allow, deny, audit, alarm, their callback and
   object forms, label, resource attribute, scoped policy) with a valid SID after their
   fixed part. */
static bool fsd_acl_fits(const uint8_t *sd, size_t length, size_t at)
{
    const uint8_t *acl = sd + at;
    uint32_t acl_size, count, pos = 8;

    if (at < 20 || at >= length || length - at < 8 || (acl[0] != 2 && acl[0] != 4))
        return false;
    acl_size = wf_get_le16(acl + 2);
    count = wf_get_le16(acl + 4);
    if (acl_size < 8 || acl_size > length - at)
        return false;
    while (count-- > 0) {
        uint32_t ace_size, sid_at;
        uint8_t type;
        if (acl_size - pos < 4)
            return false;
        type = acl[pos];
        ace_size = wf_get_le16(acl + pos + 2);
        if (ace_size < 4 || ace_size > acl_size - pos)
            return false;
        if (type <= 0x03 || type == 0x09 || type == 0x0A || type == 0x0D || type == 0x0E ||
            (type >= 0x11 && type <= 0x13))
            sid_at = 8;                 /* Header, Mask, SID */
        else if ((type >= 0x05 && type <= 0x08) || type == 0x0B || type == 0x0C ||
                 type == 0x0F || type == 0x10) {
            uint32_t object_flags;
            if (ace_size < 12)
                return false;
            object_flags = wf_get_le32(acl + pos + 8);
            sid_at = 12 + ((object_flags & 1u) ? 16 : 0) + ((object_flags & 2u) ? 16 : 0);
        } else
            sid_at = 0;                 /* a type with no trustee: its bytes are its own */
        if (sid_at != 0 &&
            (sid_at >= ace_size || !fsd_sid_fits(acl + pos, ace_size, sid_at)))
            return false;
        pos += ace_size;
    }
    return true;
}

NTSTATUS wf_fsd_check_security_descriptor(const uint8_t *sd, size_t length)
{
    uint16_t control;
    uint32_t owner, group;

    /* SECURITY_DESCRIPTOR_RELATIVE: Revision 1, Sbz1, Control, then the four offsets. */
    if (sd == NULL || length < 20 || sd[0] != 1)
        return STATUS_INVALID_SECURITY_DESCR;
    control = wf_get_le16(sd + 2);
    if (!(control & 0x8000u))                           /* SE_SELF_RELATIVE */
        return STATUS_INVALID_SECURITY_DESCR;
    owner = wf_get_le32(sd + 4);
    group = wf_get_le32(sd + 8);
    if ((owner != 0 && (owner < 20 || !fsd_sid_fits(sd, length, owner))) ||
        (group != 0 && (group < 20 || !fsd_sid_fits(sd, length, group))))
        return STATUS_INVALID_SECURITY_DESCR;
    if ((control & 0x0010u) && wf_get_le32(sd + 12) != 0 &&    /* SE_SACL_PRESENT */
        !fsd_acl_fits(sd, length, wf_get_le32(sd + 12)))
        return STATUS_INVALID_SECURITY_DESCR;
    if ((control & 0x0004u) && wf_get_le32(sd + 16) != 0 &&    /* SE_DACL_PRESENT */
        !fsd_acl_fits(sd, length, wf_get_le32(sd + 16)))
        return STATUS_INVALID_SECURITY_DESCR;
    return STATUS_SUCCESS;
}
