/* cli_options.h — what `winfuse shell` and `winfuse check` share in their options: the
   embedded default file system and the --as identity. */
#ifndef WINFUSE_TOOLS_CLI_OPTIONS_H
#define WINFUSE_TOOLS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "winfuse/engine.h"

/* The memfs beside this program (or the one $WINFUSE_MEMFS names), as the default file
   system. False when its path cannot be found or does not fit. */
bool wf_cli_default_fs(char *path, size_t size);
/* --as UID:GID[:GROUP,...]: the caller the requests act for (its pid is this process's). */
bool wf_cli_parse_identity(const char *text, wf_identity *identity);
/* -o OPTIONS: WinFsp-FUSE's identity options, comma-separated: uid=N, gid=N (-1: this
   process's), umask=OOO (octal), uidmap=UID:SID[;UID:SID...], and dosattrib=on|off (off:
   no DOS attributes in user.DOSATTRIB, *no_dosattrib set), streams=on|off (off: no named
   streams in user.DosStream.* xattrs, *no_streams set), and spin=on|off|US (how long a
   caller polls for its reply before it sleeps: off sets *no_spin, US (1..1000
   microseconds) *spin_us). Adds them to map; on a bad option prints why (prefixed with
   command) and returns false. */
bool wf_cli_parse_map_options(const char *command, const char *text, wf_id_map *map,
    bool *no_dosattrib, bool *no_streams, bool *no_spin, unsigned *spin_us);
/* --timeout SECONDS: how long a FUSE request may be out before it is given up (a decimal
   number, fractions allowed, up to a day; 0: never). False on anything else. */
bool wf_cli_parse_timeout(const char *text, unsigned *ms);

#endif
