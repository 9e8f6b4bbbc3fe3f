//! Devnet throughput: transactions per second for a storage-writing Stylus program and for a
//! cross-program call, in-process and over JSON-RPC. `make bench` runs this and writes the table to
//! docs/benchmarks.md. Numbers, not assertions: nothing here fails on speed.

mod common;

use std::{
    net::SocketAddr,
    path::Path,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy_consensus::TxEip1559;
use alloy_primitives::{Address, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall};
use common::Client;
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
    common::sign(TxEip1559 {
        chain_id: chain.config().chain_id,
        nonce,
        gas_limit,
        max_fee_per_gas: 1_000_000_000,
        max_priority_fee_per_gas: 0,
        to,
        value,
        access_list: Default::default(),
        input: input.into(),
    })
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

fn over_rpc(address: SocketAddr, transactions: &[Vec<u8>]) -> Duration {
    let mut client = Client::connect(address).expect("connecting to the devnet's JSON-RPC");
    let start = Instant::now();
    for raw in transactions {
        client.send_raw_transaction(raw).expect("a benchmark transaction refused over JSON-RPC");
    }
    start.elapsed()
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
    // The server runs on the runtime's worker threads; the client blocks this one.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let chain = Arc::new(Mutex::new(remote.chain));
    let server =
        runtime.block_on(RpcServer::start(Arc::clone(&chain), SocketAddr::from(([127, 0, 0, 1], 0)), None)).unwrap();
    let elapsed = over_rpc(server.address(), &remote.stores);
    rows.push(row("storage write (probe.store)", "JSON-RPC", elapsed, None));
    let elapsed = over_rpc(server.address(), &remote.cross_calls);
    rows.push(row("cross-program call (caller → probe.store)", "JSON-RPC", elapsed, None));
    let head = chain.lock().unwrap().read_state(BlockId::Latest, |s| s.accounts.len()).unwrap();
    eprintln!("{head} accounts at the end");
    server.stop();
    println!("| workload | mode | transactions | time | tx/s | gas per tx |");
    println!("|---|---|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}
