//! Receipt proofs and header attestations from a JSON-RPC node.
//!
//! What a node serves is checked wherever it can be: a header is rebuilt from the block's fields
//! and must hash to the block hash the node gives ([`header_from_rpc`]), and the receipts must
//! rebuild the header's receipts root ([`receipt_proof`](crate::receipt_proof)). A node that serves
//! anything else gets a [`NodeError`], never a proof that would not verify.
//!
//! Everything is read through a [`Chain`] (a [`mos_rpc::Node`], or a chain a test puts in its
//! place), as raw JSON-RPC read into types that accept every receipt type, so the same code serves
//! Ethereum and Arbitrum (whose blocks begin with Arbitrum's own transaction types).

mod light_node;
mod proof;
pub mod sealed;

use alloy_primitives::{Address, Bytes, B256};
use alloy_provider::network::AnyReceiptEnvelope;
use alloy_rpc_types_eth::{BlockId, BlockNumberOrTag, Header as RpcHeader, Log as RpcLog, TransactionReceipt};
use light_client_iface::Header;
use mos_rpc::{Chain, ChainError};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

pub use light_node::{header_to_attest, submit_header, AttestationOutcome, HeaderToAttest, Submission};
pub use proof::{
    prove_log, prove_sealed_transactions_in_block, prove_transaction, prove_transactions_in_block, LightNodeProof,
    TransactionProof,
};

use crate::ProveError;

/// Why a node's answers gave no proof or attestation.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// A request failed: the node is unreachable, refused it, or answered something unreadable
    /// (the error names the JSON-RPC method); or a transaction sent was not mined in time.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The node's answer to `method` is not what the method returns.
    #[error("{method} answered something that is not what it returns: {error}")]
    Unreadable {
        /// The JSON-RPC method.
        method: &'static str,
        /// What does not fit.
        error: String,
    },
    /// The node knows no such transaction.
    #[error("transaction {0} is unknown to the node")]
    TransactionNotFound(B256),
    /// The transaction is known but not in a block yet.
    #[error("transaction {0} is not mined yet")]
    TransactionNotMined(B256),
    /// The node knows no such block.
    #[error("block {} is unknown to the node", describe(.0))]
    BlockNotFound(BlockId),
    /// The receipt of the transaction names a block whose receipts do not include it: the node
    /// contradicts itself (a reorganisation between two requests, or a faulty node).
    #[error("transaction {transaction} is not among the receipts of its block {block}")]
    TransactionNotInBlock {
        /// The transaction.
        transaction: B256,
        /// The block its receipt names.
        block: u64,
    },
    /// The relay chain's node has no information on the epoch (it has not begun).
    #[error("epoch {0} is unknown to the node (it has not begun)")]
    EpochNotFound(u64),
    /// The block has fewer logs than the index asked for.
    #[error("block {block} has {count} logs: there is no log {index}")]
    LogIndexOutOfRange {
        /// The block.
        block: u64,
        /// The block-wide log index asked for.
        index: u64,
        /// How many logs the block has.
        count: u64,
    },
    /// The block's fields do not hash to the block hash: the header cannot be reproduced (a field
    /// the node leaves out or alters, or a chain whose header has fields this format lacks), and a
    /// proof carrying it would not match the attested hash.
    #[error("block {number}: the node gives its hash as {claimed}, but its header hashes to {rebuilt}")]
    HeaderMismatch {
        /// The block number.
        number: u64,
        /// The hash the node gives (or the hash the block was asked by).
        claimed: B256,
        /// keccak256 of the header rebuilt from the node's fields.
        rebuilt: B256,
    },
    /// The block's receipts do not prove the receipt (they miss the receipts root).
    #[error("block {block}: {source}")]
    Proof {
        /// The block.
        block: u64,
        /// What the proof builder found.
        #[source]
        source: ProveError,
    },
    /// The address does not answer a committee light node's call with what one returns.
    #[error("{address} answers {call} with {returned}, which is not what a committee light node returns")]
    NotALightNode {
        /// The address called.
        address: Address,
        /// The call, e.g. `epoch()`.
        call: &'static str,
        /// What it returned.
        returned: Bytes,
    },
    /// The light node refuses the call (the simulation reverts); nothing was sent.
    #[error("the light node {light_node} refuses the attestation: {reason}")]
    Refused {
        /// The light node.
        light_node: Address,
        /// The revert reason: `Error(string)`'s string, a panic, or the revert data in hex.
        reason: String,
    },
    /// The transaction was mined and reverted (its simulation just before had succeeded: the light
    /// node's state changed in between).
    #[error("transaction {transaction} reverted in block {block}")]
    Reverted {
        /// The transaction.
        transaction: B256,
        /// Its block.
        block: u64,
    },
}

