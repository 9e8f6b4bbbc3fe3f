//! Seeds for the decoder checks (`mos_decoder_checks`): real inputs of every decoder, from MAP's
//! vectors and from blocks of a devnet chain, that the property tests mutate and `make fuzz`
//! writes into the cargo-fuzz corpus (`fuzz-seeds`).
//!
//! Every seed is one the decoder accepts (the property tests check it), so mutations start from
//! the inside of the format, where the bugs are, rather than from noise a decoder refuses at the
//! first byte.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEip4844, TxEip7702, TxEnvelope, TxLegacy};
use alloy_eips::{
    eip2718::Encodable2718,
    eip2930::{AccessList, AccessListItem},
    eip7702::Authorization,
};
use alloy_primitives::{Address, Bytes, Log, Signature, TxKind, B256, U256};
use alloy_signer::SignerSync;
use alloy_sol_types::{SolCall, SolValue};
use devnet::dev_accounts::dev_signer;
use light_client_iface::{
    attestation::{CommitteeRotation, SignedHeader, SignedRotation},
    index_key,
    interfaces::ICommitteeLightNode,
    Header, LogList, Receipt,
};
use mos_decoder_checks::chain_data::mpt_input;
use mos_message::MessageData;
use serde_json::{json, Value};

use crate::light_client::{attestation, header_digest, rotation_digest, Committee, SourceChain, SOURCE_CHAIN};
use crate::{map_fixtures, map_receipt_logs, OTHER_MOS};

/// How many receipt log lists `vectors/map-mos-v3/receipt-logs.json` holds.
const MAP_LOG_LISTS: usize = 6;

/// The seeds of every decoder check, by target name, built once: a devnet chain whose blocks
/// carry MAP's message logs, alone and among other transactions.
pub struct Seeds {
    chain: SourceChain,
    /// `(block number, receipt count)` of the blocks emitted.
    blocks: Vec<(u64, usize)>,
}

impl Seeds {
    /// Emits each of MAP's log lists in a block of its own, then in blocks of 3 and 20 receipts
    /// (tries with branch and extension nodes).
    pub fn new() -> Self {
        let mut chain = SourceChain::new();
        let mut blocks = Vec::new();
        for index in 0..MAP_LOG_LISTS {
            let logs = map_logs(index);
            let (number, _) = chain.emit(&logs);
            blocks.push((number, 1));
        }
        for (receipts, position) in [(3, 1), (20, 17)] {
            let (number, _) = chain.emit_in_block(&map_logs(0), receipts, position);
            blocks.push((number, receipts));
        }
        Self { chain, blocks }
    }

    /// The seeds of target `name` (a `mos_decoder_checks::TARGETS` name).
    ///
    /// # Panics
    /// For a name that is not a target's.
    pub fn of(&self, name: &str) -> Vec<Vec<u8>> {
        match name {
            "message_data" => message_data(),
            "log_list" => {
                (0..MAP_LOG_LISTS).map(|index| map_receipt_logs(index).to_vec()).chain([vec![0xc0]]).collect()
            }
            "receipt" => self.receipts(),
            "header" => self.headers(),
            "mpt_proof" => self.mpt_proofs(),
            "receipt_proof" => self.receipt_proofs().into_iter().map(|(_, proof)| proof).collect(),
            "atlas_header" => map_fixtures::every_block().map(|n| map_fixtures::header(n).encode()).collect(),
            "sealed_proof" => sealed_proofs(),
            "signed_header" => self.signed_headers(),
            "signed_rotation" => signed_rotations(),
            "committee_initialize" => committee_initializations(),
            "rpc_request" => self.rpc_requests(),
            "raw_transaction" => raw_transactions(),
            other => panic!("no target {other}"),
        }
    }

    fn header(&self, number: u64) -> &Header {
        &self.chain.block(number).header
    }

    /// Every receipt of the blocks, and MAP's first receipt re-typed as every EIP-2718 type a
    /// chain of ours or Nitro writes (legacy, 2930, 1559, 4844, 7702, Arbitrum's 0x64–0x6a).
    fn receipts(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> =
            self.blocks.iter().flat_map(|(number, _)| self.chain.receipts(*number)).map(|r| r.encode()).collect();
        let first = &self.chain.receipts(self.blocks[0].0)[0];
        for tx_type in [0, 1, 2, 3, 4, 0x64, 0x65, 0x66, 0x68, 0x69, 0x6a] {
            out.push(Receipt::new(tx_type, tx_type % 2 == 0, first.cumulative_gas_used, first.logs.clone()).encode());
        }
        out
    }

    /// The blocks' headers, and one with every optional field (Prague's).
    fn headers(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self.blocks.iter().map(|(number, _)| self.header(*number).encode()).collect();
        let prague = Header {
            withdrawals_root: Some(B256::repeat_byte(1)),
            blob_gas_used: Some(131_072),
            excess_blob_gas: Some(0),
            parent_beacon_block_root: Some(B256::repeat_byte(2)),
            requests_hash: Some(B256::repeat_byte(3)),
            ..self.header(self.blocks[0].0).clone()
        };
        out.push(prague.encode());
        out.push(Header::default().encode());
        out
    }

