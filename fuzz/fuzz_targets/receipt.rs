//! Receipts of every EIP-2718 type: `mos_decoder_checks::chain_data::receipt`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::chain_data::receipt(data);
});
