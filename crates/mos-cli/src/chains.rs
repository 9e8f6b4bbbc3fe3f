//! The MOS a command talks to, as its command line names it: `--rpc URL --mos ADDRESS`, or the
//! chains of a deployment file (`--deployment FILE`, all of them or one by name).

use std::path::Path;

use alloy_primitives::Address;
use mos_messenger::{Chain, ChainEntry, Deployment, MessengerError, Node};

use crate::{rpc::node, CliError};

/// `--rpc URL --mos ADDRESS`: one MOS named on the command line, instead of the command's
/// `--deployment` file (a command that flattens these options has one).
#[derive(Debug, clap::Args)]
pub struct MosArgs {
    /// JSON-RPC endpoint (http://) of the MOS's chain (with --mos), instead of --deployment.
    #[arg(
        long,
        value_name = "URL",
        requires = "mos",
        conflicts_with = "deployment",
        required_unless_present = "deployment"
    )]
    pub rpc: Option<String>,
    /// The MOS: the address dApps call (with --rpc).
    #[arg(long, value_name = "ADDRESS", requires = "rpc", value_parser = crate::input::address)]
    pub mos: Option<Address>,
}

impl MosArgs {
    /// The MOS the options name, if they do (if not, the command reads its deployment file).
    ///
    /// # Errors
    /// [`CliError::Endpoint`] when `--rpc` is not an `http://` or `https://` URL.
    pub fn spec(&self) -> Result<Option<MosSpec>, CliError> {
        self.rpc.as_deref().zip(self.mos).map(|(rpc, mos)| MosSpec::given(rpc, mos)).transpose()
    }
}

/// A MOS to connect to: its chain's node, and what the deployment file says of it.
#[derive(Debug, Clone)]
pub struct MosSpec {
    /// The deployment's name for the chain (none for `--rpc`).
    name: Option<String>,
    /// The chain's node (nothing asked yet).
    node: Node,
    /// The MOS address dApps call.
    pub mos: Address,
    /// The chain id the deployment records (the node must serve it).
    pub chain_id: Option<u64>,
}

/// A MOS and its chain's node, connected.
#[derive(Debug, Clone)]
pub struct MosChain {
    /// The deployment's name for the chain, or `chain-<chain id>`.
    pub name: String,
    /// The chain's node.
    pub node: Node,
    /// The MOS address dApps call.
    pub mos: Address,
}

impl MosSpec {
    /// The MOS at `mos` on the node `--rpc` names.
    ///
    /// # Errors
    /// [`CliError::Endpoint`] when `rpc_url` is not an `http://` or `https://` URL.
    pub fn given(rpc_url: &str, mos: Address) -> Result<Self, CliError> {
        Ok(Self { name: None, node: node("--rpc", rpc_url)?, mos, chain_id: None })
    }

    /// The MOS of a deployment's chain.
    ///
    /// # Errors
    /// [`CliError::Endpoint`] when the chain's `rpcUrl` is not an `http://` or `https://` URL.
    pub fn of(entry: &ChainEntry) -> Result<Self, CliError> {
        Ok(Self {
            name: Some(entry.name.clone()),
            node: node("the deployment's rpcUrl", &entry.rpc_url)?,
            mos: entry.mos,
            chain_id: Some(entry.chain_id),
        })
    }

    /// The chain called `name` in the deployment file at `path`.
    ///
    /// # Errors
    /// [`CliError::Deployment`] when the file cannot be read or is not a usable deployment,
    /// [`CliError::NoSuchChain`] when it has no chain of that name, [`CliError::Endpoint`] when
    /// its `rpcUrl` is not an `http://` or `https://` URL.
    pub fn named(path: &Path, name: &str) -> Result<Self, CliError> {
        let deployment = Deployment::load(path)?;
        let entry = deployment.by_name(name).ok_or_else(|| CliError::NoSuchChain {
            name: name.to_owned(),
            known: deployment.chains.iter().map(|chain| chain.name.as_str()).collect::<Vec<_>>().join(", "),
        })?;
        Self::of(entry)
    }

    /// A name for people before the chain id is known: the deployment's, or the URL.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.node.url())
    }

    /// Reads the node's chain id, which must be the deployment's.
    ///
    /// # Errors
    /// When the node does not answer, [`CliError::Messenger`] ([`MessengerError::Connect`]) for a
    /// deployment's chain and [`CliError::Chain`] for `--rpc`; [`CliError::Messenger`]
    /// ([`MessengerError::WrongChain`]) when it serves another chain than the deployment says.
    pub async fn connect(&self) -> Result<MosChain, CliError> {
        let url = self.node.url().to_owned();
        let chain_id = self.node.chain_id().await.map_err(|source| match &self.name {
            Some(name) => MessengerError::Connect { chain: name.clone(), url: url.clone(), source }.into(),
            None => CliError::Chain { what: url.clone(), source },
        })?;
        if let Some(expected) = self.chain_id.filter(|&expected| expected != chain_id) {
            let chain = self.label().to_owned();
            return Err(MessengerError::WrongChain { chain, url, expected, actual: chain_id }.into());
        }
        Ok(MosChain {
            name: self.name.clone().unwrap_or_else(|| format!("chain-{chain_id}")),
            node: self.node.clone(),
            mos: self.mos,
        })
    }
}
