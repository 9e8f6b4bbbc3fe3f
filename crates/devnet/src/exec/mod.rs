//! Executing transactions and calls: gas purchase and refund, access lists, the top-level call or
//! create, and the frames below it (EVM bytecode, Stylus programs, precompiles).

mod arbwasm;
mod executor;
mod precompiles;
mod types;

use alloy_primitives::{Address, Bytes, TxKind, U256};
use evm_interpreter::{CallKind, CallOutcome, CallRequest, CallStatus, CreateRequest, CreateScheme};

pub use arbwasm::{ArbWasm, ARB_WASM};
pub use executor::Executor;
pub use precompiles::ARB_SYS;
pub use types::{AccountOverride, BlockEnv, CallParams, CallResult, StateOverride, TxOutcome};

use crate::{
    state::{Journal, WorldState},
    stylus::ProgramCache,
    tx::{self, ValidTx},
};

/// EIP-3529: refunds are capped at a fifth of the gas used.
const MAX_REFUND_QUOTIENT: u64 = 5;

/// What a top-level frame returned.
struct TopLevel {
    status: CallStatus,
    output: Bytes,
    gas_left: u64,
    created: Option<Address>,
}

/// Addresses warm at the start of every transaction (EIP-2929, EIP-3651): the precompiles and the
/// Arbitrum precompiles the devnet serves.
fn precompile_addresses() -> impl Iterator<Item = Address> {
    (1u8..=0x11).map(Address::with_last_byte).chain([ARB_SYS, ARB_WASM])
}

/// Runs the top-level call or create of a transaction-like request.
fn run_top_level(
    exec: &mut Executor<'_, '_>,
    from: Address,
    kind: TxKind,
    value: U256,
    input: Bytes,
    gas: u64,
) -> TopLevel {
    match kind {
        TxKind::Call(to) => {
            let CallOutcome { status, output, gas_left } = exec.call(CallRequest {
                kind: CallKind::Call,
                target: to,
                code_address: to,
                caller: from,
                value,
                input,
                gas_limit: gas,
                is_static: false,
            });
            TopLevel { status, output, gas_left, created: None }
        }
        TxKind::Create => {
            let outcome = exec.create(CreateRequest {
                scheme: CreateScheme::Create,
                caller: from,
                value,
                init_code: input,
                gas_limit: gas,
            });
            let created = (outcome.status == CallStatus::Success).then_some(outcome.address);
            TopLevel { status: outcome.status, output: outcome.output, gas_left: outcome.gas_left, created }
        }
    }
}

/// Executes a checked transaction on `state`.
pub fn execute_transaction(
    state: &mut WorldState,
    programs: &mut ProgramCache,
    env: &BlockEnv,
    tx: &ValidTx,
) -> TxOutcome {
    let mut journal = Journal::new(state);
    let price = U256::from(tx.effective_gas_price);
    let gas_cost = U256::from(tx.gas_limit) * price;
    let balance = journal.balance(&tx.sender);
    journal.set_balance(tx.sender, balance.saturating_sub(gas_cost));
    if tx.kind.is_call() {
        journal.bump_nonce(tx.sender);
    }
    warm_up(&mut journal, tx.sender, tx.kind, env.coinbase, &tx.access_list);

    let mut exec = Executor::new(journal, programs, env, tx.sender, price);
    let top = run_top_level(&mut exec, tx.sender, tx.kind, tx.value, tx.input.clone(), tx.gas_limit - tx.intrinsic_gas);
    let mut journal = exec.into_journal();

    let used_before_refund = tx.gas_limit - top.gas_left;
    let refund = u64::try_from(journal_refund(&journal)).unwrap_or(0).min(used_before_refund / MAX_REFUND_QUOTIENT);
    let gas_used = used_before_refund - refund;
    let returned = U256::from(tx.gas_limit - gas_used) * price;
    let sender_balance = journal.balance(&tx.sender);
    journal.set_balance(tx.sender, sender_balance + returned);
    let tip = price.saturating_sub(U256::from(env.base_fee));
    if !tip.is_zero() {
        let coinbase_balance = journal.balance(&env.coinbase);
        journal.set_balance(env.coinbase, coinbase_balance + tip * U256::from(gas_used));
    }
    let effects = journal.finish();
    TxOutcome {
        success: top.status == CallStatus::Success,
        gas_used,
        output: top.output,
        contract_address: top.created,
        effects,
    }
}

fn journal_refund(journal: &Journal<'_>) -> i64 {
    journal.refund().max(0)
}

/// Warms the sender, the recipient, the coinbase (EIP-3651), the precompiles and the access list.
fn warm_up(
    journal: &mut Journal<'_>,
    sender: Address,
    kind: TxKind,
    coinbase: Address,
    access_list: &[(Address, Vec<alloy_primitives::B256>)],
) {
    journal.warm_account(sender);
    if let TxKind::Call(to) = kind {
        journal.warm_account(to);
    }
    journal.warm_account(coinbase);
    for address in precompile_addresses() {
        journal.warm_account(address);
    }
    for (address, keys) in access_list {
        journal.warm_account(*address);
        for key in keys {
            journal.warm_slot(*address, U256::from_be_bytes(key.0));
        }
    }
}

/// Executes a call without keeping any of its effects (`eth_call`, `eth_estimateGas`).
pub fn call(state: &mut WorldState, programs: &mut ProgramCache, env: &BlockEnv, request: &CallParams) -> CallResult {
    let from = request.from.unwrap_or_default();
    let kind = request.to.map_or(TxKind::Create, TxKind::Call);
    let gas_limit = request.gas.unwrap_or(env.gas_limit);
    let intrinsic = tx::intrinsic_gas(&request.data, kind.is_create(), &[]);
    let Some(gas) = gas_limit.checked_sub(intrinsic) else {
        return CallResult {
            success: false,
            output: Bytes::new(),
            gas_used: gas_limit,
            halted: Some(format!("intrinsic gas too low: gas {gas_limit}, minimum needed {intrinsic}")),
        };
    };
    let mut journal = Journal::new(state);
    let start = journal.checkpoint();
    let price = U256::from(request.gas_price.unwrap_or(0));
    // A call may send value its sender lacks only if asked to pay nothing for gas: tools such as
    // `cargo stylus check` simulate with a funded random sender, others with none at all.
    let needed = request.value + U256::from(gas_limit) * price;
    if journal.balance(&from) < needed {
        journal.set_balance(from, needed);
    }
    if kind.is_call() {
        journal.bump_nonce(from);
    }
    warm_up(&mut journal, from, kind, env.coinbase, &[]);
    let mut exec = Executor::new(journal, programs, env, from, price);
    let top = run_top_level(&mut exec, from, kind, request.value, request.data.clone(), gas);
    let failure = exec.take_failure();
    let mut journal = exec.into_journal();
    let used = gas_limit - top.gas_left;
    let refund = u64::try_from(journal_refund(&journal)).unwrap_or(0).min(used / MAX_REFUND_QUOTIENT);
    journal.revert(start);
    let halted = (top.status == CallStatus::Failed).then(|| match failure {
        Some(reason) => reason,
        None if top.gas_left == 0 => "out of gas".to_string(),
        None => "execution failed".to_string(),
    });
    CallResult {
        success: top.status == CallStatus::Success,
        output: match kind {
            TxKind::Create if top.status == CallStatus::Success => Bytes::new(),
            _ => top.output,
        },
        gas_used: used - refund,
        halted,
    }
}
