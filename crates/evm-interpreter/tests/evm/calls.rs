//! CALL-family charging: access, value, new account, memory, the 63/64 rule, the stipend,
//! refunds of unused child gas, output copying and the return-data buffer.

use alloy_primitives::{Address, U256};
use evm_interpreter::{execute, CallKind, FrameStatus, HaltReason};

use crate::asm::asm;
use crate::mock::{addr_word, assert_halt, frame, kinds, run_on, used, MockHost, CONTRACT, ORIGIN};

const LIMIT: u64 = 100_000;
const CALLEE: Address = Address::repeat_byte(0xca);
const EMPTY: Address = Address::repeat_byte(0xdd);

/// Assembles a call: `op` with gas `gas`, `value` (CALL/CALLCODE only), the argument area and
/// the return area. Seven (or six) PUSH1/PUSH20/PUSH32 pushes cost 3 each.
fn call(op: &str, gas: U256, to: Address, value: Option<u64>, args: (u64, u64), ret: (u64, u64)) -> String {
    let value = value.map(|v| format!("PUSH1 {v} ")).unwrap_or_default();
    format!("PUSH1 {} PUSH1 {} PUSH1 {} PUSH1 {} {value}PUSH20 {to} PUSH32 {gas:#x} {op}", ret.1, ret.0, args.1, args.0)
}

/// A host where [`CALLEE`] exists with `code` and is warm.
fn host_with_callee(code: &str) -> MockHost {
    let mut host = MockHost::new();
    host.set_code(CALLEE, &asm(code));
    host.state.warm_accounts.insert(CALLEE);
    host
}

const RETURN_TOP: &str = "PUSH0 MSTORE PUSH1 32 PUSH0 RETURN";
/// Gas of [`RETURN_TOP`] when memory is still empty.
const RETURN_TOP_GAS: u64 = 2 + 3 + 3 + 3 + 2;

#[test]
fn forwards_all_but_one_64th() {
    let mut host = host_with_callee("PUSH1 1 POP STOP");
    let code = asm(&format!("{} {RETURN_TOP}", call("CALL", U256::MAX, CALLEE, Some(0), (0, 0), (0, 0))));
    let result = run_on(&mut host, &code, LIMIT);
    assert_eq!(U256::from_be_slice(&result.output), U256::from(1));

    let available = LIMIT - 21 - 100;
    assert_eq!(host.calls[0].gas_limit, available - available / 64);
    // The child spends 5 and returns the rest.
    assert_eq!(used(&result, LIMIT), 21 + 100 + 5 + RETURN_TOP_GAS);
}

#[test]
fn requested_gas_below_the_cap_is_forwarded_exactly() {
    let mut host = host_with_callee("STOP");
    run_on(&mut host, &asm(&call("STATICCALL", U256::from(1000), CALLEE, None, (0, 0), (0, 0))), LIMIT);
    assert_eq!(host.calls[0].gas_limit, 1000);
}

