//! The messenger's Prometheus metrics (docs/messenger.md lists them with the alerts they serve).
//!
//! - Per route (`from`, `to`: chain names): messages found, delivered (by outcome) and failed;
//!   retries; deliveries at each stage in the store; lag in blocks behind the source's head; the
//!   latency from finding a message to its delivery being mined.
//! - Per chain (`chain`): JSON-RPC requests by method and outcome, and errors; the messenger's
//!   wallet balance and nonces; transactions replaced and nonce gaps filled.
//! - The messenger: rounds, and when the last one ended (what `/healthz` looks at).
//!
//! Counters count what this process did since it started; the store's gauges are the store's,
//! the same on every instance sharing it.

use std::{
    sync::{atomic::AtomicU64, Arc},
    time::Duration,
};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{exponential_buckets, Histogram},
    },
    registry::{Registry, Unit},
};

use mos_rpc::{RpcObserver, RpcOutcome};

use crate::{
    events::Event,
    route::RouteId,
    store::{now_ms, Outcome, RouteSummary},
};

/// A route's labels.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The source chain's name.
    pub from: String,
    /// The destination chain's name.
    pub to: String,
}

impl From<&RouteId> for RouteLabels {
    fn from(route: &RouteId) -> Self {
        Self { from: route.from_name.clone(), to: route.to_name.clone() }
    }
}

/// A route's labels with what became of a message.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    from: String,
    to: String,
    /// `executed`, `target_failed`, `forwarded` or `already_delivered`.
    outcome: &'static str,
}

/// A route's labels with a delivery stage.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabels {
    from: String,
    to: String,
    /// `pending`, `submitted`, `delivered` or `failed`.
    stage: &'static str,
}

/// A chain's label.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChainLabels {
    chain: String,
}

/// A chain's request labels.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    chain: String,
    method: String,
    /// `answered`, `error_answer` or `failed`.
    outcome: &'static str,
}

/// A chain's method labels.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabels {
    chain: String,
    method: String,
}

