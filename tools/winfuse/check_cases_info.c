/* check_cases_info.c — `winfuse check` cases for SetInformation (end of file, allocation,
   times, the read-only attribute) and for deletion (disposition, delete-on-close). */
#include <string.h>

#include "check.h"
#include "format.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

#define WF_RW (FILE_GENERIC_READ | FILE_GENERIC_WRITE)
/* 100 ns ticks from 1601-01-01 to 1970-01-01, and per second. */
#define WF_NT_EPOCH_TICKS 116444736000000000ull
#define WF_NT_SECOND 10000000ull
/* 2021-03-04T05:06:08Z and 2020-02-03T04:05:06Z: whole (even) seconds, which any file
   system that keeps times at all can store. */
#define WF_CHECK_MTIME (WF_NT_EPOCH_TICKS + 1614834368ull * WF_NT_SECOND)
#define WF_CHECK_ATIME (WF_NT_EPOCH_TICKS + 1580702706ull * WF_NT_SECOND)

/* ---- end of file and allocation [MS-FSA 2.1.5.15.4, 2.1.5.15.1] ------------------------ */

static void wf_case_end_of_file(wf_check *check, const void *param)
{
    bool extend = param != NULL;
    const uint64_t size = extend ? 4096 : 4;
    uint8_t expected[4096], buffer[8192];
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    size_t length;

    memset(expected, 0, sizeof expected);
    memcpy(expected, "0123456789", 10);
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "0123456789", 10),
            "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", WF_RW, FILE_NON_DIRECTORY_FILE,
            &file), "open f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_end_of_file(file, size, &info),
            "FileEndOfFileInformation %llu on a 10-byte file", (unsigned long long)size) ||
        !wf_check_u64(check, size, info.FileSize, "FileSize in the reply"))
        return;
    wf_check_close(check, &file);
    if (!wf_check_setup(check, wf_check_read_name(check, "f.txt", buffer, sizeof buffer,
            &length), "read f.txt back"))
        return;
    wf_check_data(check, expected, (size_t)size, buffer, length,
        extend ? "grown: the new bytes read as zeros" : "cut to 4 bytes");
}

static void wf_case_allocation_truncates(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "0123456789", 10),
            "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", WF_RW, FILE_NON_DIRECTORY_FILE,
            &file), "open f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_allocation_size(file, 0, &info),
            "FileAllocationInformation 0 on a 10-byte file"))
        return;
    wf_check_close(check, &file);
    if (wf_check_setup(check, wf_check_stat(check, "f.txt", &info), "open f.txt again"))
        wf_check_u64(check, 0, info.FileSize, "FileSize after an allocation of 0");
}

/* ---- times and attributes [MS-FSA 2.1.5.15.2] ------------------------------------------ */

static void wf_time_text(uint64_t time, char *buffer, size_t size)
{
    wf_format_time_iso(time, buffer, size);
}

/* Sets LastWriteTime and LastAccessTime (attributes 0: unchanged) and reads them back,
   from the reply and from a new handle; matches(set, got) decides. */
static bool wf_set_times(wf_check *check, uint64_t mtime, uint64_t atime,
    FSP_FSCTL_FILE_INFO *after)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO reply;

    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "times", 5), "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", FILE_WRITE_ATTRIBUTES |
            FILE_READ_ATTRIBUTES, FILE_NON_DIRECTORY_FILE, &file), "open f.txt"))
        return false;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_basic_info(file, 0, 0, atime,
            mtime, 0, &reply), "FileBasicInformation with LastWriteTime and LastAccessTime"))
        return false;
    wf_check_close(check, &file);
    return wf_check_setup(check, wf_check_stat(check, "f.txt", after), "open f.txt again");
}

static bool wf_time_matches(wf_check *check, const char *which, uint64_t set, uint64_t got,
    uint64_t granularity)
{
    char want[48], have[48];

    if (got == set || got == set - set % granularity)
        return true;
    wf_time_text(set, want, sizeof want);
    wf_time_text(got, have, sizeof have);
    wf_check_fail(check, want, have, "%s read back (time granularity %llu ns)", which,
        (unsigned long long)granularity * 100u);
    return false;
}

