/* test_fuse_abi.c — winfuse/fuse_abi.h matches the system's <linux/fuse.h> item by item. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "winfuse/fuse_abi.h"
#include "support/linux_fuse_layout.h"

/*
 * How many items a 7.38 system header (the oldest supported, Debian 12's) compares. A newer
 * system header compares more; fewer means the list or the gates lost items.
 */
enum {
    WF_MIN_STRUCTS_COMPARED = 65,
    WF_MIN_FIELDS_COMPARED = 260,
    WF_MIN_CONSTANTS_COMPARED = 155,
};

/*
 * Each table test: every system item must exist on our side with the same numbers; every
 * item of ours gated ALL must be in the system table (else the linux side dropped it); the
 * newer items the system header lacks are reported, not failed.
 */

/* Our side: the same list, every gate on. */
struct wf_our_struct {
    const char *gate;
    struct wf_linux_fuse_struct item;
};

struct wf_our_field {
    const char *gate;
    struct wf_linux_fuse_field item;
};

struct wf_our_constant {
    const char *gate;
    struct wf_linux_fuse_constant item;
};

#define WF_MEMBER_SIZE(s, f) sizeof(((struct s *)0)->f)
#define WF_OUR_STRUCT(gate, s) { #gate, { #s, sizeof(struct s) } },
#define WF_OUR_FIELD(gate, s, f) \
    { #gate, { #s "." #f, offsetof(struct s, f), WF_MEMBER_SIZE(s, f) } },
#define WF_OUR_FLEX(gate, s, f) { #gate, { #s "." #f, offsetof(struct s, f), 0 } },
#define WF_OUR_CONST(gate, n) \
    { #gate, { #n, (uint64_t)(n), sizeof(n), ((n) * 0 - 1 > 0), false } },
#define WF_OUR_VALUE(gate, n) { #gate, { #n, (uint64_t)(n), sizeof(n), false, true } },

static const struct wf_our_struct wf_our_structs[] = {
    WF_FUSE_ABI_STRUCTS(WF_OUR_STRUCT)
};

static const struct wf_our_field wf_our_fields[] = {
    WF_FUSE_ABI_FIELDS(WF_OUR_FIELD, WF_OUR_FLEX)
};

static const struct wf_our_constant wf_our_constants[] = {
    WF_FUSE_ABI_CONSTANTS(WF_OUR_CONST, WF_OUR_VALUE)
};

#define WF_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Returns the index of name in a table of n entries whose name sits at stride, or n. */
static size_t wf_find(const void *table, size_t n, size_t stride, size_t name_offset,
    const char *name)
{
    const unsigned char *p = table;

    for (size_t i = 0; i < n; i++) {
        const char *const *entry_name = (const char *const *)(p + i * stride + name_offset);
        if (strcmp(*entry_name, name) == 0)
            return i;
    }
    return n;
}

#define WF_FIND(table, n, type, member, name) \
    wf_find((table), (n), sizeof(type), offsetof(type, member), (name))

static void wf_report(const char *kind, size_t compared, size_t ours_only, const char *sample)
{
    print_message("[ info ] %zu %s compared with <linux/fuse.h> 7.%u", compared, kind,
        (unsigned)wf_linux_fuse_minor);
    if (ours_only > 0)
        print_message("; %zu newer ones not, e.g. %s", ours_only, sample);
    print_message("\n");
}

static void struct_sizes_match_linux_header(void **state)
{
    size_t compared = 0, mismatched = 0, ours_only = 0;
    const char *sample = "";

    (void)state;
    for (size_t i = 0; i < wf_linux_fuse_struct_count; i++) {
        const struct wf_linux_fuse_struct *theirs = &wf_linux_fuse_structs[i];
        size_t j = WF_FIND(wf_our_structs, WF_COUNT(wf_our_structs), struct wf_our_struct,
            item.name, theirs->name);

        if (j == WF_COUNT(wf_our_structs)) {
            print_error("struct %s: in <linux/fuse.h> but not in fuse_abi.h\n", theirs->name);
            mismatched++;
            continue;
        }
        if (wf_our_structs[j].item.size != theirs->size) {
            print_error("sizeof(struct %s): ours %llu, linux %llu\n", theirs->name,
                (unsigned long long)wf_our_structs[j].item.size,
                (unsigned long long)theirs->size);
            mismatched++;
        }
        compared++;
    }
    for (size_t j = 0; j < WF_COUNT(wf_our_structs); j++) {
        const struct wf_our_struct *ours = &wf_our_structs[j];
        if (WF_FIND(wf_linux_fuse_structs, wf_linux_fuse_struct_count,
                struct wf_linux_fuse_struct, name, ours->item.name)
                < wf_linux_fuse_struct_count)
            continue;
        if (strcmp(ours->gate, "ALL") == 0) {
            print_error("struct %s: gated ALL but missing from the system table\n",
                ours->item.name);
            mismatched++;
        }
        if (ours_only++ == 0)
            sample = ours->item.name;
    }
    wf_report("structs", compared, ours_only, sample);
    assert_int_equal(mismatched, 0);
    assert_true(compared >= WF_MIN_STRUCTS_COMPARED);
}

static void field_offsets_and_sizes_match_linux_header(void **state)
{
    size_t compared = 0, mismatched = 0, ours_only = 0;
    const char *sample = "";

    (void)state;
    for (size_t i = 0; i < wf_linux_fuse_field_count; i++) {
        const struct wf_linux_fuse_field *theirs = &wf_linux_fuse_fields[i];
        size_t j = WF_FIND(wf_our_fields, WF_COUNT(wf_our_fields), struct wf_our_field,
            item.name, theirs->name);

        if (j == WF_COUNT(wf_our_fields)) {
            print_error("%s: in <linux/fuse.h> but not in fuse_abi.h\n", theirs->name);
            mismatched++;
            continue;
        }
        const struct wf_linux_fuse_field *ours = &wf_our_fields[j].item;
        if (ours->offset != theirs->offset || ours->size != theirs->size) {
            print_error("%s: ours at %llu size %llu, linux at %llu size %llu\n", theirs->name,
                (unsigned long long)ours->offset, (unsigned long long)ours->size,
                (unsigned long long)theirs->offset, (unsigned long long)theirs->size);
            mismatched++;
        }
        compared++;
    }
    for (size_t j = 0; j < WF_COUNT(wf_our_fields); j++) {
        const struct wf_our_field *ours = &wf_our_fields[j];
        if (WF_FIND(wf_linux_fuse_fields, wf_linux_fuse_field_count,
                struct wf_linux_fuse_field, name, ours->item.name)
                < wf_linux_fuse_field_count)
            continue;
        if (strcmp(ours->gate, "ALL") == 0) {
            print_error("%s: gated ALL but missing from the system table\n", ours->item.name);
            mismatched++;
        }
        if (ours_only++ == 0)
            sample = ours->item.name;
    }
    wf_report("fields", compared, ours_only, sample);
    assert_int_equal(mismatched, 0);
    assert_true(compared >= WF_MIN_FIELDS_COMPARED);
}

static void constants_match_linux_header_in_value_size_and_signedness(void **state)
{
    size_t compared = 0, mismatched = 0, ours_only = 0;
    const char *sample = "";

    (void)state;
    for (size_t i = 0; i < wf_linux_fuse_constant_count; i++) {
        const struct wf_linux_fuse_constant *theirs = &wf_linux_fuse_constants[i];
        size_t j = WF_FIND(wf_our_constants, WF_COUNT(wf_our_constants),
            struct wf_our_constant, item.name,
            theirs->name);

        if (j == WF_COUNT(wf_our_constants)) {
            print_error("%s: in <linux/fuse.h> but not in fuse_abi.h\n", theirs->name);
            mismatched++;
            continue;
        }
        const struct wf_linux_fuse_constant *ours = &wf_our_constants[j].item;
        bool same = ours->value == theirs->value;
        if (!theirs->value_only)
            same = same && ours->size == theirs->size && ours->is_unsigned == theirs->is_unsigned;
        if (!same && theirs->value_only) {
            print_error("%s: ours %#llx, linux %#llx\n", theirs->name,
                (unsigned long long)ours->value, (unsigned long long)theirs->value);
            mismatched++;
        } else if (!same) {
            print_error("%s: ours %#llx (%u bytes, %s), linux %#llx (%u bytes, %s)\n",
                theirs->name, (unsigned long long)ours->value, (unsigned)ours->size,
                ours->is_unsigned ? "unsigned" : "signed", (unsigned long long)theirs->value,
                (unsigned)theirs->size, theirs->is_unsigned ? "unsigned" : "signed");
            mismatched++;
        }
        compared++;
    }
    for (size_t j = 0; j < WF_COUNT(wf_our_constants); j++) {
        const struct wf_our_constant *ours = &wf_our_constants[j];
        if (WF_FIND(wf_linux_fuse_constants, wf_linux_fuse_constant_count,
                struct wf_linux_fuse_constant, name,
                ours->item.name) < wf_linux_fuse_constant_count)
            continue;
        if (strcmp(ours->gate, "ALL") == 0) {
            print_error("%s: gated ALL but missing from the system table\n", ours->item.name);
            mismatched++;
        }
        if (ours_only++ == 0)
            sample = ours->item.name;
    }
    wf_report("constants", compared, ours_only, sample);
    assert_int_equal(mismatched, 0);
    assert_true(compared >= WF_MIN_CONSTANTS_COMPARED);
}

/* The record macros are compared by evaluating both over every small length. */
static void dirent_record_macros_match_linux_header(void **state)
{
    (void)state;
    for (uint32_t n = 0; n <= 1024; n++) {
        struct fuse_dirent d;
        struct fuse_direntplus dp;

        memset(&d, 0, sizeof(d));
        memset(&dp, 0, sizeof(dp));
        d.namelen = n;
        dp.dirent.namelen = n;
        assert_int_equal(FUSE_DIRENT_ALIGN((uint64_t)n), wf_linux_fuse_dirent_align(n));
        assert_int_equal(FUSE_DIRENT_SIZE(&d), wf_linux_fuse_dirent_size(n));
        assert_int_equal(FUSE_DIRENTPLUS_SIZE(&dp), wf_linux_fuse_direntplus_size(n));
    }
    /* The arithmetic itself: a 1-byte name needs a 32-byte record, 8 bytes more per 8. */
    assert_int_equal(wf_linux_fuse_dirent_size(1), 32);
    assert_int_equal(wf_linux_fuse_dirent_size(8), 32);
    assert_int_equal(wf_linux_fuse_dirent_size(9), 40);
    assert_int_equal(wf_linux_fuse_direntplus_size(1), 160);
    assert_int_equal(FUSE_DIRENT_ALIGN((uint64_t)UINT32_MAX), (uint64_t)UINT32_MAX + 1);
}

static void protocol_version_is_7_45_and_not_older_than_system_header(void **state)
{
    (void)state;
    assert_int_equal(FUSE_KERNEL_VERSION, 7);
    assert_int_equal(FUSE_KERNEL_MINOR_VERSION, 45);
    assert_true(wf_linux_fuse_minor >= 38);
    assert_true(wf_linux_fuse_minor <= FUSE_KERNEL_MINOR_VERSION);
}

/* The 64-bit INIT capabilities split across flags/flags2 the way negotiation assumes. */
static void init_capabilities_above_bit_31_land_in_flags2(void **state)
{
    (void)state;
    assert_int_equal(sizeof(FUSE_SECURITY_CTX), 8);
    assert_int_equal((uint32_t)(FUSE_SECURITY_CTX >> 32), 1u << 0);
    assert_int_equal((uint32_t)(FUSE_PASSTHROUGH >> 32), 1u << 5);
    assert_int_equal((uint32_t)(FUSE_OVER_IO_URING >> 32), 1u << 9);
    assert_int_equal((uint32_t)(FUSE_REQUEST_TIMEOUT >> 32), 1u << 10);
    assert_int_equal(FUSE_DIRECT_IO_RELAX, FUSE_DIRECT_IO_ALLOW_MMAP);
    assert_int_equal(FUSE_WRITE_KILL_PRIV, FUSE_WRITE_KILL_SUIDGID);
    /* Clearing a low flag from a combined 64-bit word keeps the flags2 half. */
    uint64_t both = FUSE_ASYNC_READ | FUSE_SECURITY_CTX;
    both &= ~FUSE_ASYNC_READ;
    assert_int_equal(both, FUSE_SECURITY_CTX);
    assert_int_equal((uint32_t)FUSE_INIT_RESERVED, 0x80000000u);
    assert_true(FUSE_UNIQUE_RESEND == 0x8000000000000000ull);
}

static void opcode_names_are_the_symbols_without_their_prefix(void **state)
{
    (void)state;
    assert_string_equal(wf_fuse_opcode_name(FUSE_LOOKUP), "LOOKUP");
    assert_string_equal(wf_fuse_opcode_name(FUSE_READDIRPLUS), "READDIRPLUS");
    assert_string_equal(wf_fuse_opcode_name(FUSE_BATCH_FORGET), "BATCH_FORGET");
    assert_string_equal(wf_fuse_opcode_name(FUSE_STATX), "STATX");
    assert_null(wf_fuse_opcode_name(0));
    assert_null(wf_fuse_opcode_name(4096));     /* CUSE_INIT: not a FUSE opcode */
    assert_null(wf_fuse_opcode_name(UINT32_MAX));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(struct_sizes_match_linux_header),
        cmocka_unit_test(field_offsets_and_sizes_match_linux_header),
        cmocka_unit_test(constants_match_linux_header_in_value_size_and_signedness),
        cmocka_unit_test(dirent_record_macros_match_linux_header),
        cmocka_unit_test(protocol_version_is_7_45_and_not_older_than_system_header),
        cmocka_unit_test(init_capabilities_above_bit_31_land_in_flags2),
        cmocka_unit_test(opcode_names_are_the_symbols_without_their_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
