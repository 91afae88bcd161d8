/* fuse_abi.h — the FUSE wire protocol (7.45) as WinFuse speaks it: messages, opcodes, flags. */
#ifndef WINFUSE_FUSE_ABI_H
#define WINFUSE_FUSE_ABI_H

/*
 * Written from the published layout of the protocol (Linux <linux/fuse.h>, libfuse's
 * fuse_kernel.h). Names are the kernel's, so that the two can be read side by side; the
 * layout is checked item by item against the system header by tests/unit/test_fuse_abi.c.
 * Because the names are the same, this header and <linux/fuse.h> can never meet in one
 * translation unit.
 *
 * Every message is little-endian on the wire (both ends share one machine) and every
 * structure is a multiple of 8 bytes with explicit padding, so 32- and 64-bit peers agree;
 * the one exception is fuse_removemapping_in (4 bytes). Freestanding: only <stdint.h> types
 * and offsetof from <stddef.h>.
 */

#if defined(_LINUX_FUSE_H)
#error "winfuse/fuse_abi.h and <linux/fuse.h> define the same names; include only one"
#endif

#include <stddef.h>
#include <stdint.h>

/* ---- Protocol version and fixed node ids --------------------------------------------- */

/* INIT negotiation: equal majors settle on the smaller of the two minors. */
#define FUSE_KERNEL_VERSION 7
#define FUSE_KERNEL_MINOR_VERSION 45

#define FUSE_ROOT_ID 1

/* The smallest buffer a daemon may read requests into. */
#define FUSE_MIN_READ_BUFFER 8192

/* ---- Attributes -------------------------------------------------------------------------- */

struct fuse_attr {
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;            /* in 512-byte units */
    uint64_t atime;
    uint64_t mtime;
    uint64_t ctime;
    uint32_t atimensec;
    uint32_t mtimensec;
    uint32_t ctimensec;
    uint32_t mode;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint32_t rdev;
    uint32_t blksize;           /* 7.9 */
    uint32_t flags;             /* FUSE_ATTR_*; was padding before 7.32 */
};

/* fuse_attr.flags */
#define FUSE_ATTR_SUBMOUNT (1 << 0)     /* 7.32: the node is the root of a submount */
#define FUSE_ATTR_DAX (1 << 1)          /* 7.36: per-inode DAX */

/* STATX (7.39): the same layout as Linux's struct statx. */
struct fuse_sx_time {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t __reserved;
};

struct fuse_statx {
    uint32_t mask;
    uint32_t blksize;
    uint64_t attributes;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint16_t mode;
    uint16_t __spare0[1];
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;
    uint64_t attributes_mask;
    struct fuse_sx_time atime;
    struct fuse_sx_time btime;
    struct fuse_sx_time ctime;
    struct fuse_sx_time mtime;
    uint32_t rdev_major;
    uint32_t rdev_minor;
    uint32_t dev_major;
    uint32_t dev_minor;
    uint64_t __spare2[14];
};

struct fuse_kstatfs {
    uint64_t blocks;
    uint64_t bfree;
    uint64_t bavail;
    uint64_t files;
    uint64_t ffree;
    uint32_t bsize;
    uint32_t namelen;
    uint32_t frsize;            /* 7.4 */
    uint32_t padding;
    uint32_t spare[6];
};

struct fuse_file_lock {
    uint64_t start;
    uint64_t end;               /* inclusive; OFFSET_MAX means to end of file */
    uint32_t type;              /* F_RDLCK / F_WRLCK / F_UNLCK, Linux values */
    uint32_t pid;               /* thread group id of the owner */
};

/* ---- Flag words -------------------------------------------------------------------------- */

/* fuse_setattr_in.valid: which fields of the request to apply. */
#define FATTR_MODE (1 << 0)
#define FATTR_UID (1 << 1)
#define FATTR_GID (1 << 2)
#define FATTR_SIZE (1 << 3)
#define FATTR_ATIME (1 << 4)
#define FATTR_MTIME (1 << 5)
#define FATTR_FH (1 << 6)
#define FATTR_ATIME_NOW (1 << 7)
#define FATTR_MTIME_NOW (1 << 8)
#define FATTR_LOCKOWNER (1 << 9)
#define FATTR_CTIME (1 << 10)           /* 7.23 */
#define FATTR_KILL_SUIDGID (1 << 11)    /* 7.33 */

/* fuse_open_out.open_flags: how the kernel should treat the opened file. */
#define FOPEN_DIRECT_IO (1 << 0)                /* bypass the page cache */
#define FOPEN_KEEP_CACHE (1 << 1)               /* keep cached data across this open */
#define FOPEN_NONSEEKABLE (1 << 2)              /* 7.10 */
#define FOPEN_CACHE_DIR (1 << 3)                /* 7.28: directory contents may be cached */
#define FOPEN_STREAM (1 << 4)                   /* no file position at all */
#define FOPEN_NOFLUSH (1 << 5)                  /* 7.35: no FLUSH on close */
#define FOPEN_PARALLEL_DIRECT_WRITES (1 << 6)   /* 7.38 */
#define FOPEN_PASSTHROUGH (1 << 7)              /* 7.40: I/O goes to fuse_open_out.backing_id */

/*
 * INIT capabilities, offered by the kernel in fuse_init_in and accepted by the daemon in
 * fuse_init_out. Bits 0..31 travel in .flags; bits 32..63 travel in .flags2 shifted down by
 * 32, and only when FUSE_INIT_EXT is set (7.36). Bits below 32 are plain int like the
 * kernel's, so ~FLAG widened to 64 bits keeps the high half set.
 */
