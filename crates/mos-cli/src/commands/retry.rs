//! `mos retry`: a failed message run again with `retryMessageIn`, its fields read from the chain.
//!
//! The MOS runs a failed message again only when the fields given hash to what it stored when the
//! message failed: `fromChain`, `toChain`, `orderId`, `fromAddress` and `messageData`, exactly as
//! its failing `mapMessageIn` carries them. The command finds that event through the message's
//! journey (as `mos status` reads it), takes the fields from it, simulates the call (a target that
//! still fails gives its reason and nothing is sent), sends it, and reads the status back.

use alloy_primitives::{TxKind, B256};
use alloy_sol_types::{SolCall, SolEvent};
use mos_message::interfaces::{IMOSExtensions, IMOSV3};
use mos_messenger::explorer::{
    journey::{Journey, Status, StepKind},
    status_name,
};
use mos_rpc::{ChainError, ChainExt, Sender};
use serde_json::json;

use crate::{
    commands::{
        deploy::given_key,
        status::{explorer, parse_order_id, ChainsArgs},
    },
    rpc, CliError, Report,
};

/// The environment variable that can hold the key instead of `--key` (the one `mos send` reads).
const KEY_ENV: &str = "MOS_SEND_KEY";

/// Arguments of `mos retry`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The failed message's orderId (32 bytes, hex).
    #[arg(long, value_name = "ORDER_ID")]
    pub order: String,
    /// The chains its journey is read from.
    #[command(flatten)]
    pub chains: ChainsArgs,
    /// The private key that sends retryMessageIn and pays its gas, hex (or set MOS_SEND_KEY).
    /// Anyone may retry a failed message.
    #[arg(long, value_name = "HEX", env = KEY_ENV, hide_env_values = true)]
    pub key: Option<String>,
}

/// Reads the order's journey, checks it failed, and sends `retryMessageIn` with the fields of its
/// failing `mapMessageIn`.
///
/// # Errors
/// [`CliError::NoKey`] or [`CliError::Key`]; [`CliError::OrderId`]; the errors of
/// [`explorer`]; [`CliError::NotRetryable`] when the message is not failed (unknown, under way,
/// delivered, already retried) or its failing event is not among the blocks read;
/// [`CliError::Reverted`] when the retry's simulation reverts (the target still fails: its
/// reason; nothing is sent); [`CliError::Chain`] when a request or the transaction fails.
pub fn run(args: &Args) -> Result<Report, CliError> {
    let key = given_key(args.key.as_deref(), KEY_ENV)?;
    let order_id = parse_order_id(&args.order)?;
    rpc::block_on(async {
        let explorer = explorer(&args.chains).await?;
        let journey = explorer.journey(order_id).await;
        let (chain_id, transaction) = failing_step(&journey)?;
        let chain = explorer
            .chains()
            .iter()
            .find(|chain| chain.entry.chain_id == chain_id)
            .ok_or_else(|| CliError::NotRetryable(format!("it failed on chain {chain_id}, which is not read")))?;
        let (node, mos) = (chain.chain.as_ref(), chain.entry.mos);
        let what = |call: &str| format!("{call} on {} ({})", chain.entry.name, node.url());
        let receipt = node
            .receipt(transaction)
            .await
            .map_err(|source| CliError::Chain { what: what("eth_getTransactionReceipt"), source })?
            .ok_or_else(|| CliError::NotRetryable(format!("the node has no receipt of {transaction}")))?;
        let failure = receipt
            .inner
            .logs()
            .iter()
            .filter(|log| log.address() == mos)
            .filter_map(|log| IMOSV3::mapMessageIn::decode_log_data(log.data()).ok())
            .find(|event| event.orderId == order_id && !event.result)
            .ok_or_else(|| {
                CliError::NotRetryable(format!("transaction {transaction} holds no failing mapMessageIn of the order"))
            })?;
        let call = IMOSExtensions::retryMessageInCall {
            fromChain: failure.fromChain,
            toChain: failure.toChain,
            orderId: order_id,
            fromAddress: failure.fromAddrss.clone(),
            messageData: failure.callData.clone(),
        };
        let sender = Sender::new(chain.chain.clone(), key)
            .await
            .map_err(|source| CliError::Chain { what: what("eth_chainId"), source })?;
        let receipt = sender
            .send(TxKind::Call(mos), call.abi_encode().into(), alloy_primitives::U256::ZERO)
            .await
            .map_err(|source| match source {
                ChainError::Revert { reason, .. } => CliError::Reverted { call: "retryMessageIn", reason },
                source => CliError::Chain { what: what("retryMessageIn"), source },
            })?;
        let status = node
            .view(mos, &IMOSExtensions::messageStatusCall { orderId: order_id })
            .await
            .map_err(|source| CliError::Chain { what: what("messageStatus"), source })?;
        Ok(Report::new(json!({
            "orderId": order_id.to_string(),
            "chain": chain.entry.name,
            "transactionHash": receipt.transaction_hash.to_string(),
            "blockNumber": receipt.block_number,
            "from": sender.address().to_string(),
            "gasUsed": receipt.gas_used,
            "messageStatus": status_name(status),
            "retried": {
                "fromChain": failure.fromChain.to_string(),
                "toChain": failure.toChain.to_string(),
                "fromAddress": failure.fromAddrss.to_string(),
                "messageData": failure.callData.to_string(),
            },
        })))
    })
}

/// Where the journey's failure is: its chain and transaction.
///
/// # Errors
/// [`CliError::NotRetryable`] saying what the message is instead.
fn failing_step(journey: &Journey) -> Result<(u64, B256), CliError> {
    let not = |what: &str| Err(CliError::NotRetryable(what.to_owned()));
    match journey.status {
        Status::Failed => {}
        Status::Unknown => return not("no chain read has the order (give --from-block if it is older)"),
        Status::Sent | Status::Relayed => return not("it is still on its way: only a failed message can be retried"),
        Status::Delivered => return not("it was delivered: only a failed message can be retried"),
        Status::Retried => return not("it was already retried: a message runs again at most once"),
    }
    journey
        .steps
        .iter()
        .rev()
        .find(|step| matches!(step.kind, StepKind::Executed | StepKind::ExecutedOnRelay) && step.result == Some(false))
        .map(|step| (step.chain.chain_id, step.transaction))
        .map_or_else(|| not("its failing mapMessageIn is not among the blocks read: give --from-block"), Ok)
}
