/* access.h — the caller's identity on each request, and the access checks made before the
   file system is asked (access.c). */
#ifndef WINFUSE_ENGINE_ACCESS_H
#define WINFUSE_ENGINE_ACCESS_H

#include "engine/engine_internal.h"

/* At submit, on a fresh op (op_new: the host's identity, no checks): whom the request
   acts for (a Create's token, a Rename's token, else the handle's opener, else the host's
   identity) and whether its rights are checked. */
void wf_access_begin(wf_engine *engine, wf_op *op);
/* A Create succeeded: the handle keeps the opener's identity for the requests that follow. */
void wf_access_file_opened(const wf_op *op, wf_file *file);

/* The rwx bits (4, 2, 1) the caller holds on a file with these attributes, after the
   volume's uid=/gid=/umask= options: the owner's class, else the group's (primary or
   supplementary), else the others'. For root: rw always, x when the file is a directory or
   anyone has x. */
uint32_t wf_access_bits(const wf_engine *engine, const wf_identity *identity,
    const struct fuse_attr *attr);
/* The NT rights those bits give on the file (DELETE is the parent's matter: see below). */
uint32_t wf_access_rights(const wf_engine *engine, const wf_identity *identity,
    const struct fuse_attr *attr);
/* Whether the caller may remove a name of the file from the directory, as Linux's
   may_delete: w and x on the directory, and in a sticky directory owning one of the two. */
bool wf_access_may_delete(const wf_engine *engine, const wf_identity *identity,
    const struct fuse_attr *dir, const struct fuse_attr *attr);

/* Nested coroutines; each leaves op->status. */
/* The walk is about to look a name up in op->node: x on it (attributes from op->attr when
   attr_fresh, the cache, or GETATTR; left in op->attr and op->dir_attr). */
wf_step wf_access_traverse(wf_op *op);
/* An existing file is opened (op->node, attributes in op->attr; op->parent): the desired
   access plus implied (what the disposition needs) must be held; MAXIMUM_ALLOWED grants
   what is held. The grant is left in op->access_granted. */
wf_step wf_access_open(wf_op *op, uint32_t implied);
/* A name is created in op->node: w and x on it; the Create's security descriptor is
   read into op->sd_* and an owner the caller may not give is refused. Runs for every
   Create that creates (the descriptor matters without checks too). */
wf_step wf_access_create(wf_op *op);
/* After CREATE/MKDIR/MKNOD (op->node the new node, op->attr its attributes, op->file its
   handle): SETATTR of the owner and group the descriptor asked for, where they differ. */
wf_step wf_access_set_owner(wf_op *op);
/* Rename or link of file into (op->node, op->name), from (op->node2, op->name2) for a
   rename: add rights (w, x) on the target directory, w on a directory that moves to
   another parent. */
wf_step wf_access_rename(wf_op *op, const wf_file *file, bool link);
/* The existing target (attributes in op->attr) of a rename or link into op->node is to be
   replaced: the caller must be allowed to delete it. Uses the target directory's
   attributes wf_access_rename left. */
NTSTATUS wf_access_replace(const wf_op *op);
/* Whether requests on the handle are held to Linux's rules (a checked opener, neither root
   nor privileged). */
bool wf_access_file_checked(const wf_file *file);
/* Whether the handle's opener may make the change a SETATTR carries to the file of attr,
   as setattr_prepare and chown(2) decide: STATUS_ACCESS_DENIED for a mode, owner, group or
   explicit time set by a non-owner, or "now" times by one who may not write;
   STATUS_INVALID_OWNER / STATUS_INVALID_PRIMARY_GROUP for an owner chown(2) refuses. A
   mode by an owner outside the file's group loses S_ISGID in *in. */
NTSTATUS wf_access_setattr(const wf_engine *engine, const wf_file *file,
    const struct fuse_attr *attr, struct fuse_setattr_in *in);
/* Whether the handle's opener may read (GETXATTR) or change (SETXATTR, REMOVEXATTR) the
   user.* xattrs of the file of attr, as xattr_permission decides: r or w by the mode now,
   and in a sticky directory only its owner changes them. STATUS_ACCESS_DENIED if not. */
NTSTATUS wf_access_xattr(const wf_engine *engine, const wf_file *file,
    const struct fuse_attr *attr, bool write);

/* The mode the Create's security descriptor gives a new file, if any: true and *mode set. */
bool wf_access_sd_mode(const wf_op *op, uint32_t *mode);

#endif
