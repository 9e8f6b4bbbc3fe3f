//! Three devnet chains in this process, served over JSON-RPC on free ports of 127.0.0.1 — chain A,
//! the relay chain, chain B — with the MOS suite deployed through [`crate::deploy`] exactly as on
//! any node, and an Echo dApp on each chain, every Echo allowing the others: the Stylus Echo
//! (`examples/echo`) or the Solidity Echo (`examples/solidity-echo`), as [`Dapp`] chooses.
//! What `mos demo` and the end-to-end tests run: [`build_programs`] builds the programs from
//! source (or `mos demo` reads them as `make wasm` writes them), [`LocalNetwork::launch`] starts
//! and deploys, [`LocalNetwork::messenger`] connects a messenger tuned for the devnet
//! ([`messenger_config`]).
//!
//! Accounts are the devnet's prefunded dev accounts: [`DEPLOYER`] deploys and administers the
//! suite, [`USER`] owns the Echo dApps and sends messages, [`MESSENGER`] delivers, and
//! [`COMMITTEE`] attest every chain's blocks ([`THRESHOLD`] of them must sign).

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    path::Path,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::Filter;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{sol, SolCall, SolEvent};
use devnet::{dev_accounts::dev_signer, rpc::RpcServer, Chain, ChainConfig};
use mos_message::interfaces::{
    IMOSExtensions::{messageStatusCall, MessageStatus},
    IMOSV3,
};

pub use crate::dapp::Dapp;
use crate::{
    dapp::{ArtifactError, SolidityContract},
    deploy::{self, ChainSettings, DeployError, Deployer, Fees, Programs, SUITE},
    deployment::{Committee, Deployment},
    messenger::{Messenger, MessengerError},
    Config,
};
use mos_rpc::{Chain as _, ChainError, ChainExt, Node, Sender, Unsigned};

/// Chain A's id.
pub const CHAIN_A: u64 = 412_346;
/// The relay chain's id (MAP Protocol's relay chain has this one).
pub const RELAY: u64 = 22_776;
/// Chain B's id.
pub const CHAIN_B: u64 = 412_347;
/// The chains, in the order they start and are deployed: `(name, chain id)`.
pub const CHAINS: [(&str, u64); 3] = [("relay", RELAY), ("chain-a", CHAIN_A), ("chain-b", CHAIN_B)];

/// The dev account that deploys and administers the suite.
pub const DEPLOYER: u32 = 1;
/// The dev account that owns the Echo dApps and sends messages.
pub const USER: u32 = 2;
/// The dev account the messenger delivers from.
pub const MESSENGER: u32 = 3;
/// The dev accounts that attest every chain's blocks.
pub const COMMITTEE: [u32; 3] = [5, 6, 7];
/// How many of [`COMMITTEE`] must sign.
pub const THRESHOLD: u64 = 2;

/// The Stylus Echo's package.
pub const ECHO: &str = "mos-echo";
/// Gas the Echo asks the destination to give its call (`ECHO_GAS_LIMIT` in `examples/echo`).
pub const ECHO_GAS_LIMIT: u64 = 500_000;

sol!("../../examples/echo/IEcho.sol");

