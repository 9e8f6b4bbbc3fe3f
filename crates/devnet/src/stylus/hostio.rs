//! The `vm_hooks` a Stylus program imports (reference §2.3), with Nitro's semantics and prices
//! (§2.2 ink per hostio, §2.4 the EVM costs behind them, §3 the storage cache).

use alloy_primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use revm::{
    context_interface::{cfg::gas, CreateScheme, JournalTr},
    handler::FrameResult,
    interpreter::{
        interpreter_action::FrameInput, CallInput, CallInputs, CallScheme, CallValue, CreateInputs, InstructionResult,
    },
};
use stylus_wasm::pricing::hostio as pricing;
use wasmi::{Caller, Linker};

use super::{
    env::{EnvAccess, Escape, HostResult, ProgramEnv},
    evm_state::{self, AccountView},
};

type Ctx<'c, 'e, 'a> = Caller<'c, ProgramEnv<'e, 'a>>;

/// What SSTORE's sentry requires left (EIP-2200): the call stipend.
const SSTORE_SENTRY: u64 = gas::CALL_STIPEND;

/// Registers every hostio (and, on debug chains, the `console` imports) on `linker`.
///
/// # Errors
/// Only if a name is defined twice, which this function never does.
pub fn define<'e, 'a>(linker: &mut Linker<ProgramEnv<'e, 'a>>, debug: bool) -> Result<(), wasmi::Error> {
    const M: &str = "vm_hooks";
    linker.func_wrap(M, "read_args", read_args)?;
    linker.func_wrap(M, "write_result", write_result)?;
    linker.func_wrap(M, "exit_early", exit_early)?;
    linker.func_wrap(M, "storage_load_bytes32", storage_load_bytes32)?;
    linker.func_wrap(M, "storage_cache_bytes32", storage_cache_bytes32)?;
    linker.func_wrap(M, "storage_flush_cache", storage_flush_cache)?;
    linker.func_wrap(M, "transient_load_bytes32", transient_load_bytes32)?;
    linker.func_wrap(M, "transient_store_bytes32", transient_store_bytes32)?;
    linker.func_wrap(M, "call_contract", call_contract)?;
    linker.func_wrap(M, "delegate_call_contract", delegate_call_contract)?;
    linker.func_wrap(M, "static_call_contract", static_call_contract)?;
    linker.func_wrap(M, "create1", create1)?;
    linker.func_wrap(M, "create2", create2)?;
    linker.func_wrap(M, "read_return_data", read_return_data)?;
    linker.func_wrap(M, "return_data_size", return_data_size)?;
    linker.func_wrap(M, "emit_log", emit_log)?;
    linker.func_wrap(M, "account_balance", account_balance)?;
    linker.func_wrap(M, "account_code", account_code)?;
    linker.func_wrap(M, "account_code_size", account_code_size)?;
    linker.func_wrap(M, "account_codehash", account_codehash)?;
    linker.func_wrap(M, "evm_gas_left", evm_gas_left)?;
    linker.func_wrap(M, "evm_ink_left", evm_ink_left)?;
    linker.func_wrap(M, "block_basefee", block_basefee)?;
    linker.func_wrap(M, "chainid", chainid)?;
    linker.func_wrap(M, "block_coinbase", block_coinbase)?;
    linker.func_wrap(M, "block_gas_limit", block_gas_limit)?;
    linker.func_wrap(M, "block_number", block_number)?;
    linker.func_wrap(M, "block_timestamp", block_timestamp)?;
    linker.func_wrap(M, "contract_address", contract_address)?;
    linker.func_wrap(M, "math_div", math_div)?;
    linker.func_wrap(M, "math_mod", math_mod)?;
    linker.func_wrap(M, "math_pow", math_pow)?;
    linker.func_wrap(M, "math_add_mod", math_add_mod)?;
    linker.func_wrap(M, "math_mul_mod", math_mul_mod)?;
    linker.func_wrap(M, "msg_reentrant", msg_reentrant)?;
    linker.func_wrap(M, "msg_sender", msg_sender)?;
    linker.func_wrap(M, "msg_value", msg_value)?;
    linker.func_wrap(M, "native_keccak256", native_keccak256)?;
    linker.func_wrap(M, "tx_gas_price", tx_gas_price)?;
    linker.func_wrap(M, "tx_ink_price", tx_ink_price)?;
    linker.func_wrap(M, "tx_origin", tx_origin)?;
    linker.func_wrap(M, "pay_for_memory_grow", pay_for_memory_grow)?;
    if debug {
        linker.func_wrap("console", "log_txt", |mut c: Ctx, ptr: u32, len: u32| -> HostResult<()> {
            let text = c.read(ptr, len)?;
            tracing::info!(target: "stylus", "{}", String::from_utf8_lossy(&text));
            Ok(())
        })?;
        linker.func_wrap("console", "log_i32", |_: Ctx, v: i32| tracing::info!(target: "stylus", "{v}"))?;
        linker.func_wrap("console", "log_i64", |_: Ctx, v: i64| tracing::info!(target: "stylus", "{v}"))?;
        linker.func_wrap("console", "log_f32", |_: Ctx, v: f32| tracing::info!(target: "stylus", "{v}"))?;
        linker.func_wrap("console", "log_f64", |_: Ctx, v: f64| tracing::info!(target: "stylus", "{v}"))?;
        linker.func_wrap("console", "tee_i32", |_: Ctx, v: i32| -> i32 {
            tracing::info!(target: "stylus", "{v}");
            v
        })?;
        linker.func_wrap("console", "tee_i64", |_: Ctx, v: i64| -> i64 {
            tracing::info!(target: "stylus", "{v}");
            v
        })?;
    }
    Ok(())
}

