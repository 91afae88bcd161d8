/* check.c — `winfuse check`: mounts a FUSE file system and runs the Windows-semantics
   battery on it, each case in its own scratch directory, then reports (check_report.c). */
#define _POSIX_C_SOURCE 200809L
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "signals.h"
#include "cli_options.h"
#include "win32ops.h"
#include "winfuse/engine.h"
#include "winfuse/nt_constants.h"

/* Scratch directory numbers tried before giving up (leftovers of earlier runs collide). */
#define WF_CHECK_SCRATCH_TRIES 1000
#define WF_CHECK_MAX_ONLY 32
/* How far a read-only file system is searched for a file to read. */
#define WF_CHECK_SAMPLE_DIRS 32

static const wf_check_case *const wf_check_tables[] = {
    wf_check_cases_read, wf_check_cases_create, wf_check_cases_io, wf_check_cases_info,
    wf_check_cases_delete, wf_check_cases_namespace, wf_check_cases_dir,
    wf_check_cases_volume, wf_check_cases_dos, wf_check_cases_streams, wf_check_cases_ntfs,
};

/* The known contents of the sample file read-side cases read on a writable file system. */
static const char wf_check_sample_text[] =
    "WinFuse check sample: this file is read back by the read-side cases.\r\n"
    "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";

typedef struct wf_check_run {
    wf_fsd *fsd;
    wf_volume *volume;
    uint32_t time_gran;
    bool no_dosattrib;              /* -o dosattrib=off */
    unsigned next_scratch;          /* the N of the next \winfuse-check-N to try */
    char spare[WF_CHECK_PATH_MAX];  /* a scratch directory made and not yet used, or "" */
    bool read_only;
    NTSTATUS read_only_status;
    char sample_dir[WF_CHECK_PATH_MAX];     /* read-only: where the sample was found */
    char sample[WF_CHECK_PATH_MAX];
    bool sample_searched;
    unsigned left_behind;           /* scratch directories that could not be removed */
    bool disconnect_reported;
} wf_check_run;

/* ---- outcomes --------------------------------------------------------------------------- */

static void wf_check_vdetail(wf_check *check, const char *format, va_list args)
{
    vsnprintf(check->outcome->detail, sizeof check->outcome->detail, format, args);
}

void wf_check_fail(wf_check *check, const char *expected, const char *actual,
    const char *detail, ...)
{
    va_list args;

    if (check->decided)
        return;
    check->decided = true;
    check->outcome->result = WF_CHECK_FAIL;
    snprintf(check->outcome->expected, sizeof check->outcome->expected, "%s", expected);
    snprintf(check->outcome->actual, sizeof check->outcome->actual, "%s", actual);
    va_start(args, detail);
    wf_check_vdetail(check, detail, args);
    va_end(args);
}

void wf_check_skip(wf_check *check, const char *reason, ...)
{
    va_list args;

    if (check->decided)
        return;
    check->decided = true;
    check->outcome->result = WF_CHECK_SKIP;
    va_start(args, reason);
    wf_check_vdetail(check, reason, args);
    va_end(args);
}

void wf_check_note(wf_check *check, const char *note, ...)
{
    va_list args;

    if (check->decided)
        return;
    va_start(args, note);
    wf_check_vdetail(check, note, args);
    va_end(args);
}

static bool wf_check_status_v(wf_check *check, NTSTATUS expected, NTSTATUS actual,
    const char *prefix, const char *step, va_list args)
{
    char want[16], got[16], what[400];

    if (expected == actual)
        return true;
    vsnprintf(what, sizeof what, step, args);
    wf_check_fail(check, wf_ntstatus_text(expected, want),
        wf_ntstatus_text(actual, got), "%s%s", prefix, what);
    return false;
}

bool wf_check_status(wf_check *check, NTSTATUS expected, NTSTATUS actual, const char *step,
    ...)
{
    va_list args;
    bool ok;

    va_start(args, step);
    ok = wf_check_status_v(check, expected, actual, "", step, args);
    va_end(args);
    return ok;
}

