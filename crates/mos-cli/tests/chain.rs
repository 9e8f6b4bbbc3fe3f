//! `mos prove` and `mos attest` against devnet chains served over JSON-RPC in the test process,
//! the binary run as a user runs it.

mod common;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use alloy_primitives::{Address, Bytes, Signature, B256, U256};
use alloy_provider::{
    network::{EthereumWallet, TransactionBuilder},
    Provider, ProviderBuilder,
};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::{SolCall, SolValue};
use devnet::{dev_accounts::dev_signer, rpc::RpcServer, Chain, ChainConfig};
use light_client_iface::{
    attestation::{domain, header_digest, HeaderAttestation, SignedHeader, SIGNATURE_LENGTH},
    interfaces::ICommitteeLightNode,
    LogList, ReceiptProofView,
};
use serde_json::Value;

use common::{mos, mos_error, mos_json};

/// A devnet chain over JSON-RPC.
struct Devnet {
    server: RpcServer,
    url: String,
}

impl Devnet {
    async fn start(chain_id: u64) -> Self {
        let chain = Chain::new(ChainConfig { chain_id, ..ChainConfig::default() });
        let server =
            RpcServer::start(Arc::new(Mutex::new(chain)), SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap();
        let url = server.url();
        Self { server, url }
    }

    /// A provider sending from dev account `account`.
    fn provider(&self, account: u32) -> impl Provider {
        ProviderBuilder::new()
            .wallet(EthereumWallet::from(dev_signer(account).unwrap()))
            .connect_hyper_http(self.url.parse().unwrap())
    }

    /// Sends a transaction from dev account `account` and returns its receipt, which must succeed.
    async fn send(&self, account: u32, request: TransactionRequest) -> alloy_rpc_types_eth::TransactionReceipt {
        let receipt = self.provider(account).send_transaction(request).await.unwrap().get_receipt().await.unwrap();
        assert!(receipt.status(), "{receipt:?}");
        receipt
    }

    async fn block_hash(&self, number: u64) -> B256 {
        self.provider(0).get_block_by_number(number.into()).await.unwrap().unwrap().header.hash
    }
}

/// Init code that emits `topics` and `data` as one log and deploys nothing.
fn init_code_emitting(topics: &[B256], data: &[u8]) -> Vec<u8> {
    let length = u16::try_from(data.len()).unwrap().to_be_bytes();
    let data_offset = u16::try_from(16 + 33 * topics.len()).unwrap().to_be_bytes();
    let mut code = vec![0x61, length[0], length[1], 0x61, data_offset[0], data_offset[1], 0x60, 0x00, 0x39];
    for topic in topics.iter().rev() {
        code.push(0x7f);
        code.extend_from_slice(topic.as_slice());
    }
    code.extend_from_slice(&[0x61, length[0], length[1], 0x60, 0x00, 0xa0 + topics.len() as u8, 0x00]);
    code.extend_from_slice(data);
    code
}

/// The `mapMessageOut` of MAP's first vector (`MosMessageTest`).
fn map_message_out() -> (Vec<B256>, Bytes) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/map-mos-v3/receipt-logs.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let list: Bytes = vectors[0]["hex"].as_str().unwrap().parse().unwrap();
    let log = LogList::new(&list).unwrap().get(0).unwrap().to_log();
    (log.topics().to_vec(), log.data.data)
}

/// A chain with one transaction emitting MAP's `mapMessageOut`: the transaction, its block, and
/// the emitting address.
async fn chain_with_a_message_out() -> (Devnet, B256, u64, Address) {
    let devnet = Devnet::start(ChainConfig::default().chain_id).await;
    let (topics, data) = map_message_out();
    let receipt =
        devnet.send(2, TransactionRequest::default().with_deploy_code(init_code_emitting(&topics, &data))).await;
    let emitter = receipt.inner.logs()[0].address();
    (devnet, receipt.transaction_hash, receipt.block_number.unwrap(), emitter)
}

