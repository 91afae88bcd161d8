/* op_create.c — opening and creating: Create with every disposition (LOOKUP, CREATE or
   MKNOD+OPEN, MKDIR, OPEN/OPENDIR), Cleanup (FLUSH, as a POSIX close) and Close (RELEASE /
   RELEASEDIR). */
#include "engine/engine_internal.h"
#include "engine/entry.h"
#include "engine/link.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

#define WF_DATA_ACCESS (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE)

/* Linux open(2) flags (generic numbering, as FUSE carries them) and fallocate(2) mode. */
#define WF_O_CREAT              0100u
#define WF_O_EXCL               0200u
#define WF_FALLOC_FL_KEEP_SIZE  0x01u

/* A name that keeps turning up and vanishing again between LOOKUP and CREATE (or between
   LOOKUP and OPEN) is given up on after this many rounds. */
#define WF_CREATE_ROUNDS 4u

static uint32_t granted_access(const wf_op *op, bool created)
{
    uint32_t desired = op->req->Req.Create.DesiredAccess;
    /* MAXIMUM_ALLOWED: the creator of a file gets every right on it (as WinFsp grants);
       on an existing file opened without a caller identity (no access check: access.c
       grants what the mode allows when there is one), what any reader may do. The file
       system still decides at OPEN. */
    if (desired & MAXIMUM_ALLOWED)
        desired = (desired & ~MAXIMUM_ALLOWED) |
            (created ? FILE_ALL_ACCESS : FILE_GENERIC_READ | FILE_GENERIC_EXECUTE);
    return desired | op->req->Req.Create.GrantedAccess;
}

static uint32_t open_flags_for(uint32_t access)
{
    bool reads = access & (FILE_READ_DATA | FILE_EXECUTE);
    bool writes = access & (FILE_WRITE_DATA | FILE_APPEND_DATA);
    if (reads && writes)
        return WF_O_RDWR;
    return writes ? WF_O_WRONLY : WF_O_RDONLY;
}

static bool overwrites(uint32_t disposition)
{
    return disposition == FILE_OVERWRITE || disposition == FILE_OVERWRITE_IF ||
        disposition == FILE_SUPERSEDE;
}

/* The rights an open of an existing file needs beyond what was asked: replacing the data
   needs FILE_WRITE_DATA, superseding DELETE (MS-FSA 2.1.5.1.2, as WinFsp checks them). */
static uint32_t implied_access(uint32_t disposition)
{
    if (disposition == FILE_SUPERSEDE)
        return DELETE;
    return overwrites(disposition) ? FILE_WRITE_DATA : 0;
}

static uint32_t create_disposition(const wf_op *op)
{
    return op->req->Req.Create.CreateOptions >> 24;
}

static uint32_t create_options(const wf_op *op)
{
    return op->req->Req.Create.CreateOptions & FILE_VALID_OPTION_FLAGS;
}

/* Steps the op's (node, parent) pair one level down to child (referenced). */
static void move_down(wf_op *op, wf_node *child)
{
    wf_cache_release(op->engine->cache, op->parent);
    op->parent = op->node;
    op->node = child;
}

/* Back from a leaf that vanished to its parent; the grandparent is not needed again
   (the target is now a new child of op->node). */
static void move_up(wf_op *op)
{
    wf_cache_release(op->engine->cache, op->node);
    op->node = op->parent;
    op->parent = NULL;
}

/* The mode a new file or directory gets: what the caller's umask leaves (Windows callers
   have none: the host's stands in); FILE_ATTRIBUTE_READONLY is the absence of write bits
   for files, and means nothing for directories on NT. */
static uint32_t new_mode(const wf_op *op, bool directory)
{
    uint32_t mode = (directory ? 0777u : 0666u) & ~op->engine->params.umask;
    /* A security descriptor's DACL gives the mode exactly, with no umask. */
    wf_access_sd_mode(op, &mode);
    if (!directory && (op->req->Req.Create.FileAttributes & FILE_ATTRIBUTE_READONLY))
        mode &= ~0222u;
    return mode;
}

/* The umask sent with a new file: none when its mode came from a security descriptor. */
static uint32_t new_umask(const wf_op *op)
{
    return op->st.create.sd_mode_set ? 0 : op->engine->params.umask;
}

