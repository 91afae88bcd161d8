/* fuzz_engine.c — libFuzzer target: plays a Windows caller and a FUSE file system against the
   engine from one input script, checking that every request completes once and in bounds. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winfuse/sddl.h"
#include "winfuse/security.h"
#include "winfuse/engine.h"
#include "winfuse/fuse_abi.h"
#include "winfuse/nt_constants.h"
#include "fuzz_script.h"

#define MAX_MESSAGE     (WF_ENGINE_MIN_MESSAGE + 64 * 1024)
#define MAX_PENDING     64      /* WinFsp requests not yet completed */
#define MAX_HANDLES     32
#define MAX_OUT         64      /* FUSE requests taken out, not yet answered */
#define MAX_STEPS       400

/* Identities the script may give callers (config bit 3): a few uids and gids that also
   own the files, so that owner, group, other and root each meet the access checks. */
#define MAX_IDENTITIES  4
static const uint32_t small_ids[] = { 0, 1000, 1001, 2000 };

#define SD_CAP 2048u

/* A WinFsp request in progress: the buffer the engine writes to or reads from is ours. */
typedef struct pending {
    uint64_t hint;
    uint32_t kind;
    uint8_t *buffer;
    uint32_t length;
    int handle;                 /* index into handles[], or -1 */
} pending;

typedef struct handle {
    uint64_t context2;
    int outstanding;            /* requests on it still in progress */
    bool used;                  /* a slot is reused once its handle is closed */
    bool overwriting;           /* inside its Create: nothing else may use it */
} handle;

typedef struct out_request {
    uint64_t unique;
    uint32_t opcode;
    uint64_t nodeid;            /* the request's node */
    uint64_t name_node;         /* the node its name stands for (0: it names none) */
} out_request;

typedef struct fuzz_state {
    wf_engine *engine;
    pending pending[MAX_PENDING];
    int pending_count;
    handle handles[MAX_HANDLES];
    int handle_count;
    out_request out[MAX_OUT];
    int out_count;
    uint64_t next_hint;
    uint8_t *request;           /* transact's output */
    uint8_t *reply;             /* the reply being built */
    FSP_FSCTL_TRANSACT_REQ *req;
    wf_identity identities[MAX_IDENTITIES];
    int identity_count;         /* 0: no identity callback */
    uint8_t sd[SD_CAP];         /* the last descriptor parsed from SDDL, for requests */
    size_t sd_len;
    uint64_t now_ms;            /* the engine's clock */
} fuzz_state;

/* The engine's clock (wf_engine_params.clock): the script moves it, so that timeouts,
   cancellation graces, FORGET delays and cache sweeps happen at points the input decides,
   the same on every run. Each step moves it by 1 ms. */
static uint64_t fuzz_clock(void *host)
{
    return ((fuzz_state *)host)->now_ms;
}

/* Whether attributes get owners from small_ids (set per input, with identities). */
static bool owners_from_script;

static void fail(const char *what, uint64_t a, uint64_t b)
{
    fprintf(stderr, "fuzz_engine: invariant violated: %s (%llu, %llu)\n", what,
        (unsigned long long)a, (unsigned long long)b);
    abort();
}

/* A change record (wf_engine_params.notify): a full name from the root, "\\a\\b", no empty
   component, within WinFsp's path limit. */
static void on_notify(void *host, const FSP_FSCTL_NOTIFY_INFO *info)
{
    (void)host;
    if (info->Size < sizeof *info + 4 || (info->Size - sizeof *info) % 2 != 0 ||
        info->Size > sizeof *info + FSP_FSCTL_TRANSACT_PATH_SIZEMAX)
        fail("change record of a bad size", info->Size, 0);
    size_t units = (info->Size - sizeof *info) / 2;
    for (size_t i = 0; i < units; i++)
        if (info->FileNameBuf[i] == 0 || (info->FileNameBuf[i] == '\\' &&
                (i + 1 == units || info->FileNameBuf[i + 1] == '\\')))
            fail("change record with an empty component or a NUL", i, units);
    if (info->FileNameBuf[0] != '\\' || info->Action == 0 || info->Filter == 0)
        fail("change record not from the root, or without action or filter", info->Action,
            info->Filter);
}

static void on_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    fuzz_state *st = host;
    int i;
    for (i = 0; i < st->pending_count; i++)
        if (st->pending[i].hint == rsp->Hint)
            break;
    if (i == st->pending_count)
        fail("response to no request in progress (twice, or never submitted)", rsp->Hint, 0);
    pending *p = &st->pending[i];
    if (rsp->Kind != p->kind)
        fail("response kind differs from the request's", rsp->Kind, p->kind);
    if (rsp->Size < sizeof *rsp || rsp->Size > FSP_FSCTL_TRANSACT_RSP_SIZEMAX)
        fail("response Size out of bounds", rsp->Size, p->kind);
    if ((p->kind == FspFsctlTransactReadKind || p->kind == FspFsctlTransactQueryDirectoryKind) &&
        rsp->IoStatus.Information > p->length)
        fail("Information beyond the caller's buffer", rsp->IoStatus.Information, p->length);
    if (p->kind == FspFsctlTransactCreateKind && rsp->IoStatus.Status == STATUS_SUCCESS &&
        rsp->Rsp.Create.Opened.UserContext2) {
        for (int j = 0; j < MAX_HANDLES; j++)
            if (!st->handles[j].used) {
                st->handles[j] = (handle){ rsp->Rsp.Create.Opened.UserContext2, 0, true, false };
                if (j >= st->handle_count)
                    st->handle_count = j + 1;
                break;
            }
    }
    if (p->handle >= 0) {
        handle *h = &st->handles[p->handle];
        h->outstanding--;
        if (p->kind == FspFsctlTransactOverwriteKind) {
            /* A failed Overwrite ends the handle: the FSD sends no Cleanup or Close. */
            h->overwriting = false;
            if (!NT_SUCCESS(rsp->IoStatus.Status))
                h->used = false;
        }
    }
    free(p->buffer);
    st->pending[i] = st->pending[--st->pending_count];
}

