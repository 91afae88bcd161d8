/* stream.c — named streams (file:name, file:name:$DATA) kept as Samba's vfs_streams_xattr
   keeps them: the xattr user.DosStream.NAME:$DATA holds the stream's bytes and one 0 byte
   after them (an xattr cannot be empty; Samba reports the value's size less one). Every
   read GETXATTRs the whole value; every change SETXATTRs the whole value, so a refusal
   leaves what was stored as it was. */
#include "engine/engine_internal.h"
#include "winfuse/case_fold.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

#define WF_STREAM_PREFIX "user.DosStream."
#define WF_STREAM_PREFIX_LEN 15u
#define WF_STREAM_SUFFIX ":$DATA"
#define WF_STREAM_SUFFIX_LEN 6u
/* Linux's XATTR_NAME_MAX and XATTR_SIZE_MAX: no xattr is longer, on any file system. */
#define WF_XATTR_NAME_MAX 255u
#define WF_STREAM_VALUE_MAX 65536u
#define WF_XATTR_CREATE 1u
#define WF_WRITE_TO_END_OF_FILE UINT64_MAX

struct wf_stream_ctx {
    char name[WF_XATTR_NAME_MAX + 1];   /* the xattr, NUL-terminated */
    uint32_t name_len;                  /* with its NUL */
    uint32_t disposition;               /* the stream's, from the Create */
    bool file_created;                  /* the Create made the file for the stream */
    uint32_t size;                      /* the value's bytes (the stream's and its 0) */
    uint32_t list_len, list_pos, used;  /* QueryStreamInformation */
    uint64_t offset, length;            /* Write */
    struct fuse_getxattr_in get_in;
    struct fuse_getxattr_out get_out;
    struct fuse_setxattr_in set_in;
    uint16_t listed[WF_NAME_UNITS_MAX];     /* a listed stream's name (not on the stack) */
    uint16_t asked[WF_NAME_UNITS_MAX];      /* the name asked for, to compare under folding */
    uint8_t value[WF_STREAM_VALUE_MAX];
};

static bool stream_ctx(wf_op *op)
{
    if (!op->stream)
        op->stream = wf_mem_alloc(sizeof *op->stream);
    return op->stream != NULL;
}

/* The file system has no xattrs: the volume stops offering streams (remembered). */
static bool stream_unsupported(int32_t error)
{
    return error == WF_ENOSYS || error == WF_EOPNOTSUPP;
}

/* An xattr request's error as the stream's status. */
static NTSTATUS stream_error(wf_op *op)
{
    switch (op->call.error) {
    case WF_ENOSYS:
    case WF_EOPNOTSUPP:
        op->engine->streams_off = true;
        return STATUS_OBJECT_NAME_INVALID;  /* what a volume without streams answers */
    case WF_E2BIG:
    case WF_ENOSPC:
    case WF_ERANGE:
    case WF_ERR_TOO_BIG:
        return STATUS_DISK_FULL;            /* the value is beyond what an xattr holds */
    case WF_ENODATA:
        return STATUS_OBJECT_NAME_NOT_FOUND;    /* removed behind the handle's back */
    default:
        return wf_op_errno_status(op);
    }
}

/* What NTFS forbids in a stream name (as in a file name; ':' ends it). */
static bool stream_char_invalid(uint16_t c)
{
    return c < 0x20 || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' ||
        c == '>' || c == '?' || c == '\\' || c == '|';
}

static bool stream_type_is_data(const uint16_t *t, uint32_t n)
{
    static const char data[] = "$DATA";
    if (n != 5)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t c = t[i] >= 'a' && t[i] <= 'z' ? (uint16_t)(t[i] - 'a' + 'A') : t[i];
        if (c != (uint16_t)data[i])
            return false;
    }
    return true;
}

/* "user.DosStream." + name + ":$DATA" into s->name; false when it is longer than an xattr
   name may be, or not a name. */
