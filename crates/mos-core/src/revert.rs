//! Revert data: Solidity's `Error(string)` with the interface's exact strings (mos-abi.md), and
//! the strings of the cases MOS V3 does not have, in the same style.

pub use mos_program::revert::{error, error_bytes};

// MOS V3 and the OpenZeppelin contracts it inherits.
/// An admin function called by someone else.
pub const ONLY_ADMIN: &str = "MOSV3: Only admin";
/// `upgradeTo` called by someone other than the admin.
pub const ONLY_ADMIN_UPGRADE: &str = "MOSV3: Only admin can upgrade";
/// A zero address where one is required.
pub const ADDRESS_ZERO: &str = "MOSV3: Address is zero";
/// `emergencyWithdraw` of nothing.
pub const WITHDRAW_AMOUNT: &str = "MOSV3: Withdraw amount error";
/// An order delivered (or failed) before.
pub const ORDER_EXIST: &str = "MOSV3: Order exist";
/// `transferOut` to this chain.
pub const ONLY_OTHER_CHAIN: &str = "MOSV3: Only other chain";
/// `gasLimit` below `gasLimitMin`.
pub const GAS_TOO_LOW: &str = "MOSV3: Execution gas too low";
/// `gasLimit` above `gasLimitMax`.
pub const GAS_TOO_HIGH: &str = "MOSV3: Execution gas too high";
/// A `MessageData` with a non-zero `value`.
pub const VALUE_NOT_SUPPORTED: &str = "MOSV3: Not support msg value";
/// No fee configured for the destination (base gas 0, or no fee service).
pub const DEST_NOT_SUPPORTED: &str = "MOSV3: Not support dest chain";
/// `msg.value` below the native fee.
pub const NEED_FEE: &str = "MOSV3: Need message fee";
/// `transferIn` for a chain that is not the relay chain, or a relayed log from another chain.
pub const INVALID_CHAIN_ID: &str = "MOSV3: Invalid chain id";
/// `transferInWithIndex` on a log the relay MOS did not emit.
pub const INVALID_RELAY: &str = "MOSV3: Invalid relay";
/// `transferInWithIndex` on a log that is not `mapMessageOut`.
pub const INVALID_TOPIC: &str = "MOSV3: Invalid topic";
/// `transferInWithIndex` on a message for another chain.
pub const INVALID_TARGET_CHAIN: &str = "MOSV3: Invalid target chain id";
/// A relayed log emitted by something other than the MOS registered for its chain.
pub const INVALID_MOS_CONTRACT: &str = "MOSV3: Invalid mos contract";
/// `transferIn` on the relay from a chain registered as neither EVM nor NEAR, or from NEAR.
pub const INVALID_CHAIN_TYPE: &str = "MOSV3: Invalid chain type";
/// A paused MOS.
pub const PAUSED: &str = "Pausable: paused";
/// `setUnpause` while not paused.
pub const NOT_PAUSED: &str = "Pausable: not paused";
/// A delivery started while another runs (a target re-entering `transferIn`).
pub const REENTRANT: &str = "ReentrancyGuard: reentrant call";
/// `initialize` a second time.
pub const ALREADY_INITIALIZED: &str = "Initializable: contract is already initialized";
/// An ERC-20 `transfer`/`transferFrom` that returned false.
pub const ERC20_FAILED: &str = "SafeERC20: ERC20 operation did not succeed";
/// A `SafeERC20` call to a token address without code (OpenZeppelin 4's `Address.functionCall`).
pub const CALL_TO_NON_CONTRACT: &str = "Address: call to non-contract";
/// `upgradeTo` an address without code.
pub const NOT_A_CONTRACT: &str = "ERC1967: new implementation is not a contract";
/// `proxiableUUID` asked through a proxy (OpenZeppelin's `notDelegated`).
pub const DELEGATED: &str = "UUPSUpgradeable: must not be called through delegatecall";
/// `upgradeTo` code that does not answer `proxiableUUID` with the implementation slot.
pub const NOT_UUPS: &str = "ERC1967Upgrade: new implementation is not UUPS";

// Beyond MOS V3.
/// `messageData` is neither encoding of `MessageData`.
pub const INVALID_MESSAGE_DATA: &str = "MOSV3: Invalid message data";
/// A payload longer than `maxPayloadSize`.
pub const PAYLOAD_TOO_LONG: &str = "MOSV3: Payload too long";
/// An ERC-20 fee in a token without a price for the destination.
pub const FEE_TOKEN_NOT_SUPPORTED: &str = "MOSV3: Not support fee token";
/// Native value sent with an ERC-20 fee (it would be stuck in the MOS).
pub const VALUE_WITH_TOKEN_FEE: &str = "MOSV3: Msg value with token fee";
/// `(baseGas + gasLimit) * gasPrice` does not fit 256 bits.
pub const FEE_OVERFLOW: &str = "MOSV3: Fee overflow";
/// The relayer left too little gas to give the target its `gasLimit` (EIP-150 included): the
/// whole delivery reverts and the order stays open.
pub const INSUFFICIENT_GAS: &str = "MOSV3: Insufficient gas for execution";
/// `retryMessageIn` with fields that are not those of a stored failure.
pub const NOT_A_FAILED_MESSAGE: &str = "MOSV3: Not a failed message";
/// The light client returned logs that are not an RLP log list, or a relayed `mapMessageOut` that
/// does not decode.
pub const INVALID_LOGS: &str = "MOSV3: Invalid logs";
/// A chain id that does not fit the 96 bits the layout keeps it in.
pub const CHAIN_ID_TOO_LARGE: &str = "MOSV3: Chain id too large";
/// A registered MOS address longer than 255 bytes.
pub const ADDRESS_TOO_LONG: &str = "MOSV3: Address too long";
/// 2^96 messages sent.
pub const NONCE_OVERFLOW: &str = "MOSV3: Nonce overflow";

/// Why a delivered message failed, as `mapMessageIn` reports it in `reason`.
pub mod reason {
    /// CALLDATA whose sender the target has not allowed (`addRemoteCaller`).
    pub const FROM_ADDRESS_NOT_CALLER: &str = "FromAddressNotCaller";
    /// MESSAGE to an address without code.
    pub const NO_CONTRACT_ADDRESS: &str = "NoContractAddress";
    /// A `msgType` that is neither CALLDATA nor MESSAGE.
    pub const MESSAGE_TYPE_ERROR: &str = "MessageTypeError";
    /// Beyond MOS V3: `messageData` that is not a `MessageData`, or whose `gasLimit` is above
    /// `gasLimitMax` (a relay-executed target may forward any bytes).
    pub const INVALID_MESSAGE_DATA: &str = "InvalidMessageData";
    /// Beyond MOS V3: a target that is not a 20-byte address.
    pub const INVALID_TARGET: &str = "InvalidTarget";
    /// Beyond MOS V3: a target that is the MOS itself, its light client or manager, or its fee
    /// service.
    pub const FORBIDDEN_TARGET: &str = "ForbiddenTarget";
    /// Beyond MOS V3: on the relay, a MESSAGE target whose `mapoExecute` did not return `bytes`.
    pub const INVALID_RETURN_DATA: &str = "InvalidReturnData";
}
