//! Reading byte arguments: hex on the command line, or `@file` / `@-` holding hex.

use std::io::Read;

use alloy_primitives::{hex, Address, FixedBytes, B256};

/// Why an argument could not be read as bytes.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file (or standard input) named with `@` could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path, or `-` for standard input.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not hex.
    #[error("{what} is not hex: {source}")]
    Hex {
        /// What was being read.
        what: String,
        /// What the hex decoder found.
        source: hex::FromHexError,
    },
}

/// `text` as a 32-byte hash (a transaction hash, an orderId): 64 hex digits, with or without
/// `0x`. A clap value parser.
///
/// # Errors
/// A message saying how long a hash is and how many digits `text` has, or that it is not hex.
pub fn hash32(text: &str) -> Result<B256, String> {
    fixed_hex(text, "a 32-byte hash")
}

/// `text` as a 20-byte address: 40 hex digits, with or without `0x`. A clap value parser.
///
/// # Errors
/// As [`hash32`], for an address.
pub fn address(text: &str) -> Result<Address, String> {
    fixed_hex::<20>(text, "an address").map(Address::from)
}

/// `text` as `N` bytes of hex (`what`, for the message), with or without `0x`.
fn fixed_hex<const N: usize>(text: &str, what: &str) -> Result<FixedBytes<N>, String> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix("0x").unwrap_or(trimmed);
    if digits.len() != 2 * N {
        return Err(format!("{text} has {} hex digits; {what} has {} (with or without 0x)", digits.len(), 2 * N));
    }
    digits.parse().map_err(|_| format!("{text} is not hex"))
}

/// Reads `arg` as bytes: hex (with or without `0x`), or `@path` / `@-` naming a file or standard input
/// that holds hex. Whitespace around and inside the hex (line breaks) is ignored.
///
/// # Errors
/// [`InputError::Read`] when the file cannot be read, [`InputError::Hex`] when the text is not hex.
pub fn read_hex(arg: &str) -> Result<Vec<u8>, InputError> {
    let (text, what) = match arg.strip_prefix('@') {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|source| InputError::Read { path: "-".into(), source })?;
            (text, "standard input".to_string())
        }
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|source| InputError::Read { path: path.into(), source })?;
            (text, path.to_string())
        }
        None => (arg.to_string(), "the argument".to_string()),
    };
    let compact: String = text.split_whitespace().collect();
    hex::decode(&compact).map_err(|source| InputError::Hex { what, source })
}
