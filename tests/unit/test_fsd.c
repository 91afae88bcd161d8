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

#include "winfuse/mappings.h"
#include "fsd.h"
#include "winfuse/nt_constants.h"

#define LOG_MAX 256
#define PENDING_MAX 64
#define WF_FSD_SHARE_ALL_FOR_TEST (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
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
    bool stuck_listing;                     /* QueryDirectory ignores the marker */
    NTSTATUS kind_status[FspFsctlTransactKindCount];    /* the answer of kinds but Create */
    uint32_t create_information;            /* Create's IoStatus.Information */
    uint32_t create_attributes;             /* added to the opened file's attributes */
    uint32_t write_answer;                  /* bytes a Write reports; 0: all of them */
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

/* True when buf of req holds utf8 in UTF-16 with WinFsp's terminating NUL. */
static bool request_buf_is(const FSP_FSCTL_TRANSACT_REQ *req, FSP_FSCTL_TRANSACT_BUF buf,
    const char *utf8)
{
    uint16_t expect[1100];
    size_t n = utf16_of(utf8, expect, 1100);
    const uint16_t *got = (const uint16_t *)(const void *)(req->Buffer + buf.Offset);
    return buf.Size == (n + 1) * 2 && buf.Offset % 2 == 0 &&
        sizeof *req + buf.Offset + buf.Size <= req->Size &&
        memcmp(got, expect, n * 2) == 0 && got[n] == 0;
}

/* True when the request's FileName is utf8 in UTF-16 with WinFsp's terminating NUL. */
static bool request_name_is(const FSP_FSCTL_TRANSACT_REQ *req, const char *utf8)
{
    return request_buf_is(req, req->FileName, utf8);
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

    if (req->Req.QueryDirectory.Marker.Size == 8 && !fake->stuck_listing)
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
    if (req->Kind != FspFsctlTransactCreateKind && req->Kind < FspFsctlTransactKindCount &&
        fake->kind_status[req->Kind] != STATUS_SUCCESS) {
        rsp->IoStatus.Status = (uint32_t)fake->kind_status[req->Kind];
        return;
    }
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
        rsp->Rsp.Create.Opened.FileInfo.FileAttributes = fake->create_attributes |
            (fake_is_directory(req) ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_ARCHIVE);
        rsp->Rsp.Create.Opened.FileInfo.FileSize = fake->file_size;
        rsp->IoStatus.Information = fake->create_information;
        break;
    case FspFsctlTransactOverwriteKind:
        rsp->Rsp.Overwrite.FileInfo.FileAttributes = req->Req.Overwrite.FileAttributes;
        break;
    case FspFsctlTransactWriteKind: {
        uint32_t n = fake->write_answer ? fake->write_answer : req->Req.Write.Length;
        rsp->IoStatus.Information = n;
        rsp->Rsp.Write.FileInfo.FileSize = n + (req->Req.Write.Offset == UINT64_MAX ?
            fake->file_size : req->Req.Write.Offset);
        break;
    }
    case FspFsctlTransactSetInformationKind:
        if (req->Req.SetInformation.FileInformationClass == FileEndOfFileInformation)
            rsp->Rsp.SetInformation.FileInfo.FileSize =
                req->Req.SetInformation.Info.EndOfFile.FileSize;
        if (req->Req.SetInformation.FileInformationClass == FileAllocationInformation)
            rsp->Rsp.SetInformation.FileInfo.AllocationSize =
                req->Req.SetInformation.Info.Allocation.AllocationSize;
        if (req->Req.SetInformation.FileInformationClass == FileBasicInformation)
            rsp->Rsp.SetInformation.FileInfo.FileAttributes =
                req->Req.SetInformation.Info.Basic.FileAttributes;
        break;
    case FspFsctlTransactFlushBuffersKind:
        rsp->Rsp.FlushBuffers.FileInfo.FileSize = 77;
        break;
    case FspFsctlTransactSetVolumeInformationKind: {
        FSP_FSCTL_TRANSACT_BUF label = req->Req.SetVolumeInformation.Info.Label.VolumeLabel;
        FSP_FSCTL_VOLUME_INFO *info = &rsp->Rsp.SetVolumeInformation.VolumeInfo;
        if (label.Size >= 2 && (size_t)label.Size - 2 <= sizeof info->VolumeLabel) {
            info->VolumeLabelLength = (uint16_t)(label.Size - 2);
            memcpy(info->VolumeLabel, req->Buffer + label.Offset, label.Size - 2);
        }
        break;
    }
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

/* Waits (up to 5 s) until count requests are pending; returns how many are. */
static size_t fake_wait_pending(fake_fs *fake, size_t count)
{
    struct timespec deadline;
    size_t pending;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&fake->lock);
    while (fake->pending_count < count &&
        pthread_cond_timedwait(&fake->changed, &fake->lock, &deadline) != ETIMEDOUT)
        ;
    pending = fake->pending_count;
    pthread_mutex_unlock(&fake->lock);
    return pending;
}

/* Answers the pending request with this hint with status alone, as an engine that
   cancelled it would. Returns whether it was pending. */
static bool fake_fail_pending(fake_fs *fake, uint64_t hint, NTSTATUS status)
{
    FSP_FSCTL_TRANSACT_REQ *req = NULL;
    FSP_FSCTL_TRANSACT_RSP rsp;

    pthread_mutex_lock(&fake->lock);
    for (size_t i = 0; i < fake->pending_count; i++) {
        if (fake->pending[i]->Hint == hint) {
            req = fake->pending[i];
            fake->pending[i] = fake->pending[--fake->pending_count];
            break;
        }
    }
    pthread_mutex_unlock(&fake->lock);
    if (req == NULL)
        return false;
    memset(&rsp, 0, sizeof rsp);
    rsp.Version = sizeof rsp;
    rsp.Size = sizeof rsp;
    rsp.Kind = req->Kind;
    rsp.Hint = req->Hint;
    rsp.IoStatus.Status = (uint32_t)status;
    wf_fsd_complete(fake->fsd, &rsp);
    return true;
}

/* Waits (up to 5 s) until count requests are pending, then answers every pending one, last
   first. Returns how many were pending when it answered. */
static size_t fake_answer_pending(fake_fs *fake, size_t count)
{
    size_t answered = fake_wait_pending(fake, count);

    pthread_mutex_lock(&fake->lock);
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
    fake->create_information = FILE_OPENED;
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
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = access, .share_access = share, .create_disposition = disposition,
        .create_options = options }, &file, NULL), STATUS_SUCCESS);
    assert_non_null(file);
    return file;
}

static NTSTATUS try_open(fake_fs *fake, const char *path, uint32_t access, uint32_t share,
    uint32_t disposition, wf_fsd_file **file)
{
    return wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = access, .share_access = share, .create_disposition = disposition }, file,
        NULL);
}

/* ---- Create ---------------------------------------------------------------------------- */

static void create_builds_the_request_as_winfsp_fsd_does(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;
    uint32_t information = 99;
    const FSP_FSCTL_TRANSACT_REQ *req;

    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){
        .path = "\\dir\\file.txt", .desired_access = GENERIC_READ,
        .file_attributes = FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_ARCHIVE,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE, .create_disposition = FILE_OPEN_IF,
        .create_options = FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT,
        .allocation_size = 4096 }, &file, &information), STATUS_SUCCESS);
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

/* A volume with NamedStreams: the stand-in passes the whole name and the offset of the
   stream's ':' as WinFsp's FSD does, strips "::$DATA", and refuses the malformed forms. */
static void stream_names_are_parsed_as_winfsp_fsd_does(void **state)
{
    fake_fs *fake = *state;
    FSP_FSCTL_VOLUME_PARAMS params = { .SectorSize = 512, .SectorsPerAllocationUnit = 8,
        .CaseSensitiveSearch = 1, .NamedStreams = 1 };
    static const char *const invalid[] = {
        "\\f:", "\\f:s:$FOO", "\\f:s:", "\\f:a*b", "\\f:a\\b", "\\d:s\\x", "\\f\\:s",
    };
    wf_fsd_file *file = NULL;

    wf_fsd_set_volume_params(fake->fsd, &params);
    file = open_or_fail(fake, "\\dir\\f.txt:s:$DATA", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    assert_true(request_name_is(last_request(fake), "\\dir\\f.txt:s"));
    assert_int_equal(last_request(fake)->Req.Create.NamedStream, 10 * 2);
    wf_fsd_close(file);
    file = open_or_fail(fake, "\\f.txt::$DATA", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    assert_true(request_name_is(last_request(fake), "\\f.txt"));
    assert_int_equal(last_request(fake)->Req.Create.NamedStream, 0);
    wf_fsd_close(file);

    size_t logged = fake->logged;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        assert_int_equal(try_open(fake, invalid[i], FILE_READ_ATTRIBUTES, 0, FILE_OPEN, &file),
            STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\f:s",
        .desired_access = FILE_READ_ATTRIBUTES, .create_disposition = FILE_OPEN_IF,
        .create_options = FILE_DIRECTORY_FILE }, &file, NULL), STATUS_NOT_A_DIRECTORY);
    assert_int_equal(fake->logged, logged);
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

    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\a",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN,
        .create_options = FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE }, &file, NULL),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\a",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OVERWRITE_IF,
        .create_options = FILE_DIRECTORY_FILE }, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\a",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_MAXIMUM_DISPOSITION + 1 },
        &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\a",
        .desired_access = FILE_READ_DATA, .share_access = 0x8, .create_disposition = FILE_OPEN },
        &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\a",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN,
        .create_options = 0x01000000 }, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\a",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN,
        .create_options = FILE_DELETE_ON_CLOSE }, &file, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_CREATE }, &file, NULL),
        STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OVERWRITE_IF }, &file, NULL),
        STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\",
        .desired_access = DELETE, .create_disposition = FILE_OPEN,
        .create_options = FILE_DELETE_ON_CLOSE }, &file, NULL), STATUS_CANNOT_DELETE);
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
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\nope",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN }, &file, &information),
        STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(file);
    assert_int_equal(information, 0);
    assert_int_equal(fake->logged, 1);      /* no Cleanup or Close for an open that failed */

    /* STATUS_REPARSE is a success code, but there is no handle to give; without a symbolic
       link buffer to follow, the I/O manager cannot resolve it. */
    fake->create_status = STATUS_REPARSE;
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\link",
        .desired_access = FILE_READ_DATA, .create_disposition = FILE_OPEN }, &file, NULL),
        STATUS_REPARSE_POINT_NOT_RESOLVED);
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

