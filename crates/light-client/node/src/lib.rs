//! The committee light node (`ILightNode`, nodeType 3, "oracle"): a committee of the source chain
//! attests block hashes; receipts are proven against them by the header's RLP and a
//! Merkle-Patricia proof in the block's receipts trie (`light_client_iface::proof`).
//!
//! - `initialize(sourceChainId, members, threshold)`: only the deployer, once; the first committee
//!   has epoch 1. Deploy with `stylus_wasm::deploy::init_code_recording_deployer(code,
//!   DEPLOYER_SLOT)`: the init code records the deploying account, so nobody who sees the
//!   deployment can initialise the node first; or with `cargo stylus deploy --constructor-args
//!   DEPLOYER`, which runs `stylus_constructor(deployer)` in the creating transaction
//!   (`mos_program::constructor`). Create it no other way: the first to call the constructor of a
//!   node created without a recorded deployer becomes its deployer.
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

pub mod abi;
mod committee;
pub mod eip712;
pub mod reason;
pub mod storage;
pub mod verify;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::interfaces::{ICommitteeLightNode, ILightNode};
use mos_message::abi::{TupleWriter, WORD};
use mos_program::{require, returns, revert, Args, Functions, Host, ProgramResult, Router};

use storage::{Config, LogsAt, Range};

/// What `nodeType()` answers: an oracle (committee) light node.
pub const NODE_TYPE: u64 = 3;

mos_program::entrypoint!(ROUTER);

