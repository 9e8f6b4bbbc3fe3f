//! A chain's JSON-RPC node ([`Node`]), and an account that signs and sends transactions through it
//! ([`Sender`]).
//!
//! A [`Sender`] signs each transaction itself, so that the caller holds the signed bytes and the
//! hash before anything is broadcast: the messenger records them first, and a messenger restarted
//! after a crash can look the transaction up, or broadcast the very same bytes again, instead of
//! sending a second one.

use std::time::Duration;

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_provider::{
    network::{eip2718::Encodable2718, EthereumWallet, TransactionBuilder},
    transport::TransportError,
    Provider, ProviderBuilder, RootProvider,
};
use alloy_rpc_types_eth::{Filter, Log, TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolError};

/// Why a request, a call or a transaction failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// A request failed: the node is unreachable, refused it, or answered something unreadable.
    #[error("{method} failed: {source}")]
    Rpc {
        /// The JSON-RPC method.
        method: &'static str,
        /// What the transport or the node reported.
        #[source]
        source: TransportError,
    },
    /// The call reverts (for a transaction: its simulation does, so nothing was sent).
    #[error("reverts: {reason}")]
    Revert {
        /// `Error(string)`'s string, a panic's meaning, or the revert data in hex.
        reason: String,
        /// The revert data.
        data: Bytes,
    },
    /// The transaction was mined and failed (out of gas, or the state changed since it was
    /// simulated).
    #[error("transaction {transaction} failed in block {block}")]
    Failed {
        /// The transaction.
        transaction: B256,
        /// Its block.
        block: u64,
    },
    /// The transaction was not mined in time.
    #[error("transaction {transaction} was not mined within {waited:?}")]
    Unconfirmed {
        /// The transaction.
        transaction: B256,
        /// How long it was waited for.
        waited: Duration,
    },
    /// A call answered bytes that are not its return type.
    #[error("{call} answered {returned}, which is not what it returns")]
    Undecodable {
        /// The function's signature.
        call: &'static str,
        /// What came back.
        returned: Bytes,
    },
    /// The transaction could not be signed.
    #[error("cannot sign the transaction: {0}")]
    Signing(String),
}

impl ChainError {
    fn rpc(method: &'static str) -> impl FnOnce(TransportError) -> Self {
        move |source| Self::Rpc { method, source }
    }

    /// A node's error answer: a revert when the node says so, otherwise a failed request.
    fn from_answer(method: &'static str, source: TransportError) -> Self {
        match source.as_error_resp() {
            Some(payload) if payload.code == 3 || payload.message.contains("revert") => {
                let data = payload.as_revert_data().unwrap_or_default();
                let reason = if data.is_empty() { payload.message.to_string() } else { revert_reason(&data) };
                Self::Revert { reason, data }
            }
            _ => Self::Rpc { method, source },
        }
    }
}

/// Revert data as a person reads it: `Error(string)`'s string exactly (what the MOS's revert
/// strings are matched against), a panic's meaning, or the data.
pub fn revert_reason(data: &[u8]) -> String {
    if data.is_empty() {
        return "reverted without a reason".into();
    }
    if let Ok(revert) = alloy_sol_types::Revert::abi_decode(data) {
        return revert.reason;
    }
    if let Ok(panic) = alloy_sol_types::Panic::abi_decode(data) {
        return panic.kind().map_or_else(|| format!("panic {}", panic.code), |kind| format!("panic: {kind}"));
    }
    format!("reverted with {}", Bytes::copy_from_slice(data))
}

/// A chain's JSON-RPC node.
#[derive(Debug, Clone)]
pub struct Node {
    url: String,
    provider: RootProvider,
    poll_interval: Duration,
}

/// Why a node URL is not usable.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {message}")]
pub struct UrlError {
    /// The URL given.
    pub url: String,
    /// What is wrong with it.
    pub message: String,
}

/// `url` parsed as the transport's URL, which must be `http://` or `https://` (what the transport
/// speaks); anything else is refused here rather than at the first request.
///
/// # Errors
/// [`UrlError`] for another scheme or text that is not a URL.
pub fn endpoint<U>(url: &str) -> Result<U, UrlError>
where
    U: std::str::FromStr,
    U::Err: std::fmt::Display,
{
    let scheme = url.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(UrlError { url: url.into(), message: "only http:// and https:// endpoints are supported".into() });
    }
    url.parse().map_err(|e| UrlError { url: url.into(), message: format!("not a URL: {e}") })
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

    /// The latest block's number.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn block_number(&self) -> Result<u64, ChainError> {
        self.provider.get_block_number().await.map_err(ChainError::rpc("eth_blockNumber"))
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

/// A signed transaction, not necessarily broadcast yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    /// Its hash.
    pub hash: B256,
    /// Its EIP-2718 encoding: what `eth_sendRawTransaction` takes.
    pub raw: Bytes,
    /// Its nonce.
    pub nonce: u64,
}

/// An account that signs transactions and sends them through a node.
#[derive(Debug, Clone)]
pub struct Sender {
    node: Node,
    wallet: EthereumWallet,
    address: Address,
    chain_id: u64,
    /// Gas added to the node's estimate, in percent.
    gas_margin_percent: u64,
    /// How long a transaction is waited for.
    timeout: Duration,
}

