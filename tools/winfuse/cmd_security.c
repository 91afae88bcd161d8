/* cmd_security.c — the shell's icacls command: show a file's security descriptor (SDDL, and
   one line per ACE as icacls shows them), set it from SDDL, give the file another owner,
   and add allow or deny ACEs. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winfuse/sddl.h"
#include "winfuse/security.h"
#include "shell.h"
#include "win32ops.h"
#include "winfuse/le_bytes.h"
#include "winfuse/nt_constants.h"

#define WF_ICACLS_USAGE "icacls PATH [/setsddl SDDL | /setowner SID | " \
    "/grant SID:(RIGHTS) ... | /deny SID:(RIGHTS) ...]"
/* A descriptor as the file system answers it fits in one response. */
#define WF_ICACLS_SD_MAX FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX
/* Its SDDL: at most ~60 characters per ACE of at least 16 bytes, and the rest. */
#define WF_ICACLS_SDDL_MAX (8u * WF_ICACLS_SD_MAX)

#define WF_SE_DACL_PRESENT 0x0004u

/* icacls's rights: the simple ones (each a set of the specific ones), then the specific. */
typedef struct wf_icacls_right {
    const char *name;
    uint32_t mask;
} wf_icacls_right;

static const wf_icacls_right wf_icacls_simple[] = {
    { "F", FILE_ALL_ACCESS }, { "M", 0x1301BFu }, { "RX", 0x1200A9u },
    { "R", FILE_GENERIC_READ }, { "W", 0x100116u },
};

static const wf_icacls_right wf_icacls_specific[] = {
    { "DE", DELETE }, { "RC", READ_CONTROL }, { "WDAC", WRITE_DAC }, { "WO", WRITE_OWNER },
    { "S", SYNCHRONIZE }, { "AS", ACCESS_SYSTEM_SECURITY }, { "MA", MAXIMUM_ALLOWED },
    { "GR", GENERIC_READ }, { "GW", GENERIC_WRITE }, { "GE", GENERIC_EXECUTE },
    { "GA", GENERIC_ALL }, { "RD", FILE_READ_DATA }, { "WD", FILE_WRITE_DATA },
    { "AD", FILE_APPEND_DATA }, { "REA", FILE_READ_EA }, { "WEA", FILE_WRITE_EA },
    { "X", FILE_EXECUTE }, { "DC", FILE_DELETE_CHILD }, { "RA", FILE_READ_ATTRIBUTES },
    { "WA", FILE_WRITE_ATTRIBUTES },
};

#define WF_COUNT(a) (sizeof (a) / sizeof (a)[0])

/* The names Windows gives well-known SIDs; the Unix authority as Samba and Cygwin name it. */
static const struct { const char *sid, *name; } wf_icacls_names[] = {
    { "S-1-0-0", "NULL SID" }, { "S-1-1-0", "Everyone" }, { "S-1-2-0", "LOCAL" },
    { "S-1-3-0", "CREATOR OWNER" }, { "S-1-3-1", "CREATOR GROUP" },
    { "S-1-5-2", "NT AUTHORITY\\NETWORK" }, { "S-1-5-4", "NT AUTHORITY\\INTERACTIVE" },
    { "S-1-5-6", "NT AUTHORITY\\SERVICE" }, { "S-1-5-7", "NT AUTHORITY\\ANONYMOUS LOGON" },
    { "S-1-5-11", "NT AUTHORITY\\Authenticated Users" },
    { "S-1-5-18", "NT AUTHORITY\\SYSTEM" }, { "S-1-5-19", "NT AUTHORITY\\LOCAL SERVICE" },
    { "S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE" },
    { "S-1-5-32-544", "BUILTIN\\Administrators" }, { "S-1-5-32-545", "BUILTIN\\Users" },
    { "S-1-5-32-546", "BUILTIN\\Guests" },
};

#define WF_UNIX_USER "Unix User\\"
#define WF_UNIX_GROUP "Unix Group\\"