static void read_at_or_past_the_size_it_was_told_ends_without_asking(void **state)
{
    fake_fs *fake = *state;
    uint8_t buffer[200];
    uint32_t got = 7;
    fake->file_size = 13;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_read(file, buffer, 13, 10, &got), STATUS_END_OF_FILE);
    assert_int_equal(got, 0);
    assert_int_equal(wf_fsd_read(file, buffer, 1000, 10, &got), STATUS_END_OF_FILE);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(file);
}

static void read_across_the_size_it_was_told_is_shortened(void **state)
{
    fake_fs *fake = *state;
    uint8_t buffer[200];
    uint32_t got = 0;
    fake->file_size = 13;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);

    assert_int_equal(wf_fsd_read(file, buffer, 10, 100, &got), STATUS_SUCCESS);
    assert_int_equal(got, 3);
    assert_int_equal(last_request(fake)->Req.Read.Length, 3);
    wf_fsd_close(file);
}

static void read_follows_the_size_a_write_or_query_told(void **state)
{
    fake_fs *fake = *state;
    uint8_t buffer[200];
    uint32_t got = 0, put = 0;
    FSP_FSCTL_FILE_INFO info;
    fake->file_size = 10;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ | GENERIC_WRITE, 0, FILE_OPEN,
        0);

    /* The fake's Write answers with the size the write made: 10 + 20. */
    assert_int_equal(wf_fsd_write(file, buffer, 10, 20, false, &put, NULL), STATUS_SUCCESS);
    fake->file_size = 1000;     /* what the fake's Read serves from now on */
    assert_int_equal(wf_fsd_read(file, buffer, 0, 100, &got), STATUS_SUCCESS);
    assert_int_equal(got, 30);
    /* Its QueryInformation answers 1234. */
    assert_int_equal(wf_fsd_query_info(file, &info), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_read(file, buffer, 0, 200, &got), STATUS_SUCCESS);
    assert_int_equal(got, 200);
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

static void *close_thread(void *arg)
{
    return (void *)(intptr_t)wf_fsd_close(arg);
}

static void close_is_posted_without_waiting_for_its_answer(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, 0, FILE_OPEN, 0);
    pthread_t thread;

    fake->defer = true;
    assert_int_equal(pthread_create(&thread, NULL, close_thread, file), 0);
    /* Cleanup is waited for: answer it alone (Close may follow at any moment). */
    assert_int_equal(fake_wait_pending(fake, 1), 1);
    pthread_mutex_lock(&fake->lock);
    uint64_t cleanup = fake->pending[0]->Hint;
    assert_int_equal(fake->pending[0]->Kind, FspFsctlTransactCleanupKind);
    pthread_mutex_unlock(&fake->lock);
    assert_true(fake_fail_pending(fake, cleanup, STATUS_SUCCESS));
    assert_int_equal(fake_wait_pending(fake, 1), 1);       /* then Close goes out */
    /* As WinFsp's FSD posts Close: the handle is gone without its answer. */
    void *status;
    assert_int_equal(pthread_join(thread, &status), 0);
    assert_int_equal((NTSTATUS)(intptr_t)status, STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactCloseKind);
    /* Its answer, when it comes, matches no waiter and is dropped. */
    assert_int_equal(fake_answer_pending(fake, 1), 1);
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

/* ---- helpers for the write path and the namespace -------------------------------------- */

/* The requests logged since first, counted by kind. */
static size_t count_kind(fake_fs *fake, size_t first, uint32_t kind)
{
    size_t n = 0;
    for (size_t i = first; i < fake->logged; i++)
        n += fake->log[i]->Kind == kind;
    return n;
}

/* Closes file and returns its Cleanup request. */
static const FSP_FSCTL_TRANSACT_REQ *close_and_get_cleanup(fake_fs *fake, wf_fsd_file *file)
{
    assert_int_equal(wf_fsd_close(file), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactCloseKind);
    assert_int_equal(fake->log[fake->logged - 2]->Kind, FspFsctlTransactCleanupKind);
    return fake->log[fake->logged - 2];
}

/* ---- Create: dispositions, Overwrite, OpenTargetDirectory ------------------------------ */

static void create_passes_every_disposition_with_its_options(void **state)
{
    fake_fs *fake = *state;
    static const uint32_t dispositions[] = {
        FILE_SUPERSEDE, FILE_OPEN, FILE_CREATE, FILE_OPEN_IF, FILE_OVERWRITE, FILE_OVERWRITE_IF,
    };
    fake->create_information = FILE_CREATED;
    for (size_t i = 0; i < sizeof dispositions / sizeof dispositions[0]; i++) {
        wf_fsd_file *file = NULL;
        uint32_t information = 99;
        size_t first = fake->logged;
        assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\new",
            .desired_access = GENERIC_WRITE, .create_disposition = dispositions[i],
            .create_options = FILE_NON_DIRECTORY_FILE | FILE_WRITE_THROUGH }, &file, &information),
            STATUS_SUCCESS);
        assert_int_equal(last_request(fake)->Req.Create.CreateOptions,
            (dispositions[i] << 24) | FILE_NON_DIRECTORY_FILE | FILE_WRITE_THROUGH);
        assert_int_equal(last_request(fake)->Req.Create.OpenTargetDirectory, 0);
        /* A created file needs no Overwrite. */
        assert_int_equal(fake->logged - first, 1);
        assert_int_equal(information, FILE_CREATED);
        wf_fsd_close(file);
    }
}

static void an_overwritten_open_sends_overwrite_with_the_opens_contexts(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;
    uint32_t information = 99;
    const FSP_FSCTL_TRANSACT_REQ *req;
    size_t first = fake->logged;

    fake->create_information = FILE_OVERWRITTEN;
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = GENERIC_WRITE,
        .file_attributes = FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_DIRECTORY,
        .create_disposition = FILE_OVERWRITE_IF, .allocation_size = 8192 }, &file, &information),
        STATUS_SUCCESS);
    assert_int_equal(information, FILE_OVERWRITTEN);
    assert_int_equal(fake->logged - first, 2);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactOverwriteKind);
    assert_int_not_equal(req->Hint, fake->log[first]->Hint);
    assert_int_equal(req->Req.Overwrite.UserContext, 0x1001);
    assert_int_equal(req->Req.Overwrite.UserContext2, 0x2001);
    /* NORMAL and DIRECTORY are dropped; the rest replaces or joins the file's. */
    assert_int_equal(req->Req.Overwrite.FileAttributes, FILE_ATTRIBUTE_HIDDEN);
    assert_int_equal(req->Req.Overwrite.AllocationSize, 8192);
    assert_int_equal(req->Req.Overwrite.Supersede, 0);
    assert_int_equal(req->FileName.Size, 0);
    wf_fsd_close(file);

    fake->create_information = FILE_SUPERSEDED;
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = GENERIC_WRITE | DELETE, .create_disposition = FILE_SUPERSEDE }, &file,
        &information), STATUS_SUCCESS);
    assert_int_equal(information, FILE_SUPERSEDED);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactOverwriteKind);
    assert_int_equal(req->Req.Overwrite.Supersede, 1);
    assert_int_equal(req->Req.Overwrite.UserContext, 0x1002);
    wf_fsd_close(file);
}

static void a_failed_overwrite_fails_the_create_and_leaves_no_handle(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;
    uint32_t information = 99;

    fake->create_information = FILE_OVERWRITTEN;
    fake->kind_status[FspFsctlTransactOverwriteKind] = STATUS_DISK_FULL;
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = GENERIC_WRITE, .create_disposition = FILE_OVERWRITE }, &file,
        &information), STATUS_DISK_FULL);
    assert_null(file);
    assert_int_equal(information, 0);
    /* The file system closed its file when the Overwrite failed: nothing else is sent. */
    assert_int_equal(fake->logged, 2);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactOverwriteKind);
    /* No share access is left behind. */
    fake->create_information = FILE_OPENED;
    file = open_or_fail(fake, "\\f", GENERIC_ALL, 0, FILE_OPEN, 0);
    wf_fsd_close(file);
}

static void overwriting_a_hidden_or_system_file_needs_those_attributes(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;
    const FSP_FSCTL_TRANSACT_REQ *undo;

    fake->create_information = FILE_OVERWRITTEN;
    fake->create_attributes = FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM;
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = GENERIC_WRITE, .file_attributes = FILE_ATTRIBUTE_HIDDEN,
        .create_disposition = FILE_OVERWRITE }, &file, NULL), STATUS_ACCESS_DENIED);
    assert_null(file);
    undo = last_request(fake);
    assert_int_equal(undo->Kind, FspFsctlTransactCloseKind);
    assert_int_equal(undo->Req.Close.UserContext, 0x1001);
    assert_int_equal(count_kind(fake, 0, FspFsctlTransactOverwriteKind), 0);

    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\f",
        .desired_access = GENERIC_WRITE,
        .file_attributes = FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM,
        .create_disposition = FILE_OVERWRITE }, &file, NULL),
        STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactOverwriteKind);
    wf_fsd_close(file);
}

