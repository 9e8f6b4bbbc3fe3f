//! What an [`super::RpcProxy`] does to each request: a [`FaultPlan`] of [`Rule`]s, each a
//! [`Fault`], the methods it applies to and when it fires ([`When`]: on a schedule, or at random
//! from the plan's seed).

use std::time::Duration;

/// A fault the proxy injects into one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The request reaches the node (which acts on it: a broadcast is in its pool), then the
    /// connection is closed without an answer, `after` the node answered. Zero is an answer lost;
    /// longer than the client waits, an answer that never comes (the client times out).
    Drop {
        /// How long the connection is held open, answerless, before it is closed.
        after: Duration,
    },
    /// The node's answer is held this long.
    Delay(Duration),
    /// The request is sent to the node twice, one after the other (a transaction broadcast
    /// twice), and the second answer is given (for a broadcast: the node's "already known").
    Duplicate,
    /// The node's answer is held with those of other requests, and released newest first: held
    /// until `depth` answers are, or for at most `hold`.
    Reorder {
        /// How many answers make a group released out of order.
        depth: usize,
        /// The longest an answer waits for its group.
        hold: Duration,
    },
    /// A JSON-RPC error answered for every request of the body, which never reaches the node.
    Error {
        /// The error's code (-32000: server error, -32603: internal error).
        code: i64,
        /// Its message.
        message: &'static str,
    },
    /// An HTTP error status (502, 503, 429) answered instead of JSON-RPC; the request never
    /// reaches the node.
    Status(u16),
    /// Answered as a node `blocks` behind the chain's head answers its head reads
    /// (`eth_blockNumber`, blocks, block receipts, logs and transactions above that head): see
    /// [`super::stale`]. Other methods pass.
    Stale {
        /// How far behind.
        blocks: u64,
    },
    /// An `eth_sendRawTransaction` answered with the transaction's hash as if the node took it,
    /// and never sent on: the pool dropped it. Other requests pass.
    Swallow,
    /// The proxy goes down: this connection and every other closed, the port closed (a client
    /// connecting is refused), for this long; then it listens again on the same port.
    Outage(Duration),
}

/// When a [`Rule`] fires, among the requests it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// On the `n`-th request, the `2n`-th, and so on (0: never).
    Every(u64),
    /// At random, `percent` of the requests, drawn from the plan's seed.
    Percent(u32),
}

/// One fault, the methods it applies to, and when it fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The fault.
    pub fault: Fault,
    /// The JSON-RPC methods it applies to (a batch applies when one of its requests does); empty:
    /// every method.
    pub methods: Vec<&'static str>,
    /// When it fires.
    pub when: When,
}

impl Rule {
    /// `fault` on every `n`-th request.
    pub fn every(n: u64, fault: Fault) -> Self {
        Self { fault, methods: Vec::new(), when: When::Every(n) }
    }

    /// `fault` on `percent` of the requests, at random.
    pub fn percent(percent: u32, fault: Fault) -> Self {
        Self { fault, methods: Vec::new(), when: When::Percent(percent) }
    }

    /// The same rule, for the requests of `methods` only.
    pub fn on(mut self, methods: &[&'static str]) -> Self {
        self.methods = methods.to_vec();
        self
    }

    /// Whether the rule applies to a body of requests of `methods`.
    fn applies(&self, methods: &[String]) -> bool {
        self.methods.is_empty() || methods.iter().any(|method| self.methods.contains(&method.as_str()))
    }
}

/// What a proxy does to its requests: each request gets the fault of the first rule that fires
/// for it, or passes. Random rules draw from `seed`, so a plan run twice on the same requests
/// injects the same faults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// The seed of the random rules.
    pub seed: u64,
    /// The rules, in the order they are tried.
    pub rules: Vec<Rule>,
}

impl FaultPlan {
    /// No fault: every request passes.
    pub fn none() -> Self {
        Self::default()
    }

