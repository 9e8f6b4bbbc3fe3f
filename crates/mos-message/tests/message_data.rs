//! `MessageData`: both encodings round-trip, every malformation has its error, nothing panics.

use alloy_primitives::{Bytes, U256};
use mos_message::{DecodeError, Encoding, MessageData, MessageType};
use proptest::prelude::*;

fn sample() -> MessageData {
    MessageData {
        relay: false,
        msg_type: MessageType::Message,
        target: Bytes::from(vec![0x11; 20]),
        payload: Bytes::from(vec![0xab; 37]),
        gas_limit: U256::from(500_000),
        value: U256::ZERO,
    }
}

/// Overwrites the 32-byte word at `offset` with `value`.
fn set_word(data: &mut [u8], offset: usize, value: u64) {
    data[offset..offset + 32].copy_from_slice(&U256::from(value).to_be_bytes::<32>());
}

#[test]
fn struct_encoding_starts_with_the_head_offset_and_flat_with_relay() {
    let message = MessageData { relay: true, ..sample() };
    let encoded = message.encode();
    assert_eq!(U256::from_be_slice(&encoded[..32]), U256::from(0x20));
    assert_eq!(encoded.len(), 32 + message.encode_flat().len());
    assert_eq!(&encoded[32..], &message.encode_flat()[..]);
    assert_eq!(U256::from_be_slice(&message.encode_flat()[..32]), U256::from(1));
}

#[test]
fn both_encodings_decode_and_say_which_they_were() {
    let message = sample();
    assert_eq!(MessageData::decode_with_encoding(&message.encode()), Ok((message.clone(), Encoding::Struct)));
    assert_eq!(MessageData::decode_with_encoding(&message.encode_flat()), Ok((message, Encoding::Flat)));
}

#[test]
fn flat_encoding_with_relay_true_decodes() {
    let message = MessageData { relay: true, ..sample() };
    assert_eq!(MessageData::decode_with_encoding(&message.encode_flat()), Ok((message, Encoding::Flat)));
}

#[test]
fn first_word_that_is_no_encoding_is_rejected() {
    let mut data = sample().encode();
    set_word(&mut data, 0, 2);
    assert_eq!(MessageData::decode(&data), Err(DecodeError::UnknownEncoding(U256::from(2))));
    set_word(&mut data, 0, 0x40);
    assert_eq!(MessageData::decode(&data), Err(DecodeError::UnknownEncoding(U256::from(0x40))));
}

#[test]
fn relay_that_is_not_a_bool_is_rejected() {
    let mut data = sample().encode();
    set_word(&mut data, 32, 2);
    assert_eq!(MessageData::decode(&data), Err(DecodeError::InvalidBool { field: "relay", value: U256::from(2) }));
}

#[test]
fn message_type_out_of_range_is_rejected() {
    let mut data = sample().encode();
    set_word(&mut data, 64, 2);
    assert_eq!(MessageData::decode(&data), Err(DecodeError::InvalidMessageType(U256::from(2))));
}

#[test]
fn non_canonical_offset_is_rejected() {
    let mut data = sample().encode_flat();
    set_word(&mut data, 64, 0xe0);
    assert_eq!(
        MessageData::decode(&data),
        Err(DecodeError::BadOffset { field: "target", expected: 0xc0, found: U256::from(0xe0) })
    );
    let mut data = sample().encode_flat();
    set_word(&mut data, 96, 0x20);
    assert_eq!(
        MessageData::decode(&data),
        Err(DecodeError::BadOffset { field: "payload", expected: 0x100, found: U256::from(0x20) })
    );
}

#[test]
fn length_past_the_end_is_rejected() {
    let mut data = sample().encode_flat();
    // payload's length word sits after target's tail: 0xc0 + 32 + 32.
    set_word(&mut data, 0x100, 1_000);
    assert!(matches!(
        MessageData::decode(&data),
        Err(DecodeError::BadLength { field: "payload", length, .. }) if length == U256::from(1_000)
    ));
    set_word(&mut data, 0xc0, u64::MAX);
    assert!(matches!(MessageData::decode(&data), Err(DecodeError::BadLength { field: "target", .. })));
}

#[test]
fn non_zero_padding_is_rejected() {
    let mut data = sample().encode();
    *data.last_mut().unwrap() = 1;
    assert_eq!(MessageData::decode(&data), Err(DecodeError::DirtyPadding { field: "payload" }));
}

#[test]
fn trailing_bytes_are_rejected() {
    for encoding in [Encoding::Struct, Encoding::Flat] {
        let mut data = sample().encode_as(encoding);
        data.extend_from_slice(&[0; 32]);
        assert_eq!(MessageData::decode(&data), Err(DecodeError::TrailingBytes { extra: 32 }));
    }
}

#[test]
fn every_truncation_is_an_error() {
    for encoding in [Encoding::Struct, Encoding::Flat] {
        let data = sample().encode_as(encoding);
        for len in 0..data.len() {
            let err = MessageData::decode(&data[..len]).unwrap_err();
            assert!(matches!(err, DecodeError::Truncated { .. } | DecodeError::BadLength { .. }), "{len}: {err}");
        }
    }
}

#[test]
fn errors_name_the_field_for_a_person() {
    let err = MessageData::decode(&[0u8; 40]).unwrap_err();
    assert_eq!(err.to_string(), "truncated at tuple head: 192 bytes needed, 40 present");
}

fn any_message() -> impl Strategy<Value = MessageData> {
    (
        any::<bool>(),
        prop_oneof![Just(MessageType::Calldata), Just(MessageType::Message)],
        proptest::collection::vec(any::<u8>(), 0..70),
        proptest::collection::vec(any::<u8>(), 0..300),
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
    )
        .prop_map(|(relay, msg_type, target, payload, gas, value)| MessageData {
            relay,
            msg_type,
            target: target.into(),
            payload: payload.into(),
            gas_limit: U256::from_be_bytes(gas),
            value: U256::from_be_bytes(value),
        })
}

proptest! {
    #[test]
    fn both_encodings_round_trip(message in any_message()) {
        prop_assert_eq!(MessageData::decode_with_encoding(&message.encode()), Ok((message.clone(), Encoding::Struct)));
        prop_assert_eq!(MessageData::decode_with_encoding(&message.encode_flat()), Ok((message, Encoding::Flat)));
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = MessageData::decode(&data);
    }

    #[test]
    fn a_changed_byte_never_panics_and_never_decodes_to_the_same_encoding(
        message in any_message(),
        struct_form in any::<bool>(),
        position in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let encoding = if struct_form { Encoding::Struct } else { Encoding::Flat };
        let mut data = message.encode_as(encoding);
        let at = position.index(data.len());
        prop_assume!(data[at] != byte);
        data[at] = byte;
        // Canonical means one encoding per value: a changed byte either fails or is another value.
        if let Ok((decoded, decoded_encoding)) = MessageData::decode_with_encoding(&data) {
            prop_assert_eq!(decoded.encode_as(decoded_encoding), data);
            prop_assert_ne!(decoded, message);
        }
    }
}
