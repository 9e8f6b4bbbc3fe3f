//! Devnet throughput: transactions per second for a storage-writing Stylus program and for a
//! cross-program call, in-process and over JSON-RPC. `make bench` runs this and writes the table to
//! docs/benchmarks.md. Numbers, not assertions: nothing here fails on speed.

use std::{
    net::SocketAddr,
    path::Path,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{hex, Address, TxKind, B256, U256};
use alloy_signer::SignerSync;
use alloy_sol_types::{sol, SolCall};
use devnet::{dev_accounts::dev_signer, exec::ArbWasm, rpc::RpcServer, BlockId, Chain, ChainConfig};

sol! {
    interface Probe { function store(bytes32 key, bytes32 value) external; }
    interface Caller { function callContract(address target, bytes data, uint256 value, uint64 gas) external payable returns (uint8 status, bytes ret); }
}

const TRANSACTIONS: u64 = 1_000;

fn program(package: &str) -> Vec<u8> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    stylus_build::build_program(&stylus_build::BuildSpec::new(package, workspace))
        .unwrap_or_else(|e| panic!("building {package}: {e}"))
        .code
}

fn sign(chain: &Chain, nonce: u64, to: TxKind, value: U256, input: Vec<u8>, gas_limit: u64) -> Vec<u8> {
    let tx = TxEip1559 {
        chain_id: chain.config().chain_id,
        nonce,
        gas_limit,
        max_fee_per_gas: 1_000_000_000,
        max_priority_fee_per_gas: 0,
        to,
        value,
        access_list: Default::default(),
        input: input.into(),
    };
    let signature = dev_signer(0).unwrap().sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
}

fn next_nonce(chain: &Chain) -> u64 {
    chain.next_nonce(&dev_signer(0).unwrap().address())
}

fn deploy(chain: &mut Chain, code: &[u8]) -> Address {
    let nonce = next_nonce(chain);
    let init = stylus_wasm::deploy::init_code(code);
    let hash = chain.send_raw_transaction(&sign(chain, nonce, TxKind::Create, U256::ZERO, init, 10_000_000)).unwrap();
    let (block, index) = chain.transaction(&hash).unwrap();
    let address = block.receipts[index].contract_address.unwrap();
    let activate = ArbWasm::activateProgramCall { program: address }.abi_encode();
    let nonce = next_nonce(chain);
    let value = U256::from(10u64).pow(U256::from(17));
    chain
        .send_raw_transaction(&sign(chain, nonce, TxKind::Call(devnet::exec::ARB_WASM), value, activate, 20_000_000))
        .unwrap();
    address
}

/// A chain with the probe and the caller deployed, and `TRANSACTIONS` signed transactions of
/// each workload.
struct Setup {
    chain: Chain,
    stores: Vec<Vec<u8>>,
    cross_calls: Vec<Vec<u8>>,
}

fn setup() -> Setup {
    let mut chain = Chain::new(ChainConfig::default());
    let probe = deploy(&mut chain, &program("test-probe"));
    let caller = deploy(&mut chain, &program("test-caller"));
    let first = next_nonce(&chain);
    let store =
        |i: u64| Probe::storeCall { key: B256::from(U256::from(i)), value: B256::from(U256::from(i + 1)) }.abi_encode();
    let stores = (0..TRANSACTIONS)
        .map(|i| sign(&chain, first + i, TxKind::Call(probe), U256::ZERO, store(i), 200_000))
        .collect();
    let cross_calls = (0..TRANSACTIONS)
        .map(|i| {
            let data = Caller::callContractCall {
                target: probe,
                data: store(TRANSACTIONS + i).into(),
                value: U256::ZERO,
                gas: u64::MAX,
            };
            sign(&chain, first + TRANSACTIONS + i, TxKind::Call(caller), U256::ZERO, data.abi_encode(), 400_000)
        })
        .collect();
    Setup { chain, stores, cross_calls }
}

fn in_process(chain: &mut Chain, transactions: &[Vec<u8>]) -> (Duration, u64) {
    let start = Instant::now();
    let mut gas = 0;
    for raw in transactions {
        let hash = chain.send_raw_transaction(raw).unwrap();
        let (block, index) = chain.transaction(&hash).unwrap();
        assert!(block.receipts[index].receipt.success, "benchmark transaction failed");
        gas = block.receipts[index].gas_used;
    }
    (start.elapsed(), gas)
}

async fn over_rpc(url: &str, transactions: &[Vec<u8>]) -> Duration {
    let client = Client::new(url);
    let start = Instant::now();
    for raw in transactions {
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x{}"]}}"#,
            hex::encode(raw)
        );
        let reply = client.post(&body).await;
        assert!(reply.contains("\"result\""), "{reply}");
    }
    start.elapsed()
}

/// A minimal keep-alive HTTP/1.1 client, so the numbers measure the node, not connection setup.
struct Client {
    address: SocketAddr,
    stream: tokio::sync::Mutex<Option<tokio::io::BufStream<tokio::net::TcpStream>>>,
}

impl Client {
    fn new(url: &str) -> Self {
        Self { address: url.trim_start_matches("http://").parse().unwrap(), stream: tokio::sync::Mutex::new(None) }
    }

    async fn post(&self, body: &str) -> String {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let mut guard = self.stream.lock().await;
        if guard.is_none() {
            *guard = Some(tokio::io::BufStream::new(tokio::net::TcpStream::connect(self.address).await.unwrap()));
        }
        let stream = guard.as_mut().unwrap();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        stream.flush().await.unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            stream.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await.unwrap();
        String::from_utf8(body).unwrap()
    }
}

fn row(name: &str, mode: &str, elapsed: Duration, gas: Option<u64>) -> String {
    let tps = TRANSACTIONS as f64 / elapsed.as_secs_f64();
    let gas = gas.map_or("".to_string(), |g| g.to_string());
    format!("| {name} | {mode} | {TRANSACTIONS} | {:.0} ms | {tps:.0} | {gas} |", elapsed.as_secs_f64() * 1000.0)
}

fn main() {
    let mut rows = Vec::new();
    let mut local = setup();
    let (elapsed, gas) = in_process(&mut local.chain, &local.stores);
    rows.push(row("storage write (probe.store)", "in-process", elapsed, Some(gas)));
    let (elapsed, gas) = in_process(&mut local.chain, &local.cross_calls);
    rows.push(row("cross-program call (caller → probe.store)", "in-process", elapsed, Some(gas)));

    let remote = setup();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let chain = Arc::new(Mutex::new(remote.chain));
        let server = RpcServer::start(Arc::clone(&chain), SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap();
        let elapsed = over_rpc(&server.url(), &remote.stores).await;
        rows.push(row("storage write (probe.store)", "JSON-RPC", elapsed, None));
        let elapsed = over_rpc(&server.url(), &remote.cross_calls).await;
        rows.push(row("cross-program call (caller → probe.store)", "JSON-RPC", elapsed, None));
        let head = chain.lock().unwrap().read_state(BlockId::Latest, |s| s.accounts.len()).unwrap();
        eprintln!("{head} accounts at the end");
        server.stop();
    });
    println!("| workload | mode | transactions | time | tx/s | gas per tx |");
    println!("|---|---|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}
