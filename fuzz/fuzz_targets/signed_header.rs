//! UpdateBlockHeader's abi.encode(SignedHeader): `mos_decoder_checks::attestation::signed_header`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::attestation::signed_header(data);
});
