//! Epochs and validator sets (`consensus/istanbul` of mapprotocol/atlas; MAP's `LightNode`).
//!
//! Blocks `(e − 1)·size + 1 ..= e·size` are epoch `e`'s, signed by its validator set. Block `e·size`,
//! the epoch's last, carries the change that makes epoch `e + 1`'s set: the old set without the
//! validators its removal bitmap names (in their order), then the added ones appended.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};

use crate::{IbftError, IstanbulExtra, G1_KEY_LENGTH, G2_KEY_LENGTH};

/// The epoch of block `number` for epochs of `epoch_size` blocks; `None` for a size of 0.
pub fn epoch_of(number: u64, epoch_size: u64) -> Option<u64> {
    let whole = number.checked_div(epoch_size)?;
    Some(if number.is_multiple_of(epoch_size) { whole } else { whole + 1 })
}

/// Whether block `number` is the last of its epoch (the one that changes the validator set);
/// `false` for a size of 0.
pub fn is_last_of_epoch(number: u64, epoch_size: u64) -> bool {
    number.checked_rem(epoch_size) == Some(0)
}

/// How many of `validators` must sign a block: more than two thirds, `⌊2n/3⌋ + 1`.
///
/// MAP's light node and Atlas (`MinQuorumSize`, `⌈2n/3⌉`) take `n − ⌊n/3⌋`, the same number
/// unless `n` is a multiple of 3, where theirs is exactly two thirds and ours one more: a block
/// signed by exactly two thirds of a set of 3, 6, 9… validators is refused here (the safer side; it
/// costs liveness only while a third of the validators do not sign).
pub fn quorum(validators: usize) -> usize {
    validators * 2 / 3 + 1
}

/// An epoch's validators, in their order (bit i of a bitmap is validator i).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidatorSet {
    /// Their addresses.
    pub addresses: Vec<Address>,
    /// Their G2 public keys.
    pub g2_keys: Vec<[u8; G2_KEY_LENGTH]>,
    /// Their G1 public keys.
    pub g1_keys: Vec<[u8; G1_KEY_LENGTH]>,
}

impl ValidatorSet {
    /// How many validators.
    pub fn len(&self) -> usize {
        self.addresses.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    /// The next epoch's set: this one changed by the Istanbul extra of this epoch's last block.
    ///
    /// # Errors
    /// [`IbftError::RemovedBeyondSet`] when the removal bitmap names a validator this set does
    /// not have; [`IbftError::ItemCount`] when the added addresses and keys differ in number.
    pub fn apply(&self, extra: &IstanbulExtra) -> Result<Self, IbftError> {
        let removed = extra.removed_validators;
        check_removal(removed, self.len())?;
        let added = extra.added_validators.len();
        if extra.added_public_keys.len() != added || extra.added_g1_public_keys.len() != added {
            return Err(IbftError::ItemCount {
                what: "added validators' keys",
                expected: "one G2 and one G1 key per added validator",
                found: extra.added_public_keys.len().min(extra.added_g1_public_keys.len()),
            });
        }
        let mut next = Self {
            addresses: kept(&self.addresses, removed),
            g2_keys: kept(&self.g2_keys, removed),
            g1_keys: kept(&self.g1_keys, removed),
        };
        next.addresses.extend_from_slice(&extra.added_validators);
        next.g2_keys.extend_from_slice(&extra.added_public_keys);
        next.g1_keys.extend_from_slice(&extra.added_g1_public_keys);
        Ok(next)
    }
}

/// The G1 keys of the next epoch's validators: `keys`, the current epoch's, changed by the Istanbul
/// extra of its last block (what a light node that stores G1 keys only keeps, as MAP's does).
///
/// # Errors
/// [`IbftError::RemovedBeyondSet`] when the removal bitmap names a validator `keys` lacks.
pub fn next_g1_keys(
    keys: &[[u8; G1_KEY_LENGTH]],
    extra: &IstanbulExtra,
) -> Result<Vec<[u8; G1_KEY_LENGTH]>, IbftError> {
    let removed = extra.removed_validators;
    check_removal(removed, keys.len())?;
    let mut next = kept(keys, removed);
    next.extend_from_slice(&extra.added_g1_public_keys);
    Ok(next)
}

/// Checks that the removal bitmap `removed` names validators of a set of `size` only.
fn check_removal(removed: U256, size: usize) -> Result<(), IbftError> {
    if removed.bit_len() > size {
        return Err(IbftError::RemovedBeyondSet { index: removed.bit_len() - 1, size });
    }
    Ok(())
}

/// The items whose bit is clear in `removed`, in their order.
fn kept<T: Copy>(items: &[T], removed: U256) -> Vec<T> {
    items.iter().enumerate().filter(|(index, _)| !removed.bit(*index)).map(|(_, item)| *item).collect()
}
