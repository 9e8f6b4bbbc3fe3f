// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// What the MOS on the relay chain has beyond `IMOSV3`.
interface IMOSRelay {
    event SetLightClientManager(address lightClient);
    /// `_type` is a `ChainType`.
    event RegisterChain(uint256 _chainId, bytes _address, uint8 _type);

    function registerChain(uint256 chainId, bytes calldata mosAddress, uint8 chainType) external;
    function setLightClientManager(address managerAddress) external;
    function lightClientManager() external view returns (address);
    function mosContracts(uint256 chainId) external view returns (bytes memory);
    function chainTypes(uint256 chainId) external view returns (uint8);
}
