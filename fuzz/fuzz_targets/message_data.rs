//! MessageData in either encoding: `mos_decoder_checks::message::message_data`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::message::message_data(data);
});
