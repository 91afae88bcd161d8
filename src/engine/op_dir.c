/* op_dir.c — QueryDirectory: READDIRPLUS (or READDIR and a LOOKUP per uncached entry) from
   the marker offset, into WinFsp directory records until the buffer is full or the
   directory ends. */
#include "engine/dirent.h"
#include "engine/engine_internal.h"
#include "engine/entry.h"
#include "engine/link.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

/* READDIR size floor: what a listing does not use now is kept for its next call. */
#define WF_DIR_BUFFER_MIN (64u * 1024u)

/* The markers (NextOffset) of the "." and ".." the engine lists first in a directory other
   than the root, as NTFS does, wherever the file system's order puts them: resuming at
   either lists what follows it, then the file system's listing from its start. Two values
   no file system's READDIR offset takes (an entry claiming one ends the listing there). */
#define WF_DIR_AFTER_DOT UINT64_MAX
#define WF_DIR_AFTER_DOTDOT (UINT64_MAX - 1u)

static bool name_is_valid(const wf_dirent *view)
{
    /* Longer than 255 UTF-16 units can take: no Windows name, and beyond op->name. */
    if (view->namelen > WF_NAME_MAX)
        return false;
    /* '/', NUL, invalid UTF-8, a private-use character standing for a forbidden one: no
       Windows form, known before the entry is cached under it. */
    return wf_name_has_windows_form(view->name, view->namelen);
}

/* What put_name found. */
enum {
    WF_DIR_NAME_PUT,    /* in place, st.dir.units long */
    WF_DIR_NAME_FULL,   /* no room: the entry goes with the next call */
    WF_DIR_NAME_BAD,    /* no Windows form: not listed */
};

/* Converts an entry's name into the caller's buffer where its record will go, behind the
   record's header: the one conversion of a listed name (it used to be converted once to
   check it and once more for the record), done before a LOOKUP is spent on the entry. A
   name that has no Windows form is known bad whether or not it would fit. */
static int put_name(wf_op *op, const wf_dirent *view)
{
    uint8_t *out = (uint8_t *)(uintptr_t)op->req->Req.QueryDirectory.Address;
    uint32_t room = op->req->Req.QueryDirectory.Length - op->st.dir.done;
    size_t units;

    /* Longer than 255 UTF-16 units can take: no Windows name, and beyond op->name. */
    if (view->namelen > WF_NAME_MAX)
        return WF_DIR_NAME_BAD;
    if (room < sizeof(FSP_FSCTL_DIR_INFO))
        return WF_DIR_NAME_FULL;
    NTSTATUS status = wf_name_to_windows(view->name, view->namelen,
        (uint16_t *)(void *)(out + op->st.dir.done + sizeof(FSP_FSCTL_DIR_INFO)),
        (room - sizeof(FSP_FSCTL_DIR_INFO)) / sizeof(uint16_t), &units);
    if (status == STATUS_BUFFER_OVERFLOW)
        return WF_DIR_NAME_FULL;
    if (!NT_SUCCESS(status) || sizeof(FSP_FSCTL_DIR_INFO) + units * 2 > UINT16_MAX)
        return WF_DIR_NAME_BAD;
    op->st.dir.units = (uint32_t)units;
    return WF_DIR_NAME_PUT;
}

/* Completes the record whose name put_name placed; false when it does not fit. */
static bool add_dir_info(wf_op *op, const wf_dirent *view, const struct fuse_attr *attr,
    bool link_dir, const wf_node *node)
{
    uint8_t *out = (uint8_t *)(uintptr_t)op->req->Req.QueryDirectory.Address;
    uint32_t cap = op->req->Req.QueryDirectory.Length;
    FSP_FSCTL_DIR_INFO info;

    /* Inline, not through the platform's calls: once an entry, 72 bytes each. */
    __builtin_memset(&info, 0, sizeof info);
    info.Size = (uint16_t)(sizeof info + op->st.dir.units * sizeof(uint16_t));
    wf_op_file_info(attr, &info.FileInfo);
    if (link_dir)
        info.FileInfo.FileAttributes |= FILE_ATTRIBUTE_DIRECTORY;
    /* user.DOSATTRIB as far as the engine knows it for this ctime: a listing sends no
       GETXATTR per entry (it would double its round trips; docs/nt-semantics.md). */
    if (node)
        wf_dos_file_info(op->engine, node, attr, &info.FileInfo);
    info.NextOffset = view->off;
    uint32_t aligned = (uint32_t)FSP_FSCTL_DEFAULT_ALIGN_UP(info.Size);
    if (aligned > cap - op->st.dir.done)
        return false;
    __builtin_memcpy(out + op->st.dir.done, &info, sizeof info);
    op->st.dir.done += aligned;
    return true;
}

