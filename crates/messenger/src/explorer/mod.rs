//! The explorer: each message of a deployment followed from its source to its destination, as the
//! chains show it, and why one that has not arrived waits, as the chains and the messenger's store
//! show it.
//!
//! - [`index`]: every MOS event and light-node attestation of the deployment, read as the chains
//!   grow;
//! - [`journey`]: one message's journey (steps, hops, latency, status) and the list's entries;
//! - [`wait`]: why a message waits, one reason per step a hop can be held at;
//! - [`page`]: the HTML pages.
//!
//! [`Explorer`] answers both the pages and the JSON API (`/api/messages`,
//! `/api/messages/{orderId}`), which [`crate::http`] serves with the messenger's metrics; `mos
//! status` prints the same journey. The messenger hands its own chains, store and accounts to
//! one ([`crate::Messenger::explorer`]); `mos explorer` builds one from a deployment file.

pub mod index;
pub mod journey;
pub mod page;
pub mod wait;

use std::{collections::BTreeMap, sync::Arc};

use alloy_primitives::{Address, Bytes, B256, U256};
use light_client_iface::interfaces::{ICommitteeLightNode, IMapLightNode};
use mos_message::interfaces::{IMOSExtensions::messageStatusCall, IMOSExtensions::MessageStatus, IMOSV3};
use mos_rpc::{Chain, ChainExt, Node};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;

use self::{
    index::{header_field, Index, Sighting, Start},
    journey::{
        chain_id_of, chain_ref, light_node_of, steps, ChainRef, ChainView, Fee, Journey, MessageSummary, MessageView,
        Status, Waiting,
    },
    wait::{DeliveryFacts, GasBound, HopFacts, MessengerFacts},
};
use crate::{
    deployment::{ChainEntry, Deployment, DeploymentError, LightNodeKind, Role},
    scan::MosEvent,
    store::{RouteKey, Store},
};

/// A chain of the deployment, as the explorer reads it.
#[derive(Clone)]
pub struct ExplorerChain {
    /// What the deployment says of it.
    pub entry: ChainEntry,
    /// Its node.
    pub chain: Arc<dyn Chain>,
}

impl std::fmt::Debug for ExplorerChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExplorerChain").field("name", &self.entry.name).field("url", &self.chain.url()).finish()
    }
}

/// How the explorer reads the chains, and what it knows of the messenger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where the reading of each chain starts.
    pub start: Start,
    /// The most blocks one `eth_getLogs` asks for.
    pub max_block_range: u64,
    /// Blocks a source block needs on top of it before the messenger carries its messages.
    pub confirmations: u64,
    /// The same, for particular chains (by chain id).
    pub chain_confirmations: BTreeMap<u64, u64>,
    /// The messenger's account on each chain (by chain id), whose balance says whether it can pay.
    pub accounts: BTreeMap<u64, Address>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            start: Start::Deployment,
            max_block_range: 1000,
            confirmations: 0,
            chain_confirmations: BTreeMap::new(),
            accounts: BTreeMap::new(),
        }
    }
}

/// Which messages a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    /// Only those from or to this chain (its name or chain id).
    pub chain: Option<String>,
    /// Only those with this status.
    pub status: Option<Status>,
    /// Only those sent by this address (`fromAddress`).
    pub sender: Option<Bytes>,
    /// Only those to this target.
    pub target: Option<Bytes>,
    /// Only the one with this orderId, or those with a step in this transaction.
    pub search: Option<B256>,
    /// At most this many (the newest).
    pub limit: usize,
}

/// The most messages a list holds.
pub const MAX_LIST: usize = 500;

/// How far the explorer has read a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainProgress {
    /// The chain.
    pub chain: ChainRef,
    /// Its RPC URL.
    pub rpc_url: String,
    /// The first block read.
    pub from_block: Option<u64>,
    /// The last block read.
    pub to_block: Option<u64>,
    /// Why it could not be read last time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The answer of `/api/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageList {
    /// The messages, the newest first.
    pub messages: Vec<MessageSummary>,
    /// How many messages match, before the limit.
    pub matching: usize,
    /// How far each chain has been read.
    pub chains: Vec<ChainProgress>,
}

/// Why an explorer cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ExplorerError {
    /// The deployment is not usable.
    #[error(transparent)]
    Deployment(#[from] DeploymentError),
    /// A chain's URL is not one the client speaks.
    #[error("{chain}: {source}")]
    Url {
        /// The chain's name.
        chain: String,
        /// What is wrong with the URL.
        #[source]
        source: mos_rpc::UrlError,
    },
}

