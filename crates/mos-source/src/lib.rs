//! The source role of the MOS: what every chain's MOS does when a dApp sends (`transferOut`) or
//! asks what sending costs (`getMessageFee`).
//!
//! `transferOut(toChain, messageData, feeToken)` accepts `messageData` in either encoding of
//! `MessageData`, checks it (another chain, `gasLimit` within [21000, 10000000], `value` 0, the
//! payload within the admin's cap), assigns the orderId from the nonce, charges the fee the fee
//! service quotes, emits `mapMessageOut` with the bytes exactly as passed, and notifies the light
//! client. How it notifies is the one thing that differs between chains, so a program routes to
//! `Source::<its LightClient>::FUNCTIONS`.

#![cfg_attr(not(test), no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;
use core::marker::PhantomData;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use mos_core::admin::{config_when_not_paused, safe_erc20, send_value, GAS_LIMIT_MAX, GAS_LIMIT_MIN};
use mos_core::layout::{Config, LightNodeAndNonce, MAX_PACKED_NUMBER};
use mos_core::revert;
use mos_message::abi::{TupleReader, TupleWriter};
use mos_message::interfaces::{IFeeService, IERC20, IMOSV3};
use mos_message::{order_id, MessageData};
use mos_program::{require, returns, Args, Functions, Host, ProgramResult};

/// How a program tells its light client that it emitted a message.
pub trait LightClient {
    /// Notifies the light client (or, on the relay chain, the manager for `to_chain`) that this MOS
    /// emitted a `mapMessageOut` for `to_chain`.
    ///
    /// # Errors
    /// The light client's revert data.
    fn notify(host: &Host, to_chain: U256) -> ProgramResult<()>;
}

/// The source role, notifying with `L`.
pub struct Source<L>(PhantomData<L>);

impl<L: LightClient> Source<L> {
    /// The source role's functions: `transferOut`, `getMessageFee`.
    pub const FUNCTIONS: Functions = &[
        (IMOSV3::transferOutCall::SELECTOR, transfer_out::<L>),
        (IMOSV3::getMessageFeeCall::SELECTOR, get_message_fee),
    ];
}

/// `transferOut`. The nonce moves before any call, so a fee token, the fee receiver or the light
/// client calling back into `transferOut` gets the next orderId, never the same one.
fn transfer_out<L: LightClient>(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 3)?;
    let (to_chain, message_data, fee_token) = (args.uint(0), args.bytes(1)?, args.address(2)?);
    let config = config_when_not_paused(host)?;
    let self_chain = U256::from(host.chain_id());
    require(to_chain != self_chain, revert::ONLY_OTHER_CHAIN)?;
    let message = MessageData::decode(message_data).map_err(|_| revert::error(revert::INVALID_MESSAGE_DATA))?;
    require(message.gas_limit >= U256::from(GAS_LIMIT_MIN), revert::GAS_TOO_LOW)?;
    require(message.gas_limit <= U256::from(GAS_LIMIT_MAX), revert::GAS_TOO_HIGH)?;
    require(message.value.is_zero(), revert::VALUE_NOT_SUPPORTED)?;
    require(message.payload.len() as u64 <= config.max_payload_size, revert::PAYLOAD_TOO_LONG)?;

    let sender = host.sender();
    let mut record = LightNodeAndNonce::load(host);
    let order = order_id(host.this(), U256::from(record.nonce), self_chain, to_chain, sender, &message.target);
    record.nonce = record
        .nonce
        .checked_add(1)
        .filter(|nonce| *nonce <= MAX_PACKED_NUMBER)
        .ok_or_else(|| revert::error(revert::NONCE_OVERFLOW))?;
    record.store(host);

    charge_fee(host, &config, to_chain, fee_token, message.gas_limit)?;
    let data = TupleWriter::new(3).word(order).bytes(sender.as_slice()).bytes(message_data).finish();
    host.emit(&[IMOSV3::mapMessageOut::SIGNATURE_HASH, self_chain.into(), to_chain.into()], &data);
    L::notify(host, to_chain)?;
    Ok(returns(order))
}

/// Takes the fee: in native value, all of `msg.value` (at least the fee) goes to the fee receiver,
/// as MAP does; in an ERC-20, exactly the fee moves from the sender to the receiver, and only a
/// token the fee service prices for the destination is accepted (an unpriced token would make
/// messages free).
fn charge_fee(host: &Host, config: &Config, to_chain: U256, fee_token: Address, gas_limit: U256) -> ProgramResult<()> {
    let quote = quote(host, config, to_chain, fee_token, gas_limit)?;
    let value = host.value();
    if fee_token.is_zero() {
        require(value >= quote.amount, revert::NEED_FEE)?;
        if !value.is_zero() {
            send_value(host, quote.receiver, value)?;
        }
        return Ok(());
    }
    require(!quote.gas_price.is_zero(), revert::FEE_TOKEN_NOT_SUPPORTED)?;
    require(value.is_zero(), revert::VALUE_WITH_TOKEN_FEE)?;
    let transfer = TupleWriter::call(IERC20::transferFromCall::SELECTOR, 3)
        .address(host.sender())
        .address(quote.receiver)
        .uint(quote.amount)
        .finish();
    safe_erc20(host, fee_token, &transfer)
}

/// What a message costs.
struct Quote {
    amount: U256,
    gas_price: U256,
    receiver: Address,
}

/// Asks the fee service: `(baseGas + gasLimit) * gasPrice`, to its receiver.
fn quote(host: &Host, config: &Config, to_chain: U256, fee_token: Address, gas_limit: U256) -> ProgramResult<Quote> {
    require(!config.fee_service.is_zero(), revert::DEST_NOT_SUPPORTED)?;
    let call =
        TupleWriter::call(IFeeService::getMessageFeeCall::SELECTOR, 2).uint(to_chain).address(fee_token).finish();
    let answer = host.static_call(config.fee_service, &call)?;
    let fee = TupleReader::new(&answer, 0, 3).map_err(|_| Vec::new())?;
    let (base_gas, gas_price) = (fee.uint(0), fee.uint(1));
    let receiver = fee.address(2, "receiver").map_err(|_| Vec::new())?;
    require(!base_gas.is_zero(), revert::DEST_NOT_SUPPORTED)?;
    let amount = base_gas
        .checked_add(gas_limit)
        .and_then(|gas| gas.checked_mul(gas_price))
        .ok_or_else(|| revert::error(revert::FEE_OVERFLOW))?;
    Ok(Quote { amount, gas_price, receiver })
}

fn get_message_fee(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 3)?;
    let (to_chain, fee_token, gas_limit) = (args.uint(0), args.address(1)?, args.uint(2));
    let quote = quote(host, &Config::load(host), to_chain, fee_token, gas_limit)?;
    Ok(TupleWriter::new(2).uint(quote.amount).address(quote.receiver).finish())
}

#[cfg(test)]
mod tests;
