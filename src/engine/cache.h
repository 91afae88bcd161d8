/* cache.h — the entry cache: (parent node, name) → node, with the file system's TTLs and
   exact nlookup accounting. A node is forgotten only when nothing references it: no cached
   entry, no operation in flight, no open file. */
#ifndef WINFUSE_ENGINE_CACHE_H
#define WINFUSE_ENGINE_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/fuse_abi.h"

typedef struct wf_cache wf_cache;
struct wf_entry;

typedef struct wf_node {
    /* Laid out without padding, 168 bytes on LP64 (LLP64 too): with its entry and a
       255-byte name a cached node costs at most 512 bytes of glibc heap (docs/performance.md,
       "Memory per cached node"; tests/unit/test_engine_node_memory.c holds it there). No
       generation: FUSE gives it for exporting file handles over NFS, which no Windows
       caller does. */
    uint64_t nodeid;
    uint64_t nlookup;           /* LOOKUP-family replies not yet matched by a FORGET */
    uint64_t attr_expires_ms;   /* monotonic ms; 0 = attr never valid */
    struct fuse_attr attr;
    struct wf_node *hash_next;
    /* The cached entries naming it (several for a file with hard links), chained through
       the entries: how a notification about the node finds its full name. */
    struct wf_entry *names;
    /* What the node's EAs and its user.DOSATTRIB were found to be (op_ea.c, dos.c), valid
       while the ctime is info_ctime(nsec). One ctime for both: each is read or written at
       the attributes the engine has now, so a record of another ctime is stale anyway,
       and recording one at a new ctime forgets the other. ea_size is the EaSize the last
       full listing of its EAs found; dos_state 0: unknown, 1: the file has none, 2:
       dos_attributes and dos_creation are its. */
    uint64_t info_ctime;
    uint64_t dos_creation;
    uint32_t info_ctimensec;
    uint32_t refs;              /* entries naming it + operations and files using it;
                                   changed only with __atomic builtins (cache.c) */
    uint32_t ea_size;
    uint32_t dos_attributes;
    bool ea_size_valid;
    uint8_t dos_state;
    /* A symbolic link: whether it leads to a directory, once found (link.c; under the
       engine lock): 0 unknown, 1 not a directory, 2 a directory. */
    uint8_t link_dir;
    /* The file system contradicted itself about this node's type (wf_cache_make_bad): it is
       off the node table and out of every entry, and what still holds it fails. Set under
       the cache lock, read with an atomic load without it. */
    bool bad;
} wf_node;

/* The longest name the cache keeps an entry for: Linux's NAME_MAX, the longest any Linux
   file system stores. A longer one (a Windows name of 255 units may take 765 bytes of
   UTF-8) is looked up at every open, as under TTL 0; its node is cached all the same. */
#define WF_CACHE_NAME_MAX 255u

/* A node to forget: what FORGET / BATCH_FORGET carry. */
typedef struct wf_forget {
    uint64_t nodeid;
    uint64_t nlookup;
} wf_forget;

wf_cache *wf_cache_create(uint32_t capacity);
void wf_cache_delete(wf_cache *cache);
/* Case-insensitive volumes: names that are equal under case folding (case_fold.h) are one
   entry, which keeps the name the file system stores. Set before the cache is used. */
void wf_cache_set_case_insensitive(wf_cache *cache, bool fold);

/* The root node (FUSE_ROOT_ID): never looked up, never forgotten. Returned referenced. */
wf_node *wf_cache_root(wf_cache *cache);

/* A fresh entry for (parent, name), or NULL. Returned referenced. */
wf_node *wf_cache_lookup(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, uint64_t now_ms);

/* As wf_cache_lookup, and copies the node's attributes into *attr in the same lock round
   (*attr_valid: within their TTL, as wf_cache_get_attr says). */
wf_node *wf_cache_lookup_attr(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, uint64_t now_ms, struct fuse_attr *attr,
    bool *attr_valid);

/* As wf_cache_lookup, and copies the entry's name as the file system stores it (which may
   differ from name in case on a case-insensitive volume) into stored[0..cap); NULL when
   there is no fresh entry or its name does not fit. */
wf_node *wf_cache_lookup_stored(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, uint64_t now_ms, char *stored, size_t cap,
    size_t *stored_len);

/* Records a LOOKUP-family reply (LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK, LINK, READDIRPLUS)
   that entry.c has checked: counts one nlookup on entry->nodeid, caches attributes and, when
   name is not NULL, the (parent, name) entry. Returns the node referenced, or NULL when out
   of memory, or — *conflict set — when the nodeid is cached as another file type: that node
   is made bad (wf_cache_make_bad). Either way nothing is cached and the reply's lookup is
   given back (FORGET), so the count stays exact. */
wf_node *wf_cache_insert(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, const struct fuse_entry_out *entry, uint64_t now_ms,
    bool *conflict);
/* Gives back one lookup of nodeid that a reply counted and the engine does not keep. */
void wf_cache_give_back(wf_cache *cache, uint64_t nodeid);

