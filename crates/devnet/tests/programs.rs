//! SDK-built Stylus programs on the devnet: every hostio family, calls and creates between programs,
//! rollback at every depth, static-context writes, value, reentrancy, out of gas and out of stack.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall};
use common::{test_program, Dev};
use devnet::BlockId;

sol! {
    interface Probe {
        function load(bytes32 key) external view returns (bytes32);
        function store(bytes32 key, bytes32 value) external;
        function storeFlushed(bytes32 key, bytes32 value, bool clear) external returns (bytes32);
        function storeThenExit(bytes32 key, bytes32 value) external;
        function storeThenRevert(bytes32 key, bytes32 value) external;
        function tload(bytes32 key) external view returns (bytes32);
        function tstore(bytes32 key, bytes32 value) external;
        function emitLog(bytes32[] topics, bytes data) external;
        function accountBalance(address account) external view returns (uint256);
        function accountCodehash(address account) external view returns (bytes32);
        function accountCode(address account) external view returns (bytes);
        function accountCodeSize(address account) external view returns (uint256);
        function contractAddress() external view returns (address);
        function blockInfo() external view returns (uint256 basefee, address coinbase, uint64 gasLimit, uint64 number, uint64 timestamp);
        function chainId() external view returns (uint64);
        function msgInfo() external payable returns (address sender, uint256 value, bool reentrant);
        function txInfo() external view returns (uint256 gasPrice, address origin, uint32 inkPrice);
        function gasLeft() external view returns (uint64 gas, uint64 ink);
        function mathDiv(uint256 a, uint256 b) external view returns (uint256);
        function mathMod(uint256 a, uint256 b) external view returns (uint256);
        function mathPow(uint256 a, uint256 b) external view returns (uint256);
        function mathAddMod(uint256 a, uint256 b, uint256 m) external view returns (uint256);
        function mathMulMod(uint256 a, uint256 b, uint256 m) external view returns (uint256);
        function keccak(bytes data) external view returns (bytes32);
        function exitEarly(uint32 status, bytes data) external;
        function echo(bytes data) external view returns (bytes);
        function largeReturn(uint32 len) external view returns (bytes);
        function revertWith(bytes data) external;
        function growMemory(uint32 pages) external returns (uint32);
        function burn(uint64 iterations) external view returns (uint64);
        function recurse(uint64 depth) external view returns (uint64);
        function trap() external;
    }

    interface Caller {
        function callContract(address target, bytes data, uint256 value, uint64 gas) external payable returns (uint8 status, bytes ret);
        function delegateCall(address target, bytes data, uint64 gas) external returns (uint8 status, bytes ret);
        function staticCall(address target, bytes data, uint64 gas) external returns (uint8 status, bytes ret);
        function create1(bytes initCode, uint256 endowment) external payable returns (address created, bytes revertData);
        function create2(bytes initCode, uint256 endowment, bytes32 salt) external payable returns (address created, bytes revertData);
        function writeThenCall(bytes32 key, bytes32 value, address target, bytes data, bool propagate) external returns (uint8 status, bytes ret);
        function callSequence(address target, bytes[] calls) external returns (bytes[]);
        function load(bytes32 key) external view returns (bytes32);
    }

    interface Nest {
        function run(uint256 depth, uint256 revertAt) external returns (uint256 committed);
        function written(uint256 depth) external view returns (uint256);
    }

    interface Reentry {
        function isReentrant() external view returns (bool);
        function forward(address target, bytes data) external returns (bool success, bytes ret);
    }
}

fn word(n: u64) -> B256 {
    B256::from(U256::from(n))
}

/// Sends `data` to `to` and asserts success; returns the output and receipt.
fn transact(dev: &mut Dev, to: Address, value: U256, data: Vec<u8>) -> devnet::block::TxReceipt {
    let receipt = dev.send(0, TxKind::Call(to), value, data.into(), 10_000_000);
    assert!(receipt.receipt.success, "transaction failed: {}", receipt.output);
    receipt
}

fn view<C: SolCall>(dev: &mut Dev, to: Address, call: C) -> C::Return {
    let result = dev.call(to, call.abi_encode().into());
    assert!(result.success, "call failed: {:?}", result);
    C::abi_decode_returns(&result.output).unwrap()
}

