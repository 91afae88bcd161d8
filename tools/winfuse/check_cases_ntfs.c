/* check_cases_ntfs.c — `winfuse check` cases for what NTFS keeps that FUSE has no field
   for: `.` and `..` first in a listing, EA names upper-cased, a directory link's /D. A
   file system that cannot store something (no xattrs, no symbolic links) is a SKIP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "winfuse/ea_map.h"
#include "winfuse/nt_constants.h"
#include "winfuse/reparse_map.h"

static void wf_case_dots_first(wf_check *check, const void *param)
{
    static const char *const names[] = { "d\\a1", "d\\b2", "d\\c3", "d\\d4", "d\\e5", "d\\f6" };
    wf_check_list list = { 0 };
    char actual[512];

    (void)param;
    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d"))
        return;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!wf_check_setup(check, wf_check_make_file(check, names[i], "x", 1), "make %s",
                names[i]))
            return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_list_dir(check, "d", NULL, &list),
            "list d"))
        goto exit;
    if (list.count < 2 || strcmp(list.entries[0].name, ".") != 0 ||
            strcmp(list.entries[1].name, "..") != 0) {
        wf_check_list_format(&list, actual, sizeof actual);
        wf_check_fail(check, "., .., then the files", actual, "the order of the listing");
    }
exit:
    wf_check_list_free(&list);
}

/* Sets one EA name=value through a handle opened for EAs. */
static NTSTATUS wf_set_one_ea(wf_fsd_file *file, const char *name, const char *value)
{
    uint8_t buf[64];
    uint32_t used = 0, last = WF_EA_NONE, entry, value_at, room;

    if (!wf_ea_begin(buf, sizeof buf, used, name, (uint32_t)strlen(name), &entry, &value_at,
            &room) || room < strlen(value))
        return STATUS_INVALID_PARAMETER;
    memcpy(buf + value_at, value, strlen(value));
    wf_ea_end(buf, entry, (uint32_t)strlen(name), (uint32_t)strlen(value), &used, &last);
    return wf_fsd_set_ea(file, buf, used, NULL);
}

static void wf_case_ea_upper_case(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    uint8_t list[512];
    uint32_t size = 0, pos = 0;
    wf_ea_view ea;
    NTSTATUS status;
    char actual[160];

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "e.txt", "x", 1), "make e.txt") ||
        !wf_check_setup(check, wf_check_open(check, "e.txt", FILE_READ_EA | FILE_WRITE_EA, 0,
            &file), "open e.txt for EAs"))
        return;
    status = wf_set_one_ea(file, "Color", "red");
    if (status == STATUS_EAS_NOT_SUPPORTED || wf_check_unsupported(status)) {
        char text[16];
        wf_check_skip(check, "no EAs (xattrs) on this file system (%s)",
            wf_ntstatus_text(status, text));
        return;
    }
    if (!wf_check_status(check, STATUS_SUCCESS, status, "set the EA Color") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_set_one_ea(file, "color", "blue"),
            "set the EA color (the same name in another case)") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_ea(file, list, sizeof list,
            &size), "query the EAs"))
        return;
    if (!wf_ea_next(list, size, &pos, &ea) || pos != size || ea.name_len != 5 ||
            memcmp(ea.name, "COLOR", 5) != 0 || ea.value_len != 4 ||
            memcmp(ea.value, "blue", 4) != 0) {
        snprintf(actual, sizeof actual, "%u bytes, first %.*s", size,
            size ? (int)ea.name_len : 0, size ? ea.name : "");
        wf_check_fail(check, "one EA, COLOR=blue", actual, "the EA list");
        return;
    }
    /* Asked for by name (FILE_GET_EA_INFORMATION) in another case: found all the same. */
    pos = 0;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_ea_names(file,
            (const char *const[]){ "cOlOr" }, 1, list, sizeof list, &size),
            "query the EA cOlOr by name"))
        return;
    if (!wf_ea_next(list, size, &pos, &ea) || ea.value_len != 4 ||
            memcmp(ea.value, "blue", 4) != 0) {
        snprintf(actual, sizeof actual, "%u bytes, value length %u", size,
            size ? ea.value_len : 0);
        wf_check_fail(check, "cOlOr=blue", actual, "the EA asked for by name");
    }
}

