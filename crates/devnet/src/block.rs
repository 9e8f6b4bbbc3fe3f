//! Blocks as the devnet keeps them: the header the light client verifies, the transactions, their
//! receipts, and the undo log that lets the chain revert to any earlier block.

use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{b256, Address, Bloom, Bytes, B256, B64, U256};
use alloy_trie::root::ordered_trie_root_with_encoder;
use light_client_iface::{Header, Receipt, EMPTY_ROOT};

use crate::state::StateChange;

/// keccak256(RLP([])): the ommers hash of every post-Merge block.
pub const EMPTY_OMMERS_HASH: B256 = b256!("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");

/// sha256 of no requests: the EIP-7685 requests hash of a block with none.
pub const EMPTY_REQUESTS_HASH: B256 = b256!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

/// A transaction included in a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockTx {
    /// The transaction hash.
    pub hash: B256,
    /// The recovered sender.
    pub sender: Address,
    /// The signed transaction.
    pub envelope: TxEnvelope,
}

/// A receipt with what the RPC reports beyond the consensus encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxReceipt {
    /// The consensus receipt: type, status, cumulative gas, bloom, logs.
    pub receipt: Receipt,
    /// Gas used by this transaction alone.
    pub gas_used: u64,
    /// The price per gas actually paid.
    pub effective_gas_price: u128,
    /// The created contract, for a contract-creation transaction that succeeded.
    pub contract_address: Option<Address>,
    /// Block-wide index of this receipt's first log.
    pub first_log_index: u64,
    /// Return or revert data of the top-level call, kept for debugging reverted transactions.
    pub output: Bytes,
}

/// A sealed block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// keccak256 of the header's RLP.
    pub hash: B256,
    /// The transactions, in order.
    pub transactions: Vec<BlockTx>,
    /// Their receipts, in the same order.
    pub receipts: Vec<TxReceipt>,
    /// The undo log of the block's state changes, oldest first.
    pub changes: Vec<StateChange>,
}

/// What a new block is made of, before its roots are computed.
pub struct BlockContents {
    /// The parent's hash (zero for genesis).
    pub parent_hash: B256,
    /// The block number.
    pub number: u64,
    /// Unix time in seconds.
    pub timestamp: u64,
    /// The fee recipient.
    pub beneficiary: Address,
    /// The block gas limit.
    pub gas_limit: u64,
    /// The base fee.
    pub base_fee: u64,
    /// The ArbOS version, recorded in the mix hash as Nitro does.
    pub arbos_version: u64,
    /// The state root after the block.
    pub state_root: B256,
    /// The transactions.
    pub transactions: Vec<BlockTx>,
    /// Their receipts.
    pub receipts: Vec<TxReceipt>,
    /// The undo log.
    pub changes: Vec<StateChange>,
}

impl Block {
    /// Computes the roots and the bloom, builds the header and seals the block.
    ///
    /// Arbitrum-specific header fields follow Nitro: difficulty 1, the mix hash carrying the send
    /// count, the L1 block number (the devnet uses its own number) and the ArbOS version, and 32
    /// zero bytes of extra data (the send root). Fields added after London are present with the
    /// values of a block without withdrawals, blobs or requests.
    pub fn seal(contents: BlockContents) -> Self {
        Self::seal_with(contents, |header| header.hash())
    }

    /// [`Block::seal`] by another consensus: `finish` completes the header (its `extraData`) and
    /// returns the block's hash.
    pub fn seal_with(contents: BlockContents, finish: impl FnOnce(&mut Header) -> B256) -> Self {
        let transactions_root =
            ordered_trie_root_with_encoder(&contents.transactions, |tx, out| tx.envelope.encode_2718(out));
        let receipts_root = ordered_trie_root_with_encoder(&contents.receipts, |r, out| out.extend(r.receipt.encode()));
        let mut logs_bloom = Bloom::ZERO;
        for receipt in &contents.receipts {
            logs_bloom.accrue_bloom(&receipt.receipt.logs_bloom);
        }
        let gas_used = contents.receipts.last().map_or(0, |r| r.receipt.cumulative_gas_used);
        let mut mix_hash = [0u8; 32];
        mix_hash[8..16].copy_from_slice(&contents.number.to_be_bytes());
        mix_hash[16..24].copy_from_slice(&contents.arbos_version.to_be_bytes());
        let mut header = Header {
            parent_hash: contents.parent_hash,
            ommers_hash: EMPTY_OMMERS_HASH,
            beneficiary: contents.beneficiary,
            state_root: contents.state_root,
            transactions_root,
            receipts_root,
            logs_bloom,
            difficulty: U256::from(1),
            number: contents.number,
            gas_limit: contents.gas_limit,
            gas_used,
            timestamp: contents.timestamp,
            extra_data: Bytes::from(vec![0u8; 32]),
            mix_hash: B256::from(mix_hash),
            nonce: B64::from(1u64),
            base_fee_per_gas: Some(contents.base_fee),
            withdrawals_root: Some(EMPTY_ROOT),
            blob_gas_used: Some(0),
            excess_blob_gas: Some(0),
            parent_beacon_block_root: Some(B256::ZERO),
            requests_hash: Some(EMPTY_REQUESTS_HASH),
        };
        let hash = finish(&mut header);
        Self {
            header,
            hash,
            transactions: contents.transactions,
            receipts: contents.receipts,
            changes: contents.changes,
        }
    }

    /// The block number.
    pub fn number(&self) -> u64 {
        self.header.number
    }

    /// Position of a transaction in this block.
    pub fn position(&self, tx_hash: &B256) -> Option<usize> {
        self.transactions.iter().position(|tx| tx.hash == *tx_hash)
    }
}
