/* check_cases_namespace.c — `winfuse check` cases for the namespace: rename (no-replace,
   replace, over a directory, case only, across directories), hard links, and names with
   characters Windows forbids or that are not ASCII. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

#define WF_RW (FILE_GENERIC_READ | FILE_GENERIC_WRITE)

/* name holds exactly text (read through a new handle). */
static bool wf_expect_contents(wf_check *check, const char *name, const char *text,
    const char *when)
{
    char buffer[256], step[160];
    size_t length;

    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_read_name(check, name, buffer,
            sizeof buffer, &length), "read %s %s", name, when))
        return false;
    snprintf(step, sizeof step, "%s %s", name, when);
    return wf_check_data(check, text, strlen(text), buffer, length, step);
}

static bool wf_expect_missing(wf_check *check, const char *name, const char *when)
{
    FSP_FSCTL_FILE_INFO info;
    return wf_check_status(check, STATUS_OBJECT_NAME_NOT_FOUND, wf_check_stat(check, name,
        &info), "open %s %s", name, when);
}

static NTSTATUS wf_rename(wf_check *check, const char *from, const char *to, uint32_t flags,
    bool directory)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    status = wf_check_open(check, from, DELETE | FILE_READ_ATTRIBUTES,
        directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE, &file);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_rename(file, wf_check_path(check, to), flags);
    wf_check_close(check, &file);
    return status;
}

/* ---- rename [MS-FSA 2.1.5.15.11; MS-FSCC 2.4.41] --------------------------------------- */

static void wf_case_rename_file(wf_check *check, const void *param)
{
    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "a.txt", "A", 1), "make a.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_rename(check, "a.txt", "b.txt", 0, false),
            "rename a.txt to b.txt"))
        return;
    if (wf_expect_missing(check, "a.txt", "after the rename"))
        wf_expect_contents(check, "b.txt", "A", "after the rename");
}

static void wf_case_rename_collision(wf_check *check, const void *param)
{
    bool replace = param != NULL;

    if (!wf_check_setup(check, wf_check_make_file(check, "a.txt", "A", 1), "make a.txt") ||
        !wf_check_setup(check, wf_check_make_file(check, "b.txt", "B", 1), "make b.txt"))
        return;
    if (!replace) {
        if (!wf_check_status(check, STATUS_OBJECT_NAME_COLLISION, wf_rename(check, "a.txt",
                "b.txt", 0, false), "rename a.txt onto an existing b.txt without "
                "ReplaceIfExists"))
            return;
        if (wf_expect_contents(check, "a.txt", "A", "after the refused rename"))
            wf_expect_contents(check, "b.txt", "B", "after the refused rename");
        return;
    }
    if (!wf_check_status(check, STATUS_SUCCESS, wf_rename(check, "a.txt", "b.txt",
            FILE_RENAME_REPLACE_IF_EXISTS, false), "rename a.txt onto b.txt with "
            "ReplaceIfExists"))
        return;
    if (wf_expect_missing(check, "a.txt", "after the rename"))
        wf_expect_contents(check, "b.txt", "A", "after it was replaced");
}

static void wf_case_rename_over_directory(wf_check *check, const void *param)
{
    FSP_FSCTL_FILE_INFO info;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "a.txt", "A", 1), "make a.txt") ||
        !wf_check_setup(check, wf_check_make_dir(check, "d"), "make d"))
        return;
    if (!wf_check_status(check, STATUS_ACCESS_DENIED, wf_rename(check, "a.txt", "d",
            FILE_RENAME_REPLACE_IF_EXISTS, false), "rename a.txt onto the directory d with "
            "ReplaceIfExists"))
        return;
    if (!wf_expect_contents(check, "a.txt", "A", "after the refused rename") ||
        !wf_check_status(check, STATUS_SUCCESS, wf_check_stat(check, "d", &info),
            "open d after the refused rename"))
        return;
    if (!(info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        wf_check_fail(check, "a directory", "a file", "d after the refused rename");
}

static void wf_case_rename_case_only(wf_check *check, const void *param)
{
    wf_check_list list = { 0 };
    char names[256];

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "case.txt", "C", 1), "make case.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_rename(check, "case.txt", "CASE.TXT", 0,
            false), "rename case.txt to CASE.TXT"))
        return;
    if (!wf_check_setup(check, wf_check_list_dir(check, NULL, NULL, &list), "list"))
        goto exit;
    if (wf_check_list_count(&list, "CASE.TXT") != 1 || wf_check_list_count(&list,
            "case.txt") != 0) {
        wf_check_list_format(&list, names, sizeof names);
        wf_check_fail(check, "CASE.TXT listed once, case.txt not", names,
            "the listing after the rename");
        goto exit;
    }
    wf_expect_contents(check, "CASE.TXT", "C", "after the rename");
