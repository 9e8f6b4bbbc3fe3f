//! A MAP-style relay chain's sealed headers from its node: the Atlas header of a block (checked
//! against the block hash the node gives), the summed G2 key of the validators that sealed it, an
//! epoch's validators, and the epoch updates a MAP light node takes.
//!
//! Atlas's JSON-RPC serves the 14 Atlas header fields with `eth_getBlockBy*` (no uncle hash, no
//! difficulty), the G2 keys of the validators that sign a block with
//! `istanbul_getValidatorsBLSPublicKeys(number)` and an epoch's validators with
//! `istanbul_getEpochInfo(epoch)` (`consensus/istanbul/backend/api.go` of mapprotocol/atlas); the
//! devnet's IBFT mode serves the same.

use alloy_primitives::{Address, Bloom, Bytes, B256, B64, U256, U64};
use alloy_rpc_types_eth::{BlockId, BlockNumberOrTag};
use map_ibft::{block_hash, bls::sum_g2, AtlasHeader, IstanbulExtra, SealedHeader, G1_KEY_LENGTH, G2_KEY_LENGTH};
use mos_rpc::Chain;
use serde::Deserialize;
use serde_json::json;

use super::{request, NodeError};

/// A block header as an Atlas node serves it: the 14 Atlas fields and the hash.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RpcAtlasHeader {
    hash: B256,
    parent_hash: B256,
    miner: Address,
    state_root: B256,
    transactions_root: B256,
    receipts_root: B256,
    logs_bloom: Bloom,
    number: U64,
    gas_limit: U64,
    gas_used: U64,
    timestamp: U64,
    extra_data: Bytes,
    mix_hash: B256,
    nonce: B64,
    base_fee_per_gas: Option<U256>,
}

/// The Atlas header of block `block` (by number, tag or hash), rebuilt from the node's fields and
/// checked: its Atlas hash ([`map_ibft::block_hash`]) is the hash the node gives (and, asked by
/// hash, that hash).
///
/// # Errors
/// [`NodeError::Chain`] when `eth_getBlockBy*` fails, [`NodeError::BlockNotFound`],
/// [`NodeError::Unreadable`] when its `extraData` is not an Istanbul extra,
/// [`NodeError::HeaderMismatch`] when the rebuilt header does not hash to the block hash.
pub async fn fetch_atlas_header<C: Chain + ?Sized>(chain: &C, block: BlockId) -> Result<AtlasHeader, NodeError> {
    let found: Option<RpcAtlasHeader> = match block {
        BlockId::Hash(hash) => request(chain, "eth_getBlockByHash", json!([hash.block_hash, false])).await?,
        BlockId::Number(number) => request(chain, "eth_getBlockByNumber", json!([number, false])).await?,
    };
    let found = found.ok_or(NodeError::BlockNotFound(block))?;
    let header = AtlasHeader {
        parent_hash: found.parent_hash,
        coinbase: found.miner,
        root: found.state_root,
        tx_hash: found.transactions_root,
        receipt_hash: found.receipts_root,
        bloom: found.logs_bloom,
        number: found.number.to(),
        gas_limit: found.gas_limit.to(),
        gas_used: found.gas_used.to(),
        time: found.timestamp.to(),
        extra: found.extra_data,
        mix_digest: found.mix_hash,
        nonce: found.nonce,
        base_fee: found.base_fee_per_gas,
    };
    let rebuilt = block_hash(&header).map_err(|error| NodeError::Unreadable {
        method: "eth_getBlockByNumber",
        error: format!("block {}'s extraData is not an Istanbul extra: {error}", header.number),
    })?;
    let claimed = match block {
        BlockId::Hash(hash) => hash.block_hash,
        BlockId::Number(_) => found.hash,
    };
    if rebuilt != claimed || rebuilt != found.hash {
        return Err(NodeError::HeaderMismatch { number: header.number, claimed, rebuilt });
    }
    Ok(header)
}

