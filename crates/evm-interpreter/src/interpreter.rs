//! One frame's machine state and the dispatch loop.

use core::ops::Range;

use alloy_primitives::{Address, Bytes, B256, U256};

use crate::analysis::JumpTable;
use crate::frame::{FrameInput, FrameResult, FrameStatus, HaltReason};
use crate::gas;
use crate::host::{CallKind, Host};
use crate::memory::Memory;
use crate::opcode as op;
use crate::stack::Stack;

/// Why the dispatch loop stops.
pub(crate) enum Exit {
    /// `STOP`, `SELFDESTRUCT` or the end of the code.
    Stop,
    /// `RETURN` with its data.
    Return(Bytes),
    /// `REVERT` with its data.
    Revert(Bytes),
    /// An exceptional halt.
    Halt(HaltReason),
}

impl From<HaltReason> for Exit {
    fn from(reason: HaltReason) -> Self {
        Self::Halt(reason)
    }
}

/// The result of one instruction: continue, or leave the frame.
pub(crate) type Step = Result<(), Exit>;

/// One executing frame.
pub(crate) struct Interpreter<'a> {
    pub(crate) input: &'a FrameInput,
    pub(crate) code: &'a [u8],
    pub(crate) pc: usize,
    pub(crate) gas_left: u64,
    pub(crate) stack: Stack,
    pub(crate) memory: Memory,
    /// Output of the last nested call or create (`RETURNDATASIZE`/`RETURNDATACOPY`).
    pub(crate) return_data: Bytes,
    /// Built on the first jump, so straight-line code (init code preludes) never pays for it.
    jump_table: Option<JumpTable>,
}

/// Runs one frame to completion against `host`.
///
/// Never panics, whatever the code, input or host answers. On an exceptional halt the result
/// has no gas left and no output; the host must then revert the frame's changes (see [`Host`]).
pub fn execute(host: &mut dyn Host, frame: &FrameInput) -> FrameResult {
    let mut interpreter = Interpreter {
        input: frame,
        code: &frame.code,
        pc: 0,
        gas_left: frame.gas_limit,
        stack: Stack::new(),
        memory: Memory::default(),
        return_data: Bytes::new(),
        jump_table: None,
    };
    let exit = interpreter.run(host);
    let gas_left = interpreter.gas_left;
    match exit {
        Exit::Stop => FrameResult { status: FrameStatus::Success, gas_left, output: Bytes::new() },
        Exit::Return(output) => FrameResult { status: FrameStatus::Success, gas_left, output },
        Exit::Revert(output) => FrameResult { status: FrameStatus::Revert, gas_left, output },
        Exit::Halt(reason) => FrameResult { status: FrameStatus::Halt(reason), gas_left: 0, output: Bytes::new() },
    }
}