/* The name of the SID at p (a valid SID): a well-known name, "Unix User\N", or the SID. */
static void wf_icacls_sid_name(const uint8_t *p, size_t len, char *out, size_t size,
    bool with_sid)
{
    char text[WF_SID_STRING_MAX];
    wf_sid sid;
    size_t i;

    if (wf_sid_from_bytes(p, len, &sid) != STATUS_SUCCESS ||
        wf_sid_to_string(&sid, text, sizeof text, NULL) != STATUS_SUCCESS) {
        snprintf(out, size, "(bad SID)");
        return;
    }
    for (i = 0; i < WF_COUNT(wf_icacls_names); i++)
        if (strcmp(text, wf_icacls_names[i].sid) == 0)
            break;
    if (i < WF_COUNT(wf_icacls_names))
        snprintf(out, size, with_sid ? "%s (%s)" : "%s", wf_icacls_names[i].name, text);
    else if (wf_sid_authority(&sid) == 22 && sid.sub_count == 2 &&
        (sid.sub[0] == 1 || sid.sub[0] == 2))
        snprintf(out, size, with_sid ? "%s%u (%s)" : "%s%u",
            sid.sub[0] == 1 ? WF_UNIX_USER : WF_UNIX_GROUP, (unsigned)sid.sub[1], text);
    else
        snprintf(out, size, "%s", text);
}

/* "R,W,DE": the simple rights the mask holds (none inside another already named), then
   the specific rights left over; "N" for none. */
static void wf_icacls_rights_text(uint32_t mask, char *out, size_t size)
{
    uint32_t covered = 0;
    size_t i, n = 0;

    out[0] = '\0';
    for (i = 0; i < WF_COUNT(wf_icacls_simple); i++) {
        uint32_t m = wf_icacls_simple[i].mask;
        if ((mask & m) == m && (m & ~covered) != 0 && n < size) {
            n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "," : "",
                wf_icacls_simple[i].name);
            covered |= m;
        }
    }
    for (i = 0; i < WF_COUNT(wf_icacls_specific) && n < size; i++)
        if (mask & ~covered & wf_icacls_specific[i].mask)
            n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "," : "",
                wf_icacls_specific[i].name);
    if (mask == 0)
        snprintf(out, size, "N");
}

/* One ACE as icacls shows it: "NAME:(OI)(CI)(DENY)(R,W)". */
static void wf_icacls_print_ace(const uint8_t *ace, uint32_t size)
{
    static const struct { uint8_t bit; const char *name; } flags[] = {
        { 0x01, "(OI)" }, { 0x02, "(CI)" }, { 0x08, "(IO)" }, { 0x04, "(NP)" },
        { 0x10, "(I)" },
    };
    char name[WF_SID_STRING_MAX + 64], rights[256];
    size_t i;

    if ((ace[0] != 0 && ace[0] != 1) || size < 16) {
        printf("  (an ACE of type 0x%02x)\n", ace[0]);
        return;
    }
    wf_icacls_sid_name(ace + 8, size - 8, name, sizeof name, false);
    printf("  %s:", name);
    for (i = 0; i < WF_COUNT(flags); i++)
        if (ace[1] & flags[i].bit)
            fputs(flags[i].name, stdout);
    wf_icacls_rights_text(wf_get_le32(ace + 4), rights, sizeof rights);
    printf("%s(%s)\n", ace[0] == 1 ? "(DENY)" : "", rights);
}

/* The descriptor sd (valid, self-relative) as SDDL, its owner and group, and its ACEs. */
static bool wf_icacls_print(const char *path, const uint8_t *sd, uint32_t len)
{
    char *sddl = malloc(WF_ICACLS_SDDL_MAX), name[WF_SID_STRING_MAX + 64];
    uint32_t owner = wf_get_le32(sd + 4), group = wf_get_le32(sd + 8), dacl = wf_get_le32(sd + 16);
    uint32_t control = wf_get_le16(sd + 2), pos, i, count;

    if (sddl == NULL || wf_sd_to_sddl(sd, len, sddl, WF_ICACLS_SDDL_MAX, NULL) !=
            STATUS_SUCCESS) {
        free(sddl);
        return false;
    }
    printf("%s\n  SDDL: %s\n", path, sddl);
    free(sddl);
    if (owner != 0) {
        wf_icacls_sid_name(sd + owner, len - owner, name, sizeof name, true);
        printf("  Owner: %s\n", name);
    }
    if (group != 0) {
        wf_icacls_sid_name(sd + group, len - group, name, sizeof name, true);
        printf("  Group: %s\n", name);
    }
    if (!(control & WF_SE_DACL_PRESENT) || dacl == 0) {
        printf("  Everyone:(F) (no DACL: no access control)\n");
        return true;
    }
    count = wf_get_le16(sd + dacl + 4);
    if (count == 0)
        printf("  (an empty DACL: no access)\n");
    for (pos = dacl + 8, i = 0; i < count; i++) {
        uint32_t size = wf_get_le16(sd + pos + 2);
        wf_icacls_print_ace(sd + pos, size);
        pos += size;
    }
    return true;
}

