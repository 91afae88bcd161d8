/* sd_map.c — POSIX uid/gid/mode ⇄ self-relative security descriptors, and merging. */
#include "winfuse/security.h"
#include "platform/platform.h"
#include "winfuse/le_bytes.h"
#include "winfuse/nt_constants.h"

/* WinFsp's rights (from the Services for UNIX permission mapping it follows). */
#define POSIX_DEFAULT_RIGHTS (SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES | FILE_READ_EA)
#define POSIX_OWNER_RIGHTS (POSIX_DEFAULT_RIGHTS | DELETE | WRITE_DAC | WRITE_OWNER | \
    FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA)

/* ---- parsing and validation ---------------------------------------------------------- */

/* The ACE types whose body is Mask then SID (allowed, denied, audit, alarm, their callback
   forms, mandatory label, resource attribute, scoped policy), and the object forms whose
   body is Mask, Flags, up to two GUIDs, then SID. */
static bool ace_is_plain(uint8_t type)
{
    return type <= 3 || type == 9 || type == 0xA || type == 0xD || type == 0xE ||
        (type >= 0x11 && type <= 0x13);
}

bool wf_ace_is_object(uint8_t type)
{
    return (type >= 5 && type <= 8) || type == 0xB || type == 0xC || type == 0xF ||
        type == 0x10;
}

/* The offset of the SID within an ACE of ace_size bytes, or 0 when the type has none or the
   ACE is too short for its fixed fields. */
uint32_t wf_ace_sid_offset(const uint8_t *ace, uint32_t ace_size)
{
    uint32_t off;

    if (ace_is_plain(ace[0]))
        return ace_size >= 8 ? 8 : 0;
    if (!wf_ace_is_object(ace[0]) || ace_size < 12)
        return 0;
    off = 12;
    if (wf_get_le32(ace + 8) & 1)      /* ACE_OBJECT_TYPE_PRESENT */
        off += 16;
    if (wf_get_le32(ace + 8) & 2)      /* ACE_INHERITED_OBJECT_TYPE_PRESENT */
        off += 16;
    return off <= ace_size ? off : 0;
}

static bool acl_valid(const uint8_t *sd, size_t len, uint32_t off, uint32_t *size)
{
    const uint8_t *acl = sd + off;
    uint32_t acl_size, count, pos, i;
    wf_sid sid;

    if (off < WF_SD_HEADER || off > len || len - off < WF_ACL_HEADER)
        return false;
    if (acl[0] != 2 && acl[0] != 4)
        return false;
    acl_size = wf_get_le16(acl + 2);
    count = wf_get_le16(acl + 4);
    if (acl_size < WF_ACL_HEADER || acl_size > len - off)
        return false;
    for (pos = WF_ACL_HEADER, i = 0; i < count; i++) {
        uint32_t ace_size, sid_off;

        if (acl_size - pos < 4)
            return false;
        ace_size = wf_get_le16(acl + pos + 2);
        if (ace_size < 4 || ace_size > acl_size - pos)
            return false;
        if (ace_is_plain(acl[pos]) || wf_ace_is_object(acl[pos])) {
            sid_off = wf_ace_sid_offset(acl + pos, ace_size);
            if (sid_off == 0 ||
                wf_sid_from_bytes(acl + pos + sid_off, ace_size - sid_off, &sid) !=
                    STATUS_SUCCESS)
                return false;
        }
        pos += ace_size;
    }
    *size = acl_size;
    return true;
}

static bool sid_valid_at(const uint8_t *sd, size_t len, uint32_t off)
{
    wf_sid sid;

    return off >= WF_SD_HEADER && off < len &&
        wf_sid_from_bytes(sd + off, len - off, &sid) == STATUS_SUCCESS;
}