fn read_args(mut c: Ctx, ptr: u32) -> HostResult<()> {
    let args = c.env().frame.args.clone();
    c.buy_ink(pricing::HOSTIO_INK + pricing::write_price(args.len() as u32))?;
    c.write(ptr, &args)
}

fn write_result(mut c: Ctx, ptr: u32, len: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + 2 * pricing::read_price(len))?;
    let result = c.read(ptr, len)?;
    c.env().result = result;
    Ok(())
}

fn exit_early(mut c: Ctx, status: u32) -> HostResult<()> {
    c.escape(Escape::Exit(status))
}

/// EVM API gas for a storage load miss on ArbOS ≥ 32 (`ink_to_gas(EVM_API_INK)`, §2.2).
fn evm_api_gas(c: &mut Ctx) -> u64 {
    pricing::EVM_API_INK / c.env().ink_price.max(1)
}

fn storage_load_bytes32(mut c: Ctx, key: u32, dest: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + 2 * pricing::PTR_INK)?;
    let api = evm_api_gas(&mut c);
    c.require_gas(gas::COLD_SLOAD_COST + pricing::STORAGE_CACHE_REQUIRED_ACCESS_GAS + api)?;
    let key = U256::from_be_bytes(c.read_word(key)?);
    let env = c.env();
    let mut cost = env.cache.read_gas();
    let value = match env.cache.get(&key) {
        Some(value) => value,
        None => {
            let address = env.frame.address;
            let slot = evm_state::sload(env.evm.context(), address, key);
            cost += if slot.cold { gas::COLD_SLOAD_COST } else { gas::WARM_STORAGE_READ_COST } + api;
            env.cache.insert_known(key, slot.value);
            slot.value
        }
    };
    c.buy_gas(cost)?;
    c.write(dest, &value.to_be_bytes::<32>())
}

fn storage_cache_bytes32(mut c: Ctx, key: u32, value: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + 2 * pricing::PTR_INK)?;
    c.require_gas(SSTORE_SENTRY + pricing::STORAGE_CACHE_REQUIRED_ACCESS_GAS)?;
    let key = U256::from_be_bytes(c.read_word(key)?);
    let value = U256::from_be_bytes(c.read_word(value)?);
    let cost = c.env().cache.write_gas();
    c.buy_gas(cost)?;
    c.env().cache.write(key, value);
    Ok(())
}

