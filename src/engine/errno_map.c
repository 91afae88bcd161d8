/* errno_map.c — a Linux errno from a FUSE reply to the NTSTATUS that NTFS and the NT I/O path would report. */
#include <stdint.h>

#include "engine/engine_internal.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

/* Indexed by errno. Handlers that know the context refine some of these themselves (ENOENT on
   a parent is OBJECT_PATH_NOT_FOUND; ENOSYS means "never ask again"); this is the default. */
static const NTSTATUS wf_errno_table[WF_ERRNO_MAX + 1] = {
    /* Access and identity. */
    [WF_EPERM]           = STATUS_ACCESS_DENIED,
    [WF_EACCES]          = STATUS_ACCESS_DENIED,
    /* fscrypt answers ENOKEY when the key is absent; NT's EFS answers ACCESS_DENIED. */
    [WF_ENOKEY]          = STATUS_ACCESS_DENIED,
    [WF_EKEYEXPIRED]     = STATUS_ACCESS_DENIED,
    [WF_EKEYREVOKED]     = STATUS_ACCESS_DENIED,
    [WF_EKEYREJECTED]    = STATUS_ACCESS_DENIED,

    /* Names and the namespace. */
    [WF_ENOENT]          = STATUS_OBJECT_NAME_NOT_FOUND,
    [WF_EEXIST]          = STATUS_OBJECT_NAME_COLLISION,
    [WF_ENOTDIR]         = STATUS_NOT_A_DIRECTORY,
    [WF_EISDIR]          = STATUS_FILE_IS_A_DIRECTORY,
    [WF_ENOTEMPTY]       = STATUS_DIRECTORY_NOT_EMPTY,
    [WF_ENAMETOOLONG]    = STATUS_NAME_TOO_LONG,
    [WF_EMLINK]          = STATUS_TOO_MANY_LINKS,
    [WF_EXDEV]           = STATUS_NOT_SAME_DEVICE,
    /* A name the file system cannot encode. */
    [WF_EILSEQ]          = STATUS_OBJECT_NAME_INVALID,
    /* Too many levels of symbolic links (or O_NOFOLLOW met one). Windows reports a reparse
       loop as REPARSE_POINT_NOT_RESOLVED (ERROR_CANT_RESOLVE_FILENAME); STOPPED_ON_SYMLINK is
       a warning with a protocol meaning inside the I/O manager, not a failure to pass up. */
    [WF_ELOOP]           = STATUS_REPARSE_POINT_NOT_RESOLVED,
    /* The object behind a handle went away beneath it (NFS): NT's "externally altered". */
    [WF_ESTALE]          = STATUS_FILE_INVALID,

    /* Space, size and quota. */
    [WF_ENOSPC]          = STATUS_DISK_FULL,
    [WF_EDQUOT]          = STATUS_DISK_QUOTA_EXCEEDED,
    [WF_EFBIG]           = STATUS_FILE_TOO_LARGE,
    [WF_EROFS]           = STATUS_MEDIA_WRITE_PROTECTED,
    [WF_EOVERFLOW]       = STATUS_INTEGER_OVERFLOW,

    /* Extended attributes: FUSE raises these almost only from the xattr operations.
       ENODATA is getxattr's "no attribute by that name"; E2BIG a value beyond the limit;
       ERANGE a caller buffer too small, with nothing returned. */
    [WF_ENODATA]         = STATUS_NONEXISTENT_EA_ENTRY,
    [WF_E2BIG]           = STATUS_EA_TOO_LARGE,
    [WF_ERANGE]          = STATUS_BUFFER_TOO_SMALL,

    /* Sharing and locks. FUSE's SETLK answers a conflict with EAGAIN, and that is by far
       the errno's commonest source in a file system; NTFS answers a lock that cannot be
       granted at once with LOCK_NOT_GRANTED. */
    [WF_EAGAIN]          = STATUS_LOCK_NOT_GRANTED,
    [WF_ENOLCK]          = STATUS_LOCK_NOT_GRANTED,
    [WF_EDEADLK]         = STATUS_POSSIBLE_DEADLOCK,
    /* Writing a running executable: NT refuses it as a sharing violation. */
    [WF_ETXTBSY]         = STATUS_SHARING_VIOLATION,
    [WF_EBUSY]           = STATUS_DEVICE_BUSY,

    /* Arguments, handles and requests. */
    [WF_EINVAL]          = STATUS_INVALID_PARAMETER,
    [WF_EDOM]            = STATUS_INVALID_PARAMETER,
    [WF_ESPIPE]          = STATUS_INVALID_PARAMETER,
    [WF_EDESTADDRREQ]    = STATUS_INVALID_PARAMETER,
    [WF_EFAULT]          = STATUS_INVALID_USER_BUFFER,
    [WF_EMSGSIZE]        = STATUS_INVALID_BUFFER_SIZE,
    [WF_EBADF]           = STATUS_INVALID_HANDLE,
    [WF_EBADFD]          = STATUS_INVALID_HANDLE,
    [WF_ENOTSOCK]        = STATUS_OBJECT_TYPE_MISMATCH,
    /* An operation the file system does not implement, an ioctl it does not know: NT's
       answer to an unknown request or FSCTL. */
    [WF_ENOSYS]          = STATUS_INVALID_DEVICE_REQUEST,
    [WF_ENOTTY]          = STATUS_INVALID_DEVICE_REQUEST,
    [WF_ENOTBLK]         = STATUS_INVALID_DEVICE_REQUEST,
    [WF_EBADRQC]         = STATUS_INVALID_DEVICE_REQUEST,
    [WF_EOPNOTSUPP]      = STATUS_NOT_SUPPORTED,
    [WF_ENOPROTOOPT]     = STATUS_NOT_SUPPORTED,
    [WF_ESOCKTNOSUPPORT] = STATUS_NOT_SUPPORTED,
    [WF_EAFNOSUPPORT]    = STATUS_NOT_SUPPORTED,
    [WF_EPROTONOSUPPORT] = STATUS_PROTOCOL_NOT_SUPPORTED,
    [WF_EPFNOSUPPORT]    = STATUS_PROTOCOL_NOT_SUPPORTED,
    [WF_EPROTOTYPE]      = STATUS_PROTOCOL_NOT_SUPPORTED,
    /* A FUSE request interrupted (INTERRUPT) or cancelled. */
    [WF_EINTR]           = STATUS_CANCELLED,
    [WF_ERESTART]        = STATUS_CANCELLED,
    [WF_ECANCELED]       = STATUS_CANCELLED,

    /* Resources. */
    [WF_ENOMEM]          = STATUS_INSUFFICIENT_RESOURCES,
    [WF_ENOBUFS]         = STATUS_INSUFFICIENT_RESOURCES,
    [WF_ENOSR]           = STATUS_INSUFFICIENT_RESOURCES,
    [WF_ENFILE]          = STATUS_TOO_MANY_OPENED_FILES,
    [WF_EMFILE]          = STATUS_TOO_MANY_OPENED_FILES,

    /* Devices, media and data integrity. */
    [WF_EIO]             = STATUS_IO_DEVICE_ERROR,
    [WF_EHWPOISON]       = STATUS_IO_DEVICE_ERROR,
    [WF_ENXIO]           = STATUS_NO_SUCH_DEVICE,
    [WF_ENODEV]          = STATUS_NO_SUCH_DEVICE,
    [WF_ENOMEDIUM]       = STATUS_NO_MEDIA_IN_DEVICE,
    [WF_EMEDIUMTYPE]     = STATUS_UNRECOGNIZED_MEDIA,
    /* ext4, xfs and f2fs report a checksum failure as EBADMSG (their EFSBADCRC) and a
       corrupted structure as EUCLEAN (their EFSCORRUPTED). */
    [WF_EBADMSG]         = STATUS_CRC_ERROR,
    [WF_EUCLEAN]         = STATUS_FILE_CORRUPT_ERROR,
    [WF_ENOEXEC]         = STATUS_INVALID_IMAGE_FORMAT,
    [WF_ELIBBAD]         = STATUS_INVALID_IMAGE_FORMAT,
    [WF_ELIBSCN]         = STATUS_INVALID_IMAGE_FORMAT,
    [WF_ELIBEXEC]        = STATUS_INVALID_IMAGE_FORMAT,
    [WF_EPIPE]           = STATUS_PIPE_BROKEN,

    /* Time-outs. */
    [WF_ETIMEDOUT]       = STATUS_IO_TIMEOUT,
    [WF_ETIME]           = STATUS_IO_TIMEOUT,

    /* Networks: network file systems pass these up from their transport. ENOTCONN is also
       what a FUSE mount answers once its daemon is gone: the connection is lost, as an SMB
       share whose server went away. */
    [WF_ENOTCONN]        = STATUS_CONNECTION_DISCONNECTED,
    [WF_ESHUTDOWN]       = STATUS_CONNECTION_DISCONNECTED,
    [WF_ENOLINK]         = STATUS_CONNECTION_DISCONNECTED,
    [WF_ECONNREFUSED]    = STATUS_CONNECTION_REFUSED,
    [WF_ECONNRESET]      = STATUS_CONNECTION_RESET,
    [WF_ENETRESET]       = STATUS_CONNECTION_RESET,
    [WF_ECONNABORTED]    = STATUS_CONNECTION_ABORTED,
    [WF_EISCONN]         = STATUS_CONNECTION_ACTIVE,
    [WF_ENETDOWN]        = STATUS_NETWORK_UNREACHABLE,
    [WF_ENETUNREACH]     = STATUS_NETWORK_UNREACHABLE,
    [WF_ENONET]          = STATUS_NETWORK_UNREACHABLE,
    [WF_EHOSTDOWN]       = STATUS_HOST_DOWN,
    [WF_EHOSTUNREACH]    = STATUS_HOST_UNREACHABLE,
    [WF_EADDRINUSE]      = STATUS_ADDRESS_ALREADY_EXISTS,
    [WF_EADDRNOTAVAIL]   = STATUS_INVALID_ADDRESS,
    [WF_ENOTUNIQ]        = STATUS_DUPLICATE_NAME,
    [WF_EPROTO]          = STATUS_INVALID_NETWORK_RESPONSE,
    [WF_ECOMM]           = STATUS_UNEXPECTED_NETWORK_ERROR,
    [WF_EREMOTEIO]       = STATUS_UNEXPECTED_NETWORK_ERROR,

    /* No NT counterpart, so the default: process and IPC errors, STREAMS, the obsolete
       XENIX and RFS codes, and the "in progress" pair, which must never become PENDING. */
    [WF_ESRCH]           = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ECHILD]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENOMSG]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EIDRM]           = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ECHRNG]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EL2NSYNC]        = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EL3HLT]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EL3RST]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ELNRNG]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EUNATCH]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENOCSI]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EL2HLT]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EBADE]           = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EBADR]           = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EXFULL]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENOANO]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EBADSLT]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EBFONT]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENOSTR]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENOPKG]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EREMOTE]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EADV]            = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ESRMNT]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EMULTIHOP]       = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EDOTDOT]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EREMCHG]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ELIBACC]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ELIBMAX]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ESTRPIPE]        = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EUSERS]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ETOOMANYREFS]    = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EALREADY]        = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EINPROGRESS]     = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENOTNAM]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENAVAIL]         = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EISNAM]          = STATUS_UNEXPECTED_IO_ERROR,
    [WF_EOWNERDEAD]      = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ENOTRECOVERABLE] = STATUS_UNEXPECTED_IO_ERROR,
    [WF_ERFKILL]         = STATUS_UNEXPECTED_IO_ERROR,
};

