/* cmd_nt.c — the shell's `nt` family: the stand-in's NT calls one by one, every flag
   exposed, on numbered handles; each prints "nt CALL ARG: STATUS_... details" on stdout. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "nt_names.h"
#include "path.h"
#include "shell.h"
#include "winfuse/ea_map.h"
#include "winfuse/nt_constants.h"

#define WF_NT_MAX_HANDLES 4096u
#define WF_NT_MAX_READ (16u * 1024u * 1024u)
#define WF_NT_MAX_WRITE (64u * 1024u * 1024u)
/* An EA list given to nt create, and the buffer of nt queryea without a length: room for
   every EA (WinFsp's request and response buffers are smaller). */
#define WF_NT_EA_BUFFER (64u * 1024u)

typedef bool wf_nt_call_fn(wf_shell *shell, int argc, char **argv);

typedef struct wf_nt_call {
    const char *name;
    wf_nt_call_fn *run;
    const char *usage;
} wf_nt_call;

/* ---- helpers --------------------------------------------------------------------------- */

/* Prints "nt CALL FIRST-ARGUMENT[ CLASS]: STATUS details" (on stdout: the status is the
   result here) and notes a disconnection. Returns whether the status is success. */
static bool wf_nt_report(wf_shell *shell, int argc, char **argv, NTSTATUS status,
    const char *details)
{
    int shown = strcasecmp(argv[0], "setinfo") == 0 ? 3 : 2, i;
    char hex[16];

    printf("nt");
    for (i = 0; i < argc && i < shown; i++)
        printf(" %s", argv[i]);
    printf(": %s%s%s\n", wf_ntstatus_text(status, hex), details[0] ? " " : "", details);
    if (status == STATUS_CONNECTION_DISCONNECTED)
        wf_shell_check_disconnect(shell);
    return status == STATUS_SUCCESS;
}

