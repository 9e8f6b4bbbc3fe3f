//! The revert reasons of `initialize`, `updateBlockHeader` and `updateLightClient`, carried as
//! Solidity's `Error(string)`.

/// `initialize` by anyone but the account that deployed the program.
pub const ONLY_DEPLOYER: &str = "LightNode: only deployer";
/// `initialize` a second time.
pub const ALREADY_INITIALIZED: &str = "LightNode: already initialized";
/// `initialize` with a source chain id of 0 or above 2^64 - 1.
pub const INVALID_CHAIN_ID: &str = "LightNode: invalid chain id";
/// An update before `initialize`.
pub const NOT_INITIALIZED: &str = "LightNode: not initialized";
/// An update whose bytes are not `abi.encode(SignedHeader)` / `abi.encode(SignedRotation)` (or a
/// block number above 2^64 - 1).
pub const MALFORMED: &str = "LightNode: malformed attestation";
/// An attestation or rotation for another chain than the source chain.
pub const WRONG_CHAIN_ID: &str = "LightNode: wrong chain id";
/// An attestation not of the current epoch, or a rotation not to the next one.
pub const WRONG_EPOCH: &str = "LightNode: wrong epoch";
/// An attestation of the zero hash.
pub const ZERO_BLOCK_HASH: &str = "LightNode: zero block hash";
/// Signatures whose length is not a multiple of 65 bytes.
pub const SIGNATURES_LENGTH: &str = "LightNode: signatures length not a multiple of 65";
/// A signature whose `s` is in the upper half of the curve order (EIP-2).
pub const HIGH_S: &str = "LightNode: signature s too high";
/// A signature whose `v` is neither 27 nor 28.
pub const BAD_V: &str = "LightNode: signature v not 27 or 28";
/// A signature from which ecrecover recovers no signer.
pub const INVALID_SIGNATURE: &str = "LightNode: invalid signature";
/// A signer that is not a member of the current committee.
pub const UNKNOWN_SIGNER: &str = "LightNode: unknown signer";
/// Two signatures of the same member.
pub const DUPLICATE_SIGNER: &str = "LightNode: duplicate signer";
/// Fewer valid signatures than the threshold.
pub const NOT_ENOUGH_SIGNATURES: &str = "LightNode: not enough signatures";
/// A committee without members.
pub const EMPTY_COMMITTEE: &str = "LightNode: empty committee";
/// A committee of more than 32 members.
pub const COMMITTEE_TOO_LARGE: &str = "LightNode: committee too large";
/// A committee with the zero address.
pub const ZERO_MEMBER: &str = "LightNode: zero member";
/// A committee with a member twice.
pub const DUPLICATE_MEMBER: &str = "LightNode: duplicate member";
/// A threshold of 0 or above the committee's size.
pub const INVALID_THRESHOLD: &str = "LightNode: invalid threshold";
