// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// The relay chain's light-client manager: one light node per registered chain, each call forwarded
/// to the light node of `chainId`. MAP Protocol's `ILightClientManager`, as the relay MOS calls it.
interface ILightClientManager {
    /// Emitted by `notifyLightClient`: a MOS on the relay chain has sent a message to `chainId`.
    event ManagerNotifySend(uint256 indexed chainId, address indexed sender, uint256 indexed blockHeight, bytes notifyData);

    function verifyProofData(uint256 chainId, bytes calldata receiptProof) external view returns (bool success, string memory message, bytes memory logs);
    function verifyProofDataWithCache(uint256 chainId, bytes calldata receiptProof) external returns (bool success, string memory message, bytes memory logs);
    function notifyLightClient(uint256 chainId, address from, bytes calldata data) external;
    function isVerifiable(uint256 chainId, uint256 blockHeight, bytes32 hash) external view returns (bool);
    function nodeType(uint256 chainId) external view returns (uint256);
    function updateBlockHeader(uint256 chainId, bytes calldata blockHeader) external;
    function updateLightClient(uint256 chainId, bytes calldata data) external;
    function clientState(uint256 chainId) external view returns (bytes memory);
    function headerHeight(uint256 chainId) external view returns (uint256);
    function verifiableHeaderRange(uint256 chainId) external view returns (uint256, uint256);
}