#[tokio::test(flavor = "multi_thread")]
async fn prove_prints_a_proof_that_verifies_with_its_logs_decoded() {
    let (devnet, tx, block, emitter) = chain_with_a_message_out().await;
    let got = mos_json(&["prove", "--rpc", &devnet.url, "--tx", &tx.to_string()], &[]).await;
    let block_hash = devnet.block_hash(block).await;
    assert_eq!(got["blockNumber"], block);
    assert_eq!(got["blockHash"], block_hash.to_string());
    assert_eq!(got["transactionHash"], tx.to_string());
    assert_eq!(got["receiptIndex"], 0);
    assert_eq!(got["success"], true);
    assert_eq!(got["nodes"], 1);

    let proof: Bytes = got["proof"].as_str().unwrap().parse().unwrap();
    assert_eq!(got["proofSize"], proof.len());
    let verified = ReceiptProofView::decode(&proof).unwrap().verify().unwrap();
    assert_eq!(verified.block_hash, block_hash);
    let (topics, data) = map_message_out();
    let logs = verified.receipt.logs().to_logs().unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].address, logs[0].topics(), &logs[0].data.data), (emitter, &topics[..], &data));

    let log = &got["logs"][0];
    assert_eq!(got["logs"].as_array().unwrap().len(), 1);
    assert_eq!(log["index"], 0);
    assert_eq!(log["blockLogIndex"], 0);
    assert_eq!(log["address"], emitter.to_string().to_lowercase());
    assert_eq!(log["event"], "mapMessageOut");
    assert_eq!(log["fromChain"], 5);
    assert_eq!(log["toChain"], 212);
    assert_eq!(log["orderId"], "0x63bf27b593f5ecbfe3212c102d6dc04aabcf5e27150edeb6a60003feb71c3d38");
    assert_eq!(log["message"]["gasLimit"], 500000);

    // The text output says the same.
    let output = mos(&["prove", "--rpc", &devnet.url, "--tx", &tx.to_string()], &[]).await;
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for line in [format!("blockHash: {block_hash}"), "receiptIndex: 0".into(), "event: mapMessageOut".into()] {
        assert!(text.contains(&line), "missing {line:?} in\n{text}");
    }
    devnet.server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn prove_by_block_and_log_index_gives_the_same_proof() {
    let (devnet, tx, block, _) = chain_with_a_message_out().await;
    let by_tx = mos_json(&["prove", "--rpc", &devnet.url, "--tx", &tx.to_string()], &[]).await;
    let by_log = mos_json(&["prove", "--rpc", &devnet.url, "--block", &block.to_string(), "--log", "0"], &[]).await;
    assert_eq!(by_log["proof"], by_tx["proof"]);
    assert_eq!(by_log["transactionHash"], tx.to_string());
    assert_eq!(by_log["logIndex"], 0);
    assert_eq!(by_tx.get("logIndex"), None);
    devnet.server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn prove_fails_with_the_reason() {
    let (devnet, _, block, _) = chain_with_a_message_out().await;
    let unknown = B256::repeat_byte(0x42).to_string();
    let stderr = mos_error(&["prove", "--rpc", &devnet.url, "--tx", &unknown], &[]).await;
    assert_eq!(stderr, format!("error: transaction {unknown} is unknown to the node\n"));
    let stderr = mos_error(&["prove", "--rpc", &devnet.url, "--block", &block.to_string(), "--log", "1"], &[]).await;
    assert_eq!(stderr, format!("error: block {block} has 1 logs: there is no log 1\n"));
    let stderr = mos_error(&["prove", "--rpc", &devnet.url, "--block", "99", "--log", "0"], &[]).await;
    assert_eq!(stderr, "error: block 99 is unknown to the node\n");
    // Nothing listens on the discard port.
    let stderr = mos_error(&["prove", "--rpc", "http://127.0.0.1:9", "--tx", &unknown], &[]).await;
    assert!(stderr.starts_with("error: eth_getTransactionReceipt failed: "), "{stderr}");
    // The cause under the transport's error is said too.
    assert!(stderr.contains("Connection refused"), "{stderr}");
    // https is spoken (TLS): the request is made, and fails only because nothing listens.
    let stderr = mos_error(&["prove", "--rpc", "https://127.0.0.1:9", "--tx", &unknown], &[]).await;
    assert!(stderr.starts_with("error: eth_getTransactionReceipt failed: "), "{stderr}");
    let stderr = mos_error(&["prove", "--rpc", "ws://example.org", "--tx", &unknown], &[]).await;
    assert_eq!(stderr, "error: --rpc: ws://example.org: only http:// and https:// endpoints are supported\n");
    // Malformed command lines are usage errors (exit code 2).
    for args in [
        &["prove", "--rpc", &devnet.url][..],
        &["prove", "--rpc", &devnet.url, "--tx", &unknown, "--block", "1", "--log", "0"],
        &["prove", "--rpc", &devnet.url, "--block", "1"],
        &["prove", "--rpc", &devnet.url, "--tx", "0x1234"],
    ] {
        assert_eq!(mos(args, &[]).await.status.code(), Some(2), "{args:?}");
    }
    devnet.server.stop();
}

/// Keys of dev accounts 0..=3, the committee's and the sender's.
fn dev_key(account: u32) -> String {
    dev_signer(account).unwrap().to_bytes().to_string()
}

/// Checks an attestation printed by `mos attest`: the fields, and that each signature recovers to
/// its member for the digest computed here.
fn check_attestation(got: &Value, expected: &HeaderAttestation, chain_id: u64, light_node: Address, members: &[u32]) {
    let digest = header_digest(&domain(chain_id, light_node), expected);
    assert_eq!(got["sourceChainId"], expected.chainId.to::<u64>());
    assert_eq!(got["blockNumber"], expected.blockNumber.to::<u64>());
    assert_eq!(got["blockHash"], expected.blockHash.to_string());
    assert_eq!(got["lightNodeChainId"], chain_id);
    assert_eq!(got["lightNode"], light_node.to_string());
    assert_eq!(got["epoch"], expected.epoch.to::<u64>());
    assert_eq!(got["digest"], digest.to_string());
    let mut signers: Vec<Address> = members.iter().map(|&m| dev_signer(m).unwrap().address()).collect();
    signers.sort();
    let signatures = got["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), signers.len());
    for (entry, signer) in signatures.iter().zip(&signers) {
        assert_eq!(entry["signer"], signer.to_string());
        let bytes: Bytes = entry["signature"].as_str().unwrap().parse().unwrap();
        assert_eq!(bytes.len(), SIGNATURE_LENGTH);
        assert!(matches!(bytes[64], 27 | 28));
        let signature = Signature::from_raw(&bytes).unwrap();
        assert_eq!(signature.recover_address_from_prehash(&digest).unwrap(), *signer);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn attest_without_submitting_prints_the_signed_header() {
    let source = Devnet::start(5).await;
    source.send(0, TransactionRequest::default().with_to(Address::repeat_byte(1)).with_value(U256::from(7))).await;
    let destination = Devnet::start(ChainConfig::default().chain_id).await;
    let light_node = Address::repeat_byte(0x1c);
    let common = [
        "attest",
        "--source-rpc",
        &source.url,
        "--block",
        "1",
        "--rpc",
        &destination.url,
        "--light-node",
        &light_node.to_string(),
        "--epoch",
        "3",
        "--no-submit",
    ];
    let (key0, key1) = (dev_key(0), dev_key(1));
    let got = mos_json(&[&common[..], &["--key", &key0, "--key", &key1]].concat(), &[]).await;
    let expected = HeaderAttestation {
        chainId: U256::from(5),
        blockNumber: U256::from(1),
        blockHash: source.block_hash(1).await,
        epoch: U256::from(3),
    };
    check_attestation(&got, &expected, ChainConfig::default().chain_id, light_node, &[0, 1]);
    let signed: Bytes = got["signedHeader"].as_str().unwrap().parse().unwrap();
    let signed = SignedHeader::abi_decode(&signed).unwrap();
    assert_eq!(signed.attestation, expected);
    let concatenated: Vec<u8> = got["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|entry| entry["signature"].as_str().unwrap().parse::<Bytes>().unwrap().to_vec())
        .collect();
    assert_eq!(signed.signatures.to_vec(), concatenated);

    // The keys from the environment sign the same.
    let keys = format!("{key0},{key1}");
    let from_env = mos_json(&common, &[("MOS_ATTEST_KEYS", &keys)]).await;
    assert_eq!(from_env, got);

    // A key that is not one is named, not echoed.
    let stderr = mos_error(&[&common[..], &["--key", &key0, "--key", "0x12345"]].concat(), &[]).await;
    assert_eq!(stderr, "error: key 2 of --key / MOS_ATTEST_KEYS is not a private key (32 bytes, hex)\n");
    let stderr = mos_error(&[&common[..], &["--key", &key0, "--key", &key0]].concat(), &[]).await;
    let member = dev_signer(0).unwrap().address();
    assert_eq!(stderr, format!("error: the key of {member} is given twice: each member signs once\n"));
    let stderr = mos_error(
        &[&common[..1], &["--source-rpc", &source.url, "--block", "9"], &common[5..]].concat(),
        &[("MOS_ATTEST_KEYS", &keys)],
    )
    .await;
    assert_eq!(stderr, "error: block 9 is unknown to the node\n");
    // No key at all is a usage error.
    assert_eq!(mos(&common, &[]).await.status.code(), Some(2));
    source.server.stop();
    destination.server.stop();
}

/// The slot `mos-light-node`'s init code records its deployer in (`storage::DEPLOYER_SLOT`).
const DEPLOYER_SLOT: [u8; 32] = [0; 32];

/// Deploys and activates `mos-light-node` on `devnet` from dev account 9, and initialises it for
/// source chain `source_chain` with dev accounts `members` and `threshold`.
async fn deploy_light_node(devnet: &Devnet, source_chain: u64, members: &[u32], threshold: u64) -> Address {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let code = stylus_build::build_program(&stylus_build::BuildSpec::new("mos-light-node", workspace)).unwrap().code;
    let init = stylus_wasm::deploy::init_code_recording_deployer(&code, DEPLOYER_SLOT);
    let receipt = devnet.send(9, TransactionRequest::default().with_deploy_code(init)).await;
    let light_node = receipt.contract_address.unwrap();
    let activate = devnet::exec::ArbWasm::activateProgramCall { program: light_node }.abi_encode();
    devnet
        .send(
            9,
            TransactionRequest::default()
                .with_to(devnet::exec::ARB_WASM)
                .with_input(activate)
                .with_value(U256::from(10u64).pow(U256::from(16))),
        )
        .await;
    let initialize = ICommitteeLightNode::initializeCall {
        sourceChainId: U256::from(source_chain),
        members: members.iter().map(|&m| dev_signer(m).unwrap().address()).collect(),
        threshold: U256::from(threshold),
    };
    devnet.send(9, TransactionRequest::default().with_to(light_node).with_input(initialize.abi_encode())).await;
    light_node
}

async fn attested_hash(devnet: &Devnet, light_node: Address, block: u64) -> B256 {
    let call = ICommitteeLightNode::attestedHashCall { blockNumber: U256::from(block) }.abi_encode();
    let output = devnet.provider(0).call(TransactionRequest::default().with_to(light_node).with_input(call)).await;
    ICommitteeLightNode::attestedHashCall::abi_decode_returns(&output.unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn attest_submits_to_the_light_node_which_stores_the_hash() {
    let source = Devnet::start(5).await;
    source.send(0, TransactionRequest::default().with_to(Address::repeat_byte(1)).with_value(U256::from(7))).await;
    let destination = Devnet::start(ChainConfig::default().chain_id).await;
    let light_node = deploy_light_node(&destination, 5, &[0, 1, 2], 2).await;
    assert_eq!(attested_hash(&destination, light_node, 1).await, B256::ZERO);
    let attest = |block: &'static str, source: &str| {
        [
            "attest",
            "--source-rpc",
            source,
            "--block",
            block,
            "--rpc",
            &destination.url,
            "--light-node",
            &light_node.to_string(),
        ]
        .map(String::from)
    };
    let (key0, key1, key3) = (dev_key(0), dev_key(1), dev_key(3));

    // One member is below the threshold: the light node's reason, nothing sent.
    let args = attest("1", &source.url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stderr = mos_error(&[&args[..], &["--key", &key0]].concat(), &[]).await;
    assert_eq!(
        stderr,
        format!("error: the light node {light_node} refuses the attestation: LightNode: not enough signatures\n")
    );

    // Two members, sent by a third account that is not one: stored.
    let got = mos_json(&[&args[..], &["--key", &key1, "--key", &key0, "--from-key", &key3]].concat(), &[]).await;
    let block_hash = source.block_hash(1).await;
    let expected = HeaderAttestation {
        chainId: U256::from(5),
        blockNumber: U256::from(1),
        blockHash: block_hash,
        epoch: U256::from(1),
    };
    check_attestation(&got, &expected, ChainConfig::default().chain_id, light_node, &[0, 1]);
    assert_eq!(got["status"], "success");
    assert_eq!(got["event"], "HeaderAttested");
    assert_eq!(attested_hash(&destination, light_node, 1).await, block_hash);
    let tx: B256 = got["transactionHash"].as_str().unwrap().parse().unwrap();
    let receipt = destination.provider(0).get_transaction_receipt(tx).await.unwrap().unwrap();
    assert_eq!(receipt.from, dev_signer(3).unwrap().address());
    assert_eq!(got["minedInBlock"], receipt.block_number.unwrap());

    // The same hash again, the keys from the environment: nothing changes.
    let got = mos_json(&args, &[("MOS_ATTEST_KEYS", &format!("{key0},{key1}"))]).await;
    assert_eq!(got["epoch"], 1);
    assert_eq!(got["status"], "success");
    assert_eq!(got["event"], Value::Null);
    assert_eq!(attested_hash(&destination, light_node, 1).await, block_hash);

    // Another chain with the same id and a different block 1 (a fork the committee signs too):
    // the light node keeps the first hash and reports the conflict, and so does the command.
    let fork = Devnet::start(5).await;
    fork.send(4, TransactionRequest::default().with_to(Address::repeat_byte(2)).with_value(U256::from(9))).await;
    let args = attest("1", &fork.url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = mos(&[&["--json"], &args[..], &["--key", &key0, "--key", &key1]].concat(), &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let got: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(got["event"], "ConflictingAttestation");
    assert_eq!(got["attestedHash"], block_hash.to_string());
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!("error: the light node keeps {block_hash} for block 1 and reported this attestation as conflicting\n")
    );
    assert_eq!(attested_hash(&destination, light_node, 1).await, block_hash);
    for devnet in [source, destination, fork] {
        devnet.server.stop();
    }
}
