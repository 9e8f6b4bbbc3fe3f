//! `mos send`: a message sent through a MOS with `transferOut`, paying the fee the MOS quotes
//! (`getMessageFee`), from a key given on the command line or in the environment.
//!
//! The transaction is simulated before it is signed: a MOS that refuses the message (an unknown
//! destination, a gas limit out of bounds, a value, a paused MOS) gives its revert reason and
//! nothing is sent. Once mined, the orderId is read from the MOS's `mapMessageOut`.

use std::path::PathBuf;

use alloy_primitives::{Address, TxKind, U256};
use alloy_sol_types::SolCall;
use mos_message::{
    interfaces::{IERC20, IMOSV3},
    MessageOut,
};
use mos_rpc::{Chain, ChainError, ChainExt, Sender};
use serde_json::json;

use crate::{
    chains::{MosArgs, MosChain, MosSpec},
    commands::{deploy::given_key, message::MessageArgs},
    report::uint,
    rpc, CliError, Report,
};

/// The environment variable that can hold the sender's key instead of `--key`.
const KEY_ENV: &str = "MOS_SEND_KEY";

/// Arguments of `mos send`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chain to send from and its MOS.
    #[command(flatten)]
    pub chain: MosArgs,
    /// The deployment file `mos deploy` wrote (with --from), instead of --rpc and --mos.
    #[arg(long, value_name = "FILE", requires = "from")]
    pub deployment: Option<PathBuf>,
    /// The deployment's chain to send from, by name (`chain-a`, `relay`).
    #[arg(long, value_name = "NAME", requires = "deployment")]
    pub from: Option<String>,
    /// The sender's private key, hex (or set MOS_SEND_KEY): it signs transferOut and pays the fee.
    #[arg(long, value_name = "HEX", env = KEY_ENV, hide_env_values = true)]
    pub key: Option<String>,
    /// The destination chain id.
    #[arg(long, value_name = "CHAIN_ID")]
    pub to_chain: U256,
    /// The message.
    #[command(flatten)]
    pub message: MessageArgs,
    /// Pay the fee in this ERC-20 (the sender must have approved the MOS for it) instead of in
    /// native value.
    #[arg(long, value_name = "ADDRESS")]
    pub fee_token: Option<Address>,
}

/// Quotes the fee, simulates and sends `transferOut`, waits for it, and describes the message
/// sent: its orderId (from `mapMessageOut`), the transaction and its block, the fee paid.
///
/// # Errors
/// [`CliError::Key`]; [`CliError::Deployment`] or [`CliError::NoSuchChain`] for an unusable
/// `--deployment` / `--from`; [`CliError::Endpoint`] or [`CliError::Messenger`] when the node
/// cannot be reached or serves another chain than the deployment says; [`CliError::Reverted`] when
/// the MOS quotes no fee for the message or `transferOut`'s simulation reverts (nothing is sent);
/// [`CliError::Fee`] when a token fee exceeds the sender's balance or allowance;
/// [`CliError::Chain`] when a request fails or the transaction fails or is not mined;
/// [`CliError::NoMessageOut`] when the transaction emitted no `mapMessageOut`.
pub fn run(args: &Args) -> Result<Report, CliError> {
    let key = given_key(args.key.as_deref(), KEY_ENV)?;
    let spec = match (args.chain.spec()?, &args.deployment, &args.from) {
        (Some(spec), _, _) => spec,
        (None, Some(deployment), Some(from)) => MosSpec::named(deployment, from)?,
        // clap enforces one of the two forms.
        _ => return Err(CliError::Usage("give --rpc and --mos, or --deployment and --from")),
    };
    let fee_token = args.fee_token.unwrap_or(Address::ZERO);
    let message_data = args.message.encode();
    rpc::block_on(async {
        let chain = spec.connect().await?;
        let sender = Sender::new(chain.node.clone(), key).await.map_err(failed(format!(
            "{} ({})",
            chain.name,
            chain.node.url()
        )))?;
        let quote =
            IMOSV3::getMessageFeeCall { toChain: args.to_chain, feeToken: fee_token, gasLimit: args.message.gas_limit };
        let fee = chain.node.view(chain.mos, &quote).await.map_err(refused("getMessageFee"))?;
        if !fee_token.is_zero() {
            ensure_token_fee(&chain, sender.address(), fee_token, fee.amount).await?;
        }
        let value = if fee_token.is_zero() { fee.amount } else { U256::ZERO };
        let call = IMOSV3::transferOutCall { toChain: args.to_chain, messageData: message_data, feeToken: fee_token };
        // `send` simulates first (a revert there is the only revert it reports), then signs,
        // broadcasts and waits for the receipt, which must succeed.
        let receipt = sender
            .send(TxKind::Call(chain.mos), call.abi_encode().into(), value)
            .await
            .map_err(refused("transferOut"))?;
        let sent = receipt
            .inner
            .logs()
            .iter()
            .filter(|log| log.address() == chain.mos)
            .find_map(|log| MessageOut::decode(log.address(), log.topics(), &log.data().data).ok())
            .ok_or(CliError::NoMessageOut(receipt.transaction_hash))?;
        Ok(Report::new(json!({
            "orderId": sent.order_id.to_string(),
            "transactionHash": receipt.transaction_hash.to_string(),
            "blockNumber": receipt.block_number,
            "chain": chain.name,
            "mos": chain.mos.to_string(),
            "from": sender.address().to_string(),
            "fromChain": uint(sent.from_chain),
            "toChain": uint(sent.to_chain),
            "fee": uint(fee.amount),
            "feeToken": if fee_token.is_zero() { "native".to_owned() } else { fee_token.to_string() },
            "feeReceiver": fee.receiverAddress.to_string(),
            "gasUsed": receipt.gas_used,
            "messageData": sent.message_data.to_string(),
        })))
    })
}

