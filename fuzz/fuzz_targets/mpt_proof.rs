//! Merkle-Patricia proofs: `mos_decoder_checks::chain_data::mpt_proof`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::chain_data::mpt_proof(data);
});
