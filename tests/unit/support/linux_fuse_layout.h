/* linux_fuse_layout.h — the FUSE ABI items test_fuse_abi compares, and the system side of them. */
#ifndef WF_TEST_LINUX_FUSE_LAYOUT_H
#define WF_TEST_LINUX_FUSE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One list, expanded twice: by linux_fuse_layout.c against <linux/fuse.h> and by
 * test_fuse_abi.c against winfuse/fuse_abi.h. It names tokens only, so it includes neither.
 *
 * The first argument of every item is its gate: ALL for what every supported system header
 * (7.38 and later) has, or the feature that added it later. linux_fuse_layout.c turns each
 * gate on or off from the system header in hand (#ifdef on a macro of the same change, or a
 * minor-version check where the change added no macro), so that it compiles against 7.38 and
 * compares more on newer systems. Our side ignores gates: it has everything.
 */

/* X(gate, struct_tag) */
#define WF_FUSE_ABI_STRUCTS(X) \
    X(ALL, fuse_attr) \
    X(STATX, fuse_sx_time) \
    X(STATX, fuse_statx) \
    X(ALL, fuse_kstatfs) \
    X(ALL, fuse_file_lock) \
    X(ALL, fuse_in_header) \
    X(ALL, fuse_out_header) \
    X(ALL, fuse_entry_out) \
    X(ALL, fuse_forget_in) \
    X(ALL, fuse_forget_one) \
    X(ALL, fuse_batch_forget_in) \
    X(ALL, fuse_getattr_in) \
    X(ALL, fuse_attr_out) \
    X(STATX, fuse_statx_in) \
    X(STATX, fuse_statx_out) \
    X(ALL, fuse_mknod_in) \
    X(ALL, fuse_mkdir_in) \
    X(ALL, fuse_rename_in) \
    X(ALL, fuse_rename2_in) \
    X(ALL, fuse_link_in) \
    X(ALL, fuse_setattr_in) \
    X(ALL, fuse_open_in) \
    X(ALL, fuse_create_in) \
    X(ALL, fuse_open_out) \
    X(ALL, fuse_release_in) \
    X(ALL, fuse_flush_in) \
    X(ALL, fuse_read_in) \
    X(ALL, fuse_write_in) \
    X(ALL, fuse_write_out) \
    X(ALL, fuse_statfs_out) \
    X(ALL, fuse_fsync_in) \
    X(ALL, fuse_fallocate_in) \
    X(ALL, fuse_lseek_in) \
    X(ALL, fuse_lseek_out) \
    X(ALL, fuse_copy_file_range_in) \
    X(CFR64, fuse_copy_file_range_out) \
    X(ALL, fuse_syncfs_in) \
    X(ALL, fuse_setxattr_in) \
    X(ALL, fuse_getxattr_in) \
    X(ALL, fuse_getxattr_out) \
    X(ALL, fuse_lk_in) \
    X(ALL, fuse_lk_out) \
    X(ALL, fuse_access_in) \
    X(ALL, fuse_init_in) \
    X(ALL, fuse_init_out) \
    X(ALL, cuse_init_in) \
    X(ALL, cuse_init_out) \
    X(ALL, fuse_interrupt_in) \
    X(ALL, fuse_bmap_in) \
    X(ALL, fuse_bmap_out) \
    X(ALL, fuse_ioctl_in) \
    X(ALL, fuse_ioctl_iovec) \
    X(ALL, fuse_ioctl_out) \
    X(ALL, fuse_poll_in) \
    X(ALL, fuse_poll_out) \
    X(ALL, fuse_setupmapping_in) \
    X(ALL, fuse_removemapping_in) \
    X(ALL, fuse_removemapping_one) \
    X(ALL, fuse_dirent) \
    X(ALL, fuse_direntplus) \
    X(ALL, fuse_notify_poll_wakeup_out) \
    X(ALL, fuse_notify_inval_inode_out) \
    X(ALL, fuse_notify_inval_entry_out) \
    X(ALL, fuse_notify_delete_out) \
    X(ALL, fuse_notify_store_out) \
    X(ALL, fuse_notify_retrieve_out) \
    X(ALL, fuse_notify_retrieve_in) \
    X(PRUNE, fuse_notify_prune_out) \
    X(ALL, fuse_secctx) \
    X(ALL, fuse_secctx_header) \
    X(ALL, fuse_ext_header) \
    X(SUPP_GROUPS, fuse_supp_groups) \
    X(PASSTHROUGH, fuse_backing_map) \
    X(URING, fuse_uring_ent_in_out) \
    X(URING, fuse_uring_req_header) \
    X(URING, fuse_uring_cmd_req)

