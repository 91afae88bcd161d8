/* test_attr_map.c — st_mode to file attributes and reparse tags, and fuse_attr to FSP_FSCTL_FILE_INFO. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/mappings.h"

/* Linux st_mode file types, spelled out: the test must not depend on the host's <sys/stat.h>. */
#define T_SOCK 0140000u
#define T_LNK  0120000u
#define T_REG  0100000u
#define T_BLK  0060000u
#define T_DIR  0040000u
#define T_CHR  0020000u
#define T_FIFO 0010000u

#define NT_UNIX_EPOCH UINT64_C(116444736000000000)

static void test_directory_is_directory_without_reparse_tag(void **state)
{
    (void)state;
    assert_int_equal(wf_mode_to_file_attributes(T_DIR | 0755), FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(wf_mode_to_reparse_tag(T_DIR | 0755), 0);
}

/* NT ignores READONLY on directories for access (and Explorer reads it as "customized"). */
static void test_unwritable_directory_is_not_readonly(void **state)
{
    (void)state;
    assert_int_equal(wf_mode_to_file_attributes(T_DIR | 0555), FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(wf_mode_to_file_attributes(T_DIR | 0000), FILE_ATTRIBUTE_DIRECTORY);
}

/* 0 is what WinFsp's FSD presents as FILE_ATTRIBUTE_NORMAL. */
static void test_writable_regular_file_has_no_attributes(void **state)
{
    (void)state;
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0644), 0);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0200), 0);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0020), 0);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0002), 0);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 06777), 0);
    assert_int_equal(wf_mode_to_reparse_tag(T_REG | 0644), 0);
}

static void test_regular_file_nobody_may_write_is_readonly(void **state)
{
    (void)state;
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0444), FILE_ATTRIBUTE_READONLY);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0555), FILE_ATTRIBUTE_READONLY);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0400), FILE_ATTRIBUTE_READONLY);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 0000), FILE_ATTRIBUTE_READONLY);
    assert_int_equal(wf_mode_to_file_attributes(T_REG | 07555), FILE_ATTRIBUTE_READONLY);
}

static void test_symlink_is_a_symlink_reparse_point(void **state)
{
    (void)state;
    assert_int_equal(wf_mode_to_file_attributes(T_LNK | 0777), FILE_ATTRIBUTE_REPARSE_POINT);
    assert_int_equal(wf_mode_to_reparse_tag(T_LNK | 0777), IO_REPARSE_TAG_SYMLINK);
}

static void test_special_files_are_nfs_reparse_points(void **state)
{
    static const uint32_t types[] = { T_FIFO, T_SOCK, T_CHR, T_BLK };
    (void)state;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        assert_int_equal(wf_mode_to_file_attributes(types[i] | 0666), FILE_ATTRIBUTE_REPARSE_POINT);
        assert_int_equal(wf_mode_to_reparse_tag(types[i] | 0666), IO_REPARSE_TAG_NFS);
        assert_int_equal(wf_mode_to_file_attributes(types[i] | 0444),
            FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_READONLY);
    }
}

static void test_unknown_file_type_is_treated_as_regular(void **state)
{
    (void)state;
    assert_int_equal(wf_mode_to_file_attributes(0644), 0);
    assert_int_equal(wf_mode_to_file_attributes(0070000 | 0644), 0);
    assert_int_equal(wf_mode_to_file_attributes(0170000 | 0444), FILE_ATTRIBUTE_READONLY);
    assert_int_equal(wf_mode_to_reparse_tag(0070000 | 0644), 0);
}

static struct fuse_attr regular_attr(void)
{
    struct fuse_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.ino = 0x123456789ABCDEF0u;
    attr.size = 5000;
    attr.blocks = 16;
    attr.atime = 1700000300;
    attr.atimensec = 300000099;
    attr.mtime = 1700000200;
    attr.mtimensec = 200000000;
    attr.ctime = 1700000100;
    attr.ctimensec = 100000000;
    attr.mode = T_REG | 0644;
    attr.nlink = 3;
    attr.uid = 1000;
    attr.gid = 1000;
    attr.blksize = 4096;
    return attr;
}

