//! The JSON-RPC methods: each parses its parameters, asks the chain, and shapes the answer.

use alloy_consensus::{TxEip1559, TxEip2930, TxLegacy, TypedTransaction};
use alloy_eips::{BlockId as RpcBlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, TxKind, B256, U256, U64};
use alloy_rpc_types_eth::{
    state::StateOverride as RpcStateOverride, FeeHistory, Filter, FilterBlockOption, TransactionRequest,
};
use alloy_sol_types::{Revert, SolError};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::{convert, istanbul, RpcError};
use crate::{
    chain::{BlockId, Chain, ChainError, LogFilter},
    exec::{AccountOverride, CallParams, CallResult, StateOverride},
};

/// The client version `web3_clientVersion` reports.
pub const CLIENT_VERSION: &str = concat!("mos-devnet/v", env!("CARGO_PKG_VERSION"));

/// Runs one method.
///
/// # Errors
/// [`RpcError`] with the JSON-RPC code for an unknown method (-32601), bad parameters (-32602),
/// a refused transaction or failed call (-32000), or a revert (3, revert data in `data`).
pub fn dispatch(chain: &mut Chain, method: &str, params: &[Value]) -> Result<Value, RpcError> {
    match method {
        "eth_chainId" => Ok(json!(U64::from(chain.config().chain_id))),
        "net_version" => Ok(json!(chain.config().chain_id.to_string())),
        "net_listening" => Ok(json!(true)),
        "eth_syncing" => Ok(json!(false)),
        "web3_clientVersion" => Ok(json!(CLIENT_VERSION)),
        "eth_blockNumber" => Ok(json!(U64::from(chain.latest().number()))),
        "eth_gasPrice" => Ok(json!(U256::from(chain.config().base_fee))),
        "eth_maxPriorityFeePerGas" => Ok(json!(U256::ZERO)),
        "eth_accounts" => Ok(json!(chain.accounts())),
        "eth_feeHistory" => fee_history(chain, params),
        "eth_getBlockByNumber" | "eth_getBlockByHash" => {
            let id = block_id(params, 0)?;
            let full: bool = optional(params, 1)?.unwrap_or(false);
            Ok(chain.block(id).map_or(Value::Null, |b| json!(convert::block(b, full))))
        }
        "eth_getBlockTransactionCountByNumber" | "eth_getBlockTransactionCountByHash" => {
            let id = block_id(params, 0)?;
            Ok(chain.block(id).map_or(Value::Null, |b| json!(U64::from(b.transactions.len()))))
        }
        "eth_getTransactionByHash" => {
            let hash: B256 = required(params, 0)?;
            if let Some((block, index)) = chain.transaction(&hash) {
                return Ok(json!(convert::transaction(block, index, &block.transactions[index])));
            }
            // As geth: one waiting in the pool, without its block.
            let pending = chain.pending().iter().find(|tx| tx.hash == hash);
            Ok(pending.map_or(Value::Null, |tx| json!(convert::pending_transaction(tx))))
        }
        "eth_getTransactionByBlockNumberAndIndex" | "eth_getTransactionByBlockHashAndIndex" => {
            let id = block_id(params, 0)?;
            let index: U64 = required(params, 1)?;
            let index = index.to::<usize>();
            Ok(chain
                .block(id)
                .and_then(|b| b.transactions.get(index).map(|tx| json!(convert::transaction(b, index, tx))))
                .unwrap_or(Value::Null))
        }
        "eth_getTransactionReceipt" => {
            let hash: B256 = required(params, 0)?;
            Ok(chain.transaction(&hash).and_then(|(b, i)| convert::receipt(b, i)).map_or(Value::Null, |r| json!(r)))
        }
        "eth_getBlockReceipts" => {
            let id = block_id(params, 0)?;
            Ok(chain.block(id).map_or(Value::Null, |b| {
                json!((0..b.transactions.len()).filter_map(|i| convert::receipt(b, i)).collect::<Vec<_>>())
            }))
        }
        "eth_getLogs" => get_logs(chain, params),
        "eth_getBalance" => {
            let address: Address = required(params, 0)?;
            state_read(chain, params, 1, |s| json!(s.balance(&address)))
        }
        "eth_getTransactionCount" => {
            let address: Address = required(params, 0)?;
            if block_id(params, 1)? == BlockId::Pending {
                return Ok(json!(U64::from(chain.next_nonce(&address))));
            }
            state_read(chain, params, 1, |s| json!(U64::from(s.nonce(&address))))
        }
        "eth_getCode" => {
            let address: Address = required(params, 0)?;
            state_read(chain, params, 1, |s| json!(s.code(&address)))
        }
        "eth_getStorageAt" => {
            let address: Address = required(params, 0)?;
            let slot: U256 = required(params, 1)?;
            state_read(chain, params, 2, |s| json!(B256::from(s.storage(&address, &slot))))
        }
        "eth_call" => {
            let (request, at, overrides) = call_params(params)?;
            let result = chain.call(&request, at, &overrides).map_err(RpcError::from)?;
            call_answer(result).map(|output| json!(output))
        }
        "eth_estimateGas" => {
            let (request, at, overrides) = call_params(params)?;
            match chain.estimate_gas(&request, at, &overrides).map_err(RpcError::from)? {
                Ok(gas) => Ok(json!(U64::from(gas))),
                Err(failed) => call_answer(failed).map(|_| Value::Null),
            }
        }
        "eth_sendRawTransaction" => {
            let raw: Bytes = required(params, 0)?;
            chain.send_raw_transaction(&raw).map(|hash| json!(hash)).map_err(RpcError::from)
        }
        "eth_sendTransaction" => {
            let request: TransactionRequest = required(params, 0)?;
            let (from, tx) = typed_transaction(chain, request)?;
            chain.send_transaction(from, tx).map(|hash| json!(hash)).map_err(RpcError::from)
        }
        "evm_mine" => Ok(json!(U64::from(chain.mine()))),
        "evm_snapshot" => Ok(json!(U64::from(chain.snapshot()))),
        "evm_revert" => {
            let id: U64 = required(params, 0)?;
            Ok(json!(chain.revert_to_snapshot(id.to::<u64>()).is_ok()))
        }
        "anvil_reorg" => {
            let depth: U64 = required(params, 0)?;
            let transactions: Vec<Bytes> = optional(params, 1)?.unwrap_or_default();
            chain.reorg(depth.to::<u64>(), &transactions).map(|hashes| json!(hashes)).map_err(RpcError::from)
        }
        "anvil_setNextBlockBaseFeePerGas" | "hardhat_setNextBlockBaseFeePerGas" => {
            let base_fee: U256 = required(params, 0)?;
            let base_fee = u64::try_from(base_fee)
                .map_err(|_| RpcError::invalid_params(format!("base fee {base_fee} does not fit 64 bits")))?;
            chain.set_base_fee(base_fee);
            Ok(json!(true))
        }
        "anvil_setBalance" | "hardhat_setBalance" => {
            let address: Address = required(params, 0)?;
            let balance: U256 = required(params, 1)?;
            chain.set_balance(address, balance);
            Ok(Value::Null)
        }
        "istanbul_getEpochInfo" => istanbul::epoch_info(chain, params),
        "istanbul_getValidators" => istanbul::validators(chain, params),
        "istanbul_getValidatorsBLSPublicKeys" => istanbul::validators_bls_public_keys(chain, params),
        "mos_setNextValidators" => istanbul::set_next_validators(chain, params),
        _ => Err(RpcError::method_not_found(method)),
    }
}

