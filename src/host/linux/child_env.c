/* child_env.c — what every door that starts a file system with our fusermount helper prepares alike: the helper's real path, a private directory, and the environment with our variables in place of the caller's. */
#define _GNU_SOURCE
#include "child_env.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount_ns.h"

extern char **environ;

bool wf_child_env_helper(const char *helper, char *resolved, char *error, size_t error_size)
{
    char found[PATH_MAX];

    if (!helper) {
        if (!wf_mount_ns_find_helper(found, sizeof found, error, error_size))
            return false;
        helper = found;
    }
    if (!realpath(helper, resolved)) {
        snprintf(error, error_size, "cannot use the fusermount helper %s: %s", helper,
            strerror(errno));
        return false;
    }
    return true;
}

char *wf_child_env_private_dir(const char *prefix, char *error, size_t error_size)
{
    const char *tmpdir = getenv("TMPDIR");
    char *dir = NULL;

    if (asprintf(&dir, "%s/%s.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp", prefix) < 0) {
        snprintf(error, error_size, "cannot make a private directory: %s", strerror(ENOMEM));
        return NULL;
    }
    if (!mkdtemp(dir)) {
        snprintf(error, error_size, "cannot make a private directory %s: %s", dir,
            strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

/* True when entry sets the variable that name_value ("NAME=...") names. */
static bool wf_same_variable(const char *entry, const char *name_value)
{
    const char *equals = strchr(name_value, '=');
    size_t len = equals ? (size_t)(equals - name_value) + 1 : strlen(name_value);
    return strncmp(entry, name_value, len) == 0;
}

char **wf_child_env_build(const char *const *own, size_t own_count, const char *path_first)
{
    const char *path = getenv("PATH");
    size_t count = 0, out = 0;
    char **envp;

    while (environ && environ[count])
        count++;
    envp = calloc(count + own_count + 2, sizeof *envp);
    if (!envp)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        bool skip = wf_same_variable(environ[i], "PATH=");
        for (size_t k = 0; !skip && k < own_count; k++)
            skip = wf_same_variable(environ[i], own[k]);
        if (skip)
            continue;
        if (!(envp[out++] = strdup(environ[i])))
            goto fail;
    }
    for (size_t k = 0; k < own_count; k++)
        if (!(envp[out++] = strdup(own[k])))
            goto fail;
    /* Without a PATH, execvp's default search list. */
    if (asprintf(&envp[out], "PATH=%s:%s", path_first, path ? path : "/bin:/usr/bin") < 0) {
        envp[out] = NULL;
        goto fail;
    }
    return envp;

fail:
    wf_child_env_free(envp);
    return NULL;
}

void wf_child_env_free(char **envp)
{
    if (!envp)
        return;
    for (size_t i = 0; envp[i]; i++)
        free(envp[i]);
    free(envp);
}
