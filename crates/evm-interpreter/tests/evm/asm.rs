//! A tiny assembler, so test programs read as mnemonics.
//!
//! `asm("PUSH1 0x01 PUSH1 2 ADD")`: a `PUSHn` takes the next token (hex with `0x`, or decimal)
//! as its immediate, left-padded to `n` bytes; `PUSH v` picks the smallest `PUSHn` (n ≥ 1);
//! a bare `0x...` token is inserted as raw bytes.

use alloy_primitives::{hex, U256};
use evm_interpreter::opcode;

fn parse_value(token: &str) -> U256 {
    match token.strip_prefix("0x") {
        Some(digits) => U256::from_str_radix(digits, 16),
        None => U256::from_str_radix(token, 10),
    }
    .unwrap_or_else(|e| panic!("bad immediate {token}: {e}"))
}

fn opcode_of(mnemonic: &str) -> u8 {
    (0..=u8::MAX)
        .find(|&op| opcode::name(op) == Some(mnemonic))
        .unwrap_or_else(|| panic!("unknown mnemonic {mnemonic}"))
}

/// Assembles `source` into bytecode.
pub fn asm(source: &str) -> Vec<u8> {
    let mut code = Vec::new();
    let mut tokens = source.split_whitespace();
    while let Some(token) = tokens.next() {
        if token == "PUSH" {
            let value = parse_value(tokens.next().expect("PUSH needs a value"));
            let n = value.byte_len().max(1);
            code.push(opcode::PUSH1 + (n as u8 - 1));
            code.extend_from_slice(&value.to_be_bytes::<32>()[32 - n..]);
        } else if let Some(raw) = token.strip_prefix("0x") {
            code.extend(hex::decode(raw).expect("raw bytes"));
        } else {
            let op = opcode_of(token);
            code.push(op);
            let n = opcode::push_size(op);
            if n > 0 {
                let value = parse_value(tokens.next().expect("PUSHn needs a value"));
                assert!(value.byte_len() <= n, "{token} {value} does not fit");
                code.extend_from_slice(&value.to_be_bytes::<32>()[32 - n..]);
            }
        }
    }
    code
}

#[test]
fn assembles_mnemonics_and_immediates() {
    assert_eq!(asm("PUSH1 0x01 PUSH2 2 ADD"), [0x60, 0x01, 0x61, 0x00, 0x02, 0x01]);
    assert_eq!(asm("PUSH 0x1234 PUSH 0 0xfe00"), [0x61, 0x12, 0x34, 0x60, 0x00, 0xfe, 0x00]);
}
