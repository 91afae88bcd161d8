/* sid_map.c — SIDs (binary and text) and the WinFsp/Cygwin uid/gid ⇄ SID mapping. */
#include "winfuse/security.h"
#include "winfuse/le_bytes.h"

/* Facts from WinFsp's POSIX interop (src/shared/ku/posix.c) and Cygwin's "POSIX accounts,
   permission, and security": the uid namespace is partitioned as
     0x000000 + RID            S-1-5-RID (RID < 0x200, or 1000), S-1-5-32-RID (RID < 1000)
     0x001000 * X + RID        S-1-5-X-RID
     0x010000 + 0x100 * X + Y  S-1-X-Y
     0x030000 + RID            S-1-5-21-<local machine domain>-RID
     0x060000 + RID            S-1-16-RID (mandatory labels)
     0x100000 + RID            S-1-5-21-<primary domain>-RID
   and whatever maps to nothing is uid 65534 ⇄ S-1-0-65534. Samba's and Cygwin's Unix
   authority (S-1-22-1-UID "Unix User", S-1-22-2-GID "Unix Group") carries the uids the
   table cannot, so that a Linux uid such as 1001 keeps its identity on the way through. */

const wf_sid wf_sid_world = { 1, 1, { 0, 0, 0, 0, 0, 1 }, { 0 } };
const wf_sid wf_sid_authenticated_users = { 1, 1, { 0, 0, 0, 0, 0, 5 }, { 11 } };
const wf_sid wf_sid_unmapped = { 1, 1, { 0, 0, 0, 0, 0, 0 }, { WF_UID_UNMAPPED } };

#define AUTH_NT 5u
#define AUTH_LABEL 16u
#define AUTH_UNIX 22u

void wf_sid_init(wf_sid *sid, uint64_t authority, uint8_t sub_count, const uint32_t *sub)
{
    uint8_t i;

    if (sub_count > WF_SID_MAX_SUB)
        sub_count = WF_SID_MAX_SUB;
    sid->revision = 1;
    sid->sub_count = sub_count;
    for (i = 0; i < 6; i++)
        sid->authority[i] = (uint8_t)(authority >> (8 * (5 - i)));
    for (i = 0; i < WF_SID_MAX_SUB; i++)
        sid->sub[i] = i < sub_count ? sub[i] : 0;
}

uint64_t wf_sid_authority(const wf_sid *sid)
{
    uint64_t value = 0;
    unsigned i;

    for (i = 0; i < 6; i++)
        value = value << 8 | sid->authority[i];
    return value;
}

bool wf_sid_equal(const wf_sid *a, const wf_sid *b)
{
    unsigned i;

    if (a->revision != b->revision || a->sub_count != b->sub_count)
        return false;
    for (i = 0; i < 6; i++)
        if (a->authority[i] != b->authority[i])
            return false;
    for (i = 0; i < a->sub_count && i < WF_SID_MAX_SUB; i++)
        if (a->sub[i] != b->sub[i])
            return false;
    return true;
}

size_t wf_sid_size(const wf_sid *sid)
{
    return 8u + 4u * (size_t)sid->sub_count;
}

NTSTATUS wf_sid_from_bytes(const void *buf, size_t len, wf_sid *sid)
{
    const uint8_t *p = buf;
    unsigned i, count;

    if (p == NULL || len < 8)
        return STATUS_INVALID_SID;
    count = p[1];
    if (p[0] != 1 || count > WF_SID_MAX_SUB || len < 8u + 4u * count)
        return STATUS_INVALID_SID;
    sid->revision = 1;
    sid->sub_count = (uint8_t)count;
    for (i = 0; i < 6; i++)
        sid->authority[i] = p[2 + i];
    for (i = 0; i < WF_SID_MAX_SUB; i++)
        sid->sub[i] = i < count ? wf_get_le32(p + 8 + 4 * i) : 0;
    return STATUS_SUCCESS;
}

size_t wf_sid_to_bytes(const wf_sid *sid, void *buf, size_t cap)
{
    uint8_t *p = buf;
    size_t size = wf_sid_size(sid);
    unsigned i;

    if (sid->sub_count > WF_SID_MAX_SUB || cap < size)
        return 0;
    p[0] = sid->revision;
    p[1] = sid->sub_count;
    for (i = 0; i < 6; i++)
        p[2 + i] = sid->authority[i];
    for (i = 0; i < sid->sub_count; i++)
        wf_put_le32(p + 8 + 4 * i, sid->sub[i]);
    return size;
}

