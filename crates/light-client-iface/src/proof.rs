//! The receipt proof a light node verifies, and its verification up to the block hash.
//!
//! # Format
//!
//! ```text
//! receiptProof = RLP([ header, receiptIndex, [node_0, node_1, ..., node_n] ])
//!   header       byte string: the block header's RLP; keccak256(header) is the block hash
//!   receiptIndex integer: the transaction's position in the block (the trie key is RLP(receiptIndex))
//!   node_i       byte strings: the receipts-trie nodes on the key's path, root first, each the node's RLP
//!                (nodes embedded in their parent are not repeated)
//! ```
//!
//! [`ReceiptProofView::verify`] checks everything that needs no trust: the header decodes, the
//! receipt is in the trie under the header's `receiptsRoot`, the receipt decodes. It returns the block
//! hash and number; whether that block is canonical is for the light node to know (an attested hash).

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Bytes, B256};
use alloy_rlp::{Encodable, Header as RlpHeader};

use crate::{mpt, rlp, Header, ProofError, ReceiptView, RlpError};

/// A receipt proof, owned: what the off-chain proof builder produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptProof {
    /// The block header's RLP.
    pub header: Bytes,
    /// The transaction's index in the block.
    pub receipt_index: u64,
    /// The receipts-trie nodes on the path, root first.
    pub nodes: Vec<Bytes>,
}

impl ReceiptProof {
    /// Encodes the proof in the format above.
    pub fn encode(&self) -> Vec<u8> {
        let nodes_length = alloy_rlp::list_length::<Bytes, Bytes>(&self.nodes);
        let payload_length = self.header.length() + self.receipt_index.length() + nodes_length;
        let header = RlpHeader { list: true, payload_length };
        let mut out = Vec::with_capacity(header.length_with_payload());
        header.encode(&mut out);
        self.header.encode(&mut out);
        self.receipt_index.encode(&mut out);
        alloy_rlp::encode_list::<Bytes, Bytes>(&self.nodes, &mut out);
        out
    }

    /// Decodes the format above; see [`ReceiptProofView::decode`].
    ///
    /// # Errors
    /// As [`ReceiptProofView::decode`].
    pub fn decode(encoded: &[u8]) -> Result<Self, RlpError> {
        let view = ReceiptProofView::decode(encoded)?;
        Ok(Self {
            header: Bytes::copy_from_slice(view.header),
            receipt_index: view.receipt_index,
            nodes: view.nodes().map(Bytes::copy_from_slice).collect(),
        })
    }
}

/// A receipt proof, borrowed from its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptProofView<'a> {
    header: &'a [u8],
    receipt_index: u64,
    nodes: &'a [u8],
}

impl<'a> ReceiptProofView<'a> {
    /// Reads a proof without copying it.
    ///
    /// # Errors
    /// [`RlpError`] when the bytes are not `[bytes, uint, [bytes...]]` with nothing after.
    pub fn decode(encoded: &'a [u8]) -> Result<Self, RlpError> {
        let mut fields = rlp::whole_list(encoded, "receipt proof")?;
        let header = rlp::take_string(&mut fields, "receipt proof header")?;
        let receipt_index = rlp::take(&mut fields, "receipt proof index")?;
        let nodes = rlp::take_list(&mut fields, "receipt proof nodes")?;
        rlp::done(fields, "receipt proof")?;
        let mut rest = nodes;
        while !rest.is_empty() {
            rlp::take_string(&mut rest, "receipt proof node")?;
        }
        Ok(Self { header, receipt_index, nodes })
    }

    /// The block header's RLP.
    pub fn header_rlp(&self) -> &'a [u8] {
        self.header
    }

    /// The transaction's index in the block.
    pub fn receipt_index(&self) -> u64 {
        self.receipt_index
    }

    /// The trie nodes, root first.
    pub fn nodes(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let mut rest = self.nodes;
        // `decode` checked that every item is a string.
        core::iter::from_fn(move || rlp::take_string(&mut rest, "receipt proof node").ok())
    }

    /// Verifies the receipt against the header.
    ///
    /// # Errors
    /// [`ProofError::Rlp`] when the header or the receipt is malformed, [`ProofError::Mpt`] when the
    /// nodes do not prove a receipt at `receipt_index` under the header's `receiptsRoot`.
    pub fn verify(&self) -> Result<ProvenReceipt<'a>, ProofError> {
        let header = Header::decode(self.header)?;
        let key = mpt::index_key(self.receipt_index);
        let encoded = mpt::verify_proof(header.receipts_root, &key, self.nodes())?;
        let receipt = ReceiptView::decode(encoded)?;
        Ok(ProvenReceipt { block_hash: keccak256(self.header), header, receipt })
    }
}

/// A receipt proven to be in a block whose hash is `block_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenReceipt<'a> {
    /// keccak256 of the header's RLP.
    pub block_hash: B256,
    /// The decoded header.
    pub header: Header,
    /// The receipt.
    pub receipt: ReceiptView<'a>,
}