/* Describes CREATE, MKNOD or MKDIR of op->name in op->node (the parent). */
static void create_call(wf_op *op, uint32_t opcode)
{
    bool directory = opcode == FUSE_MKDIR;
    uint32_t mode = new_mode(op, directory);

    wf_call_begin(op, opcode, op->node->nodeid);
    switch (opcode) {
    case FUSE_CREATE:
        wf_mem_set(&op->u.create.in, 0, sizeof op->u.create.in);
        op->u.create.in.flags = WF_O_CREAT | WF_O_EXCL | op->file->open_flags;
        op->u.create.in.mode = WF_S_IFREG | mode;
        op->u.create.in.umask = new_umask(op);
        wf_call_in(op, &op->u.create.in, sizeof op->u.create.in);
        wf_call_out(op, &op->u.create.entry, sizeof op->u.create.entry);
        wf_call_out(op, &op->u.create.open, sizeof op->u.create.open);
        break;
    case FUSE_MKNOD:
        wf_mem_set(&op->u.mknod.in, 0, sizeof op->u.mknod.in);
        op->u.mknod.in.mode = WF_S_IFREG | mode;
        op->u.mknod.in.umask = new_umask(op);
        wf_call_in(op, &op->u.mknod.in, sizeof op->u.mknod.in);
        wf_call_out(op, &op->u.mknod.out, sizeof op->u.mknod.out);
        break;
    default:
        wf_mem_set(&op->u.mkdir.in, 0, sizeof op->u.mkdir.in);
        op->u.mkdir.in.mode = mode;
        op->u.mkdir.in.umask = new_umask(op);
        wf_call_in(op, &op->u.mkdir.in, sizeof op->u.mkdir.in);
        wf_call_out(op, &op->u.mkdir.out, sizeof op->u.mkdir.out);
        break;
    }
    wf_call_in(op, op->name, op->name_len + 1);
}

/* Records the entry a CREATE/MKNOD/MKDIR answered and steps down to it; the intake refuses
   one of another type than made (its lookup given back). */
static NTSTATUS take_created(wf_op *op, const struct fuse_entry_out *entry, bool directory)
{
    wf_engine *engine = op->engine;
    wf_node *child;

    /* The parent's times and link count changed. */
    wf_cache_expire_attr(engine->cache, op->node);
    NTSTATUS status = wf_entry_take(engine, op->node, op->name, op->name_len, entry,
        directory ? WF_S_IFDIR : WF_S_IFREG, &child);
    if (!NT_SUCCESS(status))
        return status;
    move_down(op, child);
    op->attr = entry->attr;
    op->attr_fresh = true;
    return STATUS_SUCCESS;
}

/* The directory's stored READONLY (user.DOSATTRIB), when known for op->attr. */
static bool dir_readonly(const wf_op *op)
{
    uint32_t attributes;
    uint64_t creation;
    return wf_dos_known(op->engine, op->node, &op->attr, &attributes, &creation) == 2 &&
        (attributes & FILE_ATTRIBUTE_READONLY);
}

/* What an existing target answers before it is opened: type rules (MS-FSA 2.1.5.1
   phase 7 and 2.1.5.1.2) and the read-only attribute (2.1.5.1.2.1). */
static NTSTATUS check_existing(const wf_op *op)
{
    uint32_t disposition = create_disposition(op);
    uint32_t options = create_options(op);
    bool directory = WF_S_ISDIR(op->attr.mode) ||
        wf_link_is_dir(op->engine, op->node, &op->attr);
    bool readonly = wf_mode_to_file_attributes(op->attr.mode) & FILE_ATTRIBUTE_READONLY;

    if (directory) {
        if (options & FILE_NON_DIRECTORY_FILE)
            return STATUS_FILE_IS_A_DIRECTORY;
        /* Existing directories are opened, never created over or replaced. */
        if (disposition != FILE_OPEN && disposition != FILE_OPEN_IF)
            return STATUS_OBJECT_NAME_COLLISION;
    } else {
        if (disposition == FILE_CREATE)
            return STATUS_OBJECT_NAME_COLLISION;
        if (options & FILE_DIRECTORY_FILE)
            return STATUS_NOT_A_DIRECTORY;
        if (op->req->Req.Create.HasTrailingBackslash)
            return STATUS_OBJECT_NAME_INVALID;
        /* A link or special file opened itself has no data to replace (link.c). */
        if (wf_mode_to_reparse_tag(op->attr.mode) && overwrites(disposition))
            return STATUS_ACCESS_DENIED;
    }
    /* A directory's READONLY (stored, dos.c) forbids deleting it, not adding to it. */
    if (op->req->Req.Create.UserMode && directory && (options & FILE_DELETE_ON_CLOSE) &&
            WF_S_ISDIR(op->attr.mode) && dir_readonly(op))
        return STATUS_CANNOT_DELETE;
    if (op->req->Req.Create.UserMode && readonly) {
        if (options & FILE_DELETE_ON_CLOSE)
            return STATUS_CANNOT_DELETE;
        if ((op->req->Req.Create.DesiredAccess | implied_access(disposition)) &
                (FILE_WRITE_DATA | FILE_APPEND_DATA))
            return STATUS_ACCESS_DENIED;
    }
    return STATUS_SUCCESS;
}

