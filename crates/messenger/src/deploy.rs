//! The MOS suite deployed over JSON-RPC with signed transactions: on the relay chain
//! ([`deploy_relay`]) and on each chain connected to it ([`add_chain`]), configured and registered
//! with each other. Every transaction is checked; a failure names its step
//! (`chain-a: initialize the MOS`).
//!
//! On the relay chain: `mos-relay` behind the MOS proxy, the fee service, the light-client manager;
//! `initialize(wToken, manager)`, `setFeeService`, the fee receiver.
//!
//! For each chain: on the chain, `mos-dest` behind the proxy, the fee service, a committee light
//! node of the relay chain (initialised with the relay's committee); `initialize(wToken, lightNode)`,
//! `setFeeService`, `setRelayContract(relayChainId, relayMos)`. On the relay, a committee light
//! node of the chain (initialised with the chain's committee), registered in the manager, and
//! `registerChain(chainId, mos, EVM)`. Fees are priced both ways between the new chain and every
//! chain already deployed (`setBaseGas`, `setChainGasPrice` in native value).
//!
//! Programs are deployed as `cargo stylus` does: a creation whose init code returns the framed,
//! compressed wasm, then `ArbWasm.activateProgram` paying the data fee the chain asks for (already
//! activated code, such as a second light node, is not activated again). The fee service, the
//! light nodes and the manager take their owner or admin from their creation
//! (`stylus_wasm::deploy::init_code_recording_deployer`), so nothing can be taken over between two
//! transactions; the MOS proxy's creation names its admin (`mos_proxy::init_code`), the deploying account.

use std::{collections::BTreeMap, fmt::Display, future::Future, path::Path};

use alloy_primitives::{address, hex, Address, Bytes, TxKind, U256};
use alloy_provider::network::ReceiptResponse;
use alloy_rpc_types_eth::TransactionReceipt;
use alloy_sol_types::{sol, SolCall, SolError};
use light_client_iface::interfaces::{ICommitteeLightNode, ILightClientManagerAdmin, IMapLightNode};
use mos_message::{
    interfaces::{IFeeService, IMOSAdmin, IMOSRelay, IMOSV3},
    ChainType,
};
use mos_rpc::{ChainError, Sender};

use crate::deployment::{ChainEntry, Committee, Deployment, LightNodeKind, Role};

/// The MOS program of every chain but the relay.
pub const MOS_DEST: &str = "mos-dest";
/// The relay chain's MOS program.
pub const MOS_RELAY: &str = "mos-relay";
/// The fee service program.
pub const FEE_SERVICE: &str = "fee-service";
/// The committee light node program.
pub const LIGHT_NODE: &str = "mos-light-node";
/// The light-client manager program.
pub const LIGHT_CLIENT_MANAGER: &str = "mos-light-client-manager";
/// The light node of the MAP relay chain's consensus.
pub const MAP_LIGHT_NODE: &str = "mos-map-light-node";
/// Every program a deployment needs.
pub const SUITE: [&str; 6] = [MOS_DEST, MOS_RELAY, FEE_SERVICE, LIGHT_NODE, LIGHT_CLIENT_MANAGER, MAP_LIGHT_NODE];

/// Where the fee service (`OWNER_SLOT`), the light node (`DEPLOYER_SLOT`), the manager
/// (`ADMIN_SLOT`) and the Echo dApp (its `owner` field) expect their creation to record the
/// deployer: slot 0 for all of them. (Program crates cannot be linked into a host binary together,
/// each defining the program entrypoint, so the slot is stated here.)
pub const RECORDED_DEPLOYER_SLOT: [u8; 32] = [0; 32];

sol! {
    /// Nitro's ArbWasm precompile, as far as deployment needs it.
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        error ProgramUpToDate();
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }
}

/// ArbWasm's address.
pub const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");

/// Why a deployment stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// A transaction or a call failed (the step names the chain and what it was doing).
    #[error("{step}: {source}")]
    Step {
        /// `chain: what`.
        step: String,
        /// What went wrong.
        #[source]
        source: ChainError,
    },
    /// A program's bytes are not at hand.
    #[error("no code for {package}: {reason}")]
    MissingProgram {
        /// The package.
        package: String,
        /// Where it was looked for, and what was found.
        reason: String,
    },
    /// The deployment cannot take the chain (no relay yet, the chain already in it, a node
    /// serving another chain).
    #[error("{0}")]
    Deployment(String),
    /// The relay chain's node did not give what a MAP light node is initialised with.
    #[error("{step}: {source}")]
    Relay {
        /// `chain: what`.
        step: String,
        /// What the relay's node answered.
        #[source]
        source: mos_prover::rpc::NodeError,
    },
    /// A creation succeeded but its receipt names no contract (a node that leaves
    /// `contractAddress` out).
    #[error("{step}: the receipt names no created contract")]
    NoContract {
        /// `chain: what`.
        step: String,
    },
}

