//! End to end: three devnet chains, the MOS suite deployed over JSON-RPC, the messenger delivering.

mod e2e {
    mod batch;
    mod failures;
    mod flow;
    mod restart;
}