NTSTATUS wf_errno_to_ntstatus(int32_t linux_errno)
{
    NTSTATUS status = STATUS_UNEXPECTED_IO_ERROR;

    /* Slots left empty (41, 58) hold 0, which must not leak out as success. */
    if (linux_errno > 0 && linux_errno <= WF_ERRNO_MAX && wf_errno_table[linux_errno] != STATUS_SUCCESS)
        status = wf_errno_table[linux_errno];
    return status;
}

/* What a failed request means to its operation ------------------------------------------ */

/* Requests that change the volume: a file system without them is read-only. */
static bool opcode_modifies(uint32_t opcode)
{
    switch (opcode) {
    case FUSE_SETATTR: case FUSE_SYMLINK: case FUSE_MKNOD: case FUSE_MKDIR:
    case FUSE_UNLINK: case FUSE_RMDIR: case FUSE_RENAME: case FUSE_RENAME2:
    case FUSE_LINK: case FUSE_WRITE: case FUSE_CREATE: case FUSE_SETXATTR:
    case FUSE_REMOVEXATTR: case FUSE_FALLOCATE:
        return true;
    default:
        return false;
    }
}

NTSTATUS wf_op_errno_status(const wf_op *op)
{
    switch (op->call.error) {
    case WF_ERR_BAD_REPLY:
        return STATUS_IO_DEVICE_ERROR;
    case WF_ERR_DISCONNECTED:
        return STATUS_CONNECTION_DISCONNECTED;
    case WF_ERR_TOO_BIG:
        return STATUS_INSUFFICIENT_RESOURCES;
    case WF_ERR_TIMEOUT:
        /* Given up on: after a cancellation it is that, else the file system's silence. */
        return op->cancel_requested ? STATUS_CANCELLED : STATUS_IO_TIMEOUT;
    case WF_ENOSYS:
        /* Hard links are an optional feature: a file system without LINK (fuse-zip) is
           one that has none, answered as FAT answers a link, not a read-only volume. */
        if (op->call.opcode == FUSE_LINK)
            return STATUS_INVALID_DEVICE_REQUEST;
        /* A file system that does not implement a change (hello_ll, squashfuse) is a
           read-only volume to Windows, which knows what to do with that status. */
        if (opcode_modifies(op->call.opcode))
            return STATUS_MEDIA_WRITE_PROTECTED;
        return wf_errno_to_ntstatus(op->call.error);
    default:
        return wf_errno_to_ntstatus(op->call.error);
    }
}

/* The three kinds of failure (engine_internal.h): an errno answer, a failure to ask, and
   the end of the operation. */
bool wf_error_refused(int32_t error)
{
    return error > 0 && error < WF_ERR_BAD_REPLY && error != WF_EINTR;
}

bool wf_error_ends(int32_t error)
{
    return error == WF_ERR_DISCONNECTED || error == WF_EINTR || error == WF_ERR_TIMEOUT;
}

bool wf_op_refused(const wf_op *op)
{
    return wf_error_refused(op->call.error);
}
