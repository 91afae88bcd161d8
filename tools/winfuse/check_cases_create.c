/* check_cases_create.c — `winfuse check` cases for NtCreateFile (every disposition on a
   missing and an existing name, directories, missing paths) and for reading and writing. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

#define WF_RW (FILE_GENERIC_READ | FILE_GENERIC_WRITE)

/* ---- the disposition matrix [NtCreateFile; MS-FSA 2.1.5.1.1, 2.1.5.1.2] ---------------- */

typedef struct wf_disposition_case {
    const char *label;
    uint32_t disposition;
    bool existing;
    NTSTATUS status;
    uint32_t information;
    bool truncates;             /* an existing file's data is gone */
} wf_disposition_case;

static const char wf_old_data[] = "old data, fifty bytes long: 0123456789 0123456789";

static void wf_case_disposition(wf_check *check, const void *param)
{
    const wf_disposition_case *d = param;
    const char *where = d->existing ? "an existing file" : "a missing name";
    char buffer[128];
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint32_t information = UINT32_MAX;
    size_t length;
    NTSTATUS status;

    if (d->existing && !wf_check_setup(check, wf_check_make_file(check, "f.txt", wf_old_data,
            sizeof wf_old_data - 1), "make f.txt"))
        return;
    status = wf_check_create(check, "f.txt", WF_RW, WF_SHARE_ALL, d->disposition,
        FILE_NON_DIRECTORY_FILE, FILE_ATTRIBUTE_NORMAL, &file, &information);
    if (!wf_check_status(check, d->status, status, "%s on %s", d->label, where))
        return;
    if (status == STATUS_SUCCESS) {
        if (!wf_check_information(check, d->information, information, "Information"))
            return;
        if (!wf_check_setup(check, wf_fsd_query_info(file, &info), "query the new handle"))
            return;
        if (!wf_check_u64(check, d->existing && !d->truncates ? sizeof wf_old_data - 1 : 0,
                info.FileSize, "FileSize of the handle %s opened", d->label))
            return;
        if (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            wf_check_fail(check, "a file", "a directory", "FileAttributes");
            return;
        }
        wf_check_close(check, &file);
    }

    if (!d->existing && status != STATUS_SUCCESS) {
        /* Refused: nothing may have been made. */
        wf_check_status(check, STATUS_OBJECT_NAME_NOT_FOUND,
            wf_check_stat(check, "f.txt", &info), "the name after %s refused", d->label);
        return;
    }
    status = wf_check_read_name(check, "f.txt", buffer, sizeof buffer, &length);
    if (!wf_check_setup(check, status, "read f.txt back"))
        return;
    if (d->existing && !d->truncates)
        wf_check_data(check, wf_old_data, sizeof wf_old_data - 1, buffer, length,
            "the old data after the create");
    else
        wf_check_data(check, "", 0, buffer, length, "the data after the create");
}

#define WF_DISPOSITION(name, disposition, existing, status, information, truncates) \
    static const wf_disposition_case name = { #disposition, disposition, existing, status, \
        information, truncates }
WF_DISPOSITION(wf_supersede_new, FILE_SUPERSEDE, false, STATUS_SUCCESS, FILE_CREATED, false);
WF_DISPOSITION(wf_supersede_old, FILE_SUPERSEDE, true, STATUS_SUCCESS, FILE_SUPERSEDED, true);
WF_DISPOSITION(wf_open_new, FILE_OPEN, false, STATUS_OBJECT_NAME_NOT_FOUND, 0, false);
WF_DISPOSITION(wf_open_old, FILE_OPEN, true, STATUS_SUCCESS, FILE_OPENED, false);
WF_DISPOSITION(wf_create_new, FILE_CREATE, false, STATUS_SUCCESS, FILE_CREATED, false);
WF_DISPOSITION(wf_create_old, FILE_CREATE, true, STATUS_OBJECT_NAME_COLLISION, 0, false);
WF_DISPOSITION(wf_open_if_new, FILE_OPEN_IF, false, STATUS_SUCCESS, FILE_CREATED, false);
WF_DISPOSITION(wf_open_if_old, FILE_OPEN_IF, true, STATUS_SUCCESS, FILE_OPENED, false);
WF_DISPOSITION(wf_overwrite_new, FILE_OVERWRITE, false, STATUS_OBJECT_NAME_NOT_FOUND, 0,
    false);
WF_DISPOSITION(wf_overwrite_old, FILE_OVERWRITE, true, STATUS_SUCCESS, FILE_OVERWRITTEN, true);
WF_DISPOSITION(wf_overwrite_if_new, FILE_OVERWRITE_IF, false, STATUS_SUCCESS, FILE_CREATED,
    false);
WF_DISPOSITION(wf_overwrite_if_old, FILE_OVERWRITE_IF, true, STATUS_SUCCESS,
    FILE_OVERWRITTEN, true);

