// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMOSV3} from "../../abi/IMOSV3.sol";
import {IMapoExecutor} from "../../abi/IMapoExecutor.sol";
import {IEcho} from "../echo/IEcho.sol";
import {MessageData, MessageType} from "./MessageData.sol";

/// Echo: sends key/value pairs to the Echo on another chain through the MOS, and keeps the ones
/// that arrive, both ways the MOS delivers. The Solidity twin of the Stylus Echo (`examples/echo`):
/// the same interface (`IEcho`), the same messages on the wire, the same revert strings.
///
/// - CALLDATA (`echo`): the destination MOS calls `target.setList(key, value)`, which the MOS
///   makes only for a sender the target allowed (`addCorrespondence`, the MOS's `callerList`).
/// - MESSAGE (`echoMessage`): the destination MOS calls `target.mapoExecute(...)`; Echo asks the
///   MOS `getExecutePermission` before it stores the pair. With `relay`, the Echo on the relay
///   chain executes it first and returns the next hop, to the Echo set with `setTarget`.
///
/// The owner is the deployer.
contract Echo is IEcho, IMapoExecutor {
    /// Gas the destination gives the Echo call.
    uint256 public constant ECHO_GAS_LIMIT = 500_000;

    address public override owner;
    address public override mapoService;
    /// The Echo of each chain that relayed messages go on to.
    mapping(uint256 => address) public targets;
    /// What arrived, by key.
    mapping(string => string) private pairs;

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "Echo: only owner");
        _;
    }

    modifier onlyMos() {
        require(msg.sender == mapoService, "Echo: only MOS");
        _;
    }

    /// @inheritdoc IEcho
    function setMapoService(address mos) external override onlyOwner {
        mapoService = mos;
    }

    /// @inheritdoc IEcho
    function addCorrespondence(uint256 fromChain, bytes calldata fromAddress, bool tag) external override onlyOwner {
        IMOSV3(mapoService).addRemoteCaller(fromChain, fromAddress, tag);
    }

    /// @inheritdoc IEcho
    function setTarget(uint256 chainId, address target) external override onlyOwner {
        targets[chainId] = target;
    }

    /// @inheritdoc IEcho
    function echo(uint256 toChain, bytes calldata target, string calldata key, string calldata value)
        external
        payable
        override
        returns (bytes32 orderId)
    {
        bytes memory payload = abi.encodeCall(IEcho.setList, (key, value));
        return send(toChain, MessageType.CALLDATA, false, target, payload);
    }

    /// @inheritdoc IEcho
    function echoMessage(
        uint256 toChain,
        bytes calldata target,
        string calldata key,
        string calldata value,
        bool relay
    ) external payable override returns (bytes32 orderId) {
        return send(toChain, MessageType.MESSAGE, relay, target, abi.encode(key, value));
    }

    /// @inheritdoc IEcho
    function setList(string calldata key, string calldata value) external override onlyMos {
        pairs[key] = value;
    }

    /// Stores a pair delivered as a MESSAGE, after asking the MOS whether the sender may execute
    /// here; on the relay chain, returns the next hop to the Echo set for `toChain` (nothing when
    /// none is set). Reverts `Echo: only MOS`, `Echo: no permission`, `Echo: bad message`.
    function mapoExecute(
        uint256 fromChain,
        uint256 toChain,
        bytes calldata fromAddress,
        bytes32,
        bytes calldata message
    ) external override(IEcho, IMapoExecutor) onlyMos returns (bytes memory newMessage) {
        require(
            IMOSV3(mapoService).getExecutePermission(address(this), fromChain, fromAddress), "Echo: no permission"
        );
        require(isStringPair(message), "Echo: bad message");
        (string memory key, string memory value) = abi.decode(message, (string, string));
        pairs[key] = value;
        address next = targets[toChain];
        if (next == address(0)) return "";
        return abi.encode(MessageData(false, MessageType.MESSAGE, abi.encodePacked(next), message, ECHO_GAS_LIMIT, 0));
    }

    /// @inheritdoc IEcho
    function echoList(string calldata key) external view override returns (string memory) {
        return pairs[key];
    }

    /// `transferOut` of the message, paying the MOS's native fee for it out of the value sent (the
    /// rest goes back to the sender). Sent short, the MOS refuses it with its own reason
    /// (`MOSV3: Need message fee`).
    function send(uint256 toChain, MessageType msgType, bool relay, bytes calldata target, bytes memory payload)
        private
        returns (bytes32 orderId)
    {
        IMOSV3 mos = IMOSV3(mapoService);
        (uint256 fee,) = mos.getMessageFee(toChain, address(0), ECHO_GAS_LIMIT);
        uint256 paid = msg.value < fee ? msg.value : fee;
        bytes memory messageData = abi.encode(MessageData(relay, msgType, target, payload, ECHO_GAS_LIMIT, 0));
        orderId = mos.transferOut{value: paid}(toChain, messageData, address(0));
        if (msg.value > paid) {
            (bool refunded,) = msg.sender.call{value: msg.value - paid}("");
            require(refunded, "Echo: refund failed");
        }
    }

    /// Whether `abi.decode(message, (string, string))` can read `message`: both offsets and
    /// lengths inside it, so a malformed message reverts with a reason rather than without one.
    function isStringPair(bytes calldata message) private pure returns (bool) {
        if (message.length < 64) return false;
        for (uint256 head = 0; head < 64; head += 32) {
            uint256 offset = uint256(bytes32(message[head:head + 32]));
            if (offset > message.length - 32) return false;
            uint256 length = uint256(bytes32(message[offset:offset + 32]));
            if (length > message.length - offset - 32) return false;
        }
        return true;
    }
}
