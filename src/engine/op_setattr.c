/* op_setattr.c — SetInformation Basic, Allocation and EndOfFile as SETATTR (FALLOCATE for
   preallocation), and the SETATTR / FALLOCATE steps that Overwrite shares. */
#include "engine/engine_internal.h"
#include "engine/entry.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

#define WF_FALLOC_FL_KEEP_SIZE 1u
#define WF_S_IWALL 0222u
#define WF_S_IWUSR 0200u

uint32_t wf_mode_for_attributes(uint32_t mode, uint32_t attributes, bool replace)
{
    /* A symbolic link keeps its mode too: Linux has no mode of a link to change, and a
       chmod would reach its target. */
    if (WF_S_ISDIR(mode) || (mode & WF_S_IFMT) == WF_S_IFLNK)
        return mode;
    if (attributes & FILE_ATTRIBUTE_READONLY)
        return mode & ~WF_S_IWALL;
    if (replace && !(mode & WF_S_IWALL))
        return mode | WF_S_IWUSR;
    return mode;
}

wf_step wf_setattr(wf_op *op, const wf_file *file)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    if (file && file->has_fh) {
        op->u.setattr.in.valid |= FATTR_FH;
        op->u.setattr.in.fh = file->fh;
    }
    wf_call_begin(op, FUSE_SETATTR, op->node->nodeid);
    wf_call_in(op, &op->u.setattr.in, sizeof op->u.setattr.in);
    wf_call_out(op, &op->u.setattr.out, sizeof op->u.setattr.out);
    WF_AWAIT_REPLY(op);

    if (op->call.error) {
        /* Part of the change may have been applied: ask the file system next time. */
        wf_cache_expire_attr(engine->cache, op->node);
        op->status = wf_op_errno_status(op);
        WF_CORO_RETURN(op);
    }
    op->status = wf_entry_take_attr(engine, op->node, &op->u.setattr.out);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->attr = op->u.setattr.out.attr;
    op->attr_fresh = true;
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

wf_step wf_preallocate(wf_op *op, const wf_file *file, uint64_t size)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    /* FALLOCATE needs a FUSE handle (fh 0 on a stateless file system). */
    if (!size || !(file->has_fh || wf_engine_enosys(engine, FUSE_OPEN)) ||
        wf_engine_enosys(engine, FUSE_FALLOCATE))
        WF_CORO_RETURN(op);
    wf_mem_set(&op->u.fallocate.in, 0, sizeof op->u.fallocate.in);
    op->u.fallocate.in.fh = file->fh;
    op->u.fallocate.in.length = size;
    op->u.fallocate.in.mode = WF_FALLOC_FL_KEEP_SIZE;
    wf_call_begin(op, FUSE_FALLOCATE, op->node->nodeid);
    wf_call_in(op, &op->u.fallocate.in, sizeof op->u.fallocate.in);
    WF_AWAIT_REPLY(op);

    /* ENOSYS is remembered by the engine; EOPNOTSUPP (the storage cannot) is as final. Any
       error leaves a file that simply grows as it is written. */
    if (op->call.error == WF_EOPNOTSUPP)
        wf_engine_note_enosys(engine, FUSE_FALLOCATE);
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

/* 0 leaves a time unchanged; negative values (-1 "stop updating", -2 "resume") too: FUSE
   has no way to suspend the file system's own updates. */
static bool nt_time_given(uint64_t nt_time)
{
    return nt_time != 0 && !(nt_time >> 63);
}

