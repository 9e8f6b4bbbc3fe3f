//! The committee light node (`ILightNode`, nodeType 3, "oracle"): a committee of the source chain
//! attests block hashes; receipts are proven against them by the header's RLP and a
//! Merkle-Patricia proof in the block's receipts trie (`light_client_iface::proof`).
//!
//! - `initialize(sourceChainId, members, threshold)`: only the deployer, once; the first committee
//!   has epoch 1. Deploy with `stylus_wasm::deploy::init_code_recording_deployer(code,
//!   DEPLOYER_SLOT)`: the init code records the deploying account, so nobody who sees the
//!   deployment can initialise the node first.
//! - `updateBlockHeader(abi.encode(SignedHeader))`: anyone may submit a header attestation signed
//!   by a threshold of the current committee (EIP-712, `light_client_iface::attestation`). The
//!   first hash attested for a block stays: a different one is not stored but reported
//!   (`ConflictingAttestation`), since a revert would lose the evidence; the same one again is a
//!   no-op.
//! - `updateLightClient(abi.encode(SignedRotation))`: the current committee hands over to the next
//!   epoch's. Signatures name their epoch, so those of an earlier committee never count again.
//! - `verifyProofData(proof)`: checks keccak(header) against the attested hash of the header's
//!   number, the receipt under the header's `receiptsRoot`, and returns `(true, "", logs)` with
//!   the receipt's RLP log list; on any failure `(false, message, "")`, never a revert.
//!   `verifyProofDataWithCache` answers the same and remembers a proof it verified, so that the same
//!   proof again (`transferInWithIndex` once per log) skips the verification.
//!
//! Interfaces: `ILightNode` and `ICommitteeLightNode` of `light_client_iface::interfaces`. A call
//! with value, an unknown selector or calldata that is not the function's ABI arguments reverts
//! without data, as Solidity does.
//!
//! # Failures
//!
//! `updateBlockHeader` and `updateLightClient` revert with `Error(string)`: the strings of
//! [`reason`]. `verifyProofData` answers `(false, message)` with the messages of [`verify`]:
//! `invalid proof encoding`, `invalid block header`, `block not attested`, `header hash mismatch`,
//! `invalid receipt proof: <what> at depth <n>`, `invalid receipt`.
//!
//! # `clientState()`
//!
//! `abi.encode(uint256 sourceChainId, uint256 epoch, uint256 threshold, uint256 committeeSize,
//! uint256 lowestAttested, uint256 highestAttested)` (all zero before `initialize`; the last two
//! zero before the first attestation). `headerHeight()` is the highest attested block and
//! `verifiableHeaderRange()` the lowest and the highest: a block between them is verifiable only
//! if it was attested (`isVerifiable`).
//!
//! # Storage
//!
//! Raw slots (the program is deployed without a proxy):
//!
//! | slot | what |
//! |---|---|
//! | 0 | the deployer, written by the init code ([`storage::DEPLOYER_SLOT`]) |
//! | 1 | [`storage::Config`]: `sourceChainId ‖ epoch ‖ threshold ‖ size`, 64 bits each |
//! | 2 | [`storage::Range`]: `0 ‖ any ‖ lowest ‖ highest` attested block numbers, 64 bits each |
//! | `keccak(member ‖ 3)` | the latest epoch `member` belonged to the committee of |
//! | `keccak(uint256(blockNumber) ‖ 4)` | the attested hash of `blockNumber` |
//! | `keccak(keccak(proof) ‖ 5)` | a proof `verifyProofDataWithCache` verified: its logs' `start ‖ end` |
//! | 16 + i, i < size | member i of the current committee, for `committee()` |
//!
//! A signer counts only if its membership epoch is the current epoch, so a rotation rewrites the
//! new members and clears nothing, and zero storage (epoch 0) authorises no one.

#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

mod abi;
mod committee;
pub mod eip712;
pub mod reason;
pub mod storage;
pub mod verify;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::interfaces::{ICommitteeLightNode, ILightNode};
use mos_light_client_shared::{address_arg, args, bytes_arg, require, revert, Functions};
use mos_message::abi::{TupleWriter, WORD};
use stylus_host as host;

use storage::{Config, LogsAt, Range};

/// What `nodeType()` answers: an oracle (committee) light node.
pub const NODE_TYPE: u64 = 3;

stylus_host::entrypoint!(route);

