/* op_ea.c — extended attributes: QueryEa and SetEa, the EA buffer of a Create and of an
   Overwrite, and EaSize. An EA named NAME is the xattr user.NAME, NAME upper-cased as NTFS
   stores it; xattrs outside user. are not EAs. */
#include "winfuse/dosattrib_map.h"
#include "winfuse/ea_map.h"
#include "engine/engine_internal.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

/* An xattr list that keeps changing between its size and its contents (ERANGE) is asked
   for this many times. */
#define WF_EA_LIST_ROUNDS 4u
/* The longest name list Linux gives (XATTR_LIST_MAX). */
#define WF_EA_NAMES_MAX (64u * 1024u)

/* What the EA operations keep across round trips: allocated on first use (ea_ctx), freed
   with the op. */
struct wf_ea_ctx {
    NTSTATUS status;
    bool known;                 /* size_sum is the node's whole EaSize */
    bool cleanup_refused;       /* an Overwrite's clean-up was refused somewhere */
    const uint8_t *buf;         /* the request's EA list (inside op->req) */
    uint32_t buf_size, pos;
    uint32_t list_len, list_pos;    /* the xattr names in op->dirbuf, and the cursor */
    uint32_t used, last, entry, value_at;   /* the list being built */
    uint32_t size_sum, rounds;
    struct fuse_getxattr_in get_in;
    struct fuse_getxattr_out get_out;
    struct fuse_setxattr_in set_in;
    char name[5 + 254 + 1];     /* "user." + an EA name + NUL */
};

/* op->ea, allocated if it is not yet; false without memory. */
static bool ea_ctx(wf_op *op)
{
    if (!op->ea)
        op->ea = wf_mem_alloc(sizeof *op->ea);
    return op->ea != NULL;
}

/* An xattr request's error as NTSTATUS: a file system without xattrs (or without them on
   this file) is STATUS_EAS_NOT_SUPPORTED; a request beyond the transport, an EA too large. */
static NTSTATUS ea_error(const wf_op *op)
{
    switch (op->call.error) {
    case WF_ENOSYS:
    case WF_EOPNOTSUPP:
        return STATUS_EAS_NOT_SUPPORTED;
    case WF_ERR_TOO_BIG:
        return STATUS_EA_TOO_LARGE;
    default:
        return wf_op_errno_status(op);
    }
}

/* The EA list a request carries in buf, checked; STATUS_EA_LIST_INCONSISTENT when it lies
   outside the request, STATUS_ACCESS_DENIED when it names DOSATTRIB (the DOS attributes'
   store, which Samba refuses to have set as an EA). */
static NTSTATUS ea_request_list(wf_op *op, const FSP_FSCTL_TRANSACT_BUF *buf)
{
    uint32_t buffer_size = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);
    uint32_t error_offset;
    if (!ea_ctx(op))
        return STATUS_INSUFFICIENT_RESOURCES;

    op->ea->buf = NULL;
    op->ea->buf_size = 0;
    if ((uint32_t)buf->Offset + buf->Size > buffer_size)
        return STATUS_EA_LIST_INCONSISTENT;
    op->ea->buf = op->req->Buffer + buf->Offset;
    op->ea->buf_size = buf->Size;
    NTSTATUS status = wf_ea_check(op->ea->buf, op->ea->buf_size, &error_offset);
    if (!NT_SUCCESS(status))
        return status;
    wf_ea_view ea;
    for (uint32_t pos = 0; wf_ea_next(op->ea->buf, op->ea->buf_size, &pos, &ea);)
        if (wf_dosattrib_is_ea_name(ea.name, ea.name_len))
            return STATUS_ACCESS_DENIED;
    return STATUS_SUCCESS;
}

/* "user." + the EA's name upper-cased, as NTFS stores it, NUL-terminated, into
   op->ea->name; returns its length. */
static uint32_t ea_xattr_name(wf_op *op, const wf_ea_view *ea)
{
    wf_mem_copy(op->ea->name, WF_EA_XATTR_PREFIX, WF_EA_XATTR_PREFIX_LEN);
    wf_mem_copy(op->ea->name + WF_EA_XATTR_PREFIX_LEN, ea->name, ea->name_len);
    wf_ea_name_upcase(op->ea->name + WF_EA_XATTR_PREFIX_LEN, ea->name_len);
    op->ea->name[WF_EA_XATTR_PREFIX_LEN + ea->name_len] = 0;
    return WF_EA_XATTR_PREFIX_LEN + ea->name_len;
}