fn storage_flush_cache(mut c: Ctx, clear: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK)?;
    c.require_gas(SSTORE_SENTRY)?;
    let dirty = c.env().cache.take_dirty(clear != 0);
    if dirty.is_empty() {
        return Ok(());
    }
    if c.env().frame.is_static {
        return c.escape(Escape::Failure("write protection: storage flush in a static call".into()));
    }
    let budget = c.gas_left();
    let env = c.env();
    let address = env.frame.address;
    let mut total = 0u64;
    for (key, value) in dirty {
        let ctx = env.evm.context();
        let write = evm_state::sstore(ctx, address, key, value);
        let gas_params = &ctx.cfg.gas_params;
        let cost = gas_params.sstore_static_gas() + gas_params.sstore_dynamic_gas(true, &write.value, write.cold);
        let refund = gas_params.sstore_refund(true, &write.value);
        total = total.saturating_add(cost);
        if total > budget {
            break;
        }
        env.refund += refund;
    }
    // Nitro's budget is gas_left + 1 and ending at exactly zero counts as out of gas, so the flush
    // succeeds only when it costs at most the gas left; otherwise the purchase fails out of ink.
    c.buy_gas(total)
}

fn transient_load_bytes32(mut c: Ctx, key: u32, dest: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK + 2 * pricing::PTR_INK)?;
    c.buy_gas(gas::WARM_STORAGE_READ_COST)?;
    let key = U256::from_be_bytes(c.read_word(key)?);
    let env = c.env();
    let address = env.frame.address;
    let value = env.evm.context().journaled_state.tload(address, key);
    c.write(dest, &value.to_be_bytes::<32>())
}

fn transient_store_bytes32(mut c: Ctx, key: u32, value: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK + 2 * pricing::PTR_INK)?;
    c.buy_gas(gas::WARM_STORAGE_READ_COST)?;
    let key = U256::from_be_bytes(c.read_word(key)?);
    let value = U256::from_be_bytes(c.read_word(value)?);
    if c.env().frame.is_static {
        return c.escape(Escape::Failure("write protection: transient store in a static call".into()));
    }
    let env = c.env();
    let address = env.frame.address;
    env.evm.context().journaled_state.tstore(address, key, value);
    Ok(())
}

/// The guest pointers and values a call hostio takes.
struct CallArgs {
    contract: u32,
    data: u32,
    data_len: u32,
    /// The value's pointer; `None` for delegate and static calls.
    value: Option<u32>,
    gas: u64,
    ret_len: u32,
}

/// EIP-2929 and EIP-150's price of a call before the gas it forwards: the access, the value
/// transfer, and a new account for value sent to an empty one.
fn call_cost(cold: bool, transfers: bool, creates_account: bool) -> u64 {
    let access = if cold { gas::COLD_ACCOUNT_ACCESS_COST } else { gas::WARM_STORAGE_READ_COST };
    access + if transfers { gas::CALLVALUE } else { 0 } + if creates_account { gas::NEWACCOUNT } else { 0 }
}

/// The frame a call hostio opens: who acts, who pays and what code runs.
fn call_inputs(
    frame: &super::env::ProgramFrame,
    scheme: CallScheme,
    target: Address,
    callee: AccountView,
    input: Bytes,
    value: U256,
    gas_limit: u64,
) -> CallInputs {
    let delegate = scheme == CallScheme::DelegateCall;
    CallInputs {
        input: CallInput::Bytes(input),
        return_memory_offset: 0..0,
        gas_limit,
        reservoir: 0,
        bytecode_address: target,
        known_bytecode: (callee.raw_code_hash, callee.bytecode),
        target_address: if delegate { frame.address } else { target },
        caller: if delegate { frame.caller } else { frame.address },
        value: if delegate { CallValue::Apparent(frame.value) } else { CallValue::Transfer(value) },
        scheme,
        is_static: frame.is_static || scheme == CallScheme::StaticCall,
        charged_new_account_state_gas: false,
    }
}

