//! Compressing a program and framing it as account code, and the reverse that activation does
//! (reference §5.1, §5.2, §5.8).

use std::io::Read;

use brotli::{BrotliDecompressStream, BrotliResult, BrotliState, HeapAlloc, HuffmanCode};
use brotli2::read::BrotliEncoder;
use thiserror::Error;

/// Brotli quality cargo-stylus compresses with.
pub const BROTLI_QUALITY: u32 = 11;

/// `EF F0 00`: the prefix of a classic Stylus program, followed by a dictionary byte.
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];
/// `EF F0 01`: a fragment of a program split over several accounts (ArbOS 60).
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// `EF F0 02`: the root listing a split program's fragments (ArbOS 60).
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];
/// Dictionary byte for a stream compressed without a dictionary.
pub const NO_DICTIONARY: u8 = 0;
/// Dictionary byte for Nitro's built-in Stylus program dictionary.
pub const STYLUS_PROGRAM_DICTIONARY: u8 = 1;

/// Why account code is not a program activation can decompress.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum FramingError {
    /// The account has no code (Nitro answers with the `ProgramNotWasm()` error).
    #[error("the account has no code")]
    EmptyCode,
    /// The code does not start with `EF F0 00` and a dictionary byte.
    #[error("specified bytecode is not a Stylus program")]
    NotStylusProgram,
    /// A fragment of a split program: not activatable by itself, and not a program at all
    /// before ArbOS 60.
    #[error("fragmented stylus programs cannot be activated directly; activate the root program instead")]
    Fragment,
    /// The root of a split program (ArbOS 60), which this crate does not assemble.
    #[error("split Stylus programs (root and fragments, ArbOS 60) are not supported here")]
    Root,
    /// A dictionary byte other than 0 or 1.
    #[error("unsupported dictionary type: {0}")]
    UnsupportedDictionary(u8),
    /// Dictionary 1: Nitro's built-in dictionary, which this crate does not ship.
    #[error(
        "dictionary type 1 (Nitro's built-in Stylus program dictionary) is not available here; \
         deploy the program compressed without a dictionary, as cargo-stylus does"
    )]
    BuiltinDictionary,
    /// The program decompresses to more than the maximum wasm size.
    #[error("decompressed size exceeds {max} bytes (MaxWasmSize)")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// The payload is not a complete, standard brotli stream.
    #[error("failed decompression: bad brotli stream")]
    BadBrotli,
}

/// Compresses `wasm` as cargo-stylus does: `brotli2::read::BrotliEncoder` at quality 11, window
/// 22 (its default), no dictionary. That is C brotli 0.6's streaming encoder, so the bytes are
/// exactly cargo-stylus's.
///
/// # Errors
///
/// [`CompressError`] if the encoder reports a failure, which it does not with these parameters.
pub fn compress(wasm: &[u8]) -> Result<Vec<u8>, CompressError> {
    let mut compressed = Vec::with_capacity(wasm.len() / 2);
    BrotliEncoder::new(wasm, BROTLI_QUALITY)
        .read_to_end(&mut compressed)
        .map_err(|err| CompressError(err.to_string()))?;
    Ok(compressed)
}

/// The brotli encoder failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("brotli compression failed: {0}")]
pub struct CompressError(String);

/// Frames a processed program as account code: `EF F0 00 00` (classic program, no dictionary)
/// followed by its compressed bytes.
///
/// # Errors
///
/// [`CompressError`] as [`compress`].
pub fn contract_code(processed_wasm: &[u8]) -> Result<Vec<u8>, CompressError> {
    let compressed = compress(processed_wasm)?;
    let mut code = Vec::with_capacity(STYLUS_PREFIX.len() + 1 + compressed.len());
    code.extend_from_slice(&STYLUS_PREFIX);
    code.push(NO_DICTIONARY);
    code.extend_from_slice(&compressed);
    Ok(code)
}

/// What activation does with an account's code (reference §5.1, §5.2): checks the classic prefix
/// and dictionary byte, then decompresses into at most `max_wasm_size` bytes (`MaxWasmSize`,
/// 128 KiB by default). Like Nitro it decodes any standard (not large-window) brotli stream, with
/// no check of quality or window.
///
/// # Errors
///
/// [`FramingError::EmptyCode`], [`FramingError::NotStylusProgram`], [`FramingError::Fragment`],
/// [`FramingError::Root`], [`FramingError::UnsupportedDictionary`],
/// [`FramingError::BuiltinDictionary`], [`FramingError::TooLarge`] or [`FramingError::BadBrotli`].
pub fn decompress_program(code: &[u8], max_wasm_size: usize) -> Result<Vec<u8>, FramingError> {
    if code.is_empty() {
        return Err(FramingError::EmptyCode);
    }
    // Every prefix needs at least one byte after it (geth's `len(b) > 3`).
    let framed = |prefix: &[u8; 3]| code.len() > prefix.len() && code.starts_with(prefix);
    if framed(&FRAGMENT_PREFIX) {
        return Err(FramingError::Fragment);
    }
    if framed(&ROOT_PREFIX) {
        return Err(FramingError::Root);
    }
    if !framed(&STYLUS_PREFIX) {
        return Err(FramingError::NotStylusProgram);
    }
    let (dictionary, stream) = (code[3], &code[4..]);
    match dictionary {
        NO_DICTIONARY => decompress(stream, max_wasm_size),
        STYLUS_PROGRAM_DICTIONARY => Err(FramingError::BuiltinDictionary),
        other => Err(FramingError::UnsupportedDictionary(other)),
    }
}

/// One decoder call into a buffer of exactly `max` bytes, as Nitro's `decompress_fixed` does.
fn decompress(stream: &[u8], max: usize) -> Result<Vec<u8>, FramingError> {
    let mut state = BrotliState::new_strict(
        HeapAlloc::<u8>::default(),
        HeapAlloc::<u32>::default(),
        HeapAlloc::<HuffmanCode>::default(),
    );
    let mut output = vec![0u8; max];
    let (mut available_in, mut input_offset) = (stream.len(), 0);
    let (mut available_out, mut output_offset, mut total_out) = (max, 0, 0);
    let result = BrotliDecompressStream(
        &mut available_in,
        &mut input_offset,
        stream,
        &mut available_out,
        &mut output_offset,
        &mut output,
        &mut total_out,
        &mut state,
    );
    match result {
        BrotliResult::ResultSuccess => {
            output.truncate(output_offset);
            Ok(output)
        }
        BrotliResult::NeedsMoreOutput => Err(FramingError::TooLarge { max }),
        BrotliResult::NeedsMoreInput | BrotliResult::ResultFailure => Err(FramingError::BadBrotli),
    }
}
