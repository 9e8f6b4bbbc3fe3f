//! `SSTORE` gas and refunds: the EIP-3529 test table (post-Berlin values, warm slot) reproduced
//! exactly, plus the cold surcharge, the EIP-2200 sentry and static frames.

use alloy_primitives::{hex, U256};
use evm_interpreter::{execute, FrameStatus, HaltReason};

use crate::asm::asm;
use crate::mock::{assert_halt, frame, run_on, used, MockHost, CONTRACT};

const LIMIT: u64 = 100_000;

/// Runs `code` against slot 0 of [`CONTRACT`] holding `original` at the start of the
/// transaction; returns (gas used, refund counter).
fn run_sstore(code: &[u8], original: u64, warm: bool) -> (u64, i64) {
    let mut host = MockHost::new();
    host.account(CONTRACT).storage.insert(U256::ZERO, U256::from(original));
    if warm {
        host.state.warm_slots.insert((CONTRACT, U256::ZERO));
    }
    let result = run_on(&mut host, code, LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
    (used(&result, LIMIT), host.state.refund)
}

#[test]
fn eip_3529_table() {
    // (code, used gas, refund, original) from EIP-3529's test cases; the slot is warm.
    let table: [(&str, u64, i64, u64); 17] = [
        ("0x60006000556000600055", 212, 0, 0),
        ("0x60006000556001600055", 20112, 0, 0),
        ("0x60016000556000600055", 20112, 19900, 0),
        ("0x60016000556002600055", 20112, 0, 0),
        ("0x60016000556001600055", 20112, 0, 0),
        ("0x60006000556000600055", 3012, 4800, 1),
        ("0x60006000556001600055", 3012, 2800, 1),
        ("0x60006000556002600055", 3012, 0, 1),
        ("0x60026000556000600055", 3012, 4800, 1),
        ("0x60026000556003600055", 3012, 0, 1),
        ("0x60026000556001600055", 3012, 2800, 1),
        ("0x60026000556002600055", 3012, 0, 1),
        ("0x60016000556000600055", 3012, 4800, 1),
        ("0x60016000556002600055", 3012, 0, 1),
        ("0x60016000556001600055", 212, 0, 1),
        ("0x600160005560006000556001600055", 40118, 19900, 0),
        ("0x600060005560016000556000600055", 5918, 7600, 1),
    ];
    for (code, gas, refund, original) in table {
        let code = hex::decode(code).unwrap();
        assert_eq!(run_sstore(&code, original, true), (gas, refund), "{code:02x?} original {original}");
    }
}

#[test]
fn cold_slot_adds_the_cold_sload_cost_once() {
    // First store of the table's first rows on a cold slot: +2100, later stores warm.
    let code = hex::decode("0x60006000556000600055").unwrap();
    assert_eq!(run_sstore(&code, 0, false), (212 + 2100, 0));
    let code = hex::decode("0x60006000556001600055").unwrap();
    assert_eq!(run_sstore(&code, 1, false), (3012 + 2100, 2800));
}

#[test]
fn sload_is_cold_then_warm() {
    let mut host = MockHost::new();
    let result = run_on(&mut host, &asm("PUSH0 SLOAD PUSH0 SLOAD"), LIMIT);
    assert_eq!(used(&result, LIMIT), 2 + 2100 + 2 + 100);
}

#[test]
fn sentry_requires_more_than_the_stipend() {
    // PUSH1 1 PUSH0 costs 5; a no-op-priced store then needs 100 but more than 2300 left.
    let code = asm("PUSH1 1 PUSH0 SSTORE");
    let mut host = MockHost::new();
    host.account(CONTRACT).storage.insert(U256::ZERO, U256::from(1));
    host.state.warm_slots.insert((CONTRACT, U256::ZERO));
    assert_halt(&run_on(&mut host, &code, 5 + 2300), HaltReason::OutOfGas);
    let result = run_on(&mut host, &code, 5 + 2301);
    assert_eq!((result.status, result.gas_left), (FrameStatus::Success, 2201));
}

#[test]
fn out_of_gas_after_the_host_wrote_reports_no_refund() {
    // A clear that would refund 4800 but cannot pay the 2900: the frame halts before the
    // refund is recorded; the write itself is the host's to revert.
    let code = asm("PUSH0 PUSH0 SSTORE");
    let mut host = MockHost::new();
    host.account(CONTRACT).storage.insert(U256::ZERO, U256::from(1));
    host.state.warm_slots.insert((CONTRACT, U256::ZERO));
    assert_halt(&run_on(&mut host, &code, 4 + 2899), HaltReason::OutOfGas);
    assert_eq!(host.state.refund, 0);
}

#[test]
fn static_frames_cannot_store() {
    let mut host = MockHost::new();
    let code = asm("PUSH1 1 PUSH0 SSTORE");
    let mut input = frame(&code, LIMIT);
    input.is_static = true;
    assert_halt(&execute(&mut host, &input), HaltReason::StaticStateChange);
    assert_eq!(host.storage(CONTRACT, U256::ZERO), U256::ZERO);
}
