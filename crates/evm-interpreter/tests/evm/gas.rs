//! Gas of straight-line programs against hand-computed totals, memory expansion, and the
//! environment, log, transient-storage and self-destruct opcodes.

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use evm_interpreter::{execute, FrameKind, FrameStatus, HaltReason};

use crate::asm::asm;
use crate::mock::{
    addr_word, assert_halt, frame, hash_word, run, run_on, used, MockHost, BLOCK_NUMBER, CONTRACT, ORIGIN,
};

const LIMIT: u64 = 1_000_000;

fn gas_used(source: &str) -> u64 {
    let (result, _) = run(&asm(source), LIMIT);
    assert_eq!(result.status, FrameStatus::Success, "{source}");
    used(&result, LIMIT)
}

/// Runs `source` and returns the word it left in memory at 0.
fn word(host: &mut MockHost, source: &str) -> U256 {
    let result = run_on(host, &asm(&format!("{source} PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")), LIMIT);
    assert_eq!(result.status, FrameStatus::Success, "{source}");
    U256::from_be_slice(&result.output)
}

#[test]
fn straight_line_totals() {
    // 3 pushes (9) + ADD (3) + MSTORE (3 + 1 word of memory: 3).
    assert_eq!(gas_used("PUSH1 1 PUSH1 2 ADD PUSH1 0 MSTORE STOP"), 18);
    // PUSH0 and the base tier cost 2; MUL/DIV 5; ADDMOD 8.
    assert_eq!(gas_used("PUSH0 PUSH0 MUL PUSH0 DIV POP"), 2 + 2 + 5 + 2 + 5 + 2);
    assert_eq!(gas_used("PUSH0 PUSH0 PUSH0 ADDMOD POP"), 6 + 8 + 2);
    // EXP: 10 + 50 per exponent byte (0, 1 and 2 bytes).
    assert_eq!(gas_used("PUSH1 0 PUSH1 3 EXP POP"), 6 + 10 + 2);
    assert_eq!(gas_used("PUSH1 0xff PUSH1 3 EXP POP"), 6 + 60 + 2);
    assert_eq!(gas_used("PUSH2 0x0100 PUSH1 3 EXP POP"), 6 + 110 + 2);
    // KECCAK256 of 33 bytes: 30 + 6·2 words, plus 2 words of memory.
    assert_eq!(gas_used("PUSH1 33 PUSH1 0 KECCAK256 POP"), 6 + 42 + 6 + 2);
    // JUMP (8) over INVALID onto a JUMPDEST (1).
    assert_eq!(gas_used("PUSH1 4 JUMP INVALID JUMPDEST STOP"), 3 + 8 + 1);
    // JUMPI not taken never checks its destination.
    assert_eq!(gas_used("PUSH1 0 PUSH1 0xff JUMPI STOP"), 6 + 10);
    // Environment reads: base tier, SELFBALANCE 5, BLOCKHASH 20, BLOBHASH 3, BALANCE of self warm.
    assert_eq!(gas_used("ADDRESS CALLER CALLVALUE CALLDATASIZE CODESIZE GASPRICE RETURNDATASIZE"), 14);
    assert_eq!(gas_used("COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT CHAINID BASEFEE BLOBBASEFEE"), 16);
    assert_eq!(gas_used("PC MSIZE GAS SELFBALANCE"), 6 + 5);
    assert_eq!(gas_used("PUSH0 BLOCKHASH PUSH0 BLOBHASH ADDRESS BALANCE"), 2 + 20 + 2 + 3 + 2 + 100);
    // DUP/SWAP 3 each; TLOAD/TSTORE 100 each.
    assert_eq!(gas_used("PUSH0 DUP1 SWAP1 TSTORE PUSH0 TLOAD"), 2 + 3 + 3 + 100 + 2 + 100);
    // Copies: 3 + 3 per word + memory; CALLDATACOPY of 40 bytes is 2 words.
    assert_eq!(gas_used("PUSH1 40 PUSH1 0 PUSH1 0 CALLDATACOPY"), 9 + 3 + 6 + 6);
    assert_eq!(gas_used("PUSH1 32 PUSH1 0 PUSH1 0 CODECOPY"), 9 + 3 + 3 + 3);
    // MCOPY of 32 bytes from word 0 to word 1, after MSTORE made word 0.
    assert_eq!(gas_used("PUSH0 PUSH0 MSTORE PUSH1 32 PUSH0 PUSH1 32 MCOPY"), (2 + 2 + 3 + 3) + 8 + (3 + 3 + 3));
    // RETURN and REVERT pay only for memory.
    assert_eq!(gas_used("PUSH1 64 PUSH0 RETURN"), 3 + 2 + 6);
}

