//! The receipts trie of a block, and the proof of one receipt in it.

use alloy_primitives::{Bytes, B256};
use alloy_trie::{proof::ProofRetainer, HashBuilder, Nibbles};
use light_client_iface::{index_key, Header, Receipt, ReceiptProof};

use crate::ProveError;

/// The proof that `receipts[index]` is in the block of `header`: the header's RLP, the index, and
/// the receipts-trie nodes on the index's path ([`receipt_proofs`] for one receipt).
///
/// # Errors
/// As [`receipt_proofs`].
pub fn receipt_proof(header: &Header, receipts: &[Receipt], index: u64) -> Result<ReceiptProof, ProveError> {
    let mut proofs = receipt_proofs(header, receipts, &[index])?;
    Ok(proofs.swap_remove(0))
}

/// The proofs that `receipts[i]` is in the block of `header`, for each `i` of `indexes` (in their
/// order), from one build of the trie: the header's RLP, the index, and the receipts-trie nodes on
/// the index's path.
///
/// # Errors
/// As [`trie_paths`], against `header.receipts_root`.
pub fn receipt_proofs(header: &Header, receipts: &[Receipt], indexes: &[u64]) -> Result<Vec<ReceiptProof>, ProveError> {
    let header_rlp = Bytes::from(header.encode());
    let paths = trie_paths(header.receipts_root, receipts, indexes)?;
    Ok(paths
        .into_iter()
        .zip(indexes)
        .map(|(nodes, &receipt_index)| ReceiptProof { header: header_rlp.clone(), receipt_index, nodes })
        .collect())
}

/// For each `i` of `indexes` (in their order), the receipts-trie nodes on the path of
/// `receipts[i]`, root first, from one build of the trie.
///
/// The trie is rebuilt from every receipt of the block (keyed by `RLP(index)`, valued by the
/// receipt's consensus encoding) and must reproduce `receipts_root`.
///
/// # Errors
/// [`ProveError::NoSuchReceipt`] when an index is past the last receipt,
/// [`ProveError::ReceiptsRootMismatch`] when the receipts are not the block's.
pub fn trie_paths(receipts_root: B256, receipts: &[Receipt], indexes: &[u64]) -> Result<Vec<Vec<Bytes>>, ProveError> {
    if let Some(&index) = indexes.iter().find(|&&index| usize::try_from(index).map_or(true, |i| i >= receipts.len())) {
        return Err(ProveError::NoSuchReceipt { index, count: receipts.len() });
    }
    let targets: Vec<Nibbles> = indexes.iter().map(|&index| Nibbles::unpack(index_key(index))).collect();
    let mut builder = HashBuilder::default().with_proof_retainer(ProofRetainer::new(targets.clone()));
    // The hash builder takes keys in order; RLP(i) sorts 1..=127 before 0 (0x80) before 128...
    let mut keyed: Vec<(Vec<u8>, &Receipt)> =
        receipts.iter().enumerate().map(|(i, receipt)| (index_key(i as u64), receipt)).collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (key, receipt) in keyed {
        builder.add_leaf(Nibbles::unpack(key), &receipt.encode());
    }
    let rebuilt = builder.root();
    if rebuilt != receipts_root {
        return Err(ProveError::ReceiptsRootMismatch { expected: receipts_root, rebuilt });
    }
    let retained = builder.take_proof_nodes();
    Ok(targets
        .iter()
        .map(|target| {
            // The retainer keeps every node on the retained paths; one shorter than 32 bytes is
            // embedded in its parent, and the proof format does not repeat it (the root is always
            // referenced by hash).
            retained
                .matching_nodes_sorted(target)
                .into_iter()
                .filter(|(path, node)| path.is_empty() || node.len() >= 32)
                .map(|(_, node)| node)
                .collect()
        })
        .collect())
}
