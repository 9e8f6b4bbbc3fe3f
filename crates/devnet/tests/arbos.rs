//! The Arbitrum precompiles at Nitro's addresses and ABIs: ArbSys, ArbGasInfo, ArbWasm's records
//! under revm's journal, and ArbWasmCache, whose caching changes a program's entry price by what
//! `programInitGas` says.

mod common;

use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use common::{program_code, Dev, STORE_WAT};
use devnet::{
    arbos::{ArbGasInfo, ArbSys, ArbWasm, ArbWasmCache, ARB_GAS_INFO, ARB_SYS, ARB_WASM, ARB_WASM_CACHE},
    BlockId,
};

fn view<C: SolCall>(dev: &mut Dev, to: Address, call: C) -> C::Return {
    let result = dev.call(to, call.abi_encode().into());
    assert!(result.success, "{result:?}");
    C::abi_decode_returns(&result.output).unwrap()
}

#[test]
fn arb_sys_reports_the_block_the_chain_and_arbos() {
    let mut dev = Dev::new();
    dev.send(0, TxKind::Call(Address::repeat_byte(9)), U256::from(1), Bytes::new(), 21_000);
    let latest = dev.chain.block(BlockId::Latest).unwrap().clone();
    // eth_call runs in the block after the latest one.
    assert_eq!(view(&mut dev, ARB_SYS, ArbSys::arbBlockNumberCall {}), U256::from(latest.number() + 1));
    assert_eq!(view(&mut dev, ARB_SYS, ArbSys::arbChainIDCall {}), U256::from(412_346));
    assert_eq!(view(&mut dev, ARB_SYS, ArbSys::arbOSVersionCall {}), U256::from(55 + 50));
    let hash = view(&mut dev, ARB_SYS, ArbSys::arbBlockHashCall { arbBlockNum: U256::from(latest.number()) });
    assert_eq!(hash, latest.hash);

    let current = U256::from(latest.number() + 1);
    let result = dev.call(ARB_SYS, ArbSys::arbBlockHashCall { arbBlockNum: current }.abi_encode().into());
    assert!(!result.success && result.halted.is_none(), "a revert, not a halt: {result:?}");
    assert_eq!(result.output, ArbSys::InvalidBlockNumber { requested: current, current }.abi_encode());
}

#[test]
fn arb_gas_info_prices_l2_gas_at_the_base_fee_and_l1_at_zero() {
    let mut dev = Dev::new();
    let base_fee = U256::from(dev.chain.config().base_fee);
    assert_eq!(view(&mut dev, ARB_GAS_INFO, ArbGasInfo::getMinimumGasPriceCall {}), base_fee);
    assert_eq!(view(&mut dev, ARB_GAS_INFO, ArbGasInfo::getL1BaseFeeEstimateCall {}), U256::ZERO);
    let prices = view(&mut dev, ARB_GAS_INFO, ArbGasInfo::getPricesInWeiCall {});
    assert_eq!((prices._0, prices._1), (U256::ZERO, U256::ZERO), "no L1 cost per transaction or byte");
    assert_eq!(prices._2, base_fee * U256::from(20_000), "a storage allocation");
    assert_eq!((prices._3, prices._4, prices._5), (base_fee, U256::ZERO, base_fee));
}

#[test]
fn an_unknown_selector_reverts_with_no_gas_left() {
    let mut dev = Dev::new();
    for precompile in [ARB_SYS, ARB_GAS_INFO, ARB_WASM, ARB_WASM_CACHE] {
        let params = devnet::exec::CallParams {
            to: Some(precompile),
            data: Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]),
            gas: Some(100_000),
            ..Default::default()
        };
        let result = dev.chain.call(&params, BlockId::Latest, &Default::default()).unwrap();
        assert!(!result.success && result.halted.is_none(), "{precompile}: {result:?}");
        assert_eq!(result.gas_used, 100_000, "{precompile}");
    }
}

/// The gas an `eth_call` of the program (reading slot 0) uses.
fn read_gas(dev: &mut Dev, program: Address) -> u64 {
    let result = dev.call(program, Bytes::new());
    assert!(result.success, "{result:?}");
    result.gas_used
}

#[test]
fn a_cached_program_pays_only_the_cached_init_gas_at_entry() {
    let mut dev = Dev::new();
    let program = dev.deploy_program(&program_code(STORE_WAT));
    let codehash = dev.chain.read_state(BlockId::Latest, |s| s.account(&program).unwrap().code_hash).unwrap();
    let init = view(&mut dev, ARB_WASM, ArbWasm::programInitGasCall { program });
    assert!(init.gas > init.gasWhenCached, "{} {}", init.gas, init.gasWhenCached);
    assert!(!view(&mut dev, ARB_WASM_CACHE, ArbWasmCache::codehashIsCachedCall { codehash }));
    let uncached = read_gas(&mut dev, program);

    let manager = Dev::address(0);
    assert!(view(&mut dev, ARB_WASM_CACHE, ArbWasmCache::isCacheManagerCall { manager }));
    assert_eq!(view(&mut dev, ARB_WASM_CACHE, ArbWasmCache::allCacheManagersCall {}), vec![manager]);
    let cache = ArbWasmCache::cacheProgramCall { addr: program }.abi_encode();
    let receipt = dev.send(0, TxKind::Call(ARB_WASM_CACHE), U256::ZERO, cache.clone().into(), 1_000_000);
    assert!(receipt.receipt.success, "{receipt:?}");
    let logs = &receipt.receipt.logs;
    assert_eq!(logs.len(), 1);
    let event = ArbWasmCache::UpdateProgramCache::decode_log_data(&logs[0].data).unwrap();
    assert_eq!(
        (logs[0].address, event.manager, event.codehash, event.cached),
        (ARB_WASM_CACHE, manager, codehash, true)
    );
    assert!(view(&mut dev, ARB_WASM_CACHE, ArbWasmCache::codehashIsCachedCall { codehash }));
    let cached = read_gas(&mut dev, program);
    assert_eq!(uncached - cached, init.gas - init.gasWhenCached, "the entry price drops by the init gas");

    // Caching again changes nothing and emits nothing.
    let again = dev.send(0, TxKind::Call(ARB_WASM_CACHE), U256::ZERO, cache.into(), 1_000_000);
    assert!(again.receipt.success && again.receipt.logs.is_empty());

    let evict = ArbWasmCache::evictCodehashCall { codehash }.abi_encode();
    let receipt = dev.send(0, TxKind::Call(ARB_WASM_CACHE), U256::ZERO, evict.into(), 1_000_000);
    assert!(receipt.receipt.success, "{receipt:?}");
    assert!(!view(&mut dev, ARB_WASM_CACHE, ArbWasmCache::codehashIsCachedCall { codehash }));
    assert_eq!(read_gas(&mut dev, program), uncached);
}

