//! Receipts in their trie encoding: legacy and typed, round trip, malformations rejected.

use alloy_primitives::{Address, Bloom, Bytes, Log, B256};
use light_client_iface::{encode_log_list, Receipt, ReceiptView, RlpError};
use proptest::prelude::*;

fn sample(tx_type: u8) -> Receipt {
    let logs = vec![Log::new_unchecked(Address::repeat_byte(1), vec![B256::repeat_byte(2)], Bytes::from(vec![3; 50]))];
    Receipt::new(tx_type, true, 21_000, logs)
}

#[test]
fn legacy_and_typed_receipts_round_trip() {
    for tx_type in [0u8, 1, 2, 3, 4, 0x64, 0x68, 0x6a, 0x7e] {
        let receipt = sample(tx_type);
        let encoded = receipt.encode();
        if tx_type == 0 {
            assert!(encoded[0] >= 0xc0, "a legacy receipt is a bare list");
        } else {
            assert_eq!(encoded[0], tx_type);
        }
        assert_eq!(Receipt::decode(&encoded), Ok(receipt.clone()));
        let view = ReceiptView::decode(&encoded).unwrap();
        assert_eq!(view.tx_type(), tx_type);
        assert!(view.success());
        assert_eq!(view.cumulative_gas_used(), 21_000);
        assert_eq!(view.logs().as_rlp(), encode_log_list(&receipt.logs).as_slice());
    }
}

#[test]
fn the_bloom_covers_the_logs() {
    let receipt = sample(2);
    assert_ne!(receipt.logs_bloom, Bloom::ZERO);
    assert!(receipt.logs_bloom.contains_raw_log(Address::repeat_byte(1), &[B256::repeat_byte(2)]));
}

#[test]
fn a_failed_receipt_keeps_its_status() {
    let receipt = Receipt::new(2, false, 50_000, vec![]);
    let view = ReceiptView::decode(&receipt.encode()).unwrap().to_receipt().unwrap();
    assert!(!view.success);
}

#[test]
fn a_status_other_than_0_or_1_is_rejected() {
    let mut encoded = sample(0).encode();
    // The status is the first item after the list header (f9 xx xx): 0x01 -> 0x02.
    assert_eq!(encoded[3], 0x01);
    encoded[3] = 0x02;
    assert_eq!(ReceiptView::decode(&encoded), Err(RlpError::BadStatus(2)));
}

#[test]
fn a_first_byte_that_is_neither_type_nor_list_is_rejected() {
    assert_eq!(ReceiptView::decode(&[0x80]), Err(RlpError::BadReceiptType(0x80)));
    assert_eq!(ReceiptView::decode(&[0x00, 0xc0]), Err(RlpError::BadReceiptType(0x00)));
    assert!(matches!(ReceiptView::decode(&[]), Err(RlpError::Malformed { what: "receipt", .. })));
}

#[test]
fn trailing_bytes_and_extra_fields_are_rejected() {
    let mut encoded = sample(2).encode();
    encoded.push(0x80);
    assert_eq!(ReceiptView::decode(&encoded), Err(RlpError::TrailingBytes { what: "receipt", extra: 1 }));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Receipt::decode(&data);
    }

    #[test]
    fn a_changed_byte_never_panics(tx_type in 0u8..5, at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut encoded = sample(tx_type).encode();
        let i = at.index(encoded.len());
        encoded[i] = byte;
        let _ = Receipt::decode(&encoded);
    }
}
