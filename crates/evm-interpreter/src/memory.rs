//! Byte-addressed frame memory, grown in 32-byte words.

use core::ops::Range;

use alloy_primitives::U256;

use crate::frame::HaltReason;
use crate::gas;

/// Memory ends are capped at 4 GiB. Reaching it would cost over 3.5·10¹³ gas, so treating
/// anything larger as out of gas only differs from the EVM under absurd gas limits, and it keeps
/// every size a `usize` and every cost far from overflow.
const MEMORY_LIMIT: u64 = 1 << 32;

/// Resolves an `(offset, len)` operand pair into a byte range.
///
/// Returns `None` for a zero length: such an access touches no memory and its offset is never
/// interpreted, however large.
///
/// # Errors
/// [`HaltReason::OutOfGas`] when the range ends beyond what gas could pay for.
pub(crate) fn range(offset: U256, len: U256) -> Result<Option<Range<usize>>, HaltReason> {
    if len.is_zero() {
        return Ok(None);
    }
    let offset: u64 = offset.try_into().map_err(|_| HaltReason::OutOfGas)?;
    let len: u64 = len.try_into().map_err(|_| HaltReason::OutOfGas)?;
    let end = offset.checked_add(len).filter(|&end| end <= MEMORY_LIMIT).ok_or(HaltReason::OutOfGas)?;
    // Both fit in 33 bits, hence in `usize` on every target the devnet runs on.
    let to_usize = |v: u64| usize::try_from(v).map_err(|_| HaltReason::OutOfGas);
    Ok(Some(to_usize(offset)?..to_usize(end)?))
}

/// Frame memory. Its length is always a multiple of 32, as `MSIZE` reports it.
#[derive(Default)]
pub(crate) struct Memory {
    data: Vec<u8>,
}

impl Memory {
    /// Current size in bytes.
    pub(crate) fn len(&self) -> usize {
        self.data.len()
    }

    /// Gas to grow memory so that it covers `end` bytes; zero if it already does.
    pub(crate) fn expansion_cost(&self, end: usize) -> u64 {
        if end <= self.data.len() {
            return 0;
        }
        gas::memory_expansion_cost(gas::words(self.data.len() as u64), gas::words(end as u64))
    }

    /// Grows memory with zeros to cover `end` bytes, rounded up to a whole word.
    pub(crate) fn grow(&mut self, end: usize) {
        if end > self.data.len() {
            self.data.resize(end.next_multiple_of(32), 0);
        }
    }

    /// The bytes in `range`; empty if memory has not been grown to cover it.
    pub(crate) fn get(&self, range: Range<usize>) -> &[u8] {
        self.data.get(range).unwrap_or_default()
    }

    /// Writes `bytes` at `offset`; memory must already cover the destination.
    pub(crate) fn set(&mut self, offset: usize, bytes: &[u8]) {
        if let Some(dst) = offset.checked_add(bytes.len()).and_then(|end| self.data.get_mut(offset..end)) {
            dst.copy_from_slice(bytes);
        }
    }

    /// Fills `dst` with `src[src_offset..]`, zero-padded where `src` runs out (`CALLDATACOPY`,
    /// `CODECOPY`, `EXTCODECOPY`); memory must already cover `dst`.
    pub(crate) fn set_padded(&mut self, dst: Range<usize>, src: &[u8], src_offset: U256) {
        let Some(dst) = self.data.get_mut(dst) else { return };
        let available = usize::try_from(src_offset).ok().and_then(|start| src.get(start..)).unwrap_or_default();
        let copied = available.len().min(dst.len());
        let (head, tail) = dst.split_at_mut(copied);
        head.copy_from_slice(available.get(..copied).unwrap_or_default());
        tail.fill(0);
    }

    /// `MCOPY`: copies `len` bytes from `src` to `dst`, overlapping allowed; memory must already
    /// cover both.
    pub(crate) fn copy_within(&mut self, src: usize, dst: usize, len: usize) {
        let fits = |start: usize| start.checked_add(len).is_some_and(|end| end <= self.data.len());
        if fits(src) && fits(dst) {
            self.data.copy_within(src..src + len, dst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_length_ignores_the_offset() {
        assert_eq!(range(U256::MAX, U256::ZERO), Ok(None));
        assert_eq!(range(U256::from(1), U256::from(31)), Ok(Some(1..32)));
        assert_eq!(range(U256::MAX, U256::from(1)), Err(HaltReason::OutOfGas));
        assert_eq!(range(U256::from(MEMORY_LIMIT), U256::from(1)), Err(HaltReason::OutOfGas));
    }

    #[test]
    fn grows_in_words_and_pads_copies() {
        let mut memory = Memory::default();
        assert_eq!(memory.expansion_cost(1), 3);
        memory.grow(33);
        assert_eq!(memory.len(), 64);
        assert_eq!(memory.expansion_cost(64), 0);
        memory.set_padded(0..4, &[1, 2, 3], U256::from(1));
        assert_eq!(memory.get(0..4), &[2, 3, 0, 0]);
        memory.set_padded(0..2, &[1, 2, 3], U256::MAX);
        assert_eq!(memory.get(0..4), &[0, 0, 0, 0]);
        memory.set(1, &[7, 8]);
        memory.copy_within(1, 2, 2);
        assert_eq!(memory.get(0..4), &[0, 7, 7, 8]);
    }
}
