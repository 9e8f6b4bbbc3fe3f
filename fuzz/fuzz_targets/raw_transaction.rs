//! The devnet's raw (EIP-2718) transactions: `mos_decoder_checks::devnet::raw_transaction`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mos_decoder_checks::devnet::raw_transaction(data);
});