/* A path from a small alphabet, so that names repeat and the cache is exercised. */
static uint16_t put_name(script *s, uint16_t *dst, uint16_t max_units)
{
    static const uint16_t alphabet[] = { '\\', '\\', 'a', 'b', 'c', '.', ':', '*', '?',
        '$', 0xd800, 0xdc00, 0x00e9, 0, '/', 'A' };
    uint16_t n = (uint16_t)(get8(s) % 24);
    if (n > max_units)
        n = max_units;
    for (uint16_t i = 0; i < n; i++) {
        uint8_t c = get8(s);
        dst[i] = c < 0xf0 ? alphabet[c % 16] : get16(s);
    }
    if (n == 0 || get8(s) % 8)
        dst[0] = '\\';
    return n;
}

static uint32_t align8(uint32_t x)
{
    return (x + 7) & ~7u;
}

/* The handle a request on a file uses: one the engine gave, or 0. */
static int pick_handle(fuzz_state *st, script *s)
{
    if (!st->handle_count)
        return -1;
    int i = get8(s) % (st->handle_count + 1);
    return i < st->handle_count && st->handles[i].used && !st->handles[i].overwriting ? i : -1;
}

static FSP_FSCTL_TRANSACT_BUF *main_buf(FSP_FSCTL_TRANSACT_REQ *req, uint32_t kind, uint8_t sel)
{
    switch (kind) {
    case FspFsctlTransactCreateKind:
        return sel & 1 ? &req->Req.Create.Ea : &req->Req.Create.SecurityDescriptor;
    case FspFsctlTransactOverwriteKind: return &req->Req.Overwrite.Ea;
    case FspFsctlTransactSetInformationKind: return &req->Req.SetInformation.Info.Rename.NewFileName;
    case FspFsctlTransactSetEaKind: return &req->Req.SetEa.Ea;
    case FspFsctlTransactSetVolumeInformationKind:
        return &req->Req.SetVolumeInformation.Info.Label.VolumeLabel;
    case FspFsctlTransactQueryDirectoryKind:
        return sel & 1 ? &req->Req.QueryDirectory.Marker : &req->Req.QueryDirectory.Pattern;
    case FspFsctlTransactFileSystemControlKind: return &req->Req.FileSystemControl.Buffer;
    case FspFsctlTransactDeviceControlKind: return &req->Req.DeviceControl.Buffer;
    case FspFsctlTransactSetSecurityKind: return &req->Req.SetSecurity.SecurityDescriptor;
    default: return NULL;
    }
}

/* Raw request fields rarely name a class or control code the engine handles: with the
   script's say-so, pick one that it does, and a create disposition that exists. */
static void make_meaningful(FSP_FSCTL_TRANSACT_REQ *req, uint32_t kind, script *s)
{
    static const uint32_t classes[] = { FileBasicInformation, FileRenameInformation,
        FileLinkInformation, FileDispositionInformation, FileAllocationInformation,
        FileEndOfFileInformation, FileDispositionInformationEx, FileRenameInformationEx };
    static const uint32_t codes[] = { FSCTL_GET_REPARSE_POINT, FSCTL_SET_REPARSE_POINT,
        FSCTL_DELETE_REPARSE_POINT, FSCTL_GET_REPARSE_POINT };
    uint8_t pick = get8(s);
    switch (kind) {
    case FspFsctlTransactSetInformationKind:
        req->Req.SetInformation.FileInformationClass = classes[pick % 8];
        if (pick & 0x80)
            req->Req.SetInformation.Info.DispositionEx.Flags = pick & 0x1f;
        break;
    case FspFsctlTransactFileSystemControlKind:
        req->Req.FileSystemControl.FsControlCode = codes[pick % 4];
        break;
    case FspFsctlTransactCreateKind:
        req->Req.Create.CreateOptions = (req->Req.Create.CreateOptions & 0x00ffffffu &
            (pick & 0x80 ? 0x00ffffffu : 0x5069u)) | (uint32_t)(pick % 6) << 24;
        req->Req.Create.UserMode = (pick >> 3) & 1;
        req->Req.Create.HasTraversePrivilege = (pick >> 4) & 1;
        req->Req.Create.OpenTargetDirectory = (pick & 0x60) == 0x60;
        req->Req.Create.EaIsReparsePoint = 0;
        break;
    case FspFsctlTransactCleanupKind:
        req->Req.Cleanup.Delete = pick & 1;
        break;
    case FspFsctlTransactSetSecurityKind:
        /* OWNER, GROUP, DACL (and SACL) in any combination. */
        req->Req.SetSecurity.SecurityInformation = pick & 0xf;
        break;
    default:
        break;
    }
}

/* A played file system that answers alike for the same name: the node a request's name
   stands for, from the name (2..11), so that a LOOKUP agrees with the CREATE, the READDIRPLUS
   and the LOOKUP before it, and multi-step operations (reparse points, renames) go on. */
static out_request out_request_of(const struct fuse_in_header *in)
{
    size_t len = in->len < MAX_MESSAGE ? in->len : MAX_MESSAGE;
    out_request out = { in->unique, in->opcode, in->nodeid, 0 };
    size_t skip;
    switch (in->opcode) {
    case FUSE_LOOKUP: case FUSE_SYMLINK: skip = 0; break;
    case FUSE_MKNOD: skip = sizeof(struct fuse_mknod_in); break;
    case FUSE_MKDIR: skip = sizeof(struct fuse_mkdir_in); break;
    case FUSE_CREATE: skip = sizeof(struct fuse_create_in); break;
    case FUSE_LINK: skip = sizeof(struct fuse_link_in); break;
    default: return out;
    }
    const uint8_t *name = (const uint8_t *)(in + 1) + skip;
    const uint8_t *end = (const uint8_t *)in + len;
    uint32_t hash = 2166136261u;
    for (; name < end && *name; name++)
        hash = (hash ^ *name) * 16777619u;
    out.name_node = 2 + (in->nodeid * 31 + hash) % 10;
    return out;
}

