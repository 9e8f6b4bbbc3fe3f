//! The light-client interfaces the MOS calls: the one definition every crate uses.

#![allow(missing_docs)] // the `sol!` expansion documents what it generates from the comments below

use alloy_sol_types::sol;

sol! {
    /// A light node on a destination chain: verifies receipts of one source chain (the relay).
    #[derive(Debug, PartialEq, Eq)]
    interface ILightNode {
        /// Emitted by `notifyLightClient`: a MOS has sent a message a committee should attest.
        event ClientNotifySend(address indexed sender, uint256 indexed blockHeight, bytes notifyData);

        /// Verifies a receipt proof; on success `logs` is the RLP list of the receipt's logs, on
        /// failure `message` says why and `logs` is empty.
        function verifyProofData(bytes receiptProof) external view returns (bool success, string message, bytes logs);
        /// As `verifyProofData`, remembering what it verified so that a repeat costs less.
        function verifyProofDataWithCache(bytes receiptProof) external returns (bool success, string message, bytes logs);
        function notifyLightClient(address from, bytes data) external;
        function isVerifiable(uint256 blockHeight, bytes32 hash) external view returns (bool);
        /// 1 default, 2 zk, 3 oracle (committee).
        function nodeType() external view returns (uint256);
        function updateBlockHeader(bytes blockHeader) external;
        function updateLightClient(bytes data) external;
        function clientState() external view returns (bytes);
        function headerHeight() external view returns (uint256 height);
        function verifiableHeaderRange() external view returns (uint256, uint256);
    }

    /// The relay chain's light-client manager: one light node per registered chain.
    #[derive(Debug, PartialEq, Eq)]
    interface ILightClientManager {
        event ManagerNotifySend(uint256 indexed chainId, address indexed sender, uint256 indexed blockHeight, bytes notifyData);

        function verifyProofData(uint256 chainId, bytes receiptProof) external view returns (bool success, string message, bytes logs);
        function verifyProofDataWithCache(uint256 chainId, bytes receiptProof) external returns (bool success, string message, bytes logs);
        function notifyLightClient(uint256 chainId, address from, bytes data) external;
        function isVerifiable(uint256 chainId, uint256 blockHeight, bytes32 hash) external view returns (bool);
        function nodeType(uint256 chainId) external view returns (uint256);
        function updateBlockHeader(uint256 chainId, bytes blockHeader) external;
        function updateLightClient(uint256 chainId, bytes data) external;
        function clientState(uint256 chainId) external view returns (bytes);
        function headerHeight(uint256 chainId) external view returns (uint256);
        function verifiableHeaderRange(uint256 chainId) external view returns (uint256, uint256);
    }
}