static void wf_case_times_round_trip(wf_check *check, const void *param)
{
    bool subsecond = param != NULL;
    /* FUSE's time_gran is in ns; NT times count 100 ns. */
    uint64_t granularity = check->time_gran / 100u ? check->time_gran / 100u : 1u;
    uint64_t mtime = WF_CHECK_MTIME + (subsecond ? 1234567u : 0u);
    uint64_t atime = WF_CHECK_ATIME + (subsecond ? 7654321u : 0u);
    FSP_FSCTL_FILE_INFO info;

    if (!wf_set_times(check, mtime, atime, &info))
        return;
    if (!wf_time_matches(check, "LastWriteTime", mtime, info.LastWriteTime,
            subsecond ? granularity : 1u) ||
        !wf_time_matches(check, "LastAccessTime", atime, info.LastAccessTime,
            subsecond ? granularity : 1u))
        return;
    if (subsecond)
        wf_check_note(check, "time granularity %u ns", (unsigned)check->time_gran);
}

static void wf_case_times_keep_attributes(wf_check *check, const void *param)
{
    FSP_FSCTL_FILE_INFO info;
    char have[128];

    (void)param;
    if (!wf_set_times(check, WF_CHECK_MTIME, WF_CHECK_ATIME, &info))
        return;
    if (info.FileAttributes & FILE_ATTRIBUTE_READONLY) {
        wf_format_attributes(info.FileAttributes, have, sizeof have);
        wf_check_fail(check, "no READONLY", have,
            "attributes after setting only times (FileAttributes 0: unchanged)");
    }
}

static NTSTATUS wf_set_attributes(wf_check *check, const char *name, uint32_t attributes)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    status = wf_check_open(check, name, FILE_WRITE_ATTRIBUTES | FILE_READ_ATTRIBUTES,
        FILE_NON_DIRECTORY_FILE, &file);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_set_basic_info(file, attributes, 0, 0, 0, 0, NULL);
    wf_check_close(check, &file);
    return status;
}

/* READONLY shows, and refuses an open for writing. */
static bool wf_expect_read_only(wf_check *check, bool read_only, const char *when)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    char have[128];

    if (!wf_check_setup(check, wf_check_stat(check, "f.txt", &info), "open f.txt %s", when))
        return false;
    if (((info.FileAttributes & FILE_ATTRIBUTE_READONLY) != 0) != read_only) {
        wf_format_attributes(info.FileAttributes, have, sizeof have);
        wf_check_fail(check, read_only ? "READONLY" : "no READONLY", have, "attributes %s",
            when);
        return false;
    }
    return wf_check_status(check, read_only ? STATUS_ACCESS_DENIED : STATUS_SUCCESS,
        wf_check_open(check, "f.txt", FILE_WRITE_DATA, FILE_NON_DIRECTORY_FILE, &file),
        "open for FILE_WRITE_DATA %s", when);
}

static void wf_case_read_only_attribute(wf_check *check, const void *param)
{
    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_set_attributes(check, "f.txt",
            FILE_ATTRIBUTE_READONLY), "set FILE_ATTRIBUTE_READONLY") ||
        !wf_expect_read_only(check, true, "after setting READONLY"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_set_attributes(check, "f.txt",
            FILE_ATTRIBUTE_NORMAL), "set FILE_ATTRIBUTE_NORMAL"))
        return;
    wf_expect_read_only(check, false, "after setting NORMAL");
}

static void wf_case_read_only_at_create(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    uint32_t written = 0;

    (void)param;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_create(check, "f.txt", WF_RW,
            WF_SHARE_ALL, FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_ATTRIBUTE_READONLY, &file,
            NULL), "FILE_CREATE with FILE_ATTRIBUTE_READONLY"))
        return;
    /* NTFS: the handle that created the file still writes. */
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_write(file, "abc", 0, 3, false,
            &written, NULL), "write through the creating handle"))
        return;
    wf_check_close(check, &file);
    wf_expect_read_only(check, true, "after the create");
}

/* ---- deletion [MS-FSA 2.1.5.4, 2.1.5.15.3; NtCreateFile] -------------------------------- */

static bool wf_expect_gone(wf_check *check, const char *name, const char *when)
{
    FSP_FSCTL_FILE_INFO info;
    return wf_check_status(check, STATUS_OBJECT_NAME_NOT_FOUND, wf_check_stat(check, name,
        &info), "open %s %s", name, when);
}