/// The functions, by selector.
const FUNCTIONS: Functions = {
    use ICommitteeLightNode as C;
    use ILightNode as L;
    &[
        (mos_program::constructor::SELECTOR, constructor),
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

/// The program: dispatches calldata to the function with its selector. No function is payable and
/// there is no `receive`: calls with value revert.
pub static ROUTER: Router = Router { tables: &[FUNCTIONS], payable: &[], receives: false };

/// The single `bytes` argument of `updateBlockHeader`, `updateLightClient` and the verifiers.
fn single_bytes(input: &[u8]) -> Result<&[u8], Vec<u8>> {
    Args::new(input, 1)?.bytes(0)
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
fn initialize(host: &Host, input: &[u8]) -> ProgramResult {
    let (source_chain, members, threshold) = abi::initialize_args(input).ok_or_else(Vec::new)?;
    require(host.sender() == storage::deployer(host), reason::ONLY_DEPLOYER)?;
    require(!Config::load(host).initialized(), reason::ALREADY_INITIALIZED)?;
    let source_chain = u64::try_from(source_chain).ok().filter(|id| *id != 0);
    let source_chain = source_chain.ok_or_else(|| revert::error(reason::INVALID_CHAIN_ID))?;
    let config = Config { source_chain, epoch: 1, threshold: 0, size: 0 };
    committee::install(host, config, &members, threshold).map_err(revert::error)?;
    Ok(Vec::new())
}

/// What both updates check first: the node is initialised and its argument decodes. The
/// configuration, the update and its signatures.
fn signed_update<'a, T>(
    host: &Host,
    input: &'a [u8],
    decode: fn(&'a [u8]) -> Option<abi::Signed<'a, T>>,
) -> Result<(Config, T, &'a [u8]), Vec<u8>> {
    let data = single_bytes(input)?;
    let config = Config::load(host);
    require(config.initialized(), reason::NOT_INITIALIZED)?;
    let (update, signatures) = decode(data).ok_or_else(|| revert::error(reason::MALFORMED))?;
    Ok((config, update, signatures))
}

/// `updateBlockHeader(abi.encode(SignedHeader))`.
fn update_block_header(host: &Host, input: &[u8]) -> ProgramResult {
    let (config, attestation, signatures) = signed_update(host, input, abi::signed_header)?;
    let number = u64::try_from(attestation.blockNumber).map_err(|_| revert::error(reason::MALFORMED))?;
    require(attestation.chainId == U256::from(config.source_chain), reason::WRONG_CHAIN_ID)?;
    require(attestation.epoch == U256::from(config.epoch), reason::WRONG_EPOCH)?;
    let hash = attestation.blockHash;
    require(!hash.is_zero(), reason::ZERO_BLOCK_HASH)?;
    let digest = eip712::header_digest(host, &attestation);
    committee::check_signatures(host, &config, digest, signatures).map_err(revert::error)?;
    let stored = storage::attested(host, number);
    let number_topic = U256::from(number).into();
    if stored.is_zero() {
        storage::set_attested(host, number, hash);
        Range::include(host, number);
        host.emit(&[ICommitteeLightNode::HeaderAttested::SIGNATURE_HASH, number_topic], hash.as_slice());
    } else if stored != hash {
        let data = [stored.0, hash.0].concat();
        host.emit(&[ICommitteeLightNode::ConflictingAttestation::SIGNATURE_HASH, number_topic], &data);
    }
    Ok(Vec::new())
}

/// `updateLightClient(abi.encode(SignedRotation))`.
fn update_light_client(host: &Host, input: &[u8]) -> ProgramResult {
    let (config, rotation, signatures) = signed_update(host, input, abi::signed_rotation)?;
    require(rotation.chainId == U256::from(config.source_chain), reason::WRONG_CHAIN_ID)?;
    let next = config.epoch + 1;
    require(rotation.epoch == U256::from(next), reason::WRONG_EPOCH)?;
    let digest = eip712::rotation_digest(host, &rotation);
    committee::check_signatures(host, &config, digest, signatures).map_err(revert::error)?;
    committee::install(host, Config { epoch: next, ..config }, &rotation.members, rotation.threshold)
        .map_err(revert::error)?;
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
fn verify_proof_data(host: &Host, input: &[u8]) -> ProgramResult {
    Ok(verification_answer(proof_arg(input).and_then(|proof| verify::verify(host, proof))))
}

/// `verifyProofDataWithCache(proof)`: a proof verified before is answered from where its logs
/// are, remembered by the proof's hash; a new one is verified and remembered.
fn verify_proof_data_with_cache(host: &Host, input: &[u8]) -> ProgramResult {
    let proof = match proof_arg(input) {
        Ok(proof) => proof,
        Err(message) => return Ok(verification_answer(Err(message))),
    };
    let proof_hash = host.keccak(proof);
    let remembered = storage::verified(host, proof_hash);
    let start = usize::try_from(remembered.start).unwrap_or(usize::MAX);
    let end = usize::try_from(remembered.end).unwrap_or(usize::MAX);
    if let Some(logs) = proof.get(start..end).filter(|logs| !logs.is_empty()) {
        return Ok(verification_answer(Ok(logs)));
    }
    let result = verify::verify(host, proof);
    if let Ok(logs) = result {
        // `logs` is a slice of `proof`: remember where.
        let start = logs.as_ptr() as usize - proof.as_ptr() as usize;
        storage::set_verified(host, proof_hash, LogsAt { start: start as u64, end: (start + logs.len()) as u64 });
    }
    Ok(verification_answer(result))
}

/// `isVerifiable(blockHeight, hash)`: whether `blockHeight` has an attested hash and `hash` is it;
/// a zero `hash` asks only whether the height is attested (what the MOS's `getOrderStatus` passes,
/// as MAP's does). A height without attestation is never verifiable.
fn is_verifiable(host: &Host, input: &[u8]) -> ProgramResult {
    let args = Args::new(input, 2)?;
    let hash = args.bytes32(1);
    let attested = u64::try_from(args.uint(0)).map(|number| storage::attested(host, number)).unwrap_or_default();
    Ok(TupleWriter::new(1).bool(!attested.is_zero() && (hash.is_zero() || attested == hash)).finish())
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

fn client_state(host: &Host, _: &[u8]) -> ProgramResult {
    let config = Config::load(host);
    let range = Range::load(host);
    let state = [config.source_chain, config.epoch, config.threshold, config.size, range.lowest, range.highest]
        .into_iter()
        .fold(TupleWriter::new(6), |state, value| state.uint(U256::from(value)))
        .finish();
    Ok(TupleWriter::new(1).bytes(&state).finish())
}

fn header_height(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(Range::load(host).highest)))
}

fn verifiable_header_range(host: &Host, _: &[u8]) -> ProgramResult {
    let range = Range::load(host);
    Ok(TupleWriter::new(2).uint(U256::from(range.lowest)).uint(U256::from(range.highest)).finish())
}

fn source_chain_id(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(Config::load(host).source_chain)))
}

fn committee(host: &Host, _: &[u8]) -> ProgramResult {
    let members: Vec<Address> = (0..Config::load(host).size).map(|index| storage::member(host, index)).collect();
    Ok(with_members(&[U256::from(0x20)], &members))
}

fn threshold(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(Config::load(host).threshold)))
}

fn epoch(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(U256::from(Config::load(host).epoch)))
}

fn attested_hash(host: &Host, input: &[u8]) -> ProgramResult {
    let number = Args::new(input, 1)?.uint(0);
    Ok(returns(u64::try_from(number).map(|number| storage::attested(host, number)).unwrap_or_default()))
}

fn domain_separator(host: &Host, _: &[u8]) -> ProgramResult {
    Ok(returns(eip712::domain_separator(host)))
}

/// `stylus_constructor(deployer)`: the account that may `initialize`, when the creation did not
/// record one.
fn constructor(host: &Host, args: &[u8]) -> ProgramResult {
    mos_program::constructor::record_owner(host, args, U256::from_be_bytes(storage::DEPLOYER_SLOT))
}