/// The three call hostios (reference §2.4, Nitro's `doCall`).
fn do_call(c: &mut Ctx, scheme: CallScheme, args: CallArgs) -> HostResult<u8> {
    let CallArgs { contract, data, data_len, value, gas: gas_req, ret_len } = args;
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK + 3 * pricing::PTR_INK + 2 * pricing::read_price(data_len))?;
    let target = c.read_address(contract)?;
    let input = Bytes::from(c.read(data, data_len)?);
    let value = match value {
        Some(ptr) => U256::from_be_bytes(c.read_word(ptr)?),
        None => U256::ZERO,
    };
    let gas_left = c.gas_left();
    let gas_req = gas_req.min(gas_left);
    let (status, output, cost) = {
        let env = c.env();
        let frame = env.frame.clone();
        if frame.is_static && !value.is_zero() {
            (2, Bytes::new(), 0)
        } else {
            let callee = evm_state::account(env.evm.context(), target);
            let transfers = !value.is_zero();
            let base = call_cost(callee.cold, transfers, transfers && callee.value.empty);
            if base > gas_left {
                (2, Bytes::new(), gas_left)
            } else {
                let mut child_gas = ((gas_left - base) * 63 / 64).min(gas_req);
                if transfers {
                    child_gas = child_gas.saturating_add(gas::CALL_STIPEND);
                }
                let inputs = call_inputs(&frame, scheme, target, callee.value, input, value, child_gas);
                match env.evm.run_child(FrameInput::Call(Box::new(inputs))) {
                    Ok(FrameResult::Call(outcome)) => {
                        let result = outcome.result;
                        if result.result.is_ok() {
                            env.refund += result.gas.refunded();
                        }
                        let status = u8::from(!result.result.is_ok()) * 2;
                        (status, result.output, base.saturating_add(child_gas.saturating_sub(result.gas.remaining())))
                    }
                    Ok(FrameResult::Create(_)) | Err(_) => {
                        return c.escape(Escape::Failure("the call's frame did not return a call result".into()))
                    }
                }
            }
        }
    };
    let len = output.len() as u32;
    c.env().return_data = output;
    c.buy_gas(cost)?;
    c.write(ret_len, &len.to_le_bytes())?;
    Ok(status)
}

fn call_contract(
    mut c: Ctx,
    contract: u32,
    data: u32,
    len: u32,
    value: u32,
    gas: u64,
    ret_len: u32,
) -> HostResult<u32> {
    let args = CallArgs { contract, data, data_len: len, value: Some(value), gas, ret_len };
    do_call(&mut c, CallScheme::Call, args).map(u32::from)
}

fn delegate_call_contract(mut c: Ctx, contract: u32, data: u32, len: u32, gas: u64, ret_len: u32) -> HostResult<u32> {
    let args = CallArgs { contract, data, data_len: len, value: None, gas, ret_len };
    do_call(&mut c, CallScheme::DelegateCall, args).map(u32::from)
}

fn static_call_contract(mut c: Ctx, contract: u32, data: u32, len: u32, gas: u64, ret_len: u32) -> HostResult<u32> {
    let args = CallArgs { contract, data, data_len: len, value: None, gas, ret_len };
    do_call(&mut c, CallScheme::StaticCall, args).map(u32::from)
}

