//! The relay chain's light-client manager (`ILightClientManager`): one light node per registered
//! chain, each call forwarded to the light node of its `chainId`.
//!
//! - Views (`verifyProofData`, `isVerifiable`, `nodeType`, `clientState`, `headerHeight`,
//!   `verifiableHeaderRange`) are `STATICCALL`s; `verifyProofDataWithCache`, `updateBlockHeader` and
//!   `updateLightClient` are calls. The light node's answer comes back unchanged, and so does its
//!   revert data.
//! - A chain without a light node: both verifiers answer `(false, "chain not registered", "")`,
//!   as a failed proof; the other forwarded calls revert `LightClientManager: chain not registered`.
//! - `notifyLightClient(chainId, from, data)` emits `ManagerNotifySend(chainId, from, block.number,
//!   data)` whether or not the chain is registered, so a relay MOS's `transferOut` never fails for it.
//!
//! The registry (`ILightClientManagerAdmin`): the admin registers, replaces or removes (the zero
//! address) a chain's light node and may hand the registry over. The admin is whoever deployed
//! the manager: deploy it with `stylus_wasm::deploy::init_code_recording_deployer(code,
//! ADMIN_SLOT)`, which stores the deploying account as part of the creation, so there is no
//! `initialize` anyone could call first; or with `cargo stylus deploy --constructor-args ADMIN`,
//! which runs `stylus_constructor(admin)` in the creating transaction (`mos_program::constructor`).
//! Create it no other way: until an admin is recorded nobody can register anything, and the first
//! to call the constructor becomes the admin.
//!
//! Storage: slot 0 ([`ADMIN_SLOT`]) the admin; `keccak(uint256(chainId) ‖ 1)` the light node of
//! `chainId` (Solidity's layout of `mapping(uint256 => address)` at slot 1).
//!
//! A call with value, an unknown selector or calldata that is not the function's ABI arguments
//! reverts without data, as Solidity does.

#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::interfaces::{ILightClientManager as M, ILightClientManagerAdmin as A, ILightNode as L};
use mos_message::abi::{TupleWriter, WORD};
use mos_program::{mapping_slot, require, revert, Args, Functions, Host, ProgramResult, Router};

/// The admin's slot, where deployment records the deployer.
pub const ADMIN_SLOT: [u8; 32] = [0; 32];
/// Base of `mapping(uint256 chainId => address lightNode)`.
const LIGHT_NODES: u64 = 1;

/// An admin function called by someone else.
pub const ONLY_ADMIN: &str = "LightClientManager: only admin";
/// A forwarded call for a chain without a light node.
pub const NOT_REGISTERED: &str = "LightClientManager: chain not registered";
/// `changeAdmin` to the zero address.
pub const ZERO_ADMIN: &str = "LightClientManager: zero admin";
/// The verifiers' `message` for a chain without a light node.
pub const NOT_REGISTERED_MESSAGE: &str = "chain not registered";

mos_program::entrypoint!(ROUTER);

/// The functions, by selector.
const FUNCTIONS: Functions = &[
    (mos_program::constructor::SELECTOR, constructor),
    (M::verifyProofDataCall::SELECTOR, verify_proof_data),
    (M::verifyProofDataWithCacheCall::SELECTOR, verify_proof_data_with_cache),
    (M::notifyLightClientCall::SELECTOR, notify_light_client),
    (M::isVerifiableCall::SELECTOR, is_verifiable),
    (M::nodeTypeCall::SELECTOR, node_type),
    (M::updateBlockHeaderCall::SELECTOR, update_block_header),
    (M::updateLightClientCall::SELECTOR, update_light_client),
    (M::clientStateCall::SELECTOR, client_state),
    (M::headerHeightCall::SELECTOR, header_height),
    (M::verifiableHeaderRangeCall::SELECTOR, verifiable_header_range),
    (A::registerLightNodeCall::SELECTOR, register_light_node),
    (A::lightNodesCall::SELECTOR, light_nodes),
    (A::adminCall::SELECTOR, admin),
    (A::changeAdminCall::SELECTOR, change_admin),
];

