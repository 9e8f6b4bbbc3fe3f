// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// A light node on a destination chain: verifies receipts of one source chain (for a chain's MOS,
/// the relay chain). MAP Protocol's `ILightNode`, as the MOS calls it.
interface ILightNode {
    /// Emitted by `notifyLightClient`: a MOS has sent a message a committee should attest.
    event ClientNotifySend(address indexed sender, uint256 indexed blockHeight, bytes notifyData);

    /// Verifies a receipt proof; on success `logs` is the RLP list of the receipt's logs, on
    /// failure `message` says why and `logs` is empty.
    function verifyProofData(bytes calldata receiptProof) external view returns (bool success, string memory message, bytes memory logs);
    /// As `verifyProofData`, remembering what it verified so that a repeat costs less.
    function verifyProofDataWithCache(bytes calldata receiptProof) external returns (bool success, string memory message, bytes memory logs);
    /// Records that `from` sent a message (emits `ClientNotifySend` with the current block number).
    function notifyLightClient(address from, bytes calldata data) external;
    /// Whether a proof in block `blockHeight` with hash `hash` can be verified now (for the
    /// committee light node, a zero `hash` asks whether the height is attested).
    function isVerifiable(uint256 blockHeight, bytes32 hash) external view returns (bool);
    /// 1 default, 2 zk, 3 oracle (committee).
    function nodeType() external view returns (uint256);
    /// Advances the light node: for a committee light node, a signed header attestation.
    function updateBlockHeader(bytes calldata blockHeader) external;
    /// Updates the light node's validators: for a committee light node, a signed committee rotation.
    function updateLightClient(bytes calldata data) external;
    /// The light node's state, encoded as the light node documents.
    function clientState() external view returns (bytes memory);
    /// The highest block the light node can verify.
    function headerHeight() external view returns (uint256 height);
    /// The lowest and highest blocks the light node can verify.
    function verifiableHeaderRange() external view returns (uint256, uint256);
}
