//! Atlas's headers, Istanbul extras and seals as MAP's own light-node tests hold them
//! (`mos_tests::map_fixtures`): the header hashes `map_ibft` computes rebuilt byte for byte, the
//! proposer's seal recovered to the coinbase, and each aggregated BLS seal checked with a pairing
//! (arkworks' BN254, independent of `map_ibft`) against the validators of its epoch as the
//! fixtures' validator-set changes make them; then `verify_seal` on every header, and on headers an
//! attacker changed.

use alloy_primitives::{keccak256, Address, Signature, B256, U256};
use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G1Projective, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup};
use ark_ff::{PrimeField, Zero};
use map_ibft::{
    block_hash, commit_message, epoch_of, hash_to_g1, proposer_digest, quorum, seal_hash, verify_seal, AtlasHeader,
    IstanbulExtra, Precompiles, SealError, FIELD_MODULUS,
};
use mos_tests::map_fixtures::{
    aggregated_key, aggregated_key_words, bytes, every_block, first_set, fixture, has_preimages, header, ist,
    with_extra, EPOCH_SIZE, RUNS,
};
use mos_tests::sealed_relay::SealedRelay;

fn fq(bytes: &[u8]) -> Fq {
    Fq::from_be_bytes_mod_order(bytes)
}

fn g1(bytes: &[u8]) -> G1Affine {
    let point = G1Affine::new_unchecked(fq(&bytes[..32]), fq(&bytes[32..64]));
    assert!(point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve());
    point
}

/// Block `n`'s `aggPk` as a point of G2.
fn g2_key(n: u64) -> G2Affine {
    let [xr, xi, yr, yi] = aggregated_key_words(n).map(|word| fq(&word));
    let point = G2Affine::new_unchecked(Fq2::new(xr, xi), Fq2::new(yr, yi));
    assert!(point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve());
    point
}

