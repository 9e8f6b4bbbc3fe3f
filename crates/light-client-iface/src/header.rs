//! Ethereum block headers through Prague, and the block hash: keccak of the header's RLP.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, Bloom, Bytes, B256, B64, U256};
use alloy_rlp::{Encodable, Header as RlpHeader};

use crate::{rlp, RlpError};

/// Fields every header has (up to and including `nonce`).
const REQUIRED_FIELDS: usize = 15;
/// Optional fields added by later forks, in order.
const OPTIONAL_FIELDS: usize = 6;

/// A block header with every field through Prague.
///
/// The fields added by London and later forks are optional and positional: a chain that has a later
/// one has all the earlier ones, so a header never has a gap. Encoding stops at the first `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// Hash of the parent block.
    pub parent_hash: B256,
    /// Hash of the ommers list.
    pub ommers_hash: B256,
    /// Fee recipient.
    pub beneficiary: Address,
    /// State trie root.
    pub state_root: B256,
    /// Transactions trie root.
    pub transactions_root: B256,
    /// Receipts trie root: what a receipt proof is checked against.
    pub receipts_root: B256,
    /// Bloom of every log in the block.
    pub logs_bloom: Bloom,
    /// Difficulty (0 after the Merge).
    pub difficulty: U256,
    /// Block number.
    pub number: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Unix timestamp in seconds.
    pub timestamp: u64,
    /// Extra data (Arbitrum: the send root).
    pub extra_data: Bytes,
    /// Mix hash / prevRandao (Arbitrum: send count and L1 block number).
    pub mix_hash: B256,
    /// Nonce.
    pub nonce: B64,
    /// London: base fee per gas.
    pub base_fee_per_gas: Option<u64>,
    /// Shanghai: withdrawals trie root.
    pub withdrawals_root: Option<B256>,
    /// Cancun: blob gas used.
    pub blob_gas_used: Option<u64>,
    /// Cancun: excess blob gas.
    pub excess_blob_gas: Option<u64>,
    /// Cancun: parent beacon block root.
    pub parent_beacon_block_root: Option<B256>,
    /// Prague: EIP-7685 requests hash.
    pub requests_hash: Option<B256>,
}

impl Header {
    /// Decodes a header's RLP.
    ///
    /// # Errors
    /// [`RlpError::WrongItemCount`] for fewer than 15 or more than 21 fields, [`RlpError`] for a
    /// malformed field or bytes after the list.
    pub fn decode(encoded: &[u8]) -> Result<Self, RlpError> {
        let mut fields = rlp::whole_list(encoded, "header")?;
        let mut header = Self {
            parent_hash: rlp::take(&mut fields, "header parentHash")?,
            ommers_hash: rlp::take(&mut fields, "header ommersHash")?,
            beneficiary: rlp::take(&mut fields, "header beneficiary")?,
            state_root: rlp::take(&mut fields, "header stateRoot")?,
            transactions_root: rlp::take(&mut fields, "header transactionsRoot")?,
            receipts_root: rlp::take(&mut fields, "header receiptsRoot")?,
            logs_bloom: rlp::take(&mut fields, "header logsBloom")?,
            difficulty: rlp::take(&mut fields, "header difficulty")?,
            number: rlp::take(&mut fields, "header number")?,
            gas_limit: rlp::take(&mut fields, "header gasLimit")?,
            gas_used: rlp::take(&mut fields, "header gasUsed")?,
            timestamp: rlp::take(&mut fields, "header timestamp")?,
            extra_data: rlp::take(&mut fields, "header extraData")?,
            mix_hash: rlp::take(&mut fields, "header mixHash")?,
            nonce: rlp::take(&mut fields, "header nonce")?,
            ..Self::default()
        };
        header.base_fee_per_gas = optional(&mut fields, "header baseFeePerGas")?;
        header.withdrawals_root = optional(&mut fields, "header withdrawalsRoot")?;
        header.blob_gas_used = optional(&mut fields, "header blobGasUsed")?;
        header.excess_blob_gas = optional(&mut fields, "header excessBlobGas")?;
        header.parent_beacon_block_root = optional(&mut fields, "header parentBeaconBlockRoot")?;
        header.requests_hash = optional(&mut fields, "header requestsHash")?;
        if !fields.is_empty() {
            let mut extra = 0;
            while !fields.is_empty() {
                rlp::take_raw(&mut fields, "header field")?;
                extra += 1;
            }
            return Err(RlpError::WrongItemCount {
                what: "header",
                expected: REQUIRED_FIELDS + OPTIONAL_FIELDS,
                found: REQUIRED_FIELDS + OPTIONAL_FIELDS + extra,
            });
        }
        Ok(header)
    }

