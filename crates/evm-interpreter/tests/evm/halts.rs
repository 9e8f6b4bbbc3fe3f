//! Exceptional halts: invalid jumps (into push data), invalid opcodes, stack limits, static
//! violations, return-data bounds, and out of gas; each consumes all gas and returns nothing.

use alloy_primitives::{Address, U256};
use evm_interpreter::{execute, FrameStatus, HaltReason};

use crate::asm::asm;
use crate::mock::{assert_halt, frame, run, run_on, used, MockHost, CONTRACT};

const LIMIT: u64 = 100_000;

fn halts(source: &str, reason: HaltReason) {
    let (result, _) = run(&asm(source), LIMIT);
    assert_eq!(result.status, FrameStatus::Halt(reason), "{source}");
    assert_halt(&result, reason);
}

#[test]
fn jumps_must_land_on_a_jumpdest_opcode() {
    // Offset 4 is a 0x5b inside PUSH1's immediate.
    halts("PUSH1 4 JUMP PUSH1 0x5b STOP", HaltReason::InvalidJump);
    halts("PUSH1 1 PUSH1 6 JUMPI PUSH1 0x5b STOP", HaltReason::InvalidJump);
    // Onto a non-JUMPDEST opcode, past the end, and far past usize.
    halts("PUSH1 0 JUMP", HaltReason::InvalidJump);
    halts("PUSH2 0xffff JUMP JUMPDEST", HaltReason::InvalidJump);
    halts(&format!("PUSH32 {:#x} JUMP", U256::MAX), HaltReason::InvalidJump);
    // The same 0x5b is fine once it is an opcode.
    let (result, _) = run(&asm("PUSH1 3 JUMP JUMPDEST STOP"), LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
}

#[test]
fn undefined_opcodes_halt() {
    for op in [0x0c, 0x1e, 0x21, 0x4b, 0xa5, 0xe0, 0xef, 0xf6, 0xfb, 0xfe] {
        let (result, _) = run(&[op], LIMIT);
        assert_halt(&result, HaltReason::InvalidOpcode(op));
    }
}

#[test]
fn stack_limits() {
    let full = "PUSH0 ".repeat(1024);
    let (result, _) = run(&asm(&full), LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
    halts(&format!("{full} PUSH0"), HaltReason::StackOverflow);
    halts(&format!("{full} DUP1"), HaltReason::StackOverflow);
    halts("PUSH0 ADD", HaltReason::StackUnderflow);
    halts("POP", HaltReason::StackUnderflow);
    halts(&format!("{} DUP16", "PUSH0 ".repeat(15)), HaltReason::StackUnderflow);
    halts(&format!("{} SWAP16", "PUSH0 ".repeat(16)), HaltReason::StackUnderflow);
    halts("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 CALL", HaltReason::StackUnderflow);
}

#[test]
fn out_of_gas_consumes_everything() {
    // Needs 3 + 3 + (3 + 3) + 3 + 3 = 18.
    let code = asm("PUSH1 1 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN");
    let (result, _) = run(&code, 18);
    assert_eq!((result.status, used(&result, 18)), (FrameStatus::Success, 18));
    let (result, _) = run(&code, 17);
    assert_halt(&result, HaltReason::OutOfGas);
    let (result, _) = run(&[], 0);
    assert_eq!(result.status, FrameStatus::Success);
}

#[test]
fn revert_keeps_unused_gas() {
    let (result, _) = run(&asm("PUSH1 1 PUSH0 REVERT"), LIMIT);
    assert_eq!(result.status, FrameStatus::Revert);
    assert_eq!(result.gas_left, LIMIT - 5 - 3);
    assert_eq!(result.output.as_ref(), [0]);
}

#[test]
fn return_data_reads_are_bounds_checked() {
    halts("PUSH1 1 PUSH0 PUSH0 RETURNDATACOPY", HaltReason::ReturnDataOutOfBounds);
    // An offset past the end is out of bounds even for zero bytes.
    halts("PUSH0 PUSH1 1 PUSH0 RETURNDATACOPY", HaltReason::ReturnDataOutOfBounds);
    halts(&format!("PUSH1 1 PUSH32 {:#x} PUSH0 RETURNDATACOPY", U256::MAX), HaltReason::ReturnDataOutOfBounds);
    let (result, _) = run(&asm("PUSH0 PUSH0 PUSH0 RETURNDATACOPY"), LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
}

#[test]
fn static_frames_reject_state_changes() {
    let to = Address::repeat_byte(0x33);
    let cases = [
        "PUSH0 PUSH0 SSTORE".to_string(),
        "PUSH0 PUSH0 TSTORE".to_string(),
        "PUSH0 PUSH0 LOG0".to_string(),
        "PUSH1 1 PUSH1 1 PUSH1 1 PUSH1 1 LOG2".to_string(),
        "PUSH0 PUSH0 PUSH0 CREATE".to_string(),
        "PUSH0 PUSH0 PUSH0 PUSH0 CREATE2".to_string(),
        format!("PUSH20 {to} SELFDESTRUCT"),
        format!("PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 {to} GAS CALL"),
    ];
    for source in cases {
        let mut host = MockHost::new();
        host.account(CONTRACT).balance = U256::from(1);
        let code = asm(&source);
        let mut input = frame(&code, LIMIT);
        input.is_static = true;
        let result = execute(&mut host, &input);
        assert_eq!(result.status, FrameStatus::Halt(HaltReason::StaticStateChange), "{source}");
        assert!(host.state.logs.is_empty() && host.creates.is_empty() && host.calls.is_empty());
        assert!(host.state.selfdestructs.is_empty() && host.state.transient.is_empty());
    }

    // Reads are fine.
    let mut host = MockHost::new();
    let code = asm("PUSH0 SLOAD PUSH0 TLOAD PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 0x33 GAS CALL");
    let mut input = frame(&code, LIMIT);
    input.is_static = true;
    assert_eq!(execute(&mut host, &input).status, FrameStatus::Success);
}

#[test]
fn halting_frames_report_no_output_even_after_writing_memory() {
    let (result, _) = run(&asm("PUSH1 1 PUSH0 MSTORE INVALID"), LIMIT);
    assert_halt(&result, HaltReason::InvalidOpcode(0xfe));
    let mut host = MockHost::new();
    let result = run_on(&mut host, &asm("PUSH1 1 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN"), LIMIT);
    assert_eq!(result.output.len(), 32);
}
