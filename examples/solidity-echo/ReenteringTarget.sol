// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMapoExecutor} from "../../abi/IMapoExecutor.sol";

/// A MESSAGE target that calls back into its MOS while the MOS executes it, with calldata fixed at
/// deployment (`transferIn` with another message's proof, say), and passes on the MOS's answer:
/// its revert data when the MOS refuses. The MOS must refuse a delivery from inside a delivery
/// (`ReentrancyGuard: reentrant call`), which it then records as this message's failure.
contract ReenteringTarget is IMapoExecutor {
    /// The MOS that delivers here and is called back.
    address public immutable mos;
    /// What this target calls the MOS with.
    bytes public mosCall;

    constructor(address mos_, bytes memory mosCall_) {
        mos = mos_;
        mosCall = mosCall_;
    }

    /// Calls the MOS with `mosCall`; reverts with the MOS's revert data when it fails, and
    /// `ReenteringTarget: only MOS` for any caller but the MOS.
    function mapoExecute(uint256, uint256, bytes calldata, bytes32, bytes calldata)
        external
        override
        returns (bytes memory)
    {
        require(msg.sender == mos, "ReenteringTarget: only MOS");
        (bool ok, bytes memory answer) = mos.call(mosCall);
        if (!ok) {
            assembly {
                revert(add(answer, 32), mload(answer))
            }
        }
        return "";
    }
}
