// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// Beyond MOS V3: retrying failed messages, message status, the payload size cap.
interface IMOSExtensions {
    /// What `messageStatus` returns.
    enum MessageStatus { Unknown, Delivered, Failed, Retried }

    event SetMaxPayloadSize(uint256 size);

    /// Runs a failed message again. The arguments are the fields of the `mapMessageOut` that
    /// carried it; they must hash to what the failure stored. Anyone may call it; on success
    /// the message is `Retried` and cannot run again, on failure the whole call reverts.
    function retryMessageIn(uint256 fromChain, uint256 toChain, bytes32 orderId, bytes calldata fromAddress, bytes calldata messageData) external;
    /// What became of an incoming message.
    function messageStatus(bytes32 orderId) external view returns (MessageStatus);
    /// The largest `payload` `transferOut` accepts, in bytes (admin only).
    function setMaxPayloadSize(uint256 size) external;
    function maxPayloadSize() external view returns (uint256);
}
