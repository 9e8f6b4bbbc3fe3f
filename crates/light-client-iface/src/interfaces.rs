//! The light-client interfaces: the one definition every crate uses, read by `sol!` from the
//! Solidity files in `sol/` (shipped to dApp developers in `abi/`), so selectors, topics and
//! encodings are never typed twice.
//!
//! - [`ILightNode`] and [`ILightClientManager`]: what the MOS calls (MAP Protocol's interfaces).
//! - [`ICommitteeLightNode`]: the committee light node's deployment, committee and attestations,
//!   with the EIP-712 structs it verifies ([`HeaderAttestation`], [`CommitteeRotation`]) and the
//!   arguments of `updateBlockHeader` / `updateLightClient` ([`SignedHeader`], [`SignedRotation`]).
//! - [`ILightClientManagerAdmin`]: the manager's registry of light nodes.

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
