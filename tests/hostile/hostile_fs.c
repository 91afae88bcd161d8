/* hostile_fs.c — a FUSE daemon of ours for the hostile-daemon tests: it speaks the raw
   /dev/fuse protocol on the channel WinFuse hands it and serves a tiny tree correctly,
   except for the one misbehaviour its MODE names, done once (the first time it applies). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "winfuse/fuse_abi.h"

/* The tree. "bad", "baddir", "badlink" are what the misbehaviours are aimed at; the rest
   shows that the volume is still usable after one. */
enum {
    NODE_ROOT = FUSE_ROOT_ID,
    NODE_FILE,          /* /f.txt */
    NODE_DIR,           /* /d (empty) */
    NODE_LINK,          /* /l -> f.txt */
    NODE_BAD,           /* /bad, a file with the EA user.k = "v1" */
    NODE_BADDIR,        /* /baddir, holding inner.txt */
    NODE_BADLINK,       /* /badlink -> f.txt */
    NODE_INNER,         /* /baddir/inner.txt */
    NODE_NEW,           /* /new, once CREATE made it */
    NODE_NEWDIR,        /* /newdir, once MKDIR made it */
    NODE_COUNT
};

#define S_DIR  (0040000u | 0755u)
#define S_FILE (0100000u | 0644u)
#define S_LINK (0120000u | 0777u)

typedef struct node {
    const char *name;
    uint64_t parent;
    uint32_t mode;
    const char *data;   /* file contents or link target */
    bool exists;
} node;

static node nodes[NODE_COUNT] = {
    [NODE_ROOT] = { "", 0, S_DIR, NULL, true },
    [NODE_FILE] = { "f.txt", NODE_ROOT, S_FILE, "hello, world\n", true },
    [NODE_DIR] = { "d", NODE_ROOT, S_DIR, NULL, true },
    [NODE_LINK] = { "l", NODE_ROOT, S_LINK, "f.txt", true },
    [NODE_BAD] = { "bad", NODE_ROOT, S_FILE, "bad but readable\n", true },
    [NODE_BADDIR] = { "baddir", NODE_ROOT, S_DIR, NULL, true },
    [NODE_BADLINK] = { "badlink", NODE_ROOT, S_LINK, "f.txt", true },
    [NODE_INNER] = { "inner.txt", NODE_BADDIR, S_FILE, "inner\n", true },
    [NODE_NEW] = { "new", NODE_ROOT, S_FILE, "", false },
    [NODE_NEWDIR] = { "newdir", NODE_ROOT, S_DIR, NULL, false },
};

#define BUFFER_SIZE (2u * 1024u * 1024u)
static uint8_t *in_buf, *out_buf, *scratch;      /* scratch: bodies built in bulk */
static int chan = -1;

/* ---- the mode ---------------------------------------------------------------------------- */

/* MODE is OPCODE:KIND (the opcode's reply to its target is malformed as KIND) or a family
   of its own (init:…, notify:…, huge-sizes). */
static char mode_op[32], mode_kind[64];
static bool fired;      /* the misbehaviour happened; everything after it is correct */
static uint64_t held;   /* interrupt:…: the READ left unanswered until its INTERRUPT */
static bool huge_sizes;

static const struct { const char *name; uint32_t opcode; } opcode_names[] = {
    { "lookup", FUSE_LOOKUP }, { "getattr", FUSE_GETATTR }, { "setattr", FUSE_SETATTR },
    { "readlink", FUSE_READLINK }, { "mkdir", FUSE_MKDIR }, { "open", FUSE_OPEN },
    { "read", FUSE_READ }, { "write", FUSE_WRITE }, { "statfs", FUSE_STATFS },
    { "release", FUSE_RELEASE }, { "getxattr", FUSE_GETXATTR },
    { "listxattr", FUSE_LISTXATTR }, { "setxattr", FUSE_SETXATTR }, { "flush", FUSE_FLUSH },
    { "opendir", FUSE_OPENDIR }, { "readdir", FUSE_READDIR },
    { "releasedir", FUSE_RELEASEDIR }, { "create", FUSE_CREATE },
    { "readdirplus", FUSE_READDIRPLUS }, { "init", FUSE_INIT },
    { "interrupt", FUSE_INTERRUPT }, { "destroy", FUSE_DESTROY },
    { "unlink", FUSE_UNLINK }, { "rmdir", FUSE_RMDIR }, { "rename", FUSE_RENAME },
    { "rename2", FUSE_RENAME2 }, { "link", FUSE_LINK }, { "symlink", FUSE_SYMLINK },
    { "fsync", FUSE_FSYNC }, { "fsyncdir", FUSE_FSYNCDIR }, { "syncfs", FUSE_SYNCFS },
    { "fallocate", FUSE_FALLOCATE }, { "removexattr", FUSE_REMOVEXATTR },
};
static uint32_t mode_opcode;

