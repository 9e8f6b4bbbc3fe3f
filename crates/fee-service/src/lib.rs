//! The fee service: what the MOS asks, at every `transferOut`, for the price of a message.
//!
//! `getMessageFee(chainId, feeToken)` answers `(baseGas[chainId], chainGasPrice[chainId][feeToken],
//! feeReceiver)`; the MOS charges `(baseGas + gasLimit) * gasPrice` and refuses a destination whose
//! base gas is 0. The owner sets the three; ownership moves in two steps, as MAP's
//! `Ownable2StepUpgradeable` (the owner proposes, the new owner accepts), with OpenZeppelin's events
//! and revert strings.
//!
//! The owner is whoever deployed the program: deploy it with
//! `stylus_wasm::deploy::init_code_recording_deployer(code, OWNER_SLOT)`, which stores the deploying
//! account in [`OWNER_SLOT`] as part of the creation, so there is no `initialize` anyone could call
//! first; or with `cargo stylus deploy --constructor-args OWNER`, which runs
//! `stylus_constructor(owner)` in the creating transaction (`mos_program::constructor`). Create it
//! no other way: until an owner is recorded nobody can set anything, and the first to call the
//! constructor becomes the owner.
//!
//! Storage: [`OWNER_SLOT`] owner, 1 pending owner, 2 receiver, `keccak(chainId ‖ 3)` base gas,
//! `keccak(token ‖ keccak(chainId ‖ 4))` gas price (Solidity's layout of MAP's mappings).
//!
//! Interface: `IFeeService` of `mos_message::interfaces`.

#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use mos_core::layout::{load_address, store_address};
use mos_message::abi::TupleWriter;
use mos_message::interfaces::IFeeService::{self, *};
use mos_program::{mapping_slot, require, returns_address, returns_uint, Args, Functions, Host, ProgramResult, Router};

/// The owner's slot, where deployment records the deployer.
pub const OWNER_SLOT: [u8; 32] = [0; 32];
const PENDING_OWNER: U256 = U256::from_limbs([1, 0, 0, 0]);
const RECEIVER: U256 = U256::from_limbs([2, 0, 0, 0]);
const BASE_GAS: u8 = 3;
const GAS_PRICE: u8 = 4;

/// OpenZeppelin's `onlyOwner` revert.
const NOT_OWNER: &str = "Ownable: caller is not the owner";
/// OpenZeppelin's `acceptOwnership` revert.
const NOT_NEW_OWNER: &str = "Ownable2Step: caller is not the new owner";

mos_program::entrypoint!(ROUTER);

/// The program. No function is payable and there is no `receive`: calls with value revert.
pub static ROUTER: Router = Router { tables: &[FUNCTIONS], payable: &[], receives: false };

/// The fee service's functions.
const FUNCTIONS: Functions = &[
    (mos_program::constructor::SELECTOR, constructor),
    (getMessageFeeCall::SELECTOR, get_message_fee),
    (setBaseGasCall::SELECTOR, set_base_gas),
    (setChainGasPriceCall::SELECTOR, set_chain_gas_price),
    (setFeeReceiverCall::SELECTOR, set_fee_receiver),
    (feeReceiverCall::SELECTOR, fee_receiver),
    (baseGasCall::SELECTOR, base_gas),
    (chainGasPriceCall::SELECTOR, chain_gas_price),
    (ownerCall::SELECTOR, owner),
    (pendingOwnerCall::SELECTOR, pending_owner),
    (transferOwnershipCall::SELECTOR, transfer_ownership),
    (acceptOwnershipCall::SELECTOR, accept_ownership),
];

fn base_gas_slot(host: &Host, chain_id: U256) -> U256 {
    mapping_slot(host, chain_id.into(), U256::from(BASE_GAS))
}

fn gas_price_slot(host: &Host, chain_id: U256, token: Address) -> U256 {
    let inner = mapping_slot(host, chain_id.into(), U256::from(GAS_PRICE));
    mapping_slot(host, token.into_word(), inner)
}

fn only_owner(host: &Host) -> ProgramResult<()> {
    require(host.sender() == load_address(host, U256::from_be_bytes(OWNER_SLOT)), NOT_OWNER)
}

fn get_message_fee(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 2)?;
    let (chain_id, token) = (args.uint(0), args.address(1)?);
    Ok(TupleWriter::new(3)
        .word(host.load(base_gas_slot(host, chain_id)))
        .word(host.load(gas_price_slot(host, chain_id, token)))
        .address(load_address(host, RECEIVER))
        .finish())
}

fn set_base_gas(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 2)?;
    let (chain_id, base_gas) = (args.uint(0), args.uint(1));
    only_owner(host)?;
    host.store(base_gas_slot(host, chain_id), base_gas.into());
    let data = TupleWriter::new(2).uint(chain_id).uint(base_gas).finish();
    host.emit(&[IFeeService::SetBaseGas::SIGNATURE_HASH], &data);
    Ok(Vec::new())
}

fn set_chain_gas_price(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 3)?;
    let (chain_id, token, price) = (args.uint(0), args.address(1)?, args.uint(2));
    only_owner(host)?;
    host.store(gas_price_slot(host, chain_id, token), price.into());
    let data = TupleWriter::new(2).uint(chain_id).uint(price).finish();
    host.emit(&[IFeeService::SetChainGasPrice::SIGNATURE_HASH], &data);
    Ok(Vec::new())
}

fn set_fee_receiver(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let receiver = Args::new(args, 1)?.address(0)?;
    only_owner(host)?;
    store_address(host, RECEIVER, receiver);
    host.emit(&[IFeeService::SetFeeReceiver::SIGNATURE_HASH], &returns_address(receiver));
    Ok(Vec::new())
}

fn fee_receiver(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(load_address(host, RECEIVER)))
}

fn base_gas(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let chain_id = Args::new(args, 1)?.uint(0);
    Ok(returns_uint(host.load(base_gas_slot(host, chain_id)).into()))
}

fn chain_gas_price(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 2)?;
    let (chain_id, token) = (args.uint(0), args.address(1)?);
    Ok(returns_uint(host.load(gas_price_slot(host, chain_id, token)).into()))
}

fn owner(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(load_address(host, U256::from_be_bytes(OWNER_SLOT))))
}

fn pending_owner(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(load_address(host, PENDING_OWNER)))
}

/// Proposes `newOwner`; ownership moves when it calls `acceptOwnership`.
fn transfer_ownership(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let new_owner = Args::new(args, 1)?.address(0)?;
    only_owner(host)?;
    store_address(host, PENDING_OWNER, new_owner);
    let topics = [OwnershipTransferStarted::SIGNATURE_HASH, host.sender().into_word(), new_owner.into_word()];
    host.emit(&topics, &[]);
    Ok(Vec::new())
}

fn accept_ownership(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    let new_owner = host.sender();
    require(new_owner == load_address(host, PENDING_OWNER), NOT_NEW_OWNER)?;
    let owner_slot = U256::from_be_bytes(OWNER_SLOT);
    let previous = load_address(host, owner_slot);
    store_address(host, PENDING_OWNER, Address::ZERO);
    store_address(host, owner_slot, new_owner);
    host.emit(&[OwnershipTransferred::SIGNATURE_HASH, previous.into_word(), new_owner.into_word()], &[]);
    Ok(Vec::new())
}

/// `stylus_constructor(owner)`: the owner, when the creation did not record one.
fn constructor(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    mos_program::constructor::record_owner(host, args, U256::from_be_bytes(OWNER_SLOT))
}
