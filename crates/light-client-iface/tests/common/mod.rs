//! Tries and proofs built by a trusted implementation (alloy-trie), in the proof format of this crate.

use std::collections::BTreeMap;

use alloy_primitives::{Bytes, B256};
use alloy_trie::{proof::ProofRetainer, HashBuilder, Nibbles};

/// A trie built by alloy-trie, with a proof for every key asked for.
pub struct Trie {
    pub root: B256,
    pub proofs: BTreeMap<Vec<u8>, Vec<Bytes>>,
}

/// Builds the trie of `entries` and proofs for `entries`' keys and for `extra_targets`.
///
/// alloy-trie retains every node on a key's path; a node shorter than 32 bytes is embedded in its
/// parent, and this crate's format does not repeat it, so those are dropped (the root, always
/// referenced by hash, is kept).
pub fn build(entries: &BTreeMap<Vec<u8>, Vec<u8>>, extra_targets: &[Vec<u8>]) -> Trie {
    let targets: Vec<Vec<u8>> = entries.keys().cloned().chain(extra_targets.iter().cloned()).collect();
    let retainer = ProofRetainer::new(targets.iter().map(|k| Nibbles::unpack(k)).collect());
    let mut builder = HashBuilder::default().with_proof_retainer(retainer);
    for (key, value) in entries {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    let root = builder.root();
    let nodes = builder.take_proof_nodes();
    let proofs = targets
        .iter()
        .map(|key| {
            let proof = nodes
                .matching_nodes_sorted(&Nibbles::unpack(key))
                .into_iter()
                .filter(|(path, node)| path.is_empty() || node.len() >= 32)
                .map(|(_, node)| node)
                .collect();
            (key.clone(), proof)
        })
        .collect();
    Trie { root, proofs }
}
