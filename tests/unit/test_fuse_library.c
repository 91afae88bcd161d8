/* test_fuse_library.c — telling a libfuse 2 program from a libfuse 3 one by its DT_NEEDED entries, on ELF files made here, sound and broken. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fuse_library.h"

#define BASE 0x400000u

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/wf-elf.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    return system(command) == 0 ? 0 : -1;
}

/* What to break in a made file. */
typedef struct elf_faults {
    bool strtab_unmapped;       /* DT_STRTAB names an address no PT_LOAD maps */
    bool needed_past_strsz;     /* a DT_NEEDED offset beyond DT_STRSZ */
    size_t truncate_to;         /* cut the file to this many bytes (0: whole) */
    /* Not faults: a PT_NOTE with the GNU build ID note, then the Go linker's (owner "Go",
       type 4, name "Go\0\0" as Go writes it, or go_note_name_size 3); no PT_DYNAMIC (a
       static program). */
    bool go_note;
    uint32_t go_note_name_size;
    bool no_dynamic;
} elf_faults;

/* Appends a note (namesz, descsz, type, name and description each padded to 4). */
static size_t put_note(unsigned char *out, const char *name, uint32_t namesz, uint32_t type,
    const char *desc)
{
    uint32_t descsz = (uint32_t)strlen(desc);
    size_t at = 12;
    memcpy(out, &namesz, 4);
    memcpy(out + 4, &descsz, 4);
    memcpy(out + 8, &type, 4);
    memset(out + at, 0, (namesz + 3u) & ~3u);
    memcpy(out + at, name, strlen(name));
    at += (namesz + 3u) & ~3u;
    memset(out + at, 0, (descsz + 3u) & ~3u);
    memcpy(out + at, desc, descsz);
    return at + ((descsz + 3u) & ~3u);
}

/* Strings laid out as a dynamic string table: "\0name1\0name2\0...". */
static size_t build_strtab(char *out, const char *const *names, size_t count, uint64_t *offsets)
{
    size_t len = 1;
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        offsets[i] = len;
        memcpy(out + len, names[i], strlen(names[i]) + 1);
        len += strlen(names[i]) + 1;
    }
    return len;
}

/* Writes an ELF64 executable image: header, PT_LOAD over the whole file, PT_DYNAMIC with
   DT_NEEDED for each name, DT_STRTAB, DT_STRSZ, DT_NULL; then the string table. */
static void write_elf64(const char *path, const char *const *names, size_t count,
    const elf_faults *faults)
{
    unsigned char image[4096];
    char strtab[512];
    uint64_t offsets[8];
    size_t strsz = build_strtab(strtab, names, count, offsets);
    size_t dyn_off = sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr);
    size_t dyn_count = count + 3;
    size_t str_off = dyn_off + dyn_count * sizeof(Elf64_Dyn);
    size_t note_off = (str_off + strsz + 3) & ~(size_t)3;
    size_t note_size = 0;
    unsigned char notes[256];
    if (faults->go_note) {
        note_size = put_note(notes, "GNU", 4, 3, "0123456789abcdef0123");
        note_size += put_note(notes + note_size, "Go", faults->go_note_name_size ?
            faults->go_note_name_size : 4, 4, "PUUs1khNr3rq/VmqNctmJapH/u8ydyc0MEcWb");
    }
    size_t size = faults->go_note ? note_off + note_size : str_off + strsz;
    Elf64_Ehdr eh;
    Elf64_Phdr ph[3];
    Elf64_Dyn dyn[16];

    memset(image, 0, sizeof image);
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_DYN;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = faults->go_note ? 3 : 2;
    memset(ph, 0, sizeof ph);
    ph[0].p_type = PT_LOAD;
    ph[0].p_offset = 0;
    ph[0].p_vaddr = BASE;
    ph[0].p_filesz = size;
    ph[0].p_memsz = size;
    ph[2].p_type = PT_NOTE;
    ph[2].p_offset = note_off;
    ph[2].p_vaddr = BASE + note_off;
    ph[2].p_filesz = note_size;
    ph[1].p_type = faults->no_dynamic ? PT_NULL : PT_DYNAMIC;
    ph[1].p_offset = dyn_off;
    ph[1].p_vaddr = BASE + dyn_off;
    ph[1].p_filesz = dyn_count * sizeof(Elf64_Dyn);
    for (size_t i = 0; i < count; i++) {
        dyn[i].d_tag = DT_NEEDED;
        dyn[i].d_un.d_val = faults->needed_past_strsz ? strsz + 10 : offsets[i];
    }
    dyn[count].d_tag = DT_STRTAB;
    dyn[count].d_un.d_ptr = faults->strtab_unmapped ? 0x10000000u : BASE + str_off;
    dyn[count + 1].d_tag = DT_STRSZ;
    dyn[count + 1].d_un.d_val = strsz;
    dyn[count + 2].d_tag = DT_NULL;
    dyn[count + 2].d_un.d_val = 0;

    memcpy(image, &eh, sizeof eh);
    memcpy(image + sizeof eh, ph, sizeof ph);
    memcpy(image + dyn_off, dyn, dyn_count * sizeof(Elf64_Dyn));
    memcpy(image + str_off, strtab, strsz);
    if (faults->go_note)
        memcpy(image + note_off, notes, note_size);
    if (faults->truncate_to)
        size = faults->truncate_to;

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, image, size), (ssize_t)size);
    close(fd);
}