/* Appends value in decimal (or hex with 0x when hex) to out at *pos; false on overflow
   (cap includes room for the final NUL). */
static bool put_number(char *out, size_t cap, size_t *pos, uint64_t value, bool hex)
{
    char digits[20];
    unsigned n = 0, base = hex ? 16u : 10u;

    do {
        unsigned d = (unsigned)(value % base);
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        value /= base;
    } while (value != 0 || (hex && n < 12));
    if (hex) {
        if (*pos + 2 >= cap)
            return false;
        out[(*pos)++] = '0';
        out[(*pos)++] = 'x';
    }
    if (*pos + n >= cap)
        return false;
    while (n > 0)
        out[(*pos)++] = digits[--n];
    return true;
}

static bool put_char(char *out, size_t cap, size_t *pos, char c)
{
    if (*pos + 1 >= cap)
        return false;
    out[(*pos)++] = c;
    return true;
}

NTSTATUS wf_sid_to_string(const wf_sid *sid, char *out, size_t cap, size_t *len)
{
    uint64_t authority = wf_sid_authority(sid);
    size_t pos = 0;
    unsigned i;
    bool ok;

    if (out == NULL || cap == 0)
        return STATUS_BUFFER_TOO_SMALL;
    ok = put_char(out, cap, &pos, 'S') && put_char(out, cap, &pos, '-') &&
        put_number(out, cap, &pos, sid->revision, false) && put_char(out, cap, &pos, '-') &&
        put_number(out, cap, &pos, authority, authority > 0xffffffffu);
    for (i = 0; ok && i < sid->sub_count && i < WF_SID_MAX_SUB; i++)
        ok = put_char(out, cap, &pos, '-') && put_number(out, cap, &pos, sid->sub[i], false);
    out[ok ? pos : 0] = '\0';
    if (len != NULL)
        *len = ok ? pos : 0;
    return ok ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}

/* Parses digits at text[*pos..len) up to the next '-' or the end: decimal, or hex after
   "0x" when allow_hex. At least one digit; the value must not exceed max. */
static bool parse_number(const char *text, size_t len, size_t *pos, bool allow_hex,
    uint64_t max, uint64_t *value)
{
    uint64_t v = 0;
    unsigned base = 10, digits = 0;

    if (allow_hex && *pos + 1 < len && text[*pos] == '0' &&
        (text[*pos + 1] == 'x' || text[*pos + 1] == 'X')) {
        base = 16;
        *pos += 2;
    }
    for (; *pos < len && text[*pos] != '-'; (*pos)++) {
        char c = text[*pos];
        unsigned d;

        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        if (v > (max - d) / base)
            return false;
        v = v * base + d;
        digits++;
    }
    *value = v;
    return digits > 0;
}

NTSTATUS wf_sid_from_string(const char *text, size_t len, wf_sid *sid)
{
    uint32_t sub[WF_SID_MAX_SUB];
    uint64_t authority, value;
    size_t pos = 4;
    unsigned count = 0;

    if (text == NULL || len < 5 || (text[0] != 'S' && text[0] != 's') || text[1] != '-' ||
        text[2] != '1' || text[3] != '-')
        return STATUS_INVALID_SID;
    if (!parse_number(text, len, &pos, true, 0xffffffffffffull, &authority))
        return STATUS_INVALID_SID;
    while (pos < len) {
        pos++;      /* the '-' */
        if (count == WF_SID_MAX_SUB ||
            !parse_number(text, len, &pos, false, 0xffffffffu, &value))
            return STATUS_INVALID_SID;
        sub[count++] = (uint32_t)value;
    }
    wf_sid_init(sid, authority, (uint8_t)count, sub);
    return STATUS_SUCCESS;
}

/* ---- the mapping --------------------------------------------------------------------- */

static void local_domain(const wf_id_map *map, uint32_t domain[3])
{
    if (map != NULL && (map->domain[0] | map->domain[1] | map->domain[2]) != 0) {
        domain[0] = map->domain[0];
        domain[1] = map->domain[1];
        domain[2] = map->domain[2];
    } else {
        domain[0] = WF_DEFAULT_DOMAIN_0;
        domain[1] = WF_DEFAULT_DOMAIN_1;
        domain[2] = WF_DEFAULT_DOMAIN_2;
    }
}