/* What a name that does not exist answers before anything is created. */
static NTSTATUS check_absent(const wf_op *op)
{
    uint32_t disposition = create_disposition(op);
    uint32_t options = create_options(op);

    if (disposition == FILE_OPEN || disposition == FILE_OVERWRITE)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (op->req->Req.Create.HasTrailingBackslash && !(options & FILE_DIRECTORY_FILE))
        return STATUS_OBJECT_NAME_INVALID;
    if ((op->req->Req.Create.FileAttributes & FILE_ATTRIBUTE_READONLY) &&
        !(options & FILE_DIRECTORY_FILE) && (options & FILE_DELETE_ON_CLOSE))
        return STATUS_CANNOT_DELETE;
    return STATUS_SUCCESS;
}

/* CREATE/MKNOD/MKDIR answered: EEXIST means another creator won the race. */
static NTSTATUS create_error(const wf_op *op, bool *retry)
{
    *retry = false;
    if (op->call.error == WF_EEXIST) {
        if (create_disposition(op) == FILE_CREATE || op->st.create.rounds >= WF_CREATE_ROUNDS)
            return STATUS_OBJECT_NAME_COLLISION;
        *retry = true;      /* open what is there now */
        return STATUS_SUCCESS;
    }
    if (op->call.error == WF_ENOENT)
        return STATUS_OBJECT_PATH_NOT_FOUND;    /* the parent went away */
    return wf_op_errno_status(op);
}

static wf_file *new_file(wf_op *op, bool directory)
{
    wf_file *file = wf_op_file_new(op, op->node, op->parent);
    if (file)
        file->is_directory = directory;
    return file;
}

/* The walk stopped at a symbolic link that is not the last component (link.c answers). */
static bool link_on_the_way(wf_op *op)
{
    if (!op->node || op->node->nodeid == FUSE_ROOT_ID)
        return false;
    wf_cache_get_attr(op->engine->cache, op->node, &op->attr, 0);
    return WF_S_ISLNK(op->attr.mode);
}

/* The handle on an existing node once the rights are checked (or need no check):
   op->file, granted what the check found, else what was asked. op->status. */
static void open_granted(wf_op *op, bool directory)
{
    op->status = STATUS_SUCCESS;
    op->file = new_file(op, directory);
    if (!op->file) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        return;
    }
    op->rsp->Rsp.Create.Opened.GrantedAccess = op->access_check ?
        op->st.create.access_granted : granted_access(op, false);
}

/* The handle on an existing node, or on a rename target's directory, once the opener's
   rights (and the implied ones) are checked (open_granted). Nested; without an access
   check a caller may call open_granted itself. */
static wf_step open_checked(wf_op *op, uint32_t implied, bool directory)
{
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (op->access_check) {
        WF_AWAIT_CALL(op, wf_access_open(op, implied));
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
    }
    open_granted(op, directory);

    WF_CORO_END(op);
}

/* The handle made on the parent before CREATE/MKNOD now belongs to the new node. */
static void retarget(wf_op *op, wf_file *file)
{
    wf_cache *cache = op->engine->cache;
    wf_cache_ref(cache, op->node);
    wf_cache_ref(cache, op->parent);
    wf_cache_release(cache, file->node);
    wf_cache_release(cache, file->parent);
    file->node = op->node;
    file->parent = op->parent;
}

/* The Create's steps, each a nested coroutine that leaves in op->st.create.next where the
   Create goes on (op->status says how the step went). */
enum {
    WF_CREATE_END,          /* the Create is answered: op->status */
    WF_CREATE_AGAIN,        /* resolve the leaf (again: it vanished or appeared meanwhile) */
    WF_CREATE_EXISTING,     /* op->node is the existing leaf: open it */
    WF_CREATE_ABSENT,       /* the leaf does not exist: make it */
    WF_CREATE_TARGET,       /* open the parent (OpenTargetDirectory; Information set) */
    WF_CREATE_FINISH,       /* op->file is open: answer with it */
};

/* Parameter rules of NtCreateFile (MS-FSA 2.1.5.1 phase 1), the caller, the EA buffer:
   what fails a Create before any round trip. */
