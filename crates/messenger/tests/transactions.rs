//! The transaction manager against a devnet node whose pool the test controls (no block is mined
//! unless the test mines it): several transactions in flight, a node that lost its pool, a fee
//! rise, a restart that goes on from the store's nonce, a nonce nothing will fill, a fee cap.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use alloy_primitives::{Address, Bytes, B256};
use devnet::{rpc::RpcServer, Chain, ChainConfig};
use mos_messenger::{
    config::GasPolicy,
    store::{self, Delivery, Lease, NewDelivery, RouteKey, Store, StoreError, Submission},
    transactions::{GasLimit, Resent, SendError, TransactionManager, TransactionState, Unstuck, MAX_MOVED_PER_LOOK},
};
use mos_rpc::{decode_signed, Node, Sender};

const CHAIN_ID: u64 = 412_346;
const BASE_FEE: u64 = 10_000_000;
const ROUTE: RouteKey = RouteKey { from: 1, to: CHAIN_ID };

/// A devnet node that mines only when told, a store, and the manager of dev account 1 on it.
struct Setup {
    chain: Arc<Mutex<Chain>>,
    server: RpcServer,
    store: Arc<dyn Store>,
    sender: Sender,
}

impl Setup {
    async fn new(name: &str) -> Self {
        let config = ChainConfig { chain_id: CHAIN_ID, base_fee: BASE_FEE, ..ChainConfig::default() };
        let chain = Arc::new(Mutex::new(Chain::new(config)));
        chain.lock().unwrap().set_auto_mine(false);
        let server = RpcServer::start(Arc::clone(&chain), SocketAddr::from(([127, 0, 0, 1], 0)), None).await.unwrap();
        let path = std::env::temp_dir().join(format!("mos-transactions-{name}-{}.db", std::process::id()));
        store::remove_sqlite(&path);
        let store = store::open(&path.display().to_string()).await.unwrap();
        let node = Node::connect(&server.url()).unwrap();
        let sender = Sender::new(node, devnet::dev_accounts::dev_signer(1).unwrap()).await.unwrap();
        Self { chain, server, store, sender }
    }

    fn manager(&self, policy: GasPolicy, stuck_after: Duration) -> TransactionManager {
        TransactionManager::new(self.sender.clone(), Arc::clone(&self.store), policy, stuck_after)
    }

    fn pending(&self) -> Vec<B256> {
        self.chain.lock().unwrap().pending().iter().map(|tx| tx.hash).collect()
    }

    fn mine(&self) -> usize {
        let mut chain = self.chain.lock().unwrap();
        let number = chain.mine();
        chain.block(devnet::BlockId::Number(number)).map_or(0, |block| block.transactions.len())
    }

    fn node(&self) -> &dyn mos_rpc::Chain {
        self.sender.chain().as_ref()
    }
}

/// A `record` that keeps what it is given.
fn recorder(recorded: &Mutex<Vec<Submission>>) -> impl AsyncFnOnce(&Submission) -> Result<(), StoreError> + '_ {
    async move |submission: &Submission| {
        recorded.lock().unwrap().push(submission.clone());
        Ok(())
    }
}

/// Sends `count` transfers of nothing to an address through `manager`.
async fn send(manager: &TransactionManager, count: usize, recorded: &Mutex<Vec<Submission>>) -> Vec<Submission> {
    let mut sent = Vec::new();
    for _ in 0..count {
        sent.push(
            manager
                .send(Address::repeat_byte(0x42), Bytes::new(), GasLimit::Simulated, recorder(recorded))
                .await
                .unwrap(),
        );
    }
    sent
}

/// `count` deliveries in `store`, claimed by instance "a" (its lease).
async fn deliveries(store: &Arc<dyn Store>, count: u8) -> (Lease, Vec<Delivery>) {
    store.cursor(ROUTE, 0).await.unwrap();
    let found: Vec<NewDelivery> = (1..=count)
        .map(|seed| NewDelivery {
            source_transaction: B256::repeat_byte(seed),
            source_block: 1,
            source_block_hash: B256::ZERO,
            orders: vec![B256::repeat_byte(seed)],
        })
        .collect();
    store.record_scan(ROUTE, 0, 2, &found, 0).await.unwrap();
    let lease = Lease { owner: "a".into(), duration_ms: 60_000 };
    let deliveries = store.claim(ROUTE, None, &lease, store::now_ms(), 10).await.unwrap();
    (lease, deliveries)
}

