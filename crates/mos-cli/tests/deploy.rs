//! `mos deploy` and `mos messenger` against devnets served by this test: a relay chain and a chain
//! deployed from the programs' hex files, registered with each other, and a messenger that serves
//! the deployment until Ctrl-C.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use alloy_primitives::{hex, U256};
use devnet::{dev_accounts::dev_signer, rpc::RpcServer, Chain, ChainConfig};
use light_client_iface::interfaces::{ICommitteeLightNode, ILightClientManagerAdmin};
use mos_message::interfaces::{IMOSRelay, IMOSV3};
use mos_messenger::{deploy::SUITE, store, ChainExt, Deployment, Node};
use serde_json::Value;

const RELAY: u64 = 22_776;
const CHAIN: u64 = 412_346;

/// Runs `mos` with `args` and `env` off the async runtime (the devnets it talks to run on it).
async fn mos(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || Command::new(env!("CARGO_BIN_EXE_mos")).args(&args).envs(env).output().unwrap())
        .await
        .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(ToString::to_string).collect()
}

/// The private key of dev account `index`, hex.
fn key(index: u32) -> String {
    hex::encode_prefixed(dev_signer(index).unwrap().to_bytes())
}

/// The suite's programs built and written as `make wasm` writes them.
fn programs(dir: &Path) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for package in SUITE {
        let code = stylus_build::build_program(&stylus_build::BuildSpec::new(package, &workspace)).unwrap().code;
        std::fs::write(dir.join(format!("{package}.code.hex")), hex::encode_prefixed(code)).unwrap();
    }
}

