//! Transactions: decoding, signature recovery, the checks a node makes before executing one, and
//! intrinsic gas. Error messages are geth's, so that tools matching on them keep working.

use alloy_consensus::{transaction::SignerRecoverable, Transaction, TxEnvelope};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};

use crate::{config::ChainConfig, state::WorldState};

/// EIP-3860: the largest init code a creation may carry.
pub const MAX_INITCODE_SIZE: usize = 2 * 24_576;

/// A transaction that passed every check and can be executed.
#[derive(Debug, Clone)]
pub struct ValidTx {
    /// Its hash.
    pub hash: B256,
    /// The recovered sender.
    pub sender: Address,
    /// The signed transaction.
    pub envelope: TxEnvelope,
    /// Call or create.
    pub kind: TxKind,
    /// Value sent.
    pub value: U256,
    /// Calldata or init code.
    pub input: Bytes,
    /// Gas limit.
    pub gas_limit: u64,
    /// Price per gas paid (base fee + tip, capped by the max fee).
    pub effective_gas_price: u128,
    /// EIP-2930 access list: addresses and their storage keys.
    pub access_list: Vec<(Address, Vec<B256>)>,
    /// Gas charged before execution.
    pub intrinsic_gas: u64,
}

/// Why a transaction is refused before execution.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The bytes are not a transaction.
    #[error("transaction could not be decoded: {0}")]
    Decode(String),
    /// A blob or set-code transaction: the devnet executes legacy, EIP-2930 and EIP-1559 only.
    #[error("transaction type not supported")]
    UnsupportedType,
    /// The signature does not recover.
    #[error("invalid sender: {0}")]
    InvalidSignature(String),
    /// Signed for another chain.
    #[error("invalid chain id for signer: have {have} want {want}")]
    WrongChainId {
        /// The transaction's chain id.
        have: u64,
        /// This chain's.
        want: u64,
    },
    /// A legacy transaction without EIP-155 replay protection.
    #[error("only replay-protected (EIP-155) transactions allowed over RPC")]
    Unprotected,
    /// The nonce was used already.
    #[error("nonce too low: next nonce {next}, tx nonce {tx}")]
    NonceTooLow {
        /// The sender's next nonce.
        next: u64,
        /// The transaction's.
        tx: u64,
    },
    /// The nonce skips ahead; the devnet mines immediately and does not queue.
    #[error("nonce too high: next nonce {next}, tx nonce {tx}")]
    NonceTooHigh {
        /// The sender's next nonce.
        next: u64,
        /// The transaction's.
        tx: u64,
    },
    /// The gas limit does not cover the intrinsic gas.
    #[error("intrinsic gas too low: gas {gas}, minimum needed {needed}")]
    IntrinsicGasTooLow {
        /// The gas limit.
        gas: u64,
        /// The intrinsic gas.
        needed: u64,
    },
    /// The gas limit is above the block gas limit.
    #[error("exceeds block gas limit")]
    GasLimitExceeded,
    /// The sender cannot pay gas × price + value.
    #[error("insufficient funds for gas * price + value: balance {balance}, tx cost {cost}, overshot {overshot}")]
    InsufficientFunds {
        /// The sender's balance.
        balance: U256,
        /// gas × price + value.
        cost: U256,
        /// How much is missing.
        overshot: U256,
    },
    /// The max fee is below the base fee.
    #[error(
        "max fee per gas less than block base fee: address {sender}, maxFeePerGas: {max_fee}, baseFee: {base_fee}"
    )]
    FeeCapTooLow {
        /// The sender.
        sender: Address,
        /// The transaction's max fee.
        max_fee: u128,
        /// The block's base fee.
        base_fee: u64,
    },
    /// The tip is above the max fee.
    #[error("max priority fee per gas higher than max fee per gas")]
    TipAboveFeeCap,
    /// Init code above EIP-3860's limit.
    #[error("max initcode size exceeded: code size {size}, limit {limit}")]
    InitcodeTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The same transaction was submitted before.
    #[error("already known")]
    AlreadyKnown,
}

/// Decodes an EIP-2718 transaction and recovers its sender.
///
/// Only the canonical encoding is accepted: the transaction's hash is keccak of its canonical
/// encoding, so other bytes that alloy's decoder reads as the same transaction (the decoder
/// property test found one: an EIP-2930 transaction whose type byte 0x01 is written 0x81) would be
/// mined under a hash other than the one their sender computed from them.
///
/// # Errors
/// [`TxError::Decode`] (also for a non-canonical encoding), [`TxError::UnsupportedType`] or
/// [`TxError::InvalidSignature`].
pub fn decode_raw(raw: &[u8]) -> Result<(TxEnvelope, Address), TxError> {
    let mut buf = raw;
    let envelope = TxEnvelope::decode_2718(&mut buf).map_err(|e| TxError::Decode(e.to_string()))?;
    if !buf.is_empty() {
        return Err(TxError::Decode(format!("{} bytes after the transaction", buf.len())));
    }
    if envelope.encoded_2718() != raw {
        return Err(TxError::Decode("not the transaction's canonical encoding".into()));
    }
    recover(envelope)
}

