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
//! `initialize` anyone could call first. Without a recorded admin nobody can register anything.
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
use mos_light_client_shared::{address_arg, args, bytes_arg, mapping_slot, require, revert, Functions};
use mos_message::abi::{TupleWriter, WORD};
use stylus_host as host;

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

stylus_host::entrypoint!(route);

/// The functions, by selector.
const FUNCTIONS: Functions = &[
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

/// The program: dispatches calldata to the function with its selector. No function is payable.
///
/// # Errors
/// The function's revert data (a light node's, unchanged, for a forwarded call); empty for an
/// unknown selector, calldata shorter than a selector, or a call with value.
pub fn route(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    mos_light_client_shared::route(input, FUNCTIONS)
}

fn admin_address() -> Address {
    Address::from_word(host::storage_load(U256::from_be_bytes(ADMIN_SLOT)))
}

fn only_admin() -> Result<(), Vec<u8>> {
    require(host::msg_sender() == admin_address(), ONLY_ADMIN)
}

/// The slot of the light node of `chain_id`.
fn light_node_slot(chain_id: U256) -> U256 {
    mapping_slot(chain_id.into(), LIGHT_NODES)
}

/// The light node of `chain_id`; zero when none.
fn light_node(chain_id: U256) -> Address {
    Address::from_word(host::storage_load(light_node_slot(chain_id)))
}

/// The light node of `chain_id`, or the revert `LightClientManager: chain not registered`.
fn registered(chain_id: U256) -> Result<Address, Vec<u8>> {
    Some(light_node(chain_id)).filter(|node| !node.is_zero()).ok_or_else(|| revert(NOT_REGISTERED))
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
    fn send(self, node: Address, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        match self {
            Self::View => host::static_call(node, calldata),
            Self::Call => host::call(node, calldata, U256::ZERO, u64::MAX),
        }
    }
}

/// Forwards `(chainId, rest...)` as `selector(rest...)`, `rest` being static words.
fn forward_words(input: &[u8], words: usize, selector: [u8; 4]) -> Result<Vec<u8>, Vec<u8>> {
    let chain_id = args(input, 1 + words)?.uint(0);
    let node = registered(chain_id)?;
    let mut calldata = selector.to_vec();
    calldata.extend_from_slice(&input[WORD..(1 + words) * WORD]);
    Forward::View.send(node, &calldata)
}

/// `(chainId, bytes)`: the chain and the bytes.
fn chain_and_bytes(input: &[u8]) -> Result<(U256, &[u8]), Vec<u8>> {
    let mut args = args(input, 2)?;
    let data = bytes_arg(&mut args, 1)?;
    Ok((args.uint(0), data))
}

/// Forwards `(chainId, bytes)` as `selector(bytes)` to a registered light node.
fn forward_bytes(input: &[u8], selector: [u8; 4], how: Forward) -> Result<Vec<u8>, Vec<u8>> {
    let (chain_id, data) = chain_and_bytes(input)?;
    let node = registered(chain_id)?;
    how.send(node, &TupleWriter::call(selector, 1).bytes(data).finish())
}

/// Forwards a verifier; a chain without a light node fails the proof rather than reverting.
fn forward_verification(input: &[u8], selector: [u8; 4], how: Forward) -> Result<Vec<u8>, Vec<u8>> {
    let (chain_id, proof) = chain_and_bytes(input)?;
    let node = light_node(chain_id);
    if node.is_zero() {
        return Ok(TupleWriter::new(3).bool(false).bytes(NOT_REGISTERED_MESSAGE.as_bytes()).bytes(&[]).finish());
    }
    how.send(node, &TupleWriter::call(selector, 1).bytes(proof).finish())
}

fn verify_proof_data(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_verification(input, L::verifyProofDataCall::SELECTOR, Forward::View)
}

fn verify_proof_data_with_cache(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_verification(input, L::verifyProofDataWithCacheCall::SELECTOR, Forward::Call)
}

fn update_block_header(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_bytes(input, L::updateBlockHeaderCall::SELECTOR, Forward::Call)
}

fn update_light_client(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_bytes(input, L::updateLightClientCall::SELECTOR, Forward::Call)
}

fn is_verifiable(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_words(input, 2, L::isVerifiableCall::SELECTOR)
}

fn node_type(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_words(input, 0, L::nodeTypeCall::SELECTOR)
}

fn client_state(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_words(input, 0, L::clientStateCall::SELECTOR)
}

fn header_height(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_words(input, 0, L::headerHeightCall::SELECTOR)
}

fn verifiable_header_range(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    forward_words(input, 0, L::verifiableHeaderRangeCall::SELECTOR)
}

/// `notifyLightClient(chainId, from, data)`: `ManagerNotifySend(chainId, from, block.number, data)`.
fn notify_light_client(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let mut args = args(input, 3)?;
    let (chain_id, from) = (args.uint(0), address_arg(&args, 1)?);
    let data = bytes_arg(&mut args, 2)?;
    let topics = [
        M::ManagerNotifySend::SIGNATURE_HASH,
        chain_id.into(),
        from.into_word(),
        U256::from(host::block_number()).into(),
    ];
    host::emit_log(&topics, &TupleWriter::new(1).bytes(data).finish());
    Ok(Vec::new())
}

/// `registerLightNode(chainId, lightNode)`: admin only; zero removes the chain.
fn register_light_node(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let args = args(input, 2)?;
    let (chain_id, node) = (args.uint(0), address_arg(&args, 1)?);
    only_admin()?;
    host::storage_store(light_node_slot(chain_id), node.into_word());
    host::emit_log(&[A::LightNodeRegistered::SIGNATURE_HASH, chain_id.into()], node.into_word().as_slice());
    Ok(Vec::new())
}

fn light_nodes(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let chain_id = args(input, 1)?.uint(0);
    Ok(light_node(chain_id).into_word().to_vec())
}

fn admin(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(admin_address().into_word().to_vec())
}

/// `changeAdmin(newAdmin)`: admin only; never to the zero address (that would leave the registry
/// without anyone to keep it).
fn change_admin(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let new_admin = address_arg(&args(input, 1)?, 0)?;
    only_admin()?;
    if new_admin.is_zero() {
        return Err(revert(ZERO_ADMIN));
    }
    let previous = admin_address();
    host::storage_store(U256::from_be_bytes(ADMIN_SLOT), new_admin.into_word());
    let data = [previous.into_word().0, new_admin.into_word().0].concat();
    host::emit_log(&[A::AdminChanged::SIGNATURE_HASH], &data);
    Ok(Vec::new())
}
