/* test_fsd.c — the FSD stand-in against a fake file system that checks the requests it builds
   and answers them, inside submit or later from another thread. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "engine/mappings.h"
#include "host/linux/fsd.h"
#include "winfuse/nt_constants.h"

#define LOG_MAX 256
#define PENDING_MAX 64
#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

/* ---- the fake file system -------------------------------------------------------------- */

typedef struct fake_fs {
    wf_fsd *fsd;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    FSP_FSCTL_TRANSACT_REQ *log[LOG_MAX];   /* copies of every request, in order */
    size_t logged;
    bool defer;                             /* queue requests for answer_pending() */
    FSP_FSCTL_TRANSACT_REQ *pending[PENDING_MAX];
    size_t pending_count;
    size_t max_pending;
    uint64_t opens;
    NTSTATUS create_status;
    uint32_t granted_access;                /* 0: grant what was asked */
    uint64_t file_size;
    const char *const *entries;             /* the listing of every directory */
    size_t entry_count;
    size_t per_response;                    /* entries per QueryDirectory response */
    bool end_record;                        /* end the listing with a Size 0 record */
    bool bad_record;                        /* answer QueryDirectory with a truncated record */
} fake_fs;

static size_t utf16_of(const char *utf8, uint16_t *out, size_t cap)
{
    size_t n = 0;
    assert_int_equal(wf_utf8_to_utf16(utf8, strlen(utf8), out, cap, &n), STATUS_SUCCESS);
    return n;
}

static const uint16_t *request_name(const FSP_FSCTL_TRANSACT_REQ *req)
{
    return (const uint16_t *)(const void *)(req->Buffer + req->FileName.Offset);
}

/* True when the request's FileName is utf8 in UTF-16 with WinFsp's terminating NUL. */
static bool request_name_is(const FSP_FSCTL_TRANSACT_REQ *req, const char *utf8)
{
    uint16_t expect[1100];
    size_t n = utf16_of(utf8, expect, 1100);
    return req->FileName.Size == (n + 1) * 2 &&
        memcmp(request_name(req), expect, n * 2) == 0 && request_name(req)[n] == 0;
}

static bool fake_is_directory(const FSP_FSCTL_TRANSACT_REQ *req)
{
    const uint16_t *name = request_name(req);
    size_t units = req->FileName.Size / 2 - 1;
    return units == 1 || (units >= 4 && name[1] == 'd' && name[2] == 'i' && name[3] == 'r');
}

static void fake_answer_directory(fake_fs *fake, const FSP_FSCTL_TRANSACT_REQ *req,
    FSP_FSCTL_TRANSACT_RSP *rsp)
{
    uint8_t *buffer = (uint8_t *)(uintptr_t)req->Req.QueryDirectory.Address;
    size_t used = 0, index = 0, sent = 0;

    if (req->Req.QueryDirectory.Marker.Size == 8)
        memcpy(&index, req->Buffer + req->Req.QueryDirectory.Marker.Offset, 8);
    if (fake->bad_record) {
        uint16_t size = 50;
        memcpy(buffer, &size, 2);
        rsp->IoStatus.Information = 64;
        return;
    }
    for (; index < fake->entry_count && sent < fake->per_response; index++, sent++) {
        uint16_t name[300];
        size_t units = utf16_of(fake->entries[index], name, 300);
        size_t size = sizeof(FSP_FSCTL_DIR_INFO) + units * 2;
        FSP_FSCTL_DIR_INFO info;
        if (used + ALIGN8(size) > req->Req.QueryDirectory.Length)
            break;
        memset(&info, 0, sizeof info);
        info.Size = (uint16_t)size;
        info.FileInfo.FileAttributes = FILE_ATTRIBUTE_ARCHIVE;
        info.FileInfo.FileSize = 100 + index;
        info.FileInfo.IndexNumber = index;
        info.NextOffset = index + 1;
        memcpy(buffer + used, &info, sizeof info);
        memcpy(buffer + used + sizeof info, name, units * 2);
        used += ALIGN8(size);
    }
    if (index == fake->entry_count && fake->end_record &&
        used + 2 <= req->Req.QueryDirectory.Length) {
        memset(buffer + used, 0, 2);
        used += 2;
    }
    rsp->IoStatus.Information = (uint32_t)used;
}