static bool kind_is(const char *kind)
{
    return strcmp(mode_kind, kind) == 0;
}

/* The node (or, for LOOKUP/CREATE/MKDIR, the name) each opcode's misbehaviour aims at. */
static bool is_target(const struct fuse_in_header *in, const char *name)
{
    switch (in->opcode) {
    case FUSE_LOOKUP:
        return in->nodeid == NODE_ROOT && name && strcmp(name, "bad") == 0;
    case FUSE_CREATE:
        return name && strcmp(name, "new") == 0;
    case FUSE_MKDIR:
        return name && strcmp(name, "newdir") == 0;
    case FUSE_OPENDIR: case FUSE_READDIR: case FUSE_READDIRPLUS: case FUSE_RELEASEDIR:
        return in->nodeid == NODE_BADDIR;
    case FUSE_READLINK:
        return in->nodeid == NODE_BADLINK;
    case FUSE_STATFS: case FUSE_INIT: case FUSE_DESTROY: case FUSE_UNLINK: case FUSE_RMDIR:
    case FUSE_RENAME: case FUSE_RENAME2: case FUSE_LINK: case FUSE_SYMLINK: case FUSE_FSYNC:
    case FUSE_FSYNCDIR: case FUSE_SYNCFS: case FUSE_FALLOCATE: case FUSE_REMOVEXATTR:
        return true;    /* the first one the test's command sends */
    default:
        return in->nodeid == NODE_BAD;
    }
}

/* True once: this request is the one to misbehave on. */
static bool fires(const struct fuse_in_header *in, const char *name)
{
    if (fired || in->opcode != mode_opcode || !is_target(in, name))
        return false;
    fired = true;
    /* The test checks this note: a case passes only if the misbehaviour happened. */
    fprintf(stderr, "hostile_fs: %s:%s on unique %llu\n", mode_op, mode_kind,
        (unsigned long long)in->unique);
    return true;
}

/* ---- sending ----------------------------------------------------------------------------- */

static void send_raw(const void *msg, size_t len)
{
    if (send(chan, msg, len, MSG_NOSIGNAL) < 0 && errno != EINTR) {
        perror("hostile_fs: send");
        exit(1);
    }
}

static void send_header(uint64_t unique, int32_t error, const void *body, size_t len,
    uint32_t header_len)
{
    struct fuse_out_header out = { header_len, error, unique };
    memcpy(out_buf, &out, sizeof out);
    if (len)
        memcpy(out_buf + sizeof out, body, len);
    send_raw(out_buf, sizeof out + len);
}

static void send_plain(uint64_t unique, int32_t error, const void *body, size_t len)
{
    send_header(unique, error, body, len, (uint32_t)(sizeof(struct fuse_out_header) + len));
}

/* A reply, malformed as the mode says when armed. */
static void reply(const struct fuse_in_header *in, bool armed, int32_t error, const void *body,
    size_t len)
{
    static const uint8_t pad[16];
    uint64_t unique = in->unique;
    uint32_t real = (uint32_t)(sizeof(struct fuse_out_header) + len);

    if (!armed) {
        send_plain(unique, error, body, len);
        return;
    }
    if (kind_is("short")) {
        send_plain(unique, error, body, len / 2);
    } else if (kind_is("long")) {
        if (len)
            memcpy(in_buf, body, len);  /* the request is read; its buffer is free */
        memcpy(in_buf + len, pad, 8);
        send_plain(unique, error, in_buf, len + 8);
    } else if (kind_is("error-positive")) {
        send_plain(unique, 5, NULL, 0);
    } else if (kind_is("error-huge")) {
        send_plain(unique, -100000, NULL, 0);
    } else if (kind_is("error-4096")) {
        send_plain(unique, -4096, NULL, 0);
    } else if (kind_is("error-with-body")) {
        send_plain(unique, -EIO, pad, sizeof pad);
    } else if (kind_is("no-body")) {
        send_plain(unique, 0, NULL, 0);
    } else if (kind_is("len-over")) {
        send_header(unique, error, body, len, real + 8);
    } else if (kind_is("len-under")) {
        send_header(unique, error, body, len, real - 4);
    } else if (kind_is("len-zero")) {
        send_header(unique, error, body, len, 0);
    } else if (kind_is("unique-zero")) {
        /* Not a notification (code 0 is none), then the real answer. */
        send_plain(0, 0, body, len);
        send_plain(unique, error, body, len);
    } else if (kind_is("unique-stray")) {
        /* An answer to a request never sent, then the real answer. */
        send_plain(unique + (UINT64_C(1) << 40), error, body, len);
        send_plain(unique, error, body, len);
    } else if (kind_is("unique-wrong")) {
        send_plain(unique + (UINT64_C(1) << 40), error, body, len);
    } else if (kind_is("no-reply")) {
        /* nothing */
    } else if (kind_is("empty")) {
        send_raw(out_buf, 0);
    } else if (kind_is("header-short")) {
        send_raw(&real, sizeof real);
    } else {
        fprintf(stderr, "hostile_fs: no kind %s\n", mode_kind);
        exit(2);
    }
}