NTSTATUS wf_sd_parse(const void *buf, size_t len, wf_sd_parts *parts)
{
    const uint8_t *sd = buf;

    wf_mem_set(parts, 0, sizeof *parts);
    if (sd == NULL || len < WF_SD_HEADER || sd[0] != 1)
        return STATUS_INVALID_SECURITY_DESCR;
    parts->control = wf_get_le16(sd + 2);
    if (!(parts->control & SE_SELF_RELATIVE))
        return STATUS_INVALID_SECURITY_DESCR;
    parts->owner = wf_get_le32(sd + 4);
    parts->group = wf_get_le32(sd + 8);
    if ((parts->owner != 0 && !sid_valid_at(sd, len, parts->owner)) ||
        (parts->group != 0 && !sid_valid_at(sd, len, parts->group)))
        return STATUS_INVALID_SECURITY_DESCR;
    if (parts->control & SE_SACL_PRESENT) {
        parts->sacl = wf_get_le32(sd + 12);
        if (parts->sacl != 0 && !acl_valid(sd, len, parts->sacl, &parts->sacl_size))
            return STATUS_INVALID_SECURITY_DESCR;
    }
    if (parts->control & SE_DACL_PRESENT) {
        parts->dacl_present = true;
        parts->dacl = wf_get_le32(sd + 16);
        if (parts->dacl != 0 && !acl_valid(sd, len, parts->dacl, &parts->dacl_size))
            return STATUS_INVALID_SECURITY_DESCR;
    }
    return STATUS_SUCCESS;
}

NTSTATUS wf_sd_validate(const void *sd, size_t len)
{
    wf_sd_parts parts;

    return wf_sd_parse(sd, len, &parts);
}

/* ---- POSIX → descriptor -------------------------------------------------------------- */

/* The rights of one rwx triplet; delete_child adds FILE_DELETE_CHILD to w. */
static uint32_t perm_rights(uint32_t perm, bool delete_child)
{
    return ((perm & 4) ? FILE_READ_DATA : 0) |
        ((perm & 2) ? FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES |
            (delete_child ? FILE_DELETE_CHILD : 0) : 0) |
        ((perm & 1) ? FILE_EXECUTE : 0);
}

uint32_t wf_posix_class_access(uint32_t mode, bool is_directory, wf_posix_class cls)
{
    /* The sticky bit keeps FILE_DELETE_CHILD from group and other, never from the owner. */
    bool group_delete_child = is_directory && !(mode & 01000u);

    switch (cls) {
    case WF_CLASS_OWNER:
        return POSIX_OWNER_RIGHTS | perm_rights((mode >> 6) & 7, is_directory);
    case WF_CLASS_GROUP:
        return POSIX_DEFAULT_RIGHTS | perm_rights((mode >> 3) & 7, group_delete_child);
    default:
        return POSIX_DEFAULT_RIGHTS | perm_rights(mode & 7, group_delete_child);
    }
}

static uint32_t put_ace(uint8_t *p, uint8_t type, uint32_t mask, const wf_sid *sid)
{
    uint32_t size = 8u + (uint32_t)wf_sid_size(sid);

    p[0] = type;
    p[1] = 0;
    wf_put_le16(p + 2, size);
    wf_put_le32(p + 4, mask);
    wf_sid_to_bytes(sid, p + 8, size - 8);
    return size;
}