static NTSTATUS create_check_parameters(wf_op *op)
{
    uint32_t disposition = create_disposition(op);
    uint32_t options = create_options(op);

    if (disposition > FILE_MAXIMUM_DISPOSITION ||
        ((options & FILE_DIRECTORY_FILE) && (options & FILE_NON_DIRECTORY_FILE)) ||
        ((options & FILE_DIRECTORY_FILE) && overwrites(disposition)))
        return STATUS_INVALID_PARAMETER;
    if (op->req->Req.Create.NamedStream)
        return STATUS_OBJECT_NAME_INVALID;
    if (!NT_SUCCESS(op->identity_status))
        return op->identity_status;        /* a caller the host does not know */
    return wf_ea_check_create(op);          /* the EA buffer, checked before anything */
}

/* The walk to the leaf's parent, and what the root allows. Nested. */
static wf_step create_walk(wf_op *op)
{
    uint32_t disposition = create_disposition(op);

    WF_CORO_BEGIN(op);

    op->st.create.next = WF_CREATE_END;
    WF_AWAIT_CALL(op, wf_walk(op, true));
    if (!NT_SUCCESS(op->status)) {
        /* A symbolic link on the way: the I/O manager goes on from its target. */
        if (op->status == STATUS_OBJECT_PATH_NOT_FOUND && link_on_the_way(op))
            WF_AWAIT_CALL(op, wf_link_reparse(op, &op->attr));
        WF_CORO_RETURN(op);
    }
    if (op->name_len == 0) {
        /* The root: it can be opened, nothing more (as WinFsp's FSD rules). */
        if (op->req->Req.Create.OpenTargetDirectory ||
            (disposition != FILE_OPEN && disposition != FILE_OPEN_IF)) {
            op->status = STATUS_ACCESS_DENIED;
            WF_CORO_RETURN(op);
        }
        if (create_options(op) & FILE_DELETE_ON_CLOSE) {
            op->status = STATUS_CANNOT_DELETE;
            WF_CORO_RETURN(op);
        }
    }
    op->st.create.next = WF_CREATE_AGAIN;

    WF_CORO_END(op);
}

/* The parent is what is opened (OpenTargetDirectory): info says whether the leaf exists. */
static void create_target(wf_op *op, wf_node *leaf, uint32_t info)
{
    wf_cache_release(op->engine->cache, leaf);     /* counted and cached for the rename */
    op->rsp->IoStatus.Information = info;
    op->st.create.next = WF_CREATE_TARGET;
}

/* The leaf from the cache (or the root itself): true when resolved so, and
   create_resolve_leaf, which asks the file system, is not needed. */
static bool create_leaf_cached(wf_op *op)
{
    wf_engine *engine = op->engine;
    struct fuse_attr attr;
    bool attr_valid;

    op->st.create.next = WF_CREATE_EXISTING;
    if (op->name_len == 0)
        return true;
    wf_node *leaf = wf_cache_lookup_attr(engine->cache, op->node, op->name, op->name_len,
        wf_engine_now(engine), &attr, &attr_valid);
    if (!leaf)
        return false;
    if (op->req->Req.Create.OpenTargetDirectory) {
        create_target(op, leaf, FILE_EXISTS);
        return true;
    }
    move_down(op, leaf);
    op->attr_fresh = false;
    /* create_open_existing's wf_getattr, next, takes these. */
    op->attr = attr;
    op->attr_cached = attr_valid;
    return true;
}

/* The leaf the cache does not have: LOOKUP. A negative entry or ENOENT means absent.
   Nested. */
static wf_step create_resolve_leaf(wf_op *op)
{
    bool target = op->req->Req.Create.OpenTargetDirectory;
    wf_node *leaf;

    WF_CORO_BEGIN(op);

    op->st.create.next = WF_CREATE_EXISTING;
    WF_AWAIT_CALL(op, wf_lookup(op));
    op->status = wf_lookup_take(op, &leaf);
    if (op->status == STATUS_OBJECT_NAME_NOT_FOUND) {
        op->status = STATUS_SUCCESS;
        if (target)
            create_target(op, NULL, FILE_DOES_NOT_EXIST);
        else
            op->st.create.next = WF_CREATE_ABSENT;
        WF_CORO_RETURN(op);
    }
    if (!NT_SUCCESS(op->status)) {
        op->st.create.next = WF_CREATE_END;
        WF_CORO_RETURN(op);
    }
    if (target) {
        create_target(op, leaf, FILE_EXISTS);
        WF_CORO_RETURN(op);
    }
    move_down(op, leaf);
    op->attr = op->u.lookup.out.attr;
    op->attr_fresh = true;

    WF_CORO_END(op);
}

/* The handle and its data access went: op->file is no more. */
static void drop_file(wf_op *op)
{
    wf_file_free(op->engine, op->file);
    op->file = NULL;
    op->st.create.next = WF_CREATE_END;
}

