//! EIP-2929 cold/warm charging of account accesses, and what they return.

use alloy_primitives::{keccak256, Address, U256};
use evm_interpreter::FrameStatus;

use crate::asm::asm;
use crate::mock::{run_on, used, MockHost};

const LIMIT: u64 = 100_000;
const OTHER: Address = Address::repeat_byte(0x77);

fn with_other() -> MockHost {
    let mut host = MockHost::new();
    host.set_code(OTHER, &[0x60, 0x01, 0x00]);
    host.account(OTHER).balance = U256::from(99);
    host
}

/// Gas of running `op` on [`OTHER`] twice (cold, then warm), each followed by POP.
fn twice(op: &str) -> u64 {
    let mut host = with_other();
    let source = format!("PUSH20 {OTHER} {op} POP PUSH20 {OTHER} {op} POP");
    let result = run_on(&mut host, &asm(&source), LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
    used(&result, LIMIT)
}

#[test]
fn first_access_is_cold_then_warm() {
    for op in ["BALANCE", "EXTCODESIZE", "EXTCODEHASH"] {
        assert_eq!(twice(op), 2 * (3 + 2) + 2600 + 100, "{op}");
    }
    // EXTCODECOPY of 33 bytes: access (no base cost) + 3·2 words + 2 words of memory, then warm.
    let mut host = with_other();
    let copy = format!("PUSH1 33 PUSH0 PUSH0 PUSH20 {OTHER} EXTCODECOPY");
    let result = run_on(&mut host, &asm(&format!("{copy} {copy}")), LIMIT);
    assert_eq!(used(&result, LIMIT), 2 * (3 + 2 + 2 + 3) + (2600 + 6 + 6) + (100 + 6));
}

#[test]
fn access_results() {
    let mut host = with_other();
    let source = format!(
        "PUSH20 {OTHER} BALANCE PUSH0 MSTORE PUSH20 {OTHER} EXTCODESIZE PUSH1 32 MSTORE \
         PUSH20 {OTHER} EXTCODEHASH PUSH1 64 MSTORE PUSH1 3 PUSH1 1 PUSH1 96 PUSH20 {OTHER} EXTCODECOPY \
         PUSH1 0x99 EXTCODEHASH PUSH1 128 MSTORE PUSH1 160 PUSH0 RETURN"
    );
    let result = run_on(&mut host, &asm(&source), LIMIT);
    let words: Vec<U256> = result.output.chunks(32).map(U256::from_be_slice).collect();
    assert_eq!(words[0], U256::from(99));
    assert_eq!(words[1], U256::from(3));
    assert_eq!(words[2], U256::from_be_bytes(keccak256([0x60, 0x01, 0x00]).0));
    // Bytes 1.. of the code, zero-padded to 3 bytes.
    assert_eq!(&result.output[96..99], &[0x01, 0x00, 0x00]);
    // A missing account hashes to zero.
    assert_eq!(words[4], U256::ZERO);
}

#[test]
fn address_operands_keep_the_low_20_bytes() {
    let mut host = with_other();
    // OTHER with junk in the high 12 bytes is still OTHER, and warm the second time.
    let dirty = format!("0xffffffffffffffffffffffff{}", hex_of(OTHER));
    let source = format!("PUSH20 {OTHER} BALANCE POP PUSH32 {dirty} BALANCE");
    let result = run_on(&mut host, &asm(&format!("{source} PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")), LIMIT);
    assert_eq!(U256::from_be_slice(&result.output), U256::from(99));
    // PUSH20 BALANCE POP PUSH32 BALANCE, then PUSH0 MSTORE (one word) PUSH1 PUSH0 RETURN.
    assert_eq!(used(&result, LIMIT), 3 + 2600 + 2 + 3 + 100 + (2 + 3 + 3) + (3 + 2));
}

fn hex_of(address: Address) -> String {
    alloy_primitives::hex::encode(address)
}
