/* fuzz_fsd.c — libFuzzer target: the FSD stand-in's NT calls with script-chosen arguments,
   through the engine, against a small in-process FUSE file system that answers every request
   at once (sometimes with an error the script picks); every call must return. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsd.h"
#include "winfuse/fuse_abi.h"
#include "winfuse/nt_constants.h"
#include "fuzz_script.h"

#define MAX_MESSAGE     (WF_ENGINE_MIN_MESSAGE + 64 * 1024)
#define MAX_NODES       24
#define NAME_MAX_LEN    24
#define MAX_FILES       8
#define MAX_STEPS       64
#define DATA_CAP        (64 * 1024)

/* A node of the played file system; nodeid is its index + 1 (1 is the root). */
typedef struct node {
    bool used;
    uint64_t parent;
    char name[NAME_MAX_LEN + 1];
    uint32_t mode;
    uint64_t size;
    uint32_t nlink;
    uint32_t uid, gid;
    char xname[NAME_MAX_LEN + 1];   /* one xattr, when xname[0] */
    uint8_t xvalue[32];
    uint32_t xlen;
} node;

typedef struct fuzz_state {
    script s;
    wf_engine *engine;
    wf_fsd *fsd;
    node nodes[MAX_NODES];
    wf_fsd_file *files[MAX_FILES];
    uint8_t *request, *reply, *data;
    uint32_t errors;            /* how often the file system refuses: 1 in errors + 1 */
    uint64_t waiting;           /* Hint of the call being submitted */
    bool waiting_done;
    int depth;                  /* submits nested inside a submit */
    wf_identity identity;
} fuzz_state;

static void fail(const char *what, uint64_t a)
{
    fprintf(stderr, "fuzz_fsd: invariant violated: %s (%llu)\n", what, (unsigned long long)a);
    abort();
}

/* ---- the played file system ------------------------------------------------------------- */

static node *node_of(fuzz_state *st, uint64_t id)
{
    return id >= 1 && id <= MAX_NODES && st->nodes[id - 1].used ? &st->nodes[id - 1] : NULL;
}

static uint64_t child(fuzz_state *st, uint64_t parent, const char *name)
{
    for (uint64_t i = 1; i < MAX_NODES; i++)
        if (st->nodes[i].used && st->nodes[i].parent == parent &&
                strcmp(st->nodes[i].name, name) == 0)
            return i + 1;
    return 0;
}

static bool has_children(fuzz_state *st, uint64_t id)
{
    for (uint64_t i = 1; i < MAX_NODES; i++)
        if (st->nodes[i].used && st->nodes[i].parent == id)
            return true;
    return false;
}

static void fill_attr(fuzz_state *st, uint64_t id, struct fuse_attr *a)
{
    node *n = node_of(st, id);
    memset(a, 0, sizeof *a);
    a->ino = id;
    a->mode = n->mode;
    a->size = n->size;
    a->blocks = (n->size + 511) / 512;
    a->nlink = n->nlink;
    a->uid = n->uid;
    a->gid = n->gid;
    a->blksize = 4096;
    a->mtime = a->ctime = a->atime = 1700000000;
}

static uint32_t put_entry(fuzz_state *st, uint64_t id, uint8_t *body)
{
    struct fuse_entry_out e;
    memset(&e, 0, sizeof e);
    e.nodeid = id;
    e.entry_valid = e.attr_valid = get8(&st->s) & 1;
    fill_attr(st, id, &e.attr);
    memcpy(body, &e, sizeof e);
    return sizeof e;
}

/* A new node under parent, or 0 (errno in *err). */
static uint64_t make_node(fuzz_state *st, uint64_t parent, const char *name, uint32_t mode,
    int *err)
{
    if (!node_of(st, parent) || (node_of(st, parent)->mode & 0170000) != 0040000) {
        *err = 20;      /* ENOTDIR */
        return 0;
    }
    if (child(st, parent, name)) {
        *err = 17;      /* EEXIST */
        return 0;
    }
    if (strlen(name) > NAME_MAX_LEN) {
        *err = 36;      /* ENAMETOOLONG */
        return 0;
    }
    for (uint64_t i = 1; i < MAX_NODES; i++)
        if (!st->nodes[i].used) {
            node *n = &st->nodes[i];
            memset(n, 0, sizeof *n);
            n->used = true;
            n->parent = parent;
            strcpy(n->name, name);
            n->mode = mode;
            n->nlink = (mode & 0170000) == 0040000 ? 2 : 1;
            n->uid = n->gid = 1000;
            return i + 1;
        }
    *err = 28;          /* ENOSPC */
    return 0;
}