#[test]
fn storage_hostios_cache_flush_and_discard() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    transact(&mut dev, probe, U256::ZERO, Probe::storeCall { key: word(1), value: word(11) }.abi_encode());
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&probe, &U256::from(1))).unwrap(), U256::from(11));
    assert_eq!(view(&mut dev, probe, Probe::loadCall { key: word(1) }), word(11));
    assert_eq!(view(&mut dev, probe, Probe::storeFlushedCall { key: word(2), value: word(22), clear: true }), word(22));

    // exit_early(0) skips the entrypoint's flush: the cached write is discarded (reference §3).
    transact(&mut dev, probe, U256::ZERO, Probe::storeThenExitCall { key: word(3), value: word(33) }.abi_encode());
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&probe, &U256::from(3))).unwrap(), U256::ZERO);
    let receipt = dev.send(
        0,
        TxKind::Call(probe),
        U256::ZERO,
        Probe::storeThenRevertCall { key: word(4), value: word(44) }.abi_encode().into(),
        1_000_000,
    );
    assert!(!receipt.receipt.success);
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&probe, &U256::from(4))).unwrap(), U256::ZERO);
}

#[test]
fn transient_storage_lives_for_one_transaction() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let caller = dev.deploy_program(&test_program("test-caller"));
    let calls = vec![
        Bytes::from(Probe::tstoreCall { key: word(5), value: word(55) }.abi_encode()),
        Bytes::from(Probe::tloadCall { key: word(5) }.abi_encode()),
    ];
    let receipt =
        transact(&mut dev, caller, U256::ZERO, Caller::callSequenceCall { target: probe, calls }.abi_encode());
    let outputs = Caller::callSequenceCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(outputs[1].as_ref(), word(55).as_slice(), "seen by a later call in the same transaction");
    assert_eq!(view(&mut dev, probe, Probe::tloadCall { key: word(5) }), B256::ZERO, "gone in the next");
}

#[test]
fn logs_carry_their_topics_and_data() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    for count in 0..=4u64 {
        let topics: Vec<B256> = (0..count).map(word).collect();
        let receipt = transact(
            &mut dev,
            probe,
            U256::ZERO,
            Probe::emitLogCall { topics: topics.clone(), data: Bytes::from_static(b"payload") }.abi_encode(),
        );
        let log = &receipt.receipt.logs[0];
        assert_eq!(log.address, probe);
        assert_eq!(log.topics(), topics.as_slice());
        assert_eq!(log.data.data.as_ref(), b"payload");
    }
    let five: Vec<B256> = (0..5).map(word).collect();
    let receipt = dev.send(
        0,
        TxKind::Call(probe),
        U256::ZERO,
        Probe::emitLogCall { topics: five, data: Bytes::new() }.abi_encode().into(),
        1_000_000,
    );
    assert!(!receipt.receipt.success, "five topics fail");
}

#[test]
fn account_block_message_and_transaction_hostios_report_the_chain() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let probe_code = dev.chain.code(probe, BlockId::Latest).unwrap();
    let rich = Dev::address(5);
    assert_eq!(view(&mut dev, probe, Probe::accountBalanceCall { account: rich }), dev.chain.config().dev_balance);
    assert_eq!(view(&mut dev, probe, Probe::accountCodehashCall { account: probe }), keccak256(&probe_code));
    assert_eq!(view(&mut dev, probe, Probe::accountCodehashCall { account: Address::repeat_byte(0x99) }), B256::ZERO);
    assert_eq!(view(&mut dev, probe, Probe::accountCodeCall { account: probe }), probe_code);
    assert_eq!(view(&mut dev, probe, Probe::accountCodeSizeCall { account: probe }), U256::from(probe_code.len()));
    assert_eq!(view(&mut dev, probe, Probe::contractAddressCall {}), probe);
    assert_eq!(view(&mut dev, probe, Probe::chainIdCall {}), dev.chain.config().chain_id);

    let receipt = transact(&mut dev, probe, U256::ZERO, Probe::blockInfoCall {}.abi_encode());
    let info = Probe::blockInfoCall::abi_decode_returns(&receipt.output).unwrap();
    let block = dev.chain.latest();
    assert_eq!(info.basefee, U256::from(dev.chain.config().base_fee));
    assert_eq!(info.coinbase, block.header.beneficiary);
    assert_eq!(info.gasLimit, block.header.gas_limit);
    assert_eq!(info.number, block.number());
    assert_eq!(info.timestamp, block.header.timestamp);

    let receipt = transact(&mut dev, probe, U256::from(777), Probe::msgInfoCall {}.abi_encode());
    let info = Probe::msgInfoCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!((info.sender, info.value, info.reentrant), (Dev::address(0), U256::from(777), false));
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.balance(&probe)).unwrap(), U256::from(777));

    let receipt = transact(&mut dev, probe, U256::ZERO, Probe::txInfoCall {}.abi_encode());
    let info = Probe::txInfoCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(info.gasPrice, U256::from(dev.chain.config().base_fee));
    assert_eq!(info.origin, Dev::address(0));
    assert_eq!(info.inkPrice, 10_000);

    let left = view(&mut dev, probe, Probe::gasLeftCall {});
    assert!(left.gas > 0 && left.ink / 10_000 >= left.gas - 10 && left.ink / 10_000 <= left.gas + 10);
}

