//! The Echo example dApp (`examples/echo`) against the real MOS: what a dApp developer copies must
//! work as its README says — send both message types, receive them, refuse what it must.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use devnet::exec::{ArbWasm, ARB_WASM};
use mos_message::interfaces::IMOSV3;
use mos_message::{MessageData, MessageType};
use mos_tests::*;

sol!("../../examples/echo/IEcho.sol");

sol! {
    function setList(string key, string value);
}

/// The Echo of another chain that sends to ours.
const REMOTE_ECHO: Address = Address::repeat_byte(0xec);

/// Deploys Echo owned by `owner` (slot 0 records the deployer) and points it at the suite's MOS.
fn deploy_echo(suite: &mut Suite, owner: u32) -> Address {
    let code = program("mos-echo");
    let echo = suite.deploy(owner, stylus_wasm::deploy::init_code_recording_deployer(&code, [0; 32]));
    let activate = ArbWasm::activateProgramCall { program: echo }.abi_encode();
    let receipt = suite.send_raw(owner, ARB_WASM, U256::from(10u64).pow(U256::from(17)), activate, TX_GAS);
    assert!(receipt.receipt.success, "activation failed");
    let mos = suite.mos;
    suite.ok(owner, echo, IEcho::setMapoServiceCall { mos });
    echo
}

fn fee(suite: &mut Suite) -> U256 {
    let mos = suite.mos;
    let call = IMOSV3::getMessageFeeCall {
        toChain: U256::from(FEE_CHAIN),
        feeToken: Address::ZERO,
        gasLimit: U256::from(500_000),
    };
    suite.view(mos, call).amount
}

#[test]
fn echo_sends_calldata_and_message_through_the_mos() {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER);
    assert_eq!(suite.view(echo, IEcho::ownerCall {}), account(USER));
    let value = fee(&mut suite);
    let call = IEcho::echoCall {
        toChain: U256::from(FEE_CHAIN),
        target: REMOTE_ECHO.to_vec().into(),
        key: "k".into(),
        value: "v".into(),
    };
    let receipt = suite.send_raw(USER, echo, value, call.abi_encode(), TX_GAS);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let (emitter, out) = event::<IMOSV3::mapMessageOut>(&receipt);
    assert_eq!(emitter, suite.mos);
    assert_eq!(out.fromAddrss.as_ref(), echo.as_slice(), "the MOS names the Echo as the sender");
    let message = MessageData::decode(&out.callData).unwrap();
    assert_eq!(message.msg_type, MessageType::Calldata);
    assert_eq!(message.target.as_ref(), REMOTE_ECHO.as_slice());
    assert_eq!(message.payload.to_vec(), setListCall { key: "k".into(), value: "v".into() }.abi_encode());
    assert_eq!(message.gas_limit, U256::from(500_000));

    let call = IEcho::echoMessageCall {
        toChain: U256::from(FEE_CHAIN),
        target: REMOTE_ECHO.to_vec().into(),
        key: "k".into(),
        value: "v".into(),
        relay: true,
    };
    let receipt = suite.send_raw(USER, echo, value, call.abi_encode(), TX_GAS);
    let (_, out) = event::<IMOSV3::mapMessageOut>(&receipt);
    let message = MessageData::decode(&out.callData).unwrap();
    assert!(message.relay);
    assert_eq!(message.msg_type, MessageType::Message);
    assert_eq!(<(String, String)>::abi_decode_params(&message.payload).unwrap(), ("k".to_string(), "v".to_string()));

    let receipt = suite.send_raw(
        USER,
        echo,
        U256::from(1),
        IEcho::echoCall { toChain: U256::from(FEE_CHAIN), target: Bytes::new(), key: "k".into(), value: "v".into() }
            .abi_encode(),
        TX_GAS,
    );
    assert_eq!(
        describe_revert(&receipt.output),
        "MOSV3: Need message fee",
        "the MOS's reason reaches the dApp's caller"
    );
}

