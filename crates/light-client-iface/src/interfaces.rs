//! The light-client interfaces: the one definition every crate uses, read by `sol!` from the
//! Solidity files in `sol/` (shipped to dApp developers in `abi/`), so selectors, topics and
//! encodings are never typed twice.
//!
//! - [`ILightNode`] and [`ILightClientManager`]: what the MOS calls (MAP Protocol's interfaces).
//! - [`ICommitteeLightNode`]: the committee light node's deployment, committee and attestations,
//!   with the EIP-712 structs it verifies ([`HeaderAttestation`], [`CommitteeRotation`]) and the
//!   arguments of `updateBlockHeader` / `updateLightClient` ([`SignedHeader`], [`SignedRotation`]).
//! - [`ILightClientManagerAdmin`]: the manager's registry of light nodes.
//! - [`IMapLightNode`]: the light node of the MAP relay chain's consensus (`mos-map-light-node`).

#![allow(missing_docs)] // the `sol!` expansion documents what it generates from the NatSpec comments

use alloy_sol_types::sol;

sol!(
    #[sol(all_derives)]
    "sol/ILightNode.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/ILightClientManager.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/ICommitteeLightNode.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/ILightClientManagerAdmin.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/IMapLightNode.sol"
);

/// The Solidity sources above, as they are: what `abi/` ships and what each light-client
/// program's `cargo stylus export-abi` prints.
#[allow(non_upper_case_globals)] // each is named as the interface it holds
pub mod solidity {
    /// `sol/ILightNode.sol`.
    pub const ILightNode: &str = include_str!("../sol/ILightNode.sol");
    /// `sol/ILightClientManager.sol`.
    pub const ILightClientManager: &str = include_str!("../sol/ILightClientManager.sol");
    /// `sol/ICommitteeLightNode.sol`.
    pub const ICommitteeLightNode: &str = include_str!("../sol/ICommitteeLightNode.sol");
    /// `sol/ILightClientManagerAdmin.sol`.
    pub const ILightClientManagerAdmin: &str = include_str!("../sol/ILightClientManagerAdmin.sol");
    /// `sol/IMapLightNode.sol`.
    pub const IMapLightNode: &str = include_str!("../sol/IMapLightNode.sol");
}