static bool wf_nt_parse_u64(const char *text, uint64_t *value)
{
    char *end;
    if (text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    *value = strtoull(text, &end, 0);
    return *end == '\0' && errno == 0;
}

/* Parses a flags or value argument; says what is wrong on failure. */
static bool wf_nt_parse_names(const wf_nt_names *names, const char *text, uint32_t *value)
{
    const char *bad;
    if (wf_nt_parse(names, text, value, &bad))
        return true;
    fflush(stdout);
    fprintf(stderr, "nt: '%.*s' is not a name or number of %s\n", (int)strcspn(bad, "|"), bad,
        names->what);
    return false;
}

/* The handle named by text ("3"), or NULL after saying why. */
static wf_shell_handle *wf_nt_handle(wf_shell *shell, const char *text)
{
    uint64_t number;
    if (!wf_nt_parse_u64(text, &number) || number == 0 || number > shell->handle_slots ||
        shell->handles[number - 1].file == NULL) {
        fflush(stdout);
        fprintf(stderr, "nt: no handle %s (nt handles lists them)\n", text);
        return NULL;
    }
    return &shell->handles[number - 1];
}

/* A free slot (the lowest), growing the table; its number is index + 1. */
static wf_shell_handle *wf_nt_new_handle(wf_shell *shell, size_t *number)
{
    size_t i, slots;
    wf_shell_handle *handles;

    for (i = 0; i < shell->handle_slots; i++)
        if (shell->handles[i].file == NULL)
            break;
    if (i == shell->handle_slots) {
        if (shell->handle_slots == WF_NT_MAX_HANDLES)
            return NULL;
        slots = shell->handle_slots ? shell->handle_slots * 2 : 16;
        handles = realloc(shell->handles, slots * sizeof *handles);
        if (handles == NULL)
            return NULL;
        memset(handles + shell->handle_slots, 0,
            (slots - shell->handle_slots) * sizeof *handles);
        shell->handles = handles;
        shell->handle_slots = slots;
    }
    *number = i + 1;
    return &shell->handles[i];
}

static void wf_nt_forget_handle(wf_shell_handle *handle)
{
    free(handle->path);
    memset(handle, 0, sizeof *handle);
}

void wf_shell_close_handles(wf_shell *shell)
{
    size_t i;
    for (i = 0; i < shell->handle_slots; i++) {
        if (shell->handles[i].file != NULL) {
            wf_fsd_close(shell->handles[i].file);
            wf_nt_forget_handle(&shell->handles[i]);
        }
    }
    free(shell->handles);
    shell->handles = NULL;
    shell->handle_slots = 0;
}

/* "size=N alloc=N attr=NAMES" of a file information, for the calls that answer one. */
static void wf_nt_info_text(const FSP_FSCTL_FILE_INFO *info, char *buffer, size_t size)
{
    char attributes[512], *p;

    wf_format_attributes(info->FileAttributes, attributes, sizeof attributes);
    for (p = attributes; *p != '\0'; p++)
        if (*p == ' ')
            *p = '|';
    snprintf(buffer, size, "size=%llu alloc=%llu attr=%s",
        (unsigned long long)info->FileSize, (unsigned long long)info->AllocationSize,
        attributes);
}

static int wf_nt_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes TEXT's escapes: \n \r \t \0 \\ \xHH; anything else stays as written. */
static size_t wf_nt_unescape(const char *text, char *out)
{
    size_t n = 0;

    while (*text != '\0') {
        if (text[0] != '\\' || text[1] == '\0') {
            out[n++] = *text++;
            continue;
        }
        switch (text[1]) {
        case 'n': out[n++] = '\n'; text += 2; break;
        case 'r': out[n++] = '\r'; text += 2; break;
        case 't': out[n++] = '\t'; text += 2; break;
        case '0': out[n++] = '\0'; text += 2; break;
        case '\\': out[n++] = '\\'; text += 2; break;
        case 'x':
            if (wf_nt_hex_digit(text[2]) >= 0 && wf_nt_hex_digit(text[3]) >= 0) {
                out[n++] = (char)(wf_nt_hex_digit(text[2]) * 16 + wf_nt_hex_digit(text[3]));
                text += 4;
            } else {
                out[n++] = *text++;     /* not \xHH: as written */
            }
            break;
        default:
            out[n++] = *text++;
            break;
        }
    }
    return n;
}

/* An NT path from an argument, not normalized: as written when it begins with \ (so that
   ".", "..", "/" and a trailing backslash reach the stand-in as NtCreateFile would get
   them), else appended to directory, as a name relative to a RootDirectory handle. */
static bool wf_nt_path(const char *directory, const char *arg, char *path, size_t size)
{
    int n;
    if (arg[0] == '\\')
        n = snprintf(path, size, "%s", arg);
    else
        n = snprintf(path, size, "%s%s%s", directory,
            strcmp(directory, "\\") == 0 ? "" : "\\", arg);
    if (n >= 0 && (size_t)n < size)
        return true;
    fflush(stdout);
    fprintf(stderr, "nt: path too long\n");
    return false;
}

/* Appends NAME=VALUE (VALUE with the escapes of nt write) to the EA list list[0..*used). */
static bool wf_nt_ea_add(const char *what, const char *arg, uint8_t *list, uint32_t cap,
    uint32_t *used, uint32_t *last)
{
    const char *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : 0;
    uint32_t entry, value_at, room;
    char *value;
    size_t value_len;

    if (eq == NULL || name_len == 0 || name_len > WF_EA_NAME_MAX) {
        fprintf(stderr, "%s: '%s' is not an EA NAME=VALUE\n", what, arg);
        return false;
    }
    value = malloc(strlen(eq + 1) + 1);
    if (value == NULL)
        return false;
    value_len = wf_nt_unescape(eq + 1, value);
    if (!wf_ea_begin(list, cap, *used, arg, (uint32_t)name_len, &entry, &value_at, &room) ||
        value_len > room || value_len > UINT16_MAX) {
        free(value);
        fprintf(stderr, "%s: the EA list is too long at '%s'\n", what, arg);
        return false;
    }
    memcpy(list + value_at, value, value_len);
    free(value);
    wf_ea_end(list, entry, (uint32_t)name_len, (uint32_t)value_len, used, last);
    return true;
}

/* ---- create, close, handles ------------------------------------------------------------ */

static bool wf_nt_create(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], details[256], information_text[32];
    uint32_t access = GENERIC_READ, share = FILE_SHARE_READ | FILE_SHARE_WRITE |
        FILE_SHARE_DELETE, disposition = FILE_OPEN, options = 0, attributes = 0, flags = 0;
    uint32_t information = 0;
    uint64_t allocation = 0;
    wf_shell_handle *handle;
    wf_fsd_file *file = NULL;
    size_t number = 0, sd_length = 0;
    const char *sd_text = NULL;
    uint8_t *sd = NULL, *ea = NULL;
    uint32_t ea_used = 0, ea_last = WF_EA_NONE;
    wf_fsd_create_params params;
    NTSTATUS status;
    int i;

    if (argc < 2)
        return wf_shell_usage("nt create PATH [access=] [share=] [disp=] [opts=] [attr=] "
            "[alloc=N] [sd=SDDL] [ea=NAME=VALUE]... [target]");
    for (i = 2; i < argc; i++) {
        if (strncasecmp(argv[i], "ea=", 3) == 0) {
            /* Each ea= adds one entry to the EA buffer NtCreateFile passes. */
            if (ea == NULL && (ea = calloc(1, WF_NT_EA_BUFFER)) == NULL)
                return wf_nt_report(shell, argc, argv, STATUS_NO_MEMORY, "");
            if (!wf_nt_ea_add("nt create", argv[i] + 3, ea, WF_NT_EA_BUFFER, &ea_used,
                    &ea_last)) {
                free(ea);
                return false;
            }
            continue;
        }
    }
    for (i = 2; i < argc; i++) {
        if (strncasecmp(argv[i], "ea=", 3) == 0)
            continue;
        const char *arg = argv[i], *value = strchr(arg, '=');
        bool ok;
        if (strcasecmp(arg, "target") == 0) {
            flags |= WF_FSD_OPEN_TARGET_DIRECTORY;
            continue;
        }
        if (value == NULL) {
            fprintf(stderr, "nt create: '%s' is not KEY=VALUE\n", arg);
            return false;
        }
        value++;
        if (strncasecmp(arg, "access=", 7) == 0)
            ok = wf_nt_parse_names(&wf_nt_access_names, value, &access);
        else if (strncasecmp(arg, "share=", 6) == 0)
            ok = wf_nt_parse_names(&wf_nt_share_names, value, &share);
        else if (strncasecmp(arg, "disp=", 5) == 0)
            ok = wf_nt_parse_names(&wf_nt_disposition_names, value, &disposition);
        else if (strncasecmp(arg, "opts=", 5) == 0)
            ok = wf_nt_parse_names(&wf_nt_option_names, value, &options);
        else if (strncasecmp(arg, "attr=", 5) == 0)
            ok = wf_nt_parse_names(&wf_nt_attribute_names, value, &attributes);
        else if (strncasecmp(arg, "alloc=", 6) == 0)
            ok = wf_nt_parse_u64(value, &allocation);
        else if (strncasecmp(arg, "sd=", 3) == 0) {
            sd_text = value;    /* parsed once the path is known good */
            ok = true;
        } else {
            fprintf(stderr, "nt create: unknown key in '%s'\n", arg);
            free(ea);
            return false;
        }
        if (!ok) {
            free(ea);
            return false;
        }
    }
    if ((sd_text != NULL || ea != NULL) && flags != 0) {
        fprintf(stderr, "nt create: sd= and ea= do not go with target\n");
        free(ea);
        return false;
    }
    if (!wf_nt_path(shell->cwd, argv[1], path, sizeof path) ||
        (sd_text != NULL && !wf_shell_parse_sddl("nt create", sd_text, &sd, &sd_length))) {
        free(ea);
        return false;
    }
    handle = wf_nt_new_handle(shell, &number);
    if (handle == NULL) {
        free(sd);
        free(ea);
        return wf_nt_report(shell, argc, argv, STATUS_INSUFFICIENT_RESOURCES, "");
    }
    handle->path = strdup(path);
    /* Kept without a trailing backslash: a rename's bare name goes beside it. */
    if (handle->path != NULL && strlen(handle->path) > 1 &&
        handle->path[strlen(handle->path) - 1] == '\\')
        handle->path[strlen(handle->path) - 1] = '\0';
    if (handle->path == NULL) {
        free(sd);
        free(ea);
        return wf_nt_report(shell, argc, argv, STATUS_INSUFFICIENT_RESOURCES, "");
    }

    params = (wf_fsd_create_params){ .path = path, .desired_access = access,
        .file_attributes = attributes, .share_access = share, .create_disposition = disposition,
        .create_options = options, .allocation_size = allocation };
    /* With a descriptor, as NtCreateFile with a SECURITY_ATTRIBUTES; else with flags. */
    if (sd != NULL) {
        params.sd = sd;
        params.sd_length = (uint32_t)sd_length;
    } else {
        params.flags = flags;
    }
    if (ea != NULL) {
        params.ea = ea;
        params.ea_length = ea_used;
    }
    status = wf_fsd_create_file(shell->fsd, &params, &file, &information);
    free(sd);
    free(ea);
    if (status != STATUS_SUCCESS) {
        wf_nt_forget_handle(handle);
        return wf_nt_report(shell, argc, argv, status, "");
    }
    handle->file = file;
    handle->access = access;
    handle->options = options;
    wf_nt_format(&wf_nt_information_names, information, information_text,
        sizeof information_text);
    snprintf(details, sizeof details, "%s handle=%zu", information_text, number);
    return wf_nt_report(shell, argc, argv, status, details);
}

