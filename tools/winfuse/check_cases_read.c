/* check_cases_read.c — the read-side cases of `winfuse check`: they change nothing, so they
   also run on a read-only file system, on what it holds (the root, and the first file
   found); on a writable one, on a sample the check makes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

#define WF_LIST_ACCESS (FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES)
/* The most of the sample a case reads, and the most entries it opens one by one. */
#define WF_READ_LIMIT (4u * 1024u * 1024u)
#define WF_STAT_LIMIT 64u

static bool wf_need_sample(wf_check *check)
{
    if (check->sample[0] != '\0')
        return true;
    wf_check_skip(check, "no file found to read");
    return false;
}

static void wf_case_open_root(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint32_t information = UINT32_MAX;

    (void)param;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_create(check, "\\", WF_LIST_ACCESS |
            SYNCHRONIZE, WF_SHARE_ALL, FILE_OPEN, FILE_DIRECTORY_FILE, 0, &file, &information),
            "open \\ with FILE_DIRECTORY_FILE") ||
        !wf_check_information(check, FILE_OPENED, information, "Information") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_info(file, &info),
            "query the root"))
        return;
    if (!(info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        wf_check_fail(check, "FILE_ATTRIBUTE_DIRECTORY", "a file", "the root's attributes");
}

static void wf_case_root_no_dots(wf_check *check, const void *param)
{
    wf_check_list list = { 0 };
    NTSTATUS status;

    (void)param;
    status = wf_check_list_dir(check, "\\", "*", &list);
    if (status == STATUS_NO_SUCH_FILE)
        status = STATUS_SUCCESS;        /* an empty root */
    if (wf_check_status(check, STATUS_SUCCESS, status, "list \\") &&
        (wf_check_list_count(&list, ".") || wf_check_list_count(&list, "..")))
        wf_check_fail(check, "no . or ..", "listed", "the root lists no . and .. (as NTFS)");
    wf_check_list_free(&list);
}

/* Every entry listed opens, and what it says of itself agrees with the listing. */
static void wf_case_list_and_open(wf_check *check, const void *param)
{
    wf_check_list list = { 0 };
    NTSTATUS status;
    size_t opened = 0;

    (void)param;
    status = wf_check_list_dir(check, NULL, "*", &list);
    if (status == STATUS_NO_SUCH_FILE) {
        wf_check_skip(check, "an empty directory");
        goto exit;
    }
    if (!wf_check_status(check, STATUS_SUCCESS, status, "list %s", wf_check_path(check, NULL)))
        goto exit;
    for (size_t i = 0; i < list.count && opened < WF_STAT_LIMIT; i++) {
        const wf_check_entry *entry = &list.entries[i];
        FSP_FSCTL_FILE_INFO info;
        bool listed_dir = (entry->info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;

        if (strcmp(entry->name, ".") == 0 || strcmp(entry->name, "..") == 0)
            continue;
        opened++;
        if (!wf_check_status(check, STATUS_SUCCESS, wf_check_stat(check, entry->name, &info),
                "open %s, as listed", entry->name))
            goto exit;
        if (listed_dir != ((info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0)) {
            wf_check_fail(check, listed_dir ? "a directory" : "a file",
                listed_dir ? "a file" : "a directory", "%s opened, against its listing",
                entry->name);
            goto exit;
        }
        if (!listed_dir && !wf_check_u64(check, entry->info.FileSize, info.FileSize,
                "the size of %s opened, against its listing", entry->name))
            goto exit;
    }
    wf_check_note(check, "%zu opened", opened);
exit:
    wf_check_list_free(&list);
}

static void wf_case_file_contents(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint8_t *buffer = NULL;
    size_t length = 0, want;

    (void)param;
    if (!wf_need_sample(check))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_open(check, check->sample,
            FILE_GENERIC_READ, FILE_NON_DIRECTORY_FILE, &file), "open %s for reading",
            check->sample) ||
        !wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_info(file, &info),
            "query %s", check->sample))
        return;
    want = info.FileSize < WF_READ_LIMIT ? (size_t)info.FileSize : WF_READ_LIMIT;
    buffer = malloc(want + 1);
    if (buffer == NULL) {
        wf_check_fail(check, "memory", "none", "a buffer for %s", check->sample);
        return;
    }
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_read_file(file, 0, buffer, want,
            &length), "read %s", check->sample) ||
        !wf_check_u64(check, want, length, "bytes read from %s (FileSize %llu)",
            check->sample, (unsigned long long)info.FileSize))
        goto exit;
    if (check->sample_data != NULL)
        wf_check_data(check, check->sample_data, strlen(check->sample_data), buffer, length,
            check->sample);
    else
        wf_check_note(check, "%s: %zu bytes", check->sample, length);
exit:
    free(buffer);
}

static void wf_case_end_of_file(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    char buffer[16];
    uint32_t got = 0;

    (void)param;
    if (!wf_need_sample(check))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_open(check, check->sample,
            FILE_GENERIC_READ, FILE_NON_DIRECTORY_FILE, &file), "open %s for reading",
            check->sample) ||
        !wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_info(file, &info),
            "query %s", check->sample))
        return;
    wf_check_status(check, STATUS_END_OF_FILE, wf_fsd_read(file, buffer, info.FileSize,
        sizeof buffer, &got), "a read at the end of %s", check->sample);
}

