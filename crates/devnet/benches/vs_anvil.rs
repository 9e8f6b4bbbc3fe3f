//! The devnet against anvil: the same client drives both nodes with the same transactions, and the
//! table gives each node's rate and the devnet's rate ÷ anvil's. `make bench` runs this (with
//! `ANVIL` set to the binary `scripts/foundry-tool.sh anvil 1.7.1` installs) and writes the table
//! to docs/benchmarks.md. Numbers, not assertions: nothing here fails on speed.
//!
//! # Method
//!
//! - **Nodes.** The devnet runs in this process: `devnet::rpc::RpcServer` over a fresh
//!   `Chain::new(ChainConfig::default())`, every transaction mined at once. anvil (`$ANVIL`) runs
//!   as a child process: `--port <free port> --quiet`, otherwise its defaults (latest hardfork,
//!   auto-mining), and is killed when its row is done. Every row gets a fresh node, so no state
//!   carries over, and the rows are interleaved (the devnet's, then anvil's, for each workload,
//!   mode and count), so a busy machine slows both sides of a ratio alike. One node runs at a time.
//! - **Client.** One keep-alive HTTP/1.1 connection on loopback with `TCP_NODELAY`
//!   (`common::Client`). Transactions are EIP-1559, signed here with dev account 0 of the test
//!   mnemonic (anvil's account 0 is the same key) for the chain id the node reports; the fee cap is
//!   twice the node's `eth_gasPrice` plus its `eth_maxPriorityFeePerGas`, the tip that. All of a
//!   row's transactions are signed before its clock starts: the clock measures the node.
//! - **Workloads.** *Storage write*: a call to a tiny EVM contract ([`RUNTIME`]) that stores
//!   calldata word 1 at the slot calldata word 0 names; transaction `i` writes slot `i`, so every
//!   transaction writes a new slot and storage grows. The contract is deployed before the clock
//!   starts. *Transfer*: 1 gwei to a fresh address, a new one each time.
//! - **Modes.** *Sequential*: `eth_sendRawTransaction`, then `eth_getTransactionReceipt` until it
//!   is mined, then the next transaction. *Back to back*: every transaction sent, then every
//!   receipt waited for. Receipts are polled tightly ([`IMMEDIATE_POLLS`] at once, then every
//!   millisecond), so the poll interval does not set the rate. The clock runs from the first send
//!   to the last receipt; tx/s is transactions over that.
//! - **Checks.** After each row, every receipt must have status 1, and the node's state must hold
//!   the last transaction's effect (`eth_getStorageAt` of the last slot, or the last recipient's
//!   balance): a row that measured failed transactions is an error, not a number.
//! - **Stalls.** A node that mines no new block for [`STALL_TIMEOUT`] while a receipt is awaited
//!   has stopped mining with transactions still pending: its row is reported as *stalled* (with
//!   how many of its transactions were mined), gets no rate, and the node is stopped at once. anvil
//!   1.7.1 does this on auto-mining when a few thousand transactions from one sender arrive back to
//!   back: it stops mining when the sends stop, and spins with its memory growing, until killed.
//!
//! Counts are 1 000 and 10 000 transactions; `VS_ANVIL_COUNTS` overrides them (comma-separated,
//! e.g. `VS_ANVIL_COUNTS=100,500` for a smoke run). Under the table, each node's rate at the largest
//! count ÷ its rate at the smallest shows how it scales as its chain grows. Progress (blocks mined,
//! time) goes to stderr, the table to stdout.

mod common;

