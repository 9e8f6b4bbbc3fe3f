//! A Stylus program written in WAT, deployed the Stylus way and run through ArbWasm: the whole path
//! from init code to hostios, without the SDK.

mod common;

use alloy_primitives::{Bytes, TxKind, U256};
use alloy_sol_types::{SolCall, SolError};
use common::{program_code, Dev, STORE_WAT};
use devnet::{exec::ArbWasm, BlockId};

#[test]
fn a_program_runs_only_after_activation() {
    let mut dev = Dev::new();
    let code = program_code(STORE_WAT);
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
    let program = dev.deploy_program(&program_code(STORE_WAT));
    let value = U256::from(0x1234u64).to_be_bytes::<32>();
    let receipt = dev.send(0, TxKind::Call(program), U256::ZERO, Bytes::copy_from_slice(&value), 1_000_000);
    assert!(receipt.receipt.success, "{:?}", receipt.output);
    assert_eq!(receipt.receipt.logs.len(), 1);
    assert_eq!(receipt.receipt.logs[0].address, program);
    assert_eq!(receipt.receipt.logs[0].topics()[0].0, value);
    assert!(receipt.receipt.logs[0].data.data.is_empty());
    assert_eq!(
        dev.chain.read_state(BlockId::Latest, |s| s.storage(&program, &U256::ZERO)).unwrap(),
        U256::from(0x1234u64)
    );

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
    let program = dev.deploy_program(&program_code(STORE_WAT));
    let value = U256::from(9).to_be_bytes::<32>();
    // Enough for the intrinsic gas and the entry, not for the SSTORE at flush.
    let receipt = dev.send(0, TxKind::Call(program), U256::ZERO, Bytes::copy_from_slice(&value), 40_000);
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.gas_used, 40_000);
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&program, &U256::ZERO)).unwrap(), U256::ZERO);
    assert!(receipt.receipt.logs.is_empty());
}

/// Recurses forever on wasm locals only, so Nitro's depth checker ends it (reference §1.7).
const RECURSE: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (memory (export "memory") 1 1)
  (func $down (param $n i64) (result i64)
    (i64.add (call $down (i64.add (local.get $n) (i64.const 1))) (i64.const 1)))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (drop (call $down (i64.const 0)))
    (i32.const 0)))
"#;

#[test]
fn out_of_stack_consumes_all_gas() {
    let mut dev = Dev::new();
    let program = dev.deploy_program(&program_code(RECURSE));
    let receipt = dev.send(0, TxKind::Call(program), U256::ZERO, Bytes::new(), 3_000_000);
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.gas_used, 3_000_000, "out of stack leaves no gas (reference §1.7, §7)");
}

#[test]
fn activation_failures_follow_arbwasms_three_ways_of_failing() {
    let mut dev = Dev::new();
    let arbwasm = devnet::exec::ARB_WASM;
    let activate = |dev: &mut Dev, program| {
        dev.send(
            0,
            TxKind::Call(arbwasm),
            U256::from(10u64).pow(U256::from(17)),
            ArbWasm::activateProgramCall { program }.abi_encode().into(),
            5_000_000,
        )
    };
    // Activation burns its fixed 1 659 168 gas first (§6.2 step 1); what is left depends on how it fails.
    let fixed_only = |gas: u64| (1_659_168..1_759_168).contains(&gas);
    // No code: a Solidity error, the rest of the gas kept.
    let receipt = activate(&mut dev, alloy_primitives::Address::repeat_byte(0x42));
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.output.as_ref(), ArbWasm::ProgramNotWasm {}.abi_encode().as_slice());
    assert!(fixed_only(receipt.gas_used), "{}", receipt.gas_used);

    // EVM code: a plain revert without data, gas kept.
    let evm = dev.send(
        0,
        TxKind::Create,
        U256::ZERO,
        Bytes::from_static(&[0x60, 0x01, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3]),
        100_000,
    );
    let receipt = activate(&mut dev, evm.contract_address.unwrap());
    assert!(!receipt.receipt.success);
    assert!(receipt.output.is_empty());
    assert!(fixed_only(receipt.gas_used), "{}", receipt.gas_used);

    // A program Nitro refuses (a start function): activation fails and burns all gas (§6.3).
    let code = program_code(
        r#"(module (import "vm_hooks" "read_args" (func (param i32))) (memory (export "memory") 1 1)
             (func $start) (start $start)
             (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    let init = stylus_wasm::deploy::init_code(&code);
    let deployed = dev.send(0, TxKind::Create, U256::ZERO, init.into(), 10_000_000).contract_address.unwrap();
    let receipt = activate(&mut dev, deployed);
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.gas_used, 5_000_000);
    let call = dev.call(deployed, Bytes::new());
    assert!(!call.success, "still not activated");
    // Simulated, the failure says which rule the program broke.
    let simulated = dev.call(arbwasm, ArbWasm::activateProgramCall { program: deployed }.abi_encode().into());
    let reason = simulated.halted.unwrap();
    assert!(reason.starts_with("program activation failed: ") && reason.contains("start"), "{reason}");
}

