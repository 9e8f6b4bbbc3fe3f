//! What every MOS program answers the same way: admin (ERC-1967 admin slot), upgrades (UUPS over
//! the ERC-1967 implementation slot), pause, configuration, `emergencyWithdraw`, the remote-caller
//! list, order status, and the getters, listed in [`FUNCTIONS`].

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use mos_message::abi::{TupleReader, TupleWriter};
use mos_message::interfaces::{IMOSAdmin, IMOSExtensions, IERC20, IMOSV3};

use crate::layout::{self, Config, LightNodeAndNonce, RelayMos, ADMIN_SLOT, IMPLEMENTATION_SLOT, MAX_PACKED_NUMBER};
use crate::revert;
use mos_program::require;
use mos_program::{returns, returns_address, returns_bool, returns_uint, Args, Functions, Host, ProgramResult};

/// `gasLimitMin`: the least gas a message may ask for.
pub const GAS_LIMIT_MIN: u64 = 21_000;
/// `gasLimitMax`: the most gas a message may ask for.
pub const GAS_LIMIT_MAX: u64 = 10_000_000;
/// The payload cap `initialize` sets; the admin changes it with `setMaxPayloadSize`.
pub const DEFAULT_MAX_PAYLOAD_SIZE: u64 = 16 * 1024;

/// The functions of the common interface.
pub const FUNCTIONS: Functions = {
    use IMOSAdmin::*;
    use IMOSExtensions::*;
    use IMOSV3::*;
    &[
        (addRemoteCallerCall::SELECTOR, add_remote_caller),
        (getExecutePermissionCall::SELECTOR, caller_list),
        (callerListCall::SELECTOR, caller_list),
        (orderListCall::SELECTOR, order_list),
        (messageStatusCall::SELECTOR, message_status),
        (pausedCall::SELECTOR, paused),
        (setPauseCall::SELECTOR, set_pause),
        (setUnpauseCall::SELECTOR, set_unpause),
        (getAdminCall::SELECTOR, get_admin),
        (changeAdminCall::SELECTOR, change_admin),
        (getImplementationCall::SELECTOR, get_implementation),
        (upgradeToCall::SELECTOR, upgrade_to),
        (proxiableUUIDCall::SELECTOR, proxiable_uuid),
        (setLightClientCall::SELECTOR, set_light_client),
        (setFeeServiceCall::SELECTOR, set_fee_service),
        (setRelayContractCall::SELECTOR, set_relay_contract),
        (setMaxPayloadSizeCall::SELECTOR, set_max_payload_size),
        (emergencyWithdrawCall::SELECTOR, emergency_withdraw),
        (nonceCall::SELECTOR, nonce),
        (relayChainIdCall::SELECTOR, relay_chain_id),
        (relayContractCall::SELECTOR, relay_contract),
        (lightNodeCall::SELECTOR, light_node),
        (feeServiceCall::SELECTOR, fee_service),
        (selfChainIdCall::SELECTOR, self_chain_id),
        (gasLimitMinCall::SELECTOR, gas_limit_min),
        (gasLimitMaxCall::SELECTOR, gas_limit_max),
        (wTokenCall::SELECTOR, w_token),
        (maxPayloadSizeCall::SELECTOR, max_payload_size),
    ]
};

/// Reverts `MOSV3: Only admin` unless the sender is the ERC-1967 admin (never the zero address).
///
/// # Errors
/// `MOSV3: Only admin`.
pub fn only_admin(host: &Host) -> ProgramResult<()> {
    require(host.sender() == layout::admin(host), revert::ONLY_ADMIN)
}

/// Reverts `MOSV3: Address is zero` for the zero address.
///
/// # Errors
/// `MOSV3: Address is zero`.
pub fn non_zero(address: Address) -> ProgramResult<()> {
    require(!address.is_zero(), revert::ADDRESS_ZERO)
}

/// Slot 0, or `Pausable: paused`.
///
/// # Errors
/// `Pausable: paused` while paused.
pub fn config_when_not_paused(host: &Host) -> ProgramResult<Config> {
    let config = Config::load(host);
    require(!config.paused, revert::PAUSED)?;
    Ok(config)
}

/// Emits an event whose only topic is its signature.
fn emit_unindexed<E: SolEvent>(host: &Host, data: &[u8]) {
    host.emit(&[E::SIGNATURE_HASH], data);
}

/// An admin setter's single `address` argument, after the admin check; never zero.
fn admin_address_argument(host: &Host, args: &[u8]) -> ProgramResult<Address> {
    let address = Args::new(args, 1)?.address(0)?;
    only_admin(host)?;
    non_zero(address)?;
    Ok(address)
}

