//! `mos prove`: the receipt proof of a transaction, or of the receipt holding a log, built from a
//! JSON-RPC node, with the logs it proves.

use alloy_primitives::{hex, B256};
use light_client_iface::ReceiptProofView;
use mos_prover::rpc::{prove_log, prove_transaction};
use serde_json::{json, Map, Value};

use crate::{commands::decode_logs, rpc, CliError, Report};

/// Arguments of `mos prove`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON-RPC endpoint (http://) of the chain the transaction is on.
    #[arg(long, value_name = "URL")]
    pub rpc: String,
    /// The transaction whose receipt to prove.
    #[arg(
        long,
        value_name = "HASH",
        required_unless_present = "block",
        conflicts_with = "block",
        value_parser = crate::input::hash32
    )]
    pub tx: Option<B256>,
    /// The block of the log to prove (with --log).
    #[arg(long, value_name = "NUMBER", requires = "log")]
    pub block: Option<u64>,
    /// The log to prove: its index in the block, as eth_getLogs's logIndex (with --block).
    #[arg(long, value_name = "INDEX", requires = "block")]
    pub log: Option<u64>,
}

/// Builds the proof, checks that it verifies, and describes it and its logs.
///
/// A MOS event among the logs whose data does not decode is flagged in its entry (`error`); the
/// proof is still the proof, so that is not a failure of the command.
///
/// # Errors
/// [`CliError::Endpoint`] for a bad `--rpc`, [`CliError::Node`] when the node is unreachable, does
/// not know the transaction or block, or serves a header or receipts that do not check out,
/// [`CliError::Proof`] if the proof built does not verify.
pub fn run(args: &Args) -> Result<Report, CliError> {
    let node = rpc::node("--rpc", &args.rpc)?;
    let proven = match (args.tx, args.block.zip(args.log)) {
        (Some(tx), _) => rpc::block_on(async { Ok(prove_transaction(&node, tx).await?) })?,
        (None, Some((block, log))) => rpc::block_on(async { Ok(prove_log(&node, block, log).await?) })?,
        // clap enforces one of the two forms.
        (None, None) => return Err(CliError::Usage("give --tx, or --block with --log")),
    };
    let encoded = proven.proof.encode();
    let verified =
        ReceiptProofView::decode(&encoded).map_err(|e| CliError::Proof(e.into()))?.verify().map_err(CliError::Proof)?;
    let (mut logs, _) = decode_logs::logs_json(&verified.receipt.logs())?;
    for (entry, block_index) in logs.iter_mut().zip(proven.first_log_index..) {
        if let Value::Object(fields) = entry {
            fields.insert("blockLogIndex".into(), json!(block_index));
        }
    }
    let mut summary = Map::new();
    summary.insert("blockNumber".into(), json!(proven.block_number));
    summary.insert("blockHash".into(), json!(proven.block_hash.to_string()));
    summary.insert("transactionHash".into(), json!(proven.transaction_hash.to_string()));
    summary.insert("receiptIndex".into(), json!(proven.receipt_index));
    summary.insert("success".into(), json!(verified.receipt.success()));
    if let Some(log) = args.log {
        // What transferInWithIndex takes: the log's index in the receipt.
        summary.insert("logIndex".into(), json!(log - proven.first_log_index));
    }
    summary.insert("nodes".into(), json!(proven.proof.nodes().len()));
    summary.insert("proofSize".into(), json!(encoded.len()));
    summary.insert("logs".into(), Value::Array(logs));
    summary.insert("proof".into(), json!(hex::encode_prefixed(&encoded)));
    Ok(Report::new(Value::Object(summary)))
}