/* F(gate, struct_tag, field): offset and size. FLEX(...): a flexible array, offset only. */
#define WF_FUSE_ABI_FIELDS(F, FLEX) \
    F(ALL, fuse_attr, ino) F(ALL, fuse_attr, size) F(ALL, fuse_attr, blocks) \
    F(ALL, fuse_attr, atime) F(ALL, fuse_attr, mtime) F(ALL, fuse_attr, ctime) \
    F(ALL, fuse_attr, atimensec) F(ALL, fuse_attr, mtimensec) F(ALL, fuse_attr, ctimensec) \
    F(ALL, fuse_attr, mode) F(ALL, fuse_attr, nlink) F(ALL, fuse_attr, uid) \
    F(ALL, fuse_attr, gid) F(ALL, fuse_attr, rdev) F(ALL, fuse_attr, blksize) \
    F(ALL, fuse_attr, flags) \
    F(STATX, fuse_sx_time, tv_sec) F(STATX, fuse_sx_time, tv_nsec) \
    F(STATX, fuse_sx_time, __reserved) \
    F(STATX, fuse_statx, mask) F(STATX, fuse_statx, blksize) F(STATX, fuse_statx, attributes) \
    F(STATX, fuse_statx, nlink) F(STATX, fuse_statx, uid) F(STATX, fuse_statx, gid) \
    F(STATX, fuse_statx, mode) F(STATX, fuse_statx, __spare0) F(STATX, fuse_statx, ino) \
    F(STATX, fuse_statx, size) F(STATX, fuse_statx, blocks) \
    F(STATX, fuse_statx, attributes_mask) F(STATX, fuse_statx, atime) \
    F(STATX, fuse_statx, btime) F(STATX, fuse_statx, ctime) F(STATX, fuse_statx, mtime) \
    F(STATX, fuse_statx, rdev_major) F(STATX, fuse_statx, rdev_minor) \
    F(STATX, fuse_statx, dev_major) F(STATX, fuse_statx, dev_minor) \
    F(STATX, fuse_statx, __spare2) \
    F(ALL, fuse_kstatfs, blocks) F(ALL, fuse_kstatfs, bfree) F(ALL, fuse_kstatfs, bavail) \
    F(ALL, fuse_kstatfs, files) F(ALL, fuse_kstatfs, ffree) F(ALL, fuse_kstatfs, bsize) \
    F(ALL, fuse_kstatfs, namelen) F(ALL, fuse_kstatfs, frsize) F(ALL, fuse_kstatfs, padding) \
    F(ALL, fuse_kstatfs, spare) \
    F(ALL, fuse_file_lock, start) F(ALL, fuse_file_lock, end) F(ALL, fuse_file_lock, type) \
    F(ALL, fuse_file_lock, pid) \
    F(ALL, fuse_in_header, len) F(ALL, fuse_in_header, opcode) F(ALL, fuse_in_header, unique) \
    F(ALL, fuse_in_header, nodeid) F(ALL, fuse_in_header, uid) F(ALL, fuse_in_header, gid) \
    F(ALL, fuse_in_header, pid) F(ALL, fuse_in_header, total_extlen) \
    F(ALL, fuse_in_header, padding) \
    F(ALL, fuse_out_header, len) F(ALL, fuse_out_header, error) \
    F(ALL, fuse_out_header, unique) \
    F(ALL, fuse_entry_out, nodeid) F(ALL, fuse_entry_out, generation) \
    F(ALL, fuse_entry_out, entry_valid) F(ALL, fuse_entry_out, attr_valid) \
    F(ALL, fuse_entry_out, entry_valid_nsec) F(ALL, fuse_entry_out, attr_valid_nsec) \
    F(ALL, fuse_entry_out, attr) \
    F(ALL, fuse_forget_in, nlookup) \
    F(ALL, fuse_forget_one, nodeid) F(ALL, fuse_forget_one, nlookup) \
    F(ALL, fuse_batch_forget_in, count) F(ALL, fuse_batch_forget_in, dummy) \
    F(ALL, fuse_getattr_in, getattr_flags) F(ALL, fuse_getattr_in, dummy) \
    F(ALL, fuse_getattr_in, fh) \
    F(ALL, fuse_attr_out, attr_valid) F(ALL, fuse_attr_out, attr_valid_nsec) \
    F(ALL, fuse_attr_out, dummy) F(ALL, fuse_attr_out, attr) \
    F(STATX, fuse_statx_in, getattr_flags) F(STATX, fuse_statx_in, reserved) \
    F(STATX, fuse_statx_in, fh) F(STATX, fuse_statx_in, sx_flags) \
    F(STATX, fuse_statx_in, sx_mask) \
    F(STATX, fuse_statx_out, attr_valid) F(STATX, fuse_statx_out, attr_valid_nsec) \
    F(STATX, fuse_statx_out, flags) F(STATX, fuse_statx_out, spare) \
    F(STATX, fuse_statx_out, stat) \
    F(ALL, fuse_mknod_in, mode) F(ALL, fuse_mknod_in, rdev) F(ALL, fuse_mknod_in, umask) \
    F(ALL, fuse_mknod_in, padding) \
    F(ALL, fuse_mkdir_in, mode) F(ALL, fuse_mkdir_in, umask) \
    F(ALL, fuse_rename_in, newdir) \
    F(ALL, fuse_rename2_in, newdir) F(ALL, fuse_rename2_in, flags) \
    F(ALL, fuse_rename2_in, padding) \
    F(ALL, fuse_link_in, oldnodeid) \
    F(ALL, fuse_setattr_in, valid) F(ALL, fuse_setattr_in, padding) \
    F(ALL, fuse_setattr_in, fh) F(ALL, fuse_setattr_in, size) \
    F(ALL, fuse_setattr_in, lock_owner) F(ALL, fuse_setattr_in, atime) \
    F(ALL, fuse_setattr_in, mtime) F(ALL, fuse_setattr_in, ctime) \
    F(ALL, fuse_setattr_in, atimensec) F(ALL, fuse_setattr_in, mtimensec) \
    F(ALL, fuse_setattr_in, ctimensec) F(ALL, fuse_setattr_in, mode) \
    F(ALL, fuse_setattr_in, unused4) F(ALL, fuse_setattr_in, uid) \
    F(ALL, fuse_setattr_in, gid) F(ALL, fuse_setattr_in, unused5) \
    F(ALL, fuse_open_in, flags) F(ALL, fuse_open_in, open_flags) \
    F(ALL, fuse_create_in, flags) F(ALL, fuse_create_in, mode) \
    F(ALL, fuse_create_in, umask) F(ALL, fuse_create_in, open_flags) \
    F(ALL, fuse_open_out, fh) F(ALL, fuse_open_out, open_flags) \
    F(PASSTHROUGH, fuse_open_out, backing_id) \
    F(ALL, fuse_release_in, fh) F(ALL, fuse_release_in, flags) \
    F(ALL, fuse_release_in, release_flags) F(ALL, fuse_release_in, lock_owner) \
    F(ALL, fuse_flush_in, fh) F(ALL, fuse_flush_in, unused) F(ALL, fuse_flush_in, padding) \
    F(ALL, fuse_flush_in, lock_owner) \
    F(ALL, fuse_read_in, fh) F(ALL, fuse_read_in, offset) F(ALL, fuse_read_in, size) \
    F(ALL, fuse_read_in, read_flags) F(ALL, fuse_read_in, lock_owner) \
    F(ALL, fuse_read_in, flags) F(ALL, fuse_read_in, padding) \
    F(ALL, fuse_write_in, fh) F(ALL, fuse_write_in, offset) F(ALL, fuse_write_in, size) \
    F(ALL, fuse_write_in, write_flags) F(ALL, fuse_write_in, lock_owner) \
    F(ALL, fuse_write_in, flags) F(ALL, fuse_write_in, padding) \
    F(ALL, fuse_write_out, size) F(ALL, fuse_write_out, padding) \
    F(ALL, fuse_statfs_out, st) \
    F(ALL, fuse_fsync_in, fh) F(ALL, fuse_fsync_in, fsync_flags) \
    F(ALL, fuse_fsync_in, padding) \
    F(ALL, fuse_fallocate_in, fh) F(ALL, fuse_fallocate_in, offset) \
    F(ALL, fuse_fallocate_in, length) F(ALL, fuse_fallocate_in, mode) \
    F(ALL, fuse_fallocate_in, padding) \
    F(ALL, fuse_lseek_in, fh) F(ALL, fuse_lseek_in, offset) F(ALL, fuse_lseek_in, whence) \
    F(ALL, fuse_lseek_in, padding) \
    F(ALL, fuse_lseek_out, offset) \
    F(ALL, fuse_copy_file_range_in, fh_in) F(ALL, fuse_copy_file_range_in, off_in) \
    F(ALL, fuse_copy_file_range_in, nodeid_out) F(ALL, fuse_copy_file_range_in, fh_out) \
    F(ALL, fuse_copy_file_range_in, off_out) F(ALL, fuse_copy_file_range_in, len) \
    F(ALL, fuse_copy_file_range_in, flags) \
    F(CFR64, fuse_copy_file_range_out, bytes_copied) \
    F(ALL, fuse_syncfs_in, padding) \
    F(ALL, fuse_setxattr_in, size) F(ALL, fuse_setxattr_in, flags) \
    F(ALL, fuse_setxattr_in, setxattr_flags) F(ALL, fuse_setxattr_in, padding) \
    F(ALL, fuse_getxattr_in, size) F(ALL, fuse_getxattr_in, padding) \
    F(ALL, fuse_getxattr_out, size) F(ALL, fuse_getxattr_out, padding) \
    F(ALL, fuse_lk_in, fh) F(ALL, fuse_lk_in, owner) F(ALL, fuse_lk_in, lk) \
    F(ALL, fuse_lk_in, lk_flags) F(ALL, fuse_lk_in, padding) \
    F(ALL, fuse_lk_out, lk) \
    F(ALL, fuse_access_in, mask) F(ALL, fuse_access_in, padding) \
    F(ALL, fuse_init_in, major) F(ALL, fuse_init_in, minor) \
    F(ALL, fuse_init_in, max_readahead) F(ALL, fuse_init_in, flags) \
    F(ALL, fuse_init_in, flags2) F(ALL, fuse_init_in, unused) \
    F(ALL, fuse_init_out, major) F(ALL, fuse_init_out, minor) \
    F(ALL, fuse_init_out, max_readahead) F(ALL, fuse_init_out, flags) \
    F(ALL, fuse_init_out, max_background) F(ALL, fuse_init_out, congestion_threshold) \
    F(ALL, fuse_init_out, max_write) F(ALL, fuse_init_out, time_gran) \
    F(ALL, fuse_init_out, max_pages) F(ALL, fuse_init_out, map_alignment) \
    F(ALL, fuse_init_out, flags2) F(PASSTHROUGH, fuse_init_out, max_stack_depth) \
    F(TIMEOUT, fuse_init_out, request_timeout) F(TIMEOUT, fuse_init_out, unused) \
    F(ALL, cuse_init_in, major) F(ALL, cuse_init_in, minor) F(ALL, cuse_init_in, unused) \
    F(ALL, cuse_init_in, flags) \
    F(ALL, cuse_init_out, major) F(ALL, cuse_init_out, minor) \
    F(ALL, cuse_init_out, unused) F(ALL, cuse_init_out, flags) \
    F(ALL, cuse_init_out, max_read) F(ALL, cuse_init_out, max_write) \
    F(ALL, cuse_init_out, dev_major) F(ALL, cuse_init_out, dev_minor) \
    F(ALL, cuse_init_out, spare) \
    F(ALL, fuse_interrupt_in, unique) \
    F(ALL, fuse_bmap_in, block) F(ALL, fuse_bmap_in, blocksize) F(ALL, fuse_bmap_in, padding) \
    F(ALL, fuse_bmap_out, block) \
    F(ALL, fuse_ioctl_in, fh) F(ALL, fuse_ioctl_in, flags) F(ALL, fuse_ioctl_in, cmd) \
    F(ALL, fuse_ioctl_in, arg) F(ALL, fuse_ioctl_in, in_size) F(ALL, fuse_ioctl_in, out_size) \
    F(ALL, fuse_ioctl_iovec, base) F(ALL, fuse_ioctl_iovec, len) \
    F(ALL, fuse_ioctl_out, result) F(ALL, fuse_ioctl_out, flags) \
    F(ALL, fuse_ioctl_out, in_iovs) F(ALL, fuse_ioctl_out, out_iovs) \
    F(ALL, fuse_poll_in, fh) F(ALL, fuse_poll_in, kh) F(ALL, fuse_poll_in, flags) \
    F(ALL, fuse_poll_in, events) \
    F(ALL, fuse_poll_out, revents) F(ALL, fuse_poll_out, padding) \
    F(ALL, fuse_setupmapping_in, fh) F(ALL, fuse_setupmapping_in, foffset) \
    F(ALL, fuse_setupmapping_in, len) F(ALL, fuse_setupmapping_in, flags) \
    F(ALL, fuse_setupmapping_in, moffset) \
    F(ALL, fuse_removemapping_in, count) \
    F(ALL, fuse_removemapping_one, moffset) F(ALL, fuse_removemapping_one, len) \
    F(ALL, fuse_dirent, ino) F(ALL, fuse_dirent, off) F(ALL, fuse_dirent, namelen) \
    F(ALL, fuse_dirent, type) FLEX(ALL, fuse_dirent, name) \
    F(ALL, fuse_direntplus, entry_out) F(ALL, fuse_direntplus, dirent) \
    F(ALL, fuse_notify_poll_wakeup_out, kh) \
    F(ALL, fuse_notify_inval_inode_out, ino) F(ALL, fuse_notify_inval_inode_out, off) \
    F(ALL, fuse_notify_inval_inode_out, len) \
    F(ALL, fuse_notify_inval_entry_out, parent) F(ALL, fuse_notify_inval_entry_out, namelen) \
    F(ALL, fuse_notify_inval_entry_out, flags) \
    F(ALL, fuse_notify_delete_out, parent) F(ALL, fuse_notify_delete_out, child) \
    F(ALL, fuse_notify_delete_out, namelen) F(ALL, fuse_notify_delete_out, padding) \
    F(ALL, fuse_notify_store_out, nodeid) F(ALL, fuse_notify_store_out, offset) \
    F(ALL, fuse_notify_store_out, size) F(ALL, fuse_notify_store_out, padding) \
    F(ALL, fuse_notify_retrieve_out, notify_unique) F(ALL, fuse_notify_retrieve_out, nodeid) \
    F(ALL, fuse_notify_retrieve_out, offset) F(ALL, fuse_notify_retrieve_out, size) \
    F(ALL, fuse_notify_retrieve_out, padding) \
    F(ALL, fuse_notify_retrieve_in, dummy1) F(ALL, fuse_notify_retrieve_in, offset) \
    F(ALL, fuse_notify_retrieve_in, size) F(ALL, fuse_notify_retrieve_in, dummy2) \
    F(ALL, fuse_notify_retrieve_in, dummy3) F(ALL, fuse_notify_retrieve_in, dummy4) \
    F(PRUNE, fuse_notify_prune_out, count) F(PRUNE, fuse_notify_prune_out, padding) \
    F(PRUNE, fuse_notify_prune_out, spare) \
    F(ALL, fuse_secctx, size) F(ALL, fuse_secctx, padding) \
    F(ALL, fuse_secctx_header, size) F(ALL, fuse_secctx_header, nr_secctx) \
    F(ALL, fuse_ext_header, size) F(ALL, fuse_ext_header, type) \
    F(SUPP_GROUPS, fuse_supp_groups, nr_groups) FLEX(SUPP_GROUPS, fuse_supp_groups, groups) \
    F(PASSTHROUGH, fuse_backing_map, fd) F(PASSTHROUGH, fuse_backing_map, flags) \
    F(PASSTHROUGH, fuse_backing_map, padding) \
    F(URING, fuse_uring_ent_in_out, flags) F(URING, fuse_uring_ent_in_out, commit_id) \
    F(URING, fuse_uring_ent_in_out, payload_sz) F(URING, fuse_uring_ent_in_out, padding) \
    F(URING, fuse_uring_ent_in_out, reserved) \
    F(URING, fuse_uring_req_header, in_out) F(URING, fuse_uring_req_header, op_in) \
    F(URING, fuse_uring_req_header, ring_ent_in_out) \
    F(URING, fuse_uring_cmd_req, flags) F(URING, fuse_uring_cmd_req, commit_id) \
    F(URING, fuse_uring_cmd_req, qid) F(URING, fuse_uring_cmd_req, padding)