#[test]
fn program_views_report_the_activated_costs() {
    let mut dev = Dev::new();
    let program = dev.deploy_program(&program_code(STORE_WAT));
    let wasm = stylus_wasm::deploy::decompress_program(&dev.chain.code(program, BlockId::Latest).unwrap(), 128 * 1024)
        .unwrap();
    let info = stylus_wasm::activate::activate(&wasm, &Default::default()).unwrap().info;
    let params = stylus_wasm::pricing::StylusParams::default();
    let arbwasm = devnet::exec::ARB_WASM;
    let call = |dev: &mut Dev, data: Vec<u8>| dev.call(arbwasm, data.into()).output;
    let init = ArbWasm::programInitGasCall::abi_decode_returns(&call(
        &mut dev,
        ArbWasm::programInitGasCall { program }.abi_encode(),
    ))
    .unwrap();
    assert_eq!(init.gas, stylus_wasm::pricing::call_init_gas(&info, &params, false));
    assert_eq!(init.gasWhenCached, stylus_wasm::pricing::cached_init_gas(&info, &params));
    let footprint = ArbWasm::programMemoryFootprintCall::abi_decode_returns(&call(
        &mut dev,
        ArbWasm::programMemoryFootprintCall { program }.abi_encode(),
    ))
    .unwrap();
    assert_eq!(footprint, info.footprint);
    let version =
        ArbWasm::stylusVersionCall::abi_decode_returns(&call(&mut dev, ArbWasm::stylusVersionCall {}.abi_encode()))
            .unwrap();
    assert_eq!(version, 2);
    let depth =
        ArbWasm::maxStackDepthCall::abi_decode_returns(&call(&mut dev, ArbWasm::maxStackDepthCall {}.abi_encode()))
            .unwrap();
    assert_eq!(depth, 22_000);
    // An unknown selector reverts (eth_call: "execution reverted") and keeps no gas, as Nitro's
    // precompiles do; so does value sent to a view.
    let unknown = dev.call(arbwasm, Bytes::from_static(&[1, 2, 3, 4]));
    assert!(!unknown.success);
    assert_eq!(unknown.halted, None, "a revert, not a halt");
    assert!(unknown.output.is_empty());
    let view_gas = dev.call(arbwasm, ArbWasm::stylusVersionCall {}.abi_encode().into()).gas_used;
    assert!(unknown.gas_used > 10 * view_gas, "all gas is consumed: {} gas", unknown.gas_used);
}

#[test]
fn cargo_stylus_check_can_price_activation_with_state_overrides() {
    // What `cargo stylus check` does: eth_call activateProgram for code placed at a random address
    // by a state override, from a random sender with a large balance, sending 1 ETH.
    let mut dev = Dev::new();
    let code = program_code(STORE_WAT);
    let program = alloy_primitives::Address::repeat_byte(0x77);
    let sender = alloy_primitives::Address::repeat_byte(0x88);
    let mut overrides = devnet::exec::StateOverride::default();
    overrides.accounts.insert(program, devnet::exec::AccountOverride { code: Some(code.into()), ..Default::default() });
    overrides.accounts.insert(sender, devnet::exec::AccountOverride { balance: Some(U256::MAX), ..Default::default() });
    let params = devnet::exec::CallParams {
        from: Some(sender),
        to: Some(devnet::exec::ARB_WASM),
        data: ArbWasm::activateProgramCall { program }.abi_encode().into(),
        value: U256::from(10u64).pow(U256::from(18)),
        ..Default::default()
    };
    let result = dev.chain.call(&params, BlockId::Latest, &overrides).unwrap();
    assert!(result.success, "{result:?}");
    let answer = ArbWasm::activateProgramCall::abi_decode_returns(&result.output).unwrap();
    assert_eq!(answer.version, 2);
    assert!(answer.dataFee > U256::ZERO);
    assert!(dev.chain.code(program, BlockId::Latest).unwrap().is_empty(), "the override left no trace");
}

#[test]
fn init_code_can_record_the_deployer_in_storage_before_the_program_exists() {
    let mut dev = Dev::new();
    let code = program_code(STORE_WAT);
    let init = stylus_wasm::deploy::init_code_recording_deployer(&code, [0; 32]);
    let receipt = dev.send(2, TxKind::Create, U256::ZERO, init.into(), 10_000_000);
    let program = receipt.contract_address.unwrap();
    assert_eq!(dev.chain.code(program, BlockId::Latest).unwrap().as_ref(), code.as_slice());
    dev.activate(program, U256::from(10u64).pow(U256::from(18)));
    let slot = dev.call(program, Bytes::new()).output;
    assert_eq!(&slot[12..], Dev::address(2).as_slice(), "slot 0 holds the deployer, read by the program");
}

/// Calls a hostio in a loop until little gas is left.
const HOSTIO_LOOP: &str = r#"
(module
  (import "vm_hooks" "evm_gas_left" (func $gas (result i64)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (loop $again
      (br_if $again (i64.gt_u (call $gas) (i64.const 1000))))
    (i32.const 0)))
"#;

#[test]
fn millions_of_hostio_calls_run_in_constant_native_stack() {
    // wasmi's tail-call dispatch grew the native stack at every host call; the devnet uses its
    // loop dispatch so a long-running program cannot overflow the executing thread.
    let mut dev = Dev::new();
    let program = dev.deploy_program(&program_code(HOSTIO_LOOP));
    let receipt = dev.send(0, TxKind::Call(program), U256::ZERO, Bytes::new(), 10_000_000);
    assert!(receipt.receipt.success);
    assert!(receipt.gas_used > 9_990_000, "{}", receipt.gas_used);
}