/// Gas a delivery spends besides its target's call, at most: proof verification and the MOS's own
/// work. What the destination's blocks leave for a target is their gas limit less this.
pub const DELIVERY_GAS: u64 = 2_000_000;

/// Gas a delivery spends at least besides its target's call (a receipt proof verified, the MOS's
/// bookkeeping): with the target's `gasLimit`, the least a delivery costs, which an account must
/// hold before the explorer says the messenger can pay.
pub const LEAST_DELIVERY_GAS: u64 = 500_000;

/// The explorer of one deployment.
#[derive(Debug)]
pub struct Explorer {
    chains: Vec<ExplorerChain>,
    relay: u64,
    store: Option<Arc<dyn Store>>,
    settings: Settings,
    index: Mutex<Index>,
}

impl Explorer {
    /// The explorer of `chains` (the relay chain's id `relay`), with the messenger's `store` when
    /// given.
    pub fn new(chains: Vec<ExplorerChain>, relay: u64, store: Option<Arc<dyn Store>>, settings: Settings) -> Self {
        Self { chains, relay, store, settings, index: Mutex::new(Index::default()) }
    }

    /// The explorer of `deployment`, reading each chain at its RPC URL.
    ///
    /// # Errors
    /// [`ExplorerError::Deployment`] for a deployment without a relay chain or with a chain twice;
    /// [`ExplorerError::Url`] for a URL that is not `http://` or `https://`.
    pub fn connect(
        deployment: &Deployment,
        store: Option<Arc<dyn Store>>,
        settings: Settings,
    ) -> Result<Self, ExplorerError> {
        deployment.check()?;
        let chains = deployment
            .chains
            .iter()
            .map(|entry| {
                let node = Node::connect(&entry.rpc_url)
                    .map_err(|source| ExplorerError::Url { chain: entry.name.clone(), source })?;
                Ok(ExplorerChain { entry: entry.clone(), chain: node.into() })
            })
            .collect::<Result<_, ExplorerError>>()?;
        Ok(Self::new(chains, deployment.relay_chain_id, store, settings))
    }

    /// The chains it reads.
    pub fn chains(&self) -> &[ExplorerChain] {
        &self.chains
    }

    /// The messages `filter` keeps, the newest first, after reading what the chains added.
    pub async fn messages(&self, filter: &MessageFilter) -> MessageList {
        let mut index = self.index.lock().await;
        index.refresh(&self.chains, self.settings.start, self.settings.max_block_range).await;
        let stages = self.delivery_stages().await;
        let chain = filter.chain.as_deref().and_then(|chain| self.chain_named(chain));
        // Every message, the newest sent first (by its source block's time, then as read).
        let mut all: Vec<(MessageSummary, &[Sighting])> = index
            .arrival
            .iter()
            .rev()
            .filter_map(|order_id| {
                let sightings = index.orders.get(order_id)?;
                Some((self.summarise(&index, *order_id, sightings, &stages)?, sightings.as_slice()))
            })
            .collect();
        all.sort_by_key(|(summary, _)| std::cmp::Reverse(summary.time));
        let mut messages = Vec::new();
        let mut matching = 0;
        for (summary, sightings) in all {
            let keep = filter.chain.is_none()
                || chain.is_some_and(|c| c == summary.from_chain.chain_id || c == summary.to_chain.chain_id);
            let keep = keep
                && filter.status.is_none_or(|status| status == summary.status)
                && filter.sender.as_ref().is_none_or(|sender| *sender == summary.sender)
                && filter.target.as_ref().is_none_or(|target| Some(target) == summary.target.as_ref())
                && filter.search.is_none_or(|search| {
                    search == summary.order_id || sightings.iter().any(|seen| seen.transaction == search)
                });
            if keep {
                matching += 1;
                if messages.len() < filter.limit.clamp(1, MAX_LIST) {
                    messages.push(summary);
                }
            }
        }
        MessageList { messages, matching, chains: self.progress(&index) }
    }