/// A chain's nonce labels.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NonceLabels {
    chain: String,
    /// `mined`: the account's transactions mined; `next`: the nonce the transaction manager signs
    /// its next transaction with.
    kind: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// The messenger's metrics, and the registry that encodes them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    found: Family<RouteLabels, Counter>,
    delivered: Family<OutcomeLabels, Counter>,
    failed: Family<RouteLabels, Counter>,
    retries: Family<RouteLabels, Counter>,
    attestations: Family<RouteLabels, Counter>,
    epoch_updates: Family<RouteLabels, Counter>,
    deliveries: Family<StageLabels, Gauge>,
    lag: Family<RouteLabels, Gauge>,
    latency: Histograms<RouteLabels>,
    requests: Family<RequestLabels, Counter>,
    errors: Family<ChainLabels, Counter>,
    request_seconds: Histograms<MethodLabels>,
    balance: Family<ChainLabels, Gauge<f64, AtomicU64>>,
    nonce: Family<NonceLabels, Gauge>,
    replaced: Family<ChainLabels, Counter>,
    gaps_filled: Family<ChainLabels, Counter>,
    rounds: Counter,
    last_round: Gauge<f64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every metric at zero, registered under `mos_messenger_`.
    pub fn new() -> Self {
        fn latency_buckets() -> Histogram {
            // 0.25 s to about 17 minutes.
            Histogram::new(exponential_buckets(0.25, 2.0, 13))
        }
        fn request_buckets() -> Histogram {
            // 1 ms to about 16 s.
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        }
        let metrics = Self {
            registry: Registry::with_prefix("mos_messenger"),
            found: Family::default(),
            delivered: Family::default(),
            failed: Family::default(),
            retries: Family::default(),
            attestations: Family::default(),
            epoch_updates: Family::default(),
            deliveries: Family::default(),
            lag: Family::default(),
            latency: Family::new_with_constructor(latency_buckets),
            requests: Family::default(),
            errors: Family::default(),
            request_seconds: Family::new_with_constructor(request_buckets),
            balance: Family::default(),
            nonce: Family::default(),
            replaced: Family::default(),
            gaps_filled: Family::default(),
            rounds: Counter::default(),
            last_round: Gauge::default(),
        };
        metrics.registered()
    }

    fn registered(mut self) -> Self {
        let registry = &mut self.registry;
        registry.register("messages_found", "Messages found on the route's source chain", self.found.clone());
        registry.register(
            "messages_delivered",
            "Messages settled at the route's destination, by outcome",
            self.delivered.clone(),
        );
        registry.register(
            "messages_failed",
            "Messages recorded as failed: the destination refuses them, or the attempts ran out",
            self.failed.clone(),
        );
        registry.register(
            "delivery_retries",
            "Delivery attempts that failed and will be tried again",
            self.retries.clone(),
        );
        registry.register(
            "attestations",
            "Source blocks the messenger attested to the route's committee light node",
            self.attestations.clone(),
        );
        registry.register(
            "epoch_updates",
            "Epochs the messenger moved the route's MAP light node through (updateBlockHeader)",
            self.epoch_updates.clone(),
        );
        registry.register("deliveries", "Deliveries in the store at each stage", self.deliveries.clone());
        registry.register(
            "lag_blocks",
            "Source blocks not scanned yet: the source's head plus one, minus the route's cursor",
            self.lag.clone(),
        );
        registry.register_with_unit(
            "delivery_latency",
            "From the messenger finding a message to its delivery mined at the destination",
            Unit::Seconds,
            self.latency.clone(),
        );
        registry.register("rpc_requests", "JSON-RPC requests, by method and outcome", self.requests.clone());
        registry.register(
            "rpc_errors",
            "JSON-RPC requests that got no answer (unreachable, timed out, not JSON-RPC)",
            self.errors.clone(),
        );
        registry.register_with_unit(
            "rpc_request_duration",
            "How long JSON-RPC requests take, by method",
            Unit::Seconds,
            self.request_seconds.clone(),
        );
        registry.register("wallet_balance_wei", "The messenger's balance on the chain", self.balance.clone());
        registry.register("wallet_nonce", "The messenger's account nonces on the chain", self.nonce.clone());
        registry.register(
            "transactions_replaced",
            "Stuck or underpriced transactions replaced with higher fees",
            self.replaced.clone(),
        );
        registry.register(
            "nonce_gaps_filled",
            "Nonces nothing would fill, filled with a transfer to the account itself",
            self.gaps_filled.clone(),
        );
        registry.register("rounds", "Rounds over every route", self.rounds.clone());
        registry.register(
            "last_round_timestamp_seconds",
            "When the last round ended (Unix time)",
            self.last_round.clone(),
        );
        self
    }

    /// The metrics in Prometheus' text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String does not fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    /// Counts what `event` says.
    pub fn record(&self, event: &Event) {
        match event {
            Event::Found { route, orders, .. } => {
                self.found.get_or_create(&route.into()).inc_by(orders.len() as u64);
            }
            Event::Delivered { route, outcomes, latency, transaction, .. } => {
                for outcome in outcomes {
                    let outcome = match outcome {
                        Outcome::Executed { result: true, .. } => "executed",
                        Outcome::Executed { result: false, .. } => "target_failed",
                        Outcome::Forwarded { .. } => "forwarded",
                        Outcome::AlreadyDelivered { .. } => "already_delivered",
                    };
                    let labels = OutcomeLabels { from: route.from_name.clone(), to: route.to_name.clone(), outcome };
                    self.delivered.get_or_create(&labels).inc();
                }
                if transaction.is_some() {
                    self.latency.get_or_create(&route.into()).observe(latency.as_secs_f64());
                }
            }
            Event::Refused { route, orders, .. } => {
                self.failed.get_or_create(&route.into()).inc_by(orders.len() as u64);
            }
            Event::Retrying { route, .. } => {
                self.retries.get_or_create(&route.into()).inc();
            }
            Event::Replaced { route, .. } => {
                self.replaced.get_or_create(&ChainLabels { chain: route.to_name.clone() }).inc();
            }
            Event::Attested { route, .. } => {
                self.attestations.get_or_create(&route.into()).inc();
            }
            Event::EpochUpdated { route, .. } => {
                self.epoch_updates.get_or_create(&route.into()).inc();
            }
        }
    }

    /// Sets the route's lag: `head` is the source's latest block, `cursor` the first block not
    /// scanned yet.
    pub fn set_lag(&self, route: &RouteId, head: u64, cursor: u64) {
        let lag = head.saturating_add(1).saturating_sub(cursor);
        self.lag.get_or_create(&route.into()).set(i64::try_from(lag).unwrap_or(i64::MAX));
    }

    /// Sets the store's gauges from its summary of the route.
    pub fn set_deliveries(&self, route: &RouteLabels, summary: &RouteSummary) {
        for (stage, count) in [
            ("pending", summary.pending),
            ("submitted", summary.submitted),
            ("delivered", summary.delivered),
            ("failed", summary.failed),
        ] {
            let labels = StageLabels { from: route.from.clone(), to: route.to.clone(), stage };
            self.deliveries.get_or_create(&labels).set(i64::try_from(count).unwrap_or(i64::MAX));
        }
    }

    /// Sets the messenger's balance on `chain`, in wei.
    pub fn set_balance(&self, chain: &str, wei: f64) {
        self.balance.get_or_create(&ChainLabels { chain: chain.into() }).set(wei);
    }

    /// Sets the messenger's nonces on `chain`: mined, and the next one it signs with (when known).
    pub fn set_nonces(&self, chain: &str, mined: u64, next: Option<u64>) {
        let set = |kind, nonce: u64| {
            let labels = NonceLabels { chain: chain.into(), kind };
            self.nonce.get_or_create(&labels).set(i64::try_from(nonce).unwrap_or(i64::MAX));
        };
        set("mined", mined);
        if let Some(next) = next {
            set("next", next);
        }
    }

    /// Counts a nonce gap filled on `chain`.
    pub fn gap_filled(&self, chain: &str) {
        self.gaps_filled.get_or_create(&ChainLabels { chain: chain.into() }).inc();
    }

    /// Counts a round, ended now.
    pub fn round_ended(&self) {
        self.rounds.inc();
        self.last_round.set(now_ms() as f64 / 1000.0);
    }

    /// How long ago the last round ended; none before the first.
    pub fn since_last_round(&self) -> Option<Duration> {
        let last = self.last_round.get();
        (last > 0.0).then(|| Duration::from_secs_f64((now_ms() as f64 / 1000.0 - last).max(0.0)))
    }

    /// The observer that counts the requests made to `chain`'s node.
    pub fn rpc_observer(self: &Arc<Self>, chain: &str) -> Arc<dyn RpcObserver> {
        Arc::new(ChainRequests { chain: chain.into(), metrics: Arc::clone(self) })
    }
}