/// e(a, b) · e(c, d) == 1.
fn pairs_to_one(a: G1Affine, b: G2Affine, c: G1Affine, d: G2Affine) -> bool {
    Bn254::multi_pairing([a, c], [b, d]).is_zero()
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
            let aggregated_key = g2_key(n);
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
    let aggregated_key = g2_key(204000);
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

/// The precompiles `verify_seal` needs, by libraries independent of this crate: alloy's
/// secp256k1 recovery for `0x01`, ruint's modular exponentiation for `0x05`, arkworks' BN254 for
/// `0x06`–`0x08` (refusing points off their curve or group, as EIP-196 and EIP-197 do).
struct Reference;

/// A point of `map_ibft` in arkworks' form, checked on the curve (infinity is (0, 0)).
fn reference_point(point: map_ibft::G1Point) -> Option<G1Affine> {
    if point == map_ibft::G1Point::INFINITY {
        return Some(G1Affine::zero());
    }
    let affine = G1Affine::new_unchecked(fq(&point.x.to_be_bytes::<32>()), fq(&point.y.to_be_bytes::<32>()));
    (point.x < FIELD_MODULUS && point.y < FIELD_MODULUS && affine.is_on_curve()).then_some(affine)
}

/// arkworks' point as `map_ibft`'s.
fn from_reference(point: G1Affine) -> map_ibft::G1Point {
    let bytes = map_ibft::bls::g1_bytes(&point);
    map_ibft::G1Point { x: U256::from_be_slice(&bytes[..32]), y: U256::from_be_slice(&bytes[32..]) }
}

impl Precompiles for Reference {
    fn mod_exp(&self, base: U256, exponent: U256) -> Option<U256> {
        Some(base.pow_mod(exponent, FIELD_MODULUS))
    }

    fn ec_add(&self, a: map_ibft::G1Point, b: map_ibft::G1Point) -> Option<map_ibft::G1Point> {
        let sum = G1Projective::from(reference_point(a)?) + reference_point(b)?;
        Some(from_reference(sum.into_affine()))
    }

    fn ec_mul(&self, point: map_ibft::G1Point, scalar: U256) -> Option<map_ibft::G1Point> {
        let scalar = ark_bn254::Fr::from_be_bytes_mod_order(&scalar.to_be_bytes::<32>());
        Some(from_reference((reference_point(point)? * scalar).into_affine()))
    }

    fn ecrecover(&self, digest: B256, v: u8, r: B256, s: B256) -> Option<Address> {
        let signature = Signature::new(r.into(), s.into(), v == 28);
        signature.recover_address_from_prehash(&digest).ok()
    }

    fn pairing(&self, input: &[u8]) -> Option<bool> {
        let mut g1s = Vec::new();
        let mut g2s = Vec::new();
        for pair in input.chunks(192) {
            let g1 = G1Affine::new_unchecked(fq(&pair[..32]), fq(&pair[32..64]));
            let g1 = if pair[..64].iter().all(|b| *b == 0) { G1Affine::zero() } else { g1 };
            let word = |i: usize| fq(&pair[64 + 32 * i..96 + 32 * i]);
            let g2 = G2Affine::new_unchecked(Fq2::new(word(1), word(0)), Fq2::new(word(3), word(2)));
            let g2 = if pair[64..].iter().all(|b| *b == 0) { G2Affine::zero() } else { g2 };
            let valid = |on_curve: bool, in_group: bool| on_curve && in_group;
            if !valid(g1.is_on_curve(), g1.is_in_correct_subgroup_assuming_on_curve())
                || !valid(g2.is_on_curve(), g2.is_in_correct_subgroup_assuming_on_curve())
            {
                return None;
            }
            g1s.push(g1);
            g2s.push(g2);
        }
        Some(Bn254::multi_pairing(g1s, g2s).is_zero())
    }
}

#[test]
fn verify_seal_accepts_every_header_of_the_fixtures_with_its_epochs_keys() {
    for (first_epoch, blocks) in RUNS {
        let mut set = first_set();
        for &n in blocks {
            let header = header(n);
            let hash = verify_seal(set.g1_keys.as_slice(), &header, &aggregated_key(n), &Reference);
            assert_eq!(hash, Ok(block_hash(&header).unwrap()), "block {n} (from epoch {first_epoch})");
            if map_ibft::is_last_of_epoch(n, EPOCH_SIZE) {
                set = set.apply(&ist(n)).unwrap();
            }
        }
    }
}

#[test]
fn verify_seal_refuses_what_an_attacker_changes_with_a_reason() {
    // Block 203000: five validators, four signed (bitmap 0x0f).
    let (keys, header, key) = (first_set().g1_keys, header(203000), aggregated_key(203000));
    let verify = |keys: &[[u8; 64]], header: &AtlasHeader, key: &[u8; 128]| verify_seal(keys, header, key, &Reference);
    assert!(verify(&keys, &header, &key).is_ok());
    let coinbase = header.coinbase;
    // A field changed after sealing: the proposer's seal no longer matches.
    let moved = AtlasHeader { receipt_hash: B256::repeat_byte(0x11), ..header.clone() };
    assert_eq!(verify(&keys, &moved, &key), Err(SealError::ProposerSeal { coinbase }));
    let forged_seal = with_extra(&header, |extra| {
        let mut seal = extra.seal.to_vec();
        seal[10] ^= 1;
        extra.seal = seal.into();
    });
    assert_eq!(verify(&keys, &forged_seal, &key), Err(SealError::ProposerSeal { coinbase }));
    // A bitmap claiming validator 4, who did not sign: the key given is not the signers'.
    let claimed = with_extra(&header, |extra| extra.aggregated_seal.bitmap = U256::from(0x1f));
    assert_eq!(verify(&keys, &claimed, &key), Err(SealError::AggregatedKey));
    // Three of five: below the quorum of four.
    let fewer = with_extra(&header, |extra| extra.aggregated_seal.bitmap = U256::from(0x07));
    assert_eq!(verify(&keys, &fewer, &key), Err(SealError::BelowQuorum { signers: 3, validators: 5, quorum: 4 }));
    // A bit beyond the set.
    let beyond = with_extra(&header, |extra| extra.aggregated_seal.bitmap = U256::from(0x2f));
    assert_eq!(verify(&keys, &beyond, &key), Err(SealError::BitmapBeyondSet { index: 5, validators: 5 }));
    // Another block's signature by the same signers, and another round.
    let other_signature = ist(204000).aggregated_seal.signature;
    let forged = with_extra(&header, |extra| extra.aggregated_seal.signature = other_signature);
    let hash = block_hash(&header).unwrap();
    let round = ist(203000).aggregated_seal.round;
    assert_eq!(verify(&keys, &forged, &key), Err(SealError::SignatureMismatch { block_hash: hash, round }));
    let later = with_extra(&header, |extra| extra.aggregated_seal.round += U256::from(1));
    assert_eq!(
        verify(&keys, &later, &key),
        Err(SealError::SignatureMismatch { block_hash: hash, round: round + U256::from(1) })
    );
    // A signature that is not a point.
    let off_curve = with_extra(&header, |extra| extra.aggregated_seal.signature = vec![1u8; 64].into());
    assert_eq!(verify(&keys, &off_curve, &key), Err(SealError::Signature));
    // Another epoch's keys (epoch 204 lacks validator 4; 204000's aggPk for 203000).
    assert_eq!(verify(&keys, &header, &aggregated_key(204000)), Err(SealError::AggregatedKey));
    // A G2 key off its curve: the pairing precompile refuses it.
    let mut off_twist = key;
    off_twist[127] ^= 1;
    assert_eq!(verify(&keys, &header, &off_twist), Err(SealError::G2Key));
    // A stored validator key that is not a point of G1.
    let mut bad_keys = keys.clone();
    bad_keys[2][63] ^= 1;
    assert_eq!(verify(&bad_keys, &header, &key), Err(SealError::ValidatorKey(2)));
    // Exactly two thirds of a set of six is not enough (MAP would take it).
    let six: Vec<[u8; 64]> = keys.iter().chain(&keys[..1]).copied().collect();
    assert_eq!(quorum(6), 5);
    assert_eq!(verify(&six, &header, &key), Err(SealError::BelowQuorum { signers: 4, validators: 6, quorum: 5 }));
}

/// The devnet's IBFT chain of four validators (the fourth absent) with epochs of 4 blocks, where
/// block 3 proposes that the fourth leave and a fifth join.
fn ibft_devnet() -> SealedRelay {
    let mut relay = SealedRelay::new(4, 1, 4);
    relay.mine_empty_to(3);
    let keys = &relay.keys;
    let proposal = [keys[1], keys[0], keys[2], keys[4]];
    relay.chain.propose_validators(&proposal).unwrap();
    relay.mine_empty_to(12);
    relay
}

/// Checks every block of `relay` after genesis: sealed by its epoch's set as `verify_seal`
/// (arkworks' pairing) accepts, proposed by validator `n mod n`, its parent's seal carried.
fn assert_sealed_as_atlas(relay: &SealedRelay) {
    use devnet::BlockId;
    let chain = &relay.chain;
    for n in 1..=chain.latest().number() {
        let block = chain.block(BlockId::Number(n)).unwrap();
        let set = chain.validators_for(n).unwrap();
        let header = devnet::ibft::atlas_header(&block.header);
        let (_, extra) = IstanbulExtra::from_extra_data(&header.extra).unwrap();
        let key = relay.sealed(n).aggregated_key;
        assert_eq!(verify_seal(set.g1_keys.as_slice(), &header, &key, &Reference), Ok(block.hash), "block {n}");
        assert_eq!(block_hash(&header).unwrap(), block.hash);
        assert_eq!(header.coinbase, set.addresses[(n % set.len() as u64) as usize], "block {n}'s proposer");
        let parent = chain.block(BlockId::Number(n - 1)).unwrap();
        assert_eq!(header.parent_hash, parent.hash);
        let (_, parent_extra) = IstanbulExtra::from_extra_data(&parent.header.extra_data).unwrap();
        assert_eq!(extra.parent_aggregated_seal, parent_extra.aggregated_seal, "block {n}'s parent seal");
    }
}

#[test]
fn the_devnets_ibft_chain_seals_every_block_as_atlas_and_changes_validators_only_at_an_epochs_end() {
    let relay = ibft_devnet();
    assert_sealed_as_atlas(&relay);
    let (chain, address) = (&relay.chain, |i: usize| relay.address(i));
    let first = vec![address(0), address(1), address(2), address(3)];
    let next = vec![address(0), address(1), address(2), address(4)];
    for n in 1..=12u64 {
        let set = chain.validators_for(n).unwrap();
        assert_eq!(set.addresses, if n <= 4 { first.clone() } else { next.clone() }, "signers of block {n}");
        let block = chain.block(devnet::BlockId::Number(n)).unwrap();
        let (_, extra) = IstanbulExtra::from_extra_data(&block.header.extra_data).unwrap();
        // The absent fourth validator never signs; the others always do.
        let expected_bitmap = if n <= 4 { 0b0111u8 } else { 0b1111 };
        assert_eq!(extra.aggregated_seal.bitmap, U256::from(expected_bitmap), "block {n}'s signers");
        if n == 4 {
            // The proposal of block 3 made at the epoch's last block: the fourth leaves, the fifth joins.
            assert_eq!(extra.removed_validators, U256::from(0b1000u8));
            assert_eq!(extra.added_validators, vec![address(4)]);
            let fifth = devnet::ibft::Validator::from_key(relay.keys[4]).unwrap();
            assert_eq!(extra.added_public_keys, vec![fifth.g2_key]);
            assert_eq!(extra.added_g1_public_keys, vec![fifth.g1_key]);
        } else {
            assert_eq!(extra.removed_validators, U256::ZERO, "block {n} changes nothing");
            assert!(extra.added_validators.is_empty(), "block {n} adds nobody");
        }
    }
    // The genesis block adds the first set.
    let genesis = chain.block(devnet::BlockId::Number(0)).unwrap();
    let (_, extra) = IstanbulExtra::from_extra_data(&genesis.header.extra_data).unwrap();
    assert_eq!(extra.added_validators, first);
}

#[test]
fn a_saved_ibft_chain_loads_with_its_atlas_hashes_and_seals_on_with_the_validators_that_joined() {
    let relay = ibft_devnet();
    let hashes = |chain: &devnet::Chain| -> Vec<B256> {
        (0..=12).map(|n| chain.block(devnet::BlockId::Number(n)).unwrap().hash).collect()
    };
    let chain = devnet::Chain::from_saved(relay.chain.to_saved()).unwrap();
    assert_eq!(hashes(&chain), hashes(&relay.chain));
    let mut loaded = SealedRelay { chain, keys: relay.keys.clone() };
    loaded.mine_empty_to(17);
    assert_sealed_as_atlas(&loaded);
}