static bool wf_nt_close(wf_shell *shell, int argc, char **argv)
{
    wf_shell_handle *handle;
    NTSTATUS status;
    size_t i;
    bool ok = true;

    if (argc != 2)
        return wf_shell_usage("nt close H|all");
    if (strcasecmp(argv[1], "all") == 0) {
        for (i = 0; i < shell->handle_slots; i++) {
            if (shell->handles[i].file == NULL)
                continue;
            status = wf_fsd_close(shell->handles[i].file);
            wf_nt_forget_handle(&shell->handles[i]);
            ok &= status == STATUS_SUCCESS;
        }
        return wf_nt_report(shell, argc, argv, ok ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL, "");
    }
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;
    status = wf_fsd_close(handle->file);
    wf_nt_forget_handle(handle);
    return wf_nt_report(shell, argc, argv, status, "");
}

static bool wf_nt_handles(wf_shell *shell, int argc, char **argv)
{
    char access[512], options[512];
    size_t i;

    (void)argv;
    if (argc != 1)
        return wf_shell_usage("nt handles");
    for (i = 0; i < shell->handle_slots; i++) {
        const wf_shell_handle *h = &shell->handles[i];
        if (h->file == NULL)
            continue;
        wf_nt_format(&wf_nt_access_names, h->access, access, sizeof access);
        wf_nt_format(&wf_nt_option_names, h->options, options, sizeof options);
        printf("%4zu  %s  access=%s opts=%s\n", i + 1, h->path, access, options);
    }
    return true;
}

/* ---- read, write ----------------------------------------------------------------------- */

static void wf_nt_dump_hex(const uint8_t *data, uint32_t length)
{
    uint32_t i, j;
    for (i = 0; i < length; i += 16) {
        printf("  %08x ", (unsigned)i);
        for (j = i; j < i + 16; j++) {
            if (j < length)
                printf(" %02x", data[j]);
            else
                printf("   ");
        }
        printf("  |");
        for (j = i; j < i + 16 && j < length; j++)
            putchar(data[j] >= 0x20 && data[j] < 0x7f ? data[j] : '.');
        printf("|\n");
    }
}

