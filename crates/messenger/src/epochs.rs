//! Making sure a MAP light node on the destination holds the epoch of a relay block before its
//! proofs are submitted: the epoch updates (`updateBlockHeader` with each epoch's last header,
//! sealed by that epoch's validators) sent one after the other, each mined before the next, from
//! the epoch the node holds to the block's. What the committee light node's attestation is to
//! [`crate::attest`], this is to a light node that verifies the relay chain's consensus: nobody's
//! key is needed, only the validators' seals the relay chain's node serves.

use alloy_primitives::U256;
use light_client_iface::interfaces::{ILightNode, IMapLightNode};
use mos_prover::rpc::sealed::epoch_update;
use mos_rpc::ChainExt;

use crate::{
    deliver::{chain_failure, node_failure, AttemptFailure},
    events::Event,
    route::Route,
    transactions::{GasLimit, SendError},
};

/// Brings the route's MAP light node up to the epoch of source block `block`: nothing when it
/// holds that epoch already, otherwise the updates from its epoch on, each waited for. The
/// [`Event::EpochUpdated`] of each update sent (its `block` the epoch's last block), in order.
///
/// # Errors
/// [`AttemptFailure::Refused`] when the block is older than the node's first epoch or the node
/// refuses an update; [`AttemptFailure::Unavailable`] when a node fails or an update is not mined
/// in time; [`AttemptFailure::Transient`] when an update fails on chain or the relay's node serves
/// a header that does not hash to its block hash.
pub async fn advance(route: &Route, block: u64) -> Result<Vec<Event>, AttemptFailure> {
    let _updating = route.epoch_updates.lock().await;
    let (destination, light_node) = (route.destination.chain(), route.light_node);
    let view_u64 = async |value: Result<U256, mos_rpc::ChainError>| {
        let value = value.map_err(chain_failure)?;
        u64::try_from(value)
            .map_err(|_| AttemptFailure::Transient(format!("the light node {light_node} answers {value}")))
    };
    let epoch_size = view_u64(destination.view(light_node, &IMapLightNode::epochSizeCall {}).await).await?;
    let first = view_u64(destination.view(light_node, &IMapLightNode::firstEpochCall {}).await).await?;
    let held = async || view_u64(destination.view(light_node, &IMapLightNode::currentEpochCall {}).await).await;
    let mut current = held().await?;
    let epoch = map_ibft::epoch_of(block, epoch_size)
        .ok_or_else(|| AttemptFailure::Refused(format!("the light node {light_node} has epochs of 0 blocks")))?;
    if epoch < first {
        return Err(AttemptFailure::Refused(format!(
            "block {block} of {} is in epoch {epoch}, before the first epoch ({first}) the light node {light_node} on {} holds",
            route.id.from_name, route.id.to_name
        )));
    }
    let mut updates = Vec::new();
    while current < epoch {
        let update = epoch_update(route.source.chain(), current, epoch_size).await.map_err(node_failure)?;
        let calldata = ILightNode::updateBlockHeaderCall { blockHeader: update.encode().into() };
        let calldata = alloy_sol_types::SolCall::abi_encode(&calldata).into();
        let sent =
            route.destination.transactions.send(light_node, calldata, GasLimit::Simulated, async |_| Ok(())).await;
        let sent = match sent {
            Ok(sent) => sent,
            Err(error) => {
                // Another messenger may have made this update since the node was asked.
                let now = held().await?;
                if now > current {
                    current = now;
                    continue;
                }
                return Err(refusal(route, current, error));
            }
        };
        let transaction = sent.transaction;
        let receipt = route.destination.sender().wait(transaction).await.map_err(chain_failure)?;
        if !receipt.status() {
            return Err(AttemptFailure::Transient(format!("the epoch update {transaction} failed")));
        }
        let last = current.saturating_mul(epoch_size);
        tracing::info!(route = %route.id, epoch = current + 1, block = last, %transaction, "epoch updated");
        updates.push(Event::EpochUpdated {
            route: route.id.clone(),
            epoch: current + 1,
            block: last,
            light_node,
            transaction,
        });
        current += 1;
    }
    Ok(updates)
}

/// The failure a refused or unsent epoch update makes.
fn refusal(route: &Route, epoch: u64, error: SendError) -> AttemptFailure {
    match error {
        SendError::Reverted(reason) => AttemptFailure::Refused(format!(
            "the light node {} on {} refuses the update of epoch {epoch}: {reason}",
            route.light_node, route.id.to_name
        )),
        SendError::Chain(error) => chain_failure(error),
        error => AttemptFailure::Transient(error.to_string()),
    }
}