bool wf_check_setup(wf_check *check, NTSTATUS status, const char *step, ...)
{
    va_list args;
    bool ok;

    va_start(args, step);
    ok = wf_check_status_v(check, STATUS_SUCCESS, status, "setup: ", step, args);
    va_end(args);
    return ok;
}

static const char *wf_check_information_name(uint32_t information, char buffer[16])
{
    static const char *const names[] = { "FILE_SUPERSEDED", "FILE_OPENED", "FILE_CREATED",
        "FILE_OVERWRITTEN", "FILE_EXISTS", "FILE_DOES_NOT_EXIST" };
    if (information < sizeof names / sizeof names[0])
        return names[information];
    snprintf(buffer, 16, "%u", (unsigned)information);
    return buffer;
}

bool wf_check_information(wf_check *check, uint32_t expected, uint32_t actual,
    const char *step)
{
    char want[16], got[16];

    if (expected == actual)
        return true;
    wf_check_fail(check, wf_check_information_name(expected, want),
        wf_check_information_name(actual, got), "%s", step);
    return false;
}

bool wf_check_u64(wf_check *check, uint64_t expected, uint64_t actual, const char *step, ...)
{
    char want[32], got[32], what[400];
    va_list args;

    if (expected == actual)
        return true;
    va_start(args, step);
    vsnprintf(what, sizeof what, step, args);
    va_end(args);
    snprintf(want, sizeof want, "%llu", (unsigned long long)expected);
    snprintf(got, sizeof got, "%llu", (unsigned long long)actual);
    wf_check_fail(check, want, got, "%s", what);
    return false;
}

/* Up to 24 bytes around offset, printable, for a report. */
static void wf_check_excerpt(const uint8_t *data, size_t size, size_t offset, char *out,
    size_t out_size)
{
    size_t used = 0;

    for (size_t i = offset; i < size && i < offset + 24 && used + 5 < out_size; i++)
        used += (size_t)snprintf(out + used, out_size - used,
            data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\' ? "%c" : "\\x%02x", data[i]);
    out[used] = '\0';
}

bool wf_check_data(wf_check *check, const void *expected, size_t expected_size,
    const void *actual, size_t actual_size, const char *step)
{
    const uint8_t *want = expected, *got = actual;
    char want_text[128], got_text[128];
    size_t at = 0;

    if (expected_size == actual_size && memcmp(expected, actual, expected_size) == 0)
        return true;
    while (at < expected_size && at < actual_size && want[at] == got[at])
        at++;
    wf_check_excerpt(want, expected_size, at, want_text, sizeof want_text);
    wf_check_excerpt(got, actual_size, at, got_text, sizeof got_text);
    char expected_text[160], actual_text[160];
    snprintf(expected_text, sizeof expected_text, "%zu bytes, \"%s\" at %zu", expected_size,
        want_text, at);
    snprintf(actual_text, sizeof actual_text, "%zu bytes, \"%s\" at %zu", actual_size,
        got_text, at);
    wf_check_fail(check, expected_text, actual_text, "%s: the data differs", step);
    return false;
}

bool wf_check_unsupported(NTSTATUS status)
{
    return status == STATUS_INVALID_DEVICE_REQUEST || status == STATUS_NOT_IMPLEMENTED ||
        status == STATUS_NOT_SUPPORTED;
}

/* ---- scratch directories ---------------------------------------------------------------- */

/* What a file system that takes no writes answers to a new directory in its root. */
static bool wf_check_read_only_status(NTSTATUS status)
{
    return status == STATUS_MEDIA_WRITE_PROTECTED || status == STATUS_ACCESS_DENIED ||
        wf_check_unsupported(status);
}

/* Makes the next free \winfuse-check-N. */
static NTSTATUS wf_check_make_scratch(wf_check_run *run, char *path, size_t size)
{
    NTSTATUS status = STATUS_OBJECT_NAME_COLLISION;

    for (unsigned tries = 0; tries < WF_CHECK_SCRATCH_TRIES &&
         status == STATUS_OBJECT_NAME_COLLISION; tries++) {
        wf_fsd_file *file = NULL;
        uint32_t information;

        snprintf(path, size, "\\winfuse-check-%u", run->next_scratch++);
        status = wf_fsd_create_file(run->fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
            .file_attributes = FILE_ATTRIBUTE_NORMAL, .share_access = WF_SHARE_ALL,
            .create_disposition = FILE_CREATE, .create_options = FILE_DIRECTORY_FILE }, &file,
            &information);
        if (status == STATUS_SUCCESS)
            wf_fsd_close(file);
    }
    return status;
}

