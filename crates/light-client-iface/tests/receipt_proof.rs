//! The receipt-proof format end to end: receipts -> trie (alloy-trie) -> proof -> verified receipt.

mod common;

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Address, Bytes, Log, B256};
use light_client_iface::{
    encode_log_list, index_key, Header, MptError, ProofError, Receipt, ReceiptProof, ReceiptProofView, RlpError,
};

fn receipts(count: usize, logs_each: usize) -> Vec<Receipt> {
    (0..count)
        .map(|i| {
            let logs = (0..logs_each)
                .map(|j| {
                    Log::new_unchecked(
                        Address::repeat_byte(i as u8),
                        vec![B256::repeat_byte(j as u8), B256::left_padding_from(&(i as u64).to_be_bytes())],
                        Bytes::from(vec![j as u8; 64]),
                    )
                })
                .collect();
            Receipt::new((i % 3) as u8, i % 5 != 4, 21_000 * (i as u64 + 1), logs)
        })
        .collect()
}

/// A block of `receipts`: its header, and a proof for every receipt.
fn block(receipts: &[Receipt]) -> (Header, Vec<ReceiptProof>) {
    let entries: BTreeMap<Vec<u8>, Vec<u8>> =
        receipts.iter().enumerate().map(|(i, r)| (index_key(i as u64), r.encode())).collect();
    let trie = common::build(&entries, &[]);
    // An independent computation of the root, the way Ethereum clients compute receiptsRoot.
    let expected_root = alloy_trie::root::ordered_trie_root_with_encoder(receipts, |r, out| out.extend(r.encode()));
    assert_eq!(trie.root, expected_root);
    let header = Header { receipts_root: trie.root, number: 77, base_fee_per_gas: Some(1), ..Header::default() };
    let header_rlp = Bytes::from(header.encode());
    let proofs = (0..receipts.len() as u64)
        .map(|i| ReceiptProof {
            header: header_rlp.clone(),
            receipt_index: i,
            nodes: trie.proofs[&index_key(i)].clone(),
        })
        .collect();
    (header, proofs)
}

/// Verifies an owned proof through its encoding; the block hash on success.
fn verify(proof: &ReceiptProof) -> Result<B256, ProofError> {
    let encoded = proof.encode();
    ReceiptProofView::decode(&encoded)?.verify().map(|proven| proven.block_hash)
}

#[test]
fn every_receipt_of_blocks_of_every_size_is_proven() {
    for (count, logs_each) in [(1, 1), (1, 10), (20, 1), (100, 3), (300, 1)] {
        let receipts = receipts(count, logs_each);
        let (header, proofs) = block(&receipts);
        for (receipt, proof) in receipts.iter().zip(&proofs) {
            let encoded = proof.encode();
            assert_eq!(ReceiptProof::decode(&encoded).as_ref(), Ok(proof));
            let proven = ReceiptProofView::decode(&encoded).unwrap().verify().unwrap();
            assert_eq!(proven.block_hash, header.hash());
            assert_eq!(proven.block_hash, keccak256(&proof.header));
            assert_eq!(proven.header.number, 77);
            assert_eq!(proven.receipt.to_receipt().as_ref(), Ok(receipt));
            assert_eq!(proven.receipt.logs().as_rlp(), encode_log_list(&receipt.logs).as_slice());
        }
    }
}

#[test]
fn a_proof_under_another_index_fails() {
    let receipts = receipts(20, 1);
    let (_, proofs) = block(&receipts);
    let mut wrong = proofs[3].clone();
    wrong.receipt_index = 4;
    let result = verify(&wrong);
    assert!(matches!(result, Err(ProofError::Mpt(_))), "{result:?}");
}

#[test]
fn a_header_with_another_receipts_root_fails() {
    let receipts = receipts(20, 1);
    let (header, proofs) = block(&receipts);
    let mut forged = proofs[0].clone();
    forged.header = Header { receipts_root: B256::repeat_byte(9), ..header }.encode().into();
    let result = verify(&forged);
    assert_eq!(result, Err(ProofError::Mpt(MptError::WrongHash { depth: 0, expected: B256::repeat_byte(9) })));
}

#[test]
fn a_header_that_does_not_decode_fails() {
    let (_, proofs) = block(&receipts(2, 1));
    let mut forged = proofs[0].clone();
    forged.header = Bytes::from(vec![0xc0]);
    let result = verify(&forged);
    assert!(
        matches!(result, Err(ProofError::Rlp(RlpError::Malformed { what: "header parentHash", .. }))),
        "{result:?}"
    );
}

#[test]
fn malformed_proof_bytes_are_rejected() {
    let (_, proofs) = block(&receipts(2, 1));
    let mut encoded = proofs[0].encode();
    encoded.push(0);
    assert_eq!(ReceiptProofView::decode(&encoded), Err(RlpError::TrailingBytes { what: "receipt proof", extra: 1 }));
    assert!(ReceiptProofView::decode(&[0xc0]).is_err());
    // A node that is a list instead of a string: [header, 0, [[]]].
    let mut payload = alloy_rlp::encode(&proofs[0].header);
    payload.extend(alloy_rlp::encode(0u64));
    payload.extend([0xc1, 0xc0]);
    let mut list_node = Vec::new();
    alloy_rlp::Header { list: true, payload_length: payload.len() }.encode(&mut list_node);
    list_node.extend(payload);
    assert!(matches!(
        ReceiptProofView::decode(&list_node),
        Err(RlpError::Malformed { what: "receipt proof node", .. })
    ));
}

#[test]
fn proof_bytes_never_panic_when_any_byte_changes() {
    let (_, proofs) = block(&receipts(5, 2));
    let encoded = proofs[2].encode();
    for i in 0..encoded.len() {
        for flip in [1u8, 0x80] {
            let mut tampered = encoded.clone();
            tampered[i] ^= flip;
            if let Ok(view) = ReceiptProofView::decode(&tampered) {
                if let Ok(proven) = view.verify() {
                    // Only a change to a header field outside receiptsRoot can still verify, and
                    // then the block hash tells the light node it is another block.
                    assert_ne!(proven.block_hash, keccak256(&proofs[2].header), "byte {i}");
                }
            }
        }
    }
}
