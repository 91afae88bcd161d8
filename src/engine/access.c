/* access.c — whom each request acts for, and the access checks Linux's default_permissions
   makes, made here before the file system is asked: traverse, the desired access on the
   target, add rights on the parent, delete rights, and the owner a security descriptor may
   give a new file. */
#include "engine/engine_internal.h"
#include "engine/entry.h"
#include "winfuse/mappings.h"
#include "winfuse/security.h"

#define WF_S_ISUID 04000u
#define WF_S_ISGID 02000u
#define WF_S_ISVTX 01000u
#define WF_PERM_R 4u
#define WF_PERM_W 2u
#define WF_PERM_X 1u

/* The rights every class holds, as in WinFsp's POSIX mapping: what stat and ls need. */
#define WF_RIGHTS_ANYONE (SYNCHRONIZE | READ_CONTROL | FILE_READ_ATTRIBUTES | FILE_READ_EA)

/* Identity ------------------------------------------------------------------------------ */

static void host_identity(const wf_engine *engine, wf_identity *identity)
{
    wf_mem_set(identity, 0, sizeof *identity);
    identity->uid = engine->params.uid;
    identity->gid = engine->params.gid;
    identity->pid = engine->params.pid;
}

/* The host's answer for a token; false when it has none. */
static bool resolve_token(wf_engine *engine, uint64_t token, wf_identity *identity)
{
    if (!token || !engine->params.identity)
        return false;
    wf_mem_set(identity, 0, sizeof *identity);
    identity->pid = FSP_FSCTL_TRANSACT_REQ_TOKEN_PID(token);
    if (!engine->params.identity(engine->params.host, token, identity))
        return false;
    if (identity->group_count > WF_IDENTITY_MAX_GROUPS)
        identity->group_count = WF_IDENTITY_MAX_GROUPS;
    return true;
}

/* The handle a request works on, for the kinds that carry one. */
static wf_file *request_file(const FSP_FSCTL_TRANSACT_REQ *req)
{
    switch (req->Kind) {
    case FspFsctlTransactOverwriteKind:
    case FspFsctlTransactCleanupKind:
    case FspFsctlTransactCloseKind:
    case FspFsctlTransactReadKind:
    case FspFsctlTransactWriteKind:
    case FspFsctlTransactQueryInformationKind:
    case FspFsctlTransactSetInformationKind:
    case FspFsctlTransactQueryEaKind:
    case FspFsctlTransactSetEaKind:
    case FspFsctlTransactFlushBuffersKind:
    case FspFsctlTransactQueryDirectoryKind:
    case FspFsctlTransactFileSystemControlKind:
    case FspFsctlTransactDeviceControlKind:
    case FspFsctlTransactQuerySecurityKind:
    case FspFsctlTransactSetSecurityKind:
    case FspFsctlTransactQueryStreamInformationKind:
        /* Every one of these starts with UserContext, UserContext2 (pinned in the ABI). */
        return wf_op_file(req->Req.Close.UserContext2);
    default:
        return NULL;
    }
}

static bool renames(const FSP_FSCTL_TRANSACT_REQ *req)
{
    uint32_t info_class = req->Req.SetInformation.FileInformationClass;
    return req->Kind == FspFsctlTransactSetInformationKind &&
        (info_class == FileRenameInformation || info_class == FileRenameInformationEx ||
         info_class == FileLinkInformation);
}

_Static_assert(offsetof(wf_identity, privileged) == offsetof(wf_identity, groups) +
    sizeof(((wf_identity *)0)->groups) && sizeof(wf_identity) <=
    offsetof(wf_identity, privileged) + sizeof(uint32_t),
    "identity_copy copies wf_identity field by field: a new field must be copied there");

/* An identity without the groups it does not have (nothing reads past group_count): most
   have none, and the whole struct is 148 bytes. */
static void identity_copy(wf_identity *to, const wf_identity *from)
{
    to->uid = from->uid;
    to->gid = from->gid;
    to->pid = from->pid;
    to->group_count = from->group_count;
    for (uint32_t i = 0; i < from->group_count && i < WF_IDENTITY_MAX_GROUPS; i++)
        to->groups[i] = from->groups[i];
    to->privileged = from->privileged;
}

