//! What the explorer has read of the chains: every `mapMessageOut` and `mapMessageIn` of each MOS
//! of the deployment and every `HeaderAttested` of its light nodes, with their blocks' times, read
//! range by range as the chains grow ([`Index::refresh`]).

use std::collections::{BTreeMap, HashMap};

use alloy_primitives::{Address, B256};
use alloy_rpc_types_eth::Filter;
use alloy_sol_types::SolEvent;
use light_client_iface::interfaces::ICommitteeLightNode::HeaderAttested;
use mos_rpc::Chain;
use serde_json::json;

use super::ExplorerChain;
use crate::{
    deployment::Role,
    scan::{self, MosEvent},
};

/// An event of a MOS naming an order, where it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// The chain it is on.
    pub chain_id: u64,
    /// The event.
    pub event: MosEvent,
    /// Its block.
    pub block: u64,
    /// Its block's hash.
    pub block_hash: B256,
    /// Its transaction.
    pub transaction: B256,
    /// Its block-wide log index, when the node gives it.
    pub log_index: Option<u64>,
    /// Its block's timestamp (seconds since the Unix epoch), when read.
    pub time: Option<u64>,
}

/// A `HeaderAttested` of a light node: the source block it made verifiable, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    /// The attested block's hash.
    pub block_hash: B256,
    /// The attesting transaction, on the light node's chain.
    pub transaction: B256,
    /// Its block there.
    pub block: u64,
    /// That block's timestamp.
    pub time: Option<u64>,
}

/// How far a chain has been read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    /// The first block read.
    pub first_block: u64,
    /// The first block not read yet.
    pub next_block: u64,
    /// The chain's head when last asked.
    pub head: Option<u64>,
}

/// Where the reading of each chain starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Start {
    /// At the block the chain's MOS was deployed in.
    #[default]
    Deployment,
    /// At this block on every chain.
    Block(u64),
    /// This many blocks back from each chain's head when first read, not before the deployment.
    Recent(u64),
}

/// Everything read so far.
#[derive(Debug, Default)]
pub struct Index {
    /// Each chain's cursor, by chain id, from its first successful read.
    pub cursors: BTreeMap<u64, Cursor>,
    /// Why a chain's last read failed (naming the chain and its URL), by chain id; none once one
    /// succeeds.
    pub errors: BTreeMap<u64, String>,
    /// The events naming each order, in the order they were read.
    pub orders: HashMap<B256, Vec<Sighting>>,
    /// Orders in the order their first event was read: the oldest first.
    pub arrival: Vec<B256>,
    /// Attestations, by `(the light node's chain, the light node, the source block number)`.
    pub attestations: HashMap<(u64, Address, u64), Attested>,
}

/// The light nodes on `chain` that the deployment's routes into it use: on the relay, one per
/// chain; on a chain, its light node of the relay.
pub fn light_nodes(chains: &[ExplorerChain], chain: &ExplorerChain) -> Vec<Address> {
    match chain.entry.role {
        Role::Relay => chains.iter().filter_map(|other| other.entry.relay_light_node).collect(),
        Role::Chain => vec![chain.entry.light_client],
    }
}

impl Index {
    /// Reads every chain from its cursor to its head (the first time, after checking that its node
    /// serves the deployment's chain id); a chain that cannot be read keeps its cursor, and its
    /// error is in [`Index::errors`] until a later refresh reads it.
    pub async fn refresh(&mut self, chains: &[ExplorerChain], start: Start, max_range: u64) {
        for chain in chains {
            let chain_id = chain.entry.chain_id;
            match self.read(chains, chain, start, max_range).await {
                Ok(()) => {
                    self.errors.remove(&chain_id);
                }
                Err(error) => {
                    let error = format!("{} ({}): {error}", chain.entry.name, chain.entry.rpc_url);
                    tracing::warn!(%error, "explorer: a chain could not be read");
                    self.errors.insert(chain_id, error);
                }
            }
        }
    }

