//! ArbWasm (0x71): activation of Stylus programs and the views tools call (reference §6).

use alloy_primitives::{address, Address, Bytes, Log, B256};
use alloy_sol_types::{sol, SolCall, SolEvent};
use revm::{context_interface::JournalTr, interpreter::InterpreterResult};
use stylus_wasm::{activate::activate, pricing};

use super::{
    method::{dispatch, Failure, Meter, MethodKind, MethodResult, PrecompileCall},
    storage,
};
use crate::{
    exec::DevContext,
    stylus::{self, ProgramRecord},
};

/// The precompile's address.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");

/// Nitro's fixed activation charge (`precompiles/ArbWasm.go`).
const ACTIVATION_FIXED_GAS: u64 = 1_659_168;
/// Hours are counted from this Unix time (`programs.go`).
const PROGRAMS_EPOCH: u64 = 1_421_388_000;
/// Programs expire this many days after activation.
const EXPIRY_DAYS: u64 = 365;
/// A keepalive is refused sooner than this many days after activation.
const KEEPALIVE_DAYS: u64 = 31;

sol! {
    /// ArbWasm's interface as Nitro exposes it.
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashKeepalive(bytes32 codehash) external payable;
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 secs);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }
}

/// Answers a call to ArbWasm.
pub(super) fn call(ctx: &mut DevContext<'_>, call: &PrecompileCall) -> (InterpreterResult, Option<String>) {
    use ArbWasm::ArbWasmCalls as C;
    let kind = |method: &C| {
        let payable = matches!(method, C::activateProgram(_) | C::codehashKeepalive(_));
        MethodKind { payable, writes: payable }
    };
    dispatch::<C>(call, kind, |meter, method| match method {
        C::activateProgram(c) => activate_program(ctx, call, c.program, meter),
        other => view(ctx, other),
    })
}

/// Why a program cannot run or be cached (`getActiveProgram`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InactiveProgram {
    /// No activation record (`ProgramNotActivated()`).
    #[error("ProgramNotActivated")]
    NotActivated,
    /// Activated under another Stylus version (`ProgramNeedsUpgrade(version, stylusVersion)`).
    #[error("ProgramNeedsUpgrade({version}, {current})")]
    NeedsUpgrade {
        /// The program's version.
        version: u16,
        /// The chain's.
        current: u16,
    },
    /// Activated more than `expiryDays` ago (`ProgramExpired(ageInSeconds)`).
    #[error("ProgramExpired({age})")]
    Expired {
        /// Seconds since activation.
        age: u64,
    },
}

impl From<InactiveProgram> for Failure {
    fn from(inactive: InactiveProgram) -> Self {
        match inactive {
            InactiveProgram::NotActivated => Failure::sol(ArbWasm::ProgramNotActivated {}),
            InactiveProgram::NeedsUpgrade { version, current } => {
                Failure::sol(ArbWasm::ProgramNeedsUpgrade { version, stylusVersion: current })
            }
            InactiveProgram::Expired { age } => Failure::sol(ArbWasm::ProgramExpired { ageInSeconds: age }),
        }
    }
}

fn hours_now(ctx: &DevContext<'_>) -> u32 {
    (ctx.chain.env.timestamp.saturating_sub(PROGRAMS_EPOCH) / 3600) as u32
}

/// Seconds since activation.
fn age(ctx: &DevContext<'_>, record: &ProgramRecord) -> u64 {
    let activated = PROGRAMS_EPOCH + u64::from(record.activated_at) * 3600;
    ctx.chain.env.timestamp.saturating_sub(activated)
}

/// The record of a current, unexpired program (Nitro's `getActiveProgram`).
///
/// # Errors
/// [`InactiveProgram`] when it was never activated, needs an upgrade or has expired.
pub fn active_program(ctx: &mut DevContext<'_>, codehash: &B256) -> Result<ProgramRecord, InactiveProgram> {
    let record = storage::program(&mut ctx.journaled_state, codehash).ok_or(InactiveProgram::NotActivated)?;
    let current = ctx.chain.stylus_params().version;
    if record.version != current {
        return Err(InactiveProgram::NeedsUpgrade { version: record.version, current });
    }
    let age = age(ctx, &record);
    if age > EXPIRY_DAYS * 86_400 {
        return Err(InactiveProgram::Expired { age });
    }
    Ok(record)
}

/// The code at `address` and its hash.
pub(super) fn code_of(ctx: &mut DevContext<'_>, address: Address) -> (Bytes, B256) {
    match ctx.journaled_state.load_account_with_code(address) {
        Ok(account) => {
            let info = &account.data.info;
            (info.code.as_ref().map(|code| code.original_bytes()).unwrap_or_default(), info.code_hash)
        }
        Err(never) => match never {},
    }
}

