/* lx_node.c — `winfuse mount`'s nodeids: each inode the kernel holds, known by its path. */
#define _POSIX_C_SOURCE 200809L
#include "lx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "winfuse/case_fold.h"
#include "winfuse/mappings.h"

#define WF_LX_BUCKETS 4096u
#define WF_LX_NAME_UNITS 512u

/* Paths compare as the volume compares names: without case on a case-insensitive one. */
static uint32_t wf_lx_hash(const wf_lx *lx, const char *path, size_t len)
{
    uint32_t h = 2166136261u;
    if (lx->case_insensitive)
        return wf_fold_hash(h, path, len);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)path[i]) * 16777619u;
    return h;
}

static bool wf_lx_same(const wf_lx *lx, const char *a, size_t a_len, const char *b,
    size_t b_len)
{
    if (lx->case_insensitive)
        return wf_fold_equal(a, a_len, b, b_len);
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

bool wf_lx_init(wf_lx *lx)
{
    if (pthread_mutex_init(&lx->lock, NULL) != 0)
        return false;
    lx->bucket_count = WF_LX_BUCKETS;
    lx->buckets = calloc(lx->bucket_count, sizeof *lx->buckets);
    lx->root.path = strdup("\\");
    lx->root.path_len = 1;
    lx->root.nlookup = 1;
    lx->list.next = lx->list.prev = &lx->list;
    if (lx->buckets == NULL || lx->root.path == NULL || !wf_lx_interrupt_init(lx)) {
        free(lx->buckets);
        free(lx->root.path);
        pthread_mutex_destroy(&lx->lock);
        return false;
    }
    return true;
}

static void wf_lx_unhash(wf_lx *lx, wf_lx_node *node)
{
    wf_lx_node **link;
    if (!node->hashed)
        return;
    for (link = &lx->buckets[node->hash % lx->bucket_count]; *link != node;
         link = &(*link)->hash_next)
        ;
    *link = node->hash_next;
    node->hashed = false;
}

static void wf_lx_hash_in(wf_lx *lx, wf_lx_node *node)
{
    wf_lx_node **bucket;
    node->hash = wf_lx_hash(lx, node->path, node->path_len);
    bucket = &lx->buckets[node->hash % lx->bucket_count];
    node->hash_next = *bucket;
    *bucket = node;
    node->hashed = true;
}

void wf_lx_fini(wf_lx *lx)
{
    wf_lx_node *node = lx->list.next;
    while (node != &lx->list) {
        wf_lx_node *next = node->next;
        free(node->path);
        free(node);
        node = next;
    }
    wf_lx_interrupt_fini(lx);
    free(lx->buckets);
    free(lx->root.path);
    pthread_mutex_destroy(&lx->lock);
}

static wf_lx_node *wf_lx_node_of(wf_lx *lx, fuse_ino_t ino)
{
    return ino == FUSE_ROOT_ID ? &lx->root : (wf_lx_node *)(uintptr_t)ino;
}

int wf_lx_path(wf_lx *lx, fuse_ino_t ino, char *path, size_t cap)
{
    wf_lx_node *node = wf_lx_node_of(lx, ino);
    int err = 0;
    pthread_mutex_lock(&lx->lock);
    if (node->path == NULL)
        err = -ENOENT;
    else if (node->path_len >= cap)
        err = -ENAMETOOLONG;
    else
        memcpy(path, node->path, node->path_len + 1);
    pthread_mutex_unlock(&lx->lock);
    return err;
}

int wf_lx_child_path(wf_lx *lx, fuse_ino_t parent, const char *name, char *path, size_t cap)
{
    uint16_t units[WF_LX_NAME_UNITS];
    size_t n, len, used;
    int err = wf_lx_path(lx, parent, path, cap);

    if (err)
        return err;
    len = strlen(name);
    if (len > 255)
        return -ENAMETOOLONG;
    NTSTATUS status = wf_name_to_windows(name, len, units, WF_LX_NAME_UNITS, &n);
    if (status == STATUS_BUFFER_OVERFLOW)
        return -ENAMETOOLONG;
    if (status != STATUS_SUCCESS)
        return -EINVAL;
    used = strlen(path);
    if (used > 1)
        path[used++] = '\\';
    if (used >= cap)
        return -ENAMETOOLONG;
    status = wf_utf16_to_utf8(units, n, path + used, cap - used - 1, &len);
    if (status != STATUS_SUCCESS)
        return status == STATUS_BUFFER_OVERFLOW ? -ENAMETOOLONG : -EINVAL;
    path[used + len] = '\0';
    return 0;
}

const char *wf_lx_name_linux_form(const char *name, char *buffer, size_t cap,
    size_t *out_len)
{
    uint16_t units[WF_LX_NAME_UNITS];
    size_t n, len = 0;

    /* ASCII but NUL and '/' is the same in UTF-8, UTF-16 and the Linux form (the mapped
       characters are all beyond it): most names, taken as they are, without converting
       them there and back (the scan measures the name too). */
    while ((unsigned char)name[len] - 1u < 0x7Fu && name[len] != '/')
        len++;
    if (name[len] == '\0' && len <= WF_LX_NAME_UNITS && len < cap) {
        *out_len = len;
        return name;
    }
    len += strlen(name + len);
    if (wf_utf8_to_utf16(name, len, units, WF_LX_NAME_UNITS, &n) != STATUS_SUCCESS ||
        wf_name_to_fuse(units, n, buffer, cap - 1, out_len) != STATUS_SUCCESS)
        return NULL;
    buffer[*out_len] = '\0';
    return buffer;
}

static wf_lx_node *wf_lx_find(wf_lx *lx, const char *path, size_t len)
{
    uint32_t hash = wf_lx_hash(lx, path, len);
    wf_lx_node *node;
    if (len == 1 && path[0] == '\\')
        return &lx->root;
    for (node = lx->buckets[hash % lx->bucket_count]; node != NULL; node = node->hash_next)
        if (node->hash == hash && wf_lx_same(lx, node->path, node->path_len, path, len))
            return node;
    return NULL;
}

fuse_ino_t wf_lx_node_ref(wf_lx *lx, const char *path)
{
    size_t len = strlen(path);
    wf_lx_node *node;

    pthread_mutex_lock(&lx->lock);
    node = wf_lx_find(lx, path, len);
    if (node == NULL) {
        node = calloc(1, sizeof *node);
        if (node != NULL && (node->path = strdup(path)) == NULL) {
            free(node);
            node = NULL;
        }
        if (node != NULL) {
            node->path_len = len;
            wf_lx_hash_in(lx, node);
            node->next = lx->list.next;
            node->prev = &lx->list;
            lx->list.next->prev = node;
            lx->list.next = node;
        }
    }
    if (node != NULL)
        node->nlookup++;
    pthread_mutex_unlock(&lx->lock);
    if (node == NULL)
        return 0;
    return node == &lx->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)node;
}

