/* test_errno_map.c — every Linux errno becomes a named, failing NTSTATUS, the important ones the NT one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <cmocka.h>

#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

static void test_every_errno_maps_to_a_named_failure(void **state)
{
    (void)state;
    for (int32_t e = 1; e <= WF_ERRNO_MAX; e++) {
        NTSTATUS status = wf_errno_to_ntstatus(e);
        if (NT_SUCCESS(status) || wf_ntstatus_name(status) == NULL)
            fail_msg("errno %d maps to 0x%08x", (int)e, (unsigned)status);
    }
}

/* Statuses that the NT I/O path acts on (data returned with a warning, end of a listing or of a
   file, an I/O still running, a name to reparse) must never come out of a plain error. */
static void test_no_errno_becomes_a_status_with_a_protocol_meaning(void **state)
{
    static const NTSTATUS meaningful[] = {
        STATUS_PENDING, STATUS_REPARSE, STATUS_TIMEOUT, STATUS_BUFFER_OVERFLOW,
        STATUS_NO_MORE_FILES, STATUS_NO_MORE_ENTRIES, STATUS_STOPPED_ON_SYMLINK,
        STATUS_END_OF_FILE, STATUS_OBJECT_NAME_EXISTS,
    };
    (void)state;
    for (int32_t e = 1; e <= WF_ERRNO_MAX; e++)
        for (size_t i = 0; i < sizeof meaningful / sizeof meaningful[0]; i++)
            if (wf_errno_to_ntstatus(e) == meaningful[i])
                fail_msg("errno %d maps to %s", (int)e, wf_ntstatus_name(meaningful[i]));
}

static void test_out_of_range_values_are_unexpected_io_errors(void **state)
{
    static const int32_t values[] = { 0, -1, -2, WF_ERRNO_MAX + 1, 4095, INT32_MAX, INT32_MIN };
    (void)state;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        assert_int_equal(wf_errno_to_ntstatus(values[i]), STATUS_UNEXPECTED_IO_ERROR);
}

/* 41 and 58 are holes in the Linux numbering: they must not read as the table's empty 0. */
static void test_unused_errno_numbers_are_unexpected_io_errors(void **state)
{
    (void)state;
    assert_int_equal(wf_errno_to_ntstatus(41), STATUS_UNEXPECTED_IO_ERROR);
    assert_int_equal(wf_errno_to_ntstatus(58), STATUS_UNEXPECTED_IO_ERROR);
}

