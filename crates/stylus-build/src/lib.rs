//! Builds the workspace's Stylus programs to deployable bytes, the way `cargo stylus` does
//! (`docs/spec/nitro-stylus-reference.md` §5.7–5.9), without needing cargo-stylus.
//!
//! [`build_program`] runs `cargo build --lib --target wasm32-unknown-unknown` for one package,
//! then hands rustc's wasm to `stylus-wasm`: processed (re-encoded, custom sections dropped,
//! `project_hash` appended), compressed and framed as `EF F0 00 00 ‖ brotli`, and prefixed with the
//! 43-byte deployment prelude. It activates the result as Nitro would and checks Nitro's size
//! limits, so a program that builds here deploys and activates on a chain with default parameters.
//!
//! # Calling it from tests
//!
//! The nested build is safe inside `cargo test` of another crate of the same workspace:
//!
//! - it uses its own target directory (`<workspace>/target/stylus` unless the spec says otherwise),
//!   so it never waits for the lock the outer cargo holds on `target/`;
//! - calls within one process are serialised by a global mutex (cargo's own lock already
//!   serialises processes, but would block threads of one test binary for no gain);
//! - a repeated call is cargo's no-op build plus processing, well under a second per program.
//!
//! # Flags
//!
//! Programs are linked with a [`DEFAULT_STACK_SIZE`] shadow stack (`-zstack-size`), and cargo's
//! home is remapped (`--remap-path-prefix`) so that the panic locations of dependencies, which
//! carry their source paths, are the same bytes on every machine. The flags go to rustc through `CARGO_ENCODED_RUSTFLAGS`, set for the nested cargo only, rather
//! than through a `.cargo/config.toml`: cargo reads config files from the directory it runs in,
//! not from the package it builds, so a file under this crate would not apply, and one at the
//! repository root would change every other build of the workspace. The variable also takes
//! precedence over any `RUSTFLAGS` or config a developer has, which is what makes the bytes
//! depend on the spec alone; with `--target` it reaches only the wasm, not build scripts.
//!
//! # Project hash
//!
//! The processed wasm carries a 32-byte `project_hash` custom section: a digest of what it was
//! built from, for reproducible verification.
//!
//! cargo-stylus (`stylus-tools/src/core/project/hash.rs`) hashes, with keccak256: the output of
//! `cargo version`, a byte for the optimisation level, the wasm-opt recipe, then every `.rs`,
//! `Cargo.toml` and `Cargo.lock` under the directory it runs in plus the `rust-toolchain.toml` it
//! finds above it, sorted by path, each as `u64 BE path length ‖ path ‖ u64 BE file length ‖
//! contents`. Its paths are absolute, so the hash changes with where the checkout lives.
//!
//! This keeps that shape with three differences, so the hash is the same on every checkout and
//! covers exactly what the program is built from:
//!
//! 1. After `cargo --version` come the build settings this crate varies: profile, features and
//!    stack size.
//! 2. The files are the workspace sources cargo's dep-info says the program was compiled from (its
//!    own and those of its path dependencies), its `Cargo.toml`, and the workspace's `Cargo.toml`,
//!    `Cargo.lock` and `rust-toolchain.toml`. Registry crates are pinned by `Cargo.lock` and the
//!    standard library by the toolchain, so files outside the workspace are not read.
//! 3. Paths are relative to the workspace root, with `/` separators.

mod cargo;
mod error;
mod hash;
mod report;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use stylus_wasm::activate::{activate, ActivationParams, ProgramInfo};
use stylus_wasm::deploy::{contract_code, init_code, process_wasm, ProgramSizes, SizeError, SizeLimits, STYLUS_PREFIX};

pub use cargo::program_build_env;
pub use error::BuildError;
pub use report::sizes_markdown;

/// The target Stylus programs are compiled for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The shadow-stack size programs are linked with. rustc's default (1 MiB) makes a program open
/// 17 pages at every entry; 32 KiB keeps it at one or two (reference §4.5).
pub const DEFAULT_STACK_SIZE: u32 = 32 * 1024;

/// Serialises the builds of one process; see the crate docs.
static BUILDS: Mutex<()> = Mutex::new(());

