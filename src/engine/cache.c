/* cache.c — the entry cache: nodes by nodeid, entries by (parent, name), LRU and TTLs. */
#include "engine/cache.h"
#include "winfuse/case_fold.h"
#include "platform/platform.h"

#define WF_CACHE_DEFAULT_CAPACITY 16384u
#define WF_CACHE_MIN_BUCKETS 256u
/* The file type bits of a mode, and a directory's (Linux's values, as on the wire). */
#define WF_CACHE_IFMT 0170000u
#define WF_CACHE_IFDIR 0040000u

/* 57 bytes and the name (allocated as offsetof(wf_entry, name) + name_len): with a
   255-byte name, one 320-byte glibc chunk (wf_node says why it matters). No stored hash:
   it is computed again from the name where a bucket must be found (unlinking, growing),
   which never happens on a cache hit. */
typedef struct wf_entry {
    struct wf_entry *hash_next;
    struct wf_entry *lru_prev, *lru_next;   /* lru_next toward older entries */
    struct wf_entry *name_next;             /* the next entry naming the same node */
    wf_node *parent;                        /* referenced: a parent outlives its entries */
    wf_node *node;                          /* referenced */
    uint64_t expires_ms;
    uint8_t name_len;                       /* at most WF_CACHE_NAME_MAX */
    char name[];
} wf_entry;

_Static_assert(WF_CACHE_NAME_MAX <= UINT8_MAX, "an entry's name_len holds the longest name");
#if UINTPTR_MAX == UINT64_MAX
/* The budget of issue 11 (docs/performance.md, "Memory per cached node"): a node, its
   entry with the longest name kept, each as a glibc x86-64 chunk (size + 8 rounded up to
   16), and a slot in each hash table, within 512 bytes. */
#define WF_CACHE_GLIBC_CHUNK(size) (((size) + 8u + 15u) & ~(size_t)15u)
_Static_assert(WF_CACHE_GLIBC_CHUNK(sizeof(wf_node)) +
    WF_CACHE_GLIBC_CHUNK(offsetof(wf_entry, name) + WF_CACHE_NAME_MAX) +
    sizeof(wf_node *) + sizeof(wf_entry *) <= 512, "a cached node within 512 bytes");
#endif

struct wf_cache {
    wf_lock *lock;
    uint32_t capacity;
    wf_node **nodes;
    uint32_t node_buckets, node_count;
    wf_entry **entries;
    uint32_t entry_buckets, entry_count;
    wf_entry *lru_newest, *lru_oldest;
    wf_forget *forgets;
    size_t forget_count, forget_cap;
    uint64_t forgets_lost;                  /* could not be queued: out of memory */
    bool fold;                              /* names compare under case folding */
    wf_node *bad_nodes;                     /* made bad, still held; chained by hash_next */
    wf_node root;
};

/* A node's reference count moves with atomic operations (gcc/clang builtins: no library,
   no platform.h function), so that taking and dropping a reference costs no lock: every
   count but the last drop (to 0, which unlinks and frees the node) happens outside the
   cache lock. A reference is taken only by a holder of another one, or under the lock
   from the tables (where a node always has refs >= 1), so a count seen above 1 cannot
   reach 0 before the CAS below, and the drop from 1 is made under the lock, where no
   lookup can take it back from 0. */
static void ref_add(wf_node *node)
{
    __atomic_fetch_add(&node->refs, 1, __ATOMIC_RELAXED);
}

/* Drops one reference unless it may be the last; false when it may be (take the lock). */
static bool ref_drop_unlocked(wf_node *node)
{
    uint32_t refs = __atomic_load_n(&node->refs, __ATOMIC_RELAXED);
    while (refs > 1)
        if (__atomic_compare_exchange_n(&node->refs, &refs, refs - 1, true, __ATOMIC_RELEASE,
                __ATOMIC_RELAXED))
            return true;
    return false;
}

static uint32_t hash_u64(uint64_t v)
{
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdull;
    v ^= v >> 33;
    return (uint32_t)v;
}

