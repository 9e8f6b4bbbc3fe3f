//! The MOS of the relay chain. Every message between two chains passes here: a messenger proves the
//! source chain's `mapMessageOut` to this MOS, which checks it through the light-client manager
//! against the MOS registered for that chain, then executes it here (a message for the relay
//! chain), forwards it unchanged (`relay` false), or executes it and forwards what the target
//! returned (`relay` true) with a new `mapMessageOut` that the destination's messenger picks up.
//! Deployed behind the relay chain's MOS proxy (`mos-proxy`), which holds its storage
//! (`mos_core::layout`).
//!
//! Besides the common interface (`mos_core::admin`) and the source role (`mos-source`, notifying
//! the manager for the destination), it has the chain registry (`registerChain`, `mosContracts`,
//! `chainTypes`), the manager (`setLightClientManager`, `lightClientManager`), and its own
//! `transferIn`, `transferInWithIndex`, `retryMessageIn` and `getOrderStatus`.
//!
//! Only EVM chains' logs are read: a chain registered as NEAR (whose logs MAP's relay does not
//! execute either) or not registered reverts `MOSV3: Invalid chain type`.
//!
//! Interface: `IMOSV3`, `IMOSRelay`, `IMOSAdmin`, `IMOSExtensions` of `mos_message::interfaces`.

#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::interfaces::ILightClientManager;
use mos_core::admin::{self, config_when_not_paused, only_admin};
use mos_core::deliver::{
    self, decode_message, execute, message_out, proven_log, proven_logs, record_failure, take_order, Failure,
};
use mos_core::layout::{self, Config, RegisteredChain};
use mos_core::{guard, revert, PAYABLE};
use mos_message::abi::{TupleReader, TupleWriter};
use mos_message::interfaces::{IMOSAdmin, IMOSExtensions, IMOSRelay, IMOSV3};
use mos_message::{ChainType, MessageData, MessageOut, MessageType};
use mos_program::{require, returns_address, returns_uint, Args, Functions, Host, ProgramResult, Router};

use mos_source::Source;

mos_program::entrypoint!(ROUTER);

/// The program: this role's functions, then the source role's, then the common ones.
pub static ROUTER: Router =
    Router { tables: &[FUNCTIONS, Source::<Manager>::FUNCTIONS, admin::FUNCTIONS], payable: PAYABLE, receives: true };

/// The functions only the relay chain's MOS has.
const FUNCTIONS: Functions = &[
    (IMOSV3::transferInCall::SELECTOR, transfer_in),
    (IMOSV3::transferInWithIndexCall::SELECTOR, transfer_in_with_index),
    (IMOSExtensions::retryMessageInCall::SELECTOR, retry_message_in),
    (IMOSV3::getOrderStatusCall::SELECTOR, get_order_status),
    (IMOSAdmin::initializeCall::SELECTOR, initialize),
    (IMOSRelay::registerChainCall::SELECTOR, register_chain),
    (IMOSRelay::setLightClientManagerCall::SELECTOR, set_light_client_manager),
    (IMOSRelay::lightClientManagerCall::SELECTOR, light_client_manager),
    (IMOSRelay::mosContractsCall::SELECTOR, mos_contracts),
    (IMOSRelay::chainTypesCall::SELECTOR, chain_types),
];

/// The light-client manager: one light client per registered chain.
struct Manager;

impl Manager {
    fn address(host: &Host) -> Address {
        layout::light_client_manager(host)
    }
}

impl mos_source::LightClient for Manager {
    fn notify(host: &Host, to_chain: U256) -> ProgramResult<()> {
        let call = TupleWriter::call(ILightClientManager::notifyLightClientCall::SELECTOR, 3)
            .uint(to_chain)
            .address(host.this())
            .bytes(&[])
            .finish();
        host.call(Self::address(host), &call, U256::ZERO, u64::MAX).map(drop)
    }
}

/// The manager, the light node (set only for parity with MAP) and the fee service: no message may
/// call them (nor the MOS itself).
fn forbidden_targets(host: &Host, config: &Config) -> [Address; 3] {
    [Manager::address(host), layout::light_node(host), config.fee_service]
}

/// A proof checked by the manager for `chain_id`: the lock, pause, the manager's verdict, and the
/// chain's registration, in MAP's order. Returns the proven logs' answer, the MOS registered for
/// the chain, and the addresses no message may call.
fn begin_delivery(host: &Host, selector: [u8; 4], chain_id: U256, proof: &[u8]) -> ProgramResult<Delivery> {
    guard::lock(host)?;
    let config = config_when_not_paused(host)?;
    let forbidden = forbidden_targets(host, &config);
    let call = TupleWriter::call(selector, 2).uint(chain_id).bytes(proof).finish();
    let answer = if selector == ILightClientManager::verifyProofDataCall::SELECTOR {
        host.static_call(forbidden[0], &call)?
    } else {
        host.call(forbidden[0], &call, U256::ZERO, u64::MAX)?
    };
    let chain = RegisteredChain::load(host, chain_id);
    Ok(Delivery { answer, chain, forbidden })
}