exit:
    wf_check_list_free(&list);
}

static void wf_case_rename_directory(wf_check *check, const void *param)
{
    (void)param;
    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d") ||
        !wf_check_setup(check, wf_check_make_file(check, "d\\f.txt", "F", 1), "make d\\f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_rename(check, "d", "e", 0, true),
            "rename the directory d to e"))
        return;
    if (wf_expect_missing(check, "d", "after the rename"))
        wf_expect_contents(check, "e\\f.txt", "F", "after its directory was renamed");
}

static void wf_case_rename_across(wf_check *check, const void *param)
{
    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "a.txt", "A", 1), "make a.txt") ||
        !wf_check_setup(check, wf_check_make_dir(check, "sub"), "make sub"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_rename(check, "a.txt", "sub\\b.txt", 0,
            false), "move a.txt to sub\\b.txt"))
        return;
    if (wf_expect_missing(check, "a.txt", "after the move"))
        wf_expect_contents(check, "sub\\b.txt", "A", "after the move");
}

static void wf_case_rename_missing_directory(wf_check *check, const void *param)
{
    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "a.txt", "A", 1), "make a.txt"))
        return;
    if (wf_check_status(check, STATUS_OBJECT_PATH_NOT_FOUND, wf_rename(check, "a.txt",
            "missing\\b.txt", 0, false), "move a.txt into a missing directory"))
        wf_expect_contents(check, "a.txt", "A", "after the refused move");
}

/* ---- hard links [MS-FSA 2.1.5.15.6] ----------------------------------------------------- */

static NTSTATUS wf_link(wf_check *check, const char *from, const char *to, bool directory)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    status = wf_check_open(check, from, FILE_READ_ATTRIBUTES,
        directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE, &file);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_link(file, wf_check_path(check, to), false);
    wf_check_close(check, &file);
    return status;
}

static void wf_case_link_create(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint32_t written = 0;
    NTSTATUS status;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "a.txt", "linked", 6), "make a.txt"))
        return;
    status = wf_link(check, "a.txt", "b.txt", false);
    if (wf_check_unsupported(status)) {
        char text[16];
        wf_check_skip(check, "no hard links on this file system (%s)",
            wf_ntstatus_text(status, text));
        return;
    }
    if (!wf_check_status(check, STATUS_SUCCESS, status, "FileLinkInformation a.txt -> b.txt") ||
        !wf_expect_contents(check, "b.txt", "linked", "the new link") ||
        !wf_check_setup(check, wf_check_stat(check, "a.txt", &info), "open a.txt"))
        return;
    /* The link count, where the file system reports one (0: not reported). */
    if (info.HardLinks != 0 && !wf_check_u64(check, 2, info.HardLinks,
            "the link count of a.txt"))
        return;
    /* One file under two names: a write through one shows through the other. */
    if (!wf_check_setup(check, wf_check_open(check, "b.txt", WF_RW, FILE_NON_DIRECTORY_FILE,
            &file), "open b.txt") ||
        !wf_check_setup(check, wf_fsd_write(file, "LINKED", 0, 6, false, &written, NULL),
            "write through b.txt"))
        return;
    wf_check_close(check, &file);
    wf_expect_contents(check, "a.txt", "LINKED", "after a write through b.txt");
}

static void wf_case_link_collision(wf_check *check, const void *param)
{
    NTSTATUS status;

    (void)param;
    if (!wf_check_setup(check, wf_check_make_file(check, "a.txt", "A", 1), "make a.txt") ||
        !wf_check_setup(check, wf_check_make_file(check, "b.txt", "B", 1), "make b.txt"))
        return;
    status = wf_link(check, "a.txt", "b.txt", false);
    if (wf_check_unsupported(status)) {
        char text[16];
        wf_check_skip(check, "no hard links on this file system (%s)",
            wf_ntstatus_text(status, text));
        return;
    }
    if (wf_check_status(check, STATUS_OBJECT_NAME_COLLISION, status,
            "FileLinkInformation onto an existing b.txt"))
        wf_expect_contents(check, "b.txt", "B", "after the refused link");
}

static void wf_case_link_directory(wf_check *check, const void *param)
{
    (void)param;
    if (!wf_check_setup(check, wf_check_make_dir(check, "d"), "make d"))
        return;
    if (wf_check_status(check, STATUS_FILE_IS_A_DIRECTORY, wf_link(check, "d", "e", true),
            "FileLinkInformation on a directory"))
        wf_expect_missing(check, "e", "after the refused link");
}

/* ---- names ------------------------------------------------------------------------------ */

/* Appends U+F000 + c in UTF-8 (the Windows name of a character it forbids). */
static size_t wf_private_use(unsigned char c, char *out)
{
    unsigned code = 0xf000u + c;
    out[0] = (char)(0xe0u | (code >> 12));
    out[1] = (char)(0x80u | ((code >> 6) & 0x3fu));
    out[2] = (char)(0x80u | (code & 0x3fu));
    return 3;
}