pub(super) fn required<T: DeserializeOwned>(params: &[Value], index: usize) -> Result<T, RpcError> {
    let value = params.get(index).ok_or_else(|| RpcError::invalid_params(format!("missing parameter {index}")))?;
    serde_json::from_value(value.clone()).map_err(|e| RpcError::invalid_params(format!("parameter {index}: {e}")))
}

fn optional<T: DeserializeOwned>(params: &[Value], index: usize) -> Result<Option<T>, RpcError> {
    match params.get(index) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => required(params, index).map(Some),
    }
}

fn to_block_id(id: RpcBlockId) -> BlockId {
    match id {
        RpcBlockId::Hash(hash) => BlockId::Hash(hash.block_hash),
        RpcBlockId::Number(number) => match number {
            BlockNumberOrTag::Number(n) => BlockId::Number(n),
            BlockNumberOrTag::Earliest => BlockId::Earliest,
            BlockNumberOrTag::Pending => BlockId::Pending,
            // A dev chain has no finality lag: every block is safe and finalized at once.
            BlockNumberOrTag::Latest | BlockNumberOrTag::Safe | BlockNumberOrTag::Finalized => BlockId::Latest,
        },
    }
}

pub(super) fn block_id(params: &[Value], index: usize) -> Result<BlockId, RpcError> {
    Ok(optional::<RpcBlockId>(params, index)?.map_or(BlockId::Latest, to_block_id))
}

