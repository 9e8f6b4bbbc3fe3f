//! Integration tests of the interpreter through its public API, against an in-memory host.

mod access;
mod arithmetic;
mod asm;
mod calls;
mod creates;
mod gas;
mod halts;
mod mock;
mod props;
mod sstore;