static bool in_domain(const wf_sid *sid, const uint32_t domain[3])
{
    return sid->sub_count == 5 && sid->sub[0] == 21 && sid->sub[1] == domain[0] &&
        sid->sub[2] == domain[1] && sid->sub[3] == domain[2];
}

static void make_domain_sid(wf_sid *sid, const uint32_t domain[3], uint32_t rid)
{
    uint32_t sub[5] = { 21, domain[0], domain[1], domain[2], rid };

    wf_sid_init(sid, AUTH_NT, 5, sub);
}

/* WinFsp's table, SID → uid, before the no-aliasing check. */
static bool table_sid_to_uid(const wf_id_map *map, const wf_sid *sid, uint64_t *uid)
{
    uint64_t authority = wf_sid_authority(sid);
    unsigned count = sid->sub_count;
    uint32_t domain[3];

    if (count == 0 || count > WF_SID_MAX_SUB)
        return false;
    if (authority == AUTH_NT) {
        if (count == 1 || (count == 2 && sid->sub[0] == 32)) {
            *uid = sid->sub[count - 1];
            return true;
        }
        if (sid->sub[0] == 5)       /* logon SIDs: WinFsp does not translate them */
            return false;
        if (count >= 5 && sid->sub[0] == 21) {
            /* the primary domain first: on a domain controller both are the same */
            if (map != NULL && map->has_primary_domain && in_domain(sid, map->primary_domain)) {
                *uid = 0x100000u + (uint64_t)sid->sub[4];
                return true;
            }
            local_domain(map, domain);
            if (in_domain(sid, domain)) {
                *uid = 0x30000u + (uint64_t)sid->sub[4];
                return true;
            }
            return false;
        }
        if (count == 2) {
            *uid = 0x1000u * (uint64_t)sid->sub[0] + sid->sub[1];
            return true;
        }
        return false;
    }
    if (count != 1)
        return false;
    if (authority == AUTH_LABEL) {
        *uid = 0x60000u + (uint64_t)sid->sub[0];
        return true;
    }
    if (authority == 0 && sid->sub[0] == WF_UID_UNMAPPED)
        return false;
    *uid = 0x10000u + 0x100u * authority + sid->sub[0];
    return true;
}

/* WinFsp's table, uid → SID, before the no-aliasing check. */
static bool table_uid_to_sid(const wf_id_map *map, uint32_t uid, wf_sid *sid)
{
    uint32_t domain[3], sub[2];

    if (uid == WF_UID_UNMAPPED)
        return false;
    if (uid < 0x200 || uid == 1000) {
        wf_sid_init(sid, AUTH_NT, 1, &uid);
        return true;
    }
    if (uid < 1000) {
        sub[0] = 32;
        sub[1] = uid;
        wf_sid_init(sid, AUTH_NT, 2, sub);
        return true;
    }
    if (uid < 0x1000)           /* includes the logon uids 0xffe/0xfff, not translated */
        return false;
    if (uid >= 0x30000 && uid < 0x40000) {
        local_domain(map, domain);
        make_domain_sid(sid, domain, uid - 0x30000);
        return true;
    }
    if (uid >= 0x100000) {
        if (uid >= 0xff000000u || map == NULL || !map->has_primary_domain)
            return false;
        make_domain_sid(sid, map->primary_domain, uid - 0x100000);
        return true;
    }
    if (uid >= 0x60000 && uid < 0x70000) {
        sub[0] = uid - 0x60000;
        wf_sid_init(sid, AUTH_LABEL, 1, sub);
        return true;
    }
    if (uid >= 0x10000 && uid < 0x11000) {
        sub[0] = (uid - 0x10000) & 0xff;
        wf_sid_init(sid, (uid - 0x10000) >> 8, 1, sub);
        return true;
    }
    sub[0] = uid >> 12;
    sub[1] = uid & 0xfff;
    wf_sid_init(sid, AUTH_NT, 2, sub);
    return true;
}

static const wf_uidmap_entry *uidmap_by_uid(const wf_id_map *map, uint32_t uid)
{
    uint32_t i, count;

    if (map == NULL)
        return NULL;
    count = map->uidmap_count < WF_UIDMAP_MAX ? map->uidmap_count : WF_UIDMAP_MAX;
    for (i = 0; i < count; i++)
        if (map->uidmap[i].uid == uid)
            return &map->uidmap[i];
    return NULL;
}