static void open_target_directory_opens_the_parent_of_the_name(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL, *other = NULL;
    uint32_t information = 99;

    fake->create_information = FILE_DOES_NOT_EXIST;
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\dir\\new",
        .desired_access = FILE_WRITE_DATA, .create_disposition = FILE_OPEN,
        .flags = WF_FSD_OPEN_TARGET_DIRECTORY }, &file, &information), STATUS_SUCCESS);
    assert_int_equal(information, FILE_DOES_NOT_EXIST);
    assert_true(request_name_is(last_request(fake), "\\dir\\new"));
    assert_int_equal(last_request(fake)->Req.Create.OpenTargetDirectory, 1);
    /* The handle is the parent's: it shares (or not) with the parent's other handles. */
    fake->create_information = FILE_OPENED;
    assert_int_equal(try_open(fake, "\\dir", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, &other), STATUS_SHARING_VIOLATION);
    other = open_or_fail(fake, "\\dir\\new", FILE_READ_DATA, 0, FILE_OPEN, 0);
    wf_fsd_close(other);
    assert_true(request_name_is(close_and_get_cleanup(fake, file), "\\dir"));

    /* A name directly below the root has the root as its target directory. */
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\top",
        .desired_access = FILE_WRITE_DATA, .create_disposition = FILE_OPEN,
        .flags = WF_FSD_OPEN_TARGET_DIRECTORY }, &file, NULL), STATUS_SUCCESS);
    assert_true(request_name_is(close_and_get_cleanup(fake, file), "\\"));
}

static void open_target_directory_of_the_root_and_unknown_flags_are_refused(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = NULL;

    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\",
        .desired_access = FILE_WRITE_DATA, .create_disposition = FILE_OPEN,
        .flags = WF_FSD_OPEN_TARGET_DIRECTORY }, &file, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_create_file(fake->fsd, &(wf_fsd_create_params){ .path = "\\a",
        .desired_access = FILE_WRITE_DATA, .create_disposition = FILE_OPEN, .flags = 0x2 }, &file,
        NULL), STATUS_INVALID_PARAMETER);
    assert_null(file);
    assert_int_equal(fake->logged, 0);
}

/* ---- Delete: dispositions, delete-on-close, delete-pending ----------------------------- */

static void disposition_builds_the_request_with_the_files_path(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\dir\\f", DELETE, 0, FILE_OPEN, 0);
    const FSP_FSCTL_TRANSACT_REQ *req;

    assert_int_equal(wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false),
        STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactSetInformationKind);
    assert_int_equal(req->Req.SetInformation.UserContext, 0x1001);
    assert_int_equal(req->Req.SetInformation.UserContext2, 0x2001);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileDispositionInformation);
    assert_int_equal(req->Req.SetInformation.Info.Disposition.Delete, 1);
    assert_int_equal(req->Req.SetInformation.Info.DispositionEx.Flags, FILE_DISPOSITION_DELETE);
    assert_true(request_name_is(req, "\\dir\\f"));

    /* Ex passes DELETE, POSIX_SEMANTICS and IGNORE_READONLY_ATTRIBUTE, nothing else. */
    assert_int_equal(wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE |
        FILE_DISPOSITION_POSIX_SEMANTICS | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE |
        FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK, true), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileDispositionInformationEx);
    assert_int_equal(req->Req.SetInformation.Info.DispositionEx.Flags,
        FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS |
        FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE);
    /* Without DELETE no other flag means anything. */
    assert_int_equal(wf_fsd_set_disposition(file, FILE_DISPOSITION_POSIX_SEMANTICS, true),
        STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.DispositionEx.Flags, 0);
    /* Plain FileDispositionInformation is a boolean. */
    assert_int_equal(wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE |
        FILE_DISPOSITION_POSIX_SEMANTICS, false), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.DispositionEx.Flags,
        FILE_DISPOSITION_DELETE);
    wf_fsd_close(file);
}

