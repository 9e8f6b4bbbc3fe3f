// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// `Initializable`), with the same names, events and revert strings, and its initializer.
interface IMOSAdmin {
    /// ERC-1967: the implementation behind the proxy changed.
    event Upgraded(address indexed implementation);
    /// ERC-1967: the admin changed (`changeAdmin`).
    event AdminChanged(address previousAdmin, address newAdmin);
    event Paused(address account);
    event Unpaused(address account);
    /// `initialize` ran (version 1).
    event Initialized(uint8 version);

    /// Sets the wrapped native token and the light client (a light node; on the relay chain the
    /// light-client manager). Only the admin recorded at deployment may call it, once.
    function initialize(address wToken, address lightClient) external;
    /// Points the proxy at a new implementation (admin only; UUPS).
    function upgradeTo(address newImplementation) external;
    function getImplementation() external view returns (address);
    /// ERC-1822: the slot an implementation keeps its successor in; `upgradeTo` asks the new
    /// implementation for it, so the proxy can never be pointed at code that cannot upgrade.
    function proxiableUUID() external view returns (bytes32);
}