/* mklink /D d t.txt: a directory link to a file. */
static void wf_case_symlink_dir_kept(wf_check *check, const void *param)
{
    static const uint16_t target[] = { 't', '.', 't', 'x', 't' };
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint8_t buf[256];
    size_t size;
    NTSTATUS status;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "t.txt", "x", 1), "make t.txt") ||
        !wf_check_setup(check, wf_reparse_build_symlink(target, 5, SYMLINK_FLAG_RELATIVE, buf,
            sizeof buf, &size), "build the reparse data") ||
        !wf_check_setup(check, wf_check_create(check, "dl", FILE_WRITE_ATTRIBUTES | DELETE |
            SYNCHRONIZE, 0, FILE_CREATE, FILE_DIRECTORY_FILE | FILE_OPEN_REPARSE_POINT, 0,
            &file, NULL), "make the directory dl"))
        return;
    status = wf_fsd_set_reparse_point(file, buf, (uint32_t)size);
    /* A file system without SYMLINK (ENOSYS) is read-only for links: the engine answers
       STATUS_MEDIA_WRITE_PROTECTED (errno_map.c), as for any change it cannot make. */
    if (wf_check_unsupported(status) || status == STATUS_ACCESS_DENIED ||
            status == STATUS_IO_REPARSE_TAG_MISMATCH || status == STATUS_MEDIA_WRITE_PROTECTED) {
        char text[16];
        wf_check_skip(check, "no symbolic links on this file system (%s)",
            wf_ntstatus_text(status, text));
        return;
    }
    if (!wf_check_status(check, STATUS_SUCCESS, status, "mklink /D dl t.txt") ||
        !wf_check_setup(check, wf_check_close(check, &file), "close dl"))
        return;
    if (!wf_check_status(check, STATUS_FILE_IS_A_DIRECTORY, wf_check_open(check, "dl", DELETE,
            FILE_NON_DIRECTORY_FILE | FILE_OPEN_REPARSE_POINT, &file),
            "open dl as a file (del)") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_check_open(check, "dl",
            DELETE | FILE_READ_ATTRIBUTES, FILE_DIRECTORY_FILE | FILE_OPEN_REPARSE_POINT,
            &file), "open dl as a directory (rd)") ||
        !wf_check_setup(check, wf_fsd_query_info(file, &info), "query dl"))
        return;
    if (!wf_check_u64(check, FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT,
            info.FileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT),
            "the attributes of dl") ||
        !wf_check_status(check, STATUS_SUCCESS,
            wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false), "delete dl (rd)") ||
        !wf_check_setup(check, wf_check_close(check, &file), "close dl"))
        return;
    wf_check_status(check, STATUS_OBJECT_NAME_NOT_FOUND, wf_check_open(check, "dl",
        FILE_READ_ATTRIBUTES, FILE_OPEN_REPARSE_POINT, &file), "dl after rd");
}

const wf_check_case wf_check_cases_ntfs[] = {
    { "ntfs.dot_entries_first", "a listing starts with . and .., whatever the file system's "
        "order", true, wf_case_dots_first, NULL },
    { "ntfs.ea_names_upper_case", "EA names are stored and shown upper-case, one EA per name "
        "without case, found by name in any case", true, wf_case_ea_upper_case, NULL },
    { "ntfs.symlink_directory_kept", "mklink /D to a file is a directory link: rd deletes "
        "it, opening it as a file is STATUS_FILE_IS_A_DIRECTORY", true,
        wf_case_symlink_dir_kept, NULL },
    { 0 },
};
