//! Arithmetic, comparison and bitwise opcodes against known results, through real bytecode.

use alloy_primitives::U256;
use evm_interpreter::FrameStatus;

use crate::asm::asm;
use crate::mock::run;

/// Runs `args[n-1] .. args[0]` pushed (so `args[0]` is on top), then `op`, and returns the word
/// the program leaves in memory.
pub fn eval(op: &str, args: &[U256]) -> U256 {
    let mut source = String::new();
    for arg in args.iter().rev() {
        source.push_str(&format!("PUSH32 {arg:#x} "));
    }
    source.push_str(op);
    source.push_str(" PUSH0 MSTORE PUSH1 32 PUSH0 RETURN");
    let (result, _) = run(&asm(&source), 1_000_000);
    assert_eq!(result.status, FrameStatus::Success, "{op}");
    U256::from_be_slice(&result.output)
}

fn n(x: u64) -> U256 {
    U256::from(x)
}

fn neg(x: u64) -> U256 {
    U256::from(x).wrapping_neg()
}

const MIN: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);

#[test]
fn wrapping_arithmetic() {
    assert_eq!(eval("ADD", &[U256::MAX, n(2)]), n(1));
    assert_eq!(eval("SUB", &[n(1), n(2)]), U256::MAX);
    assert_eq!(eval("MUL", &[MIN, n(2)]), U256::ZERO);
    assert_eq!(eval("MUL", &[U256::MAX, U256::MAX]), n(1));
    assert_eq!(eval("DIV", &[n(7), n(2)]), n(3));
    assert_eq!(eval("DIV", &[n(7), U256::ZERO]), U256::ZERO);
    assert_eq!(eval("MOD", &[n(7), n(3)]), n(1));
    assert_eq!(eval("MOD", &[n(7), U256::ZERO]), U256::ZERO);
}

#[test]
fn signed_arithmetic() {
    assert_eq!(eval("SDIV", &[neg(8), n(3)]), neg(2));
    assert_eq!(eval("SDIV", &[MIN, U256::MAX]), MIN);
    assert_eq!(eval("SDIV", &[neg(1), U256::ZERO]), U256::ZERO);
    assert_eq!(eval("SMOD", &[neg(8), n(3)]), neg(2));
    assert_eq!(eval("SMOD", &[n(8), neg(3)]), n(2));
    assert_eq!(eval("SMOD", &[MIN, U256::MAX]), U256::ZERO);
    assert_eq!(eval("SIGNEXTEND", &[U256::ZERO, n(0x80)]), neg(0x80));
    assert_eq!(eval("SIGNEXTEND", &[U256::ZERO, n(0x17f)]), n(0x7f));
    assert_eq!(eval("SIGNEXTEND", &[n(31), n(0x80)]), n(0x80));
    assert_eq!(eval("SIGNEXTEND", &[U256::MAX, n(0x80)]), n(0x80));
}

#[test]
fn modular_arithmetic_uses_512_bit_intermediates() {
    // 2^256 ≡ 4 (mod 12), so MAX ≡ 3: a 256-bit wrap would give 2 and 1 instead of 6 and 9.
    assert_eq!(eval("ADDMOD", &[U256::MAX, U256::MAX, n(12)]), n(6));
    assert_eq!(eval("MULMOD", &[U256::MAX, U256::MAX, n(12)]), n(9));
    assert_eq!(eval("ADDMOD", &[n(5), n(6), U256::ZERO]), U256::ZERO);
    assert_eq!(eval("MULMOD", &[n(5), n(6), U256::ZERO]), U256::ZERO);
    assert_eq!(eval("MULMOD", &[neg(1), neg(1), U256::MAX]), U256::ZERO);
}

#[test]
fn exponentiation() {
    assert_eq!(eval("EXP", &[n(2), n(255)]), MIN);
    assert_eq!(eval("EXP", &[n(2), n(256)]), U256::ZERO);
    assert_eq!(eval("EXP", &[n(3), n(5)]), n(243));
    assert_eq!(eval("EXP", &[U256::ZERO, U256::ZERO]), n(1));
    assert_eq!(eval("EXP", &[U256::MAX, n(3)]), U256::MAX);
}

#[test]
fn comparisons_and_bitwise() {
    assert_eq!(eval("LT", &[n(1), n(2)]), n(1));
    assert_eq!(eval("GT", &[n(1), n(2)]), U256::ZERO);
    assert_eq!(eval("SLT", &[neg(1), n(0)]), n(1));
    assert_eq!(eval("SGT", &[neg(1), n(0)]), U256::ZERO);
    assert_eq!(eval("SGT", &[n(1), MIN]), n(1));
    assert_eq!(eval("EQ", &[n(5), n(5)]), n(1));
    assert_eq!(eval("ISZERO", &[U256::ZERO]), n(1));
    assert_eq!(eval("AND", &[n(0b1100), n(0b1010)]), n(0b1000));
    assert_eq!(eval("OR", &[n(0b1100), n(0b1010)]), n(0b1110));
    assert_eq!(eval("XOR", &[n(0b1100), n(0b1010)]), n(0b0110));
    assert_eq!(eval("NOT", &[U256::ZERO]), U256::MAX);
    assert_eq!(eval("BYTE", &[n(31), n(0xabcd)]), n(0xcd));
    assert_eq!(eval("BYTE", &[n(0), MIN]), n(0x80));
    assert_eq!(eval("BYTE", &[n(32), U256::MAX]), U256::ZERO);
    assert_eq!(eval("SHL", &[n(4), n(1)]), n(16));
    assert_eq!(eval("SHL", &[n(256), n(1)]), U256::ZERO);
    assert_eq!(eval("SHR", &[n(4), n(16)]), n(1));
    assert_eq!(eval("SHR", &[U256::MAX, U256::MAX]), U256::ZERO);
    assert_eq!(eval("SAR", &[n(1), neg(4)]), neg(2));
    assert_eq!(eval("SAR", &[n(300), neg(4)]), U256::MAX);
    assert_eq!(eval("SAR", &[n(300), n(4)]), U256::ZERO);
}
