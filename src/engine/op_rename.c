/* op_rename.c — SetInformation Rename (the target looked up, then RENAME2 with
   RENAME_NOREPLACE or a checked RENAME) and Link (LINK), with the answers NTFS gives. */
#include "engine/engine_internal.h"
#include "engine/entry.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

/* renameat2(2) flag, Linux value: fail with EEXIST rather than replace. */
#define WF_RENAME_NOREPLACE 1u

/* op->st.rename.target: the nodeid of the existing target, 0 when it is absent or not known yet.
   op->st.rename.flags: these bits. */
#define WF_TARGET_KNOWN     1u  /* target and op->attr say whether the target exists */
#define WF_RENAME2_EINVAL   2u  /* RENAME2 answered EINVAL: perhaps only its flag is refused */
#define WF_LINK_SAME_INODE  4u  /* a replaced target has the source's inode number */
/* A replacing link's temporary names tried so far, in the bits above these. */
#define WF_LINK_ROUND_SHIFT 8u
/* Temporary names a replacing link tries before giving up (another one is there each time). */
#define WF_LINK_TEMP_ROUNDS 4u

static bool replace_if_exists(const wf_op *op)
{
    if (op->req->Req.SetInformation.FileInformationClass == FileRenameInformationEx)
        return op->req->Req.SetInformation.Info.RenameEx.Flags & FILE_RENAME_REPLACE_IF_EXISTS;
    return op->req->Req.SetInformation.Info.Rename.AccessToken != 0;
}

static bool ignore_readonly(const wf_op *op)
{
    return op->req->Req.SetInformation.FileInformationClass == FileRenameInformationEx &&
        (op->req->Req.SetInformation.Info.RenameEx.Flags & FILE_RENAME_IGNORE_READONLY_ATTRIBUTE);
}

/* The target (op->node, op->name) from a fresh cache entry with fresh attributes, if any:
   the cache holds only names that exist, so a miss leaves the target unknown. */
static void target_from_cache(wf_op *op)
{
    wf_cache *cache = op->engine->cache;
    uint64_t now = wf_engine_now(op->engine);
    size_t stored_len = op->name_len;
    bool caseless = op->engine->params.case_insensitive;
    wf_node *cached;

    if (caseless && !wf_fold_get(op))
        return;     /* unknown: target_lookup asks */
    cached = caseless ? wf_cache_lookup_stored(cache, op->node, op->name, op->name_len, now,
            op->fold->name, WF_NAME_MAX, &stored_len) :
        wf_cache_lookup(cache, op->node, op->name, op->name_len, now);
    if (!cached)
        return;
    /* Only the name as given: on a case-insensitive volume the entry may be another
       spelling, which target_lookup sorts out. */
    if ((!caseless || (stored_len == op->name_len &&
            wf_mem_compare(op->fold->name, op->name, stored_len) == 0)) &&
        wf_cache_get_attr(cache, cached, &op->attr, now)) {
        op->st.rename.target = cached->nodeid;
        op->st.rename.flags |= WF_TARGET_KNOWN;
    }
    wf_cache_release(cache, cached);
}

/* Makes the target known: LOOKUP unless the cache answered. Nested coroutine. */
static wf_step target_lookup(wf_op *op)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (op->st.rename.flags & WF_TARGET_KNOWN)
        WF_CORO_RETURN(op);

    /* On a case-insensitive volume, a name in another case finds its file (walk.c). */
    WF_AWAIT_CALL(op, wf_lookup(op));

    op->st.rename.target = 0;
    op->st.rename.flags |= WF_TARGET_KNOWN;
    {
        /* A LOOKUP reply counts one lookup: it goes into the cache like any other. The
           parent was walked to, so ENOTDIR is the file system's own answer here. */
        wf_node *target;
        op->status = op->call.error == WF_ENOTDIR ? wf_op_errno_status(op) :
            wf_lookup_take(op, &target);
        if (op->status == STATUS_OBJECT_NAME_NOT_FOUND) {
            op->status = STATUS_SUCCESS;
            WF_CORO_RETURN(op);     /* absent */
        }
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        op->st.rename.target = target->nodeid;
        wf_cache_release(engine->cache, target);
    }
    op->attr = op->u.lookup.out.attr;

    WF_CORO_END(op);
}