/// The common part of `initialize(address wToken, address lightClient)`: only the admin the
/// proxy's creation recorded may call it, once; so whoever sees the deployment first cannot take
/// the MOS over. Sets `wToken` and the payload cap, emits `Initialized(1)`, and returns the light
/// client for the caller to store where its role keeps it.
///
/// # Errors
/// `MOSV3: Only admin`, `Initializable: contract is already initialized`, `MOSV3: Address is
/// zero` for either address.
pub fn initialize(host: &Host, args: &[u8]) -> ProgramResult<Address> {
    let args = Args::new(args, 2)?;
    let (w_token, light_client) = (args.address(0)?, args.address(1)?);
    only_admin(host)?;
    let mut config = Config::load(host);
    require(!config.initialized, revert::ALREADY_INITIALIZED)?;
    non_zero(w_token)?;
    non_zero(light_client)?;
    config.initialized = true;
    config.max_payload_size = DEFAULT_MAX_PAYLOAD_SIZE;
    config.store(host);
    layout::set_w_token(host, w_token);
    emit_unindexed::<IMOSAdmin::Initialized>(host, &returns_uint(U256::from(1)));
    Ok(light_client)
}

fn add_remote_caller(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 3)?;
    let (from_chain, from_address, tag) = (args.uint(0), args.bytes(1)?, args.bool(2)?);
    let target = host.sender();
    layout::set_caller_allowed(host, target, from_chain, from_address, tag);
    let data = TupleWriter::new(3).uint(from_chain).bytes(from_address).bool(tag).finish();
    host.emit(&[IMOSV3::AddRemoteCaller::SIGNATURE_HASH, target.into_word()], &data);
    Ok(Vec::new())
}

/// `getExecutePermission` and `callerList`: the same question, two names.
fn caller_list(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 3)?;
    let (target, from_chain, from_address) = (args.address(0)?, args.uint(1), args.bytes(2)?);
    Ok(returns_bool(layout::caller_allowed(host, target, from_chain, from_address)))
}

fn order_list(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let order_id = Args::new(args, 1)?.bytes32(0);
    Ok(returns_bool(!layout::order_status(host, order_id).is_zero()))
}

fn message_status(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    use IMOSExtensions::MessageStatus;
    let order_id = Args::new(args, 1)?.bytes32(0);
    let status = match layout::order_status(host, order_id) {
        word if word.is_zero() => MessageStatus::Unknown,
        layout::DELIVERED => MessageStatus::Delivered,
        layout::RETRIED => MessageStatus::Retried,
        _ => MessageStatus::Failed,
    };
    Ok(returns_uint(U256::from(status as u8)))
}

fn paused(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_bool(Config::load(host).paused))
}

fn set_pause(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    only_admin(host)?;
    let mut config = config_when_not_paused(host)?;
    config.paused = true;
    config.store(host);
    emit_unindexed::<IMOSAdmin::Paused>(host, &returns_address(host.sender()));
    Ok(Vec::new())
}

fn set_unpause(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    only_admin(host)?;
    let mut config = Config::load(host);
    require(config.paused, revert::NOT_PAUSED)?;
    config.paused = false;
    config.store(host);
    emit_unindexed::<IMOSAdmin::Unpaused>(host, &returns_address(host.sender()));
    Ok(Vec::new())
}

fn get_admin(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(layout::admin(host)))
}

fn change_admin(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let admin = admin_address_argument(host, args)?;
    let previous = layout::admin(host);
    layout::store_address(host, ADMIN_SLOT, admin);
    let data = TupleWriter::new(2).address(previous).address(admin).finish();
    emit_unindexed::<IMOSAdmin::AdminChanged>(host, &data);
    Ok(Vec::new())
}

fn get_implementation(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(layout::load_address(host, IMPLEMENTATION_SLOT)))
}

/// UUPS: the new implementation must have code and answer `proxiableUUID()` with the
/// implementation slot itself, not through a proxy ([`proxiable_uuid`]), so the proxy is never
/// pointed at code that could not upgrade it again: not at itself (every call would delegate to
/// itself until the gas ran out, for good) nor at another proxy of a MOS.
fn upgrade_to(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let implementation = Args::new(args, 1)?.address(0)?;
    require(host.sender() == layout::admin(host), revert::ONLY_ADMIN_UPGRADE)?;
    require(host.has_code(implementation), revert::NOT_A_CONTRACT)?;
    let uuid = host.static_call(implementation, &IMOSAdmin::proxiableUUIDCall::SELECTOR);
    let slot = B256::from(IMPLEMENTATION_SLOT);
    require(uuid.is_ok_and(|answer| answer.as_slice() == slot.as_slice()), revert::NOT_UUPS)?;
    layout::store_address(host, IMPLEMENTATION_SLOT, implementation);
    host.emit(&[IMOSAdmin::Upgraded::SIGNATURE_HASH, implementation.into_word()], &[]);
    Ok(Vec::new())
}

/// ERC-1822's `proxiableUUID`: the implementation slot, answered by the program only when it is
/// called directly (OpenZeppelin's `notDelegated`). Run through a proxy, the program sees the
/// proxy's storage, whose implementation slot is set; its own storage never has one.
fn proxiable_uuid(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    require(layout::load_address(host, IMPLEMENTATION_SLOT) == Address::ZERO, revert::DELEGATED)?;
    Ok(returns(B256::from(IMPLEMENTATION_SLOT)))
}