/* Opens an existing leaf (or the root): reparse points, the NT checks, the rights, then
   OPEN/OPENDIR when the data will be used. A leaf gone meanwhile is looked up again. */
static wf_step create_open_existing(wf_op *op)
{
    wf_engine *engine = op->engine;
    uint32_t disposition = create_disposition(op);
    uint32_t options = create_options(op);
    uint32_t granted;

    WF_CORO_BEGIN(op);

    op->st.create.next = WF_CREATE_END;
    /* A warm open has the attributes its lookup read: no nested coroutine for them. */
    if (wf_getattr_at_hand(op))
        op->status = STATUS_SUCCESS;
    else
        WF_AWAIT_CALL(op, wf_getattr(op, NULL));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (op->name_len && wf_mode_to_reparse_tag(op->attr.mode)) {
        /* A symbolic link or special file: opened itself with FILE_OPEN_REPARSE_POINT
           (never with OPEN: FUSE cannot open a link, and a FIFO would block), else
           reparsed, as NTFS does, whatever the disposition. */
        if (!(options & FILE_OPEN_REPARSE_POINT)) {
            WF_AWAIT_CALL(op, wf_link_reparse(op, &op->attr));
            WF_CORO_RETURN(op);
        }
        if (WF_S_ISLNK(op->attr.mode) && disposition != FILE_CREATE)  /* collides anyway */
            WF_AWAIT_CALL(op, wf_link_probe(op, op->node, NULL, 0, NULL, 0));
    }
    /* Deleting a directory needs its stored READONLY; nothing else asks for it here. */
    if (op->name_len && WF_S_ISDIR(op->attr.mode) && (options & FILE_DELETE_ON_CLOSE) &&
            op->req->Req.Create.UserMode)
        WF_AWAIT_CALL(op, wf_dos_read(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->status = check_existing(op);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* Without an access check nothing waits: no nested coroutine. */
    if (op->access_check)
        WF_AWAIT_CALL(op, open_checked(op,
            implied_access(disposition) | ((options & FILE_DELETE_ON_CLOSE) ? DELETE : 0),
            WF_S_ISDIR(op->attr.mode)));
    else
        open_granted(op, WF_S_ISDIR(op->attr.mode));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->rsp->IoStatus.Information = disposition == FILE_SUPERSEDE ? FILE_SUPERSEDED :
        overwrites(disposition) ? FILE_OVERWRITTEN : FILE_OPENED;
    op->st.create.next = WF_CREATE_FINISH;

    /* A FUSE handle is opened only when the data will be used: metadata-only opens
       (stat, attributes) need none, as with O_PATH. Directories open at the first
       listing if not here. A file about to be overwritten (WinFsp's FSD sends the
       Overwrite request next) is opened for writing whatever was asked. */
    granted = op->rsp->Rsp.Create.Opened.GrantedAccess;
    if (op->file->is_directory ? !(granted & FILE_LIST_DIRECTORY) :
            !(WF_S_ISREG(op->attr.mode) &&
              ((granted & WF_DATA_ACCESS) || overwrites(disposition))))
        WF_CORO_RETURN(op);
    op->file->open_flags = op->file->is_directory ? WF_O_RDONLY :
        open_flags_for(granted | (overwrites(disposition) ? FILE_WRITE_DATA : 0));
    if (wf_engine_enosys(engine, op->file->is_directory ? FUSE_OPENDIR : FUSE_OPEN))
        WF_CORO_RETURN(op);
    wf_open_call(op, op->file);
    WF_AWAIT_REPLY(op);
    op->status = wf_open_reply(op, op->file);
    if (NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    drop_file(op);
    if (op->call.error != WF_ENOENT || op->name_len == 0)
        WF_CORO_RETURN(op);
    /* Gone since the cache or LOOKUP saw it: forget the name, and create it when the
       disposition says so. */
    wf_cache_drop_entry(engine->cache, op->parent, op->name, op->name_len);
    move_up(op);
    if (disposition == FILE_OPEN || disposition == FILE_OVERWRITE ||
        op->st.create.rounds >= WF_CREATE_ROUNDS) {
        op->status = STATUS_OBJECT_NAME_NOT_FOUND;
        WF_CORO_RETURN(op);
    }
    op->st.create.next = WF_CREATE_AGAIN;

    WF_CORO_END(op);
}

/* A directory just made, or a target's parent: OPENDIR now when it is to be listed. */
static wf_step create_open_listing(wf_op *op)
{
    WF_CORO_BEGIN(op);

    op->st.create.next = WF_CREATE_FINISH;
    if (!(op->rsp->Rsp.Create.Opened.GrantedAccess & FILE_LIST_DIRECTORY) ||
        wf_engine_enosys(op->engine, FUSE_OPENDIR))
        WF_CORO_RETURN(op);
    op->file->open_flags = WF_O_RDONLY;
    wf_open_call(op, op->file);
    WF_AWAIT_REPLY(op);
    op->status = wf_open_reply(op, op->file);
    if (!NT_SUCCESS(op->status))
        drop_file(op);

    WF_CORO_END(op);
}

/* CREATE/MKNOD/MKDIR failed: EEXIST from another creator's race looks the name up again. */
static void create_failed(wf_op *op)
{
    bool retry;
    op->status = create_error(op, &retry);
    if (op->file)
        drop_file(op);
    op->st.create.next = retry ? WF_CREATE_AGAIN : WF_CREATE_END;
}

/* MKDIR, its owner, and its OPENDIR when it is to be listed. */
static wf_step create_make_directory(wf_op *op)
{
    WF_CORO_BEGIN(op);

    create_call(op, FUSE_MKDIR);
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        create_failed(op);
        WF_CORO_RETURN(op);
    }
    op->status = take_created(op, &op->u.mkdir.out, true);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->file = new_file(op, true);
    if (!op->file) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, wf_access_set_owner(op));
    WF_AWAIT_CALL(op, create_open_listing(op));

    WF_CORO_END(op);
}

/* A new file's owner, and its AllocationSize: a hint, reserved without changing the size
   when the file system can; nothing fails for it. */
static wf_step create_allocate(wf_op *op)
{
    wf_engine *engine = op->engine;

    WF_CORO_BEGIN(op);

    op->st.create.next = WF_CREATE_FINISH;
    /* The owner and group a security descriptor asked for. */
    WF_AWAIT_CALL(op, wf_access_set_owner(op));
    if (op->req->Req.Create.AllocationSize && engine->minor >= 19 &&
        !wf_engine_enosys(engine, FUSE_FALLOCATE)) {
        wf_mem_set(&op->u.fallocate.in, 0, sizeof op->u.fallocate.in);
        op->u.fallocate.in.fh = op->file->fh;
        op->u.fallocate.in.offset = 0;
        op->u.fallocate.in.length = op->req->Req.Create.AllocationSize;
        op->u.fallocate.in.mode = WF_FALLOC_FL_KEEP_SIZE;
        wf_call_begin(op, FUSE_FALLOCATE, op->node->nodeid);
        wf_call_in(op, &op->u.fallocate.in, sizeof op->u.fallocate.in);
        WF_AWAIT_REPLY(op);
        if (!op->call.error) {
            /* The blocks changed: report what was reserved, ask again next time. */
            op->st.create.reserved = op->req->Req.Create.AllocationSize;
            wf_cache_expire_attr(engine->cache, op->node);
        }
    }

    WF_CORO_END(op);
}

/* A file: CREATE, or MKNOD and OPEN where CREATE is not implemented. Its handle exists
   before CREATE goes out (on the parent until the reply names the node), so that no open
   FUSE handle can be left without one. */
static wf_step create_make_file(wf_op *op)
{
    wf_engine *engine = op->engine;

    WF_CORO_BEGIN(op);

    op->file = wf_op_file_new(op, op->node, NULL);
    if (!op->file) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    op->file->open_flags = open_flags_for(op->rsp->Rsp.Create.Opened.GrantedAccess);
    if (!wf_engine_enosys(engine, FUSE_CREATE)) {
        /* O_EXCL always: a file that appears meanwhile shows as EEXIST, never as a
           silent open of someone else's file. */
        create_call(op, FUSE_CREATE);
        WF_AWAIT_REPLY(op);
        if (!op->call.error) {
            op->status = take_created(op, &op->u.create.entry, false);
            if (!NT_SUCCESS(op->status) && op->u.create.entry.nodeid != 0) {
                /* Refused, but the file system opened what it made: its handle goes back. */
                wf_release_fh_call(op, op->u.create.entry.nodeid, op->u.create.open.fh,
                    op->file->open_flags, false);
                WF_AWAIT_REPLY(op);
            }
            if (!NT_SUCCESS(op->status)) {
                drop_file(op);
                WF_CORO_RETURN(op);
            }
            retarget(op, op->file);
            op->file->has_fh = true;
            op->file->fh = op->u.create.open.fh;
            op->file->fopen_flags = op->u.create.open.open_flags;
            WF_AWAIT_CALL(op, create_allocate(op));
            WF_CORO_RETURN(op);
        }
        if (op->call.error != WF_ENOSYS) {
            create_failed(op);
            WF_CORO_RETURN(op);
        }
        /* ENOSYS (remembered): MKNOD and OPEN, as the Linux kernel falls back. */
    }
    create_call(op, FUSE_MKNOD);
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        create_failed(op);
        WF_CORO_RETURN(op);
    }
    op->status = take_created(op, &op->u.mknod.out, false);
    if (!NT_SUCCESS(op->status)) {
        drop_file(op);
        WF_CORO_RETURN(op);
    }
    retarget(op, op->file);
    if (!wf_engine_enosys(engine, FUSE_OPEN)) {
        wf_open_call(op, op->file);
        WF_AWAIT_REPLY(op);
        /* On failure the file stays, as after a failed open(2) of what mknod(2) made. */
        op->status = wf_open_reply(op, op->file);
        if (!NT_SUCCESS(op->status)) {
            drop_file(op);
            WF_CORO_RETURN(op);
        }
    }
    WF_AWAIT_CALL(op, create_allocate(op));

    WF_CORO_END(op);
}

