/* mount_guard.c — a seccomp filter that keeps a FUSE file system process, and all it runs, from mounting anything. */
#define _GNU_SOURCE
#include "mount_guard.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The syscall numbers of the new mount API are the same on every architecture. */
#define WF_NR_OPEN_TREE 428
#define WF_NR_MOVE_MOUNT 429
#define WF_NR_FSOPEN 430
#define WF_NR_FSCONFIG 431
#define WF_NR_FSMOUNT 432
#define WF_NR_FSPICK 433
#define WF_NR_MOUNT_SETATTR 442

/* The native architecture, and the 32-bit one its kernel may also run. */
#if defined(__x86_64__)
#define WF_ARCH_NATIVE AUDIT_ARCH_X86_64
#define WF_ARCH_COMPAT AUDIT_ARCH_I386
/* x32 calls are x86_64 numbers with this bit set. */
#define WF_NR_MASK (~0x40000000u)
static const uint32_t wf_compat_mount[] = { 21 };
static const uint32_t wf_compat_umount[] = { 22, 52 };
#elif defined(__aarch64__)
#define WF_ARCH_NATIVE AUDIT_ARCH_AARCH64
#define WF_ARCH_COMPAT AUDIT_ARCH_ARM
static const uint32_t wf_compat_mount[] = { 21 };
static const uint32_t wf_compat_umount[] = { 52 };
#elif defined(__i386__)
#define WF_ARCH_NATIVE AUDIT_ARCH_I386
#endif

#ifdef WF_ARCH_NATIVE

static const uint32_t wf_native_mount[] = { __NR_mount };
static const uint32_t wf_native_umount[] = {
#ifdef __NR_umount
    __NR_umount,
#endif
    __NR_umount2,
};
static const uint32_t wf_new_mount_api[] = {
    WF_NR_OPEN_TREE, WF_NR_MOVE_MOUNT, WF_NR_FSOPEN, WF_NR_FSCONFIG, WF_NR_FSMOUNT,
    WF_NR_FSPICK, WF_NR_MOUNT_SETATTR,
};

#define WF_GUARD_MAX 64
#define WF_COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct wf_guard_program {
    struct sock_filter code[WF_GUARD_MAX];
    unsigned short count;
} wf_guard_program;

static void wf_emit(wf_guard_program *p, unsigned short code, uint8_t jt, uint8_t jf,
    uint32_t k)
{
    if (p->count < WF_GUARD_MAX) {
        struct sock_filter insn = { code, jt, jf, k };
        p->code[p->count] = insn;
    }
    p->count++;
}

/* "if nr == each: return action" for each number of the list. */
static void wf_emit_returns(wf_guard_program *p, const uint32_t *numbers, size_t count,
    uint32_t action)
{
    for (size_t i = 0; i < count; i++) {
        wf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, numbers[i]);
        wf_emit(p, BPF_RET | BPF_K, 0, 0, action);
    }
}

/* The checks on one architecture's numbers, after its arch test. */
static void wf_emit_arch_block(wf_guard_program *p, const uint32_t *mount, size_t mounts,
    const uint32_t *umount, size_t umounts, uint32_t mask)
{
    wf_emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
    if (mask != ~0u)
        wf_emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, mask);
    wf_emit_returns(p, mount, mounts, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
    wf_emit_returns(p, wf_new_mount_api, WF_COUNT(wf_new_mount_api),
        SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
    /* RET_ERRNO with 0 skips the call and returns 0. */
    wf_emit_returns(p, umount, umounts, SECCOMP_RET_ERRNO | 0u);
    wf_emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
}

static void wf_build(wf_guard_program *p)
{
#ifdef WF_NR_MASK
    const uint32_t native_mask = WF_NR_MASK;
#else
    const uint32_t native_mask = ~0u;
#endif
    p->count = 0;
    wf_emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
#ifdef WF_ARCH_COMPAT
    {
        /* 1: native: on to the native block at 5; 2: compat: to the jump at 3, which goes
           over the native block (its length is known once built); 4: anything else. */
        wf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 3, 0, WF_ARCH_NATIVE);
        wf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, WF_ARCH_COMPAT);
        unsigned short ja = p->count;
        wf_emit(p, BPF_JMP | BPF_JA | BPF_K, 0, 0, 0);
        /* Refuse every call of an architecture we do not know rather than guess its numbers. */
        wf_emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
        wf_emit_arch_block(p, wf_native_mount, WF_COUNT(wf_native_mount), wf_native_umount,
            WF_COUNT(wf_native_umount), native_mask);
        if (ja < WF_GUARD_MAX)
            p->code[ja].k = (uint32_t)(p->count - ja - 1);
        wf_emit_arch_block(p, wf_compat_mount, WF_COUNT(wf_compat_mount), wf_compat_umount,
            WF_COUNT(wf_compat_umount), ~0u);
    }
#else
    wf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, WF_ARCH_NATIVE);
    wf_emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    wf_emit_arch_block(p, wf_native_mount, WF_COUNT(wf_native_mount), wf_native_umount,
        WF_COUNT(wf_native_umount), native_mask);
#endif
}

int wf_mount_guard_install(void)
{
    wf_guard_program program;
    struct sock_fprog fprog;

    wf_build(&program);
    if (program.count > WF_GUARD_MAX)
        return E2BIG;
    fprog.len = program.count;
    fprog.filter = program.code;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0)
        return 0;
    if (errno != EACCES)
        return errno;
    /* Without CAP_SYS_ADMIN the kernel wants no_new_privs first, so that a set-user-ID
       program cannot be started under a filter it did not expect. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
        return errno;
    return 0;
}

#else

int wf_mount_guard_install(void)
{
    return ENOSYS;
}

#endif