#define FUSE_ASYNC_READ (1 << 0)
#define FUSE_POSIX_LOCKS (1 << 1)
#define FUSE_FILE_OPS (1 << 2)                  /* never implemented */
#define FUSE_ATOMIC_O_TRUNC (1 << 3)            /* OPEN carries O_TRUNC */
#define FUSE_EXPORT_SUPPORT (1 << 4)            /* daemon looks up "." and ".." */
#define FUSE_BIG_WRITES (1 << 5)                /* WRITE beyond 4 KiB */
#define FUSE_DONT_MASK (1 << 6)                 /* kernel leaves umask to the daemon */
#define FUSE_SPLICE_WRITE (1 << 7)
#define FUSE_SPLICE_MOVE (1 << 8)
#define FUSE_SPLICE_READ (1 << 9)
#define FUSE_FLOCK_LOCKS (1 << 10)              /* 7.17 */
#define FUSE_HAS_IOCTL_DIR (1 << 11)            /* 7.18 */
#define FUSE_AUTO_INVAL_DATA (1 << 12)          /* 7.20 */
#define FUSE_DO_READDIRPLUS (1 << 13)           /* 7.21 */
#define FUSE_READDIRPLUS_AUTO (1 << 14)         /* 7.21 */
#define FUSE_ASYNC_DIO (1 << 15)                /* 7.22 */
#define FUSE_WRITEBACK_CACHE (1 << 16)          /* 7.23 */
#define FUSE_NO_OPEN_SUPPORT (1 << 17)          /* 7.23: ENOSYS on OPEN means "no open needed" */
#define FUSE_PARALLEL_DIROPS (1 << 18)          /* 7.25 */
#define FUSE_HANDLE_KILLPRIV (1 << 19)          /* 7.26 */
#define FUSE_POSIX_ACL (1 << 20)                /* 7.26 */
#define FUSE_ABORT_ERROR (1 << 21)              /* 7.27 */
#define FUSE_MAX_PAGES (1 << 22)                /* 7.28: fuse_init_out.max_pages is valid */
#define FUSE_CACHE_SYMLINKS (1 << 23)           /* 7.28 */
#define FUSE_NO_OPENDIR_SUPPORT (1 << 24)       /* 7.29 */
#define FUSE_EXPLICIT_INVAL_DATA (1 << 25)      /* 7.30 */
#define FUSE_MAP_ALIGNMENT (1 << 26)            /* 7.31: fuse_init_out.map_alignment is valid */
#define FUSE_SUBMOUNTS (1 << 27)                /* 7.32 */
#define FUSE_HANDLE_KILLPRIV_V2 (1 << 28)       /* 7.33 */
#define FUSE_SETXATTR_EXT (1 << 29)             /* 7.33: 16-byte fuse_setxattr_in */
#define FUSE_INIT_EXT (1 << 30)                 /* 7.36: flags2 and the longer init_in */
/* Bit 31 is reserved. The kernel spells it (1 << 31), an int; this is the same int value
   written without overflowing the shift. */
#define FUSE_INIT_RESERVED (-0x7fffffff - 1)
#define FUSE_SECURITY_CTX (1ULL << 32)          /* 7.36 */
#define FUSE_HAS_INODE_DAX (1ULL << 33)         /* 7.36 */
#define FUSE_CREATE_SUPP_GROUP (1ULL << 34)     /* 7.38 */
#define FUSE_HAS_EXPIRE_ONLY (1ULL << 35)       /* 7.38 */
#define FUSE_DIRECT_IO_ALLOW_MMAP (1ULL << 36)  /* 7.39 */
#define FUSE_DIRECT_IO_RELAX FUSE_DIRECT_IO_ALLOW_MMAP  /* the 7.39 name, kept as an alias */
#define FUSE_PASSTHROUGH (1ULL << 37)           /* 7.40 */
#define FUSE_NO_EXPORT_SUPPORT (1ULL << 38)     /* 7.40 */
#define FUSE_HAS_RESEND (1ULL << 39)            /* 7.40: see FUSE_UNIQUE_RESEND */
#define FUSE_ALLOW_IDMAP (1ULL << 40)           /* 7.41 */
#define FUSE_OVER_IO_URING (1ULL << 41)         /* 7.42 */
#define FUSE_REQUEST_TIMEOUT (1ULL << 42)       /* 7.43: fuse_init_out.request_timeout valid */

/* cuse_init_in/out.flags */
#define CUSE_UNRESTRICTED_IOCTL (1 << 0)

/* fuse_release_in.release_flags */
#define FUSE_RELEASE_FLUSH (1 << 0)
#define FUSE_RELEASE_FLOCK_UNLOCK (1 << 1)      /* 7.17 */

/* fuse_getattr_in.getattr_flags */
#define FUSE_GETATTR_FH (1 << 0)                /* .fh is valid */

/* fuse_lk_in.lk_flags */
#define FUSE_LK_FLOCK (1 << 0)                  /* BSD flock(), not a POSIX lock */

/* fuse_write_in.write_flags */
#define FUSE_WRITE_CACHE (1 << 0)               /* writeback from the page cache; fh guessed */
#define FUSE_WRITE_LOCKOWNER (1 << 1)           /* .lock_owner is valid */
#define FUSE_WRITE_KILL_SUIDGID (1 << 2)        /* 7.31 */
#define FUSE_WRITE_KILL_PRIV FUSE_WRITE_KILL_SUIDGID    /* the 7.31 name */

/* fuse_read_in.read_flags */
#define FUSE_READ_LOCKOWNER (1 << 1)

