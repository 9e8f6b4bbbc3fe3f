//! ArbWasm (0x71): activation of Stylus programs and the views tools call (reference §6).

use alloy_primitives::{address, Address, Bytes, B256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface};
use evm_interpreter::{CallOutcome, CallRequest, CallStatus};
use stylus_wasm::{activate::activate, pricing};

use super::Executor;
use crate::stylus::{self, ProgramRecord};

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

/// How a precompile method ends (reference §6.3).
enum Failure {
    /// A Solidity error: revert with its data, keep the gas.
    Sol(Bytes),
    /// A plain error: revert without data, keep the gas.
    Plain(String),
    /// Activation failed, or an unknown/non-payable misuse: all gas is burned.
    BurnOut(String),
}

type MethodResult = Result<Bytes, Failure>;

/// Answers a call to ArbWasm.
pub fn run(exec: &mut Executor<'_, '_>, request: &CallRequest) -> CallOutcome {
    let mut gas = request.gas_limit;
    // Argument copy cost: 3 per word (§6.1).
    let arg_cost = 3 * (request.input.len() as u64).div_ceil(32);
    if gas < arg_cost {
        return burned();
    }
    gas -= arg_cost;
    // An unknown selector, or value sent to a method that takes none: Nitro's precompile `Call`
    // reverts (`ErrExecutionReverted`, so callers and `eth_call` see a revert) with no gas left.
    let Ok(call) = ArbWasm::ArbWasmCalls::abi_decode(&request.input) else {
        return reverted_without_gas();
    };
    let payable =
        matches!(call, ArbWasm::ArbWasmCalls::activateProgram(_) | ArbWasm::ArbWasmCalls::codehashKeepalive(_));
    if !payable && !request.value.is_zero() {
        return reverted_without_gas();
    }
    let result = match call {
        ArbWasm::ArbWasmCalls::activateProgram(c) => activate_program(exec, request, c.program, &mut gas),
        other => view(exec, other),
    };
    match result {
        Ok(output) => {
            let result_cost = 3 * (output.len() as u64).div_ceil(32);
            match gas.checked_sub(result_cost) {
                Some(gas_left) => CallOutcome { status: CallStatus::Success, output, gas_left },
                None => burned(),
            }
        }
        Err(Failure::Sol(data)) => CallOutcome { status: CallStatus::Revert, output: data, gas_left: gas },
        Err(Failure::Plain(reason)) => {
            tracing::debug!(%reason, "ArbWasm reverted");
            CallOutcome { status: CallStatus::Revert, output: Bytes::new(), gas_left: gas }
        }
        Err(Failure::BurnOut(reason)) => {
            tracing::debug!(%reason, "ArbWasm burned all gas");
            exec.record_failure(reason);
            burned()
        }
    }
}

/// Out of gas: the call fails and keeps nothing.
fn burned() -> CallOutcome {
    CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: 0 }
}

/// A revert without data that keeps no gas.
fn reverted_without_gas() -> CallOutcome {
    CallOutcome { status: CallStatus::Revert, output: Bytes::new(), gas_left: 0 }
}

fn sol_error(error: impl SolError) -> Failure {
    Failure::Sol(Bytes::from(error.abi_encode()))
}

fn hours_now(exec: &Executor<'_, '_>) -> u32 {
    (exec.env.timestamp.saturating_sub(PROGRAMS_EPOCH) / 3600) as u32
}

/// Seconds since activation.
fn age(exec: &Executor<'_, '_>, record: &ProgramRecord) -> u64 {
    let activated = PROGRAMS_EPOCH + u64::from(record.activated_at) * 3600;
    exec.env.timestamp.saturating_sub(activated)
}

/// The record of a current, unexpired program (`getActiveProgram`).
fn active_program(exec: &Executor<'_, '_>, codehash: &B256) -> Result<ProgramRecord, Failure> {
    let record = exec.journal.program(codehash).cloned().ok_or_else(|| sol_error(ArbWasm::ProgramNotActivated {}))?;
    let current = exec.stylus_params().version;
    if record.version != current {
        return Err(sol_error(ArbWasm::ProgramNeedsUpgrade { version: record.version, stylusVersion: current }));
    }
    let age = age(exec, &record);
    if age > EXPIRY_DAYS * 86_400 {
        return Err(sol_error(ArbWasm::ProgramExpired { ageInSeconds: age }));
    }
    Ok(record)
}

