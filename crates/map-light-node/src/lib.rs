//! The light node of the MAP relay chain's consensus (`ILightNode`, nodeType 1, "default"): it
//! follows the relay chain's validator set epoch by epoch, and accepts a block only when more than
//! two thirds of the epoch's validators sealed it (IBFT, BLS over BN254), as MAP's own `LightNode`
//! (mapprotocol/map-contracts) does; then the receipt under the block's receipts root by
//! Merkle-Patricia proof. The consensus rules are `map_ibft`'s (docs/map-light-node.md).
//!
//! - `initialize(epoch, epochSize, validatorKeys)`: only the deployer, once: the first epoch the
//!   node trusts, and its validators' G1 keys. Deploy with `init_code_recording_deployer(code,
//!   DEPLOYER_SLOT)` or `cargo stylus deploy --constructor-args DEPLOYER`, as the committee node.
//! - `updateBlockHeader(rlp([header, aggregatedKey]))`: anyone may give the header of the current
//!   epoch's last block, sealed by the current validators ([`map_ibft::verify_seal`]); the
//!   validator change its Istanbul extra carries makes the next epoch's set. Epochs advance one at
//!   a time: an older epoch's update (a replay) and a later one's (a skip) are refused.
//! - `verifyProofData(rlp([header, aggregatedKey, receiptIndex, nodes]))`: the header's seal
//!   against the validators of its block's epoch (an epoch the node holds), then the receipt's
//!   proof under its receipts root; `(true, "", logs)` with the receipt's RLP log list, or
//!   `(false, message, "")`, never a revert. `verifyProofDataWithCache` answers the same (it
//!   caches nothing).
//!
//! # Failures
//!
//! `initialize` and `updateBlockHeader` revert with `Error(string)`: the strings of [`reason`],
//! or `LightNode: ` and the refused seal's reason ([`map_ibft::SealError`]). `verifyProofData`'s
//! messages: `invalid proof encoding`, `invalid block header`, `block of an epoch the light node
//! does not hold`, the seal's reason, `invalid receipt proof: <what>`, `invalid receipt`.
//!
//! # `clientState()`
//!
//! `abi.encode(uint256 epochSize, uint256 firstEpoch, uint256 currentEpoch, uint256 validators)`
//! (zero before `initialize`). `headerHeight()` is the last block of the epoch before the current
//! one (the last header given, or the first epoch's start); `verifiableHeaderRange()` the first
//! and last block of the epochs held.
//!
//! # Storage
//!
//! | slot | what |
//! |---|---|
//! | 0 | the deployer, written by the init code ([`storage::DEPLOYER_SLOT`]) |
//! | 1 | [`storage::Config`]: `0 ‖ currentEpoch ‖ firstEpoch ‖ epochSize`, 64 bits each |
//! | `keccak(uint256(epoch) ‖ 2)` | the number of `epoch`'s validators; then x and y of each G1 key; then x and y of their sum |

#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

mod precompiles;
pub mod reason;
pub mod storage;

use alloc::vec::Vec;

use alloy_primitives::U256;
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::{index_key, interfaces::ILightNode, interfaces::IMapLightNode, verify_proof, ReceiptView};
use map_ibft::{
    epoch_of, is_last_of_epoch, next_g1_keys, verify_seal, AtlasHeader, EpochKeys, G1Point, IstanbulExtra, Precompiles,
    SealedHeader, SealedReceiptProof, G1_KEY_LENGTH,
};
use mos_message::abi::TupleWriter;
use mos_program::{require, returns, revert, Args, Functions, Host, ProgramResult, Router};

use precompiles::HostPrecompiles;
use storage::{Config, StoredKeys, MAX_VALIDATORS};

/// What `nodeType()` answers: MAP's default light node.
pub const NODE_TYPE: u64 = 1;

mos_program::entrypoint!(ROUTER);

