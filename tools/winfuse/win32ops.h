/* win32ops.h — what the Win32 file functions do with NT calls (CreateDirectoryW, DeleteFileW,
   MoveFileExW, CopyFileW, …), built on the FSD stand-in for the shell's commands. */
#ifndef WINFUSE_TOOLS_WIN32OPS_H
#define WINFUSE_TOOLS_WIN32OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fsd.h"

#define WF_SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* CreateDirectoryW: a new directory; an existing name is STATUS_OBJECT_NAME_COLLISION. */
NTSTATUS wf_win_create_directory(wf_fsd *fsd, const char *path);
/* RemoveDirectoryW: an empty directory (STATUS_DIRECTORY_NOT_EMPTY otherwise). */
NTSTATUS wf_win_remove_directory(wf_fsd *fsd, const char *path);
/* DeleteFileW: a file, not a directory. ignore_readonly deletes a read-only file too (as
   `del /F`), through FileDispositionInformationEx. */
NTSTATUS wf_win_delete_file(wf_fsd *fsd, const char *path, bool ignore_readonly);
/* MoveFileExW within the volume: new_path is the full new path; replace is
   MOVEFILE_REPLACE_EXISTING. */
NTSTATUS wf_win_move(wf_fsd *fsd, const char *old_path, const char *new_path, bool replace);
/* CopyFileW: the data, then the source's attributes and last write time; without replace
   an existing destination is STATUS_OBJECT_NAME_COLLISION. */
NTSTATUS wf_win_copy(wf_fsd *fsd, const char *src_path, const char *dst_path, bool replace);
/* CreateFileW(GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING,
   FILE_FLAG_SEQUENTIAL_SCAN): a file, not a directory, opened to read its data. */
NTSTATUS wf_win_open_read(wf_fsd *fsd, const char *path, wf_fsd_file **file);
/* ReadFile from the start until the file system says the file ended (a short read need not
   be the end) or the size GetFileSizeEx gave is read, size bytes at a time through buffer,
   each chunk written to out. Returns a
   failed read's status; else STATUS_SUCCESS, with *written false (errno set) when out did
   not take a chunk. */
NTSTATUS wf_win_read_all(wf_fsd_file *file, uint8_t *buffer, uint32_t size, FILE *out,
    bool *written);
/* WriteFile of all of buffer at offset (WF_FSD_WRITE_TO_END: at the end), short writes
   resumed; a write that makes no progress is STATUS_DISK_FULL. */
NTSTATUS wf_win_write_all(wf_fsd_file *file, const uint8_t *buffer, uint64_t offset,
    uint32_t length);
/* GetFileAttributesExW: the file's information without opening its data. */
NTSTATUS wf_win_get_info(wf_fsd *fsd, const char *path, FSP_FSCTL_FILE_INFO *info);
/* SetFileAttributesW: attributes 0 are sent as FILE_ATTRIBUTE_NORMAL (0 means "unchanged"
   to NtSetInformationFile). */
NTSTATUS wf_win_set_attributes(wf_fsd *fsd, const char *path, uint32_t attributes);

/* The names of a listing, as FindFirstFileW/FindNextFileW return them. */
typedef struct wf_win_entry {
    char *name;
    FSP_FSCTL_FILE_INFO info;
} wf_win_entry;

typedef struct wf_win_listing {
    wf_win_entry *entries;
    size_t count, capacity;
} wf_win_listing;

/* Lists directory (a full path) with pattern (NULL: all), without "." and "..". A pattern
   that matches nothing is STATUS_NO_SUCH_FILE, as FindFirstFileW's ERROR_FILE_NOT_FOUND. */
NTSTATUS wf_win_list(wf_fsd *fsd, const char *directory, const char *pattern,
    wf_win_listing *listing);
void wf_win_listing_free(wf_win_listing *listing);

/* Joins directory and name into path ("\" + "a" is "\a"). Returns false when too long. */
bool wf_win_join(const char *directory, const char *name, char *path, size_t size);

#endif
