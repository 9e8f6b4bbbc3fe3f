//! The RLP log list a light client returns: `[[address, [topic, ...], data], ...]`.
//!
//! [`LogList`] reads the list in place: finding log `i` skips the items before it by their headers,
//! so neither the list nor the logs are copied. [`encode_log_list`] is the one encoder.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, Log, B256};

use crate::{rlp, RlpError};

/// One 32-byte topic as it sits in an RLP topic list: the header byte 0xa0, then the word.
const TOPIC_ITEM_LEN: usize = 33;

/// An RLP log list, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogList<'a> {
    encoded: &'a [u8],
    payload: &'a [u8],
}

impl<'a> LogList<'a> {
    /// Reads `data` as one RLP list. The logs inside are checked as they are visited.
    ///
    /// # Errors
    /// [`RlpError`] when `data` is not exactly one RLP list.
    pub fn new(data: &'a [u8]) -> Result<Self, RlpError> {
        let payload = rlp::whole_list(data, "log list")?;
        Ok(Self { encoded: data, payload })
    }

    /// The whole encoding, as it was given.
    pub fn as_rlp(&self) -> &'a [u8] {
        self.encoded
    }

    /// Whether the list holds no logs.
    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }

    /// The logs in order.
    pub fn iter(&self) -> LogIter<'a> {
        LogIter { rest: self.payload }
    }

    /// The number of logs.
    ///
    /// # Errors
    /// [`RlpError`] when an item of the list is malformed.
    pub fn len(&self) -> Result<usize, RlpError> {
        let mut rest = self.payload;
        let mut count = 0;
        while !rest.is_empty() {
            rlp::take_raw(&mut rest, "log")?;
            count += 1;
        }
        Ok(count)
    }

    /// Log `index`, reached by skipping the logs before it without decoding them.
    ///
    /// # Errors
    /// [`RlpError::LogIndexOutOfRange`] past the end; [`RlpError`] when the list or that log is malformed.
    pub fn get(&self, index: usize) -> Result<LogView<'a>, RlpError> {
        let mut rest = self.payload;
        for skipped in 0..index {
            if rest.is_empty() {
                return Err(RlpError::LogIndexOutOfRange { index, len: skipped });
            }
            rlp::take_raw(&mut rest, "log")?;
        }
        if rest.is_empty() {
            return Err(RlpError::LogIndexOutOfRange { index, len: index });
        }
        LogView::take(&mut rest)
    }

    /// Copies every log out.
    ///
    /// # Errors
    /// [`RlpError`] on the first malformed log.
    pub fn to_logs(&self) -> Result<Vec<Log>, RlpError> {
        self.iter().map(|log| log.map(|log| log.to_log())).collect()
    }
}

impl<'a> IntoIterator for &LogList<'a> {
    type Item = Result<LogView<'a>, RlpError>;
    type IntoIter = LogIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over the logs of a [`LogList`]; stops after the first error.
#[derive(Debug, Clone)]
pub struct LogIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for LogIter<'a> {
    type Item = Result<LogView<'a>, RlpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let log = LogView::take(&mut self.rest);
        if log.is_err() {
            self.rest = &[];
        }
        Some(log)
    }
}

/// One log, borrowed from its list, its structure checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogView<'a> {
    address: Address,
    topics: &'a [u8],
    data: &'a [u8],
}

impl<'a> LogView<'a> {
    /// Reads one log item from the front of `buf`.
    fn take(buf: &mut &'a [u8]) -> Result<Self, RlpError> {
        let mut fields = rlp::take_list(buf, "log")?;
        let address = Address::from(rlp::take_fixed::<20>(&mut fields, "log address")?);
        let topics = rlp::take_list(&mut fields, "log topics")?;
        let data = rlp::take_string(&mut fields, "log data")?;
        rlp::done(fields, "log")?;
        // Every topic must be a 32-byte string; canonical RLP then gives each the same 33 bytes,
        // which is what lets `topic(i)` index straight into the list.
        let mut rest = topics;
        while !rest.is_empty() {
            rlp::take_fixed::<32>(&mut rest, "log topic")?;
        }
        Ok(Self { address, topics, data })
    }

    /// The emitting contract.
    pub fn address(&self) -> Address {
        self.address
    }

    /// How many topics the log has.
    pub fn topic_count(&self) -> usize {
        self.topics.len() / TOPIC_ITEM_LEN
    }

    /// Topic `index`, if the log has it.
    pub fn topic(&self, index: usize) -> Option<B256> {
        let start = index.checked_mul(TOPIC_ITEM_LEN)? + 1;
        self.topics.get(start..start + 32).map(B256::from_slice)
    }

    /// The topics in order.
    pub fn topics(&self) -> impl ExactSizeIterator<Item = B256> + 'a {
        self.topics.chunks_exact(TOPIC_ITEM_LEN).map(|item| B256::from_slice(&item[1..]))
    }

    /// The data, borrowed.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// An owned copy.
    pub fn to_log(&self) -> Log {
        Log::new_unchecked(self.address, self.topics().collect(), Bytes::copy_from_slice(self.data))
    }
}

/// Encodes logs as the RLP list a light client returns.
pub fn encode_log_list(logs: &[Log]) -> Vec<u8> {
    let mut out = Vec::new();
    alloy_rlp::encode_list(logs, &mut out);
    out
}
