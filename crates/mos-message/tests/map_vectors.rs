//! Log lists produced by MAP Protocol's own Solidity MOS V3 decode to exactly the fields MAP expects.

use alloy_primitives::{hex, Address, Bytes, B256, U256};
use light_client_iface::LogList;
use mos_message::{Encoding, MessageOut, MessageType};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = format!("{}/../../vectors/map-mos-v3/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bytes(value: &Value) -> Bytes {
    hex::decode(value.as_str().unwrap()).unwrap().into()
}

#[test]
fn every_map_log_list_decodes_to_the_expected_message() {
    let lists = vectors("receipt-logs.json");
    let expected = vectors("expected.json");
    let lists = lists.as_array().unwrap();
    assert_eq!(lists.len(), expected.as_array().unwrap().len());
    assert!(!lists.is_empty());

    let mut encodings_seen = Vec::new();
    for (list, case) in lists.iter().zip(expected.as_array().unwrap()) {
        let raw = bytes(&list["hex"]);
        let logs = LogList::new(&raw).unwrap();
        let want = case["logs"].as_array().unwrap();
        assert_eq!(logs.len().unwrap(), want.len(), "{}", case["test"]);

        for (log, want) in logs.iter().zip(want) {
            let log = log.unwrap();
            let topics: Vec<B256> = log.topics().collect();
            let want_topics: Vec<B256> =
                want["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
            assert_eq!(topics, want_topics);

            let out = MessageOut::from_log(&log).unwrap();
            assert_eq!(out.emitter, want["address"].as_str().unwrap().parse::<Address>().unwrap());
            assert_eq!(out.from_chain, U256::from(want["fromChain"].as_u64().unwrap()));
            assert_eq!(out.to_chain, U256::from(want["toChain"].as_u64().unwrap()));
            assert_eq!(out.order_id, want["orderId"].as_str().unwrap().parse::<B256>().unwrap());
            assert_eq!(out.from_address, bytes(&want["fromAddress"]));
            assert_eq!(out.message_data, bytes(&want["messageData"]));

            let (message, encoding) = mos_message::MessageData::decode_with_encoding(&out.message_data).unwrap();
            let m = &want["message"];
            assert_eq!(encoding.name(), m["encoding"].as_str().unwrap());
            assert_eq!(message.relay, m["relay"].as_bool().unwrap());
            assert_eq!(message.msg_type as u64, m["msgType"].as_u64().unwrap());
            assert_eq!(message.target, bytes(&m["target"]));
            assert_eq!(message.payload, bytes(&m["payload"]));
            assert_eq!(message.gas_limit, U256::from(m["gasLimit"].as_u64().unwrap()));
            assert_eq!(message.value, U256::from(m["value"].as_u64().unwrap()));

            // Our encoder reproduces MAP's bytes exactly, in the form they arrived in.
            assert_eq!(message.encode_as(encoding), out.message_data.to_vec());
            encodings_seen.push((encoding, message.relay, message.msg_type));
        }
    }
    // The vectors cover both encodings, both message types and both relay flags.
    assert!(encodings_seen.iter().any(|(e, ..)| *e == Encoding::Struct));
    assert!(encodings_seen.iter().any(|(e, ..)| *e == Encoding::Flat));
    assert!(encodings_seen.iter().any(|(_, relay, _)| *relay));
    assert!(encodings_seen.iter().any(|(.., t)| *t == MessageType::Message));
    assert!(encodings_seen.iter().any(|(.., t)| *t == MessageType::Calldata));
}

#[test]
fn order_id_matches_the_one_maps_mos_assigned() {
    // MosMessageTest: the MOS at 0x5fc8… on chain 5 sent its first message (nonce 0) to chain 212.
    let order = mos_message::order_id(
        "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707".parse().unwrap(),
        U256::ZERO,
        U256::from(5),
        U256::from(212),
        "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9".parse().unwrap(),
        &hex::decode("cf7ed3acca5a467e9e704c703e8d87f634fb0fc9").unwrap(),
    );
    assert_eq!(order, "0x63bf27b593f5ecbfe3212c102d6dc04aabcf5e27150edeb6a60003feb71c3d38".parse::<B256>().unwrap());
}