static bool stream_xattr_name(struct wf_stream_ctx *s, const uint16_t *name, uint32_t units)
{
    size_t len = 0;
    uint32_t room = WF_XATTR_NAME_MAX - WF_STREAM_PREFIX_LEN - WF_STREAM_SUFFIX_LEN;
    if (wf_utf16_to_utf8(name, units, s->name + WF_STREAM_PREFIX_LEN, room, &len) !=
            STATUS_SUCCESS)
        return false;
    wf_mem_copy(s->name, WF_STREAM_PREFIX, WF_STREAM_PREFIX_LEN);
    wf_mem_copy(s->name + WF_STREAM_PREFIX_LEN + len, WF_STREAM_SUFFIX,
        WF_STREAM_SUFFIX_LEN + 1);
    s->name_len = (uint32_t)(WF_STREAM_PREFIX_LEN + len + WF_STREAM_SUFFIX_LEN + 1);
    return true;
}

NTSTATUS wf_stream_prepare(wf_op *op)
{
    FSP_FSCTL_TRANSACT_REQ *req = op->req;
    uint32_t at = req->Req.Create.NamedStream;
    uint32_t buffer_size = req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);
    uint32_t options = req->Req.Create.CreateOptions & 0xffffffu;
    uint32_t disposition = req->Req.Create.CreateOptions >> 24;
    uint32_t units, start, colon, base;

    if ((uint32_t)req->FileName.Offset + req->FileName.Size > buffer_size ||
            (req->FileName.Offset & 1) || (at & 1))
        return STATUS_OBJECT_NAME_INVALID;
    const uint16_t *path = (const uint16_t *)(const void *)(req->Buffer + req->FileName.Offset);
    units = req->FileName.Size / 2;
    while (units && path[units - 1] == 0)
        units--;
    /* The ':' must be in the last component, after a name. */
    if (at / 2 >= units || path[at / 2] != ':' || at / 2 < 2 || path[at / 2 - 1] == '\\')
        return STATUS_OBJECT_NAME_INVALID;
    start = at / 2 + 1;
    for (colon = start; colon < units && path[colon] != ':'; colon++)
        if (stream_char_invalid(path[colon]))
            return STATUS_OBJECT_NAME_INVALID;
    /* file:name:TYPE — the only type a file system stores is $DATA. */
    if (colon < units && !stream_type_is_data(path + colon + 1, units - colon - 1))
        return STATUS_OBJECT_NAME_INVALID;
    if (colon == start) {
        /* "file:" names nothing; "file::$DATA" is the file itself. */
        if (colon == units)
            return STATUS_OBJECT_NAME_INVALID;
        req->FileName.Size = (uint16_t)at;
        req->Req.Create.NamedStream = 0;
        return STATUS_SUCCESS;
    }
    if (colon - start > WF_NAME_UNITS_MAX)
        return STATUS_OBJECT_NAME_INVALID;
    if (op->engine->streams_off || req->Req.Create.OpenTargetDirectory)
        return STATUS_OBJECT_NAME_INVALID;
    /* A stream is never a directory (WinFsp's FSD: FILE_DIRECTORY_FILE on a stream), once
       the parameters themselves are valid (create_check_parameters' rules come first). */
    if ((options & FILE_DIRECTORY_FILE) && ((options & FILE_NON_DIRECTORY_FILE) ||
            (disposition != FILE_CREATE && disposition != FILE_OPEN &&
            disposition != FILE_OPEN_IF)))
        return STATUS_INVALID_PARAMETER;
    if (options & FILE_DIRECTORY_FILE)
        return STATUS_NOT_A_DIRECTORY;
    if (!stream_ctx(op))
        return STATUS_INSUFFICIENT_RESOURCES;
    if (!stream_xattr_name(op->stream, path + start, colon - start))
        return STATUS_OBJECT_NAME_INVALID;
    op->stream->disposition = disposition;
    /* The file itself is opened, or made when the stream may be: NTFS makes the file a
       stream is created on. Its delete-on-close is the stream's (Cleanup); it may be a
       directory (NTFS keeps streams on directories, and so does an xattr). */
    base = disposition == FILE_OPEN || disposition == FILE_OVERWRITE ? FILE_OPEN : FILE_OPEN_IF;
    options &= ~(uint32_t)(FILE_DELETE_ON_CLOSE | FILE_NON_DIRECTORY_FILE);
    req->Req.Create.CreateOptions = base << 24 | options;
    req->FileName.Size = (uint16_t)at;
    req->Req.Create.NamedStream = 0;
    return STATUS_SUCCESS;
}

