//! `cargo stylus export-abi` for the fee service (feature `export-abi`): prints the Solidity interfaces
//! the program answers, the files `abi/` ships; `cargo stylus constructor` prints its constructor,
//! which records its owner when `cargo stylus deploy` creates it (`mos_program::constructor`).

use mos_message::interfaces::solidity::IFeeService;

fn main() -> std::process::ExitCode {
    mos_program::export_abi::main(&[IFeeService], Some("constructor(address owner)"))
}
