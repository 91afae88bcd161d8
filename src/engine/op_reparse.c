/* op_reparse.c — FileSystemControl: FSCTL_GET_REPARSE_POINT (READLINK, or a special file's
   NFS data), FSCTL_SET_REPARSE_POINT (SYMLINK or MKNOD in place of the file or directory the
   handle is open on, as mklink does it) and FSCTL_DELETE_REPARSE_POINT (the link becomes an
   empty file or directory, as on NTFS). */
#include "engine/entry.h"
#include "engine/link.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

/* Temporary names tried before giving up (another one is there each time). */
#define WF_TEMP_ROUNDS 4u

#define WF_RP_O_WRONLY  1u
#define WF_RP_O_CREAT   0100u
#define WF_RP_O_EXCL    0200u

/* The input buffer of a SET or DELETE, inside the request; NULL when it points outside. */
static const uint8_t *input_buffer(const wf_op *op, uint32_t *size)
{
    const FSP_FSCTL_TRANSACT_BUF *buf = &op->req->Req.FileSystemControl.Buffer;
    uint32_t buffer_size = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);
    *size = 0;
    if ((uint32_t)buf->Offset + buf->Size > buffer_size)
        return NULL;
    *size = buf->Size;
    return op->req->Buffer + buf->Offset;
}

/* The reparse data built in rsp->Buffer goes back as the FSCTL's output. */
static void output(wf_op *op, size_t size)
{
    op->rsp->Size = (uint16_t)(sizeof(FSP_FSCTL_TRANSACT_RSP) + size);
    op->rsp->Rsp.FileSystemControl.Buffer.Offset = 0;
    op->rsp->Rsp.FileSystemControl.Buffer.Size = (uint16_t)size;
    op->rsp->IoStatus.Information = (uint32_t)size;
}

/* op->node becomes the handle's node, with its attributes in op->attr; with reparse_point,
   a node that is none is STATUS_NOT_A_REPARSE_POINT. op->status. Nested. */
static wf_step handle_attr(wf_op *op, wf_file *file, bool reparse_point)
{
    WF_CORO_BEGIN(op);

    wf_cache_release(op->engine->cache, op->node);
    wf_cache_release(op->engine->cache, op->parent);
    op->parent = NULL;
    op->node = file->node;
    wf_cache_ref(op->engine->cache, op->node);
    op->attr_fresh = false;
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (NT_SUCCESS(op->status) && reparse_point && !wf_mode_to_reparse_tag(op->attr.mode))
        op->status = STATUS_NOT_A_REPARSE_POINT;

    WF_CORO_END(op);
}

/* ---- GET ------------------------------------------------------------------------------- */

static wf_step get_reparse_point(wf_op *op, wf_file *file)
{
    wf_link_ctx *ctx = op->link;
    size_t cap = wf_op_rsp_buffer_cap(op->kind), units, size;

    WF_CORO_BEGIN(op);

    WF_AWAIT_CALL(op, handle_attr(op, file, true));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (!WF_S_ISLNK(op->attr.mode)) {
        op->status = wf_reparse_build_nfs(op->attr.mode, op->attr.rdev, op->rsp->Buffer, cap,
            &size);
        if (NT_SUCCESS(op->status))
            output(op, size);
        WF_CORO_RETURN(op);
    }

    wf_link_readlink_call(op, op->node);
    WF_AWAIT_REPLY(op);
    op->status = wf_link_readlink_reply(op);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (ctx->target_dir)
        wf_link_set_dir(op->engine, op->node, true);
    /* Relative targets stay relative; an absolute one is taken from the volume's root,
       the only root Windows knows the file system by (WinFsp-FUSE's "rellinks"). */
    op->status = wf_reparse_target_to_windows(ctx->target, ctx->target_len, ctx->wtarget,
        WF_LINK_TARGET_MAX, &units);
    if (NT_SUCCESS(op->status))
        op->status = wf_reparse_build_symlink(ctx->wtarget, units, SYMLINK_FLAG_RELATIVE,
            op->rsp->Buffer, cap, &size);
    if (op->status == STATUS_BUFFER_OVERFLOW)
        op->status = STATUS_IO_REPARSE_DATA_INVALID;
    if (NT_SUCCESS(op->status))
        output(op, size);

    WF_CORO_END(op);
}

/* ---- replacing the handle's file ------------------------------------------------------- */