static void wf_nt_dump_text(const uint8_t *data, uint32_t length)
{
    uint32_t i;
    printf("  \"");
    for (i = 0; i < length; i++) {
        uint8_t c = data[i];
        if (c == '\n')
            printf("\\n");
        else if (c == '\r')
            printf("\\r");
        else if (c == '\t')
            printf("\\t");
        else if (c == '\\' || c == '"')
            printf("\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf("\"\n");
}

static bool wf_nt_read(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] = "nt read H OFFSET LENGTH [hex|text|raw]";
    wf_shell_handle *handle;
    uint64_t offset, length;
    const char *mode = argc == 5 ? argv[4] : "hex";
    uint8_t *buffer;
    uint32_t got = 0;
    char details[64];
    NTSTATUS status;
    bool ok;

    if (argc < 4 || argc > 5 || !wf_nt_parse_u64(argv[2], &offset) ||
        !wf_nt_parse_u64(argv[3], &length) || length > WF_NT_MAX_READ ||
        (strcmp(mode, "hex") != 0 && strcmp(mode, "text") != 0 && strcmp(mode, "raw") != 0))
        return wf_shell_usage(usage);
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;
    buffer = malloc(length ? length : 1);
    if (buffer == NULL)
        return wf_nt_report(shell, argc, argv, STATUS_NO_MEMORY, "");
    status = wf_fsd_read(handle->file, buffer, offset, (uint32_t)length, &got);
    snprintf(details, sizeof details, "%u bytes", (unsigned)got);
    ok = wf_nt_report(shell, argc, argv, status, details);
    if (status == STATUS_SUCCESS) {
        if (strcmp(mode, "raw") == 0)
            fwrite(buffer, 1, got, stdout);
        else if (strcmp(mode, "text") == 0)
            wf_nt_dump_text(buffer, got);
        else
            wf_nt_dump_hex(buffer, got);
    }
    free(buffer);
    return ok;
}

static bool wf_nt_write(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] = "nt write H OFFSET|eof TEXT [repeat=N] [constrained]";
    wf_shell_handle *handle;
    uint64_t offset, repeat = 1, i;
    bool constrained = false, ok;
    FSP_FSCTL_FILE_INFO info;
    char *text, *data, details[600], info_text[512];
    size_t text_len, total;
    uint32_t written = 0;
    NTSTATUS status;
    int a;

    if (argc < 4)
        return wf_shell_usage(usage);
    for (a = 4; a < argc; a++) {
        if (strcasecmp(argv[a], "constrained") == 0)
            constrained = true;
        else if (strncasecmp(argv[a], "repeat=", 7) != 0 ||
            !wf_nt_parse_u64(argv[a] + 7, &repeat))
            return wf_shell_usage(usage);
    }
    if (strcasecmp(argv[2], "eof") == 0)
        offset = WF_FSD_WRITE_TO_END;
    else if (!wf_nt_parse_u64(argv[2], &offset))
        return wf_shell_usage(usage);
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;

    text = malloc(strlen(argv[3]) + 1);
    if (text == NULL)
        return wf_nt_report(shell, argc, argv, STATUS_NO_MEMORY, "");
    text_len = wf_nt_unescape(argv[3], text);
    if (repeat == 0 || (text_len != 0 && repeat > WF_NT_MAX_WRITE / text_len)) {
        free(text);
        return wf_shell_usage(usage);
    }
    total = text_len * (size_t)repeat;
    data = malloc(total ? total : 1);
    if (data == NULL) {
        free(text);
        return wf_nt_report(shell, argc, argv, STATUS_NO_MEMORY, "");
    }
    for (i = 0; i < repeat; i++)
        memcpy(data + i * text_len, text, text_len);
    status = wf_fsd_write(handle->file, data, offset, (uint32_t)total, constrained, &written,
        &info);
    wf_nt_info_text(&info, info_text, sizeof info_text);
    snprintf(details, sizeof details, "%u bytes%s%s", (unsigned)written,
        status == STATUS_SUCCESS && total != 0 ? " " : "",
        status == STATUS_SUCCESS && total != 0 ? info_text : "");
    ok = wf_nt_report(shell, argc, argv, status, details);
    free(data);
    free(text);
    return ok;
}

/* ---- queryinfo, setinfo ---------------------------------------------------------------- */

/* FileStreamInformation: the entries are kept until the status line is out, then printed
   one block each (StreamName, StreamSize, StreamAllocationSize). */
typedef struct wf_nt_stream_text {
    char *text;
    size_t len, cap;
    bool failed;                /* an entry could not be kept: the answer is not shown */
} wf_nt_stream_text;

static bool wf_nt_stream_add(void *ctx, const char *name, uint64_t size, uint64_t allocation)
{
    wf_nt_stream_text *out = ctx;
    char line[1024];
    int n = snprintf(line, sizeof line, "%-16s%s\n%-16s%llu\n%s %llu\n", "StreamName:", name,
        "StreamSize:", (unsigned long long)size, "StreamAllocationSize:",
        (unsigned long long)allocation);

    if (n < 0 || (size_t)n >= sizeof line) {
        out->failed = true;
        return false;
    }
    if (out->len + (size_t)n + 1 > out->cap) {
        size_t cap = (out->cap ? out->cap * 2 : 1024) + (size_t)n;
        char *text = realloc(out->text, cap);
        if (text == NULL) {
            out->failed = true;
            return false;
        }
        out->text = text;
        out->cap = cap;
    }
    memcpy(out->text + out->len, line, (size_t)n + 1);
    out->len += (size_t)n;
    return true;
}

static bool wf_nt_query_streams(wf_shell *shell, int argc, char **argv,
    wf_shell_handle *handle)
{
    wf_nt_stream_text out = { 0 };
    NTSTATUS status = wf_fsd_query_streams(handle->file, wf_nt_stream_add, &out);
    bool ok;

    if (status == STATUS_SUCCESS && out.failed)
        status = STATUS_NO_MEMORY;
    ok = wf_nt_report(shell, argc, argv, status, "");

    if (ok && out.text != NULL)
        fputs(out.text, stdout);
    free(out.text);
    return ok;
}

static void wf_nt_print_time(const char *field, uint64_t time)
{
    char text[64];
    wf_format_time_iso(time, text, sizeof text);
    printf("%-16s%s\n", field, text);
}

/* FileAttributes as NtQueryInformationFile shows them: 0 is FILE_ATTRIBUTE_NORMAL (WinFsp's
   FSD makes it so). */