    /// A plan of `rules`, its random ones drawn from `seed`.
    pub fn seeded(seed: u64, rules: Vec<Rule>) -> Self {
        Self { seed, rules }
    }

    /// A plan of scheduled `rules` ([`When::Every`]); random ones draw from seed 0.
    pub fn scheduled(rules: Vec<Rule>) -> Self {
        Self { seed: 0, rules }
    }
}

/// A plan being applied: how many requests each rule has seen, and the random draws.
#[derive(Debug)]
pub(super) struct Planner {
    plan: FaultPlan,
    seen: Vec<u64>,
    random: SplitMix64,
}

impl Planner {
    /// `plan`, from its first request.
    pub(super) fn new(plan: FaultPlan) -> Self {
        Self { seen: vec![0; plan.rules.len()], random: SplitMix64(plan.seed), plan }
    }

    /// The fault for the next body, of requests of `methods`, if a rule fires. Every rule that
    /// applies counts the body, whether it fires or an earlier one did.
    pub(super) fn next(&mut self, methods: &[String]) -> Option<Fault> {
        let mut fired = None;
        for (rule, seen) in self.plan.rules.iter().zip(&mut self.seen) {
            if !rule.applies(methods) {
                continue;
            }
            *seen += 1;
            let fires = match rule.when {
                When::Every(n) => n != 0 && seen.is_multiple_of(n),
                When::Percent(percent) => self.random.next_u64() % 100 < u64::from(percent),
            };
            if fires && fired.is_none() {
                fired = Some(rule.fault.clone());
            }
        }
        fired
    }
}

/// Steele, Lea and Flood's SplitMix64: a small, seeded, well-mixed sequence of numbers (enough
/// to pick faults; not for anything secret). The same seed, the same sequence.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` above 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A duration from `low` to `high`, to the millisecond.
    pub fn between(&mut self, low: std::time::Duration, high: std::time::Duration) -> std::time::Duration {
        let span = u64::try_from(high.saturating_sub(low).as_millis()).unwrap_or(u64::MAX);
        low + std::time::Duration::from_millis(self.below(span.saturating_add(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn a_scheduled_rule_fires_on_every_nth_request_it_applies_to_and_the_first_firing_rule_wins() {
        let plan = FaultPlan::scheduled(vec![
            Rule::every(2, Fault::Swallow).on(&["eth_sendRawTransaction"]),
            Rule::every(3, Fault::Status(503)),
        ]);
        let mut planner = Planner::new(plan);
        let send = methods(&["eth_sendRawTransaction"]);
        let read = methods(&["eth_blockNumber"]);
        let fates: Vec<Option<Fault>> =
            [&send, &read, &send, &read, &send, &read].into_iter().map(|body| planner.next(body)).collect();
        // The broadcasts are the swallow rule's 1st, 2nd, 3rd; every body is the status rule's.
        assert_eq!(
            fates,
            [None, None, Some(Fault::Swallow), None, None, Some(Fault::Status(503))],
            "the 3rd body fires both rules: the first listed wins"
        );
    }

    #[test]
    fn a_random_rule_fires_about_its_percentage_and_the_same_seed_draws_the_same_faults() {
        let plan = FaultPlan::seeded(7, vec![Rule::percent(25, Fault::Duplicate)]);
        let draw = |plan: &FaultPlan| {
            let mut planner = Planner::new(plan.clone());
            (0..1000).map(|_| planner.next(&methods(&["eth_call"])).is_some()).collect::<Vec<bool>>()
        };
        let first = draw(&plan);
        assert_eq!(first, draw(&plan));
        let fired = first.iter().filter(|&&fired| fired).count();
        assert!((200..300).contains(&fired), "{fired} of 1000");
        assert_ne!(first, draw(&FaultPlan { seed: 8, ..plan }));
        assert!(Planner::new(FaultPlan::none()).next(&methods(&["eth_call"])).is_none());
    }
}