/* A hidden name next to the file, unique to it: ".wf-reparse-<nodeid>-<round>". */
static void temp_name(wf_link_ctx *ctx, uint64_t nodeid, uint32_t round)
{
    static const char prefix[] = ".wf-reparse-";
    static const char hex[] = "0123456789abcdef";
    uint32_t n = sizeof prefix - 1;
    wf_mem_copy(ctx->name, prefix, n);
    for (int shift = 60; shift >= 0; shift -= 4)
        ctx->name[n++] = hex[(nodeid >> shift) & 0xf];
    ctx->name[n++] = '-';
    ctx->name[n++] = (char)('0' + round % 10);
    ctx->name[n] = '\0';
    ctx->name_len = n;
}

/* What replace makes: ctx->mode's type; regular files by MKNOD, or CREATE once MKNOD
   answered ENOSYS. */
static uint32_t make_opcode(wf_engine *engine, const wf_link_ctx *ctx)
{
    switch (ctx->mode & WF_S_IFMT) {
    case WF_S_IFLNK:
        return FUSE_SYMLINK;
    case WF_S_IFDIR:
        return FUSE_MKDIR;
    case WF_S_IFREG:
        return wf_engine_enosys(engine, FUSE_MKNOD) ? FUSE_CREATE : FUSE_MKNOD;
    default:
        return FUSE_MKNOD;
    }
}

static void make_call(wf_op *op, uint32_t opcode)
{
    wf_link_ctx *ctx = op->link;
    uint32_t umask = op->engine->params.umask;

    wf_call_begin(op, opcode, op->node->nodeid);
    switch (opcode) {
    case FUSE_SYMLINK:
        /* The entry's name, then the target. */
        wf_call_in(op, ctx->name, ctx->name_len + 1);
        wf_call_in(op, ctx->target, ctx->target_len + 1);
        break;
    case FUSE_MKDIR:
        wf_mem_set(&op->u.mkdir.in, 0, sizeof op->u.mkdir.in);
        op->u.mkdir.in.mode = ctx->mode & 07777u;
        op->u.mkdir.in.umask = umask;
        wf_call_in(op, &op->u.mkdir.in, sizeof op->u.mkdir.in);
        wf_call_in(op, ctx->name, ctx->name_len + 1);
        break;
    case FUSE_CREATE:
        wf_mem_set(&op->u.create.in, 0, sizeof op->u.create.in);
        op->u.create.in.flags = WF_RP_O_CREAT | WF_RP_O_EXCL | WF_RP_O_WRONLY;
        op->u.create.in.mode = ctx->mode;
        op->u.create.in.umask = umask;
        wf_call_in(op, &op->u.create.in, sizeof op->u.create.in);
        wf_call_in(op, ctx->name, ctx->name_len + 1);
        wf_call_out(op, &ctx->entry, sizeof ctx->entry);
        wf_call_out(op, &op->u.create.open, sizeof op->u.create.open);
        return;
    default:
        wf_mem_set(&op->u.mknod.in, 0, sizeof op->u.mknod.in);
        op->u.mknod.in.mode = ctx->mode;
        op->u.mknod.in.rdev = ctx->rdev;
        op->u.mknod.in.umask = umask;
        wf_call_in(op, &op->u.mknod.in, sizeof op->u.mknod.in);
        wf_call_in(op, ctx->name, ctx->name_len + 1);
        break;
    }
    wf_call_out(op, &ctx->entry, sizeof ctx->entry);
}

/* UNLINK or RMDIR of name in op->node. */
static void remove_call(wf_op *op, bool directory, const char *name, uint32_t len)
{
    wf_call_begin(op, directory ? FUSE_RMDIR : FUSE_UNLINK, op->node->nodeid);
    wf_call_in(op, name, len + 1);
}

/* What replace made under the temporary name goes again (best effort): the error that
   stopped it stays the answer. Nested. */
static wf_step replace_undo(wf_op *op)
{
    wf_link_ctx *ctx = op->link;

    WF_CORO_BEGIN(op);

    ctx->failure = op->status;
    remove_call(op, WF_S_ISDIR(ctx->mode), ctx->name, ctx->name_len);
    WF_AWAIT_REPLY(op);
    wf_cache_drop_entry(op->engine->cache, op->node, ctx->name, ctx->name_len);
    op->status = ctx->failure;

    WF_CORO_END(op);
}

/* The handle's name, walked to again: op->node its directory, op->name the stored name,
   which must still be the handle's file (whatever else is there now stays) and which the
   opener, when checked, may remove. Nested. */
