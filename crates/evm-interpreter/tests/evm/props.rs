//! Property tests: no bytecode or input makes the interpreter panic or break the gas rules, and
//! modular arithmetic matches a 512-bit reference.

use alloy_primitives::{Bytes, U256, U512};
use evm_interpreter::{execute, opcode, FrameKind, FrameStatus};
use proptest::collection::vec;
use proptest::prelude::*;

use crate::arithmetic::eval;
use crate::mock::{frame, MockHost, CONTRACT};

fn word() -> impl Strategy<Value = U256> {
    prop_oneof![any::<[u8; 32]>().prop_map(U256::from_be_bytes), (0u64..80).prop_map(U256::from), Just(U256::MAX),]
}

/// Defined opcodes with small pushes in between, so calls, creates, memory and jumps get
/// operands they can act on rather than halting at once.
fn opcode_soup() -> impl Strategy<Value = Vec<u8>> {
    let defined: Vec<u8> = (0..=u8::MAX).filter(|&op| opcode::name(op).is_some()).collect();
    let piece = prop_oneof![
        (0u8..80).prop_map(|v| vec![opcode::PUSH1, v]),
        proptest::sample::select(defined).prop_map(|op| vec![op]),
    ];
    vec(piece, 0..200).prop_map(|pieces| pieces.concat())
}

fn check(code: &[u8], gas_limit: u64, input: Vec<u8>, is_static: bool, create: bool) -> Result<(), TestCaseError> {
    let mut host = MockHost::new();
    host.set_code(CONTRACT, code);
    host.account(CONTRACT).balance = U256::from(1000);
    let mut frame = frame(code, gas_limit);
    frame.is_static = is_static;
    frame.kind = if create { FrameKind::Create } else { FrameKind::Call { input: Bytes::from(input) } };
    let result = execute(&mut host, &frame);
    prop_assert!(result.gas_left <= gas_limit);
    if let FrameStatus::Halt(_) = result.status {
        prop_assert_eq!(result.gas_left, 0);
        prop_assert!(result.output.is_empty());
    }
    for request in &host.calls {
        prop_assert!(request.gas_limit <= gas_limit + 2300);
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(
        code in vec(any::<u8>(), 0..400),
        gas_limit in 0u64..300_000,
        input in vec(any::<u8>(), 0..64),
        is_static: bool,
        create: bool,
    ) {
        check(&code, gas_limit, input, is_static, create)?;
    }

    #[test]
    fn opcode_soup_never_panics(
        code in opcode_soup(),
        gas_limit in 0u64..300_000,
        input in vec(any::<u8>(), 0..64),
        is_static: bool,
    ) {
        check(&code, gas_limit, input, is_static, false)?;
    }

    #[test]
    fn modular_arithmetic_matches_512_bit_reference(a in word(), b in word(), n in word()) {
        let wide = |x: U256| U512::from(x);
        let reduce = |x: U512| if n.is_zero() { U256::ZERO } else { U256::from(x % wide(n)) };
        prop_assert_eq!(eval("ADDMOD", &[a, b, n]), reduce(wide(a) + wide(b)));
        prop_assert_eq!(eval("MULMOD", &[a, b, n]), reduce(wide(a) * wide(b)));
    }
}