    /// The journey of `order_id`, after reading what the chains added: its status
    /// [`Status::Unknown`] when no chain knows it.
    pub async fn journey(&self, order_id: B256) -> Journey {
        let mut index = self.index.lock().await;
        index.refresh(&self.chains, self.settings.start, self.settings.max_block_range).await;
        let sightings = index.orders.get(&order_id).cloned().unwrap_or_default();
        let route = route_of(&sightings);
        let assembled = route.map(|route| steps(&index, &self.chains, self.relay, &sightings, route));
        let (cursors, progress) = (index.cursors.clone(), self.progress(&index));
        drop(index);

        let mut chains = Vec::new();
        let mut statuses = BTreeMap::new();
        for (chain, mut read) in self.chains.iter().zip(progress) {
            let status = chain.chain.view(chain.entry.mos, &messageStatusCall { orderId: order_id }).await;
            let status = match status {
                Ok(status) => {
                    statuses.insert(chain.entry.chain_id, status);
                    Some(status_name(status).to_owned())
                }
                Err(failure) => {
                    let failure = format!("{}: messageStatus: {failure}", chain.entry.name);
                    read.error =
                        Some(read.error.map_or_else(|| failure.clone(), |first| format!("{first}; {failure}")));
                    None
                }
            };
            chains.push(ChainView { read, mos: chain.entry.mos, message_status: status });
        }
        let source = journey::source(&sightings);
        let message_data = source.map(|(_, out)| out.message_data.clone()).or_else(|| {
            sightings.iter().find_map(|seen| match &seen.event {
                MosEvent::In(event) => Some(event.callData.clone()),
                MosEvent::Out(_) => None,
            })
        });
        let decoded = message_data.as_ref().map(|data| MessageView::decode(data));
        let mut journey = Journey {
            order_id,
            status: Status::Unknown,
            summary: String::new(),
            reason: None,
            from_chain: route.map(|(from, _)| chain_ref(&self.chains, from)),
            to_chain: route.map(|(_, to)| chain_ref(&self.chains, to)),
            sender: source.map(|(_, out)| out.from_address.clone()).or_else(|| {
                sightings.iter().find_map(|seen| match &seen.event {
                    MosEvent::In(event) => Some(event.fromAddrss.clone()),
                    MosEvent::Out(_) => None,
                })
            }),
            message: decoded.clone().and_then(Result::ok),
            message_error: decoded.and_then(Result::err),
            message_data,
            steps: Vec::new(),
            hops: Vec::new(),
            waiting: None,
            chains,
        };
        if let Some(assembled) = assembled {
            journey.status = assembled.status;
            journey.steps = assembled.steps;
            journey.hops = assembled.hops;
            if let Some(step) = journey.steps.first_mut().filter(|step| step.kind == journey::StepKind::Sent) {
                step.fee = self.fee(step.chain.chain_id, step.transaction).await;
            }
            if let Some(((from, to), departure)) = assembled.current {
                let gas_limit = journey.message.as_ref().map_or(U256::ZERO, |message| message.gas_limit);
                let facts =
                    self.hop_facts((from, to), &departure, gas_limit, cursors.get(&from).and_then(|c| c.head)).await;
                let wait = wait::classify(&facts);
                journey.waiting = Some(Waiting {
                    from: chain_ref(&self.chains, from),
                    to: chain_ref(&self.chains, to),
                    text: wait.text(),
                    wait,
                });
            }
        }
        // What the MOSs hold, where their events were not read.
        if let Some(to) = journey.to_chain.as_ref().map(|to| to.chain_id) {
            let at_destination = match statuses.get(&to) {
                Some(MessageStatus::Delivered) => Some(Status::Delivered),
                Some(MessageStatus::Failed) => Some(Status::Failed),
                Some(MessageStatus::Retried) => Some(Status::Retried),
                _ => None,
            };
            if let Some(status) = at_destination.filter(|_| !journey.status.is_final()) {
                journey.status = status;
                journey.waiting = None;
            }
        }
        journey.reason = (journey.status == Status::Failed)
            .then(|| journey.steps.iter().rev().find_map(|step| step.reason.clone()))
            .flatten();
        journey.summary = summary(&journey);
        journey
    }

    /// The source transaction's fee, when the node has it.
    async fn fee(&self, chain_id: u64, transaction: B256) -> Option<Fee> {
        let chain = self.chain(chain_id)?;
        let sent = chain.chain.request("eth_getTransactionByHash", serde_json::json!([transaction])).await.ok()?;
        let receipt = chain.chain.receipt(transaction).await.ok()??;
        let value = sent.get("value").and_then(Value::as_str).and_then(|value| value.parse::<U256>().ok())?;
        let gas_cost = U256::from(receipt.gas_used).saturating_mul(U256::from(receipt.effective_gas_price));
        Some(Fee { value, gas_cost, from: receipt.from })
    }