/// CREATE and CREATE2 from a program (reference §2.4, Nitro's `create`).
fn do_create(
    c: &mut Ctx,
    code: u32,
    code_len: u32,
    endowment: u32,
    salt: Option<u32>,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    // create1 reads three pointers' worth of arguments, create2 four (83 193 and 88 233 ink).
    let pointers = if salt.is_some() { 4 } else { 3 };
    let base_ink = pricing::HOSTIO_INK + pricing::EVM_API_INK + pointers * pricing::PTR_INK;
    c.buy_ink(base_ink + 2 * pricing::read_price(code_len))?;
    let init_code = Bytes::from(c.read(code, code_len)?);
    let value = U256::from_be_bytes(c.read_word(endowment)?);
    let scheme = match salt {
        Some(ptr) => CreateScheme::Create2 { salt: U256::from_be_bytes(c.read_word(ptr)?) },
        None => CreateScheme::Create,
    };
    if c.env().frame.is_static {
        return c.escape(Escape::Failure("write protection: create in a static call".into()));
    }
    let start_gas = c.gas_left();
    let mut base = gas::CREATE;
    if salt.is_some() {
        base = base.saturating_add(gas::KECCAK256WORD.saturating_mul((init_code.len() as u64).div_ceil(32)));
    }
    if start_gas < base {
        return c.escape(Escape::Failure("out of gas for create".into()));
    }
    let gas = start_gas - base;
    let one_64th = gas / 64;
    let child_gas = gas - one_64th;
    let env = c.env();
    let inputs = CreateInputs::new(env.frame.address, scheme, value, init_code, child_gas, 0);
    let outcome = match env.evm.run_child(FrameInput::Create(Box::new(inputs))) {
        Ok(FrameResult::Create(outcome)) => outcome,
        Ok(FrameResult::Call(_)) | Err(_) => {
            return c.escape(Escape::Failure("the create's frame did not return a create result".into()))
        }
    };
    let result = &outcome.result;
    if result.result.is_ok() {
        env.refund += result.gas.refunded();
    }
    let address = if result.result.is_ok() { outcome.address.unwrap_or_default() } else { Address::ZERO };
    let return_data = if result.result == InstructionResult::Revert { result.output.clone() } else { Bytes::new() };
    let cost = start_gas.saturating_sub(result.gas.remaining() + one_64th);
    let len = return_data.len() as u32;
    c.env().return_data = return_data;
    c.buy_gas(cost)?;
    c.write(contract, address.as_slice())?;
    c.write(revert_len, &len.to_le_bytes())
}

fn create1(mut c: Ctx, code: u32, len: u32, endowment: u32, contract: u32, revert_len: u32) -> HostResult<()> {
    do_create(&mut c, code, len, endowment, None, contract, revert_len)
}

fn create2(
    mut c: Ctx,
    code: u32,
    len: u32,
    endowment: u32,
    salt: u32,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    do_create(&mut c, code, len, endowment, Some(salt), contract, revert_len)
}

fn read_return_data(mut c: Ctx, dest: u32, offset: u32, size: u32) -> HostResult<u32> {
    let data = c.env().return_data.clone();
    let start = (offset as usize).min(data.len());
    let end = start.saturating_add(size as usize).min(data.len());
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK + pricing::write_price((end - start) as u32))?;
    c.write(dest, &data[start..end])?;
    Ok((end - start) as u32)
}

fn return_data_size(mut c: Ctx) -> HostResult<u32> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.env().return_data.len() as u32)
}

fn emit_log(mut c: Ctx, data: u32, len: u32, topics: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK)?;
    if topics > 4 || len < topics * 32 {
        return c.escape(Escape::Failure(format!("bad log: {topics} topics in {len} bytes")));
    }
    c.buy_ink(pricing::read_price(len))?;
    let data_len = u64::from(len - topics * 32);
    c.buy_gas(gas::LOG + gas::LOGTOPIC * u64::from(topics) + gas::LOGDATA * data_len)?;
    let bytes = c.read(data, len)?;
    if c.env().frame.is_static {
        return c.escape(Escape::Failure("write protection: log in a static call".into()));
    }
    let split = topics as usize * 32;
    let topics: Vec<B256> = bytes[..split].chunks_exact(32).map(B256::from_slice).collect();
    let env = c.env();
    let log = Log {
        address: env.frame.address,
        data: LogData::new_unchecked(topics, Bytes::copy_from_slice(&bytes[split..])),
    };
    env.evm.context().journaled_state.log(log);
    Ok(())
}

/// Loads an account for the account hostios: warm 100 / cold 2 600.
fn touch(c: &mut Ctx, address: Address) -> (AccountView, u64) {
    let account = evm_state::account(c.env().evm.context(), address);
    let cost = if account.cold { gas::COLD_ACCOUNT_ACCESS_COST } else { gas::WARM_STORAGE_READ_COST };
    (account.value, cost)
}

