//! MessageData in either encoding: decoding never panics, and what decodes re-encodes to the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mos_message::MessageData;

fuzz_target!(|data: &[u8]| {
    if let Ok((message, encoding)) = MessageData::decode_with_encoding(data) {
        assert_eq!(message.encode_as(encoding), data);
    }
});
