// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// The light-client manager's registry: which light node verifies which chain.
interface ILightClientManagerAdmin {
    /// `chainId` is now verified by `lightNode` (zero: no longer registered).
    event LightNodeRegistered(uint256 indexed chainId, address lightNode);
    /// The admin changed.
    event AdminChanged(address previousAdmin, address newAdmin);

    /// Registers (or replaces, or with the zero address removes) the light node of `chainId`. Admin only.
    function registerLightNode(uint256 chainId, address lightNode) external;
    /// The light node of `chainId`, zero when none.
    function lightNodes(uint256 chainId) external view returns (address);
    /// The admin: the account that deployed the manager, until it hands over.
    function admin() external view returns (address);
    /// Hands the registry to `newAdmin`. Admin only.
    function changeAdmin(address newAdmin) external;
}