fn account_balance(mut c: Ctx, address: u32, dest: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK + 2 * pricing::PTR_INK)?;
    c.require_gas(gas::COLD_ACCOUNT_ACCESS_COST)?;
    let address = c.read_address(address)?;
    let (account, cost) = touch(&mut c, address);
    c.buy_gas(cost)?;
    c.write(dest, &account.balance.to_be_bytes::<32>())
}

fn account_codehash(mut c: Ctx, address: u32, dest: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK + 2 * pricing::PTR_INK)?;
    c.require_gas(gas::COLD_ACCOUNT_ACCESS_COST)?;
    let address = c.read_address(address)?;
    let (account, cost) = touch(&mut c, address);
    c.buy_gas(cost)?;
    c.write(dest, account.ext_code_hash().as_slice())
}

/// The code at `address` and the gas reading it costs: `MaxCodeSize / 24576 × 700` plus the access,
/// nothing when the same address was read last (reference §2.2).
fn load_code(c: &mut Ctx, address: Address) -> HostResult<(Bytes, u64)> {
    c.require_gas(gas::COLD_ACCOUNT_ACCESS_COST)?;
    if let Some((last, code)) = &c.env().last_code {
        if *last == address {
            return Ok((code.clone(), 0));
        }
    }
    let (account, access) = touch(c, address);
    let code = account.code();
    if !code.is_empty() {
        c.env().last_code = Some((address, code.clone()));
    }
    Ok((code, 700 + access))
}

fn account_code(mut c: Ctx, address: u32, offset: u32, size: u32, dest: u32) -> HostResult<u32> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK)?;
    let address = c.read_address(address)?;
    let (code, cost) = load_code(&mut c, address)?;
    c.buy_gas(cost)?;
    c.buy_ink(pricing::write_price(code.len() as u32))?;
    let start = (offset as usize).min(code.len());
    let end = start.saturating_add(size as usize).min(code.len());
    c.write(dest, &code[start..end])?;
    Ok((end - start) as u32)
}

fn account_code_size(mut c: Ctx, address: u32) -> HostResult<u32> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::EVM_API_INK)?;
    let address = c.read_address(address)?;
    let (code, cost) = load_code(&mut c, address)?;
    c.buy_gas(cost)?;
    Ok(code.len() as u32)
}

fn evm_gas_left(mut c: Ctx) -> HostResult<u64> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.gas_left())
}

fn evm_ink_left(mut c: Ctx) -> HostResult<u64> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.ink_left())
}

/// Writes a 32-byte word for the cheap environment hostios (13 440 ink).
fn write_word(c: &mut Ctx, dest: u32, word: &[u8]) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + pricing::PTR_INK)?;
    c.write(dest, word)
}

fn block_basefee(mut c: Ctx, dest: u32) -> HostResult<()> {
    let fee = U256::from(c.env().evm.context().chain.env.base_fee);
    write_word(&mut c, dest, &fee.to_be_bytes::<32>())
}

fn block_coinbase(mut c: Ctx, dest: u32) -> HostResult<()> {
    let coinbase = c.env().evm.context().chain.env.coinbase;
    write_word(&mut c, dest, coinbase.as_slice())
}

fn contract_address(mut c: Ctx, dest: u32) -> HostResult<()> {
    let address = c.env().frame.address;
    write_word(&mut c, dest, address.as_slice())
}

fn msg_sender(mut c: Ctx, dest: u32) -> HostResult<()> {
    let sender = c.env().frame.caller;
    write_word(&mut c, dest, sender.as_slice())
}

fn msg_value(mut c: Ctx, dest: u32) -> HostResult<()> {
    let value = c.env().frame.value;
    write_word(&mut c, dest, &value.to_be_bytes::<32>())
}

fn tx_gas_price(mut c: Ctx, dest: u32) -> HostResult<()> {
    let price = U256::from(c.env().evm.context().tx.gas_price);
    write_word(&mut c, dest, &price.to_be_bytes::<32>())
}

fn tx_origin(mut c: Ctx, dest: u32) -> HostResult<()> {
    let origin = c.env().evm.context().tx.caller;
    write_word(&mut c, dest, origin.as_slice())
}

