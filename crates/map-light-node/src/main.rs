//! `cargo stylus export-abi` for the MAP light node (feature `export-abi`): prints the Solidity
//! interfaces the program answers, the files `abi/` ships; `cargo stylus constructor` prints its
//! constructor, which records its deployer when `cargo stylus deploy` creates it.

use light_client_iface::interfaces::solidity::{ILightNode, IMapLightNode};

fn main() -> std::process::ExitCode {
    mos_program::export_abi::main(&[ILightNode, IMapLightNode], Some("constructor(address deployer)"))
}