/// The functions, by selector.
const FUNCTIONS: Functions = {
    use ICommitteeLightNode as C;
    use ILightNode as L;
    &[
        (L::verifyProofDataCall::SELECTOR, verify_proof_data),
        (L::verifyProofDataWithCacheCall::SELECTOR, verify_proof_data_with_cache),
        (L::updateBlockHeaderCall::SELECTOR, update_block_header),
        (L::isVerifiableCall::SELECTOR, is_verifiable),
        (L::nodeTypeCall::SELECTOR, node_type),
        (L::notifyLightClientCall::SELECTOR, notify_light_client),
        (L::updateLightClientCall::SELECTOR, update_light_client),
        (L::clientStateCall::SELECTOR, client_state),
        (L::headerHeightCall::SELECTOR, header_height),
        (L::verifiableHeaderRangeCall::SELECTOR, verifiable_header_range),
        (C::initializeCall::SELECTOR, initialize),
        (C::sourceChainIdCall::SELECTOR, source_chain_id),
        (C::committeeCall::SELECTOR, committee),
        (C::thresholdCall::SELECTOR, threshold),
        (C::epochCall::SELECTOR, epoch),
        (C::attestedHashCall::SELECTOR, attested_hash),
        (C::domainSeparatorCall::SELECTOR, domain_separator),
    ]
};

/// The program: dispatches calldata to the function with its selector. No function is payable.
///
/// # Errors
/// The function's revert data; empty for an unknown selector, calldata shorter than a selector,
/// or a call with value.
pub fn route(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    mos_light_client_shared::route(input, FUNCTIONS)
}

/// The single `bytes` argument of `updateBlockHeader`, `updateLightClient` and the verifiers.
fn single_bytes(input: &[u8]) -> Result<&[u8], Vec<u8>> {
    bytes_arg(&mut args(input, 1)?, 0)
}

/// A return value of one word.
fn returns(word: impl Into<B256>) -> Vec<u8> {
    word.into().to_vec()
}

/// `words` as head words, then `members` as an `address[]` (the caller's heads point at it).
fn with_members(words: &[U256], members: &[Address]) -> Vec<u8> {
    let mut out = Vec::with_capacity((words.len() + 1 + members.len()) * WORD);
    for word in words.iter().chain([&U256::from(members.len())]) {
        out.extend_from_slice(&word.to_be_bytes::<32>());
    }
    for member in members {
        out.extend_from_slice(member.into_word().as_slice());
    }
    out
}

/// `initialize(sourceChainId, members, threshold)`.
fn initialize(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let (source_chain, members, threshold) = abi::initialize_args(input).ok_or_else(Vec::new)?;
    require(host::msg_sender() == storage::deployer(), reason::ONLY_DEPLOYER)?;
    require(!Config::load().initialized(), reason::ALREADY_INITIALIZED)?;
    let source_chain = u64::try_from(source_chain).ok().filter(|id| *id != 0);
    let source_chain = source_chain.ok_or_else(|| revert(reason::INVALID_CHAIN_ID))?;
    let config = Config { source_chain, epoch: 1, threshold: 0, size: 0 };
    committee::install(config, &members, threshold).map_err(revert)?;
    Ok(Vec::new())
}

/// What both updates check first: the node is initialised and its argument decodes. The
/// configuration, the update and its signatures.
fn signed_update<'a, T>(
    input: &'a [u8],
    decode: fn(&'a [u8]) -> Option<abi::Signed<'a, T>>,
) -> Result<(Config, T, &'a [u8]), Vec<u8>> {
    let data = single_bytes(input)?;
    let config = Config::load();
    require(config.initialized(), reason::NOT_INITIALIZED)?;
    let (update, signatures) = decode(data).ok_or_else(|| revert(reason::MALFORMED))?;
    Ok((config, update, signatures))
}

/// `updateBlockHeader(abi.encode(SignedHeader))`.
fn update_block_header(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let (config, attestation, signatures) = signed_update(input, abi::signed_header)?;
    let number = u64::try_from(attestation.blockNumber).map_err(|_| revert(reason::MALFORMED))?;
    require(attestation.chainId == U256::from(config.source_chain), reason::WRONG_CHAIN_ID)?;
    require(attestation.epoch == U256::from(config.epoch), reason::WRONG_EPOCH)?;
    let hash = attestation.blockHash;
    require(!hash.is_zero(), reason::ZERO_BLOCK_HASH)?;
    let digest = eip712::header_digest(&attestation);
    committee::check_signatures(&config, digest, signatures).map_err(revert)?;
    let stored = storage::attested(number);
    let number_topic = U256::from(number).into();
    if stored.is_zero() {
        storage::set_attested(number, hash);
        Range::include(number);
        host::emit_log(&[ICommitteeLightNode::HeaderAttested::SIGNATURE_HASH, number_topic], hash.as_slice());
    } else if stored != hash {
        let data = [stored.0, hash.0].concat();
        host::emit_log(&[ICommitteeLightNode::ConflictingAttestation::SIGNATURE_HASH, number_topic], &data);
    }
    Ok(Vec::new())
}

