//! A chain's JSON-RPC node.

use std::{sync::Arc, time::Duration};

use alloy_primitives::{Address, B256, U256};
use alloy_provider::{network::TransactionBuilder, Provider, ProviderBuilder, RootProvider};
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, Log, TransactionReceipt, TransactionRequest};
use alloy_sol_types::SolCall;

use alloy_rpc_client::ClientBuilder;

use crate::{
    endpoint,
    observe::{ObserveLayer, RpcObserver},
    ChainError, UrlError,
};

/// A chain's JSON-RPC node.
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

    /// The URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The alloy provider, for what this type does not wrap (the proof builder takes it).
    pub fn provider(&self) -> &RootProvider {
        &self.provider
    }

    /// The chain id the node serves.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn chain_id(&self) -> Result<u64, ChainError> {
        self.provider.get_chain_id().await.map_err(ChainError::rpc("eth_chainId"))
    }

    /// The balance of `account` at the latest block, in wei.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn balance(&self, account: Address) -> Result<U256, ChainError> {
        self.provider.get_balance(account).await.map_err(ChainError::rpc("eth_getBalance"))
    }

    /// The latest block's number.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn block_number(&self) -> Result<u64, ChainError> {
        self.provider.get_block_number().await.map_err(ChainError::rpc("eth_blockNumber"))
    }

    /// The base fee of the latest block, in wei (zero before EIP-1559).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn base_fee(&self) -> Result<u64, ChainError> {
        let block = self.provider.get_block_by_number(BlockNumberOrTag::Latest).await;
        let block = block.map_err(ChainError::rpc("eth_getBlockByNumber"))?;
        Ok(block.and_then(|block| block.header.base_fee_per_gas).unwrap_or_default())
    }

    /// How many transactions of `account` are mined: the nonce its next transaction takes once
    /// every pending one is mined.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn mined_nonce(&self, account: Address) -> Result<u64, ChainError> {
        self.provider.get_transaction_count(account).latest().await.map_err(ChainError::rpc("eth_getTransactionCount"))
    }

    /// Whether the node knows `transaction` (mined, or waiting in its pool).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn holds(&self, transaction: B256) -> Result<bool, ChainError> {
        let found = self.provider.get_transaction_by_hash(transaction).await;
        Ok(found.map_err(ChainError::rpc("eth_getTransactionByHash"))?.is_some())
    }

    /// The logs `filter` selects.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, ChainError> {
        self.provider.get_logs(filter).await.map_err(ChainError::rpc("eth_getLogs"))
    }

    /// The receipt of `transaction`, if it is mined.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn receipt(&self, transaction: B256) -> Result<Option<TransactionReceipt>, ChainError> {
        self.provider.get_transaction_receipt(transaction).await.map_err(ChainError::rpc("eth_getTransactionReceipt"))
    }

    /// Calls `call` on `to` (an `eth_call` at the latest block) and decodes the answer.
    ///
    /// # Errors
    /// [`ChainError::Revert`] when it reverts, [`ChainError::Undecodable`] when the answer is not
    /// the function's return type, [`ChainError::Rpc`].
    pub async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, ChainError> {
        let request = TransactionRequest::default().with_to(to).with_input(call.abi_encode());
        let returned =
            self.provider.call(request).await.map_err(|source| ChainError::from_answer("eth_call", source))?;
        C::abi_decode_returns(&returned).map_err(|_| ChainError::Undecodable { call: C::SIGNATURE, returned })
    }

    /// Waits until `transaction` is mined, for at most `timeout`; its receipt, whatever its status.
    ///
    /// # Errors
    /// [`ChainError::Unconfirmed`] after `timeout`, [`ChainError::Rpc`].
    pub async fn wait(&self, transaction: B256, timeout: Duration) -> Result<TransactionReceipt, ChainError> {
        let started = tokio::time::Instant::now();
        // A dev chain mines at once: ask soon, then back off to the poll interval.
        let mut pause = Duration::from_millis(20).min(self.poll_interval);
        loop {
            if let Some(receipt) = self.receipt(transaction).await? {
                return Ok(receipt);
            }
            if started.elapsed() >= timeout {
                return Err(ChainError::Unconfirmed { transaction, waited: timeout });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(self.poll_interval);
        }
    }
}
