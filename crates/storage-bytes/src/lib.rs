//! `bytes` and `string` values in a Stylus program's storage, laid out as Solidity lays them out,
//! read and written through the host's storage cache with 64-bit arithmetic only.
//!
//! stylus-sdk 0.10's `StorageBytes` / `StorageString` compute a long value's length with a 256-bit
//! division (`word / 2`), which links ruint's general division into the program: about 8 KB of wasm
//! and 5 KB of compressed code, a fifth of Nitro's 24 KiB limit for a small program. These functions
//! read and write the same layout without it, so a program can keep the SDK for everything else.
//!
//! Layout (Solidity's, and the SDK's): a value shorter than 32 bytes lives in its slot, left-aligned,
//! with `2 × len` in the last byte; a longer one stores `2 × len + 1` in its slot and its bytes in
//! consecutive slots from `keccak256(slot)`.

#![no_std]

extern crate alloc;

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{keccak256, B256, U256},
    stylus_core::Host,
};

/// The slot of `key` in a Solidity `mapping(bytes => ...)` / `mapping(string => ...)` whose own slot
/// is `base`: `keccak256(key ‖ base)`.
pub fn mapping_slot(key: &[u8], base: U256) -> U256 {
    let mut preimage = Vec::with_capacity(key.len() + 32);
    preimage.extend_from_slice(key);
    preimage.extend_from_slice(&base.to_be_bytes::<32>());
    U256::from_be_bytes(keccak256(preimage).0)
}

/// Where a long value's bytes start.
fn data_slot(slot: U256) -> U256 {
    U256::from_be_bytes(keccak256(slot.to_be_bytes::<32>()).0)
}

/// The length a slot's word declares.
fn declared_len(root: &B256) -> usize {
    let last = root.0[31];
    if last & 1 == 0 {
        return usize::from(last / 2);
    }
    // A long value's word is `2 × len + 1`; lengths beyond 64 bits cannot exist in storage anyway.
    let mut low = [0u8; 8];
    low.copy_from_slice(&root.0[24..]);
    usize::try_from(u64::from_be_bytes(low) / 2).unwrap_or(usize::MAX)
}

/// The value stored at `slot` (empty if none).
pub fn load(host: &impl Host, slot: U256) -> Vec<u8> {
    let root = host.storage_load_bytes32(slot);
    let len = declared_len(&root);
    if root.0[31] & 1 == 0 {
        return root.0[..len.min(31)].to_vec();
    }
    let start = data_slot(slot);
    let mut out = Vec::with_capacity(len.saturating_add(31));
    let mut index = 0u64;
    while out.len() < len {
        out.extend_from_slice(host.storage_load_bytes32(start + U256::from(index)).as_slice());
        index += 1;
    }
    out.truncate(len);
    out
}

/// Stores `value` at `slot`, clearing the words a longer previous value used.
pub fn store(host: &impl Host, slot: U256, value: &[u8]) {
    let previous_words = match host.storage_load_bytes32(slot) {
        root if root.0[31] & 1 == 1 => declared_len(&root).div_ceil(32),
        _ => 0,
    };
    let start = data_slot(slot);
    let words = if value.len() < 32 {
        let mut word = [0u8; 32];
        word[..value.len()].copy_from_slice(value);
        word[31] = (value.len() * 2) as u8;
        write(host, slot, B256::from(word));
        0
    } else {
        write(host, slot, B256::from(U256::from(value.len() as u64 * 2 + 1)));
        for (index, chunk) in value.chunks(32).enumerate() {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            write(host, start + U256::from(index as u64), B256::from(word));
        }
        value.len().div_ceil(32)
    };
    for index in words..previous_words {
        write(host, start + U256::from(index as u64), B256::ZERO);
    }
}

fn write(host: &impl Host, slot: U256, word: B256) {
    // SAFETY: the caches the SDK's storage types keep are per field; a program using this crate
    // for a slot does not also access that slot through an SDK type, so nothing aliases it.
    #[allow(unsafe_code)]
    unsafe {
        host.storage_cache_bytes32(slot, word);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use stylus_test::TestVM;

    fn word(vm: &TestVM, slot: U256) -> B256 {
        vm.get_storage(slot)
    }

    #[test]
    fn a_short_value_lives_in_its_slot_with_twice_its_length_last() {
        let vm = TestVM::new();
        store(&vm, U256::from(3), b"hello");
        let root = word(&vm, U256::from(3));
        assert_eq!(&root.0[..5], b"hello");
        assert_eq!(root.0[31], 10);
        assert_eq!(load(&vm, U256::from(3)), b"hello");
    }

    #[test]
    fn a_long_value_stores_twice_its_length_plus_one_and_its_bytes_from_keccak_of_the_slot() {
        let vm = TestVM::new();
        let value: Vec<u8> = (0..70u8).collect();
        store(&vm, U256::from(3), &value);
        assert_eq!(U256::from_be_bytes(word(&vm, U256::from(3)).0), U256::from(141));
        let start = data_slot(U256::from(3));
        assert_eq!(&word(&vm, start).0[..], &value[..32]);
        assert_eq!(&word(&vm, start + U256::from(2)).0[..6], &value[64..]);
        assert_eq!(load(&vm, U256::from(3)), value);
    }

    #[test]
    fn a_shorter_value_clears_the_words_the_longer_one_used() {
        let vm = TestVM::new();
        let start = data_slot(U256::from(9));
        store(&vm, U256::from(9), &[7u8; 100]);
        store(&vm, U256::from(9), &[1u8; 40]);
        assert_eq!(load(&vm, U256::from(9)), [1u8; 40]);
        assert_eq!(word(&vm, start + U256::from(2)), B256::ZERO);
        assert_eq!(word(&vm, start + U256::from(3)), B256::ZERO);
        store(&vm, U256::from(9), b"");
        assert_eq!(word(&vm, start), B256::ZERO);
        assert!(load(&vm, U256::from(9)).is_empty());
    }

    #[test]
    fn mapping_slots_are_solidity_s() {
        // keccak256("k" ‖ uint256(1)), as `mapping(string => string)` at slot 1 places key "k".
        let mut preimage = std::vec![b'k'];
        preimage.extend_from_slice(&U256::from(1).to_be_bytes::<32>());
        assert_eq!(mapping_slot(b"k", U256::from(1)), U256::from_be_bytes(keccak256(preimage).0));
    }
}
