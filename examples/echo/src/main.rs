//! `cargo stylus export-abi` for Echo (feature `export-abi`): the Solidity interface stylus-sdk
//! generates from its `#[public]` functions (the same functions as `IEcho.sol`).

fn main() {
    mos_echo::print_from_args();
}
