//! Why bytes are not an Atlas header or Istanbul extra.

/// Why bytes are not an Atlas header or an Istanbul extra.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbftError {
    /// Not well-formed RLP of the expected shape.
    #[error("{what}: {source}")]
    Rlp {
        /// What was being read.
        what: &'static str,
        /// The RLP error.
        source: alloy_rlp::Error,
    },
    /// A list with the wrong number of items.
    #[error("{what}: {found} items, expected {expected}")]
    ItemCount {
        /// What was being read.
        what: &'static str,
        /// How many items it must have.
        expected: &'static str,
        /// How many it has.
        found: usize,
    },
    /// A fixed-length item of another length.
    #[error("{what}: {found} bytes, expected {expected}")]
    Length {
        /// What was being read.
        what: &'static str,
        /// Its length.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// `extraData` shorter than the 32-byte vanity.
    #[error("extraData: {0} bytes, shorter than the 32-byte vanity")]
    ShortExtra(usize),
    /// The validator set change names a validator the set does not have.
    #[error("the removal bitmap names validator {index} of a set of {size}")]
    RemovedBeyondSet {
        /// The highest index it names.
        index: usize,
        /// The set's size.
        size: usize,
    },
}

impl IbftError {
    /// An RLP error while reading `what`.
    pub(crate) fn rlp(what: &'static str) -> impl FnOnce(alloy_rlp::Error) -> Self {
        move |source| Self::Rlp { what, source }
    }
}
