//! The committee light node (`mos-light-node`) and the light-client manager
//! (`mos-light-client-manager`) on the devnet, with the chain whose blocks they verify.
//!
//! - [`SourceChain`]: a second devnet chain, [`SOURCE_CHAIN`] (the relay chain of a chain's MOS),
//!   where the log emitter sits at [`OTHER_MOS`]: its blocks hold real receipts with whatever
//!   `mapMessageOut` (or other) logs a test needs, and [`SourceChain::proof`] proves them with
//!   `mos-prover`.
//! - [`Committee`]: attester keys, and their signatures (`r ‖ s ‖ v`) of the EIP-712 digests of
//!   `light_client_iface::attestation`.
//! - On a [`Suite`]: deploying the programs as their deployer ([`Suite::deploy_light_node`],
//!   [`Suite::deploy_manager`]), an initialised light node ([`Suite::committee_light_node`]),
//!   attesting a block ([`Suite::attest`]), and a suite whose MOS verifies through them
//!   ([`Suite::with_committee`]), with its source chain ([`CommitteeSuite`]).

use alloy_primitives::{Address, Log, TxKind, B256, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolValue};
use devnet::block::{Block, TxReceipt};
use devnet::{BlockId, Chain, ChainConfig};
use light_client_iface::attestation::{self, CommitteeRotation, HeaderAttestation, SignedHeader, SignedRotation};
use light_client_iface::interfaces::{ICommitteeLightNode, ILightClientManagerAdmin, ILightNode};
use light_client_iface::{Receipt, ReceiptProof};
use mos_message::interfaces::{IMOSRelay, IMOSV3};
use mos_message::{MessageData, MessageType};

use crate::{
    account, activate, deploy, program, send, Role, Suite, ADMIN, MESSENGER, OTHER_CHAIN, OTHER_MOS, SELF_CHAIN,
    STRANGER, TARGET_DEPLOYER, TX_GAS, USER,
};

/// Where `mos-light-node` and `mos-light-client-manager` expect their init code to record the
/// deployer (their `DEPLOYER_SLOT` / `ADMIN_SLOT`: slot 0). Program crates cannot be linked into a
/// test binary together (each defines `user_entrypoint`), so the slot is restated here.
pub const RECORDED_DEPLOYER_SLOT: [u8; 32] = [0; 32];

/// The chain whose blocks the light node verifies: a chain's relay chain, [`OTHER_CHAIN`].
pub const SOURCE_CHAIN: u64 = OTHER_CHAIN;

/// EVM code that emits `LOG3` records: its calldata is records of `topic0 ‖ topic1 ‖ topic2 ‖
/// uint256 length ‖ data`, one log each, in order ([`emitter_input`]).
///
/// ```text
/// 00 PUSH0                          ptr := 0
/// 01 JUMPDEST CALLDATASIZE DUP2 LT  loop: while ptr < calldatasize
///    PUSH1 09 JUMPI STOP
/// 09 JUMPDEST DUP1 PUSH1 60 ADD CALLDATALOAD            len := calldata[ptr + 96]
///    DUP1 DUP3 PUSH1 80 ADD PUSH0 CALLDATACOPY          memory[0..len] := calldata[ptr + 128..]
///    DUP2 PUSH1 40 ADD CALLDATALOAD DUP3 PUSH1 20 ADD CALLDATALOAD DUP4 CALLDATALOAD
///    DUP4 PUSH0 LOG3                                    log3(0, len, topic0, topic1, topic2)
///    PUSH1 80 ADD ADD PUSH1 01 JUMP                     ptr += 128 + len
/// ```
pub const LOG_EMITTER: [u8; 44] = [
    0x5f, 0x5b, 0x36, 0x81, 0x10, 0x60, 0x09, 0x57, 0x00, 0x5b, 0x80, 0x60, 0x60, 0x01, 0x35, 0x80, 0x82, 0x60, 0x80,
    0x01, 0x5f, 0x37, 0x81, 0x60, 0x40, 0x01, 0x35, 0x82, 0x60, 0x20, 0x01, 0x35, 0x83, 0x35, 0x83, 0x5f, 0xa3, 0x60,
    0x80, 0x01, 0x01, 0x60, 0x01, 0x56,
];

/// The emitter's calldata for `logs`, each with exactly three topics.
pub fn emitter_input(logs: &[Log]) -> Vec<u8> {
    let mut input = Vec::new();
    for log in logs {
        assert_eq!(log.topics().len(), 3, "the emitter emits LOG3 only");
        for topic in log.topics() {
            input.extend_from_slice(topic.as_slice());
        }
        input.extend_from_slice(&U256::from(log.data.data.len()).to_be_bytes::<32>());
        input.extend_from_slice(&log.data.data);
    }
    input
}