/* The leaf does not exist: the NT rules, the rights on the parent, then make it. */
static wf_step create_new(wf_op *op)
{
    WF_CORO_BEGIN(op);

    op->st.create.next = WF_CREATE_END;
    op->status = check_absent(op);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* Add rights on the parent; the security descriptor's mode and owner. */
    WF_AWAIT_CALL(op, wf_access_create(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->rsp->IoStatus.Information = FILE_CREATED;
    op->rsp->Rsp.Create.Opened.GrantedAccess = granted_access(op, true);
    if (create_options(op) & FILE_DIRECTORY_FILE)
        WF_AWAIT_CALL(op, create_make_directory(op));
    else
        WF_AWAIT_CALL(op, create_make_file(op));

    WF_CORO_END(op);
}

/* The parent, opened as a directory (a rename or link target's): Information says whether
   the last component exists. */
static wf_step create_open_target_parent(wf_op *op)
{
    WF_CORO_BEGIN(op);

    op->st.create.next = WF_CREATE_END;
    WF_AWAIT_CALL(op, wf_getattr(op, NULL));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (!WF_S_ISDIR(op->attr.mode)) {
        op->status = STATUS_OBJECT_PATH_NOT_FOUND;
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, open_checked(op, 0, true));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, create_open_listing(op));

    WF_CORO_END(op);
}

/* What of a Create's FileAttributes user.DOSATTRIB keeps for a new file. */
static uint32_t create_dos_attributes(const wf_op *op)
{
    uint32_t attributes = op->req->Req.Create.FileAttributes;
    return attributes & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM |
        (op->file->is_directory ? FILE_ATTRIBUTE_READONLY : 0));
}

