/* dos.c — DOS attributes and CreationTime kept in user.DOSATTRIB, as Samba keeps them: the
   GETXATTR that learns them, the SETXATTR that stores them, and their place in the file
   information. */
#include "winfuse/dosattrib_map.h"
#include "engine/engine_internal.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"
#include "winfuse/le_bytes.h"

/* The file system has no xattrs at all: the volume stops asking (remembered per volume). */
static bool dos_unsupported(int32_t error)
{
    return error == WF_ENOSYS || error == WF_EOPNOTSUPP;
}

wf_step wf_dos_read(wf_op *op)
{
    wf_engine *engine = op->engine;
    uint32_t attributes;
    uint64_t creation;
    wf_dosattrib d;

    WF_CORO_BEGIN(op);

    if (engine->dosattrib_off || wf_engine_enosys(engine, FUSE_GETXATTR) ||
            wf_mode_to_reparse_tag(op->attr.mode) != 0 ||
            wf_cache_dos(engine->cache, op->node, &op->attr, &attributes, &creation) != 0)
        WF_CORO_RETURN(op);
    wf_mem_set(&op->u.getxattr.in, 0, sizeof op->u.getxattr.in);
    op->u.getxattr.in.size = sizeof op->u.getxattr.value;
    wf_call_begin(op, FUSE_GETXATTR, op->node->nodeid);
    wf_call_in(op, &op->u.getxattr.in, sizeof op->u.getxattr.in);
    wf_call_in(op, WF_DOSATTRIB_XATTR, WF_DOSATTRIB_XATTR_LEN + 1);
    wf_call_out(op, op->u.getxattr.value, sizeof op->u.getxattr.value);
    op->call.out_variable = true;
    WF_AWAIT_REPLY(op);

    if (dos_unsupported(op->call.error)) {
        engine->dosattrib_off = true;
    } else if (op->call.error == 0 &&
            wf_dosattrib_decode(op->u.getxattr.value, op->call.out_size, &d)) {
        wf_cache_set_dos(engine->cache, op->node, &op->attr, 2, d.attributes, d.creation_time);
    } else if (op->call.error == 0 || op->call.error == WF_ENODATA ||
            op->call.error == WF_ERANGE) {
        /* None, or none Samba would read (malformed, or larger than any it writes). */
        wf_cache_set_dos(engine->cache, op->node, &op->attr, 1, 0, 0);
    }
    /* The file system gone, the request cancelled or timed out: the request fails
       (engine.md, "Optional steps"). Any other error leaves it unknown: asked again. */
    if (wf_error_ends(op->call.error))
        op->status = wf_op_errno_status(op);

    WF_CORO_END(op);
}

wf_step wf_dos_write(wf_op *op, uint32_t attributes, uint64_t creation)
{
    wf_engine *engine = op->engine;

    WF_CORO_BEGIN(op);

    if (engine->dosattrib_off || wf_engine_enosys(engine, FUSE_SETXATTR) ||
            wf_mode_to_reparse_tag(op->attr.mode) != 0)
        WF_CORO_RETURN(op);
    attributes &= WF_DOS_KEPT | FILE_ATTRIBUTE_READONLY;
    wf_mem_set(&op->u.setxattr.in, 0, sizeof op->u.setxattr.in);
    op->u.setxattr.in.size = (uint32_t)wf_dosattrib_encode(attributes, creation,
        op->u.setxattr.value);
    wf_call_begin(op, FUSE_SETXATTR, op->node->nodeid);
    /* The 16-byte form only where it was negotiated (the engine does not offer it). */
    wf_call_in(op, &op->u.setxattr.in, (engine->flags & FUSE_SETXATTR_EXT) ?
        (uint32_t)sizeof op->u.setxattr.in : FUSE_COMPAT_SETXATTR_IN_SIZE);
    wf_call_in(op, WF_DOSATTRIB_XATTR, WF_DOSATTRIB_XATTR_LEN + 1);
    wf_call_in(op, op->u.setxattr.value, WF_DOSATTRIB_V5_SIZE);
    WF_AWAIT_REPLY(op);

    if (dos_unsupported(op->call.error))
        engine->dosattrib_off = true;
    else if (op->call.error == 0)
        wf_cache_set_dos(engine->cache, op->node, &op->attr, 2,
            wf_get_le32(op->u.setxattr.value + 12), wf_get_le64(op->u.setxattr.value + 16));
    else    /* refused here (a read-only file system, a full xattr block): unknown */
        wf_cache_set_dos(engine->cache, op->node, &op->attr, 0, 0, 0);
    if (wf_error_ends(op->call.error))
        op->status = wf_op_errno_status(op);    /* as in wf_dos_read */
    /* The ctime moved: the caller's next attributes come from the file system. (Not on a
       file system without xattrs: nothing changed, and a plain create must cost it
       nothing more.) */
    if (!dos_unsupported(op->call.error)) {
        wf_cache_expire_attr(engine->cache, op->node);
        op->attr_fresh = false;
    }

    WF_CORO_END(op);
}

