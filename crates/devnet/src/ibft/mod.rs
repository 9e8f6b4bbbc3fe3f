//! The relay chain's consensus as the MAP relay chain (mapprotocol/atlas) seals its blocks: IBFT
//! with BLS over BN254. A chain configured with [`IbftConfig`] has Atlas headers: every block's
//! `extraData` is a 32-byte vanity and the Istanbul extra (`map_ibft::IstanbulExtra`), the
//! block's proposer (validator `number mod n` of its epoch's set) is its coinbase and signs the seal
//! hash with its account key, every present validator BLS-signs the commit message of the block
//! hash, and their sum is the block's aggregated seal, which the next block carries as its
//! parent's. The block hash is Atlas's (`map_ibft::block_hash`: the 14 Atlas fields, the aggregated
//! seal emptied), so a light node of the MAP chain verifies the devnet's blocks as it verifies
//! MAP's.
//!
//! The validator set changes only at an epoch's last block (`number mod epochSize == 0`), whose
//! extra carries the change (the old set's leavers as a bitmap, the joiners appended), as Atlas's
//! `UpdateValSetDiff` writes it; a change proposed with [`Ibft::propose`] is made at the next such
//! block. The genesis block's extra adds the first set. Each validator counts one (MAP's light node
//! and `istanbul_getEpochInfo` weigh every validator 1). docs/devnet.md, "IBFT sealing", says what
//! follows Atlas and what does not.

mod keys;

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, B256, U256};
use ark_ec::CurveGroup;
use light_client_iface::Header;
use map_ibft::{
    bls::{g1_affine, g1_bytes},
    commit_message, epoch_of, hash_to_g1, is_last_of_epoch, proposer_digest, AggregatedSeal, AtlasHeader,
    IstanbulExtra, ValidatorSet, VANITY_LENGTH,
};
use serde::{Deserialize, Serialize};

pub use keys::Validator;

use crate::block::Block;

/// The vanity every sealed block's extra starts with (Atlas writes its client's version).
const VANITY: [u8; VANITY_LENGTH] = *b"mos-devnet ibft\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// How the chain seals its blocks as the MAP relay chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IbftConfig {
    /// Blocks per epoch (MAP's mainnet: 50,000).
    pub epoch_size: u64,
    /// The first epoch's validators, by their account keys (secp256k1 secret keys).
    pub validators: Vec<B256>,
    /// Validators that do not sign (their bit is clear in every aggregated seal): how a chain
    /// where some validators are down looks.
    #[serde(default)]
    pub absent: Vec<Address>,
    /// The validator sets proposed since genesis ([`Ibft::propose`]), oldest first, by their account
    /// keys: the last is the set the chain moves to at the next epoch's end. Kept here so that a
    /// chain saved and loaded again still holds every validator's keys.
    #[serde(default)]
    pub proposals: Vec<Vec<B256>>,
}

/// `count` validator account keys for a dev chain: keccak256("mos-devnet validator" ‖ i) for
/// i = 0, 1, … (the same on every machine, like the dev accounts; never for a real chain).
pub fn dev_validator_keys(count: usize) -> Vec<B256> {
    (0..count as u64)
        .map(|index| {
            let mut preimage = b"mos-devnet validator".to_vec();
            preimage.extend_from_slice(&index.to_be_bytes());
            alloy_primitives::keccak256(preimage)
        })
        .collect()
}

impl IbftConfig {
    /// `validators` dev validators ([`dev_validator_keys`]), all present, epochs of `epoch_size`.
    pub fn dev(validators: usize, epoch_size: u64) -> Self {
        Self { epoch_size, validators: dev_validator_keys(validators), absent: Vec::new(), proposals: Vec::new() }
    }
}

/// The sealer: every validator's keys, and the set proposed for the next epoch.
#[derive(Debug, Clone)]
pub struct Ibft {
    config: IbftConfig,
    keys: HashMap<Address, Validator>,
    first: Vec<Address>,
    proposed: Option<Vec<Address>>,
}