/* A READDIRPLUS entry the intake refused carries the root's nodeid from then on: no entry
   can be the root, so the listing (this call's or a later one's, from the kept reply)
   knows to skip it. */
#define WF_DIR_REFUSED FUSE_ROOT_ID

/* The file system counted a lookup for every READDIRPLUS entry with a nodeid except "."
   and "..", whether or not it will fit the caller's buffer: count them all now, each
   once, so that each is forgotten exactly once. A name no Windows name can carry is
   counted without caching it, and so is forgotten as soon as nothing uses its node. An
   entry the intake refuses (entry.h: the root, a bad type, the directory itself, a node
   cached as another type) is counted as a bad reply, given back and not listed, as the
   Linux client drops it and goes on with the listing. */
static void count_plus_entries(wf_op *op, const wf_node *dir)
{
    wf_engine *engine = op->engine;
    uint64_t now_ms = wf_engine_now(engine);
    wf_dirent view;
    wf_node *node;

    for (op->st.dir.pos = 0; op->st.dir.pos < op->st.dir.end &&
            wf_dirent_at(op->dirbuf, op->st.dir.pos, op->st.dir.end, true, &view);
            op->st.dir.pos += view.reclen) {
        if (!view.entry->nodeid || wf_name_is_dot_or_dotdot(view.name, view.namelen))
            continue;
        bool named = name_is_valid(&view);
        NTSTATUS status = wf_entry_take_at(engine, dir, named ? view.name : NULL,
            view.namelen, view.entry, 0, now_ms, &node);
        if (NT_SUCCESS(status)) {
            wf_cache_release(engine->cache, node);
        } else if (status == STATUS_IO_DEVICE_ERROR) {
            uint64_t refused = WF_DIR_REFUSED;
            wf_mem_copy(op->dirbuf + op->st.dir.pos + offsetof(struct fuse_entry_out, nodeid),
                &refused, sizeof refused);
        }
    }
    op->st.dir.pos = 0;
}

/* The end-of-directory mark: a record of size 0, when there is room for it. */
static void add_end_mark(wf_op *op)
{
    uint8_t *out = (uint8_t *)(uintptr_t)op->req->Req.QueryDirectory.Address;
    if (op->req->Req.QueryDirectory.Length - op->st.dir.done >= sizeof(uint16_t)) {
        wf_mem_set(out + op->st.dir.done, 0, sizeof(uint16_t));
        op->st.dir.done += sizeof(uint16_t);
    }
}

/* Keeps the unlisted rest of the reply on the handle (its READDIRPLUS lookups are
   already counted and cached). */
static void save_entries(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;
    wf_lock_acquire(engine->lock);
    wf_mem_free(file->dirbuf);
    file->dirbuf = op->dirbuf;
    file->dirbuf_size = op->dirbuf_size;
    file->dir_pos = op->st.dir.pos;
    file->dir_end = op->st.dir.end;
    /* The caller resumes at the last record it was given, not after the entries
       skipped since: those are skipped again from pos. */
    file->dir_resume = op->st.dir.marker;
    wf_lock_release(engine->lock);
    op->dirbuf = NULL;
}

/* Takes the handle's kept entries when this call resumes exactly where they start;
   anything else drops them. Returns whether it took them. */
