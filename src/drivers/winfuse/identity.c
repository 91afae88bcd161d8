/* identity.c — the caller of a Create or Rename: WinFsp's access token → SIDs → uid/gid through the engine's SID mapping. */
#include "device.h"

#include "winfuse/security.h"

/* TOKEN_GROUPS attributes (winnt.h values) that mingw's DDK headers lack. */
#ifndef SE_GROUP_ENABLED
#define SE_GROUP_ENABLED 0x00000004L
#endif
#ifndef SE_GROUP_USE_FOR_DENY_ONLY
#define SE_GROUP_USE_FOR_DENY_ONLY 0x00000010L
#endif

/* The engine's mapping with its defaults (no uid=/gid=/uidmap= options on this door yet);
   DeviceInit passes the same, all zero, in wf_engine_params.id_map. */
static const wf_id_map default_map;

/* A SID inside a token's information, unpacked; false when it is not one the engine takes. */
static bool sid_of(PSID psid, wf_sid *sid)
{
    const UINT8 *bytes = psid;
    if (!bytes)
        return false;
    return NT_SUCCESS(wf_sid_from_bytes(bytes, 8u + 4u * bytes[1], sid));
}

static bool token_uid(PACCESS_TOKEN token, TOKEN_INFORMATION_CLASS what, uint32_t *id)
{
    PVOID info = NULL;
    wf_sid sid;
    bool ok = false;
    if (!NT_SUCCESS(SeQueryInformationToken(token, what, &info)) || !info)
        return false;
    if (what == TokenUser)
        ok = sid_of(((PTOKEN_USER)info)->User.Sid, &sid);
    else
        ok = sid_of(((PTOKEN_PRIMARY_GROUP)info)->PrimaryGroup, &sid);
    if (ok)
        wf_sid_to_uid(&default_map, &sid, id);     /* an unmapped SID gives 65534, as WinFsp */
    ExFreePool(info);
    return ok;
}

/* Enabled groups that map to a gid, up to WF_IDENTITY_MAX_GROUPS (the rest are left out,
   which can only deny, never grant, a group permission). */
static void token_groups(PACCESS_TOKEN token, wf_identity *identity)
{
    PVOID info = NULL;
    PTOKEN_GROUPS groups;
    wf_sid sid;
    uint32_t gid;
    ULONG i;
    if (!NT_SUCCESS(SeQueryInformationToken(token, TokenGroups, &info)) || !info)
        return;
    groups = info;
    for (i = 0; i < groups->GroupCount && identity->group_count < WF_IDENTITY_MAX_GROUPS; i++) {
        if (!(groups->Groups[i].Attributes & SE_GROUP_ENABLED) ||
                (groups->Groups[i].Attributes & SE_GROUP_USE_FOR_DENY_ONLY))
            continue;
        if (sid_of(groups->Groups[i].Sid, &sid) && wf_sid_to_uid(&default_map, &sid, &gid))
            identity->groups[identity->group_count++] = gid;
    }
    ExFreePool(info);
}

/* WinFsp puts in the access token's low half a user-mode handle (TOKEN_QUERY) to the
   caller's token, opened in the process that pulled the request, and closes it itself when
   the request ends; the high half is the caller's PID, not that process's. The engine calls
   this in wf_engine_submit, so in device_transact's thread, in that same process. The handle
   is referenced as UserMode: a value that is not a token handle of this process with
   TOKEN_QUERY access is refused rather than trusted. */
bool wf_nt_identity(void *host, uint64_t access_token, wf_identity *identity)
{
    HANDLE handle = (HANDLE)FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(access_token);
    PACCESS_TOKEN token;
    bool ok;
    (void)host;
    if (!NT_SUCCESS(ObReferenceObjectByHandle(handle, TOKEN_QUERY, *SeTokenObjectType, UserMode,
            (PVOID *)&token, NULL)))
        return false;
    ok = token_uid(token, TokenUser, &identity->uid) &&
        token_uid(token, TokenPrimaryGroup, &identity->gid);
    if (ok)
        token_groups(token, identity);
    ObDereferenceObject(token);
    return ok;
}