/// A log as the emitter emits it: from [`OTHER_MOS`], topics `[a, b, c]`, `data`.
pub fn emitted(topics: [B256; 3], data: &[u8]) -> Log {
    Log::new_unchecked(OTHER_MOS, topics.to_vec(), data.to_vec().into())
}

/// The chain whose blocks are attested, with the log emitter at [`OTHER_MOS`].
pub struct SourceChain {
    /// The chain.
    pub chain: Chain,
}

impl Default for SourceChain {
    fn default() -> Self {
        Self::new()
    }
}

impl SourceChain {
    /// Chain [`SOURCE_CHAIN`]; [`TARGET_DEPLOYER`] spends nonces until its next creation is
    /// [`OTHER_MOS`], and creates the emitter there.
    pub fn new() -> Self {
        let mut chain = Chain::new(ChainConfig { chain_id: SOURCE_CHAIN, ..ChainConfig::default() });
        let deployer = account(TARGET_DEPLOYER);
        let nonce = (0..64).find(|nonce| deployer.create(*nonce) == OTHER_MOS).expect("OTHER_MOS is within reach");
        while chain.next_nonce(&deployer) < nonce {
            send(&mut chain, TARGET_DEPLOYER, TxKind::Call(deployer), U256::ZERO, Vec::new(), 21_000);
        }
        let emitter = deploy(&mut chain, TARGET_DEPLOYER, stylus_wasm::deploy::init_code(&LOG_EMITTER));
        assert_eq!(emitter, OTHER_MOS);
        Self { chain }
    }

    /// Emits `logs` from [`OTHER_MOS`] in a block of its own; `(block number, receipt index)`.
    pub fn emit(&mut self, logs: &[Log]) -> (u64, u64) {
        self.emit_at(OTHER_MOS, logs)
    }

    /// Another log emitter on this chain (as another MOS deployment would be); its address.
    pub fn deploy_emitter(&mut self) -> Address {
        deploy(&mut self.chain, TARGET_DEPLOYER, stylus_wasm::deploy::init_code(&LOG_EMITTER))
    }

    /// Emits `logs` (each from `emitter`) by the emitter at `emitter`, in a block of its own;
    /// `(block number, receipt index)`.
    pub fn emit_at(&mut self, emitter: Address, logs: &[Log]) -> (u64, u64) {
        let receipt = send(&mut self.chain, USER, TxKind::Call(emitter), U256::ZERO, emitter_input(logs), TX_GAS);
        assert!(receipt.receipt.success, "the emitter failed");
        assert_eq!(receipt.receipt.logs.as_slice(), logs);
        (self.chain.latest().number(), 0)
    }

    /// Emits `logs` in transaction `position` of a block of `receipts` transactions, the others
    /// plain transfers (mined together, as interval mining does); `(block number, position)`.
    pub fn emit_in_block(&mut self, logs: &[Log], receipts: usize, position: usize) -> (u64, u64) {
        assert!(position < receipts);
        self.chain.set_auto_mine(false);
        for index in 0..receipts {
            if index == position {
                self.submit(USER, OTHER_MOS, emitter_input(logs), TX_GAS);
            } else {
                self.submit(STRANGER, account(ADMIN), Vec::new(), 21_000);
            }
        }
        let number = self.chain.mine();
        self.chain.set_auto_mine(true);
        let block = self.block(number);
        assert_eq!(block.receipts.len(), receipts, "the block holds every transaction");
        assert_eq!(block.receipts[position].receipt.logs.as_slice(), logs);
        (number, position as u64)
    }

    /// Queues a transaction (auto-mining off): `send` would look for its receipt at once.
    fn submit(&mut self, from: u32, to: Address, input: Vec<u8>, gas_limit: u64) {
        crate::submit(&mut self.chain, from, TxKind::Call(to), U256::ZERO, input, gas_limit);
    }

    /// Block `number`.
    pub fn block(&self, number: u64) -> &Block {
        self.chain.block(BlockId::Number(number)).unwrap()
    }

    /// The receipts of block `number`, as its receipts trie holds them.
    pub fn receipts(&self, number: u64) -> Vec<Receipt> {
        self.block(number).receipts.iter().map(|receipt| receipt.receipt.clone()).collect()
    }

    /// The proof of receipt `index` of block `number`.
    pub fn proof(&self, number: u64, index: u64) -> ReceiptProof {
        mos_prover::receipt_proof(&self.block(number).header, &self.receipts(number), index).unwrap()
    }
}