/* ---- the tree ---------------------------------------------------------------------------- */

static uint64_t node_size(uint64_t id)
{
    if (huge_sizes && (id == NODE_FILE || id == NODE_BAD || id == NODE_NEW))
        return INT64_MAX;   /* the largest size a file can have (a larger one is a bad reply) */
    return nodes[id].data ? strlen(nodes[id].data) : 0;
}

static void fill_attr(uint64_t id, struct fuse_attr *attr)
{
    memset(attr, 0, sizeof *attr);
    attr->ino = id;
    attr->mode = nodes[id].mode;
    attr->nlink = (nodes[id].mode & 0170000u) == 0040000u ? 2 : 1;
    attr->size = node_size(id);
    attr->blocks = (attr->size + 511) / 512;
    attr->uid = getuid();
    attr->gid = getgid();
    attr->atime = attr->mtime = attr->ctime = 1700000000;
    attr->blksize = 4096;
}

/* "bad" is never cached, so that each use asks again (GETATTR after LOOKUP). */
static void fill_entry(uint64_t id, struct fuse_entry_out *entry)
{
    memset(entry, 0, sizeof *entry);
    entry->nodeid = id;
    entry->entry_valid = 1;
    entry->attr_valid = id == NODE_BAD ? 0 : 1;
    fill_attr(id, &entry->attr);
}

static uint64_t find(uint64_t parent, const char *name)
{
    for (uint64_t id = NODE_ROOT + 1; id < NODE_COUNT; id++)
        if (nodes[id].exists && nodes[id].parent == parent && strcmp(nodes[id].name, name) == 0)
            return id;
    return 0;
}

static bool valid_node(uint64_t id)
{
    return id >= NODE_ROOT && id < NODE_COUNT && nodes[id].exists;
}

/* Type lies (a file said to be a directory; type bits 0 or all set): true when the kind
   is one and attr now tells it. */
static bool intake_lie(struct fuse_attr *attr)
{
    if (kind_is("type-lie"))
        attr->mode = S_DIR;
    else if (kind_is("mode-type-zero"))
        attr->mode &= 07777u;
    else if (kind_is("mode-type-all"))
        attr->mode |= 0170000u;
    else
        return false;
    return true;
}

/* ---- directory listings ------------------------------------------------------------------ */

/* readdir(plus):nodeid-zero|nodeid-root|type-lie: a listing that adds the name "liar". */
static bool liar_kind(void)
{
    return (mode_opcode == FUSE_READDIR || mode_opcode == FUSE_READDIRPLUS) &&
        (kind_is("nodeid-zero") || kind_is("nodeid-root") || kind_is("type-lie"));
}

/* Appends one entry (plus: with its entry_out) at *pos; false when it does not fit. */
static bool put_dirent(uint8_t *buf, size_t cap, size_t *pos, bool plus, uint64_t id,
    const char *name, size_t namelen, uint64_t off)
{
    size_t head = plus ? sizeof(struct fuse_entry_out) : 0;
    size_t rec = head + FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);
    if (*pos + rec > cap)
        return false;
    memset(buf + *pos, 0, rec);
    if (plus) {
        struct fuse_entry_out entry;
        fill_entry(id, &entry);
        memcpy(buf + *pos, &entry, sizeof entry);
    }
    struct fuse_dirent d = { id, off, (uint32_t)namelen, nodes[id].mode >> 12 };
    memcpy(buf + *pos + head, &d, sizeof d);
    memcpy(buf + *pos + head + FUSE_NAME_OFFSET, name, namelen);
    *pos += rec;
    return true;
}