/*
 * C(gate, NAME): value, size and signedness of the constant expression, so that an int flag
 * cannot stand in for a 64-bit one. V(gate, NAME): value only, for the ioctl numbers whose
 * Linux type (unsigned long, from sizeof) has no reason to be ours.
 */
#define WF_FUSE_ABI_CONSTANTS(C, V) \
    C(ALL, FUSE_KERNEL_VERSION) C(ALL, FUSE_ROOT_ID) C(ALL, FUSE_MIN_READ_BUFFER) \
    C(ALL, FUSE_ATTR_SUBMOUNT) C(ALL, FUSE_ATTR_DAX) \
    C(ALL, FATTR_MODE) C(ALL, FATTR_UID) C(ALL, FATTR_GID) C(ALL, FATTR_SIZE) \
    C(ALL, FATTR_ATIME) C(ALL, FATTR_MTIME) C(ALL, FATTR_FH) C(ALL, FATTR_ATIME_NOW) \
    C(ALL, FATTR_MTIME_NOW) C(ALL, FATTR_LOCKOWNER) C(ALL, FATTR_CTIME) \
    C(ALL, FATTR_KILL_SUIDGID) \
    C(ALL, FOPEN_DIRECT_IO) C(ALL, FOPEN_KEEP_CACHE) C(ALL, FOPEN_NONSEEKABLE) \
    C(ALL, FOPEN_CACHE_DIR) C(ALL, FOPEN_STREAM) C(ALL, FOPEN_NOFLUSH) \
    C(ALL, FOPEN_PARALLEL_DIRECT_WRITES) C(PASSTHROUGH, FOPEN_PASSTHROUGH) \
    C(ALL, FUSE_ASYNC_READ) C(ALL, FUSE_POSIX_LOCKS) C(ALL, FUSE_FILE_OPS) \
    C(ALL, FUSE_ATOMIC_O_TRUNC) C(ALL, FUSE_EXPORT_SUPPORT) C(ALL, FUSE_BIG_WRITES) \
    C(ALL, FUSE_DONT_MASK) C(ALL, FUSE_SPLICE_WRITE) C(ALL, FUSE_SPLICE_MOVE) \
    C(ALL, FUSE_SPLICE_READ) C(ALL, FUSE_FLOCK_LOCKS) C(ALL, FUSE_HAS_IOCTL_DIR) \
    C(ALL, FUSE_AUTO_INVAL_DATA) C(ALL, FUSE_DO_READDIRPLUS) C(ALL, FUSE_READDIRPLUS_AUTO) \
    C(ALL, FUSE_ASYNC_DIO) C(ALL, FUSE_WRITEBACK_CACHE) C(ALL, FUSE_NO_OPEN_SUPPORT) \
    C(ALL, FUSE_PARALLEL_DIROPS) C(ALL, FUSE_HANDLE_KILLPRIV) C(ALL, FUSE_POSIX_ACL) \
    C(ALL, FUSE_ABORT_ERROR) C(ALL, FUSE_MAX_PAGES) C(ALL, FUSE_CACHE_SYMLINKS) \
    C(ALL, FUSE_NO_OPENDIR_SUPPORT) C(ALL, FUSE_EXPLICIT_INVAL_DATA) \
    C(ALL, FUSE_MAP_ALIGNMENT) C(ALL, FUSE_SUBMOUNTS) C(ALL, FUSE_HANDLE_KILLPRIV_V2) \
    C(ALL, FUSE_SETXATTR_EXT) C(ALL, FUSE_INIT_EXT) C(ALL, FUSE_INIT_RESERVED) \
    C(ALL, FUSE_SECURITY_CTX) C(ALL, FUSE_HAS_INODE_DAX) \
    C(SUPP_GROUPS, FUSE_CREATE_SUPP_GROUP) C(EXPIRE_ONLY, FUSE_HAS_EXPIRE_ONLY) \
    C(ALLOW_MMAP, FUSE_DIRECT_IO_ALLOW_MMAP) C(IO_RELAX, FUSE_DIRECT_IO_RELAX) \
    C(PASSTHROUGH, FUSE_PASSTHROUGH) C(RESEND, FUSE_NO_EXPORT_SUPPORT) \
    C(RESEND, FUSE_HAS_RESEND) C(IDMAP, FUSE_ALLOW_IDMAP) C(URING, FUSE_OVER_IO_URING) \
    C(TIMEOUT, FUSE_REQUEST_TIMEOUT) \
    C(ALL, CUSE_UNRESTRICTED_IOCTL) \
    C(ALL, FUSE_RELEASE_FLUSH) C(ALL, FUSE_RELEASE_FLOCK_UNLOCK) \
    C(ALL, FUSE_GETATTR_FH) C(ALL, FUSE_LK_FLOCK) \
    C(ALL, FUSE_WRITE_CACHE) C(ALL, FUSE_WRITE_LOCKOWNER) C(ALL, FUSE_WRITE_KILL_SUIDGID) \
    C(ALL, FUSE_WRITE_KILL_PRIV) C(ALL, FUSE_READ_LOCKOWNER) \
    C(ALL, FUSE_IOCTL_COMPAT) C(ALL, FUSE_IOCTL_UNRESTRICTED) C(ALL, FUSE_IOCTL_RETRY) \
    C(ALL, FUSE_IOCTL_32BIT) C(ALL, FUSE_IOCTL_DIR) C(ALL, FUSE_IOCTL_COMPAT_X32) \
    C(ALL, FUSE_IOCTL_MAX_IOV) \
    C(ALL, FUSE_POLL_SCHEDULE_NOTIFY) C(ALL, FUSE_FSYNC_FDATASYNC) \
    C(ALL, FUSE_OPEN_KILL_SUIDGID) C(ALL, FUSE_SETXATTR_ACL_KILL_SGID) \
    C(ALL, FUSE_EXPIRE_ONLY) \
    C(ALL, FUSE_SETUPMAPPING_FLAG_WRITE) C(ALL, FUSE_SETUPMAPPING_FLAG_READ) \
    C(ALL, FUSE_LOOKUP) C(ALL, FUSE_FORGET) C(ALL, FUSE_GETATTR) C(ALL, FUSE_SETATTR) \
    C(ALL, FUSE_READLINK) C(ALL, FUSE_SYMLINK) C(ALL, FUSE_MKNOD) C(ALL, FUSE_MKDIR) \
    C(ALL, FUSE_UNLINK) C(ALL, FUSE_RMDIR) C(ALL, FUSE_RENAME) C(ALL, FUSE_LINK) \
    C(ALL, FUSE_OPEN) C(ALL, FUSE_READ) C(ALL, FUSE_WRITE) C(ALL, FUSE_STATFS) \
    C(ALL, FUSE_RELEASE) C(ALL, FUSE_FSYNC) C(ALL, FUSE_SETXATTR) C(ALL, FUSE_GETXATTR) \
    C(ALL, FUSE_LISTXATTR) C(ALL, FUSE_REMOVEXATTR) C(ALL, FUSE_FLUSH) C(ALL, FUSE_INIT) \
    C(ALL, FUSE_OPENDIR) C(ALL, FUSE_READDIR) C(ALL, FUSE_RELEASEDIR) C(ALL, FUSE_FSYNCDIR) \
    C(ALL, FUSE_GETLK) C(ALL, FUSE_SETLK) C(ALL, FUSE_SETLKW) C(ALL, FUSE_ACCESS) \
    C(ALL, FUSE_CREATE) C(ALL, FUSE_INTERRUPT) C(ALL, FUSE_BMAP) C(ALL, FUSE_DESTROY) \
    C(ALL, FUSE_IOCTL) C(ALL, FUSE_POLL) C(ALL, FUSE_NOTIFY_REPLY) C(ALL, FUSE_BATCH_FORGET) \
    C(ALL, FUSE_FALLOCATE) C(ALL, FUSE_READDIRPLUS) C(ALL, FUSE_RENAME2) C(ALL, FUSE_LSEEK) \
    C(ALL, FUSE_COPY_FILE_RANGE) C(ALL, FUSE_SETUPMAPPING) C(ALL, FUSE_REMOVEMAPPING) \
    C(ALL, FUSE_SYNCFS) C(ALL, FUSE_TMPFILE) C(STATX, FUSE_STATX) \
    C(CFR64, FUSE_COPY_FILE_RANGE_64) C(ALL, CUSE_INIT) \
    C(ALL, CUSE_INIT_BSWAP_RESERVED) C(ALL, FUSE_INIT_BSWAP_RESERVED) \
    C(ALL, FUSE_NOTIFY_POLL) C(ALL, FUSE_NOTIFY_INVAL_INODE) C(ALL, FUSE_NOTIFY_INVAL_ENTRY) \
    C(ALL, FUSE_NOTIFY_STORE) C(ALL, FUSE_NOTIFY_RETRIEVE) C(ALL, FUSE_NOTIFY_DELETE) \
    C(RESEND, FUSE_NOTIFY_RESEND) C(INC_EPOCH, FUSE_NOTIFY_INC_EPOCH) \
    C(PRUNE, FUSE_NOTIFY_PRUNE) \
    C(ALL, FUSE_MAX_NR_SECCTX) C(SUPP_GROUPS, FUSE_EXT_GROUPS) \
    C(RESEND, FUSE_UNIQUE_RESEND) C(IDMAP, FUSE_INVALID_UIDGID) \
    C(ALL, FUSE_COMPAT_ENTRY_OUT_SIZE) C(ALL, FUSE_COMPAT_ATTR_OUT_SIZE) \
    C(ALL, FUSE_COMPAT_MKNOD_IN_SIZE) C(ALL, FUSE_COMPAT_WRITE_IN_SIZE) \
    C(ALL, FUSE_COMPAT_STATFS_SIZE) C(ALL, FUSE_COMPAT_SETXATTR_IN_SIZE) \
    C(ALL, FUSE_COMPAT_INIT_OUT_SIZE) C(ALL, FUSE_COMPAT_22_INIT_OUT_SIZE) \
    C(ALL, CUSE_INIT_INFO_MAX) \
    C(ALL, FUSE_NAME_OFFSET) C(ALL, FUSE_NAME_OFFSET_DIRENTPLUS) \
    C(ALL, FUSE_DEV_IOC_MAGIC) V(ALL, FUSE_DEV_IOC_CLONE) \
    V(PASSTHROUGH, FUSE_DEV_IOC_BACKING_OPEN) V(PASSTHROUGH, FUSE_DEV_IOC_BACKING_CLOSE) \
    V(SYNC_INIT, FUSE_DEV_IOC_SYNC_INIT) \
    C(URING, FUSE_URING_IN_OUT_HEADER_SZ) C(URING, FUSE_URING_OP_IN_OUT_SZ) \
    C(URING, FUSE_IO_URING_CMD_INVALID) C(URING, FUSE_IO_URING_CMD_REGISTER) \
    C(URING, FUSE_IO_URING_CMD_COMMIT_AND_FETCH)