/* Makes name, and expects it listed back byte for byte, once, and opened by that name. */
static void wf_name_round_trip(wf_check *check, const char *name)
{
    wf_check_list list = { 0 };
    char names[512];
    const wf_check_entry *entry;

    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_make_file(check, name, "named", 5),
            "create the name"))
        return;
    if (!wf_check_setup(check, wf_check_list_dir(check, NULL, NULL, &list), "list"))
        goto exit;
    entry = wf_check_list_find(&list, name);
    if (entry == NULL || wf_check_list_count(&list, name) != 1) {
        wf_check_list_format(&list, names, sizeof names);
        wf_check_fail(check, name, names, "the name listed back once");
        goto exit;
    }
    if (!wf_check_u64(check, 5, entry->info.FileSize, "the listed size"))
        goto exit;
    wf_expect_contents(check, name, "named", "opened by the listed name");
exit:
    wf_check_list_free(&list);
}

static void wf_case_forbidden_colon(wf_check *check, const void *param)
{
    char name[16];
    size_t n = 0;

    (void)param;
    name[n++] = 'a';
    n += wf_private_use(':', name + n);
    name[n++] = 'b';
    name[n] = '\0';
    wf_name_round_trip(check, name);
}

static void wf_case_forbidden_all(wf_check *check, const void *param)
{
    static const unsigned char forbidden[] = { '"', '*', ':', '<', '>', '?', '\\', '|', 0x01,
        0x1f };
    char name[64];
    size_t n = 0;

    (void)param;
    name[n++] = 'x';
    for (size_t i = 0; i < sizeof forbidden; i++)
        n += wf_private_use(forbidden[i], name + n);
    name[n++] = 'y';
    name[n] = '\0';
    wf_name_round_trip(check, name);
}

static void wf_case_unicode(wf_check *check, const void *param)
{
    (void)param;
    /* Latin with a diacritic, CJK, and an emoji beyond the BMP (a UTF-16 surrogate pair). */
    wf_name_round_trip(check, "caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac-\xf0\x9f\x99\x82.txt");
}

static void wf_case_long_name(wf_check *check, const void *param)
{
    char name[256];

    (void)param;
    /* 255: the longest component NTFS (UTF-16 units) and Linux (bytes) both take. */
    memset(name, 'n', 255);
    memcpy(name + 251, ".txt", 4);
    name[255] = '\0';
    wf_name_round_trip(check, name);
}

const wf_check_case wf_check_cases_namespace[] = {
    { "rename.file", "a file renamed in its directory: the old name gone, the data kept",
        true, wf_case_rename_file, NULL },
    { "rename.no_replace_collision", "onto an existing name without ReplaceIfExists: "
        "STATUS_OBJECT_NAME_COLLISION, both kept", true, wf_case_rename_collision, NULL },
    { "rename.replace_if_exists", "onto an existing file with ReplaceIfExists: replaced",
        true, wf_case_rename_collision, "replace" },
    { "rename.over_directory", "onto a directory with ReplaceIfExists: STATUS_ACCESS_DENIED",
        true, wf_case_rename_over_directory, NULL },
    { "rename.case_only", "a rename that changes only case: listed in the new case", true,
        wf_case_rename_case_only, NULL },
    { "rename.directory", "a directory renamed: its files follow", true,
        wf_case_rename_directory, NULL },
    { "rename.across_directories", "a file moved into another directory", true,
        wf_case_rename_across, NULL },
    { "rename.missing_target_directory",
        "into a missing directory: STATUS_OBJECT_PATH_NOT_FOUND", true,
        wf_case_rename_missing_directory, NULL },
    { "link.create", "FileLinkInformation: a second name for one file, link count 2", true,
        wf_case_link_create, NULL },
    { "link.collision", "a link onto an existing name: STATUS_OBJECT_NAME_COLLISION", true,
        wf_case_link_collision, NULL },
    { "link.directory", "a link to a directory: STATUS_FILE_IS_A_DIRECTORY", true,
        wf_case_link_directory, NULL },
    { "names.forbidden_colon", "a\\uF03Ab (':' in the file system) is listed back the same",
        true, wf_case_forbidden_colon, NULL },
    { "names.forbidden_all", "U+F000 + each of \" * : < > ? \\ | and controls round trip",
        true, wf_case_forbidden_all, NULL },
    { "names.unicode", "a name with accents, CJK and an emoji round trips", true,
        wf_case_unicode, NULL },
    { "names.long_name", "a 255-character name round trips", true, wf_case_long_name,
        NULL },
    { NULL, NULL, false, NULL, NULL },
};
