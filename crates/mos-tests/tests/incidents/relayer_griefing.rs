//! A relayer griefing with too little gas: delivery is permissionless, so anyone may submit a
//! genuine proof with a gas limit chosen to leave the target short, make the message fail for good
//! and take the order (EIP-150 keeps 1/64 of the gas back at every call, so a bare `CALL` with a
//! `gasLimit` can give the target less than it asked for). Several bridges shipped this bug. Here
//! a delivery either reverts whole, the order still open, or gives the target its whole `gasLimit`:
//! no gas limit a relayer picks makes a message fail, nor a retry.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use mos_message::interfaces::{IMOSExtensions, IMOSV3};
use mos_message::MessageType;
use mos_tests::light_client::CommitteeSuite;
use mos_tests::*;

use super::{failed_with, route};

/// What the target asks for.
const GAS_LIMIT: u64 = 1_000_000;

/// The target that records the gas it was given (`gas_recorder`), letting [`USER`] call it.
fn recorder(route: &mut CommitteeSuite) -> Address {
    let mos = route.suite.mos;
    let recorder = route.suite.deploy(ADMIN, stylus_wasm::deploy::init_code(&gas_recorder(mos)));
    let allow = IMOSV3::addRemoteCallerCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: account(USER).to_vec().into(),
        tag: true,
    };
    route.suite.ok(STRANGER, recorder, allow);
    recorder
}

/// Sends `call` to the MOS with every gas limit of `limits` (each below what it needs); asserts
/// each reverted and that together they changed nothing.
fn all_short(suite: &mut Suite, call: &[u8], limits: impl IntoIterator<Item = u64>, what: &str) {
    let mos = suite.mos;
    suite.assert_unchanged_by(STRANGER, what, |suite| {
        for gas in limits {
            let receipt = suite.send_raw(STRANGER, mos, U256::ZERO, call.to_vec(), gas);
            assert!(!receipt.receipt.success, "{what}: {gas} gas went through");
        }
    });
}

/// The gas limits a griefer would try below `least`: just below, and further down.
fn below(least: u64) -> impl Iterator<Item = u64> {
    [1, 2, 64, 1_000, 15_625, 100_000, 500_000].into_iter().filter(move |d| d * 2 < least).map(move |d| least - d)
}

#[test]
fn no_gas_limit_a_relayer_picks_makes_a_delivery_fail() {
    for role in [Role::Chain, Role::Relay] {
        let mut route = route(role);
        let recorder = recorder(&mut route);
        for (n, msg_type) in [MessageType::Calldata, MessageType::Message].into_iter().enumerate() {
            let n = n as u64 + 1;
            let data = message(false, msg_type, recorder.as_slice(), b"griefed", GAS_LIMIT);
            let log = route.suite.incoming(order(n), SELF_CHAIN, account(USER), &data);
            let proof = route.prove(&[log], true).encode();
            let call =
                IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.into() }.abi_encode();
            let mos = route.suite.mos;
            let least = route.suite.least_gas(STRANGER, mos, &call, (100_000, TX_GAS));
            let what = format!("{role:?} {msg_type:?} with less than {least} gas");
            all_short(&mut route.suite, &call, below(least), &what);
            let receipt = route.suite.send_raw(STRANGER, mos, U256::ZERO, call, least);
            assert!(event::<IMOSV3::mapMessageIn>(&receipt).1.result, "{what}: failed at the least gas");
            assert_eq!(route.suite.storage(recorder, U256::ZERO), U256::from(GAS_LIMIT - 2), "{what}: short-changed");
        }
    }
}

#[test]
fn no_gas_limit_a_relayer_picks_makes_a_retry_fail() {
    let mut route = route(Role::Chain);
    let mos = route.suite.mos;
    let recorder = route.suite.deploy(ADMIN, stylus_wasm::deploy::init_code(&gas_recorder(mos)));
    // The sender is not allowed yet: the message fails, and is stored for a retry.
    let data = message(false, MessageType::Calldata, recorder.as_slice(), b"griefed", GAS_LIMIT);
    let log = route.suite.incoming(order(1), SELF_CHAIN, account(USER), &data);
    let proof = route.prove(&[log], true).encode();
    failed_with(&route.transfer_in(&proof), b"FromAddressNotCaller");
    let allow = IMOSV3::addRemoteCallerCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: account(USER).to_vec().into(),
        tag: true,
    };
    route.suite.ok(STRANGER, recorder, allow);
    let call = IMOSExtensions::retryMessageInCall {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(SELF_CHAIN),
        orderId: order(1),
        fromAddress: account(USER).to_vec().into(),
        messageData: data.encode().into(),
    }
    .abi_encode();
    let least = route.suite.least_gas(STRANGER, mos, &call, (50_000, TX_GAS));
    all_short(&mut route.suite, &call, below(least), "a retry with too little gas");
    let receipt = route.suite.send_raw(STRANGER, mos, U256::ZERO, call, least);
    assert!(event::<IMOSV3::mapMessageIn>(&receipt).1.result, "the retry failed at the least gas");
    assert_eq!(route.suite.storage(recorder, U256::ZERO), U256::from(GAS_LIMIT - 2));
}