static void test_important_errnos_map_as_ntfs_reports_them(void **state)
{
    static const struct { int32_t e; NTSTATUS status; } cases[] = {
        { WF_EPERM, STATUS_ACCESS_DENIED },
        { WF_EACCES, STATUS_ACCESS_DENIED },
        { WF_ENOENT, STATUS_OBJECT_NAME_NOT_FOUND },
        { WF_EEXIST, STATUS_OBJECT_NAME_COLLISION },
        { WF_ENOTDIR, STATUS_NOT_A_DIRECTORY },
        { WF_EISDIR, STATUS_FILE_IS_A_DIRECTORY },
        { WF_ENOTEMPTY, STATUS_DIRECTORY_NOT_EMPTY },
        { WF_ENAMETOOLONG, STATUS_NAME_TOO_LONG },
        { WF_EMLINK, STATUS_TOO_MANY_LINKS },
        { WF_EXDEV, STATUS_NOT_SAME_DEVICE },
        { WF_EILSEQ, STATUS_OBJECT_NAME_INVALID },
        { WF_ELOOP, STATUS_REPARSE_POINT_NOT_RESOLVED },
        { WF_ESTALE, STATUS_FILE_INVALID },
        { WF_ENOSPC, STATUS_DISK_FULL },
        { WF_EDQUOT, STATUS_DISK_QUOTA_EXCEEDED },
        { WF_EFBIG, STATUS_FILE_TOO_LARGE },
        { WF_EROFS, STATUS_MEDIA_WRITE_PROTECTED },
        { WF_ENODATA, STATUS_NONEXISTENT_EA_ENTRY },
        { WF_E2BIG, STATUS_EA_TOO_LARGE },
        { WF_ERANGE, STATUS_BUFFER_TOO_SMALL },
        { WF_EAGAIN, STATUS_LOCK_NOT_GRANTED },
        { WF_ENOLCK, STATUS_LOCK_NOT_GRANTED },
        { WF_EDEADLK, STATUS_POSSIBLE_DEADLOCK },
        { WF_ETXTBSY, STATUS_SHARING_VIOLATION },
        { WF_EBUSY, STATUS_DEVICE_BUSY },
        { WF_EINVAL, STATUS_INVALID_PARAMETER },
        { WF_EBADF, STATUS_INVALID_HANDLE },
        { WF_EFAULT, STATUS_INVALID_USER_BUFFER },
        { WF_ENOSYS, STATUS_INVALID_DEVICE_REQUEST },
        { WF_ENOTTY, STATUS_INVALID_DEVICE_REQUEST },
        { WF_EOPNOTSUPP, STATUS_NOT_SUPPORTED },
        { WF_EINTR, STATUS_CANCELLED },
        { WF_ECANCELED, STATUS_CANCELLED },
        { WF_ENOMEM, STATUS_INSUFFICIENT_RESOURCES },
        { WF_ENFILE, STATUS_TOO_MANY_OPENED_FILES },
        { WF_EMFILE, STATUS_TOO_MANY_OPENED_FILES },
        { WF_EIO, STATUS_IO_DEVICE_ERROR },
        { WF_ENXIO, STATUS_NO_SUCH_DEVICE },
        { WF_ENODEV, STATUS_NO_SUCH_DEVICE },
        { WF_ENOMEDIUM, STATUS_NO_MEDIA_IN_DEVICE },
        { WF_EBADMSG, STATUS_CRC_ERROR },
        { WF_EUCLEAN, STATUS_FILE_CORRUPT_ERROR },
        { WF_EPIPE, STATUS_PIPE_BROKEN },
        { WF_ETIMEDOUT, STATUS_IO_TIMEOUT },
        { WF_ENOTCONN, STATUS_CONNECTION_DISCONNECTED },
        { WF_ECONNREFUSED, STATUS_CONNECTION_REFUSED },
        { WF_ECONNRESET, STATUS_CONNECTION_RESET },
        { WF_ECONNABORTED, STATUS_CONNECTION_ABORTED },
        { WF_ENETUNREACH, STATUS_NETWORK_UNREACHABLE },
        { WF_EHOSTUNREACH, STATUS_HOST_UNREACHABLE },
        { WF_EHOSTDOWN, STATUS_HOST_DOWN },
        { WF_EPROTO, STATUS_INVALID_NETWORK_RESPONSE },
        { WF_EREMOTEIO, STATUS_UNEXPECTED_NETWORK_ERROR },
        { WF_ENOKEY, STATUS_ACCESS_DENIED },
        { WF_EINPROGRESS, STATUS_UNEXPECTED_IO_ERROR },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        NTSTATUS got = wf_errno_to_ntstatus(cases[i].e);
        if (got != cases[i].status)
            fail_msg("errno %d: expected %s, got %s", (int)cases[i].e,
                wf_ntstatus_name(cases[i].status), wf_ntstatus_name(got));
    }
}

/* The engine's private numbers are Linux's: on Linux with the generic numbering (x86, arm,
   riscv, ...), they equal the host's <errno.h>. */