void wf_access_begin(wf_engine *engine, wf_op *op)
{
    const FSP_FSCTL_TRANSACT_REQ *req = op->req;
    wf_identity caller;
    wf_file *file;

    /* op_new left op->identity the host's, op->access_check and traverse_check false. */
    if (req->Kind == FspFsctlTransactCreateKind) {
        if (!req->Req.Create.AccessToken || !engine->params.identity)
            return;
        if (!resolve_token(engine, req->Req.Create.AccessToken, &op->identity)) {
            host_identity(engine, &op->identity);
            op->identity_status = STATUS_ACCESS_DENIED;
            return;
        }
        /* WinFsp checks user-mode requests only; traverse checks only for callers without
           the bypass-traverse-checking privilege (which Windows gives everyone by default:
           the FSD says per request). */
        op->access_check = req->Req.Create.UserMode && !op->identity.privileged;
        op->traverse_check = op->access_check && !req->Req.Create.HasTraversePrivilege;
        return;
    }
    file = request_file(req);
    if (!file)
        return;
    /* The opener's identity. */
    identity_copy(&op->identity, &file->identity);
    if (!renames(req))
        return;
    op->access_check = file->access_check;
    op->traverse_check = file->traverse_check;
    /* The renaming thread's token, when the FSD passes one (ReplaceIfExists), acts; a token
       that resolves to nothing leaves the opener's identity. */
    if (resolve_token(engine, req->Req.SetInformation.Info.Rename.AccessToken, &caller)) {
        op->identity = caller;
        op->access_check = !caller.privileged;
        op->traverse_check = op->access_check && file->traverse_check;
    }
}

void wf_access_file_opened(const wf_op *op, wf_file *file)
{
    identity_copy(&file->identity, &op->identity);
    file->access_check = op->access_check;
    file->traverse_check = op->traverse_check;
}

/* Permissions ---------------------------------------------------------------------------- */

static bool in_group(const wf_identity *identity, uint32_t gid)
{
    if (identity->gid == gid)
        return true;
    for (uint32_t i = 0; i < identity->group_count && i < WF_IDENTITY_MAX_GROUPS; i++)
        if (identity->groups[i] == gid)
            return true;
    return false;
}

/* The owner, group and mode Windows is shown (uid=, gid=, umask= apply), which are the
   ones checked. */
static void presented(const wf_engine *engine, const struct fuse_attr *attr,
    uint32_t *uid, uint32_t *gid, uint32_t *mode)
{
    *uid = attr->uid;
    *gid = attr->gid;
    *mode = attr->mode;
    wf_id_map_present(&engine->params.id_map, uid, gid, mode);
}

uint32_t wf_access_bits(const wf_engine *engine, const wf_identity *identity,
    const struct fuse_attr *attr)
{
    uint32_t uid, gid, mode;
    presented(engine, attr, &uid, &gid, &mode);
    /* Root reads and writes anything, and searches or executes what anyone may. */
    if (identity->uid == 0)
        return WF_PERM_R | WF_PERM_W |
            ((WF_S_ISDIR(mode) || (mode & 0111u)) ? WF_PERM_X : 0);
    /* Exactly one class applies, even when it grants less than another would. */
    if (identity->uid == uid)
        return (mode >> 6) & 7u;
    if (in_group(identity, gid))
        return (mode >> 3) & 7u;
    return mode & 7u;
}