/// The functions, by selector.
const FUNCTIONS: Functions = {
    use ILightNode as L;
    use IMapLightNode as M;
    &[
        (mos_program::constructor::SELECTOR, constructor),
        (L::verifyProofDataCall::SELECTOR, verify_proof_data),
        (L::verifyProofDataWithCacheCall::SELECTOR, verify_proof_data),
        (L::updateBlockHeaderCall::SELECTOR, update_block_header),
        (L::isVerifiableCall::SELECTOR, is_verifiable),
        (L::nodeTypeCall::SELECTOR, node_type),
        (L::notifyLightClientCall::SELECTOR, notify_light_client),
        (L::updateLightClientCall::SELECTOR, update_light_client),
        (L::clientStateCall::SELECTOR, client_state),
        (L::headerHeightCall::SELECTOR, header_height),
        (L::verifiableHeaderRangeCall::SELECTOR, verifiable_header_range),
        (M::initializeCall::SELECTOR, initialize),
        (M::epochSizeCall::SELECTOR, epoch_size),
        (M::firstEpochCall::SELECTOR, first_epoch),
        (M::currentEpochCall::SELECTOR, current_epoch),
        (M::validatorKeysCall::SELECTOR, validator_keys),
    ]
};

/// The program: dispatches calldata to the function with its selector. No function is payable and
/// there is no `receive`: calls with value revert.
pub static ROUTER: Router = Router { tables: &[FUNCTIONS], payable: &[], receives: false };

/// Checks that `keys` are 1 to [`MAX_VALIDATORS`] points of G1; their sum (by `0x06`).
fn check_keys(host: &Host, keys: &[[u8; G1_KEY_LENGTH]]) -> Result<G1Point, Vec<u8>> {
    require(!keys.is_empty() && keys.len() <= MAX_VALIDATORS, reason::INVALID_VALIDATORS)?;
    let precompiles = HostPrecompiles(host);
    keys.iter().try_fold(G1Point::INFINITY, |sum, key| {
        let key = G1Point::from_bytes(key).ok_or_else(|| revert::error(reason::INVALID_KEY))?;
        precompiles.ec_add(sum, key).ok_or_else(|| revert::error(reason::INVALID_KEY))
    })
}

/// `ValidatorsUpdated(epoch, validators)`.
fn emit_validators(host: &Host, epoch: u64, validators: usize) {
    let topics = [IMapLightNode::ValidatorsUpdated::SIGNATURE_HASH, U256::from(epoch).into()];
    host.emit(&topics, &U256::from(validators).to_be_bytes::<32>());
}

/// `initialize(epoch, epochSize, validatorKeys)`.
fn initialize(host: &Host, input: &[u8]) -> ProgramResult {
    let mut args = Args::new(input, 3)?;
    let (epoch, epoch_size) = (args.uint(0), args.uint(1));
    let keys = args.bytes(2)?;
    require(host.sender() == storage::deployer(host), reason::ONLY_DEPLOYER)?;
    require(!Config::load(host).initialized(), reason::ALREADY_INITIALIZED)?;
    let positive = |value: U256| u64::try_from(value).ok().filter(|value| *value != 0);
    let (Some(epoch), Some(epoch_size)) = (positive(epoch), positive(epoch_size)) else {
        return Err(revert::error(reason::INVALID_EPOCH));
    };
    require(keys.len().is_multiple_of(G1_KEY_LENGTH), reason::INVALID_VALIDATORS)?;
    let keys: Vec<[u8; G1_KEY_LENGTH]> =
        keys.chunks_exact(G1_KEY_LENGTH).filter_map(|key| key.try_into().ok()).collect();
    let sum = check_keys(host, &keys)?;
    storage::set_keys(host, epoch, &keys, sum);
    Config { epoch_size, first_epoch: epoch, current_epoch: epoch }.store(host);
    emit_validators(host, epoch, keys.len());
    Ok(Vec::new())
}