/* ---- directories and paths ------------------------------------------------------------ */

static void wf_case_directory_new(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint32_t information = UINT32_MAX;
    NTSTATUS status;

    (void)param;
    status = wf_check_create(check, "d", FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES |
        SYNCHRONIZE, WF_SHARE_ALL, FILE_CREATE, FILE_DIRECTORY_FILE, FILE_ATTRIBUTE_NORMAL,
        &file, &information);
    if (!wf_check_status(check, STATUS_SUCCESS, status, "FILE_CREATE, FILE_DIRECTORY_FILE") ||
        !wf_check_information(check, FILE_CREATED, information, "Information"))
        return;
    wf_check_close(check, &file);
    if (!wf_check_setup(check, wf_check_stat(check, "d", &info), "open d again"))
        return;
    if (!(info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        wf_check_fail(check, "FILE_ATTRIBUTE_DIRECTORY", "a file", "the new directory");
}

static void wf_case_directory_existing(wf_check *check, const void *param)
{
    uint32_t disposition = (uint32_t)(uintptr_t)param;
    wf_fsd_file *file = NULL;
    uint32_t information = UINT32_MAX;
    NTSTATUS status;

    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d"))
        return;
    status = wf_check_create(check, "d", FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES |
        SYNCHRONIZE, WF_SHARE_ALL, disposition, FILE_DIRECTORY_FILE, FILE_ATTRIBUTE_NORMAL,
        &file, &information);
    if (disposition == FILE_CREATE) {
        wf_check_status(check, STATUS_OBJECT_NAME_COLLISION, status,
            "FILE_CREATE of an existing directory");
        return;
    }
    if (wf_check_status(check, STATUS_SUCCESS, status, "FILE_OPEN_IF of an existing directory"))
        wf_check_information(check, FILE_OPENED, information, "Information");
}

static void wf_case_overwrite_directory(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d"))
        return;
    status = wf_check_create(check, "d", WF_RW, WF_SHARE_ALL, FILE_OVERWRITE_IF, 0,
        FILE_ATTRIBUTE_NORMAL, &file, NULL);
    wf_check_status(check, STATUS_OBJECT_NAME_COLLISION, status,
        "FILE_OVERWRITE_IF of an existing directory");
}

static void wf_case_directory_file_on_file(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt"))
        return;
    wf_check_status(check, STATUS_NOT_A_DIRECTORY, wf_check_open(check, "f.txt",
        FILE_LIST_DIRECTORY, FILE_DIRECTORY_FILE, &file), "FILE_DIRECTORY_FILE on a file");
}

static void wf_case_non_directory_on_directory(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d"))
        return;
    wf_check_status(check, STATUS_FILE_IS_A_DIRECTORY, wf_check_open(check, "d",
        FILE_GENERIC_READ, FILE_NON_DIRECTORY_FILE, &file),
        "FILE_NON_DIRECTORY_FILE on a directory");
}

static void wf_case_missing_intermediate(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;

    (void)param;
    if (!wf_check_status(check, STATUS_OBJECT_PATH_NOT_FOUND, wf_check_create(check,
            "missing\\f.txt", WF_RW, WF_SHARE_ALL, FILE_CREATE, FILE_NON_DIRECTORY_FILE,
            FILE_ATTRIBUTE_NORMAL, &file, NULL), "FILE_CREATE of missing\\f.txt"))
        return;
    wf_check_status(check, STATUS_OBJECT_NAME_NOT_FOUND, wf_check_stat(check, "missing",
        &info), "the missing directory afterwards");
}

static void wf_case_file_as_intermediate(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "x", 1), "make f.txt"))
        return;
    wf_check_status(check, STATUS_OBJECT_PATH_NOT_FOUND, wf_check_create(check,
        "f.txt\\g.txt", WF_RW, WF_SHARE_ALL, FILE_OPEN_IF, FILE_NON_DIRECTORY_FILE,
        FILE_ATTRIBUTE_NORMAL, &file, NULL), "FILE_OPEN_IF of f.txt\\g.txt (f.txt a file)");
}

/* ---- reading and writing ---------------------------------------------------------------- */

static void wf_case_write_read_back(wf_check *check, const void *param)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog.\r\n";
    char buffer[256];
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint32_t written = 0;
    size_t length;

    (void)param;
    if (!wf_check_setup(check, wf_check_create(check, "f.txt", WF_RW, WF_SHARE_ALL,
            FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_ATTRIBUTE_NORMAL, &file, NULL),
            "create f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_write(file, text, 0,
            sizeof text - 1, false, &written, &info), "write at offset 0") ||
        !wf_check_u64(check, sizeof text - 1, written, "bytes written") ||
        !wf_check_u64(check, sizeof text - 1, info.FileSize, "FileSize after the write"))
        return;
    /* Through the same handle, then through a new one. */
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_read_file(file, 0, buffer,
            sizeof buffer, &length), "read through the writing handle") ||
        !wf_check_data(check, text, sizeof text - 1, buffer, length, "the writing handle"))
        return;
    wf_check_close(check, &file);
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_read_name(check, "f.txt", buffer,
            sizeof buffer, &length), "read through a new handle"))
        return;
    wf_check_data(check, text, sizeof text - 1, buffer, length, "a new handle");
}

