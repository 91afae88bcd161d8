/* check_cases_dir.c — `winfuse check` cases for directory listings (NtQueryDirectoryFile):
   every name once, `.` and `..`, patterns, single entries, restart, resuming across calls,
   STATUS_NO_SUCH_FILE versus STATUS_NO_MORE_FILES, and listings that follow changes. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

#define WF_LIST_ACCESS (FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES)

/* The set of names, and nothing else but `.` and `..`, each once. */
static bool wf_expect_names(wf_check *check, const wf_check_list *list,
    const char *const *names, size_t count, const char *what)
{
    char expected[512], actual[512];
    size_t used = 0, others = 0;
    bool ok = true;

    for (size_t i = 0; i < count; i++)
        ok &= wf_check_list_count(list, names[i]) == 1;
    for (size_t i = 0; i < list->count; i++) {
        const char *name = list->entries[i].name;
        bool known = strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
        for (size_t j = 0; j < count && !known; j++)
            known = strcmp(name, names[j]) == 0;
        others += !known;
    }
    if (ok && others == 0)
        return true;
    expected[0] = '\0';
    for (size_t i = 0; i < count && used < sizeof expected; i++) {
        int n = snprintf(expected + used, sizeof expected - used, "%s%s", i ? ", " : "",
            names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    wf_check_list_format(list, actual, sizeof actual);
    wf_check_fail(check, count ? expected : "(none)", actual, "%s", what);
    return false;
}

static bool wf_make_files(wf_check *check, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        /* Each file as long as its index + 1, so that sizes tell them apart. */
        if (!wf_check_setup(check, wf_check_make_file(check, names[i], "0123456789abcdef",
                (i % 16) + 1), "make %s", names[i]))
            return false;
    }
    return true;
}

static void wf_case_list_all(wf_check *check, const void *param)
{
    static const char *const files[] = { "f1.txt", "f2.txt", "g.dat" };
    static const char *const names[] = { "f1.txt", "f2.txt", "g.dat", "sub" };
    wf_check_list list = { 0 };

    (void)param;
    if (!wf_make_files(check, files, 3) ||
        !wf_check_setup(check, wf_check_make_dir(check, "sub"), "make sub"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_list_dir(check, NULL, "*", &list),
            "list with *") ||
        !wf_expect_names(check, &list, names, 4, "the listing"))
        goto exit;
    for (size_t i = 0; i < 3; i++) {
        const wf_check_entry *entry = wf_check_list_find(&list, files[i]);
        if (!wf_check_u64(check, i + 1, entry->info.FileSize, "the listed size of %s",
                files[i]))
            goto exit;
    }
    if (!(wf_check_list_find(&list, "sub")->info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        wf_check_fail(check, "FILE_ATTRIBUTE_DIRECTORY", "a file", "sub as listed");
exit:
    wf_check_list_free(&list);
}

static void wf_case_dot_entries(wf_check *check, const void *param)
{
    wf_check_list list = { 0 };
    char names[256];

    (void)param;
    if (!wf_check_setup(check, wf_check_make_dir(check, "sub"), "make sub"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_list_dir(check, "sub", "*", &list),
            "list the empty directory sub"))
        goto exit;
    if (wf_check_list_count(&list, ".") != 1 || wf_check_list_count(&list, "..") != 1 ||
        list.count != 2) {
        wf_check_list_format(&list, names, sizeof names);
        wf_check_fail(check, "., ..", names, "an empty subdirectory lists . and .. once");
        goto exit;
    }
    for (size_t i = 0; i < list.count; i++) {
        if (!(list.entries[i].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
            wf_check_fail(check, "FILE_ATTRIBUTE_DIRECTORY", "a file", "%s as listed",
                list.entries[i].name);
            goto exit;
        }
    }
exit:
    wf_check_list_free(&list);
}

typedef struct wf_pattern_case {
    const char *pattern;
    const char *const *made;
    size_t made_count;
    const char *const *matched;
    size_t matched_count;
} wf_pattern_case;

static const char *const wf_star_made[] = { "f1.txt", "f2.txt", "g.dat", "txt", "h.txt.bak" };
static const char *const wf_star_matched[] = { "f1.txt", "f2.txt" };
static const wf_pattern_case wf_star = { "*.txt", wf_star_made, 5, wf_star_matched, 2 };
static const char *const wf_qm_made[] = { "f1.dat", "f2.dat", "f10.dat", "g1.dat", "f.dat" };
static const char *const wf_qm_matched[] = { "f1.dat", "f2.dat" };
static const wf_pattern_case wf_qm = { "f?.dat", wf_qm_made, 5, wf_qm_matched, 2 };
static const char *const wf_exact_made[] = { "f1.txt", "f1.txt2", "xf1.txt" };
static const char *const wf_exact_matched[] = { "f1.txt" };
static const wf_pattern_case wf_exact = { "f1.txt", wf_exact_made, 3, wf_exact_matched, 1 };

static void wf_case_pattern(wf_check *check, const void *param)
{
    const wf_pattern_case *p = param;
    wf_check_list list = { 0 };
    char what[128];

    if (!wf_make_files(check, p->made, p->made_count))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_check_list_dir(check, NULL, p->pattern,
            &list), "list with %s", p->pattern))
        goto exit;
    snprintf(what, sizeof what, "the names %s matches", p->pattern);
    wf_expect_names(check, &list, p->matched, p->matched_count, what);
exit:
    wf_check_list_free(&list);
}

/* An entry callback that takes at most limit entries per call, as a small buffer would. */
typedef struct wf_limited {
    wf_check_list list;
    size_t limit, taken;
} wf_limited;

static bool wf_limited_add(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_limited *limited = ctx;

    if (!wf_check_list_add(&limited->list, name, info))
        return false;
    return ++limited->taken < limited->limit;
}

/* Lists the case's directory in calls of at most limit entries (single: ReturnSingleEntry)
   until STATUS_NO_MORE_FILES; fails the case when a call returns more than asked. */
static bool wf_list_in_pieces(wf_check *check, size_t limit, bool single, wf_check_list *out)
{
    wf_fsd_file *file = NULL;
    wf_limited limited = { { 0 }, limit, 0 };
    uint32_t flags = WF_FSD_RESTART_SCAN | (single ? WF_FSD_RETURN_SINGLE_ENTRY : 0);
    NTSTATUS status;
    bool ok = false;

    if (!wf_check_setup(check, wf_check_open(check, NULL, WF_LIST_ACCESS, FILE_DIRECTORY_FILE,
            &file), "open the directory"))
        goto exit;
    for (size_t calls = 0; calls < 100000; calls++) {
        limited.taken = 0;
        status = wf_fsd_query_directory_once(file, "*", flags, wf_limited_add, &limited);
        flags &= ~WF_FSD_RESTART_SCAN;
        if (status == STATUS_NO_MORE_FILES) {
            ok = true;
            break;
        }
        if (!wf_check_status(check, STATUS_SUCCESS, status, "query call %zu", calls + 1))
            break;
        if (limited.taken == 0 || limited.taken > limit) {
            wf_check_u64(check, limit, limited.taken, "entries returned by call %zu",
                calls + 1);
            break;
        }
    }
exit:
    wf_check_close(check, &file);
    *out = limited.list;
    return ok;
}

static const char *const wf_five[] = { "e1", "e2", "e3", "e4", "e5" };

static void wf_case_single_entry(wf_check *check, const void *param)
{
    wf_check_list list = { 0 };

    (void)param;
    if (!wf_make_files(check, wf_five, 5))
        return;
    if (wf_list_in_pieces(check, 1, true, &list))
        wf_expect_names(check, &list, wf_five, 5, "one entry per call, all of them");
    wf_check_list_free(&list);
}

static void wf_case_resume(wf_check *check, const void *param)
{
    char names[120][8];
    const char *pointers[120];
    wf_check_list list = { 0 };

    (void)param;
    for (size_t i = 0; i < 120; i++) {
        snprintf(names[i], sizeof names[i], "r%03zu", i);
        pointers[i] = names[i];
    }
    if (!wf_make_files(check, pointers, 120))
        return;
    if (wf_list_in_pieces(check, 7, false, &list))
        wf_expect_names(check, &list, pointers, 120, "120 names, 7 per call, each once");
    wf_check_list_free(&list);
}

static void wf_case_restart(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    wf_limited first = { { 0 }, 2, 0 };
    wf_check_list again = { 0 };
    NTSTATUS status;

    (void)param;
    if (!wf_make_files(check, wf_five, 5) ||
        !wf_check_setup(check, wf_check_open(check, NULL, WF_LIST_ACCESS,
            FILE_DIRECTORY_FILE, &file), "open the directory"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_query_directory_once(file, "*",
            WF_FSD_RESTART_SCAN, wf_limited_add, &first), "the first call"))
        goto exit;
    /* Restarted: from the first entry again, then every entry once. */
    for (uint32_t flags = WF_FSD_RESTART_SCAN;; flags = 0) {
        status = wf_fsd_query_directory_once(file, NULL, flags, wf_check_list_add, &again);
        if (status == STATUS_NO_MORE_FILES)
            break;
        if (!wf_check_status(check, STATUS_SUCCESS, status, "a call after RestartScan"))
            goto exit;
    }
    if (again.count == 0 || first.list.count == 0 ||
        strcmp(again.entries[0].name, first.list.entries[0].name) != 0) {
        wf_check_fail(check, first.list.count ? first.list.entries[0].name : "(none)",
            again.count ? again.entries[0].name : "(none)",
            "the first entry after RestartScan");
        goto exit;
    }
    wf_expect_names(check, &again, wf_five, 5, "the listing after RestartScan");
exit:
    wf_check_list_free(&first.list);
    wf_check_list_free(&again);
}

static void wf_case_no_such_file(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    wf_check_list list = { 0 };

    (void)param;
    if (!wf_make_files(check, wf_five, 2) ||
        !wf_check_setup(check, wf_check_open(check, NULL, WF_LIST_ACCESS,
            FILE_DIRECTORY_FILE, &file), "open the directory"))
        return;
    wf_check_status(check, STATUS_NO_SUCH_FILE, wf_fsd_query_directory_once(file, "nomatch*",
        WF_FSD_RESTART_SCAN, wf_check_list_add, &list),
        "the first call, with a pattern that matches nothing");
    wf_check_list_free(&list);
}

static void wf_case_no_more_files(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    wf_check_list list = { 0 };
    NTSTATUS status = STATUS_SUCCESS;

    (void)param;
    if (!wf_make_files(check, wf_five, 2) ||
        !wf_check_setup(check, wf_check_open(check, NULL, WF_LIST_ACCESS,
            FILE_DIRECTORY_FILE, &file), "open the directory"))
        return;
    for (uint32_t flags = WF_FSD_RESTART_SCAN; status == STATUS_SUCCESS; flags = 0)
        status = wf_fsd_query_directory_once(file, "e*", flags, wf_check_list_add, &list);
    if (wf_check_status(check, STATUS_NO_MORE_FILES, status, "the call after the last entry"))
        wf_check_status(check, STATUS_NO_MORE_FILES, wf_fsd_query_directory_once(file, NULL,
            0, wf_check_list_add, &list), "one call more");
    wf_check_list_free(&list);
}

static void wf_case_follows_changes(wf_check *check, const void *param)
{
    static const char *const before[] = { "e1", "e2" };
    static const char *const after[] = { "e1", "new" };
    wf_check_list list = { 0 };
    wf_fsd_file *file = NULL;

    (void)param;
    if (!wf_make_files(check, wf_five, 2))
        return;
    if (!wf_check_setup(check, wf_check_list_dir(check, NULL, NULL, &list), "list") ||
        !wf_expect_names(check, &list, before, 2, "the first listing"))
        goto exit;
    wf_check_list_free(&list);
    /* A name added and one deleted since: the next listing shows both changes. */
    if (!wf_check_setup(check, wf_check_make_file(check, "new", "n", 1), "make new") ||
        !wf_check_setup(check, wf_check_open(check, "e2", DELETE | FILE_READ_ATTRIBUTES, 0,
            &file), "open e2 for DELETE") ||
        !wf_check_setup(check, wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false),
            "delete e2"))
        goto exit;
    wf_check_close(check, &file);
    if (wf_check_setup(check, wf_check_list_dir(check, NULL, NULL, &list), "list again"))
        wf_expect_names(check, &list, after, 2, "the listing after a create and a delete");
exit:
    wf_check_list_free(&list);
}

const wf_check_case wf_check_cases_dir[] = {
    { "dir.list_all", "every name made is listed once, with its size and type", true,
        wf_case_list_all, NULL },
    { "dir.dot_entries", "a subdirectory lists . and .., as directories", true,
        wf_case_dot_entries, NULL },
    { "dir.pattern_star", "*.txt lists exactly the names that end in .txt", true,
        wf_case_pattern, &wf_star },
    { "dir.pattern_question", "f?.dat lists exactly the names with one character there",
        true, wf_case_pattern, &wf_qm },
    { "dir.pattern_exact", "a name without wildcards lists that one entry", true,
        wf_case_pattern, &wf_exact },
    { "dir.single_entry", "ReturnSingleEntry: one entry per call, all of them in the end",
        true, wf_case_single_entry, NULL },
    { "dir.resume_across_calls", "a listing taken 7 entries per call: each name once", true,
        wf_case_resume, NULL },
    { "dir.restart_scan", "RestartScan starts again from the first entry", true,
        wf_case_restart, NULL },
    { "dir.no_such_file", "nothing matches on the first call: STATUS_NO_SUCH_FILE", true,
        wf_case_no_such_file, NULL },
    { "dir.no_more_files", "after the last entry: STATUS_NO_MORE_FILES", true,
        wf_case_no_more_files, NULL },
    { "dir.follows_changes", "a new listing shows names created and deleted since", true,
        wf_case_follows_changes, NULL },
    { NULL, NULL, false, NULL, NULL },
};
