//! Instrumented modules run in wasmi: the exact ink of known blocks (reference §1.3–1.5), running
//! out of ink, the stack budget (§1.7) and `pay_for_memory_grow` (§1.6).

mod common;

use common::{activated, entrypoint, run, FIXED_MEMORY};

/// Ink of every block's check (reference §1.3).
const HEADER: u64 = 2450;
const PLENTY: u64 = 10_000_000_000;
const STACK: u32 = 22_000;

#[test]
fn straight_line_code_pays_one_block_including_its_end() {
    // i32.const 1 + local.get 75 + i32.add 70 + end 1
    let program = activated(&entrypoint("i32.const 7 local.get 0 i32.add"));
    let outcome = run(&program, PLENTY, STACK, 5);
    assert_eq!(outcome.result, Ok(12));
    assert_eq!(outcome.ink_used(PLENTY), 147 + HEADER);
    assert_eq!(outcome.ink_status, 0);
}

#[test]
fn a_loop_body_pays_at_every_iteration() {
    let program = activated(&entrypoint(
        "(local i32)
         block
           loop
             local.get 1 i32.const 1 i32.add local.tee 1
             local.get 0 i32.lt_u
             br_if 0
           end
         end
         local.get 1",
    ));
    // [block loop] 2; body 75+1+70+75+75+170+765 = 1231; [end] 1; [end] 1; [local.get end] 76
    let entry = 2 + HEADER;
    let body = 1231 + HEADER;
    let tail = (1 + HEADER) + (1 + HEADER) + (76 + HEADER);
    for n in [1, 5, 40] {
        let outcome = run(&program, PLENTY, STACK, n);
        assert_eq!(outcome.result, Ok(n));
        assert_eq!(outcome.ink_used(PLENTY), entry + n as u64 * body + tail, "{n} iterations");
    }
}

#[test]
fn br_table_pays_per_target_without_the_default() {
    let program = activated(&entrypoint(
        "block block block
           local.get 0
           br_table 0 1 0 1 2
         end
         i32.const 10 return
         end
         i32.const 20 return
         end
         i32.const 30",
    ));
    // 3 × block + local.get + br_table (2400 + 4 targets × 325), then the landing block
    // (`i32.const` + `return`, or `i32.const` + the final `end`). The `end` blocks branched over
    // are never charged: their checks sit inside the blocks being left.
    let table = 3 + 75 + 2400 + 4 * 325 + HEADER;
    let landing = 2 + HEADER;
    for (arg, result) in [(0, 10), (1, 20), (2, 10), (3, 20), (4, 30), (9, 30)] {
        let outcome = run(&program, PLENTY, STACK, arg);
        assert_eq!(outcome.result, Ok(result));
        assert_eq!(outcome.ink_used(PLENTY), table + landing, "index {arg}");
    }
}

#[test]
fn call_indirect_pays_per_parameter_and_the_callee_pays_its_own_blocks() {
    let program = activated(&format!(
        r#"(module
             (type $binary (func (param i32 i32) (result i32)))
             (table 1 1 funcref)
             (elem (i32.const 0) $add)
             {FIXED_MEMORY}
             (func $add (type $binary) local.get 0 local.get 1 i32.add)
             (func (export "user_entrypoint") (param i32) (result i32)
               local.get 0 i32.const 5 i32.const 0
               call_indirect (type $binary)))"#
    ));
    // caller: 75 + 1 + 1 + (13 610 + 2 × 650); callee: 75 + 75 + 70 + 1; caller's end: 1
    let expected = (77 + 14_910 + HEADER) + (221 + HEADER) + (1 + HEADER);
    let outcome = run(&program, PLENTY, STACK, 4);
    assert_eq!(outcome.result, Ok(9));
    assert_eq!(outcome.ink_used(PLENTY), expected);
}

#[test]
fn a_call_to_a_hostio_costs_3800_and_ends_the_block() {
    let program = activated(&format!(
        r#"(module
             (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
             {FIXED_MEMORY}
             (func (export "user_entrypoint") (param i32) (result i32)
               call $reentrant
               i32.const 3 i32.add))"#
    ));
    let expected = (3800 + HEADER) + (1 + 70 + 1 + HEADER);
    let outcome = run(&program, PLENTY, STACK, 0);
    assert_eq!(outcome.result, Ok(3));
    assert_eq!(outcome.ink_used(PLENTY), expected);
}

#[test]
fn memory_fill_and_copy_pay_100_ink_per_byte_before_running() {
    for op in ["memory.fill", "memory.copy"] {
        let program = activated(&entrypoint(&format!("i32.const 0 i32.const 7 local.get 0 {op} i32.const 0")));
        // 1 + 1 + 75 + 950 + 1 + end 1
        let block = 1029 + HEADER;
        for bytes in [0, 1, 1000, 60_000] {
            let outcome = run(&program, PLENTY, STACK, bytes);
            assert_eq!(outcome.result, Ok(0), "{op} of {bytes} bytes");
            assert_eq!(outcome.ink_used(PLENTY), block + 100 * bytes as u64, "{op} of {bytes} bytes");
        }
    }
}

