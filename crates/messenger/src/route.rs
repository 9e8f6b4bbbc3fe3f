//! The routes of a deployment: each chain to the relay chain, and the relay chain to each chain,
//! with the chains' endpoints and what each route needs to know of them.

use std::sync::Arc;

use alloy_primitives::{Address, B256, U256};
use mos_rpc::{Chain, Sender};

use crate::{
    deployment::{ChainEntry, Committee, Deployment, DeploymentError, LightNodeKind},
    store::RouteKey,
    transactions::TransactionManager,
};

/// A route, named for people: from a source chain to a destination chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteId {
    /// The source chain's id.
    pub from: u64,
    /// The destination chain's id.
    pub to: u64,
    /// The source chain's name.
    pub from_name: String,
    /// The destination chain's name.
    pub to_name: String,
}

impl RouteId {
    /// The route's key in the store.
    pub fn key(&self) -> RouteKey {
        RouteKey { from: self.from, to: self.to }
    }
}

impl std::fmt::Display for RouteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} → {}", self.from_name, self.to_name)
    }
}

/// A chain as the messenger uses it: its deployment entry, and the transaction manager of the
/// messenger's account on it (one per chain, shared by every route into it).
#[derive(Debug)]
pub struct Endpoint {
    /// What the deployment says of the chain.
    pub entry: ChainEntry,
    /// The messenger's account on it.
    pub transactions: TransactionManager,
}

impl Endpoint {
    /// The chain (its node, or what a test put in its place).
    pub fn chain(&self) -> &dyn Chain {
        self.sender().chain().as_ref()
    }

    /// The messenger's account on the chain.
    pub fn sender(&self) -> &Sender {
        self.transactions.sender()
    }
}

/// A route and what it needs.
#[derive(Debug)]
pub struct Route {
    /// Its name.
    pub id: RouteId,
    /// Where the messages are sent.
    pub source: Arc<Endpoint>,
    /// Where they are delivered.
    pub destination: Arc<Endpoint>,
    /// On the destination, the light node of the source chain.
    pub light_node: Address,
    /// What kind it is: how the source's blocks are made verifiable to it (attested, or the
    /// epochs of its validators brought up to date) and the format of its proofs.
    pub light_node_kind: LightNodeKind,
    /// Held while the light node's epochs are brought up to date, so that two blocks of the route
    /// do not send the same epoch update.
    pub epoch_updates: tokio::sync::Mutex<()>,
    /// Who attests the source chain's blocks to that light node (from the deployment).
    pub committee: Committee,
    /// From the relay: only logs for the destination (`toChain`, topic 2).
    pub to_chain_topic: Option<B256>,
    /// Where a new route starts reading.
    pub start_block: u64,
}

/// The routes of `deployment` over `endpoints` (one per chain of it): each chain to the relay, then
/// the relay to it.
///
/// # Errors
/// [`DeploymentError::NoRelay`] when no endpoint is the relay chain.
pub fn routes(deployment: &Deployment, endpoints: &[Arc<Endpoint>]) -> Result<Vec<Route>, DeploymentError> {
    let relay = endpoints
        .iter()
        .find(|endpoint| endpoint.entry.chain_id == deployment.relay_chain_id)
        .cloned()
        .ok_or(DeploymentError::NoRelay(deployment.relay_chain_id))?;
    let id = |source: &Endpoint, destination: &Endpoint| RouteId {
        from: source.entry.chain_id,
        to: destination.entry.chain_id,
        from_name: source.entry.name.clone(),
        to_name: destination.entry.name.clone(),
    };
    let mut routes = Vec::new();
    for chain in endpoints.iter().filter(|endpoint| endpoint.entry.chain_id != deployment.relay_chain_id) {
        routes.push(Route {
            id: id(chain, &relay),
            source: Arc::clone(chain),
            destination: Arc::clone(&relay),
            // `Deployment::check` made sure every chain has one.
            light_node: chain.entry.relay_light_node.unwrap_or_default(),
            light_node_kind: LightNodeKind::Committee,
            epoch_updates: tokio::sync::Mutex::new(()),
            committee: chain.entry.committee.clone(),
            to_chain_topic: None,
            start_block: chain.entry.deployed_block,
        });
        routes.push(Route {
            id: id(&relay, chain),
            source: Arc::clone(&relay),
            destination: Arc::clone(chain),
            light_node: chain.entry.light_client,
            light_node_kind: chain.entry.light_node_kind,
            epoch_updates: tokio::sync::Mutex::new(()),
            committee: relay.entry.committee.clone(),
            to_chain_topic: Some(U256::from(chain.entry.chain_id).into()),
            start_block: relay.entry.deployed_block,
        });
    }
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_keyed_by_chain_ids_and_shown_by_names() {
        let route = RouteId { from: 1, to: 22_776, from_name: "chain-a".into(), to_name: "relay".into() };
        assert_eq!(route.key().to_string(), "1->22776");
        assert_eq!(route.to_string(), "chain-a → relay");
    }
}
