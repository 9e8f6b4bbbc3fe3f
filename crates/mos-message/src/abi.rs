//! A strict reader for the canonical Solidity ABI encoding of a tuple of static words and `bytes`.
//!
//! The MOS formats (`MessageData`, the data of `mapMessageOut`) are tuples whose dynamic members are
//! all `bytes`. Solidity's `abi.encode` lays them out one way only: heads in order, then each tail in
//! the order of its head, each tail a length word followed by the bytes zero-padded to a word. This
//! reader accepts exactly that layout, so a message has one encoding and every deviation gets its own
//! [`DecodeError`]. It borrows from the input: nothing is copied until a caller asks for it.
//!
//! [`TupleWriter`] writes that layout, after a selector when it is calldata. The Stylus programs
//! read their calldata and the answers of the contracts they call with [`TupleReader`], and encode
//! their results, events and calls with [`TupleWriter`]: one small codec instead of a generic one
//! per signature, which keeps the programs inside Nitro's code limit. Calldata that tools and
//! Solidity produce is canonical; anything else is refused.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

use crate::DecodeError;

/// Size of an ABI word.
pub const WORD: usize = 32;

/// Bytes needed to hold `len` bytes padded to whole words.
pub const fn padded_len(len: usize) -> usize {
    len.div_ceil(WORD) * WORD
}

/// A canonical tuple being read: `heads` words starting at `base`, tails following them.
pub struct TupleReader<'a> {
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
    pub fn new(data: &'a [u8], base: usize, heads: usize) -> Result<Self, DecodeError> {
        let head_len = heads * WORD;
        need(data, base + head_len, "tuple head")?;
        Ok(Self { data, base, head: &data[base..base + head_len], next_tail: head_len })
    }

    /// The raw head word `index` (an index the caller's format defines, below `heads`).
    fn word(&self, index: usize) -> &'a [u8] {
        &self.head[index * WORD..(index + 1) * WORD]
    }

    /// Head word `index` as a `uint256`.
    pub fn uint(&self, index: usize) -> U256 {
        U256::from_be_slice(self.word(index))
    }

    /// Head word `index` as a `bytes32`.
    pub fn bytes32(&self, index: usize) -> B256 {
        B256::from_slice(self.word(index))
    }

    /// Head word `index` as an `address`.
    ///
    /// # Errors
    /// [`DecodeError::InvalidAddress`] unless the word's upper 12 bytes are zero.
    pub fn address(&self, index: usize, field: &'static str) -> Result<Address, DecodeError> {
        let word = self.word(index);
        if word[..12].iter().any(|b| *b != 0) {
            return Err(DecodeError::InvalidAddress { field, value: self.uint(index) });
        }
        Ok(Address::from_slice(&word[12..]))
    }

    /// Head word `index` as a `bool`.
    ///
    /// # Errors
    /// [`DecodeError::InvalidBool`] unless the word is 0 or 1.
    pub fn bool(&self, index: usize, field: &'static str) -> Result<bool, DecodeError> {
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
    pub fn bytes(&mut self, index: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
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
    pub fn finish(self) -> Result<(), DecodeError> {
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

/// Writes `abi.encode` of a tuple of static words and `bytes` (or `string`): heads in order, each
/// `bytes` as an offset in its head and a tail after the heads. Members are written in order.
///
/// ```
/// # use mos_message::abi::{TupleReader, TupleWriter};
/// # use alloy_primitives::U256;
/// let encoded = TupleWriter::new(2).uint(U256::from(7)).bytes(b"hi").finish();
/// let mut reader = TupleReader::new(&encoded, 0, 2).unwrap();
/// assert_eq!(reader.uint(0), U256::from(7));
/// assert_eq!(reader.bytes(1, "b").unwrap(), b"hi");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TupleWriter {
    out: Vec<u8>,
    base: usize,
    next_head: usize,
}

impl TupleWriter {
    /// A tuple of `heads` head words.
    pub fn new(heads: usize) -> Self {
        Self::after(&[], heads)
    }

    /// Calldata: `selector` followed by a tuple of `heads` head words.
    pub fn call(selector: [u8; 4], heads: usize) -> Self {
        Self::after(&selector, heads)
    }

    fn after(prefix: &[u8], heads: usize) -> Self {
        let mut out = Vec::with_capacity(prefix.len() + heads * WORD);
        out.extend_from_slice(prefix);
        out.resize(prefix.len() + heads * WORD, 0);
        Self { out, base: prefix.len(), next_head: 0 }
    }

    /// The next member, a static word.
    #[must_use]
    pub fn word(mut self, word: B256) -> Self {
        let at = self.base + self.next_head * WORD;
        self.out[at..at + WORD].copy_from_slice(word.as_slice());
        self.next_head += 1;
        self
    }

    /// The next member, a `uint256`.
    #[must_use]
    pub fn uint(self, value: U256) -> Self {
        self.word(value.into())
    }

    /// The next member, an `address`.
    #[must_use]
    pub fn address(self, address: Address) -> Self {
        self.word(address.into_word())
    }

    /// The next member, a `bool`.
    #[must_use]
    pub fn bool(self, value: bool) -> Self {
        self.word(B256::with_last_byte(u8::from(value)))
    }

    /// The next member, `bytes` or `string`: its offset here, its length and padded bytes at the end.
    #[must_use]
    pub fn bytes(self, data: &[u8]) -> Self {
        let offset = self.out.len() - self.base;
        let mut this = self.uint(U256::from(offset));
        this.out.extend_from_slice(&U256::from(data.len()).to_be_bytes::<32>());
        this.out.extend_from_slice(data);
        this.out.resize(this.out.len() + padded_len(data.len()) - data.len(), 0);
        this
    }

    /// The encoding.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}