static void fake_answer(fake_fs *fake, const FSP_FSCTL_TRANSACT_REQ *req,
    FSP_FSCTL_TRANSACT_RSP *rsp)
{
    memset(rsp, 0, sizeof *rsp);
    rsp->Version = sizeof *rsp;
    rsp->Size = sizeof *rsp;
    rsp->Kind = req->Kind;
    rsp->Hint = req->Hint;
    switch (req->Kind) {
    case FspFsctlTransactCreateKind:
        rsp->IoStatus.Status = (uint32_t)fake->create_status;
        if (fake->create_status != STATUS_SUCCESS)
            break;
        pthread_mutex_lock(&fake->lock);
        fake->opens++;
        rsp->Rsp.Create.Opened.UserContext = 0x1000 + fake->opens;
        rsp->Rsp.Create.Opened.UserContext2 = 0x2000 + fake->opens;
        pthread_mutex_unlock(&fake->lock);
        rsp->Rsp.Create.Opened.GrantedAccess = fake->granted_access ? fake->granted_access :
            req->Req.Create.DesiredAccess;
        rsp->Rsp.Create.Opened.FileInfo.FileAttributes = fake_is_directory(req) ?
            FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_ARCHIVE;
        rsp->IoStatus.Information = FILE_OPENED;
        break;
    case FspFsctlTransactReadKind: {
        uint8_t *dst = (uint8_t *)(uintptr_t)req->Req.Read.Address;
        uint64_t n;
        if (req->Req.Read.Offset >= fake->file_size) {
            rsp->IoStatus.Status = (uint32_t)STATUS_END_OF_FILE;
            break;
        }
        n = fake->file_size - req->Req.Read.Offset;
        if (n > req->Req.Read.Length)
            n = req->Req.Read.Length;
        for (uint64_t i = 0; i < n; i++)
            dst[i] = (uint8_t)(req->Req.Read.Offset + i);
        rsp->IoStatus.Information = (uint32_t)n;
        break;
    }
    case FspFsctlTransactQueryInformationKind:
        rsp->Rsp.QueryInformation.FileInfo.FileSize = 1234;
        rsp->Rsp.QueryInformation.FileInfo.IndexNumber = req->Req.QueryInformation.UserContext;
        break;
    case FspFsctlTransactQueryVolumeInformationKind:
        rsp->Rsp.QueryVolumeInformation.VolumeInfo.TotalSize = 1u << 30;
        rsp->Rsp.QueryVolumeInformation.VolumeInfo.FreeSize = 1u << 20;
        rsp->Rsp.QueryVolumeInformation.VolumeInfo.VolumeLabelLength = 2;
        rsp->Rsp.QueryVolumeInformation.VolumeInfo.VolumeLabel[0] = 'F';
        break;
    case FspFsctlTransactQueryDirectoryKind:
        fake_answer_directory(fake, req, rsp);
        break;
    default:
        break;
    }
}