/* fuse_ioctl_in.flags and fuse_ioctl_out.flags */
#define FUSE_IOCTL_COMPAT (1 << 0)              /* 32-bit caller on a 64-bit kernel */
#define FUSE_IOCTL_UNRESTRICTED (1 << 1)        /* CUSE only: daemon may ask for a retry */
#define FUSE_IOCTL_RETRY (1 << 2)               /* reply: send again with these iovecs */
#define FUSE_IOCTL_32BIT (1 << 3)               /* 7.16 */
#define FUSE_IOCTL_DIR (1 << 4)                 /* 7.18 */
#define FUSE_IOCTL_COMPAT_X32 (1 << 5)          /* 7.30 */
#define FUSE_IOCTL_MAX_IOV 256                  /* in_iovs + out_iovs at most */

/* fuse_poll_in.flags */
#define FUSE_POLL_SCHEDULE_NOTIFY (1 << 0)      /* daemon should send NOTIFY_POLL on change */

/* fuse_fsync_in.fsync_flags */
#define FUSE_FSYNC_FDATASYNC (1 << 0)

/* fuse_open_in.open_flags and fuse_create_in.open_flags (7.33) */
#define FUSE_OPEN_KILL_SUIDGID (1 << 0)

/* fuse_setxattr_in.setxattr_flags (7.33) */
#define FUSE_SETXATTR_ACL_KILL_SGID (1 << 0)

/* fuse_notify_inval_entry_out.flags (7.38) */
#define FUSE_EXPIRE_ONLY (1 << 0)               /* expire the entry, keep it cached */

/* fuse_setupmapping_in.flags */
#define FUSE_SETUPMAPPING_FLAG_WRITE (1ull << 0)
#define FUSE_SETUPMAPPING_FLAG_READ (1ull << 1)

/* ---- Opcodes and notification codes ----------------------------------------------------- */

enum fuse_opcode {
    FUSE_LOOKUP = 1,
    FUSE_FORGET = 2,            /* no reply */
    FUSE_GETATTR = 3,
    FUSE_SETATTR = 4,
    FUSE_READLINK = 5,
    FUSE_SYMLINK = 6,
    /* 7 is unused */
    FUSE_MKNOD = 8,
    FUSE_MKDIR = 9,
    FUSE_UNLINK = 10,
    FUSE_RMDIR = 11,
    FUSE_RENAME = 12,
    FUSE_LINK = 13,
    FUSE_OPEN = 14,
    FUSE_READ = 15,
    FUSE_WRITE = 16,
    FUSE_STATFS = 17,
    FUSE_RELEASE = 18,
    /* 19 is unused */
    FUSE_FSYNC = 20,
    FUSE_SETXATTR = 21,
    FUSE_GETXATTR = 22,
    FUSE_LISTXATTR = 23,
    FUSE_REMOVEXATTR = 24,
    FUSE_FLUSH = 25,
    FUSE_INIT = 26,
    FUSE_OPENDIR = 27,
    FUSE_READDIR = 28,
    FUSE_RELEASEDIR = 29,
    FUSE_FSYNCDIR = 30,
    FUSE_GETLK = 31,
    FUSE_SETLK = 32,
    FUSE_SETLKW = 33,
    FUSE_ACCESS = 34,
    FUSE_CREATE = 35,
    FUSE_INTERRUPT = 36,        /* no reply of its own; the interrupted request answers */
    FUSE_BMAP = 37,
    FUSE_DESTROY = 38,
    FUSE_IOCTL = 39,
    FUSE_POLL = 40,
    FUSE_NOTIFY_REPLY = 41,     /* daemon's answer to NOTIFY_RETRIEVE; no reply */
    FUSE_BATCH_FORGET = 42,     /* no reply */
    FUSE_FALLOCATE = 43,
    FUSE_READDIRPLUS = 44,
    FUSE_RENAME2 = 45,
    FUSE_LSEEK = 46,
    FUSE_COPY_FILE_RANGE = 47,
    FUSE_SETUPMAPPING = 48,
    FUSE_REMOVEMAPPING = 49,
    FUSE_SYNCFS = 50,           /* 7.34 */
    FUSE_TMPFILE = 51,          /* 7.37 */
    FUSE_STATX = 52,            /* 7.39 */
    FUSE_COPY_FILE_RANGE_64 = 53,   /* 7.45: replies fuse_copy_file_range_out */

    CUSE_INIT = 4096,

    /* Never sent: an INIT read with the wrong byte order shows up as one of these. */
    CUSE_INIT_BSWAP_RESERVED = 1048576,     /* CUSE_INIT << 8 */
    FUSE_INIT_BSWAP_RESERVED = 436207616    /* FUSE_INIT << 24 */
};

/* Unsolicited messages from the daemon: fuse_out_header with unique 0 and error = code. */
enum fuse_notify_code {
    FUSE_NOTIFY_POLL = 1,
    FUSE_NOTIFY_INVAL_INODE = 2,
    FUSE_NOTIFY_INVAL_ENTRY = 3,
    FUSE_NOTIFY_STORE = 4,
    FUSE_NOTIFY_RETRIEVE = 5,
    FUSE_NOTIFY_DELETE = 6,
    FUSE_NOTIFY_RESEND = 7,     /* 7.40: no body */
    FUSE_NOTIFY_INC_EPOCH = 8,  /* 7.44: no body */
    FUSE_NOTIFY_PRUNE = 9       /* 7.45 */
};

/* fuse_ext_header.type; 0..31 are the count in a fuse_secctx_header in the same place. */
enum fuse_ext_type {
    FUSE_MAX_NR_SECCTX = 31,
    FUSE_EXT_GROUPS = 32
};

