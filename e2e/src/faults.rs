//! A chain that fails on purpose: [`FaultyChain`] stands in front of a real one (a node) and,
//! on a fixed schedule, makes a request fail before it reaches the node, loses the answer of one
//! that did (a transaction broadcast whose sender hears an error), drops a broadcast without
//! telling (the pool forgot it), or answers an old head. The messenger takes it through
//! [`mos_messenger::Messenger::connect_through`]; every fault is counted, so a test can show the
//! faults happened.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_rpc_types_eth::{Filter, Log, TransactionReceipt, TransactionRequest};
use alloy_transport::TransportErrorKind;
use mos_messenger::{Chain, ChainError};
use mos_rpc::Fees;
use serde_json::Value;

/// What a [`FaultyChain`] does, as "one request in `n`" for each fault (0: never).
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultSchedule {
    /// A request fails before it reaches the node (a connection reset).
    pub fail_one_in: u64,
    /// A request reaches the node, and its answer is lost (for a broadcast: the transaction is
    /// in the pool, and the sender hears an error).
    pub lose_answer_one_in: u64,
    /// A broadcast (counted apart from the other requests) is answered as accepted and never
    /// reaches the node.
    pub drop_broadcast_one_in: u64,
    /// `eth_blockNumber` answers a head this many blocks old, every other time it is asked.
    pub stale_head_by: u64,
}

/// How many faults a [`FaultyChain`] injected, by kind.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// Requests failed before the node.
    pub failed: AtomicU64,
    /// Answers lost after the node.
    pub lost_answers: AtomicU64,
    /// Broadcasts dropped.
    pub dropped_broadcasts: AtomicU64,
    /// Old heads answered.
    pub stale_heads: AtomicU64,
}

/// A chain in front of `inner` that injects the faults of its schedule. See the module.
#[derive(Debug)]
pub struct FaultyChain {
    inner: Arc<dyn Chain>,
    schedule: FaultSchedule,
    requests: AtomicU64,
    broadcasts: AtomicU64,
    heads: AtomicU64,
    counts: Arc<FaultCounts>,
}

/// What happens to one request.
enum Fate {
    Fail,
    LoseAnswer,
    Pass,
}

impl FaultyChain {
    /// `inner` behind the faults of `schedule`, counted into `counts`.
    pub fn new(inner: Arc<dyn Chain>, schedule: FaultSchedule, counts: Arc<FaultCounts>) -> Self {
        let [requests, broadcasts, heads] = [(); 3].map(|()| AtomicU64::new(0));
        Self { inner, schedule, requests, broadcasts, heads, counts }
    }

    /// The next number of `counter`, from one.
    fn next(counter: &AtomicU64) -> u64 {
        counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Whether request `n` falls on a one-in-`every` fault.
    fn falls(n: u64, every: u64) -> bool {
        every != 0 && n.is_multiple_of(every)
    }

    /// The fate of the next request.
    fn fate(&self) -> Fate {
        let n = Self::next(&self.requests);
        if Self::falls(n, self.schedule.fail_one_in) {
            self.counts.failed.fetch_add(1, Ordering::Relaxed);
            Fate::Fail
        } else if Self::falls(n, self.schedule.lose_answer_one_in) {
            self.counts.lost_answers.fetch_add(1, Ordering::Relaxed);
            Fate::LoseAnswer
        } else {
            Fate::Pass
        }
    }

    /// Runs `request` on the inner chain unless its fate says otherwise.
    async fn faulty<T>(
        &self,
        method: &'static str,
        request: impl std::future::Future<Output = Result<T, ChainError>>,
    ) -> Result<T, ChainError> {
        match self.fate() {
            Fate::Fail => Err(injected(method, "connection reset before the request reached the node")),
            Fate::LoseAnswer => {
                let _ = request.await;
                Err(injected(method, "the node's answer was lost"))
            }
            Fate::Pass => request.await,
        }
    }
}

/// The error a node's transport gives for an injected fault.
fn injected(method: &'static str, what: &str) -> ChainError {
    ChainError::Rpc { method, source: TransportErrorKind::custom_str(&format!("injected fault: {what}")) }
}

#[async_trait::async_trait]
impl Chain for FaultyChain {
    fn url(&self) -> &str {
        self.inner.url()
    }

    fn poll_interval(&self) -> Duration {
        self.inner.poll_interval()
    }

    async fn chain_id(&self) -> Result<u64, ChainError> {
        // Asked once, when the messenger connects: a failure there is not what is tested.
        self.inner.chain_id().await
    }

    async fn block_number(&self) -> Result<u64, ChainError> {
        let head = self.faulty("eth_blockNumber", self.inner.block_number()).await?;
        if self.schedule.stale_head_by > 0 && Self::next(&self.heads).is_multiple_of(2) {
            self.counts.stale_heads.fetch_add(1, Ordering::Relaxed);
            return Ok(head.saturating_sub(self.schedule.stale_head_by));
        }
        Ok(head)
    }

    async fn base_fee(&self) -> Result<u64, ChainError> {
        self.faulty("eth_getBlockByNumber", self.inner.base_fee()).await
    }

    async fn suggested_fees(&self) -> Result<Fees, ChainError> {
        self.faulty("eth_feeHistory", self.inner.suggested_fees()).await
    }

    async fn balance(&self, account: Address) -> Result<U256, ChainError> {
        self.faulty("eth_getBalance", self.inner.balance(account)).await
    }

    async fn mined_nonce(&self, account: Address) -> Result<u64, ChainError> {
        self.faulty("eth_getTransactionCount", self.inner.mined_nonce(account)).await
    }

    async fn pending_nonce(&self, account: Address) -> Result<u64, ChainError> {
        self.faulty("eth_getTransactionCount", self.inner.pending_nonce(account)).await
    }

    async fn holds(&self, transaction: B256) -> Result<bool, ChainError> {
        self.faulty("eth_getTransactionByHash", self.inner.holds(transaction)).await
    }

    async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, ChainError> {
        self.faulty("eth_getLogs", self.inner.logs(filter)).await
    }

    async fn receipt(&self, transaction: B256) -> Result<Option<TransactionReceipt>, ChainError> {
        self.faulty("eth_getTransactionReceipt", self.inner.receipt(transaction)).await
    }

    async fn call(&self, request: &TransactionRequest) -> Result<Bytes, ChainError> {
        self.faulty("eth_call", self.inner.call(request)).await
    }

    async fn estimate_gas(&self, request: &TransactionRequest) -> Result<u64, ChainError> {
        self.faulty("eth_estimateGas", self.inner.estimate_gas(request)).await
    }

    async fn send_raw(&self, raw: &Bytes) -> Result<(), ChainError> {
        if Self::falls(Self::next(&self.broadcasts), self.schedule.drop_broadcast_one_in) {
            self.counts.dropped_broadcasts.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        self.faulty("eth_sendRawTransaction", self.inner.send_raw(raw)).await
    }

    async fn request(&self, method: &'static str, params: Value) -> Result<Value, ChainError> {
        self.faulty(method, self.inner.request(method, params)).await
    }
}