impl Ibft {
    /// The sealer of `config`.
    ///
    /// # Errors
    /// A message for an epoch size of 0, no validators, a key that is not a secp256k1 secret key,
    /// or a validator listed twice.
    pub fn new(config: IbftConfig) -> Result<Self, String> {
        if config.epoch_size == 0 {
            return Err("an IBFT epoch must have at least one block".into());
        }
        let mut ibft = Self { config: config.clone(), keys: HashMap::new(), first: Vec::new(), proposed: None };
        ibft.first = ibft.learn(&config.validators)?;
        for proposal in &config.proposals {
            ibft.proposed = Some(ibft.learn(proposal)?);
        }
        Ok(ibft)
    }

    /// Blocks per epoch.
    pub fn epoch_size(&self) -> u64 {
        self.config.epoch_size
    }

    /// Makes the validators of `keys` (account keys, in this order for the ones that join) the
    /// set from the epoch after the current one's last block on (the one after that when the
    /// current block is an epoch's last already); their addresses.
    ///
    /// # Errors
    /// As [`Ibft::new`] for the keys.
    pub fn propose(&mut self, keys: &[B256]) -> Result<Vec<Address>, String> {
        let addresses = self.learn(keys)?;
        self.proposed = Some(addresses.clone());
        self.config.proposals.push(keys.to_vec());
        Ok(addresses)
    }

    /// The configuration, with every proposal made so far: what a saved chain keeps.
    pub fn config(&self) -> &IbftConfig {
        &self.config
    }

    /// Records the validators of `keys`; their addresses, in order.
    fn learn(&mut self, keys: &[B256]) -> Result<Vec<Address>, String> {
        if keys.is_empty() {
            return Err("an IBFT validator set needs at least one validator".into());
        }
        let mut addresses = Vec::with_capacity(keys.len());
        for key in keys {
            let validator = Validator::from_key(*key)?;
            if addresses.contains(&validator.address) {
                return Err(format!("validator {} is listed twice", validator.address));
            }
            addresses.push(validator.address);
            self.keys.insert(validator.address, validator);
        }
        Ok(addresses)
    }

    /// The genesis block's extra: the first set added.
    pub fn genesis_extra(&self) -> Bytes {
        let mut extra = IstanbulExtra::default();
        self.add(&mut extra, &self.first);
        extra.to_extra_data(&VANITY).into()
    }

    /// Writes `joining` into `extra` as added validators, with their keys.
    fn add(&self, extra: &mut IstanbulExtra, joining: &[Address]) {
        for address in joining {
            let Some(validator) = self.keys.get(address) else { continue };
            extra.added_validators.push(validator.address);
            extra.added_public_keys.push(validator.g2_key);
            extra.added_g1_public_keys.push(validator.g1_key);
        }
    }

    /// The validators that sign block `number` of `blocks` (its epoch's set): the genesis block's
    /// set changed by each earlier epoch's last block. `blocks` must hold every block before
    /// `number`'s epoch.
    ///
    /// # Errors
    /// A message when a block's extra does not decode or names a validator change its set cannot
    /// make (never for blocks this sealer made).
    pub fn validators_for(&self, blocks: &[Block], number: u64) -> Result<ValidatorSet, String> {
        let size = self.config.epoch_size;
        let epoch = epoch_of(number, size).unwrap_or_default().max(1);
        let mut set = ValidatorSet::default();
        for last in (0..epoch).map(|e| e * size) {
            let block = usize::try_from(last)
                .ok()
                .and_then(|i| blocks.get(i))
                .ok_or_else(|| format!("block {last} (the last of epoch {}) is not in the chain", last / size))?;
            let (_, extra) = IstanbulExtra::from_extra_data(&block.header.extra_data)
                .map_err(|error| format!("block {last}'s Istanbul extra: {error}"))?;
            set = set.apply(&extra).map_err(|error| format!("block {last}'s validator change: {error}"))?;
        }
        Ok(set)
    }

    /// The proposer of block `number`, whose set is `set`: validator `number mod n` (Atlas
    /// rotates its proposers; the devnet always has round 0).
    pub fn proposer(set: &ValidatorSet, number: u64) -> Option<Address> {
        let count = u64::try_from(set.len()).ok().filter(|count| *count > 0)?;
        usize::try_from(number % count).ok().and_then(|index| set.addresses.get(index)).copied()
    }

