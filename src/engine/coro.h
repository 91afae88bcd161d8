/* coro.h — resumable operations: each WinFsp request runs as a coroutine that suspends
   while its FUSE request is out, so its code reads as the sequence of round trips it makes.
   Switch-based (no C stack is kept across a suspension): state lives in the operation, never
   in locals, and a coroutine's body may contain at most one await per source line.

   Resume points live on a small stack in the operation (op->coro), one slot per level of
   nesting, as the original WinFuse's coroutines keep theirs: a coroutine takes the next slot
   when it is entered and gives it back when it returns (suspended or done), so a nested
   coroutine can be awaited from any other without owning a slot of its own. A finished
   coroutine leaves its slot 0, which is where the next one entered there starts. */
#ifndef WINFUSE_ENGINE_CORO_H
#define WINFUSE_ENGINE_CORO_H

#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define WF_FALLTHROUGH __attribute__((fallthrough))
#else
#define WF_FALLTHROUGH ((void)0)
#endif

typedef enum wf_step {
    WF_STEP_SEND,   /* a FUSE request is described in op->call: suspend until its reply */
    WF_STEP_DONE,   /* finished; the result is in op->status (and the response) */
} wf_step;

/* The deepest nesting: a handler, a link or reparse helper, a path walk, a case-folding
   lookup and its directory scan, an access check, a GETATTR. */
#define WF_CORO_DEPTH 8

typedef struct wf_coro {
#ifdef WF_DEBUG
    /* One more, always 0: the level under the deepest needs no bounds test to be found
       idle (wf_coro_done, WF_AWAIT_REPLY). */
    uint16_t slot[WF_CORO_DEPTH + 1];
#else
    uint16_t slot[WF_CORO_DEPTH];   /* each level's resume line; 0: at its start */
#endif
    uint8_t depth;                  /* levels running now (0 between steps) */
#ifdef WF_DEBUG
    const char *owner[WF_CORO_DEPTH];   /* the coroutine last suspended in each slot */
#endif
} wf_coro;

/* What the debug build adds to wf_coro (not counted in the operation's core size). */
#ifdef WF_DEBUG
#define WF_CORO_DEBUG_BYTES (WF_CORO_DEPTH * sizeof(const char *) + sizeof(uint16_t))
#else
#define WF_CORO_DEBUG_BYTES 0u
#endif

#ifdef WF_DEBUG
/* Debug builds (unit tests, sanitizers): a coroutine that finds another's resume point in
   its slot, a level left suspended under a finished one, or an unbalanced stack is a bug in
   the engine, caught where it happens. Tests may replace the handler to observe it; it
   does not return (it may longjmp), which lets the compiler keep what it knows across a
   check: the checks cost about a third less (docs/performance.md). */
extern void (*wf_coro_fault)(const char *what) __attribute__((noreturn));
#define WF_CORO_CHECK(cond, what) \
    do { if (__builtin_expect(!(cond), 0)) wf_coro_fault(what); } while (0)
/* slot is the running level's: the top of the stack (never at depth 0, where the top
   would be slot[0] itself). */
#define WF_CORO_TOP(c, slot) (&(c)->slot[(c)->depth] == (slot) + 1)
/* The level under the running one is idle (the one under the deepest is the spare 0). */
#define WF_CORO_NESTED_IDLE(c) ((c)->slot[(c)->depth] == 0)
#else
#define WF_CORO_CHECK(cond, what) ((void)0)
#endif

/* A slot holds a resume line only after its coroutine suspended there, so the owner is
   recorded then (wf_coro_suspend), not at every entry, and checked when a level is
   entered at a line. */
static inline uint16_t *wf_coro_enter(wf_coro *c, const char *fn)
{
    (void)fn;
    WF_CORO_CHECK(c->depth < WF_CORO_DEPTH, "coroutine stack overflow");
    uint16_t *slot = &c->slot[c->depth++];
    WF_CORO_CHECK(*slot == 0 || c->owner[c->depth - 1] == fn, "coroutine slot reused");
    return slot;
}

/* Suspends the coroutine at line: its slot keeps the line, the level is given back. */
static inline wf_step wf_coro_suspend(wf_coro *c, uint16_t *slot, uint16_t line,
    const char *fn)
{
    (void)fn;
    WF_CORO_CHECK(WF_CORO_TOP(c, slot), "coroutine stack imbalance");
#ifdef WF_DEBUG
    c->owner[c->depth - 1] = fn;
#endif
    *slot = line;
    c->depth--;
    return WF_STEP_SEND;
}

static inline wf_step wf_coro_done(wf_coro *c, uint16_t *slot)
{
    WF_CORO_CHECK(WF_CORO_TOP(c, slot), "coroutine stack imbalance");
    WF_CORO_CHECK(WF_CORO_NESTED_IDLE(c), "nested coroutine left suspended");
    *slot = 0;
    c->depth--;
    return WF_STEP_DONE;
}

/* Between two steps of an operation no level is running; after its last, none is
   suspended either. */
static inline void wf_coro_check_idle(const wf_coro *c, wf_step step)
{
    (void)c;
    (void)step;
    WF_CORO_CHECK(c->depth == 0, "coroutine stack imbalance");
    WF_CORO_CHECK(step != WF_STEP_DONE || c->slot[0] == 0, "coroutine left suspended");
}

#define WF_CORO_BEGIN(op) \
    uint16_t *wf_coro_slot_ = wf_coro_enter(&(op)->coro, __func__); \
    switch (*wf_coro_slot_) { case 0:
#define WF_CORO_END(op) \
    default: break; } return wf_coro_done(&(op)->coro, wf_coro_slot_)

/* Send the FUSE request just described in op->call; resume here with its reply. */
#define WF_AWAIT_REPLY(op) \
    do { \
        WF_CORO_CHECK(WF_CORO_NESTED_IDLE(&(op)->coro), "nested coroutine left suspended"); \
        return wf_coro_suspend(&(op)->coro, wf_coro_slot_, __LINE__, __func__); \
        case __LINE__:; \
    } while (0)

/* Run a nested coroutine to completion, suspending whenever it does. */
#define WF_AWAIT_CALL(op, expr) \
    do { \
        *wf_coro_slot_ = __LINE__; WF_FALLTHROUGH; case __LINE__: \
        if ((expr) == WF_STEP_SEND) \
            return wf_coro_suspend(&(op)->coro, wf_coro_slot_, __LINE__, __func__); \
    } while (0)

/* Finish the coroutine now. */
#define WF_CORO_RETURN(op)  return wf_coro_done(&(op)->coro, wf_coro_slot_)

#endif
