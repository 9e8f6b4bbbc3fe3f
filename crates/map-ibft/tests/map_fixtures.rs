//! Atlas's headers, Istanbul extras and seals as MAP's own light-node tests hold them
//! (`vectors/map-atlas/lightnode-fixtures.json`, from mapprotocol/map-contracts): the header
//! hashes rebuilt byte for byte, the proposer's seal recovered to the coinbase, and each aggregated
//! BLS seal checked with a pairing (arkworks' BN254, independent of this crate) against the
//! validators of its epoch as the validator-set changes in the fixtures make them.

use std::sync::OnceLock;

use alloy_primitives::{keccak256, Address, Bytes, Signature, B256, B64, U256};
use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G1Projective, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup};
use ark_ff::{PrimeField, Zero};
use map_ibft::{
    block_hash, commit_message, epoch_of, hash_to_g1, proposer_digest, quorum, seal_hash, AggregatedSeal, AtlasHeader,
    IstanbulExtra, ValidatorSet, FIELD_MODULUS,
};
use serde_json::Value;

/// Epochs of the fixtures' network.
const EPOCH_SIZE: u64 = 1000;

/// The two runs of the fixtures: the first epoch (its validators are `g1Init`), then its
/// blocks in order (epochs' last blocks, and blocks within an epoch).
const RUNS: [(u64, &[u64]); 2] =
    [(203, &[203000, 204000, 205000, 205030, 206000, 206460, 207000]), (217, &[217000, 218000, 219000, 220000])];

fn fixtures() -> &'static Value {
    static FIXTURES: OnceLock<Value> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/map-atlas/lightnode-fixtures.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn fixture(name: &str, number: u64) -> &'static Value {
    let value = &fixtures()[format!("{name}{number}")];
    assert!(!value.is_null(), "no {name}{number}");
    value
}

/// Part `index` of block `n` (0 its header fields, 1 its Istanbul extra, 2 its `aggPk`), as the
/// fixtures give it: `headerN`, `istN`, `aggpkN`, or inside the receipt proof `provedataN` of a
/// block within an epoch.
fn part(name: &str, index: usize, n: u64) -> &'static Value {
    let own = &fixtures()[format!("{name}{n}")];
    if own.is_null() {
        &fixture("provedata", n)[index]
    } else {
        own
    }
}

/// Whether the fixtures give the hash preimages of block `n` (they do for epochs' last blocks).
fn has_preimages(n: u64) -> bool {
    !fixtures()[format!("deleteAggHeaderBytes{n}")].is_null()
}

fn bytes(value: &Value) -> Vec<u8> {
    value.as_str().unwrap().parse::<Bytes>().unwrap().to_vec()
}

fn array<const N: usize>(value: &Value) -> [u8; N] {
    bytes(value).try_into().unwrap()
}

fn uint(value: &Value) -> U256 {
    let text = value.as_str().unwrap();
    match text.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16).unwrap(),
        None => text.parse().unwrap(),
    }
}

fn number(value: &Value) -> u64 {
    u64::try_from(uint(value)).unwrap()
}