static uint32_t hash_name(const wf_cache *cache, uint64_t parent, const char *name, size_t len)
{
    uint32_t h = 2166136261u ^ hash_u64(parent);
    if (cache->fold)
        return wf_fold_hash(h, name, len);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    return h;
}

static bool name_equal(const wf_cache *cache, const wf_entry *entry, const char *name,
    size_t len)
{
    if (cache->fold)
        return wf_fold_equal(entry->name, entry->name_len, name, len);
    return entry->name_len == len && wf_mem_compare(entry->name, name, len) == 0;
}

uint64_t wf_cache_deadline(uint64_t now_ms, uint64_t valid_s, uint32_t valid_ns)
{
    /* Clamp absurd TTLs instead of overflowing; a year is "forever" here. */
    if (valid_s > 365ull * 24 * 3600)
        valid_s = 365ull * 24 * 3600;
    return now_ms + valid_s * 1000u + valid_ns / 1000000u;
}

wf_cache *wf_cache_create(uint32_t capacity)
{
    wf_cache *cache = wf_mem_alloc(sizeof *cache);
    if (!cache)
        return NULL;
    cache->capacity = capacity ? capacity : WF_CACHE_DEFAULT_CAPACITY;
    cache->node_buckets = cache->entry_buckets = WF_CACHE_MIN_BUCKETS;
    cache->lock = wf_lock_create();
    cache->nodes = wf_mem_alloc(cache->node_buckets * sizeof *cache->nodes);
    cache->entries = wf_mem_alloc(cache->entry_buckets * sizeof *cache->entries);
    if (!cache->lock || !cache->nodes || !cache->entries) {
        wf_cache_delete(cache);
        return NULL;
    }
    cache->root.nodeid = FUSE_ROOT_ID;
    cache->root.refs = 1;   /* never reaches 0 */
    return cache;
}

void wf_cache_set_case_insensitive(wf_cache *cache, bool fold)
{
    cache->fold = fold;
}

static uint32_t entry_hash(const wf_cache *cache, const wf_entry *entry)
{
    return hash_name(cache, entry->parent->nodeid, entry->name, entry->name_len);
}

static void entry_unlink(wf_cache *cache, wf_entry *entry)
{
    wf_entry **link = &cache->entries[entry_hash(cache, entry) & (cache->entry_buckets - 1)];
    while (*link != entry)
        link = &(*link)->hash_next;
    *link = entry->hash_next;
    if (entry->lru_prev)
        entry->lru_prev->lru_next = entry->lru_next;
    else
        cache->lru_newest = entry->lru_next;
    if (entry->lru_next)
        entry->lru_next->lru_prev = entry->lru_prev;
    else
        cache->lru_oldest = entry->lru_prev;
    wf_entry **name = &entry->node->names;
    while (*name != entry)
        name = &(*name)->name_next;
    *name = entry->name_next;
    cache->entry_count--;
}

void wf_cache_delete(wf_cache *cache)
{
    if (!cache)
        return;
    if (cache->entries) {
        for (uint32_t b = 0; b < cache->entry_buckets; b++)
            for (wf_entry *e = cache->entries[b], *next; e; e = next) {
                next = e->hash_next;
                wf_mem_free(e);
            }
    }
    if (cache->nodes) {
        for (uint32_t b = 0; b < cache->node_buckets; b++)
            for (wf_node *n = cache->nodes[b], *next; n; n = next) {
                next = n->hash_next;
                wf_mem_free(n);
            }
    }
    for (wf_node *n = cache->bad_nodes, *next; n; n = next) {
        next = n->hash_next;
        wf_mem_free(n);
    }
    wf_mem_free(cache->entries);
    wf_mem_free(cache->nodes);
    wf_mem_free(cache->forgets);
    wf_lock_delete(cache->lock);
    wf_mem_free(cache);
}