#[test]
fn only_a_cache_manager_may_cache_and_anyone_else_burns_all_gas() {
    let mut dev = Dev::new();
    let program = dev.deploy_program(&program_code(STORE_WAT));
    let codehash = dev.chain.read_state(BlockId::Latest, |s| s.account(&program).unwrap().code_hash).unwrap();
    let cache = ArbWasmCache::cacheProgramCall { addr: program }.abi_encode();
    let receipt = dev.send(1, TxKind::Call(ARB_WASM_CACHE), U256::ZERO, cache.into(), 200_000);
    assert!(!receipt.receipt.success);
    assert_eq!(receipt.gas_used, 200_000);
    assert!(!view(&mut dev, ARB_WASM_CACHE, ArbWasmCache::codehashIsCachedCall { codehash }));
}

#[test]
fn caching_a_program_that_was_never_activated_reverts_with_program_not_activated() {
    let mut dev = Dev::new();
    let init = stylus_wasm::deploy::init_code(&program_code(STORE_WAT));
    let receipt = dev.send(0, TxKind::Create, U256::ZERO, init.into(), 10_000_000);
    let program = receipt.contract_address.unwrap();
    let params = devnet::exec::CallParams {
        from: Some(Dev::address(0)),
        to: Some(ARB_WASM_CACHE),
        data: ArbWasmCache::cacheProgramCall { addr: program }.abi_encode().into(),
        ..Default::default()
    };
    let result = dev.chain.call(&params, BlockId::Latest, &Default::default()).unwrap();
    assert!(!result.success && result.halted.is_none(), "a revert: {result:?}");
    assert_eq!(result.output, ArbWasm::ProgramNotActivated {}.abi_encode());
}

/// EVM code that calls ArbWasm with its calldata and value, then reverts whatever happened.
fn activate_then_revert() -> Vec<u8> {
    let runtime = [
        0x36, 0x5f, 0x5f, 0x37, // CALLDATACOPY(0, 0, CALLDATASIZE)
        0x5f, 0x5f, 0x36, 0x5f, 0x34, 0x60, 0x71, 0x5a, 0xf1, // CALL(GAS, 0x71, CALLVALUE, 0, CALLDATASIZE, 0, 0)
        0x5f, 0x5f, 0xfd, // REVERT(0, 0)
    ];
    let mut code = vec![0x60, runtime.len() as u8, 0x80, 0x60, 0x09, 0x5f, 0x39, 0x5f, 0xf3];
    code.extend_from_slice(&runtime);
    code
}

#[test]
fn an_activation_in_a_reverted_frame_leaves_no_record() {
    let mut dev = Dev::new();
    let init = stylus_wasm::deploy::init_code(&program_code(STORE_WAT));
    let program = dev.send(0, TxKind::Create, U256::ZERO, init.into(), 10_000_000).contract_address.unwrap();
    let wrapper = dev.send(0, TxKind::Create, U256::ZERO, activate_then_revert().into(), 1_000_000);
    let wrapper = wrapper.contract_address.unwrap();
    let activate = ArbWasm::activateProgramCall { program }.abi_encode();
    // The inner activation succeeds (the same call straight to ArbWasm does), then the frame reverts.
    let direct = dev.chain.call(
        &devnet::exec::CallParams {
            from: Some(Dev::address(0)),
            to: Some(ARB_WASM),
            data: activate.clone().into(),
            value: U256::from(10u64).pow(U256::from(18)),
            ..Default::default()
        },
        BlockId::Latest,
        &Default::default(),
    );
    assert!(direct.unwrap().success);
    let receipt =
        dev.send(0, TxKind::Call(wrapper), U256::from(10u64).pow(U256::from(18)), activate.into(), 20_000_000);
    assert!(!receipt.receipt.success);
    assert!(receipt.receipt.logs.is_empty(), "ProgramActivated was rolled back");
    let result = dev.call(ARB_WASM, ArbWasm::programVersionCall { program }.abi_encode().into());
    assert_eq!(result.output, ArbWasm::ProgramNotActivated {}.abi_encode(), "no record: {result:?}");
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.balance(&ARB_WASM)).unwrap(), U256::ZERO);
}
