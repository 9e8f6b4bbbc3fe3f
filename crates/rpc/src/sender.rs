//! An account that signs transactions and sends them through a node.

use std::{sync::Arc, time::Duration};

use alloy_consensus::{transaction::SignerRecoverable, TxEnvelope};
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_provider::network::{
    eip2718::{Decodable2718, Encodable2718},
    EthereumWallet, TransactionBuilder,
};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;

use crate::{Chain, ChainError, ChainExt};

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

/// What an EIP-1559 transaction offers to pay per gas, in wei.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// The most it pays per gas, base fee and tip together.
    pub max_fee_per_gas: u128,
    /// The most it tips the block's producer per gas.
    pub max_priority_fee_per_gas: u128,
}

impl Fees {
    /// These fees raised by `percent`, each by at least one wei: what a replacement offers (geth
    /// takes a replacement that raises both by at least 10%).
    pub fn bumped(self, percent: u64) -> Self {
        let raise = |fee: u128| fee.saturating_add((fee.saturating_mul(u128::from(percent)) / 100).max(1));
        Self {
            max_fee_per_gas: raise(self.max_fee_per_gas),
            max_priority_fee_per_gas: raise(self.max_priority_fee_per_gas),
        }
    }

    /// The higher of each fee of `self` and `other`.
    pub fn max(self, other: Self) -> Self {
        Self {
            max_fee_per_gas: self.max_fee_per_gas.max(other.max_fee_per_gas),
            max_priority_fee_per_gas: self.max_priority_fee_per_gas.max(other.max_priority_fee_per_gas),
        }
    }
}

/// A transaction to sign: everything but the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsigned {
    /// A call to an address, or a creation.
    pub to: TxKind,
    /// Its input.
    pub input: Bytes,
    /// The value it carries.
    pub value: U256,
    /// Its nonce.
    pub nonce: u64,
    /// Its gas limit.
    pub gas_limit: u64,
    /// Its fees.
    pub fees: Fees,
}

/// What a signed EIP-1559 transaction says: its signer, and the transaction without its
/// signature (to sign it again with other fees, as a replacement).
///
/// # Errors
/// [`ChainError::Signing`] when `raw` is not a signed EIP-1559 transaction, or its signature
/// names no signer.
pub fn decode_signed(raw: &[u8]) -> Result<(Address, Unsigned), ChainError> {
    let envelope = TxEnvelope::decode_2718(&mut &raw[..])
        .map_err(|error| ChainError::Signing(format!("not a signed transaction: {error}")))?;
    let signed = envelope.as_eip1559().ok_or_else(|| ChainError::Signing("not an EIP-1559 transaction".into()))?;
    let signer = envelope.recover_signer().map_err(|error| ChainError::Signing(error.to_string()))?;
    let transaction = signed.tx();
    let unsigned = Unsigned {
        to: transaction.to,
        input: transaction.input.clone(),
        value: transaction.value,
        nonce: transaction.nonce,
        gas_limit: transaction.gas_limit,
        fees: Fees {
            max_fee_per_gas: transaction.max_fee_per_gas,
            max_priority_fee_per_gas: transaction.max_priority_fee_per_gas,
        },
    };
    Ok((signer, unsigned))
}

/// An account that signs transactions and sends them through a chain.
#[derive(Debug, Clone)]
pub struct Sender {
    chain: Arc<dyn Chain>,
    wallet: EthereumWallet,
    address: Address,
    chain_id: u64,
    /// Gas added to the node's estimate, in percent.
    gas_margin_percent: u64,
    /// How long a transaction is waited for.
    timeout: Duration,
}

