/* linux_fuse_layout.c — the FUSE ABI as the system <linux/fuse.h> lays it out, for test_fuse_abi. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/ioctl.h>        /* _IOR/_IOW in the FUSE_DEV_IOC_* numbers */
#include <linux/fuse.h>

#include "linux_fuse_layout.h"

/*
 * Gates: which later additions this system header has. Where the change brought a macro,
 * ask for that macro (some arrived without a minor bump, e.g. the supplementary-group
 * extension inside 7.38); otherwise go by the minor version that the change introduced.
 */
#define WF_GATE_ALL WF_FUSE_GATE_ON

#ifdef FUSE_HAS_EXPIRE_ONLY
#define WF_GATE_EXPIRE_ONLY WF_FUSE_GATE_ON
#else
#define WF_GATE_EXPIRE_ONLY WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_CREATE_SUPP_GROUP   /* with FUSE_EXT_GROUPS and struct fuse_supp_groups */
#define WF_GATE_SUPP_GROUPS WF_FUSE_GATE_ON
#else
#define WF_GATE_SUPP_GROUPS WF_FUSE_GATE_OFF
#endif

#if FUSE_KERNEL_MINOR_VERSION >= 39     /* FUSE_STATX and its structures */
#define WF_GATE_STATX WF_FUSE_GATE_ON
#else
#define WF_GATE_STATX WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_DIRECT_IO_RELAX
#define WF_GATE_IO_RELAX WF_FUSE_GATE_ON
#else
#define WF_GATE_IO_RELAX WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_DIRECT_IO_ALLOW_MMAP
#define WF_GATE_ALLOW_MMAP WF_FUSE_GATE_ON
#else
#define WF_GATE_ALLOW_MMAP WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_PASSTHROUGH         /* with backing_id, max_stack_depth, fuse_backing_map */
#define WF_GATE_PASSTHROUGH WF_FUSE_GATE_ON
#else
#define WF_GATE_PASSTHROUGH WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_HAS_RESEND          /* with FUSE_NOTIFY_RESEND, FUSE_UNIQUE_RESEND */
#define WF_GATE_RESEND WF_FUSE_GATE_ON
#else
#define WF_GATE_RESEND WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_ALLOW_IDMAP         /* with FUSE_INVALID_UIDGID */
#define WF_GATE_IDMAP WF_FUSE_GATE_ON
#else
#define WF_GATE_IDMAP WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_OVER_IO_URING       /* with the fuse_uring_* structures */
#define WF_GATE_URING WF_FUSE_GATE_ON
#else
#define WF_GATE_URING WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_REQUEST_TIMEOUT     /* with fuse_init_out.request_timeout */
#define WF_GATE_TIMEOUT WF_FUSE_GATE_ON
#else
#define WF_GATE_TIMEOUT WF_FUSE_GATE_OFF
#endif

#if FUSE_KERNEL_MINOR_VERSION >= 44     /* FUSE_NOTIFY_INC_EPOCH */
#define WF_GATE_INC_EPOCH WF_FUSE_GATE_ON
#else
#define WF_GATE_INC_EPOCH WF_FUSE_GATE_OFF
#endif

#if FUSE_KERNEL_MINOR_VERSION >= 45     /* FUSE_COPY_FILE_RANGE_64 and its reply */
#define WF_GATE_CFR64 WF_FUSE_GATE_ON
#define WF_GATE_PRUNE WF_FUSE_GATE_ON   /* FUSE_NOTIFY_PRUNE and its body */
#else
#define WF_GATE_CFR64 WF_FUSE_GATE_OFF
#define WF_GATE_PRUNE WF_FUSE_GATE_OFF
#endif

#ifdef FUSE_DEV_IOC_SYNC_INIT
#define WF_GATE_SYNC_INIT WF_FUSE_GATE_ON
#else
#define WF_GATE_SYNC_INIT WF_FUSE_GATE_OFF
#endif

#define WF_MEMBER_SIZE(s, f) sizeof(((struct s *)0)->f)

#define WF_STRUCT_ITEM(gate, s) WF_GATE_##gate({ #s, sizeof(struct s) },)
#define WF_FIELD_ITEM(gate, s, f) \
    WF_GATE_##gate({ #s "." #f, offsetof(struct s, f), WF_MEMBER_SIZE(s, f) },)
#define WF_FLEX_ITEM(gate, s, f) WF_GATE_##gate({ #s "." #f, offsetof(struct s, f), 0 },)
/* x * 0 - 1 has x's promoted type: positive exactly when that type is unsigned. */
#define WF_CONST_ITEM(gate, n) \
    WF_GATE_##gate({ #n, (uint64_t)(n), sizeof(n), ((n) * 0 - 1 > 0), false },)
#define WF_VALUE_ITEM(gate, n) WF_GATE_##gate({ #n, (uint64_t)(n), sizeof(n), false, true },)

const struct wf_linux_fuse_struct wf_linux_fuse_structs[] = {
    WF_FUSE_ABI_STRUCTS(WF_STRUCT_ITEM)
};
const size_t wf_linux_fuse_struct_count =
    sizeof(wf_linux_fuse_structs) / sizeof(wf_linux_fuse_structs[0]);

const struct wf_linux_fuse_field wf_linux_fuse_fields[] = {
    WF_FUSE_ABI_FIELDS(WF_FIELD_ITEM, WF_FLEX_ITEM)
#ifndef FUSE_PASSTHROUGH
    /* Before 7.40 these slots existed under older names: check that they line up. */
    { "fuse_open_out.backing_id", offsetof(struct fuse_open_out, padding),
        WF_MEMBER_SIZE(fuse_open_out, padding) },
    { "fuse_init_out.max_stack_depth", offsetof(struct fuse_init_out, unused),
        WF_MEMBER_SIZE(fuse_init_out, unused[0]) },
#endif
};
const size_t wf_linux_fuse_field_count =
    sizeof(wf_linux_fuse_fields) / sizeof(wf_linux_fuse_fields[0]);

const struct wf_linux_fuse_constant wf_linux_fuse_constants[] = {
    WF_FUSE_ABI_CONSTANTS(WF_CONST_ITEM, WF_VALUE_ITEM)
};
const size_t wf_linux_fuse_constant_count =
    sizeof(wf_linux_fuse_constants) / sizeof(wf_linux_fuse_constants[0]);

const uint32_t wf_linux_fuse_minor = FUSE_KERNEL_MINOR_VERSION;

uint64_t wf_linux_fuse_dirent_align(uint64_t x)
{
    return FUSE_DIRENT_ALIGN(x);
}

uint64_t wf_linux_fuse_dirent_size(uint32_t namelen)
{
    struct fuse_dirent d;

    memset(&d, 0, sizeof(d));
    d.namelen = namelen;
    return FUSE_DIRENT_SIZE(&d);
}

uint64_t wf_linux_fuse_direntplus_size(uint32_t namelen)
{
    struct fuse_direntplus d;

    memset(&d, 0, sizeof(d));
    d.dirent.namelen = namelen;
    return FUSE_DIRENTPLUS_SIZE(&d);
}
