// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// The MOS on every chain: what dApps call to send, what messengers call to deliver.
interface IMOSV3 {
    /// A message leaves this chain (or the relay forwards one). The messenger reads orderId
    /// as the first word of the data and toChain from topic 2.
    event mapMessageOut(uint256 indexed fromChain, uint256 indexed toChain, bytes32 orderId, bytes fromAddrss, bytes callData);
    /// A message was executed here; `reason` is the callee's revert data on failure.
    event mapMessageIn(uint256 indexed fromChain, uint256 indexed toChain, bytes32 orderId, bytes fromAddrss, bytes callData, bool result, bytes reason);
    /// A `transferIn` finished.
    event mapTransferExecute(uint256 indexed fromChain, uint256 indexed toChain, address indexed from);
    event SetLightClient(address indexed lightNode);
    event SetFeeService(address indexed feeServiceAddress);
    event SetRelayContract(uint256 indexed chainId, address indexed relay);
    event AddRemoteCaller(address indexed target, uint256 remoteChainId, bytes remoteAddress, bool tag);

    /// Sends `messageData` (either `MessageData` encoding) to `toChain`, paying the fee in
    /// `feeToken` (the zero address: native).
    function transferOut(uint256 toChain, bytes calldata messageData, address feeToken) external payable returns (bytes32 orderId);
    /// Delivers every matching `mapMessageOut` of the proven receipt.
    function transferIn(uint256 chainId, bytes calldata receiptProof) external;
    /// Delivers one log of the proven receipt, by its index inside the receipt.
    function transferInWithIndex(uint256 chainId, uint256 logIndex, bytes calldata receiptProof) external;
    function getMessageFee(uint256 toChain, address feeToken, uint256 gasLimit) external view returns (uint256 amount, address receiverAddress);
    /// `msg.sender` allows (or with `tag` false, revokes) a remote caller of its CALLDATA messages.
    function addRemoteCaller(uint256 fromChain, bytes calldata fromAddress, bool tag) external;
    function getExecutePermission(address targetAddress, uint256 fromChain, bytes calldata fromAddress) external view returns (bool);
    function getOrderStatus(uint256 chainId, uint256 blockNum, bytes32 orderId) external view returns (bool exists, bool verifiable, uint256 nodeType);
    function orderList(bytes32 orderId) external view returns (bool);
    function callerList(address target, uint256 fromChain, bytes calldata fromAddress) external view returns (bool);

    function setRelayContract(uint256 chainId, address relay) external;
    function setLightClient(address lightNode) external;
    function setFeeService(address feeServiceAddress) external;
    function setPause() external;
    function setUnpause() external;
    function paused() external view returns (bool);
    function emergencyWithdraw(address token, address receiver, uint256 amount) external;
    function changeAdmin(address admin) external;
    function getAdmin() external view returns (address);

    function nonce() external view returns (uint256);
    function relayChainId() external view returns (uint256);
    function relayContract() external view returns (address);
    function lightNode() external view returns (address);
    function feeService() external view returns (address);
    function selfChainId() external view returns (uint256);
    function gasLimitMin() external view returns (uint256);
    function gasLimitMax() external view returns (uint256);
    function wToken() external view returns (address);
}
