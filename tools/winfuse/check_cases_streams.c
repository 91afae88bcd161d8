/* check_cases_streams.c — the named-stream cases of `winfuse check`: a stream beside the
   file's data, listed, deleted alone, and the names NTFS refuses. A file system that keeps
   no streams (no xattrs, or -o streams=off) is a limit: the cases skip. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"
#include "winfuse/ntstatus.h"

static const char wf_main_data[] = "main data";
static const char wf_stream_data[] = "stream data";

/* Whether the file system keeps xattrs at all: st.txt's EA query works (none is fine). */
static bool wf_xattrs_work(wf_check *check)
{
    wf_fsd_file *file = NULL;
    uint8_t buffer[256];
    uint32_t bytes = 0;
    NTSTATUS status = wf_check_open(check, "st.txt", FILE_READ_EA | SYNCHRONIZE, 0, &file);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_query_ea(file, buffer, sizeof buffer, &bytes);
    wf_check_close(check, &file);
    return status == STATUS_SUCCESS || status == STATUS_NO_EAS_ON_FILE ||
        status == STATUS_BUFFER_OVERFLOW || status == STATUS_BUFFER_TOO_SMALL;
}

/* The file and its stream; false (the case skipped or failed) when they cannot be made. */
static bool wf_make_stream(wf_check *check)
{
    NTSTATUS status;

    if (!wf_check_setup(check, wf_check_make_file(check, "st.txt", wf_main_data,
            sizeof wf_main_data - 1), "make st.txt"))
        return false;
    status = wf_check_make_file(check, "st.txt:alt", wf_stream_data,
        sizeof wf_stream_data - 1);
    if (status == STATUS_OBJECT_NAME_INVALID) {
        wf_check_skip(check, "no named streams (no xattrs, or -o streams=off): %s",
            "st.txt:alt is STATUS_OBJECT_NAME_INVALID");
        return false;
    }
    if (status != STATUS_SUCCESS && !wf_xattrs_work(check)) {
        /* rclone answers every xattr request EIO: no xattrs, whatever the errno. */
        wf_check_skip(check, "no xattrs: st.txt:alt is %s, and so is st.txt's EA query",
            wf_ntstatus_name(status));
        return false;
    }
    return wf_check_status(check, STATUS_SUCCESS, status, "create st.txt:alt and write it");
}

static void wf_case_stream_beside_data(wf_check *check, const void *param)
{
    char buffer[64];
    size_t length = 0;

    (void)param;
    if (!wf_make_stream(check))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_read_name(check, "st.txt:alt",
            buffer, sizeof buffer, &length), "read st.txt:alt") ||
        !wf_check_data(check, wf_stream_data, sizeof wf_stream_data - 1, buffer, length,
            "st.txt:alt's data") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_check_read_name(check,
            "st.txt:alt:$DATA", buffer, sizeof buffer, &length), "read st.txt:alt:$DATA") ||
        !wf_check_data(check, wf_stream_data, sizeof wf_stream_data - 1, buffer, length,
            "st.txt:alt:$DATA's data") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_check_read_name(check, "st.txt",
            buffer, sizeof buffer, &length), "read st.txt"))
        return;
    wf_check_data(check, wf_main_data, sizeof wf_main_data - 1, buffer, length,
        "st.txt's own data, untouched");
}

typedef struct wf_stream_seen {
    bool data, alt;
    uint64_t data_size, alt_size;
    unsigned count;
} wf_stream_seen;

static bool wf_stream_seen_add(void *ctx, const char *name, uint64_t size, uint64_t allocation)
{
    wf_stream_seen *seen = ctx;
    (void)allocation;
    seen->count++;
    if (strcmp(name, "::$DATA") == 0) {
        seen->data = true;
        seen->data_size = size;
    } else if (strcmp(name, ":alt:$DATA") == 0) {
        seen->alt = true;
        seen->alt_size = size;
    }
    return true;
}

static void wf_case_stream_listed_and_deleted(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    wf_stream_seen seen = { 0 };
    char buffer[64];
    size_t length = 0;

    (void)param;
    if (!wf_make_stream(check) ||
        !wf_check_status(check, STATUS_SUCCESS, wf_check_open(check, "st.txt",
            FILE_READ_ATTRIBUTES | SYNCHRONIZE, 0, &file), "open st.txt") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_streams(file,
            wf_stream_seen_add, &seen), "FileStreamInformation of st.txt"))
        return;
    wf_check_close(check, &file);
    if (!seen.data || !seen.alt || seen.count != 2) {
        wf_check_fail(check, "::$DATA, :alt:$DATA", seen.alt ? "other streams" : "no :alt",
            "FileStreamInformation lists %u streams", seen.count);
        return;
    }
    if (!wf_check_u64(check, sizeof wf_main_data - 1, seen.data_size, "::$DATA's size") ||
        !wf_check_u64(check, sizeof wf_stream_data - 1, seen.alt_size, ":alt:$DATA's size"))
        return;
    /* FILE_DELETE_ON_CLOSE on the stream: the stream goes, the file stays. */
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_create(check, "st.txt:alt",
            DELETE | SYNCHRONIZE, WF_SHARE_ALL, FILE_OPEN, FILE_DELETE_ON_CLOSE, 0, &file,
            NULL), "open st.txt:alt FILE_DELETE_ON_CLOSE"))
        return;
    wf_check_close(check, &file);
    if (!wf_check_status(check, STATUS_OBJECT_NAME_NOT_FOUND, wf_check_read_name(check,
            "st.txt:alt", buffer, sizeof buffer, &length), "open the deleted stream"))
        return;
    wf_check_status(check, STATUS_SUCCESS, wf_check_read_name(check, "st.txt", buffer,
        sizeof buffer, &length), "open st.txt after its stream's deletion");
}

/* Names NTFS refuses, whatever the file system: no request reaches it. */
static void wf_case_stream_names_invalid(wf_check *check, const void *param)
{
    static const char *const invalid[] = { "st.txt:", "st.txt:s:$FOO", "st.txt:a*b" };
    wf_fsd_file *file = NULL;

    (void)param;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        if (!wf_check_status(check, STATUS_OBJECT_NAME_INVALID, wf_check_create(check,
                invalid[i], FILE_GENERIC_READ, WF_SHARE_ALL, FILE_OPEN_IF, 0, 0, &file, NULL),
                "create %s", invalid[i]))
            return;
}

const wf_check_case wf_check_cases_streams[] = {
    { "streams.beside_data", "file:alt holds its own data; file's data is untouched; "
        "file:alt:$DATA is the same stream", true, wf_case_stream_beside_data, NULL },
    { "streams.listed_deleted", "FileStreamInformation lists ::$DATA and :alt:$DATA with "
        "their sizes; FILE_DELETE_ON_CLOSE on the stream deletes it alone", true,
        wf_case_stream_listed_and_deleted, NULL },
    { "streams.names_invalid", "file:, file:s:$FOO, file:a*b give STATUS_OBJECT_NAME_INVALID",
        true, wf_case_stream_names_invalid, NULL },
    { 0 },
};