#[test]
fn math_and_keccak_hostios_compute_like_the_evm() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let (a, b, m) = (U256::MAX - U256::from(5), U256::from(7), U256::from(1_000_003));
    assert_eq!(view(&mut dev, probe, Probe::mathDivCall { a, b }), a / b);
    assert_eq!(view(&mut dev, probe, Probe::mathDivCall { a, b: U256::ZERO }), U256::ZERO, "division by zero is zero");
    assert_eq!(view(&mut dev, probe, Probe::mathModCall { a, b }), a % b);
    assert_eq!(
        view(&mut dev, probe, Probe::mathPowCall { a: U256::from(3), b: U256::from(100) }),
        U256::from(3).pow(U256::from(100))
    );
    assert_eq!(view(&mut dev, probe, Probe::mathAddModCall { a, b: a, m }), a.add_mod(a, m));
    assert_eq!(view(&mut dev, probe, Probe::mathMulModCall { a, b: a, m }), a.mul_mod(a, m));
    assert_eq!(view(&mut dev, probe, Probe::keccakCall { data: Bytes::from_static(b"stylus") }), keccak256(b"stylus"));
}

#[test]
fn results_large_and_raw_and_exit_early() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let big = Bytes::from(vec![0xab; 30_000]);
    assert_eq!(view(&mut dev, probe, Probe::echoCall { data: big.clone() }), big);
    let large = view(&mut dev, probe, Probe::largeReturnCall { len: 1000 });
    assert_eq!(large.len(), 1000);
    assert_eq!(large[999], (999 % 256) as u8);

    let ok = dev.call(probe, Probe::exitEarlyCall { status: 0, data: Bytes::from_static(b"raw") }.abi_encode().into());
    assert!(ok.success);
    assert_eq!(ok.output.as_ref(), b"raw");
    let failed =
        dev.call(probe, Probe::exitEarlyCall { status: 1, data: Bytes::from_static(b"why") }.abi_encode().into());
    assert!(!failed.success);
    assert_eq!(failed.output.as_ref(), b"why", "exit_early(1) reverts with the result");
    let reverted = dev.call(probe, Probe::revertWithCall { data: Bytes::from_static(b"reason") }.abi_encode().into());
    assert_eq!((reverted.success, reverted.output.as_ref()), (false, b"reason".as_slice()));
    let trapped = dev.call(probe, Probe::trapCall {}.abi_encode().into());
    assert!(!trapped.success);
    assert!(trapped.output.is_empty(), "a trap is a Failure: no data");
    assert_eq!(trapped.halted, None, "and not an exceptional halt: gas is kept");
}

#[test]
fn memory_growth_is_paid_for_and_capped() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let grow = |dev: &mut Dev, pages: u32| dev.call(probe, Probe::growMemoryCall { pages }.abi_encode().into());
    let small = grow(&mut dev, 1);
    let large = grow(&mut dev, 60);
    assert!(small.success && large.success);
    assert!(large.gas_used > small.gas_used + 59 * 1000, "{} vs {}", large.gas_used, small.gas_used);
    let too_many = grow(&mut dev, 200);
    assert!(!too_many.success, "more than 128 pages cannot be paid for");
}

#[test]
fn out_of_ink_consumes_all_gas() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let receipt = dev.send(
        0,
        TxKind::Call(probe),
        U256::ZERO,
        Probe::burnCall { iterations: 100_000_000 }.abi_encode().into(),
        300_000,
    );
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.gas_used, 300_000);
    assert!(dev.call(probe, Probe::burnCall { iterations: 1000 }.abi_encode().into()).success, "a short loop fits");
}

