/* op_write.c — Write (WRITEs of the negotiated size, the file size kept current from the
   engine's own replies) and Overwrite (truncation and attributes after FILE_OVERWRITTEN /
   FILE_SUPERSEDED). */
#include "engine/engine_internal.h"

#define WF_WRITE_TO_END_OF_FILE UINT64_MAX
#define WF_OFFSET_MAX ((uint64_t)INT64_MAX)   /* Linux file offsets are signed */

/* The handle may carry data to the file system: opened for writing, with a FUSE handle or
   on a file system whose OPEN answered ENOSYS (stateless, fh 0). */
static bool can_write(wf_engine *engine, const wf_file *file)
{
    return (file->open_flags & 3u) != WF_O_RDONLY &&
        (file->has_fh || wf_engine_enosys(engine, FUSE_OPEN));
}

wf_step wf_op_write(wf_op *op)
{
    wf_engine *engine = op->engine;
    wf_file *file = wf_op_file(op->req->Req.Write.UserContext2);
    const uint8_t *data = (const uint8_t *)(uintptr_t)op->req->Req.Write.Address;
    uint64_t *offset = &op->st.io.offset;     /* where the data goes, append resolved */
    uint64_t *length = &op->st.io.length;     /* what is written, after the paging clamp */

    if (file && file->stream)
        return wf_stream_write(op);
    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    if (file->is_directory) {
        op->status = STATUS_INVALID_DEVICE_REQUEST;
        WF_CORO_RETURN(op);
    }
    if (!can_write(engine, file)) {
        /* Opened without write access: the FSD should have refused already. */
        op->status = STATUS_ACCESS_DENIED;
        WF_CORO_RETURN(op);
    }

    /* The size is known from earlier replies while the attributes are valid; only stale or
       unknown attributes cost a GETATTR (the response needs them anyway). */
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    *offset = op->req->Req.Write.Offset == WF_WRITE_TO_END_OF_FILE ?
        op->attr.size : op->req->Req.Write.Offset;
    *length = op->req->Req.Write.Length;
    if (op->req->Req.Write.ConstrainedIo) {
        /* Paging I/O writes back cached pages: it never moves the end of the file. */
        uint64_t left = *offset < op->attr.size ? op->attr.size - *offset : 0;
        if (*length > left)
            *length = left;
    }
    if (*offset > WF_OFFSET_MAX || *length > WF_OFFSET_MAX - *offset) {
        op->status = STATUS_INVALID_PARAMETER;
        WF_CORO_RETURN(op);
    }

    op->st.io.done = 0;
    while (op->st.io.done < *length) {
        op->st.io.chunk = *length - op->st.io.done < engine->write_size ?
            (uint32_t)(*length - op->st.io.done) : engine->write_size;
        wf_mem_set(&op->u.write.in, 0, sizeof op->u.write.in);
        op->u.write.in.fh = file->fh;
        op->u.write.in.offset = *offset + op->st.io.done;
        op->u.write.in.size = op->st.io.chunk;
        op->u.write.in.flags = file->open_flags;
        wf_call_begin(op, FUSE_WRITE, file->node->nodeid);
        wf_call_in(op, &op->u.write.in, sizeof op->u.write.in);
        wf_call_in(op, data + op->st.io.done, op->st.io.chunk);
        wf_call_out(op, &op->u.write.out, sizeof op->u.write.out);
        WF_AWAIT_REPLY(op);

        if (op->call.error) {
            /* Data already written is reported; the error shows on the next call. */
            if (op->st.io.done)
                break;
            op->status = wf_op_errno_status(op);
            WF_CORO_RETURN(op);
        }
        if (op->u.write.out.size > op->st.io.chunk) {
            /* More than was sent: the file's state is unknown, ask again next time. */
            wf_engine_count_bad_reply(engine);
            wf_cache_expire_attr(engine->cache, op->node);
            op->status = STATUS_IO_DEVICE_ERROR;
            WF_CORO_RETURN(op);
        }
        op->st.io.done += op->u.write.out.size;
        if (op->u.write.out.size < op->st.io.chunk)
            break;  /* a short write: report what was written */
    }

    if (op->st.io.done)
        op->attr.size = wf_cache_extend_size(engine->cache, op->node, *offset + op->st.io.done);
    /* ARCHIVE at the handle's first write; the data is written whatever that answers. */
    if (op->st.io.done)
        WF_AWAIT_CALL(op, wf_dos_mark_archive(op, file));
    wf_op_file_info(&op->attr, &op->rsp->Rsp.Write.FileInfo);
    wf_dos_file_info(engine, op->node, &op->attr, &op->rsp->Rsp.Write.FileInfo);
    op->rsp->IoStatus.Information = op->st.io.done;
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

wf_step wf_op_overwrite(wf_op *op)
{
    wf_engine *engine = op->engine;
    wf_file *file = wf_op_file(op->req->Req.Overwrite.UserContext2);
    uint32_t attributes = op->req->Req.Overwrite.FileAttributes;
    bool supersede = op->req->Req.Overwrite.Supersede;
    /* READONLY maps to POSIX (the write bits); HIDDEN and SYSTEM to user.DOSATTRIB. */
    bool mode_matters = supersede || (attributes & FILE_ATTRIBUTE_READONLY);
    uint32_t asked = attributes & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM);
    /* Set before each use; the arguments of a resumed wf_dos_write are not read again. */
    uint32_t dos_attributes = 0;
    uint64_t dos_creation = 0;
    uint8_t state;
    FSP_FSCTL_FILE_INFO now = { 0 };

    if (file && file->stream)
        return wf_stream_overwrite(op);
    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);

    /* The EAs are replaced first (op_ea.c), so that a failure leaves the data as it was. */
    WF_AWAIT_CALL(op, wf_ea_overwrite(op));
    /* As NTFS (and WinFsp's memfs): supersede replaces HIDDEN and SYSTEM with those asked
       for, overwrite adds them; both set ARCHIVE. The value is read and written only when
       attributes are asked for or a supersede may have some to clear; the creation time
       stays. */
    op->st.overwrite.dos_written = false;
    if (NT_SUCCESS(op->status) && !engine->dosattrib_off && (supersede || asked)) {
        WF_AWAIT_CALL(op, wf_getattr(op, file));
        if (NT_SUCCESS(op->status))
            WF_AWAIT_CALL(op, wf_dos_read(op));
        state = wf_dos_known(engine, op->node, &op->attr, &dos_attributes, &dos_creation);
        if (NT_SUCCESS(op->status) && state != 0 && (state == 2 || asked)) {
            wf_op_file_info(&op->attr, &now);
            if (state == 2 && dos_creation != 0)
                now.CreationTime = dos_creation;
            dos_attributes = (supersede ? asked : (dos_attributes & WF_DOS_KEPT) | asked) |
                FILE_ATTRIBUTE_ARCHIVE;
            op->st.overwrite.dos_written = true;
            WF_AWAIT_CALL(op, wf_dos_write(op, dos_attributes, now.CreationTime));
        }
    }
    if (mode_matters && NT_SUCCESS(op->status))
        WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (NT_SUCCESS(op->status)) {
        wf_mem_set(&op->u.setattr.in, 0, sizeof op->u.setattr.in);
        op->u.setattr.in.valid = FATTR_SIZE;
        if (mode_matters) {
            uint32_t mode = wf_mode_for_attributes(op->attr.mode, attributes, supersede);
            if (mode != op->attr.mode) {
                op->u.setattr.in.valid |= FATTR_MODE;
                op->u.setattr.in.mode = mode;
            }
            /* A writer who is not the owner overwrites but keeps the mode: O_TRUNC needs
               write permission, a chmod the owner (docs/security.md). */
            if (!NT_SUCCESS(wf_access_setattr(engine, file, &op->attr, &op->u.setattr.in)))
                op->u.setattr.in.valid &= ~(uint32_t)FATTR_MODE;
        }
        WF_AWAIT_CALL(op, wf_setattr(op, file));
        /* The mode is attribute bookkeeping NTFS adds (READONLY merged, cleared on
           supersede); the truncation is what O_TRUNC does. A file system that refuses the
           pair is asked for the truncation alone, and the file is overwritten. */
        if (!NT_SUCCESS(op->status) && (op->u.setattr.in.valid & FATTR_MODE) &&
            wf_op_refused(op)) {
            op->u.setattr.in.valid &= ~(uint32_t)FATTR_MODE;
            WF_AWAIT_CALL(op, wf_setattr(op, file));
        }
    }
    if (NT_SUCCESS(op->status) && op->req->Req.Overwrite.AllocationSize)
        WF_AWAIT_CALL(op, wf_preallocate(op, file, op->req->Req.Overwrite.AllocationSize));
    if (NT_SUCCESS(op->status)) {
        if (op->st.overwrite.dos_written)
            wf_dos_written(op);
        wf_op_file_info(&op->attr, &op->rsp->Rsp.Overwrite.FileInfo);
        wf_dos_file_info(engine, op->node, &op->attr, &op->rsp->Rsp.Overwrite.FileInfo);
        wf_ea_overwritten(op, &op->rsp->Rsp.Overwrite.FileInfo);
        WF_CORO_RETURN(op);
    }

    /* A failed Overwrite closes the file: the FSD sends no Cleanup or Close for it. */
    if (file->has_fh) {
        wf_mem_set(&op->u.release.in, 0, sizeof op->u.release.in);
        op->u.release.in.fh = file->fh;
        op->u.release.in.flags = file->open_flags;
        wf_call_begin(op, FUSE_RELEASE, file->node->nodeid);
        wf_call_in(op, &op->u.release.in, sizeof op->u.release.in);
        WF_AWAIT_REPLY(op);
    }
    wf_file_free(engine, file);

    WF_CORO_END(op);
}
