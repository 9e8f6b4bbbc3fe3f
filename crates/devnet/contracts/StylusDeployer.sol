// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The ArbWasm precompile, as the deployer uses it.
interface IArbWasm {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
}

/// The devnet's StylusDeployer, predeployed where Arbitrum chains have theirs
/// (0xcEcba2F1DC234f70Dd89F2041029807F8D03A990): creates a Stylus program, activates it and calls
/// its constructor in one transaction, which is how `cargo stylus deploy` deploys a program that
/// declares a constructor, so that nobody can call the constructor between the creation and it.
/// The interface (`deploy`, `ContractDeployed`) is the one cargo-stylus calls; the code is this
/// workspace's own.
contract StylusDeployer {
    /// A program was created (and activated, and constructed when `initData` was given).
    event ContractDeployed(address deployedContract);

    IArbWasm private constant ARB_WASM = IArbWasm(address(0x71));

    /// Creates `bytecode` (with CREATE, or with CREATE2 and a salt bound to `initData` when `salt`
    /// is not zero), activates it with the value sent beyond `initValue` unless its code is active
    /// already, calls it with `initData` and `initValue` when `initData` is not empty, and sends
    /// what is left of the value back to the sender. Reverts with the constructor's revert data
    /// when it reverts, so nothing is left half deployed.
    function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt)
        external
        payable
        returns (address program)
    {
        require(msg.value >= initValue, "StylusDeployer: value below initValue");
        bytes memory code = bytecode;
        if (salt == bytes32(0)) {
            assembly {
                program := create(0, add(code, 0x20), mload(code))
            }
        } else {
            bytes32 bound = keccak256(abi.encodePacked(initData, salt));
            assembly {
                program := create2(0, add(code, 0x20), mload(code), bound)
            }
        }
        require(program != address(0), "StylusDeployer: creation failed");
        if (!isActive(program)) {
            ARB_WASM.activateProgram{value: msg.value - initValue}(program);
        }
        if (initData.length > 0) {
            (bool constructed, bytes memory returned) = program.call{value: initValue}(initData);
            if (!constructed) {
                assembly {
                    revert(add(returned, 0x20), mload(returned))
                }
            }
        }
        uint256 left = address(this).balance;
        if (left > 0) {
            (bool refunded,) = msg.sender.call{value: left}("");
            require(refunded, "StylusDeployer: refund failed");
        }
        emit ContractDeployed(program);
    }

    /// Whether the code at `program` is activated already (a second copy of a program).
    function isActive(address program) private view returns (bool) {
        try ARB_WASM.codehashVersion(program.codehash) returns (uint16) {
            return true;
        } catch {
            return false;
        }
    }
}
