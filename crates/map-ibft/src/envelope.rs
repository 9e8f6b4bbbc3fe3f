//! The bytes the MAP light node takes (`mos-map-light-node`), built off chain by the prover:
//!
//! - an epoch update, `updateBlockHeader`'s argument: the RLP list `[header, aggregatedKey]`, the
//!   Atlas header's RLP (its `extraData` holding the Istanbul extra) and the signers' summed G2
//!   key ([`G2_KEY_LENGTH`] bytes, x imaginary, x real, y imaginary, y real);
//! - a receipt proof, `verifyProofData`'s argument: `[header, aggregatedKey, receiptIndex,
//!   [node, ...]]`, the receipts-trie nodes from the root.

use alloc::vec::Vec;

use alloy_primitives::Bytes;
use alloy_rlp::Encodable;

use crate::{rlp, IbftError, G2_KEY_LENGTH};

/// A sealed header and its signers' summed G2 key: what `updateBlockHeader` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedHeader {
    /// The Atlas header's RLP.
    pub header: Bytes,
    /// The signers' summed G2 key.
    pub aggregated_key: [u8; G2_KEY_LENGTH],
}

impl SealedHeader {
    /// The RLP list `[header, aggregatedKey]`.
    pub fn encode(&self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(self.header.len() + G2_KEY_LENGTH + 8);
        self.header.encode(&mut payload);
        self.aggregated_key.as_slice().encode(&mut payload);
        rlp::wrap_list(&payload)
    }

    /// Decodes [`SealedHeader::encode`]'s bytes.
    ///
    /// # Errors
    /// [`IbftError`] for anything else (a key of another length, bytes after the list).
    pub fn decode(encoded: &[u8]) -> Result<Self, IbftError> {
        const WHAT: &str = "sealed header";
        let mut fields = rlp::whole_list(encoded, WHAT)?;
        let sealed = Self::read(&mut fields)?;
        rlp::done(fields, WHAT, "2", 2)?;
        Ok(sealed)
    }

    fn read(fields: &mut &[u8]) -> Result<Self, IbftError> {
        Ok(Self {
            header: Bytes::copy_from_slice(rlp::string(fields, "sealed header's header")?),
            aggregated_key: rlp::fixed(fields, "sealed header's aggregated key")?,
        })
    }
}

/// A receipt proven in a sealed block: what `verifyProofData` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedReceiptProof {
    /// The block's header and its signers' key.
    pub sealed: SealedHeader,
    /// The receipt's index in the block.
    pub receipt_index: u64,
    /// The receipts-trie nodes on its path, from the root.
    pub nodes: Vec<Bytes>,
}

impl SealedReceiptProof {
    /// The RLP list `[header, aggregatedKey, receiptIndex, [node, ...]]`.
    pub fn encode(&self) -> Vec<u8> {
        let mut nodes = Vec::new();
        for node in &self.nodes {
            node.encode(&mut nodes);
        }
        let mut payload = Vec::new();
        self.sealed.header.encode(&mut payload);
        self.sealed.aggregated_key.as_slice().encode(&mut payload);
        self.receipt_index.encode(&mut payload);
        payload.extend_from_slice(&rlp::wrap_list(&nodes));
        rlp::wrap_list(&payload)
    }

    /// Decodes [`SealedReceiptProof::encode`]'s bytes.
    ///
    /// # Errors
    /// [`IbftError`] for anything else.
    pub fn decode(encoded: &[u8]) -> Result<Self, IbftError> {
        const WHAT: &str = "receipt proof";
        let mut fields = rlp::whole_list(encoded, WHAT)?;
        let sealed = SealedHeader::read(&mut fields)?;
        let receipt_index = rlp::item(&mut fields, "receipt proof's receipt index")?;
        let mut list = rlp::list(&mut fields, "receipt proof's nodes")?;
        let mut nodes = Vec::new();
        while !list.is_empty() {
            nodes.push(Bytes::copy_from_slice(rlp::string(&mut list, "receipt proof's node")?));
        }
        rlp::done(fields, WHAT, "4", 4)?;
        Ok(Self { sealed, receipt_index, nodes })
    }
}
