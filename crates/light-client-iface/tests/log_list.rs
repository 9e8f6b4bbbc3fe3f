//! The RLP log list: encode, read in place, reject malformed lists without panicking.

use alloy_primitives::{Address, Bytes, Log, B256};
use light_client_iface::{encode_log_list, LogList, RlpError};
use proptest::prelude::*;

fn log(seed: u8, topics: usize, data_len: usize) -> Log {
    Log::new_unchecked(
        Address::repeat_byte(seed),
        (0..topics).map(|i| B256::repeat_byte(seed.wrapping_add(i as u8))).collect(),
        Bytes::from(vec![seed; data_len]),
    )
}

#[test]
fn a_list_reads_back_log_by_log() {
    let logs = vec![log(1, 0, 0), log(2, 3, 1), log(3, 4, 300)];
    let encoded = encode_log_list(&logs);
    let list = LogList::new(&encoded).unwrap();
    assert_eq!(list.as_rlp(), &encoded[..]);
    assert_eq!(list.len(), Ok(3));
    assert_eq!(list.to_logs(), Ok(logs.clone()));
    let second = list.get(1).unwrap();
    assert_eq!(second.address(), Address::repeat_byte(2));
    assert_eq!(second.topic_count(), 3);
    assert_eq!(second.topic(2), Some(B256::repeat_byte(4)));
    assert_eq!(second.topic(3), None);
    assert_eq!(second.data(), &[2]);
}

#[test]
fn a_log_past_the_end_is_an_index_error() {
    let encoded = encode_log_list(&[log(1, 1, 1), log(2, 1, 1)]);
    let list = LogList::new(&encoded).unwrap();
    assert_eq!(list.get(2), Err(RlpError::LogIndexOutOfRange { index: 2, len: 2 }));
    assert_eq!(list.get(usize::MAX), Err(RlpError::LogIndexOutOfRange { index: usize::MAX, len: 2 }));
    let empty = encode_log_list(&[]);
    assert!(LogList::new(&empty).unwrap().is_empty());
    assert_eq!(LogList::new(&empty).unwrap().get(0), Err(RlpError::LogIndexOutOfRange { index: 0, len: 0 }));
}

#[test]
fn get_borrows_from_the_list() {
    let encoded = encode_log_list(&[log(1, 1, 64), log(2, 2, 64)]);
    let list = LogList::new(&encoded).unwrap();
    let data = list.get(1).unwrap().data();
    let start = data.as_ptr() as usize - encoded.as_ptr() as usize;
    assert_eq!(&encoded[start..start + 64], data, "the data is a slice of the encoding, not a copy");
}

#[test]
fn bytes_after_the_list_are_rejected() {
    let mut encoded = encode_log_list(&[log(1, 1, 1)]);
    encoded.push(0);
    assert_eq!(LogList::new(&encoded), Err(RlpError::TrailingBytes { what: "log list", extra: 1 }));
}

#[test]
fn a_log_with_a_fourth_field_is_rejected() {
    // [[address, [], 0x, 0x]]
    let mut item = vec![0x94];
    item.extend_from_slice(&[0; 20]);
    item.extend_from_slice(&[0xc0, 0x80, 0x80]);
    let log = [&[0xc0 + item.len() as u8][..], &item].concat();
    let list = [&[0xc0 + log.len() as u8][..], &log].concat();
    let list = LogList::new(&list).unwrap();
    assert_eq!(list.get(0), Err(RlpError::TrailingBytes { what: "log", extra: 1 }));
}

fn any_log() -> impl Strategy<Value = Log> {
    (
        any::<[u8; 20]>(),
        proptest::collection::vec(any::<[u8; 32]>(), 0..5),
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(address, topics, data)| {
            Log::new_unchecked(address.into(), topics.into_iter().map(B256::from).collect(), data.into())
        })
}

proptest! {
    #[test]
    fn any_logs_round_trip(logs in proptest::collection::vec(any_log(), 0..8)) {
        let encoded = encode_log_list(&logs);
        let list = LogList::new(&encoded).unwrap();
        prop_assert_eq!(list.to_logs(), Ok(logs.clone()));
        for (i, log) in logs.iter().enumerate() {
            prop_assert_eq!(list.get(i).unwrap().to_log(), log.clone());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300), index in 0usize..4) {
        if let Ok(list) = LogList::new(&data) {
            let _ = list.len();
            let _ = list.get(index);
            let _ = list.to_logs();
        }
    }

    #[test]
    fn a_changed_byte_never_panics(logs in proptest::collection::vec(any_log(), 1..4), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut encoded = encode_log_list(&logs);
        let i = at.index(encoded.len());
        encoded[i] = byte;
        if let Ok(list) = LogList::new(&encoded) {
            for log in list.iter().flatten() {
                let _ = (log.topics().count(), log.topic(4), log.data().len());
            }
        }
    }
}