static void queue_forget(wf_cache *cache, uint64_t nodeid, uint64_t nlookup)
{
    if (cache->forget_count == cache->forget_cap) {
        size_t cap = cache->forget_cap ? cache->forget_cap * 2 : 64;
        wf_forget *grown = wf_mem_alloc(cap * sizeof *grown);
        if (!grown) {
            cache->forgets_lost++;
            return;
        }
        wf_mem_copy(grown, cache->forgets, cache->forget_count * sizeof *grown);
        wf_mem_free(cache->forgets);
        cache->forgets = grown;
        cache->forget_cap = cap;
    }
    cache->forgets[cache->forget_count].nodeid = nodeid;
    cache->forgets[cache->forget_count].nlookup = nlookup;
    /* Changed under the lock, read without it (wf_cache_forgets_pending). */
    __atomic_store_n(&cache->forget_count, cache->forget_count + 1, __ATOMIC_RELAXED);
}

static wf_node **node_slot(wf_cache *cache, uint64_t nodeid)
{
    wf_node **link = &cache->nodes[hash_u64(nodeid) & (cache->node_buckets - 1)];
    while (*link && (*link)->nodeid != nodeid)
        link = &(*link)->hash_next;
    return link;
}

/* Called with the lock held. */
static void node_release_locked(wf_cache *cache, wf_node *node)
{
    if (__atomic_sub_fetch(&node->refs, 1, __ATOMIC_ACQ_REL) || node == &cache->root)
        return;
    if (node->bad) {
        wf_node **link = &cache->bad_nodes;
        while (*link != node)
            link = &(*link)->hash_next;
        *link = node->hash_next;
    } else {
        *node_slot(cache, node->nodeid) = node->hash_next;
    }
    cache->node_count--;
    if (node->nlookup)
        queue_forget(cache, node->nodeid, node->nlookup);
    wf_mem_free(node);
}

static void entry_drop(wf_cache *cache, wf_entry *entry)
{
    entry_unlink(cache, entry);
    node_release_locked(cache, entry->node);
    node_release_locked(cache, entry->parent);
    wf_mem_free(entry);
}

/* wf_cache_make_bad, with the lock held. */
static void make_bad_locked(wf_cache *cache, wf_node *node)
{
    if (node == &cache->root || node->bad)
        return;
    *node_slot(cache, node->nodeid) = node->hash_next;
    __atomic_store_n(&node->bad, true, __ATOMIC_RELAXED);   /* read without the lock */
    node->hash_next = cache->bad_nodes;
    cache->bad_nodes = node;
    /* Held while its entries go, so that it is freed (and forgotten) only at the end. A
       rare event: a scan of every entry is cheaper than an index kept for it. */
    ref_add(node);
    for (wf_entry *e = cache->lru_oldest, *prev; e; e = prev) {
        prev = e->lru_prev;
        if (e->node == node || e->parent == node)
            entry_drop(cache, e);
    }
    node_release_locked(cache, node);
}

wf_node *wf_cache_root(wf_cache *cache)
{
    ref_add(&cache->root);
    return &cache->root;
}

static wf_entry *entry_find(wf_cache *cache, uint32_t hash, const wf_node *parent,
    const char *name, size_t name_len)
{
    for (wf_entry *e = cache->entries[hash & (cache->entry_buckets - 1)]; e; e = e->hash_next)
        if (e->parent == parent && name_equal(cache, e, name, name_len))
            return e;
    return NULL;
}

static void lru_push_newest(wf_cache *cache, wf_entry *entry)
{
    entry->lru_prev = NULL;
    entry->lru_next = cache->lru_newest;
    if (cache->lru_newest)
        cache->lru_newest->lru_prev = entry;
    else
        cache->lru_oldest = entry;
    cache->lru_newest = entry;
}

