//! MAP's own MOS V3 test scenarios (`evm/test/MosMessageTest.js`, `MosRelayMessageTest.js`),
//! replayed against the Stylus MOS: the same configuration, the same calls, the same receipt logs
//! (`vectors/map-mos-v3`, fed through the test light node as MAP feeds them through its mock), the
//! same expectations. MAP's Echo lives at the address MAP's hardhat gave it, so the messages find it.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use mos_message::interfaces::{IFeeService, IMOSV3};
use mos_message::{MessageData, MessageType};
use mos_tests::*;

/// `echo.getMessageBytes([false, 0, echo, echo.getData("hello", "hello world"), 5000000, value])`.
fn echo_message_bytes(echo: Address, value: u64) -> Vec<u8> {
    let data = IMosTestTarget::setListCall { key: "hello".into(), val: "hello world".into() }.abi_encode();
    MessageData { value: U256::from(value), ..message(false, MessageType::Calldata, echo.as_slice(), &data, 5_000_000) }
        .encode()
}

fn transfer_out(suite: &mut Suite, to_chain: u64, data: Vec<u8>, value: u64) -> devnet::block::TxReceipt {
    let call =
        IMOSV3::transferOutCall { toChain: U256::from(to_chain), messageData: data.into(), feeToken: Address::ZERO };
    suite.send_raw(TARGET_DEPLOYER, suite.mos, U256::from(value), call.abi_encode(), TX_GAS)
}

fn transfer_in(suite: &mut Suite, proof: Bytes) -> devnet::block::TxReceipt {
    let mos = suite.mos;
    suite.ok(MESSENGER, mos, IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof })
}

#[test]
fn mos_message_test() {
    let mut suite = Suite::new(Role::Chain, Some(MAP_ECHO));
    assert_eq!(suite.target, MAP_ECHO);
    suite.allow_remote_caller(MAP_ECHO);

    // "transferOut start test"
    assert!(transfer_out(&mut suite, FEE_CHAIN, echo_message_bytes(MAP_ECHO, 0), 60_000_000_000).receipt.success);
    let short = transfer_out(&mut suite, FEE_CHAIN, echo_message_bytes(MAP_ECHO, 0), 50);
    assert_eq!(describe_revert(&short.output), "MOSV3: Need message fee");
    let valued = transfer_out(&mut suite, FEE_CHAIN, echo_message_bytes(MAP_ECHO, 10), 100);
    assert_eq!(describe_revert(&valued.output), "MOSV3: Not support msg value");

    // "transferIn start test"
    assert_eq!(suite.echo_list("hello"), "");
    transfer_in(&mut suite, map_receipt_logs(0));
    assert_eq!(suite.echo_list("hello"), "hello world");
}

#[test]
fn mos_relay_message_test() {
    let mut suite = Suite::new(Role::Relay, Some(MAP_RELAY_ECHO));
    assert_eq!(suite.target, MAP_RELAY_ECHO);
    let fee = suite.fee_service;
    let price = IFeeService::setChainGasPriceCall {
        chainId: U256::from(FEE_CHAIN),
        token: Address::ZERO,
        chainPrice: U256::from(20_000),
    };
    suite.ok(ADMIN, fee, price);
    suite.allow_remote_caller(MAP_ECHO);
    suite.allow_remote_caller(MAP_OWNER);

    // "transferOut start test"
    assert!(
        transfer_out(&mut suite, FEE_CHAIN, echo_message_bytes(MAP_RELAY_ECHO, 0), 120_000_000_000).receipt.success
    );
    let own_chain = transfer_out(&mut suite, SELF_CHAIN, echo_message_bytes(MAP_RELAY_ECHO, 0), 100);
    assert_eq!(describe_revert(&own_chain.output), "MOSV3: Only other chain");

    // "transferIn start test": executed here, forwarded to chain 97, a MESSAGE executed here.
    assert_eq!(suite.echo_list("hello"), "");
    transfer_in(&mut suite, map_receipt_logs(1));
    assert_eq!(suite.echo_list("hello"), "hello world");
    let forwarded = transfer_in(&mut suite, map_receipt_logs(2));
    let (_, out) = event::<IMOSV3::mapMessageOut>(&forwarded);
    assert_eq!(
        (out.fromChain, out.toChain, out.fromAddrss),
        (U256::from(5), U256::from(97), Bytes::from(MAP_ECHO.to_vec()))
    );
    assert_eq!(suite.echo_list("hello"), "hello world");
    transfer_in(&mut suite, map_receipt_logs(3));
    assert_eq!(suite.echo_list("hello"), "hello world message");

    // "test relay is true": MESSAGE, then CALLDATA, executed here and forwarded with what the
    // Echo returned.
    let receipt = transfer_in(&mut suite, map_receipt_logs(4));
    let (_, out) = event::<IMOSV3::mapMessageOut>(&receipt);
    let (first, _) = <(String, String)>::abi_decode_params(&out.callData).unwrap();
    assert_eq!(first, "hello-Target-address");
    assert_eq!(out.fromAddrss, Bytes::from(MAP_RELAY_ECHO.to_vec()));
    assert_eq!(suite.echo_list("hello"), "mapWorld");

    let receipt = transfer_in(&mut suite, map_receipt_logs(5));
    let (_, out) = event::<IMOSV3::mapMessageOut>(&receipt);
    let returned = Bytes::from(("hello", "hellCallData").abi_encode_params());
    assert_eq!(out.callData, Bytes::from(returned.abi_encode()), "setRelayList's return data, as the call returned it");
    assert_eq!(suite.echo_list("hello"), "openWorld");
}
