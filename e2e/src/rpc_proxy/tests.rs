//! The proxy in front of a devnet node: each fault does what it says, seen from the wire and from
//! the node.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy_primitives::{TxKind, U256};
use devnet::{rpc::RpcServer, Chain as Devnet, ChainConfig};
use mos_messenger::local;
use mos_rpc::{Chain, Node, Sender, SignedTransaction};

use super::*;

/// A devnet served on a free port, and a proxy without faults in front of it.
async fn proxied() -> (RpcServer, Arc<Mutex<Devnet>>, RpcProxy) {
    let chain = Arc::new(Mutex::new(Devnet::new(ChainConfig::default())));
    let server = RpcServer::start(Arc::clone(&chain), SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap();
    let proxy = RpcProxy::start(&server.url(), FaultPlan::none()).unwrap();
    (server, chain, proxy)
}

/// Posts `body` to `proxy` over a new connection.
async fn post(proxy: &RpcProxy, body: Value) -> Result<(StatusCode, Value), UpstreamError> {
    let (status, answer) = Upstream::new(&proxy.url()).unwrap().post(Bytes::from(body.to_string())).await?;
    Ok((status, serde_json::from_slice(&answer).unwrap_or(Value::String(String::from_utf8_lossy(&answer).into()))))
}

/// The devnet's chain id, as JSON-RPC answers it.
fn chain_id() -> Value {
    json!(format!("{:#x}", ChainConfig::default().chain_id))
}

fn call(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// A transfer signed by dev account 1 through `proxy` (nothing broadcast).
async fn signed_transfer(proxy: &RpcProxy) -> SignedTransaction {
    let sender = Sender::new(Node::connect(&proxy.url()).unwrap(), local::dev_key(1).unwrap()).await.unwrap();
    sender.sign(TxKind::Call(sender.address()), Default::default(), U256::ZERO).await.unwrap()
}

fn broadcast(transaction: &SignedTransaction) -> Value {
    call(7, "eth_sendRawTransaction", json!([transaction.raw]))
}

#[tokio::test]
async fn requests_and_batches_pass_through_and_each_answer_is_counted_by_method() {
    let (server, _chain, proxy) = proxied().await;
    let (status, answer) = post(&proxy, call(1, "eth_chainId", json!([]))).await.unwrap();
    assert_eq!((status, answer), (StatusCode::OK, json!({"jsonrpc": "2.0", "id": 1, "result": chain_id()})));
    let batch = json!([call(2, "eth_blockNumber", json!([])), call(3, "eth_nope", json!([]))]);
    let (_, answer) = post(&proxy, batch).await.unwrap();
    assert_eq!(answer[0], json!({"jsonrpc": "2.0", "id": 2, "result": "0x0"}));
    assert_eq!(answer[1]["error"]["code"], json!(-32601));
    let answers = proxy.answers();
    assert_eq!(answers["eth_chainId"], Answers { results: 1, errors: 0, none: 0 });
    assert_eq!(answers["eth_blockNumber"], Answers { results: 1, errors: 0, none: 0 });
    assert_eq!(answers["eth_nope"], Answers { results: 0, errors: 1, none: 0 });
    assert_eq!(proxy.counts(), FaultCounts { requests: 2, ..FaultCounts::default() });
    server.stop();
}

#[tokio::test]
async fn an_error_or_a_status_is_answered_without_the_node_seeing_the_request() {
    let (server, chain, proxy) = proxied().await;
    let transfer = signed_transfer(&proxy).await;
    proxy.set_plan(FaultPlan::scheduled(vec![
        Rule::every(1, Fault::Error { code: -32000, message: "busy" }).on(&["eth_sendRawTransaction"]),
        Rule::every(1, Fault::Status(503)),
    ]));
    let (status, answer) = post(&proxy, broadcast(&transfer)).await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 7, "error": {"code": -32000, "message": "busy"}}));
    let (status, _) = post(&proxy, call(1, "eth_blockNumber", json!([]))).await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(chain.lock().unwrap().latest().number(), 0, "the broadcast never reached the node");
    let answers = proxy.answers();
    assert_eq!(answers["eth_sendRawTransaction"], Answers { results: 0, errors: 1, none: 0 });
    assert_eq!(answers["eth_blockNumber"], Answers { results: 0, errors: 0, none: 1 });
    assert_eq!((proxy.counts().errors, proxy.counts().statuses), (1, 1));
    server.stop();
}