wf_step wf_setinfo_basic(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);
    const uint32_t attributes = op->req->Req.SetInformation.Info.Basic.FileAttributes;
    /* WinFsp's FSD turns the caller's 0 ("leave them") into all ones and strips NORMAL, so
       0 here means "no attributes": a read-only file becomes writable again. */
    const bool set_attributes = attributes != UINT32_MAX;
    const uint64_t creation = op->req->Req.SetInformation.Info.Basic.CreationTime;
    /* A new LastWriteTime would move a computed creation time: it is stored first. */
    const bool set_dos = set_attributes || nt_time_given(creation) ||
        nt_time_given(op->req->Req.SetInformation.Info.Basic.LastWriteTime);
    struct fuse_setattr_in *in = &op->u.setattr.in;
    int64_t seconds;
    /* Set before each use; the arguments of a resumed wf_dos_write are not read again. */
    uint32_t dos_attributes = 0;
    uint64_t dos_creation = 0;
    uint8_t state;
    FSP_FSCTL_FILE_INFO now = { 0 };

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    /* The mode is needed to apply READONLY, the owner and mode to check the caller. */
    if (set_dos || wf_access_file_checked(file)) {
        WF_AWAIT_CALL(op, wf_getattr(op, file));
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
    }
    /* HIDDEN, SYSTEM, ARCHIVE and CreationTime go to user.DOSATTRIB (dos.c), merged with
       what it holds: what the caller leaves unchanged is kept, or, for a file without the
       value yet, what the file shows now (its computed creation time then stays put). */
    /* Linux lets only those who may write the file set its user.* xattrs (Samba becomes
       root for it): a caller who may not is left with the mode's READONLY, as before. It
       is written before the SETATTR, while a file made read-only can still take it. */
    if (set_dos && NT_SUCCESS(wf_access_xattr(op->engine, file, &op->attr, true))) {
        WF_AWAIT_CALL(op, wf_dos_read(op));
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        state = wf_dos_known(op->engine, op->node, &op->attr, &dos_attributes, &dos_creation);
        if (state != 0 && !op->engine->dosattrib_off && (set_attributes ||
                nt_time_given(creation) || state != 2 || dos_creation == 0)) {
            wf_op_file_info(&op->attr, &now);
            wf_dos_file_info(op->engine, op->node, &op->attr, &now);
            if (set_attributes)
                dos_attributes = attributes;
            else
                dos_attributes = now.FileAttributes;
            /* READONLY as the request leaves it: the mode says it for a file. */
            WF_AWAIT_CALL(op, wf_dos_write(op, dos_attributes,
                nt_time_given(creation) ? creation : now.CreationTime));
            if (!NT_SUCCESS(op->status))
                WF_CORO_RETURN(op);
            if (!op->attr_fresh) {
                WF_AWAIT_CALL(op, wf_getattr(op, file));
                if (!NT_SUCCESS(op->status))
                    WF_CORO_RETURN(op);
            }
        }
    }

    wf_mem_set(in, 0, sizeof *in);
    if (nt_time_given(op->req->Req.SetInformation.Info.Basic.LastAccessTime)) {
        wf_nt_to_unix_time(op->req->Req.SetInformation.Info.Basic.LastAccessTime,
            &seconds, &in->atimensec);
        in->atime = (uint64_t)seconds;
        in->valid |= FATTR_ATIME;
    }
    if (nt_time_given(op->req->Req.SetInformation.Info.Basic.LastWriteTime)) {
        wf_nt_to_unix_time(op->req->Req.SetInformation.Info.Basic.LastWriteTime,
            &seconds, &in->mtimensec);
        in->mtime = (uint64_t)seconds;
        in->valid |= FATTR_MTIME;
    }
    if (nt_time_given(op->req->Req.SetInformation.Info.Basic.ChangeTime) &&
        op->engine->minor >= 23) {
        wf_nt_to_unix_time(op->req->Req.SetInformation.Info.Basic.ChangeTime,
            &seconds, &in->ctimensec);
        in->ctime = (uint64_t)seconds;
        in->valid |= FATTR_CTIME;
    }
    if (set_attributes) {
        uint32_t mode = wf_mode_for_attributes(op->attr.mode, attributes, true);
        if (mode != op->attr.mode) {
            in->mode = mode;
            in->valid |= FATTR_MODE;
        }
    }

    /* Refused before the file system is asked, as the kernel's default_permissions does. */
    op->status = wf_access_setattr(op->engine, file, &op->attr, in);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (in->valid)
        WF_AWAIT_CALL(op, wf_setattr(op, file));
    else    /* nothing to change: no round trip unless the attributes are stale */
        WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (NT_SUCCESS(op->status)) {
        if (set_dos)
            wf_dos_written(op);
        wf_op_file_info(&op->attr, &op->rsp->Rsp.SetInformation.FileInfo);
        wf_dos_file_info(op->engine, op->node, &op->attr, &op->rsp->Rsp.SetInformation.FileInfo);
    }

    WF_CORO_END(op);
}

wf_step wf_setinfo_end_of_file(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    wf_mem_set(&op->u.setattr.in, 0, sizeof op->u.setattr.in);
    op->u.setattr.in.valid = FATTR_SIZE;
    op->u.setattr.in.size = op->req->Req.SetInformation.Info.EndOfFile.FileSize;
    WF_AWAIT_CALL(op, wf_setattr(op, file));
    if (NT_SUCCESS(op->status))
        wf_op_file_info(&op->attr, &op->rsp->Rsp.SetInformation.FileInfo);

    WF_CORO_END(op);
}

wf_step wf_setinfo_allocation(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);
    const uint64_t allocation = op->req->Req.SetInformation.Info.Allocation.AllocationSize;

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    if (allocation < op->attr.size) {
        /* Allocation below the end of file cuts the file there, as on NTFS. */
        wf_mem_set(&op->u.setattr.in, 0, sizeof op->u.setattr.in);
        op->u.setattr.in.valid = FATTR_SIZE;
        op->u.setattr.in.size = allocation;
        WF_AWAIT_CALL(op, wf_setattr(op, file));
    } else if (allocation > op->attr.size) {
        WF_AWAIT_CALL(op, wf_preallocate(op, file, allocation));
    }
    if (NT_SUCCESS(op->status))
        wf_op_file_info(&op->attr, &op->rsp->Rsp.SetInformation.FileInfo);

    WF_CORO_END(op);
}
