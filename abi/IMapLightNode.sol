// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// The light node of the MAP relay chain's consensus ("default", nodeType 1): it follows the relay
// chain's validators epoch by epoch and accepts a block only when more than two thirds of them
// sealed it (IBFT, BLS over BN254), as MAP's own LightNode does. Beyond ILightNode: deployment and
// the epochs it holds.
//
// `updateBlockHeader` takes the RLP list [header, aggregatedKey]: the Atlas header of the current
// epoch's last block (its extraData holding the Istanbul extra) and the signers' summed G2 key (128
// bytes: x imaginary, x real, y imaginary, y real). `verifyProofData` takes [header, aggregatedKey,
// receiptIndex, [node, ...]]: the header of a block of an epoch the node holds, its signers' key, the
// receipt's index in the block and the receipts-trie nodes from the root.
interface IMapLightNode {
    /// The validators of `epoch` were stored (at `initialize` and at each epoch update).
    event ValidatorsUpdated(uint256 indexed epoch, uint256 validators);

    /// Sets the first epoch, the epoch size and the first epoch's validators' G1 keys (64 bytes each,
    /// x ‖ y, concatenated, in the validators' order). Only the account that deployed the program may
    /// call it, once.
    function initialize(uint256 epoch, uint256 epochSize, bytes calldata validatorKeys) external;
    /// Blocks per epoch.
    function epochSize() external view returns (uint256);
    /// The first epoch the node holds (the one `initialize` set).
    function firstEpoch() external view returns (uint256);
    /// The latest epoch the node holds: its blocks are verifiable, the next epoch's once its last
    /// block's header is given to `updateBlockHeader`.
    function currentEpoch() external view returns (uint256);
    /// The G1 keys of `epoch`'s validators, concatenated in their order (empty for an epoch the node
    /// does not hold).
    function validatorKeys(uint256 epoch) external view returns (bytes memory);
}
