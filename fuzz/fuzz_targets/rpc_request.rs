//! The devnet's JSON-RPC request bodies: `mos_decoder_checks::devnet::rpc_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::devnet::rpc_request(data);
});
