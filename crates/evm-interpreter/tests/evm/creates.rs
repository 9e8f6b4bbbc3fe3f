//! CREATE/CREATE2 charging (base, EIP-3860 init code words, CREATE2 hashing, memory, 63/64),
//! results and return data, and the Stylus deployment prelude.

use alloy_primitives::{Address, Bytes, U256};
use evm_interpreter::{execute, CreateScheme, FrameKind, FrameStatus, HaltReason};

use crate::asm::asm;
use crate::mock::{addr_word, assert_halt, frame, run_on, used, MockHost, CONTRACT};

const LIMIT: u64 = 200_000;

/// Runs `source` followed by a return of the top word and the return-data size.
fn run_create(host: &mut MockHost, source: &str) -> (U256, U256, u64) {
    let code = asm(&format!("{source} PUSH0 MSTORE RETURNDATASIZE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN"));
    let result = run_on(host, &code, LIMIT);
    assert_eq!(result.status, FrameStatus::Success, "{source}");
    let word = |i: usize| U256::from_be_slice(&result.output[32 * i..32 * (i + 1)]);
    (word(0), word(1), used(&result, LIMIT))
}

/// Gas of the epilogue in [`run_create`] when memory is still empty: PUSH0 MSTORE (one word)
/// RETURNDATASIZE PUSH1 MSTORE (second word) PUSH1 PUSH0.
const EPILOGUE: u64 = (2 + 3 + 3) + (2 + 3 + 3 + 3) + (3 + 2);

/// Left-aligns `bytes` in a word, for `PUSH32 .. PUSH0 MSTORE`.
fn word_with(bytes: &[u8]) -> String {
    let mut word = [0u8; 32];
    word[..bytes.len()].copy_from_slice(bytes);
    format!("{:#x}", U256::from_be_bytes(word))
}

#[test]
fn create_charges_the_base_and_forwards_63_64() {
    let mut host = MockHost::new();
    let (address, return_size, used) = run_create(&mut host, "PUSH0 PUSH0 PUSH0 CREATE");
    let left = LIMIT - 6 - 32_000;
    assert_eq!(host.creates[0].gas_limit, left - left / 64);
    assert_eq!(host.creates[0].scheme, CreateScheme::Create);
    assert_eq!(host.creates[0].caller, CONTRACT);
    // Empty init code: all forwarded gas comes back and nothing is deposited.
    assert_eq!(used, 6 + 32_000 + EPILOGUE);
    assert_ne!(address, U256::ZERO);
    assert_eq!(return_size, U256::ZERO);
    assert_eq!(host.account(CONTRACT).nonce, 1);
}

#[test]
fn init_code_words_memory_and_create2_hashing() {
    // 33 bytes of zeros (STOPs): 2 words of init code and of memory.
    let mut host = MockHost::new();
    let (_, _, used) = run_create(&mut host, "PUSH1 33 PUSH0 PUSH0 CREATE");
    // The epilogue's memory is already paid for by the init code's 2 words.
    assert_eq!(used, 7 + 32_000 + 2 * 2 + 6 + EPILOGUE - 6);

    let mut host = MockHost::new();
    let (address, _, used) = run_create(&mut host, "PUSH1 7 PUSH1 33 PUSH0 PUSH0 CREATE2");
    assert_eq!(used, 10 + 32_000 + 2 * 2 + 2 * 6 + 6 + EPILOGUE - 6);
    assert_eq!(host.creates[0].scheme, CreateScheme::Create2 { salt: U256::from(7).into() });
    let expected = CONTRACT.create2_from_code(U256::from(7).to_be_bytes::<32>(), [0u8; 33]);
    assert_eq!(address, addr_word(expected));
}

#[test]
fn init_code_size_limit() {
    let mut host = MockHost::new();
    let (address, _, _) = run_create(&mut host, "PUSH2 0xc000 PUSH0 PUSH0 CREATE");
    assert_ne!(address, U256::ZERO);
    let result = run_on(&mut host, &asm("PUSH2 0xc001 PUSH0 PUSH0 CREATE"), LIMIT);
    assert_halt(&result, HaltReason::InitCodeSizeLimit);
}

#[test]
fn reverting_init_code_returns_gas_and_data() {
    // Init code: PUSH1 0xab PUSH0 MSTORE8 PUSH1 1 PUSH0 REVERT, spending 16.
    let init = asm("PUSH1 0xab PUSH0 MSTORE8 PUSH1 1 PUSH0 REVERT");
    let source = format!("PUSH32 {} PUSH0 MSTORE PUSH1 {} PUSH0 PUSH0 CREATE", word_with(&init), init.len());
    let mut host = MockHost::new();
    let (address, return_size, used) = run_create(&mut host, &source);
    assert_eq!((address, return_size), (U256::ZERO, U256::from(1)));
    // PUSH32 PUSH0 MSTORE (one word), PUSH1 PUSH0 PUSH0, CREATE with one init word, the child's
    // 16, and the epilogue minus the word already paid for.
    assert_eq!(used, (3 + 2 + 6) + 7 + 32_002 + 16 + EPILOGUE - 3);
}

#[test]
fn successful_create_leaves_empty_return_data() {
    // Init code returning one byte of code: PUSH1 1 PUSH0 RETURN.
    let init = asm("PUSH1 1 PUSH0 RETURN");
    let source = format!("PUSH32 {} PUSH0 MSTORE PUSH1 {} PUSH0 PUSH0 CREATE", word_with(&init), init.len());
    let mut host = MockHost::new();
    let (address, return_size, _) = run_create(&mut host, &source);
    assert_eq!(return_size, U256::ZERO);
    let address = Address::from_word(address.into());
    assert_eq!(host.account(address).code.as_ref(), [0x00]);
}

/// The Stylus deployment prelude: `PUSH32 len DUP1 PUSH1 0x2b PUSH1 0 CODECOPY PUSH1 0 RETURN
/// STOP`, followed by the program.
fn stylus_init_code(program: &[u8]) -> Vec<u8> {
    let mut init = vec![0x7f];
    init.extend_from_slice(&U256::from(program.len()).to_be_bytes::<32>());
    init.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend_from_slice(program);
    init
}

#[test]
fn stylus_prelude_returns_exactly_the_code_after_it() {
    let program: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(37)).collect();
    let init = stylus_init_code(&program);
    assert_eq!(init.len(), 0x2b + program.len());

    let mut input = frame(&init, LIMIT);
    input.kind = FrameKind::Create;
    let result = execute(&mut MockHost::new(), &input);
    assert_eq!(result.status, FrameStatus::Success);
    assert_eq!(result.output, Bytes::from(program.clone()));
    // Four pushes and DUP1 (15), CODECOPY of 4 words (3 + 12 + 12 of memory), RETURN free.
    assert_eq!(used(&result, LIMIT), 15 + 27);

    // The same through CREATE: the parent copies its own tail (the init code) into memory.
    let prefix_len =
        asm("PUSH2 0 PUSH2 0 PUSH0 CODECOPY PUSH2 0 PUSH0 PUSH0 CREATE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN").len();
    let mut parent = asm(&format!(
        "PUSH2 {len} PUSH2 {prefix_len} PUSH0 CODECOPY PUSH2 {len} PUSH0 PUSH0 CREATE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN",
        len = init.len()
    ));
    parent.extend_from_slice(&init);
    let mut host = MockHost::new();
    let result = run_on(&mut host, &parent, LIMIT);
    let address = Address::from_word(U256::from_be_slice(&result.output).into());
    assert_ne!(address, Address::ZERO);
    assert_eq!(host.account(address).code.as_ref(), program.as_slice());
}
