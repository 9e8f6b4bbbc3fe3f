//! ArbOS's own state, kept as Nitro keeps it: in the storage of the ArbOS state account, so that
//! revm's journal covers it and a reverted activation or cache change leaves nothing behind.
//!
//! The program record is Nitro's 32-byte word (reference §4.4, `programs.go` `setProgram`): version,
//! init cost, cached init cost, footprint, activation hour, asm estimate in KiB, cached flag. The
//! slot keys are the devnet's own (Nitro derives them through nested storage subspaces); tools read
//! this state through ArbWasm's methods, never by slot.

use alloy_primitives::{address, keccak256, Address, B256, U256};

use crate::{
    exec::DevJournal,
    stylus::{DataPricer, ProgramRecord},
};

/// The account whose storage holds ArbOS's state (Nitro's `types.ArbosStateAddress`). It has nonce 1
/// from genesis, so EIP-161 never prunes it.
pub const ARBOS_STATE: Address = address!("A4B05FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");

fn program_key(codehash: &B256) -> U256 {
    keyed(b"programs", codehash)
}

fn module_hash_key(codehash: &B256) -> U256 {
    keyed(b"moduleHashes", codehash)
}

fn keyed(space: &[u8], codehash: &B256) -> U256 {
    let mut preimage = space.to_vec();
    preimage.extend_from_slice(codehash.as_slice());
    U256::from_be_bytes(keccak256(preimage).0)
}

fn data_pricer_key() -> U256 {
    U256::from_be_bytes(keccak256(b"dataPricer").0)
}

fn load(journal: &mut DevJournal<'_>, key: U256) -> U256 {
    // The database is in memory and the load is never asked to skip a cold slot: it cannot fail.
    journal.inner.sload(&mut journal.database, ARBOS_STATE, key, false).map_or(U256::ZERO, |slot| slot.data)
}

fn store(journal: &mut DevJournal<'_>, key: U256, value: U256) {
    // As for `load`: an in-memory database that is never asked to skip a cold slot.
    let _ = journal.inner.sstore(&mut journal.database, ARBOS_STATE, key, value, false);
}

/// The record of the program with this code hash, if one was activated.
pub fn program(journal: &mut DevJournal<'_>, codehash: &B256) -> Option<ProgramRecord> {
    let word = load(journal, program_key(codehash));
    if word.is_zero() {
        return None;
    }
    let module_hash = B256::from(load(journal, module_hash_key(codehash)));
    Some(unpack(&word.to_be_bytes::<32>(), module_hash))
}

/// Writes the record of the program with this code hash.
pub fn set_program(journal: &mut DevJournal<'_>, codehash: &B256, record: &ProgramRecord) {
    store(journal, program_key(codehash), U256::from_be_bytes(pack(record)));
    store(journal, module_hash_key(codehash), U256::from_be_bytes(record.module_hash.0));
}

/// The data pricer's state.
pub fn data_pricer(journal: &mut DevJournal<'_>) -> DataPricer {
    let word = load(journal, data_pricer_key()).to_be_bytes::<32>();
    DataPricer {
        demand: u32::from_be_bytes([word[0], word[1], word[2], word[3]]),
        last_update: u64::from_be_bytes([word[4], word[5], word[6], word[7], word[8], word[9], word[10], word[11]]),
    }
}

/// Writes the data pricer's state.
pub fn set_data_pricer(journal: &mut DevJournal<'_>, pricer: DataPricer) {
    let mut word = [0u8; 32];
    word[..4].copy_from_slice(&pricer.demand.to_be_bytes());
    word[4..12].copy_from_slice(&pricer.last_update.to_be_bytes());
    store(journal, data_pricer_key(), U256::from_be_bytes(word));
}

/// Nitro's program word: bytes 0-1 version, 2-3 init cost, 4-5 cached cost, 6-7 footprint, 8-10
/// activation hour, 11-13 asm estimate (KiB), 14 cached.
fn pack(record: &ProgramRecord) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[0..2].copy_from_slice(&record.version.to_be_bytes());
    word[2..4].copy_from_slice(&record.init_cost.to_be_bytes());
    word[4..6].copy_from_slice(&record.cached_init_cost.to_be_bytes());
    word[6..8].copy_from_slice(&record.footprint.to_be_bytes());
    word[8..11].copy_from_slice(&record.activated_at.min(0xFF_FFFF).to_be_bytes()[1..]);
    word[11..14].copy_from_slice(&record.asm_estimate_kb.min(0xFF_FFFF).to_be_bytes()[1..]);
    word[14] = u8::from(record.cached);
    word
}

fn unpack(word: &[u8; 32], module_hash: B256) -> ProgramRecord {
    let u16_at = |i: usize| u16::from_be_bytes([word[i], word[i + 1]]);
    let u24_at = |i: usize| u32::from_be_bytes([0, word[i], word[i + 1], word[i + 2]]);
    ProgramRecord {
        version: u16_at(0),
        init_cost: u16_at(2),
        cached_init_cost: u16_at(4),
        footprint: u16_at(6),
        activated_at: u24_at(8),
        asm_estimate_kb: u24_at(11),
        cached: word[14] != 0,
        module_hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_packs_into_nitros_word_and_back() {
        let record = ProgramRecord {
            version: 2,
            init_cost: 0x1234,
            cached_init_cost: 0x0056,
            footprint: 3,
            activated_at: 0x01_0203,
            asm_estimate_kb: 0x00_0407,
            cached: true,
            module_hash: B256::repeat_byte(9),
        };
        let word = pack(&record);
        assert_eq!(&word[..15], &[0, 2, 0x12, 0x34, 0, 0x56, 0, 3, 1, 2, 3, 0, 4, 7, 1]);
        assert!(word[15..].iter().all(|b| *b == 0));
        assert_eq!(unpack(&word, record.module_hash), record);
    }
}