/// A block id as a person writes it: a decimal number, a tag, or a hash.
fn describe(block: &BlockId) -> String {
    match block {
        BlockId::Number(BlockNumberOrTag::Number(number)) => number.to_string(),
        BlockId::Number(tag) => tag.to_string(),
        BlockId::Hash(hash) => hash.block_hash.to_string(),
    }
}

/// The header of a block as `eth_getBlockBy*` returns it, checked against the block hash.
///
/// # Errors
/// [`NodeError::HeaderMismatch`] when keccak256 of the rebuilt header's RLP is not `block.hash`.
pub fn header_from_rpc(block: &RpcHeader) -> Result<Header, NodeError> {
    let fields = &block.inner;
    let header = Header {
        parent_hash: fields.parent_hash,
        ommers_hash: fields.ommers_hash,
        beneficiary: fields.beneficiary,
        state_root: fields.state_root,
        transactions_root: fields.transactions_root,
        receipts_root: fields.receipts_root,
        logs_bloom: fields.logs_bloom,
        difficulty: fields.difficulty,
        number: fields.number,
        gas_limit: fields.gas_limit,
        gas_used: fields.gas_used,
        timestamp: fields.timestamp,
        extra_data: fields.extra_data.clone(),
        mix_hash: fields.mix_hash,
        nonce: fields.nonce,
        base_fee_per_gas: fields.base_fee_per_gas,
        withdrawals_root: fields.withdrawals_root,
        blob_gas_used: fields.blob_gas_used,
        excess_blob_gas: fields.excess_blob_gas,
        parent_beacon_block_root: fields.parent_beacon_block_root,
        requests_hash: fields.requests_hash,
    };
    let rebuilt = header.hash();
    if rebuilt != block.hash {
        return Err(NodeError::HeaderMismatch { number: fields.number, claimed: block.hash, rebuilt });
    }
    Ok(header)
}

/// The header of block `block` (by number, tag or hash), rebuilt and checked: its hash is
/// `header.hash()`.
///
/// # Errors
/// [`NodeError::Chain`] when `eth_getBlockByNumber` / `eth_getBlockByHash` fails,
/// [`NodeError::BlockNotFound`] when the node has no such block, [`NodeError::HeaderMismatch`] when
/// the header does not hash to the block hash (or, asked by hash, to that hash).
pub async fn fetch_header<C: Chain + ?Sized>(chain: &C, block: BlockId) -> Result<Header, NodeError> {
    let found: Option<RpcHeader> = match block {
        BlockId::Hash(hash) => request(chain, "eth_getBlockByHash", json!([hash.block_hash, false])).await?,
        BlockId::Number(number) => request(chain, "eth_getBlockByNumber", json!([number, false])).await?,
    };
    let found = found.ok_or(NodeError::BlockNotFound(block))?;
    let header = header_from_rpc(&found)?;
    if let BlockId::Hash(hash) = block {
        if found.hash != hash.block_hash {
            return Err(NodeError::HeaderMismatch {
                number: header.number,
                claimed: hash.block_hash,
                rebuilt: found.hash,
            });
        }
    }
    Ok(header)
}

/// A receipt as `eth_getTransactionReceipt` / `eth_getBlockReceipts` return it, of any type.
type RpcReceipt = TransactionReceipt<AnyReceiptEnvelope<RpcLog>>;

/// The receipt of `transaction`, which must be mined.
///
/// # Errors
/// [`NodeError::TransactionNotFound`] / [`NodeError::TransactionNotMined`], [`NodeError::Chain`].
async fn mined_receipt<C: Chain + ?Sized>(chain: &C, transaction: B256) -> Result<RpcReceipt, NodeError> {
    let receipt: Option<RpcReceipt> = request(chain, "eth_getTransactionReceipt", json!([transaction])).await?;
    match receipt {
        Some(receipt) if receipt.block_hash.is_some() => Ok(receipt),
        Some(_) => Err(NodeError::TransactionNotMined(transaction)),
        None => {
            // No receipt: a pending transaction still has a body.
            let body: Option<Value> = request(chain, "eth_getTransactionByHash", json!([transaction])).await?;
            Err(body
                .map_or(NodeError::TransactionNotFound(transaction), |_| NodeError::TransactionNotMined(transaction)))
        }
    }
}