/// Counts one chain's requests.
#[derive(Debug)]
struct ChainRequests {
    chain: String,
    metrics: Arc<Metrics>,
}

impl RpcObserver for ChainRequests {
    fn observe(&self, method: &str, outcome: RpcOutcome, elapsed: Duration) {
        let labels = RequestLabels { chain: self.chain.clone(), method: method.into(), outcome: outcome.as_str() };
        self.metrics.requests.get_or_create(&labels).inc();
        if outcome == RpcOutcome::Failed {
            self.metrics.errors.get_or_create(&ChainLabels { chain: self.chain.clone() }).inc();
        }
        let method = MethodLabels { chain: self.chain.clone(), method: method.into() };
        self.metrics.request_seconds.get_or_create(&method).observe(elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> RouteId {
        RouteId { from: 1, to: 2, from_name: "chain-a".into(), to_name: "relay".into() }
    }

    #[test]
    fn events_are_counted_per_route_and_outcome_in_the_text_format() {
        let metrics = Metrics::new();
        let order = |byte| alloy_primitives::B256::repeat_byte(byte);
        metrics.record(&Event::Found {
            route: route(),
            source_transaction: order(9),
            source_block: 3,
            orders: vec![order(1), order(2)],
        });
        metrics.record(&Event::Delivered {
            route: route(),
            source_transaction: order(9),
            transaction: Some(order(8)),
            block: Some(4),
            outcomes: vec![
                Outcome::Executed { order_id: order(1), result: true, reason: Default::default() },
                Outcome::Executed { order_id: order(2), result: false, reason: Default::default() },
            ],
            latency: Duration::from_millis(600),
        });
        metrics.set_lag(&route(), 10, 8);
        let light_node = alloy_primitives::Address::repeat_byte(5);
        metrics.record(&Event::Attested { route: route(), block: 3, light_node, transaction: order(7) });
        for epoch in [2, 3] {
            let update = Event::EpochUpdated { route: route(), epoch, block: 4, light_node, transaction: order(6) };
            metrics.record(&update);
        }
        let text = metrics.encode();
        for line in [
            "mos_messenger_attestations_total{from=\"chain-a\",to=\"relay\"} 1",
            "mos_messenger_epoch_updates_total{from=\"chain-a\",to=\"relay\"} 2",
            "mos_messenger_messages_found_total{from=\"chain-a\",to=\"relay\"} 2",
            "mos_messenger_messages_delivered_total{from=\"chain-a\",to=\"relay\",outcome=\"executed\"} 1",
            "mos_messenger_messages_delivered_total{from=\"chain-a\",to=\"relay\",outcome=\"target_failed\"} 1",
            "mos_messenger_delivery_latency_seconds_bucket{le=\"0.5\",from=\"chain-a\",to=\"relay\"} 0",
            "mos_messenger_delivery_latency_seconds_bucket{le=\"1.0\",from=\"chain-a\",to=\"relay\"} 1",
            "mos_messenger_lag_blocks{from=\"chain-a\",to=\"relay\"} 3",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in:\n{text}");
        }
    }

    #[test]
    fn requests_are_counted_by_method_and_outcome_and_failures_are_errors() {
        let metrics = Arc::new(Metrics::new());
        let observer = metrics.rpc_observer("relay");
        observer.observe("eth_getLogs", RpcOutcome::Answered, Duration::from_millis(3));
        observer.observe("eth_getLogs", RpcOutcome::Failed, Duration::from_millis(3));
        observer.observe("eth_estimateGas", RpcOutcome::ErrorAnswer, Duration::from_millis(3));
        let text = metrics.encode();
        for line in [
            "mos_messenger_rpc_requests_total{chain=\"relay\",method=\"eth_getLogs\",outcome=\"answered\"} 1",
            "mos_messenger_rpc_requests_total{chain=\"relay\",method=\"eth_getLogs\",outcome=\"failed\"} 1",
            "mos_messenger_rpc_requests_total{chain=\"relay\",method=\"eth_estimateGas\",outcome=\"error_answer\"} 1",
            "mos_messenger_rpc_errors_total{chain=\"relay\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in:\n{text}");
        }
    }
}