    /// Seals `header` (its fields final but `extraData`; its coinbase the proposer's) as Atlas
    /// does, with `blocks` the chain before it: writes its Istanbul extra and returns its hash.
    ///
    /// # Errors
    /// As [`Ibft::validators_for`]; a message when the parent's extra does not decode or the
    /// proposer's keys are unknown.
    pub fn seal(&self, header: &mut Header, blocks: &[Block]) -> Result<B256, String> {
        let number = header.number;
        let set = self.validators_for(blocks, number)?;
        let proposer = Self::proposer(&set, number)
            .and_then(|address| self.keys.get(&address))
            .ok_or_else(|| format!("block {number} has no known proposer"))?;
        let parent = number
            .checked_sub(1)
            .and_then(|parent| usize::try_from(parent).ok())
            .and_then(|parent| blocks.get(parent))
            .ok_or_else(|| format!("block {number}'s parent is not in the chain"))?;
        let (_, parent_extra) = IstanbulExtra::from_extra_data(&parent.header.extra_data)
            .map_err(|error| format!("block {}'s Istanbul extra: {error}", number - 1))?;
        let mut extra =
            IstanbulExtra { parent_aggregated_seal: parent_extra.aggregated_seal, ..IstanbulExtra::default() };
        if is_last_of_epoch(number, self.config.epoch_size) {
            if let Some(proposed) = &self.proposed {
                extra.removed_validators = set
                    .addresses
                    .iter()
                    .enumerate()
                    .filter(|(_, address)| !proposed.contains(address))
                    .fold(U256::ZERO, |bitmap, (index, _)| bitmap | (U256::from(1u8) << index));
                let joining: Vec<Address> =
                    proposed.iter().filter(|address| !set.addresses.contains(address)).copied().collect();
                self.add(&mut extra, &joining);
            }
        }
        header.extra_data = extra.to_extra_data(&VANITY).into();
        let digest = proposer_digest(&atlas_header(header)).map_err(|error| error.to_string())?;
        extra.seal = proposer.seal(&digest).to_vec().into();
        header.extra_data = extra.to_extra_data(&VANITY).into();
        let hash = map_ibft::block_hash(&atlas_header(header)).map_err(|error| error.to_string())?;
        extra.aggregated_seal = self.commit(&set, hash)?;
        header.extra_data = extra.to_extra_data(&VANITY).into();
        Ok(hash)
    }

    /// The aggregated seal of the block `hash` by the present validators of `set` (round 0).
    ///
    /// # Errors
    /// A message when the commit message hashes off the curve (never) or a key is unknown.
    fn commit(&self, set: &ValidatorSet, hash: B256) -> Result<AggregatedSeal, String> {
        let round = U256::ZERO;
        let hashed = g1_affine(&hash_to_g1(&commit_message(hash, round)))
            .ok_or_else(|| format!("the commit message of {hash} hashes off the curve"))?;
        let mut bitmap = U256::ZERO;
        let mut secrets = ark_bn254::Fr::from(0u64);
        for (index, address) in set.addresses.iter().enumerate() {
            if self.config.absent.contains(address) {
                continue;
            }
            let validator = self.keys.get(address).ok_or_else(|| format!("validator {address}'s keys are unknown"))?;
            bitmap |= U256::from(1u8) << index;
            secrets += validator.bls_secret();
        }
        // Σ secretᵢ · H: the sum of the signers' signatures.
        let signature = g1_bytes(&(hashed * secrets).into_affine());
        Ok(AggregatedSeal { bitmap, signature: signature.to_vec().into(), round })
    }
}

/// The Atlas header of a devnet header: its 14 Atlas fields (the Ethereum-only ones dropped).
pub fn atlas_header(header: &Header) -> AtlasHeader {
    AtlasHeader {
        parent_hash: header.parent_hash,
        coinbase: header.beneficiary,
        root: header.state_root,
        tx_hash: header.transactions_root,
        receipt_hash: header.receipts_root,
        bloom: header.logs_bloom,
        number: header.number,
        gas_limit: header.gas_limit,
        gas_used: header.gas_used,
        time: header.timestamp,
        extra: header.extra_data.clone(),
        mix_digest: header.mix_hash,
        nonce: header.nonce,
        base_fee: header.base_fee_per_gas.map(U256::from),
    }
}

/// The Atlas hash of a sealed devnet header ([`map_ibft::block_hash`]).
///
/// # Errors
/// A message when its extra is not an Istanbul extra.
pub fn block_hash(header: &Header) -> Result<B256, String> {
    map_ibft::block_hash(&atlas_header(header)).map_err(|error| error.to_string())
}