/// The deployable code (`EF F0 00 ‖ brotli`) of the programs, by package.
#[derive(Debug, Clone, Default)]
pub struct Programs {
    codes: BTreeMap<String, Vec<u8>>,
}

impl Programs {
    /// No programs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the code of `package`.
    pub fn insert(&mut self, package: &str, code: Vec<u8>) {
        self.codes.insert(package.to_owned(), code);
    }

    /// Reads `<package>.code.hex` of each package from `dir`: what `make wasm` (`stylus-build`)
    /// writes to `target/stylus/programs`.
    ///
    /// # Errors
    /// [`DeployError::MissingProgram`] when a file is missing or is not hex.
    pub fn load_dir(dir: &Path, packages: &[&str]) -> Result<Self, DeployError> {
        let mut programs = Self::new();
        for package in packages {
            let path = dir.join(format!("{package}.code.hex"));
            let missing = |reason: String| DeployError::MissingProgram { package: (*package).to_owned(), reason };
            let text = std::fs::read_to_string(&path)
                .map_err(|e| missing(format!("{}: {e} (build it with `make wasm`)", path.display())))?;
            let code = hex::decode(text.trim()).map_err(|e| missing(format!("{}: not hex: {e}", path.display())))?;
            programs.insert(package, code);
        }
        Ok(programs)
    }

    /// The code of `package`.
    ///
    /// # Errors
    /// [`DeployError::MissingProgram`] when it was not loaded.
    pub fn code(&self, package: &str) -> Result<&[u8], DeployError> {
        self.codes.get(package).map(Vec::as_slice).ok_or_else(|| DeployError::MissingProgram {
            package: package.to_owned(),
            reason: "not among the programs loaded".into(),
        })
    }
}

/// What a chain's MOS charges to send to another chain: `(baseGas + gasLimit) * gasPrice` in the
/// chain's native currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// Gas on top of the message's `gasLimit` (0 would refuse the destination).
    pub base_gas: u64,
    /// Price of a unit of gas, in wei.
    pub gas_price: U256,
}

impl Default for Fees {
    /// 100 000 base gas at 1 gwei.
    fn default() -> Self {
        Self { base_gas: 100_000, gas_price: U256::from(1_000_000_000u64) }
    }
}

/// How a chain is deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSettings {
    /// The name it has in the deployment.
    pub name: String,
    /// The RPC URL recorded in the deployment (the one the messenger will use).
    pub rpc_url: String,
    /// The wrapped native token `initialize` records (MOS V3 keeps it; messages do not use it).
    pub w_token: Address,
    /// The committee that attests this chain's blocks.
    pub committee: Committee,
    /// The kind of light node of the relay chain the chain gets (ignored for the relay).
    pub light_node_kind: LightNodeKind,
    /// What sending from this chain costs, and what sending to it costs elsewhere.
    pub fees: Fees,
}

/// The light node a chain should verify the relay chain `relay` with: [`LightNodeKind::Map`] when
/// the relay's node serves `istanbul_getEpochInfo` (a chain sealed as MAP's: the seals can be
/// verified; the answer is null before the epoch's first block), [`LightNodeKind::Committee`] when
/// it does not know the method (or cannot be asked).
pub async fn relay_light_node_kind(relay: &dyn mos_rpc::Chain) -> LightNodeKind {
    match relay.request("istanbul_getEpochInfo", serde_json::json!([1])).await {
        Ok(_) => LightNodeKind::Map,
        Err(_) => LightNodeKind::Committee,
    }
}