use std::{
    env,
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    str::FromStr,
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use alloy_consensus::TxEip1559;
use alloy_primitives::{hex, keccak256, Address, TxKind, B256, U256};
use common::Client;
use devnet::{dev_accounts::dev_signer, rpc::RpcServer, Chain, ChainConfig};
use serde_json::{json, Value};

/// The runtime code of the storage-write contract: `sstore(calldataload(0), calldataload(32))`.
///
/// ```text
/// 60 20   PUSH1 0x20     offset of calldata word 1
/// 35      CALLDATALOAD   stack: value
/// 5f      PUSH0          offset of calldata word 0
/// 35      CALLDATALOAD   stack: value, slot
/// 55      SSTORE         storage[slot] = value (SSTORE takes the slot from the top)
/// 00      STOP
/// ```
const RUNTIME: [u8; 7] = [0x60, 0x20, 0x35, 0x5f, 0x35, 0x55, 0x00];

/// The creation code of the storage-write contract: it returns [`RUNTIME`], which follows it.
///
/// ```text
/// 60 07   PUSH1 0x07     size of the runtime code
/// 80      DUP1           stack: size, size
/// 60 09   PUSH1 0x09     where the runtime code starts: right after these 9 bytes
/// 5f      PUSH0          memory offset 0
/// 39      CODECOPY       memory[0..size] = code[9..9 + size]; stack: size
/// 5f      PUSH0          memory offset 0
/// f3      RETURN         return memory[0..size]: the code to deploy
/// ```
const INIT_PREFIX: [u8; 9] = [0x60, RUNTIME.len() as u8, 0x80, 0x60, 0x09, 0x5f, 0x39, 0x5f, 0xf3];

/// Counts of transactions per row, unless `VS_ANVIL_COUNTS` says otherwise.
const DEFAULT_COUNTS: [usize; 2] = [1_000, 10_000];
/// Receipt polls sent at once before sleeping between polls.
const IMMEDIATE_POLLS: u32 = 3;
/// The sleep between later receipt polls.
const POLL_INTERVAL: Duration = Duration::from_millis(1);
/// How long a node may go without a new block, while a receipt is awaited, before it counts as
/// stalled.
const STALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the block number is read, while a receipt is awaited, to see whether the node mines.
const PROGRESS_CHECK: Duration = Duration::from_millis(500);
/// How long a receipt may take, even with blocks being mined, before the row fails.
const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);
/// How long anvil may take to answer `eth_chainId` after it is spawned.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// Gas limit of a storage write: 21 000, calldata, a new slot's 22 100, with room to spare.
const STORE_GAS: u64 = 100_000;
/// Gas limit of a plain transfer.
const TRANSFER_GAS: u64 = 21_000;
/// Wei sent by each transfer.
const TRANSFER_VALUE: u64 = 1_000_000_000;

/// What each transaction of a row does.
#[derive(Clone, Copy, PartialEq)]
enum Workload {
    /// A new storage slot written by the [`RUNTIME`] contract.
    StorageWrite,
    /// A value transfer to a fresh address.
    Transfer,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::StorageWrite => "EVM storage write (new slot)",
            Workload::Transfer => "value transfer (fresh address)",
        }
    }
}

/// How a row's transactions are sent.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Each transaction mined before the next is sent.
    Sequential,
    /// All sent, then all receipts waited for.
    BackToBack,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::BackToBack => "back to back",
        }
    }
}

/// A running node: the devnet's server in this process, or an anvil child process.
enum Node {
    Devnet(RpcServer),
    /// anvil, the address it serves, and the home it writes its evicted states to.
    Anvil {
        child: Child,
        address: SocketAddr,
        home: PathBuf,
    },
}