/// `updateBlockHeader(rlp([header, aggregatedKey]))`.
fn update_block_header(host: &Host, input: &[u8]) -> ProgramResult {
    let data = Args::new(input, 1)?.bytes(0)?;
    let mut config = Config::load(host);
    require(config.initialized(), reason::NOT_INITIALIZED)?;
    let sealed = SealedHeader::decode(data).map_err(|_| revert::error(reason::MALFORMED))?;
    let header = AtlasHeader::decode(&sealed.header).map_err(|_| revert::error(reason::MALFORMED))?;
    require(is_last_of_epoch(header.number, config.epoch_size), reason::NOT_EPOCH_END)?;
    let epoch = epoch_of(header.number, config.epoch_size).unwrap_or_default();
    require(epoch >= config.current_epoch, reason::EPOCH_HELD)?;
    require(epoch == config.current_epoch, reason::EPOCH_SKIPPED)?;
    let stored = StoredKeys::of(host, epoch);
    verify_seal(&stored, &header, &sealed.aggregated_key, &HostPrecompiles(host)).map_err(seal_refused)?;
    let (_, extra) = IstanbulExtra::from_extra_data(&header.extra).map_err(|_| revert::error(reason::MALFORMED))?;
    let next = next_g1_keys(&stored.all(), &extra).map_err(|_| revert::error(reason::INVALID_CHANGE))?;
    require(!next.is_empty() && next.len() <= MAX_VALIDATORS, reason::INVALID_CHANGE)?;
    // The same set: the same sum (as MAP's light node keeps its aggregated key).
    let unchanged = extra.removed_validators.is_zero() && extra.added_g1_public_keys.is_empty();
    let sum = match unchanged {
        true => stored.sum().map_err(seal_refused)?,
        false => check_keys(host, &next)?,
    };
    storage::set_keys(host, epoch + 1, &next, sum);
    config.current_epoch = epoch + 1;
    config.store(host);
    emit_validators(host, epoch + 1, next.len());
    Ok(Vec::new())
}

/// The revert of a refused seal: `LightNode: ` and its message.
fn seal_refused(error: map_ibft::SealError) -> Vec<u8> {
    revert::error_bytes(&[b"LightNode: ".as_slice(), &error.message()].concat())
}

/// Verifies a receipt proof: its logs, or why not.
fn verify(host: &Host, proof: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let message = |text: &str| text.as_bytes().to_vec();
    let proof = SealedReceiptProof::decode(proof).map_err(|_| message("invalid proof encoding"))?;
    let header = AtlasHeader::decode(&proof.sealed.header).map_err(|_| message("invalid block header"))?;
    let config = Config::load(host);
    let epoch = epoch_of(header.number, config.epoch_size).unwrap_or_default();
    if !config.holds(epoch) {
        return Err(message("block of an epoch the light node does not hold"));
    }
    verify_seal(&StoredKeys::of(host, epoch), &header, &proof.sealed.aggregated_key, &HostPrecompiles(host))
        .map_err(|error| error.message())?;
    let key = index_key(proof.receipt_index);
    let receipt = verify_proof(header.receipt_hash, &key, proof.nodes.iter().map(|node| node.as_ref()))
        .map_err(|error| [b"invalid receipt proof: ".as_slice(), &error.message()].concat())?;
    let receipt = ReceiptView::decode(receipt).map_err(|_| message("invalid receipt"))?;
    Ok(receipt.logs().as_rlp().to_vec())
}

/// `verifyProofData(proof)` and `verifyProofDataWithCache(proof)`: `(success, message, logs)`.
fn verify_proof_data(host: &Host, input: &[u8]) -> ProgramResult {
    let result = match Args::new(input, 1).and_then(|mut args| args.bytes(0)) {
        Ok(proof) => verify(host, proof),
        Err(_) => Err(b"invalid proof encoding".to_vec()),
    };
    Ok(match result {
        Ok(logs) => TupleWriter::new(3).bool(true).bytes(&[]).bytes(&logs).finish(),
        Err(message) => TupleWriter::new(3).bool(false).bytes(&message).bytes(&[]).finish(),
    })
}