static void do_readdir(const struct fuse_in_header *in, const struct fuse_read_in *r)
{
    bool plus = in->opcode == FUSE_READDIRPLUS;
    bool armed = fires(in, NULL);
    size_t cap = r->size < BUFFER_SIZE / 2 ? r->size : BUFFER_SIZE / 2;
    uint8_t *buf = in_buf + BUFFER_SIZE / 2;
    size_t pos = 0;
    uint64_t off = 0;

    if (armed && (kind_is("repeat") || kind_is("backwards"))) {
        /* repeat: the same entry at every offset, its cookie the one asked for (a listing
           that never ends); backwards: a cookie before the one asked for. */
        put_dirent(buf, cap, &pos, plus, NODE_INNER, "inner.txt", 9,
            kind_is("repeat") ? r->offset : 0);
        fired = false;      /* again and again */
        send_plain(in->unique, 0, buf, pos);
        return;
    }
    for (uint64_t id = NODE_ROOT + 1; id < NODE_COUNT; id++) {
        if (!nodes[id].exists || nodes[id].parent != in->nodeid)
            continue;
        off++;
        if (off <= r->offset)
            continue;
        if (!put_dirent(buf, cap, &pos, plus, id, nodes[id].name, strlen(nodes[id].name), off))
            break;
    }
    if (armed && r->offset == 0) {
        /* One entry more, after the valid one, built as the kind says. */
        size_t before = pos;
        struct fuse_dirent d;
        size_t head = plus ? sizeof(struct fuse_entry_out) : 0;
        if (kind_is("slash")) {
            put_dirent(buf, cap, &pos, plus, NODE_INNER, "a/b", 3, 100);
        } else if (kind_is("nul")) {
            put_dirent(buf, cap, &pos, plus, NODE_INNER, "a\0b", 3, 100);
        } else if (kind_is("dots")) {
            put_dirent(buf, cap, &pos, plus, NODE_BADDIR, ".", 1, 100);
            put_dirent(buf, cap, &pos, plus, NODE_ROOT, "..", 2, 101);
        } else if (kind_is("namelen-zero") || kind_is("namelen-overflow") ||
            kind_is("namelen-huge") || kind_is("truncated")) {
            put_dirent(buf, cap, &pos, plus, NODE_INNER, "zz", 2, 100);
            memcpy(&d, buf + before + head, sizeof d);
            if (kind_is("namelen-zero"))
                d.namelen = 0;
            else if (kind_is("namelen-overflow"))
                d.namelen = 64;     /* past the end of the reply */
            else if (kind_is("namelen-huge"))
                d.namelen = 0xfffffff0u;
            memcpy(buf + before + head, &d, sizeof d);
            if (kind_is("truncated"))
                pos = before + head + 10;   /* the record ends inside its header */
        } else if (kind_is("nodeid-zero") || kind_is("nodeid-root") ||
            kind_is("type-lie")) {
            put_dirent(buf, cap, &pos, plus, NODE_INNER, "liar", 4, 100);
            if (plus) {
                struct fuse_entry_out entry;
                memcpy(&entry, buf + before, sizeof entry);
                if (kind_is("nodeid-zero"))
                    entry.nodeid = 0;
                else if (kind_is("nodeid-root"))
                    entry.nodeid = NODE_ROOT;
                else
                    entry.attr.mode = S_DIR;
                memcpy(buf + before, &entry, sizeof entry);
            } else {
                memcpy(&d, buf + before, sizeof d);
                d.type = kind_is("type-lie") ? 4 : d.type;
                memcpy(buf + before, &d, sizeof d);
            }
        } else if (kind_is("longer")) {
            /* More than was asked for. */
            size_t more = cap + 64 - pos;
            memset(buf + pos, 0, more);
            pos += more;
        } else {
            reply(in, true, 0, buf, pos);   /* a framing kind, on the whole reply */
            return;
        }
    } else if (armed) {
        fired = false;      /* aimed at the first reply only */
    }
    send_plain(in->unique, 0, buf, pos);
}

/* ---- INIT -------------------------------------------------------------------------------- */