fn state_read(
    chain: &Chain,
    params: &[Value],
    index: usize,
    read: impl FnOnce(&crate::state::WorldState) -> Value,
) -> Result<Value, RpcError> {
    chain.read_state(block_id(params, index)?, read).map_err(RpcError::from)
}

fn call_params(params: &[Value]) -> Result<(CallParams, BlockId, StateOverride), RpcError> {
    let request: TransactionRequest = required(params, 0)?;
    let at = block_id(params, 1)?;
    let overrides: Option<RpcStateOverride> = optional(params, 2)?;
    let request = CallParams {
        from: request.from,
        to: match request.to {
            Some(TxKind::Call(to)) => Some(to),
            _ => None,
        },
        data: request.input.into_input().unwrap_or_default(),
        value: request.value.unwrap_or_default(),
        gas: request.gas,
        gas_price: request.gas_price.or(request.max_fee_per_gas),
        access_list: request
            .access_list
            .map(|list| list.0.into_iter().map(|item| (item.address, item.storage_keys)).collect())
            .unwrap_or_default(),
    };
    let overrides = StateOverride {
        accounts: overrides
            .into_iter()
            .flatten()
            .map(|(address, o)| {
                let slots = |map: Option<alloy_primitives::map::B256HashMap<B256>>| {
                    map.map(|m| {
                        m.into_iter().map(|(k, v)| (U256::from_be_bytes(k.0), U256::from_be_bytes(v.0))).collect()
                    })
                };
                (
                    address,
                    AccountOverride {
                        balance: o.balance,
                        nonce: o.nonce,
                        code: o.code,
                        state: slots(o.state),
                        state_diff: slots(o.state_diff),
                    },
                )
            })
            .collect(),
    };
    Ok((request, at, overrides))
}

/// The answer to a call: its output, or the revert / halt as a JSON-RPC error (geth's shapes).
fn call_answer(result: CallResult) -> Result<Bytes, RpcError> {
    if result.success {
        return Ok(result.output);
    }
    if let Some(reason) = result.halted {
        return Err(RpcError::server(reason));
    }
    Err(RpcError::reverted(&result.output))
}

fn typed_transaction(chain: &Chain, request: TransactionRequest) -> Result<(Address, TypedTransaction), RpcError> {
    let from = request.from.ok_or_else(|| RpcError::invalid_params("missing from".into()))?;
    let config = chain.config();
    let nonce = request.nonce.unwrap_or_else(|| chain.next_nonce(&from));
    let to = request.to.unwrap_or(TxKind::Create);
    let input = request.input.clone().into_input().unwrap_or_default();
    let value = request.value.unwrap_or_default();
    let gas_limit = request.gas.unwrap_or(config.block_gas_limit.min(30_000_000));
    let access_list = request.access_list.clone().unwrap_or_default();
    let tx = if let Some(gas_price) = request.gas_price {
        if request.access_list.is_some() {
            TypedTransaction::Eip2930(TxEip2930 {
                chain_id: config.chain_id,
                nonce,
                gas_price,
                gas_limit,
                to,
                value,
                access_list,
                input,
            })
        } else {
            TypedTransaction::Legacy(TxLegacy {
                chain_id: Some(config.chain_id),
                nonce,
                gas_price,
                gas_limit,
                to,
                value,
                input,
            })
        }
    } else {
        TypedTransaction::Eip1559(TxEip1559 {
            chain_id: config.chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas: request.max_fee_per_gas.unwrap_or(u128::from(config.base_fee) * 2),
            max_priority_fee_per_gas: request.max_priority_fee_per_gas.unwrap_or(0),
            to,
            value,
            access_list,
            input,
        })
    };
    Ok((from, tx))
}

