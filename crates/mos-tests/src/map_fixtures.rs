//! MAP's own light-node test data (`vectors/map-atlas/lightnode-fixtures.json`, from
//! mapprotocol/map-contracts): blocks of a MAP (Atlas) test network with their Istanbul extras,
//! the signers' G2 keys and receipt proofs, as `map_ibft` types and as the bytes the MAP light node
//! (`mos-map-light-node`) takes.

use std::sync::OnceLock;

use alloy_primitives::{Address, Bytes, B256, B64, U256};
use map_ibft::{AggregatedSeal, AtlasHeader, IstanbulExtra, SealedHeader, SealedReceiptProof, ValidatorSet};
use serde_json::Value;

/// Blocks per epoch on the fixtures' network.
pub const EPOCH_SIZE: u64 = 1000;

/// The two runs of the fixtures: the first epoch (its validators' keys are [`first_keys`]),
/// then its blocks in order (epochs' last blocks, and blocks within an epoch).
pub const RUNS: [(u64, &[u64]); 2] =
    [(203, &[203000, 204000, 205000, 205030, 206000, 206460, 207000]), (217, &[217000, 218000, 219000, 220000])];

fn fixtures() -> &'static Value {
    static FIXTURES: OnceLock<Value> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/map-atlas/lightnode-fixtures.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("the MAP fixtures")).expect("JSON")
    })
}

/// Fixture `{name}{number}`.
///
/// # Panics
/// When the fixtures have none.
pub fn fixture(name: &str, number: u64) -> &'static Value {
    let value = &fixtures()[format!("{name}{number}")];
    assert!(!value.is_null(), "no {name}{number}");
    value
}

/// Part `index` of block `n` (0 its header fields, 1 its Istanbul extra, 2 its `aggPk`): `headerN`,
/// `istN`, `aggpkN`, or inside the receipt proof `provedataN` of a block within an epoch.
fn part(name: &str, index: usize, n: u64) -> &'static Value {
    let own = &fixtures()[format!("{name}{n}")];
    if own.is_null() {
        &fixture("provedata", n)[index]
    } else {
        own
    }
}

/// Whether the fixtures give the hash preimages of block `n` (they do for epochs' last blocks).
pub fn has_preimages(n: u64) -> bool {
    !fixtures()[format!("deleteAggHeaderBytes{n}")].is_null()
}

/// A hex string's bytes.
pub fn bytes(value: &Value) -> Vec<u8> {
    value.as_str().expect("a string").parse::<Bytes>().expect("hex").to_vec()
}

fn array<const N: usize>(value: &Value) -> [u8; N] {
    bytes(value).try_into().expect("the length")
}

fn uint(value: &Value) -> U256 {
    let text = value.as_str().expect("a string");
    match text.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16).expect("hex"),
        None => text.parse().expect("decimal"),
    }
}

fn number(value: &Value) -> u64 {
    u64::try_from(uint(value)).expect("64 bits")
}

/// The header of block `n`, from its 14 fields.
pub fn header(n: u64) -> AtlasHeader {
    let fields = part("header", 0, n).as_array().expect("the fields");
    AtlasHeader {
        parent_hash: B256::from(array(&fields[0])),
        coinbase: Address::from(array(&fields[1])),
        root: B256::from(array(&fields[2])),
        tx_hash: B256::from(array(&fields[3])),
        receipt_hash: B256::from(array(&fields[4])),
        bloom: array::<256>(&fields[5]).into(),
        number: number(&fields[6]),
        gas_limit: number(&fields[7]),
        gas_used: number(&fields[8]),
        time: number(&fields[9]),
        extra: bytes(&fields[10]).into(),
        mix_digest: B256::from(array(&fields[11])),
        nonce: B64::from(array(&fields[12])),
        base_fee: Some(uint(&fields[13])),
    }
}

fn aggregated_seal(value: &Value) -> AggregatedSeal {
    AggregatedSeal { bitmap: uint(&value[0]), signature: bytes(&value[1]).into(), round: uint(&value[2]) }
}