#[test]
fn deep_recursion_runs_out_of_stack_and_consumes_all_gas() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    assert_eq!(view(&mut dev, probe, Probe::recurseCall { depth: 50 }), 50);
    let receipt = dev.send(
        0,
        TxKind::Call(probe),
        U256::ZERO,
        Probe::recurseCall { depth: 1_000_000 }.abi_encode().into(),
        5_000_000,
    );
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.gas_used, 5_000_000, "out of stack leaves no gas (reference §1.7)");
}

#[test]
fn calls_between_programs_move_value_and_return_data() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let caller = dev.deploy_program(&test_program("test-caller"));
    let inner = Probe::msgInfoCall {}.abi_encode();
    let receipt = transact(
        &mut dev,
        caller,
        U256::from(1000),
        Caller::callContractCall { target: probe, data: inner.into(), value: U256::from(400), gas: u64::MAX }
            .abi_encode(),
    );
    let out = Caller::callContractCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!(out.status, 0);
    let info = Probe::msgInfoCall::abi_decode_returns(&out.ret).unwrap();
    assert_eq!((info.sender, info.value), (caller, U256::from(400)));
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.balance(&probe)).unwrap(), U256::from(400));
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.balance(&caller)).unwrap(), U256::from(600));

    // A delegate call runs the probe's code on the caller's storage and keeps msg.sender.
    let store = Probe::storeCall { key: word(8), value: word(88) }.abi_encode();
    transact(
        &mut dev,
        caller,
        U256::ZERO,
        Caller::delegateCallCall { target: probe, data: store.into(), gas: u64::MAX }.abi_encode(),
    );
    assert_eq!(view(&mut dev, caller, Caller::loadCall { key: word(8) }), word(88));
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&probe, &U256::from(8))).unwrap(), U256::ZERO);

    // A revert inside is reported with its data, and the caller continues.
    let revert = Probe::revertWithCall { data: Bytes::from_static(b"inner") }.abi_encode();
    let out = view(
        &mut dev,
        caller,
        Caller::callContractCall { target: probe, data: revert.into(), value: U256::ZERO, gas: u64::MAX },
    );
    assert_eq!((out.status, out.ret.as_ref()), (2, b"inner".as_slice()));
}

#[test]
fn a_static_call_cannot_write_but_may_cache() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let caller = dev.deploy_program(&test_program("test-caller"));
    let write = Probe::storeCall { key: word(1), value: word(1) }.abi_encode();
    let out = view(&mut dev, caller, Caller::staticCallCall { target: probe, data: write.into(), gas: u64::MAX });
    assert_ne!(out.status, 0, "a flush in a static call fails");
    assert!(out.ret.is_empty());
    let cached = Probe::storeThenExitCall { key: word(1), value: word(1) }.abi_encode();
    let out = view(&mut dev, caller, Caller::staticCallCall { target: probe, data: cached.into(), gas: u64::MAX });
    assert_eq!(out.status, 0, "a write that is only cached is allowed");
    let log = Probe::emitLogCall { topics: vec![], data: Bytes::new() }.abi_encode();
    let out = view(&mut dev, caller, Caller::staticCallCall { target: probe, data: log.into(), gas: u64::MAX });
    assert_ne!(out.status, 0, "no logs in a static call");
}

#[test]
fn a_failed_call_rolls_back_only_its_own_frame() {
    let mut dev = Dev::new();
    let probe = dev.deploy_program(&test_program("test-probe"));
    let caller = dev.deploy_program(&test_program("test-caller"));
    let inner = Probe::storeThenRevertCall { key: word(2), value: word(2) }.abi_encode();
    let call = Caller::writeThenCallCall {
        key: word(1),
        value: word(7),
        target: probe,
        data: inner.clone().into(),
        propagate: false,
    };
    transact(&mut dev, caller, U256::ZERO, call.abi_encode());
    assert_eq!(view(&mut dev, caller, Caller::loadCall { key: word(1) }), word(7), "the caller's write stands");
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.storage(&probe, &U256::from(2))).unwrap(), U256::ZERO);
    let call =
        Caller::writeThenCallCall { key: word(3), value: word(9), target: probe, data: inner.into(), propagate: true };
    let receipt = dev.send(0, TxKind::Call(caller), U256::ZERO, call.abi_encode().into(), 2_000_000);
    assert!(!receipt.receipt.success);
    assert_eq!(view(&mut dev, caller, Caller::loadCall { key: word(3) }), B256::ZERO, "propagated: everything reverts");
}