/// What to build and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSpec {
    /// The cargo package (`-p`).
    pub package: String,
    /// The workspace root: the directory cargo runs in.
    pub workspace_root: PathBuf,
    /// The cargo profile; `release` is the one tuned for programs.
    pub profile: String,
    /// Features to enable, besides the package's defaults.
    pub features: Vec<String>,
    /// The target directory; `None` means `<workspace_root>/target/stylus`.
    pub target_dir: Option<PathBuf>,
    /// Pass `--locked`: fail rather than update a stale `Cargo.lock`.
    pub locked: bool,
    /// The shadow-stack size in bytes (`-zstack-size`).
    pub stack_size: u32,
    /// The cargo executable.
    pub cargo: PathBuf,
    /// The limits the program must meet.
    pub limits: SizeLimits,
}

impl BuildSpec {
    /// Building `package` of the workspace at `workspace_root`, in release, with default features,
    /// not locked, with [`DEFAULT_STACK_SIZE`], Nitro's default limits and [`default_cargo`].
    pub fn new(package: impl Into<String>, workspace_root: impl Into<PathBuf>) -> Self {
        Self {
            package: package.into(),
            workspace_root: workspace_root.into(),
            profile: "release".to_owned(),
            features: Vec::new(),
            target_dir: None,
            locked: false,
            stack_size: DEFAULT_STACK_SIZE,
            cargo: default_cargo(),
            limits: SizeLimits::default(),
        }
    }
}

/// A program at every stage from rustc's output to the creation transaction's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramArtifacts {
    /// The package it was built from.
    pub package: String,
    /// Where cargo wrote the raw wasm.
    pub wasm_path: PathBuf,
    /// The `project_hash` section's contents (see the crate docs for what it covers).
    pub project_hash: [u8; 32],
    /// rustc's wasm.
    pub raw_wasm: Vec<u8>,
    /// The processed wasm: what activation decompresses the code back to.
    pub wasm: Vec<u8>,
    /// The account code: `EF F0 00 00` followed by the brotli stream.
    pub code: Vec<u8>,
    /// The creation transaction's data: the deployment prelude followed by [`Self::code`].
    pub init_code: Vec<u8>,
    /// Sizes of the processed wasm, the brotli stream and the code.
    pub sizes: ProgramSizes,
    /// What activation records: init costs and the memory footprint in pages.
    pub info: ProgramInfo,
}

impl ProgramArtifacts {
    /// The brotli stream alone, without the 4-byte Stylus prefix.
    pub fn compressed(&self) -> &[u8] {
        self.code.get(STYLUS_PREFIX.len() + 1..).unwrap_or_default()
    }
}

/// Builds `spec.package` to deployable bytes, as `cargo stylus` would.
///
/// # Errors
///
/// - [`BuildError::CargoNotFound`] when cargo cannot be started;
/// - [`BuildError::Io`] when the workspace root, the target directory or a source cannot be read;
/// - [`BuildError::BuildFailed`] when cargo fails (unknown package, compile error, stale lock file
///   with `locked`), with the tail of its stderr;
/// - [`BuildError::ArtifactMissing`] when the package produced no `.wasm` (no `cdylib`);
/// - [`BuildError::Processing`] when the wasm cannot be processed, [`BuildError::Compression`] when
///   it cannot be compressed;
/// - [`BuildError::NotActivatable`] when Nitro's activation would refuse the program;
/// - [`BuildError::LimitExceeded`] when the code or the wasm is above the spec's limits.
pub fn build_program(spec: &BuildSpec) -> Result<ProgramArtifacts, BuildError> {
    let workspace_root = spec.workspace_root.canonicalize().map_err(BuildError::io(&spec.workspace_root))?;
    let spec = BuildSpec { workspace_root, ..spec.clone() };
    let target_dir = spec.target_dir.clone().unwrap_or_else(|| default_target_dir(&spec.workspace_root));

    // A poisoned lock only means another build panicked; the guarded state is cargo's, not ours.
    let guard = BUILDS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let built = cargo::build(&spec, &target_dir)?;
    let raw_wasm = std::fs::read(&built.wasm_path).map_err(BuildError::io(&built.wasm_path))?;
    let project_hash = hash::project_hash(&spec, &built.manifest_path, &built.dep_info_path())?;
    drop(guard);

    let package = spec.package.clone();
    let wasm = process_wasm(&raw_wasm, project_hash)
        .map_err(|source| BuildError::Processing { package: package.clone(), source })?;
    let code = contract_code(&wasm).map_err(|source| BuildError::Compression { package: package.clone(), source })?;
    let sizes = ProgramSizes::new(&wasm, &code);
    check_limits(&package, &sizes, &spec.limits)?;
    let activated = activate(&wasm, &ActivationParams::default())
        .map_err(|source| BuildError::NotActivatable { package: package.clone(), source })?;
    Ok(ProgramArtifacts {
        package,
        wasm_path: built.wasm_path,
        project_hash,
        raw_wasm,
        init_code: init_code(&code),
        wasm,
        code,
        sizes,
        info: activated.info,
    })
}