static void wf_nt_print_attributes(uint32_t attributes)
{
    char text[512];
    if (attributes == 0)
        attributes = FILE_ATTRIBUTE_NORMAL;
    wf_nt_format(&wf_nt_attribute_names, attributes, text, sizeof text);
    printf("%-16s0x%08x %s\n", "FileAttributes:", (unsigned)attributes, text);
}

/* The fields of one FILE_INFORMATION_CLASS, as WinFsp's FSD fills them from the file
   system's FileInfo and what it keeps itself (FspFsvolQuery*Information). */
static void wf_nt_print_class(uint32_t cls, const wf_shell_handle *handle,
    const FSP_FSCTL_FILE_INFO *info, const char *name, bool delete_pending, bool directory)
{
    bool all = cls == 18;
    char text[512];

    if (all || cls == 4 || cls == 34) {     /* Basic, All, NetworkOpen */
        wf_nt_print_time("CreationTime:", info->CreationTime);
        wf_nt_print_time("LastAccessTime:", info->LastAccessTime);
        wf_nt_print_time("LastWriteTime:", info->LastWriteTime);
        wf_nt_print_time("ChangeTime:", info->ChangeTime);
    }
    if (cls == 34) {
        printf("%-16s%llu\n", "AllocationSize:", (unsigned long long)info->AllocationSize);
        printf("%-16s%llu\n", "EndOfFile:", (unsigned long long)info->FileSize);
    }
    if (all || cls == 4 || cls == 34 || cls == 35)
        wf_nt_print_attributes(info->FileAttributes);
    if (cls == 35)
        printf("%-16s0x%08x\n", "ReparseTag:", (unsigned)info->ReparseTag);
    if (all || cls == 5) {                  /* Standard: one link, as WinFsp's FSD says */
        printf("%-16s%llu\n", "AllocationSize:", (unsigned long long)info->AllocationSize);
        printf("%-16s%llu\n", "EndOfFile:", (unsigned long long)info->FileSize);
        printf("%-16s%u\n", "NumberOfLinks:", 1u);
        printf("%-16s%s\n", "DeletePending:", delete_pending ? "TRUE" : "FALSE");
        printf("%-16s%s\n", "Directory:", directory ? "TRUE" : "FALSE");
    }
    if (all || cls == 6)
        printf("%-16s%llu\n", "IndexNumber:", (unsigned long long)info->IndexNumber);
    if (all || cls == 7)                    /* NTFS counts the list's 4-byte header */
        printf("%-16s%u\n", "EaSize:", info->EaSize ? (unsigned)info->EaSize + 4u : 0u);
    if (all) {
        wf_nt_format(&wf_nt_access_names, handle->access, text, sizeof text);
        printf("%-16s%s\n", "AccessFlags:", text);
    }
    if (all || cls == 9)
        printf("%-16s%s\n", "FileName:", name);
}

static bool wf_nt_queryinfo(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] = "nt queryinfo H [CLASS]";
    char name[WF_SHELL_PATH_MAX];
    wf_shell_handle *handle;
    FSP_FSCTL_FILE_INFO info;
    bool delete_pending = false, directory = false;
    uint32_t cls = 0;
    NTSTATUS status;

    if (argc < 2 || argc > 3)
        return wf_shell_usage(usage);
    if (argc == 3 && !wf_nt_parse_names(&wf_nt_info_class_names, argv[2], &cls))
        return false;
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;
    if (cls == 22)
        return wf_nt_query_streams(shell, argc, argv, handle);
    if (cls != 0 && cls != 4 && cls != 5 && cls != 6 && cls != 7 && cls != 9 && cls != 18 &&
        cls != 34 && cls != 35)
        return wf_nt_report(shell, argc, argv, STATUS_INVALID_INFO_CLASS, "");
    /* FileNameInformation is the FSD's own: nothing goes to the file system. */
    memset(&info, 0, sizeof info);
    status = cls == 9 ? STATUS_SUCCESS : wf_fsd_query_info(handle->file, &info);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_query_file_state(handle->file, name, sizeof name, &delete_pending,
            &directory);
    if (!wf_nt_report(shell, argc, argv, status, ""))
        return false;
    if (cls == 0)
        wf_print_file_info(&info);
    else
        wf_nt_print_class(cls, handle, &info, name, delete_pending, directory);
    return true;
}

/* ---- queryea --------------------------------------------------------------------------- */

static bool wf_nt_queryea(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] = "nt queryea H [LENGTH]";
    wf_shell_handle *handle;
    uint64_t length = WF_NT_EA_BUFFER;
    uint32_t bytes = 0, pos = 0, i;
    uint8_t *buffer;
    char details[64];
    wf_ea_view ea;
    NTSTATUS status;
    bool ok;

    if (argc < 2 || argc > 3 || (argc == 3 && (!wf_nt_parse_u64(argv[2], &length) ||
            length > WF_NT_EA_BUFFER)))
        return wf_shell_usage(usage);
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;
    buffer = malloc(length ? length : 1);
    if (buffer == NULL)
        return wf_nt_report(shell, argc, argv, STATUS_NO_MEMORY, "");
    status = wf_fsd_query_ea(handle->file, buffer, (uint32_t)length, &bytes);
    snprintf(details, sizeof details, "%u bytes", (unsigned)bytes);
    ok = wf_nt_report(shell, argc, argv, status, details);
    /* What fit is returned with STATUS_BUFFER_OVERFLOW too. */
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        while (wf_ea_next(buffer, bytes, &pos, &ea)) {
            printf("  %.*s=", (int)ea.name_len, ea.name);
            for (i = 0; i < ea.value_len; i++) {
                uint8_t c = ea.value[i];
                if (c >= 0x20 && c < 0x7F && c != '\\')
                    putchar(c);
                else
                    printf("\\x%02X", c);
            }
            putchar('\n');
        }
    }
    free(buffer);
    return ok;
}

