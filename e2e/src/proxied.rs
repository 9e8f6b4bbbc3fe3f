//! The messenger behind a [`RpcProxy`](crate::rpc_proxy::RpcProxy) on each chain
//! ([`Harness::messenger_behind_proxies`]), and its metrics checked against what the proxies
//! answered it ([`metrics_disagreement`]).

use std::{collections::BTreeMap, time::Duration};

use mos_messenger::{local, Config, Messenger, MessengerError};

use crate::{
    rpc_proxy::{Answers, Proxies},
    Harness,
};

/// The prefix of the messenger's request counts in its metrics.
const REQUESTS: &str = "mos_messenger_rpc_requests_total{";

/// A messenger's request count's labels: chain name, method, outcome.
pub type RequestLabels = (String, String, String);

/// The messenger's JSON-RPC request counts (`mos_messenger_rpc_requests_total`), by chain name,
/// method and outcome (`answered`, `error_answer`, `failed`).
pub fn rpc_requests(messenger: &Messenger) -> BTreeMap<RequestLabels, u64> {
    let mut counts = BTreeMap::new();
    for line in messenger.metrics().encode().lines() {
        let Some((labels, count)) = line.strip_prefix(REQUESTS).and_then(|rest| rest.split_once("} ")) else {
            continue;
        };
        let label = |name: &str| {
            labels
                .split(',')
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix("=\"")?.strip_suffix('"'))
                .unwrap_or_default()
                .to_owned()
        };
        let count = count.parse().unwrap_or_default();
        counts.insert((label("chain"), label("method"), label("outcome")), count);
    }
    counts
}

/// The most requests of one chain and method a run of the messenger may leave in flight when it
/// ends (its rounds are dropped there): answered at the proxy, never finished at the messenger.
pub const CUT_OFF: u64 = 4;

/// How the messenger's count of requests without an answer compares with the proxy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// The messenger counts at least as many: connections refused while a proxy was down never
    /// reached it.
    AtLeast,
    /// The messenger counts at most as many: its HTTP client sends a request again, once, when the
    /// connection closed before any answer, so a dropped answer may never reach the messenger; and
    /// a request still in flight when a run of the messenger ends is closed unanswered at the
    /// proxy and never finished at the messenger.
    AtMost,
}

/// The messenger's request counts and what each proxy answered, at one moment: what
/// [`metrics_disagreement`] compares from.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    counted: BTreeMap<RequestLabels, u64>,
    answered: BTreeMap<(String, String), Answers>,
}

impl Tally {
    /// The counts now.
    pub fn now(messenger: &Messenger, proxies: &Proxies) -> Self {
        let mut answered = BTreeMap::new();
        for (_, chain, proxy) in proxies.iter() {
            for (method, answers) in proxy.answers() {
                answered.insert((chain.to_owned(), method), answers);
            }
        }
        Self { counted: rpc_requests(messenger), answered }
    }
}

/// Whether, since `since`, the messenger's metrics count, for every chain and method, as many
/// error answers as its proxy gave (up to [`CUT_OFF`] fewer), and requests without an answer as `unanswered` says against
/// those the proxy left unanswered. None when they do; else each difference.
pub fn metrics_disagreement(
    messenger: &Messenger,
    proxies: &Proxies,
    unanswered: Unanswered,
    since: &Tally,
) -> Option<String> {
    let now = Tally::now(messenger, proxies);
    let count = |chain: &str, method: &str, outcome: &str| {
        let key = (chain.to_owned(), method.to_owned(), outcome.to_owned());
        now.counted.get(&key).copied().unwrap_or_default() - since.counted.get(&key).copied().unwrap_or_default()
    };
    let answered = |key: &(String, String)| {
        let (now, then) = (now.answered.get(key).copied().unwrap_or_default(), since.answered.get(key).copied());
        let then = then.unwrap_or_default();
        (now.errors - then.errors, now.none - then.none)
    };
    let methods: std::collections::BTreeSet<(String, String)> = now
        .counted
        .keys()
        .map(|(chain, method, _)| (chain.clone(), method.clone()))
        .chain(now.answered.keys().cloned())
        .collect();
    let mut differences = Vec::new();
    for key in methods {
        let (chain, method) = (&key.0, &key.1);
        let (given_errors, left) = answered(&key);
        let (errors, failed) = (count(chain, method, "error_answer"), count(chain, method, "failed"));
        let failed_agrees = match unanswered {
            Unanswered::AtLeast => failed >= left,
            Unanswered::AtMost => failed <= left,
        };
        // An error answer the proxy wrote to a request whose run of the messenger ended before
        // it read it is never counted: at most [`CUT_OFF`] of them, never more counted than given.
        let errors_agree = errors <= given_errors && given_errors - errors <= CUT_OFF;
        if !errors_agree || !failed_agrees {
            differences.push(format!(
                "{chain} {method}: the messenger counts {errors} error answers and {failed} failed, \
                 the proxy gave {given_errors} errors and left {left} unanswered"
            ));
        }
    }
    (!differences.is_empty()).then(|| differences.join("\n"))
}

impl Harness {
    /// A messenger as [`Harness::messenger`] that reaches each chain through a proxy of its own,
    /// with no fault until the test sets a plan: the deployment it is given names the proxies'
    /// URLs, while the test (and [`Harness::finish`]) read the chains directly.
    ///
    /// # Panics
    /// When a proxy cannot start or the messenger cannot connect.
    pub async fn messenger_behind_proxies(&self, config: Config) -> (Messenger, Proxies) {
        let network = &self.network;
        let chains = network.chains.iter().map(|chain| (chain.chain_id, chain.name, chain.url.as_str()));
        let proxies = Proxies::start(chains).unwrap_or_else(|e| panic!("starting the proxies: {e}"));
        let mut deployment = network.deployment.clone();
        for entry in &mut deployment.chains {
            entry.rpc_url = proxies.of(entry.chain_id).url();
        }
        let messenger = local::dev_messenger(&deployment, &self.store_url(), config)
            .await
            .unwrap_or_else(|e| panic!("connecting the messenger through the proxies: {e}"));
        (messenger, proxies)
    }

    /// Runs `messenger` until nothing is left to deliver and its metrics agree with what the
    /// proxies answered ([`metrics_disagreement`]), at most `timeout`. Set faultless plans first,
    /// so that the requests still under a fault (a held answer, a stalled one the messenger
    /// waits out) end and the counts stop moving.
    ///
    /// # Panics
    /// When they do not agree in time (with the differences), or the messenger fails.
    pub async fn run_until_metrics_agree(
        &self,
        messenger: &Messenger,
        proxies: &Proxies,
        unanswered: Unanswered,
        since: &Tally,
        timeout: Duration,
    ) {
        let agreed = messenger
            .run_until(timeout, async || {
                Ok::<_, MessengerError>(
                    messenger.unsettled().await? == 0
                        && metrics_disagreement(messenger, proxies, unanswered, since).is_none(),
                )
            })
            .await
            .unwrap();
        assert!(
            agreed,
            "the messenger's metrics and the proxies disagree:\n{:?}",
            metrics_disagreement(messenger, proxies, unanswered, since)
        );
    }
}
