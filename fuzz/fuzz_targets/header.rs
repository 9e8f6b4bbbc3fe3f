//! Block headers: `mos_decoder_checks::chain_data::header`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::chain_data::header(data);
});