/* GETXATTR of the stream's xattr: its size only (value false), or its value into
   s->value. */
static void stream_get_call(wf_op *op, uint64_t nodeid, bool value)
{
    struct wf_stream_ctx *s = op->stream;
    wf_mem_set(&s->get_in, 0, sizeof s->get_in);
    s->get_in.size = value ? WF_STREAM_VALUE_MAX : 0;
    wf_call_begin(op, FUSE_GETXATTR, nodeid);
    wf_call_in(op, &s->get_in, sizeof s->get_in);
    wf_call_in(op, s->name, s->name_len);
    if (value) {
        wf_call_out(op, s->value, WF_STREAM_VALUE_MAX);
        op->call.out_variable = true;
    } else {
        wf_call_out(op, &s->get_out, sizeof s->get_out);
    }
}

/* SETXATTR of the stream's xattr to s->value[0..size). */
static void stream_set_call(wf_op *op, uint64_t nodeid, uint32_t size, uint32_t flags)
{
    struct wf_stream_ctx *s = op->stream;
    wf_mem_set(&s->set_in, 0, sizeof s->set_in);
    s->set_in.size = size;
    s->set_in.flags = flags;
    wf_call_begin(op, FUSE_SETXATTR, nodeid);
    wf_call_in(op, &s->set_in, (op->engine->flags & FUSE_SETXATTR_EXT) ?
        (uint32_t)sizeof s->set_in : FUSE_COMPAT_SETXATTR_IN_SIZE);
    wf_call_in(op, s->name, s->name_len);
    wf_call_in(op, s->value, size);
}

/* The stream's bytes in a value of size bytes (Samba's trailing 0 not counted). */
static uint32_t stream_data_size(uint32_t size)
{
    return size ? size - 1 : 0;
}

/* A stream handle's file information: the file's, with the stream's size; a stream is
   no directory. */
static void stream_file_info(const wf_op *op, uint64_t size, FSP_FSCTL_FILE_INFO *info)
{
    wf_op_file_info(&op->attr, info);
    wf_dos_file_info(op->engine, op->node, &op->attr, info);
    info->FileSize = size;
    info->AllocationSize = (size + WF_ALLOCATION_UNIT - 1) / WF_ALLOCATION_UNIT *
        WF_ALLOCATION_UNIT;
    info->FileAttributes &= ~(uint32_t)FILE_ATTRIBUTE_DIRECTORY;
    if (info->FileAttributes == 0)
        info->FileAttributes = FILE_ATTRIBUTE_NORMAL;
    info->EaSize = 0;
}

/* Starts a handler on a stream handle: op->node and op->stream, the xattr name copied. */
static bool stream_at_file(wf_op *op, const wf_file *file)
{
    if (!wf_op_at_file(op, file))
        return false;
    if (!stream_ctx(op)) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        return false;
    }
    uint32_t n = 0;
    while (file->stream[n])
        n++;
    wf_mem_copy(op->stream->name, file->stream, n + 1);
    op->stream->name_len = n + 1;
    return true;
}

static bool stream_listed_name(const char *name, uint32_t len, uint16_t *out, size_t cap,
    size_t *units);
static void stream_list_next(wf_op *op);

/* Whether the stream xattr name (len bytes) equals s->name under case folding. */
static bool stream_name_folds_to(struct wf_stream_ctx *s, const char *name, uint32_t len)
{
    size_t asked = 0, listed = 0;
    if (!stream_listed_name(name, len, s->listed, WF_NAME_UNITS_MAX, &listed) ||
        !stream_listed_name(s->name, s->name_len - 1, s->asked, WF_NAME_UNITS_MAX, &asked) ||
        asked != listed)
        return false;
    for (size_t i = 0; i < asked; i++)
        if (s->asked[i] != s->listed[i] && wf_fold_char(s->asked[i]) != wf_fold_char(s->listed[i]))
            return false;
    return true;
}