/// The summed G2 key of the validators whose bit is set in `header`'s aggregated seal: the
/// `aggregatedKey` a MAP light node checks the seal with. The keys are the node's
/// `istanbul_getValidatorsBLSPublicKeys` for the block; a wrong key only makes the light node
/// refuse the proof (the seal check covers it).
///
/// # Errors
/// [`NodeError::Chain`] when the request fails, [`NodeError::Unreadable`] when the answer is not a
/// list of G2 keys, the extra does not decode, or the bitmap names validators the set lacks.
pub async fn aggregated_key<C: Chain + ?Sized>(
    chain: &C,
    header: &AtlasHeader,
) -> Result<[u8; G2_KEY_LENGTH], NodeError> {
    const METHOD: &str = "istanbul_getValidatorsBLSPublicKeys";
    let unreadable = |error: String| NodeError::Unreadable { method: METHOD, error };
    let keys: Vec<Bytes> = request(chain, METHOD, json!([U64::from(header.number)])).await?;
    let keys: Vec<[u8; G2_KEY_LENGTH]> = keys
        .iter()
        .map(|key| <[u8; G2_KEY_LENGTH]>::try_from(key.as_ref()))
        .collect::<Result<_, _>>()
        .map_err(|_| unreadable(format!("a key is not {G2_KEY_LENGTH} bytes")))?;
    let (_, extra) = IstanbulExtra::from_extra_data(&header.extra)
        .map_err(|error| unreadable(format!("block {}'s Istanbul extra: {error}", header.number)))?;
    let bitmap = extra.aggregated_seal.bitmap;
    if bitmap.bit_len() > keys.len() {
        return Err(unreadable(format!(
            "block {}'s seal names validator {} of a set of {}",
            header.number,
            bitmap.bit_len() - 1,
            keys.len()
        )));
    }
    let signers: Vec<[u8; G2_KEY_LENGTH]> =
        keys.iter().enumerate().filter(|(index, _)| bitmap.bit(*index)).map(|(_, key)| *key).collect();
    sum_g2(&signers).ok_or_else(|| unreadable("a key is not a point of G2".into()))
}

/// Block `block`'s header with its signers' key ([`fetch_atlas_header`], [`aggregated_key`]).
///
/// # Errors
/// As those.
pub async fn sealed_header<C: Chain + ?Sized>(chain: &C, block: BlockId) -> Result<SealedHeader, NodeError> {
    let header = fetch_atlas_header(chain, block).await?;
    let aggregated_key = aggregated_key(chain, &header).await?;
    Ok(SealedHeader { header: header.encode().into(), aggregated_key })
}

/// The epoch update that moves a MAP light node holding epoch `epoch` to the next: the sealed
/// header of the epoch's last block, `epoch · epochSize`.
///
/// # Errors
/// [`NodeError::BlockNotFound`] when that block is not mined yet, else as [`sealed_header`].
pub async fn epoch_update<C: Chain + ?Sized>(
    chain: &C,
    epoch: u64,
    epoch_size: u64,
) -> Result<SealedHeader, NodeError> {
    let last = epoch.saturating_mul(epoch_size);
    sealed_header(chain, BlockId::Number(BlockNumberOrTag::Number(last))).await
}

/// An epoch's validators as `istanbul_getEpochInfo` gives them: what a MAP light node is
/// initialised with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochInfo {
    /// The epoch.
    pub epoch: u64,
    /// Blocks per epoch.
    pub epoch_size: u64,
    /// The validators' addresses, in their order.
    pub validators: Vec<Address>,
    /// Their G1 keys (`x ‖ y`), in the same order.
    pub g1_keys: Vec<[u8; G1_KEY_LENGTH]>,
}

impl EpochInfo {
    /// The G1 keys concatenated: `initialize`'s `validatorKeys`.
    pub fn concatenated_keys(&self) -> Bytes {
        self.g1_keys.iter().flatten().copied().collect::<Vec<u8>>().into()
    }
}

/// `istanbul_getEpochInfo`'s answer: decimal strings, keys as `0x` hex words.
#[derive(Debug, Deserialize)]
struct RpcEpochInfo {
    epoch: String,
    epoch_size: String,
    validators: Vec<RpcValidator>,
}

#[derive(Debug, Deserialize)]
struct RpcValidator {
    address: Address,
    g1_pub_key: RpcG1Key,
}

#[derive(Debug, Deserialize)]
struct RpcG1Key {
    x: B256,
    y: B256,
}

/// The validators of epoch `epoch` (`istanbul_getEpochInfo`).
///
/// # Errors
/// [`NodeError::Chain`] when the request fails, [`NodeError::BlockNotFound`] when the epoch has
/// not begun, [`NodeError::Unreadable`] when the answer is not an epoch's info.
pub async fn epoch_info<C: Chain + ?Sized>(chain: &C, epoch: u64) -> Result<EpochInfo, NodeError> {
    const METHOD: &str = "istanbul_getEpochInfo";
    let info: Option<RpcEpochInfo> = request(chain, METHOD, json!([epoch])).await?;
    let info = info.ok_or(NodeError::EpochNotFound(epoch))?;
    let number = |text: &str, what: &str| {
        text.parse::<u64>().map_err(|_| NodeError::Unreadable { method: METHOD, error: format!("{what} `{text}`") })
    };
    let g1_keys = info
        .validators
        .iter()
        .map(|validator| {
            let mut key = [0u8; G1_KEY_LENGTH];
            key[..32].copy_from_slice(validator.g1_pub_key.x.as_slice());
            key[32..].copy_from_slice(validator.g1_pub_key.y.as_slice());
            key
        })
        .collect();
    Ok(EpochInfo {
        epoch: number(&info.epoch, "epoch")?,
        epoch_size: number(&info.epoch_size, "epoch_size")?,
        validators: info.validators.iter().map(|validator| validator.address).collect(),
        g1_keys,
    })
}