    /// The proof of every receipt of every block: `(receipts root, index, proof encoding)`.
    fn receipt_proofs(&self) -> Vec<(u64, Vec<u8>)> {
        let proofs = self.blocks.iter().flat_map(|&(number, receipts)| {
            (0..receipts as u64).map(move |index| (number, self.chain.proof(number, index)))
        });
        proofs.map(|(number, proof)| (number, proof.encode())).collect()
    }

    /// The trie proofs inside [`Self::receipt_proofs`], as `mpt_input`s.
    fn mpt_proofs(&self) -> Vec<Vec<u8>> {
        self.blocks
            .iter()
            .flat_map(|&(number, receipts)| {
                let root = self.header(number).receipts_root;
                (0..receipts as u64).map(move |index| {
                    let proof = self.chain.proof(number, index);
                    let nodes: Vec<&[u8]> = proof.nodes.iter().map(|node| node.as_ref()).collect();
                    mpt_input(root, &index_key(index), &nodes)
                })
            })
            .collect()
    }

    /// Attestations of the blocks, signed by a committee of three (threshold two), and one with
    /// no signatures.
    fn signed_headers(&self) -> Vec<Vec<u8>> {
        let committee = Committee::new(1, 3, 2);
        let mut out: Vec<Vec<u8>> = self
            .blocks
            .iter()
            .map(|(number, _)| {
                let attestation = attestation(self.chain.block(*number), 1);
                let signatures = committee.sign_threshold(header_digest(OTHER_MOS, &attestation));
                SignedHeader { attestation, signatures: signatures.into() }.abi_encode()
            })
            .collect();
        let unsigned = attestation(self.chain.block(self.blocks[0].0), 1);
        out.push(SignedHeader { attestation: unsigned, signatures: Bytes::new() }.abi_encode());
        out
    }

    /// Requests a messenger and an explorer send, one by one and as a batch, with the devnet's
    /// own blocks' hashes and a transaction signed for it.
    fn rpc_requests(&self) -> Vec<Vec<u8>> {
        let (number, _) = self.blocks[0];
        let block = self.chain.block(number);
        let hash = block.hash;
        let tx = block.transactions[0].hash;
        let request = |id: u64, method: &str, params: Value| json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        let raw = Bytes::from(raw_transactions().swap_remove(3));
        let requests = vec![
            request(1, "eth_chainId", json!([])),
            request(2, "eth_blockNumber", json!([])),
            request(3, "eth_getBlockByNumber", json!([format!("{number:#x}"), false])),
            request(4, "eth_getBlockByHash", json!([hash, true])),
            request(
                5,
                "eth_getLogs",
                json!([{ "fromBlock": "0x0", "toBlock": "latest", "address": OTHER_MOS, "topics": [[B256::ZERO]] }]),
            ),
            request(6, "eth_getTransactionReceipt", json!([tx])),
            request(7, "eth_getBlockReceipts", json!([format!("{number:#x}")])),
            request(
                8,
                "eth_call",
                json!([{ "from": Address::ZERO, "to": OTHER_MOS, "data": "0x01", "gas": "0x10000" }, "latest"]),
            ),
            request(9, "eth_estimateGas", json!([{ "to": OTHER_MOS, "value": "0x0" }])),
            request(10, "eth_getTransactionCount", json!([OTHER_MOS, "pending"])),
            request(11, "eth_feeHistory", json!(["0x4", "latest", [25, 75]])),
            request(12, "eth_sendRawTransaction", json!([raw])),
            request(13, "eth_getStorageAt", json!([OTHER_MOS, "0x0", "latest"])),
            json!({ "jsonrpc": "2.0", "method": "eth_blockNumber" }),
        ];
        let mut out: Vec<Vec<u8>> = requests.iter().map(|request| request.to_string().into_bytes()).collect();
        out.push(Value::Array(requests).to_string().into_bytes());
        out
    }
}

impl Default for Seeds {
    fn default() -> Self {
        Self::new()
    }
}

/// The MAP light node's arguments for MAP's test network's blocks: each sealed header, and the
/// receipt proofs of blocks within epochs.
fn sealed_proofs() -> Vec<Vec<u8>> {
    let headers = map_fixtures::every_block().map(|n| map_fixtures::sealed(n).encode());
    let proofs = [205_030, 206_460].map(|n| map_fixtures::receipt_proof(n).0.encode());
    headers.chain(proofs).collect()
}

/// MAP's receipt log list `index`, as logs.
fn map_logs(index: usize) -> Vec<Log> {
    let list = map_receipt_logs(index);
    LogList::new(&list).and_then(|list| list.to_logs()).expect("MAP's log lists decode")
}