#[tokio::test]
async fn a_dropped_answer_closes_the_connection_after_the_node_took_the_request() {
    let (server, _chain, proxy) = proxied().await;
    let transfer = signed_transfer(&proxy).await;
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Drop { after: Duration::ZERO })]));
    let dropped = post(&proxy, broadcast(&transfer)).await;
    assert!(dropped.is_err(), "{dropped:?}");
    let node = Node::connect(&server.url()).unwrap();
    assert!(node.receipt(transfer.hash).await.unwrap().is_some(), "mined");
    assert_eq!(proxy.answers()["eth_sendRawTransaction"], Answers { results: 0, errors: 0, none: 1 });
    assert_eq!(proxy.counts().dropped, 1);
    server.stop();
}

#[tokio::test]
async fn a_duplicated_broadcast_reaches_the_node_twice_and_its_second_answer_is_given() {
    let (server, chain, proxy) = proxied().await;
    let transfer = signed_transfer(&proxy).await;
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Duplicate).on(&["eth_sendRawTransaction"])]));
    let (_, answer) = post(&proxy, broadcast(&transfer)).await.unwrap();
    assert_eq!(answer["error"]["message"], json!("already known"), "{answer}");
    assert_eq!(chain.lock().unwrap().latest().number(), 1, "mined once");
    assert_eq!(proxy.counts().duplicated, 1);
    server.stop();
}

#[tokio::test]
async fn a_swallowed_broadcast_is_answered_with_its_hash_and_never_reaches_the_node() {
    let (server, _chain, proxy) = proxied().await;
    let transfer = signed_transfer(&proxy).await;
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Swallow)]));
    let (_, answer) = post(&proxy, broadcast(&transfer)).await.unwrap();
    assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 7, "result": transfer.hash}));
    let (_, head) = post(&proxy, call(1, "eth_blockNumber", json!([]))).await.unwrap();
    assert_eq!(head["result"], json!("0x0"), "other methods pass");
    assert!(!Node::connect(&server.url()).unwrap().holds(transfer.hash).await.unwrap());
    assert_eq!(proxy.swallowed(), [transfer.raw]);
    assert_eq!(proxy.counts().swallowed, 1);
    server.stop();
}

#[tokio::test]
async fn a_stale_answer_is_a_node_behind_the_head() {
    let (server, chain, proxy) = proxied().await;
    let transfer = signed_transfer(&proxy).await;
    Node::connect(&server.url()).unwrap().send_raw(&transfer.raw).await.unwrap();
    for _ in 0..4 {
        chain.lock().unwrap().mine();
    }
    // Head 5; the transfer in block 1.
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Stale { blocks: 3 })]));
    let answer = |body| async { post(&proxy, body).await.unwrap().1 };
    assert_eq!(answer(call(1, "eth_blockNumber", json!([]))).await["result"], json!("0x2"));
    let latest = answer(call(2, "eth_getBlockByNumber", json!(["latest", false]))).await;
    assert_eq!(latest["result"]["number"], json!("0x2"));
    assert_eq!(answer(call(3, "eth_getBlockByNumber", json!(["0x3", false]))).await["result"], Value::Null);
    let logs = answer(call(4, "eth_getLogs", json!([{"fromBlock": "0x0", "toBlock": "0x5"}]))).await;
    assert_eq!(logs["error"]["message"], json!("header not found"));
    let receipt = answer(call(5, "eth_getTransactionReceipt", json!([transfer.hash]))).await;
    assert_eq!(receipt["result"]["blockNumber"], json!("0x1"), "mined below the stale head");
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Stale { blocks: 5 })]));
    let receipt = answer(call(6, "eth_getTransactionReceipt", json!([transfer.hash]))).await;
    assert_eq!(receipt["result"], Value::Null, "mined above it");
    assert_eq!(answer(call(7, "eth_chainId", json!([]))).await["result"], chain_id(), "other methods pass");
    assert_eq!(proxy.counts().stale, 5, "every head read but the receipt below the stale head");
    server.stop();
}

