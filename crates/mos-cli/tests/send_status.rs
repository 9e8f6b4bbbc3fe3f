//! `mos send` and `mos status` against the demo's three devnet chains (chain A, the relay, chain
//! B, with the suite and the Echo dApp deployed: `mos_messenger::local`), the binary run as a user
//! runs it, and the messenger library delivering between the steps.

mod common;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use alloy_primitives::{hex, Address, Bytes, B256, U256};
use alloy_sol_types::{SolEvent, SolValue};
use devnet::dev_accounts::dev_signer;
use mos_message::{
    interfaces::{IMOSExtensions::MessageStatus, IMOSV3},
    MessageData, MessageType,
};
use mos_messenger::{
    deploy::Fees,
    local::{self, IEcho, LocalError, LocalNetwork, CHAIN_A, CHAIN_B, RELAY},
    Chain, ChainEntry, ChainExt, Committee, Deployment, Messenger, Role,
};
use serde_json::{json, Value};

use common::{mos, mos_error, mos_json};

/// The dev account that sends with `mos send`: one the local network leaves alone.
const SENDER: u32 = 4;

fn key(account: u32) -> String {
    hex::encode_prefixed(dev_signer(account).unwrap().to_bytes())
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mos-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The Echo's MESSAGE payload: `abi.encode(key, value)`.
fn echo_payload(key: &str, value: &str) -> String {
    hex::encode_prefixed((key, value).abi_encode_params())
}

/// `mos status --json --order ORDER --deployment FILE`.
async fn status(order: B256, deployment: &str) -> Value {
    mos_json(&["status", "--order", &order.to_string(), "--deployment", deployment], &[]).await
}

/// Runs `messenger` until the MOS of `chain` knows both `orders` (whatever their status), at most
/// 30 s.
async fn run_until_known(network: &LocalNetwork, messenger: &mut Messenger, chain: u64, orders: [B256; 2]) {
    let known =
        async |order| Ok::<_, LocalError>(network.message_status(chain, order).await? != MessageStatus::Unknown);
    let arrived = messenger
        .run_until(Duration::from_secs(30), async || {
            Ok::<_, LocalError>(known(orders[0]).await? && known(orders[1]).await?)
        })
        .await
        .unwrap();
    assert!(arrived, "not on {chain} within 30 s: {:#?}", messenger.summary().await);
}

/// The entry of chain `name` in a status report.
fn chain<'a>(got: &'a Value, name: &str) -> &'a Value {
    got["chains"].as_array().unwrap().iter().find(|chain| chain["chain"]["name"] == name).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_and_status_on_the_demo_network() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let programs = local::build_programs(&workspace, &local::packages()).unwrap();
    let network = LocalNetwork::launch(&programs, local::Dapp::Stylus).await.unwrap();
    let dir = scratch("send-status");
    let file = dir.join("deployment.json");
    network.deployment.save(&file).unwrap();
    // Every scenario runs on the one network: launching it is most of the test's time.
    a_message_sent_with_mos_send_is_followed_from_sent_to_delivered_or_failed(&network, &dir).await;
    a_message_that_failed_for_a_reason_since_fixed_is_run_again_with_mos_retry(&network, &dir).await;
    a_running_explorer_answers_as_the_chains_do_for_every_message(&network, &dir).await;
    a_send_the_mos_refuses_gives_its_reason_and_sends_nothing(&network).await;
    a_deployment_whose_node_serves_another_chain_is_named(&network, &dir).await;
    network.stop();
    let _ = std::fs::remove_dir_all(dir);
}

