//! Proofs built over JSON-RPC from the devnet's blocks verify with the light client's code and
//! prove exactly the receipt's logs; a node whose answers do not check out gets a typed error.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_provider::{
    network::{EthereumWallet, TransactionBuilder},
    Provider, ProviderBuilder,
};
use alloy_rpc_types_eth::{BlockId, Filter, TransactionReceipt, TransactionRequest};
use devnet::{dev_accounts::dev_signer, rpc::RpcServer, ChainConfig};
use light_client_iface::ReceiptProofView;
use mos_prover::{
    rpc::{fetch_header, prove_log, prove_transaction, NodeError, TransactionProof},
    ProveError,
};
use mos_rpc::{Chain, ChainError, Fees, Node};
use serde_json::{json, Value};

/// EVM runtime code: with calldata `word ‖ data`, emits LOG2(topics: word, caller; data: data),
/// then LOG0 with no data.
const EMITTER: [u8; 23] = [
    0x36, 0x60, 0x00, 0x60, 0x00, 0x37, // calldatacopy(0, 0, calldatasize)
    0x33, 0x60, 0x00, 0x51, 0x60, 0x20, 0x36, 0x03, 0x60, 0x20, 0xa2, // log2(32, size - 32, mload(0), caller)
    0x60, 0x00, 0x60, 0x00, 0xa0, // log0(0, 0)
    0x00, // stop
];

/// Init code returning [`EMITTER`].
fn emitter_init_code() -> Vec<u8> {
    let mut init = vec![0x60, EMITTER.len() as u8, 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00];
    init.extend_from_slice(&EMITTER);
    init
}

/// A devnet served over JSON-RPC, the chain kept to switch auto-mining off and mine by hand.
struct Devnet {
    chain: Arc<Mutex<devnet::Chain>>,
    server: RpcServer,
}

impl Devnet {
    async fn start() -> Self {
        Self::with(ChainConfig::default()).await
    }

