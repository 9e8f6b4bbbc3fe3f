//! The common interface on `mos_program::testing`'s in-memory host: who may withdraw, and what a
//! withdrawal of a token without code does. Storage is set by its slots as docs/mos-layout.md
//! gives them; every expected value is written out.

use alloy_primitives::{address, b256, Address, U256};
use alloy_sol_types::{SolCall, SolError};
use mos_message::interfaces::{IERC20, IMOSV3};
use mos_program::testing::{CallKind, MemoryHost};
use mos_program::ProgramResult;

use crate::admin::FUNCTIONS;

const ADMIN: Address = address!("0x00000000000000000000000000000000000000ad");
const STRANGER: Address = address!("0x00000000000000000000000000000000000000aa");
const TOKEN: Address = address!("0x0000000000000000000000000000000000000777");
const RECEIVER: Address = address!("0x0000000000000000000000000000000000000bee");

/// A MOS whose ERC-1967 admin slot holds [`ADMIN`].
fn mos() -> MemoryHost {
    let memory = MemoryHost::new();
    let admin_slot = b256!("0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");
    memory.vm().set_storage(admin_slot.into(), ADMIN.into_word());
    memory
}

/// Calls the common interface's function for `call` from `sender`.
fn call<C: SolCall>(memory: &MemoryHost, sender: Address, call: C) -> ProgramResult {
    memory.vm().set_sender(sender);
    let (_, handler) = FUNCTIONS.iter().find(|(selector, _)| *selector == C::SELECTOR).expect("a common function");
    handler(&memory.handle(), &call.abi_encode()[4..])
}

fn error(reason: &str) -> Vec<u8> {
    alloy_sol_types::Revert::from(reason).abi_encode()
}

fn withdraw(token: Address) -> IMOSV3::emergencyWithdrawCall {
    IMOSV3::emergencyWithdrawCall { token, receiver: RECEIVER, amount: U256::from(5) }
}

#[test]
fn only_the_admin_may_withdraw() {
    let memory = mos();
    assert_eq!(call(&memory, STRANGER, withdraw(Address::ZERO)), Err(error("MOSV3: Only admin")));
    assert!(memory.calls().is_empty());
}

#[test]
fn a_native_withdrawal_sends_the_value_with_the_stipend_only() {
    let memory = mos();
    memory.answer(RECEIVER, Vec::new(), Ok(Vec::new()));
    assert_eq!(call(&memory, ADMIN, withdraw(Address::ZERO)), Ok(Vec::new()));
    let calls = memory.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].kind, calls[0].to, calls[0].value, calls[0].gas),
        (CallKind::Call, RECEIVER, U256::from(5), 0)
    );
}

#[test]
fn withdrawing_a_token_without_code_is_refused_not_a_silent_no_op() {
    let memory = mos();
    let transfer = IERC20::transferCall { to: RECEIVER, amount: U256::from(5) }.abi_encode();
    memory.answer(TOKEN, transfer.clone(), Ok(Vec::new()));
    assert_eq!(call(&memory, ADMIN, withdraw(TOKEN)), Err(error("Address: call to non-contract")));

    // The same answer from a token with code (USDT's style: no return value) is a success.
    memory.vm().set_code(TOKEN, vec![0xfe]);
    assert_eq!(call(&memory, ADMIN, withdraw(TOKEN)), Ok(Vec::new()));
    assert!(memory.calls().iter().all(|call| call.to == TOKEN && call.data == transfer));
}

#[test]
fn a_withdrawal_of_nothing_or_to_nobody_is_refused() {
    let memory = mos();
    let nothing = IMOSV3::emergencyWithdrawCall { token: TOKEN, receiver: RECEIVER, amount: U256::ZERO };
    assert_eq!(call(&memory, ADMIN, nothing), Err(error("MOSV3: Withdraw amount error")));
    let nobody = IMOSV3::emergencyWithdrawCall { token: TOKEN, receiver: Address::ZERO, amount: U256::from(5) };
    assert_eq!(call(&memory, ADMIN, nobody), Err(error("MOSV3: Address is zero")));
}