/* ---- Message headers -------------------------------------------------------------------- */

/* Top bit of fuse_in_header.unique: the request is resent after NOTIFY_RESEND (7.40). */
#define FUSE_UNIQUE_RESEND (1ULL << 63)

/* uid/gid in fuse_in_header when an idmapped mount cannot map the caller (7.41). */
#define FUSE_INVALID_UIDGID ((uint32_t)(-1))

struct fuse_in_header {
    uint32_t len;               /* whole request, header included */
    uint32_t opcode;
    uint64_t unique;
    uint64_t nodeid;
    uint32_t uid;
    uint32_t gid;
    uint32_t pid;
    uint16_t total_extlen;      /* 7.38: trailing extensions, in 8-byte units */
    uint16_t padding;
};

struct fuse_out_header {
    uint32_t len;               /* whole reply, header included */
    int32_t error;              /* 0 or a negated Linux errno; notify code if unique is 0 */
    uint64_t unique;
};

/* ---- Lookup, forget, attributes --------------------------------------------------------- */

/* The reply of LOOKUP, MKNOD, MKDIR, SYMLINK, LINK and (with fuse_open_out) CREATE. */
struct fuse_entry_out {
    uint64_t nodeid;            /* 0 in a LOOKUP reply: a negative entry, cached entry_valid */
    uint64_t generation;        /* (nodeid, generation) is unique for the mount's life */
    uint64_t entry_valid;       /* seconds the name may be cached */
    uint64_t attr_valid;        /* seconds the attributes may be cached */
    uint32_t entry_valid_nsec;
    uint32_t attr_valid_nsec;
    struct fuse_attr attr;
};

/* Sizes of the reply bodies before fuse_attr grew in 7.9. */
#define FUSE_COMPAT_ENTRY_OUT_SIZE 120
#define FUSE_COMPAT_ATTR_OUT_SIZE 96

struct fuse_forget_in {
    uint64_t nlookup;
};

/* BATCH_FORGET: fuse_batch_forget_in followed by count fuse_forget_one. */
struct fuse_forget_one {
    uint64_t nodeid;
    uint64_t nlookup;
};

struct fuse_batch_forget_in {
    uint32_t count;
    uint32_t dummy;
};

struct fuse_getattr_in {
    uint32_t getattr_flags;     /* FUSE_GETATTR_* */
    uint32_t dummy;
    uint64_t fh;
};

struct fuse_attr_out {
    uint64_t attr_valid;
    uint32_t attr_valid_nsec;
    uint32_t dummy;
    struct fuse_attr attr;
};

struct fuse_statx_in {
    uint32_t getattr_flags;
    uint32_t reserved;
    uint64_t fh;
    uint32_t sx_flags;          /* AT_STATX_* sync flags */
    uint32_t sx_mask;           /* STATX_* fields wanted */
};

struct fuse_statx_out {
    uint64_t attr_valid;
    uint32_t attr_valid_nsec;
    uint32_t flags;
    uint64_t spare[2];
    struct fuse_statx stat;
};

/* ---- Creating, linking and renaming nodes ----------------------------------------------- */

/* MKNOD before 7.12 had only mode and rdev. */
#define FUSE_COMPAT_MKNOD_IN_SIZE 8

struct fuse_mknod_in {          /* followed by the name */
    uint32_t mode;
    uint32_t rdev;
    uint32_t umask;             /* 7.12 */
    uint32_t padding;
};

struct fuse_mkdir_in {          /* followed by the name */
    uint32_t mode;
    uint32_t umask;
};

struct fuse_rename_in {         /* followed by old name, new name */
    uint64_t newdir;
};

struct fuse_rename2_in {        /* followed by old name, new name */
    uint64_t newdir;
    uint32_t flags;             /* RENAME_NOREPLACE / EXCHANGE / WHITEOUT */
    uint32_t padding;
};

struct fuse_link_in {           /* followed by the new name */
    uint64_t oldnodeid;
};

struct fuse_setattr_in {
    uint32_t valid;             /* FATTR_*: which of the fields below apply */
    uint32_t padding;
    uint64_t fh;
    uint64_t size;
    uint64_t lock_owner;
    uint64_t atime;
    uint64_t mtime;
    uint64_t ctime;             /* 7.23 */
    uint32_t atimensec;
    uint32_t mtimensec;
    uint32_t ctimensec;
    uint32_t mode;
    uint32_t unused4;
    uint32_t uid;
    uint32_t gid;
    uint32_t unused5;
};

/* ---- Open, create, release, flush ------------------------------------------------------- */

struct fuse_open_in {
    uint32_t flags;             /* open(2) flags, Linux values, without O_CREAT/O_EXCL/O_NOCTTY */
    uint32_t open_flags;        /* FUSE_OPEN_*; 7.33, was unused */
};

struct fuse_create_in {         /* followed by the name */
    uint32_t flags;
    uint32_t mode;
    uint32_t umask;
    uint32_t open_flags;        /* FUSE_OPEN_*; 7.33, was padding */
};

struct fuse_open_out {
    uint64_t fh;
    uint32_t open_flags;        /* FOPEN_* */
    int32_t backing_id;         /* 7.40, with FOPEN_PASSTHROUGH; was padding */
};

struct fuse_release_in {
    uint64_t fh;
    uint32_t flags;
    uint32_t release_flags;     /* FUSE_RELEASE_* */
    uint64_t lock_owner;
};

struct fuse_flush_in {
    uint64_t fh;
    uint32_t unused;
    uint32_t padding;
    uint64_t lock_owner;
};

/* ---- Data ------------------------------------------------------------------------------- */

