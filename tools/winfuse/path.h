/* path.h — Windows-style paths in the shell: resolving against the current directory. */
#ifndef WINFUSE_TOOLS_PATH_H
#define WINFUSE_TOOLS_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* Resolves arg against cwd the way Win32 does before a name reaches the I/O manager:
   '/' is a separator like '\', repeated separators collapse, "." is dropped and ".." goes
   up (not above the root). The result is absolute, without a trailing backslash except
   for the root "\". Returns false when it does not fit in out_size. */
bool wf_path_resolve(const char *cwd, const char *arg, char *out, size_t out_size);

/* Splits an absolute resolved path into its parent directory and last component:
   "\a\b" -> "\a", "b"; "\a" -> "\", "a"; "\" -> "\", "". */
void wf_path_split(const char *path, char *parent, size_t parent_size, const char **name);

/* True when name contains an NT wildcard: * ? < > " */
bool wf_path_has_wildcards(const char *name);

#endif