/* The parts of the file's descriptor that info selects, into sd (WF_ICACLS_SD_MAX). */
static NTSTATUS wf_icacls_query(wf_fsd_file *file, uint32_t info, uint8_t *sd, uint32_t *len)
{
    return wf_fsd_query_security(file, info, sd, WF_ICACLS_SD_MAX, len);
}

bool wf_shell_parse_sddl(const char *command, const char *text, uint8_t **sd, size_t *len)
{
    wf_sddl_error error = { 0, NULL };
    NTSTATUS status;

    *sd = NULL;
    status = wf_sd_from_sddl(text, strlen(text), NULL, 0, len, &error);
    if (status == STATUS_BUFFER_TOO_SMALL) {
        *sd = malloc(*len);
        status = *sd == NULL ? STATUS_INSUFFICIENT_RESOURCES :
            wf_sd_from_sddl(text, strlen(text), *sd, *len, len, &error);
    }
    if (status == STATUS_SUCCESS)
        return true;
    free(*sd);
    *sd = NULL;
    fflush(stdout);
    if (status == STATUS_INVALID_PARAMETER)
        fprintf(stderr, "%s: bad SDDL at character %zu (\"%.20s\"): %s\n", command,
            error.offset + 1, text + error.offset, error.reason);
    return false;
}

/* Which parts a descriptor carries, as the SECURITY_INFORMATION that sets them. */
static uint32_t wf_icacls_parts(const uint8_t *sd)
{
    return (wf_get_le32(sd + 4) ? OWNER_SECURITY_INFORMATION : 0) |
        (wf_get_le32(sd + 8) ? GROUP_SECURITY_INFORMATION : 0) |
        ((wf_get_le16(sd + 2) & WF_SE_DACL_PRESENT) ? DACL_SECURITY_INFORMATION : 0);
}

/* NtSetSecurityObject of the parts info selects, on a handle opened for just that. */
static NTSTATUS wf_icacls_set(wf_shell *shell, const char *path, uint32_t info,
    const uint8_t *sd, size_t len)
{
    uint32_t access = ((info & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION)) ?
        WRITE_OWNER : 0) | ((info & DACL_SECURITY_INFORMATION) ? WRITE_DAC : 0);
    wf_fsd_file *file = NULL;
    NTSTATUS status, close_status;

    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = access, .share_access = WF_SHARE_ALL, .create_disposition = FILE_OPEN },
        &file, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_set_security(file, info, sd, (uint32_t)len);
    close_status = wf_fsd_close(file);
    return status != STATUS_SUCCESS ? status : close_status;
}

