//! Merkle-Patricia proof verification.
//!
//! A proof is the list of trie nodes on the path from the root to a key, root first. Each node is
//! the RLP of a branch (17 items: 16 children and a value) or of a leaf or extension (2 items: a
//! hex-prefix path and a value or child). A child is referenced by the keccak of its RLP, or, when
//! that RLP is shorter than 32 bytes, embedded in its parent; embedded nodes are not repeated in the
//! proof. [`verify_proof`] follows the key's nibbles from the root and returns the value at the end.

use alloy_primitives::{keccak256, B256};
use alloy_rlp::{Header, EMPTY_STRING_CODE};

use crate::{rlp, MptError};

/// The root of the empty trie: keccak256 of the RLP of the empty string.
pub const EMPTY_ROOT: B256 =
    alloy_primitives::b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

/// How a node refers to the next one on the path.
enum Child<'a> {
    /// By hash: the next proof node must hash to it.
    Hash(B256),
    /// Embedded: the node's RLP itself.
    Inline(&'a [u8]),
}

/// Verifies that `proof` proves `key` under `root`, and returns the value stored at `key`.
///
/// # Errors
/// - [`MptError::MissingNode`] / [`MptError::WrongHash`]: the proof stops early or a node is not the
///   one its parent commits to;
/// - [`MptError::BadNode`]: a node that is not a well-formed trie node;
/// - [`MptError::KeyMismatch`] / [`MptError::Absent`]: the trie does not hold `key`;
/// - [`MptError::UnusedNodes`]: nodes left after the value.
pub fn verify_proof<'a, I>(root: B256, key: &[u8], proof: I) -> Result<&'a [u8], MptError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut proof = proof.into_iter();
    if root == EMPTY_ROOT {
        return Err(MptError::Absent { depth: 0 });
    }
    let mut nibbles = Nibbles::new(key);
    let mut next = Child::Hash(root);
    let mut depth = 0;
    let value = loop {
        let node = match next {
            Child::Hash(hash) => {
                let node = proof.next().ok_or(MptError::MissingNode { depth, hash })?;
                if keccak256(node) != hash {
                    return Err(MptError::WrongHash { depth, expected: hash });
                }
                node
            }
            Child::Inline(node) => node,
        };
        let bad = |reason| MptError::BadNode { depth, reason };
        let (items, count) = node_items(node).ok_or_else(|| bad("not an RLP list of 2 or 17 items"))?;
        let child = match count {
            2 => {
                let [path, second, ..] = items;
                let path = string_payload(path).ok_or_else(|| bad("path is not a string"))?;
                let (is_leaf, path) = decode_hex_prefix(path).ok_or_else(|| bad("bad hex-prefix path"))?;
                if is_leaf {
                    if !nibbles.rest_equals(&path) {
                        return Err(MptError::KeyMismatch { depth });
                    }
                    break string_payload(second).ok_or_else(|| bad("leaf value is not a string"))?;
                }
                if path.is_empty() {
                    return Err(bad("empty extension path"));
                }
                if !nibbles.consume_prefix(&path) {
                    return Err(MptError::KeyMismatch { depth });
                }
                child_ref(second).flatten().ok_or_else(|| bad("bad extension child"))?
            }
            _ => match nibbles.next() {
                None => break string_payload(items[16]).ok_or_else(|| bad("branch value is not a string"))?,
                Some(nibble) => child_ref(items[usize::from(nibble)])
                    .ok_or_else(|| bad("bad child reference"))?
                    .ok_or(MptError::Absent { depth })?,
            },
        };
        next = child;
        depth += 1;
    };
    if value.is_empty() {
        return Err(MptError::Absent { depth });
    }
    match proof.count() {
        0 => Ok(value),
        unused => Err(MptError::UnusedNodes(unused)),
    }
}