static void disposition_is_checked_before_any_request(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *reader = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *deleter = open_or_fail(fake, "\\g", DELETE, 0, FILE_OPEN, 0);
    wf_fsd_file *root = open_or_fail(fake, "\\", DELETE | FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    size_t before = fake->logged;

    /* NtSetInformationFile: the handle must have DELETE. */
    assert_int_equal(wf_fsd_set_disposition(reader, FILE_DISPOSITION_DELETE, false),
        STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_set_disposition(deleter, FILE_DISPOSITION_DELETE |
        FILE_DISPOSITION_ON_CLOSE, true), STATUS_NOT_SUPPORTED);
    assert_int_equal(wf_fsd_set_disposition(root, FILE_DISPOSITION_DELETE, false),
        STATUS_CANNOT_DELETE);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(reader);
    wf_fsd_close(deleter);
    wf_fsd_close(root);
}

static void a_refused_delete_is_answered_again_without_asking(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", DELETE, 0, FILE_OPEN, 0);
    size_t before;

    fake->kind_status[FspFsctlTransactSetInformationKind] = STATUS_DIRECTORY_NOT_EMPTY;
    assert_int_equal(wf_fsd_set_disposition(dir, FILE_DISPOSITION_DELETE |
        FILE_DISPOSITION_POSIX_SEMANTICS, true), STATUS_DIRECTORY_NOT_EMPTY);
    before = fake->logged;
    /* DeleteFileW's retry without POSIX semantics: the same answer, no request. */
    assert_int_equal(wf_fsd_set_disposition(dir, FILE_DISPOSITION_DELETE, false),
        STATUS_DIRECTORY_NOT_EMPTY);
    assert_int_equal(fake->logged, before);
    /* Clearing the disposition still goes to the file system, and resets the memory. */
    fake->kind_status[FspFsctlTransactSetInformationKind] = STATUS_SUCCESS;
    assert_int_equal(wf_fsd_set_disposition(dir, 0, false), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_set_disposition(dir, FILE_DISPOSITION_DELETE, false),
        STATUS_SUCCESS);
    assert_int_equal(fake->logged, before + 2);
    assert_true(close_and_get_cleanup(fake, dir)->Req.Cleanup.Delete);
}

static void a_delete_pending_file_refuses_new_opens_and_goes_with_its_last_handle(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *deleter = open_or_fail(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *reader = open_or_fail(fake, "\\f", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *file = NULL;
    const FSP_FSCTL_TRANSACT_REQ *cleanup;

    assert_int_equal(wf_fsd_set_disposition(deleter, FILE_DISPOSITION_DELETE, false),
        STATUS_SUCCESS);
    /* The file system opens it; the FSD refuses and undoes the open with a Close. */
    assert_int_equal(try_open(fake, "\\f", FILE_READ_ATTRIBUTES, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, &file), STATUS_DELETE_PENDING);
    assert_null(file);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactCloseKind);
    assert_int_equal(last_request(fake)->Req.Close.UserContext, 0x1003);
    assert_int_equal(fake->log[fake->logged - 2]->Kind, FspFsctlTransactCreateKind);

    cleanup = close_and_get_cleanup(fake, deleter);
    assert_int_equal(cleanup->Req.Cleanup.Delete, 0);
    cleanup = close_and_get_cleanup(fake, reader);
    assert_int_equal(cleanup->Req.Cleanup.Delete, 1);
    assert_true(request_name_is(cleanup, "\\f"));
    /* Deleted: the name is free for a new file. */
    file = open_or_fail(fake, "\\f", GENERIC_READ, 0, FILE_CREATE, 0);
    assert_int_equal(close_and_get_cleanup(fake, file)->Req.Cleanup.Delete, 0);
}

static void clearing_the_disposition_before_the_last_cleanup_keeps_the_file(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_file *b = open_or_fail(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_file *c;

    assert_int_equal(wf_fsd_set_disposition(a, FILE_DISPOSITION_DELETE, false), STATUS_SUCCESS);
    /* Delete-pending is the file's: any handle with DELETE clears it. */
    assert_int_equal(wf_fsd_set_disposition(b, 0, false), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.DispositionEx.Flags, 0);
    c = open_or_fail(fake, "\\f", FILE_READ_ATTRIBUTES, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    assert_int_equal(close_and_get_cleanup(fake, a)->Req.Cleanup.Delete, 0);
    assert_int_equal(close_and_get_cleanup(fake, b)->Req.Cleanup.Delete, 0);
    assert_int_equal(close_and_get_cleanup(fake, c)->Req.Cleanup.Delete, 0);
}

static void a_posix_delete_removes_the_name_at_the_setting_handles_cleanup(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *deleter = open_or_fail(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *other = open_or_fail(fake, "\\f", DELETE | FILE_READ_DATA,
        FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_file *file = NULL;
    const FSP_FSCTL_TRANSACT_REQ *cleanup;
    size_t before;

    assert_int_equal(wf_fsd_set_disposition(deleter, FILE_DISPOSITION_DELETE |
        FILE_DISPOSITION_POSIX_SEMANTICS, true), STATUS_SUCCESS);
    /* Until then it is delete-pending like any other. */
    assert_int_equal(try_open(fake, "\\f", FILE_READ_ATTRIBUTES, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, &file), STATUS_DELETE_PENDING);
    cleanup = close_and_get_cleanup(fake, deleter);
    assert_int_equal(cleanup->Req.Cleanup.Delete, 1);
    assert_true(request_name_is(cleanup, "\\f"));

    /* The name is gone: a new open asks the file system, which no longer has it. */
    fake->create_status = STATUS_OBJECT_NAME_NOT_FOUND;
    assert_int_equal(try_open(fake, "\\f", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, &file),
        STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(last_request(fake)->Kind, FspFsctlTransactCreateKind);
    fake->create_status = STATUS_SUCCESS;
    /* The other handle stays open on the unnamed file, which cannot be deleted again nor
       renamed, and its Cleanup deletes nothing. */
    before = fake->logged;
    assert_int_equal(wf_fsd_set_disposition(other, FILE_DISPOSITION_DELETE, false),
        STATUS_FILE_DELETED);
    assert_int_equal(wf_fsd_rename(other, "\\g", 0), STATUS_ACCESS_DENIED);
    assert_int_equal(fake->logged, before);
    assert_int_equal(close_and_get_cleanup(fake, other)->Req.Cleanup.Delete, 0);
}

static void delete_on_close_makes_the_file_delete_pending_at_its_cleanup(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *doc = open_or_fail(fake, "\\f", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN,
        FILE_DELETE_ON_CLOSE);
    wf_fsd_file *other = open_or_fail(fake, "\\f", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *file = NULL;

    /* While the handle is open the file is not delete-pending yet (WinFsp, fastfat). */
    file = open_or_fail(fake, "\\f", FILE_READ_ATTRIBUTES, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_close(file);
    assert_int_equal(close_and_get_cleanup(fake, doc)->Req.Cleanup.Delete, 0);
    assert_int_equal(try_open(fake, "\\f", FILE_READ_ATTRIBUTES, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, &file), STATUS_DELETE_PENDING);
    assert_int_equal(close_and_get_cleanup(fake, other)->Req.Cleanup.Delete, 1);
}

/* ---- Write ----------------------------------------------------------------------------- */

static void write_passes_the_callers_data_and_returns_the_file_info(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_WRITE, 0, FILE_OPEN, 0);
    static const char data[] = "hello, world";
    uint32_t written = 0;
    FSP_FSCTL_FILE_INFO info;
    const FSP_FSCTL_TRANSACT_REQ *req;

    assert_int_equal(wf_fsd_write(file, data, 10, 12, false, &written, &info), STATUS_SUCCESS);
    assert_int_equal(written, 12);
    assert_int_equal(info.FileSize, 22);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactWriteKind);
    assert_int_equal(req->Req.Write.UserContext, 0x1001);
    assert_int_equal(req->Req.Write.UserContext2, 0x2001);
    assert_true(req->Req.Write.Address == (uint64_t)(uintptr_t)data);
    assert_int_equal(req->Req.Write.Offset, 10);
    assert_int_equal(req->Req.Write.Length, 12);
    assert_int_equal(req->Req.Write.ConstrainedIo, 0);
    assert_int_equal(req->Size, sizeof *req);

    assert_int_equal(wf_fsd_write(file, data, 0, 4, true, &written, NULL), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.Write.ConstrainedIo, 1);
    /* Append: the offset is all ones. */
    assert_int_equal(wf_fsd_write(file, data, WF_FSD_WRITE_TO_END, 4, false, &written, &info),
        STATUS_SUCCESS);
    assert_true(last_request(fake)->Req.Write.Offset == UINT64_MAX);
    assert_int_equal(info.FileSize, fake->file_size + 4);
    wf_fsd_close(file);
}

static void a_handle_that_may_only_append_always_appends(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", FILE_APPEND_DATA, 0, FILE_OPEN, 0);
    uint32_t written = 0;

    assert_int_equal(wf_fsd_write(file, "x", 5, 1, false, &written, NULL), STATUS_SUCCESS);
    assert_true(last_request(fake)->Req.Write.Offset == UINT64_MAX);
    wf_fsd_close(file);
}

static void write_is_checked_before_any_request(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_ALL_ACCESS, 0, FILE_OPEN, 0);
    wf_fsd_file *reader = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *writer = open_or_fail(fake, "\\g", FILE_WRITE_DATA, 0, FILE_OPEN, 0);
    wf_fsd_file *appender = open_or_fail(fake, "\\h", FILE_APPEND_DATA, 0, FILE_OPEN, 0);
    uint32_t written = 9;
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_write(dir, "x", 0, 1, false, &written, NULL),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(written, 0);
    assert_int_equal(wf_fsd_write(reader, "x", 0, 1, false, &written, NULL),
        STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_write(writer, "x", 0, 0, false, &written, NULL), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_write(writer, "x", (uint64_t)INT64_MAX + 1, 1, false, &written,
        NULL), STATUS_INVALID_PARAMETER);
    /* Paging I/O never extends a file: it cannot append. */
    assert_int_equal(wf_fsd_write(writer, "x", WF_FSD_WRITE_TO_END, 1, true, &written, NULL),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_write(appender, "x", 0, 1, true, &written, NULL),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(dir);
    wf_fsd_close(reader);
    wf_fsd_close(writer);
    wf_fsd_close(appender);
}

static void a_write_answering_more_than_was_given_is_not_believed(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_WRITE, 0, FILE_OPEN, 0);
    uint32_t written = 9;

    fake->write_answer = 5;
    assert_int_equal(wf_fsd_write(file, "abcd", 0, 4, false, &written, NULL),
        STATUS_INTERNAL_ERROR);
    assert_int_equal(written, 0);
    fake->kind_status[FspFsctlTransactWriteKind] = STATUS_DISK_FULL;
    assert_int_equal(wf_fsd_write(file, "abcd", 0, 4, false, &written, NULL), STATUS_DISK_FULL);
    wf_fsd_close(file);
}

/* ---- SetInformation: basic, end of file, allocation ------------------------------------ */

static void basic_info_passes_times_and_attributes_as_winfsp_does(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", FILE_WRITE_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_WRITE_ATTRIBUTES, 0, FILE_OPEN, 0);
    FSP_FSCTL_FILE_INFO info;
    const FSP_FSCTL_TRANSACT_REQ *req;

    assert_int_equal(wf_fsd_set_basic_info(file, FILE_ATTRIBUTE_READONLY |
        FILE_ATTRIBUTE_NORMAL, 11, 12, 13, 14, &info), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactSetInformationKind);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileBasicInformation);
    assert_int_equal(req->Req.SetInformation.UserContext2, 0x2001);
    assert_int_equal(req->Req.SetInformation.Info.Basic.FileAttributes, FILE_ATTRIBUTE_READONLY);
    assert_int_equal(req->Req.SetInformation.Info.Basic.CreationTime, 11);
    assert_int_equal(req->Req.SetInformation.Info.Basic.LastAccessTime, 12);
    assert_int_equal(req->Req.SetInformation.Info.Basic.LastWriteTime, 13);
    assert_int_equal(req->Req.SetInformation.Info.Basic.ChangeTime, 14);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_READONLY);

    /* 0 leaves attributes alone (all ones), NORMAL clears them; a time of -1 is 0. */
    assert_int_equal(wf_fsd_set_basic_info(file, 0, UINT64_MAX, 0, UINT64_MAX, 5, NULL),
        STATUS_SUCCESS);
    req = last_request(fake);
    assert_true(req->Req.SetInformation.Info.Basic.FileAttributes == UINT32_MAX);
    assert_int_equal(req->Req.SetInformation.Info.Basic.CreationTime, 0);
    assert_int_equal(req->Req.SetInformation.Info.Basic.LastWriteTime, 0);
    assert_int_equal(req->Req.SetInformation.Info.Basic.ChangeTime, 5);
    assert_int_equal(wf_fsd_set_basic_info(file, FILE_ATTRIBUTE_NORMAL, 0, 0, 0, 0, NULL),
        STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.Basic.FileAttributes, 0);
    /* A directory keeps DIRECTORY, and cannot be temporary. */
    assert_int_equal(wf_fsd_set_basic_info(dir, FILE_ATTRIBUTE_HIDDEN, 0, 0, 0, 0, NULL),
        STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.Basic.FileAttributes,
        FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_DIRECTORY);
    wf_fsd_close(file);
    wf_fsd_close(dir);
}

static void set_info_needs_the_access_windows_asks_for(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *reader = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *attrs = open_or_fail(fake, "\\g", FILE_WRITE_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_WRITE_ATTRIBUTES, 0, FILE_OPEN, 0);
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_set_basic_info(reader, FILE_ATTRIBUTE_HIDDEN, 0, 0, 0, 0, NULL),
        STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_set_end_of_file(attrs, 0, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_set_allocation_size(attrs, 0, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_set_basic_info(dir, FILE_ATTRIBUTE_TEMPORARY, 0, 0, 0, 0, NULL),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(reader);
    wf_fsd_close(attrs);
    wf_fsd_close(dir);
}

static void end_of_file_and_allocation_pass_their_sizes(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_WRITE, 0, FILE_OPEN, 0);
    FSP_FSCTL_VOLUME_PARAMS params;
    FSP_FSCTL_FILE_INFO info;
    const FSP_FSCTL_TRANSACT_REQ *req;
    size_t before;

    assert_int_equal(wf_fsd_set_end_of_file(file, 12345, &info), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileEndOfFileInformation);
    assert_int_equal(req->Req.SetInformation.Info.EndOfFile.FileSize, 12345);
    assert_int_equal(req->Req.SetInformation.UserContext, 0x1001);
    assert_int_equal(info.FileSize, 12345);

    /* Without volume parameters the size goes as it is. */
    assert_int_equal(wf_fsd_set_allocation_size(file, 5000, NULL), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.Allocation.AllocationSize,
        5000);
    /* With them, rounded up to the allocation unit, as WinFsp's FSD does. */
    memset(&params, 0, sizeof params);
    params.SectorSize = 512;
    params.SectorsPerAllocationUnit = 8;
    wf_fsd_set_volume_params(fake->fsd, &params);
    assert_int_equal(wf_fsd_set_allocation_size(file, 5000, &info), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileAllocationInformation);
    assert_int_equal(req->Req.SetInformation.Info.Allocation.AllocationSize, 8192);
    assert_int_equal(info.AllocationSize, 8192);
    assert_int_equal(wf_fsd_set_allocation_size(file, 8192, NULL), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.Allocation.AllocationSize,
        8192);
    assert_int_equal(wf_fsd_set_allocation_size(file, 0, NULL), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetInformation.Info.Allocation.AllocationSize, 0);

    /* Negative sizes never reach the file system. */
    before = fake->logged;
    assert_int_equal(wf_fsd_set_end_of_file(file, (uint64_t)INT64_MAX + 1, NULL),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_set_allocation_size(file, UINT64_MAX, NULL),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(file);
}

/* ---- Rename and Link ------------------------------------------------------------------- */

static void rename_builds_the_request_with_both_paths(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\dir\\old", DELETE, 0, FILE_OPEN, 0);
    const FSP_FSCTL_TRANSACT_REQ *req;

    assert_int_equal(wf_fsd_rename(file, "\\dir2\\new", 0), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactSetInformationKind);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileRenameInformation);
    assert_int_equal(req->Req.SetInformation.UserContext, 0x1001);
    assert_int_equal(req->Req.SetInformation.UserContext2, 0x2001);
    assert_true(request_name_is(req, "\\dir\\old"));
    assert_true(request_buf_is(req, req->Req.SetInformation.Info.Rename.NewFileName,
        "\\dir2\\new"));
    assert_int_equal(req->Req.SetInformation.Info.Rename.AccessToken, 0);

    /* ReplaceIfExists: a token. The handle follows its file to the new name. */
    assert_int_equal(wf_fsd_rename(file, "\\x\\", FILE_RENAME_REPLACE_IF_EXISTS),
        STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileRenameInformation);
    assert_true(request_name_is(req, "\\dir2\\new"));
    assert_true(request_buf_is(req, req->Req.SetInformation.Info.Rename.NewFileName, "\\x"));
    assert_int_not_equal(req->Req.SetInformation.Info.Rename.AccessToken, 0);
    assert_int_equal(req->Req.SetInformation.Info.RenameEx.Flags,
        FILE_RENAME_REPLACE_IF_EXISTS);

    /* Other flags: FileRenameInformationEx, with the flags WinFsp passes. */
    assert_int_equal(wf_fsd_rename(file, "\\y", FILE_RENAME_POSIX_SEMANTICS |
        FILE_RENAME_IGNORE_READONLY_ATTRIBUTE | FILE_RENAME_SUPPRESS_PIN_STATE_INHERITANCE),
        STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileRenameInformationEx);
    assert_int_equal(req->Req.SetInformation.Info.RenameEx.Flags,
        FILE_RENAME_POSIX_SEMANTICS | FILE_RENAME_IGNORE_READONLY_ATTRIBUTE);
    assert_int_equal(req->Req.SetInformation.Info.RenameEx.AccessToken, 0);
    assert_true(request_name_is(req, "\\x"));
    assert_true(request_name_is(close_and_get_cleanup(fake, file), "\\y"));
}

static void a_renamed_file_takes_its_sharing_and_delete_pending_along(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\a", DELETE | FILE_READ_DATA, FILE_SHARE_DELETE,
        FILE_OPEN, 0);
    wf_fsd_file *b = open_or_fail(fake, "\\a", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_file *file = NULL;
    const FSP_FSCTL_TRANSACT_REQ *cleanup;

    assert_int_equal(wf_fsd_rename(a, "\\b", 0), STATUS_SUCCESS);
    /* The old name is free; the new one carries the exclusive reader. */
    file = open_or_fail(fake, "\\a", GENERIC_ALL, 0, FILE_OPEN, 0);
    wf_fsd_close(file);
    assert_int_equal(try_open(fake, "\\b", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS, FILE_OPEN,
        &file), STATUS_SHARING_VIOLATION);
    /* The other handle to the file followed it too. */
    assert_int_equal(wf_fsd_set_disposition(b, FILE_DISPOSITION_DELETE, false),
        STATUS_SUCCESS);
    assert_true(request_name_is(last_request(fake), "\\b"));
    assert_int_equal(try_open(fake, "\\b", FILE_READ_ATTRIBUTES, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, &file), STATUS_DELETE_PENDING);
    assert_int_equal(close_and_get_cleanup(fake, a)->Req.Cleanup.Delete, 0);
    cleanup = close_and_get_cleanup(fake, b);
    assert_int_equal(cleanup->Req.Cleanup.Delete, 1);
    assert_true(request_name_is(cleanup, "\\b"));
}

static void rename_is_checked_before_any_request(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *reader = open_or_fail(fake, "\\f", GENERIC_READ, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *file = open_or_fail(fake, "\\g", DELETE, 0, FILE_OPEN, 0);
    wf_fsd_file *root = open_or_fail(fake, "\\", DELETE | FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    size_t before = fake->logged;

    /* NtSetInformationFile: a rename needs DELETE. */
    assert_int_equal(wf_fsd_rename(reader, "\\h", 0), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_rename(root, "\\h", 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_rename(file, "h", 0), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_fsd_rename(file, "\\a*b", 0), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_fsd_rename(file, "\\a\\..\\b", 0), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(wf_fsd_rename(file, "\\", 0), STATUS_ACCESS_DENIED);
    /* Exactly the same name: done, without the file system. */
    assert_int_equal(wf_fsd_rename(file, "\\g", FILE_RENAME_REPLACE_IF_EXISTS), STATUS_SUCCESS);
    assert_int_equal(fake->logged, before);
    /* A case-only rename is a rename. */
    assert_int_equal(wf_fsd_rename(file, "\\G", 0), STATUS_SUCCESS);
    assert_int_equal(fake->logged, before + 1);
    wf_fsd_close(reader);
    wf_fsd_close(file);
    wf_fsd_close(root);
}

static void a_directory_with_open_files_below_cannot_be_renamed(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_file *inner = open_or_fail(fake, "\\dir\\sub\\f", FILE_READ_ATTRIBUTES,
        FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_file *sibling = open_or_fail(fake, "\\dirt", FILE_READ_DATA, 0, FILE_OPEN, 0);
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_rename(dir, "\\d2", 0), STATUS_ACCESS_DENIED);
    /* POSIX semantics: allowed when every handle below shares delete. */
    assert_int_equal(fake->logged, before);
    assert_int_equal(wf_fsd_rename(dir, "\\d2", FILE_RENAME_POSIX_SEMANTICS), STATUS_SUCCESS);
    assert_int_equal(fake->logged, before + 1);
    /* Open files below follow the directory; a name that merely begins alike does not. */
    assert_true(request_name_is(close_and_get_cleanup(fake, inner), "\\d2\\sub\\f"));
    assert_true(request_name_is(close_and_get_cleanup(fake, sibling), "\\dirt"));
    /* With nothing open below, a plain rename goes through. */
    assert_int_equal(wf_fsd_rename(dir, "\\d3", 0), STATUS_SUCCESS);
    wf_fsd_close(dir);
}

static void a_posix_rename_needs_handles_below_to_share_delete(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0);
    wf_fsd_file *inner = open_or_fail(fake, "\\dir\\f", FILE_READ_DATA, FILE_SHARE_READ,
        FILE_OPEN, 0);
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_rename(dir, "\\d2", FILE_RENAME_POSIX_SEMANTICS),
        STATUS_SHARING_VIOLATION);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(inner);
    wf_fsd_close(dir);
}

static void an_open_file_cannot_be_replaced(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", DELETE, 0, FILE_OPEN, 0);
    wf_fsd_file *target = open_or_fail(fake, "\\t", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS,
        FILE_OPEN, 0);
    wf_fsd_file *dir = open_or_fail(fake, "\\d", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_file *below = open_or_fail(fake, "\\d\\x", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    size_t before = fake->logged;

    assert_int_equal(wf_fsd_rename(file, "\\t", FILE_RENAME_REPLACE_IF_EXISTS),
        STATUS_ACCESS_DENIED);
    /* A directory with open files below cannot be replaced, even with POSIX semantics. */
    wf_fsd_close(dir);
    before = fake->logged;
    assert_int_equal(wf_fsd_rename(file, "\\d", FILE_RENAME_REPLACE_IF_EXISTS |
        FILE_RENAME_POSIX_SEMANTICS), STATUS_ACCESS_DENIED);
    assert_int_equal(fake->logged, before);

    /* POSIX semantics replace an open file whose handles share delete; that file leaves
       the name (its handle stays open on it) and the renamed file takes it. */
    assert_int_equal(wf_fsd_rename(file, "\\t", FILE_RENAME_REPLACE_IF_EXISTS |
        FILE_RENAME_POSIX_SEMANTICS), STATUS_SUCCESS);
    assert_int_equal(fake->logged, before + 1);
    assert_true(request_name_is(close_and_get_cleanup(fake, target), "\\t"));
    assert_int_equal(try_open(fake, "\\t", FILE_READ_DATA, FILE_SHARE_VALID_FLAGS, FILE_OPEN,
        &target), STATUS_SHARING_VIOLATION);
    wf_fsd_close(below);
    wf_fsd_close(file);
}

static void link_builds_the_rename_layout_with_class_eleven(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_file *open_target = open_or_fail(fake, "\\busy", FILE_READ_DATA, 0, FILE_OPEN, 0);
    const FSP_FSCTL_TRANSACT_REQ *req;
    size_t before;

    /* No access is needed on the handle. */
    assert_int_equal(wf_fsd_link(file, "\\dir\\g", false), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactSetInformationKind);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileLinkInformation);
    assert_int_equal(req->Req.SetInformation.UserContext, 0x1001);
    assert_true(request_name_is(req, "\\f"));
    assert_true(request_buf_is(req, req->Req.SetInformation.Info.Rename.NewFileName,
        "\\dir\\g"));
    assert_int_equal(req->Req.SetInformation.Info.Rename.AccessToken, 0);
    assert_int_equal(wf_fsd_link(file, "\\h", true), STATUS_SUCCESS);
    assert_int_not_equal(last_request(fake)->Req.SetInformation.Info.Rename.AccessToken, 0);

    before = fake->logged;
    assert_int_equal(wf_fsd_link(file, "\\busy", true), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_link(file, "\\a:b", false), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(fake->logged, before);
    /* The handle keeps its own name. */
    assert_true(request_name_is(close_and_get_cleanup(fake, file), "\\f"));
    wf_fsd_close(open_target);
}

/* ---- FlushBuffers, SetVolumeInformation ------------------------------------------------ */

static void flush_sends_the_handles_contexts_or_zero_for_the_volume(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_WRITE, 0, FILE_OPEN, 0);
    wf_fsd_file *root = open_or_fail(fake, "\\", GENERIC_WRITE, 0, FILE_OPEN, 0);
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", GENERIC_WRITE, 0, FILE_OPEN, 0);
    wf_fsd_file *reader = open_or_fail(fake, "\\g", GENERIC_READ, 0, FILE_OPEN, 0);
    FSP_FSCTL_FILE_INFO info;
    const FSP_FSCTL_TRANSACT_REQ *req;
    size_t before;

    assert_int_equal(wf_fsd_flush(fake->fsd, file, &info), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactFlushBuffersKind);
    assert_int_equal(req->Req.FlushBuffers.UserContext, 0x1001);
    assert_int_equal(req->Req.FlushBuffers.UserContext2, 0x2001);
    assert_int_equal(info.FileSize, 77);

    assert_int_equal(wf_fsd_flush(fake->fsd, NULL, NULL), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactFlushBuffersKind);
    assert_int_equal(req->Req.FlushBuffers.UserContext, 0);
    assert_int_equal(req->Req.FlushBuffers.UserContext2, 0);
    /* The root flushes the volume; another directory has nothing to flush. */
    assert_int_equal(wf_fsd_flush(fake->fsd, root, NULL), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.FlushBuffers.UserContext, 0);
    before = fake->logged;
    assert_int_equal(wf_fsd_flush(fake->fsd, dir, NULL), STATUS_SUCCESS);
    assert_int_equal(wf_fsd_flush(fake->fsd, reader, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(fake->logged, before);
    fake->kind_status[FspFsctlTransactFlushBuffersKind] = STATUS_DISK_FULL;
    assert_int_equal(wf_fsd_flush(fake->fsd, file, NULL), STATUS_DISK_FULL);
    wf_fsd_close(file);
    wf_fsd_close(root);
    wf_fsd_close(dir);
    wf_fsd_close(reader);
}

static void volume_label_goes_in_utf16_with_its_nul(void **state)
{
    fake_fs *fake = *state;
    FSP_FSCTL_VOLUME_INFO info;
    const FSP_FSCTL_TRANSACT_REQ *req;

    assert_int_equal(wf_fsd_set_volume_label(fake->fsd, "D\xc3\xa9mo", &info), STATUS_SUCCESS);
    req = last_request(fake);
    assert_int_equal(req->Kind, FspFsctlTransactSetVolumeInformationKind);
    assert_int_equal(req->Req.SetVolumeInformation.FsInformationClass, FileFsLabelInformation);
    assert_int_equal(req->Req.SetVolumeInformation.Info.Label.VolumeLabel.Offset, 0);
    assert_true(request_buf_is(req, req->Req.SetVolumeInformation.Info.Label.VolumeLabel,
        "D\xc3\xa9mo"));
    assert_int_equal(req->FileName.Size, 0);
    assert_int_equal(info.VolumeLabelLength, 8);
    assert_int_equal(info.VolumeLabel[1], 0xe9);

    /* An empty label removes it. */
    assert_int_equal(wf_fsd_set_volume_label(fake->fsd, "", NULL), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.SetVolumeInformation.Info.Label.VolumeLabel.Size, 2);
    assert_int_equal(wf_fsd_set_volume_label(fake->fsd, "\xff", NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(last_request(fake)->Req.SetVolumeInformation.Info.Label.VolumeLabel.Size, 2);
}

/* ---- QueryDirectory, one call at a time ------------------------------------------------ */

static NTSTATUS query_once(fake_fs *fake, wf_fsd_file *dir, const char *pattern,
    uint32_t flags, listing *l)
{
    (void)fake;
    memset(l, 0, sizeof *l);
    return wf_fsd_query_directory_once(dir, pattern, flags, listing_add, l);
}

static uint64_t request_marker(const FSP_FSCTL_TRANSACT_REQ *req)
{
    uint64_t marker;
    assert_int_equal(req->Req.QueryDirectory.Marker.Size, 8);
    memcpy(&marker, req->Buffer + req->Req.QueryDirectory.Marker.Offset, 8);
    return marker;
}

static void each_call_returns_what_one_response_holds_then_no_more_files(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    listing l;
    size_t first = fake->logged;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 4;
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 4);
    assert_string_equal(l.names[0], ".");
    assert_int_equal(fake->logged - first, 1);
    assert_int_equal(last_request(fake)->Req.QueryDirectory.Marker.Size, 0);
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 4);
    assert_string_equal(l.names[0], "c.dat");
    assert_int_equal(request_marker(last_request(fake)), 4);
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.names[1], "z");
    assert_int_equal(request_marker(last_request(fake)), 8);
    /* The end record came with the last entries: no more requests. */
    assert_int_equal(fake->logged - first, 3);
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_NO_MORE_FILES);
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_NO_MORE_FILES);
    assert_int_equal(l.count, 0);
    assert_int_equal(fake->logged - first, 3);
    wf_fsd_close(dir);
}

static void return_single_entry_hands_out_buffered_records_one_by_one(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    listing l;
    size_t first = fake->logged;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    assert_int_equal(query_once(fake, dir, NULL, WF_FSD_RETURN_SINGLE_ENTRY, &l),
        STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], ".");
    assert_int_equal(query_once(fake, dir, NULL, WF_FSD_RETURN_SINGLE_ENTRY, &l),
        STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "..");
    /* Both came from the one response. */
    assert_int_equal(fake->logged - first, 1);
    /* A caller whose buffer fills after one entry gets one; the next call goes on. */
    memset(&l, 0, sizeof l);
    l.stop_after = 1;
    assert_int_equal(wf_fsd_query_directory_once(dir, NULL, 0, listing_add, &l),
        STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "a.txt");
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 7);
    assert_string_equal(l.names[0], "b.txt");
    assert_int_equal(query_once(fake, dir, NULL, WF_FSD_RETURN_SINGLE_ENTRY, &l),
        STATUS_NO_MORE_FILES);
    assert_int_equal(fake->logged - first, 1);
    wf_fsd_close(dir);
}

static void the_first_calls_pattern_holds_until_a_restart_names_another(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    listing l;
    size_t before;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 3;
    assert_int_equal(query_once(fake, dir, "*.txt", WF_FSD_RETURN_SINGLE_ENTRY, &l),
        STATUS_SUCCESS);
    assert_string_equal(l.names[0], "a.txt");
    /* A pattern without a restart is checked, then ignored. */
    assert_int_equal(query_once(fake, dir, "*.dat", 0, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "b.txt");
    before = fake->logged;
    assert_int_equal(query_once(fake, dir, "a|b", 0, &l), STATUS_OBJECT_NAME_INVALID);
    assert_int_equal(fake->logged, before);
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_NO_MORE_FILES);

    /* A restart without a pattern keeps it and starts from the beginning. */
    assert_int_equal(query_once(fake, dir, NULL, WF_FSD_RESTART_SCAN, &l), STATUS_SUCCESS);
    assert_int_equal(last_request(fake)->Req.QueryDirectory.Marker.Size, 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "a.txt");
    /* A restart with one takes it. */
    assert_int_equal(query_once(fake, dir, "c*", WF_FSD_RESTART_SCAN, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "c.dat");
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_NO_MORE_FILES);
    wf_fsd_close(dir);
}

static void no_such_file_until_something_matched_then_no_more_files(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    listing l;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 2;
    assert_int_equal(query_once(fake, dir, "*.none", 0, &l), STATUS_NO_SUCH_FILE);
    assert_int_equal(l.count, 0);
    /* The markers were followed across every response. */
    assert_int_equal(count_kind(fake, 0, FspFsctlTransactQueryDirectoryKind), 5);
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_NO_SUCH_FILE);
    assert_int_equal(query_once(fake, dir, "z", WF_FSD_RESTART_SCAN, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.names[0], "z");
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_NO_MORE_FILES);

    /* An empty directory: the very first call finds nothing. */
    fake->entry_count = 0;
    assert_int_equal(query_once(fake, dir, NULL, WF_FSD_RESTART_SCAN, &l),
        STATUS_NO_SUCH_FILE);
    wf_fsd_close(dir);
}

static void a_name_without_wildcards_is_returned_once(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    listing l;
    size_t before;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 3;
    assert_int_equal(query_once(fake, dir, "a.txt", 0, &l), STATUS_SUCCESS);
    assert_int_equal(l.count, 1);
    before = fake->logged;
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_NO_MORE_FILES);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(dir);
}

static void a_listing_that_never_moves_past_its_marker_is_refused(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    listing l;

    fake->entries = ten_entries;
    fake->entry_count = 10;
    fake->per_response = 2;
    fake->stuck_listing = true;
    assert_int_equal(query_once(fake, dir, "none", 0, &l), STATUS_INTERNAL_ERROR);
    assert_int_equal(count_kind(fake, 0, FspFsctlTransactQueryDirectoryKind), 2);
    wf_fsd_close(dir);
}

static void query_directory_once_checks_the_handle_and_its_flags(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *file = open_or_fail(fake, "\\f", GENERIC_READ, 0, FILE_OPEN, 0);
    wf_fsd_file *dir = open_or_fail(fake, "\\dir", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0);
    wf_fsd_file *listable = open_or_fail(fake, "\\dir2", FILE_LIST_DIRECTORY, 0, FILE_OPEN, 0);
    listing l;
    size_t before = fake->logged;

    assert_int_equal(query_once(fake, file, NULL, 0, &l), STATUS_INVALID_PARAMETER);
    assert_int_equal(query_once(fake, dir, NULL, 0, &l), STATUS_ACCESS_DENIED);
    assert_int_equal(query_once(fake, listable, NULL, 0x4, &l), STATUS_INVALID_PARAMETER);
    assert_int_equal(fake->logged, before);
    wf_fsd_close(file);
    wf_fsd_close(dir);
    wf_fsd_close(listable);
}

/* ---- cancellation ---------------------------------------------------------------------- */

typedef struct canceller {
    fake_fs *fake;
    uint64_t hints[8];
    size_t count;
} canceller;

/* Plays the engine: a cancelled request completes with STATUS_CANCELLED, inside the call. */
static void cancel_by_failing(void *ctx, uint64_t hint)
{
    canceller *c = ctx;
    assert_true(c->count < 8);
    c->hints[c->count++] = hint;
    assert_true(fake_fail_pending(c->fake, hint, STATUS_CANCELLED));
}

static void cancelling_a_handle_cancels_each_of_its_waiting_requests(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\a", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_file *b = open_or_fail(fake, "\\b", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    reader readers[3] = {
        { .fake = fake, .file = a, .offset = 0 },
        { .fake = fake, .file = a, .offset = 64 },
        { .fake = fake, .file = b, .offset = 128 },
    };
    canceller c = { .fake = fake, .count = 0 };
    pthread_t threads[3];
    uint64_t b_hint = 0;

    /* Without a callback there is no one to ask. */
    wf_fsd_cancel_file(a);
    wf_fsd_set_cancel(fake->fsd, cancel_by_failing, &c);
    fake->defer = true;
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, reader_main, &readers[i]), 0);
    assert_int_equal(fake_wait_pending(fake, 3), 3);
    for (size_t i = 0; i < 3; i++)
        if (fake->pending[i]->Req.Read.UserContext == 0x1002)
            b_hint = fake->pending[i]->Hint;
    assert_int_not_equal(b_hint, 0);

    wf_fsd_cancel_file(a);
    assert_int_equal(c.count, 2);
    assert_true(c.hints[0] < c.hints[1]);
    assert_true(c.hints[0] != b_hint && c.hints[1] != b_hint);
    pthread_join(threads[0], NULL);
    pthread_join(threads[1], NULL);
    assert_int_equal(readers[0].status, STATUS_CANCELLED);
    assert_int_equal(readers[1].status, STATUS_CANCELLED);
    assert_int_equal(readers[0].got, 0);
    /* Nothing left on a to cancel; b's request is untouched and completes normally. */
    wf_fsd_cancel_file(a);
    assert_int_equal(c.count, 2);
    assert_int_equal(fake_answer_pending(fake, 1), 1);
    pthread_join(threads[2], NULL);
    assert_int_equal(readers[2].status, STATUS_SUCCESS);
    fake->defer = false;
    wf_fsd_close(a);
    wf_fsd_close(b);
}

