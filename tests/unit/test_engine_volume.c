/* test_engine_volume.c — SetVolumeInformation: the label kept by the engine for the session
   and reported by QueryVolumeInformation, with the sizes from STATFS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

/* SetVolumeInformation of class with an ASCII label, terminated as WinFsp's FSD sends it. */
static uint64_t submit_label(mock_fs *m, uint32_t class, const char *label)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetVolumeInformationKind);
    req->Req.SetVolumeInformation.FsInformationClass = class;
    uint16_t *p = (uint16_t *)(void *)req->Buffer;
    size_t n = strlen(label);
    for (size_t i = 0; i <= n; i++)
        p[i] = (uint8_t)label[i];
    req->Req.SetVolumeInformation.Info.Label.VolumeLabel.Offset = 0;
    req->Req.SetVolumeInformation.Info.Label.VolumeLabel.Size = (uint16_t)((n + 1) * 2);
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP((n + 1) * 2));
    return mock_submit(m, req);
}

/* Answers the STATFS the volume information needs (or fails it with error). */
static void answer_statfs(mock_fs *m, int32_t error)
{
    mock_request req = mock_expect_node(m, FUSE_STATFS, FUSE_ROOT_ID);
    struct fuse_statfs_out out;
    memset(&out, 0, sizeof out);
    out.st.blocks = 1000;
    out.st.bavail = 400;
    out.st.frsize = 4096;
    mock_reply(m, req.header.unique, error, error ? NULL : &out, error ? 0 : sizeof out);
}

static void assert_label(const FSP_FSCTL_VOLUME_INFO *info, const char *label)
{
    size_t n = strlen(label);
    assert_int_equal(info->VolumeLabelLength, n * 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(info->VolumeLabel[i], (uint8_t)label[i]);
}

static FSP_FSCTL_VOLUME_INFO query_volume(mock_fs *m)
{
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    answer_statfs(m, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.QueryVolumeInformation.VolumeInfo;
}

static void set_label_is_answered_with_sizes_and_reported_by_query(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    assert_int_equal(query_volume(m).VolumeLabelLength, 0);    /* none before it is set */

    uint64_t hint = submit_label(m, FileFsLabelInformation, "Data");
    answer_statfs(m, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.SetVolumeInformation.VolumeInfo.TotalSize, 1000 * 4096);
    assert_int_equal(rsp.Rsp.SetVolumeInformation.VolumeInfo.FreeSize, 400 * 4096);
    assert_label(&rsp.Rsp.SetVolumeInformation.VolumeInfo, "Data");

    FSP_FSCTL_VOLUME_INFO info = query_volume(m);
    assert_label(&info, "Data");
    mock_free(m);
}

static void empty_label_clears_it(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_label(m, FileFsLabelInformation, "Data");
    answer_statfs(m, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    hint = submit_label(m, FileFsLabelInformation, "");
    answer_statfs(m, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(query_volume(m).VolumeLabelLength, 0);
    mock_free(m);
}

static void label_of_32_characters_is_kept_and_33_is_invalid(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    const char *longest = "abcdefghijklmnopqrstuvwxyz012345";
    uint64_t hint = submit_label(m, FileFsLabelInformation, longest);
    answer_statfs(m, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    hint = submit_label(m, FileFsLabelInformation, "abcdefghijklmnopqrstuvwxyz0123456");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 50));
    FSP_FSCTL_VOLUME_INFO info = query_volume(m);
    assert_label(&info, longest);
    mock_free(m);
}

static void failed_statfs_leaves_the_label_unchanged(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_label(m, FileFsLabelInformation, "New");
    answer_statfs(m, -WF_EIO);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_DEVICE_ERROR);
    assert_int_equal(query_volume(m).VolumeLabelLength, 0);
    mock_free(m);
}

/* blocks × frsize beyond 64 bits is "as large as can be said", not a small wrapped number:
   2^52 blocks of 2^12 bytes would wrap to 0, and a file system reporting that looks full. */
static void statfs_sizes_beyond_64_bits_saturate(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    mock_request req = mock_expect_node(m, FUSE_STATFS, FUSE_ROOT_ID);
    struct fuse_statfs_out out;
    memset(&out, 0, sizeof out);
    out.st.blocks = UINT64_C(1) << 52;
    out.st.bavail = UINT64_MAX;
    out.st.frsize = 4096;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_true(rsp.Rsp.QueryVolumeInformation.VolumeInfo.TotalSize == UINT64_MAX);
    assert_true(rsp.Rsp.QueryVolumeInformation.VolumeInfo.FreeSize == UINT64_MAX);

    /* bsize stands in for a zero frsize, and saturates the same way. */
    hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    req = mock_expect_node(m, FUSE_STATFS, FUSE_ROOT_ID);
    memset(&out, 0, sizeof out);
    out.st.blocks = UINT64_MAX / 2;
    out.st.bavail = 3;
    out.st.bsize = 512;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    rsp = mock_response(m, hint);
    assert_true(rsp.Rsp.QueryVolumeInformation.VolumeInfo.TotalSize == UINT64_MAX);
    assert_true(rsp.Rsp.QueryVolumeInformation.VolumeInfo.FreeSize == 3 * 512);
    mock_free(m);
}

static void other_classes_are_invalid_info_class(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = submit_label(m, 6 /* FileFsControlInformation */, "x");
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_INFO_CLASS);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void label_outside_the_request_is_invalid_parameter(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactSetVolumeInformationKind);
    req->Req.SetVolumeInformation.FsInformationClass = FileFsLabelInformation;
    req->Req.SetVolumeInformation.Info.Label.VolumeLabel.Offset = 0;
    req->Req.SetVolumeInformation.Info.Label.VolumeLabel.Size = 64;    /* no Buffer bytes */
    uint64_t hint = mock_submit(m, req);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_INVALID_PARAMETER);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_label_is_answered_with_sizes_and_reported_by_query),
        cmocka_unit_test(empty_label_clears_it),
        cmocka_unit_test(label_of_32_characters_is_kept_and_33_is_invalid),
        cmocka_unit_test(failed_statfs_leaves_the_label_unchanged),
        cmocka_unit_test(statfs_sizes_beyond_64_bits_saturate),
        cmocka_unit_test(other_classes_are_invalid_info_class),
        cmocka_unit_test(label_outside_the_request_is_invalid_parameter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