static void do_init(const struct fuse_in_header *in, const struct fuse_init_in *init)
{
    struct fuse_init_out out;
    bool armed = fires(in, NULL);
    memset(&out, 0, sizeof out);
    out.major = FUSE_KERNEL_VERSION;
    out.minor = strcmp(mode_op, "syncfs") == 0 ? 34 : 31;    /* SYNCFS needs 7.34 */
    out.max_readahead = init->max_readahead;
    out.flags = init->flags & (FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES |
        (strcmp(mode_op, "readdir") == 0 ? 0 : FUSE_DO_READDIRPLUS));
    out.max_write = 128 * 1024;
    out.max_pages = 32;
    out.time_gran = 1;
    size_t len = sizeof out;
    if (armed) {
        if (kind_is("major-6"))
            out.major = 6;
        else if (kind_is("major-8"))
            out.major = 8, out.minor = 0;
        else if (kind_is("minor-0"))
            out.minor = 0;
        else if (kind_is("tiny-max-write"))
            out.max_write = 1;
        else if (kind_is("huge-max-pages"))
            out.max_pages = 65535;
        else if (kind_is("old-8-bytes"))
            len = 8;
        else if (kind_is("old-24-bytes"))
            len = 24;
        else {
            fired = true;
            reply(in, true, 0, &out, len);
            return;
        }
    }
    send_plain(in->unique, 0, &out, len);
}

/* ---- notifications ----------------------------------------------------------------------- */

/* Before answering the LOOKUP of "bad": one notification, malformed as the kind says. */
static void notify(void)
{
    uint8_t msg[256];
    struct fuse_notify_inval_entry_out entry = { NODE_ROOT, 3, 0 };
    struct fuse_notify_inval_inode_out inode = { NODE_FILE, 0, -1 };
    size_t len;
    int32_t code = FUSE_NOTIFY_INVAL_ENTRY;

    fired = true;
    fprintf(stderr, "hostile_fs: notify:%s\n", mode_kind);
    memcpy(msg, &entry, sizeof entry);
    memcpy(msg + sizeof entry, "bad", 4);
    len = sizeof entry + 4;
    if (kind_is("bad-code")) {
        code = 99;
    } else if (kind_is("negative-code")) {
        code = -2;
    } else if (kind_is("short")) {
        len = 8;
    } else if (kind_is("no-nul")) {
        msg[sizeof entry + 3] = 'x';
    } else if (kind_is("slash")) {
        memcpy(msg + sizeof entry, "b/d", 4);
    } else if (kind_is("namelen-huge")) {
        entry.namelen = 100000;
        memcpy(msg, &entry, sizeof entry);
    } else if (kind_is("empty-name")) {
        entry.namelen = 0;
        memcpy(msg, &entry, sizeof entry);
        msg[sizeof entry] = 0;
        len = sizeof entry + 1;
    } else if (kind_is("inode-long")) {
        code = FUSE_NOTIFY_INVAL_INODE;
        memcpy(msg, &inode, sizeof inode);
        len = sizeof inode + 8;
    } else if (kind_is("store")) {
        /* Well formed, and dropped: there is no page cache to store into. */
        struct fuse_notify_store_out store = { NODE_FILE, 0, 4, 0 };
        code = FUSE_NOTIFY_STORE;
        memcpy(msg, &store, sizeof store);
        memcpy(msg + sizeof store, "XXXX", 4);
        len = sizeof store + 4;
    } else if (kind_is("valid")) {
        /* a well-formed INVAL_ENTRY: not a misbehaviour at all */
    } else {
        fprintf(stderr, "hostile_fs: no kind %s\n", mode_kind);
        exit(2);
    }
    struct fuse_out_header out = { (uint32_t)(sizeof out + len), code, 0 };
    memmove(msg + sizeof out, msg, len);
    memcpy(msg, &out, sizeof out);
    send_raw(msg, sizeof out + len);
}

/* ---- requests ---------------------------------------------------------------------------- */