static void fake_submit(void *ctx, const FSP_FSCTL_TRANSACT_REQ *request)
{
    fake_fs *fake = ctx;
    FSP_FSCTL_TRANSACT_REQ *copy = malloc(FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    FSP_FSCTL_TRANSACT_RSP rsp;
    bool defer;

    assert_non_null(copy);
    assert_true(request->Size >= sizeof *request && request->Size <= FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    memcpy(copy, request, request->Size);
    pthread_mutex_lock(&fake->lock);
    assert_true(fake->logged < LOG_MAX);
    fake->log[fake->logged++] = copy;
    defer = fake->defer;
    if (defer) {
        assert_true(fake->pending_count < PENDING_MAX);
        fake->pending[fake->pending_count++] = copy;
        if (fake->pending_count > fake->max_pending)
            fake->max_pending = fake->pending_count;
        pthread_cond_broadcast(&fake->changed);
    }
    pthread_mutex_unlock(&fake->lock);
    if (!defer) {
        fake_answer(fake, copy, &rsp);
        wf_fsd_complete(fake->fsd, &rsp);
    }
}

/* Waits (up to 5 s) until count requests are pending, then answers every pending one, last
   first. Returns how many were pending when it answered. */
static size_t fake_answer_pending(fake_fs *fake, size_t count)
{
    struct timespec deadline;
    size_t answered;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&fake->lock);
    while (fake->pending_count < count &&
        pthread_cond_timedwait(&fake->changed, &fake->lock, &deadline) != ETIMEDOUT)
        ;
    answered = fake->pending_count;
    while (fake->pending_count > 0) {
        FSP_FSCTL_TRANSACT_REQ *req = fake->pending[--fake->pending_count];
        FSP_FSCTL_TRANSACT_RSP rsp;
        pthread_mutex_unlock(&fake->lock);
        fake_answer(fake, req, &rsp);
        wf_fsd_complete(fake->fsd, &rsp);
        pthread_mutex_lock(&fake->lock);
    }
    pthread_mutex_unlock(&fake->lock);
    return answered;
}

static int setup(void **state)
{
    fake_fs *fake = calloc(1, sizeof *fake);
    assert_non_null(fake);
    pthread_mutex_init(&fake->lock, NULL);
    pthread_cond_init(&fake->changed, NULL);
    fake->create_status = STATUS_SUCCESS;
    fake->file_size = 100000;
    fake->per_response = 1000;
    fake->end_record = true;
    fake->fsd = wf_fsd_create(fake_submit, fake);
    assert_non_null(fake->fsd);
    *state = fake;
    return 0;
}

static int teardown(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_delete(fake->fsd);
    for (size_t i = 0; i < fake->logged; i++)
        free(fake->log[i]);
    pthread_cond_destroy(&fake->changed);
    pthread_mutex_destroy(&fake->lock);
    free(fake);
    return 0;
}

static const FSP_FSCTL_TRANSACT_REQ *last_request(fake_fs *fake)
{
    assert_true(fake->logged > 0);
    return fake->log[fake->logged - 1];
}

static wf_fsd_file *open_or_fail(fake_fs *fake, const char *path, uint32_t access,
    uint32_t share, uint32_t disposition, uint32_t options)
{
    wf_fsd_file *file = NULL;
    assert_int_equal(wf_fsd_create_file(fake->fsd, path, access, 0, share, disposition,
        options, 0, &file, NULL), STATUS_SUCCESS);
    assert_non_null(file);
    return file;
}

static NTSTATUS try_open(fake_fs *fake, const char *path, uint32_t access, uint32_t share,
    uint32_t disposition, wf_fsd_file **file)
{
    return wf_fsd_create_file(fake->fsd, path, access, 0, share, disposition, 0, 0, file, NULL);
}

/* ---- Create ---------------------------------------------------------------------------- */

static void create_builds_the_request_as_winfsp_fsd_does(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;
    uint32_t information = 99;
    const FSP_FSCTL_TRANSACT_REQ *req;

    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\dir\\file.txt", GENERIC_READ,
        FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_ARCHIVE, FILE_SHARE_READ | FILE_SHARE_WRITE,
        FILE_OPEN_IF, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, 4096,
        &file, &information), STATUS_SUCCESS);
    assert_non_null(file);
    assert_int_equal(information, FILE_OPENED);

    req = last_request(fake);
    assert_int_equal(req->Version, sizeof(FSP_FSCTL_TRANSACT_REQ));
    assert_int_equal(req->Kind, FspFsctlTransactCreateKind);
    assert_int_not_equal(req->Hint, 0);
    assert_int_equal(req->FileName.Offset, 0);
    assert_int_equal(req->FileName.Size, (13 + 1) * 2);
    assert_true(request_name_is(req, "\\dir\\file.txt"));
    assert_int_equal(req->Size, sizeof(FSP_FSCTL_TRANSACT_REQ) + ALIGN8((13 + 1) * 2));
    assert_int_equal(req->Req.Create.CreateOptions,
        (FILE_OPEN_IF << 24) | FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
    assert_int_equal(req->Req.Create.DesiredAccess, FILE_GENERIC_READ);
    assert_int_equal(req->Req.Create.GrantedAccess, 0);
    assert_int_equal(req->Req.Create.ShareAccess, FILE_SHARE_READ | FILE_SHARE_WRITE);
    /* NORMAL is dropped as WinFsp does; what remains goes to a new file. */
    assert_int_equal(req->Req.Create.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    assert_int_equal(req->Req.Create.AllocationSize, 4096);
    assert_int_equal(req->Req.Create.AccessToken, 0);
    assert_int_equal(req->Req.Create.UserMode, 1);
    assert_int_equal(req->Req.Create.CaseSensitive, 1);
    assert_int_equal(req->Req.Create.HasTrailingBackslash, 0);
    assert_int_equal(req->Req.Create.SecurityDescriptor.Size, 0);
    assert_int_equal(req->Req.Create.Ea.Size, 0);

    assert_int_equal(wf_fsd_close(file), STATUS_SUCCESS);
}

static void create_of_a_directory_sets_the_directory_attribute(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, FILE_SHARE_READ,
        FILE_OPEN_IF, FILE_DIRECTORY_FILE);
    const FSP_FSCTL_TRANSACT_REQ *req = last_request(fake);
    assert_int_equal(req->Req.Create.FileAttributes, FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(req->Req.Create.CreateOptions, (FILE_OPEN_IF << 24) | FILE_DIRECTORY_FILE);
    wf_fsd_close(file);
}

static void create_passes_non_ascii_names_as_utf16(void **state)
{
    fake_fs *fake = *state;
    static const uint16_t expect[] = { '\\', 0x00e9, 0x20ac, 0xd83d, 0xde00, 0 };
    wf_fsd_file *file = open_or_fail(fake, "\\\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
        FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    const FSP_FSCTL_TRANSACT_REQ *req = last_request(fake);
    assert_int_equal(req->FileName.Size, sizeof expect);
    assert_memory_equal(request_name(req), expect, sizeof expect);
    wf_fsd_close(file);
}

static void trailing_backslash_is_removed_and_flagged(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\dir\\sub\\", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    const FSP_FSCTL_TRANSACT_REQ *req = last_request(fake);
    assert_true(request_name_is(req, "\\dir\\sub"));
    assert_int_equal(req->Req.Create.HasTrailingBackslash, 1);
    wf_fsd_close(file);

    file = open_or_fail(fake, "\\", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    req = last_request(fake);
    assert_true(request_name_is(req, "\\"));
    assert_int_equal(req->Req.Create.HasTrailingBackslash, 0);
    wf_fsd_close(file);
}

static void leading_double_backslash_counts_as_one(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\\\file", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    assert_true(request_name_is(last_request(fake), "\\file"));
    wf_fsd_close(file);
}

static void invalid_names_never_reach_the_file_system(void **state)
{
    fake_fs *fake = *state;
    static const char *const invalid[] = {
        "", "file", "dir\\file", "\\a\\\\b", "\\a\\b\\\\", "\\a<b", "\\a>b", "\\a:b",
        "\\a\"b", "\\a/b", "\\a|b", "\\a?b", "\\a*b", "\\a\001b", "\\a\x1f", "\\.",
        "\\..", "\\a\\.\\b", "\\a\\..", "\\..\\a", "\\a\\.\\", "\\\xff", "\\\xc3",
        "\\\xed\xa0\x80",
    };
    char long_component[300], long_path[1100];
    wf_fsd_file *file = (wf_fsd_file *)(uintptr_t)1;

    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        assert_int_equal(try_open(fake, invalid[i], FILE_READ_DATA, 0, FILE_OPEN, &file),
            STATUS_OBJECT_NAME_INVALID);
        assert_null(file);
    }
    /* A component of 256 units is too long; the whole path is bounded by
       FSP_FSCTL_TRANSACT_PATH_SIZEMAX with its terminating NUL. */
    long_component[0] = '\\';
    memset(long_component + 1, 'x', 256);
    long_component[257] = '\0';
    assert_int_equal(try_open(fake, long_component, FILE_READ_DATA, 0, FILE_OPEN, &file),
        STATUS_OBJECT_NAME_INVALID);
    for (size_t i = 0; i < 1024; i++)
        long_path[i] = (i % 100 == 0) ? '\\' : 'p';
    long_path[1024] = '\0';
    assert_int_equal(try_open(fake, long_path, FILE_READ_DATA, 0, FILE_OPEN, &file),
        STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(fake->logged, 0);

    /* The same limits, just met, are valid. */
    long_component[256] = '\0';
    file = open_or_fail(fake, long_component, FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_close(file);
    long_path[1023] = '\0';
    file = open_or_fail(fake, long_path, FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    assert_int_equal(last_request(fake)->FileName.Size, FSP_FSCTL_TRANSACT_PATH_SIZEMAX);
    wf_fsd_close(file);
}

static void names_with_dots_and_spaces_that_are_not_dot_components_are_valid(void **state)
{
    fake_fs *fake = *state;
    static const char *const valid[] = { "\\...", "\\.a", "\\a.", "\\a b", "\\a..b", "\\~1" };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        wf_fsd_file *file = open_or_fail(fake, valid[i], FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
        assert_true(request_name_is(last_request(fake), valid[i]));
        wf_fsd_close(file);
    }
}

static void create_parameters_are_checked_before_any_request(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;

    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\a", FILE_READ_DATA, 0, 0, FILE_OPEN,
        FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE, 0, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\a", FILE_READ_DATA, 0, 0,
        FILE_OVERWRITE_IF, FILE_DIRECTORY_FILE, 0, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\a", FILE_READ_DATA, 0, 0,
        FILE_MAXIMUM_DISPOSITION + 1, 0, 0, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\a", FILE_READ_DATA, 0, 0x8, FILE_OPEN,
        0, 0, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\a", FILE_READ_DATA, 0, 0, FILE_OPEN,
        0x01000000, 0, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\a", FILE_READ_DATA, 0, 0, FILE_OPEN,
        FILE_DELETE_ON_CLOSE, 0, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\", FILE_READ_DATA, 0, 0, FILE_CREATE,
        0, 0, &file, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\", FILE_READ_DATA, 0, 0,
        FILE_OVERWRITE_IF, 0, 0, &file, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\", DELETE, 0, 0, FILE_OPEN,
        FILE_DELETE_ON_CLOSE, 0, &file, NULL), STATUS_CANNOT_DELETE);
    assert_null(file);
    assert_int_equal(fake->logged, 0);
}

static void generic_rights_are_mapped_to_file_rights(void **state)
{
    fake_fs *fake = *state;
    static const struct { uint32_t asked, sent; } cases[] = {
        { GENERIC_READ, FILE_GENERIC_READ },
        { GENERIC_WRITE, FILE_GENERIC_WRITE },
        { GENERIC_EXECUTE, FILE_GENERIC_EXECUTE },
        { GENERIC_ALL, FILE_ALL_ACCESS },
        { GENERIC_READ | DELETE, FILE_GENERIC_READ | DELETE },
        { FILE_READ_ATTRIBUTES | SYNCHRONIZE, FILE_READ_ATTRIBUTES | SYNCHRONIZE },
        { MAXIMUM_ALLOWED, MAXIMUM_ALLOWED },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wf_fsd_file *file = open_or_fail(fake, "\\f", cases[i].asked, FILE_SHARE_VALID_FLAGS,
            FILE_OPEN, 0);
        assert_int_equal(last_request(fake)->Req.Create.DesiredAccess, cases[i].sent);
        wf_fsd_close(file);
    }
}

static void create_failure_returns_its_status_and_no_handle(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;
    uint32_t information = 7;

    fake->create_status = STATUS_OBJECT_NAME_NOT_FOUND;
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\nope", FILE_READ_DATA, 0, 0, FILE_OPEN,
        0, 0, &file, &information), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(file);
    assert_int_equal(information, 0);
    assert_int_equal(fake->logged, 1);      /* no Cleanup or Close for an open that failed */

    /* STATUS_REPARSE is a success code, but there is no handle to give. */
    fake->create_status = STATUS_REPARSE;
    assert_int_equal(wf_fsd_create_file(fake->fsd, "\\link", FILE_READ_DATA, 0, 0, FILE_OPEN,
        0, 0, &file, NULL), STATUS_REPARSE);
    assert_null(file);
}

/* ---- Read ------------------------------------------------------------------------------ */

static void read_passes_the_callers_buffer_and_the_handles_contexts(void **state)
{
    fake_fs *fake = *state;
    uint8_t buffer[200];
    uint32_t got = 0;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    const FSP_FSCTL_TRANSACT_REQ *req;

    memset(buffer, 0xee, sizeof buffer);
    assert_int_equal(wf_fsd_read(file, buffer + 10, 5, 100, &got), STATUS_SUCCESS);
    assert_int_equal(got, 100);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactReadKind);
    assert_int_equal(req->Req.Read.UserContext, 0x1001);
    assert_int_equal(req->Req.Read.UserContext2, 0x2001);
    assert_true(req->Req.Read.Address == (uint64_t)(uintptr_t)(buffer + 10));
    assert_int_equal(req->Req.Read.Offset, 5);
    assert_int_equal(req->Req.Read.Length, 100);
    assert_int_equal(req->FileName.Size, 0);
    assert_int_equal(req->Size, sizeof *req);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(buffer[10 + i], (uint8_t)(5 + i));
    assert_int_equal(buffer[9], 0xee);
    assert_int_equal(buffer[110], 0xee);

    /* At the end of the file the file system's status comes back as it is. */
    assert_int_equal(wf_fsd_read(file, buffer, fake->file_size, 10, &got), STATUS_END_OF_FILE);
    assert_int_equal(got, 0);
    wf_fsd_close(file);
}

static void read_checks_the_handle_before_any_request(void **state)
{
    fake_fs *fake = *state;
    uint8_t buffer[16];
    uint32_t got = 5;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, FILE_SHARE_READ,
        FILE_OPEN, FILE_DIRECTORY_FILE);
    wf_fsd_file *attrs = open_or_fail(fake, "\\f", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_file *data = open_or_fail(fake, "\\g", FILE_READ_DATA, 0, FILE_OPEN, 0);
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_read(dir, buffer, 0, sizeof buffer, &got), STATUS_INVALID_PARAMETER);
    assert_int_equal(got, 0);
    assert_int_equal(wf_fsd_read(attrs, buffer, 0, sizeof buffer, &got), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_read(data, buffer, 0, 0, &got), STATUS_SUCCESS);
    assert_int_equal(got, 0);
    assert_int_equal(wf_fsd_read(data, buffer, (uint64_t)INT64_MAX + 1, 1, &got),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(dir);
    wf_fsd_close(attrs);
    wf_fsd_close(data);
}

/* ---- asynchronous completion ----------------------------------------------------------- */

typedef struct reader {
    fake_fs *fake;
    wf_fsd_file *file;
    uint64_t offset;
    uint8_t buffer[64];
    uint32_t got;
    NTSTATUS status;
} reader;

static void *reader_main(void *arg)
{
    reader *r = arg;
    r->status = wf_fsd_read(r->file, r->buffer, r->offset, sizeof r->buffer, &r->got);
    return NULL;
}

static void responses_may_arrive_later_from_another_thread(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    reader r = { .fake = fake, .file = file, .offset = 7 };
    pthread_t thread;

    fake->defer = true;
    assert_int_equal(pthread_create(&thread, NULL, reader_main, &r), 0);
    assert_int_equal(fake_answer_pending(fake, 1), 1);
    pthread_join(thread, NULL);
    assert_int_equal(r.status, STATUS_SUCCESS);
    assert_int_equal(r.got, sizeof r.buffer);
    assert_int_equal(r.buffer[0], 7);
    fake->defer = false;
    wf_fsd_close(file);
}

static void thirty_two_concurrent_reads_are_all_in_flight_together(void **state)
{
    enum { N = 32 };
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    static reader readers[N];
    pthread_t threads[N];
    uint64_t hints[N];

    fake->defer = true;
    for (size_t i = 0; i < N; i++) {
        readers[i] = (reader){ .fake = fake, .file = file, .offset = i * 1000 };
        assert_int_equal(pthread_create(&threads[i], NULL, reader_main, &readers[i]), 0);
    }
    /* Answered last first: each response must still find its own caller. */
    assert_int_equal(fake_answer_pending(fake, N), N);
    for (size_t i = 0; i < N; i++)
        pthread_join(threads[i], NULL);
    fake->defer = false;

    assert_int_equal(fake->max_pending, N);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(readers[i].status, STATUS_SUCCESS);
        assert_int_equal(readers[i].got, sizeof readers[i].buffer);
        assert_int_equal(readers[i].buffer[0], (uint8_t)(i * 1000));
        assert_int_equal(readers[i].buffer[63], (uint8_t)(i * 1000 + 63));
    }
    /* Every request had its own Hint. */
    for (size_t i = 0; i < N; i++) {
        hints[i] = fake->log[fake->logged - N + i]->Hint;
        for (size_t j = 0; j < i; j++)
            assert_true(hints[i] != hints[j]);
    }
    wf_fsd_close(file);
}

