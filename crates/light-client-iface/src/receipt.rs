//! Transaction receipts as they are stored in a block's receipts trie.
//!
//! A legacy receipt is the RLP list `[status, cumulativeGasUsed, logsBloom, logs]`; an EIP-2718 typed
//! receipt is its type byte (0x01..=0x7f; Arbitrum's own types included) followed by that list.
//! Status is the post-Byzantium 0 or 1; pre-Byzantium state roots are rejected.

use alloc::vec::Vec;

use alloy_primitives::{Bloom, Log};
use alloy_rlp::{Encodable, Header};

use crate::{rlp, LogList, RlpError};

/// A receipt, borrowed from its encoding; its logs stay encoded until asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptView<'a> {
    tx_type: u8,
    success: bool,
    cumulative_gas_used: u64,
    logs_bloom: &'a [u8; 256],
    logs: LogList<'a>,
}

impl<'a> ReceiptView<'a> {
    /// Reads a receipt in its trie encoding.
    ///
    /// # Errors
    /// [`RlpError::BadReceiptType`] for a first byte that is neither a list nor a type byte,
    /// [`RlpError::BadStatus`] for a status other than 0 or 1, and [`RlpError`] for any other
    /// malformed field, a wrong item count or trailing bytes.
    pub fn decode(encoded: &'a [u8]) -> Result<Self, RlpError> {
        let (tx_type, body) = match encoded.first() {
            Some(&first) if first >= alloy_rlp::EMPTY_LIST_CODE => (0, encoded),
            Some(&first @ 0x01..=0x7f) => (first, &encoded[1..]),
            Some(&first) => return Err(RlpError::BadReceiptType(first)),
            None => return Err(RlpError::Malformed { what: "receipt", source: alloy_rlp::Error::InputTooShort }),
        };
        let mut fields = rlp::whole_list(body, "receipt")?;
        let status: u64 = rlp::take(&mut fields, "receipt status")?;
        let success = match status {
            0 => false,
            1 => true,
            other => return Err(RlpError::BadStatus(other)),
        };
        let cumulative_gas_used = rlp::take(&mut fields, "receipt cumulative gas used")?;
        let logs_bloom = rlp::take_fixed::<256>(&mut fields, "receipt logs bloom")?;
        let logs = LogList::new(rlp::take_raw(&mut fields, "receipt logs")?)?;
        rlp::done(fields, "receipt")?;
        Ok(Self { tx_type, success, cumulative_gas_used, logs_bloom, logs })
    }

    /// The EIP-2718 type; 0 for a legacy receipt.
    pub fn tx_type(&self) -> u8 {
        self.tx_type
    }

    /// Whether the transaction succeeded.
    pub fn success(&self) -> bool {
        self.success
    }

    /// Gas used in the block up to and including this transaction.
    pub fn cumulative_gas_used(&self) -> u64 {
        self.cumulative_gas_used
    }

    /// The receipt's bloom filter.
    pub fn logs_bloom(&self) -> Bloom {
        Bloom::from(self.logs_bloom)
    }

    /// The logs, still encoded: `logs().as_rlp()` is what a light client returns.
    pub fn logs(&self) -> LogList<'a> {
        self.logs
    }

    /// An owned copy.
    ///
    /// # Errors
    /// [`RlpError`] when a log is malformed.
    pub fn to_receipt(&self) -> Result<Receipt, RlpError> {
        Ok(Receipt {
            tx_type: self.tx_type,
            success: self.success,
            cumulative_gas_used: self.cumulative_gas_used,
            logs_bloom: self.logs_bloom(),
            logs: self.logs.to_logs()?,
        })
    }
}

/// A receipt, owned: what a node builds and what the off-chain proof builder encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The EIP-2718 type; 0 for legacy.
    pub tx_type: u8,
    /// Whether the transaction succeeded.
    pub success: bool,
    /// Gas used in the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// The bloom of `logs`.
    pub logs_bloom: Bloom,
    /// The logs, in order.
    pub logs: Vec<Log>,
}

impl Receipt {
    /// A receipt whose bloom is computed from its logs.
    pub fn new(tx_type: u8, success: bool, cumulative_gas_used: u64, logs: Vec<Log>) -> Self {
        let mut logs_bloom = Bloom::ZERO;
        logs_bloom.accrue_logs(&logs);
        Self { tx_type, success, cumulative_gas_used, logs_bloom, logs }
    }

    /// Decodes the trie encoding; see [`ReceiptView::decode`].
    ///
    /// # Errors
    /// As [`ReceiptView::decode`].
    pub fn decode(encoded: &[u8]) -> Result<Self, RlpError> {
        ReceiptView::decode(encoded)?.to_receipt()
    }

    /// The trie encoding: the type byte unless legacy, then the RLP list.
    pub fn encode(&self) -> Vec<u8> {
        let payload_length = self.success.length()
            + self.cumulative_gas_used.length()
            + self.logs_bloom.length()
            + alloy_rlp::list_length(&self.logs);
        let header = Header { list: true, payload_length };
        let mut out = Vec::with_capacity(1 + header.length_with_payload());
        if self.tx_type != 0 {
            out.push(self.tx_type);
        }
        header.encode(&mut out);
        self.success.encode(&mut out);
        self.cumulative_gas_used.encode(&mut out);
        self.logs_bloom.encode(&mut out);
        alloy_rlp::encode_list(&self.logs, &mut out);
        out
    }
}
