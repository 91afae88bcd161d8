/* fuse_library.c — which libfuse a FUSE file system program links, read from its ELF dynamic section. */
#define _GNU_SOURCE
#include "fuse_library.h"

#include <elf.h>
#include <endian.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds on what a well-formed program has; past them we stop looking. */
#define WF_ELF_MAX_PHDRS 256
#define WF_ELF_MAX_DYNAMIC 4096
#define WF_ELF_MAX_NEEDED 128
#define WF_ELF_NAME_MAX 64
#define WF_ELF_MAX_NOTES 16
/* How much of a PT_NOTE segment is read: the Go note comes early, after the GNU ones. */
#define WF_ELF_NOTE_READ 1024
/* The Go linker's note: owner "Go", type 4 (its build ID), in .note.go.buildid. */
#define WF_ELF_GO_NOTE_TYPE 4u

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define WF_ELF_NATIVE_DATA ELFDATA2LSB
#else
#define WF_ELF_NATIVE_DATA ELFDATA2MSB
#endif

/* One program header or dynamic entry, whatever the class. */
typedef struct wf_elf_segment {
    uint32_t type;
    uint64_t offset, vaddr, filesz;
} wf_elf_segment;

typedef struct wf_elf {
    int fd;
    bool is64;
    uint64_t file_size;
    wf_elf_segment loads[WF_ELF_MAX_PHDRS];
    size_t load_count;
    wf_elf_segment dynamic;
    bool has_dynamic;
    wf_elf_segment notes[WF_ELF_MAX_NOTES];
    size_t note_count;
} wf_elf;

static bool wf_elf_read(const wf_elf *elf, uint64_t offset, void *buffer, size_t size)
{
    if (offset > elf->file_size || size > elf->file_size - offset)
        return false;
    return pread(elf->fd, buffer, size, (off_t)offset) == (ssize_t)size;
}

static bool wf_elf_load_phdrs(wf_elf *elf)
{
    unsigned char ident[EI_NIDENT];
    uint64_t phoff;
    uint16_t phnum, phentsize;

    if (!wf_elf_read(elf, 0, ident, sizeof ident) || memcmp(ident, ELFMAG, SELFMAG) != 0 ||
        ident[EI_DATA] != WF_ELF_NATIVE_DATA)
        return false;
    if (ident[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr eh;
        if (!wf_elf_read(elf, 0, &eh, sizeof eh))
            return false;
        elf->is64 = true;
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        if (phentsize != sizeof(Elf64_Phdr))
            return false;
    } else if (ident[EI_CLASS] == ELFCLASS32) {
        Elf32_Ehdr eh;
        if (!wf_elf_read(elf, 0, &eh, sizeof eh))
            return false;
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        if (phentsize != sizeof(Elf32_Phdr))
            return false;
    } else {
        return false;
    }
    if (phnum > WF_ELF_MAX_PHDRS)
        return false;
    for (uint16_t i = 0; i < phnum; i++) {
        wf_elf_segment seg;
        uint64_t at = phoff + (uint64_t)i * phentsize;
        if (at < phoff)
            return false;
        if (elf->is64) {
            Elf64_Phdr ph;
            if (!wf_elf_read(elf, at, &ph, sizeof ph))
                return false;
            seg = (wf_elf_segment){ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_filesz };
        } else {
            Elf32_Phdr ph;
            if (!wf_elf_read(elf, at, &ph, sizeof ph))
                return false;
            seg = (wf_elf_segment){ ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_filesz };
        }
        if (seg.type == PT_LOAD)
            elf->loads[elf->load_count++] = seg;
        else if (seg.type == PT_DYNAMIC && !elf->has_dynamic) {
            elf->dynamic = seg;
            elf->has_dynamic = true;
        } else if (seg.type == PT_NOTE && elf->note_count < WF_ELF_MAX_NOTES)
            elf->notes[elf->note_count++] = seg;
    }
    return true;
}

/* Whether a PT_NOTE holds the Go linker's build ID note (a static Go program has no
   dynamic section, so this is looked for by itself). Notes are namesz, descsz, type, then
   the name and the description, each padded to 4 bytes, in ELF32 and ELF64 alike. */
static bool wf_elf_is_go(const wf_elf *elf)
{
    unsigned char buffer[WF_ELF_NOTE_READ];
    for (size_t n = 0; n < elf->note_count; n++) {
        size_t size = elf->notes[n].filesz < sizeof buffer ? (size_t)elf->notes[n].filesz :
            sizeof buffer;
        if (!wf_elf_read(elf, elf->notes[n].offset, buffer, size))
            continue;
        for (size_t at = 0; at + 12 <= size; ) {
            uint32_t namesz, descsz, type;
            memcpy(&namesz, buffer + at, 4);
            memcpy(&descsz, buffer + at + 4, 4);
            memcpy(&type, buffer + at + 8, 4);
            if (namesz > size || descsz > size)
                break;
            size_t name_at = at + 12;
            size_t next = name_at + ((namesz + 3u) & ~3u) + ((descsz + 3u) & ~3u);
            /* The Go linker writes the name as "Go\0\0" (namesz 4). */
            if ((namesz == 3 || namesz == 4) && type == WF_ELF_GO_NOTE_TYPE &&
                name_at + 3 <= size &&
                memcmp(buffer + name_at, "Go", 3) == 0)
                return true;
            if (next <= at || next > size)
                break;
            at = next;
        }
    }
    return false;
}

/* The file offset of a virtual address, through the PT_LOAD that maps it from the file. */
static bool wf_elf_vaddr_to_offset(const wf_elf *elf, uint64_t vaddr, uint64_t *offset)
{
    for (size_t i = 0; i < elf->load_count; i++) {
        const wf_elf_segment *s = &elf->loads[i];
        if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
            *offset = s->offset + (vaddr - s->vaddr);
            return *offset >= s->offset;
        }
    }
    return false;
}

