//! The deploy side: from rustc's wasm to the bytes a user deploys, as cargo-stylus makes them, and
//! back from account code to wasm, as activation reads it.
//!
//! ```text
//! rustc output ──process_wasm──▶ processed wasm ──contract_code──▶ EF F0 00 00 ‖ brotli
//!                                                                      │ init_code
//!                                                                      ▼
//!                                         creation tx: 43-byte prelude ‖ code
//! account code ──decompress_program──▶ wasm (for activation)
//! ```

mod framing;
mod prelude;
mod process;
mod sizes;

pub use framing::{
    compress, contract_code, decompress_program, CompressError, FramingError, BROTLI_QUALITY, FRAGMENT_PREFIX,
    NO_DICTIONARY, ROOT_PREFIX, STYLUS_PREFIX, STYLUS_PROGRAM_DICTIONARY,
};
pub use prelude::{init_code, init_code_recording_deployer, PRELUDE_LEN, RECORDING_PRELUDE_LEN};
pub use process::{process_wasm, DeployError, PROJECT_HASH_SECTION};
pub use sizes::{ProgramSizes, SizeError, SizeLimits, MAX_CODE_SIZE, MAX_WASM_SIZE};