struct fuse_read_in {
    uint64_t fh;
    uint64_t offset;
    uint32_t size;
    uint32_t read_flags;        /* FUSE_READ_* */
    uint64_t lock_owner;        /* 7.9 */
    uint32_t flags;             /* 7.9: the open flags */
    uint32_t padding;
};

/* WRITE before 7.9 ended after write_flags. */
#define FUSE_COMPAT_WRITE_IN_SIZE 24

struct fuse_write_in {          /* followed by the data */
    uint64_t fh;
    uint64_t offset;
    uint32_t size;
    uint32_t write_flags;       /* FUSE_WRITE_* */
    uint64_t lock_owner;        /* 7.9 */
    uint32_t flags;             /* 7.9 */
    uint32_t padding;
};

struct fuse_write_out {
    uint32_t size;
    uint32_t padding;
};

/* STATFS reply before 7.4 (no frsize). */
#define FUSE_COMPAT_STATFS_SIZE 48

struct fuse_statfs_out {
    struct fuse_kstatfs st;
};

/* FSYNC and FSYNCDIR */
struct fuse_fsync_in {
    uint64_t fh;
    uint32_t fsync_flags;       /* FUSE_FSYNC_* */
    uint32_t padding;
};

struct fuse_fallocate_in {
    uint64_t fh;
    uint64_t offset;
    uint64_t length;
    uint32_t mode;              /* FALLOC_FL_*, Linux values */
    uint32_t padding;
};

struct fuse_lseek_in {
    uint64_t fh;
    uint64_t offset;
    uint32_t whence;            /* SEEK_DATA / SEEK_HOLE */
    uint32_t padding;
};

struct fuse_lseek_out {
    uint64_t offset;
};

struct fuse_copy_file_range_in {
    uint64_t fh_in;
    uint64_t off_in;
    uint64_t nodeid_out;
    uint64_t fh_out;
    uint64_t off_out;
    uint64_t len;
    uint64_t flags;
};

/* COPY_FILE_RANGE_64 reply (7.45); COPY_FILE_RANGE replies a 32-bit fuse_write_out. */
struct fuse_copy_file_range_out {
    uint64_t bytes_copied;
};

struct fuse_syncfs_in {
    uint64_t padding;
};

/* ---- Extended attributes ---------------------------------------------------------------- */

/* SETXATTR body without FUSE_SETXATTR_EXT. */
#define FUSE_COMPAT_SETXATTR_IN_SIZE 8

struct fuse_setxattr_in {       /* followed by name, value */
    uint32_t size;
    uint32_t flags;             /* XATTR_CREATE / XATTR_REPLACE */
    uint32_t setxattr_flags;    /* 7.33, FUSE_SETXATTR_* */
    uint32_t padding;
};

/* GETXATTR and LISTXATTR; size 0 asks for the size only (fuse_getxattr_out). */
struct fuse_getxattr_in {
    uint32_t size;
    uint32_t padding;
};

struct fuse_getxattr_out {
    uint32_t size;
    uint32_t padding;
};

/* ---- Locks and access ------------------------------------------------------------------- */

struct fuse_lk_in {
    uint64_t fh;
    uint64_t owner;
    struct fuse_file_lock lk;
    uint32_t lk_flags;          /* 7.9, FUSE_LK_* */
    uint32_t padding;
};

struct fuse_lk_out {
    struct fuse_file_lock lk;
};

struct fuse_access_in {
    uint32_t mask;              /* R_OK / W_OK / X_OK */
    uint32_t padding;
};

/* ---- INIT and CUSE_INIT ----------------------------------------------------------------- */

/* Before 7.36 the kernel sent only major..flags (16 bytes); 64 bytes since. */
struct fuse_init_in {
    uint32_t major;
    uint32_t minor;
    uint32_t max_readahead;     /* 7.6 */
    uint32_t flags;             /* capabilities 0..31 */
    uint32_t flags2;            /* 7.36: capabilities 32..63 */
    uint32_t unused[11];
};

/* Reply sizes a daemon of minor < 5 and < 23 sends. */
#define FUSE_COMPAT_INIT_OUT_SIZE 8
#define FUSE_COMPAT_22_INIT_OUT_SIZE 24

struct fuse_init_out {
    uint32_t major;
    uint32_t minor;
    uint32_t max_readahead;
    uint32_t flags;
    uint16_t max_background;        /* 7.13 */
    uint16_t congestion_threshold;  /* 7.13 */
    uint32_t max_write;
    uint32_t time_gran;             /* 7.23: timestamp granularity in ns */
    uint16_t max_pages;             /* 7.28, with FUSE_MAX_PAGES */
    uint16_t map_alignment;         /* 7.31, with FUSE_MAP_ALIGNMENT: log2 of the alignment */
    uint32_t flags2;                /* 7.36: capabilities 32..63 */
    uint32_t max_stack_depth;       /* 7.40, with FUSE_PASSTHROUGH */
    uint16_t request_timeout;       /* 7.43, with FUSE_REQUEST_TIMEOUT: seconds */
    uint16_t unused[11];
};

/* CUSE_INIT reply: cuse_init_out followed by device info strings, at most this long. */
#define CUSE_INIT_INFO_MAX 4096

struct cuse_init_in {
    uint32_t major;
    uint32_t minor;
    uint32_t unused;
    uint32_t flags;             /* CUSE_* */
};

struct cuse_init_out {
    uint32_t major;
    uint32_t minor;
    uint32_t unused;
    uint32_t flags;
    uint32_t max_read;
    uint32_t max_write;
    uint32_t dev_major;
    uint32_t dev_minor;
    uint32_t spare[10];
};