/* The expansion helpers a gate turns into. */
#define WF_FUSE_GATE_ON(...) __VA_ARGS__
#define WF_FUSE_GATE_OFF(...)

/* One compared item of each kind. */
struct wf_linux_fuse_struct {
    const char *name;
    uint64_t size;
};

struct wf_linux_fuse_field {
    const char *name;           /* "struct.field" */
    uint64_t offset;
    uint64_t size;              /* 0 for a flexible array member */
};

struct wf_linux_fuse_constant {
    const char *name;
    uint64_t value;             /* converted to uint64_t: -1 and UINT64_MAX look alike... */
    uint32_t size;              /* ...so size and signedness say which it was */
    bool is_unsigned;
    bool value_only;            /* compare value only (ioctl numbers) */
};

/* The system header's side, built by linux_fuse_layout.c. */
extern const struct wf_linux_fuse_struct wf_linux_fuse_structs[];
extern const size_t wf_linux_fuse_struct_count;
extern const struct wf_linux_fuse_field wf_linux_fuse_fields[];
extern const size_t wf_linux_fuse_field_count;
extern const struct wf_linux_fuse_constant wf_linux_fuse_constants[];
extern const size_t wf_linux_fuse_constant_count;

/* FUSE_KERNEL_MINOR_VERSION of the system header. */
extern const uint32_t wf_linux_fuse_minor;

/* The record-size macros of the system header, evaluated. */
uint64_t wf_linux_fuse_dirent_align(uint64_t x);
uint64_t wf_linux_fuse_dirent_size(uint32_t namelen);
uint64_t wf_linux_fuse_direntplus_size(uint32_t namelen);

#endif
