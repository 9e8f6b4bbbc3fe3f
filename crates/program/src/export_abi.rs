//! What `cargo stylus export-abi` and `cargo stylus constructor` run (feature `export-abi`).
//!
//! cargo-stylus runs a program crate's binary on the build machine with the `export-abi` feature:
//! `<bin> abi` must print the program's Solidity interface, `<bin> constructor` its constructor's
//! signature, or nothing when it has none (then `cargo stylus deploy` deploys and activates the
//! program without calling anything). Each program crate's `src/main.rs` calls [`main`] with the
//! Solidity sources of the interfaces it answers (the same files `abi/` ships) and its
//! constructor, if it has one ([`crate::constructor`]).

extern crate std;

use std::process::ExitCode;
use std::string::String;
use std::{eprintln, print, println};

/// The first two lines of every interface source: its licence and pragma, printed once.
const HEADER: &str = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n";

/// Runs the command cargo-stylus gives in the first argument: `abi` (or none) prints the
/// interfaces, `constructor` prints the constructor's signature (`constructor(address owner)`), or
/// nothing for a program without one; cargo-stylus then deploys a program with a constructor
/// through the chain's StylusDeployer, which calls it in the creating transaction.
///
/// Exits with status 2 and a usage line for any other argument.
pub fn main(interfaces: &[&str], constructor: Option<&str>) -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None | Some("abi") => {
            print!("{}", solidity(interfaces));
            ExitCode::SUCCESS
        }
        Some("constructor") => {
            if let Some(signature) = constructor {
                println!("{signature}");
            }
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command `{other}`: expected `abi` or `constructor` (cargo stylus export-abi runs this)");
            ExitCode::from(2)
        }
    }
}

/// One Solidity file of `interfaces`: the licence and pragma once, then each interface's source
/// without its own.
pub fn solidity(interfaces: &[&str]) -> String {
    let mut out = String::from(HEADER);
    for source in interfaces {
        out.push('\n');
        out.push_str(source.strip_prefix(HEADER).unwrap_or(source).trim_start_matches('\n'));
    }
    out
}
