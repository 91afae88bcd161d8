/* check.h — `winfuse check`: the case table, the state a case runs in, and what cases share. */
#ifndef WINFUSE_TOOLS_CHECK_H
#define WINFUSE_TOOLS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fsd.h"
#include "volume.h"

/* Longest path a case builds, in UTF-8 bytes. */
#define WF_CHECK_PATH_MAX 4096
/* Handles a case may hold at once; the runner closes what a case left open. */
#define WF_CHECK_MAX_FILES 16

typedef enum wf_check_result {
    WF_CHECK_PASS,
    WF_CHECK_FAIL,
    WF_CHECK_READ_ONLY,     /* a write-side case on a file system that takes no writes */
    WF_CHECK_SKIP,          /* the file system lacks something optional (hard links…) */
} wf_check_result;

/* One case's outcome, as reported. Empty strings: nothing to say. */
typedef struct wf_check_outcome {
    const char *name;
    const char *behaviour;
    wf_check_result result;
    char expected[160];
    char actual[160];
    char detail[512];
} wf_check_outcome;

typedef struct wf_check wf_check;

typedef struct wf_check_case {
    const char *name;           /* "family.behaviour" */
    const char *behaviour;      /* what Windows expects, in one line (for --list) */
    bool writes;                /* changes the file system: READ-ONLY where it cannot */
    void (*run)(wf_check *check, const void *param);
    const void *param;
} wf_check_case;

/* The state one case runs in. */
struct wf_check {
    wf_fsd *fsd;
    wf_volume *volume;
    uint32_t time_gran;         /* the file system's time granularity in ns (INIT), ≥ 1 */
    bool read_only;             /* the file system refused the first scratch directory */
    bool no_dosattrib;          /* -o dosattrib=off: DOS attributes are not stored */
    /* The case's directory: "\winfuse-check-N" (a new scratch directory), or "" for the
       root when a read-side case runs on a read-only file system. */
    char dir[WF_CHECK_PATH_MAX];
    /* Read-side cases: a file that exists in dir (a name in it), "" when there is none. */
    char sample[WF_CHECK_PATH_MAX];
    /* The sample's contents when the check wrote it, NULL when unknown (read-only). */
    const char *sample_data;
    wf_check_outcome *outcome;
    bool decided;               /* outcome set by a FAIL or SKIP: the first one stands */
    wf_fsd_file *files[WF_CHECK_MAX_FILES];
    char paths[4][WF_CHECK_PATH_MAX];
    unsigned next_path;
};

/* Runs `winfuse check [OPTIONS] [-- FS-COMMAND ARGS...]`; argv[0] is "check". Returns the
   exit status: 0 (no case failed), 1 (one did), 2 (bad options, or no mount). */
int wf_check_main(int argc, char **argv);

/* The cases, by family (check_cases_*.c); each table ends with a zeroed entry. */
extern const wf_check_case wf_check_cases_create[];
extern const wf_check_case wf_check_cases_io[];
extern const wf_check_case wf_check_cases_info[];
extern const wf_check_case wf_check_cases_delete[];
extern const wf_check_case wf_check_cases_namespace[];
extern const wf_check_case wf_check_cases_dir[];
extern const wf_check_case wf_check_cases_read[];
extern const wf_check_case wf_check_cases_volume[];
extern const wf_check_case wf_check_cases_dos[];
extern const wf_check_case wf_check_cases_streams[];
extern const wf_check_case wf_check_cases_ntfs[];

/* ---- Paths and handles (check_fs.c) ----------------------------------------------------- */

/* name inside the case's directory as a full path ("\winfuse-check-3\a.txt"); NULL or ""
   is the directory itself, a name that begins with a backslash is taken as it is. The
   result lives until four more calls. */
const char *wf_check_path(wf_check *check, const char *name);
/* NtCreateFile of name (in the case's directory); a handle it opens is tracked. */
NTSTATUS wf_check_create(wf_check *check, const char *name, uint32_t access, uint32_t share,
    uint32_t disposition, uint32_t options, uint32_t attributes, wf_fsd_file **file,
    uint32_t *information);
/* FILE_OPEN of an existing file or directory, every share mode. */
NTSTATUS wf_check_open(wf_check *check, const char *name, uint32_t access, uint32_t options,
    wf_fsd_file **file);
/* Closes a tracked handle (NULL: nothing) and sets *file to NULL. */
NTSTATUS wf_check_close(wf_check *check, wf_fsd_file **file);
/* Closes every handle the case left open. */
void wf_check_close_all(wf_check *check);