/* The name after a fixed-size part of a request body, if it is NUL-terminated in it. */
static const char *name_at(const uint8_t *body, uint32_t body_len, uint32_t offset)
{
    if (offset >= body_len || !memchr(body + offset, 0, body_len - offset))
        return NULL;
    return (const char *)body + offset;
}

static uint32_t dirents(fuzz_state *st, uint64_t dir, uint64_t offset, uint32_t cap,
    bool plus, uint8_t *body)
{
    uint32_t len = 0;
    /* Offsets: 1 ".", 2 "..", then node index + 3. */
    for (uint64_t pos = offset; pos < MAX_NODES + 2; pos++) {
        uint64_t id;
        const char *name;
        if (pos == 0) {
            id = dir;
            name = ".";
        } else if (pos == 1) {
            id = node_of(st, dir)->parent ? node_of(st, dir)->parent : 1;
            name = "..";
        } else {
            id = pos - 1;
            if (!node_of(st, id) || id == 1 || node_of(st, id)->parent != dir)
                continue;
            name = node_of(st, id)->name;
        }
        uint32_t namelen = (uint32_t)strlen(name);
        uint32_t rec = (uint32_t)FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);
        uint32_t entry = plus ? (uint32_t)sizeof(struct fuse_entry_out) : 0;
        if (len + entry + rec > cap)
            break;
        if (plus) {
            if (pos < 2) {
                memset(body + len, 0, entry);   /* . and ..: no entry, as libfuse */
                len += entry;
            } else {
                len += put_entry(st, id, body + len);
            }
        }
        struct fuse_dirent d = { id, pos + 1, namelen, (node_of(st, id)->mode >> 12) & 017 };
        memcpy(body + len, &d, FUSE_NAME_OFFSET);
        memset(body + len + FUSE_NAME_OFFSET, 0, rec - FUSE_NAME_OFFSET);
        memcpy(body + len + FUSE_NAME_OFFSET, name, namelen);
        len += rec;
    }
    return len;
}

