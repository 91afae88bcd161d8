/* child_env.h — what every door that starts a file system with our fusermount helper prepares alike: the helper's real path, a private directory, and the environment with our variables in place of the caller's. */
#ifndef WINFUSE_HOST_CHILD_ENV_H
#define WINFUSE_HOST_CHILD_ENV_H

#include <stdbool.h>
#include <stddef.h>

/* The helper's real path in resolved (PATH_MAX bytes): helper, or NULL for
   wf_mount_ns_find_helper. False with a one-line reason in error. */
bool wf_child_env_helper(const char *helper, char *resolved, char *error, size_t error_size);

/* A new empty directory $TMPDIR/PREFIX.XXXXXX (/tmp without TMPDIR), to be freed by the
   caller. NULL with a one-line reason in error. */
char *wf_child_env_private_dir(const char *prefix, char *error, size_t error_size);

/* This process's environment without PATH and without the variables own sets, then own's
   entries ("NAME=VALUE") and PATH with path_first before the inherited PATH (or execvp's
   default list). NULL when out of memory; free with wf_child_env_free. */
char **wf_child_env_build(const char *const *own, size_t own_count, const char *path_first);
void wf_child_env_free(char **envp);

#endif
