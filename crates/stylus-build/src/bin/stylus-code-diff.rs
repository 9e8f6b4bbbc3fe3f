//! `stylus-code-diff OURS THEIRS`: whether two Stylus programs' account codes hold the same program.
//!
//! Each argument is a file holding account code as `0x`-prefixed hex (`<package>.code.hex` from
//! `stylus-build`, or what `eth_getCode` answered for a program `cargo stylus deploy` deployed).
//! Both are decompressed as activation does, and the wasm compared byte for byte, but for the
//! 32 bytes of the `project_hash` custom section, which is a hash of the sources and says how they
//! were hashed, not what runs: `stylus-build` and cargo-stylus hash different file sets. Prints
//! what it found; exits 0 when the programs are the same, 1 when they differ, 2 on bad input.

use std::process::ExitCode;

use alloy_primitives::hex;
use stylus_wasm::deploy::{decompress_program, MAX_WASM_SIZE, PROJECT_HASH_SECTION};
use wasmparser::{Parser, Payload};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [ours, theirs] = args.as_slice() else {
        eprintln!("usage: stylus-code-diff OURS.code.hex THEIRS.code.hex");
        return ExitCode::from(2);
    };
    match (program(ours), program(theirs)) {
        (Ok(ours), Ok(theirs)) => compare(&ours, &theirs),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("stylus-code-diff: {message}");
            ExitCode::from(2)
        }
    }
}

/// A program's wasm and where its `project_hash` lies in it.
struct Program {
    wasm: Vec<u8>,
    project_hash: Option<std::ops::Range<usize>>,
}

/// Reads account code from `path` and decompresses it.
fn program(path: &str) -> Result<Program, String> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("{path}: {err}"))?;
    let code = hex::decode(text.trim()).map_err(|err| format!("{path}: not hex: {err}"))?;
    let wasm = decompress_program(&code, MAX_WASM_SIZE).map_err(|err| format!("{path}: {err}"))?;
    let mut project_hash = None;
    for payload in Parser::new(0).parse_all(&wasm) {
        if let Payload::CustomSection(section) = payload.map_err(|err| format!("{path}: {err}"))? {
            if section.name() == PROJECT_HASH_SECTION {
                project_hash = Some(section.data_offset()..section.data_offset() + section.data().len());
            }
        }
    }
    Ok(Program { wasm, project_hash })
}

/// Compares two programs, the project hashes aside; prints the verdict.
fn compare(ours: &Program, theirs: &Program) -> ExitCode {
    let hash = |program: &Program| program.project_hash.clone().map(|range| hex::encode(&program.wasm[range]));
    let mut aligned = ours.wasm.clone();
    if let (Some(our_range), Some(their_range)) = (&ours.project_hash, &theirs.project_hash) {
        if our_range == their_range {
            aligned[our_range.clone()].copy_from_slice(&theirs.wasm[their_range.clone()]);
        }
    }
    if aligned != theirs.wasm {
        let at =
            aligned.iter().zip(&theirs.wasm).position(|(a, b)| a != b).unwrap_or(aligned.len().min(theirs.wasm.len()));
        println!(
            "different programs: {} and {} bytes of wasm, first different byte at {at}",
            ours.wasm.len(),
            theirs.wasm.len()
        );
        return ExitCode::FAILURE;
    }
    match (hash(ours), hash(theirs)) {
        (ours_hash, theirs_hash) if ours_hash == theirs_hash => println!("the same program, byte for byte"),
        (ours_hash, theirs_hash) => println!(
            "the same program: {} bytes of wasm equal but for the project hash ({} and {})",
            ours.wasm.len(),
            ours_hash.unwrap_or_default(),
            theirs_hash.unwrap_or_default()
        ),
    }
    ExitCode::SUCCESS
}
