//! `cargo stylus export-abi` for the relay chain's MOS (feature `export-abi`): prints the Solidity interfaces
//! the program answers, the files `abi/` ships. It has no constructor, so `cargo stylus
//! constructor` prints nothing: the program alone authorises nobody, and the MOS is its proxy,
//! created naming its admin (docs/mos-layout.md, "Initialisation and upgrades").

use mos_message::interfaces::solidity::{IMOSAdmin, IMOSExtensions, IMOSRelay, IMOSV3};

fn main() -> std::process::ExitCode {
    mos_program::export_abi::main(&[IMOSV3, IMOSRelay, IMOSAdmin, IMOSExtensions], None)
}