static wf_step replace_find(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;
    wf_link_ctx *ctx = op->link;
    wf_node *cached;

    WF_CORO_BEGIN(op);

    wf_cache_release(engine->cache, op->node);
    wf_cache_release(engine->cache, op->parent);
    op->node = op->parent = NULL;
    WF_AWAIT_CALL(op, wf_walk(op, true));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (op->name_len == 0) {
        op->status = STATUS_ACCESS_DENIED;      /* the root cannot be replaced */
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, wf_resolve_leaf(op));

    cached = wf_cache_lookup(engine->cache, op->node, op->name, op->name_len,
        wf_engine_now(engine));
    if (cached) {
        ctx->entry.nodeid = cached->nodeid;
        wf_cache_release(engine->cache, cached);
    } else {
        wf_lookup_call(op, op->node->nodeid, op->name, op->name_len, &ctx->entry);
        WF_AWAIT_REPLY(op);
        if (op->call.error || ctx->entry.nodeid == 0) {
            op->status = op->call.error && op->call.error != WF_ENOENT ?
                wf_op_errno_status(op) : STATUS_OBJECT_NAME_NOT_FOUND;
            WF_CORO_RETURN(op);
        }
        op->status = wf_entry_take(engine, op->node, op->name, op->name_len, &ctx->entry, 0,
            &cached);
        if (op->status == STATUS_IO_DEVICE_ERROR)
            WF_CORO_RETURN(op);
        wf_cache_release(engine->cache, cached);
        op->status = STATUS_SUCCESS;    /* not cached (no memory) costs nothing here */
    }
    if (ctx->entry.nodeid != file->node->nodeid) {
        op->status = STATUS_OBJECT_NAME_NOT_FOUND;
        WF_CORO_RETURN(op);
    }
    /* The name is replaced in its directory: an opener whose rights are checked must be
       allowed to remove it there, as Linux's rename would require (w and x, the sticky
       rule). */
    if (file->access_check) {
        op->attr_fresh = false;
        WF_AWAIT_CALL(op, wf_getattr(op, NULL));
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        wf_cache_get_attr(engine->cache, file->node, &ctx->attr, 0);
        if (!wf_access_may_delete(engine, &file->identity, &op->attr, &ctx->attr))
            op->status = STATUS_ACCESS_DENIED;
    }

    WF_CORO_END(op);
}

/* The new node, made under a free temporary name next to the handle's (ctx->made, its
   attributes in ctx->attr); undone when the reply is refused. Nested. */
static wf_step replace_make_temp(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;
    wf_link_ctx *ctx = op->link;
    wf_node *taken;

    WF_CORO_BEGIN(op);

    for (ctx->rounds = 0;;) {
        temp_name(ctx, file->node->nodeid, ctx->rounds);
        /* The temporary name is known to be free before anything is made under it, as the
           kernel's lookup makes it known: a file system is never asked to make a name that
           exists (fuse2fs would add a second entry). One may be left by an interrupted
           change. The reply counted a lookup: it goes into the cache like any other,
           through the intake (nodeid 0 is "no entry": the name is free). */
        wf_lookup_call(op, op->node->nodeid, ctx->name, ctx->name_len, &ctx->entry);
        WF_AWAIT_REPLY(op);
        op->status = op->call.error == WF_ENOENT ? STATUS_OBJECT_NAME_NOT_FOUND :
            op->call.error ? wf_op_errno_status(op) :
            wf_entry_take(engine, op->node, ctx->name, ctx->name_len, &ctx->entry, 0, &taken);
        if (NT_SUCCESS(op->status)) {
            wf_cache_release(engine->cache, taken);
            if (++ctx->rounds >= WF_TEMP_ROUNDS) {
                op->status = STATUS_OBJECT_NAME_COLLISION;
                WF_CORO_RETURN(op);
            }
            continue;
        }
        if (op->status != STATUS_OBJECT_NAME_NOT_FOUND)
            WF_CORO_RETURN(op);
        do {
            make_call(op, make_opcode(engine, ctx));
            WF_AWAIT_REPLY(op);
            /* ENOSYS of MKNOD for a file is remembered: CREATE next, under the same name. */
        } while (op->call.error == WF_ENOSYS && op->call.opcode == FUSE_MKNOD &&
            (ctx->mode & WF_S_IFMT) == WF_S_IFREG);
        if (!op->call.error)
            break;
        /* EEXIST: made by someone since the LOOKUP. */
        if (op->call.error != WF_EEXIST || ++ctx->rounds >= WF_TEMP_ROUNDS) {
            op->status = wf_op_errno_status(op);
            WF_CORO_RETURN(op);
        }
    }
    /* Something is made under the temporary name, whatever the reply says of it: a reply
       the intake refuses (a bad type, nodeid 0, the root) is undone like any failure. */
    op->status = wf_entry_take(engine, op->node, ctx->name, ctx->name_len, &ctx->entry,
        ctx->mode & WF_S_IFMT, &ctx->made);
    ctx->attr = ctx->entry.attr;
    if (op->call.opcode == FUSE_CREATE && ctx->entry.nodeid != 0) {
        /* Made through CREATE: its FUSE handle is not this one's. */
        wf_release_fh_call(op, ctx->entry.nodeid, op->u.create.open.fh, WF_RP_O_WRONLY,
            false);
        WF_AWAIT_REPLY(op);
    }
    if (!NT_SUCCESS(op->status))
        WF_AWAIT_CALL(op, replace_undo(op));

    WF_CORO_END(op);
}