/* The answer to one FUSE request: its body length, the errno in *err (0: success). */
static uint32_t answer(fuzz_state *st, const struct fuse_in_header *in, const uint8_t *b,
    uint32_t blen, uint8_t *body, int *err)
{
    static const int refusals[] = { 2, 5, 13, 38, 95, 17, 39, 28, 1, 61, 22, 36 };
    node *n = node_of(st, in->nodeid);
    *err = 0;
    if (in->opcode != FUSE_INIT && in->opcode != FUSE_DESTROY && st->errors &&
            get8(&st->s) % st->errors == 0) {
        *err = refusals[get8(&st->s) % 12];
        return 0;
    }
    if (!n && in->opcode != FUSE_INIT && in->opcode != FUSE_DESTROY &&
            in->opcode != FUSE_STATFS) {
        *err = 2;
        return 0;
    }
    switch (in->opcode) {
    case FUSE_INIT: {
        struct fuse_init_out o;
        memset(&o, 0, sizeof o);
        o.major = 7;
        o.minor = 31;
        o.max_write = 64 * 1024;
        o.max_pages = 16;
        o.flags = get32(&st->s);
        memcpy(body, &o, sizeof o);
        return sizeof o;
    }
    case FUSE_LOOKUP: {
        const char *name = name_at(b, blen, 0);
        uint64_t id = name ? child(st, in->nodeid, name) : 0;
        if (!id) {
            *err = 2;
            return 0;
        }
        return put_entry(st, id, body);
    }
    case FUSE_GETATTR: case FUSE_SETATTR: {
        if (in->opcode == FUSE_SETATTR && blen >= sizeof(struct fuse_setattr_in)) {
            struct fuse_setattr_in a;
            memcpy(&a, b, sizeof a);
            if (a.valid & FATTR_SIZE) {
                if ((n->mode & 0170000) == 0040000) {
                    *err = 21;
                    return 0;
                }
                n->size = a.size % (1u << 20);
            }
            if (a.valid & FATTR_MODE)
                n->mode = (n->mode & 0170000) | (a.mode & 07777);
        }
        struct fuse_attr_out o;
        memset(&o, 0, sizeof o);
        fill_attr(st, in->nodeid, &o.attr);
        memcpy(body, &o, sizeof o);
        return sizeof o;
    }
    case FUSE_MKNOD: case FUSE_MKDIR: case FUSE_CREATE: case FUSE_SYMLINK: {
        uint32_t fixed = in->opcode == FUSE_MKNOD ? sizeof(struct fuse_mknod_in) :
            in->opcode == FUSE_MKDIR ? sizeof(struct fuse_mkdir_in) :
            in->opcode == FUSE_CREATE ? sizeof(struct fuse_create_in) : 0;
        const char *name = name_at(b, blen, fixed);
        uint32_t mode = 0120777;
        if (!name || blen < fixed) {
            *err = 22;
            return 0;
        }
        if (in->opcode == FUSE_MKDIR)
            mode = 0040000 | (((const struct fuse_mkdir_in *)(const void *)b)->mode & 07777);
        else if (in->opcode != FUSE_SYMLINK)
            mode = ((const struct fuse_mknod_in *)(const void *)b)->mode;
        if (in->opcode == FUSE_CREATE)
            mode = 0100000 | (mode & 07777);
        uint64_t id = make_node(st, in->nodeid, name, mode ? mode : 0100644, err);
        if (!id)
            return 0;
        uint32_t len = put_entry(st, id, body);
        if (in->opcode == FUSE_CREATE) {
            struct fuse_open_out o = { id, 0, 0 };
            memcpy(body + len, &o, sizeof o);
            len += sizeof o;
        }
        return len;
    }
    case FUSE_LINK: {
        const char *name = name_at(b, blen, sizeof(struct fuse_link_in));
        if (!name) {
            *err = 22;
            return 0;
        }
        uint64_t old = ((const struct fuse_link_in *)(const void *)b)->oldnodeid;
        node *o = node_of(st, old);
        if (!o || (o->mode & 0170000) == 0040000) {
            *err = 1;
            return 0;
        }
        if (child(st, in->nodeid, name)) {
            *err = 17;
            return 0;
        }
        o->nlink++;
        return put_entry(st, old, body);
    }
    case FUSE_UNLINK: case FUSE_RMDIR: {
        const char *name = name_at(b, blen, 0);
        uint64_t id = name ? child(st, in->nodeid, name) : 0;
        if (!id) {
            *err = 2;
            return 0;
        }
        bool dir = (node_of(st, id)->mode & 0170000) == 0040000;
        if (dir != (in->opcode == FUSE_RMDIR)) {
            *err = dir ? 21 : 20;
            return 0;
        }
        if (dir && has_children(st, id)) {
            *err = 39;
            return 0;
        }
        node_of(st, id)->used = false;
        return 0;
    }
    case FUSE_RENAME: case FUSE_RENAME2: {
        uint32_t fixed = in->opcode == FUSE_RENAME ? sizeof(struct fuse_rename_in) :
            sizeof(struct fuse_rename2_in);
        const char *old = name_at(b, blen, fixed);
        const char *new = old ? name_at(b, blen, fixed + (uint32_t)strlen(old) + 1) : NULL;
        if (!new || blen < fixed) {
            *err = 22;
            return 0;
        }
        uint64_t newdir = ((const struct fuse_rename_in *)(const void *)b)->newdir;
        uint32_t flags = in->opcode == FUSE_RENAME2 ?
            ((const struct fuse_rename2_in *)(const void *)b)->flags : 0;
        uint64_t id = child(st, in->nodeid, old);
        node *d = node_of(st, newdir);
        if (!id || !d || strlen(new) > NAME_MAX_LEN) {
            *err = !id || !d ? 2 : 36;
            return 0;
        }
        uint64_t target = child(st, newdir, new);
        if (target && (flags & 1)) {
            *err = 17;
            return 0;
        }
        for (uint64_t up = newdir; up; up = node_of(st, up) ? node_of(st, up)->parent : 0)
            if (up == id) {
                *err = 22;
                return 0;
            }
        if (target && target != id) {
            if (has_children(st, target)) {
                *err = 39;
                return 0;
            }
            node_of(st, target)->used = false;
        }
        node_of(st, id)->parent = newdir;
        strcpy(node_of(st, id)->name, new);
        return 0;
    }
    case FUSE_OPEN: case FUSE_OPENDIR: {
        struct fuse_open_out o = { in->nodeid, 0, 0 };
        memcpy(body, &o, sizeof o);
        return sizeof o;
    }
    case FUSE_READ: {
        if (blen < sizeof(struct fuse_read_in))
            return 0;
        struct fuse_read_in r;
        memcpy(&r, b, sizeof r);
        uint64_t len = r.offset < n->size ? n->size - r.offset : 0;
        if (len > r.size)
            len = r.size;
        if (len > MAX_MESSAGE - sizeof(struct fuse_out_header))
            len = MAX_MESSAGE - sizeof(struct fuse_out_header);
        memset(body, 'x', len);
        return (uint32_t)len;
    }
    case FUSE_WRITE: {
        if (blen < sizeof(struct fuse_write_in))
            return 0;
        struct fuse_write_in w;
        memcpy(&w, b, sizeof w);
        if (w.offset + w.size > n->size)
            n->size = (w.offset + w.size) % (1u << 24);
        struct fuse_write_out o = { w.size, 0 };
        memcpy(body, &o, sizeof o);
        return sizeof o;
    }
    case FUSE_READDIR: case FUSE_READDIRPLUS: {
        if (blen < sizeof(struct fuse_read_in) || (n->mode & 0170000) != 0040000) {
            *err = 20;
            return 0;
        }
        struct fuse_read_in r;
        memcpy(&r, b, sizeof r);
        uint32_t cap = r.size < MAX_MESSAGE - 16 ? r.size : MAX_MESSAGE - 16;
        return dirents(st, in->nodeid, r.offset, cap, in->opcode == FUSE_READDIRPLUS, body);
    }
    case FUSE_STATFS: {
        struct fuse_statfs_out o;
        memset(&o, 0, sizeof o);
        o.st.blocks = 1000;
        o.st.bfree = o.st.bavail = 500;
        o.st.files = MAX_NODES;
        o.st.bsize = o.st.frsize = 4096;
        o.st.namelen = NAME_MAX_LEN;
        memcpy(body, &o, sizeof o);
        return sizeof o;
    }
    case FUSE_READLINK:
        if ((n->mode & 0170000) != 0120000) {
            *err = 22;
            return 0;
        }
    {
        static const char *const targets[] = { "a", "../b", "/abs", "d/../c.txt" };
        const char *t = targets[get8(&st->s) % 4];
        memcpy(body, t, strlen(t));
        return (uint32_t)strlen(t);
    }
    case FUSE_GETXATTR: case FUSE_LISTXATTR: {
        if (blen < sizeof(struct fuse_getxattr_in))
            return 0;
        uint32_t want = ((const struct fuse_getxattr_in *)(const void *)b)->size;
        const uint8_t *value = (const uint8_t *)n->xname;
        uint32_t len = n->xname[0] ? (uint32_t)strlen(n->xname) + 1 : 0;
        if (in->opcode == FUSE_GETXATTR) {
            const char *name = name_at(b, blen, sizeof(struct fuse_getxattr_in));
            if (!name || !n->xname[0] || strcmp(name, n->xname) != 0) {
                *err = 61;      /* ENODATA */
                return 0;
            }
            value = n->xvalue;
            len = n->xlen;
        }
        if (want == 0) {
            struct fuse_getxattr_out o = { len, 0 };
            memcpy(body, &o, sizeof o);
            return sizeof o;
        }
        if (want < len) {
            *err = 34;          /* ERANGE */
            return 0;
        }
        memcpy(body, value, len);
        return len;
    }
    case FUSE_SETXATTR: {
        wf_engine_info info;
        wf_engine_get_info(st->engine, &info);
        uint32_t fixed = info.flags & FUSE_SETXATTR_EXT ? sizeof(struct fuse_setxattr_in) :
            FUSE_COMPAT_SETXATTR_IN_SIZE;
        const char *name = name_at(b, blen, fixed);
        if (!name || blen < fixed) {
            *err = 22;
            return 0;
        }
        uint32_t size = ((const struct fuse_setxattr_in *)(const void *)b)->size;
        uint32_t at = fixed + (uint32_t)strlen(name) + 1;
        if (strlen(name) > NAME_MAX_LEN || size > sizeof n->xvalue) {
            *err = 28;
            return 0;
        }
        if (at + size > blen) {
            *err = 22;
            return 0;
        }
        strcpy(n->xname, name);
        memcpy(n->xvalue, b + at, size);
        n->xlen = size;
        return 0;
    }
    case FUSE_REMOVEXATTR: {
        const char *name = name_at(b, blen, 0);
        if (!name || strcmp(name, n->xname) != 0) {
            *err = 61;
            return 0;
        }
        n->xname[0] = '\0';
        return 0;
    }
    case FUSE_RELEASE: case FUSE_RELEASEDIR:
    case FUSE_FLUSH: case FUSE_FSYNC: case FUSE_FSYNCDIR: case FUSE_ACCESS:
    case FUSE_DESTROY: case FUSE_SETLK: case FUSE_FALLOCATE:
        return 0;
    default:
        *err = 38;      /* ENOSYS */
        return 0;
    }
}

