//! `mos deploy`: the MOS suite deployed on a chain over JSON-RPC, recorded in a deployment file.
//!
//! `--role relay` starts a deployment: the relay chain's MOS, fee service and light-client manager.
//! `--role chain` adds a chain to it: the chain's MOS, fee service and light node of the relay
//! chain, the chain's light node on the relay, the registrations, and fees both ways with every
//! chain already there. The key must be the admin of every chain of the deployment: it sends on
//! the relay and on the other chains too.

use std::{collections::BTreeMap, path::PathBuf};

use alloy_primitives::{Address, U256};
use alloy_signer_local::PrivateKeySigner;
use mos_messenger::{
    deploy::{self, ChainSettings, Fees, Programs, SUITE},
    ChainEntry, Committee, Deployment, LightNodeKind, Role,
};
use serde_json::json;

use crate::{rpc, CliError, Report};

/// The environment variable that can hold the deployer's key instead of `--key`.
const KEY_ENV: &str = "MOS_DEPLOY_KEY";

/// Where `make wasm` writes the programs.
pub const DEFAULT_PROGRAMS: &str = "target/stylus/programs";

/// Arguments of `mos deploy`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The deployment file: created by `--role relay`, extended by `--role chain`.
    #[arg(long, value_name = "FILE", default_value = "deployment.json")]
    pub deployment: PathBuf,
    /// What to deploy: the relay chain's suite, or a chain connected to it.
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// JSON-RPC endpoint (http://) of the chain to deploy on; recorded for the messenger.
    #[arg(long, value_name = "URL")]
    pub rpc: String,
    /// The deployer's private key, hex (or set MOS_DEPLOY_KEY): the admin and owner of everything
    /// deployed, and of every chain already in the deployment.
    #[arg(long, value_name = "HEX", env = KEY_ENV, hide_env_values = true)]
    pub key: Option<String>,
    /// The chain's name in the deployment [default: relay, or chain-<chain id>].
    #[arg(long)]
    pub name: Option<String>,
    /// The directory of the programs' `<package>.code.hex` (what `make wasm` builds).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_PROGRAMS)]
    pub programs: PathBuf,
    /// A member of the committee that attests this chain's blocks; repeat for each [default: the
    /// deployer].
    #[arg(long = "committee", value_name = "ADDRESS", value_delimiter = ',')]
    pub committee: Vec<Address>,
    /// The light node of the relay chain a chain verifies with: `committee` (the relay's committee
    /// attests its blocks) or `map` (verifies the relay validators' IBFT seals) [default: map when
    /// the relay's node answers `istanbul_getEpochInfo`, else committee].
    #[arg(long, value_name = "KIND")]
    pub light_node: Option<LightNodeKind>,
    /// How many committee members must sign [default: a majority].
    #[arg(long)]
    pub threshold: Option<u64>,
    /// The wrapped native token `initialize` records (MOS V3 keeps it; messages do not use it).
    #[arg(
        long,
        value_name = "ADDRESS",
        default_value = "0x00000000000000000000000000000000000000ee",
        value_parser = crate::input::address
    )]
    pub w_token: Address,
    /// Gas charged on top of a message's gas limit, between this chain and the others.
    #[arg(long, default_value_t = Fees::default().base_gas)]
    pub base_gas: u64,
    /// Gas price of messages between this chain and the others, in wei of the sending chain.
    #[arg(long, value_name = "WEI", default_value_t = Fees::default().gas_price)]
    pub gas_price: U256,
}

/// `--role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// The relay chain.
    Relay,
    /// A chain connected to the relay.
    Chain,
}