uint32_t wf_access_rights(const wf_engine *engine, const wf_identity *identity,
    const struct fuse_attr *attr)
{
    uint32_t uid, gid, mode;
    uint32_t bits = wf_access_bits(engine, identity, attr);
    uint32_t rights = WF_RIGHTS_ANYONE;
    bool owner;

    presented(engine, attr, &uid, &gid, &mode);
    owner = identity->uid == 0 || identity->uid == uid;
    /* The owner may chmod, chgrp and set times (WinFsp's owner rights, without DELETE:
       removing a name is the directory's business, as in POSIX). */
    if (owner)
        rights |= WRITE_DAC | WRITE_OWNER | FILE_WRITE_ATTRIBUTES;
    if (bits & WF_PERM_R)
        rights |= FILE_READ_DATA;
    /* w: data, times, and user.* extended attributes (Linux asks write permission for
       those), so that GENERIC_WRITE works for whoever may write. */
    if (bits & WF_PERM_W)
        rights |= FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA;
    if (bits & WF_PERM_X)
        rights |= FILE_EXECUTE;
    /* Removing entries takes w and x; in a sticky directory only its owner removes any. */
    if (WF_S_ISDIR(mode) && (bits & (WF_PERM_W | WF_PERM_X)) == (WF_PERM_W | WF_PERM_X) &&
        (!(mode & WF_S_ISVTX) || owner))
        rights |= FILE_DELETE_CHILD;
    /* On a file it means nothing: held with w, so that FILE_ALL_ACCESS asks only what the
       mode decides. */
    if (!WF_S_ISDIR(mode) && (bits & WF_PERM_W))
        rights |= FILE_DELETE_CHILD;
    return rights;
}

bool wf_access_may_delete(const wf_engine *engine, const wf_identity *identity,
    const struct fuse_attr *dir, const struct fuse_attr *attr)
{
    uint32_t dir_uid, dir_gid, dir_mode, uid, gid, mode;

    if (identity->uid == 0)
        return true;
    if ((wf_access_bits(engine, identity, dir) & (WF_PERM_W | WF_PERM_X)) !=
            (WF_PERM_W | WF_PERM_X))
        return false;
    presented(engine, dir, &dir_uid, &dir_gid, &dir_mode);
    presented(engine, attr, &uid, &gid, &mode);
    if (dir_mode & WF_S_ISVTX)
        return identity->uid == uid || identity->uid == dir_uid;
    return true;
}