static void wf_case_missing(wf_check *check, const void *param)
{
    bool intermediate = param != NULL;
    wf_fsd_file *file = NULL;

    wf_check_status(check, intermediate ? STATUS_OBJECT_PATH_NOT_FOUND :
        STATUS_OBJECT_NAME_NOT_FOUND, wf_check_open(check, intermediate ?
        "winfuse-check-missing\\f.txt" : "winfuse-check-missing", FILE_READ_ATTRIBUTES, 0,
        &file), intermediate ? "open a name under a missing directory" :
        "open a missing name");
}

static void wf_case_list_no_such_file(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    wf_check_list list = { 0 };

    (void)param;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_open(check, NULL, WF_LIST_ACCESS,
            FILE_DIRECTORY_FILE, &file), "open %s", wf_check_path(check, NULL)))
        return;
    wf_check_status(check, STATUS_NO_SUCH_FILE, wf_fsd_query_directory_once(file,
        "winfuse-check-nomatch*", WF_FSD_RESTART_SCAN, wf_check_list_add, &list),
        "the first call, with a pattern that matches nothing");
    wf_check_list_free(&list);
}

/* One entry per call with ReturnSingleEntry, then STATUS_NO_MORE_FILES. */
static bool wf_one_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    size_t *taken = ctx;
    (void)name;
    (void)info;
    ++*taken;
    return true;
}

static void wf_case_list_single(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    wf_check_list all = { 0 };
    NTSTATUS status;
    size_t calls = 0;

    (void)param;
    status = wf_check_list_dir(check, NULL, "*", &all);
    if (status == STATUS_NO_SUCH_FILE) {
        wf_check_skip(check, "an empty directory");
        goto exit;
    }
    if (!wf_check_status(check, STATUS_SUCCESS, status, "list %s", wf_check_path(check, NULL)) ||
        !wf_check_status(check, STATUS_SUCCESS, wf_check_open(check, NULL, WF_LIST_ACCESS,
            FILE_DIRECTORY_FILE, &file), "open %s", wf_check_path(check, NULL)))
        goto exit;
    for (uint32_t flags = WF_FSD_RESTART_SCAN | WF_FSD_RETURN_SINGLE_ENTRY;;
         flags = WF_FSD_RETURN_SINGLE_ENTRY) {
        size_t taken = 0;

        status = wf_fsd_query_directory_once(file, "*", flags, wf_one_entry, &taken);
        if (status == STATUS_NO_MORE_FILES)
            break;
        if (!wf_check_status(check, STATUS_SUCCESS, status, "call %zu", calls + 1) ||
            !wf_check_u64(check, 1, taken, "entries in call %zu", calls + 1))
            goto exit;
        if (++calls > all.count)
            break;
    }
    wf_check_u64(check, all.count, calls, "calls of one entry, against the whole listing");
exit:
    wf_check_list_free(&all);
}

static void wf_case_volume_query(wf_check *check, const void *param)
{
    FSP_FSCTL_VOLUME_INFO volume;

    (void)param;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_volume(check->fsd, &volume),
            "QueryVolumeInformation"))
        return;
    if (volume.FreeSize > volume.TotalSize)
        wf_check_u64(check, volume.TotalSize, volume.FreeSize,
            "free space at most the total size");
    else
        wf_check_note(check, "%llu of %llu bytes free", (unsigned long long)volume.FreeSize,
            (unsigned long long)volume.TotalSize);
}

static void wf_case_flush_volume(wf_check *check, const void *param)
{
    (void)param;
    wf_check_status(check, STATUS_SUCCESS, wf_fsd_flush(check->fsd, NULL, NULL),
        "FlushBuffers of the volume");
}

const wf_check_case wf_check_cases_read[] = {
    { "read.open_root", "the root opens as a directory: FILE_OPENED", false,
        wf_case_open_root, NULL },
    { "read.root_no_dot_entries", "the root lists no . and .., as on NTFS", false,
        wf_case_root_no_dots, NULL },
    { "read.list_and_open", "each entry listed opens, with the size and type listed", false,
        wf_case_list_and_open, NULL },
    { "read.file_contents", "a file reads whole: as many bytes as its FileSize", false,
        wf_case_file_contents, NULL },
    { "read.end_of_file", "a read at the end of a file: STATUS_END_OF_FILE", false,
        wf_case_end_of_file, NULL },
    { "read.missing_name", "a missing name: STATUS_OBJECT_NAME_NOT_FOUND", false,
        wf_case_missing, NULL },
    { "read.missing_intermediate", "a name under a missing directory: "
        "STATUS_OBJECT_PATH_NOT_FOUND", false, wf_case_missing, "intermediate" },
    { "read.list_no_such_file", "a pattern that matches nothing: STATUS_NO_SUCH_FILE", false,
        wf_case_list_no_such_file, NULL },
    { "read.list_single_entry", "ReturnSingleEntry: one per call, then "
        "STATUS_NO_MORE_FILES", false, wf_case_list_single, NULL },
    { "volume.query", "QueryVolumeInformation: sizes, free at most total", false,
        wf_case_volume_query, NULL },
    { "flush.volume", "FlushBuffers of the volume succeeds", false, wf_case_flush_volume,
        NULL },
    { NULL, NULL, false, NULL, NULL },
};