static void a_response_that_matches_no_request_is_dropped(void **state)
{
    fake_fs *fake = *state;
    FSP_FSCTL_TRANSACT_RSP stray;
    FSP_FSCTL_VOLUME_INFO info;

    memset(&stray, 0, sizeof stray);
    stray.Kind = FspFsctlTransactQueryVolumeInformationKind;
    stray.Hint = 0x123456789;
    stray.IoStatus.Status = (uint32_t)STATUS_ACCESS_DENIED;
    wf_fsd_complete(fake->fsd, &stray);
    assert_int_equal(wf_fsd_query_volume(fake->fsd, &info), STATUS_SUCCESS);
    assert_int_equal(info.TotalSize, 1u << 30);
}

/* ---- Cleanup and Close ----------------------------------------------------------------- */

static void close_sends_cleanup_then_close_with_the_handles_contexts(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\dir\\f", GENERIC_READ, 0, FILE_OPEN, 0);
    const FSP_FSCTL_TRANSACT_REQ *cleanup, *close;

    assert_int_equal(wf_fsd_close(file), STATUS_SUCCESS);
    assert_int_equal(fake->logged, 3);
    cleanup = fake->log[1];
    close = fake->log[2];
    assert_int_equal(cleanup->Kind, FspFsctlTransactCleanupKind);
    assert_int_equal(cleanup->Req.Cleanup.UserContext, 0x1001);
    assert_int_equal(cleanup->Req.Cleanup.UserContext2, 0x2001);
    assert_int_equal(cleanup->Req.Cleanup.Delete, 0);
    assert_true(request_name_is(cleanup, "\\dir\\f"));
    assert_int_equal(close->Kind, FspFsctlTransactCloseKind);
    assert_int_equal(close->Req.Close.UserContext, 0x1001);
    assert_int_equal(close->Req.Close.UserContext2, 0x2001);
    assert_int_equal(close->FileName.Size, 0);
}