static bool take_saved_entries(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;
    uint8_t *stale = NULL;
    bool taken = false;
    wf_lock_acquire(engine->lock);
    if (file->dirbuf && op->st.dir.offset == file->dir_resume && op->st.dir.offset != 0) {
        op->dirbuf = file->dirbuf;
        op->dirbuf_size = file->dirbuf_size;
        op->st.dir.pos = file->dir_pos;
        op->st.dir.end = file->dir_end;
        taken = true;
    } else {
        stale = file->dirbuf;
    }
    file->dirbuf = NULL;
    wf_lock_release(engine->lock);
    wf_mem_free(stale);
    return taken;
}

/* OPENDIR for a directory handle that has no FUSE handle yet (listing, emptiness probe). */
wf_step wf_dir_open(wf_op *op, wf_file *file)
{
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (file->has_fh || wf_engine_enosys(op->engine, FUSE_OPENDIR))
        WF_CORO_RETURN(op);
    wf_open_call(op, file);
    WF_AWAIT_REPLY(op);
    op->status = wf_open_reply(op, file);

    WF_CORO_END(op);
}

/* One READDIR(PLUS) description for the listing, op_delete.c's probe and walk.c's scan. */
void wf_dir_read_call(wf_op *op, bool plus, uint64_t nodeid, uint64_t fh, uint64_t offset)
{
    wf_mem_set(&op->u.read.in, 0, sizeof op->u.read.in);
    op->u.read.in.fh = fh;
    op->u.read.in.offset = offset;
    op->u.read.in.size = op->dirbuf_size;
    wf_call_begin(op, plus ? FUSE_READDIRPLUS : FUSE_READDIR, nodeid);
    wf_call_in(op, &op->u.read.in, sizeof op->u.read.in);
    wf_call_out(op, op->dirbuf, op->dirbuf_size);
    op->call.out_variable = true;
}

/* The marker: where the listing resumes (a READDIR offset), or a bad parameter. */
static NTSTATUS dir_marker(wf_op *op)
{
    const FSP_FSCTL_TRANSACT_BUF *marker = &op->req->Req.QueryDirectory.Marker;
    uint32_t buffer_size = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);

    op->st.dir.offset = 0;
    if (marker->Size == 0)
        return STATUS_SUCCESS;
    if ((marker->Size == sizeof(uint64_t) ||
            /* WinFsp's FSD sends the offset followed by a NUL WCHAR, as for names. */
            marker->Size == sizeof(uint64_t) + sizeof(uint16_t)) &&
        (uint32_t)marker->Offset + marker->Size <= buffer_size) {
        wf_mem_copy(&op->st.dir.offset, op->req->Buffer + marker->Offset, sizeof(uint64_t));
        return STATUS_SUCCESS;
    }
    return STATUS_INVALID_PARAMETER;
}

/* The reply buffer: the rest of the previous reply when this call resumes where the last
   one stopped (st.dir.saved), else a new one big enough for a whole buffer of records
   (what does not fit is kept). */
