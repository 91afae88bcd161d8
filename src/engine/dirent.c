/* dirent.c — the one reader of READDIR and READDIRPLUS records (dirent.h). */
#include "engine/dirent.h"

bool wf_dirent_at(const uint8_t *buf, uint32_t pos, uint32_t end, bool plus, wf_dirent *d)
{
    uint32_t left = end - pos;
    const uint8_t *p = buf + pos;
    uint32_t header = plus ? (uint32_t)FUSE_NAME_OFFSET_DIRENTPLUS : (uint32_t)FUSE_NAME_OFFSET;
    struct fuse_dirent dirent;

    if (pos > end || left < header)
        return false;
    /* Inline (a listing reads each record's header several times): no call for 24 bytes. */
    __builtin_memcpy(&dirent, p + header - FUSE_NAME_OFFSET, FUSE_NAME_OFFSET);
    if (dirent.namelen == 0 || dirent.namelen > left - header)
        return false;
    d->off = dirent.off;
    d->name = (const char *)p + header;
    d->namelen = dirent.namelen;
    d->reclen = (uint32_t)FUSE_DIRENT_ALIGN(header + dirent.namelen);
    if (d->reclen > left)
        d->reclen = left;       /* the last record may omit its padding */
    d->entry = plus ? (const struct fuse_entry_out *)(const void *)p : NULL;
    return true;
}