static const wf_uidmap_entry *uidmap_by_sid(const wf_id_map *map, const wf_sid *sid)
{
    uint32_t i, count;

    if (map == NULL)
        return NULL;
    count = map->uidmap_count < WF_UIDMAP_MAX ? map->uidmap_count : WF_UIDMAP_MAX;
    for (i = 0; i < count; i++)
        if (wf_sid_equal(&map->uidmap[i].sid, sid))
            return &map->uidmap[i];
    return NULL;
}

bool wf_sid_to_uid(const wf_id_map *map, const wf_sid *sid, uint32_t *uid)
{
    const wf_uidmap_entry *entry = uidmap_by_sid(map, sid);
    wf_sid back;
    uint64_t value;

    if (entry != NULL) {
        *uid = entry->uid;
        return true;
    }
    if (sid->revision == 1 && wf_sid_authority(sid) == AUTH_UNIX && sid->sub_count == 2 &&
        (sid->sub[0] == 1 || sid->sub[0] == 2)) {
        *uid = sid->sub[1];
        return true;
    }
    /* A table result counts only if the uid maps back to this very SID: WinFsp's
       arithmetic aliases (S-1-5-X-RID with a large RID, AzureAD's S-1-12-1-…) would
       otherwise hand a stranger somebody else's uid. */
    if (sid->revision == 1 && table_sid_to_uid(map, sid, &value) && value <= 0xffffffffu &&
        table_uid_to_sid(map, (uint32_t)value, &back) && wf_sid_equal(&back, sid)) {
        *uid = (uint32_t)value;
        return true;
    }
    *uid = WF_UID_UNMAPPED;
    return false;
}

void wf_uid_to_sid(const wf_id_map *map, uint32_t uid, bool is_group, wf_sid *sid)
{
    const wf_uidmap_entry *entry = uidmap_by_uid(map, uid);
    uint64_t back;
    uint32_t sub[2];

    if (entry != NULL) {
        *sid = entry->sid;
        return;
    }
    if (table_uid_to_sid(map, uid, sid) && table_sid_to_uid(map, sid, &back) && back == uid)
        return;
    if (uid == WF_UID_UNMAPPED) {
        *sid = wf_sid_unmapped;
        return;
    }
    sub[0] = is_group ? 2 : 1;
    sub[1] = uid;
    wf_sid_init(sid, AUTH_UNIX, 2, sub);
}

NTSTATUS wf_id_map_parse_uidmap(wf_id_map *map, const char *spec, size_t len)
{
    size_t pos = 0, start;
    uint64_t uid;
    uint32_t count = 0;

    map->uidmap_count = 0;
    while (pos < len) {
        if (spec[pos] == ';') {     /* an empty entry (a trailing ';') */
            pos++;
            continue;
        }
        if (count == WF_UIDMAP_MAX)
            goto invalid;
        for (uid = 0, start = pos; pos < len && spec[pos] >= '0' && spec[pos] <= '9'; pos++) {
            uid = uid * 10 + (uint64_t)(spec[pos] - '0');
            if (uid > 0xffffffffu)
                goto invalid;
        }
        if (pos == start || pos == len || spec[pos] != ':')
            goto invalid;
        start = ++pos;
        while (pos < len && spec[pos] != ';')
            pos++;
        if (wf_sid_from_string(spec + start, pos - start, &map->uidmap[count].sid) !=
            STATUS_SUCCESS)
            goto invalid;
        map->uidmap[count++].uid = (uint32_t)uid;
    }
    map->uidmap_count = count;
    return STATUS_SUCCESS;

invalid:
    map->uidmap_count = 0;
    return STATUS_INVALID_PARAMETER;
}

void wf_id_map_present(const wf_id_map *map, uint32_t *uid, uint32_t *gid, uint32_t *mode)
{
    if (map == NULL)
        return;
    if (map->set_uid && uid != NULL)
        *uid = map->uid;
    if (map->set_gid && gid != NULL)
        *gid = map->gid;
    if (map->set_umask && mode != NULL)
        *mode = (*mode & 0170000u) | (0777u & ~map->umask);
}