/// `activateProgram(address)` (reference §6.2).
fn activate_program(
    ctx: &mut DevContext<'_>,
    call: &PrecompileCall,
    program: Address,
    meter: &mut Meter,
) -> MethodResult {
    meter.burn(ACTIVATION_FIXED_GAS)?;
    let (code, codehash) = code_of(ctx, program);
    if code.is_empty() {
        return Err(Failure::sol(ArbWasm::ProgramNotWasm {}));
    }
    if !stylus::is_program(&code) {
        return Err(Failure::Plain("specified bytecode is not a Stylus program".into()));
    }
    if active_program(ctx, &codehash).is_ok() {
        return Err(Failure::sol(ArbWasm::ProgramUpToDate {}));
    }
    let params = ctx.chain.activation_params();
    let max_wasm_size = ctx.chain.stylus_params().max_wasm_size as usize;
    let wasm =
        stylus_wasm::deploy::decompress_program(&code, max_wasm_size).map_err(|e| Failure::Plain(e.to_string()))?;
    let activated =
        activate(&wasm, &params).map_err(|e| Failure::BurnOut(format!("program activation failed: {e}")))?;
    meter
        .burn(activated.activation_gas.total())
        .map_err(|_| Failure::BurnOut("program activation failed: out of gas".into()))?;
    // Storage and event costs through the precompile's burner (§5.6 step 3): the params read, the
    // program record read and write, and the event.
    let storage_gas = 100 + 800 + 20_000 + 375 * 2 + 8 * 32 * 4;
    meter.burn(storage_gas)?;

    let (data_fee, pricer) =
        storage::data_pricer(&mut ctx.journaled_state).charge(activated.info.asm_estimate, ctx.chain.env.timestamp);
    if call.value < data_fee {
        return Err(Failure::sol(ArbWasm::ProgramInsufficientValue { have: call.value, want: data_fee }));
    }
    storage::set_data_pricer(&mut ctx.journaled_state, pricer);
    // Re-activating a cached program keeps it cached (reference §4.4).
    let was_cached = storage::program(&mut ctx.journaled_state, &codehash).is_some_and(|r| r.cached);
    let record = ProgramRecord {
        version: params.stylus_version,
        init_cost: activated.info.init_cost,
        cached_init_cost: activated.info.cached_init_cost,
        footprint: activated.info.footprint,
        activated_at: hours_now(ctx),
        asm_estimate_kb: activated.info.asm_estimate.div_ceil(1024),
        cached: was_cached,
        module_hash: activated.module_hash,
    };
    ctx.chain.programs.insert(codehash, &activated).map_err(|e| Failure::BurnOut(e.to_string()))?;
    storage::set_program(&mut ctx.journaled_state, &codehash, &record);
    // The value arrived at 0x71 with the call: the fee goes to the network, the rest back.
    let refund = call.value - data_fee;
    let coinbase = ctx.chain.env.coinbase;
    for (to, amount) in [(coinbase, data_fee), (call.caller, refund)] {
        if !matches!(ctx.journaled_state.transfer(ARB_WASM, to, amount), Ok(None)) {
            return Err(Failure::Plain("fee transfer failed".into()));
        }
    }
    let event = ArbWasm::ProgramActivated {
        codehash,
        moduleHash: activated.module_hash,
        program,
        dataFee: data_fee,
        version: params.stylus_version,
    };
    ctx.journaled_state.log(Log { address: ARB_WASM, data: event.encode_log_data() });
    Ok(Bytes::from(ArbWasm::activateProgramCall::abi_encode_returns(&ArbWasm::activateProgramReturn {
        version: params.stylus_version,
        dataFee: data_fee,
    })))
}