static void delete_on_close_deletes_at_the_files_last_cleanup(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *doc = open_or_fail(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN,
        FILE_DELETE_ON_CLOSE);
    wf_fsd_file *other = open_or_fail(fake, "\\f", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);

    wf_fsd_close(doc);
    assert_int_equal(fake->log[fake->logged - 2]->Kind, FspFsctlTransactCleanupKind);
    assert_int_equal(fake->log[fake->logged - 2]->Req.Cleanup.Delete, 0);
    wf_fsd_close(other);
    assert_int_equal(fake->log[fake->logged - 2]->Kind, FspFsctlTransactCleanupKind);
    assert_int_equal(fake->log[fake->logged - 2]->Req.Cleanup.Delete, 1);
}

/* ---- share access ---------------------------------------------------------------------- */

static void readers_that_share_read_coexist(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_file *b = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_close(a);
    wf_fsd_close(b);
}

static void a_writer_conflicts_with_readers_that_do_not_share_write(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *reader_file = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ,
        FILE_OPEN, 0);
    wf_fsd_file *file = NULL;
    const FSP_FSCTL_TRANSACT_REQ *undo;

    assert_int_equal(try_open(fake, "\\f", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
        FILE_OPEN, &file), STATUS_SHARING_VIOLATION);
    assert_null(file);
    /* The file system's open is undone with a Close alone, with that open's contexts. */
    undo = last_request(fake);
    assert_int_equal(undo->Kind, FspFsctlTransactCloseKind);
    assert_int_equal(undo->Req.Close.UserContext, 0x1002);
    assert_int_equal(undo->Req.Close.UserContext2, 0x2002);
    assert_int_equal(fake->log[fake->logged - 2]->Kind, FspFsctlTransactCreateKind);

    /* A reader that will not share with the existing reader is refused too. */
    assert_int_equal(try_open(fake, "\\f", GENERIC_READ, 0, FILE_OPEN, &file),
        STATUS_SHARING_VIOLATION);
    /* Once the reader is gone, the writer gets in. */
    wf_fsd_close(reader_file);
    assert_int_equal(try_open(fake, "\\f", GENERIC_WRITE, 0, FILE_OPEN, &file), STATUS_SUCCESS);
    wf_fsd_close(file);
}