/// Deploys, writes the deployment file, and describes what was deployed.
///
/// # Errors
/// [`CliError::Key`], [`CliError::Endpoint`], [`CliError::Usage`] for a committee or threshold that
/// cannot work; [`CliError::Deployment`] when the file cannot be read or written or does not fit
/// the role (no relay yet, or one already); [`CliError::Deploy`] naming the step that failed.
pub fn run(args: &Args) -> Result<Report, CliError> {
    let key = given_key(args.key.as_deref(), KEY_ENV)?;
    let target = rpc::node("--rpc", &args.rpc)?;
    let committee = committee(&args.committee, args.threshold, key.address())?;
    let existing = if args.deployment.exists() { Some(Deployment::load(&args.deployment)?) } else { None };
    let programs = Programs::load_dir(&args.programs, &SUITE)?;
    let entry = rpc::block_on(async {
        let sender = rpc::sender("--rpc", target, key.clone()).await?;
        let name = args.name.clone().unwrap_or_else(|| match args.role {
            RoleArg::Relay => "relay".into(),
            RoleArg::Chain => format!("chain-{}", sender.chain_id()),
        });
        let light_node_kind = match (args.light_node, existing.as_ref().and_then(Deployment::relay)) {
            (Some(kind), _) => kind,
            (None, Some(relay)) => {
                deploy::relay_light_node_kind(&rpc::node("the deployment's relay rpcUrl", &relay.rpc_url)?).await
            }
            (None, None) => LightNodeKind::Committee,
        };
        let settings = ChainSettings {
            name,
            rpc_url: args.rpc.clone(),
            w_token: args.w_token,
            committee,
            light_node_kind,
            fees: Fees { base_gas: args.base_gas, gas_price: args.gas_price },
        };
        match (args.role, &existing) {
            (RoleArg::Relay, None) => Ok((deploy::deploy_relay(&sender, &programs, &settings).await?, None)),
            (RoleArg::Relay, Some(_)) => Err(CliError::Usage(
                "the deployment file exists: a relay starts a new deployment (give another --deployment)",
            )),
            (RoleArg::Chain, None) => {
                Err(CliError::Usage("no deployment file yet: deploy the relay chain first (--role relay)"))
            }
            (RoleArg::Chain, Some(deployment)) => {
                let mut others = BTreeMap::new();
                for chain in &deployment.chains {
                    let there = rpc::node("the deployment's rpcUrl", &chain.rpc_url)?;
                    others.insert(chain.chain_id, rpc::sender("the deployment's rpcUrl", there, key.clone()).await?);
                }
                let entry = deploy::add_chain(deployment, &sender, &others, &programs, &settings).await?;
                Ok((entry, Some(deployment.clone())))
            }
        }
    })?;
    let (entry, existing) = entry;
    let deployment = match existing {
        Some(mut deployment) => {
            deployment.chains.push(entry.clone());
            deployment
        }
        None => Deployment::new(entry.clone()),
    };
    deployment.save(&args.deployment)?;
    Ok(report(&entry, &args.deployment))
}

/// What was deployed, as the report shows it.
fn report(entry: &ChainEntry, file: &std::path::Path) -> Report {
    let light_client = match entry.role {
        Role::Relay => "lightClientManager",
        Role::Chain => "lightNode",
    };
    let mut json = json!({
        "name": entry.name,
        "role": entry.role,
        "chainId": entry.chain_id,
        "mos": entry.mos.to_string(),
        "implementation": entry.implementation.to_string(),
        light_client: entry.light_client.to_string(),
        "feeService": entry.fee_service.to_string(),
        "lightNodeKind": entry.light_node_kind,
        "deployedBlock": entry.deployed_block,
        "committee": entry.committee.members.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "threshold": entry.committee.threshold,
        "deployment": file.display().to_string(),
    });
    if let Some(node) = entry.relay_light_node {
        json["relayLightNode"] = json!(node.to_string());
    }
    Report::new(json)
}

/// The committee: the members given (or the deployer alone) and the threshold (or a majority).
fn committee(members: &[Address], threshold: Option<u64>, deployer: Address) -> Result<Committee, CliError> {
    let members = if members.is_empty() { vec![deployer] } else { members.to_vec() };
    if members.iter().enumerate().any(|(i, member)| members[..i].contains(member)) {
        return Err(CliError::Usage("--committee lists a member twice"));
    }
    let threshold = threshold.unwrap_or(members.len() as u64 / 2 + 1);
    if threshold == 0 || threshold > members.len() as u64 {
        return Err(CliError::Usage("--threshold must be between 1 and the number of committee members"));
    }
    Ok(Committee { members, threshold })
}

/// A private key given on the command line or in the environment (hex, with or without 0x); the
/// `deploy`, `messenger`, `attest` and `send` commands read their keys with it.
///
/// # Errors
/// [`CliError::Key`] naming `what`, never the text given (which may be most of a key).
pub fn parse_key(key: &str, what: &str) -> Result<PrivateKeySigner, CliError> {
    key.trim().parse().map_err(|_| CliError::Key(what.to_string()))
}

/// The key given with `--key`, or else in the environment variable `env`.
///
/// # Errors
/// [`CliError::NoKey`] naming both when neither holds one, [`CliError::Key`] as [`parse_key`].
pub fn given_key(key: Option<&str>, env: &'static str) -> Result<PrivateKeySigner, CliError> {
    let key = key.ok_or(CliError::NoKey { env })?;
    parse_key(key, &format!("--key / {env}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committee_defaults_to_the_deployer_and_a_majority() {
        let deployer = Address::repeat_byte(1);
        assert_eq!(committee(&[], None, deployer).unwrap(), Committee { members: vec![deployer], threshold: 1 });
        let three = [Address::repeat_byte(2), Address::repeat_byte(3), Address::repeat_byte(4)];
        assert_eq!(committee(&three, None, deployer).unwrap().threshold, 2);
        assert_eq!(committee(&three, Some(3), deployer).unwrap().threshold, 3);
        assert!(committee(&three, Some(4), deployer).is_err());
        assert!(committee(&three, Some(0), deployer).is_err());
        assert!(committee(&[three[0], three[0]], None, deployer).is_err());
    }
}
