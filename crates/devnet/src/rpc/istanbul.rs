//! The `istanbul_*` methods of the MAP relay chain's node (mapprotocol/atlas,
//! `consensus/istanbul/backend/api.go`) on an IBFT devnet, in Atlas's shapes, and the devnet's
//! own `mos_setNextValidators`.

use alloy_primitives::{hex, Address, Bytes, B256};
use map_ibft::ValidatorSet;
use serde_json::{json, Value};

use super::{
    methods::{block_id, required},
    RpcError,
};
use crate::chain::{BlockId, Chain};

/// `istanbul_getEpochInfo(epoch)`: the validators of epoch `epoch` (its set at its first block) as
/// Atlas answers it: `{epoch, epoch_size, threshold, validators: [{weight, address, g1_pub_key:
/// {x, y}}]}`, numbers as decimal strings, every weight "1", the threshold Atlas's
/// `MinQuorumSize` (⌈2n/3⌉); `null` for an epoch whose first block is not mined yet.
///
/// # Errors
/// [`RpcError::invalid_params`] for an epoch that is not a number; on a Nitro chain, a server error.
pub(super) fn epoch_info(chain: &Chain, params: &[Value]) -> Result<Value, RpcError> {
    let size = ibft_epoch_size(chain)?;
    let epoch = match params.first() {
        Some(Value::String(text)) => parse_quantity(text),
        Some(value) => value.as_u64(),
        None => None,
    }
    .ok_or_else(|| RpcError::invalid_params("parameter 0: an epoch number".into()))?;
    let first = epoch.saturating_sub(1).saturating_mul(size).saturating_add(u64::from(epoch > 0));
    if first > chain.latest().number() {
        return Ok(Value::Null);
    }
    let set = set_for(chain, first)?;
    let validators: Vec<Value> = set
        .addresses
        .iter()
        .zip(&set.g1_keys)
        .map(|(address, key)| {
            json!({
                "weight": "1",
                "address": address,
                "g1_pub_key": { "x": hex::encode_prefixed(&key[..32]), "y": hex::encode_prefixed(&key[32..]) },
            })
        })
        .collect();
    let threshold = set.len().saturating_mul(2).div_ceil(3);
    Ok(json!({
        "epoch": epoch.to_string(),
        "epoch_size": size.to_string(),
        "threshold": threshold.to_string(),
        "validators": validators,
    }))
}

/// `istanbul_getValidators(block)`: the addresses of the validators that sign block `block`.
///
/// # Errors
/// As [`validators_bls_public_keys`].
pub(super) fn validators(chain: &Chain, params: &[Value]) -> Result<Value, RpcError> {
    let set = set_for(chain, signed_block(chain, params)?)?;
    Ok(json!(set.addresses))
}

/// `istanbul_getValidatorsBLSPublicKeys(block)`: the G2 keys (128 bytes, hex) of the validators
/// that sign block `block` (Atlas reads the set at its parent; `latest` is the head).
///
/// # Errors
/// A server error for the genesis block, a block beyond the next one, or on a Nitro chain.
pub(super) fn validators_bls_public_keys(chain: &Chain, params: &[Value]) -> Result<Value, RpcError> {
    let set = set_for(chain, signed_block(chain, params)?)?;
    Ok(json!(set.g2_keys.iter().map(|key| Bytes::copy_from_slice(key)).collect::<Vec<_>>()))
}

/// `mos_setNextValidators([accountKey, ...])` (the devnet's): the validators, by their secp256k1
/// account keys, that the next epoch's last block makes the set; their addresses.
///
/// # Errors
/// [`RpcError::invalid_params`] for keys that are not 32-byte secret keys or a validator listed
/// twice; a server error on a Nitro chain.
pub(super) fn set_next_validators(chain: &mut Chain, params: &[Value]) -> Result<Value, RpcError> {
    let keys: Vec<B256> = required(params, 0)?;
    ibft_epoch_size(chain)?;
    let addresses: Vec<Address> =
        chain.propose_validators(&keys).map_err(|error| RpcError::invalid_params(error.to_string()))?;
    Ok(json!(addresses))
}

/// The block whose signers a `block` parameter asks for: the head for `latest` or none.
///
/// # Errors
/// A server error for the genesis block or a block beyond the next one.
fn signed_block(chain: &Chain, params: &[Value]) -> Result<u64, RpcError> {
    let head = chain.latest().number();
    let number = match block_id(params, 0)? {
        BlockId::Latest | BlockId::Pending => head,
        BlockId::Earliest => 0,
        BlockId::Number(number) => number,
        BlockId::Hash(hash) => chain.block(BlockId::Hash(hash)).map_or(u64::MAX, |block| block.number()),
    };
    if number == 0 || number > head.saturating_add(1) {
        return Err(RpcError::server("unknown block".into()));
    }
    Ok(number)
}

/// The validators that sign block `number`.
///
/// # Errors
/// A server error on a Nitro chain.
fn set_for(chain: &Chain, number: u64) -> Result<ValidatorSet, RpcError> {
    ibft_epoch_size(chain)?;
    chain.validators_for(number).ok_or_else(|| RpcError::server(format!("no validator set for block {number}")))
}

/// The epoch size of an IBFT chain.
///
/// # Errors
/// A server error naming the method family on a Nitro chain.
fn ibft_epoch_size(chain: &Chain) -> Result<u64, RpcError> {
    chain.ibft().map(|ibft| ibft.epoch_size()).ok_or_else(|| {
        RpcError::server("the chain does not seal with IBFT: start it with validators for the istanbul methods".into())
    })
}

/// A decimal or `0x` hexadecimal number.
fn parse_quantity(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(digits) => u64::from_str_radix(digits, 16).ok(),
        None => text.parse().ok(),
    }
}
