//! Merkle-Patricia proofs from alloy-trie verify; every tampering fails with a typed error.

mod common;

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Bytes, B256};
use light_client_iface::{index_key, verify_proof, MptError, EMPTY_ROOT};
use proptest::prelude::*;

fn verify<'a>(root: B256, key: &[u8], proof: &'a [Bytes]) -> Result<&'a [u8], MptError> {
    verify_proof(root, key, proof.iter().map(|node| node.as_ref()))
}

/// Keys where none is a prefix of another (a trie of such keys has no branch values).
fn prefix_free(entries: BTreeMap<Vec<u8>, Vec<u8>>) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let keys: Vec<Vec<u8>> = entries.keys().cloned().collect();
    entries.into_iter().filter(|(key, _)| !keys.iter().any(|other| other != key && other.starts_with(key))).collect()
}

fn entries() -> impl Strategy<Value = BTreeMap<Vec<u8>, Vec<u8>>> {
    proptest::collection::btree_map(
        proptest::collection::vec(any::<u8>(), 1..6),
        proptest::collection::vec(any::<u8>(), 1..70),
        1..80,
    )
    .prop_map(prefix_free)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_key_proves_its_value(entries in entries()) {
        let trie = common::build(&entries, &[]);
        for (key, value) in &entries {
            prop_assert_eq!(verify(trie.root, key, &trie.proofs[key]), Ok(&value[..]));
        }
    }

    #[test]
    fn every_tampered_node_of_every_proof_fails(entries in entries(), seed in any::<u64>()) {
        let trie = common::build(&entries, &[]);
        for (key, value) in &entries {
            let proof = &trie.proofs[key];
            for (i, node) in proof.iter().enumerate() {
                let mut tampered = proof.clone();
                let mut bytes = node.to_vec();
                let at = (seed as usize).wrapping_add(i * 7919) % bytes.len();
                bytes[at] ^= 1 << (seed % 8);
                tampered[i] = bytes.into();
                let result = verify(trie.root, key, &tampered);
                prop_assert!(result.is_err(), "tampered node {} of the proof for {:?} still proves {:?}", i, key, value);
            }
        }
    }

    #[test]
    fn a_proof_missing_a_node_or_with_one_more_fails(entries in entries()) {
        let trie = common::build(&entries, &[]);
        for key in entries.keys() {
            let proof = &trie.proofs[key];
            let shorter = &proof[..proof.len() - 1];
            let missing = matches!(verify(trie.root, key, shorter), Err(MptError::MissingNode { .. }));
            prop_assert!(missing);
            let mut longer = proof.clone();
            longer.push(proof[0].clone());
            prop_assert_eq!(verify(trie.root, key, &longer), Err(MptError::UnusedNodes(1)));
        }
    }

    #[test]
    fn a_key_not_in_the_trie_is_not_proven(entries in entries(), absent in proptest::collection::vec(any::<u8>(), 1..6)) {
        prop_assume!(!entries.keys().any(|key| key.starts_with(&absent) || absent.starts_with(key)));
        let trie = common::build(&entries, std::slice::from_ref(&absent));
        let result = verify(trie.root, &absent, &trie.proofs[&absent]);
        let not_in_trie = matches!(result, Err(MptError::Absent { .. } | MptError::KeyMismatch { .. }));
        prop_assert!(not_in_trie, "{:?}", result);
    }

    #[test]
    fn a_proof_used_for_another_key_never_proves_a_wrong_value(entries in entries()) {
        // Paths can share every node (two short leaves inline in one root), so another key's proof
        // may prove a key; it must then prove that key's own value.
        let trie = common::build(&entries, &[]);
        let keys: Vec<_> = entries.keys().collect();
        for pair in keys.windows(2) {
            if let Ok(value) = verify(trie.root, pair[1], &trie.proofs[pair[0]]) {
                prop_assert_eq!(value, entries[pair[1]].as_slice());
            }
        }
    }

    #[test]
    fn arbitrary_nodes_never_panic(
        key in proptest::collection::vec(any::<u8>(), 0..8),
        nodes in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 0..4),
    ) {
        let root = nodes.first().map(keccak256).unwrap_or_default();
        let _ = verify_proof(root, &key, nodes.iter().map(|n| n.as_slice()));
    }
}

#[test]
fn receipts_trie_keys_of_every_size_prove_their_values() {
    for count in [1usize, 2, 17, 128, 129, 300] {
        let entries: BTreeMap<Vec<u8>, Vec<u8>> =
            (0..count as u64).map(|i| (index_key(i), vec![i as u8; 40 + (i as usize % 30)])).collect();
        let trie = common::build(&entries, &[]);
        for (key, value) in &entries {
            assert_eq!(verify(trie.root, key, &trie.proofs[key]), Ok(&value[..]), "{count} receipts");
        }
    }
}

#[test]
fn a_single_short_leaf_is_proven_through_its_hash() {
    let entries = BTreeMap::from([(vec![0x80], vec![1, 2, 3])]);
    let trie = common::build(&entries, &[]);
    assert_eq!(trie.proofs[&vec![0x80]].len(), 1);
    assert!(trie.proofs[&vec![0x80]][0].len() < 32);
    assert_eq!(verify(trie.root, &[0x80], &trie.proofs[&vec![0x80]]), Ok(&[1u8, 2, 3][..]));
}

#[test]
fn the_wrong_root_fails_at_depth_zero() {
    let entries = BTreeMap::from([(vec![1], vec![9; 40]), (vec![2], vec![8; 40])]);
    let trie = common::build(&entries, &[]);
    let wrong = B256::repeat_byte(0xee);
    assert_eq!(verify(wrong, &[1], &trie.proofs[&vec![1]]), Err(MptError::WrongHash { depth: 0, expected: wrong }));
}

#[test]
fn the_empty_trie_holds_nothing() {
    assert_eq!(verify(EMPTY_ROOT, &[0x80], &[]), Err(MptError::Absent { depth: 0 }));
    assert_eq!(EMPTY_ROOT, keccak256([0x80]));
}

#[test]
fn a_node_that_is_not_a_trie_node_is_bad() {
    let node = alloy_rlp::encode(vec![1u8, 2, 3]);
    let result = verify_proof(keccak256(&node), &[1], [node.as_slice()]);
    assert!(matches!(result, Err(MptError::BadNode { depth: 0, .. })), "{result:?}");
}