/* A symbolic link's REPARSE_DATA_BUFFER: tag, data length, reserved; then substitute and
   print name offsets and lengths, flags, and the two names. */
static uint16_t put_symlink(script *s, uint8_t *dst)
{
    uint16_t name[64];
    uint16_t bytes = (uint16_t)(put_name(s, name, 60) * 2);
    uint32_t tag = IO_REPARSE_TAG_SYMLINK;
    uint16_t head[6] = { (uint16_t)(12 + 2 * bytes), 0, 0, bytes, bytes, bytes };
    uint32_t link_flags = get8(s) & 1;      /* SYMLINK_FLAG_RELATIVE */
    memcpy(dst, &tag, 4);
    memcpy(dst + 4, head, sizeof head);
    memcpy(dst + 16, &link_flags, 4);
    memcpy(dst + 20, name, bytes);
    memcpy(dst + 20 + bytes, name, bytes);
    return (uint16_t)(20 + 2 * bytes);
}

/* A well-formed FILE_FULL_EA_INFORMATION list of 1-3 entries: next offset (4-aligned, 0 for
   the last), flags, name length, value length, name, NUL, value. */
static uint16_t put_eas(script *s, uint8_t *dst)
{
    uint16_t len = 0;
    uint16_t last = 0;
    uint8_t count = 1 + get8(s) % 3;
    for (uint8_t i = 0; i < count; i++) {
        uint8_t how = get8(s);
        uint8_t name_len = 1 + how % 8;
        uint8_t value_len = get8(s) % 24;
        uint32_t next = 0;
        if (i) {
            len = (uint16_t)((len + 3) & ~3u);
            next = (uint32_t)(len - last);
            memcpy(dst + last, &next, 4);
        }
        last = len;
        uint8_t *e = dst + len;
        memset(e, 0, 8);
        e[4] = how & 0x80 ? 0x80 : 0;       /* FILE_NEED_EA */
        e[5] = name_len;
        e[6] = value_len;
        for (uint8_t j = 0; j < name_len; j++) {
            uint8_t c = get8(s);
            e[8 + j] = c < 0xf0 ? (uint8_t)("abAB.x"[c % 6]) : c;
        }
        e[8 + name_len] = 0;
        get_bytes(s, e + 9 + name_len, value_len);
        len = (uint16_t)(len + 9 + name_len + value_len);
    }
    return len;
}