/// `updateLightClient(abi.encode(SignedRotation))`.
fn update_light_client(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let (config, rotation, signatures) = signed_update(input, abi::signed_rotation)?;
    require(rotation.chainId == U256::from(config.source_chain), reason::WRONG_CHAIN_ID)?;
    let next = config.epoch + 1;
    require(rotation.epoch == U256::from(next), reason::WRONG_EPOCH)?;
    let digest = eip712::rotation_digest(&rotation);
    committee::check_signatures(&config, digest, signatures).map_err(revert)?;
    committee::install(Config { epoch: next, ..config }, &rotation.members, rotation.threshold).map_err(revert)?;
    Ok(Vec::new())
}

/// `(success, message, logs)`.
fn verification_answer(result: Result<&[u8], Vec<u8>>) -> Vec<u8> {
    match result {
        Ok(logs) => TupleWriter::new(3).bool(true).bytes(&[]).bytes(logs).finish(),
        Err(message) => TupleWriter::new(3).bool(false).bytes(&message).bytes(&[]).finish(),
    }
}

/// The proof argument of the verifiers; calldata that is not ABI `bytes` fails as an invalid proof.
fn proof_arg(input: &[u8]) -> Result<&[u8], Vec<u8>> {
    single_bytes(input).map_err(|_| verify::INVALID_PROOF_ENCODING.as_bytes().to_vec())
}

/// `verifyProofData(proof)`.
fn verify_proof_data(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(verification_answer(proof_arg(input).and_then(verify::verify)))
}

/// `verifyProofDataWithCache(proof)`: a proof verified before is answered from where its logs
/// are, remembered by the proof's hash; a new one is verified and remembered.
fn verify_proof_data_with_cache(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let proof = match proof_arg(input) {
        Ok(proof) => proof,
        Err(message) => return Ok(verification_answer(Err(message))),
    };
    let proof_hash = host::keccak(proof);
    let remembered = storage::verified(proof_hash);
    let start = usize::try_from(remembered.start).unwrap_or(usize::MAX);
    let end = usize::try_from(remembered.end).unwrap_or(usize::MAX);
    if let Some(logs) = proof.get(start..end).filter(|logs| !logs.is_empty()) {
        return Ok(verification_answer(Ok(logs)));
    }
    let result = verify::verify(proof);
    if let Ok(logs) = result {
        // `logs` is a slice of `proof`: remember where.
        let start = logs.as_ptr() as usize - proof.as_ptr() as usize;
        storage::set_verified(proof_hash, LogsAt { start: start as u64, end: (start + logs.len()) as u64 });
    }
    Ok(verification_answer(result))
}

/// `isVerifiable(blockHeight, hash)`: whether `blockHeight` has an attested hash and `hash` is it;
/// a zero `hash` asks only whether the height is attested (what the MOS's `getOrderStatus` passes,
/// as MAP's does). A height without attestation is never verifiable.
fn is_verifiable(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let args = args(input, 2)?;
    let hash = args.bytes32(1);
    let attested = u64::try_from(args.uint(0)).map(storage::attested).unwrap_or_default();
    Ok(TupleWriter::new(1).bool(!attested.is_zero() && (hash.is_zero() || attested == hash)).finish())
}

fn node_type(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(returns(U256::from(NODE_TYPE)))
}

/// `notifyLightClient(from, data)`: `ClientNotifySend(from, block.number, data)`.
fn notify_light_client(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let mut args = args(input, 2)?;
    let from = address_arg(&args, 0)?;
    let data = bytes_arg(&mut args, 1)?;
    let topics =
        [ILightNode::ClientNotifySend::SIGNATURE_HASH, from.into_word(), U256::from(host::block_number()).into()];
    host::emit_log(&topics, &TupleWriter::new(1).bytes(data).finish());
    Ok(Vec::new())
}

fn client_state(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let config = Config::load();
    let range = Range::load();
    let state = [config.source_chain, config.epoch, config.threshold, config.size, range.lowest, range.highest]
        .into_iter()
        .fold(TupleWriter::new(6), |state, value| state.uint(U256::from(value)))
        .finish();
    Ok(TupleWriter::new(1).bytes(&state).finish())
}

fn header_height(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(returns(U256::from(Range::load().highest)))
}

fn verifiable_header_range(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let range = Range::load();
    Ok(TupleWriter::new(2).uint(U256::from(range.lowest)).uint(U256::from(range.highest)).finish())
}

fn source_chain_id(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(returns(U256::from(Config::load().source_chain)))
}

fn committee(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let members: Vec<Address> = (0..Config::load().size).map(storage::member).collect();
    Ok(with_members(&[U256::from(0x20)], &members))
}

fn threshold(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(returns(U256::from(Config::load().threshold)))
}

fn epoch(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(returns(U256::from(Config::load().epoch)))
}

fn attested_hash(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let number = args(input, 1)?.uint(0);
    Ok(returns(u64::try_from(number).map(storage::attested).unwrap_or_default()))
}

fn domain_separator(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    Ok(returns(eip712::domain_separator()))
}
