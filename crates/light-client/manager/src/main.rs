//! `cargo stylus export-abi` for the light-client manager (feature `export-abi`): prints the Solidity interfaces
//! the program answers, the files `abi/` ships. It has no constructor, so `cargo stylus
//! constructor` prints nothing; docs/operators.md says how it is initialised.

use light_client_iface::interfaces::solidity::{ILightClientManager, ILightClientManagerAdmin};

fn main() -> std::process::ExitCode {
    mos_program::export_abi::main(&[ILightClientManager, ILightClientManagerAdmin])
}