NTSTATUS wf_sd_from_posix(const wf_id_map *map, uint32_t uid, uint32_t gid, uint32_t mode,
    bool is_directory, void *buf, size_t cap, size_t *len)
{
    wf_sid owner, group;
    uint32_t owner_perm = (mode >> 6) & 7, group_perm = (mode >> 3) & 7, other_perm = mode & 7;
    /* Windows grants the union of every matching allow ACE, POSIX only the one class that
       matches: deny what group or other would add for the owner, and what other would add
       for the group (WinFsp's construction). */
    uint32_t owner_deny = (group_perm | other_perm) & ~owner_perm;
    uint32_t group_deny = other_perm & ~group_perm;
    bool group_delete_child = is_directory && !(mode & 01000u);
    uint32_t osz, gsz, acl_size, total, pos, count;
    uint8_t *p = buf;

    wf_uid_to_sid(map, uid, false, &owner);
    wf_uid_to_sid(map, gid, true, &group);
    osz = (uint32_t)wf_sid_size(&owner);
    gsz = (uint32_t)wf_sid_size(&group);
    acl_size = WF_ACL_HEADER + (8 + osz) + (8 + gsz) + (8 + (uint32_t)wf_sid_size(&wf_sid_world)) +
        (owner_deny ? 8 + osz : 0) + (group_deny ? 8 + gsz : 0);
    total = WF_SD_HEADER + osz + gsz + acl_size;
    *len = total;
    if (p == NULL || cap < total)
        return STATUS_BUFFER_TOO_SMALL;

    p[0] = 1;
    p[1] = 0;
    wf_put_le16(p + 2, SE_SELF_RELATIVE | SE_DACL_PRESENT | SE_DACL_PROTECTED);
    wf_put_le32(p + 4, WF_SD_HEADER);
    wf_put_le32(p + 8, WF_SD_HEADER + osz);
    wf_put_le32(p + 12, 0);
    wf_put_le32(p + 16, WF_SD_HEADER + osz + gsz);
    wf_sid_to_bytes(&owner, p + WF_SD_HEADER, osz);
    wf_sid_to_bytes(&group, p + WF_SD_HEADER + osz, gsz);

    p += WF_SD_HEADER + osz + gsz;
    pos = WF_ACL_HEADER;
    count = 0;
    pos += put_ace(p + pos, ACCESS_ALLOWED_ACE_TYPE,
        wf_posix_class_access(mode, is_directory, WF_CLASS_OWNER), &owner);
    count++;
    if (owner_deny) {
        /* the owner always keeps FILE_WRITE_ATTRIBUTES (granted just above anyway) */
        pos += put_ace(p + pos, ACCESS_DENIED_ACE_TYPE,
            perm_rights(owner_deny, is_directory) & ~FILE_WRITE_ATTRIBUTES, &owner);
        count++;
    }
    pos += put_ace(p + pos, ACCESS_ALLOWED_ACE_TYPE,
        wf_posix_class_access(mode, is_directory, WF_CLASS_GROUP), &group);
    count++;
    if (group_deny) {
        pos += put_ace(p + pos, ACCESS_DENIED_ACE_TYPE,
            perm_rights(group_deny, group_delete_child), &group);
        count++;
    }
    pos += put_ace(p + pos, ACCESS_ALLOWED_ACE_TYPE,
        wf_posix_class_access(mode, is_directory, WF_CLASS_OTHER), &wf_sid_world);
    count++;
    p[0] = 2;                   /* ACL_REVISION */
    p[1] = 0;
    wf_put_le16(p + 2, pos);
    wf_put_le16(p + 4, count);
    wf_put_le16(p + 6, 0);
    return STATUS_SUCCESS;
}

/* ---- descriptor → POSIX -------------------------------------------------------------- */