/// Deploys the relay chain's suite with `sender` (its admin and owner from now on).
///
/// # Errors
/// [`DeployError::Step`] naming the transaction that failed, [`DeployError::MissingProgram`].
pub async fn deploy_relay(
    sender: &Sender,
    programs: &Programs,
    settings: &ChainSettings,
) -> Result<ChainEntry, DeployError> {
    let chain = Deployer::new(sender, &settings.name, programs);
    let implementation = chain.program(MOS_RELAY).await?;
    let (mos, deployed_block) = chain.proxy(implementation).await?;
    let fee_service = chain.owned_program(FEE_SERVICE).await?;
    let manager = chain.owned_program(LIGHT_CLIENT_MANAGER).await?;
    chain
        .call("initialize the MOS", mos, IMOSAdmin::initializeCall { wToken: settings.w_token, lightClient: manager })
        .await?;
    chain.call("set the MOS's fee service", mos, IMOSV3::setFeeServiceCall { feeServiceAddress: fee_service }).await?;
    chain
        .call("set the fee receiver", fee_service, IFeeService::setFeeReceiverCall { receiver: sender.address() })
        .await?;
    Ok(ChainEntry {
        name: settings.name.clone(),
        role: Role::Relay,
        chain_id: sender.chain_id(),
        rpc_url: settings.rpc_url.clone(),
        mos,
        implementation,
        light_client: manager,
        light_node_kind: LightNodeKind::Committee,
        fee_service,
        relay_light_node: None,
        deployed_block,
        committee: settings.committee.clone(),
    })
}

/// Deploys a chain's suite with `sender` and connects it to `deployment`: the relay learns the
/// chain (a light node for it, `registerChain`), and fees are priced both ways with every chain
/// already there. `others` sends on the chains already in the deployment (by chain id; the relay
/// at least), with their admin's key.
///
/// # Errors
/// [`DeployError::Deployment`] when the chain is already in the deployment or a sender of `others`
/// is missing; [`DeployError::Step`] naming the transaction that failed;
/// [`DeployError::MissingProgram`].
pub async fn add_chain(
    deployment: &Deployment,
    sender: &Sender,
    others: &BTreeMap<u64, Sender>,
    programs: &Programs,
    settings: &ChainSettings,
) -> Result<ChainEntry, DeployError> {
    let chain_id = sender.chain_id();
    if let Some(existing) = deployment.chain(chain_id).or_else(|| deployment.by_name(&settings.name)) {
        return Err(DeployError::Deployment(format!(
            "the deployment already has {} (chain id {}): use another deployment file, or remove it first",
            existing.name, existing.chain_id
        )));
    }
    let relay =
        deployment.relay().ok_or_else(|| DeployError::Deployment("the deployment has no relay chain yet".into()))?;
    let sender_on = |entry: &ChainEntry| {
        others.get(&entry.chain_id).ok_or_else(|| {
            DeployError::Deployment(format!("no account to configure {} (chain id {})", entry.name, entry.chain_id))
        })
    };
    let relay_chain = Deployer::new(sender_on(relay)?, &relay.name, programs);
    let chain = Deployer::new(sender, &settings.name, programs);

    let implementation = chain.program(MOS_DEST).await?;
    let (mos, deployed_block) = chain.proxy(implementation).await?;
    let fee_service = chain.owned_program(FEE_SERVICE).await?;
    chain
        .call("set the fee receiver", fee_service, IFeeService::setFeeReceiverCall { receiver: sender.address() })
        .await?;
    let light_node = match settings.light_node_kind {
        LightNodeKind::Committee => chain.light_node(relay.chain_id, &relay.committee).await?,
        LightNodeKind::Map => chain.map_light_node(relay_chain.sender.chain().as_ref(), &relay.name).await?,
    };
    chain
        .call(
            "initialize the MOS",
            mos,
            IMOSAdmin::initializeCall { wToken: settings.w_token, lightClient: light_node },
        )
        .await?;
    chain.call("set the MOS's fee service", mos, IMOSV3::setFeeServiceCall { feeServiceAddress: fee_service }).await?;
    let set_relay = IMOSV3::setRelayContractCall { chainId: U256::from(relay.chain_id), relay: relay.mos };
    chain.call("set the relay contract", mos, set_relay).await?;

    let relay_light_node = relay_chain.light_node(chain_id, &settings.committee).await?;
    let register =
        ILightClientManagerAdmin::registerLightNodeCall { chainId: U256::from(chain_id), lightNode: relay_light_node };
    relay_chain.call(format!("register the light node of chain {chain_id}"), relay.light_client, register).await?;
    let register = IMOSRelay::registerChainCall {
        chainId: U256::from(chain_id),
        mosAddress: Bytes::copy_from_slice(mos.as_slice()),
        chainType: ChainType::Evm as u8,
    };
    relay_chain.call(format!("register chain {chain_id}"), relay.mos, register).await?;

    for other in &deployment.chains {
        let there = Deployer::new(sender_on(other)?, &other.name, programs);
        chain.price(fee_service, other.chain_id, settings.fees).await?;
        there.price(other.fee_service, chain_id, settings.fees).await?;
    }
    Ok(ChainEntry {
        name: settings.name.clone(),
        role: Role::Chain,
        chain_id,
        rpc_url: settings.rpc_url.clone(),
        mos,
        implementation,
        light_client: light_node,
        light_node_kind: settings.light_node_kind,
        fee_service,
        relay_light_node: Some(relay_light_node),
        deployed_block,
        committee: settings.committee.clone(),
    })
}