#[test]
fn rollback_at_every_depth_keeps_the_frames_above() {
    let mut dev = Dev::new();
    let nest = dev.deploy_program(&test_program("test-nest"));
    const DEPTH: u64 = 6;
    for revert_at in 1..=DEPTH {
        let mut dev_round = Dev::new();
        let nest = dev_round.deploy_program(&test_program("test-nest"));
        let receipt = dev_round.send(
            0,
            TxKind::Call(nest),
            U256::ZERO,
            Nest::runCall { depth: U256::from(DEPTH), revertAt: U256::from(revert_at) }.abi_encode().into(),
            20_000_000,
        );
        if revert_at == DEPTH {
            assert!(!receipt.receipt.success, "reverting at the top reverts the transaction");
        } else {
            assert!(receipt.receipt.success);
        }
        for depth in 1..=DEPTH {
            let written = view(&mut dev_round, nest, Nest::writtenCall { depth: U256::from(depth) });
            let expected = if depth > revert_at { U256::from(depth + 1) } else { U256::ZERO };
            assert_eq!(written, expected, "revert at {revert_at}, slot {depth}");
        }
    }
    let receipt = dev.send(
        0,
        TxKind::Call(nest),
        U256::ZERO,
        Nest::runCall { depth: U256::from(DEPTH), revertAt: U256::ZERO }.abi_encode().into(),
        20_000_000,
    );
    assert!(receipt.receipt.success);
    for depth in 1..=DEPTH {
        assert_eq!(view(&mut dev, nest, Nest::writtenCall { depth: U256::from(depth) }), U256::from(depth + 1));
    }
}

#[test]
fn create1_and_create2_deploy_programs_at_the_expected_addresses() {
    let mut dev = Dev::new();
    let caller = dev.deploy_program(&test_program("test-caller"));
    let init = stylus_wasm::deploy::init_code(&test_program("test-probe"));
    let receipt = transact(
        &mut dev,
        caller,
        U256::from(5),
        Caller::create1Call { initCode: init.clone().into(), endowment: U256::from(5) }.abi_encode(),
    );
    let created = Caller::create1Call::abi_decode_returns(&receipt.output).unwrap().created;
    assert_eq!(created, caller.create(1), "a contract's first create uses nonce 1");
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.balance(&created)).unwrap(), U256::from(5));
    let salt = word(42);
    let receipt = transact(
        &mut dev,
        caller,
        U256::ZERO,
        Caller::create2Call { initCode: init.clone().into(), endowment: U256::ZERO, salt }.abi_encode(),
    );
    let created2 = Caller::create2Call::abi_decode_returns(&receipt.output).unwrap().created;
    assert_eq!(created2, caller.create2_from_code(salt, &init));
    assert!(!dev.chain.code(created2, BlockId::Latest).unwrap().is_empty());
    // The same salt again collides: address zero.
    let receipt = transact(
        &mut dev,
        caller,
        U256::ZERO,
        Caller::create2Call { initCode: init.into(), endowment: U256::ZERO, salt }.abi_encode(),
    );
    assert_eq!(Caller::create2Call::abi_decode_returns(&receipt.output).unwrap().created, Address::ZERO);
}

#[test]
fn reentrancy_is_detected_and_the_sdk_guard_refuses_it() {
    let mut dev = Dev::new();
    let guarded = dev.deploy_program(&test_program("test-reentry-guarded"));
    let open = dev.deploy_program(&test_program("test-reentry-open"));
    let probe = Reentry::isReentrantCall {}.abi_encode();
    assert!(!view(&mut dev, open, Reentry::isReentrantCall {}));
    let out = view(&mut dev, open, Reentry::forwardCall { target: open, data: probe.clone().into() });
    assert!(out.success);
    assert!(Reentry::isReentrantCall::abi_decode_returns(&out.ret).unwrap(), "calling itself is re-entrant");
    let out = view(&mut dev, guarded, Reentry::forwardCall { target: guarded, data: probe.clone().into() });
    assert!(!out.success, "the SDK's default entrypoint reverts a re-entrant call");
    assert!(out.ret.is_empty());
    let out = view(&mut dev, open, Reentry::forwardCall { target: guarded, data: probe.into() });
    assert!(out.success);
    assert!(!Reentry::isReentrantCall::abi_decode_returns(&out.ret).unwrap(), "another program is not re-entrant");
}