#[test]
fn memory_is_charged_before_the_63_64_cap() {
    let mut host = host_with_callee("STOP");
    let result = run_on(&mut host, &asm(&call("CALL", U256::MAX, CALLEE, Some(0), (0, 64), (64, 64))), LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
    // Four words of memory: 12.
    let available = LIMIT - 21 - 100 - 12;
    assert_eq!(host.calls[0].gas_limit, available - available / 64);
    assert_eq!(host.calls[0].input.len(), 64);
    assert_eq!(used(&result, LIMIT), 21 + 100 + 12);
}

#[test]
fn value_adds_9000_and_a_free_stipend() {
    let mut host = host_with_callee("STOP");
    host.account(CONTRACT).balance = U256::from(10);
    let result = run_on(&mut host, &asm(&call("CALL", U256::ZERO, CALLEE, Some(3), (0, 0), (0, 0))), LIMIT);
    let request = &host.calls[0];
    assert_eq!((request.gas_limit, request.value), (2300, U256::from(3)));
    // The unused stipend comes back like any other child gas.
    assert_eq!(used(&result, LIMIT), 21 + 100 + 9000 - 2300);
    assert_eq!(host.account(CALLEE).balance, U256::from(3));
}

#[test]
fn value_to_an_empty_account_adds_25000() {
    let mut host = MockHost::new();
    host.account(CONTRACT).balance = U256::from(10);
    let result = run_on(&mut host, &asm(&call("CALL", U256::ZERO, EMPTY, Some(1), (0, 0), (0, 0))), LIMIT);
    assert_eq!(used(&result, LIMIT), 21 + 2600 + 9000 + 25_000 - 2300);

    // CALLCODE moves value to the caller itself: no new-account charge.
    let mut host = MockHost::new();
    host.account(CONTRACT).balance = U256::from(10);
    let result = run_on(&mut host, &asm(&call("CALLCODE", U256::ZERO, EMPTY, Some(1), (0, 0), (0, 0))), LIMIT);
    assert_eq!(used(&result, LIMIT), 21 + 2600 + 9000 - 2300);
    assert_eq!(host.calls[0].target, CONTRACT);

    // Without value an empty target costs only the access.
    let mut host = MockHost::new();
    let result = run_on(&mut host, &asm(&call("CALL", U256::ZERO, EMPTY, Some(0), (0, 0), (0, 0))), LIMIT);
    assert_eq!(used(&result, LIMIT), 21 + 2600);
}

#[test]
fn insufficient_balance_gives_all_gas_back() {
    let mut host = host_with_callee("STOP");
    let code = asm(&format!("{} {RETURN_TOP}", call("CALL", U256::from(500), CALLEE, Some(1), (0, 0), (0, 0))));
    let result = run_on(&mut host, &code, LIMIT);
    assert_eq!(U256::from_be_slice(&result.output), U256::ZERO);
    // Charged 500 + 9100; given back the 500 and the stipend.
    assert_eq!(host.calls[0].gas_limit, 2800);
    assert_eq!(used(&result, LIMIT), 21 + 9100 - 2300 + RETURN_TOP_GAS);
}

#[test]
fn output_is_copied_up_to_the_return_area_and_buffered() {
    let mut host = host_with_callee(&format!(
        "PUSH32 {:#x} PUSH0 MSTORE PUSH32 {:#x} PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN",
        U256::from_be_bytes([0x11; 32]),
        U256::from_be_bytes([0x22; 32]),
    ));
    let source = format!(
        "{} POP PUSH1 32 PUSH1 32 PUSH1 32 RETURNDATACOPY RETURNDATASIZE PUSH1 64 MSTORE PUSH1 96 PUSH0 RETURN",
        call("CALL", U256::MAX, CALLEE, Some(0), (0, 0), (0, 32))
    );
    let result = run_on(&mut host, &asm(&source), LIMIT);
    assert_eq!(&result.output[..32], &[0x11; 32]);
    assert_eq!(&result.output[32..64], &[0x22; 32]);
    assert_eq!(U256::from_be_slice(&result.output[64..]), U256::from(64));
}

#[test]
fn revert_returns_unused_gas_and_its_data() {
    // The child spends 3 + 2 + (3 + 3) + 3 + 2 = 16.
    let mut host = host_with_callee("PUSH1 0xab PUSH0 MSTORE8 PUSH1 1 PUSH0 REVERT");
    let source = format!(
        "{} PUSH0 MSTORE PUSH1 1 PUSH0 PUSH1 63 RETURNDATACOPY PUSH1 64 PUSH0 RETURN",
        call("CALL", U256::from(10_000), CALLEE, Some(0), (0, 0), (0, 0))
    );
    let result = run_on(&mut host, &asm(&source), LIMIT);
    assert_eq!(U256::from_be_slice(&result.output[..32]), U256::ZERO);
    assert_eq!(result.output[63], 0xab);
    assert_eq!(used(&result, LIMIT), 21 + 100 + 16 + (2 + 3 + 3) + (3 + 2 + 3 + 3 + 3 + 3) + (3 + 2));
}

#[test]
fn halted_child_consumes_its_gas_and_leaves_no_return_data() {
    let mut host = host_with_callee("INVALID");
    let source = format!(
        "{} POP RETURNDATASIZE {RETURN_TOP}",
        call("CALL", U256::from(10_000), CALLEE, Some(0), (0, 0), (0, 0))
    );
    let result = run_on(&mut host, &asm(&source), LIMIT);
    assert_eq!(U256::from_be_slice(&result.output), U256::ZERO);
    assert_eq!(used(&result, LIMIT), 21 + 100 + 10_000 + 2 + 2 + RETURN_TOP_GAS);
}

#[test]
fn delegatecall_runs_callee_code_as_the_caller() {
    let mut host = host_with_callee("CALLER PUSH0 SSTORE CALLVALUE PUSH1 1 SSTORE");
    let code = asm(&call("DELEGATECALL", U256::MAX, CALLEE, None, (0, 0), (0, 0)));
    host.set_code(CONTRACT, &code);
    let mut input = frame(&code, LIMIT);
    input.value = U256::from(5);
    let result = execute(&mut host, &input);
    assert_eq!(result.status, FrameStatus::Success);

    let request = &host.calls[0];
    assert_eq!(request.kind, CallKind::DelegateCall);
    assert_eq!((request.target, request.code_address, request.caller), (CONTRACT, CALLEE, ORIGIN));
    assert_eq!((request.value, request.is_static), (U256::from(5), false));
    assert_eq!(host.storage(CONTRACT, U256::ZERO), addr_word(ORIGIN));
    assert_eq!(host.storage(CONTRACT, U256::from(1)), U256::from(5));
}

#[test]
fn staticcall_makes_the_child_static() {
    let mut host = host_with_callee("PUSH1 1 PUSH0 SSTORE");
    let code = asm(&format!("{} {RETURN_TOP}", call("STATICCALL", U256::MAX, CALLEE, None, (0, 0), (0, 0))));
    let result = run_on(&mut host, &code, LIMIT);
    assert_eq!(U256::from_be_slice(&result.output), U256::ZERO);
    assert!(host.calls[0].is_static);
    assert_eq!(host.storage(CALLEE, U256::ZERO), U256::ZERO);

    // A static frame's plain calls are static too, and CALLCODE may even carry value.
    let mut host = host_with_callee("STOP");
    host.account(CONTRACT).balance = U256::from(1);
    let source = format!(
        "{} {}",
        call("CALL", U256::MAX, CALLEE, Some(0), (0, 0), (0, 0)),
        call("CALLCODE", U256::MAX, CALLEE, Some(1), (0, 0), (0, 0))
    );
    let code = asm(&source);
    let mut input = frame(&code, LIMIT);
    input.is_static = true;
    assert_eq!(execute(&mut host, &input).status, FrameStatus::Success);
    assert_eq!(kinds(&host), [CallKind::Call, CallKind::CallCode]);
    assert!(host.calls.iter().all(|c| c.is_static));
}

#[test]
fn unaffordable_call_halts() {
    // 21 for the pushes, then 99 left against a 100-gas warm access.
    let mut host = host_with_callee("STOP");
    let code = asm(&call("CALL", U256::ZERO, CALLEE, Some(0), (0, 0), (0, 0)));
    assert_halt(&run_on(&mut host, &code, 21 + 99), HaltReason::OutOfGas);
    assert!(host.calls.is_empty());
    assert_eq!(run_on(&mut host, &code, 21 + 100).status, FrameStatus::Success);
}