static void handle(const struct fuse_in_header *in, const uint8_t *body, size_t body_len)
{
    const char *name = (in->opcode == FUSE_LOOKUP) ? (const char *)body :
        in->opcode == FUSE_CREATE && body_len > sizeof(struct fuse_create_in) ?
            (const char *)body + sizeof(struct fuse_create_in) :
        in->opcode == FUSE_MKDIR && body_len > sizeof(struct fuse_mkdir_in) ?
            (const char *)body + sizeof(struct fuse_mkdir_in) : NULL;
    /* Listings decide in do_readdir (some kinds fire on every reply). */
    bool armed = in->opcode != FUSE_READDIR && in->opcode != FUSE_READDIRPLUS &&
        fires(in, name);

    switch (in->opcode) {
    case FUSE_INIT:
        fired = false;
        do_init(in, (const struct fuse_init_in *)body);
        return;
    case FUSE_FORGET: case FUSE_BATCH_FORGET:
        return;
    case FUSE_INTERRUPT: {
        const struct fuse_interrupt_in *irq = (const struct fuse_interrupt_in *)body;
        static const uint8_t pad[8];
        if (!held || irq->unique != held)
            return;     /* answered already: nothing to interrupt */
        fprintf(stderr, "hostile_fs: interrupt:%s on unique %llu\n", mode_kind,
            (unsigned long long)in->unique);
        if (kind_is("body")) {
            /* An answer to the INTERRUPT itself, with a body no such answer has. */
            send_plain(in->unique, -EAGAIN, pad, sizeof pad);
        } else if (kind_is("ignored")) {
            return;     /* the READ is never answered */
        }
        send_plain(held, -EINTR, NULL, 0);
        held = 0;
        return;
    }
    case FUSE_DESTROY:
        if (armed && kind_is("no-reply")) {
            /* Never answered; the channel's end is the end. */
            return;
        }
        reply(in, armed, 0, NULL, 0);
        exit(0);
    case FUSE_LOOKUP: {
        if (!fired && strcmp(mode_op, "notify") == 0 && in->nodeid == NODE_ROOT &&
            strcmp(name, "bad") == 0)
            notify();
        uint64_t id = valid_node(in->nodeid) ? find(in->nodeid, name) : 0;
        struct fuse_entry_out entry;
        if (in->nodeid == NODE_BADDIR && strcmp(name, "liar") == 0 && liar_kind()) {
            /* The name a listing's lie added, looked up (a READDIR name is; so may be a
               READDIRPLUS entry without a nodeid): the same lie. A type lie is
               inner.txt's nodeid as a directory, a type the cache contradicts. */
            fill_entry(NODE_INNER, &entry);
            if (kind_is("nodeid-zero"))
                entry.nodeid = 0;
            else if (kind_is("nodeid-root"))
                entry.nodeid = NODE_ROOT;
            else
                entry.attr.mode = S_DIR;
            send_plain(in->unique, 0, &entry, sizeof entry);
            return;
        }
        if (!id) {
            reply(in, armed, -ENOENT, NULL, 0);
            return;
        }
        fill_entry(id, &entry);
        if (armed && (kind_is("nodeid-zero") || kind_is("nodeid-root"))) {
            entry.nodeid = kind_is("nodeid-zero") ? 0 : NODE_ROOT;
            armed = false;
        } else if (armed && intake_lie(&entry.attr)) {
            armed = false;
        }
        reply(in, armed, 0, &entry, sizeof entry);
        return;
    }
    case FUSE_GETATTR: case FUSE_SETATTR: {
        struct fuse_attr_out out;
        memset(&out, 0, sizeof out);
        if (!valid_node(in->nodeid)) {
            reply(in, armed, -ENOENT, NULL, 0);
            return;
        }
        out.attr_valid = in->nodeid == NODE_BAD ? 0 : 1;
        fill_attr(in->nodeid, &out.attr);
        if (armed && intake_lie(&out.attr))
            armed = false;
        reply(in, armed, 0, &out, sizeof out);
        return;
    }
    case FUSE_READLINK: {
        const char *target = nodes[in->nodeid < NODE_COUNT ? in->nodeid : 0].data;
        if (!valid_node(in->nodeid) || (nodes[in->nodeid].mode & 0170000u) != 0120000u) {
            reply(in, armed, -EINVAL, NULL, 0);
            return;
        }
        if (armed && kind_is("empty")) {
            send_plain(in->unique, 0, NULL, 0);
        } else if (armed && kind_is("nul")) {
            send_plain(in->unique, 0, "f\0.txt", 6);
        } else if (armed && kind_is("over-long")) {
            /* Longer than any target the engine takes (PATH_MAX is 4096). */
            memset(scratch, 'a', 70000);
            send_plain(in->unique, 0, scratch, 70000);
        } else {
            reply(in, armed, 0, target, strlen(target));
        }
        return;
    }
    case FUSE_OPEN: case FUSE_OPENDIR: {
        struct fuse_open_out out = { in->nodeid, 0, 0 };
        if (!valid_node(in->nodeid)) {
            reply(in, armed, -ENOENT, NULL, 0);
            return;
        }
        reply(in, armed, 0, &out, sizeof out);
        return;
    }
    case FUSE_READ: {
        const struct fuse_read_in *r = (const struct fuse_read_in *)body;
        const char *data = valid_node(in->nodeid) ? nodes[in->nodeid].data : NULL;
        size_t size = data ? strlen(data) : 0;
        uint64_t offset = r->offset;
        if (!fired && !held && strcmp(mode_op, "interrupt") == 0 && in->nodeid == NODE_BAD) {
            held = in->unique;      /* answered when its INTERRUPT comes */
            fired = true;
            return;
        }
        if (armed && kind_is("ignore-offset"))
            offset = 0, fired = false;      /* every time: a file that never ends */
        size_t n = offset < size ? size - offset : 0;
        if (n > r->size)
            n = r->size;
        if (armed && kind_is("longer-than-asked")) {
            /* All that was asked for, and one byte more. */
            memset(scratch, 'x', r->size + 1u);
            send_plain(in->unique, 0, scratch, r->size + 1u);
            return;
        }
        reply(in, armed && !kind_is("ignore-offset"), 0, n ? data + offset : NULL, n);
        return;
    }
    case FUSE_WRITE: {
        const struct fuse_write_in *w = (const struct fuse_write_in *)body;
        struct fuse_write_out out = { w->size, 0 };
        if (armed && kind_is("more-than-asked")) {
            out.size = w->size + 1;
            send_plain(in->unique, 0, &out, sizeof out);
            return;
        }
        reply(in, armed, 0, &out, sizeof out);
        return;
    }
    case FUSE_STATFS: {
        struct fuse_statfs_out out;
        memset(&out, 0, sizeof out);
        out.st.blocks = 1000;
        out.st.bfree = out.st.bavail = 400;
        out.st.files = 100;
        out.st.bsize = out.st.frsize = 4096;
        out.st.namelen = 255;
        if (huge_sizes) {
            out.st.blocks = UINT64_C(1) << 53;
            out.st.bfree = out.st.bavail = UINT64_C(1) << 52;
        }
        reply(in, armed, 0, &out, sizeof out);
        return;
    }
    case FUSE_CREATE: case FUSE_MKDIR: {
        uint64_t id = in->opcode == FUSE_CREATE ? NODE_NEW : NODE_NEWDIR;
        struct { struct fuse_entry_out entry; struct fuse_open_out open; } out;
        if (!name || strcmp(name, nodes[id].name) != 0 || in->nodeid != NODE_ROOT) {
            reply(in, armed, -EACCES, NULL, 0);
            return;
        }
        nodes[id].exists = true;
        memset(&out, 0, sizeof out);
        fill_entry(id, &out.entry);
        out.open.fh = id;
        reply(in, armed, 0, &out, in->opcode == FUSE_CREATE ? sizeof out : sizeof out.entry);
        return;
    }
    case FUSE_READDIR: case FUSE_READDIRPLUS:
        do_readdir(in, (const struct fuse_read_in *)body);
        return;
    case FUSE_LISTXATTR: case FUSE_GETXATTR: {
        /* bad has user.k = "v1"; the others have none. */
        const struct fuse_getxattr_in *g = (const struct fuse_getxattr_in *)body;
        const char *value = in->opcode == FUSE_LISTXATTR ? "user.k" : "v1";
        size_t len = in->opcode == FUSE_LISTXATTR ? 7 : 2;
        if (in->nodeid != NODE_BAD ||
            (in->opcode == FUSE_GETXATTR &&
             strcmp((const char *)body + sizeof *g, "user.k") != 0)) {
            if (in->opcode == FUSE_LISTXATTR) {
                struct fuse_getxattr_out none = { 0, 0 };
                if (g->size)
                    send_plain(in->unique, 0, NULL, 0);
                else
                    send_plain(in->unique, 0, &none, sizeof none);
            } else {
                send_plain(in->unique, -ENODATA, NULL, 0);
            }
            return;
        }
        if (armed && kind_is("unterminated")) {
            len = 6;        /* "user.k" without its NUL */
            if (g->size == 0) {
                struct fuse_getxattr_out out = { (uint32_t)len, 0 };
                send_plain(in->unique, 0, &out, sizeof out);
                fired = false;      /* the list itself is the bad one */
            } else {
                send_plain(in->unique, 0, value, len);
            }
            return;
        }
        if (armed && kind_is("size-lie") && g->size == 0) {
            /* The size query says less than the value then holds (it grew, or a lie):
               the next one answers truthfully, ERANGE for the short buffer. */
            struct fuse_getxattr_out out = { (uint32_t)len - 1, 0 };
            send_plain(in->unique, 0, &out, sizeof out);
            return;
        }
        if (armed && (kind_is("longer-than-asked") || kind_is("size-lie-always")) &&
            g->size == 0) {
            /* The size query: truthful (longer-than-asked lies later), or always one
               byte short, so that every list asked for is ERANGE. */
            struct fuse_getxattr_out out = { (uint32_t)len, 0 };
            if (kind_is("size-lie-always"))
                out.size--;
            send_plain(in->unique, 0, &out, sizeof out);
            fired = false;
            return;
        }
        if (armed && kind_is("size-lie-always")) {
            send_plain(in->unique, -ERANGE, NULL, 0);
            fired = false;
            return;
        }
        if (armed && kind_is("longer-than-asked")) {
            memset(scratch, 'v', g->size + 1u);
            send_plain(in->unique, 0, scratch, g->size + 1u);
            return;
        }
        if (armed && kind_is("data-for-size")) {
            /* The size query answered with the data. */
            send_plain(in->unique, 0, value, len);
            return;
        }
        if (g->size == 0) {
            struct fuse_getxattr_out out = { (uint32_t)len, 0 };
            reply(in, armed, 0, &out, sizeof out);
        } else if (g->size < len) {
            reply(in, armed, -ERANGE, NULL, 0);
        } else {
            reply(in, armed, 0, value, len);
        }
        return;
    }
    case FUSE_LINK: case FUSE_SYMLINK: {
        /* LINK: the node it links; SYMLINK: /l's twin (the rename that follows is not
           carried out: nothing here depends on it). */
        const struct fuse_link_in *link = (const struct fuse_link_in *)body;
        uint64_t id = in->opcode == FUSE_LINK ? link->oldnodeid : NODE_LINK;
        struct fuse_entry_out entry;
        if (!valid_node(id)) {
            reply(in, armed, -ENOENT, NULL, 0);
            return;
        }
        fill_entry(id, &entry);
        reply(in, armed, 0, &entry, sizeof entry);
        return;
    }
    case FUSE_FLUSH: case FUSE_RELEASE: case FUSE_RELEASEDIR: case FUSE_SETXATTR:
    case FUSE_REMOVEXATTR: case FUSE_FSYNC: case FUSE_FSYNCDIR: case FUSE_UNLINK:
    case FUSE_RMDIR: case FUSE_RENAME: case FUSE_RENAME2: case FUSE_SYNCFS:
    case FUSE_FALLOCATE:
        /* Accepted, not carried out: every name stays, so the same command works again. */
        reply(in, armed, 0, NULL, 0);
        return;
    default:
        reply(in, armed, -ENOSYS, NULL, 0);
        return;
    }
}