/* ---- Interrupt, bmap, ioctl, poll ------------------------------------------------------- */

struct fuse_interrupt_in {
    uint64_t unique;            /* the request to interrupt */
};

struct fuse_bmap_in {
    uint64_t block;
    uint32_t blocksize;
    uint32_t padding;
};

struct fuse_bmap_out {
    uint64_t block;
};

struct fuse_ioctl_in {          /* followed by in_size bytes of input */
    uint64_t fh;
    uint32_t flags;             /* FUSE_IOCTL_* */
    uint32_t cmd;
    uint64_t arg;
    uint32_t in_size;
    uint32_t out_size;
};

/* With FUSE_IOCTL_RETRY the reply carries in_iovs + out_iovs of these (7.16). */
struct fuse_ioctl_iovec {
    uint64_t base;
    uint64_t len;
};

struct fuse_ioctl_out {
    int32_t result;
    uint32_t flags;
    uint32_t in_iovs;
    uint32_t out_iovs;
};

struct fuse_poll_in {
    uint64_t fh;
    uint64_t kh;                /* kernel's handle, echoed in NOTIFY_POLL */
    uint32_t flags;             /* FUSE_POLL_* */
    uint32_t events;            /* 7.21 */
};

struct fuse_poll_out {
    uint32_t revents;
    uint32_t padding;
};

/* ---- DAX window mappings (virtiofs) ----------------------------------------------------- */

struct fuse_setupmapping_in {
    uint64_t fh;
    uint64_t foffset;           /* offset in the file */
    uint64_t len;
    uint64_t flags;             /* FUSE_SETUPMAPPING_FLAG_* */
    uint64_t moffset;           /* offset in the DAX window */
};

/* REMOVEMAPPING: fuse_removemapping_in followed by count fuse_removemapping_one. */
struct fuse_removemapping_in {
    uint32_t count;
};

struct fuse_removemapping_one {
    uint64_t moffset;
    uint64_t len;
};

/* ---- Directory entries (READDIR, READDIRPLUS replies) ----------------------------------- */

struct fuse_dirent {
    uint64_t ino;
    uint64_t off;               /* offset to resume reading after this entry */
    uint32_t namelen;
    uint32_t type;              /* DT_* (st_mode >> 12) */
    char name[];                /* not NUL-terminated; the record is padded to 8 bytes */
};

/* READDIRPLUS records carry a whole lookup reply before the dirent. */
struct fuse_direntplus {
    struct fuse_entry_out entry_out;
    struct fuse_dirent dirent;
};

/* Records are padded to a multiple of 8 bytes. */
#define FUSE_REC_ALIGN(x) \
    (((x) + sizeof(uint64_t) - 1) & ~(sizeof(uint64_t) - 1))
#define FUSE_DIRENT_ALIGN(x) FUSE_REC_ALIGN(x)

#define FUSE_NAME_OFFSET offsetof(struct fuse_dirent, name)
#define FUSE_DIRENT_SIZE(d) FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + (d)->namelen)

#define FUSE_NAME_OFFSET_DIRENTPLUS offsetof(struct fuse_direntplus, dirent.name)
#define FUSE_DIRENTPLUS_SIZE(d) \
    FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET_DIRENTPLUS + (d)->dirent.namelen)

/* ---- Notifications (daemon to kernel) --------------------------------------------------- */

struct fuse_notify_poll_wakeup_out {
    uint64_t kh;
};

struct fuse_notify_inval_inode_out {
    uint64_t ino;
    int64_t off;                /* start of the cached range to drop; negative: attrs only */
    int64_t len;                /* 0 or less: to end of file */
};

struct fuse_notify_inval_entry_out {    /* followed by the name and a NUL */
    uint64_t parent;
    uint32_t namelen;
    uint32_t flags;             /* FUSE_EXPIRE_ONLY (7.38); was padding */
};

struct fuse_notify_delete_out {         /* followed by the name and a NUL */
    uint64_t parent;
    uint64_t child;
    uint32_t namelen;
    uint32_t padding;
};

struct fuse_notify_store_out {          /* followed by size bytes of data */
    uint64_t nodeid;
    uint64_t offset;
    uint32_t size;
    uint32_t padding;
};

struct fuse_notify_retrieve_out {
    uint64_t notify_unique;     /* echoed in the NOTIFY_REPLY request's unique */
    uint64_t nodeid;
    uint64_t offset;
    uint32_t size;
    uint32_t padding;
};

/* Body of the NOTIFY_REPLY request that answers a retrieve; as long as fuse_write_in. */
struct fuse_notify_retrieve_in {
    uint64_t dummy1;
    uint64_t offset;
    uint32_t size;
    uint32_t dummy2;
    uint64_t dummy3;
    uint64_t dummy4;
};

/* NOTIFY_PRUNE (7.45): followed by count node ids the kernel should forget if unused. */
struct fuse_notify_prune_out {
    uint32_t count;
    uint32_t padding;
    uint64_t spare;
};

/* ---- Request extensions (after the body, total_extlen * 8 bytes) ------------------------ */

/* FUSE_SECURITY_CTX: a fuse_secctx_header, then per context a fuse_secctx, name, label. */
struct fuse_secctx {
    uint32_t size;
    uint32_t padding;
};

struct fuse_secctx_header {
    uint32_t size;              /* of all contexts, this header included */
    uint32_t nr_secctx;
};

struct fuse_ext_header {
    uint32_t size;              /* of this extension, header included */
    uint32_t type;              /* enum fuse_ext_type, > FUSE_MAX_NR_SECCTX */
};