/* ---- notify ---------------------------------------------------------------------------- */

typedef struct wf_nt_changes {
    char *lines;
    size_t len, cap;
    unsigned count;
    bool failed;
} wf_nt_changes;

static void wf_nt_change(void *ctx, uint32_t action, const char *name)
{
    wf_nt_changes *changes = ctx;
    char action_text[64];
    size_t need;

    wf_nt_format(&wf_nt_notify_action_names, action, action_text, sizeof action_text);
    need = strlen(action_text) + strlen(name) + 16;
    if (changes->len + need > changes->cap) {
        size_t cap = (changes->cap + need) * 2;
        char *lines = realloc(changes->lines, cap);
        if (lines == NULL) {
            changes->failed = true;
            return;
        }
        changes->lines = lines;
        changes->cap = cap;
    }
    changes->len += (size_t)snprintf(changes->lines + changes->len, changes->cap - changes->len,
        "  %s name=%s\n", action_text, name);
    changes->count++;
}

static bool wf_nt_notify(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] = "nt notify H [filter=F] [tree] [wait=MS]";
    wf_nt_changes changes = { NULL, 0, 0, 0, false };
    uint32_t filter = FILE_NOTIFY_VALID_MASK;
    uint64_t wait_ms = 0;
    wf_shell_handle *handle;
    bool tree = false, ok;
    char details[32];
    NTSTATUS status;
    int a;

    if (argc < 2)
        return wf_shell_usage(usage);
    for (a = 2; a < argc; a++) {
        if (strcasecmp(argv[a], "tree") == 0)
            tree = true;
        else if (strncasecmp(argv[a], "filter=", 7) == 0) {
            if (!wf_nt_parse_names(&wf_nt_notify_filter_names, argv[a] + 7, &filter))
                return false;
        } else if (strncasecmp(argv[a], "wait=", 5) != 0 ||
            !wf_nt_parse_u64(argv[a] + 5, &wait_ms) || wait_ms > UINT32_MAX - 1)
            return wf_shell_usage(usage);
    }
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;
    status = wf_fsd_notify_change_directory(handle->file, filter, tree, (uint32_t)wait_ms,
        wf_nt_change, &changes);
    if (changes.failed)
        status = STATUS_NO_MEMORY;
    snprintf(details, sizeof details, "%u changes", changes.count);
    ok = wf_nt_report(shell, argc, argv, status, status == STATUS_SUCCESS ? details : "");
    if (status == STATUS_SUCCESS && changes.len != 0)
        fwrite(changes.lines, 1, changes.len, stdout);
    free(changes.lines);
    return ok;
}

/* A rename or link target: a name without a backslash stays in the file's directory, as
   FileName without one does for NtSetInformationFile; otherwise as nt create takes a
   path. */
static bool wf_nt_target_path(wf_shell *shell, const wf_shell_handle *handle, const char *arg,
    char *path, size_t size)
{
    char directory[WF_SHELL_PATH_MAX];
    const char *name;

    if (strchr(arg, '\\') == NULL) {
        wf_path_split(handle->path, directory, sizeof directory, &name);
        return wf_nt_path(directory, arg, path, size);
    }
    return wf_nt_path(shell->cwd, arg, path, size);
}