void wf_lx_node_forget(wf_lx *lx, fuse_ino_t ino, uint64_t count)
{
    wf_lx_node *node = wf_lx_node_of(lx, ino);
    if (node == &lx->root)
        return;
    pthread_mutex_lock(&lx->lock);
    node->nlookup = node->nlookup > count ? node->nlookup - count : 0;
    if (node->nlookup == 0) {
        /* A handle still on it is held by a request that outlived its RELEASE (a READ
           answered, the file closed and forgotten before its worker let go): it goes on
           without a node. */
        for (wf_lx_handle *h = node->handles, *next; h != NULL; h = next) {
            next = h->node_next;
            h->node = NULL;
            h->node_prev = h->node_next = NULL;
        }
        wf_lx_unhash(lx, node);
        node->prev->next = node->next;
        node->next->prev = node->prev;
        free(node->path);
        free(node);
    }
    pthread_mutex_unlock(&lx->lock);
}

/* The node loses its name: later calls by nodeid answer ENOENT, open handles go on. */
static void wf_lx_orphan(wf_lx *lx, wf_lx_node *node)
{
    wf_lx_unhash(lx, node);
    free(node->path);
    node->path = NULL;
    node->path_len = 0;
}

void wf_lx_node_removed(wf_lx *lx, const char *path)
{
    wf_lx_node *node;
    pthread_mutex_lock(&lx->lock);
    node = wf_lx_find(lx, path, strlen(path));
    if (node != NULL && node != &lx->root)
        wf_lx_orphan(lx, node);
    pthread_mutex_unlock(&lx->lock);
}

