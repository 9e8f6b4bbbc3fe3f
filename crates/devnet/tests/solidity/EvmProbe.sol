// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The EVM side of the devnet's cross-VM tests (crates/devnet/tests/cross_vm.rs): storage, a log
/// and every kind of call, so that the tests can check that a revert on either
/// side of an EVM/Stylus boundary undoes both VMs' effects.
contract EvmProbe {
    mapping(bytes32 => bytes32) public slots;

    event Stored(bytes32 indexed key, bytes32 value);

    /// Writes `value` under `key` and logs it.
    function store(bytes32 key, bytes32 value) public {
        slots[key] = value;
        emit Stored(key, value);
    }

    /// Reverts with `reason`.
    function fail(string calldata reason) external pure {
        revert(reason);
    }

    /// Stores, then calls `target` with `data` and the value received; reverts afterwards when
    /// `revertAfter`, undoing the store and whatever the call did.
    function storeAndCall(bytes32 key, bytes32 value, address target, bytes calldata data, bool revertAfter)
        external
        payable
        returns (bool ok, bytes memory ret)
    {
        store(key, value);
        (ok, ret) = target.call{value: msg.value}(data);
        require(!revertAfter, "EvmProbe: revert after the call");
    }

    /// Runs `target`'s code on this contract's storage.
    function delegate(address target, bytes calldata data) external returns (bool ok, bytes memory ret) {
        (ok, ret) = target.delegatecall(data);
    }

    /// Calls `target` in a static context.
    function peek(address target, bytes calldata data) external view returns (bool ok, bytes memory ret) {
        (ok, ret) = target.staticcall(data);
    }
}