static void wf_case_write_to_end(wf_check *check, const void *param)
{
    char buffer[64];
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint32_t written = 0;
    size_t length;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "abc", 3), "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", WF_RW, FILE_NON_DIRECTORY_FILE,
            &file), "open f.txt"))
        return;
    for (int i = 0; i < 2; i++) {
        if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_write(file, "def", WF_FSD_WRITE_TO_END,
                3, false, &written, &info), "write at offset -1 (end of file), round %d", i + 1))
            return;
        if (!wf_check_u64(check, 6u + 3u * (unsigned)i, info.FileSize,
                "FileSize after append %d", i + 1))
            return;
    }
    wf_check_close(check, &file);
    if (wf_check_setup(check, wf_check_read_name(check, "f.txt", buffer, sizeof buffer, &length),
            "read f.txt back"))
        wf_check_data(check, "abcdefdef", 9, buffer, length, "after two appends");
}

static void wf_case_write_past_end(wf_check *check, const void *param)
{
    static const char expected[] = "abc\0\0\0\0\0\0\0xyz";
    char buffer[64];
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint32_t written = 0;
    size_t length;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "abc", 3), "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", WF_RW, FILE_NON_DIRECTORY_FILE,
            &file), "open f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_write(file, "xyz", 10, 3, false,
            &written, &info), "write at offset 10 of a 3-byte file") ||
        !wf_check_u64(check, 13, info.FileSize, "FileSize after the write"))
        return;
    wf_check_close(check, &file);
    if (wf_check_setup(check, wf_check_read_name(check, "f.txt", buffer, sizeof buffer, &length),
            "read f.txt back"))
        wf_check_data(check, expected, sizeof expected - 1, buffer, length,
            "the gap reads as zeros");
}

static void wf_case_read_at_end(wf_check *check, const void *param)
{
    char buffer[16];
    wf_fsd_file *file = NULL;
    uint32_t got = 0;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "f.txt", "abc", 3), "make f.txt") ||
        !wf_check_setup(check, wf_check_open(check, "f.txt", FILE_GENERIC_READ,
            FILE_NON_DIRECTORY_FILE, &file), "open f.txt"))
        return;
    if (!wf_check_status(check, STATUS_END_OF_FILE, wf_fsd_read(file, buffer, 3,
            sizeof buffer, &got), "read at offset 3 of a 3-byte file"))
        return;
    wf_check_status(check, STATUS_END_OF_FILE, wf_fsd_read(file, buffer, 1000, sizeof buffer,
        &got), "read at offset 1000 of a 3-byte file");
}

static void wf_case_large_transfer(wf_check *check, const void *param)
{
    /* More than one FUSE WRITE and READ at any max_write a daemon picks up to 1 MiB. */
    const size_t size = 3u * 1024u * 1024u + 7u;
    uint8_t *data = malloc(size), *back = malloc(size);
    wf_fsd_file *file = NULL;
    uint32_t written = 0;
    size_t length = 0;

    (void)param;
    if (data == NULL || back == NULL) {
        wf_check_fail(check, "memory", "none", "allocate 3 MiB");
        goto exit;
    }
    for (size_t i = 0; i < size; i++)
        data[i] = (uint8_t)(i * 7u + i / 4096u);
    if (!wf_check_setup(check, wf_check_create(check, "big.bin", WF_RW, WF_SHARE_ALL,
            FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_ATTRIBUTE_NORMAL, &file, NULL),
            "create big.bin"))
        goto exit;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_write(file, data, 0, (uint32_t)size,
            false, &written, NULL), "one write of %zu bytes", size) ||
        !wf_check_u64(check, size, written, "bytes written in one call"))
        goto exit;
    wf_check_close(check, &file);
    if (!wf_check_setup(check, wf_check_open(check, "big.bin", FILE_GENERIC_READ,
            FILE_NON_DIRECTORY_FILE, &file), "open big.bin"))
        goto exit;
    {
        uint32_t got = 0;
        NTSTATUS status = wf_fsd_read(file, back, 0, (uint32_t)size, &got);
        if (!wf_check_status(check, STATUS_SUCCESS, status, "one read of %zu bytes", size) ||
            !wf_check_u64(check, size, got, "bytes read in one call"))
            goto exit;
        length = got;
    }
    wf_check_data(check, data, size, back, length, "3 MiB read back");
