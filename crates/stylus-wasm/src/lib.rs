//! Nitro's rules for Stylus wasm programs, as pure functions (reference:
//! `docs/spec/nitro-stylus-reference.md`).
//!
//! - [`deploy`]: the bytes a user deploys, as `cargo stylus` makes them from rustc's output
//!   ([`deploy::process_wasm`], [`deploy::contract_code`], [`deploy::init_code`]), and the way back
//!   from account code to wasm that activation takes ([`deploy::decompress_program`]).
//! - [`activate`]: `ArbWasm.activateProgram`'s checks and instrumentation
//!   ([`activate::activate`]), giving a module any wasm interpreter can run with Nitro's ink
//!   metering and stack budget, and the costs Nitro records.
//! - [`pricing`]: ink, hostio prices, the memory model and the gas a program pays on entry.
//! - [`hostio`]: the host functions a program may import, with their exact types.
//!
//! Checked against a real program: the `cargo stylus new` Counter built with stylus-sdk 0.10.10 on
//! rustc 1.95.0 gives exactly the sizes, costs and entry gas of reference §4.5, and
//! [`deploy::process_wasm`] gives byte for byte what cargo-stylus's text round trip gives.
//!
//! # Differences from Nitro
//!
//! Deliberate; apart from the two refusals (dictionary 1, split programs) none of them changes
//! whether a program activates or what it costs:
//!
//! - **Module hash.** [`activate::Activated::module_hash`] is keccak256 of the instrumented module
//!   this crate emits. Nitro's is the hash of its own compiled prover module (which also folds in
//!   the code hash and Stylus version), so the value differs from a real chain's.
//! - **The instrumented module** is a wasm module, not Nitro's native or WAVM code. It carries no
//!   custom sections (Nitro keeps a debug chain's names) and no start section: on debug chains the
//!   start function is only exported as `stylus_start`, which Nitro does too.
//! - **Dictionary 1.** Code compressed with Nitro's built-in Stylus dictionary is refused with
//!   [`deploy::FramingError::BuiltinDictionary`]: the dictionary is not shipped here. cargo-stylus
//!   never uses it.
//! - **Split programs** (root and fragments, ArbOS 60) are refused by
//!   [`deploy::decompress_program`]; Nitro assembles them from several accounts from ArbOS 60 on.
//! - **Decompression errors** have their own messages; Nitro's are generic ("failed
//!   decompression"). On chain both are plain errors: the precompile reverts with empty data.
//! - **Validator version.** wasmparser 0.228 (the one `wasmi` uses) with Nitro's exact feature set;
//!   Nitro uses 0.245. The two could differ on corner cases of validation.
//! - **Error wording.** Every rule has its own [`activate::ActivationError`] variant, in Nitro's
//!   words where the reference gives them. Imports of Nitro's internal host modules (`env`,
//!   `hostio`) are reported as unknown imports where Nitro says "Host func … not enabled"; operators
//!   of unsupported proposals reaching the depth checker get one message where Nitro names each
//!   proposal (none can pass the validator).
//! - **Activation gas** is returned itemised ([`activate::ActivationGas`]) for the caller to charge.
//!   Nitro charges it item by item between the structural limits and the import checks, so a
//!   program that is both too costly and otherwise invalid fails with "out of gas" there; either
//!   way activation fails and burns all gas.
//! - **Zero ink price** (which ArbOwner refuses) counts as 1 in [`pricing::ink_to_gas`] instead of
//!   dividing by zero.
//!
//! # Where Nitro's source and the reference disagree
//!
//! This crate follows Nitro's source:
//!
//! - `debug.null_host`, `debug.start_benchmark` and `debug.end_benchmark` are refused even on
//!   debug chains: activation goes through Nitro's prover, whose host table has only the `console`
//!   functions (the reference lists `debug.*` as importable on debug chains).
//! - A module with no local function is not refused: Nitro's "Module has no code" check counts its
//!   internal functions, so it never fires (reference §5.4 lists "at least one function").
//! - A `datacount` section fails activation ("unsupported section type"): Nitro's parser has no arm
//!   for it. [`deploy::process_wasm`] drops it unless `memory.init`/`data.drop` need it, as the text
//!   round trip does.

pub mod activate;
pub mod deploy;
pub mod hostio;
pub mod pricing;