/* Whether the file system takes writes: the first scratch directory is kept for the first
   case that wants one. */
static void wf_check_probe(wf_check_run *run)
{
    NTSTATUS status = wf_check_make_scratch(run, run->spare, sizeof run->spare);

    if (status != STATUS_SUCCESS) {
        run->spare[0] = '\0';
        if (wf_check_read_only_status(status)) {
            run->read_only = true;
            run->read_only_status = status;
        }
    }
}

static void wf_check_drop_scratch(wf_check_run *run, const char *path)
{
    FSP_FSCTL_FILE_INFO info;
    wf_check probe;
    char text[16];
    NTSTATUS status;

    status = wf_check_remove_tree(run->fsd, path);
    /* Cleanup cannot report a failed delete: look whether the name went. */
    memset(&probe, 0, sizeof probe);
    probe.fsd = run->fsd;
    if (status == STATUS_SUCCESS) {
        status = wf_check_stat(&probe, path, &info);
        status = status == STATUS_OBJECT_NAME_NOT_FOUND ? STATUS_SUCCESS :
            status == STATUS_SUCCESS ? STATUS_DIRECTORY_NOT_EMPTY : status;
    }
    if (status != STATUS_SUCCESS) {
        fflush(stdout);
        fprintf(stderr, "winfuse check: could not remove %s: %s\n", path,
            wf_ntstatus_text(status, text));
        run->left_behind++;
    }
}

/* ---- the sample a read-side case reads -------------------------------------------------- */

typedef struct wf_check_found {
    char file[WF_CHECK_PATH_MAX];       /* the first regular file's name */
    char dirs[8][WF_CHECK_PATH_MAX / 8];
    size_t dir_count;
} wf_check_found;

static bool wf_check_found_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_check_found *found = ctx;

    if (info->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
            found->dir_count < sizeof found->dirs / sizeof found->dirs[0] &&
            strlen(name) < sizeof found->dirs[0])
            snprintf(found->dirs[found->dir_count++], sizeof found->dirs[0], "%s", name);
    } else if (found->file[0] == '\0' && !(info->FileAttributes &
                   FILE_ATTRIBUTE_REPARSE_POINT)) {
        snprintf(found->file, sizeof found->file, "%s", name);
    }
    return true;
}

/* A read-only file system: the first regular file, breadth first from the root. */
static void wf_check_find_sample(wf_check_run *run)
{
    char queue[WF_CHECK_SAMPLE_DIRS][WF_CHECK_PATH_MAX / 8];
    size_t head = 0, tail = 0;

    run->sample_searched = true;
    queue[tail++][0] = '\0';
    while (head < tail) {
        wf_check_found *found = calloc(1, sizeof *found);
        wf_fsd_file *file = NULL;
        char dir[WF_CHECK_PATH_MAX / 8];
        uint32_t information;

        if (found == NULL)
            return;
        memcpy(dir, queue[head++], sizeof dir);
        if (wf_fsd_create_file(run->fsd, &(wf_fsd_create_params){ .path = dir[0] ? dir : "\\",
                .desired_access = FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES |
                SYNCHRONIZE,
                .share_access = WF_SHARE_ALL, .create_disposition = FILE_OPEN,
                .create_options = FILE_DIRECTORY_FILE }, &file, &information) == STATUS_SUCCESS) {
            wf_fsd_query_directory(file, "*", wf_check_found_entry, found);
            wf_fsd_close(file);
        }
        if (found->file[0] != '\0') {
            snprintf(run->sample_dir, sizeof run->sample_dir, "%s", dir);
            snprintf(run->sample, sizeof run->sample, "%s", found->file);
            free(found);
            return;
        }
        for (size_t i = 0; i < found->dir_count && tail < WF_CHECK_SAMPLE_DIRS; i++)
            if ((size_t)snprintf(queue[tail], sizeof queue[tail], "%s\\%s", dir,
                    found->dirs[i]) < sizeof queue[tail])
                tail++;
        free(found);
    }
}