/// Recovers the sender of a signed transaction.
///
/// # Errors
/// [`TxError::UnsupportedType`] or [`TxError::InvalidSignature`].
pub fn recover(envelope: TxEnvelope) -> Result<(TxEnvelope, Address), TxError> {
    if matches!(envelope, TxEnvelope::Eip4844(_) | TxEnvelope::Eip7702(_)) {
        return Err(TxError::UnsupportedType);
    }
    let sender = envelope.recover_signer().map_err(|e| TxError::InvalidSignature(e.to_string()))?;
    Ok((envelope, sender))
}

/// Checks a transaction against the chain and the sender's account; `next` is the nonce the sender
/// must use (its account nonce, plus its transactions waiting in the pool).
///
/// # Errors
/// The [`TxError`] geth would give.
pub fn validate(
    envelope: TxEnvelope,
    sender: Address,
    next: u64,
    state: &WorldState,
    config: &ChainConfig,
) -> Result<ValidTx, TxError> {
    match envelope.chain_id() {
        Some(have) if have != config.chain_id => return Err(TxError::WrongChainId { have, want: config.chain_id }),
        Some(_) => {}
        None => return Err(TxError::Unprotected),
    }
    let nonce = envelope.nonce();
    if nonce < next {
        return Err(TxError::NonceTooLow { next, tx: nonce });
    }
    if nonce > next {
        return Err(TxError::NonceTooHigh { next, tx: nonce });
    }
    if envelope.gas_limit() > config.block_gas_limit {
        return Err(TxError::GasLimitExceeded);
    }
    if let Some(tip) = envelope.max_priority_fee_per_gas() {
        if tip > envelope.max_fee_per_gas() {
            return Err(TxError::TipAboveFeeCap);
        }
    }
    if envelope.max_fee_per_gas() < u128::from(config.base_fee) {
        return Err(TxError::FeeCapTooLow { sender, max_fee: envelope.max_fee_per_gas(), base_fee: config.base_fee });
    }
    let kind = envelope.kind();
    let input = envelope.input().clone();
    if kind.is_create() && input.len() > MAX_INITCODE_SIZE {
        return Err(TxError::InitcodeTooLarge { size: input.len(), limit: MAX_INITCODE_SIZE });
    }
    let access_list: Vec<(Address, Vec<B256>)> = envelope
        .access_list()
        .map(|list| list.iter().map(|item| (item.address, item.storage_keys.clone())).collect())
        .unwrap_or_default();
    let intrinsic_gas = intrinsic_gas(&input, kind.is_create(), &access_list);
    if envelope.gas_limit() < intrinsic_gas {
        return Err(TxError::IntrinsicGasTooLow { gas: envelope.gas_limit(), needed: intrinsic_gas });
    }
    let value = envelope.value();
    // The balance must cover the gas at the max fee (geth's buyGas check), plus the value.
    let cost = U256::from(envelope.gas_limit()) * U256::from(envelope.max_fee_per_gas()) + value;
    let balance = state.balance(&sender);
    if balance < cost {
        return Err(TxError::InsufficientFunds { balance, cost, overshot: cost - balance });
    }
    Ok(ValidTx {
        hash: envelope.trie_hash(),
        sender,
        kind,
        value,
        input,
        gas_limit: envelope.gas_limit(),
        effective_gas_price: envelope.effective_gas_price(Some(config.base_fee)),
        access_list,
        intrinsic_gas,
        envelope,
    })
}

/// Gas charged before execution: 21 000, 32 000 more for a creation, 4 per zero and 16 per
/// non-zero byte of data (EIP-2028), 2 per word of init code (EIP-3860), 2 400 per access-list
/// address and 1 900 per storage key (EIP-2930).
pub fn intrinsic_gas(input: &[u8], is_create: bool, access_list: &[(Address, Vec<B256>)]) -> u64 {
    let zeros = input.iter().filter(|b| **b == 0).count() as u64;
    let non_zeros = input.len() as u64 - zeros;
    let mut gas = 21_000 + zeros * 4 + non_zeros * 16;
    if is_create {
        gas += 32_000 + 2 * (input.len() as u64).div_ceil(32);
    }
    for (_, keys) in access_list {
        gas += 2_400 + 1_900 * keys.len() as u64;
    }
    gas
}

/// The encoded bytes of a signed transaction, as blocks and `eth_getRawTransaction` carry them.
pub fn encode(envelope: &TxEnvelope) -> Vec<u8> {
    envelope.encoded_2718()
}
