//! The explorer in a real browser, during a run with a delivered, a failed and a stuck message:
//! headless Chromium opens the list and each message's page as a user would, and what the pages
//! show (their DOM, after the browser built it) and what the JSON API answers must be what the
//! chains' events say. Screenshots go to target/explorer/ for a person to look at.

use std::{path::PathBuf, time::Duration};

use alloy_primitives::{Bytes, B256, U256};
use mos_e2e::{
    browser::{element, text, Browser},
    message_status, Dapp, Harness,
};
use mos_message::interfaces::IMOSV3;
use mos_messenger::Chain;
use mos_messenger::{
    http::{HttpServer, Served},
    local::{self, ChainIds, EchoKind, IEcho},
    store::{RouteKey, Stage},
};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DELIVERED: u8 = 1;
const FAILED: u8 = 2;

/// `GET path` of the server at `address`: its status code and its body as JSON.
async fn get(address: std::net::SocketAddr, path: &str) -> (u16, Value) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8(response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or_else(|| panic!("{head}"));
    (status, serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {body}")))
}

/// `GET path`, which must answer 200, its JSON.
async fn get_json(address: std::net::SocketAddr, path: &str) -> Value {
    let (status, body) = get(address, path).await;
    assert_eq!(status, 200, "{path}: {body:#}");
    body
}

/// Where the screenshots go.
fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/explorer")
}

/// The kinds of a journey's steps, as the API gives them.
fn kinds(journey: &Value) -> Vec<String> {
    journey["steps"].as_array().unwrap().iter().map(|step| step["kind"].as_str().unwrap().to_owned()).collect()
}