#[test]
fn gas_opcode_reports_gas_after_its_own_charge() {
    let mut host = MockHost::new();
    // PUSH0 MSTORE happen after GAS, so only GAS itself (2) is spent when it reads.
    assert_eq!(word(&mut host, "GAS"), U256::from(LIMIT - 2));
}

#[test]
fn memory_expansion_is_quadratic_and_charged_once() {
    // MSTORE8 at 1023 grows memory to 32 words: 3·32 + 32²/512 = 98.
    assert_eq!(gas_used("PUSH1 1 PUSH2 1023 MSTORE8"), 6 + 3 + 98);
    // Growing from 32 to 1024 words costs (3·1024 + 1024²/512) - 98.
    assert_eq!(gas_used("PUSH1 1 PUSH2 1023 MSTORE8 PUSH1 1 PUSH2 32767 MSTORE8"), 107 + 6 + 3 + 5120 - 98);
    // Touching memory already paid for is free.
    assert_eq!(gas_used("PUSH1 1 PUSH2 1023 MSTORE8 PUSH1 1 PUSH1 31 MSTORE8"), 107 + 9);
    // MLOAD past the end grows memory too, and MSIZE reports whole words.
    let mut host = MockHost::new();
    assert_eq!(word(&mut host, "PUSH1 33 MLOAD POP MSIZE"), U256::from(96));
}