uint32_t wf_map_generic_access(uint32_t access)
{
    if (access & GENERIC_READ)
        access |= FILE_GENERIC_READ;
    if (access & GENERIC_WRITE)
        access |= FILE_GENERIC_WRITE;
    if (access & GENERIC_EXECUTE)
        access |= FILE_GENERIC_EXECUTE;
    if (access & GENERIC_ALL)
        access |= FILE_ALL_ACCESS;
    return access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

/* Attributes for the checks ---------------------------------------------------------------- */

/* Whether op->dir_attr must be fetched for node: not already this node's, nor cached. */
static bool dir_attr_missing(wf_op *op, wf_node *node)
{
    if (op->dir_attr_nodeid == node->nodeid)
        return false;
    if (!wf_cache_get_attr(op->engine->cache, node, &op->dir_attr, wf_engine_now(op->engine)))
        return true;
    op->dir_attr_nodeid = node->nodeid;
    return false;
}

/* The checks ---------------------------------------------------------------------------- */

wf_step wf_access_traverse(wf_op *op)
{
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (op->identity.uid == 0)
        WF_CORO_RETURN(op);      /* root searches every directory */
    WF_AWAIT_CALL(op, wf_getattr(op, NULL));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* Kept: the directory the walk stops in is the parent the later checks look at. */
    op->dir_attr = op->attr;
    op->dir_attr_nodeid = op->node->nodeid;
    if (!(wf_access_bits(op->engine, &op->identity, &op->attr) & WF_PERM_X))
        op->status = STATUS_ACCESS_DENIED;

    WF_CORO_END(op);
}

wf_step wf_access_open(wf_op *op, uint32_t implied)
{
    wf_engine *engine = op->engine;
    uint32_t desired = wf_map_generic_access(op->req->Req.Create.DesiredAccess);
    uint32_t held;

    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    /* DELETE depends on the parent: its attributes when DELETE may be granted. */
    if (op->parent && op->identity.uid != 0 &&
        ((desired | implied) & (DELETE | MAXIMUM_ALLOWED)) &&
        dir_attr_missing(op, op->parent)) {
        wf_getattr_call(op, op->parent->nodeid, NULL);
        WF_AWAIT_REPLY(op);
        op->status = wf_getattr_take(op, op->parent, &op->dir_attr);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        op->dir_attr_nodeid = op->parent->nodeid;
    }

    held = wf_access_rights(engine, &op->identity, &op->attr);
    if (op->parent ? op->identity.uid == 0 ||
            (op->dir_attr_nodeid == op->parent->nodeid &&
             wf_access_may_delete(engine, &op->identity, &op->dir_attr, &op->attr)) :
            (held & WRITE_OWNER) != 0)
        held |= DELETE;     /* the volume root has no parent: its owner, as WinFsp maps it
                               (deleting it is refused anyway: STATUS_CANNOT_DELETE) */
    if ((desired | implied) & ~MAXIMUM_ALLOWED & ~held) {
        op->status = STATUS_ACCESS_DENIED;
        WF_CORO_RETURN(op);
    }
    /* What the disposition implied is checked, not granted (as WinFsp's FSD grants). */
    op->st.create.access_granted = ((desired & MAXIMUM_ALLOWED) ? held : desired) |
        op->req->Req.Create.GrantedAccess;

    WF_CORO_END(op);
}

/* The Create's security descriptor, if any: its DACL's mode, its owner and group (unknown
   SIDs, which map to the unmapped uid, are left out: they never fail a Create). A caller
   that is checked may give only itself and its own groups, as chown(2) lets it. */
static NTSTATUS read_descriptor(wf_op *op)
{
    wf_engine *engine = op->engine;
    const FSP_FSCTL_TRANSACT_BUF *buf = &op->req->Req.Create.SecurityDescriptor;
    uint32_t space = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);
    uint32_t uid = op->identity.uid, gid = op->identity.gid, mode = 0, present = 0;
    NTSTATUS status;

    op->st.create.sd_mode_set = op->st.create.sd_uid_set = op->st.create.sd_gid_set = false;
    if (buf->Size == 0)
        return STATUS_SUCCESS;
    if ((uint32_t)buf->Offset + buf->Size > space)
        return STATUS_INVALID_SECURITY_DESCR;
    status = wf_sd_to_posix(&engine->params.id_map, op->req->Buffer + buf->Offset, buf->Size,
        &uid, &gid, &mode, &present);
    if (!NT_SUCCESS(status))
        return status;
    if (present & DACL_SECURITY_INFORMATION) {
        op->st.create.sd_mode_set = true;
        op->st.create.sd_mode = mode & 07777u;
    }
    /* With uid= / gid= every file shows that owner: there is nothing to change. */
    if ((present & OWNER_SECURITY_INFORMATION) && uid != WF_UID_UNMAPPED &&
        !engine->params.id_map.set_uid) {
        op->st.create.sd_uid_set = true;
        op->st.create.sd_uid = uid;
    }
    if ((present & GROUP_SECURITY_INFORMATION) && gid != WF_UID_UNMAPPED &&
        !engine->params.id_map.set_gid) {
        op->st.create.sd_gid_set = true;
        op->st.create.sd_gid = gid;
    }
    if (op->access_check && op->identity.uid != 0 &&
        ((op->st.create.sd_uid_set && op->st.create.sd_uid != op->identity.uid) ||
         (op->st.create.sd_gid_set && !in_group(&op->identity, op->st.create.sd_gid))))
        return STATUS_INVALID_OWNER;
    return STATUS_SUCCESS;
}

/* Whether requests on the handle are held to the checks: its opener was checked at open
   and is neither root nor privileged (CAP_FOWNER, CAP_CHOWN, CAP_DAC_OVERRIDE). */
bool wf_access_file_checked(const wf_file *file)
{
    return file->access_check && file->identity.uid != 0 && !file->identity.privileged;
}

#define WF_FATTR_TIMES (FATTR_ATIME | FATTR_MTIME | FATTR_CTIME)
#define WF_FATTR_NOW (FATTR_ATIME_NOW | FATTR_MTIME_NOW)