/* ---- running a case --------------------------------------------------------------------- */

/* The case's directory: a scratch directory (populated with the sample for a read-side
   case), or on a read-only file system where the sample was found. False when the case
   cannot run; its outcome says why. */
static bool wf_check_prepare(wf_check_run *run, const wf_check_case *test, wf_check *check,
    bool *scratch)
{
    char text[16];
    NTSTATUS status;

    *scratch = false;
    if (run->read_only) {
        if (test->writes) {
            check->outcome->result = WF_CHECK_READ_ONLY;
            snprintf(check->outcome->detail, sizeof check->outcome->detail,
                "a new directory in the root: %s",
                wf_ntstatus_text(run->read_only_status, text));
            return false;
        }
        if (!run->sample_searched)
            wf_check_find_sample(run);
        snprintf(check->dir, sizeof check->dir, "%s", run->sample_dir);
        snprintf(check->sample, sizeof check->sample, "%s", run->sample);
        check->sample_data = NULL;
        return true;
    }

    if (run->spare[0] != '\0') {
        snprintf(check->dir, sizeof check->dir, "%s", run->spare);
        run->spare[0] = '\0';
        status = STATUS_SUCCESS;
    } else {
        status = wf_check_make_scratch(run, check->dir, sizeof check->dir);
    }
    if (!wf_check_setup(check, status, "make the scratch directory %s", check->dir))
        return false;
    *scratch = true;
    if (!test->writes) {
        status = wf_check_make_file(check, "sample.txt", wf_check_sample_text,
            sizeof wf_check_sample_text - 1);
        if (!wf_check_setup(check, status, "make the sample file"))
            return false;
        status = wf_check_make_dir(check, "sample-dir");
        if (!wf_check_setup(check, status, "make the sample directory"))
            return false;
        snprintf(check->sample, sizeof check->sample, "sample.txt");
        check->sample_data = wf_check_sample_text;
    }
    return true;
}

static void wf_check_run_case(wf_check_run *run, const wf_check_case *test,
    wf_check_outcome *outcome)
{
    wf_check *check = calloc(1, sizeof *check);
    bool scratch = false;

    memset(outcome, 0, sizeof *outcome);
    outcome->name = test->name;
    outcome->behaviour = test->behaviour;
    outcome->result = WF_CHECK_PASS;
    if (check == NULL) {
        outcome->result = WF_CHECK_FAIL;
        snprintf(outcome->detail, sizeof outcome->detail, "out of memory");
        return;
    }
    check->fsd = run->fsd;
    check->volume = run->volume;
    check->time_gran = run->time_gran;
    check->no_dosattrib = run->no_dosattrib;
    check->read_only = run->read_only;
    check->outcome = outcome;

    if (wf_check_prepare(run, test, check, &scratch))
        test->run(check, test->param);
    wf_check_close_all(check);
    if (scratch)
        wf_check_drop_scratch(run, check->dir);
    if (!run->disconnect_reported && wf_volume_disconnected(run->volume)) {
        fflush(stdout);
        fprintf(stderr, "winfuse check: the file system disconnected during %s\n",
            test->name);
        run->disconnect_reported = true;
    }
    free(check);
}

/* ---- the command ------------------------------------------------------------------------ */

static void wf_check_usage(FILE *out)
{
    fputs("usage: winfuse check [--json] [--only PATTERN]... [--list] [--debug]\n"
        "                     [--as UID:GID[:GROUP,...]] [--case-insensitive] [-o MAP]\n"
        "                     [--timeout SECONDS] [-- FS-COMMAND [ARGS...]]\n", out);
}