/* On a case-insensitive volume, a stream not found as spelt is looked for among the file's
   xattrs under folding, as NTFS compares stream names (and Samba on such a share): found,
   s->name becomes the stored spelling and its size is asked (the reply in op->call);
   else op->call.error is ENODATA, as the GETXATTR answered. Nested. */
static wf_step stream_fold(wf_op *op)
{
    struct wf_stream_ctx *s = op->stream;

    WF_CORO_BEGIN(op);

    wf_mem_set(&s->get_in, 0, sizeof s->get_in);
    wf_call_begin(op, FUSE_LISTXATTR, op->file->node->nodeid);
    wf_call_in(op, &s->get_in, sizeof s->get_in);
    wf_call_out(op, &s->get_out, sizeof s->get_out);
    WF_AWAIT_REPLY(op);
    if (op->call.error || s->get_out.size == 0 || s->get_out.size > WF_STREAM_VALUE_MAX) {
        op->call.error = op->call.error && wf_error_ends(op->call.error) ?
            op->call.error : WF_ENODATA;
        WF_CORO_RETURN(op);
    }
    wf_mem_free(op->dirbuf);
    op->dirbuf_size = s->get_out.size;
    op->dirbuf = wf_mem_alloc(op->dirbuf_size);
    if (!op->dirbuf) {
        op->call.error = WF_ENOMEM;
        WF_CORO_RETURN(op);
    }
    s->get_in.size = op->dirbuf_size;
    wf_call_begin(op, FUSE_LISTXATTR, op->file->node->nodeid);
    wf_call_in(op, &s->get_in, sizeof s->get_in);
    wf_call_out(op, op->dirbuf, op->dirbuf_size);
    op->call.out_variable = true;
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        op->call.error = wf_error_ends(op->call.error) ? op->call.error : WF_ENODATA;
        WF_CORO_RETURN(op);
    }
    s->list_len = op->call.out_size;
    for (s->list_pos = 0; s->list_pos < s->list_len; stream_list_next(op)) {
        const char *name = (const char *)op->dirbuf + s->list_pos;
        uint32_t len = 0;
        while (s->list_pos + len < s->list_len && name[len])
            len++;
        if (s->list_pos + len < s->list_len && stream_name_folds_to(s, name, len)) {
            wf_mem_copy(s->name, name, len + 1);
            s->name_len = len + 1;
            break;
        }
    }
    if (s->list_pos >= s->list_len) {
        op->call.error = WF_ENODATA;
        WF_CORO_RETURN(op);
    }
    stream_get_call(op, op->file->node->nodeid, false);
    WF_AWAIT_REPLY(op);

    WF_CORO_END(op);
}

