/* test_winfsp_abi.c — WinFsp messages, as bytes at MSVC x64 positions, through our structs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/winfsp_abi.h"

/* The wire is little-endian; these write and read it byte by byte, independent of the
   structs, so that a test states each field's position only once: as a number. */
static void put16(uint8_t *p, size_t off, uint16_t v)
{
    p[off] = (uint8_t)v;
    p[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
    put16(p, off, (uint16_t)v);
    put16(p, off + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
    put32(p, off, (uint32_t)v);
    put32(p, off + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p, size_t off)
{
    return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
        (uint32_t)p[off + 3] << 24;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
    return (uint64_t)get32(p, off) | (uint64_t)get32(p, off + 4) << 32;
}

/* A zeroed, suitably aligned message buffer, as the FSD hands one over. */
static uint8_t *message(size_t size)
{
    uint8_t *p = calloc(1, size);
    assert_non_null(p);
    return p;
}

static void test_create_request_bytes_read_back_through_the_struct(void **state)
{
    static const uint16_t name[] = { '\\', 'd', 'i', 'r', '\\', 'f', ':', 's' };
    size_t size = 88 + sizeof name;
    uint8_t *bytes = message(FSP_FSCTL_DEFAULT_ALIGN_UP(size));
    (void)state;

    put16(bytes, 0, 0);
    put16(bytes, 2, (uint16_t)size);
    put32(bytes, 4, FspFsctlTransactCreateKind);
    put64(bytes, 8, 0x1122334455667788u);
    put32(bytes, 16, (uint32_t)FILE_OPEN_IF << 24 | FILE_NON_DIRECTORY_FILE);
    put32(bytes, 20, FILE_ATTRIBUTE_ARCHIVE);
    put64(bytes, 32, 4096);
    put64(bytes, 40, WF_FSP_ACCESS_TOKEN(4242, 0x2a8));
    put32(bytes, 48, FILE_GENERIC_READ);
    put32(bytes, 56, FILE_SHARE_READ | FILE_SHARE_DELETE);
    /* flags unit: UserMode (bit 0), OpenTargetDirectory (4), CaseSensitive (5),
       EaIsReparsePoint (8); then ReservedFlags alone in the next unit */
    put32(bytes, 64, 1u << 0 | 1u << 4 | 1u << 5 | 1u << 8);
    put32(bytes, 68, 0x00abcdefu);
    put16(bytes, 72, 12);                         /* ':' is the 7th code unit */
    put16(bytes, 80, 0);                          /* FileName at Buffer offset 0 ... */
    put16(bytes, 82, sizeof name);
    memcpy(bytes + 88, name, sizeof name);        /* ... which is byte 88 of the request */

    const FSP_FSCTL_TRANSACT_REQ *req = (const FSP_FSCTL_TRANSACT_REQ *)bytes;
    assert_int_equal(req->Size, size);
    assert_int_equal(req->Kind, FspFsctlTransactCreateKind);
    assert_true(req->Hint == 0x1122334455667788u);
    assert_int_equal(req->Req.Create.CreateOptions >> 24, FILE_OPEN_IF);
    assert_int_equal(req->Req.Create.CreateOptions & FILE_VALID_OPTION_FLAGS,
        FILE_NON_DIRECTORY_FILE);
    assert_int_equal(req->Req.Create.FileAttributes, FILE_ATTRIBUTE_ARCHIVE);
    assert_true(req->Req.Create.AllocationSize == 4096);
    assert_int_equal(FSP_FSCTL_TRANSACT_REQ_TOKEN_PID(req->Req.Create.AccessToken), 4242);
    assert_int_equal(FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(req->Req.Create.AccessToken), 0x2a8);
    assert_int_equal(req->Req.Create.DesiredAccess, FILE_GENERIC_READ);
    assert_int_equal(req->Req.Create.ShareAccess, FILE_SHARE_READ | FILE_SHARE_DELETE);
    assert_int_equal(req->Req.Create.UserMode, 1);
    assert_int_equal(req->Req.Create.HasTraversePrivilege, 0);
    assert_int_equal(req->Req.Create.OpenTargetDirectory, 1);
    assert_int_equal(req->Req.Create.CaseSensitive, 1);
    assert_int_equal(req->Req.Create.HasTrailingBackslash, 0);
    assert_int_equal(req->Req.Create.EaIsReparsePoint, 1);
    assert_int_equal(req->Req.Create.ReservedFlags, 0x00abcdef);
    assert_int_equal(req->Req.Create.NamedStream, 12);

    const uint8_t *file_name = req->Buffer + req->FileName.Offset;
    assert_ptr_equal(file_name, bytes + 88);
    assert_int_equal(req->FileName.Size, sizeof name);
    assert_memory_equal(file_name, name, sizeof name);
    uint16_t colon;
    memcpy(&colon, file_name + req->Req.Create.NamedStream, sizeof colon);
    assert_int_equal(colon, ':');
    free(bytes);
}

static void test_request_bit_fields_sit_at_msvc_bit_positions(void **state)
{
    uint8_t *bytes = message(sizeof(FSP_FSCTL_TRANSACT_REQ));
    const FSP_FSCTL_TRANSACT_REQ *req = (const FSP_FSCTL_TRANSACT_REQ *)bytes;
    (void)state;

    /* Overwrite: Supersede owns the whole unit at 48, so Ea comes at 52 */
    put32(bytes, 48, 1);
    put16(bytes, 52, 8);
    put16(bytes, 54, 20);
    assert_int_equal(req->Req.Overwrite.Supersede, 1);
    assert_int_equal(req->Req.Overwrite.Ea.Offset, 8);
    assert_int_equal(req->Req.Overwrite.Ea.Size, 20);

    /* Cleanup: Delete (bit 0) ... SetChangeTime (bit 5) at 32 */
    memset(bytes, 0, sizeof(FSP_FSCTL_TRANSACT_REQ));
    put32(bytes, 32, 1u << 0 | 1u << 2 | 1u << 5);
    assert_int_equal(req->Req.Cleanup.Delete, 1);
    assert_int_equal(req->Req.Cleanup.SetAllocationSize, 0);
    assert_int_equal(req->Req.Cleanup.SetArchiveBit, 1);
    assert_int_equal(req->Req.Cleanup.SetLastAccessTime, 0);
    assert_int_equal(req->Req.Cleanup.SetLastWriteTime, 0);
    assert_int_equal(req->Req.Cleanup.SetChangeTime, 1);

    /* Write: ConstrainedIo after Key */
    memset(bytes, 0, sizeof(FSP_FSCTL_TRANSACT_REQ));
    put32(bytes, 52, 7);
    put32(bytes, 56, 1);
    assert_int_equal(req->Req.Write.Key, 7);
    assert_int_equal(req->Req.Write.ConstrainedIo, 1);

    /* QueryDirectory: CaseSensitive (bit 0), PatternIsFileName (bit 1) after Marker */
    memset(bytes, 0, sizeof(FSP_FSCTL_TRANSACT_REQ));
    put32(bytes, 52, 1u << 1);
    assert_int_equal(req->Req.QueryDirectory.CaseSensitive, 0);
    assert_int_equal(req->Req.QueryDirectory.PatternIsFileName, 1);

    /* SetInformation: Disposition.Delete and DispositionEx.Flags share the Info slot */
    memset(bytes, 0, sizeof(FSP_FSCTL_TRANSACT_REQ));
    put32(bytes, 32, FileDispositionInformationEx);
    put32(bytes, 40, FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS);
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileDispositionInformationEx);
    assert_int_equal(req->Req.SetInformation.Info.Disposition.Delete, 1);
    assert_int_equal(req->Req.SetInformation.Info.DispositionEx.Flags,
        FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS);
    free(bytes);
}

static void test_rename_ex_request_finds_new_name_after_file_name(void **state)
{
    static const uint16_t from[] = { '\\', 'a' };
    static const uint16_t to[] = { '\\', 'b', 'c' };
    size_t size = 88 + sizeof from + sizeof to;
    uint8_t *bytes = message(FSP_FSCTL_DEFAULT_ALIGN_UP(size));
    (void)state;

    put16(bytes, 2, (uint16_t)size);
    put32(bytes, 4, FspFsctlTransactSetInformationKind);
    put32(bytes, 32, FileRenameInformationEx);
    put16(bytes, 40, sizeof from);                /* NewFileName right after FileName */
    put16(bytes, 42, sizeof to);
    put64(bytes, 48, WF_FSP_ACCESS_TOKEN(0x80000001u, 0xffffffffu));
    put32(bytes, 56, FILE_RENAME_REPLACE_IF_EXISTS | FILE_RENAME_POSIX_SEMANTICS);
    put16(bytes, 80, 0);
    put16(bytes, 82, sizeof from);
    memcpy(bytes + 88, from, sizeof from);
    memcpy(bytes + 88 + sizeof from, to, sizeof to);

    const FSP_FSCTL_TRANSACT_REQ *req = (const FSP_FSCTL_TRANSACT_REQ *)bytes;
    const FSP_FSCTL_TRANSACT_BUF *new_name = &req->Req.SetInformation.Info.RenameEx.NewFileName;
    assert_int_equal(req->Req.SetInformation.FileInformationClass, FileRenameInformationEx);
    assert_memory_equal(req->Buffer + req->FileName.Offset, from, sizeof from);
    assert_int_equal(new_name->Size, sizeof to);
    assert_memory_equal(req->Buffer + new_name->Offset, to, sizeof to);
    assert_int_equal(req->Req.SetInformation.Info.RenameEx.Flags,
        FILE_RENAME_REPLACE_IF_EXISTS | FILE_RENAME_POSIX_SEMANTICS);
    /* Rename and RenameEx agree on the shared fields; the token halves do not sign-extend */
    uint64_t token = req->Req.SetInformation.Info.Rename.AccessToken;
    assert_int_equal(FSP_FSCTL_TRANSACT_REQ_TOKEN_PID(token), 0x80000001u);
    assert_true(FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(token) == 0xffffffffu);
    free(bytes);
}

static void test_create_response_written_through_struct_lands_at_msvc_offsets(void **state)
{
    static const uint16_t normalized[] = { '\\', 'D', 'i', 'r' };
    size_t size = sizeof(FSP_FSCTL_TRANSACT_RSP) + sizeof normalized;
    uint8_t *bytes = message(FSP_FSCTL_DEFAULT_ALIGN_UP(size));
    FSP_FSCTL_TRANSACT_RSP *rsp = (FSP_FSCTL_TRANSACT_RSP *)bytes;
    (void)state;

    rsp->Size = (UINT16)size;
    rsp->Kind = FspFsctlTransactCreateKind;
    rsp->Hint = 0xfeedfacecafebeefu;
    rsp->IoStatus.Information = FILE_CREATED;
    rsp->IoStatus.Status = 0xc0000035u;
    rsp->Rsp.Create.Opened.UserContext = 0x0102030405060708u;
    rsp->Rsp.Create.Opened.UserContext2 = 0x1112131415161718u;
    rsp->Rsp.Create.Opened.GrantedAccess = FILE_ALL_ACCESS;
    rsp->Rsp.Create.Opened.FileInfo.FileAttributes = FILE_ATTRIBUTE_DIRECTORY;
    rsp->Rsp.Create.Opened.FileInfo.FileSize = 0x123456789u;
    rsp->Rsp.Create.Opened.FileInfo.EaSize = 77;
    rsp->Rsp.Create.Opened.FileName.Offset = 0;
    rsp->Rsp.Create.Opened.FileName.Size = sizeof normalized;
    rsp->Rsp.Create.Opened.HasSecurityDescriptor = 1;
    memcpy(rsp->Buffer, normalized, sizeof normalized);

    assert_int_equal(get32(bytes, 0) >> 16, size);
    assert_int_equal(get32(bytes, 4), FspFsctlTransactCreateKind);
    assert_true(get64(bytes, 8) == 0xfeedfacecafebeefu);
    assert_int_equal(get32(bytes, 16), FILE_CREATED);
    assert_int_equal(get32(bytes, 20), 0xc0000035u);
    assert_true(get64(bytes, 24) == 0x0102030405060708u);
    assert_true(get64(bytes, 32) == 0x1112131415161718u);
    assert_int_equal(get32(bytes, 40), 0x001f01ffu);
    assert_int_equal(get32(bytes, 48), FILE_ATTRIBUTE_DIRECTORY);     /* FileInfo at 48 */
    assert_true(get64(bytes, 48 + 16) == 0x123456789u);
    assert_int_equal(get32(bytes, 48 + 68), 77);
    assert_int_equal(get32(bytes, 120), (uint32_t)sizeof normalized << 16);
    /* DisableCache is bit 0, HasSecurityDescriptor bit 1 */
    assert_int_equal(get32(bytes, 124), 1u << 1);
    assert_memory_equal(bytes + 128, normalized, sizeof normalized);
    free(bytes);
}

static void test_volume_params_flags_sit_at_msvc_bit_positions(void **state)
{
    FSP_FSCTL_VOLUME_PARAMS *vp = calloc(1, sizeof *vp);
    const uint8_t *bytes = (const uint8_t *)vp;
    (void)state;
    assert_non_null(vp);

    vp->Version = sizeof *vp;
    vp->FileInfoTimeout = 1000;
    vp->CaseSensitiveSearch = 1;
    vp->ReadOnlyVolume = 1;
    vp->PostCleanupWhenModifiedOnly = 1;
    vp->DeviceControl = 1;
    vp->UmFileContextIsUserContext2 = 1;
    vp->UmReservedFlags = 0x1f;
    vp->AllowOpenInKernelMode = 1;
    vp->SupportsPosixUnlinkRename = 1;
    vp->KmReservedFlags = 1;
    vp->Prefix[0] = '\\';
    vp->EaTimeoutValid = 1;
    vp->KmAdditionalReservedFlags = 1;
    vp->VolumeInfoTimeout = 5;
    vp->FsextControlCode = 0x12345678u;

    assert_int_equal(get32(bytes, 0) & 0xffff, 504);
    assert_int_equal(get32(bytes, 32), 1000);
    assert_int_equal(get32(bytes, 36),
        1u << 0 | 1u << 9 | 1u << 10 | 1u << 15 | 1u << 16 | 0x1fu << 19 | 1u << 24 |
        1u << 29 | 1u << 31);
    assert_int_equal(bytes[40], '\\');
    assert_int_equal(get32(bytes, 456), 1u << 4 | 1u << 5);
    assert_int_equal(get32(bytes, 460), 5);
    assert_int_equal(get32(bytes, 480), 0x12345678u);
    free(vp);
}

static void test_dir_info_name_follows_the_fixed_part(void **state)
{
    static const uint16_t name[] = { 'f', 'i', 'l', 'e' };
    size_t size = sizeof(FSP_FSCTL_DIR_INFO) + sizeof name;
    FSP_FSCTL_DIR_INFO *di = calloc(1, FSP_FSCTL_DEFAULT_ALIGN_UP(size));
    const uint8_t *bytes = (const uint8_t *)di;
    (void)state;
    assert_non_null(di);

    di->Size = (UINT16)size;
    di->FileInfo.IndexNumber = 99;
    di->NextOffset = 3;
    memcpy(di->FileNameBuf, name, sizeof name);

    assert_int_equal(get32(bytes, 0) & 0xffff, 104 + sizeof name);
    assert_true(get64(bytes, 8 + 56) == 99);
    assert_true(get64(bytes, 80) == 3);
    assert_memory_equal(bytes + 104, name, sizeof name);
    free(di);
}

static void test_batched_requests_follow_at_eight_byte_boundaries(void **state)
{
    (void)state;
    assert_int_equal(FSP_FSCTL_DEFAULT_ALIGN_UP(88), 88);
    assert_int_equal(FSP_FSCTL_DEFAULT_ALIGN_UP(89), 96);
    assert_int_equal(FSP_FSCTL_DEFAULT_ALIGN_UP(95), 96);
    /* the mask must not cut the high half of a 64-bit size, whatever the type of s */
    assert_true(FSP_FSCTL_ALIGN_UP((uint64_t)0x100000001u, 8u) == 0x100000008u);
}

static void test_generic_file_rights_have_their_published_values(void **state)
{
    (void)state;
    assert_int_equal(FILE_ALL_ACCESS, 0x001f01ffu);
    assert_int_equal(FILE_GENERIC_READ, 0x00120089u);
    assert_int_equal(FILE_GENERIC_WRITE, 0x00120116u);
    assert_int_equal(FILE_GENERIC_EXECUTE, 0x001200a0u);
}

static void test_transact_control_codes_have_winfsp_values(void **state)
{
    (void)state;
    assert_int_equal(FSP_FSCTL_TRANSACT, 0x00092150u);
    assert_int_equal(FSP_FSCTL_TRANSACT_BATCH, 0x000921d2u);
    assert_int_equal(FSP_IOCTL_TRANSACT, 0xc6572150u);
    assert_int_equal(FSCTL_GET_REPARSE_POINT, 0x000900a8u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_request_bytes_read_back_through_the_struct),
        cmocka_unit_test(test_request_bit_fields_sit_at_msvc_bit_positions),
        cmocka_unit_test(test_rename_ex_request_finds_new_name_after_file_name),
        cmocka_unit_test(test_create_response_written_through_struct_lands_at_msvc_offsets),
        cmocka_unit_test(test_volume_params_flags_sit_at_msvc_bit_positions),
        cmocka_unit_test(test_dir_info_name_follows_the_fixed_part),
        cmocka_unit_test(test_batched_requests_follow_at_eight_byte_boundaries),
        cmocka_unit_test(test_generic_file_rights_have_their_published_values),
        cmocka_unit_test(test_transact_control_codes_have_winfsp_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