/* The node's xattr names, NUL-separated, into op->dirbuf[0..op->ea->list_len): LISTXATTR
   for the size, then for the names. Status in op->ea->status. Nested. */
static wf_step ea_names(wf_op *op)
{
    wf_engine *engine = op->engine;

    WF_CORO_BEGIN(op);

    op->ea->status = STATUS_SUCCESS;
    op->ea->list_len = 0;
    if (wf_engine_enosys(engine, FUSE_LISTXATTR)) {
        op->ea->status = STATUS_EAS_NOT_SUPPORTED;
        WF_CORO_RETURN(op);
    }
    for (op->ea->rounds = 0; ; op->ea->rounds++) {
        if (op->ea->rounds == WF_EA_LIST_ROUNDS) {
            op->ea->status = STATUS_EA_LIST_INCONSISTENT;
            WF_CORO_RETURN(op);
        }
        wf_mem_set(&op->ea->get_in, 0, sizeof op->ea->get_in);
        wf_call_begin(op, FUSE_LISTXATTR, op->node->nodeid);
        wf_call_in(op, &op->ea->get_in, sizeof op->ea->get_in);
        wf_call_out(op, &op->ea->get_out, sizeof op->ea->get_out);
        WF_AWAIT_REPLY(op);
        if (op->call.error) {
            op->ea->status = ea_error(op);
            WF_CORO_RETURN(op);
        }
        if (op->ea->get_out.size == 0)
            WF_CORO_RETURN(op);
        if (op->ea->get_out.size > WF_EA_NAMES_MAX ||
            op->ea->get_out.size > engine->params.max_message - sizeof(struct fuse_out_header)) {
            op->ea->status = STATUS_EA_LIST_INCONSISTENT;
            WF_CORO_RETURN(op);
        }

        wf_mem_free(op->dirbuf);
        op->dirbuf_size = op->ea->get_out.size;
        op->dirbuf = wf_mem_alloc(op->dirbuf_size);
        if (!op->dirbuf) {
            op->ea->status = STATUS_INSUFFICIENT_RESOURCES;
            WF_CORO_RETURN(op);
        }
        op->ea->get_in.size = op->dirbuf_size;
        wf_call_begin(op, FUSE_LISTXATTR, op->node->nodeid);
        wf_call_in(op, &op->ea->get_in, sizeof op->ea->get_in);
        wf_call_out(op, op->dirbuf, op->dirbuf_size);
        op->call.out_variable = true;
        WF_AWAIT_REPLY(op);
        if (op->call.error == WF_ERANGE)
            continue;   /* it grew since the size was asked */
        if (op->call.error) {
            op->ea->status = ea_error(op);
            WF_CORO_RETURN(op);
        }
        op->ea->list_len = op->call.out_size;
        if (op->ea->list_len && op->dirbuf[op->ea->list_len - 1] != 0) {
            wf_engine_count_bad_reply(engine);
            op->ea->list_len = 0;
            op->ea->status = STATUS_IO_DEVICE_ERROR;
        }
        WF_CORO_RETURN(op);
    }

    WF_CORO_END(op);
}

/* The length of the name at op->ea->list_pos in the name list (its NUL is within). */
static uint32_t ea_list_name_len(const wf_op *op)
{
    uint32_t n = 0;
    while (op->dirbuf[op->ea->list_pos + n] != 0)
        n++;
    return n;
}

/* Whether the xattr name at op->ea->list_pos is user.DOSATTRIB (any case): the DOS
   attributes' store, neither shown as an EA nor dropped with them. */
static bool ea_list_name_is_dosattrib(const wf_op *op, uint32_t len)
{
    const char *name = (const char *)op->dirbuf + op->ea->list_pos;
    return len > WF_EA_XATTR_PREFIX_LEN &&
        wf_mem_compare(name, WF_EA_XATTR_PREFIX, WF_EA_XATTR_PREFIX_LEN) == 0 &&
        wf_dosattrib_is_ea_name(name + WF_EA_XATTR_PREFIX_LEN, len - WF_EA_XATTR_PREFIX_LEN);
}