/// Sends a transfer of nothing through `manager`, recorded as `delivery`'s transaction.
async fn send_recorded(manager: &TransactionManager, store: &Arc<dyn Store>, delivery: &Delivery) -> Submission {
    let record = async |submission: &Submission| store.record_submission(delivery.id, "a", submission).await;
    manager.send(Address::repeat_byte(0x42), Bytes::new(), GasLimit::Simulated, record).await.unwrap()
}

/// Has `manager` move its stuck nonces ([`TransactionManager::fill_gap`]) once the lowest counts
/// as stuck (not before): what it did, nonce by nonce.
async fn unstick(manager: &TransactionManager, stuck_after: Duration) -> Vec<Unstuck> {
    assert_eq!(manager.fill_gap().await.unwrap(), [], "not stuck for long yet");
    tokio::time::sleep(stuck_after * 3).await;
    let moved = manager.fill_gap().await.unwrap();
    assert!(!moved.is_empty(), "the stuck nonce is moved");
    moved
}

/// Has `manager`, restarted on nonces the node lost (with a stuck timeout of [`SHORT`]), move
/// them once its grace has passed ([`TransactionManager::fill_gap`], `RESTART_GRACE`), not
/// before: what it did, nonce by nonce.
async fn unstick_after_restart(manager: &TransactionManager) -> Vec<Unstuck> {
    assert_eq!(manager.fill_gap().await.unwrap(), [], "the recorded ones are given time to go out first");
    tokio::time::sleep(SHORT * 2).await;
    let moved = manager.fill_gap().await.unwrap();
    assert!(!moved.is_empty(), "the nonces a restart lost are moved after the grace");
    moved
}

/// A stuck timeout shorter than `RESTART_GRACE`: the grace a restarted manager gives.
const SHORT: Duration = Duration::from_millis(100);

/// Mines the pool in one block, and checks that it held three transactions, that each of
/// `submissions` is mined, and that no nonce is left open.
async fn mine_all(setup: &Setup, manager: &TransactionManager, submissions: &[&Submission]) {
    assert_eq!(setup.mine(), 3);
    for submission in submissions {
        assert!(matches!(resolve(manager, submission).await, TransactionState::Mined(_)));
    }
    assert_eq!(manager.fill_gap().await.unwrap(), [], "nothing open");
}

async fn resolve(manager: &TransactionManager, submission: &Submission) -> TransactionState {
    manager.resolve(submission, async |_| Ok(())).await.unwrap()
}

const LONG: Duration = Duration::from_secs(600);

#[tokio::test]
async fn several_transactions_are_in_flight_at_once_with_consecutive_nonces() {
    let setup = Setup::new("in-flight").await;
    let manager = setup.manager(GasPolicy::default(), LONG);
    let recorded = Mutex::new(Vec::new());
    let sent = send(&manager, 8, &recorded).await;

    assert_eq!(sent.iter().map(|s| s.nonce).collect::<Vec<_>>(), (0..8).collect::<Vec<_>>());
    assert_eq!(*recorded.lock().unwrap(), sent, "each recorded before it was broadcast, as sent");
    assert_eq!(setup.pending(), sent.iter().map(|s| s.transaction).collect::<Vec<_>>(), "all in the pool, in order");
    for submission in &sent {
        let state = resolve(&manager, submission).await;
        assert!(matches!(state, TransactionState::InFlight(Resent::Nothing)), "{state:?}");
    }
    assert_eq!(setup.mine(), 8);
    for submission in &sent {
        let TransactionState::Mined(receipt) = resolve(&manager, submission).await else { panic!("not mined") };
        assert_eq!(receipt.transaction_hash, submission.transaction);
    }
    setup.server.stop();
}

#[tokio::test]
async fn a_pool_the_node_lost_is_broadcast_again_in_nonce_order_whatever_order_it_is_resolved_in() {
    let setup = Setup::new("pool-lost").await;
    let manager = setup.manager(GasPolicy::default(), LONG);
    let recorded = Mutex::new(Vec::new());
    let sent = send(&manager, 5, &recorded).await;
    assert_eq!(setup.chain.lock().unwrap().drop_pending(), 5, "the node restarted without its pool");

    // The highest first: each is refused (`nonce too high`) and held back.
    for submission in sent[1..].iter().rev() {
        assert!(matches!(resolve(&manager, submission).await, TransactionState::InFlight(Resent::Nothing)));
    }
    assert!(setup.pending().is_empty());
    // The lowest goes out, and the held-back ones after it.
    assert!(matches!(resolve(&manager, &sent[0]).await, TransactionState::InFlight(Resent::Again)));
    assert_eq!(setup.pending(), sent.iter().map(|s| s.transaction).collect::<Vec<_>>(), "the same bytes, in order");
    assert_eq!(setup.mine(), 5);
    for submission in &sent {
        assert!(matches!(resolve(&manager, submission).await, TransactionState::Mined(_)));
    }
    setup.server.stop();
}