void wf_lx_node_renamed(wf_lx *lx, const char *old_path, const char *new_path)
{
    size_t old_len = strlen(old_path), new_len = strlen(new_path);
    wf_lx_node *node, *moved;

    pthread_mutex_lock(&lx->lock);
    moved = wf_lx_find(lx, old_path, old_len);
    node = wf_lx_find(lx, new_path, new_len);
    if (node != NULL && node != moved && node != &lx->root)
        wf_lx_orphan(lx, node);
    /* The file itself and, for a directory, every node below it: their paths begin with
       the old one and a backslash. */
    for (node = lx->list.next; node != &lx->list; node = node->next) {
        char *path;
        size_t rest;
        if (node->path == NULL || node->path_len < old_len ||
            !wf_lx_same(lx, node->path, old_len, old_path, old_len) ||
            (node->path_len > old_len && node->path[old_len] != '\\'))
            continue;
        rest = node->path_len - old_len;
        path = malloc(new_len + rest + 1);
        if (path == NULL) {
            wf_lx_orphan(lx, node);
            continue;
        }
        memcpy(path, new_path, new_len);
        memcpy(path + new_len, node->path + old_len, rest + 1);
        wf_lx_unhash(lx, node);
        free(node->path);
        node->path = path;
        node->path_len = new_len + rest;
        wf_lx_hash_in(lx, node);
    }
    pthread_mutex_unlock(&lx->lock);
}

void wf_lx_handle_attach(wf_lx *lx, fuse_ino_t ino, wf_lx_handle *h)
{
    wf_lx_node *node = wf_lx_node_of(lx, ino);
    pthread_mutex_lock(&lx->lock);
    h->refs = 1;
    h->node = node;
    h->node_prev = NULL;
    h->node_next = node->handles;
    if (node->handles != NULL)
        node->handles->node_prev = h;
    node->handles = h;
    pthread_mutex_unlock(&lx->lock);
}

wf_lx_handle *wf_lx_handle_borrow(wf_lx *lx, fuse_ino_t ino)
{
    wf_lx_node *node = wf_lx_node_of(lx, ino);
    wf_lx_handle *h;
    pthread_mutex_lock(&lx->lock);
    h = node->handles;
    if (h != NULL)
        h->refs++;
    pthread_mutex_unlock(&lx->lock);
    return h;
}

void wf_lx_handle_hold(wf_lx *lx, wf_lx_handle *h)
{
    pthread_mutex_lock(&lx->lock);
    h->refs++;
    pthread_mutex_unlock(&lx->lock);
}

void wf_lx_handle_put(wf_lx *lx, wf_lx_handle *h)
{
    bool last;
    pthread_mutex_lock(&lx->lock);
    last = --h->refs == 0;
    if (last && h->node != NULL) {
        if (h->node_prev != NULL)
            h->node_prev->node_next = h->node_next;
        else
            h->node->handles = h->node_next;
        if (h->node_next != NULL)
            h->node_next->node_prev = h->node_prev;
        h->node = NULL;
    }
    pthread_mutex_unlock(&lx->lock);
    if (last)
        wf_lx_handle_close(h);
}
