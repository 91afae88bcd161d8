/* op_delete.c — deletion: the Disposition checks (read-only file, non-empty directory) and
   the UNLINK / RMDIR a Cleanup with Delete set performs. */
#include "engine/dirent.h"
#include "engine/engine_internal.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

/* One READDIR of this size shows an entry besides "." and ".." if there is one (a record
   takes at most 24 + 256 bytes); a file system that hands out its listing in smaller
   pieces is followed for a few rounds, then taken as broken. */
#define WF_PROBE_SIZE 4096u
#define WF_PROBE_ROUNDS 8u

static uint32_t disposition_flags(const wf_op *op)
{
    /* WinFsp's FSD fills DispositionEx.Flags for both classes; the old class has DELETE
       alone (its DeleteFile boolean). */
    uint32_t flags = op->req->Req.SetInformation.Info.DispositionEx.Flags;
    if (op->req->Req.SetInformation.FileInformationClass == FileDispositionInformation)
        flags &= FILE_DISPOSITION_DELETE;
    return flags;
}

/* Looks through a READDIR reply: 1 when it names anything but "." and "..", 0 when not
   (*next is then where the listing goes on), -1 when it is malformed. */
static int probe_reply(const uint8_t *buf, uint32_t size, uint64_t *next)
{
    wf_dirent d;
    for (uint32_t pos = 0; pos < size; pos += d.reclen) {
        if (!wf_dirent_at(buf, pos, size, false, &d))
            return -1;
        if (!wf_name_is_dot_or_dotdot(d.name, d.namelen))
            return 1;
        *next = d.off;
    }
    return 0;
}

/* READONLY as the file's information shows it (attributes in op->attr). */
static bool readonly(wf_op *op)
{
    FSP_FSCTL_FILE_INFO info;
    wf_op_file_info(&op->attr, &info);
    wf_dos_file_info(op->engine, op->node, &op->attr, &info);
    return (info.FileAttributes & FILE_ATTRIBUTE_READONLY) != 0;
}

wf_step wf_setinfo_disposition(wf_op *op)
{
    wf_engine *engine = op->engine;
    wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);
    uint32_t flags = disposition_flags(op);
    int found;

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    /* The FSD keeps the delete-pending state; clearing it needs no check. */
    if (!(flags & FILE_DISPOSITION_DELETE))
        WF_CORO_RETURN(op);
    if (file->node->nodeid == FUSE_ROOT_ID) {
        op->status = STATUS_CANNOT_DELETE;
        WF_CORO_RETURN(op);
    }

    /* A read-only file or directory refuses deletion unless the caller says to ignore
       that (MS-FSA 2.1.5.15.3; FILE_DISPOSITION_INFORMATION_EX). A file's READONLY is its
       mode; a directory's is the stored one (user.DOSATTRIB, dos.c). */
    if (!(flags & FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE)) {
        WF_AWAIT_CALL(op, wf_getattr(op, file));
        if (NT_SUCCESS(op->status) && file->is_directory)
            WF_AWAIT_CALL(op, wf_dos_read(op));
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        if (readonly(op)) {
            op->status = STATUS_CANNOT_DELETE;
            WF_CORO_RETURN(op);
        }
    }
    if (!file->is_directory)
        WF_CORO_RETURN(op);

    /* A directory must be empty now: NT says so here, while RMDIR at Cleanup could only
       fail silently. Plain READDIR, so that no entry counts a lookup. A handle opened
       without FILE_LIST_DIRECTORY gets its FUSE handle now, as a listing would. */
    WF_AWAIT_CALL(op, wf_dir_open(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->dirbuf_size = WF_PROBE_SIZE;
    op->dirbuf = wf_mem_alloc(op->dirbuf_size);
    if (!op->dirbuf) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    op->st.probe.offset = 0;
    op->st.probe.rounds = 0;
    for (;;) {
        wf_dir_read_call(op, false, file->node->nodeid, file->fh, op->st.probe.offset);
        WF_AWAIT_REPLY(op);

        if (op->call.error == WF_ENOSYS)
            break;      /* it cannot be listed: RMDIR will judge */
        if (op->call.error) {
            op->status = wf_op_errno_status(op);
            WF_CORO_RETURN(op);
        }
        if (op->call.out_size == 0)
            break;
        found = probe_reply(op->dirbuf, op->call.out_size, &op->st.probe.offset);
        if (found > 0) {
            op->status = STATUS_DIRECTORY_NOT_EMPTY;
            WF_CORO_RETURN(op);
        }
        if (found < 0 || ++op->st.probe.rounds >= WF_PROBE_ROUNDS) {
            wf_engine_count_bad_reply(engine);
            op->status = STATUS_IO_DEVICE_ERROR;
            WF_CORO_RETURN(op);
        }
    }
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

wf_step wf_delete_at_cleanup(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;

    WF_CORO_BEGIN(op);

    /* The Cleanup's FileName is the file's name now (renames included). */
    WF_AWAIT_CALL(op, wf_walk(op, true));
    if (!NT_SUCCESS(op->status) || op->name_len == 0 || !file)
        WF_CORO_RETURN(op);     /* nothing left to delete; never the root */
    /* A case-insensitive volume: the name as the file system stores it (walk.c). */
    WF_AWAIT_CALL(op, wf_resolve_leaf(op));

    wf_call_begin(op, file->is_directory ? FUSE_RMDIR : FUSE_UNLINK, op->node->nodeid);
    wf_call_in(op, op->name, op->name_len + 1);
    WF_AWAIT_REPLY(op);

    /* Cleanup cannot fail, so an error here (ENOTEMPTY when a file appeared since the
       disposition was set) is not reported. Whatever happened, the name is asked about
       again next time, and the parent's and the file's attributes are stale. */
    wf_cache_drop_entry(engine->cache, op->node, op->name, op->name_len);
    wf_cache_expire_attr(engine->cache, op->node);
    if (file)
        wf_cache_expire_attr(engine->cache, file->node);
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}