/// What [`begin_delivery`] found.
struct Delivery {
    answer: Vec<u8>,
    chain: RegisteredChain,
    forbidden: [Address; 3],
}

impl Delivery {
    /// The proven logs, from an EVM chain.
    ///
    /// # Errors
    /// The manager's failure message; `MOSV3: Invalid chain type` unless the chain is registered
    /// as EVM; `MOSV3: Invalid logs`.
    fn logs(&self) -> ProgramResult<light_client_iface::LogList<'_>> {
        let logs = proven_logs(&self.answer)?;
        require(self.chain.chain_type == ChainType::Evm as u8, revert::INVALID_CHAIN_TYPE)?;
        Ok(logs)
    }
}

fn transfer_in(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 2)?;
    let (chain_id, proof) = (args.uint(0), args.bytes(1)?);
    let delivery = begin_delivery(host, ILightClientManager::verifyProofDataCall::SELECTOR, chain_id, proof)?;
    for log in delivery.logs()?.iter() {
        let log = proven_log(log)?;
        if log.topic(0) == Some(MessageOut::TOPIC) && log.address().as_slice() == delivery.chain.host.as_slice() {
            relay_in(host, chain_id, &message_out(&log)?, &delivery.forbidden)?;
        }
    }
    let topics = [
        IMOSV3::mapTransferExecute::SIGNATURE_HASH,
        chain_id.into(),
        U256::from(host.chain_id()).into(),
        host.sender().into_word(),
    ];
    host.emit(&topics, &[]);
    guard::unlock(host);
    Ok(Vec::new())
}

fn transfer_in_with_index(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 3)?;
    let (chain_id, log_index, proof) = (args.uint(0), args.uint(1), args.bytes(2)?);
    let selector = ILightClientManager::verifyProofDataWithCacheCall::SELECTOR;
    let delivery = begin_delivery(host, selector, chain_id, proof)?;
    let log = proven_log(delivery.logs()?.get(usize::try_from(log_index).unwrap_or(usize::MAX)))?;
    require(log.topic(0) == Some(MessageOut::TOPIC), revert::INVALID_TOPIC)?;
    require(log.address().as_slice() == delivery.chain.host.as_slice(), revert::INVALID_MOS_CONTRACT)?;
    relay_in(host, chain_id, &message_out(&log)?, &delivery.forbidden)?;
    guard::unlock(host);
    Ok(Vec::new())
}

/// One proven message: taken once, from the chain it was proven for; executed here when it is for
/// the relay chain, otherwise forwarded (after executing it here when it asks to be relayed).
fn relay_in(host: &Host, chain_id: U256, message: &MessageOut, forbidden: &[Address]) -> ProgramResult<()> {
    take_order(host, message.order_id)?;
    require(chain_id == message.from_chain, revert::INVALID_CHAIN_ID)?;
    if message.to_chain == U256::from(host.chain_id()) {
        return deliver::run_and_record(host, message, forbidden);
    }
    let data = match decode_message(&message.message_data) {
        Ok(data) => data,
        Err(failure) => {
            record_failure(host, message, &failure);
            return Ok(());
        }
    };
    if !data.relay {
        return forward(host, message, &message.from_address, &message.message_data);
    }
    match execute_and_reply(host, message, &data, forbidden)? {
        Ok(reply) => forward(host, message, &data.target, &reply),
        Err(failure) => {
            record_failure(host, message, &failure);
            Ok(())
        }
    }
}

/// Gas a `relay` message's execution leaves for what follows it: the manager's notification, the
/// new `mapMessageOut` and the end of the delivery, with margin. A target that leaves less makes the
/// whole transaction run out of gas, and the message stays deliverable with more, as on MAP.
const FORWARD_RESERVE: u64 = 60_000;

/// What a `relay` message's target is given: all the gas left but [`FORWARD_RESERVE`] (MAP calls
/// it with no gas limit), and never less than its `gasLimit`.
fn relay_gas(gas_limit: u64) -> guard::TargetGas {
    guard::TargetGas::AllBut { gas_limit, reserve: FORWARD_RESERVE }
}