static wf_node *lookup(wf_cache *cache, const wf_node *parent, const char *name,
    size_t name_len, uint64_t now_ms, char *stored, size_t cap, size_t *stored_len,
    struct fuse_attr *attr, bool *attr_valid)
{
    uint32_t hash = hash_name(cache, parent->nodeid, name, name_len);
    wf_node *node = NULL;
    wf_lock_acquire(cache->lock);
    wf_entry *entry = entry_find(cache, hash, parent, name, name_len);
    if (entry && entry->expires_ms > now_ms && stored && entry->name_len > cap) {
        entry = NULL;       /* its name does not fit: as if not cached */
    } else if (entry && entry->expires_ms > now_ms) {
        if (stored) {
            wf_mem_copy(stored, entry->name, entry->name_len);
            *stored_len = entry->name_len;
        }
        node = entry->node;
        ref_add(node);
        if (attr) {
            *attr = node->attr;
            *attr_valid = node->attr_expires_ms > now_ms;
        }
        if (cache->lru_newest != entry) {
            /* Move to the young end: entries in use stay cached under capacity pressure. */
            entry->lru_prev->lru_next = entry->lru_next;
            if (entry->lru_next)
                entry->lru_next->lru_prev = entry->lru_prev;
            else
                cache->lru_oldest = entry->lru_prev;
            lru_push_newest(cache, entry);
        }
    } else if (entry) {
        entry_drop(cache, entry);
    }
    wf_lock_release(cache->lock);
    return node;
}

wf_node *wf_cache_lookup(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, uint64_t now_ms)
{
    return lookup(cache, parent, name, name_len, now_ms, NULL, 0, NULL, NULL, NULL);
}

wf_node *wf_cache_lookup_attr(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, uint64_t now_ms, struct fuse_attr *attr,
    bool *attr_valid)
{
    return lookup(cache, parent, name, name_len, now_ms, NULL, 0, NULL, attr, attr_valid);
}

wf_node *wf_cache_lookup_stored(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, uint64_t now_ms, char *stored, size_t cap,
    size_t *stored_len)
{
    return lookup(cache, parent, name, name_len, now_ms, stored, cap, stored_len, NULL, NULL);
}

static void grow_nodes(wf_cache *cache)
{
    uint32_t buckets = cache->node_buckets * 2;
    wf_node **table = wf_mem_alloc(buckets * sizeof *table);
    if (!table)
        return;     /* longer chains, still correct */
    for (uint32_t b = 0; b < cache->node_buckets; b++)
        for (wf_node *n = cache->nodes[b], *next; n; n = next) {
            next = n->hash_next;
            uint32_t slot = hash_u64(n->nodeid) & (buckets - 1);
            n->hash_next = table[slot];
            table[slot] = n;
        }
    wf_mem_free(cache->nodes);
    cache->nodes = table;
    cache->node_buckets = buckets;
}

static void grow_entries(wf_cache *cache)
{
    uint32_t buckets = cache->entry_buckets * 2;
    wf_entry **table = wf_mem_alloc(buckets * sizeof *table);
    if (!table)
        return;
    for (uint32_t b = 0; b < cache->entry_buckets; b++)
        for (wf_entry *e = cache->entries[b], *next; e; e = next) {
            next = e->hash_next;
            uint32_t slot = entry_hash(cache, e) & (buckets - 1);
            e->hash_next = table[slot];
            table[slot] = e;
        }
    wf_mem_free(cache->entries);
    cache->entries = table;
    cache->entry_buckets = buckets;
}

static void attr_update(wf_node *node, const struct fuse_attr *attr, uint64_t expires_ms)
{
    node->attr = *attr;
    node->attr_expires_ms = expires_ms;
}

/* A listing takes again every name it took the last time: an entry of node under parent
   spelled exactly so is the one the table holds for that name (insert keeps one a name),
   so it is renewed without hashing the name and walking its bucket. */
static bool renew_own_entry(wf_node *node, const wf_node *parent, const char *name,
    size_t name_len, uint64_t expires_ms)
{
    for (wf_entry *e = node->names; e; e = e->name_next) {
        if (e->parent != parent || e->name_len != name_len)
            continue;
        size_t i = 0;
        while (i < name_len && e->name[i] == name[i])
            i++;
        if (i == name_len) {
            e->expires_ms = expires_ms;
            return true;
        }
    }
    return false;
}