/* The creation time a new file shows before one is stored. */
static uint64_t create_time(const wf_op *op)
{
    FSP_FSCTL_FILE_INFO info;
    wf_op_file_info(&op->attr, &info);
    return info.CreationTime;
}

/* The handle is open: the response. */
static void create_respond(wf_op *op)
{
    wf_engine *engine = op->engine;
    FSP_FSCTL_FILE_INFO *info = &op->rsp->Rsp.Create.Opened.FileInfo;
    bool created = op->rsp->IoStatus.Information == FILE_CREATED;

    wf_access_file_opened(op, op->file);
    op->rsp->Rsp.Create.Opened.UserContext = op->file->node->nodeid;
    op->rsp->Rsp.Create.Opened.UserContext2 = (uint64_t)(uintptr_t)op->file;
    wf_op_file_info_full(engine, op->file->node, &op->attr, info);
    wf_link_remember_path(op, op->file);
    if (created && info->AllocationSize < op->st.create.reserved)
        info->AllocationSize = op->st.create.reserved;
    op->status = STATUS_SUCCESS;
}

/* The handle is open: a new file's EAs (if they cannot be set, it is made undone), then
   the response (create_respond, which an existing file's handle goes to straight).
   Nested. */
static wf_step create_finish(wf_op *op)
{
    wf_engine *engine = op->engine;
    bool created = op->rsp->IoStatus.Information == FILE_CREATED;

    WF_CORO_BEGIN(op);

    if (created) {
        WF_AWAIT_CALL(op, wf_ea_create(op));
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
        /* Every new file and directory gets its user.DOSATTRIB, as Samba gives each it
           creates: HIDDEN and SYSTEM asked for (and a directory's READONLY, which no mode
           bit keeps), ARCHIVE for a file as NTFS gives a new file, and the creation time
           it shows now, kept from then on. A file Linux made has no value and shows NORMAL,
           as Samba shows it. Without the store, no request. */
        if (wf_dos_storing(engine)) {
            WF_AWAIT_CALL(op, wf_dos_write(op, create_dos_attributes(op) |
                (op->file->is_directory ? 0 : FILE_ATTRIBUTE_ARCHIVE), create_time(op)));
            /* A file system that just said it has no xattrs moved no ctime. */
            if (NT_SUCCESS(op->status) && wf_dos_storing(engine)) {
                WF_AWAIT_CALL(op, wf_getattr(op, op->file));
                if (NT_SUCCESS(op->status))
                    wf_dos_written(op);
            }
            if (!NT_SUCCESS(op->status))
                WF_CORO_RETURN(op);
        }
    }
    create_respond(op);

    WF_CORO_END(op);
}