/* A file system that answers despite the cancellation wins the race: the caller gets its
   answer. */
static void ignore_cancel(void *ctx, uint64_t hint)
{
    canceller *c = ctx;
    c->hints[c->count++] = hint;
}

static void a_request_answered_despite_cancellation_returns_the_answer(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\a", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    reader r = { .fake = fake, .file = a, .offset = 3 };
    canceller c = { .fake = fake, .count = 0 };
    pthread_t thread;

    wf_fsd_set_cancel(fake->fsd, ignore_cancel, &c);
    fake->defer = true;
    assert_int_equal(pthread_create(&thread, NULL, reader_main, &r), 0);
    assert_int_equal(fake_wait_pending(fake, 1), 1);
    wf_fsd_cancel_file(a);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.hints[0], fake->pending[0]->Hint);
    assert_int_equal(fake_answer_pending(fake, 1), 1);
    pthread_join(thread, NULL);
    assert_int_equal(r.status, STATUS_SUCCESS);
    assert_int_equal(r.buffer[0], 3);
    fake->defer = false;
    wf_fsd_close(a);
}

static void cancelling_all_cancels_every_waiting_request_through_the_callback_given(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\a", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_file *b = open_or_fail(fake, "\\b", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    reader readers[2] = {
        { .fake = fake, .file = a, .offset = 0 },
        { .fake = fake, .file = b, .offset = 64 },
    };
    canceller owner = { .fake = fake, .count = 0 }, c = { .fake = fake, .count = 0 };
    pthread_t threads[2];

    wf_fsd_set_cancel(fake->fsd, cancel_by_failing, &owner);
    fake->defer = true;
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, reader_main, &readers[i]), 0);
    assert_int_equal(fake_wait_pending(fake, 2), 2);
    wf_fsd_cancel_all(fake->fsd, cancel_by_failing, &c);
    assert_int_equal(c.count, 2);
    assert_int_equal(owner.count, 0);
    for (size_t i = 0; i < 2; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(readers[i].status, STATUS_CANCELLED);
    }
    fake->defer = false;
    wf_fsd_close(a);
    wf_fsd_close(b);
}

