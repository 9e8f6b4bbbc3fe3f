//! An EVM bytecode interpreter with Prague rules (no EOF) and exact gas, behind a [`Host`].
//!
//! [`execute`] runs one frame: stack, memory, program counter, jump-destination analysis,
//! return-data buffer and the gas of every opcode. Everything that outlives the frame (state,
//! journal, access lists, refunds, logs) and every nested call or create belongs to the
//! [`Host`], so a child may be EVM code, a Stylus program or a precompile alike.
//!
//! [`gas`] exposes the same cost functions for hosts that must charge EVM prices themselves.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod analysis;
mod frame;
pub mod gas;
mod host;
mod interpreter;
mod memory;
pub mod opcode;
mod opcodes;
mod stack;

pub use frame::{FrameInput, FrameKind, FrameResult, FrameStatus, HaltReason};
pub use host::{
    CallKind, CallOutcome, CallRequest, CallStatus, CreateOutcome, CreateRequest, CreateScheme, Host, SStoreResult,
    StateLoad,
};
pub use interpreter::execute;