/* Answers every FUSE request the engine hands out until it has none ready. */
static void pump(fuzz_state *st, size_t len)
{
    for (int rounds = 0; rounds < 10000; rounds++) {
        if (!len) {
            wf_engine_transact(st->engine, NULL, 0, st->request, MAX_MESSAGE, &len, 0);
            if (!len)
                return;
        }
        struct fuse_in_header in;
        if (len < sizeof in)
            fail("a request shorter than its header", len);
        memcpy(&in, st->request, sizeof in);
        if (in.opcode == FUSE_FORGET || in.opcode == FUSE_BATCH_FORGET ||
                in.opcode == FUSE_INTERRUPT) {
            len = 0;
            continue;
        }
        int err = 0;
        uint32_t body = answer(st, &in, st->request + sizeof in, (uint32_t)(len - sizeof in),
            st->reply + sizeof(struct fuse_out_header), &err);
        struct fuse_out_header h = { (uint32_t)sizeof h + (err ? 0 : body), -err, in.unique };
        memcpy(st->reply, &h, sizeof h);
        len = 0;
        wf_engine_transact(st->engine, st->reply, h.len, st->request, MAX_MESSAGE, &len, 0);
    }
    fail("the engine asks without end", 0);
}

/* ---- the stand-in's side ---------------------------------------------------------------- */

