//! The revert reasons of `initialize` and `updateBlockHeader`, carried as Solidity's
//! `Error(string)`; a seal refused reverts with `LightNode: ` and [`map_ibft::SealError`]'s words.

/// `initialize` by anyone but the account that deployed the program.
pub const ONLY_DEPLOYER: &str = "LightNode: only deployer";
/// `initialize` a second time.
pub const ALREADY_INITIALIZED: &str = "LightNode: already initialized";
/// `initialize` with an epoch or an epoch size of 0 or above 2^64 - 1.
pub const INVALID_EPOCH: &str = "LightNode: invalid epoch or epoch size";
/// `initialize` with keys whose length is not a multiple of 64 bytes, none, or more than
/// [`crate::storage::MAX_VALIDATORS`].
pub const INVALID_VALIDATORS: &str = "LightNode: invalid validator keys";
/// A validator key that is not a point of G1 (at `initialize`, or added by an epoch update).
pub const INVALID_KEY: &str = "LightNode: validator key not a point of G1";
/// An update before `initialize`.
pub const NOT_INITIALIZED: &str = "LightNode: not initialized";
/// An update whose bytes are not `[header, aggregatedKey]`, or whose header is not an Atlas
/// header.
pub const MALFORMED: &str = "LightNode: malformed header";
/// An update with a block that is not an epoch's last.
pub const NOT_EPOCH_END: &str = "LightNode: not the last block of an epoch";
/// An update for an epoch the node holds the next one of already (a replayed update).
pub const EPOCH_HELD: &str = "LightNode: epoch already updated";
/// An update for an epoch after the current one (an epoch skipped).
pub const EPOCH_SKIPPED: &str = "LightNode: epoch skipped";
/// An update whose validator change is not one of the current set (a removal beyond it), or
/// leaves no validator or more than [`crate::storage::MAX_VALIDATORS`].
pub const INVALID_CHANGE: &str = "LightNode: invalid validator change";
/// `updateLightClient`: the validators change through `updateBlockHeader` only.
pub const NO_LIGHT_CLIENT_UPDATE: &str = "LightNode: validators change through updateBlockHeader";
