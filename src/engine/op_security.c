/* op_security.c — QuerySecurity (a descriptor made from uid/gid/mode) and SetSecurity
   (merged, mapped back, and applied as one SETATTR of what changed). */
#include "engine/engine_internal.h"
#include "winfuse/security.h"

#define WF_S_ISUID 04000u
#define WF_S_ISGID 02000u
#define WF_S_ISVTX 01000u

wf_step wf_op_query_security(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.QuerySecurity.UserContext2);
    const wf_id_map *map = &op->engine->params.id_map;
    uint32_t uid, gid, mode;
    size_t len;

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    uid = op->attr.uid;
    gid = op->attr.gid;
    mode = op->attr.mode;
    wf_id_map_present(map, &uid, &gid, &mode);
    op->status = wf_sd_from_posix(map, uid, gid, mode, WF_S_ISDIR(op->attr.mode),
        op->rsp->Buffer, wf_op_rsp_buffer_cap(op->kind), &len);
    if (NT_SUCCESS(op->status)) {
        op->rsp->Rsp.QuerySecurity.SecurityDescriptor.Offset = 0;
        op->rsp->Rsp.QuerySecurity.SecurityDescriptor.Size = (uint16_t)len;
        op->rsp->Size = (uint16_t)(sizeof(FSP_FSCTL_TRANSACT_RSP) + len);
    }

    WF_CORO_END(op);
}

/* The sticky bit shows in a DACL only on a directory whose owner and some other class may
   write (the owner keeps FILE_DELETE_CHILD, the writers lose it); elsewhere it is kept. */
static bool sticky_expressible(uint32_t perms)
{
    return (perms & 0200) && (perms & 0022);
}

/* What SetSecurity changes, as SETATTR arguments (in->valid 0: nothing): the current
   descriptor (from attr, as QuerySecurity shows it) merged with new_sd by info, mapped
   back to POSIX. The mode is taken from the DACL only when the DACL is being set; the
   set-id bits, and the sticky bit where the DACL cannot say it, are kept. An owner or group
   that maps to no uid/gid cannot be given. */
static NTSTATUS security_change(const wf_engine *engine, const struct fuse_attr *attr,
    const void *new_sd, size_t new_len, uint32_t info, struct fuse_setattr_in *in)
{
    const wf_id_map *map = &engine->params.id_map;
    const bool is_dir = WF_S_ISDIR(attr->mode);
    uint32_t uid = attr->uid, gid = attr->gid, shown_mode = attr->mode;
    uint32_t new_uid, new_gid, perms, sticky;
    uint8_t *current = NULL, *merged = NULL;
    size_t current_len, merged_len;
    NTSTATUS status;

    wf_mem_set(in, 0, sizeof *in);
    wf_id_map_present(map, &uid, &gid, &shown_mode);
    current = wf_mem_alloc(WF_SD_FROM_POSIX_MAX);
    if (!current) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    status = wf_sd_from_posix(map, uid, gid, shown_mode, is_dir, current,
        WF_SD_FROM_POSIX_MAX, &current_len);
    if (!NT_SUCCESS(status))
        goto exit;
    status = wf_sd_merge(current, current_len, new_sd, new_len, info, NULL, 0, &merged_len);
    if (status != STATUS_BUFFER_TOO_SMALL)
        goto exit;
    merged = wf_mem_alloc(merged_len);
    if (!merged) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    status = wf_sd_merge(current, current_len, new_sd, new_len, info, merged, merged_len,
        &merged_len);
    if (!NT_SUCCESS(status))
        goto exit;
    new_uid = uid;
    new_gid = gid;
    status = wf_sd_to_posix(map, merged, merged_len, &new_uid, &new_gid, &perms, NULL);
    if (!NT_SUCCESS(status))
        goto exit;

    if ((info & OWNER_SECURITY_INFORMATION) && new_uid != uid) {
        if (new_uid == WF_UID_UNMAPPED) {
            status = STATUS_INVALID_OWNER;
            goto exit;
        }
        in->valid |= FATTR_UID;
        in->uid = new_uid;
    }
    if ((info & GROUP_SECURITY_INFORMATION) && new_gid != gid) {
        if (new_gid == WF_UID_UNMAPPED) {
            status = STATUS_INVALID_PRIMARY_GROUP;
            goto exit;
        }
        in->valid |= FATTR_GID;
        in->gid = new_gid;
    }
    if (info & DACL_SECURITY_INFORMATION) {
        sticky = is_dir && sticky_expressible(perms) ? perms & WF_S_ISVTX :
            attr->mode & WF_S_ISVTX;
        if ((perms & 0777) != (shown_mode & 0777) || sticky != (attr->mode & WF_S_ISVTX)) {
            in->valid |= FATTR_MODE;
            in->mode = (attr->mode & ~(0777u | WF_S_ISVTX)) | (perms & 0777) | sticky;
        }
    }
    status = STATUS_SUCCESS;

exit:
    wf_mem_free(merged);
    wf_mem_free(current);
    return status;
}

/* A new owner or group takes a file's set-user-ID, and its set-group-ID where that means
   "run as the group" (g+x), as Linux's FUSE client sends it with the chown (it does not
   offer FUSE_HANDLE_KILLPRIV, nor does the engine). A directory keeps both. */
static void chown_drops_setid(const struct fuse_attr *attr, struct fuse_setattr_in *in)
{
    uint32_t before, after;

    if (!(in->valid & (FATTR_UID | FATTR_GID)) || WF_S_ISDIR(attr->mode))
        return;
    before = (in->valid & FATTR_MODE) ? in->mode : attr->mode;
    after = before & ~WF_S_ISUID;
    if (after & 0010u)
        after &= ~WF_S_ISGID;
    if (after != before) {
        in->valid |= FATTR_MODE;
        in->mode = after;
    }
}

wf_step wf_op_set_security(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.SetSecurity.UserContext2);
    const FSP_FSCTL_TRANSACT_BUF *sd = &op->req->Req.SetSecurity.SecurityDescriptor;
    const uint32_t info = op->req->Req.SetSecurity.SecurityInformation &
        (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION);
    const uint32_t buffer_size = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    /* Only owner, group and DACL map to anything; a SACL is not kept. */
    if (!info)
        WF_CORO_RETURN(op);
    if ((uint32_t)sd->Offset + sd->Size > buffer_size) {
        op->status = STATUS_INVALID_PARAMETER;
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    op->status = security_change(op->engine, &op->attr, op->req->Buffer + sd->Offset, sd->Size,
        info, &op->u.setattr.in);
    if (NT_SUCCESS(op->status))
        op->status = wf_access_setattr(op->engine, file, &op->attr, &op->u.setattr.in);
    if (NT_SUCCESS(op->status))
        chown_drops_setid(&op->attr, &op->u.setattr.in);
    if (!NT_SUCCESS(op->status) || !op->u.setattr.in.valid)
        WF_CORO_RETURN(op);
    /* The FSD's cached descriptor is dropped (no descriptor in the response): the next
       QuerySecurity shows what the file system made of the change. */
    WF_AWAIT_CALL(op, wf_setattr(op, file));

    WF_CORO_END(op);
}