static void on_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    fuzz_state *st = host;
    if (rsp->Hint == st->waiting)
        st->waiting_done = true;
    wf_fsd_complete(st->fsd, rsp);
}

static void on_submit(void *ctx, const FSP_FSCTL_TRANSACT_REQ *req)
{
    fuzz_state *st = ctx;
    size_t len = 0;
    uint64_t outer = st->waiting;
    bool outer_done = st->waiting_done;
    st->waiting = req->Hint;
    st->waiting_done = false;
    st->depth++;
    wf_engine_submit_transact(st->engine, req, st->request, MAX_MESSAGE, &len);
    pump(st, len);
    /* Every request is answered at once, so an unanswered one would wait for ever. */
    if (!st->waiting_done)
        fail("a request left without a response with the file system idle", req->Kind);
    st->depth--;
    st->waiting = outer;
    st->waiting_done = outer_done;
}

static bool resolve(void *host, uint64_t token, wf_identity *identity)
{
    fuzz_state *st = host;
    return wf_fsd_resolve_token(st->fsd, token, identity);
}

/* A path from a small set of components, so that names meet again. */
static void make_path(script *s, char *out, size_t cap)
{
    static const char *const parts[] = { "a", "b", "A", "d", "c.txt", "x:s", "*", "?", "..",
        ".", "", "e<", "\xc3\xa9", "f ", "a.b.c", "con" };
    size_t len = 0;
    uint8_t count = 1 + get8(s) % 4;
    for (uint8_t i = 0; i < count && len + 32 < cap; i++) {
        uint8_t p = get8(s);
        out[len++] = p & 0x80 && i == 0 ? '/' : '\\';
        const char *part = parts[p % 16];
        memcpy(out + len, part, strlen(part));
        len += strlen(part);
    }
    if (get8(s) < 8)
        out[len++] = '\\';
    out[len] = '\0';
}

static int free_slot(fuzz_state *st)
{
    for (int i = 0; i < MAX_FILES; i++)
        if (!st->files[i])
            return i;
    return -1;
}

