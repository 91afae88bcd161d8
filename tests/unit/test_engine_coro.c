/* test_engine_coro.c — the engine's coroutine stack (src/engine/coro.h): nested coroutines
   awaited from anywhere without a slot of their own, and the debug checks that catch a
   resume point reused or left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/coro.h"

#ifndef WF_DEBUG
#error "the unit tests are built with the engine's debug checks (CMake option WF_DEBUG)"
#endif

/* Just what the macros need: an operation with a coroutine stack. */
typedef struct fake_op {
    wf_coro coro;
    int log[16];            /* what the coroutines did, in order */
    int logged;
} fake_op;

static const char *last_fault;
static int faults;
/* Where a fault returns to: the handler may not return (coro.h). */
static jmp_buf fault_return;
static bool fault_expected;

/* The first fault is the bug: the test goes on from where it expected it. */
static __attribute__((noreturn)) void record_fault(const char *what)
{
    if (!last_fault)
        last_fault = what;
    faults++;
    if (fault_expected)
        longjmp(fault_return, 1);
    fail_msg("coroutine fault: %s", what);
    abort();
}

static void note(fake_op *op, int what)
{
    if (op->logged < 16)
        op->log[op->logged++] = what;
}

/* Two round trips. */
static wf_step leaf(fake_op *op, int tag)
{
    WF_CORO_BEGIN(op);
    note(op, tag + 1);
    WF_AWAIT_REPLY(op);
    note(op, tag + 2);
    WF_AWAIT_REPLY(op);
    note(op, tag + 3);
    WF_CORO_END(op);
}

/* Awaits the leaf one level deeper than the handler does. */
static wf_step middle(fake_op *op)
{
    WF_CORO_BEGIN(op);
    WF_AWAIT_CALL(op, leaf(op, 20));
    note(op, 29);
    WF_CORO_END(op);
}

static wf_step handler(fake_op *op)
{
    WF_CORO_BEGIN(op);
    WF_AWAIT_CALL(op, leaf(op, 10));
    WF_AWAIT_CALL(op, middle(op));
    note(op, 99);
    WF_CORO_END(op);
}

/* A bug: the leaf is called, not awaited, so its resume point stays on the stack. */
static wf_step careless_handler(fake_op *op, bool then_other)
{
    WF_CORO_BEGIN(op);
    (void)leaf(op, 10);
    if (then_other)
        WF_AWAIT_CALL(op, middle(op));
    WF_CORO_END(op);
}

/* Runs a handler to its end, counting the requests it sends; the stack is checked between
   steps as the engine checks it. */
static int run(fake_op *op, wf_step (*fn)(fake_op *))
{
    int sends = 0;
    wf_step step;
    while ((step = fn(op)) == WF_STEP_SEND) {
        wf_coro_check_idle(&op->coro, step);
        sends++;
    }
    wf_coro_check_idle(&op->coro, step);
    return sends;
}

static wf_step careless_then_other(fake_op *op)
{
    return careless_handler(op, true);
}

static wf_step careless_alone(fake_op *op)
{
    return careless_handler(op, false);
}

static int setup(void **state)
{
    (void)state;
    last_fault = NULL;
    faults = 0;
    wf_coro_fault = record_fault;
    return 0;
}

static void a_nested_coroutine_is_awaited_at_any_depth_without_a_slot_of_its_own(void **state)
{
    (void)state;
    fake_op op;
    memset(&op, 0, sizeof op);

    assert_int_equal(run(&op, handler), 4);
    int expected[] = {11, 12, 13, 21, 22, 23, 29, 99};
    assert_int_equal(op.logged, 8);
    assert_memory_equal(op.log, expected, sizeof expected);
    assert_int_equal(faults, 0);
    assert_int_equal(op.coro.depth, 0);
    for (int i = 0; i < WF_CORO_DEPTH; i++)
        assert_int_equal(op.coro.slot[i], 0);
}

static void an_operation_runs_again_from_its_start_once_finished(void **state)
{
    (void)state;
    fake_op op;
    memset(&op, 0, sizeof op);

    run(&op, handler);
    op.logged = 0;
    assert_int_equal(run(&op, handler), 4);
    assert_int_equal(op.log[0], 11);
    assert_int_equal(faults, 0);
}

static void a_coroutine_finding_another_ones_resume_point_is_reported(void **state)
{
    (void)state;
    fake_op op;
    memset(&op, 0, sizeof op);

    fault_expected = true;
    if (setjmp(fault_return) == 0)
        careless_then_other(&op);
    fault_expected = false;
    assert_non_null(last_fault);
    assert_string_equal(last_fault, "coroutine slot reused");
}

static void a_coroutine_finishing_over_a_suspended_one_is_reported(void **state)
{
    (void)state;
    fake_op op;
    memset(&op, 0, sizeof op);

    fault_expected = true;
    if (setjmp(fault_return) == 0)
        run(&op, careless_alone);
    fault_expected = false;
    assert_non_null(last_fault);
    assert_string_equal(last_fault, "nested coroutine left suspended");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            a_nested_coroutine_is_awaited_at_any_depth_without_a_slot_of_its_own, setup, NULL),
        cmocka_unit_test_setup_teardown(an_operation_runs_again_from_its_start_once_finished,
            setup, NULL),
        cmocka_unit_test_setup_teardown(
            a_coroutine_finding_another_ones_resume_point_is_reported, setup, NULL),
        cmocka_unit_test_setup_teardown(a_coroutine_finishing_over_a_suspended_one_is_reported,
            setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