NTSTATUS wf_access_setattr(const wf_engine *engine, const wf_file *file,
    const struct fuse_attr *attr, struct fuse_setattr_in *in)
{
    const wf_identity *identity = &file->identity;
    uint32_t uid, gid, mode, explicit_times = in->valid & WF_FATTR_TIMES;
    bool owner;

    if (!wf_access_file_checked(file))
        return STATUS_SUCCESS;
    presented(engine, attr, &uid, &gid, &mode);
    owner = identity->uid == uid;
    if (in->valid & FATTR_ATIME_NOW)
        explicit_times &= ~(uint32_t)FATTR_ATIME;
    if (in->valid & FATTR_MTIME_NOW)
        explicit_times &= ~(uint32_t)FATTR_MTIME;
    /* setattr_prepare: a mode, an owner, a group or a time other than "now" is the
       owner's to set (inode_owner_or_capable, EPERM). */
    if (!owner && ((in->valid & (FATTR_MODE | FATTR_UID | FATTR_GID)) || explicit_times))
        return STATUS_ACCESS_DENIED;
    /* Both times "now": the owner or whoever may write. */
    if (!owner && (in->valid & WF_FATTR_NOW) &&
            !(wf_access_bits(engine, identity, attr) & WF_PERM_W))
        return STATUS_ACCESS_DENIED;
    /* chown(2): only root gives a file away; its owner may pick one of its groups. */
    if ((in->valid & FATTR_UID) && in->uid != identity->uid)
        return STATUS_INVALID_OWNER;
    if ((in->valid & FATTR_GID) && in->gid != gid && !in_group(identity, in->gid))
        return STATUS_INVALID_PRIMARY_GROUP;
    /* A chmod by an owner outside the file's group (the new one, with a chgrp) drops
       set-group-ID, as setattr_prepare does before the file system sees the mode. */
    if ((in->valid & FATTR_MODE) &&
            !in_group(identity, (in->valid & FATTR_GID) ? in->gid : gid))
        in->mode &= ~WF_S_ISGID;
    return STATUS_SUCCESS;
}

NTSTATUS wf_access_xattr(const wf_engine *engine, const wf_file *file,
    const struct fuse_attr *attr, bool write)
{
    uint32_t uid, gid, mode;

    if (!wf_access_file_checked(file))
        return STATUS_SUCCESS;
    presented(engine, attr, &uid, &gid, &mode);
    /* xattr_permission: user.* in a sticky directory is its owner's to change (EPERM). */
    if (write && WF_S_ISDIR(mode) && (mode & WF_S_ISVTX) && file->identity.uid != uid)
        return STATUS_ACCESS_DENIED;
    /* Then the mode, now, not the handle's rights: r to read, w to change (EACCES). */
    if (!(wf_access_bits(engine, &file->identity, attr) & (write ? WF_PERM_W : WF_PERM_R)))
        return STATUS_ACCESS_DENIED;
    return STATUS_SUCCESS;
}

wf_step wf_access_create(wf_op *op)
{
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (op->access_check && op->identity.uid != 0) {
        if (dir_attr_missing(op, op->node)) {
            wf_getattr_call(op, op->node->nodeid, NULL);
            WF_AWAIT_REPLY(op);
            op->status = wf_getattr_take(op, op->node, &op->dir_attr);
            if (!NT_SUCCESS(op->status))
                WF_CORO_RETURN(op);
            op->dir_attr_nodeid = op->node->nodeid;
        }
        /* FILE_ADD_FILE / FILE_ADD_SUBDIRECTORY: w and x, as may_create. */
        if ((wf_access_bits(op->engine, &op->identity, &op->dir_attr) &
                (WF_PERM_W | WF_PERM_X)) != (WF_PERM_W | WF_PERM_X)) {
            op->status = STATUS_ACCESS_DENIED;
            WF_CORO_RETURN(op);
        }
    }
    op->status = read_descriptor(op);

    WF_CORO_END(op);
}

bool wf_access_sd_mode(const wf_op *op, uint32_t *mode)
{
    if (!op->st.create.sd_mode_set)
        return false;
    *mode = op->st.create.sd_mode;
    return true;
}