static int pick_file(fuzz_state *st)
{
    int start = get8(&st->s) % MAX_FILES;
    for (int i = 0; i < MAX_FILES; i++)
        if (st->files[(start + i) % MAX_FILES])
            return (start + i) % MAX_FILES;
    return -1;
}

static bool dir_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    fuzz_state *st = ctx;
    (void)info;
    if (!name || !*name)
        fail("a listed entry without a name", 0);
    return get8(&st->s) % 4 != 0;
}

/* A FILE_FULL_EA_INFORMATION list of one or two entries (raw bytes when the script says). */
static uint32_t put_eas(script *s, uint8_t *dst, uint32_t cap)
{
    static const char *const names[] = { "A", "B.X", "USER", "a", "" };
    uint8_t how = get8(s);
    if (how >= 0xe0) {
        uint32_t len = get8(s) % cap;
        get_bytes(s, dst, len);
        return len;
    }
    uint32_t len = 0, last = 0;
    for (int i = 0; i < 1 + (how & 1); i++) {
        const char *name = names[get8(s) % 5];
        uint8_t value_len = get8(s) % 12;
        uint32_t entry = 8 + (uint32_t)strlen(name) + 1 + value_len;
        uint32_t padded = (entry + 3) & ~3u;
        if (len + padded > cap)
            break;
        if (i)
            memcpy(dst + last, &(uint32_t){ len - last }, 4);
        last = len;
        memset(dst + len, 0, padded);
        dst[len + 4] = 0;
        dst[len + 5] = (uint8_t)strlen(name);
        dst[len + 6] = value_len;
        memcpy(dst + len + 8, name, strlen(name));
        memset(dst + len + 8 + strlen(name) + 1, 'v', value_len);
        len += padded;
    }
    return len;
}

/* A symbolic link's REPARSE_DATA_BUFFER (raw bytes when the script says). */
static uint32_t put_symlink(script *s, uint8_t *dst, uint32_t cap)
{
    static const char *const targets[] = { "a", "..\\b", "\\??\\C:\\x", "d\\c.txt" };
    uint8_t how = get8(s);
    if (how >= 0xe0) {
        uint32_t len = get8(s) % cap;
        get_bytes(s, dst, len);
        return len;
    }
    const char *t = targets[how % 4];
    uint16_t bytes = (uint16_t)(strlen(t) * 2);
    uint32_t tag = how & 0x10 ? 0x80000014u /* NFS */ : 0xa000000cu /* SYMLINK */;
    uint16_t head[6] = { (uint16_t)(12 + 2 * bytes), 0, 0, bytes, bytes, bytes };
    uint32_t flags = how % 4 != 2;      /* SYMLINK_FLAG_RELATIVE unless absolute */
    memcpy(dst, &tag, 4);
    memcpy(dst + 4, head, sizeof head);
    memcpy(dst + 16, &flags, 4);
    for (size_t i = 0; i < strlen(t); i++) {
        uint16_t c = (uint8_t)t[i];
        memcpy(dst + 20 + 2 * i, &c, 2);
        memcpy(dst + 20 + bytes + 2 * i, &c, 2);
    }
    return 20u + 2u * bytes;
}

static void step_create(fuzz_state *st, uint8_t how)
{
    static const uint32_t accesses[] = { FILE_READ_DATA, FILE_GENERIC_READ, FILE_GENERIC_WRITE,
        DELETE, FILE_READ_ATTRIBUTES, GENERIC_ALL, FILE_WRITE_DATA | DELETE, 0 };
    script *s = &st->s;
    char path[256];
    int slot = free_slot(st);
    if (slot < 0)
        return;
    make_path(s, path, sizeof path);
    uint8_t a = get8(s);
    uint32_t access = a >= 0xf0 ? get32(s) : accesses[a % 8] | (a & 8 ? SYNCHRONIZE : 0);
    uint32_t attributes = get8(s) < 0x40 ? get32(s) : 0;
    uint32_t share = get8(s) % 8;
    uint32_t disposition = get8(s) % 7;
    uint8_t o = get8(s);
    uint32_t options = o >= 0xf0 ? get32(s) :
        (o & 1 ? FILE_DIRECTORY_FILE : 0) | (o & 2 ? FILE_NON_DIRECTORY_FILE : 0) |
        (o & 4 ? FILE_DELETE_ON_CLOSE : 0) | (o & 8 ? FILE_OPEN_REPARSE_POINT : 0);
    uint64_t allocation = get8(s) & 1 ? get16(s) : 0;
    uint32_t information = 0;
    wf_fsd_file *file = NULL;
    NTSTATUS status;
    wf_fsd_create_params params = { .path = path, .desired_access = access,
        .file_attributes = attributes, .share_access = share, .create_disposition = disposition,
        .create_options = options, .allocation_size = allocation };
    uint8_t data[256];
    if (how == 1) {
        params.ea = data;
        params.ea_length = put_eas(s, data, sizeof data);
    } else if (how == 2) {
        params.sd = data;
        params.sd_length = get8(s);
        get_bytes(s, data, params.sd_length);
    } else {
        params.flags = get8(s) & 1 ? WF_FSD_OPEN_TARGET_DIRECTORY : 0;
    }
    status = wf_fsd_create_file(st->fsd, &params, &file, &information);
    if (NT_SUCCESS(status) != (file != NULL) && status != STATUS_REPARSE)
        fail("a Create's status and handle disagree", status);
    if (file)
        st->files[slot] = file;
}