wf_step wf_stream_open(wf_op *op)
{
    struct wf_stream_ctx *s = op->stream;
    FSP_FSCTL_FILE_INFO *info = &op->rsp->Rsp.Create.Opened.FileInfo;
    uint32_t d = s->disposition;
    bool exists;

    WF_CORO_BEGIN(op);

    s->file_created = op->rsp->IoStatus.Information == FILE_CREATED;
    stream_get_call(op, op->file->node->nodeid, false);
    WF_AWAIT_REPLY(op);
    if (op->call.error == WF_ENODATA && op->engine->params.case_insensitive)
        WF_AWAIT_CALL(op, stream_fold(op));
    exists = op->call.error == 0;
    s->size = exists ? op->stream->get_out.size : 0;
    if (op->call.error && op->call.error != WF_ENODATA)
        op->status = stream_error(op);
    else if (exists && d == FILE_CREATE)
        op->status = STATUS_OBJECT_NAME_COLLISION;
    else if (!exists && (d == FILE_OPEN || d == FILE_OVERWRITE))
        op->status = STATUS_OBJECT_NAME_NOT_FOUND;
    else if (exists)
        op->rsp->IoStatus.Information = d == FILE_SUPERSEDE ? FILE_SUPERSEDED :
            d == FILE_OVERWRITE || d == FILE_OVERWRITE_IF ? FILE_OVERWRITTEN : FILE_OPENED;
    if (NT_SUCCESS(op->status) && !exists) {
        /* An empty stream: its 0 byte alone, as Samba creates one. */
        s->value[0] = 0;
        stream_set_call(op, op->file->node->nodeid, 1, d == FILE_CREATE ? WF_XATTR_CREATE : 0);
        WF_AWAIT_REPLY(op);
        if (op->call.error == WF_EEXIST)
            op->status = STATUS_OBJECT_NAME_COLLISION;
        else if (op->call.error)
            op->status = stream_error(op);
        s->size = 1;
        op->rsp->IoStatus.Information = FILE_CREATED;
        wf_cache_expire_attr(op->engine->cache, op->file->node);    /* its ctime moved */
    }
    if (NT_SUCCESS(op->status)) {
        op->file->stream = wf_mem_alloc(s->name_len);
        if (!op->file->stream)
            op->status = STATUS_INSUFFICIENT_RESOURCES;
        else
            wf_mem_copy(op->file->stream, s->name, s->name_len);
    }
    if (NT_SUCCESS(op->status)) {
        stream_file_info(op, stream_data_size(s->size), info);
        WF_CORO_RETURN(op);
    }
    /* The handle goes; a file made for the stream goes too, as NT makes nothing when
       the stream cannot be had. */
    if (op->file->has_fh) {
        wf_release_call(op, op->file);
        WF_AWAIT_REPLY(op);
    }
    if (s->file_created) {
        wf_call_begin(op, op->file->is_directory ? FUSE_RMDIR : FUSE_UNLINK,
            op->parent->nodeid);
        wf_call_in(op, op->name, op->name_len + 1);
        WF_AWAIT_REPLY(op);
        wf_cache_drop_entry(op->engine->cache, op->parent, op->name, op->name_len);
        wf_cache_expire_attr(op->engine->cache, op->parent);
    }
    wf_file_free(op->engine, op->file);
    op->file = NULL;

    WF_CORO_END(op);
}

wf_step wf_stream_read(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.Read.UserContext2);
    uint8_t *buffer = (uint8_t *)(uintptr_t)op->req->Req.Read.Address;
    uint64_t offset = op->req->Req.Read.Offset;
    uint32_t length = op->req->Req.Read.Length, data;

    WF_CORO_BEGIN(op);

    if (!stream_at_file(op, file))
        WF_CORO_RETURN(op);
    stream_get_call(op, op->node->nodeid, true);
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        op->status = stream_error(op);
        WF_CORO_RETURN(op);
    }
    data = stream_data_size(op->call.out_size);
    if (offset >= data) {
        op->status = length ? STATUS_END_OF_FILE : STATUS_SUCCESS;
        WF_CORO_RETURN(op);
    }
    if (length > data - offset)
        length = (uint32_t)(data - offset);
    wf_mem_copy(buffer, op->stream->value + offset, length);
    op->rsp->IoStatus.Information = length;
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

/* The stream's value, read for a change: s->size bytes in s->value (a value without
   Samba's 0 byte, written by someone else, gets one). Nested; op->status. */
static wf_step stream_load(wf_op *op)
{
    struct wf_stream_ctx *s = op->stream;

    WF_CORO_BEGIN(op);

    WF_AWAIT_CALL(op, wf_getattr(op, NULL));    /* the response reports the file's times */
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    stream_get_call(op, op->node->nodeid, true);
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        op->status = stream_error(op);
        WF_CORO_RETURN(op);
    }
    s->size = op->call.out_size;
    if (s->size == 0)
        s->value[s->size++] = 0;

    WF_CORO_END(op);
}

/* Stores s->value[0..size) (its last byte the 0) as the stream; on a refusal nothing
   changed. Nested; op->status. */
static wf_step stream_store(wf_op *op, uint32_t size)
{
    WF_CORO_BEGIN(op);

    op->stream->size = size;
    stream_set_call(op, op->node->nodeid, size, 0);
    WF_AWAIT_REPLY(op);
    if (op->call.error)
        op->status = stream_error(op);
    /* The ctime moved: the next request asks for the file's attributes afresh. */
    wf_cache_expire_attr(op->engine->cache, op->node);

    WF_CORO_END(op);
}

/* s->value resized to hold size bytes of stream (zeros added); false when an xattr
   cannot hold that many. */
