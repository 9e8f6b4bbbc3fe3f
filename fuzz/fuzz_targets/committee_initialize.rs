//! The committee light node's initialize arguments: `mos_decoder_checks::attestation::committee_initialize`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::attestation::committee_initialize(data);
});