/* The same in ELF32, sound. */
static void write_elf32(const char *path, const char *const *names, size_t count)
{
    unsigned char image[2048];
    char strtab[512];
    uint64_t offsets[8];
    size_t strsz = build_strtab(strtab, names, count, offsets);
    size_t dyn_off = sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr);
    size_t dyn_count = count + 3;
    size_t str_off = dyn_off + dyn_count * sizeof(Elf32_Dyn);
    size_t size = str_off + strsz;
    Elf32_Ehdr eh;
    Elf32_Phdr ph[2];
    Elf32_Dyn dyn[16];

    memset(image, 0, sizeof image);
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_DYN;
    eh.e_machine = EM_386;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = 2;
    memset(ph, 0, sizeof ph);
    ph[0].p_type = PT_LOAD;
    ph[0].p_vaddr = BASE;
    ph[0].p_filesz = (Elf32_Word)size;
    ph[0].p_memsz = (Elf32_Word)size;
    ph[1].p_type = PT_DYNAMIC;
    ph[1].p_offset = (Elf32_Off)dyn_off;
    ph[1].p_vaddr = (Elf32_Addr)(BASE + dyn_off);
    ph[1].p_filesz = (Elf32_Word)(dyn_count * sizeof(Elf32_Dyn));
    for (size_t i = 0; i < count; i++) {
        dyn[i].d_tag = DT_NEEDED;
        dyn[i].d_un.d_val = (Elf32_Word)offsets[i];
    }
    dyn[count].d_tag = DT_STRTAB;
    dyn[count].d_un.d_ptr = (Elf32_Addr)(BASE + str_off);
    dyn[count + 1].d_tag = DT_STRSZ;
    dyn[count + 1].d_un.d_val = (Elf32_Word)strsz;
    dyn[count + 2].d_tag = DT_NULL;
    dyn[count + 2].d_un.d_val = 0;
    memcpy(image, &eh, sizeof eh);
    memcpy(image + sizeof eh, ph, sizeof ph);
    memcpy(image + dyn_off, dyn, dyn_count * sizeof(Elf32_Dyn));
    memcpy(image + str_off, strtab, strsz);

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, image, size), (ssize_t)size);
    close(fd);
}

static wf_fuse_library library_of(const char *name, const char *const *needed, size_t count,
    const elf_faults *faults)
{
    static const elf_faults none;
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_elf64(path, needed, count, faults ? faults : &none);
    return wf_fuse_library_of(path, NULL, 0);
}

static void program_needing_libfuse2_is_libfuse2(void **state)
{
    (void)state;
    const char *needed[] = { "libc.so.6", "libfuse.so.2", "libpthread.so.0" };
    assert_int_equal(library_of("bindfs", needed, 3, NULL), WF_FUSE_LIBRARY_FUSE2);
}

static void program_needing_libfuse3_is_libfuse3(void **state)
{
    (void)state;
    const char *needed[] = { "libfuse3.so.3", "libc.so.6" };
    assert_int_equal(library_of("hello_ll", needed, 2, NULL), WF_FUSE_LIBRARY_FUSE3);
}

static void program_needing_neither_is_unknown(void **state)
{
    (void)state;
    const char *needed[] = { "libc.so.6", "libfuse3.so.3x", "libfuse.so" };
    assert_int_equal(library_of("other", needed, 3, NULL), WF_FUSE_LIBRARY_UNKNOWN);
    assert_int_equal(library_of("static", needed, 0, NULL), WF_FUSE_LIBRARY_UNKNOWN);
}