/* What NTFS answers when the existing target (another file, attributes in op->attr) would
   be replaced [MS-FSA 2.1.5.15.11]: a collision unless asked to replace; never a directory
   nor, unless told to ignore it, a read-only file; and the caller must be allowed to delete
   it (access.c). A directory replacing a file, which NTFS allows, POSIX cannot: the VFS
   answers ENOTDIR before the file system hears of it (fuse2fs would do it), and so does
   the engine. */
static NTSTATUS replace_check(const wf_op *op, bool replace, bool may_replace_readonly,
    bool source_is_directory)
{
    if (!replace)
        return STATUS_OBJECT_NAME_COLLISION;
    if (WF_S_ISDIR(op->attr.mode))
        return STATUS_ACCESS_DENIED;
    if (source_is_directory)
        return STATUS_NOT_A_DIRECTORY;
    if (!may_replace_readonly &&
        (wf_mode_to_file_attributes(op->attr.mode) & FILE_ATTRIBUTE_READONLY))
        return STATUS_ACCESS_DENIED;
    return wf_access_replace(op);
}

/* The replaced node's link count changed, if it is still known. */
static void expire_replaced(wf_cache *cache, uint64_t nodeid)
{
    wf_node *replaced = wf_cache_find_node(cache, nodeid);
    if (replaced) {
        wf_cache_expire_attr(cache, replaced);
        wf_cache_release(cache, replaced);
    }
}

void wf_rename_call(wf_op *op, bool rename2, uint32_t flags, uint64_t olddir,
    const char *oldname, uint32_t oldname_len, uint64_t newdir, const char *newname,
    uint32_t newname_len)
{
    wf_mem_set(&op->u.rename.in, 0, sizeof op->u.rename.in);
    op->u.rename.in.newdir = newdir;
    op->u.rename.in.flags = flags;
    wf_call_begin(op, rename2 ? FUSE_RENAME2 : FUSE_RENAME, olddir);
    wf_call_in(op, &op->u.rename.in,
        rename2 ? sizeof op->u.rename.in : sizeof(struct fuse_rename_in));
    wf_call_in(op, oldname, oldname_len + 1);
    wf_call_in(op, newname, newname_len + 1);
}

/* The source: the handle's path, walked to its parent, its last component (as the file
   system stores it, on a case-insensitive volume) kept in node2 and name2. Nested. */
static wf_step walk_source(wf_op *op)
{
    WF_CORO_BEGIN(op);

    WF_AWAIT_CALL(op, wf_walk(op, true));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (op->name_len == 0) {
        op->status = STATUS_ACCESS_DENIED;      /* the root has no name to change */
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, wf_resolve_leaf(op));
    op->node2 = op->node;
    op->node = NULL;
    wf_cache_release(op->engine->cache, op->parent);
    op->parent = NULL;
    wf_mem_copy(op->name2, op->name, op->name_len + 1);
    op->name2_len = op->name_len;

    WF_CORO_END(op);
}

/* The new name (NewFileName), walked to its parent: a missing directory on the way is
   STATUS_OBJECT_PATH_NOT_FOUND, and a path with no last component names nothing. A
   directory moved to a place whose path passes through the directory itself is refused
   (the kernel's EINVAL from lock_rename, before the file system is asked: fuse2fs hangs on
   it); source is 0 for a link. op->status. Nested. */
static wf_step walk_target(wf_op *op, uint64_t source)
{
    WF_CORO_BEGIN(op);

    op->walk_avoid = source;
    WF_AWAIT_CALL(op, wf_walk_buf(op, &op->req->Req.SetInformation.Info.Rename.NewFileName, true));
    op->walk_avoid = 0;
    if (NT_SUCCESS(op->status) && op->name_len == 0)
        op->status = STATUS_OBJECT_NAME_INVALID;
    else if (NT_SUCCESS(op->status) && op->walk_met)
        op->status = STATUS_INVALID_PARAMETER;

    WF_CORO_END(op);
}

