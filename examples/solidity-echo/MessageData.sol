// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// MAP's MOS V3 message, as `transferOut` takes it (`abi.encode(MessageData)`) and as a relay-chain
// target's `mapoExecute` returns the next hop. `abi/IMOSV3.sol` carries the ABI only (`bytes
// messageData`), so the struct is declared here, field for field MAP's `IMOSV3.MessageData`.

/// What the destination MOS does with a message.
enum MessageType {
    /// Calls `target` with `payload` as calldata, if the target allowed the sender (`callerList`).
    CALLDATA,
    /// Calls `target.mapoExecute(fromChain, toChain, fromAddress, orderId, payload)`.
    MESSAGE
}

/// A message for another chain.
struct MessageData {
    /// Executed on the relay chain first, which forwards what the target returns.
    bool relay;
    MessageType msgType;
    /// The target: a 20-byte address on EVM chains.
    bytes target;
    bytes payload;
    /// The gas the destination gives the target call.
    uint256 gasLimit;
    /// Native value carried: must be 0.
    uint256 value;
}
