//! End to end: three devnet chains, the MOS suite deployed over JSON-RPC, the messenger delivering;
//! the dApp scenarios run once with the Stylus Echo and once with the Solidity Echo.

mod e2e {
    mod batch;
    mod explorer;
    mod failures;
    mod faults;
    mod flow;
    mod proxy;
    mod reentry;
    mod relayed;
    mod reorg;
    mod restart;
    mod sealed;
    mod simulation;
}