static bool wf_expect_there(wf_check *check, const char *name, const char *when)
{
    FSP_FSCTL_FILE_INFO info;
    return wf_check_status(check, STATUS_SUCCESS, wf_check_stat(check, name, &info),
        "open %s %s", name, when);
}

static void wf_case_delete_file(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    wf_check_list list = { 0 };

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", DELETE | FILE_READ_ATTRIBUTES,
            FILE_NON_DIRECTORY_FILE, &file), "open f.txt for DELETE"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_disposition(file,
            FILE_DISPOSITION_DELETE, false), "FileDispositionInformation DeleteFile"))
        return;
    wf_check_close(check, &file);
    if (!wf_expect_gone(check, "f.txt", "after its last handle closed"))
        return;
    if (wf_check_setup(check, wf_check_list_dir(check, NULL, NULL, &list), "list") &&
        wf_check_list_count(&list, "f.txt") != 0)
        wf_check_fail(check, "not listed", "listed", "f.txt after its deletion");
    wf_check_list_free(&list);
}

static void wf_case_delete_on_close(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_create(check, "f.txt", DELETE |
            FILE_GENERIC_READ, WF_SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE |
            FILE_DELETE_ON_CLOSE, 0, &file, NULL), "FILE_OPEN with FILE_DELETE_ON_CLOSE") ||
        !wf_expect_there(check, "f.txt", "while the handle is open"))
        return;
    wf_check_close(check, &file);
    wf_expect_gone(check, "f.txt", "after the handle closed");
}

static void wf_case_delete_directory(wf_check *check, const void *param)
{
    bool full = param != NULL;
    wf_fsd_file *file = NULL;

    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d"))
        return;
    if (full && !wf_check_setup(check, wf_check_make_file(check, "d\\f.txt", "x", 1),
            "make d\\f.txt"))
        return;
    if (!wf_check_setup(check, wf_check_open(check, "d", DELETE | FILE_LIST_DIRECTORY |
            FILE_READ_ATTRIBUTES, FILE_DIRECTORY_FILE, &file), "open d for DELETE"))
        return;
    if (!wf_check_status(check, full ? STATUS_DIRECTORY_NOT_EMPTY : STATUS_SUCCESS,
            wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false),
            "FileDispositionInformation on %s directory", full ? "a non-empty" : "an empty"))
        return;
    wf_check_close(check, &file);
    if (full) {
        if (wf_expect_there(check, "d", "after the refused delete"))
            wf_expect_there(check, "d\\f.txt", "after the refused delete");
    } else {
        wf_expect_gone(check, "d", "after its last handle closed");
    }
}

static void wf_case_delete_pending(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL, *second = NULL;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", DELETE | FILE_READ_ATTRIBUTES,
            FILE_NON_DIRECTORY_FILE, &file), "open f.txt for DELETE") ||
        !wf_check_setup(check, wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false),
            "set the disposition"))
        return;
    if (!wf_check_status(check, STATUS_DELETE_PENDING, wf_check_open(check, "f.txt",
            FILE_READ_ATTRIBUTES, 0, &second), "open a file whose delete is pending"))
        return;
    wf_check_close(check, &file);
    wf_expect_gone(check, "f.txt", "after its last handle closed");
}

static void wf_case_delete_undone(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", DELETE | FILE_READ_ATTRIBUTES,
            FILE_NON_DIRECTORY_FILE, &file), "open f.txt for DELETE") ||
        !wf_check_setup(check, wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false),
            "set the disposition"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_disposition(file, 0, false),
            "FileDispositionInformation DeleteFile FALSE"))
        return;
    wf_check_close(check, &file);
    wf_expect_there(check, "f.txt", "after the delete was undone");
}

static void wf_case_delete_read_only(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;

    (void)param;
    if (!wf_check_setup(check, wf_check_create(check, "f.txt", WF_RW, WF_SHARE_ALL,
            FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_ATTRIBUTE_READONLY, &file, NULL),
            "make a read-only f.txt"))
        return;
    wf_check_close(check, &file);
    if (!wf_check_setup(check, wf_check_open(check, "f.txt", DELETE | FILE_READ_ATTRIBUTES,
            FILE_NON_DIRECTORY_FILE, &file), "open f.txt for DELETE"))
        return;
    if (!wf_check_status(check, STATUS_CANNOT_DELETE, wf_fsd_set_disposition(file,
            FILE_DISPOSITION_DELETE, true), "FileDispositionInformationEx DELETE on a "
            "read-only file"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_disposition(file,
            FILE_DISPOSITION_DELETE | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE, true),
            "DELETE | IGNORE_READONLY_ATTRIBUTE"))
        return;
    wf_check_close(check, &file);
    wf_expect_gone(check, "f.txt", "after its last handle closed");
}