impl Interpreter<'_> {
    fn run(&mut self, host: &mut dyn Host) -> Exit {
        // Code is implicitly followed by STOP.
        while let Some(&opcode) = self.code.get(self.pc) {
            self.pc += 1;
            if let Err(exit) = self.step(host, opcode) {
                return exit;
            }
        }
        Exit::Stop
    }

    /// Takes `amount` from the frame's gas.
    ///
    /// # Errors
    /// [`HaltReason::OutOfGas`] when less is left.
    #[inline]
    pub(crate) fn charge(&mut self, amount: u64) -> Result<(), HaltReason> {
        self.gas_left = self.gas_left.checked_sub(amount).ok_or(HaltReason::OutOfGas)?;
        Ok(())
    }

    /// Charges for and performs the memory growth needed to cover `range` (none for `None`).
    ///
    /// # Errors
    /// [`HaltReason::OutOfGas`].
    pub(crate) fn expand(&mut self, range: Option<&Range<usize>>) -> Result<(), HaltReason> {
        range.map_or(Ok(()), |range| self.expand_to(range.end))
    }

    /// Charges for and performs the memory growth needed to cover `end` bytes.
    ///
    /// # Errors
    /// [`HaltReason::OutOfGas`].
    pub(crate) fn expand_to(&mut self, end: usize) -> Result<(), HaltReason> {
        self.charge(self.memory.expansion_cost(end))?;
        self.memory.grow(end);
        Ok(())
    }

    /// Pops a word and keeps its low 20 bytes, as every address operand does.
    pub(crate) fn pop_address(&mut self) -> Result<Address, HaltReason> {
        Ok(Address::from_word(B256::from(self.stack.pop()?)))
    }

    /// Validates a jump target.
    pub(crate) fn jump_to(&mut self, dest: U256) -> Result<(), HaltReason> {
        let dest = usize::try_from(dest).map_err(|_| HaltReason::InvalidJump)?;
        let table = self.jump_table.get_or_insert_with(|| JumpTable::analyze(self.code));
        if !table.is_valid(dest) {
            return Err(HaltReason::InvalidJump);
        }
        self.pc = dest;
        Ok(())
    }

    /// Executes one opcode; `self.pc` already points past it.
    #[inline]
    fn step(&mut self, host: &mut dyn Host, opcode: u8) -> Step {
        match opcode {
            op::STOP => Err(Exit::Stop),
            op::ADD => self.binary(gas::VERY_LOW, U256::wrapping_add),
            op::MUL => self.binary(gas::LOW, U256::wrapping_mul),
            op::SUB => self.binary(gas::VERY_LOW, U256::wrapping_sub),
            op::DIV => self.binary(gas::LOW, |a, b| a.checked_div(b).unwrap_or_default()),
            op::SDIV => self.binary(gas::LOW, crate::opcodes::arithmetic::sdiv),
            op::MOD => self.binary(gas::LOW, |a, b| a.checked_rem(b).unwrap_or_default()),
            op::SMOD => self.binary(gas::LOW, crate::opcodes::arithmetic::smod),
            op::ADDMOD => self.ternary(gas::MID, U256::add_mod),
            op::MULMOD => self.ternary(gas::MID, U256::mul_mod),
            op::EXP => self.exp(),
            op::SIGNEXTEND => self.binary(gas::LOW, crate::opcodes::arithmetic::signextend),

            op::LT => self.binary(gas::VERY_LOW, |a, b| U256::from(a < b)),
            op::GT => self.binary(gas::VERY_LOW, |a, b| U256::from(a > b)),
            op::SLT => self.binary(gas::VERY_LOW, crate::opcodes::bitwise::slt),
            op::SGT => self.binary(gas::VERY_LOW, |a, b| crate::opcodes::bitwise::slt(b, a)),
            op::EQ => self.binary(gas::VERY_LOW, |a, b| U256::from(a == b)),
            op::ISZERO => self.unary(gas::VERY_LOW, |a| U256::from(a.is_zero())),
            op::AND => self.binary(gas::VERY_LOW, |a, b| a & b),
            op::OR => self.binary(gas::VERY_LOW, |a, b| a | b),
            op::XOR => self.binary(gas::VERY_LOW, |a, b| a ^ b),
            op::NOT => self.unary(gas::VERY_LOW, |a| !a),
            op::BYTE => self.binary(gas::VERY_LOW, crate::opcodes::bitwise::byte),
            op::SHL => self.binary(gas::VERY_LOW, crate::opcodes::bitwise::shl),
            op::SHR => self.binary(gas::VERY_LOW, crate::opcodes::bitwise::shr),
            op::SAR => self.binary(gas::VERY_LOW, crate::opcodes::bitwise::sar),

            op::KECCAK256 => self.keccak256(),

            op::ADDRESS => self.push_word(gas::BASE, self.input.address.into_word().into()),
            op::BALANCE => self.balance(host),
            op::ORIGIN => self.push_word(gas::BASE, host.origin().into_word().into()),
            op::CALLER => self.push_word(gas::BASE, self.input.caller.into_word().into()),
            op::CALLVALUE => self.push_word(gas::BASE, self.input.value),
            op::CALLDATALOAD => self.calldataload(),
            op::CALLDATASIZE => self.push_word(gas::BASE, U256::from(self.input.input().len())),
            op::CALLDATACOPY => self.copy_to_memory(gas::VERY_LOW, self.input.input()),
            op::CODESIZE => self.push_word(gas::BASE, U256::from(self.code.len())),
            op::CODECOPY => self.copy_to_memory(gas::VERY_LOW, self.code),
            op::GASPRICE => self.push_word(gas::BASE, host.gas_price()),
            op::EXTCODESIZE => self.extcodesize(host),
            op::EXTCODECOPY => self.extcodecopy(host),
            op::RETURNDATASIZE => self.push_word(gas::BASE, U256::from(self.return_data.len())),
            op::RETURNDATACOPY => self.returndatacopy(),
            op::EXTCODEHASH => self.extcodehash(host),

            op::BLOCKHASH => self.blockhash(host),
            op::COINBASE => self.push_word(gas::BASE, host.coinbase().into_word().into()),
            op::TIMESTAMP => self.push_word(gas::BASE, U256::from(host.timestamp())),
            op::NUMBER => self.push_word(gas::BASE, U256::from(host.block_number())),
            op::PREVRANDAO => self.push_word(gas::BASE, host.prevrandao().into()),
            op::GASLIMIT => self.push_word(gas::BASE, U256::from(host.block_gas_limit())),
            op::CHAINID => self.push_word(gas::BASE, U256::from(host.chain_id())),
            op::SELFBALANCE => self.push_word(gas::LOW, host.balance(self.input.address).value),
            op::BASEFEE => self.push_word(gas::BASE, host.base_fee()),
            op::BLOBHASH => self.blobhash(host),
            op::BLOBBASEFEE => self.push_word(gas::BASE, host.blob_base_fee()),

            op::POP => {
                self.charge(gas::BASE)?;
                self.stack.pop()?;
                Ok(())
            }
            op::MLOAD => self.mload(),
            op::MSTORE => self.mstore(),
            op::MSTORE8 => self.mstore8(),
            op::SLOAD => self.sload(host),
            op::SSTORE => self.sstore(host),
            op::JUMP => self.jump(),
            op::JUMPI => self.jumpi(),
            op::PC => self.push_word(gas::BASE, U256::from(self.pc - 1)),
            op::MSIZE => self.push_word(gas::BASE, U256::from(self.memory.len())),
            op::GAS => {
                self.charge(gas::BASE)?;
                self.stack.push(U256::from(self.gas_left))?;
                Ok(())
            }
            op::JUMPDEST => Ok(self.charge(gas::JUMPDEST)?),
            op::TLOAD => self.tload(host),
            op::TSTORE => self.tstore(host),
            op::MCOPY => self.mcopy(),
            op::PUSH0 => self.push_word(gas::BASE, U256::ZERO),
            op::PUSH1..=op::PUSH32 => self.push(usize::from(opcode - op::PUSH1) + 1),
            op::DUP1..=op::DUP16 => {
                self.charge(gas::VERY_LOW)?;
                Ok(self.stack.dup(usize::from(opcode - op::DUP1) + 1)?)
            }
            op::SWAP1..=op::SWAP16 => {
                self.charge(gas::VERY_LOW)?;
                Ok(self.stack.swap(usize::from(opcode - op::SWAP1) + 1)?)
            }
            op::LOG0..=op::LOG4 => self.log(host, usize::from(opcode - op::LOG0)),

            op::CREATE => self.create(host, false),
            op::CALL => self.call(host, CallKind::Call),
            op::CALLCODE => self.call(host, CallKind::CallCode),
            op::RETURN => Err(Exit::Return(self.output()?)),
            op::DELEGATECALL => self.call(host, CallKind::DelegateCall),
            op::CREATE2 => self.create(host, true),
            op::STATICCALL => self.call(host, CallKind::StaticCall),
            op::REVERT => Err(Exit::Revert(self.output()?)),
            op::SELFDESTRUCT => self.selfdestruct(host),
            _ => Err(Exit::Halt(HaltReason::InvalidOpcode(opcode))),
        }
    }

    /// Charges `cost` and pushes `value`.
    #[inline]
    pub(crate) fn push_word(&mut self, cost: u64, value: U256) -> Step {
        self.charge(cost)?;
        self.stack.push(value)?;
        Ok(())
    }
}
