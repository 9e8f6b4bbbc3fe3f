//! The deployment description: which chains, where their nodes are, where the MOS and its light
//! clients live. `mos deploy` writes it, the messenger reads it.
//!
//! ```json
//! {
//!   "relayChainId": 22776,
//!   "chains": [
//!     { "name": "relay", "role": "relay", "chainId": 22776, "rpcUrl": "http://127.0.0.1:8547",
//!       "mos": "0x…", "implementation": "0x…", "lightClient": "0x… (the light-client manager)",
//!       "feeService": "0x…", "relayLightNode": null, "deployedBlock": 3,
//!       "committee": { "members": ["0x…"], "threshold": 1 } },
//!     { "name": "chain-a", "role": "chain", "chainId": 412346, "rpcUrl": "http://127.0.0.1:8548",
//!       "mos": "0x…", "implementation": "0x…", "lightClient": "0x… (its light node of the relay chain)",
//!       "lightNodeKind": "committee (attested by the relay's committee) or map (verifies the relay's seals)",
//!       "feeService": "0x…", "relayLightNode": "0x… (on the relay: the light node of chain-a)",
//!       "deployedBlock": 5, "committee": { "members": ["0x…"], "threshold": 1 } }
//!   ]
//! }
//! ```

use std::path::Path;

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use crate::file::{self, FileError};

/// What a chain's MOS is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A chain that sends to and receives from the relay chain (`mos-dest`, a light node of the
    /// relay chain).
    Chain,
    /// The relay chain (`mos-relay`, the light-client manager with a light node per chain).
    Relay,
}

/// What kind of light node of the relay chain a chain's MOS verifies with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LightNodeKind {
    /// `mos-light-node`: holds the block hashes the relay's committee attests.
    #[default]
    Committee,
    /// `mos-map-light-node`: follows the relay chain's validators epoch by epoch and verifies each
    /// block's IBFT seal (a relay chain sealed as MAP's, such as `mos devnet --validators`).
    Map,
}

impl std::str::FromStr for LightNodeKind {
    type Err = String;

    /// `committee` or `map`.
    ///
    /// # Errors
    /// A message naming both, for anything else.
    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "committee" => Ok(Self::Committee),
            "map" => Ok(Self::Map),
            other => Err(format!("`{other}` is not a kind of light node: `committee` or `map`")),
        }
    }
}

/// A committee: who attests a chain's blocks, and how many of them must sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committee {
    /// The members' addresses.
    pub members: Vec<Address>,
    /// How many members must sign an attestation.
    pub threshold: u64,
}

/// One chain of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainEntry {
    /// A name for people and logs (`chain-a`, `relay`).
    pub name: String,
    /// What its MOS is.
    pub role: Role,
    /// Its EIP-155 chain id.
    pub chain_id: u64,
    /// Its JSON-RPC endpoint (`http://`).
    pub rpc_url: String,
    /// The MOS address dApps call: the proxy.
    pub mos: Address,
    /// The MOS program behind the proxy.
    pub implementation: Address,
    /// What the MOS verifies proofs with: on a chain its light node of the relay chain, on the
    /// relay the light-client manager.
    pub light_client: Address,
    /// On a chain, the kind of its light node of the relay chain (`committee` when absent).
    #[serde(default)]
    pub light_node_kind: LightNodeKind,
    /// The fee service.
    pub fee_service: Address,
    /// On the relay chain, the light node that verifies this chain's blocks (for the relay itself,
    /// none).
    pub relay_light_node: Option<Address>,
    /// The block the MOS was deployed in: where the messenger starts reading its logs.
    pub deployed_block: u64,
    /// The committee that attests this chain's blocks to the light nodes that verify them.
    pub committee: Committee,
}

/// A whole deployment: the relay chain and the chains connected to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The relay chain's id.
    pub relay_chain_id: u64,
    /// Every chain, the relay included.
    pub chains: Vec<ChainEntry>,
}

/// Why a deployment description is not usable.
#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    /// The file could not be read or written, or is not a deployment's JSON.
    #[error(transparent)]
    File(#[from] FileError),
    /// The relay chain is missing, or is listed with the wrong role.
    #[error("the deployment has no relay chain {0} (a chain with role \"relay\" and that chain id)")]
    NoRelay(u64),
    /// Two entries have the same chain id or the same name.
    #[error("the deployment lists {0} twice")]
    Duplicate(String),
    /// A chain other than the relay has the relay role, or a chain lacks its light node on the relay.
    #[error("{0}")]
    Inconsistent(String),
}

impl Deployment {
    /// A deployment holding only the relay chain.
    pub fn new(relay: ChainEntry) -> Self {
        Self { relay_chain_id: relay.chain_id, chains: vec![relay] }
    }

    /// Reads and checks a deployment file.
    ///
    /// # Errors
    /// [`DeploymentError::File`] when it cannot be read or parsed, else as [`Deployment::check`].
    pub fn load(path: &Path) -> Result<Self, DeploymentError> {
        let deployment: Self = file::read_json(path)?;
        deployment.check()?;
        Ok(deployment)
    }