wf_node *wf_cache_insert(wf_cache *cache, const wf_node *parent,
    const char *name, size_t name_len, const struct fuse_entry_out *entry, uint64_t now_ms,
    bool *conflict)
{
    uint64_t attr_expires = wf_cache_deadline(now_ms, entry->attr_valid, entry->attr_valid_nsec);
    uint64_t entry_expires = wf_cache_deadline(now_ms, entry->entry_valid, entry->entry_valid_nsec);
    wf_node *node;

    *conflict = false;
    wf_lock_acquire(cache->lock);
    wf_node **slot = node_slot(cache, entry->nodeid);
    node = *slot;
    /* The root is no child (entry.c refuses it before; it is not in the node table and
       would get a twin). A nodeid still looked up cannot change type: the file system
       reused it, or lies. */
    if (entry->nodeid == FUSE_ROOT_ID ||
        (node && ((node->attr.mode ^ entry->attr.mode) & WF_CACHE_IFMT))) {
        *conflict = true;
        if (node)
            make_bad_locked(cache, node);
        if (entry->nodeid != FUSE_ROOT_ID)
            queue_forget(cache, entry->nodeid, 1);
        wf_lock_release(cache->lock);
        return NULL;
    }
    if (node) {
        node->nlookup++;
        ref_add(node);
    } else {
        node = wf_mem_alloc(sizeof *node);
        if (!node) {
            queue_forget(cache, entry->nodeid, 1);
            wf_lock_release(cache->lock);
            return NULL;
        }
        node->nodeid = entry->nodeid;
        node->nlookup = 1;
        node->refs = 1;
        node->hash_next = NULL;
        *slot = node;
        if (++cache->node_count > cache->node_buckets)
            grow_nodes(cache);
    }
    attr_update(node, &entry->attr, attr_expires);

    /* No name under a node made bad meanwhile: nothing walks there any more. */
    if (name && entry_expires > now_ms && !parent->bad &&
        !renew_own_entry(node, parent, name, name_len, entry_expires)) {
        uint32_t hash = hash_name(cache, parent->nodeid, name, name_len);
        wf_entry *old = entry_find(cache, hash, parent, name, name_len);
        /* Under folding the entry may carry another spelling: the newer one replaces it
           (or, too long to keep, only drops it). */
        if (old && old->node == node && old->name_len == name_len &&
            wf_mem_compare(old->name, name, name_len) == 0) {
            old->expires_ms = entry_expires;
        } else {
            if (old)
                entry_drop(cache, old);
            wf_entry *e = name_len <= WF_CACHE_NAME_MAX ?
                wf_mem_alloc(offsetof(wf_entry, name) + name_len) : NULL;
            if (e) {
                e->parent = (wf_node *)parent;
                ref_add(e->parent);
                e->node = node;
                ref_add(node);
                e->name_next = node->names;
                node->names = e;
                e->expires_ms = entry_expires;
                e->name_len = (uint8_t)name_len;
                wf_mem_copy(e->name, name, name_len);
                e->hash_next = cache->entries[hash & (cache->entry_buckets - 1)];
                cache->entries[hash & (cache->entry_buckets - 1)] = e;
                lru_push_newest(cache, e);
                if (++cache->entry_count > cache->entry_buckets)
                    grow_entries(cache);
                while (cache->entry_count > cache->capacity)
                    entry_drop(cache, cache->lru_oldest);
            }
        }
    }
    wf_lock_release(cache->lock);
    return node;
}

void wf_cache_give_back(wf_cache *cache, uint64_t nodeid)
{
    wf_lock_acquire(cache->lock);
    queue_forget(cache, nodeid, 1);
    wf_lock_release(cache->lock);
}

bool wf_cache_set_attr(wf_cache *cache, wf_node *node,
    const struct fuse_attr *attr, uint64_t attr_valid, uint32_t attr_valid_nsec, uint64_t now_ms)
{
    wf_lock_acquire(cache->lock);
    /* The root's attributes may never have been fetched: it is a directory all the same. */
    uint32_t type = node == &cache->root ? WF_CACHE_IFDIR : node->attr.mode & WF_CACHE_IFMT;
    bool same = type == 0 || (attr->mode & WF_CACHE_IFMT) == type;
    if (same)
        attr_update(node, attr, wf_cache_deadline(now_ms, attr_valid, attr_valid_nsec));
    else
        make_bad_locked(cache, node);
    wf_lock_release(cache->lock);
    return same;
}

