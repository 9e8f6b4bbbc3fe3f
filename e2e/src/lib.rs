//! The end-to-end harness: three devnet chains (A, the relay, B) in the test process, the real wasm
//! of the MOS suite deployed on them over JSON-RPC, an Echo dApp on each chain (the Stylus or the
//! Solidity Echo: [`Dapp`]), and the messenger delivering between them (`mos_messenger::local`,
//! which this wraps in test conveniences: answers unwrapped, one build of the programs per
//! process, a messenger run until something holds). The tests in `tests/` drive it and check what
//! each chain shows; [`for_both_dapps!`] runs a scenario once with each Echo.
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
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use mos_message::{MessageData, MessageType};
pub use mos_messenger::local::Dapp;
use mos_messenger::{
    dapp,
    deploy::{Deployer, Programs},
    local::{self, EchoKind, IEcho, LocalNetwork, ECHO_GAS_LIMIT},
    store::{Delivery, RouteKey, Stage},
    Config, Event, Messenger, MessengerError, Node,
};
use mos_prover::rpc::TransactionProof;
use tokio::sync::mpsc::UnboundedReceiver;

/// The Stylus program the Stylus runs use as a target that calls back into the MOS
/// (`crates/mos-tests/programs/target`).
pub const TEST_TARGET: &str = "mos-test-target";

sol! {
    /// What the tests use of [`TEST_TARGET`]: with mode 3, `mapoExecute` calls the MOS with `data`
    /// and passes on its revert.
    interface IMosTestTarget {
        function setMapoService(address mos) external;
        function setMode(uint8 mode, bytes data) external;
    }
}

/// The suite's programs, the Stylus Echo and [`TEST_TARGET`] ([`local::build_programs`]), built
/// once per test process.
///
/// # Panics
/// When a program does not build: the test cannot run.
pub fn programs() -> Programs {
    static BUILT: OnceLock<Mutex<Option<Programs>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    built
        .get_or_insert_with(|| {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let packages: Vec<_> = local::packages().into_iter().chain([TEST_TARGET]).collect();
            local::build_programs(&workspace, &packages).unwrap_or_else(|e| panic!("{e}"))
        })
        .clone()
}

/// Runs the scenario `$scenario` (an `async fn(Dapp)` in scope) as two tests, `$scenario::stylus`
/// and `$scenario::solidity`: the same steps and assertions with the Stylus Echo and with the
/// Solidity Echo.
#[macro_export]
macro_rules! for_both_dapps {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn stylus() {
                super::$scenario($crate::Dapp::Stylus).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn solidity() {
                super::$scenario($crate::Dapp::Solidity).await;
            }
        }
    )+};
}

/// The local network, launched, and a place for the messenger's store.
pub struct Harness {
    /// The chains, the deployment and the Echoes.
    pub network: LocalNetwork,
    /// The messenger's store: a SQLite file.
    pub store: PathBuf,
}