impl Sender {
    /// The account of `key` on the chain `node` serves.
    ///
    /// # Errors
    /// [`ChainError::Rpc`] when the node's chain id cannot be read.
    pub async fn new(node: Node, key: PrivateKeySigner) -> Result<Self, ChainError> {
        let chain_id = node.chain_id().await?;
        let address = key.address();
        Ok(Self {
            node,
            wallet: EthereumWallet::from(key),
            address,
            chain_id,
            gas_margin_percent: 25,
            timeout: Duration::from_secs(120),
        })
    }

    /// The same account, waiting at most `timeout` for each transaction.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The account's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The node.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// Simulates a transaction to `to` (a call, or a creation) with `input` and `value`, and signs
    /// it with the next nonce, the node's gas estimate plus a margin, and the node's EIP-1559 fees.
    /// Nothing is broadcast.
    ///
    /// # Errors
    /// [`ChainError::Revert`] when the simulation reverts (the node's estimate fails with a
    /// revert), [`ChainError::Rpc`], [`ChainError::Signing`].
    pub async fn sign(&self, to: TxKind, input: Bytes, value: U256) -> Result<SignedTransaction, ChainError> {
        let provider = self.node.provider();
        let mut request =
            TransactionRequest::default().with_from(self.address).with_kind(to).with_input(input).with_value(value);
        let estimate = provider
            .estimate_gas(request.clone())
            .await
            .map_err(|source| ChainError::from_answer("eth_estimateGas", source))?;
        let nonce = provider
            .get_transaction_count(self.address)
            .pending()
            .await
            .map_err(ChainError::rpc("eth_getTransactionCount"))?;
        let fees = provider.estimate_eip1559_fees().await.map_err(ChainError::rpc("eth_feeHistory"))?;
        request = request
            .with_chain_id(self.chain_id)
            .with_nonce(nonce)
            .with_gas_limit(estimate.saturating_mul(100 + self.gas_margin_percent) / 100)
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let envelope = request.build(&self.wallet).await.map_err(|e| ChainError::Signing(e.to_string()))?;
        Ok(SignedTransaction { hash: *envelope.tx_hash(), raw: envelope.encoded_2718().into(), nonce })
    }

    /// Broadcasts a signed transaction.
    ///
    /// # Errors
    /// [`ChainError::Rpc`] when the node refuses it (a transaction it already holds included).
    pub async fn broadcast(&self, transaction: &SignedTransaction) -> Result<(), ChainError> {
        self.node
            .provider()
            .send_raw_transaction(&transaction.raw)
            .await
            .map(drop)
            .map_err(ChainError::rpc("eth_sendRawTransaction"))
    }

    /// Waits for `transaction` (at most the sender's timeout); its receipt, whatever its status.
    ///
    /// # Errors
    /// As [`Node::wait`].
    pub async fn wait(&self, transaction: B256) -> Result<TransactionReceipt, ChainError> {
        self.node.wait(transaction, self.timeout).await
    }

    /// Signs, broadcasts and waits for a transaction that must succeed.
    ///
    /// # Errors
    /// As [`Sender::sign`], [`Sender::broadcast`] and [`Sender::wait`]; [`ChainError::Failed`] when
    /// it is mined and fails.
    pub async fn send(&self, to: TxKind, input: Bytes, value: U256) -> Result<TransactionReceipt, ChainError> {
        let transaction = self.sign(to, input, value).await?;
        self.broadcast(&transaction).await?;
        let receipt = self.wait(transaction.hash).await?;
        if !receipt.status() {
            return Err(ChainError::Failed {
                transaction: transaction.hash,
                block: receipt.block_number.unwrap_or_default(),
            });
        }
        Ok(receipt)
    }

    /// Sends `call` to `to` and requires success.
    ///
    /// # Errors
    /// As [`Sender::send`].
    pub async fn call<C: SolCall>(&self, to: Address, call: &C) -> Result<TransactionReceipt, ChainError> {
        self.send(TxKind::Call(to), call.abi_encode().into(), U256::ZERO).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_endpoints_are_accepted() {
        assert!(Node::connect("http://127.0.0.1:8547").is_ok());
        assert!(Node::connect("HTTP://localhost:8547").is_ok());
        assert!(Node::connect("https://arb1.example").is_ok());
        assert_eq!(
            Node::connect("ws://arb1.example").unwrap_err().to_string(),
            "ws://arb1.example: only http:// and https:// endpoints are supported"
        );
        assert_eq!(
            Node::connect("127.0.0.1:8547").unwrap_err().to_string(),
            "127.0.0.1:8547: only http:// and https:// endpoints are supported"
        );
        assert!(Node::connect("http://").unwrap_err().to_string().starts_with("http://: not a URL"));
    }

    #[test]
    fn revert_reasons_read_as_people_write_them() {
        let error = alloy_sol_types::Revert::from("MOSV3: Order exist");
        assert_eq!(revert_reason(&error.abi_encode()), "MOSV3: Order exist");
        let panic = alloy_sol_types::Panic::from(alloy_sol_types::PanicKind::DivisionByZero);
        assert_eq!(revert_reason(&panic.abi_encode()), "panic: division or modulo by zero");
        assert_eq!(revert_reason(&[]), "reverted without a reason");
        assert_eq!(revert_reason(&[0xde, 0xad]), "reverted with 0xdead");
    }
}
