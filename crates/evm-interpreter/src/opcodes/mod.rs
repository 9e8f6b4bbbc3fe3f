//! Opcode implementations, grouped by kind. Each group adds methods to the interpreter; the
//! dispatch table is in `interpreter.rs`.

pub(crate) mod arithmetic;
pub(crate) mod bitwise;
mod control;
mod environment;
mod log;
mod memory;
mod storage;
mod system;
