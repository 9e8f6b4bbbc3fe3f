//! ArbWasmCache (0x72): caching activated programs, so that they pay only the cached init gas at
//! entry (reference §4.4, Nitro's `precompiles/ArbWasmCache.go`). The chain's cache managers
//! ([`crate::ChainConfig::cache_managers`]) may cache and evict; anyone else burns all gas.
//! `cacheCodehash`, unavailable since ArbOS 31, is not served (an unknown selector reverts).

use alloy_primitives::{address, Address, Bytes, Log, B256};
use alloy_sol_types::{sol, SolCall, SolEvent};
use revm::{context_interface::JournalTr, interpreter::InterpreterResult};

use super::{
    arb_sys::STORAGE_READ_GAS,
    arb_wasm::{active_program, code_of},
    method::{dispatch, Failure, Meter, MethodKind, MethodResult, PrecompileCall},
    storage,
};
use crate::exec::DevContext;

/// The precompile's address.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");

sol! {
    /// ArbWasmCache's interface as Nitro exposes it from ArbOS 31.
    interface ArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }
}

pub(super) fn call(ctx: &mut DevContext<'_>, call: &PrecompileCall) -> (InterpreterResult, Option<String>) {
    use ArbWasmCache::ArbWasmCacheCalls as C;
    let kind =
        |method: &C| MethodKind { payable: false, writes: matches!(method, C::cacheProgram(_) | C::evictCodehash(_)) };
    dispatch::<C>(call, kind, |meter, method| {
        let managers = &ctx.chain.env.cache_managers;
        let out = match method {
            C::isCacheManager(c) => {
                meter.burn(STORAGE_READ_GAS)?;
                ArbWasmCache::isCacheManagerCall::abi_encode_returns(&managers.contains(&c.manager))
            }
            C::allCacheManagers(_) => {
                meter.burn(STORAGE_READ_GAS * (1 + managers.len() as u64))?;
                ArbWasmCache::allCacheManagersCall::abi_encode_returns(managers)
            }
            C::codehashIsCached(c) => {
                meter.burn(STORAGE_READ_GAS)?;
                let cached = storage::program(&mut ctx.journaled_state, &c.codehash).is_some_and(|r| r.cached);
                ArbWasmCache::codehashIsCachedCall::abi_encode_returns(&cached)
            }
            C::cacheProgram(c) => {
                let (_, codehash) = code_of(ctx, c.addr);
                set_cached(ctx, call.caller, codehash, true, meter)?;
                Vec::new()
            }
            C::evictCodehash(c) => {
                set_cached(ctx, call.caller, c.codehash, false, meter)?;
                Vec::new()
            }
        };
        Ok(Bytes::from(out))
    })
}

/// Caches or evicts a program (Nitro's `SetProgramCached`): only a cache manager may; caching needs
/// an active program; a change burns the program's init cost and emits `UpdateProgramCache`;
/// asking for the state the program is already in changes nothing.
fn set_cached(
    ctx: &mut DevContext<'_>,
    manager: Address,
    codehash: B256,
    cache: bool,
    meter: &mut Meter,
) -> MethodResult {
    if !ctx.chain.env.cache_managers.contains(&manager) {
        return Err(Failure::BurnOut(format!("{manager} is not a cache manager")));
    }
    meter.burn(STORAGE_READ_GAS)?;
    let record = if cache {
        Some(active_program(ctx, &codehash)?)
    } else {
        storage::program(&mut ctx.journaled_state, &codehash)
    };
    let Some(mut record) = record else { return Ok(Bytes::new()) };
    if record.cached == cache {
        return Ok(Bytes::new());
    }
    let event = ArbWasmCache::UpdateProgramCache { manager, codehash, cached: cache };
    ctx.journaled_state.log(Log { address: super::ARB_WASM_CACHE, data: event.encode_log_data() });
    meter.burn(u64::from(record.init_cost))?;
    record.cached = cache;
    storage::set_program(&mut ctx.journaled_state, &codehash, &record);
    Ok(Bytes::new())
}