#[test]
fn echo_receives_calldata_from_an_allowed_sender_only() {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER);
    let payload = setListCall { key: "hello".into(), value: "world".into() }.abi_encode();
    let data = message(false, MessageType::Calldata, echo.as_slice(), &payload, 500_000);
    let refused = suite.deliver(&[suite.incoming(order(1), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&refused);
    assert!(!delivered.result);
    assert_eq!(delivered.reason.as_ref(), b"FromAddressNotCaller");

    let call = IEcho::addCorrespondenceCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: REMOTE_ECHO.to_vec().into(),
        tag: true,
    };
    suite.ok(USER, echo, call);
    let receipt = suite.deliver(&[suite.incoming(order(2), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(delivered.result, "{}", describe_revert(&delivered.reason));
    assert_eq!(suite.view(echo, IEcho::echoListCall { key: "hello".into() }), "world");
}

#[test]
fn echo_receives_a_message_after_asking_the_mos_for_permission() {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER);
    let payload = ("key".to_string(), "value".to_string()).abi_encode_params();
    let data = message(false, MessageType::Message, echo.as_slice(), &payload, 500_000);
    let receipt = suite.deliver(&[suite.incoming(order(3), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(!delivered.result);
    assert_eq!(describe_revert(&delivered.reason), "Echo: no permission");

    let call = IEcho::addCorrespondenceCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: REMOTE_ECHO.to_vec().into(),
        tag: true,
    };
    suite.ok(USER, echo, call);
    let receipt = suite.deliver(&[suite.incoming(order(4), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(delivered.result, "{}", describe_revert(&delivered.reason));
    assert_eq!(suite.view(echo, IEcho::echoListCall { key: "key".into() }), "value");
}

#[test]
fn echo_on_the_relay_executes_and_forwards_to_the_next_echo() {
    let mut suite = Suite::relay();
    let echo = deploy_echo(&mut suite, USER);
    let next = Address::repeat_byte(0x0e);
    suite.ok(USER, echo, IEcho::setTargetCall { chainId: U256::from(FEE_CHAIN), target: next });
    let call = IEcho::addCorrespondenceCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: REMOTE_ECHO.to_vec().into(),
        tag: true,
    };
    suite.ok(USER, echo, call);
    let payload = ("relayed".to_string(), "yes".to_string()).abi_encode_params();
    let data = message(true, MessageType::Message, echo.as_slice(), &payload, 500_000);
    let receipt = suite.deliver(&[suite.incoming(order(5), FEE_CHAIN, REMOTE_ECHO, &data)]);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    assert_eq!(suite.view(echo, IEcho::echoListCall { key: "relayed".into() }), "yes");
    let forwarded = events::<IMOSV3::mapMessageOut>(&receipt);
    let (emitter, out) = forwarded.last().unwrap();
    assert_eq!(*emitter, suite.mos);
    assert_eq!(out.fromAddrss.as_ref(), echo.as_slice(), "forwarded from the relay's Echo");
    assert_eq!(out.orderId, order(5));
    let next_hop = MessageData::decode(&out.callData).unwrap();
    assert_eq!(next_hop.target.as_ref(), next.as_slice());
    assert_eq!(next_hop.payload.to_vec(), payload);
}

#[test]
fn only_the_owner_configures_echo_and_only_the_mos_delivers_to_it() {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER);
    suite.reverts(STRANGER, echo, IEcho::setMapoServiceCall { mos: Address::repeat_byte(1) }, "Echo: only owner");
    suite.reverts(
        STRANGER,
        echo,
        IEcho::setTargetCall { chainId: U256::from(1), target: Address::repeat_byte(1) },
        "Echo: only owner",
    );
    suite.reverts(STRANGER, echo, IEcho::setListCall { key: "k".into(), value: "v".into() }, "Echo: only MOS");
    assert_eq!(suite.view(echo, IEcho::mapoServiceCall {}), suite.mos);
}
