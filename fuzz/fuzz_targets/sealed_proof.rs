//! The MAP light node's sealed headers and receipt proofs: `mos_decoder_checks::chain_data::sealed_proof`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::chain_data::sealed_proof(data);
});
