//! `cargo stylus export-abi` for the committee light node (feature `export-abi`): prints the Solidity interfaces
//! the program answers, the files `abi/` ships; `cargo stylus constructor` prints its constructor,
//! which records its deployer when `cargo stylus deploy` creates it (`mos_program::constructor`).

use light_client_iface::interfaces::solidity::{ICommitteeLightNode, ILightNode};

fn main() -> std::process::ExitCode {
    mos_program::export_abi::main(&[ILightNode, ICommitteeLightNode], Some("constructor(address deployer)"))
}