#[test]
fn a_block_that_cannot_be_paid_in_full_traps_with_status_1_before_running() {
    let program = activated(&entrypoint("i32.const 7 local.get 0 i32.add"));
    let cost = 147 + HEADER;

    let exact = run(&program, cost, STACK, 1);
    assert_eq!(exact.result, Ok(8));
    assert_eq!((exact.ink_left, exact.ink_status), (0, 0));

    let short = run(&program, cost - 1, STACK, 1);
    assert!(short.trapped());
    assert_eq!(short.ink_status, 1);
    assert_eq!(short.ink_left, cost - 1, "nothing is deducted from a block that cannot be paid");
}

#[test]
fn running_out_of_ink_for_the_bytes_of_a_fill_traps_with_status_1() {
    let program = activated(&entrypoint("i32.const 0 i32.const 7 local.get 0 memory.fill i32.const 0"));
    let block = 1029 + HEADER;
    let enough = run(&program, block + 100 * 50, STACK, 50);
    assert_eq!(enough.result, Ok(0));
    assert_eq!(enough.ink_left, 0);

    let short = run(&program, block + 100 * 50 - 1, STACK, 50);
    assert!(short.trapped());
    assert_eq!(short.ink_status, 1);
}

#[test]
fn float_constants_activate_but_run_out_of_ink() {
    let program = activated(&entrypoint("f64.const 1.5 i64.reinterpret_f64 i32.wrap_i64"));
    let outcome = run(&program, PLENTY, STACK, 0);
    assert!(outcome.trapped());
    assert_eq!(outcome.ink_status, 1);
    assert_eq!(outcome.ink_left, PLENTY);
}

#[test]
fn the_stack_budget_must_exceed_the_frame_and_is_given_back_on_return() {
    // Worst stack: the ink check's two operands = 2; no locals; + 4 → frame of 6 words.
    let program = activated(&entrypoint("local.get 0"));

    let fits = run(&program, PLENTY, 7, 3);
    assert_eq!(fits.result, Ok(3));
    assert_eq!(fits.stack_left, 7, "the frame is reclaimed on the way out");

    let exhausted = run(&program, PLENTY, 6, 3);
    assert!(exhausted.trapped());
    assert_eq!(exhausted.stack_left, 0);
    assert_eq!(exhausted.ink_status, 0, "out of stack is not out of ink");
}

#[test]
fn explicit_returns_give_the_frame_back_too() {
    let program = activated(&entrypoint("local.get 0 if i32.const 1 return end i32.const 2"));
    for arg in [0, 1] {
        let outcome = run(&program, PLENTY, 1000, arg);
        assert!(outcome.result.is_ok());
        assert_eq!(outcome.stack_left, 1000, "argument {arg}");
    }
}

#[test]
fn unbounded_recursion_runs_out_of_stack_with_stack_left_0() {
    let program = activated(&format!(
        r#"(module {FIXED_MEMORY}
             (func $recurse (export "user_entrypoint") (param i32) (result i32)
               local.get 0 call $recurse))"#
    ));
    // Frame: the argument (1), the call's result on top of it (2), the next block's check operands
    // on top of that (3), + 4 = 7 words. A budget of 700 words admits the entries that find more
    // than 7 left: 99 of them, each paying local.get 75 + call 3800. (A small budget keeps the
    // nesting below wasmi's own recursion limit.)
    const FRAME: u32 = 7;
    let budget = 700;
    let outcome = run(&program, PLENTY, budget, 0);
    assert!(outcome.trapped());
    assert_eq!(outcome.stack_left, 0);
    assert_eq!(outcome.ink_status, 0);
    let entries = (budget - FRAME - 1) / FRAME + 1;
    assert_eq!(entries, 99);
    assert_eq!(outcome.ink_used(PLENTY), u64::from(entries) * (3875 + HEADER));
}

#[test]
fn memory_grow_first_pays_through_pay_for_memory_grow() {
    let program = activated(
        r#"(module
             (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
             (memory (export "memory") 1)
             (func (export "user_entrypoint") (param i32) (result i32)
               local.get 0 memory.grow))"#,
    );
    let outcome = run(&program, PLENTY, STACK, 3);
    assert_eq!(outcome.result, Ok(1), "memory.grow returns the old size");
    assert_eq!(outcome.grow_calls, vec![3]);
    // 75 + 8050 + end 1; the inserted call is not charged its 3800.
    assert_eq!(outcome.ink_used(PLENTY), 8126 + HEADER);
}

#[test]
fn a_fixed_memory_grows_without_paying() {
    let program = activated(&entrypoint("local.get 0 memory.grow"));
    let outcome = run(&program, PLENTY, STACK, 1);
    assert_eq!(outcome.result, Ok(-1));
    assert!(outcome.grow_calls.is_empty());
}