static bool stream_resize(struct wf_stream_ctx *s, uint64_t size)
{
    uint32_t data = stream_data_size(s->size);
    if (size > WF_STREAM_VALUE_MAX - 1)
        return false;
    if (size > data)
        wf_mem_set(s->value + data, 0, (size_t)(size - data));
    s->value[size] = 0;
    s->size = (uint32_t)size + 1;
    return true;
}

wf_step wf_stream_write(wf_op *op)
{
    wf_file *file = wf_op_file(op->req->Req.Write.UserContext2);
    const uint8_t *data = (const uint8_t *)(uintptr_t)op->req->Req.Write.Address;
    struct wf_stream_ctx *s;
    uint32_t have;

    WF_CORO_BEGIN(op);

    if (!stream_at_file(op, file))
        WF_CORO_RETURN(op);
    /* A directory's handle has no write mode of its own: the FSD checked the access. */
    if (!file->is_directory && (file->open_flags & 3u) == WF_O_RDONLY) {
        op->status = STATUS_ACCESS_DENIED;
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, stream_load(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    s = op->stream;
    have = stream_data_size(s->size);
    s->offset = op->req->Req.Write.Offset == WF_WRITE_TO_END_OF_FILE ? have :
        op->req->Req.Write.Offset;
    s->length = op->req->Req.Write.Length;
    if (op->req->Req.Write.ConstrainedIo)
        s->length = s->offset < have ? (have - s->offset < s->length ?
            have - s->offset : s->length) : 0;
    /* Beyond what one xattr holds: refused before anything is sent, the stream intact. */
    if (s->offset > WF_STREAM_VALUE_MAX || s->length > WF_STREAM_VALUE_MAX ||
        (s->offset + s->length > have && !stream_resize(s, s->offset + s->length))) {
        op->status = STATUS_DISK_FULL;
        WF_CORO_RETURN(op);
    }
    wf_mem_copy(s->value + s->offset, data, (size_t)s->length);
    WF_AWAIT_CALL(op, stream_store(op, op->stream->size));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* The file's ARCHIVE, as a write to its own data sets it; a directory's too, as Samba
       marks one whose stream is written. The stream is written: the write stays a
       success. */
    if (op->stream->length != 0)
        WF_AWAIT_CALL(op, wf_dos_mark_archive(op, file));
    op->status = STATUS_SUCCESS;
    op->rsp->IoStatus.Information = (uint32_t)op->stream->length;
    stream_file_info(op, stream_data_size(op->stream->size), &op->rsp->Rsp.Write.FileInfo);

    WF_CORO_END(op);
}

wf_step wf_stream_overwrite(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.Overwrite.UserContext2);

    WF_CORO_BEGIN(op);

    if (!stream_at_file(op, file))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, wf_getattr(op, NULL));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->stream->value[0] = 0;
    WF_AWAIT_CALL(op, stream_store(op, 1));
    if (NT_SUCCESS(op->status))
        stream_file_info(op, 0, &op->rsp->Rsp.Overwrite.FileInfo);

    WF_CORO_END(op);
}

