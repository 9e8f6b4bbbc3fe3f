//! `cargo stylus export-abi` for the committee light node (feature `export-abi`): prints the Solidity interfaces
//! the program answers, the files `abi/` ships. It has no constructor, so `cargo stylus
//! constructor` prints nothing; docs/operators.md says how it is initialised.

use light_client_iface::interfaces::solidity::{ICommitteeLightNode, ILightNode};

fn main() -> std::process::ExitCode {
    mos_program::export_abi::main(&[ILightNode, ICommitteeLightNode])
}