/// Splits a node's RLP into its raw items and their count: 2 for a leaf or an extension (path, then
/// value or child), 17 for a branch (16 children, then a value). `None` for anything else.
fn node_items(node: &[u8]) -> Option<([&[u8]; 17], usize)> {
    let mut rest = rlp::whole_list(node, "trie node").ok()?;
    let mut items: [&[u8]; 17] = [&[]; 17];
    let mut count = 0;
    while !rest.is_empty() {
        *items.get_mut(count)? = rlp::take_raw(&mut rest, "trie node item").ok()?;
        count += 1;
    }
    matches!(count, 2 | 17).then_some((items, count))
}

/// The payload of an RLP string item.
fn string_payload(item: &[u8]) -> Option<&[u8]> {
    let mut buf = item;
    Header::decode_bytes(&mut buf, false).ok()
}

/// A child slot: `Some(None)` when empty, a hash, or an embedded node shorter than 32 bytes.
fn child_ref(item: &[u8]) -> Option<Option<Child<'_>>> {
    if item == [EMPTY_STRING_CODE] {
        return Some(None);
    }
    if item.first()? >= &alloy_rlp::EMPTY_LIST_CODE {
        return (item.len() < 32).then_some(Some(Child::Inline(item)));
    }
    let hash = string_payload(item)?;
    (hash.len() == 32).then(|| Some(Child::Hash(B256::from_slice(hash))))
}

/// Decodes a hex-prefix path into (is leaf, nibbles).
fn decode_hex_prefix(encoded: &[u8]) -> Option<(bool, PathNibbles<'_>)> {
    let (&first, rest) = encoded.split_first()?;
    let flag = first >> 4;
    if flag > 3 {
        return None;
    }
    let odd = flag & 1 == 1;
    if !odd && first & 0x0f != 0 {
        return None;
    }
    let odd_nibble = odd.then_some(first & 0x0f);
    Some((flag >= 2, PathNibbles { odd_nibble, bytes: rest }))
}

/// A node's path: an optional leading nibble, then whole bytes.
struct PathNibbles<'a> {
    odd_nibble: Option<u8>,
    bytes: &'a [u8],
}

impl PathNibbles<'_> {
    fn len(&self) -> usize {
        usize::from(self.odd_nibble.is_some()) + 2 * self.bytes.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn iter(&self) -> impl Iterator<Item = u8> + '_ {
        self.odd_nibble.into_iter().chain(self.bytes.iter().flat_map(|b| [b >> 4, b & 0x0f]))
    }
}

/// The key's nibbles not yet matched.
struct Nibbles<'a> {
    key: &'a [u8],
    position: usize,
}

impl<'a> Nibbles<'a> {
    fn new(key: &'a [u8]) -> Self {
        Self { key, position: 0 }
    }

    fn nibble(&self, index: usize) -> u8 {
        let byte = self.key[index / 2];
        if index.is_multiple_of(2) {
            byte >> 4
        } else {
            byte & 0x0f
        }
    }

    fn remaining(&self) -> usize {
        2 * self.key.len() - self.position
    }

    fn next(&mut self) -> Option<u8> {
        (self.remaining() > 0).then(|| {
            self.position += 1;
            self.nibble(self.position - 1)
        })
    }

    fn starts_with(&self, path: &PathNibbles<'_>) -> bool {
        path.len() <= self.remaining()
            && path.iter().enumerate().all(|(i, nibble)| self.nibble(self.position + i) == nibble)
    }

    /// Whether the rest of the key is exactly `path`.
    fn rest_equals(&self, path: &PathNibbles<'_>) -> bool {
        path.len() == self.remaining() && self.starts_with(path)
    }

    /// Advances past `path` if the key continues with it.
    fn consume_prefix(&mut self, path: &PathNibbles<'_>) -> bool {
        let matches = self.starts_with(path);
        if matches {
            self.position += path.len();
        }
        matches
    }
}

/// The receipts (and transactions) trie key of the transaction at `index`: the RLP of the index.
pub fn index_key(index: u64) -> alloc::vec::Vec<u8> {
    alloy_rlp::encode(index)
}