/* FUSE_EXT_GROUPS body (FUSE_CREATE_SUPP_GROUP). */
struct fuse_supp_groups {
    uint32_t nr_groups;
    uint32_t groups[];
};

/* ---- Passthrough and /dev/fuse ioctls --------------------------------------------------- */

/* FUSE_DEV_IOC_BACKING_OPEN argument (7.40). */
struct fuse_backing_map {
    int32_t fd;
    uint32_t flags;
    uint64_t padding;
};

/* /dev/fuse ioctl numbers in the generic Linux _IOC encoding (x86, arm, riscv): spelled out
   because Windows has no <linux/ioctl.h>. */
#define FUSE_DEV_IOC_MAGIC 229
#define FUSE_DEV_IOC_CLONE 0x8004e500u          /* _IOR(229, 0, uint32_t) */
#define FUSE_DEV_IOC_BACKING_OPEN 0x4010e501u   /* _IOW(229, 1, struct fuse_backing_map) */
#define FUSE_DEV_IOC_BACKING_CLOSE 0x4004e502u  /* _IOW(229, 2, uint32_t) */
#define FUSE_DEV_IOC_SYNC_INIT 0x0000e503u      /* _IO(229, 3) */

/* ---- FUSE over io_uring (7.42) ---------------------------------------------------------- */

#define FUSE_URING_IN_OUT_HEADER_SZ 128
#define FUSE_URING_OP_IN_OUT_SZ 128

struct fuse_uring_ent_in_out {
    uint64_t flags;
    uint64_t commit_id;         /* quoted back in the commit of this entry */
    uint32_t payload_sz;
    uint32_t padding;
    uint64_t reserved;
};

struct fuse_uring_req_header {
    char in_out[FUSE_URING_IN_OUT_HEADER_SZ];   /* fuse_in_header or fuse_out_header */
    char op_in[FUSE_URING_OP_IN_OUT_SZ];        /* the opcode's fixed body */
    struct fuse_uring_ent_in_out ring_ent_in_out;
};

enum fuse_uring_cmd {
    FUSE_IO_URING_CMD_INVALID = 0,
    FUSE_IO_URING_CMD_REGISTER = 1,
    FUSE_IO_URING_CMD_COMMIT_AND_FETCH = 2
};

struct fuse_uring_cmd_req {
    uint64_t flags;
    uint64_t commit_id;
    uint16_t qid;
    uint8_t padding[6];
};

/* ---- Layout pins (also checked by every cross build) ------------------------------------ */

