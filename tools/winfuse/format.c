/* format.c — how the shell shows NT values (times, attributes, file information, FUSE INIT
   flags) and reads times. */
#define _POSIX_C_SOURCE 200809L
#include "format.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "winfuse/fuse_abi.h"
#include "winfuse/nt_constants.h"

#define WF_NT_TICKS_PER_SECOND 10000000ull
/* Seconds from 1601-01-01 to 1970-01-01. */
#define WF_NT_UNIX_EPOCH_SECONDS 11644473600ll

typedef struct wf_flag_name {
    uint64_t bit;
    const char *name;
} wf_flag_name;

/* Appends word to buffer, separated by a space; a word that does not fit is dropped. */
static void wf_append_word(char *buffer, size_t size, const char *word)
{
    size_t len = strlen(buffer);
    snprintf(buffer + len, size - len, "%s%s", len ? " " : "", word);
}

static void wf_format_flags(uint64_t flags, const wf_flag_name *names, size_t count,
    char *buffer, size_t size)
{
    size_t i;

    buffer[0] = '\0';
    for (i = 0; i < count; i++) {
        if (flags & names[i].bit) {
            wf_append_word(buffer, size, names[i].name);
            flags &= ~names[i].bit;
        }
    }
    if (flags != 0) {
        char rest[32];
        snprintf(rest, sizeof rest, "0x%llx", (unsigned long long)flags);
        wf_append_word(buffer, size, rest);
    }
    if (buffer[0] == '\0')
        snprintf(buffer, size, "-");
}

static bool wf_nt_to_tm(uint64_t nt_time, bool local, struct tm *tm, uint32_t *ticks)
{
    time_t seconds = (time_t)((int64_t)(nt_time / WF_NT_TICKS_PER_SECOND) -
        WF_NT_UNIX_EPOCH_SECONDS);

    *ticks = (uint32_t)(nt_time % WF_NT_TICKS_PER_SECOND);
    return (local ? localtime_r(&seconds, tm) : gmtime_r(&seconds, tm)) != NULL;
}

void wf_format_time_iso(uint64_t nt_time, char *buffer, size_t size)
{
    struct tm tm;
    uint32_t ticks;
    char date[40];

    if (nt_time == 0 || !wf_nt_to_tm(nt_time, false, &tm, &ticks)) {
        snprintf(buffer, size, "-");
        return;
    }
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buffer, size, "%s.%07uZ", date, (unsigned)ticks);
}

void wf_format_time_dir(uint64_t nt_time, char *buffer, size_t size)
{
    struct tm tm;
    uint32_t ticks;

    if (nt_time == 0 || !wf_nt_to_tm(nt_time, true, &tm, &ticks)) {
        snprintf(buffer, size, "%-17s", "");
        return;
    }
    strftime(buffer, size, "%Y-%m-%d  %H:%M", &tm);
}

void wf_format_attributes(uint32_t attributes, char *buffer, size_t size)
{
    static const wf_flag_name names[] = {
        { FILE_ATTRIBUTE_READONLY, "READONLY" },
        { FILE_ATTRIBUTE_HIDDEN, "HIDDEN" },
        { FILE_ATTRIBUTE_SYSTEM, "SYSTEM" },
        { FILE_ATTRIBUTE_DIRECTORY, "DIRECTORY" },
        { FILE_ATTRIBUTE_ARCHIVE, "ARCHIVE" },
        { FILE_ATTRIBUTE_DEVICE, "DEVICE" },
        { FILE_ATTRIBUTE_NORMAL, "NORMAL" },
        { FILE_ATTRIBUTE_TEMPORARY, "TEMPORARY" },
        { FILE_ATTRIBUTE_SPARSE_FILE, "SPARSE_FILE" },
        { FILE_ATTRIBUTE_REPARSE_POINT, "REPARSE_POINT" },
        { FILE_ATTRIBUTE_COMPRESSED, "COMPRESSED" },
        { FILE_ATTRIBUTE_OFFLINE, "OFFLINE" },
        { FILE_ATTRIBUTE_NOT_CONTENT_INDEXED, "NOT_CONTENT_INDEXED" },
        { FILE_ATTRIBUTE_ENCRYPTED, "ENCRYPTED" },
        { FILE_ATTRIBUTE_INTEGRITY_STREAM, "INTEGRITY_STREAM" },
        { FILE_ATTRIBUTE_VIRTUAL, "VIRTUAL" },
        { FILE_ATTRIBUTE_NO_SCRUB_DATA, "NO_SCRUB_DATA" },
        { FILE_ATTRIBUTE_EA, "EA" },
        { FILE_ATTRIBUTE_PINNED, "PINNED" },
        { FILE_ATTRIBUTE_UNPINNED, "UNPINNED" },
        { FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS, "RECALL_ON_DATA_ACCESS" },
    };
    wf_format_flags(attributes, names, sizeof names / sizeof names[0], buffer, size);
}