static void step_submit(fuzz_state *st, script *s)
{
    if (st->pending_count == MAX_PENDING)
        return;
    FSP_FSCTL_TRANSACT_REQ *req = st->req;
    memset(req, 0, FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    uint8_t kind_byte = get8(s);
    uint32_t kind = kind_byte < 0xf8 ? kind_byte % FspFsctlTransactKindCount : kind_byte;
    uint8_t flags = get8(s);
    req->Version = sizeof *req;
    req->Kind = kind;
    req->Hint = st->next_hint++;
    /* The kind's fields: raw bytes, then made meaningful below. */
    uint8_t req_len = get8(s);
    get_bytes(s, &req->Req, req_len < sizeof req->Req ? req_len : sizeof req->Req);
    uint32_t size = sizeof *req;

    /* FileName, then one more variable-size item for the kind. */
    uint16_t units = put_name(s, (uint16_t *)(void *)req->Buffer, 512);
    if (units) {
        uint16_t *name = (uint16_t *)(void *)req->Buffer;
        name[units] = 0;
        req->FileName.Offset = 0;
        req->FileName.Size = (uint16_t)((units + 1) * 2);
        size += align8(req->FileName.Size);
    }
    if (flags & 0x80)
        make_meaningful(req, kind, s);
    FSP_FSCTL_TRANSACT_BUF *buf = main_buf(req, kind, flags);
    if (kind == FspFsctlTransactFileSystemControlKind && (flags & 0x82) == 0x82 &&
            req->Req.FileSystemControl.FsControlCode == FSCTL_SET_REPARSE_POINT) {
        uint32_t offset = size - (uint32_t)sizeof *req;
        uint16_t len = put_symlink(s, req->Buffer + offset);
        buf->Offset = (uint16_t)offset;
        buf->Size = len;
        size += align8(len);
    } else if (kind == FspFsctlTransactSetSecurityKind && (flags & 0x80) && st->sd_len) {
        /* A meaningful SetSecurity carries the script's last well-formed descriptor. */
        uint32_t offset = size - (uint32_t)sizeof *req;
        memcpy(req->Buffer + offset, st->sd, st->sd_len);
        buf->Offset = (uint16_t)offset;
        buf->Size = (uint16_t)st->sd_len;
        size += align8((uint32_t)st->sd_len);
    } else if (buf && (flags & 2)) {
        uint16_t len = get16(s) % 1024;
        uint32_t offset = size - (uint32_t)sizeof *req;
        bool sd_buf = buf == &req->Req.Create.SecurityDescriptor ||
            kind == FspFsctlTransactSetSecurityKind;
        bool ea_buf = buf == &req->Req.Create.Ea || kind == FspFsctlTransactOverwriteKind ||
            kind == FspFsctlTransactSetEaKind;
        if (kind == FspFsctlTransactSetInformationKind) {
            len = (uint16_t)(put_name(s, (uint16_t *)(void *)(req->Buffer + offset), 300) * 2);
            ((uint16_t *)(void *)(req->Buffer + offset))[len / 2] = 0;
            len += 2;
        } else if (sd_buf && st->sd_len && (len & 1)) {
            /* A well-formed descriptor, from the script's SDDL. */
            len = (uint16_t)st->sd_len;
            memcpy(req->Buffer + offset, st->sd, len);
        } else if (ea_buf && (len & 3) == 2) {
            len = put_eas(s, req->Buffer + offset);
        } else {
            get_bytes(s, req->Buffer + offset, len);
        }
        buf->Offset = (uint16_t)offset;
        buf->Size = len;
        size += align8(len);
    }
    req->Size = (uint16_t)size;
    if ((flags & 0x1c) == 0x1c) {   /* malformed: any Size, any item bounds */
        req->Size = get16(s);
        req->FileName.Offset = get16(s);
        req->FileName.Size = get16(s);
        if (buf) {
            buf->Offset = get16(s);
            buf->Size = get16(s);
        }
    }

    pending *p = &st->pending[st->pending_count];
    memset(p, 0, sizeof *p);
    p->hint = req->Hint;
    p->kind = kind;
    p->handle = -1;
    if (kind != FspFsctlTransactCreateKind && kind < FspFsctlTransactKindCount &&
        kind != FspFsctlTransactQueryVolumeInformationKind &&
        kind != FspFsctlTransactSetVolumeInformationKind) {
        /* Every per-handle kind starts with UserContext, UserContext2. */
        int h = pick_handle(st, s);
        uint64_t context2 = h >= 0 ? st->handles[h].context2 : 0;
        /* The FSD closes a handle only once nothing else uses it, and overwrites it only
           inside its Create, before anything else can use it. */
        if ((kind == FspFsctlTransactCloseKind || kind == FspFsctlTransactOverwriteKind) &&
            h >= 0 && st->handles[h].outstanding)
            return;
        if (kind == FspFsctlTransactOverwriteKind && h >= 0)
            st->handles[h].overwriting = true;
        memcpy((uint8_t *)&req->Req + 8, &context2, 8);
        if (kind == FspFsctlTransactCloseKind && h >= 0) {
            st->handles[h].used = false;
            h = -1;
        }
        p->handle = h;
    }
    uint32_t length = get16(s);
    if (flags & 0x20)
        length |= (uint32_t)(get8(s) % 4) << 16;
    if (kind == FspFsctlTransactReadKind || kind == FspFsctlTransactWriteKind ||
        kind == FspFsctlTransactQueryDirectoryKind) {
        p->buffer = malloc(length ? length : 1);
        p->length = length;
        if (kind == FspFsctlTransactWriteKind)
        {
            memset(p->buffer, 0x5a, length);
            get_bytes(s, p->buffer, length < 64 ? length : 64);
        }
    }
    if (kind == FspFsctlTransactReadKind) {
        req->Req.Read.Address = (uint64_t)(uintptr_t)p->buffer;
        req->Req.Read.Length = length;
    } else if (kind == FspFsctlTransactWriteKind) {
        req->Req.Write.Address = (uint64_t)(uintptr_t)p->buffer;
        req->Req.Write.Length = length;
    } else if (kind == FspFsctlTransactQueryDirectoryKind) {
        req->Req.QueryDirectory.Address = (uint64_t)(uintptr_t)p->buffer;
        req->Req.QueryDirectory.Length = length;
    }
    /* Without identities tokens mean nothing; with them a token names one (or, past the
       table, none: the callback refuses it). */
    uint64_t token = 0;
    if (st->identity_count) {
        uint8_t t = get8(s);
        token = t < 0x20 ? 0 : ((uint64_t)42 << 32) | (1u + t % (st->identity_count + 1u));
    }
    if (kind == FspFsctlTransactCreateKind)
        req->Req.Create.AccessToken = token;
    if (kind == FspFsctlTransactSetInformationKind)
        req->Req.SetInformation.Info.Rename.AccessToken = token;
    if (p->handle >= 0)
        st->handles[p->handle].outstanding++;
    st->pending_count++;
    if (flags & 0x40) {
        size_t len = 0;
        wf_engine_submit_transact(st->engine, req, st->request, MAX_MESSAGE, &len);
        if (len >= sizeof(struct fuse_in_header) && st->out_count < MAX_OUT) {
            const struct fuse_in_header *in = (const void *)st->request;
            st->out[st->out_count++] = out_request_of(in);
        }
    } else {
        wf_engine_submit(st->engine, req);
    }
}

static void step_take(fuzz_state *st)
{
    size_t len = 0;
    NTSTATUS status = wf_engine_transact(st->engine, NULL, 0, st->request, MAX_MESSAGE, &len, 0);
    if (status != STATUS_SUCCESS || len == 0)
        return;
    if (len < sizeof(struct fuse_in_header) || len > MAX_MESSAGE)
        fail("request length out of bounds", len, 0);
    const struct fuse_in_header *in = (const void *)st->request;
    if (in->len != len)
        fail("request header len differs from its length", in->len, len);
    /* FORGET and BATCH_FORGET take no reply; INTERRUPT may get one (EAGAIN) but needs none. */
    if (in->opcode == FUSE_FORGET || in->opcode == FUSE_BATCH_FORGET || st->out_count == MAX_OUT)
        return;
    st->out[st->out_count++] = out_request_of(in);
}

/* A plausible fuse_attr: a known type, small node numbers, unless the script says raw. */
static void fix_attr(script *s, struct fuse_attr *attr, uint64_t nodeid)
{
    static const uint32_t types[] = { 0100000, 0040000, 0120000, 0010000 };
    uint8_t how = get8(s);
    if (how >= 0xf0)
        return;
    attr->ino = nodeid;
    /* bit 3: the type this node always has, so that replies agree over round trips */
    attr->mode = types[(how & 8 ? nodeid : how) % 4] | (attr->mode & 07777);
    if (how & 4)
        attr->size %= 1u << 20;
    attr->nlink = 1 + (attr->nlink & 3);
    if (owners_from_script) {
        uint8_t who = get8(s);
        attr->uid = small_ids[who % 4];
        attr->gid = small_ids[(who >> 2) % 4];
    }
}

static uint32_t body_entry(script *s, uint8_t *body, const out_request *out)
{
    struct fuse_entry_out e;
    get_bytes(s, &e, sizeof e);
    uint8_t pick = get8(s);
    e.nodeid = out && out->name_node && pick >= 0xc0 ? out->name_node : 1u + pick % 12u;
    if (get8(s) < 0x10)
        e.nodeid = get64(s);
    fix_attr(s, &e.attr, e.nodeid);
    memcpy(body, &e, sizeof e);
    return sizeof e;
}

static uint32_t body_dirents(script *s, uint8_t *body, uint32_t cap, bool plus)
{
    uint32_t len = 0;
    uint8_t count = get8(s) % 16;
    for (uint8_t i = 0; i < count; i++) {
        uint8_t entry[sizeof(struct fuse_entry_out)];
        uint32_t entry_len = plus ? body_entry(s, entry, NULL) : 0;
        struct fuse_dirent d;
        memset(&d, 0, sizeof d);
        d.ino = 1 + get8(s) % 12;
        d.off = len + 1 + get8(s);
        uint8_t raw = get8(s);
        d.namelen = raw < 0xf8 ? 1u + raw % 12u : get32(s);
        d.type = get8(s) % 16;
        uint32_t name_len = d.namelen < 300 ? d.namelen : 300;
        uint32_t rec = (uint32_t)FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + name_len);
        if (len + entry_len + rec > cap)
            break;
        memcpy(body + len, entry, entry_len);
        len += entry_len;
        memcpy(body + len, &d, FUSE_NAME_OFFSET);
        memset(body + len + FUSE_NAME_OFFSET, 0, rec - FUSE_NAME_OFFSET);
        for (uint32_t j = 0; j < name_len; j++) {
            uint8_t c = get8(s);
            body[len + FUSE_NAME_OFFSET + j] = c < 0xe0 ? (uint8_t)("ab.c/\\xyz:"[c % 10]) : c;
        }
        len += rec;
    }
    if (get8(s) < 0x20 && len) {    /* cut the last record short */
        uint32_t cut = 1u + get8(s) % 8;
        len -= cut < len ? cut : 0;
    }
    return len;
}