static bool wf_icacls_setsddl(wf_shell *shell, const char *path, const char *what,
    const char *text)
{
    uint8_t *sd;
    size_t len;
    uint32_t info;
    NTSTATUS status;

    if (!wf_shell_parse_sddl("icacls", text, &sd, &len))
        return wf_shell_fail(shell, what, STATUS_INVALID_PARAMETER);
    info = wf_icacls_parts(sd);
    if (info == 0) {
        free(sd);
        fprintf(stderr, "icacls: the SDDL has no O:, G: or D: to set\n");
        return wf_shell_fail(shell, what, STATUS_INVALID_PARAMETER);
    }
    status = wf_icacls_set(shell, path, info, sd, len);
    free(sd);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

/* A SID as SDDL takes it, from "S-1-…", an SDDL abbreviation, a well-known name, or
   "Unix User\N" / "Unix Group\N" (the parser checks the result). */
static void wf_icacls_sid_text(const char *given, char *out, size_t size)
{
    size_t i;

    for (i = 0; i < WF_COUNT(wf_icacls_names); i++)
        if (strcasecmp(given, wf_icacls_names[i].name) == 0) {
            snprintf(out, size, "%s", wf_icacls_names[i].sid);
            return;
        }
    if (strncasecmp(given, WF_UNIX_USER, strlen(WF_UNIX_USER)) == 0)
        snprintf(out, size, "S-1-22-1-%s", given + strlen(WF_UNIX_USER));
    else if (strncasecmp(given, WF_UNIX_GROUP, strlen(WF_UNIX_GROUP)) == 0)
        snprintf(out, size, "S-1-22-2-%s", given + strlen(WF_UNIX_GROUP));
    else
        snprintf(out, size, "%s", given);
}

/* "R", "(R,W)", "(R)(X)": the mask of icacls rights, simple or specific. */
static bool wf_icacls_parse_rights(const char *text, uint32_t *mask)
{
    char word[8];
    size_t i, n;

    *mask = 0;
    while (*text != '\0') {
        if (*text == '(' || *text == ')' || *text == ',') {
            text++;
            continue;
        }
        n = strcspn(text, "(),");
        if (n >= sizeof word)
            return false;
        memcpy(word, text, n);
        word[n] = '\0';
        text += n;
        for (i = 0; i < WF_COUNT(wf_icacls_simple); i++)
            if (strcasecmp(word, wf_icacls_simple[i].name) == 0)
                break;
        if (i < WF_COUNT(wf_icacls_simple)) {
            *mask |= wf_icacls_simple[i].mask;
            continue;
        }
        for (i = 0; i < WF_COUNT(wf_icacls_specific); i++)
            if (strcasecmp(word, wf_icacls_specific[i].name) == 0)
                break;
        if (i == WF_COUNT(wf_icacls_specific))
            return false;
        *mask |= wf_icacls_specific[i].mask;
    }
    return *mask != 0;
}

/* Text built piece by piece; a piece that does not fit marks it overflowed. */
typedef struct wf_icacls_text {
    char *s;
    size_t cap, n;
    bool overflow;
} wf_icacls_text;

static void wf_icacls_append(wf_icacls_text *t, const char *format, ...)
{
    va_list args;
    int n;

    if (t->overflow)
        return;
    va_start(args, format);
    n = vsnprintf(t->s + t->n, t->cap - t->n, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= t->cap - t->n)
        t->overflow = true;
    else
        t->n += (size_t)n;
}

/* /grant and /deny: the file's DACL as SDDL with deny ACEs put first and allow ACEs last
   (canonical order), set back as the DACL. A NULL DACL becomes one holding only them. */
static bool wf_icacls_add_aces(wf_shell *shell, const char *path, const char *what,
    int argc, char **argv)
{
    size_t cap = WF_ICACLS_SDDL_MAX + (size_t)argc * (WF_SID_STRING_MAX + 64);
    char *old = malloc(WF_ICACLS_SDDL_MAX), *p;
    wf_icacls_text text = { malloc(cap), cap, 0, false };
    uint8_t *sd = malloc(WF_ICACLS_SD_MAX), *new_sd = NULL;
    wf_fsd_file *file = NULL;
    uint32_t len = 0, mask;
    size_t new_len;
    bool ok = false;
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;
    int i;

    if (old == NULL || text.s == NULL || sd == NULL)
        goto exit;
    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = READ_CONTROL | WRITE_DAC, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN }, &file, NULL);
    if (status == STATUS_SUCCESS)
        status = wf_icacls_query(file, DACL_SECURITY_INFORMATION, sd, &len);
    if (status == STATUS_SUCCESS)
        status = wf_sd_to_sddl(sd, len, old, WF_ICACLS_SDDL_MAX, NULL);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* "D:" and its flags, then the ACEs; a NULL DACL (or none) has no ACEs to keep. */
    wf_icacls_append(&text, "D:");
    p = strncmp(old, "D:", 2) == 0 ? old + 2 : old + strlen(old);
    while (*p == 'P' || strncmp(p, "AR", 2) == 0 || strncmp(p, "AI", 2) == 0) {
        size_t flag = *p == 'P' ? 1 : 2;
        wf_icacls_append(&text, "%.*s", (int)flag, p);
        p += flag;
    }
    if (strcmp(p, "NO_ACCESS_CONTROL") == 0)
        *p = '\0';
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1) {
            wf_icacls_append(&text, "%s", p);
            continue;
        }
        for (i = 0; i < argc; i += 2) {
            const char *colon = strrchr(argv[i + 1], ':');
            char sid_given[WF_SID_STRING_MAX], sid[WF_SID_STRING_MAX + 16];
            bool deny = strcasecmp(argv[i], "/deny") == 0;
            if (deny != (pass == 0))
                continue;
            if (colon == NULL || colon == argv[i + 1] ||
                (size_t)(colon - argv[i + 1]) >= sizeof sid_given ||
                !wf_icacls_parse_rights(colon + 1, &mask)) {
                fflush(stdout);
                fprintf(stderr, "icacls: '%s' is not SID:(RIGHTS)\n", argv[i + 1]);
                status = STATUS_INVALID_PARAMETER;
                goto exit;
            }
            snprintf(sid_given, sizeof sid_given, "%.*s", (int)(colon - argv[i + 1]),
                argv[i + 1]);
            wf_icacls_sid_text(sid_given, sid, sizeof sid);
            wf_icacls_append(&text, "(%s;;0x%x;;;%s)", deny ? "D" : "A", (unsigned)mask, sid);
        }
    }
    if (text.overflow || !wf_shell_parse_sddl("icacls", text.s, &new_sd, &new_len)) {
        status = STATUS_INVALID_PARAMETER;
        goto exit;
    }
    status = wf_fsd_set_security(file, DACL_SECURITY_INFORMATION, new_sd, (uint32_t)new_len);
    ok = status == STATUS_SUCCESS;
