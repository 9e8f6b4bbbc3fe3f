//! Writes the seeds of every decoder check (`mos_tests::seeds`) into a cargo-fuzz corpus:
//! `fuzz-seeds DIR` creates `DIR/<target>/seed-<n>` for each target of `mos_decoder_checks`.
//! `make fuzz` runs it before the fuzz targets.

use std::path::PathBuf;
use std::process::ExitCode;

use mos_decoder_checks::TARGETS;
use mos_tests::seeds::Seeds;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: fuzz-seeds DIR (the cargo-fuzz corpus directory, fuzz/corpus)");
        return ExitCode::from(2);
    };
    let seeds = Seeds::new();
    for target in TARGETS {
        let target_dir = PathBuf::from(&dir).join(target.name);
        let written = std::fs::create_dir_all(&target_dir).and_then(|()| {
            seeds
                .of(target.name)
                .iter()
                .enumerate()
                .try_for_each(|(index, seed)| std::fs::write(target_dir.join(format!("seed-{index}")), seed))
        });
        if let Err(error) = written {
            eprintln!("fuzz-seeds: cannot write {}: {error}", target_dir.display());
            return ExitCode::FAILURE;
        }
    }
    println!("fuzz-seeds: seeds of {} targets in {dir}", TARGETS.len());
    ExitCode::SUCCESS
}