static uint32_t body_for(script *s, const out_request *out, uint8_t *body, uint32_t cap)
{
    uint32_t opcode = out->opcode;
    uint32_t len;
    switch (opcode) {
    case FUSE_LOOKUP: case FUSE_MKNOD: case FUSE_MKDIR: case FUSE_SYMLINK: case FUSE_LINK:
        return body_entry(s, body, out);
    case FUSE_CREATE:
        len = body_entry(s, body, out);
        get_bytes(s, body + len, sizeof(struct fuse_open_out));
        return len + sizeof(struct fuse_open_out);
    case FUSE_GETATTR: case FUSE_SETATTR: {
        struct fuse_attr_out a;
        get_bytes(s, &a, sizeof a);
        uint8_t pick = get8(s);
        fix_attr(s, &a.attr, pick >= 0xc0 ? out->nodeid : 1u + pick % 12u);
        memcpy(body, &a, sizeof a);
        return sizeof a;
    }
    case FUSE_OPEN: case FUSE_OPENDIR:
        get_bytes(s, body, sizeof(struct fuse_open_out));
        return sizeof(struct fuse_open_out);
    case FUSE_WRITE:
        get_bytes(s, body, sizeof(struct fuse_write_out));
        return sizeof(struct fuse_write_out);
    case FUSE_STATFS:
        get_bytes(s, body, sizeof(struct fuse_statfs_out));
        return sizeof(struct fuse_statfs_out);
    case FUSE_LSEEK:
        get_bytes(s, body, sizeof(struct fuse_lseek_out));
        return sizeof(struct fuse_lseek_out);
    case FUSE_GETXATTR: case FUSE_LISTXATTR:
        if (get8(s) & 1) {
            get_bytes(s, body, sizeof(struct fuse_getxattr_out));
            return sizeof(struct fuse_getxattr_out);
        }
        len = get16(s) % 512;
        if (opcode == FUSE_LISTXATTR && len >= 0x1c0) {
            /* A well-formed list: "user.N\0" names (EAs) and others, for the GETXATTRs
               that follow it. */
            uint32_t count = 1 + len % 4;
            len = 0;
            for (uint32_t i = 0; i < count; i++) {
                uint8_t c = get8(s);
                const char *prefix = c & 0x80 ? "trusted." : "user.";
                size_t n = strlen(prefix);
                memcpy(body + len, prefix, n);
                body[len + n] = (uint8_t)("abAB"[c % 4]);
                body[len + n + 1] = 0;
                len += (uint32_t)n + 2;
            }
            return len;
        }
        for (uint32_t i = 0; i < len; i++) {
            uint8_t c = get8(s);
            body[i] = c < 0xc0 ? (uint8_t)("user.a\0b\0"[c % 9]) : c;
        }
        return len;
    case FUSE_READDIR:
        return body_dirents(s, body, cap, false);
    case FUSE_READDIRPLUS:
        return body_dirents(s, body, cap, true);
    case FUSE_READ: case FUSE_READLINK: default:
        len = get16(s);
        if (len & 0x8000)
            len = (len & 0x7fff) * 4;
        if (len > cap)
            len = cap;
        get_bytes(s, body, len);
        return len;
    }
}