static void go_program_is_go_by_its_build_id_note(void **state)
{
    (void)state;
    const char *needed[] = { "libcrypto.so.3", "libc.so.6" };
    elf_faults go = { .go_note = true };
    elf_faults go_name3 = { .go_note = true, .go_note_name_size = 3 };
    elf_faults go_static = { .go_note = true, .no_dynamic = true };
    elf_faults not_go = { 0 };
    /* gocryptfs: cgo, so libcrypto and libc; rclone: static. */
    assert_int_equal(library_of("gocryptfs", needed, 2, &go), WF_FUSE_LIBRARY_GO);
    assert_int_equal(library_of("goname3", needed, 2, &go_name3), WF_FUSE_LIBRARY_GO);
    assert_int_equal(library_of("rclone", needed, 0, &go_static), WF_FUSE_LIBRARY_GO);
    assert_int_equal(library_of("c-program", needed, 2, &not_go), WF_FUSE_LIBRARY_UNKNOWN);
    /* A libfuse it links says more than the language it was written in. */
    const char *fuse3[] = { "libfuse3.so.3" };
    assert_int_equal(library_of("cgo-fuse3", fuse3, 1, &go), WF_FUSE_LIBRARY_FUSE3);
    /* Cut anywhere in the notes: no Go, or Go, never a crash. */
    for (size_t cut = 300; cut < 420; cut += 3) {
        elf_faults truncated = { .go_note = true, .truncate_to = cut };
        wf_fuse_library found = library_of("cut-go", needed, 2, &truncated);
        assert_true(found == WF_FUSE_LIBRARY_UNKNOWN || found == WF_FUSE_LIBRARY_GO);
    }
}

static void elf32_program_is_read_too(void **state)
{
    (void)state;
    const char *needed[] = { "libfuse3.so.3" };
    char path[128];
    snprintf(path, sizeof path, "%s/elf32", dir);
    write_elf32(path, needed, 1);
    assert_int_equal(wf_fuse_library_of(path, NULL, 0), WF_FUSE_LIBRARY_FUSE3);
}

static void broken_files_are_unknown_not_a_crash(void **state)
{
    (void)state;
    const char *needed[] = { "libfuse.so.2" };
    elf_faults unmapped = { .strtab_unmapped = true };
    elf_faults past = { .needed_past_strsz = true };
    assert_int_equal(library_of("unmapped", needed, 1, &unmapped), WF_FUSE_LIBRARY_UNKNOWN);
    assert_int_equal(library_of("past", needed, 1, &past), WF_FUSE_LIBRARY_UNKNOWN);
    /* Cut anywhere: in the header, the program headers, the dynamic section, the names. */
    for (size_t cut = 1; cut < 260; cut += 7) {
        elf_faults truncated = { .truncate_to = cut };
        wf_fuse_library found = library_of("cut", needed, 1, &truncated);
        assert_true(found == WF_FUSE_LIBRARY_UNKNOWN || found == WF_FUSE_LIBRARY_FUSE2);
    }
    elf_faults header_only = { .truncate_to = sizeof(Elf64_Ehdr) };
    assert_int_equal(library_of("header", needed, 1, &header_only), WF_FUSE_LIBRARY_UNKNOWN);
}

static void scripts_directories_and_missing_commands_are_unknown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/script", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\nexec hello_ll \"$@\"\n", f);
    fclose(f);
    chmod(path, 0755);
    assert_int_equal(wf_fuse_library_of(path, NULL, 0), WF_FUSE_LIBRARY_UNKNOWN);
    assert_int_equal(wf_fuse_library_of(dir, NULL, 0), WF_FUSE_LIBRARY_UNKNOWN);
    assert_int_equal(wf_fuse_library_of("wf-no-such-command-here", NULL, 0),
        WF_FUSE_LIBRARY_UNKNOWN);
    assert_int_equal(wf_fuse_library_of("", NULL, 0), WF_FUSE_LIBRARY_UNKNOWN);
}

static void command_without_slash_is_found_in_path_as_execvp_would(void **state)
{
    (void)state;
    const char *needed[] = { "libfuse.so.2" };
    char sub[128], path[160], resolved[256], *saved;
    const char *old = getenv("PATH");

    snprintf(sub, sizeof sub, "%s/bin", dir);
    mkdir(sub, 0755);
    snprintf(path, sizeof path, "%s/wf-fs2", sub);
    write_elf64(path, needed, 1, &(elf_faults){ 0 });
    saved = old ? strdup(old) : NULL;
    char search[300];
    snprintf(search, sizeof search, "/nonexistent:%s:/usr/bin", sub);
    setenv("PATH", search, 1);
    wf_fuse_library found = wf_fuse_library_of("wf-fs2", resolved, sizeof resolved);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    } else {
        unsetenv("PATH");
    }
    assert_int_equal(found, WF_FUSE_LIBRARY_FUSE2);
    assert_string_equal(resolved, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(program_needing_libfuse2_is_libfuse2),
        cmocka_unit_test(program_needing_libfuse3_is_libfuse3),
        cmocka_unit_test(program_needing_neither_is_unknown),
        cmocka_unit_test(go_program_is_go_by_its_build_id_note),
        cmocka_unit_test(elf32_program_is_read_too),
        cmocka_unit_test(broken_files_are_unknown_not_a_crash),
        cmocka_unit_test(scripts_directories_and_missing_commands_are_unknown),
        cmocka_unit_test(command_without_slash_is_found_in_path_as_execvp_would),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