/* Generic rights as the file object's generic mapping expands them. */
static uint32_t canonical_mask(uint32_t mask)
{
    if (mask & GENERIC_READ)
        mask |= FILE_GENERIC_READ;
    if (mask & GENERIC_WRITE)
        mask |= FILE_GENERIC_WRITE;
    if (mask & GENERIC_EXECUTE)
        mask |= FILE_GENERIC_EXECUTE;
    if (mask & GENERIC_ALL)
        mask |= FILE_ALL_ACCESS;
    return mask & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

static uint32_t rights_to_perm(uint32_t rights)
{
    return ((rights & FILE_READ_DATA) ? 4u : 0) |
        ((rights & (FILE_WRITE_DATA | FILE_APPEND_DATA)) ==
            (FILE_WRITE_DATA | FILE_APPEND_DATA) ? 2u : 0) |
        ((rights & FILE_EXECUTE) ? 1u : 0);
}

/* One POSIX class's collected rights: the first ACE to mention a right decides it. */
typedef struct class_rights { uint32_t allow, deny; } class_rights;

static void class_add(class_rights *c, bool allow, uint32_t mask)
{
    if (allow)
        c->allow |= mask & ~c->deny;
    else
        c->deny |= mask & ~c->allow;
}

bool wf_sd_sid_at(const uint8_t *sd, size_t len, uint32_t off, wf_sid *sid)
{
    return off != 0 && wf_sid_from_bytes(sd + off, len - off, sid) == STATUS_SUCCESS;
}

NTSTATUS wf_sd_to_posix(const wf_id_map *map, const void *buf, size_t len,
    uint32_t *uid, uint32_t *gid, uint32_t *mode, uint32_t *present)
{
    const uint8_t *sd = buf, *acl, *ace;
    wf_sd_parts parts;
    wf_sid owner, group, sid;
    class_rights rights[3];     /* owner, group, other */
    uint32_t pos, i, count, ace_size, ace_uid, shared_allows = 0, shared_seen = 0, perms;
    bool has_owner, has_group, shared, allow, to_owner, to_group;
    NTSTATUS status;

    status = wf_sd_parse(buf, len, &parts);
    if (status != STATUS_SUCCESS)
        return status;
    has_owner = wf_sd_sid_at(sd, len, parts.owner, &owner);
    has_group = wf_sd_sid_at(sd, len, parts.group, &group);
    if (has_owner)
        wf_sid_to_uid(map, &owner, uid);
    if (has_group)
        wf_sid_to_uid(map, &group, gid);
    if (present != NULL)
        *present = (has_owner ? OWNER_SECURITY_INFORMATION : 0) |
            (has_group ? GROUP_SECURITY_INFORMATION : 0) |
            (parts.dacl_present ? DACL_SECURITY_INFORMATION : 0);
    if (!parts.dacl_present || parts.dacl == 0) {
        *mode = 0777;           /* no DACL, or a NULL DACL: everybody may do everything */
        return STATUS_SUCCESS;
    }

    /* Owner and group with one SID (uid 1000 and gid 1000 are both S-1-5-1000): the ACEs
       are told apart by position as wf_sd_from_posix lays them out: the first allow ACE
       (and denies before the second) is the owner's, the rest the group's. With a single
       allow ACE for that SID it counts for both. */
    shared = has_owner && has_group && wf_sid_equal(&owner, &group);
    acl = sd + parts.dacl;
    count = wf_get_le16(acl + 4);
    if (shared)
        for (pos = WF_ACL_HEADER, i = 0; i < count; i++, pos += ace_size) {
            ace = acl + pos;
            ace_size = wf_get_le16(ace + 2);
            if (ace[0] == ACCESS_ALLOWED_ACE_TYPE && !(ace[1] & INHERIT_ONLY_ACE) &&
                wf_sd_sid_at(ace, ace_size, 8, &sid) && wf_sid_equal(&sid, &owner))
                shared_allows++;
        }

    wf_mem_set(rights, 0, sizeof rights);
    for (pos = WF_ACL_HEADER, i = 0; i < count; i++, pos += ace_size) {
        uint32_t mask;

        ace = acl + pos;
        ace_size = wf_get_le16(ace + 2);
        /* only allow and deny ACEs that apply to this object itself */
        if ((ace[0] != ACCESS_ALLOWED_ACE_TYPE && ace[0] != ACCESS_DENIED_ACE_TYPE) ||
            (ace[1] & INHERIT_ONLY_ACE) || !wf_sd_sid_at(ace, ace_size, 8, &sid))
            continue;
        allow = ace[0] == ACCESS_ALLOWED_ACE_TYPE;
        mask = canonical_mask(wf_get_le32(ace + 4));
        if (wf_sid_equal(&sid, &wf_sid_world) ||
            wf_sid_equal(&sid, &wf_sid_authenticated_users)) {
            class_add(&rights[0], allow, mask);
            class_add(&rights[1], allow, mask);
            class_add(&rights[2], allow, mask);
            continue;
        }
        if (shared && wf_sid_equal(&sid, &owner)) {
            if (allow)
                shared_seen++;
            to_owner = shared_allows < 2 || shared_seen <= 1;
            to_group = shared_allows < 2 || shared_seen > 1;
        } else {
            ace_uid = 0;
            if (!has_owner || !has_group)
                wf_sid_to_uid(map, &sid, &ace_uid);
            to_owner = has_owner ? wf_sid_equal(&sid, &owner) : ace_uid == *uid;
            to_group = has_group ? wf_sid_equal(&sid, &group) : ace_uid == *gid;
        }
        if (to_group)
            class_add(&rights[1], allow, mask);
        if (to_owner)
            class_add(&rights[0], allow, mask);
    }
    perms = rights_to_perm(rights[0].allow) << 6 | rights_to_perm(rights[1].allow) << 3 |
        rights_to_perm(rights[2].allow);
    /* The owner may delete children but a class with w may not: the sticky bit. */
    if ((rights[0].allow & FILE_DELETE_CHILD) &&
        ((!(rights[1].allow & FILE_DELETE_CHILD) && (perms & 020)) ||
         (!(rights[2].allow & FILE_DELETE_CHILD) && (perms & 002))))
        perms |= 01000;
    *mode = perms;
    return STATUS_SUCCESS;
}

/* ---- SetSecurity's merge ------------------------------------------------------------- */

NTSTATUS wf_sd_merge(const void *old_sd, size_t old_len, const void *new_sd, size_t new_len,
    uint32_t security_information, void *out, size_t cap, size_t *out_len)
{
    const uint8_t *osd = old_sd, *nsd = new_sd, *owner_src, *group_src, *dacl_src;
    wf_sd_parts old_parts, new_parts;
    const wf_sd_parts *op, *gp, *dp;
    uint32_t osz = 0, gsz = 0, dsz, total, control;
    uint8_t *p = out;
    wf_sid sid;
    NTSTATUS status;

    status = wf_sd_parse(old_sd, old_len, &old_parts);
    if (status == STATUS_SUCCESS)
        status = wf_sd_parse(new_sd, new_len, &new_parts);
    if (status != STATUS_SUCCESS)
        return status;
    if (security_information & OWNER_SECURITY_INFORMATION) {
        op = &new_parts, owner_src = nsd;
        if (new_parts.owner == 0)
            return STATUS_INVALID_OWNER;
    } else
        op = &old_parts, owner_src = osd;
    if (security_information & GROUP_SECURITY_INFORMATION) {
        gp = &new_parts, group_src = nsd;
        if (new_parts.group == 0)
            return STATUS_INVALID_PRIMARY_GROUP;
    } else
        gp = &old_parts, group_src = osd;
    if (security_information & DACL_SECURITY_INFORMATION)
        dp = &new_parts, dacl_src = nsd;
    else
        dp = &old_parts, dacl_src = osd;

    /* sd_parse checked that these SIDs parse within their buffers */
    if (op->owner != 0) {
        wf_sid_from_bytes(owner_src + op->owner,
            (owner_src == nsd ? new_len : old_len) - op->owner, &sid);
        osz = (uint32_t)wf_sid_size(&sid);
    }
    if (gp->group != 0) {
        wf_sid_from_bytes(group_src + gp->group,
            (group_src == nsd ? new_len : old_len) - gp->group, &sid);
        gsz = (uint32_t)wf_sid_size(&sid);
    }
    dsz = dp->dacl_present && dp->dacl != 0 ? dp->dacl_size : 0;
    total = WF_SD_HEADER + osz + gsz + dsz;
    *out_len = total;
    if (p == NULL || cap < total)
        return STATUS_BUFFER_TOO_SMALL;

    control = SE_SELF_RELATIVE | (op->control & SE_OWNER_DEFAULTED) |
        (gp->control & SE_GROUP_DEFAULTED) | (dp->control & WF_SE_DACL_BITS);
    p[0] = 1;
    p[1] = 0;
    wf_put_le16(p + 2, control);
    wf_put_le32(p + 4, osz ? WF_SD_HEADER : 0);
    wf_put_le32(p + 8, gsz ? WF_SD_HEADER + osz : 0);
    wf_put_le32(p + 12, 0);
    wf_put_le32(p + 16, dsz ? WF_SD_HEADER + osz + gsz : 0);
    if (osz)
        wf_mem_copy(p + WF_SD_HEADER, owner_src + op->owner, osz);
    if (gsz)
        wf_mem_copy(p + WF_SD_HEADER + osz, group_src + gp->group, gsz);
    if (dsz)
        wf_mem_copy(p + WF_SD_HEADER + osz + gsz, dacl_src + dp->dacl, dsz);
    return STATUS_SUCCESS;
}