#[tokio::test]
async fn delayed_answers_wait_and_reordered_ones_come_back_newest_first() {
    let (server, _chain, proxy) = proxied().await;
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Delay(Duration::from_millis(200)))]));
    let started = Instant::now();
    post(&proxy, call(1, "eth_blockNumber", json!([]))).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    let hold = Duration::from_secs(30);
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Reorder { depth: 2, hold })]));
    let older = post(&proxy, call(1, "eth_blockNumber", json!([])));
    let newer = async {
        // Sent once the older one is held.
        while proxy.shared.reorderer.held() == 0 {
            tokio::task::yield_now().await;
        }
        post(&proxy, call(2, "eth_chainId", json!([]))).await
    };
    let order = Mutex::new(Vec::new());
    let (older, newer) = tokio::join!(
        async {
            let answer = older.await.unwrap();
            order.lock().unwrap().push("older");
            answer
        },
        async {
            let answer = newer.await.unwrap();
            order.lock().unwrap().push("newer");
            answer
        }
    );
    assert_eq!((older.1["id"].clone(), newer.1["id"].clone()), (json!(1), json!(2)));
    assert_eq!(*order.lock().unwrap(), ["newer", "older"]);
    assert_eq!((proxy.counts().delayed, proxy.counts().reordered), (1, 1));
    server.stop();
}

#[tokio::test]
async fn an_outage_closes_the_port_and_the_proxy_listens_again_on_it() {
    let (server, _chain, proxy) = proxied().await;
    post(&proxy, call(1, "eth_blockNumber", json!([]))).await.unwrap();
    proxy.go_down().await;
    let refused = post(&proxy, call(2, "eth_blockNumber", json!([]))).await.unwrap_err();
    assert!(refused.to_string().starts_with("connect: "), "{refused}");
    proxy.come_up().unwrap();
    post(&proxy, call(3, "eth_blockNumber", json!([]))).await.unwrap();

    // An outage of the plan: the request that brings it is not answered, then the port is
    // closed for the outage, then open again.
    proxy.set_plan(FaultPlan::scheduled(vec![Rule::every(1, Fault::Outage(Duration::from_millis(300)))]));
    assert!(post(&proxy, call(4, "eth_blockNumber", json!([]))).await.is_err());
    proxy.set_plan(FaultPlan::none());
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut refused = 0;
    while post(&proxy, call(5, "eth_blockNumber", json!([]))).await.is_err() {
        refused += 1;
        assert!(Instant::now() < deadline, "not up again");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused > 0, "down for a while");
    assert_eq!(proxy.counts().outages, 2);
    server.stop();
}

#[tokio::test]
async fn a_node_that_cannot_be_reached_is_answered_bad_gateway() {
    let (server, _chain, proxy) = proxied().await;
    server.stop();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = post(&proxy, call(1, "eth_blockNumber", json!([]))).await.unwrap();
        if status == StatusCode::BAD_GATEWAY {
            break;
        }
        assert!(Instant::now() < deadline, "the node still answers");
        tokio::task::yield_now().await;
    }
    assert!(proxy.counts().upstream_failures >= 1);
    assert!(proxy.answers()["eth_blockNumber"].none >= 1);
}