/// The program: dispatches calldata to the function with its selector. No function is payable and
/// there is no `receive`: calls with value revert.
pub static ROUTER: Router = Router { tables: &[FUNCTIONS], payable: &[], receives: false };

fn admin_address(host: &Host) -> Address {
    Address::from_word(host.load(U256::from_be_bytes(ADMIN_SLOT)))
}

fn only_admin(host: &Host) -> ProgramResult<()> {
    require(host.sender() == admin_address(host), ONLY_ADMIN)
}

/// The slot of the light node of `chain_id`.
fn light_node_slot(host: &Host, chain_id: U256) -> U256 {
    mapping_slot(host, chain_id.into(), U256::from(LIGHT_NODES))
}

/// The light node of `chain_id`; zero when none.
fn light_node(host: &Host, chain_id: U256) -> Address {
    Address::from_word(host.load(light_node_slot(host, chain_id)))
}

/// The light node of `chain_id`, or the revert `LightClientManager: chain not registered`.
fn registered(host: &Host, chain_id: U256) -> ProgramResult<Address> {
    Some(light_node(host, chain_id)).filter(|node| !node.is_zero()).ok_or_else(|| revert::error(NOT_REGISTERED))
}

/// How a forwarded call reaches the light node.
#[derive(Clone, Copy)]
enum Forward {
    /// `STATICCALL`: a view.
    View,
    /// `CALL`: a function that may write.
    Call,
}

impl Forward {
    /// Sends `calldata` to `node`: its return data, or its revert data unchanged.
    fn send(self, host: &Host, node: Address, calldata: &[u8]) -> ProgramResult {
        match self {
            Self::View => host.static_call(node, calldata),
            Self::Call => host.call(node, calldata, U256::ZERO, u64::MAX),
        }
    }
}

/// Forwards `(chainId, rest...)` as `selector(rest...)`, `rest` being static words.
fn forward_words(host: &Host, input: &[u8], words: usize, selector: [u8; 4]) -> ProgramResult {
    let chain_id = Args::new(input, 1 + words)?.uint(0);
    let node = registered(host, chain_id)?;
    let mut calldata = selector.to_vec();
    calldata.extend_from_slice(&input[WORD..(1 + words) * WORD]);
    Forward::View.send(host, node, &calldata)
}

/// `(chainId, bytes)`: the chain and the bytes.
fn chain_and_bytes(input: &[u8]) -> Result<(U256, &[u8]), Vec<u8>> {
    let mut args = Args::new(input, 2)?;
    let data = args.bytes(1)?;
    Ok((args.uint(0), data))
}

/// Forwards `(chainId, bytes)` as `selector(bytes)` to a registered light node.
fn forward_bytes(host: &Host, input: &[u8], selector: [u8; 4], how: Forward) -> ProgramResult {
    let (chain_id, data) = chain_and_bytes(input)?;
    let node = registered(host, chain_id)?;
    how.send(host, node, &TupleWriter::call(selector, 1).bytes(data).finish())
}

/// Forwards a verifier; a chain without a light node fails the proof rather than reverting.
fn forward_verification(host: &Host, input: &[u8], selector: [u8; 4], how: Forward) -> ProgramResult {
    let (chain_id, proof) = chain_and_bytes(input)?;
    let node = light_node(host, chain_id);
    if node.is_zero() {
        return Ok(TupleWriter::new(3).bool(false).bytes(NOT_REGISTERED_MESSAGE.as_bytes()).bytes(&[]).finish());
    }
    how.send(host, node, &TupleWriter::call(selector, 1).bytes(proof).finish())
}

fn verify_proof_data(host: &Host, input: &[u8]) -> ProgramResult {
    forward_verification(host, input, L::verifyProofDataCall::SELECTOR, Forward::View)
}

