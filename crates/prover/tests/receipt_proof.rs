//! Receipt proofs built from whole blocks verify, at every index, for tries of many shapes; and
//! the builder refuses receipts that are not the block's.

use alloy_primitives::{Address, Bytes, Log, B256};
use alloy_trie::root::ordered_trie_root_with_encoder;
use light_client_iface::{Header, Receipt, ReceiptProofView};
use mos_prover::{receipt_proof, receipt_proofs, ProveError};

/// `count` receipts of every type, with 0 to 3 logs of varied sizes.
fn receipts(count: usize) -> Vec<Receipt> {
    (0..count)
        .map(|i| {
            let logs = (0..i % 4)
                .map(|j| {
                    let topics = (0..j).map(|t| B256::with_last_byte((i + t) as u8)).collect();
                    Log::new_unchecked(Address::with_last_byte(i as u8), topics, Bytes::from(vec![i as u8; j * 40]))
                })
                .collect();
            Receipt::new((i % 5) as u8, i % 7 != 3, 21_000 * (i as u64 + 1), logs)
        })
        .collect()
}

/// A header committing to `receipts` by a root computed independently of the builder.
fn header_of(receipts: &[Receipt]) -> Header {
    let receipts_root = ordered_trie_root_with_encoder(receipts, |r, out| out.extend(r.encode()));
    Header { receipts_root, number: 7, ..Header::default() }
}

#[test]
fn every_receipt_of_every_trie_shape_is_proven() {
    // 1: the root is the leaf; 127/128/129: the index keys change length (RLP(0) = 0x80,
    // RLP(128) = 0x8180); 300: three levels of branches.
    for count in [1, 2, 16, 127, 128, 129, 300] {
        let receipts = receipts(count);
        let header = header_of(&receipts);
        // Every index of the small tries; of the large ones, the first, the last and a spread.
        let step = if count > 16 { 13 } else { 1 };
        let indices = (0..count as u64).step_by(step).chain([0, 127, 128, count as u64 - 1]);
        for index in indices.filter(|&i| i < count as u64) {
            let proof = receipt_proof(&header, &receipts, index).unwrap().encode();
            let view = ReceiptProofView::decode(&proof).unwrap();
            assert_eq!(view.receipt_index(), index);
            let proven = view.verify().unwrap_or_else(|e| panic!("{count} receipts, index {index}: {e}"));
            assert_eq!(proven.block_hash, header.hash());
            assert_eq!(proven.receipt.to_receipt().unwrap(), receipts[index as usize]);
        }
    }
}

#[test]
fn the_proofs_of_several_receipts_from_one_build_each_verify_as_their_own() {
    for count in [1, 2, 16, 128, 129, 300] {
        let receipts = receipts(count);
        let header = header_of(&receipts);
        // Out of order, with a repeat: each proof answers its own index.
        let indexes: Vec<u64> = [count - 1, 0, count / 2, 0, count.saturating_sub(2)].map(|i| i as u64).to_vec();
        let proofs = receipt_proofs(&header, &receipts, &indexes).unwrap();
        assert_eq!(proofs.len(), indexes.len());
        for (proof, &index) in proofs.iter().zip(&indexes) {
            let encoded = proof.encode();
            let view = ReceiptProofView::decode(&encoded).unwrap();
            assert_eq!(view.receipt_index(), index);
            let proven = view.verify().unwrap_or_else(|e| panic!("{count} receipts, index {index}: {e}"));
            assert_eq!(proven.receipt.to_receipt().unwrap(), receipts[index as usize]);
            assert_eq!(encoded, receipt_proof(&header, &receipts, index).unwrap().encode(), "as proven alone");
        }
    }
    let receipts = receipts(3);
    let header = header_of(&receipts);
    assert_eq!(receipt_proofs(&header, &receipts, &[1, 3]), Err(ProveError::NoSuchReceipt { index: 3, count: 3 }));
    assert_eq!(receipt_proofs(&header, &receipts, &[]), Ok(Vec::new()));
}

#[test]
fn an_index_past_the_block_is_refused() {
    let receipts = receipts(3);
    let header = header_of(&receipts);
    assert_eq!(receipt_proof(&header, &receipts, 3), Err(ProveError::NoSuchReceipt { index: 3, count: 3 }));
    assert_eq!(receipt_proof(&header, &[], 0), Err(ProveError::NoSuchReceipt { index: 0, count: 0 }));
}

#[test]
fn receipts_that_are_not_the_blocks_are_refused() {
    let receipts = receipts(10);
    let header = header_of(&receipts);
    let mut changed = receipts.clone();
    changed[4] = Receipt::new(2, true, 1, Vec::new());
    let rebuilt = header_of(&changed).receipts_root;
    assert_eq!(
        receipt_proof(&header, &changed, 0),
        Err(ProveError::ReceiptsRootMismatch { expected: header.receipts_root, rebuilt })
    );
    // One receipt missing (the source left it out) is refused too.
    assert!(matches!(receipt_proof(&header, &receipts[..9], 0), Err(ProveError::ReceiptsRootMismatch { .. })));
}