/// A committee: its members' keys and its threshold.
pub struct Committee {
    /// The members' keys, in the order `initialize` / the rotation lists them.
    pub keys: Vec<PrivateKeySigner>,
    /// How many must sign.
    pub threshold: u64,
}

impl Committee {
    /// `size` members with keys `seed`, `seed + 1`, ... (as 32-byte words) and `threshold`.
    pub fn new(seed: u64, size: u64, threshold: u64) -> Self {
        let keys = (seed..seed + size)
            .map(|key| PrivateKeySigner::from_bytes(&B256::from(U256::from(key))).unwrap())
            .collect();
        Self { keys, threshold }
    }

    /// The members' addresses.
    pub fn members(&self) -> Vec<Address> {
        self.keys.iter().map(|key| key.address()).collect()
    }

    /// Member `index`'s address.
    pub fn member(&self, index: usize) -> Address {
        self.keys[index].address()
    }

    /// The signatures of `digest` by members `which`, concatenated.
    pub fn sign(&self, digest: B256, which: impl IntoIterator<Item = usize>) -> Vec<u8> {
        which.into_iter().flat_map(|index| signature(&self.keys[index], digest)).collect()
    }

    /// The signatures of `digest` by the first `threshold` members.
    pub fn sign_threshold(&self, digest: B256) -> Vec<u8> {
        self.sign(digest, 0..self.threshold as usize)
    }
}

/// `key`'s signature of `digest`: `r ‖ s ‖ v`, s in the lower half, v 27 or 28.
pub fn signature(key: &PrivateKeySigner, digest: B256) -> [u8; 65] {
    let signature = key.sign_hash_sync(&digest).unwrap();
    let mut bytes = [0u8; 65];
    bytes[..32].copy_from_slice(&signature.r().to_be_bytes::<32>());
    bytes[32..64].copy_from_slice(&signature.s().to_be_bytes::<32>());
    bytes[64] = 27 + u8::from(signature.v());
    bytes
}

/// What a committee of `epoch` signs for `block` of [`SOURCE_CHAIN`].
pub fn attestation(block: &Block, epoch: u64) -> HeaderAttestation {
    HeaderAttestation {
        chainId: U256::from(SOURCE_CHAIN),
        blockNumber: U256::from(block.number()),
        blockHash: block.hash,
        epoch: U256::from(epoch),
    }
}

/// The digest members sign for `attestation` to the light node at `node` on [`SELF_CHAIN`].
pub fn header_digest(node: Address, attestation: &HeaderAttestation) -> B256 {
    attestation::header_digest(&attestation::domain(SELF_CHAIN, node), attestation)
}

/// The digest members sign for `rotation` of the light node at `node` on [`SELF_CHAIN`].
pub fn rotation_digest(node: Address, rotation: &CommitteeRotation) -> B256 {
    attestation::rotation_digest(&attestation::domain(SELF_CHAIN, node), rotation)
}

/// `updateBlockHeader(abi.encode(SignedHeader))`.
pub fn update_block_header(attestation: HeaderAttestation, signatures: Vec<u8>) -> ILightNode::updateBlockHeaderCall {
    let signed = SignedHeader { attestation, signatures: signatures.into() };
    ILightNode::updateBlockHeaderCall { blockHeader: signed.abi_encode().into() }
}

/// `updateLightClient(abi.encode(SignedRotation))`.
pub fn update_light_client(rotation: CommitteeRotation, signatures: Vec<u8>) -> ILightNode::updateLightClientCall {
    let signed = SignedRotation { rotation, signatures: signatures.into() };
    ILightNode::updateLightClientCall { data: signed.abi_encode().into() }
}

/// `verifyProofData(proof)`.
pub fn verify_call(proof: &[u8]) -> ILightNode::verifyProofDataCall {
    ILightNode::verifyProofDataCall { receiptProof: proof.to_vec().into() }
}

impl Suite {
    /// Deploys `mos-light-node` from [`ADMIN`], recorded as its deployer; not initialised.
    pub fn deploy_light_node(&mut self) -> Address {
        self.deploy_recording_deployer(ADMIN, "mos-light-node")
    }

    /// Deploys `mos-light-client-manager` from [`ADMIN`], its admin.
    pub fn deploy_manager(&mut self) -> Address {
        self.deploy_recording_deployer(ADMIN, "mos-light-client-manager")
    }

    /// Deploys and activates workspace program `package` from dev account `from`, with init code
    /// that records `from` at [`RECORDED_DEPLOYER_SLOT`] (where the light node, the manager and
    /// the Stylus Echo look for their deployer).
    pub fn deploy_recording_deployer(&mut self, from: u32, package: &str) -> Address {
        let init = stylus_wasm::deploy::init_code_recording_deployer(&program(package), RECORDED_DEPLOYER_SLOT);
        let address = deploy(&mut self.chain, from, init);
        activate(&mut self.chain, address);
        address
    }