/* A reader whose thread has a canceller (`winfuse mount`'s workers); begin: it starts a
   piece of work with key first. */
typedef struct thread_reader {
    reader r;
    wf_fsd_canceller *canceller;
    uint64_t key;
    bool begin;
} thread_reader;

static void *thread_reader_main(void *arg)
{
    thread_reader *t = arg;
    wf_fsd_set_thread_cancel(t->r.fake->fsd, t->canceller);
    if (t->begin)
        wf_fsd_cancel_begin(t->r.fake->fsd, t->canceller, t->key);
    reader_main(&t->r);
    wf_fsd_set_thread_cancel(t->r.fake->fsd, NULL);
    return NULL;
}

static void cancelling_a_thread_cancels_only_its_calls_and_only_for_its_current_key(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\a", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_canceller one = { 0 }, two = { 0 };
    thread_reader readers[2] = {
        { .r = { .fake = fake, .file = a, .offset = 0 }, .canceller = &one, .key = 11, .begin = true },
        { .r = { .fake = fake, .file = a, .offset = 64 }, .canceller = &two, .key = 22, .begin = true },
    };
    canceller c = { .fake = fake, .count = 0 };
    pthread_t threads[2];

    wf_fsd_set_cancel(fake->fsd, cancel_by_failing, &c);
    fake->defer = true;
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, thread_reader_main, &readers[i]), 0);
    assert_int_equal(fake_wait_pending(fake, 2), 2);
    /* A key the thread is not on (an INTERRUPT of a request it finished) cancels nothing. */
    wf_fsd_cancel_thread(fake->fsd, &one, 22);
    assert_int_equal(c.count, 0);
    wf_fsd_cancel_thread(fake->fsd, &one, 11);
    assert_int_equal(c.count, 1);
    pthread_join(threads[0], NULL);
    assert_int_equal(readers[0].r.status, STATUS_CANCELLED);
    /* The other thread's call is untouched and completes normally. */
    assert_int_equal(fake_answer_pending(fake, 1), 1);
    pthread_join(threads[1], NULL);
    assert_int_equal(readers[1].r.status, STATUS_SUCCESS);
    fake->defer = false;
    wf_fsd_close(a);
}