/// `mos send` on chain A to the Echo on B, a second message whose target fails, and `mos status`
/// at each step: sent, relayed (a messenger serving A and the relay only), delivered and failed
/// (the whole deployment's messenger), asked of one MOS alone, and an order nobody knows.
async fn a_message_sent_with_mos_send_is_followed_from_sent_to_delivered_or_failed(network: &LocalNetwork, dir: &Path) {
    let file = dir.join("deployment.json");
    let file = file.to_str().unwrap();
    let sender = dev_signer(SENDER).unwrap().address();
    let (mos_a, echo_b) = (network.mos(CHAIN_A).unwrap(), network.echoes[&CHAIN_B]);
    // The Echo on B takes messages from the sender on A.
    let allow =
        IEcho::addCorrespondenceCall { fromChain: U256::from(CHAIN_A), fromAddress: sender.to_vec().into(), tag: true };
    network.sender(CHAIN_B, local::USER).await.unwrap().call(echo_b, &allow).await.unwrap();
    let nonce = network.node(CHAIN_A).unwrap().view(mos_a, &IMOSV3::nonceCall {}).await.unwrap();

    // Sent: the exact mapMessageOut, its orderId printed, the fee the MOS quotes paid.
    let payload = echo_payload("greeting", "hello from the command line");
    let send = ["send", "--deployment", file, "--from", "chain-a", "--to-chain", "412347", "--target"];
    let sent = mos_json(
        &[&send[..], &[&echo_b.to_string(), "--payload", &payload]].concat(),
        &[("MOS_SEND_KEY", &key(SENDER))],
    )
    .await;
    let transaction: B256 = sent["transactionHash"].as_str().unwrap().parse().unwrap();
    let receipt = network.node(CHAIN_A).unwrap().receipt(transaction).await.unwrap().unwrap();
    let outs: Vec<IMOSV3::mapMessageOut> = receipt
        .inner
        .logs()
        .iter()
        .filter(|log| log.address() == mos_a)
        .filter_map(|log| IMOSV3::mapMessageOut::decode_log_data(log.data()).ok())
        .collect();
    let message = MessageData {
        relay: false,
        msg_type: MessageType::Message,
        target: Bytes::copy_from_slice(echo_b.as_slice()),
        payload: payload.parse().unwrap(),
        gas_limit: U256::from(500_000),
        value: U256::ZERO,
    };
    let order_id =
        mos_message::order_id(mos_a, nonce, U256::from(CHAIN_A), U256::from(CHAIN_B), sender, &message.target);
    let expected = IMOSV3::mapMessageOut {
        fromChain: U256::from(CHAIN_A),
        toChain: U256::from(CHAIN_B),
        orderId: order_id,
        fromAddrss: sender.to_vec().into(),
        callData: message.encode().into(),
    };
    assert_eq!(outs, [expected]);
    let quote = IMOSV3::getMessageFeeCall {
        toChain: U256::from(CHAIN_B),
        feeToken: Address::ZERO,
        gasLimit: U256::from(500_000),
    };
    let quoted = network.node(CHAIN_A).unwrap().view(mos_a, &quote).await.unwrap();
    // The local network prices every route with the default fees.
    let fees = Fees::default();
    let fee: u64 = ((U256::from(fees.base_gas) + U256::from(500_000)) * fees.gas_price).to();
    assert_eq!(quoted.amount, U256::from(fee));
    assert_eq!(
        sent,
        json!({
            "orderId": order_id.to_string(),
            "transactionHash": transaction.to_string(),
            "blockNumber": receipt.block_number.unwrap(),
            "chain": "chain-a",
            "mos": mos_a.to_string(),
            "from": sender.to_string(),
            "fromChain": CHAIN_A,
            "toChain": CHAIN_B,
            "fee": fee,
            "feeToken": "native",
            "feeReceiver": quoted.receiverAddress.to_string(),
            "gasUsed": receipt.gas_used,
            "messageData": Bytes::from(message.encode()).to_string(),
        })
    );

    // A second message whose target fails (the Echo cannot read the payload), from the command
    // line's key and in text.
    let output =
        mos(&[&send[..], &[&echo_b.to_string(), "--payload", "0xdeadbeef", "--key", &key(SENDER)]].concat(), &[]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let failing: B256 = text.lines().find_map(|line| line.strip_prefix("orderId: ")).unwrap().parse().unwrap();
    assert!(text.contains(&format!("fee: {fee}\n")), "{text}");

    let got = status(order_id, file).await;
    assert_eq!(got["status"], "sent");
    assert_eq!(got["fromChain"], json!({ "chainId": CHAIN_A, "name": "chain-a" }));
    assert_eq!(got["toChain"], json!({ "chainId": CHAIN_B, "name": "chain-b" }));
    assert_eq!(got["sender"], Bytes::from(sender.to_vec()).to_string());
    assert_eq!(got["messageData"], Bytes::from(message.encode()).to_string());
    assert_eq!(
        (&got["message"]["type"], &got["message"]["target"], &got["message"]["gasLimit"], &got["message"]["relay"]),
        (&json!("MESSAGE"), &json!(echo_b.to_string().to_lowercase()), &json!(500_000), &json!(false))
    );
    assert_eq!(got["message"]["payload"], payload);
    let steps = got["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 1, "{got:#}");
    let number = format!("{:#x}", receipt.block_number.unwrap());
    let block = network.node(CHAIN_A).unwrap().request("eth_getBlockByNumber", json!([number, false])).await.unwrap();
    let timestamp = u64::from_str_radix(block["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert_eq!(
        (&steps[0]["kind"], &steps[0]["chain"]["name"], &steps[0]["block"], &steps[0]["transaction"]),
        (&json!("sent"), &json!("chain-a"), &json!(receipt.block_number.unwrap()), &json!(transaction.to_string()))
    );
    assert_eq!((&steps[0]["logIndex"], &steps[0]["time"]), (&json!(0), &json!(timestamp)));
    assert_eq!(steps[0]["fee"]["value"], fee);
    assert_eq!(steps[0]["fee"]["from"].as_str().unwrap().parse::<Address>().unwrap(), sender);
    // Nothing carries it yet: its block is not attested on the relay.
    assert_eq!(got["waiting"]["wait"]["kind"], "notAttested", "{got:#}");
    for name in ["relay", "chain-a", "chain-b"] {
        assert_eq!(chain(&got, name)["messageStatus"], "unknown", "{name}");
    }

    // On the relay: a messenger that serves chain A and the relay only carries both there.
    let relay_and_a = Deployment {
        relay_chain_id: RELAY,
        chains: network.deployment.chains.iter().filter(|chain| chain.chain_id != CHAIN_B).cloned().collect(),
    };
    let store = dir.join("relay-and-a.db").display().to_string();
    let mut to_relay = local::dev_messenger(&relay_and_a, &store, local::messenger_config()).await.unwrap();
    run_until_known(network, &mut to_relay, RELAY, [order_id, failing]).await;
    let got = status(order_id, file).await;
    assert_eq!(got["status"], "relayed");
    assert_eq!(chain(&got, "relay")["messageStatus"], "delivered");
    let forwarded = network.events::<IMOSV3::mapMessageOut>(RELAY).await.unwrap();
    let (forwarding, _) = forwarded.iter().find(|(_, event)| event.orderId == order_id).unwrap();
    let kinds: Vec<&Value> = got["steps"].as_array().unwrap().iter().map(|step| &step["kind"]).collect();
    assert_eq!(kinds, [&json!("sent"), &json!("attested"), &json!("forwarded")], "{got:#}");
    assert_eq!(
        (&got["steps"][2]["chain"]["name"], &got["steps"][2]["transaction"]),
        (&json!("relay"), &json!(forwarding.to_string()))
    );
    assert_eq!(got["steps"][1]["attestedBlock"], receipt.block_number.unwrap());
    assert!(got["summary"].as_str().unwrap().starts_with("on the relay: forwarded toward chain-b in block "), "{got}");
    assert_eq!((&got["hops"][0]["from"]["name"], &got["hops"][0]["to"]["name"]), (&json!("chain-a"), &json!("relay")));

    // Delivered, and failed with the target's reason: the whole deployment's messenger.
    let mut messenger =
        network.messenger(&dir.join("messenger.db").display().to_string(), local::messenger_config()).await.unwrap();
    run_until_known(network, &mut messenger, CHAIN_B, [order_id, failing]).await;
    let executed = network.events::<IMOSV3::mapMessageIn>(CHAIN_B).await.unwrap();
    let (delivery, _) = executed.iter().find(|(_, event)| event.orderId == order_id).unwrap();
    let got = status(order_id, file).await;
    assert_eq!(got["status"], "delivered");
    assert_eq!(chain(&got, "chain-b")["messageStatus"], "delivered");
    let arrived = got["steps"].as_array().unwrap().last().unwrap();
    assert_eq!((&arrived["kind"], &arrived["result"]), (&json!("executed"), &json!(true)));
    assert_eq!((&arrived["chain"]["name"], &arrived["transaction"]), (&json!("chain-b"), &json!(delivery.to_string())));
    assert!(got["summary"].as_str().unwrap().starts_with("delivered on chain-b in block "), "{got}");
    assert_eq!(got["waiting"], Value::Null);
    assert_eq!(got["hops"].as_array().unwrap().len(), 2);
    assert_eq!(network.echo_list(CHAIN_B, "greeting").await.unwrap(), "hello from the command line");

    let got = status(failing, file).await;
    assert_eq!(got["status"], "failed");
    assert_eq!(got["reason"], "Echo: bad message");
    assert_eq!(chain(&got, "chain-b")["messageStatus"], "failed");
    let (failed_in, event) = executed.iter().find(|(_, event)| event.orderId == failing).unwrap();
    let last = got["steps"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (&last["kind"], &last["result"], &last["reason"]),
        (&json!("executed"), &json!(false), &json!("Echo: bad message"))
    );
    assert_eq!(
        (&last["transaction"], &last["reasonData"]),
        (&json!(failed_in.to_string()), &json!(event.reason.to_string()))
    );
    assert!(got["summary"].as_str().unwrap().ends_with(&format!("mos retry --order {failing})")), "{got}");
    // The same journey as a table.
    let output = mos(&["status", "--order", &failing.to_string(), "--deployment", file], &[]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("status: failed\nsummary: failed on chain-b in block "), "{text}");
    assert!(text.contains("reason: Echo: bad message\n"), "{text}");
    assert!(text.contains("route: chain-a (412346) -> chain-b (412347)\n"), "{text}");
    let row = text.lines().find(|line| line.starts_with("  executed")).unwrap();
    assert!(row.starts_with("  executed: target failed: Echo: bad message  chain-b"), "{text}");
    assert!(row.ends_with(&failed_in.to_string()), "{text}");

    // A retry of the failed message runs its target again, which fails again: nothing is sent.
    // A delivered message is not retried.
    let retry =
        |order: B256| ["retry".to_owned(), "--order".into(), order.to_string(), "--deployment".into(), file.into()];
    let sender_key = key(SENDER);
    let with_key = [("MOS_SEND_KEY", sender_key.as_str())];
    let stderr = mos_error(&retry(failing).each_ref().map(String::as_str), &with_key).await;
    assert_eq!(stderr, "error: retryMessageIn reverts: Echo: bad message; nothing was sent\n");
    let stderr = mos_error(&retry(order_id).each_ref().map(String::as_str), &with_key).await;
    assert_eq!(stderr, "error: cannot retry: it was delivered: only a failed message can be retried\n");

    // One MOS asked alone: chain B's, by --rpc and --mos.
    let url_b = network.chain(CHAIN_B).unwrap().url.clone();
    let mos_b = network.mos(CHAIN_B).unwrap().to_string();
    let alone = mos_json(&["status", "--order", &order_id.to_string(), "--rpc", &url_b, "--mos", &mos_b], &[]).await;
    assert_eq!(alone["status"], "delivered");
    assert_eq!(alone["chains"].as_array().unwrap().len(), 1);
    assert_eq!(alone["chains"][0]["chain"]["name"], format!("chain-{CHAIN_B}"));
    assert_eq!(alone["steps"][0]["transaction"], delivery.to_string());

    // An order nobody knows is an answer: unknown, exit code 0, and the text says so.
    let output = mos(&["status", "--order", &B256::repeat_byte(0x42).to_string(), "--deployment", file], &[]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("status: unknown\n"), "{text}");
}

/// A message the Echo on B refuses (it no longer takes messages from the sender) fails; once the
/// Echo takes them again, `mos retry` runs it with the fields of its failing `mapMessageIn`, and
/// `mos status` shows it retried. A second retry is refused.
async fn a_message_that_failed_for_a_reason_since_fixed_is_run_again_with_mos_retry(
    network: &LocalNetwork,
    dir: &Path,
) {
    let file = dir.join("deployment.json");
    let file = file.to_str().unwrap();
    let sender = dev_signer(SENDER).unwrap().address();
    let echo_b = network.echoes[&CHAIN_B];
    let owner_b = network.sender(CHAIN_B, local::USER).await.unwrap();
    let correspondence =
        |tag| IEcho::addCorrespondenceCall { fromChain: U256::from(CHAIN_A), fromAddress: sender.to_vec().into(), tag };
    owner_b.call(echo_b, &correspondence(false)).await.unwrap();
    let sender_key = key(SENDER);
    let payload = echo_payload("retried", "once more");
    let args = ["send", "--deployment", file, "--from", "chain-a", "--to-chain", "412347", "--target"];
    let sent =
        mos_json(&[&args[..], &[&echo_b.to_string(), "--payload", &payload, "--key", &sender_key]].concat(), &[]).await;
    let order: B256 = sent["orderId"].as_str().unwrap().parse().unwrap();
    let mut messenger =
        network.messenger(&dir.join("retry.db").display().to_string(), local::messenger_config()).await.unwrap();
    run_until_known(network, &mut messenger, CHAIN_B, [order, order]).await;
    let got = status(order, file).await;
    assert_eq!((&got["status"], &got["reason"]), (&json!("failed"), &json!("Echo: no permission")), "{got:#}");
    let executed = network.events::<IMOSV3::mapMessageIn>(CHAIN_B).await.unwrap();
    let (_, failure) = executed.iter().find(|(_, event)| event.orderId == order).unwrap();

    let retry = ["retry", "--order", &order.to_string(), "--deployment", file];
    let stderr = mos_error(&retry, &[]).await;
    assert_eq!(
        stderr,
        "error: no key: give it with --key HEX, or in the MOS_SEND_KEY environment variable (kept out of the \
         shell's history)\n"
    );
    owner_b.call(echo_b, &correspondence(true)).await.unwrap();
    let retried = mos_json(&[&retry[..], &["--key", &sender_key]].concat(), &[]).await;
    assert_eq!(retried["messageStatus"], "retried", "{retried:#}");
    assert_eq!(
        retried["retried"],
        json!({
            "fromChain": CHAIN_A.to_string(),
            "toChain": CHAIN_B.to_string(),
            "fromAddress": failure.fromAddrss.to_string(),
            "messageData": failure.callData.to_string(),
        })
    );
    assert_eq!(network.message_status(CHAIN_B, order).await.unwrap(), MessageStatus::Retried);
    assert_eq!(network.echo_list(CHAIN_B, "retried").await.unwrap(), "once more");
    let transaction: B256 = retried["transactionHash"].as_str().unwrap().parse().unwrap();
    let got = status(order, file).await;
    assert_eq!(got["status"], "retried");
    let last = got["steps"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (&last["kind"], &last["result"], &last["transaction"]),
        (&json!("retried"), &json!(true), &json!(transaction.to_string()))
    );
    let stderr = mos_error(&[&retry[..], &["--key", &sender_key]].concat(), &[]).await;
    assert_eq!(stderr, "error: cannot retry: it was already retried: a message runs again at most once\n");
}

/// `mos explorer` on the deployment, and `mos status --explorer` of every message the run sent:
/// the same journey as `mos status` reading the chains, each starting with the source's
/// `mapMessageOut` and ending with the destination's `mapMessageIn`.
async fn a_running_explorer_answers_as_the_chains_do_for_every_message(network: &LocalNetwork, dir: &Path) {
    let file = dir.join("deployment.json");
    let file = file.to_str().unwrap().to_owned();
    let mut explorer = std::process::Command::new(env!("CARGO_BIN_EXE_mos"))
        .args(["explorer", "--deployment", &file, "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = explorer.stdout.take().unwrap();
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let url =
        first.strip_prefix("explorer at ").and_then(|rest| rest.split(' ').next()).unwrap_or_else(|| panic!("{first}"));
    let mut orders = Vec::new();
    for source in [CHAIN_A, RELAY, CHAIN_B] {
        for (transaction, out) in network.events::<IMOSV3::mapMessageOut>(source).await.unwrap() {
            if out.fromChain == U256::from(source) {
                orders.push((out.orderId, transaction, out.toChain.to::<u64>()));
            }
        }
    }
    assert!(orders.len() >= 3, "{orders:?}");
    for (order, sent_in, to) in orders {
        let from_chains = status(order, &file).await;
        let asked = mos_json(&["status", "--order", &order.to_string(), "--explorer", url], &[]).await;
        for field in ["status", "reason", "fromChain", "toChain", "sender", "message", "steps", "hops", "waiting"] {
            assert_eq!(asked[field], from_chains[field], "{order}: {field}");
        }
        let steps = asked["steps"].as_array().unwrap();
        assert_eq!((&steps[0]["kind"], &steps[0]["transaction"]), (&json!("sent"), &json!(sent_in.to_string())));
        let executed = network.events::<IMOSV3::mapMessageIn>(to).await.unwrap();
        let arrivals: Vec<String> =
            executed.iter().filter(|(_, event)| event.orderId == order).map(|(tx, _)| tx.to_string()).collect();
        let shown: Vec<String> = steps
            .iter()
            .filter(|step| step["kind"] == "executed" || step["kind"] == "retried")
            .map(|step| step["transaction"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(shown, arrivals, "{order}: {asked:#}");
    }
    explorer.kill().unwrap();
    explorer.wait().unwrap();
}

/// Sends the MOS refuses (an unknown destination, a value, too little gas) give its reason, and
/// the sender's nonce does not move.
async fn a_send_the_mos_refuses_gives_its_reason_and_sends_nothing(network: &LocalNetwork) {
    let sender = dev_signer(SENDER).unwrap().address();
    let before = network.node(CHAIN_A).unwrap().mined_nonce(sender).await.unwrap();
    let (url_a, mos_a) = (network.chain(CHAIN_A).unwrap().url.clone(), network.mos(CHAIN_A).unwrap().to_string());
    let (echo_b, sender_key) = (network.echoes[&CHAIN_B].to_string(), key(SENDER));
    let direct = ["send", "--rpc", &url_a, "--mos", &mos_a, "--key", &sender_key, "--target", &echo_b];
    let stderr = mos_error(&[&direct[..], &["--to-chain", "999"]].concat(), &[]).await;
    assert_eq!(stderr, "error: getMessageFee reverts: MOSV3: Not support dest chain; nothing was sent\n");
    let stderr = mos_error(&[&direct[..], &["--to-chain", "412347", "--value", "1"]].concat(), &[]).await;
    assert_eq!(stderr, "error: transferOut reverts: MOSV3: Not support msg value; nothing was sent\n");
    let stderr = mos_error(&[&direct[..], &["--to-chain", "412347", "--gas-limit", "100"]].concat(), &[]).await;
    assert_eq!(stderr, "error: transferOut reverts: MOSV3: Execution gas too low; nothing was sent\n");
    assert_eq!(network.node(CHAIN_A).unwrap().mined_nonce(sender).await.unwrap(), before);
}

/// `mos send --deployment` whose chain A points at chain B's node names both chain ids.
async fn a_deployment_whose_node_serves_another_chain_is_named(network: &LocalNetwork, dir: &Path) {
    let (url_b, echo_b, sender_key) =
        (network.chain(CHAIN_B).unwrap().url.clone(), network.echoes[&CHAIN_B].to_string(), key(SENDER));
    let mut wrong = network.deployment.clone();
    wrong.chains.iter_mut().find(|chain| chain.chain_id == CHAIN_A).unwrap().rpc_url = url_b.clone();
    let wrong_file = dir.join("wrong.json");
    wrong.save(&wrong_file).unwrap();
    let wrong_file = wrong_file.to_str().unwrap();
    let args = ["send", "--deployment", wrong_file, "--from", "chain-a", "--key", &sender_key, "--to-chain", "412347"];
    let stderr = mos_error(&[&args[..], &["--target", &echo_b]].concat(), &[]).await;
    assert_eq!(
        stderr,
        format!("error: chain-a ({url_b}) serves chain id {CHAIN_B}, but the deployment says {CHAIN_A}\n")
    );
}

/// A deployment file of a relay and one chain whose nodes do not exist.
fn offline_deployment(dir: &Path) -> String {
    let entry = |name: &str, role, chain_id| ChainEntry {
        name: name.into(),
        role,
        chain_id,
        // Nothing listens on the discard port.
        rpc_url: "http://127.0.0.1:9".into(),
        mos: Address::repeat_byte(1),
        implementation: Address::repeat_byte(2),
        light_client: Address::repeat_byte(3),
        light_node_kind: mos_messenger::LightNodeKind::Committee,
        fee_service: Address::repeat_byte(4),
        relay_light_node: (role == Role::Chain).then(|| Address::repeat_byte(5)),
        deployed_block: 0,
        committee: Committee { members: vec![Address::repeat_byte(6)], threshold: 1 },
    };
    let mut deployment = Deployment::new(entry("relay", Role::Relay, RELAY));
    deployment.chains.push(entry("chain-a", Role::Chain, CHAIN_A));
    let file = dir.join("deployment.json");
    deployment.save(&file).unwrap();
    file.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn bad_input_to_send_and_status_is_refused_with_what_is_wrong() {
    let dir = scratch("send-status-input");
    let file = offline_deployment(&dir);
    let mos_address = Address::repeat_byte(1).to_string();
    let send = ["send", "--to-chain", "2", "--target", "0x01"];
    let stderr = mos_error(
        &[&send[..], &["--rpc", "http://127.0.0.1:9", "--mos", &mos_address, "--key", "0x1234"]].concat(),
        &[],
    )
    .await;
    assert_eq!(stderr, "error: --key / MOS_SEND_KEY is not a private key (32 bytes, hex)\n");
    let stderr = mos_error(
        &[&send[..], &["--rpc", "ws://example.org", "--mos", &mos_address]].concat(),
        &[("MOS_SEND_KEY", &key(SENDER))],
    )
    .await;
    assert_eq!(stderr, "error: --rpc: ws://example.org: only http:// and https:// endpoints are supported\n");
    let stderr =
        mos_error(&[&send[..], &["--deployment", &file, "--from", "chain-z", "--key", &key(SENDER)]].concat(), &[])
            .await;
    assert_eq!(stderr, "error: the deployment has no chain named chain-z (it has relay, chain-a)\n");
    let stderr =
        mos_error(&[&send[..], &["--deployment", &file, "--from", "chain-a", "--key", &key(SENDER)]].concat(), &[])
            .await;
    assert!(stderr.starts_with("error: chain-a (http://127.0.0.1:9): eth_chainId failed: "), "{stderr}");
    // Malformed command lines are usage errors (exit code 2).
    for args in [
        &send[..],
        &[&send[..], &["--rpc", "http://127.0.0.1:9", "--key", &key(SENDER)]].concat(),
        &[&send[..], &["--deployment", &file, "--key", &key(SENDER)]].concat(),
        &[
            &send[..],
            &["--deployment", &file, "--from", "chain-a", "--rpc", "http://127.0.0.1:9", "--mos", &mos_address],
        ]
        .concat(),
        &["send", "--to-chain", "2", "--deployment", &file, "--from", "chain-a", "--key", &key(SENDER)],
    ] {
        assert_eq!(mos(args, &[]).await.status.code(), Some(2), "{args:?}");
    }

    let stderr = mos_error(&["status", "--order", "0x1234", "--deployment", &file], &[]).await;
    assert_eq!(stderr, "error: --order: 0x1234 has 4 hex digits; a 32-byte hash has 64 (with or without 0x)\n");
    let order = B256::repeat_byte(0x42).to_string();
    let stderr =
        mos_error(&["status", "--order", &order, "--rpc", "ws://example.org", "--mos", &mos_address], &[]).await;
    assert_eq!(stderr, "error: --rpc: ws://example.org: only http:// and https:// endpoints are supported\n");
    // Chains that cannot be read are reported, each with its error, and the exit code is 1.
    let output = mos(&["--json", "status", "--order", &order, "--deployment", &file], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let got: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(got["status"], "unknown");
    assert!(
        got["chains"][1]["error"].as_str().unwrap().starts_with("chain-a (http://127.0.0.1:9): eth_chainId failed: "),
        "{got}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().filter(|line| line.starts_with("error: ")).count(), 2, "{stderr}");
    assert!(stderr.starts_with("error: relay (http://127.0.0.1:9): eth_chainId failed: "), "{stderr}");
    assert_eq!(mos(&["status", "--order", &order], &[]).await.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}
