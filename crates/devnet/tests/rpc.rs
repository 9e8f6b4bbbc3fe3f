//! The devnet over JSON-RPC, driven by alloy's provider as any dApp or tool would: deploy and
//! activate a Stylus program from signed raw transactions, call it, filter its logs, and prove its
//! receipt against the block header with the light client's code.

mod common;

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Bytes, TxKind, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionRequest};
use alloy_sol_types::SolCall;
use common::{program_code, STORE_WAT};
use devnet::{dev_accounts::dev_signer, exec::ArbWasm, rpc::RpcServer, Chain, ChainConfig};
use light_client_iface::{index_key, Receipt, ReceiptProof, ReceiptProofView};

async fn start() -> RpcServer {
    let chain = Arc::new(Mutex::new(Chain::new(ChainConfig::default())));
    RpcServer::start(chain, SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_activate_call_filter_and_prove_over_json_rpc() {
    let server = start().await;
    let signer = dev_signer(3).unwrap();
    let from = signer.address();
    let provider =
        ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_hyper_http(server.url().parse().unwrap());
    assert_eq!(provider.get_chain_id().await.unwrap(), ChainConfig::default().chain_id);

    // Deploy: a creation transaction carrying cargo-stylus's init code.
    let code = program_code(STORE_WAT);
    let deploy = TransactionRequest::default().with_deploy_code(stylus_wasm::deploy::init_code(&code)).with_from(from);
    let receipt = provider.send_transaction(deploy).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status());
    let program = receipt.contract_address.unwrap();
    assert_eq!(provider.get_code_at(program).await.unwrap().as_ref(), code.as_slice());

    // Activate, paying the data fee the activation asks for.
    let activate = TransactionRequest::default()
        .with_to(devnet::exec::ARB_WASM)
        .with_input(ArbWasm::activateProgramCall { program }.abi_encode())
        .with_value(U256::from(10u64).pow(U256::from(16)));
    let receipt = provider.send_transaction(activate).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status(), "activation failed");
    let version = provider
        .call(
            TransactionRequest::default()
                .with_to(devnet::exec::ARB_WASM)
                .with_input(ArbWasm::programVersionCall { program }.abi_encode()),
        )
        .await
        .unwrap();
    assert_eq!(ArbWasm::programVersionCall::abi_decode_returns(&version).unwrap(), 2);

    // eth_estimateGas is tight: the estimate succeeds, one gas less does not.
    let value = U256::from(0xc0ffeeu64).to_be_bytes::<32>();
    let call =
        TransactionRequest::default().with_from(from).with_to(program).with_input(Bytes::copy_from_slice(&value));
    let estimate = provider.estimate_gas(call.clone()).await.unwrap();
    assert!(provider.call(call.clone().with_gas_limit(estimate)).await.is_ok());
    assert!(provider.call(call.clone().with_gas_limit(estimate - 1)).await.is_err());

    // Call it with a value, then find the log with a filter.
    let receipt = provider.send_transaction(call).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status());
    let block = receipt.block_number.unwrap();
    let filter = Filter::new().address(program).event_signature(alloy_primitives::B256::from(value)).from_block(0);
    let logs = provider.get_logs(&filter).await.unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].block_number, Some(block));
    assert_eq!(logs[0].transaction_hash, Some(receipt.transaction_hash));
    let none =
        provider.get_logs(&Filter::new().address(program).event_signature(alloy_primitives::B256::ZERO)).await.unwrap();
    assert!(none.is_empty());
    let slot = provider.get_storage_at(program, U256::ZERO).await.unwrap();
    assert_eq!(slot, U256::from(0xc0ffeeu64));

    // Prove the receipt: header from eth_getBlockByNumber, receipts from eth_getBlockReceipts.
    let rpc_block = provider.get_block_by_number(BlockNumberOrTag::Number(block)).await.unwrap().unwrap();
    let header = rpc_block.header.inner.clone();
    let header_rlp = alloy_rlp::encode(&header);
    assert_eq!(alloy_primitives::keccak256(&header_rlp), rpc_block.header.hash, "the header reproduces the hash");
    let receipts = provider.get_block_receipts(block.into()).await.unwrap().unwrap();
    let encoded: BTreeMap<Vec<u8>, Vec<u8>> = receipts
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let logs = r.inner.logs().iter().map(|l| l.inner.clone()).collect();
            let consensus = Receipt::new(r.inner.tx_type() as u8, r.status(), r.inner.cumulative_gas_used(), logs);
            (index_key(i as u64), consensus.encode())
        })
        .collect();
    let index = receipt.transaction_index.unwrap();
    let retainer = alloy_trie::proof::ProofRetainer::new(vec![alloy_trie::Nibbles::unpack(index_key(index))]);
    let mut builder = alloy_trie::HashBuilder::default().with_proof_retainer(retainer);
    for (key, value) in &encoded {
        builder.add_leaf(alloy_trie::Nibbles::unpack(key), value);
    }
    assert_eq!(builder.root(), header.receipts_root);
    let nodes = builder
        .take_proof_nodes()
        .matching_nodes_sorted(&alloy_trie::Nibbles::unpack(index_key(index)))
        .into_iter()
        .filter(|(path, node)| path.is_empty() || node.len() >= 32)
        .map(|(_, node)| node)
        .collect();
    let proof = ReceiptProof { header: header_rlp.into(), receipt_index: index, nodes }.encode();
    let proven = ReceiptProofView::decode(&proof).unwrap().verify().unwrap();
    assert_eq!(proven.block_hash, rpc_block.header.hash);
    let logs = proven.receipt.logs().to_logs().unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, program);

    server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn reverts_and_bad_requests_get_json_rpc_errors() {
    let server = start().await;
    let client = hyper_post(server.address());
    // Unknown method, malformed JSON, bad params, a batch.
    let reply = client(r#"{"jsonrpc":"2.0","id":1,"method":"eth_nope","params":[]}"#).await;
    assert_eq!(reply["error"]["code"], -32601);
    let reply = client(r#"{"jsonrpc":"2.0","id":1,"method":"#).await;
    assert_eq!(reply["error"]["code"], -32700);
    let reply = client(r#"{"jsonrpc":"2.0","id":2,"method":"eth_getBalance","params":["0x12"]}"#).await;
    assert_eq!(reply["error"]["code"], -32602);
    let reply =
        client(r#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"net_version"}]"#)
            .await;
    assert_eq!(reply[0]["result"], "0x64aba");
    assert_eq!(reply[1]["result"], "412346");
    let reply = client(r#"{"jsonrpc":"2.0","id":3,"method":"eth_sendRawTransaction","params":["0x02c0"]}"#).await;
    assert_eq!(reply["error"]["code"], -32000);

    // A call that reverts with Error("no"): code 3, the reason in the message, the data.
    let revert_data = alloy_sol_types::Revert::from("no");
    let data = alloy_sol_types::SolError::abi_encode(&revert_data);
    // Init code returning runtime code that reverts with `data`.
    let mut runtime = Vec::new();
    for (i, chunk) in data.chunks(32).enumerate() {
        let mut word = [0u8; 32];
        word[..chunk.len()].copy_from_slice(chunk);
        runtime.push(0x7f);
        runtime.extend_from_slice(&word);
        runtime.extend_from_slice(&[0x60, (i * 32) as u8, 0x52]);
    }
    runtime.extend_from_slice(&[0x60, data.len() as u8, 0x60, 0x00, 0xfd]);
    let mut init = vec![0x60, runtime.len() as u8, 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00];
    init.extend_from_slice(&runtime);
    let from = format!("{:#x}", dev_signer(0).unwrap().address());
    let reply = client(&format!(
        r#"{{"jsonrpc":"2.0","id":4,"method":"eth_sendTransaction","params":[{{"from":"{from}","data":"0x{}"}}]}}"#,
        alloy_primitives::hex::encode(&init)
    ))
    .await;
    let hash = reply["result"].as_str().unwrap().to_string();
    let reply =
        client(&format!(r#"{{"jsonrpc":"2.0","id":5,"method":"eth_getTransactionReceipt","params":["{hash}"]}}"#))
            .await;
    let contract = reply["result"]["contractAddress"].as_str().unwrap().to_string();
    let reply =
        client(&format!(r#"{{"jsonrpc":"2.0","id":6,"method":"eth_call","params":[{{"to":"{contract}"}},"latest"]}}"#))
            .await;
    assert_eq!(reply["error"]["code"], 3);
    assert_eq!(reply["error"]["message"], "execution reverted: no");
    assert_eq!(reply["error"]["data"], format!("0x{}", alloy_primitives::hex::encode(&data)));
    let _ = TxKind::Create;
    server.stop();
}

/// A function that POSTs a body to the server and parses the JSON reply.
fn hyper_post(
    address: SocketAddr,
) -> impl Fn(&str) -> std::pin::Pin<Box<dyn std::future::Future<Output = serde_json::Value> + Send>> {
    move |body: &str| {
        let body = body.to_string();
        Box::pin(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
            let request = format!(
                "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).await.unwrap();
            let json = response.split("\r\n\r\n").nth(1).unwrap();
            serde_json::from_str(json).unwrap()
        })
    }
}

/// A transaction with an access list pays 2 400 gas per address and 1 900 per key before it runs
/// (EIP-2930): `eth_estimateGas` must count them, or the transaction it sizes is refused as below
/// intrinsic gas. The estimate is also tight with the list: one gas less fails.
#[tokio::test(flavor = "multi_thread")]
async fn estimate_gas_pays_for_the_access_list_and_its_transaction_goes_through() {
    use alloy_rpc_types_eth::{AccessList, AccessListItem};
    let server = start().await;
    let signer = dev_signer(4).unwrap();
    let from = signer.address();
    let provider =
        ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_hyper_http(server.url().parse().unwrap());
    let to = alloy_primitives::Address::repeat_byte(0x42);
    let keys = (1u8..=3).map(alloy_primitives::B256::with_last_byte).collect();
    let list = AccessList(vec![
        AccessListItem { address: to, storage_keys: keys },
        AccessListItem { address: alloy_primitives::Address::repeat_byte(0x43), storage_keys: Vec::new() },
    ]);
    let transfer = TransactionRequest::default().with_from(from).with_to(to).with_value(U256::from(1));
    let plain = provider.estimate_gas(transfer.clone()).await.unwrap();
    assert_eq!(plain, 21_000);
    let with_list = transfer.with_access_list(list);
    let estimate = provider.estimate_gas(with_list.clone()).await.unwrap();
    assert_eq!(estimate, 21_000 + 2 * 2_400 + 3 * 1_900);
    assert!(provider.call(with_list.clone().with_gas_limit(estimate - 1)).await.is_err());
    let receipt =
        provider.send_transaction(with_list.with_gas_limit(estimate)).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.gas_used, estimate);
}