/* Whether the xattr name at op->ea->list_pos is an EA: user.NAME with NAME a valid EA name,
   but not user.DOSATTRIB. */
static bool ea_list_name_is_ea(const wf_op *op, uint32_t len)
{
    const char *name = (const char *)op->dirbuf + op->ea->list_pos;
    return len > WF_EA_XATTR_PREFIX_LEN &&
        wf_mem_compare(name, WF_EA_XATTR_PREFIX, WF_EA_XATTR_PREFIX_LEN) == 0 &&
        wf_ea_name_valid(name + WF_EA_XATTR_PREFIX_LEN, len - WF_EA_XATTR_PREFIX_LEN) &&
        !ea_list_name_is_dosattrib(op, len);
}

/* Whether the EA at op->ea->list_pos (an EA name, len bytes with "user.") gives way to
   another spelling of the same name in the list: NTFS has one EA per name without case.
   The upper-case spelling (the one Windows writes) wins; among others, the first listed. */
static bool ea_list_name_shadowed(const wf_op *op, uint32_t len)
{
    const char *name = (const char *)op->dirbuf + op->ea->list_pos + WF_EA_XATTR_PREFIX_LEN;
    uint32_t n = len - WF_EA_XATTR_PREFIX_LEN;

    if (!wf_ea_name_has_lower(name, n))
        return false;
    for (uint32_t at = 0; at < op->ea->list_len;) {
        const char *other = (const char *)op->dirbuf + at;
        uint32_t other_len = 0;
        while (other[other_len] != 0)
            other_len++;
        if (at != op->ea->list_pos && other_len == len &&
                wf_mem_compare(other, WF_EA_XATTR_PREFIX, WF_EA_XATTR_PREFIX_LEN) == 0 &&
                wf_ea_name_equal(other + WF_EA_XATTR_PREFIX_LEN, n, name, n) &&
                (!wf_ea_name_has_lower(other + WF_EA_XATTR_PREFIX_LEN, n) ||
                 at < op->ea->list_pos))
            return true;
        at += other_len + 1;
    }
    return false;
}

/* The node's EAs as a FILE_FULL_EA_INFORMATION list in the response's Buffer: the names,
   then GETXATTR of each user.* asking for as much as the buffer has left, straight into
   place. Leaves op->ea->used (the list's length), op->ea->size_sum (NTFS's EaSize) and
   op->ea->status. A list too large for the buffer is STATUS_EA_LIST_INCONSISTENT, as
   WinFsp answers it. Nested. */
static wf_step ea_list(wf_op *op)
{
    wf_engine *engine = op->engine;
    uint8_t *buf = op->rsp->Buffer;
    uint32_t cap = wf_op_rsp_buffer_cap(op->kind);
    uint32_t len, room;

    WF_CORO_BEGIN(op);

    op->ea->used = 0;
    op->ea->last = WF_EA_NONE;
    op->ea->size_sum = 0;
    WF_AWAIT_CALL(op, ea_names(op));
    if (!NT_SUCCESS(op->ea->status))
        WF_CORO_RETURN(op);

    for (op->ea->list_pos = 0; op->ea->list_pos < op->ea->list_len;
            op->ea->list_pos += ea_list_name_len(op) + 1) {
        len = ea_list_name_len(op);
        if (!ea_list_name_is_ea(op, len) || ea_list_name_shadowed(op, len))
            continue;
        if (!wf_ea_begin(buf, cap, op->ea->used,
                (const char *)op->dirbuf + op->ea->list_pos + WF_EA_XATTR_PREFIX_LEN,
                len - WF_EA_XATTR_PREFIX_LEN, &op->ea->entry, &op->ea->value_at, &room)) {
            op->ea->status = STATUS_EA_LIST_INCONSISTENT;
            WF_CORO_RETURN(op);
        }
        /* Shown as NTFS stores EA names, whatever case Linux gave the xattr. */
        wf_ea_name_upcase((char *)buf + op->ea->entry + WF_EA_HEADER_SIZE,
            len - WF_EA_XATTR_PREFIX_LEN);
        /* One GETXATTR: a value larger than what is asked for answers ERANGE. */
        if (room > engine->params.max_message - sizeof(struct fuse_out_header))
            room = engine->params.max_message - (uint32_t)sizeof(struct fuse_out_header);
        wf_mem_set(&op->ea->get_in, 0, sizeof op->ea->get_in);
        op->ea->get_in.size = room;
        wf_call_begin(op, FUSE_GETXATTR, op->node->nodeid);
        wf_call_in(op, &op->ea->get_in, sizeof op->ea->get_in);
        wf_call_in(op, op->dirbuf + op->ea->list_pos, len + 1);
        wf_call_out(op, buf + op->ea->value_at, room);
        op->call.out_variable = true;
        WF_AWAIT_REPLY(op);

        if (op->call.error == WF_ENODATA)
            continue;   /* removed since it was listed */
        if (op->call.error == WF_ERANGE) {
            op->ea->status = STATUS_EA_LIST_INCONSISTENT;
            WF_CORO_RETURN(op);
        }
        if (op->call.error) {
            op->ea->status = ea_error(op);
            WF_CORO_RETURN(op);
        }
        if (op->call.out_size == 0)
            continue;   /* an EA has a value: an empty one is no EA */
        len = ea_list_name_len(op) - WF_EA_XATTR_PREFIX_LEN;
        wf_ea_end(buf, op->ea->entry, len, op->call.out_size, &op->ea->used, &op->ea->last);
        op->ea->size_sum += wf_ea_packed_size(len, op->call.out_size);
    }

    WF_CORO_END(op);
}