    /// Everything that can hold the hop `from → to` up, for the message that left `from` with
    /// `departure`.
    async fn hop_facts(
        &self,
        (from, to): (u64, u64),
        departure: &Sighting,
        gas_limit: U256,
        head: Option<u64>,
    ) -> HopFacts {
        let (source, destination) = (self.chain(from), self.chain(to));
        let light_node = light_node_of(&self.chains, from, to).unwrap_or_default();
        let mut facts = HopFacts {
            from: chain_ref(&self.chains, from).name,
            to: chain_ref(&self.chains, to).name,
            block: departure.block,
            head,
            confirmations: self.settings.chain_confirmations.get(&from).copied().unwrap_or(self.settings.confirmations),
            gas_limit,
            accepted_gas: None,
            attested: None,
            epoch: None,
            light_node,
            committee: source.map_or((0, 0), |source| {
                (source.entry.committee.threshold, source.entry.committee.members.len() as u64)
            }),
            funds: None,
            messenger: None,
        };
        let Some(destination) = destination else { return facts };
        let node = destination.chain.as_ref();
        let mos_limit = node.view(destination.entry.mos, &IMOSV3::gasLimitMaxCall {}).await.ok();
        let block_limit =
            header_field(node, "latest", "gasLimit").await.ok().map(|limit| limit.saturating_sub(DELIVERY_GAS));
        facts.accepted_gas = match (mos_limit.and_then(|limit| u64::try_from(limit).ok()), block_limit) {
            (Some(mos), Some(block)) if block < mos => Some((block, GasBound::BlockLimit)),
            (Some(mos), _) => Some((mos, GasBound::MosLimit)),
            (None, block) => block.map(|block| (block, GasBound::BlockLimit)),
        };
        if destination.entry.role == Role::Chain && destination.entry.light_node_kind == LightNodeKind::Map {
            let size = node.view(light_node, &IMapLightNode::epochSizeCall {}).await.ok();
            let held = node.view(light_node, &IMapLightNode::currentEpochCall {}).await.ok();
            facts.epoch = size.zip(held).and_then(|(size, held)| {
                let epoch = map_ibft::epoch_of(departure.block, u64::try_from(size).ok()?)?;
                Some((epoch, u64::try_from(held).ok()?))
            });
        } else {
            let attested = node
                .view(light_node, &ICommitteeLightNode::attestedHashCall { blockNumber: U256::from(departure.block) })
                .await;
            facts.attested = attested.ok().map(|hash| hash == departure.block_hash);
        }
        let route = RouteKey { from, to };
        let mut account = self.settings.accounts.get(&to).copied();
        if let Some(store) = &self.store {
            let next_block = store.summary().await.ok().and_then(|routes| {
                routes.into_iter().find(|(key, _)| *key == route).map(|(_, summary)| summary.next_block)
            });
            let delivery = store.delivery(route, departure.transaction).await.ok().flatten();
            account = account.or_else(|| delivery.as_ref().and_then(|d| d.submission.as_ref()).map(|s| s.sender));
            facts.messenger = Some(MessengerFacts {
                next_block,
                delivery: delivery.map(|delivery| DeliveryFacts {
                    stage: delivery.stage,
                    attempts: delivery.attempts,
                    last_error: delivery.last_error,
                    submission: delivery.submission.map(|submission| (submission.transaction, submission.at_ms)),
                }),
            });
        }
        if let Some(account) = account {
            if let (Ok(balance), Ok(base_fee)) = (node.balance(account).await, node.base_fee().await) {
                let gas = gas_limit.saturating_add(U256::from(LEAST_DELIVERY_GAS));
                facts.funds = Some((account, balance, gas.saturating_mul(U256::from(base_fee))));
            }
        }
        facts
    }

    /// The list's entry of an order, when its source or destination event was read.
    fn summarise(
        &self,
        index: &Index,
        order_id: B256,
        sightings: &[Sighting],
        stages: &BTreeMap<(RouteKey, B256), String>,
    ) -> Option<MessageSummary> {
        let route = route_of(sightings)?;
        let assembled = steps(index, &self.chains, self.relay, sightings, route);
        let first = sightings.iter().min_by_key(|seen| (seen.time, seen.block))?;
        let (message_data, sender) = match journey::source(sightings) {
            Some((_, out)) => (out.message_data.clone(), out.from_address.clone()),
            None => match &first.event {
                MosEvent::In(event) => (event.callData.clone(), event.fromAddrss.clone()),
                MosEvent::Out(out) => (out.message_data.clone(), out.from_address.clone()),
            },
        };
        let delivery = assembled.current.as_ref().and_then(|((from, to), departure)| {
            stages.get(&(RouteKey { from: *from, to: *to }, departure.transaction)).cloned()
        });
        let source = journey::source(sightings).map_or(first, |(seen, _)| seen);
        Some(MessageSummary {
            order_id,
            status: assembled.status,
            from_chain: chain_ref(&self.chains, route.0),
            to_chain: chain_ref(&self.chains, route.1),
            sender,
            target: MessageView::decode(&message_data).ok().map(|message| message.target),
            transaction: source.transaction,
            block: source.block,
            time: source.time,
            delivery,
        })
    }

