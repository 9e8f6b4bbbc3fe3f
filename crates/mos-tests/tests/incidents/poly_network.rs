//! Poly Network (August 2021, $611M): a cross-chain message targeted the bridge's own privileged
//! contract, with calldata chosen so that its selector was the keeper-changing function, and the
//! bridge called it as itself. Here: a message whose target is the MOS, its light node (or the
//! relay's manager and the light nodes behind it), its fee service or the program behind the
//! proxy, with an admin selector as calldata, fails with its reason; the privileged contracts are
//! untouched, and the MOS records nothing but the order's failure.

use alloy_primitives::{Address, Log, U256};
use alloy_sol_types::SolCall;
use light_client_iface::interfaces::{ICommitteeLightNode, ILightClientManagerAdmin, ILightNode};
use mos_message::interfaces::{IFeeService, IMOSAdmin, IMOSV3};
use mos_message::{MessageData, MessageType};
use mos_tests::light_client::CommitteeSuite;
use mos_tests::*;

use super::{failed_with, order_slot, route};

/// The attacker: who sends the message on the source chain.
fn attacker() -> Address {
    account(STRANGER)
}

/// Admin calldata of each privileged contract, every one handing it to the attacker.
fn admin_calls(route: &CommitteeSuite) -> Vec<(Address, &'static str, Vec<u8>)> {
    let suite = &route.suite;
    let rogue = attacker();
    vec![
        (suite.mos, "changeAdmin", IMOSV3::changeAdminCall { admin: rogue }.abi_encode()),
        (suite.mos, "upgradeTo", IMOSAdmin::upgradeToCall { newImplementation: suite.target }.abi_encode()),
        (suite.mos, "setLightClient", IMOSV3::setLightClientCall { lightNode: rogue }.abi_encode()),
        (suite.mos, "setFeeService", IMOSV3::setFeeServiceCall { feeServiceAddress: rogue }.abi_encode()),
        (suite.mos, "setPause", IMOSV3::setPauseCall {}.abi_encode()),
        (
            suite.mos,
            "emergencyWithdraw",
            IMOSV3::emergencyWithdrawCall { token: Address::ZERO, receiver: rogue, amount: U256::from(1) }.abi_encode(),
        ),
        (route.node, "updateLightClient", ILightNode::updateLightClientCall { data: Default::default() }.abi_encode()),
        (
            route.node,
            "initialize",
            ICommitteeLightNode::initializeCall {
                sourceChainId: U256::from(OTHER_CHAIN),
                members: vec![rogue],
                threshold: U256::from(1),
            }
            .abi_encode(),
        ),
        (suite.fee_service, "transferOwnership", IFeeService::transferOwnershipCall { newOwner: rogue }.abi_encode()),
        (suite.fee_service, "setFeeReceiver", IFeeService::setFeeReceiverCall { receiver: rogue }.abi_encode()),
        (
            suite.implementation,
            "initialize on the program",
            IMOSAdmin::initializeCall { wToken: rogue, lightClient: rogue }.abi_encode(),
        ),
    ]
}

/// Delivers `data` from the attacker as order `n` through the route's light node; asserts the
/// message failed with `reason` and that the delivery changed nothing but the order's slot (and
/// the messenger's gas).
fn delivered_and_contained(route: &mut CommitteeSuite, n: u64, data: &MessageData, reason: &[u8], what: &str) {
    let log: Log = route.suite.incoming(order(n), SELF_CHAIN, attacker(), data);
    let proof = route.prove(&[log], true).encode();
    let before = route.suite.snapshot();
    let receipt = route.transfer_in(&proof);
    failed_with(&receipt, reason);
    let changes = route.suite.changes_since(&before).without(account(MESSENGER));
    let mos = route.suite.mos;
    assert_eq!(changes.accounts(), vec![mos], "{what}: changed another contract: {changes:#?}");
    let slots: Vec<U256> = changes.storage_of(mos).into_keys().collect();
    assert_eq!(slots, vec![order_slot(order(n))], "{what}: changed more than the order's status");
}

#[test]
fn a_message_calling_an_admin_function_of_the_mos_its_light_node_or_fee_service_is_refused() {
    // Poly Network: the bridge called its own keeper contract on a message's behalf.
    let mut route = route(Role::Chain);
    for (n, (target, what, calldata)) in admin_calls(&route).into_iter().enumerate() {
        let expected: &[u8] = if target == route.suite.implementation {
            // Not a forbidden target, but the attacker is no caller it allowed.
            b"FromAddressNotCaller"
        } else {
            b"ForbiddenTarget"
        };
        let data = message(false, MessageType::Calldata, target.as_slice(), &calldata, 200_000);
        delivered_and_contained(&mut route, n as u64 + 1, &data, expected, what);
    }
    let mos = route.suite.mos;
    assert_eq!(route.suite.view(mos, IMOSV3::getAdminCall {}), account(ADMIN));
}

#[test]
fn a_message_of_type_message_to_a_privileged_contract_is_refused_before_any_call() {
    // Poly Network: whatever the call's shape, the bridge's own contracts are no target.
    let mut route = route(Role::Chain);
    let targets = [route.suite.mos, route.node, route.suite.fee_service];
    for (n, target) in targets.into_iter().enumerate() {
        let data = message(false, MessageType::Message, target.as_slice(), b"payload", 200_000);
        delivered_and_contained(
            &mut route,
            n as u64 + 1,
            &data,
            b"ForbiddenTarget",
            "a MESSAGE to a privileged target",
        );
    }
    // The program behind the proxy has code but no `mapoExecute`: it refuses, and keeps nothing.
    let program = route.suite.implementation;
    let data = message(false, MessageType::Message, program.as_slice(), b"payload", 200_000);
    let log = route.suite.incoming(order(9), SELF_CHAIN, attacker(), &data);
    let proof = route.prove(&[log], true).encode();
    let before = route.suite.snapshot();
    let receipt = route.transfer_in(&proof);
    assert!(receipt.receipt.success);
    let (_, reported) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(!reported.result, "the program executed a message");
    let changes = route.suite.changes_since(&before).without(account(MESSENGER));
    assert_eq!(changes.accounts(), vec![route.suite.mos], "the program changed: {changes:#?}");
}

#[test]
fn on_the_relay_a_message_to_the_manager_or_a_light_node_behind_it_changes_nothing() {
    // Poly Network, on the chain that forwards every message.
    let mut route = route(Role::Relay);
    let manager = route.suite.light_client;
    let node = route.node;
    let calls = [
        (
            manager,
            ILightClientManagerAdmin::registerLightNodeCall { chainId: U256::from(OTHER_CHAIN), lightNode: attacker() }
                .abi_encode(),
        ),
        (manager, ILightClientManagerAdmin::changeAdminCall { newAdmin: attacker() }.abi_encode()),
        (node, ILightNode::updateLightClientCall { data: Default::default() }.abi_encode()),
    ];
    for (n, (target, calldata)) in calls.into_iter().enumerate() {
        // A light node behind the manager is no forbidden target: it obeys its deployer and its
        // committee's signatures, never the MOS, and the attacker is no caller it allowed.
        let reason: &[u8] = if target == manager { b"ForbiddenTarget" } else { b"FromAddressNotCaller" };
        let data = message(false, MessageType::Calldata, target.as_slice(), &calldata, 200_000);
        delivered_and_contained(&mut route, n as u64 + 1, &data, reason, "a relay message to the manager");
    }
    assert_eq!(route.suite.view(manager, ILightClientManagerAdmin::adminCall {}), account(ADMIN));
}