wf_step wf_stream_query_information(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.QueryInformation.UserContext2);

    WF_CORO_BEGIN(op);

    if (!stream_at_file(op, file))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, wf_getattr(op, NULL));
    if (NT_SUCCESS(op->status))
        WF_AWAIT_CALL(op, wf_dos_read(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    stream_get_call(op, op->node->nodeid, false);
    WF_AWAIT_REPLY(op);
    if (op->call.error) {
        op->status = stream_error(op);
        WF_CORO_RETURN(op);
    }
    stream_file_info(op, stream_data_size(op->stream->get_out.size),
        &op->rsp->Rsp.QueryInformation.FileInfo);

    WF_CORO_END(op);
}

/* EndOfFile sets the size; Allocation below the size cuts it (as on NTFS), above it
   changes nothing. */
static wf_step stream_set_size(wf_op *op)
{
    uint32_t class = op->req->Req.SetInformation.FileInformationClass;
    uint64_t size = class == FileEndOfFileInformation ?
        op->req->Req.SetInformation.Info.EndOfFile.FileSize :
        op->req->Req.SetInformation.Info.Allocation.AllocationSize;

    WF_CORO_BEGIN(op);

    WF_AWAIT_CALL(op, stream_load(op));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (size != stream_data_size(op->stream->size) &&
            (class == FileEndOfFileInformation || size < stream_data_size(op->stream->size))) {
        if (!stream_resize(op->stream, size)) {
            op->status = STATUS_DISK_FULL;
            WF_CORO_RETURN(op);
        }
        WF_AWAIT_CALL(op, stream_store(op, op->stream->size));
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
    }
    stream_file_info(op, stream_data_size(op->stream->size),
        &op->rsp->Rsp.SetInformation.FileInfo);

    WF_CORO_END(op);
}

wf_step wf_stream_set_information(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);
    uint32_t class = op->req->Req.SetInformation.FileInformationClass;

    WF_CORO_BEGIN(op);

    if (!stream_at_file(op, file))
        WF_CORO_RETURN(op);
    /* No await within a switch: its case labels would be the coroutine's. */
    if (class == FileAllocationInformation || class == FileEndOfFileInformation)
        WF_AWAIT_CALL(op, stream_set_size(op));
    else if (class != FileDispositionInformation && class != FileDispositionInformationEx)
        op->status = STATUS_INVALID_PARAMETER;
    /* A disposition: the FSD keeps the pending delete; Cleanup removes the stream's xattr
       only. Renaming a stream (":new" names) is not offered; a stream is no link target. */

    WF_CORO_END(op);
}

wf_step wf_stream_delete(wf_op *op, wf_file *file)
{
    WF_CORO_BEGIN(op);

    if (!file || !stream_at_file(op, file))
        WF_CORO_RETURN(op);
    wf_call_begin(op, FUSE_REMOVEXATTR, op->node->nodeid);
    wf_call_in(op, op->stream->name, op->stream->name_len);
    WF_AWAIT_REPLY(op);
    /* Cleanup cannot fail: a stream gone already, or kept by a refusal, is as it is. */
    wf_cache_expire_attr(op->engine->cache, op->node);

    WF_CORO_END(op);
}

/* Whether name (len bytes, no NUL) is a stream's xattr; *units the stream name's
   length in UTF-16 into out (cap units). */
static bool stream_listed_name(const char *name, uint32_t len, uint16_t *out, size_t cap,
    size_t *units)
{
    if (len <= WF_STREAM_PREFIX_LEN + WF_STREAM_SUFFIX_LEN ||
        wf_mem_compare(name, WF_STREAM_PREFIX, WF_STREAM_PREFIX_LEN) != 0 ||
        wf_mem_compare(name + len - WF_STREAM_SUFFIX_LEN, WF_STREAM_SUFFIX,
            WF_STREAM_SUFFIX_LEN) != 0)
        return false;
    return wf_utf8_to_utf16(name + WF_STREAM_PREFIX_LEN,
        len - WF_STREAM_PREFIX_LEN - WF_STREAM_SUFFIX_LEN, out, cap, units) == STATUS_SUCCESS;
}

/* Adds one FSP_FSCTL_STREAM_INFO (name without ':' and ":$DATA", as WinFsp's FSD adds
   them) to the response; false when it does not fit. */
static bool stream_info_add(wf_op *op, const uint16_t *name, size_t units, uint64_t size)
{
    struct wf_stream_ctx *s = op->stream;
    uint32_t entry = (uint32_t)(sizeof(FSP_FSCTL_STREAM_INFO) + units * sizeof(uint16_t));
    uint32_t at = (uint32_t)FSP_FSCTL_DEFAULT_ALIGN_UP(s->used);
    if (at + entry > FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX)
        return false;
    FSP_FSCTL_STREAM_INFO *info = (FSP_FSCTL_STREAM_INFO *)(void *)(op->rsp->Buffer + at);
    wf_mem_set(info, 0, sizeof *info);
    info->Size = (uint16_t)entry;
    info->StreamSize = size;
    info->StreamAllocationSize = (size + WF_ALLOCATION_UNIT - 1) / WF_ALLOCATION_UNIT *
        WF_ALLOCATION_UNIT;
    wf_mem_copy(info->StreamNameBuf, name, units * sizeof(uint16_t));
    s->used = at + entry;
    return true;
}

