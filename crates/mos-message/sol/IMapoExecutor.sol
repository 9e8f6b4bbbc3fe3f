// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// What a MESSAGE-type target implements.
interface IMapoExecutor {
    /// On the relay chain (relay = true) the returned bytes become the forwarded message.
    function mapoExecute(uint256 fromChain, uint256 toChain, bytes calldata fromAddress, bytes32 orderId, bytes calldata message) external returns (bytes memory newMessage);
}
