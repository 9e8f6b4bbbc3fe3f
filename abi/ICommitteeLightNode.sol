// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// What a committee signs that a block of the source chain has `blockHash` (EIP-712 typed data;
// the domain is `ICommitteeLightNode.domainSeparator()`). `epoch` is the committee's: signatures of
// an earlier committee never count again.
struct HeaderAttestation {
    uint256 chainId;
    uint256 blockNumber;
    bytes32 blockHash;
    uint256 epoch;
}

// What the current committee (of `epoch - 1`) signs to hand over to `members` with `threshold`.
struct CommitteeRotation {
    uint256 chainId;
    uint256 epoch;
    address[] members;
    uint256 threshold;
}

// `updateBlockHeader`'s argument: `abi.encode(SignedHeader)`. `signatures` is 65-byte `r ‖ s ‖ v`
// signatures (v 27 or 28, s in the lower half order) concatenated, one per distinct member.
struct SignedHeader {
    HeaderAttestation attestation;
    bytes signatures;
}

// `updateLightClient`'s argument: `abi.encode(SignedRotation)`, signed as `SignedHeader`.
struct SignedRotation {
    CommitteeRotation rotation;
    bytes signatures;
}

// The committee ("oracle", nodeType 3) light node: a committee of the source chain attests block
// hashes; receipts are proven against them by header RLP and Merkle-Patricia proof. Beyond
// `ILightNode`: deployment, the committee and the attested hashes.
interface ICommitteeLightNode {
    /// A block's hash was attested.
    event HeaderAttested(uint256 indexed blockNumber, bytes32 blockHash);
    /// A threshold of the committee signed a different hash for a block already attested: the
    /// stored hash stays, and this is the evidence of the equivocation.
    event ConflictingAttestation(uint256 indexed blockNumber, bytes32 attestedHash, bytes32 conflictingHash);
    /// The committee changed (at `initialize` and at each rotation).
    event CommitteeUpdated(uint256 indexed epoch, address[] members, uint256 threshold);

    /// Sets the source chain and the first committee (epoch 1). Only the account that deployed
    /// the program may call it, once.
    function initialize(uint256 sourceChainId, address[] calldata members, uint256 threshold) external;
    /// The chain whose blocks this light node verifies.
    function sourceChainId() external view returns (uint256);
    /// The current committee.
    function committee() external view returns (address[] memory);
    function threshold() external view returns (uint256);
    /// The current committee's epoch (1 for the first; 0 before `initialize`).
    function epoch() external view returns (uint256);
    /// The attested hash of block `blockNumber`, zero when none.
    function attestedHash(uint256 blockNumber) external view returns (bytes32);
    /// The EIP-712 domain separator attestations are signed under.
    function domainSeparator() external view returns (bytes32);
}