static bool wf_nt_setinfo(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] =
        "nt setinfo H basic|eof|alloc|disposition|rename|link ... (help shows each)";
    char path[WF_SHELL_PATH_MAX], details[600];
    FSP_FSCTL_FILE_INFO info;
    wf_shell_handle *handle;
    const char *cls;
    bool has_info = false;
    NTSTATUS status;
    int a;

    if (argc < 3)
        return wf_shell_usage(usage);
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;
    cls = argv[2];
    memset(&info, 0, sizeof info);

    if (strcasecmp(cls, "basic") == 0) {
        uint32_t attributes = 0;
        uint64_t times[4] = { 0, 0, 0, 0 };     /* creation, last access, last write, change */
        static const char *const keys[4] = { "creation=", "lastaccess=", "lastwrite=",
            "change=" };
        for (a = 3; a < argc; a++) {
            const char *arg = argv[a];
            int k;
            if (strncasecmp(arg, "attr=", 5) == 0) {
                if (!wf_nt_parse_names(&wf_nt_attribute_names, arg + 5, &attributes))
                    return false;
                continue;
            }
            if (strncasecmp(arg, "times=", 6) == 0) {
                if (!wf_parse_time(arg + 6, &times[0]))
                    return wf_shell_usage("times=NT-TIME|YYYY-MM-DDTHH:MM:SS[.fffffff]Z");
                times[1] = times[2] = times[3] = times[0];
                continue;
            }
            for (k = 0; k < 4; k++)
                if (strncasecmp(arg, keys[k], strlen(keys[k])) == 0)
                    break;
            if (k == 4)
                return wf_shell_usage("nt setinfo H basic [attr=FLAGS] [creation=T] "
                    "[lastaccess=T] [lastwrite=T] [change=T] [times=T]");
            if (!wf_parse_time(arg + strlen(keys[k]), &times[k]))
                return wf_shell_usage("T: NT-TIME|-1|-2|YYYY-MM-DDTHH:MM:SS[.fffffff]Z");
        }
        status = wf_fsd_set_basic_info(handle->file, attributes, times[0], times[1], times[2],
            times[3], &info);
        has_info = true;
    } else if (strcasecmp(cls, "eof") == 0 || strcasecmp(cls, "alloc") == 0) {
        uint64_t size;
        if (argc != 4 || !wf_nt_parse_u64(argv[3], &size))
            return wf_shell_usage("nt setinfo H eof|alloc N");
        if (strcasecmp(cls, "eof") == 0)
            status = wf_fsd_set_end_of_file(handle->file, size, &info);
        else
            status = wf_fsd_set_allocation_size(handle->file, size, &info);
        has_info = true;
    } else if (strcasecmp(cls, "disposition") == 0) {
        uint32_t flags = 0, one;
        bool ex = false;
        for (a = 3; a < argc; a++) {
            if (strcasecmp(argv[a], "ex") == 0) {
                ex = true;
                continue;
            }
            if (!wf_nt_parse_names(&wf_nt_delete_flag_names, argv[a], &one))
                return false;
            flags |= one;
        }
        /* Anything beyond DELETE needs FileDispositionInformationEx. */
        if (flags & ~FILE_DISPOSITION_DELETE)
            ex = true;
        status = wf_fsd_set_disposition(handle->file, flags, ex);
    } else if (strcasecmp(cls, "rename") == 0 || strcasecmp(cls, "link") == 0) {
        bool link = strcasecmp(cls, "link") == 0;
        uint32_t flags = 0, one;
        if (argc < 4)
            return wf_shell_usage(link ? "nt setinfo H link NEWPATH [replace]" :
                "nt setinfo H rename NEWPATH [replace] [posix] [ignore_readonly] [FLAGS]");
        for (a = 4; a < argc; a++) {
            if (!wf_nt_parse_names(&wf_nt_rename_flag_names, argv[a], &one))
                return false;
            flags |= one;
        }
        if (!wf_nt_target_path(shell, handle, argv[3], path, sizeof path))
            return false;
        if (link) {
            status = wf_fsd_link(handle->file, path,
                (flags & FILE_RENAME_REPLACE_IF_EXISTS) != 0);
        } else {
            status = wf_fsd_rename(handle->file, path, flags);
            if (status == STATUS_SUCCESS) {
                char *renamed = strdup(path);
                if (renamed != NULL) {
                    free(handle->path);
                    handle->path = renamed;
                }
            }
        }
    } else {
        return wf_shell_usage(usage);
    }
    details[0] = '\0';
    if (has_info && status == STATUS_SUCCESS)
        wf_nt_info_text(&info, details, sizeof details);
    return wf_nt_report(shell, argc, argv, status, details);
}

/* ---- querydir, flush ------------------------------------------------------------------- */

typedef struct wf_nt_entries {
    char *lines;
    size_t len, cap;
    unsigned count;
    bool failed;
} wf_nt_entries;

/* Entries are printed after the status line, so they are collected first. */
static bool wf_nt_dir_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_nt_entries *entries = ctx;
    char info_text[600];
    size_t need;

    wf_nt_info_text(info, info_text, sizeof info_text);
    need = strlen(info_text) + strlen(name) + 16;
    if (entries->len + need > entries->cap) {
        size_t cap = (entries->cap + need) * 2;
        char *lines = realloc(entries->lines, cap);
        if (lines == NULL) {
            entries->failed = true;
            return false;
        }
        entries->lines = lines;
        entries->cap = cap;
    }
    entries->len += (size_t)snprintf(entries->lines + entries->len, entries->cap - entries->len,
        "  %s name=%s\n", info_text, name);
    entries->count++;
    return true;
}

static bool wf_nt_querydir(wf_shell *shell, int argc, char **argv)
{
    wf_nt_entries entries = { NULL, 0, 0, 0, false };
    wf_shell_handle *handle;
    const char *pattern = NULL;
    uint32_t flags = 0;
    char details[32];
    NTSTATUS status;
    bool ok;
    int a;

    if (argc < 2)
        return wf_shell_usage("nt querydir H [PATTERN] [restart] [single]");
    handle = wf_nt_handle(shell, argv[1]);
    if (handle == NULL)
        return false;
    for (a = 2; a < argc; a++) {
        if (strcasecmp(argv[a], "restart") == 0)
            flags |= WF_FSD_RESTART_SCAN;
        else if (strcasecmp(argv[a], "single") == 0)
            flags |= WF_FSD_RETURN_SINGLE_ENTRY;
        else if (pattern == NULL)
            pattern = argv[a];
        else
            return wf_shell_usage("nt querydir H [PATTERN] [restart] [single]");
    }
    status = wf_fsd_query_directory_once(handle->file, pattern, flags, wf_nt_dir_entry,
        &entries);
    if (entries.failed)
        status = STATUS_NO_MEMORY;
    snprintf(details, sizeof details, "%u entries", entries.count);
    ok = wf_nt_report(shell, argc, argv, status, status == STATUS_SUCCESS ? details : "");
    if (status == STATUS_SUCCESS && entries.len != 0)
        fwrite(entries.lines, 1, entries.len, stdout);
    free(entries.lines);
    return ok;
}

