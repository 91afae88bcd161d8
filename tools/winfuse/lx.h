/* lx.h — `winfuse mount`'s POSIX front door (the LXCORE role): a kernel FUSE mount whose
   requests become NT calls on the FSD stand-in (docs/mount.md). */
#ifndef WINFUSE_TOOLS_LX_H
#define WINFUSE_TOOLS_LX_H

/* 3.12: fuse_session_loop_mt takes the fuse_loop_config of fuse_loop_cfg_create; below
   it, the same call reads that config as the old two-field struct (clone_fd from the
   version tag, max_idle_threads 0: a worker made and ended for every request). */
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fsd.h"
#include "winfuse/engine.h"

/* A Windows path in UTF-8: at most 1023 UTF-16 units (FSP_FSCTL_TRANSACT_PATH_SIZEMAX),
   each at most 3 bytes. */
#define WF_LX_PATH_MAX (1024u * 3u + 1u)

/* The readahead asked of the kernel (INIT's max_readahead, and the mount's read_ahead_kb):
   1 MiB READs, each crossing the NT translation once, whatever its size. */
#define WF_LX_MAX_READAHEAD (1024u * 1024u)

/* One inode the kernel holds: its nodeid is its address. It is known by the Windows path
   it was last seen at; path NULL once its name is gone (unlinked or replaced). */
struct wf_lx_handle;

typedef struct wf_lx_node {
    struct wf_lx_node *hash_next;
    /* The files open on it: an unlinked file is reached through them (fstat of an
       unlinked file comes as GETATTR of its nodeid, without a handle). */
    struct wf_lx_handle *handles;
    struct wf_lx_node *prev, *next;     /* every node but the root, for renames */
    uint64_t nlookup;
    uint32_t hash;
    bool hashed;
    char *path;
    size_t path_len;
} wf_lx_node;

typedef struct wf_lx {
    wf_fsd *fsd;
    bool case_insensitive;
    /* --as: every request acts for this caller, not for the calling process. */
    bool fixed_identity;
    wf_identity identity;
    const wf_id_map *id_map;    /* -o uid=,gid=,umask=,uidmap= as the volume has them */
    double timeout;             /* entry and attribute timeout given to the kernel */
    /* The kernel may send READs asynchronously (readahead in the background): the file
       system behind accepts them, and -o sync_read was not given. */
    bool async_read;
    pthread_mutex_t lock;
    wf_lx_node root;
    wf_lx_node list;            /* head of the list of nodes */
    wf_lx_node **buckets;
    size_t bucket_count;
    /* lx_read.c: counts every change of file data made through the mount; a read-ahead
       taken before the latest change is not served. */
    atomic_uint_fast64_t data_gen;
    /* lx_interrupt.c: each worker thread's canceller (its slot), kept until wf_lx_fini. */
    pthread_key_t slot_key;
    struct wf_lx_slot *slots;   /* under lock */
} wf_lx;

/* lx_node.c: nodeids and paths. */
bool wf_lx_init(wf_lx *lx);
void wf_lx_fini(wf_lx *lx);
/* The path of ino into path: 0, -ENOENT once its name is gone, -ENAMETOOLONG. */
int wf_lx_path(wf_lx *lx, fuse_ino_t ino, char *path, size_t cap);
/* The path of name in directory parent (the name mapped as Windows shows it: private-use
   characters for those it forbids): 0 or a negative errno. */
int wf_lx_child_path(wf_lx *lx, fuse_ino_t parent, const char *name, char *path, size_t cap);
/* The node of path, made if new; its lookup count goes up by one. 0 when out of memory. */
fuse_ino_t wf_lx_node_ref(wf_lx *lx, const char *path);
void wf_lx_node_forget(wf_lx *lx, fuse_ino_t ino, uint64_t count);
/* After a rename: what was at new_path lost its name; old_path and all below it moved. */
void wf_lx_node_renamed(wf_lx *lx, const char *old_path, const char *new_path);
/* After an unlink or rmdir: the node at path lost its name. */
void wf_lx_node_removed(wf_lx *lx, const char *path);
/* A Windows name (UTF-8, private-use characters for forbidden ones) as Linux shows it, of
   *out_len bytes and NUL-terminated: name itself when it is its own Linux form, else in
   buffer (cap bytes); NULL when it has none. */
const char *wf_lx_name_linux_form(const char *name, char *buffer, size_t cap,
    size_t *out_len);

/* What fi->fh holds: the NT handle, and for a directory the entries read. Counted: the
   kernel's reference, and each call that borrowed it through its node. */
