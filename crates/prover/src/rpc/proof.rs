//! Receipt proofs of a transaction, or of a log, from a node.

use alloy_primitives::{Bytes, Log, B256};
use alloy_rpc_types_eth::BlockId;
use light_client_iface::{Header, Receipt, ReceiptProof};
use map_ibft::{SealedHeader, SealedReceiptProof};
use mos_rpc::Chain;
use serde_json::json;

use super::{fetch_header, mined_receipt, request, sealed, NodeError, RpcReceipt};
use crate::trie_paths;

/// A receipt proof in the format of the light node that verifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LightNodeProof {
    /// For a light node that holds attested block hashes (the committee light node): the
    /// Ethereum header, the index, the nodes (`light_client_iface::proof`).
    Attested(ReceiptProof),
    /// For a light node of the MAP relay chain's consensus: the sealed Atlas header with its
    /// signers' key, the index, the nodes (`map_ibft::SealedReceiptProof`).
    Sealed(SealedReceiptProof),
}

impl LightNodeProof {
    /// The bytes the light node's `verifyProofData` takes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::Attested(proof) => proof.encode(),
            Self::Sealed(proof) => proof.encode(),
        }
    }

    /// The receipts-trie nodes, root first.
    pub fn nodes(&self) -> &[Bytes] {
        match self {
            Self::Attested(proof) => &proof.nodes,
            Self::Sealed(proof) => &proof.nodes,
        }
    }
}

/// The header a block's proofs carry, and what its receipts root is.
enum ProvenHeader {
    /// An Ethereum header (the hash a committee attests).
    Attested(Box<Header>),
    /// An Atlas header, sealed.
    Sealed { sealed: SealedHeader, number: u64, receipts_root: B256 },
}

impl ProvenHeader {
    fn number(&self) -> u64 {
        match self {
            Self::Attested(header) => header.number,
            Self::Sealed { number, .. } => *number,
        }
    }

    fn receipts_root(&self) -> B256 {
        match self {
            Self::Attested(header) => header.receipts_root,
            Self::Sealed { receipts_root, .. } => *receipts_root,
        }
    }

    /// The proof of receipt `receipt_index` with `nodes`.
    fn proof(&self, receipt_index: u64, nodes: Vec<Bytes>) -> LightNodeProof {
        match self {
            Self::Attested(header) => {
                LightNodeProof::Attested(ReceiptProof { header: header.encode().into(), receipt_index, nodes })
            }
            Self::Sealed { sealed, .. } => {
                LightNodeProof::Sealed(SealedReceiptProof { sealed: sealed.clone(), receipt_index, nodes })
            }
        }
    }
}

/// A receipt proof, with what it proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionProof {
    /// The proof (`proof.encode()` is what a light node verifies).
    pub proof: LightNodeProof,
    /// The block's number.
    pub block_number: u64,
    /// The block's hash: what a light node must hold as attested.
    pub block_hash: B256,
    /// The transaction's index in the block.
    pub receipt_index: u64,
    /// The transaction.
    pub transaction_hash: B256,
    /// The block-wide index of the receipt's first log: log `i` of [`Self::logs`] is the block's
    /// log `first_log_index + i` (`eth_getLogs`'s `logIndex`).
    pub first_log_index: u64,
    /// The receipt's logs: what the light node returns for the proof.
    pub logs: Vec<Log>,
}

/// The proof of the receipt of `transaction`.
///
/// # Errors
/// [`NodeError::TransactionNotFound`], [`NodeError::TransactionNotMined`], [`NodeError::Chain`]
/// (naming the method), [`NodeError::BlockNotFound`], [`NodeError::HeaderMismatch`],
/// [`NodeError::TransactionNotInBlock`], [`NodeError::Proof`] (the receipts miss the receipts root).
pub async fn prove_transaction<C: Chain + ?Sized>(chain: &C, transaction: B256) -> Result<TransactionProof, NodeError> {
    let receipt = mined_receipt(chain, transaction).await?;
    let block_hash = receipt.block_hash.ok_or(NodeError::TransactionNotMined(transaction))?;
    let header = ProvenHeader::Attested(Box::new(fetch_header(chain, BlockId::hash(block_hash)).await?));
    let receipts = block_receipts(chain, block_hash).await?;
    let index = receipts
        .iter()
        .position(|receipt| receipt.transaction_hash == transaction)
        .ok_or(NodeError::TransactionNotInBlock { transaction, block: header.number() })?;
    prove_receipt(&header, block_hash, &receipts, index)
}

/// The proofs of the receipts of `transactions`, all mined in the block `block_hash`, in the
/// order given: the block's header and receipts are fetched once for all of them.
///
/// # Errors
/// [`NodeError::TransactionNotInBlock`] when one of them is not in the block; [`NodeError::Chain`]
/// (naming the method), [`NodeError::BlockNotFound`], [`NodeError::HeaderMismatch`],
/// [`NodeError::Proof`].
pub async fn prove_transactions_in_block<C: Chain + ?Sized>(
    chain: &C,
    block_hash: B256,
    transactions: &[B256],
) -> Result<Vec<TransactionProof>, NodeError> {
    let header = ProvenHeader::Attested(Box::new(fetch_header(chain, BlockId::hash(block_hash)).await?));
    prove_in_block(chain, header, block_hash, transactions).await
}