/* The caller may add to the target directory (and, for a rename, move a directory out of
   its own; for a link, link the file); then what the cache knows of the target.
   op->status. Nested. */
static wf_step target_access(wf_op *op, const wf_file *file, bool link)
{
    WF_CORO_BEGIN(op);

    WF_AWAIT_CALL(op, wf_access_rename(op, file, link));
    if (NT_SUCCESS(op->status))
        target_from_cache(op);

    WF_CORO_END(op);
}

/* The file system renamed: both names are forgotten (the next lookup finds the node again
   under its new name; nodeids survive renames, so the handle keeps its node), and what the
   rename changed is asked again: both parents' times, the node's ctime, a replaced node's
   link count. */
static void rename_done(wf_op *op, const wf_file *file)
{
    wf_cache *cache = op->engine->cache;
    wf_cache_drop_entry(cache, op->node2, op->name2, op->name2_len);
    wf_cache_drop_entry(cache, op->node, op->name, op->name_len);
    wf_cache_expire_attr(cache, op->node2);
    wf_cache_expire_attr(cache, op->node);
    wf_cache_expire_attr(cache, file->node);
    if (op->st.rename.target && op->st.rename.target != file->node->nodeid)
        expire_replaced(cache, op->st.rename.target);
    op->status = STATUS_SUCCESS;
}