static void step_file(fuzz_state *st, uint8_t op)
{
    script *s = &st->s;
    int i = pick_file(st);
    if (i < 0)
        return;
    wf_fsd_file *f = st->files[i];
    FSP_FSCTL_FILE_INFO info;
    uint32_t bytes = 0;
    char path[256];
    switch (op) {
    case 0: {
        uint32_t len = get16(s) % DATA_CAP;
        if (wf_fsd_read(f, st->data, get8(s) & 1 ? get16(s) : get64(s), len, &bytes) ==
                STATUS_SUCCESS && bytes > len)
            fail("a read longer than asked", bytes);
        break;
    }
    case 1: {
        uint32_t len = get16(s) % DATA_CAP;
        uint8_t w = get8(s);
        uint64_t offset = w & 1 ? WF_FSD_WRITE_TO_END : w & 2 ? get64(s) : get16(s);
        memset(st->data, 'w', len);
        if (wf_fsd_write(f, st->data, offset, len, w & 4, &bytes, &info) == STATUS_SUCCESS &&
                bytes > len)
            fail("a write longer than asked", bytes);
        break;
    }
    case 2:
        wf_fsd_query_info(f, &info);
        break;
    case 3:
        wf_fsd_set_basic_info(f, get8(s) < 0x80 ? get32(s) : 0, get8(s) & 1 ? get64(s) : 0,
            get8(s) & 1 ? get64(s) : 0, get8(s) & 1 ? get64(s) : 0, 0, &info);
        break;
    case 4:
        if (get8(s) & 1)
            wf_fsd_set_end_of_file(f, get8(s) & 1 ? get64(s) : get16(s), &info);
        else
            wf_fsd_set_allocation_size(f, get8(s) & 1 ? get64(s) : get16(s), &info);
        break;
    case 5: {
        uint8_t d = get8(s);
        wf_fsd_set_disposition(f, d & 0x80 ? get32(s) : d & 0x1f, d & 0x40);
        break;
    }
    case 6: {
        make_path(s, path, sizeof path);
        uint8_t r = get8(s);
        if (r & 0x80)
            wf_fsd_link(f, path, r & 1);
        else
            wf_fsd_rename(f, path, r & 0x40 ? get32(s) : r & 0x7);
        break;
    }
    case 7:
        wf_fsd_flush(st->fsd, get8(s) & 1 ? f : NULL, &info);
        break;
    case 8: {
        static const char *const patterns[] = { "*", "a*", "?", "<", "\"", "c.txt", "*.*", "" };
        uint8_t q = get8(s);
        const char *pattern = q & 0x80 ? NULL : patterns[q % 8];
        if (q & 0x40)
            wf_fsd_query_directory(f, pattern, dir_entry, st);
        else
            wf_fsd_query_directory_once(f, pattern, (q >> 3) & 3, dir_entry, st);
        break;
    }
    case 9: {
        uint32_t info_bits = get8(s) & 0xf, len = get16(s) % 1024;
        wf_fsd_query_security(f, info_bits, st->data, len, &bytes);
        if (get8(s) & 1 && len) {
            get_bytes(s, st->data, get8(s) % len);
            wf_fsd_set_security(f, get8(s) & 0xf, st->data, len);
        } else if (bytes && bytes <= len) {
            wf_fsd_set_security(f, info_bits, st->data, bytes);
        }
        break;
    }
    case 10: {
        if (get8(s) & 1) {
            uint32_t len = put_eas(s, st->data, 1024);
            wf_fsd_set_ea(f, st->data, len, &info);
        } else {
            wf_fsd_query_ea(f, st->data, get16(s) % 1024, &bytes);
        }
        break;
    }
    case 11: {
        uint8_t r = get8(s);
        if (r % 3 == 0) {
            wf_fsd_get_reparse_point(f, st->data, get16(s) % 1024, &bytes);
        } else {
            uint32_t len = put_symlink(s, st->data, 1024);
            if (r % 3 == 1)
                wf_fsd_set_reparse_point(f, st->data, len);
            else
                wf_fsd_delete_reparse_point(f, st->data, r & 0x80 ? len : 8);
        }
        break;
    }
    default:
        st->files[i] = NULL;
        wf_fsd_close(f);
        break;
    }
}