/* SETXATTR (or, for an empty value when remove_empty, REMOVEXATTR: NT deletes an EA by
   setting it empty) of each entry of op->ea->buf on op->node. Leaves op->ea->status and, in
   op->ea->size_sum, NTFS's EaSize of the values set. Nested. */
static wf_step ea_apply(wf_op *op, bool remove_empty)
{
    wf_engine *engine = op->engine;
    wf_ea_view ea;
    uint32_t pos, name_len, in_size;

    WF_CORO_BEGIN(op);

    op->ea->status = STATUS_SUCCESS;
    op->ea->size_sum = 0;
    for (op->ea->pos = 0; op->ea->pos < op->ea->buf_size;) {
        pos = op->ea->pos;
        if (!wf_ea_next(op->ea->buf, op->ea->buf_size, &pos, &ea))
            break;
        if (ea.value_len == 0 && !remove_empty) {
            op->ea->pos = pos;
            continue;
        }
        name_len = ea_xattr_name(op, &ea);
        if (ea.value_len) {
            if (wf_engine_enosys(engine, FUSE_SETXATTR)) {
                op->ea->status = STATUS_EAS_NOT_SUPPORTED;
                WF_CORO_RETURN(op);
            }
            wf_mem_set(&op->ea->set_in, 0, sizeof op->ea->set_in);
            op->ea->set_in.size = ea.value_len;
            /* The 16-byte form only where it was negotiated (the engine does not offer it). */
            in_size = (engine->flags & FUSE_SETXATTR_EXT) ? (uint32_t)sizeof op->ea->set_in :
                FUSE_COMPAT_SETXATTR_IN_SIZE;
            wf_call_begin(op, FUSE_SETXATTR, op->node->nodeid);
            wf_call_in(op, &op->ea->set_in, in_size);
            wf_call_in(op, op->ea->name, name_len + 1);
            wf_call_in(op, ea.value, ea.value_len);
            op->ea->size_sum += wf_ea_packed_size(ea.name_len, ea.value_len);
        } else {
            if (wf_engine_enosys(engine, FUSE_REMOVEXATTR)) {
                op->ea->status = STATUS_EAS_NOT_SUPPORTED;
                WF_CORO_RETURN(op);
            }
            wf_call_begin(op, FUSE_REMOVEXATTR, op->node->nodeid);
            wf_call_in(op, op->ea->name, name_len + 1);
        }
        op->ea->pos = pos;
        WF_AWAIT_REPLY(op);
        /* Deleting an EA that is not there is no error. */
        if (op->call.error && !(op->call.opcode == FUSE_REMOVEXATTR &&
                op->call.error == WF_ENODATA)) {
            op->ea->status = ea_error(op);
            WF_CORO_RETURN(op);
        }
    }

    WF_CORO_END(op);
}

