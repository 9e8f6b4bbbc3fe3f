//! The MOS proxy: the one address a chain's dApps call. It holds the MOS's storage and the ERC-1967
//! admin and implementation slots, and delegates every call to the MOS program in the
//! implementation slot (`mos-dest` on a chain, `mos-relay` on the relay chain). Upgrades are UUPS:
//! the program itself answers `upgradeTo` and `changeAdmin` for the admin.
//!
//! The proxy is 57 bytes of EVM code rather than a Stylus program: every call to the MOS then
//! enters one Stylus program instead of two, and a Stylus entry costs init gas that an EVM frame
//! does not (docs/mos-layout.md has the measurements). What it costs instead is the EVM's price of
//! a delegating proxy: a cold `SLOAD` of the implementation slot and a cold `DELEGATECALL`, as MAP's
//! own `ERC1967Proxy`.
//!
//! [`init_code`] is the creation's code. Its constructor stores the admin it is given in the admin
//! slot and the program in the implementation slot, and emits `Upgraded` and `AdminChanged`, so
//! the admin is fixed by the creation itself: the MOS's `initialize` accepts only the admin, and
//! nobody who sees the deployment can initialise the MOS first. The admin is part of the code, not
//! whoever sends the creation, so the proxy can be created through a CREATE2 factory (as MAP
//! deploys its MOS) at an address that depends on the program and the admin.

#![no_std]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256};
use alloy_sol_types::SolEvent;
use mos_core::layout::{ADMIN_SLOT, IMPLEMENTATION_SLOT};
use mos_message::interfaces::IMOSAdmin;

// The opcodes used below.
const CALLDATASIZE: u8 = 0x36;
const CALLDATACOPY: u8 = 0x37;
const CODECOPY: u8 = 0x39;
const RETURNDATASIZE: u8 = 0x3d;
const RETURNDATACOPY: u8 = 0x3e;
const MSTORE: u8 = 0x52;
const SLOAD: u8 = 0x54;
const SSTORE: u8 = 0x55;
const JUMPI: u8 = 0x57;
const GAS: u8 = 0x5a;
const JUMPDEST: u8 = 0x5b;
const PUSH0: u8 = 0x5f;
const PUSH1: u8 = 0x60;
const PUSH2: u8 = 0x61;
const PUSH20: u8 = 0x73;
const PUSH32: u8 = 0x7f;
const DUP1: u8 = 0x80;
const DUP3: u8 = 0x82;
const LOG1: u8 = 0xa1;
const LOG2: u8 = 0xa2;
const RETURN: u8 = 0xf3;
const DELEGATECALL: u8 = 0xf4;
const REVERT: u8 = 0xfd;

/// The proxy's code: copy the calldata, `DELEGATECALL` the implementation with all gas, return or
/// revert with what it returned.
pub fn runtime_code() -> Vec<u8> {
    let mut code = Vec::with_capacity(57);
    // calldata to memory 0
    code.extend_from_slice(&[CALLDATASIZE, PUSH0, PUSH0, CALLDATACOPY]);
    // delegatecall(gas, implementation, 0, calldatasize, 0, 0)
    code.extend_from_slice(&[PUSH0, PUSH0, CALLDATASIZE, PUSH0]);
    push32(&mut code, IMPLEMENTATION_SLOT.into());
    code.extend_from_slice(&[SLOAD, GAS, DELEGATECALL]);
    // return data to memory 0; then return or revert with it
    code.extend_from_slice(&[RETURNDATASIZE, PUSH0, PUSH0, RETURNDATACOPY, RETURNDATASIZE, PUSH0, DUP3]);
    let jump_at = code.len() + 2 + 1 + 1;
    code.extend_from_slice(&[PUSH1, jump_at as u8, JUMPI, REVERT, JUMPDEST, RETURN]);
    code
}

/// The creation's code: a constructor that makes `admin` the admin and `implementation` the
/// program, emits `Upgraded(implementation)` and `AdminChanged(0, admin)`, and returns
/// [`runtime_code`].
pub fn init_code(implementation: Address, admin: Address) -> Vec<u8> {
    init_code_with_runtime(implementation, admin, &runtime_code())
}

/// [`init_code`]'s constructor returning `runtime` (less than 64 KiB) instead of the EVM proxy:
/// how docs/mos-layout.md measures a proxy that is a Stylus program.
pub fn init_code_with_runtime(implementation: Address, admin: Address, runtime: &[u8]) -> Vec<u8> {
    let mut code = Vec::with_capacity(256);
    // admin slot := admin; implementation slot := implementation
    push20(&mut code, admin);
    push32(&mut code, ADMIN_SLOT.into());
    code.push(SSTORE);
    push20(&mut code, implementation);
    push32(&mut code, IMPLEMENTATION_SLOT.into());
    code.push(SSTORE);
    // Upgraded(implementation): LOG2(0, 0, topic, implementation)
    push20(&mut code, implementation);
    push32(&mut code, IMOSAdmin::Upgraded::SIGNATURE_HASH);
    code.extend_from_slice(&[PUSH0, PUSH0, LOG2]);
    // AdminChanged(0, admin): the two words at memory 0, the first still zero
    push20(&mut code, admin);
    code.extend_from_slice(&[PUSH1, 0x20, MSTORE]);
    push32(&mut code, IMOSAdmin::AdminChanged::SIGNATURE_HASH);
    code.extend_from_slice(&[PUSH1, 0x40, PUSH0, LOG1]);
    // return the runtime code, which follows these last 11 bytes
    let [len_high, len_low] = u16::try_from(runtime.len()).unwrap_or(u16::MAX).to_be_bytes();
    let [start_high, start_low] = u16::try_from(code.len() + 11).unwrap_or(u16::MAX).to_be_bytes();
    code.extend_from_slice(&[
        PUSH2, len_high, len_low, DUP1, PUSH2, start_high, start_low, PUSH0, CODECOPY, PUSH0, RETURN,
    ]);
    code.extend_from_slice(runtime);
    code
}

fn push20(code: &mut Vec<u8>, address: Address) {
    code.push(PUSH20);
    code.extend_from_slice(address.as_slice());
}

fn push32(code: &mut Vec<u8>, word: B256) {
    code.push(PUSH32);
    code.extend_from_slice(word.as_slice());
}