uint64_t wf_cache_extend_size(wf_cache *cache, wf_node *node, uint64_t end)
{
    wf_lock_acquire(cache->lock);
    if (node->attr.size < end)
        node->attr.size = end;
    uint64_t size = node->attr.size;
    wf_lock_release(cache->lock);
    return size;
}

bool wf_cache_get_attr(wf_cache *cache, const wf_node *node, struct fuse_attr *attr,
    uint64_t now_ms)
{
    wf_lock_acquire(cache->lock);
    *attr = node->attr;
    bool valid = node->attr_expires_ms > now_ms;
    wf_lock_release(cache->lock);
    return valid;
}

wf_node *wf_cache_find_node(wf_cache *cache, uint64_t nodeid)
{
    wf_lock_acquire(cache->lock);
    wf_node *node = nodeid == FUSE_ROOT_ID ? &cache->root : *node_slot(cache, nodeid);
    if (node)
        ref_add(node);
    wf_lock_release(cache->lock);
    return node;
}

void wf_cache_drop_entry(wf_cache *cache, const wf_node *parent, const char *name,
    size_t name_len)
{
    uint32_t hash = hash_name(cache, parent->nodeid, name, name_len);
    wf_lock_acquire(cache->lock);
    wf_entry *entry = entry_find(cache, hash, parent, name, name_len);
    if (entry)
        entry_drop(cache, entry);
    wf_lock_release(cache->lock);
}

bool wf_cache_path(wf_cache *cache, const wf_node *node, uint32_t which, char *buf,
    size_t cap, size_t *len)
{
    size_t pos = cap;
    bool ok = true;

    wf_lock_acquire(cache->lock);
    if (node != &cache->root) {
        const wf_entry *e = node->names;
        for (uint32_t i = 0; e && i < which; i++)
            e = e->name_next;
        if (!e)
            ok = false;
        /* Written from the end, leaf first. Each step takes a name (never empty) of the
           buffer, so a cycle a lying file system made of directories ends here too. */
        while (ok) {
            size_t need = e->name_len + (pos < cap ? 1u : 0u);
            if (need > pos) {
                ok = false;
                break;
            }
            if (pos < cap)
                buf[--pos] = '/';
            pos -= e->name_len;
            wf_mem_copy(buf + pos, e->name, e->name_len);
            if (e->parent == &cache->root)
                break;
            e = e->parent->names;   /* a directory has one name */
            ok = e != NULL;
        }
    } else if (which != 0) {
        ok = false;
    }
    wf_lock_release(cache->lock);
    if (!ok)
        return false;
    *len = cap - pos;
    for (size_t i = 0; i < *len; i++)   /* to the front; the ranges may overlap */
        buf[i] = buf[pos + i];
    return true;
}

void wf_cache_expire_attr(wf_cache *cache, wf_node *node)
{
    wf_lock_acquire(cache->lock);
    node->attr_expires_ms = 0;
    wf_lock_release(cache->lock);
}

void wf_cache_make_bad(wf_cache *cache, wf_node *node)
{
    wf_lock_acquire(cache->lock);
    make_bad_locked(cache, node);
    wf_lock_release(cache->lock);
}

bool wf_cache_is_bad(wf_cache *cache, const wf_node *node)
{
    (void)cache;
    return __atomic_load_n(&node->bad, __ATOMIC_RELAXED);
}

static bool stamp_matches(const wf_node *node, const struct fuse_attr *attr)
{
    return node->info_ctime == attr->ctime && node->info_ctimensec == attr->ctimensec;
}

/* Records at this ctime: what the node knew at another is dropped. */
static void info_restamp(wf_node *node, const struct fuse_attr *attr)
{
    if (!stamp_matches(node, attr)) {
        node->info_ctime = attr->ctime;
        node->info_ctimensec = attr->ctimensec;
        node->ea_size_valid = false;
        node->dos_state = 0;
    }
}

void wf_cache_set_ea_size(wf_cache *cache, wf_node *node, uint32_t ea_size, bool valid)
{
    wf_lock_acquire(cache->lock);
    info_restamp(node, &node->attr);
    node->ea_size = ea_size;
    node->ea_size_valid = valid;
    wf_lock_release(cache->lock);
}

