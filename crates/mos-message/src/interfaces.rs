//! The Solidity interfaces of the MOS, its dApps and its fee service: the one definition every crate
//! uses. Selectors, event topics, the Solidity interface files and the JSON ABIs are all derived from
//! these declarations, never typed twice.
//!
//! Names, types and parameter order are MAP Protocol's MOS V3 interface (`shared/spec/mos-abi.md`),
//! including its spellings (`fromAddrss` in the events). `IMOSAdmin` is what MAP's MOS inherits
//! from OpenZeppelin and its initializer; `IMOSExtensions` is what this MOS adds (retry, message
//! status, the payload cap); `IERC20` is the part of ERC-20 the MOS calls.

#![allow(missing_docs)] // the `sol!` expansion documents what it generates from the comments below

use alloy_sol_types::sol;

sol! {
    /// The MOS on every chain: what dApps call to send, what messengers call to deliver.
    #[derive(Debug, PartialEq, Eq)]
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
        function transferOut(uint256 toChain, bytes messageData, address feeToken) external payable returns (bytes32 orderId);
        /// Delivers every matching `mapMessageOut` of the proven receipt.
        function transferIn(uint256 chainId, bytes receiptProof) external;
        /// Delivers one log of the proven receipt, by its index inside the receipt.
        function transferInWithIndex(uint256 chainId, uint256 logIndex, bytes receiptProof) external;
        function getMessageFee(uint256 toChain, address feeToken, uint256 gasLimit) external view returns (uint256 amount, address receiverAddress);
        /// `msg.sender` allows (or with `tag` false, revokes) a remote caller of its CALLDATA messages.
        function addRemoteCaller(uint256 fromChain, bytes fromAddress, bool tag) external;
        function getExecutePermission(address targetAddress, uint256 fromChain, bytes fromAddress) external view returns (bool);
        function getOrderStatus(uint256 chainId, uint256 blockNum, bytes32 orderId) external view returns (bool exists, bool verifiable, uint256 nodeType);
        function orderList(bytes32 orderId) external view returns (bool);
        function callerList(address target, uint256 fromChain, bytes fromAddress) external view returns (bool);

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

    /// What the MOS on the relay chain has beyond `IMOSV3`.
    #[derive(Debug, PartialEq, Eq)]
    interface IMOSRelay {
        event SetLightClientManager(address lightClient);
        /// `_type` is a `ChainType`.
        event RegisterChain(uint256 _chainId, bytes _address, uint8 _type);

        function registerChain(uint256 chainId, bytes mosAddress, uint8 chainType) external;
        function setLightClientManager(address managerAddress) external;
        function lightClientManager() external view returns (address);
        function mosContracts(uint256 chainId) external view returns (bytes);
        function chainTypes(uint256 chainId) external view returns (uint8);
    }

    /// What a MESSAGE-type target implements.
    #[derive(Debug, PartialEq, Eq)]
    interface IMapoExecutor {
        /// On the relay chain (relay = true) the returned bytes become the forwarded message.
        function mapoExecute(uint256 fromChain, uint256 toChain, bytes fromAddress, bytes32 orderId, bytes message) external returns (bytes newMessage);
    }

    /// The fee service the MOS asks for a message's price: `(baseGas + gasLimit) * gasPrice`.
    #[derive(Debug, PartialEq, Eq)]
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

    /// What MAP's MOS inherits from OpenZeppelin (UUPS upgrades over ERC-1967, `Pausable`,
    /// `Initializable`), with the same names, events and revert strings, and its initializer.
    #[derive(Debug, PartialEq, Eq)]
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

    /// Beyond MOS V3: retrying failed messages, message status, the payload size cap.
    #[derive(Debug, PartialEq, Eq)]
    interface IMOSExtensions {
        /// What `messageStatus` returns.
        enum MessageStatus { Unknown, Delivered, Failed, Retried }

        event SetMaxPayloadSize(uint256 size);

        /// Runs a failed message again. The arguments are the fields of the `mapMessageOut` that
        /// carried it; they must hash to what the failure stored. Anyone may call it; on success
        /// the message is `Retried` and cannot run again, on failure the whole call reverts.
        function retryMessageIn(uint256 fromChain, uint256 toChain, bytes32 orderId, bytes fromAddress, bytes messageData) external;
        /// What became of an incoming message.
        function messageStatus(bytes32 orderId) external view returns (MessageStatus);
        /// The largest `payload` `transferOut` accepts, in bytes (admin only).
        function setMaxPayloadSize(uint256 size) external;
        function maxPayloadSize() external view returns (uint256);
    }

    /// The ERC-20 calls the MOS makes: fees in tokens, `emergencyWithdraw`.
    #[derive(Debug, PartialEq, Eq)]
    interface IERC20 {
        event Transfer(address indexed from, address indexed to, uint256 value);
        event Approval(address indexed owner, address indexed spender, uint256 value);

        function transfer(address to, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
        function allowance(address owner, address spender) external view returns (uint256);
    }
}
