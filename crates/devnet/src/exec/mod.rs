//! Executing transactions and calls on revm ([`evm::DevEvm`]): Osaka's rules for EVM code, Stylus
//! programs as frames inside it, and the Ethereum and Arbitrum precompiles.
//!
//! The devnet follows Osaka (revm's default hardfork) with two of Nitro's differences: a
//! transaction may use the whole block gas limit (Nitro has no EIP-7825 cap), and there is no
//! EIP-7623 calldata floor (Arbitrum prices calldata through its L1 fee, which the devnet charges
//! at zero).

mod commit;
mod db;
mod evm;
mod types;

use alloy_consensus::Transaction as _;
use alloy_primitives::{Bytes, Log, TxKind, B256, U256};
use revm::{
    context::{
        result::{EVMError, ExecutionResult, InvalidTransaction, Output},
        BlockEnv as RevmBlock, CfgEnv, Context, TxEnv,
    },
    context_interface::{
        block::BlobExcessGasAndPrice,
        transaction::{AccessList, AccessListItem},
        JournalTr,
    },
    handler::{EthFrame, EvmTr, Handler, MainnetHandler},
    primitives::{eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE, hardfork::SpecId},
};

pub use crate::arbos::{ArbWasm, ARB_WASM};
pub use db::StateDb;
pub use evm::{DevContext, DevError, DevEvm, DevJournal};
pub use types::{AccountOverride, BlockEnv, CallParams, CallResult, StateOverride, TxOutcome};

use crate::{arbos::ArbosTx, state::WorldState, stylus::ProgramCache, tx::ValidTx};

/// The hardfork whose rules EVM code follows.
pub const SPEC: SpecId = SpecId::OSAKA;

/// A transaction revm refused before executing it (its nonce, balance or gas no longer fit).
#[derive(Debug, thiserror::Error)]
#[error("transaction refused: {0}")]
pub struct Refused(String);

/// Whether fees and nonces are checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A transaction in a block.
    Transaction,
    /// `eth_call` and `eth_estimateGas`: no nonce, balance or base-fee checks.
    Call,
}

/// revm's context for one transaction or call on `state` in the block `env`.
fn context<'a>(
    state: &'a WorldState,
    programs: &'a mut ProgramCache,
    env: &'a BlockEnv,
    tx: TxEnv,
    mode: Mode,
) -> DevContext<'a> {
    let block = RevmBlock {
        number: U256::from(env.number),
        beneficiary: env.coinbase,
        timestamp: U256::from(env.timestamp),
        gas_limit: env.gas_limit,
        basefee: env.base_fee,
        // Arbitrum's DIFFICULTY/PREVRANDAO is the constant 1.
        difficulty: U256::from(1),
        prevrandao: Some(B256::with_last_byte(1)),
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(0, BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE)),
        ..Default::default()
    };
    let ctx: Context<RevmBlock, TxEnv, CfgEnv, StateDb<'a>> = Context::new(StateDb::new(state, env), SPEC);
    let mut ctx = ctx.with_block(block).with_tx(tx).with_chain(ArbosTx::new(env, programs));
    ctx.modify_cfg(|cfg| {
        cfg.chain_id = env.chain_id;
        cfg.tx_chain_id_check = false;
        cfg.tx_gas_limit_cap = Some(env.gas_limit);
        cfg.disable_eip3541 = true;
        cfg.disable_eip7623 = true;
        if mode == Mode::Call {
            cfg.disable_nonce_check = true;
            cfg.disable_balance_check = true;
            cfg.disable_base_fee = true;
        }
    });
    ctx
}

fn access_list(list: &[(alloy_primitives::Address, Vec<B256>)]) -> AccessList {
    AccessList(
        list.iter().map(|(address, keys)| AccessListItem { address: *address, storage_keys: keys.clone() }).collect(),
    )
}

/// What revm ended a transaction or call with, and the state it left.
struct Finished {
    result: Result<ExecutionResult, EVMError<std::convert::Infallible>>,
    accounts: revm::state::EvmState,
    failure: Option<String>,
}

/// Stack that must be left before a transaction or a Stylus frame starts; below it, execution goes
/// on in a new segment of [`STACK_SEGMENT`] bytes. revm's frame loop does not recurse, but a Stylus
/// program that calls runs its child frames on the native stack, inside wasmi's host call: 1024
/// nested frames need far more than a thread's default stack. Segments are allocated only when a
/// transaction nests that deep.
const STACK_RED_ZONE: usize = 1 << 20;
/// Size of each extra stack segment.
const STACK_SEGMENT: usize = 64 << 20;

/// Runs `work` with at least [`STACK_RED_ZONE`] of native stack left.
pub(crate) fn with_stack<T>(work: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, work)
}