/* A new file holding data (FILE_CREATE, write, close). */
NTSTATUS wf_check_make_file(wf_check *check, const char *name, const void *data, size_t size);
/* A new directory (FILE_CREATE, FILE_DIRECTORY_FILE). */
NTSTATUS wf_check_make_dir(wf_check *check, const char *name);
/* The file's information, through a handle opened for attributes only. */
NTSTATUS wf_check_stat(wf_check *check, const char *name, FSP_FSCTL_FILE_INFO *info);
/* Reads from offset until the end of file or size bytes; *length is what was read. */
NTSTATUS wf_check_read_file(wf_fsd_file *file, uint64_t offset, void *buffer, size_t size,
    size_t *length);
/* Opens name for reading and reads it all (at most size bytes). */
NTSTATUS wf_check_read_name(wf_check *check, const char *name, void *buffer, size_t size,
    size_t *length);

/* A directory listing, names in the order returned. */
typedef struct wf_check_entry {
    char *name;
    FSP_FSCTL_FILE_INFO info;
} wf_check_entry;

typedef struct wf_check_list {
    wf_check_entry *entries;
    size_t count, capacity;
    size_t calls;               /* NtQueryDirectoryFile calls it took */
    bool overflow;              /* out of memory: entries are missing */
} wf_check_list;

void wf_check_list_free(wf_check_list *list);
/* How many times name is in the list. */
size_t wf_check_list_count(const wf_check_list *list, const char *name);
const wf_check_entry *wf_check_list_find(const wf_check_list *list, const char *name);
/* The names joined with ", " in the list's order, for a report ("(none)" when empty). */
void wf_check_list_format(const wf_check_list *list, char *buffer, size_t size);
/* A wf_fsd_dir_entry_fn that appends to a wf_check_list. */
bool wf_check_list_add(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info);
/* Lists the directory dir (a name in the case's directory; NULL for the case's directory
   itself) with pattern (NULL: every entry), by a whole restarted scan. */
NTSTATUS wf_check_list_dir(wf_check *check, const char *dir, const char *pattern,
    wf_check_list *list);

/* Removes path and everything below it; returns the first failure. */
NTSTATUS wf_check_remove_tree(wf_fsd *fsd, const char *path);

/* ---- Outcomes (check.c) ----------------------------------------------------------------- */

/* Marks the case failed (the first failure stands): expected and actual are short values,
   detail (printf format) says which step. */
void wf_check_fail(wf_check *check, const char *expected, const char *actual,
    const char *detail, ...) __attribute__((format(printf, 4, 5)));
/* Marks the case skipped: the file system lacks an optional feature. */
void wf_check_skip(wf_check *check, const char *reason, ...)
    __attribute__((format(printf, 2, 3)));
/* A note on a passing case ("time granularity 100 ns"). */
void wf_check_note(wf_check *check, const char *note, ...)
    __attribute__((format(printf, 2, 3)));
/* True when actual is expected; otherwise fails the case naming step. */
bool wf_check_status(wf_check *check, NTSTATUS expected, NTSTATUS actual, const char *step,
    ...) __attribute__((format(printf, 4, 5)));
/* A setup step must succeed: true on STATUS_SUCCESS, else the case fails ("setup: …"). */
bool wf_check_setup(wf_check *check, NTSTATUS status, const char *step, ...)
    __attribute__((format(printf, 3, 4)));
/* Create's Information (FILE_CREATED, FILE_OPENED, …). */
bool wf_check_information(wf_check *check, uint32_t expected, uint32_t actual,
    const char *step);
bool wf_check_u64(wf_check *check, uint64_t expected, uint64_t actual, const char *step, ...)
    __attribute__((format(printf, 4, 5)));
/* The bytes read are the bytes expected. */
bool wf_check_data(wf_check *check, const void *expected, size_t expected_size,
    const void *actual, size_t actual_size, const char *step);
/* A status that says the file system does not implement the operation at all. */
bool wf_check_unsupported(NTSTATUS status);

/* ---- The report (check_report.c) -------------------------------------------------------- */

typedef struct wf_check_totals {
    unsigned passed, failed, read_only, skipped;
} wf_check_totals;

/* One line for a finished case: "PASS      create.file_create_new". */
void wf_check_print_line(FILE *out, const wf_check_outcome *outcome);
/* The closing line: "N passed, M failed, K read-only, S skipped" and why read-only. */
void wf_check_print_summary(FILE *out, const wf_check_totals *totals, bool read_only,
    const char *read_only_status);
/* The whole run as one JSON document. */
void wf_check_print_json(FILE *out, const char *filesystem, const char *mount,
    bool read_only, const char *read_only_status, const wf_check_outcome *outcomes,
    size_t count, const wf_check_totals *totals);

#endif