static NTSTATUS dir_buffer(wf_op *op, wf_file *file)
{
    op->st.dir.saved = take_saved_entries(op, file);
    if (op->st.dir.saved)
        return STATUS_SUCCESS;
    op->dirbuf_size = op->req->Req.QueryDirectory.Length;
    if (op->dirbuf_size < WF_DIR_BUFFER_MIN)
        op->dirbuf_size = WF_DIR_BUFFER_MIN;
    if (op->dirbuf_size > op->engine->read_size)
        op->dirbuf_size = op->engine->read_size;
    op->dirbuf = wf_mem_alloc(op->dirbuf_size);
    return op->dirbuf ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* Where the listing goes after an entry (st.dir.next). */
enum {
    WF_DIR_MORE,        /* on with the next record (or the next READDIR) */
    WF_DIR_FULL,        /* stop: what is listed is the answer */
    WF_DIR_FAILED,      /* stop: op->status is the answer */
    WF_DIR_ENDED,       /* stop: the directory ends here */
};

/* The READDIR offset a marker resumes at: after the engine's "." or "..", the start. */
static uint64_t dir_fs_offset(uint64_t marker)
{
    return marker >= WF_DIR_AFTER_DOTDOT ? 0 : marker;
}

/* The record at st.dir.pos is done with (listed or skipped). */
static void dir_step(wf_op *op, const wf_dirent *view)
{
    op->st.dir.pos += view->reclen;
    op->st.dir.offset = view->off;
}

/* The listing cannot go on: what is listed so far stands (the error comes with the next
   call), else status is the answer. The engine's "." and ".." alone do not stand: the
   file system's error is the answer, as when they were its own. */
static void dir_stop(wf_op *op, NTSTATUS status)
{
    op->st.dir.next = op->st.dir.done > op->st.dir.dots ? WF_DIR_FULL : WF_DIR_FAILED;
    op->status = status;
}

/* "." and ".." as the cache knows them; attributes never fetched (the root's, typically)
   say only that it is a directory. */
static void dot_attr(wf_op *op, const wf_file *file, const wf_dirent *view,
    struct fuse_attr *attr)
{
    const wf_node *which = view->namelen == 2 && file->parent ? file->parent : file->node;
    wf_cache_get_attr(op->engine->cache, which, attr, 0);
    if (!WF_S_ISDIR(attr->mode)) {
        wf_mem_set(attr, 0, sizeof *attr);
        attr->mode = WF_S_IFDIR | 0755u;
        attr->ino = which->nodeid;
    }
}

/* An entry's name, for a LOOKUP or a link probe. */
static void dir_entry_name(wf_op *op, const wf_dirent *view)
{
    wf_mem_copy(op->name, view->name, view->namelen);
    op->name[view->namelen] = 0;
    op->name_len = view->namelen;
}

/* The attributes of the entry at st.dir.pos into op->attr: a READDIRPLUS entry's own, the
   cache's, else LOOKUP (a READDIR entry, or a READDIRPLUS one without a nodeid, which
   carries no attributes: libfuse's high-level API sends those). st.dir.next FAILED or
   FULL when the listing stops; the entry is stepped over when it is not to be listed. */
static wf_step dir_entry_attr(wf_op *op, const wf_file *file, bool plus)
{
    wf_engine *engine = op->engine;
    wf_dirent view;
    wf_node *node;
    bool valid;

    WF_CORO_BEGIN(op);

    wf_dirent_at(op->dirbuf, op->st.dir.pos, op->st.dir.end, plus, &view);
    op->st.dir.listed = false;
    if (plus && view.entry->nodeid == WF_DIR_REFUSED) {
        dir_step(op, &view);    /* refused by count_plus_entries (and counted there) */
        WF_CORO_RETURN(op);
    } else if (plus && view.entry->nodeid) {
        op->attr = view.entry->attr;    /* counted and cached by count_plus_entries */
    } else {
        node = wf_cache_lookup(engine->cache, file->node, view.name, view.namelen,
            wf_engine_now(op->engine));
        valid = node && wf_cache_get_attr(engine->cache, node, &op->attr,
            wf_engine_now(engine));
        wf_cache_release(engine->cache, node);
        if (!valid) {
            dir_entry_name(op, &view);
            wf_lookup_call(op, file->node->nodeid, op->name, op->name_len, &op->u.lookup.out);
            WF_AWAIT_REPLY(op);
            wf_dirent_at(op->dirbuf, op->st.dir.pos, op->st.dir.end, plus, &view);
            if (op->call.error || op->u.lookup.out.nodeid == 0) {
                /* Gone since READDIR (or unreadable): list it no more. Cancelled or gone:
                   the entry is not skipped, it comes with the next call. */
                if (wf_error_ends(op->call.error))
                    dir_stop(op, wf_op_errno_status(op));
                else
                    dir_step(op, &view);
                WF_CORO_RETURN(op);
            }
            if (wf_entry_take(engine, file->node, op->name, op->name_len, &op->u.lookup.out,
                    0, &node) == STATUS_IO_DEVICE_ERROR) {
                dir_step(op, &view);    /* refused (counted, given back): not listed */
                WF_CORO_RETURN(op);
            }
            wf_cache_release(engine->cache, node);
            op->attr = op->u.lookup.out.attr;
        }
    }
    op->st.dir.listed = true;

    WF_CORO_END(op);
}

/* The entry at st.dir.pos: its attributes, whether a symbolic link in it leads to a
   directory (found once per node: READLINK, and a LOOKUP per target component not
   cached), then its record; st.dir.next FULL when the caller's buffer is (the rest of the
   reply is kept), FAILED when the listing fails. */
static wf_step dir_entry(wf_op *op, wf_file *file, bool plus)
{
    wf_engine *engine = op->engine;
    wf_dirent view;
    const struct fuse_attr *attr;
    bool link_dir, listed;

    WF_CORO_BEGIN(op);

    if (!wf_dirent_at(op->dirbuf, op->st.dir.pos, op->st.dir.end, plus, &view)) {
        /* A malformed listing: keep what was valid, fail if that is nothing. */
        wf_engine_count_bad_reply(engine);
        dir_stop(op, STATUS_IO_DEVICE_ERROR);
        WF_CORO_RETURN(op);
    }
    if (view.off >= WF_DIR_AFTER_DOTDOT) {
        /* Its marker would be taken for the engine's own "." or "..": resuming there would
           start over, forever. */
        wf_engine_count_bad_reply(engine);
        op->st.dir.next = WF_DIR_ENDED;
        WF_CORO_RETURN(op);
    }
    if (wf_name_is_dot_or_dotdot(view.name, view.namelen)) {
        /* The engine lists "." and ".." itself, first (the root none, as on Windows). */
        dir_step(op, &view);
        WF_CORO_RETURN(op);
    }
    switch (put_name(op, &view)) {
    case WF_DIR_NAME_FULL:
        save_entries(op, file);
        op->st.dir.next = WF_DIR_FULL;
        WF_CORO_RETURN(op);
    case WF_DIR_NAME_BAD:
        /* '/', NUL, invalid UTF-8, a private-use character standing for a forbidden one. */
        wf_engine_count_bad_name(engine);
        dir_step(op, &view);
        WF_CORO_RETURN(op);
    default:
        break;
    }
    if (plus && view.entry->nodeid && view.entry->nodeid != WF_DIR_REFUSED) {
        /* Counted and cached by count_plus_entries: its attributes are read in the reply,
           not copied out (until a wait would lose the reply's place: below). */
        attr = &view.entry->attr;
    } else {
        WF_AWAIT_CALL(op, dir_entry_attr(op, file, plus));
        if (!op->st.dir.listed)
            WF_CORO_RETURN(op);
        wf_dirent_at(op->dirbuf, op->st.dir.pos, op->st.dir.end, plus, &view);
        attr = &op->attr;
    }

    if (WF_S_ISLNK(attr->mode)) {
        op->attr = *attr;
        op->node2 = wf_cache_lookup(engine->cache, file->node, view.name, view.namelen,
            wf_engine_now(op->engine));
        if (op->node2 && file->path && wf_link_needs_probe(engine, op->node2, op->attr.mode)) {
            dir_entry_name(op, &view);
            WF_AWAIT_CALL(op, wf_link_probe(op, op->node2,
                file->path, file->path_units, op->name, op->name_len));
            wf_dirent_at(op->dirbuf, op->st.dir.pos, op->st.dir.end, plus, &view);
        }
        attr = &op->attr;
    }
    link_dir = false;
    if (op->node2)
        link_dir = wf_link_is_dir(engine, op->node2, attr);
    else if (!engine->dosattrib_off)
        op->node2 = wf_cache_lookup(engine->cache, file->node, view.name, view.namelen,
            wf_engine_now(op->engine));
    listed = add_dir_info(op, &view, attr, link_dir, op->node2);
    if (op->node2) {
        wf_cache_release(engine->cache, op->node2);
        op->node2 = NULL;
    }
    if (!listed) {
        save_entries(op, file);
        op->st.dir.next = WF_DIR_FULL;
        WF_CORO_RETURN(op);
    }
    op->st.dir.marker = view.off;
    dir_step(op, &view);

    WF_CORO_END(op);
}

/* READDIR(PLUS) from st.dir.offset, unless a kept reply is there to list first. Leaves the
   reply in dirbuf[pos..end) (end == 0: the directory ends) or st.dir.next set. */
static wf_step dir_read(wf_op *op, wf_file *file, bool plus)
{
    WF_CORO_BEGIN(op);

    op->st.dir.asked = op->st.dir.offset;   /* u.read is gone once a LOOKUP goes out */
    if (op->st.dir.saved) {
        op->st.dir.saved = false;
        WF_CORO_RETURN(op);
    }
    wf_dir_read_call(op, plus, file->node->nodeid, file->fh, dir_fs_offset(op->st.dir.offset));
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        dir_stop(op, wf_op_errno_status(op));
        WF_CORO_RETURN(op);
    }
    op->st.dir.pos = 0;
    op->st.dir.end = op->call.out_size;
    if (plus)
        count_plus_entries(op, file->node);

    WF_CORO_END(op);
}