/// Deploys programs and sends configuration on one chain, naming each step after the chain.
pub struct Deployer<'a> {
    sender: &'a Sender,
    name: &'a str,
    programs: &'a Programs,
}

impl<'a> Deployer<'a> {
    /// Deploys from `sender` on the chain named `name`, with the code of `programs`.
    pub fn new(sender: &'a Sender, name: &'a str, programs: &'a Programs) -> Self {
        Self { sender, name, programs }
    }

    /// Runs one step, its failure named `chain: what`.
    async fn step<T>(
        &self,
        what: impl Display,
        work: impl Future<Output = Result<T, ChainError>>,
    ) -> Result<T, DeployError> {
        tracing::info!(chain = self.name, "{what}");
        work.await.map_err(|source| DeployError::Step { step: format!("{}: {what}", self.name), source })
    }

    /// Sends `call` to `to`, which must succeed; `what` names the step.
    ///
    /// # Errors
    /// [`DeployError::Step`].
    pub async fn call<C: SolCall>(
        &self,
        what: impl Display,
        to: Address,
        call: C,
    ) -> Result<TransactionReceipt, DeployError> {
        self.step(what, self.sender.call(to, &call)).await
    }

    /// Creates a contract with `init_code` (EVM init code, or a program's deployment prelude);
    /// its address and block. `what` names the step.
    ///
    /// # Errors
    /// [`DeployError::Step`], [`DeployError::NoContract`].
    pub async fn create(&self, what: impl Display, init_code: Vec<u8>) -> Result<(Address, u64), DeployError> {
        let receipt = self.step(&what, self.sender.send(TxKind::Create, init_code.into(), U256::ZERO)).await?;
        let address = receipt
            .contract_address()
            .ok_or_else(|| DeployError::NoContract { step: format!("{}: {what}", self.name) })?;
        Ok((address, receipt.block_number.unwrap_or_default()))
    }

    /// Deploys and activates `package`.
    ///
    /// # Errors
    /// [`DeployError::MissingProgram`], [`DeployError::Step`], [`DeployError::NoContract`].
    pub async fn program(&self, package: &str) -> Result<Address, DeployError> {
        let init = stylus_wasm::deploy::init_code(self.programs.code(package)?);
        let (address, _) = self.create(format!("deploy {package}"), init).await?;
        self.step(format!("activate {package}"), activate(self.sender, address)).await?;
        Ok(address)
    }

    /// Deploys and activates `package`, its creation recording the deployer as its owner (in
    /// [`RECORDED_DEPLOYER_SLOT`]).
    ///
    /// # Errors
    /// [`DeployError::MissingProgram`], [`DeployError::Step`], [`DeployError::NoContract`].
    pub async fn owned_program(&self, package: &str) -> Result<Address, DeployError> {
        let code = self.programs.code(package)?;
        let init = stylus_wasm::deploy::init_code_recording_deployer(code, RECORDED_DEPLOYER_SLOT);
        let (address, _) = self.create(format!("deploy {package}"), init).await?;
        self.step(format!("activate {package}"), activate(self.sender, address)).await?;
        Ok(address)
    }

    /// The MOS proxy in front of `implementation`; its address and block.
    async fn proxy(&self, implementation: Address) -> Result<(Address, u64), DeployError> {
        self.create("deploy the MOS proxy", mos_proxy::init_code(implementation, self.sender.address())).await
    }

    /// A committee light node of `source_chain`, initialised with `committee`.
    async fn light_node(&self, source_chain: u64, committee: &Committee) -> Result<Address, DeployError> {
        let node = self.owned_program(LIGHT_NODE).await?;
        let initialize = ICommitteeLightNode::initializeCall {
            sourceChainId: U256::from(source_chain),
            members: committee.members.clone(),
            threshold: U256::from(committee.threshold),
        };
        self.call(format!("initialize the light node of chain {source_chain}"), node, initialize).await?;
        Ok(node)
    }