wf_step wf_dos_mark_archive(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;
    uint32_t attributes = 0;    /* the arguments of a resumed wf_dos_write are not read */
    uint64_t creation = 0;

    WF_CORO_BEGIN(op);

    if (file->archive_marked || !wf_dos_storing(engine))
        WF_CORO_RETURN(op);
    file->archive_marked = true;
    if (wf_dos_known(engine, op->node, &op->attr, &attributes, &creation) == 0)
        WF_AWAIT_CALL(op, wf_dos_read(op));
    if (wf_dos_known(engine, op->node, &op->attr, &attributes, &creation) != 0 &&
            !(attributes & FILE_ATTRIBUTE_ARCHIVE)) {
        if (creation == 0) {
            FSP_FSCTL_FILE_INFO shown;
            wf_op_file_info(&op->attr, &shown);
            creation = shown.CreationTime;
        }
        WF_AWAIT_CALL(op, wf_dos_write(op, attributes | FILE_ATTRIBUTE_ARCHIVE, creation));
        if (wf_dos_storing(engine)) {
            /* A stream's handle asks without the file's FUSE handle, as its other steps. */
            WF_AWAIT_CALL(op, wf_getattr(op, file->stream ? NULL : file));
            if (NT_SUCCESS(op->status))
                wf_dos_written(op);
        }
    }

    WF_CORO_END(op);
}

bool wf_dos_storing(wf_engine *engine)
{
    return !engine->dosattrib_off && !wf_engine_enosys(engine, FUSE_SETXATTR);
}

void wf_dos_written(wf_op *op)
{
    wf_cache_dos_restamp(op->engine->cache, op->node, &op->attr);
}

uint8_t wf_dos_known(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr,
    uint32_t *attributes, uint64_t *creation)
{
    *attributes = 0;
    *creation = 0;
    if (engine->dosattrib_off)
        return 0;
    return wf_cache_dos(engine->cache, node, attr, attributes, creation);
}

void wf_dos_file_info(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr,
    FSP_FSCTL_FILE_INFO *info)
{
    uint32_t attributes;
    uint64_t creation;

    uint8_t state = wf_dos_known(engine, node, attr, &attributes, &creation);
    wf_dos_apply(state, attributes, creation, attr, info);
}

void wf_dos_apply(uint8_t state, uint32_t attributes, uint64_t creation,
    const struct fuse_attr *attr, FSP_FSCTL_FILE_INFO *info)
{
    if (state != 2)
        return;
    /* A directory's READONLY has no mode bit to live in (w on a directory is about its
       entries): the stored one is reported. A file's is its mode, as before. */
    info->FileAttributes |= attributes & (WF_S_ISDIR(attr->mode) ?
        WF_DOS_KEPT | FILE_ATTRIBUTE_READONLY : WF_DOS_KEPT);
    /* NORMAL is only ever alone. */
    if (info->FileAttributes & ~(uint32_t)FILE_ATTRIBUTE_NORMAL)
        info->FileAttributes &= ~(uint32_t)FILE_ATTRIBUTE_NORMAL;
    if (creation != 0)
        info->CreationTime = creation;
}
