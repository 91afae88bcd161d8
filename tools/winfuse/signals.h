/* signals.h — what the console's signals do to `winfuse shell` and `winfuse check`: Ctrl-C
   cancels the running command, `winfuse abort` (SIGUSR1) aborts the file system, and
   SIGTERM, SIGHUP or SIGINT otherwise end the process and the file system it started. */
#ifndef WINFUSE_TOOLS_SIGNALS_H
#define WINFUSE_TOOLS_SIGNALS_H

#include <stdbool.h>

#include "volume.h"

/* SIGUSR1 asks a shell or check to abort its file system (`winfuse abort PID`). */
#define WF_SIGNAL_ABORT SIGUSR1
/* How long a cancelled command's requests wait for the file system's answer to INTERRUPT
   before they are given up. */
#define WF_SIGNALS_GRACE_MS 1000u

/* Blocks the signals handled here in this thread and in every thread it starts later, so
   that only the watcher takes them. Call first, before any thread is started. */
void wf_signals_block(void);
/* Starts the watcher for volume; a signal that came before is acted on now. cancels:
   SIGINT while a command runs cancels that command (the shell); false: SIGINT ends. */
bool wf_signals_start(wf_volume *volume, bool cancels);
/* The command that a first Ctrl-C cancels runs from begin to end. */
void wf_signals_command_begin(void);
void wf_signals_command_end(void);
/* Before the volume is unmounted: the watcher lets go of it, after finishing an abort or
   an ending already under way (an ending exits the process: this never returns then). */
void wf_signals_stop(void);

#endif
