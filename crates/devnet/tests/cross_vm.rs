//! EVM code (a Solidity contract compiled by solc, `solidity/EvmProbe.sol`) and Stylus programs
//! calling each other in one transaction, on revm's one journal: calls both ways, nested, a
//! delegate call and a static call across the boundary, and reverts on either side undoing both
//! VMs' storage, logs and value moves.

mod common;

use alloy_primitives::{hex, Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use common::{test_program, Dev};
use devnet::BlockId;

sol! {
    interface EvmProbe {
        function slots(bytes32 key) external view returns (bytes32);
        function store(bytes32 key, bytes32 value) external;
        function fail(string reason) external pure;
        function storeAndCall(bytes32 key, bytes32 value, address target, bytes data, bool revertAfter) external payable returns (bool ok, bytes ret);
        function delegate(address target, bytes data) external returns (bool ok, bytes ret);
        function peek(address target, bytes data) external view returns (bool ok, bytes ret);
    }
    interface Probe {
        function load(bytes32 key) external view returns (bytes32);
        function store(bytes32 key, bytes32 value) external;
        function msgInfo() external payable returns (address sender, uint256 value, bool reentrant);
    }
    interface Reentry {
        function isReentrant() external view returns (bool);
        function forward(address target, bytes data) external returns (bool success, bytes ret);
    }
    interface Caller {
        function callContract(address target, bytes data, uint256 value, uint64 gas) external payable returns (uint8 status, bytes ret);
    }
}

const GAS: u64 = 5_000_000;

struct World {
    dev: Dev,
    evm: Address,
    probe: Address,
    caller: Address,
}

fn world() -> World {
    let mut dev = Dev::new();
    let init = hex::decode(include_str!("solidity/out/EvmProbe.bin").trim()).unwrap();
    let receipt = dev.send(0, TxKind::Create, U256::ZERO, init.into(), GAS);
    assert!(receipt.receipt.success, "EvmProbe deploys");
    let evm = receipt.contract_address.unwrap();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let caller = dev.deploy_program(&test_program("test-caller"));
    World { dev, evm, probe, caller }
}

fn word(n: u8) -> B256 {
    B256::with_last_byte(n)
}

fn slot(dev: &Dev, address: Address, key: B256) -> U256 {
    dev.chain.read_state(BlockId::Latest, |s| s.storage(&address, &U256::from_be_bytes(key.0))).unwrap()
}

fn evm_slot(w: &mut World, key: B256) -> B256 {
    let out = w.dev.call(w.evm, EvmProbe::slotsCall { key }.abi_encode().into());
    B256::abi_decode(&out.output).unwrap()
}

#[test]
fn evm_calls_stylus_and_both_writes_and_logs_land_in_order() {
    let mut w = world();
    let inner = Probe::storeCall { key: word(1), value: word(11) }.abi_encode();
    let call = EvmProbe::storeAndCallCall {
        key: word(2),
        value: word(22),
        target: w.probe,
        data: inner.into(),
        revertAfter: false,
    };
    let receipt = w.dev.send(0, TxKind::Call(w.evm), U256::ZERO, call.abi_encode().into(), GAS);
    assert!(receipt.receipt.success, "{:?}", receipt.output);
    let out = EvmProbe::storeAndCallCall::abi_decode_returns(&receipt.output).unwrap();
    assert!(out.ok);
    assert_eq!(slot(&w.dev, w.probe, word(1)), U256::from(11));
    assert_eq!(evm_slot(&mut w, word(2)), word(22));
    assert_eq!(receipt.receipt.logs.len(), 1, "EvmProbe's Stored");
    assert_eq!(receipt.receipt.logs[0].address, w.evm);
}

#[test]
fn an_evm_revert_after_a_stylus_call_undoes_the_programs_writes_and_the_value_it_received() {
    let mut w = world();
    let inner = Probe::msgInfoCall {}.abi_encode();
    let probe_balance = w.dev.chain.read_state(BlockId::Latest, |s| s.balance(&w.probe)).unwrap();
    let call = EvmProbe::storeAndCallCall {
        key: word(2),
        value: word(22),
        target: w.probe,
        data: inner.into(),
        revertAfter: true,
    };
    let receipt = w.dev.send(0, TxKind::Call(w.evm), U256::from(5), call.abi_encode().into(), GAS);
    assert!(!receipt.receipt.success);
    assert!(receipt.receipt.logs.is_empty());
    assert_eq!(evm_slot(&mut w, word(2)), B256::ZERO);
    assert_eq!(w.dev.chain.read_state(BlockId::Latest, |s| s.balance(&w.probe)).unwrap(), probe_balance);

    let store = Probe::storeCall { key: word(1), value: word(11) }.abi_encode();
    let call = EvmProbe::storeAndCallCall {
        key: word(2),
        value: word(22),
        target: w.probe,
        data: store.into(),
        revertAfter: true,
    };
    let receipt = w.dev.send(0, TxKind::Call(w.evm), U256::ZERO, call.abi_encode().into(), GAS);
    assert!(!receipt.receipt.success);
    assert_eq!(slot(&w.dev, w.probe, word(1)), U256::ZERO, "the program's flushed write was rolled back");
}

#[test]
fn stylus_calls_evm_and_sees_its_revert_reason_while_its_own_state_stands() {
    let mut w = world();
    let store = EvmProbe::storeCall { key: word(3), value: word(33) }.abi_encode();
    let call = Caller::callContractCall { target: w.evm, data: store.into(), value: U256::ZERO, gas: GAS };
    let receipt = w.dev.send(0, TxKind::Call(w.caller), U256::ZERO, call.abi_encode().into(), GAS);
    assert!(receipt.receipt.success);
    assert_eq!(Caller::callContractCall::abi_decode_returns(&receipt.output).unwrap().status, 0);
    assert_eq!(evm_slot(&mut w, word(3)), word(33));
    assert_eq!(receipt.receipt.logs.len(), 1);
    assert_eq!(receipt.receipt.logs[0].address, w.evm, "the EVM contract's log, inside a Stylus frame");

    let fail = EvmProbe::failCall { reason: "no".into() }.abi_encode();
    let call = Caller::callContractCall { target: w.evm, data: fail.into(), value: U256::ZERO, gas: GAS };
    let receipt = w.dev.send(0, TxKind::Call(w.caller), U256::ZERO, call.abi_encode().into(), GAS);
    assert!(receipt.receipt.success, "the program goes on after its callee reverts");
    let out = Caller::callContractCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(out.status, 2);
    let mut reason = vec![0x08, 0xc3, 0x79, 0xa0]; // Error(string)
    reason.extend_from_slice(&"no".to_string().abi_encode());
    assert_eq!(out.ret.as_ref(), reason.as_slice());
}

#[test]
fn stylus_evm_stylus_nested_calls_see_the_right_sender_and_reentrancy() {
    let mut w = world();
    // caller (Stylus) → EvmProbe (EVM) → probe (Stylus): msg.sender is EvmProbe, not re-entered.
    let info = Probe::msgInfoCall {}.abi_encode();
    let middle = EvmProbe::storeAndCallCall {
        key: word(4),
        value: word(44),
        target: w.probe,
        data: info.into(),
        revertAfter: false,
    };
    let call =
        Caller::callContractCall { target: w.evm, data: middle.abi_encode().into(), value: U256::ZERO, gas: GAS };
    let receipt = w.dev.send(0, TxKind::Call(w.caller), U256::ZERO, call.abi_encode().into(), GAS);
    assert!(receipt.receipt.success);
    let outer = Caller::callContractCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(outer.status, 0);
    let middle = EvmProbe::storeAndCallCall::abi_decode_returns(&outer.ret).unwrap();
    assert!(middle.ok);
    let info = Probe::msgInfoCall::abi_decode_returns(&middle.ret).unwrap();
    assert_eq!((info.sender, info.value, info.reentrant), (w.evm, U256::ZERO, false));

    // A program re-entered through EVM code knows it (msg_reentrant), and the SDK's default guard
    // refuses it.
    let open = w.dev.deploy_program(&test_program("test-reentry-open"));
    let guarded = w.dev.deploy_program(&test_program("test-reentry-guarded"));
    let through_evm = |w: &mut World, program: Address| {
        let middle = EvmProbe::storeAndCallCall {
            key: word(5),
            value: word(55),
            target: program,
            data: Reentry::isReentrantCall {}.abi_encode().into(),
            revertAfter: false,
        };
        let call = Reentry::forwardCall { target: w.evm, data: middle.abi_encode().into() };
        let out = w.dev.call(program, call.abi_encode().into());
        assert!(out.success, "{out:?}");
        let forwarded = Reentry::forwardCall::abi_decode_returns(&out.output).unwrap();
        assert!(forwarded.success, "the EVM frame itself succeeds");
        EvmProbe::storeAndCallCall::abi_decode_returns(&forwarded.ret).unwrap()
    };
    let inner = through_evm(&mut w, open);
    assert!(inner.ok);
    assert!(Reentry::isReentrantCall::abi_decode_returns(&inner.ret).unwrap(), "re-entered through EVM code");
    let inner = through_evm(&mut w, guarded);
    assert!(!inner.ok, "the SDK's default entrypoint reverts a re-entrant call");
}

#[test]
fn an_evm_delegate_call_runs_a_program_on_the_evm_contracts_storage() {
    let mut w = world();
    let store = Probe::storeCall { key: word(6), value: word(66) }.abi_encode();
    let call = EvmProbe::delegateCall { target: w.probe, data: store.into() };
    let receipt = w.dev.send(0, TxKind::Call(w.evm), U256::ZERO, call.abi_encode().into(), GAS);
    assert!(receipt.receipt.success);
    assert!(EvmProbe::delegateCall::abi_decode_returns(&receipt.output).unwrap().ok);
    assert_eq!(slot(&w.dev, w.evm, word(6)), U256::from(66), "written to EvmProbe's storage");
    assert_eq!(slot(&w.dev, w.probe, word(6)), U256::ZERO, "not to the program's");
}

#[test]
fn an_evm_static_call_lets_a_program_read_but_not_write() {
    let mut w = world();
    let store = Probe::storeCall { key: word(7), value: word(77) }.abi_encode();
    let receipt = w.dev.send(0, TxKind::Call(w.probe), U256::ZERO, store.clone().into(), GAS);
    assert!(receipt.receipt.success);
    let load = Probe::loadCall { key: word(7) }.abi_encode();
    let out = w.dev.call(w.evm, EvmProbe::peekCall { target: w.probe, data: load.into() }.abi_encode().into());
    let out = EvmProbe::peekCall::abi_decode_returns(&out.output).unwrap();
    assert!(out.ok);
    assert_eq!(B256::abi_decode(&out.ret).unwrap(), word(77));

    let write = Probe::storeCall { key: word(7), value: word(1) }.abi_encode();
    let out = w.dev.call(w.evm, EvmProbe::peekCall { target: w.probe, data: Bytes::from(write) }.abi_encode().into());
    let out = EvmProbe::peekCall::abi_decode_returns(&out.output).unwrap();
    assert!(!out.ok, "a flush in a static frame fails");
    assert_eq!(slot(&w.dev, w.probe, word(7)), U256::from(77));
}
