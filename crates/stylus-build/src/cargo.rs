//! Running the nested `cargo build` and finding what it produced.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

use crate::{BuildError, BuildSpec, WASM_TARGET};

/// How many lines of cargo's stderr a [`BuildError::BuildFailed`] keeps.
const STDERR_TAIL_LINES: usize = 40;

/// Environment variables that would add to or replace the flags this crate sets, or move the target
/// directory: the nested build must depend on nothing but the spec.
const OVERRIDING_ENV: [&str; 6] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
];

/// The standard library is built with the program, from the toolchain's `rust-src`, so that
/// `-Cpanic=immediate-abort` reaches it: stylus-sdk 0.10 links `std` (its `stylus-core` depends on
/// `regex`), and the prebuilt `std` would bring its panic machinery and `core::fmt` into every
/// program, about 7.4 KB of wasm (docs/sizes.md). Both switches are unstable: the nested build sets
/// `RUSTC_BOOTSTRAP=1` on the pinned stable compiler rather than depending on a nightly.
/// (`-Zbuild-std` as cargo's `CARGO_UNSTABLE_BUILD_STD`, so that the same environment makes
/// cargo-stylus's own `cargo build` build the same bytes: [`program_build_env`].)
const BUILD_STD_CRATES: &str = "core,alloc,std,panic_abort";

/// The environment under which `cargo build --lib --release --target wasm32-unknown-unknown` of
/// a program builds exactly what `stylus-build` builds: the flags ([`encoded_rustflags`]), `std`
/// built with the program, and `RUSTC_BOOTSTRAP=1` for both. The nested build runs under it;
/// `stylus-build --print-env` prints it for cargo-stylus (docs/sizes.md, "cargo-stylus").
pub fn program_build_env(spec: &BuildSpec) -> Vec<(&'static str, OsString)> {
    vec![
        ("CARGO_ENCODED_RUSTFLAGS", encoded_rustflags(spec)),
        ("CARGO_UNSTABLE_BUILD_STD", OsString::from(BUILD_STD_CRATES)),
        ("RUSTC_BOOTSTRAP", OsString::from("1")),
    ]
}

/// What a successful build left behind.
#[derive(Debug)]
pub(crate) struct BuiltProgram {
    /// The linked wasm, as rustc wrote it.
    pub wasm_path: PathBuf,
    /// The package's `Cargo.toml`.
    pub manifest_path: PathBuf,
}

impl BuiltProgram {
    /// Cargo's dep-info file beside the wasm: the workspace sources the program was compiled from.
    pub fn dep_info_path(&self) -> PathBuf {
        self.wasm_path.with_extension("d")
    }
}

/// One line of `cargo build --message-format=json` output; only artifacts matter here.
#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    manifest_path: PathBuf,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

/// Runs `cargo build --lib --target wasm32-unknown-unknown` for the spec's package.
pub(crate) fn build(spec: &BuildSpec, target_dir: &Path) -> Result<BuiltProgram, BuildError> {
    let mut command = Command::new(&spec.cargo);
    command
        .current_dir(&spec.workspace_root)
        .args(["build", "--lib", "--target", WASM_TARGET, "--message-format=json-render-diagnostics"])
        .arg("--profile")
        .arg(&spec.profile)
        .arg("--package")
        .arg(&spec.package)
        .arg("--target-dir")
        .arg(target_dir);
    if spec.locked {
        command.arg("--locked");
    }
    if !spec.features.is_empty() {
        command.arg("--features").arg(spec.features.join(","));
    }
    for name in OVERRIDING_ENV {
        command.env_remove(name);
    }
    command.envs(program_build_env(spec));

    let output =
        command.output().map_err(|source| BuildError::CargoNotFound { program: spec.cargo.clone(), source })?;
    if !output.status.success() {
        return Err(BuildError::BuildFailed {
            package: spec.package.clone(),
            status: output.status.to_string(),
            stderr_tail: stderr_tail(&output),
        });
    }
    find_wasm(&output.stdout).ok_or_else(|| BuildError::ArtifactMissing { package: spec.package.clone() })
}

/// The rustflags for the wasm target only (with `--target`, cargo does not pass them to build
/// scripts and proc macros), separated by 0x1f as `CARGO_ENCODED_RUSTFLAGS` wants them.
///
/// - `-zstack-size`: rustc's default 1 MiB shadow stack makes every program open 17 pages, which
///   Nitro charges at every entry (reference §4.5).
/// - `-Cpanic=immediate-abort`: a panic is a trap (`unreachable`), with no formatting or hook; on
///   Nitro a trap ends the call as a failure, reverting without data (reference §7), as the
///   programs' own panic handler did before they moved to the SDK.
/// - `--remap-path-prefix` of cargo's home: panic locations inside dependencies carry their
///   absolute source paths; mapping the registry to a fixed name makes the bytes the same on every
///   machine. Workspace sources are already given to rustc as relative paths.
pub(crate) fn encoded_rustflags(spec: &BuildSpec) -> OsString {
    let mut flags = OsString::from(format!("-Clink-arg=-zstack-size={}", spec.stack_size));
    flags.push("\x1f-Zunstable-options\x1f-Cpanic=immediate-abort");
    if let Some(home) = cargo_home() {
        flags.push("\x1f--remap-path-prefix=");
        flags.push(home);
        flags.push("=/cargo");
    }
    flags
}

/// Cargo's home directory, where registry sources are unpacked.
fn cargo_home() -> Option<OsString> {
    std::env::var_os("CARGO_HOME").or_else(|| {
        std::env::var_os("HOME").map(|home| {
            let mut path = PathBuf::from(home);
            path.push(".cargo");
            path.into_os_string()
        })
    })
}

/// The last lines of cargo's stderr.
fn stderr_tail(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].join("\n")
}

/// The wasm of the last artifact cargo reported. The requested package's library depends on every
/// other unit of the build, so it is always the last to finish.
fn find_wasm(stdout: &[u8]) -> Option<BuiltProgram> {
    String::from_utf8_lossy(stdout)
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<Message>(line).ok())
        .find(|message| message.reason == "compiler-artifact")
        .and_then(|message| {
            let wasm_path =
                message.filenames.into_iter().find(|path| path.extension().is_some_and(|ext| ext == "wasm"))?;
            Some(BuiltProgram { wasm_path, manifest_path: message.manifest_path })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wasm_of_the_last_artifact_is_the_program() {
        let stdout =
            br#"{"reason":"compiler-artifact","manifest_path":"/ws/dep/Cargo.toml","filenames":["/t/libdep.rlib"]}
not json at all
{"reason":"compiler-artifact","manifest_path":"/ws/prog/Cargo.toml","filenames":["/t/libprog.rlib","/t/prog.wasm"]}
{"reason":"build-finished","success":true}
"#;
        let built = find_wasm(stdout).expect("a wasm");
        assert_eq!(built.wasm_path, PathBuf::from("/t/prog.wasm"));
        assert_eq!(built.manifest_path, PathBuf::from("/ws/prog/Cargo.toml"));
        assert_eq!(built.dep_info_path(), PathBuf::from("/t/prog.d"));
    }

    #[test]
    fn a_library_without_cdylib_has_no_wasm() {
        let stdout =
            br#"{"reason":"compiler-artifact","manifest_path":"/ws/lib/Cargo.toml","filenames":["/t/liblib.rlib"]}"#;
        assert!(find_wasm(stdout).is_none());
    }
}