fn verify_proof_data_with_cache(host: &Host, input: &[u8]) -> ProgramResult {
    forward_verification(host, input, L::verifyProofDataWithCacheCall::SELECTOR, Forward::Call)
}

fn update_block_header(host: &Host, input: &[u8]) -> ProgramResult {
    forward_bytes(host, input, L::updateBlockHeaderCall::SELECTOR, Forward::Call)
}

fn update_light_client(host: &Host, input: &[u8]) -> ProgramResult {
    forward_bytes(host, input, L::updateLightClientCall::SELECTOR, Forward::Call)
}

fn is_verifiable(host: &Host, input: &[u8]) -> ProgramResult {
    forward_words(host, input, 2, L::isVerifiableCall::SELECTOR)
}

fn node_type(host: &Host, input: &[u8]) -> ProgramResult {
    forward_words(host, input, 0, L::nodeTypeCall::SELECTOR)
}

fn client_state(host: &Host, input: &[u8]) -> ProgramResult {
    forward_words(host, input, 0, L::clientStateCall::SELECTOR)
}

fn header_height(host: &Host, input: &[u8]) -> ProgramResult {
    forward_words(host, input, 0, L::headerHeightCall::SELECTOR)
}

fn verifiable_header_range(host: &Host, input: &[u8]) -> ProgramResult {
    forward_words(host, input, 0, L::verifiableHeaderRangeCall::SELECTOR)
}

/// `notifyLightClient(chainId, from, data)`: `ManagerNotifySend(chainId, from, block.number, data)`.
fn notify_light_client(host: &Host, input: &[u8]) -> ProgramResult {
    let mut args = Args::new(input, 3)?;
    let (chain_id, from) = (args.uint(0), args.address(1)?);
    let data = args.bytes(2)?;
    let topics = [
        M::ManagerNotifySend::SIGNATURE_HASH,
        chain_id.into(),
        from.into_word(),
        U256::from(host.block_number()).into(),
    ];
    host.emit(&topics, &TupleWriter::new(1).bytes(data).finish());
    Ok(Vec::new())
}

/// `registerLightNode(chainId, lightNode)`: admin only; zero removes the chain.
fn register_light_node(host: &Host, input: &[u8]) -> ProgramResult {
    let args = Args::new(input, 2)?;
    let (chain_id, node) = (args.uint(0), args.address(1)?);
    only_admin(host)?;
    host.store(light_node_slot(host, chain_id), node.into_word());
    host.emit(&[A::LightNodeRegistered::SIGNATURE_HASH, chain_id.into()], node.into_word().as_slice());
    Ok(Vec::new())
}

fn light_nodes(host: &Host, input: &[u8]) -> ProgramResult {
    let chain_id = Args::new(input, 1)?.uint(0);
    Ok(light_node(host, chain_id).into_word().to_vec())
}

fn admin(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(admin_address(host).into_word().to_vec())
}

/// `changeAdmin(newAdmin)`: admin only; never to the zero address (that would leave the registry
/// without anyone to keep it).
fn change_admin(host: &Host, input: &[u8]) -> ProgramResult {
    let new_admin = Args::new(input, 1)?.address(0)?;
    only_admin(host)?;
    if new_admin.is_zero() {
        return Err(revert::error(ZERO_ADMIN));
    }
    let previous = admin_address(host);
    host.store(U256::from_be_bytes(ADMIN_SLOT), new_admin.into_word());
    let data = [previous.into_word().0, new_admin.into_word().0].concat();
    host.emit(&[A::AdminChanged::SIGNATURE_HASH], &data);
    Ok(Vec::new())
}

/// `stylus_constructor(admin)`: the admin, when the creation did not record one.
fn constructor(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    mos_program::constructor::record_owner(host, args, U256::from_be_bytes(ADMIN_SLOT))
}