    /// A MAP light node of the relay chain `relay` (named `relay_name`), initialised with the
    /// validators of the epoch of the relay's head (`istanbul_getEpochInfo`): the relay's blocks
    /// from that epoch on are verifiable, later epochs once the messenger brings the node's
    /// epochs up to date.
    async fn map_light_node(&self, relay: &dyn mos_rpc::Chain, relay_name: &str) -> Result<Address, DeployError> {
        let step = format!("{relay_name}: read the validators of its current epoch");
        let failed = |source| DeployError::Relay { step: step.clone(), source };
        let head = relay.block_number().await.map_err(|source| failed(source.into()))?;
        let epoch_size = mos_prover::rpc::sealed::epoch_info(relay, 1).await.map_err(failed)?.epoch_size;
        let epoch = map_ibft::epoch_of(head, epoch_size).unwrap_or(1).max(1);
        let info = mos_prover::rpc::sealed::epoch_info(relay, epoch).await.map_err(failed)?;
        let node = self.owned_program(MAP_LIGHT_NODE).await?;
        let initialize = IMapLightNode::initializeCall {
            epoch: U256::from(info.epoch),
            epochSize: U256::from(info.epoch_size),
            validatorKeys: info.concatenated_keys(),
        };
        self.call(format!("initialize the MAP light node of {relay_name} at epoch {epoch}"), node, initialize).await?;
        Ok(node)
    }

    /// Prices messages to `to_chain` in the fee service, in native value.
    async fn price(&self, fee_service: Address, to_chain: u64, fees: Fees) -> Result<(), DeployError> {
        let base = IFeeService::setBaseGasCall { chainId: U256::from(to_chain), baseLimit: U256::from(fees.base_gas) };
        self.call(format!("set the base gas to chain {to_chain}"), fee_service, base).await?;
        let price = IFeeService::setChainGasPriceCall {
            chainId: U256::from(to_chain),
            token: Address::ZERO,
            chainPrice: fees.gas_price,
        };
        self.call(format!("set the gas price to chain {to_chain}"), fee_service, price).await?;
        Ok(())
    }
}

/// Activates the program at `program`, paying the data fee the chain asks for (with a quarter
/// more: the excess is refunded). Code already activated is left as it is.
///
/// # Errors
/// As [`Sender::send`]; [`ChainError::Revert`] when the chain refuses the program.
pub async fn activate(sender: &Sender, program: Address) -> Result<(), ChainError> {
    let call: Bytes = ArbWasm::activateProgramCall { program }.abi_encode().into();
    // Simulated without value, activation answers the fee it wants.
    let value = match sender.sign(TxKind::Call(ARB_WASM), call.clone(), U256::ZERO).await {
        Ok(_) => U256::ZERO,
        Err(ChainError::Revert { data, .. }) if data.as_ref() == ArbWasm::ProgramUpToDate::SELECTOR => return Ok(()),
        Err(ChainError::Revert { data, reason }) => match ArbWasm::ProgramInsufficientValue::abi_decode(&data) {
            Ok(fee) => fee.want + fee.want / U256::from(4),
            Err(_) => return Err(ChainError::Revert { data, reason }),
        },
        Err(other) => return Err(other),
    };
    sender.send(TxKind::Call(ARB_WASM), call, value).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_read_from_the_hex_files_make_wasm_writes() {
        let dir = std::env::temp_dir().join(format!("mos-programs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("fee-service.code.hex"), "0xeff00000\n").unwrap();
        std::fs::write(dir.join("mos-dest.code.hex"), "not hex").unwrap();
        let programs = Programs::load_dir(&dir, &[FEE_SERVICE]).unwrap();
        assert_eq!(programs.code(FEE_SERVICE).unwrap(), [0xef, 0xf0, 0x00, 0x00]);
        assert_eq!(
            programs.code(MOS_RELAY).unwrap_err().to_string(),
            "no code for mos-relay: not among the programs loaded"
        );
        let error = Programs::load_dir(&dir, &[MOS_DEST]).unwrap_err().to_string();
        assert!(error.starts_with("no code for mos-dest: ") && error.contains("not hex"), "{error}");
        let error = Programs::load_dir(&dir, &[LIGHT_NODE]).unwrap_err().to_string();
        assert!(error.ends_with("(build it with `make wasm`)"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
