//! The end-to-end harness: three devnet chains (A, the relay, B) in the test process, the real wasm
//! of the MOS suite deployed on them over JSON-RPC, the Echo dApp on each chain, and the messenger
//! delivering between them (`mos_messenger::local`, which this wraps in test conveniences: answers
//! unwrapped, one build of the programs per process, a messenger run until something holds). The
//! tests in `tests/` drive it and check what each chain shows.
//!
//! Programs are built in process by `stylus-build` (once per test process, cached in
//! `target/stylus`), so `cargo test` needs nothing built beforehand.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{Mutex, OnceLock},
    time::Duration,
};

use alloy_consensus::Transaction;
use alloy_primitives::{Address, TxKind, B256, U256};
use alloy_sol_types::SolEvent;
use mos_messenger::{
    deploy::Programs,
    local::{self, LocalNetwork},
    Config, Event, Messenger, MessengerError, Node,
};
use tokio::sync::mpsc::UnboundedReceiver;

/// The suite's programs and the Echo ([`local::build_programs`]), built once per test process.
///
/// # Panics
/// When a program does not build: the test cannot run.
pub fn programs() -> Programs {
    static BUILT: OnceLock<Mutex<Option<Programs>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    built
        .get_or_insert_with(|| {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            local::build_programs(&workspace).unwrap_or_else(|e| panic!("{e}"))
        })
        .clone()
}

/// The local network, launched, and a place for the messenger's state.
pub struct Harness {
    /// The chains, the deployment and the Echoes.
    pub network: LocalNetwork,
    /// The messenger's state file.
    pub state: PathBuf,
}

impl Harness {
    /// Three chains with everything deployed; the state file (not created yet) named after `test`.
    ///
    /// # Panics
    /// When the network cannot start.
    pub async fn launch(test: &str) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
            .with_test_writer()
            .try_init();
        let network = LocalNetwork::launch(&programs()).await.unwrap_or_else(|e| panic!("launching: {e}"));
        let state = std::env::temp_dir().join(format!("mos-e2e-{test}-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&state);
        Self { network, state }
    }

    /// A messenger with the messenger's dev key and the committee's keys, from the state file.
    ///
    /// # Panics
    /// When it cannot connect.
    pub async fn messenger(&self, config: Config) -> (Messenger, UnboundedReceiver<Event>) {
        let mut messenger = self
            .network
            .messenger(&self.state, config)
            .await
            .unwrap_or_else(|e| panic!("connecting the messenger: {e}"));
        let events = messenger.subscribe();
        (messenger, events)
    }

    /// Runs `messenger` until `arrived` holds (checked after every round), at most `timeout`
    /// ([`Messenger::run_until`]).
    ///
    /// # Panics
    /// When it does not hold in time, or the messenger stops with an error.
    pub async fn run_until<F, Fut>(&self, messenger: &mut Messenger, timeout: Duration, mut arrived: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let held = messenger.run_until(timeout, async || Ok::<_, MessengerError>(arrived().await)).await.unwrap();
        assert!(held, "not delivered within {timeout:?}: {:#?}", messenger.state());
    }

    /// Stops the chains and removes the state file.
    pub fn stop(self) {
        self.network.stop();
        let _ = std::fs::remove_file(&self.state);
    }

    /// The node of chain `chain_id` ([`LocalNetwork::node`]).
    ///
    /// # Panics
    /// When the chain is not the network's.
    pub fn node(&self, chain_id: u64) -> Node {
        self.network.node(chain_id).unwrap()
    }

    /// The MOS of chain `chain_id` ([`LocalNetwork::mos`]).
    ///
    /// # Panics
    /// When the chain is not the network's.
    pub fn mos(&self, chain_id: u64) -> Address {
        self.network.mos(chain_id).unwrap()
    }

    /// Every `E` the MOS of `chain_id` emitted, with its transaction, in order
    /// ([`LocalNetwork::events`]).
    ///
    /// # Panics
    /// When they cannot be read.
    pub async fn events<E: SolEvent>(&self, chain_id: u64) -> Vec<(B256, E)> {
        self.network.events(chain_id).await.unwrap()
    }

    /// Every transaction `from` sent on chain `chain_id`, in order.
    pub fn transactions_from(&self, chain_id: u64, from: Address) -> Vec<Sent> {
        let chain = self.network.chain(chain_id).unwrap().chain.lock().unwrap();
        let mut sent = Vec::new();
        for number in 0..=chain.latest().number() {
            let block = chain.block(devnet::BlockId::Number(number)).unwrap();
            for (transaction, receipt) in block.transactions.iter().zip(&block.receipts) {
                if transaction.sender == from {
                    let input = transaction.envelope.input();
                    sent.push(Sent {
                        hash: transaction.hash,
                        to: transaction.envelope.to(),
                        selector: input.get(..4).map(|s| [s[0], s[1], s[2], s[3]]).unwrap_or_default(),
                        success: receipt.receipt.success,
                    });
                }
            }
        }
        sent
    }
}

impl Harness {
    /// Attests block `block` of `source` to the light node of `source` on `destination`, signed by
    /// the whole committee and sent by its first member (not the messenger).
    ///
    /// # Panics
    /// When the attestation cannot be built or is refused.
    pub async fn attest(&self, source: u64, destination: u64, block: u64) {
        let deployment = &self.network.deployment;
        let light_node = if destination == deployment.relay_chain_id {
            deployment.chain(source).unwrap().relay_light_node.unwrap()
        } else {
            deployment.chain(destination).unwrap().light_client
        };
        let member = self.network.sender(destination, local::COMMITTEE[0]).await.unwrap();
        let source = self.node(source);
        let header =
            mos_prover::rpc::header_to_attest(source.provider(), block, member.node().provider(), light_node, None)
                .await
                .unwrap();
        let signed =
            mos_prover::attest::sign_header(&header.domain, header.attestation, &local::committee_keys().unwrap())
                .unwrap();
        let update = mos_prover::attest::update_block_header_calldata(&signed);
        member.send(TxKind::Call(light_node), update, U256::ZERO).await.unwrap();
    }
}

/// A transaction as [`Harness::transactions_from`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Its hash.
    pub hash: B256,
    /// Whom it called (none for a creation).
    pub to: Option<Address>,
    /// The function it called.
    pub selector: [u8; 4],
    /// Whether it succeeded.
    pub success: bool,
}

/// `messageStatus(orderId)` on the MOS of `chain_id` ([`LocalNetwork::message_status`]): 0 unknown,
/// 1 delivered, 2 failed, 3 retried.
///
/// # Panics
/// When it cannot be read.
pub async fn message_status(harness: &Harness, chain_id: u64, order_id: B256) -> u8 {
    harness.network.message_status(chain_id, order_id).await.unwrap() as u8
}

/// How many times each order appears among `orders`.
pub fn count<'a>(orders: impl IntoIterator<Item = &'a B256>) -> BTreeMap<B256, usize> {
    let mut counts = BTreeMap::new();
    for order in orders {
        *counts.entry(*order).or_default() += 1;
    }
    counts
}