    /// The stage of each delivery the store holds that is not delivered, by route and source
    /// transaction (none without a store).
    async fn delivery_stages(&self) -> BTreeMap<(RouteKey, B256), String> {
        let Some(store) = &self.store else { return BTreeMap::new() };
        let mut stages = BTreeMap::new();
        for stage in [crate::store::Stage::Pending, crate::store::Stage::Submitted, crate::store::Stage::Failed] {
            match store.deliveries(None, Some(stage), STAGES_READ).await {
                Ok(deliveries) => stages.extend(
                    deliveries.into_iter().map(|d| ((d.route, d.source_transaction), d.stage.as_str().to_owned())),
                ),
                Err(error) => tracing::warn!(%error, "explorer: the store could not be read"),
            }
        }
        stages
    }

    fn progress(&self, index: &Index) -> Vec<ChainProgress> {
        self.chains
            .iter()
            .map(|chain| {
                let cursor = index.cursors.get(&chain.entry.chain_id);
                ChainProgress {
                    chain: chain_ref(&self.chains, chain.entry.chain_id),
                    rpc_url: chain.entry.rpc_url.clone(),
                    from_block: cursor.map(|cursor| cursor.first_block),
                    to_block: cursor.and_then(|cursor| cursor.next_block.checked_sub(1)),
                    error: index.errors.get(&chain.entry.chain_id).cloned(),
                }
            })
            .collect()
    }

    fn chain(&self, chain_id: u64) -> Option<&ExplorerChain> {
        self.chains.iter().find(|chain| chain.entry.chain_id == chain_id)
    }

    /// The chain id a filter's chain names: a name of the deployment, or a chain id.
    fn chain_named(&self, name: &str) -> Option<u64> {
        self.chains
            .iter()
            .find(|chain| chain.entry.name == name)
            .map(|chain| chain.entry.chain_id)
            .or_else(|| name.parse().ok())
    }
}

/// How many deliveries of each unsettled stage the list reads from the store, at most.
const STAGES_READ: u32 = 10_000;

/// The order's `(from, to)`: from its `mapMessageOut`, or its `mapMessageIn` when none was read.
fn route_of(sightings: &[Sighting]) -> Option<(u64, u64)> {
    if let Some((_, out)) = journey::source(sightings) {
        return Some((chain_id_of(out.from_chain), chain_id_of(out.to_chain)));
    }
    sightings.iter().find_map(|seen| match &seen.event {
        MosEvent::In(event) => Some((chain_id_of(event.fromChain), chain_id_of(event.toChain))),
        MosEvent::Out(_) => None,
    })
}

/// `messageStatus`'s answer, as the JSON spells it.
pub fn status_name(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Unknown => "unknown",
        MessageStatus::Delivered => "delivered",
        MessageStatus::Failed => "failed",
        MessageStatus::Retried => "retried",
        // A value outside the enum: not what this MOS answers.
        _ => "invalid",
    }
}

/// The journey in one line.
fn summary(journey: &Journey) -> String {
    let name = |chain: &Option<ChainRef>| chain.as_ref().map_or_else(|| "?".to_owned(), |chain| chain.name.clone());
    let (from, to) = (name(&journey.from_chain), name(&journey.to_chain));
    let last = |kinds: &[journey::StepKind]| {
        journey.steps.iter().rev().find(|step| kinds.contains(&step.kind)).map_or_else(
            || " (its event is outside the blocks read)".to_owned(),
            |step| format!(" in block {} (tx {})", step.block, step.transaction),
        )
    };
    let waiting = journey.waiting.as_ref().map_or_else(String::new, |waiting| format!("; {}", waiting.text));
    use journey::StepKind::{Executed, Forwarded, Retried, Sent};
    match journey.status {
        Status::Unknown => "unknown: no chain has the order, and no event names it in the blocks read".to_owned(),
        Status::Sent => format!("sent from {from} toward {to}{}{waiting}", last(&[Sent])),
        Status::Relayed => format!("on the relay: forwarded toward {to}{}{waiting}", last(&[Forwarded])),
        Status::Delivered => format!("delivered on {to}{}", last(&[Executed])),
        Status::Failed => format!(
            "failed on {to}{}: {} (it can be run again with retryMessageIn: mos retry --order {})",
            last(&[Executed]),
            journey.reason.as_deref().unwrap_or("the reason is in its mapMessageIn, outside the blocks read"),
            journey.order_id
        ),
        Status::Retried => format!("retried on {to}{}: it failed, then retryMessageIn ran it", last(&[Retried])),
    }
}
