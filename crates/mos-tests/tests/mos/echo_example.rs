//! The Echo example dApps against the real MOS, each test once with the Stylus Echo
//! (`examples/echo`) and once with the Solidity Echo (`examples/solidity-echo`): what a dApp
//! developer copies must work as its README says — send both message types, receive them, refuse
//! what it must, with the same revert strings.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use mos_message::interfaces::IMOSV3;
use mos_message::{MessageData, MessageType};
use mos_tests::*;

use mos_messenger::dapp::{Dapp, SolidityContract};

sol!("../../examples/echo/IEcho.sol");

sol! {
    function setList(string key, string value);
}

/// The Echo of another chain that sends to ours.
const REMOTE_ECHO: Address = Address::repeat_byte(0xec);

/// Runs each named test (a `fn(Dapp)`) twice, as `<name>::stylus` and `<name>::solidity`.
macro_rules! for_both_echoes {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[test]
            fn stylus() {
                super::$test(super::Dapp::Stylus);
            }

            #[test]
            fn solidity() {
                super::$test(super::Dapp::Solidity);
            }
        }
    )+};
}

for_both_echoes!(
    echo_sends_calldata_and_message_through_the_mos,
    echo_receives_calldata_from_an_allowed_sender_only,
    echo_receives_a_message_after_asking_the_mos_for_permission,
    echo_refuses_a_message_that_is_not_a_key_and_a_value,
    echo_on_the_relay_executes_and_forwards_to_the_next_echo,
    only_the_owner_configures_echo_and_only_the_mos_delivers_to_it,
);

/// Deploys the `dapp` Echo owned by `owner` (the Stylus one: slot 0 records the deployer; the
/// Solidity one: its constructor) and points it at the suite's MOS.
fn deploy_echo(suite: &mut Suite, owner: u32, dapp: Dapp) -> Address {
    let echo = match dapp {
        Dapp::Stylus => suite.deploy_recording_deployer(owner, "mos-echo"),
        Dapp::Solidity => suite.deploy(owner, SolidityContract::Echo.creation_code().unwrap()),
    };
    let mos = suite.mos;
    suite.ok(owner, echo, IEcho::setMapoServiceCall { mos });
    echo
}

/// The owner lets [`REMOTE_ECHO`] of [`OTHER_CHAIN`] send to `echo`.
fn allow_remote_echo(suite: &mut Suite, echo: Address) {
    let call = IEcho::addCorrespondenceCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: REMOTE_ECHO.to_vec().into(),
        tag: true,
    };
    suite.ok(USER, echo, call);
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

fn echo_sends_calldata_and_message_through_the_mos(dapp: Dapp) {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER, dapp);
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

fn echo_receives_calldata_from_an_allowed_sender_only(dapp: Dapp) {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER, dapp);
    let payload = setListCall { key: "hello".into(), value: "world".into() }.abi_encode();
    let data = message(false, MessageType::Calldata, echo.as_slice(), &payload, 500_000);
    let refused = suite.deliver(&[suite.incoming(order(1), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&refused);
    assert!(!delivered.result);
    assert_eq!(delivered.reason.as_ref(), b"FromAddressNotCaller");

    allow_remote_echo(&mut suite, echo);
    let receipt = suite.deliver(&[suite.incoming(order(2), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(delivered.result, "{}", describe_revert(&delivered.reason));
    assert_eq!(suite.view(echo, IEcho::echoListCall { key: "hello".into() }), "world");
}

fn echo_receives_a_message_after_asking_the_mos_for_permission(dapp: Dapp) {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER, dapp);
    let payload = ("key".to_string(), "value".to_string()).abi_encode_params();
    let data = message(false, MessageType::Message, echo.as_slice(), &payload, 500_000);
    let receipt = suite.deliver(&[suite.incoming(order(3), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(!delivered.result);
    assert_eq!(describe_revert(&delivered.reason), "Echo: no permission");

    allow_remote_echo(&mut suite, echo);
    let receipt = suite.deliver(&[suite.incoming(order(4), SELF_CHAIN, REMOTE_ECHO, &data)]);
    let (_, delivered) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(delivered.result, "{}", describe_revert(&delivered.reason));
    assert_eq!(suite.view(echo, IEcho::echoListCall { key: "key".into() }), "value");
}

fn echo_refuses_a_message_that_is_not_a_key_and_a_value(dapp: Dapp) {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER, dapp);
    allow_remote_echo(&mut suite, echo);
    let pair = ("key".to_string(), "value".to_string()).abi_encode_params();
    let mut offset_past_the_end = pair.clone();
    offset_past_the_end[31] = 0xf0;
    let cut_short = pair[..pair.len() - 32].to_vec();
    for (index, payload) in [vec![0xde, 0xad, 0xbe, 0xef], offset_past_the_end, cut_short].into_iter().enumerate() {
        let data = message(false, MessageType::Message, echo.as_slice(), &payload, 500_000);
        let receipt = suite.deliver(&[suite.incoming(order(10 + index as u64), SELF_CHAIN, REMOTE_ECHO, &data)]);
        let (_, delivered) = event::<IMOSV3::mapMessageIn>(&receipt);
        assert_eq!((delivered.result, describe_revert(&delivered.reason).as_str()), (false, "Echo: bad message"));
    }
    assert_eq!(suite.view(echo, IEcho::echoListCall { key: "key".into() }), "");
}

fn echo_on_the_relay_executes_and_forwards_to_the_next_echo(dapp: Dapp) {
    let mut suite = Suite::relay();
    let echo = deploy_echo(&mut suite, USER, dapp);
    let next = Address::repeat_byte(0x0e);
    suite.ok(USER, echo, IEcho::setTargetCall { chainId: U256::from(FEE_CHAIN), target: next });
    allow_remote_echo(&mut suite, echo);
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

fn only_the_owner_configures_echo_and_only_the_mos_delivers_to_it(dapp: Dapp) {
    let mut suite = Suite::chain();
    let echo = deploy_echo(&mut suite, USER, dapp);
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