typedef struct wf_lx_dirent wf_lx_dirent;
typedef struct wf_lx_handle {
    wf_fsd_file *file;
    bool append;
    bool direct;                    /* O_DIRECT: no read-ahead */
    uint32_t refs;                  /* under lx->lock */
    wf_lx_node *node;               /* NULL: not attached */
    struct wf_lx_handle *node_prev, *node_next;
    pthread_mutex_t lock;
    wf_lx_dirent *entries;
    size_t count, cap;
    char *names;                    /* the entries' names, NUL-terminated, one after another */
    size_t names_used, names_cap;
    /* lx_read.c, under lock: the data read ahead (ra_len bytes from ra_off, as of data_gen
       ra_gen; ra_eof: the file ended there), and where the last READ ended. */
    char *ra_buf;
    uint64_t ra_off, ra_gen, next_off;
    uint32_t ra_len;
    bool ra_eof, ra_filling;
    /* While ra_filling: where the read-ahead being read starts; ra_filled is signalled
       when it is in. */
    uint64_t ra_fill_off;
    pthread_cond_t ra_filled;
} wf_lx_handle;
/* Closes the NT handle and frees h (lx_files.c). */
void wf_lx_handle_close(wf_lx_handle *h);
/* Attaches a new handle (one reference) to the node ino. */
void wf_lx_handle_attach(wf_lx *lx, fuse_ino_t ino, wf_lx_handle *h);
/* An open handle of the node ino with a reference taken, or NULL. */
wf_lx_handle *wf_lx_handle_borrow(wf_lx *lx, fuse_ino_t ino);
/* Drops a reference; the last closes the NT handle and frees it. */
/* A reference more, for a request that touches the handle after its reply: the kernel
   may send the RELEASE as soon as the reply is in, and another worker may take it. */
void wf_lx_handle_hold(wf_lx *lx, wf_lx_handle *h);
void wf_lx_handle_put(wf_lx *lx, wf_lx_handle *h);

/* lx_interrupt.c: the kernel's FUSE_INTERRUPT of a request cancels the NT calls the
   thread serving it waits in (wf_fsd_cancel_thread): they complete with STATUS_CANCELLED
   (EINTR) unless the file system answers first. */
bool wf_lx_interrupt_init(wf_lx *lx);
void wf_lx_interrupt_fini(wf_lx *lx);
/* Makes req this thread's current work, cancelled by its INTERRUPT. */
void wf_lx_interrupt_enter(wf_lx *lx, fuse_req_t req);

/* lx_errno.c: NTSTATUS to the errno a Linux program expects. */
int wf_lx_errno(NTSTATUS status);

/* lx_ops.c: the low-level operations, and what they share. */
extern const struct fuse_lowlevel_ops wf_lx_ops;
/* The mount of a request, with the request's caller made this thread's identity. */
wf_lx *wf_lx_enter(fuse_req_t req);
/* Every share mode: POSIX has none, and a POSIX delete or rename is never refused because
   the file is open. */
#define WF_LX_SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
/* Opens path itself (a link is not followed: the kernel follows links) with access (plus
   FILE_READ_ATTRIBUTES) and create_options: NTSTATUS. */
NTSTATUS wf_lx_open(wf_lx *lx, const char *path, uint32_t access, uint32_t create_options,
    wf_fsd_file **file);
/* The prologue of a request on a nodeid: its path, then wf_lx_open of it.
   STATUS_OBJECT_NAME_NOT_FOUND once its name is gone (ENOENT), STATUS_NAME_TOO_LONG
   (ENAMETOOLONG), or the open's status. */
NTSTATUS wf_lx_open_node(wf_lx *lx, fuse_ino_t ino, uint32_t access, uint32_t create_options,
    wf_fsd_file **file);
/* The POSIX attributes of an open file: QueryInformation, and the security descriptor for
   the owner, group and permissions; a special file's type from its NFS reparse point. */
NTSTATUS wf_lx_stat_file(wf_lx *lx, wf_fsd_file *file, struct stat *st);
/* Answers req with the entry at path (a lookup count taken), or with the error. */
void wf_lx_reply_entry(wf_lx *lx, fuse_req_t req, const char *path);
/* A security descriptor for a new file of the caller's with mode (umask applied). */
NTSTATUS wf_lx_new_sd(wf_lx *lx, fuse_req_t req, uint32_t mode, bool is_directory,
    void *sd, size_t cap, size_t *len);

/* lx_files.c: open files and directories, and the namespace. */
void wf_lx_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    struct fuse_file_info *fi);
void wf_lx_open_op(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
/* lx_read.c: READ, and what ends a read-ahead: file data changed through the mount. */
void wf_lx_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi);
void wf_lx_data_changed(wf_lx *lx);
void wf_lx_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
    struct fuse_file_info *fi);
void wf_lx_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void wf_lx_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void wf_lx_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
    struct fuse_file_info *fi);
void wf_lx_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void wf_lx_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi);
void wf_lx_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void wf_lx_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void wf_lx_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void wf_lx_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name);
void wf_lx_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void wf_lx_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void wf_lx_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
    const char *newname, unsigned int flags);
void wf_lx_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
/* The open handle of a struct fuse_file_info (fi->fh), for getattr and setattr on it. */
wf_fsd_file *wf_lx_file_of(struct fuse_file_info *fi);

#endif