    async fn with(config: ChainConfig) -> Self {
        let chain = Arc::new(Mutex::new(devnet::Chain::try_new(config).unwrap()));
        let server = RpcServer::start(Arc::clone(&chain), SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap();
        Self { chain, server }
    }

    /// A provider signing for dev accounts 0, 1 and 2.
    fn wallet_provider(&self) -> impl Provider {
        let mut wallet = EthereumWallet::from(dev_signer(0).unwrap());
        wallet.register_signer(dev_signer(1).unwrap());
        wallet.register_signer(dev_signer(2).unwrap());
        ProviderBuilder::new().wallet(wallet).connect_hyper_http(self.server.url().parse().unwrap())
    }

    /// The node, as a messenger has it.
    fn node(&self) -> Node {
        Node::connect(&self.server.url()).unwrap()
    }
}

/// The calldata of a call to the emitter: the topic word, then the data.
fn emit(word: u8, data: &[u8]) -> Bytes {
    let mut calldata = B256::repeat_byte(word).to_vec();
    calldata.extend_from_slice(data);
    calldata.into()
}

/// What the emitter logs for `caller` called with [`emit`]`(word, data)`.
fn emitted(emitter: Address, caller: Address, word: u8, data: &[u8]) -> Vec<Log> {
    vec![
        Log::new_unchecked(emitter, vec![B256::repeat_byte(word), caller.into_word()], Bytes::copy_from_slice(data)),
        Log::new_unchecked(emitter, Vec::new(), Bytes::new()),
    ]
}

/// One block holding: account 0 calling the emitter, account 1 paying account 3, account 2 calling
/// the emitter. Returns the emitter, the block number and the three transactions.
async fn block_of_three(devnet: &Devnet) -> (Address, u64, [B256; 3]) {
    let provider = devnet.wallet_provider();
    let [a0, a1, a2, a3] = [0, 1, 2, 3].map(|i| dev_signer(i).unwrap().address());
    let deploy = TransactionRequest::default().with_from(a0).with_deploy_code(emitter_init_code());
    let receipt = provider.send_transaction(deploy).await.unwrap().get_receipt().await.unwrap();
    let emitter = receipt.contract_address.unwrap();

    devnet.chain.lock().unwrap().set_auto_mine(false);
    let requests = [
        TransactionRequest::default().with_from(a0).with_to(emitter).with_input(emit(0xaa, b"first")),
        TransactionRequest::default().with_from(a1).with_to(a3).with_value(U256::from(1)),
        TransactionRequest::default().with_from(a2).with_to(emitter).with_input(emit(0xbb, &[0x5c; 70])),
    ];
    let mut hashes = [B256::ZERO; 3];
    for (hash, request) in hashes.iter_mut().zip(requests) {
        *hash = *provider.send_transaction(request).await.unwrap().tx_hash();
    }
    let block = devnet.chain.lock().unwrap().mine();
    devnet.chain.lock().unwrap().set_auto_mine(true);
    (emitter, block, hashes)
}

/// Verifies the proof as a light node does and returns the logs it proves.
fn verified_logs(proven: &TransactionProof) -> Vec<Log> {
    let encoded = proven.proof.encode();
    let view = ReceiptProofView::decode(&encoded).unwrap();
    assert_eq!(view.receipt_index(), proven.receipt_index);
    let verified = view.verify().unwrap();
    assert_eq!(verified.block_hash, proven.block_hash);
    assert_eq!(verified.header.number, proven.block_number);
    verified.receipt.logs().to_logs().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_transaction_of_a_block_is_proven_with_exactly_its_logs() {
    let devnet = Devnet::start().await;
    let (emitter, block, [first, transfer, last]) = block_of_three(&devnet).await;
    let node = devnet.node();
    let block_hash = node.provider().get_block_by_number(block.into()).await.unwrap().unwrap().header.hash;
    let [a0, a2] = [0, 2].map(|i| dev_signer(i).unwrap().address());

    let proven = prove_transaction(&node, first).await.unwrap();
    assert_eq!((proven.block_number, proven.block_hash), (block, block_hash));
    assert_eq!((proven.receipt_index, proven.transaction_hash, proven.first_log_index), (0, first, 0));
    assert_eq!(proven.logs, emitted(emitter, a0, 0xaa, b"first"));
    assert_eq!(verified_logs(&proven), proven.logs);

    let proven = prove_transaction(&node, transfer).await.unwrap();
    assert_eq!((proven.receipt_index, proven.transaction_hash, proven.first_log_index), (1, transfer, 2));
    assert_eq!(proven.logs, []);
    assert_eq!(verified_logs(&proven), []);

    let proven = prove_transaction(&node, last).await.unwrap();
    assert_eq!((proven.block_number, proven.block_hash), (block, block_hash));
    assert_eq!((proven.receipt_index, proven.transaction_hash, proven.first_log_index), (2, last, 2));
    assert_eq!(proven.logs, emitted(emitter, a2, 0xbb, &[0x5c; 70]));
    assert_eq!(verified_logs(&proven), proven.logs);

    // The logs are the node's own account of the receipt, too.
    let receipt = node.receipt(last).await.unwrap().unwrap();
    let node_logs: Vec<Log> = receipt.inner.logs().iter().map(|log| log.inner.clone()).collect();
    assert_eq!(proven.logs, node_logs);
    devnet.server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_is_proven_by_its_block_wide_index() {
    let devnet = Devnet::start().await;
    let (_, block, [first, _, last]) = block_of_three(&devnet).await;
    let node = devnet.node();
    // Logs 0 and 1 are the first transaction's, 2 and 3 the last one's; the transfer has none.
    for (log_index, transaction, receipt_index) in [(0, first, 0), (1, first, 0), (2, last, 2), (3, last, 2)] {
        let proven = prove_log(&node, block, log_index).await.unwrap();
        assert_eq!((proven.transaction_hash, proven.receipt_index), (transaction, receipt_index), "log {log_index}");
        assert_eq!(proven, prove_transaction(&node, transaction).await.unwrap());
        assert_eq!(verified_logs(&proven), proven.logs);
    }
    let error = prove_log(&node, block, 4).await.unwrap_err();
    assert!(matches!(error, NodeError::LogIndexOutOfRange { block: b, index: 4, count: 4 } if b == block), "{error:?}");
    assert_eq!(error.to_string(), format!("block {block} has 4 logs: there is no log 4"));
    devnet.server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_transactions_and_blocks_are_named() {
    let devnet = Devnet::start().await;
    let node = devnet.node();
    let unknown = B256::repeat_byte(0x42);
    let error = prove_transaction(&node, unknown).await.unwrap_err();
    assert!(matches!(error, NodeError::TransactionNotFound(hash) if hash == unknown), "{error:?}");
    assert_eq!(error.to_string(), format!("transaction {unknown} is unknown to the node"));

    let error = prove_log(&node, 999, 0).await.unwrap_err();
    assert!(matches!(error, NodeError::BlockNotFound(BlockId::Number(n)) if n.as_number() == Some(999)), "{error:?}");
    assert_eq!(error.to_string(), "block 999 is unknown to the node");

    // The genesis block has no logs.
    let error = prove_log(&node, 0, 0).await.unwrap_err();
    assert!(matches!(error, NodeError::LogIndexOutOfRange { block: 0, index: 0, count: 0 }), "{error:?}");
    devnet.server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_node_is_an_rpc_error_naming_the_method() {
    // Port 9 (discard) on the loopback: nothing listens there.
    let node = Node::connect("http://127.0.0.1:9").unwrap();
    let error = prove_transaction(&node, B256::ZERO).await.unwrap_err();
    assert!(
        matches!(error, NodeError::Chain(ChainError::Rpc { method: "eth_getTransactionReceipt", .. })),
        "{error:?}"
    );
    let error = fetch_header(&node, BlockId::number(1)).await.unwrap_err();
    assert!(matches!(error, NodeError::Chain(ChainError::Rpc { method: "eth_getBlockByNumber", .. })), "{error:?}");
}

/// The devnet's JSON answers for a block with logs: its block, its receipts, the first
/// transaction's receipt.
async fn recorded_answers() -> (u64, B256, Value, Value, Value) {
    let devnet = Devnet::start().await;
    let (_, block, [first, ..]) = block_of_three(&devnet).await;
    let node = devnet.node();
    let block_json = node.request("eth_getBlockByNumber", json!([format!("{block:#x}"), false])).await.unwrap();
    let hash: B256 = serde_json::from_value(block_json["hash"].clone()).unwrap();
    let receipts = node.request("eth_getBlockReceipts", json!([hash])).await.unwrap();
    let receipt = node.request("eth_getTransactionReceipt", json!([first])).await.unwrap();
    devnet.server.stop();
    (block, first, block_json, receipts, receipt)
}

/// A chain that answers the raw requests with `answers`, in order: the prover reads blocks and
/// receipts only through [`Chain::request`], and a test isolates it from any node this way.
fn scripted(answers: &[&Value]) -> Scripted {
    Scripted(Mutex::new(answers.iter().map(|&answer| answer.clone()).collect()))
}

/// See [`scripted`]. Any other method is a bug in the prover: it panics.
#[derive(Debug)]
struct Scripted(Mutex<VecDeque<Value>>);

#[async_trait::async_trait]
impl Chain for Scripted {
    fn url(&self) -> &str {
        "scripted"
    }
    fn poll_interval(&self) -> Duration {
        Duration::ZERO
    }
    async fn chain_id(&self) -> Result<u64, ChainError> {
        unreachable!("the prover asks the chain id only to attest")
    }
    async fn block_number(&self) -> Result<u64, ChainError> {
        unreachable!()
    }
    async fn base_fee(&self) -> Result<u64, ChainError> {
        unreachable!()
    }
    async fn suggested_fees(&self) -> Result<Fees, ChainError> {
        unreachable!()
    }
    async fn balance(&self, _: Address) -> Result<U256, ChainError> {
        unreachable!()
    }
    async fn mined_nonce(&self, _: Address) -> Result<u64, ChainError> {
        unreachable!()
    }
    async fn pending_nonce(&self, _: Address) -> Result<u64, ChainError> {
        unreachable!()
    }
    async fn holds(&self, _: B256) -> Result<bool, ChainError> {
        unreachable!()
    }
    async fn logs(&self, _: &Filter) -> Result<Vec<alloy_rpc_types_eth::Log>, ChainError> {
        unreachable!()
    }
    async fn receipt(&self, _: B256) -> Result<Option<TransactionReceipt>, ChainError> {
        unreachable!("the prover reads receipts as JSON, of any type")
    }
    async fn call(&self, _: &TransactionRequest) -> Result<Bytes, ChainError> {
        unreachable!()
    }
    async fn estimate_gas(&self, _: &TransactionRequest) -> Result<u64, ChainError> {
        unreachable!()
    }
    async fn send_raw(&self, _: &Bytes) -> Result<(), ChainError> {
        unreachable!()
    }
    async fn request(&self, method: &'static str, _: Value) -> Result<Value, ChainError> {
        Ok(self.0.lock().unwrap().pop_front().unwrap_or_else(|| panic!("{method}: no answer scripted")))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_serving_a_header_that_does_not_hash_to_its_block_hash_is_refused() {
    let (block, _, block_json, receipts, _) = recorded_answers().await;
    let hash: B256 = serde_json::from_value(block_json["hash"].clone()).unwrap();
    // As served, the answers give a proof.
    assert!(prove_log(&scripted(&[&block_json, &receipts]), block, 0).await.is_ok());

    let mut altered = block_json.clone();
    altered["timestamp"] = json!("0x1");
    let altered_fields: alloy_rpc_types_eth::Header = serde_json::from_value(altered.clone()).unwrap();
    let altered_hash = altered_fields.inner.hash_slow();
    let error = prove_log(&scripted(&[&altered, &receipts]), block, 0).await.unwrap_err();
    assert!(
        matches!(error, NodeError::HeaderMismatch { number, claimed, rebuilt }
            if number == block && claimed == hash && rebuilt == altered_hash),
        "{error:?}"
    );

    let mut misnamed = block_json.clone();
    misnamed["hash"] = json!(B256::repeat_byte(0x11));
    let error = fetch_header(&scripted(&[&misnamed]), BlockId::number(block)).await.unwrap_err();
    assert!(
        matches!(error, NodeError::HeaderMismatch { claimed, rebuilt, .. } if claimed == B256::repeat_byte(0x11) && rebuilt == hash),
        "{error:?}"
    );

    // Asked by hash, a node answering with another (self-consistent) block is refused too.
    let asked = B256::repeat_byte(0x22);
    let error = fetch_header(&scripted(&[&block_json]), BlockId::hash(asked)).await.unwrap_err();
    assert!(
        matches!(error, NodeError::HeaderMismatch { claimed, rebuilt, .. } if claimed == asked && rebuilt == hash),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn receipts_that_miss_the_receipts_root_are_refused() {
    let (block, _, block_json, receipts, _) = recorded_answers().await;
    let receipts_root: B256 = serde_json::from_value(block_json["receiptsRoot"].clone()).unwrap();
    let mut altered = receipts.clone();
    altered[1]["cumulativeGasUsed"] = json!("0x1");
    let error = prove_log(&scripted(&[&block_json, &altered]), block, 0).await.unwrap_err();
    assert!(
        matches!(&error, NodeError::Proof { block: b, source: ProveError::ReceiptsRootMismatch { expected, .. } }
            if *b == block && *expected == receipts_root),
        "{error:?}"
    );

    let mut shortened = receipts.clone();
    shortened.as_array_mut().unwrap().pop();
    let error = prove_log(&scripted(&[&block_json, &shortened]), block, 0).await.unwrap_err();
    assert!(matches!(error, NodeError::Proof { source: ProveError::ReceiptsRootMismatch { .. }, .. }), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_transaction_is_not_mined_and_a_missing_receipt_is_named() {
    let (_, first, block_json, receipts, receipt) = recorded_answers().await;
    // No receipt, but the node has the transaction: pending.
    let body = json!({ "hash": first, "blockHash": null, "blockNumber": null });
    let error = prove_transaction(&scripted(&[&Value::Null, &body]), first).await.unwrap_err();
    assert!(matches!(error, NodeError::TransactionNotMined(hash) if hash == first), "{error:?}");
    assert_eq!(error.to_string(), format!("transaction {first} is not mined yet"));

    // The receipt names a block whose receipts do not include the transaction.
    let mut others = receipts.clone();
    others[0]["transactionHash"] = json!(B256::repeat_byte(0x33));
    let error = prove_transaction(&scripted(&[&receipt, &block_json, &others]), first).await.unwrap_err();
    assert!(matches!(error, NodeError::TransactionNotInBlock { transaction, .. } if transaction == first), "{error:?}");
}

/// A relay sealed as MAP's: four validators, the fourth absent, epochs of 4 blocks; a transfer in
/// each of blocks 1 to 6. The transfers' hashes, by block.
async fn sealed_relay() -> (Devnet, Vec<B256>, Vec<devnet::ibft::Validator>) {
    use alloy_consensus::{TxEip1559, TypedTransaction};
    let keys = devnet::ibft::dev_validator_keys(4);
    let validators: Vec<_> = keys.iter().map(|key| devnet::ibft::Validator::from_key(*key).unwrap()).collect();
    let ibft = devnet::ibft::IbftConfig {
        epoch_size: 4,
        validators: keys,
        absent: vec![validators[3].address],
        proposals: Vec::new(),
    };
    let devnet = Devnet::with(ChainConfig { ibft: Some(ibft), ..ChainConfig::default() }).await;
    let mut transfers = vec![B256::ZERO];
    for _ in 0..6 {
        let mut chain = devnet.chain.lock().unwrap();
        let from = chain.accounts()[0];
        let tx = TxEip1559 {
            chain_id: chain.config().chain_id,
            nonce: chain.next_nonce(&from),
            gas_limit: 21_000,
            max_fee_per_gas: 1_000_000_000,
            to: alloy_primitives::TxKind::Call(Address::repeat_byte(7)),
            value: U256::from(1),
            ..TxEip1559::default()
        };
        transfers.push(chain.send_transaction(from, TypedTransaction::Eip1559(tx)).unwrap());
    }
    (devnet, transfers, validators)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sealed_relays_headers_signers_key_epochs_and_proofs_are_read_from_its_node_and_checked() {
    use mos_prover::rpc::{prove_sealed_transactions_in_block, sealed, LightNodeProof};
    let (devnet, transfers, validators) = sealed_relay().await;
    let node = devnet.node();
    let expected = {
        let chain = devnet.chain.lock().unwrap();
        let block = chain.block(devnet::BlockId::Number(3)).unwrap();
        (devnet::ibft::atlas_header(&block.header), block.hash)
    };
    let header = sealed::fetch_atlas_header(&node, BlockId::number(3)).await.unwrap();
    assert_eq!(header, expected.0);
    assert_eq!(map_ibft::block_hash(&header).unwrap(), expected.1);
    // The three present validators signed: their G2 keys summed.
    let signed = sealed::sealed_header(&node, BlockId::number(3)).await.unwrap();
    let present: Vec<[u8; 128]> = validators[..3].iter().map(|v| v.g2_key).collect();
    assert_eq!(signed.aggregated_key, map_ibft::bls::sum_g2(&present).unwrap());
    assert_eq!(signed.header.as_ref(), header.encode());

    let info = sealed::epoch_info(&node, 2).await.unwrap();
    assert_eq!((info.epoch, info.epoch_size), (2, 4));
    assert_eq!(info.validators, validators.iter().map(|v| v.address).collect::<Vec<_>>());
    assert_eq!(info.concatenated_keys().to_vec(), validators.iter().flat_map(|v| v.g1_key).collect::<Vec<u8>>());
    assert!(matches!(sealed::epoch_info(&node, 9).await, Err(NodeError::EpochNotFound(9))));
    let update = sealed::epoch_update(&node, 1, 4).await.unwrap();
    assert_eq!(map_ibft::AtlasHeader::decode(&update.header).unwrap().number, 4);
    assert!(matches!(sealed::epoch_update(&node, 2, 4).await, Err(NodeError::BlockNotFound(_))));

    let proven = prove_sealed_transactions_in_block(&node, expected.1, &[transfers[3]]).await.unwrap().remove(0);
    let LightNodeProof::Sealed(proof) = &proven.proof else { panic!("a sealed proof: {:?}", proven.proof) };
    assert_eq!(proof.sealed, signed);
    let key = light_client_iface::index_key(0);
    light_client_iface::verify_proof(header.receipt_hash, &key, proof.nodes.iter().map(|n| n.as_ref())).unwrap();
    assert_eq!(map_ibft::SealedReceiptProof::decode(&proven.proof.encode()).unwrap(), *proof);

    // A field altered by the node: its header no longer hashes to the hash it gives.
    let mut served = node.request("eth_getBlockByNumber", json!(["0x3", false])).await.unwrap();
    served["gasUsed"] = json!("0x1");
    let error = sealed::fetch_atlas_header(&scripted(&[&served]), BlockId::number(3)).await.unwrap_err();
    assert!(
        matches!(error, NodeError::HeaderMismatch { number: 3, claimed, .. } if claimed == expected.1),
        "{error:?}"
    );
    devnet.server.stop();

    // A chain not sealed as MAP's: its extra is no Istanbul extra, its node knows no istanbul_*.
    let nitro = Devnet::start().await;
    let error = sealed::fetch_atlas_header(&nitro.node(), BlockId::number(0)).await.unwrap_err();
    assert!(matches!(error, NodeError::Unreadable { .. }), "{error:?}");
    let error = sealed::epoch_info(&nitro.node(), 1).await.unwrap_err();
    assert!(matches!(error, NodeError::Chain(_)), "{error:?}");
    nitro.server.stop();
}
