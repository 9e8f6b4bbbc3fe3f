//! A strict reader for the canonical Solidity ABI encoding of a tuple of static words and `bytes`.
//!
//! The MOS formats (`MessageData`, the data of `mapMessageOut`) are tuples whose dynamic members are
//! all `bytes`. Solidity's `abi.encode` lays them out one way only: heads in order, then each tail in
//! the order of its head, each tail a length word followed by the bytes zero-padded to a word. This
//! reader accepts exactly that layout, so a message has one encoding and every deviation gets its own
//! [`DecodeError`]. It borrows from the input: nothing is copied until a caller asks for it.

use alloy_primitives::{B256, U256};

use crate::DecodeError;

/// Size of an ABI word.
pub(crate) const WORD: usize = 32;

/// Bytes needed to hold `len` bytes padded to whole words.
pub(crate) const fn padded_len(len: usize) -> usize {
    len.div_ceil(WORD) * WORD
}

/// A canonical tuple being read: `heads` words starting at `base`, tails following them.
pub(crate) struct TupleReader<'a> {
    data: &'a [u8],
    base: usize,
    head: &'a [u8],
    /// Offset (from `base`) where the next `bytes` tail must start in a canonical encoding.
    next_tail: usize,
}

impl<'a> TupleReader<'a> {
    /// Starts reading a tuple of `heads` head words at `base` inside `data`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when the head words are not all present.
    pub(crate) fn new(data: &'a [u8], base: usize, heads: usize) -> Result<Self, DecodeError> {
        let head_len = heads * WORD;
        need(data, base + head_len, "tuple head")?;
        Ok(Self { data, base, head: &data[base..base + head_len], next_tail: head_len })
    }

    /// The raw head word `index` (an index the caller's format defines, below `heads`).
    fn word(&self, index: usize) -> &'a [u8] {
        &self.head[index * WORD..(index + 1) * WORD]
    }

    /// Head word `index` as a `uint256`.
    pub(crate) fn uint(&self, index: usize) -> U256 {
        U256::from_be_slice(self.word(index))
    }

    /// Head word `index` as a `bytes32`.
    pub(crate) fn bytes32(&self, index: usize) -> B256 {
        B256::from_slice(self.word(index))
    }

    /// Head word `index` as a `bool`.
    ///
    /// # Errors
    /// [`DecodeError::InvalidBool`] unless the word is 0 or 1.
    pub(crate) fn bool(&self, index: usize, field: &'static str) -> Result<bool, DecodeError> {
        match self.uint(index) {
            v if v.is_zero() => Ok(false),
            v if v == U256::from(1) => Ok(true),
            value => Err(DecodeError::InvalidBool { field, value }),
        }
    }

    /// The `bytes` whose offset is head word `index`. Dynamic members must be read in head order.
    ///
    /// # Errors
    /// [`DecodeError::BadOffset`] when the offset is not where the canonical encoding puts the tail,
    /// [`DecodeError::Truncated`] when the length word is missing, [`DecodeError::BadLength`] when the
    /// bytes run past the end of the input, [`DecodeError::DirtyPadding`] when the padding is not zero.
    pub(crate) fn bytes(&mut self, index: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let offset = self.uint(index);
        if offset != U256::from(self.next_tail) {
            return Err(DecodeError::BadOffset { field, expected: self.next_tail, found: offset });
        }
        let len_at = self.base + self.next_tail;
        need(self.data, len_at + WORD, field)?;
        let length = U256::from_be_slice(&self.data[len_at..len_at + WORD]);
        let start = len_at + WORD;
        let available = self.data.len() - start;
        let len = usize::try_from(length).ok().filter(|len| *len <= available).ok_or(DecodeError::BadLength {
            field,
            length,
            available,
        })?;
        let padded_end = start + padded_len(len);
        need(self.data, padded_end, field)?;
        if self.data[start + len..padded_end].iter().any(|b| *b != 0) {
            return Err(DecodeError::DirtyPadding { field });
        }
        self.next_tail += WORD + padded_len(len);
        Ok(&self.data[start..start + len])
    }

    /// Ends the tuple: the input must stop exactly where the canonical encoding stops.
    ///
    /// # Errors
    /// [`DecodeError::TrailingBytes`] when bytes follow the last tail.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        let end = self.base + self.next_tail;
        match self.data.len().saturating_sub(end) {
            0 => Ok(()),
            extra => Err(DecodeError::TrailingBytes { extra }),
        }
    }
}

/// Checks that `data` holds at least `needed` bytes.
fn need(data: &[u8], needed: usize, field: &'static str) -> Result<(), DecodeError> {
    if data.len() < needed {
        return Err(DecodeError::Truncated { field, needed, available: data.len() });
    }
    Ok(())
}