wf_step wf_setinfo_rename(wf_op *op)
{
    wf_engine *engine = op->engine;
    /* Taken from the request at every resumption: no local survives a round trip. */
    wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);
    bool replace = replace_if_exists(op);

    WF_CORO_BEGIN(op);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op);
    }
    if (wf_entry_node_bad(op->engine, file->node)) {
        op->status = STATUS_IO_DEVICE_ERROR;   /* the file system lied about its type */
        WF_CORO_RETURN(op);
    }
    op->st.rename.target = 0;
    op->st.rename.flags = 0;

    WF_AWAIT_CALL(op, walk_source(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    /* The target, walked to its parent. */
    WF_AWAIT_CALL(op, walk_target(op, file->is_directory ? file->node->nodeid : 0));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    /* A name renamed onto itself: nothing to do, as NTFS says at once. */
    if (op->node == op->node2 && op->name_len == op->name2_len &&
        wf_mem_compare(op->name, op->name2, op->name_len) == 0) {
        op->status = STATUS_SUCCESS;
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, target_access(op, file, false));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    /* The target, known before anything is renamed (from the cache, else LOOKUP), as the
       kernel's do_renameat2 looks it up: an existing name is refused here, so that a file
       system that ignores RENAME_NOREPLACE (fuse2fs-like ones trust the VFS) never replaces
       a file the caller did not ask to replace. */
    WF_AWAIT_CALL(op, target_lookup(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* A case-only rename (the target found in another case is the source itself): the new
       name is the spelling asked for. */
    if (op->name_folded && op->st.rename.target == file->node->nodeid)
        wf_lookup_unfold(op);
    if (op->st.rename.target && op->st.rename.target != file->node->nodeid) {
        op->status = replace_check(op, replace, ignore_readonly(op), file->is_directory);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
    }

    /* An absent target, not to be replaced: RENAME2 with RENAME_NOREPLACE, so that a name
       made meanwhile by another client of the file system is not replaced either. RENAME2
       came with protocol 7.23; older file systems do not know the opcode. Not on a
       case-insensitive volume: there the flag cannot see a name in another case. */
    if (!op->st.rename.target && !replace && engine->minor >= 23 &&
        !engine->params.case_insensitive && !wf_engine_enosys(engine, FUSE_RENAME2)) {
        wf_rename_call(op, true, WF_RENAME_NOREPLACE, op->node2->nodeid, op->name2,
            op->name2_len, op->node->nodeid, op->name, op->name_len);
        WF_AWAIT_REPLY(op);

        if (!op->call.error) {
            rename_done(op, file);
            WF_CORO_RETURN(op);
        }
        /* ENOSYS (now remembered): no RENAME2 at all. EINVAL: file systems that take no
           rename flags (libfuse's passthrough_ll) say so — or the move itself is refused
           (the subtree rule is the engine's, above, but a file system may have others),
           which the plain RENAME below reports again. Anything else, EEXIST (the name
           appeared since the LOOKUP: a collision) included, is the answer. */
        if (op->call.error == WF_EINVAL) {
            op->st.rename.flags |= WF_RENAME2_EINVAL;
        } else if (op->call.error != WF_ENOSYS) {
            op->status = wf_op_errno_status(op);
            WF_CORO_RETURN(op);
        }
    }

    /* The checked RENAME: the target is absent, or replaced as NTFS would (checked above),
       or the source's own node (another hard link, or the same entry on a case-insensitive
       file system), renamed onto as POSIX does it: never by unlinking a name, which on a
       case-insensitive file system would delete the file. */
    wf_rename_call(op, false, 0, op->node2->nodeid, op->name2,
        op->name2_len, op->node->nodeid, op->name, op->name_len);
    WF_AWAIT_REPLY(op);

    if (op->call.error) {
        op->status = wf_op_errno_status(op);
        WF_CORO_RETURN(op);
    }
    /* The same names renamed without the flag: RENAME2's EINVAL was about the flag, so
       the checked RENAME is the way from now on. */
    if (op->st.rename.flags & WF_RENAME2_EINVAL)
        wf_engine_note_enosys(engine, FUSE_RENAME2);
    rename_done(op, file);

    WF_CORO_END(op);
}

/* LINK of the handle's file as name in op->node; the reply into op->u.link.out. */
static void link_call(wf_op *op, const wf_file *file, const char *name, uint32_t name_len)
{
    wf_mem_set(&op->u.link.in, 0, sizeof op->u.link.in);
    op->u.link.in.oldnodeid = file->node->nodeid;
    wf_call_begin(op, FUSE_LINK, op->node->nodeid);
    wf_call_in(op, &op->u.link.in, sizeof op->u.link.in);
    wf_call_in(op, name, name_len + 1);
    wf_call_out(op, &op->u.link.out, sizeof op->u.link.out);
}

/* The LINK reply for name in op->node, through the intake: the new name must be a node of
   the source's type (as the Linux client checks); its nodeid may differ (libfuse's
   path-based API numbers names, not inodes). *linked is referenced, or NULL when out of
   memory, which only costs the cache: the link is made (STATUS_SUCCESS then). */
static NTSTATUS link_take(wf_op *op, const wf_file *file, const char *name, uint32_t name_len,
    wf_node **linked)
{
    wf_engine *engine = op->engine;
    struct fuse_attr source;
    NTSTATUS status;

    wf_cache_get_attr(engine->cache, file->node, &source, 0);
    status = wf_entry_take(engine, op->node, name, name_len, &op->u.link.out,
        source.mode & WF_S_IFMT, linked);
    if (status == STATUS_INSUFFICIENT_RESOURCES) {
        *linked = NULL;
        status = STATUS_SUCCESS;
    }
    return status;
}

/* A hidden name beside the target, unique to the source: ".wf-link-<nodeid>-<round>", in
   op->name2 (which a link does not use otherwise). */
static void link_temp_name(wf_op *op, uint64_t nodeid, uint32_t round)
{
    static const char prefix[] = ".wf-link-";
    static const char hex[] = "0123456789abcdef";
    char *name = op->name2;
    uint32_t n = sizeof prefix - 1;
    wf_mem_copy(name, prefix, n);
    for (int shift = 60; shift >= 0; shift -= 4)
        name[n++] = hex[(nodeid >> shift) & 0xf];
    name[n++] = '-';
    name[n++] = (char)('0' + round % 10);
    name[n] = '\0';
    op->name2_len = n;
}

/* Takes the temporary name away again (best effort; op->status, the error that stopped the
   link, stays the answer). Nested. */
static wf_step link_temp_remove(wf_op *op, const wf_file *file)
{
    WF_CORO_BEGIN(op);

    wf_call_begin(op, FUSE_UNLINK, op->node->nodeid);
    wf_call_in(op, op->name2, op->name2_len + 1);
    WF_AWAIT_REPLY(op);
    wf_cache_drop_entry(op->engine->cache, op->node, op->name2,
        op->name2_len);
    wf_cache_expire_attr(op->engine->cache, op->node);
    wf_cache_expire_attr(op->engine->cache, file->node);    /* its link count */

    WF_CORO_END(op);
}

/* The link made under a free temporary name in the target's directory (op->node2 the node
   the reply named, referenced, or NULL; op->attr its attributes). The name is known to be
   free before LINK goes out, as the kernel's lookup makes it known (fuse2fs would add a
   second entry); one may be left by an interrupted change, and another link may take it
   meanwhile (EEXIST): the next round's name then. op->status. Nested. */
static wf_step link_make_temp(wf_op *op, const wf_file *file)
{
    wf_engine *engine = op->engine;
    /* Read again at each resumption, as every local is. */
    uint32_t rounds = op->st.rename.flags >> WF_LINK_ROUND_SHIFT;
    wf_node *taken;

    WF_CORO_BEGIN(op);

    for (;;) {
        link_temp_name(op, file->node->nodeid, rounds);
        /* A name there counted a lookup: it goes into the cache like any other, through
           the intake (nodeid 0 is "no entry": the name is free). */
        wf_lookup_call(op, op->node->nodeid, op->name2, op->name2_len,
            &op->u.lookup.out);
        WF_AWAIT_REPLY(op);
        op->status = op->call.error == WF_ENOENT ? STATUS_OBJECT_NAME_NOT_FOUND :
            op->call.error ? wf_op_errno_status(op) :
            wf_entry_take(engine, op->node, op->name2, op->name2_len,
                &op->u.lookup.out, 0, &taken);
        if (NT_SUCCESS(op->status))
            wf_cache_release(engine->cache, taken);
        else if (op->status != STATUS_OBJECT_NAME_NOT_FOUND)
            WF_CORO_RETURN(op);
        else {
            link_call(op, file, op->name2, op->name2_len);
            WF_AWAIT_REPLY(op);
            if (!op->call.error)
                break;
            /* ENOSYS (no LINK at all), EMLINK, EPERM, ENOSPC...: nothing was touched. */
            if (op->call.error != WF_EEXIST) {
                op->status = wf_op_errno_status(op);
                WF_CORO_RETURN(op);
            }
        }
        if (++rounds >= WF_LINK_TEMP_ROUNDS) {
            op->status = STATUS_OBJECT_NAME_COLLISION;
            WF_CORO_RETURN(op);
        }
        op->st.rename.flags = (op->st.rename.flags & ((1u << WF_LINK_ROUND_SHIFT) - 1)) |
            (rounds << WF_LINK_ROUND_SHIFT);
    }
    /* Something is linked under the temporary name, whatever the reply says of it: a reply
       the intake refuses (a bad type, nodeid 0, the root) is undone like a failed RENAME. */
    op->status = link_take(op, file, op->name2, op->name2_len, &op->node2);
    if (!NT_SUCCESS(op->status)) {
        WF_AWAIT_CALL(op, link_temp_remove(op, file));
        WF_CORO_RETURN(op);
    }
    op->attr = op->u.link.out.attr;

    WF_CORO_END(op);
}

/* A link replacing an existing file (checked), made as a careful POSIX program replaces a
   name by a link: LINK to a temporary name beside the target, then RENAME of it over the
   target, which replaces the target at once. FUSE has no replacing LINK, and an UNLINK
   first would lose the target whenever the LINK then fails (no LINK at all, EMLINK,
   ENOSPC): here a failed LINK touches nothing, and a failed RENAME takes the temporary name
   away again and is the answer. Nested. */
static wf_step link_replace(wf_op *op, wf_file *file)
{
    wf_engine *engine = op->engine;
    struct fuse_attr source;

    WF_CORO_BEGIN(op);

    /* Another link of the source's inode under another nodeid (a path-based file system):
       rename(2) between two links of one inode does nothing and leaves both names, so the
       temporary one goes after the RENAME. */
    (void)wf_cache_get_attr(engine->cache, file->node, &source, 0);
    if (source.ino != 0 && source.ino == op->attr.ino)
        op->st.rename.flags |= WF_LINK_SAME_INODE;

    WF_AWAIT_CALL(op, link_make_temp(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    wf_rename_call(op, false, 0, op->node->nodeid, op->name2,
        op->name2_len, op->node->nodeid, op->name, op->name_len);
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        op->status = wf_op_errno_status(op);
        WF_AWAIT_CALL(op, link_temp_remove(op, file));
        WF_CORO_RETURN(op);
    }
    /* Both names are forgotten: the next lookup of the target finds the linked node under
       it (the temporary's lookup stays counted on that node, given back with FORGET once
       nothing holds it). */
    wf_cache_drop_entry(engine->cache, op->node, op->name2, op->name2_len);
    wf_cache_drop_entry(engine->cache, op->node, op->name, op->name_len);
    wf_cache_expire_attr(engine->cache, op->node);
    if (op->node2 != file->node)
        wf_cache_expire_attr(engine->cache, file->node);    /* its link count */
    expire_replaced(engine->cache, op->st.rename.target);
    if (op->st.rename.flags & WF_LINK_SAME_INODE) {
        WF_AWAIT_CALL(op, link_temp_remove(op, file));
        if (op->attr.nlink > 1)
            op->attr.nlink--;       /* the LINK reply counted the temporary name */
    }
    wf_cache_release(engine->cache, op->node2);
    op->node2 = NULL;
    wf_op_file_info(&op->attr, &op->rsp->Rsp.SetInformation.FileInfo);
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

wf_step wf_setinfo_link(wf_op *op)
{
    wf_engine *engine = op->engine;
    wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);
    bool replace = op->req->Req.SetInformation.Info.Rename.AccessToken != 0;

    WF_CORO_BEGIN(op);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op);
    }
    if (wf_entry_node_bad(op->engine, file->node)) {
        op->status = STATUS_IO_DEVICE_ERROR;   /* the file system lied about its type */
        WF_CORO_RETURN(op);
    }
    /* NT has no hard links to directories [MS-FSA 2.1.5.15.6]. */
    if (file->is_directory) {
        op->status = STATUS_FILE_IS_A_DIRECTORY;
        WF_CORO_RETURN(op);
    }
    op->st.rename.target = 0;
    op->st.rename.flags = 0;

    WF_AWAIT_CALL(op, walk_target(op, 0));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, target_access(op, file, true));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* The target is known before LINK goes out, as the kernel's lookup makes it known:
       file systems leave the check to the VFS, and fuse2fs asked to link onto an existing
       name adds a second entry of that name. On a case-insensitive volume the LOOKUP looks
       in every case (a target found in another case is replaced under its stored name). */
    WF_AWAIT_CALL(op, target_lookup(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (!replace && op->st.rename.target) {
        op->status = STATUS_OBJECT_NAME_COLLISION;
        WF_CORO_RETURN(op);
    }
    if (op->st.rename.target == file->node->nodeid) {
        op->status = STATUS_SUCCESS;        /* already a name of this file */
        WF_CORO_RETURN(op);
    }
    if (op->st.rename.target) {
        op->status = replace_check(op, true, false, false);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        /* A file system known to have no LINK is not asked again. */
        if (wf_engine_enosys(engine, FUSE_LINK)) {
            op->status = STATUS_INVALID_DEVICE_REQUEST;
            WF_CORO_RETURN(op);
        }
        WF_AWAIT_CALL(op, link_replace(op, file));
        WF_CORO_RETURN(op);
    }

    link_call(op, file, op->name, op->name_len);
    WF_AWAIT_REPLY(op);

    if (op->call.error) {
        /* EEXIST is the collision, EMLINK STATUS_TOO_MANY_LINKS. */
        op->status = wf_op_errno_status(op);
        WF_CORO_RETURN(op);
    }
    {
        wf_node *linked;
        op->status = link_take(op, file, op->name, op->name_len, &linked);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        if (linked) {
            if (linked != file->node)
                wf_cache_expire_attr(engine->cache, file->node);   /* its link count */
            wf_cache_release(engine->cache, linked);
        }
        wf_cache_expire_attr(engine->cache, op->node);
        wf_op_file_info(&op->u.link.out.attr, &op->rsp->Rsp.SetInformation.FileInfo);
    }
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}