static void test_private_errno_numbers_are_linux_numbers(void **state)
{
    (void)state;
#if defined(__linux__) && !defined(__alpha__) && !defined(__mips__) && !defined(__sparc__) && !defined(__hppa__)
#define SAME(name) assert_int_equal(WF_##name, name);
    SAME(EPERM) SAME(ENOENT) SAME(ESRCH) SAME(EINTR) SAME(EIO) SAME(ENXIO) SAME(E2BIG)
    SAME(ENOEXEC) SAME(EBADF) SAME(ECHILD) SAME(EAGAIN) SAME(ENOMEM) SAME(EACCES) SAME(EFAULT)
    SAME(ENOTBLK) SAME(EBUSY) SAME(EEXIST) SAME(EXDEV) SAME(ENODEV) SAME(ENOTDIR) SAME(EISDIR)
    SAME(EINVAL) SAME(ENFILE) SAME(EMFILE) SAME(ENOTTY) SAME(ETXTBSY) SAME(EFBIG) SAME(ENOSPC)
    SAME(ESPIPE) SAME(EROFS) SAME(EMLINK) SAME(EPIPE) SAME(EDOM) SAME(ERANGE) SAME(EDEADLK)
    SAME(ENAMETOOLONG) SAME(ENOLCK) SAME(ENOSYS) SAME(ENOTEMPTY) SAME(ELOOP) SAME(EWOULDBLOCK)
    SAME(ENOMSG) SAME(EIDRM) SAME(ECHRNG) SAME(EL2NSYNC) SAME(EL3HLT) SAME(EL3RST) SAME(ELNRNG)
    SAME(EUNATCH) SAME(ENOCSI) SAME(EL2HLT) SAME(EBADE) SAME(EBADR) SAME(EXFULL) SAME(ENOANO)
    SAME(EBADRQC) SAME(EBADSLT) SAME(EDEADLOCK) SAME(EBFONT) SAME(ENOSTR) SAME(ENODATA)
    SAME(ETIME) SAME(ENOSR) SAME(ENONET) SAME(ENOPKG) SAME(EREMOTE) SAME(ENOLINK) SAME(EADV)
    SAME(ESRMNT) SAME(ECOMM) SAME(EPROTO) SAME(EMULTIHOP) SAME(EDOTDOT) SAME(EBADMSG)
    SAME(EOVERFLOW) SAME(ENOTUNIQ) SAME(EBADFD) SAME(EREMCHG) SAME(ELIBACC) SAME(ELIBBAD)
    SAME(ELIBSCN) SAME(ELIBMAX) SAME(ELIBEXEC) SAME(EILSEQ) SAME(ERESTART) SAME(ESTRPIPE)
    SAME(EUSERS) SAME(ENOTSOCK) SAME(EDESTADDRREQ) SAME(EMSGSIZE) SAME(EPROTOTYPE)
    SAME(ENOPROTOOPT) SAME(EPROTONOSUPPORT) SAME(ESOCKTNOSUPPORT) SAME(EOPNOTSUPP)
    SAME(EPFNOSUPPORT) SAME(EAFNOSUPPORT) SAME(EADDRINUSE) SAME(EADDRNOTAVAIL) SAME(ENETDOWN)
    SAME(ENETUNREACH) SAME(ENETRESET) SAME(ECONNABORTED) SAME(ECONNRESET) SAME(ENOBUFS)
    SAME(EISCONN) SAME(ENOTCONN) SAME(ESHUTDOWN) SAME(ETOOMANYREFS) SAME(ETIMEDOUT)
    SAME(ECONNREFUSED) SAME(EHOSTDOWN) SAME(EHOSTUNREACH) SAME(EALREADY) SAME(EINPROGRESS)
    SAME(ESTALE) SAME(EUCLEAN) SAME(ENOTNAM) SAME(ENAVAIL) SAME(EISNAM) SAME(EREMOTEIO)
    SAME(EDQUOT) SAME(ENOMEDIUM) SAME(EMEDIUMTYPE) SAME(ECANCELED) SAME(ENOKEY)
    SAME(EKEYEXPIRED) SAME(EKEYREVOKED) SAME(EKEYREJECTED) SAME(EOWNERDEAD)
    SAME(ENOTRECOVERABLE) SAME(ERFKILL) SAME(EHWPOISON)
#undef SAME
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_errno_maps_to_a_named_failure),
        cmocka_unit_test(test_no_errno_becomes_a_status_with_a_protocol_meaning),
        cmocka_unit_test(test_out_of_range_values_are_unexpected_io_errors),
        cmocka_unit_test(test_unused_errno_numbers_are_unexpected_io_errors),
        cmocka_unit_test(test_important_errnos_map_as_ntfs_reports_them),
        cmocka_unit_test(test_private_errno_numbers_are_linux_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