fn set_light_client(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let light_node = admin_address_argument(host, args)?;
    layout::set_light_node(host, light_node);
    host.emit(&[IMOSV3::SetLightClient::SIGNATURE_HASH, light_node.into_word()], &[]);
    Ok(Vec::new())
}

fn set_fee_service(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let fee_service = admin_address_argument(host, args)?;
    let mut config = Config::load(host);
    config.fee_service = fee_service;
    config.store(host);
    host.emit(&[IMOSV3::SetFeeService::SIGNATURE_HASH, fee_service.into_word()], &[]);
    Ok(Vec::new())
}

fn set_relay_contract(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 2)?;
    let (chain_id, relay) = (args.uint(0), args.address(1)?);
    only_admin(host)?;
    non_zero(relay)?;
    let relay_chain = packed_number(chain_id, revert::CHAIN_ID_TOO_LARGE)?;
    RelayMos { address: relay, chain_id: relay_chain }.store(host);
    host.emit(&[IMOSV3::SetRelayContract::SIGNATURE_HASH, chain_id.into(), relay.into_word()], &[]);
    Ok(Vec::new())
}

/// `value` as a number the layout packs in 12 bytes.
///
/// # Errors
/// `Error(reason)` above [`MAX_PACKED_NUMBER`].
pub fn packed_number(value: U256, reason: &str) -> ProgramResult<u128> {
    u128::try_from(value).ok().filter(|n| *n <= MAX_PACKED_NUMBER).ok_or_else(|| revert::error(reason))
}

fn set_max_payload_size(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let size = Args::new(args, 1)?.uint(0);
    only_admin(host)?;
    let mut config = Config::load(host);
    config.max_payload_size = u64::try_from(size).unwrap_or(u64::MAX);
    config.store(host);
    emit_unindexed::<IMOSExtensions::SetMaxPayloadSize>(host, &returns_uint(size));
    Ok(Vec::new())
}

fn emergency_withdraw(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 3)?;
    let (token, receiver, amount) = (args.address(0)?, args.address(1)?, args.uint(2));
    only_admin(host)?;
    non_zero(receiver)?;
    require(!amount.is_zero(), revert::WITHDRAW_AMOUNT)?;
    if token.is_zero() {
        send_value(host, receiver, amount)
    } else {
        let transfer = TupleWriter::call(IERC20::transferCall::SELECTOR, 2).address(receiver).uint(amount).finish();
        safe_erc20(host, token, &transfer)
    }?;
    Ok(Vec::new())
}

/// Sends `amount` wei to `to` with the 2,300-gas stipend only, as Solidity's `transfer`.
///
/// # Errors
/// The recipient's revert data when it refuses.
pub fn send_value(host: &Host, to: Address, amount: U256) -> ProgramResult<()> {
    host.call(to, &[], amount, 0).map(drop)
}

/// Calls an ERC-20 as OpenZeppelin's `SafeERC20` does: a revert is passed on, a token that
/// answers must answer `true`, and a token that answers nothing (USDT's style) must have code: a
/// call to an account without code succeeds with nothing, which would make a fee free or a
/// withdrawal a silent no-op. The code is looked at only when the answer is empty, as
/// OpenZeppelin 5 does, so a token that answers pays nothing for the check.
///
/// # Errors
/// The token's revert data; `SafeERC20: ERC20 operation did not succeed` for an answer other than
/// `true`; `Address: call to non-contract` for an address without code.
pub fn safe_erc20(host: &Host, token: Address, call: &[u8]) -> ProgramResult<()> {
    let returned = host.call(token, call, U256::ZERO, u64::MAX)?;
    if returned.is_empty() {
        return require(host.has_code(token), revert::CALL_TO_NON_CONTRACT);
    }
    let succeeded = TupleReader::new(&returned, 0, 1).is_ok_and(|answer| answer.uint(0) == U256::from(1));
    require(succeeded, revert::ERC20_FAILED)
}

fn nonce(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_uint(U256::from(LightNodeAndNonce::load(host).nonce)))
}

fn light_node(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(layout::light_node(host)))
}

fn relay_chain_id(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_uint(U256::from(RelayMos::load(host).chain_id)))
}

fn relay_contract(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(RelayMos::load(host).address))
}

fn fee_service(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(Config::load(host).fee_service))
}

fn max_payload_size(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_uint(U256::from(Config::load(host).max_payload_size)))
}

fn self_chain_id(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_uint(U256::from(host.chain_id())))
}

fn gas_limit_min(_: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_uint(U256::from(GAS_LIMIT_MIN)))
}

fn gas_limit_max(_: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_uint(U256::from(GAS_LIMIT_MAX)))
}

fn w_token(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(layout::w_token(host)))
}