/* The stream name at list_pos in op->dirbuf, or false when that entry is none. */
static bool stream_list_entry(const wf_op *op, uint16_t *out, size_t cap, size_t *units)
{
    const char *name = (const char *)op->dirbuf + op->stream->list_pos;
    uint32_t len = 0;
    while (op->stream->list_pos + len < op->stream->list_len && name[len])
        len++;
    return stream_listed_name(name, len, out, cap, units);
}

static void stream_list_next(wf_op *op)
{
    while (op->stream->list_pos < op->stream->list_len && op->dirbuf[op->stream->list_pos])
        op->stream->list_pos++;
    op->stream->list_pos++;
}

wf_step wf_op_query_stream_information(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.QueryStreamInformation.UserContext2);
    uint16_t *name = op->stream ? op->stream->listed : NULL;
    size_t units = 0;

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    if (!stream_ctx(op)) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    name = op->stream->listed;
    WF_AWAIT_CALL(op, wf_getattr(op, NULL));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* The file's own data, "::$DATA" (a directory has none), then each stream. */
    if (!WF_S_ISDIR(op->attr.mode))
        stream_info_add(op, name, 0, op->attr.size);
    if (op->engine->streams_off || wf_engine_enosys(op->engine, FUSE_LISTXATTR))
        goto done;
    /* LISTXATTR: the size, then the names (op->dirbuf). */
    wf_mem_set(&op->stream->get_in, 0, sizeof op->stream->get_in);
    wf_call_begin(op, FUSE_LISTXATTR, op->node->nodeid);
    wf_call_in(op, &op->stream->get_in, sizeof op->stream->get_in);
    wf_call_out(op, &op->stream->get_out, sizeof op->stream->get_out);
    WF_AWAIT_REPLY(op);
    if (stream_unsupported(op->call.error))
        op->engine->streams_off = true;
    if (op->call.error || op->stream->get_out.size == 0 ||
            op->stream->get_out.size > WF_STREAM_VALUE_MAX)
        goto listed;
    op->dirbuf_size = op->stream->get_out.size;
    op->dirbuf = wf_mem_alloc(op->dirbuf_size);
    if (!op->dirbuf) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    op->stream->get_in.size = op->dirbuf_size;
    wf_call_begin(op, FUSE_LISTXATTR, op->node->nodeid);
    wf_call_in(op, &op->stream->get_in, sizeof op->stream->get_in);
    wf_call_out(op, op->dirbuf, op->dirbuf_size);
    op->call.out_variable = true;
    WF_AWAIT_REPLY(op);
    if (op->call.error)
        goto listed;
    op->stream->list_len = op->call.out_size;
    /* Each stream's size: GETXATTR of its size (less Samba's 0 byte). */
    for (op->stream->list_pos = 0; op->stream->list_pos < op->stream->list_len;
            stream_list_next(op)) {
        if (!stream_list_entry(op, name, WF_NAME_UNITS_MAX, &units))
            continue;
        {
            const char *xattr = (const char *)op->dirbuf + op->stream->list_pos;
            uint32_t n = 0;
            while (xattr[n])
                n++;
            wf_mem_copy(op->stream->name, xattr, n + 1);
            op->stream->name_len = n + 1;
        }
        stream_get_call(op, op->node->nodeid, false);
        WF_AWAIT_REPLY(op);
        if (op->call.error)
            continue;   /* removed meanwhile, or unreadable: not listed */
        if (!stream_list_entry(op, name, WF_NAME_UNITS_MAX, &units) ||
                !stream_info_add(op, name, units, stream_data_size(op->stream->get_out.size))) {
            op->status = STATUS_BUFFER_OVERFLOW;
            break;
        }
    }
listed:
    /* A failure to list shows the file's own data only, as a volume without streams. */
    if (wf_error_ends(op->call.error))
        op->status = wf_op_errno_status(op);
done:
    op->rsp->Size = (uint16_t)(sizeof(FSP_FSCTL_TRANSACT_RSP) + op->stream->used);
    op->rsp->Rsp.QueryStreamInformation.Buffer.Offset = 0;
    op->rsp->Rsp.QueryStreamInformation.Buffer.Size = (uint16_t)op->stream->used;

    WF_CORO_END(op);
}