    /// Writes the deployment to `path`, atomically (a reader sees the old file or the new one).
    ///
    /// # Errors
    /// [`DeploymentError::File`] when it cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), DeploymentError> {
        Ok(file::write_json(path, self)?)
    }

    /// Checks that the description is one the messenger can serve: exactly one relay chain (the
    /// one `relay_chain_id` names), unique chain ids and names, a relay light node for every other
    /// chain.
    ///
    /// # Errors
    /// [`DeploymentError::NoRelay`], [`DeploymentError::Duplicate`], [`DeploymentError::Inconsistent`].
    pub fn check(&self) -> Result<(), DeploymentError> {
        self.relay().ok_or(DeploymentError::NoRelay(self.relay_chain_id))?;
        for (index, chain) in self.chains.iter().enumerate() {
            let earlier = &self.chains[..index];
            if earlier.iter().any(|other| other.chain_id == chain.chain_id) {
                return Err(DeploymentError::Duplicate(format!("chain id {}", chain.chain_id)));
            }
            if earlier.iter().any(|other| other.name == chain.name) {
                return Err(DeploymentError::Duplicate(format!("the name {}", chain.name)));
            }
            let is_relay = chain.chain_id == self.relay_chain_id;
            if is_relay != (chain.role == Role::Relay) {
                return Err(DeploymentError::Inconsistent(format!(
                    "{} (chain id {}) has role {:?} but the relay chain is {}",
                    chain.name, chain.chain_id, chain.role, self.relay_chain_id
                )));
            }
            if !is_relay && chain.relay_light_node.is_none() {
                return Err(DeploymentError::Inconsistent(format!(
                    "{} has no light node on the relay chain (relayLightNode)",
                    chain.name
                )));
            }
        }
        Ok(())
    }

    /// The relay chain's entry.
    pub fn relay(&self) -> Option<&ChainEntry> {
        self.chains.iter().find(|chain| chain.chain_id == self.relay_chain_id && chain.role == Role::Relay)
    }

    /// The chain with id `chain_id`.
    pub fn chain(&self, chain_id: u64) -> Option<&ChainEntry> {
        self.chains.iter().find(|chain| chain.chain_id == chain_id)
    }

    /// The chain named `name`.
    pub fn by_name(&self, name: &str) -> Option<&ChainEntry> {
        self.chains.iter().find(|chain| chain.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, role: Role, chain_id: u64) -> ChainEntry {
        ChainEntry {
            name: name.into(),
            role,
            chain_id,
            rpc_url: "http://127.0.0.1:8547".into(),
            mos: Address::repeat_byte(1),
            implementation: Address::repeat_byte(2),
            light_client: Address::repeat_byte(3),
            light_node_kind: LightNodeKind::Committee,
            fee_service: Address::repeat_byte(4),
            relay_light_node: (role == Role::Chain).then(|| Address::repeat_byte(5)),
            deployed_block: 7,
            committee: Committee { members: vec![Address::repeat_byte(6)], threshold: 1 },
        }
    }

    #[test]
    fn a_relay_and_its_chains_pass_and_are_found_by_id_and_name() {
        let mut deployment = Deployment::new(entry("relay", Role::Relay, 22_776));
        deployment.chains.push(entry("chain-a", Role::Chain, 1));
        deployment.check().unwrap();
        assert_eq!(deployment.relay().unwrap().name, "relay");
        assert_eq!(deployment.chain(1).unwrap().name, "chain-a");
        assert_eq!(deployment.by_name("chain-a").unwrap().chain_id, 1);
    }

    #[test]
    fn a_deployment_round_trips_through_its_file() {
        let mut deployment = Deployment::new(entry("relay", Role::Relay, 22_776));
        deployment.chains.push(entry("chain-a", Role::Chain, 1));
        let path = std::env::temp_dir().join(format!("mos-deployment-{}.json", std::process::id()));
        deployment.save(&path).unwrap();
        assert_eq!(Deployment::load(&path).unwrap(), deployment);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"role\": \"relay\""), "{text}");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn inconsistent_deployments_are_refused_with_what_is_wrong() {
        let relay = entry("relay", Role::Relay, 22_776);
        let no_relay = Deployment { relay_chain_id: 9, chains: vec![relay.clone()] };
        assert_eq!(
            no_relay.check().unwrap_err().to_string(),
            "the deployment has no relay chain 9 (a chain with role \"relay\" and that chain id)"
        );
        let mut twice = Deployment::new(relay.clone());
        twice.chains.push(entry("chain-a", Role::Chain, 22_776));
        assert_eq!(twice.check().unwrap_err().to_string(), "the deployment lists chain id 22776 twice");
        let mut named_twice = Deployment::new(relay.clone());
        named_twice.chains.push(entry("relay", Role::Chain, 1));
        assert_eq!(named_twice.check().unwrap_err().to_string(), "the deployment lists the name relay twice");
        let mut unproven = Deployment::new(relay);
        let mut chain = entry("chain-a", Role::Chain, 1);
        chain.relay_light_node = None;
        unproven.chains.push(chain);
        assert_eq!(
            unproven.check().unwrap_err().to_string(),
            "chain-a has no light node on the relay chain (relayLightNode)"
        );
    }
}