impl Node {
    fn name(&self) -> &'static str {
        match self {
            Node::Devnet(_) => "devnet",
            Node::Anvil { .. } => "anvil",
        }
    }

    /// A fresh devnet chain behind JSON-RPC on a free loopback port, served on `runtime`'s workers.
    fn devnet(runtime: &tokio::runtime::Runtime) -> Result<Self, String> {
        let chain = Arc::new(Mutex::new(Chain::new(ChainConfig::default())));
        let server = runtime
            .block_on(RpcServer::start(chain, SocketAddr::from(([127, 0, 0, 1], 0)), None))
            .map_err(|error| format!("the devnet's JSON-RPC server did not start: {error}"))?;
        Ok(Node::Devnet(server))
    }

    /// A fresh anvil on a free loopback port, once it answers `eth_chainId`.
    fn anvil(binary: &Path) -> Result<Self, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| format!("no free loopback port for anvil: {error}"))?
            .port();
        // anvil writes the states it evicts from memory under ~/.foundry/anvil/tmp and leaves them
        // there when killed (gigabytes per 10 000-transaction row): give each anvil its own home,
        // removed when it stops.
        let home = std::env::temp_dir().join(format!("vs-anvil-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&home).map_err(|error| format!("creating {}: {error}", home.display()))?;
        let mut child = Command::new(binary)
            .env("HOME", &home)
            .args(["--port", &port.to_string(), "--quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|error| format!("spawning {}: {error}", binary.display()))?;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let _ = std::fs::remove_dir_all(&home);
                return Err(format!("anvil exited ({status}) before answering on port {port}"));
            }
            let answers =
                Client::connect(address).ok().and_then(|mut client| client.call("eth_chainId", json!([])).ok());
            if answers.is_some() {
                return Ok(Node::Anvil { child, address, home });
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                Node::Anvil { child, address, home }.stop();
                return Err(format!("anvil did not answer eth_chainId on port {port} within {STARTUP_TIMEOUT:?}"));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn address(&self) -> SocketAddr {
        match self {
            Node::Devnet(server) => server.address(),
            Node::Anvil { address, .. } => *address,
        }
    }

    /// Stops serving: the devnet's server is stopped, anvil killed and reaped.
    fn stop(self) {
        match self {
            Node::Devnet(server) => server.stop(),
            Node::Anvil { mut child, home, .. } => {
                // Either may fail only when anvil has already exited, which leaves nothing to do.
                let _ = child.kill();
                let _ = child.wait();
                if let Err(error) = std::fs::remove_dir_all(&home) {
                    eprintln!("could not remove anvil's home {}: {error}", home.display());
                }
            }
        }
    }
}

/// A JSON-RPC quantity (`"0x…"`) as a `U256`.
fn quantity(value: &Value, what: &str) -> Result<U256, String> {
    value.as_str().and_then(|text| U256::from_str(text).ok()).ok_or_else(|| format!("{what}: not a quantity: {value}"))
}

/// A JSON-RPC quantity that fits a `u64` (chain ids, nonces, block numbers).
fn small_quantity(value: &Value, what: &str) -> Result<u64, String> {
    u64::try_from(quantity(value, what)?).map_err(|_| format!("{what}: too large: {value}"))
}

/// A JSON-RPC quantity that fits a `u128` (fees).
fn fee(value: &Value, what: &str) -> Result<u128, String> {
    u128::try_from(quantity(value, what)?).map_err(|_| format!("{what}: too large: {value}"))
}

/// Why a node's row has no rate.
enum Stop {
    /// The node stopped mining with transactions pending.
    Stalled,
    /// Anything else: a transaction refused or failed, a wrong or missing answer.
    Error(String),
}

impl From<String> for Stop {
    fn from(error: String) -> Self {
        Stop::Error(error)
    }
}

impl Stop {
    /// What went wrong, for a step where a stall is an error too.
    fn message(self) -> String {
        match self {
            Stop::Stalled => format!("the node stopped mining (no new block for {STALL_TIMEOUT:?}) with it pending"),
            Stop::Error(error) => error,
        }
    }
}

/// The current block number.
fn block_number(client: &mut Client) -> Result<u64, String> {
    small_quantity(&client.call("eth_blockNumber", json!([]))?, "eth_blockNumber")
}

/// The receipt of `hash`, polled for until the node has mined it; [`Stop::Stalled`] when the node
/// mines no block for [`STALL_TIMEOUT`] meanwhile.
fn wait_for_receipt(client: &mut Client, hash: &Value) -> Result<Value, Stop> {
    let started = Instant::now();
    let mut polls = 0;
    let mut checked = started;
    let (mut block, mut progressed) = (None, started);
    loop {
        let receipt = client.call("eth_getTransactionReceipt", json!([hash]))?;
        if !receipt.is_null() {
            return Ok(receipt);
        }
        if started.elapsed() > RECEIPT_TIMEOUT {
            return Err(Stop::Error(format!("no receipt for {hash} after {RECEIPT_TIMEOUT:?}")));
        }
        polls += 1;
        if polls > IMMEDIATE_POLLS {
            thread::sleep(POLL_INTERVAL);
        }
        if checked.elapsed() >= PROGRESS_CHECK {
            checked = Instant::now();
            let now = Some(block_number(client)?);
            if now != block {
                (block, progressed) = (now, checked);
            } else if progressed.elapsed() >= STALL_TIMEOUT {
                return Err(Stop::Stalled);
            }
        }
    }
}

/// That `receipt` (of transaction `what`) reports success.
fn succeeded(receipt: &Value, what: &str) -> Result<(), String> {
    match receipt.get("status").map(|status| quantity(status, "receipt status")) {
        Some(Ok(status)) if status == U256::from(1) => Ok(()),
        _ => Err(format!("{what} failed: {receipt}")),
    }
}

/// Signs EIP-1559 transactions from dev account 0 for one node.
struct Signer {
    chain_id: u64,
    max_fee_per_gas: u128,
    max_priority_fee_per_gas: u128,
}

impl Signer {
    /// The node's chain id and fees.
    fn for_node(client: &mut Client) -> Result<Self, String> {
        let chain_id = small_quantity(&client.call("eth_chainId", json!([]))?, "eth_chainId")?;
        let gas_price = fee(&client.call("eth_gasPrice", json!([]))?, "eth_gasPrice")?;
        let tip = fee(&client.call("eth_maxPriorityFeePerGas", json!([]))?, "eth_maxPriorityFeePerGas")?;
        Ok(Self { chain_id, max_fee_per_gas: 2 * gas_price + tip, max_priority_fee_per_gas: tip })
    }

    fn sign(&self, nonce: u64, to: TxKind, value: U256, input: Vec<u8>, gas_limit: u64) -> Vec<u8> {
        common::sign(TxEip1559 {
            chain_id: self.chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas: self.max_fee_per_gas,
            max_priority_fee_per_gas: self.max_priority_fee_per_gas,
            to,
            value,
            access_list: Default::default(),
            input: input.into(),
        })
    }
}

/// The next nonce of dev account 0.
fn next_nonce(client: &mut Client) -> Result<u64, String> {
    let from = dev_signer(0).map_err(|error| format!("dev account 0: {error}"))?.address();
    small_quantity(&client.call("eth_getTransactionCount", json!([from, "latest"]))?, "eth_getTransactionCount")
}

/// Deploys the storage-write contract and checks its code.
fn deploy(client: &mut Client, signer: &Signer) -> Result<Address, String> {
    let nonce = next_nonce(client)?;
    let init = [INIT_PREFIX.as_slice(), RUNTIME.as_slice()].concat();
    let hash = client.send_raw_transaction(&signer.sign(nonce, TxKind::Create, U256::ZERO, init, STORE_GAS))?;
    let receipt =
        wait_for_receipt(client, &hash).map_err(|stop| format!("the contract's deployment: {}", stop.message()))?;
    succeeded(&receipt, "the contract's deployment")?;
    let address: Address = receipt
        .get("contractAddress")
        .and_then(|address| serde_json::from_value(address.clone()).ok())
        .ok_or_else(|| format!("the deployment's receipt has no contract address: {receipt}"))?;
    let code = client.call("eth_getCode", json!([address, "latest"]))?;
    if code.as_str() != Some(&format!("0x{}", hex::encode(RUNTIME))) {
        return Err(format!("the deployed contract's code is {code}, not the runtime code"));
    }
    Ok(address)
}

/// Slot `i` and the value transaction `i` writes there (a hash: nonzero, all 32 bytes used).
fn slot_and_value(i: usize) -> (U256, B256) {
    (U256::from(i), keccak256((i as u64).to_be_bytes()))
}

/// The fresh address transfer `i` pays: a prefix no precompile or dev account has, then `i`.
fn recipient(i: usize) -> Address {
    let mut address = [0xb0; 20];
    address[12..].copy_from_slice(&(i as u64).to_be_bytes());
    Address::from(address)
}

/// How one node did on one row.
#[derive(Clone, Copy)]
enum Outcome {
    /// Transactions per second.
    Rate(f64),
    /// The node stopped mining after this many of the row's transactions.
    Stalled { mined: u64 },
}

/// The row's transactions sent in `mode`, and their receipts.
fn drive(client: &mut Client, transactions: &[Vec<u8>], mode: Mode) -> Result<Vec<Value>, Stop> {
    match mode {
        Mode::Sequential => transactions
            .iter()
            .map(|raw| {
                let hash = client.send_raw_transaction(raw)?;
                wait_for_receipt(client, &hash)
            })
            .collect(),
        Mode::BackToBack => {
            let hashes =
                transactions.iter().map(|raw| client.send_raw_transaction(raw)).collect::<Result<Vec<_>, _>>()?;
            hashes.iter().map(|hash| wait_for_receipt(client, hash)).collect()
        }
    }
}

/// One row on one node: the workload's `count` transactions sent in `mode`, checked.
fn run_row(node: &Node, workload: Workload, mode: Mode, count: usize) -> Result<Outcome, String> {
    let mut client =
        Client::connect(node.address()).map_err(|error| format!("connecting to {}: {error}", node.name()))?;
    let signer = Signer::for_node(&mut client)?;
    let contract = match workload {
        Workload::StorageWrite => Some(deploy(&mut client, &signer)?),
        Workload::Transfer => None,
    };
    let first = next_nonce(&mut client)?;
    let transactions: Vec<Vec<u8>> = (0..count)
        .map(|i| {
            let nonce = first + i as u64;
            match contract {
                Some(contract) => {
                    let (slot, value) = slot_and_value(i);
                    let input = [B256::from(slot).as_slice(), value.as_slice()].concat();
                    signer.sign(nonce, TxKind::Call(contract), U256::ZERO, input, STORE_GAS)
                }
                None => {
                    signer.sign(nonce, TxKind::Call(recipient(i)), U256::from(TRANSFER_VALUE), Vec::new(), TRANSFER_GAS)
                }
            }
        })
        .collect();
    let first_block = block_number(&mut client)?;
    let what = format!("{:>6}  {}, {}, {count}", node.name(), workload.name(), mode.name());

    let started = Instant::now();
    let receipts = match drive(&mut client, &transactions, mode) {
        Ok(receipts) => receipts,
        Err(Stop::Stalled) => {
            let mined = next_nonce(&mut client)? - first;
            eprintln!("{what}: stalled, {mined} mined, no new block for {STALL_TIMEOUT:?}");
            return Ok(Outcome::Stalled { mined });
        }
        Err(Stop::Error(error)) => return Err(error),
    };
    let elapsed = started.elapsed();

    for (i, receipt) in receipts.iter().enumerate() {
        succeeded(receipt, &format!("transaction {i}"))?;
    }
    let last = count - 1;
    match contract {
        Some(contract) => {
            let (slot, value) = slot_and_value(last);
            let stored = client.call("eth_getStorageAt", json!([contract, slot, "latest"]))?;
            if quantity(&stored, "eth_getStorageAt")? != U256::from_be_bytes(value.0) {
                return Err(format!("slot {slot} holds {stored}, not the {value} the last transaction wrote"));
            }
        }
        None => {
            let balance = client.call("eth_getBalance", json!([recipient(last), "latest"]))?;
            if quantity(&balance, "eth_getBalance")? != U256::from(TRANSFER_VALUE) {
                return Err(format!("the last recipient holds {balance} wei, not the {TRANSFER_VALUE} sent"));
            }
        }
    }
    let blocks = block_number(&mut client)? - first_block;
    let rate = count as f64 / elapsed.as_secs_f64();
    eprintln!("{what}: {:.0} ms, {rate:.0} tx/s, {blocks} blocks", elapsed.as_secs_f64() * 1000.0);
    Ok(Outcome::Rate(rate))
}

/// The anvil binary `ANVIL` names, checked to run.
fn anvil_binary() -> Result<PathBuf, String> {
    let binary = env::var_os("ANVIL").map(PathBuf::from).ok_or(
        "ANVIL is not set: point it at anvil's binary, e.g. ANVIL=$(scripts/foundry-tool.sh anvil 1.7.1)".to_string(),
    )?;
    match Command::new(&binary).arg("--version").output() {
        Ok(output) if output.status.success() => {
            let version = String::from_utf8_lossy(&output.stdout);
            eprintln!("{}", version.lines().next().unwrap_or("anvil (no version)"));
            Ok(binary)
        }
        Ok(output) => Err(format!("ANVIL={} --version failed ({})", binary.display(), output.status)),
        Err(error) => Err(format!("ANVIL={} does not run: {error}", binary.display())),
    }
}

/// The counts of transactions per row: `VS_ANVIL_COUNTS`, or [`DEFAULT_COUNTS`].
fn counts() -> Result<Vec<usize>, String> {
    let Ok(list) = env::var("VS_ANVIL_COUNTS") else { return Ok(DEFAULT_COUNTS.to_vec()) };
    list.split(',')
        .map(|count| match count.trim().parse::<usize>() {
            Ok(count) if count > 0 => Ok(count),
            _ => Err(format!("VS_ANVIL_COUNTS={list}: each count must be a positive integer")),
        })
        .collect()
}

/// Starts one node, runs one row on it, stops it (also when the row failed).
fn measure(node: Result<Node, String>, workload: Workload, mode: Mode, count: usize) -> Result<Outcome, String> {
    let node = node?;
    let name = node.name();
    let rate = run_row(&node, workload, mode, count);
    node.stop();
    rate.map_err(|error| format!("{name}, {}, {}, {count}: {error}", workload.name(), mode.name()))
}

/// One line of the table: a workload in a mode at a count, on both nodes.
struct Row {
    workload: Workload,
    mode: Mode,
    count: usize,
    devnet: Outcome,
    anvil: Outcome,
}

/// A rate for the table, or what happened instead.
fn cell(outcome: Outcome, count: usize) -> String {
    match outcome {
        Outcome::Rate(rate) => format!("{rate:.0}"),
        Outcome::Stalled { mined } => format!("stalled ({mined} of {count} mined)"),
    }
}

/// `a ÷ b` to 2 decimals, or a dash when either has no rate.
fn ratio(a: Outcome, b: Outcome) -> String {
    match (a, b) {
        (Outcome::Rate(a), Outcome::Rate(b)) => format!("{:.2}", a / b),
        _ => "—".to_string(),
    }
}

fn run() -> Result<(), String> {
    let anvil = anvil_binary()?;
    let counts = counts()?;
    let runtime = tokio::runtime::Runtime::new().map_err(|error| format!("starting tokio: {error}"))?;
    let mut rows = Vec::new();
    for workload in [Workload::StorageWrite, Workload::Transfer] {
        for mode in [Mode::Sequential, Mode::BackToBack] {
            for &count in &counts {
                let devnet = measure(Node::devnet(&runtime), workload, mode, count)?;
                let anvil = measure(Node::anvil(&anvil), workload, mode, count)?;
                rows.push(Row { workload, mode, count, devnet, anvil });
            }
        }
    }

    println!("| workload | mode | transactions | devnet tx/s | anvil tx/s | devnet ÷ anvil |");
    println!("|---|---|---:|---:|---:|---:|");
    for row in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            row.workload.name(),
            row.mode.name(),
            row.count,
            cell(row.devnet, row.count),
            cell(row.anvil, row.count),
            ratio(row.devnet, row.anvil)
        );
    }
    println!();
    let stalled = |outcome: Outcome| matches!(outcome, Outcome::Stalled { .. });
    if rows.iter().any(|row| stalled(row.devnet) || stalled(row.anvil)) {
        println!(
            "*Stalled*: the node stopped mining (no new block for {} s) with transactions of the row pending, and was \
             stopped; the row has no rate.",
            STALL_TIMEOUT.as_secs()
        );
        println!();
    }
    let (Some(&smallest), Some(&largest)) = (counts.iter().min(), counts.iter().max()) else { return Ok(()) };
    if smallest == largest {
        println!("(One count only, so no rate at one count ÷ the rate at another.)");
        return Ok(());
    }
    println!("Rate at {largest} transactions ÷ rate at {smallest}, devnet (anvil in parentheses):");
    println!();
    for small in rows.iter().filter(|row| row.count == smallest) {
        let large =
            rows.iter().find(|row| row.count == largest && row.workload == small.workload && row.mode == small.mode);
        if let Some(large) = large {
            println!(
                "- {}, {}: {} ({})",
                small.workload.name(),
                small.mode.name(),
                ratio(large.devnet, small.devnet),
                ratio(large.anvil, small.anvil)
            );
        }
    }
    Ok(())
}

fn main() {
    if let Err(error) = run() {
        eprintln!("vs_anvil: {error}");
        std::process::exit(1);
    }
}