wf_step wf_access_set_owner(wf_op *op)
{
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    wf_mem_set(&op->u.setattr.in, 0, sizeof op->u.setattr.in);
    if (op->st.create.sd_uid_set && op->st.create.sd_uid != op->attr.uid) {
        op->u.setattr.in.valid |= FATTR_UID;
        op->u.setattr.in.uid = op->st.create.sd_uid;
    }
    if (op->st.create.sd_gid_set && op->st.create.sd_gid != op->attr.gid) {
        op->u.setattr.in.valid |= FATTR_GID;
        op->u.setattr.in.gid = op->st.create.sd_gid;
    }
    if (!op->u.setattr.in.valid)
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, wf_setattr(op, op->file));
    /* The file exists whatever the answer: one whose file system keeps its own owner is
       still the caller's new file, as after open(O_CREAT) then a refused chown. */
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

/* Linux's protected_hardlinks: a link to a file the caller neither owns nor may read and
   write, or to a set-id program, is refused. */
static bool may_link(const wf_op *op, const struct fuse_attr *attr)
{
    uint32_t uid, gid, mode;
    presented(op->engine, attr, &uid, &gid, &mode);
    if (op->identity.uid == uid)
        return true;
    if (!WF_S_ISREG(mode) || (mode & WF_S_ISUID) ||
        ((mode & (WF_S_ISGID | 0010u)) == (WF_S_ISGID | 0010u)))
        return false;
    return (wf_access_bits(op->engine, &op->identity, attr) & (WF_PERM_R | WF_PERM_W)) ==
        (WF_PERM_R | WF_PERM_W);
}

wf_step wf_access_rename(wf_op *op, const wf_file *file, bool link)
{
    wf_engine *engine = op->engine;

    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (!op->access_check || op->identity.uid == 0)
        WF_CORO_RETURN(op);

    /* The source's own rights: a directory moving to another parent rewrites its ".." (w
       on it); a link needs the file's owner or read and write. The source's name was
       checked at open: renaming needs DELETE on the handle, granted as unlinking is. */
    if (link || (file->is_directory && op->node != op->node2)) {
        if (!wf_cache_get_attr(engine->cache, file->node, &op->st.rename.node_attr,
                wf_engine_now(engine))) {
            wf_getattr_call(op, file->node->nodeid, NULL);
            WF_AWAIT_REPLY(op);
            op->status = wf_getattr_take(op, file->node, &op->st.rename.node_attr);
            if (!NT_SUCCESS(op->status))
                WF_CORO_RETURN(op);
        }
        if (link ? !may_link(op, &op->st.rename.node_attr) :
                !(wf_access_bits(engine, &op->identity, &op->st.rename.node_attr) & WF_PERM_W)) {
            op->status = STATUS_ACCESS_DENIED;
            WF_CORO_RETURN(op);
        }
    }

    /* The target directory: FILE_ADD_FILE / FILE_ADD_SUBDIRECTORY, w and x. */
    if (dir_attr_missing(op, op->node)) {
        wf_getattr_call(op, op->node->nodeid, NULL);
        WF_AWAIT_REPLY(op);
        op->status = wf_getattr_take(op, op->node, &op->dir_attr);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        op->dir_attr_nodeid = op->node->nodeid;
    }
    if ((wf_access_bits(engine, &op->identity, &op->dir_attr) & (WF_PERM_W | WF_PERM_X)) !=
            (WF_PERM_W | WF_PERM_X))
        op->status = STATUS_ACCESS_DENIED;

    WF_CORO_END(op);
}

NTSTATUS wf_access_replace(const wf_op *op)
{
    if (!op->access_check || op->identity.uid == 0)
        return STATUS_SUCCESS;
    /* wf_access_rename left the target directory's attributes. */
    if (op->dir_attr_nodeid != op->node->nodeid ||
        !wf_access_may_delete(op->engine, &op->identity, &op->dir_attr, &op->attr))
        return STATUS_ACCESS_DENIED;
    return STATUS_SUCCESS;
}