#[tokio::test]
async fn a_fee_rise_gets_each_unminable_transaction_replaced_with_its_nonce_and_higher_fees() {
    let setup = Setup::new("fee-rise").await;
    let manager = setup.manager(GasPolicy { fee_refresh: Duration::ZERO, ..GasPolicy::default() }, LONG);
    let recorded = Mutex::new(Vec::new());
    let sent = send(&manager, 3, &recorded).await;
    let risen = BASE_FEE * 5;
    setup.chain.lock().unwrap().set_base_fee(risen);
    assert_eq!(setup.mine(), 0, "their max fee is below the new base fee: the node drops them");
    assert!(setup.pending().is_empty());

    let replacements = Mutex::new(Vec::new());
    for submission in &sent {
        let state = manager.resolve(submission, recorder(&replacements)).await.unwrap();
        let TransactionState::InFlight(Resent::Replaced(replacement)) = state else { panic!("{state:?}") };
        assert_eq!((replacement.nonce, replacement.sender), (submission.nonce, submission.sender));
        assert_ne!(replacement.transaction, submission.transaction);
        let (_, first) = decode_signed(&submission.raw).unwrap();
        let (_, second) = decode_signed(&replacement.raw).unwrap();
        assert!(second.fees.max_fee_per_gas >= u128::from(risen), "{second:?}");
        assert!(second.fees.max_fee_per_gas > first.fees.max_fee_per_gas);
        assert_eq!((second.to, second.input, second.gas_limit), (first.to, first.input, first.gas_limit));
    }
    let replacements = replacements.into_inner().unwrap();
    assert_eq!(setup.pending(), replacements.iter().map(|s| s.transaction).collect::<Vec<_>>());
    assert_eq!(setup.mine(), 3);
    for (first, replacement) in sent.iter().zip(&replacements) {
        assert!(matches!(resolve(&manager, replacement).await, TransactionState::Mined(_)));
        assert!(matches!(resolve(&manager, first).await, TransactionState::Lost), "the first can never be mined");
    }
    assert_eq!(setup.node().mined_nonce(setup.sender.address()).await.unwrap(), 3, "no nonce used twice or skipped");
    setup.server.stop();
}

#[tokio::test]
async fn a_restarted_manager_goes_on_from_the_nonce_the_store_recorded_not_the_nodes() {
    let setup = Setup::new("restart").await;
    let store = &setup.store;
    let (lease, deliveries) = deliveries(store, 3).await;

    let first = setup.manager(GasPolicy::default(), LONG);
    for delivery in &deliveries[..2] {
        let record = async |submission: &Submission| store.record_submission(delivery.id, "a", submission).await;
        first.send(Address::repeat_byte(0x42), Bytes::new(), GasLimit::Simulated, record).await.unwrap();
    }
    drop(first);
    setup.chain.lock().unwrap().drop_pending();
    assert_eq!(store.next_nonce(CHAIN_ID, setup.sender.address()).await.unwrap(), Some(2));

    // The node's pending nonce is 0 again; the store says 2.
    let restarted = setup.manager(GasPolicy::default(), LONG);
    let third = async |submission: &Submission| store.record_submission(deliveries[2].id, "a", submission).await;
    let new = restarted.send(Address::repeat_byte(0x42), Bytes::new(), GasLimit::Simulated, third).await.unwrap();
    assert_eq!(new.nonce, 2);
    assert!(setup.pending().is_empty(), "held back until the recorded ones are out");
    let recorded: Vec<Submission> = store
        .claim(ROUTE, None, &lease, store::now_ms(), 10)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|delivery| delivery.submission)
        .collect();
    assert_eq!(recorded.iter().map(|s| s.nonce).collect::<Vec<_>>(), [0, 1, 2]);
    for submission in &recorded[..2] {
        assert!(matches!(resolve(&restarted, submission).await, TransactionState::InFlight(Resent::Again)));
    }
    assert_eq!(setup.pending(), recorded.iter().map(|s| s.transaction).collect::<Vec<_>>());
    assert_eq!(setup.mine(), 3);
    setup.server.stop();
}

