//! UpdateLightClient's abi.encode(SignedRotation): `mos_decoder_checks::attestation::signed_rotation`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::attestation::signed_rotation(data);
});
