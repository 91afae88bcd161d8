/* entry.h — the one intake of what a file system says about nodes (entry.c): every
   fuse_entry_out (LOOKUP, READDIRPLUS, CREATE, MKNOD, MKDIR, SYMLINK, LINK) and every
   fuse_attr_out (GETATTR, SETATTR) goes into the cache through here, under one set of rules. */
#ifndef WINFUSE_ENGINE_ENTRY_H
#define WINFUSE_ENGINE_ENTRY_H

#include "engine/engine_internal.h"

/* Whether mode's type bits are one of the seven POSIX file types. */
bool wf_entry_type_valid(uint32_t mode);

/* Takes an entry that a request for name in parent answered (name NULL: the node only, as
   for a listed name no Windows name can carry). made_type is 0 for a lookup (LOOKUP,
   READDIRPLUS), else the file type the request made (CREATE, MKNOD, MKDIR, SYMLINK) or
   linked (LINK: the source's). The rules, in order:
   - nodeid 0: a lookup's "no such entry" (STATUS_OBJECT_NAME_NOT_FOUND, nothing counted,
     nothing cached), a bad reply for a request that made something;
   - a bad reply when it names the root (FUSE_ROOT_ID is never a child), has a type that is
     not one of the seven or a size beyond INT64_MAX, names parent itself (a directory its
     own child), is not of made_type, or names a cached node of another type (which is then
     made bad: wf_cache_make_bad).
   A bad reply is counted (bad_replies), returns STATUS_IO_DEVICE_ERROR, caches nothing and
   drops what was cached for (parent, name); the lookup it counted at the file system is
   given back with FORGET — except for nodeid 0 (none counted) and the root (never
   forgotten). Otherwise STATUS_SUCCESS and *node (referenced), or
   STATUS_INSUFFICIENT_RESOURCES (the lookup given back). */
NTSTATUS wf_entry_take(wf_engine *engine, const wf_node *parent, const char *name,
    size_t name_len, const struct fuse_entry_out *entry, uint32_t made_type, wf_node **node);
/* The same, at the engine time now_ms (wf_engine_now): a READDIRPLUS reply's entries, all
   arrived together, read the clock once. */
NTSTATUS wf_entry_take_at(wf_engine *engine, const wf_node *parent, const char *name,
    size_t name_len, const struct fuse_entry_out *entry, uint32_t made_type, uint64_t now_ms,
    wf_node **node);

/* Takes an attr reply (GETATTR, SETATTR) for node. A type that is not one of the seven, a
   size beyond INT64_MAX, or a type other than the node's (the root is a directory) is a bad
   reply: counted, STATUS_IO_DEVICE_ERROR, nothing stored, and the node (not the root) made
   bad. */
NTSTATUS wf_entry_take_attr(wf_engine *engine, wf_node *node, const struct fuse_attr_out *out);

/* A request on a handle whose node was made bad fails, as the Linux client's does. */
bool wf_entry_node_bad(wf_engine *engine, const wf_node *node);

#endif