impl Sender {
    /// The account of `key` on `chain` (a [`crate::Node`], or any other [`Chain`]).
    ///
    /// # Errors
    /// [`ChainError::Rpc`] when the chain id cannot be read.
    pub async fn new(chain: impl Into<Arc<dyn Chain>>, key: PrivateKeySigner) -> Result<Self, ChainError> {
        let chain: Arc<dyn Chain> = chain.into();
        let chain_id = chain.chain_id().await?;
        let address = key.address();
        Ok(Self {
            chain,
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

    /// The chain.
    pub fn chain(&self) -> &Arc<dyn Chain> {
        &self.chain
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
    /// As [`Sender::gas_limit`], [`Sender::pending_nonce`], [`Sender::fees`] and
    /// [`Sender::sign_with`].
    pub async fn sign(&self, to: TxKind, input: Bytes, value: U256) -> Result<SignedTransaction, ChainError> {
        let gas_limit = self.gas_limit(to, &input, value).await?;
        let nonce = self.pending_nonce().await?;
        let fees = self.fees().await?;
        self.sign_with(Unsigned { to, input, value, nonce, gas_limit, fees }).await
    }

    /// Simulates a transaction to `to` with `input` and `value` (`eth_estimateGas`): the gas
    /// limit to give it, the node's estimate plus a margin.
    ///
    /// # Errors
    /// [`ChainError::Revert`] when the simulation reverts, [`ChainError::Rpc`].
    pub async fn gas_limit(&self, to: TxKind, input: &Bytes, value: U256) -> Result<u64, ChainError> {
        let request = TransactionRequest::default()
            .with_from(self.address)
            .with_kind(to)
            .with_input(input.clone())
            .with_value(value);
        let estimate = self.chain.estimate_gas(&request).await?;
        Ok(estimate.saturating_mul(100 + self.gas_margin_percent) / 100)
    }

    /// Simulates a transaction to `to` with `input` and `value` at `gas_limit` (`eth_call` at the
    /// latest block): `Ok` when it succeeds within that gas.
    ///
    /// # Errors
    /// [`ChainError::Revert`] when it reverts or runs out of gas, [`ChainError::Rpc`].
    pub async fn simulate(&self, to: TxKind, input: &Bytes, value: U256, gas_limit: u64) -> Result<(), ChainError> {
        let request = TransactionRequest::default()
            .with_from(self.address)
            .with_kind(to)
            .with_input(input.clone())
            .with_value(value)
            .with_gas_limit(gas_limit);
        self.chain.call(&request).await.map(drop)
    }

    /// The nonce the account's next transaction takes, counting those waiting in the node's pool.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn pending_nonce(&self) -> Result<u64, ChainError> {
        self.chain.pending_nonce(self.address).await
    }

    /// The fees the node suggests for a transaction now (`eth_feeHistory`).
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn fees(&self) -> Result<Fees, ChainError> {
        self.chain.suggested_fees().await
    }

    /// The account's balance at the latest block, in wei.
    ///
    /// # Errors
    /// [`ChainError::Rpc`].
    pub async fn balance(&self) -> Result<U256, ChainError> {
        self.chain.balance(self.address).await
    }

    /// Signs `transaction` (an EIP-1559 transaction on the node's chain) without asking the node
    /// anything.
    ///
    /// # Errors
    /// [`ChainError::Signing`].
    pub async fn sign_with(&self, transaction: Unsigned) -> Result<SignedTransaction, ChainError> {
        let Unsigned { to, input, value, nonce, gas_limit, fees } = transaction;
        let request = TransactionRequest::default()
            .with_from(self.address)
            .with_kind(to)
            .with_input(input)
            .with_value(value)
            .with_chain_id(self.chain_id)
            .with_nonce(nonce)
            .with_gas_limit(gas_limit)
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
        self.chain.send_raw(&transaction.raw).await
    }

    /// Waits for `transaction` (at most the sender's timeout); its receipt, whatever its status.
    ///
    /// # Errors
    /// As [`ChainExt::wait`].
    pub async fn wait(&self, transaction: B256) -> Result<TransactionReceipt, ChainError> {
        self.chain.wait(transaction, self.timeout).await
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