/* The new node takes the handle's name (after ctx->remove_opcode of what cannot be renamed
   over), and the handle refers to it from then on. Nested. */
static wf_step replace_swap(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;
    wf_link_ctx *ctx = op->link;

    WF_CORO_BEGIN(op);

    if (ctx->remove_opcode) {
        remove_call(op, ctx->remove_opcode == FUSE_RMDIR, op->name, op->name_len);
        WF_AWAIT_REPLY(op);
        if (op->call.error) {
            op->status = wf_op_errno_status(op);
            WF_AWAIT_CALL(op, replace_undo(op));
            WF_CORO_RETURN(op);
        }
        wf_cache_drop_entry(engine->cache, op->node, op->name, op->name_len);
    }
    wf_rename_call(op, false, 0, op->node->nodeid, ctx->name, ctx->name_len,
        op->node->nodeid, op->name, op->name_len);
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        op->status = wf_op_errno_status(op);
        WF_AWAIT_CALL(op, replace_undo(op));
        WF_CORO_RETURN(op);
    }
    wf_cache_drop_entry(engine->cache, op->node, ctx->name, ctx->name_len);
    wf_cache_drop_entry(engine->cache, op->node, op->name, op->name_len);
    wf_cache_expire_attr(engine->cache, op->node);
    wf_cache_expire_attr(engine->cache, file->node);

    /* The old file's FUSE handle goes. */
    if (file->has_fh) {
        wf_release_call(op, file);
        WF_AWAIT_REPLY(op);
    }
    wf_cache_release(engine->cache, file->node);
    file->node = ctx->made;
    ctx->made = NULL;
    file->has_fh = false;
    file->fh = 0;
    file->fopen_flags = 0;
    file->open_flags = WF_O_RDONLY;
    file->is_directory = WF_S_ISDIR(ctx->attr.mode);
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

/* Replaces the file the handle is open on (the request's FileName) by a new node of type
   ctx->mode: made under a temporary name next to it (ctx->target for a link, ctx->rdev for
   a device), then ctx->remove_opcode (RMDIR of a directory, UNLINK of a link a directory is to
   replace) when what is there cannot be renamed over, then RENAME onto the name. Nothing is
   lost when making fails; the handle then refers to the new node (its FUSE handle on the
   old file released). Nested. */
