// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// The fee service the MOS asks for a message's price: `(baseGas + gasLimit) * gasPrice`.
interface IFeeService {
    event SetBaseGas(uint256 chainId, uint256 basLimit);
    event SetChainGasPrice(uint256 chainId, uint256 chainPrice);
    event SetFeeReceiver(address receiver);

    /// `baseGas` 0 means the destination is not supported.
    function getMessageFee(uint256 chainId, address feeToken) external view returns (uint256 baseGas, uint256 gasPrice, address receiver);
    function setBaseGas(uint256 chainId, uint256 baseLimit) external;
    function setChainGasPrice(uint256 chainId, address token, uint256 chainPrice) external;
    function setFeeReceiver(address receiver) external;
    function feeReceiver() external view returns (address);
    function baseGas(uint256 chainId) external view returns (uint256);
    function chainGasPrice(uint256 chainId, address token) external view returns (uint256);

    /// Two-step ownership, as MAP's `Ownable2StepUpgradeable`: the owner proposes, the new owner accepts.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    function owner() external view returns (address);
    function pendingOwner() external view returns (address);
    function transferOwnership(address newOwner) external;
    function acceptOwnership() external;
}
