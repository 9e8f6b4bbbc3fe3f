//! Saving a chain to a file and loading it back (`--state FILE`).
//!
//! The file is JSON: the configuration, the state, and every block as its header RLP, its raw
//! transactions, its receipts and its undo log. Compiled programs are not saved; they are rebuilt
//! from their code on first use.

use std::path::Path;

use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes};
use serde::{Deserialize, Serialize};

use crate::{
    block::{Block, BlockTx, TxReceipt},
    config::ChainConfig,
    state::{StateChange, WorldState},
    tx,
};

/// Why a state file could not be saved or loaded.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a saved chain.
    #[error("{path}: not a devnet state file: {reason}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

/// A chain as saved.
#[derive(Serialize, Deserialize)]
pub struct SavedChain {
    /// Its configuration.
    pub config: ChainConfig,
    /// Its state after the last block.
    pub state: WorldState,
    /// Its blocks, genesis first.
    pub blocks: Vec<SavedBlock>,
}

/// A block as saved.
#[derive(Serialize, Deserialize)]
pub struct SavedBlock {
    header: Bytes,
    transactions: Vec<(Address, Bytes)>,
    receipts: Vec<SavedReceipt>,
    changes: Vec<StateChange>,
}

#[derive(Serialize, Deserialize)]
struct SavedReceipt {
    receipt: Bytes,
    gas_used: u64,
    effective_gas_price: u128,
    contract_address: Option<Address>,
    first_log_index: u64,
    output: Bytes,
}

impl SavedBlock {
    /// The block in its saved form.
    pub fn from_block(block: &Block) -> Self {
        Self {
            header: block.header.encode().into(),
            transactions: block.transactions.iter().map(|t| (t.sender, t.envelope.encoded_2718().into())).collect(),
            receipts: block
                .receipts
                .iter()
                .map(|r| SavedReceipt {
                    receipt: r.receipt.encode().into(),
                    gas_used: r.gas_used,
                    effective_gas_price: r.effective_gas_price,
                    contract_address: r.contract_address,
                    first_log_index: r.first_log_index,
                    output: r.output.clone(),
                })
                .collect(),
            changes: block.changes.clone(),
        }
    }

    /// The block back.
    ///
    /// # Errors
    /// A description of the first part that does not decode.
    pub fn into_block(self) -> Result<Block, String> {
        let header = light_client_iface::Header::decode(&self.header).map_err(|e| e.to_string())?;
        let transactions = self
            .transactions
            .into_iter()
            .map(|(sender, raw)| {
                let (envelope, _) = tx::decode_raw(&raw).map_err(|e| e.to_string())?;
                Ok(BlockTx { hash: *envelope.tx_hash(), sender, envelope })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let receipts = self
            .receipts
            .into_iter()
            .map(|r| {
                Ok(TxReceipt {
                    receipt: light_client_iface::Receipt::decode(&r.receipt).map_err(|e| e.to_string())?,
                    gas_used: r.gas_used,
                    effective_gas_price: r.effective_gas_price,
                    contract_address: r.contract_address,
                    first_log_index: r.first_log_index,
                    output: r.output,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Block { hash: header.hash(), header, transactions, receipts, changes: self.changes })
    }
}

/// Writes `saved` to `path`.
///
/// # Errors
/// [`PersistError::Io`].
pub fn save(saved: &SavedChain, path: &Path) -> Result<(), PersistError> {
    let io = |source| PersistError::Io { path: path.display().to_string(), source };
    let json = serde_json::to_vec(saved).map_err(|e| io(std::io::Error::other(e)))?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, json).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)
}

/// Reads a chain saved by [`save`].
///
/// # Errors
/// [`PersistError::Io`] or [`PersistError::Format`].
pub fn load(path: &Path) -> Result<SavedChain, PersistError> {
    let bytes = std::fs::read(path).map_err(|source| PersistError::Io { path: path.display().to_string(), source })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| PersistError::Format { path: path.display().to_string(), reason: e.to_string() })
}
