//! How the messenger runs: its pacing, its patience, and its name among the instances sharing a
//! store.

use std::{collections::BTreeMap, time::Duration};

/// How the messenger runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// This instance's name, unique among the instances sharing a store: it holds the leases of
    /// the deliveries it works on. A restarted instance with the same name takes its own leases
    /// back at once; one with another name waits for them to run out.
    pub instance: String,
    /// How long a claimed delivery stays this instance's without being touched again. An instance
    /// killed mid-delivery loses its deliveries to the others after this long.
    pub lease: Duration,
    /// The most deliveries of one route claimed in one round.
    pub batch: u32,
    /// Pause between two rounds that found nothing to do.
    pub poll_interval: Duration,
    /// Blocks a source block must have on top of it before its logs are read (0: read the head).
    pub confirmations: u64,
    /// Confirmations for the blocks of particular chains (by chain id), instead of
    /// `confirmations`.
    pub chain_confirmations: BTreeMap<u64, u64>,
    /// The most blocks one `eth_getLogs` asks for.
    pub max_block_range: u64,
    /// How long a delivery transaction may go unmined before it is looked at as stuck: its signed
    /// bytes broadcast again (the node may have lost it), or, when it holds up the account's
    /// nonces, replaced by the same transaction with higher fees.
    pub transaction_timeout: Duration,
    /// How long a JSON-RPC request waits for the node's answer before it fails (and is counted
    /// as failed): a node, or a gateway in front of it, that takes a request and never answers
    /// would otherwise hold up its route for good.
    pub request_timeout: Duration,
    /// The first retry's delay; each later one doubles it.
    pub backoff: Duration,
    /// The longest delay between two retries.
    pub max_backoff: Duration,
    /// Attempts that fail for a reason that may pass before a delivery is recorded as failed,
    /// with its last error. A node that does not answer is not such a reason: it is waited out
    /// however long it takes ([`crate::deliver::AttemptFailure::Unavailable`]).
    pub max_attempts: u32,
    /// Try the deliveries recorded as failed again (once, at start).
    pub retry_failed: bool,
    /// How delivery transactions are priced.
    pub gas: GasPolicy,
}

/// How the transaction manager prices transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasPolicy {
    /// How long the node's fee suggestion is used before it is asked again.
    pub fee_refresh: Duration,
    /// By how much, in percent, a replacement raises the fees of the transaction it replaces
    /// (geth's pools take a replacement that raises both fees by at least 10%).
    pub bump_percent: u64,
    /// The most a transaction offers per gas, in wei; none: no cap. A delivery that would need
    /// more waits (and is retried with backoff) rather than overpaying.
    pub max_fee_per_gas: Option<u128>,
    /// Which deliveries are simulated before they are sent.
    pub simulation: Simulation,
}

impl Default for GasPolicy {
    fn default() -> Self {
        Self {
            fee_refresh: Duration::from_secs(1),
            bump_percent: 20,
            max_fee_per_gas: None,
            simulation: Simulation::OncePerBlock,
        }
    }
}

/// Which deliveries the messenger simulates (`eth_call`) before sending them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simulation {
    /// Every delivery: none that would revert is ever sent, for one more execution of each on the
    /// destination's node.
    EveryDelivery,
    /// The first delivery of each source block and destination; once it is sent, the block's other
    /// first attempts go unsimulated at its gas limit with a quarter more. They prove the same
    /// attested block to the same MOS, so what would refuse one refuses the first; one that still
    /// fails on chain (its order delivered meanwhile by someone else, a much larger payload) is
    /// mined as failed, costing its gas, and is tried again, simulated.
    OncePerBlock,
}

/// The instance name when none is given.
pub const DEFAULT_INSTANCE: &str = "messenger";

impl Default for Config {
    fn default() -> Self {
        Self {
            instance: DEFAULT_INSTANCE.into(),
            lease: Duration::from_secs(30),
            batch: 256,
            poll_interval: Duration::from_secs(1),
            confirmations: 0,
            chain_confirmations: BTreeMap::new(),
            max_block_range: 1000,
            transaction_timeout: Duration::from_secs(120),
            request_timeout: Duration::from_secs(30),
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_attempts: 25,
            retry_failed: false,
            gas: GasPolicy::default(),
        }
    }
}

impl Config {
    /// The confirmations a block of chain `chain_id` needs before its messages are carried.
    pub fn confirmations_of(&self, chain_id: u64) -> u64 {
        self.chain_confirmations.get(&chain_id).copied().unwrap_or(self.confirmations)
    }

    /// The delay before attempt `attempts + 1`, after `attempts` failed ones.
    pub fn delay(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(20);
        self.backoff.saturating_mul(1 << doublings).min(self.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_first_delay_up_to_the_longest() {
        let config =
            Config { backoff: Duration::from_secs(1), max_backoff: Duration::from_secs(10), ..Config::default() };
        let delays: Vec<u64> = (1..=6).map(|attempts| config.delay(attempts).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(config.delay(u32::MAX), Duration::from_secs(10));
    }
}
