/* cli_options.c — the options `winfuse shell` and `winfuse check` share. */
#define _POSIX_C_SOURCE 200809L
#include "cli_options.h"
#include "winfuse/security.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool wf_cli_default_fs(char *path, size_t size)
{
    const char *env = getenv("WINFUSE_MEMFS");
    ssize_t n;
    char *slash;

    if (env != NULL && env[0] != '\0')
        return (size_t)snprintf(path, size, "%s", env) < size;
    n = readlink("/proc/self/exe", path, size - 1);
    if (n <= 0 || (size_t)n >= size - sizeof "memfs")
        return false;
    path[n] = '\0';
    slash = strrchr(path, '/');
    if (slash == NULL)
        return false;
    snprintf(slash + 1, size - (size_t)(slash + 1 - path), "memfs");
    return true;
}

bool wf_cli_parse_identity(const char *text, wf_identity *identity)
{
    char *end;
    unsigned long value;

    memset(identity, 0, sizeof *identity);
    identity->pid = (uint32_t)getpid();
    value = strtoul(text, &end, 10);
    if (end == text || *end != ':' || value > UINT32_MAX)
        return false;
    identity->uid = (uint32_t)value;
    text = end + 1;
    value = strtoul(text, &end, 10);
    if (end == text || (*end != '\0' && *end != ':') || value > UINT32_MAX)
        return false;
    identity->gid = (uint32_t)value;
    while (*end != '\0') {
        text = end + 1;
        value = strtoul(text, &end, 10);
        if (end == text || (*end != '\0' && *end != ',') || value > UINT32_MAX ||
            identity->group_count == WF_IDENTITY_MAX_GROUPS)
            return false;
        identity->groups[identity->group_count++] = (uint32_t)value;
    }
    return true;
}

/* A decimal id, or -1 for this process's own. */
static bool wf_cli_parse_id(const char *text, size_t len, uint32_t own, uint32_t *id)
{
    char buf[16], *end;
    unsigned long value;
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (strcmp(buf, "-1") == 0) {
        *id = own;
        return true;
    }
    value = strtoul(buf, &end, 10);
    if (*end != '\0' || buf[0] == '-' || value > UINT32_MAX)
        return false;
    *id = (uint32_t)value;
    return true;
}

bool wf_cli_parse_map_options(const char *command, const char *text, wf_id_map *map,
    bool *no_dosattrib, bool *no_streams, bool *no_spin, unsigned *spin_us)
{
    const char *option = text;
    while (*option) {
        const char *end = strchr(option, ',');
        size_t len = end ? (size_t)(end - option) : strlen(option);
        const char *eq = memchr(option, '=', len);
        size_t key = eq ? (size_t)(eq - option) : len;
        const char *value = eq ? eq + 1 : option + len;
        size_t value_len = len - key - (eq ? 1 : 0);
        bool ok = false;

        if (eq && key == 3 && memcmp(option, "uid", 3) == 0) {
            ok = wf_cli_parse_id(value, value_len, (uint32_t)getuid(), &map->uid);
            map->set_uid = ok;
        } else if (eq && key == 3 && memcmp(option, "gid", 3) == 0) {
            ok = wf_cli_parse_id(value, value_len, (uint32_t)getgid(), &map->gid);
            map->set_gid = ok;
        } else if (eq && key == 5 && memcmp(option, "umask", 5) == 0) {
            char buf[8], *stop;
            if (value_len > 0 && value_len < sizeof buf) {
                memcpy(buf, value, value_len);
                buf[value_len] = '\0';
                unsigned long mask = strtoul(buf, &stop, 8);
                ok = *stop == '\0' && mask <= 0777;
                map->umask = (uint32_t)mask;
                map->set_umask = ok;
            }
        } else if (eq && key == 6 && memcmp(option, "uidmap", 6) == 0) {
            ok = wf_id_map_parse_uidmap(map, value, value_len) == STATUS_SUCCESS;
        } else if (eq && key == 9 && memcmp(option, "dosattrib", 9) == 0) {
            ok = (value_len == 2 && memcmp(value, "on", 2) == 0) ||
                (value_len == 3 && memcmp(value, "off", 3) == 0);
            if (ok)
                *no_dosattrib = value_len == 3;
        } else if (eq && key == 7 && memcmp(option, "streams", 7) == 0) {
            ok = (value_len == 2 && memcmp(value, "on", 2) == 0) ||
                (value_len == 3 && memcmp(value, "off", 3) == 0);
            if (ok)
                *no_streams = value_len == 3;
        } else if (eq && key == 4 && memcmp(option, "spin", 4) == 0) {
            char buf[8], *stop;
            if (value_len == 2 && memcmp(value, "on", 2) == 0) {
                ok = true;
                *no_spin = false;
                *spin_us = 0;
            } else if (value_len == 3 && memcmp(value, "off", 3) == 0) {
                ok = *no_spin = true;
            } else if (value_len > 0 && value_len < sizeof buf && value[0] >= '0' &&
                value[0] <= '9') {
                memcpy(buf, value, value_len);
                buf[value_len] = '\0';
                unsigned long us = strtoul(buf, &stop, 10);
                ok = *stop == '\0' && us <= 1000;
                if (ok) {
                    *no_spin = us == 0;
                    *spin_us = (unsigned)us;
                }
            }
        }
        if (!ok) {
            fprintf(stderr, "winfuse %s: bad option '%.*s' (-o takes uid=N, gid=N, "
                "umask=OOO, uidmap=UID:SID[;UID:SID...], dosattrib=on|off, streams=on|off, spin=on|off|US, comma-separated)\n",
                command, (int)len, option);
            return false;
        }
        option = end ? end + 1 : option + len;
    }
    return true;
}

bool wf_cli_parse_timeout(const char *text, unsigned *ms)
{
    char *end;
    double seconds;
    if (text == NULL || text[0] == '\0' || text[0] == '-' || text[0] == '+')
        return false;
    seconds = strtod(text, &end);
    if (*end != '\0' || !(seconds >= 0.0) || seconds > 86400.0)
        return false;
    *ms = (unsigned)(seconds * 1000.0 + 0.5);
    if (seconds > 0.0 && *ms == 0)
        *ms = 1;
    return true;
}