static void wf_case_delete_posix(wf_check *check, const void *param)
{
    static const char text[] = "still readable";
    wf_fsd_file *reader = NULL, *file = NULL;
    char buffer[64];
    size_t length;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", text, sizeof text - 1),
            "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", FILE_GENERIC_READ,
            FILE_NON_DIRECTORY_FILE, &reader), "open f.txt to read") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", DELETE | FILE_READ_ATTRIBUTES,
            FILE_NON_DIRECTORY_FILE, &file), "open f.txt for DELETE"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_disposition(file,
            FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS, true),
            "FileDispositionInformationEx DELETE | POSIX_SEMANTICS"))
        return;
    wf_check_close(check, &file);
    if (!wf_expect_gone(check, "f.txt", "once the deleting handle closed, another open"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_read_file(reader, 0, buffer,
            sizeof buffer, &length), "read through the other handle") ||
        !wf_check_data(check, text, sizeof text - 1, buffer, length,
            "the other handle after the name went"))
        return;
    wf_check_status(check, STATUS_SUCCESS, wf_check_make_file(check, "f.txt", "new", 3),
        "a new f.txt while the old one is still open");
}

const wf_check_case wf_check_cases_info[] = {
    { "info.end_of_file_truncate", "FileEndOfFileInformation below the size cuts the file",
        true, wf_case_end_of_file, NULL },
    { "info.end_of_file_extend",
        "FileEndOfFileInformation above the size grows it with zeros", true,
        wf_case_end_of_file, "extend" },
    { "info.allocation_truncates", "FileAllocationInformation below the size cuts the file",
        true, wf_case_allocation_truncates, NULL },
    { "info.times_round_trip",
        "LastWriteTime and LastAccessTime set (whole seconds) read back the same", true,
        wf_case_times_round_trip, NULL },
    { "info.times_subsecond",
        "times with 100 ns digits read back to the file system's time granularity", true,
        wf_case_times_round_trip, "subsecond" },
    { "info.times_keep_attributes", "setting only times leaves the attributes alone", true,
        wf_case_times_keep_attributes, NULL },
    { "info.read_only_attribute",
        "READONLY set shows and refuses writers; FILE_ATTRIBUTE_NORMAL clears it", true,
        wf_case_read_only_attribute, NULL },
    { "info.read_only_at_create",
        "a file created READONLY: its creating handle writes, later writers are refused",
        true, wf_case_read_only_at_create, NULL },
    { NULL, NULL, false, NULL, NULL },
};

const wf_check_case wf_check_cases_delete[] = {
    { "delete.file", "a file with its disposition set goes at its last close", true,
        wf_case_delete_file, NULL },
    { "delete.on_close", "FILE_DELETE_ON_CLOSE: the file goes when the handle closes", true,
        wf_case_delete_on_close, NULL },
    { "delete.empty_directory", "an empty directory with its disposition set goes", true,
        wf_case_delete_directory, NULL },
    { "delete.directory_not_empty",
        "the disposition on a non-empty directory: STATUS_DIRECTORY_NOT_EMPTY", true,
        wf_case_delete_directory, "full" },
    { "delete.pending_open", "an open of a file whose delete is pending: "
        "STATUS_DELETE_PENDING", true, wf_case_delete_pending, NULL },
    { "delete.undone", "a disposition set then cleared: the file stays", true,
        wf_case_delete_undone, NULL },
    { "delete.read_only_file", "a read-only file: STATUS_CANNOT_DELETE, unless "
        "IGNORE_READONLY_ATTRIBUTE", true, wf_case_delete_read_only, NULL },
    { "delete.posix_semantics", "POSIX semantics: the name goes at once, open handles "
        "still read", true, wf_case_delete_posix, NULL },
    { NULL, NULL, false, NULL, NULL },
};