    async fn read(
        &mut self,
        chains: &[ExplorerChain],
        chain: &ExplorerChain,
        start: Start,
        max_range: u64,
    ) -> Result<(), String> {
        let node = chain.chain.as_ref();
        let chain_id = chain.entry.chain_id;
        if !self.cursors.contains_key(&chain_id) {
            let serves = node.chain_id().await.map_err(|error| error.to_string())?;
            if serves != chain_id {
                return Err(format!("the node serves chain id {serves}, but the deployment says {chain_id}"));
            }
        }
        let head = node.block_number().await.map_err(|error| error.to_string())?;
        let deployed = chain.entry.deployed_block;
        let cursor = self.cursors.entry(chain_id).or_insert_with(|| {
            let first = match start {
                Start::Deployment => deployed,
                Start::Block(block) => block,
                Start::Recent(blocks) => head.saturating_sub(blocks.saturating_sub(1)).max(deployed),
            };
            Cursor { first_block: first, next_block: first, head: None }
        });
        cursor.head = Some(head);
        let from = cursor.next_block;
        if from > head {
            return Ok(());
        }
        let found = scan::mos_events(node, chain.entry.mos, scan::Events::OutAndIn, from, head, max_range)
            .await
            .map_err(|error| error.to_string())?;
        let filter = Filter::new().address(light_nodes(chains, chain)).event_signature(HeaderAttested::SIGNATURE_HASH);
        let logs = scan::ranged_logs(node, &filter, from, head, max_range).await.map_err(|error| error.to_string())?;
        let mut times = BTreeMap::new();
        for block in found.iter().map(|found| found.block).chain(logs.iter().filter_map(|log| log.block_number)) {
            if let std::collections::btree_map::Entry::Vacant(entry) = times.entry(block) {
                entry.insert(block_time(node, block).await?);
            }
        }
        for found in found {
            let order_id = found.event.order_id();
            let sightings = self.orders.entry(order_id).or_default();
            if sightings.is_empty() {
                self.arrival.push(order_id);
            }
            sightings.push(Sighting {
                chain_id,
                time: times.get(&found.block).copied(),
                event: found.event,
                block: found.block,
                block_hash: found.block_hash,
                transaction: found.transaction,
                log_index: found.log_index,
            });
        }
        for log in logs {
            let (Some(transaction), Some(block)) = (log.transaction_hash, log.block_number) else { continue };
            let Ok(event) = HeaderAttested::decode_log(&log.inner) else { continue };
            let Ok(number) = u64::try_from(event.blockNumber) else { continue };
            let attested =
                Attested { block_hash: event.blockHash, transaction, block, time: times.get(&block).copied() };
            self.attestations.entry((chain_id, log.address(), number)).or_insert(attested);
        }
        self.cursors.entry(chain_id).or_default().next_block = head.saturating_add(1);
        Ok(())
    }
}

/// Reads fields of a block header the [`Chain`] trait does not: `eth_getBlockByNumber` without
/// its transactions, `block` a number or `"latest"`.
///
/// # Errors
/// The node's error, or a block it does not have or whose field is not a hex number.
pub async fn header_field(chain: &dyn Chain, block: &str, field: &str) -> Result<u64, String> {
    let header = chain
        .request("eth_getBlockByNumber", json!([block, false]))
        .await
        .map_err(|error| format!("eth_getBlockByNumber({block}): {error}"))?;
    let text = header
        .get(field)
        .and_then(|value| value.as_str())
        .ok_or_else(|| format!("eth_getBlockByNumber({block}): no {field} in {header}"))?;
    u64::from_str_radix(text.trim_start_matches("0x"), 16)
        .map_err(|_| format!("eth_getBlockByNumber({block}): {field} {text:?} is not a hex number"))
}

/// Block `number`'s timestamp.
async fn block_time(chain: &dyn Chain, number: u64) -> Result<u64, String> {
    header_field(chain, &format!("{number:#x}"), "timestamp").await
}