#[tokio::test]
async fn a_stuck_nonce_whose_transaction_the_node_lost_gets_the_same_bytes_again() {
    let setup = Setup::new("gap-again").await;
    let stuck_after = Duration::from_millis(100);
    let manager = setup.manager(GasPolicy::default(), stuck_after);
    let recorded = Mutex::new(Vec::new());
    let sent = send(&manager, 3, &recorded).await;
    setup.chain.lock().unwrap().drop_pending();
    // Nothing resolves nonce 0 (an attestation is not recorded); the later ones wait behind it.
    for submission in &sent[1..] {
        assert!(matches!(resolve(&manager, submission).await, TransactionState::InFlight(Resent::Nothing)));
    }
    assert_eq!(unstick(&manager, stuck_after).await, [Unstuck::Again(sent[0].transaction)]);
    let expected: Vec<B256> = sent.iter().map(|s| s.transaction).collect();
    assert_eq!(setup.pending(), expected, "the same transaction, then the held-back ones");
    mine_all(&setup, &manager, &sent.iter().collect::<Vec<_>>()).await;
    setup.server.stop();
}

#[tokio::test]
async fn a_lost_nonce_a_restarted_manager_has_no_transaction_for_is_filled_by_a_transfer_to_the_account_itself() {
    let setup = Setup::new("gap").await;
    let store = &setup.store;
    let (_, deliveries) = deliveries(store, 3).await;
    let stuck_after = Duration::from_millis(100);
    // Nonce 0 not recorded (as an attestation is not), nonce 1 recorded; then the pool is lost
    // and the messenger restarted.
    let first = setup.manager(GasPolicy::default(), stuck_after);
    send(&first, 1, &Mutex::new(Vec::new())).await;
    let recorded = send_recorded(&first, store, &deliveries[0]).await;
    drop(first);
    setup.chain.lock().unwrap().drop_pending();
    let manager = setup.manager(GasPolicy::default(), stuck_after);
    assert!(matches!(resolve(&manager, &recorded).await, TransactionState::InFlight(Resent::Nothing)));
    let next = send_recorded(&manager, store, &deliveries[1]).await;
    assert_eq!((recorded.nonce, next.nonce), (1, 2));
    assert!(setup.pending().is_empty(), "both wait for nonce 0");
    let [Unstuck::Filled(filler)] = unstick_after_restart(&manager).await[..] else { panic!("the gap is not filled") };
    assert_eq!(setup.pending(), [filler, recorded.transaction, next.transaction], "the filler, then the others");
    mine_all(&setup, &manager, &[&recorded, &next]).await;
    setup.server.stop();
}

#[tokio::test]
async fn runs_of_nonces_a_restart_lost_are_filled_in_one_look_and_the_recorded_ones_between_go_out() {
    let setup = Setup::new("gap-runs").await;
    let store = &setup.store;
    let (_, deliveries) = deliveries(store, 3).await;
    let stuck_after = Duration::from_millis(100);
    // Nonces 0, 1, 3 and 4 not recorded (attestations), 2 and 5 recorded; then the pool is lost
    // and the messenger restarted (as a killed process is).
    let first = setup.manager(GasPolicy::default(), stuck_after);
    send(&first, 2, &Mutex::new(Vec::new())).await;
    let second = send_recorded(&first, store, &deliveries[0]).await;
    send(&first, 2, &Mutex::new(Vec::new())).await;
    let fifth = send_recorded(&first, store, &deliveries[1]).await;
    drop(first);
    setup.chain.lock().unwrap().drop_pending();
    let manager = setup.manager(GasPolicy::default(), stuck_after);
    for recorded in [&second, &fifth] {
        assert!(matches!(resolve(&manager, recorded).await, TransactionState::InFlight(Resent::Nothing)));
    }
    let sixth = send_recorded(&manager, store, &deliveries[2]).await;
    assert_eq!((second.nonce, fifth.nonce, sixth.nonce), (2, 5, 6));
    assert!(setup.pending().is_empty(), "everything waits for nonce 0");
    let moved = unstick_after_restart(&manager).await;
    let fillers: Vec<B256> = moved
        .iter()
        .map(|unstuck| match unstuck {
            Unstuck::Filled(filler) => *filler,
            Unstuck::Again(again) => panic!("{again} broadcast again: this manager sent nothing at the lost nonces"),
        })
        .collect();
    assert_eq!(fillers.len(), 4, "nonces 0, 1, 3 and 4 filled in one look");
    let expected =
        [fillers[0], fillers[1], second.transaction, fillers[2], fillers[3], fifth.transaction, sixth.transaction];
    assert_eq!(setup.pending(), expected, "every nonce, in order");
    assert_eq!(setup.mine(), 7);
    for recorded in [&second, &fifth, &sixth] {
        assert!(matches!(resolve(&manager, recorded).await, TransactionState::Mined(_)));
    }
    assert_eq!(manager.fill_gap().await.unwrap(), [], "nothing open");
    setup.server.stop();
}