static void step_reply(fuzz_state *st, script *s)
{
    if (!st->out_count)
        return;
    int i = get8(s) % st->out_count;
    out_request out = st->out[i];
    st->out[i] = st->out[--st->out_count];
    uint8_t mode = get8(s);
    struct fuse_out_header h = { 0, 0, out.unique };
    uint8_t *body = st->reply + sizeof h;
    uint32_t cap = MAX_MESSAGE - (uint32_t)sizeof h;
    uint32_t len = 0;
    if (mode < 0xa0) {
        len = body_for(s, &out, body, cap);
    } else if (mode < 0xe0) {
        h.error = -(int32_t)(get8(s) % 140);
        if (mode & 1)       /* an error with a body: malformed */
            len = get8(s);
    } else if (mode < 0xf0) {
        len = get16(s) % 4096;
        get_bytes(s, body, len);
        h.error = (int32_t)get32(s);
    } else {
        len = get16(s) % 4096;
        get_bytes(s, body, len);
    }
    h.len = (uint32_t)sizeof h + len;
    uint32_t send = h.len;
    if (mode >= 0xf8) {         /* header len that lies */
        h.len = get32(s);
        send = (uint32_t)sizeof h + len;
        if (get8(s) & 1)
            send = get16(s) % (send + 1);
    }
    memcpy(st->reply, &h, sizeof h);
    size_t rlen = 0;
    bool take = get8(s) & 1;
    wf_engine_transact(st->engine, st->reply, send, take ? st->request : NULL,
        take ? MAX_MESSAGE : 0, take ? &rlen : NULL, 0);
    if (take && rlen >= sizeof(struct fuse_in_header) && st->out_count < MAX_OUT) {
        const struct fuse_in_header *in = (const void *)st->request;
        if (in->opcode != FUSE_FORGET && in->opcode != FUSE_BATCH_FORGET)
            st->out[st->out_count++] = out_request_of(in);
    }
}

/* A well-formed INVAL_INODE, INVAL_ENTRY or DELETE about nodes and names the played file
   system gives out. */
static uint32_t notify_body(script *s, uint8_t b, int32_t *code, uint8_t *body)
{
    uint64_t parent = 1 + get8(s) % 12, child = 2 + get8(s) % 10;
    uint8_t name_pick = get8(s);
    uint32_t namelen = 1 + name_pick % 3;
    uint32_t fixed;
    memset(body, 0, 64);
    switch (b % 3) {
    case 0:
        *code = FUSE_NOTIFY_INVAL_INODE;
        memcpy(body, &child, 8);
        return sizeof(struct fuse_notify_inval_inode_out);
    case 1:
        *code = FUSE_NOTIFY_INVAL_ENTRY;
        memcpy(body, &parent, 8);
        memcpy(body + 8, &namelen, 4);
        fixed = sizeof(struct fuse_notify_inval_entry_out);
        break;
    default:
        *code = FUSE_NOTIFY_DELETE;
        if (name_pick & 0x80)
            child = 0;
        memcpy(body, &parent, 8);
        memcpy(body + 8, &child, 8);
        memcpy(body + 16, &namelen, 4);
        fixed = sizeof(struct fuse_notify_delete_out);
        break;
    }
    for (uint32_t i = 0; i < namelen; i++)
        body[fixed + i] = (uint8_t)("abc"[(name_pick >> (2 * i)) % 3]);
    body[fixed + namelen] = 0;
    return fixed + namelen + 1;
}

static void step_notify(fuzz_state *st, script *s)
{
    uint8_t b = get8(s);
    struct fuse_out_header h = { 0, (int32_t)(1 + b % 10), 0 };
    uint8_t *body = st->reply + sizeof h;
    if (b >= 0xf0) {
        h.len = (uint32_t)sizeof h + notify_body(s, b, &h.error, body);
        memcpy(st->reply, &h, sizeof h);
        wf_engine_transact(st->engine, st->reply, h.len, NULL, 0, NULL, 0);
        return;
    }
    uint32_t len = get16(s) % 1024;
    get_bytes(s, body, len);
    if (len >= 16 && get8(s) & 1) {     /* a node the engine may know */
        uint64_t node = 1 + get8(s) % 12;
        memcpy(body, &node, 8);
    }
    h.len = (uint32_t)sizeof h + len;
    memcpy(st->reply, &h, sizeof h);
    wf_engine_transact(st->engine, st->reply, h.len, NULL, 0, NULL, 0);
}

static void step_cancel(fuzz_state *st, script *s)
{
    uint64_t hint;
    if (st->pending_count && get8(s) % 8)
        hint = st->pending[get8(s) % st->pending_count].hint;
    else
        hint = get64(s);
    wf_engine_cancel(st->engine, hint);
}

/* A cancellation with a grace: the request is given up when the clock passes it. */
static void step_cancel_within(fuzz_state *st, script *s)
{
    if (!st->pending_count)
        return;
    uint64_t hint = st->pending[get8(s) % st->pending_count].hint;
    wf_engine_cancel_within(st->engine, hint, get8(s) % 64);
}

/* The engine's SDDL, SID and uidmap= text readers and writers (code the shell and the
   hosts call): text from SDDL's own words, so that most of it parses; a descriptor that
   does is kept for the next Create or SetSecurity. */
