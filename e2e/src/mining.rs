//! Chains with a block time: the network's devnets turned from mining each transaction at once to
//! mining a block every interval (transactions wait in the pool meanwhile), as a Nitro sequencer
//! or any real chain does; when each block was mined is recorded, for latencies by block.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use mos_messenger::local::LocalNetwork;
use tokio::task::JoinHandle;

/// When each block of each chain was mined: `(chain id, block number) → instant`.
pub type MinedAt = Arc<Mutex<BTreeMap<(u64, u64), Instant>>>;

/// Turns every chain of `network` to mining a block every `interval`, recording when into
/// `mined_at` before anyone can see the block. The miners run until their handles are aborted.
///
/// # Panics
/// When a chain is not a devnet this process serves.
pub fn mine_every(network: &LocalNetwork, interval: Duration, mined_at: &MinedAt) -> Vec<JoinHandle<()>> {
    network
        .chains
        .iter()
        .map(|chain| {
            let devnet = Arc::clone(chain.devnet().expect("interval mining needs a devnet this process serves"));
            devnet.lock().unwrap().set_auto_mine(false);
            let (chain_id, mined_at) = (chain.chain_id, Arc::clone(mined_at));
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(interval);
                loop {
                    ticker.tick().await;
                    let mut chain = devnet.lock().unwrap();
                    let number = chain.mine();
                    mined_at.lock().unwrap().insert((chain_id, number), Instant::now());
                }
            })
        })
        .collect()
}