    /// Reads only what a receipt proof needs of a header's RLP, its block number and its receipts
    /// root, checking the other fields only as RLP items.
    ///
    /// For a verifier that compares keccak of the same bytes with a block hash it trusts: equal
    /// hashes bind every field, so decoding the rest would prove nothing more, and a Stylus program
    /// saves the code and the work of [`Header::decode`].
    ///
    /// # Errors
    /// [`RlpError`] when the bytes are not one RLP list whose first nine items are RLP items, with
    /// a 32-byte receipts root (item 5) and a 64-bit number (item 8).
    pub fn number_and_receipts_root(encoded: &[u8]) -> Result<(u64, B256), RlpError> {
        let mut fields = rlp::whole_list(encoded, "header")?;
        for _ in 0..5 {
            rlp::take_raw(&mut fields, "header field")?;
        }
        let receipts_root = rlp::take(&mut fields, "header receiptsRoot")?;
        for _ in 0..2 {
            rlp::take_raw(&mut fields, "header field")?;
        }
        let number = rlp::take(&mut fields, "header number")?;
        Ok((number, receipts_root))
    }

    /// The header's RLP.
    pub fn encode(&self) -> Vec<u8> {
        let payload_length = self.fields_length();
        let header = RlpHeader { list: true, payload_length };
        let mut out = Vec::with_capacity(header.length_with_payload());
        header.encode(&mut out);
        self.parent_hash.encode(&mut out);
        self.ommers_hash.encode(&mut out);
        self.beneficiary.encode(&mut out);
        self.state_root.encode(&mut out);
        self.transactions_root.encode(&mut out);
        self.receipts_root.encode(&mut out);
        self.logs_bloom.encode(&mut out);
        self.difficulty.encode(&mut out);
        self.number.encode(&mut out);
        self.gas_limit.encode(&mut out);
        self.gas_used.encode(&mut out);
        self.timestamp.encode(&mut out);
        self.extra_data.encode(&mut out);
        self.mix_hash.encode(&mut out);
        self.nonce.encode(&mut out);
        for field in self.optional_fields() {
            field.encode(&mut out);
        }
        out
    }

    /// The block hash: keccak256 of the header's RLP.
    pub fn hash(&self) -> B256 {
        keccak256(self.encode())
    }

    fn fields_length(&self) -> usize {
        self.parent_hash.length()
            + self.ommers_hash.length()
            + self.beneficiary.length()
            + self.state_root.length()
            + self.transactions_root.length()
            + self.receipts_root.length()
            + self.logs_bloom.length()
            + self.difficulty.length()
            + self.number.length()
            + self.gas_limit.length()
            + self.gas_used.length()
            + self.timestamp.length()
            + self.extra_data.length()
            + self.mix_hash.length()
            + self.nonce.length()
            + self.optional_fields().map(|field| field.length()).sum::<usize>()
    }

    /// The optional fields that are present, in order, up to the first absent one.
    fn optional_fields(&self) -> impl Iterator<Item = &dyn Encodable> {
        let fields: [Option<&dyn Encodable>; OPTIONAL_FIELDS] = [
            self.base_fee_per_gas.as_ref().map(|v| v as &dyn Encodable),
            self.withdrawals_root.as_ref().map(|v| v as &dyn Encodable),
            self.blob_gas_used.as_ref().map(|v| v as &dyn Encodable),
            self.excess_blob_gas.as_ref().map(|v| v as &dyn Encodable),
            self.parent_beacon_block_root.as_ref().map(|v| v as &dyn Encodable),
            self.requests_hash.as_ref().map(|v| v as &dyn Encodable),
        ];
        fields.into_iter().map_while(|field| field)
    }
}

/// Takes the next field if the list has one.
fn optional<T: alloy_rlp::Decodable>(fields: &mut &[u8], what: &'static str) -> Result<Option<T>, RlpError> {
    if fields.is_empty() {
        return Ok(None);
    }
    rlp::take(fields, what).map(Some)
}
