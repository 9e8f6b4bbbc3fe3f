//! The light node's arguments, read strictly: `abi.encode(SignedHeader)`, `abi.encode(SignedRotation)`
//! and `initialize`'s `address[]`, in the one layout `abi.encode` writes (canonical offsets, zero
//! padding, clean address words, nothing after the end). `mos_message::abi::TupleReader` reads
//! tuples of words and `bytes`; this adds the `address[]` and the tail after it that it does not.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use light_client_iface::attestation::{CommitteeRotation, HeaderAttestation};
use mos_message::abi::{padded_len, TupleReader, WORD};

/// An update and its concatenated signatures.
pub type Signed<'a, T> = (T, &'a [u8]);

/// Reads `abi.encode(SignedHeader)` into the attestation and the signatures: `0x20`, then the
/// attestation's four words, the signatures' offset (`0xa0`) and the signatures.
pub fn signed_header(data: &[u8]) -> Option<Signed<'_, HeaderAttestation>> {
    expect_word(data, 0, 0x20)?;
    let mut tuple = TupleReader::new(data, WORD, 5).ok()?;
    let signatures = tuple.bytes(4, "signatures").ok()?;
    let attestation = HeaderAttestation {
        chainId: tuple.uint(0),
        blockNumber: tuple.uint(1),
        blockHash: tuple.bytes32(2),
        epoch: tuple.uint(3),
    };
    tuple.finish().ok()?;
    Some((attestation, signatures))
}

/// Reads `abi.encode(SignedRotation)` into the rotation and the signatures: `0x20`; the
/// rotation's offset (`0x40`) and the signatures'; the rotation (`chainId`, `epoch`, the members'
/// offset `0x80`, `threshold`, then the members); the signatures.
pub fn signed_rotation(data: &[u8]) -> Option<Signed<'_, CommitteeRotation>> {
    let outer = WORD;
    expect_word(data, 0, 0x20)?;
    expect_word(data, outer, 0x40)?;
    let rotation = outer + 0x40;
    let head = TupleReader::new(data, rotation, 4).ok()?;
    expect_word(data, rotation + 2 * WORD, 0x80)?;
    let members = address_array(data, rotation + 0x80)?;
    let signatures_offset = 0x40 + 0x80 + WORD + members.len() * WORD;
    expect_word(data, outer + WORD, signatures_offset)?;
    let signatures = last_bytes(data, outer + signatures_offset)?;
    let rotation = CommitteeRotation { chainId: head.uint(0), epoch: head.uint(1), members, threshold: head.uint(3) };
    Some((rotation, signatures))
}

/// `initialize(uint256 sourceChainId, address[] members, uint256 threshold)`'s arguments (after
/// the selector): the members' offset must be `0x60`; bytes after the members are ignored, as
/// Solidity ignores them.
pub fn initialize_args(args: &[u8]) -> Option<(U256, Vec<Address>, U256)> {
    let head = TupleReader::new(args, 0, 3).ok()?;
    expect_word(args, WORD, 0x60)?;
    let members = address_array(args, 0x60)?;
    Some((head.uint(0), members, head.uint(2)))
}

/// An `address[]` at `at`: its length, then one clean address word per member.
fn address_array(data: &[u8], at: usize) -> Option<Vec<Address>> {
    let len = usize_word(data, at)?;
    let first = at + WORD;
    // Bounds the length by the data before anything is allocated for it.
    if len > data.len().saturating_sub(first) / WORD {
        return None;
    }
    let words = TupleReader::new(data, first, len).ok()?;
    (0..len).map(|i| words.address(i, "member").ok()).collect()
}

/// The `bytes` whose length word is at `at` and which end the data: the length, the bytes, zero
/// padding to a whole word, and nothing after.
fn last_bytes(data: &[u8], at: usize) -> Option<&[u8]> {
    let len = usize_word(data, at).filter(|len| *len <= data.len())?;
    let start = at + WORD;
    let end = start.checked_add(len)?;
    let padded_end = start.checked_add(padded_len(len))?;
    let padding = data.get(end..padded_end)?;
    (padded_end == data.len() && padding.iter().all(|b| *b == 0)).then(|| &data[start..end])
}

/// The word at `at`, as a `usize`.
fn usize_word(data: &[u8], at: usize) -> Option<usize> {
    let word = data.get(at..at.checked_add(WORD)?)?;
    usize::try_from(U256::from_be_slice(word)).ok()
}

/// Checks that the word at `at` is `expected` (a canonical offset).
fn expect_word(data: &[u8], at: usize, expected: usize) -> Option<()> {
    (usize_word(data, at)? == expected).then_some(())
}