/// Why the local network could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// A server could not listen.
    #[error("cannot start the devnet {chain}: {source}")]
    Listen {
        /// The chain.
        chain: &'static str,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A dev key could not be derived.
    #[error("dev account {0}: {1}")]
    Key(u32, String),
    /// The deployment failed.
    #[error(transparent)]
    Deploy(#[from] DeployError),
    /// Two of the nodes given serve the same chain.
    #[error("{first} and {second} are one chain (chain id {chain_id}): each of the three must have its own id")]
    SameChain {
        /// The chain id both serve.
        chain_id: u64,
        /// The first chain given with it.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
    /// No such chain or Echo in the local network.
    #[error("the local network has no {0}")]
    Unknown(String),
    /// A chain's URL is not usable.
    #[error(transparent)]
    Url(#[from] mos_rpc::UrlError),
    /// A chain could not be reached, or refused a transaction.
    #[error("{chain}: {source}")]
    Chain {
        /// The chain.
        chain: String,
        /// What failed.
        #[source]
        source: ChainError,
    },
    /// A log a chain's MOS emitted cannot be read as the event it names.
    #[error("{chain}: a {event} log cannot be read: {reason}")]
    Log {
        /// The chain.
        chain: String,
        /// The event's signature.
        event: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A committed Solidity artifact is not usable.
    #[error(transparent)]
    Artifact(#[from] ArtifactError),
    /// A program does not build.
    #[error("building {package}: {source}")]
    Build {
        /// The program's package.
        package: &'static str,
        /// What the build said (boxed: it is large).
        #[source]
        source: Box<stylus_build::BuildError>,
    },
    /// The messenger could not connect, or failed.
    #[error(transparent)]
    Messenger(#[from] MessengerError),
    /// A devnet's saved state could not be written or loaded.
    #[error("the state of the devnet {chain}: {reason}")]
    State {
        /// The chain.
        chain: &'static str,
        /// What failed.
        reason: String,
    },
}

/// The key of dev account `index`.
///
/// # Errors
/// [`LocalError::Key`] (it does not happen for the ten dev accounts).
pub fn dev_key(index: u32) -> Result<PrivateKeySigner, LocalError> {
    dev_signer(index).map_err(|error| LocalError::Key(index, error.to_string()))
}

/// The committee's keys.
///
/// # Errors
/// [`LocalError::Key`].
pub fn committee_keys() -> Result<Vec<PrivateKeySigner>, LocalError> {
    COMMITTEE.iter().map(|&index| dev_key(index)).collect()
}

/// The packages of the programs [`LocalNetwork::launch`] deploys: the suite ([`SUITE`]) and the
/// Stylus Echo ([`ECHO`]).
pub fn packages() -> Vec<&'static str> {
    SUITE.into_iter().chain([ECHO]).collect()
}

/// The programs of `packages` (for [`LocalNetwork::launch`], [`packages`]), built from the
/// sources of the workspace at `workspace_root` with `stylus-build`, as `make wasm` builds them
/// (its builds are cached in `target/stylus`).
///
/// # Errors
/// [`LocalError::Build`] naming the program that does not build.
pub fn build_programs(workspace_root: &Path, packages: &[&'static str]) -> Result<Programs, LocalError> {
    let mut programs = Programs::new();
    for &package in packages {
        let spec = stylus_build::BuildSpec::new(package, workspace_root);
        let built = stylus_build::build_program(&spec)
            .map_err(|source| LocalError::Build { package, source: Box::new(source) })?;
        programs.insert(package, built.code);
    }
    Ok(programs)
}

/// A messenger configuration for the local network, whose chains mine every transaction at once:
/// short polls (50 ms), short backoffs (100 ms doubling up to 800 ms), and 20 s for a transaction.
pub fn messenger_config() -> Config {
    Config {
        poll_interval: Duration::from_millis(50),
        backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(800),
        transaction_timeout: Duration::from_secs(20),
        ..Config::default()
    }
}

/// A messenger serving `deployment` (the local network's, or part of it) with the dev keys: it
/// delivers from [`MESSENGER`] and attests with every key of [`COMMITTEE`]; its store is the one
/// at `store_url` (see [`crate::store::open`]: created when missing, resumed otherwise).
///
/// # Errors
/// [`LocalError::Key`], or [`LocalError::Messenger`] when `deployment` is not usable, a chain
/// cannot be reached or the store cannot be opened.
pub async fn dev_messenger(deployment: &Deployment, store_url: &str, config: Config) -> Result<Messenger, LocalError> {
    let store = crate::store::open(store_url).await.map_err(MessengerError::from)?;
    Ok(Messenger::connect(deployment, dev_key(MESSENGER)?, committee_keys()?, store, config).await?)
}

/// One of the network's chains: a devnet served in this process ([`LocalNetwork::launch`]), or a
/// node that was already running ([`LocalNetwork::connect`]).
pub struct LocalChain {
    /// Its name in the deployment.
    pub name: &'static str,
    /// Its chain id.
    pub chain_id: u64,
    /// Its JSON-RPC URL.
    pub url: String,
    /// The first block of this network's history: genesis for a devnet it serves, the block after
    /// the head it found on a node that was already running (what came before is other runs').
    pub first_block: u64,
    served: Option<ServedDevnet>,
}

/// A devnet this process serves.
struct ServedDevnet {
    chain: Arc<Mutex<Chain>>,
    /// Its server, while it serves ([`LocalNetwork::stop_devnet`] takes it).
    server: Mutex<Option<RpcServer>>,
    /// Where it serves, and serves again after a stop.
    address: SocketAddr,
}

/// `mutex` locked, whether or not a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LocalChain {
    /// The devnet behind the chain, for what JSON-RPC does not give; none for a node the network
    /// connected to.
    pub fn devnet(&self) -> Option<&Arc<Mutex<Chain>>> {
        self.served.as_ref().map(|served| &served.chain)
    }
}

/// A node already running that [`LocalNetwork::connect`] deploys on: its JSON-RPC URL and a key
/// funded on it (the key pays for the network's accounts, nothing else).
#[derive(Debug, Clone)]
pub struct ExternalChain {
    /// The node's JSON-RPC URL.
    pub url: String,
    /// A key with funds on the chain.
    pub funded_key: PrivateKeySigner,
}

/// The chain ids of a network's three chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainIds {
    /// The relay chain's.
    pub relay: u64,
    /// Chain A's.
    pub a: u64,
    /// Chain B's.
    pub b: u64,
}

/// What each of the network's accounts ([`DEPLOYER`], [`USER`], [`MESSENGER`], [`COMMITTEE`]) is
/// topped up to on a chain [`LocalNetwork::connect`] funds, when it holds less than half of it.
pub const ACCOUNT_FUNDS: U256 = U256::from_limbs([10_000_000_000_000_000_000, 0, 0, 0]);

/// What a [`LocalNetwork::send`] asks the Echo to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoKind {
    /// `echo`: a CALLDATA message, `target.setList(key, value)`.
    Calldata,
    /// `echoMessage(..., relay = false)`: a MESSAGE, `target.mapoExecute(...)`.
    Message,
    /// `echoMessage(..., relay = true)` to the relay chain's Echo: a MESSAGE the relay chain
    /// executes first; the Echo there stores the pair and returns the next hop, to the Echo it was
    /// given for the destination (`setTarget`).
    RelayedMessage,
}

/// A message an Echo sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Where it was sent.
    pub from_chain: u64,
    /// Where it goes.
    pub to_chain: u64,
    /// Its order id.
    pub order_id: B256,
    /// The target it names (the Echo that executes it first, for a relayed message).
    pub target: Address,
    /// The `transferOut` transaction (the Echo's).
    pub transaction: B256,
    /// The key the target stores.
    pub key: String,
    /// The value.
    pub value: String,
    /// How it was sent.
    pub kind: EchoKind,
}

/// Chain A, the relay and chain B, served or connected to, and deployed.
pub struct LocalNetwork {
    /// The chains, in [`CHAINS`] order.
    pub chains: Vec<LocalChain>,
    /// Their chain ids.
    pub ids: ChainIds,
    /// The deployment on them.
    pub deployment: Deployment,
    /// Which Echo dApp runs on the chains.
    pub dapp: Dapp,
    /// The Echo dApp on each chain, by chain id.
    pub echoes: BTreeMap<u64, Address>,
}

impl LocalNetwork {
    /// Starts the three chains on free ports, with the ids of [`CHAINS`], and deploys on them
    /// ([`LocalNetwork::deploy`]).
    ///
    /// # Errors
    /// [`LocalError`] naming what failed.
    pub async fn launch(programs: &Programs, dapp: Dapp) -> Result<Self, LocalError> {
        Self::launch_with(programs, dapp, None).await
    }

    /// [`LocalNetwork::launch`] with the relay chain sealed as the MAP relay chain by
    /// `relay_validators` (IBFT, BLS over BN254): chains A and B then get MAP light nodes of the
    /// relay, which accept a relay block only with its validators' seal.
    ///
    /// # Errors
    /// [`LocalError`] naming what failed (an invalid IBFT configuration as [`LocalError::Unknown`]).
    pub async fn launch_with(
        programs: &Programs,
        dapp: Dapp,
        relay_validators: Option<devnet::ibft::IbftConfig>,
    ) -> Result<Self, LocalError> {
        let mut chains = Vec::new();
        for (name, chain_id) in CHAINS {
            let ibft = relay_validators.clone().filter(|_| chain_id == RELAY);
            let chain = Chain::try_new(ChainConfig { chain_id, ibft, ..ChainConfig::default() })
                .map_err(|error| LocalError::Unknown(format!("the relay's validators: {error}")))?;
            let chain = Arc::new(Mutex::new(chain));
            let server = RpcServer::start(Arc::clone(&chain), SocketAddr::from(([127, 0, 0, 1], 0)), None)
                .await
                .map_err(|source| LocalError::Listen { chain: name, source })?;
            let (url, first_block, address) = (server.url(), 0, server.address());
            let served = ServedDevnet { chain, server: Mutex::new(Some(server)), address };
            chains.push(LocalChain { name, chain_id, url, first_block, served: Some(served) });
        }
        Self::deploy(chains, programs, dapp).await
    }

    /// Connects to three nodes already running (`[relay, chain A, chain B]`: Nitro devnodes, `mos
    /// devnet` processes, any chain that runs Stylus), funds the network's accounts on each from
    /// its funded key (up to [`ACCOUNT_FUNDS`]), and deploys on them ([`LocalNetwork::deploy`]).
    /// The chain ids are the nodes' own.
    ///
    /// # Errors
    /// [`LocalError::Chain`] when a node cannot be reached or a transfer fails,
    /// [`LocalError::SameChain`] when two URLs serve one chain id, or what deploying returns.
    pub async fn connect(external: [ExternalChain; 3], programs: &Programs, dapp: Dapp) -> Result<Self, LocalError> {
        let mut chains: Vec<LocalChain> = Vec::new();
        for ((name, _), given) in CHAINS.into_iter().zip(external) {
            let failed = |source| LocalError::Chain { chain: name.to_owned(), source };
            let funder = Sender::new(Node::connect(&given.url)?, given.funded_key).await.map_err(failed)?;
            let chain_id = funder.chain_id();
            if let Some(other) = chains.iter().find(|chain| chain.chain_id == chain_id) {
                return Err(LocalError::SameChain { chain_id, first: other.name, second: name });
            }
            fund_accounts(&funder).await.map_err(failed)?;
            let first_block = funder.chain().block_number().await.map_err(failed)? + 1;
            chains.push(LocalChain { name, chain_id, url: given.url, first_block, served: None });
        }
        Self::deploy(chains, programs, dapp).await
    }

    /// Deploys the suite on `chains` (the relay first; [`DEPLOYER`], with [`COMMITTEE`] attesting
    /// every chain), then the Echo `dapp` on each chain (owned by [`USER`]) that accepts messages
    /// from the other Echoes. A relay whose node answers `istanbul_getEpochInfo` (sealed as MAP's)
    /// gets MAP light nodes on the chains; otherwise committee light nodes.
    async fn deploy(chains: Vec<LocalChain>, programs: &Programs, dapp: Dapp) -> Result<Self, LocalError> {
        let committee = Committee {
            members: committee_keys()?.iter().map(PrivateKeySigner::address).collect(),
            threshold: THRESHOLD,
        };
        let mut senders = BTreeMap::new();
        for chain in &chains {
            senders.insert(chain.chain_id, connect(chain, DEPLOYER).await?);
        }
        let [relay, a, b] = &chains[..] else { return Err(LocalError::Unknown("three chains".into())) };
        let ids = ChainIds { relay: relay.chain_id, a: a.chain_id, b: b.chain_id };
        let relay_sender = &senders[&relay.chain_id];
        let light_node_kind = deploy::relay_light_node_kind(relay_sender.chain().as_ref()).await;
        let settings = |chain: &LocalChain| ChainSettings {
            name: chain.name.to_owned(),
            rpc_url: chain.url.clone(),
            // The devnet has no wrapped native token; MOS V3 records one and messages never use it.
            w_token: Address::with_last_byte(0xee),
            committee: committee.clone(),
            light_node_kind,
            fees: Fees::default(),
        };
        let mut deployment = Deployment::new(deploy::deploy_relay(relay_sender, programs, &settings(relay)).await?);
        for chain in [a, b] {
            let entry =
                deploy::add_chain(&deployment, &senders[&chain.chain_id], &senders, programs, &settings(chain)).await?;
            deployment.chains.push(entry);
        }
        let mut network = Self { chains, ids, deployment, dapp, echoes: BTreeMap::new() };
        network.deploy_echoes(programs).await?;
        Ok(network)
    }

    /// The chain `chain_id`.
    pub fn chain(&self, chain_id: u64) -> Option<&LocalChain> {
        self.chains.iter().find(|chain| chain.chain_id == chain_id)
    }

    /// The chain `chain_id`, which must be one of the network's.
    fn known_chain(&self, chain_id: u64) -> Result<&LocalChain, LocalError> {
        self.chain(chain_id).ok_or_else(|| LocalError::Unknown(format!("chain {chain_id}")))
    }

    /// Dev account `account` on chain `chain_id`.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the chain is not one of the network's, [`LocalError::Chain`]
    /// when it does not answer.
    pub async fn sender(&self, chain_id: u64, account: u32) -> Result<Sender, LocalError> {
        connect(self.known_chain(chain_id)?, account).await
    }

    /// The JSON-RPC node of chain `chain_id`.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the chain is not one of the network's ([`LocalError::Url`]
    /// cannot happen: the network connected to the URL).
    pub fn node(&self, chain_id: u64) -> Result<Node, LocalError> {
        Ok(Node::connect(&self.known_chain(chain_id)?.url)?)
    }

    /// The MOS (its routing proxy: the address dApps call) of chain `chain_id`.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the chain is not one of the network's.
    pub fn mos(&self, chain_id: u64) -> Result<Address, LocalError> {
        self.deployment
            .chain(chain_id)
            .map(|chain| chain.mos)
            .ok_or_else(|| LocalError::Unknown(format!("chain {chain_id}")))
    }

    /// `messageStatus(orderId)` of `order_id` on the MOS of chain `chain_id`.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the chain is not one of the network's, [`LocalError::Chain`]
    /// when the call fails.
    pub async fn message_status(&self, chain_id: u64, order_id: B256) -> Result<MessageStatus, LocalError> {
        let chain = self.known_chain(chain_id)?;
        let failed = |source| LocalError::Chain { chain: chain.name.to_owned(), source };
        self.node(chain_id)?.view(self.mos(chain_id)?, &messageStatusCall { orderId: order_id }).await.map_err(failed)
    }

    /// Every `E` the MOS of chain `chain_id` emitted, with the transaction that emitted it, in
    /// order.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the chain is not one of the network's, [`LocalError::Chain`]
    /// when the logs cannot be read, [`LocalError::Log`] when one is not an `E`.
    pub async fn events<E: SolEvent>(&self, chain_id: u64) -> Result<Vec<(B256, E)>, LocalError> {
        let chain = self.known_chain(chain_id)?;
        let unreadable = |reason: String| LocalError::Log { chain: chain.name.to_owned(), event: E::SIGNATURE, reason };
        let filter =
            Filter::new().address(self.mos(chain_id)?).event_signature(E::SIGNATURE_HASH).from_block(chain.first_block);
        let logs = self
            .node(chain_id)?
            .logs(&filter)
            .await
            .map_err(|source| LocalError::Chain { chain: chain.name.to_owned(), source })?;
        logs.iter()
            .map(|log| {
                let transaction = log.transaction_hash.ok_or_else(|| unreadable("no transaction hash".into()))?;
                let event = E::decode_log_data(log.data()).map_err(|error| unreadable(error.to_string()))?;
                Ok((transaction, event))
            })
            .collect()
    }

    /// A messenger serving the whole network with the dev keys ([`dev_messenger`]), its store at
    /// `store_url`.
    ///
    /// # Errors
    /// [`LocalError::Key`], or [`LocalError::Messenger`] when a chain cannot be reached or the
    /// store cannot be opened.
    pub async fn messenger(&self, store_url: &str, config: Config) -> Result<Messenger, LocalError> {
        dev_messenger(&self.deployment, store_url, config).await
    }

    /// Deploys an Echo on each chain and lets every Echo accept messages from the others.
    async fn deploy_echoes(&mut self, programs: &Programs) -> Result<(), LocalError> {
        for chain in &self.deployment.chains {
            let user = self.sender(chain.chain_id, USER).await?;
            let deployer = Deployer::new(&user, &chain.name, programs);
            let echo = match self.dapp {
                Dapp::Stylus => deployer.owned_program(ECHO).await?,
                Dapp::Solidity => {
                    let init = SolidityContract::Echo.creation_code()?;
                    deployer.create("deploy the Solidity Echo", init).await?.0
                }
            };
            deployer.call("point the Echo at the MOS", echo, IEcho::setMapoServiceCall { mos: chain.mos }).await?;
            self.echoes.insert(chain.chain_id, echo);
        }
        for (&chain_id, &echo) in &self.echoes {
            let user = self.sender(chain_id, USER).await?;
            for (&other, &remote) in self.echoes.iter().filter(|(&other, _)| other != chain_id) {
                let allow = IEcho::addCorrespondenceCall {
                    fromChain: U256::from(other),
                    fromAddress: Bytes::copy_from_slice(remote.as_slice()),
                    tag: true,
                };
                user.call(echo, &allow)
                    .await
                    .map_err(|source| LocalError::Chain { chain: chain_id.to_string(), source })?;
            }
        }
        Ok(())
    }

    /// [`USER`] has the Echo of `from_chain` send `key = value` to the Echo of `to_chain` (for a
    /// [`EchoKind::RelayedMessage`], through the relay chain's Echo), paying the MOS's fee.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the chains are not the network's, [`LocalError::Chain`] when
    /// the transaction fails.
    pub async fn send(
        &self,
        from_chain: u64,
        to_chain: u64,
        kind: EchoKind,
        key: &str,
        value: &str,
    ) -> Result<Sent, LocalError> {
        let first = if kind == EchoKind::RelayedMessage { self.deployment.relay_chain_id } else { to_chain };
        let target = *self.echoes.get(&first).ok_or_else(|| LocalError::Unknown(format!("Echo on chain {first}")))?;
        self.send_to(from_chain, to_chain, target, kind, key, value).await
    }

    /// [`USER`] has the Echo of `from_chain` send `key = value` to `target` on `to_chain`, paying
    /// the MOS's fee.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the chain is not the network's, [`LocalError::Chain`] when the
    /// transaction fails.
    pub async fn send_to(
        &self,
        from_chain: u64,
        to_chain: u64,
        target: Address,
        kind: EchoKind,
        key: &str,
        value: &str,
    ) -> Result<Sent, LocalError> {
        let failed = |source| LocalError::Chain { chain: from_chain.to_string(), source };
        let user = self.sender(from_chain, USER).await?;
        let (echo, fee) = self.echo_and_fee(&user, from_chain, to_chain).await?;
        let input = echo_input(to_chain, target, kind, key, value);
        let receipt = user.send(TxKind::Call(echo), input, fee).await.map_err(failed)?;
        self.sent(&receipt, from_chain, to_chain, target, kind, (key, value))
    }

    /// [`USER`] has the Echo of `from_chain` send each `key = value` of `pairs` to the Echo of
    /// `to_chain` (as [`LocalNetwork::send`]), every transaction signed with the next nonce and
    /// the gas limit of the longest pair's simulation, and broadcast before the first is waited
    /// for: a burst, mined in as few blocks as they fit in.
    ///
    /// # Errors
    /// As [`LocalNetwork::send_to`].
    pub async fn send_many(
        &self,
        from_chain: u64,
        to_chain: u64,
        kind: EchoKind,
        pairs: &[(String, String)],
    ) -> Result<Vec<Sent>, LocalError> {
        let failed = |source| LocalError::Chain { chain: from_chain.to_string(), source };
        let first = if kind == EchoKind::RelayedMessage { self.deployment.relay_chain_id } else { to_chain };
        let target = *self.echoes.get(&first).ok_or_else(|| LocalError::Unknown(format!("Echo on chain {first}")))?;
        let user = self.sender(from_chain, USER).await?;
        let (echo, fee) = self.echo_and_fee(&user, from_chain, to_chain).await?;
        let mut nonce = user.pending_nonce().await.map_err(failed)?;
        let fees = user.fees().await.map_err(failed)?;
        // One simulation for all, of the longest pair: the calls differ only in their strings.
        let longest = pairs.iter().max_by_key(|(key, value)| key.len() + value.len());
        let Some((key, value)) = longest else { return Ok(Vec::new()) };
        let input = echo_input(to_chain, target, kind, key, value);
        let gas_limit = user.gas_limit(TxKind::Call(echo), &input, fee).await.map_err(failed)?;
        let mut signed = Vec::new();
        for (key, value) in pairs {
            let input = echo_input(to_chain, target, kind, key, value);
            let transaction = Unsigned { to: TxKind::Call(echo), input, value: fee, nonce, gas_limit, fees };
            signed.push(user.sign_with(transaction).await.map_err(failed)?);
            nonce += 1;
        }
        for transaction in &signed {
            user.broadcast(transaction).await.map_err(failed)?;
        }
        let mut sent = Vec::new();
        for (transaction, (key, value)) in signed.iter().zip(pairs) {
            let receipt = user.wait(transaction.hash).await.map_err(failed)?;
            if !receipt.status() {
                let block = receipt.block_number.unwrap_or_default();
                return Err(failed(ChainError::Failed { transaction: transaction.hash, block }));
            }
            sent.push(self.sent(&receipt, from_chain, to_chain, target, kind, (key, value))?);
        }
        Ok(sent)
    }

    /// The Echo of `from_chain`, and the fee its MOS asks for a message to `to_chain`.
    async fn echo_and_fee(&self, user: &Sender, from_chain: u64, to_chain: u64) -> Result<(Address, U256), LocalError> {
        let (Some(&echo), Some(entry)) = (self.echoes.get(&from_chain), self.deployment.chain(from_chain)) else {
            return Err(LocalError::Unknown(format!("Echo on chain {from_chain}")));
        };
        let quote = IMOSV3::getMessageFeeCall {
            toChain: U256::from(to_chain),
            feeToken: Address::ZERO,
            gasLimit: U256::from(ECHO_GAS_LIMIT),
        };
        let fee = user.chain().view(entry.mos, &quote).await;
        let fee = fee.map_err(|source| LocalError::Chain { chain: from_chain.to_string(), source })?.amount;
        Ok((echo, fee))
    }

    /// The message a mined Echo transaction sent: `(key, value)` of `kind` to `target`.
    fn sent(
        &self,
        receipt: &alloy_rpc_types_eth::TransactionReceipt,
        from_chain: u64,
        to_chain: u64,
        target: Address,
        kind: EchoKind,
        (key, value): (&str, &str),
    ) -> Result<Sent, LocalError> {
        let mos = self.deployment.chain(from_chain).map(|entry| entry.mos).unwrap_or_default();
        let order_id = receipt
            .inner
            .logs()
            .iter()
            .filter(|log| log.address() == mos)
            .find_map(|log| IMOSV3::mapMessageOut::decode_log_data(log.data()).ok())
            .map(|event| event.orderId)
            .ok_or_else(|| LocalError::Unknown(format!("mapMessageOut in transaction {}", receipt.transaction_hash)))?;
        Ok(Sent {
            from_chain,
            to_chain,
            order_id,
            target,
            transaction: receipt.transaction_hash,
            key: key.to_owned(),
            value: value.to_owned(),
            kind,
        })
    }

    /// What the Echo of `chain_id` holds for `key` (empty when nothing arrived).
    ///
    /// # Errors
    /// [`LocalError::Chain`].
    pub async fn echo_list(&self, chain_id: u64, key: &str) -> Result<String, LocalError> {
        let (Some(&echo), Some(chain)) = (self.echoes.get(&chain_id), self.chain(chain_id)) else {
            return Err(LocalError::Unknown(format!("Echo on chain {chain_id}")));
        };
        let failed = |source| LocalError::Chain { chain: chain.name.to_owned(), source };
        self.node(chain_id)?.view(echo, &IEcho::echoListCall { key: key.to_owned() }).await.map_err(failed)
    }

    /// Stops serving the chains this process serves.
    pub fn stop(self) {
        for served in self.chains.into_iter().filter_map(|chain| chain.served) {
            if let Some(server) = lock(&served.server).take() {
                server.stop();
            }
        }
    }

    /// The devnet this process serves for chain `chain_id`, with the chain.
    fn served(&self, chain_id: u64) -> Result<(&LocalChain, &ServedDevnet), LocalError> {
        let chain = self.known_chain(chain_id)?;
        let served = chain.served.as_ref().ok_or_else(|| LocalError::Unknown(format!("devnet for {}", chain.name)))?;
        Ok((chain, served))
    }

    /// Stops the devnet of chain `chain_id` as `mos devnet --state FILE` stops: it no longer
    /// accepts connections, and its chain is saved to `state` ([`devnet::persist`]). Until
    /// [`LocalNetwork::start_devnet`], its URL refuses connections (those accepted before are
    /// still served, as the devnet's server does).
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the network serves no devnet for the chain,
    /// [`LocalError::State`] when the state cannot be written.
    pub fn stop_devnet(&self, chain_id: u64, state: &Path) -> Result<(), LocalError> {
        let (chain, served) = self.served(chain_id)?;
        if let Some(server) = lock(&served.server).take() {
            server.stop();
        }
        let saved = lock(&served.chain).to_saved();
        devnet::persist::save(&saved, state)
            .map_err(|e| LocalError::State { chain: chain.name, reason: e.to_string() })?;
        tracing::info!(chain = chain.name, state = %state.display(), "devnet stopped, its chain saved");
        Ok(())
    }

    /// Starts the devnet of chain `chain_id` again as `mos devnet --state FILE` starts: its chain
    /// loaded from `state` (what the file does not keep is gone: compiled programs, snapshots,
    /// transactions waiting to be mined), served on the port it had, so its URL is the same.
    ///
    /// # Errors
    /// [`LocalError::Unknown`] when the network serves no devnet for the chain,
    /// [`LocalError::State`] when the state cannot be loaded, [`LocalError::Listen`] when the port
    /// cannot be bound again.
    pub async fn start_devnet(&self, chain_id: u64, state: &Path) -> Result<(), LocalError> {
        let (chain, served) = self.served(chain_id)?;
        let unreadable = |reason: String| LocalError::State { chain: chain.name, reason };
        let saved = devnet::persist::load(state).map_err(|e| unreadable(e.to_string()))?;
        // The connections the stopped server still serves see the restarted chain too.
        *lock(&served.chain) = Chain::from_saved(saved).map_err(unreadable)?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let server = loop {
            match RpcServer::start(Arc::clone(&served.chain), served.address, None).await {
                Ok(server) => break server,
                // The stopped server's socket is closed once its task is gone.
                Err(error)
                    if error.kind() == std::io::ErrorKind::AddrInUse && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(source) => return Err(LocalError::Listen { chain: chain.name, source }),
            }
        };
        *lock(&served.server) = Some(server);
        tracing::info!(chain = chain.name, url = %chain.url, "devnet started again from its saved state");
        Ok(())
    }
}

/// The Echo call that sends `key = value` to `target` on `to_chain` as `kind` says.
fn echo_input(to_chain: u64, target: Address, kind: EchoKind, key: &str, value: &str) -> Bytes {
    let (to, target) = (U256::from(to_chain), Bytes::copy_from_slice(target.as_slice()));
    let (key, value) = (key.to_owned(), value.to_owned());
    let input = match kind {
        EchoKind::Calldata => IEcho::echoCall { toChain: to, target, key, value }.abi_encode(),
        EchoKind::Message | EchoKind::RelayedMessage => {
            let relay = kind == EchoKind::RelayedMessage;
            IEcho::echoMessageCall { toChain: to, target, key, value, relay }.abi_encode()
        }
    };
    input.into()
}

/// Dev account `account` on `chain`.
async fn connect(chain: &LocalChain, account: u32) -> Result<Sender, LocalError> {
    let failed = |source| LocalError::Chain { chain: chain.name.to_owned(), source };
    Sender::new(Node::connect(&chain.url)?, dev_key(account)?).await.map_err(failed)
}

/// Tops each of the network's accounts up to [`ACCOUNT_FUNDS`] from `funder` when it holds less
/// than half of it.
async fn fund_accounts(funder: &Sender) -> Result<(), ChainError> {
    let accounts = [DEPLOYER, USER, MESSENGER].into_iter().chain(COMMITTEE);
    for account in accounts.filter_map(|index| dev_key(index).ok()).map(|key| key.address()) {
        let balance = funder.chain().balance(account).await?;
        if balance < ACCOUNT_FUNDS / U256::from(2) {
            funder.send(TxKind::Call(account), Bytes::new(), ACCOUNT_FUNDS - balance).await?;
        }
    }
    Ok(())
}