static void step_volume(fuzz_state *st)
{
    FSP_FSCTL_VOLUME_INFO info;
    static const char *const labels[] = { "", "label", "a\\b", "\xc3\xa9t\xc3\xa9",
        "0123456789012345678901234567890123456789" };
    uint8_t v = get8(&st->s);
    if (v & 1)
        wf_fsd_query_volume(st->fsd, &info);
    else
        wf_fsd_set_volume_label(st->fsd, labels[v % 5], &info);
}

static void step_identity(fuzz_state *st)
{
    static const uint32_t ids[] = { 0, 1000, 1001, 2000 };
    uint8_t b = get8(&st->s);
    if (b >= 0xe0) {
        wf_fsd_set_identity(st->fsd, NULL);
        return;
    }
    memset(&st->identity, 0, sizeof st->identity);
    st->identity.uid = ids[b % 4];
    st->identity.gid = ids[(b >> 2) % 4];
    st->identity.privileged = b & 0x10;
    st->identity.group_count = (b >> 5) % 3;
    for (uint32_t g = 0; g < st->identity.group_count; g++)
        st->identity.groups[g] = ids[get8(&st->s) % 4];
    wf_fsd_set_identity(st->fsd, &st->identity);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_state *st = calloc(1, sizeof *st);
    st->s = (script){ data, size };
    st->request = malloc(MAX_MESSAGE);
    st->reply = malloc(MAX_MESSAGE);
    st->data = malloc(DATA_CAP);
    uint8_t config = get8(&st->s);
    st->errors = config % 8 ? 2u + config % 8 * 3u : 0;
    st->nodes[0] = (node){ .used = true, .mode = 0040755, .nlink = 2, .uid = 1000, .gid = 1000 };
    st->fsd = wf_fsd_create(on_submit, st);
    wf_engine_params params = {
        .max_message = MAX_MESSAGE,
        .max_readahead = 128 * 1024,
        .uid = 1000, .gid = 1000, .pid = 42,
        .umask = 022,
        .case_insensitive = (config & 8) != 0,
        .identity = resolve,
        .complete = on_complete,
        .host = st,
    };
    if (wf_engine_create(&params, &st->engine) != STATUS_SUCCESS)
        fail("engine creation failed", 0);
    pump(st, 0);    /* INIT */
    FSP_FSCTL_VOLUME_PARAMS volume;
    wf_engine_get_volume_params(st->engine, &volume);
    wf_fsd_set_volume_params(st->fsd, &volume);

    for (int step = 0; st->s.n && step < MAX_STEPS; step++) {
        uint8_t op = get8(&st->s);
        if (op < 0x40)
            step_create(st, op % 3);
        else if (op < 0xe8)
            step_file(st, (uint8_t)((op - 0x40) % 13));
        else if (op < 0xf4)
            step_volume(st);
        else
            step_identity(st);
    }

    /* Every handle closes; then the volume unmounts. */
    for (int i = 0; i < MAX_FILES; i++)
        if (st->files[i])
            wf_fsd_close(st->files[i]);
    wf_engine_shutdown(st->engine);
    pump(st, 0);
    wf_engine_disconnect(st->engine);
    wf_fsd_delete(st->fsd);
    wf_engine_delete(st->engine);
    free(st->data);
    free(st->reply);
    free(st->request);
    free(st);
    return 0;
}