/* Whether the request's list names the EA name[0..len) in another spelling than the
   upper-case one it is stored under. */
static bool ea_request_names_other_spelling(const wf_op *op, const char *name, uint32_t len)
{
    wf_ea_view ea;
    if (!wf_ea_name_has_lower(name, len))
        return false;
    for (uint32_t pos = 0; wf_ea_next(op->ea->buf, op->ea->buf_size, &pos, &ea);)
        if (wf_ea_name_equal(ea.name, ea.name_len, name, len))
            return true;
    return false;
}

/* Once SetEa has written user.NAME upper-cased: the other spellings of each name it set
   or deleted (user.name written on Linux) go, so that the EA has one value, as on NTFS.
   LISTXATTR (size, then names), REMOVEXATTR of each; a refusal keeps that xattr (hidden
   behind the upper-case one, or shown again after a delete). op->ea->status. Nested. */
static wf_step ea_drop_spellings(wf_op *op)
{
    uint32_t len;

    WF_CORO_BEGIN(op);

    WF_AWAIT_CALL(op, ea_names(op));
    if (!NT_SUCCESS(op->ea->status)) {
        /* No names to go by: the SETXATTRs answer for the file system. */
        if (op->ea->status == STATUS_EAS_NOT_SUPPORTED ||
                (op->call.opcode == FUSE_LISTXATTR && wf_op_refused(op)))
            op->ea->status = STATUS_SUCCESS;
        WF_CORO_RETURN(op);
    }
    for (op->ea->list_pos = 0; op->ea->list_pos < op->ea->list_len;
            op->ea->list_pos += ea_list_name_len(op) + 1) {
        len = ea_list_name_len(op);
        if (!ea_list_name_is_ea(op, len) || !ea_request_names_other_spelling(op,
                (const char *)op->dirbuf + op->ea->list_pos + WF_EA_XATTR_PREFIX_LEN,
                len - WF_EA_XATTR_PREFIX_LEN))
            continue;
        wf_call_begin(op, FUSE_REMOVEXATTR, op->node->nodeid);
        wf_call_in(op, op->dirbuf + op->ea->list_pos, len + 1);
        WF_AWAIT_REPLY(op);
        if (op->call.error && op->call.error != WF_ENODATA && !wf_op_refused(op)) {
            op->ea->status = ea_error(op);
            WF_CORO_RETURN(op);
        }
    }

    WF_CORO_END(op);
}

/* A node that is a reparse point (a symlink or special file) carries no EAs
   [MS-FSA 2.1.5.15.5]; Linux keeps user.* xattrs off them as well. */
static bool ea_node_is_reparse_point(const wf_op *op)
{
    struct fuse_attr attr;
    wf_cache_get_attr(op->engine->cache, op->node, &attr, 0);
    return wf_mode_to_reparse_tag(attr.mode) != 0;
}

wf_step wf_op_query_ea(wf_op *op)
{
    wf_engine *engine = op->engine;
    const wf_file *file = wf_op_file(op->req->Req.QueryEa.UserContext2);

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    /* Linux shows no user.* on anything but files and directories (ENODATA): none. */
    if (ea_node_is_reparse_point(op)) {
        op->rsp->Rsp.QueryEa.Ea.Offset = 0;
        op->rsp->Rsp.QueryEa.Ea.Size = 0;
        WF_CORO_RETURN(op);
    }
    /* GETXATTR of user.* needs r, asked of the mode before the file system is asked. */
    if (wf_access_file_checked(file)) {
        WF_AWAIT_CALL(op, wf_getattr(op, file));
        if (NT_SUCCESS(op->status))
            op->status = wf_access_xattr(engine, file, &op->attr, false);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
    }
    if (!ea_ctx(op)) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    WF_AWAIT_CALL(op, ea_list(op));
    op->status = op->ea->status;
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* No EAs is an empty list and success: the FSD answers STATUS_NO_EAS_ON_FILE. */
    op->rsp->Size = (uint16_t)(sizeof(FSP_FSCTL_TRANSACT_RSP) + op->ea->used);
    op->rsp->Rsp.QueryEa.Ea.Offset = 0;
    op->rsp->Rsp.QueryEa.Ea.Size = (uint16_t)op->ea->used;
    wf_cache_set_ea_size(engine->cache, op->node, op->ea->size_sum, true);

    WF_CORO_END(op);
}

