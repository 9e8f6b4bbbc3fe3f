//! `mapMessageOut`, decoded: what the messenger carries and what a relay or destination executes.

use alloc::{format, string::String, vec::Vec};

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolEvent;
use light_client_iface::LogView;

use crate::{abi::TupleReader, interfaces::IMOSV3, DecodeError, MessageData};

/// A `mapMessageOut` log, decoded.
///
/// ```solidity
/// event mapMessageOut(uint256 indexed fromChain, uint256 indexed toChain, bytes32 orderId, bytes fromAddrss, bytes callData);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageOut {
    /// The contract that emitted the log: the MOS of `from_chain`, or the relay's MOS when forwarded.
    pub emitter: Address,
    /// The chain the message came from.
    pub from_chain: U256,
    /// The chain that must execute it.
    pub to_chain: U256,
    /// The message's identity; see [`crate::order_id`].
    pub order_id: B256,
    /// The sender on `from_chain` (20 bytes on EVM chains), or the relay target that re-sent it.
    pub from_address: Bytes,
    /// The `MessageData` bytes exactly as the sender passed them; see [`MessageOut::message`].
    pub message_data: Bytes,
}

/// Why a log is not a well-formed `mapMessageOut`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageOutError {
    /// topic0 is not `mapMessageOut`'s (or the log has no topics).
    #[error("not a mapMessageOut log: topic0 is {}", .0.map_or_else(|| String::from("missing"), |t| format!("{t}")))]
    WrongTopic(Option<B256>),
    /// The event has exactly three topics (signature, fromChain, toChain).
    #[error("mapMessageOut has 3 topics, this log has {0}")]
    TopicCount(usize),
    /// The data is not `abi.encode(bytes32, bytes, bytes)`.
    #[error("mapMessageOut data: {0}")]
    Data(#[from] DecodeError),
}

impl MessageOut {
    /// The event's topic0.
    pub const TOPIC: B256 = IMOSV3::mapMessageOut::SIGNATURE_HASH;

    /// Decodes a log read from an RLP log list.
    ///
    /// # Errors
    /// As [`MessageOut::decode`].
    pub fn from_log(log: &LogView<'_>) -> Result<Self, MessageOutError> {
        let topics: Vec<B256> = log.topics().collect();
        Self::decode(log.address(), &topics, log.data())
    }

    /// Decodes a log given as its parts.
    ///
    /// # Errors
    /// [`MessageOutError::WrongTopic`] for another event, [`MessageOutError::TopicCount`] unless there
    /// are exactly three topics, [`MessageOutError::Data`] when the data is not the canonical encoding.
    pub fn decode(emitter: Address, topics: &[B256], data: &[u8]) -> Result<Self, MessageOutError> {
        if topics.first() != Some(&Self::TOPIC) {
            return Err(MessageOutError::WrongTopic(topics.first().copied()));
        }
        let [_, from_chain, to_chain] = topics else {
            return Err(MessageOutError::TopicCount(topics.len()));
        };
        let mut tuple = TupleReader::new(data, 0, 3)?;
        let order_id = tuple.bytes32(0);
        let from_address = Bytes::copy_from_slice(tuple.bytes(1, "fromAddress")?);
        let message_data = Bytes::copy_from_slice(tuple.bytes(2, "messageData")?);
        tuple.finish()?;
        Ok(Self {
            emitter,
            from_chain: U256::from_be_bytes(from_chain.0),
            to_chain: U256::from_be_bytes(to_chain.0),
            order_id,
            from_address,
            message_data,
        })
    }

    /// Decodes the carried `MessageData`.
    ///
    /// # Errors
    /// As [`MessageData::decode`].
    pub fn message(&self) -> Result<MessageData, DecodeError> {
        MessageData::decode(&self.message_data)
    }

    /// The event, ready to emit or encode.
    pub fn to_event(&self) -> IMOSV3::mapMessageOut {
        IMOSV3::mapMessageOut {
            fromChain: self.from_chain,
            toChain: self.to_chain,
            orderId: self.order_id,
            fromAddrss: self.from_address.clone(),
            callData: self.message_data.clone(),
        }
    }
}
