/* dirent.h — the one reader of READDIR and READDIRPLUS replies (dirent.c): the listing,
   the case-folding scan, the emptiness probe and a late reply's give-back walk its records
   through here, under one set of rules. */
#ifndef WINFUSE_ENGINE_DIRENT_H
#define WINFUSE_ENGINE_DIRENT_H

#include "winfuse/fuse_abi.h"
#include "platform/platform.h"

typedef struct wf_dirent {
    uint64_t off;               /* where the listing goes on after this record */
    const char *name;           /* not NUL-terminated */
    uint32_t namelen;
    uint32_t reclen;            /* the record's length (the last may omit its padding) */
    const struct fuse_entry_out *entry;     /* READDIRPLUS only, else NULL */
} wf_dirent;

/* The record at pos of buf[0..end) (READDIRPLUS with plus): false when it is malformed (a
   header beyond the reply, an empty name, a name beyond the reply). Walk a reply with
   `for (pos = 0; pos < end && wf_dirent_at(buf, pos, end, plus, &d); pos += d.reclen)`. */
bool wf_dirent_at(const uint8_t *buf, uint32_t pos, uint32_t end, bool plus, wf_dirent *d);

#endif
