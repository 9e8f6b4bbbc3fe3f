//! Memory opcodes, `KECCAK256`, and the shared copy-into-memory path of the `*COPY` opcodes.

use alloy_primitives::{keccak256, U256};

use crate::frame::HaltReason;
use crate::interpreter::{Interpreter, Step};
use crate::{gas, memory};

impl Interpreter<'_> {
    /// Pops an offset and grows memory to cover `len` bytes from it.
    fn pop_fixed_range(&mut self, len: usize) -> Result<usize, HaltReason> {
        let offset = self.stack.pop()?;
        let range = memory::range(offset, U256::from(len))?;
        self.expand(range.as_ref())?;
        Ok(range.map_or(0, |range| range.start))
    }

    /// `MLOAD`.
    pub(crate) fn mload(&mut self) -> Step {
        self.charge(gas::VERY_LOW)?;
        let offset = self.pop_fixed_range(32)?;
        let word = U256::from_be_slice(self.memory.get(offset..offset + 32));
        self.stack.push(word)?;
        Ok(())
    }

    /// `MSTORE`.
    pub(crate) fn mstore(&mut self) -> Step {
        self.charge(gas::VERY_LOW)?;
        let offset = self.pop_fixed_range(32)?;
        let value = self.stack.pop()?;
        self.memory.set(offset, &value.to_be_bytes::<32>());
        Ok(())
    }

    /// `MSTORE8`: stores the low byte.
    pub(crate) fn mstore8(&mut self) -> Step {
        self.charge(gas::VERY_LOW)?;
        let offset = self.pop_fixed_range(1)?;
        let value = self.stack.pop()?;
        self.memory.set(offset, &[value.byte(0)]);
        Ok(())
    }

    /// `MCOPY` (EIP-5656).
    pub(crate) fn mcopy(&mut self) -> Step {
        let [dst, src, len] = self.stack.pop_n()?;
        let dst = memory::range(dst, len)?;
        let src = memory::range(src, len)?;
        let (Some(dst), Some(src)) = (dst, src) else {
            return Ok(self.charge(gas::VERY_LOW)?);
        };
        let end = dst.end.max(src.end);
        self.charge(gas::VERY_LOW.saturating_add(gas::copy_cost(dst.len() as u64)))?;
        self.expand_to(end)?;
        self.memory.copy_within(src.start, dst.start, dst.len());
        Ok(())
    }

    /// `KECCAK256`.
    pub(crate) fn keccak256(&mut self) -> Step {
        let [offset, len] = self.stack.pop_n()?;
        let range = memory::range(offset, len)?;
        let len = range.as_ref().map_or(0, |range| range.len() as u64);
        self.charge(gas::keccak256_cost(len))?;
        self.expand(range.as_ref())?;
        let hash = keccak256(range.map_or(&[][..], |range| self.memory.get(range)));
        self.stack.push(hash.into())?;
        Ok(())
    }

    /// `CALLDATACOPY`/`CODECOPY`/`EXTCODECOPY` after any access charge: pops
    /// `(dest, offset, len)`, charges `base` plus copy and memory costs, and copies `source`
    /// zero-padded.
    pub(crate) fn copy_to_memory(&mut self, base: u64, source: &[u8]) -> Step {
        let [dest, offset, len] = self.stack.pop_n()?;
        self.copy_to_memory_from(base, source, dest, offset, len)
    }

    /// [`Self::copy_to_memory`] with the operands already popped.
    pub(crate) fn copy_to_memory_from(
        &mut self,
        base: u64,
        source: &[u8],
        dest: U256,
        offset: U256,
        len: U256,
    ) -> Step {
        let range = memory::range(dest, len)?;
        let len = range.as_ref().map_or(0, |range| range.len() as u64);
        self.charge(base.saturating_add(gas::copy_cost(len)))?;
        self.expand(range.as_ref())?;
        if let Some(range) = range {
            self.memory.set_padded(range, source, offset);
        }
        Ok(())
    }
}