wf_step wf_op_set_ea(wf_op *op)
{
    wf_engine *engine = op->engine;
    const wf_file *file = wf_op_file(op->req->Req.SetEa.UserContext2);

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    op->status = ea_request_list(op, &op->req->Req.SetEa.Ea);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (ea_node_is_reparse_point(op)) {
        op->status = STATUS_EAS_NOT_SUPPORTED;
        WF_CORO_RETURN(op);
    }
    /* SETXATTR / REMOVEXATTR of user.* need w now (not the handle's FILE_WRITE_EA). */
    if (wf_access_file_checked(file)) {
        WF_AWAIT_CALL(op, wf_getattr(op, file));
        if (NT_SUCCESS(op->status))
            op->status = wf_access_xattr(engine, file, &op->attr, true);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
    }

    /* What was known of the EAs is about to be wrong. */
    wf_cache_set_ea_size(engine->cache, op->node, 0, false);
    WF_AWAIT_CALL(op, ea_apply(op, true));
    op->status = op->ea->status;
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    /* After the values are set: a failure there loses no value. */
    WF_AWAIT_CALL(op, ea_drop_spellings(op));
    op->status = op->ea->status;
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    /* The ctime moved: the response's file information needs fresh attributes. */
    wf_cache_expire_attr(engine->cache, op->node);
    op->attr_fresh = false;
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    /* The whole list goes back with the response, which gives EaSize and lets the FSD
       answer the next queries from it; a list that cannot be read is left out. */
    WF_AWAIT_CALL(op, ea_list(op));
    wf_op_file_info(&op->attr, &op->rsp->Rsp.SetEa.FileInfo);
    if (NT_SUCCESS(op->ea->status)) {
        wf_cache_set_ea_size(engine->cache, op->node, op->ea->size_sum, true);
        op->rsp->Size = (uint16_t)(sizeof(FSP_FSCTL_TRANSACT_RSP) + op->ea->used);
        op->rsp->Rsp.SetEa.Ea.Offset = 0;
        op->rsp->Rsp.SetEa.Ea.Size = (uint16_t)op->ea->used;
        op->rsp->Rsp.SetEa.FileInfo.EaSize = op->ea->size_sum;
    }
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

NTSTATUS wf_ea_check_create(wf_op *op)
{
    if (op->req->Req.Create.Ea.Size == 0 || op->req->Req.Create.EaIsReparsePoint)
        return STATUS_SUCCESS;
    return ea_request_list(op, &op->req->Req.Create.Ea);
}

wf_step wf_ea_create(wf_op *op)
{
    wf_engine *engine = op->engine;
    wf_file *file = op->file;

    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (op->req->Req.Create.Ea.Size == 0 || op->req->Req.Create.EaIsReparsePoint)
        WF_CORO_RETURN(op);
    op->status = ea_request_list(op, &op->req->Req.Create.Ea);
    if (NT_SUCCESS(op->status))
        WF_AWAIT_CALL(op, ea_apply(op, false));
    if (NT_SUCCESS(op->status))
        op->status = op->ea->status;
    if (NT_SUCCESS(op->status)) {
        /* The EAs moved the ctime: the response reports fresh attributes, and the EaSize
           known from what was set. */
        wf_cache_expire_attr(engine->cache, op->node);
        op->attr_fresh = false;
        WF_AWAIT_CALL(op, wf_getattr(op, file));
        if (NT_SUCCESS(op->status))
            wf_cache_set_ea_size(engine->cache, op->node, op->ea->size_sum, true);
        WF_CORO_RETURN(op);
    }

    /* NT creates nothing when the EAs cannot be set: what was just made goes again. */
    op->st.create.ea_failure = op->status;  /* op->ea may be what could not be had */
    if (file->has_fh) {
        wf_release_call(op, file);     /* file->node is op->node: what was just made */
        WF_AWAIT_REPLY(op);
        file = op->file;
    }
    wf_call_begin(op, file->is_directory ? FUSE_RMDIR : FUSE_UNLINK, op->parent->nodeid);
    wf_call_in(op, op->name, op->name_len + 1);
    WF_AWAIT_REPLY(op);
    file = op->file;
    wf_cache_drop_entry(engine->cache, op->parent, op->name, op->name_len);
    wf_cache_expire_attr(engine->cache, op->parent);
    wf_file_free(engine, file);
    op->file = NULL;
    op->status = op->st.create.ea_failure;

    WF_CORO_END(op);
}

wf_step wf_ea_overwrite(wf_op *op)
{
    wf_engine *engine = op->engine;
    uint32_t len;

    WF_CORO_BEGIN(op);

    /* Overwrite and supersede replace the EAs: the old ones go whether or not new ones
       come, as FastFat does it and WinFsp's memfs (NTFS's behaviour, by its tests). */
    op->status = STATUS_SUCCESS;
    if (!ea_ctx(op)) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    op->ea->known = false;
    op->ea->buf = NULL;
    op->ea->buf_size = 0;
    if (op->req->Req.Overwrite.Ea.Size) {
        op->status = ea_request_list(op, &op->req->Req.Overwrite.Ea);
        if (!NT_SUCCESS(op->status))
            WF_CORO_RETURN(op);
    }
    wf_cache_set_ea_size(engine->cache, op->node, 0, false);

    /* Dropping the old EAs is NTFS's addition to what O_TRUNC does: a file system that
       refuses to list or remove them (rclone answers LISTXATTR with EIO) keeps them, and
       the file is still overwritten; only the EA size is then unknown. A file system gone,
       a cancelled request or a malformed reply still fail the Overwrite. */
    op->ea->cleanup_refused = false;     /* the clean-up was refused somewhere */
    WF_AWAIT_CALL(op, ea_names(op));
    if (op->ea->status == STATUS_EAS_NOT_SUPPORTED && !op->ea->buf_size) {
        op->ea->known = true;    /* no xattrs: nothing to drop, none to set */
        op->ea->size_sum = 0;
        WF_CORO_RETURN(op);
    }
    if (!NT_SUCCESS(op->ea->status)) {
        if (op->call.opcode != FUSE_LISTXATTR || !wf_op_refused(op)) {
            op->status = op->ea->status;
            WF_CORO_RETURN(op);
        }
        op->ea->cleanup_refused = true;
        op->ea->list_len = 0;
    }
    for (op->ea->list_pos = 0; op->ea->list_pos < op->ea->list_len;
            op->ea->list_pos += ea_list_name_len(op) + 1) {
        len = ea_list_name_len(op);
        if (len <= WF_EA_XATTR_PREFIX_LEN || wf_mem_compare(op->dirbuf + op->ea->list_pos,
                WF_EA_XATTR_PREFIX, WF_EA_XATTR_PREFIX_LEN) != 0 ||
                ea_list_name_is_dosattrib(op, len))
            continue;   /* not an EA: kept */
        wf_call_begin(op, FUSE_REMOVEXATTR, op->node->nodeid);
        wf_call_in(op, op->dirbuf + op->ea->list_pos, len + 1);
        WF_AWAIT_REPLY(op);
        if (op->call.error && op->call.error != WF_ENODATA) {
            if (!wf_op_refused(op)) {
                op->status = ea_error(op);
                WF_CORO_RETURN(op);
            }
            op->ea->cleanup_refused = true;     /* this one stays */
        }
    }

    /* New EAs are the caller's request, not clean-up: their failure is reported. */
    WF_AWAIT_CALL(op, ea_apply(op, false));
    op->status = op->ea->status;
    op->ea->known = NT_SUCCESS(op->status) && !op->ea->cleanup_refused;

    WF_CORO_END(op);
}

void wf_ea_overwritten(wf_op *op, FSP_FSCTL_FILE_INFO *info)
{
    /* op->attr is the truncating SETATTR's reply, later than every xattr change. */
    if (!op->ea)
        return;     /* not reached: the Overwrite failed without its context */
    wf_cache_set_ea_size(op->engine->cache, op->node, op->ea->size_sum, op->ea->known);
    info->EaSize = op->ea->known ? op->ea->size_sum : 0;
}