/// `isVerifiable(blockHeight, hash)`: whether the node holds the validators of the block's
/// epoch (the hash is not known before a proof names it, and is not asked).
fn is_verifiable(host: &Host, input: &[u8]) -> ProgramResult {
    let height = Args::new(input, 2)?.uint(0);
    let config = Config::load(host);
    let held = u64::try_from(height)
        .ok()
        .and_then(|height| epoch_of(height, config.epoch_size))
        .is_some_and(|epoch| height != U256::ZERO && config.holds(epoch));
    Ok(TupleWriter::new(1).bool(held).finish())
}

fn node_type(_: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(NODE_TYPE)))
}

/// `notifyLightClient(from, data)`: `ClientNotifySend(from, block.number, data)`.
fn notify_light_client(host: &Host, input: &[u8]) -> ProgramResult {
    let mut args = Args::new(input, 2)?;
    let from = args.address(0)?;
    let data = args.bytes(1)?;
    let topics =
        [ILightNode::ClientNotifySend::SIGNATURE_HASH, from.into_word(), U256::from(host.block_number()).into()];
    host.emit(&topics, &TupleWriter::new(1).bytes(data).finish());
    Ok(Vec::new())
}

fn update_light_client(_: &Host, _: &[u8]) -> ProgramResult {
    Err(revert::error(reason::NO_LIGHT_CLIENT_UPDATE))
}

fn client_state(host: &Host, _: &[u8]) -> ProgramResult {
    let config = Config::load(host);
    let validators = if config.initialized() { StoredKeys::of(host, config.current_epoch).count() } else { 0 };
    let state = [config.epoch_size, config.first_epoch, config.current_epoch, validators as u64]
        .into_iter()
        .fold(TupleWriter::new(4), |state, value| state.uint(U256::from(value)))
        .finish();
    Ok(TupleWriter::new(1).bytes(&state).finish())
}

fn header_height(host: &Host, _: &[u8]) -> ProgramResult {
    let config = Config::load(host);
    Ok(returns(U256::from(config.current_epoch.saturating_sub(1).saturating_mul(config.epoch_size))))
}

fn verifiable_header_range(host: &Host, _: &[u8]) -> ProgramResult {
    let config = Config::load(host);
    let (first, last) = if config.initialized() {
        let first = config.first_epoch.saturating_sub(1).saturating_mul(config.epoch_size).saturating_add(1);
        (first, config.current_epoch.saturating_mul(config.epoch_size))
    } else {
        (0, 0)
    };
    Ok(TupleWriter::new(2).uint(U256::from(first)).uint(U256::from(last)).finish())
}

fn epoch_size(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(Config::load(host).epoch_size)))
}

fn first_epoch(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(Config::load(host).first_epoch)))
}

fn current_epoch(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(Config::load(host).current_epoch)))
}

/// `validatorKeys(epoch)`: the keys concatenated, as `bytes`.
fn validator_keys(host: &Host, input: &[u8]) -> ProgramResult {
    let epoch = Args::new(input, 1)?.uint(0);
    let config = Config::load(host);
    let keys =
        u64::try_from(epoch).ok().filter(|epoch| config.holds(*epoch)).map(|epoch| StoredKeys::of(host, epoch).all());
    Ok(TupleWriter::new(1).bytes(&keys.unwrap_or_default().concat()).finish())
}

/// `stylus_constructor(deployer)`: the account that may `initialize`, when the creation did not
/// record one.
fn constructor(host: &Host, args: &[u8]) -> ProgramResult {
    mos_program::constructor::record_owner(host, args, U256::from_be_bytes(storage::DEPLOYER_SLOT))
}