void wf_print_file_info(const FSP_FSCTL_FILE_INFO *info)
{
    char text[512];

    wf_format_attributes(info->FileAttributes, text, sizeof text);
    printf("Attributes:     0x%08x %s\n", (unsigned)info->FileAttributes, text);
    printf("ReparseTag:     0x%08x\n", (unsigned)info->ReparseTag);
    printf("FileSize:       %llu\n", (unsigned long long)info->FileSize);
    printf("AllocationSize: %llu\n", (unsigned long long)info->AllocationSize);
    wf_format_time_iso(info->CreationTime, text, sizeof text);
    printf("CreationTime:   %s\n", text);
    wf_format_time_iso(info->LastAccessTime, text, sizeof text);
    printf("LastAccessTime: %s\n", text);
    wf_format_time_iso(info->LastWriteTime, text, sizeof text);
    printf("LastWriteTime:  %s\n", text);
    wf_format_time_iso(info->ChangeTime, text, sizeof text);
    printf("ChangeTime:     %s\n", text);
    printf("IndexNumber:    %llu\n", (unsigned long long)info->IndexNumber);
    printf("HardLinks:      %u\n", (unsigned)info->HardLinks);
    printf("EaSize:         %u\n", (unsigned)info->EaSize);
}

/* Days from 1970-01-01 to a proleptic Gregorian date (valid for every year here). */
static int64_t wf_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

bool wf_parse_time(const char *text, uint64_t *nt_time)
{
    unsigned year, month, day, hour, minute, second, ticks = 0, digits = 0;
    int consumed = 0;
    const char *p;
    int64_t seconds;

    if (strcmp(text, "-1") == 0 || strcmp(text, "-2") == 0) {
        *nt_time = (uint64_t)strtoll(text, NULL, 10);
        return true;
    }
    if (strchr(text, '-') == NULL) {
        char *end;
        if (text[0] < '0' || text[0] > '9')
            return false;
        *nt_time = strtoull(text, &end, 0);
        return *end == '\0';
    }
    if (sscanf(text, "%4u-%2u-%2uT%2u:%2u:%2u%n", &year, &month, &day, &hour, &minute,
            &second, &consumed) != 6 || consumed != 19)
        return false;
    p = text + consumed;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 7)
                ticks = ticks * 10 + (unsigned)(*p - '0');
        if (digits == 0)
            return false;
        for (; digits < 7; digits++)
            ticks *= 10;
    }
    if (strcmp(p, "Z") != 0 || year < 1601 || month < 1 || month > 12 || day < 1 ||
        day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    seconds = wf_days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
        second + WF_NT_UNIX_EPOCH_SECONDS;
    *nt_time = (uint64_t)seconds * WF_NT_TICKS_PER_SECOND + ticks;
    return true;
}

void wf_format_fuse_flags(uint64_t flags, char *buffer, size_t size)
{
/* The name without its "FUSE_" prefix. */
#define WF_FLAG(f) { (uint64_t)(f), &(#f)[5] }
    static const wf_flag_name names[] = {
        WF_FLAG(FUSE_ASYNC_READ), WF_FLAG(FUSE_POSIX_LOCKS), WF_FLAG(FUSE_FILE_OPS),
        WF_FLAG(FUSE_ATOMIC_O_TRUNC), WF_FLAG(FUSE_EXPORT_SUPPORT), WF_FLAG(FUSE_BIG_WRITES),
        WF_FLAG(FUSE_DONT_MASK), WF_FLAG(FUSE_SPLICE_WRITE), WF_FLAG(FUSE_SPLICE_MOVE),
        WF_FLAG(FUSE_SPLICE_READ), WF_FLAG(FUSE_FLOCK_LOCKS), WF_FLAG(FUSE_HAS_IOCTL_DIR),
        WF_FLAG(FUSE_AUTO_INVAL_DATA), WF_FLAG(FUSE_DO_READDIRPLUS),
        WF_FLAG(FUSE_READDIRPLUS_AUTO), WF_FLAG(FUSE_ASYNC_DIO), WF_FLAG(FUSE_WRITEBACK_CACHE),
        WF_FLAG(FUSE_NO_OPEN_SUPPORT), WF_FLAG(FUSE_PARALLEL_DIROPS),
        WF_FLAG(FUSE_HANDLE_KILLPRIV), WF_FLAG(FUSE_POSIX_ACL), WF_FLAG(FUSE_ABORT_ERROR),
        WF_FLAG(FUSE_MAX_PAGES), WF_FLAG(FUSE_CACHE_SYMLINKS), WF_FLAG(FUSE_NO_OPENDIR_SUPPORT),
        WF_FLAG(FUSE_EXPLICIT_INVAL_DATA), WF_FLAG(FUSE_MAP_ALIGNMENT), WF_FLAG(FUSE_SUBMOUNTS),
        WF_FLAG(FUSE_HANDLE_KILLPRIV_V2), WF_FLAG(FUSE_SETXATTR_EXT), WF_FLAG(FUSE_INIT_EXT),
        WF_FLAG(FUSE_SECURITY_CTX), WF_FLAG(FUSE_HAS_INODE_DAX), WF_FLAG(FUSE_CREATE_SUPP_GROUP),
        WF_FLAG(FUSE_HAS_EXPIRE_ONLY), WF_FLAG(FUSE_DIRECT_IO_ALLOW_MMAP),
        WF_FLAG(FUSE_PASSTHROUGH), WF_FLAG(FUSE_NO_EXPORT_SUPPORT), WF_FLAG(FUSE_HAS_RESEND),
        WF_FLAG(FUSE_ALLOW_IDMAP), WF_FLAG(FUSE_OVER_IO_URING), WF_FLAG(FUSE_REQUEST_TIMEOUT),
    };
#undef WF_FLAG
    wf_format_flags(flags, names, sizeof names / sizeof names[0], buffer, size);
}