static bool wf_nt_flush(wf_shell *shell, int argc, char **argv)
{
    static const FSP_FSCTL_FILE_INFO none;
    wf_shell_handle *handle = NULL;
    FSP_FSCTL_FILE_INFO info;
    char details[600] = "";
    NTSTATUS status;

    if (argc > 2)
        return wf_shell_usage("nt flush [H]");
    if (argc == 2) {
        handle = wf_nt_handle(shell, argv[1]);
        if (handle == NULL)
            return false;
    }
    status = wf_fsd_flush(shell->fsd, handle != NULL ? handle->file : NULL, &info);
    /* A file's flush answers its information; a directory's and the volume's none. */
    if (status == STATUS_SUCCESS && memcmp(&info, &none, sizeof info) != 0)
        wf_nt_info_text(&info, details, sizeof details);
    return wf_nt_report(shell, argc, argv, status, details);
}

/* ---- dispatch -------------------------------------------------------------------------- */

static const wf_nt_call wf_nt_calls[] = {
    { "create", wf_nt_create,
        "nt create PATH [access=A] [share=S] [disp=D] [opts=O] [attr=T] [alloc=N] [sd=SDDL] "
        "[ea=NAME=VALUE]... [target]" },
    { "read", wf_nt_read, "nt read H OFFSET LENGTH [hex|text|raw]" },
    { "write", wf_nt_write, "nt write H OFFSET|eof TEXT [repeat=N] [constrained]" },
    { "queryinfo", wf_nt_queryinfo, "nt queryinfo H [CLASS]" },
    { "queryea", wf_nt_queryea, "nt queryea H [LENGTH]" },
    { "notify", wf_nt_notify, "nt notify H [filter=F] [tree] [wait=MS]" },
    { "setinfo", wf_nt_setinfo,
        "nt setinfo H basic [attr=T] [creation=T] [lastaccess=T] [lastwrite=T] [change=T] "
        "[times=T]\n"
        "  nt setinfo H eof N  |  nt setinfo H alloc N\n"
        "  nt setinfo H disposition [delete] [posix] [ignore_readonly] [FLAGS] [ex]\n"
        "  nt setinfo H rename NEWPATH [replace] [posix] [ignore_readonly] [FLAGS]\n"
        "  nt setinfo H link NEWPATH [replace]" },
    { "querydir", wf_nt_querydir, "nt querydir H [PATTERN] [restart] [single]" },
    { "flush", wf_nt_flush, "nt flush [H]" },
    { "close", wf_nt_close, "nt close H|all" },
    { "handles", wf_nt_handles, "nt handles" },
};

#define WF_NT_CALL_COUNT (sizeof wf_nt_calls / sizeof wf_nt_calls[0])

void wf_cmd_nt_help(void)
{
    size_t i;

    printf("The nt family: one NT call each, printing \"nt CALL ARG: STATUS details\".\n");
    for (i = 0; i < WF_NT_CALL_COUNT; i++)
        printf("  %s\n", wf_nt_calls[i].usage);
    printf(
        "Flags are written as Windows spells them, joined by |, or as numbers (0x.. too):\n"
        "  access=GENERIC_READ|GENERIC_WRITE|DELETE|FILE_READ_ATTRIBUTES... (GENERIC_READ)\n"
        "  share=FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE or 0    (all three)\n"
        "  disp=FILE_SUPERSEDE|FILE_OPEN|FILE_CREATE|FILE_OPEN_IF|FILE_OVERWRITE|\n"
        "       FILE_OVERWRITE_IF                                          (FILE_OPEN)\n"
        "  opts=FILE_DIRECTORY_FILE|FILE_NON_DIRECTORY_FILE|FILE_DELETE_ON_CLOSE|...  (0)\n"
        "  attr=FILE_ATTRIBUTE_READONLY|FILE_ATTRIBUTE_HIDDEN|...                   (0)\n"
        "  target opens the parent directory (SL_OPEN_TARGET_DIRECTORY).\n"
        "  sd=SDDL: the security descriptor a new file gets (owner, group, mode).\n"
        "  ea=NAME=VALUE (repeatable): the EA list NtCreateFile passes.\n"
        "CLASS: FileBasicInformation (basic), FileStandardInformation (standard),\n"
        "  FileInternalInformation, FileEaInformation, FileNameInformation (name),\n"
        "  FileAllInformation (all), FileStreamInformation (stream),\n"
        "  FileNetworkOpenInformation (networkopen), FileAttributeTagInformation\n"
        "  (attributetag); none: the file system's FileInfo as it came.\n"
        "notify arms a change watch on a directory handle (the first call: filter= of\n"
        "  FILE_NOTIFY_CHANGE_* names, all by default; tree) and prints the changes kept\n"
        "  since, waiting up to wait=MS for the first (STATUS_TIMEOUT: none came).\n"
        "H is a handle number that nt create printed. OFFSET eof writes at the end of the\n"
        "file (FILE_WRITE_TO_END_OF_FILE); TEXT takes \\n \\r \\t \\0 \\\\ \\xHH; constrained is\n"
        "paging I/O. T is an NT time (100 ns since 1601; 0 unchanged, -1, -2) or\n"
        "YYYY-MM-DDTHH:MM:SS[.fffffff]Z. A rename or link NEWPATH without \\ stays in the\n"
        "file's directory. Disposition and rename FLAGS are FILE_DISPOSITION_* and\n"
        "FILE_RENAME_* names; a disposition other than delete is sent as the Ex class.\n");
}

bool wf_cmd_nt(wf_shell *shell, int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        wf_cmd_nt_help();
        return wf_shell_usage("nt CALL ARGS...");
    }
    for (i = 0; i < WF_NT_CALL_COUNT; i++)
        if (strcasecmp(argv[1], wf_nt_calls[i].name) == 0)
            return wf_nt_calls[i].run(shell, argc - 1, argv + 1);
    fflush(stdout);
    fprintf(stderr, "nt: unknown call '%s' (help lists them)\n", argv[1]);
    return false;
}