_Static_assert(sizeof(struct fuse_attr) == 88, "fuse_attr");
_Static_assert(sizeof(struct fuse_sx_time) == 16, "fuse_sx_time");
_Static_assert(sizeof(struct fuse_statx) == 256, "fuse_statx");
_Static_assert(sizeof(struct fuse_kstatfs) == 80, "fuse_kstatfs");
_Static_assert(sizeof(struct fuse_file_lock) == 24, "fuse_file_lock");
_Static_assert(sizeof(struct fuse_in_header) == 40, "fuse_in_header");
_Static_assert(sizeof(struct fuse_out_header) == 16, "fuse_out_header");
_Static_assert(sizeof(struct fuse_entry_out) == 128, "fuse_entry_out");
_Static_assert(sizeof(struct fuse_forget_in) == 8, "fuse_forget_in");
_Static_assert(sizeof(struct fuse_forget_one) == 16, "fuse_forget_one");
_Static_assert(sizeof(struct fuse_batch_forget_in) == 8, "fuse_batch_forget_in");
_Static_assert(sizeof(struct fuse_getattr_in) == 16, "fuse_getattr_in");
_Static_assert(sizeof(struct fuse_attr_out) == 104, "fuse_attr_out");
_Static_assert(sizeof(struct fuse_statx_in) == 24, "fuse_statx_in");
_Static_assert(sizeof(struct fuse_statx_out) == 288, "fuse_statx_out");
_Static_assert(sizeof(struct fuse_mknod_in) == 16, "fuse_mknod_in");
_Static_assert(sizeof(struct fuse_mkdir_in) == 8, "fuse_mkdir_in");
_Static_assert(sizeof(struct fuse_rename_in) == 8, "fuse_rename_in");
_Static_assert(sizeof(struct fuse_rename2_in) == 16, "fuse_rename2_in");
_Static_assert(sizeof(struct fuse_link_in) == 8, "fuse_link_in");
_Static_assert(sizeof(struct fuse_setattr_in) == 88, "fuse_setattr_in");
_Static_assert(sizeof(struct fuse_open_in) == 8, "fuse_open_in");
_Static_assert(sizeof(struct fuse_create_in) == 16, "fuse_create_in");
_Static_assert(sizeof(struct fuse_open_out) == 16, "fuse_open_out");
_Static_assert(sizeof(struct fuse_release_in) == 24, "fuse_release_in");
_Static_assert(sizeof(struct fuse_flush_in) == 24, "fuse_flush_in");
_Static_assert(sizeof(struct fuse_read_in) == 40, "fuse_read_in");
_Static_assert(sizeof(struct fuse_write_in) == 40, "fuse_write_in");
_Static_assert(sizeof(struct fuse_write_out) == 8, "fuse_write_out");
_Static_assert(sizeof(struct fuse_statfs_out) == 80, "fuse_statfs_out");
_Static_assert(sizeof(struct fuse_fsync_in) == 16, "fuse_fsync_in");
_Static_assert(sizeof(struct fuse_fallocate_in) == 32, "fuse_fallocate_in");
_Static_assert(sizeof(struct fuse_lseek_in) == 24, "fuse_lseek_in");
_Static_assert(sizeof(struct fuse_lseek_out) == 8, "fuse_lseek_out");
_Static_assert(sizeof(struct fuse_copy_file_range_in) == 56, "fuse_copy_file_range_in");
_Static_assert(sizeof(struct fuse_copy_file_range_out) == 8, "fuse_copy_file_range_out");
_Static_assert(sizeof(struct fuse_syncfs_in) == 8, "fuse_syncfs_in");
_Static_assert(sizeof(struct fuse_setxattr_in) == 16, "fuse_setxattr_in");
_Static_assert(sizeof(struct fuse_getxattr_in) == 8, "fuse_getxattr_in");
_Static_assert(sizeof(struct fuse_getxattr_out) == 8, "fuse_getxattr_out");
_Static_assert(sizeof(struct fuse_lk_in) == 48, "fuse_lk_in");
_Static_assert(sizeof(struct fuse_lk_out) == 24, "fuse_lk_out");
_Static_assert(sizeof(struct fuse_access_in) == 8, "fuse_access_in");
_Static_assert(sizeof(struct fuse_init_in) == 64, "fuse_init_in");
_Static_assert(sizeof(struct fuse_init_out) == 64, "fuse_init_out");
_Static_assert(sizeof(struct cuse_init_in) == 16, "cuse_init_in");
_Static_assert(sizeof(struct cuse_init_out) == 72, "cuse_init_out");
_Static_assert(sizeof(struct fuse_interrupt_in) == 8, "fuse_interrupt_in");
_Static_assert(sizeof(struct fuse_bmap_in) == 16, "fuse_bmap_in");
_Static_assert(sizeof(struct fuse_bmap_out) == 8, "fuse_bmap_out");
_Static_assert(sizeof(struct fuse_ioctl_in) == 32, "fuse_ioctl_in");
_Static_assert(sizeof(struct fuse_ioctl_iovec) == 16, "fuse_ioctl_iovec");
_Static_assert(sizeof(struct fuse_ioctl_out) == 16, "fuse_ioctl_out");
_Static_assert(sizeof(struct fuse_poll_in) == 24, "fuse_poll_in");
_Static_assert(sizeof(struct fuse_poll_out) == 8, "fuse_poll_out");
_Static_assert(sizeof(struct fuse_setupmapping_in) == 40, "fuse_setupmapping_in");
_Static_assert(sizeof(struct fuse_removemapping_in) == 4, "fuse_removemapping_in");
_Static_assert(sizeof(struct fuse_removemapping_one) == 16, "fuse_removemapping_one");
_Static_assert(sizeof(struct fuse_dirent) == 24, "fuse_dirent");
_Static_assert(sizeof(struct fuse_direntplus) == 152, "fuse_direntplus");
_Static_assert(sizeof(struct fuse_notify_poll_wakeup_out) == 8, "fuse_notify_poll_wakeup_out");
_Static_assert(sizeof(struct fuse_notify_inval_inode_out) == 24, "fuse_notify_inval_inode_out");
_Static_assert(sizeof(struct fuse_notify_inval_entry_out) == 16, "fuse_notify_inval_entry_out");
_Static_assert(sizeof(struct fuse_notify_delete_out) == 24, "fuse_notify_delete_out");
_Static_assert(sizeof(struct fuse_notify_store_out) == 24, "fuse_notify_store_out");
_Static_assert(sizeof(struct fuse_notify_retrieve_out) == 32, "fuse_notify_retrieve_out");
_Static_assert(sizeof(struct fuse_notify_retrieve_in) == 40, "fuse_notify_retrieve_in");
_Static_assert(sizeof(struct fuse_notify_prune_out) == 16, "fuse_notify_prune_out");
_Static_assert(sizeof(struct fuse_secctx) == 8, "fuse_secctx");
_Static_assert(sizeof(struct fuse_secctx_header) == 8, "fuse_secctx_header");
_Static_assert(sizeof(struct fuse_ext_header) == 8, "fuse_ext_header");
_Static_assert(sizeof(struct fuse_supp_groups) == 4, "fuse_supp_groups");
_Static_assert(sizeof(struct fuse_backing_map) == 16, "fuse_backing_map");
_Static_assert(sizeof(struct fuse_uring_ent_in_out) == 32, "fuse_uring_ent_in_out");
_Static_assert(sizeof(struct fuse_uring_req_header) == 288, "fuse_uring_req_header");
_Static_assert(sizeof(struct fuse_uring_cmd_req) == 24, "fuse_uring_cmd_req");

/* The offsets that version negotiation and record walking depend on. */
_Static_assert(offsetof(struct fuse_in_header, total_extlen) == 36, "total_extlen");
_Static_assert(offsetof(struct fuse_init_in, flags2) == 16, "fuse_init_in.flags2");
_Static_assert(offsetof(struct fuse_init_out, max_write) == 20, "fuse_init_out.max_write");
_Static_assert(offsetof(struct fuse_init_out, flags2) == 32, "fuse_init_out.flags2");
_Static_assert(offsetof(struct fuse_init_out, request_timeout) == 40, "request_timeout");
_Static_assert(FUSE_NAME_OFFSET == 24, "FUSE_NAME_OFFSET");
_Static_assert(FUSE_NAME_OFFSET_DIRENTPLUS == 152, "FUSE_NAME_OFFSET_DIRENTPLUS");

/* fuse_opcode_names.c (in the engine): an opcode's name without its FUSE_ prefix ("LOOKUP"),
   or NULL for a value this header gives no name. */
const char *wf_fuse_opcode_name(uint32_t opcode);

#endif