#[tokio::test]
async fn a_restarted_manager_with_nothing_new_to_send_fills_the_nonce_its_recorded_transactions_wait_for() {
    let setup = Setup::new("gap-idle").await;
    let store = &setup.store;
    let (_, deliveries) = deliveries(store, 1).await;
    let first = setup.manager(GasPolicy::default(), SHORT);
    send(&first, 1, &Mutex::new(Vec::new())).await;
    let recorded = send_recorded(&first, store, &deliveries[0]).await;
    drop(first);
    setup.chain.lock().unwrap().drop_pending();
    // Restarted, it only follows what it recorded: nonce 1, behind the lost nonce 0.
    let manager = setup.manager(GasPolicy::default(), SHORT);
    assert!(matches!(resolve(&manager, &recorded).await, TransactionState::InFlight(Resent::Nothing)));
    let [Unstuck::Filled(filler)] = unstick_after_restart(&manager).await[..] else { panic!("nonce 0 is not filled") };
    assert_eq!(setup.pending(), [filler, recorded.transaction]);
    assert_eq!(setup.mine(), 2);
    assert!(matches!(resolve(&manager, &recorded).await, TransactionState::Mined(_)));
    setup.server.stop();
}

#[tokio::test]
async fn a_run_longer_than_one_look_moves_goes_on_at_the_next_look() {
    let setup = Setup::new("gap-long").await;
    let store = &setup.store;
    let (_, deliveries) = deliveries(store, 2).await;
    let first = setup.manager(GasPolicy::default(), SHORT);
    let lost = MAX_MOVED_PER_LOOK + 6;
    send(&first, lost, &Mutex::new(Vec::new())).await;
    let recorded = send_recorded(&first, store, &deliveries[0]).await;
    drop(first);
    setup.chain.lock().unwrap().drop_pending();
    let manager = setup.manager(GasPolicy::default(), SHORT);
    assert!(matches!(resolve(&manager, &recorded).await, TransactionState::InFlight(Resent::Nothing)));
    let next = send_recorded(&manager, store, &deliveries[1]).await;
    assert_eq!(unstick_after_restart(&manager).await.len(), MAX_MOVED_PER_LOOK, "the first look's share");
    let rest = manager.fill_gap().await.unwrap();
    assert_eq!(rest.len(), 6, "the rest, at the next look: {rest:?}");
    assert_eq!(setup.pending().len(), lost + 2, "every nonce, the two recorded ones too");
    assert_eq!(setup.mine(), lost + 2);
    for recorded in [&recorded, &next] {
        assert!(matches!(resolve(&manager, recorded).await, TransactionState::Mined(_)));
    }
    setup.server.stop();
}

#[tokio::test]
async fn a_chain_fee_above_the_cap_sends_nothing_and_uses_no_nonce() {
    let setup = Setup::new("cap").await;
    let capped = GasPolicy { max_fee_per_gas: Some(u128::from(BASE_FEE) / 2), ..GasPolicy::default() };
    let recorded = Mutex::new(Vec::new());
    let refused = setup
        .manager(capped, LONG)
        .send(Address::repeat_byte(0x42), Bytes::new(), GasLimit::Simulated, recorder(&recorded))
        .await;
    let Err(error @ SendError::FeeAboveCap { .. }) = refused else { panic!("{refused:?}") };
    assert_eq!(error.to_string(), "the chain asks 10000000 wei per gas, above the configured cap of 5000000");
    assert!(recorded.lock().unwrap().is_empty() && setup.pending().is_empty());

    // A cap above the base fee but below the node's suggestion pays the cap.
    let cap = u128::from(BASE_FEE) * 3 / 2;
    let manager = setup.manager(GasPolicy { max_fee_per_gas: Some(cap), ..GasPolicy::default() }, LONG);
    let sent = send(&manager, 1, &recorded).await;
    assert_eq!(sent[0].nonce, 0, "the refused send used no nonce");
    assert_eq!(decode_signed(&sent[0].raw).unwrap().1.fees.max_fee_per_gas, cap);
    assert_eq!(setup.mine(), 1);
    setup.server.stop();
}