fn chainid(mut c: Ctx) -> HostResult<u64> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.env().evm.context().chain.env.chain_id)
}

fn block_gas_limit(mut c: Ctx) -> HostResult<u64> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.env().evm.context().chain.env.gas_limit)
}

fn block_number(mut c: Ctx) -> HostResult<u64> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.env().evm.context().chain.env.number)
}

fn block_timestamp(mut c: Ctx) -> HostResult<u64> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.env().evm.context().chain.env.timestamp)
}

fn msg_reentrant(mut c: Ctx) -> HostResult<u32> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(u32::from(c.env().frame.reentrant))
}

fn tx_ink_price(mut c: Ctx) -> HostResult<u32> {
    c.buy_ink(pricing::HOSTIO_INK)?;
    Ok(c.env().ink_price as u32)
}

/// Reads two words, applies `op`, writes the result over the first.
fn math2(c: &mut Ctx, ink: u64, a: u32, b: u32, op: impl FnOnce(U256, U256) -> U256) -> HostResult<()> {
    c.buy_ink(ink)?;
    let x = U256::from_be_bytes(c.read_word(a)?);
    let y = U256::from_be_bytes(c.read_word(b)?);
    c.write(a, &op(x, y).to_be_bytes::<32>())
}

fn math_div(mut c: Ctx, a: u32, b: u32) -> HostResult<()> {
    math2(&mut c, pricing::HOSTIO_INK + 3 * pricing::PTR_INK + pricing::DIV_INK, a, b, |x, y| {
        x.checked_div(y).unwrap_or_default()
    })
}

fn math_mod(mut c: Ctx, a: u32, b: u32) -> HostResult<()> {
    math2(&mut c, pricing::HOSTIO_INK + 3 * pricing::PTR_INK + pricing::DIV_INK, a, b, |x, y| {
        x.checked_rem(y).unwrap_or_default()
    })
}

fn math_pow(mut c: Ctx, a: u32, b: u32) -> HostResult<()> {
    let exponent = c.read_word(b)?;
    let ink = pricing::HOSTIO_INK + 3 * pricing::PTR_INK + pricing::pow_price(&exponent);
    math2(&mut c, ink, a, b, |x, y| x.pow(y))
}

fn math_add_mod(mut c: Ctx, a: u32, b: u32, m: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + 4 * pricing::PTR_INK + pricing::ADD_MOD_INK)?;
    let x = U256::from_be_bytes(c.read_word(a)?);
    let y = U256::from_be_bytes(c.read_word(b)?);
    let modulus = U256::from_be_bytes(c.read_word(m)?);
    c.write(a, &x.add_mod(y, modulus).to_be_bytes::<32>())
}

fn math_mul_mod(mut c: Ctx, a: u32, b: u32, m: u32) -> HostResult<()> {
    c.buy_ink(pricing::HOSTIO_INK + 4 * pricing::PTR_INK + pricing::MUL_MOD_INK)?;
    let x = U256::from_be_bytes(c.read_word(a)?);
    let y = U256::from_be_bytes(c.read_word(b)?);
    let modulus = U256::from_be_bytes(c.read_word(m)?);
    c.write(a, &x.mul_mod(y, modulus).to_be_bytes::<32>())
}

fn native_keccak256(mut c: Ctx, input: u32, len: u32, output: u32) -> HostResult<()> {
    c.buy_ink(pricing::keccak_price(len))?;
    let data = c.read(input, len)?;
    c.write(output, keccak256(data).as_slice())
}

fn pay_for_memory_grow(mut c: Ctx, pages: u32) -> HostResult<()> {
    if pages == 0 {
        return c.buy_ink(pricing::HOSTIO_INK);
    }
    // wasmer passes the page count as a u16 (reference §10); more than 128 pages costs too much anyway.
    let pages = u16::try_from(pages).unwrap_or(u16::MAX);
    let cost = c.env().evm.context().chain.add_stylus_pages(pages);
    c.buy_gas(cost)
}