/* Reads dynamic entry i into tag and value; false past the end or on DT_NULL. */
static bool wf_elf_dynamic_entry(const wf_elf *elf, size_t i, int64_t *tag, uint64_t *value)
{
    size_t entsize = elf->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
    if (i >= WF_ELF_MAX_DYNAMIC || (uint64_t)(i + 1) * entsize > elf->dynamic.filesz)
        return false;
    if (elf->is64) {
        Elf64_Dyn d;
        if (!wf_elf_read(elf, elf->dynamic.offset + i * entsize, &d, sizeof d))
            return false;
        *tag = d.d_tag;
        *value = d.d_un.d_val;
    } else {
        Elf32_Dyn d;
        if (!wf_elf_read(elf, elf->dynamic.offset + i * entsize, &d, sizeof d))
            return false;
        *tag = d.d_tag;
        *value = d.d_un.d_val;
    }
    return *tag != DT_NULL;
}

wf_fuse_library wf_fuse_library_of_fd(int fd)
{
    wf_elf *elf = calloc(1, sizeof *elf);
    wf_fuse_library found = WF_FUSE_LIBRARY_UNKNOWN;
    uint64_t needed[WF_ELF_MAX_NEEDED];
    size_t needed_count = 0;
    uint64_t strtab = 0, strsz = 0, strtab_offset = 0;
    bool has_strtab = false;
    struct stat st;
    int64_t tag;
    uint64_t value;

    if (!elf)
        return WF_FUSE_LIBRARY_UNKNOWN;
    elf->fd = fd;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        goto out;
    elf->file_size = (uint64_t)st.st_size;
    if (!wf_elf_load_phdrs(elf))
        goto out;
    for (size_t i = 0; elf->has_dynamic && wf_elf_dynamic_entry(elf, i, &tag, &value); i++) {
        if (tag == DT_NEEDED && needed_count < WF_ELF_MAX_NEEDED)
            needed[needed_count++] = value;
        else if (tag == DT_STRTAB) {
            strtab = value;
            has_strtab = true;
        } else if (tag == DT_STRSZ)
            strsz = value;
    }
    if (!has_strtab || !wf_elf_vaddr_to_offset(elf, strtab, &strtab_offset))
        needed_count = 0;
    for (size_t i = 0; i < needed_count; i++) {
        char name[WF_ELF_NAME_MAX];
        uint64_t at = strtab_offset + needed[i];
        uint64_t len = sizeof name - 1;
        if (needed[i] >= strsz || at < strtab_offset || at >= elf->file_size)
            continue;
        /* A longer name is cut, and then matches neither of ours: both are shorter. */
        if (len > strsz - needed[i])
            len = strsz - needed[i];
        if (len > elf->file_size - at)
            len = elf->file_size - at;
        if (!wf_elf_read(elf, at, name, (size_t)len))
            continue;
        name[len] = '\0';
        if (strcmp(name, "libfuse3.so.3") == 0)
            found = WF_FUSE_LIBRARY_FUSE3;
        else if (strcmp(name, "libfuse.so.2") == 0 && found == WF_FUSE_LIBRARY_UNKNOWN)
            found = WF_FUSE_LIBRARY_FUSE2;
    }
    if (found == WF_FUSE_LIBRARY_UNKNOWN && wf_elf_is_go(elf))
        found = WF_FUSE_LIBRARY_GO;
out:
    free(elf);
    return found;
}

/* Finds command as execvp would: as given when it has a slash, else the first executable
   regular file of that name in PATH (execvp's default list when PATH is unset). */
static bool wf_fuse_library_resolve(const char *command, char *path, size_t size)
{
    const char *search = getenv("PATH");
    struct stat st;

    if (strchr(command, '/')) {
        snprintf(path, size, "%s", command);
        return true;
    }
    if (!search)
        search = "/bin:/usr/bin";
    while (*search) {
        const char *colon = strchr(search, ':');
        size_t len = colon ? (size_t)(colon - search) : strlen(search);
        /* An empty entry is the current directory. */
        int n = snprintf(path, size, "%.*s%s%s", (int)len, search, len ? "/" : "", command);
        if (n > 0 && (size_t)n < size && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            access(path, X_OK) == 0)
            return true;
        search += len;
        if (*search == ':')
            search++;
    }
    path[0] = '\0';
    return false;
}

wf_fuse_library wf_fuse_library_of(const char *command, char *resolved, size_t resolved_size)
{
    char path[4096];
    wf_fuse_library found = WF_FUSE_LIBRARY_UNKNOWN;
    int fd;

    if (resolved && resolved_size)
        resolved[0] = '\0';
    if (!command || !*command || !wf_fuse_library_resolve(command, path, sizeof path))
        return WF_FUSE_LIBRARY_UNKNOWN;
    if (resolved && resolved_size)
        snprintf(resolved, resolved_size, "%s", path);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return WF_FUSE_LIBRARY_UNKNOWN;
    found = wf_fuse_library_of_fd(fd);
    close(fd);
    return found;
}

const char *wf_fuse_library_name(wf_fuse_library library)
{
    switch (library) {
    case WF_FUSE_LIBRARY_FUSE2:
        return "libfuse 2";
    case WF_FUSE_LIBRARY_FUSE3:
        return "libfuse 3";
    case WF_FUSE_LIBRARY_GO:
        return "a Go program";
    default:
        return "no libfuse of its own";
    }
}
