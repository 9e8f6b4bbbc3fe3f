//! Why a program could not be built into deployable bytes.

use std::io;
use std::path::PathBuf;

use stylus_wasm::activate::ActivationError;
use stylus_wasm::deploy::{CompressError, DeployError, SizeError};
use thiserror::Error;

/// A failed [`build_program`](crate::build_program).
#[derive(Debug, Error)]
pub enum BuildError {
    /// The cargo executable could not be started.
    #[error("cannot run cargo (`{}`): {source}; install Rust with rustup or set CARGO", program.display())]
    CargoNotFound {
        /// The executable that was tried.
        program: PathBuf,
        /// Why it did not start.
        source: io::Error,
    },
    /// A file or directory the build needs could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// `cargo build` exited with an error (an unknown package, a compile error, a stale
    /// `Cargo.lock` under `--locked`, …).
    #[error("cargo build of `{package}` failed ({status}):\n{stderr_tail}")]
    BuildFailed {
        /// The package being built.
        package: String,
        /// Cargo's exit status.
        status: String,
        /// The last lines cargo wrote to stderr.
        stderr_tail: String,
    },
    /// Cargo succeeded but reported no `.wasm` for the package.
    #[error(
        "cargo built `{package}` but produced no .wasm; a Stylus program needs `crate-type = [\"lib\", \"cdylib\"]` \
         in its [lib] section"
    )]
    ArtifactMissing {
        /// The package being built.
        package: String,
    },
    /// The wasm rustc produced could not be processed as cargo-stylus would.
    #[error("cannot process the wasm of `{package}`: {source}")]
    Processing {
        /// The package being built.
        package: String,
        /// Why processing failed.
        source: DeployError,
    },
    /// The processed wasm could not be compressed.
    #[error("cannot compress the wasm of `{package}`: {source}")]
    Compression {
        /// The package being built.
        package: String,
        /// The encoder's failure.
        source: CompressError,
    },
    /// Nitro's activation would refuse the processed wasm.
    #[error("`{package}` would not activate on Nitro: {source}")]
    NotActivatable {
        /// The package being built.
        package: String,
        /// The rule the program breaks.
        source: ActivationError,
    },
    /// The program is above one of Nitro's size limits.
    #[error("`{package}` breaks a Nitro size limit: {source} ({excess} bytes over)")]
    LimitExceeded {
        /// The package being built.
        package: String,
        /// Which limit, with the size and the limit.
        source: SizeError,
        /// By how many bytes the program is over.
        excess: usize,
    },
}

impl BuildError {
    /// An [`BuildError::Io`] about `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