wf_step wf_op_create(wf_op *op)
{
    WF_CORO_BEGIN(op);

    /* A named stream: the file's Create, then the stream (stream.c). */
    op->status = op->req->Req.Create.NamedStream ? wf_stream_prepare(op) : STATUS_SUCCESS;
    if (NT_SUCCESS(op->status))
        op->status = create_check_parameters(op);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, create_walk(op));
    op->st.create.rounds = 0;
    op->st.create.reserved = 0;
    while (op->st.create.next == WF_CREATE_AGAIN) {
        op->st.create.rounds++;
        /* A warm Create finds its leaf cached, and its existing file's handle needs
           nothing but the response: neither takes a nested coroutine. */
        if (!create_leaf_cached(op))
            WF_AWAIT_CALL(op, create_resolve_leaf(op));
        if (op->st.create.next == WF_CREATE_EXISTING)
            WF_AWAIT_CALL(op, create_open_existing(op));
        else if (op->st.create.next == WF_CREATE_ABSENT)
            WF_AWAIT_CALL(op, create_new(op));
        else if (op->st.create.next == WF_CREATE_TARGET)
            WF_AWAIT_CALL(op, create_open_target_parent(op));
    }
    if (op->st.create.next == WF_CREATE_FINISH) {
        if (op->rsp->IoStatus.Information == FILE_CREATED)
            WF_AWAIT_CALL(op, create_finish(op));
        else
            create_respond(op);
    }
    if (op->st.create.next == WF_CREATE_FINISH && NT_SUCCESS(op->status) && op->stream &&
            op->file)
        WF_AWAIT_CALL(op, wf_stream_open(op));

    WF_CORO_END(op);
}

wf_step wf_op_cleanup(wf_op *op)
{
    wf_engine *engine = op->engine;
    /* Found again here at every resume, so after each reply too. */
    wf_file *file = wf_op_file(op->req->Req.Cleanup.UserContext2);

    WF_CORO_BEGIN(op);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op);
    }
    op->status = STATUS_SUCCESS;
    /* The last close of a handle is where POSIX close(2) sends FLUSH (its write-back errors
       surface there); Cleanup cannot fail, so the answer only feeds the ENOSYS memo. */
    if (file->has_fh && !file->is_directory && !(file->fopen_flags & FOPEN_NOFLUSH) &&
        !wf_engine_enosys(engine, FUSE_FLUSH)) {
        op->u.flush.in = (struct fuse_flush_in){ .fh = file->fh };
        wf_call_begin(op, FUSE_FLUSH, file->node->nodeid);
        wf_call_in(op, &op->u.flush.in, sizeof op->u.flush.in);
        WF_AWAIT_REPLY(op);
    }
    /* A POSIX program closes a file before it unlinks it. A file unlinked while open is
       hidden as .fuse_hiddenN by libfuse 2's high-level library until its RELEASE, so its
       directory could not be removed right after (fuse2fs, winfuse check's clean-up): the
       deleting handle's RELEASE goes first. Nothing reaches the file through a handle
       after its Cleanup, so Close has nothing left to release. */
    if (op->req->Req.Cleanup.Delete && file && file->has_fh && !file->is_directory &&
            !file->stream) {
        wf_release_call(op, file);
        WF_AWAIT_REPLY(op);
        if (file)
            file->has_fh = false;
    }
    /* A stream's delete removes its xattr; the file stays (stream.c). */
    if (op->req->Req.Cleanup.Delete && file && file->stream)
        WF_AWAIT_CALL(op, wf_stream_delete(op, file));
    else if (op->req->Req.Cleanup.Delete)
        WF_AWAIT_CALL(op, wf_delete_at_cleanup(op, file));
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

wf_step wf_op_close(wf_op *op)
{
    /* Found again here at every resume, so after the reply too. */
    wf_file *file = wf_op_file(op->req->Req.Close.UserContext2);

    WF_CORO_BEGIN(op);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op);
    }
    if (file->has_fh) {
        wf_release_call(op, file);
        WF_AWAIT_REPLY(op);
    }
    /* Whatever RELEASE answered, the handle is gone on the Windows side. */
    wf_op_close_file(op, file);
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}
