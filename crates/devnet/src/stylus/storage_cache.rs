//! The storage cache of one Stylus program invocation (reference §3).
//!
//! Nitro gives each invocation its own cache: loads hit it for a small fee after the first miss,
//! writes only land in it, and a flush sends the dirty slots to the state in one batch, where the
//! EVM's SSTORE costs apply. Writes never flushed are discarded. The read and write counters price
//! every access, hit or not, by how many came before.

use std::collections::HashMap;

use alloy_primitives::U256;

/// A cached word: its current value and the value the state holds, if known.
#[derive(Debug, Clone, Copy)]
struct Slot {
    value: U256,
    known: Option<U256>,
}

/// One invocation's cache.
#[derive(Debug, Default)]
pub struct StorageCache {
    slots: HashMap<U256, Slot>,
    reads: u64,
    writes: u64,
}

impl StorageCache {
    /// Gas for the next read (§3 counters): free for the first 32, 2 up to 128, then 10.
    pub fn read_gas(&mut self) -> u64 {
        self.reads += 1;
        match self.reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        }
    }

    /// Gas for the next write: free for the first 8, 7 up to 64, then 10.
    pub fn write_gas(&mut self) -> u64 {
        self.writes += 1;
        match self.writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        }
    }

    /// The cached value of `key`, if any.
    pub fn get(&self, key: &U256) -> Option<U256> {
        self.slots.get(key).map(|slot| slot.value)
    }

    /// Records a value read from the state.
    pub fn insert_known(&mut self, key: U256, value: U256) {
        self.slots.insert(key, Slot { value, known: Some(value) });
    }

    /// Records a write. A slot never read is always dirty, even when the value is unchanged.
    pub fn write(&mut self, key: U256, value: U256) {
        self.slots.entry(key).and_modify(|slot| slot.value = value).or_insert(Slot { value, known: None });
    }

    /// Takes the dirty slots (marking them known) and, with `clear`, empties the cache.
    pub fn take_dirty(&mut self, clear: bool) -> Vec<(U256, U256)> {
        let mut dirty = Vec::new();
        for (key, slot) in &mut self.slots {
            if slot.known != Some(slot.value) {
                dirty.push((*key, slot.value));
                slot.known = Some(slot.value);
            }
        }
        if clear {
            self.slots.clear();
        }
        // Nitro iterates a hash map; a fixed order keeps the devnet deterministic.
        dirty.sort_unstable_by_key(|(key, _)| *key);
        dirty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_follow_nitros_tiers() {
        let mut cache = StorageCache::default();
        let reads: Vec<u64> = (0..130).map(|_| cache.read_gas()).collect();
        assert_eq!(reads[31], 0);
        assert_eq!(reads[32], 2);
        assert_eq!(reads[127], 2);
        assert_eq!(reads[128], 10);
        let writes: Vec<u64> = (0..66).map(|_| cache.write_gas()).collect();
        assert_eq!((writes[7], writes[8], writes[63], writes[64]), (0, 7, 7, 10));
    }

    #[test]
    fn a_blind_write_is_dirty_even_when_unchanged_and_a_read_then_same_write_is_not() {
        let mut cache = StorageCache::default();
        cache.write(U256::from(1), U256::ZERO);
        cache.insert_known(U256::from(2), U256::from(5));
        cache.write(U256::from(2), U256::from(5));
        assert_eq!(cache.take_dirty(false), vec![(U256::from(1), U256::ZERO)]);
        assert!(cache.take_dirty(false).is_empty(), "flushed slots become known");
    }
}
