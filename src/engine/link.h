/* link.h — symbolic links in the namespace (link.c): READLINK, the STATUS_REPARSE a Create
   answers when its path meets a link, and whether a link leads to a directory. */
#ifndef WINFUSE_ENGINE_LINK_H
#define WINFUSE_ENGINE_LINK_H

#include "engine/engine_internal.h"
#include "winfuse/reparse_map.h"

/* What a symbolic link is known to lead to (wf_node.link_dir, under the engine lock). */
#define WF_LINK_UNKNOWN 0u
#define WF_LINK_NOT_DIR 1u
#define WF_LINK_DIR     2u

/* Links followed to find a target at most (NT's limit per path). */
#define WF_LINK_HOPS_MAX 63u

#define WF_S_ISLNK(m)   (((m) & WF_S_IFMT) == WF_S_IFLNK)

/* What the link operations keep across round trips: allocated on first use, freed (its
   nodes released) by wf_link_release, which op_free calls too. */
typedef struct wf_link_ctx {
    uint32_t mode, rdev;        /* the node being answered for, or being made */
    uint32_t tag;               /* the tag a delete names */
    wf_node *node;              /* the link to READLINK next (referenced) */
    wf_node *probed;            /* the link whose target a probe looks for (referenced) */
    wf_node *at;                /* where the probe's walk is (referenced) */
    wf_node *child;             /* the component just looked up (referenced) */
    wf_node *made;              /* what a reparse point change made (referenced) */
    struct fuse_attr attr;
    struct fuse_entry_out entry;
    uint32_t hops, rounds;
    uint32_t remove_opcode;     /* what must go before a rename can replace the file */
    bool link_dir;              /* a link being made leads to a directory */
    bool target_dir;            /* the target READLINK read ended in '/' (stripped) */
    NTSTATUS failure;           /* kept while a failed change is undone */
    size_t units, pos, link_start, link_end;
    uint32_t target_len;
    char name[WF_NAME_MAX + 1];         /* a FUSE name (probe), or a temporary name */
    uint32_t name_len;
    char target[WF_LINK_TARGET_MAX + 1];    /* a POSIX link target, NUL-terminated */
    uint16_t wtarget[WF_LINK_TARGET_MAX];   /* the target in Windows form */
    uint16_t path[WF_REPARSE_PATH_MAX + 1];
    uint16_t spliced[WF_REPARSE_PATH_MAX + 1];
} wf_link_ctx;

/* op->link, allocated (zeroed) when missing; NULL without memory. */
wf_link_ctx *wf_link_ctx_get(wf_op *op);
/* Releases the context's nodes and frees it. */
void wf_link_release(wf_op *op);

/* READLINK of node into op->link->target: the call is described in op->call. */
void wf_link_readlink_call(wf_op *op, wf_node *node);
/* The reply: the target in op->link->target/target_len; an error as NTSTATUS (EINVAL, "not
   a link", is STATUS_NOT_A_REPARSE_POINT; an empty target STATUS_IO_REPARSE_DATA_INVALID).
   A target ending in '/' is a directory link's (mklink /D, or ln -s dir/): the slashes are
   stripped (the Windows target has none) and op->link->target_dir says so. */
NTSTATUS wf_link_readlink_reply(wf_op *op);

/* The POSIX target of a link being made (op->link->target) marked as dir says: a directory
   link's ends in one '/', a file link's in none. False when the mark does not fit. */
bool wf_link_mark_target(wf_link_ctx *ctx, bool dir);

/* The STATUS_REPARSE a Create answers when its path meets a symbolic link or (as its last
   component) a special file whose attributes are attr: the link's target replaces the
   component of the request's FileName that ends at op->walk_pos, and the whole new path
   goes back as one SYMLINK_FLAG_RELATIVE buffer (volume-relative, the form WinFsp's FSD
   prefixes with the volume's name), IoStatus.Information IO_REPARSE_TAG_SYMLINK; a special
   file answers its NFS data (IO_REPARSE_TAG_NFS), which the I/O manager has no handler
   for. Nested; sets op->status. */
wf_step wf_link_reparse(wf_op *op, const struct fuse_attr *attr);

/* Finds out whether the symbolic link node leads to a directory, unless known: READLINK,
   then a walk to the target (LOOKUP per component not cached, links met on the way
   followed, WF_LINK_HOPS_MAX at most). path is the link's directory (a Windows path from
   the root) and name the link's FUSE name; without a name, path is the link's own path;
   a NULL path is the request's FileName. Both are read on the first call only. The answer
   is kept on the node for its life, as NTFS keeps a link's directory bit: a missing or
   looping target is "not a directory"; a failure to ask (cancelled, disconnected) leaves
   it unknown. Nested. */
wf_step wf_link_probe(wf_op *op, wf_node *node, const uint16_t *path, size_t units,
    const char *name, size_t name_len);

/* Whether node, whose attributes have mode, is a symbolic link never probed. */
bool wf_link_needs_probe(wf_engine *engine, const wf_node *node, uint32_t mode);
/* Records what a link leads to when known without a probe (made in place of a directory). */
void wf_link_set_dir(wf_engine *engine, wf_node *node, bool dir);
/* Adds FILE_ATTRIBUTE_DIRECTORY to info when node is a symbolic link known to lead to a
   directory (NTFS marks directory links so). */
void wf_link_file_info(wf_engine *engine, const wf_node *node, FSP_FSCTL_FILE_INFO *info);
/* True when node (attributes attr) is a link known to lead to a directory. */
bool wf_link_is_dir(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr);

/* Keeps a directory handle's path (the Create's FileName) for the probes of its listings.
   A path that changes later (a rename of the directory or above) is not followed: those
   probes then look from the old place, and may leave a link's directory bit unset. */
void wf_link_remember_path(wf_op *op, wf_file *file);

/* The request's FileName as UTF-16 units without terminator, or NULL when malformed. */
const uint16_t *wf_link_request_path(const wf_op *op, size_t *units);

#endif