/* "." and ".." first, as NTFS lists them in every directory but the root, from the cache
   (no round trip): those the marker is not past yet. st.dir.next FULL when the caller's
   buffer is. */
static void dir_dots(wf_op *op, const wf_file *file)
{
    static const uint64_t after[2] = { WF_DIR_AFTER_DOT, WF_DIR_AFTER_DOTDOT };
    uint32_t i = op->st.dir.offset == 0 ? 0 : op->st.dir.offset == WF_DIR_AFTER_DOT ? 1 : 2;

    if (file->node->nodeid == FUSE_ROOT_ID)
        return;
    for (; i < 2; i++) {
        wf_dirent view = { .off = after[i], .name = "..", .namelen = i + 1 };
        dot_attr(op, file, &view, &op->attr);
        if (put_name(op, &view) != WF_DIR_NAME_PUT ||
            !add_dir_info(op, &view, &op->attr, false, NULL)) {
            op->st.dir.next = WF_DIR_FULL;
            return;
        }
        op->st.dir.offset = op->st.dir.marker = after[i];
    }
}

wf_step wf_op_query_directory(wf_op *op)
{
    wf_file *file = wf_op_file(op->req->Req.QueryDirectory.UserContext2);
    bool plus = op->engine->flags & FUSE_DO_READDIRPLUS;

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    op->status = file->is_directory ? dir_marker(op) : STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->st.dir.done = 0;
    /* A handle opened without FILE_LIST_DIRECTORY opens its FUSE handle now. */
    WF_AWAIT_CALL(op, wf_dir_open(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->status = dir_buffer(op, file);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    op->st.dir.next = WF_DIR_MORE;
    op->st.dir.marker = op->st.dir.offset;
    dir_dots(op, file);
    op->st.dir.dots = op->st.dir.done;
    while (op->st.dir.next == WF_DIR_MORE) {
        WF_AWAIT_CALL(op, dir_read(op, file, plus));
        if (op->st.dir.next != WF_DIR_MORE)
            break;
        if (op->st.dir.end == 0) {
            add_end_mark(op);
            break;
        }
        while (op->st.dir.next == WF_DIR_MORE && op->st.dir.pos < op->st.dir.end)
            WF_AWAIT_CALL(op, dir_entry(op, file, plus));
        if (op->st.dir.next == WF_DIR_MORE && op->st.dir.offset == op->st.dir.asked) {
            /* Offsets that do not advance would bring the same reply forever: the
               listing ends here. */
            wf_engine_count_bad_reply(op->engine);
            add_end_mark(op);
            break;
        }
    }
    if (op->st.dir.next == WF_DIR_FAILED)
        WF_CORO_RETURN(op);
    if (op->st.dir.next == WF_DIR_ENDED)
        add_end_mark(op);
    op->status = STATUS_SUCCESS;
    op->rsp->IoStatus.Information = op->st.dir.done;

    WF_CORO_END(op);
}