static void step_sddl(fuzz_state *st, script *s)
{
    static const char *const words[] = { "O:", "G:", "D:", "P", "AI", "AR", "(A;", "(D;",
        ";", ";;", ";;;", ")", "FA", "FR", "FW", "FX", "GA", "GR", "0x1200a9", "WD", "SY",
        "BA", "BU", "AU", "CO", "S-1-5-21-1-2-3-1000", "S-1-5-21-1-2-3-1001", "S-1-22-1-1000",
        "S-1-22-2-2000", "OI", "CI", "IO", "NO_ACCESS_CONTROL", "S-1-", "5", "-", "1000:",
        "RC", "WD", "SD", "ID", "NP",
        /* whole parts, so that most texts are descriptors */
        "O:BA", "G:SY", "O:S-1-5-21-1-2-3-1000", "G:S-1-5-21-1-2-3-1001", "D:P",
        "D:AI", "(A;;FA;;;WD)", "(A;;0x1200a9;;;BU)", "(D;;FW;;;S-1-5-21-1-2-3-1001)",
        "(A;OICI;FRFX;;;AU)", "(A;;GA;;;CO)", "(A;IO;GRGW;;;SY)", "(D;;WDWO;;;WD)",
        "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)", "(A;;1180063;;;S-1-22-1-1000)" };
    char text[512];
    size_t len = 0;
    uint8_t count = get8(s) % 48;
    for (uint8_t i = 0; i < count; i++) {
        uint8_t w = get8(s);
        const char *word = w < 0xe0 ? words[w % (sizeof words / sizeof *words)] : NULL;
        size_t n = word ? strlen(word) : 1;
        if (len + n > sizeof text)
            break;
        if (word)
            memcpy(text + len, word, n);
        else
            text[len] = (char)get8(s);
        len += n;
    }
    uint8_t what = get8(s);
    size_t need = 0, got = 0;
    wf_sddl_error error = { 0, NULL };
    uint8_t sd[SD_CAP];
    NTSTATUS status = wf_sd_from_sddl(text, len, NULL, 0, &need, &error);
    if (status == STATUS_BUFFER_TOO_SMALL && need <= sizeof sd &&
            wf_sd_from_sddl(text, len, sd, sizeof sd, &got, &error) == STATUS_SUCCESS) {
        if (got != need)
            fail("SDDL sizing and parsing disagree", need, got);
        char back[4096];
        size_t back_len = 0;
        if (wf_sd_validate(sd, got) != STATUS_SUCCESS ||
                wf_sd_to_sddl(sd, got, back, sizeof back, &back_len) != STATUS_SUCCESS)
            fail("a descriptor parsed from SDDL does not format back", got, back_len);
        wf_sd_to_sddl(sd, got, back, what % 64, &back_len);    /* short: must refuse */
        /* What SetSecurity and Create do with it: POSIX from it, merged into the last. */
        wf_id_map map;
        memset(&map, 0, sizeof map);
        uint32_t uid = 1000, gid = 1000, mode = 0, present = 0;
        wf_sd_to_posix(&map, sd, got, &uid, &gid, &mode, &present);
        if (st->sd_len) {
            uint8_t merged[2 * SD_CAP];
            size_t merged_len = 0;
            if (wf_sd_merge(st->sd, st->sd_len, sd, got, what & 7, merged, sizeof merged,
                    &merged_len) == STATUS_SUCCESS &&
                    wf_sd_validate(merged, merged_len) != STATUS_SUCCESS)
                fail("a merge of valid descriptors is not valid", merged_len, what & 7);
        }
        memcpy(st->sd, sd, got);
        st->sd_len = got;
    } else if (status != STATUS_BUFFER_TOO_SMALL && error.offset > len) {
        fail("SDDL error beyond the text", error.offset, len);
    }
    /* A file's descriptor as QuerySecurity makes it reads back from its SDDL. */
    if (what & 0x80) {
        wf_id_map map;
        memset(&map, 0, sizeof map);
        uint32_t mode = (uint32_t)(what << 3 | what >> 2) & 01777;
        char sddl[1024];
        size_t n = 0, sd_len = 0, again = 0;
        if (wf_sd_from_posix(&map, small_ids[what % 4], small_ids[(what >> 2) % 4], mode,
                what & 0x40, sd, sizeof sd, &sd_len) != STATUS_SUCCESS ||
            wf_sd_to_sddl(sd, sd_len, sddl, sizeof sddl, &n) != STATUS_SUCCESS ||
            wf_sd_from_sddl(sddl, n, sd + SD_CAP / 2, SD_CAP / 2, &again, NULL) !=
                STATUS_SUCCESS)
            fail("a POSIX descriptor does not go through SDDL", mode, n);
    }
    wf_sid sid;
    char sid_text[WF_SID_STRING_MAX];
    size_t sid_len;
    if (wf_sid_from_string(text, len, &sid) == STATUS_SUCCESS &&
            wf_sid_to_string(&sid, sid_text, sizeof sid_text, &sid_len) != STATUS_SUCCESS)
        fail("a parsed SID does not format", len, 0);
    wf_id_map map;
    memset(&map, 0, sizeof map);
    wf_id_map_parse_uidmap(&map, text, len);
}

static void do_init(fuzz_state *st, script *s)
{
    size_t len = 0;
    if (wf_engine_transact(st->engine, NULL, 0, st->request, MAX_MESSAGE, &len, 0) !=
            STATUS_SUCCESS || len < sizeof(struct fuse_in_header))
        fail("no INIT request", len, 0);
    const struct fuse_in_header *in = (const void *)st->request;
    if (in->opcode != FUSE_INIT)
        fail("first request is not INIT", in->opcode, 0);
    uint8_t mode = get8(s);
    if (mode >= 0xf0) {         /* leave INIT for the script to answer */
        st->out[st->out_count++] = out_request_of(in);
        return;
    }
    struct fuse_init_out out;
    memset(&out, 0, sizeof out);
    out.major = 7;
    out.minor = mode < 0xe0 ? 12u + get8(s) % 34u : get32(s);
    out.flags = get32(s);
    if (mode & 1)
        out.flags |= FUSE_DO_READDIRPLUS;
    out.flags2 = mode & 2 ? get32(s) : 0;
    out.max_write = get32(s);
    out.max_pages = get16(s);
    out.time_gran = get32(s);
    out.max_readahead = get32(s);
    struct fuse_out_header h = { 0, 0, in->unique };
    uint32_t body = mode & 4 ? 24 : (uint32_t)sizeof out;  /* old, short INIT replies */
    h.len = (uint32_t)sizeof h + body;
    memcpy(st->reply, &h, sizeof h);
    memcpy(st->reply + sizeof h, &out, body);
    wf_engine_transact(st->engine, st->reply, h.len, NULL, 0, NULL, 0);
}

