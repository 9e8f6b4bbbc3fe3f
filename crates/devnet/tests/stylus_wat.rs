//! A Stylus program written in WAT, deployed the Stylus way and run through ArbWasm: the whole path
//! from init code to hostios, without the SDK.

mod common;

use alloy_primitives::{Bytes, TxKind, U256};
use alloy_sol_types::{SolCall, SolError};
use common::{program_code, Dev};
use devnet::{exec::ArbWasm, BlockId};

/// Stores a 32-byte argument in slot 0 and logs it as a topic; with no argument returns slot 0;
/// with any other length reverts with the argument as revert data.
const STORE: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $emit (param i32 i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.eq (local.get $len) (i32.const 32))
      (then
        (call $cache (i32.const 256) (i32.const 0))
        (call $flush (i32.const 0))
        (call $emit (i32.const 0) (i32.const 32) (i32.const 1))
        (return (i32.const 0))))
    (if (i32.eqz (local.get $len))
      (then
        (call $load (i32.const 256) (i32.const 512))
        (call $write_result (i32.const 512) (i32.const 32))
        (return (i32.const 0))))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 1)))
"#;

#[test]
fn a_program_runs_only_after_activation() {
    let mut dev = Dev::new();
    let code = program_code(STORE);
    let init = stylus_wasm::deploy::init_code(&code);
    let receipt = dev.send(0, TxKind::Create, U256::ZERO, init.into(), 10_000_000);
    let program = receipt.contract_address.unwrap();
    assert_eq!(dev.chain.code(program, BlockId::Latest).unwrap().as_ref(), code.as_slice());

    let before = dev.call(program, Bytes::new());
    assert!(!before.success, "an inactive program cannot be called");

    let fee_query = ArbWasm::activateProgramCall { program }.abi_encode();
    let receipt = dev.send(0, TxKind::Call(devnet::exec::ARB_WASM), U256::ZERO, fee_query.into(), 20_000_000);
    assert!(!receipt.receipt.success, "activation without the data fee fails");
    assert!(receipt.output.starts_with(&ArbWasm::ProgramInsufficientValue::SELECTOR), "{:?}", receipt.output);

    let receipt = dev.activate(program, U256::from(10u64).pow(U256::from(18)));
    assert_eq!(receipt.receipt.logs.len(), 1, "ProgramActivated");
    let activated = ArbWasm::activateProgramCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(activated.version, 2);
    assert!(activated.dataFee > U256::ZERO);

    let again = ArbWasm::activateProgramCall { program }.abi_encode();
    let receipt = dev.send(0, TxKind::Call(devnet::exec::ARB_WASM), U256::from(1), again.into(), 20_000_000);
    assert_eq!(receipt.output.as_ref(), ArbWasm::ProgramUpToDate {}.abi_encode().as_slice());
}

#[test]
fn a_program_stores_logs_returns_and_reverts() {
    let mut dev = Dev::new();
    let program = dev.deploy_program(&program_code(STORE));
    let value = U256::from(0x1234u64).to_be_bytes::<32>();
    let receipt = dev.send(0, TxKind::Call(program), U256::ZERO, Bytes::copy_from_slice(&value), 1_000_000);
    assert!(receipt.receipt.success, "{:?}", receipt.output);
    assert_eq!(receipt.receipt.logs.len(), 1);
    assert_eq!(receipt.receipt.logs[0].address, program);
    assert_eq!(receipt.receipt.logs[0].topics()[0].0, value);
    assert!(receipt.receipt.logs[0].data.data.is_empty());
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&program, &U256::ZERO)).unwrap(), U256::from(0x1234u64));

    let read = dev.call(program, Bytes::new());
    assert!(read.success);
    assert_eq!(read.output.as_ref(), value.as_slice());

    let revert = dev.call(program, Bytes::from_static(b"nope"));
    assert!(!revert.success);
    assert_eq!(revert.output.as_ref(), b"nope");
    assert_eq!(revert.halted, None, "a revert, not a halt");
}

#[test]
fn a_program_out_of_gas_consumes_its_gas_and_changes_nothing() {
    let mut dev = Dev::new();
    let program = dev.deploy_program(&program_code(STORE));
    let value = U256::from(9).to_be_bytes::<32>();
    // Enough for the intrinsic gas and the entry, not for the SSTORE at flush.
    let receipt = dev.send(0, TxKind::Call(program), U256::ZERO, Bytes::copy_from_slice(&value), 40_000);
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.gas_used, 40_000);
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&program, &U256::ZERO)).unwrap(), U256::ZERO);
    assert!(receipt.receipt.logs.is_empty());
}
