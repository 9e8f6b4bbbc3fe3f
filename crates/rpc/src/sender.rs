//! An account that signs transactions and sends them through a node.

use std::time::Duration;

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_provider::{
    network::{eip2718::Encodable2718, EthereumWallet, TransactionBuilder},
    Provider,
};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;

use crate::{ChainError, Node};

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