/// Block `n`'s Istanbul extra as the fixtures give its fields.
pub fn ist(n: u64) -> IstanbulExtra {
    let ist = part("ist", 1, n);
    let list = |index: usize| ist[index].as_array().expect("a list").clone();
    IstanbulExtra {
        added_validators: list(0).iter().map(|a| Address::from(array(a))).collect(),
        added_public_keys: list(1).iter().map(array).collect(),
        added_g1_public_keys: list(2).iter().map(array).collect(),
        removed_validators: uint(&ist[3]),
        seal: bytes(&ist[4]).into(),
        aggregated_seal: aggregated_seal(&ist[5]),
        parent_aggregated_seal: aggregated_seal(&ist[6]),
    }
}

/// Block `n`'s `aggPk` words as the fixtures give them: x real, x imaginary, y real, y imaginary.
pub fn aggregated_key_words(n: u64) -> [Vec<u8>; 4] {
    let words: Vec<Vec<u8>> = part("aggpk", 2, n).as_array().expect("four words").iter().map(bytes).collect();
    words.try_into().expect("four words")
}

/// Block `n`'s `aggPk` in the `0x08` precompile's order: x imaginary, x real, y imaginary, y real.
pub fn aggregated_key(n: u64) -> [u8; 128] {
    let [xr, xi, yr, yi] = aggregated_key_words(n);
    [xi, xr, yi, yr].concat().try_into().expect("128 bytes")
}

/// The G1 keys of the first epoch's validators (of both runs).
pub fn first_keys() -> Vec<[u8; 64]> {
    let pairs = fixtures()["g1Init"].as_array().expect("the keys");
    pairs.iter().map(|pair| [bytes(&pair[0]), bytes(&pair[1])].concat().try_into().expect("64 bytes")).collect()
}

/// The first epoch's validators: the fixtures give their G1 keys only (addresses and G2 keys zero).
pub fn first_set() -> ValidatorSet {
    let g1_keys = first_keys();
    ValidatorSet { addresses: vec![Address::ZERO; g1_keys.len()], g2_keys: vec![[0; 128]; g1_keys.len()], g1_keys }
}

/// Every block of the fixtures.
pub fn every_block() -> impl Iterator<Item = u64> {
    RUNS.iter().flat_map(|(_, blocks)| blocks.iter().copied())
}

/// `header` with its Istanbul extra changed by `change`.
pub fn with_extra(header: &AtlasHeader, change: impl FnOnce(&mut IstanbulExtra)) -> AtlasHeader {
    let (vanity, mut extra) = IstanbulExtra::from_extra_data(&header.extra).expect("an Istanbul extra");
    change(&mut extra);
    AtlasHeader { extra: extra.to_extra_data(&vanity).into(), ..header.clone() }
}

/// Block `n` sealed, as `updateBlockHeader` takes it.
pub fn sealed(n: u64) -> SealedHeader {
    SealedHeader { header: header(n).encode().into(), aggregated_key: aggregated_key(n) }
}

/// The receipt proof `provedataN`, as `verifyProofData` takes it, and the receipt's RLP (its
/// logs are what the light node returns).
pub fn receipt_proof(n: u64) -> (SealedReceiptProof, Vec<u8>) {
    let proof = fixture("provedata", n);
    let receipt = &proof[3];
    let receipt_type = number(&receipt[0]);
    let mut encoded =
        if receipt_type == 0 { Vec::new() } else { vec![u8::try_from(receipt_type).expect("a type byte")] };
    encoded.extend(bytes(&receipt[1]));
    // The key is the nibbles of rlp(index), one per byte.
    let nibbles = bytes(&proof[4]);
    let key: Vec<u8> = nibbles.chunks(2).map(|pair| (pair[0] << 4) | pair.get(1).copied().unwrap_or(0)).collect();
    let receipt_index = alloy_rlp::decode_exact::<u64>(&key).expect("rlp(index)");
    let nodes = proof[5].as_array().expect("the nodes").iter().map(|node| bytes(node).into()).collect();
    (SealedReceiptProof { sealed: sealed(n), receipt_index, nodes }, encoded)
}
