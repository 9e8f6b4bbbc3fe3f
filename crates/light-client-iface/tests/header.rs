//! Block headers: every fork's field set round-trips, the hash is keccak of the RLP.

use alloy_primitives::{b256, hex, Address, Bloom, Bytes, B256, B64, U256};
use light_client_iface::{Header, RlpError};
use proptest::prelude::*;

/// Ethereum mainnet's genesis block.
fn mainnet_genesis() -> Header {
    Header {
        ommers_hash: b256!("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"),
        state_root: b256!("d7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"),
        transactions_root: b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"),
        receipts_root: b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"),
        difficulty: U256::from(0x4_0000_0000u64),
        gas_limit: 5000,
        extra_data: Bytes::from(hex!("11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa")),
        nonce: B64::from(0x42u64),
        ..Header::default()
    }
}

fn prague() -> Header {
    Header {
        parent_hash: B256::repeat_byte(1),
        beneficiary: Address::repeat_byte(2),
        logs_bloom: Bloom::repeat_byte(3),
        number: 123_456,
        gas_limit: 30_000_000,
        gas_used: 1_234_567,
        timestamp: 1_700_000_000,
        base_fee_per_gas: Some(7),
        withdrawals_root: Some(B256::repeat_byte(4)),
        blob_gas_used: Some(0),
        excess_blob_gas: Some(131_072),
        parent_beacon_block_root: Some(B256::repeat_byte(5)),
        requests_hash: Some(B256::repeat_byte(6)),
        ..mainnet_genesis()
    }
}

#[test]
fn mainnet_genesis_hashes_to_its_known_hash() {
    assert_eq!(mainnet_genesis().hash(), b256!("d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"));
}

#[test]
fn every_fork_level_round_trips() {
    let full = prague();
    let levels = [
        Header {
            base_fee_per_gas: None,
            withdrawals_root: None,
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
            ..full.clone()
        },
        Header {
            withdrawals_root: None,
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
            ..full.clone()
        },
        Header {
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
            ..full.clone()
        },
        Header { parent_beacon_block_root: None, requests_hash: None, excess_blob_gas: None, ..full.clone() },
        Header { parent_beacon_block_root: None, requests_hash: None, ..full.clone() },
        Header { requests_hash: None, ..full.clone() },
        full,
    ];
    let mut lengths = Vec::new();
    for header in levels {
        let encoded = header.encode();
        assert_eq!(Header::decode(&encoded), Ok(header.clone()));
        assert_eq!(Header::number_and_receipts_root(&encoded), Ok((header.number, header.receipts_root)));
        assert_eq!(header.hash(), alloy_primitives::keccak256(&encoded));
        lengths.push(encoded.len());
    }
    assert!(lengths.windows(2).all(|w| w[0] < w[1]), "each fork adds a field: {lengths:?}");
}

#[test]
fn fields_after_the_first_absent_one_are_not_encoded() {
    let gap = Header { withdrawals_root: None, ..prague() };
    let decoded = Header::decode(&gap.encode()).unwrap();
    assert_eq!(decoded.base_fee_per_gas, Some(7));
    assert_eq!(decoded.requests_hash, None);
}

/// Re-wraps `items` (each an encoded RLP item) in a list header.
fn list(items: &[Vec<u8>]) -> Vec<u8> {
    let payload: Vec<u8> = items.concat();
    let mut out = Vec::new();
    alloy_rlp::Header { list: true, payload_length: payload.len() }.encode(&mut out);
    out.extend(payload);
    out
}

/// The header's fields, each encoded.
fn items(header: &Header) -> Vec<Vec<u8>> {
    let encoded = header.encode();
    let mut payload =
        &encoded[alloy_rlp::Header::decode(&mut &encoded[..]).map(|h| encoded.len() - h.payload_length).unwrap()..];
    let mut items = Vec::new();
    while !payload.is_empty() {
        let start = payload;
        let h = alloy_rlp::Header::decode(&mut payload).unwrap();
        payload = &payload[h.payload_length..];
        items.push(start[..start.len() - payload.len()].to_vec());
    }
    items
}

#[test]
fn too_few_or_too_many_fields_are_rejected() {
    let fields = items(&prague());
    assert_eq!(fields.len(), 21);
    assert!(matches!(Header::decode(&list(&fields[..14])), Err(RlpError::Malformed { what: "header nonce", .. })));
    let mut extra = fields.clone();
    extra.push(vec![0x80]);
    assert_eq!(
        Header::decode(&list(&extra)),
        Err(RlpError::WrongItemCount { what: "header", expected: 21, found: 22 })
    );
}

#[test]
fn a_wrong_sized_hash_is_rejected() {
    let mut fields = items(&prague());
    fields[5] = alloy_rlp::encode(Bytes::from(vec![0u8; 31]));
    assert!(matches!(Header::decode(&list(&fields)), Err(RlpError::Malformed { what: "header receiptsRoot", .. })));
}

#[test]
fn the_number_and_receipts_root_reader_checks_what_it_reads() {
    let fields = items(&prague());
    // Only the first nine items are read.
    assert_eq!(Header::number_and_receipts_root(&list(&fields[..9])), Ok((prague().number, prague().receipts_root)));
    assert!(matches!(
        Header::number_and_receipts_root(&list(&fields[..8])),
        Err(RlpError::Malformed { what: "header number", .. })
    ));
    let mut short_root = fields.clone();
    short_root[5] = alloy_rlp::encode(Bytes::from(vec![0u8; 31]));
    assert!(matches!(
        Header::number_and_receipts_root(&list(&short_root)),
        Err(RlpError::Malformed { what: "header receiptsRoot", .. })
    ));
    let mut wide_number = fields.clone();
    wide_number[8] = alloy_rlp::encode(Bytes::from(vec![1u8; 9]));
    assert!(matches!(
        Header::number_and_receipts_root(&list(&wide_number)),
        Err(RlpError::Malformed { what: "header number", .. })
    ));
    let mut encoded = prague().encode();
    encoded.push(0);
    assert!(matches!(Header::number_and_receipts_root(&encoded), Err(RlpError::TrailingBytes { .. })));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..700)) {
        let _ = Header::decode(&data);
        let _ = Header::number_and_receipts_root(&data);
    }

    #[test]
    fn a_changed_byte_never_panics_and_never_keeps_the_hash(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut encoded = prague().encode();
        let i = at.index(encoded.len());
        prop_assume!(encoded[i] != byte);
        encoded[i] = byte;
        if let Ok(header) = Header::decode(&encoded) {
            // Decoding is canonical: a header that decodes re-encodes to the same bytes.
            prop_assert_eq!(header.encode(), encoded);
        }
    }
}
