/* cli_options.c — the options `winfuse shell` and `winfuse check` share. */
#define _POSIX_C_SOURCE 200809L
#include "cli_options.h"

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