/// The kinds of the step rows of a message page's DOM.
fn page_kinds(dom: &str) -> Vec<String> {
    let steps = element(dom, "id=\"steps\"").unwrap();
    steps.split("data-kind=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_shows_each_message_as_the_chains_do_in_a_browser() {
    // The browser first: the test fails, never skips, when it cannot start.
    let browser = Browser::find().unwrap_or_else(|error| panic!("no browser for the explorer test: {error}"));
    let harness = Harness::launch("explorer", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;

    // Failed: the relay's Echo no longer takes messages from B's. Stuck: chain B's MOS is paused,
    // so it refuses the delivery. Delivered: B → A.
    let revoke = IEcho::addCorrespondenceCall {
        fromChain: U256::from(chain_b),
        fromAddress: Bytes::copy_from_slice(network.echoes[&chain_b].as_slice()),
        tag: false,
    };
    network.sender(relay, local::USER).await.unwrap().call(network.echoes[&relay], &revoke).await.unwrap();
    let delivered = network.send(chain_b, chain_a, EchoKind::Message, "seen", "in a browser").await.unwrap();
    let failed = network.send(chain_b, relay, EchoKind::Message, "refused", "by the Echo").await.unwrap();
    let admin_b = network.sender(chain_b, local::DEPLOYER).await.unwrap();
    admin_b.call(harness.mos(chain_b), &IMOSV3::setPauseCall {}).await.unwrap();
    let stuck = network.send(chain_a, chain_b, EchoKind::Calldata, "paused", "not yet").await.unwrap();

    let (messenger, _) = harness.messenger(local::messenger_config()).await;
    let refused_route = RouteKey { from: relay, to: chain_b };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while message_status(&harness, chain_a, delivered.order_id).await != DELIVERED
        || message_status(&harness, relay, failed.order_id).await != FAILED
        || harness.deliveries(&messenger, refused_route, Stage::Failed).await.is_empty()
    {
        assert!(tokio::time::Instant::now() < deadline, "{:#?}", messenger.summary().await);
        messenger.poll_once().await.unwrap();
    }
    let served = Served { metrics: None, explorer: Some(std::sync::Arc::new(messenger.explorer(1000))) };
    let server = HttpServer::start("127.0.0.1:0".parse().unwrap(), served).await.unwrap();
    let address = server.address();
    let base = format!("http://{address}");

    // What the chains say.
    let transaction_of = |events: &[(B256, B256)], order: B256| {
        events.iter().find(|(_, id)| *id == order).map(|(transaction, _)| transaction.to_string())
    };
    let relay_outs: Vec<(B256, B256)> =
        harness.events::<IMOSV3::mapMessageOut>(relay).await.into_iter().map(|(tx, e)| (tx, e.orderId)).collect();
    let a_ins: Vec<(B256, B256)> =
        harness.events::<IMOSV3::mapMessageIn>(chain_a).await.into_iter().map(|(tx, e)| (tx, e.orderId)).collect();
    let relay_ins = harness.events::<IMOSV3::mapMessageIn>(relay).await;
    let (failed_in, failed_event) = relay_ins.iter().find(|(_, e)| e.orderId == failed.order_id).unwrap();

    // The API: each journey's steps are the chains' transactions.
    let journey = get_json(address, &format!("/api/messages/{}", delivered.order_id)).await;
    assert_eq!(journey["status"], "delivered");
    assert_eq!(kinds(&journey), ["sent", "attested", "forwarded", "attested", "executed"], "{journey:#}");
    let transactions: Vec<&Value> = journey["steps"].as_array().unwrap().iter().map(|s| &s["transaction"]).collect();
    assert_eq!(transactions[0], &delivered.transaction.to_string());
    assert_eq!(Some(transactions[2].as_str().unwrap().to_owned()), transaction_of(&relay_outs, delivered.order_id));
    assert_eq!(Some(transactions[4].as_str().unwrap().to_owned()), transaction_of(&a_ins, delivered.order_id));
    assert_eq!(journey["hops"].as_array().unwrap().len(), 2);

    let journey = get_json(address, &format!("/api/messages/{}", failed.order_id)).await;
    assert_eq!((&journey["status"], &journey["reason"]), (&"failed".into(), &"Echo: no permission".into()));
    assert_eq!(kinds(&journey), ["sent", "attested", "executed"], "{journey:#}");
    assert_eq!(journey["steps"][2]["transaction"], failed_in.to_string());
    assert_eq!(journey["steps"][2]["reasonData"], failed_event.reason.to_string());

    let journey = get_json(address, &format!("/api/messages/{}", stuck.order_id)).await;
    assert_eq!(journey["status"], "relayed");
    assert_eq!(kinds(&journey)[..3], ["sent", "attested", "forwarded"], "{journey:#}");
    assert_eq!(
        journey["waiting"]["wait"],
        serde_json::json!({ "kind": "refused", "on": "chain-b", "reason": "Pausable: paused" })
    );

    let list = get_json(address, "/api/messages").await;
    let listed: Vec<&str> =
        list["messages"].as_array().unwrap().iter().map(|m| m["orderId"].as_str().unwrap()).collect();
    for order in [delivered.order_id, failed.order_id, stuck.order_id] {
        assert!(listed.contains(&order.to_string().as_str()), "{order} not in {list:#}");
    }

    // The browser: the list, each row's status.
    let dom = browser.dom(&format!("{base}/")).unwrap();
    for (order, status) in [(delivered.order_id, "delivered"), (failed.order_id, "failed"), (stuck.order_id, "relayed")]
    {
        let row =
            element(&dom, &format!("data-order=\"{order}\"")).unwrap_or_else(|| panic!("no row of {order}: {dom}"));
        assert!(row.contains(&format!("data-status=\"{status}\"")), "{row}");
    }
    assert!(text(element(&dom, "id=\"count\"").unwrap()).starts_with("3 of 3 matching messages"), "{dom}");
    let dom = browser.dom(&format!("{base}/?status=failed")).unwrap();
    assert!(element(&dom, &format!("data-order=\"{}\"", failed.order_id)).is_some(), "{dom}");
    assert!(element(&dom, &format!("data-order=\"{}\"", delivered.order_id)).is_none(), "{dom}");
    browser.screenshot(&format!("{base}/"), &screenshots().join("list.png"), (1280, 800)).unwrap();

    // Each message's page.
    let page = |order: B256| format!("{base}/messages/{order}");
    let dom = browser.dom(&page(delivered.order_id)).unwrap();
    assert_eq!(page_kinds(&dom), ["sent", "attested", "forwarded", "attested", "executed"]);
    assert!(element(&dom, "id=\"waiting\"").is_none() && element(&dom, "id=\"reason\"").is_none(), "{dom}");
    assert!(text(element(&dom, "id=\"summary\"").unwrap()).starts_with("delivered on chain-a in block "), "{dom}");
    let message = text(element(&dom, "id=\"message\"").unwrap());
    assert!(message.contains("from chain-b (412347)") && message.contains("to chain-a (412346)"), "{message}");
    assert!(message.contains("type MESSAGE") && message.contains("gasLimit 500000"), "{message}");
    let hops = text(element(&dom, "id=\"hops\"").unwrap());
    assert!(hops.contains("chain-b → relay") && hops.contains("relay → chain-a"), "{hops}");
    browser.screenshot(&page(delivered.order_id), &screenshots().join("delivered.png"), (1280, 1100)).unwrap();

    let dom = browser.dom(&page(failed.order_id)).unwrap();
    assert!(element(&dom, "data-status=\"failed\"").is_some(), "{dom}");
    let reason = text(element(&dom, "id=\"reason\"").unwrap());
    assert_eq!(
        reason,
        format!(
            "Why it failed: Echo: no permission. Run it again with mos retry --order {} once the target accepts it.",
            failed.order_id
        )
    );
    let steps = text(element(&dom, "id=\"steps\"").unwrap());
    assert!(steps.contains(&failed_in.to_string()) && steps.contains("executed: target failed"), "{steps}");
    browser.screenshot(&page(failed.order_id), &screenshots().join("failed.png"), (1280, 1000)).unwrap();

    let dom = browser.dom(&page(stuck.order_id)).unwrap();
    let waiting = element(&dom, "id=\"waiting\"").unwrap_or_else(|| panic!("no waiting: {dom}"));
    assert!(waiting.contains("data-kind=\"refused\""), "{waiting}");
    assert!(
        text(waiting).starts_with("Waiting: relay → chain-b. chain-b refuses the delivery: Pausable: paused;"),
        "{waiting}"
    );
    browser.screenshot(&page(stuck.order_id), &screenshots().join("stuck.png"), (1280, 1000)).unwrap();

    // A message sent once the messenger stopped reading chain A: not picked up, and the page says
    // how far the messenger read.
    let late = network.send(chain_a, relay, EchoKind::Message, "late", "after the messenger").await.unwrap();
    let late_block = harness.node(chain_a).receipt(late.transaction).await.unwrap().unwrap().block_number.unwrap();
    let journey = get_json(address, &format!("/api/messages/{}", late.order_id)).await;
    assert_eq!((&journey["status"], &journey["waiting"]["wait"]["kind"]), (&"sent".into(), &"notPickedUp".into()));
    assert_eq!(journey["waiting"]["wait"]["block"], late_block, "{journey:#}");
    let scanned_to = journey["waiting"]["wait"]["scannedTo"].as_u64().unwrap();
    assert!(scanned_to <= late_block, "{journey:#}");
    let dom = browser.dom(&page(late.order_id)).unwrap();
    let waiting = text(element(&dom, "id=\"waiting\"").unwrap());
    assert_eq!(
        waiting,
        format!(
            "Waiting: chain-a → relay. not picked up yet: the messenger has read chain-a up to block {}, and the \
             message is in block {late_block} (toward relay)",
            scanned_to - 1
        )
    );

    // An order nobody knows: the page says so, and the API answers 404.
    let unknown = B256::repeat_byte(0x42);
    let dom = browser.dom(&page(unknown)).unwrap();
    assert!(element(&dom, "data-status=\"unknown\"").is_some(), "{dom}");
    let (status, journey) = get(address, &format!("/api/messages/{unknown}")).await;
    assert_eq!((status, &journey["status"]), (404, &Value::from("unknown")));

    server.stop();
    drop(messenger);
    harness.finish().await;
}
