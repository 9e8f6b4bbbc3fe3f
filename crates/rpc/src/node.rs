//! A chain's JSON-RPC node.

use std::{sync::Arc, time::Duration};

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use alloy_rpc_client::ClientBuilder;
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, Log, TransactionReceipt, TransactionRequest};
use serde_json::Value;

use crate::{
    endpoint,
    observe::{ObserveLayer, RpcObserver},
    timeout::TimeoutLayer,
    Chain, ChainError, Fees, UrlError,
};

/// A chain's JSON-RPC node: the [`Chain`] the MOS tools use.
#[derive(Debug, Clone)]
pub struct Node {
    url: String,
    provider: RootProvider,
    poll_interval: Duration,
}

impl Node {
    /// The node at `url` (`http://` or `https://`).
    ///
    /// # Errors
    /// [`UrlError`] when `url` is not an `http://` or `https://` URL.
    pub fn connect(url: &str) -> Result<Self, UrlError> {
        let provider = ProviderBuilder::default().connect_hyper_http(endpoint(url)?);
        Ok(Self { url: url.into(), provider, poll_interval: Duration::from_millis(500) })
    }

    /// The node at `url`, telling `observer` of every request made to it, each failing when not
    /// answered within `request_timeout` (what a long-running caller needs: a node that takes a
    /// request and never answers would hold it forever; the observer counts it as failed).
    ///
    /// # Errors
    /// [`UrlError`] when `url` is not an `http://` or `https://` URL.
    pub fn connect_observed(
        url: &str,
        observer: Arc<dyn RpcObserver>,
        request_timeout: Duration,
    ) -> Result<Self, UrlError> {
        let client = ClientBuilder::default()
            .layer(ObserveLayer { observer })
            .layer(TimeoutLayer { timeout: request_timeout })
            .hyper_http(endpoint(url)?);
        let provider = ProviderBuilder::default().connect_client(client);
        Ok(Self { url: url.into(), provider, poll_interval: Duration::from_millis(500) })
    }

    /// The same node, polled at `interval` while waiting for a transaction.
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The alloy provider, for what [`Chain`] does not cover.
    pub fn provider(&self) -> &RootProvider {
        &self.provider
    }
}

impl From<Node> for Arc<dyn Chain> {
    fn from(node: Node) -> Self {
        Arc::new(node)
    }
}

#[async_trait::async_trait]
impl Chain for Node {
    fn url(&self) -> &str {
        &self.url
    }

    fn poll_interval(&self) -> Duration {
        self.poll_interval
    }

    async fn chain_id(&self) -> Result<u64, ChainError> {
        self.provider.get_chain_id().await.map_err(ChainError::rpc("eth_chainId"))
    }

    async fn block_number(&self) -> Result<u64, ChainError> {
        self.provider.get_block_number().await.map_err(ChainError::rpc("eth_blockNumber"))
    }

    async fn base_fee(&self) -> Result<u64, ChainError> {
        let block = self.provider.get_block_by_number(BlockNumberOrTag::Latest).await;
        let block = block.map_err(ChainError::rpc("eth_getBlockByNumber"))?;
        Ok(block.and_then(|block| block.header.base_fee_per_gas).unwrap_or_default())
    }

    async fn suggested_fees(&self) -> Result<Fees, ChainError> {
        let fees = self.provider.estimate_eip1559_fees().await.map_err(ChainError::rpc("eth_feeHistory"))?;
        Ok(Fees { max_fee_per_gas: fees.max_fee_per_gas, max_priority_fee_per_gas: fees.max_priority_fee_per_gas })
    }

    async fn balance(&self, account: Address) -> Result<U256, ChainError> {
        self.provider.get_balance(account).await.map_err(ChainError::rpc("eth_getBalance"))
    }

    async fn mined_nonce(&self, account: Address) -> Result<u64, ChainError> {
        self.provider.get_transaction_count(account).latest().await.map_err(ChainError::rpc("eth_getTransactionCount"))
    }

    async fn pending_nonce(&self, account: Address) -> Result<u64, ChainError> {
        self.provider.get_transaction_count(account).pending().await.map_err(ChainError::rpc("eth_getTransactionCount"))
    }

    async fn holds(&self, transaction: B256) -> Result<bool, ChainError> {
        let found = self.provider.get_transaction_by_hash(transaction).await;
        Ok(found.map_err(ChainError::rpc("eth_getTransactionByHash"))?.is_some())
    }

    async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, ChainError> {
        self.provider.get_logs(filter).await.map_err(ChainError::rpc("eth_getLogs"))
    }

    async fn receipt(&self, transaction: B256) -> Result<Option<TransactionReceipt>, ChainError> {
        self.provider.get_transaction_receipt(transaction).await.map_err(ChainError::rpc("eth_getTransactionReceipt"))
    }

    async fn call(&self, request: &TransactionRequest) -> Result<Bytes, ChainError> {
        self.provider.call(request.clone()).await.map_err(|source| ChainError::from_answer("eth_call", source))
    }

    async fn estimate_gas(&self, request: &TransactionRequest) -> Result<u64, ChainError> {
        let estimate = self.provider.estimate_gas(request.clone()).await;
        estimate.map_err(|source| ChainError::from_answer("eth_estimateGas", source))
    }

    async fn send_raw(&self, raw: &Bytes) -> Result<(), ChainError> {
        let sent = self.provider.send_raw_transaction(raw).await;
        sent.map(drop).map_err(ChainError::rpc("eth_sendRawTransaction"))
    }

    async fn request(&self, method: &'static str, params: Value) -> Result<Value, ChainError> {
        self.provider.raw_request(method.into(), params).await.map_err(ChainError::rpc(method))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use crate::RpcOutcome;

    use super::*;

    #[derive(Debug, Default)]
    struct Outcomes(Mutex<Vec<(String, RpcOutcome)>>);

    impl RpcObserver for Outcomes {
        fn observe(&self, method: &str, outcome: RpcOutcome, _: Duration) {
            self.0.lock().unwrap().push((method.to_owned(), outcome));
        }
    }

    #[tokio::test]
    async fn a_request_never_answered_fails_after_the_timeout_and_is_observed_as_failed() {
        // A server that takes connections and reads requests, and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let silent = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let outcomes = Arc::new(Outcomes::default());
        let node = Node::connect_observed(&url, outcomes.clone(), Duration::from_millis(300)).unwrap();
        let started = std::time::Instant::now();
        let failed = node.block_number().await.unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
        assert!(failed.to_string().contains("no answer within 300 ms"), "{failed}");
        assert_eq!(*outcomes.0.lock().unwrap(), [("eth_blockNumber".to_owned(), RpcOutcome::Failed)]);
        silent.abort();
    }
}