/// The cargo executable: the one in the `CARGO` environment variable (cargo sets it for the tests
/// and binaries it runs, so the nested build uses the same toolchain), else `cargo` from `PATH`.
pub fn default_cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// The target directory nested builds use by default: beside cargo's own, never the same one.
pub fn default_target_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("stylus")
}

/// Checks `sizes` against `limits`, saying which limit `package` breaks and by how much.
///
/// # Errors
///
/// [`BuildError::LimitExceeded`] when the code is above `max_code_size` or the wasm above
/// `max_wasm_size`.
pub fn check_limits(package: &str, sizes: &ProgramSizes, limits: &SizeLimits) -> Result<(), BuildError> {
    sizes.check_limits(limits).map_err(|source| {
        let excess = match source {
            SizeError::CodeTooLarge { code_len, max } => code_len.saturating_sub(max),
            SizeError::WasmTooLarge { wasm_len, max } => wasm_len.saturating_sub(max),
        };
        BuildError::LimitExceeded { package: package.to_owned(), source, excess }
    })
}

#[cfg(test)]
mod tests {
    use stylus_wasm::deploy::{MAX_CODE_SIZE, MAX_WASM_SIZE};

    use super::*;

    fn sizes(wasm_len: usize, code_len: usize) -> ProgramSizes {
        ProgramSizes { wasm_len, compressed_len: code_len - 4, code_len }
    }

    #[test]
    fn a_program_at_both_limits_passes() {
        assert!(check_limits("p", &sizes(MAX_WASM_SIZE, MAX_CODE_SIZE), &SizeLimits::default()).is_ok());
    }

    #[test]
    fn code_over_max_code_size_says_by_how_much() {
        let err = check_limits("p", &sizes(60_000, MAX_CODE_SIZE + 424), &SizeLimits::default()).unwrap_err();
        assert!(matches!(err, BuildError::LimitExceeded { excess: 424, source: SizeError::CodeTooLarge { .. }, .. }));
        assert_eq!(
            err.to_string(),
            "`p` breaks a Nitro size limit: contract code is 25000 bytes, above MaxCodeSize 24576 \
             (the 4-byte prefix included) (424 bytes over)"
        );
    }

    #[test]
    fn wasm_over_max_wasm_size_says_by_how_much() {
        let err = check_limits("p", &sizes(MAX_WASM_SIZE + 1, 20_000), &SizeLimits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`p` breaks a Nitro size limit: wasm is 131073 bytes, above MaxWasmSize 131072 (1 bytes over)"
        );
    }

    #[test]
    fn a_chain_with_smaller_limits_is_honoured() {
        let limits = SizeLimits { max_code_size: 10_000, max_wasm_size: MAX_WASM_SIZE };
        let err = check_limits("p", &sizes(30_000, 10_001), &limits).unwrap_err();
        assert!(matches!(err, BuildError::LimitExceeded { excess: 1, .. }));
    }

    #[test]
    fn the_default_target_dir_is_beside_cargos_own() {
        assert_eq!(default_target_dir(Path::new("/ws")), PathBuf::from("/ws/target/stylus"));
    }
}
