//! `verifyProofData`: a receipt proof against the attested hash of its block.
//!
//! The order of the checks puts the cheap ones first: the proof's and the header's form, the
//! attested hash (one storage read), the header's hash, then the Merkle-Patricia path. Each
//! failure is a reason a person can act on (the crate docs list them); none reverts.

use alloc::vec::Vec;

use light_client_iface::{index_key, verify_proof, Header, MptError, ReceiptProofView, ReceiptView};

use mos_program::Host;

use crate::storage;

/// `verifyProofData`'s `message` when the proof bytes are not a receipt proof (nor ABI `bytes`).
pub const INVALID_PROOF_ENCODING: &str = "invalid proof encoding";
/// The proof's header is not a block header's RLP.
pub const INVALID_BLOCK_HEADER: &str = "invalid block header";
/// No hash is attested for the header's block number.
pub const BLOCK_NOT_ATTESTED: &str = "block not attested";
/// keccak of the header is not the attested hash of its number.
pub const HEADER_HASH_MISMATCH: &str = "header hash mismatch";
/// The nodes do not prove a value at the index under the header's `receiptsRoot`; the message goes
/// on with what is wrong and where (`: wrong node hash at depth 1`).
pub const INVALID_RECEIPT_PROOF: &str = "invalid receipt proof";
/// The proven value is not a receipt.
pub const INVALID_RECEIPT: &str = "invalid receipt";

/// Verifies `proof` (`light_client_iface::proof`'s format) against the attested hashes; returns
/// the receipt's RLP log list, borrowed from `proof`.
///
/// # Errors
/// The failure message: one of this module's constants, [`INVALID_RECEIPT_PROOF`] with detail.
pub fn verify<'a>(host: &Host, proof: &'a [u8]) -> Result<&'a [u8], Vec<u8>> {
    let fail = |reason: &str| reason.as_bytes().to_vec();
    let proof = ReceiptProofView::decode(proof).map_err(|_| fail(INVALID_PROOF_ENCODING))?;
    let header_rlp = proof.header_rlp();
    // keccak(header) must be the attested hash, which binds every field: only the two this needs
    // are decoded.
    let (number, receipts_root) =
        Header::number_and_receipts_root(header_rlp).map_err(|_| fail(INVALID_BLOCK_HEADER))?;
    let attested = storage::attested(host, number);
    if attested.is_zero() {
        return Err(fail(BLOCK_NOT_ATTESTED));
    }
    if host.keccak(header_rlp) != attested {
        return Err(fail(HEADER_HASH_MISMATCH));
    }
    let key = index_key(proof.receipt_index());
    let receipt = verify_proof(receipts_root, &key, proof.nodes()).map_err(|error| mpt_failure(&error))?;
    let receipt = ReceiptView::decode(receipt).map_err(|_| fail(INVALID_RECEIPT))?;
    Ok(receipt.logs().as_rlp())
}

/// `invalid receipt proof: <what> at depth <n>`.
fn mpt_failure(error: &MptError) -> Vec<u8> {
    let mut message = INVALID_RECEIPT_PROOF.as_bytes().to_vec();
    message.extend_from_slice(b": ");
    message.extend_from_slice(&error.message());
    message
}