/// Executes a `relay` message here and returns what goes on to the destination: a MESSAGE target's
/// `mapoExecute` result, a CALLDATA target's raw return data (as MAP forwards them).
fn execute_and_reply(
    host: &Host,
    message: &MessageOut,
    data: &MessageData,
    forbidden: &[Address],
) -> ProgramResult<Result<Vec<u8>, Failure>> {
    Ok(execute(host, message, data, forbidden, relay_gas)?.and_then(|returned| match data.msg_type {
        MessageType::Calldata => Ok(returned),
        MessageType::Message => TupleReader::new(&returned, 0, 1)
            .and_then(|mut reply| reply.bytes(0, "newMessage").map(<[u8]>::to_vec))
            .map_err(|_| Failure::Refused(revert::reason::INVALID_RETURN_DATA)),
    }))
}

/// Sends a message on to its destination: the manager hears of it, then
/// `mapMessageOut(fromChain, toChain, orderId, fromAddress, messageData)`.
fn forward(host: &Host, message: &MessageOut, from_address: &[u8], message_data: &[u8]) -> ProgramResult<()> {
    <Manager as mos_source::LightClient>::notify(host, message.to_chain)?;
    let data = TupleWriter::new(3).word(message.order_id).bytes(from_address).bytes(message_data).finish();
    let topics = [IMOSV3::mapMessageOut::SIGNATURE_HASH, message.from_chain.into(), message.to_chain.into()];
    host.emit(&topics, &data);
    Ok(())
}

/// `retryMessageIn`: a failed message for the relay chain runs again here; a failed `relay` message
/// is executed again and, when it succeeds, forwarded.
fn retry_message_in(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let message = deliver::begin_retry(host, args)?;
    let forbidden = forbidden_targets(host, &Config::load(host));
    if message.to_chain == U256::from(host.chain_id()) {
        return deliver::retry_here(host, &message, &forbidden);
    }
    let data = decode_message(&message.message_data).map_err(Failure::into_revert)?;
    let reply = execute_and_reply(host, &message, &data, &forbidden)?.map_err(Failure::into_revert)?;
    forward(host, &message, &data.target, &reply)?;
    deliver::end_retry(host, &message);
    Ok(Vec::new())
}

/// `(exists, verifiable, nodeType)`: the order, and what the manager says of the chain's block.
fn get_order_status(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let args = Args::new(args, 3)?;
    let (chain_id, block, order_id) = (args.uint(0), args.uint(1), args.bytes32(2));
    let verifiable = TupleWriter::call(ILightClientManager::isVerifiableCall::SELECTOR, 3)
        .uint(chain_id)
        .uint(block)
        .word(B256::ZERO)
        .finish();
    let node_type = TupleWriter::call(ILightClientManager::nodeTypeCall::SELECTOR, 1).uint(chain_id).finish();
    deliver::order_status(host, order_id, Manager::address(host), &verifiable, &node_type)
}

/// `initialize(wToken, lightClientManager)`.
fn initialize(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let manager = admin::initialize(host, args)?;
    layout::set_light_client_manager(host, manager);
    Ok(Vec::new())
}

/// `registerChain(chainId, mosAddress, chainType)` (admin): the MOS whose logs are accepted from a
/// chain, and how to read them.
fn register_chain(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let mut args = Args::new(args, 3)?;
    let (chain_id, address, chain_type) = (args.uint(0), args.bytes(1)?, args.uint(2));
    let chain_type = u8::try_from(chain_type).ok().filter(|t| ChainType::try_from(*t).is_ok()).ok_or_else(Vec::new)?;
    only_admin(host)?;
    RegisteredChain { chain_type, host: address.to_vec() }.store(host, chain_id)?;
    let data = TupleWriter::new(3).uint(chain_id).bytes(address).uint(U256::from(chain_type)).finish();
    host.emit(&[IMOSRelay::RegisterChain::SIGNATURE_HASH], &data);
    Ok(Vec::new())
}

fn set_light_client_manager(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let manager = Args::new(args, 1)?.address(0)?;
    only_admin(host)?;
    admin::non_zero(manager)?;
    layout::set_light_client_manager(host, manager);
    host.emit(&[IMOSRelay::SetLightClientManager::SIGNATURE_HASH], &returns_address(manager));
    Ok(Vec::new())
}

fn light_client_manager(host: &Host, _: &[u8]) -> ProgramResult<Vec<u8>> {
    Ok(returns_address(Manager::address(host)))
}

fn mos_contracts(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let chain = RegisteredChain::load(host, Args::new(args, 1)?.uint(0));
    Ok(TupleWriter::new(1).bytes(&chain.host).finish())
}

fn chain_types(host: &Host, args: &[u8]) -> ProgramResult<Vec<u8>> {
    let chain = RegisteredChain::load(host, Args::new(args, 1)?.uint(0));
    Ok(returns_uint(U256::from(chain.chain_type)))
}
