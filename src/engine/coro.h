/* coro.h — resumable operations: each WinFsp request runs as a coroutine that suspends
   while its FUSE request is out, so its code reads as the sequence of round trips it makes.
   Switch-based (no stack is kept across a suspension): state lives in the operation, never
   in locals, and a coroutine's body may contain at most one await per source line. */
#ifndef WINFUSE_ENGINE_CORO_H
#define WINFUSE_ENGINE_CORO_H

#if defined(__GNUC__) || defined(__clang__)
#define WF_FALLTHROUGH __attribute__((fallthrough))
#else
#define WF_FALLTHROUGH ((void)0)
#endif

typedef enum wf_step {
    WF_STEP_SEND,   /* a FUSE request is described in op->call: suspend until its reply */
    WF_STEP_DONE,   /* finished; the result is in op->status (and the response) */
} wf_step;

#define WF_CORO_BEGIN(state)    switch (state) { case 0:
#define WF_CORO_END(state)      default: break; } (state) = -1; return WF_STEP_DONE

/* Send the FUSE request just described in op->call; resume here with its reply. */
#define WF_AWAIT_REPLY(state) \
    do { (state) = __LINE__; return WF_STEP_SEND; case __LINE__:; } while (0)

/* Run a nested coroutine (whose own state is substate) to completion, suspending whenever
   it does. */
#define WF_AWAIT_CALL(state, substate, expr) \
    do { \
        (substate) = 0; (state) = __LINE__; WF_FALLTHROUGH; case __LINE__: \
        if ((expr) == WF_STEP_SEND) return WF_STEP_SEND; \
    } while (0)

/* Finish the coroutine now. */
#define WF_CORO_RETURN(state)   do { (state) = -1; return WF_STEP_DONE; } while (0)

#endif