static bool wf_check_selected(const wf_check_case *test, char **only, size_t only_count)
{
    if (only_count == 0)
        return true;
    for (size_t i = 0; i < only_count; i++)
        if (fnmatch(only[i], test->name, 0) == 0)
            return true;
    return false;
}

static void wf_check_join_argv(char *const *argv, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; argv[i] != NULL && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? " " : "", argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int wf_check_main(int argc, char **argv)
{
    wf_volume_options options;
    wf_identity identity;
    wf_id_map id_map;
    wf_check_run run;
    wf_check_totals totals = { 0, 0, 0, 0 };
    const wf_check_case **selected = NULL;
    wf_check_outcome *outcomes = NULL;
    char *only[WF_CHECK_MAX_ONLY];
    char memfs[WF_CHECK_PATH_MAX], error[512], command[1024], mount[512], text[16];
    char *default_argv[3];
    const char *read_only_text;
    size_t only_count = 0, count = 0, capacity = 0;
    bool json = false, list = false;
    FILE *json_out = stdout;
    int i, exit_status = 2;

    memset(&options, 0, sizeof options);
    memset(&id_map, 0, sizeof id_map);
    memset(&run, 0, sizeof run);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--list") == 0) {
            list = true;
        } else if (strcmp(argv[i], "--debug") == 0) {
            options.debug = true;
        } else if (strcmp(argv[i], "--case-insensitive") == 0) {
            options.case_insensitive = true;
        } else if (strncmp(argv[i], "-o", 2) == 0) {
            const char *value = argv[i][2] ? argv[i] + 2 : i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_map_options("check", value, &id_map,
                    &options.no_dosattrib, &options.no_streams, &options.no_spin,
                    &options.spin_us))
                return 2;
            options.id_map = &id_map;
        } else if (strcmp(argv[i], "--only") == 0 || strncmp(argv[i], "--only=", 7) == 0) {
            char *value = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < argc ? argv[++i] : NULL;
            if (value == NULL || value[0] == '\0' || only_count == WF_CHECK_MAX_ONLY) {
                fprintf(stderr, "winfuse check: --only needs a PATTERN (at most %d)\n",
                    WF_CHECK_MAX_ONLY);
                return 2;
            }
            only[only_count++] = value;
        } else if (strcmp(argv[i], "--timeout") == 0 || strncmp(argv[i], "--timeout=", 10) == 0) {
            const char *value = argv[i][9] == '=' ? argv[i] + 10 :
                i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_timeout(value, &options.request_timeout_ms)) {
                fprintf(stderr, "winfuse check: --timeout needs SECONDS (0: none)\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--as") == 0 || strncmp(argv[i], "--as=", 5) == 0) {
            const char *value = argv[i][4] == '=' ? argv[i] + 5 :
                i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_identity(value, &identity)) {
                fprintf(stderr, "winfuse check: --as needs UID:GID[:GROUP,...]\n");
                return 2;
            }
            options.identity = &identity;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            wf_check_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "winfuse check: unknown option '%s'\n", argv[i]);
            wf_check_usage(stderr);
            return 2;
        } else {
            break;      /* the file system command begins */
        }
    }

    /* The cases asked for, in table order. */
    for (size_t t = 0; t < sizeof wf_check_tables / sizeof wf_check_tables[0]; t++) {
        for (const wf_check_case *test = wf_check_tables[t]; test->name != NULL; test++) {
            if (!wf_check_selected(test, only, only_count))
                continue;
            if (count == capacity) {
                size_t grown = capacity ? capacity * 2 : 64;
                const wf_check_case **bigger = realloc(selected, grown * sizeof *bigger);
                if (bigger == NULL) {
                    fprintf(stderr, "winfuse check: out of memory\n");
                    goto exit;
                }
                selected = bigger;
                capacity = grown;
            }
            selected[count++] = test;
        }
    }
    if (count == 0) {
        fprintf(stderr, "winfuse check: no case matches --only (see --list)\n");
        goto exit;
    }
    if (list) {
        for (size_t c = 0; c < count; c++)
            printf("%-44s %-6s %s\n", selected[c]->name, selected[c]->writes ? "write" : "read",
                selected[c]->behaviour);
        exit_status = 0;
        goto exit;
    }

    if (i < argc) {
        options.fs_argv = argv + i;
    } else {
        if (!wf_cli_default_fs(memfs, sizeof memfs)) {
            fprintf(stderr, "winfuse check: cannot find memfs; give a FS-COMMAND\n");
            goto exit;
        }
        default_argv[0] = memfs;
        default_argv[1] = "-f";     /* stay in the foreground: our child, reaped by us */
        default_argv[2] = NULL;
        options.fs_argv = default_argv;
    }
    wf_check_join_argv(options.fs_argv, command, sizeof command);
    outcomes = calloc(count, sizeof *outcomes);
    if (outcomes == NULL) {
        fprintf(stderr, "winfuse check: out of memory\n");
        goto exit;
    }

    if (json) {
        /* The file system inherits our stdout, and some print there (fuse2fs's journal
           warning at unmount): the document keeps a copy of stdout to itself, and stdout
           becomes stderr, so what stdout carries always parses. */
        int fd = dup(STDOUT_FILENO);
        json_out = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (json_out == NULL || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            fprintf(stderr, "winfuse check: cannot keep stdout for the JSON document\n");
            if (json_out != NULL)
                fclose(json_out);
            else if (fd >= 0)
                close(fd);
            json_out = NULL;
            goto exit;
        }
    }

    signal(SIGPIPE, SIG_IGN);
    wf_signals_block();     /* before any thread: the signals go to the watcher alone */
    run.volume = wf_volume_mount(&options, error, sizeof error);
    if (run.volume == NULL) {
        fprintf(stderr, "winfuse check: %s\n", error);
        goto exit;
    }
    if (!wf_signals_start(run.volume, false)) {
        fprintf(stderr, "winfuse check: cannot watch for signals\n");
        wf_volume_unmount(run.volume);
        goto exit;
    }
    run.fsd = wf_volume_fsd(run.volume);
    {
        wf_engine_info info;
        wf_engine_get_info(wf_volume_engine(run.volume), &info);
        run.time_gran = info.time_gran ? info.time_gran : 1;
    }
    run.no_dosattrib = options.no_dosattrib;
    wf_volume_describe_mount(run.volume, mount, sizeof mount);
    run.next_scratch = 1;
    if (!json) {
        printf("File system: %s\nMounted:     %s\n", command, mount);
        fflush(stdout);
    }

    wf_check_probe(&run);
    for (size_t c = 0; c < count; c++) {
        wf_check_run_case(&run, selected[c], &outcomes[c]);
        switch (outcomes[c].result) {
        case WF_CHECK_PASS: totals.passed++; break;
        case WF_CHECK_FAIL: totals.failed++; break;
        case WF_CHECK_READ_ONLY: totals.read_only++; break;
        case WF_CHECK_SKIP: totals.skipped++; break;
        }
        if (!json) {
            wf_check_print_line(stdout, &outcomes[c]);
            fflush(stdout);
        }
    }
    if (run.spare[0] != '\0')
        wf_check_drop_scratch(&run, run.spare);     /* every case was read-side */

    read_only_text = run.read_only ? wf_ntstatus_text(run.read_only_status, text) : NULL;
    if (json)
        wf_check_print_json(json_out, command, mount, run.read_only, read_only_text, outcomes,
            count, &totals);
    else
        wf_check_print_summary(stdout, &totals, run.read_only, read_only_text);
    fflush(json ? json_out : stdout);
    wf_signals_stop();
    exit_status = totals.failed ? 1 : 0;
    if (!wf_volume_unmount_checked(run.volume, error, sizeof error)) {
        fprintf(stderr, "winfuse check: the file system crashed: it %s\n", error);
        exit_status = 3;
    }
exit:
    if (json_out != NULL && json_out != stdout && fclose(json_out) != 0 && exit_status < 2)
        exit_status = 2;    /* the document could not be written whole */
    free(outcomes);
    free(selected);
    return exit_status;
}