/// A failed request or transaction, named `what`.
fn failed(what: String) -> impl FnOnce(ChainError) -> CliError {
    move |source| CliError::Chain { what, source }
}

/// A failure of `call`: its revert (of a view, or of a transaction's simulation: nothing was
/// sent) with the reason, or the request's failure.
fn refused(call: &'static str) -> impl FnOnce(ChainError) -> CliError {
    move |source| match source {
        ChainError::Revert { reason, .. } => CliError::Reverted { call, reason },
        source => CliError::Chain { what: call.to_owned(), source },
    }
}

/// Checks that `owner` holds `fee` of `token` and lets the MOS take it, as `transferOut` will.
async fn ensure_token_fee(chain: &MosChain, owner: Address, token: Address, fee: U256) -> Result<(), CliError> {
    let what = |call: &str| format!("{call} of the fee token {token}");
    let balance =
        chain.node.view(token, &IERC20::balanceOfCall { account: owner }).await.map_err(failed(what("balanceOf")))?;
    let allowance = chain
        .node
        .view(token, &IERC20::allowanceCall { owner, spender: chain.mos })
        .await
        .map_err(failed(what("allowance")))?;
    match token_fee_problem(fee, token, owner, chain.mos, balance, allowance) {
        Some(problem) => Err(CliError::Fee(problem)),
        None => Ok(()),
    }
}

/// Why `owner` cannot pay `fee` of `token` to `mos`, if it cannot: what it holds, what it allows.
fn token_fee_problem(
    fee: U256,
    token: Address,
    owner: Address,
    mos: Address,
    balance: U256,
    allowance: U256,
) -> Option<String> {
    if balance < fee {
        return Some(format!("the fee is {fee} of the token {token}, but {owner} holds {balance}"));
    }
    (allowance < fee).then(|| {
        format!(
            "the fee is {fee} of the token {token}, but {owner} allows the MOS {mos} to take {allowance}: \
             approve it first (approve({mos}, {fee}) on the token)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_fee_needs_the_balance_then_the_allowance() {
        let (token, owner, mos) = (Address::repeat_byte(0x70), Address::repeat_byte(0x0a), Address::repeat_byte(0x33));
        let fee = U256::from(600);
        assert_eq!(token_fee_problem(fee, token, owner, mos, fee, fee), None);
        assert_eq!(
            token_fee_problem(fee, token, owner, mos, U256::from(599), fee).unwrap(),
            format!("the fee is 600 of the token {token}, but {owner} holds 599")
        );
        assert_eq!(
            token_fee_problem(fee, token, owner, mos, fee, U256::ZERO).unwrap(),
            format!(
                "the fee is 600 of the token {token}, but {owner} allows the MOS {mos} to take 0: \
                 approve it first (approve({mos}, 600) on the token)"
            )
        );
    }
}