exit:
    free(data);
    free(back);
}

const wf_check_case wf_check_cases_create[] = {
    { "create.file_supersede_new", "FILE_SUPERSEDE on a missing name: FILE_CREATED", true,
        wf_case_disposition, &wf_supersede_new },
    { "create.file_supersede_existing",
        "FILE_SUPERSEDE on a file: FILE_SUPERSEDED, the data gone", true,
        wf_case_disposition, &wf_supersede_old },
    { "create.file_open_new", "FILE_OPEN on a missing name: STATUS_OBJECT_NAME_NOT_FOUND",
        true, wf_case_disposition, &wf_open_new },
    { "create.file_open_existing", "FILE_OPEN on a file: FILE_OPENED, the data kept", true,
        wf_case_disposition, &wf_open_old },
    { "create.file_create_new", "FILE_CREATE on a missing name: FILE_CREATED", true,
        wf_case_disposition, &wf_create_new },
    { "create.file_create_existing",
        "FILE_CREATE on a file: STATUS_OBJECT_NAME_COLLISION, the data kept", true,
        wf_case_disposition, &wf_create_old },
    { "create.file_open_if_new", "FILE_OPEN_IF on a missing name: FILE_CREATED", true,
        wf_case_disposition, &wf_open_if_new },
    { "create.file_open_if_existing", "FILE_OPEN_IF on a file: FILE_OPENED, the data kept",
        true, wf_case_disposition, &wf_open_if_old },
    { "create.file_overwrite_new",
        "FILE_OVERWRITE on a missing name: STATUS_OBJECT_NAME_NOT_FOUND", true,
        wf_case_disposition, &wf_overwrite_new },
    { "create.file_overwrite_existing",
        "FILE_OVERWRITE on a file: FILE_OVERWRITTEN, the data gone", true,
        wf_case_disposition, &wf_overwrite_old },
    { "create.file_overwrite_if_new", "FILE_OVERWRITE_IF on a missing name: FILE_CREATED",
        true, wf_case_disposition, &wf_overwrite_if_new },
    { "create.file_overwrite_if_existing",
        "FILE_OVERWRITE_IF on a file: FILE_OVERWRITTEN, the data gone", true,
        wf_case_disposition, &wf_overwrite_if_old },
    { "create.directory_new",
        "FILE_CREATE with FILE_DIRECTORY_FILE: FILE_CREATED, a directory", true,
        wf_case_directory_new, NULL },
    { "create.directory_create_existing",
        "FILE_CREATE of an existing directory: STATUS_OBJECT_NAME_COLLISION", true,
        wf_case_directory_existing, (const void *)(uintptr_t)FILE_CREATE },
    { "create.directory_open_if_existing",
        "FILE_OPEN_IF of an existing directory: FILE_OPENED", true,
        wf_case_directory_existing, (const void *)(uintptr_t)FILE_OPEN_IF },
    { "create.overwrite_directory",
        "FILE_OVERWRITE_IF of a directory: STATUS_OBJECT_NAME_COLLISION", true,
        wf_case_overwrite_directory, NULL },
    { "create.directory_file_on_file",
        "FILE_DIRECTORY_FILE on a file: STATUS_NOT_A_DIRECTORY", true,
        wf_case_directory_file_on_file, NULL },
    { "create.non_directory_file_on_directory",
        "FILE_NON_DIRECTORY_FILE on a directory: STATUS_FILE_IS_A_DIRECTORY", true,
        wf_case_non_directory_on_directory, NULL },
    { "create.missing_intermediate",
        "a missing directory in the path: STATUS_OBJECT_PATH_NOT_FOUND, nothing made", true,
        wf_case_missing_intermediate, NULL },
    { "create.file_as_intermediate",
        "a file used as a directory in the path: STATUS_OBJECT_PATH_NOT_FOUND", true,
        wf_case_file_as_intermediate, NULL },
    { NULL, NULL, false, NULL, NULL },
};

const wf_check_case wf_check_cases_io[] = {
    { "io.write_read_back", "written data reads back, through the handle and a new one",
        true, wf_case_write_read_back, NULL },
    { "io.write_to_end", "a write at offset -1 (FILE_WRITE_TO_END_OF_FILE) appends", true,
        wf_case_write_to_end, NULL },
    { "io.write_past_end", "a write past the end grows the file; the gap reads as zeros",
        true, wf_case_write_past_end, NULL },
    { "io.read_at_end", "a read at or past the end: STATUS_END_OF_FILE", true,
        wf_case_read_at_end, NULL },
    { "io.large_transfer", "3 MiB in one write and one read, split by max_write", true,
        wf_case_large_transfer, NULL },
    { NULL, NULL, false, NULL, NULL },
};
