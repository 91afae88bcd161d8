/* check_cases_dos.c — `winfuse check` cases for what NTFS keeps and FUSE has no field for
   (DOS attributes and CreationTime, kept in user.DOSATTRIB as Samba keeps them). */
#include <string.h>

#include "check.h"
#include "format.h"
#include "win32ops.h"
#include "winfuse/engine.h"
#include "winfuse/nt_constants.h"

/* 2021-03-04T05:06:08Z: a LastWriteTime far from now, which a creation time computed from
   the Unix times would follow. */
#define WF_DOS_MTIME (116444736000000000ull + 1614834368ull * 10000000ull)
#define WF_DOS_HSA (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE)

/* The store needs xattrs: where the volume cannot keep what NTFS keeps, the case is the
   file system's limit (SKIP), not a failure. Called once the behaviour was not seen; the
   engine says whether the file system refused user.DOSATTRIB as having no xattrs (an EA
   probe would not: rclone answers a file's SETXATTR with EIO, a directory's with
   EOPNOTSUPP). Returns true when it skipped. */
static bool wf_dos_limit(wf_check *check)
{
    wf_engine_info info;

    if (check->no_dosattrib) {
        wf_check_skip(check, "-o dosattrib=off: DOS attributes are not stored");
        return true;
    }
    wf_engine_get_info(wf_volume_engine(check->volume), &info);
    if (info.dosattrib_off) {
        wf_check_skip(check, "no xattrs on this file system to keep them in "
            "(user.DOSATTRIB refused: ENOSYS or EOPNOTSUPP)");
        return true;
    }
    return false;
}

static NTSTATUS wf_dos_set(wf_check *check, const char *name, uint32_t options,
    uint32_t attributes, uint64_t last_write)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    status = wf_check_open(check, name, FILE_WRITE_ATTRIBUTES | FILE_READ_ATTRIBUTES,
        options, &file);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_set_basic_info(file, attributes, 0, 0, last_write, 0, NULL);
    wf_check_close(check, &file);
    return status;
}

/* HIDDEN, SYSTEM and ARCHIVE set are there when the file is opened again. */
static void wf_case_dos_attributes_persist(wf_check *check, const void *param)
{
    FSP_FSCTL_FILE_INFO info;
    char want[128], have[128];

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_dos_set(check, "f.txt",
            FILE_NON_DIRECTORY_FILE, WF_DOS_HSA, 0), "set HIDDEN|SYSTEM|ARCHIVE") ||
        !wf_check_setup(check, wf_check_stat(check, "f.txt", &info), "open f.txt again"))
        return;
    if ((info.FileAttributes & WF_DOS_HSA) == WF_DOS_HSA || wf_dos_limit(check))
        return;
    wf_format_attributes(WF_DOS_HSA, want, sizeof want);
    wf_format_attributes(info.FileAttributes, have, sizeof have);
    wf_check_fail(check, want, have, "attributes of f.txt opened again");
}

/* A new file has ARCHIVE, as NTFS (and Samba) give it. */
static void wf_case_dos_new_file_archive(wf_check *check, const void *param)
{
    FSP_FSCTL_FILE_INFO info;
    char have[128];

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt") ||
        !wf_check_setup(check, wf_check_stat(check, "f.txt", &info), "open f.txt again"))
        return;
    if ((info.FileAttributes & FILE_ATTRIBUTE_ARCHIVE) || wf_dos_limit(check))
        return;
    wf_format_attributes(info.FileAttributes, have, sizeof have);
    wf_check_fail(check, "ARCHIVE", have, "attributes of a new file");
}

/* Setting LastWriteTime leaves CreationTime where it was. */
static void wf_case_dos_creation_time_stays(wf_check *check, const void *param)
{
    FSP_FSCTL_FILE_INFO before, after;
    char want[64], have[64];

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt") ||
        !wf_check_setup(check, wf_check_stat(check, "f.txt", &before), "open f.txt") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_dos_set(check, "f.txt",
            FILE_NON_DIRECTORY_FILE, 0, WF_DOS_MTIME), "set LastWriteTime 2021-03-04") ||
        !wf_check_setup(check, wf_check_stat(check, "f.txt", &after), "open f.txt again"))
        return;
    if (after.CreationTime == before.CreationTime || wf_dos_limit(check))
        return;
    wf_format_time_iso(before.CreationTime, want, sizeof want);
    wf_format_time_iso(after.CreationTime, have, sizeof have);
    wf_check_fail(check, want, have, "CreationTime after LastWriteTime was set");
}

/* A read-only directory refuses deletion (STATUS_CANNOT_DELETE) [MS-FSA 2.1.5.15.3];
   IGNORE_READONLY_ATTRIBUTE deletes it. */
static void wf_case_dos_read_only_directory(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_dos_set(check, "d", FILE_DIRECTORY_FILE,
            FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_DIRECTORY, 0),
            "set READONLY on directory d") ||
        !wf_check_setup(check, wf_check_open(check, "d", DELETE | FILE_READ_ATTRIBUTES,
            FILE_DIRECTORY_FILE, &file), "open d for DELETE"))
        return;
    status = wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, true);
    if (status == STATUS_SUCCESS) {
        /* Not kept: undo the delete, then see whether the file system could have. */
        wf_fsd_set_disposition(file, 0, true);
        wf_check_close(check, &file);
        if (wf_dos_limit(check))
            return;
    }
    if (!wf_check_status(check, STATUS_CANNOT_DELETE, status,
            "FileDispositionInformationEx DELETE on a read-only directory"))
        return;
    wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_disposition(file,
        FILE_DISPOSITION_DELETE | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE, true),
        "DELETE | IGNORE_READONLY_ATTRIBUTE");
}

const wf_check_case wf_check_cases_dos[] = {
    { "dos.attributes_persist", "HIDDEN, SYSTEM and ARCHIVE set are there when the file is "
        "opened again", true, wf_case_dos_attributes_persist, NULL },
    { "dos.new_file_archive", "a new file has ARCHIVE", true, wf_case_dos_new_file_archive,
        NULL },
    { "dos.creation_time_stays", "setting LastWriteTime leaves CreationTime as it was", true,
        wf_case_dos_creation_time_stays, NULL },
    { "dos.read_only_directory", "a read-only directory: STATUS_CANNOT_DELETE, unless "
        "IGNORE_READONLY_ATTRIBUTE", true, wf_case_dos_read_only_directory, NULL },
    { NULL, NULL, false, NULL, NULL },
};