int main(int argc, char **argv)
{
    int fd;
    char extra;

    if (argc != 3 || sscanf(argv[2], "/dev/fd/%d%c", &fd, &extra) != 1) {
        fprintf(stderr, "usage: hostile_fs MODE /dev/fd/N\n");
        return 2;
    }
    /* A bounded life whatever happens: no test waits on this daemon for long. */
    alarm(30);
    chan = fd;
    const char *colon = strchr(argv[1], ':');
    if (strcmp(argv[1], "huge-sizes") == 0 || strcmp(argv[1], "none") == 0) {
        huge_sizes = strcmp(argv[1], "huge-sizes") == 0;
        nodes[NODE_NEW].exists = huge_sizes;    /* three files of 2^63 - 1 bytes */
        fired = true;
    } else if (!colon || (size_t)(colon - argv[1]) >= sizeof mode_op ||
        strlen(colon + 1) >= sizeof mode_kind) {
        fprintf(stderr, "hostile_fs: MODE is OPCODE:KIND, huge-sizes or none\n");
        return 2;
    } else {
        memcpy(mode_op, argv[1], (size_t)(colon - argv[1]));
        strcpy(mode_kind, colon + 1);
        for (size_t i = 0; i < sizeof opcode_names / sizeof opcode_names[0]; i++)
            if (strcmp(opcode_names[i].name, mode_op) == 0)
                mode_opcode = opcode_names[i].opcode;
        if (strcmp(mode_op, "notify") != 0 && mode_opcode == 0) {
            fprintf(stderr, "hostile_fs: no opcode %s\n", mode_op);
            return 2;
        }
    }
    in_buf = malloc(BUFFER_SIZE + 4096);
    out_buf = malloc(BUFFER_SIZE + 4096);
    scratch = malloc(BUFFER_SIZE);
    if (!in_buf || !out_buf || !scratch)
        return 1;

    for (;;) {
        ssize_t got = recv(chan, in_buf, BUFFER_SIZE, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return 0;   /* the channel ended */
        struct fuse_in_header in;
        if ((size_t)got < sizeof in)
            continue;
        memcpy(&in, in_buf, sizeof in);
        /* Names and bodies are read in place; a NUL past the end keeps strcmp in bounds. */
        in_buf[got] = 0;
        handle(&in, in_buf + sizeof in, (size_t)got - sizeof in);
    }
}