static void opens_without_data_access_take_no_part_in_sharing(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *exclusive = open_or_fail(fake, "\\f", GENERIC_READ | GENERIC_WRITE, 0,
        FILE_OPEN, 0);
    wf_fsd_file *attrs = open_or_fail(fake, "\\f", FILE_READ_ATTRIBUTES | SYNCHRONIZE, 0,
        FILE_OPEN, 0);
    wf_fsd_file *file = NULL;

    assert_int_equal(try_open(fake, "\\f", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS, FILE_OPEN,
        &file), STATUS_SHARING_VIOLATION);
    wf_fsd_close(exclusive);
    /* The attributes-only handle, not sharing anything, does not stop a writer. */
    file = open_or_fail(fake, "\\f", GENERIC_WRITE, 0, FILE_OPEN, 0);
    wf_fsd_close(file);
    wf_fsd_close(attrs);
}

static void delete_access_needs_every_handle_to_share_delete(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_file *file = NULL;

    assert_int_equal(try_open(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, &file),
        STATUS_SHARING_VIOLATION);
    wf_fsd_close(a);
    a = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, FILE_OPEN, 0);
    file = open_or_fail(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_close(file);
    wf_fsd_close(a);
}

static void sharing_is_per_path_and_a_trailing_backslash_names_the_same_file(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    wf_fsd_file *b = open_or_fail(fake, "\\dir2", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    wf_fsd_file *file = NULL;

    assert_int_equal(try_open(fake, "\\dir\\", FILE_LIST_DIRECTORY, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, &file), STATUS_SHARING_VIOLATION);
    /* Names are case-sensitive: \DIR is another file. */
    file = open_or_fail(fake, "\\DIR", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    wf_fsd_close(file);
    wf_fsd_close(a);
    wf_fsd_close(b);
}

static void overwrite_counts_as_writing_for_sharing(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_file *file = NULL;

    /* The file system granted only read, yet overwriting changes the data. */
    fake->granted_access = FILE_GENERIC_READ;
    assert_int_equal(try_open(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OVERWRITE_IF,
        &file), STATUS_SHARING_VIOLATION);
    fake->granted_access = 0;
    wf_fsd_close(a);
}

/* ---- QueryInformation, QueryVolumeInformation ------------------------------------------ */

static void query_info_returns_the_file_systems_file_info(void **state)
{
    fake_fs *fake = *state;
    FSP_FSCTL_FILE_INFO info;
    wf_fsd_file *file = open_or_fail(fake, "\\f", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);

    assert_int_equal(wf_fsd_query_info(file, &info), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactQueryInformationKind);
    assert_int_equal(last_request(fake)->Req.QueryInformation.UserContext2, 0x2001);
    assert_int_equal(info.FileSize, 1234);
    assert_int_equal(info.IndexNumber, 0x1001);
    wf_fsd_close(file);
}

static void query_volume_returns_the_file_systems_volume_info(void **state)
{
    fake_fs *fake = *state;
    FSP_FSCTL_VOLUME_INFO info;

    assert_int_equal(wf_fsd_query_volume(fake->fsd, &info), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactQueryVolumeInformationKind);
    assert_int_equal(info.TotalSize, 1u << 30);
    assert_int_equal(info.FreeSize, 1u << 20);
    assert_int_equal(info.VolumeLabelLength, 2);
    assert_int_equal(info.VolumeLabel[0], 'F');
}

/* ---- QueryDirectory -------------------------------------------------------------------- */

typedef struct listing {
    char names[64][64];
    uint64_t sizes[64];
    size_t count;
    size_t stop_after;      /* 0: never stop */
} listing;

static bool listing_add(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    listing *l = ctx;
    assert_true(l->count < 64);
    snprintf(l->names[l->count], sizeof l->names[0], "%s", name);
    l->sizes[l->count] = info->FileSize;
    l->count++;
    return l->stop_after == 0 || l->count < l->stop_after;
}

static const char *const ten_entries[] = {
    ".", "..", "a.txt", "b.txt", "c.dat", "\xc3\xa9t\xc3\xa9", "README", "x.tar.gz", "dir", "z",
};

static void query_directory_follows_the_marker_until_the_end_record(void **state)
{
    fake_fs *fake = *state;
    listing l = { .count = 0 };
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, FILE_SHARE_READ,
        FILE_OPEN, FILE_DIRECTORY_FILE);
    size_t first;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 3;
    first = fake->logged;
    assert_int_equal(wf_fsd_query_directory(dir, NULL, listing_add, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 10);
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(l.names[i], ten_entries[i]);
        assert_int_equal(l.sizes[i], 100 + i);
    }
    /* 3 + 3 + 3 + 1 entries, the last response ending with the Size 0 record. */
    assert_int_equal(fake->logged - first, 4);
    for (size_t i = 0; i < 4; i++) {
        const FSP_FSCTL_TRANSACT_REQ *req = fake->log[first + i];
        uint64_t marker;
        assert_int_equal(req->Kind, FspFsctlTransactQueryDirectoryKind);
        assert_int_equal(req->Req.QueryDirectory.UserContext, 0x1001);
        assert_int_equal(req->Req.QueryDirectory.UserContext2, 0x2001);
        assert_int_equal(req->Req.QueryDirectory.Length, 16 * 1024);
        assert_int_equal(req->Req.QueryDirectory.Pattern.Size, 0);
        assert_int_equal(req->Req.QueryDirectory.CaseSensitive, 1);
        if (i == 0) {
            assert_int_equal(req->Req.QueryDirectory.Marker.Size, 0);
            continue;
        }
        assert_int_equal(req->Req.QueryDirectory.Marker.Size, 8);
        memcpy(&marker, req->Buffer + req->Req.QueryDirectory.Marker.Offset, 8);
        assert_int_equal(marker, 3 * i);
        assert_int_equal(req->Size, sizeof *req + 8);
    }
    wf_fsd_close(dir);
}

static void query_directory_ends_on_an_empty_response(void **state)
{
    fake_fs *fake = *state;
    listing l = { .count = 0 };
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN,
        FILE_DIRECTORY_FILE);
    size_t first = fake->logged;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 5;
    fake->end_record = false;
    assert_int_equal(wf_fsd_query_directory(dir, "*", listing_add, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 10);
    assert_int_equal(fake->logged - first, 3);
    wf_fsd_close(dir);
}

static void query_directory_reports_no_such_file_when_nothing_matched(void **state)
{
    fake_fs *fake = *state;
    listing l = { .count = 0 };
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN,
        FILE_DIRECTORY_FILE);

    fake->entries = ten_entries;
    fake->entry_count = 10;
    assert_int_equal(wf_fsd_query_directory(dir, "*.none", listing_add, &l), STATUS_NO_SUCH_FILE);
    assert_int_equal(l.count, 0);
    fake->entry_count = 0;
    assert_int_equal(wf_fsd_query_directory(dir, NULL, listing_add, &l), STATUS_NO_SUCH_FILE);
    wf_fsd_close(dir);
}

