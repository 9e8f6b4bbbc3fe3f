//! The size limits a deployable program must meet (reference §5.1, §5.2, §5.8).

use thiserror::Error;

/// `MaxCodeSize`: most bytes of account code, Stylus prefix included.
pub const MAX_CODE_SIZE: usize = 24_576;
/// `MaxWasmSize`: most bytes a program may decompress to.
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// The sizes of one program at each stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramSizes {
    /// The processed wasm.
    pub wasm_len: usize,
    /// The brotli stream.
    pub compressed_len: usize,
    /// The account code: prefix plus brotli stream.
    pub code_len: usize,
}

/// Limits to check sizes against; the chain owner may change both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeLimits {
    /// `MaxCodeSize` of the chain.
    pub max_code_size: usize,
    /// `MaxWasmSize` of the chain.
    pub max_wasm_size: usize,
}

impl Default for SizeLimits {
    fn default() -> Self {
        Self { max_code_size: MAX_CODE_SIZE, max_wasm_size: MAX_WASM_SIZE }
    }
}

/// Which limit a program exceeds.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SizeError {
    /// The account code is above `MaxCodeSize`. cargo-stylus would split it into fragments,
    /// which need ArbOS 60.
    #[error("contract code is {code_len} bytes, above MaxCodeSize {max} (the 4-byte prefix included)")]
    CodeTooLarge {
        /// Code length.
        code_len: usize,
        /// The limit.
        max: usize,
    },
    /// The wasm is above `MaxWasmSize`; activation would fail to decompress it.
    #[error("wasm is {wasm_len} bytes, above MaxWasmSize {max}")]
    WasmTooLarge {
        /// Wasm length.
        wasm_len: usize,
        /// The limit.
        max: usize,
    },
}

impl ProgramSizes {
    /// The sizes of `processed_wasm` and the account code made from it.
    pub fn new(processed_wasm: &[u8], contract_code: &[u8]) -> Self {
        Self {
            wasm_len: processed_wasm.len(),
            compressed_len: contract_code.len().saturating_sub(4),
            code_len: contract_code.len(),
        }
    }

    /// Checks the code against `MaxCodeSize` and then the wasm against `MaxWasmSize`.
    ///
    /// # Errors
    ///
    /// [`SizeError::CodeTooLarge`] or [`SizeError::WasmTooLarge`].
    pub fn check_limits(&self, limits: &SizeLimits) -> Result<(), SizeError> {
        if self.code_len > limits.max_code_size {
            return Err(SizeError::CodeTooLarge { code_len: self.code_len, max: limits.max_code_size });
        }
        if self.wasm_len > limits.max_wasm_size {
            return Err(SizeError::WasmTooLarge { wasm_len: self.wasm_len, max: limits.max_wasm_size });
        }
        Ok(())
    }
}
