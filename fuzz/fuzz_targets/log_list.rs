//! RLP log lists and the mapMessageOut logs in them: `mos_decoder_checks::message::log_list`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::message::log_list(data);
});