/// The view methods.
fn view(ctx: &mut DevContext<'_>, call: ArbWasm::ArbWasmCalls) -> MethodResult {
    use ArbWasm::ArbWasmCalls as C;
    let params = ctx.chain.stylus_params();
    let program_record = |ctx: &mut DevContext<'_>, program: Address| {
        let (_, codehash) = code_of(ctx, program);
        active_program(ctx, &codehash)
    };
    let out = match call {
        C::stylusVersion(_) => ArbWasm::stylusVersionCall::abi_encode_returns(&params.version),
        C::codehashVersion(c) => {
            ArbWasm::codehashVersionCall::abi_encode_returns(&active_program(ctx, &c.codehash)?.version)
        }
        C::codehashAsmSize(c) => ArbWasm::codehashAsmSizeCall::abi_encode_returns(
            &(active_program(ctx, &c.codehash)?.asm_estimate_kb.saturating_mul(1024)),
        ),
        C::codehashKeepalive(c) => {
            let record = active_program(ctx, &c.codehash)?;
            let age = age(ctx, &record);
            if age < KEEPALIVE_DAYS * 86_400 {
                return Err(Failure::sol(ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }));
            }
            let mut renewed = record;
            renewed.activated_at = hours_now(ctx);
            storage::set_program(&mut ctx.journaled_state, &c.codehash, &renewed);
            Vec::new()
        }
        C::programVersion(c) => {
            ArbWasm::programVersionCall::abi_encode_returns(&program_record(ctx, c.program)?.version)
        }
        C::programInitGas(c) => {
            let record = program_record(ctx, c.program)?;
            let info = record.info();
            ArbWasm::programInitGasCall::abi_encode_returns(&ArbWasm::programInitGasReturn {
                gas: pricing::call_init_gas(&info, &params, false),
                gasWhenCached: pricing::cached_init_gas(&info, &params),
            })
        }
        C::programMemoryFootprint(c) => {
            ArbWasm::programMemoryFootprintCall::abi_encode_returns(&program_record(ctx, c.program)?.footprint)
        }
        C::programTimeLeft(c) => {
            let record = program_record(ctx, c.program)?;
            let left = (EXPIRY_DAYS * 86_400).saturating_sub(age(ctx, &record));
            ArbWasm::programTimeLeftCall::abi_encode_returns(&left)
        }
        C::inkPrice(_) => ArbWasm::inkPriceCall::abi_encode_returns(&params.ink_price),
        C::maxStackDepth(_) => ArbWasm::maxStackDepthCall::abi_encode_returns(&params.max_stack_depth),
        C::freePages(_) => ArbWasm::freePagesCall::abi_encode_returns(&params.free_pages),
        C::pageGas(_) => ArbWasm::pageGasCall::abi_encode_returns(&params.page_gas),
        C::pageRamp(_) => ArbWasm::pageRampCall::abi_encode_returns(&pricing::PAGE_RAMP),
        C::pageLimit(_) => ArbWasm::pageLimitCall::abi_encode_returns(&params.page_limit),
        C::minInitGas(_) => {
            let (gas, cached) = pricing::min_init_gas(&params);
            ArbWasm::minInitGasCall::abi_encode_returns(&ArbWasm::minInitGasReturn { gas, cached })
        }
        C::initCostScalar(_) => ArbWasm::initCostScalarCall::abi_encode_returns(&100u64),
        C::expiryDays(_) => ArbWasm::expiryDaysCall::abi_encode_returns(&(EXPIRY_DAYS as u16)),
        C::keepaliveDays(_) => ArbWasm::keepaliveDaysCall::abi_encode_returns(&(KEEPALIVE_DAYS as u16)),
        C::blockCacheSize(_) => ArbWasm::blockCacheSizeCall::abi_encode_returns(&32u16),
        C::activateProgram(_) => return Err(Failure::BurnOut("unreachable: activation is not a view".into())),
    };
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolError;

    #[test]
    fn selectors_and_error_codes_are_nitros() {
        assert_eq!(ArbWasm::activateProgramCall::SELECTOR, [0x58, 0xc7, 0x80, 0xc2]);
        assert_eq!(ArbWasm::stylusVersionCall::SELECTOR, [0xa9, 0x96, 0xe0, 0xc2]);
        assert_eq!(ArbWasm::codehashVersionCall::SELECTOR, [0xd7, 0x0c, 0x0c, 0xa7]);
        assert_eq!(ArbWasm::programVersionCall::SELECTOR, [0xcc, 0x8f, 0x4e, 0x88]);
        assert_eq!(ArbWasm::programInitGasCall::SELECTOR, [0x62, 0xb6, 0x88, 0xaa]);
        assert_eq!(ArbWasm::programMemoryFootprintCall::SELECTOR, [0xae, 0xf3, 0x6b, 0xe3]);
        assert_eq!(ArbWasm::ProgramNotWasm::SELECTOR, [0x27, 0xf3, 0x82, 0x12]);
        assert_eq!(ArbWasm::ProgramNotActivated::SELECTOR, [0x6f, 0x80, 0x9c, 0x4e]);
        assert_eq!(ArbWasm::ProgramNeedsUpgrade::SELECTOR, [0x63, 0x7d, 0x96, 0x8f]);
        assert_eq!(ArbWasm::ProgramExpired::SELECTOR, [0xc9, 0xb1, 0x2e, 0x52]);
        assert_eq!(ArbWasm::ProgramUpToDate::SELECTOR, [0xcc, 0x94, 0x4b, 0xf2]);
        assert_eq!(ArbWasm::ProgramKeepaliveTooSoon::SELECTOR, [0x16, 0xbd, 0x0c, 0xf8]);
        assert_eq!(ArbWasm::ProgramInsufficientValue::SELECTOR, [0x09, 0x78, 0x1a, 0xb7]);
        assert!(ArbWasm::ProgramActivated::SIGNATURE_HASH.starts_with(&[0xc0, 0xe8, 0x12, 0x78]));
    }
}