#[test]
fn zero_length_accesses_ignore_their_offset() {
    let huge = format!("PUSH32 {:#x}", U256::MAX);
    assert_eq!(gas_used(&format!("PUSH0 {huge} KECCAK256 POP")), 2 + 3 + 30 + 2);
    assert_eq!(gas_used(&format!("PUSH0 PUSH0 {huge} CALLDATACOPY")), 2 + 2 + 3 + 3);
    let (result, _) = run(&asm(&format!("PUSH0 {huge} RETURN")), LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
    assert!(result.output.is_empty());
}

#[test]
fn unaffordable_memory_runs_out_of_gas() {
    let sources =
        ["PUSH8 0xffffffffffffffff MLOAD", "PUSH1 1 PUSH5 0x0100000000 RETURN", "PUSH4 0x00100000 PUSH0 KECCAK256"];
    for source in sources {
        let (result, _) = run(&asm(source), LIMIT);
        assert_halt(&result, HaltReason::OutOfGas);
    }
}

#[test]
fn environment_values() {
    let mut host = MockHost::new();
    host.account(CONTRACT).balance = U256::from(1234);
    host.blob_hashes = vec![B256::repeat_byte(1)];
    assert_eq!(word(&mut host, "ADDRESS"), addr_word(CONTRACT));
    assert_eq!(word(&mut host, "CALLER"), addr_word(ORIGIN));
    assert_eq!(word(&mut host, "ORIGIN"), addr_word(ORIGIN));
    assert_eq!(word(&mut host, "SELFBALANCE"), U256::from(1234));
    assert_eq!(word(&mut host, "CHAINID"), U256::from(31_337));
    assert_eq!(word(&mut host, "NUMBER"), U256::from(BLOCK_NUMBER));
    assert_eq!(word(&mut host, "GASPRICE"), U256::from(10));
    assert_eq!(word(&mut host, "BASEFEE"), U256::from(7));
    assert_eq!(word(&mut host, "PREVRANDAO"), hash_word(B256::repeat_byte(0x42)));
    assert_eq!(word(&mut host, "PUSH0 BLOBHASH"), hash_word(B256::repeat_byte(1)));
    assert_eq!(word(&mut host, "PUSH1 1 BLOBHASH"), U256::ZERO);
    assert_eq!(word(&mut host, "PUSH2 999 BLOCKHASH"), hash_word(keccak256(999u64.to_be_bytes())));
    assert_eq!(word(&mut host, "PUSH2 1000 BLOCKHASH"), U256::ZERO);
    assert_eq!(word(&mut host, &format!("PUSH32 {:#x} BLOCKHASH", U256::MAX)), U256::ZERO);
    assert_eq!(word(&mut host, "PUSH1 3 PUSH1 4 PC"), U256::from(4));
    assert_eq!(word(&mut host, "CODESIZE"), U256::from(1 + 6));
}

#[test]
fn calldata_reads_are_zero_padded() {
    let mut host = MockHost::new();
    let code = asm("PUSH1 1 CALLDATALOAD PUSH0 MSTORE CALLDATASIZE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN");
    let mut input = frame(&code, LIMIT);
    input.kind = FrameKind::Call { input: Bytes::from(vec![0xaa, 0xbb, 0xcc]) };
    let result = execute(&mut host, &input);
    let mut expected = [0u8; 64];
    expected[..2].copy_from_slice(&[0xbb, 0xcc]);
    expected[63] = 3;
    assert_eq!(result.output.as_ref(), expected);

    // Init code has no calldata.
    input.kind = FrameKind::Create;
    let result = execute(&mut host, &input);
    assert_eq!(result.output.as_ref(), [0u8; 64]);
}

#[test]
fn logs_charge_topics_and_data() {
    let source = "PUSH1 0xbb PUSH1 0xaa PUSH1 10 PUSH0 LOG2";
    let (result, host) = run(&asm(source), LIMIT);
    assert_eq!(used(&result, LIMIT), 3 + 3 + 3 + 2 + 375 + 2 * 375 + 8 * 10 + 3);
    let log = &host.state.logs[0];
    assert_eq!(log.address, CONTRACT);
    assert_eq!(log.topics(), [B256::with_last_byte(0xaa), B256::with_last_byte(0xbb)]);
    assert_eq!(log.data.data.as_ref(), [0u8; 10]);
}

#[test]
fn selfdestruct_charges_cold_and_new_account() {
    let beneficiary = Address::repeat_byte(0xbe);
    let code = asm(&format!("PUSH20 {beneficiary} SELFDESTRUCT"));

    // Cold, empty beneficiary receiving a nonzero balance: 5000 + 2600 + 25 000.
    let mut host = MockHost::new();
    host.account(CONTRACT).balance = U256::from(5);
    let result = run_on(&mut host, &code, LIMIT);
    assert_eq!(result.status, FrameStatus::Success);
    assert_eq!(used(&result, LIMIT), 3 + 32_600);
    assert_eq!(host.state.selfdestructs, [(CONTRACT, beneficiary)]);
    assert_eq!(host.account(beneficiary).balance, U256::from(5));

    // Nothing to send: no new-account charge even though the beneficiary is empty.
    let mut host = MockHost::new();
    assert_eq!(used(&run_on(&mut host, &code, LIMIT), LIMIT), 3 + 7600);

    // Warm beneficiary: the base cost only.
    let mut host = MockHost::new();
    host.state.warm_accounts.insert(beneficiary);
    assert_eq!(used(&run_on(&mut host, &code, LIMIT), LIMIT), 3 + 5000);

    // Too little gas: halts, and the host is never asked to destruct.
    let mut host = MockHost::new();
    assert_halt(&run_on(&mut host, &code, 3 + 7599), HaltReason::OutOfGas);
    assert!(host.state.selfdestructs.is_empty());
}