exit:
    if (file != NULL) {
        NTSTATUS close_status = wf_fsd_close(file);
        if (ok && close_status != STATUS_SUCCESS) {
            status = close_status;
            ok = false;
        }
    }
    free(new_sd);
    free(sd);
    free(text.s);
    free(old);
    return ok || wf_shell_fail(shell, what, status);
}

static bool wf_icacls_show(wf_shell *shell, const char *path, const char *what)
{
    uint8_t *sd = malloc(WF_ICACLS_SD_MAX);
    wf_fsd_file *file = NULL;
    uint32_t len = 0;
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;

    if (sd != NULL)
        status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = READ_CONTROL, .share_access = WF_SHARE_ALL,
            .create_disposition = FILE_OPEN }, &file, NULL);
    if (status == STATUS_SUCCESS) {
        status = wf_icacls_query(file, OWNER_SECURITY_INFORMATION |
            GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, sd, &len);
        wf_fsd_close(file);
    }
    if (status == STATUS_SUCCESS && !wf_icacls_print(path, sd, len))
        status = STATUS_INVALID_SECURITY_DESCR;
    free(sd);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

bool wf_cmd_icacls(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8], sddl[WF_SID_STRING_MAX + 8];
    int i;

    if (argc < 2)
        return wf_shell_usage(WF_ICACLS_USAGE);
    if (!wf_shell_resolve(shell, "icacls", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "icacls %s", path);
    if (argc == 2)
        return wf_icacls_show(shell, path, what);
    if (argc == 4 && strcasecmp(argv[2], "/setsddl") == 0)
        return wf_icacls_setsddl(shell, path, what, argv[3]);
    if (argc == 4 && strcasecmp(argv[2], "/setowner") == 0) {
        wf_icacls_sid_text(argv[3], sddl + 2, sizeof sddl - 2);
        memcpy(sddl, "O:", 2);
        return wf_icacls_setsddl(shell, path, what, sddl);
    }
    /* /grant A:R [B:W ...] /deny C:W ...: each SID:RIGHTS after the option it follows */
    if (strcasecmp(argv[2], "/grant") != 0 && strcasecmp(argv[2], "/deny") != 0)
        return wf_shell_usage(WF_ICACLS_USAGE);
    {
        char **pairs = malloc(2 * (size_t)argc * sizeof *pairs);
        const char *option = NULL;
        int count = 0;
        bool ok;

        if (pairs == NULL)
            return wf_shell_fail(shell, what, STATUS_INSUFFICIENT_RESOURCES);
        for (i = 2; i < argc; i++) {
            if (strcasecmp(argv[i], "/grant") == 0 || strcasecmp(argv[i], "/deny") == 0) {
                option = argv[i];
                continue;
            }
            pairs[count++] = (char *)option;
            pairs[count++] = argv[i];
        }
        ok = count > 0 ? wf_icacls_add_aces(shell, path, what, count, pairs) :
            wf_shell_usage(WF_ICACLS_USAGE);
        free(pairs);
        return ok;
    }
}