static void a_call_made_after_its_thread_was_cancelled_is_cancelled_once_submitted(void **state)
{
    fake_fs *fake = *state;
    wf_fsd_file *a = open_or_fail(fake, "\\a", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0);
    wf_fsd_canceller one = { 0 };
    /* The INTERRUPT came while the thread was between calls: nothing to cancel yet. */
    thread_reader t = { .r = { .fake = fake, .file = a, .offset = 0 }, .canceller = &one };
    canceller c = { .fake = fake, .count = 0 };
    pthread_t thread;

    wf_fsd_set_cancel(fake->fsd, cancel_by_failing, &c);
    wf_fsd_cancel_begin(fake->fsd, &one, 7);
    wf_fsd_cancel_thread(fake->fsd, &one, 7);
    assert_int_equal(c.count, 0);
    fake->defer = true;
    assert_int_equal(pthread_create(&thread, NULL, thread_reader_main, &t), 0);
    pthread_join(thread, NULL);
    /* Sent, then cancelled: the file system was asked, and its answer (here EINTR) is it. */
    assert_int_equal(c.count, 1);
    assert_int_equal(count_kind(fake, 0, FspFsctlTransactReadKind), 1);
    assert_int_equal(t.r.status, STATUS_CANCELLED);
    /* A new piece of work is not cancelled. */
    fake->defer = false;
    wf_fsd_cancel_begin(fake->fsd, &one, 8);
    t.begin = false;
    assert_int_equal(pthread_create(&thread, NULL, thread_reader_main, &t), 0);
    pthread_join(thread, NULL);
    assert_int_equal(t.r.status, STATUS_SUCCESS);
    assert_int_equal(c.count, 1);
    wf_fsd_close(a);
}

/* ---- change watches (NtNotifyChangeDirectoryFile) ---------------------------------------- */

typedef struct seen_changes {
    unsigned count;
    char text[512];             /* "ACTION:name " for each */
} seen_changes;

static void on_change(void *ctx, uint32_t action, const char *name)
{
    seen_changes *seen = ctx;
    size_t len = strlen(seen->text);
    snprintf(seen->text + len, sizeof seen->text - len, "%u:%s ", (unsigned)action, name);
    seen->count++;
}

/* What the engine reports: a record for path (UTF-8, from the root). */
static void report_change(fake_fs *fake, const char *path, uint32_t filter, uint32_t action)
{
    union { FSP_FSCTL_NOTIFY_INFO info; uint8_t bytes[sizeof(FSP_FSCTL_NOTIFY_INFO) + 512]; } r;
    size_t units = utf16_of(path, r.info.FileNameBuf, 256);
    r.info.Size = (uint16_t)(sizeof r.info + units * 2);
    r.info.Filter = filter;
    r.info.Action = action;
    wf_fsd_notify(fake->fsd, &r.info);
}

static wf_fsd_file *open_dir(fake_fs *fake, const char *path, uint32_t access)
{
    fake->create_attributes = FILE_ATTRIBUTE_DIRECTORY;
    wf_fsd_file *dir = open_or_fail(fake, path, access, WF_FSD_SHARE_ALL_FOR_TEST, FILE_OPEN,
        FILE_DIRECTORY_FILE);
    fake->create_attributes = 0;
    return dir;
}