/// One JSON-RPC request, its answer read as `R`.
///
/// # Errors
/// [`NodeError::Chain`] when the request fails, [`NodeError::Unreadable`] when the answer is not
/// an `R`.
async fn request<C: Chain + ?Sized, R: DeserializeOwned>(
    chain: &C,
    method: &'static str,
    params: Value,
) -> Result<R, NodeError> {
    let answer = chain.request(method, params).await?;
    serde_json::from_value(answer).map_err(|error| NodeError::Unreadable { method, error: error.to_string() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloy_primitives::{address, b256, bytes, Bloom, B64, U256};

    use super::*;

    /// A header with every field through Prague set, as a node serves it (with its hash).
    fn prague_header() -> RpcHeader {
        RpcHeader::new(alloy_consensus::Header {
            parent_hash: b256!("0x1111111111111111111111111111111111111111111111111111111111111111"),
            ommers_hash: b256!("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"),
            beneficiary: address!("0x4838b106fce9647bdf1e7877bf73ce8b0bad5f97"),
            state_root: b256!("0x2222222222222222222222222222222222222222222222222222222222222222"),
            transactions_root: b256!("0x3333333333333333333333333333333333333333333333333333333333333333"),
            receipts_root: b256!("0x4444444444444444444444444444444444444444444444444444444444444444"),
            logs_bloom: Bloom::repeat_byte(0x5a),
            difficulty: U256::ZERO,
            number: 22_431_084,
            gas_limit: 36_000_000,
            gas_used: 12_345_678,
            timestamp: 1_746_612_311,
            extra_data: bytes!("6265617665726275696c642e6f7267"),
            mix_hash: b256!("0x5555555555555555555555555555555555555555555555555555555555555555"),
            nonce: B64::ZERO,
            base_fee_per_gas: Some(1_000_000_007),
            withdrawals_root: Some(b256!("0x6666666666666666666666666666666666666666666666666666666666666666")),
            blob_gas_used: Some(393_216),
            excess_blob_gas: Some(0),
            parent_beacon_block_root: Some(b256!("0x7777777777777777777777777777777777777777777777777777777777777777")),
            requests_hash: Some(b256!("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
        })
    }

    #[test]
    fn a_header_is_rebuilt_with_every_field_and_hashes_as_alloy_hashes_it() {
        let block = prague_header();
        let header = header_from_rpc(&block).unwrap();
        assert_eq!(header.hash(), block.hash);
        assert_eq!(header.number, 22_431_084);
        assert_eq!(header.requests_hash, block.inner.requests_hash);
        assert_eq!(header.encode(), alloy_rlp::encode(&block.inner));
    }

    #[test]
    fn a_pre_london_header_is_rebuilt_too() {
        let mut fields = prague_header().inner;
        fields.base_fee_per_gas = None;
        fields.withdrawals_root = None;
        fields.blob_gas_used = None;
        fields.excess_blob_gas = None;
        fields.parent_beacon_block_root = None;
        fields.requests_hash = None;
        let block = RpcHeader::new(fields);
        assert_eq!(header_from_rpc(&block).unwrap().hash(), block.hash);
    }

    #[test]
    fn a_header_whose_hash_is_not_its_fields_hash_is_refused() {
        let mut block = prague_header();
        let rebuilt = block.hash;
        block.hash = b256!("0x88e96d4537bea4d9c05d12549907b32561d3bf31f45aae734cdc119f13406cb6");
        let error = header_from_rpc(&block).unwrap_err();
        assert!(
            matches!(error, NodeError::HeaderMismatch { number: 22_431_084, claimed, rebuilt: r }
                if claimed == block.hash && r == rebuilt),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("block 22431084: the node gives its hash as {}, but its header hashes to {rebuilt}", block.hash)
        );
    }

    #[test]
    fn a_header_with_an_altered_field_is_refused() {
        let block = prague_header();
        let mut altered = block.clone();
        altered.inner.gas_used += 1;
        let rebuilt = altered.inner.hash_slow();
        let error = header_from_rpc(&altered).unwrap_err();
        assert!(
            matches!(error, NodeError::HeaderMismatch { claimed, rebuilt: r, .. } if claimed == block.hash && r == rebuilt),
            "{error:?}"
        );
    }
}
