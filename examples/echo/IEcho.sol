// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// The Echo dApp (`examples/echo`): sends key/value pairs to the Echo on another chain through the
/// MOS, and keeps what arrives. The owner is the account that deployed it.
interface IEcho {
    /// The MOS this Echo sends through and takes messages from (owner only).
    function setMapoService(address mos) external;
    /// Lets (`tag`) or stops `fromAddress` on `fromChain` writing here (owner only).
    function addCorrespondence(uint256 fromChain, bytes calldata fromAddress, bool tag) external;
    /// The Echo on `chainId` a relayed message is forwarded to (owner only).
    function setTarget(uint256 chainId, address target) external;
    /// Sends `setList(key, value)` to `target` on `toChain` as a CALLDATA message; pays the MOS fee.
    function echo(uint256 toChain, bytes calldata target, string calldata key, string calldata value) external payable returns (bytes32 orderId);
    /// Sends the pair as a MESSAGE (`mapoExecute`), through the relay chain's Echo when `relay`.
    function echoMessage(uint256 toChain, bytes calldata target, string calldata key, string calldata value, bool relay) external payable returns (bytes32 orderId);
    /// Stores the pair (the MOS only, for a CALLDATA message from a correspondent).
    function setList(string calldata key, string calldata value) external;
    /// Takes a MESSAGE (the MOS only); on the relay chain returns the message to forward.
    function mapoExecute(uint256 fromChain, uint256 toChain, bytes calldata fromAddress, bytes32 orderId, bytes calldata message) external returns (bytes memory newMessage);
    /// What arrived for `key`.
    function echoList(string calldata key) external view returns (string memory);
    function owner() external view returns (address);
    function mapoService() external view returns (address);
}
