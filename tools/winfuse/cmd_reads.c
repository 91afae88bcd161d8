/* cmd_reads.c — the shell's reads command: N concurrent reads through the stand-in, to see
   how they end (all in flight at once; a file system killed meanwhile must fail them). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "path.h"
#include "shell.h"
#include "winfuse/nt_constants.h"

#define WF_READS_MAX_COUNT 1024u
#define WF_READS_MAX_LENGTH (64u * 1024u * 1024u)
#define WF_READS_DEFAULT_LENGTH 4096u

typedef struct wf_read_job {
    wf_fsd_file *file;
    uint32_t length;
    uint8_t *buffer;
    NTSTATUS status;
    uint32_t got;
} wf_read_job;

/* One distinct way a read ended, and how many ended so. */
typedef struct wf_read_outcome {
    NTSTATUS status;
    uint32_t got;
    unsigned count;
} wf_read_outcome;

static void *wf_read_job_main(void *arg)
{
    wf_read_job *job = arg;
    job->status = wf_fsd_read(job->file, job->buffer, 0, job->length, &job->got);
    return NULL;
}

static bool wf_parse_unsigned(const char *text, unsigned long max, unsigned long *value)
{
    char *end;
    if (text[0] < '0' || text[0] > '9')
        return false;
    *value = strtoul(text, &end, 10);
    return *end == '\0' && *value >= 1 && *value <= max;
}

static double wf_seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Prints one line per distinct outcome; returns true when every read succeeded. */
static bool wf_report_outcomes(const wf_read_job *jobs, unsigned count)
{
    wf_read_outcome *outcomes = calloc(count, sizeof *outcomes);
    unsigned distinct = 0, i, j;
    bool all_ok = true;
    char hex[16];

    if (outcomes == NULL)
        return false;
    for (i = 0; i < count; i++) {
        for (j = 0; j < distinct; j++)
            if (outcomes[j].status == jobs[i].status && outcomes[j].got == jobs[i].got)
                break;
        if (j == distinct) {
            outcomes[j].status = jobs[i].status;
            outcomes[j].got = jobs[i].got;
            distinct++;
        }
        outcomes[j].count++;
        all_ok &= jobs[i].status == STATUS_SUCCESS;
    }
    for (j = 0; j < distinct; j++) {
        if (outcomes[j].status == STATUS_SUCCESS)
            printf("%u reads: %u succeeded with %u bytes\n", count, outcomes[j].count,
                (unsigned)outcomes[j].got);
        else
            printf("%u reads: %u failed with %s\n", count, outcomes[j].count,
                wf_ntstatus_text(outcomes[j].status, hex));
    }
    free(outcomes);
    return all_ok;
}

bool wf_cmd_reads(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] = "reads N PATH [LENGTH] [cancel=MS]";
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    unsigned long count, length = WF_READS_DEFAULT_LENGTH;
    wf_read_job *jobs = NULL;
    pthread_t *threads = NULL;
    bool *started = NULL;
    wf_fsd_file *file = NULL;
    struct timespec start;
    NTSTATUS status;
    bool ok = false;
    unsigned i;

    unsigned long cancel_ms = 0;
    if (argc >= 4 && strncmp(argv[argc - 1], "cancel=", 7) == 0) {
        if (!wf_parse_unsigned(argv[argc - 1] + 7, 600000, &cancel_ms))
            return wf_shell_usage(usage);
        argc--;
    }
    if (argc < 3 || argc > 4 || !wf_parse_unsigned(argv[1], WF_READS_MAX_COUNT, &count) ||
        (argc == 4 && !wf_parse_unsigned(argv[3], WF_READS_MAX_LENGTH, &length)))
        return wf_shell_usage(usage);
    if (!wf_path_resolve(shell->cwd, argv[2], path, sizeof path))
        return wf_shell_usage(usage);
    snprintf(what, sizeof what, "reads %s", path);

    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = GENERIC_READ,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        .create_disposition = FILE_OPEN, .create_options = FILE_NON_DIRECTORY_FILE }, &file, NULL);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);

    jobs = calloc(count, sizeof *jobs);
    threads = calloc(count, sizeof *threads);
    started = calloc(count, sizeof *started);
    if (jobs == NULL || threads == NULL || started == NULL) {
        wf_shell_fail(shell, what, STATUS_NO_MEMORY);
        goto exit;
    }
    for (i = 0; i < count; i++) {
        jobs[i].file = file;
        jobs[i].length = (uint32_t)length;
        jobs[i].buffer = malloc(length);
        jobs[i].status = STATUS_NO_MEMORY;
    }

    /* Said before the reads go out, so that a test knows when they are in flight. */
    printf("issuing %lu reads of %lu bytes at offset 0 of %s\n", count, length, path);
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (i = 0; i < count; i++)
        if (jobs[i].buffer != NULL)
            started[i] = pthread_create(&threads[i], NULL, wf_read_job_main, &jobs[i]) == 0;
    if (cancel_ms) {
        /* As CancelIoEx on the handle: whatever is still in flight then is cancelled. */
        struct timespec delay = { .tv_sec = (time_t)(cancel_ms / 1000),
            .tv_nsec = (long)(cancel_ms % 1000) * 1000000L };
        nanosleep(&delay, NULL);
        printf("cancelling the reads still in flight\n");
        fflush(stdout);
        wf_fsd_cancel_file(file);
    }
    for (i = 0; i < count; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        else if (jobs[i].buffer != NULL)
            jobs[i].status = STATUS_INSUFFICIENT_RESOURCES;     /* no thread for it */
    }

    ok = wf_report_outcomes(jobs, (unsigned)count);
    printf("elapsed: %.3f s\n", wf_seconds_since(&start));
exit:
    if (jobs != NULL)
        for (i = 0; i < count; i++)
            free(jobs[i].buffer);
    free(started);
    free(threads);
    free(jobs);
    wf_fsd_close(file);
    return ok;
}
