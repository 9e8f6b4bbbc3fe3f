//! The light node's storage: raw slots, documented in the crate docs ("Storage").

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use map_ibft::G1_KEY_LENGTH;
use mos_program::{mapping_slot, Host};

/// The deployer, recorded by the init code (`init_code_recording_deployer`): the only account
/// that may call `initialize`.
pub const DEPLOYER_SLOT: [u8; 32] = [0; 32];
/// [`Config`].
const CONFIG: U256 = U256::from_limbs([1, 0, 0, 0]);
/// Base of `mapping(uint256 epoch => keys)`: the count at the slot, then x and y of each key.
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

/// The G1 keys of `epoch`'s validators (none for an epoch not stored).
pub fn keys(host: &Host, epoch: u64) -> Vec<[u8; G1_KEY_LENGTH]> {
    let base = epoch_slot(host, epoch);
    let count = U256::from_be_bytes(host.load(base).0).saturating_to::<usize>().min(MAX_VALIDATORS);
    (0..count)
        .map(|index| {
            let at = base + U256::from(1 + 2 * index);
            let mut key = [0u8; G1_KEY_LENGTH];
            key[..32].copy_from_slice(host.load(at).as_slice());
            key[32..].copy_from_slice(host.load(at + U256::from(1)).as_slice());
            key
        })
        .collect()
}

/// Stores `keys` as `epoch`'s validators.
pub fn set_keys(host: &Host, epoch: u64, keys: &[[u8; G1_KEY_LENGTH]]) {
    let base = epoch_slot(host, epoch);
    host.store(base, U256::from(keys.len()).into());
    for (index, key) in keys.iter().enumerate() {
        let at = base + U256::from(1 + 2 * index);
        host.store(at, B256::from_slice(&key[..32]));
        host.store(at + U256::from(1), B256::from_slice(&key[32..]));
    }
}
