//! MAP relay chain (Atlas) headers and their Istanbul extra: `mos_decoder_checks::chain_data::atlas_header`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::chain_data::atlas_header(data);
});