    /// A light node for [`SOURCE_CHAIN`] with `committee` as its first (epoch 1) committee.
    pub fn committee_light_node(&mut self, committee: &Committee) -> Address {
        let node = self.deploy_light_node();
        let call = ICommitteeLightNode::initializeCall {
            sourceChainId: U256::from(SOURCE_CHAIN),
            members: committee.members(),
            threshold: U256::from(committee.threshold),
        };
        self.ok(ADMIN, node, call);
        node
    }

    /// Attests `block` to `node`: the first `threshold` members of `committee`, of `epoch`, sign.
    pub fn attest(&mut self, node: Address, committee: &Committee, epoch: u64, block: &Block) -> TxReceipt {
        let attestation = attestation(block, epoch);
        let signatures = committee.sign_threshold(header_digest(node, &attestation));
        self.ok(STRANGER, node, update_block_header(attestation, signatures))
    }

    /// A suite (see [`Suite::new`]) whose MOS verifies [`SOURCE_CHAIN`]'s receipts through a real
    /// committee light node of `committee`: a chain's MOS calls it directly, the relay's MOS
    /// through a light-client manager that registers it for [`OTHER_CHAIN`]. `light_client` is what
    /// the MOS calls; the light node is returned.
    pub fn with_committee(role: Role, committee: &Committee) -> (Self, Address) {
        let mut suite = Self::new(role, None);
        let node = suite.committee_light_node(committee);
        let mos = suite.mos;
        suite.light_client = match role {
            Role::Chain => {
                suite.ok(ADMIN, mos, IMOSV3::setLightClientCall { lightNode: node });
                node
            }
            Role::Relay => {
                let manager = suite.deploy_manager();
                let register = ILightClientManagerAdmin::registerLightNodeCall {
                    chainId: U256::from(OTHER_CHAIN),
                    lightNode: node,
                };
                suite.ok(ADMIN, manager, register);
                suite.ok(ADMIN, mos, IMOSRelay::setLightClientManagerCall { managerAddress: manager });
                manager
            }
        };
        (suite, node)
    }
}

/// A suite whose MOS verifies through a committee light node ([`Suite::with_committee`]), with
/// the source chain whose blocks the committee attests; the target lets [`USER`] of
/// [`OTHER_CHAIN`] call it.
pub struct CommitteeSuite {
    /// The MOS and everything around it.
    pub suite: Suite,
    /// The committee light node.
    pub node: Address,
    /// Its committee (epoch 1).
    pub committee: Committee,
    /// The chain whose receipts it proves.
    pub source: SourceChain,
}

impl CommitteeSuite {
    /// `role`'s MOS verifying through a light node of `committee`.
    pub fn new(role: Role, committee: Committee) -> Self {
        let (mut suite, node) = Suite::with_committee(role, &committee);
        suite.allow_remote_caller(account(USER));
        Self { suite, node, committee, source: SourceChain::new() }
    }

    /// `setList(key, val)` on the target, sent by [`USER`] on the source chain to `to_chain` as
    /// order `order` (see [`crate::order`]): its `MessageData` and its `mapMessageOut`.
    pub fn message(&self, order: u64, to_chain: u64, key: &str, val: &str) -> (MessageData, Log) {
        let payload = crate::IMosTestTarget::setListCall { key: key.into(), val: val.into() }.abi_encode();
        let data = crate::message(false, MessageType::Calldata, self.suite.target.as_slice(), &payload, 200_000);
        let log = self.suite.incoming(crate::order(order), to_chain, account(USER), &data);
        (data, log)
    }

    /// Emits `logs` on the source chain, in a block of three receipts (the second), and returns
    /// the proof; the block is attested when `attest`.
    pub fn prove(&mut self, logs: &[Log], attest: bool) -> ReceiptProof {
        let (number, index) = self.source.emit_in_block(logs, 3, 1);
        if attest {
            let block = self.source.block(number).clone();
            self.suite.attest(self.node, &self.committee, 1, &block);
        }
        self.source.proof(number, index)
    }

    /// `transferIn(OTHER_CHAIN, proof)` from [`MESSENGER`]; the receipt, whatever happened.
    pub fn transfer_in(&mut self, proof: &[u8]) -> TxReceipt {
        let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.to_vec().into() };
        let mos = self.suite.mos;
        self.suite.send(MESSENGER, mos, call)
    }

    /// What the target stored for `key`.
    pub fn echo_list(&mut self, key: &str) -> String {
        self.suite.echo_list(key)
    }
}
