//! Atlas's header: Celo's layout, without an uncle hash or a difficulty.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, Bloom, Bytes, B256, B64, U256};
use alloy_rlp::Encodable;

use crate::{rlp, IbftError};

/// An Atlas block header (`core/types/block.go` of mapprotocol/atlas): 14 RLP fields, the last
/// (`BaseFee`) optional. `extra` holds the 32-byte vanity and the Istanbul extra.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AtlasHeader {
    /// The parent block's hash.
    pub parent_hash: B256,
    /// The proposer.
    pub coinbase: Address,
    /// The state root.
    pub root: B256,
    /// The transactions root.
    pub tx_hash: B256,
    /// The receipts root: what receipt proofs are checked against.
    pub receipt_hash: B256,
    /// The logs bloom.
    pub bloom: Bloom,
    /// The block number.
    pub number: u64,
    /// The gas limit.
    pub gas_limit: u64,
    /// The gas used.
    pub gas_used: u64,
    /// The timestamp, in seconds.
    pub time: u64,
    /// The vanity and the RLP of the Istanbul extra ([`crate::IstanbulExtra`]).
    pub extra: Bytes,
    /// The mix digest (zero on Atlas).
    pub mix_digest: B256,
    /// The nonce (zero on Atlas).
    pub nonce: B64,
    /// The base fee (present since London, at genesis on MAP's chains).
    pub base_fee: Option<U256>,
}

/// The header's fields before the optional base fee.
const REQUIRED_FIELDS: usize = 13;

impl AtlasHeader {
    /// Decodes a header's RLP.
    ///
    /// # Errors
    /// [`IbftError::Rlp`] for malformed or non-canonical RLP or bytes after the list,
    /// [`IbftError::Length`] for a fixed-size field of another size, [`IbftError::ItemCount`]
    /// for other than 13 or 14 fields.
    pub fn decode(encoded: &[u8]) -> Result<Self, IbftError> {
        const WHAT: &str = "Atlas header";
        let mut fields = rlp::whole_list(encoded, WHAT)?;
        let fields = &mut fields;
        let mut header = Self {
            parent_hash: B256::from(rlp::fixed(fields, "header parentHash")?),
            coinbase: Address::from(rlp::fixed(fields, "header coinbase")?),
            root: B256::from(rlp::fixed(fields, "header root")?),
            tx_hash: B256::from(rlp::fixed(fields, "header txHash")?),
            receipt_hash: B256::from(rlp::fixed(fields, "header receiptHash")?),
            bloom: Bloom::from(rlp::fixed::<256>(fields, "header bloom")?),
            number: rlp::item(fields, "header number")?,
            gas_limit: rlp::item(fields, "header gasLimit")?,
            gas_used: rlp::item(fields, "header gasUsed")?,
            time: rlp::item(fields, "header time")?,
            extra: Bytes::copy_from_slice(rlp::string(fields, "header extraData")?),
            mix_digest: B256::from(rlp::fixed(fields, "header mixDigest")?),
            nonce: B64::from(rlp::fixed(fields, "header nonce")?),
            base_fee: None,
        };
        if !fields.is_empty() {
            header.base_fee = Some(rlp::item(fields, "header baseFee")?);
        }
        rlp::done(fields, WHAT, "13 or 14", REQUIRED_FIELDS + 1)?;
        Ok(header)
    }

    /// The header's RLP.
    pub fn encode(&self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(600 + self.extra.len());
        self.parent_hash.encode(&mut payload);
        self.coinbase.encode(&mut payload);
        self.root.encode(&mut payload);
        self.tx_hash.encode(&mut payload);
        self.receipt_hash.encode(&mut payload);
        self.bloom.encode(&mut payload);
        self.number.encode(&mut payload);
        self.gas_limit.encode(&mut payload);
        self.gas_used.encode(&mut payload);
        self.time.encode(&mut payload);
        self.extra.encode(&mut payload);
        self.mix_digest.encode(&mut payload);
        self.nonce.encode(&mut payload);
        if let Some(base_fee) = self.base_fee {
            base_fee.encode(&mut payload);
        }
        rlp::wrap_list(&payload)
    }

    /// keccak256 of the RLP of the header as it is. Not the block hash, which is taken with the
    /// aggregated seal emptied ([`crate::block_hash`]).
    pub fn rlp_hash(&self) -> B256 {
        keccak256(self.encode())
    }
}