static void a_watch_keeps_the_changes_in_its_directory_that_its_filter_selects(void **state)
{
    fake_fs *fake = *state;
    seen_changes seen = { 0, "" };
    wf_fsd_file *dir = open_dir(fake, "\\dir", FILE_LIST_DIRECTORY);
    wf_fsd_file *root = open_dir(fake, "\\", FILE_LIST_DIRECTORY);
    size_t logged = fake->logged;

    /* Arming: nothing kept yet. */
    assert_int_equal(wf_fsd_notify_change_directory(dir, FILE_NOTIFY_CHANGE_FILE_NAME, false,
        0, on_change, &seen), STATUS_TIMEOUT);
    assert_int_equal(wf_fsd_notify_change_directory(root, FILE_NOTIFY_VALID_MASK, true, 0,
        on_change, &seen), STATUS_TIMEOUT);
    report_change(fake, "\\dir\\a", FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_ADDED);
    report_change(fake, "\\dir\\sub\\b", FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_REMOVED);
    report_change(fake, "\\other\\c", FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_ADDED);
    report_change(fake, "\\DIR\\d", FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_ADDED);
    report_change(fake, "\\dir\\e", FILE_NOTIFY_CHANGE_SIZE, FILE_ACTION_MODIFIED);
    report_change(fake, "\\dir", FILE_NOTIFY_CHANGE_DIR_NAME, FILE_ACTION_MODIFIED);

    /* \dir, names only, not the tree: a, and not b (below), c (elsewhere), d (another name
       on a case-sensitive volume), e (a size change), nor itself (its name is the root's). */
    assert_int_equal(wf_fsd_notify_change_directory(dir, 0x1, false, 0, on_change, &seen),
        STATUS_SUCCESS);
    assert_string_equal(seen.text, "1:a ");
    /* The root's tree: everything, relative to it. */
    seen = (seen_changes){ 0, "" };
    assert_int_equal(wf_fsd_notify_change_directory(root, 0x1, true, 0, on_change, &seen),
        STATUS_SUCCESS);
    assert_string_equal(seen.text, "1:dir\\a 2:dir\\sub\\b 1:other\\c 1:DIR\\d 3:dir\\e 3:dir ");
    /* Taken: the next call has nothing. */
    assert_int_equal(wf_fsd_notify_change_directory(root, 0x1, true, 0, on_change, &seen),
        STATUS_TIMEOUT);
    assert_int_equal(fake->logged, logged);     /* nothing went to the file system */
    wf_fsd_close(dir);
    wf_fsd_close(root);
    /* A closed handle's watch is gone: a change now reaches nothing, and nothing breaks. */
    report_change(fake, "\\dir\\f", FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_ADDED);
}

static void a_watch_that_overflows_asks_for_a_listing(void **state)
{
    fake_fs *fake = *state;
    seen_changes seen = { 0, "" };
    wf_fsd_file *dir = open_dir(fake, "\\dir", FILE_LIST_DIRECTORY);
    char name[32];

    assert_int_equal(wf_fsd_notify_change_directory(dir, FILE_NOTIFY_VALID_MASK, false, 0,
        on_change, &seen), STATUS_TIMEOUT);
    for (unsigned i = 0; i < 257; i++) {
        snprintf(name, sizeof name, "\\dir\\f%u", i);
        report_change(fake, name, FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_ADDED);
    }
    assert_int_equal(wf_fsd_notify_change_directory(dir, FILE_NOTIFY_VALID_MASK, false, 0,
        on_change, &seen), STATUS_NOTIFY_ENUM_DIR);
    assert_int_equal(seen.count, 0);
    /* After the overflow is told, changes are kept again. */
    report_change(fake, "\\dir\\g", FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_ADDED);
    assert_int_equal(wf_fsd_notify_change_directory(dir, FILE_NOTIFY_VALID_MASK, false, 0,
        on_change, &seen), STATUS_SUCCESS);
    assert_string_equal(seen.text, "1:g ");
    wf_fsd_close(dir);
}

typedef struct watcher {
    wf_fsd_file *dir;
    seen_changes seen;
    NTSTATUS status;
} watcher;

static void *watcher_main(void *arg)
{
    watcher *w = arg;
    w->status = wf_fsd_notify_change_directory(w->dir, FILE_NOTIFY_VALID_MASK, false, 60000,
        on_change, &w->seen);
    return NULL;
}

static void a_waiting_watch_wakes_when_a_change_comes(void **state)
{
    fake_fs *fake = *state;
    watcher w = { open_dir(fake, "\\dir", FILE_LIST_DIRECTORY), { 0, "" }, 0 };
    pthread_t thread;

    assert_int_equal(wf_fsd_notify_change_directory(w.dir, FILE_NOTIFY_VALID_MASK, false, 0,
        on_change, &w.seen), STATUS_TIMEOUT);
    assert_int_equal(pthread_create(&thread, NULL, watcher_main, &w), 0);
    /* Before or after the thread waits, the change is kept and ends its wait. */
    report_change(fake, "\\dir\\x", FILE_NOTIFY_CHANGE_FILE_NAME, FILE_ACTION_REMOVED);
    pthread_join(thread, NULL);
    assert_int_equal(w.status, STATUS_SUCCESS);
    assert_string_equal(w.seen.text, "2:x ");
    wf_fsd_close(w.dir);
}

static void a_watch_is_refused_as_nt_refuses_it(void **state)
{
    fake_fs *fake = *state;
    seen_changes seen = { 0, "" };
    wf_fsd_file *file = open_or_fail(fake, "\\f", FILE_READ_DATA, WF_FSD_SHARE_ALL_FOR_TEST,
        FILE_OPEN, 0);
    wf_fsd_file *nolist = open_dir(fake, "\\d1", FILE_READ_ATTRIBUTES);
    wf_fsd_file *dir = open_dir(fake, "\\d2", FILE_LIST_DIRECTORY | DELETE);

    assert_int_equal(wf_fsd_notify_change_directory(file, FILE_NOTIFY_VALID_MASK, false, 0,
        on_change, &seen), STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_notify_change_directory(nolist, FILE_NOTIFY_VALID_MASK, false, 0,
        on_change, &seen), STATUS_ACCESS_DENIED);
    assert_int_equal(wf_fsd_notify_change_directory(dir, 0, false, 0, on_change, &seen),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_notify_change_directory(dir, 0x1000, false, 0, on_change, &seen),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(wf_fsd_set_disposition(dir, FILE_DISPOSITION_DELETE, false),
        STATUS_SUCCESS);
    assert_int_equal(wf_fsd_notify_change_directory(dir, FILE_NOTIFY_VALID_MASK, false, 0,
        on_change, &seen), STATUS_DELETE_PENDING);
    assert_int_equal(wf_fsd_set_disposition(dir, 0, false), STATUS_SUCCESS);
    wf_fsd_close(file);
    wf_fsd_close(nolist);
    wf_fsd_close(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(create_builds_the_request_as_winfsp_fsd_does),
        T(a_watch_keeps_the_changes_in_its_directory_that_its_filter_selects),
        T(a_watch_that_overflows_asks_for_a_listing),
        T(a_waiting_watch_wakes_when_a_change_comes),
        T(a_watch_is_refused_as_nt_refuses_it),
        T(create_of_a_directory_sets_the_directory_attribute),
        T(create_passes_non_ascii_names_as_utf16),
        T(trailing_backslash_is_removed_and_flagged),
        T(leading_double_backslash_counts_as_one),
        T(invalid_names_never_reach_the_file_system),
        T(stream_names_are_parsed_as_winfsp_fsd_does),
        T(names_with_dots_and_spaces_that_are_not_dot_components_are_valid),
        T(create_parameters_are_checked_before_any_request),
        T(generic_rights_are_mapped_to_file_rights),
        T(create_failure_returns_its_status_and_no_handle),
        T(read_passes_the_callers_buffer_and_the_handles_contexts),
        T(read_at_or_past_the_size_it_was_told_ends_without_asking),
        T(read_across_the_size_it_was_told_is_shortened),
        T(read_follows_the_size_a_write_or_query_told),
        T(read_checks_the_handle_before_any_request),
        T(responses_may_arrive_later_from_another_thread),
        T(thirty_two_concurrent_reads_are_all_in_flight_together),
        T(a_response_that_matches_no_request_is_dropped),
        T(close_sends_cleanup_then_close_with_the_handles_contexts),
        T(close_is_posted_without_waiting_for_its_answer),
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
        T(create_passes_every_disposition_with_its_options),
        T(an_overwritten_open_sends_overwrite_with_the_opens_contexts),
        T(a_failed_overwrite_fails_the_create_and_leaves_no_handle),
        T(overwriting_a_hidden_or_system_file_needs_those_attributes),
        T(open_target_directory_opens_the_parent_of_the_name),
        T(open_target_directory_of_the_root_and_unknown_flags_are_refused),
        T(disposition_builds_the_request_with_the_files_path),
        T(disposition_is_checked_before_any_request),
        T(a_refused_delete_is_answered_again_without_asking),
        T(a_delete_pending_file_refuses_new_opens_and_goes_with_its_last_handle),
        T(clearing_the_disposition_before_the_last_cleanup_keeps_the_file),
        T(a_posix_delete_removes_the_name_at_the_setting_handles_cleanup),
        T(delete_on_close_makes_the_file_delete_pending_at_its_cleanup),
        T(write_passes_the_callers_data_and_returns_the_file_info),
        T(a_handle_that_may_only_append_always_appends),
        T(write_is_checked_before_any_request),
        T(a_write_answering_more_than_was_given_is_not_believed),
        T(basic_info_passes_times_and_attributes_as_winfsp_does),
        T(set_info_needs_the_access_windows_asks_for),
        T(end_of_file_and_allocation_pass_their_sizes),
        T(rename_builds_the_request_with_both_paths),
        T(a_renamed_file_takes_its_sharing_and_delete_pending_along),
        T(rename_is_checked_before_any_request),
        T(a_directory_with_open_files_below_cannot_be_renamed),
        T(a_posix_rename_needs_handles_below_to_share_delete),
        T(an_open_file_cannot_be_replaced),
        T(link_builds_the_rename_layout_with_class_eleven),
        T(flush_sends_the_handles_contexts_or_zero_for_the_volume),
        T(volume_label_goes_in_utf16_with_its_nul),
        T(each_call_returns_what_one_response_holds_then_no_more_files),
        T(return_single_entry_hands_out_buffered_records_one_by_one),
        T(the_first_calls_pattern_holds_until_a_restart_names_another),
        T(no_such_file_until_something_matched_then_no_more_files),
        T(a_name_without_wildcards_is_returned_once),
        T(a_listing_that_never_moves_past_its_marker_is_refused),
        T(query_directory_once_checks_the_handle_and_its_flags),
        T(cancelling_a_handle_cancels_each_of_its_waiting_requests),
        T(a_request_answered_despite_cancellation_returns_the_answer),
        T(cancelling_all_cancels_every_waiting_request_through_the_callback_given),
        T(cancelling_a_thread_cancels_only_its_calls_and_only_for_its_current_key),
        T(a_call_made_after_its_thread_was_cancelled_is_cancelled_once_submitted),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
