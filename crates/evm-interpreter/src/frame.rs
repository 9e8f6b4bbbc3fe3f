//! What a frame is given and what it hands back.

use alloy_primitives::{Address, Bytes, U256};

/// Whether a frame runs a call or init code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameKind {
    /// A message call (or a transaction to an account with code).
    Call {
        /// The calldata.
        input: Bytes,
    },
    /// Init code of a create; it has no calldata, and its output is the code to deposit.
    Create,
}

/// One frame to execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInput {
    /// Call or create, with the calldata of a call.
    pub kind: FrameKind,
    /// The code to run: the code address's code, or the init code.
    pub code: Bytes,
    /// The acting account (`ADDRESS`): whose storage, transient storage and balance are used and
    /// who emits logs.
    pub address: Address,
    /// `CALLER`.
    pub caller: Address,
    /// `CALLVALUE`: the apparent value (the parent's own for `DELEGATECALL`).
    pub value: U256,
    /// Gas available to the frame.
    pub gas_limit: u64,
    /// Whether state changes are forbidden (`STATICCALL` or inside one).
    pub is_static: bool,
}

impl FrameInput {
    /// The calldata: the call's input, empty for init code.
    #[must_use]
    pub fn input(&self) -> &[u8] {
        match &self.kind {
            FrameKind::Call { input } => input,
            FrameKind::Create => &[],
        }
    }
}

/// Why a frame halted exceptionally. Every halt consumes all the frame's gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HaltReason {
    /// Not enough gas for the next charge, including memory beyond what any gas limit can pay
    /// for and `SSTORE` with no more than the 2300-gas stipend left.
    #[error("out of gas")]
    OutOfGas,
    /// An undefined opcode, or the designated `INVALID` (`0xfe`).
    #[error("invalid opcode 0x{0:02x}")]
    InvalidOpcode(u8),
    /// An opcode needed more items than the stack held.
    #[error("stack underflow")]
    StackUnderflow,
    /// A push beyond 1024 items.
    #[error("stack overflow")]
    StackOverflow,
    /// `JUMP`/`JUMPI` to something other than a `JUMPDEST` opcode.
    #[error("invalid jump destination")]
    InvalidJump,
    /// A state change (`SSTORE`, `TSTORE`, `LOG*`, `CREATE*`, `SELFDESTRUCT`, `CALL` with value)
    /// in a static frame.
    #[error("state change in a static context")]
    StaticStateChange,
    /// `RETURNDATACOPY` reading past the end of the return-data buffer.
    #[error("return data out of bounds")]
    ReturnDataOutOfBounds,
    /// `CREATE`/`CREATE2` with init code longer than 49 152 bytes (EIP-3860).
    #[error("init code size limit exceeded")]
    InitCodeSizeLimit,
}

/// How a frame ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameStatus {
    /// `STOP`, `RETURN`, `SELFDESTRUCT` or running off the end of the code.
    Success,
    /// `REVERT`: state changes are undone, unused gas is returned.
    Revert,
    /// An exceptional halt: state changes are undone and all gas is consumed.
    Halt(HaltReason),
}

/// What a frame hands back to the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameResult {
    /// How the frame ended.
    pub status: FrameStatus,
    /// Gas not used; zero after a halt.
    pub gas_left: u64,
    /// `RETURN` data (the code to deposit, for init code) or `REVERT` data; empty after a halt.
    pub output: Bytes,
}

impl FrameResult {
    /// Whether the frame succeeded, so its state changes stand.
    #[must_use]
    pub const fn is_success(&self) -> bool {
        matches!(self.status, FrameStatus::Success)
    }
}