static bool resolve_identity(void *host, uint64_t token, wf_identity *identity)
{
    fuzz_state *st = host;
    uint32_t handle = (uint32_t)token;
    if (handle == 0 || handle > (uint32_t)st->identity_count)
        return false;
    uint32_t pid = identity->pid;
    *identity = st->identities[handle - 1];
    identity->pid = pid;
    return true;
}

/* S-1-5-21-1-2-3-RID: a domain account for a uidmap= entry. */
static void uidmap_sid(wf_sid *sid, uint32_t rid)
{
    memset(sid, 0, sizeof *sid);
    sid->revision = 1;
    sid->authority[5] = 5;
    sid->sub_count = 5;
    sid->sub[0] = 21;
    sid->sub[1] = 1;
    sid->sub[2] = 2;
    sid->sub[3] = 3;
    sid->sub[4] = rid;
}

/* Callers, and the volume's identity options, from the script. */
static void read_identities(fuzz_state *st, script *s, wf_engine_params *params)
{
    uint8_t how = get8(s);
    st->identity_count = 1 + how % MAX_IDENTITIES;
    for (int i = 0; i < st->identity_count; i++) {
        wf_identity *id = &st->identities[i];
        uint8_t b = get8(s);
        id->uid = small_ids[b % 4];
        id->gid = small_ids[(b >> 2) % 4];
        id->privileged = (b & 0x10) != 0;
        id->group_count = (b >> 5) % 4;
        if (b >= 0xf0)      /* more than fit: the engine must clamp */
            id->group_count = WF_IDENTITY_MAX_GROUPS + 1;
        for (uint32_t g = 0; g < id->group_count && g < WF_IDENTITY_MAX_GROUPS; g++)
            id->groups[g] = small_ids[get8(s) % 4];
    }
    params->identity = resolve_identity;
    wf_id_map *map = &params->id_map;
    if (how & 0x10) {
        map->set_uid = true;
        map->uid = small_ids[(how >> 5) % 4];
    }
    if (how & 0x20) {
        map->set_gid = true;
        map->gid = small_ids[(how >> 6) % 4];
    }
    if (how & 0x40) {
        map->set_umask = true;
        map->umask = get16(s) & 0777;
    }
    if (how & 0x80) {
        map->uidmap_count = 1;
        map->uidmap[0].uid = 1000;
        uidmap_sid(&map->uidmap[0].sid, get32(s));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    script s = { data, size };
    fuzz_state *st = calloc(1, sizeof *st);
    st->request = malloc(MAX_MESSAGE);
    st->reply = malloc(MAX_MESSAGE);
    st->req = malloc(FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    st->next_hint = 1;
    uint8_t config = get8(&s);
    wf_engine_params params = {
        .max_message = MAX_MESSAGE,
        .max_readahead = 128 * 1024,
        .uid = 1000, .gid = 1000, .pid = 42,
        .umask = config & 1 ? 022 : 0,
        .case_insensitive = (config & 2) != 0,
        .cache_capacity = config & 4 ? 4 : 0,
        .forget_delay_ms = 1 + (config >> 4),
        .complete = on_complete,
        .notify = on_notify,
        .host = st,
        .clock = fuzz_clock,
    };
    st->now_ms = 1000000;
    if ((config >> 4) == 15) {      /* more parameters */
        uint8_t more = get8(&s);
        static const uint32_t timeouts[] = { 0, 1, 30, 1000 };
        params.no_destroy = more & 1;
        params.request_timeout_ms = timeouts[(more >> 1) & 3];
        params.forget_delay_ms = more >> 3;     /* 0: the default */
    }
    owners_from_script = (config & 8) != 0;
    if (config & 8)
        read_identities(st, &s, &params);
    if (wf_engine_create(&params, &st->engine) != STATUS_SUCCESS)
        fail("engine creation failed", 0, 0);
    do_init(st, &s);

    for (int steps = 0; s.n && steps < MAX_STEPS; steps++) {
        uint8_t op = get8(&s);
        if (op < 0x50)
            step_submit(st, &s);
        else if (op < 0x80)
            step_take(st);
        else if (op < 0xd8)
            step_reply(st, &s);
        else if (op < 0xe8)
            step_notify(st, &s);
        else if (op < 0xf8)
            step_cancel(st, &s);
        else if (op < 0xfc)
            wf_engine_shutdown(st->engine);
        else if (op == 0xfc)
            wf_engine_disconnect(st->engine);
        else if (op == 0xfd) {
            uint8_t a = get8(&s);
            st->now_ms += a < 0xc0 ? a : (uint64_t)(a - 0xbf) * 1000;
        } else if (op == 0xfe)
            step_cancel_within(st, &s);
        else
            step_sddl(st, &s);
        st->now_ms++;
    }

    /* Unmount: requests still out are answered by nobody; all must complete. */
    wf_engine_shutdown(st->engine);
    for (int i = 0; i < 8; i++)
        step_take(st);
    wf_engine_disconnect(st->engine);
    if (st->pending_count)
        fail("requests left without a response after disconnect", st->pending_count,
            st->pending[0].kind);
    wf_engine_info info;
    wf_engine_get_info(st->engine, &info);
    if (info.connected)
        fail("connected after disconnect", 0, 0);
    FSP_FSCTL_VOLUME_PARAMS volume;
    wf_engine_get_volume_params(st->engine, &volume);
    if (volume.CaseSensitiveSearch == params.case_insensitive)
        fail("volume case sensitivity differs from the engine's", params.case_insensitive, 0);
    wf_engine_delete(st->engine);
    free(st->req);
    free(st->reply);
    free(st->request);
    free(st);
    return 0;
}
