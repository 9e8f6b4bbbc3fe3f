//! The receipt-proof envelope, verified: `mos_decoder_checks::chain_data::receipt_proof`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::chain_data::receipt_proof(data);
});