/// The header of block `n` from its 14 fields.
fn header(n: u64) -> AtlasHeader {
    let fields = part("header", 0, n).as_array().unwrap();
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
fn ist(n: u64) -> IstanbulExtra {
    let ist = part("ist", 1, n);
    let list = |index: usize| ist[index].as_array().unwrap().clone();
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

fn fq(bytes: &[u8]) -> Fq {
    Fq::from_be_bytes_mod_order(bytes)
}

fn g1(bytes: &[u8]) -> G1Affine {
    let point = G1Affine::new_unchecked(fq(&bytes[..32]), fq(&bytes[32..64]));
    assert!(point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve());
    point
}

/// Block `n`'s `aggPk`, `[xr, xi, yr, yi]`.
fn aggregated_key(n: u64) -> G2Affine {
    let words: Vec<Fq> = part("aggpk", 2, n).as_array().unwrap().iter().map(|w| fq(&bytes(w))).collect();
    let point = G2Affine::new_unchecked(Fq2::new(words[0], words[1]), Fq2::new(words[2], words[3]));
    assert!(point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve());
    point
}

/// The first epoch's validators: the fixtures give their G1 keys only.
fn first_set() -> ValidatorSet {
    let keys: Vec<[u8; 64]> = fixtures()["g1Init"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| [bytes(&pair[0]), bytes(&pair[1])].concat().try_into().unwrap())
        .collect();
    ValidatorSet { addresses: vec![Address::ZERO; keys.len()], g2_keys: vec![[0; 128]; keys.len()], g1_keys: keys }
}

/// e(a, b) · e(c, d) == 1.
fn pairs_to_one(a: G1Affine, b: G2Affine, c: G1Affine, d: G2Affine) -> bool {
    Bn254::multi_pairing([a, c], [b, d]).is_zero()
}

fn every_block() -> impl Iterator<Item = u64> {
    RUNS.iter().flat_map(|(_, blocks)| blocks.iter().copied())
}

#[test]
fn every_header_rebuilds_its_block_hash_and_seal_hash_preimages_byte_for_byte() {
    for n in every_block().filter(|n| has_preimages(*n)) {
        let header = header(n);
        let block_preimage = bytes(fixture("deleteAggHeaderBytes", n));
        let seal_preimage = bytes(fixture("deleteSealAndAggHeaderBytes", n));
        assert_eq!(block_hash(&header).unwrap(), keccak256(&block_preimage), "block hash of {n}");
        assert_eq!(seal_hash(&header).unwrap(), keccak256(&seal_preimage), "seal hash of {n}");
        for preimage in [&block_preimage, &seal_preimage] {
            assert_eq!(&AtlasHeader::decode(preimage).unwrap().encode(), preimage, "{n} re-encoded");
        }
        assert_eq!(AtlasHeader::decode(&header.encode()).unwrap(), header);
    }
}

#[test]
fn every_istanbul_extra_reads_as_the_fixtures_fields_and_re_encodes_to_the_extra_data() {
    for n in every_block() {
        let header = header(n);
        let (vanity, extra) = IstanbulExtra::from_extra_data(&header.extra).unwrap();
        assert_eq!(extra, ist(n), "extra of {n}");
        assert_eq!(extra.to_extra_data(&vanity), header.extra.to_vec());
    }
}

#[test]
fn every_proposer_seal_recovers_to_the_coinbase() {
    for n in every_block() {
        let header = header(n);
        let seal = ist(n).seal;
        let signature = Signature::from_raw(&seal).unwrap();
        let proposer = signature.recover_address_from_prehash(&proposer_digest(&header).unwrap()).unwrap();
        assert_eq!(proposer, header.coinbase, "proposer of {n}");
    }
}

#[test]
fn every_aggregated_seal_pairs_with_the_keys_of_a_quorum_of_its_epochs_validators() {
    let (g1_generator, g2_generator) = (G1Affine::generator(), G2Affine::generator());
    for (first_epoch, blocks) in RUNS {
        let mut set = first_set();
        let mut epoch = first_epoch;
        for &n in blocks {
            assert_eq!(epoch_of(n, EPOCH_SIZE), Some(epoch), "block {n} is in the epoch of the set");
            let header = header(n);
            let extra = ist(n);
            let seal = &extra.aggregated_seal;
            let signers: Vec<usize> = (0..set.len()).filter(|i| seal.bitmap.bit(*i)).collect();
            assert!(signers.len() >= quorum(set.len()), "{n}: {} of {} signed", signers.len(), set.len());
            let signers_key: G1Affine =
                signers.iter().map(|i| G1Projective::from(g1(&set.g1_keys[*i]))).sum::<G1Projective>().into_affine();
            let aggregated_key = aggregated_key(n);
            // The G2 key given with the block is the signers' (their G1 keys' sum has the same
            // discrete logarithm), and the signature is theirs of the commit message.
            assert!(pairs_to_one(signers_key, g2_generator, -g1_generator, aggregated_key), "{n}: aggPk");
            let message = commit_message(block_hash(&header).unwrap(), seal.round);
            let hashed = hash_to_g1(&message);
            let hashed = g1(&hashed.to_bytes());
            assert!(pairs_to_one(g1(&seal.signature), g2_generator, -hashed, aggregated_key), "{n}: signature");
            if map_ibft::is_last_of_epoch(n, EPOCH_SIZE) {
                set = set.apply(&extra).unwrap();
                epoch += 1;
            }
        }
    }
}

#[test]
fn a_seal_pairs_with_no_other_block_and_no_other_signer_set() {
    let (g1_generator, g2_generator) = (G1Affine::generator(), G2Affine::generator());
    let (sealed, extra) = (header(204000), ist(204000));
    let seal = &extra.aggregated_seal;
    let aggregated_key = aggregated_key(204000);
    // Another block's message, and another round's.
    for message in [
        commit_message(block_hash(&header(205000)).unwrap(), seal.round),
        commit_message(block_hash(&sealed).unwrap(), seal.round + U256::from(1)),
    ] {
        let hashed = g1(&hash_to_g1(&message).to_bytes());
        assert!(!pairs_to_one(g1(&seal.signature), g2_generator, -hashed, aggregated_key));
    }
    // Epoch 204's four validators, one of them left out of the sum.
    let set = first_set().apply(&ist(203000)).unwrap();
    assert_eq!(set.len(), 4);
    let three: G1Affine = (0..3).map(|i| G1Projective::from(g1(&set.g1_keys[i]))).sum::<G1Projective>().into_affine();
    assert!(!pairs_to_one(three, g2_generator, -g1_generator, aggregated_key));
}

#[test]
fn hash_to_g1_gives_points_of_g1_and_the_point_of_a_known_message() {
    let message = commit_message(block_hash(&header(203000)).unwrap(), U256::from(1));
    let point = hash_to_g1(&message);
    // The point MAP's BGLS.hashToG1 gives for block 203000's commit message (round 1).
    let expected_x: U256 = "0x22c12947908199ee7afcfeaffced76f239f165fb8123de2ddf3eda11b648b32a".parse().unwrap();
    let expected_y: U256 = "0x20fb535c1372de1292b289de43bd61ee9738d506e5ba6de0a470644c3b16ec44".parse().unwrap();
    assert_eq!((point.x, point.y), (expected_x, expected_y));
    for i in 0u32..200 {
        let point = hash_to_g1(&i.to_be_bytes());
        assert!(point.is_on_curve() && point.x < FIELD_MODULUS);
        assert!(!g1(&point.to_bytes()).is_zero());
    }
}
