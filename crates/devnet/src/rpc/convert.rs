//! The chain's blocks, transactions, receipts and logs in the JSON-RPC shapes alloy, ethers and
//! foundry parse (alloy's RPC types, so the field names and encodings are theirs).

use alloy_consensus::{Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _, TxType};
use alloy_primitives::{Log as PrimitiveLog, U256};
use alloy_rpc_types_eth::{
    Block as RpcBlock, BlockTransactions, Header as RpcHeader, Log, Transaction, TransactionReceipt,
};

use crate::{
    block::{Block, BlockTx},
    chain::IndexedLog,
};

/// A block header in alloy's consensus type (the same fields as `light_client_iface::Header`).
pub fn consensus_header(block: &Block) -> alloy_consensus::Header {
    let h = &block.header;
    alloy_consensus::Header {
        parent_hash: h.parent_hash,
        ommers_hash: h.ommers_hash,
        beneficiary: h.beneficiary,
        state_root: h.state_root,
        transactions_root: h.transactions_root,
        receipts_root: h.receipts_root,
        logs_bloom: h.logs_bloom,
        difficulty: h.difficulty,
        number: h.number,
        gas_limit: h.gas_limit,
        gas_used: h.gas_used,
        timestamp: h.timestamp,
        extra_data: h.extra_data.clone(),
        mix_hash: h.mix_hash,
        nonce: h.nonce,
        base_fee_per_gas: h.base_fee_per_gas,
        withdrawals_root: h.withdrawals_root,
        blob_gas_used: h.blob_gas_used,
        excess_blob_gas: h.excess_blob_gas,
        parent_beacon_block_root: h.parent_beacon_block_root,
        requests_hash: h.requests_hash,
    }
}

/// A transaction as `eth_getTransactionByHash` returns it.
pub fn transaction(block: &Block, index: usize, tx: &BlockTx) -> Transaction {
    Transaction {
        inner: alloy_consensus::transaction::Recovered::new_unchecked(tx.envelope.clone(), tx.sender),
        block_hash: Some(block.hash),
        block_number: Some(block.number()),
        transaction_index: Some(index as u64),
        effective_gas_price: Some(tx.envelope.effective_gas_price(block.header.base_fee_per_gas)),
    }
}

/// A transaction waiting in the pool as `eth_getTransactionByHash` returns it: no block yet.
pub fn pending_transaction(tx: &crate::tx::ValidTx) -> Transaction {
    Transaction {
        inner: alloy_consensus::transaction::Recovered::new_unchecked(tx.envelope.clone(), tx.sender),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: None,
    }
}

/// A block as `eth_getBlockBy*` returns it, with full transactions or their hashes.
pub fn block(block: &Block, full: bool) -> RpcBlock {
    let transactions = if full {
        BlockTransactions::Full(
            block.transactions.iter().enumerate().map(|(i, tx)| transaction(block, i, tx)).collect(),
        )
    } else {
        BlockTransactions::Hashes(block.transactions.iter().map(|tx| tx.hash).collect())
    };
    let size = light_client_iface::Header::encode(&block.header).len()
        + block.transactions.iter().map(|tx| crate::tx::encode(&tx.envelope).len()).sum::<usize>();
    RpcBlock {
        header: RpcHeader {
            hash: block.hash,
            inner: consensus_header(block),
            total_difficulty: Some(U256::from(block.number() + 1)),
            size: Some(U256::from(size)),
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: Some(Default::default()),
    }
}

/// A log with its position.
pub fn log(indexed: &IndexedLog, timestamp: u64) -> Log {
    Log {
        inner: indexed.log.clone(),
        block_hash: Some(indexed.block_hash),
        block_number: Some(indexed.block_number),
        block_timestamp: Some(timestamp),
        transaction_hash: Some(indexed.tx_hash),
        transaction_index: Some(indexed.tx_index),
        log_index: Some(indexed.log_index),
        removed: false,
    }
}

/// A receipt as `eth_getTransactionReceipt` returns it.
pub fn receipt(block: &Block, index: usize) -> Option<TransactionReceipt> {
    let tx = block.transactions.get(index)?;
    let stored = block.receipts.get(index)?;
    let logs: Vec<Log> = stored
        .receipt
        .logs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            log(
                &IndexedLog {
                    log: PrimitiveLog::clone(l),
                    block_number: block.number(),
                    block_hash: block.hash,
                    tx_hash: tx.hash,
                    tx_index: index as u64,
                    log_index: stored.first_log_index + i as u64,
                },
                block.header.timestamp,
            )
        })
        .collect();
    let with_bloom = ReceiptWithBloom {
        receipt: Receipt {
            status: Eip658Value::Eip658(stored.receipt.success),
            cumulative_gas_used: stored.receipt.cumulative_gas_used,
            logs,
        },
        logs_bloom: stored.receipt.logs_bloom,
    };
    let inner = match tx.envelope.tx_type() {
        TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(with_bloom),
        TxType::Eip4844 => ReceiptEnvelope::Eip4844(with_bloom),
        TxType::Eip7702 => ReceiptEnvelope::Eip7702(with_bloom),
    };
    Some(TransactionReceipt {
        inner,
        transaction_hash: tx.hash,
        transaction_index: Some(index as u64),
        block_hash: Some(block.hash),
        block_number: Some(block.number()),
        gas_used: stored.gas_used,
        effective_gas_price: stored.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: tx.sender,
        to: tx.envelope.to(),
        contract_address: stored.contract_address,
    })
}