fn run(ctx: DevContext<'_>) -> Finished {
    with_stack(|| run_on_stack(ctx))
}

fn run_on_stack(ctx: DevContext<'_>) -> Finished {
    let mut evm = DevEvm::new(ctx);
    let result = MainnetHandler::<_, EVMError<std::convert::Infallible>, EthFrame>::default().run(&mut evm);
    let ctx = evm.ctx();
    let accounts = ctx.journaled_state.finalize();
    Finished { result, accounts, failure: ctx.chain.take_failure() }
}

/// Executes a checked transaction on `state`, writing its effects.
///
/// # Errors
/// [`Refused`] when revm refuses it before execution (nothing is changed).
pub fn execute_transaction(
    state: &mut WorldState,
    programs: &mut ProgramCache,
    env: &BlockEnv,
    tx: &ValidTx,
) -> Result<TxOutcome, Refused> {
    let tx_env = TxEnv {
        tx_type: 2,
        caller: tx.sender,
        gas_limit: tx.gas_limit,
        gas_price: tx.effective_gas_price,
        gas_priority_fee: Some(tx.effective_gas_price.saturating_sub(u128::from(env.base_fee))),
        kind: tx.kind,
        value: tx.value,
        data: tx.input.clone(),
        nonce: tx.envelope.nonce(),
        access_list: access_list(&tx.access_list),
        ..Default::default()
    };
    let finished = run(context(state, programs, env, tx_env, Mode::Transaction));
    let result = finished.result.map_err(|error| Refused(error.to_string()))?;
    let changes = commit::apply(state, finished.accounts);
    let gas_used = result.gas().tx_gas_used();
    let (success, output, contract_address, logs) = outcome_parts(result);
    Ok(TxOutcome { success, gas_used, output, contract_address, changes, logs })
}

/// Splits a result into success, output, created address and logs.
fn outcome_parts(result: ExecutionResult) -> (bool, Bytes, Option<alloy_primitives::Address>, Vec<Log>) {
    match result {
        ExecutionResult::Success { output: Output::Call(output), logs, .. } => (true, output, None, logs),
        ExecutionResult::Success { output: Output::Create(output, address), logs, .. } => (true, output, address, logs),
        ExecutionResult::Revert { output, logs, .. } => (false, output, None, logs),
        ExecutionResult::Halt { logs, .. } => (false, Bytes::new(), None, logs),
    }
}

/// Executes a call without keeping any of its effects (`eth_call`, `eth_estimateGas`).
pub fn call(state: &WorldState, programs: &mut ProgramCache, env: &BlockEnv, request: &CallParams) -> CallResult {
    let gas_limit = request.gas.unwrap_or(env.gas_limit);
    let tx_env = TxEnv {
        tx_type: 2,
        caller: request.from.unwrap_or_default(),
        gas_limit,
        gas_price: request.gas_price.unwrap_or(0),
        gas_priority_fee: None,
        kind: request.to.map_or(TxKind::Create, TxKind::Call),
        value: request.value,
        data: request.data.clone(),
        access_list: access_list(&request.access_list),
        ..Default::default()
    };
    let nonce = state.nonce(&tx_env.caller);
    let tx_env = TxEnv { nonce, ..tx_env };
    let finished = run(context(state, programs, env, tx_env, Mode::Call));
    match finished.result {
        Ok(result) => {
            let gas_used = result.gas().tx_gas_used();
            let halted = match &result {
                ExecutionResult::Halt { reason, .. } => Some(finished.failure.unwrap_or_else(|| halt_message(reason))),
                _ => None,
            };
            let success = result.is_success();
            let output = match result {
                ExecutionResult::Success { output: Output::Create(..), .. } => Bytes::new(),
                other => outcome_parts(other).1,
            };
            CallResult { success, output, gas_used, halted }
        }
        Err(error) => CallResult {
            success: false,
            output: Bytes::new(),
            gas_used: gas_limit,
            halted: Some(refusal_message(&error)),
        },
    }
}

/// geth's words for why a call halted.
fn halt_message(reason: &revm::context::result::HaltReason) -> String {
    match reason {
        revm::context::result::HaltReason::OutOfGas(_) => "out of gas".into(),
        other => format!("execution failed: {other:?}"),
    }
}

/// geth's words for a call refused before execution.
fn refusal_message(error: &EVMError<std::convert::Infallible>) -> String {
    match error {
        EVMError::Transaction(InvalidTransaction::CallGasCostMoreThanGasLimit { initial_gas, gas_limit }) => {
            format!("intrinsic gas too low: gas {gas_limit}, minimum needed {initial_gas}")
        }
        other => other.to_string(),
    }
}
