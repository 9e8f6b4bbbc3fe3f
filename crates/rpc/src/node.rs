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

    /// The node at `url`, telling `observer` of every request made to it.
    ///
    /// # Errors
    /// [`UrlError`] when `url` is not an `http://` or `https://` URL.
    pub fn connect_observed(url: &str, observer: Arc<dyn RpcObserver>) -> Result<Self, UrlError> {
        let client = ClientBuilder::default().layer(ObserveLayer { observer }).hyper_http(endpoint(url)?);
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