impl Harness {
    /// Three chains with everything deployed, `dapp` the Echo on each; the store (not created yet)
    /// a SQLite file named after `test` and `dapp`.
    ///
    /// # Panics
    /// When the network cannot start.
    pub async fn launch(test: &str, dapp: Dapp) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
            .with_test_writer()
            .try_init();
        let network = LocalNetwork::launch(&programs(), dapp).await.unwrap_or_else(|e| panic!("launching: {e}"));
        let store = std::env::temp_dir().join(format!("mos-e2e-{test}-{dapp}-{}.db", std::process::id()));
        mos_messenger::store::remove_sqlite(&store);
        Self { network, store }
    }

    /// A messenger with the messenger's dev key and the committee's keys, on the store.
    ///
    /// # Panics
    /// When it cannot connect.
    pub async fn messenger(&self, config: Config) -> (Messenger, UnboundedReceiver<Event>) {
        let mut messenger = self
            .network
            .messenger(&self.store_url(), config)
            .await
            .unwrap_or_else(|e| panic!("connecting the messenger: {e}"));
        let events = messenger.subscribe();
        (messenger, events)
    }

    /// Runs `messenger` until `arrived` holds (checked after every round) and the messenger has
    /// confirmed every delivery it made, at most `timeout` ([`Messenger::run_until`]).
    ///
    /// # Panics
    /// When that does not happen in time, or the messenger stops with an error.
    pub async fn run_until<F, Fut>(&self, messenger: &Messenger, timeout: Duration, mut arrived: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let held = messenger
            .run_until(timeout, async || Ok::<_, MessengerError>(arrived().await && messenger.unsettled().await? == 0))
            .await
            .unwrap();
        assert!(held, "not delivered within {timeout:?}: {:#?}", messenger.summary().await);
    }

    /// The store's URL.
    pub fn store_url(&self) -> String {
        self.store.display().to_string()
    }

    /// How many deliveries `messenger` made, all routes together, once nothing is left to do: no
    /// delivery pending, submitted or failed.
    ///
    /// # Panics
    /// When one is, or the store cannot be read.
    pub async fn settled_deliveries(&self, messenger: &Messenger) -> u64 {
        let summary = messenger.summary().await.unwrap();
        let open = summary.values().any(|route| route.pending + route.submitted + route.failed > 0);
        assert!(!open, "deliveries left: {summary:#?}");
        summary.values().map(|route| route.delivered).sum()
    }

    /// The deliveries of `route` at `stage`, newest first.
    ///
    /// # Panics
    /// When the store cannot be read.
    pub async fn deliveries(&self, messenger: &Messenger, route: RouteKey, stage: Stage) -> Vec<Delivery> {
        messenger.store().deliveries(Some(route), Some(stage), 1000).await.unwrap()
    }

    /// Whether every message of `sent` has arrived: its value stored under its key by the Echo of
    /// its destination.
    ///
    /// # Panics
    /// When an Echo cannot be read.
    pub async fn arrived(&self, sent: &[local::Sent]) -> bool {
        for message in sent {
            if self.network.echo_list(message.to_chain, &message.key).await.unwrap() != message.value {
                return false;
            }
        }
        true
    }

    /// Stops the chains and removes the store.
    pub fn stop(self) {
        self.network.stop();
        mos_messenger::store::remove_sqlite(&self.store);
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
    /// Deploys, on chain `chain_id` and from [`local::USER`], a MESSAGE target that calls the MOS
    /// with `mos_call` whenever the MOS executes it, in the network's kind of dApp: the Solidity
    /// `ReenteringTarget` (`examples/solidity-echo`), or for Stylus [`TEST_TARGET`] in mode 3.
    ///
    /// # Panics
    /// When it cannot be deployed.
    pub async fn deploy_reentering_target(&self, chain_id: u64, mos_call: Bytes) -> Address {
        let (programs, mos) = (programs(), self.mos(chain_id));
        let user = self.network.sender(chain_id, local::USER).await.unwrap();
        let name = self.network.chain(chain_id).unwrap().name;
        let deployer = Deployer::new(&user, name, &programs);
        match self.network.dapp {
            Dapp::Solidity => {
                let init = dapp::reentering_target_init_code(mos, mos_call).unwrap();
                deployer.create("deploy the re-entering target", init).await.unwrap().0
            }
            Dapp::Stylus => {
                let target = deployer.program(TEST_TARGET).await.unwrap();
                deployer.call("point it at the MOS", target, IMosTestTarget::setMapoServiceCall { mos }).await.unwrap();
                let mode = IMosTestTarget::setModeCall { mode: 3, data: mos_call };
                deployer.call("make it call the MOS", target, mode).await.unwrap();
                target
            }
        }
    }

    /// The receipt proof of `transaction` on `source`, its block attested to the light node of
    /// `source` on `destination` ([`Harness::attest`]): a proof `destination`'s MOS takes.
    ///
    /// # Panics
    /// When the proof cannot be built or the block cannot be attested.
    pub async fn prove_attested(&self, source: u64, destination: u64, transaction: B256) -> TransactionProof {
        let proof = mos_prover::rpc::prove_transaction(self.node(source).provider(), transaction).await.unwrap();
        self.attest(source, destination, proof.block_number).await;
        proof
    }

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

/// The payload an Echo sends for `sent`: `setList(key, value)` for CALLDATA, `abi.encode(key,
/// value)` for a MESSAGE. What the destination's `mapMessageIn` reports as its `callData`.
pub fn echo_payload(sent: &local::Sent) -> Bytes {
    let (key, value) = (sent.key.clone(), sent.value.clone());
    match sent.kind {
        EchoKind::Calldata => IEcho::setListCall { key, value }.abi_encode().into(),
        EchoKind::Message | EchoKind::RelayedMessage => (key, value).abi_encode_params().into(),
    }
}

/// The MessageData an Echo builds for `sent` (`abi.encode(MessageData)`), byte for byte: what its
/// `transferOut` passes and its MOS's `mapMessageOut` carries.
pub fn echo_message_data(sent: &local::Sent) -> Bytes {
    let msg_type = if sent.kind == EchoKind::Calldata { MessageType::Calldata } else { MessageType::Message };
    MessageData {
        relay: sent.kind == EchoKind::RelayedMessage,
        msg_type,
        target: sent.target.to_vec().into(),
        payload: echo_payload(sent),
        gas_limit: U256::from(ECHO_GAS_LIMIT),
        value: U256::ZERO,
    }
    .encode()
    .into()
}

/// How many times each order appears among `orders`.
pub fn count<'a>(orders: impl IntoIterator<Item = &'a B256>) -> BTreeMap<B256, usize> {
    let mut counts = BTreeMap::new();
    for order in orders {
        *counts.entry(*order).or_default() += 1;
    }
    counts
}