async fn devnet(chain_id: u64) -> RpcServer {
    let chain = Chain::new(ChainConfig { chain_id, ..ChainConfig::default() });
    RpcServer::start(Arc::new(Mutex::new(chain)), SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mos-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_records_a_connected_suite_and_the_messenger_serves_it_until_ctrl_c() {
    let (relay, chain) = (devnet(RELAY).await, devnet(CHAIN).await);
    let dir = scratch("deploy");
    programs(&dir);
    let file = dir.join("deployment.json");
    let command = |role: &str, url: String, file: &Path| {
        strings(&["--json", "deploy", "--role", role, "--rpc", &url, "--programs", dir.to_str().unwrap()])
            .into_iter()
            .chain(strings(&["--deployment", file.to_str().unwrap()]))
            .collect::<Vec<_>>()
    };
    let common = |role: &str, url: String| command(role, url, &file);
    let committee = [dev_signer(5).unwrap().address(), dev_signer(6).unwrap().address()];
    let mut args = common("relay", relay.url());
    args.extend(strings(&["--committee", &format!("{},{}", committee[0], committee[1]), "--threshold", "2"]));
    args.extend(strings(&["--key", &key(1)]));
    let output = mos(args.clone(), vec![]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let deployed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((deployed["name"].as_str(), deployed["role"].as_str()), (Some("relay"), Some("relay")));
    assert_eq!(deployed["chainId"], RELAY);
    assert_eq!(deployed["threshold"], 2);

    // The key from the environment, the name given.
    let mut args_chain = common("chain", chain.url());
    args_chain.extend(strings(&["--name", "chain-a"]));
    let output = mos(args_chain, vec![("MOS_DEPLOY_KEY", key(1))]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let deployment = Deployment::load(&file).unwrap();
    assert_eq!(deployment.relay_chain_id, RELAY);
    let (relay_entry, chain_entry) = (deployment.chain(RELAY).unwrap(), deployment.chain(CHAIN).unwrap());
    assert_eq!((chain_entry.name.as_str(), chain_entry.rpc_url.clone()), ("chain-a", chain.url()));
    assert_eq!(chain_entry.committee.members, [dev_signer(1).unwrap().address()], "the deployer by default");
    assert_eq!(relay_entry.committee.members, committee);
    // Registered with each other, on chain.
    let (on_relay, on_chain) = (Node::connect(&relay.url()).unwrap(), Node::connect(&chain.url()).unwrap());
    let registered = IMOSRelay::mosContractsCall { chainId: U256::from(CHAIN) };
    assert_eq!(on_relay.view(relay_entry.mos, &registered).await.unwrap().as_ref(), chain_entry.mos.as_slice());
    let light_node = ILightClientManagerAdmin::lightNodesCall { chainId: U256::from(CHAIN) };
    assert_eq!(Some(on_relay.view(relay_entry.light_client, &light_node).await.unwrap()), chain_entry.relay_light_node);
    let verifies = ICommitteeLightNode::sourceChainIdCall {};
    assert_eq!(on_relay.view(chain_entry.relay_light_node.unwrap(), &verifies).await.unwrap(), U256::from(CHAIN));
    assert_eq!(on_chain.view(chain_entry.light_client, &verifies).await.unwrap(), U256::from(RELAY));
    let relay_of_chain = on_chain.view(chain_entry.mos, &IMOSV3::relayContractCall {}).await.unwrap();
    assert_eq!(relay_of_chain, relay_entry.mos);
    let fee =
        IMOSV3::getMessageFeeCall { toChain: U256::from(RELAY), feeToken: Default::default(), gasLimit: U256::ZERO };
    assert_eq!(on_chain.view(chain_entry.mos, &fee).await.unwrap().amount, U256::from(100_000u64 * 1_000_000_000));

    // A relay again on the same file is refused, and so is a chain without a deployment.
    let output = mos(args, vec![]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the deployment file exists: a relay starts a new deployment (give another --deployment)\n"
    );
    let mut missing = command("chain", chain.url(), &dir.join("none.json"));
    missing.extend(strings(&["--key", &key(1)]));
    let output = mos(missing, vec![]).await;
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: no deployment file yet: deploy the relay chain first (--role relay)\n"
    );

    // The messenger serves both routes from the deployment blocks on, and stops on Ctrl-C.
    // Configured by a TOML file, as an operator runs it: the keys in the environment.
    let store_file = dir.join("messenger.db");
    let config = dir.join("messenger.toml");
    std::fs::write(
        &config,
        format!(
            "deployment = {:?}\nstore = \"messenger.db\"\ninstance = \"ops\"\nkey_env = \"MOS_MESSENGER_KEY\"\n\
             attester_keys_env = \"MOS_ATTESTER_KEYS\"\npoll_ms = 50\n",
            file.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    let messenger = Command::new(env!("CARGO_BIN_EXE_mos"))
        .args(["messenger", "--config", config.to_str().unwrap()])
        .env("MOS_MESSENGER_KEY", key(3))
        .env("MOS_ATTESTER_KEYS", format!("{},{}", key(5), key(6)))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let relay_route = store::RouteKey { from: RELAY, to: CHAIN };
    let chain_route = store::RouteKey { from: CHAIN, to: RELAY };
    // The routes' cursors, once the messenger has scanned both routes past their deployment blocks.
    let scanned = async || {
        let Ok(opened) = store::open(store_file.to_str().unwrap()).await else { return None };
        let summary = opened.summary().await.ok()?;
        let past = |route, start| summary.iter().any(|(key, s)| *key == route && s.next_block > start);
        (past(relay_route, relay_entry.deployed_block) && past(chain_route, chain_entry.deployed_block))
            .then_some(summary)
    };
    let mut waited = Duration::ZERO;
    while scanned().await.is_none() {
        assert!(waited < Duration::from_secs(60), "the messenger scanned nothing");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
    let status = Command::new("kill").args(["-INT", &messenger.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || messenger.wait_with_output().unwrap()).await.unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = scanned().await.unwrap();
    let routes: Vec<String> = summary.iter().map(|(key, _)| key.to_string()).collect();
    assert_eq!(routes, [format!("{RELAY}->{CHAIN}"), format!("{CHAIN}->{RELAY}")], "sorted by key");
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.contains("messenger running") && logs.contains("stopped"), "{logs}");
    let status = strings(&["--json", "messenger", "--status", "--config", config.to_str().unwrap()]);
    let output = mos(status, vec![]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let shown: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["failed"], serde_json::json!([]));
    assert_eq!(shown["routes"][format!("{RELAY}->{CHAIN}")]["delivered"], 0);
    let missing = strings(&["messenger", "--status", "--store", dir.join("none.db").to_str().unwrap()]);
    let output = mos(missing, vec![]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("none.db: no such store"), "{output:?}");

    // A node that serves another chain than the deployment says is named.
    let mut wrong = deployment.clone();
    wrong.chains[1].rpc_url = relay.url();
    let wrong_file = dir.join("wrong.json");
    wrong.save(&wrong_file).unwrap();
    let args = strings(&["messenger", "--deployment", wrong_file.to_str().unwrap(), "--store"]);
    let args = args.into_iter().chain(strings(&[dir.join("s2.db").to_str().unwrap(), "--key", &key(3)])).collect();
    let output = mos(args, vec![]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).ends_with(&format!(
        "error: chain-a ({}) serves chain id {RELAY}, but the deployment says {CHAIN}\n",
        relay.url()
    )));
    relay.stop();
    chain.stop();
    let _ = std::fs::remove_dir_all(dir);
}
