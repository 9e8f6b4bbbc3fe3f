//! The MOS of a chain other than the relay chain: what dApps on the chain call to send, and what
//! messengers call to deliver what the relay chain sent here. Deployed behind the chain's MOS
//! proxy (`mos-proxy`), which holds its storage (`mos_core::layout`).
//!
//! Besides the common interface (`mos_core::admin`) and the source role (`mos-source`, notifying
//! the light node), it receives: `transferIn` and `transferInWithIndex` verify a receipt of the
//! relay chain through the light node, take every `mapMessageOut` the registered relay MOS emitted
//! for this chain (or the one log asked for), and execute it (`mos_core::deliver`);
//! `retryMessageIn` runs a failed one again; `getOrderStatus` reports an order and the light node's
//! view of a block.
//!
//! Interface: `IMOSV3`, `IMOSAdmin`, `IMOSExtensions` of `mos_message::interfaces`.

#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::interfaces::ILightNode;
use mos_core::admin::{self, config_when_not_paused};
use mos_core::deliver::{self, deliver_here, message_out, proven_log, proven_logs};
use mos_core::layout::{self, Config, RelayMos};
use mos_core::{guard, revert, PAYABLE};
use mos_message::abi::TupleWriter;
use mos_message::interfaces::{IMOSAdmin, IMOSExtensions, IMOSV3};
use mos_message::MessageOut;
use mos_program::{require, Args, Functions, Host, ProgramResult, Router};

use mos_source::Source;

mos_program::entrypoint!(ROUTER);

/// The program: this role's functions, then the source role's, then the common ones.
pub static ROUTER: Router =
    Router { tables: &[FUNCTIONS, Source::<LightNode>::FUNCTIONS, admin::FUNCTIONS], payable: PAYABLE, receives: true };

/// The functions only a chain's MOS has.
const FUNCTIONS: Functions = &[
    (IMOSV3::transferInCall::SELECTOR, transfer_in),
    (IMOSV3::transferInWithIndexCall::SELECTOR, transfer_in_with_index),
    (IMOSExtensions::retryMessageInCall::SELECTOR, retry_message_in),
    (IMOSV3::getOrderStatusCall::SELECTOR, get_order_status),
    (IMOSAdmin::initializeCall::SELECTOR, initialize),
];

/// The chain's light node: it verifies the relay chain's receipts and hears of every message sent.
struct LightNode;

impl LightNode {
    fn address(host: &Host) -> Address {
        layout::light_node(host)
    }
}

impl mos_source::LightClient for LightNode {
    fn notify(host: &Host, _to_chain: U256) -> ProgramResult<()> {
        let call =
            TupleWriter::call(ILightNode::notifyLightClientCall::SELECTOR, 2).address(host.this()).bytes(&[]).finish();
        host.call(Self::address(host), &call, U256::ZERO, u64::MAX).map(drop)
    }
}

/// What every delivery checks first, in MAP's order: the lock, pause, the relay chain. Returns the
/// relay MOS (zero until `setRelayContract`, and then nothing is accepted) and the addresses no
/// message may call: the light node, then the fee service.
fn begin_delivery(host: &Host, chain_id: U256) -> ProgramResult<(Address, [Address; 2])> {
    guard::lock(host)?;
    let config = config_when_not_paused(host)?;
    let relay = RelayMos::load(host);
    require(chain_id == U256::from(relay.chain_id), revert::INVALID_CHAIN_ID)?;
    Ok((relay.address, forbidden_targets(host, &config)))
}

/// The light node and the fee service: no message may call them (nor the MOS itself).
fn forbidden_targets(host: &Host, config: &Config) -> [Address; 2] {
    [LightNode::address(host), config.fee_service]
}

/// Whether a proven log was emitted by the relay MOS.
fn from_relay(relay: Address, emitter: Address) -> bool {
    !relay.is_zero() && emitter == relay
}

/// The arguments both deliveries end with: `(chainId, [logIndex,] receiptProof)`.
fn proof_call(selector: [u8; 4], proof: &[u8]) -> Vec<u8> {
    TupleWriter::call(selector, 1).bytes(proof).finish()
}

fn transfer_in(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 2)?;
    let (chain_id, proof) = (args.uint(0), args.bytes(1)?);
    let (relay, forbidden) = begin_delivery(host, chain_id)?;
    let answer = host.static_call(forbidden[0], &proof_call(ILightNode::verifyProofDataCall::SELECTOR, proof))?;
    let self_chain = U256::from(host.chain_id());
    for log in proven_logs(&answer)?.iter() {
        let log = proven_log(log)?;
        if log.topic(0) != Some(MessageOut::TOPIC) || !from_relay(relay, log.address()) {
            continue;
        }
        let message = message_out(&log)?;
        if message.to_chain == self_chain {
            deliver_here(host, &message, &forbidden)?;
        }
    }
    let topics =
        [IMOSV3::mapTransferExecute::SIGNATURE_HASH, chain_id.into(), self_chain.into(), host.sender().into_word()];
    host.emit(&topics, &[]);
    guard::unlock(host);
    Ok(Vec::new())
}

fn transfer_in_with_index(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 3)?;
    let (chain_id, log_index, proof) = (args.uint(0), args.uint(1), args.bytes(2)?);
    let (relay, forbidden) = begin_delivery(host, chain_id)?;
    let call = proof_call(ILightNode::verifyProofDataWithCacheCall::SELECTOR, proof);
    let answer = host.call(forbidden[0], &call, U256::ZERO, u64::MAX)?;
    let index = usize::try_from(log_index).unwrap_or(usize::MAX);
    let log = proven_log(proven_logs(&answer)?.get(index))?;
    require(from_relay(relay, log.address()), revert::INVALID_RELAY)?;
    require(log.topic(0) == Some(MessageOut::TOPIC), revert::INVALID_TOPIC)?;
    let message = message_out(&log)?;
    require(message.to_chain == U256::from(host.chain_id()), revert::INVALID_TARGET_CHAIN)?;
    deliver_here(host, &message, &forbidden)?;
    guard::unlock(host);
    Ok(Vec::new())
}

fn retry_message_in(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let message = deliver::begin_retry(host, args)?;
    deliver::retry_here(host, &message, &forbidden_targets(host, &Config::load(host)))
}

/// `(exists, verifiable, nodeType)`: the order, and what the light node says of the block.
fn get_order_status(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 3)?;
    let (block, order_id) = (args.uint(1), args.bytes32(2));
    let verifiable = TupleWriter::call(ILightNode::isVerifiableCall::SELECTOR, 2).uint(block).word(B256::ZERO).finish();
    deliver::order_status(host, order_id, LightNode::address(host), &verifiable, &ILightNode::nodeTypeCall::SELECTOR)
}

/// `initialize(wToken, lightNode)`.
fn initialize(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let light_node = admin::initialize(host, args)?;
    layout::set_light_node(host, light_node);
    Ok(Vec::new())
}