fn get_logs(chain: &Chain, params: &[Value]) -> Result<Value, RpcError> {
    let filter: Filter = required(params, 0)?;
    let head = chain.latest().number();
    let resolve = |tag: Option<BlockNumberOrTag>| -> Result<u64, RpcError> {
        match tag {
            None => Ok(head),
            Some(tag) => chain.resolve(to_block_id(RpcBlockId::Number(tag))).map_err(RpcError::from),
        }
    };
    let (from_block, to_block) = match filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let number = chain.resolve(BlockId::Hash(hash)).map_err(RpcError::from)?;
            (number, number)
        }
        FilterBlockOption::Range { from_block, to_block } => (resolve(from_block)?, resolve(to_block)?),
    };
    let query = LogFilter {
        from_block,
        to_block,
        addresses: filter.address.iter().copied().collect(),
        topics: filter.topics.iter().map(|set| set.iter().copied().collect()).collect(),
    };
    let logs: Vec<_> = chain
        .logs(&query)
        .iter()
        .map(|l| {
            let timestamp = chain.block(BlockId::Number(l.block_number)).map_or(0, |b| b.header.timestamp);
            convert::log(l, timestamp)
        })
        .collect();
    Ok(json!(logs))
}

fn fee_history(chain: &Chain, params: &[Value]) -> Result<Value, RpcError> {
    let count: U64 = required(params, 0)?;
    let newest = chain.resolve(block_id(params, 1)?).map_err(RpcError::from)?;
    let percentiles: Vec<f64> = optional(params, 2)?.unwrap_or_default();
    let count = count.to::<u64>().clamp(1, 1024).min(newest + 1);
    let oldest = newest + 1 - count;
    let base_fee = u128::from(chain.config().base_fee);
    let mut gas_used_ratio = Vec::new();
    for number in oldest..=newest {
        let block = chain.block(BlockId::Number(number)).ok_or_else(|| RpcError::from(ChainError::UnknownBlock))?;
        gas_used_ratio.push(block.header.gas_used as f64 / block.header.gas_limit.max(1) as f64);
    }
    let history = FeeHistory {
        // One more entry than blocks: the base fee of the block after the newest.
        base_fee_per_gas: vec![base_fee; count as usize + 1],
        gas_used_ratio,
        base_fee_per_blob_gas: vec![0; count as usize + 1],
        blob_gas_used_ratio: vec![0.0; count as usize],
        oldest_block: oldest,
        reward: (!percentiles.is_empty()).then(|| vec![vec![0; percentiles.len()]; count as usize]),
    };
    Ok(json!(history))
}

impl From<ChainError> for RpcError {
    fn from(error: ChainError) -> Self {
        match error {
            ChainError::UnknownBlock => RpcError::server("header not found".into()),
            other => RpcError::server(other.to_string()),
        }
    }
}

impl RpcError {
    /// A revert, as geth reports it: code 3, the decoded reason in the message, the revert data.
    pub fn reverted(output: &[u8]) -> Self {
        let message = match Revert::abi_decode(output) {
            Ok(revert) => format!("execution reverted: {}", revert.reason),
            Err(_) => "execution reverted".to_string(),
        };
        Self { code: 3, message, data: Some(json!(Bytes::copy_from_slice(output))) }
    }
}