/// The message of every `mapMessageOut` in MAP's vectors, in the encoding MAP wrote and in the
/// other.
fn message_data() -> Vec<Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/map-mos-v3/expected.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("MAP's vectors")).expect("JSON");
    let messages = vectors
        .as_array()
        .expect("a list")
        .iter()
        .flat_map(|vector| vector["logs"].as_array().cloned().unwrap_or_default());
    messages
        .filter_map(|log| log["messageData"].as_str().map(|hex| hex.parse::<Bytes>().expect("hex")))
        .flat_map(|encoded| {
            let message = MessageData::decode(&encoded).expect("MAP's messages decode");
            [encoded.to_vec(), message.encode(), message.encode_flat()]
        })
        .collect()
}

/// Rotations to committees of one, three and five.
fn signed_rotations() -> Vec<Vec<u8>> {
    let current = Committee::new(1, 3, 2);
    [1, 3, 5]
        .map(|size| {
            let next = Committee::new(100, size, size.div_ceil(2));
            let rotation = CommitteeRotation {
                chainId: U256::from(SOURCE_CHAIN),
                epoch: U256::from(2),
                members: next.members(),
                threshold: U256::from(next.threshold),
            };
            let signatures = current.sign_threshold(rotation_digest(OTHER_MOS, &rotation));
            SignedRotation { rotation, signatures: signatures.into() }.abi_encode()
        })
        .into()
}

/// `initialize`'s arguments for committees of one and four.
fn committee_initializations() -> Vec<Vec<u8>> {
    [Committee::new(1, 1, 1), Committee::new(7, 4, 3)]
        .map(|committee| {
            let call = ICommitteeLightNode::initializeCall {
                sourceChainId: U256::from(SOURCE_CHAIN),
                members: committee.members(),
                threshold: U256::from(committee.threshold),
            };
            call.abi_encode()[4..].to_vec()
        })
        .into()
}

/// Transactions of every type a client may send, signed by dev account 0 for the devnet's
/// default chain: legacy with and without EIP-155, 2930, 1559, and 4844 and 7702 (which the
/// devnet refuses by type).
fn raw_transactions() -> Vec<Vec<u8>> {
    let signer = dev_signer(0).expect("dev account 0");
    let sign = |hash: B256| signer.sign_hash_sync(&hash).expect("a dev key signs");
    let chain_id = devnet::ChainConfig::default().chain_id;
    let (to, gas_price) = (OTHER_MOS, 20_000_000);
    let access_list = AccessList(vec![AccessListItem { address: to, storage_keys: vec![B256::ZERO] }]);
    let legacy = |chain_id| TxLegacy {
        chain_id,
        gas_price,
        gas_limit: 21_000,
        to: TxKind::Call(to),
        value: U256::from(1),
        ..TxLegacy::default()
    };
    let eip2930 = TxEip2930 {
        chain_id,
        nonce: 1,
        gas_price,
        gas_limit: 30_000,
        to: TxKind::Call(to),
        access_list: access_list.clone(),
        input: Bytes::from(vec![1, 2, 3]),
        ..TxEip2930::default()
    };
    let eip1559 = TxEip1559 {
        chain_id,
        gas_limit: 100_000,
        max_fee_per_gas: gas_price,
        to: TxKind::Create,
        access_list: access_list.clone(),
        input: Bytes::from(vec![0x60, 0x00, 0x60, 0x00, 0xf3]),
        ..TxEip1559::default()
    };
    let eip4844 = TxEip4844 {
        chain_id,
        nonce: 2,
        gas_limit: 50_000,
        max_fee_per_gas: gas_price,
        to,
        access_list: access_list.clone(),
        blob_versioned_hashes: vec![B256::repeat_byte(1)],
        max_fee_per_blob_gas: 1,
        ..TxEip4844::default()
    };
    let authorization = Authorization { chain_id: U256::from(chain_id), address: to, nonce: 0 };
    let authorization = {
        let signature = sign(authorization.signature_hash());
        authorization.into_signed(signature)
    };
    let eip7702 = TxEip7702 {
        chain_id,
        nonce: 3,
        gas_limit: 60_000,
        max_fee_per_gas: gas_price,
        to,
        access_list,
        authorization_list: vec![authorization],
        ..TxEip7702::default()
    };
    let envelopes: Vec<TxEnvelope> = vec![
        signed(legacy(None), sign).into(),
        signed(legacy(Some(chain_id)), sign).into(),
        signed(eip2930, sign).into(),
        signed(eip1559, sign).into(),
        signed(eip4844, sign).into(),
        signed(eip7702, sign).into(),
    ];
    envelopes.iter().map(Encodable2718::encoded_2718).collect()
}

/// `tx` signed by `sign`.
fn signed<T: SignableTransaction<Signature>>(tx: T, sign: impl Fn(B256) -> Signature) -> alloy_consensus::Signed<T> {
    let signature = sign(tx.signature_hash());
    tx.into_signed(signature)
}
