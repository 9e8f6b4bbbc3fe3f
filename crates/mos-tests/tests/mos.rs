//! The MOS programs on the devnet, deployed from their real wasm behind the MOS proxy.

mod mos {
    mod admin;
    mod constructor;
    mod destination;
    mod echo_example;
    mod entry_gas;
    mod fee_service;
    mod gas;
    mod map_scenarios;
    mod relay;
    mod retry;
    mod source;
}
