//! Stylus programs on the devnet: the records ArbWasm keeps, the compiled-module cache, and the
//! runtime that executes a program's wasm with Nitro's hostios and ink metering.

mod data_pricer;
mod env;
mod evm_state;
mod hostio;
mod program;
mod runtime;
mod storage_cache;

pub use data_pricer::DataPricer;
pub use program::{CompiledProgram, ProgramCache, ProgramRecord};
pub use runtime::run_program;
pub use storage_cache::StorageCache;

/// Why a program cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StylusError {
    /// Not activated, activated under another Stylus version, or expired.
    #[error(transparent)]
    Inactive(#[from] crate::arbos::InactiveProgram),
    /// The code does not activate.
    #[error("program activation failed: {0}")]
    Activation(String),
    /// wasmi rejected the instrumented module or a required export is missing.
    #[error("program cannot be instantiated: {0}")]
    Compile(String),
}

/// Whether `code` is a classic Stylus program (`EF F0 00` + dictionary + brotli, reference §5.1).
pub fn is_program(code: &[u8]) -> bool {
    code.len() > 3 && code.starts_with(&[0xEF, 0xF0, 0x00])
}