static wf_step replace(wf_op *op, wf_file *file)
{
    WF_CORO_BEGIN(op);

    WF_AWAIT_CALL(op, replace_find(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, replace_make_temp(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, replace_swap(op, file));

    WF_CORO_END(op);
}

/* ---- SET ------------------------------------------------------------------------------- */

/* A drive path ("C:\x", "c:x") or two separators first (UNC "\\server\share", "\\?\"):
   absolute in Win32's eyes whatever the link's flags say. */
static bool names_a_dos_path(const uint16_t *target, size_t units)
{
    uint16_t letter = units ? (uint16_t)(target[0] | 0x20u) : 0;
    if (units >= 2 && target[1] == ':' && letter >= 'a' && letter <= 'z')
        return true;
    return units >= 2 && (target[0] == '\\' || target[0] == '/') &&
        (target[1] == '\\' || target[1] == '/');
}

/* What a SET buffer asks for, into ctx: mode (the type) and rdev, or a link's POSIX target. */
static NTSTATUS parse_set(wf_op *op, const uint8_t *buf, uint32_t size)
{
    wf_link_ctx *ctx = op->link;
    const uint16_t *target = ctx->wtarget;
    size_t units, len;
    uint32_t flags = 0, type, rdev;
    bool only_slash = false;
    NTSTATUS status = wf_reparse_validate(buf, size);

    if (!NT_SUCCESS(status))
        return status;
    switch (wf_reparse_tag(buf)) {
    case IO_REPARSE_TAG_SYMLINK:
        status = wf_reparse_get_symlink(buf, size, ctx->wtarget, WF_LINK_TARGET_MAX, &units,
            &flags);
        if (!NT_SUCCESS(status))
            return STATUS_IO_REPARSE_DATA_INVALID;
        if (!(flags & SYMLINK_FLAG_RELATIVE) && units && ctx->wtarget[0] == '\\') {
            /* An absolute NT path (\??\X:\...): the FSD says where this volume's part of it
               starts, or 0 when it points elsewhere, which a POSIX link cannot hold (as
               WinFsp-FUSE refuses it). */
            uint32_t skip = op->req->Req.FileSystemControl.TargetOnFileSystem;
            if (skip == 0 || (skip & 1u) || skip / sizeof(uint16_t) >= units)
                return STATUS_ACCESS_DENIED;
            target += skip / sizeof(uint16_t);
            units -= skip / sizeof(uint16_t);
        } else if ((flags & SYMLINK_FLAG_RELATIVE) && names_a_dos_path(target, units)) {
            /* Marked relative, yet a path elsewhere: no POSIX target means it (stored as
               it reads, C:/x or /server/share/x would name another file). */
            return STATUS_IO_REPARSE_DATA_INVALID;
        }
        ctx->mode = WF_S_IFLNK | 0777u;
        break;
    case IO_REPARSE_TAG_NFS:
        status = wf_reparse_get_nfs(buf, size, &type, &rdev, ctx->wtarget, WF_LINK_TARGET_MAX,
            &units);
        if (!NT_SUCCESS(status))
            return STATUS_IO_REPARSE_DATA_INVALID;
        ctx->mode = type;
        ctx->rdev = rdev;
        if (type != WF_S_IFLNK)
            return STATUS_SUCCESS;
        ctx->mode = WF_S_IFLNK | 0777u;
        only_slash = true;      /* the NFS form of a link is POSIX already */
        break;
    default:
        /* Junctions and every other tag: nothing FUSE can store. */
        return STATUS_IO_REPARSE_TAG_MISMATCH;
    }
    status = wf_reparse_target_to_posix(target, units, only_slash, ctx->target,
        WF_LINK_TARGET_MAX, &len);
    if (!NT_SUCCESS(status))
        return STATUS_IO_REPARSE_DATA_INVALID;
    ctx->target[len] = '\0';
    ctx->target_len = (uint32_t)len;
    return STATUS_SUCCESS;
}

static wf_step set_reparse_point(wf_op *op, wf_file *file)
{
    wf_link_ctx *ctx = op->link;
    const uint8_t *buf;
    uint32_t size;
    bool placeholder_dir;

    WF_CORO_BEGIN(op);

    buf = input_buffer(op, &size);
    op->status = buf ? parse_set(op, buf, size) : STATUS_IO_REPARSE_DATA_INVALID;
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    /* What the handle is open on: an empty file or directory (mklink's), or a reparse
       point of the same kind whose data changes. */
    WF_AWAIT_CALL(op, handle_attr(op, file, false));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    placeholder_dir = WF_S_ISDIR(op->attr.mode);
    if (placeholder_dir) {
        /* FUSE has no directory special files (WinFsp-FUSE refuses the same). */
        if (!WF_S_ISLNK(ctx->mode)) {
            op->status = STATUS_ACCESS_DENIED;
            WF_CORO_RETURN(op);
        }
    } else if (WF_S_ISREG(op->attr.mode)) {
        /* A POSIX link has no data of its own: a file's would be lost. */
        if (op->attr.size != 0) {
            op->status = STATUS_NOT_SUPPORTED;
            WF_CORO_RETURN(op);
        }
    } else if (WF_S_ISLNK(op->attr.mode) != WF_S_ISLNK(ctx->mode)) {
        op->status = STATUS_IO_REPARSE_TAG_MISMATCH;
        WF_CORO_RETURN(op);
    }
    if (!WF_S_ISLNK(ctx->mode))
        ctx->mode |= op->attr.mode & 07777u;    /* a special file keeps the permissions */
    /* NTFS keeps a link's directory bit from what it was made on; so does the link here. */
    ctx->link_dir = placeholder_dir ||
        (WF_S_ISLNK(op->attr.mode) && wf_link_is_dir(op->engine, op->node, &op->attr));
    /* ... and stores it in the target's text, so that it outlives the session: "d/" for
       mklink /D (a POSIX link has no other place: Linux refuses user.* xattrs on links,
       trusted.* needs CAP_SYS_ADMIN), none for a file link. */
    if (WF_S_ISLNK(ctx->mode) && !wf_link_mark_target(ctx, ctx->link_dir)) {
        op->status = STATUS_IO_REPARSE_DATA_INVALID;
        WF_CORO_RETURN(op);
    }

    ctx->remove_opcode = placeholder_dir ? FUSE_RMDIR : 0;
    WF_AWAIT_CALL(op, replace(op, file));
    if (NT_SUCCESS(op->status) && WF_S_ISLNK(ctx->mode))
        wf_link_set_dir(op->engine, file->node, ctx->link_dir);

    WF_CORO_END(op);
}

/* ---- DELETE ---------------------------------------------------------------------------- */

static wf_step delete_reparse_point(wf_op *op, wf_file *file)
{
    wf_link_ctx *ctx = op->link;
    const uint8_t *buf;
    uint32_t size, tag;

    WF_CORO_BEGIN(op);

    /* Only the header, with no data: 8 bytes, or 24 with the GUID of a third-party tag. */
    buf = input_buffer(op, &size);
    if (!buf || size < WF_REPARSE_HEADER_SIZE) {
        op->status = STATUS_IO_REPARSE_DATA_INVALID;
        WF_CORO_RETURN(op);
    }
    tag = ctx->tag = wf_reparse_tag(buf);
    if (tag == IO_REPARSE_TAG_RESERVED_ZERO || tag == IO_REPARSE_TAG_RESERVED_ONE) {
        op->status = STATUS_IO_REPARSE_TAG_INVALID;
        WF_CORO_RETURN(op);
    }
    if (size != ((tag & WF_REPARSE_TAG_MICROSOFT) ? WF_REPARSE_HEADER_SIZE :
            WF_REPARSE_GUID_HEADER_SIZE) || buf[4] != 0 || buf[5] != 0) {
        op->status = STATUS_IO_REPARSE_DATA_INVALID;
        WF_CORO_RETURN(op);
    }

    WF_AWAIT_CALL(op, handle_attr(op, file, true));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (wf_mode_to_reparse_tag(op->attr.mode) != ctx->tag) {
        op->status = STATUS_IO_REPARSE_TAG_MISMATCH;
        WF_CORO_RETURN(op);
    }
    /* What stays is what the link stood for without its data: an empty directory for a
       directory link, an empty file otherwise. A directory cannot be renamed over a link:
       the link goes first. */
    if (wf_link_is_dir(op->engine, op->node, &op->attr)) {
        ctx->mode = WF_S_IFDIR | (0777u & ~op->engine->params.umask);
        ctx->remove_opcode = FUSE_UNLINK;
    } else {
        ctx->mode = WF_S_IFREG | (0666u & ~op->engine->params.umask);
        ctx->remove_opcode = 0;
    }
    ctx->rdev = 0;
    WF_AWAIT_CALL(op, replace(op, file));

    WF_CORO_END(op);
}

/* ---- the request ----------------------------------------------------------------------- */

wf_step wf_op_file_system_control(wf_op *op)
{
    wf_file *file = wf_op_file(op->req->Req.FileSystemControl.UserContext2);
    uint32_t code = op->req->Req.FileSystemControl.FsControlCode;

    WF_CORO_BEGIN(op);

    if (code != FSCTL_GET_REPARSE_POINT && code != FSCTL_SET_REPARSE_POINT &&
        code != FSCTL_DELETE_REPARSE_POINT) {
        op->status = STATUS_INVALID_DEVICE_REQUEST;
        WF_CORO_RETURN(op);
    }
    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op);
    }
    if (wf_entry_node_bad(op->engine, file->node)) {
        op->status = STATUS_IO_DEVICE_ERROR;   /* the file system lied about its type */
        WF_CORO_RETURN(op);
    }
    if (!wf_link_ctx_get(op)) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    if (code == FSCTL_GET_REPARSE_POINT)
        WF_AWAIT_CALL(op, get_reparse_point(op, file));
    else if (code == FSCTL_SET_REPARSE_POINT)
        WF_AWAIT_CALL(op, set_reparse_point(op, file));
    else
        WF_AWAIT_CALL(op, delete_reparse_point(op, file));

    WF_CORO_END(op);
}