static FSP_FSCTL_FILE_INFO convert(const struct fuse_attr *attr, uint32_t allocation_unit)
{
    FSP_FSCTL_FILE_INFO info;
    memset(&info, 0xA5, sizeof info);    /* every field must be written */
    wf_fuse_attr_to_file_info(attr, allocation_unit, &info);
    return info;
}

static uint64_t nt(int64_t seconds, uint32_t nanoseconds)
{
    return (uint64_t)(seconds + INT64_C(11644473600)) * 10000000 + nanoseconds / 100;
}

static void test_file_info_carries_every_field(void **state)
{
    struct fuse_attr attr = regular_attr();
    FSP_FSCTL_FILE_INFO info = convert(&attr, 4096);
    (void)state;
    assert_int_equal(info.FileAttributes, 0);
    assert_int_equal(info.ReparseTag, 0);
    assert_int_equal(info.FileSize, 5000);
    assert_int_equal(info.AllocationSize, 8192);
    assert_int_equal(info.LastAccessTime, nt(1700000300, 300000099));
    assert_int_equal(info.LastWriteTime, nt(1700000200, 200000000));
    assert_int_equal(info.ChangeTime, nt(1700000100, 100000000));
    assert_int_equal(info.IndexNumber, 0x123456789ABCDEF0u);
    assert_int_equal(info.HardLinks, 3);
    assert_int_equal(info.EaSize, 0);
}

static void test_file_info_takes_attributes_and_tag_from_the_mode(void **state)
{
    struct fuse_attr attr = regular_attr();
    FSP_FSCTL_FILE_INFO info;
    (void)state;
    attr.mode = T_LNK | 0777;
    attr.size = 11;
    attr.blocks = 0;
    info = convert(&attr, 4096);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_REPARSE_POINT);
    assert_int_equal(info.ReparseTag, IO_REPARSE_TAG_SYMLINK);
    /* A link has no data on Windows: its size (the target's length) reads as 0. */
    assert_int_equal(info.FileSize, 0);
    assert_int_equal(info.AllocationSize, 0);

    attr.mode = T_DIR | 0555;
    info = convert(&attr, 4096);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(info.ReparseTag, 0);

    attr.mode = T_REG | 0444;
    info = convert(&attr, 4096);
    assert_int_equal(info.FileAttributes, FILE_ATTRIBUTE_READONLY);
}

/* fuse_attr has no birth time: the earlier of ctime and mtime stands in for it. */
static void test_creation_time_is_the_earlier_of_ctime_and_mtime(void **state)
{
    struct fuse_attr attr = regular_attr();
    (void)state;
    assert_int_equal(convert(&attr, 4096).CreationTime, nt(1700000100, 100000000));
    attr.mtime = 1600000000;               /* a copy that kept an older mtime */
    assert_int_equal(convert(&attr, 4096).CreationTime, nt(1600000000, 200000000));
    attr.mtime = attr.ctime;               /* same second: the nanoseconds decide */
    attr.mtimensec = attr.ctimensec - 100;
    assert_int_equal(convert(&attr, 4096).CreationTime, nt(1700000100, 99999900));
}

/* The wire's unsigned seconds are the kernel's signed ones. */
static void test_times_before_1970_arrive_as_twos_complement(void **state)
{
    struct fuse_attr attr = regular_attr();
    FSP_FSCTL_FILE_INFO info;
    (void)state;
    attr.mtime = (uint64_t)-1;             /* 1969-12-31T23:59:59Z */
    attr.mtimensec = 0;
    attr.atime = (uint64_t)INT64_MIN;      /* far before 1601: clamps */
    info = convert(&attr, 4096);
    assert_int_equal(info.LastWriteTime, NT_UNIX_EPOCH - 10000000);
    assert_int_equal(info.CreationTime, NT_UNIX_EPOCH - 10000000);
    assert_int_equal(info.LastAccessTime, 0);
}

