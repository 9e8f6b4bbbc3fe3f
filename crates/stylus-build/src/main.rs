//! `stylus-build`: builds Stylus program packages of the workspace to deployable bytes and checks
//! them against Nitro's limits (what `make wasm` runs).
//!
//! For each package it writes, into the output directory:
//! - `<package>.wasm`: the processed wasm (binary), what activation decompresses the code to;
//! - `<package>.code.hex`: the account code (`EF F0 00 00 ‖ brotli`), `0x`-prefixed hex;
//! - `<package>.init.hex`: the creation transaction's data (prelude ‖ code), `0x`-prefixed hex.
//!
//! Code and init code are hex because that is how they are used: as JSON-RPC `data`, or pasted
//! into `cast`. It exits with status 1 when any package fails to build or breaks a limit.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use alloy_primitives::hex;
use clap::Parser;
use stylus_build::{
    build_program, default_cargo, default_target_dir, program_build_env, sizes_markdown, BuildSpec, ProgramArtifacts,
};
use stylus_wasm::deploy::SizeLimits;

/// Build Stylus programs to deployable bytes, as `cargo stylus` would.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The program packages to build.
    #[arg(required_unless_present = "print_env")]
    packages: Vec<String>,
    /// Print, as bash `export` lines, the environment under which cargo's (and so cargo-stylus's)
    /// own `cargo build --release --target wasm32-unknown-unknown` of a program builds these same
    /// bytes, and build nothing.
    #[arg(long)]
    print_env: bool,
    /// Where to write the artifacts [default: <workspace>/target/stylus/programs].
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Also write a markdown table of sizes and limit margins to this file.
    #[arg(long)]
    sizes_md: Option<PathBuf>,
    /// The workspace root [default: the workspace of the current directory].
    #[arg(long)]
    workspace: Option<PathBuf>,
    /// The target directory of the nested builds [default: <workspace>/target/stylus].
    #[arg(long)]
    target_dir: Option<PathBuf>,
    /// Fail rather than update a stale Cargo.lock.
    #[arg(long)]
    locked: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.print_env {
        print_env();
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("stylus-build: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Builds every package; `Ok(false)` when some failed (each failure already reported).
fn run(args: &Args) -> Result<bool, String> {
    let workspace = match &args.workspace {
        Some(workspace) => workspace.clone(),
        None => locate_workspace(&default_cargo())?,
    };
    let out_dir = args.out_dir.clone().unwrap_or_else(|| default_target_dir(&workspace).join("programs"));
    std::fs::create_dir_all(&out_dir).map_err(|err| format!("{}: {err}", out_dir.display()))?;

    let limits = SizeLimits::default();
    let mut built = Vec::new();
    let mut all_ok = true;
    for package in &args.packages {
        let spec = BuildSpec {
            target_dir: args.target_dir.clone(),
            locked: args.locked,
            limits,
            ..BuildSpec::new(package, &workspace)
        };
        eprintln!("building {package}");
        match build_program(&spec)
            .map_err(|err| err.to_string())
            .and_then(|program| write(&program, &out_dir).map(|()| program))
        {
            Ok(program) => {
                println!(
                    "{package}: raw {} B, wasm {} B, code {} B, {} page(s) at entry",
                    program.raw_wasm.len(),
                    program.sizes.wasm_len,
                    program.sizes.code_len,
                    program.info.footprint
                );
                built.push(program);
            }
            Err(message) => {
                eprintln!("stylus-build: {message}");
                all_ok = false;
            }
        }
    }

    if let Some(path) = &args.sizes_md {
        std::fs::write(path, sizes_markdown(&built, &limits)).map_err(|err| format!("{}: {err}", path.display()))?;
    }
    Ok(all_ok)
}

/// Writes a program's processed wasm, code and init code into `out_dir`.
fn write(program: &ProgramArtifacts, out_dir: &Path) -> Result<(), String> {
    let files = [
        (format!("{}.wasm", program.package), program.wasm.clone()),
        (format!("{}.code.hex", program.package), format!("{}\n", hex::encode_prefixed(&program.code)).into_bytes()),
        (
            format!("{}.init.hex", program.package),
            format!("{}\n", hex::encode_prefixed(&program.init_code)).into_bytes(),
        ),
    ];
    for (name, contents) in files {
        let path = out_dir.join(name);
        std::fs::write(&path, contents).map_err(|err| format!("{}: {err}", path.display()))?;
    }
    Ok(())
}

/// The root of the workspace the current directory belongs to, as cargo finds it.
fn locate_workspace(cargo: &Path) -> Result<PathBuf, String> {
    let output = Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|err| format!("cannot run cargo (`{}`): {err}", cargo.display()))?;
    if !output.status.success() {
        return Err(format!("no cargo workspace here: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("cargo located no workspace: {}", manifest.display()))
}

/// Prints [`program_build_env`] as bash `export` lines (ANSI-C quoted: the rustflags are separated
/// by 0x1f).
fn print_env() {
    let spec = BuildSpec::new("", Path::new("."));
    for (name, value) in program_build_env(&spec) {
        let value = value.to_string_lossy().replace('\\', "\\\\").replace('\'', "\\'").replace('\x1f', "\\x1f");
        println!("export {name}=$'{value}'");
    }
}