static void query_directory_filters_by_pattern_and_stops_when_asked(void **state)
{
    fake_fs *fake = *state;
    listing l = { .count = 0 };
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN,
        FILE_DIRECTORY_FILE);

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 2;
    assert_int_equal(wf_fsd_query_directory(dir, "*.txt", listing_add, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.names[0], "a.txt");
    assert_string_equal(l.names[1], "b.txt");

    memset(&l, 0, sizeof l);
    l.stop_after = 3;
    assert_int_equal(wf_fsd_query_directory(dir, NULL, listing_add, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 3);
    wf_fsd_close(dir);
}

static void query_directory_checks_the_handle_and_the_pattern(void **state)
{
    fake_fs *fake = *state;
    listing l = { .count = 0 };
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, 0, FILE_OPEN, 0);
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_file *listable = open_or_fail(fake, "\\dir2", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_query_directory(file, NULL, listing_add, &l), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_query_directory(dir, NULL, listing_add, &l), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_query_directory(listable, "a\\b", listing_add, &l),
        STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(file);
    wf_fsd_close(dir);
    wf_fsd_close(listable);
}

static void query_directory_rejects_a_malformed_record(void **state)
{
    fake_fs *fake = *state;
    listing l = { .count = 0 };
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN,
        FILE_DIRECTORY_FILE);

    fake->bad_record = true;
    assert_int_equal(wf_fsd_query_directory(dir, NULL, listing_add, &l), STATUS_INTERNAL_ERROR);
    assert_int_equal(l.count, 0);
    wf_fsd_close(dir);
}

/* True when pattern selects name, asked through a directory that holds name alone. */
static bool matches(fake_fs *fake, wf_fsd_file *dir, const char *pattern, const char *name)
{
    listing l = { .count = 0 };
    NTSTATUS status;
    fake->entries = &name;
    fake->entry_count = 1;
    status = wf_fsd_query_directory(dir, pattern, listing_add, &l);
    assert_true(status == STATUS_SUCCESS || status == STATUS_NO_SUCH_FILE);
    assert_int_equal(l.count, status == STATUS_SUCCESS);
    return status == STATUS_SUCCESS;
}