static void test_allocation_size_rounds_blocks_up_to_the_allocation_unit(void **state)
{
    struct fuse_attr attr = regular_attr();
    (void)state;
    attr.size = 100;
    attr.blocks = 24;                      /* preallocated beyond the size: 12288 bytes */
    assert_int_equal(convert(&attr, 4096).AllocationSize, 12288);
    attr.blocks = 25;                      /* 12800 bytes */
    assert_int_equal(convert(&attr, 4096).AllocationSize, 16384);
    assert_int_equal(convert(&attr, 65536).AllocationSize, 65536);
}

/* Many FUSE file systems report no blocks; NT needs AllocationSize >= FileSize regardless. */
static void test_allocation_size_is_never_below_the_file_size(void **state)
{
    struct fuse_attr attr = regular_attr();
    (void)state;
    attr.size = 5000;
    attr.blocks = 0;
    assert_int_equal(convert(&attr, 4096).AllocationSize, 8192);
    attr.size = 1 << 20;                   /* sparse: 1 MiB with 4 KiB allocated */
    attr.blocks = 8;
    assert_int_equal(convert(&attr, 4096).AllocationSize, 1 << 20);
    attr.size = 0;
    attr.blocks = 0;
    assert_int_equal(convert(&attr, 4096).AllocationSize, 0);
}

static void test_allocation_unit_zero_means_blocks_unrounded(void **state)
{
    struct fuse_attr attr = regular_attr();
    (void)state;
    attr.size = 1000;
    attr.blocks = 3;
    assert_int_equal(convert(&attr, 0).AllocationSize, 1536);
    attr.blocks = 0;
    assert_int_equal(convert(&attr, 0).AllocationSize, 1000);
}

/* Sizes are LARGE_INTEGERs in NT: a hostile file system cannot make them negative. */
static void test_huge_sizes_saturate_at_int64_max(void **state)
{
    struct fuse_attr attr = regular_attr();
    FSP_FSCTL_FILE_INFO info;
    (void)state;
    attr.size = UINT64_MAX;
    attr.blocks = UINT64_MAX;
    info = convert(&attr, 4096);
    assert_int_equal(info.FileSize, (uint64_t)INT64_MAX);
    assert_int_equal(info.AllocationSize, (uint64_t)INT64_MAX);

    attr.size = (uint64_t)INT64_MAX - 10;  /* rounding up would cross INT64_MAX */
    attr.blocks = 0;
    info = convert(&attr, 4096);
    assert_int_equal(info.FileSize, (uint64_t)INT64_MAX - 10);
    assert_int_equal(info.AllocationSize, (uint64_t)INT64_MAX);

    attr.size = 0;
    attr.blocks = (uint64_t)INT64_MAX / 512 + 1;   /* blocks * 512 would overflow */
    assert_int_equal(convert(&attr, 4096).AllocationSize, (uint64_t)INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directory_is_directory_without_reparse_tag),
        cmocka_unit_test(test_unwritable_directory_is_not_readonly),
        cmocka_unit_test(test_writable_regular_file_has_no_attributes),
        cmocka_unit_test(test_regular_file_nobody_may_write_is_readonly),
        cmocka_unit_test(test_symlink_is_a_symlink_reparse_point),
        cmocka_unit_test(test_special_files_are_nfs_reparse_points),
        cmocka_unit_test(test_unknown_file_type_is_treated_as_regular),
        cmocka_unit_test(test_file_info_carries_every_field),
        cmocka_unit_test(test_file_info_takes_attributes_and_tag_from_the_mode),
        cmocka_unit_test(test_creation_time_is_the_earlier_of_ctime_and_mtime),
        cmocka_unit_test(test_times_before_1970_arrive_as_twos_complement),
        cmocka_unit_test(test_allocation_size_rounds_blocks_up_to_the_allocation_unit),
        cmocka_unit_test(test_allocation_size_is_never_below_the_file_size),
        cmocka_unit_test(test_allocation_unit_zero_means_blocks_unrounded),
        cmocka_unit_test(test_huge_sizes_saturate_at_int64_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
