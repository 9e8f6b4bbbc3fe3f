//! `cargo stylus export-abi` for the light-client manager (feature `export-abi`): prints the Solidity interfaces
//! the program answers, the files `abi/` ships; `cargo stylus constructor` prints its constructor,
//! which records its admin when `cargo stylus deploy` creates it (`mos_program::constructor`).

use light_client_iface::interfaces::solidity::{ILightClientManager, ILightClientManagerAdmin};

fn main() -> std::process::ExitCode {
    mos_program::export_abi::main(&[ILightClientManager, ILightClientManagerAdmin], Some("constructor(address admin)"))
}