/// [`prove_transactions_in_block`] for a MAP light node: the block is a MAP-style relay chain's,
/// its Atlas header rebuilt and checked against `block_hash` and carried with its signers' summed
/// G2 key ([`sealed::sealed_header`]).
///
/// # Errors
/// As [`prove_transactions_in_block`], and as [`sealed::sealed_header`] for the header.
pub async fn prove_sealed_transactions_in_block<C: Chain + ?Sized>(
    chain: &C,
    block_hash: B256,
    transactions: &[B256],
) -> Result<Vec<TransactionProof>, NodeError> {
    let header = sealed::fetch_atlas_header(chain, BlockId::hash(block_hash)).await?;
    let aggregated_key = sealed::aggregated_key(chain, &header).await?;
    let (number, receipts_root) = (header.number, header.receipt_hash);
    let sealed = SealedHeader { header: header.encode().into(), aggregated_key };
    prove_in_block(chain, ProvenHeader::Sealed { sealed, number, receipts_root }, block_hash, transactions).await
}

/// The proofs of `transactions`, all mined in the block of `header` (`block_hash`).
///
/// # Errors
/// As [`prove_transactions_in_block`].
async fn prove_in_block<C: Chain + ?Sized>(
    chain: &C,
    header: ProvenHeader,
    block_hash: B256,
    transactions: &[B256],
) -> Result<Vec<TransactionProof>, NodeError> {
    let receipts = block_receipts(chain, block_hash).await?;
    let indexes = transactions
        .iter()
        .map(|&transaction| {
            receipts
                .iter()
                .position(|receipt| receipt.transaction_hash == transaction)
                .ok_or(NodeError::TransactionNotInBlock { transaction, block: header.number() })
        })
        .collect::<Result<Vec<usize>, NodeError>>()?;
    prove_receipts(&header, block_hash, &receipts, &indexes)
}

/// The proof of the receipt that holds log `log_index` of block `block` (the block-wide index, as
/// `eth_getLogs` gives it).
///
/// # Errors
/// [`NodeError::LogIndexOutOfRange`] when the block has no such log; [`NodeError::Chain`],
/// [`NodeError::BlockNotFound`], [`NodeError::HeaderMismatch`], [`NodeError::Proof`].
pub async fn prove_log<C: Chain + ?Sized>(
    chain: &C,
    block: u64,
    log_index: u64,
) -> Result<TransactionProof, NodeError> {
    let header = fetch_header(chain, BlockId::number(block)).await?;
    let block_hash = header.hash();
    let header = ProvenHeader::Attested(Box::new(header));
    let receipts = block_receipts(chain, block_hash).await?;
    let mut first = 0u64;
    for (index, receipt) in receipts.iter().enumerate() {
        let count = receipt.inner.inner.receipt.logs.len() as u64;
        if log_index < first + count {
            return prove_receipt(&header, block_hash, &receipts, index);
        }
        first += count;
    }
    Err(NodeError::LogIndexOutOfRange { block, index: log_index, count: first })
}

/// Every receipt of the block `block_hash`, in order.
///
/// # Errors
/// [`NodeError::Chain`] when `eth_getBlockReceipts` fails, [`NodeError::BlockNotFound`].
async fn block_receipts<C: Chain + ?Sized>(chain: &C, block_hash: B256) -> Result<Vec<RpcReceipt>, NodeError> {
    let receipts: Option<Vec<RpcReceipt>> = request(chain, "eth_getBlockReceipts", json!([block_hash])).await?;
    receipts.ok_or(NodeError::BlockNotFound(BlockId::hash(block_hash)))
}

/// The proof of `receipts[index]` in the block of `header` (whose hash is `block_hash`).
///
/// # Errors
/// [`NodeError::Proof`] when the receipts miss the header's receipts root.
fn prove_receipt(
    header: &ProvenHeader,
    block_hash: B256,
    receipts: &[RpcReceipt],
    index: usize,
) -> Result<TransactionProof, NodeError> {
    let mut proofs = prove_receipts(header, block_hash, receipts, &[index])?;
    Ok(proofs.swap_remove(0))
}

/// The proofs of `receipts[i]` for each `i` of `indexes`, in the block of `header` (whose hash is
/// `block_hash`): one build of the block's receipts trie for all of them.
///
/// # Errors
/// [`NodeError::Proof`] when the receipts miss the header's receipts root.
fn prove_receipts(
    header: &ProvenHeader,
    block_hash: B256,
    receipts: &[RpcReceipt],
    indexes: &[usize],
) -> Result<Vec<TransactionProof>, NodeError> {
    let consensus: Vec<Receipt> = receipts.iter().map(consensus_receipt).collect();
    let wanted: Vec<u64> = indexes.iter().map(|&index| index as u64).collect();
    let paths = trie_paths(header.receipts_root(), &consensus, &wanted)
        .map_err(|source| NodeError::Proof { block: header.number(), source })?;
    // The block-wide index of each receipt's first log.
    let mut first_log_indexes = Vec::with_capacity(consensus.len());
    let mut logs = 0u64;
    for receipt in &consensus {
        first_log_indexes.push(logs);
        logs += receipt.logs.len() as u64;
    }
    Ok(paths
        .into_iter()
        .zip(indexes)
        .map(|(nodes, &index)| TransactionProof {
            proof: header.proof(index as u64, nodes),
            block_number: header.number(),
            block_hash,
            receipt_index: index as u64,
            transaction_hash: receipts[index].transaction_hash,
            first_log_index: first_log_indexes[index],
            logs: consensus[index].logs.clone(),
        })
        .collect())
}

/// The receipt as the receipts trie holds it: type, status, cumulative gas, logs (the bloom is
/// recomputed from the logs).
fn consensus_receipt(receipt: &RpcReceipt) -> Receipt {
    let envelope = &receipt.inner;
    let logs = envelope.inner.receipt.logs.iter().map(|log| log.inner.clone()).collect();
    Receipt::new(envelope.r#type, envelope.status(), envelope.inner.receipt.cumulative_gas_used, logs)
}
