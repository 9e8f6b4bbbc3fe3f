//! The incident suite: for each class of bug behind the largest bridge losses, the attack that
//! class makes, run against the deployed programs (their real wasm on the devnet), each test named
//! after what it shows and citing the incident it answers. Every attack must fail with the expected
//! revert or reason and leave the chain's state as it was: the whole state is compared before and
//! after (`mos_tests::state`), so the check covers every account and every slot, not the ones a
//! test thought of. docs/security.md lists them in a table.

mod map_retry_2026;
mod nomad;
mod poly_network;
mod qubit_multichain;
mod relayer_griefing;
mod replay;
mod ronin_harmony;
mod wormhole;

use alloy_primitives::{Address, Bytes, B256, U256};
use devnet::block::TxReceipt;
use light_client_iface::attestation::HeaderAttestation;
use light_client_iface::interfaces::ILightNode;
use mos_message::interfaces::IMOSV3;
use mos_tests::light_client::{self, Committee, CommitteeSuite};
use mos_tests::*;

/// The committee of every route here: three members, two of whom must sign.
fn committee() -> Committee {
    Committee::new(0x1000, 3, 2)
}

/// A chain's MOS (or the relay's, for `Role::Relay`) verifying through a real committee light
/// node: the route an attacker faces.
fn route(role: Role) -> CommitteeSuite {
    CommitteeSuite::new(role, committee())
}

/// The proof of `setList(key, val)` (order 1, to this chain) in a block of its own that
/// `committee` attested to `node`: what a rogue committee and its light node prove.
fn attested_by(route: &mut CommitteeSuite, node: Address, committee: &Committee, key: &str, val: &str) -> Vec<u8> {
    let (_, log) = route.message(1, SELF_CHAIN, key, val);
    let (number, index) = route.source.emit_in_block(&[log], 1, 0);
    let block = route.source.block(number).clone();
    route.suite.attest(node, committee, 1, &block);
    route.source.proof(number, index).encode()
}

/// Sends `transferIn(OTHER_CHAIN, proof)` from `from` and asserts it reverted with `reason` and
/// changed nothing but `from`'s gas.
fn transfer_in_refused(suite: &mut Suite, from: u32, proof: &[u8], reason: &str, what: &str) {
    let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.to_vec().into() };
    let mos = suite.mos;
    let receipt = suite.assert_unchanged_by(from, what, |suite| suite.send(from, mos, call));
    refused(&receipt, reason, what);
}

/// Submits `attestation` with `signatures` to the light node at `node` from [`STRANGER`];
/// asserts it reverts with `reason` and changes nothing.
fn attestation_refused(
    suite: &mut Suite,
    node: Address,
    attestation: HeaderAttestation,
    signatures: Vec<u8>,
    reason: &str,
) {
    let call = light_client::update_block_header(attestation, signatures);
    let receipt = suite.assert_unchanged_by(STRANGER, reason, |suite| suite.send(STRANGER, node, call));
    refused(&receipt, reason, reason);
}

/// Asserts `receipt` is of a reverted transaction with revert reason `reason`.
fn refused(receipt: &TxReceipt, reason: &str, what: &str) {
    assert!(!receipt.receipt.success, "{what}: accepted");
    assert_eq!(describe_revert(&receipt.output), reason, "{what}");
}

/// The one `mapMessageIn` of a delivery, and that it failed with `reason`.
fn failed_with(receipt: &TxReceipt, reason: &[u8]) -> IMOSV3::mapMessageIn {
    assert!(receipt.receipt.success, "the delivery reverted: {}", describe_revert(&receipt.output));
    let (_, reported) = event::<IMOSV3::mapMessageIn>(receipt);
    assert!(!reported.result, "the message succeeded");
    assert_eq!(reported.reason, Bytes::copy_from_slice(reason), "{}", String::from_utf8_lossy(&reported.reason));
    reported
}

/// `verifyProofData(proof)` of the light node at `node`, as `(success, message)`.
fn verdict(suite: &mut Suite, node: Address, proof: &[u8]) -> (bool, String) {
    let answer = suite.view(node, ILightNode::verifyProofDataCall { receiptProof: proof.to_vec().into() });
    (answer.success, answer.message)
}

/// Where the MOS keeps order `order_id`'s status (docs/mos-layout.md: `keccak(orderId ‖ 5)`).
fn order_slot(order_id: B256) -> U256 {
    let mut preimage = order_id.to_vec();
    preimage.extend_from_slice(&U256::from(5).to_be_bytes::<32>());
    U256::from_be_bytes(alloy_primitives::keccak256(preimage).0)
}

#[test]
fn the_state_comparison_sees_a_single_slot_change_and_the_gas_alone_passes() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    let before = suite.snapshot();
    let receipt = suite.send(STRANGER, mos, IMOSV3::setPauseCall {});
    assert!(!receipt.receipt.success);
    let changes = suite.changes_since(&before);
    assert_eq!(changes.accounts(), vec![account(STRANGER)], "a reverted transaction changes its sender alone");
    changes.assert_only_gas(STRANGER, "a refused pause");

    let before = suite.snapshot();
    suite.ok(ADMIN, mos, IMOSV3::setPauseCall {});
    let changes = suite.changes_since(&before);
    assert_eq!(changes.storage_of(mos).len(), 1, "pausing sets one bit of one slot");
    let caught = std::panic::catch_unwind(|| changes.assert_only_gas(ADMIN, "a pause"));
    assert!(caught.is_err(), "a changed slot passed as gas");
}
