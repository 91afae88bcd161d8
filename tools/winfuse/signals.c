/* signals.c — one thread takes the console's signals for `winfuse shell` and `winfuse
   check` (they are blocked everywhere else, so no handler runs inside a lock) and acts on
   the volume: cancel the running command, abort the file system, or end it and exit. */
#define _GNU_SOURCE
#include "signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static struct {
    pthread_mutex_t lock;
    pthread_t thread;
    bool started;
    wf_volume *volume;          /* NULL once stopped */
    bool cancels;
    bool command_running;
    bool command_interrupted;   /* a first Ctrl-C went to the running command */
    bool aborted;
    bool hangup_ignored;        /* started under nohup: SIGHUP stays ignored */
} wf_signals = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void wf_signals_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    if (!wf_signals.hangup_ignored)
        sigaddset(set, SIGHUP);
    sigaddset(set, WF_SIGNAL_ABORT);
}

void wf_signals_block(void)
{
    struct sigaction hangup;
    sigset_t set;
    if (sigaction(SIGHUP, NULL, &hangup) == 0 && hangup.sa_handler == SIG_IGN)
        wf_signals.hangup_ignored = true;
    wf_signals_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* The process ends on sig: the file system first (the channel closed, then its process
   group and private namespace ended after a grace), then this process, by the signal
   itself, so that whoever waits for it sees why. Lock held; never returns. */
static void wf_signals_end(int sig)
{
    sigset_t one;
    if (!wf_signals.aborted)
        wf_volume_abort(wf_signals.volume);
    wf_volume_end(wf_signals.volume);
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    raise(sig);
    _exit(128 + sig);
}

static void *wf_signals_main(void *arg)
{
    sigset_t set;
    (void)arg;
    wf_signals_set(&set);
    for (;;) {
        int sig;
        if (sigwait(&set, &sig) != 0)
            continue;
        pthread_mutex_lock(&wf_signals.lock);
        if (wf_signals.volume == NULL) {
            /* Unmounting already, which is bounded: it ends the process soon enough. */
            pthread_mutex_unlock(&wf_signals.lock);
            continue;
        }
        if (sig == WF_SIGNAL_ABORT) {
            if (!wf_signals.aborted) {
                wf_signals.aborted = true;
                fflush(stdout);
                fprintf(stderr, "winfuse: aborted: the file system is disconnected\n");
                wf_volume_abort(wf_signals.volume);
            }
        } else if (sig == SIGINT && wf_signals.cancels && wf_signals.command_running &&
                   !wf_signals.command_interrupted) {
            /* Ctrl-C: the command's requests are interrupted, then given up. */
            wf_signals.command_interrupted = true;
            wf_volume_interrupt(wf_signals.volume, WF_SIGNALS_GRACE_MS);
        } else {
            /* SIGTERM, SIGHUP; SIGINT with no command running, or a second one. */
            wf_signals_end(sig);
        }
        pthread_mutex_unlock(&wf_signals.lock);
    }
    return NULL;
}

bool wf_signals_start(wf_volume *volume, bool cancels)
{
    pthread_mutex_lock(&wf_signals.lock);
    wf_signals.volume = volume;
    wf_signals.cancels = cancels;
    pthread_mutex_unlock(&wf_signals.lock);
    if (pthread_create(&wf_signals.thread, NULL, wf_signals_main, NULL) != 0)
        return false;
    wf_signals.started = true;
    return true;
}

void wf_signals_command_begin(void)
{
    pthread_mutex_lock(&wf_signals.lock);
    wf_signals.command_running = true;
    wf_signals.command_interrupted = false;
    pthread_mutex_unlock(&wf_signals.lock);
}

void wf_signals_command_end(void)
{
    pthread_mutex_lock(&wf_signals.lock);
    wf_signals.command_running = false;
    if (wf_signals.command_interrupted && wf_signals.volume)
        wf_volume_interrupt_end(wf_signals.volume);
    wf_signals.command_interrupted = false;
    pthread_mutex_unlock(&wf_signals.lock);
}

void wf_signals_stop(void)
{
    pthread_mutex_lock(&wf_signals.lock);
    wf_signals.volume = NULL;
    pthread_mutex_unlock(&wf_signals.lock);
}
