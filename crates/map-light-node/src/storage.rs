//! The light node's storage: raw slots, documented in the crate docs ("Storage").

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use map_ibft::{EpochKeys, G1Point, SealError, G1_KEY_LENGTH};
use mos_program::{mapping_slot, Host};

/// The deployer, recorded by the init code (`init_code_recording_deployer`): the only account
/// that may call `initialize`.
pub const DEPLOYER_SLOT: [u8; 32] = [0; 32];
/// [`Config`].
const CONFIG: U256 = U256::from_limbs([1, 0, 0, 0]);
/// Base of `mapping(uint256 epoch => keys)`: the count at the slot, then x and y of each key,
/// then x and y of their sum.
const EPOCHS: u64 = 2;

/// The most validators an epoch may have: the bitmap's width.
pub const MAX_VALIDATORS: usize = 256;

/// The deployer recorded at creation (zero when the program was deployed without it: then nobody
/// can initialise it).
pub fn deployer(host: &Host) -> Address {
    Address::from_word(host.load(U256::from_be_bytes(DEPLOYER_SLOT)))
}

/// The configuration, one word: `0 ‖ currentEpoch ‖ firstEpoch ‖ epochSize`, 64 bits each from
/// the most significant. All zero before `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Config {
    /// Blocks per epoch.
    pub epoch_size: u64,
    /// The epoch `initialize` set.
    pub first_epoch: u64,
    /// The latest epoch whose validators are stored.
    pub current_epoch: u64,
}

impl Config {
    /// Reads the configuration.
    pub fn load(host: &Host) -> Self {
        let [epoch_size, first_epoch, current_epoch, _] = U256::from_be_bytes(host.load(CONFIG).0).into_limbs();
        Self { epoch_size, first_epoch, current_epoch }
    }

    /// Writes the configuration.
    pub fn store(&self, host: &Host) {
        host.store(CONFIG, U256::from_limbs([self.epoch_size, self.first_epoch, self.current_epoch, 0]).into());
    }

    /// Whether `initialize` has run.
    pub fn initialized(&self) -> bool {
        self.epoch_size != 0
    }

    /// Whether the node holds `epoch`'s validators.
    pub fn holds(&self, epoch: u64) -> bool {
        self.initialized() && (self.first_epoch..=self.current_epoch).contains(&epoch)
    }
}

fn epoch_slot(host: &Host, epoch: u64) -> U256 {
    mapping_slot(host, U256::from(epoch).into(), U256::from(EPOCHS))
}

/// Slot `offset` words after `base`.
fn at(base: U256, offset: usize) -> U256 {
    base + U256::from(offset)
}

/// The point stored at `slot` and the next.
fn load_point(host: &Host, slot: U256) -> G1Point {
    G1Point { x: U256::from_be_bytes(host.load(slot).0), y: U256::from_be_bytes(host.load(slot + U256::from(1)).0) }
}

/// `epoch`'s validators' keys in storage, read as asked ([`EpochKeys`]): a seal check reads the
/// count, the sum and the keys of the validators who did not sign.
pub struct StoredKeys<'a> {
    host: &'a Host,
    base: U256,
    count: usize,
}

impl<'a> StoredKeys<'a> {
    /// The keys of `epoch` (none for an epoch not stored).
    pub fn of(host: &'a Host, epoch: u64) -> Self {
        let base = epoch_slot(host, epoch);
        let count = U256::from_be_bytes(host.load(base).0).saturating_to::<usize>().min(MAX_VALIDATORS);
        Self { host, base, count }
    }

    /// Every key, in order.
    pub fn all(&self) -> Vec<[u8; G1_KEY_LENGTH]> {
        (0..self.count).map(|index| load_point(self.host, at(self.base, 1 + 2 * index)).to_bytes()).collect()
    }
}

impl EpochKeys for StoredKeys<'_> {
    fn count(&self) -> usize {
        self.count
    }

    fn sum(&self) -> Result<G1Point, SealError> {
        let sum = load_point(self.host, at(self.base, 1 + 2 * self.count));
        G1Point::from_bytes(&sum.to_bytes()).ok_or(SealError::ValidatorKey(self.count))
    }

    fn key(&self, index: usize) -> Result<G1Point, SealError> {
        if index >= self.count {
            return Err(SealError::ValidatorKey(index));
        }
        let key = load_point(self.host, at(self.base, 1 + 2 * index));
        G1Point::from_bytes(&key.to_bytes()).ok_or(SealError::ValidatorKey(index))
    }
}

/// Stores `keys` as `epoch`'s validators, with `sum`, the sum of the keys.
pub fn set_keys(host: &Host, epoch: u64, keys: &[[u8; G1_KEY_LENGTH]], sum: G1Point) {
    let base = epoch_slot(host, epoch);
    host.store(base, U256::from(keys.len()).into());
    let points = keys.iter().map(|key| (B256::from_slice(&key[..32]), B256::from_slice(&key[32..])));
    let sum = (sum.x.into(), sum.y.into());
    for (index, (x, y)) in points.chain([sum]).enumerate() {
        host.store(at(base, 1 + 2 * index), x);
        host.store(at(base, 2 + 2 * index), y);
    }
}
