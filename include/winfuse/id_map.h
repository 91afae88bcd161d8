/* id_map.h — the SID and uid/gid mapping option types a host puts in wf_engine_params. */
#ifndef WINFUSE_ID_MAP_H
#define WINFUSE_ID_MAP_H

#include <stdint.h>
#include <stdbool.h>

/* A Windows security identifier, unpacked (MS-DTYP 2.4.2.2): S-revision-authority-sub...
   authority is the 48-bit big-endian IdentifierAuthority. At most 15 sub-authorities. */
#define WF_SID_MAX_SUB 15u
typedef struct wf_sid {
    uint8_t revision;           /* always 1 */
    uint8_t sub_count;          /* 0..15 */
    uint8_t authority[6];       /* big-endian, as on the wire */
    uint32_t sub[WF_SID_MAX_SUB];
} wf_sid;

/* One uidmap= entry: this uid stands for exactly this SID, both ways. */
typedef struct wf_uidmap_entry {
    uint32_t uid;
    wf_sid sid;
} wf_uidmap_entry;

#define WF_UIDMAP_MAX 8u

/* How uids/gids and SIDs map, and the WinFsp-FUSE presentation options. All-zero is the
   default: no overrides, no uidmap, the built-in local machine domain, no primary domain.
   - set_uid/uid, set_gid/gid: WinFsp-FUSE's uid=N / gid=N: every file is shown (and
     access-checked) as owned by this uid / group.
   - set_umask/umask: WinFsp-FUSE's umask=M: every file's permissions are shown as
     0777 & ~M (file type bits kept). Not the creation mask (wf_engine_params.umask).
   - uidmap: WinFsp-FUSE's uidmap=UID:SID;... (at most 8), checked before the table.
   - domain: the local machine's account domain S-1-5-21-d0-d1-d2; its RIDs map to
     0x30000 + RID. All zero selects WF_DEFAULT_DOMAIN_{0,1,2}.
   - has_primary_domain/primary_domain: an Active Directory domain S-1-5-21-p0-p1-p2 whose
     RIDs map to 0x100000 + RID (WinFsp's "primary domain"); none by default. */
typedef struct wf_id_map {
    bool set_uid, set_gid, set_umask;
    uint32_t uid, gid, umask;
    uint32_t uidmap_count;
    wf_uidmap_entry uidmap[WF_UIDMAP_MAX];
    uint32_t domain[3];
    bool has_primary_domain;
    uint32_t primary_domain[3];
} wf_id_map;

/* The made-up "local machine" domain used when wf_id_map.domain is zero (a Linux host has
   no SAM): S-1-5-21-2918340737-1480870229-3126009433 — fixed, so that SIDs are stable
   across runs and hosts. */
#define WF_DEFAULT_DOMAIN_0 2918340737u
#define WF_DEFAULT_DOMAIN_1 1480870229u
#define WF_DEFAULT_DOMAIN_2 3126009433u

#endif
