//! What the MOS tools need of a chain, as one trait: [`Chain`]. [`crate::Node`] is its JSON-RPC
//! implementation; a test can put another in its place (a chain that fails, stalls or lies) and
//! everything built on it (a [`crate::Sender`], the proof builder, the messenger) goes through it.

use std::{fmt, future::Future, time::Duration};

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_rpc_types_eth::{Filter, Log, TransactionReceipt, TransactionRequest};
use alloy_sol_types::SolCall;
use serde_json::Value;

use crate::{ChainError, Fees};

/// What the MOS tools need of a chain: its head and fees, accounts' balances and nonces, logs,
/// receipts, calls and gas estimates, broadcasting signed transactions, and the raw JSON-RPC
/// requests that read blocks and receipts in the node's own encoding (the proof builder's).
///
/// Every method names the JSON-RPC method it stands for; an implementation that is not a node
/// fails with the [`ChainError`] a node would give.
#[async_trait::async_trait]
pub trait Chain: fmt::Debug + Send + Sync {
    /// Where the chain is reached, for messages (a node's URL).
    fn url(&self) -> &str;

    /// How often a transaction's receipt is asked for while waiting for it.
    fn poll_interval(&self) -> Duration;

    /// The chain id (`eth_chainId`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn chain_id(&self) -> Result<u64, ChainError>;

    /// The latest block's number (`eth_blockNumber`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn block_number(&self) -> Result<u64, ChainError>;

    /// The base fee of the latest block, in wei; zero before EIP-1559 (`eth_getBlockByNumber`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn base_fee(&self) -> Result<u64, ChainError>;

    /// The fees the chain suggests for a transaction now (`eth_feeHistory`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn suggested_fees(&self) -> Result<Fees, ChainError>;

    /// The balance of `account` at the latest block, in wei (`eth_getBalance`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn balance(&self, account: Address) -> Result<U256, ChainError>;

    /// How many transactions of `account` are mined: the nonce its next transaction takes once
    /// every pending one is mined (`eth_getTransactionCount` at `latest`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn mined_nonce(&self, account: Address) -> Result<u64, ChainError>;

    /// The nonce the next transaction of `account` takes, counting those waiting in the pool
    /// (`eth_getTransactionCount` at `pending`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn pending_nonce(&self, account: Address) -> Result<u64, ChainError>;

    /// Whether the chain knows `transaction`, mined or waiting in the pool
    /// (`eth_getTransactionByHash`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn holds(&self, transaction: B256) -> Result<bool, ChainError>;

    /// The logs `filter` selects (`eth_getLogs`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, ChainError>;

    /// The receipt of `transaction`, if it is mined (`eth_getTransactionReceipt`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    async fn receipt(&self, transaction: B256) -> Result<Option<TransactionReceipt>, ChainError>;

    /// What `request` returns at the latest block (`eth_call`).
    ///
    /// # Errors
    /// [`ChainError::Revert`] when it reverts or runs out of gas, [`ChainError::Rpc`].
    async fn call(&self, request: &TransactionRequest) -> Result<Bytes, ChainError>;

    /// The gas `request` takes (`eth_estimateGas`).
    ///
    /// # Errors
    /// [`ChainError::Revert`] when it reverts, [`ChainError::Rpc`].
    async fn estimate_gas(&self, request: &TransactionRequest) -> Result<u64, ChainError>;

    /// Broadcasts a signed transaction, EIP-2718 encoded (`eth_sendRawTransaction`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`] when the chain refuses it ([`ChainError::refusal`] says why in the
    /// ways geth words it), a transaction it already holds included.
    async fn send_raw(&self, raw: &Bytes) -> Result<(), ChainError>;

    /// Any other JSON-RPC request, its answer as JSON: what reads blocks and receipts as the node
    /// encodes them (a Nitro block's ArbOS transaction types included).
    ///
    /// # Errors
    /// [`ChainError::Rpc`] naming `method`.
    async fn request(&self, method: &'static str, params: Value) -> Result<Value, ChainError>;
}

/// What every [`Chain`] can do with its methods: a typed view call, and waiting for a transaction.
pub trait ChainExt: Chain {
    /// Calls `call` on `to` at the latest block and decodes the answer.
    ///
    /// # Errors
    /// [`ChainError::Revert`] when it reverts, [`ChainError::Undecodable`] when the answer is not
    /// the function's return type, [`ChainError::Rpc`].
    fn view<'a, C>(
        &'a self,
        to: Address,
        call: &'a C,
    ) -> impl Future<Output = Result<C::Return, ChainError>> + Send + 'a
    where
        C: SolCall + Sync,
    {
        async move {
            let request = TransactionRequest::default().to(to).input(call.abi_encode().into());
            let returned = self.call(&request).await?;
            C::abi_decode_returns(&returned).map_err(|_| ChainError::Undecodable { call: C::SIGNATURE, returned })
        }
    }

    /// Waits until `transaction` is mined, for at most `timeout`; its receipt, whatever its status.
    /// A request that fails is a look missed, not the end of the wait: the last failure is
    /// returned only when the time is up.
    ///
    /// # Errors
    /// [`ChainError::Unconfirmed`] after `timeout`, or the last [`ChainError::Rpc`] when the
    /// last look failed.
    fn wait(
        &self,
        transaction: B256,
        timeout: Duration,
    ) -> impl Future<Output = Result<TransactionReceipt, ChainError>> + Send + '_ {
        async move {
            let started = tokio::time::Instant::now();
            // A dev chain mines at once: ask soon, then back off to the poll interval.
            let mut pause = Duration::from_millis(20).min(self.poll_interval());
            loop {
                let looked = self.receipt(transaction).await;
                if let Ok(Some(receipt)) = looked {
                    return Ok(receipt);
                }
                if started.elapsed() >= timeout {
                    return Err(looked.err().unwrap_or(ChainError::Unconfirmed { transaction, waited: timeout }));
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(self.poll_interval());
            }
        }
    }
}

impl<T: Chain + ?Sized> ChainExt for T {}
