//! The operand stack: at most 1024 words.

use alloy_primitives::U256;

use crate::frame::HaltReason;

/// The EVM's stack depth limit.
pub(crate) const STACK_LIMIT: usize = 1024;

/// The operand stack. Allocated once per frame at full capacity so pushes never reallocate.
pub(crate) struct Stack {
    data: Vec<U256>,
}

impl Stack {
    pub(crate) fn new() -> Self {
        Self { data: Vec::with_capacity(STACK_LIMIT) }
    }

    /// Pushes a word.
    ///
    /// # Errors
    /// [`HaltReason::StackOverflow`] when the stack already holds 1024 words.
    #[inline]
    pub(crate) fn push(&mut self, value: U256) -> Result<(), HaltReason> {
        if self.data.len() >= STACK_LIMIT {
            return Err(HaltReason::StackOverflow);
        }
        self.data.push(value);
        Ok(())
    }

    /// Pops the top word.
    ///
    /// # Errors
    /// [`HaltReason::StackUnderflow`] on an empty stack.
    #[inline]
    pub(crate) fn pop(&mut self) -> Result<U256, HaltReason> {
        self.data.pop().ok_or(HaltReason::StackUnderflow)
    }

    /// Pops `N` words, the top first.
    ///
    /// # Errors
    /// [`HaltReason::StackUnderflow`] when fewer than `N` words are present; nothing is popped.
    #[inline]
    pub(crate) fn pop_n<const N: usize>(&mut self) -> Result<[U256; N], HaltReason> {
        let len = self.data.len();
        let rest = len.checked_sub(N).ok_or(HaltReason::StackUnderflow)?;
        let mut out = [U256::ZERO; N];
        for (slot, value) in out.iter_mut().zip(self.data.drain(rest..).rev()) {
            *slot = value;
        }
        Ok(out)
    }

    /// The top word, for opcodes that replace it in place.
    ///
    /// # Errors
    /// [`HaltReason::StackUnderflow`] on an empty stack.
    #[inline]
    pub(crate) fn top_mut(&mut self) -> Result<&mut U256, HaltReason> {
        self.data.last_mut().ok_or(HaltReason::StackUnderflow)
    }

    /// `DUPn`: pushes a copy of the `n`th word from the top (1-based).
    ///
    /// # Errors
    /// Underflow when fewer than `n` words are present, overflow when the stack is full.
    #[inline]
    pub(crate) fn dup(&mut self, n: usize) -> Result<(), HaltReason> {
        let index = self.data.len().checked_sub(n).ok_or(HaltReason::StackUnderflow)?;
        let value = *self.data.get(index).ok_or(HaltReason::StackUnderflow)?;
        self.push(value)
    }

    /// `SWAPn`: exchanges the top word with the one `n` below it.
    ///
    /// # Errors
    /// [`HaltReason::StackUnderflow`] when fewer than `n + 1` words are present.
    #[inline]
    pub(crate) fn swap(&mut self, n: usize) -> Result<(), HaltReason> {
        let len = self.data.len();
        let other = len.checked_sub(n + 1).ok_or(HaltReason::StackUnderflow)?;
        self.data.swap(other, len - 1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pop_n_returns_top_first_and_is_atomic() {
        let mut stack = Stack::new();
        for i in 1..=3u64 {
            stack.push(U256::from(i)).unwrap();
        }
        assert_eq!(stack.pop_n::<4>(), Err(HaltReason::StackUnderflow));
        assert_eq!(stack.pop_n::<2>().unwrap(), [U256::from(3), U256::from(2)]);
        assert_eq!(stack.pop().unwrap(), U256::from(1));
        assert_eq!(stack.pop(), Err(HaltReason::StackUnderflow));
    }

    #[test]
    fn dup_swap_and_limit() {
        let mut stack = Stack::new();
        assert_eq!(stack.dup(1), Err(HaltReason::StackUnderflow));
        for i in 1..=3u64 {
            stack.push(U256::from(i)).unwrap();
        }
        stack.dup(3).unwrap();
        stack.swap(2).unwrap();
        let words = stack.pop_n::<4>().unwrap().map(|w| w.to::<u64>());
        assert_eq!(words, [2, 3, 1, 1]);
        assert_eq!(stack.swap(1), Err(HaltReason::StackUnderflow));
        for _ in 0..STACK_LIMIT {
            stack.push(U256::ZERO).unwrap();
        }
        assert_eq!(stack.push(U256::ZERO), Err(HaltReason::StackOverflow));
        assert_eq!(stack.dup(1), Err(HaltReason::StackOverflow));
    }
}
