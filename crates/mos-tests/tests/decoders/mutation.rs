//! Inputs for the property tests: a decoder's seeds changed by a few mutations of the kinds that
//! break decoders (bit flips, bytes in and out, cut ends, copied ranges, ABI words and RLP length
//! prefixes set to edge values, another seed spliced in), and random bytes.

use proptest::prelude::*;
use proptest::sample::{select, Index};

/// The values an ABI word (offset, length, count) is set to: zero, small, word-sized, the input's
/// length and one past it, and the ends of the integer types a decoder might cast to.
const WORDS: [u128; 9] = [0, 1, 0x20, 0x40, u32::MAX as u128, u64::MAX as u128, 1 << 64, u128::MAX, 0x7fff_ffff];

/// One change to an input.
#[derive(Debug, Clone)]
enum Mutation {
    /// Flips one bit.
    Flip(Index, u8),
    /// Sets one byte.
    Set(Index, u8),
    /// Inserts bytes.
    Insert(Index, Vec<u8>),
    /// Removes up to that many bytes.
    Remove(Index, usize),
    /// Cuts the input at a point.
    Truncate(Index),
    /// Copies a range of up to that many bytes to another place.
    Copy(Index, usize, Index),
    /// Overwrites a 32-byte big-endian word with an edge value ([`WORDS`], or the input's length
    /// and one past it).
    Word(Index, Option<u128>, bool),
    /// Writes an RLP long-length prefix (string or list) whose length is far beyond the input.
    RlpLength(Index, bool, u8),
    /// Appends another seed, or its front.
    Splice(Index, Index),
}

/// Mutations of `seeds` (one to six each) and random bytes of up to 600.
pub fn inputs(seeds: &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    let mutated = (select(seeds), prop::collection::vec(mutation(), 1..6)).prop_map(move |(seed, mutations)| {
        mutations.iter().fold(seed, |input, mutation| apply(input, mutation, seeds))
    });
    prop_oneof![
        9 => mutated,
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip(at, bit)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set(at, byte)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..40)).prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<Index>(), 1usize..64).prop_map(|(at, len)| Mutation::Remove(at, len)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 1usize..96, any::<Index>()).prop_map(|(from, len, to)| Mutation::Copy(from, len, to)),
        (any::<Index>(), prop::option::of(select(&WORDS[..])), any::<bool>())
            .prop_map(|(at, value, past)| Mutation::Word(at, value, past)),
        (any::<Index>(), any::<bool>(), 1u8..9).prop_map(|(at, list, bytes)| Mutation::RlpLength(at, list, bytes)),
        (any::<Index>(), any::<Index>()).prop_map(|(seed, len)| Mutation::Splice(seed, len)),
    ]
}

/// `input` changed by `mutation`; `seeds` for [`Mutation::Splice`].
fn apply(mut input: Vec<u8>, mutation: &Mutation, seeds: &[Vec<u8>]) -> Vec<u8> {
    let len = input.len();
    // A position in the input (at its end when it is empty).
    let at = |index: &Index| if len == 0 { 0 } else { index.index(len) };
    match mutation {
        Mutation::Flip(index, bit) if len > 0 => input[at(index)] ^= 1 << bit,
        Mutation::Set(index, byte) if len > 0 => input[at(index)] = *byte,
        Mutation::Insert(index, bytes) => {
            let at = at(index);
            input.splice(at..at, bytes.iter().copied());
        }
        Mutation::Remove(index, count) => {
            let at = at(index);
            input.drain(at..(at + count).min(len));
        }
        Mutation::Truncate(index) => input.truncate(at(index)),
        Mutation::Copy(from, count, to) if len > 0 => {
            let from = at(from);
            let range: Vec<u8> = input[from..(from + count).min(len)].to_vec();
            let to = at(to);
            input.splice(to..(to + range.len()).min(len), range);
        }
        Mutation::Word(index, value, past) if len >= 32 => {
            // On a word boundary, where ABI words are.
            let start = at(index) / 32 * 32;
            let start = start.min(len - 32);
            let value = value.unwrap_or(len as u128 + u128::from(*past));
            input[start..start + 32].fill(0);
            input[start + 16..start + 32].copy_from_slice(&value.to_be_bytes());
        }
        Mutation::RlpLength(index, list, bytes) => {
            let at = at(index);
            let prefix = if *list { 0xf7 } else { 0xb7 } + bytes;
            let mut long = vec![prefix];
            long.extend(std::iter::repeat_n(0xff, usize::from(*bytes)));
            input.splice(at..(at + long.len()).min(len), long);
        }
        Mutation::Splice(seed, front) => {
            let other = &seeds[seed.index(seeds.len())];
            if !other.is_empty() {
                input.extend_from_slice(&other[..front.index(other.len()) + 1]);
            }
        }
        _ => {}
    }
    input
}