/// `activateProgram(address)` (reference §6.2).
fn activate_program(
    exec: &mut Executor<'_, '_>,
    request: &CallRequest,
    program: Address,
    gas: &mut u64,
) -> MethodResult {
    *gas = gas.checked_sub(ACTIVATION_FIXED_GAS).ok_or_else(|| Failure::BurnOut("out of gas".into()))?;
    let code = exec.journal.code(&program);
    if code.is_empty() {
        return Err(sol_error(ArbWasm::ProgramNotWasm {}));
    }
    if !stylus::is_program(&code) {
        return Err(Failure::Plain("specified bytecode is not a Stylus program".into()));
    }
    let codehash = exec.journal.code_hash(&program);
    if active_program(exec, &codehash).is_ok() {
        return Err(sol_error(ArbWasm::ProgramUpToDate {}));
    }
    let params = exec.activation_params();
    let max_wasm_size = exec.stylus_params().max_wasm_size as usize;
    let wasm =
        stylus_wasm::deploy::decompress_program(&code, max_wasm_size).map_err(|e| Failure::Plain(e.to_string()))?;
    let activated =
        activate(&wasm, &params).map_err(|e| Failure::BurnOut(format!("program activation failed: {e}")))?;
    *gas = gas
        .checked_sub(activated.activation_gas.total())
        .ok_or_else(|| Failure::BurnOut("program activation failed: out of gas".into()))?;
    // Storage and event costs through the precompile's burner (§5.6 step 3): the params read, the
    // program record read and write, and the event.
    let storage_gas = 100 + 800 + 20_000 + 375 * 2 + 8 * 32 * 4;
    *gas = gas.checked_sub(storage_gas).ok_or_else(|| Failure::BurnOut("out of gas".into()))?;

    let data_fee = exec.journal.charge_data_fee(activated.info.asm_estimate, exec.env.timestamp);
    if request.value < data_fee {
        return Err(sol_error(ArbWasm::ProgramInsufficientValue { have: request.value, want: data_fee }));
    }
    let was_cached = exec.journal.program(&codehash).is_some_and(|r| r.cached);
    let record = ProgramRecord {
        version: params.stylus_version,
        init_cost: activated.info.init_cost,
        cached_init_cost: activated.info.cached_init_cost,
        footprint: activated.info.footprint,
        activated_at: hours_now(exec),
        asm_estimate_kb: activated.info.asm_estimate.div_ceil(1024),
        cached: was_cached,
        module_hash: activated.module_hash,
    };
    exec.programs.insert(codehash, &activated).map_err(|e| Failure::BurnOut(e.to_string()))?;
    exec.journal.set_program(codehash, record);
    // The value arrived at 0x71 with the call: the fee goes to the network, the rest back.
    let refund = request.value - data_fee;
    let coinbase = exec.env.coinbase;
    if exec.journal.transfer(ARB_WASM, coinbase, data_fee).is_err()
        || exec.journal.transfer(ARB_WASM, request.caller, refund).is_err()
    {
        return Err(Failure::Plain("fee transfer failed".into()));
    }
    let event = ArbWasm::ProgramActivated {
        codehash,
        moduleHash: activated.module_hash,
        program,
        dataFee: data_fee,
        version: params.stylus_version,
    };
    exec.journal.log(alloy_primitives::Log { address: ARB_WASM, data: event.encode_log_data() });
    Ok(Bytes::from(ArbWasm::activateProgramCall::abi_encode_returns(&ArbWasm::activateProgramReturn {
        version: params.stylus_version,
        dataFee: data_fee,
    })))
}

/// The view methods.
fn view(exec: &mut Executor<'_, '_>, call: ArbWasm::ArbWasmCalls) -> MethodResult {
    use ArbWasm::ArbWasmCalls as C;
    let params = exec.stylus_params();
    let program_record = |exec: &mut Executor<'_, '_>, program: Address| {
        let codehash = exec.journal.code_hash(&program);
        active_program(exec, &codehash)
    };
    let out = match call {
        C::stylusVersion(_) => ArbWasm::stylusVersionCall::abi_encode_returns(&params.version),
        C::codehashVersion(c) => {
            ArbWasm::codehashVersionCall::abi_encode_returns(&active_program(exec, &c.codehash)?.version)
        }
        C::codehashAsmSize(c) => ArbWasm::codehashAsmSizeCall::abi_encode_returns(
            &(active_program(exec, &c.codehash)?.asm_estimate_kb.saturating_mul(1024)),
        ),
        C::codehashKeepalive(c) => {
            let record = active_program(exec, &c.codehash)?;
            let age = age(exec, &record);
            if age < KEEPALIVE_DAYS * 86_400 {
                return Err(sol_error(ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }));
            }
            let mut renewed = record;
            renewed.activated_at = hours_now(exec);
            exec.journal.set_program(c.codehash, renewed);
            Vec::new()
        }
        C::programVersion(c) => {
            ArbWasm::programVersionCall::abi_encode_returns(&program_record(exec, c.program)?.version)
        }
        C::programInitGas(c) => {
            let record = program_record(exec, c.program)?;
            let info = record.info();
            ArbWasm::programInitGasCall::abi_encode_returns(&ArbWasm::programInitGasReturn {
                gas: pricing::call_init_gas(&info, &params, false),
                gasWhenCached: pricing::cached_init_gas(&info, &params),
            })
        }
        C::programMemoryFootprint(c) => {
            ArbWasm::programMemoryFootprintCall::abi_encode_returns(&program_record(exec, c.program)?.footprint)
        }
        C::programTimeLeft(c) => {
            let record = program_record(exec, c.program)?;
            let left = (EXPIRY_DAYS * 86_400).saturating_sub(age(exec, &record));
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
