//! Making sure the destination's light node holds a source block's hash before its proofs are
//! submitted: attested by the messenger when it holds a threshold of the committee's keys.

use alloy_primitives::{B256, U256};
use alloy_rpc_types_eth::BlockId;
use alloy_signer_local::PrivateKeySigner;
use light_client_iface::interfaces::ICommitteeLightNode;
use mos_prover::rpc::{fetch_header, HeaderToAttest};
use mos_rpc::ChainExt;

use crate::{
    deliver::{chain_failure, node_failure, AttemptFailure},
    events::Event,
    route::Route,
    transactions::{GasLimit, SendError},
};

/// Whether the light node holds a block's hash, or the messenger sent its attestation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attestation {
    /// The light node holds the hash already.
    Held,
    /// The messenger sent the attestation in this transaction (not mined yet; see [`confirm`]).
    Sent(B256),
}

/// Makes sure the route's light node holds `block_hash` for source block `block`, or will once
/// the transaction it sends now is mined: [`Attestation::Held`] when it holds it already,
/// [`Attestation::Sent`] when the messenger attested it with `attesters` (the committee members
/// among them, as many as the deployment's threshold). Transactions the messenger sends after it
/// on the destination come after it in nonce order: mined after it.
///
/// # Errors
/// [`AttemptFailure::Waiting`] when the block is not attested and the messenger cannot attest it
/// (too few of the committee's keys); [`AttemptFailure::Refused`] when the light node holds another
/// hash for the block or refuses the attestation; [`AttemptFailure::Unavailable`] when a node
/// fails; [`AttemptFailure::Transient`] when the source's block is no longer `block_hash` (a
/// reorganisation).
pub async fn attest(
    route: &Route,
    block: u64,
    block_hash: B256,
    attesters: &[PrivateKeySigner],
) -> Result<Attestation, AttemptFailure> {
    let destination = &route.destination;
    let light_node = route.light_node;
    let attested = destination
        .chain()
        .view(light_node, &ICommitteeLightNode::attestedHashCall { blockNumber: U256::from(block) })
        .await
        .map_err(chain_failure)?;
    if attested == block_hash {
        return Ok(Attestation::Held);
    }
    if !attested.is_zero() {
        return Err(AttemptFailure::Refused(format!(
            "the light node {light_node} on {} holds {attested} for block {block} of {}, whose hash is {block_hash}",
            route.id.to_name, route.id.from_name
        )));
    }
    let threshold = usize::try_from(route.committee.threshold).unwrap_or(usize::MAX);
    let signers: Vec<PrivateKeySigner> = attesters
        .iter()
        .filter(|key| route.committee.members.contains(&key.address()))
        .take(threshold)
        .cloned()
        .collect();
    if signers.len() < threshold || threshold == 0 {
        return Err(AttemptFailure::Waiting(format!(
            "waiting for block {block} of {} to be attested on {}",
            route.id.from_name, route.id.to_name
        )));
    }
    // The chain ids and the committee are the deployment's; the epoch is the light node's now.
    let epoch =
        destination.chain().view(light_node, &ICommitteeLightNode::epochCall {}).await.map_err(chain_failure)?;
    let source_header = fetch_header(route.source.chain(), BlockId::number(block)).await.map_err(node_failure)?;
    let header = HeaderToAttest::new(route.id.from, &source_header, route.id.to, light_node, epoch);
    if header.attestation.blockHash != block_hash {
        return Err(AttemptFailure::Transient(format!(
            "block {block} of {} is now {}, not {block_hash}",
            route.id.from_name, header.attestation.blockHash
        )));
    }
    let signed = mos_prover::attest::sign_header(&header.domain, header.attestation, &signers)
        .map_err(|error| AttemptFailure::Refused(format!("cannot attest: {error}")))?;
    let calldata = mos_prover::attest::update_block_header_calldata(&signed);
    // Not recorded: an attestation lost with the node's pool is made again when the block's
    // deliveries are tried again.
    let sent =
        destination.transactions.send(light_node, calldata, GasLimit::Simulated, async |_| Ok(())).await.map_err(
            |error| match error {
                SendError::Reverted(reason) => {
                    AttemptFailure::Refused(format!("the light node {light_node} refuses the attestation: {reason}"))
                }
                SendError::Chain(error) => chain_failure(error),
                error => AttemptFailure::Transient(error.to_string()),
            },
        )?;
    Ok(Attestation::Sent(sent.transaction))
}

/// Waits for the attestation of source block `block` sent in `transaction` ([`attest`]) to be
/// mined: the [`Event::Attested`] to report.
///
/// # Errors
/// [`AttemptFailure::Unavailable`] when it is not mined in time, [`AttemptFailure::Transient`]
/// when it fails.
pub async fn confirm(route: &Route, block: u64, transaction: B256) -> Result<Event, AttemptFailure> {
    let receipt = route.destination.sender().wait(transaction).await.map_err(chain_failure)?;
    if !receipt.status() {
        return Err(AttemptFailure::Transient(format!("the attestation {transaction} failed")));
    }
    tracing::info!(route = %route.id, block, %transaction, "attested");
    Ok(Event::Attested { route: route.id.clone(), block, light_node: route.light_node, transaction })
}
