//! The end-to-end harness: three devnet chains (A, the relay, B) in the test process, the real wasm
//! of the MOS suite deployed on them over JSON-RPC, an Echo dApp on each chain (the Stylus or the
//! Solidity Echo: [`Dapp`]), and the messenger delivering between them (`mos_messenger::local`,
//! which this wraps in test conveniences: answers unwrapped, one build of the programs per
//! process, a messenger run until something holds). The tests in `tests/` drive it and check what
//! each chain shows; [`for_both_dapps!`] runs a scenario once with each Echo.
//!
//! Programs are built in process by `stylus-build` (once per test process, cached in
//! `target/stylus`), so `cargo test` needs nothing built beforehand.
//!
//! [`faults`] puts chains that fail on purpose in front of the nodes the messenger uses;
//! [`browser`] opens the explorer's pages in headless Chromium; [`journeys`] checks, at the end
//! of each test ([`Harness::finish`]), that the explorer tells every message's journey as the
//! chains' events do. [`mining`] gives the devnets a block time, for the benchmarks.

pub mod browser;
pub mod faults;
pub mod journeys;
pub mod mining;
pub mod proxied;
pub mod rpc_proxy;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{Mutex, OnceLock},
    time::Duration,
};

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use mos_message::{interfaces::IMOSV3, MessageData, MessageType};
pub use mos_messenger::local::Dapp;
use mos_messenger::{
    dapp,
    deploy::{Deployer, Programs},
    local::{self, EchoKind, ExternalChain, IEcho, LocalNetwork, ECHO_GAS_LIMIT},
    store::{Delivery, RouteKey, Stage},
    Chain, Config, Event, Messenger, MessengerError, Node,
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
    /// a SQLite file named after `test` and `dapp`. The chains are devnets served in this process,
    /// or, when [`external_chains`] names them, the nodes it names.
    ///
    /// # Panics
    /// When the network cannot start, or the environment names chains badly.
    pub async fn launch(test: &str, dapp: Dapp) -> Self {
        Self::launch_with(test, dapp, None).await
    }

    /// [`Harness::launch`] with the relay chain sealed by `relay_validators` as MAP's relay chain
    /// is (IBFT, BLS over BN254), so chains A and B verify its blocks with MAP light nodes. With
    /// [`external_chains`], the relay node given must be sealed so itself (`mos devnet
    /// --validators`); `relay_validators` then only says what the test expects.
    ///
    /// # Panics
    /// As [`Harness::launch`].
    pub async fn launch_sealed(test: &str, dapp: Dapp, relay_validators: devnet::ibft::IbftConfig) -> Self {
        Self::launch_with(test, dapp, Some(relay_validators)).await
    }

    async fn launch_with(test: &str, dapp: Dapp, relay_validators: Option<devnet::ibft::IbftConfig>) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
            .with_test_writer()
            .try_init();
        let network = match external_chains().unwrap_or_else(|e| panic!("{e}")) {
            Some(chains) => LocalNetwork::connect(chains, &programs(), dapp).await,
            None => LocalNetwork::launch_with(&programs(), dapp, relay_validators).await,
        };
        let network = network.unwrap_or_else(|e| panic!("launching: {e}"));
        let store = std::env::temp_dir().join(format!("mos-e2e-{test}-{dapp}-{}.db", std::process::id()));
        mos_messenger::store::remove_sqlite(&store);
        Self { network, store }
    }

    /// The devnet behind chain `chain_id`, for a test that changes what JSON-RPC cannot (a
    /// reorganisation): only the chains this process serves have one.
    ///
    /// # Panics
    /// When the chain is a node the harness connected to ([`external_chains`]): such a test cannot
    /// run there.
    pub fn devnet(&self, chain_id: u64) -> &std::sync::Arc<Mutex<devnet::Chain>> {
        let chain = self.network.chain(chain_id).unwrap();
        chain
            .devnet()
            .unwrap_or_else(|| panic!("{} is an external node: this test needs a devnet it serves", chain.name))
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

    /// Checks that every message of `sent` was executed exactly once where it was going, with
    /// success, and forwarded exactly once by the relay when it was going further.
    ///
    /// # Panics
    /// When one was not, or was twice, or the events cannot be read.
    pub async fn assert_each_executed_once(&self, sent: &[local::Sent]) {
        let relay = self.network.ids.relay;
        for chain in [self.network.ids.a, relay, self.network.ids.b] {
            let executed = self.events::<IMOSV3::mapMessageIn>(chain).await;
            let expected: Vec<_> = sent.iter().filter(|m| m.to_chain == chain).map(|m| m.order_id).collect();
            assert_eq!(
                count(executed.iter().map(|(_, event)| &event.orderId)),
                count(&expected),
                "executions on {chain}"
            );
            assert!(executed.iter().all(|(_, event)| event.result), "a failed execution on {chain}");
        }
        let forwarded = self.events::<IMOSV3::mapMessageOut>(relay).await;
        let expected: Vec<_> = sent.iter().filter(|m| m.to_chain != relay).map(|m| m.order_id).collect();
        assert_eq!(
            count(forwarded.iter().map(|(_, event)| &event.orderId)),
            count(&expected),
            "forwarded by the relay"
        );
    }

    /// Checks that no transaction of the messenger's account failed, and that it sent exactly
    /// `transfers` `transferIn` transactions to each chain (chain id, count): one per delivery,
    /// none sent twice.
    ///
    /// # Panics
    /// When one failed or the counts differ.
    pub async fn assert_messenger_transactions(&self, transfers: &[(u64, usize)]) {
        let account = local::dev_key(local::MESSENGER).unwrap().address();
        for &(chain, expected) in transfers {
            let transactions = self.transactions_from(chain, account).await;
            assert!(transactions.iter().all(|sent| sent.success), "a failed transaction on {chain}: {transactions:#?}");
            let sent = transactions.iter().filter(|sent| sent.selector == IMOSV3::transferInCall::SELECTOR).count();
            assert_eq!(sent, expected, "deliveries on {chain}");
        }
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

    /// Checks that the explorer tells every message of the run as the chains' events do
    /// ([`journeys::assert_explorer_agrees`]), then stops the chains and removes the store.
    ///
    /// # Panics
    /// When a journey differs from the events.
    pub async fn finish(self) {
        journeys::assert_explorer_agrees(&self).await;
        self.stop();
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

    /// Every transaction `from` sent on chain `chain_id` since the network started on it, in
    /// order, read over JSON-RPC (`eth_getBlockByNumber` with the transactions, and
    /// `eth_getBlockReceipts`) as plain JSON: a Nitro block opens with ArbOS's own transaction
    /// (type `0x6a`), which typed Ethereum decoders refuse.
    ///
    /// # Panics
    /// When the chain is not the network's or cannot be read.
    pub async fn transactions_from(&self, chain_id: u64, from: Address) -> Vec<Sent> {
        let node = self.node(chain_id);
        let first = self.network.chain(chain_id).unwrap().first_block;
        let field = |value: &serde_json::Value, name: &str| value.get(name).cloned().unwrap_or_default();
        fn read<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Option<T> {
            serde_json::from_value(value).ok()
        }
        let mut sent = Vec::new();
        for number in first..=node.block_number().await.unwrap() {
            let tag = format!("{number:#x}");
            let block = node.request("eth_getBlockByNumber", serde_json::json!([&tag, true])).await.unwrap();
            let receipts = node.request("eth_getBlockReceipts", serde_json::json!([&tag])).await.unwrap();
            let receipts = receipts.as_array().cloned().unwrap_or_default();
            let transactions = field(&block, "transactions").as_array().cloned().unwrap_or_default();
            assert_eq!(transactions.len(), receipts.len(), "block {number} of chain {chain_id}");
            for (transaction, receipt) in transactions.iter().zip(&receipts) {
                if read(field(transaction, "from")) != Some(from) {
                    continue;
                }
                let input: Bytes = read(field(transaction, "input")).unwrap_or_default();
                sent.push(Sent {
                    hash: read(field(transaction, "hash")).unwrap_or_default(),
                    to: read(field(transaction, "to")),
                    selector: input.get(..4).map(|s| [s[0], s[1], s[2], s[3]]).unwrap_or_default(),
                    success: field(receipt, "status").as_str() == Some("0x1"),
                });
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
        let proof = mos_prover::rpc::prove_transaction(&self.node(source), transaction).await.unwrap();
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
            mos_prover::rpc::header_to_attest(&source, block, member.chain().as_ref(), light_node, None).await.unwrap();
        let signed =
            mos_prover::attest::sign_header(&header.domain, header.attestation, &local::committee_keys().unwrap())
                .unwrap();
        let update = mos_prover::attest::update_block_header_calldata(&signed);
        member.send(TxKind::Call(light_node), update, U256::ZERO).await.unwrap();
    }
}

/// The environment variables naming the nodes of an external run, in the order of
/// [`LocalNetwork::connect`]: the relay chain's, chain A's and chain B's JSON-RPC URLs.
pub const EXTERNAL_URLS: [&str; 3] = ["MOS_E2E_RELAY_URL", "MOS_E2E_CHAIN_A_URL", "MOS_E2E_CHAIN_B_URL"];
/// The environment variable holding the funded key of an external run (hex, as Nitro's devnode
/// prints it), used on each chain without a key of its own ([`EXTERNAL_KEYS`]).
pub const EXTERNAL_FUNDED_KEY: &str = "MOS_E2E_FUNDED_KEY";
/// The environment variables holding a funded key for one chain of an external run, in the order
/// of [`EXTERNAL_URLS`].
pub const EXTERNAL_KEYS: [&str; 3] = ["MOS_E2E_RELAY_KEY", "MOS_E2E_CHAIN_A_KEY", "MOS_E2E_CHAIN_B_KEY"];

/// The external nodes the environment names ([`EXTERNAL_URLS`], each with its key from
/// [`EXTERNAL_KEYS`] or [`EXTERNAL_FUNDED_KEY`]), or none when it names no URL.
///
/// # Errors
/// A message naming the variable that is missing or not a key, when some URLs are set and not all.
pub fn external_chains() -> Result<Option<[ExternalChain; 3]>, String> {
    external_chains_in(|name| std::env::var(name).ok())
}

/// [`external_chains`], with the variables looked up by `var` (an empty value counts as unset).
fn external_chains_in(var: impl Fn(&str) -> Option<String>) -> Result<Option<[ExternalChain; 3]>, String> {
    let var = |name: &str| var(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty());
    if EXTERNAL_URLS.iter().all(|name| var(name).is_none()) {
        return Ok(None);
    }
    let missing: Vec<&str> = EXTERNAL_URLS.into_iter().filter(|name| var(name).is_none()).collect();
    if !missing.is_empty() {
        let all = EXTERNAL_URLS.join(", ");
        return Err(format!("{} not set: an external run needs all of {all}", missing.join(", ")));
    }
    let mut chains = Vec::new();
    for (url_var, key_var) in EXTERNAL_URLS.into_iter().zip(EXTERNAL_KEYS) {
        let url = var(url_var).unwrap_or_default();
        let (name, key) = match (var(key_var), var(EXTERNAL_FUNDED_KEY)) {
            (Some(key), _) => (key_var, key),
            (None, Some(key)) => (EXTERNAL_FUNDED_KEY, key),
            (None, None) => {
                return Err(format!("neither {key_var} nor {EXTERNAL_FUNDED_KEY} is set: {url} needs a funded key"))
            }
        };
        let funded_key = key.parse().map_err(|e| format!("{name} is not a private key (32 bytes in hex): {e}"))?;
        chains.push(ExternalChain { url, funded_key });
    }
    Ok(chains.try_into().ok())
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

#[cfg(test)]
mod tests {
    use std::{collections::HashMap, net::SocketAddr, sync::Arc};

    use devnet::{dev_accounts::nitro_dev_signer, rpc::RpcServer, Chain, ChainConfig, DevAccounts};
    use mos_messenger::{
        deploy::DeployError,
        local::{LocalError, ACCOUNT_FUNDS},
        Chain as _,
    };

    use super::*;

    const KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

    fn chains(vars: &[(&str, &str)]) -> Result<Option<[ExternalChain; 3]>, String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        external_chains_in(|name| vars.get(name).cloned())
    }

    #[test]
    fn no_url_is_an_in_process_run_and_some_urls_name_what_is_missing() {
        assert!(chains(&[]).unwrap().is_none());
        assert!(chains(&[(EXTERNAL_URLS[0], " "), (EXTERNAL_FUNDED_KEY, KEY)]).unwrap().is_none());
        let missing = chains(&[(EXTERNAL_URLS[0], "http://127.0.0.1:8547")]).unwrap_err();
        assert_eq!(
            missing,
            "MOS_E2E_CHAIN_A_URL, MOS_E2E_CHAIN_B_URL not set: an external run needs all of MOS_E2E_RELAY_URL, \
             MOS_E2E_CHAIN_A_URL, MOS_E2E_CHAIN_B_URL"
        );
        let urls: Vec<(&str, &str)> = EXTERNAL_URLS.iter().map(|name| (*name, "http://127.0.0.1:1")).collect();
        let no_key = chains(&urls).unwrap_err();
        assert_eq!(
            no_key,
            "neither MOS_E2E_RELAY_KEY nor MOS_E2E_FUNDED_KEY is set: http://127.0.0.1:1 needs a funded key"
        );
        let bad = chains(&[&urls[..], &[(EXTERNAL_FUNDED_KEY, "0x1234")]].concat()).unwrap_err();
        assert!(bad.starts_with("MOS_E2E_FUNDED_KEY is not a private key (32 bytes in hex): "), "{bad}");
    }

    #[test]
    fn a_key_of_a_chain_wins_over_the_funded_key() {
        let other = local::dev_key(9).unwrap();
        let other_hex = alloy_primitives::hex::encode_prefixed(other.to_bytes());
        let mut vars: Vec<(&str, &str)> = vec![
            (EXTERNAL_URLS[0], "http://relay:8547"),
            (EXTERNAL_URLS[1], "http://a:8547"),
            (EXTERNAL_URLS[2], "http://b:8547"),
            (EXTERNAL_FUNDED_KEY, KEY),
        ];
        vars.push((EXTERNAL_KEYS[2], &other_hex));
        let [relay, a, b] = chains(&vars).unwrap().unwrap();
        assert_eq!(
            (relay.url.as_str(), a.url.as_str(), b.url.as_str()),
            ("http://relay:8547", "http://a:8547", "http://b:8547")
        );
        assert_eq!(relay.funded_key.address(), nitro_dev_signer().address());
        assert_eq!(a.funded_key.address(), nitro_dev_signer().address());
        assert_eq!(b.funded_key.address(), other.address());
    }

    /// Three devnets funding only Nitro's dev account, with the chain ids of `ids`, served here.
    async fn nitro_devnets(ids: [u64; 3]) -> Vec<(RpcServer, Arc<Mutex<Chain>>)> {
        let mut served = Vec::new();
        for chain_id in ids {
            let config = ChainConfig { chain_id, dev_accounts: DevAccounts::Nitro, ..ChainConfig::default() };
            let chain = Arc::new(Mutex::new(Chain::new(config)));
            let server =
                RpcServer::start(Arc::clone(&chain), SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap();
            served.push((server, chain));
        }
        served
    }

    fn external(served: &[(RpcServer, Arc<Mutex<Chain>>)]) -> [ExternalChain; 3] {
        let chains: Vec<ExternalChain> = served
            .iter()
            .map(|(server, _)| ExternalChain { url: server.url(), funded_key: nitro_dev_signer() })
            .collect();
        chains.try_into().unwrap()
    }

    #[tokio::test]
    async fn two_nodes_of_one_chain_id_are_refused_by_name() {
        let served = nitro_devnets([22_776, 412_346, 22_776]).await;
        let refused = LocalNetwork::connect(external(&served), &Programs::new(), Dapp::Stylus).await;
        let error = refused.err().expect("refused");
        assert!(
            matches!(error, LocalError::SameChain { chain_id: 22_776, first: "relay", second: "chain-b" }),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "relay and chain-b are one chain (chain id 22776): each of the three must have its own id"
        );
    }

    #[tokio::test]
    async fn connecting_funds_every_account_of_the_network_from_the_funded_key_on_each_chain() {
        let served = nitro_devnets([22_776, 412_346, 412_347]).await;
        // Nothing to deploy: connecting funds the accounts, then stops at the first program.
        let stopped = LocalNetwork::connect(external(&served), &Programs::new(), Dapp::Stylus).await;
        assert!(matches!(stopped, Err(LocalError::Deploy(DeployError::MissingProgram { .. }))), "{:?}", stopped.err());
        let accounts = [local::DEPLOYER, local::USER, local::MESSENGER].into_iter().chain(local::COMMITTEE);
        let accounts: Vec<Address> = accounts.map(|index| local::dev_key(index).unwrap().address()).collect();
        for (server, _) in &served {
            let node = Node::connect(&server.url()).unwrap();
            for &account in &accounts {
                assert_eq!(node.balance(account).await.unwrap(), ACCOUNT_FUNDS, "{account} on {}", server.url());
            }
            let others = node.balance(local::dev_key(4).unwrap().address()).await.unwrap();
            assert_eq!(others, U256::ZERO, "only the network's accounts");
        }
        // Funded already: a second connection sends nothing.
        let heads: Vec<u64> = served.iter().map(|(_, chain)| chain.lock().unwrap().latest().number()).collect();
        let again = LocalNetwork::connect(external(&served), &Programs::new(), Dapp::Stylus).await;
        assert!(again.is_err());
        let after: Vec<u64> = served.iter().map(|(_, chain)| chain.lock().unwrap().latest().number()).collect();
        assert_eq!(heads, after);
        for (server, _) in served {
            server.stop();
        }
    }
}
