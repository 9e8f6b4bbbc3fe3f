//! `mapMessageOut` logs: decoded exactly, other logs rejected with the reason.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolEvent;
use mos_message::{interfaces::IMOSV3, DecodeError, MessageOut, MessageOutError};
use proptest::prelude::*;

fn sample() -> MessageOut {
    MessageOut {
        emitter: Address::repeat_byte(0x5f),
        from_chain: U256::from(5),
        to_chain: U256::from(212),
        order_id: B256::repeat_byte(0x63),
        from_address: Bytes::from(vec![0xcf; 20]),
        message_data: Bytes::from(vec![1, 2, 3]),
    }
}

#[test]
fn topic_is_the_spec_topic() {
    assert_eq!(
        MessageOut::TOPIC,
        "0xf4397fd41454e34a9a4015d05a670124ecd71fe7f1d05578a62f8009b1a57f8a".parse::<B256>().unwrap()
    );
}

#[test]
fn an_emitted_event_decodes_to_its_fields() {
    let out = sample();
    let log = out.to_event().encode_log_data();
    assert_eq!(MessageOut::decode(out.emitter, log.topics(), &log.data), Ok(out));
}

#[test]
fn another_event_is_not_a_message_out() {
    let log = IMOSV3::mapTransferExecute { fromChain: U256::from(1), toChain: U256::from(2), from: Address::ZERO }
        .encode_log_data();
    assert_eq!(
        MessageOut::decode(Address::ZERO, log.topics(), &log.data),
        Err(MessageOutError::WrongTopic(Some(IMOSV3::mapTransferExecute::SIGNATURE_HASH)))
    );
    assert_eq!(MessageOut::decode(Address::ZERO, &[], &[]), Err(MessageOutError::WrongTopic(None)));
}

#[test]
fn wrong_topic_count_is_rejected() {
    let log = sample().to_event().encode_log_data();
    let topics = log.topics();
    assert_eq!(MessageOut::decode(Address::ZERO, &topics[..2], &log.data), Err(MessageOutError::TopicCount(2)));
    let four = [topics[0], topics[1], topics[2], B256::ZERO];
    assert_eq!(MessageOut::decode(Address::ZERO, &four, &log.data), Err(MessageOutError::TopicCount(4)));
}

#[test]
fn malformed_data_is_rejected_with_the_decode_error() {
    let log = sample().to_event().encode_log_data();
    let mut data = log.data.to_vec();
    data.push(0);
    assert_eq!(
        MessageOut::decode(Address::ZERO, log.topics(), &data),
        Err(MessageOutError::Data(DecodeError::TrailingBytes { extra: 1 }))
    );
}

proptest! {
    #[test]
    fn arbitrary_data_never_panics(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = MessageOut::decode(Address::ZERO, &[MessageOut::TOPIC, B256::ZERO, B256::ZERO], &data);
    }
}
