//! Jumps, pushes and frame exits.

use alloy_primitives::{Bytes, U256};

use crate::frame::HaltReason;
use crate::interpreter::{Interpreter, Step};
use crate::{gas, memory};

impl Interpreter<'_> {
    /// `JUMP`.
    pub(crate) fn jump(&mut self) -> Step {
        self.charge(gas::MID)?;
        let dest = self.stack.pop()?;
        Ok(self.jump_to(dest)?)
    }

    /// `JUMPI`: the destination is only checked when the jump is taken.
    pub(crate) fn jumpi(&mut self) -> Step {
        self.charge(gas::HIGH)?;
        let [dest, condition] = self.stack.pop_n()?;
        if !condition.is_zero() {
            self.jump_to(dest)?;
        }
        Ok(())
    }

    /// `PUSHn`: immediates running past the end of the code read as zeros on the right.
    pub(crate) fn push(&mut self, n: usize) -> Step {
        self.charge(gas::VERY_LOW)?;
        let start = self.pc;
        let end = start.saturating_add(n);
        let available = self.code.get(start..end.min(self.code.len())).unwrap_or_default();
        let mut word = [0u8; 32];
        if let Some(dst) = word.get_mut(32 - n..32 - n + available.len()) {
            dst.copy_from_slice(available);
        }
        self.pc = end;
        self.stack.push(U256::from_be_bytes(word))?;
        Ok(())
    }

    /// Pops `(offset, len)` for `RETURN`/`REVERT`, charges the memory and copies the data out.
    pub(crate) fn output(&mut self) -> Result<Bytes, HaltReason> {
        let [offset, len] = self.stack.pop_n()?;
        let range = memory::range(offset, len)?;
        self.expand(range.as_ref())?;
        Ok(range.map_or_else(Bytes::new, |range| Bytes::copy_from_slice(self.memory.get(range))))
    }
}