/* Updates a node's attributes from an attr reply (GETATTR, SETATTR). A file type other
   than the node's (the root is a directory) stores nothing and returns false; the node,
   unless it is the root, is made bad. */
bool wf_cache_set_attr(wf_cache *cache, wf_node *node,
    const struct fuse_attr *attr, uint64_t attr_valid, uint32_t attr_valid_nsec, uint64_t now_ms);
/* Raises the node's cached size to at least end, as a WRITE the engine sent made it, and
   keeps the attributes' validity; returns the size now cached (a concurrent write may have
   gone further). */
uint64_t wf_cache_extend_size(wf_cache *cache, wf_node *node, uint64_t end);
/* Copies the node's attributes; returns whether they are still valid. */
bool wf_cache_get_attr(wf_cache *cache, const wf_node *node, struct fuse_attr *attr,
    uint64_t now_ms);

/* The cached node with this nodeid, referenced, or NULL (for notifications, which name
   nodes by id). */
wf_node *wf_cache_find_node(wf_cache *cache, uint64_t nodeid);
/* Forgets the (parent, name) entry, if cached: after UNLINK, RMDIR, RENAME, or when the
   file system says so. */
void wf_cache_drop_entry(wf_cache *cache, const wf_node *parent, const char *name,
    size_t name_len);
/* The FUSE path of the node's which-th cached name (0 the newest), "a/b/c" from the root
   (the root's is empty), into buf[0..cap): the entries' names from the node up to the root,
   expired or not (a name stays the node's until the entry goes). False when the node has
   no which-th name, a directory on the way has none, or the path does not fit. */
bool wf_cache_path(wf_cache *cache, const wf_node *node, uint32_t which, char *buf,
    size_t cap, size_t *len);
/* Marks the node's attributes stale: the next user asks the file system again. */
void wf_cache_expire_attr(wf_cache *cache, wf_node *node);
/* What the Linux client's fuse_make_bad does: the node leaves the node table (a later reply
   with its nodeid makes a fresh node) and every entry naming it or under it goes (the next
   open looks the name up again); whoever still holds it sees wf_cache_is_bad and fails.
   Its lookups are forgotten when the last holder lets go. Never the root. */
void wf_cache_make_bad(wf_cache *cache, wf_node *node);
bool wf_cache_is_bad(wf_cache *cache, const wf_node *node);

/* The node's EaSize: recorded with the ctime its attributes have now (valid false forgets
   it); read back (wf_cache_info) as 0 unless attr, the attributes being reported, has that
   same ctime. */
void wf_cache_set_ea_size(wf_cache *cache, wf_node *node, uint32_t ea_size, bool valid);

/* The node's user.DOSATTRIB as last read or written, recorded with attr's ctime; read back
   (state 0, unknown) unless attr has that same ctime. Recording either this or the EaSize
   at another ctime than the other's forgets the other (one stamp, wf_node). */
void wf_cache_set_dos(wf_cache *cache, wf_node *node, const struct fuse_attr *attr,
    uint8_t state, uint32_t attributes, uint64_t creation);
/* What was recorded (DOS attributes, and an EaSize known at the same ctime) is valid for
   attr's ctime: the engine's own user.DOSATTRIB write moved it. */
void wf_cache_dos_restamp(wf_cache *cache, wf_node *node, const struct fuse_attr *attr);
uint8_t wf_cache_dos(wf_cache *cache, const wf_node *node, const struct fuse_attr *attr,
    uint32_t *attributes, uint64_t *creation);

/* What a file's information needs beside its attributes, in one lock round: returns the
   EaSize (0 unless recorded for attr's ctime), and the DOS information as wf_cache_dos. */
uint32_t wf_cache_info(wf_cache *cache, const wf_node *node, const struct fuse_attr *attr,
    uint8_t *dos_state, uint32_t *dos_attributes, uint64_t *dos_creation);

/* Takes another reference on a node the caller holds one on (no lock: the counts are
   atomic, cache.c). */
void wf_cache_ref(wf_cache *cache, wf_node *node);
/* Drops a reference; a node left unreferenced is queued for FORGET (only that last drop
   takes the cache lock). */
void wf_cache_release(wf_cache *cache, wf_node *node);

/* Drops expired entries (and the nodes only they kept). */
void wf_cache_sweep(wf_cache *cache, uint64_t now_ms);

/* Queues a FORGET of nlookup lookups of a node the cache never took (an entry in a reply
   nobody used), whether or not the cache knows the node: its own count is apart. */
void wf_cache_forget_unused(wf_cache *cache, uint64_t nodeid, uint64_t nlookup);
/* Takes up to max queued forgets; returns how many. */
size_t wf_cache_take_forgets(wf_cache *cache, wf_forget *forgets, size_t max);
size_t wf_cache_forgets_pending(wf_cache *cache);
uint32_t wf_cache_node_count(wf_cache *cache);

/* TTL helper: seconds + nanoseconds from a reply to an absolute monotonic deadline. */
uint64_t wf_cache_deadline(uint64_t now_ms, uint64_t valid_s, uint32_t valid_ns);

#endif