static void wildcards_match_as_fsrtl_is_name_in_expression(void **state)
{
    fake_fs *fake = *state;
    static const struct { const char *pattern, *name; bool match; } cases[] = {
        { "*", "a", true }, { "*", ".", true }, { "*", "..", true }, { "**", "a", true },
        { "*.*", "noext", true }, { "*.*", "a.b", true },
        { "he*o", "hello", true }, { "he*o", "helo", true }, { "he*o", "hella", false },
        { "*.txt", "a.txt", true }, { "*.txt", "a.txt.bak", false }, { "*.txt", "txt", false },
        { "nt??krnl.???", "ntoskrnl.exe", true },
        { "?", "a", true }, { "??", "a", false }, { "*?", "a", true }, { "?*?", "a", false },
        { "?*?", "aa", true }, { "*a*ab*abc", "aabaabcdadabdabc", true },
        { "*.c.d", "a.b.c.d", true }, { "a.b.??.d", "a.b.c.d", false },
        { "a.b.*??.d", "a.b.cc.d", true }, { "a.b.*??.d", "a.b.c.d", false },
        { ".*", ".txt", true }, { ".*", "1.txt", false },
        /* case-sensitive */
        { "A*", "abc", false }, { "a*", "abc", true }, { "ABC", "abc", false },
        /* DOS_STAR: up to and including the last dot, never past it */
        { "<.exe", "test.exe", true }, { "ab<exe", "abcd.exe", true },
        { "ab<exe", "abcdexe", true }, { "ab<exe", "acd.exe", false },
        { "a.b<exe", "a.bcd.exe", true }, { "a<b.exe", "a.bcd.exe", false },
        { "<", "noext", true }, { "<", "a.b", false }, { "<.txt", "a.b.txt", true },
        /* DOS_QM: one character, or nothing at a dot or the end */
        { "a>c.exe", "abc.exe", true }, { "a>c.exe", "ac.exe", false },
        { "a>>>exe", "abc.exe", false }, { ">>>.txt", "ab.txt", true },
        { ">>>.txt", "abcd.txt", false }, { "ab>>", "ab", true }, { "ab>>", "abcde", false },
        /* DOS_DOT: a dot, or nothing at the end */
        { "ntoskrnl\"exe", "ntoskrnl.exe", true }, { "ntoskrnl.exe\"", "ntoskrnl.exe", true },
        { "\"ntoskrnl.exe", "ntoskrnl.exe", false }, { "ntoskrn\".exe", "ntoskrnl.exe", false },
        /* Win32's translation of "F0_*.*": DOS_STAR, DOS_DOT, star */
        { "F0_<\"*", "F0_", true }, { "F0_<\"*", "F0_.", true }, { "F0_<\"*", "F0_001", true },
        { "F0_<\"*", "F0_001.txt", true }, { "F0_<\"*", "f0_001", false },
        { "F0_<\"*", "SETUP.EXE", false },
        /* non-ASCII: ? is one UTF-16 unit */
        { "?t?", "\xc3\xa9t\xc3\xa9", true }, { "*\xc3\xa9", "\xc3\xa9t\xc3\xa9", true },
    };
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN,
        FILE_DIRECTORY_FILE);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (matches(fake, dir, cases[i].pattern, cases[i].name) != cases[i].match)
            fail_msg("pattern \"%s\" on \"%s\": expected %s", cases[i].pattern, cases[i].name,
                cases[i].match ? "a match" : "no match");
    }
    wf_fsd_close(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(create_builds_the_request_as_winfsp_fsd_does),
        T(create_of_a_directory_sets_the_directory_attribute),
        T(create_passes_non_ascii_names_as_utf16),
        T(trailing_backslash_is_removed_and_flagged),
        T(leading_double_backslash_counts_as_one),
        T(invalid_names_never_reach_the_file_system),
        T(names_with_dots_and_spaces_that_are_not_dot_components_are_valid),
        T(create_parameters_are_checked_before_any_request),
        T(generic_rights_are_mapped_to_file_rights),
        T(create_failure_returns_its_status_and_no_handle),
        T(read_passes_the_callers_buffer_and_the_handles_contexts),
        T(read_checks_the_handle_before_any_request),
        T(responses_may_arrive_later_from_another_thread),
        T(thirty_two_concurrent_reads_are_all_in_flight_together),
        T(a_response_that_matches_no_request_is_dropped),
        T(close_sends_cleanup_then_close_with_the_handles_contexts),
        T(delete_on_close_deletes_at_the_files_last_cleanup),
        T(readers_that_share_read_coexist),
        T(a_writer_conflicts_with_readers_that_do_not_share_write),
        T(opens_without_data_access_take_no_part_in_sharing),
        T(delete_access_needs_every_handle_to_share_delete),
        T(sharing_is_per_path_and_a_trailing_backslash_names_the_same_file),
        T(overwrite_counts_as_writing_for_sharing),
        T(query_info_returns_the_file_systems_file_info),
        T(query_volume_returns_the_file_systems_volume_info),
        T(query_directory_follows_the_marker_until_the_end_record),
        T(query_directory_ends_on_an_empty_response),
        T(query_directory_reports_no_such_file_when_nothing_matched),
        T(query_directory_filters_by_pattern_and_stops_when_asked),
        T(query_directory_checks_the_handle_and_the_pattern),
        T(query_directory_rejects_a_malformed_record),
        T(wildcards_match_as_fsrtl_is_name_in_expression),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
