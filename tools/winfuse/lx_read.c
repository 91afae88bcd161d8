/* lx_read.c — `winfuse mount`: READ as NT Reads, with a read-ahead per open file: the
   kernel reads sequentially in 128 KiB READs, and each crossing of the NT translation costs
   a round trip to the file system, so a handle read sequentially reads 1 MiB at once and
   answers the next READs from it (docs/mount.md, "Speed"). */
#define _GNU_SOURCE
#include "lx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "winfuse/nt_constants.h"

/* As large as one FUSE READ the channel carries: one round trip per MiB. */
#define WF_LX_READ_AHEAD (1024u * 1024u)

void wf_lx_data_changed(wf_lx *lx)
{
    atomic_fetch_add(&lx->data_gen, 1);
}

/* Answers a READ of [off, off + size) from h's read-ahead when it holds it (or holds all
   there is up to the end of the file) and nothing changed since it was read; under
   h->lock. */
static bool wf_lx_read_from_ahead(wf_lx *lx, wf_lx_handle *h, fuse_req_t req, size_t size,
    uint64_t off)
{
    uint64_t end = h->ra_off + h->ra_len;
    size_t n;

    if (h->ra_buf == NULL || h->ra_gen != atomic_load(&lx->data_gen) || off < h->ra_off ||
        off > end || (off + size > end && !h->ra_eof))
        return false;
    n = off + size > end ? (size_t)(end - off) : size;
    h->next_off = off + n;
    fuse_reply_buf(req, h->ra_buf + (off - h->ra_off), n);
    return true;
}

/* Reads WF_LX_READ_AHEAD bytes from off into h's read-ahead and answers the READ from it.
   Not under h->lock while the NT Read waits: a second READ on the handle is served
   without the read-ahead meanwhile. */
static void wf_lx_read_ahead(wf_lx *lx, wf_lx_handle *h, fuse_req_t req, size_t size,
    uint64_t off)
{
    char *buffer = h->ra_buf;
    uint64_t gen = atomic_load(&lx->data_gen);
    uint32_t got = 0;
    NTSTATUS status = STATUS_SUCCESS;

    /* Taken before the Read: a write the Read may have missed makes it stale. */
    h->ra_buf = NULL;
    h->ra_filling = true;
    h->ra_fill_off = off;
    pthread_mutex_unlock(&h->lock);
    if (buffer == NULL)
        buffer = malloc(WF_LX_READ_AHEAD);
    if (buffer == NULL)
        status = STATUS_NO_MEMORY;
    else
        status = wf_fsd_read(h->file, buffer, off, WF_LX_READ_AHEAD, &got);
    pthread_mutex_lock(&h->lock);
    h->ra_filling = false;
    pthread_cond_broadcast(&h->ra_filled);
    h->ra_buf = buffer;
    h->ra_off = off;
    h->ra_gen = gen;
    if (status == STATUS_SUCCESS || status == STATUS_END_OF_FILE) {
        size_t n = size < got ? size : got;
        h->ra_len = got;
        h->ra_eof = got < WF_LX_READ_AHEAD;
        h->next_off = off + n;
        fuse_reply_buf(req, buffer, n);
    } else {
        h->ra_len = 0;
        h->ra_eof = false;
        fuse_reply_err(req, wf_lx_errno(status));
    }
}

static void wf_lx_read_held(wf_lx *lx, wf_lx_handle *h, fuse_req_t req, size_t size,
    off_t off)
{
    char *buffer;
    uint32_t got = 0;
    NTSTATUS status;

    pthread_mutex_lock(&h->lock);
    if (wf_lx_read_from_ahead(lx, h, req, size, (uint64_t)off)) {
        pthread_mutex_unlock(&h->lock);
        return;
    }
    /* An asynchronous READ (the kernel reading ahead in the background) of bytes a
       read-ahead is reading waits for them rather than asking the file system again. Not
       a synchronous one: it must stay where its reader's signal can cancel it. */
    while (lx->async_read && h->ra_filling && (uint64_t)off >= h->ra_fill_off &&
           (uint64_t)off < h->ra_fill_off + WF_LX_READ_AHEAD) {
        pthread_cond_wait(&h->ra_filled, &h->lock);
        if (wf_lx_read_from_ahead(lx, h, req, size, (uint64_t)off)) {
            pthread_mutex_unlock(&h->lock);
            return;
        }
    }
    /* Read ahead from the second READ that goes on where the last one ended: not for the
       first READ of a file (most files read are small), nor a random reader's. */
    if (!h->direct && !h->ra_filling && off > 0 && (uint64_t)off == h->next_off &&
        size < WF_LX_READ_AHEAD) {
        wf_lx_read_ahead(lx, h, req, size, (uint64_t)off);
        pthread_mutex_unlock(&h->lock);
        return;
    }
    pthread_mutex_unlock(&h->lock);

    buffer = malloc(size ? size : 1);
    if (buffer == NULL) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    status = wf_fsd_read(h->file, buffer, (uint64_t)off, (uint32_t)size, &got);
    if (status == STATUS_SUCCESS || status == STATUS_END_OF_FILE) {
        pthread_mutex_lock(&h->lock);
        h->next_off = (uint64_t)off + got;
        pthread_mutex_unlock(&h->lock);
        fuse_reply_buf(req, buffer, got);
    } else {
        fuse_reply_err(req, wf_lx_errno(status));
    }
    free(buffer);
}

void wf_lx_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
    wf_lx *lx = wf_lx_enter(req);
    wf_lx_handle *h = (wf_lx_handle *)(uintptr_t)fi->fh;

    (void)ino;
    /* The read-ahead answers under h->lock, which is let go after the reply: held, so
       that a RELEASE the reply lets the kernel send cannot free h first. */
    wf_lx_handle_hold(lx, h);
    wf_lx_read_held(lx, h, req, size, off);
    wf_lx_handle_put(lx, h);
}