void wf_cache_set_dos(wf_cache *cache, wf_node *node, const struct fuse_attr *attr,
    uint8_t state, uint32_t attributes, uint64_t creation)
{
    wf_lock_acquire(cache->lock);
    info_restamp(node, attr);
    node->dos_state = state;
    node->dos_attributes = attributes;
    node->dos_creation = creation;
    wf_lock_release(cache->lock);
}

void wf_cache_dos_restamp(wf_cache *cache, wf_node *node, const struct fuse_attr *attr)
{
    wf_lock_acquire(cache->lock);
    /* The change was user.DOSATTRIB alone, which is no EA: an EaSize known at the old
       ctime is still the node's, as the DOS record is (both have the one stamp). */
    node->info_ctime = attr->ctime;
    node->info_ctimensec = attr->ctimensec;
    wf_lock_release(cache->lock);
}

uint8_t wf_cache_dos(wf_cache *cache, const wf_node *node, const struct fuse_attr *attr,
    uint32_t *attributes, uint64_t *creation)
{
    wf_lock_acquire(cache->lock);
    uint8_t state = stamp_matches(node, attr) ? node->dos_state : 0;
    *attributes = node->dos_attributes;
    *creation = node->dos_creation;
    wf_lock_release(cache->lock);
    return state;
}

uint32_t wf_cache_info(wf_cache *cache, const wf_node *node, const struct fuse_attr *attr,
    uint8_t *dos_state, uint32_t *dos_attributes, uint64_t *dos_creation)
{
    wf_lock_acquire(cache->lock);
    bool current = stamp_matches(node, attr);
    uint32_t ea_size = current && node->ea_size_valid ? node->ea_size : 0;
    *dos_state = current ? node->dos_state : 0;
    *dos_attributes = node->dos_attributes;
    *dos_creation = node->dos_creation;
    wf_lock_release(cache->lock);
    return ea_size;
}

void wf_cache_ref(wf_cache *cache, wf_node *node)
{
    (void)cache;
    ref_add(node);
}

void wf_cache_release(wf_cache *cache, wf_node *node)
{
    if (!node || ref_drop_unlocked(node))
        return;
    wf_lock_acquire(cache->lock);
    node_release_locked(cache, node);
    wf_lock_release(cache->lock);
}

void wf_cache_sweep(wf_cache *cache, uint64_t now_ms)
{
    wf_lock_acquire(cache->lock);
    for (wf_entry *e = cache->lru_oldest, *prev; e; e = prev) {
        prev = e->lru_prev;
        if (e->expires_ms <= now_ms)
            entry_drop(cache, e);
    }
    wf_lock_release(cache->lock);
}

void wf_cache_forget_unused(wf_cache *cache, uint64_t nodeid, uint64_t nlookup)
{
    wf_lock_acquire(cache->lock);
    queue_forget(cache, nodeid, nlookup);
    wf_lock_release(cache->lock);
}

size_t wf_cache_take_forgets(wf_cache *cache, wf_forget *forgets, size_t max)
{
    wf_lock_acquire(cache->lock);
    size_t n = cache->forget_count < max ? cache->forget_count : max;
    /* Take from the end: order does not matter to the file system, and no copying. */
    __atomic_store_n(&cache->forget_count, cache->forget_count - n, __ATOMIC_RELAXED);
    wf_mem_copy(forgets, cache->forgets + cache->forget_count, n * sizeof *forgets);
    wf_lock_release(cache->lock);
    return n;
}

size_t wf_cache_forgets_pending(wf_cache *cache)
{
    /* A count a moment old is as good as one under the lock: the caller decides only
       whether to take the queue now, and takes it under the lock. */
    return __atomic_load_n(&cache->forget_count, __ATOMIC_RELAXED);
}

uint32_t wf_cache_node_count(wf_cache *cache)
{
    wf_lock_acquire(cache->lock);
    uint32_t n = cache->node_count;
    wf_lock_release(cache->lock);
    return n;
}
