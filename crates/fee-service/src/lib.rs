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
//! first. Without a recorded owner nobody can set anything.
//!
//! Storage: [`OWNER_SLOT`] owner, 1 pending owner, 2 receiver, `keccak(chainId ‖ 3)` base gas,
//! `keccak(token ‖ keccak(chainId ‖ 4))` gas price (Solidity's layout of MAP's mappings).
//!
//! Interface: `IFeeService` of `mos_message::interfaces`.

#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use mos_core::admin::require;
use mos_core::layout::{load_address, store_address};
use mos_core::{find, returns_address, returns_uint, Args, Functions, Mos, MosResult};
use mos_message::abi::TupleWriter;
use mos_message::interfaces::IFeeService::{self, *};

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

stylus_host::entrypoint!(route);

/// The program. No function is payable and there is no `receive`: calls with value revert.
///
/// # Errors
/// The revert data of the function called; empty for an unknown selector, calldata without a
/// selector or a call with value.
pub fn route(input: &[u8]) -> MosResult<Vec<u8>> {
    let mos = Mos;
    let (selector, args) = input.split_first_chunk::<4>().ok_or_else(Vec::new)?;
    let handler = find(&[FUNCTIONS], *selector).ok_or_else(Vec::new)?;
    if !mos.value().is_zero() {
        return Err(Vec::new());
    }
    handler(&mos, args)
}

/// The fee service's functions.
const FUNCTIONS: Functions = &[
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

/// `keccak(key ‖ uint256(base))`: Solidity's slot of `mapping(key => ...)` at `base`.
fn mapping_slot(mos: &Mos, key: B256, base: U256) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key.as_slice());
    preimage[32..].copy_from_slice(&base.to_be_bytes::<32>());
    mos.keccak(&preimage).into()
}

fn base_gas_slot(mos: &Mos, chain_id: U256) -> U256 {
    mapping_slot(mos, chain_id.into(), U256::from(BASE_GAS))
}

fn gas_price_slot(mos: &Mos, chain_id: U256, token: Address) -> U256 {
    let inner = mapping_slot(mos, chain_id.into(), U256::from(GAS_PRICE));
    mapping_slot(mos, token.into_word(), inner)
}

fn only_owner(mos: &Mos) -> MosResult<()> {
    require(mos.sender() == load_address(mos, U256::from_be_bytes(OWNER_SLOT)), NOT_OWNER)
}

fn get_message_fee(mos: &Mos, args: &[u8]) -> MosResult<Vec<u8>> {
    let args = Args::new(args, 2)?;
    let (chain_id, token) = (args.uint(0), args.address(1)?);
    Ok(TupleWriter::new(3)
        .word(mos.load(base_gas_slot(mos, chain_id)))
        .word(mos.load(gas_price_slot(mos, chain_id, token)))
        .address(load_address(mos, RECEIVER))
        .finish())
}

fn set_base_gas(mos: &Mos, args: &[u8]) -> MosResult<Vec<u8>> {
    let args = Args::new(args, 2)?;
    let (chain_id, base_gas) = (args.uint(0), args.uint(1));
    only_owner(mos)?;
    mos.store(base_gas_slot(mos, chain_id), base_gas.into());
    let data = TupleWriter::new(2).uint(chain_id).uint(base_gas).finish();
    mos.emit(&[IFeeService::SetBaseGas::SIGNATURE_HASH], &data);
    Ok(Vec::new())
}

fn set_chain_gas_price(mos: &Mos, args: &[u8]) -> MosResult<Vec<u8>> {
    let args = Args::new(args, 3)?;
    let (chain_id, token, price) = (args.uint(0), args.address(1)?, args.uint(2));
    only_owner(mos)?;
    mos.store(gas_price_slot(mos, chain_id, token), price.into());
    let data = TupleWriter::new(2).uint(chain_id).uint(price).finish();
    mos.emit(&[IFeeService::SetChainGasPrice::SIGNATURE_HASH], &data);
    Ok(Vec::new())
}

fn set_fee_receiver(mos: &Mos, args: &[u8]) -> MosResult<Vec<u8>> {
    let receiver = Args::new(args, 1)?.address(0)?;
    only_owner(mos)?;
    store_address(mos, RECEIVER, receiver);
    mos.emit(&[IFeeService::SetFeeReceiver::SIGNATURE_HASH], &returns_address(receiver));
    Ok(Vec::new())
}

fn fee_receiver(mos: &Mos, _: &[u8]) -> MosResult<Vec<u8>> {
    Ok(returns_address(load_address(mos, RECEIVER)))
}

fn base_gas(mos: &Mos, args: &[u8]) -> MosResult<Vec<u8>> {
    let chain_id = Args::new(args, 1)?.uint(0);
    Ok(returns_uint(mos.load(base_gas_slot(mos, chain_id)).into()))
}

fn chain_gas_price(mos: &Mos, args: &[u8]) -> MosResult<Vec<u8>> {
    let args = Args::new(args, 2)?;
    let (chain_id, token) = (args.uint(0), args.address(1)?);
    Ok(returns_uint(mos.load(gas_price_slot(mos, chain_id, token)).into()))
}

fn owner(mos: &Mos, _: &[u8]) -> MosResult<Vec<u8>> {
    Ok(returns_address(load_address(mos, U256::from_be_bytes(OWNER_SLOT))))
}

fn pending_owner(mos: &Mos, _: &[u8]) -> MosResult<Vec<u8>> {
    Ok(returns_address(load_address(mos, PENDING_OWNER)))
}

/// Proposes `newOwner`; ownership moves when it calls `acceptOwnership`.
fn transfer_ownership(mos: &Mos, args: &[u8]) -> MosResult<Vec<u8>> {
    let new_owner = Args::new(args, 1)?.address(0)?;
    only_owner(mos)?;
    store_address(mos, PENDING_OWNER, new_owner);
    let topics = [OwnershipTransferStarted::SIGNATURE_HASH, mos.sender().into_word(), new_owner.into_word()];
    mos.emit(&topics, &[]);
    Ok(Vec::new())
}

fn accept_ownership(mos: &Mos, _: &[u8]) -> MosResult<Vec<u8>> {
    let new_owner = mos.sender();
    require(new_owner == load_address(mos, PENDING_OWNER), NOT_NEW_OWNER)?;
    let owner_slot = U256::from_be_bytes(OWNER_SLOT);
    let previous = load_address(mos, owner_slot);
    store_address(mos, PENDING_OWNER, Address::ZERO);
    store_address(mos, owner_slot, new_owner);
    mos.emit(&[OwnershipTransferred::SIGNATURE_HASH, previous.into_word(), new_owner.into_word()], &[]);
    Ok(Vec::new())
}
